#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "calib/fit.h"
#include "sim/metrics.h"

static int
cmp_time (const void *a, const void *b)
{
  TsTime x = *(const TsTime *) a, y = *(const TsTime *) b;
  return (x > y) - (x < y);
}

TsDist
ts_fit_dist (TsTime *samples, guint n)
{
  g_assert (n >= 1);
  qsort (samples, n, sizeof *samples, cmp_time);
  return (TsDist) { ts_percentile (samples, n, 50.0), ts_percentile (samples, n, 99.0) };
}

gboolean
ts_fit_line (const double *x, const double *y, guint n, double *a, double *b, double *r2)
{
  g_return_val_if_fail (n >= 2, FALSE);
  double mx = 0, my = 0;
  for (guint i = 0; i < n; i++)
    mx += x[i], my += y[i];
  mx /= n, my /= n;
  double sxx = 0, sxy = 0, syy = 0;
  for (guint i = 0; i < n; i++)
    sxx += (x[i] - mx) * (x[i] - mx), sxy += (x[i] - mx) * (y[i] - my), syy += (y[i] - my) * (y[i] - my);
  if (sxx == 0)
    return FALSE;
  *b = sxy / sxx;
  *a = my - *b * mx;
  *r2 = syy == 0 ? 1.0 : sxy * sxy / (sxx * syy);
  return TRUE;
}

/* Records in replay order: start, then kernel, then block. */
static int
cmp_start (const void *pa, const void *pb)
{
  const TsBlockRecord *a = *(const TsBlockRecord *const *) pa, *b = *(const TsBlockRecord *const *) pb;
  if (a->start != b->start)
    return (a->start > b->start) - (a->start < b->start);
  if (a->kernel != b->kernel)
    return (a->kernel > b->kernel) - (a->kernel < b->kernel);
  return (a->block > b->block) - (a->block < b->block);
}

static int
cmp_end (const void *pa, const void *pb)
{
  const TsBlockRecord *a = *(const TsBlockRecord *const *) pa, *b = *(const TsBlockRecord *const *) pb;
  return (a->end > b->end) - (a->end < b->end);
}

gboolean
ts_fit_placement (const TsBlockRecord *records, guint n, guint sms, guint slots, TsPlacementFit *fit,
                  GError **error)
{
  g_return_val_if_fail (sms >= 1 && slots >= 1, FALSE);
  for (guint i = 0; i < n; i++)
    if (records[i].sm >= sms || records[i].end <= records[i].start)
      {
        g_set_error (error, TS_ERROR, TS_ERROR_INPUT,
                     "block record %u (kernel %u, block %u): %s", i, records[i].kernel, records[i].block,
                     records[i].sm >= sms ? "SM id beyond the device's SMs" : "end is not after start");
        return FALSE;
      }
  g_autofree const TsBlockRecord **by_start = g_new (const TsBlockRecord *, n);
  g_autofree const TsBlockRecord **by_end = g_new (const TsBlockRecord *, n);
  for (guint i = 0; i < n; i++)
    by_start[i] = by_end[i] = &records[i];
  qsort (by_start, n, sizeof *by_start, cmp_start);
  qsort (by_end, n, sizeof *by_end, cmp_end);

  g_autofree guint *resident = g_new0 (guint, sms);
  guint ended = 0, judged = 0, mf = 0, rr = 0, last = sms - 1;
  for (guint i = 0; i < n; i++)
    {
      const TsBlockRecord *r = by_start[i];
      /* A slot freed at the very time a block starts may be the one it took. */
      for (; ended < n && by_end[ended]->end <= r->start; ended++)
        resident[by_end[ended]->sm]--;
      if (resident[r->sm] < slots)
        {
          guint most_free = sms, next = sms;
          for (guint sm = 0; sm < sms; sm++)
            if (resident[sm] < slots && (most_free == sms || resident[sm] < resident[most_free]))
              most_free = sm;
          for (guint k = 0; k < sms && next == sms; k++)
            if (resident[(last + 1 + k) % sms] < slots)
              next = (last + 1 + k) % sms;
          judged++;
          mf += r->sm == most_free;
          rr += r->sm == next;
        }
      resident[r->sm]++;
      last = r->sm;
    }
  fit->blocks = judged;
  fit->most_free = judged ? (double) mf / judged : 0.0;
  fit->round_robin = judged ? (double) rr / judged : 0.0;
  fit->rule = rr > mf ? TS_PLACE_ROUND_ROBIN : TS_PLACE_MOST_FREE;
  return TRUE;
}

gboolean
ts_fit_dispatch (const TsBlockRecord *records, guint n, TsTime tolerance, TsDispatchRule *rule,
                 guint *early, GError **error)
{
  TsTime last0 = G_MININT64;
  guint n0 = 0, n1 = 0;
  for (guint i = 0; i < n; i++)
    if (records[i].kernel == 0)
      last0 = MAX (last0, records[i].start), n0++;
    else if (records[i].kernel == 1)
      n1++;
  if (n0 == 0 || n1 == 0)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "dispatch fit: kernel %u has no block records",
                   n0 == 0 ? 0u : 1u);
      return FALSE;
    }
  *early = 0;
  for (guint i = 0; i < n; i++)
    *early += records[i].kernel == 1 && records[i].start < last0 - tolerance;
  *rule = *early > 0 ? TS_DISPATCH_ANY_FIT : TS_DISPATCH_HEAD_OF_LEVEL;
  return TRUE;
}

guint
ts_fit_gaps (const TsTime *samples, guint n, double factor, TsTime *longest)
{
  *longest = 0;
  if (n < 2)
    return 0;
  g_autofree TsTime *iv = g_new (TsTime, n - 1);
  for (guint i = 0; i + 1 < n; i++)
    iv[i] = samples[i + 1] - samples[i], *longest = MAX (*longest, iv[i]);
  g_autofree TsTime *sorted = g_memdup2 (iv, (n - 1) * sizeof *iv);
  qsort (sorted, n - 1, sizeof *sorted, cmp_time);
  double limit = factor * (double) ts_percentile (sorted, n - 1, 50.0);
  guint gaps = 0;
  for (guint i = 0; i + 1 < n; i++)
    gaps += (double) iv[i] > limit;
  return gaps;
}

guint
ts_fit_connections (const double *makespan, guint n, double tolerance)
{
  g_return_val_if_fail (n >= 1 && makespan[0] > 0, 0);
  for (guint i = 1; i < n; i++)
    if (makespan[i] > makespan[0] * (1.0 + tolerance))
      return i;
  return n;
}

static int
cmp_uint (const void *a, const void *b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;
  return (x > y) - (x < y);
}

gboolean
ts_fit_wave (const TsBlockRecord *records, guint n, guint sms, guint per_sm, TsWave *wave)
{
  g_return_val_if_fail (n >= 1, FALSE);
  g_autofree guint *ids = g_new (guint, n);
  TsTime first_end = G_MAXINT64, last_start = G_MININT64;
  wave->start = G_MAXINT64, wave->end = G_MININT64;
  for (guint i = 0; i < n; i++)
    {
      ids[i] = records[i].sm;
      wave->start = MIN (wave->start, records[i].start), wave->end = MAX (wave->end, records[i].end);
      last_start = MAX (last_start, records[i].start), first_end = MIN (first_end, records[i].end);
    }
  wave->one_wave = last_start < first_end;
  /* Blocks per SM from runs of equal ids: no table indexed by an id that may be sparse. */
  qsort (ids, n, sizeof *ids, cmp_uint);
  wave->sms_used = 0, wave->min_per_sm = G_MAXUINT, wave->max_per_sm = 0;
  for (guint i = 0, j; i < n; i = j)
    {
      for (j = i; j < n && ids[j] == ids[i]; j++)
        ;
      wave->sms_used++;
      wave->min_per_sm = MIN (wave->min_per_sm, j - i), wave->max_per_sm = MAX (wave->max_per_sm, j - i);
    }
  return wave->one_wave && wave->sms_used == sms && wave->min_per_sm == per_sm && wave->max_per_sm == per_sm;
}

gboolean
ts_fit_occupancy (TsTime *samples, guint levels, guint n, double *curve, GError **error)
{
  g_return_val_if_fail (levels >= 1 && n >= 1, FALSE);
  for (guint k = 1; k <= levels; k++)
    {
      curve[k - 1] = (double) ts_fit_dist (samples + (k - 1) * n, n).p50;
      if (curve[k - 1] <= 0 || curve[k - 1] < 0.5 * curve[0])
        {
          g_set_error (error, TS_ERROR, TS_ERROR_RUN,
                       "occupancy curve: the median one-wave latency at %u blocks per SM is %.0f ns%s", k,
                       curve[k - 1], curve[k - 1] <= 0 ? "" : ", under half of that at one block per SM");
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
ts_fit_slowdown (TsTime *alone, TsTime *beside, guint n, double *slowdown, GError **error)
{
  g_return_val_if_fail (n >= 1, FALSE);
  TsTime a = ts_fit_dist (alone, n).p50, b = ts_fit_dist (beside, n).p50;
  *slowdown = a > 0 ? (double) b / (double) a : 0.0;
  if (!(*slowdown >= 0.5 && *slowdown <= 1000))
    {
      g_set_error (error, TS_ERROR, TS_ERROR_RUN,
                   "slowdown %.3f (median %lld ns beside over %lld ns alone) is outside [0.5, 1000]: the "
                   "measurement is broken", *slowdown, (long long) b, (long long) a);
      return FALSE;
    }
  return TRUE;
}

const char *const ts_bench_compute_names[] = { "fp32 FMA", "fp16x2 FMA", "fp16 Tensor Core", NULL };

/* The benchmarks fit_bench runs: a TsBenchCompute, or one of these. */
enum { BENCH_STREAM = TS_N_BENCH_COMPUTE, BENCH_EMPTY };

typedef struct {
  const TsCostBench *bench;
  gpointer dev;
  int which;
} Bench;

static char *
bench_name (int which)
{
  return which == BENCH_STREAM  ? g_strdup ("the streaming kernel")
         : which == BENCH_EMPTY ? g_strdup ("the empty kernels")
                                : g_strdup_printf ("the %s kernel", ts_bench_compute_names[which]);
}

static gboolean
bench_run (const Bench *b, guint64 size, TsTime *ns, GError **error)
{
  switch (b->which)
    {
    case BENCH_STREAM:
      return b->bench->stream (b->dev, size, ns, error);
    case BENCH_EMPTY:
      return b->bench->empty (b->dev, size, ns, error);
    default:
      return b->bench->compute (b->dev, (TsBenchCompute) b->which, size, ns, error);
    }
}

/* Sizes a benchmark by doubling from `start` units (at most `cap`; start == cap: a fixed size),
 * then measures n pairs (size, 2 x size); see TsBenchFit. */
static gboolean
fit_bench (const Bench *b, guint64 start, guint64 cap, guint n, TsBenchFit *fit, GError **error)
{
  TsTime t;
  /* A warm-up run, not kept: module loading, first touches of the buffers, clocks ramping up. */
  if (!bench_run (b, start, &t, error))
    return FALSE;
  guint64 size = start;
  for (;; size *= 2)
    {
      if (!bench_run (b, size, &t, error))
        return FALSE;
      if (t >= TS_COST_TARGET_NS || size >= cap)
        break;
    }
  if (start < cap && t < TS_COST_TARGET_NS)
    {
      g_autofree char *what = bench_name (b->which);
      g_set_error (error, TS_ERROR, TS_ERROR_RUN,
                   "%s took %.3f ms at %" G_GUINT64_FORMAT " units of work, short of %.3f ms: it does not do "
                   "its work (the measurement is broken)", what, ts_time_to_ms (t), size,
                   ts_time_to_ms (TS_COST_TARGET_NS));
      return FALSE;
    }
  g_autofree TsTime *shorter = g_new (TsTime, n), *longer = g_new (TsTime, n), *diff = g_new (TsTime, n);
  for (guint i = 0; i < n; i++)
    {
      if (!bench_run (b, size, &shorter[i], error) || !bench_run (b, 2 * size, &longer[i], error))
        return FALSE;
      diff[i] = longer[i] - shorter[i];
    }
  TsTime d = ts_fit_dist (diff, n).p50;
  if (d <= 0)
    {
      g_autofree char *what = bench_name (b->which);
      g_set_error (error, TS_ERROR, TS_ERROR_RUN,
                   "%s: twice the work (%" G_GUINT64_FORMAT " units) did not take longer than %" G_GUINT64_FORMAT
                   " (median difference %lld ns over %u samples): the measurement is broken", what, 2 * size, size,
                   (long long) d, n);
      return FALSE;
    }
  fit->size = size;
  fit->duration = ts_fit_dist (longer, n).p50;
  fit->ns_per_unit = (double) d / (double) size;
  fit->overhead_ns = (double) (ts_fit_dist (shorter, n).p50 - d);
  return TRUE;
}

gboolean
ts_fit_cost (const TsCostBench *bench, gpointer dev, guint n, TsCostModel *cost, TsCostFit *fit, GError **error)
{
  g_return_val_if_fail (n >= 1, FALSE);
  *fit = (TsCostFit) { 0 };
  if (!bench->units (dev, &fit->units, error))
    return FALSE;
  const TsBenchUnits *u = &fit->units;
  if (!(u->flops_per_iter[TS_BENCH_FMA32] > 0) || !(u->bytes_per_pass > 0))
    {
      g_set_error (error, TS_ERROR, TS_ERROR_RUN, "the device gave no FP32 or no streaming work to measure");
      return FALSE;
    }
  /* Caps far beyond TS_COST_TARGET_NS on any GPU: an FMA iteration is 100+ FMAs a thread, a pass
   * hundreds of MiB; the empty burst has a fixed size that the launch queue holds. */
  for (int k = 0; k < TS_N_BENCH_COMPUTE; k++)
    if (u->flops_per_iter[k] > 0
        && !fit_bench (&(Bench) { bench, dev, k }, 1, G_GUINT64_CONSTANT (1) << 30, n, &fit->compute[k], error))
      return FALSE;
  if (!fit_bench (&(Bench) { bench, dev, BENCH_STREAM }, 1, 1 << 16, n, &fit->stream, error)
      || !fit_bench (&(Bench) { bench, dev, BENCH_EMPTY }, TS_COST_EMPTY_KERNELS, TS_COST_EMPTY_KERNELS, n,
                     &fit->empty, error))
    return FALSE;

  /* Only what these benchmarks measure: whatever else the caller keeps in *cost stays. */
  cost->present = TRUE;
  for (int k = 0; k < TS_N_KINDS; k++)
    cost->efficiency[k] = 1.0;
  cost->peak_flops[TS_FP32] = u->flops_per_iter[TS_BENCH_FMA32] / fit->compute[TS_BENCH_FMA32].ns_per_unit;
  /* FP16 models' GEMMs and convolutions run on Tensor Cores where there are some. */
  fit->fp16_from = fit->compute[TS_BENCH_MMA16].size > 0     ? TS_BENCH_MMA16
                   : fit->compute[TS_BENCH_FMA16X2].size > 0 ? TS_BENCH_FMA16X2
                                                              : TS_BENCH_FMA32;
  cost->peak_flops[TS_FP16] = u->flops_per_iter[fit->fp16_from] / fit->compute[fit->fp16_from].ns_per_unit;
  cost->dram_bytes_per_ns = u->bytes_per_pass / fit->stream.ns_per_unit;
  cost->fixed_ns = fit->empty.ns_per_unit;
  return TRUE;
}
