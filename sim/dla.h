/* tiersim — deep-learning accelerators beside the GPU (DESIGN §2 "Beyond the GPU"; an edge SoC's
 * NVDLA engines), on the GPU's event engine.
 *
 * The profile's dla group (TsDlaModel, profile.h) declares `count` identical engines.  Each is a
 * FIFO: it runs one layer at a time, in the order the layers were launched on it, whichever job
 * they belong to.  A layer's solo time on an engine is the engine's roofline (cost.h, at the FP16
 * peak, u = 1) plus its fixed cost per layer; only kinds the engine supports may run on it.
 *
 * Shared DRAM (rule 5b across processors).  A layer moving B bytes in solo time T asks for
 * m = min(1, B / (W T)) of the SoC's DRAM bandwidth W (the GPU's memory rule's, which is the
 * SoC's: ts_gpu_memory_bandwidth).  Its demand joins those of the GPU's resident kernels in one
 * memory system: when they sum past 1, the common slowdown s >= 1 solves
 *     sum over GPU kernels and busy engines of  m / ((1 - m) + m s)  =  1,
 * each term being what that piece of work actually draws (its bytes over its slowed time), so
 * the bandwidth is shared out and no more.  Every piece of work then runs at speed
 * 1 / ((1 - m) + m s): its memory-bound share m of its solo time stretches by s, its compute share
 * does not.  A layer's remaining work (in solo ns), not its end, is its state; its end moves
 * whenever s changes.  Without the GPU's memory rule, s = 1 and engines never interfere.
 *
 * Cost: a launch or completion is O(1) plus, when s changes, O(engines). */
#pragma once

#include "sim/gpu.h"

G_BEGIN_DECLS

typedef struct _TsDla TsDla;

/* The profile's engines (profile->dla.count > 0) on engine, sharing gpu's DRAM (kept by reference;
 * the DLAs install themselves as gpu's memory peer). */
TsDla *ts_dla_new (TsEngine *engine, const TsProfile *profile, TsGpu *gpu);
void ts_dla_free (TsDla *dla);

/* Whether an engine of d runs layers of this kind. */
static inline gboolean
ts_dla_model_supports (const TsDlaModel *d, TsKernelKind kind)
{
  return kind < TS_N_KINDS && d->supports[kind];
}

/* A layer's solo time on one engine of d, in ns (not rounded); a layer without work (no flops,
 * no dram_bytes) takes the fixed cost alone. */
double ts_dla_model_layer_ns (const TsDlaModel *d, const TsKernelDesc *k);

/* Appends layer k to engine e's FIFO now; fn(data, tag) runs (as a host event) when it completes.
 * k must outlive the launch and be of a supported kind. */
void ts_dla_launch (TsDla *dla, guint e, const TsKernelDesc *k, TsKernelDoneFn fn, gpointer data, guint64 tag);

/* Layers completed so far, all engines. */
guint64 ts_dla_layers_completed (const TsDla *dla);

/* Engine e's busy time so far (ns in which it ran a layer). */
TsTime ts_dla_busy (const TsDla *dla, guint e);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsDla, ts_dla_free)

G_END_DECLS
