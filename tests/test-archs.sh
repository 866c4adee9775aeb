#!/bin/sh
# The model files generated from architectures (scenarios/models/import-arch.py) and the DISB
# scenarios on them (scenarios/import-disb.py --standard): the definitions match the published
# MACs and parameter counts, a few kernels match hand-computed work and grids, and regenerating
# every shipped file gives the committed one byte for byte.  Skips (77) without python3; the
# DISB part needs DISB's reference CSVs (TIERSIM_REFERENCE, default: shared/reference beside the
# source tree) and is skipped without them.
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
REF=${TIERSIM_REFERENCE:-$SRC/../shared/reference}
command -v python3 >/dev/null 2>&1 || { echo "# skipped: python3 is not installed"; exit 77; }
ARCH="python3 $SRC/scenarios/models/import-arch.py"
dir=$(mktemp -d /tmp/tiersim-archs-XXXXXX)
trap 'rm -rf "$dir"' EXIT
fail=0
n=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
notok() { n=$((n + 1)); echo "not ok $n $*"; fail=1; }
# the kernel line NAME of model file FILE, and one of its fields
kernel() { grep "name = \"$2\";" "$1"; }
field() { kernel "$1" "$2" | sed -n "s/.* $3 = \([0-9.]*\);.*/\1/p"; }
total() { awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k && $(i + 1) == "=") { v = $(i + 2); sub(";", "", v); s += v } } END { printf "%.0f\n", s }' "$1"; }
echo "1..8"

# 1: every architecture against its published totals (archs.PUBLISHED: torchvision's model
# pages, Devlin et al., Sanh et al.), within 1%
if $ARCH --check >"$dir/check" 2>&1 && grep -q "^17 of 17 architectures match" "$dir/check"; then
  ok "published MACs and parameter counts within 1%"
else
  notok "published totals"; sed 's/^/# /' "$dir/check"
fi

# 2: the shipped model files regenerate byte for byte, and none is left that --shipped does not write
mkdir "$dir/models"
if $ARCH --shipped "$dir/models" >"$dir/shipped" 2>&1; then
  bad=""
  for f in "$dir"/models/*.cfg; do
    cmp -s "$f" "$SRC/scenarios/models/$(basename "$f")" || bad="$bad $(basename "$f")"
  done
  for f in $(grep -l '^source = "generated from the architecture' "$SRC"/scenarios/models/*.cfg); do
    [ -e "$dir/models/$(basename "$f")" ] || bad="$bad $(basename "$f")(not regenerated)"
  done
  count=$(ls "$dir"/models/*.cfg | wc -l)
  if [ -z "$bad" ] && [ "$count" -eq 10 ]; then
    ok "the $count generated model files regenerate unchanged"
  else
    notok "generated model files differ from the committed ones:$bad"
  fi
else
  notok "import-arch.py --shipped failed"; sed 's/^/# /' "$dir/shipped"
fi

# 3: ResNet-50's first convolution by hand: 7x7/2 on 3x224x224 -> 64x112x112 = 802816 outputs,
# 3*7*7 = 147 MACs each; folded batch norm's bias and the ReLU: 2 operations per output.
# Bytes: input 150528 + weights 64*147 + bias 64 + output 802816, 4 B each.  Grid: 112*112 =
# 12544 GEMM rows in 128-row tiles, 64 channels in one 64-column tile -> 98 blocks.
m=$dir/models/resnet50-224.cfg
want_flops=$((2 * 802816 * 147 + 2 * 802816))
want_bytes=$(((150528 + 64 * 147 + 64 + 802816) * 4))
if [ "$(field "$m" conv1 flops)" = "$want_flops.0" ] && [ "$(field "$m" conv1 dram_bytes)" = "$want_bytes.0" ] &&
   [ "$(field "$m" conv1 blocks)" = 98 ] && [ "$(field "$m" conv1 smem)" = 49152 ]; then
  ok "resnet50-224 conv1: $want_flops FLOPs, $want_bytes B, 98 blocks, 48 KiB"
else
  notok "resnet50-224 conv1: $(kernel "$m" conv1)"
fi

# 4: VGG-19's first classifier layer at batch 1 is a matrix-vector product: 25088 -> 4096 with
# bias and ReLU; a warp per output feature, 8 per block -> 512 blocks; it reads its weights once.
m=$dir/models/vgg19-224.cfg
want_flops=$((2 * 25088 * 4096 + 2 * 4096))
want_bytes=$(((25088 + 25088 * 4096 + 4096 + 4096) * 4))
if [ "$(field "$m" classifier.0 flops)" = "$want_flops.0" ] && [ "$(field "$m" classifier.0 dram_bytes)" = "$want_bytes.0" ] &&
   [ "$(field "$m" classifier.0 blocks)" = 512 ] && kernel "$m" classifier.0 | grep -q 'kind = "gemm"'; then
  ok "vgg19-224 classifier.0: $want_flops FLOPs, $want_bytes B, 512 blocks"
else
  notok "vgg19-224 classifier.0: $(kernel "$m" classifier.0)"
fi

# 5: BERT-base's attention scores at 128 tokens: 12 heads of 128x128 outputs over 64-wide heads,
# the scale fused (1 op per output); Q and K in, scores out; one 128x64 tile per 64 columns ->
# 12 x 1 x 2 = 24 blocks.
m=$dir/models/bert_base-128.cfg
k=encoder.layer.0.attention.scores
want_flops=$((2 * 12 * 128 * 128 * 64 + 12 * 128 * 128))
want_bytes=$(((2 * 128 * 768 + 12 * 128 * 128) * 4))
if [ "$(field "$m" $k flops)" = "$want_flops.0" ] && [ "$(field "$m" $k dram_bytes)" = "$want_bytes.0" ] &&
   [ "$(field "$m" $k blocks)" = 24 ]; then
  ok "bert_base-128 attention scores: $want_flops FLOPs, $want_bytes B, 24 blocks"
else
  notok "bert_base-128 attention scores: $(kernel "$m" $k)"
fi

# 6: batch and precision: every kernel's work is per image, so batch 8 has exactly 8 times the
# FLOPs; fp16 halves every byte count (no integer inputs in a CNN) and the tiles' shared memory.
if $ARCH resnet50 --batch 8 -o "$dir/b8.cfg" >/dev/null 2>&1 && $ARCH resnet50 --precision fp16 -o "$dir/h.cfg" >/dev/null 2>&1; then
  f1=$(total "$dir/models/resnet50-224.cfg" flops) f8=$(total "$dir/b8.cfg" flops)
  b32=$(total "$dir/models/resnet50-224.cfg" dram_bytes) b16=$(total "$dir/h.cfg" dram_bytes)
  if [ "$f8" = $((8 * f1)) ] && [ "$((2 * b16))" = "$b32" ] && [ "$(field "$dir/h.cfg" conv1 smem)" = 24576 ] &&
     grep -q '^precision = "fp16";' "$dir/h.cfg"; then
    ok "batch 8: 8 x $f1 FLOPs; fp16: half of $b32 B"
  else
    notok "batch 8 FLOPs $f8 (want 8 x $f1), fp16 bytes $b16 (want $b32 / 2), fp16 conv1: $(kernel "$dir/h.cfg" conv1)"
  fi
else
  notok "import-arch.py with --batch 8 or --precision fp16 failed"
fi

# 7: bad input: exit 2 with a clear message, no file
st=0
for args in "nosuchnet" "resnet50 --seq 64" "bert_base --size 224" "vgg19 --size 16" "resnet50 --batch 0" \
            "bert_base --seq 513" "alexnet --precision fp8"; do
  $ARCH $args -o "$dir/bad.cfg" >/dev/null 2>"$dir/err"
  s=$?
  if [ "$s" -ne 2 ] || [ -e "$dir/bad.cfg" ] || ! grep -q "error" "$dir/err"; then
    echo "# '$args': exit $s"; sed 's/^/#   /' "$dir/err"; st=1
  fi
done
[ "$st" -eq 0 ] && ok "bad arguments: exit 2, an error, no file" || notok "bad arguments"

# 8: DISB's scenarios (today's on REEF's tables, and the -224 ones) regenerate unchanged
if [ -f "$REF/disb/workloads.csv" ]; then
  mkdir "$dir/disb"
  if python3 "$SRC/scenarios/import-disb.py" "$REF/disb" -o "$dir/disb" >"$dir/disb.out" 2>&1 &&
     python3 "$SRC/scenarios/import-disb.py" "$REF/disb" --standard -o "$dir/disb" >>"$dir/disb.out" 2>&1; then
    bad=""
    for w in a b c d e real; do
      for f in "disb-$w.cfg" "disb-$w-224.cfg"; do
        cmp -s "$dir/disb/$f" "$SRC/scenarios/$f" || bad="$bad $f"
      done
    done
    [ -z "$bad" ] && ok "the 12 DISB scenarios regenerate unchanged" || notok "DISB scenarios differ:$bad"
  else
    notok "import-disb.py failed"; sed 's/^/# /' "$dir/disb.out"
  fi
else
  n=$((n + 1)); echo "ok $n # SKIP no DISB reference data at $REF/disb (set TIERSIM_REFERENCE)"
fi
exit $fail
