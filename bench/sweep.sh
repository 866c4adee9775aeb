#!/bin/sh
# Sweep speed (issue targets: -j 2 at least 1.8x faster than -j 1 on this 2-core machine), and the
# sweep's own overhead per point: a sweep of points whose simulation is negligible (1 ms of a
# single-kernel M/D/1), so that its wall time per point is what the sweep adds (loading and
# checking the point, writing its files, the rename, points.csv).
# Usage: bench/sweep.sh [TIERSIM]
set -eu
TIERSIM=${1:-./tiersim}
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
now() { date +%s.%N; }

t0=$(now); "$TIERSIM" sweep "$here/sweeps/seeds.cfg" -j 1 -o "$out/j1" > /dev/null 2>&1; t1=$(now)
"$TIERSIM" sweep "$here/sweeps/seeds.cfg" -j 2 -o "$out/j2" > /dev/null 2>&1; t2=$(now)
cmp -s "$out/j1/points.csv" "$out/j2/points.csv" || { echo "points.csv differs between -j 1 and -j 2"; exit 1; }
awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
  printf "sweeps/seeds.cfg (8 points): -j 1 %.2f s, -j 2 %.2f s: speed-up %.2fx (identical points.csv)\n", b - a, c - b, (b - a) / (c - b) }'

cat > "$out/tiny.cfg" <<EOT
scenario = "$here/tests/data/md1.cfg";
axes = ( { name = "rate"; key = "tasks.q.arrival.rate"; values = [ 100.0, 200.0, 300.0, 400.0, 500.0 ]; },
         { name = "duration"; key = "duration"; values = [ 0.001 ]; } );
replicas = 40;
EOT
t0=$(now); "$TIERSIM" sweep "$out/tiny.cfg" -j 1 -o "$out/tiny" > /dev/null 2>&1; t1=$(now)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "overhead: 200 near-empty points in %.3f s with -j 1: %.2f ms per point\n", b - a, (b - a) * 1000 / 200 }'
