/* tiersim — the subcommands (one file each: cmd-<name>.c) and what they share. */
#pragma once

#include "scenario.h"

G_BEGIN_DECLS

/* Exit statuses (DESIGN §4). */
enum { TS_EXIT_OK = 0, TS_EXIT_FAILED = 1, TS_EXIT_USAGE = 2 };

/* A subcommand: argv[0] is its name; returns the exit status. */
typedef int (*TsCommandFn) (int argc, char **argv);

int ts_cmd_run (int argc, char **argv);
int ts_cmd_check (int argc, char **argv);
int ts_cmd_list (int argc, char **argv);
int ts_cmd_version (int argc, char **argv);
int ts_cmd_sweep (int argc, char **argv);
int ts_cmd_merge (int argc, char **argv);
int ts_cmd_plot (int argc, char **argv);
int ts_cmd_calibrate (int argc, char **argv);
int ts_cmd_validate (int argc, char **argv);
int ts_cmd_adapt (int argc, char **argv);

/* Parses a subcommand's options; on a usage error prints it with a --help hint and returns FALSE. */
gboolean ts_cmd_parse (GOptionContext *ctx, const char *cmd, int *argc, char ***argv);

/* Prints error (each line of it) to stderr and returns the exit status its code calls for:
 * 2 for bad input or usage, 1 otherwise. */
int ts_cmd_fail (const char *cmd, const GError *error);

/* Applies run's and validate's overrides to a loaded scenario: policies (NULL: keep the
 * scenario's), seed (NULL: keep), duration in seconds as given on the command line (NULL: keep;
 * nan, inf and anything outside (0, 1e6] are refused).  Errors are TS_ERROR_USAGE. */
gboolean ts_cmd_apply_overrides (TsScenario *scn, char **policies, const char *seed, const char *duration,
                                 GError **error);

/* The scenario override value for --profile NAME|FILE: a libconfig string literal of the name, or
 * of the file's absolute path (a name with '/' or ending in .cfg, as datadir.h reads names). */
char *ts_cmd_profile_literal (const char *profile);

/* The --profile option's entry, shared by the commands that load scenarios. */
#define TS_PROFILE_ENTRY(target) \
  { "profile", 0, 0, G_OPTION_ARG_FILENAME, (target), \
    "Run on this GPU profile (a name, see 'tiersim list profiles', or a file) instead of the " \
    "scenario's; the models' durations follow it (measured, scaled or predicted: see the header)", \
    "NAME|FILE" }

G_END_DECLS
