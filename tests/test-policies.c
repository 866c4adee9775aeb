/* Baseline policies on a schedule worked out by hand (tests/data/hand.cfg, GPU test4: 4 SMs,
 * 2 blocks of 512 threads per SM, so 8 per wave; no launch latency).
 *
 * BE: one job at 0 of model be2 = kernels K1, K2, each 16 blocks = 2 waves of 1 ms (2 ms).
 * RT: one job at 0.5 ms of model rt1 = one kernel of 2 blocks, 0.5 ms.  Deadline 1.5 ms.
 *
 * rt-only       BE removed: RT runs at once, 0.5 -> 1.0 ms: latency 0.5 ms.
 * seq           RT waits for the whole BE job (0 -> 4 ms), then runs 4.0 -> 4.5: latency 4.0 ms,
 *               missed.  BE finishes at 4.0.
 * streams       K1 takes all 8 slots at 0 and its second wave at 1 ms (fully dispatched then);
 *               RT, eligible at 0.5 behind K1, has no slot until K1 ends at 2 ms.  K2 becomes
 *               eligible at 2 ms, behind RT: RT takes 2 slots (SM0, SM1), K2 the other 6.
 *               RT: 2.0 -> 2.5, latency 2.0 ms, missed.  K2 places 2 more at 2.5, 6 at 3.0
 *               and its last 2 at 3.5, which end at 4.5: BE latency 4.5 ms.
 * streams-prio  RT on the high tier takes the first freed slots at 1 ms, ahead of K1's second
 *               wave: 1.0 -> 1.5, latency 1.0 ms, met.  K1 places 6 blocks at 1 ms and its last
 *               2 at 1.5 (ending 2.5); K2 runs 2.5 -> 4.5: BE latency 4.5 ms. */
#include "config.h"

#include "policies/policy.h"
#include "sim/metrics.h"
#include "tests/testutil.h"

static void
expect (const char *policy, double rt_ms, gboolean rt_missed, double be_ms)
{
  g_autofree char *path = tu_data ("hand.cfg");
  g_autoptr (GError) error = NULL;
  g_autoptr (TsScenario) scn = ts_scenario_load (path, &error);
  g_assert_no_error (error);
  g_autoptr (TsRunResult) res = ts_run (scn, ts_policy_lookup (policy, NULL), &error);
  g_assert_no_error (error);
  gboolean saw_be = FALSE;
  for (guint i = 0; i < res->jobs->len; i++)
    {
      const TsJob *j = res->jobs->pdata[i];
      double lat = ts_time_to_ms (j->finish - j->release);
      if (scn->tasks[j->task].cls == TS_CLASS_RT)
        {
          g_assert_cmpfloat_with_epsilon (lat, rt_ms, 1e-9);
          g_assert_cmpint (ts_job_missed (j), ==, rt_missed);
          g_assert_cmpfloat (j->accuracy, ==, rt_missed ? 0.0 : 0.9);  /* rt1's accuracy */
        }
      else
        {
          g_assert_cmpfloat_with_epsilon (lat, be_ms, 1e-9);
          saw_be = TRUE;
        }
    }
  g_assert_cmpint (saw_be, ==, be_ms > 0);
}

static void test_rt_only (void) { expect ("rt-only", 0.5, FALSE, 0); }
static void test_seq (void) { expect ("seq", 4.0, TRUE, 4.0); }
static void test_streams (void) { expect ("streams", 2.0, TRUE, 4.5); }
static void test_streams_prio (void) { expect ("streams-prio", 1.0, FALSE, 4.5); }

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/policy/rt-only", test_rt_only);
  g_test_add_func ("/policy/seq", test_seq);
  g_test_add_func ("/policy/streams", test_streams);
  g_test_add_func ("/policy/streams-prio", test_streams_prio);
  return g_test_run ();
}
