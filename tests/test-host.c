/* The host (DESIGN §2 rule 7): threads that spend CPU time launching kernels and waking up after
 * synchronisations, sharing a host's cores.  Every expected time is worked out beside it. */
#include "config.h"

#include "sim/backend.h"
#include "tests/testutil.h"
#include "sim/backend-sim.h"

/* ---- the host alone ---- */

typedef struct {
  TsEngine *engine;
  GArray *ends;  /* TsTime, by operation in the order they end */
  GArray *who;   /* guint64 arg of each */
} Log;

static void
op_done (gpointer data, guint64 arg)
{
  Log *l = data;
  TsTime now = ts_engine_now (l->engine);
  g_array_append_val (l->ends, now);
  g_array_append_val (l->who, arg);
}

/* Three threads with one 10 ns operation each, queued at 0, and thread 0 with a second one.
 * On 2 cores: threads 0 and 1 run 0-10; thread 2 waited first, so at 10 it takes a core before
 * thread 0's second operation: thread 2 and thread 0 (again) run 10-20.  On 1 core: 0, 1, 2
 * and 0 again, one after another: 10, 20, 30, 40. */
static void
test_cores_fifo (void)
{
  static const struct { guint cores; TsTime ends[4]; guint64 who[4]; } cases[] = {
    { 2, { 10, 10, 20, 20 }, { 0, 1, 2, 3 } },
    { 1, { 10, 20, 30, 40 }, { 0, 1, 2, 3 } },
  };
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (TsEngine) e = ts_engine_new ();
      g_autoptr (TsHost) h = ts_host_new (e, cases[c].cores);
      Log l = { e, g_array_new (FALSE, FALSE, sizeof (TsTime)), g_array_new (FALSE, FALSE, sizeof (guint64)) };
      for (guint t = 0; t < 3; t++)
        g_assert_cmpuint (ts_host_thread_new (h), ==, t);
      ts_host_run (h, 0, 10, op_done, &l, 0);
      ts_host_run (h, 0, 10, op_done, &l, 3);
      ts_host_run (h, 1, 10, op_done, &l, 1);
      ts_host_run (h, 2, 10, op_done, &l, 2);
      ts_engine_run (e);
      g_assert_cmpuint (l.ends->len, ==, 4);
      for (guint i = 0; i < 4; i++)
        {
          g_assert_cmpint (g_array_index (l.ends, TsTime, i), ==, cases[c].ends[i]);
          g_assert_cmpuint (g_array_index (l.who, guint64, i), ==, cases[c].who[i]);
        }
      g_assert_cmpint (ts_host_busy (h), ==, 40);
      g_array_unref (l.ends);
      g_array_unref (l.who);
    }
}

/* ---- the host launching on the simulated GPU ---- */

/* test4's GPU (4 SMs x 8 slots, no launch latency) with a host: `cores` cores, dispatch 30 +
 * launch 10 = h = 40 us per kernel, sync 5 + wakeup 15 = 20 us per wait. */
static TsProfile *
host_profile (guint cores)
{
  TsProfile *p = tu_profile (4);
  p->host = (TsHostModel) { TRUE, cores, 30000, 10000, 5000, 15000 };
  return p;
}

/* One kernel of 4 blocks (one wave) that takes g ns alone. */
static TsKernelDesc
kernel_of (TsTime g)
{
  return tu_kernel (4, 256, 16, 0, g);
}

typedef struct {
  TsBackend *be;
  guint stream;
  const TsKernelDesc *k;
  guint left;            /* kernels still to launch, one per completion */
  TsTime done;
} Chain;

static void
chain_next (gpointer data, guint64 tag)
{
  Chain *c = data;
  c->done = ts_backend_now (c->be);
  if (c->left > 0)
    {
      c->left--;
      ts_backend_launch (c->be, c->stream, &(TsLaunch) { .kernel = c->k, .done = chain_next, .data = c });
    }
}

/* One thread, n = 5 kernels of g each.
 *  - A sync per kernel (each launched from the previous one's callback): each costs h to launch,
 *    g to run and 20 to wake up for: 5 x (40 + g + 20) us.
 *  - All launched at once, a sync on the last only: the thread issues kernel i at i h, and the
 *    GPU runs each when issued and its predecessor is done.  g = 100 > h: the first starts at 40,
 *    the rest follow back to back, the last ends at 40 + 5 x 100 = 540, and its wake-up makes
 *    560.  g = 10 < h: each runs as soon as issued, the last is issued at 200 and ends at 210:
 *    230.  That is n max(h, g) + min(h, g) + the wake-up. */
static void
test_one_thread (void)
{
  static const struct { TsTime g, synced, pipelined; } cases[] = {
    { 100000, 5 * (40000 + 100000 + 20000), 560000 },
    { 10000, 5 * (40000 + 10000 + 20000), 230000 },
  };
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (TsProfile) p = host_profile (1);
      TsKernelDesc k = kernel_of (cases[c].g);
      g_autoptr (TsBackend) be = ts_backend_sim_new (p);
      Chain ch = { be, ts_backend_stream_new (be, 1), &k, 4, 0 };
      ts_backend_launch (be, ch.stream, &(TsLaunch) { .kernel = &k, .done = chain_next, .data = &ch });
      g_assert_true (ts_backend_run (be, NULL));
      g_assert_cmpint (ch.done, ==, cases[c].synced);

      g_autoptr (TsBackend) be2 = ts_backend_sim_new (p);
      Chain once = { be2, ts_backend_stream_new (be2, 1), &k, 0, 0 };
      for (guint i = 0; i < 5; i++)
        ts_backend_launch (be2, once.stream, &(TsLaunch) { .kernel = &k, .done = i == 4 ? chain_next : NULL, .data = &once });
      g_assert_true (ts_backend_run (be2, NULL));
      g_assert_cmpint (once.done, ==, cases[c].pipelined);
    }
}

/* Two clients, each a stream with a thread of its own, launch one 100-us kernel (4 blocks: both
 * fit the GPU at once) at 0 and wait for it.  One core: they take turns, A issues 0-40 and B
 * 40-80; A's kernel runs 40-140 and B's 80-180; A wakes up 140-160, B 180-200.  Two cores: both
 * issue 0-40, run 40-140 and wake up 140-160.  Two streams on one thread (a dedicated worker)
 * on two cores: the thread issues A 0-40 then B 40-80, as on one core. */
static void
test_threads_share_cores (void)
{
  static const struct { guint cores; gboolean worker; TsTime a, b; } cases[] = {
    { 1, FALSE, 160000, 200000 },
    { 2, FALSE, 160000, 160000 },
    { 2, TRUE, 160000, 200000 },
  };
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (TsProfile) p = host_profile (cases[c].cores);
      TsKernelDesc k = kernel_of (100000);
      g_autoptr (TsBackend) be = ts_backend_sim_new (p);
      Chain a = { be, ts_backend_stream_new (be, 1), &k, 0, 0 }, b = { be, ts_backend_stream_new (be, 1), &k, 0, 0 };
      if (cases[c].worker)
        {
          guint w = ts_backend_thread_new (be);
          ts_backend_stream_set_thread (be, a.stream, w);
          ts_backend_stream_set_thread (be, b.stream, w);
        }
      ts_backend_launch (be, a.stream, &(TsLaunch) { .kernel = &k, .done = chain_next, .data = &a });
      ts_backend_launch (be, b.stream, &(TsLaunch) { .kernel = &k, .done = chain_next, .data = &b });
      g_assert_true (ts_backend_run (be, NULL));
      g_assert_cmpint (a.done, ==, cases[c].a);
      g_assert_cmpint (b.done, ==, cases[c].b);
    }
}

/* A kernel that stands for 3 framework operators costs 3 dispatches and one launch:
 * 3 x 30 + 10 = 100 us to issue, then 100 us to run and 20 to wake up for: 220 us. */
static void
test_operators (void)
{
  g_autoptr (TsProfile) p = host_profile (1);
  TsKernelDesc k = kernel_of (100000);
  k.ops = 3;
  g_autoptr (TsBackend) be = ts_backend_sim_new (p);
  Chain c = { be, ts_backend_stream_new (be, 1), &k, 0, 0 };
  ts_backend_launch (be, c.stream, &(TsLaunch) { .kernel = &k, .done = chain_next, .data = &c });
  g_assert_true (ts_backend_run (be, NULL));
  g_assert_cmpint (c.done, ==, 220000);
}

typedef struct {
  TsPreemptResult res;
  gboolean done;
} Drained;

static void
drained (gpointer data, const TsPreemptResult *r)
{
  Drained *d = data;
  d->res = *r;
  d->done = TRUE;
}

typedef struct {
  TsBackend *be;
  guint stream;
  Drained *d;
} DrainAt;

static void
drain_now (gpointer data, guint64 arg)
{
  DrainAt *x = data;
  ts_backend_drain (x->be, x->stream, drained, x->d);
}

/* A drain drops kernels whose API call has not returned.  Three kernels launched at 0 on one
 * thread: the calls return at 40, 80 and 120 us.  A drain at 50 drops the host queue: the
 * second kernel's call (40-80) and the third's never happen as launches; only the first ran. */
static void
test_drain_drops_calls (void)
{
  g_autoptr (TsProfile) p = host_profile (1);
  TsKernelDesc k = kernel_of (100000);
  g_autoptr (TsBackend) be = ts_backend_sim_new (p);
  guint s = ts_backend_stream_new (be, 1);
  for (guint i = 0; i < 3; i++)
    ts_backend_launch (be, s, &(TsLaunch) { .kernel = &k });
  Drained d = { 0 };
  DrainAt x = { be, s, &d };
  ts_backend_timer_set (be, 50000, drain_now, &x, 0);
  g_assert_true (ts_backend_run (be, NULL));
  g_assert_true (d.done);
  g_assert_cmpuint (d.res.host_dropped, ==, 2);
  guint64 kernels, events;
  ts_backend_counters (be, &kernels, &events);
  g_assert_cmpuint (kernels, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/host/cores-fifo", test_cores_fifo);
  g_test_add_func ("/host/one-thread-synced-and-pipelined", test_one_thread);
  g_test_add_func ("/host/threads-share-cores", test_threads_share_cores);
  g_test_add_func ("/host/drain-drops-calls", test_drain_drops_calls);
  g_test_add_func ("/host/operators", test_operators);
  return g_test_run ();
}
