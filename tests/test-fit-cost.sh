#!/bin/sh
# calib/fit-cost.py: on kernels whose durations follow the cost model exactly (peak 10 TFLOP/s,
# 1000 GB/s, 10 SMs, kernel_fixed_us 5, efficiency conv 0.5 and gemm 0.25; element-wise kernels
# memory-bound; one convolution of 5 blocks, which gets half the peak),
# the fit recovers those values and predicts the held-out model exactly; the datasheet roofline's
# errors are the hand-computed ones; bad input is refused with file:line and exit status 2.
# Skips (77) without python3.
set -u
command -v python3 >/dev/null 2>&1 || { echo "# skipped: no python3"; exit 77; }
FIT="$(cd "$(dirname "$0")/.." && pwd)/calib/fit-cost.py"
dir=$(mktemp -d /tmp/tiersim-fitcost-XXXXXX)
trap 'rm -rf "$dir"' EXIT
echo "1..5"

cat > "$dir/p.cfg" <<'EOF'
name = "testgpu";
device = { sms = 10; };
cost = { fp32_tflops = 10.0; dram_gbps = 1000; kernel_fixed_us = 1.0; };
EOF
# Durations by hand: t = max(flops / (1e13 * eff * u), bytes / 1e12) + 5 us, u = min(1, blocks / 10).
#   conv 1e8 FLOPs: 20 + 5 = 25; 5e8: 100 + 5 = 105; 2e7 (2e6 B, 2 us): 4 + 5 = 9;
#   1e8 in 5 blocks (u = 0.5): 40 + 5 = 45
#   gemm 1e8: 40 + 5 = 45; 2.5e7: 10 + 5 = 15; 4e8: 160 + 5 = 165
#   element-wise 1e7 B: 10 + 5 = 15; 3e7 B: 30 + 5 = 35; 1e6 B: 1 + 5 = 6
cat > "$dir/a.cfg" <<'EOF'
name = "a";
measured_on = "testgpu";
kernels = (
  { name = "c1"; dur_us = 25; kind = "conv"; flops = 1e8; dram_bytes = 1e6; },
  { name = "c2"; dur_us = 105; kind = "conv"; flops = 5e8; dram_bytes = 1e6; },
  { name = "c3"; dur_us = 9; kind = "conv"; flops = 2e7; dram_bytes = 2e6; },
  { name = "c4"; dur_us = 45; kind = "conv"; flops = 1e8; dram_bytes = 1e6; blocks = 5; },
  { name = "g1"; dur_us = 45; kind = "gemm"; flops = 1e8; dram_bytes = 1e6; },
  { name = "g2"; dur_us = 15; kind = "gemm"; flops = 2.5e7; dram_bytes = 1e6; },
  { name = "g3"; dur_us = 165; kind = "gemm"; flops = 4e8; dram_bytes = 1e6; },
  { name = "e1"; dur_us = 15; kind = "elementwise"; flops = 1e3; dram_bytes = 1e7; },
  { name = "e2"; dur_us = 35; kind = "elementwise"; flops = 1e3; dram_bytes = 3e7; },
  { name = "e3"; dur_us = 6; kind = "elementwise"; flops = 1e3; dram_bytes = 1e6; },
  { name = "no work"; dur_us = 7; }
);
EOF
#   b: conv 3e8: 60 + 5 = 65; 4e7: 8 + 5 = 13; gemm 5e7: 20 + 5 = 25; 2e8: 80 + 5 = 85;
#   element-wise 2e7 B: 20 + 5 = 25; 5e6 B: 5 + 5 = 10
cat > "$dir/b.cfg" <<'EOF'
name = "b";
measured_on = "testgpu";
kernels = (
  { name = "c1"; dur_us = 65; kind = "conv"; flops = 3e8; dram_bytes = 1e6; },
  { name = "c2"; dur_us = 13; kind = "conv"; flops = 4e7; dram_bytes = 1e6; },
  { name = "g1"; dur_us = 25; kind = "gemm"; flops = 5e7; dram_bytes = 1e6; },
  { name = "g2"; dur_us = 85; kind = "gemm"; flops = 2e8; dram_bytes = 1e6; },
  { name = "e1"; dur_us = 25; kind = "elementwise"; flops = 1e3; dram_bytes = 2e7; },
  { name = "e2"; dur_us = 10; kind = "elementwise"; flops = 1e3; dram_bytes = 5e6; }
);
EOF

fail() { echo "not ok $1"; [ -f "$dir/err" ] && sed 's/^/# /' "$dir/err"; exit 1; }

python3 "$FIT" --emit "$dir/p.cfg" "$dir/a.cfg" "$dir/b.cfg" > "$dir/emit" 2> "$dir/err" || fail "1 --emit failed"
awk '
  /kernel_fixed_us =/ { v = $3 + 0; if (v < 4.9 || v > 5.1) bad = bad " fixed " v }
  /efficiency =/ {
    for (i = 1; i <= NF; i++) if ($(i + 1) == "=") { val = $(i + 2) + 0; e[$i] = val }
    if (e["conv"] < 0.49 || e["conv"] > 0.51) bad = bad " conv " e["conv"]
    if (e["gemm"] < 0.245 || e["gemm"] > 0.255) bad = bad " gemm " e["gemm"]
    if (e["elementwise"] != 1) bad = bad " elementwise " e["elementwise"]
    seen = 1
  }
  END { if (bad != "" || !seen) { print "#" bad; exit 1 } }' "$dir/emit" \
  || { sed 's/^/# /' "$dir/emit"; fail "1 the fit does not recover kernel_fixed_us 5, conv 0.5, gemm 0.25, element-wise 1"; }
echo "ok 1 the fit recovers kernel_fixed_us 5, efficiency conv 0.5, gemm 0.25 (element-wise: memory-bound, 1)"

python3 "$FIT" --half a "$dir/p.cfg" "$dir/a.cfg" "$dir/b.cfg" > "$dir/out" 2> "$dir/err" || fail "2 the table failed"
# Datasheet roofline (efficiency 1, no fixed cost; u stays) on a, by hand: conv 10, 50, 2, 20 us;
# gemm 10, 2.5, 40; element-wise 10, 30, 1: errors 60, 52, 78, 56, 78, 83, 76, 33, 14, 83 %: median
# (5th of 10) 60 %, p90 (9th) and worst 83 %; worst kind gemm (median 78 %); sums 175.5 / 465 = 0.38.
grep -q '^| a | 10 | 60% | 83% | 83% | gemm (78%) | 0.38 |$' "$dir/out" \
  || { sed 's/^/# /' "$dir/out"; fail "2 datasheet roofline errors of a are not the hand-computed ones"; }
echo "ok 2 datasheet roofline errors (nothing fitted) as computed by hand; the kernel without work is left out"

# Held out: b predicted from a's fit and a from b's, both exact to within the fit's grid.
n=$(sed -n '/^Half split: each model/,/^| all/p' "$dir/out" | grep -c '^| [ab] | [0-9]* | [01]% | [0-2]% | [0-2]% |')
[ "$n" -eq 2 ] || { sed 's/^/# /' "$dir/out"; fail "3 held-out errors are not ~0"; }
echo "ok 3 each model predicted by the other's fit to within 2%"

sed 's/kind = "gemm"; flops = 1e8/kind = "matmul"; flops = 1e8/' "$dir/a.cfg" > "$dir/bad.cfg"
python3 "$FIT" "$dir/p.cfg" "$dir/bad.cfg" "$dir/b.cfg" > /dev/null 2> "$dir/err"
status=$?
{ [ "$status" -eq 2 ] && grep -q "bad.cfg:8: unknown kind 'matmul'" "$dir/err"; } || fail "4 unknown kind: status $status"
echo "ok 4 an unknown kind: file:line, exit 2"

sed 's/measured_on = "testgpu"/measured_on = "mi50"/' "$dir/b.cfg" > "$dir/other.cfg"
python3 "$FIT" "$dir/p.cfg" "$dir/a.cfg" "$dir/other.cfg" > /dev/null 2> "$dir/err"
status=$?
{ [ "$status" -eq 2 ] && grep -q "other.cfg:2: measured_on is 'mi50', not the profile's GPU 'testgpu'" "$dir/err"; } \
  || fail "5 another GPU's durations: status $status"
echo "ok 5 durations measured on another GPU are refused: file:line, exit 2"
