/* Plots and traces: every figure comes from a .gp file that gnuplot accepts and writes a non-empty
 * PNG; a Chrome trace is JSON with the expected events; names that try to break out of a gnuplot
 * string run nothing; malformed CSV is a clean error.  What needs gnuplot is skipped without it. */
#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "sim/plot.h"
#include "tests/testutil.h"

static gboolean have_gnuplot;

/* Every .gp in dir/plots has its PNG, non-empty and a PNG (its signature), and its SVG. */
static guint
check_plots (const char *dir)
{
  g_autofree char *plots = g_build_filename (dir, "plots", NULL);
  g_autoptr (GDir) d = g_dir_open (plots, 0, NULL);
  g_assert_nonnull (d);
  const char *n;
  guint count = 0;
  while ((n = g_dir_read_name (d)) != NULL)
    {
      if (!g_str_has_suffix (n, ".gp"))
        continue;
      g_autofree char *stem = g_strndup (n, strlen (n) - 3);
      g_autofree char *png = g_strdup_printf ("%s/%s.png", plots, stem), *svg = g_strdup_printf ("%s/%s.svg", plots, stem);
      g_autofree char *data = NULL;
      gsize len;
      g_assert_true (g_file_get_contents (png, &data, &len, NULL));
      g_assert_cmpuint (len, >, 1000);
      g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
      g_assert_true (g_file_test (svg, G_FILE_TEST_IS_REGULAR));
      count++;
    }
  return count;
}

static void
test_quote (void)
{
  static const char *const cases[][2] = {
    { "plain_name", "'plain_name'" },
    { "", "''" },
    { "x' ; system(\"touch PWNED\") ; '", "'x'' ; system(\"touch PWNED\") ; '''" },
    { "a\nb\rc\td\x7f", "'a b c d '" },      /* a newline would end the command */
    { "back\\slash \\'", "'back\\slash \\'''" },  /* no backslash processing in '...' */
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *q = ts_plot_quote (cases[i][0]);
      g_assert_cmpstr (q, ==, cases[i][1]);
    }
}

/* No file named PWNED in any of the NULL-terminated folders. */
static void
assert_no_pwned (const char *first, ...)
{
  va_list ap;
  va_start (ap, first);
  for (const char *d = first; d; d = va_arg (ap, const char *))
    {
      g_autofree char *f = g_build_filename (d, "PWNED", NULL);
      if (g_file_test (f, G_FILE_TEST_EXISTS))
        g_error ("a name ran a command through gnuplot: %s exists", f);
    }
  va_end (ap);
}

/* Task names (tests/data/hostile-name.cfg) and a sweep's axis name and labels
 * (tests/data/sweeps/hostile-names.cfg) that end a '...' string and call system(): the figures are
 * drawn and nothing is run. */
static void
test_hostile_names (void)
{
  if (!have_gnuplot)
    {
      g_test_skip ("gnuplot is not installed");
      return;
    }
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-plot-XXXXXX", NULL), *cwd = g_get_current_dir ();
  g_autofree char *dir = g_build_filename (tmp, "run", NULL), *plots = g_build_filename (dir, "plots", NULL);
  g_autofree char *scn = tu_data ("hostile-name.cfg"), *err = NULL, *err2 = NULL;
  int rc = tu_tiersim (NULL, &err, "run", "-q", "-o", dir, "--plot", scn, NULL);
  assert_no_pwned (plots, dir, tmp, cwd, NULL);
  if (rc != 0)
    g_error ("tiersim run --plot: exit %d: %s", rc, err);
  /* CDFs for three tasks, three bar charts, a timeline per policy (2) */
  g_assert_cmpuint (check_plots (dir), ==, 3 + 3 + 2);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "plot", dir, NULL), ==, 0);
  assert_no_pwned (plots, dir, tmp, cwd, NULL);

  g_autofree char *sdir = g_build_filename (tmp, "sweep", NULL), *splots = g_build_filename (sdir, "plots", NULL);
  g_autofree char *sweep = tu_data ("sweeps/hostile-names.cfg");
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-o", sdir, NULL), ==, 0);
  rc = tu_tiersim (NULL, &err2, "plot", sdir, NULL);
  assert_no_pwned (splots, sdir, tmp, cwd, NULL);
  if (rc != 0)
    g_error ("tiersim plot: exit %d: %s", rc, err2);
  g_assert_cmpuint (check_plots (sdir), ==, 4);
  tu_rm_rf (tmp);
}

/* A summary.csv with a quoted newline in a name or with broken quoting is a clean error or a
 * figure, never a read out of bounds (the reader once split lines before parsing quotes). */
static void
test_malformed_csv (void)
{
  static const char *const bad[] = {
    "policy,task,class,dmr,accuracy,throughput_rps\nseq,\"two\nlines\",rt,0,1\n",   /* a field short */
    "policy,task,class,dmr,accuracy,throughput_rps\nseq,\"never closed,rt,0,1,2\n",
    "policy,task,class,dmr,accuracy,throughput_rps\nseq,a\"b,rt,0,1,2\n",
    "policy,task\nseq,a\n",                                                         /* no class column */
    "",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *tmp = g_dir_make_tmp ("tiersim-plot-XXXXXX", NULL);
      g_autofree char *sum = g_build_filename (tmp, "summary.csv", NULL), *jobs = g_build_filename (tmp, "jobs.csv", NULL);
      g_assert_true (g_file_set_contents (sum, bad[i], -1, NULL));
      g_assert_true (g_file_set_contents (jobs, "policy,task,release,finish\n", -1, NULL));
      g_autofree char *err = NULL;
      int rc = tu_tiersim (NULL, &err, "plot", tmp, NULL);
      if (rc != 2 || strstr (err, "summary.csv") == NULL)
        g_error ("case %u: exit %d: %s", i, rc, err);
      tu_rm_rf (tmp);
    }
  /* a name with a newline, quoted as it must be, is read whole */
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-plot-XXXXXX", NULL);
  g_autofree char *sum = g_build_filename (tmp, "summary.csv", NULL), *jobs = g_build_filename (tmp, "jobs.csv", NULL);
  g_assert_true (g_file_set_contents (sum, "policy,task,class,dmr,accuracy,throughput_rps\nseq,\"two\nlines\",rt,0,1,2\n", -1, NULL));
  g_assert_true (g_file_set_contents (jobs, "policy,task,release,finish\nseq,\"two\nlines\",0,1000000\n", -1, NULL));
  g_autofree char *err = NULL;
  int rc = tu_tiersim (NULL, &err, "plot", tmp, NULL);
  if (rc != (have_gnuplot ? 0 : 1))
    g_error ("exit %d: %s", rc, err);
  g_autofree char *dat = NULL, *file = g_build_filename (tmp, "plots", "throughput.dat", NULL);
  g_assert_true (g_file_get_contents (file, &dat, NULL, NULL));
  g_assert_cmpstr (dat, ==, "task seq\n\"two lines\" 2.000000\n");
  tu_rm_rf (tmp);
}

static void
test_run_plots_and_trace (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-plot-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (tmp, "run", NULL), *trace = g_build_filename (tmp, "t.json", NULL);
  g_autofree char *scn = tu_data ("hand-preempt.cfg");
  g_assert_cmpint (tu_tiersim (NULL, NULL, "run", "-q", "-o", dir, "--plot", "--trace", trace, "--trace-window", "0:0.01", scn, NULL), ==, 0);
  /* CDFs for be and rt, three bar charts, a timeline per policy (4) */
  g_assert_cmpuint (check_plots (dir), ==, 2 + 3 + 4);
  g_autofree char *json = NULL;
  g_assert_true (g_file_get_contents (trace, &json, NULL, NULL));
  g_assert_true (g_str_has_prefix (json, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":["));
  g_assert_nonnull (strstr (json, "\"cat\":\"kernel\""));
  g_assert_nonnull (strstr (json, "\"cat\":\"job\""));
  g_assert_nonnull (strstr (json, "\"name\":\"preemption\""));   /* every policy here preempts */
  g_assert_nonnull (strstr (json, "\"name\":\"rt #0\""));
  /* re-running a kept script by hand works */
  g_autofree char *plots = g_build_filename (dir, "plots", NULL);
  const char *argv[] = { "gnuplot", "rt-dmr.gp", NULL };
  int status;
  g_assert_true (g_spawn_sync (plots, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  tu_rm_rf (tmp);
}

static void
test_sweep_plots (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-plot-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (tmp, "sweep", NULL), *sweep = tu_data ("sweeps/rates.cfg");
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-o", dir, NULL), ==, 0);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "plot", dir, NULL), ==, 0);
  g_assert_cmpuint (check_plots (dir), ==, 4);   /* RT DMR, RT p99, BE and total throughput */
  g_autofree char *dat = NULL, *file = g_build_filename (dir, "plots", "sweep-rt-dmr.dat", NULL);
  g_assert_true (g_file_get_contents (file, &dat, NULL, NULL));
  g_assert_true (g_str_has_prefix (dat, "rate seq\n100.0 "));   /* the axis, a column per policy */
  g_assert_cmpint (tu_tiersim (NULL, NULL, "plot", tmp, NULL), ==, 2);        /* not a results folder */
  tu_rm_rf (tmp);
}

/* Writes text as dir/name. */
static void
put (const char *dir, const char *name, const char *text)
{
  g_autofree char *f = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (f, text, -1, NULL));
}

/* Names that map to one file stem ("a b" and "a_b"; two Cyrillic names of one length) each get
 * their own figure: one replaced the other.  No .dat line ends in a backslash, which gnuplot
 * reads as the line going on (a policy "p\" ended a header line). */
static void
test_figure_names (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-plot-XXXXXX", NULL);
  put (tmp, "summary.csv", "policy,task,class,dmr,accuracy,throughput_rps\n"
                           "p\\,a b,rt,0,1,2\np\\,a_b,rt,0,1,3\np\\,камера,rt,0,1,4\np\\,радары,rt,0,1,5\n");
  put (tmp, "jobs.csv", "policy,task,release,finish\np\\,a b,0,1000000\np\\,a_b,0,2000000\n"
                        "p\\,камера,0,3000000\np\\,радары,0,4000000\n");
  g_autofree char *err = NULL;
  int rc = tu_tiersim (NULL, &err, "plot", tmp, NULL);
  if (rc != (have_gnuplot ? 0 : 1))
    g_error ("exit %d: %s", rc, err);
  g_autofree char *plots = g_build_filename (tmp, "plots", NULL);
  g_autoptr (GDir) d = g_dir_open (plots, 0, NULL);
  const char *n;
  g_autoptr (GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  while ((n = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *text = NULL, *f = g_build_filename (plots, n, NULL);
      g_assert_true (g_file_get_contents (f, &text, NULL, NULL));
      if (g_str_has_suffix (n, ".dat"))
        {
          g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
          for (guint i = 0; lines[i]; i++)
            if (g_str_has_suffix (lines[i], "\\"))
              g_error ("%s: line %u ends in a backslash: %s", n, i + 1, lines[i]);
        }
      if (g_str_has_prefix (n, "latency-cdf-") && g_str_has_suffix (n, ".gp"))
        {
          const char *t = strstr (text, "set title '");
          g_assert_nonnull (t);
          g_ptr_array_add (titles, g_strndup (t, strcspn (t, "\n")));
        }
    }
  /* four figures, each titled by its own task */
  g_assert_cmpuint (titles->len, ==, 4);
  const char *tasks[] = { "a b", "a_b", "камера", "радары" };
  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    {
      g_autofree char *want = g_strdup_printf ("set title 'latency CDF: %s'", tasks[i]);
      gboolean found = FALSE;
      for (guint k = 0; k < titles->len; k++)
        found |= strcmp (titles->pdata[k], want) == 0;
      if (!found)
        g_error ("no figure titled \"%s\"", want);
    }
  tu_rm_rf (tmp);
}

/* Files anyone may have written, sized to break plot: a points.csv of 32768 axis values and as
 * many policies made a table of 4 x 2^30 cells, whose size wrapped to 0 in 32 bits (a crash,
 * after a quadratic search through the names); a jobs.csv of 1001 tasks asks for 1001 figures.
 * Both are clean errors now, at once. */
static void
test_plot_limits (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-plot-XXXXXX", NULL);
  g_autoptr (GString) pts = g_string_new ("point,a,replica,seed,policy,task,class,jobs,missed,lat_p99_ms,throughput_rps\n");
  for (guint i = 0; i < 32768; i++)
    g_string_append_printf (pts, "%u,%u,0,1,p%u,t,rt,1,0,1.0,1.0\n", i, i, i);
  put (tmp, "points.csv", pts->str);
  g_autofree char *err = NULL, *err2 = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_assert_cmpint (tu_tiersim (NULL, &err, "plot", tmp, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "points.csv: 32768 policies; tiersim plot draws at most 1000"));
  g_autofree char *run = g_build_filename (tmp, "run", NULL);
  g_assert_cmpint (g_mkdir (run, 0755), ==, 0);
  put (run, "summary.csv", "policy,task,class,dmr,accuracy,throughput_rps\nseq,t,rt,0,1,2\n");
  g_autoptr (GString) jobs = g_string_new ("policy,task,release,finish\n");
  for (guint i = 0; i < 1001; i++)
    g_string_append_printf (jobs, "seq,t%u,0,1000000\n", i);
  put (run, "jobs.csv", jobs->str);
  g_assert_cmpint (tu_tiersim (NULL, &err2, "plot", run, NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "jobs.csv: 1001 tasks; tiersim plot draws at most 1000"));
  /* CPU time in the child is not measured here; the wall time only bounds a hang */
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 60 * G_USEC_PER_SEC);
  tu_rm_rf (tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autofree char *gnuplot = g_find_program_in_path ("gnuplot");
  have_gnuplot = gnuplot != NULL;
  g_test_add_func ("/plot/quote", test_quote);
  g_test_add_func ("/plot/malformed-csv", test_malformed_csv);
  g_test_add_func ("/plot/hostile-names", test_hostile_names);
  g_test_add_func ("/plot/figure-names", test_figure_names);
  g_test_add_func ("/plot/limits", test_plot_limits);
  if (gnuplot == NULL)
    {
      g_test_message ("gnuplot is not installed: skipping the figures");
      return g_test_run ();
    }
  g_test_add_func ("/plot/run-plots-and-trace", test_run_plots_and_trace);
  g_test_add_func ("/plot/sweep-plots", test_sweep_plots);
  return g_test_run ();
}
