/* tiersim check: validate scenarios without running them. */
#include "config.h"

#include <stdio.h>

#include "cmd.h"
#include "scenario.h"

int
ts_cmd_check (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new ("SCENARIO...");
  g_option_context_set_summary (ctx,
    "Loads each SCENARIO (a path or a shipped scenario's name) with its models and profile and\n"
    "reports every problem as FILE:LINE: message.  Exit status 0 if all are valid, 2 otherwise.");
  if (!ts_cmd_parse (ctx, "check", &argc, &argv))
    return TS_EXIT_USAGE;
  if (argc < 2)
    {
      fprintf (stderr, "tiersim check: name at least one scenario\nTry 'tiersim check --help'.\n");
      return TS_EXIT_USAGE;
    }
  int status = TS_EXIT_OK;
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (TsScenario) scn = ts_scenario_load (argv[i], &error);
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
    }
  return status;
}
