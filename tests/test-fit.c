/* Calibration fitting (calib/fit.c) on synthetic measurements whose true parameters are known:
 * each expectation below is worked out by hand in the comment above it. */
#include "config.h"

#include <string.h>

#include "calib/fit.h"
#include "tests/testutil.h"

/* 1..100 ns in scrambled order: nearest rank gives the 50th value as the median and the 99th as
 * the 99th percentile. */
static void
test_dist (void)
{
  TsTime s[100];
  for (guint i = 0; i < 100; i++)
    s[i] = (TsTime) ((i * 37) % 100 + 1);  /* 37 is coprime to 100: a permutation of 1..100 */
  TsDist d = ts_fit_dist (s, 100);
  g_assert_cmpint (d.p50, ==, 50);
  g_assert_cmpint (d.p99, ==, 99);
  TsTime one[] = { 7 };
  d = ts_fit_dist (one, 1);
  g_assert_cmpint (d.p50, ==, 7);
  g_assert_cmpint (d.p99, ==, 7);
}

/* y = 2 + 0.5 x at x = 0..3 plus residuals (+1, -1, -1, +1), which sum to zero and are orthogonal
 * to x, so least squares recovers a = 2, b = 0.5 exactly.  Sxx = 5, Sxy = b Sxx = 2.5,
 * Syy = b^2 Sxx + 4 = 5.25, so r^2 = 2.5^2 / (5 * 5.25) = 5/21. */
static void
test_line (void)
{
  const double x[] = { 0, 1, 2, 3 }, y[] = { 3, 1.5, 2, 4.5 };
  double a, b, r2;
  g_assert_true (ts_fit_line (x, y, 4, &a, &b, &r2));
  g_assert_cmpfloat_with_epsilon (a, 2.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (b, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (r2, 5.0 / 21.0, 1e-12);
  const double x2[] = { 1, 1, 1 }, y2[] = { 1, 2, 3 };
  g_assert_false (ts_fit_line (x2, y2, 3, &a, &b, &r2));
}

#define REC(k, b, s, t0, t1) { .kernel = k, .block = b, .sm = s, .start = t0, .end = t1 }

/* 4 SMs, 2 slots each.  Kernel 0 puts one block on each SM at t = 0 (both rules agree: SM0..SM3);
 * those on SM0 and SM1 end at t = 5, the others at t = 1000.  At t = 10 the residents are
 * [0, 0, 1, 1] and the last placement was SM3.  Kernel 1's four blocks then go
 *   most-free (lowest id among the fewest): SM0 [1,0,1,1], SM1 [1,1,1,1], SM0 [2,1,1,1], SM1;
 *   round-robin (first with room after the last): SM0, SM1, SM2, SM3. */
static const TsBlockRecord kernel0[] = {
  REC (0, 0, 0, 0, 5), REC (0, 1, 1, 0, 5), REC (0, 2, 2, 0, 1000), REC (0, 3, 3, 0, 1000),
};

static void
test_placement (void)
{
  TsBlockRecord mf[8], rr[8];
  const guint mf_sm[] = { 0, 1, 0, 1 }, rr_sm[] = { 0, 1, 2, 3 };
  for (guint i = 0; i < 4; i++)
    {
      mf[i] = rr[i] = kernel0[i];
      mf[4 + i] = (TsBlockRecord) REC (1, i, mf_sm[i], 10, 110);
      rr[4 + i] = (TsBlockRecord) REC (1, i, rr_sm[i], 10, 110);
    }
  TsPlacementFit fit;
  g_autoptr (GError) error = NULL;

  /* Most-free's placements judged by round-robin: kernel 0 agrees (4); kernel 1's SM0 and SM1
   * agree; its third block (SM0) does not, since after SM1 the next with room is SM2; its fourth
   * (SM1) does, since after SM0 the next with room is SM1: 7 of 8. */
  g_assert_true (ts_fit_placement (mf, 8, 4, 2, &fit, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fit.blocks, ==, 8);
  g_assert_cmpfloat (fit.most_free, ==, 1.0);
  g_assert_cmpfloat (fit.round_robin, ==, 7.0 / 8.0);
  g_assert_cmpint (fit.rule, ==, TS_PLACE_MOST_FREE);

  /* Round-robin's placements judged by most-free: the third block (SM2) should have gone to SM0
   * (all at 1, lowest id) and the fourth (SM3) to SM0 as well (residents [1,1,2,1]): 6 of 8. */
  g_assert_true (ts_fit_placement (rr, 8, 4, 2, &fit, &error));
  g_assert_cmpfloat (fit.round_robin, ==, 1.0);
  g_assert_cmpfloat (fit.most_free, ==, 6.0 / 8.0);
  g_assert_cmpint (fit.rule, ==, TS_PLACE_ROUND_ROBIN);

  /* A block starting when another ends on a full SM takes the freed slot: one slot per SM, 1 SM,
   * two back-to-back blocks, both judged. */
  const TsBlockRecord chain[] = { REC (0, 0, 0, 0, 10), REC (0, 1, 0, 10, 20) };
  g_assert_true (ts_fit_placement (chain, 2, 1, 1, &fit, &error));
  g_assert_cmpuint (fit.blocks, ==, 2);

  /* Bad records are errors, not crashes. */
  const TsBlockRecord bad_sm[] = { REC (0, 0, 4, 0, 10) }, bad_t[] = { REC (0, 0, 0, 10, 10) };
  g_assert_false (ts_fit_placement (bad_sm, 1, 4, 2, &fit, &error));
  g_assert_error (error, TS_ERROR, TS_ERROR_INPUT);
  g_clear_error (&error);
  g_assert_false (ts_fit_placement (bad_t, 1, 4, 2, &fit, &error));
  g_assert_error (error, TS_ERROR, TS_ERROR_INPUT);
}

/* Kernel 0: 8 blocks on 4 SMs with one slot, 100 ns each: waves start at 0 and 100, so its last
 * block starts at 100.  Under head-of-level kernel 1 starts at 200; under any-fit two of its
 * blocks start at 50.  A kernel-1 block at 97 is early only without the 5 ns tolerance. */
static void
test_dispatch (void)
{
  TsBlockRecord r[12];
  for (guint i = 0; i < 8; i++)
    r[i] = (TsBlockRecord) REC (0, i, i % 4, (i / 4) * 100, (i / 4) * 100 + 100);
  for (guint i = 0; i < 4; i++)
    r[8 + i] = (TsBlockRecord) REC (1, i, i, 200, 300);
  TsDispatchRule rule;
  guint early;
  g_autoptr (GError) error = NULL;
  g_assert_true (ts_fit_dispatch (r, 12, 5, &rule, &early, &error));
  g_assert_cmpint (rule, ==, TS_DISPATCH_HEAD_OF_LEVEL);
  g_assert_cmpuint (early, ==, 0);

  r[8].start = r[9].start = 50;
  g_assert_true (ts_fit_dispatch (r, 12, 5, &rule, &early, &error));
  g_assert_cmpint (rule, ==, TS_DISPATCH_ANY_FIT);
  g_assert_cmpuint (early, ==, 2);

  r[8].start = r[9].start = 200;
  r[10].start = 97;
  g_assert_true (ts_fit_dispatch (r, 12, 5, &rule, &early, &error));
  g_assert_cmpint (rule, ==, TS_DISPATCH_HEAD_OF_LEVEL);
  g_assert_true (ts_fit_dispatch (r, 12, 0, &rule, &early, &error));
  g_assert_cmpuint (early, ==, 1);

  g_assert_false (ts_fit_dispatch (r, 8, 5, &rule, &early, &error));  /* kernel 1 missing */
  g_assert_error (error, TS_ERROR, TS_ERROR_INPUT);
}

/* A block polling the timer every 10 ns, descheduled once for 500 ns: intervals are 10 except
 * one of 500; the median interval is 10, so with factor 5 exactly one gap. */
static void
test_gaps (void)
{
  TsTime s[101], t = 0, longest;
  for (guint i = 0; i < 101; i++)
    {
      s[i] = t;
      t += i == 60 ? 500 : 10;
    }
  g_assert_cmpuint (ts_fit_gaps (s, 101, 5.0, &longest), ==, 1);
  g_assert_cmpint (longest, ==, 500);
  for (guint i = 61; i < 101; i++)  /* shrink the gap to 50 = 5 x the median: not over it */
    s[i] -= 450;
  g_assert_cmpuint (ts_fit_gaps (s, 101, 5.0, &longest), ==, 0);
  g_assert_cmpint (longest, ==, 50);
  g_assert_cmpuint (ts_fit_gaps (s, 101, 4.9, &longest), ==, 1);
  for (guint i = 0; i < 101; i++)
    s[i] = 10 * (TsTime) i;
  g_assert_cmpuint (ts_fit_gaps (s, 101, 5.0, &longest), ==, 0);
  g_assert_cmpint (longest, ==, 10);
  g_assert_cmpuint (ts_fit_gaps (s, 1, 5.0, &longest), ==, 0);
  g_assert_cmpint (longest, ==, 0);
}

/* 8 hardware connections: 1..8 streams overlap (makespan within 5% of one kernel), the 9th
 * stream shares a connection and doubles the makespan. */
static void
test_connections (void)
{
  double m[12];
  for (guint i = 0; i < 12; i++)
    m[i] = i < 8 ? 1.0 + 0.005 * i : 2.0;
  g_assert_cmpuint (ts_fit_connections (m, 12, 0.10), ==, 8);
  g_assert_cmpuint (ts_fit_connections (m, 8, 0.10), ==, 8);   /* never breaks: all of them */
  g_assert_cmpuint (ts_fit_connections (m, 12, 0.01), ==, 3);  /* 1.015 > 1.01 */
}

/* Two SMs with ids 0 and 7 (%smid need not be dense), two blocks each, all resident at once:
 * entries 0..3 ns, exits 100..103, so the wave spans 0 to 103. */
static void
test_wave (void)
{
  TsBlockRecord r[] = { REC (0, 0, 0, 0, 100), REC (0, 1, 7, 1, 101), REC (0, 2, 0, 2, 102), REC (0, 3, 7, 3, 103) };
  TsWave w;
  g_assert_true (ts_fit_wave (r, 4, 2, 2, &w));
  g_assert_cmpint (w.start, ==, 0);
  g_assert_cmpint (w.end, ==, 103);
  g_assert_cmpuint (w.sms_used, ==, 2);
  g_assert_cmpuint (w.min_per_sm, ==, 2);
  g_assert_cmpuint (w.max_per_sm, ==, 2);
  g_assert_true (w.one_wave);
  g_assert_false (ts_fit_wave (r, 4, 3, 2, &w));  /* a third SM got nothing */
  g_assert_false (ts_fit_wave (r, 4, 2, 1, &w));  /* two per SM, not one */

  /* Uneven: three blocks on SM 0, one on SM 7. */
  r[1].sm = 0;
  g_assert_false (ts_fit_wave (r, 4, 2, 2, &w));
  g_assert_cmpuint (w.min_per_sm, ==, 1);
  g_assert_cmpuint (w.max_per_sm, ==, 3);
  g_assert_true (w.one_wave);

  /* Even, but block 3 enters at 100, when block 0 has exited: a second wave. */
  r[1].sm = 7;
  r[3].start = 100;
  g_assert_false (ts_fit_wave (r, 4, 2, 2, &w));
  g_assert_false (w.one_wave);
}

/* Processor sharing with L(1) = 100 us and a block demand d = 1/4: L(k) = 100 max(1, k / 4) us, so
 * 100 at k = 1..4, then 125, 150, 175, 200 at k = 5..8.  Each level has five samples, L + 40,
 * L, L - 40, 3 L and 0.9 L, whose sorted order is 0.9 L, L - 40, L, L + 40, 3 L: the nearest-rank
 * median (the 3rd of 5) is L exactly, so the curve is recovered exactly, outliers and all. */
static void
test_occupancy (void)
{
  const guint levels = 8, n = 5;
  TsTime s[8 * 5];
  double want[8], curve[8];
  for (guint k = 1; k <= levels; k++)
    {
      TsTime L = 100000 * MAX (4, k) / 4;  /* ns */
      want[k - 1] = (double) L;
      const TsTime row[] = { L + 40, L, L - 40, 3 * L, L * 9 / 10 };
      memcpy (s + (k - 1) * n, row, sizeof row);
    }
  g_autoptr (GError) error = NULL;
  g_assert_true (ts_fit_occupancy (s, levels, n, curve, &error));
  g_assert_no_error (error);
  for (guint k = 0; k < levels; k++)
    g_assert_cmpfloat (curve[k], ==, want[k]);

  /* Broken measurements: a level at 40 us, under half of L(1) = 100 us; a zero latency. */
  TsTime bad[] = { 100000, 40000 };
  g_assert_false (ts_fit_occupancy (bad, 2, 1, curve, &error));
  g_assert_error (error, TS_ERROR, TS_ERROR_RUN);
  g_clear_error (&error);
  TsTime zero[] = { 0 };
  g_assert_false (ts_fit_occupancy (zero, 1, 1, curve, &error));
  g_assert_error (error, TS_ERROR, TS_ERROR_RUN);
}

/* Alone {102, 98, 100} has median 100, beside {151, 150, 149} median 150: a slowdown of 1.5.
 * Beside {40, 39, 41} (median 40) would make it 0.4, below the 0.5 a profile accepts. */
static void
test_slowdown (void)
{
  TsTime alone[] = { 102, 98, 100 }, beside[] = { 151, 150, 149 }, fast[] = { 40, 39, 41 };
  double s;
  g_autoptr (GError) error = NULL;
  g_assert_true (ts_fit_slowdown (alone, beside, 3, &s, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (s, ==, 1.5);
  g_assert_false (ts_fit_slowdown (alone, fast, 3, &s, &error));
  g_assert_error (error, TS_ERROR, TS_ERROR_RUN);
  g_assert_cmpfloat (s, ==, 0.4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fit/dist", test_dist);
  g_test_add_func ("/fit/line", test_line);
  g_test_add_func ("/fit/placement", test_placement);
  g_test_add_func ("/fit/dispatch", test_dispatch);
  g_test_add_func ("/fit/gaps", test_gaps);
  g_test_add_func ("/fit/connections", test_connections);
  g_test_add_func ("/fit/wave", test_wave);
  g_test_add_func ("/fit/occupancy", test_occupancy);
  g_test_add_func ("/fit/slowdown", test_slowdown);
  return g_test_run ();
}
