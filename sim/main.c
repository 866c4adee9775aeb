/* tiersim — command entry: global options and the subcommand table. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "cmd.h"
#include "policies/policy.h"

typedef struct {
  const char *name;
  TsCommandFn fn;
  const char *summary;
} TsCommand;

static const TsCommand commands[] = {
  { "run", ts_cmd_run, "simulate a scenario under one or more policies and report" },
  { "check", ts_cmd_check, "validate scenario files without running them" },
  { "sweep", ts_cmd_sweep, "run a grid of scenario points in parallel (resumable, shardable)" },
  { "merge", ts_cmd_merge, "join the results of a sweep's shards" },
  { "plot", ts_cmd_plot, "draw figures of a run's or a sweep's results with gnuplot" },
  { "validate", ts_cmd_validate, "run a scenario on a real GPU and on the simulator and compare (needs CUDA)" },
  { "calibrate", ts_cmd_calibrate, "measure an NVIDIA GPU and write a measured profile (needs CUDA)" },
  { "list", ts_cmd_list, "list shipped policies, scenarios, models or profiles" },
  { "version", ts_cmd_version, "print version and build information" },
};

char *
ts_cmd_profile_literal (const char *profile)
{
  /* Paths on the command line are relative to the working folder, not to the scenario's. */
  gboolean path = strchr (profile, '/') != NULL || g_str_has_suffix (profile, ".cfg");
  g_autofree char *name = path ? g_canonicalize_filename (profile, NULL) : g_strdup (profile);
  GString *s = g_string_new (NULL);
  ts_cfg_append_string (s, name);
  return g_string_free (s, FALSE);
}

gboolean
ts_cmd_apply_overrides (TsScenario *scn, char **policies, const char *seed, const char *duration, GError **error)
{
  if (policies != NULL)
    {
      for (guint i = 0; policies[i]; i++)
        {
          if (ts_policy_lookup (policies[i], error) == NULL)
            {
              (*error)->code = TS_ERROR_USAGE;
              return FALSE;
            }
          for (guint j = 0; j < i; j++)
            if (strcmp (policies[j], policies[i]) == 0)
              {
                g_set_error (error, TS_ERROR, TS_ERROR_USAGE, "-p %s is given twice", policies[i]);
                return FALSE;
              }
        }
      g_strfreev (scn->policies);
      scn->policies = g_strdupv (policies);
    }
  if (seed != NULL)
    {
      guint64 v;
      if (!g_ascii_string_to_unsigned (seed, 10, 0, G_MAXINT64, &v, NULL))
        {
          g_set_error (error, TS_ERROR, TS_ERROR_USAGE, "--seed: '%s' is not a non-negative integer", seed);
          return FALSE;
        }
      scn->seed = v;
    }
  if (duration != NULL)
    {
      /* Parsed here, not by GOption, so that nan and inf are refused rather than taken as numbers
       * (or, for nan, as "not given"). */
      char *end;
      double s = g_ascii_strtod (duration, &end);
      if (*duration == '\0' || *end != '\0' || !isfinite (s) || !(s > 0 && s <= 1e6))
        {
          g_set_error (error, TS_ERROR, TS_ERROR_USAGE, "--duration: '%s' is not a number of seconds in (0, 1e6]", duration);
          return FALSE;
        }
      scn->duration = ts_time_from_ms (s * 1000.0);
      if (!ts_scenario_check_size (scn, error))
        {
          (*error)->code = TS_ERROR_USAGE;
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
ts_cmd_parse (GOptionContext *ctx, const char *cmd, int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;
  /* --help's usage line names the program and the command. */
  g_autofree char *prgname = *cmd ? g_strconcat ("tiersim ", cmd, NULL) : g_strdup ("tiersim");
  g_set_prgname (prgname);
  if (g_option_context_parse (ctx, argc, argv, &error))
    return TRUE;
  fprintf (stderr, "tiersim %s: %s\nTry 'tiersim %s --help'.\n", cmd, error->message, cmd);
  return FALSE;
}

int
ts_cmd_fail (const char *cmd, const GError *error)
{
  /* Messages quote user text (file names, keys, values): control bytes in it must not reach
   * the terminal as escape sequences, so they are shown as \xNN. */
  g_auto (GStrv) lines = g_strsplit (error->message, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      for (const unsigned char *p = (const unsigned char *) lines[i]; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
          fprintf (stderr, "\\x%02x", *p);
        else
          fputc (*p, stderr);
      fputc ('\n', stderr);
    }
  if (error->domain == TS_ERROR && (error->code == TS_ERROR_INPUT || error->code == TS_ERROR_USAGE
                                    || error->code == TS_ERROR_NOT_FOUND))
    return TS_EXIT_USAGE;
  return TS_EXIT_FAILED;
}

static char *
commands_help (void)
{
  GString *s = g_string_new ("Commands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (s, "  %-10s %s\n", commands[i].name, commands[i].summary);
  g_string_append (s, "\n'tiersim COMMAND --help' describes a command.  Exit status: 0 ok, 1 a run failed,\n"
                      "2 bad usage or bad input.");
  return g_string_free (s, FALSE);
}

int
main (int argc, char **argv)
{
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { 0 },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("COMMAND [ARGS...]");
  g_option_context_set_summary (ctx, "Discrete-event simulator of concurrent DNN inference on one GPU.");
  g_autofree char *help = commands_help ();
  g_option_context_set_description (ctx, help);
  g_option_context_add_main_entries (ctx, entries, NULL);
  /* Options after the command name belong to the command. */
  g_option_context_set_strict_posix (ctx, TRUE);
  if (!ts_cmd_parse (ctx, "", &argc, &argv))
    return TS_EXIT_USAGE;
  if (version)
    return ts_cmd_version (1, argv);
  if (argc < 2)
    {
      g_autofree char *usage = g_option_context_get_help (ctx, TRUE, NULL);
      fputs (usage, stderr);
      return TS_EXIT_USAGE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].fn (argc - 1, argv + 1);

  const char *names[G_N_ELEMENTS (commands) + 1];
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    names[i] = commands[i].name;
  names[G_N_ELEMENTS (commands)] = NULL;
  const char *near = ts_nearest_name (argv[1], names);
  fprintf (stderr, "tiersim: unknown command '%s'%s%s%s\nTry 'tiersim --help'.\n", argv[1],
           near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
  return TS_EXIT_USAGE;
}
