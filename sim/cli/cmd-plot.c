/* tiersim plot: figures of a run's or a sweep's output folder. */
#include "config.h"

#include <stdio.h>

#include "sim/cli/cmd.h"
#include "sim/out/plot.h"

static gboolean
plot_main (const TsCommand *cmd, int argc, char **argv, GError **error)
{
  if (!ts_cmd_parse (cmd, NULL, &argc, &argv, error))
    return FALSE;
  if (argc != 2)
    return ts_cmd_usage (error, "name one folder");
  guint n;
  if (!ts_plot_dir (argv[1], &n, error))
    return FALSE;
  printf ("wrote %u figures (PNG, SVG, and their .gp and .dat) into %s/plots\n", n, argv[1]);
  return TRUE;
}

const TsCommand ts_command_plot = {
  .name = "plot",
  .params = "DIR",
  .summary = "draw figures of a run's or a sweep's results with gnuplot",
  .help =
    "Draws the figures of DIR, the output folder of 'tiersim run -o DIR' or of 'tiersim sweep',\n"
    "into DIR/plots/ as PNG and SVG, each from a gnuplot script kept beside its data so that it\n"
    "can be edited and re-run.  A run gets a latency CDF per task over all released jobs (dropped\n"
    "or unfinished ones never complete) with the task's deadline, bars of deadline miss rate,\n"
    "accuracy and throughput, and a timeline per policy if it was run with --plot.  A sweep gets\n"
    "RT deadline miss rate, the worst RT task's p99 latency, BE and total throughput against its\n"
    "first axis that varies, a line per policy, each point the mean over replicas with its 95%\n"
    "confidence interval; a sweep of replicas only gets each policy's replicas and their mean.\n"
    "Units: docs/units.md.  Needs gnuplot (Debian: gnuplot-nox).",
  .fn = plot_main,
};
