/* Plots and traces: every figure comes from a .gp file that gnuplot accepts and writes a non-empty
 * PNG; a Chrome trace is JSON with the expected events.  Skipped (77) without gnuplot. */
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include "tests/testutil.h"

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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autofree char *gnuplot = g_find_program_in_path ("gnuplot");
  if (gnuplot == NULL)
    {
      g_test_message ("gnuplot is not installed: skipping");
      return 77;
    }
  g_test_add_func ("/plot/run-plots-and-trace", test_run_plots_and_trace);
  g_test_add_func ("/plot/sweep-plots", test_sweep_plots);
  return g_test_run ();
}
