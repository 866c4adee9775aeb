/* Simulated GPU: waves, dispatch order, priorities, no eviction, launch latency, placement.
 * Every expected time below is worked out in the comment beside it. */
#include "config.h"

#include <string.h>

#include "sim/gpu.h"
#include "tests/testutil.h"

typedef struct {
  TsGpuEventKind kind;
  TsTime time;
  guint64 launch;
  guint blocks;
  guint per_sm[16];    /* BLOCKS_*: blocks per SM */
} Ev;

typedef struct {
  GArray *evs;
} Obs;

static void
observe (gpointer data, const TsGpuEvent *ev)
{
  Obs *o = data;
  Ev e = { ev->kind, ev->time, ev->launch, ev->blocks, { 0 } };
  for (guint i = 0; i < ev->n_sms; i++)
    e.per_sm[ev->pairs[i] >> 16] = ev->pairs[i] & 0xffff;
  g_array_append_val (o->evs, e);
}

typedef struct {
  TsEngine *engine;
  TsGpu *gpu;
  TsProfile *prof;
  Obs obs;
} Rig;

static void
rig_init (Rig *r, TsProfile *prof)
{
  r->prof = prof;
  r->engine = ts_engine_new ();
  r->gpu = ts_gpu_new (r->engine, prof);
  r->obs.evs = g_array_new (FALSE, FALSE, sizeof (Ev));
  ts_gpu_set_observer (r->gpu, observe, &r->obs);
}

static void
rig_clear (Rig *r)
{
  ts_gpu_free (r->gpu);
  ts_engine_free (r->engine);
  ts_profile_free (r->prof);
  g_array_unref (r->obs.evs);
}

/* The n-th (0-based) event of a kind for a launch, or NULL. */
static const Ev *
find (const Rig *r, TsGpuEventKind kind, guint64 launch, guint n)
{
  for (guint i = 0; i < r->obs.evs->len; i++)
    {
      const Ev *e = &g_array_index (r->obs.evs, Ev, i);
      if (e->kind == kind && e->launch == launch && n-- == 0)
        return e;
    }
  return NULL;
}

static void
assert_sms (const Ev *e, guint n, const guint *want)
{
  g_assert_nonnull (e);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (e->per_sm[i], ==, want[i]);
}

/* B blocks on S SMs at k per SM take ceil(B / (S k)) waves of solo / waves each. */
static void
test_waves (void)
{
  /* Per SM: 1024 threads, 8 slots, 32768 registers, 49152 B shared memory; 4 SMs. */
  static const struct { guint blocks, threads, regs, smem, k, waves; } cases[] = {
    { 40, 256, 16, 0, 4, 3 },       /* threads bind: 1024/256 = 4 (regs 32768/4096 = 8); 40/16 -> 3 */
    { 17, 64, 128, 0, 4, 2 },       /* registers bind: 32768/(64*128) = 4; 17/16 -> 2 */
    { 9, 64, 16, 20000, 2, 2 },     /* shared memory binds: 49152/20000 = 2; 9/8 -> 2 */
    { 100, 32, 8, 0, 8, 4 },        /* slots bind: 8 (threads would allow 32); 100/32 -> 4 */
    { 16, 256, 16, 0, 4, 1 },       /* exactly one full wave */
    { 1, 1024, 32, 0, 1, 1 },       /* one block filling an SM's threads and registers */
  };
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      Rig r;
      rig_init (&r, tu_profile (4));
      TsKernelDesc k = tu_kernel (cases[c].blocks, cases[c].threads, cases[c].regs, cases[c].smem,
                                  cases[c].waves * 1000);
      g_assert_cmpuint (ts_gpu_blocks_per_sm (r.gpu, &k), ==, cases[c].k);
      g_assert_cmpint (ts_gpu_block_duration (r.gpu, &k), ==, 1000);
      guint s = ts_gpu_stream_new (r.gpu, 1);
      guint64 id = ts_gpu_launch (r.gpu, s, &k, NULL, NULL, 0);
      ts_engine_run (r.engine);

      guint per_wave = 4 * cases[c].k, left = cases[c].blocks;
      for (guint w = 0; w < cases[c].waves; w++)
        {
          const Ev *e = find (&r, TS_GPU_BLOCKS_START, id, w);
          g_assert_nonnull (e);
          g_assert_cmpint (e->time, ==, w * 1000);
          g_assert_cmpuint (e->blocks, ==, MIN (per_wave, left));
          left -= e->blocks;
        }
      g_assert_null (find (&r, TS_GPU_BLOCKS_START, id, cases[c].waves));
      g_assert_cmpint (find (&r, TS_GPU_KERNEL_DONE, id, 0)->time, ==, k.duration);
      g_assert_cmpuint (ts_gpu_blocks_completed (r.gpu), ==, cases[c].blocks);
      rig_clear (&r);
    }
}

/* Two equal-priority kernels in different streams, both launched at 0 (no launch latency).
 * A: 10 blocks of 512 threads (2 per SM, 8 per wave), 2 waves of 1000 ns.  B: 8 blocks, 1 wave.
 *   t=0     A takes all 8 slots; B, behind A, gets nothing.
 *   t=1000  A's 8 blocks end.  A places its last 2 (most-free: SM0, SM1); only then B takes
 *           what is left: SM0:1, SM1:1, SM2:2, SM3:2 = 6 blocks.
 *   t=2000  A done; B places its last 2.   t=3000  B done. */
static void
test_equal_priority_fifo (void)
{
  Rig r;
  rig_init (&r, tu_profile (4));
  TsKernelDesc a = tu_kernel (10, 512, 16, 0, 2000), b = tu_kernel (8, 512, 16, 0, 1000);
  guint sa = ts_gpu_stream_new (r.gpu, 1), sb = ts_gpu_stream_new (r.gpu, 1);
  guint64 ia = ts_gpu_launch (r.gpu, sa, &a, NULL, NULL, 0);
  guint64 ib = ts_gpu_launch (r.gpu, sb, &b, NULL, NULL, 0);
  ts_engine_run (r.engine);

  g_assert_cmpint (find (&r, TS_GPU_BLOCKS_START, ia, 0)->time, ==, 0);
  const Ev *a2 = find (&r, TS_GPU_BLOCKS_START, ia, 1), *b1 = find (&r, TS_GPU_BLOCKS_START, ib, 0);
  g_assert_cmpint (a2->time, ==, 1000);
  assert_sms (a2, 4, (guint[]) { 1, 1, 0, 0 });
  g_assert_cmpint (b1->time, ==, 1000);
  assert_sms (b1, 4, (guint[]) { 1, 1, 2, 2 });
  g_assert_true (a2 < b1);  /* A's last blocks were placed before B's first */
  g_assert_cmpint (find (&r, TS_GPU_BLOCKS_START, ib, 1)->time, ==, 2000);
  g_assert_cmpint (find (&r, TS_GPU_KERNEL_DONE, ia, 0)->time, ==, 2000);
  g_assert_cmpint (find (&r, TS_GPU_KERNEL_DONE, ib, 0)->time, ==, 3000);
  rig_clear (&r);
}

typedef struct {
  Rig *r;
  guint stream;
  const TsKernelDesc *k;
  guint64 id;
  guint resident_seen;
} Later;

static void
launch_later (gpointer data, guint64 arg)
{
  Later *l = data;
  l->id = ts_gpu_launch (l->r->gpu, l->stream, l->k, NULL, NULL, 0);
}

static void
probe_resident (gpointer data, guint64 arg)
{
  Later *l = data;
  l->resident_seen = 0;
  for (guint i = 0; i < l->r->prof->sms; i++)
    l->resident_seen += ts_gpu_sm_resident (l->r->gpu, i);
}

/* L (low level): 40 blocks of 512 threads, 5 waves of 1000 ns, filling every SM from t=0.
 * H (high level): 3 blocks of 300 ns, launched at t=500.
 *   t=500   H is eligible but nothing fits; no L block is evicted (8 still resident at 600).
 *   t=1000  8 L blocks end: H takes 3 slots first (SM0-2), then L the other 5.
 *   t=1300  H done; its 3 slots go to L.  L's remaining 24 blocks then run in groups of 5 and
 *           3 every 1000 ns: the last starts at 4300 and ends at 5300 (5000 + H's 300). */
static void
test_priority_first_freed_slots (void)
{
  Rig r;
  rig_init (&r, tu_profile (4));
  TsKernelDesc lo = tu_kernel (40, 512, 16, 0, 5000), hi = tu_kernel (3, 512, 16, 0, 300);
  guint sl = ts_gpu_stream_new (r.gpu, 1), sh = ts_gpu_stream_new (r.gpu, 0);
  guint64 il = ts_gpu_launch (r.gpu, sl, &lo, NULL, NULL, 0);
  Later h = { &r, sh, &hi, 0, 0 };
  ts_engine_schedule (r.engine, 500, TS_EV_HOST, launch_later, &h, 0);
  ts_engine_schedule (r.engine, 600, TS_EV_HOST, probe_resident, &h, 0);
  ts_engine_run (r.engine);

  g_assert_cmpuint (h.resident_seen, ==, 8);
  const Ev *h1 = find (&r, TS_GPU_BLOCKS_START, h.id, 0);
  g_assert_cmpint (h1->time, ==, 1000);
  g_assert_cmpuint (h1->blocks, ==, 3);
  assert_sms (h1, 4, (guint[]) { 1, 1, 1, 0 });
  const Ev *l2 = find (&r, TS_GPU_BLOCKS_START, il, 1);
  g_assert_cmpint (l2->time, ==, 1000);
  g_assert_cmpuint (l2->blocks, ==, 5);
  g_assert_true (h1 < l2);
  const Ev *l3 = find (&r, TS_GPU_BLOCKS_START, il, 2);
  g_assert_cmpint (l3->time, ==, 1300);
  g_assert_cmpuint (l3->blocks, ==, 3);
  g_assert_cmpint (find (&r, TS_GPU_KERNEL_DONE, h.id, 0)->time, ==, 1300);
  g_assert_cmpint (find (&r, TS_GPU_KERNEL_DONE, il, 0)->time, ==, 5300);
  rig_clear (&r);
}

typedef struct {
  TsEngine *e;
  GArray *times;
} Done;

static void
on_done (gpointer data, guint64 tag)
{
  Done *d = data;
  TsTime t = ts_engine_now (d->e);
  g_array_append_val (d->times, t);
}

/* Launch latency 7000 ns.  K1 and K2 (8 blocks, 1000 ns, one wave each) launched at 0 on one
 * stream: K1 is eligible at 7000 and done at 8000; K2's latency has passed by then, so it
 * starts at 8000 and is done at 9000.  K3 launched at 20000 starts at 27000.  The completion
 * callbacks come sync_wakeup (500 ns) after each completion. */
static void
test_launch_latency (void)
{
  Rig r;
  TsProfile *p = tu_profile (4);
  p->timing.launch_latency = 7000;
  p->timing.sync_wakeup = 500;
  rig_init (&r, p);
  Done d = { r.engine, g_array_new (FALSE, FALSE, sizeof (TsTime)) };
  TsKernelDesc k = tu_kernel (8, 512, 16, 0, 1000);
  guint s = ts_gpu_stream_new (r.gpu, 1);
  guint64 k1 = ts_gpu_launch (r.gpu, s, &k, on_done, &d, 1);
  guint64 k2 = ts_gpu_launch (r.gpu, s, &k, on_done, &d, 2);
  Later l3 = { &r, s, &k, 0, 0 };
  ts_engine_schedule (r.engine, 20000, TS_EV_HOST, launch_later, &l3, 0);
  ts_engine_run (r.engine);
  g_assert_cmpint (find (&r, TS_GPU_KERNEL_READY, k1, 0)->time, ==, 7000);
  g_assert_cmpint (find (&r, TS_GPU_BLOCKS_START, k1, 0)->time, ==, 7000);
  g_assert_cmpint (find (&r, TS_GPU_KERNEL_DONE, k1, 0)->time, ==, 8000);
  g_assert_cmpint (find (&r, TS_GPU_BLOCKS_START, k2, 0)->time, ==, 8000);
  g_assert_cmpint (find (&r, TS_GPU_KERNEL_DONE, k2, 0)->time, ==, 9000);
  g_assert_cmpint (find (&r, TS_GPU_BLOCKS_START, l3.id, 0)->time, ==, 27000);
  g_assert_cmpuint (d.times->len, ==, 2);
  g_assert_cmpint (g_array_index (d.times, TsTime, 0), ==, 8500);
  g_assert_cmpint (g_array_index (d.times, TsTime, 1), ==, 9500);
  g_array_unref (d.times);
  rig_clear (&r);
}

/* X (4 blocks, 30000 B shared memory: 1 per SM) runs 0..5000.  A (4 blocks, 40000 B) is
 * launched at 10 and cannot fit beside X; B (4 small blocks) at 20 could.
 *   head-of-level: B waits behind A; at 5000 A takes one block per SM, then B: done at 6000.
 *   any-fit:       B takes blocks at 20 and is done at 1020; A still waits for X. */
static void
run_any_fit (TsDispatchRule rule, TsTime *b_start, TsTime *b_done, TsTime *a_start)
{
  Rig r;
  TsProfile *p = tu_profile (4);
  p->dispatch = rule;
  rig_init (&r, p);
  TsKernelDesc x = tu_kernel (4, 64, 16, 30000, 5000), a = tu_kernel (4, 64, 16, 40000, 1000),
               b = tu_kernel (4, 64, 16, 0, 1000);
  guint s0 = ts_gpu_stream_new (r.gpu, 1), s1 = ts_gpu_stream_new (r.gpu, 1), s2 = ts_gpu_stream_new (r.gpu, 1);
  ts_gpu_launch (r.gpu, s0, &x, NULL, NULL, 0);
  Later la = { &r, s1, &a, 0, 0 }, lb = { &r, s2, &b, 0, 0 };
  ts_engine_schedule (r.engine, 10, TS_EV_HOST, launch_later, &la, 0);
  ts_engine_schedule (r.engine, 20, TS_EV_HOST, launch_later, &lb, 0);
  ts_engine_run (r.engine);
  *b_start = find (&r, TS_GPU_BLOCKS_START, lb.id, 0)->time;
  *b_done = find (&r, TS_GPU_KERNEL_DONE, lb.id, 0)->time;
  *a_start = find (&r, TS_GPU_BLOCKS_START, la.id, 0)->time;
  rig_clear (&r);
}

static void
test_dispatch_rules (void)
{
  TsTime bs, bd, as;
  run_any_fit (TS_DISPATCH_HEAD_OF_LEVEL, &bs, &bd, &as);
  g_assert_cmpint (as, ==, 5000);
  g_assert_cmpint (bs, ==, 5000);
  g_assert_cmpint (bd, ==, 6000);
  run_any_fit (TS_DISPATCH_ANY_FIT, &bs, &bd, &as);
  g_assert_cmpint (as, ==, 5000);
  g_assert_cmpint (bs, ==, 20);
  g_assert_cmpint (bd, ==, 1020);
}

/* One-block kernels of 512 threads (2 per SM): K1 (ends at 5) goes to SM0, K2 (launched at 1,
 * long) to SM1 under either rule.  K3 at 10: most-free picks SM0 (2 free, lowest id; SM1 has
 * 1); round-robin continues from its cursor, after SM1: SM2. */
static guint
third_block_sm (TsPlacementRule rule)
{
  Rig r;
  TsProfile *p = tu_profile (4);
  p->placement = rule;
  rig_init (&r, p);
  TsKernelDesc k1 = tu_kernel (1, 512, 16, 0, 5), k2 = tu_kernel (1, 512, 16, 0, 1000),
               k3 = tu_kernel (1, 512, 16, 0, 1000);
  guint s1 = ts_gpu_stream_new (r.gpu, 1), s2 = ts_gpu_stream_new (r.gpu, 1), s3 = ts_gpu_stream_new (r.gpu, 1);
  guint64 i1 = ts_gpu_launch (r.gpu, s1, &k1, NULL, NULL, 0);
  Later l2 = { &r, s2, &k2, 0, 0 }, l3 = { &r, s3, &k3, 0, 0 };
  ts_engine_schedule (r.engine, 1, TS_EV_HOST, launch_later, &l2, 0);
  ts_engine_schedule (r.engine, 10, TS_EV_HOST, launch_later, &l3, 0);
  ts_engine_run (r.engine);
  assert_sms (find (&r, TS_GPU_BLOCKS_START, i1, 0), 4, (guint[]) { 1, 0, 0, 0 });
  assert_sms (find (&r, TS_GPU_BLOCKS_START, l2.id, 0), 4, (guint[]) { 0, 1, 0, 0 });
  const Ev *e = find (&r, TS_GPU_BLOCKS_START, l3.id, 0);
  guint sm = 0;
  while (e->per_sm[sm] == 0)
    sm++;
  rig_clear (&r);
  return sm;
}

static void
test_placement_rules (void)
{
  g_assert_cmpuint (third_block_sm (TS_PLACE_MOST_FREE), ==, 0);
  g_assert_cmpuint (third_block_sm (TS_PLACE_ROUND_ROBIN), ==, 2);
}

/* Random load: kernels of random shapes on random streams and levels, launched at random
 * times.  From the observed events alone the test keeps its own account of every SM's free
 * resources and checks that
 *   - each group is placed exactly as one-block-at-a-time greedy most-free placement would
 *     place that many blocks (lowest id on ties), and is as large as what fits allows;
 *   - no SM ever holds more than it has (slots, threads, registers, shared memory);
 *   - every block ends exactly its block duration after it started: none is ever evicted;
 *   - everything launched completes, and the GPU ends empty. */
typedef struct {
  Rig *r;
  GPtrArray *kernels;     /* TsKernelDesc*, by launch id - 1 */
  GArray *undispatched;   /* guint, by launch id - 1 */
  gint64 free[16][4];     /* per SM: slots, threads, registers, smem */
  GArray *open;           /* per group start: end time expected, by event order */
  guint groups_checked;
} Check;

static guint
fit (const gint64 *f, const TsKernelDesc *k)
{
  gint64 c = MIN (f[0], f[1] / k->threads);
  c = MIN (c, f[2] / ((gint64) k->threads * k->regs));
  if (k->smem)
    c = MIN (c, f[3] / k->smem);
  return c > 0 ? (guint) c : 0;
}

static void
check_observe (gpointer data, const TsGpuEvent *ev)
{
  Check *c = data;
  guint n_sms = c->r->prof->sms;
  if (ev->kind == TS_GPU_BLOCKS_START)
    {
      const TsKernelDesc *k = ev->kernel;
      guint *undisp = &g_array_index (c->undispatched, guint, ev->launch - 1);
      /* greedy reference on a copy of the free state */
      gint64 f[16][4];
      memcpy (f, c->free, sizeof f);
      guint total = 0;
      for (guint i = 0; i < n_sms; i++)
        total += fit (f[i], k);
      g_assert_cmpuint (ev->blocks, ==, MIN (*undisp, total));
      guint want[16] = { 0 };
      for (guint b = 0; b < ev->blocks; b++)
        {
          guint best = 0, best_fit = 0;
          for (guint i = 0; i < n_sms; i++)
            if (fit (f[i], k) > best_fit)
              best_fit = fit (f[i], k), best = i;
          g_assert_cmpuint (best_fit, >, 0);
          want[best]++;
          f[best][0] -= 1, f[best][1] -= k->threads, f[best][2] -= (gint64) k->threads * k->regs, f[best][3] -= k->smem;
        }
      guint got[16] = { 0 };
      for (guint j = 0; j < ev->n_sms; j++)
        got[ev->pairs[j] >> 16] = ev->pairs[j] & 0xffff;
      for (guint i = 0; i < n_sms; i++)
        {
          g_assert_cmpuint (got[i], ==, want[i]);
          for (guint x = 0; x < 4; x++)
            c->free[i][x] = f[i][x];
          for (guint x = 0; x < 4; x++)
            g_assert_cmpint (c->free[i][x], >=, 0);
        }
      *undisp -= ev->blocks;
      TsTime end = ev->time + ts_gpu_block_duration (c->r->gpu, k);
      g_array_append_val (c->open, end);
      c->groups_checked++;
    }
  else if (ev->kind == TS_GPU_BLOCKS_END)
    {
      const TsKernelDesc *k = ev->kernel;
      gboolean matched = FALSE;
      for (guint i = 0; i < c->open->len && !matched; i++)
        if (g_array_index (c->open, TsTime, i) == ev->time)
          {
            g_array_remove_index (c->open, i);
            matched = TRUE;
          }
      g_assert_true (matched);  /* some group was due to end exactly now */
      for (guint j = 0; j < ev->n_sms; j++)
        {
          guint i = ev->pairs[j] >> 16, b = ev->pairs[j] & 0xffff;
          c->free[i][0] += b, c->free[i][1] += (gint64) b * k->threads;
          c->free[i][2] += (gint64) b * k->threads * k->regs, c->free[i][3] += (gint64) b * k->smem;
        }
    }
}

typedef struct {
  Check *c;
  guint stream;
  TsKernelDesc *k;
} RandLaunch;

static void
rand_launch (gpointer data, guint64 arg)
{
  RandLaunch *l = data;
  guint64 id = ts_gpu_launch (l->c->r->gpu, l->stream, l->k, NULL, NULL, 0);
  g_assert_cmpuint (id, ==, l->c->kernels->len + 1);
  g_ptr_array_add (l->c->kernels, l->k);
  g_array_append_val (l->c->undispatched, l->k->blocks);
}

static void
test_random_load (void)
{
  GRand *rng = g_rand_new_with_seed (2024);
  for (guint trial = 0; trial < 20; trial++)
    {
      Rig r;
      TsProfile *p = tu_profile (g_rand_int_range (rng, 1, 9));
      p->dispatch = trial % 2 ? TS_DISPATCH_ANY_FIT : TS_DISPATCH_HEAD_OF_LEVEL;
      rig_init (&r, p);
      Check c = { &r, g_ptr_array_new_with_free_func (g_free), g_array_new (FALSE, FALSE, sizeof (guint)), { { 0 } },
                  g_array_new (FALSE, FALSE, sizeof (TsTime)), 0 };
      for (guint i = 0; i < p->sms; i++)
        c.free[i][0] = p->max_blocks_per_sm, c.free[i][1] = p->max_threads_per_sm,
        c.free[i][2] = p->registers_per_sm, c.free[i][3] = p->shared_mem_per_sm;
      ts_gpu_set_observer (r.gpu, check_observe, &c);
      guint streams[6];
      for (guint s = 0; s < 6; s++)
        streams[s] = ts_gpu_stream_new (r.gpu, s % 2);
      g_autofree RandLaunch *ls = g_new (RandLaunch, 200);
      static const guint threads[] = { 32, 64, 128, 256, 512, 1024 };
      guint64 total_blocks = 0;
      for (guint i = 0; i < 200; i++)
        {
          TsKernelDesc *k = g_new (TsKernelDesc, 1);
          guint t = threads[g_rand_int_range (rng, 0, 6)];
          *k = tu_kernel (g_rand_int_range (rng, 1, 40), t, g_rand_int_range (rng, 1, 32768 / t + 1),
                          g_rand_boolean (rng) ? 0 : g_rand_int_range (rng, 1, 49153),
                          g_rand_int_range (rng, 1, 5000));
          total_blocks += k->blocks;
          ls[i] = (RandLaunch) { &c, streams[g_rand_int_range (rng, 0, 6)], k };
          ts_engine_schedule (r.engine, g_rand_int_range (rng, 0, 20000), TS_EV_HOST, rand_launch, &ls[i], 0);
        }
      ts_engine_run (r.engine);
      g_assert_cmpuint (ts_gpu_kernels_completed (r.gpu), ==, 200);
      g_assert_cmpuint (ts_gpu_blocks_completed (r.gpu), ==, total_blocks);
      g_assert_cmpuint (c.open->len, ==, 0);
      g_assert_cmpuint (c.groups_checked, >=, 200);
      for (guint i = 0; i < p->sms; i++)
        g_assert_cmpuint (ts_gpu_sm_resident (r.gpu, i), ==, 0);
      g_ptr_array_unref (c.kernels);
      g_array_unref (c.undispatched);
      g_array_unref (c.open);
      rig_clear (&r);
    }
  g_rand_free (rng);
}

/* Wave chains (sim/gpu.c): without an observer the simulated GPU passes a lone kernel's steady
 * waves without events; with one it runs every wave.  On random work (long kernels on four
 * streams over two levels, resets and drains, block counts read mid-run), with and without
 * contention, the two must agree exactly: every completion callback at the same time and in
 * the same order, every preemption's result, every block count, while the run without an
 * observer uses far fewer events. */
typedef struct {
  TsEngine *engine;
  TsGpu *gpu;
  GString *log;
  gboolean preempting[4];
  guint streams[4];
} ChainRun;

typedef struct {
  ChainRun *run;
  guint op;               /* 0 launch, 1 reset, 2 drain, 3 count blocks */
  guint stream;
  const TsKernelDesc *k;
  guint64 tag;
} ChainOp;

static void
chain_done (gpointer data, guint64 tag)
{
  ChainRun *run = data;
  g_string_append_printf (run->log, "done %" G_GINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GINT64_MODIFIER "x\n",
                          ts_engine_now (run->engine), tag, ts_gpu_order_digest (run->gpu));
}

static void
chain_preempted (gpointer data, const TsPreemptResult *pr)
{
  ChainOp *o = data;
  ChainRun *run = o->run;
  run->preempting[o->stream] = FALSE;
  g_string_append_printf (run->log, "preempted %u at %" G_GINT64_FORMAT ": %" G_GINT64_FORMAT " %u %u %d %" G_GUINT64_FORMAT
                          " %u %" G_GUINT64_FORMAT " %" G_GINT64_FORMAT " %a\n", o->stream, ts_engine_now (run->engine),
                          pr->done, pr->host_dropped, pr->device_dropped, pr->have_unfinished, pr->unfinished_tag,
                          pr->unfinished_done, pr->aborted_blocks, pr->aborted_block_ns, pr->wasted_gpu_ns);
}

static void
chain_op (gpointer data, guint64 arg)
{
  ChainOp *o = data;
  ChainRun *run = o->run;
  guint si = run->streams[o->stream];
  if (o->op == 3)
    g_string_append_printf (run->log, "blocks %" G_GUINT64_FORMAT "\n", ts_gpu_blocks_completed (run->gpu));
  else if (run->preempting[o->stream])
    return;  /* nothing enters a stream being preempted */
  else if (o->op == 0)
    ts_gpu_launch (run->gpu, si, o->k, chain_done, run, o->tag);
  else
    {
      run->preempting[o->stream] = TRUE;
      if (o->op == 1)
        ts_gpu_reset (run->gpu, si, chain_preempted, o);
      else
        ts_gpu_drain (run->gpu, si, chain_preempted, o);
    }
}

static void
chain_nothing (gpointer data, const TsGpuEvent *ev)
{
}

static void
test_chains (void)
{
  GRand *rng = g_rand_new_with_seed (77);
  guint64 events[2] = { 0, 0 };
  for (guint trial = 0; trial < 60; trial++)
    {
      TsProfile *p = tu_profile (g_rand_int_range (rng, 1, 7));
      p->contention_rule = (TsContentionRule) (trial % 3);
      p->dram_bandwidth_gbps = 50;
      p->timing.launch_latency = g_rand_boolean (rng) ? 0 : g_rand_int_range (rng, 1, 3000);
      p->timing.block_dispatch = g_rand_boolean (rng) ? 0 : g_rand_int_range (rng, 1, 500);
      p->timing.host_queue_clear = 1000, p->timing.flag_write = 5000, p->timing.cu_reset = 20000;
      p->timing.block_check = 1000;
      /* kernels: many waves, demands that leave loads exact (1/4) and that do not (0.15) */
      static const double demand[] = { 0, 0.25, 0.15, 0.6 };
      static const double curve[] = { 10000, 11000, 14000, 20000 };
      TsKernelDesc ks[6];
      for (guint i = 0; i < 6; i++)
        {
          guint t = 64 << g_rand_int_range (rng, 0, 4);
          ks[i] = tu_kernel (g_rand_int_range (rng, 1, 2000), t, 16, 0, g_rand_int_range (rng, 2000, 300000));
          ks[i].sm_demand = demand[g_rand_int_range (rng, 0, 4)];
          ks[i].dram_bytes = g_rand_boolean (rng) ? 0 : g_rand_double_range (rng, 0, 2e6);
          if (g_rand_int_range (rng, 0, 4) == 0)
            ks[i].occupancy_ns = (double *) curve, ks[i].n_occupancy = 4;
        }
      guint n_ops = 300;
      g_autofree ChainOp *ops = g_new (ChainOp, n_ops);
      g_autofree TsTime *at = g_new (TsTime, n_ops);
      for (guint i = 0; i < n_ops; i++)
        {
          guint u = g_rand_int_range (rng, 0, 100);
          ops[i] = (ChainOp) { NULL, u < 80 ? 0 : u < 86 ? 1 : u < 92 ? 2 : 3, g_rand_int_range (rng, 0, 4),
                               &ks[g_rand_int_range (rng, 0, 6)], i };
          at[i] = g_rand_int_range (rng, 0, 30000000);
        }
      char *logs[2] = { NULL, NULL };  /* g_autofree on an array would free logs[0] alone */
      for (guint mode = 0; mode < 2; mode++)
        {
          ChainRun run = { ts_engine_new (), NULL, g_string_new (NULL), { FALSE }, { 0 } };
          run.gpu = ts_gpu_new (run.engine, p);
          if (mode == 0)
            ts_gpu_set_observer (run.gpu, chain_nothing, NULL);  /* every wave an event */
          for (guint s = 0; s < 4; s++)
            run.streams[s] = ts_gpu_stream_new (run.gpu, s / 2);
          for (guint i = 0; i < n_ops; i++)
            {
              ops[i].run = &run;
              ts_engine_schedule (run.engine, at[i], TS_EV_HOST, chain_op, &ops[i], 0);
            }
          ts_engine_run (run.engine);
          g_string_append_printf (run.log, "end %" G_GINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n",
                                  ts_engine_now (run.engine), ts_gpu_kernels_completed (run.gpu),
                                  ts_gpu_blocks_completed (run.gpu));
          events[mode] += ts_engine_events_run (run.engine);
          ts_gpu_free (run.gpu);
          ts_engine_free (run.engine);
          logs[mode] = g_string_free (run.log, FALSE);
        }
      g_assert_cmpstr (logs[1], ==, logs[0]);
      g_free (logs[0]);
      g_free (logs[1]);
      ts_profile_free (p);
    }
  /* the chains ran: the same work in far fewer events */
  g_assert_cmpuint (events[1] * 2, <, events[0]);
  g_rand_free (rng);
}

/* A chain beside another kernel's resident group, by hand.  One SM of 1024 threads; F (1 block
 * of 256 threads, 1,000,500 ns) and K (6000 blocks of 256 threads, 4 per SM, so 1500 waves and
 * 1,500,000 ns solo: 1000 ns a block) launched at 0 on two streams of one level.  F takes 256
 * threads, K the other 768 (3 blocks), refilled every 1000 ns: 1000 waves, 3000 blocks, by
 * 1,000,000.  F ends at 1,000,500 and K takes its room (1 block); from there K's two groups
 * (3 blocks ending at 1,001,000 + 1000 n, 1 block at 1,001,500 + 1000 n) take 4 blocks every
 * 1000 ns: the 2996 left are placed by 1,749,500, the last group ends at 1,750,500.  With
 * chains, K's waves beside F pass without events until F's, and K's two groups after it take
 * turns without events until K runs short. */
static void
chain_foreign_done (gpointer data, guint64 tag)
{
  ChainRun *run = data;
  g_string_append_printf (run->log, "%" G_GUINT64_FORMAT " %" G_GINT64_FORMAT "\n", tag, ts_engine_now (run->engine));
}

static void
test_chain_beside_foreign (void)
{
  TsProfile *p = tu_profile (1);
  TsKernelDesc f = tu_kernel (1, 256, 16, 0, 1000500), k = tu_kernel (6000, 256, 16, 0, 1500000);
  guint64 events[2];
  for (guint mode = 0; mode < 2; mode++)
    {
      ChainRun run = { ts_engine_new (), NULL, g_string_new (NULL), { FALSE }, { 0 } };
      run.gpu = ts_gpu_new (run.engine, p);
      if (mode == 0)
        ts_gpu_set_observer (run.gpu, chain_nothing, NULL);  /* every wave an event */
      guint s0 = ts_gpu_stream_new (run.gpu, 0), s1 = ts_gpu_stream_new (run.gpu, 0);
      ts_gpu_launch (run.gpu, s0, &f, chain_foreign_done, &run, 1);
      ts_gpu_launch (run.gpu, s1, &k, chain_foreign_done, &run, 2);
      ts_engine_run (run.engine);
      g_assert_cmpstr (run.log->str, ==, "1 1000500\n2 1750500\n");
      g_assert_cmpuint (ts_gpu_blocks_completed (run.gpu), ==, 6001);
      events[mode] = ts_engine_events_run (run.engine);
      ts_gpu_free (run.gpu);
      ts_engine_free (run.engine);
      g_string_free (run.log, TRUE);
    }
  /* every wave: a completion each (1000 + 750 + 750 of K's, 1 of F's), the dispatcher runs in
   * them (ts_engine_defer) but at 0, where it is scheduled before the run */
  g_assert_cmpuint (events[0], ==, 2502);
  g_assert_cmpuint (events[1], <, 20);
  ts_profile_free (p);
}

/* The simulated GPU's incremental state (sim/gpu.c) against a recomputation from scratch
 * (ts_gpu_verify) after every instant of random contended work: per-SM loads kept by delta and
 * rates settled only where residents changed, the SMs that placement skips because a kernel
 * placed again took all that fitted it before, a wave chain's queue, the runs of identical SMs.
 * Kernels of 1 to 4 SMs' worth of blocks and resource mixes make loads and fits change on some
 * SMs at a time; one trial in five places round-robin (SM by SM). */
static void
test_verify_random (void)
{
  GRand *rng = g_rand_new_with_seed (1414);
  guint64 checked = 0;
  for (guint trial = 0; trial < 40; trial++)
    {
      TsProfile *p = tu_profile (g_rand_int_range (rng, 1, 9));
      p->contention_rule = (TsContentionRule) (trial % 3);
      p->dram_bandwidth_gbps = 50;
      p->dispatch = trial % 4 < 2 ? TS_DISPATCH_HEAD_OF_LEVEL : TS_DISPATCH_ANY_FIT;
      p->placement = trial % 5 == 4 ? TS_PLACE_ROUND_ROBIN : TS_PLACE_MOST_FREE;
      p->timing.block_dispatch = g_rand_boolean (rng) ? 0 : g_rand_int_range (rng, 1, 500);
      p->timing.host_queue_clear = 1000, p->timing.flag_write = 5000, p->timing.cu_reset = 20000;
      p->timing.block_check = 1000;
      static const double demand[] = { 0, 0.25, 0.15, 0.6 };
      static const double curve[] = { 10000, 11000, 14000, 20000 };
      TsKernelDesc ks[6];
      for (guint i = 0; i < 6; i++)
        {
          guint t = 64 << g_rand_int_range (rng, 0, 4);
          ks[i] = tu_kernel (g_rand_int_range (rng, 1, 4 * p->sms * 8), t, 8 << g_rand_int_range (rng, 0, 3),
                             g_rand_boolean (rng) ? 0 : g_rand_int_range (rng, 1, 20000), g_rand_int_range (rng, 2000, 300000));
          ks[i].sm_demand = demand[g_rand_int_range (rng, 0, 4)];
          ks[i].dram_bytes = g_rand_boolean (rng) ? 0 : g_rand_double_range (rng, 0, 2e6);
          if (g_rand_int_range (rng, 0, 4) == 0)
            ks[i].occupancy_ns = (double *) curve, ks[i].n_occupancy = 4;
        }
      guint n_ops = 200;
      g_autofree ChainOp *ops = g_new (ChainOp, n_ops);
      ChainRun run = { ts_engine_new (), NULL, g_string_new (NULL), { FALSE }, { 0 } };
      run.gpu = ts_gpu_new (run.engine, p);
      if (trial % 2)
        ts_gpu_set_observer (run.gpu, chain_nothing, NULL);  /* no chains: every wave */
      for (guint s = 0; s < 4; s++)
        run.streams[s] = ts_gpu_stream_new (run.gpu, s / 2);
      for (guint i = 0; i < n_ops; i++)
        {
          guint u = g_rand_int_range (rng, 0, 100);
          ops[i] = (ChainOp) { &run, u < 85 ? 0 : u < 90 ? 1 : u < 95 ? 2 : 3, g_rand_int_range (rng, 0, 4),
                               &ks[g_rand_int_range (rng, 0, 6)], i };
          ts_engine_schedule (run.engine, g_rand_int_range (rng, 0, 5000000), TS_EV_HOST, chain_op, &ops[i], 0);
        }
      while (ts_engine_step (run.engine))
        if (ts_engine_next_time (run.engine) > ts_engine_now (run.engine))
          {
            g_assert_true (ts_gpu_verify (run.gpu));
            checked++;
          }
      g_assert_cmpuint (ts_engine_pending (run.engine), ==, 0);
      ts_gpu_free (run.gpu);
      ts_engine_free (run.engine);
      g_string_free (run.log, TRUE);
      ts_profile_free (p);
    }
  g_assert_cmpuint (checked, >, 10000);
  g_rand_free (rng);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gpu/waves", test_waves);
  g_test_add_func ("/gpu/equal-priority-fifo", test_equal_priority_fifo);
  g_test_add_func ("/gpu/priority-first-freed-slots", test_priority_first_freed_slots);
  g_test_add_func ("/gpu/launch-latency", test_launch_latency);
  g_test_add_func ("/gpu/dispatch-rules", test_dispatch_rules);
  g_test_add_func ("/gpu/placement-rules", test_placement_rules);
  g_test_add_func ("/gpu/random-load-greedy-no-eviction", test_random_load);
  g_test_add_func ("/gpu/chains-same-as-every-wave", test_chains);
  g_test_add_func ("/gpu/chain-beside-foreign-group", test_chain_beside_foreign);
  g_test_add_func ("/gpu/incremental-state-as-from-scratch", test_verify_random);
  return g_test_run ();
}
