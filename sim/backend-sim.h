/* tiersim — the simulated backend: the seam (backend.h) on the simulated GPU and DLAs, on an event
 * engine of their own, in virtual time. */
#pragma once

#include "sim/backend.h"
#include "sim/dla.h"
#include "sim/engine.h"
#include "sim/gpu.h"
#include "sim/runner.h"

G_BEGIN_DECLS

/* The simulated GPU of profile (kept by reference) on its own event engine. */
TsBackend *ts_backend_sim_new (const TsProfile *profile);

/* The simulated backend's engine and GPU, for statistics and observers.  be must be simulated. */
TsEngine *ts_backend_sim_engine (TsBackend *be);
TsGpu *ts_backend_sim_gpu (TsBackend *be);
/* Its DLA engines (NULL without a dla group). */
TsDla *ts_backend_sim_dla (TsBackend *be);

/* Runs scenario under the policy on a new simulated GPU (as ts_run) with an observer of that GPU
 * (see ts_gpu_set_observer; NULL: none).  Here, not in runner.h, so that the runner's header, and
 * the policies that include it, see nothing of the simulated GPU. */
TsRunResult *ts_run_observed (const TsScenario *scn, const TsPolicyClass *policy,
                              TsGpuObserverFn observer, gpointer data, GError **error);

G_END_DECLS
