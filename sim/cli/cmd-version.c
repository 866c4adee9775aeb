/* tiersim version: version and build information. */
#include "config.h"

#include <stdio.h>

#include "sim/cli/cmd.h"
#include "sim/load/datadir.h"
#include "sim/scenario.h"
#include "sim/load/load.h"

static gboolean
version_main (const TsCommand *cmd, int argc, char **argv, GError **error)
{
  if (!ts_cmd_parse (cmd, NULL, &argc, &argv, error))
    return FALSE;
  printf ("tiersim %s\n", PACKAGE_VERSION);
  printf ("GLib %u.%u.%u, libconfig %s\n", glib_major_version, glib_minor_version, glib_micro_version,
          ts_loader_libconfig_version ());
#ifdef TS_HAVE_CUDA
  printf ("backends: sim, cuda\n");
  printf ("CUDA: built in (calibrate, run --backend cuda, validate)\n");
#else
  printf ("backends: sim\n");
  printf ("CUDA: not built in\n");
#endif
  printf ("data directory: %s\n", ts_data_dir ());
  return TRUE;
}

const TsCommand ts_command_version = {
  .name = "version",
  .summary = "print version and build information",
  .help =
    "Prints tiersim's version, the library versions it was built with, and its data directory.",
  .fn = version_main,
};
