/* tiersim — the simulated GPU (DESIGN §2, rules 1-6).
 *
 * Streams are FIFOs of launched kernels, each on a priority level (0 = highest).  A kernel becomes
 * eligible when it is at the head of its stream, the stream's previous kernel has completed, and
 * the profile's launch latency has passed since its launch.  Eligible kernels wait in their
 * level's execution queue in order of eligibility.  The dispatcher runs once per instant at which
 * something changed (after every completion and eligibility at that instant) and gives blocks to
 * kernels in priority order, as the profile's dispatch and placement rules say.  Blocks are never
 * evicted.
 *
 * Preemption (rule 4) is explicit: reset kills a stream's work (running blocks abort after the
 * profile's reset cost, their work is lost), drain sets a flag after which the stream's
 * undispatched blocks exit at entry (a block-check each) while running blocks finish.  A stream
 * may limit how many launched kernels sit in its device queue (window W); later launches wait in
 * its host queue.  A padded launch fuses a kernel with blocks of another ("pad") that may use only
 * SMs the first leaves free and must end by its last block: on its SMs padding never delays the
 * first, though it shares DRAM bandwidth with it (rule 5b).
 *
 * A kernel alone on the GPU takes its solo duration.  The blocks of one kernel placed in one
 * dispatch round start and end together: they are one "block group" with one completion event,
 * whatever their number.  Without contention (rules.contention = "none") a block takes the solo
 * duration divided by the wave count, ceil(blocks / (SMs x blocks-per-SM)).  With it (rule 5,
 * docs/model.md "Contention") a group holds remaining work that it does at a rate set by its
 * SMs' loads (a kernel's measured one-wave latency by occupancy, or processor sharing) and by
 * DRAM bandwidth shared among the resident kernels; rates settle once per instant.
 *
 * Cost: consecutive SMs in identical states (free resources, resident groups, load, bit for bit)
 * share one record, a "run", so the costs below count runs, not SMs: where the SMs hold the same
 * groups (a kernel alone, or two side by side, placed most-free) a placement or a completion
 * costs O(1) whatever the SM count; where each SM holds groups of its own, runs are SMs.  A run
 * splits where an operation covers part of it, and merges with an identical neighbour at the end
 * of an instant (a pass put off for some instants where merges seldom succeed).  A dispatch round
 * is O(runs) per kernel served, and O(runs freed since) for a kernel placed again after it took
 * all that fitted it (the head kernel under contention); a completion is O(runs the group spans);
 * an empty run is written whole, not updated; a launch derives its kernel's shape (blocks per SM,
 * contention inputs, block duration) only if the same description has not been launched lately.
 * With contention, settling an instant is O(entries in the group lists of the runs whose residents
 * changed), plus O(runs it spans) for a group that entered or whose heaviest SM lost load, only the
 * groups that entered when every touched SM ends it with its old load (a wave refilled as it was),
 * and O(kernels using bandwidth) when the memory rule's slowdown changes.  The
 * dispatcher runs without an event of its own when nothing else is pending at its instant
 * (ts_engine_defer).  A kernel heading its level with nothing more of it fitting passes its
 * steady waves without events ("wave chains" in gpu.c): one event per chain instead of two per
 * wave, with results identical to every wave's (a steady chain's waves take turns in a
 * time-sorted ring, and whole turns of a fixed rotation are passed in closed form).  Other
 * kernels' groups may stay resident beside it: the first of their events ends the chain, and a
 * chain starts only if each of its groups ends once before that.  An observer sees every wave,
 * so none runs while one is set. */
#pragma once

#include "sim/backend.h"
#include "sim/engine.h"
#include "sim/host.h"

G_BEGIN_DECLS

typedef struct _TsGpu TsGpu;

/* What an observer sees (tests, traces). */
typedef enum {
  TS_GPU_KERNEL_READY,   /* entered its level's execution queue */
  TS_GPU_BLOCKS_START,   /* a block group was placed: sms/counts describe it */
  TS_GPU_BLOCKS_END,     /* a block group finished */
  TS_GPU_BLOCKS_KILLED,  /* a block group was killed by a reset (ts_gpu_reset): its SMs are free */
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

/* Gives the GPU a host (rule 7; NULL: none, the default): streams with a thread then launch
 * through it, and it wakes up when a kernel it waits for completes, at the profile's host costs. */
void ts_gpu_set_host (TsGpu *gpu, TsHost *host);

/* The host thread that launches the stream's kernels (and waits for them), set before its first
 * launch: each API call costs it the profile's host dispatch (per operator the kernel stands for)
 * + launch, one after another, before
 * the kernel enters the device queue; a completion with a callback costs it sync + wakeup before
 * the callback runs.  A stream without a thread launches at once, as without a host. */
void ts_gpu_stream_set_thread (TsGpu *gpu, guint stream, guint thread);

/* Limits the stream's device queue to `window` kernels (0: unlimited, the default). */
void ts_gpu_stream_set_window (TsGpu *gpu, guint stream, guint window);

/* Appends launch l (see TsLaunch) to stream's FIFO at the current time.  Its kernels must outlive
 * the launch and fit on an SM.  Returns a launch id (> 0). */
guint64 ts_gpu_submit (TsGpu *gpu, guint stream, const TsLaunch *l);

/* The same for all of kernel k's blocks without a pad: fn(data, tag) runs when it completes (fn
 * may be NULL). */
guint64 ts_gpu_launch (TsGpu *gpu, guint stream, const TsKernelDesc *k,
                       TsKernelDoneFn fn, gpointer data, guint64 tag);

/* Reset (REEF's kill) of a stream: its host queue is cleared and its device-queue kernels
 * evicted now (none receives another block); its running blocks are killed after the profile's
 * host-queue-clear + flag-write + CU-reset costs, and their work is lost.  Returns the number of
 * host-queue kernels dropped; fn runs when the stream holds no block any more (after the
 * host-queue clear if nothing ran).  No other preemption of the stream may be in progress. */
guint ts_gpu_reset (TsGpu *gpu, guint stream, TsPreemptDoneFn fn, gpointer data);

/* Drain of a stream by flag: its host queue is cleared now; after the flag-write cost, the
 * device-queue kernels' undispatched blocks exit at entry (a block-check cost each) while running
 * blocks finish.  Returns the host-queue kernels dropped; fn runs when the stream is empty. */
guint ts_gpu_drain (TsGpu *gpu, guint stream, TsPreemptDoneFn fn, gpointer data);

/* Blocks per SM the GPU uses for k, and a block's duration: without contention solo / waves;
 * with it, a block's at k's full occupancy alone (the longest a block of k takes alone). */
guint ts_gpu_blocks_per_sm (const TsGpu *gpu, const TsKernelDesc *k);
TsTime ts_gpu_block_duration (const TsGpu *gpu, const TsKernelDesc *k);

/* Other processors on the GPU's DRAM (an SoC's DLAs, sim/dla.h) under the memory rule (rule 5b):
 * each has a demand m in [0, 1], the share of the DRAM bandwidth (ts_gpu_memory_bandwidth) its
 * present work would take alone, as a kernel's m.  Their terms join the resident kernels' in the
 * common slowdown s, which then slows their memory-bound shares as it slows the kernels'.
 * ts_gpu_memory_external (re)points the GPU at the n demands (the caller keeps the array and
 * calls again whenever a value changes, after the instant's completions); fn(data, s) runs
 * whenever s changes, at the end of the instant.  Without the memory rule (a profile without
 * bandwidth, or rules.contention not "sm+memory") nothing is shared: s stays 1 and the
 * bandwidth reads 0. */
typedef void (*TsGpuMemoryFn) (gpointer data, double slowdown);
void ts_gpu_memory_set_peer (TsGpu *gpu, TsGpuMemoryFn fn, gpointer data);
void ts_gpu_memory_external (TsGpu *gpu, const double *demand, guint n);
double ts_gpu_memory_slowdown (const TsGpu *gpu);
double ts_gpu_memory_bandwidth (const TsGpu *gpu);

/* Blocks currently resident (placed, not finished) on SM sm. */
guint ts_gpu_sm_resident (const TsGpu *gpu, guint sm);

/* Usage since creation, for the power model: SM-ns during which an SM held at least one block
 * (placed, until it ended or was killed), and DRAM bytes moved by blocks that ran to completion
 * (a kernel's dram_bytes shared evenly among its blocks; counted when its launch is released). */
double ts_gpu_sm_busy_ns (const TsGpu *gpu);
double ts_gpu_dram_bytes (const TsGpu *gpu);

/* Counters since creation. */
guint64 ts_gpu_kernels_completed (const TsGpu *gpu);
guint64 ts_gpu_blocks_completed (const TsGpu *gpu);

/* Checks the GPU's internal state against a recomputation from scratch, in O(SMs x groups): the
 * runs of identical SMs (they tile the GPU, their links hold), the SMs' free resources and loads
 * against their resident groups, every running group's rate against its SMs' loads now, the SMs
 * that placement skips as full, a wave chain's queue.
 * Returns FALSE (with a message saying what) if one is wrong.  Call it between instants (no event
 * pending at the current time); for tests. */
gboolean ts_gpu_verify (const TsGpu *gpu);

/* A hash of what orders the GPU's future events beyond their times, for tests: the resident
 * groups in the orders the GPU keeps them (each SM's list, the list of live groups) with their
 * remaining work, rates and due times.  Two runs of the same work (with and without wave chains)
 * agree on it whenever no chain is on. */
guint64 ts_gpu_order_digest (const TsGpu *gpu);

/* Installs an observer (one at most; NULL removes it). */
void ts_gpu_set_observer (TsGpu *gpu, TsGpuObserverFn fn, gpointer data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsGpu, ts_gpu_free)

G_END_DECLS
