#!/bin/sh
# tiersim calibrate: without CUDA built in, or without a GPU, it must fail cleanly (exit 2, one
# clear line, no profile written); with a GPU it must write a measured profile that tiersim
# loads and simulates with, that holds what rule 5 (contention) needs: the measured DRAM
# bandwidth and the contention group, and a cost group that predicts durations.  Skips the GPU
# part where there is no GPU.  (The cost group's fit is tested on a fake device in
# tests/test-calib-cost.c; the option bounds in tests/test-cli.c.)
set -u
TIERSIM=${TIERSIM:-./tiersim}
SRC=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d /tmp/tiersim-calib-XXXXXX)
trap 'rm -rf "$dir"' EXIT
echo "1..4"

"$TIERSIM" calibrate -n 20 -o "$dir/p.cfg" >"$dir/out" 2>"$dir/err"
status=$?
if "$TIERSIM" version | grep -q "CUDA: not built in"; then
  if [ "$status" -eq 2 ] && grep -q "built without CUDA" "$dir/err" && [ ! -e "$dir/p.cfg" ]; then
    echo "ok 1 calibrate without CUDA built in: exit 2, clear error, no profile"
  else
    echo "not ok 1 calibrate without CUDA built in: status $status"; sed 's/^/# /' "$dir/err"; exit 1
  fi
  echo "ok 2 # SKIP no CUDA built in"
  echo "ok 3 # SKIP no CUDA built in"
  echo "ok 4 # SKIP no CUDA built in"
  exit 0
fi
if [ "$status" -eq 2 ] && grep -q "^no CUDA device" "$dir/err"; then
  [ ! -e "$dir/p.cfg" ] || { echo "not ok 1 a profile was written without a GPU"; exit 1; }
  echo "ok 1 calibrate without a GPU: exit 2, clear error, no profile"
  echo "ok 2 # SKIP no GPU here"
  echo "ok 3 # SKIP no GPU here"
  echo "ok 4 # SKIP no GPU here"
  exit 0
fi
if [ "$status" -ne 0 ]; then
  echo "not ok 1 calibrate failed with status $status"; sed 's/^/# /' "$dir/err"; exit 1
fi
echo "ok 1 calibrate on a GPU"
sed 's/^/# /' "$dir/out"
# The demo scenario on the measured profile (its models' kernels must fit this GPU).
sed 's|^profile = .*|profile = "p.cfg";|' "$SRC/scenarios/demo.cfg" > "$dir/demo.cfg"
if grep -q 'source = "measured"' "$dir/p.cfg" && "$TIERSIM" run -q "$dir/demo.cfg" >"$dir/run" 2>&1; then
  echo "ok 2 the measured profile loads and runs"
else
  echo "not ok 2 the measured profile does not load or run"; sed 's/^/# /' "$dir/p.cfg" "$dir/run"; exit 1
fi
# Rule 5's inputs: the sustained bandwidth in the interference group, and a contention group with
# both occupancy curves (non-empty) and the four same-SM pair slowdowns.  The run above loaded them.
if awk '
     /^interference = \{/ { g = "i" } /^contention = \{/ { g = "c" } /^\};/ { g = "" }
     g == "i" && /^  dram_bandwidth_gbps = / { bw = 1 }
     g == "c" && /^  (compute|memory)_occupancy_us = \[ [0-9]/ { curves++ }
     g == "c" && /^  (compute|memory)_with_(compute|memory) = / { pairs++ }
     END { exit !(bw && curves == 2 && pairs == 4) }' "$dir/p.cfg"; then
  echo "ok 3 the profile holds the measured bandwidth and the contention group"
else
  echo "not ok 3 the profile lacks the measured bandwidth or the contention group"; sed 's/^/# /' "$dir/p.cfg"; exit 1
fi
# The cost group: the four measured values, plausible for any GPU this build runs on (compute
# capability 7.5 and up, all with Tensor Cores, whose FP16 peak is above the FP32 one); the
# bandwidth is the interference group's, the same measurement; no efficiencies (not measured).
# The profile predicts the durations of a model that has work and none of its own.
if awk '
     /^interference = \{/ { g = "i" } /^cost = \{/ { g = "k" } /^\};/ { g = "" }
     g == "i" && /^  dram_bandwidth_gbps = / { ibw = $3 }
     g == "k" && /^  fp32_tflops = / { f32 = $3 + 0 }
     g == "k" && /^  fp16_tflops = / { f16 = $3 + 0 }
     g == "k" && /^  dram_gbps = / { kbw = $3 }
     g == "k" && /^  kernel_fixed_us = / { fix = $3 + 0; hasfix = 1 }
     g == "k" && /^    [a-z]+ = / { eff++ }
     END { exit !(ibw != "" && ibw == kbw && kbw + 0 >= 10 && kbw + 0 <= 100000 && f32 >= 0.1 && f32 <= 1000 &&
                  f16 > f32 && hasfix && fix > 0 && fix <= 100 && eff == 0) }' "$dir/p.cfg" &&
   "$TIERSIM" check --profile "$dir/p.cfg" "$SRC/tests/data/cost/run-work.cfg" >"$dir/check" 2>&1 &&
   grep -q "durations predicted by p's cost model" "$dir/check"; then
  echo "ok 4 the profile holds a plausible cost group that predicts durations"
  sed -n '/^cost = {/,/^};/s/^/# /p' "$dir/p.cfg"
else
  echo "not ok 4 the profile's cost group is missing, implausible or unused"; sed 's/^/# /' "$dir/p.cfg" "$dir/check"; exit 1
fi
