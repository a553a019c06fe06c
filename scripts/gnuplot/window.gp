# The window map of one race scenario as small multiples: one panel per
# build, one above the other on a shared, symmetric-logarithmic offset axis (the engine's bins
# grow by half-octaves either side of zero), the pre-fix reference first.
# In each panel: bad trials per trial per bin of the measured offset of the
# roles' starts (second minus first, ns), log scale, exact 95% intervals,
# a bin with none drawn as its upper bound (a downward triangle); the
# trials spent per bin as grey steps on the right axis; in every panel but
# the reference's, the bins where the reference hit, shaded.
#
# Run with the charts directory as working directory and -e 'name=...;
# k=K; n=N; hasref=0|1; ymin=Y' (numbers only): reads
# data/window-K.dat (a block per panel, its header naming the build),
# data/window-K.ref (lo<TAB>hi of the reference's hit bins) and
# data/window-K.titles (the figure's title, then each panel's), writes
# window-K.png and window-K.svg.  Nothing else comes from outside.
set datafile separator "\t"
set datafile missing "?"
set termoption noenhanced
datafile = sprintf("data/window-%d.dat", k)
reffile = sprintf("data/window-%d.ref", k)
titles = sprintf("data/window-%d.titles", k)
outbase = sprintf("window-%d", k)

# Titles are read as data (strcol), never evaluated.
array T[n + 1]
do for [i = 1:n + 1] {
	stats titles every ::(i - 1)::(i - 1) using (T[i] = strcol(1), 0) nooutput
}

sl(x) = (x >= 0 ? 1 : -1) * log10(1 + abs(x))
isl(y) = (y >= 0 ? 1 : -1) * (10 ** abs(y) - 1)
set nonlinear x via sl(x) inverse isl(x)
set xtics ("-100us" -1e5, "-10us" -1e4, "-1us" -1e3, "-100" -100, "-10" -10, \
	   "0" 0, "10" 10, "100" 100, "1us" 1e3, "10us" 1e4, "100us" 1e5)
set xrange [-2e5:2e5]
set logscale y
set logscale y2
set yrange [ymin:1]
set format y "%.0e"
set format y2 "%.0e"
set ytics nomirror
set y2tics textcolor rgb "#777777"
set grid xtics ytics
set key off
set ylabel "bad trials per trial"
set y2label "trials per bin" textcolor rgb "#777777"

panel = n > 6 ? 190 : 240
height = 50 + n * panel + 40
do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 1100,height font ",9"
	} else {
		set terminal svg size 1100,height font ",9" dynamic background "white"
	}
	set output outbase.".".fmt
	set multiplot layout n,1 title T[1] font ",11" \
		margins 0.07,0.93,40.0/height,1 - 50.0/height \
		spacing 0.09,62.0/height
	do for [i = 0:n - 1] {
		set title T[i + 2]
		set xlabel (i == n - 1 ? "offset of the second role's start from the first's (ns)" : "")
		shade = (hasref && i > 0) ? 1 : 0
		colour = (hasref && i == 0) ? 7 : i + 1
		plot reffile using (($1 + $2) / 2):(1):1:2:(ymin):(shade ? 1 : 1/0) \
			with boxxyerror fc rgb "#f6d5d2" fs solid 1.0 noborder, \
		     datafile index i using 2:8 axes x1y2 with steps lw 1.2 \
			lc rgb "#b0b0b0", \
		     datafile index i using 1:($7 == 0 ? $4 : 1/0):5:6 \
			with yerrorbars pt 7 ps 0.8 lc colour, \
		     datafile index i using 1:($7 == 1 ? $6 : 1/0) \
			with points pt 11 ps 0.7 lc colour
	}
	unset multiplot
	unset output
}
