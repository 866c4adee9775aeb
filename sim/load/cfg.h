/* tiersim — strict reading of libconfig files, shared by the scenario, model and profile loaders.
 *
 * Only loaders include this header: nothing else sees config_t.  Every problem found is recorded
 * as "file:line: message" in a TsDiag, and loading goes on where it can, so that one pass reports
 * every error in a file instead of the first one only. */
#pragma once

#include <libconfig.h>

#include "sim/base.h"

G_BEGIN_DECLS

/* Collected diagnostics of one load. */
typedef struct {
  GPtrArray *messages;  /* char*, "file:line: text" */
} TsDiag;

void ts_diag_init (TsDiag *diag);
void ts_diag_clear (TsDiag *diag);

/* Records "file:line: text"; line <= 0 omits the line. */
void ts_diag_add (TsDiag *diag, const char *file, int line, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

/* Records each line of error's message as it is (they already carry their file:line). */
void ts_diag_add_error (TsDiag *diag, const GError *error);

/* TRUE if nothing was recorded; otherwise sets a TS_ERROR_INPUT error with every message, one per
 * line, and returns FALSE. */
gboolean ts_diag_to_error (const TsDiag *diag, GError **error);

/* One parsed file.  `dir` is where relative references in it (models, profiles, includes) are
 * resolved; for a built-in file it is a resource path. */
typedef struct {
  config_t cfg;
  char *label;   /* the file's name in messages */
  char *dir;
  gboolean builtin;
  TsDiag *diag;
} TsCfgFile;

typedef void (*TsCfgParseFn) (TsCfgFile *file, gpointer target);

/* Parses the file at path (or, for built-in data, `contents`, with path as its label), applies
 * the overrides (NULL or ending with a NULL path; see TsOverride), and hands it to
 * parse(file, target), which reads it into target and records every problem.  Syntax errors,
 * @include cycles and missing include files are reported with their file:line; an override
 * whose path or value is wrong, with the override's own label.  Returns FALSE with all problems
 * in one TS_ERROR_INPUT error, one per line. */
gboolean ts_cfg_parse (const char *path, GBytes *contents, const TsOverride *overrides,
                       TsCfgParseFn parse, gpointer target, GError **error);

/* A libconfig literal for a scalar, array or list setting (the form overrides take). */
char *ts_cfg_setting_to_text (const config_setting_t *s);

/* Records an error located at setting s ("file:line: path: text"). */
void ts_cfg_error (TsCfgFile *file, const config_setting_t *s, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

/* Checks that every member of group is in the NULL-terminated allowed list; an unknown key is an
 * error naming the nearest allowed key.  Returns TRUE if all keys are known. */
gboolean ts_cfg_check_keys (TsCfgFile *file, const config_setting_t *group, const char *const *allowed);

/* Readers of one member of a group.  Each returns TRUE if the key is present and valid; a missing
 * key is an error only if `required`.  On FALSE, *out is left unchanged, so a caller may preset
 * the default. */
gboolean ts_cfg_string (TsCfgFile *file, const config_setting_t *group, const char *key,
                        gboolean required, const char **out);
/* A name (of a scenario, task, model, kernel or exit): a non-empty string of printable UTF-8, at
 * most TS_NAME_MAX bytes, without control characters.  Anything else printable is allowed; the
 * writers quote names for CSV, JSON and gnuplot. */
#define TS_NAME_MAX 200
gboolean ts_cfg_name (TsCfgFile *file, const config_setting_t *group, const char *key,
                      gboolean required, const char **out);
gboolean ts_cfg_int (TsCfgFile *file, const config_setting_t *group, const char *key,
                     gboolean required, gint64 min, gint64 max, gint64 *out);
/* A number: integer or float literal, within [min, max]. */
gboolean ts_cfg_number (TsCfgFile *file, const config_setting_t *group, const char *key,
                        gboolean required, double min, double max, double *out);
/* A string that must be one of names; *out receives its index. */
gboolean ts_cfg_enum (TsCfgFile *file, const config_setting_t *group, const char *key,
                      gboolean required, const char *const *names, int *out);
/* A member that must be a group (or, with list_ok, a list of groups). NULL if absent or wrong. */
const config_setting_t *ts_cfg_group (TsCfgFile *file, const config_setting_t *group,
                                      const char *key, gboolean required);
/* A member that must be a list or array; NULL if absent or wrong. */
const config_setting_t *ts_cfg_sequence (TsCfgFile *file, const config_setting_t *group,
                                         const char *key, gboolean required);

/* An occupancy curve: a list of 1 to 1024 one-wave latencies in us, at 1, 2, ... blocks per SM.
 * Returns it in ns (g_free it) with its length in *n, or NULL (*n = 0) when the key is absent
 * or wrong (then not required: recorded as an error). */
double *ts_cfg_occupancy_curve (TsCfgFile *file, const config_setting_t *group, const char *key,
                                gboolean required, guint *n);

/* Numeric value of a scalar setting (int, int64 or float); FALSE if s is not numeric. */
gboolean ts_cfg_setting_number (const config_setting_t *s, double *out);


G_END_DECLS
