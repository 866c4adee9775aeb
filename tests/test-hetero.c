/* Routers on heterogeneous processors and their metrics (issue 18): tests/data/dla's scenarios,
 * every expectation worked out by hand from one-conv.cfg's times (GPU 10 us, DLA 17 us). */
#include "config.h"

#include <math.h>

#include "policies/hetero.h"
#include "sim/metrics.h"
#include "tests/testutil.h"
#include "sim/load/load.h"
#include "policies/registry.h"

static TsScenario *
load (const char *rel)
{
  g_autofree char *path = tu_data (rel);
  g_autoptr (GError) error = NULL;
  TsScenario *s = ts_scenario_load (path, &error);
  g_assert_no_error (error);
  return s;
}

static TsRunResult *
run (const TsScenario *s, const char *policy)
{
  g_autoptr (GError) error = NULL;
  const TsPolicyClass *cls = ts_policy_lookup (policy, &error);
  g_assert_no_error (error);
  TsRunResult *r = ts_run (s, cls, &error);
  g_assert_no_error (error);
  return r;
}

/* Every latency of a task's jobs (all finished). */
static void
assert_latencies (const TsRunResult *r, guint task, TsTime even, TsTime odd)
{
  guint n = 0;
  for (guint i = 0; i < r->jobs->len; i++)
    {
      const TsJob *j = r->jobs->pdata[i];
      if (j->task != task)
        continue;
      g_assert_cmpint (j->finish - j->release, ==, j->id % 2 == 0 ? even : odd);
      n++;
    }
  g_assert_cmpuint (n, >, 2);
}

/* One application, round-robin: its requests alternate GPU (10 us) and DLA (17 us), each done
 * before the next 18 us later; gpu-only: all 10 us. */
static void
test_round_robin (void)
{
  g_autoptr (TsScenario) s = load ("dla/one-app.cfg");
  g_autoptr (TsRunResult) rr = run (s, "round-robin");
  assert_latencies (rr, 0, 10000, 17000);
  g_autoptr (TsRunResult) g = run (s, "gpu-only");
  assert_latencies (g, 0, 10000, 10000);
}

/* two-apps.cfg under gpu-only: at each period's start both kernels are launched, a's first, and
 * each fills the GPU, so a_k runs [20k, 20k + 10] us and b_k [20k + 10, 20k + 20] (the queue behind
 * a client that is still busy changes nothing: its next kernel still follows the other's).
 * Latencies: a_k 10 + 2k us (within the 18 us SLO for k <= 4), b_k 20 + 2k (never).  Releases at
 * 18k us for k = 0..111 (112 jobs each); finished by the 2 ms duration: 20k + 10 <= 2000, k <= 99
 * (a), 20k + 20 <= 2000, k <= 99 (b).  So: a 5 good jobs, goodput 5 / 2 ms = 2500/s, attainment
 * 5/112; b none; throughput 100 / 2 ms = 50000/s each; Jain's index over (5/112, 0) = 1/2. */
static void
test_gpu_only_metrics (void)
{
  g_autoptr (TsScenario) s = load ("dla/two-apps.cfg");
  g_autoptr (TsRunResult) r = run (s, "gpu-only");
  TsStats st[2], total;
  ts_stats_tasks (s, r, st);
  g_assert_cmpuint (st[0].jobs, ==, 112);
  g_assert_cmpuint (st[0].missed, ==, 107);
  g_assert_cmpuint (st[1].missed, ==, 112);
  g_assert_cmpfloat_with_epsilon (st[0].throughput_rps, 50000, 1e-6);
  g_assert_cmpfloat_with_epsilon (st[1].throughput_rps, 50000, 1e-6);
  g_assert_cmpfloat_with_epsilon (st[0].goodput_rps, 2500, 1e-6);
  g_assert_cmpfloat (st[1].goodput_rps, ==, 0);
  g_assert_cmpfloat_with_epsilon (st[0].slo_attainment, 5.0 / 112, 1e-12);
  g_assert_cmpfloat (st[1].slo_attainment, ==, 0);
  g_assert_cmpfloat_with_epsilon (st[0].fairness_jain, 0.5, 1e-12);
  ts_stats_total (s, r, -1, &total);
  g_assert_cmpfloat_with_epsilon (total.goodput_rps, 2500, 1e-6);
  g_assert_cmpfloat_with_epsilon (total.slo_attainment, 5.0 / 224, 1e-12);
  g_assert_cmpfloat_with_epsilon (total.fairness_jain, 0.5, 1e-12);
}

/* The routers' search finds that one application must go to the DLA: then a's and b's jobs take
 * 10 and 17 us (in some order), no deadline is missed, 111 jobs each finish by 2 ms (the last,
 * released at 1998 us, after it): goodput 111 / 2 ms = 55500/s each, Jain's index 1. */
static void
test_priority_score (void)
{
  g_autoptr (TsScenario) s = load ("dla/two-apps.cfg");
  const char *policies[] = { "priority-score", "priority-score-itf" };
  for (guint p = 0; p < G_N_ELEMENTS (policies); p++)
    {
      g_autoptr (TsRunResult) r = run (s, policies[p]);
      TsStats st[2];
      ts_stats_tasks (s, r, st);
      g_assert_cmpuint (st[0].missed + st[1].missed, ==, 0);
      g_assert_cmpfloat_with_epsilon (st[0].goodput_rps, 55500, 1e-6);
      g_assert_cmpfloat_with_epsilon (st[1].goodput_rps, 55500, 1e-6);
      g_assert_cmpfloat_with_epsilon (st[0].fairness_jain, 1.0, 1e-12);
      TsTime la = ts_time_from_ms (st[0].lat_max_ms), lb = ts_time_from_ms (st[1].lat_max_ms);
      g_assert_true ((la == 10000 && lb == 17000) || (la == 17000 && lb == 10000));
    }
}

/* The routers run on a backend without DLAs too: everything on the GPU. */
static void
test_no_dla (void)
{
  g_autoptr (TsScenario) s = load ("dla/two-apps.cfg");
  s->profile->dla.count = 0;
  g_autoptr (TsRunResult) r = run (s, "priority-score");
  g_autoptr (TsRunResult) g = run (s, "gpu-only");
  TsStats a, b;
  ts_stats_total (s, r, -1, &a);
  ts_stats_total (s, g, -1, &b);
  g_assert_cmpuint (a.missed, ==, b.missed);
  g_assert_cmpuint (a.missed, ==, 107 + 112);
}

/* three-apps.cfg with every application spread (map 2 + 2 x 3 + 2 x 9 in base 3): at each
 * release a, b, c in turn go where their solo time after the work outstanding there is least:
 * a to the GPU (0 + 10 < 0 + 17 us), b to the DLA (10 + 10 > 0 + 17), c to the GPU (20 + 10 <
 * 17 + 17).  c's kernel waits for a's (each fills the GPU): latencies a 10, b 17, c 20 us, every
 * 40 us period alike (all done by then). */
static void
test_spread (void)
{
  g_autoptr (TsScenario) s = load ("dla/three-apps.cfg");
  TsParamValue pv = { (char *) "hetero-fixed", (char *) "map", 2 + 2 * 3 + 2 * 9 };
  g_array_append_val (s->params, pv);
  g_autoptr (GError) error = NULL;
  g_autoptr (TsRunResult) r = ts_run (s, ts_hetero_fixed_policy (), &error);
  g_assert_no_error (error);
  g_array_set_size (s->params, s->params->len - 1);  /* the scenario frees its own entries only */
  assert_latencies (r, 0, 10000, 10000);
  assert_latencies (r, 1, 17000, 17000);
  assert_latencies (r, 2, 20000, 20000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hetero/round-robin", test_round_robin);
  g_test_add_func ("/hetero/gpu-only-metrics", test_gpu_only_metrics);
  g_test_add_func ("/hetero/priority-score", test_priority_score);
  g_test_add_func ("/hetero/no-dla", test_no_dla);
  g_test_add_func ("/hetero/spread", test_spread);
  return g_test_run ();
}
