# Race rates per scenario (group) and variant (colour), log scale, with
# their 95% intervals.  A scenario that never fired has no rate, only an
# upper bound: drawn as a downward triangle at the bound with an arrow.
#   datafile  columns: x rate lo hi bound(0|1) variant-index scenario
#   outbase   output path without extension
#   names     variant names separated by spaces (legend, in index order)
#   xt        xtics list: ("scenario" x, ...); xmax: last x
set datafile separator "\t"
set termoption noenhanced
set logscale y
set format y "10^{%L}"
set termoption enhanced
set ylabel "bad outcomes per million trials (95% interval)"
set key outside top center horizontal
set grid ytics
set xrange [-1:xmax+1]
eval("set xtics ".xt." scale 0 nomirror rotate by -20")
set bmargin 6
nv = words(names)
do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 1100,520 font ",9"
	} else {
		set terminal svg size 1100,520 font ",9" dynamic background "white"
	}
	set output outbase.".".fmt
	plot datafile using 1:($5 == 0 ? $2 : 1/0):($5 == 0 ? $3 : 1/0):($5 == 0 ? $4 : 1/0):6 \
		skip 1 with yerrorbars pt 7 ps 1.2 lc variable notitle, \
	     datafile using 1:($5 == 1 ? $4 : 1/0):(0):($5 == 1 ? -0.7 * $4 : 1/0):6 \
		skip 1 with vectors head filled lw 1.5 lc variable notitle, \
	     datafile using 1:($5 == 1 ? $4 : 1/0):6 skip 1 with points pt 11 ps 1.4 \
		lc variable notitle, \
	     for [i=1:nv] NaN with points pt 7 lc i title word(names, i)
	unset output
}
