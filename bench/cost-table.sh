#!/bin/sh
# The prediction-error table of issue 12 (point 5): how well the roofline cost model of a profile
# predicts REEF's MI50 per-kernel latencies from each kernel's work, on kernels the fit never saw.
# calib/fit-cost.py fits kernel_fixed_us and one efficiency per kernel kind (the formula of
# docs/model.md, with the share u = min(1, blocks / 60 CUs)); this script runs it on the shipped
# REEF models and prints the tables, the same without u, and the cost group fitted on all of them.
# Usage: bench/cost-table.sh [PYTHON]
#
# Peak FP32 13.3 TFLOP/s and DRAM 1024 GB/s: AMD's Radeon Instinct MI50 specifications (60 CUs x
# 64 lanes x 2 FLOPs x 1725 MHz peak engine clock = 13.25 TFLOP/s, which AMD rounds to 13.3;
# 4096-bit HBM2 at 2.0 Gbps = 1024 GB/s).  13.41 TFLOP/s, in some spec databases, uses a 1746 MHz
# boost clock that is not AMD's figure.
#
# The two 64x64 ResNets run the very same compiled kernels (same names, grids and latencies), so
# they always sit on the same side of a split: testing one after fitting the other would test
# nothing.
set -eu
PYTHON=${1:-python3}
top=$(cd "$(dirname "$0")/.." && pwd)
m=$top/scenarios/models
models="$m/resnet50_64.cfg $m/resnet152.cfg $m/densenet201.cfg $m/inception_v3.cfg $m/alexnet.cfg $m/distilbert.cfg"
peak="--fp32-tflops 13.3 --dram-gbps 1024"
# shellcheck disable=SC2086 # $peak and $models: lists of words
"$PYTHON" "$top/calib/fit-cost.py" $peak --together resnet50_64,resnet152 \
  --half resnet50_64,resnet152,distilbert "$top/calib/profiles/mi50.cfg" $models
printf '\n## For comparison: the roofline without the share u (the formula before tiersim b5402fe)\n\n'
# shellcheck disable=SC2086
"$PYTHON" "$top/calib/fit-cost.py" $peak --without-share --together resnet50_64,resnet152 \
  --half resnet50_64,resnet152,distilbert "$top/calib/profiles/mi50.cfg" $models
printf '\n## Cost group for calib/profiles/mi50.cfg (fitted on all kernels)\n\n'
# shellcheck disable=SC2086
"$PYTHON" "$top/calib/fit-cost.py" $peak --emit "$top/calib/profiles/mi50.cfg" $models
