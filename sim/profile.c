#include "config.h"

#include <string.h>

#include "sim/profile.h"

void
ts_profile_free (TsProfile *p)
{
  if (p == NULL)
    return;
  g_free (p->name);
  g_free (p->description);
  g_free (p->path);
  g_free (p->digest);
  g_free (p->source);
  g_free (p->date);
  g_free (p->tool_version);
  g_free (p->power.source);
  g_free (p->power.reference);
  g_free (p->measured_on.device);
  g_free (p->measured_on.compute_capability);
  g_free (p->measured_on.driver);
  g_free (p->measured_on.cuda);
  for (guint v = 0; v < TS_N_LOADS; v++)
    g_free (p->contention.occupancy_ns[v]);
  g_free (p);
}

double
ts_profile_dram_bandwidth (const TsProfile *p)
{
  return p->interference.present ? p->interference.dram_bandwidth_gbps : p->dram_bandwidth_gbps;
}
