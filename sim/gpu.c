#include "config.h"

#include <math.h>
#include <string.h>

#include "sim/contention.h"
#include "sim/gpu.h"

#define NONE G_MAXUINT32

/* One launched kernel (or the pad of a padded launch), from launch until its completion has been
 * notified. */
typedef struct {
  const TsKernelDesc *desc;
  TsKernelDoneFn fn;
  TsPadDoneFn pad_fn;    /* pads only */
  gpointer data;
  guint64 tag;
  guint64 id;
  TsTime ready_at;
  TsTime block_ns;       /* block_check once draining */
  TsTime last_end;       /* latest end of its groups placed so far */
  guint32 stream;
  guint32 next;          /* host queue, stream FIFO, then level queue; free list when unused */
  guint32 n_blocks;      /* blocks in this launch */
  guint32 undispatched;  /* blocks not yet placed */
  guint32 remaining;     /* blocks not yet finished or cancelled */
  guint32 done_real;     /* blocks that ran to completion (not as drained no-ops) */
  guint32 per_sm;        /* blocks that fit on an empty SM */
  guint32 live;          /* its block groups resident now (contention: its bandwidth counts) */
  guint32 n_res;         /* its block groups resident now (live or not) */
  /* Contention (rule 5).  A block's work is `work` ns at speed 1, the speed of one block alone on
   * an SM; the speed at equivalent occupancy x is occ[0] / L(x) from the curve, or 1 / max(1, x d)
   * without one.  `demand` converts other kernels' blocks into blocks of this one. */
  double work;
  double demand;         /* d: share of an SM one block takes at full speed */
  double mem_frac;       /* m: share of its solo time spent moving its DRAM bytes at full bandwidth */
  const double *occ;     /* measured one-wave latencies (ns) at 1..n_occ blocks per SM, or NULL */
  guint32 n_occ;
  guint32 partner;       /* padded launch: the pad of a main kernel, or the main of a pad */
  guint64 *used_sms;     /* main of a padded launch: SMs its blocks were placed on */
  gboolean is_pad, draining, finished;
  guint32 need_threads, need_regs, need_smem;
  guint64 inv_threads, inv_regs, inv_smem;  /* reciprocals for div_exact(); 0 if no need */
} KRun;

typedef enum { PREEMPT_NONE, PREEMPT_RESET, PREEMPT_DRAIN } PreemptKind;

typedef struct {
  guint32 level;
  guint32 window;        /* device-queue capacity; NONE = unlimited */
  guint32 host_head, host_tail;  /* submitted, waiting for room in the device queue */
  /* The host (rule 7): the thread that launches the stream's kernels, or NONE (no host costs).
   * Its API call for a host-queue kernel takes CPU time: the first n_issuing kernels of the host
   * queue are in calls, issue_next is the first that is not.  Dropping the host queue bumps
   * issue_epoch, so that calls still on the thread then come to nothing. */
  guint32 thread;
  guint32 n_issuing, issue_next, issue_epoch;
  guint32 head, tail;    /* launched, not yet eligible */
  guint32 active;        /* eligible or running kernel, or NONE */
  guint32 n_device;      /* kernels in head..tail plus active */
  gboolean ready_event;  /* a READY event is pending for the head */
  PreemptKind preempt;
  TsPreemptResult pr;
  TsPreemptDoneFn pfn;
  gpointer pdata;
} Stream;

typedef struct {
  guint32 head, tail;    /* eligible kernels with undispatched blocks, in order of eligibility */
} LevelQueue;

typedef struct {
  guint32 threads, regs, smem, slots;
} SmFree;

/* A range of consecutive SMs on each of which a group holds the same number of blocks. */
typedef struct {
  guint16 lo, n, blocks;
} Piece;

typedef struct {
  guint32 krun;
  guint32 n_sms;         /* SMs it spans */
  guint32 n_pieces;      /* the ranges they form (TsGpu.group_pieces) */
  guint32 blocks;        /* 0 while the group is free */
  guint32 next_free;
  gboolean noop;         /* drained blocks that exit at entry */
  guint32 mark;          /* contention: visited in this update */
  guint32 live_pos;      /* contention: its index in TsGpu.live */
  guint32 frag;          /* its index in the chain's fragments, or NONE */
  TsTime start;
  TsEventId event;
  /* Contention: each block's remaining work (ns at speed 1) as of `since`, consumed at `rate`.
   * `since` starts at placement + block_dispatch, when the blocks begin to run. */
  double left, rate;
  TsTime since;
  TsTime due;            /* when its event fires: never after its work can be done */
  /* Contention: the speed group_rate last computed and what it depends on (its heaviest SM's
   * load and the memory rule's factor), for settles that find them unchanged: mem_slow 0
   * (never a factor) until the first. */
  double memo_load, memo_slow, memo_speed;
  /* rates_settle, for a group found on touched SMs: the highest of their loads now, and whether
   * one of them held memo_load before the instant and holds less now */
  double settle_max;
  gboolean settle_drop;
  guint64 entered;       /* contention: TsGpu.instant when it entered (contention_enter) */
} Group;

/* A chain: the waves of one kernel alone, done without events (see "wave chains" below). */
#define CHAIN_MAX_FRAGS 64
#define CHAIN_MAX_STEPS 4

typedef struct {
  guint32 gi;            /* its group */
  guint32 blocks;
  gboolean virt;         /* its wave at the chain's start has ended: its waves since are virtual */
  gboolean fired;        /* that wave's event came (chain_refill), its refill not yet applied */
  TsTime start;          /* virt: when its present wave was placed */
  TsTime next;           /* when its present wave ends (and is refilled, before the chain's stop) */
  TsTime period;         /* a virtual wave, placement to end */
  double rate;           /* a virtual wave's rate (contention) */
  guint32 n_steps;       /* a virtual wave's events (its end, and early ones before it) */
  TsTime step_at[CHAIN_MAX_STEPS];     /* their times from placement */
  double step_left[CHAIN_MAX_STEPS];   /* the work left after each (contention) */
} ChainFrag;

/* Fragments in order of time, a ring: the one at position p (0: the first) is idx[(head + p) %
 * CHAIN_MAX_FRAGS], with time key[] there.  A fragment refilled goes back in after all the
 * others as a rule (a steady chain's waves take turns), so inserting from the back costs O(1)
 * where a heap costs O(log n) sifts. */
G_STATIC_ASSERT ((CHAIN_MAX_FRAGS & (CHAIN_MAX_FRAGS - 1)) == 0);
typedef struct {
  TsTime key[CHAIN_MAX_FRAGS];
  guint32 idx[CHAIN_MAX_FRAGS];
  guint32 head, n;
} FragQueue;

typedef struct {
  gboolean on;
  guint32 ki;            /* the kernel */
  guint32 level;
  TsTime stop;           /* the first completion that is not an identical refill */
  TsEventId event;       /* ev_chain_end at stop */
  guint32 n;
  ChainFrag frag[CHAIN_MAX_FRAGS];
  FragQueue queue;       /* the virtual fragments, by next */
  TsTime period;         /* the fragments' common period, or 0 if they differ (see frag_rotating) */
} Chain;

/* What krun_new derives from a kernel's description (its blocks per SM, resource needs and their
 * reciprocals, contention inputs, block duration), kept for the descriptions launched lately: a
 * model's kernels are launched over and over, and the derivation costs more than the rest of a
 * launch.  An entry serves a description at the same address whose fields that the derivation
 * reads (its key) are still as they were, bit for bit; the profile is the GPU's own. */
#define SHAPE_MEMO_SIZE 1024  /* a power of 2 */

typedef struct {
  const TsKernelDesc *desc;   /* NULL: an empty entry */
  guint32 blocks, threads, regs, smem, n_occupancy;
  TsTime duration;
  const double *occupancy_ns;
  double sm_demand, dram_bytes;
} ShapeKey;

typedef struct {
  ShapeKey key;
  KRun shape;                 /* a launch of it before its own fields are set (krun_new) */
} ShapeMemo;

struct _TsGpu {
  TsEngine *engine;
  const TsProfile *prof;
  guint n_sms;
  guint mask_words;      /* guint64 words of an SM bitset */

  /* Runs: consecutive SMs whose states are identical, bit for bit (free resources, blocks, load,
   * group list), share one record, kept at the run's first SM: every per-SM array below is read
   * and written at run starts only.  An operation on part of a run splits it first (run_split);
   * runs found identical at the end of an instant merge (runs_merge).  The model is the one SM by
   * SM: each SM of a run would have undergone the same operations, in the same order. */
  guint32 *run_len;      /* at a run start: its SMs */
  guint32 *run_prev;     /* at a run start: the start of the run before it (NONE for SM 0) */
  guint64 *run_head;     /* bitset of the run starts (SM 0 always) */
  guint32 *dirty;        /* run starts that blocks left since the last merge pass */
  guint32 n_dirty;
  /* runs_merge's recent record: runs looked at and merges made (run_merge; both halved as they
   * grow), and the passes it has put off since its last */
  guint32 merge_looks, merge_hits, merge_skipped;
  guint8 *dirty_flag;    /* per SM: in dirty */
  SmFree *free;          /* per run: its SMs' free resources, each */
  guint32 *resident;     /* per run: blocks placed and not finished, on each SM */
  guint64 free_slots;    /* sum of free[].slots: 0 means nothing can be placed */
  /* Contention (rule 5), when the profile's rule is not "none". */
  gboolean sm_rule, mem_rule;
  double *load;          /* per run: an SM's sum over its resident blocks of their kernel's demand */
  guint32 *sm_groups;    /* per run, max_blocks_per_sm entries: an SM's resident groups */
  guint32 *sm_n_groups;
  /* Runs whose load changed at this instant, a list in the order of their SMs' first change
   * (a run split after it joined the list: its pieces follow one another, as their SMs did) */
  guint32 *touched_next; /* per run: the next in the list, or NONE */
  guint32 touched_head, touched_tail;
  guint32 n_touched_sms; /* SMs in them */
  guint64 instant;       /* numbers the lists of touched runs */
  guint64 *sm_stamp;     /* per run: the `instant` at which it was last put in touched */
  double *load_before;   /* per run in touched: its load when it was put there */
  gboolean moved;        /* while settling: some touched run has a load not of load_before's bits */
  guint32 n_fresh;       /* live groups that entered at this instant */
  guint32 fresh;         /* the last of them to enter, or NONE if it left */
  gboolean mem_dirty;    /* mem_rho changed at this instant */
  guint32 *live;         /* the resident groups that contention applies to (not drained ones) */
  guint32 *settle_order; /* scratch, rates_settle: groups in the order it updates them */
  guint32 n_live;
  guint32 epoch;         /* marks groups already updated in this pass */
  double bandwidth;      /* bytes per ns the memory rule shares; 0: no memory rule */
  double mem_rho;        /* sum of the resident kernels' m: their demand over the bandwidth */
  guint32 *mem_live;     /* the kernels with live groups and m > 0, by index: memory_slowdown's terms */
  guint32 n_mem_live;
  double mem_slow;       /* s >= 1: how much slower every memory-bound share runs now */
  const double *ext_m;   /* other processors' demands on the same DRAM (ts_gpu_memory_external) */
  guint n_ext;
  double ext_rho;        /* their sum */
  TsGpuMemoryFn mem_fn;  /* told when mem_slow changes */
  gpointer mem_data;
  guint rr_next;         /* round-robin placement cursor */

  KRun *kruns;
  guint32 n_kruns, kruns_cap, krun_free;

  Group *groups;
  Piece *group_pieces;   /* n_sms entries per group: its pieces, by SM id */
  guint32 *obs_pairs;    /* scratch for observers: a group's (sm << 16) | blocks, SM by SM */
  guint32 n_groups, groups_cap, group_free;

  Stream *streams;
  guint n_streams, streams_cap;
  LevelQueue *levels;

  gboolean dispatch_pending;
  TsHost *host;          /* rule 7, or NULL: launching and synchronising cost no CPU time */
  guint32 *fit;          /* scratch, per run: blocks of the kernel being placed that each SM fits */
  guint32 *give;         /* scratch, per SM (a run each): blocks given in this round (round-robin) */
  guint32 *hist;         /* scratch: SMs per fit value */
  guint32 *cand;         /* scratch, place_kernel: the runs that fit a block, by id */
  guint64 *cand_mask;    /* scratch, place_kernel: the same as a bitset (all 0 between uses) */
  /* Fits known to be 0 (place_kernel): fit_zero_id is the launch whose last placement took all
   * that fitted it and left it blocks to place, which left it no room on any SM; since then
   * only the SMs in `freed` (their resources grew, or they were empty then: an empty SM is
   * given per_sm, which may be less than its resources fit) can fit it.  0: none.  The list holds
   * run starts, some of which may have been merged away since (they are skipped). */
  guint64 fit_zero_id;
  guint32 *freed;
  guint32 n_freed;
  guint64 freed_epoch;   /* numbers the lists `freed`; freed_stamp[s] == it: run s is in it */
  guint64 *freed_stamp;

  guint64 next_launch_id;
  guint64 kernels_completed, blocks_completed;

  TsGpuObserverFn observer;
  gpointer observer_data;

  /* Usage for the power model (issue 19): SM-ns with a block resident, summed up to busy_mark
   * (n_busy SMs busy since), and DRAM bytes of the blocks that ran. */
  double sm_busy_ns;
  TsTime busy_mark;
  guint32 n_busy;
  double dram_bytes;

  guint32 n_res_groups;  /* block groups resident (placed and not ended), live or not */
  guint32 n_special;     /* pending COMPLETE-class events that are no group's: resets, drains, pads */
  Chain chain;
  guint32 foreign_witness;  /* chain_try: the last foreign group found to rule a chain out */
  ShapeMemo *shapes;     /* SHAPE_MEMO_SIZE entries (krun_new) */
};

static void ev_dispatch (gpointer data, guint64 arg);
static void ev_complete (gpointer data, guint64 arg);
static void ev_ready (gpointer data, guint64 arg);
static void ev_notify (gpointer data, guint64 arg);
static void kernel_finished (TsGpu *g, guint32 ki);
static void chain_materialize (TsGpu *g, gboolean inclusive);

/* ---- runs of identical SMs (TsGpu.run_len) ---- */

static inline gboolean
run_is_start (const TsGpu *g, guint i)
{
  return (g->run_head[i / 64] >> (i % 64)) & 1;
}

/* The start of the run that holds SM i. */
static inline guint
run_find (const TsGpu *g, guint i)
{
  if (run_is_start (g, i))  /* the usual case: a group's piece starts a run */
    return i;
  guint w = i / 64;
  guint64 m = g->run_head[w] & (G_MAXUINT64 >> (63 - i % 64));
  while (m == 0)  /* SM 0 starts a run: this ends */
    m = g->run_head[--w];
  return w * 64 + 63 - (guint) __builtin_clzll (m);
}

/* Splits run s at SM p (s < p < its end): p starts a run with a copy of s's state, and takes its
 * places in the list of touched runs (after s) and the list of freed SMs. */
static void
run_split (TsGpu *g, guint s, guint p)
{
  guint32 len = g->run_len[s];
  g->run_len[s] = p - s;
  g->run_len[p] = s + len - p;
  g->run_prev[p] = s;
  if (s + len < g->n_sms)
    g->run_prev[s + len] = p;
  g->run_head[p / 64] |= G_GUINT64_CONSTANT (1) << (p % 64);
  g->free[p] = g->free[s];
  g->resident[p] = g->resident[s];
  /* A start once merged away may still be in the freed list: it is never listed twice. */
  if (g->freed_stamp[s] == g->freed_epoch && g->freed_stamp[p] != g->freed_epoch)
    g->freed_stamp[p] = g->freed_epoch, g->freed[g->n_freed++] = p;
  if (!g->sm_rule)
    return;
  guint cap = g->prof->max_blocks_per_sm;
  g->load[p] = g->load[s];
  g->sm_n_groups[p] = g->sm_n_groups[s];
  memcpy (&g->sm_groups[(gsize) p * cap], &g->sm_groups[(gsize) s * cap], g->sm_n_groups[s] * sizeof (guint32));
  if (g->sm_stamp[s] == g->instant)
    {
      g->sm_stamp[p] = g->instant;
      g->load_before[p] = g->load_before[s];
      g->touched_next[p] = g->touched_next[s];
      g->touched_next[s] = p;
      if (g->touched_tail == s)
        g->touched_tail = p;
    }
  else
    g->sm_stamp[p] = 0;
}

/* Makes SMs lo and hi (if < n_sms) run starts, so that [lo, hi) is made of whole runs. */
static inline void
run_isolate (TsGpu *g, guint lo, guint hi)
{
  if (!run_is_start (g, lo))
    run_split (g, run_find (g, lo), lo);
  if (hi < g->n_sms && !run_is_start (g, hi))
    run_split (g, run_find (g, hi), hi);
}

/* Notes that run s changed (runs_merge looks at it). */
static inline void
run_dirty (TsGpu *g, guint s)
{
  if (!g->dirty_flag[s])
    {
      g->dirty_flag[s] = 1;
      g->dirty[g->n_dirty++] = s;
    }
}

/* Whether runs a and b hold identical states, bit for bit (between instants).  The load first:
 * where it is kept, it tells most runs apart, and the test is inlined. */
static gboolean run_same_rest (const TsGpu *g, guint a, guint b);

static inline gboolean
run_same (const TsGpu *g, guint a, guint b)
{
  return (!g->sm_rule || memcmp (&g->load[a], &g->load[b], sizeof (double)) == 0) && run_same_rest (g, a, b);
}

static gboolean
run_same_rest (const TsGpu *g, guint a, guint b)
{
  if (g->resident[a] != g->resident[b] || memcmp (&g->free[a], &g->free[b], sizeof (SmFree)) != 0)
    return FALSE;
  if (!g->sm_rule)
    return TRUE;
  guint cap = g->prof->max_blocks_per_sm;
  return g->sm_n_groups[a] == g->sm_n_groups[b]
         && memcmp (&g->sm_groups[(gsize) a * cap], &g->sm_groups[(gsize) b * cap], g->sm_n_groups[a] * sizeof (guint32)) == 0;
}

/* Run b, right after run a, joins it.  If either was in the freed list, the run is: that is
 * exact, as a run not in it fits fit_zero_id's kernel nowhere (TsGpu.fit_zero_id), and so
 * neither does the other, identical one. */
static inline void
run_merge (TsGpu *g, guint a, guint b)
{
  if (g->freed_stamp[b] == g->freed_epoch && g->freed_stamp[a] != g->freed_epoch)
    g->freed_stamp[a] = g->freed_epoch, g->freed[g->n_freed++] = a;
  g->run_len[a] += g->run_len[b];
  g->merge_hits++;
  if (a + g->run_len[a] < g->n_sms)
    g->run_prev[a + g->run_len[a]] = a;
  g->run_head[b / 64] &= ~(G_GUINT64_CONSTANT (1) << (b % 64));
}

/* Run s joins its neighbours where their states are identical. */
static inline void
run_merge_around (TsGpu *g, guint s)
{
  guint e;
  if (!run_is_start (g, s))
    return;  /* merged into one before it */
  while ((e = s + g->run_len[s]) < g->n_sms && run_same (g, s, e))
    run_merge (g, s, e);
  guint l = g->run_prev[s];
  if (l != NONE && run_same (g, l, s))
    run_merge (g, l, s);
}

/* Whether runs have seldom turned out identical lately (fewer than 1 look in 16 merged): SMs
 * each in a state of their own, where runs are SMs. */
static inline gboolean
runs_seldom_merge (const TsGpu *g)
{
  return g->merge_hits * 16 < g->merge_looks;
}

/* At the end of an instant, once its rates have settled: each run that blocks left joins its
 * neighbours where their states are identical.  (Blocks placed never make two runs identical:
 * they were one run if they were, and a new group is on neither.) */
static void
runs_merge (TsGpu *g)
{
  /* Where runs seldom merge, looking costs more than merging saves: a pass then waits for 7
   * more instants' runs.  Deterministic, and exact either way: runs left apart only cost time. */
  if (runs_seldom_merge (g) && ++g->merge_skipped < 8)
    return;
  g->merge_skipped = 0;
  for (guint32 j = 0; j < g->n_dirty; j++)
    {
      g->dirty_flag[g->dirty[j]] = 0;
      run_merge_around (g, g->dirty[j]);
    }
  g->merge_looks += g->n_dirty;  /* (run_merge counts merge_hits) */
  if (g->merge_looks > 4096)
    g->merge_looks /= 2, g->merge_hits /= 2;
  g->n_dirty = 0;
}

/* Splits every run into single SMs (placement that goes SM by SM: round-robin), or, given a
 * bitset, into runs each wholly in it or wholly out of it (a pad's forbidden SMs). */
static void
runs_split_by (TsGpu *g, const guint64 *mask)
{
  for (guint i = 1; i < g->n_sms; i++)
    if (!run_is_start (g, i)
        && (mask == NULL || ((mask[i / 64] >> (i % 64)) & 1) != ((mask[(i - 1) / 64] >> ((i - 1) % 64)) & 1)))
      run_split (g, run_find (g, i), i);
}

TsGpu *
ts_gpu_new (TsEngine *engine, const TsProfile *profile)
{
  g_return_val_if_fail (profile->sms > 0 && profile->sms < (1u << 16), NULL);
  g_return_val_if_fail (profile->max_blocks_per_sm < (1u << 16), NULL);
  /* div_exact() needs every per-SM amount below 2^21. */
  g_return_val_if_fail (profile->max_threads_per_sm < (1u << 21) && profile->registers_per_sm < (1u << 21)
                        && profile->shared_mem_per_sm < (1u << 21), NULL);
  TsGpu *g = g_new0 (TsGpu, 1);
  g->engine = engine;
  g->prof = profile;
  g->n_sms = profile->sms;
  g->mask_words = (profile->sms + 63) / 64;
  g->run_len = g_new (guint32, g->n_sms);
  g->run_head = g_new0 (guint64, g->mask_words);
  g->run_prev = g_new (guint32, g->n_sms);
  g->run_len[0] = g->n_sms, g->run_head[0] = 1, g->run_prev[0] = NONE;  /* every SM empty */
  g->dirty = g_new (guint32, g->n_sms);
  g->dirty_flag = g_new0 (guint8, g->n_sms);
  g->obs_pairs = g_new (guint32, g->n_sms);
  g->free = g_new (SmFree, g->n_sms);
  g->free[0] = (SmFree) { profile->max_threads_per_sm, profile->registers_per_sm,
                          profile->shared_mem_per_sm, profile->max_blocks_per_sm };
  g->resident = g_new0 (guint32, g->n_sms);
  g->free_slots = (guint64) g->n_sms * profile->max_blocks_per_sm;
  g->krun_free = NONE;
  g->group_free = NONE;
  g->levels = g_new (LevelQueue, profile->priority_levels);
  for (guint i = 0; i < profile->priority_levels; i++)
    g->levels[i] = (LevelQueue) { NONE, NONE };
  g->fit = g_new (guint32, g->n_sms);
  g->give = g_new (guint32, g->n_sms);
  g->cand = g_new (guint32, g->n_sms);
  g->cand_mask = g_new0 (guint64, g->mask_words);
  g->freed = g_new (guint32, g->n_sms);
  g->freed_stamp = g_new0 (guint64, g->n_sms);
  g->freed_epoch = 1;
  g->hist = g_new0 (guint32, profile->max_blocks_per_sm + 2);
  g->shapes = g_new0 (ShapeMemo, SHAPE_MEMO_SIZE);
  g->sm_rule = profile->contention_rule != TS_CONTENTION_NONE && profile->stand_in != TS_STAND_IN_TIMED;
  g->bandwidth = profile->contention_rule == TS_CONTENTION_SM_MEMORY ? ts_profile_dram_bandwidth (profile) : 0;
  g->mem_rule = g->bandwidth > 0;
  g->mem_slow = 1.0;
  if (g->sm_rule)
    {
      g->load = g_new0 (double, g->n_sms);
      g->sm_groups = g_new (guint32, (gsize) g->n_sms * profile->max_blocks_per_sm);
      g->sm_n_groups = g_new0 (guint32, g->n_sms);
      g->touched_next = g_new (guint32, g->n_sms);
      g->touched_head = g->touched_tail = NONE;
      g->sm_stamp = g_new0 (guint64, g->n_sms);
      g->load_before = g_new (double, g->n_sms);
      g->instant = 1;
      g->fresh = NONE;
    }
  return g;
}

void
ts_gpu_free (TsGpu *gpu)
{
  if (gpu == NULL)
    return;
  for (guint32 i = 0; i < gpu->n_kruns; i++)
    g_free (gpu->kruns[i].used_sms);
  g_free (gpu->run_len);
  g_free (gpu->run_prev);
  g_free (gpu->run_head);
  g_free (gpu->dirty);
  g_free (gpu->dirty_flag);
  g_free (gpu->obs_pairs);
  g_free (gpu->free);
  g_free (gpu->resident);
  g_free (gpu->kruns);
  g_free (gpu->mem_live);
  g_free (gpu->groups);
  g_free (gpu->group_pieces);
  g_free (gpu->streams);
  g_free (gpu->levels);
  g_free (gpu->fit);
  g_free (gpu->give);
  g_free (gpu->cand);
  g_free (gpu->cand_mask);
  g_free (gpu->freed);
  g_free (gpu->freed_stamp);
  g_free (gpu->hist);
  g_free (gpu->load);
  g_free (gpu->sm_groups);
  g_free (gpu->sm_n_groups);
  g_free (gpu->touched_next);
  g_free (gpu->sm_stamp);
  g_free (gpu->load_before);
  g_free (gpu->live);
  g_free (gpu->settle_order);
  g_free (gpu->shapes);
  g_free (gpu);
}

void
ts_gpu_set_observer (TsGpu *gpu, TsGpuObserverFn fn, gpointer data)
{
  if (gpu->chain.on)
    chain_materialize (gpu, TRUE);  /* an observer sees every block group */
  gpu->observer = fn;
  gpu->observer_data = data;
}

guint64 ts_gpu_kernels_completed (const TsGpu *gpu) { return gpu->kernels_completed; }
static void chain_catch_up (TsGpu *g, TsTime until);

guint64
ts_gpu_blocks_completed (const TsGpu *gpu)
{
  guint64 n = 0;
  if (gpu->chain.on)  /* the waves that ended so far: bookkeeping only, nothing is scheduled */
    {
      TsTime now = ts_engine_now (gpu->engine);
      chain_catch_up ((TsGpu *) gpu, now);
      for (guint32 j = 0; j < gpu->chain.n; j++)
        if (gpu->chain.frag[j].virt && gpu->chain.frag[j].next == now)
          n += gpu->chain.frag[j].blocks;
    }
  return gpu->blocks_completed + n;
}

guint
ts_gpu_sm_resident (const TsGpu *gpu, guint sm)
{
  g_return_val_if_fail (sm < gpu->n_sms, 0);
  return gpu->resident[run_find (gpu, sm)];
}

guint
ts_gpu_blocks_per_sm (const TsGpu *gpu, const TsKernelDesc *k)
{
  return ts_kernel_blocks_per_sm (k, gpu->prof);
}

/* ---- contention: a kernel's speed (rule 5a) ---- */

/* A non-negative duration in ns, rounded to nearest. */
static inline TsTime
round_ns (double ns)
{
  return (TsTime) (ns + 0.5);
}

/* The contention inputs of kernel k, and its block work: scaled so that the kernel alone (its
 * full waves at per_sm blocks per SM, the last one spread by placement) takes its solo duration.
 * A kernel that says nothing of its demand takes its share of the SM's thread slots, so that it
 * neither slows alone nor, among such kernels, together: contention needs data. */
static void
kernel_shape (const TsGpu *g, const TsKernelDesc *k, guint per_sm, KRun *r)
{
  const TsContention *syn = &g->prof->contention;
  TsStandIn as = syn->present ? g->prof->stand_in : TS_STAND_IN_MODEL;
  TsLoadKind kind = as == TS_STAND_IN_MEMORY ? TS_LOAD_MEMORY : TS_LOAD_COMPUTE;
  r->occ = as == TS_STAND_IN_MODEL ? k->occupancy_ns : syn->occupancy_ns[kind];
  r->n_occ = as == TS_STAND_IN_MODEL ? k->n_occupancy : syn->n_occupancy[kind];
  r->demand = r->occ != NULL ? ts_contention_curve_demand (r->occ, r->n_occ)
              : k->sm_demand > 0 ? k->sm_demand : (double) k->threads / g->prof->max_threads_per_sm;
  guint64 per_wave = (guint64) g->n_sms * per_sm;
  guint64 full = k->blocks / per_wave, rem = k->blocks % per_wave;
  double alone = full * ts_contention_curve_at (r->occ, r->n_occ, r->demand, per_sm);
  if (rem > 0)
    alone += ts_contention_curve_at (r->occ, r->n_occ, r->demand, (double) ((rem + g->n_sms - 1) / g->n_sms));
  double unit = ts_contention_curve_at (r->occ, r->n_occ, r->demand, 1.0);
  r->work = MAX (1.0, (double) k->duration * unit / alone);  /* a block takes 1 ns at least */
  r->mem_frac = g->bandwidth == 0 || as == TS_STAND_IN_COMPUTE ? 0
                : as == TS_STAND_IN_MEMORY ? 1.0  /* it streams all the time, at the device's bandwidth alone */
                : MIN (1.0, k->dram_bytes / g->bandwidth / (double) k->duration);
}

/* A block's duration: without contention, solo duration / waves; with it, a block's at the
 * kernel's full occupancy alone, the longest a block takes alone.  r: kernel_shape's result. */
static TsTime
block_duration (const TsGpu *gpu, const TsKernelDesc *k, guint per_sm, const KRun *r)
{
  guint64 per_wave = (guint64) gpu->n_sms * per_sm;
  g_return_val_if_fail (per_wave > 0, k->duration);
  guint64 waves = (k->blocks + per_wave - 1) / per_wave;
  if (!gpu->sm_rule)
    return MAX (1, (k->duration + (TsTime) waves / 2) / (TsTime) waves);
  double unit = ts_contention_curve_at (r->occ, r->n_occ, r->demand, 1.0);
  return MAX (1, round_ns (r->work * ts_contention_curve_at (r->occ, r->n_occ, r->demand, per_sm) / unit));
}

TsTime
ts_gpu_block_duration (const TsGpu *gpu, const TsKernelDesc *k)
{
  guint per_sm = ts_gpu_blocks_per_sm (gpu, k);
  KRun r = { 0 };  /* read only with contention, which fills it */
  if (gpu->sm_rule)
    kernel_shape (gpu, k, per_sm, &r);
  return block_duration (gpu, k, per_sm, &r);
}

static void
observe (TsGpu *g, TsGpuEventKind kind, const KRun *k, const Group *grp, const Piece *pieces)
{
  guint32 m = 0;
  for (guint32 j = 0; grp != NULL && j < grp->n_pieces; j++)
    for (guint i = pieces[j].lo; i < (guint) pieces[j].lo + pieces[j].n; i++)
      g->obs_pairs[m++] = (i << 16) | pieces[j].blocks;
  const guint32 *pairs = grp != NULL ? g->obs_pairs : NULL;
  TsGpuEvent ev = {
    .kind = kind, .time = ts_engine_now (g->engine), .launch = k->id, .stream = k->stream,
    .level = g->streams[k->stream].level, .kernel = k->desc,
    .n_sms = grp ? grp->n_sms : 0, .pairs = pairs, .blocks = grp ? grp->blocks : 0,
  };
  g->observer (g->observer_data, &ev);
}

guint
ts_gpu_stream_new (TsGpu *gpu, guint level)
{
  g_return_val_if_fail (level < gpu->prof->priority_levels, 0);
  if (gpu->n_streams == gpu->streams_cap)
    {
      gpu->streams_cap = MAX (8, gpu->streams_cap * 2);
      gpu->streams = g_renew (Stream, gpu->streams, gpu->streams_cap);
    }
  gpu->streams[gpu->n_streams] = (Stream) {
    .level = level, .window = NONE, .host_head = NONE, .host_tail = NONE, .thread = NONE, .issue_next = NONE,
    .head = NONE, .tail = NONE, .active = NONE,
  };
  return gpu->n_streams++;
}

void
ts_gpu_set_host (TsGpu *gpu, TsHost *host)
{
  gpu->host = host;
}

void
ts_gpu_stream_set_thread (TsGpu *gpu, guint stream, guint thread)
{
  g_return_if_fail (stream < gpu->n_streams && gpu->host != NULL);
  Stream *s = &gpu->streams[stream];
  g_return_if_fail (s->host_head == NONE && s->head == NONE && s->active == NONE);  /* before its first launch */
  s->thread = thread;
}

void
ts_gpu_stream_set_window (TsGpu *gpu, guint stream, guint window)
{
  g_return_if_fail (stream < gpu->n_streams);
  gpu->streams[stream].window = window == 0 ? NONE : window;
}

static void
request_dispatch (TsGpu *g)
{
  if (g->dispatch_pending)
    return;
  g->dispatch_pending = TRUE;
  ts_engine_defer (g->engine, TS_EV_DISPATCH, ev_dispatch, g, 0);
}

static void
level_append (TsGpu *g, guint32 level, guint32 ki)
{
  LevelQueue *q = &g->levels[level];
  g->kruns[ki].next = NONE;
  if (q->tail == NONE)
    q->head = ki;
  else
    g->kruns[q->tail].next = ki;
  q->tail = ki;
}

/* Removes ki from its level queue, if it is there. */
static void
level_remove (TsGpu *g, guint32 level, guint32 ki)
{
  LevelQueue *q = &g->levels[level];
  for (guint32 prev = NONE, i = q->head; i != NONE; prev = i, i = g->kruns[i].next)
    if (i == ki)
      {
        if (prev == NONE)
          q->head = g->kruns[i].next;
        else
          g->kruns[prev].next = g->kruns[i].next;
        if (q->tail == ki)
          q->tail = prev;
        g->kruns[ki].next = NONE;
        return;
      }
}

/* Moves the stream's head kernel to its level's execution queue if it may start now, or arranges
 * for that to happen when its launch latency has passed.  A padded launch's pad follows it. */
static void
stream_advance (TsGpu *g, guint32 si)
{
  Stream *s = &g->streams[si];
  if (s->active != NONE || s->head == NONE)
    return;
  KRun *k = &g->kruns[s->head];
  TsTime now = ts_engine_now (g->engine);
  if (k->ready_at > now)
    {
      if (!s->ready_event)
        {
          s->ready_event = TRUE;
          ts_engine_schedule (g->engine, k->ready_at, TS_EV_READY, ev_ready, g, si);
        }
      return;
    }
  guint32 ki = s->head;
  s->head = k->next;
  if (s->head == NONE)
    s->tail = NONE;
  s->active = ki;
  if (g->chain.on && s->level < g->chain.level)
    chain_materialize (g, TRUE);  /* it takes the blocks that end from now on */
  level_append (g, s->level, ki);
  if (g->kruns[ki].partner != NONE)
    level_append (g, s->level, g->kruns[ki].partner);
  if (g->observer)
    observe (g, TS_GPU_KERNEL_READY, &g->kruns[ki], NULL, NULL);
  request_dispatch (g);
}

static void
ev_ready (gpointer data, guint64 arg)
{
  TsGpu *g = data;
  g->streams[arg].ready_event = FALSE;
  stream_advance (g, (guint32) arg);
}

/* Division by a kernel's fixed resource needs without a divide instruction, the dispatcher's
 * inner loop: floor(x / d) = (x * m) >> 42 with m = floor(2^42 / d) + 1 is exact whenever
 * x * d < 2^42, which the profile loader's bounds guarantee (every per-SM amount < 2^21). */
#define RECIP_SHIFT 42

static inline guint64
recip (guint32 d)
{
  return d ? (G_GUINT64_CONSTANT (1) << RECIP_SHIFT) / d + 1 : 0;
}

static inline guint32
div_exact (guint32 x, guint64 m)
{
  return (guint32) (((guint64) x * m) >> RECIP_SHIFT);
}

/* The memo entry for desc, derived now if it is not there. */
static const ShapeMemo *
shape_of (TsGpu *gpu, const TsKernelDesc *desc)
{
  ShapeKey key;
  memset (&key, 0, sizeof key);  /* padding too: keys compare by memcmp */
  key.desc = desc, key.blocks = desc->blocks, key.threads = desc->threads, key.regs = desc->regs;
  key.smem = desc->smem, key.n_occupancy = desc->n_occupancy, key.duration = desc->duration;
  key.occupancy_ns = desc->occupancy_ns, key.sm_demand = desc->sm_demand, key.dram_bytes = desc->dram_bytes;
  /* a model keeps its kernels in an array: consecutive entries */
  ShapeMemo *m = &gpu->shapes[((guintptr) desc / sizeof *desc) & (SHAPE_MEMO_SIZE - 1)];
  if (memcmp (&m->key, &key, sizeof key) == 0)
    return m;
  m->key = key;
  KRun *k = &m->shape;
  *k = (KRun) {
    .per_sm = ts_gpu_blocks_per_sm (gpu, desc),
    .need_threads = desc->threads, .need_regs = desc->regs * desc->threads, .need_smem = desc->smem,
  };
  k->inv_threads = recip (k->need_threads);
  k->inv_regs = recip (k->need_regs);
  k->inv_smem = recip (k->need_smem);
  if (k->per_sm > 0)
    {
      if (gpu->sm_rule)
        kernel_shape (gpu, desc, k->per_sm, k);
      k->block_ns = block_duration (gpu, desc, k->per_sm, k);
    }
  return m;
}

static guint32
krun_new (TsGpu *gpu, guint stream, const TsKernelDesc *desc, guint32 n_blocks)
{
  const KRun *sh = &shape_of (gpu, desc)->shape;
  g_return_val_if_fail (sh->per_sm > 0 && n_blocks >= 1 && n_blocks <= desc->blocks, NONE);
  guint32 ki;
  if (gpu->krun_free != NONE)
    {
      ki = gpu->krun_free;
      gpu->krun_free = gpu->kruns[ki].next;
    }
  else
    {
      if (gpu->n_kruns == gpu->kruns_cap)
        {
          gpu->kruns_cap = MAX (64, gpu->kruns_cap * 2);
          gpu->kruns = g_renew (KRun, gpu->kruns, gpu->kruns_cap);
          gpu->mem_live = g_renew (guint32, gpu->mem_live, gpu->kruns_cap);
        }
      ki = gpu->n_kruns++;
      gpu->kruns[ki].used_sms = NULL;
    }
  KRun *k = &gpu->kruns[ki];
  guint64 *used = k->used_sms;
  *k = *sh;
  k->desc = desc, k->id = ++gpu->next_launch_id, k->stream = stream, k->next = NONE, k->partner = NONE;
  k->n_blocks = k->undispatched = k->remaining = n_blocks;
  k->used_sms = used;
  return ki;
}

/* Moves the stream's first host-queue kernel into its device queue: its API call is done, and
 * the launch latency counts from now. */
static void
stream_enqueue_head (TsGpu *g, Stream *s)
{
  guint32 ki = s->host_head;
  KRun *k = &g->kruns[ki];
  s->host_head = k->next;
  if (s->host_head == NONE)
    s->host_tail = NONE;
  k->next = NONE;
  k->ready_at = ts_engine_now (g->engine) + g->prof->timing.launch_latency;
  if (s->tail == NONE)
    s->head = ki;
  else
    g->kruns[s->tail].next = ki;
  s->tail = ki;
  s->n_device++;
}

static void ev_issued (gpointer data, guint64 arg);

/* Launches host-queue kernels while the window allows (the runtime makes the API call when there
 * is room): at once, or, with a host model, once the stream's thread has spent the framework's
 * dispatch and the API call on each, one after the other. */
static void
stream_fill (TsGpu *g, guint32 si)
{
  Stream *s = &g->streams[si];
  if (s->thread == NONE)
    while (s->host_head != NONE && s->n_device < s->window)
      stream_enqueue_head (g, s);
  else
    for (; s->issue_next != NONE && s->n_device + s->n_issuing < s->window; s->n_issuing++)
      {
        const TsKernelDesc *k = g->kruns[s->issue_next].desc;
        ts_host_run (g->host, s->thread, g->prof->host.dispatch * MAX (1, k->ops) + g->prof->host.launch,
                     ev_issued, g, ((guint64) s->issue_epoch << 32) | si);
        s->issue_next = g->kruns[s->issue_next].next;
      }
  stream_advance (g, si);
}

/* A thread's API call for a stream's first host-queue kernel returned. */
static void
ev_issued (gpointer data, guint64 arg)
{
  TsGpu *g = data;
  guint32 si = (guint32) arg;
  Stream *s = &g->streams[si];
  if ((guint32) (arg >> 32) != s->issue_epoch)
    return;  /* its kernel was dropped with the host queue meanwhile */
  s->n_issuing--;
  stream_enqueue_head (g, s);
  stream_fill (g, si);
}

/* Appends a launch to the stream's host queue, then lets it into the device queue if it fits. */
static guint64
submit (TsGpu *gpu, guint stream, guint32 ki)
{
  Stream *s = &gpu->streams[stream];
  g_return_val_if_fail (s->preempt == PREEMPT_NONE, 0);  /* no launch into a stream being preempted */
  if (s->host_tail == NONE)
    s->host_head = ki;
  else
    gpu->kruns[s->host_tail].next = ki;
  s->host_tail = ki;
  if (s->issue_next == NONE)
    s->issue_next = ki;
  stream_fill (gpu, stream);
  return gpu->kruns[ki].id;
}

guint64
ts_gpu_submit (TsGpu *gpu, guint stream, const TsLaunch *l)
{
  g_return_val_if_fail (stream < gpu->n_streams, 0);
  guint32 mi = krun_new (gpu, stream, l->kernel, ts_launch_blocks (l));
  g_return_val_if_fail (mi != NONE, 0);
  KRun *m = &gpu->kruns[mi];
  m->fn = l->done, m->data = l->data, m->tag = l->tag;
  if (l->pad != NULL)
    {
      guint32 pi = krun_new (gpu, stream, l->pad, l->pad_blocks);
      g_return_val_if_fail (pi != NONE, 0);
      m = &gpu->kruns[mi];   /* krun_new may have moved the array */
      KRun *p = &gpu->kruns[pi];
      m->partner = pi;
      p->pad_fn = l->pad_done, p->data = l->pad_data, p->tag = l->pad_tag, p->partner = mi, p->is_pad = TRUE;
      if (m->used_sms == NULL)
        m->used_sms = g_new (guint64, gpu->mask_words);
      memset (m->used_sms, 0, gpu->mask_words * sizeof (guint64));
    }
  return submit (gpu, stream, mi);
}

guint64
ts_gpu_launch (TsGpu *gpu, guint stream, const TsKernelDesc *k, TsKernelDoneFn fn, gpointer data, guint64 tag)
{
  return ts_gpu_submit (gpu, stream, &(TsLaunch) { .kernel = k, .done = fn, .data = data, .tag = tag });
}

static inline guint32
sm_fit (const SmFree *f, const KRun *k)
{
  guint32 c = MIN (f->slots, div_exact (f->threads, k->inv_threads));
  if (k->need_regs)
    c = MIN (c, div_exact (f->regs, k->inv_regs));
  if (k->need_smem)
    c = MIN (c, div_exact (f->smem, k->inv_smem));
  return c;
}

/* Most-free placement of B blocks when the SMs can take `total` > B of them, equivalent to
 * placing them one at a time on the SM that can host the most further blocks (ties: lowest id):
 * every SM above some level L is brought down to L, and the r blocks left over go one each to the
 * lowest-id SMs still at L.  hist[c] counts the SMs that can take c blocks; f(L) = sum over SMs of
 * max(0, c - L) is the number of blocks above level L, and L is the smallest level >= 1 with
 * f(L) <= B. */
static void
most_free_level (const guint32 *hist, guint32 maxc, guint32 B, guint32 *L_out, guint32 *r_out)
{
  guint64 f = 0, ge = 0;  /* f(L), and the SMs with c >= L */
  guint32 L = maxc;
  while (L > 1)
    {
      ge += hist[L];
      if (f + ge > B)     /* f(L - 1) = f(L) + (SMs with c >= L) */
        break;
      f += ge;
      L--;
    }
  *L_out = L;
  *r_out = B - (guint32) f;
}

/* Most-free placement's blocks for each SM of a run of len SMs that each fit c of them, given
 * most_free_level's L and r (the r lowest-id SMs at level L take one more: the caller goes by id,
 * and r counts down); the run's first *extra SMs take one more than that. */
static inline guint32
most_free_give (guint32 c, guint32 len, guint32 L, guint32 *r, guint32 *extra)
{
  *extra = *r > 0 && c >= L && c > 0 ? MIN (*r, len) : 0;
  *r -= *extra;
  return c > L ? c - L : 0;
}

/* Round-robin placement: each block goes to the next SM, cyclically from the cursor, that fits.
 * Consumes g->fit; fills g->give. */
static void
place_round_robin (TsGpu *g, guint32 B)
{
  memset (g->give, 0, g->n_sms * sizeof (guint32));
  guint32 placed = 0;
  guint misses = 0;
  while (placed < B && misses < g->n_sms)
    {
      guint i = g->rr_next;
      g->rr_next = (g->rr_next + 1) % g->n_sms;
      if (g->fit[i] == 0)
        {
          misses++;
          continue;
        }
      g->fit[i]--;
      g->give[i]++;
      placed++;
      misses = 0;
    }
}

static guint32
group_alloc (TsGpu *g)
{
  if (g->group_free != NONE)
    {
      guint32 gi = g->group_free;
      g->group_free = g->groups[gi].next_free;
      return gi;
    }
  if (g->n_groups == g->groups_cap)
    {
      g->groups_cap = MAX (64, g->groups_cap * 2);
      g->groups = g_renew (Group, g->groups, g->groups_cap);
      g->group_pieces = g_renew (Piece, g->group_pieces, (gsize) g->groups_cap * g->n_sms);
      if (g->sm_rule)
        {
          g->live = g_renew (guint32, g->live, g->groups_cap);
          g->settle_order = g_renew (guint32, g->settle_order, g->groups_cap);
        }
    }
  g->groups[g->n_groups].mark = 0;
  return g->n_groups++;
}

/* ---- contention: rates of resident block groups (rule 5) ---- */


/* The speed of k's blocks on an SM of load `load`, with the memory rule's factor for the kernel's
 * memory-bound share (one function: group_rate and ts_gpu_verify). */
static double
kernel_speed (const TsGpu *g, const KRun *k, double load)
{
  double v = ts_contention_speed (k->occ, k->n_occ, k->demand, load);
  if (k->mem_frac > 0 && g->mem_slow > 1.0)
    v /= (1.0 - k->mem_frac) + k->mem_frac * g->mem_slow;
  return v;
}

/* The speed of a group's blocks now, given the load of its most loaded SM: its kernel's speed at
 * that equivalent occupancy (a group's blocks end together, so its slowest SM sets when), times
 * the memory rule's factor for the kernel's memory-bound share. */
static double
group_speed (const TsGpu *g, Group *grp, const KRun *k, double load)
{
  if (load == grp->memo_load && g->mem_slow == grp->memo_slow)
    return grp->memo_speed;
  double v = kernel_speed (g, k, load);
  grp->memo_load = load, grp->memo_slow = g->mem_slow, grp->memo_speed = v;
  return v;
}

/* The heaviest load of group gi's SMs now. */
static inline double
group_load (const TsGpu *g, guint32 gi)
{
  const Group *grp = &g->groups[gi];
  const Piece *pc = &g->group_pieces[(gsize) gi * g->n_sms];
  double load = 0;
  for (guint32 j = 0; j < grp->n_pieces; j++)
    for (guint s = run_find (g, pc[j].lo), hi = pc[j].lo + pc[j].n; s < hi; s += g->run_len[s])
      load = MAX (load, g->load[s]);
  return load;
}

/* group_speed at its SMs' loads now. */
static double
group_rate (TsGpu *g, guint32 gi)
{
  Group *grp = &g->groups[gi];
  return group_speed (g, grp, &g->kruns[grp->krun], group_load (g, gi));
}

/* Brings a group's work up to now at the rate it had since `since`. */
static void
group_advance (Group *grp, TsTime now)
{
  if (grp->rate > 0 && now > grp->since)
    {
      grp->left = MAX (0.0, grp->left - (double) (now - grp->since) * grp->rate);
      grp->since = now;
    }
}

/* Brings group gi's remaining work up to now at its old rate and takes its new rate r.  Its event
 * moves only when the group can now end sooner: an event left early finds work remaining when it
 * fires and is scheduled again then (ev_complete), so a group whose neighbours come and go costs
 * one heap operation per speed-up, not one per change. */
static void
group_take_rate (TsGpu *g, guint32 gi, double r, TsTime now)
{
  Group *grp = &g->groups[gi];
  if (fabs (r - grp->rate) <= 1e-12 * r)
    return;
  group_advance (grp, now);
  grp->rate = r;
  TsTime end = grp->since + round_ns (grp->left / r);
  if (grp->event == 0)
    grp->event = ts_engine_schedule (g->engine, end, TS_EV_COMPLETE, ev_complete, g, gi);
  else if (end < grp->due)
    ts_engine_move (g->engine, grp->event, end);
  else
    return;
  grp->due = end;
}

/* group_take_rate at the rate its SMs' loads give now. */
static void
group_update (TsGpu *g, guint32 gi, TsTime now)
{
  group_take_rate (g, gi, group_rate (g, gi), now);
}

/* Notes a run whose load is about to change at this instant, and the load it had. */
static inline void
sm_touch (TsGpu *g, guint s)
{
  if (g->sm_stamp[s] != g->instant)
    {
      g->sm_stamp[s] = g->instant;
      g->load_before[s] = g->load[s];
      g->touched_next[s] = NONE;
      if (g->touched_tail == NONE)
        g->touched_head = s;
      else
        g->touched_next[g->touched_tail] = s;
      g->touched_tail = s;
      g->n_touched_sms += g->run_len[s];
    }
}

/* Whether a settle must update group gi (rates_settle): a group that was there before the
 * instant and whose SMs all have their loads of then, bit for bit (each untouched, or touched and
 * back), has the rate those loads give (the state between instants, ts_gpu_verify), and
 * group_update would compute the same rate and keep it.  That is sure when no touched SM's load
 * moved (a wave refilled as it was); otherwise only a group's own SMs could tell, as many as
 * group_update's own look costs: it is updated. */
static inline gboolean
settle_needs (const TsGpu *g, guint32 gi)
{
  return g->moved || g->groups[gi].entered == g->instant;
}

/* Rule 5b.  Kernel K moves a share m_K of its solo time's worth of bytes at full bandwidth, so
 * the resident kernels ask for rho = sum m_K of the device's bandwidth.  Past rho = 1 the memory
 * system is saturated: every memory-bound share slows by the same factor s, which conserves
 * bytes: f(s) = sum m_K / ((1 - m_K) + m_K s) = 1, each term being K's actual share of the
 * bandwidth (its bytes over its slowed duration).  f falls, convex, from rho at s = 1, so Newton's
 * method from s = 1 rises monotonically to the root. */
static double
memory_slowdown (const TsGpu *g)
{
  double s = 1.0;
  if (g->mem_rho + g->ext_rho > 1.0 + 1e-12)
    for (int it = 0; it < 50; it++)
      {
        double f = -1.0, df = 0;
        for (guint32 j = 0; j < g->n_mem_live; j++)
          {
            const KRun *q = &g->kruns[g->mem_live[j]];
            double den = (1.0 - q->mem_frac) + q->mem_frac * s;
            f += q->mem_frac / den;
            df -= q->mem_frac * q->mem_frac / (den * den);
          }
        for (guint j = 0; j < g->n_ext; j++)  /* other processors' work: the same terms */
          if (g->ext_m[j] > 0)
            {
              double den = (1.0 - g->ext_m[j]) + g->ext_m[j] * s;
              f += g->ext_m[j] / den;
              df -= g->ext_m[j] * g->ext_m[j] / (den * den);
            }
        double step = f / df;
        s -= step;
        if (-step <= 1e-15 * s)
          break;
      }
  return s;
}

/* The end of an instant at which residents changed (the dispatcher calls it last): every group
 * whose rate may have moved takes its new rate, once.  Deferring to here is exact, since no time
 * passes within an instant, and a group that leaves and one that takes its place at the same
 * instant (a kernel's next wave) cost their neighbours nothing when the loads come back equal. */
static void
rates_settle (TsGpu *g)
{
  if (++g->epoch == 0)  /* wrapped: no group may keep a mark from 2^32 passes ago */
    {
      for (guint32 gi = 0; gi < g->n_groups; gi++)
        g->groups[gi].mark = 0;
      g->epoch = 1;
    }
  TsTime now = ts_engine_now (g->engine);
  if (g->mem_dirty)
    {
      g->mem_dirty = FALSE;
      if (g->mem_rho < 1e-9)
        g->mem_rho = 0;  /* nothing resident asks for bandwidth: drop the sums' rounding */
      double s = memory_slowdown (g);
      if (s != g->mem_slow)
        {
          g->mem_slow = s;
          if (g->mem_fn != NULL)
            g->mem_fn (g->mem_data, s);
          for (guint32 e = 0; e < g->n_live; e++)
            {
              Group *grp = &g->groups[g->live[e]];
              if (g->kruns[grp->krun].mem_frac > 0)
                grp->mark = g->epoch, group_update (g, g->live[e], now);
            }
        }
    }
  guint cap = g->prof->max_blocks_per_sm;
  /* The one live group entered at this instant, after any that left (a dispatch round places
   * after the completions and runs this at once): its rate from contention_enter is its rate
   * now, and no other group's can have moved. */
  gboolean lone = g->n_live == 1 && g->n_fresh == 1 && g->fresh != NONE;
  g->moved = FALSE;
  for (guint32 i = lone ? NONE : g->touched_head; i != NONE && !g->moved; i = g->touched_next[i])
    g->moved = memcmp (&g->load[i], &g->load_before[i], sizeof (double)) != 0;
  if (lone)
    ;
  else if (!g->moved && g->n_fresh == 1 && g->fresh != NONE)
    {
      /* settle_needs is false but for this one group: no need to look for it */
      if (g->groups[g->fresh].mark != g->epoch)
        group_update (g, g->fresh, now);
    }
  else if (g->n_touched_sms == g->n_sms)  /* every SM: every resident group, not each once per SM */
    for (guint32 e = 0; e < g->n_live; e++)
      {
        Group *grp = &g->groups[g->live[e]];
        if (grp->mark != g->epoch)
          {
            grp->mark = g->epoch;
            if (settle_needs (g, g->live[e]))
              group_update (g, g->live[e], now);
          }
      }
  else
    {
      /* The groups on touched SMs, in the order of their first one, each with the highest load
       * there now.  A group there before the instant had memo_load on its heaviest SM then (the
       * loads of its last rate: ts_gpu_verify); the untouched SMs' loads stand, so its heaviest
       * load now is the higher of memo_load and that, unless a touched SM that had memo_load
       * lost load (settle_drop): then it is looked for again. */
      guint32 n_order = 0;
      for (guint i = g->touched_head; i != NONE; i = g->touched_next[i])
        {
          const guint32 *list = &g->sm_groups[(gsize) i * cap], n = g->sm_n_groups[i], epoch = g->epoch;
          double ld = g->load[i], before = g->load_before[i];
          for (guint32 e = 0; e < n; e++)
            {
              Group *grp = &g->groups[list[e]];
              if (grp->mark != epoch)
                {
                  grp->mark = epoch;
                  g->settle_order[n_order++] = list[e];
                  grp->settle_max = ld, grp->settle_drop = FALSE;
                }
              else
                grp->settle_max = MAX (grp->settle_max, ld);
              if (ld < before && before == grp->memo_load)
                grp->settle_drop = TRUE;
            }
        }
      for (guint32 o = 0; o < n_order; o++)
        {
          guint32 gj = g->settle_order[o];
          Group *grp = &g->groups[gj];
          if (!settle_needs (g, gj))
            continue;
          if (grp->entered != g->instant && grp->settle_drop)
            group_update (g, gj, now);
          else  /* a group that entered now loaded each of its runs, all touched: settle_max is exact */
            group_take_rate (g, gj, group_speed (g, grp, &g->kruns[grp->krun],
                                                 grp->entered == g->instant ? grp->settle_max : MAX (grp->memo_load, grp->settle_max)), now);
        }
    }
  g->n_touched_sms = 0;
  g->touched_head = g->touched_tail = NONE;
  g->n_fresh = 0, g->fresh = NONE;
  g->instant++;  /* a new list of touched SMs; sm_stamp never reaches 2^64 */
}

/* SM i takes c blocks of group gi, of kernel demand d (a group entering, place_kernel): returns
 * the SM's load now. */
static inline double
sm_enter (TsGpu *g, guint i, guint32 c, double d, guint32 gi)
{
  sm_touch (g, i);
  g->load[i] += c * d;
  g->sm_groups[(gsize) i * g->prof->max_blocks_per_sm + g->sm_n_groups[i]++] = gi;
  return g->load[i];
}

/* A group starts to run once sm_enter has loaded each of its SMs, the most loaded one to `load`.
 * It takes its first rate now; its neighbours take theirs when the instant settles. */
static void
contention_enter (TsGpu *g, guint32 gi, double load)
{
  Group *grp = &g->groups[gi];
  KRun *k = &g->kruns[grp->krun];
  grp->entered = g->instant;
  g->n_fresh++, g->fresh = gi;
  grp->live_pos = g->n_live;
  g->live[g->n_live++] = gi;
  if (k->live++ == 0 && k->mem_frac > 0)
    {
      g->mem_rho += k->mem_frac, g->mem_dirty = TRUE;
      guint32 p = g->n_mem_live++;  /* by index: the sums keep their order */
      for (; p > 0 && g->mem_live[p - 1] > grp->krun; p--)
        g->mem_live[p] = g->mem_live[p - 1];
      g->mem_live[p] = grp->krun;
    }
  group_take_rate (g, gi, group_speed (g, grp, k, load), ts_engine_now (g->engine));
}

/* SM i loses c blocks of group gi, of kernel demand d (a group leaving, group_vacate). */
static inline void
sm_leave (TsGpu *g, guint i, guint32 c, double d, guint32 gi)
{
  guint32 *list = &g->sm_groups[(gsize) i * g->prof->max_blocks_per_sm];
  guint32 e = 0;
  while (list[e] != gi)
    e++;
  list[e] = list[--g->sm_n_groups[i]];
  sm_touch (g, i);
  /* An empty SM's load is exactly 0, whatever rounding the sums left. */
  g->load[i] = g->sm_n_groups[i] == 0 ? 0 : g->load[i] - c * d;
}

/* A group leaves (finished or killed) once sm_leave has unloaded each of its SMs: its neighbours
 * take their new rates when the instant settles. */
static void
contention_leave (TsGpu *g, guint32 gi)
{
  const Group *grp = &g->groups[gi];
  KRun *k = &g->kruns[grp->krun];
  if (grp->entered == g->instant)
    g->n_fresh--, g->fresh = g->fresh == gi ? NONE : g->fresh;
  guint32 last = g->live[--g->n_live];
  g->live[grp->live_pos] = last;
  g->groups[last].live_pos = grp->live_pos;
  if (--k->live == 0 && k->mem_frac > 0)
    {
      g->mem_rho -= k->mem_frac, g->mem_dirty = TRUE;
      guint32 p = 0;
      while (g->mem_live[p] != grp->krun)
        p++;
      memmove (&g->mem_live[p], &g->mem_live[p + 1], (--g->n_mem_live - p) * sizeof (guint32));
    }
}

static void
group_release (TsGpu *g, guint32 gi)
{
  g->n_res_groups--, g->kruns[g->groups[gi].krun].n_res--;
  g->groups[gi].blocks = 0;
  g->groups[gi].next_free = g->group_free;
  g->group_free = gi;
}

static void
ev_finish (gpointer data, guint64 arg)
{
  TsGpu *g = data;
  g->n_special--;
  kernel_finished (g, (guint32) arg);
}

/* A pad's blocks that can no longer end by its main kernel's last block are never run.  If that
 * leaves nothing to wait for, the pad finishes through an event of its own: the dispatcher, which
 * calls this while walking its queues, must not run completions (they release kernels and run
 * callbacks that launch and preempt). */
static void
pad_give_up (TsGpu *g, guint32 ki)
{
  KRun *k = &g->kruns[ki];
  k->remaining -= k->undispatched;
  k->undispatched = 0;
  if (k->remaining == 0)
    {
      g->n_special++;
      ts_engine_schedule (g->engine, ts_engine_now (g->engine), TS_EV_COMPLETE, ev_finish, g, ki);
    }
}

/* Whether a pad may take blocks now: its main kernel must be fully dispatched and a block placed
 * now must end by the main kernel's last block.  Gives the pad up when that is past. */
static gboolean
pad_ready (TsGpu *g, guint32 ki)
{
  const KRun *k = &g->kruns[ki], *m = &g->kruns[k->partner];
  if (m->undispatched > 0)
    return FALSE;
  if (ts_engine_now (g->engine) + g->prof->timing.block_dispatch + k->block_ns > m->last_end)
    {
      pad_give_up (g, ki);
      return FALSE;
    }
  return TRUE;
}

/* Measures run s for kernel k (place_kernel): the fit of each of its SMs, counted in hist, total
 * and maxc. */
static inline guint32
fit_count (TsGpu *g, const KRun *k, guint s, guint32 *total, guint32 *maxc)
{
  /* An SM without resident blocks is wholly free: its fit is known. */
  guint32 c = g->resident[s] == 0 ? k->per_sm : sm_fit (&g->free[s], k), len = g->run_len[s];
  g->fit[s] = c;
  g->hist[c] += len;
  *total += c * len;
  *maxc = MAX (*maxc, c);
  return c;
}

/* Notes an SM that may fit more of fit_zero_id's kernel than it did (see TsGpu.fit_zero_id). */
static inline void
sm_freed (TsGpu *g, guint i)
{
  if (g->freed_stamp[i] != g->freed_epoch)
    {
      g->freed_stamp[i] = g->freed_epoch;
      g->freed[g->n_freed++] = i;
    }
}

/* d SMs more (or fewer, d < 0) hold blocks, now.  A group's SMs change together: one call for
 * them all adds what a call for each would (the calls after the first add n x 0 = +0.0). */
static void
busy_change (TsGpu *g, int d)
{
  TsTime now = ts_engine_now (g->engine);
  g->sm_busy_ns += (double) g->n_busy * (double) (now - g->busy_mark);
  g->busy_mark = now;
  g->n_busy += d;
}

double
ts_gpu_sm_busy_ns (const TsGpu *gpu)
{
  return gpu->sm_busy_ns + (double) gpu->n_busy * (double) (ts_engine_now (gpu->engine) - gpu->busy_mark);
}

double ts_gpu_dram_bytes (const TsGpu *gpu) { return gpu->dram_bytes; }

/* An empty SM's state is known: sm_fill_empty and sm_clear write it without the arithmetic that
 * place_kernel and group_vacate do for the others, and give the same bits (0 + x is x; sm_leave
 * sets an empty SM's load to exactly 0). */
typedef struct {
  const KRun *k;
  guint32 gi;            /* the group being placed */
  gboolean enter;        /* it loads its SMs (contention) */
  guint32 give;          /* `left` is an empty SM's resources less `give` blocks (0: none yet) */
  SmFree left;
} EmptyFill;

/* Empty SM i takes `give` blocks of the group that ef places; returns its load then. */
static inline double
sm_fill_empty (TsGpu *g, EmptyFill *ef, guint i, guint32 give)
{
  const TsProfile *p = g->prof;
  if (give != ef->give)  /* a placement gives one or two values */
    ef->give = give,
    ef->left = (SmFree) { p->max_threads_per_sm - give * ef->k->need_threads,
                          p->registers_per_sm - give * ef->k->need_regs,
                          p->shared_mem_per_sm - give * ef->k->need_smem, p->max_blocks_per_sm - give };
  g->free[i] = ef->left;
  g->resident[i] = give;
  if (!ef->enter)
    return 0;
  sm_touch (g, i);
  g->sm_groups[(gsize) i * p->max_blocks_per_sm] = ef->gi;
  g->sm_n_groups[i] = 1;
  return g->load[i] = give * ef->k->demand;
}

/* SM i's only group leaves (`leave`: one that loaded it): the SM is empty. */
static inline void
sm_clear (TsGpu *g, guint i, gboolean leave)
{
  if (leave)
    {
      sm_touch (g, i);
      g->load[i] = 0;
      g->sm_n_groups[i] = 0;
    }
  const TsProfile *p = g->prof;
  g->free[i] = (SmFree) { p->max_threads_per_sm, p->registers_per_sm, p->shared_mem_per_sm, p->max_blocks_per_sm };
  g->resident[i] = 0;
}

/* Run s takes `give` blocks on each of its SMs for the group that ef places (freed: the freed
 * list is kept); returns the run's load then (contention), or 0. */
static inline double
place_run (TsGpu *g, EmptyFill *ef, gboolean freed, guint s, guint32 give)
{
  if (g->resident[s] == 0)
    {
      if (freed)
        sm_freed (g, s);  /* it got per_sm, maybe less than it fits */
      return sm_fill_empty (g, ef, s, give);
    }
  const KRun *k = ef->k;
  SmFree *f = &g->free[s];
  f->slots -= give;
  f->threads -= give * k->need_threads;
  f->regs -= give * k->need_regs;
  f->smem -= give * k->need_smem;
  g->resident[s] += give;
  return ef->enter ? sm_enter (g, s, give, k->demand, ef->gi) : 0;
}

/* Gives kernel ki as many blocks as fit now, as one block group.  Two passes over the runs: one
 * to measure what fits, one to place.  A kernel placed again after a placement that took all
 * that fitted it (the head kernel, each time blocks end under contention) measures only the SMs
 * freed since: elsewhere it fits 0. */
static void
place_kernel (TsGpu *g, guint32 ki)
{
  KRun *k = &g->kruns[ki];
  const guint64 *forbidden = k->is_pad ? g->kruns[k->partner].used_sms : NULL;
  guint32 B = k->undispatched, total = 0, maxc = 0, n_cand = 0;
  gboolean rr = g->prof->placement == TS_PLACE_ROUND_ROBIN;
  /* On an empty GPU (nothing resident) every SM fits per_sm: no fit to compute. */
  gboolean empty = g->free_slots == (guint64) g->n_sms * g->prof->max_blocks_per_sm && forbidden == NULL;
  /* Only the freed SMs (most-free reads fit[] of the candidates only; hist[] from 2 up) */
  gboolean only_freed = !empty && !rr && k->id == g->fit_zero_id;
  if (G_UNLIKELY (rr || forbidden != NULL))
    runs_split_by (g, rr ? NULL : forbidden);  /* these go by SM id */
  if (empty)
    total = g->n_sms * k->per_sm, maxc = k->per_sm, g->hist[maxc] = g->n_sms;
  else if (!only_freed)
    for (guint i = 0; i < g->n_sms; i += g->run_len[i])
      fit_count (g, k, i, &total, &maxc);
  else
    {
      for (guint32 j = 0; j < g->n_freed; j++)
        {
          guint32 i = g->freed[j];
          if (run_is_start (g, i) && fit_count (g, k, i, &total, &maxc) > 0)
            g->cand_mask[i / 64] |= G_GUINT64_CONSTANT (1) << (i % 64);
        }
      /* the candidates for placement in SM id order (blocks go by it) */
      for (guint w = 0; w < g->mask_words; w++)
        for (guint64 m = g->cand_mask[w]; m != 0; m &= m - 1)
          g->cand[n_cand++] = w * 64 + (guint32) __builtin_ctzll (m);
      memset (g->cand_mask, 0, g->mask_words * sizeof (guint64));
    }
  /* From here on, a new list of freed SMs: for this kernel if it takes all that fits it now
   * (below), which leaves it no room but on the SMs it finds empty, and still has blocks to
   * place (it is placed again; other kernels would pay for the list for nothing). */
  g->freed_epoch++, g->n_freed = 0;
  g->fit_zero_id = !empty && !rr && forbidden == NULL && total < B ? k->id : 0;
  if (G_UNLIKELY (forbidden != NULL))  /* a pad: not on its main kernel's SMs (whole runs, above) */
    for (guint i = 0; i < g->n_sms; i += g->run_len[i])
      if ((forbidden[i / 64] >> (i % 64)) & 1)
        {
          g->hist[g->fit[i]] -= g->run_len[i], g->hist[0] += g->run_len[i];
          total -= g->fit[i] * g->run_len[i];
          g->fit[i] = 0;
        }
  /* Most-free: SM i gets max(0, fit - L), plus one if it is among the first r at level L.  When
   * everything that fits is taken (total <= B), L = 0 and r = 0 give each SM its whole fit. */
  guint32 L = 0, r = 0;
  if (total > B && !rr)
    most_free_level (g->hist, maxc, B, &L, &r);
  memset (g->hist, 0, (maxc + 1) * sizeof (guint32));
  if (total == 0)
    return;
  if (rr)
    {
      if (empty)
        for (guint i = 0; i < g->n_sms; i++)
          g->fit[i] = k->per_sm;
      place_round_robin (g, B);
    }

  guint32 gi = group_alloc (g);
  k = &g->kruns[ki];
  /* its blocks load their SMs in the same pass (contention_enter's part per SM) */
  gboolean enter = g->sm_rule && !k->draining, freed = g->fit_zero_id != 0;
  EmptyFill ef = { .k = k, .gi = gi, .enter = enter };
  Piece *pieces = &g->group_pieces[(gsize) gi * g->n_sms];
  guint32 n_pieces = 0, n_sms = 0, placed = 0, target = MIN (B, total);
  /* Adjacent runs given the same blocks form one piece, unless runs seldom merge (runs_merge):
   * then most runs stay apart, and a piece of one run each keeps loops over pieces' runs short. */
  gboolean coalesce = !runs_seldom_merge (g);
  int became_busy = 0;
  double load = 0;
  /* The runs in SM id order: every one, or the candidates.  A run of which only the first SMs
   * take the extra block at level L is split there. */
  for (guint ci = 0, i = only_freed ? (n_cand > 0 ? g->cand[0] : g->n_sms) : 0; i < g->n_sms && placed < target;)
    {
      guint32 len = g->run_len[i];
      guint next = only_freed ? (++ci < n_cand ? g->cand[ci] : g->n_sms) : i + len;
      guint32 extra = 0, give = rr ? g->give[i] : most_free_give (empty ? k->per_sm : g->fit[i], len, L, &r, &extra);
      /* the run, or its two parts: the first `extra` SMs with one block more */
      guint parts = 1;
      if (extra > 0 && extra < len)
        run_split (g, i, i + extra), parts = 2;
      for (guint32 q = 0, at = i, n = give + (extra > 0); q < parts; q++, at = i + extra, n = give)
        if (n > 0)
          {
            guint32 m = g->run_len[at];
            if (coalesce && n_pieces > 0 && pieces[n_pieces - 1].lo + pieces[n_pieces - 1].n == at
                && pieces[n_pieces - 1].blocks == n)
              pieces[n_pieces - 1].n += m;
            else
              pieces[n_pieces++] = (Piece) { (guint16) at, (guint16) m, (guint16) n };
            placed += n * m, n_sms += m;
            became_busy += g->resident[at] == 0 ? (int) m : 0;
            double x = place_run (g, &ef, freed, at, n);
            load = MAX (load, x);
          }
      i = next;
    }
  if (became_busy > 0)
    busy_change (g, became_busy);
  if (G_UNLIKELY (k->used_sms != NULL))  /* the main kernel of a padded launch */
    for (guint32 j = 0; j < n_pieces; j++)
      for (guint i = pieces[j].lo; i < (guint) pieces[j].lo + pieces[j].n; i++)
        k->used_sms[i / 64] |= G_GUINT64_CONSTANT (1) << (i % 64);
  TsTime now = ts_engine_now (g->engine), end = now + g->prof->timing.block_dispatch + k->block_ns;
  Group *grp = &g->groups[gi];
  guint32 mark = grp->mark;  /* kept across reuse: it must not match a later pass by accident */
  *grp = (Group) { .krun = ki, .n_sms = n_sms, .n_pieces = n_pieces, .blocks = placed, .noop = k->draining,
                   .start = now, .mark = mark };
  if (enter)
    {
      grp->left = k->work;
      grp->since = now + g->prof->timing.block_dispatch;
      contention_enter (g, gi, load);
      end = grp->due;
    }
  else
    {
      grp->due = end;
      grp->event = ts_engine_schedule (g->engine, end, TS_EV_COMPLETE, ev_complete, g, gi);
    }
  grp->frag = NONE;
  g->n_res_groups++, k->n_res++;
  g->free_slots -= placed;
  k->undispatched -= placed;
  k->last_end = MAX (k->last_end, end);
  if (g->observer)
    observe (g, TS_GPU_BLOCKS_START, k, grp, pieces);
}

/* DESIGN §2 rule 2: serve the execution queues in priority order.  Under head-of-level, a kernel
 * left with undispatched blocks stops the round; under any-fit, the next kernel may still fit. */
static void
dispatch_round (TsGpu *g)
{
  gboolean strict = g->prof->dispatch == TS_DISPATCH_HEAD_OF_LEVEL;
  for (guint lv = 0; lv < g->prof->priority_levels; lv++)
    {
      LevelQueue *q = &g->levels[lv];
      guint32 prev = NONE, ki = q->head;
      while (ki != NONE)
        {
          if (g->free_slots == 0)
            return;
          if (!g->kruns[ki].is_pad || pad_ready (g, ki))
            place_kernel (g, ki);
          KRun *k = &g->kruns[ki];
          guint32 next = k->next;
          if (k->undispatched == 0)
            {
              if (prev == NONE)
                q->head = next;
              else
                g->kruns[prev].next = next;
              if (q->tail == ki)
                q->tail = prev;
              k->next = NONE;
            }
          else if (strict)
            return;
          else
            prev = ki;
          ki = next;
        }
    }
}

/* The last event of every instant at which something changed (its event class runs last). */
static void chain_try (TsGpu *g);

static void
ev_dispatch (gpointer data, guint64 arg)
{
  TsGpu *g = data;
  g->dispatch_pending = FALSE;
  /* While a chain runs, a round would place nothing: its kernel heads the highest non-empty
   * level, nothing of it fits, and its waves' refills are the chain's. */
  if (g->chain.on)
    return;
  dispatch_round (g);
  if (g->sm_rule)
    rates_settle (g);
  runs_merge (g);
  chain_try (g);
}

static void
krun_release (TsGpu *g, guint32 ki)
{
  const KRun *k = &g->kruns[ki];
  if (k->done_real > 0 && k->desc->dram_bytes > 0)
    g->dram_bytes += k->desc->dram_bytes * k->done_real / k->desc->blocks;
  g->kruns[ki].next = g->krun_free;
  g->krun_free = ki;
}

/* Runs the completion callback of a kernel (and releases it): only if all its blocks ran. */
static void
ev_notify (gpointer data, guint64 arg)
{
  TsGpu *g = data;
  KRun k = g->kruns[arg];
  krun_release (g, (guint32) arg);
  if (k.is_pad)
    k.pad_fn (k.data, k.tag, k.done_real);
  else if (k.fn != NULL && k.done_real == k.n_blocks)
    k.fn (k.data, k.tag);
}

/* The host learns that a kernel it waits for completed: with a host model, its stream's thread
 * spends the synchronisation and its wake-up first. */
static void
ev_wake (gpointer data, guint64 ki)
{
  TsGpu *g = data;
  guint32 thread = g->streams[g->kruns[ki].stream].thread;
  if (thread == NONE)
    ev_notify (g, ki);
  else
    ts_host_run (g->host, thread, g->prof->host.sync + g->prof->host.wakeup, ev_notify, g, ki);
}

static void
notify (TsGpu *g, guint32 ki)
{
  const KRun *k = &g->kruns[ki];
  gboolean has_fn = k->is_pad ? k->pad_fn != NULL : k->fn != NULL;
  if (!has_fn)
    krun_release (g, ki);
  else if (g->prof->timing.sync_wakeup > 0)
    ts_engine_schedule (g->engine, ts_engine_now (g->engine) + g->prof->timing.sync_wakeup,
                        TS_EV_HOST, ev_wake, g, ki);
  else
    ev_wake (g, ki);
}

static void
preempt_done (TsGpu *g, guint32 si)
{
  Stream *s = &g->streams[si];
  s->pr.done = ts_engine_now (g->engine);
  s->preempt = PREEMPT_NONE;
  TsPreemptResult pr = s->pr;
  s->pfn (s->pdata, &pr);
}

/* A kernel (or one half of a padded launch) has no block left to run or wait for. */
static void
kernel_finished (TsGpu *g, guint32 ki)
{
  KRun *k = &g->kruns[ki];
  k->finished = TRUE;
  if (k->partner != NONE && !g->kruns[k->partner].finished)
    return;  /* a padded launch completes when both halves have */
  guint32 mi = k->is_pad ? k->partner : ki;
  KRun *m = &g->kruns[mi];
  guint32 pi = m->partner;  /* its pad, if any */
  guint32 si = m->stream;
  Stream *s = &g->streams[si];
  if (s->preempt == PREEMPT_DRAIN && m->done_real < m->n_blocks)
    {
      if (!s->pr.have_unfinished)  /* kernels finish in stream order: the first is the earliest */
        s->pr.have_unfinished = TRUE, s->pr.unfinished_tag = m->tag, s->pr.unfinished_done = m->done_real;
      s->pr.device_dropped++;
    }
  else
    g->kernels_completed++;   /* a drained kernel did not complete (nor is its callback run) */
  s->active = NONE;
  s->n_device--;
  if (g->observer)
    observe (g, TS_GPU_KERNEL_DONE, m, NULL, NULL);
  stream_fill (g, si);
  if (pi != NONE)
    notify (g, pi);
  notify (g, mi);
  if (s->preempt == PREEMPT_DRAIN && s->active == NONE && s->head == NONE)
    preempt_done (g, si);
}

/* Returns a group's resources to its SMs; returns its pieces. */
static const Piece *
group_vacate (TsGpu *g, guint32 gi)
{
  const Group *grp = &g->groups[gi];
  gboolean leave = g->sm_rule && !grp->noop;
  const KRun *k = &g->kruns[grp->krun];
  const Piece *pc = &g->group_pieces[(gsize) gi * g->n_sms];
  /* alone on the GPU: each of its SMs becomes empty (as the test below would find, at more cost
   * to the serial policies) */
  gboolean alone = g->n_res_groups == 1, freed = g->fit_zero_id != 0;
  int became_idle = 0;
  for (guint32 j = 0; j < grp->n_pieces; j++)
    {
      guint lo = pc[j].lo, hi = lo + pc[j].n;
      guint32 c = pc[j].blocks;
      run_isolate (g, lo, hi);
      for (guint i = lo; i < hi; i += g->run_len[i])
        {
          if (alone || g->resident[i] == c)  /* its only group */
            {
              sm_clear (g, i, leave);
              became_idle += (int) g->run_len[i];
            }
          else
            {
              if (leave)
                sm_leave (g, i, c, k->demand, gi);
              SmFree *f = &g->free[i];
              f->slots += c;
              f->threads += c * k->need_threads;
              f->regs += c * k->need_regs;
              f->smem += c * k->need_smem;
              g->resident[i] -= c;
            }
          if (freed)
            sm_freed (g, i);
          run_dirty (g, i);
        }
    }
  if (leave)
    contention_leave (g, gi);
  if (became_idle > 0)
    busy_change (g, -became_idle);
  g->free_slots += grp->blocks;
  return pc;
}

/* A group's blocks have ended: their resources return, the kernel may be complete, and the
 * dispatcher runs at this instant. */
static void
group_done (TsGpu *g, guint32 gi)
{
  Group *grp = &g->groups[gi];
  KRun *k = &g->kruns[grp->krun];
  const Piece *pieces = group_vacate (g, gi);
  g->blocks_completed += grp->blocks;
  k->remaining -= grp->blocks;
  if (!grp->noop)
    k->done_real += grp->blocks;
  if (g->observer)
    observe (g, TS_GPU_BLOCKS_END, k, grp, pieces);
  guint32 ki = grp->krun;
  group_release (g, gi);
  if (k->remaining == 0)
    kernel_finished (g, ki);
  request_dispatch (g);
}

/* ---- wave chains ----
 *
 * A kernel K that heads the highest non-empty level while nothing more of it fits anywhere runs in
 * a steady state: whenever one of its block groups ends, the dispatcher at that instant gives
 * exactly those blocks back to K (the freed resources are the only ones K fits in, and K is first
 * in line), as a group on the same SMs, with the same loads on them and so the same rate.  Other
 * kernels' groups may be resident ("foreign" groups): their rates stay as they are (the loads do),
 * and the first of their events ends the chain before it does anything else.  Each group (a
 * "fragment") then repeats with a fixed period until K runs short of blocks.  A chain lets those
 * waves pass without events: each fragment's current wave ends as usual, after which its waves are
 * virtual, counted from its period; one event at the first completion that is not such a refill
 * (K's blocks run short, two fragments end at one instant and would merge, or a foreign group's
 * event comes) turns them back into groups.
 * Anything that could see the difference does the same first (chain_materialize): a kernel
 * becoming eligible on a higher level, a reset or drain, an observer, a block count.  Then the
 * state is the one the wave-by-wave simulation has at that point, bit for bit: a chain starts
 * only where a refill leaves every SM's load and the memory rule's sum exactly as they were
 * (x - y + y == x in floating point), every refill's timing is the same arithmetic as a group's
 * (group_update and ev_complete's early-event steps, offset by the wave's start), and the groups
 * are rebuilt in the order their events would have been scheduled.  Chains apply to most-free
 * placement under head-of-level dispatch, with no observer installed. */

/* The events of a wave placed at 0 with rate r: its first due time, then any early-event steps
 * (ev_complete) until its work is done; the last is its end.  FALSE if it takes more steps than
 * a chain keeps. */
static gboolean
chain_wave_steps (const TsGpu *g, const KRun *k, double r, ChainFrag *f)
{
  TsTime bd = g->prof->timing.block_dispatch;
  if (!g->sm_rule)
    {
      f->step_at[0] = bd + k->block_ns;
      f->n_steps = 1;
      return TRUE;
    }
  /* as group_update places it, then as ev_complete finds it at each due time */
  Group grp = { .left = k->work, .rate = r, .since = bd };
  TsTime due = grp.since + round_ns (grp.left / r);
  for (guint n = 0; n < CHAIN_MAX_STEPS; n++)
    {
      f->step_at[n] = due;
      group_advance (&grp, due);
      f->step_left[n] = grp.left;
      TsTime rest = round_ns (grp.left / grp.rate);
      if (rest == 0)
        {
          f->n_steps = n + 1;
          return TRUE;
        }
      due += rest;
    }
  return FALSE;
}

/* The true end of a group's present wave, from its state: the early-event steps it has left. */
static TsTime
group_end (const TsGpu *g, const Group *grp)
{
  if (!g->sm_rule)
    return grp->due;
  Group x = *grp;
  for (;;)
    {
      group_advance (&x, x.due);
      TsTime rest = round_ns (x.left / x.rate);
      if (rest == 0)
        return x.due;
      x.due += rest;
    }
}

static void
ev_chain_end (gpointer data, guint64 arg)
{
  TsGpu *g = data;
  g->chain.event = 0;
  chain_materialize (g, FALSE);
}

/* Whether a refill of group gi leaves its SMs' loads as they are, bit for bit. */
static gboolean
chain_neutral (const TsGpu *g, guint32 gi, const KRun *k)
{
  const Group *grp = &g->groups[gi];
  const Piece *pc = &g->group_pieces[(gsize) gi * g->n_sms];
  for (guint32 j = 0; j < grp->n_pieces; j++)
    for (guint i = run_find (g, pc[j].lo), hi = pc[j].lo + pc[j].n; i < hi; i += g->run_len[i])
      {
        double y = pc[j].blocks * k->demand;
        double left = g->sm_n_groups[i] == 1 ? 0 : g->load[i] - y;
        if (left + y != g->load[i])
          return FALSE;
      }
  return TRUE;
}

#define FQ_AT(q, p) (((q)->head + (p)) % CHAIN_MAX_FRAGS)

/* Puts fragment j with time t into q, after the fragments with times <= t. */
static void
frag_queue_insert (FragQueue *q, guint32 j, TsTime t)
{
  guint32 p = q->n++;
  for (; p > 0 && q->key[FQ_AT (q, p - 1)] > t; p--)
    q->key[FQ_AT (q, p)] = q->key[FQ_AT (q, p - 1)], q->idx[FQ_AT (q, p)] = q->idx[FQ_AT (q, p - 1)];
  q->key[FQ_AT (q, p)] = t, q->idx[FQ_AT (q, p)] = j;
}

/* Takes the first fragment out of q; returns it. */
static guint32
frag_queue_pop (FragQueue *q)
{
  guint32 j = q->idx[q->head];
  q->head = (q->head + 1) % CHAIN_MAX_FRAGS, q->n--;
  return j;
}

/* Whether q's fragments, all of period p, take turns: its times strictly increase and span less
 * than p.  Then the first one, refilled at t, goes back in last at t + p, which keeps both true:
 * n refills in q's order make a "turn" that leaves the order as it was and every time p later,
 * and no two fragments ever end at one instant. */
static gboolean
frag_rotating (const FragQueue *q, TsTime p)
{
  if (p == 0 || q->n < 2 || q->key[FQ_AT (q, q->n - 1)] - q->key[q->head] >= p)
    return FALSE;
  for (guint32 pos = 1; pos < q->n; pos++)
    if (q->key[FQ_AT (q, pos - 1)] == q->key[FQ_AT (q, pos)])
      return FALSE;
  return TRUE;
}

/* Adds d to every time in q (a rotating queue passing whole turns: its order stays). */
static void
frag_queue_shift (FragQueue *q, TsTime d)
{
  for (guint32 pos = 0; pos < q->n; pos++)
    q->key[FQ_AT (q, pos)] += d;
}

/* At the end of a dispatch: starts a chain if the state allows one (see above). */
static void
chain_try (TsGpu *g)
{
  if (g->observer != NULL || g->n_special > 0 || g->n_res_groups == 0
      || g->prof->dispatch != TS_DISPATCH_HEAD_OF_LEVEL || g->prof->placement != TS_PLACE_MOST_FREE)
    return;
  guint lv = 0;
  while (lv < g->prof->priority_levels && g->levels[lv].head == NONE)
    lv++;
  if (lv == g->prof->priority_levels)
    return;
  guint32 ki = g->levels[lv].head;
  KRun *k = &g->kruns[ki];
  if (k->n_res == 0 || k->n_res > CHAIN_MAX_FRAGS || k->undispatched == 0 || k->is_pad
      || k->partner != NONE || k->draining || (g->sm_rule && g->mem_slow != 1.0))
    return;
  /* The first foreign group's event ends the chain (ev_complete): a stop past it is never
   * reached, and a chain in which some fragment does not end once before it costs more than it
   * saves (every fragment is rebuilt at its end).  A foreign group ending by K's latest group
   * rules a chain out; the one found is kept, and rules it out again as long as it does. */
  TsTime foreign = TS_TIME_NEVER;
  if (k->n_res != g->n_res_groups)
    {
      /* nor can every fragment end once when K has fewer blocks left than it has resident */
      if (k->remaining - k->undispatched > k->undispatched)
        return;
      const Group *w = g->foreign_witness < g->n_groups ? &g->groups[g->foreign_witness] : NULL;
      if (w != NULL && w->blocks > 0 && w->krun != ki && w->due <= k->last_end)
        return;
      /* the resident groups: with contention the live ones, unless drained ones are resident */
      if (g->sm_rule && g->n_live != g->n_res_groups)
        return;
      guint32 n = g->sm_rule ? g->n_live : g->n_groups;
      for (guint32 e = 0; e < n; e++)
        {
          guint32 gi = g->sm_rule ? g->live[e] : e;
          const Group *grp = &g->groups[gi];
          if (grp->blocks == 0 || grp->krun == ki)
            continue;
          if (grp->due <= k->last_end)
            {
              g->foreign_witness = gi;
              return;
            }
          foreign = MIN (foreign, grp->due);
        }
    }
  /* nothing more of K fits anywhere (an empty SM always fits some) */
  for (guint i = 0; i < g->n_sms; i += g->run_len[i])
    if (g->resident[i] == 0 || sm_fit (&g->free[i], k) > 0)
      return;
  /* its groups, each with a refill that changes nothing */
  Chain *c = &g->chain;
  c->n = 0;
  TsTime first = TS_TIME_NEVER;
  /* K's groups: among the live ones with contention (K is not draining), else the placed ones */
  guint32 n_cand = g->sm_rule ? g->n_live : g->n_groups;
  for (guint32 e = 0; e < n_cand && c->n < k->n_res; e++)
    {
      guint32 gi = g->sm_rule ? g->live[e] : e;
      Group *grp = &g->groups[gi];
      if (grp->blocks == 0 || grp->krun != ki)
        continue;
      ChainFrag *f = &c->frag[c->n];
      /* Where it is alone, its SM empties and then fits per_sm: the refill is the
       * same only if it held that many (place_kernel). */
      const Piece *pc = &g->group_pieces[(gsize) gi * g->n_sms];
      for (guint32 p = 0; p < grp->n_pieces; p++)
        for (guint i = run_find (g, pc[p].lo), hi = pc[p].lo + pc[p].n; i < hi; i += g->run_len[i])
          if (g->resident[i] == pc[p].blocks && pc[p].blocks != k->per_sm)
            return;
      double r = 0;
      if (g->sm_rule)
        {
          if (!chain_neutral (g, gi, k))
            return;
          r = group_rate (g, gi);
        }
      if (!chain_wave_steps (g, k, r, f))
        return;
      f->gi = gi, f->blocks = grp->blocks, f->virt = FALSE, f->fired = FALSE, f->rate = r;
      f->period = f->step_at[f->n_steps - 1];
      f->next = group_end (g, grp);  /* its present wave's end: where its first refill goes */
      first = MIN (first, f->next);
      c->period = c->n == 0 || f->period == c->period ? f->period : 0;
      c->n++;
    }
  /* The memory rule's sum: one group alone leaves it at each refill and comes back. */
  if (g->sm_rule && c->n == 1 && k->mem_frac > 0)
    {
      double rho = (g->mem_rho - k->mem_frac) + k->mem_frac;
      if ((rho < 1e-9 ? 0 : rho) != g->mem_rho)
        return;
    }
  if (foreign <= first)
    return;
  /* The completions in time order, each refilled while K has more blocks than it takes, until
   * one is not (or two coincide: the first's time is also the second's), or the first at or
   * after a foreign group's event. */
  guint64 left = k->undispatched;  /* >= 1 */
  TsTime stop;
  if (c->n == 1)  /* one fragment: (left - 1) / blocks refills, in closed form */
    stop = c->frag[0].next + (TsTime) ((left - 1) / c->frag[0].blocks) * c->frag[0].period;
  else
    {
      FragQueue q;  /* uninitialised but for head and n: entries are written before they are read */
      q.head = 0, q.n = 0;
      for (guint32 j = 0; j < c->n; j++)
        frag_queue_insert (&q, j, c->frag[j].next);
      if (frag_rotating (&q, c->period))
        {
          /* whole turns of refills while K keeps more blocks than each takes: m turns of S
           * blocks leave more than S - (one turn's refills so far) before every step when m S < left */
          guint64 S = 0;
          for (guint32 j = 0; j < c->n; j++)
            S += c->frag[j].blocks;
          guint64 m = (left - 1) / S;
          left -= m * S;
          frag_queue_shift (&q, (TsTime) m * c->period);
        }
      for (;;)
        {
          TsTime t = q.key[q.head];
          guint32 a = q.idx[q.head];
          if ((q.n > 1 && q.key[FQ_AT (&q, 1)] == t) || left <= c->frag[a].blocks || t >= foreign)
            {
              stop = t;
              break;
            }
          left -= c->frag[a].blocks;
          frag_queue_pop (&q);
          frag_queue_insert (&q, a, t + c->frag[a].period);
        }
    }
  if (stop == first)
    return;  /* not one refill */
  for (guint32 j = 0; j < c->n; j++)
    g->groups[c->frag[j].gi].frag = j;
  c->on = TRUE, c->ki = ki, c->level = lv, c->stop = stop, c->queue.n = 0;
  c->event = ts_engine_schedule (g->engine, stop, TS_EV_COMPLETE, ev_chain_end, g, 0);
}

/* A refill of group gi (contention): the group lists take the order that leaving and entering
 * again gives them (contention_leave, then contention_enter), the order in which later settles
 * visit groups and so of their events: gi moves to the end of each. */
static void
chain_refill_lists (TsGpu *g, guint32 gi)
{
  Group *grp = &g->groups[gi];
  const Piece *pc = &g->group_pieces[(gsize) gi * g->n_sms];
  guint cap = g->prof->max_blocks_per_sm;
  for (guint32 p = 0; p < grp->n_pieces; p++)
    for (guint i = run_find (g, pc[p].lo), hi = pc[p].lo + pc[p].n; i < hi; i += g->run_len[i])
      {
        guint32 *list = &g->sm_groups[(gsize) i * cap];
        guint32 n = g->sm_n_groups[i], e = 0;
        if (list[n - 1] == gi)
          continue;  /* there already (a steady refill's place, after the first) */
        while (list[e] != gi)
          e++;
        list[e] = list[n - 1];
        list[n - 1] = gi;
      }
  guint32 last = g->live[g->n_live - 1];
  g->live[grp->live_pos] = last;
  g->groups[last].live_pos = grp->live_pos;
  g->live[g->n_live - 1] = gi;
  grp->live_pos = g->n_live - 1;
}

/* `blocks` of the chain's kernel ended in refilled waves, and as many were placed again. */
static void
chain_count (TsGpu *g, KRun *k, guint64 blocks)
{
  g->blocks_completed += blocks;
  k->remaining -= blocks;
  k->done_real += blocks;
  k->undispatched -= blocks;
}

/* A refill at time t of fragment j: the wave that ended then is counted and the new one placed. */
static void
chain_apply_refill (TsGpu *g, guint32 j, TsTime t)
{
  ChainFrag *f = &g->chain.frag[j];
  KRun *k = &g->kruns[g->chain.ki];
  chain_count (g, k, f->blocks);
  k->last_end = MAX (k->last_end, t + f->step_at[0]);
  f->virt = TRUE, f->fired = FALSE, f->start = t, f->next = t + f->period;
  if (g->sm_rule)
    chain_refill_lists (g, f->gi);
}

/* The order in which `turns` more turns of refills (in the order of one that just went) leave a
 * group list: each refill swaps its group with the list's last entry (chain_apply_refill).  Let
 * x_1..x_L be the list's groups in the turn's order, at positions Q_1..Q_L; after one turn x_L
 * is last (Q_L = L - 1), and a turn from there takes x_j to Q_{j+1} for j < L - 1 and x_{L-1}
 * to Q_1: the first L - 1 positions rotate by one a turn, x_L stays.  Foreign groups (not
 * the chain's) are never last after one turn, so no refill moves them: x_1..x_L are the list's
 * fragments alone.  rank: each group's fragment's place in the turn. */
static void
chain_list_turns (TsGpu *g, guint32 *list, guint32 n, const guint32 *rank, guint64 turns)
{
  guint32 x[CHAIN_MAX_FRAGS], Q[CHAIN_MAX_FRAGS], L = 0;
  for (guint32 e = 0; e < n; e++)  /* x by rank, Q their positions: by insertion (L is small) */
    {
      guint32 gi = list[e];
      if (g->groups[gi].frag == NONE)
        continue;
      guint32 r = rank[g->groups[gi].frag], p = L++;
      for (; p > 0 && rank[g->groups[x[p - 1]].frag] > r; p--)
        x[p] = x[p - 1], Q[p] = Q[p - 1];
      x[p] = gi, Q[p] = e;
    }
  if (L <= 2)
    return;  /* one position rotates onto itself */
  guint32 shift = (guint32) (turns % (L - 1));
  for (guint32 j = 0; j + 1 < L; j++)
    list[Q[(j + shift) % (L - 1)]] = x[j];
}

/* Passes `turns` whole turns of a rotating chain (frag_rotating) at once, after one that went
 * refill by refill: the counts, times and group lists that the refills one by one would leave. */
static void
chain_skip_turns (TsGpu *g, guint64 turns)
{
  Chain *c = &g->chain;
  KRun *k = &g->kruns[c->ki];
  TsTime d = (TsTime) turns * c->period;
  guint64 blocks = 0;
  for (guint32 j = 0; j < c->n; j++)
    {
      ChainFrag *f = &c->frag[j];
      blocks += f->blocks;
      f->start += d, f->next += d;
      k->last_end = MAX (k->last_end, f->start + f->step_at[0]);
    }
  chain_count (g, k, blocks * turns);
  frag_queue_shift (&c->queue, d);
  if (!g->sm_rule)
    return;
  guint32 rank[CHAIN_MAX_FRAGS];
  for (guint32 pos = 0; pos < c->queue.n; pos++)
    rank[c->queue.idx[FQ_AT (&c->queue, pos)]] = pos;
  guint cap = g->prof->max_blocks_per_sm;
  for (guint i = 0; i < g->n_sms; i += g->run_len[i])
    chain_list_turns (g, &g->sm_groups[(gsize) i * cap], g->sm_n_groups[i], rank, turns);
  chain_list_turns (g, g->live, g->n_live, rank, turns);
  for (guint32 e = 0; e < g->n_live; e++)
    g->groups[g->live[e]].live_pos = e;
}

/* Applies the virtual fragments' completions and refills before `until`, in time order (they
 * never coincide before the chain's stop). */
static void
chain_catch_up (TsGpu *g, TsTime until)
{
  Chain *c = &g->chain;
  if (c->n == 1 && c->queue.n == 1 && c->frag[0].next < until)
    {
      /* K's one group, n refills: the first leaves it last in its lists, where the others
       * leave it (the foreign groups' places do not move; alone, it is last already). */
      ChainFrag *f = &c->frag[0];
      KRun *k = &g->kruns[c->ki];
      guint64 n = (guint64) (until - f->next + f->period - 1) / (guint64) f->period;
      if (g->sm_rule && k->n_res != g->n_res_groups)
        chain_refill_lists (g, f->gi);
      f->fired = FALSE;
      chain_count (g, k, n * f->blocks);
      f->start = f->next + (TsTime) (n - 1) * f->period;
      f->next = f->start + f->period;
      c->queue.key[c->queue.head] = f->next;
      k->last_end = MAX (k->last_end, f->start + f->step_at[0]);
      return;
    }
  /* Taking turns (frag_rotating), every fragment virtual: the refills before `until` are whole
   * turns and then part of one.  The first turn goes one refill at a time; any more pass at once. */
  guint64 turns = 0;
  TsTime last = c->queue.n > 0 ? c->queue.key[FQ_AT (&c->queue, c->queue.n - 1)] : 0;
  if (c->queue.n == c->n && last < until && frag_rotating (&c->queue, c->period))
    turns = (guint64) (until - 1 - last) / (guint64) c->period + 1;
  for (guint32 steps = turns >= 2 ? c->n : G_MAXUINT32;
       steps > 0 && c->queue.n > 0 && c->queue.key[c->queue.head] < until; steps--)
    {
      TsTime t = c->queue.key[c->queue.head];
      guint32 j = frag_queue_pop (&c->queue);
      chain_apply_refill (g, j, t);
      frag_queue_insert (&c->queue, j, c->frag[j].next);
    }
  if (turns >= 2)
    {
      chain_skip_turns (g, turns - 1);
      chain_catch_up (g, until);  /* the part of a turn left */
    }
}

/* Fragment j's wave at the chain's start ended now, before the chain's stop: its waves are
 * virtual from now on, beginning with the refill that the dispatcher makes at this instant
 * (chain_catch_up, once the instant is over). */
static void
chain_refill (TsGpu *g, guint32 j)
{
  Chain *c = &g->chain;
  g->groups[c->frag[j].gi].event = 0;
  c->frag[j].virt = TRUE, c->frag[j].fired = TRUE;
  frag_queue_insert (&c->queue, j, c->frag[j].next);
}

/* Ends the chain now: every fragment becomes the group the wave-by-wave simulation has at this
 * point.  inclusive: a wave ending now has ended (the caller runs after this instant's
 * completions); otherwise it ends in an event of its own, now (at the chain's stop). */
static void
chain_materialize (TsGpu *g, gboolean inclusive)
{
  Chain *c = &g->chain;
  KRun *k = &g->kruns[c->ki];
  TsTime now = ts_engine_now (g->engine);
  if (c->event != 0)
    ts_engine_cancel (g->engine, c->event), c->event = 0;
  chain_catch_up (g, now);
  c->on = FALSE;
  /* the virtual fragments, by their present wave's placement: the order of their events */
  guint32 order[CHAIN_MAX_FRAGS], n = 0, ended = NONE;
  for (guint32 j = 0; j < c->n; j++)
    {
      ChainFrag *f = &c->frag[j];
      g->groups[f->gi].frag = NONE;
      if (!f->virt)
        continue;  /* still in the wave it had when the chain began: a group as it was */
      if (f->fired || (inclusive && f->next == now))
        {
          /* it ended now (its event came before a foreign group's, or the caller runs after
           * this instant's completions); the dispatcher at this instant decides what follows */
          ended = j;
          continue;
        }
      guint32 p = n++;
      while (p > 0 && c->frag[order[p - 1]].start > f->start)
        order[p] = order[p - 1], p--;
      order[p] = j;
    }
  for (guint32 q = 0; q < n; q++)
    {
      guint32 j = order[q];
      ChainFrag *f = &c->frag[j];
      Group *grp = &g->groups[f->gi];
      TsTime s = f->start;
      grp->start = s;
      if (g->sm_rule)
        grp->left = k->work, grp->since = s + g->prof->timing.block_dispatch, grp->rate = f->rate;
      /* its state as the early-event steps before now left it */
      guint st = 0;
      while (st + 1 < f->n_steps && (s + f->step_at[st] < now || (inclusive && s + f->step_at[st] == now)))
        {
          grp->left = f->step_left[st], grp->since = s + f->step_at[st];
          st++;
        }
      grp->due = s + f->step_at[st];
      grp->event = ts_engine_schedule (g->engine, grp->due, TS_EV_COMPLETE, ev_complete, g, f->gi);
    }
  if (ended != NONE)
    group_done (g, c->frag[ended].gi);
}

static void
ev_complete (gpointer data, guint64 arg)
{
  TsGpu *g = data;
  guint32 gi = (guint32) arg;
  Group *grp = &g->groups[gi];
  if (g->chain.on && grp->frag == NONE)
    chain_materialize (g, FALSE);  /* a foreign group's event: K's waves ending now come after it */
  if (g->sm_rule && !grp->noop)
    {
      /* Left early by a slow-down (group_update): the rest of its work, at its present rate. */
      group_advance (grp, ts_engine_now (g->engine));
      TsTime rest = round_ns (grp->left / grp->rate);
      if (rest > 0)
        {
          grp->due = ts_engine_now (g->engine) + rest;
          grp->event = ts_engine_schedule (g->engine, grp->due, TS_EV_COMPLETE, ev_complete, g, gi);
          return;
        }
    }
  if (grp->frag != NONE)
    {
      if (ts_engine_now (g->engine) < g->chain.stop)
        {
          chain_refill (g, grp->frag);
          return;
        }
      /* It ends the chain: the others' waves come first, as their events would have. */
      chain_materialize (g, FALSE);
    }
  group_done (g, gi);
}

/* ---- preemption ---- */

/* Drops every kernel of the stream's host queue; returns how many. */
static guint
drop_host_queue (TsGpu *g, Stream *s)
{
  guint n = 0;
  for (guint32 ki = s->host_head; ki != NONE; n++)
    {
      guint32 next = g->kruns[ki].next;
      if (g->kruns[ki].partner != NONE)
        krun_release (g, g->kruns[ki].partner);
      krun_release (g, ki);
      ki = next;
    }
  s->host_head = s->host_tail = NONE;
  s->n_issuing = 0;
  s->issue_next = NONE;
  s->issue_epoch++;
  return n;
}

/* Starts a preemption of a stream that has none in progress: its host queue is dropped now. */
static Stream *
preempt_begin (TsGpu *g, guint stream, PreemptKind kind, TsPreemptDoneFn fn, gpointer data)
{
  g_return_val_if_fail (stream < g->n_streams, NULL);
  Stream *s = &g->streams[stream];
  g_return_val_if_fail (s->preempt == PREEMPT_NONE, NULL);
  if (g->chain.on)
    chain_materialize (g, TRUE);  /* a preemption's events run among this kernel's completions */
  s->preempt = kind;
  s->pfn = fn, s->pdata = data;
  s->pr = (TsPreemptResult) { .requested = ts_engine_now (g->engine), .host_dropped = drop_host_queue (g, s) };
  return s;
}

/* Reset, at the end of its cost: kill the stream's running blocks and forget its kernels. */
static void
ev_reset_kill (gpointer data, guint64 arg)
{
  TsGpu *g = data;
  guint32 si = (guint32) arg;
  Stream *s = &g->streams[si];
  TsTime now = ts_engine_now (g->engine);
  g->n_special--;
  for (guint32 gi = 0; gi < g->n_groups; gi++)
    {
      Group *grp = &g->groups[gi];
      if (grp->blocks == 0 || g->kruns[grp->krun].stream != si)
        continue;
      KRun *k = &g->kruns[grp->krun];
      ts_engine_cancel (g->engine, grp->event);
      const Piece *pieces = group_vacate (g, gi);
      if (g->observer)
        observe (g, TS_GPU_BLOCKS_KILLED, k, grp, pieces);
      TsTime elapsed = now - grp->start;
      s->pr.aborted_blocks += grp->blocks;
      s->pr.aborted_block_ns += grp->blocks * elapsed;
      s->pr.wasted_gpu_ns += (double) grp->blocks * elapsed / ((double) g->n_sms * k->per_sm);
      group_release (g, gi);
    }
  if (s->active != NONE)
    {
      /* still there: it did not complete before the kill */
      KRun *k = &g->kruns[s->active];
      s->pr.have_unfinished = TRUE, s->pr.unfinished_tag = k->tag, s->pr.unfinished_done = k->done_real;
      s->pr.device_dropped++;
      if (k->partner != NONE)
        krun_release (g, k->partner);
      krun_release (g, s->active);
      s->active = NONE;
      s->n_device--;
    }
  preempt_done (g, si);
  request_dispatch (g);
}

guint
ts_gpu_reset (TsGpu *gpu, guint stream, TsPreemptDoneFn fn, gpointer data)
{
  Stream *s = preempt_begin (gpu, stream, PREEMPT_RESET, fn, data);
  g_return_val_if_fail (s != NULL, 0);
  TsTime now = s->pr.requested;

  /* Evict the device queue.  Launched kernels not yet eligible go now; the first of them is the
   * first unfinished kernel unless the active one is still there at the kill. */
  if (s->head != NONE)
    s->pr.have_unfinished = TRUE, s->pr.unfinished_tag = gpu->kruns[s->head].tag;
  for (guint32 ki = s->head; ki != NONE;)
    {
      guint32 next = gpu->kruns[ki].next;
      if (gpu->kruns[ki].partner != NONE)
        krun_release (gpu, gpu->kruns[ki].partner);
      krun_release (gpu, ki);
      s->pr.device_dropped++;
      s->n_device--;
      ki = next;
    }
  s->head = s->tail = NONE;
  /* The active kernel (and its pad) receive no more blocks; blocks already placed run on until
   * the kill.  Its cancelled blocks stay counted in `remaining`, so it cannot complete unless
   * none was cancelled. */
  gboolean running = FALSE;
  guint32 halves[2] = { s->active, s->active != NONE ? gpu->kruns[s->active].partner : NONE };
  for (guint j = 0; j < 2; j++)
    if (halves[j] != NONE)
      {
        KRun *k = &gpu->kruns[halves[j]];
        level_remove (gpu, s->level, halves[j]);
        running |= k->remaining > k->undispatched;
        k->undispatched = 0;
      }
  TsTime cost = gpu->prof->timing.host_queue_clear;
  if (running)
    cost += gpu->prof->timing.flag_write + gpu->prof->timing.cu_reset;
  gpu->n_special++;
  ts_engine_schedule (gpu->engine, now + cost, TS_EV_COMPLETE, ev_reset_kill, gpu, stream);
  return s->pr.host_dropped;
}

/* Drain, once the flag is visible: blocks placed from now on exit at entry. */
static void
ev_drain_flag (gpointer data, guint64 arg)
{
  TsGpu *g = data;
  Stream *s = &g->streams[arg];
  g->n_special--;
  guint32 kis[2] = { s->active, s->head };
  for (guint j = 0; j < 2; j++)
    for (guint32 ki = kis[j]; ki != NONE; ki = j == 0 ? NONE : g->kruns[ki].next)
      {
        KRun *k = &g->kruns[ki];
        k->draining = TRUE;
        k->block_ns = g->prof->timing.block_check;
        if (k->partner != NONE)
          g->kruns[k->partner].draining = TRUE, g->kruns[k->partner].block_ns = g->prof->timing.block_check;
      }
}

static void
ev_drain_empty (gpointer data, guint64 arg)
{
  preempt_done (data, (guint32) arg);
}

guint
ts_gpu_drain (TsGpu *gpu, guint stream, TsPreemptDoneFn fn, gpointer data)
{
  Stream *s = preempt_begin (gpu, stream, PREEMPT_DRAIN, fn, data);
  g_return_val_if_fail (s != NULL, 0);
  TsTime now = s->pr.requested;
  if (s->active == NONE && s->head == NONE)
    ts_engine_schedule (gpu->engine, now + gpu->prof->timing.host_queue_clear, TS_EV_HOST, ev_drain_empty, gpu, stream);
  else
    {
      gpu->n_special++;
      ts_engine_schedule (gpu->engine, now + gpu->prof->timing.host_queue_clear + gpu->prof->timing.flag_write,
                          TS_EV_COMPLETE, ev_drain_flag, gpu, stream);
    }
  return s->pr.host_dropped;
}

/* ---- other processors on the same DRAM (sim/dla.h) ---- */

void
ts_gpu_memory_set_peer (TsGpu *gpu, TsGpuMemoryFn fn, gpointer data)
{
  gpu->mem_fn = fn;
  gpu->mem_data = data;
}

void
ts_gpu_memory_external (TsGpu *gpu, const double *demand, guint n)
{
  if (!gpu->mem_rule || !gpu->sm_rule)
    return;
  double sum = 0;
  for (guint j = 0; j < n; j++)
    sum += demand[j];
  gpu->ext_m = demand, gpu->n_ext = n, gpu->ext_rho = sum;
  if (gpu->chain.on)
    chain_materialize (gpu, TRUE);  /* its waves assumed the memory rule's factor constant */
  gpu->mem_dirty = TRUE;
  request_dispatch (gpu);
}

double ts_gpu_memory_slowdown (const TsGpu *gpu) { return gpu->mem_slow; }

double ts_gpu_memory_bandwidth (const TsGpu *gpu) { return gpu->mem_rule && gpu->sm_rule ? gpu->bandwidth : 0; }

/* ---- invariants, for tests ---- */

#define VERIFY(cond, ...) \
  do { if (!(cond)) { g_message ("ts_gpu_verify: " __VA_ARGS__); return FALSE; } } while (0)

gboolean
ts_gpu_verify (const TsGpu *gpu)
{
  const TsGpu *g = gpu;
  const TsProfile *p = g->prof;
  guint cap = p->max_blocks_per_sm;
  /* The runs tile the SMs, each with its state at its start; none is left in the touched list. */
  {
    guint i = 0, n_starts = 0, prev = NONE;
    for (; i < g->n_sms; prev = i, i += g->run_len[i], n_starts++)
      VERIFY (run_is_start (g, i) && g->run_len[i] >= 1 && g->run_prev[i] == prev,
              "SM %u: not a run start, an empty run, or a wrong link to the run before", i);
    guint bits = 0;
    for (guint w = 0; w < g->mask_words; w++)
      bits += (guint) __builtin_popcountll (g->run_head[w]);
    VERIFY (i == g->n_sms && bits == n_starts, "runs: %u starts marked, %u found", bits, n_starts);
    VERIFY (!g->sm_rule || (g->touched_head == NONE && g->n_touched_sms == 0), "runs: the touched list is not empty");
  }
  /* Each SM's free resources and load (its run's) are what its resident groups leave (loads to
   * rounding). */
  for (guint i = 0; i < g->n_sms; i++)
    {
      guint64 used[4] = { 0, 0, 0, 0 };
      double load = 0;
      guint32 n_live = 0;
      for (guint32 gi = 0; gi < g->n_groups; gi++)
        {
          const Group *grp = &g->groups[gi];
          if (grp->blocks == 0)
            continue;
          const KRun *k = &g->kruns[grp->krun];
          const Piece *pc = &g->group_pieces[(gsize) gi * g->n_sms];
          for (guint32 j = 0; j < grp->n_pieces; j++)
            if (pc[j].lo <= i && i < (guint) pc[j].lo + pc[j].n)
              {
                guint64 c = pc[j].blocks;
                used[0] += c, used[1] += c * k->need_threads, used[2] += c * k->need_regs, used[3] += c * k->need_smem;
                if (g->sm_rule && !grp->noop)
                  load += c * k->demand, n_live++;
              }
        }
      guint s = run_find (g, i);
      const SmFree *f = &g->free[s];
      VERIFY (used[0] == g->resident[s] && f->slots + used[0] == cap && f->threads + used[1] == p->max_threads_per_sm
              && f->regs + used[2] == p->registers_per_sm && f->smem + used[3] == p->shared_mem_per_sm,
              "SM %u: free resources do not add up", i);
      if (g->sm_rule)
        VERIFY (g->sm_n_groups[s] == n_live && fabs (g->load[s] - load) <= 1e-9 * MAX (1.0, load)
                && (n_live > 0 || g->load[s] == 0), "SM %u: load %g, its groups' %g", i, g->load[s], load);
    }
  /* The group lists, which a chain passing whole turns rewrites (chain_skip_turns): each entry
   * of an SM's list is a live group on that SM (with the counts above: each once), and each
   * live group knows its place in the live list. */
  if (g->sm_rule)
    for (guint i = 0; i < g->n_sms; i++)
      {
        guint s = run_find (g, i);
        for (guint32 e = 0; e < g->sm_n_groups[s]; e++)
          {
            guint32 gi = g->sm_groups[(gsize) s * cap + e];
            const Group *grp = &g->groups[gi];
            VERIFY (gi < g->n_groups && grp->blocks > 0 && !grp->noop && grp->live_pos < g->n_live
                    && g->live[grp->live_pos] == gi, "SM %u: its list holds group %u, not live", i, gi);
            const Piece *pc = &g->group_pieces[(gsize) gi * g->n_sms];
            guint32 j = 0;
            while (j < grp->n_pieces && !(pc[j].lo <= i && i < (guint) pc[j].lo + pc[j].n))
              j++;
            VERIFY (j < grp->n_pieces, "SM %u: its list holds group %u, not on it", i, gi);
            for (guint32 e2 = 0; e2 < e; e2++)
              VERIFY (g->sm_groups[(gsize) s * cap + e2] != gi, "SM %u: group %u twice in its list", i, gi);
          }
      }
  /* Every live group runs at the rate its heaviest SM and the memory rule give now (within the
   * tolerance under which group_update keeps a rate). */
  if (g->sm_rule)
    for (guint32 e = 0; e < g->n_live; e++)
      {
        VERIFY (g->groups[g->live[e]].live_pos == e, "live group %u: at %u, its live_pos says %u", g->live[e], e,
                g->groups[g->live[e]].live_pos);
        const Group *grp = &g->groups[g->live[e]];
        double load = group_load (g, g->live[e]);
        double r = kernel_speed (g, &g->kruns[grp->krun], load);
        VERIFY (fabs (r - grp->rate) <= 1e-12 * r, "group %u: rate %.17g, its SMs give %.17g", g->live[e], grp->rate, r);
        /* what rates_settle builds on: the load of its last rate is its heaviest SM's now */
        VERIFY (memcmp (&grp->memo_load, &load, sizeof load) == 0, "group %u: rated at load %.17g, its SMs' is %.17g",
                g->live[e], grp->memo_load, load);
      }
  /* memory_slowdown's terms: the kernels with live groups and m > 0, by index. */
  if (g->sm_rule)
    {
      guint32 n = 0;
      for (guint32 ki = 0; ki < g->n_kruns; ki++)
        {
          guint32 live = 0;
          for (guint32 e = 0; e < g->n_live; e++)
            live += g->groups[g->live[e]].krun == ki;
          VERIFY (live == g->kruns[ki].live, "launch %u: %u live groups, counted %u", ki, live, g->kruns[ki].live);
          if (live > 0 && g->kruns[ki].mem_frac > 0)
            {
              VERIFY (n < g->n_mem_live && g->mem_live[n] == ki, "memory terms: launch %u missing or out of order", ki);
              n++;
            }
        }
      VERIFY (n == g->n_mem_live, "memory terms: %u, of %u kernels", g->n_mem_live, n);
    }
  /* Outside the freed SMs, fit_zero_id's kernel fits nowhere; an empty SM is always freed. */
  if (g->fit_zero_id != 0)
    for (guint32 ki = 0; ki < g->n_kruns; ki++)
      if (g->kruns[ki].id == g->fit_zero_id)
        for (guint i = 0; i < g->n_sms; i += g->run_len[i])
          VERIFY (g->freed_stamp[i] == g->freed_epoch || (g->resident[i] > 0 && sm_fit (&g->free[i], &g->kruns[ki]) == 0),
                  "SM %u fits launch %" G_GUINT64_FORMAT " but is not in the freed list", i, g->fit_zero_id);
  /* A chain's virtual fragments are in its queue once each, by time. */
  if (g->chain.on)
    {
      const FragQueue *q = &g->chain.queue;
      guint32 n_virt = 0;
      for (guint32 j = 0; j < g->chain.n; j++)
        n_virt += g->chain.frag[j].virt;
      VERIFY (q->n == n_virt, "chain queue: %u fragments of %u virtual", q->n, n_virt);
      for (guint32 pos = 0; pos < q->n; pos++)
        {
          VERIFY (q->key[FQ_AT (q, pos)] == g->chain.frag[q->idx[FQ_AT (q, pos)]].next, "chain queue: a stale time");
          VERIFY (pos == 0 || q->key[FQ_AT (q, pos - 1)] <= q->key[FQ_AT (q, pos)], "chain queue: out of order");
        }
    }
  return TRUE;
}

/* FNV-1a over 64-bit words. */
static inline guint64
digest_word (guint64 h, guint64 w)
{
  for (guint b = 0; b < 8; b++)
    h = (h ^ ((w >> (8 * b)) & 0xff)) * G_GUINT64_CONSTANT (1099511628211);
  return h;
}

guint64
ts_gpu_order_digest (const TsGpu *gpu)
{
  const TsGpu *g = gpu;
  guint64 h = G_GUINT64_CONSTANT (14695981039346656037);
  if (!g->sm_rule)
    return h;
  guint cap = g->prof->max_blocks_per_sm;
  for (guint i = 0; i < g->n_sms; i++)  /* SM by SM, whatever the runs */
    for (guint s = run_find (g, i), e = 0; e < g->sm_n_groups[s]; e++)
      h = digest_word (h, ((guint64) i << 32) | g->sm_groups[(gsize) s * cap + e]);
  for (guint32 e = 0; e < g->n_live; e++)
    {
      const Group *grp = &g->groups[g->live[e]];
      guint64 left, rate;
      memcpy (&left, &grp->left, sizeof left), memcpy (&rate, &grp->rate, sizeof rate);
      h = digest_word (digest_word (digest_word (digest_word (h, g->live[e]), left), rate), (guint64) grp->due);
    }
  return h;
}
