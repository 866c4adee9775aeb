/* Event engine: ordering by (time, class, sequence), cancel, and the heap under random load. */
#include "config.h"

#include "sim/engine.h"

typedef struct {
  GArray *log;  /* guint64 tokens in the order run */
} Log;

static void
record (gpointer data, guint64 arg)
{
  Log *l = data;
  g_array_append_val (l->log, arg);
}

static void
test_order (void)
{
  g_autoptr (TsEngine) e = ts_engine_new ();
  Log l = { g_array_new (FALSE, FALSE, sizeof (guint64)) };
  /* Scheduled out of order on purpose; expected order: time, then class, then scheduling. */
  ts_engine_schedule (e, 5, TS_EV_HOST, record, &l, 6);
  ts_engine_schedule (e, 3, TS_EV_DISPATCH, record, &l, 4);
  ts_engine_schedule (e, 3, TS_EV_COMPLETE, record, &l, 1);
  ts_engine_schedule (e, 3, TS_EV_HOST, record, &l, 3);
  ts_engine_schedule (e, 3, TS_EV_COMPLETE, record, &l, 2);
  ts_engine_schedule (e, 4, TS_EV_COMPLETE, record, &l, 5);
  ts_engine_run (e);
  g_assert_cmpuint (l.log->len, ==, 6);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpuint (g_array_index (l.log, guint64, i), ==, i + 1);
  g_assert_cmpint (ts_engine_now (e), ==, 5);
  g_assert_cmpuint (ts_engine_events_run (e), ==, 6);
  g_array_unref (l.log);
}

typedef struct {
  TsEngine *e;
  Log *l;
} Chain;

/* At time 10 this schedules one event now (runs after the already-pending class-HOST event at
 * 10, which was scheduled earlier) and one at 11. */
static void
spawn (gpointer data, guint64 arg)
{
  Chain *c = data;
  record (c->l, arg);
  ts_engine_schedule (c->e, ts_engine_now (c->e), TS_EV_HOST, record, c->l, 3);
  ts_engine_schedule (c->e, ts_engine_now (c->e) + 1, TS_EV_COMPLETE, record, c->l, 4);
}

static void
test_schedule_while_running (void)
{
  g_autoptr (TsEngine) e = ts_engine_new ();
  Log l = { g_array_new (FALSE, FALSE, sizeof (guint64)) };
  Chain c = { e, &l };
  ts_engine_schedule (e, 10, TS_EV_HOST, spawn, &c, 1);
  ts_engine_schedule (e, 10, TS_EV_HOST, record, &l, 2);
  ts_engine_run (e);
  guint64 want[] = { 1, 2, 3, 4 };
  g_assert_cmpmem (l.log->data, l.log->len * sizeof (guint64), want, sizeof want);
  g_array_unref (l.log);
}

static void
test_cancel (void)
{
  g_autoptr (TsEngine) e = ts_engine_new ();
  Log l = { g_array_new (FALSE, FALSE, sizeof (guint64)) };
  TsEventId a = ts_engine_schedule (e, 1, TS_EV_HOST, record, &l, 1);
  TsEventId b = ts_engine_schedule (e, 2, TS_EV_HOST, record, &l, 2);
  TsEventId c = ts_engine_schedule (e, 3, TS_EV_HOST, record, &l, 3);
  g_assert_cmpint (ts_engine_next_time (e), ==, 1);
  g_assert_true (ts_engine_cancel (e, b));
  g_assert_false (ts_engine_cancel (e, b));      /* twice */
  g_assert_false (ts_engine_cancel (e, 0));      /* never valid */
  g_assert_cmpuint (ts_engine_pending (e), ==, 2);
  g_assert_true (ts_engine_step (e));
  g_assert_cmpint (ts_engine_next_time (e), ==, 3);  /* b (time 2) was cancelled */
  g_assert_false (ts_engine_cancel (e, a));      /* already ran */
  /* b's slot is reused by a new event: the stale id must not cancel it. */
  TsEventId d = ts_engine_schedule (e, 4, TS_EV_HOST, record, &l, 4);
  g_assert_false (ts_engine_cancel (e, b));
  g_assert_false (ts_engine_cancel (e, a));
  ts_engine_run (e);
  guint64 want[] = { 1, 3, 4 };
  g_assert_cmpmem (l.log->data, l.log->len * sizeof (guint64), want, sizeof want);
  g_assert_cmpint (ts_engine_next_time (e), ==, TS_TIME_NEVER);
  g_assert_false (ts_engine_cancel (e, c));
  g_assert_false (ts_engine_cancel (e, d));
  g_array_unref (l.log);
}

/* ts_engine_defer: a call deferred by an event at time 10. */
typedef struct {
  TsEngine *e;
  Log *l;
  TsEventClass cls;     /* of the deferred call */
  gboolean also_now;    /* the event also schedules one at 10 of class TS_EV_HOST */
} Defer;

static void
defer_from_event (gpointer data, guint64 arg)
{
  Defer *d = data;
  record (d->l, arg);
  if (d->also_now)
    ts_engine_schedule (d->e, 10, TS_EV_HOST, record, d->l, 2);
  ts_engine_defer (d->e, d->cls, record, d->l, 3);
}

static void
test_defer (void)
{
  /* Nothing else at 10: the deferred call runs when the event returns, as no event of its own. */
  for (guint c = 0; c < 4; c++)
    {
      g_autoptr (TsEngine) e = ts_engine_new ();
      Log l = { g_array_new (FALSE, FALSE, sizeof (guint64)) };
      Defer d = { e, &l, TS_EV_DISPATCH, FALSE };
      ts_engine_schedule (e, 10, TS_EV_COMPLETE, defer_from_event, &d, 1);
      ts_engine_schedule (e, 11, TS_EV_COMPLETE, record, &l, 4);
      switch (c)
        {
        case 0:  /* alone at 10 */
          ts_engine_run (e);
          break;
        case 1:  /* an event at 10 that runs before a dispatch: the deferred call waits for it */
          d.also_now = TRUE;
          ts_engine_run (e);
          break;
        case 2:  /* ...but not before a call of an earlier class */
          d.also_now = TRUE, d.cls = TS_EV_COMPLETE;
          ts_engine_run (e);
          break;
        default:  /* outside an event: an event at once (the engine's time, 0) */
          ts_engine_defer (e, TS_EV_DISPATCH, record, &l, 0);
          g_assert_cmpuint (ts_engine_pending (e), ==, 3);
          ts_engine_run (e);
          break;
        }
      static const guint64 want[4][4] = { { 1, 3, 4 }, { 1, 2, 3, 4 }, { 1, 3, 2, 4 }, { 0, 1, 3, 4 } };
      static const guint n_want[4] = { 3, 4, 4, 4 };
      static const guint64 events[4] = { 2, 4, 3, 3 };  /* a deferred call that waited is an event */
      g_assert_cmpmem (l.log->data, l.log->len * sizeof (guint64), want[c], n_want[c] * sizeof (guint64));
      g_assert_cmpuint (ts_engine_events_run (e), ==, events[c]);
      g_array_unref (l.log);
    }
}

/* Reference model: the pending events as (time, class, seq, id, token); the next to run is the
 * minimum by (time, class, seq), found by a linear scan. */
typedef struct {
  TsTime time;
  guint cls;
  guint64 seq;
  TsEventId id;
  guint64 token;
} Ref;

static void
test_random (void)
{
  g_autoptr (TsEngine) e = ts_engine_new ();
  Log l = { g_array_new (FALSE, FALSE, sizeof (guint64)) };
  g_autoptr (GArray) ref = g_array_new (FALSE, FALSE, sizeof (Ref));
  GRand *rng = g_rand_new_with_seed (12345);
  guint64 seq = 0, token = 0;
  guint pops = 0, cancels = 0;
  for (guint op = 0; op < 100000; op++)
    {
      double u = g_rand_double (rng);
      if (u < 0.45 || ref->len == 0)
        {
          /* Few distinct times, so that ties in time and class are frequent. */
          TsTime t = ts_engine_now (e) + g_rand_int_range (rng, 0, 20);
          guint cls = g_rand_int_range (rng, 0, TS_EV_N_CLASSES);
          Ref r = { t, cls, seq++, 0, token++ };
          r.id = ts_engine_schedule (e, t, cls, record, &l, r.token);
          g_array_append_val (ref, r);
        }
      else if (u < 0.65)
        {
          guint i = g_rand_int_range (rng, 0, ref->len);
          g_assert_true (ts_engine_cancel (e, g_array_index (ref, Ref, i).id));
          g_array_remove_index_fast (ref, i);
          cancels++;
        }
      else
        {
          guint best = 0;
          for (guint i = 1; i < ref->len; i++)
            {
              Ref *a = &g_array_index (ref, Ref, i), *b = &g_array_index (ref, Ref, best);
              if (a->time < b->time || (a->time == b->time && (a->cls < b->cls || (a->cls == b->cls && a->seq < b->seq))))
                best = i;
            }
          Ref want = g_array_index (ref, Ref, best);
          g_array_remove_index_fast (ref, best);
          g_assert_true (ts_engine_step (e));
          g_assert_cmpuint (g_array_index (l.log, guint64, l.log->len - 1), ==, want.token);
          g_assert_cmpint (ts_engine_now (e), ==, want.time);
          pops++;
        }
      g_assert_cmpuint (ts_engine_pending (e), ==, ref->len);
      if (op % 997 == 0)
        g_assert_true (ts_engine_verify (e));
    }
  g_assert_true (ts_engine_verify (e));
  g_assert_cmpuint (pops, >, 20000);
  g_assert_cmpuint (cancels, >, 10000);
  g_rand_free (rng);
  g_array_unref (l.log);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/order", test_order);
  g_test_add_func ("/engine/schedule-while-running", test_schedule_while_running);
  g_test_add_func ("/engine/cancel", test_cancel);
  g_test_add_func ("/engine/defer", test_defer);
  g_test_add_func ("/engine/random-100k", test_random);
  return g_test_run ();
}
