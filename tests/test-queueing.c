/* Queueing: the simulator against the Pollaczek-Khinchine formula for M/D/1. */
#include "config.h"

#include <math.h>

#include "policies/registry.h"
#include "tests/testutil.h"
#include "sim/load/load.h"

/* md1.cfg: Poisson arrivals at λ to a client whose requests are one single-wave kernel of
 * D = 1 ms on test4 (no launch latency), under seq: a FIFO single server with deterministic
 * service, i.e. M/D/1.  Pollaczek-Khinchine: Wq = λ E[S²] / (2 (1 - ρ)) = ρ D / (2 (1 - ρ)).
 *   ρ = 0.5 (λ = 500/s): Wq = 0.5 ms.     ρ = 0.7 (λ = 700/s): Wq = 7/6 ms ≈ 1.1667 ms.
 * Waiting time = latency - D.  400 s of arrivals (200000 and 280000 jobs); the test asks for
 * agreement within 3%. */
static void
check_md1 (double rate, double wq_ms)
{
  g_autofree char *path = tu_data ("md1.cfg");
  g_autoptr (GError) error = NULL;
  g_autoptr (TsScenario) scn = ts_scenario_load (path, &error);
  g_assert_no_error (error);
  scn->tasks[0].arrival.rate = rate;
  g_autoptr (TsRunResult) res = ts_run (scn, ts_policy_lookup ("seq", NULL), &error);
  g_assert_no_error (error);
  double wait_sum = 0;
  guint n = 0;
  for (guint i = 0; i < res->jobs->len; i++)
    {
      const TsJob *j = res->jobs->pdata[i];
      g_assert_cmpint (j->finish, >, 0);
      wait_sum += ts_time_to_ms (j->finish - j->release) - 1.0;
      n++;
    }
  double wq = wait_sum / n;
  g_test_message ("rate %.0f/s: %u jobs, mean wait %.4f ms, P-K %.4f ms (%.2f%%)", rate, n, wq, wq_ms,
                  100 * (wq - wq_ms) / wq_ms);
  g_assert_cmpfloat (fabs (n - rate * 400) / (rate * 400), <, 0.01);
  g_assert_cmpfloat (fabs (wq - wq_ms) / wq_ms, <, 0.03);
}

static void test_md1_rho50 (void) { check_md1 (500.0, 0.5); }
static void test_md1_rho70 (void) { check_md1 (700.0, 0.7 / (2 * 0.3)); }

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/queueing/md1-rho-0.5", test_md1_rho50);
  g_test_add_func ("/queueing/md1-rho-0.7", test_md1_rho70);
  return g_test_run ();
}
