/* Preemption in the simulated GPU: reset, drain, the device-queue window and padded launches.
 * GPU: tu_profile(4): 4 SMs; 512-thread blocks fit 2 per SM, 8 per wave.  Expected values are
 * worked out in the comment above each test. */
#include "config.h"

#include <string.h>

#include "sim/gpu.h"
#include "tests/testutil.h"

typedef struct {
  TsEngine *e;
  TsGpu *g;
  TsProfile *p;
  TsPreemptResult pr;
  guint preempt_calls;
  GArray *done;          /* tags of completed kernels, in order */
  GArray *done_at;       /* and when */
} Rig;

static void
rig_init (Rig *r, TsProfile *p)
{
  *r = (Rig) { ts_engine_new (), NULL, p, { 0 }, 0, g_array_new (FALSE, FALSE, sizeof (guint64)),
               g_array_new (FALSE, FALSE, sizeof (TsTime)) };
  r->g = ts_gpu_new (r->e, p);
}

static void
rig_clear (Rig *r)
{
  ts_gpu_free (r->g);
  ts_engine_free (r->e);
  ts_profile_free (r->p);
  g_array_unref (r->done);
  g_array_unref (r->done_at);
}

static void
on_done (gpointer data, guint64 tag)
{
  Rig *r = data;
  TsTime now = ts_engine_now (r->e);
  g_array_append_val (r->done, tag);
  g_array_append_val (r->done_at, now);
}

static void
on_preempt (gpointer data, const TsPreemptResult *pr)
{
  Rig *r = data;
  r->pr = *pr;
  r->preempt_calls++;
}

static guint
resident (Rig *r)
{
  guint n = 0;
  for (guint i = 0; i < r->p->sms; i++)
    n += ts_gpu_sm_resident (r->g, i);
  return n;
}

typedef enum { DO_RESET, DO_DRAIN, DO_PROBE, DO_LAUNCH } What;

typedef struct {
  Rig *r;
  What what;
  guint stream;
  const TsKernelDesc *k;   /* DO_LAUNCH */
  guint64 tag;
  guint value;             /* host kernels dropped, or resident blocks seen */
} Act;

static void
act (gpointer data, guint64 arg)
{
  Act *a = data;
  switch (a->what)
    {
    case DO_RESET: a->value = ts_gpu_reset (a->r->g, a->stream, on_preempt, a->r); break;
    case DO_DRAIN: a->value = ts_gpu_drain (a->r->g, a->stream, on_preempt, a->r); break;
    case DO_PROBE: a->value = resident (a->r); break;
    case DO_LAUNCH: ts_gpu_launch (a->r->g, a->stream, a->k, on_done, a->r, a->tag); break;
    }
}

static void
at (Rig *r, TsTime t, Act *a)
{
  ts_engine_schedule (r->e, t, TS_EV_HOST, act, a, 0);
}

static TsProfile *
costly (void)
{
  TsProfile *p = tu_profile (4);
  p->timing.host_queue_clear = 100;
  p->timing.flag_write = 200;
  p->timing.cu_reset = 700;   /* a reset of running blocks costs 100 + 200 + 700 = 1000 ns */
  p->timing.block_check = 10;
  return p;
}

/* An observer's count of the blocks on each SM (placed, less ended, less killed), and of the
 * kills it saw. */
typedef struct {
  gint on[4];
  guint killed_blocks, kills;
  TsTime killed_at;
} SmCount;

static void
count_observe (gpointer data, const TsGpuEvent *ev)
{
  SmCount *c = data;
  int sign = ev->kind == TS_GPU_BLOCKS_START ? 1 : ev->kind == TS_GPU_BLOCKS_END || ev->kind == TS_GPU_BLOCKS_KILLED ? -1 : 0;
  for (guint j = 0; j < ev->n_sms && sign != 0; j++)
    c->on[ev->pairs[j] >> 16] += sign * (gint) (ev->pairs[j] & 0xffff);
  if (ev->kind == TS_GPU_BLOCKS_KILLED)
    c->killed_blocks += ev->blocks, c->kills++, c->killed_at = ev->time;
}

/* K: 8 blocks of 10000 ns fill all 4 SMs from 0.  Reset at 1000: the SMs stay occupied until
 * 1000 + 1000 and are free at 2000, when H (high tier, 8 blocks of 500 ns, launched at the
 * reset) takes them and ends at 2500.  The 8 killed blocks ran 2000 ns each: 16000 block-ns;
 * each holds 1/8 of the GPU, so 2000 GPU-ns are wasted.  K never completes.  An observer sees
 * K's one group killed at 2000 (its 8 blocks), and its counts of blocks per SM end at 0. */
static void
test_reset_frees_sms (void)
{
  Rig r;
  rig_init (&r, costly ());
  SmCount count = { .kills = 0 };
  ts_gpu_set_observer (r.g, count_observe, &count);
  TsKernelDesc k = tu_kernel (8, 512, 16, 0, 10000), h = tu_kernel (8, 512, 16, 0, 500);
  guint s = ts_gpu_stream_new (r.g, 1), sh = ts_gpu_stream_new (r.g, 0);
  ts_gpu_launch (r.g, s, &k, on_done, &r, 7);
  Act reset = { &r, DO_RESET, s, NULL, 0, 99 }, launch_h = { &r, DO_LAUNCH, sh, &h, 8, 0 };
  Act before = { .r = &r, .what = DO_PROBE }, after = { .r = &r, .what = DO_PROBE };
  at (&r, 1000, &reset);
  at (&r, 1000, &launch_h);
  at (&r, 1999, &before);
  at (&r, 2001, &after);
  ts_engine_run (r.e);
  g_assert_cmpuint (reset.value, ==, 0);           /* nothing was in the host queue */
  g_assert_cmpuint (r.preempt_calls, ==, 1);
  g_assert_cmpint (r.pr.requested, ==, 1000);
  g_assert_cmpint (r.pr.done, ==, 2000);           /* within the reset cost */
  g_assert_cmpuint (before.value, ==, 8);          /* K's blocks until the kill */
  g_assert_cmpuint (after.value, ==, 8);           /* then H's */
  g_assert_cmpuint (r.pr.device_dropped, ==, 1);
  g_assert_true (r.pr.have_unfinished);
  g_assert_cmpuint (r.pr.unfinished_tag, ==, 7);
  g_assert_cmpuint (r.pr.unfinished_done, ==, 0);
  g_assert_cmpuint (r.pr.aborted_blocks, ==, 8);
  g_assert_cmpint (r.pr.aborted_block_ns, ==, 16000);
  g_assert_cmpfloat_with_epsilon (r.pr.wasted_gpu_ns, 2000.0, 1e-9);
  g_assert_cmpuint (r.done->len, ==, 1);          /* only H: K never completed */
  g_assert_cmpuint (g_array_index (r.done, guint64, 0), ==, 8);
  g_assert_cmpint (g_array_index (r.done_at, TsTime, 0), ==, 2500);
  g_assert_cmpuint (count.kills, ==, 1);
  g_assert_cmpuint (count.killed_blocks, ==, 8);
  g_assert_cmpint (count.killed_at, ==, 2000);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (count.on[i], ==, 0);
  rig_clear (&r);
}

/* Window W = 2 and K0..K4 (8 blocks each, one wave of `dur`) submitted at 0 on one stream: K0
 * and K1 enter the device queue, K2..K4 wait in the host queue; each kernel enters the device
 * queue when the one two ahead of it completes.  A reset drops the host queue, evicts the
 * device queue's waiting kernel, and kills the running one 1000 ns later.  REEF's rewind from the
 * counts: 5 submitted - host-dropped - W kernels are known complete.
 *   dur 3000, reset at 7500: K2 runs 6000-9000 and is killed at 8500 after 2500 ns; K3 evicted,
 *     K4 dropped.  Rewind 5 - 1 - 2 = 2 = K2, the first unfinished kernel.
 *   dur 1000, reset at 2500: K2 runs 2000-3000 and completes before the kill at 3500; K3 is the
 *     first unfinished.  Rewind 5 - 1 - 2 = 2 < 3: K2 runs again (REEF's conservatism). */
static void
check_reset_window (TsTime dur, TsTime when, guint want_done, guint want_unfinished,
                    guint want_device_dropped, TsTime want_aborted_ns)
{
  Rig r;
  rig_init (&r, costly ());
  TsKernelDesc k = tu_kernel (8, 512, 16, 0, dur);
  guint s = ts_gpu_stream_new (r.g, 1);
  ts_gpu_stream_set_window (r.g, s, 2);
  for (guint i = 0; i < 5; i++)
    ts_gpu_launch (r.g, s, &k, on_done, &r, i);
  Act reset = { .r = &r, .what = DO_RESET, .stream = s };
  at (&r, when, &reset);
  ts_engine_run (r.e);
  g_assert_cmpuint (reset.value, ==, 1);                       /* K4 */
  g_assert_cmpuint (r.done->len, ==, want_done);
  g_assert_cmpint (r.pr.done, ==, when + 1000);
  g_assert_cmpuint (r.pr.device_dropped, ==, want_device_dropped);
  g_assert_true (r.pr.have_unfinished);
  g_assert_cmpuint (r.pr.unfinished_tag, ==, want_unfinished);
  g_assert_cmpint (r.pr.aborted_block_ns, ==, want_aborted_ns);
  g_assert_cmpuint (5 - reset.value - 2, <=, r.pr.unfinished_tag);   /* the rewind is safe */
  /* the stream takes new work once reset */
  Act again = { .r = &r, .what = DO_LAUNCH, .stream = s, .k = &k, .tag = 9 };
  at (&r, when + 2000, &again);
  ts_engine_run (r.e);
  g_assert_cmpuint (g_array_index (r.done, guint64, want_done), ==, 9);
  g_assert_cmpint (g_array_index (r.done_at, TsTime, want_done), ==, when + 2000 + dur);
  rig_clear (&r);
}

static void
test_reset_window_rewind (void)
{
  check_reset_window (3000, 7500, 2, 2, 2, 8 * 2500);
  check_reset_window (1000, 2500, 3, 3, 1, 0);
}

/* D: 24 blocks of 1000 ns (3 waves) from 0, then E (8 blocks) behind it in the same stream.
 * Drain at 1500, flag visible at 1500 + 100 + 200 = 1800: wave 2 (1000-2000) runs to its end;
 * at 2000 wave 3's 8 blocks exit at entry (10 ns: 2000-2010), then E's 8 (2010-2020).  The
 * drain's latency is 520 ns = the running blocks' remaining 500 + two rounds of checks.  D ran
 * 16 of its 24 blocks; neither D nor E completes.  With block checks free (0 ns) the latency
 * is exactly the running blocks' remaining time, 500. */
static void
check_drain (TsTime check, TsTime want_done)
{
  TsProfile *p = costly ();
  p->timing.block_check = check;
  Rig r;
  rig_init (&r, p);
  TsKernelDesc d = tu_kernel (24, 512, 16, 0, 3000), e = tu_kernel (8, 512, 16, 0, 1000);
  guint s = ts_gpu_stream_new (r.g, 1);
  ts_gpu_launch (r.g, s, &d, on_done, &r, 1);
  ts_gpu_launch (r.g, s, &e, on_done, &r, 2);
  Act drain = { &r, DO_DRAIN, s, NULL, 0, 99 };
  at (&r, 1500, &drain);
  ts_engine_run (r.e);
  g_assert_cmpuint (drain.value, ==, 0);
  g_assert_cmpuint (r.preempt_calls, ==, 1);
  g_assert_cmpint (r.pr.done - r.pr.requested, ==, want_done - 1500);
  g_assert_true (r.pr.have_unfinished);
  g_assert_cmpuint (r.pr.unfinished_tag, ==, 1);
  g_assert_cmpuint (r.pr.unfinished_done, ==, 16);
  g_assert_cmpuint (r.pr.device_dropped, ==, 2);
  g_assert_cmpuint (r.done->len, ==, 0);
  rig_clear (&r);
}

static void
test_drain_latency (void)
{
  check_drain (10, 2020);
  check_drain (0, 2000);
}

/* Window 1 and launch latency 100: each kernel enters the device queue when its predecessor
 * completes, and waits the launch latency then: K_i (1000 ns) runs from 100 + 1100 i. */
static void
test_window_launch_latency (void)
{
  TsProfile *p = tu_profile (4);
  p->timing.launch_latency = 100;
  Rig r;
  rig_init (&r, p);
  TsKernelDesc k = tu_kernel (8, 512, 16, 0, 1000);
  guint s = ts_gpu_stream_new (r.g, 1);
  ts_gpu_stream_set_window (r.g, s, 1);
  for (guint i = 0; i < 4; i++)
    ts_gpu_launch (r.g, s, &k, on_done, &r, i);
  ts_engine_run (r.e);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (g_array_index (r.done_at, TsTime, i), ==, 100 + 1100 * i + 1000);
  rig_clear (&r);
}

/* Padding, as a property over many random pairs on an idle GPU of random size: the padded
 * launch's main kernel ends exactly when it ends alone; its pad's blocks never share an SM with
 * the main kernel's; the launch completes when the main kernel does; each callback runs once. */
typedef struct {
  guint64 main_id;
  guint64 main_sms[2], pad_sms[2];   /* up to 128 SMs */
  TsTime main_last_end, pad_last_end;
  guint pad_blocks;
} PadObs;

static void
pad_observe (gpointer data, const TsGpuEvent *ev)
{
  PadObs *o = data;
  if (ev->kind != TS_GPU_BLOCKS_START && ev->kind != TS_GPU_BLOCKS_END)
    return;
  gboolean main = ev->launch == o->main_id;
  for (guint j = 0; j < ev->n_sms; j++)
    {
      guint sm = ev->pairs[j] >> 16;
      if (ev->kind == TS_GPU_BLOCKS_START)
        (main ? o->main_sms : o->pad_sms)[sm / 64] |= G_GUINT64_CONSTANT (1) << (sm % 64);
    }
  if (ev->kind == TS_GPU_BLOCKS_END)
    {
      if (main)
        o->main_last_end = MAX (o->main_last_end, ev->time);
      else
        o->pad_last_end = MAX (o->pad_last_end, ev->time), o->pad_blocks += ev->blocks;
    }
}

typedef struct {
  guint calls;
  guint32 blocks;
} PadDone;

static void
on_pad (gpointer data, guint64 tag, guint32 blocks)
{
  PadDone *d = data;
  d->calls++;
  d->blocks = blocks;
}

static void
test_padding_property (void)
{
  GRand *rng = g_rand_new_with_seed (77);
  static const guint threads[] = { 64, 128, 256, 512, 1024 };
  guint padded_some = 0;
  for (guint trial = 0; trial < 500; trial++)
    {
      guint sms = g_rand_int_range (rng, 1, 129);
      guint t1 = threads[g_rand_int_range (rng, 0, 5)], t2 = threads[g_rand_int_range (rng, 0, 5)];
      TsKernelDesc rt = tu_kernel (g_rand_int_range (rng, 1, 3 * sms + 1), t1, g_rand_int_range (rng, 1, 32768 / t1 + 1),
                                   0, g_rand_int_range (rng, 1, 100000));
      TsKernelDesc be = tu_kernel (g_rand_int_range (rng, 1, 2000), t2, g_rand_int_range (rng, 1, 32768 / t2 + 1),
                                   g_rand_boolean (rng) ? 0 : g_rand_int_range (rng, 1, 40000), g_rand_int_range (rng, 1, 60000));

      /* alone */
      Rig a;
      rig_init (&a, tu_profile (sms));
      ts_gpu_launch (a.g, ts_gpu_stream_new (a.g, 0), &rt, on_done, &a, 1);
      ts_engine_run (a.e);
      TsTime alone = g_array_index (a.done_at, TsTime, 0);
      rig_clear (&a);

      /* padded */
      Rig r;
      rig_init (&r, tu_profile (sms));
      PadObs o = { 0 };
      PadDone pd = { 0 };
      ts_gpu_set_observer (r.g, pad_observe, &o);
      guint32 n_pad = g_rand_int_range (rng, 1, be.blocks + 1);
      o.main_id = ts_gpu_submit (r.g, ts_gpu_stream_new (r.g, 0), &(TsLaunch) { .kernel = &rt, .done = on_done, .data = &r, .tag = 1, .pad = &be, .pad_blocks = n_pad, .pad_done = on_pad, .pad_data = &pd, .pad_tag = 2 });
      /* and the GPU's state as from scratch between instants (its runs split at the pad's
       * forbidden SMs) */
      while (ts_engine_step (r.e))
        if (ts_engine_pending (r.e) == 0 || ts_engine_next_time (r.e) > ts_engine_now (r.e))
          g_assert_true (ts_gpu_verify (r.g));
      g_assert_cmpint (o.main_last_end, ==, alone);
      g_assert_cmpuint (r.done->len, ==, 1);
      g_assert_cmpint (g_array_index (r.done_at, TsTime, 0), ==, alone);
      g_assert_cmpuint (pd.calls, ==, 1);
      g_assert_cmpuint (pd.blocks, ==, o.pad_blocks);
      g_assert_cmpuint (pd.blocks, <=, n_pad);
      g_assert_cmpint (o.pad_last_end, <=, alone);
      g_assert_cmpuint (o.main_sms[0] & o.pad_sms[0], ==, 0);
      g_assert_cmpuint (o.main_sms[1] & o.pad_sms[1], ==, 0);
      padded_some += pd.blocks > 0;
      rig_clear (&r);
    }
  g_assert_cmpuint (padded_some, >, 100);   /* the property was exercised, not vacuous */
  g_rand_free (rng);
}

/* A pad whose blocks take as long as its main kernel ends at the same instant: both halves
 * complete together and each callback runs exactly once.  4 SMs; main: 2 blocks (SM0, SM1),
 * 1000 ns; pad: 4 blocks of 1000 ns on SM2, SM3 (2 each). */
static void
test_padding_same_end (void)
{
  Rig r;
  rig_init (&r, tu_profile (4));
  TsKernelDesc m = tu_kernel (2, 512, 16, 0, 1000), pad = tu_kernel (16, 512, 16, 0, 2000);
  PadDone pd = { 0 };
  ts_gpu_submit (r.g, ts_gpu_stream_new (r.g, 0), &(TsLaunch) { .kernel = &m, .done = on_done, .data = &r, .tag = 1, .pad = &pad, .pad_blocks = 4, .pad_done = on_pad, .pad_data = &pd, .pad_tag = 2 });
  ts_gpu_launch (r.g, 0, &m, on_done, &r, 3);   /* the next kernel of the stream */
  ts_engine_run (r.e);
  g_assert_cmpuint (pd.calls, ==, 1);
  g_assert_cmpuint (pd.blocks, ==, 4);
  g_assert_cmpuint (r.done->len, ==, 2);
  g_assert_cmpint (g_array_index (r.done_at, TsTime, 0), ==, 1000);
  g_assert_cmpint (g_array_index (r.done_at, TsTime, 1), ==, 2000);
  rig_clear (&r);
}

/* A resumed kernel can be padded too (TsLaunch's blocks with a pad): 4 SMs of 2 slots; main: 4
 * blocks, one wave, 1000 ns a block, of which the last 2 are launched: most-free placement puts
 * them on SM0 and SM1.  The pad (2 waves of 8 over 16 blocks: 1000 ns a block) may use SM2 and
 * SM3 only: its 4 blocks, 2 on each, end at 1000 with the main part.  One completion at 1000, the
 * pad's 4 blocks run, 6 blocks in all. */
static void
test_padding_resumed (void)
{
  Rig r;
  rig_init (&r, tu_profile (4));
  TsKernelDesc m = tu_kernel (4, 512, 16, 0, 1000), pad = tu_kernel (16, 512, 16, 0, 2000);
  PadDone pd = { 0 };
  ts_gpu_submit (r.g, ts_gpu_stream_new (r.g, 0),
                 &(TsLaunch) { .kernel = &m, .blocks = 2, .done = on_done, .data = &r, .tag = 1,
                               .pad = &pad, .pad_blocks = 4, .pad_done = on_pad, .pad_data = &pd, .pad_tag = 2 });
  ts_engine_run (r.e);
  g_assert_cmpuint (r.done->len, ==, 1);
  g_assert_cmpint (g_array_index (r.done_at, TsTime, 0), ==, 1000);
  g_assert_cmpuint (pd.calls, ==, 1);
  g_assert_cmpuint (pd.blocks, ==, 4);
  g_assert_cmpuint (ts_gpu_blocks_completed (r.g), ==, 6);
  rig_clear (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/preempt/reset-frees-sms", test_reset_frees_sms);
  g_test_add_func ("/preempt/reset-window-rewind", test_reset_window_rewind);
  g_test_add_func ("/preempt/drain-latency", test_drain_latency);
  g_test_add_func ("/preempt/window-launch-latency", test_window_launch_latency);
  g_test_add_func ("/preempt/padding-never-delays", test_padding_property);
  g_test_add_func ("/preempt/padding-same-end", test_padding_same_end);
  g_test_add_func ("/preempt/padding-resumed", test_padding_resumed);
  return g_test_run ();
}
