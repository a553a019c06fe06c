# One line per column against the first column.
#   datafile  tab-separated: header "x<TAB>series1<TAB>series2..."
#   outbase   output path without extension (.png and .svg are written)
#   ncols     number of series; xlab, ylab, ttl: labels
#   xtic      1: the first column is a label (runs), 0: numeric (threads)
#   logy      1 for a log scale
set datafile separator "\t"
set datafile missing "?"
set termoption noenhanced
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
	set output outbase.".".fmt
	if (xtic) {
		plot for [i=2:ncols+1] datafile using 0:i:xtic(1) with linespoints \
			lw 2 pt 7 title columnheader(i)
	} else {
		plot for [i=2:ncols+1] datafile using 1:i with linespoints \
			lw 2 pt 7 title columnheader(i)
	}
	unset output
}
