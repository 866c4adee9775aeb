/* tiersim check: validate scenarios without running them. */
#include "config.h"

#include <stdio.h>

#include "sim/cli/cmd.h"
#include "sim/load/durations.h"
#include "sim/scenario.h"
#include "sim/load/load.h"

static gboolean
check_main (const TsCommand *cmd, int argc, char **argv, GError **error)
{
  g_autofree char *profile = NULL;
  const GOptionEntry entries[] = { TS_PROFILE_ENTRY (&profile), { 0 } };
  if (!ts_cmd_parse (cmd, entries, &argc, &argv, error))
    return FALSE;
  if (argc < 2)
    return ts_cmd_usage (error, "name at least one scenario");
  g_autofree char *profile_value = profile != NULL ? ts_cmd_profile_literal (profile) : NULL;
  const TsOverride overrides[] = { { profile != NULL ? "profile" : NULL, profile_value, "--profile" }, { NULL } };
  /* Every file is checked; their errors are reported together, as one. */
  g_autoptr (GString) failed = g_string_new (NULL);
  int status = TS_EXIT_OK;
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GError) bad = NULL;
      g_autoptr (TsScenario) scn = ts_scenario_load_with (argv[i], overrides, &bad);
      if (scn == NULL)
        {
          g_string_append_printf (failed, "%s%s", failed->len > 0 ? "\n" : "", bad->message);
          int rc = ts_cmd_exit_status (bad);  /* not inside MAX, which evaluates twice */
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
  if (failed->len > 0)
    {
      g_set_error_literal (error, TS_ERROR, status == TS_EXIT_USAGE ? TS_ERROR_INPUT : TS_ERROR_RUN, failed->str);
      return FALSE;
    }
  return TRUE;
}

const TsCommand ts_command_check = {
  .name = "check",
  .params = "SCENARIO...",
  .summary = "validate scenario files without running them",
  .help =
    "Loads each SCENARIO (a path or a shipped scenario's name) with its models and profile and\n"
    "reports every problem as FILE:LINE: message, or its utilisation and where each model's\n"
    "durations come from.  Exit status 0 if all are valid, 2 otherwise.",
  .fn = check_main,
};
