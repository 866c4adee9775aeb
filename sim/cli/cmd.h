/* tiersim — the subcommands (one file each: cmd-<name>.c) and what they share. */
#pragma once

#include "sim/scenario.h"

G_BEGIN_DECLS

/* Exit statuses (DESIGN §4). */
enum { TS_EXIT_OK = 0, TS_EXIT_FAILED = 1, TS_EXIT_USAGE = 2 };

/* A subcommand, declared at the end of its file (cmd-<name>.c) and listed in main.c's table. */
typedef struct _TsCommand TsCommand;
struct _TsCommand {
  const char *name;
  const char *params;     /* the parameter string of its usage line, or NULL */
  const char *summary;    /* one line, for 'tiersim --help' */
  const char *help;       /* what it does, for its --help */
  const char *epilogue;   /* after the options in its --help, or NULL */
  /* cmd is this declaration (for ts_cmd_parse); argv[0] is the command's name.  FALSE with error
   * set: main prints the error, adds the --help hint to a usage error and exits with the status
   * the error's code calls for. */
  gboolean (*fn) (const TsCommand *cmd, int argc, char **argv, GError **error);
};


/* Parses cmd's options (entries: { 0 }-terminated, or NULL for none) out of argv, with cmd's
 * usage line, help and epilogue for --help.  A bad option is a usage error. */
gboolean ts_cmd_parse (const TsCommand *cmd, const GOptionEntry *entries, int *argc, char ***argv, GError **error);

/* Sets a usage error (TS_ERROR_USAGE) and returns FALSE. */
gboolean ts_cmd_usage (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

/* The exit status an error calls for: 2 for bad input or usage, 1 otherwise. */
int ts_cmd_exit_status (const GError *error);

/* Applies run's and validate's overrides to a loaded scenario: policies (NULL: keep the
 * scenario's), seed (NULL: keep), duration in seconds as given on the command line (NULL: keep;
 * nan, inf and anything outside (0, 1e6] are refused).  Errors are TS_ERROR_USAGE. */
gboolean ts_cmd_apply_overrides (TsScenario *scn, char **policies, const char *seed, const char *duration,
                                 GError **error);

/* The command line as given ("tiersim", then the command's argv), for run.json (NULL-terminated). */
GStrv ts_cmd_line (int argc, char **argv);

/* The scenario override value for --profile NAME|FILE: a libconfig string literal of the name, or
 * of the file's absolute path (a name with '/' or ending in .cfg, as sim/load/datadir.h reads names). */
char *ts_cmd_profile_literal (const char *profile);

/* The --profile option's entry, shared by the commands that load scenarios. */
#define TS_PROFILE_ENTRY(target) \
  { "profile", 0, 0, G_OPTION_ARG_FILENAME, (target), \
    "Run on this GPU profile (a name, see 'tiersim list profiles', or a file) instead of the " \
    "scenario's; the models' durations follow it (measured, scaled or predicted: see the header)", \
    "NAME|FILE" }

G_END_DECLS
