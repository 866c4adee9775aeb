/* Metrics: nearest-rank percentiles and per-task statistics on hand-built jobs. */
#include "config.h"

#include <math.h>

#include "sim/metrics.h"
#include "sim/out/report.h"
#include "sim/scenario.h"

/* Nearest rank: the ceil(p/100 * n)-th smallest value. */
static void
test_percentile (void)
{
  TsTime v[100];
  for (guint i = 0; i < 100; i++)
    v[i] = i + 1;
  g_assert_cmpint (ts_percentile (v, 100, 50), ==, 50);
  g_assert_cmpint (ts_percentile (v, 100, 90), ==, 90);
  g_assert_cmpint (ts_percentile (v, 100, 99), ==, 99);
  g_assert_cmpint (ts_percentile (v, 100, 100), ==, 100);
  g_assert_cmpint (ts_percentile (v, 100, 0.5), ==, 1);
  TsTime three[] = { 10, 20, 30 };
  g_assert_cmpint (ts_percentile (three, 3, 50), ==, 20);   /* ceil(1.5) = 2nd */
  g_assert_cmpint (ts_percentile (three, 3, 99), ==, 30);   /* ceil(2.97) = 3rd */
  g_assert_cmpint (ts_percentile (three, 3, 33), ==, 10);   /* ceil(0.99) = 1st */
  TsTime ten[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
  g_assert_cmpint (ts_percentile (ten, 10, 90), ==, 9);     /* exactly 9th: no rounding up */
  g_assert_cmpint (ts_percentile (ten, 1, 50), ==, 1);
}

static TsJob *
job (guint task, TsTime release, TsTime finish, TsTime deadline, gboolean dropped, double acc)
{
  TsJob *j = g_new0 (TsJob, 1);
  *j = (TsJob) { .task = task, .release = release, .start = finish >= 0 ? release : -1, .finish = finish,
                 .deadline = deadline, .dropped = dropped, .accuracy = acc, .variant = "full" };
  return j;
}

/* Task 0 (rt, deadline 10 ms after release), 5 jobs over a 1 s run:
 *   latencies 2, 4, 12 (late), 6 ms; one dropped.  -> jobs 5, completed 4, missed 2, dmr 0.4,
 *   mean 6 ms, p50 = 2nd of 4 = 4 ms, p99 = 12 ms; accuracy (1 + 1 + 0 + 1 + 0) / 5 = 0.6.
 *   The 6 ms job finishes at 1.003 s, after the 1 s duration: throughput 3 per second.
 * Task 1 (be, no deadline): one job of 50 ms.  -> dmr undefined, missed 0. */
static void
test_task_stats (void)
{
  const TsTime ms = TS_NS_PER_MS;
  TsRunResult res = { .policy = (char *) "x", .duration = 1000 * ms };
  res.jobs = g_ptr_array_new_with_free_func (g_free);
  res.preemptions = g_array_new (FALSE, FALSE, sizeof (TsPreemptRecord));
  g_ptr_array_add (res.jobs, job (0, 0, 2 * ms, 10 * ms, FALSE, 1.0));
  g_ptr_array_add (res.jobs, job (0, 100 * ms, 104 * ms, 110 * ms, FALSE, 1.0));
  g_ptr_array_add (res.jobs, job (0, 200 * ms, 212 * ms, 210 * ms, FALSE, 0.0));
  g_ptr_array_add (res.jobs, job (0, 300 * ms, -1, 310 * ms, TRUE, 0.0));
  g_ptr_array_add (res.jobs, job (0, 997 * ms, 1003 * ms, 1007 * ms, FALSE, 1.0));
  g_ptr_array_add (res.jobs, job (1, 0, 50 * ms, TS_TIME_NEVER, FALSE, 1.0));

  TsStats st;
  ts_stats_task (NULL, &res, 0, &st);
  g_assert_cmpuint (st.jobs, ==, 5);
  g_assert_cmpuint (st.completed, ==, 4);
  g_assert_cmpuint (st.missed, ==, 2);
  g_assert_cmpfloat_with_epsilon (st.dmr, 0.4, 1e-12);
  g_assert_cmpfloat_with_epsilon (st.lat_mean_ms, 6.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (st.lat_p50_ms, 4.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (st.lat_p99_ms, 12.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (st.lat_max_ms, 12.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (st.accuracy, 0.6, 1e-12);
  g_assert_cmpfloat_with_epsilon (st.throughput_rps, 3.0, 1e-12);

  ts_stats_task (NULL, &res, 1, &st);
  g_assert_true (isnan (st.dmr));
  g_assert_cmpuint (st.missed, ==, 0);
  g_assert_cmpfloat_with_epsilon (st.lat_p99_ms, 50.0, 1e-12);

  /* Every task at once (one pass over the jobs) gives the same as each task alone, preemptions
   * included. */
  TsPreemptRecord pr[] = { { 1, 10 * ms, 3 * ms, 2e6 }, { 0, 20 * ms, 1 * ms, 1e6 }, { 1, 30 * ms, -1, 5e5 } };
  g_array_append_vals (res.preemptions, pr, G_N_ELEMENTS (pr));
  TsScenario two = { .n_tasks = 2 };
  TsStats all[2];
  ts_stats_tasks (&two, &res, all);
  for (guint t = 0; t < 2; t++)
    {
      TsStats one;
      ts_stats_task (&two, &res, t, &one);
      g_assert_cmpuint (all[t].jobs, ==, one.jobs);
      g_assert_cmpuint (all[t].completed, ==, one.completed);
      g_assert_cmpuint (all[t].missed, ==, one.missed);
      g_assert_cmpuint (all[t].n_lat, ==, one.n_lat);
      g_assert_cmpuint (all[t].preemptions, ==, one.preemptions);
      const double a[] = { all[t].dmr, all[t].lat_mean_ms, all[t].lat_p50_ms, all[t].lat_p90_ms, all[t].lat_p99_ms,
                           all[t].lat_max_ms, all[t].accuracy, all[t].throughput_rps, all[t].preempted_ratio,
                           all[t].preempt_lat_p50_ms, all[t].preempt_lat_p99_ms, all[t].wasted_gpu_ms };
      const double b[] = { one.dmr, one.lat_mean_ms, one.lat_p50_ms, one.lat_p90_ms, one.lat_p99_ms, one.lat_max_ms,
                           one.accuracy, one.throughput_rps, one.preempted_ratio, one.preempt_lat_p50_ms,
                           one.preempt_lat_p99_ms, one.wasted_gpu_ms };
      for (guint i = 0; i < G_N_ELEMENTS (a); i++)
        g_assert_true ((isnan (a[i]) && isnan (b[i])) || a[i] == b[i]);
    }
  g_assert_cmpfloat_with_epsilon (all[1].preempt_lat_p50_ms, 3.0, 1e-12);  /* task 1's one measured latency */
  g_assert_cmpfloat_with_epsilon (all[1].wasted_gpu_ms, 2.5, 1e-12);      /* 2 + 0.5 ms */
  g_assert_cmpfloat_with_epsilon (all[0].wasted_gpu_ms, 1.0, 1e-12);
  g_array_set_size (res.preemptions, 0);

  ts_stats_total (NULL, &res, -1, &st);
  g_assert_cmpuint (st.jobs, ==, 6);
  g_assert_cmpuint (st.missed, ==, 2);
  g_assert_cmpfloat_with_epsilon (st.dmr, 0.4, 1e-12);       /* over the 5 jobs with a deadline */
  g_assert_cmpfloat_with_epsilon (st.throughput_rps, 4.0, 1e-12);
  g_assert_true (isnan (st.lat_p50_ms));
  g_assert_true (isnan (st.preempt_lat_p99_ms));
  g_ptr_array_unref (res.jobs);
  g_array_unref (res.preemptions);
}

/* DESIGN §4: summary.csv's leading columns, exactly. */
static void
test_summary_columns (void)
{
  g_assert_cmpstr (TS_SUMMARY_COLUMNS, ==,
                   "policy,task,class,jobs,completed,missed,dmr,lat_mean_ms,lat_p50_ms,lat_p90_ms,"
                   "lat_p99_ms,lat_max_ms,accuracy,throughput_rps,preemptions");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/metrics/percentile-nearest-rank", test_percentile);
  g_test_add_func ("/metrics/task-stats", test_task_stats);
  g_test_add_func ("/metrics/summary-columns", test_summary_columns);
  return g_test_run ();
}
