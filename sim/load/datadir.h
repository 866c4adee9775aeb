/* tiersim — where shipped scenarios, models and profiles are found.
 *
 * A bare name ("mi50", "disb-a") is searched, in order: beside the referring file (its folder, or
 * its models/ or profiles/ subfolder), in the data directory, then among the files compiled into
 * the binary (the embedded default scenario and what it needs).  A name containing '/' or ending
 * in ".cfg" is a path, relative to the referring file's folder.
 *
 * The data directory is $TIERSIM_DATADIR if set; the source tree when the binary runs from its
 * build tree; otherwise the installed $(pkgdatadir). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  TS_DATA_SCENARIO,
  TS_DATA_MODEL,
  TS_DATA_PROFILE,
} TsDataKind;

/* Folder prefix of built-in files in labels and ref_dir ("(built-in)/scenarios"). */
#define TS_BUILTIN_PREFIX "(built-in)"

/* The name of the input file at path, as provenance tables and messages key it: a built-in label
 * as it is, a file path made absolute and canonical (without "." and ".." parts). */
char *ts_data_key (const char *path);

/* Whether a name on the command line or in a file is a path (it holds a '/' or ends in .cfg)
 * rather than the name of a shipped scenario, model, profile or sweep. */
gboolean ts_data_is_path (const char *name);

/* The data directory in use. */
const char *ts_data_dir (void);

/* Finds `name` of `kind` referred to from a file in ref_dir (NULL: the current directory).
 * On success sets *path (a file path, or a built-in label) and, for a built-in file, *contents.
 * On failure returns FALSE with a TS_ERROR_NOT_FOUND error naming the places looked at. */
gboolean ts_data_find (TsDataKind kind, const char *name, const char *ref_dir,
                       char **path, GBytes **contents, GError **error);

/* Sorted names of the data directory's files of a kind, built-in ones included. */
GStrv ts_data_list (TsDataKind kind);

/* The file an `@include "name"` line names, resolved against dir (absolute names as they are),
 * or NULL when line is not such a line (leading blanks allowed; a line without both quotes is
 * left to libconfig to report); *written (if not NULL) receives the name as written.  The
 * loaders and provenance share this rule. */
char *ts_include_target (const char *line, const char *dir, char **written);

/* Path, label and contents of the embedded default scenario. */
GBytes *ts_data_default_scenario (char **label);

G_END_DECLS
