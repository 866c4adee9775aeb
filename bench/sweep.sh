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

# each configuration 5 times, alternating; the medians are compared
: > "$out/times"
for r in 1 2 3 4 5; do
  for j in 1 2; do
    rm -rf "$out/j$j"
    t0=$(now); "$TIERSIM" sweep "$here/sweeps/seeds.cfg" -j "$j" -o "$out/j$j" > /dev/null 2>&1; t1=$(now)
    echo "$j $t0 $t1" >> "$out/times"
  done
done
cmp -s "$out/j1/points.csv" "$out/j2/points.csv" || { echo "points.csv differs between -j 1 and -j 2"; exit 1; }
med() { awk -v j="$1" '$1 == j { print $3 - $2 }' "$out/times" | sort -n | sed -n 3p; }
awk -v a="$(med 1)" -v b="$(med 2)" 'BEGIN {
  printf "sweeps/seeds.cfg (8 points), median of 5: -j 1 %.2f s, -j 2 %.2f s: speed-up %.2fx (identical points.csv)\n", a, b, a / b }'

cat > "$out/tiny.cfg" <<EOT
scenario = "$here/tests/data/md1.cfg";
axes = ( { name = "rate"; key = "tasks.q.arrival.rate"; values = [ 100.0, 200.0, 300.0, 400.0, 500.0 ]; },
         { name = "duration"; key = "duration"; values = [ 0.001 ]; } );
replicas = 40;
EOT
: > "$out/tiny-times"
for r in 1 2 3; do
  rm -rf "$out/tiny"
  t0=$(now); "$TIERSIM" sweep "$out/tiny.cfg" -j 1 -o "$out/tiny" > /dev/null 2>&1; t1=$(now)
  echo "$t0 $t1" | awk '{ print $2 - $1 }' >> "$out/tiny-times"
done
t=$(sort -n "$out/tiny-times" | sed -n 2p)
awk -v t="$t" 'BEGIN { printf "overhead, median of 3: 200 near-empty points in %.3f s with -j 1: %.2f ms per point\n", t, t * 1000 / 200 }'
