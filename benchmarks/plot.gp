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
plot dir."/open.dat" using 1:3 with linespoints lw 2 title "journal, no snapshot", \
     ""              using 1:4 with linespoints lw 2 title "journal, snapshots", \
     ""              using 1:2 with linespoints dt 2 title "floor: Boost.JSON parse of events.jsonl", \
     ""              using 1:5 with linespoints lw 2 title "SQLite WAL replay", \
     ""              using 1:6 with linespoints dt 3 title "verify (every hash)"

set output dir."/append.svg"
set title "Append throughput, one thread (higher is better)"
unset logscale
set logscale y
set format x "%g"
set xlabel ""
set ylabel "events per second"
set style fill solid 0.7
set boxwidth 0.7
set xtics rotate by -35 left font ",9"
set key off
set bmargin 12
plot dir."/append.dat" using 0:2:xtic(1) with boxes
