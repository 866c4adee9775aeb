/* tiersim version: version and build information. */
#include "config.h"

#include <stdio.h>

#include "cmd.h"
#include "datadir.h"
#include "scenario.h"

int
ts_cmd_version (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new (NULL);
  g_option_context_set_summary (ctx, "Prints tiersim's version, the library versions it was built with, and its data directory.");
  if (!ts_cmd_parse (ctx, "version", &argc, &argv))
    return TS_EXIT_USAGE;
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
  return TS_EXIT_OK;
}
