# Bars per row (benchmark) and column pair (value, stddev), with error bars.
# Driven by flagbench-report with:
#   datafile  tab-separated: header "label<TAB>name1<TAB>sd1<TAB>name2..."
#   outbase   output path without extension (.png and .svg are written)
#   ncols     number of (value, sd) pairs
#   ylab, ttl axis label and title; logy: 1 for a log scale
set datafile separator "\t"
set datafile missing "?"
set termoption noenhanced
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
	set output outbase.".".fmt
	plot for [i=1:ncols] datafile using (column(2*i)):(column(2*i+1)):xtic(1) \
		title columnheader(2*i)
	unset output
}
