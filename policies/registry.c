#include "config.h"

#include "policies/registry.h"

/* The families, one file each: a NULL-terminated list of classes. */
extern const TsPolicyClass *const ts_streams_family[];
extern const TsPolicyClass *const ts_seq_family[];
extern const TsPolicyClass *const ts_reef_family[];
extern const TsPolicyClass *const ts_rtsched_family[];
extern const TsPolicyClass *const ts_rt_mdl_family[];
extern const TsPolicyClass *const ts_app_family[];
extern const TsPolicyClass *const ts_hetero_family[];

static const TsPolicyClass *const *const families[] = {
  ts_streams_family, ts_seq_family, ts_reef_family, ts_rtsched_family, ts_rt_mdl_family,
  ts_app_family, ts_hetero_family,
};

const TsPolicyClass *const *
ts_policy_all (void)
{
  /* Built once from the families: adding a variant touches its family's file only. */
  static gsize ready;
  static const TsPolicyClass **all;
  if (g_once_init_enter (&ready))
    {
      GPtrArray *a = g_ptr_array_new ();
      for (guint f = 0; f < G_N_ELEMENTS (families); f++)
        for (guint i = 0; families[f][i] != NULL; i++)
          g_ptr_array_add (a, (gpointer) families[f][i]);
      g_ptr_array_add (a, NULL);
      all = (const TsPolicyClass **) g_ptr_array_free (a, FALSE);
      g_once_init_leave (&ready, 1);
    }
  return all;
}

const TsPolicyClass *
ts_policy_lookup (const char *name, GError **error)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  const TsPolicyClass *const *all = ts_policy_all ();
  for (guint i = 0; all[i]; i++)
    {
      if (g_strcmp0 (all[i]->name, name) == 0)
        return all[i];
      g_ptr_array_add (names, (gpointer) all[i]->name);
    }
  g_ptr_array_add (names, NULL);
  const char *best = ts_nearest_name (name, (const char *const *) names->pdata);
  if (best != NULL)
    g_set_error (error, TS_ERROR, TS_ERROR_NOT_FOUND, "unknown policy '%s'; did you mean '%s'?", name, best);
  else
    g_set_error (error, TS_ERROR, TS_ERROR_NOT_FOUND, "unknown policy '%s' (see 'tiersim list policies')", name);
  return NULL;
}
