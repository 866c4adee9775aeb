/* tiersim — the real GPU as the commands see it (run --backend cuda, validate).
 *
 * A thin layer over real_backend/cuda.h that exists in every build: without CUDA each call
 * fails with a usage error (exit 2) saying so, which keeps the commands free of #ifdefs. */
#pragma once

#include <stdio.h>

#include "sim/backend.h"
#include "sim/scenario.h"

G_BEGIN_DECLS

typedef struct _TsRealGpu TsRealGpu;

/* Options of the commands that use the GPU. */
typedef struct {
  int device;      /* CUDA device index */
  char *work;      /* "compute" | "memory" | "timed" (NULL: compute) */
} TsRealGpuOptions;

/* Frees what option parsing stored in o. */
void ts_real_gpu_options_clear (TsRealGpuOptions *o);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TsRealGpuOptions, ts_real_gpu_options_clear)

/* The CUDA device indices the commands accept, far beyond any node's GPU count: which of them
 * exist, the driver says when the device is opened. */
#define TS_REAL_GPU_MAX_DEVICE 255

/* The GOptionEntry list for the options, filling o (two entries and the terminator). */
#define TS_REAL_GPU_ENTRIES(o)                                                                          \
  { "device", 0, 0, G_OPTION_ARG_INT, &(o)->device,                                                     \
    "CUDA device to use, 0 to " G_STRINGIFY (TS_REAL_GPU_MAX_DEVICE) " (default 0)", "N" },             \
  { "work", 0, 0, G_OPTION_ARG_STRING, &(o)->work,                                                       \
    "What synthetic blocks do on the GPU: compute (default), memory (interferes through DRAM "           \
    "bandwidth) or timed (exact durations)", "KIND" }

/* TRUE when device is 0 to TS_REAL_GPU_MAX_DEVICE; else a TS_ERROR_USAGE error naming --device. */
gboolean ts_real_gpu_check_device (int device, GError **error);

/* Opens the GPU and plans scn's kernels on it (seconds: each kernel is measured).  Errors: exit-2
 * kinds (TS_ERROR_USAGE without CUDA or for a bad --device or --work, TS_ERROR_NOT_FOUND without a
 * GPU). */
TsRealGpu *ts_real_gpu_open (const TsRealGpuOptions *o, const TsScenario *scn, GError **error);
void ts_real_gpu_close (TsRealGpu *gpu);

/* A backend for one run on the GPU. */
TsBackend *ts_real_gpu_backend (TsRealGpu *gpu);

/* Resets that backend carried out as drain (NVIDIA GPUs cannot kill running blocks). */
guint ts_real_gpu_resets (TsBackend *be);

/* Writes a description: device, driver and runtime, work kind, how well the synthetic kernels
 * match the model's solo durations and occupancies. */
void ts_real_gpu_describe (const TsRealGpu *gpu, FILE *out);

/* What simulated kernels must stand for to be compared with this GPU's synthetic ones (its
 * --work kind): set it as the simulated GPU's profile->stand_in. */
TsStandIn ts_real_gpu_stand_in (const TsRealGpu *gpu);

/* The device's name and SM count. */
const char *ts_real_gpu_name (const TsRealGpu *gpu);
guint ts_real_gpu_sms (const TsRealGpu *gpu);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsRealGpu, ts_real_gpu_close)

G_END_DECLS
