/* tiersim — reading a scenario file (see sim/load/load.h). */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/load/durations.h"
#include "sim/load/cfg.h"
#include "sim/load/datadir.h"
#include "sim/load/load.h"
#include "policies/registry.h"

static const char *const top_keys[] = { "name", "description", "duration", "seed", "profile",
                                        "policies", "policy_params", "tasks", NULL };
static const char *const task_keys[] = { "name", "model", "class", "deadline_ms", "arrival", "on_busy",
                                        "lifetime", NULL };
static const char *const lifetime_keys[] = { "start_s", "stop_s", "on_s", "off_s", NULL };
static const char *const class_names[] = { "rt", "be", NULL };
static const char *const busy_names[] = { "queue", "skip", "latest", NULL };
static const char *const arrival_keys[][6] = {
  [TS_ARRIVAL_PERIODIC] = { "type", "period_ms", "offset_ms", "jitter_ms", NULL },
  [TS_ARRIVAL_POISSON] = { "type", "rate", "offset_ms", NULL },
  [TS_ARRIVAL_TRACE] = { "type", "times_ms", NULL },
  [TS_ARRIVAL_CLOSED] = { "type", "think_ms", "offset_ms", NULL },
};

/* Reads an optional non-negative time in ms. */
static void
read_ms (TsCfgFile *f, const config_setting_t *g, const char *key, gboolean required,
         double min_ms, TsTime *out)
{
  double ms;
  if (ts_cfg_number (f, g, key, required, min_ms, 1e9, &ms))
    *out = ts_time_from_ms (ms);
}

static void
parse_arrival (TsCfgFile *f, const config_setting_t *g, TsArrival *a)
{
  int kind;
  if (!ts_cfg_enum (f, g, "type", TRUE, ts_arrival_names, &kind))
    return;
  a->kind = kind;
  ts_cfg_check_keys (f, g, arrival_keys[kind]);
  switch (a->kind)
    {
    case TS_ARRIVAL_PERIODIC:
      read_ms (f, g, "period_ms", TRUE, 1e-6, &a->period);
      read_ms (f, g, "offset_ms", FALSE, 0, &a->offset);
      read_ms (f, g, "jitter_ms", FALSE, 0, &a->jitter);
      /* Larger jitter could reorder releases of one client. */
      if (a->period > 0 && 2 * a->jitter > a->period)
        ts_cfg_error (f, config_setting_get_member (g, "jitter_ms"),
                      "jitter must be at most half the period, so that releases stay in order");
      break;
    case TS_ARRIVAL_POISSON:
      ts_cfg_number (f, g, "rate", TRUE, 1e-6, 1e7, &a->rate);
      read_ms (f, g, "offset_ms", FALSE, 0, &a->offset);
      break;
    case TS_ARRIVAL_TRACE:
      {
        const config_setting_t *ts = ts_cfg_sequence (f, g, "times_ms", TRUE);
        if (ts == NULL)
          break;
        int n = config_setting_length (ts);
        if (n == 0)
          ts_cfg_error (f, ts, "a trace needs at least one release time");
        a->times = g_new0 (TsTime, MAX (n, 1));
        for (int i = 0; i < n; i++)
          {
            const config_setting_t *e = config_setting_get_elem (ts, i);
            double ms;
            /* Bounded by the longest duration a scenario may have, 1e6 s: a later release would
             * never happen, and a far larger one would overflow integer nanoseconds. */
            if (!ts_cfg_setting_number (e, &ms) || !(ms >= 0 && ms <= 1e9))
              {
                ts_cfg_error (f, e, "release times must be numbers of ms in [0, 1e9]");
                continue;
              }
            TsTime t = ts_time_from_ms (ms);
            if (a->n_times > 0 && t < a->times[a->n_times - 1])
              {
                ts_cfg_error (f, e, "release times must be in ascending order (%g ms follows a later one)", ms);
                continue;
              }
            a->times[a->n_times++] = t;
          }
        break;
      }
    case TS_ARRIVAL_CLOSED:
      read_ms (f, g, "think_ms", FALSE, 0, &a->think);
      read_ms (f, g, "offset_ms", FALSE, 0, &a->offset);
      break;
    }
}

/* policy_params = { <policy> = { <param> = <number or boolean>; ... }; ... }; */
static void
parse_policy_params (TsCfgFile *f, const config_setting_t *root, TsScenario *scn)
{
  scn->params = g_array_new (FALSE, FALSE, sizeof (TsParamValue));
  const config_setting_t *pp = ts_cfg_group (f, root, "policy_params", FALSE);
  for (int i = 0; pp != NULL && i < config_setting_length (pp); i++)
    {
      const config_setting_t *g = config_setting_get_elem (pp, i);
      g_autoptr (GError) err = NULL;
      const TsPolicyClass *cls = ts_policy_lookup (config_setting_name (g), &err);
      if (cls == NULL)
        {
          ts_cfg_error (f, g, "%s", err->message);
          continue;
        }
      if (config_setting_type (g) != CONFIG_TYPE_GROUP)
        {
          ts_cfg_error (f, g, "expected a group { param = value; ... }");
          continue;
        }
      g_autoptr (GPtrArray) names = g_ptr_array_new ();
      for (const TsPolicyParam *p = cls->params; p != NULL && p->name != NULL; p++)
        g_ptr_array_add (names, (gpointer) p->name);
      g_ptr_array_add (names, NULL);
      if (names->len == 1)
        {
          ts_cfg_error (f, g, "policy '%s' takes no parameters", cls->name);
          continue;
        }
      ts_cfg_check_keys (f, g, (const char *const *) names->pdata);
      for (int j = 0; j < config_setting_length (g); j++)
        {
          const config_setting_t *v = config_setting_get_elem (g, j);
          const TsPolicyParam *p = ts_policy_param (cls, config_setting_name (v));
          double x;
          if (p == NULL)
            continue;  /* reported above */
          if (config_setting_type (v) == CONFIG_TYPE_BOOL)
            x = config_setting_get_bool (v);
          else if (!ts_cfg_setting_number (v, &x))
            {
              ts_cfg_error (f, v, "expected a number or a boolean");
              continue;
            }
          if (!(x >= p->min && x <= p->max))
            {
              ts_cfg_error (f, v, "%g is out of range [%g, %g]", x, p->min, p->max);
              continue;
            }
          TsParamValue pv = { g_strdup (cls->name), g_strdup (p->name), x };
          g_array_append_val (scn->params, pv);
        }
    }
}

/* Reports a referenced file that failed to load: a lookup failure as one message at s, a malformed
 * file as a message at s followed by that file's own file:line messages. */
static void
report_ref_error (TsCfgFile *f, const config_setting_t *s, const char *what, const char *name, const GError *err)
{
  if (g_error_matches (err, TS_ERROR, TS_ERROR_NOT_FOUND))
    {
      ts_cfg_error (f, s, "%s", err->message);
      return;
    }
  ts_cfg_error (f, s, "%s '%s' has errors:", what, name);
  ts_diag_add_error (f->diag, err);
}

/* Loads the model a task refers to, listed in scn->models, or finds it loaded for an earlier task
 * (*shared: then the task gets its own copy once the model's durations are resolved). */
static TsModel *
task_model (TsCfgFile *f, TsScenario *scn, GHashTable *by_name, const config_setting_t *task, const char *name,
            gboolean *shared)
{
  TsModel *m = g_hash_table_lookup (by_name, name);
  *shared = m != NULL;
  if (m != NULL)
    return m;
  g_autoptr (GError) err = NULL;
  m = ts_model_load (name, f->dir, &err);
  if (m == NULL)
    {
      report_ref_error (f, config_setting_get_member (task, "model"), "model", name, err);
      return NULL;
    }
  g_ptr_array_add (scn->models, m);
  g_hash_table_insert (by_name, g_strdup (name), m);
  return m;
}

static void
read_s (TsCfgFile *f, const config_setting_t *g, const char *key, double min_s, TsTime *out)
{
  double sec;
  if (ts_cfg_number (f, g, key, FALSE, min_s, 1e6, &sec))
    *out = (TsTime) llround (sec * TS_NS_PER_S);
}

/* lifetime = { start_s; stop_s; on_s; off_s; }: all optional, on_s and off_s together. */
static void
parse_lifetime (TsCfgFile *f, const config_setting_t *g, TsLifetime *lt)
{
  ts_cfg_check_keys (f, g, lifetime_keys);
  read_s (f, g, "start_s", 0, &lt->start);
  read_s (f, g, "stop_s", 0, &lt->stop);
  read_s (f, g, "on_s", 1e-6, &lt->on_mean);
  read_s (f, g, "off_s", 1e-6, &lt->off_mean);
  if (lt->stop <= lt->start)
    ts_cfg_error (f, config_setting_get_member (g, "stop_s"), "stop_s must be after start_s");
  const config_setting_t *on = config_setting_get_member (g, "on_s"), *off = config_setting_get_member (g, "off_s");
  if ((on == NULL) != (off == NULL))
    ts_cfg_error (f, on != NULL ? on : off, "an on/off process needs both on_s and off_s (mean seconds on and off)");
}

static void
parse_task (TsCfgFile *f, TsScenario *scn, GHashTable *models, const config_setting_t *g, TsTask *t,
            gboolean *shared)
{
  const char *s;
  int e;
  ts_cfg_check_keys (f, g, task_keys);
  t->name = g_strdup (ts_cfg_name (f, g, "name", TRUE, &s) ? s : "?");
  if (ts_cfg_string (f, g, "model", TRUE, &s))
    t->model = task_model (f, scn, models, g, s, shared);
  if (ts_cfg_enum (f, g, "class", TRUE, class_names, &e))
    t->cls = e;
  t->on_busy = TS_BUSY_QUEUE;
  if (ts_cfg_enum (f, g, "on_busy", FALSE, busy_names, &e))
    t->on_busy = e;

  const config_setting_t *dl = config_setting_get_member (g, "deadline_ms");
  if (t->cls == TS_CLASS_RT)
    read_ms (f, g, "deadline_ms", TRUE, 1e-6, &t->deadline);
  else if (dl != NULL)
    ts_cfg_error (f, dl, "a be task has no deadline (deadlines are for rt tasks)");

  const config_setting_t *arr = ts_cfg_group (f, g, "arrival", TRUE);
  if (arr != NULL)
    parse_arrival (f, arr, &t->arrival);

  t->lifetime = (TsLifetime) { .start = 0, .stop = TS_TIME_NEVER };
  const config_setting_t *lt = ts_cfg_group (f, g, "lifetime", FALSE);
  if (lt != NULL)
    parse_lifetime (f, lt, &t->lifetime);
}

typedef struct {
  TsScenario *scn;
  const TsOverride *profile_overrides;
} ParseCtx;

static void
parse_scenario (TsCfgFile *f, gpointer target)
{
  ParseCtx *ctx = target;
  TsScenario *scn = ctx->scn;
  const config_setting_t *root = config_root_setting (&f->cfg);
  const char *s;
  ts_cfg_check_keys (f, root, top_keys);

  g_autofree char *base = g_path_get_basename (f->label);
  if (g_str_has_suffix (base, ".cfg"))
    base[strlen (base) - 4] = '\0';
  scn->name = g_strdup (ts_cfg_name (f, root, "name", FALSE, &s) ? s : base);
  if (ts_cfg_string (f, root, "description", FALSE, &s))
    scn->description = g_strdup (s);

  double dur = 10.0;
  if (ts_cfg_number (f, root, "duration", TRUE, 1e-6, 1e6, &dur))
    scn->duration = ts_time_from_ms (dur * 1000.0);
  gint64 seed = 1;
  ts_cfg_int (f, root, "seed", FALSE, 0, G_MAXINT64, &seed);
  scn->seed = (guint64) seed;

  if (ts_cfg_string (f, root, "profile", TRUE, &s))
    {
      g_autoptr (GError) err = NULL;
      scn->profile = ts_profile_load_with (s, f->dir, ctx->profile_overrides, &err);
      if (scn->profile == NULL)
        report_ref_error (f, config_setting_get_member (root, "profile"), "profile", s, err);
    }

  const config_setting_t *pol = ts_cfg_sequence (f, root, "policies", TRUE);
  if (pol != NULL)
    {
      g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
      int n = config_setting_length (pol);
      if (n == 0)
        ts_cfg_error (f, pol, "name at least one policy (see 'tiersim list policies')");
      for (int i = 0; i < n; i++)
        {
          const config_setting_t *p = config_setting_get_elem (pol, i);
          if (config_setting_type (p) != CONFIG_TYPE_STRING)
            {
              ts_cfg_error (f, p, "policy names are strings");
              continue;
            }
          g_autoptr (GError) err = NULL;
          const char *name = config_setting_get_string (p);
          gboolean dup = FALSE;
          for (int j = 0; j < i && !dup; j++)
            dup = g_strcmp0 (config_setting_get_string (config_setting_get_elem (pol, j)), name) == 0;
          if (dup)
            ts_cfg_error (f, p, "policy '%s' is listed twice", name);
          else if (ts_policy_lookup (name, &err) == NULL)
            ts_cfg_error (f, p, "%s", err->message);
          else
            g_strv_builder_add (b, name);
        }
      scn->policies = g_strv_builder_end (b);
    }

  parse_policy_params (f, root, scn);

  g_autoptr (GHashTable) models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);  /* task names so far */
  const config_setting_t *tasks = ts_cfg_sequence (f, root, "tasks", TRUE);
  if (tasks == NULL)
    return;
  int n = config_setting_length (tasks);
  if (n == 0)
    ts_cfg_error (f, tasks, "a scenario needs at least one task");
  scn->tasks = g_new0 (TsTask, MAX (n, 1));
  scn->n_tasks = n;
  g_autofree gboolean *shared = g_new0 (gboolean, MAX (n, 1));   /* its model is an earlier task's */
  for (int i = 0; i < n; i++)
    {
      const config_setting_t *g = config_setting_get_elem (tasks, i);
      if (config_setting_type (g) != CONFIG_TYPE_GROUP)
        {
          ts_cfg_error (f, g, "each task must be a group { name = ...; ... }");
          scn->tasks[i].name = g_strdup ("?");
          continue;
        }
      parse_task (f, scn, models, g, &scn->tasks[i], &shared[i]);
      if (strcmp (scn->tasks[i].name, "?") != 0 && !g_hash_table_add (names, scn->tasks[i].name))
        ts_cfg_error (f, config_setting_get_member (g, "name"), "duplicate task name '%s'", scn->tasks[i].name);
    }

  if (scn->profile != NULL)
    for (guint i = 0; i < scn->models->len; i++)
      {
        g_autoptr (GError) err = NULL;
        if (!ts_model_check_fits (scn->models->pdata[i], scn->profile, &err)
            || !ts_model_resolve_durations (scn->models->pdata[i], scn->profile, f->dir, &err))
          ts_diag_add_error (f->diag, err);
      }
  /* a task whose model another task also runs gets a copy of it, resolved: each kernel
   * descriptor then belongs to one task (traces and timelines go by descriptor) */
  for (int i = 0; i < n; i++)
    if (shared[i])
      {
        scn->tasks[i].model = ts_model_copy (scn->tasks[i].model);
        g_ptr_array_add (scn->model_copies, scn->tasks[i].model);
      }
}

TsScenario *
ts_scenario_load (const char *name, GError **error)
{
  return ts_scenario_load_with (name, NULL, error);
}

gboolean
ts_scenario_check_size (const TsScenario *scn, GError **error)
{
  double total = 0, work = 0;
  for (guint i = 0; i < scn->n_tasks; i++)
    {
      const TsTask *t = &scn->tasks[i];
      double n = t->arrival.kind == TS_ARRIVAL_TRACE ? t->arrival.n_times
                 : t->arrival.kind == TS_ARRIVAL_CLOSED
                   ? (double) scn->duration / MAX (1, t->model->solo)  /* one request per solo time at most */
                   : (double) scn->duration / TS_NS_PER_S * ts_arrival_rate (&t->arrival);
      total += n;
      work += n * (double) t->model->solo;
    }
  /* A backlog of that much work, even slowed by contention, keeps simulated time far from
   * overflowing its 64-bit nanoseconds (9.2e18). */
  if (work > TS_MAX_WORK_NS)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT,
                   "%s: its requests carry about %.3g s of GPU work, more than tiersim simulates in one run "
                   "(%.0e s): shorten the duration or lower the rates", scn->path, work / TS_NS_PER_S,
                   TS_MAX_WORK_NS / TS_NS_PER_S);
      return FALSE;
    }
  if (total > TS_MAX_RELEASES)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT,
                   "%s: about %.3g requests in %.6g s, more than tiersim simulates in one run (%.0e): "
                   "shorten the duration or lower the rates", scn->path, total,
                   (double) scn->duration / TS_NS_PER_S, (double) TS_MAX_RELEASES);
      return FALSE;
    }
  return TRUE;
}

TsScenario *
ts_scenario_load_with (const char *name, const TsOverride *overrides, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (GBytes) contents = NULL;
  if (name == NULL)
    contents = ts_data_default_scenario (&path);
  else if (!ts_data_find (TS_DATA_SCENARIO, name, NULL, &path, &contents, error))
    return NULL;
  /* split the overrides between the scenario file and its profile */
  g_autoptr (GArray) own = g_array_new (TRUE, TRUE, sizeof (TsOverride));
  g_autoptr (GArray) prof = g_array_new (TRUE, TRUE, sizeof (TsOverride));
  for (const TsOverride *ov = overrides; ov != NULL && ov->path != NULL; ov++)
    {
      TsOverride o = *ov;
      if (g_str_has_prefix (ov->path, "profile."))
        {
          o.path += strlen ("profile.");
          g_array_append_val (prof, o);
        }
      else
        g_array_append_val (own, o);
    }
  g_autoptr (TsScenario) scn = g_new0 (TsScenario, 1);
  scn->path = g_strdup (path);
  scn->models = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_model_free);
  scn->model_copies = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_model_free);
  ParseCtx ctx = { scn, (const TsOverride *) prof->data };
  if (!ts_cfg_parse (path, contents, (const TsOverride *) own->data, parse_scenario, &ctx, error)
      || !ts_scenario_check_size (scn, error))
    return NULL;
  return g_steal_pointer (&scn);
}
