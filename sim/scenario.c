#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"

void
ts_scenario_free (TsScenario *scn)
{
  if (scn == NULL)
    return;
  for (guint i = 0; i < scn->n_tasks; i++)
    {
      g_free (scn->tasks[i].name);
      g_free (scn->tasks[i].arrival.times);
    }
  g_free (scn->tasks);
  g_clear_pointer (&scn->models, g_ptr_array_unref);
  g_clear_pointer (&scn->model_copies, g_ptr_array_unref);
  ts_profile_free (scn->profile);
  g_strfreev (scn->policies);
  for (guint i = 0; scn->params && i < scn->params->len; i++)
    {
      g_free (g_array_index (scn->params, TsParamValue, i).policy);
      g_free (g_array_index (scn->params, TsParamValue, i).name);
    }
  g_clear_pointer (&scn->params, g_array_unref);
  g_free (scn->name);
  g_free (scn->description);
  g_free (scn->path);
  g_free (scn);
}

const char *const ts_arrival_names[] = { "periodic", "poisson", "trace", "closed", NULL };

const char *
ts_arrival_name (TsArrivalKind kind)
{
  return ts_arrival_names[kind];
}

double
ts_arrival_rate (const TsArrival *a)
{
  if (a->kind == TS_ARRIVAL_PERIODIC)
    return (double) TS_NS_PER_S / (double) a->period;
  return a->kind == TS_ARRIVAL_POISSON ? a->rate : 0;
}

double
ts_arrival_mean_gap_ns (const TsArrival *a, double otherwise)
{
  if (a->kind == TS_ARRIVAL_PERIODIC)
    return (double) a->period;
  return a->kind == TS_ARRIVAL_POISSON ? TS_NS_PER_S / a->rate : otherwise;
}

double
ts_arrival_jitter_span_ns (const TsArrival *a)
{
  return a->kind == TS_ARRIVAL_PERIODIC ? 2.0 * (double) a->jitter : 0.0;
}

/* The share of the run a task is expected to be active: its lifetime's part of the duration,
 * times on / (on + off) for an on/off process (the long-run fraction of time on, by the
 * renewal-reward theorem). */
static double
active_share (const TsTask *t, TsTime duration)
{
  const TsLifetime *lt = &t->lifetime;
  double share = (double) MAX (0, MIN (lt->stop, duration) - lt->start) / (double) duration;
  if (lt->on_mean > 0)
    share *= (double) lt->on_mean / (double) (lt->on_mean + lt->off_mean);
  return share;
}

double
ts_scenario_utilisation (const TsScenario *scn, TsTaskClass cls, gboolean lowest_exits)
{
  double u = 0;
  for (guint i = 0; i < scn->n_tasks; i++)
    {
      const TsTask *t = &scn->tasks[i];
      if (t->cls != cls)
        continue;
      TsTime solo = t->model->solo;
      for (guint e = 0; lowest_exits && e < t->model->n_exits; e++)
        solo = MIN (solo, ts_model_variant_solo (t->model, e));
      u += (double) solo / TS_NS_PER_S * ts_arrival_rate (&t->arrival) * active_share (t, scn->duration);
    }
  return u;
}

double
ts_scenario_host_utilisation (const TsScenario *scn, TsTaskClass cls)
{
  const TsHostModel *h = &scn->profile->host;
  if (!h->present)
    return 0;
  double u = 0;
  for (guint i = 0; i < scn->n_tasks; i++)
    {
      const TsTask *t = &scn->tasks[i];
      const TsModel *m = t->model;
      if (t->cls != cls)
        continue;
      TsTime cpu = ts_model_steps_host (m, 0, (int) m->n_exits - 1, h);
      u += (double) cpu / TS_NS_PER_S * ts_arrival_rate (&t->arrival) * active_share (t, scn->duration);
    }
  return u / h->cores;
}
