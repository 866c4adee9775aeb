/* tiersim — calibration fitting: from raw microbenchmark measurements to profile values.
 *
 * Pure CPU code, built with or without CUDA, so that it is tested here on synthetic measurements
 * whose true parameters the tests know.  Its inputs are what GPU microbenchmarks record:
 * per-block records (SM id, %globaltimer at entry and exit), timing samples, and sweeps of one
 * quantity against another. */
#pragma once

#include "sim/profile.h"

G_BEGIN_DECLS

/* A timing's distribution as a profile holds it. */
typedef struct {
  TsTime p50, p99;
} TsDist;

/* Nearest-rank median and 99th percentile of n >= 1 samples (which are sorted in place). */
TsDist ts_fit_dist (TsTime *samples, guint n);

/* Least-squares line y = a + b x through n >= 2 points with at least two distinct x; *r2 receives
 * the coefficient of determination (1 when y is constant and fitted exactly).  FALSE if the x are
 * all equal.  Used for preemption-by-flag latency against the running blocks' remaining time,
 * whose intercept is the flag's cost and whose slope should be 1. */
gboolean ts_fit_line (const double *x, const double *y, guint n, double *a, double *b, double *r2);

/* One thread block as a microbenchmark recorded it. */
typedef struct {
  guint kernel;  /* launch order: 0 is the first kernel launched */
  guint block;   /* block index within its kernel */
  guint sm;      /* %smid */
  TsTime start, end;  /* %globaltimer at block entry and exit */
  TsTime longest_gap; /* longest interval between the block's successive timer polls */
} TsBlockRecord;

/* How well each placement rule (DESIGN §2 rule 3) explains the records.  Replaying them in start
 * order (ties: kernel, then block), a block agrees with most-free if its SM is the lowest-numbered
 * of the SMs with room that have the fewest resident blocks, and with round-robin if its SM is the
 * first with room cyclically after the SM of the previous placement.  Every block occupies one of
 * `slots` block slots per SM (the microbenchmarks use one block shape per experiment).  The
 * records should start from a GPU made uneven on purpose (a kernel whose blocks on some SMs end
 * early): on an empty GPU the two rules place the first wave identically.  FALSE (with an error)
 * for a record with an SM id >= sms or an end not after its start. */
typedef struct {
  guint blocks;          /* placements judged (those that found room) */
  double most_free;      /* fraction agreeing with most-free */
  double round_robin;    /* fraction agreeing with round-robin */
  TsPlacementRule rule;  /* the better explanation; most-free on a tie */
} TsPlacementFit;

gboolean ts_fit_placement (const TsBlockRecord *records, guint n, guint sms, guint slots,
                           TsPlacementFit *fit, GError **error);

/* DESIGN §2 rule 2 from records of two kernels of one priority level, kernel 0 launched first
 * with more blocks than fit at once: head-of-level lets no block of kernel 1 start before kernel
 * 0's last block has started; any-fit does.  `tolerance` absorbs the timer's skew between SMs.
 * *early receives how many blocks of kernel 1 started early (before kernel 0's last start minus
 * tolerance).  FALSE (with an error) if either kernel has no records. */
gboolean ts_fit_dispatch (const TsBlockRecord *records, guint n, TsTime tolerance, TsDispatchRule *rule,
                          guint *early, GError **error);

/* Gaps in a running block's timeline: a block that polls %globaltimer in a loop records n
 * ascending samples; an interval over `factor` times the median interval means the block was
 * descheduled (preempted) meanwhile.  Returns the number of such gaps; *longest receives the
 * longest interval (0 when n < 2). */
guint ts_fit_gaps (const TsTime *samples, guint n, double factor, TsTime *longest);

/* Hardware queues: makespan[i] is the time to run i + 1 streams, each with one small kernel of
 * the same duration launched together.  While streams map to distinct hardware connections the
 * kernels overlap and the makespan stays near makespan[0]; beyond, some serialise behind others.
 * Returns the largest stream count whose makespan is within (1 + tolerance) of makespan[0], i.e.
 * the number of connections the measurement shows (n if it never breaks). */
guint ts_fit_connections (const double *makespan, guint n, double tolerance);

/* One launch of a synthetic kernel as its block records show it (DESIGN §2 rule 5a). */
typedef struct {
  TsTime start, end;      /* first block's entry, last block's exit: end - start is the latency */
  guint sms_used;         /* distinct SM ids among the blocks */
  guint min_per_sm, max_per_sm;  /* blocks on the least and most loaded of those SMs */
  gboolean one_wave;      /* every block entered before the first one exited: all were resident at once */
} TsWave;

/* Summarises n >= 1 block records of one kernel.  Returns TRUE when the launch is the one a
 * contention probe means: exactly `per_sm` blocks on each of `sms` SMs, all resident at once.
 * SM ids need not be below `sms` (%smid is not promised to be dense). */
gboolean ts_fit_wave (const TsBlockRecord *records, guint n, guint sms, guint per_sm, TsWave *wave);

/* An occupancy curve from raw latencies: samples[(k - 1) * n + i] is the i-th one-wave latency
 * with k blocks on every SM, k = 1..levels; curve[k - 1] receives their median (each level's
 * samples are sorted in place).  FALSE (TS_ERROR_RUN) when a median is not positive, or when a
 * level's median is under half of the one-block latency: the same blocks, more of them per SM,
 * cannot finish a wave that much sooner, so the measurement is broken. */
gboolean ts_fit_occupancy (TsTime *samples, guint levels, guint n, double *curve, GError **error);

/* A slowdown: the median of n durations beside another kernel over the median of n alone (both
 * arrays are sorted in place).  FALSE (TS_ERROR_RUN) outside [0.5, 1000], the range a profile
 * accepts: noise puts a slowdown a little below 1, far below it the measurement is broken. */
gboolean ts_fit_slowdown (TsTime *alone, TsTime *beside, guint n, double *slowdown, GError **error);

/* ---- The cost group (sim/cost.h) from three microbenchmarks ----
 *
 * A device runs them through TsCostBench: calib/probe.cu on a CUDA GPU, a fake device in the
 * tests.  Each call runs one kernel, or one burst of kernels, and returns its duration as the
 * device timed it (CUDA events around it). */

/* The compute benchmarks, each a grid that fills every SM: independent chains of dependent FMAs in
 * FP32, the same on FP16 pairs (half2), and FP16 matrix multiply-accumulate on Tensor Cores with
 * FP32 accumulation (the FP16 peak NVIDIA's datasheets quote, which the shipped profiles use). */
typedef enum { TS_BENCH_FMA32, TS_BENCH_FMA16X2, TS_BENCH_MMA16, TS_N_BENCH_COMPUTE } TsBenchCompute;

/* "fp32 FMA", "fp16x2 FMA", "fp16 Tensor Core": for messages. */
extern const char *const ts_bench_compute_names[];

/* The work of one unit of each benchmark on a device, whose grids and buffers the device sizes. */
typedef struct {
  double flops_per_iter[TS_N_BENCH_COMPUTE];  /* one iteration of the whole kernel; 0: the device cannot run it */
  double bytes_per_pass;                      /* one pass of the streaming kernel: DRAM bytes read + written */
} TsBenchUnits;

typedef struct {
  gboolean (*units) (gpointer dev, TsBenchUnits *units, GError **error);
  /* One compute kernel of `iters` iterations. */
  gboolean (*compute) (gpointer dev, TsBenchCompute kind, guint64 iters, TsTime *ns, GError **error);
  /* One streaming kernel: `passes` times over a buffer far larger than the L2, each element read
   * and written to a second such buffer. */
  gboolean (*stream) (gpointer dev, guint64 passes, TsTime *ns, GError **error);
  /* `count` empty one-block kernels back to back in one stream, all queued before the first may
   * start, so that the host's launch rate does not show: from before the first to after the last. */
  gboolean (*empty) (gpointer dev, guint64 count, TsTime *ns, GError **error);
} TsCostBench;

/* One benchmark's fit.  Each of n samples runs `size` units of work and then 2 x size; the median
 * of the n differences is the time of `size` units alone, free of what a kernel (or a burst) costs
 * beyond its work: launch, the grid's ramp-up and tail, the events.  Paired differences also
 * cancel slow drift (clocks, temperature), and the median ignores interrupted samples. */
typedef struct {
  guint64 size;        /* units (iterations, passes, kernels) of the shorter run; 0: not measured */
  TsTime duration;     /* median duration of the longer run */
  double ns_per_unit;  /* the median difference over size: one unit's marginal time */
  double overhead_ns;  /* the shorter run's median beyond size x ns_per_unit */
} TsBenchFit;

typedef struct {
  TsBenchUnits units;
  TsBenchFit compute[TS_N_BENCH_COMPUTE];
  TsBenchFit stream, empty;
  TsBenchCompute fp16_from;   /* which benchmark gave the fp16 peak */
} TsCostFit;

/* Runs the three microbenchmarks on dev, n >= 1 samples each, and sets the cost group's measured
 * fields (present, peaks, bandwidth, fixed cost, efficiencies; others are left) from their
 * marginal rates: fp32 peak = FMA32 FLOPs per ns; fp16 peak = MMA16's where the device has Tensor
 * Cores, else FMA16X2's, else (neither) the fp32 peak; DRAM bandwidth = the streaming kernel's
 * bytes per ns; fixed cost = an empty kernel's time in a stream of them.  Efficiencies per kind
 * are not measured by these: all 1.  The compute and streaming kernels are sized by doubling
 * from one unit until a run lasts TS_COST_TARGET_NS; the empty burst is TS_COST_EMPTY_KERNELS
 * kernels.  FALSE (TS_ERROR_RUN) when a kernel never reaches that length (it does no work), when
 * twice the work does not take longer, or with the device's own error. */
#define TS_COST_TARGET_NS (2 * TS_NS_PER_MS)
#define TS_COST_EMPTY_KERNELS 128
gboolean ts_fit_cost (const TsCostBench *bench, gpointer dev, guint n, TsCostModel *cost, TsCostFit *fit,
                      GError **error);

G_END_DECLS
