/* tiersim — serving on heterogeneous processors (issue 18): a job's execution on the GPU or on a
 * DLA engine with fallback, and the routers of policies/hetero.c.
 *
 * Processors are numbered: 0 is the GPU, 1 + d is DLA engine d.  A job mapped to the GPU runs
 * every kernel on its GPU stream.  A job mapped to DLA d runs each layer whose kind the engines
 * support on d and every other layer on its GPU stream, in model order: its layers form segments
 * of consecutive layers on one processor, a segment starts when the previous one has completed,
 * and each change of processor first costs the profile's dla.handoff (DESIGN §2 "Beyond the
 * GPU").  Policy-side code: it uses only the backend seam. */
#pragma once

#include "sim/policy.h"

G_BEGIN_DECLS

#define TS_PROC_GPU 0u

/* Runs model m on processor proc (0: the GPU; 1 + d: DLA d with fallback to `stream`), from now;
 * fn(data, tag) runs when its last layer has completed.  FALSE with an error when the backend has
 * no such processor (the real backend has no DLA). */
gboolean ts_hetero_exec (TsBackend *be, const TsModel *m, guint stream, guint proc,
                         TsKernelDoneFn fn, gpointer data, guint64 tag, GError **error);

/* The processor kernel k of a job mapped to proc runs on: proc itself, or the GPU for a layer a
 * DLA does not support. */
guint ts_hetero_layer_proc (const TsDlaModel *dla, guint proc, const TsKernelDesc *k);

/* A job of m on proc alone on the SoC: its solo time in ns (GPU kernels' durations, DLA layers'
 * predictions, hand-offs), with how much of it ran on the DLA (*dla_ns) and the number of
 * hand-offs (*handoffs); either pointer may be NULL.  dla may be NULL when proc is the GPU. */
double ts_hetero_solo_ns (const TsDlaModel *dla, const TsModel *m, guint proc, double *dla_ns, guint *handoffs);

/* The routers' instrument, not registered: every job of task t on the processor that digit t of
 * its parameter `map` (base 2 + DLAs) names: 0 the GPU, 1 + d DLA d, 1 + DLAs "spread" (each
 * request to the processor where its solo time after the unfinished work sent there is least). */
const TsPolicyClass *ts_hetero_fixed_policy (void);

G_END_DECLS
