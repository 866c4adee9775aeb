#!/bin/sh
# scenarios/hetero/ (issue 18) is generated: its 14 models by import-arch.py, its 40 scenarios by
# gen-hetero.py from them and the jetson-agx-xavier profile.  Regenerating gives the committed
# files byte for byte, and their load is what the headers say: tiersim check reports the GPU-only
# utilisation 1.3 of every scenario.  Skips (77) without python3.
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
TIERSIM=${TIERSIM:-$SRC/tiersim}
command -v python3 >/dev/null 2>&1 || { echo "# skipped: python3 is not installed"; exit 77; }
echo "1..2"
if out=$(python3 "$SRC/scenarios/hetero/gen-hetero.py" --check 2>&1); then
  echo "ok 1 scenarios/hetero regenerates unchanged"
else
  echo "not ok 1 scenarios/hetero differs from its generator"; echo "$out" | sed 's/^/# /'; fail=1
fi
bad=""
n=0
for f in "$SRC"/scenarios/hetero/s*.cfg; do
  n=$((n + 1))
  "$TIERSIM" check "$f" | grep -q "utilisation (solo / period, periodic and Poisson tasks): RT 1.300" || bad="$bad $(basename "$f")"
done
if [ -z "$bad" ] && [ "$n" -eq 40 ]; then
  echo "ok 2 the $n scenarios load, each at GPU-only utilisation 1.3"
else
  echo "not ok 2 scenarios with another load or that do not load ($n found):$bad"; fail=1
fi
exit ${fail:-0}
