/* tiersim — the one seam: what a policy may ask of a GPU (DESIGN §1).
 *
 * A policy never knows which backend runs it.  It creates streams on priority levels, launches
 * kernels on them (learning of their completion through a callback), reads the clock and sets
 * timers.  The simulated backend implements this on the event engine in virtual time
 * (sim/backend-sim.h); a real backend implements it on CUDA streams in wall-clock time.  This
 * header owns every type the seam uses and includes nothing of the simulated GPU. */
#pragma once

#include <string.h>

#include "sim/model.h"

G_BEGIN_DECLS

typedef struct _TsBackend TsBackend;

/* Handles: a stream and a host thread are indices from 0, in the order the backend created them. */
typedef guint TsStreamId;
typedef guint TsThreadId;

/* Called when a launched kernel has completed (plus the profile's sync wake-up).  Not called for
 * a kernel whose blocks did not all run (reset, drained). */
typedef void (*TsKernelDoneFn) (gpointer data, guint64 tag);

/* Called when a pad completes, with the number of its blocks that ran (a pad that could not end
 * in time runs fewer than asked). */
typedef void (*TsPadDoneFn) (gpointer data, guint64 tag, guint32 blocks_done);

/* The outcome of one preemption, as its completion callback sees it. */
typedef struct {
  TsTime requested;            /* the reset/drain call */
  TsTime done;                 /* none of the stream's blocks runs any more */
  guint host_dropped;          /* kernels removed from the host queue, never launched */
  guint device_dropped;        /* launched kernels that did not complete */
  gboolean have_unfinished;    /* whether some launched kernel did not complete: */
  guint64 unfinished_tag;      /*   the first one's tag, */
  guint32 unfinished_done;     /*   and how many of its blocks ran to completion */
  guint64 aborted_blocks;      /* reset: running blocks killed */
  TsTime aborted_block_ns;     /* reset: their summed elapsed time (placement to kill) */
  double wasted_gpu_ns;        /* reset: the same weighted by each block's share of the GPU,
                                * 1 / (SMs x blocks-per-SM): GPU-time lost */
} TsPreemptResult;

typedef void (*TsPreemptDoneFn) (gpointer data, const TsPreemptResult *result);

/* One launch on a stream: a kernel, all of its blocks or only its last `blocks` (a kernel resumed
 * after some of its blocks ran; blocks keep the duration they have in the whole kernel), and what
 * to call when it completes.  With a pad (REEF's dynamic kernel padding) the launch is fused with
 * pad_blocks blocks of kernel `pad`, which may be placed only on SMs where the kernel placed no
 * block, only once the kernel is fully dispatched, and only if they end by its last block; the
 * launch completes when both parts have, and done(data, tag) and pad_done(pad_data, pad_tag,
 * blocks that ran) then run.  A new launch option is a new field here (zero: as before). */
typedef struct {
  const TsKernelDesc *kernel;
  guint32 blocks;               /* 0: all of kernel's blocks; else 1..kernel->blocks, its last ones */
  TsKernelDoneFn done;          /* may be NULL */
  gpointer data;
  guint64 tag;
  const TsKernelDesc *pad;      /* NULL: no pad */
  guint32 pad_blocks;           /* with a pad: 1..pad->blocks */
  TsPadDoneFn pad_done;         /* may be NULL */
  gpointer pad_data;
  guint64 pad_tag;
} TsLaunch;

/* The blocks launch l runs of its kernel. */
static inline guint32 ts_launch_blocks (const TsLaunch *l) { return l->blocks ? l->blocks : l->kernel->blocks; }

typedef void (*TsTimerFn) (gpointer data, guint64 arg);

/* What the machine has used since the backend was created, for the power model (issue 19). */
typedef struct {
  double sm_busy_ns;     /* SM-ns during which an SM held at least one block */
  double dram_bytes;     /* DRAM bytes moved by the blocks that ran */
  double host_busy_ns;   /* CPU-ns the host's threads spent (0 without a host model) */
} TsUsage;

typedef struct {
  const char *name;
  TsTime (*now) (TsBackend *be);
  guint (*levels) (TsBackend *be);
  TsStreamId (*stream_new) (TsBackend *be, guint level);
  void (*stream_set_window) (TsBackend *be, TsStreamId stream, guint window);
  void (*launch) (TsBackend *be, TsStreamId stream, const TsLaunch *l);
  guint (*reset) (TsBackend *be, TsStreamId stream, TsPreemptDoneFn fn, gpointer data);
  guint (*drain) (TsBackend *be, TsStreamId stream, TsPreemptDoneFn fn, gpointer data);
  guint (*sms) (TsBackend *be);
  void (*kernel_shape) (TsBackend *be, const TsKernelDesc *k, guint *blocks_per_sm, TsTime *block_ns);
  guint64 (*timer_set) (TsBackend *be, TsTime at, TsTimerFn fn, gpointer data, guint64 arg);
  gboolean (*timer_cancel) (TsBackend *be, guint64 id);
  gboolean (*run) (TsBackend *be, GError **error);
  void (*counters) (TsBackend *be, guint64 *kernels, guint64 *events);
  /* Host threads (DESIGN §2 rule 7); NULL in a backend whose host costs are real. */
  TsThreadId (*thread_new) (TsBackend *be);
  void (*stream_set_thread) (TsBackend *be, TsStreamId stream, TsThreadId thread);
  /* Usage so far (issue 19); NULL in a backend that cannot say. */
  gboolean (*usage) (TsBackend *be, TsUsage *out);
  void (*free) (TsBackend *be);
  /* Accelerators beside the GPU (sim/dla.h); NULL in a backend without them. */
  const TsDlaModel *(*dla) (TsBackend *be);
  void (*launch_dla) (TsBackend *be, guint dla, const TsLaunch *l);
} TsBackendOps;

struct _TsBackend {
  const TsBackendOps *ops;
};

/* Current time. */
static inline TsTime ts_backend_now (TsBackend *be) { return be->ops->now (be); }

/* Number of stream priority levels; level 0 is the highest, levels - 1 the lowest. */
static inline guint ts_backend_levels (TsBackend *be) { return be->ops->levels (be); }

/* Creates a stream on a priority level; returns its index. */
static inline TsStreamId ts_backend_stream_new (TsBackend *be, guint level) { return be->ops->stream_new (be, level); }

/* Limits the stream's device queue to `window` launched kernels (0: unlimited); further
 * launches wait in its host queue. */
static inline void
ts_backend_stream_set_window (TsBackend *be, TsStreamId stream, guint window)
{
  be->ops->stream_set_window (be, stream, window);
}

/* Launches l on stream, after the stream's earlier launches (see TsLaunch), e.g.
 *   ts_backend_launch (be, stream, &(TsLaunch) { .kernel = k, .done = fn, .data = self, .tag = t }); */
static inline void
ts_backend_launch (TsBackend *be, TsStreamId stream, const TsLaunch *l)
{
  be->ops->launch (be, stream, l);
}

/* Preempts a stream by reset (kill) or by drain (flag), as ts_gpu_reset / ts_gpu_drain (sim/gpu.h) say;
 * returns the host-queue kernels dropped; fn runs when none of the stream's blocks runs. */
static inline guint
ts_backend_reset (TsBackend *be, TsStreamId stream, TsPreemptDoneFn fn, gpointer data)
{
  return be->ops->reset (be, stream, fn, data);
}

static inline guint
ts_backend_drain (TsBackend *be, TsStreamId stream, TsPreemptDoneFn fn, gpointer data)
{
  return be->ops->drain (be, stream, fn, data);
}

/* Number of SMs, and how the GPU runs kernel k: blocks per empty SM and block duration. */
static inline guint ts_backend_sms (TsBackend *be) { return be->ops->sms (be); }

static inline void
ts_backend_kernel_shape (TsBackend *be, const TsKernelDesc *k, guint *blocks_per_sm, TsTime *block_ns)
{
  be->ops->kernel_shape (be, k, blocks_per_sm, block_ns);
}

/* A host thread of the policy's (a dedicated worker, say); returns its index.  Each stream is
 * launched by a thread of its own unless it is given another one, before its first launch, by
 * ts_backend_stream_set_thread: a thread spends the host's launch costs on its streams' kernels
 * one after another, and wakes up for their callbacks.  On a real GPU these costs happen by
 * themselves, and both calls do nothing. */
static inline TsThreadId
ts_backend_thread_new (TsBackend *be)
{
  return be->ops->thread_new != NULL ? be->ops->thread_new (be) : 0;
}

static inline void
ts_backend_stream_set_thread (TsBackend *be, TsStreamId stream, TsThreadId thread)
{
  if (be->ops->stream_set_thread != NULL)
    be->ops->stream_set_thread (be, stream, thread);
}

/* The backend's DLA engines (profile.h's TsDlaModel: count, supported kinds, costs), or NULL when
 * it has none: the real backend drives CUDA GPUs only. */
static inline const TsDlaModel *
ts_backend_dla (TsBackend *be)
{
  return be->ops->dla != NULL ? be->ops->dla (be) : NULL;
}

static inline guint
ts_backend_dlas (TsBackend *be)
{
  const TsDlaModel *d = ts_backend_dla (be);
  return d != NULL ? d->count : 0;
}

/* Appends l's layer (of a kind the engines support; a whole layer, without a pad) to DLA engine
 * `dla`'s FIFO; l->done(l->data, l->tag) runs when it completes.  A backend without that engine
 * refuses: FALSE, with an error saying so. */
static inline gboolean
ts_backend_launch_dla (TsBackend *be, guint dla, const TsLaunch *l, GError **error)
{
  const TsKernelDesc *k = l->kernel;
  g_return_val_if_fail (l->blocks == 0 && l->pad == NULL, FALSE);
  const TsDlaModel *d = ts_backend_dla (be);
  if (d == NULL || dla >= d->count || be->ops->launch_dla == NULL)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_RUN, "backend '%s' has %u DLA engine(s): it cannot run layer %s on DLA %u%s",
                   be->ops->name, d != NULL ? d->count : 0, k->name, dla,
                   d == NULL ? " (only the simulated backend models accelerators beside the GPU)" : "");
      return FALSE;
    }
  if (!d->supports[k->kind])
    {
      g_set_error (error, TS_ERROR, TS_ERROR_RUN, "DLA %u cannot run layer %s: its kind (%s) is not in the profile's dla.supports",
                   dla, k->name, ts_kind_name (k->kind));
      return FALSE;
    }
  be->ops->launch_dla (be, dla, l);
  return TRUE;
}

/* Runs fn(data, arg) at time `at` (>= now); returns an id for ts_backend_timer_cancel. */
static inline guint64
ts_backend_timer_set (TsBackend *be, TsTime at, TsTimerFn fn, gpointer data, guint64 arg)
{
  return be->ops->timer_set (be, at, fn, data, arg);
}

/* Cancels a pending timer; FALSE if it already fired. */
static inline gboolean ts_backend_timer_cancel (TsBackend *be, guint64 id) { return be->ops->timer_cancel (be, id); }

/* Runs until no timer, kernel or callback is pending. */
static inline gboolean ts_backend_run (TsBackend *be, GError **error) { return be->ops->run (be, error); }

/* Kernels completed and events (timers, for a real backend) run so far. */
static inline void
ts_backend_counters (TsBackend *be, guint64 *kernels, guint64 *events)
{
  be->ops->counters (be, kernels, events);
}

/* What the machine has used so far (see TsUsage); FALSE (and *out zeroed) if the backend cannot
 * say. */
static inline gboolean
ts_backend_usage (TsBackend *be, TsUsage *out)
{
  memset (out, 0, sizeof *out);
  return be->ops->usage != NULL && be->ops->usage (be, out);
}

static inline void ts_backend_free (TsBackend *be) { if (be) be->ops->free (be); }

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsBackend, ts_backend_free)

G_END_DECLS
