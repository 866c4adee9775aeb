/* tiersim — reports of a set of runs of one scenario: the table, summary.csv and jobs.csv. */
#pragma once

#include <stdio.h>

#include "sim/metrics.h"

G_BEGIN_DECLS

/* The exact leading columns of summary.csv (DESIGN §4). */
#define TS_SUMMARY_COLUMNS \
  "policy,task,class,jobs,completed,missed,dmr,lat_mean_ms,lat_p50_ms,lat_p90_ms,lat_p99_ms," \
  "lat_max_ms,accuracy,throughput_rps,preemptions"

/* Columns summary.csv has after the leading ones. */
#define TS_SUMMARY_EXTRA_COLUMNS "preempt_lat_p50_ms,preempt_lat_p99_ms,wasted_gpu_ms,preempted_ratio," \
  "goodput_rps,slo_attainment,fairness_jain,energy_per_job_mj,avg_power_w"

/* Columns of jobs.csv: one row per job, times in integer ns (docs/units.md: a column's unit is
 * its name's suffix). */
#define TS_JOBS_COLUMNS \
  "policy,task,id,release_ns,start_ns,finish_ns,deadline_ns,missed,variant,accuracy,preemptions"

/* The header line of summary.csv, from the column list its writer uses (the table's too):
 * TS_SUMMARY_COLUMNS "," TS_SUMMARY_EXTRA_COLUMNS. */
char *ts_report_summary_header (void);

/* Prints the aligned table: a row per (policy, task) the policy ran, then a BE subtotal and a
 * total per policy.  Its headers are summary.csv's column names.  Compact (wide FALSE): policy,
 * task, class, jobs, missed, dmr, lat_p50_ms, lat_p99_ms, accuracy, throughput_rps.  Wide: every
 * summary.csv column and, when rt-only is among the runs, lat_mean_vs_rt_only: each RT row's mean
 * latency relative to rt-only's for the same task.  Each column is as wide as its widest cell. */
void ts_report_table (FILE *out, const TsScenario *scn, TsRunResult *const *runs, guint n_runs, gboolean wide);

/* Prints a few lines that explain the table's columns (those ts_report_table prints with the same
 * wide; with_rel: whether the runs include rt-only, so that lat_mean_vs_rt_only is shown). */
void ts_report_legend (FILE *out, gboolean wide, gboolean with_rel);

/* Columns of preemptions.csv: one row per preemption (latency in ns) or other loss of work
 * (empty latency), with the GPU-time wasted in ns. */
#define TS_PREEMPTIONS_COLUMNS "policy,task,latency_ns,wasted_gpu_ns"

/* summary.csv / jobs.csv / preemptions.csv contents. */
GString *ts_report_summary_csv (const TsScenario *scn, TsRunResult *const *runs, guint n_runs);
GString *ts_report_jobs_csv (const TsScenario *scn, TsRunResult *const *runs, guint n_runs);
GString *ts_report_preemptions_csv (const TsScenario *scn, TsRunResult *const *runs, guint n_runs);

/* Writes len bytes of data as dir/name (dir must exist), atomically: a temporary file renamed into
 * place, so a reader never sees a partial file. */
gboolean ts_report_write_file (const char *dir, const char *name, const char *data, gsize len, GError **error);

/* Writes summary.csv, jobs.csv and preemptions.csv into dir (created if needed), each atomically
 * (a temporary file renamed into place), so a reader never sees a partial file. */
gboolean ts_report_write_dir (const char *dir, const TsScenario *scn, TsRunResult *const *runs,
                              guint n_runs, GError **error);

G_END_DECLS
