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

/* Accumulates the jobs and preemptions of the selected tasks. */
static void
collect (const TsScenario *scn, const TsRunResult *res, int task, int cls, TsStats *out)
{
  *out = (TsStats) { .dmr = NAN, .accuracy = NAN, .lat_mean_ms = NAN, .lat_p50_ms = NAN,
                     .lat_p90_ms = NAN, .lat_p99_ms = NAN, .lat_max_ms = NAN,
                     .preempt_lat_p50_ms = NAN, .preempt_lat_p99_ms = NAN, .preempted_ratio = NAN };
  guint preempted = 0;
  g_autoptr (GArray) lat = g_array_new (FALSE, FALSE, sizeof (TsTime));
  guint deadline_jobs = 0, finished_in_time = 0;
  double acc = 0, lat_sum = 0;
  for (guint i = 0; i < res->jobs->len; i++)
    {
      const TsJob *j = res->jobs->pdata[i];
      if (!selected (scn, j->task, task, cls))
        continue;
      out->jobs++;
      out->preemptions += j->preemptions;
      preempted += j->preemptions > 0;
      acc += j->accuracy;
      if (j->deadline != TS_TIME_NEVER)
        deadline_jobs++;
      if (ts_job_missed (j))
        out->missed++;
      if (j->finish >= 0)
        {
          TsTime l = j->finish - j->release;
          out->completed++;
          g_array_append_val (lat, l);
          lat_sum += (double) l;
          if (j->finish <= res->duration)
            finished_in_time++;
        }
    }
  if (deadline_jobs > 0)
    out->dmr = (double) out->missed / deadline_jobs;
  if (out->jobs > 0)
    out->accuracy = acc / out->jobs, out->preempted_ratio = (double) preempted / out->jobs;
  out->throughput_rps = finished_in_time / ((double) res->duration / TS_NS_PER_S);
  g_autoptr (GArray) plat = g_array_new (FALSE, FALSE, sizeof (TsTime));
  for (guint i = 0; i < res->preemptions->len; i++)
    {
      const TsPreemptRecord *p = &g_array_index (res->preemptions, TsPreemptRecord, i);
      if (!selected (scn, p->task, task, cls))
        continue;
      out->wasted_gpu_ms += p->wasted_gpu_ns / TS_NS_PER_MS;
      if (p->latency >= 0)
        g_array_append_val (plat, p->latency);
    }
  if (plat->len > 0)
    {
      TsTime *v = (TsTime *) plat->data;
      qsort (v, plat->len, sizeof (TsTime), cmp_time);
      out->preempt_lat_p50_ms = ts_time_to_ms (ts_percentile (v, plat->len, 50));
      out->preempt_lat_p99_ms = ts_time_to_ms (ts_percentile (v, plat->len, 99));
    }
  if (task >= 0 && lat->len > 0)
    {
      TsTime *v = (TsTime *) lat->data;
      qsort (v, lat->len, sizeof (TsTime), cmp_time);
      out->n_lat = lat->len;
      out->lat_mean_ms = lat_sum / lat->len / TS_NS_PER_MS;
      out->lat_p50_ms = ts_time_to_ms (ts_percentile (v, lat->len, 50));
      out->lat_p90_ms = ts_time_to_ms (ts_percentile (v, lat->len, 90));
      out->lat_p99_ms = ts_time_to_ms (ts_percentile (v, lat->len, 99));
      out->lat_max_ms = ts_time_to_ms (v[lat->len - 1]);
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
