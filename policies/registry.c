#include "config.h"

#include "policies/policy.h"

static const TsPolicyClass *const registry[] = {
  &ts_policy_rt_only,
  &ts_policy_rt_only_serial,
  &ts_policy_seq,
  &ts_policy_streams,
  &ts_policy_streams_prio,
  &ts_policy_wait,
  &ts_policy_reset,
  &ts_policy_reef,
  &ts_policy_reef_n,
  &ts_policy_pantheon,
  &ts_policy_pantheon_np,
  &ts_policy_pantheon_ne,
  &ts_policy_edf,
  &ts_policy_rms,
  &ts_policy_dms,
  &ts_policy_rt_mdl,
  &ts_policy_gpu_only,
  &ts_policy_round_robin,
  &ts_policy_priority_score,
  &ts_policy_priority_score_itf,
  NULL,
};

const TsPolicyClass *const *
ts_policy_all (void)
{
  return registry;
}

const TsPolicyClass *
ts_policy_lookup (const char *name, GError **error)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  for (guint i = 0; registry[i]; i++)
    {
      if (g_strcmp0 (registry[i]->name, name) == 0)
        return registry[i];
      g_ptr_array_add (names, (gpointer) registry[i]->name);
    }
  g_ptr_array_add (names, NULL);
  const char *best = ts_nearest_name (name, (const char *const *) names->pdata);
  if (best != NULL)
    g_set_error (error, TS_ERROR, TS_ERROR_NOT_FOUND, "unknown policy '%s'; did you mean '%s'?", name, best);
  else
    g_set_error (error, TS_ERROR, TS_ERROR_NOT_FOUND, "unknown policy '%s' (see 'tiersim list policies')", name);
  return NULL;
}

const TsPolicyParam *
ts_policy_param (const TsPolicyClass *cls, const char *name)
{
  for (const TsPolicyParam *p = cls->params; p != NULL && p->name != NULL; p++)
    if (g_strcmp0 (p->name, name) == 0)
      return p;
  return NULL;
}
