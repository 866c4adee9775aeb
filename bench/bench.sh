#!/bin/sh
# Simulator speed on disb-a under `streams` (issue targets: >= 2 million simulated kernel
# completions per wall-clock second on one core, and >= 100x faster than real time), plus peak
# memory at two durations to show that memory grows with jobs, not with kernels, and the
# instructions per kernel that contention costs.
#
# Usage: bench/bench.sh [TIERSIM] [REPEATS]      (or: make bench)
# Each repeat simulates 60 s of disb-a; the median repeat is reported.
set -eu
TIERSIM=${1:-./tiersim}
REPEATS=${2:-5}
DURATION=60

runs=""
i=0
while [ "$i" -lt "$REPEATS" ]; do
  # The last line of a non-quiet run: "streams N kernels, E events, S s simulated in W s (...)".
  line=$(taskset -c 0 "$TIERSIM" run disb-a -p streams --duration "$DURATION" | tail -n 1)
  runs="$runs$line
"
  i=$((i + 1))
done
printf '%s' "$runs" | awk '
  { k = $2; sim = $6; wall = $10; rate[NR] = k / wall; speed[NR] = sim / wall; w[NR] = wall; kern = k }
  END {
    n = NR
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (rate[j] < rate[i]) {
      t = rate[i]; rate[i] = rate[j]; rate[j] = t; t = speed[i]; speed[i] = speed[j]; speed[j] = t
      t = w[i]; w[i] = w[j]; w[j] = t }
    m = int((n + 1) / 2)
    printf "disb-a, policy streams, %d s simulated, %d kernels per run, %d runs pinned to one core\n", '"$DURATION"', kern, n
    printf "  median: %.2f million kernels/s, %.0fx real time (wall %.3f s)\n", rate[m] / 1e6, speed[m], w[m]
    printf "  range:  %.2f .. %.2f million kernels/s\n", rate[1] / 1e6, rate[n] / 1e6
  }'

# Peak resident memory at 1x and 4x the duration: jobs grow 4x; kernels in flight do not.
if [ -x /usr/bin/time ]; then
  for d in 15 60; do
    kb=$( { /usr/bin/time -f '%M' "$TIERSIM" run disb-a -p streams -q --duration "$d" >/dev/null; } 2>&1 | tail -n 1)
    echo "  peak RSS with $d s simulated: $kb KiB"
  done
else
  echo "  (peak memory not measured: /usr/bin/time is missing; apt-get install time)"
fi

# What contention (DESIGN §2 rule 5) costs: instructions per simulated kernel, counted by
# callgrind (deterministic, unlike timings on a shared machine), with the rule on and off, on
# disb-a and robot-be (Pantheon's robot with its BE AlexNet, so that kernels co-run) under every
# policy they name (issue target: on at most 2x off).
if command -v valgrind >/dev/null 2>&1; then
  for s in disb-a robot-be; do
    for mode in none sm+memory; do
      log=$(mktemp)
      kernels=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$TIERSIM" run "$s" --duration 1 \
                  --set "profile.rules.contention=\"$mode\"" 2>"$log" | awk '/ kernels, / { k += $2 } END { print k }')
      ir=$(sed -n 's/.*Collected : //p' "$log" | tr -d ,)
      rm -f "$log"
      echo "$s $mode $kernels $ir"
    done
  done | awk '
    { per[$1, $2] = $4 / $3; order[$1] = 1 }
    END {
      print "  instructions per simulated kernel (callgrind, 1 s simulated, every policy), contention off / on:"
      for (s in order) printf "    %-8s %8.0f / %8.0f  (%.2fx)\n", s, per[s, "none"], per[s, "sm+memory"], per[s, "sm+memory"] / per[s, "none"]
    }'
else
  echo "  (instructions per kernel not measured: valgrind is missing; apt-get install valgrind)"
fi
