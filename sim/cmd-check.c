/* tiersim check: validate scenarios without running them. */
#include "config.h"

#include <stdio.h>

#include "cmd.h"
#include "durations.h"
#include "scenario.h"

int
ts_cmd_check (int argc, char **argv)
{
  g_autofree char *profile = NULL;
  const GOptionEntry entries[] = { TS_PROFILE_ENTRY (&profile), { 0 } };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("SCENARIO...");
  g_option_context_set_summary (ctx,
    "Loads each SCENARIO (a path or a shipped scenario's name) with its models and profile and\n"
    "reports every problem as FILE:LINE: message, or its utilisation and where each model's\n"
    "durations come from.  Exit status 0 if all are valid, 2 otherwise.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!ts_cmd_parse (ctx, "check", &argc, &argv))
    return TS_EXIT_USAGE;
  if (argc < 2)
    {
      fprintf (stderr, "tiersim check: name at least one scenario\nTry 'tiersim check --help'.\n");
      return TS_EXIT_USAGE;
    }
  g_autofree char *profile_value = profile != NULL ? ts_cmd_profile_literal (profile) : NULL;
  const TsOverride overrides[] = { { profile != NULL ? "profile" : NULL, profile_value, "--profile" }, { NULL } };
  int status = TS_EXIT_OK;
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (TsScenario) scn = ts_scenario_load_with (argv[i], overrides, &error);
      if (scn == NULL)
        {
          int rc = ts_cmd_fail ("check", error);  /* not inside MAX, which evaluates twice */
          status = MAX (status, rc);
          continue;
        }
      g_autofree char *pols = g_strjoinv (", ", scn->policies);
      printf ("%s: ok: %u task%s, profile %s, policies %s\n", scn->path, scn->n_tasks,
              scn->n_tasks == 1 ? "" : "s", scn->profile->name, pols);
      printf ("  utilisation (solo / period, periodic and Poisson tasks): RT %.3f (%.3f at the "
              "lowest exits), BE %.3f\n", ts_scenario_utilisation (scn, TS_CLASS_RT, FALSE),
              ts_scenario_utilisation (scn, TS_CLASS_RT, TRUE), ts_scenario_utilisation (scn, TS_CLASS_BE, FALSE));
      if (scn->profile->host.present)
        printf ("  host utilisation (CPU per job / period / %u cores; a sync per chunk): RT %.3f, BE %.3f\n",
                scn->profile->host.cores, ts_scenario_host_utilisation (scn, TS_CLASS_RT),
                ts_scenario_host_utilisation (scn, TS_CLASS_BE));
      for (guint m = 0; m < scn->models->len; m++)
        {
          const TsModel *model = scn->models->pdata[m];
          g_autofree char *how = ts_model_durations_describe (model, scn->profile);
          printf ("  model %s: solo %.3f ms, durations %s\n", model->name, ts_time_to_ms (model->solo), how);
        }
    }
  return status;
}
