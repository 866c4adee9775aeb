/* tiersim — GPU microbenchmarks for `tiersim calibrate` (calib/probe.cu, built only with CUDA).
 *
 * Each probe runs on one device and returns raw measurements; calib/fit.h turns them into profile
 * values.  Times are nanoseconds: device timestamps are %globaltimer, host ones CLOCK_MONOTONIC.
 * Every function returns FALSE with a TS_ERROR_RUN error (or TS_ERROR_NOT_FOUND for a missing
 * device) naming the CUDA call that failed. */
#pragma once

#include "calib/fit.h"
#include "sim/profile.h"

G_BEGIN_DECLS

/* What the driver says of the device. */
typedef struct {
  char name[256];
  int cc_major, cc_minor;
  int driver_version, runtime_version;  /* CUDA's encoding: 1000 * major + 10 * minor */
  int sms, max_threads_per_sm, max_blocks_per_sm, registers_per_sm, shared_mem_per_sm;
  int max_threads_per_block;
  int priority_least, priority_greatest;  /* cudaDeviceGetStreamPriorityRange */
} TsProbeDevice;

gboolean ts_probe_device (int device, TsProbeDevice *out, GError **error);

/* n samples each of
 *   launch: host time of the launch call until the kernel's first block starts, the block's host
 *           time read through a mirror of the host clock in mapped memory, corrected by half the
 *           mirror's measured read time;
 *   gap:    one stream, two one-block kernels back to back: the second's start minus the first's end;
 *   wakeup: a one-block kernel's end (host time, as for launch) until cudaStreamSynchronize returns.
 * The arrays hold n values each. */
gboolean ts_probe_timing (int device, guint n, TsTime *launch, TsTime *gap, TsTime *wakeup, GError **error);

/* Block records for the placement fit: kernel 0 fills every SM to `*slots` blocks (the probe's
 * occupancy) with blocks that end early on even-numbered SMs and late on odd ones; kernel 1, launched
 * once the early ones have ended, places 2 x sms x slots short blocks on that uneven GPU.
 * Returns the records (free with g_free) and their count; *slots receives the occupancy. */
TsBlockRecord *ts_probe_placement (int device, guint *n, guint *slots, GError **error);

/* Block records for the dispatch fit: kernel 0 with three waves of blocks, then kernel 1 on a
 * second stream of the same priority, launched right after it. */
TsBlockRecord *ts_probe_dispatch (int device, guint *n, GError **error);

/* Block records for the priority fit: kernel 0 (three waves, on a stream of priority `low`) and,
 * 150 us later, kernel 1 (one wave, priority `high`; CUDA's numbers: lower is more urgent).  With
 * ts_fit_dispatch, blocks of kernel 1 that start before kernel 0's last block mean the higher
 * priority takes freed slots ahead of the lower one's remaining blocks; each record's longest_gap
 * shows whether a running block was ever descheduled. */
TsBlockRecord *ts_probe_priority (int device, int low, int high, guint *n, GError **error);

/* Preemption by flag, n times: a 20-wave kernel of 100 us blocks whose thread 0 reads a device flag
 * at block entry (blocks that find it set exit); the host sets the flag through a second stream
 * while the kernel runs.  Per sample:
 *   visible:   host write call until the first block that saw the flag (host time, as for launch);
 *   drain:     host write call until the kernel's last block ended;
 *   remaining: the running blocks' remaining time when the flag became visible;
 *   check:     the mean duration of a block that exits at entry (the entry check's cost). */
gboolean ts_probe_flag (int device, guint n, TsTime *visible, TsTime *drain, TsTime *remaining,
                        TsTime *check, GError **error);

/* Makespans for the connections fit: makespan[i] is the device time from the first start to the
 * last end when i + 1 streams each launch one 200 us single-block kernel at once (n <= 128). */
gboolean ts_probe_streams (int device, guint n, double *makespan, GError **error);

/* Interference between co-running kernels, n times each (medians kept): a compute-bound kernel
 * (dependent FMAs) and a memory-bound one (1024-thread blocks streaming float4 loads through a
 * 256 MiB buffer, five times larger than any L2), each with one block on each of half of the SMs
 * (shared memory keeps a second block off an SM), run alone and beside each other:
 * out->slowdown[v][a] is v's duration beside a over its duration alone.  The compute kernel is
 * sized to last as long as the memory one, so that the two overlap throughout.  The group's
 * sustained bandwidth is the cost group's (ts_probe_cost_bench's streaming kernel): the caller
 * sets out->dram_bandwidth_gbps, which this leaves alone. */
gboolean ts_probe_interference (int device, guint n, TsInterference *out, GError **error);

/* Blocks sharing SMs (DESIGN §2 rule 5a), with a synthetic kernel of 128-thread blocks whose
 * occupancy the thread limit sets (16 blocks per SM on a 2048-thread SM, 12 on 1536, 8 on 1024),
 * as the driver reports it.  Its compute kind runs 65536 dependent FMAs a thread (some 130 us
 * alone at 2 GHz); its memory kind streams float4 loads once through the block's own slice of a
 * buffer, the slices of one block per SM together four times the L2.  Latencies are device time,
 * the first block's entry to the last block's exit (%globaltimer), medians of n runs:
 *   out->occupancy_ns[v][k - 1]: kind v launched alone as exactly sms x k blocks, k = 1..levels,
 *              so that every SM holds k of them at once;
 *   out->sm_slowdown[v][a]: kind v with one block per SM, run alone and beside a kernel of kind a
 *              with one block per SM, launched just before on another stream and four times
 *              longer alone, so that each SM holds one block of each throughout.
 * Every run's %smid records are checked (ts_fit_wave): info->uneven counts the runs that did not
 * place blocks as meant, or pairs that did not overlap throughout; they are kept, and reported.
 * out's curves are allocated with g_new, owned by out (ts_profile_free frees them). */
typedef struct {
  guint threads;       /* threads per block of the synthetic kernel */
  guint levels;        /* its maximum blocks per SM: the length of each curve */
  double block_bytes;  /* bytes one memory block reads */
  guint runs, uneven;  /* runs measured, and those not placed as meant */
} TsProbeContention;

gboolean ts_probe_contention (int device, guint n, TsContention *out, TsProbeContention *info, GError **error);

/* The cost group's microbenchmarks (TsCostBench, calib/fit.h) on one device: ts_probe_cost_open
 * selects the device, sizes the kernels and allocates what they use; ts_probe_cost_bench runs
 * them on what it returns.  Each is timed with CUDA events around it on one stream.
 *   compute: 256-thread blocks, as many as fit on every SM at once (one full wave).  Each thread
 *            runs 8 independent chains of dependent FMAs, 16 links a chain an iteration: 256
 *            FLOPs a thread an iteration in FP32, 512 on half2 pairs (compute capability 5.3 and
 *            up); or each warp 8 independent 16x16x16 FP16 Tensor Core products accumulating in
 *            FP32, 8 x 8192 FLOPs a warp an iteration (compute capability 7.0 and up);
 *   stream:  a copy of one buffer into another, each the larger of 8 L2s and 256 MiB, by as many
 *            256-thread blocks as fit at once, 4 float4 loads in flight a thread;
 *   empty:   one-warp kernels with an empty body, queued behind a kernel that waits (at most 1 s)
 *            for the host to open a gate once all are queued. */
typedef struct _TsProbeCost TsProbeCost;

TsProbeCost *ts_probe_cost_open (int device, GError **error);
void ts_probe_cost_close (TsProbeCost *cost);

extern const TsCostBench ts_probe_cost_bench;

G_END_DECLS
