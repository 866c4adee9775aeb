/* Sweeps: grid expansion, results independent of -j, resume after SIGKILL, shards and merge,
 * broken sweep files, the Slurm script. */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sim/sweep/sweep.h"
#include "tests/testutil.h"

static const char *
bin (void)
{
  const char *b = g_getenv ("TIERSIM");
  return b ? b : TS_ABS_BUILDDIR "/tiersim";
}

/* 2 x 3 values, product, 2 replicas: 12 points, the last axis fastest, replicas innermost:
 * point i has a = i / 6, b = (i / 2) % 3, replica i % 2.  Zip of 3-value axes: 3 points. */
static void
test_grid (void)
{
  g_autofree char *path = tu_data ("sweeps/grid.cfg");
  g_autoptr (GError) error = NULL;
  g_autoptr (TsSweep) sw = ts_sweep_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sw->n_points, ==, 12);
  const char *a[] = { "0.01", "0.02" }, *b[] = { "10.0", "20.0", "30.0" }, *lb[] = { "ten", "twenty", "thirty" };
  for (guint i = 0; i < 12; i++)
    {
      guint replica;
      g_autofree TsOverride *ov = ts_sweep_point_overrides (sw, i, &replica);
      /* grid.cfg fixes seed = 7 first */
      g_assert_cmpstr (ov[0].path, ==, "seed");
      g_assert_cmpstr (ov[1].path, ==, "duration");
      g_assert_cmpstr (ov[1].value, ==, a[i / 6]);
      g_assert_cmpstr (ov[2].value, ==, b[(i / 2) % 3]);
      g_assert_null (ov[3].path);
      g_assert_cmpuint (replica, ==, i % 2);
      g_autofree char *pre = ts_sweep_points_prefix (sw, i, 7);
      g_autofree char *want = g_strdup_printf ("%u,%s,%s,%u,7", i, a[i / 6], lb[(i / 2) % 3], i % 2);
      g_assert_cmpstr (pre, ==, want);
      /* the override reached the scenario, and the replica the seed (md1.cfg's seed is 7) */
      g_autoptr (TsScenario) scn = ts_sweep_point_scenario (sw, i, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (scn->tasks[0].arrival.rate, ==, 10.0 * ((i / 2) % 3 + 1));
      g_assert_cmpuint (scn->seed, ==, 7 + i % 2);
    }
  g_autofree char *hdr = ts_sweep_points_header (sw);
  g_assert_cmpstr (hdr, ==, "point,a,b,replica,seed");

  g_autofree char *zpath = tu_data ("sweeps/zip.cfg");
  g_autoptr (TsSweep) z = ts_sweep_load (zpath, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (z->n_points, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (TsScenario) scn = ts_sweep_point_scenario (z, i, &error);
      g_assert_no_error (error);
      g_assert_cmpint (scn->duration, ==, (i + 1) * 10 * TS_NS_PER_MS);
      g_assert_cmpfloat (scn->tasks[0].arrival.rate, ==, 10.0 * (i + 1));   /* through "*" */
    }
}

/* A results folder is one sweep's at a time: while another holds its lock (here, this test),
 * a sweep into it is refused with a clear message instead of colliding on renames.  Point
 * folders follow the umask (022: 0755), not mkdtemp's private 0700. */
static void
test_folder_lock_and_modes (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *d = g_build_filename (tmp, "out", NULL), *lock = g_build_filename (d, ".lock", NULL);
  g_autofree char *sweep = tu_data ("sweeps/rates.cfg");
  g_assert_cmpint (g_mkdir (d, 0777), ==, 0);
  int fd = g_open (lock, O_RDWR | O_CREAT, 0666);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX), ==, 0);
  g_autofree char *err = NULL;
  g_assert_cmpint (tu_tiersim (NULL, &err, "sweep", sweep, "-o", d, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "is in use by another tiersim sweep"));
  close (fd);
  mode_t old = umask (022);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-o", d, NULL), ==, 0);
  umask (old);
  g_autofree char *p0 = g_build_filename (d, "points", "000000", NULL);
  GStatBuf st;
  g_assert_cmpint (g_stat (p0, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0755);
  tu_rm_rf (tmp);
}

/* Runs the sweep file (under tests/data) into tmp/j1 with -j 1 and into tmp/jN with -j n, checks
 * that both points.csv are identical, and returns it. */
static char *
points_at_any_j (const char *tmp, const char *file, const char *n)
{
  g_autofree char *d1 = g_build_filename (tmp, "j1", NULL), *dn = g_build_filename (tmp, "jN", NULL);
  g_autofree char *sweep = tu_data (file);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-j", "1", "-o", d1, NULL), ==, 0);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-j", n, "-o", dn, NULL), ==, 0);
  char *p1 = tu_slurp (d1, "points.csv");
  g_autofree char *pn = tu_slurp (dn, "points.csv");
  g_assert_cmpstr (p1, ==, pn);
  return p1;
}

static void
test_jobs_identical (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *d1 = g_build_filename (tmp, "j1", NULL), *sweep = tu_data ("sweeps/rates.cfg");
  g_autofree char *p1 = points_at_any_j (tmp, "sweeps/rates.cfg", "4");
  g_assert_true (g_str_has_prefix (p1, "point,rate,duration,replica,seed,policy,task,class,jobs,"));
  g_auto (GStrv) lines = g_strsplit (p1, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 8 + 1);  /* header, 8 rows, "" */
  /* a second run into the same folder is refused without --resume */
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-o", d1, NULL), ==, 2);
  tu_rm_rf (tmp);
}

/* The same with contention at work (REEF's curves on DISB C, under each rule), -j 1 and -j 2.
 * Contention only ever slows blocks down, so streams' RT latency is higher with it than without;
 * reef runs RT alone, so its RT latency barely moves. */
static void
test_contention_identical (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *p1 = points_at_any_j (tmp, "sweeps/contention.cfg", "2");
  /* point,contention,replica,seed,policy,task,class,jobs,completed,missed,dmr,lat_mean_ms */
  double on = -1, off = -1;
  g_auto (GStrv) lines = g_strsplit (p1, "\n", -1);
  for (guint i = 1; lines[i] != NULL && *lines[i]; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], ",", -1);
      if (g_strcmp0 (f[2], "0") != 0 || g_strcmp0 (f[4], "streams") != 0 || g_strcmp0 (f[5], "resnet50_64_rt") != 0)
        continue;
      if (g_strcmp0 (f[1], "none") == 0)
        off = g_ascii_strtod (f[11], NULL);
      else if (g_strcmp0 (f[1], "sm+memory") == 0)
        on = g_ascii_strtod (f[11], NULL);
    }
  g_assert_cmpfloat (off, >, 5.294);  /* at least the model's solo time */
  g_assert_cmpfloat (on, >, off);
  tu_rm_rf (tmp);
}

/* A sweep killed (SIGKILL) while running, then resumed, gives the points.csv of an
 * uninterrupted run; the folders of points killed while being written are not counted. */
static void
test_resume_after_kill (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *killed = g_build_filename (tmp, "killed", NULL), *whole = g_build_filename (tmp, "whole", NULL);
  g_autofree char *sweep = tu_data ("sweeps/slow.cfg");
  const char *argv[] = { bin (), "sweep", sweep, "-j", "2", "-o", killed, NULL };
  GPid pid;
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL
                                | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, &pid, NULL));
  /* let some points finish, not all */
  g_autofree char *points = g_build_filename (killed, "points", NULL);
  for (int t = 0; t < 400; t++)
    {
      g_autoptr (GDir) d = g_dir_open (points, 0, NULL);
      guint n = 0;
      const char *e;
      while (d && (e = g_dir_read_name (d)) != NULL)
        n += strstr (e, ".tmp-") == NULL;
      if (n >= 3)
        break;
      g_usleep (10000);
    }
  kill (pid, SIGKILL);
  int status;
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  g_autofree char *csv = g_build_filename (killed, "points.csv", NULL);
  g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));   /* killed before the end */
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "--resume", "-o", killed, NULL), ==, 0);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-o", whole, NULL), ==, 0);
  g_autofree char *a = tu_slurp (killed, "points.csv"), *b = tu_slurp (whole, "points.csv");
  g_assert_cmpstr (a, ==, b);
  tu_rm_rf (tmp);
}

/* Three shards into three folders, merged: the points.csv of a whole run. */
static void
test_shards_merge (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *sweep = tu_data ("sweeps/rates.cfg");
  g_autofree char *whole = g_build_filename (tmp, "whole", NULL), *out = g_build_filename (tmp, "merged", NULL);
  g_autofree char *s0 = g_build_filename (tmp, "s0", NULL), *s1 = g_build_filename (tmp, "s1", NULL),
                  *s2 = g_build_filename (tmp, "s2", NULL);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-o", whole, NULL), ==, 0);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "--shard", "0/3", "-o", s0, NULL), ==, 0);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "--shard", "1/3", "-o", s1, NULL), ==, 0);
  /* with a shard missing, the merge fails and names a missing point */
  g_assert_cmpint (tu_tiersim (NULL, NULL, "merge", out, s0, s1, NULL), ==, 1);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "--shard", "2/3", "-o", s2, NULL), ==, 0);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "merge", out, s0, s1, s2, NULL), ==, 0);
  g_autofree char *a = tu_slurp (whole, "points.csv"), *b = tu_slurp (out, "points.csv");
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "--shard", "3/3", "-o", s2, NULL), ==, 2);
  tu_rm_rf (tmp);
}

/* Four shards at once into one folder, as a job array on a shared filesystem runs them: each
 * cleans up only its own points' leftovers, so none breaks another's writes, and the last one
 * done writes the points.csv of a whole run. */
static void
test_concurrent_shards (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *sweep = tu_data ("sweeps/slow.cfg");
  g_autofree char *whole = g_build_filename (tmp, "whole", NULL), *shared = g_build_filename (tmp, "shared", NULL);
  GPid pids[4];
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *shard = g_strdup_printf ("%u/4", i);
      const char *argv[] = { bin (), "sweep", sweep, "-j", "1", "--shard", shard, "-o", shared, NULL };
      g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                                    | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pids[i], NULL));
    }
  for (guint i = 0; i < 4; i++)
    {
      int status;
      waitpid (pids[i], &status, 0);
      g_spawn_close_pid (pids[i]);
      g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    }
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-o", whole, NULL), ==, 0);
  g_autofree char *a = tu_slurp (whole, "points.csv"), *b = tu_slurp (shared, "points.csv");
  g_assert_cmpstr (a, ==, b);
  tu_rm_rf (tmp);
}

static void
test_bad_sweeps (void)
{
  g_autofree char *dir = tu_data ("sweeps/bad");
  /* an output folder that cannot be made, even as root (below a regular file): a bad sweep
   * file must fail before it, and a good one must not leave results anywhere */
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (tmp, "file", NULL), *never = g_build_filename (file, "never", NULL);
  g_assert_true (g_file_set_contents (file, "", 0, NULL));
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *n;
  guint count = 0;
  while ((n = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, n, NULL), *text = NULL, *out = NULL;
      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      g_autofree char *expect = g_strndup (text + 10, strcspn (text + 10, "\n"));
      g_autoptr (GError) error = NULL;
      g_autoptr (TsSweep) sw = ts_sweep_load (path, &error);
      g_assert_null (sw);
      if (strstr (error->message, expect) == NULL)
        g_error ("%s: expected \"%s\" in:\n%s", n, expect, error->message);
      g_assert_cmpint (tu_tiersim (&out, NULL, "sweep", path, "-o", never, NULL), ==, 2);
      count++;
    }
  g_assert_cmpuint (count, >=, 6);
  tu_rm_rf (tmp);
}

/* period.cfg: 1 ms jobs, deadline 1.5 ms, releases at k P in [0, 50 ms).  At P >= 1 every job
 * runs alone: latency 1 ms.  At P < 1 the GPU is never idle, job k ends at (k + 1) ms and its
 * latency is 1 + k (1 - P); for P in (50/51, 1) there are 51 jobs (k = 0..50), and the last
 * meets the deadline iff 50 (1 - P) <= 0.5, i.e. P >= 0.99.  With 51 jobs the nearest-rank p99
 * is the maximum, so "p99 <= deadline" holds exactly for P >= 0.99 ms: the smallest period
 * found must lie within the tolerance (0.01) above 0.99, and the failing one below it. */
static void
test_search (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *sweep = tu_data ("sweeps/search.cfg");
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", "--search", sweep, "-o", tmp, NULL), ==, 0);
  g_autofree char *csv = tu_slurp (tmp, "search.csv");
  g_auto (GStrv) lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "policy,name,direction,condition,value,fails_at,tolerance,evaluations,status");
  for (guint i = 1; i <= 2; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], ",", -1);
      double value = g_ascii_strtod (f[4], NULL), fails = g_ascii_strtod (f[5], NULL);
      g_assert_cmpstr (f[8], ==, "ok");
      g_assert_cmpfloat (value, >=, 0.99);
      g_assert_cmpfloat (value - 0.99, <=, 0.01);
      g_assert_cmpfloat (fails, <, 0.99);
      g_assert_cmpfloat (value - fails, <=, 0.01);
    }
  tu_rm_rf (tmp);
}

/* Parses dir/manifest.json with json-glib (failing the test if it is not valid JSON). */
static JsonObject *
manifest_object (JsonParser *parser, const char *dir)
{
  g_autofree char *file = g_build_filename (dir, "manifest.json", NULL);
  g_autoptr (GError) error = NULL;
  json_parser_load_from_file (parser, file, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

/* A quote and a backslash in the output folder's path: the manifest stays valid JSON (it was
 * written with printf), and --resume reads it back (it was read with strstr). */
static void
test_manifest_hostile_path (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (tmp, "o\"q\\b", NULL);
  g_autofree char *sweep = tu_data ("sweeps/rates.cfg");
  g_autofree char *sweep_text = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (sweep, &sweep_text, &len, NULL));
  g_autofree char *sweep_hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) sweep_text, len);
  /* the sweep file itself under a hostile name too: the manifest records its path */
  g_autofree char *copy = g_build_filename (tmp, "r\"a\\tes.cfg", NULL), *md1 = tu_data ("md1.cfg");
  g_autofree char *text = g_strdup_printf ("scenario = \"%s\";\naxes = ( { name = \"rate\"; key = \"tasks.q.arrival.rate\"; "
                                           "values = [ 100.0, 300.0 ]; }, { name = \"duration\"; key = \"duration\"; "
                                           "values = [ 0.3 ]; } );\n", md1);
  g_assert_true (g_file_set_contents (copy, text, -1, NULL));
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-o", dir, NULL), ==, 0);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *m = manifest_object (parser, dir);
  g_assert_cmpstr (json_object_get_string_member (m, "sweep_sha256"), ==, sweep_hash);
  g_assert_cmpint (json_object_get_int_member (m, "points"), ==, 8);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (m, "seeds")), ==, 8);
  /* every input with its SHA-256: the sweep file, md1.cfg, its model and its profile */
  JsonObject *in = json_object_get_object_member (m, "inputs");
  g_autofree char *md1_abs = g_canonicalize_filename (md1, NULL);
  g_autofree char *md1_text = NULL;
  g_assert_true (g_file_get_contents (md1, &md1_text, &len, NULL));
  g_autofree char *md1_hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) md1_text, len);
  g_assert_cmpstr (json_object_get_string_member (in, md1_abs), ==, md1_hash);
  g_assert_cmpuint (json_object_get_size (in), ==, 4);
  /* a lost point is run again by --resume, which reads the manifest back */
  g_autofree char *p3 = g_build_filename (dir, "points", "000003", NULL);
  g_autofree char *before = tu_slurp (dir, "points.csv");
  tu_rm_rf (p3);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-o", dir, "--resume", NULL), ==, 0);
  g_autofree char *after = tu_slurp (dir, "points.csv");
  g_assert_cmpstr (before, ==, after);
  /* the same for a sweep file whose own path holds them */
  g_autofree char *dir2 = g_build_filename (tmp, "second", NULL);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", copy, "-o", dir2, NULL), ==, 0);
  g_autoptr (JsonParser) parser2 = json_parser_new ();
  JsonObject *m2 = manifest_object (parser2, dir2);
  g_autofree char *copy_abs = g_canonicalize_filename (copy, NULL);
  g_assert_cmpstr (json_object_get_string_member (m2, "sweep"), ==, copy_abs);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", copy, "-o", dir2, "--resume", NULL), ==, 0);
  tu_rm_rf (tmp);
}

/* Writes tmp/base.cfg (md1 with absolute references) and tmp/s.cfg, a 4-point sweep of it. */
static char *
changing_sweep (const char *tmp, const char *rate)
{
  g_autofree char *model = tu_data ("models/single.cfg"), *profile = tu_data ("profiles/test4.cfg");
  g_autofree char *base = g_build_filename (tmp, "base.cfg", NULL);
  g_autofree char *scn = g_strdup_printf ("name = \"base\"; duration = 0.1; seed = 7; profile = \"%s\"; "
                                          "policies = [ \"seq\" ];\ntasks = ( { name = \"q\"; model = \"%s\"; "
                                          "class = \"rt\"; deadline_ms = 1000.0;\n  arrival = { type = \"poisson\"; "
                                          "rate = %s; }; } );\n", profile, model, rate);
  g_assert_true (g_file_set_contents (base, scn, -1, NULL));
  char *sweep = g_build_filename (tmp, "s.cfg", NULL);
  g_assert_true (g_file_set_contents (sweep, "scenario = \"base.cfg\";\naxes = ( { name = \"d\"; key = \"duration\"; "
                                      "values = [ 0.05, 0.1 ]; } );\nreplicas = 2;\n", -1, NULL));
  return sweep;
}

/* Editing the base scenario between a sweep and its --resume, or between two shards, would mix
 * points of two scenarios: --resume and merge refuse, naming the file that changed. */
static void
test_changed_inputs (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (tmp, "out", NULL), *a = g_build_filename (tmp, "a", NULL);
  g_autofree char *b = g_build_filename (tmp, "b", NULL), *m = g_build_filename (tmp, "m", NULL);
  g_autofree char *base = g_build_filename (tmp, "base.cfg", NULL);
  g_autofree char *base_abs = g_canonicalize_filename (base, NULL);
  g_autofree char *sweep = changing_sweep (tmp, "100.0");
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-o", out, "--shard", "0/2", NULL), ==, 0);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-o", a, "--shard", "0/2", NULL), ==, 0);
  g_free (changing_sweep (tmp, "200.0"));
  g_autofree char *err = NULL, *err2 = NULL;
  g_assert_cmpint (tu_tiersim (NULL, &err, "sweep", sweep, "-o", out, "--resume", NULL), ==, 2);
  g_assert_nonnull (strstr (err, base_abs));
  g_assert_nonnull (strstr (err, "changed"));
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-o", b, "--shard", "1/2", NULL), ==, 0);
  g_assert_cmpint (tu_tiersim (NULL, &err2, "merge", m, a, b, NULL), ==, 2);
  g_assert_nonnull (strstr (err2, base_abs));
  /* with the scenario as it was, the shards join */
  g_free (changing_sweep (tmp, "100.0"));
  tu_rm_rf (b);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-o", b, "--shard", "1/2", NULL), ==, 0);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "merge", m, a, b, NULL), ==, 0);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-o", out, "--resume", NULL), ==, 0);
  tu_rm_rf (tmp);
}

/* A manifest claiming 4e9 points is refused before anything is allocated or copied; so is one
 * that is not JSON. */
static void
test_merge_limits (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *in = g_build_filename (tmp, "in", NULL), *out = g_build_filename (tmp, "out", NULL);
  g_autofree char *man = g_build_filename (in, "manifest.json", NULL);
  g_assert_cmpint (g_mkdir_with_parents (in, 0755), ==, 0);
  g_assert_true (g_file_set_contents (man, "{ \"sweep_sha256\": \"00\", \"points\": 4000000000, \"inputs\": {} }", -1, NULL));
  g_autofree char *err = NULL, *err2 = NULL;
  g_assert_cmpint (tu_tiersim (NULL, &err, "merge", out, in, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "claims 4000000000 points"));
  g_assert_true (g_file_set_contents (man, "{ \"sweep_sha256\": \"0\\", -1, NULL));
  g_assert_cmpint (tu_tiersim (NULL, &err2, "merge", out, in, NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "not valid JSON"));
  tu_rm_rf (tmp);
}

/* A search whose tolerance is below the spacing of doubles at its answer ends (it looped
 * forever): run in a child with a time limit. */
static void
test_search_ulp (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
      g_autofree char *path = tu_data ("sweeps/search-ulp.cfg");
      g_autoptr (GError) error = NULL;
      g_autoptr (TsSweep) sw = ts_sweep_load (path, &error);
      g_assert_no_error (error);
      g_assert_true (ts_sweep_search (sw, tmp, 2, FALSE, &error));
      g_assert_no_error (error);
      g_autofree char *csv = tu_slurp (tmp, "search.csv");
      g_auto (GStrv) lines = g_strsplit (csv, "\n", -1);
      g_assert_nonnull (lines[1]);
      g_auto (GStrv) f = g_strsplit (lines[1], ",", -1);
      g_assert_cmpstr (f[8], ==, "ok");
      g_assert_cmpuint (g_ascii_strtoull (f[7], NULL, 10), <, 200);
      tu_rm_rf (tmp);
      return;
    }
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_emit_slurm (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *sweep = tu_data ("sweeps/rates.cfg");
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "--emit", "slurm", "--shards", "4", "-j", "2", "-o", tmp, NULL), ==, 0);
  g_autofree char *s = tu_slurp (tmp, "slurm-submit.sh");
  g_assert_nonnull (strstr (s, "--array=0-3"));
  /* inside the single-quoted --wrap, double quotes: the job's shell expands the task id */
  g_assert_nonnull (strstr (s, "--shard \"${SLURM_ARRAY_TASK_ID}/4\"'"));
  g_assert_nonnull (strstr (s, "--dependency=afterok:"));
  g_assert_nonnull (strstr (s, " merge "));
  tu_rm_rf (tmp);
}

/* SHA-256 of a file's contents, as the test computes it. */
static char *
file_sha256 (const char *path)
{
  g_autofree char *text = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, len);
}

/* Parses dir/name as JSON (failing the test if it is not valid JSON, UTF-8 included). */
static JsonObject *
json_file_object (JsonParser *parser, const char *dir, const char *name)
{
  g_autofree char *file = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  json_parser_load_from_file (parser, file, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

/* Every point folder holds run.json: grid.cfg's point 5 is a = 0.01 (5 / 6 = 0), b = 30.0
 * ((5 / 2) % 3 = 2), replica 1, so seed 7 + 1; it read the sweep file, md1.cfg, its model and
 * its profile.  Its "rerun" command, run by hand, makes the point's results byte for byte. */
static void
test_point_provenance (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (tmp, "out", NULL), *again = g_build_filename (tmp, "again", NULL);
  g_autofree char *sweep = tu_data ("sweeps/grid.cfg"), *md1 = tu_data ("md1.cfg");
  g_autofree char *model = tu_data ("models/single.cfg"), *profile = tu_data ("profiles/test4.cfg");
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-j", "2", "-o", out, NULL), ==, 0);
  g_autofree char *p5 = g_build_filename (out, "points", "000005", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *r = json_file_object (parser, p5, "run.json");
  g_assert_cmpint (json_object_get_int_member (r, "point"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (r, "replica"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (r, "seed"), ==, 8);
  g_autofree char *sweep_abs = g_canonicalize_filename (sweep, NULL), *sweep_hash = file_sha256 (sweep);
  g_assert_cmpstr (json_object_get_string_member (r, "sweep"), ==, sweep_abs);
  g_assert_cmpstr (json_object_get_string_member (r, "sweep_sha256"), ==, sweep_hash);
  JsonArray *cmd = json_object_get_array_member (r, "command");
  g_assert_cmpstr (json_array_get_string_element (cmd, 1), ==, "sweep");
  g_assert_cmpstr (json_array_get_string_element (cmd, 2), ==, sweep);
  JsonObject *in = json_object_get_object_member (r, "inputs");
  const char *files[] = { sweep, md1, model, profile };
  g_assert_cmpuint (json_object_get_size (in), ==, G_N_ELEMENTS (files));
  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *abs = g_canonicalize_filename (files[f], NULL), *hash = file_sha256 (files[f]);
      g_assert_cmpstr (json_object_get_string_member (in, abs), ==, hash);
    }
  /* the fixed seed, then the axes, each with where it was set (grid.cfg's lines 8, 4 and 5) */
  JsonArray *ov = json_object_get_array_member (r, "overrides");
  const char *keys[] = { "seed", "duration", "tasks.[0].arrival.rate" }, *values[] = { "7", "0.01", "30.0" };
  const int lines[] = { 8, 4, 5 };
  g_assert_cmpuint (json_array_get_length (ov), ==, 3);
  for (guint k = 0; k < 3; k++)
    {
      JsonObject *o = json_array_get_object_element (ov, k);
      g_autofree char *from = g_strdup_printf ("%s:%d", sweep_abs, lines[k]);
      g_assert_cmpstr (json_object_get_string_member (o, "key"), ==, keys[k]);
      g_assert_cmpstr (json_object_get_string_member (o, "value"), ==, values[k]);
      g_assert_cmpstr (json_object_get_string_member (o, "from"), ==, from);
    }
  /* scenario.cfg is the base scenario */
  g_autofree char *copy = tu_slurp (p5, "scenario.cfg"), *orig = NULL;
  g_assert_true (g_file_get_contents (md1, &orig, NULL, NULL));
  g_assert_cmpstr (copy, ==, orig);
  /* rerun, with -o added */
  JsonArray *rerun = json_object_get_array_member (r, "rerun");
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  for (guint k = 1; k < json_array_get_length (rerun); k++)
    g_ptr_array_add (args, (gpointer) json_array_get_string_element (rerun, k));
  g_ptr_array_add (args, (gpointer) "-q");
  g_ptr_array_add (args, (gpointer) "-o");
  g_ptr_array_add (args, again);
  g_ptr_array_add (args, NULL);
  g_assert_cmpint (tu_tiersim_argv (NULL, NULL, (const char *const *) args->pdata), ==, 0);
  const char *outputs[] = { "summary.csv", "jobs.csv", "preemptions.csv" };
  for (guint f = 0; f < G_N_ELEMENTS (outputs); f++)
    {
      g_autofree char *a = tu_slurp (p5, outputs[f]), *b = tu_slurp (again, outputs[f]);
      g_assert_cmpstr (a, ==, b);
    }
  tu_rm_rf (tmp);
}

static gint
cmp_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The names of the files in dir, sorted and joined by spaces. */
static char *
folder_listing (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *n;
  while ((n = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (n));
  g_ptr_array_sort (names, cmp_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* merge copies every file of a point folder, run.json and scenario.cfg among them, whatever its
 * size (it copied four named files, each read whole and capped at 16 MiB); a FIFO in a point
 * folder is refused, never read. */
static void
test_merge_carries_everything (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *sweep = tu_data ("sweeps/rates.cfg");
  g_autofree char *s0 = g_build_filename (tmp, "s0", NULL), *s1 = g_build_filename (tmp, "s1", NULL);
  g_autofree char *m = g_build_filename (tmp, "m", NULL), *m2 = g_build_filename (tmp, "m2", NULL);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "--shard", "0/2", "-o", s0, NULL), ==, 0);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "--shard", "1/2", "-o", s1, NULL), ==, 0);
  /* point 2 (shard 0) gets a jobs.csv over 16 MiB: what a long point writes */
  g_autofree char *p2 = g_build_filename (s0, "points", "000002", NULL);
  g_autofree char *jobs2 = g_build_filename (p2, "jobs.csv", NULL);
  {
    g_autofree char *head = tu_slurp (p2, "jobs.csv");
    GString *big = g_string_new (head);
    while (big->len <= (17u << 20))
      g_string_append (big, "seq,q,999999,0,0,0,0,0,v,1.000000,0\n");
    g_assert_true (g_file_set_contents (jobs2, big->str, (gssize) big->len, NULL));
    g_string_free (big, TRUE);
  }
  g_assert_cmpint (tu_tiersim (NULL, NULL, "merge", m, s0, s1, NULL), ==, 0);
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *name = g_strdup_printf ("%06u", i);
      g_autofree char *from = g_build_filename (i % 2 ? s1 : s0, "points", name, NULL);
      g_autofree char *to = g_build_filename (m, "points", name, NULL);
      g_autofree char *lf = folder_listing (from), *lt = folder_listing (to);
      g_assert_cmpstr (lt, ==, "jobs.csv point.txt preemptions.csv run.json scenario.cfg summary.csv");
      g_assert_cmpstr (lf, ==, lt);
      const char *names[] = { "run.json", "scenario.cfg", "jobs.csv" };
      for (guint f = 0; f < G_N_ELEMENTS (names); f++)
        {
          g_autofree char *a = tu_slurp (from, names[f]), *b = tu_slurp (to, names[f]);
          g_assert_cmpstr (a, ==, b);
        }
      /* the point's own run.json names it */
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_assert_cmpint (json_object_get_int_member (json_file_object (parser, to, "run.json"), "point"), ==, i);
    }
  /* a FIFO among a point's files: an error naming it, at once */
  g_autofree char *fifo = g_build_filename (p2, "extra", NULL);
  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  g_autofree char *err = NULL;
  g_assert_cmpint (tu_tiersim (NULL, &err, "merge", m2, s0, s1, NULL), ==, 2);
  g_assert_nonnull (strstr (err, fifo));
  g_assert_nonnull (strstr (err, "not a regular file"));
  tu_rm_rf (tmp);
}

/* merge into a folder that holds another sweep's results would mix them into one points.csv:
 * refused, as is a merge while a sweep holds the folder's lock. */
static void
test_merge_into_other_sweep (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *rates = tu_data ("sweeps/rates.cfg"), *grid = tu_data ("sweeps/grid.cfg");
  g_autofree char *a = g_build_filename (tmp, "a", NULL), *b = g_build_filename (tmp, "b", NULL);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", rates, "-o", a, NULL), ==, 0);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", grid, "--shard", "0/2", "-o", b, NULL), ==, 0);
  g_autofree char *before = tu_slurp (a, "points.csv"), *err = NULL;
  g_assert_cmpint (tu_tiersim (NULL, &err, "merge", a, b, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "another sweep's results"));
  g_autofree char *after = tu_slurp (a, "points.csv");
  g_assert_cmpstr (before, ==, after);
  /* a sweep holding b's lock */
  g_autofree char *lock = g_build_filename (b, ".lock", NULL), *err2 = NULL;
  int fd = g_open (lock, O_RDWR, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_SH), ==, 0);
  g_assert_cmpint (tu_tiersim (NULL, &err2, "merge", b, NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "in use by another tiersim sweep"));
  close (fd);
  tu_rm_rf (tmp);
}

/* A sweep whose files lie in a folder whose name is not UTF-8 (any bytes are a Linux path):
 * manifest.json and run.json stay valid JSON (json-glib wrote the bytes as they were, and then
 * read them back as "not valid JSON"), so --resume and merge work. */
static void
test_non_utf8_paths (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *in = g_build_filename (tmp, "in\xff", NULL), *out = g_build_filename (tmp, "o\xfe", NULL);
  g_autofree char *out2 = g_build_filename (tmp, "m", NULL);
  g_assert_cmpint (g_mkdir (in, 0755), ==, 0);
  g_autofree char *sweep = changing_sweep (in, "100.0");
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-o", out, NULL), ==, 0);
  g_autoptr (JsonParser) parser = json_parser_new (), parser2 = json_parser_new ();
  JsonObject *man = json_file_object (parser, out, "manifest.json");
  /* the byte 0xff is written as the four characters \xFF */
  g_autofree char *sweep_abs = g_canonicalize_filename (sweep, NULL);
  g_auto (GStrv) parts = g_strsplit (sweep_abs, "\xff", -1);
  g_autofree char *want = g_strjoinv ("\\xFF", parts);
  g_assert_cmpstr (json_object_get_string_member (man, "sweep"), ==, want);
  g_autofree char *p1 = g_build_filename (out, "points", "000001", NULL);
  JsonObject *run = json_file_object (parser2, p1, "run.json");
  g_assert_cmpstr (json_object_get_string_member (run, "sweep"), ==, want);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (run, "inputs")), ==, 4);
  tu_rm_rf (p1);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-o", out, "--resume", NULL), ==, 0);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "merge", out2, out, NULL), ==, 0);
  /* and a changed input is still found through the written names */
  g_free (changing_sweep (in, "200.0"));
  g_autofree char *err = NULL;
  g_assert_cmpint (tu_tiersim (NULL, &err, "sweep", sweep, "-o", out, "--resume", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "base.cfg changed"));
  tu_rm_rf (tmp);
}

/* A file the sweep file @includes is one of its inputs: edited between two shards, merge
 * refuses to join them, naming it (only the sweep file itself was hashed). */
static void
test_sweep_include_hashed (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *md1 = tu_data ("md1.cfg");
  g_autofree char *sweep = g_build_filename (tmp, "s.cfg", NULL), *axes = g_build_filename (tmp, "axes.cfg", NULL);
  g_autofree char *a = g_build_filename (tmp, "a", NULL), *b = g_build_filename (tmp, "b", NULL), *m = g_build_filename (tmp, "m", NULL);
  g_autofree char *text = g_strdup_printf ("scenario = \"%s\";\n@include \"axes.cfg\"\n", md1);
  g_assert_true (g_file_set_contents (sweep, text, -1, NULL));
  g_assert_true (g_file_set_contents (axes, "axes = ( { name = \"d\"; key = \"duration\"; values = [ 0.01, 0.02 ]; } );\n", -1, NULL));
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "--shard", "0/2", "-o", a, NULL), ==, 0);
  g_assert_true (g_file_set_contents (axes, "axes = ( { name = \"d\"; key = \"duration\"; values = [ 0.03, 0.04 ]; } );\n", -1, NULL));
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "--shard", "1/2", "-o", b, NULL), ==, 0);
  g_autofree char *err = NULL, *axes_abs = g_canonicalize_filename (axes, NULL);
  g_assert_cmpint (tu_tiersim (NULL, &err, "merge", m, a, b, NULL), ==, 2);
  g_assert_nonnull (strstr (err, axes_abs));
  /* a point's run.json says where its axis was set: line 1 of axes.cfg, not of s.cfg */
  g_autofree char *p0 = g_build_filename (a, "points", "000000", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonArray *ov = json_object_get_array_member (json_file_object (parser, p0, "run.json"), "overrides");
  g_autofree char *from = g_strconcat (axes_abs, ":1", NULL);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (ov, 0), "from"), ==, from);
  tu_rm_rf (tmp);
}

/* An input edited after the sweep was loaded (its manifest written) but before a point ran:
 * the point fails naming the file, rather than mixing two versions of it in one folder. */
static void
test_input_edited_while_running (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (tmp, "out", NULL), *base = g_build_filename (tmp, "base.cfg", NULL);
  g_autofree char *sweep = changing_sweep (tmp, "100.0");
  g_autoptr (GError) error = NULL;
  g_autoptr (TsSweep) sw = ts_sweep_load (sweep, &error);
  g_assert_no_error (error);
  g_free (changing_sweep (tmp, "200.0"));
  TsSweepOptions opt = { .jobs = 1, .n_shards = 1 };
  guint done, total;
  g_assert_false (ts_sweep_run (sw, out, &opt, &done, &total, &error));
  g_autofree char *base_abs = g_canonicalize_filename (base, NULL);
  g_assert_nonnull (strstr (error->message, base_abs));
  g_assert_nonnull (strstr (error->message, "has changed since the sweep was loaded"));
  tu_rm_rf (tmp);
}

/* points.csv is an output like any other: a link there is never replaced nor written through. */
static void
test_points_csv_link (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (tmp, "out", NULL), *target = g_build_filename (tmp, "precious", NULL);
  g_autofree char *link = g_build_filename (out, "points.csv", NULL), *sweep = tu_data ("sweeps/rates.cfg");
  g_assert_cmpint (g_mkdir (out, 0755), ==, 0);
  g_assert_true (g_file_set_contents (target, "keep\n", -1, NULL));
  g_assert_cmpint (symlink (target, link), ==, 0);
  g_autofree char *err = NULL;
  g_assert_cmpint (tu_tiersim (NULL, &err, "sweep", sweep, "-o", out, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "is not a regular file"));
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  g_autofree char *kept = tu_slurp (tmp, "precious");
  g_assert_cmpstr (kept, ==, "keep\n");
  tu_rm_rf (tmp);
}

/* points.csv is built from each point's point.txt and summary.csv: a NUL byte in one is an error
 * naming the line (the text was cut at the NUL, and what followed ignored), and a FIFO in place
 * of one is named as such (not "has no results"). */
static void
test_point_files_checked (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (tmp, "out", NULL), *sweep = tu_data ("sweeps/rates.cfg");
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-o", out, NULL), ==, 0);
  g_autofree char *p1 = g_build_filename (out, "points", "000001", NULL);
  g_autofree char *txt = tu_slurp (p1, "point.txt"), *file = g_build_filename (p1, "point.txt", NULL);
  GString *bad = g_string_new (txt);
  g_string_append_len (bad, "\0junk\n", 6);
  g_assert_true (g_file_set_contents (file, bad->str, (gssize) bad->len, NULL));
  g_string_free (bad, TRUE);
  g_autofree char *err = NULL, *err2 = NULL;
  g_assert_cmpint (tu_tiersim (NULL, &err, "merge", out, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "point.txt:3: a NUL byte"));
  g_assert_true (g_file_set_contents (file, txt, -1, NULL));
  g_autofree char *sum = g_build_filename (out, "points", "000002", "summary.csv", NULL);
  g_assert_cmpint (g_unlink (sum), ==, 0);
  g_assert_cmpint (mkfifo (sum, 0644), ==, 0);
  g_assert_cmpint (tu_tiersim (NULL, &err2, "merge", out, NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "summary.csv: not a regular file (a FIFO)"));
  tu_rm_rf (tmp);
}

/* search-idle.cfg: test_search's search beside an RT task that releases no job, with the policy
 * list set by fixed.  The idle task can neither hold nor fail the condition, so the answer is
 * test_search's (dmr <= 0 is "every job meets its deadline", which is p99 <= deadline with 51
 * jobs), for streams alone.  A base scenario without RT tasks cannot be searched. */
static void
test_search_idle_task (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-sweep-XXXXXX", NULL);
  g_autofree char *sweep = tu_data ("sweeps/search-idle.cfg");
  g_autofree char *out = NULL, *err = NULL;
  g_assert_cmpint (tu_tiersim (&out, &err, "sweep", "--search", sweep, "-o", tmp, NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");   /* no progress line: stderr is not a terminal */
  g_autofree char *csv = tu_slurp (tmp, "search.csv");
  g_auto (GStrv) lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);   /* header, streams, and the empty tail */
  g_auto (GStrv) f = g_strsplit (lines[1], ",", -1);
  g_assert_cmpstr (f[0], ==, "streams");
  g_assert_cmpstr (f[8], ==, "ok");
  double value = g_ascii_strtod (f[4], NULL), fails = g_ascii_strtod (f[5], NULL);
  g_assert_cmpfloat (value, >=, 0.99);
  g_assert_cmpfloat (value - 0.99, <=, 0.01);
  g_assert_cmpfloat (fails, <, 0.99);
  g_assert_null (strstr (out, "nan"));

  g_autofree char *scn = g_build_filename (tmp, "no-deadline.cfg", NULL), *bad = g_build_filename (tmp, "bad.cfg", NULL);
  g_autofree char *scn_text = g_strdup_printf (
    "name = \"nd\"; duration = 0.05; profile = \"test4\"; policies = [ \"seq\" ];\n"
    "tasks = ( { name = \"p\"; model = \"single\"; class = \"be\";\n"
    "            arrival = { type = \"periodic\"; period_ms = 2.0; }; } );\n");
  g_autofree char *bad_text = g_strdup_printf (
    "scenario = \"no-deadline.cfg\";\n"
    "search = { name = \"period_ms\"; key = \"tasks.p.arrival.period_ms\"; low = 0.5; high = 4.0;\n"
    "           tolerance = 0.01; direction = \"smallest\"; condition = \"p99\"; };\n");
  g_autofree char *models = g_build_filename (tmp, "models", NULL), *profiles = g_build_filename (tmp, "profiles", NULL);
  g_autofree char *data = tu_data ("models"), *pdata = tu_data ("profiles");
  g_assert_cmpint (symlink (data, models), ==, 0);
  g_assert_cmpint (symlink (pdata, profiles), ==, 0);
  g_assert_true (g_file_set_contents (scn, scn_text, -1, NULL));
  g_assert_true (g_file_set_contents (bad, bad_text, -1, NULL));
  g_autofree char *out2 = NULL, *err2 = NULL, *o2 = g_build_filename (tmp, "o2", NULL);
  g_assert_cmpint (tu_tiersim (&out2, &err2, "sweep", "--search", bad, "-o", o2, NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "bad.cfg:2: the search's condition is about RT tasks' deadlines, and"));
  tu_rm_rf (tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sweep/grid", test_grid);
  g_test_add_func ("/sweep/jobs-identical", test_jobs_identical);
  g_test_add_func ("/sweep/folder-lock-and-modes", test_folder_lock_and_modes);
  g_test_add_func ("/sweep/contention-identical-at-any-j", test_contention_identical);
  g_test_add_func ("/sweep/resume-after-kill", test_resume_after_kill);
  g_test_add_func ("/sweep/shards-merge", test_shards_merge);
  g_test_add_func ("/sweep/concurrent-shards", test_concurrent_shards);
  g_test_add_func ("/sweep/bad-files", test_bad_sweeps);
  g_test_add_func ("/sweep/search", test_search);
  g_test_add_func ("/sweep/search-idle-task", test_search_idle_task);
  g_test_add_func ("/sweep/emit-slurm", test_emit_slurm);
  g_test_add_func ("/sweep/manifest-hostile-path", test_manifest_hostile_path);
  g_test_add_func ("/sweep/changed-inputs", test_changed_inputs);
  g_test_add_func ("/sweep/merge-limits", test_merge_limits);
  g_test_add_func ("/sweep/search-ulp", test_search_ulp);
  g_test_add_func ("/sweep/point-provenance", test_point_provenance);
  g_test_add_func ("/sweep/merge-carries-everything", test_merge_carries_everything);
  g_test_add_func ("/sweep/merge-into-other-sweep", test_merge_into_other_sweep);
  g_test_add_func ("/sweep/non-utf8-paths", test_non_utf8_paths);
  g_test_add_func ("/sweep/sweep-include-hashed", test_sweep_include_hashed);
  g_test_add_func ("/sweep/input-edited-while-running", test_input_edited_while_running);
  g_test_add_func ("/sweep/points-csv-link", test_points_csv_link);
  g_test_add_func ("/sweep/point-files-checked", test_point_files_checked);
  return g_test_run ();
}
