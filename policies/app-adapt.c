/* Training the app-level agents and analysing the game they play (issue 19; policies/app.h). */
#include "config.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "policies/app.h"
#include "sim/io.h"

TsAgent **
ts_app_agents_new (const TsScenario *scn)
{
  return g_new0 (TsAgent *, scn->n_tasks);
}

void
ts_app_agents_free (const TsScenario *scn, TsAgent **agents)
{
  if (agents == NULL)
    return;
  for (guint t = 0; t < scn->n_tasks; t++)
    ts_agent_free (agents[t]);
  g_free (agents);
}

gboolean
ts_app_train (const TsScenario *scn, const TsPolicyClass *cls, const TsAppParams *p, TsAgent **agents,
              guint episodes, TsTrainStats *stats, GError **error)
{
  g_return_val_if_fail (cls == &ts_policy_app_bandit || cls == &ts_policy_app_drl, FALSE);
  clock_t cpu0 = clock ();
  gint64 wall0 = g_get_monotonic_time ();
  *stats = (TsTrainStats) { 0 };
  for (guint k = 0; k < episodes; k++)
    {
      TsScenario ep = *scn;  /* the same scenario at another seed: the runner only reads it */
      ep.seed = scn->seed + 1 + k;
      TsAppContext ctx = { .params = p, .agents = agents, .epsilon_scale = 1.0 - (double) k / episodes };
      g_autoptr (TsRunResult) res = ts_app_run (&ep, cls, &ctx, error);
      if (res == NULL)
        return FALSE;
      stats->episodes++;
      stats->sim_s += (double) MAX (res->duration, res->end) / TS_NS_PER_S;
    }
  stats->cpu_s = (double) (clock () - cpu0) / CLOCKS_PER_SEC;
  stats->wall_s = (g_get_monotonic_time () - wall0) / 1e6;
  return TRUE;
}

gboolean
ts_app_learned (const TsScenario *scn, const TsPolicyClass *cls, const TsAppParams *p, TsAgent **agents,
                guint *setting, GError **error)
{
  TsAppContext ctx = { .params = p, .agents = agents, .epsilon_scale = 0, .frozen = TRUE, .final = setting };
  g_autoptr (TsRunResult) res = ts_app_run (scn, cls, &ctx, error);
  return res != NULL;
}

gboolean
ts_app_evaluate (const TsScenario *scn, const TsAppParams *p, const guint *setting, double *utility,
                 TsRunResult **res_out, GError **error)
{
  TsAppContext ctx = { .params = p, .setting = setting, .utility = utility };
  g_autoptr (TsRunResult) res = ts_app_run (scn, &ts_policy_app, &ctx, error);
  if (res == NULL)
    return FALSE;
  if (res_out != NULL)
    *res_out = g_steal_pointer (&res);
  return TRUE;
}

gboolean
ts_app_gap (const TsScenario *scn, const TsAppParams *p, const guint *setting, double *gap, guint *best,
            double *gain, GError **error)
{
  guint n = scn->n_tasks;
  g_autofree double *base = g_new (double, n), *u = g_new (double, n);
  g_autofree guint *s = g_memdup2 (setting, n * sizeof (guint));
  if (!ts_app_evaluate (scn, p, setting, base, NULL, error))
    return FALSE;
  *gap = 0;
  for (guint t = 0; t < n; t++)
    {
      double top = base[t];
      best[t] = setting[t];
      for (guint a = 0; a < ts_app_n_settings (scn, t, p); a++)
        {
          if (a == setting[t])
            continue;
          s[t] = a;
          if (!ts_app_evaluate (scn, p, s, u, NULL, error))
            return FALSE;
          if (u[t] > top)  /* NAN (an app without requests) never wins */
            top = u[t], best[t] = a;
        }
      s[t] = setting[t];
      gain[t] = isnan (base[t]) ? 0 : top - base[t];
      *gap = MAX (*gap, gain[t]);
    }
  return TRUE;
}

gboolean
ts_app_optimum (const TsScenario *scn, const TsAppParams *p, guint limit, guint *setting, double *welfare,
                gboolean *searched, GError **error)
{
  guint n = scn->n_tasks;
  double total = 1;
  for (guint t = 0; t < n; t++)
    total *= ts_app_n_settings (scn, t, p);
  *searched = total <= limit;
  if (!*searched)
    return FALSE;
  g_autofree guint *s = g_new0 (guint, n);
  g_autofree double *u = g_new (double, n);
  *welfare = -INFINITY;
  for (;;)
    {
      if (!ts_app_evaluate (scn, p, s, u, NULL, error))
        return FALSE;
      double w = 0;
      for (guint t = 0; t < n; t++)
        w += isnan (u[t]) ? 0 : u[t];
      if (w > *welfare)
        {
          *welfare = w;
          memcpy (setting, s, n * sizeof (guint));
        }
      /* the next joint setting, as an odometer over the tasks */
      guint t = 0;
      while (t < n && ++s[t] == ts_app_n_settings (scn, t, p))
        s[t++] = 0;
      if (t == n)
        break;
    }
  return TRUE;
}

static char *
group_of (const TsScenario *scn, guint t)
{
  return g_strdup_printf ("task %s", scn->tasks[t].name);
}

gboolean
ts_app_agents_save (const TsScenario *scn, TsAgent **agents, const char *path, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_key_file_set_string (kf, "tiersim", "format", "app agents 1");
  g_key_file_set_string (kf, "tiersim", "scenario", scn->name);
  for (guint t = 0; t < scn->n_tasks; t++)
    if (agents[t] != NULL)
      {
        g_autofree char *g = group_of (scn, t);
        ts_agent_save (agents[t], kf, g);
      }
  gsize len;
  g_autofree char *data = g_key_file_to_data (kf, &len, NULL);
  return ts_output_write (path, data, len, error);
}

gboolean
ts_app_agents_load (const TsScenario *scn, TsAgent **agents, const char *path, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) e = NULL;
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &e))
    {
      g_set_error (error, TS_ERROR, e->domain == G_FILE_ERROR ? TS_ERROR_IO : TS_ERROR_INPUT, "%s: %s", path, e->message);
      return FALSE;
    }
  g_autofree char *format = g_key_file_get_string (kf, "tiersim", "format", NULL);
  if (g_strcmp0 (format, "app agents 1") != 0)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: not a file of tiersim app agents ([tiersim] format)", path);
      return FALSE;
    }
  for (guint t = 0; t < scn->n_tasks; t++)
    {
      g_autofree char *g = group_of (scn, t);
      if (!g_key_file_has_group (kf, g))
        {
          g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: no agent for task '%s' of scenario '%s'", path,
                       scn->tasks[t].name, scn->name);
          return FALSE;
        }
      g_autoptr (GError) le = NULL;
      TsAgent *a = ts_agent_load (kf, g, &le);
      if (a == NULL)
        {
          g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: %s", path, le->message);
          return FALSE;
        }
      ts_agent_free (agents[t]);
      agents[t] = a;
    }
  return TRUE;
}
