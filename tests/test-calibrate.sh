#!/bin/sh
# tiersim calibrate: without CUDA built in, or without a GPU, it must fail cleanly (exit 2, one
# clear line, no profile written); with a GPU it must write a measured profile that tiersim
# loads and simulates with, and that holds what rule 5 (contention) needs: the measured DRAM
# bandwidth and the contention group.  Skips the GPU part where there is no GPU.
set -u
TIERSIM=${TIERSIM:-./tiersim}
SRC=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d /tmp/tiersim-calib-XXXXXX)
trap 'rm -rf "$dir"' EXIT
echo "1..3"

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
  exit 0
fi
if [ "$status" -eq 2 ] && grep -q "^no CUDA device" "$dir/err"; then
  [ ! -e "$dir/p.cfg" ] || { echo "not ok 1 a profile was written without a GPU"; exit 1; }
  echo "ok 1 calibrate without a GPU: exit 2, clear error, no profile"
  echo "ok 2 # SKIP no GPU here"
  echo "ok 3 # SKIP no GPU here"
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
