# Per-pair race map: one cell per ordered CPU pair, coloured by the rate of
# bad outcomes per million trials (log scale), a letter for its pair class,
# grey where none was seen.  Run in the charts directory; reads only
# pairmap.dat, writes only pairmap.png and pairmap.svg.
#   pairmap.dat  tab-separated, a header line whose 3rd column is the title,
#                then: x (B's CPU index) y (A's) rate(-1: none seen) class-letter
#                cpu_a cpu_b
set datafile separator "\t"
set termoption noenhanced
stats "pairmap.dat" using 1 nooutput
n = STATS_max + 1
stats "pairmap.dat" using 2 nooutput
n = STATS_max + 1 > n ? STATS_max + 1 : n
stats "pairmap.dat" using ($3 > 0 ? $3 : 1/0) nooutput
have = STATS_records > 0 && exists("STATS_min") && STATS_min > 0
if (have) {
	lo = STATS_min; hi = STATS_max
	if (hi < 1.5 * lo) { lo = lo / 3; hi = hi * 3 }
	set cbrange [lo:hi]
}
set size ratio -1
set xrange [-0.5:n - 0.5]
set yrange [n - 0.5:-0.5]
set xlabel "B's CPU"
set ylabel "A's CPU"
set xtics scale 0
set ytics scale 0
set logscale cb
set cblabel "bad outcomes per million trials"
set palette defined (0 "#fff5eb", 1 "#fd8d3c", 2 "#7f2704")
set key outside top center
set style fill solid 1.0 border rgb "#777777"
do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 760,720 font ",9"
	} else {
		set terminal svg size 760,720 font ",9" dynamic background "white"
	}
	set output "pairmap.".fmt
	if (have) {
		plot "pairmap.dat" using 1:2:(0.5):(0.5):($3 > 0 ? $3 : 1/0) \
			with boxxyerror lc palette title columnheader(3), \
		     "" using 1:2:(0.5):($3 > 0 ? 1/0 : 0.5) \
			with boxxyerror lc rgb "#d9d9d9" notitle, \
		     "" using 1:2:4 with labels notitle, \
		     "" using 1:2:xticlabels(6):yticlabels(5) with points ps 0 notitle
	} else {
		unset colorbox
		plot "pairmap.dat" using 1:2:(0.5):(0.5) \
			with boxxyerror lc rgb "#d9d9d9" title columnheader(3), \
		     "" using 1:2:4 with labels notitle, \
		     "" using 1:2:xticlabels(6):yticlabels(5) with points ps 0 notitle
	}
	unset output
}
