/* tiersim plot: figures of a run's or a sweep's output folder. */
#include "config.h"

#include <stdio.h>

#include "cmd.h"
#include "plot.h"

int
ts_cmd_plot (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new ("DIR");
  g_option_context_set_summary (ctx,
    "Draws the figures of DIR, the output folder of 'tiersim run -o DIR' or of 'tiersim sweep',\n"
    "into DIR/plots/ as PNG and SVG, each from a gnuplot script kept beside its data so that it\n"
    "can be edited and re-run.  A run gets latency CDFs per task, deadline-miss, accuracy and\n"
    "throughput bars, and a timeline if it was run with --plot; a sweep gets its metrics against\n"
    "its first axis, a line per policy.  Needs gnuplot (Debian: gnuplot-nox).");
  if (!ts_cmd_parse (ctx, "plot", &argc, &argv))
    return TS_EXIT_USAGE;
  if (argc != 2)
    {
      fprintf (stderr, "tiersim plot: name one folder\nTry 'tiersim plot --help'.\n");
      return TS_EXIT_USAGE;
    }
  g_autoptr (GError) error = NULL;
  guint n;
  if (!ts_plot_dir (argv[1], &n, &error))
    return ts_cmd_fail ("plot", error);
  printf ("wrote %u figures (PNG, SVG, and their .gp and .dat) into %s/plots\n", n, argv[1]);
  return TS_EXIT_OK;
}
