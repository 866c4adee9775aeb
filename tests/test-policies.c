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
/* Preemptive policies (tests/data/hand-preempt.cfg, test4 with zero preemption costs, BE window
 * 2).  BE: one job at 0 of be8 = K1, K2, each one full wave of 8 blocks, 1 ms.  RT: one job at
 * 0.5 ms of rt2 = one kernel of 2 blocks (SM0, SM1), 2 ms.  K1 runs 0-1; K2 waits in the device
 * queue.
 *
 * reset   At 0.5 K2 is evicted and K1's 8 blocks killed (0.5 ms each: 8 x 0.5 / 8 = 0.5 GPU-ms
 *         wasted).  REEF's rewind: 2 submitted - 0 dropped - window 2 = 0 known complete.  RT
 *         runs 0.5-2.5 (latency 2.0, met).  BE restarts at 2.5: K1 2.5-3.5, K2 3.5-4.5 (4.5).
 * reef    The same reset; the RT kernel leaves SM2 and SM3 free and lasts 2 ms, so K1's 1 ms
 *         blocks pad it: 2 SMs x 2 per SM x 2 waves = 8 blocks, all of K1, on SM2 and SM3 from
 *         0.5 to 1.5 and 1.5 to 2.5.  RT still 0.5-2.5; BE resumes at 2.5 with K2: 2.5-3.5 (3.5).
 * wait    Drain at 0.5: K1 has no undispatched block and runs to 1.0; K2's blocks then exit at
 *         entry, and the drain ends at 1.0 (latency 0.5).  RT runs 1.0-3.0 (2.5, missed).  BE
 *         resumes with K2, the first unfinished kernel: 3.0-4.0 (4.0).
 * reef-n  The same drain, but RT is launched at 0.5 on the high tier; it gets its slots when K1
 *         ends at 1.0: 1.0-3.0 (2.5, missed).  BE resumes at 3.0 with K2: 4.0. */
#include "config.h"

#include <unistd.h>

#include <glib/gstdio.h>

#include "policies/registry.h"
#include "sim/metrics.h"
#include "tests/testutil.h"
#include "sim/load/load.h"

static void
expect_in (const char *file, const char *policy, double rt_ms, gboolean rt_missed, double be_ms,
           double rt_accuracy, guint be_preemptions, double wasted_ms)
{
  g_autofree char *path = tu_data (file);
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
          g_assert_cmpfloat (j->accuracy, ==, rt_missed ? 0.0 : rt_accuracy);
        }
      else
        {
          g_assert_cmpfloat_with_epsilon (lat, be_ms, 1e-9);
          g_assert_cmpuint (j->preemptions, ==, be_preemptions);
          saw_be = TRUE;
        }
    }
  g_assert_cmpint (saw_be, ==, be_ms > 0);
  TsStats st;
  ts_stats_total (scn, res, -1, &st);
  g_assert_cmpfloat_with_epsilon (st.wasted_gpu_ms, wasted_ms, 1e-9);
}

/* hand.cfg: rt1's accuracy is 0.9; nothing preempts. */
static void
expect (const char *policy, double rt_ms, gboolean rt_missed, double be_ms)
{
  expect_in ("hand.cfg", policy, rt_ms, rt_missed, be_ms, 0.9, 0, 0.0);
}

static void test_reset (void) { expect_in ("hand-preempt.cfg", "reset", 2.0, FALSE, 4.5, 1.0, 1, 0.5); }
static void test_reef (void) { expect_in ("hand-preempt.cfg", "reef", 2.0, FALSE, 3.5, 1.0, 1, 0.5); }
static void test_wait (void) { expect_in ("hand-preempt.cfg", "wait", 2.5, TRUE, 4.0, 1.0, 1, 0.0); }
static void test_reef_n (void) { expect_in ("hand-preempt.cfg", "reef-n", 2.5, TRUE, 4.0, 1.0, 1, 0.0); }

static void test_rt_only (void) { expect ("rt-only", 0.5, FALSE, 0); }

/* tests/data/hand-serial.cfg: RT clients a and b each release one rt1 job (2 blocks, 0.5 ms) at
 * 0, and the BE client is removed.  rt-only runs both at once (4 of 8 slots): 0.5 ms each, both
 * within their 0.75 ms deadline.  rt-only-serial serves a (the lower task index) first, 0-0.5,
 * then b, 0.5-1.0: latency 1.0 ms, missed. */
static void
test_rt_only_serial (void)
{
  g_autofree char *path = tu_data ("hand-serial.cfg");
  g_autoptr (GError) error = NULL;
  g_autoptr (TsScenario) scn = ts_scenario_load (path, &error);
  g_assert_no_error (error);
  static const struct { const char *policy; double a_ms, b_ms; } cases[] = {
    { "rt-only", 0.5, 0.5 }, { "rt-only-serial", 0.5, 1.0 },
  };
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (TsRunResult) res = ts_run (scn, ts_policy_lookup (cases[c].policy, NULL), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (res->jobs->len, ==, 2);  /* the BE job was never released */
      for (guint i = 0; i < 2; i++)
        {
          const TsJob *j = res->jobs->pdata[i];
          double want = j->task == 0 ? cases[c].a_ms : cases[c].b_ms;
          g_assert_cmpfloat_with_epsilon (ts_time_to_ms (j->finish - j->release), want, 1e-9);
          g_assert_cmpint (ts_job_missed (j), ==, want > 0.75);
        }
    }
}
static void test_seq (void) { expect ("seq", 4.0, TRUE, 4.0); }
static void test_streams (void) { expect ("streams", 2.0, TRUE, 4.5); }
static void test_streams_prio (void) { expect ("streams-prio", 1.0, FALSE, 4.5); }

/* Every policy on random scenarios (test4, the test models, random arrivals and classes): the
 * run completes (ts_run fails a run that leaves an issued job unfinished), and no job finishes
 * faster than its model alone on the GPU: its kernels run in order, each at least as long as
 * alone, and padding or preemption cannot make a block faster. */
static void
test_random_scenarios (void)
{
  static const char *const models[] = { "rt1", "rt2", "be2", "be8", "single" };
  GRand *rng = g_rand_new_with_seed (99);
  const TsPolicyClass *const *all = ts_policy_all ();
  guint checked = 0, runs = 0;
  for (guint trial = 0; trial < 12; trial++)
    {
      g_autoptr (GString) cfg = g_string_new ("duration = 0.2;\nprofile = \"profiles/test4.cfg\";\npolicies = [ \"seq\" ];\ntasks = (\n");
      guint n = g_rand_int_range (rng, 1, 6);
      for (guint t = 0; t < n; t++)
        {
          gboolean rt = g_rand_boolean (rng);
          const char *model = models[g_rand_int_range (rng, 0, G_N_ELEMENTS (models))];
          static const char *const busy[] = { "queue", "skip", "latest" };
          g_string_append_printf (cfg, "  { name = \"t%u\"; model = \"models/%s.cfg\"; class = \"%s\"; %s on_busy = \"%s\";\n",
                                  t, model, rt ? "rt" : "be", rt ? "deadline_ms = 3.0;" : "", busy[g_rand_int_range (rng, 0, 3)]);
          switch (g_rand_int_range (rng, 0, 3))
            {
            case 0:
              g_string_append_printf (cfg, "    arrival = { type = \"periodic\"; period_ms = %.3f; offset_ms = %.3f; }; }",
                                      g_rand_double_range (rng, 0.5, 10), g_rand_double_range (rng, 0, 2));
              break;
            case 1:
              g_string_append_printf (cfg, "    arrival = { type = \"poisson\"; rate = %.1f; }; }", g_rand_double_range (rng, 50, 800));
              break;
            default:
              g_string_append_printf (cfg, "    arrival = { type = \"closed\"; think_ms = %.3f; }; }", g_rand_double_range (rng, 0, 1));
            }
          g_string_append (cfg, t + 1 < n ? ",\n" : "\n);\n");
        }
      g_autofree char *dir = tu_data (".");
      /* written beside the test data so that its relative references resolve */
      g_autofree char *file = g_strdup_printf ("%s/random-%u-%d.cfg", dir, trial, (int) getpid ());
      g_assert_true (g_file_set_contents (file, cfg->str, -1, NULL));
      g_autoptr (GError) error = NULL;
      g_autoptr (TsScenario) scn = ts_scenario_load (file, &error);
      g_unlink (file);
      g_assert_no_error (error);
      for (guint p = 0; all[p]; p++)
        {
          g_autoptr (TsRunResult) res = ts_run (scn, all[p], &error);
          g_assert_no_error (error);
          runs++;
          for (guint i = 0; i < res->jobs->len; i++)
            {
              const TsJob *j = res->jobs->pdata[i];
              if (j->dropped)
                continue;
              g_assert_cmpint (j->finish - j->release, >=, scn->tasks[j->task].model->solo);
              checked++;
            }
        }
    }
  g_test_message ("%u jobs checked over %u runs", checked, runs);
  g_assert_cmpuint (checked, >, 10000);
  g_rand_free (rng);
}

/* Every policy on every shipped DISB scenario (REEF's real kernel shapes) and on Pantheon's
 * applications (models with exits) for 3 s: each run completes, and no job beats the solo latency
 * of the variant it ran (the full model unless the policy chose an exit). */
static void
test_shipped_smoke (void)
{
  static const char *const names[] = { "disb-a", "disb-b", "disb-c", "disb-d", "disb-e", "disb-real",
                                       "robot", "uav", "indoor-traffic" };
  const TsPolicyClass *const *all = ts_policy_all ();
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (TsScenario) scn = ts_scenario_load (names[i], &error);
      g_assert_no_error (error);
      scn->duration = 3 * TS_NS_PER_S;
      for (guint p = 0; all[p]; p++)
        {
          g_autoptr (TsRunResult) res = ts_run (scn, all[p], &error);
          if (error != NULL)
            g_error ("%s under %s: %s", names[i], all[p]->name, error->message);
          tu_assert_no_job_beats_solo (names[i], scn, res);
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/policy/rt-only", test_rt_only);
  g_test_add_func ("/policy/rt-only-serial", test_rt_only_serial);
  g_test_add_func ("/policy/seq", test_seq);
  g_test_add_func ("/policy/streams", test_streams);
  g_test_add_func ("/policy/streams-prio", test_streams_prio);
  g_test_add_func ("/policy/reset", test_reset);
  g_test_add_func ("/policy/reef", test_reef);
  g_test_add_func ("/policy/wait", test_wait);
  g_test_add_func ("/policy/reef-n", test_reef_n);
  g_test_add_func ("/policy/random-scenarios", test_random_scenarios);
  g_test_add_func ("/policy/shipped-smoke", test_shipped_smoke);
  return g_test_run ();
}
