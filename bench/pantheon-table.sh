#!/bin/sh
# The Pantheon comparison of issues 4 and 11: Pantheon's applications as Pantheon ran them (robot,
# uav, indoor-traffic, RT tasks only) and their Poisson variants, and the -be variants with a BE
# AlexNet; under every policy the scenarios name, one row per (scenario, policy) over the RT tasks:
# deadline miss rate (dropped jobs count as missed), accuracy (0 for a missed job) and preempted-job
# ratio, each pooled over all RT jobs; and the BE AlexNet's throughput (0 without one).
# Usage: bench/pantheon-table.sh [TIERSIM] [SCENARIOS...]
# RUN_ARGS adds words to every run, e.g. the ablation without contention:
#   RUN_ARGS='--set profile.rules.contention="none"' bench/pantheon-table.sh
set -eu
TIERSIM=${1:-./tiersim}
[ $# -gt 0 ] && shift
SCENARIOS=${*:-robot uav indoor-traffic robot-poisson uav-poisson indoor-traffic-poisson robot-be uav-be indoor-traffic-be}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '| scenario | policy | RT DMR | RT accuracy | RT preempted-job ratio | BE req/s |\n'
printf '|---|---|---:|---:|---:|---:|\n'
for s in $SCENARIOS; do
  # shellcheck disable=SC2086 # RUN_ARGS: extra words for `tiersim run`, split on spaces
  "$TIERSIM" run "$s" -q -o "$out/$s" ${RUN_ARGS:-} > /dev/null
  # summary.csv: 1 policy, 3 class, 4 jobs, 6 missed, 13 accuracy, 14 throughput, 19 preempted_ratio
  awk -F, -v s="$s" '
    NR > 1 && !($1 in seen) { seen[$1] = 1; order[++n] = $1 }
    NR > 1 && $3 == "rt" { jobs[$1] += $4; missed[$1] += $6; acc[$1] += $13 * $4; pjr[$1] += $19 * $4 }
    NR > 1 && $3 == "be" { be[$1] += $14 }
    END {
      for (i = 1; i <= n; i++) {
        p = order[i]
        printf "| %s | %s | %.4f | %.4f | %.4f | %.2f |\n", s, p, missed[p] / jobs[p], acc[p] / jobs[p], pjr[p] / jobs[p], be[p]
      }
    }' "$out/$s/summary.csv"
done
