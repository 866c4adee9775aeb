/* The tiersim command as a user runs it: exit statuses, messages, outputs, determinism. */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sim/out/report.h"
#include "tests/testutil.h"

typedef struct {
  int status;
  char *out, *err;
} Result;

static void
result_clear (Result *r)
{
  g_free (r->out);
  g_free (r->err);
}

/* Runs tiersim with a NULL-terminated argument list (the first may be NULL: no arguments). */
static Result
run (const char *first, ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  va_list ap;
  va_start (ap, first);
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  Result r = { 0 };
  r.status = tu_tiersim_argv (&r.out, &r.err, (const char *const *) args->pdata);
  return r;
}

#define assert_contains(hay, needle) \
  G_STMT_START { if (strstr ((hay), (needle)) == NULL) \
    g_error ("expected \"%s\" in:\n%s", (needle), (hay)); } G_STMT_END

static void
test_bad_scenarios_exit_2 (void)
{
  g_autofree char *dir = tu_data ("bad");
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *n;
  guint count = 0;
  while ((n = g_dir_read_name (d)) != NULL)
    {
      if (!g_str_has_suffix (n, ".cfg"))
        continue;
      g_autofree char *path = g_build_filename (dir, n, NULL);
      g_autofree char *text = NULL;
      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      g_autofree char *expect = g_strndup (text + 10, strcspn (text + 10, "\n"));
      Result r = run ("check", path, NULL);
      if (r.status != 2 || strstr (r.err, expect) == NULL)
        g_error ("%s: status %d, expected 2 and \"%s\"; stderr:\n%s", n, r.status, expect, r.err);
      if (strstr (strstr (r.err, expect) + 1, expect) != NULL)
        g_error ("%s: the error is reported twice:\n%s", n, r.err);
      g_assert_cmpstr (r.out, ==, "");   /* no partial output on stdout */
      result_clear (&r);
      Result r2 = run ("run", "-q", path, NULL);
      g_assert_cmpint (r2.status, ==, 2);
      g_assert_cmpstr (r2.out, ==, "");
      result_clear (&r2);
      count++;
    }
  g_assert_cmpuint (count, >=, 20);
}

static void
test_usage_errors (void)
{
  struct { const char *a, *b, *c, *msg; } cases[] = {
    { NULL, NULL, NULL, "Commands:" },
    { "frobnicate", NULL, NULL, "unknown command 'frobnicate'" },
    { "rnu", NULL, NULL, "did you mean 'run'?" },
    { "run", "-p", "strems", "did you mean 'streams'?" },
    { "run", "--bogus", NULL, "Unknown option --bogus" },
    { "run", "demo", "disb-a", "one scenario at most" },
    { "run", "--duration=-1", NULL, "--duration" },
    { "run", "--duration=nan", NULL, "--duration: 'nan' is not a number of seconds" },  /* was taken as "not given" */
    { "run", "--policy=seq", "--policy=seq", "-p seq is given twice" },
    { "run", "--duration=inf", NULL, "--duration: 'inf' is not a number of seconds" },
    { "run", "--trace-window=0:inf", NULL, "--trace-window '0:inf' is not START:END" },
    { "run", "--duration=1e6", "disb-e", "more than tiersim simulates in one run" },
    { "run", "--seed=x", NULL, "--seed" },
    { "run", "nosuch", NULL, "no such scenario file or shipped scenario" },
    { "run", "x\033[31my", NULL, "x\\x1b[31my: no such scenario" },  /* no raw escape to the terminal */
    { "run", "--set", "oops", "--set 'oops' is not KEY=VALUE" },
    { "run", "--set", "9x=1", "9x: '9x' is not a valid setting name" },
    { "run", "--set", "seed=3; duration=9", "seed: '3; duration=9' is not a libconfig value (one value per --set" },
    { "run", "--set", "profile.a b=1", "'a b' is not a valid setting name" },
    { "run", "--set", "profile.rules.contention=\"fast\"", "rules.contention: 'fast' is not one of 'sm+memory', 'sm', 'none'" },
    { "list", NULL, NULL, "say what to list" },
    { "list", "things", NULL, "say what to list" },
    { "check", NULL, NULL, "name at least one scenario" },
    { "sweep", "--shards=-3", "x.cfg", "--shards must be from 1 to 100000 (got -3)" },   /* was accepted */
    { "sweep", "--shards=0", "x.cfg", "--shards must be from 1 to 100000" },
    { "sweep", "--shards=4", "x.cfg", "--shards goes with --emit slurm" },
    { "sweep", "--jobs=0", "x.cfg", "-j must be from 1 to 4096" },
    { "sweep", "--jobs=99999999", "x.cfg", "-j must be from 1 to 4096" },
    { "sweep", "--jobs=nan", "x.cfg", "Cannot parse integer value" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Result r = run (cases[i].a, cases[i].b, cases[i].c, NULL);
      g_assert_cmpint (r.status, ==, 2);
      assert_contains (r.err, cases[i].msg);
      result_clear (&r);
    }
}

/* calibrate's numeric options are bounded before anything is measured, with or without CUDA or a
 * GPU: exit 2, the option and the value in the message, no profile, nothing on stdout.  The
 * device bound is the one run and validate use for the real backend. */
static void
test_calibrate_options (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tiersim-calib-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "p.cfg", NULL);
  struct { const char *a, *b, *msg; } cases[] = {
    { "--device=-1", NULL, "--device must be 0 to 255 (got -1)" },
    { "--device=256", NULL, "--device must be 0 to 255 (got 256)" },
    { "--device=99999999999", NULL, "for --device out of range" },
    { "--device=x", NULL, "Cannot parse integer value" },
    { "--samples=0", NULL, "--samples must be 1 to 100000 (got 0)" },
    { "-n", "100001", "--samples must be 1 to 100000 (got 100001)" },
    { "--samples=-5", "--device=3", "--samples must be 1 to 100000 (got -5)" },
    { "--samples=nan", NULL, "Cannot parse integer value" },
    { "--samples=1e3", NULL, "Cannot parse integer value" },
    { "extra", NULL, "takes no arguments" },
    { "--base=nosuch", NULL, "nosuch" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Result r = run ("calibrate", "-o", out, cases[i].a, cases[i].b, NULL);
      g_assert_cmpint (r.status, ==, 2);
      assert_contains (r.err, cases[i].msg);
      g_assert_cmpstr (r.out, ==, "");
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
      result_clear (&r);
    }
  /* In bounds but absent (no CUDA built in, no GPU, or no 256th GPU): still exit 2, no profile. */
  Result r = run ("calibrate", "-o", out, "--device=255", "-n", "1", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  result_clear (&r);
  const char *const real[][4] = { { "run", "-q", "--backend=cuda", "--device=-1" },
                                  { "validate", "demo", "--device=300", NULL } };
  for (guint i = 0; i < G_N_ELEMENTS (real); i++)
    {
      Result v = run (real[i][0], real[i][1], real[i][2], real[i][3], NULL);
      g_assert_cmpint (v.status, ==, 2);
      assert_contains (v.err, "--device must be 0 to 255 (got ");
      result_clear (&v);
    }
  g_rmdir (dir);
}

/* An output path that is a device is never replaced: --trace /dev/null made it a regular file.
 * It is refused before the run. */
static void
test_output_not_regular (void)
{
  GStatBuf before, after;
  g_assert_cmpint (g_stat ("/dev/null", &before), ==, 0);
  Result r = run ("run", "-q", "--duration", "0.05", "-p", "seq", "--trace", "/dev/null", NULL);
  g_assert_cmpint (r.status, ==, 2);  /* found before the run: nothing is simulated or printed */
  assert_contains (r.err, "/dev/null exists and is not a regular file");
  g_assert_cmpstr (r.out, ==, "");
  g_assert_cmpint (g_stat ("/dev/null", &after), ==, 0);
  g_assert_true (S_ISCHR (after.st_mode));
  result_clear (&r);
}

/* --set reaches the profile: the header names the contention rule it set. */
static void
test_set (void)
{
  Result r = run ("run", "--duration", "0.1", "-p", "seq", "--set", "profile.rules.contention=\"sm\"", NULL);
  g_assert_cmpint (r.status, ==, 0);
  assert_contains (r.out, "profile mi50 (datasheet), contention sm\n");
  result_clear (&r);
}

/* The words of a line of the table (cells hold no spaces but the totals' task names). */
static GStrv
table_words (const char *line)
{
  g_auto (GStrv) words = g_strsplit_set (line, " ", -1);
  GStrvBuilder *b = g_strv_builder_new ();
  for (guint i = 0; words[i]; i++)
    if (*words[i])
      g_strv_builder_add (b, words[i]);
  GStrv r = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return r;
}

/* The cell of the table `out` (headers on its first line) in the row of (policy, task), under
 * the header `column`; fails the test when there is none. */
static char *
table_cell (const char *out, const char *policy, const char *task, const char *column)
{
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  g_auto (GStrv) header = table_words (lines[0]);
  guint col = 0;
  while (header[col] && strcmp (header[col], column) != 0)
    col++;
  g_assert_nonnull (header[col]);
  for (guint i = 1; lines[i]; i++)
    {
      g_auto (GStrv) w = table_words (lines[i]);
      if (g_strv_length (w) == g_strv_length (header) && strcmp (w[0], policy) == 0 && strcmp (w[1], task) == 0)
        return g_strdup (w[col]);
    }
  g_error ("no row %s %s in:\n%s", policy, task, out);
}

/* tests/data/host.cfg (worked out in its header): host utilisation 0.003; a job's latency is
 * its launch (30 + 10 us), the kernel (500 us) and the wake-up (5 + 15 us): 0.560 ms. */
static void
test_host (void)
{
  g_autofree char *scn = tu_data ("host.cfg");
  Result c = run ("check", scn, NULL);
  g_assert_cmpint (c.status, ==, 0);
  assert_contains (c.out, "host utilisation (CPU per job / period / 2 cores; a sync per chunk): RT 0.003, BE 0.000");
  result_clear (&c);
  Result r = run ("run", "-q", "--wide", scn, NULL);
  g_assert_cmpint (r.status, ==, 0);
  const char *lat[] = { "lat_mean_ms", "lat_p50_ms", "lat_p90_ms", "lat_p99_ms", "lat_max_ms" };
  for (guint i = 0; i < G_N_ELEMENTS (lat); i++)
    {
      g_autofree char *v = table_cell (r.out, "rt-only", "rt", lat[i]);
      g_assert_cmpstr (v, ==, "0.560");
    }
  g_autofree char *acc = table_cell (r.out, "rt-only", "rt", "accuracy");
  g_assert_cmpstr (acc, ==, "0.900");
  result_clear (&r);
}

static void
test_help (void)
{
  const char *cmds[] = { "run", "check", "list", "version" };
  Result r = run ("--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cmds); i++)
    assert_contains (r.out, cmds[i]);
  result_clear (&r);
  for (guint i = 0; i < G_N_ELEMENTS (cmds); i++)
    {
      Result h = run (cmds[i], "--help", NULL);
      g_assert_cmpint (h.status, ==, 0);
      assert_contains (h.out, "Usage:");
      result_clear (&h);
    }
  Result v = run ("version", NULL);
  g_assert_cmpint (v.status, ==, 0);
  assert_contains (v.out, "tiersim " PACKAGE_VERSION);
  result_clear (&v);
}

static void
test_list (void)
{
  struct { const char *what; const char *names[4]; } cases[] = {
    { "policies", { "rt-only", "seq", "streams", "streams-prio" } },
    { "policies", { "wait", "reset", "reef", "reef-n" } },
    { "policies", { "pantheon", "pantheon-np", "edf", "rt-mdl" } },
    { "scenarios", { "robot", "uav", "indoor-traffic", "robot-poisson" } },
    { "models", { "face_detection", "sign_recognition", "alexnet-nx", "wildlife_recognition" } },
    { "profiles", { "jetson-xavier-nx", NULL } },
    { "scenarios", { "disb-b", "disb-c", "disb-d", "disb-real" } },
    { "scenarios", { "demo", "disb-a", NULL } },
    { "models", { "resnet50_64", "resnet152", "distilbert", "alexnet" } },
    { "profiles", { "mi50", NULL } },
    { "sweeps", { "disb-d-rt-rate", "disb-e-capacity", "robot-be-fps", "seeds" } },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Result r = run ("list", cases[i].what, NULL);
      g_assert_cmpint (r.status, ==, 0);
      for (guint j = 0; j < 4 && cases[i].names[j]; j++)
        assert_contains (r.out, cases[i].names[j]);
      g_assert_null (strstr (r.out, "does not load"));
      result_clear (&r);
    }
}

/* The embedded default: the table has a row per (policy, task) and a total per policy. */
static void
test_run_default (void)
{
  Result r = run ("run", "-q", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "policy "));
  g_auto (GStrv) lines = g_strsplit (r.out, "\n", -1);
  guint rows = 0;
  for (guint i = 1; lines[i]; i++)
    rows += lines[i][0] != '\0';
  /* rt-only: its task and the total (it drops the be task); the 8 others: 2 tasks, the be
   * subtotal and the total */
  g_assert_cmpuint (rows, ==, 2 + 8 * 4);
  g_assert_cmpstr (r.err, ==, "");
  result_clear (&r);
  Result c = run ("check", "demo", "disb-a", NULL);
  g_assert_cmpint (c.status, ==, 0);
  result_clear (&c);
}

/* Same scenario and seed: byte-identical files.  good.cfg has Poisson arrivals and jitter,
 * so a different seed must change jobs.csv. */
static void
test_determinism (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-XXXXXX", NULL);
  g_autofree char *d1 = g_build_filename (tmp, "a", NULL), *d2 = g_build_filename (tmp, "b", NULL),
                  *d3 = g_build_filename (tmp, "c", NULL);
  g_autofree char *scn = tu_data ("good.cfg");
  /* seq, and two policies that preempt, so that preemptions.csv has rows */
  Result r1 = run ("run", "-q", "-p", "seq", "-p", "reef", "-p", "wait", "-o", d1, scn, NULL),
         r2 = run ("run", "-q", "-p", "seq", "-p", "reef", "-p", "wait", "-o", d2, scn, NULL),
         r3 = run ("run", "-q", "-p", "seq", "-p", "reef", "-p", "wait", "--seed", "43", "-o", d3, scn, NULL);
  g_assert_cmpint (r1.status, ==, 0);
  g_assert_cmpint (r2.status, ==, 0);
  g_assert_cmpint (r3.status, ==, 0);
  g_assert_cmpstr (r1.out, ==, r2.out);
  const char *files[] = { "summary.csv", "jobs.csv", "preemptions.csv" };
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *a = tu_slurp (d1, files[i]), *b = tu_slurp (d2, files[i]);
      g_assert_cmpstr (a, ==, b);
    }
  g_autofree char *s1 = tu_slurp (d1, "summary.csv"), *j1 = tu_slurp (d1, "jobs.csv"), *j3 = tu_slurp (d3, "jobs.csv");
  g_autofree char *p1 = tu_slurp (d1, "preemptions.csv");
  g_assert_true (g_str_has_prefix (p1, TS_PREEMPTIONS_COLUMNS "\n"));
  g_assert_nonnull (strstr (p1, "\nreef,"));
  g_assert_nonnull (strstr (p1, "\nwait,"));
  g_assert_cmpstr (j1, !=, j3);
  g_assert_true (g_str_has_prefix (s1, TS_SUMMARY_COLUMNS ","));   /* leading columns, then extras */
  g_assert_true (g_str_has_prefix (j1, TS_JOBS_COLUMNS "\n"));
  result_clear (&r1), result_clear (&r2), result_clear (&r3);
  tu_rm_rf (tmp);
}

/* An output directory that cannot be created: exit 1 (the run failed), a message naming it. */
static void
test_unwritable_output (void)
{
  Result r = run ("run", "-q", "-o", "/proc/tiersim-cannot-exist", NULL);
  g_assert_cmpint (r.status, ==, 1);
  assert_contains (r.err, "/proc/tiersim-cannot-exist");
  result_clear (&r);
}

/* tiersim sweep --emit slurm with user text that sh would run or split: a sweep file and an output
 * folder whose names hold $(...), spaces, quotes and '%'.  The script runs here with sbatch
 * replaced by a stub that logs its arguments and runs --wrap as Slurm would (each array task,
 * then the merge); nothing may run but tiersim, and the points must land in that folder. */
static const char sbatch_stub[] =
  "#!/bin/sh\n"
  "array= wrap=\n"
  "for a; do\n"
  "  printf 'ARG[%s]\\n' \"$a\" >> \"$STUB_LOG\"\n"
  "  case $a in --array=*) array=${a#--array=} ;; --wrap=*) wrap=${a#--wrap=} ;; esac\n"
  "done\n"
  "if [ -n \"$array\" ]; then\n"
  "  i=${array%-*}\n"
  "  while [ \"$i\" -le \"${array#*-}\" ]; do\n"
  "    SLURM_ARRAY_TASK_ID=$i sh -c \"$wrap\" >> \"$STUB_LOG\" 2>&1 || exit 1\n"
  "    i=$((i + 1))\n"
  "  done\n"
  "else\n"
  "  sh -c \"$wrap\" >> \"$STUB_LOG\" 2>&1 || exit 1\n"
  "fi\n"
  "echo 7\n";

static void
test_emit_slurm_quoting (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-slurm-XXXXXX", NULL);
  g_autofree char *bin = g_build_filename (tmp, "bin", NULL);
  g_autofree char *stub = g_build_filename (bin, "sbatch", NULL);
  g_autofree char *log = g_build_filename (tmp, "log", NULL);
  g_autofree char *sdir = g_build_filename (tmp, "s $(touch PWNED1) `touch PWNED3` it's", NULL);
  g_autofree char *sweep = g_build_filename (sdir, "a b.cfg", NULL);
  g_autofree char *out = g_build_filename (tmp, "o $(touch PWNED2) \"q\" 100%x;", NULL);
  g_autofree char *md1 = tu_data ("md1.cfg");
  g_assert_cmpint (g_mkdir (bin, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (sdir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (stub, sbatch_stub, -1, NULL));
  g_assert_cmpint (g_chmod (stub, 0755), ==, 0);
  g_autofree char *text = g_strdup_printf (
    "scenario = \"%s\";\n"
    "axes = ( { name = \"rate\"; key = \"tasks.q.arrival.rate\"; values = [ 100.0, 300.0 ]; },\n"
    "         { name = \"duration\"; key = \"duration\"; values = [ 0.05 ]; } );\n", md1);
  g_assert_true (g_file_set_contents (sweep, text, -1, NULL));

  Result e = run ("sweep", sweep, "--emit", "slurm", "--shards", "2", "-j", "1", "-o", out,
                  "--sbatch-arg=--time=0:10:00", "--sbatch-arg", "--comment=$(touch PWNED4) `touch PWNED5` it's", NULL);
  g_assert_cmpint (e.status, ==, 0);
  g_assert_cmpstr (e.err, ==, "");   /* 2 shards of 2 points: nothing reduced */
  result_clear (&e);

  g_autofree char *script = g_build_filename (out, "slurm-submit.sh", NULL);
  g_autofree char *path = g_strdup_printf ("PATH=%s:%s", bin, g_getenv ("PATH"));
  g_autofree char *logenv = g_strconcat ("STUB_LOG=", log, NULL);
  const char *argv[] = { "sh", script, NULL };
  const char *envp[] = { path, logenv, NULL };
  int status;
  g_autoptr (GError) error = NULL;
  g_autofree char *sout = NULL, *serr = NULL;
  g_spawn_sync (tmp, (char **) argv, (char **) envp, G_SPAWN_SEARCH_PATH, NULL, NULL, &sout, &serr, &status, &error);
  g_assert_no_error (error);
  g_autofree char *logged = NULL;
  g_file_get_contents (log, &logged, NULL, NULL);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("the script failed:\n%s\nlog:\n%s", serr, logged ? logged : "");
  const char *pwned[] = { "PWNED1", "PWNED2", "PWNED3", "PWNED4", "PWNED5" };
  for (guint i = 0; i < G_N_ELEMENTS (pwned); i++)
    {
      g_autofree char *p = g_build_filename (tmp, pwned[i], NULL);
      g_assert_false (g_file_test (p, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (pwned[i], G_FILE_TEST_EXISTS));
    }
  /* each path one argument; '%' escaped for sbatch's --output pattern */
  g_auto (GStrv) pct = g_strsplit (out, "%", -1);
  g_autofree char *pattern = g_strjoinv ("%%", pct);
  g_autofree char *want = g_strdup_printf ("ARG[--output=%s/slurm-%%A_%%a.out]", pattern);
  assert_contains (logged, want);
  /* each --sbatch-arg one argument of both sbatch calls, as written */
  const char *user[] = { "ARG[--time=0:10:00]\nARG[--comment=$(touch PWNED4) `touch PWNED5` it's]\n" };
  const char *first = strstr (logged, user[0]);
  g_assert_nonnull (first);
  g_assert_nonnull (strstr (first + 1, user[0]));
  g_autofree char *points = g_build_filename (out, "points.csv", NULL);
  if (!g_file_test (points, G_FILE_TEST_IS_REGULAR))
    g_error ("no points.csv in %s; log:\n%s", out, logged);
  tu_rm_rf (tmp);
}

/* run -o writes run.json (parsed with json-glib: version, command line, seed, scenario, the
 * SHA-256 of every file read, the policies) and scenario.cfg, a copy of the scenario. */
static void
test_run_provenance (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (tmp, "o\"ut\\", NULL);
  g_autofree char *scn = tu_data ("period.cfg"), *model = tu_data ("models/single.cfg");
  Result r = run ("run", "-q", "--seed", "42", "-p", "seq", "-o", out, scn, NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  g_autofree char *file = g_build_filename (out, "run.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  json_parser_load_from_file (parser, file, &error);
  g_assert_no_error (error);
  JsonObject *o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (o, "tiersim"), ==, PACKAGE_VERSION);
  g_assert_cmpint (json_object_get_int_member (o, "seed"), ==, 42);
  JsonArray *cmd = json_object_get_array_member (o, "command");
  const char *want[] = { "tiersim", "run", "-q", "--seed", "42", "-p", "seq", "-o", out, scn };
  g_assert_cmpuint (json_array_get_length (cmd), ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    g_assert_cmpstr (json_array_get_string_element (cmd, i), ==, want[i]);
  JsonArray *pol = json_object_get_array_member (o, "policies");
  g_assert_cmpuint (json_array_get_length (pol), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (pol, 0), ==, "seq");
  g_autofree char *scn_abs = g_canonicalize_filename (scn, NULL), *model_abs = g_canonicalize_filename (model, NULL);
  g_assert_cmpstr (json_object_get_string_member (o, "scenario"), ==, scn_abs);
  g_autofree char *text = NULL, *mtext = NULL;
  gsize len, mlen;
  g_assert_true (g_file_get_contents (scn, &text, &len, NULL));
  g_assert_true (g_file_get_contents (model, &mtext, &mlen, NULL));
  g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, len);
  g_autofree char *msha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) mtext, mlen);
  g_assert_cmpstr (json_object_get_string_member (o, "scenario_sha256"), ==, sha);
  JsonObject *in = json_object_get_object_member (o, "inputs");
  g_assert_cmpstr (json_object_get_string_member (in, scn_abs), ==, sha);
  g_assert_cmpstr (json_object_get_string_member (in, model_abs), ==, msha);
  g_assert_cmpuint (json_object_get_size (in), ==, 3);   /* scenario, model, profile */
  g_autofree char *copy = tu_slurp (out, "scenario.cfg");
  g_assert_cmpstr (copy, ==, text);
  tu_rm_rf (tmp);
}

/* A path is any bytes; JSON text is UTF-8.  run -o into a folder whose name is not UTF-8 writes a
 * run.json that still parses (json-glib wrote the bytes as they were: no parser read it back),
 * each stray byte shown as the four characters \xNN. */
static void
test_run_provenance_non_utf8 (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (tmp, "o\xff\xc3(", NULL);
  g_autofree char *scn = tu_data ("period.cfg");
  Result r = run ("run", "-q", "-o", out, scn, NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  g_autofree char *file = g_build_filename (out, "run.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  json_parser_load_from_file (parser, file, &error);
  g_assert_no_error (error);
  JsonArray *cmd = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "command");
  /* 0xc3 starts a two-byte sequence, but '(' cannot continue it: both 0xff and 0xc3 are stray */
  g_autofree char *want = g_strconcat (tmp, "/o\\xFF\\xC3(", NULL);
  g_assert_cmpstr (json_array_get_string_element (cmd, 4), ==, want);
  tu_rm_rf (tmp);
}

static void
kill_after_20s (gpointer data)
{
  (void) data;
  alarm (20);  /* kept across exec: a tiersim that blocks dies of SIGALRM and the test fails */
}

/* The sweep loader and the CLI refuse /dev/zero (which never ends), a FIFO (which blocks) and a
 * file over 16 MiB at once: exit 2, the path in the message. */
static void
test_inputs_not_regular (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (tmp, "fifo.cfg", NULL);
  g_autofree char *big = g_build_filename (tmp, "big.cfg", NULL);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  int fd = g_open (big, O_WRONLY | O_CREAT, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, 17 << 20), ==, 0);
  close (fd);
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  struct { const char *cmd, *path, *msg; } cases[] = {
    { "sweep", "/dev/zero", "/dev/zero: not a regular file (a character device)" },
    { "sweep", fifo, "fifo.cfg: not a regular file (a FIFO)" },
    { "sweep", big, "big.cfg: 17825792 bytes; an input file may have at most 16 MiB" },
    { "check", "/dev/zero", "/dev/zero: not a regular file (a character device)" },
    { "check", fifo, "fifo.cfg: not a regular file (a FIFO)" },
    { "run", big, "big.cfg: 17825792 bytes; an input file may have at most 16 MiB" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *bin = g_getenv ("TIERSIM");
      const char *argv[] = { bin ? bin : TS_ABS_BUILDDIR "/tiersim", cases[i].cmd, cases[i].path,
                             "-o", out, NULL };
      if (strcmp (cases[i].cmd, "check") == 0)
        argv[3] = NULL;
      g_autofree char *sout = NULL, *serr = NULL;
      g_autoptr (GError) error = NULL;
      int status;
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, kill_after_20s, NULL, &sout, &serr, &status, &error);
      g_assert_no_error (error);
      if (!WIFEXITED (status) || WEXITSTATUS (status) != 2 || strstr (serr, cases[i].msg) == NULL)
        g_error ("tiersim %s %s: status %d, expected exit 2 and \"%s\"; stderr:\n%s", cases[i].cmd,
                 cases[i].path, status, cases[i].msg, serr);
    }
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  tu_rm_rf (tmp);
}

/* The table's header row: its whitespace-separated names. */
static GStrv
table_header (const char *out)
{
  g_autofree char *line = g_strndup (out, strcspn (out, "\n"));
  return table_words (line);
}

/* The table's columns are summary.csv's names: the compact default a subset in the CSV's order,
 * --wide all of them (plus the rt-only comparison); every task row's counts agree with the CSV. */
static void
test_run_table (void)
{
  g_autofree char *header = ts_report_summary_header ();
  g_assert_cmpstr (header, ==, TS_SUMMARY_COLUMNS "," TS_SUMMARY_EXTRA_COLUMNS);
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-XXXXXX", NULL);
  g_autofree char *scn = tu_data ("good.cfg");
  Result c = run ("run", "-q", "-p", "rt-only", "-p", "seq", "-o", tmp, scn, NULL),
         w = run ("run", "-q", "--wide", "-p", "rt-only", "-p", "seq", scn, NULL),
         l = run ("run", "-p", "seq", "--duration", "0.1", scn, NULL);
  g_assert_cmpint (c.status, ==, 0);
  g_assert_cmpint (w.status, ==, 0);
  g_assert_cmpint (l.status, ==, 0);
  g_auto (GStrv) ch = table_header (c.out), wh = table_header (w.out);
  const char *const compact[] = { "policy", "task", "class", "jobs", "missed", "dmr", "lat_p50_ms", "lat_p99_ms",
                                  "accuracy", "throughput_rps", NULL };
  g_assert_true (g_strv_equal ((const char *const *) ch, compact));
  g_auto (GStrv) csv_names = g_strsplit (header, ",", -1);
  g_assert_cmpuint (g_strv_length (wh), ==, g_strv_length (csv_names) + 1);
  for (guint i = 0; csv_names[i]; i++)
    g_assert_cmpstr (wh[i], ==, csv_names[i]);
  g_assert_cmpstr (wh[g_strv_length (csv_names)], ==, "lat_mean_vs_rt_only");
  /* the compact table's jobs and missed against summary.csv's, row by row */
  g_autofree char *csv = tu_slurp (tmp, "summary.csv");
  g_auto (GStrv) csv_rows = g_strsplit (csv, "\n", -1);
  g_auto (GStrv) rows = g_strsplit (c.out, "\n", -1);
  guint checked = 0;
  for (guint i = 1; rows[i]; i++)
    {
      g_auto (GStrv) f = g_strsplit_set (rows[i], " ", -1);
      GPtrArray *cells = g_ptr_array_new ();
      for (guint k = 0; f[k]; k++)
        if (*f[k])
          g_ptr_array_add (cells, f[k]);
      if (cells->len == 10)
        {
          g_autofree char *prefix = g_strdup_printf ("%s,%s,%s,%s,", (char *) cells->pdata[0], (char *) cells->pdata[1],
                                                     (char *) cells->pdata[2], (char *) cells->pdata[3]);
          gboolean found = FALSE;
          for (guint k = 1; csv_rows[k] && !found; k++)
            if (g_str_has_prefix (csv_rows[k], prefix))
              {
                g_auto (GStrv) v = g_strsplit (csv_rows[k], ",", -1);
                g_assert_cmpstr (v[5], ==, cells->pdata[4]);   /* missed */
                found = TRUE;
              }
          g_assert_true (found);
          checked++;
        }
      g_ptr_array_unref (cells);
    }
  g_assert_cmpuint (checked, ==, 6);   /* rt-only runs the 2 RT tasks, seq all 4; totals are not in summary.csv */
  /* without -q, a legend names each column shown */
  assert_contains (l.out, "Columns");
  for (guint i = 3; compact[i]; i++)
    {
      g_autofree char *item = g_strdup_printf ("%s: ", compact[i]);
      assert_contains (l.out, item);
    }
  g_assert_null (strstr (l.out, "lat_p90_ms: "));
  result_clear (&c), result_clear (&w), result_clear (&l);
  tu_rm_rf (tmp);
}

/* Each of needles occurs in hay, each after the one before. */
static void
assert_in_order (const char *hay, const char *const *needles, guint n)
{
  const char *at = hay;
  for (guint i = 0; i < n; i++)
    {
      at = strstr (at, needles[i]);
      g_assert_nonnull (at);
      at++;
    }
}

static void
assert_same_file (const char *d1, const char *d2, const char *name)
{
  g_autofree char *a = tu_slurp (d1, name), *b = tu_slurp (d2, name);
  g_assert_cmpstr (a, ==, b);
}

/* -j N: the policies of a scenario in parallel, with the same outputs as one at a time; no
 * progress line when stderr is not a terminal. */
static void
test_run_parallel (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-XXXXXX", NULL);
  g_autofree char *d1 = g_build_filename (tmp, "j1", NULL), *d3 = g_build_filename (tmp, "j3", NULL);
  g_autofree char *scn = tu_data ("good.cfg");
#define POLICIES "-p", "rt-only", "-p", "seq", "-p", "streams-prio", "-p", "reef", "-p", "wait", "-p", "pantheon", "-p", "edf"
  Result r1 = run ("run", "-q", "--wide", "-j", "1", POLICIES, "-o", d1, scn, NULL),
         r3 = run ("run", "-q", "--wide", "-j", "3", POLICIES, "-o", d3, scn, NULL),
         bad = run ("run", "-q", "-j", "0", scn, NULL);
#undef POLICIES
  g_assert_cmpint (r1.status, ==, 0);
  g_assert_cmpint (r3.status, ==, 0);
  g_assert_cmpint (bad.status, ==, 2);
  g_assert_cmpstr (r1.out, ==, r3.out);
  g_assert_cmpstr (r1.err, ==, "");
  g_assert_cmpstr (r3.err, ==, "");
  assert_same_file (d1, d3, "jobs.csv");
  assert_same_file (d1, d3, "preemptions.csv");
  assert_same_file (d1, d3, "summary.csv");
  /* the policies appear in the order given, not the order they finished */
  g_autofree char *s = tu_slurp (d3, "summary.csv");
  const char *order[] = { "\nrt-only,", "\nseq,", "\nstreams-prio,", "\nreef,", "\nwait,", "\npantheon,", "\nedf," };
  assert_in_order (s, order, G_N_ELEMENTS (order));
  result_clear (&r1), result_clear (&r3), result_clear (&bad);
  tu_rm_rf (tmp);
}

/* Shipped sweeps by name ('tiersim sweep NAME', as 'run NAME'); --shards above the point count is
 * reduced, and says so; --sbatch-arg takes only options, and only with --emit slurm. */
static void
test_sweep_by_name (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-XXXXXX", NULL);
  g_autofree char *o = g_build_filename (tmp, "o", NULL);
  /* seeds.cfg: 8 replicas of one scenario, so 8 points */
  Result r = run ("sweep", "seeds", "--emit", "slurm", "--shards", "16", "-o", o, NULL),
         none = run ("sweep", "no-such-sweep", "-o", o, NULL),
         word = run ("sweep", "seeds", "--emit", "slurm", "--sbatch-arg", "partition=short", "-o", o, NULL),
         nl = run ("sweep", "seeds", "--emit", "slurm", "--sbatch-arg", "--comment=a\nb", "-o", o, NULL),
         alone = run ("sweep", "seeds", "--sbatch-arg", "--partition=x", "-o", o, NULL);
  g_assert_cmpint (r.status, ==, 0);
  assert_contains (r.err, "--shards 16 reduced to 8: the sweep has 8 points");
  g_autofree char *script = tu_slurp (o, "slurm-submit.sh");
  assert_contains (script, "--array=0-7 ");
  assert_contains (script, "/sweeps/seeds.cfg");
  g_assert_cmpint (none.status, ==, 2);
  assert_contains (none.err, "no-such-sweep: no such file, and no shipped sweep of that name");
  g_assert_cmpint (word.status, ==, 2);
  assert_contains (word.err, "is not an sbatch option");
  g_assert_cmpint (nl.status, ==, 2);
  g_assert_cmpint (alone.status, ==, 2);
  result_clear (&r), result_clear (&none), result_clear (&word), result_clear (&nl), result_clear (&alone);
  tu_rm_rf (tmp);
}

/* Progress goes to stderr only when it is a terminal (util-linux's script(1) provides one; the
 * other tests check that a pipe gets none), and its line is cleared before the results. */
static void
test_progress_tty (void)
{
  g_autofree char *script = g_find_program_in_path ("script");
  if (script == NULL)
    {
      g_test_skip ("no script(1) to give tiersim a terminal");
      return;
    }
  const char *bin = g_getenv ("TIERSIM") ? g_getenv ("TIERSIM") : TS_ABS_BUILDDIR "/tiersim";
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-XXXXXX", NULL);
  g_autofree char *scn = tu_data ("good.cfg"), *sweep = tu_data ("sweeps/search-idle.cfg");
  g_autofree char *out = g_build_filename (tmp, "o", NULL);
  g_autofree char *q_bin = g_shell_quote (bin), *q_scn = g_shell_quote (scn), *q_sweep = g_shell_quote (sweep);
  g_autofree char *q_out = g_shell_quote (out);
  /* stdout to /dev/null: what script records is stderr alone */
  g_autofree char *cmd = g_strdup_printf ("%s run -q -j 2 -p seq -p reef -p edf %s >/dev/null; "
                                          "%s sweep --search %s -o %s >/dev/null", q_bin, q_scn, q_bin, q_sweep, q_out);
  const char *argv[] = { script, "-qec", cmd, "/dev/null", NULL };
  g_autofree char *sout = NULL;
  int status;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &sout, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  assert_contains (sout, "run: 0/3 policies done");
  assert_contains (sout, "run: 2/3 policies done (last: ");
  assert_contains (sout, "search: 1 runs, 0/1 policies done");
  assert_contains (sout, "1/1 policies done");
  g_assert_true (g_str_has_suffix (sout, "\r\033[K"));   /* the last line cleared */
  tu_rm_rf (tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/bad-scenarios-exit-2", test_bad_scenarios_exit_2);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/calibrate-options", test_calibrate_options);
  g_test_add_func ("/cli/run-provenance-non-utf8", test_run_provenance_non_utf8);
  g_test_add_func ("/cli/set", test_set);
  g_test_add_func ("/cli/output-not-regular", test_output_not_regular);
  g_test_add_func ("/cli/host", test_host);
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/list", test_list);
  g_test_add_func ("/cli/run-default", test_run_default);
  g_test_add_func ("/cli/determinism", test_determinism);
  g_test_add_func ("/cli/unwritable-output", test_unwritable_output);
  g_test_add_func ("/cli/emit-slurm-quoting", test_emit_slurm_quoting);
  g_test_add_func ("/cli/inputs-not-regular", test_inputs_not_regular);
  g_test_add_func ("/cli/run-provenance", test_run_provenance);
  g_test_add_func ("/cli/run-table", test_run_table);
  g_test_add_func ("/cli/run-parallel", test_run_parallel);
  g_test_add_func ("/cli/sweep-by-name", test_sweep_by_name);
  g_test_add_func ("/cli/progress-tty", test_progress_tty);
  return g_test_run ();
}
