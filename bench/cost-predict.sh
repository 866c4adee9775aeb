#!/bin/sh
# Standalone (solo) latency of the models generated from architectures, as each profile's cost
# model predicts it (issue 12): one row per model, one column per profile.  Solo = the sum of
# the kernels' predicted durations: one request alone on the GPU, no host costs.
# Usage: bench/cost-predict.sh [TIERSIM] [PROFILES...]
set -eu
TIERSIM=${1:-./tiersim}
[ $# -gt 0 ] && shift
PROFILES=${*:-mi50 rtx3080 a100 h100 h200}
MODELS="resnet50-224 resnet152-224 vgg19-224 densenet201-224 inception_v3-224 inception_v3-299
mobilenet_v2-224 alexnet-224 bert_base-128 distilbert-25"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# one BE task per model: check loads them all and prints each model's solo time
{
  printf 'duration = 1.0;\nprofile = "mi50";\npolicies = [ "seq" ];\ntasks = (\n'
  sep=""
  for m in $MODELS; do
    printf '%s  { name = "%s"; model = "%s"; class = "be"; arrival = { type = "closed"; think_ms = 0.0; }; }' "$sep" "$m" "$m"
    sep=",
"
  done
  printf '\n);\n'
} > "$dir/all.cfg"
printf '| model |'; for p in $PROFILES; do printf ' %s ms |' "$p"; done; printf '\n|---|'
for p in $PROFILES; do printf -- '---:|'; done; printf '\n'
for p in $PROFILES; do
  "$TIERSIM" check --profile "$p" "$dir/all.cfg" | sed -n 's/^  model \([^:]*\): solo \([0-9.]*\) ms.*/\1 \2/p' > "$dir/$p"
done
for m in $MODELS; do
  printf '| %s |' "$m"
  for p in $PROFILES; do printf ' %s |' "$(awk -v m="$m" '$1 == m { print $2 }' "$dir/$p")"; done
  printf '\n'
done
