/* tiersim — the simulator against the real GPU: per (policy, task) metrics of the same scenario
 * run on both backends, and their differences (tiersim validate).
 *
 * Differences are (sim - real) / real in percent for latencies and throughput, and sim - real in
 * percentage points for the deadline miss rate (a rate of 0 has no relative difference).  A row
 * meets the target when its mean and p99 latency and its throughput are each within the
 * tolerance (10%: issue 5). */
#pragma once

#include <stdio.h>

#include "metrics.h"

G_BEGIN_DECLS

#define TS_VALIDATION_TOLERANCE 0.10

typedef struct {
  const char *policy;
  guint task;
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

/* Columns of validation.csv: per row, for each metric m of (lat_mean_ms, lat_p50_ms, lat_p90_ms,
 * lat_p99_ms, dmr, throughput_rps): m_real, m_sim, m_diff (percent; points for dmr); then
 * within_target (1 or 0). */
#define TS_VALIDATION_COLUMNS                                                                             \
  "policy,task,class,jobs_real,jobs_sim,"                                                                 \
  "lat_mean_ms_real,lat_mean_ms_sim,lat_mean_ms_diff,lat_p50_ms_real,lat_p50_ms_sim,lat_p50_ms_diff,"    \
  "lat_p90_ms_real,lat_p90_ms_sim,lat_p90_ms_diff,lat_p99_ms_real,lat_p99_ms_sim,lat_p99_ms_diff,"       \
  "dmr_real,dmr_sim,dmr_diff,throughput_rps_real,throughput_rps_sim,throughput_rps_diff,within_target"

GString *ts_validation_csv (const TsScenario *scn, const GArray *rows);

G_END_DECLS
