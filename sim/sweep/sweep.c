/* tiersim — a sweep's points: counting and validating them, their overrides and points.csv columns (sweep.h). */
#include "config.h"

#include "sim/out/csv.h"
#include "sim/out/provenance.h"
#include "sim/out/report.h"
#include "sim/load/datadir.h"
#include "sim/sweep/sweep.h"
#include "sim/load/load.h"

TsSweep *
ts_sweep_load (const char *path, GError **error)
{
  /* points.csv's own columns, those of summary.csv among them: a reader (tiersim plot too) would
   * take an axis of such a name for that column */
  g_autoptr (TsSweep) sw = ts_sweep_file_read (path, "point,replica,seed," TS_SUMMARY_COLUMNS ","
                                               TS_SUMMARY_EXTRA_COLUMNS, error);
  if (sw == NULL)
    return NULL;
  /* the sweep file and what it @includes: an included file edited between shards changes points too */
  sw->inputs = ts_provenance_inputs_new ();
  if (!ts_provenance_add_file (sw->inputs, path, error))
    return NULL;
  g_autofree char *key = ts_data_key (path);
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

TsOverride *
ts_sweep_fixed_overrides (const TsSweep *sw, guint extra)
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
  TsOverride *ov = ts_sweep_fixed_overrides (sw, sw->axes->len);
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
