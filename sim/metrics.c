#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "metrics.h"

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
} Acc;

static void
acc_init (Acc *a)
{
  *a = (Acc) { .st = { .dmr = NAN, .accuracy = NAN, .slo_attainment = NAN, .fairness_jain = NAN, .lat_mean_ms = NAN, .lat_p50_ms = NAN,
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
acc_finish (Acc *a, const TsRunResult *res, gboolean latencies, TsStats *out)
{
  TsStats *st = &a->st;
  if (a->deadline_jobs > 0)
    st->dmr = (double) st->missed / a->deadline_jobs;
  if (st->jobs > 0)
    st->accuracy = a->acc / st->jobs, st->preempted_ratio = (double) a->preempted / st->jobs;
  st->throughput_rps = a->finished_in_time / ((double) res->duration / TS_NS_PER_S);
  st->goodput_rps = a->good / ((double) res->duration / TS_NS_PER_S);
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
static void
collect (const TsScenario *scn, const TsRunResult *res, int task, int cls, TsStats *out)
{
  Acc a;
  acc_init (&a);
  for (guint i = 0; i < res->jobs->len; i++)
    {
      const TsJob *j = res->jobs->pdata[i];
      if (selected (scn, j->task, task, cls))
        acc_job (&a, j, res->duration);
    }
  for (guint i = 0; i < res->preemptions->len; i++)
    {
      const TsPreemptRecord *p = &g_array_index (res->preemptions, TsPreemptRecord, i);
      if (selected (scn, p->task, task, cls))
        acc_preemption (&a, p);
    }
  acc_finish (&a, res, task >= 0, out);
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
  for (guint i = 0; i < res->jobs->len; i++)
    {
      const TsJob *j = res->jobs->pdata[i];
      acc_job (&a[j->task], j, res->duration);
    }
  for (guint i = 0; i < res->preemptions->len; i++)
    {
      const TsPreemptRecord *p = &g_array_index (res->preemptions, TsPreemptRecord, i);
      acc_preemption (&a[p->task], p);
    }
  double f = fairness (scn, res, -1, -1);
  for (guint t = 0; t < scn->n_tasks; t++)
    {
      acc_finish (&a[t], res, TRUE, &out[t]);
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
