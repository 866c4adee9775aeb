/* The real-time backend core (real_backend/realtime.h) over a fake device, so that the real
 * backend's queues, windows, drain accounting, timers and loop are tested without a GPU.
 *
 * The fake device: a clock that advances TICK per reading (time passes while the loop spins) and
 * by the requested amount when idle; per stream, launches run one after another, each starting
 * LAT after its submission or when the previous one ends, whichever is later, and lasting its
 * kernel's duration (scaled by the share of the kernel's blocks launched).  A drain makes the
 * stream's launches that have not started exit at once with no block run; started ones finish. */
#include "config.h"

#include "policies/registry.h"
#include "real_backend/realtime.h"
#include "sim/metrics.h"
#include "tests/testutil.h"
#include "sim/load/load.h"

#define TICK 1000        /* ns per clock reading */
#define LAT 10000        /* ns from submission to start */
#define MAX_STREAMS 64   /* the app policies take two streams per task (issue 19) */

typedef struct {
  guint64 seq;
  guint stream;
  TsTime start, end;
  guint32 done_main, done_pad;
} FakeLaunch;

typedef struct {
  TsTime clock;
  guint n_streams;
  guint level[MAX_STREAMS];
  GArray *launches;          /* FakeLaunch, in submission order */
  guint in_flight, max_in_flight;
  guint stream_in_flight[MAX_STREAMS], stream_max[MAX_STREAMS];
  guint idles, clock_reads, drains, end_runs;
  gboolean stuck;            /* launches never complete */
} Fake;

static TsTime
fake_clock (gpointer d)
{
  Fake *f = d;
  f->clock_reads++;
  return f->clock += TICK;
}

static void
fake_idle (gpointer d, TsTime ns)
{
  Fake *f = d;
  g_assert_cmpuint (f->in_flight, ==, 0);   /* the loop sleeps only with nothing out */
  f->idles++;
  f->clock += ns;
}

static guint fake_sms (gpointer d) { return 4; }

static gconstpointer
fake_plan (gpointer d, const TsKernelDesc *k, guint *blocks_per_sm, TsTime *block_ns)
{
  *blocks_per_sm = 1;
  *block_ns = k->duration;
  return k;   /* the kernel is its own plan */
}

static gboolean
fake_stream_new (gpointer d, guint stream, guint level, GError **error)
{
  Fake *f = d;
  g_assert_cmpuint (stream, ==, f->n_streams);
  g_assert_cmpuint (stream, <, MAX_STREAMS);
  f->level[f->n_streams++] = level;
  return TRUE;
}

static FakeLaunch *
last_of_stream (Fake *f, guint stream)
{
  for (guint i = f->launches->len; i-- > 0;)
    if (g_array_index (f->launches, FakeLaunch, i).stream == stream)
      return &g_array_index (f->launches, FakeLaunch, i);
  return NULL;
}

static gboolean
fake_submit (gpointer d, TsWallLaunch *l, GError **error)
{
  Fake *f = d;
  const TsKernelDesc *k = l->main;
  const FakeLaunch *prev = last_of_stream (f, l->stream);
  FakeLaunch fl = { .seq = l->seq, .stream = l->stream, .done_main = l->n_main, .done_pad = l->n_pad };
  fl.start = MAX (f->clock + LAT, prev != NULL ? prev->end : 0);
  fl.end = fl.start + k->duration * l->n_main / k->blocks;
  l->dev_slot = f->launches->len;
  g_array_append_val (f->launches, fl);
  f->in_flight++;
  f->stream_in_flight[l->stream]++;
  f->max_in_flight = MAX (f->max_in_flight, f->in_flight);
  f->stream_max[l->stream] = MAX (f->stream_max[l->stream], f->stream_in_flight[l->stream]);
  return TRUE;
}

static gboolean
fake_poll (gpointer d, const TsWallLaunch *l, guint32 *done_main, guint32 *done_pad)
{
  Fake *f = d;
  const FakeLaunch *fl = &g_array_index (f->launches, FakeLaunch, l->dev_slot);
  g_assert_cmpuint (fl->seq, ==, l->seq);
  if (f->stuck || f->clock < fl->end)
    return FALSE;
  *done_main = fl->done_main;
  *done_pad = fl->done_pad;
  f->in_flight--;
  f->stream_in_flight[l->stream]--;
  return TRUE;
}

static void
fake_drain (gpointer d, guint stream)
{
  Fake *f = d;
  f->drains++;
  TsTime prev_end = f->clock;
  for (guint i = 0; i < f->launches->len; i++)
    {
      FakeLaunch *fl = &g_array_index (f->launches, FakeLaunch, i);
      if (fl->stream != stream || fl->end <= f->clock)
        continue;
      if (fl->start <= f->clock)
        prev_end = fl->end;   /* running: finishes */
      else
        {
          fl->start = fl->end = prev_end;
          fl->done_main = fl->done_pad = 0;
        }
    }
}

static void fake_end_run (gpointer d) { ((Fake *) d)->end_runs++; }

static const TsWallDeviceOps fake_ops = {
  "fake", fake_clock, fake_idle, fake_sms, fake_plan, fake_stream_new, fake_submit, fake_poll, fake_drain,
  fake_end_run,
};

static Fake *
fake_new (void)
{
  Fake *f = g_new0 (Fake, 1);
  f->launches = g_array_new (FALSE, FALSE, sizeof (FakeLaunch));
  return f;
}

static void
fake_free (Fake *f)
{
  g_array_unref (f->launches);
  g_free (f);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fake, fake_free)

/* Completion times (backend clock) and tags, in the order callbacks ran. */
typedef struct {
  TsBackend *be;
  GArray *times, *tags;
  TsPreemptResult pr;
  guint preempts;
  gboolean in_drain_call;
} Log;

static void
on_done (gpointer data, guint64 tag)
{
  Log *log = data;
  TsTime t = ts_backend_now (log->be);
  g_array_append_val (log->times, t);
  g_array_append_val (log->tags, tag);
}

static void
on_preempt (gpointer data, const TsPreemptResult *r)
{
  Log *log = data;
  g_assert_false (log->in_drain_call);   /* never from inside the drain call */
  log->pr = *r;
  log->preempts++;
}

static void
log_init (Log *log, TsBackend *be)
{
  *log = (Log) { .be = be, .times = g_array_new (FALSE, FALSE, sizeof (TsTime)),
                 .tags = g_array_new (FALSE, FALSE, sizeof (guint64)) };
}

static void
log_clear (Log *log)
{
  g_array_unref (log->times);
  g_array_unref (log->tags);
}

/* Not before t, and within `readings` clock readings after it (each reading moves the fake clock). */
static void
assert_within (TsTime got, TsTime want, guint readings)
{
  g_assert_cmpint (got, >=, want);
  g_assert_cmpint (got, <=, want + (TsTime) readings * TICK);
}

/* Within the loop's reaction time of t: a few clock readings. */
static void
assert_near (TsTime got, TsTime want)
{
  assert_within (got, want, 10);
}

/* Window 2, five 1-ms kernels launched at once: at most two are out; each starts when the one
 * before ends (the third is submitted when the first completes, at 1 ms + LAT, which is before
 * the second ends at 2 ms + LAT), so they complete at k ms + LAT, in order. */
static void
test_window_fifo (void)
{
  g_autoptr (Fake) f = fake_new ();
  g_autoptr (TsBackend) be = ts_wall_backend_new (&fake_ops, f, 64);
  Log log;
  log_init (&log, be);
  TsKernelDesc k = tu_kernel (4, 128, 16, 0, 1000000);
  guint s = ts_backend_stream_new (be, 1);
  g_assert_cmpuint (f->level[s], ==, 1);
  ts_backend_stream_set_window (be, s, 2);
  for (guint i = 0; i < 5; i++)
    ts_backend_launch (be, s, &(TsLaunch) { .kernel = &k, .done = on_done, .data = &log, .tag = i });
  g_assert_true (ts_backend_run (be, NULL));
  g_assert_cmpuint (f->stream_max[s], ==, 2);
  g_assert_cmpuint (log.times->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_assert_cmpuint (g_array_index (log.tags, guint64, i), ==, i);
      assert_near (g_array_index (log.times, TsTime, i), (TsTime) (i + 1) * 1000000 + LAT);
    }
  guint64 kernels, events;
  ts_backend_counters (be, &kernels, &events);
  g_assert_cmpuint (kernels, ==, 5);
  log_clear (&log);
}

/* Three streams without windows, four kernels each, on a device with room for 5 launches: never
 * more than 5 out, and every kernel completes. */
static void
test_in_flight_limit (void)
{
  g_autoptr (Fake) f = fake_new ();
  g_autoptr (TsBackend) be = ts_wall_backend_new (&fake_ops, f, 5);
  Log log;
  log_init (&log, be);
  TsKernelDesc k = tu_kernel (4, 128, 16, 0, 100000);
  for (guint s = 0; s < 3; s++)
    {
      g_assert_cmpuint (ts_backend_stream_new (be, s == 0 ? 0 : 1), ==, s);
      for (guint i = 0; i < 4; i++)
        ts_backend_launch (be, s, &(TsLaunch) { .kernel = &k, .done = on_done, .data = &log, .tag = s * 10 + i });
    }
  g_assert_cmpuint (f->level[0], ==, 0);
  g_assert_true (ts_backend_run (be, NULL));
  g_assert_cmpuint (f->max_in_flight, ==, 5);
  g_assert_cmpuint (log.times->len, ==, 12);
  log_clear (&log);
}

typedef struct {
  Log *log;
  guint stream;
  gboolean reset;
  guint dropped;
} DrainAt;

static void
drain_now (gpointer data, guint64 arg)
{
  DrainAt *d = data;
  d->log->in_drain_call = TRUE;
  d->dropped = d->reset ? ts_backend_reset (d->log->be, d->stream, on_preempt, d->log)
                        : ts_backend_drain (d->log->be, d->stream, on_preempt, d->log);
  d->log->in_drain_call = FALSE;
}

/* Window 2, four 1-ms kernels (tags 0-3), drained at 0.5 ms: kernels 2 and 3 are still on the
 * host (dropped); kernel 0 runs (it completes at 1 ms + LAT, its callback runs); kernel 1 has not
 * started and exits with no block run: one device-dropped launch, the first unfinished one is
 * tag 1 with 0 blocks done; the drain is over when kernel 1 comes back, right after kernel 0. */
static void
drain_case (gboolean reset)
{
  g_autoptr (Fake) f = fake_new ();
  g_autoptr (TsBackend) be = ts_wall_backend_new (&fake_ops, f, 64);
  Log log;
  log_init (&log, be);
  TsKernelDesc k = tu_kernel (8, 128, 16, 0, 1000000);
  guint s = ts_backend_stream_new (be, 1);
  ts_backend_stream_set_window (be, s, 2);
  for (guint i = 0; i < 4; i++)
    ts_backend_launch (be, s, &(TsLaunch) { .kernel = &k, .done = on_done, .data = &log, .tag = i });
  DrainAt d = { &log, s, reset, 0 };
  ts_backend_timer_set (be, 500000, drain_now, &d, 0);
  g_assert_true (ts_backend_run (be, NULL));
  g_assert_cmpuint (d.dropped, ==, 2);
  g_assert_cmpuint (log.preempts, ==, 1);
  g_assert_cmpuint (log.pr.host_dropped, ==, 2);
  g_assert_cmpuint (log.pr.device_dropped, ==, 1);
  g_assert_true (log.pr.have_unfinished);
  g_assert_cmpuint (log.pr.unfinished_tag, ==, 1);
  g_assert_cmpuint (log.pr.unfinished_done, ==, 0);
  g_assert_cmpuint (log.pr.aborted_blocks, ==, 0);
  assert_near (log.pr.requested, 500000);
  assert_near (log.pr.done, 1000000 + LAT);
  g_assert_cmpuint (log.times->len, ==, 1);
  g_assert_cmpuint (g_array_index (log.tags, guint64, 0), ==, 0);
  g_assert_cmpuint (ts_wall_backend_resets (be), ==, reset ? 1 : 0);
  g_assert_cmpuint (f->drains, ==, 1);
  log_clear (&log);
}

static void test_drain (void) { drain_case (FALSE); }
static void test_reset_as_drain (void) { drain_case (TRUE); }

static void
on_pad (gpointer data, guint64 tag, guint32 blocks)
{
  Log *log = data;
  on_done (log, 1000 + 100 * tag + blocks);   /* tag and block count in one logged number */
}

/* Padded launches: a 1-ms kernel padded with 3 blocks of another (pad tag 7) completes at
 * 1 ms + LAT, the pad's callback first with its 3 blocks, then the kernel's.  A second padded
 * launch (tag 2, pad tag 8) is in the device queue behind it but has not started when the stream
 * is drained at 0.5 ms: its blocks exit at entry, so its pad reports 0 blocks, its kernel's
 * callback does not run, and the drain reports it as the first unfinished launch.  A third,
 * launched once that run is over, runs normally in the next: pad (tag 9, 2 blocks), kernel. */
static void
test_padded (void)
{
  g_autoptr (Fake) f = fake_new ();
  g_autoptr (TsBackend) be = ts_wall_backend_new (&fake_ops, f, 64);
  Log log;
  log_init (&log, be);
  TsKernelDesc k = tu_kernel (4, 128, 16, 0, 1000000), pad = tu_kernel (10, 64, 16, 0, 2000000);
  guint s = ts_backend_stream_new (be, 0);
  ts_backend_stream_set_window (be, s, 2);
  ts_backend_launch (be, s, &(TsLaunch) { .kernel = &k, .done = on_done, .data = &log, .tag = 1, .pad = &pad, .pad_blocks = 3, .pad_done = on_pad, .pad_data = &log, .pad_tag = 7 });
  ts_backend_launch (be, s, &(TsLaunch) { .kernel = &k, .done = on_done, .data = &log, .tag = 2, .pad = &pad, .pad_blocks = 3, .pad_done = on_pad, .pad_data = &log, .pad_tag = 8 });
  DrainAt d = { &log, s, FALSE, 0 };
  ts_backend_timer_set (be, 500000, drain_now, &d, 0);
  g_assert_true (ts_backend_run (be, NULL));
  g_assert_cmpuint (d.dropped, ==, 0);
  g_assert_cmpuint (log.pr.device_dropped, ==, 1);
  g_assert_true (log.pr.have_unfinished);
  g_assert_cmpuint (log.pr.unfinished_tag, ==, 2);
  ts_backend_launch (be, s, &(TsLaunch) { .kernel = &k, .done = on_done, .data = &log, .tag = 3, .pad = &pad, .pad_blocks = 2, .pad_done = on_pad, .pad_data = &log, .pad_tag = 9 });
  g_assert_true (ts_backend_run (be, NULL));
  static const guint64 want[] = { 1000 + 700 + 3, 1, 1000 + 800 + 0, 1000 + 900 + 2, 3 };
  g_assert_cmpuint (log.tags->len, ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    g_assert_cmpuint (g_array_index (log.tags, guint64, i), ==, want[i]);
  assert_near (g_array_index (log.times, TsTime, 1), 1000000 + LAT);
  log_clear (&log);
}

/* A drain of a stream with nothing launched completes at once, but through the loop, not inside
 * the drain call; a launch made after the drain runs normally. */
static void
test_drain_empty (void)
{
  g_autoptr (Fake) f = fake_new ();
  g_autoptr (TsBackend) be = ts_wall_backend_new (&fake_ops, f, 64);
  Log log;
  log_init (&log, be);
  guint s = ts_backend_stream_new (be, 0);
  DrainAt d = { &log, s, FALSE, 0 };
  ts_backend_timer_set (be, 200000, drain_now, &d, 0);
  g_assert_true (ts_backend_run (be, NULL));
  g_assert_cmpuint (log.preempts, ==, 1);
  g_assert_cmpuint (log.pr.host_dropped + log.pr.device_dropped, ==, 0);
  g_assert_false (log.pr.have_unfinished);
  assert_near (log.pr.done, log.pr.requested);
  log_clear (&log);
}

static void
record_time (gpointer data, guint64 arg)
{
  Log *log = data;
  on_done (log, arg);
}

/* Timers fire in time order, never early; with nothing on the device the loop sleeps instead of
 * spinning (a 1-s wait takes a handful of clock readings, not 10^6). */
static void
test_timers_idle (void)
{
  g_autoptr (Fake) f = fake_new ();
  g_autoptr (TsBackend) be = ts_wall_backend_new (&fake_ops, f, 64);
  Log log;
  log_init (&log, be);
  ts_backend_timer_set (be, 1000000000, record_time, &log, 3);
  ts_backend_timer_set (be, 300000000, record_time, &log, 1);
  guint64 id = ts_backend_timer_set (be, 400000000, record_time, &log, 99);
  ts_backend_timer_set (be, 700000000, record_time, &log, 2);
  g_assert_true (ts_backend_timer_cancel (be, id));
  g_assert_true (ts_backend_run (be, NULL));
  g_assert_cmpuint (log.tags->len, ==, 3);
  static const TsTime at[] = { 300000000, 700000000, 1000000000 };
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpuint (g_array_index (log.tags, guint64, i), ==, i + 1);
      g_assert_cmpint (g_array_index (log.times, TsTime, i), >=, at[i]);
      /* The loop wakes 100 us early and spins the rest: on time within a few readings. */
      assert_near (g_array_index (log.times, TsTime, i), at[i]);
    }
  g_assert_cmpuint (f->idles, >=, 3);
  g_assert_cmpuint (f->clock_reads, <, 2000);
  log_clear (&log);
}

/* A launch that never comes back fails the run with a clear error instead of hanging. */
static void
test_hung (void)
{
  g_autoptr (Fake) f = fake_new ();
  g_autoptr (TsBackend) be = ts_wall_backend_new (&fake_ops, f, 64);
  ts_wall_backend_set_hung_timeout (be, 5000000);
  f->stuck = TRUE;
  TsKernelDesc k = tu_kernel (4, 128, 16, 0, 1000);
  guint s = ts_backend_stream_new (be, 1);
  ts_backend_launch (be, s, &(TsLaunch) { .kernel = &k });
  g_autoptr (GError) error = NULL;
  g_assert_false (ts_backend_run (be, &error));
  g_assert_error (error, TS_ERROR, TS_ERROR_RUN);
  g_assert_nonnull (strstr (error->message, "has not completed"));
  g_assert_cmpint (f->clock, >=, 5000000);
}

/* The runner and a policy over the core: tests/data/hand.cfg under seq.  One stream: the BE job
 * (two 2-ms kernels, submitted at 0) ends at LAT + 4 ms; the RT job (one 0.5-ms kernel, released
 * at 0.5 ms) queues behind it and ends 0.5 ms later: latencies 4 ms + LAT each. */
static void
test_runner_seq (void)
{
  g_autofree char *path = tu_data ("hand.cfg");
  g_autoptr (GError) error = NULL;
  g_autoptr (TsScenario) scn = ts_scenario_load (path, &error);
  g_assert_no_error (error);
  g_autoptr (Fake) f = fake_new ();
  g_autoptr (TsRunResult) res = NULL;
  {
    g_autoptr (TsBackend) be = ts_wall_backend_new (&fake_ops, f, 64);
    res = ts_run_on (scn, ts_policy_lookup ("seq", NULL), be, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpuint (f->end_runs, ==, 1);
  g_assert_cmpuint (res->jobs->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const TsJob *j = res->jobs->pdata[i];
      /* The runner and the policy read the clock a few times per release, launch and completion. */
      assert_within (j->finish - j->release, 4000000 + LAT, 50);
    }
}

/* Every policy on hand-made and shipped scenarios (shortened), over the core with drain in place
 * of reset: each run ends, every job finishes, none faster than its model alone. */
static void
test_every_policy (void)
{
  g_autofree char *hand = tu_data ("hand.cfg"), *preempt = tu_data ("hand-preempt.cfg"), *rt = tu_data ("rt-hand.cfg");
  const char *const files[] = { hand, preempt, rt, "demo", "disb-d", "robot" };
  const TsOverride shorter[] = { { "duration", "0.2", "test" }, { NULL } };
  for (guint fi = 0; fi < G_N_ELEMENTS (files); fi++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (TsScenario) scn = ts_scenario_load_with (files[fi], fi < 3 ? NULL : shorter, &error);
      g_assert_no_error (error);
      const TsPolicyClass *const *all = ts_policy_all ();
      for (guint p = 0; all[p] != NULL; p++)
        {
          g_autoptr (Fake) f = fake_new ();
          g_autoptr (TsRunResult) res = NULL;
          {
            g_autoptr (TsBackend) be = ts_wall_backend_new (&fake_ops, f, 64);
            res = ts_run_on (scn, all[p], be, &error);
          }
          if (error != NULL)
            g_error ("%s under %s: %s", files[fi], all[p]->name, error->message);
          tu_assert_no_job_beats_solo (files[fi], scn, res);
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/realtime/window-fifo", test_window_fifo);
  g_test_add_func ("/realtime/in-flight-limit", test_in_flight_limit);
  g_test_add_func ("/realtime/drain", test_drain);
  g_test_add_func ("/realtime/reset-as-drain", test_reset_as_drain);
  g_test_add_func ("/realtime/drain-empty", test_drain_empty);
  g_test_add_func ("/realtime/padded", test_padded);
  g_test_add_func ("/realtime/timers-idle", test_timers_idle);
  g_test_add_func ("/realtime/hung", test_hung);
  g_test_add_func ("/realtime/runner-seq", test_runner_seq);
  g_test_add_func ("/realtime/every-policy", test_every_policy);
  return g_test_run ();
}
