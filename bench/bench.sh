#!/bin/sh
# Simulator speed (issue 14), as `make bench` runs it: every shipped scenario under every policy it
# lists, with the profile's contention and host rules as shipped; and the event-queue ceiling of a
# bare 4-ary heap measured in the same run (bench/heap-hold.c).
#
# Usage: bench/bench.sh [TIERSIM] [HELPER_DIR]     (or: make bench)
#   HELPER_DIR holds heap-hold, cpu-time and sm-states (built by make bench); default: TIERSIM's folder/bench.
# Environment (all optional):
#   BENCH_SCENARIOS   scenario names (default: every shipped one, 'tiersim list scenarios')
#   BENCH_MIN_CPU_S   a row is repeated until its CPU time reaches this (default 0.2)
#   BENCH_MAX_CPU_S   a row is shortened to about this much CPU time (default 1)
#   BENCH_CALLGRIND_S simulated seconds for the instruction counts (default 0.1; 0 skips them:
#                     short, so counts run up to ~10% under those of longer runs where waves
#                     fragment, e.g. disb-d under streams)
# The whole run takes about 5 minutes on an idle 2-core machine (half of it valgrind's).
#
# How each row is measured.
# - CPU time is user + system of the whole `tiersim run S -p P -q` process (loading, simulating,
#   reporting), pinned to one core with taskset, from wait4's rusage (bench/cpu-time.c): never
#   wall time, the machines are shared.
# - Duration: the scenario's own (what `tiersim run` simulates), unless that would take more than
#   BENCH_MAX_CPU_S: then as many simulated seconds as fit in it, estimated from a probe that
#   runs the scenario's policies for 1 simulated second (cost per kernel is flat in duration,
#   which the "duration" section below checks).  A row under BENCH_MIN_CPU_S is run again until
#   it has used that much, and its rates are the totals over its runs.
# - kernels/s and events/s are simulated kernel completions and engine events per CPU second;
#   "x real" is simulated seconds per CPU second; "vs heap" is events/s over the heap's holds/s
#   at 32 pending events (the size of tiersim's queues: see bench/heap-hold.c).
# - "heap bound": the most "x real" any simulator could reach with this row's events (events per
#   simulated second) if each event cost it only one hold of the bare heap at its fastest size
#   (8 pending), with no model work at all.  A speed target above it cannot be met without fewer
#   events, that is, without a coarser model or more events passed in closed form.
# - instr/kernel: callgrind instructions inside runner.c's run_on (the simulation, without
#   loading and reporting: every run passes through it, and it is never inlined) per kernel
#   completed, over BENCH_CALLGRIND_S simulated seconds (at most the scenario's duration), one
#   valgrind run per scenario with a dump per policy; deterministic, and the number to compare
#   between builds on a shared machine (CPU times move with the load).
# - peak RSS: the largest of the row's runs.
set -eu
TIERSIM=${1:-./tiersim}
HELPERS=${2:-$(dirname "$TIERSIM")/bench}
MIN_CPU=${BENCH_MIN_CPU_S:-0.2}
MAX_CPU=${BENCH_MAX_CPU_S:-1}
CG_S=${BENCH_CALLGRIND_S:-0.1}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

pin=""
command -v taskset >/dev/null 2>&1 && pin="taskset -c 0"
have_valgrind=false
[ "$CG_S" != 0 ] && command -v valgrind >/dev/null 2>&1 && have_valgrind=true

# ---- the ceiling
# shellcheck disable=SC2086 # $pin: the pinning command, or nothing
$pin "$HELPERS/heap-hold" 0.3 > "$out/heap"
ceiling=$(awk '$1 == 32 { print $2 }' "$out/heap")
fastest=$(awk '$2 > m { m = $2 } END { print m }' "$out/heap")
awk '{ printf "%s%d: %.1f M", (NR > 1 ? ", " : ""), $1, $2 / 1e6 } END { print "" }' "$out/heap" > "$out/heap.txt"
echo "Ceiling: a bare 4-ary heap, hold operations per CPU second at N pending events: $(cat "$out/heap.txt")"
echo

# Runs `tiersim run ARGS` pinned; appends "cpu_s maxrss_kib" to $out/cpu and the run's
# "POLICY N kernels, E events, S s simulated ..." lines to $out/lines.
timed_run() {
  # shellcheck disable=SC2086
  $pin "$HELPERS/cpu-time" "$TIERSIM" run "$@" > "$out/stdout" 2> "$out/stderr" || {
    echo "bench: tiersim run $* failed:" >&2
    cat "$out/stderr" >&2
    return 1
  }
  grep ' kernels, ' "$out/stdout" >> "$out/lines" || true
  sed -n 's/^cpu-time: user_s=\([0-9.]*\) sys_s=\([0-9.]*\) maxrss_kib=\([0-9]*\).*/\1 \2 \3/p' "$out/stderr" |
    awk '{ printf "%.6f %d\n", $1 + $2, $3 }' >> "$out/cpu"
}

if [ -n "${BENCH_SCENARIOS:-}" ]; then
  scenarios=$BENCH_SCENARIOS
else
  scenarios=$("$TIERSIM" list scenarios | awk '/^[^ ]/ { print $1 }')
fi

printf '| scenario | policy | sim s | kernels | events | CPU s | M kernels/s | M events/s | x real | heap bound | instr/kernel | peak RSS MiB | vs heap |\n'
printf '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
: > "$out/rows"
for s in $scenarios; do
  # The scenario's duration, from the copy of its file that -o writes (a scenario that does not
  # load is skipped and said so).
  rm -rf "$out/copy"
  if ! "$TIERSIM" run "$s" --duration 0.000001 -o "$out/copy" > "$out/stdout" 2>&1; then
    echo "| $s | (does not load: skipped) ||||||||||||"
    continue
  fi
  grep ' kernels, ' "$out/stdout" | awk '{ print $1 }' > "$out/policies"
  dur=$(awk -F'[=;]' '/^[ \t]*duration[ \t]*=/ { gsub(/[ \t]/, "", $2); print $2; exit }' "$out/copy/scenario.cfg")
  dur=${dur:-10}  # the loader's default
  probe=$(awk -v d="$dur" 'BEGIN { print (d < 1 ? d : 1) }')

  # Instructions per kernel: one valgrind run, one dump per policy (run_on returns once each);
  # -j 1, or policies running at once would share dumps, taken in the order they end.
  : > "$out/ir"
  if $have_valgrind; then
    cgd=$(awk -v d="$dur" -v c="$CG_S" 'BEGIN { print (d < c ? d : c) }')
    rm -rf "$out/cg" && mkdir "$out/cg"
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=run_on --dump-after=run_on \
      --callgrind-out-file="$out/cg/cg" "$TIERSIM" run "$s" -j 1 --duration "$cgd" 2> /dev/null |
      grep ' kernels, ' > "$out/cg/lines"
    i=1
    while read -r pol k _; do
      ir=$(sed -n 's/^summary: //p' "$out/cg/cg.$i")
      echo "$pol $k $ir" >> "$out/ir"
      i=$((i + 1))
    done < "$out/cg/lines"
  fi

  while read -r pol; do
    # the probe: CPU time of 1 simulated second (or the whole scenario, if shorter)
    : > "$out/cpu"
    : > "$out/lines"
    timed_run "$s" -p "$pol" -q --duration "$probe"
    d=$(awk -v d="$dur" -v p="$probe" -v max="$MAX_CPU" '{ per = $1 / p; e = per * d; print (e > max) ? max / per : d }' "$out/cpu")
    : > "$out/cpu"
    : > "$out/lines"
    reps=0
    while :; do
      timed_run "$s" -p "$pol" --duration "$d"
      reps=$((reps + 1))
      done_=$(awk -v min="$MIN_CPU" '{ c += $1 } END { print (c >= min) ? 1 : 0 }' "$out/cpu")
      [ "$done_" = 1 ] || [ "$reps" -ge 50 ] && break
    done
    # lines: "POLICY N kernels, E events, S s simulated in W s ..."
    paste -d' ' "$out/lines" "$out/cpu" | awk -v s="$s" -v pol="$pol" -v ceil="$ceiling" -v fast="$fastest" -v irf="$out/ir" '
      BEGIN { while ((getline l < irf) > 0) { split(l, f, " "); if (f[1] == pol && f[2] > 0) ipk = f[3] / f[2] } }
      { k += $2; ev += $4; sim += $6; cpu += $(NF - 1); if ($NF > rss) rss = $NF; n++; sim1 = $6; k1 = $2; ev1 = $4 }
      END {
        printf "| %s | %s | %.1f%s | %d | %d | %.3f | %.2f | %.2f | %.0f | %.0f | %s | %.1f | %.2f |\n",
          s, pol, sim1, (n > 1 ? sprintf(" x%d", n) : ""), k1, ev1, cpu, k / cpu / 1e6, ev / cpu / 1e6, sim / cpu,
          fast * sim / ev, (ipk > 0 ? sprintf("%.0f", ipk) : "-"), rss / 1024, ev / cpu / ceil
      }' | tee -a "$out/rows"
  done < "$out/policies"
done

echo
echo "Ceiling (same run): $(cat "$out/heap.txt") holds per CPU second; 'vs heap' uses N = 32, 'heap bound' the fastest."

# ---- how alike the SMs are (bench/sm-states.c): what one record per class of identical SMs,
# instead of one per SM, could save on the GPU model's per-(group, SM) work
echo
echo "SM classes (bench/sm-states, 0.5 simulated s): a placed group spans 'span' SMs of at least 'classes' distinct states:"
for sp in disb-a:streams disb-d:streams disb-c-224:reset disb-e:reef robot:streams-prio robot:pantheon; do
  "$HELPERS/sm-states" "${sp%%:*}" "${sp#*:}" 0.5 | sed 's/^/  /'
done
if ! $have_valgrind; then
  echo "(instructions per kernel not measured: valgrind is missing or BENCH_CALLGRIND_S=0)"
  exit 0
fi

# Instructions of the simulation (run_on) per kernel completed: "kernels instructions".
sim_ir() {
  rm -rf "$out/cg" && mkdir "$out/cg"
  valgrind --tool=callgrind --collect-atstart=no --toggle-collect=run_on \
    --callgrind-out-file="$out/cg/cg" "$TIERSIM" run "$@" 2> /dev/null | awk '/ kernels, / { k += $2 } END { printf "%d ", k }'
  sed -n 's/^summary: //p' "$out/cg/cg"
}
# Instructions of the whole command (loading, simulating, reporting).
all_ir() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$TIERSIM" run "$@" 2>&1 > /dev/null |
    sed -n 's/.*Collected : //p' | tr -d ,
}

# ---- cost per kernel flat in duration (target: flat)
echo
echo "Instructions per kernel (simulation only) at two durations:"
for sp in disb-a:streams robot-be:pantheon; do
  s=${sp%%:*} p=${sp#*:}
  a=$(sim_ir "$s" -p "$p" --duration 0.5)
  b=$(sim_ir "$s" -p "$p" --duration 2)
  echo "$s $p $a $b" | awk '{ x = $4 / $3; y = $6 / $5; printf "  %-10s %-9s 0.5 s: %6.0f   2 s: %6.0f   (%.2fx)\n", $1, $2, x, y, y / x }'
done

# ---- cost per kernel from 1 to 1,000 tasks (target: within 1.3x), and 10,000 tasks
# N copies of demo's RT task on mi50, each periodic at N x 10 ms and offset by 10 ms from the
# last: one release every 10 ms whatever N, so the GPU sees the same work and only the number of
# tasks (clients, streams, report rows) changes; 3000 jobs in all (3 per task at N = 1,000).
tasks_scn() {
  {
    echo "name = \"tasks-$1\"; duration = $2; seed = 1; profile = \"mi50\"; policies = [ \"streams\" ];"
    echo "tasks = ("
    awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
      printf "  { name = \"t%d\"; model = \"demo-rt\"; class = \"rt\"; deadline_ms = 5.0; arrival = { type = \"periodic\"; period_ms = %d.0; offset_ms = %d.0; }; }%s\n",
             i, n * 10, i * 10, i + 1 < n ? "," : "" }'
    echo ");"
  } > "$out/tasks-$1.cfg"
}
echo
echo "Instructions per kernel against the number of tasks (streams, 3000 jobs of demo-rt on mi50):"
for n in 1 10 100 1000; do
  tasks_scn "$n" 30
  sim=$(sim_ir "$out/tasks-$n.cfg")
  all=$(all_ir "$out/tasks-$n.cfg")
  echo "$n $sim $all"
done | awk '{ s = $3 / $2; a = $4 / $2; if (NR == 1) { s1 = s; a1 = a }
  printf "  %5d tasks: simulation %6.0f (%.2fx), whole command %6.0f (%.2fx)\n", $1, s, s / s1, a, a / a1 }'
tasks_scn 10000 300
"$HELPERS/cpu-time" "$TIERSIM" run "$out/tasks-10000.cfg" -q > /dev/null 2> "$out/stderr" || { cat "$out/stderr" >&2; exit 1; }
sed -n 's/^cpu-time: user_s=\([0-9.]*\) sys_s=\([0-9.]*\) maxrss_kib=\([0-9]*\).*/\1 \2 \3/p' "$out/stderr" |
  awk '{ printf "  10000 tasks (30000 jobs, 300 s): %.2f CPU s, peak RSS %.1f MiB\n", $1 + $2, $3 / 1024 }'

# ---- a sweep's overhead per point (target: <= 1 ms plus the point's own run): 200 points whose
# own runs are negligible (1 ms of a single-kernel M/D/1), so that the sweep's CPU time per point
# is what it adds: loading and checking the point, writing its files, the rename, points.csv.
here=$(cd "$(dirname "$0")/.." && pwd)
cat > "$out/tiny.cfg" <<EOT
scenario = "$here/tests/data/md1.cfg";
axes = ( { name = "rate"; key = "tasks.q.arrival.rate"; values = [ 100.0, 200.0, 300.0, 400.0, 500.0 ]; },
         { name = "duration"; key = "duration"; values = [ 0.001 ]; } );
replicas = 40;
EOT
echo
for r in 1 2 3; do
  rm -rf "$out/tiny"
  # shellcheck disable=SC2086
  $pin "$HELPERS/cpu-time" "$TIERSIM" sweep "$out/tiny.cfg" -j 1 -o "$out/tiny" > /dev/null 2> "$out/stderr"
  sed -n 's/^cpu-time: user_s=\([0-9.]*\) sys_s=\([0-9.]*\).*/\1 \2/p' "$out/stderr"
done | awk '{ c = $1 + $2; if (NR == 1 || c < m) { m = c; u = $1; y = $2 } }
  END { printf "Sweep: 200 near-empty points with -j 1, least of 3: %.3f CPU s (user %.3f, system %.3f): %.2f ms per point\n", m, u, y, m * 1000 / 200 }'

# ---- memory per job (target: <= 200 bytes): peak RSS grows with jobs, not with kernels.  Peak
# RSS varies by about 200 KiB between identical runs (the allocator's and the loader's pages), as
# much as 1,400 jobs take: each duration keeps the least of 3 runs.
echo
for d in 15 60; do
  for r in 1 2 3; do
    "$HELPERS/cpu-time" "$TIERSIM" run disb-a -p streams --duration "$d" > "$out/stdout" 2> "$out/stderr"
    jobs=$(awk '$2 == "(total)" { print $3 }' "$out/stdout")
    rss=$(sed -n 's/.*maxrss_kib=\([0-9]*\).*/\1/p' "$out/stderr")
    echo "$d $jobs $rss"
  done | awk '{ if (NR == 1 || $3 < m) m = $3; d = $1; j = $2 } END { print d, j, m }'
done | awk '{ d[NR] = $1; j[NR] = $2; r[NR] = $3 }
  END { printf "Memory: disb-a under streams, least peak RSS of 3 runs: %d s: %d jobs, %d KiB; %d s: %d jobs, %d KiB: %.0f bytes per job\n",
               d[1], j[1], r[1], d[2], j[2], r[2], (r[2] - r[1]) * 1024 / (j[2] - j[1]) }'
