/* tiersim — provenance: what a result was made from.
 *
 * Every `tiersim run -o DIR` writes DIR/run.json (the tiersim version, the command line, the seed,
 * the scenario's path, the SHA-256 of every file the run read and the resolved policies) and
 * DIR/scenario.cfg, a copy of the scenario file.  A sweep's manifest.json records the same
 * hashes over every point, so that --resume and merge refuse to mix points made from different
 * inputs.  "Inputs" below is a table from a file's path (absolute, or a built-in label such as
 * "(built-in)/scenarios/demo.cfg") to the lowercase hex SHA-256 of its contents. */
#pragma once

#include <json-glib/json-glib.h>

#include "sim/scenario.h"

G_BEGIN_DECLS

/* s as a JSON string can hold it (to free): valid UTF-8 as it is; otherwise every byte that is
 * not part of a valid UTF-8 sequence written as the four characters \xNN.  A path is any bytes
 * but JSON text is UTF-8: json-glib writes other bytes as they are, and then neither it nor any
 * other parser reads the file back.  Every path and argument run.json or a manifest records
 * goes through this. */
char *ts_provenance_text (const char *s);

/* A new, empty inputs table (path -> SHA-256; both strings owned by the table). */
GHashTable *ts_provenance_inputs_new (void);

/* Reads an input file whole: a file path (through ts_input_read, so bounded and regular only)
 * or a built-in label (from the resources compiled into the binary).  *len may be NULL. */
gboolean ts_provenance_read (const char *path, char **text, gsize *len, GError **error);

/* Adds to inputs every file scn was loaded from: the scenario file, the files it @includes
 * (recursively, resolved as the loader does: relative to the scenario's folder), each model's
 * file and the profile's file, each with its SHA-256.  Paths are made absolute, so that the
 * same file has the same key from any working directory. */
gboolean ts_provenance_add_scenario (GHashTable *inputs, const TsScenario *scn, GError **error);

/* Adds one file (path or built-in label) and its @includes to inputs. */
gboolean ts_provenance_add_file (GHashTable *inputs, const char *path, GError **error);


/* The inputs as a JSON object, members sorted by path (each through ts_provenance_text). */
JsonNode *ts_provenance_inputs_to_json (GHashTable *inputs);

/* Reads an inputs table back from a JSON object written by ts_provenance_inputs_to_json; NULL
 * if node is not an object of strings. */
GHashTable *ts_provenance_inputs_from_json (JsonNode *node);

/* NULL when before and now name the same contents (paths compared as ts_provenance_text writes
 * them, so that a table read back from JSON compares with one just collected); otherwise a message naming what changed,
 * one "; "-separated item per file: "PATH changed", "PATH is no longer read", "PATH is new".
 * A file found under another path with the same SHA-256 (a folder moved, another machine) is
 * not a change. */
char *ts_provenance_diff (GHashTable *before, GHashTable *now);

/* Writes dir/run.json and dir/scenario.cfg (each atomically) for a run of scn: argv is the
 * command line as given (NULL: not recorded), inputs what the run read (NULL: collected from
 * scn with ts_provenance_add_scenario). */
gboolean ts_provenance_write_run (const char *dir, char *const *argv, const TsScenario *scn,
                                  GHashTable *inputs, GError **error);

/* The same with extra members (extra: a JSON object, or NULL) after the others: a sweep's point
 * adds the sweep file, the point's number and the overrides that make it. */
gboolean ts_provenance_write_run_with (const char *dir, char *const *argv, const TsScenario *scn,
                                       GHashTable *inputs, JsonObject *extra, GError **error);

/* Serialises node as indented JSON text ending with a newline (g_free it). */
char *ts_provenance_json_text (JsonNode *node);

G_END_DECLS
