/* Plots and traces: every figure comes from a .gp file that gnuplot accepts and writes a non-empty
 * PNG; a Chrome trace is JSON with the expected events; names that try to break out of a gnuplot
 * string run nothing; malformed CSV is a clean error.  What needs gnuplot is skipped without it. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sim/out/plot.h"
#include "tests/testutil.h"
#include "sim/io.h"

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
      g_autofree char *q = ts_quote_gnuplot (cases[i][0]);
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
      g_assert_true (g_file_set_contents (jobs, "policy,task,release_ns,finish_ns\n", -1, NULL));
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
  g_assert_true (g_file_set_contents (jobs, "policy,task,release_ns,finish_ns\nseq,\"two\nlines\",0,1000000\n", -1, NULL));
  g_autofree char *err = NULL;
  int rc = tu_tiersim (NULL, &err, "plot", tmp, NULL);
  if (rc != (have_gnuplot ? 0 : 1))
    g_error ("exit %d: %s", rc, err);
  g_autofree char *dat = NULL, *file = g_build_filename (tmp, "plots", "throughput.dat", NULL);
  g_assert_true (g_file_get_contents (file, &dat, NULL, NULL));
  g_assert_cmpstr (dat, ==, "# task seq\n\"two lines\" 2.000000\n");
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
  g_assert_cmpuint (check_plots (dir), ==, 3);   /* RT DMR, RT p99, total throughput: md1 has no BE task */
  g_autofree char *dat = NULL, *file = g_build_filename (dir, "plots", "sweep-rt-dmr.dat", NULL);
  g_assert_true (g_file_get_contents (file, &dat, NULL, NULL));
  /* the axis, then mean, interval and count per policy */
  g_assert_true (g_str_has_prefix (dat, "# rate seq ci95 n\n"));
  g_assert_nonnull (strstr (dat, "\n100.0 "));
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
  put (tmp, "jobs.csv", "policy,task,release_ns,finish_ns\np\\,a b,0,1000000\np\\,a_b,0,2000000\n"
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
      g_autofree char *want = g_strdup_printf ("set title 'Latency CDF of task %s (all released jobs; "
                                               "dropped or unfinished ones never complete)'", tasks[i]);
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
  g_autoptr (GString) pts = g_string_new ("point,a,replica,seed,policy,task,class,jobs,missed,dmr,lat_p99_ms,throughput_rps\n");
  for (guint i = 0; i < 32768; i++)
    g_string_append_printf (pts, "%u,%u,0,1,p%u,t,rt,1,0,0,1.0,1.0\n", i, i, i);
  put (tmp, "points.csv", pts->str);
  g_autofree char *err = NULL, *err2 = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_assert_cmpint (tu_tiersim (NULL, &err, "plot", tmp, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "points.csv: 32768 policies; tiersim plot draws at most 1000"));
  g_autofree char *run = g_build_filename (tmp, "run", NULL);
  g_assert_cmpint (g_mkdir (run, 0755), ==, 0);
  put (run, "summary.csv", "policy,task,class,dmr,accuracy,throughput_rps\nseq,t,rt,0,1,2\n");
  g_autoptr (GString) jobs = g_string_new ("policy,task,release_ns,finish_ns\n");
  for (guint i = 0; i < 1001; i++)
    g_string_append_printf (jobs, "seq,t%u,0,1000000\n", i);
  put (run, "jobs.csv", jobs->str);
  g_assert_cmpint (tu_tiersim (NULL, &err2, "plot", run, NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "jobs.csv: 1001 tasks; tiersim plot draws at most 1000"));
  /* CPU time in the child is not measured here; the wall time only bounds a hang */
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 60 * G_USEC_PER_SEC);
  tu_rm_rf (tmp);
}


/* ---- each figure's data against values worked out by hand ---- */

/* dir/plots/name without its comment lines (to free). */
static char *
data_of (const char *dir, const char *name)
{
  g_autofree char *plots = g_build_filename (dir, "plots", NULL), *text = tu_slurp (plots, name);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GString *s = g_string_new (NULL);
  for (guint i = 0; lines[i]; i++)
    if (lines[i][0] != '#' && (lines[i + 1] != NULL || lines[i][0]))
      g_string_append_printf (s, "%s\n", lines[i]);
  return g_string_free (s, FALSE);
}

/* Fails unless dir/plots/name holds the text want. */
static void
assert_has (const char *dir, const char *name, const char *want)
{
  g_autofree char *plots = g_build_filename (dir, "plots", NULL), *text = tu_slurp (plots, name);
  if (strstr (text, want) == NULL)
    g_error ("%s lacks \"%s\":\n%s", name, want, text);
}

/* Runs tiersim plot on dir: exit 0 with gnuplot, 1 (the scripts and data written) without. */
static void
plot_ok (const char *dir)
{
  g_autofree char *err = NULL;
  int rc = tu_tiersim (NULL, &err, "plot", dir, NULL);
  if (rc != (have_gnuplot ? 0 : 1))
    g_error ("tiersim plot %s: exit %d: %s", dir, rc, err);
}

#define SUMMARY_HEAD "policy,task,class,dmr,accuracy,throughput_rps\n"
#define JOBS_HEAD "policy,task,id,release_ns,start_ns,finish_ns,deadline_ns,missed,variant,accuracy,preemptions\n"

/* Task t, deadline 5 ms.  Policy a: 4 jobs released, latencies 2, 3 and 6 ms, one dropped: the
 * CDF steps to 1/4, 2/4, 3/4 and stays below 1.  Policy b: 4 jobs of 1 ms each: one step to 1. */
static void
test_cdf_data (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-plot-XXXXXX", NULL);
  put (tmp, "summary.csv", SUMMARY_HEAD "a,t,rt,0.5,0.5,3\nb,t,rt,0,1,4\n");
  put (tmp, "jobs.csv", JOBS_HEAD
       "a,t,0,0,0,2000000,5000000,0,full,1,0\n"
       "a,t,1,10000000,10000000,13000000,15000000,0,full,1,0\n"
       "a,t,2,20000000,,,25000000,1,dropped,0,0\n"
       "a,t,3,30000000,30000000,36000000,35000000,1,full,0,0\n"
       "b,t,0,0,0,1000000,5000000,0,full,1,0\nb,t,1,10000000,10000000,11000000,15000000,0,full,1,0\n"
       "b,t,2,20000000,20000000,21000000,25000000,0,full,1,0\nb,t,3,30000000,30000000,31000000,35000000,0,full,1,0\n");
  plot_ok (tmp);
  g_autofree char *d = data_of (tmp, "latency-cdf-t.dat");
  g_assert_cmpstr (d, ==, "2.000000 0\n2.000000 0.250000\n3.000000 0.500000\n6.000000 0.750000\n\n\n"
                          "1.000000 0\n1.000000 1.000000\n\n\n");
  assert_has (tmp, "latency-cdf-t.gp", "set arrow from 5.000000, graph 0 to 5.000000, graph 1 nohead");
  assert_has (tmp, "latency-cdf-t.gp", "title 'deadline 5 ms'");
  assert_has (tmp, "latency-cdf-t.gp", "title 'a (3 of 4 done)'");
  assert_has (tmp, "latency-cdf-t.gp", "title 'b (4 of 4 done)'");
  assert_has (tmp, "latency-cdf-t.gp", "set xlabel 'latency, release to finish (ms)'");
  tu_rm_rf (tmp);
}

/* Bars: a row per task, a column per policy; b never ran t2 (NaN), bg is BE (not in the RT
 * figures). */
static void
test_bars_data (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-plot-XXXXXX", NULL);
  put (tmp, "summary.csv", SUMMARY_HEAD "a,t1,rt,0.25,0.75,3\na,t2,rt,0,1,2\na,bg,be,,1,10\nb,t1,rt,0.5,0.5,2\n");
  put (tmp, "jobs.csv", JOBS_HEAD "a,t1,0,0,0,1000000,,0,full,1,0\n");
  plot_ok (tmp);
  g_autofree char *dmr = data_of (tmp, "rt-dmr.dat"), *acc = data_of (tmp, "rt-accuracy.dat"),
                  *thr = data_of (tmp, "throughput.dat");
  g_assert_cmpstr (dmr, ==, "t1 0.250000 0.500000\nt2 0.000000 NaN\n");
  g_assert_cmpstr (acc, ==, "t1 0.750000 0.500000\nt2 1.000000 NaN\n");
  g_assert_cmpstr (thr, ==, "t1 3.000000 2.000000\nt2 2.000000 NaN\nbg 10.000000 NaN\n");
  assert_has (tmp, "rt-dmr.gp", "set title 'Deadline miss rate per RT task'");
  assert_has (tmp, "rt-dmr.gp", "set xlabel 'RT task'");
  assert_has (tmp, "throughput.gp", "set ylabel 'throughput (requests/s)'");
  assert_has (tmp, "throughput.gp", "set xlabel 'task'");
  tu_rm_rf (tmp);
}

/* Timeline: kernels on streams 0 and 2, a preemption of t2; integer stream ticks 0..2.  A
 * stream that is no whole number is an input error. */
static void
test_timeline_data (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-plot-XXXXXX", NULL);
  put (tmp, "summary.csv", SUMMARY_HEAD "a,t1,rt,0,1,1\n");
  put (tmp, "jobs.csv", JOBS_HEAD);
  put (tmp, "timeline.csv", "policy,stream,task,kernel,start_ms,end_ms\n"
                            "a,0,t1,k1,0.5,1.0\na,2,t2,k2,0.25,2.0\na,,t2,preemption,0.75,\n");
  plot_ok (tmp);
  g_autofree char *d = data_of (tmp, "timeline-a.dat");
  g_assert_cmpstr (d, ==, "0.500000 1.000000 0 0\n0.250000 2.000000 2 1\n\n\n0.750000 1\n");
  assert_has (tmp, "timeline-a.gp", "set ytics 0,1,2\n");
  put (tmp, "timeline.csv", "policy,stream,task,kernel,start_ms,end_ms\na,1.5,t1,k1,0.5,1.0\n");
  g_autofree char *err = NULL;
  g_assert_cmpint (tu_tiersim (NULL, &err, "plot", tmp, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "timeline.csv: data row 1, column 'stream': '1.5' is not a stream number"));
  tu_rm_rf (tmp);
}

#define POINTS_HEAD "point,rate,replica,seed,policy,task,class,jobs,completed,missed,dmr,lat_p99_ms,throughput_rps\n"

/* A sweep over rate (10, 20), 3 replicas each, policy p: RT tasks t1, t2 and BE task bg.  Each
 * figure plots, per rate, the mean over replicas, the half-width of its 95% interval
 * t_{0.975,n-1} s / sqrt(n) (t = 4.303 for n = 3, 12.706 for n = 2) and n.
 *   DMR (missed / released over both RT tasks):  rate 10: 2/20, 4/20, 6/20 -> 0.2, s 0.1,
 *     ci 4.303 * 0.1 / sqrt 3 = 0.248434;  rate 20: 0.5, 0.5, 0.75 -> 0.583333, s = 0.144338,
 *     ci 0.358583.
 *   Worst RT task's p99: rate 10: max (5, 8), max (6, 4), max (7, 7) = 8, 6, 7 -> 7, s 1,
 *     ci 2.484338 (the sum, 13, 10, 14, is what was plotted before); rate 20: 3, 5 and none
 *     (t2 completed nothing in replica 2, so its p99 is unknown) -> 4, s sqrt 2, n 2, ci 12.706.
 *   BE throughput: 10, 20, 30 -> 20, s 10, ci 24.843382; rate 20: 10 each -> 10, ci 0.
 *   Total throughput: 20, 30, 40 -> 30, ci 24.843382; rate 20: 20, 20, 15 -> 18.333333,
 *     s 2.886751, ci 7.171667. */
static void
test_sweep_data (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-plot-XXXXXX", NULL);
  put (tmp, "points.csv", POINTS_HEAD
       "0,10,0,1,p,t1,rt,10,10,1,0.1,5.0,5\n0,10,0,1,p,t2,rt,10,10,1,0.1,8.0,5\n0,10,0,1,p,bg,be,10,10,0,,9.0,10\n"
       "1,10,1,2,p,t1,rt,10,10,2,0.2,6.0,5\n1,10,1,2,p,t2,rt,10,10,2,0.2,4.0,5\n1,10,1,2,p,bg,be,10,10,0,,9.0,20\n"
       "2,10,2,3,p,t1,rt,10,10,3,0.3,7.0,5\n2,10,2,3,p,t2,rt,10,10,3,0.3,7.0,5\n2,10,2,3,p,bg,be,10,10,0,,9.0,30\n"
       "3,20,0,1,p,t1,rt,10,10,5,0.5,3.0,5\n3,20,0,1,p,t2,rt,10,10,5,0.5,2.0,5\n3,20,0,1,p,bg,be,10,10,0,,9.0,10\n"
       "4,20,1,2,p,t1,rt,10,10,5,0.5,5.0,5\n4,20,1,2,p,t2,rt,10,10,5,0.5,1.0,5\n4,20,1,2,p,bg,be,10,10,0,,9.0,10\n"
       "5,20,2,3,p,t1,rt,10,10,5,0.5,4.0,5\n5,20,2,3,p,t2,rt,10,0,10,1.0,,0\n5,20,2,3,p,bg,be,10,10,0,,9.0,10\n");
  plot_ok (tmp);
  g_autofree char *dmr = data_of (tmp, "sweep-rt-dmr.dat"), *p99 = data_of (tmp, "sweep-rt-p99.dat"),
                  *be = data_of (tmp, "sweep-be-throughput.dat"), *all = data_of (tmp, "sweep-throughput.dat");
  g_assert_cmpstr (dmr, ==, "10 0.200000 0.248434 3\n20 0.583333 0.358583 3\n");
  g_assert_cmpstr (p99, ==, "10 7.000000 2.484338 3\n20 4.000000 12.706000 2\n");
  g_assert_cmpstr (be, ==, "10 20.000000 24.843382 3\n20 10.000000 0.000000 3\n");
  g_assert_cmpstr (all, ==, "10 30.000000 24.843382 3\n20 18.333333 7.171667 3\n");
  assert_has (tmp, "sweep-rt-p99.gp", "set ylabel 'RT p99 latency (ms, worst RT task)'");
  assert_has (tmp, "sweep-rt-p99.gp", "over 2 to 3 replicas");
  assert_has (tmp, "sweep-rt-dmr.gp", "mean ± 95% CI (Student t) over 3 replicas");
  assert_has (tmp, "sweep-rt-dmr.gp", "with yerrorlines");
  tu_rm_rf (tmp);
}

/* A sweep where only replicas vary: per policy, its replicas as dots and their mean with its
 * interval.  p: DMR 0.1, 0.2, 0.3 (mean 0.2, ci 0.248434, as above); q: 0 each (ci 0).  No BE
 * task: no BE figure. */
static void
test_replica_sweep_data (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-plot-XXXXXX", NULL);
  put (tmp, "points.csv", "point,d,replica,seed,policy,task,class,jobs,completed,missed,dmr,lat_p99_ms,throughput_rps\n"
       "0,1.0,0,1,p,t,rt,10,10,1,0.1,1.0,10\n0,1.0,0,1,q,t,rt,10,10,0,0,1.0,10\n"
       "1,1.0,1,2,p,t,rt,10,10,2,0.2,1.0,10\n1,1.0,1,2,q,t,rt,10,10,0,0,1.0,10\n"
       "2,1.0,2,3,p,t,rt,10,10,3,0.3,1.0,10\n2,1.0,2,3,q,t,rt,10,10,0,0,1.0,10\n");
  plot_ok (tmp);
  g_autofree char *dmr = data_of (tmp, "sweep-rt-dmr.dat");
  g_assert_cmpstr (dmr, ==, "0 0.200000 0.248434 3 p\n1 0.000000 0.000000 3 q\n\n\n"
                            "0 0.100000\n0 0.200000\n0 0.300000\n1 0.000000\n1 0.000000\n1 0.000000\n");
  g_autofree char *be = g_build_filename (tmp, "plots", "sweep-be-throughput.dat", NULL);
  g_assert_false (g_file_test (be, G_FILE_TEST_EXISTS));
  assert_has (tmp, "sweep-rt-dmr.gp", "set xlabel 'policy'");
  tu_rm_rf (tmp);
}

/* The Student t factor: a table to 30 degrees of freedom, an expansion beyond, towards 1.96. */
static void
test_t95 (void)
{
  g_assert_cmpfloat_with_epsilon (ts_plot_t95 (1), 12.706, 1e-9);
  g_assert_cmpfloat_with_epsilon (ts_plot_t95 (2), 4.303, 1e-9);
  g_assert_cmpfloat_with_epsilon (ts_plot_t95 (30), 2.042, 1e-9);
  /* published t_{0.975}: 40 -> 2.021, 60 -> 2.000, 120 -> 1.980 */
  g_assert_cmpfloat_with_epsilon (ts_plot_t95 (40), 2.021, 1e-3);
  g_assert_cmpfloat_with_epsilon (ts_plot_t95 (60), 2.000, 1e-3);
  g_assert_cmpfloat_with_epsilon (ts_plot_t95 (120), 1.980, 1e-3);
  g_assert_cmpfloat_with_epsilon (ts_plot_t95 (1000000), 1.960, 1e-3);
}

/* A sweep of replicas only (tests/data/sweeps/replicas.cfg, md1: one RT task, no BE) gets
 * figures: RT DMR, RT p99 and throughput (it got none). */
static void
test_replica_sweep_figures (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-plot-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (tmp, "sweep", NULL), *sweep = tu_data ("sweeps/replicas.cfg");
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-o", dir, NULL), ==, 0);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "plot", dir, NULL), ==, 0);
  g_assert_cmpuint (check_plots (dir), ==, 3);
  tu_rm_rf (tmp);
}

/* The member name of o as a string, or "". */
static const char *
member_str (JsonObject *o, const char *name)
{
  return json_object_has_member (o, name) ? json_object_get_string_member (o, name) : "";
}

/* DISB D runs the same five models as RT and as BE clients.  Under streams every client has a
 * stream of its own, so each stream's kernels must be attributed to one task, and the ten
 * streams to the ten tasks (before, a BE client's kernels were named after the RT client running
 * the same model). */
static void
test_trace_shared_models (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-plot-XXXXXX", NULL), *file = g_build_filename (tmp, "t.json", NULL);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "run", "-q", "disb-d", "-p", "streams", "--duration", "0.1",
                               "--trace", file, "--trace-window", "0:0.1", NULL), ==, 0);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (parser, file, NULL));
  JsonArray *ev = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "traceEvents");
  g_autoptr (GHashTable) task_of = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);  /* tid -> task */
  g_autoptr (GHashTable) tasks = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < json_array_get_length (ev); i++)
    {
      JsonObject *e = json_array_get_object_element (ev, i);
      if (strcmp (member_str (e, "ph"), "X") != 0 || !json_object_has_member (e, "cat")
          || strcmp (json_object_get_string_member (e, "cat"), "kernel") != 0)
        continue;
      gint64 tid = json_object_get_int_member (e, "tid");
      const char *task = json_object_get_string_member (json_object_get_object_member (e, "args"), "task");
      const char *had = g_hash_table_lookup (task_of, &tid);
      if (had == NULL)
        {
          g_hash_table_insert (task_of, g_memdup2 (&tid, sizeof tid), g_strdup (task));
          g_hash_table_add (tasks, (gpointer) g_hash_table_lookup (task_of, &tid));
        }
      else if (strcmp (had, task) != 0)
        g_error ("track %" G_GINT64_FORMAT " holds kernels of %s and of %s", tid, had, task);
    }
  g_assert_cmpuint (g_hash_table_size (task_of), ==, 10);
  g_assert_cmpuint (g_hash_table_size (tasks), ==, 10);
  tu_rm_rf (tmp);
}

/* Chrome trace of demo (a 100 Hz detector beside a closed-loop batch job) under streams and
 * reset.  Under streams an RT job takes about 13 ms, more than its 10 ms period, so its jobs
 * overlap and need a second track; under reset one takes about 2 ms, and the closed-loop batch
 * job releases its next request when the last finishes: one track each.  In every trace: each
 * process named once, every track that holds an event named, no two slices of one track
 * overlapping partly. */
static void
test_trace_tracks (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-plot-XXXXXX", NULL), *file = g_build_filename (tmp, "t.json", NULL);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "run", "-q", "demo", "-p", "streams", "-p", "reset", "--duration", "0.1",
                               "--trace", file, "--trace-window", "0:0.2", NULL), ==, 0);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (parser, file, NULL));
  JsonArray *ev = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "traceEvents");
  g_autoptr (GHashTable) procs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);     /* pid -> name */
  g_autoptr (GHashTable) tracks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);    /* pid/tid -> name */
  g_autoptr (GHashTable) slices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  for (guint i = 0; i < json_array_get_length (ev); i++)
    {
      JsonObject *e = json_array_get_object_element (ev, i);
      const char *ph = member_str (e, "ph"), *name = member_str (e, "name");
      gint64 pid = json_object_get_int_member (e, "pid");
      g_autofree char *pk = g_strdup_printf ("%" G_GINT64_FORMAT, pid);
      if (strcmp (ph, "M") == 0 && strcmp (name, "process_name") == 0)
        {
          if (g_hash_table_contains (procs, pk))
            g_error ("process %s named twice", pk);
          g_hash_table_insert (procs, g_strdup (pk),
                               g_strdup (json_object_get_string_member (json_object_get_object_member (e, "args"), "name")));
        }
      else if (strcmp (ph, "M") == 0 && strcmp (name, "thread_name") == 0)
        g_hash_table_insert (tracks, g_strdup_printf ("%s/%" G_GINT64_FORMAT, pk, json_object_get_int_member (e, "tid")),
                             g_strdup (json_object_get_string_member (json_object_get_object_member (e, "args"), "name")));
    }
  guint n = 0;
  for (guint i = 0; i < json_array_get_length (ev); i++)
    {
      JsonObject *e = json_array_get_object_element (ev, i);
      const char *ph = member_str (e, "ph");
      if (strcmp (ph, "X") != 0 && strcmp (ph, "i") != 0)
        continue;
      g_autofree char *pk = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (e, "pid"));
      g_autofree char *tk = g_strdup_printf ("%s/%" G_GINT64_FORMAT, pk, json_object_get_int_member (e, "tid"));
      g_assert_true (g_hash_table_contains (procs, pk));
      if (!g_hash_table_contains (tracks, tk))
        g_error ("an event on track %s, which is not named", tk);
      if (strcmp (ph, "X") != 0)
        continue;
      /* ts and dur are microseconds with 3 decimals: whole nanoseconds */
      gint64 a = llround (json_object_get_double_member (e, "ts") * 1000);
      gint64 b = a + llround (json_object_get_double_member (e, "dur") * 1000);
      GArray *s = g_hash_table_lookup (slices, tk);
      if (s == NULL)
        g_hash_table_insert (slices, g_strdup (tk), s = g_array_new (FALSE, FALSE, sizeof (gint64)));
      gint64 ab[2] = { a, b };
      g_array_append_vals (s, ab, 2);
      n++;
    }
  g_assert_cmpuint (g_hash_table_size (procs), ==, 2);
  g_assert_cmpuint (n, >, 20);
  /* within a track, slices in order of start (longer first) either nest in the enclosing one or
   * start after it ends */
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, slices);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      GArray *s = v;
      gint64 *x = (gint64 *) s->data;
      guint m = s->len / 2;
      for (guint i = 0; i < m; i++)       /* insertion sort by (start, -end): a few hundred at most */
        for (guint j = i; j > 0 && (x[2 * j] < x[2 * j - 2] || (x[2 * j] == x[2 * j - 2] && x[2 * j + 1] > x[2 * j - 1])); j--)
          {
            gint64 t0 = x[2 * j], t1 = x[2 * j + 1];
            x[2 * j] = x[2 * j - 2], x[2 * j + 1] = x[2 * j - 1], x[2 * j - 2] = t0, x[2 * j - 1] = t1;
          }
      g_autoptr (GArray) open = g_array_new (FALSE, FALSE, sizeof (gint64));   /* ends of enclosing slices */
      for (guint i = 0; i < m; i++)
        {
          while (open->len && g_array_index (open, gint64, open->len - 1) <= x[2 * i])
            g_array_set_size (open, open->len - 1);
          if (open->len && x[2 * i + 1] > g_array_index (open, gint64, open->len - 1))
            g_error ("track %s (%s): a slice [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "] ns overlaps the one before partly",
                     (char *) k, (char *) g_hash_table_lookup (tracks, k), x[2 * i], x[2 * i + 1]);
          g_array_append_val (open, x[2 * i + 1]);
        }
    }
  /* the policies' processes, and which tasks needed a second track */
  gboolean streams_split = FALSE, reset_split = FALSE;
  g_hash_table_iter_init (&it, tracks);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      g_autofree char *pk = g_strndup (k, strcspn (k, "/"));
      const char *proc = g_hash_table_lookup (procs, pk);
      if (strcmp (v, "jobs: detector (overlap 2)") == 0)
        {
          streams_split |= strcmp (proc, "policy streams") == 0;
          reset_split |= strcmp (proc, "policy reset") == 0;
        }
      g_assert_false (g_str_has_prefix (v, "jobs: batch (overlap"));
    }
  g_assert_true (streams_split);
  g_assert_false (reset_split);
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
  g_test_add_func ("/plot/t95", test_t95);
  g_test_add_func ("/plot/cdf-data", test_cdf_data);
  g_test_add_func ("/plot/bars-data", test_bars_data);
  g_test_add_func ("/plot/timeline-data", test_timeline_data);
  g_test_add_func ("/plot/sweep-data", test_sweep_data);
  g_test_add_func ("/plot/replica-sweep-data", test_replica_sweep_data);
  g_test_add_func ("/plot/trace-tracks", test_trace_tracks);
  g_test_add_func ("/plot/trace-shared-models", test_trace_shared_models);
  if (gnuplot == NULL)
    {
      g_test_message ("gnuplot is not installed: skipping the figures");
      return g_test_run ();
    }
  g_test_add_func ("/plot/run-plots-and-trace", test_run_plots_and_trace);
  g_test_add_func ("/plot/sweep-plots", test_sweep_plots);
  g_test_add_func ("/plot/replica-sweep-figures", test_replica_sweep_figures);
  return g_test_run ();
}
