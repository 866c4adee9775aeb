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

/* The data directory in use. */
const char *ts_data_dir (void);

/* Finds `name` of `kind` referred to from a file in ref_dir (NULL: the current directory).
 * On success sets *path (a file path, or a built-in label) and, for a built-in file, *contents.
 * On failure returns FALSE with a TS_ERROR_NOT_FOUND error naming the places looked at. */
gboolean ts_data_find (TsDataKind kind, const char *name, const char *ref_dir,
                       char **path, GBytes **contents, GError **error);

/* Sorted names of the data directory's files of a kind, built-in ones included. */
GStrv ts_data_list (TsDataKind kind);

/* Largest input file (scenario, model, profile, sweep, @include) the loaders read. */
#define TS_INPUT_MAX_BYTES (16u << 20)

/* Reads the input file at path whole, NUL-terminated, into *text (g_free it) and its length into
 * *len (either may be NULL: then it only checks).  Refuses, with a message naming the path, what
 * is not a regular file (a FIFO, device, folder or socket: opened without blocking and never read)
 * and files over TS_INPUT_MAX_BYTES.  Errors: TS_ERROR_NOT_FOUND when path does not exist,
 * otherwise TS_ERROR_INPUT. */
gboolean ts_input_read (const char *path, char **text, gsize *len, GError **error);

/* The file an `@include "name"` line names, resolved against dir (absolute names as they are),
 * or NULL when line is not such a line (leading blanks allowed; a line without both quotes is
 * left to libconfig to report); *written (if not NULL) receives the name as written.  The
 * loaders and provenance share this rule. */
char *ts_include_target (const char *line, const char *dir, char **written);

/* Writes len bytes of data as the regular file path, atomically (a temporary file renamed into
 * place: a reader never sees a partial file), with the umask's permissions.  An existing path that
 * is not a regular file (a device, FIFO, folder or symbolic link) is never replaced: that is an
 * error (TS_ERROR_IO), as is any failure to write, with its reason. */
gboolean ts_output_write (const char *path, const char *data, gsize len, GError **error);

/* Whether path may be written as an output: absent, or a regular file (else TS_ERROR_USAGE,
 * the message ts_output_write gives), so that a command can refuse it before a long run. */
gboolean ts_output_check (const char *path, GError **error);

/* Creates folder path and its parents (as mkdir -p); TS_ERROR_IO "cannot create PATH: reason"
 * on failure. */
gboolean ts_output_mkdir (const char *path, GError **error);

/* Path, label and contents of the embedded default scenario. */
GBytes *ts_data_default_scenario (char **label);

G_END_DECLS
