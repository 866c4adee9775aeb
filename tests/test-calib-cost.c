/* The cost group that `tiersim calibrate` measures (calib/fit.h, ts_fit_cost), on a fake device:
 * a GPU built to have a given peak FLOP/s per benchmark, a given DRAM bandwidth and a given cost
 * per empty kernel, plus what a single timed kernel costs beyond its work.  The fit must give back
 * what the fake was built with; each expectation is worked out by hand beside its test. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "calib/fit.h"
#include "tests/testutil.h"

typedef struct {
  TsBenchUnits units;
  double flops_per_ns[TS_N_BENCH_COMPUTE];
  double bytes_per_ns;
  double fixed_ns;    /* an empty kernel in a stream of them */
  double kernel_ns;   /* a timed compute or streaming kernel beyond its work: launch, ramp-up, tail, events */
  double events_ns;   /* the events around a burst of empty kernels */
  /* Disturbances: */
  guint slow_every;   /* every slow_every-th call takes 1.5 times as long (another process); 0: none */
  GRand *jitter;      /* each call off by a factor drawn from [1 - jitter_by, 1 + jitter_by]; NULL: none */
  double jitter_by;
  double constant_ns; /* > 0: the fp32 kernel takes this long whatever its iterations (compiled away) */
  gboolean shrinking; /* the streaming kernel takes less the more passes it does (a broken timer) */
  guint fail_at;      /* this call (1-based) fails; 0: none */
  guint calls;
} Fake;

/* Every call goes through here: counts it, fails it or disturbs it, rounds to the ns. */
static gboolean
fake_time (Fake *f, double ns, TsTime *out, GError **error)
{
  f->calls++;
  if (f->calls == f->fail_at)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_RUN, "fake: call %u failed", f->calls);
      return FALSE;
    }
  if (f->slow_every > 0 && f->calls % f->slow_every == 0)
    ns *= 1.5;
  if (f->jitter != NULL)
    ns *= g_rand_double_range (f->jitter, 1.0 - f->jitter_by, 1.0 + f->jitter_by);
  *out = (TsTime) llround (ns);
  return TRUE;
}

static gboolean
fake_units (gpointer d, TsBenchUnits *u, GError **error)
{
  *u = ((Fake *) d)->units;
  return TRUE;
}

static gboolean
fake_compute (gpointer d, TsBenchCompute kind, guint64 iters, TsTime *ns, GError **error)
{
  Fake *f = d;
  g_assert_cmpfloat (f->units.flops_per_iter[kind], >, 0);   /* never asked for what it cannot run */
  double t = kind == TS_BENCH_FMA32 && f->constant_ns > 0
               ? f->constant_ns
               : f->kernel_ns + (double) iters * f->units.flops_per_iter[kind] / f->flops_per_ns[kind];
  return fake_time (f, t, ns, error);
}

static gboolean
fake_stream (gpointer d, guint64 passes, TsTime *ns, GError **error)
{
  Fake *f = d;
  double t = f->shrinking ? 3e6 - (double) passes
                          : f->kernel_ns + (double) passes * f->units.bytes_per_pass / f->bytes_per_ns;
  return fake_time (f, t, ns, error);
}

static gboolean
fake_empty (gpointer d, guint64 count, TsTime *ns, GError **error)
{
  Fake *f = d;
  return fake_time (f, f->events_ns + (double) count * f->fixed_ns, ns, error);
}

static const TsCostBench fake_bench = { fake_units, fake_compute, fake_stream, fake_empty };

/* The reference fake.  Units: 2^20 FLOPs an iteration of the fp32 and half2 kernels, 2^22 of the
 * Tensor Core one, 2^29 bytes a pass (two 256 MiB buffers).  Rates: 16384 FLOP/ns (16.384
 * TFLOP/s) fp32, twice that on half2, four times on Tensor Cores; 2048 B/ns; 2.5 us an empty
 * kernel.  So an iteration takes 64 ns (fp32), 32 ns (half2), 64 ns (Tensor Cores); a pass
 * 2^29 / 2048 = 262144 ns.  A timed kernel costs 10 us beyond its work, a burst 1.5 us. */
static Fake
fake_reference (void)
{
  return (Fake) {
    .units = { .flops_per_iter = { 1 << 20, 1 << 20, 1 << 22 }, .bytes_per_pass = 1 << 29 },
    .flops_per_ns = { 16384, 32768, 65536 },
    .bytes_per_ns = 2048,
    .fixed_ns = 2500, .kernel_ns = 10000, .events_ns = 1500,
  };
}

/* Sizing doubles from 1 until a run lasts 2 ms (TS_COST_TARGET_NS):
 *   fp32:   10000 + 64 s >= 2e6 first at s = 32768 (2^15; 2^14 gives 1058576).  The pair takes
 *           2107152 and 4204304 ns; their difference 2097152 = 32768 x 64: 64 ns an iteration,
 *           2^20 / 64 = 16384 FLOP/ns; overhead 2107152 - 2097152 = 10000.
 *   half2:  10000 + 32 s >= 2e6 first at s = 65536: 32 ns an iteration, 32768 FLOP/ns.
 *   tensor: 64 ns an iteration as fp32: s = 32768, 2^22 / 64 = 65536 FLOP/ns.
 *   stream: 10000 + 262144 p >= 2e6 first at p = 8 (4 gives 1058576): difference 8 x 262144,
 *           2^29 / 262144 = 2048 B/ns.
 *   empty:  a fixed 128 kernels: 1500 + 128 x 2500 = 321500, and 641500 for 256: 2500 ns each.
 * The profile gets fp32 16384, fp16 the Tensor Cores' 65536, 2048 B/ns, 2500 ns, no efficiencies.
 * Dividing the work by the whole duration instead would give 2^35 / 4204304 = 16345 FLOP/ns and
 * 641500 / 256 = 2505.9 ns: the fixed costs must not leak into the rates. */
static void
test_reference (void)
{
  Fake f = fake_reference ();
  TsCostModel c;
  TsCostFit fit;
  g_autoptr (GError) error = NULL;
  g_assert_true (ts_fit_cost (&fake_bench, &f, 20, &c, &fit, &error));
  g_assert_no_error (error);
  g_assert_true (c.present);
  g_assert_cmpfloat (c.peak_flops[TS_FP32], ==, 16384);
  g_assert_cmpfloat (c.peak_flops[TS_FP16], ==, 65536);
  g_assert_cmpint (fit.fp16_from, ==, TS_BENCH_MMA16);
  g_assert_cmpfloat (c.dram_bytes_per_ns, ==, 2048);
  g_assert_cmpfloat (c.fixed_ns, ==, 2500);
  for (guint k = 0; k < TS_N_KINDS; k++)
    g_assert_cmpfloat (c.efficiency[k], ==, 1.0);

  g_assert_cmpuint (fit.compute[TS_BENCH_FMA32].size, ==, 32768);
  g_assert_cmpint (fit.compute[TS_BENCH_FMA32].duration, ==, 4204304);
  g_assert_cmpfloat (fit.compute[TS_BENCH_FMA32].ns_per_unit, ==, 64);
  g_assert_cmpfloat (fit.compute[TS_BENCH_FMA32].overhead_ns, ==, 10000);
  g_assert_cmpuint (fit.compute[TS_BENCH_FMA16X2].size, ==, 65536);
  g_assert_cmpfloat (fit.compute[TS_BENCH_FMA16X2].ns_per_unit, ==, 32);
  g_assert_cmpuint (fit.compute[TS_BENCH_MMA16].size, ==, 32768);
  g_assert_cmpuint (fit.stream.size, ==, 8);
  g_assert_cmpfloat (fit.stream.ns_per_unit, ==, 262144);
  g_assert_cmpuint (fit.empty.size, ==, TS_COST_EMPTY_KERNELS);
  g_assert_cmpint (fit.empty.duration, ==, 641500);
  g_assert_cmpfloat (fit.empty.overhead_ns, ==, 1500);
}

/* One call in five takes 1.5 times as long.  The 20 sample pairs are 40 consecutive calls, so
 * 8 pairs are disturbed, each up or down: the median (10th of 20 by nearest rank) is one of the 12
 * exact differences whichever way they go.  Same results, exactly, at each of the five phases of
 * the disturbance (so that every sample is disturbed in one of them). */
static void
test_interrupted (void)
{
  for (guint phase = 0; phase < 5; phase++)
    {
      Fake f = fake_reference ();
      f.slow_every = 5;
      f.calls = phase;
      TsCostModel c;
      TsCostFit fit;
      g_assert_true (ts_fit_cost (&fake_bench, &f, 20, &c, &fit, NULL));
      g_assert_cmpfloat (c.peak_flops[TS_FP32], ==, 16384);
      g_assert_cmpfloat (c.peak_flops[TS_FP16], ==, 65536);
      g_assert_cmpfloat (c.dram_bytes_per_ns, ==, 2048);
      g_assert_cmpfloat (c.fixed_ns, ==, 2500);
    }
}

/* Every call off by up to ±0.5%.  A pair (t1, t2 = t1 + d) then has a difference off by at most
 * 0.005 (t1 + t2), and the median is one of the pairs' differences: off by at most
 * δ = 0.005 (t1 + t2) / d relative, where (t1 + t2) / d is 6311456 / 2097152 = 3.0096 for fp32,
 * half2, Tensor Cores and the stream alike (sizes as in test_reference, which the jitter cannot
 * change: the run before each size is 47% short of 2 ms, the size's own run 5% over), and
 * 963000 / 320000 = 3.0094 for the empty kernels: δ <= 1.505%.  A rate (work over difference) is
 * then off by at most δ / (1 - δ) = 1.528%, the fixed cost by δ.  Several seeds, several draws. */
static void
test_jitter (void)
{
  for (guint32 seed = 1; seed <= 8; seed++)
    {
      Fake f = fake_reference ();
      f.jitter = g_rand_new_with_seed (seed);
      f.jitter_by = 0.005;
      TsCostModel c;
      TsCostFit fit;
      g_assert_true (ts_fit_cost (&fake_bench, &f, 20, &c, &fit, NULL));
      g_rand_free (f.jitter);
      const double tol = 0.01528;
      g_assert_cmpfloat (fabs (c.peak_flops[TS_FP32] / 16384 - 1), <=, tol);
      g_assert_cmpfloat (fabs (c.peak_flops[TS_FP16] / 65536 - 1), <=, tol);
      g_assert_cmpfloat (fabs (c.dram_bytes_per_ns / 2048 - 1), <=, tol);
      g_assert_cmpfloat (fabs (c.fixed_ns / 2500 - 1), <=, tol);
    }
}

/* Without Tensor Cores the fp16 peak is half2's (32768); without either, fp32's (16384), which
 * the profile then leaves out (fp16 models use fp32's).  The fake asserts it is never asked to run
 * what it cannot. */
static void
test_fp16_support (void)
{
  Fake f = fake_reference ();
  f.units.flops_per_iter[TS_BENCH_MMA16] = 0;
  TsCostModel c;
  TsCostFit fit;
  g_assert_true (ts_fit_cost (&fake_bench, &f, 5, &c, &fit, NULL));
  g_assert_cmpfloat (c.peak_flops[TS_FP16], ==, 32768);
  g_assert_cmpint (fit.fp16_from, ==, TS_BENCH_FMA16X2);
  g_assert_cmpuint (fit.compute[TS_BENCH_MMA16].size, ==, 0);

  f.units.flops_per_iter[TS_BENCH_FMA16X2] = 0;
  g_assert_true (ts_fit_cost (&fake_bench, &f, 5, &c, &fit, NULL));
  g_assert_cmpfloat (c.peak_flops[TS_FP32], ==, 16384);
  g_assert_cmpfloat (c.peak_flops[TS_FP16], ==, 16384);
  g_assert_cmpint (fit.fp16_from, ==, TS_BENCH_FMA32);
  g_assert_cmpuint (fit.compute[TS_BENCH_FMA16X2].size, ==, 0);
}

/* One sample pair is enough to fit (and gives the same exact values). */
static void
test_one_sample (void)
{
  Fake f = fake_reference ();
  TsCostModel c;
  TsCostFit fit;
  g_assert_true (ts_fit_cost (&fake_bench, &f, 1, &c, &fit, NULL));
  g_assert_cmpfloat (c.peak_flops[TS_FP32], ==, 16384);
  g_assert_cmpfloat (c.dram_bytes_per_ns, ==, 2048);
  g_assert_cmpfloat (c.fixed_ns, ==, 2500);
}

/* Broken measurements are errors, not profiles. */
static void
test_broken (void)
{
  TsCostModel c;
  TsCostFit fit;

  /* An fp32 kernel the compiler emptied: 5 us whatever its length.  Sizing doubles up to 2^30
   * iterations and gives up: a warm-up and 31 sizes, 32 calls. */
  Fake f = fake_reference ();
  f.constant_ns = 5000;
  g_autoptr (GError) e1 = NULL;
  g_assert_false (ts_fit_cost (&fake_bench, &f, 20, &c, &fit, &e1));
  g_assert_error (e1, TS_ERROR, TS_ERROR_RUN);
  g_assert_nonnull (strstr (e1->message, "fp32 FMA"));
  g_assert_nonnull (strstr (e1->message, "does not do its work"));
  g_assert_cmpuint (f.calls, ==, 32);

  /* A stream that takes less the more it does: 3 ms - passes reaches 2 ms at once, then twice the
   * work is 1 ns shorter. */
  f = fake_reference ();
  f.shrinking = TRUE;
  g_autoptr (GError) e2 = NULL;
  g_assert_false (ts_fit_cost (&fake_bench, &f, 20, &c, &fit, &e2));
  g_assert_error (e2, TS_ERROR, TS_ERROR_RUN);
  g_assert_nonnull (strstr (e2->message, "streaming kernel"));
  g_assert_nonnull (strstr (e2->message, "did not take longer"));

  /* The device's own failure, wherever it happens, is the error. */
  for (guint at = 1; at <= 200; at += 37)
    {
      f = fake_reference ();
      f.fail_at = at;
      g_autoptr (GError) e3 = NULL;
      g_assert_false (ts_fit_cost (&fake_bench, &f, 20, &c, &fit, &e3));
      g_autofree char *expect = g_strdup_printf ("fake: call %u failed", at);
      g_assert_cmpstr (e3->message, ==, expect);
      g_assert_cmpuint (f.calls, ==, at);
    }

  /* A device that sizes no fp32 work. */
  f = fake_reference ();
  f.units.flops_per_iter[TS_BENCH_FMA32] = 0;
  g_autoptr (GError) e4 = NULL;
  g_assert_false (ts_fit_cost (&fake_bench, &f, 20, &c, &fit, &e4));
  g_assert_error (e4, TS_ERROR, TS_ERROR_RUN);
  g_assert_cmpuint (f.calls, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/calib-cost/reference", test_reference);
  g_test_add_func ("/calib-cost/interrupted", test_interrupted);
  g_test_add_func ("/calib-cost/jitter", test_jitter);
  g_test_add_func ("/calib-cost/fp16-support", test_fp16_support);
  g_test_add_func ("/calib-cost/one-sample", test_one_sample);
  g_test_add_func ("/calib-cost/broken", test_broken);
  return g_test_run ();
}
