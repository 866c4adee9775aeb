/* tiersim — the simulator against the real GPU: per (policy, task) metrics of the same scenario
 * run on both backends, and their differences (tiersim validate).
 *
 * Differences are (sim - real) / real in percent for latencies and throughput, and sim - real in
 * percentage points for the deadline miss rate (a rate of 0 has no relative difference).  A row
 * meets the target when its mean and p99 latency and its throughput are each within the
 * tolerance (10%: issue 5). */
#pragma once

#include <stdio.h>

#include "sim/metrics.h"

G_BEGIN_DECLS

#define TS_VALIDATION_TOLERANCE 0.10

typedef struct {
  const char *policy;
  TsTaskId task;
  TsStats real, sim;
} TsValidationRow;

/* (sim - real) / real in percent: 0 when both are 0, NAN when only real is 0 or either is NAN. */
double ts_validation_diff_pct (double real, double sim);

/* Whether row's mean and p99 latency and throughput differ by at most tol (a fraction). */
gboolean ts_validation_within (const TsValidationRow *row, double tol);

/* Rows for each task each policy ran: real[i] and sim[i] are runs of the same policy. */
GArray *ts_validation_compare (const TsScenario *scn, TsRunResult *const *real, TsRunResult *const *sim,
                               guint n_runs);

/* The aligned table (one line per row, then how many rows meet the target). */
void ts_validation_print (FILE *out, const TsScenario *scn, const GArray *rows);

/* Columns of validation.csv: per row, for each metric m of (lat_mean, lat_p50, lat_p90, lat_p99 in
 * ms; dmr, a fraction; throughput in requests/s): m_real, m_sim and their difference, sim against
 * real, in percent (m_diff_pct; percentage points for dmr: dmr_diff_pts); then within_target (1 or
 * 0).  The unit is each name's last part (docs/units.md). */
#define TS_VALIDATION_COLUMNS                                                                             \
  "policy,task,class,jobs_real,jobs_sim,"                                                                 \
  "lat_mean_real_ms,lat_mean_sim_ms,lat_mean_diff_pct,lat_p50_real_ms,lat_p50_sim_ms,lat_p50_diff_pct,"  \
  "lat_p90_real_ms,lat_p90_sim_ms,lat_p90_diff_pct,lat_p99_real_ms,lat_p99_sim_ms,lat_p99_diff_pct,"     \
  "dmr_real,dmr_sim,dmr_diff_pts,throughput_real_rps,throughput_sim_rps,throughput_diff_pct,within_target"

GString *ts_validation_csv (const TsScenario *scn, const GArray *rows);

G_END_DECLS
