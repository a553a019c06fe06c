# One line per column against the first column.
# Run by flagbench-report in OUTDIR/charts with -e "name='NAME'; ncols=N;
# xtic=0|1; logy=0|1" and nothing else: every text comes from the data
# files, read as data (strcol, columnheader), never evaluated.
#   data/NAME.dat   tab-separated: header "x<TAB>series1<TAB>series2..."
#   data/NAME.meta  one line: title<TAB>xlabel<TAB>ylabel
#   NAME.png, NAME.svg  written
#   ncols           number of series
#   xtic            1: the first column is a label (runs), 0: numeric (threads)
#   logy            1 for a log scale
set datafile separator "\t"
set datafile missing "?"
set termoption noenhanced
datafile = "data/".name.".dat"
ttl = ""; xlab = ""; ylab = ""
stats "data/".name.".meta" using (ttl = strcol(1), xlab = strcol(2), ylab = strcol(3), 0) nooutput
set key outside top center horizontal
set grid
set xlabel xlab
set ylabel ylab
set title ttl
if (logy) { set logscale y }
if (xtic) { set xtics rotate by -35 nomirror; set bmargin 8; set offsets 0.3, 0.3, 0, 0 } else { set offsets 0.2, 0.2, 0, 0; set xtics 1 }
do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 900,520 font ",9" noenhanced
	} else {
		set terminal svg size 900,520 font ",9" noenhanced dynamic background "white"
	}
	set output name.".".fmt
	if (xtic) {
		plot for [i=2:ncols+1] datafile using 0:i:xtic(1) with linespoints \
			lw 2 pt 7 title columnheader(i)
	} else {
		plot for [i=2:ncols+1] datafile using 1:i with linespoints \
			lw 2 pt 7 title columnheader(i)
	}
	unset output
}
