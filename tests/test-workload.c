/* Workload: release times of each arrival process, and client semantics in whole runs. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "policies/registry.h"
#include "sim/workload.h"
#include "tests/testutil.h"
#include "sim/load/load.h"

static void
test_periodic_exact (void)
{
  TsArrival a = { .kind = TS_ARRIVAL_PERIODIC, .offset = 1500000, .period = 10000000 };
  TsReleaseGen g;
  ts_release_gen_init (&g, &a, 1, 0);
  for (gint64 k = 0; k < 1000; k++)
    g_assert_cmpint (ts_release_gen_next (&g), ==, 1500000 + k * 10000000);
}

/* Jitter is uniform on [-j, +j] around k * period; a release that would be negative becomes 0
 * (only k = 0 can be).  Over 20000 draws each end of the range is approached within 1%. */
static void
test_periodic_jitter (void)
{
  const TsTime period = 33333000, j = 1000000;
  TsArrival a = { .kind = TS_ARRIVAL_PERIODIC, .period = period, .jitter = j };
  TsReleaseGen g;
  ts_release_gen_init (&g, &a, 9, 3);
  TsTime lo = G_MAXINT64, hi = G_MININT64;
  double sum = 0;
  g_assert_cmpint (ts_release_gen_next (&g), >=, 0);
  for (gint64 k = 1; k <= 20000; k++)
    {
      TsTime d = ts_release_gen_next (&g) - k * period;
      g_assert_cmpint (d, >=, -j);
      g_assert_cmpint (d, <=, j);
      lo = MIN (lo, d), hi = MAX (hi, d), sum += d;
    }
  g_assert_cmpint (lo, <, -j + j / 100);
  g_assert_cmpint (hi, >, j - j / 100);
  /* mean of U[-j, j] is 0 with standard deviation j/sqrt(3)/sqrt(n): within 5 of those */
  g_assert_cmpfloat (fabs (sum / 20000), <, 5 * j / sqrt (3) / sqrt (20000));
}

/* Poisson at rate λ: inter-arrival times are exponential with mean 1/λ and variance 1/λ².
 * With n = 100000 gaps the sample mean's standard error is (1/λ)/sqrt(n); allow 5 of those.
 * The squared coefficient of variation estimates 1; its standard error is about sqrt(8/n)
 * (exponential fourth moment), so allow 0.05. */
static void
test_poisson_rate (void)
{
  const double rate = 1000.0, mean_ns = 1e9 / rate;
  const guint n = 100000;
  TsArrival a = { .kind = TS_ARRIVAL_POISSON, .rate = rate };
  TsReleaseGen g;
  ts_release_gen_init (&g, &a, 42, 0);
  TsTime prev = 0;
  double s1 = 0, s2 = 0;
  for (guint i = 0; i < n; i++)
    {
      TsTime t = ts_release_gen_next (&g);
      g_assert_cmpint (t, >=, prev);
      double gap = (double) (t - prev);
      s1 += gap, s2 += gap * gap;
      prev = t;
    }
  double mean = s1 / n, var = s2 / n - mean * mean;
  g_assert_cmpfloat (fabs (mean - mean_ns), <, 5 * mean_ns / sqrt (n));
  g_assert_cmpfloat (fabs (var / (mean * mean) - 1.0), <, 0.05);
}

static void
test_trace_and_closed (void)
{
  TsTime times[] = { 0, 5, 5, 100 };
  TsArrival a = { .kind = TS_ARRIVAL_TRACE, .times = times, .n_times = 4 };
  TsReleaseGen g;
  ts_release_gen_init (&g, &a, 1, 0);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (ts_release_gen_next (&g), ==, times[i]);
  g_assert_cmpint (ts_release_gen_next (&g), ==, TS_TIME_NEVER);
  TsArrival c = { .kind = TS_ARRIVAL_CLOSED };
  ts_release_gen_init (&g, &c, 1, 0);
  g_assert_cmpint (ts_release_gen_next (&g), ==, TS_TIME_NEVER);
}

/* Same seed and stream: same sequence; another stream: a different one. */
static void
test_streams_independent (void)
{
  TsArrival a = { .kind = TS_ARRIVAL_POISSON, .rate = 100.0 };
  TsReleaseGen g1, g2, g3;
  ts_release_gen_init (&g1, &a, 5, 0);
  ts_release_gen_init (&g2, &a, 5, 0);
  ts_release_gen_init (&g3, &a, 5, 1);
  gboolean differ = FALSE;
  for (guint i = 0; i < 100; i++)
    {
      TsTime t1 = ts_release_gen_next (&g1), t3 = ts_release_gen_next (&g3);
      g_assert_cmpint (t1, ==, ts_release_gen_next (&g2));
      differ |= t1 != t3;
    }
  g_assert_true (differ);
}

/* Loads tests/data/<name> and runs it under `policy`, with some overrides. */
static TsRunResult *
run_file (const char *name, const char *policy, void (*edit) (TsScenario *), TsScenario **scn_out)
{
  g_autofree char *path = tu_data (name);
  g_autoptr (GError) error = NULL;
  TsScenario *scn = ts_scenario_load (path, &error);
  g_assert_no_error (error);
  if (edit)
    edit (scn);
  TsRunResult *res = ts_run (scn, ts_policy_lookup (policy, NULL), &error);
  g_assert_no_error (error);
  *scn_out = scn;
  return res;
}

/* good.cfg's task "c" is closed-loop (model be2, think 0.5 ms): each request is released
 * exactly think after the previous one finished, so no two are ever outstanding. */
static void
test_closed_loop_one_outstanding (void)
{
  TsScenario *scn;
  TsRunResult *res = run_file ("good.cfg", "streams", NULL, &scn);
  const TsJob *prev = NULL;
  guint n = 0;
  for (guint i = 0; i < res->jobs->len; i++)
    {
      const TsJob *j = res->jobs->pdata[i];
      if (strcmp (scn->tasks[j->task].name, "c") != 0)
        continue;
      g_assert_cmpint (j->finish, >, j->start);
      if (prev)
        g_assert_cmpint (j->release, ==, prev->finish + 500000);
      else
        g_assert_cmpint (j->release, ==, 0);
      prev = j, n++;
    }
  g_assert_cmpuint (n, >, 10);
  ts_run_result_free (res);
  ts_scenario_free (scn);
}

/* hand.cfg's RT client made periodic at 0.3 ms with 0.5 ms jobs (and a BE job beside it), so
 * it is always busy: with on_busy = queue every release becomes a job that starts only after
 * the previous one finished; with skip, releases that find the client busy are dropped and
 * never start. */
static void
make_busy (TsScenario *scn, TsBusyAction busy)
{
  TsTask *t = &scn->tasks[1];   /* hand.cfg's "rt": rt1, 0.5 ms */
  t->arrival.kind = TS_ARRIVAL_PERIODIC;
  t->arrival.period = 300000;   /* 0.3 ms < 0.5 ms of service: always busy */
  t->arrival.offset = 0;
  t->on_busy = busy;
}
static void edit_queue (TsScenario *s) { make_busy (s, TS_BUSY_QUEUE); }
static void edit_skip (TsScenario *s) { make_busy (s, TS_BUSY_SKIP); }
static void edit_latest (TsScenario *s) { make_busy (s, TS_BUSY_LATEST); }

static void
check_busy (void (*edit) (TsScenario *), gboolean skip)
{
  TsScenario *scn;
  TsRunResult *res = run_file ("hand.cfg", "streams", edit, &scn);
  TsTime last_finish = -1;
  guint released = 0, dropped = 0;
  for (guint i = 0; i < res->jobs->len; i++)
    {
      const TsJob *j = res->jobs->pdata[i];
      if (j->task != 1)
        continue;
      g_assert_cmpint (j->release, ==, (TsTime) released * 300000);   /* releases stay periodic */
      released++;
      if (j->dropped)
        {
          dropped++;
          g_assert_cmpint (j->start, ==, -1);
          g_assert_cmpint (j->finish, ==, -1);
          continue;
        }
      g_assert_cmpint (j->start, >=, last_finish);   /* one outstanding request at a time */
      last_finish = j->finish;
    }
  g_assert_cmpuint (released, ==, 34);   /* releases at 0, 0.3, ..., 9.9 ms of a 10 ms run */
  if (skip)
    g_assert_cmpuint (dropped, >, 10);
  else
    g_assert_cmpuint (dropped, ==, 0);
  ts_run_result_free (res);
  ts_scenario_free (scn);
}

static void test_on_busy_queue (void) { check_busy (edit_queue, FALSE); }

/* latest: releases every 0.3 ms, 0.5 ms of service each while the GPU is shared with the BE job.
 * Whenever the client finishes, the newest waiting release starts and the older ones were
 * dropped, so (1) every started job is the newest release at its start and (2) between two
 * consecutive started jobs no release was left waiting: each dropped release was followed by a
 * later one before the client became free. */
static void
test_on_busy_latest (void)
{
  TsScenario *scn;
  TsRunResult *res = run_file ("hand.cfg", "streams", edit_latest, &scn);
  guint dropped = 0, started = 0;
  for (guint i = 0; i < res->jobs->len; i++)
    {
      const TsJob *j = res->jobs->pdata[i];
      if (j->task != 1)
        continue;
      if (j->dropped)
        {
          dropped++;
          /* the next release of the task came before this one could have started */
          const TsJob *next = NULL;
          for (guint k = i + 1; k < res->jobs->len && next == NULL; k++)
            if (((const TsJob *) res->jobs->pdata[k])->task == 1)
              next = res->jobs->pdata[k];
          g_assert_nonnull (next);
          continue;
        }
      started++;
      /* no later release of the task happened before this job started */
      for (guint k = i + 1; k < res->jobs->len; k++)
        {
          const TsJob *l = res->jobs->pdata[k];
          if (l->task == 1)
            g_assert_cmpint (l->release, >=, j->start);
        }
    }
  g_assert_cmpuint (dropped, >, 5);
  g_assert_cmpuint (started, >, 5);
  ts_run_result_free (res);
  ts_scenario_free (scn);
}
static void test_on_busy_skip (void) { check_busy (edit_skip, TRUE); }

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/workload/periodic-exact", test_periodic_exact);
  g_test_add_func ("/workload/periodic-jitter", test_periodic_jitter);
  g_test_add_func ("/workload/poisson-rate", test_poisson_rate);
  g_test_add_func ("/workload/trace-and-closed", test_trace_and_closed);
  g_test_add_func ("/workload/streams-independent", test_streams_independent);
  g_test_add_func ("/workload/closed-loop-one-outstanding", test_closed_loop_one_outstanding);
  g_test_add_func ("/workload/on-busy-queue", test_on_busy_queue);
  g_test_add_func ("/workload/on-busy-skip", test_on_busy_skip);
  g_test_add_func ("/workload/on-busy-latest", test_on_busy_latest);
  return g_test_run ();
}
