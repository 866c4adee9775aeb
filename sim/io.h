/* tiersim — text in and out: reading an input file, writing an output file, and quoting text
 * for each language tiersim writes.
 *
 * Every input goes through ts_input_read and every output through ts_output_write, so that the
 * rules (regular files only, a size limit, atomic replacement) hold everywhere.  Every piece of
 * user text (names, paths, labels) that reaches a CSV, JSON, libconfig or gnuplot file goes
 * through the ts_quote_* function of that language, so that it reads back as itself and can never
 * end the string it sits in. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ---- files */

/* Largest input file (scenario, model, profile, sweep, @include) the loaders read. */
#define TS_INPUT_MAX_BYTES (16u << 20)

/* Reads the input file at path whole, NUL-terminated, into *text (g_free it) and its length into
 * *len (either may be NULL: then it only checks).  Refuses, with a message naming the path, what
 * is not a regular file (a FIFO, device, folder or socket: opened without blocking and never read)
 * and files over TS_INPUT_MAX_BYTES.  Errors: TS_ERROR_NOT_FOUND when path does not exist,
 * otherwise TS_ERROR_INPUT. */
gboolean ts_input_read (const char *path, char **text, gsize *len, GError **error);

/* Writes len bytes of data as the regular file path, atomically (a temporary file renamed into
 * place: a reader never sees a partial file), with the umask's permissions.  An existing path that
 * is not a regular file (a device, FIFO, folder or symbolic link) is never replaced: that is an
 * error (TS_ERROR_USAGE, as ts_output_check says); any failure to write is TS_ERROR_IO, with its
 * reason. */
gboolean ts_output_write (const char *path, const char *data, gsize len, GError **error);

/* Whether path may be written as an output: absent, or a regular file (else TS_ERROR_USAGE,
 * the message ts_output_write gives), so that a command can refuse it before a long run. */
gboolean ts_output_check (const char *path, GError **error);

/* Creates folder path and its parents (as mkdir -p); TS_ERROR_IO "cannot create PATH: reason"
 * on failure. */
gboolean ts_output_mkdir (const char *path, GError **error);

/* Creates an empty folder beside path, named path.tmp- and a unique suffix, for a folder of
 * outputs to be filled and then renamed to path in one step (readers see all of it or none);
 * returns its name (to free), or NULL with TS_ERROR_IO "cannot create ...: reason".  It has the
 * umask's permissions, like every other output, not a temporary folder's private 0700, so that
 * collaborators on a shared file system can read the results. */
char *ts_output_mkdtemp_beside (const char *path, GError **error);

/* ---- quoting: text in the form each language reads back as that text */

/* An RFC 4180 CSV field: as it is unless it holds a comma, a double quote, a CR or a LF; then in
 * double quotes with each double quote doubled (so ordinary names and numbers stay unquoted). */
void ts_quote_csv (GString *out, const char *field);

/* A JSON string: in double quotes, with " and \ escaped and control bytes as \u00XX. */
void ts_quote_json (GString *out, const char *text);

/* A libconfig string literal (text NULL: ""): quotes, backslashes and control bytes escaped. */
void ts_quote_cfg (GString *out, const char *text);

/* A gnuplot single-quoted string literal (to free): every ' doubled (the only escape such a
 * string has: no backslash processing), control characters (a newline would end the command)
 * turned into spaces.  Every name or other text from the user that a script shows goes through
 * this, so that no name can end the string and run a command. */
char *ts_quote_gnuplot (const char *text);

/* One column of a whitespace-separated gnuplot .dat file: as it is if it is a plain word, else in
 * double quotes (gnuplot's quoting of a data column, which has no escape), with double quotes
 * turned into single ones and control characters into spaces.  A backslash makes a word not
 * plain: gnuplot joins a data line that ends in one with the next. */
void ts_quote_gnuplot_column (GString *out, const char *text);

G_END_DECLS
