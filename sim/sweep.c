#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cfg.h"
#include "csv.h"
#include "datadir.h"
#include "policies/policy.h"
#include "metrics.h"
#include "provenance.h"
#include "report.h"
#include "sweep.h"

static void
axis_free (gpointer p)
{
  TsAxis *a = p;
  g_free (a->name);
  g_free (a->where);
  g_free (a->file);
  g_free (a->key);
  g_ptr_array_unref (a->values);
  g_ptr_array_unref (a->labels);
  g_free (a);
}

void
ts_sweep_free (TsSweep *sw)
{
  if (sw == NULL)
    return;
  g_free (sw->path);
  g_free (sw->hash);
  g_clear_pointer (&sw->inputs, g_hash_table_unref);
  g_free (sw->scenario);
  g_clear_pointer (&sw->axes, g_ptr_array_unref);
  g_clear_pointer (&sw->fixed, g_ptr_array_unref);
  g_free (sw->seeds);
  g_free (sw->search.name);
  g_free (sw->search.key);
  g_free (sw);
}

/* What points.csv shows for an axis value: a string's text, strings joined by "+", or the
 * literal (quoted as CSV when written). */
static char *
label_of (const config_setting_t *v)
{
  g_autofree char *text = NULL;
  if (config_setting_type (v) == CONFIG_TYPE_STRING)
    text = g_strdup (config_setting_get_string (v));
  else if (config_setting_is_aggregate (v))
    {
      g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
      for (int i = 0; i < config_setting_length (v); i++)
        {
          const config_setting_t *e = config_setting_get_elem (v, i);
          if (config_setting_type (e) == CONFIG_TYPE_STRING)
            g_strv_builder_add (b, config_setting_get_string (e));
          else
            {
              g_autofree char *t = ts_cfg_setting_to_text (e);
              g_strv_builder_add (b, t);
            }
        }
      g_auto (GStrv) parts = g_strv_builder_end (b);
      text = g_strjoinv ("+", parts);
    }
  else
    text = ts_cfg_setting_to_text (v);
  return g_steal_pointer (&text);
}

/* An axis label reaches points.csv, figures and the terminal: it follows the rule for names
 * (cfg.h) but for length.  v is the value or label it comes from. */
static void
check_label (TsCfgFile *f, const config_setting_t *v, const char *label)
{
  if (!g_utf8_validate (label, -1, NULL))
    {
      ts_cfg_error (f, v, "this value's label (what points.csv shows) is not valid UTF-8; give the axis labels");
      return;
    }
  for (const char *c = label; *c; c++)
    if ((unsigned char) *c < 0x20 || *c == 0x7f)
      {
        ts_cfg_error (f, v, "this value's label (what points.csv shows) holds a control character (0x%02x); "
                      "give the axis labels without one", (unsigned char) *c);
        return;
      }
}

/* Records where the group g that defines a is: its file (the sweep file, or an @included one
 * as its @include line names it, relative to the sweep file's folder) and line. */
static void
locate (TsCfgFile *f, const config_setting_t *g, TsAxis *a)
{
  const char *src = config_setting_source_file (g);
  if (src == NULL)
    src = f->label;
  a->line = config_setting_source_line (g);
  a->where = g_strdup_printf ("%s:%d", src, a->line);
  g_autofree char *path = strcmp (src, f->label) == 0 || g_path_is_absolute (src)
                            ? g_strdup (src) : g_build_filename (f->dir, src, NULL);
  a->file = ts_provenance_key (path);
}

static const char *const top_keys[] = { "scenario", "axes", "combine", "replicas", "search", "fixed", NULL };
static const char *const fixed_keys[] = { "key", "value", NULL };
static const char *const search_keys[] = { "name", "key", "low", "high", "tolerance", "direction", "condition",
                                           "max_dmr", NULL };
static const char *const direction_names[] = { "largest", "smallest", NULL };
static const char *const condition_names[] = { "p99", "dmr", NULL };
static const char *const axis_keys[] = { "name", "key", "values", "labels", NULL };
static const char *const combine_names[] = { "product", "zip", NULL };

static void
parse_sweep (TsCfgFile *f, gpointer target)
{
  TsSweep *sw = target;
  const config_setting_t *root = config_root_setting (&f->cfg);
  const char *s;
  int e;
  ts_cfg_check_keys (f, root, top_keys);
  if (ts_cfg_string (f, root, "scenario", TRUE, &s))
    sw->scenario = (strchr (s, '/') || g_str_has_suffix (s, ".cfg")) && !g_path_is_absolute (s)
                     ? g_build_filename (f->dir, s, NULL) : g_strdup (s);
  if (ts_cfg_enum (f, root, "combine", FALSE, combine_names, &e))
    sw->zip = e == 1;
  gint64 reps = 1;
  ts_cfg_int (f, root, "replicas", FALSE, 1, 1000000, &reps);
  sw->replicas = (guint) reps;

  const config_setting_t *fx = ts_cfg_sequence (f, root, "fixed", FALSE);
  for (int i = 0; fx != NULL && i < config_setting_length (fx); i++)
    {
      const config_setting_t *g = config_setting_get_elem (fx, i);
      const config_setting_t *v = config_setting_type (g) == CONFIG_TYPE_GROUP ? config_setting_get_member (g, "value") : NULL;
      if (config_setting_type (g) != CONFIG_TYPE_GROUP)
        {
          ts_cfg_error (f, g, "each fixed setting must be a group { key = ...; value = ...; }");
          continue;
        }
      ts_cfg_check_keys (f, g, fixed_keys);
      if (v == NULL)
        ts_cfg_error (f, g, "missing required key 'value'");
      TsAxis *a = g_new0 (TsAxis, 1);
      a->values = g_ptr_array_new_with_free_func (g_free);
      a->labels = g_ptr_array_new_with_free_func (g_free);
      a->key = g_strdup (ts_cfg_string (f, g, "key", TRUE, &s) ? s : "?");
      locate (f, g, a);
      a->name = g_strdup (a->where);
      g_ptr_array_add (a->values, v ? ts_cfg_setting_to_text (v) : g_strdup ("0"));
      g_ptr_array_add (sw->fixed, a);
    }

  const config_setting_t *se = ts_cfg_group (f, root, "search", FALSE);
  if (se != NULL)
    {
      ts_cfg_check_keys (f, se, search_keys);
      sw->search.present = TRUE;
      sw->search.line = config_setting_source_line (se);
      sw->search.name = g_strdup (ts_cfg_name (f, se, "name", TRUE, &s) ? s : "?");
      sw->search.key = g_strdup (ts_cfg_string (f, se, "key", TRUE, &s) ? s : "?");
      ts_cfg_number (f, se, "low", TRUE, -1e12, 1e12, &sw->search.low);
      ts_cfg_number (f, se, "high", TRUE, -1e12, 1e12, &sw->search.high);
      ts_cfg_number (f, se, "tolerance", TRUE, 1e-12, 1e12, &sw->search.tolerance);
      if (ts_cfg_enum (f, se, "direction", FALSE, direction_names, &e))
        sw->search.smallest = e == 1;
      if (ts_cfg_enum (f, se, "condition", TRUE, condition_names, &e))
        sw->search.dmr = e == 1;
      sw->search.max_dmr = 0.01;
      ts_cfg_number (f, se, "max_dmr", FALSE, 0.0, 1.0, &sw->search.max_dmr);
      if (!(sw->search.low < sw->search.high))
        ts_cfg_error (f, se, "low must be below high");
      if (config_setting_get_member (root, "axes") != NULL)
        ts_cfg_error (f, se, "a sweep file with a search varies only the searched key: remove its axes");
    }

  const config_setting_t *axes = ts_cfg_sequence (f, root, "axes", FALSE);
  for (int i = 0; axes != NULL && i < config_setting_length (axes); i++)
    {
      const config_setting_t *g = config_setting_get_elem (axes, i);
      if (config_setting_type (g) != CONFIG_TYPE_GROUP)
        {
          ts_cfg_error (f, g, "each axis must be a group { name = ...; key = ...; values = ...; }");
          continue;
        }
      ts_cfg_check_keys (f, g, axis_keys);
      TsAxis *a = g_new0 (TsAxis, 1);
      locate (f, g, a);
      a->values = g_ptr_array_new_with_free_func (g_free);
      a->labels = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (sw->axes, a);
      a->name = g_strdup (ts_cfg_name (f, g, "name", TRUE, &s) ? s : "?");
      a->key = g_strdup (ts_cfg_string (f, g, "key", TRUE, &s) ? s : "?");
      /* points.csv's own columns (those of summary.csv too: a reader, tiersim plot among them,
       * would take the axis for the column of that name), and the other axes' */
      static const char *const reserved = "point,replica,seed," TS_SUMMARY_COLUMNS "," TS_SUMMARY_EXTRA_COLUMNS;
      g_auto (GStrv) own = g_strsplit (reserved, ",", -1);
      if (g_strv_contains ((const char *const *) own, a->name))
        ts_cfg_error (f, g, "axis name '%s' is one of points.csv's own columns (%s): choose another name",
                      a->name, reserved);
      for (guint k = 0; k + 1 < sw->axes->len; k++)
        if (strcmp (((TsAxis *) sw->axes->pdata[k])->name, a->name) == 0 && strcmp (a->name, "?") != 0)
          ts_cfg_error (f, g, "axis name '%s' is used twice (also at %s)", a->name,
                        ((TsAxis *) sw->axes->pdata[k])->where);
      const config_setting_t *vs = ts_cfg_sequence (f, g, "values", TRUE);
      if (vs == NULL)
        continue;
      if (config_setting_length (vs) == 0)
        ts_cfg_error (f, vs, "an axis needs at least one value");
      for (int j = 0; j < config_setting_length (vs); j++)
        {
          const config_setting_t *v = config_setting_get_elem (vs, j);
          g_ptr_array_add (a->values, ts_cfg_setting_to_text (v));
          g_ptr_array_add (a->labels, label_of (v));
        }
      const config_setting_t *ls = ts_cfg_sequence (f, g, "labels", FALSE);
      if (ls != NULL && config_setting_length (ls) != config_setting_length (vs))
        ts_cfg_error (f, ls, "%d labels for %d values", config_setting_length (ls), config_setting_length (vs));
      else
        for (int j = 0; ls != NULL && j < config_setting_length (ls); j++)
          {
            g_free (a->labels->pdata[j]);
            a->labels->pdata[j] = label_of (config_setting_get_elem (ls, j));
          }
      const config_setting_t *shown = ls != NULL && config_setting_length (ls) == config_setting_length (vs) ? ls : vs;
      for (guint j = 0; j < a->labels->len; j++)
        check_label (f, config_setting_get_elem (shown, (int) j), a->labels->pdata[j]);
      if (sw->zip && a->values->len != ((TsAxis *) sw->axes->pdata[0])->values->len)
        ts_cfg_error (f, vs, "combine = \"zip\" needs every axis to have as many values as the first (%u)",
                      ((TsAxis *) sw->axes->pdata[0])->values->len);
    }
}

TsSweep *
ts_sweep_load (const char *path, GError **error)
{
  g_autoptr (TsSweep) sw = g_new0 (TsSweep, 1);
  sw->path = g_strdup (path);
  sw->axes = g_ptr_array_new_with_free_func (axis_free);
  sw->fixed = g_ptr_array_new_with_free_func (axis_free);
  if (!ts_input_read (path, NULL, NULL, error) || !ts_cfg_parse (path, NULL, NULL, parse_sweep, sw, error))
    return NULL;
  /* the sweep file and what it @includes: an included file edited between shards changes points too */
  sw->inputs = ts_provenance_inputs_new ();
  if (!ts_provenance_add_file (sw->inputs, path, error))
    return NULL;
  g_autofree char *key = ts_provenance_key (path);
  sw->hash = g_strdup (g_hash_table_lookup (sw->inputs, key));

  /* Counted in 64 bits and capped as it grows, so that a large product cannot wrap around. */
  guint64 n = sw->axes->len == 0 ? 1 : sw->zip ? ((TsAxis *) sw->axes->pdata[0])->values->len : 1;
  for (guint a = 0; !sw->zip && a < sw->axes->len && n <= TS_SWEEP_MAX_POINTS; a++)
    n *= ((TsAxis *) sw->axes->pdata[a])->values->len;
  if (n <= TS_SWEEP_MAX_POINTS)
    n *= sw->replicas;
  if (n > TS_SWEEP_MAX_POINTS)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: the sweep has more than %u points (axes x replicas); "
                   "split it into several sweep files", path, TS_SWEEP_MAX_POINTS);
      return NULL;
    }
  sw->n_points = (guint) n;

  /* every point must load: report the first that does not, with its values.  The replicas of
   * one combination of values differ only in their seed (ts_sweep_point_scenario): one load
   * checks them all. */
  sw->seeds = g_new0 (guint64, sw->n_points);
  for (guint i = 0; i < sw->n_points; i++)
    {
      if (i % sw->replicas != 0)
        {
          sw->seeds[i] = sw->seeds[i - i % sw->replicas] + i % sw->replicas;
          continue;
        }
      g_autoptr (GError) err = NULL;
      g_autoptr (TsScenario) scn = ts_sweep_point_scenario (sw, i, &err);
      if (scn == NULL)
        {
          g_autofree char *vals = ts_sweep_points_prefix (sw, i, 0);
          g_autofree char *hdr = ts_sweep_points_header (sw);
          g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: point %u (%s = %s) does not load:\n%s",
                       path, i, hdr, vals, err->message);
          return NULL;
        }
      sw->seeds[i] = scn->seed;
      if (!ts_provenance_add_scenario (sw->inputs, scn, error))
        return NULL;
    }
  return g_steal_pointer (&sw);
}

/* Value index of each axis for point i (without its replica). */
static guint
value_index (const TsSweep *sw, guint i, guint axis)
{
  guint combo = i / sw->replicas;
  if (sw->zip)
    return combo;
  for (guint a = sw->axes->len; a-- > axis + 1;)
    combo /= ((TsAxis *) sw->axes->pdata[a])->values->len;
  return combo % ((TsAxis *) sw->axes->pdata[axis])->values->len;
}

/* The fixed settings as overrides, then room for `extra` more (zeroed). */
static TsOverride *
fixed_overrides (const TsSweep *sw, guint extra)
{
  TsOverride *ov = g_new0 (TsOverride, sw->fixed->len + extra + 1);
  for (guint k = 0; k < sw->fixed->len; k++)
    {
      const TsAxis *fx = sw->fixed->pdata[k];
      ov[k] = (TsOverride) { fx->key, fx->values->pdata[0], fx->name };
    }
  return ov;
}

TsOverride *
ts_sweep_point_overrides (const TsSweep *sw, guint i, guint *replica)
{
  TsOverride *ov = fixed_overrides (sw, sw->axes->len);
  for (guint a = 0; a < sw->axes->len; a++)
    {
      const TsAxis *ax = sw->axes->pdata[a];
      ov[sw->fixed->len + a] = (TsOverride) { ax->key, ax->values->pdata[value_index (sw, i, a)], ax->where };
    }
  *replica = i % sw->replicas;
  return ov;
}

TsScenario *
ts_sweep_point_scenario (const TsSweep *sw, guint i, GError **error)
{
  guint replica;
  g_autofree TsOverride *ov = ts_sweep_point_overrides (sw, i, &replica);
  TsScenario *scn = ts_scenario_load_with (sw->scenario, ov, error);
  if (scn != NULL)
    scn->seed += replica;
  return scn;
}

char *
ts_sweep_points_header (const TsSweep *sw)
{
  GString *s = g_string_new ("point");
  for (guint a = 0; a < sw->axes->len; a++)
    ts_csv_append_next (s, ((TsAxis *) sw->axes->pdata[a])->name);
  g_string_append (s, ",replica,seed");
  return g_string_free (s, FALSE);
}

char *
ts_sweep_points_prefix (const TsSweep *sw, guint i, guint64 seed)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "%u", i);
  for (guint a = 0; a < sw->axes->len; a++)
    {
      const TsAxis *ax = sw->axes->pdata[a];
      ts_csv_append_next (s, ax->labels->pdata[value_index (sw, i, a)]);
    }
  g_string_append_printf (s, ",%u,%" G_GUINT64_FORMAT, i % sw->replicas, seed);
  return g_string_free (s, FALSE);
}

/* ---- running ---- */

static char *
point_dir (const char *dir, guint i)
{
  g_autofree char *name = g_strdup_printf ("%06u", i);
  return g_build_filename (dir, "points", name, NULL);
}

typedef struct {
  const TsSweep *sw;
  const char *dir;
  char *const *argv;
  GMutex lock;
  GCond cond;
  guint finished;
  GError *error;         /* the first failure; later points are skipped */
} Ctx;

/* What point i (scenario scn) reads: the sweep file and the scenario's files, each checked
 * against the SHA-256 the manifest recorded when the sweep was loaded, so that a file edited
 * while the sweep runs fails the point rather than mixing two versions of it in one folder. */
static GHashTable *
point_inputs (const TsSweep *sw, const TsScenario *scn, GError **error)
{
  g_autoptr (GHashTable) in = ts_provenance_inputs_new ();
  if (!ts_provenance_add_file (in, sw->path, error) || !ts_provenance_add_scenario (in, scn, error))
    return NULL;
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, in);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      const char *was = g_hash_table_lookup (sw->inputs, k);
      if (was == NULL || strcmp (was, v) != 0)
        {
          g_autofree char *name = ts_provenance_text (k);
          g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s %s since the sweep was loaded: its points would "
                       "mix two versions of it; run the sweep again into another -o", name,
                       was == NULL ? "is read now but was not" : "has changed");
          return NULL;
        }
    }
  return g_steal_pointer (&in);
}

/* The members a point adds to its run.json (see ts_sweep_run). */
static JsonObject *
point_provenance (const TsSweep *sw, guint i, const TsScenario *scn)
{
  guint replica;
  g_autofree TsOverride *ov = ts_sweep_point_overrides (sw, i, &replica);
  g_autofree char *sweep_key = ts_provenance_key (sw->path);
  g_autofree char *sweep_text = ts_provenance_text (sweep_key);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sweep");
  json_builder_add_string_value (b, sweep_text);
  json_builder_set_member_name (b, "sweep_sha256");
  json_builder_add_string_value (b, sw->hash);
  json_builder_set_member_name (b, "point");
  json_builder_add_int_value (b, i);
  json_builder_set_member_name (b, "replica");
  json_builder_add_int_value (b, replica);
  /* the base scenario as the sweep names it: a shipped name stays a name */
  gboolean is_path = strchr (sw->scenario, '/') || g_str_has_suffix (sw->scenario, ".cfg");
  g_autofree char *scn_arg = is_path ? g_canonicalize_filename (sw->scenario, NULL) : g_strdup (sw->scenario);
  g_autoptr (GStrvBuilder) rerun = g_strv_builder_new ();
  g_strv_builder_add_many (rerun, "tiersim", "run", scn_arg, NULL);
  json_builder_set_member_name (b, "overrides");
  json_builder_begin_array (b);
  for (guint k = 0; ov[k].path != NULL; k++)
    {
      /* the overrides are the fixed settings, then the axes (ts_sweep_point_overrides) */
      const TsAxis *from = k < sw->fixed->len ? sw->fixed->pdata[k] : sw->axes->pdata[k - sw->fixed->len];
      g_autofree char *key = ts_provenance_text (ov[k].path), *value = ts_provenance_text (ov[k].value);
      g_autofree char *file = ts_provenance_text (from->file);
      g_autofree char *where = g_strdup_printf ("%s:%d", file, from->line);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, key);
      json_builder_set_member_name (b, "value");
      json_builder_add_string_value (b, value);
      json_builder_set_member_name (b, "from");
      json_builder_add_string_value (b, where);
      json_builder_end_object (b);
      g_autofree char *set = g_strdup_printf ("%s=%s", ov[k].path, ov[k].value);
      g_strv_builder_add_many (rerun, "--set", set, NULL);
    }
  json_builder_end_array (b);
  /* the replica's seed is the scenario's (after the overrides) plus the replica */
  g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, scn->seed);
  g_strv_builder_add_many (rerun, "--seed", seed, NULL);
  g_auto (GStrv) rv = g_strv_builder_end (rerun);
  json_builder_set_member_name (b, "rerun");
  json_builder_begin_array (b);
  for (guint k = 0; rv[k]; k++)
    {
      g_autofree char *a = ts_provenance_text (rv[k]);
      json_builder_add_string_value (b, a);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_object_ref (json_node_get_object (root));
}

/* Runs point i and publishes its folder by one rename. */
static gboolean
run_point (const TsSweep *sw, const char *dir, guint i, char *const *argv, GError **error)
{
  g_autoptr (TsScenario) scn = ts_sweep_point_scenario (sw, i, error);
  if (scn == NULL)
    return FALSE;
  g_autoptr (GHashTable) inputs = point_inputs (sw, scn, error);
  if (inputs == NULL)
    {
      g_prefix_error (error, "point %u: ", i);
      return FALSE;
    }
  g_autoptr (GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_run_result_free);
  for (guint p = 0; scn->policies[p]; p++)
    {
      TsRunResult *r = ts_run (scn, ts_policy_lookup (scn->policies[p], NULL), error);
      if (r == NULL)
        {
          g_prefix_error (error, "point %u, policy %s: ", i, scn->policies[p]);
          return FALSE;
        }
      g_ptr_array_add (runs, r);
    }
  g_autofree char *final = point_dir (dir, i);
  g_autofree char *tmpl = g_strdup_printf ("%s.tmp-XXXXXX", final);
  /* Not g_mkdtemp's private 0700: results follow the umask, as other files do, so that
   * collaborators on a shared file system can read them. */
  if (g_mkdtemp_full (tmpl, 0777) == NULL)
    {
      int e = errno;
      g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot create %s: %s", tmpl, g_strerror (e));
      return FALSE;
    }
  g_autofree char *hdr = ts_sweep_points_header (sw);
  g_autofree char *pre = ts_sweep_points_prefix (sw, i, scn->seed);
  g_autofree char *point_txt = g_strdup_printf ("%s\n%s\n", hdr, pre);
  g_autofree char *point_file = g_build_filename (tmpl, "point.txt", NULL);
  g_autoptr (JsonObject) extra = point_provenance (sw, i, scn);
  if (!ts_report_write_dir (tmpl, scn, (TsRunResult *const *) runs->pdata, runs->len, error)
      || !ts_output_write (point_file, point_txt, strlen (point_txt), error)
      || !ts_provenance_write_run_with (tmpl, argv, scn, inputs, extra, error))
    return FALSE;
  if (g_rename (tmpl, final) != 0)
    {
      int e = errno;
      g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot rename %s to %s: %s", tmpl, final, g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

static void
worker (gpointer data, gpointer user)
{
  Ctx *c = user;
  guint i = GPOINTER_TO_UINT (data) - 1;
  g_mutex_lock (&c->lock);
  gboolean skip = c->error != NULL;
  g_mutex_unlock (&c->lock);
  GError *err = NULL;
  if (!skip)
    run_point (c->sw, c->dir, i, c->argv, &err);
  g_mutex_lock (&c->lock);
  if (err != NULL && c->error == NULL)
    c->error = err;
  else
    g_clear_error (&err);
  c->finished++;
  g_cond_signal (&c->cond);
  g_mutex_unlock (&c->lock);
}

static void
print_progress (const TsSweepOptions *opt, guint done, guint total, double elapsed)
{
  double eta = done > 0 ? elapsed / done * (total - done) : 0;
  if (opt->progress_bar)
    {
      int width = 30, fill = total ? (int) (width * done / total) : width;
      fprintf (stderr, "\r[%.*s%*s] %u/%u  %02d:%02d elapsed  ETA %02d:%02d ", fill,
               "##############################", width - fill, "", done, total,
               (int) elapsed / 60, (int) elapsed % 60, (int) eta / 60, (int) eta % 60);
      if (done == total)
        fputc ('\n', stderr);
    }
  else
    fprintf (stderr, "%u/%u points done, %.1f s elapsed, ETA %.1f s\n", done, total, elapsed, eta);
}

static gboolean
write_manifest (const TsSweep *sw, const char *dir, GError **error)
{
  g_autofree char *abs = g_canonicalize_filename (sw->path, NULL);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "tiersim");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  g_autofree char *abs_text = ts_provenance_text (abs), *scn_text = ts_provenance_text (sw->scenario);
  json_builder_set_member_name (b, "sweep");
  json_builder_add_string_value (b, abs_text);
  json_builder_set_member_name (b, "sweep_sha256");
  json_builder_add_string_value (b, sw->hash);
  json_builder_set_member_name (b, "scenario");
  json_builder_add_string_value (b, scn_text);
  json_builder_set_member_name (b, "points");
  json_builder_add_int_value (b, sw->n_points);
  json_builder_set_member_name (b, "replicas");
  json_builder_add_int_value (b, sw->replicas);
  json_builder_set_member_name (b, "seeds");
  json_builder_begin_array (b);
  for (guint i = 0; i < sw->n_points; i++)
    json_builder_add_int_value (b, (gint64) sw->seeds[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "inputs");
  json_builder_add_value (b, ts_provenance_inputs_to_json (sw->inputs));
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = ts_provenance_json_text (root);
  g_autofree char *file = g_build_filename (dir, "manifest.json", NULL);
  return ts_output_write (file, text, strlen (text), error);
}

/* What a results folder's manifest.json says. */
typedef struct {
  char *hash;           /* the sweep file's SHA-256 */
  guint n_points;
  GHashTable *inputs;   /* path -> SHA-256 */
} Manifest;

static void
manifest_clear (Manifest *m)
{
  g_clear_pointer (&m->hash, g_free);
  g_clear_pointer (&m->inputs, g_hash_table_unref);
}

/* Reads dir/manifest.json.  Without one, returns FALSE with a TS_ERROR_NOT_FOUND error; one that
 * is not JSON, lacks a member or claims more than TS_SWEEP_MAX_POINTS points is an error
 * (TS_ERROR_INPUT) naming the file. */
static gboolean
manifest_read (const char *dir, Manifest *m, GError **error)
{
  memset (m, 0, sizeof *m);
  g_autofree char *file = g_build_filename (dir, "manifest.json", NULL), *text = NULL;
  gsize len;
  if (!ts_input_read (file, &text, &len, error))
    return FALSE;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) perr = NULL;
  if (!json_parser_load_from_data (parser, text, (gssize) len, &perr))
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: not valid JSON: %s", file, perr->message);
      return FALSE;
    }
  JsonNode *root = json_parser_get_root (parser);
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *h = o ? json_object_get_member (o, "sweep_sha256") : NULL;
  JsonNode *p = o ? json_object_get_member (o, "points") : NULL;
  JsonNode *in = o ? json_object_get_member (o, "inputs") : NULL;
  if (h == NULL || !JSON_NODE_HOLDS_VALUE (h) || json_node_get_value_type (h) != G_TYPE_STRING
      || p == NULL || !JSON_NODE_HOLDS_VALUE (p) || json_node_get_value_type (p) != G_TYPE_INT64)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: not a sweep manifest (no string sweep_sha256 "
                   "and integer points)", file);
      return FALSE;
    }
  gint64 n = json_node_get_int (p);
  if (n < 1 || n > TS_SWEEP_MAX_POINTS)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: claims %" G_GINT64_FORMAT " points; a sweep has "
                   "1 to %u", file, n, TS_SWEEP_MAX_POINTS);
      return FALSE;
    }
  m->inputs = ts_provenance_inputs_from_json (in);
  if (m->inputs == NULL)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: no record of the inputs' SHA-256 (made by an older "
                   "tiersim?): its points cannot be checked against the sweep's inputs; use another folder",
                   file);
      return FALSE;
    }
  m->hash = g_strdup (json_node_get_string (h));
  m->n_points = (guint) n;
  return TRUE;
}

/* Removes the folder tmp and the files in it (a point being written or copied). */
static void
remove_point_folder (const char *tmp)
{
  g_autoptr (GDir) t = g_dir_open (tmp, 0, NULL);
  const char *f;
  while (t && (f = g_dir_read_name (t)) != NULL)
    {
      g_autofree char *file = g_build_filename (tmp, f, NULL);
      g_unlink (file);
    }
  g_rmdir (tmp);
}

/* Removes what a killed run left half-written: <point>.tmp-* folders of this shard's points only,
 * since other shards may be writing theirs into the same folder right now. */
static void
remove_partial (const char *points, guint shard, guint n_shards)
{
  g_autoptr (GDir) d = g_dir_open (points, 0, NULL);
  const char *n;
  while (d && (n = g_dir_read_name (d)) != NULL)
    if (strstr (n, ".tmp-") != NULL && g_ascii_strtoull (n, NULL, 10) % n_shards == shard)
      {
        g_autofree char *tmp = g_build_filename (points, n, NULL);
        remove_point_folder (tmp);
      }
}

/* Takes the lock of a results folder (DIR/.lock, held until fd is closed): exclusive for a whole
 * sweep, shared for a shard, since shards of one sweep write disjoint points into one folder. */
static int
lock_folder (const char *dir, gboolean shard, GError **error)
{
  g_autofree char *path = g_build_filename (dir, ".lock", NULL);
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot create %s: %s", path, g_strerror (e));
      return -1;
    }
  if (flock (fd, (shard ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0)
    {
      int e = errno;
      close (fd);
      g_set_error (error, TS_ERROR, TS_ERROR_USAGE, e == EWOULDBLOCK
                   ? "%s is in use by another tiersim sweep (it holds %s); wait for it, or use another -o"
                   : "cannot lock %s: %s", e == EWOULDBLOCK ? dir : path, e == EWOULDBLOCK ? path : g_strerror (e));
      return -1;
    }
  return fd;
}

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
}

gboolean
ts_sweep_run (const TsSweep *sw, const char *dir, const TsSweepOptions *opt,
              guint *done, guint *total, GError **error)
{
  if (g_mkdir_with_parents (dir, 0777) != 0)
    {
      int e = errno;
      g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot create %s: %s", dir, g_strerror (e));
      return FALSE;
    }
  __attribute__ ((cleanup (close_fd))) int lock = lock_folder (dir, opt->n_shards > 1, error);
  if (lock < 0)
    return FALSE;
  g_autofree char *points = g_build_filename (dir, "points", NULL);
  Manifest prev_m = { 0 };
  g_autoptr (GError) merr = NULL;
  gboolean prev = manifest_read (dir, &prev_m, &merr);
  if (!prev && merr->code != TS_ERROR_NOT_FOUND)
    {
      g_propagate_error (error, g_steal_pointer (&merr));
      return FALSE;
    }
  if (prev && (strcmp (prev_m.hash, sw->hash) != 0 || prev_m.n_points != sw->n_points))
    {
      manifest_clear (&prev_m);
      g_set_error (error, TS_ERROR, TS_ERROR_USAGE, "%s holds the results of another sweep "
                   "(its manifest.json names a different sweep file); use another -o", dir);
      return FALSE;
    }
  g_autofree char *changed = prev ? ts_provenance_diff (prev_m.inputs, sw->inputs) : NULL;
  manifest_clear (&prev_m);
  if (changed != NULL)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s holds points made from other inputs than this sweep "
                   "reads now, which would mix results of two scenarios: %s; use another -o", dir, changed);
      return FALSE;
    }
  if (prev && !opt->resume && opt->n_shards == 1)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_USAGE, "%s already holds results of this sweep; "
                   "add --resume to continue it, or use another -o", dir);
      return FALSE;
    }
  if (g_mkdir_with_parents (points, 0777) != 0)
    {
      int e = errno;
      g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot create %s: %s", points, g_strerror (e));
      return FALSE;
    }
  if (!write_manifest (sw, dir, error))
    return FALSE;
  remove_partial (points, opt->shard, opt->n_shards);

  g_autoptr (GArray) todo = g_array_new (FALSE, FALSE, sizeof (guint));
  *total = 0;
  *done = 0;
  for (guint i = opt->shard; i < sw->n_points; i += opt->n_shards)
    {
      (*total)++;
      g_autofree char *pd = point_dir (dir, i);
      if (g_file_test (pd, G_FILE_TEST_IS_DIR))
        (*done)++;
      else
        g_array_append_val (todo, i);
    }

  Ctx c = { .sw = sw, .dir = dir, .argv = opt->argv };
  g_mutex_init (&c.lock);
  g_cond_init (&c.cond);
  gint64 t0 = g_get_monotonic_time ();
  GThreadPool *pool = g_thread_pool_new (worker, &c, (int) opt->jobs, TRUE, NULL);
  for (guint k = 0; k < todo->len; k++)
    g_thread_pool_push (pool, GUINT_TO_POINTER (g_array_index (todo, guint, k) + 1), NULL);
  g_mutex_lock (&c.lock);
  guint shown = G_MAXUINT;
  while (c.finished < todo->len)
    {
      if (c.finished != shown)
        {
          shown = c.finished;
          print_progress (opt, *done + c.finished, *total, (g_get_monotonic_time () - t0) / 1e6);
        }
      g_cond_wait_until (&c.cond, &c.lock, g_get_monotonic_time () + G_TIME_SPAN_SECOND / 2);
    }
  g_mutex_unlock (&c.lock);
  g_thread_pool_free (pool, FALSE, TRUE);
  if (todo->len > 0)
    print_progress (opt, *done + c.finished, *total, (g_get_monotonic_time () - t0) / 1e6);
  g_mutex_clear (&c.lock);
  g_cond_clear (&c.cond);
  if (c.error != NULL)
    {
      g_propagate_error (error, c.error);
      return FALSE;
    }
  *done += c.finished;

  /* points.csv once every point (of every shard) is there */
  for (guint i = 0; i < sw->n_points; i++)
    {
      g_autofree char *pd = point_dir (dir, i);
      if (!g_file_test (pd, G_FILE_TEST_IS_DIR))
        return TRUE;
    }
  return ts_sweep_write_points_csv (dir, sw->n_points, error);
}

/* Appends a CSV record: the fields of a, then those of b. */
static void
append_record (GString *out, GStrv a, GStrv b)
{
  for (guint k = 0; a[k]; k++)
    k ? ts_csv_append_next (out, a[k]) : ts_csv_append (out, a[k]);
  for (guint k = 0; b[k]; k++)
    ts_csv_append_next (out, b[k]);
  g_string_append_c (out, '\n');
}

gboolean
ts_sweep_write_points_csv (const char *dir, guint n_points, GError **error)
{
  g_autoptr (GString) out = g_string_new (NULL);
  guint header_fields = 0;
  for (guint i = 0; i < n_points; i++)
    {
      g_autofree char *pd = point_dir (dir, i);
      g_autofree char *pfile = g_build_filename (pd, "point.txt", NULL), *sfile = g_build_filename (pd, "summary.csv", NULL);
      g_autofree char *ptext = NULL, *stext = NULL;
      gsize plen, slen;
      g_autoptr (GError) rerr = NULL;
      if (!ts_input_read (pfile, &ptext, &plen, &rerr) || !ts_input_read (sfile, &stext, &slen, &rerr))
        {
          if (rerr->code == TS_ERROR_NOT_FOUND)
            g_set_error (error, TS_ERROR, TS_ERROR_RUN, "%s: point %u has no results", dir, i);
          else
            g_propagate_error (error, g_steal_pointer (&rerr));
          return FALSE;
        }
      /* point.txt: the header and the values of the point's leading columns; then its summary.csv */
      g_autoptr (GPtrArray) pl = ts_csv_parse (ptext, plen, pfile, NULL, error);
      if (pl == NULL)
        return FALSE;
      if (pl->len != 2 || g_strv_length (pl->pdata[0]) != g_strv_length (pl->pdata[1]))
        {
          g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: not a header line and a line of as many values", pfile);
          return FALSE;
        }
      g_autoptr (TsCsv) sum = ts_csv_parse_table (stext, slen, sfile, error);
      if (sum == NULL)
        return FALSE;
      if (i == 0)
        {
          append_record (out, pl->pdata[0], sum->header);
          header_fields = g_strv_length (pl->pdata[0]) + sum->n_columns;
        }
      else if (g_strv_length (pl->pdata[0]) + sum->n_columns != header_fields)
        {
          g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: point %u has other columns than point 0", dir, i);
          return FALSE;
        }
      for (guint r = 0; r < sum->rows->len; r++)
        append_record (out, pl->pdata[1], sum->rows->pdata[r]);
    }
  g_autofree char *file = g_build_filename (dir, "points.csv", NULL);
  return ts_output_write (file, out->str, out->len, error);
}

/* Copies the regular file from into to, which must not exist yet, in pieces: a point's jobs.csv
 * may be far larger than an input file may be.  The copy follows the umask.  A link, FIFO,
 * device or folder at from is an error (opened without following or blocking, never read). */
static gboolean
copy_file (const char *from, const char *to, GError **error)
{
  int in = g_open (from, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0);
  struct stat st;
  if (in < 0 || fstat (in, &st) != 0 || !S_ISREG (st.st_mode))
    {
      int e = errno;
      if (in >= 0 || e == ELOOP)
        g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: not a regular file; a point's folder holds only "
                     "the files a sweep wrote", from);
      else
        g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: %s", from, g_strerror (e));
      if (in >= 0)
        close (in);
      return FALSE;
    }
  int out = g_open (to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (out < 0)
    {
      int e = errno;
      close (in);
      g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot create %s: %s", to, g_strerror (e));
      return FALSE;
    }
  char buf[1 << 16];
  const char *failed = NULL;
  int e = 0;
  for (;;)
    {
      gssize r = read (in, buf, sizeof buf);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        {
          if (r < 0)
            failed = from, e = errno;
          break;
        }
      for (gssize w = 0; w < r && failed == NULL;)
        {
          gssize k = write (out, buf + w, (gsize) (r - w));
          if (k < 0 && errno != EINTR)
            failed = to, e = errno;
          else if (k > 0)
            w += k;
        }
      if (failed != NULL)
        break;
    }
  close (in);
  if (close (out) != 0 && failed == NULL)
    failed = to, e = errno;
  if (failed != NULL)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot copy %s to %s: %s on %s", from, to, g_strerror (e), failed);
      return FALSE;
    }
  return TRUE;
}

/* Checks dir's manifest against first's (read from first_dir): the same sweep file, point count
 * and inputs.  A dir without a manifest is an error unless absent_ok. */
static gboolean
same_sweep (const char *dir, const Manifest *first, const char *first_dir, gboolean absent_ok, GError **error)
{
  Manifest md;
  g_autoptr (GError) merr = NULL;
  if (!manifest_read (dir, &md, &merr))
    {
      if (merr->code == TS_ERROR_NOT_FOUND && absent_ok)
        return TRUE;
      if (merr->code == TS_ERROR_NOT_FOUND)
        g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: no manifest.json: not a sweep's results", dir);
      else
        g_propagate_error (error, g_steal_pointer (&merr));
      return FALSE;
    }
  gboolean ok = strcmp (md.hash, first->hash) == 0 && md.n_points == first->n_points;
  g_autofree char *changed = ok ? ts_provenance_diff (first->inputs, md.inputs) : NULL;
  manifest_clear (&md);
  if (!ok)
    g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s holds another sweep's results than %s", dir, first_dir);
  else if (changed != NULL)
    g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s holds points made from other inputs than %s's: %s",
                 dir, first_dir, changed);
  return ok && changed == NULL;
}

/* Copies the point folder from to to (absent): every regular file into a temporary folder
 * beside to, then one rename, so that the point appears whole or not at all. */
static gboolean
copy_point (const char *from, const char *to, GError **error)
{
  g_autofree char *tmp = g_strdup_printf ("%s.tmp-XXXXXX", to);
  if (g_mkdtemp_full (tmp, 0777) == NULL)
    {
      int e = errno;
      g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot create %s: %s", tmp, g_strerror (e));
      return FALSE;
    }
  g_autoptr (GDir) d = g_dir_open (from, 0, error);
  const char *f;
  gboolean ok = d != NULL;
  while (ok && (f = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *a = g_build_filename (from, f, NULL), *b = g_build_filename (tmp, f, NULL);
      ok = copy_file (a, b, error);
    }
  if (ok && g_rename (tmp, to) != 0)
    {
      int e = errno;
      g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot rename %s to %s: %s", tmp, to, g_strerror (e));
      ok = FALSE;
    }
  if (!ok)
    remove_point_folder (tmp);
  return ok;
}

gboolean
ts_sweep_merge (const char *out, char **dirs, GError **error)
{
  Manifest first = { 0 };
  g_autoptr (GError) merr = NULL;
  if (!manifest_read (dirs[0], &first, &merr))
    {
      if (merr->code == TS_ERROR_NOT_FOUND)
        g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: no manifest.json: not a sweep's results", dirs[0]);
      else
        g_propagate_error (error, g_steal_pointer (&merr));
      return FALSE;
    }
  guint n = first.n_points;
  gboolean ok = TRUE;
  for (guint d = 1; dirs[d] && ok; d++)
    ok = same_sweep (dirs[d], &first, dirs[0], FALSE, error);
  g_autofree char *out_points = g_build_filename (out, "points", NULL);
  if (ok && g_mkdir_with_parents (out_points, 0777) != 0)
    {
      int e = errno;
      g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot create %s: %s", out_points, g_strerror (e));
      ok = FALSE;
    }
  /* no sweep may write into out meanwhile; and points out already holds must be this sweep's */
  __attribute__ ((cleanup (close_fd))) int lock = ok ? lock_folder (out, FALSE, error) : -1;
  ok = ok && lock >= 0 && same_sweep (out, &first, dirs[0], TRUE, error);
  manifest_clear (&first);
  if (!ok)
    return FALSE;
  remove_partial (out_points, 0, 1);   /* what a killed merge or sweep left */
  g_autofree char *man_to = g_build_filename (out, "manifest.json", NULL);
  g_autofree char *man_from = g_build_filename (dirs[0], "manifest.json", NULL);
  g_autofree char *man = NULL;
  gsize man_len;
  if (!ts_input_read (man_from, &man, &man_len, error) || !ts_output_write (man_to, man, man_len, error))
    return FALSE;
  for (guint d = 0; dirs[d]; d++)
    for (guint i = 0; i < n; i++)
      {
        g_autofree char *from = point_dir (dirs[d], i), *to = point_dir (out, i);
        if (g_file_test (from, G_FILE_TEST_IS_DIR) && !g_file_test (to, G_FILE_TEST_IS_DIR)
            && !copy_point (from, to, error))
          return FALSE;
      }
  return ts_sweep_write_points_csv (out, n, error);
}

/* ---- capacity search ---- */

/* What the searches of all policies share: a progress count. */
typedef struct {
  GMutex lock;
  guint runs, done, n;
  gboolean progress;   /* a line on stderr, which is a terminal */
  gint64 t0;
} SearchAll;

typedef struct {
  const TsSweep *sw;
  const TsPolicyClass *policy;
  double result, fails_at;   /* the best value found to hold, the nearest found to fail */
  guint evaluations;
  const char *status;        /* "ok", "never" (fails at the bracket's safe end), "beyond" */
  GError *error;
  SearchAll *all;
} Search;

static void
search_progress (SearchAll *a, guint runs, guint policies_done)
{
  g_mutex_lock (&a->lock);
  a->runs += runs;
  a->done += policies_done;
  if (a->progress)
    {
      fprintf (stderr, "\r\033[Ksearch: %u runs, %u/%u policies done, %.0f s", a->runs, a->done, a->n,
               (g_get_monotonic_time () - a->t0) / 1e6);
      fflush (stderr);
    }
  g_mutex_unlock (&a->lock);
}

static char *
float_literal (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (buf, sizeof buf, "%.17g", v);
  return strpbrk (buf, ".eEn") ? g_strdup (buf) : g_strconcat (buf, ".0", NULL);
}

/* Whether the condition holds with the searched key at v: for every RT task (each has a deadline)
 * that released jobs.  A task without jobs (a low rate over a short duration, say) has neither a miss
 * rate nor a p99, and nothing that could fail: it is no evidence either way. */
static gboolean
holds (Search *s, double v, gboolean *ok)
{
  const TsSweep *sw = s->sw;
  g_autofree char *lit = float_literal (v);
  g_autofree TsOverride *ov = fixed_overrides (sw, 1);
  ov[sw->fixed->len] = (TsOverride) { sw->search.key, lit, sw->search.name };
  g_autoptr (TsScenario) scn = ts_scenario_load_with (sw->scenario, ov, &s->error);
  g_autoptr (TsRunResult) res = scn ? ts_run (scn, s->policy, &s->error) : NULL;
  s->evaluations++;
  search_progress (s->all, 1, 0);
  if (res == NULL)
    {
      *ok = FALSE;
      return FALSE;
    }
  g_autofree TsStats *stats = g_new (TsStats, scn->n_tasks);
  ts_stats_tasks (scn, res, stats);
  for (guint t = 0; t < scn->n_tasks; t++)
    {
      const TsStats st = stats[t];
      if (scn->tasks[t].cls != TS_CLASS_RT || !res->task_ran[t] || st.jobs == 0)
        continue;
      gboolean good = sw->search.dmr ? st.dmr <= sw->search.max_dmr
                                     : st.n_lat == st.jobs && st.lat_p99_ms <= ts_time_to_ms (scn->tasks[t].deadline);
      if (!good)
        return FALSE;
    }
  return TRUE;
}

static void
search_bracket (Search *s)
{
  const TsSweep *sw = s->sw;
  gboolean ok = TRUE;
  /* "good" is the end where the condition should hold: low for largest, high for smallest */
  double good = sw->search.smallest ? sw->search.high : sw->search.low;
  double bad = sw->search.smallest ? sw->search.low : sw->search.high;
  if (!holds (s, good, &ok))
    {
      s->status = ok ? "never" : "error", s->result = NAN, s->fails_at = good;
      return;
    }
  for (guint widen = 0; ok && holds (s, bad, &ok); widen++)
    {
      if (widen == 8)
        {
          s->status = "beyond", s->result = bad, s->fails_at = NAN;
          return;
        }
      good = bad;
      bad = sw->search.smallest ? bad / 2 : bad * 2;   /* assumes values of one sign */
    }
  /* bounded, and ended once the interval stops shrinking: below the spacing of doubles at the
   * answer, mid is good or bad itself and the width never reaches a smaller tolerance */
  for (guint step = 0; ok && fabs (bad - good) > sw->search.tolerance && step < TS_SWEEP_MAX_SEARCH_STEPS; step++)
    {
      double mid = good + (bad - good) / 2;
      if (mid == good || mid == bad || !isfinite (mid))
        break;
      if (holds (s, mid, &ok))
        good = mid;
      else
        bad = mid;
    }
  s->status = ok ? "ok" : "error", s->result = good, s->fails_at = bad;
}

static void
search_policy (gpointer data, gpointer user)
{
  (void) user;
  Search *s = data;
  search_bracket (s);
  search_progress (s->all, 0, 1);
}

/* A number of search.csv's table on stdout, or "-" where there is none. */
static void
print_value (double v)
{
  if (isnan (v))
    printf (" %12s", "-");
  else
    printf (" %12.4f", v);
}

gboolean
ts_sweep_search (const TsSweep *sw, const char *dir, guint jobs, gboolean progress, GError **error)
{
  if (!sw->search.present)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_USAGE, "%s has no search group", sw->path);
      return FALSE;
    }
  /* the policies are the base scenario's as the sweep file's fixed settings leave them */
  g_autofree TsOverride *fixed = fixed_overrides (sw, 0);
  g_autoptr (TsScenario) base = ts_scenario_load_with (sw->scenario, fixed, error);
  if (base == NULL)
    return FALSE;
  gboolean any_rt = FALSE;
  for (guint t = 0; t < base->n_tasks; t++)
    any_rt |= base->tasks[t].cls == TS_CLASS_RT;
  if (!any_rt)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s:%d: the search's condition is about RT tasks' deadlines, "
                   "and %s has no RT task", sw->path, sw->search.line, sw->scenario);
      return FALSE;
    }
  if (g_mkdir_with_parents (dir, 0777) != 0)
    {
      int e = errno;
      g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot create %s: %s", dir, g_strerror (e));
      return FALSE;
    }
  guint n = g_strv_length (base->policies);
  g_autofree Search *searches = g_new0 (Search, n);
  SearchAll all = { { 0 }, 0, 0, n, progress, g_get_monotonic_time () };
  g_mutex_init (&all.lock);
  GThreadPool *pool = g_thread_pool_new (search_policy, NULL, (int) MIN (jobs, n), TRUE, NULL);
  for (guint p = 0; p < n; p++)
    {
      searches[p] = (Search) { sw, ts_policy_lookup (base->policies[p], NULL), NAN, NAN, 0, "error", NULL, &all };
      g_thread_pool_push (pool, &searches[p], NULL);
    }
  g_thread_pool_free (pool, FALSE, TRUE);
  g_mutex_clear (&all.lock);
  if (progress)
    fprintf (stderr, "\r\033[K");
  for (guint p = 0; p < n; p++)
    if (searches[p].error != NULL)
      {
        g_propagate_prefixed_error (error, searches[p].error, "policy %s: ", searches[p].policy->name);
        for (guint q = p + 1; q < n; q++)
          g_clear_error (&searches[q].error);
        return FALSE;
      }
  g_autoptr (GString) csv = g_string_new ("policy,name,direction,condition,value,fails_at,tolerance,evaluations,status\n");
  g_autofree char *cond = sw->search.dmr ? g_strdup_printf ("dmr<=%g", sw->search.max_dmr) : g_strdup ("p99<=deadline");
  printf ("%s: per policy, the %s %s for which %s (over RT tasks with jobs)\n",
          sw->path, sw->search.smallest ? "smallest" : "largest", sw->search.name, cond);
  printf ("%-14s %12s %12s %6s  %s\n", "policy", "holds_at", "fails_at", "runs", "status");
  for (guint p = 0; p < n; p++)
    {
      const Search *s = &searches[p];
      ts_csv_append (csv, s->policy->name);
      ts_csv_append_next (csv, sw->search.name);
      ts_csv_append_next (csv, sw->search.smallest ? "smallest" : "largest");
      ts_csv_append_next (csv, cond);
      g_string_append_c (csv, ',');
      isnan (s->result) ? (void) 0 : (void) g_string_append_printf (csv, "%.6f", s->result);
      g_string_append_c (csv, ',');
      isnan (s->fails_at) ? (void) 0 : (void) g_string_append_printf (csv, "%.6f", s->fails_at);
      g_string_append_printf (csv, ",%g,%u,%s\n", sw->search.tolerance, s->evaluations, s->status);
      printf ("%-14s", s->policy->name);
      print_value (s->result);
      print_value (s->fails_at);
      printf (" %6u  %s\n", s->evaluations, s->status);
    }
  g_autofree char *file = g_build_filename (dir, "search.csv", NULL);
  return ts_output_write (file, csv->str, csv->len, error);
}
