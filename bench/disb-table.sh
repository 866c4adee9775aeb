#!/bin/sh
# The DISB comparison of issue 3: for DISB A-E and REAL on mi50, under every policy the scenarios
# name, one row per (scenario, policy):
#   RT latency mean and p99 (pooled over all RT jobs that finished), RT deadline miss rate,
#   BE and overall throughput (requests finished by the end of the run, per second),
#   preemption latency p50 and p99 (pooled over all preemptions), and wasted GPU time.
# Percentiles are nearest-rank.  Usage: bench/disb-table.sh [TIERSIM] [SCENARIOS...]
# RUN_ARGS adds words to every run, e.g. the ablation without contention:
#   RUN_ARGS='--set profile.rules.contention="none"' bench/disb-table.sh
set -eu
TIERSIM=${1:-./tiersim}
[ $# -gt 0 ] && shift
SCENARIOS=${*:-disb-a disb-b disb-c disb-d disb-e disb-real}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# pooled nearest-rank percentiles of "key value" lines: prints "key n p50 p99 mean"
pct() {
  sort -k1,1 -k2,2n | awk '
    function flush() { if (n) printf "%s %d %s %s %.6f\n", k, n, v[int((n * 50 + 99) / 100)], v[int((n * 99 + 99) / 100)], s / n }
    $1 != k { flush(); k = $1; n = 0; s = 0 }
    { v[++n] = $2; s += $2 }
    END { flush() }'
}

printf '| scenario | policy | RT mean ms | RT p99 ms | RT DMR | BE req/s | all req/s | preempt p50 us | preempt p99 us | wasted GPU ms |\n'
printf '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for s in $SCENARIOS; do
  # shellcheck disable=SC2086 # RUN_ARGS: extra words for `tiersim run`, split on spaces
  "$TIERSIM" run "$s" -q -o "$out/$s" ${RUN_ARGS:-} > /dev/null
  # jobs.csv: policy,task,id,release_ns,start_ns,finish_ns,deadline_ns,missed,...
  awk -F, 'NR > 1 && $7 != "" && $6 != "" { print $1, ($6 - $4) / 1e6 }' "$out/$s/jobs.csv" | pct > "$out/rt"
  awk -F, 'NR > 1 && $7 != "" { n[$1]++; m[$1] += $8 } END { for (p in n) print p, m[p] / n[p] }' "$out/$s/jobs.csv" > "$out/dmr"
  awk -F, 'NR > 1 && $3 != "" { print $1, $3 / 1e3 }' "$out/$s/preemptions.csv" | pct > "$out/pl"
  awk -F, 'NR > 1 { w[$1] += $4 / 1e6 } END { for (p in w) print p, w[p] }' "$out/$s/preemptions.csv" > "$out/waste"
  # summary.csv: policy,task,class,...,throughput_rps is column 14
  awk -F, -v s="$s" -v dir="$out" '
    # the first four inputs are space-separated, summary.csv comma-separated
    FILENAME !~ /csv$/ { split($0, f, " ") }
    FILENAME ~ /rt$/ { rtm[f[1]] = f[5]; rtp[f[1]] = f[4]; next }
    FILENAME ~ /dmr$/ { dmr[f[1]] = f[2]; next }
    FILENAME ~ /pl$/ { p50[f[1]] = f[3]; p99[f[1]] = f[4]; next }
    FILENAME ~ /waste$/ { waste[f[1]] = f[2]; next }
    FNR > 1 { if (!($1 in all)) order[++n] = $1; all[$1] += $14; if ($3 == "be") be[$1] += $14 }
    END {
      for (i = 1; i <= n; i++) {
        p = order[i]
        printf "| %s | %s | %.3f | %.3f | %.4f | %.1f | %.1f | %s | %s | %.2f |\n", s, p, rtm[p], rtp[p], dmr[p],
               be[p], all[p], (p in p50) ? p50[p] : "-", (p in p99) ? p99[p] : "-", waste[p]
      }
    }' "$out/rt" "$out/dmr" "$out/pl" "$out/waste" "$out/$s/summary.csv"
done
