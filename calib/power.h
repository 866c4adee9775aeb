/* tiersim — `calibrate --power`: the power group of a profile from NVML readings while synthetic
 * loads run (calib/power.cu; CUDA builds only).
 *
 * Three phases of `seconds` each, the board's power sampled throughout (calib/nvml.h):
 *   idle     nothing running                                  -> idle_w = P_idle
 *   compute  FMA chains in every thread slot of every SM       -> sm_active_w = (P_compute - P_idle) / SMs
 *   memory   a copy between two buffers far larger than the L2, on every SM, counting the bytes
 *            moved                                            -> dram_pj_per_byte =
 *            (P_memory - P_idle - SMs sm_active_w) / (bytes per second) x 1e12, at least 0
 * The host's cores are not on the board: cpu_core_w is left as it is. */
#pragma once

#include "calib/nvml.h"
#include "sim/profile.h"

G_BEGIN_DECLS

/* What the phases measured, for the printout. */
typedef struct {
  double idle_w, compute_w, memory_w;
  double memory_gbps;
} TsPowerProbe;

/* Measures CUDA device `device` (NVML device nvml: the same board) over three phases of `seconds`
 * and fills pw's idle_w, sm_active_w and dram_pj_per_byte for a GPU of `sms` SMs. */
gboolean ts_probe_power (int device, TsNvml *nvml, guint sms, double seconds, TsPower *pw,
                         TsPowerProbe *probe, GError **error);

G_END_DECLS
