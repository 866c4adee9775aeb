/* tiersim merge: join the results of a sweep's shards. */
#include "config.h"

#include <stdio.h>

#include "cmd.h"
#include "sweep.h"

int
ts_cmd_merge (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new ("OUT [DIR...]");
  g_option_context_set_summary (ctx,
    "Joins the results of one sweep's shards: copies into OUT the points found in each DIR\n"
    "(their manifests must name the same sweep), then writes OUT/points.csv, identical to a run\n"
    "of the whole sweep on one machine.  With shards that wrote into OUT itself (a shared\n"
    "filesystem), 'tiersim merge OUT' only writes points.csv.  Fails naming a missing point.");
  if (!ts_cmd_parse (ctx, "merge", &argc, &argv))
    return TS_EXIT_USAGE;
  if (argc < 2)
    {
      fprintf (stderr, "tiersim merge: name the output folder\nTry 'tiersim merge --help'.\n");
      return TS_EXIT_USAGE;
    }
  g_autoptr (GError) error = NULL;
  /* without other folders, OUT is its own source: shards wrote into it */
  if (!ts_sweep_merge (argv[1], argc > 2 ? argv + 2 : argv + 1, &error))
    return ts_cmd_fail ("merge", error);
  printf ("wrote %s/points.csv\n", argv[1]);
  return TS_EXIT_OK;
}
