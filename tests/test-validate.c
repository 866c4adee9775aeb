/* The comparison behind `tiersim validate` (sim/out/validate.h), on runs whose differences are known:
 * the same scenario simulated with and without a launch latency stands in for real and sim. */
#include "config.h"

#include <math.h>

#include "policies/registry.h"
#include "sim/out/validate.h"
#include "tests/testutil.h"
#include "sim/load/load.h"

static void
test_diff (void)
{
  g_assert_cmpfloat_with_epsilon (ts_validation_diff_pct (10, 11), 10.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (ts_validation_diff_pct (4, 3), -25.0, 1e-12);
  g_assert_cmpfloat (ts_validation_diff_pct (0, 0), ==, 0.0);
  g_assert_true (isnan (ts_validation_diff_pct (0, 1)));
  g_assert_true (isnan (ts_validation_diff_pct (NAN, 1)));
  g_assert_true (isnan (ts_validation_diff_pct (1, NAN)));

  TsValidationRow row = { .policy = "p" };
  row.real.lat_mean_ms = 10, row.sim.lat_mean_ms = 10.9;       /* +9% */
  row.real.lat_p99_ms = 20, row.sim.lat_p99_ms = 18.2;         /* -9% */
  row.real.throughput_rps = 100, row.sim.throughput_rps = 100;
  g_assert_true (ts_validation_within (&row, 0.10));
  g_assert_false (ts_validation_within (&row, 0.05));
  row.sim.lat_p99_ms = 22.2;                                    /* +11% */
  g_assert_false (ts_validation_within (&row, 0.10));
  row.sim.lat_p99_ms = 20;
  row.real.throughput_rps = 0, row.sim.throughput_rps = 1;     /* no relative difference */
  g_assert_false (ts_validation_within (&row, 0.10));
}

/* tests/data/hand.cfg under seq on test4 (one job at a time on one stream): the BE job's two 2-ms
 * kernels, launched together, run back to back from the launch latency L on and end at 4 ms + L;
 * the RT job (0.5 ms, released at 0.5 ms) is launched then, pays L, and ends at 4.5 ms + 2L.
 * Latencies: BE 4 ms + L, RT 4 ms + 2L.  Both jobs finish within the 10-ms duration (100 req/s
 * each), and the RT job misses its 1.5-ms deadline either way.  "Real" has L = 100 us, "sim"
 * L = 0: BE 4.1 vs 4.0 ms (-2.439%), RT 4.2 vs 4.0 ms (-4.762%). */
static void
test_compare (void)
{
  g_autofree char *path = tu_data ("hand.cfg");
  g_autoptr (GError) error = NULL;
  const TsOverride lat[] = { { "profile.timing.launch_latency_us", "100.0", "test" }, { NULL } };
  g_autoptr (TsScenario) scn_real = ts_scenario_load_with (path, lat, &error);
  g_assert_no_error (error);
  g_autoptr (TsScenario) scn = ts_scenario_load (path, &error);
  g_assert_no_error (error);
  const TsPolicyClass *seq = ts_policy_lookup ("seq", NULL);
  g_autoptr (TsRunResult) real = ts_run (scn_real, seq, &error);
  g_assert_no_error (error);
  g_autoptr (TsRunResult) sim = ts_run (scn, seq, &error);
  g_assert_no_error (error);

  g_autoptr (GArray) rows = ts_validation_compare (scn, &real, &sim, 1);
  g_assert_cmpuint (rows->len, ==, 2);
  const double real_ms[] = { 4.1, 4.2 };
  for (guint i = 0; i < 2; i++)
    {
      const double want = 100.0 * (4.0 - real_ms[i]) / real_ms[i];
      const TsValidationRow *r = &g_array_index (rows, TsValidationRow, i);
      g_assert_cmpstr (r->policy, ==, "seq");
      g_assert_cmpuint (r->task, ==, i);
      g_assert_cmpfloat_with_epsilon (r->real.lat_mean_ms, real_ms[i], 1e-9);
      g_assert_cmpfloat_with_epsilon (r->sim.lat_p99_ms, 4.0, 1e-9);
      g_assert_cmpfloat_with_epsilon (ts_validation_diff_pct (r->real.lat_mean_ms, r->sim.lat_mean_ms), want, 1e-9);
      g_assert_cmpfloat_with_epsilon (r->real.throughput_rps, 100.0, 1e-9);
      g_assert_cmpfloat_with_epsilon (r->sim.throughput_rps, 100.0, 1e-9);
      g_assert_true (ts_validation_within (r, TS_VALIDATION_TOLERANCE));
    }

  g_autoptr (GString) csv = ts_validation_csv (scn, rows);
  g_auto (GStrv) lines = g_strsplit (csv->str, "\n", -1);
  g_assert_cmpstr (lines[0], ==, TS_VALIDATION_COLUMNS);
  /* be row: 1 job each; mean/p50/p90/p99 4.1 vs 4.0 (-2.44%); no deadline (empty dmr cells);
   * 100 req/s both (0.00%); within target. */
  g_assert_cmpstr (lines[1], ==, "seq,be,be,1,1,"
                   "4.100000,4.000000,-2.44,4.100000,4.000000,-2.44,4.100000,4.000000,-2.44,4.100000,4.000000,-2.44,"
                   ",,,100.000000,100.000000,0.00,1");
  /* rt row: 4.2 vs 4.0 ms (-4.76%); the deadline is missed in both: dmr 1 vs 1, 0 percentage points. */
  g_assert_true (g_str_has_prefix (lines[2], "seq,rt,rt,1,1,4.200000,4.000000,-4.76,"));
  g_assert_true (g_str_has_suffix (lines[2], ",1.000000,1.000000,0.00,100.000000,100.000000,0.00,1"));
  g_assert_cmpstr (lines[3], ==, "");

  /* The printed table names both rows and counts them as within the target. */
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&text, &len);
  ts_validation_print (out, scn, rows);
  fclose (out);
  g_assert_nonnull (strstr (text, "4.1/4 (-2.4%)"));
  g_assert_nonnull (strstr (text, "4.2/4 (-4.8%)"));
  g_assert_nonnull (strstr (text, "2 of 2 rows"));
  free (text);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/validate/diff", test_diff);
  g_test_add_func ("/validate/compare", test_compare);
  return g_test_run ();
}
