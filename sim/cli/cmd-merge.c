/* tiersim merge: join the results of a sweep's shards. */
#include "config.h"

#include <stdio.h>

#include "sim/cli/cmd.h"
#include "sim/sweep/sweep.h"

static gboolean
merge_main (const TsCommand *cmd, int argc, char **argv, GError **error)
{
  if (!ts_cmd_parse (cmd, NULL, &argc, &argv, error))
    return FALSE;
  if (argc < 2)
    return ts_cmd_usage (error, "name the output folder");
  /* without other folders, OUT is its own source: shards wrote into it */
  if (!ts_sweep_merge (argv[1], argc > 2 ? argv + 2 : argv + 1, error))
    return FALSE;
  printf ("wrote %s/points.csv\n", argv[1]);
  return TRUE;
}

const TsCommand ts_command_merge = {
  .name = "merge",
  .params = "OUT [DIR...]",
  .summary = "join the results of a sweep's shards",
  .help =
    "Joins the results of one sweep's shards: copies into OUT the points found in each DIR\n"
    "(their manifests must name the same sweep), then writes OUT/points.csv, identical to a run\n"
    "of the whole sweep on one machine.  With shards that wrote into OUT itself (a shared\n"
    "filesystem), 'tiersim merge OUT' only writes points.csv.  Fails naming a missing point.",
  .fn = merge_main,
};
