# gnuplot script: turns pj_compare's data files into the SVG plots of
# benchmarks/RESULTS.md. Usage: gnuplot -e "dir='benchmarks/results'" benchmarks/plot.gp
if (!exists("dir")) dir = "benchmarks/results"
set terminal svg size 900,540 dynamic enhanced font "sans,12" background rgb "white"
set grid

set output dir."/open.svg"
set title "Open at the head vs history length (edits workload)"
set logscale xy
set xlabel "events in the history"
set ylabel "median time (ms)"
set key top left
set format x "10^{%L}"
plot dir."/open.dat" using 1:3 with linespoints lw 2 pt 7 title "journal, no snapshot", \
     dir."/open.dat" using 1:4 with linespoints lw 2 pt 5 title "journal, snapshots", \
     dir."/open.dat" using 1:2 with linespoints lw 1 pt 6 title "floor: Boost.JSON parse of events.jsonl", \
     dir."/open.dat" using 1:5 with linespoints lw 2 pt 9 title "SQLite WAL replay", \
     dir."/open.dat" using 1:6 with linespoints lw 1 pt 4 title "verify (every hash)"

set output dir."/append.svg"
set title "Append throughput, one thread (longer is better; b64: batches of 64)"
unset logscale
set logscale x
set format x "10^{%L}"
set format y "%g"
set xlabel "events per second"
set ylabel ""
set xrange [1000:*]
set yrange [-1:*] reverse
set style fill solid 0.7
set ytics font ",10"
set key off
plot dir."/append.dat" using (1000):0:(1000):2:($0-0.35):($0+0.35):ytic(1) with boxxyerror
