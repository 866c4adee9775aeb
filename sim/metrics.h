/* tiersim — per-task and per-policy metrics of a run (DESIGN §4).
 *
 * Definitions:
 *   jobs         releases in [0, duration), dropped ones included;
 *   completed    jobs that finished (every issued job finishes: the run drains);
 *   missed       tasks with a deadline: jobs dropped or finishing after release + deadline;
 *   dmr          missed / jobs; undefined (NAN) for tasks without a deadline;
 *   latency      finish - release of completed jobs (queueing included); percentiles are exact,
 *                nearest-rank: the ceil(p/100 * n)-th smallest;
 *   accuracy     mean over jobs of the variant's accuracy, 0 for missed and dropped jobs;
 *   throughput   jobs finished by `duration`, per second the task was active (its lifetime in
 *                the run: the duration for a task without one; NAN if never active); for a
 *                total, all its jobs per second of duration;
 *   preempted    fraction of jobs preempted at least once (Pantheon's preempted-job ratio: a
 *                job is preempted if another job's work ran between two of its steps);
 *   preemptions  preemptions the jobs suffered; their latencies (request until none of the
 *                stream's blocks ran) as exact percentiles;
 *   wasted       GPU-time of killed or discarded work: each block's elapsed time weighted by its
 *                share of the GPU, 1 / (SMs x blocks-per-SM);
 *   energy       (profiles with a power group, backends that report usage; NAN otherwise) the
 *                run's energy E (ts_run_energy) over T = max(duration, last finish); a task's
 *                share of E is its completed jobs' share of the run's GPU work, each job's work
 *                being its variant's solo SM-time, sum over its kernels of solo duration x SMs
 *                it spans alone under most-free placement, min(SMs, blocks);
 *   energy_per_job_mj  that energy (the selection's share) per completed job, in mJ;
 *   avg_power_w  that energy per second the task was active; for a total, E / T;
 *   goodput      jobs finished by `duration` within their SLO (their deadline; any finish for
 *                tasks without one), per second the task was active (as throughput);
 *   slo          SLO attainment: jobs finished within their deadline over jobs (dropped ones
 *                count as not); NAN for tasks without a deadline;
 *   fairness     Jain's index (sum x)^2 / (n sum x^2) over the n selected tasks with jobs, x being
 *                a task's normalised throughput: its goodput over its offered load (jobs per
 *                second of duration); 1 when all get the same share, 1/n when one gets all.
 *                Per task it is the index of the task's policy run over all its tasks. */
#pragma once

#include "sim/runner.h"

G_BEGIN_DECLS

typedef struct {
  guint jobs, completed, missed;
  double dmr;                 /* NAN without deadline */
  guint n_lat;                /* latency samples (= completed) */
  double lat_mean_ms, lat_p50_ms, lat_p90_ms, lat_p99_ms, lat_max_ms;
  double accuracy;            /* NAN if no job */
  double throughput_rps;
  guint preemptions;
  double preempted_ratio;     /* NAN if no job */
  double preempt_lat_p50_ms, preempt_lat_p99_ms;   /* NAN without preemptions */
  double wasted_gpu_ms;
  double energy_per_job_mj;   /* NAN without a power model or usage, or without completed jobs */
  double avg_power_w;         /* NAN without a power model or usage */
  double goodput_rps;
  double slo_attainment;      /* NAN without deadline */
  double fairness_jain;       /* NAN if no task has jobs */
} TsStats;

/* The energy of a run in joules over its span T = max(duration, end) in seconds (docs/model.md
 * "Energy"):  E = idle_w T + sm_active_w busy_SM_s + dram_pj_per_byte 1e-12 bytes
 * + cpu_core_w host_busy_s.  FALSE (E = T = NAN) when the profile has no power group or the run
 * no usage. */
gboolean ts_run_energy (const TsScenario *scn, const TsRunResult *res, double *joules, double *seconds);

/* A job's GPU work for energy attribution: its variant's solo SM-ns on profile p (exit e < 0:
 * the full model). */
double ts_variant_sm_ns (const TsModel *m, int e, const TsProfile *p);

/* Whether a job of a task with a deadline was dropped or finished after its deadline. */
gboolean ts_job_missed (const TsJob *job);

/* Nearest-rank percentile p (0 < p <= 100) of n >= 1 ascending values. */
TsTime ts_percentile (const TsTime *sorted, guint n, double p);

/* Metrics of one task of a run.  O(jobs of the run): for many tasks, ts_stats_tasks. */
void ts_stats_task (const TsScenario *scn, const TsRunResult *res, TsTaskId task, TsStats *out);

/* Metrics of every task of a run, out[t] for t < scn->n_tasks, the same as ts_stats_task's, in
 * one pass over the run's jobs: O(jobs + tasks). */
void ts_stats_tasks (const TsScenario *scn, const TsRunResult *res, TsStats *out);

/* Metrics over every task the run kept of one class (cls >= 0) or of all (cls < 0): counts,
 * throughput and waste summed, dmr over tasks with a deadline, accuracy over all jobs,
 * preemption latencies pooled; job latency fields are NAN (tasks do not mix). */
void ts_stats_total (const TsScenario *scn, const TsRunResult *res, int cls, TsStats *out);

G_END_DECLS
