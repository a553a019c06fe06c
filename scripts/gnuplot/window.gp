# The window map of one race: bad trials per trial against the measured
# offset of the roles' starts (second minus first, ns), one curve per
# variant and pair class, log scale, exact 95% intervals; a bin with none
# is its upper bound, a downward triangle.  Under it, the trials each
# curve spent per bin.  The offset axis is symmetric-logarithmic: the
# engine's bins grow by half-octaves either side of zero.
#
# Run with the charts directory as working directory and -e 'k=K':
# reads data/window-K.dat (a block per curve, its header naming it),
# writes window-K.png and window-K.svg.  Nothing else comes from outside.
set datafile separator "\t"
set termoption noenhanced
datafile = sprintf("data/window-%d.dat", k)
outbase = sprintf("window-%d", k)
stats datafile using 1 nooutput
nb = STATS_blocks

sl(x) = (x >= 0 ? 1 : -1) * log10(1 + abs(x))
isl(y) = (y >= 0 ? 1 : -1) * (10 ** abs(y) - 1)
set nonlinear x via sl(x) inverse isl(x)
set xtics ("-100us" -1e5, "-10us" -1e4, "-1us" -1e3, "-100" -100, "-10" -10, \
	   "0" 0, "10" 10, "100" 100, "1us" 1e3, "10us" 1e4, "100us" 1e5)
set grid xtics ytics
set key outside top center horizontal

do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 1100,720 font ",9"
	} else {
		set terminal svg size 1100,720 font ",9" dynamic background "white"
	}
	set output outbase.".".fmt
	set multiplot layout 2,1
	set logscale y
	set format y "%.0e"
	set ylabel "bad trials per trial (95% interval)"
	set xlabel ""
	plot for [i=0:nb-1] datafile index i using 1:($7 == 0 ? $4 : 1/0):5:6 \
		with yerrorbars pt 7 ps 0.9 lc i+1 title columnheader(1), \
	     for [i=0:nb-1] datafile index i using 1:($7 == 1 ? $6 : 1/0) \
		with points pt 11 ps 1.0 lc i+1 notitle
	set ylabel "trials per bin"
	set xlabel "offset of the second role's start from the first's (ns)"
	set format y "%.0e"
	plot for [i=0:nb-1] datafile index i using 1:8 with steps lw 1.5 \
		lc i+1 notitle
	unset multiplot
	unset output
}
