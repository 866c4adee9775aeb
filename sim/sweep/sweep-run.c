/* tiersim — running a sweep's points (resumable, shardable), points.csv and merging shards (sweep.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sim/out/csv.h"
#include "policies/registry.h"
#include "sim/metrics.h"
#include "sim/out/provenance.h"
#include "sim/out/report.h"
#include "sim/load/datadir.h"
#include "sim/sweep/sweep.h"
#include "sim/io.h"

/* ---- running ---- */

static char *
point_dir (const char *dir, guint i)
{
  g_autofree char *name = g_strdup_printf ("%06u", i);
  return g_build_filename (dir, "points", name, NULL);
}

typedef struct {
  const TsSweep *sw;
  const char *dir;
  char *const *argv;
  GMutex lock;
  GCond cond;
  guint finished;
  GError *error;         /* the first failure; later points are skipped */
} Ctx;

/* What point i (scenario scn) reads: the sweep file and the scenario's files, each checked
 * against the SHA-256 the manifest recorded when the sweep was loaded, so that a file edited
 * while the sweep runs fails the point rather than mixing two versions of it in one folder. */
static GHashTable *
point_inputs (const TsSweep *sw, const TsScenario *scn, GError **error)
{
  g_autoptr (GHashTable) in = ts_provenance_inputs_new ();
  if (!ts_provenance_add_file (in, sw->path, error) || !ts_provenance_add_scenario (in, scn, error))
    return NULL;
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, in);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      const char *was = g_hash_table_lookup (sw->inputs, k);
      if (was == NULL || strcmp (was, v) != 0)
        {
          g_autofree char *name = ts_provenance_text (k);
          g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s %s since the sweep was loaded: its points would "
                       "mix two versions of it; run the sweep again into another -o", name,
                       was == NULL ? "is read now but was not" : "has changed");
          return NULL;
        }
    }
  return g_steal_pointer (&in);
}

/* The members a point adds to its run.json (see ts_sweep_run). */
static JsonObject *
point_provenance (const TsSweep *sw, guint i, const TsScenario *scn)
{
  guint replica;
  g_autofree TsOverride *ov = ts_sweep_point_overrides (sw, i, &replica);
  g_autofree char *sweep_key = ts_data_key (sw->path);
  g_autofree char *sweep_text = ts_provenance_text (sweep_key);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sweep");
  json_builder_add_string_value (b, sweep_text);
  json_builder_set_member_name (b, "sweep_sha256");
  json_builder_add_string_value (b, sw->hash);
  json_builder_set_member_name (b, "point");
  json_builder_add_int_value (b, i);
  json_builder_set_member_name (b, "replica");
  json_builder_add_int_value (b, replica);
  /* the base scenario as the sweep names it: a shipped name stays a name */
  g_autofree char *scn_arg = ts_data_is_path (sw->scenario) ? g_canonicalize_filename (sw->scenario, NULL) : g_strdup (sw->scenario);
  g_autoptr (GStrvBuilder) rerun = g_strv_builder_new ();
  g_strv_builder_add_many (rerun, "tiersim", "run", scn_arg, NULL);
  json_builder_set_member_name (b, "overrides");
  json_builder_begin_array (b);
  for (guint k = 0; ov[k].path != NULL; k++)
    {
      /* the overrides are the fixed settings, then the axes (ts_sweep_point_overrides) */
      const TsAxis *from = k < sw->fixed->len ? sw->fixed->pdata[k] : sw->axes->pdata[k - sw->fixed->len];
      g_autofree char *key = ts_provenance_text (ov[k].path), *value = ts_provenance_text (ov[k].value);
      g_autofree char *file = ts_provenance_text (from->file);
      g_autofree char *where = g_strdup_printf ("%s:%d", file, from->line);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, key);
      json_builder_set_member_name (b, "value");
      json_builder_add_string_value (b, value);
      json_builder_set_member_name (b, "from");
      json_builder_add_string_value (b, where);
      json_builder_end_object (b);
      g_autofree char *set = g_strdup_printf ("%s=%s", ov[k].path, ov[k].value);
      g_strv_builder_add_many (rerun, "--set", set, NULL);
    }
  json_builder_end_array (b);
  /* the replica's seed is the scenario's (after the overrides) plus the replica */
  g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, scn->seed);
  g_strv_builder_add_many (rerun, "--seed", seed, NULL);
  g_auto (GStrv) rv = g_strv_builder_end (rerun);
  json_builder_set_member_name (b, "rerun");
  json_builder_begin_array (b);
  for (guint k = 0; rv[k]; k++)
    {
      g_autofree char *a = ts_provenance_text (rv[k]);
      json_builder_add_string_value (b, a);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_object_ref (json_node_get_object (root));
}

/* Runs point i and publishes its folder by one rename. */
static gboolean
run_point (const TsSweep *sw, const char *dir, guint i, char *const *argv, GError **error)
{
  g_autoptr (TsScenario) scn = ts_sweep_point_scenario (sw, i, error);
  if (scn == NULL)
    return FALSE;
  g_autoptr (GHashTable) inputs = point_inputs (sw, scn, error);
  if (inputs == NULL)
    {
      g_prefix_error (error, "point %u: ", i);
      return FALSE;
    }
  g_autoptr (GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_run_result_free);
  for (guint p = 0; scn->policies[p]; p++)
    {
      TsRunResult *r = ts_run (scn, ts_policy_lookup (scn->policies[p], NULL), error);
      if (r == NULL)
        {
          g_prefix_error (error, "point %u, policy %s: ", i, scn->policies[p]);
          return FALSE;
        }
      g_ptr_array_add (runs, r);
    }
  g_autofree char *final = point_dir (dir, i);
  g_autofree char *tmpl = ts_output_mkdtemp_beside (final, error);
  if (tmpl == NULL)
    return FALSE;
  g_autofree char *hdr = ts_sweep_points_header (sw);
  g_autofree char *pre = ts_sweep_points_prefix (sw, i, scn->seed);
  g_autofree char *point_txt = g_strdup_printf ("%s\n%s\n", hdr, pre);
  g_autofree char *point_file = g_build_filename (tmpl, "point.txt", NULL);
  g_autoptr (JsonObject) extra = point_provenance (sw, i, scn);
  if (!ts_report_write_dir (tmpl, scn, (TsRunResult *const *) runs->pdata, runs->len, error)
      || !ts_output_write (point_file, point_txt, strlen (point_txt), error)
      || !ts_provenance_write_run_with (tmpl, argv, scn, inputs, extra, error))
    return FALSE;
  if (g_rename (tmpl, final) != 0)
    {
      int e = errno;
      g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot rename %s to %s: %s", tmpl, final, g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

static void
worker (gpointer data, gpointer user)
{
  Ctx *c = user;
  guint i = GPOINTER_TO_UINT (data) - 1;
  g_mutex_lock (&c->lock);
  gboolean skip = c->error != NULL;
  g_mutex_unlock (&c->lock);
  GError *err = NULL;
  if (!skip)
    run_point (c->sw, c->dir, i, c->argv, &err);
  g_mutex_lock (&c->lock);
  if (err != NULL && c->error == NULL)
    c->error = err;
  else
    g_clear_error (&err);
  c->finished++;
  g_cond_signal (&c->cond);
  g_mutex_unlock (&c->lock);
}

static void
print_progress (const TsSweepOptions *opt, guint done, guint total, double elapsed)
{
  double eta = done > 0 ? elapsed / done * (total - done) : 0;
  if (opt->progress_bar)
    {
      int width = 30, fill = total ? (int) (width * done / total) : width;
      fprintf (stderr, "\r[%.*s%*s] %u/%u  %02d:%02d elapsed  ETA %02d:%02d ", fill,
               "##############################", width - fill, "", done, total,
               (int) elapsed / 60, (int) elapsed % 60, (int) eta / 60, (int) eta % 60);
      if (done == total)
        fputc ('\n', stderr);
    }
  else
    fprintf (stderr, "%u/%u points done, %.1f s elapsed, ETA %.1f s\n", done, total, elapsed, eta);
}

static gboolean
write_manifest (const TsSweep *sw, const char *dir, GError **error)
{
  g_autofree char *abs = g_canonicalize_filename (sw->path, NULL);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "tiersim");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  g_autofree char *abs_text = ts_provenance_text (abs), *scn_text = ts_provenance_text (sw->scenario);
  json_builder_set_member_name (b, "sweep");
  json_builder_add_string_value (b, abs_text);
  json_builder_set_member_name (b, "sweep_sha256");
  json_builder_add_string_value (b, sw->hash);
  json_builder_set_member_name (b, "scenario");
  json_builder_add_string_value (b, scn_text);
  json_builder_set_member_name (b, "points");
  json_builder_add_int_value (b, sw->n_points);
  json_builder_set_member_name (b, "replicas");
  json_builder_add_int_value (b, sw->replicas);
  json_builder_set_member_name (b, "seeds");
  json_builder_begin_array (b);
  for (guint i = 0; i < sw->n_points; i++)
    json_builder_add_int_value (b, (gint64) sw->seeds[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "inputs");
  json_builder_add_value (b, ts_provenance_inputs_to_json (sw->inputs));
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = ts_provenance_json_text (root);
  g_autofree char *file = g_build_filename (dir, "manifest.json", NULL);
  return ts_output_write (file, text, strlen (text), error);
}

/* What a results folder's manifest.json says. */
typedef struct {
  char *hash;           /* the sweep file's SHA-256 */
  guint n_points;
  GHashTable *inputs;   /* path -> SHA-256 */
} Manifest;

static void
manifest_clear (Manifest *m)
{
  g_clear_pointer (&m->hash, g_free);
  g_clear_pointer (&m->inputs, g_hash_table_unref);
}

/* Reads dir/manifest.json.  Without one, returns FALSE with a TS_ERROR_NOT_FOUND error; one that
 * is not JSON, lacks a member or claims more than TS_SWEEP_MAX_POINTS points is an error
 * (TS_ERROR_INPUT) naming the file. */
static gboolean
manifest_read (const char *dir, Manifest *m, GError **error)
{
  memset (m, 0, sizeof *m);
  g_autofree char *file = g_build_filename (dir, "manifest.json", NULL), *text = NULL;
  gsize len;
  if (!ts_input_read (file, &text, &len, error))
    return FALSE;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) perr = NULL;
  if (!json_parser_load_from_data (parser, text, (gssize) len, &perr))
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: not valid JSON: %s", file, perr->message);
      return FALSE;
    }
  JsonNode *root = json_parser_get_root (parser);
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *h = o ? json_object_get_member (o, "sweep_sha256") : NULL;
  JsonNode *p = o ? json_object_get_member (o, "points") : NULL;
  JsonNode *in = o ? json_object_get_member (o, "inputs") : NULL;
  if (h == NULL || !JSON_NODE_HOLDS_VALUE (h) || json_node_get_value_type (h) != G_TYPE_STRING
      || p == NULL || !JSON_NODE_HOLDS_VALUE (p) || json_node_get_value_type (p) != G_TYPE_INT64)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: not a sweep manifest (no string sweep_sha256 "
                   "and integer points)", file);
      return FALSE;
    }
  gint64 n = json_node_get_int (p);
  if (n < 1 || n > TS_SWEEP_MAX_POINTS)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: claims %" G_GINT64_FORMAT " points; a sweep has "
                   "1 to %u", file, n, TS_SWEEP_MAX_POINTS);
      return FALSE;
    }
  m->inputs = ts_provenance_inputs_from_json (in);
  if (m->inputs == NULL)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: no record of the inputs' SHA-256 (made by an older "
                   "tiersim?): its points cannot be checked against the sweep's inputs; use another folder",
                   file);
      return FALSE;
    }
  m->hash = g_strdup (json_node_get_string (h));
  m->n_points = (guint) n;
  return TRUE;
}

/* Removes the folder tmp and the files in it (a point being written or copied). */
static void
remove_point_folder (const char *tmp)
{
  g_autoptr (GDir) t = g_dir_open (tmp, 0, NULL);
  const char *f;
  while (t && (f = g_dir_read_name (t)) != NULL)
    {
      g_autofree char *file = g_build_filename (tmp, f, NULL);
      g_unlink (file);
    }
  g_rmdir (tmp);
}

/* Removes what a killed run left half-written: <point>.tmp-* folders of this shard's points only,
 * since other shards may be writing theirs into the same folder right now. */
static void
remove_partial (const char *points, guint shard, guint n_shards)
{
  g_autoptr (GDir) d = g_dir_open (points, 0, NULL);
  const char *n;
  while (d && (n = g_dir_read_name (d)) != NULL)
    if (strstr (n, ".tmp-") != NULL && g_ascii_strtoull (n, NULL, 10) % n_shards == shard)
      {
        g_autofree char *tmp = g_build_filename (points, n, NULL);
        remove_point_folder (tmp);
      }
}

/* Takes the lock of a results folder (DIR/.lock, held until fd is closed): exclusive for a whole
 * sweep, shared for a shard, since shards of one sweep write disjoint points into one folder. */
static int
lock_folder (const char *dir, gboolean shard, GError **error)
{
  g_autofree char *path = g_build_filename (dir, ".lock", NULL);
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot create %s: %s", path, g_strerror (e));
      return -1;
    }
  if (flock (fd, (shard ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0)
    {
      int e = errno;
      close (fd);
      g_set_error (error, TS_ERROR, TS_ERROR_USAGE, e == EWOULDBLOCK
                   ? "%s is in use by another tiersim sweep (it holds %s); wait for it, or use another -o"
                   : "cannot lock %s: %s", e == EWOULDBLOCK ? dir : path, e == EWOULDBLOCK ? path : g_strerror (e));
      return -1;
    }
  return fd;
}

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
}

gboolean
ts_sweep_run (const TsSweep *sw, const char *dir, const TsSweepOptions *opt,
              guint *done, guint *total, GError **error)
{
  if (!ts_output_mkdir (dir, error))
    return FALSE;
  __attribute__ ((cleanup (close_fd))) int lock = lock_folder (dir, opt->n_shards > 1, error);
  if (lock < 0)
    return FALSE;
  g_autofree char *points = g_build_filename (dir, "points", NULL);
  Manifest prev_m = { 0 };
  g_autoptr (GError) merr = NULL;
  gboolean prev = manifest_read (dir, &prev_m, &merr);
  if (!prev && merr->code != TS_ERROR_NOT_FOUND)
    {
      g_propagate_error (error, g_steal_pointer (&merr));
      return FALSE;
    }
  if (prev && (strcmp (prev_m.hash, sw->hash) != 0 || prev_m.n_points != sw->n_points))
    {
      manifest_clear (&prev_m);
      g_set_error (error, TS_ERROR, TS_ERROR_USAGE, "%s holds the results of another sweep "
                   "(its manifest.json names a different sweep file); use another -o", dir);
      return FALSE;
    }
  g_autofree char *changed = prev ? ts_provenance_diff (prev_m.inputs, sw->inputs) : NULL;
  manifest_clear (&prev_m);
  if (changed != NULL)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s holds points made from other inputs than this sweep "
                   "reads now, which would mix results of two scenarios: %s; use another -o", dir, changed);
      return FALSE;
    }
  if (prev && !opt->resume && opt->n_shards == 1)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_USAGE, "%s already holds results of this sweep; "
                   "add --resume to continue it, or use another -o", dir);
      return FALSE;
    }
  if (!ts_output_mkdir (points, error))
    return FALSE;
  if (!write_manifest (sw, dir, error))
    return FALSE;
  remove_partial (points, opt->shard, opt->n_shards);

  g_autoptr (GArray) todo = g_array_new (FALSE, FALSE, sizeof (guint));
  *total = 0;
  *done = 0;
  for (guint i = opt->shard; i < sw->n_points; i += opt->n_shards)
    {
      (*total)++;
      g_autofree char *pd = point_dir (dir, i);
      if (g_file_test (pd, G_FILE_TEST_IS_DIR))
        (*done)++;
      else
        g_array_append_val (todo, i);
    }

  Ctx c = { .sw = sw, .dir = dir, .argv = opt->argv };
  g_mutex_init (&c.lock);
  g_cond_init (&c.cond);
  gint64 t0 = g_get_monotonic_time ();
  GThreadPool *pool = g_thread_pool_new (worker, &c, (int) opt->jobs, TRUE, NULL);
  for (guint k = 0; k < todo->len; k++)
    g_thread_pool_push (pool, GUINT_TO_POINTER (g_array_index (todo, guint, k) + 1), NULL);
  g_mutex_lock (&c.lock);
  guint shown = G_MAXUINT;
  while (c.finished < todo->len)
    {
      if (c.finished != shown)
        {
          shown = c.finished;
          print_progress (opt, *done + c.finished, *total, (g_get_monotonic_time () - t0) / 1e6);
        }
      g_cond_wait_until (&c.cond, &c.lock, g_get_monotonic_time () + G_TIME_SPAN_SECOND / 2);
    }
  g_mutex_unlock (&c.lock);
  g_thread_pool_free (pool, FALSE, TRUE);
  if (todo->len > 0)
    print_progress (opt, *done + c.finished, *total, (g_get_monotonic_time () - t0) / 1e6);
  g_mutex_clear (&c.lock);
  g_cond_clear (&c.cond);
  if (c.error != NULL)
    {
      g_propagate_error (error, c.error);
      return FALSE;
    }
  *done += c.finished;

  /* points.csv once every point (of every shard) is there */
  for (guint i = 0; i < sw->n_points; i++)
    {
      g_autofree char *pd = point_dir (dir, i);
      if (!g_file_test (pd, G_FILE_TEST_IS_DIR))
        return TRUE;
    }
  return ts_sweep_write_points_csv (dir, sw->n_points, error);
}

/* Appends a CSV record: the fields of a, then those of b. */
static void
append_record (GString *out, GStrv a, GStrv b)
{
  for (guint k = 0; a[k]; k++)
    k ? ts_csv_append_next (out, a[k]) : ts_quote_csv (out, a[k]);
  for (guint k = 0; b[k]; k++)
    ts_csv_append_next (out, b[k]);
  g_string_append_c (out, '\n');
}

gboolean
ts_sweep_write_points_csv (const char *dir, guint n_points, GError **error)
{
  g_autoptr (GString) out = g_string_new (NULL);
  guint header_fields = 0;
  for (guint i = 0; i < n_points; i++)
    {
      g_autofree char *pd = point_dir (dir, i);
      g_autofree char *pfile = g_build_filename (pd, "point.txt", NULL), *sfile = g_build_filename (pd, "summary.csv", NULL);
      g_autofree char *ptext = NULL, *stext = NULL;
      gsize plen, slen;
      g_autoptr (GError) rerr = NULL;
      if (!ts_input_read (pfile, &ptext, &plen, &rerr) || !ts_input_read (sfile, &stext, &slen, &rerr))
        {
          if (rerr->code == TS_ERROR_NOT_FOUND)
            g_set_error (error, TS_ERROR, TS_ERROR_RUN, "%s: point %u has no results", dir, i);
          else
            g_propagate_error (error, g_steal_pointer (&rerr));
          return FALSE;
        }
      /* point.txt: the header and the values of the point's leading columns; then its summary.csv */
      g_autoptr (GPtrArray) pl = ts_csv_parse (ptext, plen, pfile, NULL, error);
      if (pl == NULL)
        return FALSE;
      if (pl->len != 2 || g_strv_length (pl->pdata[0]) != g_strv_length (pl->pdata[1]))
        {
          g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: not a header line and a line of as many values", pfile);
          return FALSE;
        }
      g_autoptr (TsCsv) sum = ts_csv_parse_table (stext, slen, sfile, error);
      if (sum == NULL)
        return FALSE;
      if (i == 0)
        {
          append_record (out, pl->pdata[0], sum->header);
          header_fields = g_strv_length (pl->pdata[0]) + sum->n_columns;
        }
      else if (g_strv_length (pl->pdata[0]) + sum->n_columns != header_fields)
        {
          g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: point %u has other columns than point 0", dir, i);
          return FALSE;
        }
      for (guint r = 0; r < sum->rows->len; r++)
        append_record (out, pl->pdata[1], sum->rows->pdata[r]);
    }
  g_autofree char *file = g_build_filename (dir, "points.csv", NULL);
  return ts_output_write (file, out->str, out->len, error);
}

/* Copies the regular file from into to, which must not exist yet, in pieces: a point's jobs.csv
 * may be far larger than an input file may be.  The copy follows the umask.  A link, FIFO,
 * device or folder at from is an error (opened without following or blocking, never read). */
static gboolean
copy_file (const char *from, const char *to, GError **error)
{
  int in = g_open (from, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0);
  struct stat st;
  if (in < 0 || fstat (in, &st) != 0 || !S_ISREG (st.st_mode))
    {
      int e = errno;
      if (in >= 0 || e == ELOOP)
        g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: not a regular file; a point's folder holds only "
                     "the files a sweep wrote", from);
      else
        g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: %s", from, g_strerror (e));
      if (in >= 0)
        close (in);
      return FALSE;
    }
  int out = g_open (to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (out < 0)
    {
      int e = errno;
      close (in);
      g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot create %s: %s", to, g_strerror (e));
      return FALSE;
    }
  char buf[1 << 16];
  const char *failed = NULL;
  int e = 0;
  for (;;)
    {
      gssize r = read (in, buf, sizeof buf);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        {
          if (r < 0)
            failed = from, e = errno;
          break;
        }
      for (gssize w = 0; w < r && failed == NULL;)
        {
          gssize k = write (out, buf + w, (gsize) (r - w));
          if (k < 0 && errno != EINTR)
            failed = to, e = errno;
          else if (k > 0)
            w += k;
        }
      if (failed != NULL)
        break;
    }
  close (in);
  if (close (out) != 0 && failed == NULL)
    failed = to, e = errno;
  if (failed != NULL)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot copy %s to %s: %s on %s", from, to, g_strerror (e), failed);
      return FALSE;
    }
  return TRUE;
}

/* Checks dir's manifest against first's (read from first_dir): the same sweep file, point count
 * and inputs.  A dir without a manifest is an error unless absent_ok. */
static gboolean
same_sweep (const char *dir, const Manifest *first, const char *first_dir, gboolean absent_ok, GError **error)
{
  Manifest md;
  g_autoptr (GError) merr = NULL;
  if (!manifest_read (dir, &md, &merr))
    {
      if (merr->code == TS_ERROR_NOT_FOUND && absent_ok)
        return TRUE;
      if (merr->code == TS_ERROR_NOT_FOUND)
        g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: no manifest.json: not a sweep's results", dir);
      else
        g_propagate_error (error, g_steal_pointer (&merr));
      return FALSE;
    }
  gboolean ok = strcmp (md.hash, first->hash) == 0 && md.n_points == first->n_points;
  g_autofree char *changed = ok ? ts_provenance_diff (first->inputs, md.inputs) : NULL;
  manifest_clear (&md);
  if (!ok)
    g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s holds another sweep's results than %s", dir, first_dir);
  else if (changed != NULL)
    g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s holds points made from other inputs than %s's: %s",
                 dir, first_dir, changed);
  return ok && changed == NULL;
}

/* Copies the point folder from to to (absent): every regular file into a temporary folder
 * beside to, then one rename, so that the point appears whole or not at all. */
static gboolean
copy_point (const char *from, const char *to, GError **error)
{
  g_autofree char *tmp = ts_output_mkdtemp_beside (to, error);
  if (tmp == NULL)
    return FALSE;
  g_autoptr (GDir) d = g_dir_open (from, 0, error);
  const char *f;
  gboolean ok = d != NULL;
  while (ok && (f = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *a = g_build_filename (from, f, NULL), *b = g_build_filename (tmp, f, NULL);
      ok = copy_file (a, b, error);
    }
  if (ok && g_rename (tmp, to) != 0)
    {
      int e = errno;
      g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot rename %s to %s: %s", tmp, to, g_strerror (e));
      ok = FALSE;
    }
  if (!ok)
    remove_point_folder (tmp);
  return ok;
}

gboolean
ts_sweep_merge (const char *out, char **dirs, GError **error)
{
  Manifest first = { 0 };
  g_autoptr (GError) merr = NULL;
  if (!manifest_read (dirs[0], &first, &merr))
    {
      if (merr->code == TS_ERROR_NOT_FOUND)
        g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: no manifest.json: not a sweep's results", dirs[0]);
      else
        g_propagate_error (error, g_steal_pointer (&merr));
      return FALSE;
    }
  guint n = first.n_points;
  gboolean ok = TRUE;
  for (guint d = 1; dirs[d] && ok; d++)
    ok = same_sweep (dirs[d], &first, dirs[0], FALSE, error);
  g_autofree char *out_points = g_build_filename (out, "points", NULL);
  ok = ok && ts_output_mkdir (out_points, error);
  /* no sweep may write into out meanwhile; and points out already holds must be this sweep's */
  __attribute__ ((cleanup (close_fd))) int lock = ok ? lock_folder (out, FALSE, error) : -1;
  ok = ok && lock >= 0 && same_sweep (out, &first, dirs[0], TRUE, error);
  manifest_clear (&first);
  if (!ok)
    return FALSE;
  remove_partial (out_points, 0, 1);   /* what a killed merge or sweep left */
  g_autofree char *man_to = g_build_filename (out, "manifest.json", NULL);
  g_autofree char *man_from = g_build_filename (dirs[0], "manifest.json", NULL);
  g_autofree char *man = NULL;
  gsize man_len;
  if (!ts_input_read (man_from, &man, &man_len, error) || !ts_output_write (man_to, man, man_len, error))
    return FALSE;
  for (guint d = 0; dirs[d]; d++)
    for (guint i = 0; i < n; i++)
      {
        g_autofree char *from = point_dir (dirs[d], i), *to = point_dir (out, i);
        if (g_file_test (from, G_FILE_TEST_IS_DIR) && !g_file_test (to, G_FILE_TEST_IS_DIR)
            && !copy_point (from, to, error))
          return FALSE;
      }
  return ts_sweep_write_points_csv (out, n, error);
}
