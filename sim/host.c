#include "config.h"

#include "sim/host.h"

#define NONE G_MAXUINT32

/* One queued operation; `next` links a thread's queue, or the free list. */
typedef struct {
  TsTime cost;
  TsEventFn fn;
  gpointer data;
  guint64 arg;
  TsTime ready;          /* when it became the thread's next operation (for the wait count) */
  guint32 next;
} Op;

typedef struct {
  guint32 head, tail;    /* its operations, in order */
  guint32 next_waiting;  /* in the queue of threads waiting for a core */
} Thread;

struct _TsHost {
  TsEngine *engine;
  guint free_cores;
  Op *ops;
  guint32 n_ops, ops_cap, op_free;
  Thread *threads;
  guint n_threads, threads_cap;
  guint32 wait_head, wait_tail;  /* threads waiting for a core, FIFO */
  TsTime busy, waited;
};

TsHost *
ts_host_new (TsEngine *engine, guint cores)
{
  g_return_val_if_fail (cores >= 1, NULL);
  TsHost *h = g_new0 (TsHost, 1);
  h->engine = engine;
  h->free_cores = cores;
  h->op_free = NONE;
  h->wait_head = h->wait_tail = NONE;
  return h;
}

void
ts_host_free (TsHost *host)
{
  if (host == NULL)
    return;
  g_free (host->ops);
  g_free (host->threads);
  g_free (host);
}

TsTime ts_host_busy (const TsHost *host) { return host->busy; }
TsTime ts_host_waited (const TsHost *host) { return host->waited; }

guint
ts_host_thread_new (TsHost *host)
{
  if (host->n_threads == host->threads_cap)
    {
      host->threads_cap = MAX (8, host->threads_cap * 2);
      host->threads = g_renew (Thread, host->threads, host->threads_cap);
    }
  host->threads[host->n_threads] = (Thread) { .head = NONE, .tail = NONE, .next_waiting = NONE };
  return host->n_threads++;
}

static void ev_op_done (gpointer data, guint64 thread);

/* Runs thread t's head operation on a core now. */
static void
start (TsHost *h, guint32 t)
{
  Thread *th = &h->threads[t];
  Op *op = &h->ops[th->head];
  TsTime now = ts_engine_now (h->engine);
  h->free_cores--;
  h->waited += now - op->ready;
  h->busy += op->cost;
  ts_engine_schedule (h->engine, now + op->cost, TS_EV_HOST, ev_op_done, h, t);
}

/* Thread t has a ready head operation: it takes a core, or waits in line for one. */
static void
want_core (TsHost *h, guint32 t)
{
  h->ops[h->threads[t].head].ready = ts_engine_now (h->engine);
  if (h->free_cores > 0 && h->wait_head == NONE)
    {
      start (h, t);
      return;
    }
  h->threads[t].next_waiting = NONE;
  if (h->wait_tail == NONE)
    h->wait_head = t;
  else
    h->threads[h->wait_tail].next_waiting = t;
  h->wait_tail = t;
}

static void
ev_op_done (gpointer data, guint64 thread)
{
  TsHost *h = data;
  guint32 t = (guint32) thread;
  Thread *th = &h->threads[t];
  guint32 oi = th->head;
  Op op = h->ops[oi];
  th->head = op.next;
  if (th->head == NONE)
    th->tail = NONE;
  h->ops[oi].next = h->op_free;
  h->op_free = oi;
  h->free_cores++;
  /* The core goes to the longest-waiting thread, then this thread lines up for its next one. */
  if (h->wait_head != NONE)
    {
      guint32 w = h->wait_head;
      h->wait_head = h->threads[w].next_waiting;
      if (h->wait_head == NONE)
        h->wait_tail = NONE;
      start (h, w);
    }
  if (th->head != NONE)
    want_core (h, t);
  op.fn (op.data, op.arg);
}

void
ts_host_run (TsHost *host, guint thread, TsTime cost, TsEventFn fn, gpointer data, guint64 arg)
{
  g_return_if_fail (thread < host->n_threads && cost >= 0);
  guint32 oi;
  if (host->op_free != NONE)
    {
      oi = host->op_free;
      host->op_free = host->ops[oi].next;
    }
  else
    {
      if (host->n_ops == host->ops_cap)
        {
          host->ops_cap = MAX (64, host->ops_cap * 2);
          host->ops = g_renew (Op, host->ops, host->ops_cap);
        }
      oi = host->n_ops++;
    }
  host->ops[oi] = (Op) { .cost = cost, .fn = fn, .data = data, .arg = arg, .next = NONE };
  Thread *th = &host->threads[thread];
  gboolean idle = th->head == NONE;
  if (th->tail == NONE)
    th->head = oi;
  else
    host->ops[th->tail].next = oi;
  th->tail = oi;
  if (idle)
    want_core (host, thread);
}
