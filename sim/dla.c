/* tiersim — DLA engines (see dla.h). */
#include "config.h"

#include <math.h>

#include "sim/dla.h"

typedef struct {
  const TsKernelDesc *k;
  TsKernelDoneFn fn;
  gpointer data;
  guint64 tag;
} Layer;

typedef struct {
  GQueue queue;          /* Layer*, the head running once `event` is set */
  double left;           /* the head's remaining work, in solo ns */
  double rate;           /* solo ns of work per ns now */
  TsTime since;          /* when left was last brought up to date */
  TsEventId event;       /* its completion; 0: idle */
  TsTime started;        /* when the head started (busy time) */
  TsTime busy;
} Engine;

struct _TsDla {
  TsEngine *engine;
  const TsDlaModel *model;
  TsGpu *gpu;
  double bandwidth;      /* bytes per ns shared with the GPU; 0: no memory rule */
  Engine *engines;
  double *demand;        /* per engine: its running layer's m, 0 when idle */
  guint n;
  gboolean publish_pending;
  guint64 completed;
};

double
ts_dla_model_layer_ns (const TsDlaModel *d, const TsKernelDesc *k)
{
  TsWork w = ts_kernel_work (k, TS_FP16);
  return ts_cost_predict (&d->cost, &w);
}

static double
speed (double m, double s)
{
  return 1.0 / ((1.0 - m) + m * s);
}

static TsTime
round_ns (double ns)
{
  return (TsTime) llround (ns);
}

/* The engines' demands reach the GPU's memory system once per instant, after its completions
 * (so that a chain of GPU waves ends where the wave-by-wave simulation has it). */
static void
ev_publish (gpointer data, guint64 arg)
{
  TsDla *d = data;
  d->publish_pending = FALSE;
  ts_gpu_memory_external (d->gpu, d->demand, d->n);
}

static void
demand_changed (TsDla *d)
{
  if (d->bandwidth == 0 || d->publish_pending)
    return;
  d->publish_pending = TRUE;
  /* an event, not ts_engine_defer: the GPU's dispatcher holds the engine's one deferred call */
  ts_engine_schedule (d->engine, ts_engine_now (d->engine), TS_EV_READY, ev_publish, d, 0);
}

static void ev_layer_done (gpointer data, guint64 e);

/* Starts engine e's head layer now. */
static void
engine_start (TsDla *d, guint e)
{
  Engine *en = &d->engines[e];
  const Layer *l = g_queue_peek_head (&en->queue);
  TsTime now = ts_engine_now (d->engine);
  double solo = ts_dla_model_layer_ns (d->model, l->k);
  double m = d->bandwidth > 0 && solo > 0 ? MIN (1.0, l->k->dram_bytes / d->bandwidth / solo) : 0;
  d->demand[e] = m;
  en->left = solo;
  en->rate = speed (m, ts_gpu_memory_slowdown (d->gpu));
  en->since = en->started = now;
  en->event = ts_engine_schedule (d->engine, now + round_ns (en->left / en->rate), TS_EV_COMPLETE,
                                  ev_layer_done, d, e);
  if (m > 0)
    demand_changed (d);
}

static void
ev_notify (gpointer data, guint64 arg)
{
  Layer *l = GSIZE_TO_POINTER (arg);
  if (l->fn != NULL)
    l->fn (l->data, l->tag);
  g_free (l);
}

static void
ev_layer_done (gpointer data, guint64 e)
{
  TsDla *d = data;
  Engine *en = &d->engines[e];
  TsTime now = ts_engine_now (d->engine);
  Layer *l = g_queue_pop_head (&en->queue);
  en->event = 0;
  en->busy += now - en->started;
  d->completed++;
  if (d->demand[e] > 0)
    {
      d->demand[e] = 0;
      demand_changed (d);
    }
  ts_engine_schedule (d->engine, now, TS_EV_HOST, ev_notify, NULL, GPOINTER_TO_SIZE (l));
  if (!g_queue_is_empty (&en->queue))
    engine_start (d, e);
}

/* The memory system's slowdown changed: every running layer continues at its new speed. */
static void
slowdown_changed (gpointer data, double s)
{
  TsDla *d = data;
  TsTime now = ts_engine_now (d->engine);
  for (guint e = 0; e < d->n; e++)
    {
      Engine *en = &d->engines[e];
      if (en->event == 0 || d->demand[e] == 0)
        continue;
      en->left = MAX (0.0, en->left - (double) (now - en->since) * en->rate);
      en->since = now;
      en->rate = speed (d->demand[e], s);
      ts_engine_move (d->engine, en->event, now + round_ns (en->left / en->rate));
    }
}

TsDla *
ts_dla_new (TsEngine *engine, const TsProfile *profile, TsGpu *gpu)
{
  g_return_val_if_fail (profile->dla.count > 0, NULL);
  TsDla *d = g_new0 (TsDla, 1);
  d->engine = engine;
  d->model = &profile->dla;
  d->gpu = gpu;
  d->n = profile->dla.count;
  d->engines = g_new0 (Engine, d->n);
  for (guint e = 0; e < d->n; e++)
    g_queue_init (&d->engines[e].queue);
  d->demand = g_new0 (double, d->n);
  d->bandwidth = ts_gpu_memory_bandwidth (gpu);
  ts_gpu_memory_set_peer (gpu, slowdown_changed, d);
  return d;
}

void
ts_dla_free (TsDla *d)
{
  if (d == NULL)
    return;
  for (guint e = 0; e < d->n; e++)
    g_queue_clear_full (&d->engines[e].queue, g_free);
  g_free (d->engines);
  g_free (d->demand);
  g_free (d);
}

void
ts_dla_launch (TsDla *d, guint e, const TsKernelDesc *k, TsKernelDoneFn fn, gpointer data, guint64 tag)
{
  g_return_if_fail (e < d->n);
  g_return_if_fail (ts_dla_model_supports (d->model, k->kind));
  Layer *l = g_new (Layer, 1);
  *l = (Layer) { k, fn, data, tag };
  Engine *en = &d->engines[e];
  g_queue_push_tail (&en->queue, l);
  if (en->event == 0)
    engine_start (d, e);
}

guint64 ts_dla_layers_completed (const TsDla *d) { return d->completed; }

TsTime
ts_dla_busy (const TsDla *d, guint e)
{
  g_return_val_if_fail (e < d->n, 0);
  const Engine *en = &d->engines[e];
  return en->busy + (en->event != 0 ? ts_engine_now (d->engine) - en->started : 0);
}
