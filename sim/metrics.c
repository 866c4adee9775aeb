#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "sim/metrics.h"

TsTime
ts_percentile (const TsTime *sorted, guint n, double p)
{
  g_return_val_if_fail (n > 0 && p > 0 && p <= 100, 0);
  double rank = ceil (p / 100.0 * n - 1e-9);
  guint idx = rank < 1 ? 0 : (guint) rank - 1;
  return sorted[MIN (idx, n - 1)];
}

static int
cmp_time (const void *a, const void *b)
{
  TsTime x = *(const TsTime *) a, y = *(const TsTime *) b;
  return (x > y) - (x < y);
}

gboolean
ts_job_missed (const TsJob *j)
{
  return j->deadline != TS_TIME_NEVER && (j->dropped || j->finish > j->deadline);
}

/* Whether task t is among those selected: one task (task >= 0), or all of a class (cls >= 0), or
 * all. */
static gboolean
selected (const TsScenario *scn, guint t, int task, int cls)
{
  if (task >= 0)
    return t == (guint) task;
  return cls < 0 || scn->tasks[t].cls == (TsTaskClass) cls;
}

/* The sums of one selection of jobs and preemptions, fed in their order in the run. */
typedef struct {
  TsStats st;
  GArray *lat, *plat;     /* TsTime: latencies of finished jobs, of preemptions */
  guint preempted, deadline_jobs, finished_in_time, good, in_slo;
  double acc, lat_sum;
  double work;            /* completed jobs' GPU work (ts_variant_sm_ns), for energy */
} Acc;

gboolean
ts_run_energy (const TsScenario *scn, const TsRunResult *res, double *joules, double *seconds)
{
  *joules = *seconds = NAN;
  if (scn == NULL || scn->profile == NULL || !scn->profile->power.present || !res->have_usage)
    return FALSE;
  const TsPower *pw = &scn->profile->power;
  double t = (double) MAX (res->duration, res->end) / TS_NS_PER_S;
  const TsUsage *u = &res->usage;
  *seconds = t;
  *joules = pw->idle_w * t + pw->sm_active_w * u->sm_busy_ns / TS_NS_PER_S
            + pw->dram_pj_per_byte * 1e-12 * u->dram_bytes + pw->cpu_core_w * u->host_busy_ns / TS_NS_PER_S;
  return TRUE;
}

/* A kernel's solo SM-time: its duration on the SMs it spans alone, min(SMs, blocks), as
 * most-free placement spreads a kernel's blocks over an empty GPU. */
static double
kernel_sm_ns (const TsKernelDesc *k, const TsProfile *p)
{
  return (double) k->duration * MIN (p->sms, k->blocks);
}

double
ts_variant_sm_ns (const TsModel *m, int e, const TsProfile *p)
{
  if (m->n_exits == 0 || e < 0)
    e = (int) m->n_exits - 1;
  guint n = e < 0 ? m->n_kernels : m->chunk_first[m->exits[e].after_chunk + 1];
  double w = 0;
  for (guint i = 0; i < n; i++)
    w += kernel_sm_ns (&m->kernels[i], p);
  for (guint i = 0; e >= 0 && i < m->exits[e].n_kernels; i++)
    w += kernel_sm_ns (&m->exits[e].kernels[i], p);
  return w;
}

/* Per task, its variants' work: [n_exits] is the full model's (exit -1); NULL when the run has
 * no energy to share out (energy NAN). */
static double **
work_table (const TsScenario *scn, double energy)
{
  if (isnan (energy))
    return NULL;
  double **w = g_new (double *, scn->n_tasks);
  for (guint t = 0; t < scn->n_tasks; t++)
    {
      const TsModel *m = scn->tasks[t].model;
      w[t] = g_new (double, m->n_exits + 1);
      for (guint e = 0; e < m->n_exits; e++)
        w[t][e] = ts_variant_sm_ns (m, (int) e, scn->profile);
      w[t][m->n_exits] = ts_variant_sm_ns (m, -1, scn->profile);
    }
  return w;
}

static void
work_table_free (const TsScenario *scn, double **w)
{
  if (w == NULL)
    return;
  for (guint t = 0; t < scn->n_tasks; t++)
    g_free (w[t]);
  g_free (w);
}

static double
job_work (const TsScenario *scn, double *const *w, const TsJob *j)
{
  if (w == NULL || j->finish < 0)
    return 0;
  const TsModel *m = scn->tasks[j->task].model;
  return w[j->task][j->exit >= 0 && (guint) j->exit < m->n_exits ? (guint) j->exit : m->n_exits];
}

static void
acc_init (Acc *a)
{
  *a = (Acc) { .st = { .dmr = NAN, .energy_per_job_mj = NAN, .avg_power_w = NAN, .slo_attainment = NAN, .fairness_jain = NAN, .accuracy = NAN, .lat_mean_ms = NAN, .lat_p50_ms = NAN,
                       .lat_p90_ms = NAN, .lat_p99_ms = NAN, .lat_max_ms = NAN,
                       .preempt_lat_p50_ms = NAN, .preempt_lat_p99_ms = NAN, .preempted_ratio = NAN },
               .lat = g_array_new (FALSE, FALSE, sizeof (TsTime)),
               .plat = g_array_new (FALSE, FALSE, sizeof (TsTime)) };
}

static void
acc_job (Acc *a, const TsJob *j, TsTime duration)
{
  a->st.jobs++;
  a->st.preemptions += j->preemptions;
  a->preempted += j->preemptions > 0;
  a->acc += j->accuracy;
  if (j->deadline != TS_TIME_NEVER)
    a->deadline_jobs++;
  if (ts_job_missed (j))
    a->st.missed++;
  if (j->finish >= 0)
    {
      TsTime l = j->finish - j->release;
      a->st.completed++;
      g_array_append_val (a->lat, l);
      a->lat_sum += (double) l;
      if (j->finish <= duration)
        a->finished_in_time++;
      gboolean ok = j->deadline == TS_TIME_NEVER || j->finish <= j->deadline;
      a->in_slo += ok && j->deadline != TS_TIME_NEVER;
      a->good += ok && j->finish <= duration;
    }
}

static void
acc_preemption (Acc *a, const TsPreemptRecord *p)
{
  a->st.wasted_gpu_ms += p->wasted_gpu_ns / TS_NS_PER_MS;
  if (p->latency >= 0)
    g_array_append_val (a->plat, p->latency);
}

/* The metrics from the sums; job latencies only for one task (they do not mix across tasks). */
static void
acc_finish (Acc *a, const TsRunResult *res, gboolean latencies, TsTime active, double energy_share,
            TsTime power_time, TsStats *out)
{
  TsStats *st = &a->st;
  if (!isnan (energy_share))
    {
      st->avg_power_w = power_time > 0 ? energy_share / ((double) power_time / TS_NS_PER_S) : NAN;
      if (st->completed > 0)
        st->energy_per_job_mj = energy_share * 1e3 / st->completed;
    }
  if (a->deadline_jobs > 0)
    st->dmr = (double) st->missed / a->deadline_jobs;
  if (st->jobs > 0)
    st->accuracy = a->acc / st->jobs, st->preempted_ratio = (double) a->preempted / st->jobs;
  st->throughput_rps = active > 0 ? a->finished_in_time / ((double) active / TS_NS_PER_S) : NAN;
  st->goodput_rps = active > 0 ? a->good / ((double) active / TS_NS_PER_S) : NAN;
  if (a->deadline_jobs > 0)
    st->slo_attainment = (double) a->in_slo / a->deadline_jobs;
  if (a->plat->len > 0)
    {
      TsTime *v = (TsTime *) a->plat->data;
      qsort (v, a->plat->len, sizeof (TsTime), cmp_time);
      st->preempt_lat_p50_ms = ts_time_to_ms (ts_percentile (v, a->plat->len, 50));
      st->preempt_lat_p99_ms = ts_time_to_ms (ts_percentile (v, a->plat->len, 99));
    }
  if (latencies && a->lat->len > 0)
    {
      TsTime *v = (TsTime *) a->lat->data;
      qsort (v, a->lat->len, sizeof (TsTime), cmp_time);
      st->n_lat = a->lat->len;
      st->lat_mean_ms = a->lat_sum / a->lat->len / TS_NS_PER_MS;
      st->lat_p50_ms = ts_time_to_ms (ts_percentile (v, a->lat->len, 50));
      st->lat_p90_ms = ts_time_to_ms (ts_percentile (v, a->lat->len, 90));
      st->lat_p99_ms = ts_time_to_ms (ts_percentile (v, a->lat->len, 99));
      st->lat_max_ms = ts_time_to_ms (v[a->lat->len - 1]);
    }
  *out = *st;
  g_array_unref (a->lat);
  g_array_unref (a->plat);
}

static double fairness (const TsScenario *scn, const TsRunResult *res, int task, int cls);

/* Accumulates the jobs and preemptions of the selected tasks. */
/* How long task t was active (a result built without lifetimes: the duration). */
static TsTime
task_active (const TsRunResult *res, guint t)
{
  return res->task_active != NULL ? res->task_active[t] : res->duration;
}

/* The selection's share of the run's energy: all of it for a total of every task, else by its
 * share of the work (NAN without energy). */
static double
energy_share (double energy, double work, double work_all, gboolean all)
{
  if (isnan (energy) || all)
    return energy;
  return work_all > 0 ? energy * work / work_all : 0;
}

static void
collect (const TsScenario *scn, const TsRunResult *res, int task, int cls, TsStats *out)
{
  Acc a;
  acc_init (&a);
  double energy, span, work_all = 0;
  ts_run_energy (scn, res, &energy, &span);
  double **w = work_table (scn, energy);
  for (guint i = 0; i < res->jobs->len; i++)
    {
      const TsJob *j = res->jobs->pdata[i];
      double jw = job_work (scn, w, j);
      work_all += jw;
      if (selected (scn, j->task, task, cls))
        acc_job (&a, j, res->duration), a.work += jw;
    }
  work_table_free (scn, w);
  for (guint i = 0; i < res->preemptions->len; i++)
    {
      const TsPreemptRecord *p = &g_array_index (res->preemptions, TsPreemptRecord, i);
      if (selected (scn, p->task, task, cls))
        acc_preemption (&a, p);
    }
  TsTime active = task >= 0 ? task_active (res, task) : res->duration;
  double share = energy_share (energy, a.work, work_all, task < 0 && cls < 0);
  /* a task's power is over its lifetime, a total's over the run's whole span (drain included) */
  TsTime power_time = task >= 0 || isnan (span) ? active : (TsTime) (span * TS_NS_PER_S);
  acc_finish (&a, res, task >= 0, active, share, power_time, out);
  out->fairness_jain = fairness (scn, res, -1, task >= 0 ? -1 : cls);
}

/* Jain's index over the selected tasks' goodput / offered load (see metrics.h). */
static double
fairness (const TsScenario *scn, const TsRunResult *res, int task, int cls)
{
  guint n_tasks = 0;  /* from the jobs: callers of ts_stats_task may pass no scenario */
  for (guint i = 0; i < res->jobs->len; i++)
    n_tasks = MAX (n_tasks, ((const TsJob *) res->jobs->pdata[i])->task + 1);
  g_autofree guint *jobs = g_new0 (guint, n_tasks), *good = g_new0 (guint, n_tasks);
  for (guint i = 0; i < res->jobs->len; i++)
    {
      const TsJob *j = res->jobs->pdata[i];
      if (!selected (scn, j->task, task, cls) || (res->task_ran != NULL && !res->task_ran[j->task]))
        continue;
      jobs[j->task]++;
      good[j->task] += j->finish >= 0 && j->finish <= res->duration
                       && (j->deadline == TS_TIME_NEVER || j->finish <= j->deadline);
    }
  double sum = 0, sq = 0;
  guint n = 0;
  for (guint t = 0; t < n_tasks; t++)
    if (jobs[t] > 0)
      {
        double x = (double) good[t] / jobs[t];  /* goodput over offered load: the durations cancel */
        sum += x, sq += x * x, n++;
      }
  return n == 0 ? NAN : sq == 0 ? 1.0 : sum * sum / (n * sq);
}

void
ts_stats_tasks (const TsScenario *scn, const TsRunResult *res, TsStats *out)
{
  g_autofree Acc *a = g_new (Acc, scn->n_tasks);
  for (guint t = 0; t < scn->n_tasks; t++)
    acc_init (&a[t]);
  double energy, span, work_all = 0;
  ts_run_energy (scn, res, &energy, &span);
  double **w = work_table (scn, energy);
  for (guint i = 0; i < res->jobs->len; i++)
    {
      const TsJob *j = res->jobs->pdata[i];
      double jw = job_work (scn, w, j);
      acc_job (&a[j->task], j, res->duration);
      a[j->task].work += jw;
      work_all += jw;
    }
  work_table_free (scn, w);
  for (guint i = 0; i < res->preemptions->len; i++)
    {
      const TsPreemptRecord *p = &g_array_index (res->preemptions, TsPreemptRecord, i);
      acc_preemption (&a[p->task], p);
    }
  double f = fairness (scn, res, -1, -1);
  for (guint t = 0; t < scn->n_tasks; t++)
    {
      acc_finish (&a[t], res, TRUE, task_active (res, t), energy_share (energy, a[t].work, work_all, FALSE),
                  task_active (res, t), &out[t]);
      out[t].fairness_jain = f;
    }
}

void
ts_stats_task (const TsScenario *scn, const TsRunResult *res, guint task, TsStats *out)
{
  collect (scn, res, (int) task, -1, out);
}

void
ts_stats_total (const TsScenario *scn, const TsRunResult *res, int cls, TsStats *out)
{
  collect (scn, res, -1, cls, out);
}
