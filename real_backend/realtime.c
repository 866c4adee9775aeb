#include "config.h"

#include "real_backend/realtime.h"
#include "sim/engine.h"

/* Wake this long before a timer when idle: sleeping overshoots, spinning does not. */
#define SLEEP_MARGIN_NS 100000

typedef struct {
  TsWallLaunch l;
  TsKernelDoneFn fn;
  gpointer data;
  guint64 tag;
  TsPadDoneFn pad_fn;
  gpointer pad_data;
  guint64 pad_tag;
  TsTime submitted;
} Launch;

typedef struct {
  guint window;          /* 0: unlimited */
  GQueue host;           /* Launch *, waiting */
  GQueue device;         /* Launch *, submitted, oldest first */
  gboolean draining;
  guint64 drain_last;    /* the drain waits for launches up to this sequence number */
  TsPreemptDoneFn pfn;
  gpointer pdata;
  TsPreemptResult pr;
} Stream;

typedef struct {
  TsBackend parent;
  const TsWallDeviceOps *ops;
  gpointer dev;
  TsEngine *timers;
  GPtrArray *streams;    /* Stream * */
  guint max_in_flight, in_flight;
  guint pending;         /* launches in host or device queues */
  guint64 next_seq;
  TsTime t0, hung_ns;
  gboolean started;
  guint resets;
  guint64 kernels;
  GError *error;         /* the first failure: run() stops and returns it */
} RtBackend;

#define RT(be) ((RtBackend *) (be))

static TsTime
rt_now (TsBackend *be)
{
  RtBackend *b = RT (be);
  return b->started ? b->ops->clock (b->dev) - b->t0 : 0;
}

static guint rt_levels (TsBackend *be) { return 2; }
static guint rt_sms (TsBackend *be) { return RT (be)->ops->sms (RT (be)->dev); }

/* The device's plan of k, and its shape; a kernel without one is a programming error. */
static gconstpointer
plan_of (RtBackend *b, const TsKernelDesc *k, guint *blocks_per_sm, TsTime *block_ns)
{
  gconstpointer p = b->ops->plan (b->dev, k, blocks_per_sm, block_ns);
  if (p == NULL)
    g_error ("%s backend: kernel %s has no plan (not a kernel of the scenario's models)", b->ops->name, k->name);
  return p;
}

static gconstpointer
plan (RtBackend *b, const TsKernelDesc *k)
{
  guint per_sm;
  TsTime block_ns;
  return plan_of (b, k, &per_sm, &block_ns);
}

static void
rt_kernel_shape (TsBackend *be, const TsKernelDesc *k, guint *blocks_per_sm, TsTime *block_ns)
{
  plan_of (RT (be), k, blocks_per_sm, block_ns);
}

/* Submits the stream's waiting launches while its window and the device's slots allow. */
static void
pump (RtBackend *b, Stream *st)
{
  while (!g_queue_is_empty (&st->host) && (st->window == 0 || st->device.length < st->window)
         && b->in_flight < b->max_in_flight)
    {
      Launch *l = g_queue_pop_head (&st->host);
      l->l.seq = ++b->next_seq;
      l->submitted = rt_now (&b->parent);
      if (!b->ops->submit (b->dev, &l->l, b->error == NULL ? &b->error : NULL) && b->error == NULL)
        g_set_error (&b->error, TS_ERROR, TS_ERROR_RUN, "%s backend: a launch failed", b->ops->name);
      b->in_flight++;
      g_queue_push_tail (&st->device, l);
    }
}

static void
pump_all (RtBackend *b)
{
  for (guint i = 0; i < b->streams->len; i++)
    pump (b, b->streams->pdata[i]);
}

static void
finish_drain (RtBackend *b, Stream *st)
{
  st->draining = FALSE;
  st->pr.done = rt_now (&b->parent);
  TsPreemptResult pr = st->pr;
  st->pfn (st->pdata, &pr);
}

static void
drain_fired (gpointer data, guint64 stream)
{
  RtBackend *b = data;
  Stream *st = b->streams->pdata[stream];
  if (st->draining)
    finish_drain (b, st);
}

static gboolean
drain_complete (Stream *st)
{
  const Launch *head = g_queue_peek_head (&st->device);
  return head == NULL || head->l.seq > st->drain_last;
}

/* Retires completed launches at the heads of the streams' device queues, running their
 * callbacks, and lets waiting launches in. */
static void
poll (RtBackend *b)
{
  for (guint i = 0; i < b->streams->len; i++)
    {
      Stream *st = b->streams->pdata[i];
      Launch *l;
      while ((l = g_queue_peek_head (&st->device)) != NULL)
        {
          guint32 done_main, done_pad;
          if (!b->ops->poll (b->dev, &l->l, &done_main, &done_pad))
            {
              if (rt_now (&b->parent) - l->submitted > b->hung_ns && b->error == NULL)
                g_set_error (&b->error, TS_ERROR, TS_ERROR_RUN, "%s backend: a launch on stream %u has not "
                             "completed in %.3f s: the device is stuck", b->ops->name, i,
                             (double) b->hung_ns / TS_NS_PER_S);
              break;
            }
          g_queue_pop_head (&st->device);
          b->in_flight--;
          b->pending--;
          gboolean complete = done_main == l->l.n_main;
          b->kernels += complete;
          if (st->draining && l->l.seq <= st->drain_last && !complete)
            {
              st->pr.device_dropped++;
              if (!st->pr.have_unfinished)
                {
                  st->pr.have_unfinished = TRUE;
                  st->pr.unfinished_tag = l->tag;
                  st->pr.unfinished_done = done_main;
                }
            }
          Launch done = *l;
          g_free (l);
          pump_all (b);
          /* Callbacks last: they may launch, drain or set timers.  As on the simulated GPU, a pad
           * reports the blocks it ran whatever became of its kernel, and before it. */
          if (done.pad_fn != NULL)
            done.pad_fn (done.pad_data, done.pad_tag, done_pad);
          if (complete && done.fn != NULL)
            done.fn (done.data, done.tag);
          if (st->draining && drain_complete (st))
            finish_drain (b, st);
        }
    }
}

static guint
rt_stream_new (TsBackend *be, guint level)
{
  RtBackend *b = RT (be);
  Stream *st = g_new0 (Stream, 1);
  g_queue_init (&st->host);
  g_queue_init (&st->device);
  guint index = b->streams->len;
  g_ptr_array_add (b->streams, st);
  if (!b->ops->stream_new (b->dev, index, level == 0 ? 0 : 1, b->error == NULL ? &b->error : NULL)
      && b->error == NULL)
    g_set_error (&b->error, TS_ERROR, TS_ERROR_RUN, "%s backend: cannot create a stream", b->ops->name);
  return index;
}

static void
rt_stream_set_window (TsBackend *be, TsStreamId stream, guint window)
{
  Stream *st = RT (be)->streams->pdata[stream];
  st->window = window;
  pump (RT (be), st);
}

static void
enqueue (RtBackend *b, guint stream, Launch *l)
{
  Stream *st = b->streams->pdata[stream];
  l->l.stream = stream;
  g_queue_push_tail (&st->host, l);
  b->pending++;
  pump (b, st);
}

static void
rt_launch (TsBackend *be, TsStreamId stream, const TsLaunch *launch)
{
  Launch *l = g_new0 (Launch, 1);
  l->l.main = plan (RT (be), launch->kernel);
  l->l.n_main = ts_launch_blocks (launch);
  if (launch->pad != NULL && launch->pad_blocks > 0)
    {
      l->l.pad = plan (RT (be), launch->pad);
      l->l.n_pad = launch->pad_blocks;
    }
  l->fn = launch->done, l->data = launch->data, l->tag = launch->tag;
  if (launch->pad != NULL)
    l->pad_fn = launch->pad_done, l->pad_data = launch->pad_data, l->pad_tag = launch->pad_tag;
  enqueue (RT (be), stream, l);
}

static guint
rt_drain (TsBackend *be, TsStreamId stream, TsPreemptDoneFn fn, gpointer data)
{
  RtBackend *b = RT (be);
  Stream *st = b->streams->pdata[stream];
  g_return_val_if_fail (!st->draining, 0);
  guint dropped = st->host.length;
  g_queue_clear_full (&st->host, g_free);
  b->pending -= dropped;
  b->ops->drain (b->dev, stream);
  const Launch *last = g_queue_peek_tail (&st->device);
  st->draining = TRUE;
  st->drain_last = last != NULL ? last->l.seq : 0;
  st->pfn = fn, st->pdata = data;
  st->pr = (TsPreemptResult) { .requested = rt_now (be), .host_dropped = dropped };
  if (last == NULL)   /* nothing launched: done at once, though not inside the caller */
    ts_engine_schedule (b->timers, MAX (st->pr.requested, ts_engine_now (b->timers)), TS_EV_HOST, drain_fired,
                        b, stream);
  return dropped;
}

static guint
rt_reset (TsBackend *be, TsStreamId stream, TsPreemptDoneFn fn, gpointer data)
{
  RT (be)->resets++;
  return rt_drain (be, stream, fn, data);
}

static guint64
rt_timer_set (TsBackend *be, TsTime at, TsTimerFn fn, gpointer data, guint64 arg)
{
  RtBackend *b = RT (be);
  return ts_engine_schedule (b->timers, MAX (at, ts_engine_now (b->timers)), TS_EV_HOST, fn, data, arg);
}

static gboolean rt_timer_cancel (TsBackend *be, guint64 id) { return ts_engine_cancel (RT (be)->timers, id); }

/* Completions first (they free the GPU and may launch more), then each timer that is due; spin
 * while launches are out, sleep until shortly before the next timer while none is. */
static gboolean
rt_run (TsBackend *be, GError **error)
{
  RtBackend *b = RT (be);
  b->t0 = b->ops->clock (b->dev);
  b->started = TRUE;
  while (b->error == NULL)
    {
      poll (b);
      TsTime now = rt_now (be), next = ts_engine_next_time (b->timers);
      if (next <= now)
        {
          ts_engine_step (b->timers);
          continue;
        }
      if (b->pending == 0 && next == TS_TIME_NEVER)
        break;
      if (b->in_flight == 0 && next - now > 2 * SLEEP_MARGIN_NS)
        b->ops->idle (b->dev, next - now - SLEEP_MARGIN_NS);
    }
  if (b->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&b->error));
      return FALSE;
    }
  return TRUE;
}

static void
rt_counters (TsBackend *be, guint64 *kernels, guint64 *events)
{
  *kernels = RT (be)->kernels;
  *events = ts_engine_events_run (RT (be)->timers);
}

static void
rt_free (TsBackend *be)
{
  RtBackend *b = RT (be);
  b->ops->end_run (b->dev);
  for (guint i = 0; i < b->streams->len; i++)
    {
      Stream *st = b->streams->pdata[i];
      g_queue_clear_full (&st->host, g_free);
      g_queue_clear_full (&st->device, g_free);
      g_free (st);
    }
  g_ptr_array_unref (b->streams);
  ts_engine_free (b->timers);
  g_clear_error (&b->error);
  g_free (b);
}

static const TsBackendOps rt_ops = {
  .name = "real-time", .now = rt_now, .levels = rt_levels, .stream_new = rt_stream_new,
  .stream_set_window = rt_stream_set_window, .launch = rt_launch,
  .reset = rt_reset, .drain = rt_drain, .sms = rt_sms, .kernel_shape = rt_kernel_shape,
  .timer_set = rt_timer_set, .timer_cancel = rt_timer_cancel, .run = rt_run, .counters = rt_counters,
  .free = rt_free,
};

TsBackend *
ts_wall_backend_new (const TsWallDeviceOps *ops, gpointer dev, guint max_in_flight)
{
  g_return_val_if_fail (max_in_flight > 0, NULL);
  RtBackend *b = g_new0 (RtBackend, 1);
  b->parent.ops = &rt_ops;
  b->ops = ops;
  b->dev = dev;
  b->max_in_flight = max_in_flight;
  b->hung_ns = 60 * TS_NS_PER_S;
  b->timers = ts_engine_new ();
  b->streams = g_ptr_array_new ();
  return &b->parent;
}

guint
ts_wall_backend_resets (TsBackend *be)
{
  g_return_val_if_fail (be->ops == &rt_ops, 0);
  return RT (be)->resets;
}

void
ts_wall_backend_set_hung_timeout (TsBackend *be, TsTime ns)
{
  g_return_if_fail (be->ops == &rt_ops);
  RT (be)->hung_ns = ns;
}
