/* tiersim — the simulated GPU (DESIGN §2, rules 1-3 and 6).
 *
 * Streams are FIFOs of launched kernels, each on a priority level (0 = highest).  A kernel becomes
 * eligible when it is at the head of its stream, the stream's previous kernel has completed, and
 * the profile's launch latency has passed since its launch.  Eligible kernels wait in their
 * level's execution queue in order of eligibility.  The dispatcher runs once per instant at which
 * something changed (after every completion and eligibility at that instant) and gives blocks to
 * kernels in priority order, as the profile's dispatch and placement rules say.  Blocks are never
 * evicted.
 *
 * A block's duration is the kernel's solo duration divided by its wave count, ceil(blocks /
 * (SMs x blocks-per-SM)), so a kernel alone on the GPU takes its solo duration.  The blocks of one
 * kernel placed in one dispatch round start and end together: they are one "block group" with
 * one completion event, whatever their number.
 *
 * Cost: a dispatch round is O(SMs) per kernel served; a completion is O(SMs the group spans). */
#pragma once

#include "engine.h"
#include "model.h"
#include "profile.h"

G_BEGIN_DECLS

typedef struct _TsGpu TsGpu;

/* Called when a launched kernel has completed (plus the profile's sync wake-up). */
typedef void (*TsKernelDoneFn) (gpointer data, guint64 tag);

/* What an observer sees (tests, traces). */
typedef enum {
  TS_GPU_KERNEL_READY,   /* entered its level's execution queue */
  TS_GPU_BLOCKS_START,   /* a block group was placed: sms/counts describe it */
  TS_GPU_BLOCKS_END,     /* a block group finished */
  TS_GPU_KERNEL_DONE,    /* the kernel's last block finished */
} TsGpuEventKind;

typedef struct {
  TsGpuEventKind kind;
  TsTime time;
  guint64 launch;              /* id returned by ts_gpu_launch */
  guint stream;
  guint level;
  const TsKernelDesc *kernel;
  guint n_sms;                 /* BLOCKS_*: SMs the group spans */
  const guint32 *pairs;        /* BLOCKS_*: n_sms entries, (sm << 16) | blocks */
  guint blocks;                /* BLOCKS_*: blocks in the group */
} TsGpuEvent;

typedef void (*TsGpuObserverFn) (gpointer data, const TsGpuEvent *ev);

/* Creates a GPU on engine with the device and rules of profile (kept by reference). */
TsGpu *ts_gpu_new (TsEngine *engine, const TsProfile *profile);
void ts_gpu_free (TsGpu *gpu);

/* Creates a stream on priority level `level` (< profile->priority_levels); returns its index. */
guint ts_gpu_stream_new (TsGpu *gpu, guint level);

/* Appends kernel k to stream's FIFO at the current time; fn(data, tag) runs when it completes
 * (fn may be NULL).  k must outlive the launch and fit on an SM.  Returns a launch id (> 0). */
guint64 ts_gpu_launch (TsGpu *gpu, guint stream, const TsKernelDesc *k,
                       TsKernelDoneFn fn, gpointer data, guint64 tag);

/* Blocks per SM and block duration the GPU uses for k. */
guint ts_gpu_blocks_per_sm (const TsGpu *gpu, const TsKernelDesc *k);
TsTime ts_gpu_block_duration (const TsGpu *gpu, const TsKernelDesc *k);

/* Blocks currently resident (placed, not finished) on SM sm. */
guint ts_gpu_sm_resident (const TsGpu *gpu, guint sm);

/* Counters since creation. */
guint64 ts_gpu_kernels_completed (const TsGpu *gpu);
guint64 ts_gpu_blocks_completed (const TsGpu *gpu);

/* Installs an observer (one at most; NULL removes it). */
void ts_gpu_set_observer (TsGpu *gpu, TsGpuObserverFn fn, gpointer data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsGpu, ts_gpu_free)

G_END_DECLS
