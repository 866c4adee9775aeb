/* tiersim — command entry: global options and the subcommand table. */
#include "config.h"

#include <locale.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/cli/cmd.h"
#include "policies/registry.h"
#include "sim/load/datadir.h"
#include "sim/load/load.h"
#include "sim/io.h"

/* The subcommands, in the order the global --help lists them; each is declared at the end of its
 * own file, so adding one touches that file, this table and Makefile.am. */
extern const TsCommand ts_command_run, ts_command_check, ts_command_sweep, ts_command_merge, ts_command_plot,
  ts_command_adapt, ts_command_validate, ts_command_calibrate, ts_command_list, ts_command_version;

static const TsCommand *const commands[] = {
  &ts_command_run, &ts_command_check, &ts_command_sweep, &ts_command_merge, &ts_command_plot,
  &ts_command_adapt, &ts_command_validate, &ts_command_calibrate, &ts_command_list, &ts_command_version,
};

GStrv
ts_cmd_line (int argc, char **argv)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_strv_builder_add (b, "tiersim");
  for (int i = 0; i < argc; i++)
    g_strv_builder_add (b, argv[i]);
  return g_strv_builder_end (b);
}

char *
ts_cmd_profile_literal (const char *profile)
{
  /* Paths on the command line are relative to the working folder, not to the scenario's. */
  g_autofree char *name = ts_data_is_path (profile) ? g_canonicalize_filename (profile, NULL) : g_strdup (profile);
  GString *s = g_string_new (NULL);
  ts_quote_cfg (s, name);
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
ts_cmd_parse (const TsCommand *cmd, const GOptionEntry *entries, int *argc, char ***argv, GError **error)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new (cmd->params);
  g_option_context_set_summary (ctx, cmd->help);
  if (cmd->epilogue != NULL)
    g_option_context_set_description (ctx, cmd->epilogue);
  if (entries != NULL)
    g_option_context_add_main_entries (ctx, entries, NULL);
  /* --help's usage line names the program and the command. */
  g_autofree char *prgname = g_strconcat ("tiersim ", cmd->name, NULL);
  g_set_prgname (prgname);
  if (g_option_context_parse (ctx, argc, argv, error))
    return TRUE;
  (*error)->domain = TS_ERROR, (*error)->code = TS_ERROR_USAGE;
  return FALSE;
}

gboolean
ts_cmd_usage (GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, TS_ERROR, TS_ERROR_USAGE, msg);
  return FALSE;
}

int
ts_cmd_exit_status (const GError *error)
{
  if (error->domain == TS_ERROR && (error->code == TS_ERROR_INPUT || error->code == TS_ERROR_USAGE
                                    || error->code == TS_ERROR_NOT_FOUND))
    return TS_EXIT_USAGE;
  return TS_EXIT_FAILED;
}

/* Prints a command's error: a usage error as "tiersim CMD: message" with the --help hint, any
 * other error as it is (its lines begin with file:line where there is one). */
static int
report (const char *cmd, const GError *error)
{
  gboolean usage = error->domain == TS_ERROR && error->code == TS_ERROR_USAGE;
  g_autofree char *prefix = g_strdup_printf ("tiersim%s%s: ", *cmd ? " " : "", cmd);
  /* Messages quote user text (file names, keys, values): control bytes in it must not reach
   * the terminal as escape sequences, so they are shown as \xNN. */
  g_auto (GStrv) lines = g_strsplit (error->message, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      if (usage && i == 0)
        fputs (prefix, stderr);
      for (const unsigned char *p = (const unsigned char *) lines[i]; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
          fprintf (stderr, "\\x%02x", *p);
        else
          fputc (*p, stderr);
      fputc ('\n', stderr);
    }
  if (usage)
    fprintf (stderr, "Try 'tiersim%s%s --help'.\n", *cmd ? " " : "", cmd);
  return ts_cmd_exit_status (error);
}

static char *
commands_help (void)
{
  GString *s = g_string_new ("Commands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (s, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
  g_string_append (s, "\n'tiersim COMMAND --help' describes a command.  Exit status: 0 ok, 1 a run failed,\n"
                      "2 bad usage or bad input.");
  return g_string_free (s, FALSE);
}

/* Parses the global options and runs the command argv names; *cmd becomes its name. */
static gboolean
dispatch (int argc, char **argv, const char **cmd, GError **error)
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
  g_set_prgname ("tiersim");
  if (!g_option_context_parse (ctx, &argc, &argv, error))
    {
      (*error)->domain = TS_ERROR, (*error)->code = TS_ERROR_USAGE;
      return FALSE;
    }
  if (version)
    {
      *cmd = ts_command_version.name;
      return ts_command_version.fn (&ts_command_version, 1, argv, error);
    }
  if (argc < 2)
    {
      g_autofree char *usage = g_option_context_get_help (ctx, TRUE, NULL);
      fputs (usage, stderr);
      return ts_cmd_usage (error, "name a command");
    }
  const char *names[G_N_ELEMENTS (commands) + 1];
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (strcmp (argv[1], commands[i]->name) == 0)
        {
          *cmd = commands[i]->name;
          return commands[i]->fn (commands[i], argc - 1, argv + 1, error);
        }
      names[i] = commands[i]->name;
    }
  names[G_N_ELEMENTS (commands)] = NULL;
  const char *near = ts_nearest_name (argv[1], names);
  return ts_cmd_usage (error, "unknown command '%s'%s%s%s", argv[1], near ? "; did you mean '" : "",
                       near ? near : "", near ? "'?" : "");
}

int
main (int argc, char **argv)
{
  /* the character set only, so that --help writes "OPTION…" on a UTF-8 terminal; numbers keep
   * the C locale's format (LC_NUMERIC), which every output file relies on */
  setlocale (LC_CTYPE, "");
  g_autoptr (GError) error = NULL;
  const char *cmd = "";
  if (dispatch (argc, argv, &cmd, &error))
    return TS_EXIT_OK;
  return report (cmd, error);
}
