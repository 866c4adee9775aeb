/* tiersim — reading a sweep file (see sweep-file.h). */
#include "config.h"

#include <string.h>

#include "sim/io.h"
#include "sim/load/cfg.h"
#include "sim/load/datadir.h"
#include "sim/load/sweep-file.h"

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
  a->file = ts_data_key (path);
}

static const char *const top_keys[] = { "scenario", "axes", "combine", "replicas", "search", "fixed", NULL };
static const char *const fixed_keys[] = { "key", "value", NULL };
static const char *const search_keys[] = { "name", "key", "low", "high", "tolerance", "direction", "condition",
                                           "max_dmr", NULL };
static const char *const direction_names[] = { "largest", "smallest", NULL };
static const char *const condition_names[] = { "p99", "dmr", NULL };
static const char *const axis_keys[] = { "name", "key", "values", "labels", NULL };
static const char *const combine_names[] = { "product", "zip", NULL };

typedef struct {
  TsSweep *sw;
  const char *reserved;   /* the caller's column names, comma-separated */
} Reading;

static void
parse_sweep (TsCfgFile *f, gpointer target)
{
  const Reading *rd = target;
  TsSweep *sw = rd->sw;
  const config_setting_t *root = config_root_setting (&f->cfg);
  const char *s;
  int e;
  ts_cfg_check_keys (f, root, top_keys);
  if (ts_cfg_string (f, root, "scenario", TRUE, &s))
    sw->scenario = ts_data_is_path (s) && !g_path_is_absolute (s)
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
      /* points.csv's own columns, and the other axes' */
      g_auto (GStrv) own = g_strsplit (rd->reserved, ",", -1);
      if (g_strv_contains ((const char *const *) own, a->name))
        ts_cfg_error (f, g, "axis name '%s' is one of points.csv's own columns (%s): choose another name",
                      a->name, rd->reserved);
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
ts_sweep_file_read (const char *path, const char *reserved, GError **error)
{
  g_autoptr (TsSweep) sw = g_new0 (TsSweep, 1);
  sw->path = g_strdup (path);
  sw->axes = g_ptr_array_new_with_free_func (axis_free);
  sw->fixed = g_ptr_array_new_with_free_func (axis_free);
  Reading rd = { sw, reserved };
  if (!ts_input_read (path, NULL, NULL, error) || !ts_cfg_parse (path, NULL, NULL, parse_sweep, &rd, error))
    return NULL;
  return g_steal_pointer (&sw);
}
