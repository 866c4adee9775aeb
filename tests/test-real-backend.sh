#!/bin/sh
# run --backend cuda and validate: without CUDA built in, or without a GPU, they must fail cleanly
# (exit 2, a clear line, no output files); with a GPU, a short run must complete and validate must
# write validation.csv with its documented columns and one row per (policy, task) run.  Skips
# (77) the GPU part where there is no GPU.
set -u
TIERSIM=${TIERSIM:-./tiersim}
dir=$(mktemp -d /tmp/tiersim-real-XXXXXX)
trap 'rm -rf "$dir"' EXIT
echo "1..5"

# Usage errors come before any GPU is looked for: exit 2 with the reason.
"$TIERSIM" run --backend gpu >/dev/null 2>"$dir/e5a"; u1=$?
"$TIERSIM" validate --work bogus >/dev/null 2>"$dir/e5b"; u2=$?
if [ "$u1" -eq 2 ] && grep -q "is not sim or cuda" "$dir/e5a" && [ "$u2" -eq 2 ] \
   && grep -q -e "'bogus' is not compute, memory or timed" -e "built without CUDA" "$dir/e5b"; then
  echo "ok 1 bad --backend and --work: exit 2, clear errors"
else
  echo "not ok 1 bad --backend ($u1) or --work ($u2)"; sed 's/^/# /' "$dir/e5a" "$dir/e5b"; exit 1
fi

"$TIERSIM" run --backend cuda -q -o "$dir/run" >"$dir/out1" 2>"$dir/err1"
s1=$?
"$TIERSIM" validate -o "$dir/val" >"$dir/out2" 2>"$dir/err2"
s2=$?
if "$TIERSIM" version | grep -q "CUDA: not built in"; then
  why="built without CUDA"
else
  why="^no CUDA device"
fi
if [ "$s1" -eq 2 ] || [ "$s2" -eq 2 ]; then
  # No CUDA built in, or no GPU: both must say so and write nothing.
  for i in 1 2; do
    eval "s=\$s$i"
    if [ "$s" -eq 2 ] && grep -q "$why" "$dir/err$i" && [ ! -e "$dir/run/summary.csv" ] \
       && [ ! -e "$dir/val/validation.csv" ]; then
      echo "ok $((i + 1)) $([ $i = 1 ] && echo 'run --backend cuda' || echo validate): exit 2, '$why', no results"
    else
      echo "not ok $((i + 1)) status $s"; sed 's/^/# /' "$dir/err$i"; exit 1
    fi
  done
  echo "ok 4 # SKIP no GPU here"
  echo "ok 5 # SKIP no GPU here"
  exit 0
fi
[ "$s1" -eq 0 ] || { echo "not ok 2 run --backend cuda: status $s1"; sed 's/^/# /' "$dir/err1"; exit 1; }
echo "ok 2 run --backend cuda runs the embedded scenario on the GPU"
[ "$s2" -eq 0 ] || { echo "not ok 3 validate: status $s2"; sed 's/^/# /' "$dir/err2"; exit 1; }
echo "ok 3 validate runs the embedded scenario on both backends"
sed 's/^/# /' "$dir/out2"

# One second of the demo (an RT task and a BE task): rt-only runs the RT task, streams both.
"$TIERSIM" validate --duration 1 -p rt-only -p streams -o "$dir/v1" >"$dir/out3" 2>&1 \
  || { echo "not ok 4 validate -p rt-only -p streams"; sed 's/^/# /' "$dir/out3"; exit 1; }
echo "ok 4 validate of two policies"
head -1 "$dir/v1/validation.csv" | grep -q '^policy,task,class,jobs_real,jobs_sim,lat_mean_ms_real,' \
  && [ "$(wc -l < "$dir/v1/validation.csv")" -eq 4 ] && [ -s "$dir/v1/real/summary.csv" ] \
  && [ -s "$dir/v1/sim/summary.csv" ] && [ -s "$dir/v1/validation.txt" ] \
  || { echo "not ok 5 validation.csv"; sed 's/^/# /' "$dir/v1/validation.csv"; exit 1; }
echo "ok 5 validation.csv: header and three (policy, task) rows; real/ and sim/ results"
