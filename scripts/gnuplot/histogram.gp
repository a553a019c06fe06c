# Bars per row (benchmark) and column pair (value, stddev), with error bars.
# Run by flagbench-report in OUTDIR/charts with -e "name='NAME'; ncols=N;
# logy=0|1" and nothing else: every text comes from the data files, read as
# data (strcol, columnheader), never evaluated.
#   data/NAME.dat   tab-separated: header "label<TAB>name1<TAB>sd1<TAB>name2..."
#   data/NAME.meta  one line: title<TAB>xlabel<TAB>ylabel
#   NAME.png, NAME.svg  written
#   ncols           number of (value, sd) pairs; logy: 1 for a log scale
set datafile separator "\t"
set datafile missing "?"
set termoption noenhanced
datafile = "data/".name.".dat"
ttl = ""; xlab = ""; ylab = ""
stats "data/".name.".meta" using (ttl = strcol(1), xlab = strcol(2), ylab = strcol(3), 0) nooutput
set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.75 border -1
set boxwidth 0.9
set key outside top center horizontal
set xtics rotate by -35 scale 0 nomirror
set ytics nomirror
set grid ytics
set ylabel ylab
set title ttl
if (logy) { set logscale y }
set bmargin 9
set yrange [*:*]
do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 1100,560 font ",9" noenhanced
	} else {
		set terminal svg size 1100,560 font ",9" noenhanced dynamic background "white"
	}
	set output name.".".fmt
	plot for [i=1:ncols] datafile using (column(2*i)):(column(2*i+1)):xtic(1) \
		title columnheader(2*i)
	unset output
}
