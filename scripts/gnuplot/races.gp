# Race rates per scenario (group) and variant (colour), log scale, with
# their 95% intervals.  A scenario that never fired has no rate, only an
# upper bound: drawn as a downward triangle at the bound with an arrow.
# Run by flagbench-report in OUTDIR/charts with -e "name='races'; nv=N;
# xmax=X" and nothing else: names come from the data files, read as data.
#   data/races.dat        columns: x rate lo hi bound(0|1) variant-index scenario
#   data/races-names.dat  header line: the variant names (legend, index order)
#   data/races-xtics.dat  x<TAB>scenario, one tic per scenario
#   nv: number of variants; xmax: last x
set datafile separator "\t"
datafile = "data/".name.".dat"
set logscale y
set format y "10^{%L}"
set termoption enhanced
set ylabel "bad outcomes per million trials (95% interval)"
set key outside top center horizontal
set grid ytics
set xrange [-1:xmax+1]
set xtics () scale 0 nomirror rotate by -20 noenhanced
set bmargin 6
do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 1100,520 font ",9"
	} else {
		set terminal svg size 1100,520 font ",9" dynamic background "white"
	}
	set output name.".".fmt
	plot datafile using 1:($5 == 0 ? $2 : 1/0):($5 == 0 ? $3 : 1/0):($5 == 0 ? $4 : 1/0):6 \
		skip 1 with yerrorbars pt 7 ps 1.2 lc variable notitle, \
	     datafile using 1:($5 == 1 ? $4 : 1/0):(0):($5 == 1 ? -0.7 * $4 : 1/0):6 \
		skip 1 with vectors head filled lw 1.5 lc variable notitle, \
	     datafile using 1:($5 == 1 ? $4 : 1/0):6 skip 1 with points pt 11 ps 1.4 \
		lc variable notitle, \
	     "data/".name."-xtics.dat" using 1:(NaN):xtic(2) notitle noenhanced, \
	     for [i=1:nv] "data/".name."-names.dat" using (NaN):(NaN) with points \
		pt 7 lc i title columnheader(i) noenhanced
	unset output
}
