#!/bin/sh
# Checks that two builds of tiersim give byte-identical outputs (issue 14: every speed-up keeps
# the outputs): every shipped scenario under every policy it lists, at its full duration, with
#   - the profile as shipped (contention sm+memory; the host model where the profile has one:
#     the Jetson scenarios), the scenario's seed and seed 7;
#   - contention "sm" (no memory rule) and "none";
# each written with -o (summary.csv, jobs.csv, preemptions.csv, run.json, scenario.cfg) and its
# table on stdout; and for each, a 3-second run with a Chrome trace (--trace) of all 3 seconds.
# The outputs of both builds are compared with diff -r.
#
# Usage: bench/same-output.sh OLD_TIERSIM NEW_TIERSIM [WORKDIR]
#   WORKDIR (default: a temporary folder, removed after) keeps old/ and new/; the old outputs are
#   reused when WORKDIR/old/.stamp names the same OLD_TIERSIM build (its SHA-256).
#   SAME_SCENARIOS: scenario names (default: every scenarios/*.cfg of this source tree).
#   SAME_JOBS: runs in parallel (default 2).
#   SAME_DURATION: simulated seconds of the -o runs (default: each scenario's own duration).
# Both builds must find the same data: run it from the source tree, or set TIERSIM_DATADIR.
set -eu
if [ $# -lt 2 ]; then
  echo "usage: bench/same-output.sh OLD_TIERSIM NEW_TIERSIM [WORKDIR]" >&2
  exit 2
fi
OLD=$1
NEW=$2
here=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ge 3 ]; then
  work=$3
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
export TIERSIM_DATADIR="${TIERSIM_DATADIR:-$here}"
scenarios=${SAME_SCENARIOS:-$(for f in "$here"/scenarios/*.cfg; do basename "$f" .cfg; done)}
jobs=${SAME_JOBS:-2}

# One line per run: "NAME ARGS..." (NAME is the output folder; the same relative -o path in both
# trees, so that run.json's command lines agree).
for s in $scenarios; do
  echo "$s-shipped $s"
  echo "$s-seed7 $s --seed 7"
  echo "$s-sm $s --set 'profile.rules.contention=\"sm\"'"
  echo "$s-none $s --set 'profile.rules.contention=\"none\"'"
done > "$work/runs"

# Runs every line of $work/runs with tiersim $1 into folder $2.
run_all() {
  bin=$1 dir=$2
  mkdir -p "$dir"
  # shellcheck disable=SC2016 # expanded by the inner shell
  xargs -P "$jobs" -L 1 sh -c '
    bin=$1 dir=$2 name=$3; shift 3
    cd "$dir" || exit 1
    rm -rf "$name"
    "$bin" run "$@" ${SAME_DURATION:+--duration "$SAME_DURATION"} -q -o "$name" > "$name.table" 2> "$name.err" ||
      echo "exit $?" >> "$name.err"
    mkdir -p "$name/trace"
    "$bin" run "$@" -q --duration 3 --trace "$name/trace/trace.json" --trace-window 0:3 > "$name/trace/table" 2>> "$name.err" ||
      echo "trace exit $?" >> "$name.err"
    # a DISB trace is about 100 MB: only its hash is kept (the whole comparison would hold ~20 GB)
    if [ -f "$name/trace/trace.json" ]; then
      sha256sum < "$name/trace/trace.json" > "$name/trace/trace.json.sha256" && rm "$name/trace/trace.json"
    fi
  ' sh "$bin" "$dir" < "$work/runs"
}

export SAME_DURATION
stamp=$(sha256sum "$OLD" | cut -d' ' -f1)${SAME_DURATION:+-$SAME_DURATION}
if [ "$(cat "$work/old/.stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$work/old"
  run_all "$(cd "$(dirname "$OLD")" && pwd)/$(basename "$OLD")" "$work/old"
  echo "$stamp" > "$work/old/.stamp"
fi
rm -rf "$work/new"
run_all "$(cd "$(dirname "$NEW")" && pwd)/$(basename "$NEW")" "$work/new"
cp "$work/old/.stamp" "$work/new/.stamp"

n=$(wc -l < "$work/runs")
files=$(find "$work/new" -type f | wc -l)
if diff -r "$work/old" "$work/new" > "$work/diff"; then
  echo "same-output: identical: $n runs ($files files) of $(echo "$scenarios" | wc -w) scenarios"
else
  echo "same-output: DIFFERENT ($work/diff):"
  head -n 40 "$work/diff"
  exit 1
fi
