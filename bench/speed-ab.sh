#!/bin/sh
# Compares two builds of tiersim in CPU time (issue 14), row by row: each row runs OLD, then NEW,
# REPS times, pinned to one core, and keeps the least CPU time (user + sys) of each build.  On a
# shared machine the speed drifts by tens of percent from one minute to the next (one build's
# rows differ that much between two `make bench` runs), so only interleaved runs compare.
# Instruction counts (callgrind) do not drift, but they miss branch mispredictions: a change can
# keep them and still cost CPU time.
#
# Usage: bench/speed-ab.sh OLD_TIERSIM NEW_TIERSIM [SCENARIO:POLICY:SECONDS ...]
#   rows: shipped scenario, policy and simulated seconds (default: the list below).
#   SPEED_REPS: runs of each build per row (default 3).
#   SPEED_CPU_TIME: the cpu-time helper (default: bench/cpu-time of this source tree).
# Needs bench/cpu-time (make bench/cpu-time).  Both builds must find the same data: run it from
# the source tree, or set TIERSIM_DATADIR.
set -eu
if [ $# -lt 2 ]; then
  echo "usage: bench/speed-ab.sh OLD_TIERSIM NEW_TIERSIM [SCENARIO:POLICY:SECONDS ...]" >&2
  exit 2
fi
for t in "$1" "$2"; do
  if [ ! -f "$t" ] || [ ! -x "$t" ]; then
    echo "bench/speed-ab.sh: $t: not an executable file" >&2
    exit 2
  fi
done
# absolute: cpu-time runs its command through PATH, which a bare name would search
OLD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
NEW=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
shift 2
here=$(cd "$(dirname "$0")/.." && pwd)
export TIERSIM_DATADIR="${TIERSIM_DATADIR:-$here}"
reps=${SPEED_REPS:-3}
case $reps in
  '' | 0 | *[!0-9]*) echo "bench/speed-ab.sh: SPEED_REPS=$reps: not a positive integer" >&2; exit 2 ;;
esac
cpu_time=${SPEED_CPU_TIME:-$here/bench/cpu-time}
if [ ! -x "$cpu_time" ]; then
  echo "bench/speed-ab.sh: $cpu_time is missing: make bench/cpu-time (or set SPEED_CPU_TIME)" >&2
  exit 2
fi
if [ $# -eq 0 ]; then
  set -- disb-a:rt-only:20 disb-d:seq:5 disb-a:streams:10 disb-c:streams:3 disb-d:streams:3 disb-e:reef:5 \
    robot:pantheon:30 uav:pantheon:30 \
    robot:streams-prio:10 indoor-traffic:streams-prio:10 uav:streams-prio:10 robot-poisson:streams-prio:10 \
    uav-poisson:streams-prio:10
fi
pin=""
command -v taskset >/dev/null 2>&1 && pin="taskset -c 0"

# CPU seconds (user + sys) of `tiersim run ARGS`; if the run fails, its message and exit status.
cpu() {
  # shellcheck disable=SC2086 # $pin: the pinning command, or nothing
  $pin "$cpu_time" "$@" > /dev/null 2> "$err" || {
    rc=$?
    echo "bench/speed-ab.sh: $* failed:" >&2
    cat "$err" >&2
    exit "$rc"
  }
  sed -n 's/^cpu-time: user_s=\([0-9.]*\) sys_s=\([0-9.]*\).*/\1 \2/p' "$err" | awk '{ printf "%.3f", $1 + $2 }'
}
err=$(mktemp)
trap 'rm -f "$err"' EXIT

for row in "$@"; do
  case $row in
    *:*:*) ;;
    *) echo "bench/speed-ab.sh: $row: not SCENARIO:POLICY:SECONDS" >&2; exit 2 ;;
  esac
done
printf '%-24s %-13s %6s %9s %9s %7s %7s %7s\n' scenario policy "sim s" "old CPU" "new CPU" change "old x" "new x"
for row in "$@"; do
  s=${row%%:*} r=${row#*:}
  p=${r%%:*} d=${r#*:}
  best_old="" best_new=""
  i=0
  while [ "$i" -lt "$reps" ]; do
    a=$(cpu "$OLD" run "$s" -p "$p" -q --duration "$d")
    b=$(cpu "$NEW" run "$s" -p "$p" -q --duration "$d")
    best_old=$(echo "$best_old $a" | awk '{ print ($1 == "" || $NF < $1) ? $NF : $1 }')
    best_new=$(echo "$best_new $b" | awk '{ print ($1 == "" || $NF < $1) ? $NF : $1 }')
    i=$((i + 1))
  done
  echo "$s $p $d $best_old $best_new" |
    awk '{ o = $4 > 0 ? $4 : 0.001; n = $5 > 0 ? $5 : 0.001  # cpu-time counts in ms at best
           printf "%-24s %-13s %6s %9.3f %9.3f %+6.0f%% %7.0f %7.0f\n", $1, $2, $3, $4, $5, 100 * (n / o - 1), $3 / o, $3 / n }'
done
