/* tiersim — the real GPU backend (DESIGN §1): the backend interface on an NVIDIA GPU, in
 * wall-clock time.  Built only with CUDA (TS_HAVE_CUDA).
 *
 * A TsCudaDevice is an opened GPU with a plan for every kernel of a scenario's models: a synthetic
 * kernel with the model kernel's grid and threads per block, the occupancy the scenario's profile
 * gives it, and per-block work measured to last the model's solo duration here (synth.cuh).  A
 * backend made on it is the real-time core (realtime.h: host queues and windows, drain accounting,
 * timers, the loop) over this device:
 *   - levels: level 0 is a stream of the device's greatest priority, level 1 of its least;
 *   - completion: the last block of a launch writes its sequence number into mapped host memory;
 *     the loop reads it there (no CUDA call, no extra thread), so a run uses one CPU core;
 *   - drain: the stream's epoch in mapped memory is advanced; blocks launched under an older one
 *     exit at entry; the blocks that ran are counted, which is what restore needs;
 *   - reset: NVIDIA GPUs cannot kill running blocks, so reset is carried out as drain (counted by
 *     ts_wall_backend_resets; the result reports no aborted blocks and no waste);
 *   - padded launch: one fused grid whose first blocks do the kernel's work and the others the
 *     pad's, with the larger of the two block sizes (nothing holds the pad back from delaying the
 *     kernel, as nothing can on a GPU). */
#pragma once

#include "sim/backend.h"
#include "sim/scenario.h"

G_BEGIN_DECLS

/* What a synthetic block does. */
typedef enum {
  TS_CUDA_WORK_COMPUTE,  /* dependent FMAs (default): slows down only when blocks share an SM */
  TS_CUDA_WORK_MEMORY,   /* streaming loads from DRAM: slows down when co-running kernels
                          * compete for memory bandwidth (interference, DESIGN §2 rule 5) */
  TS_CUDA_WORK_TIMED,    /* spins on the GPU clock: exact block durations, no interference */
} TsCudaWork;

/* Parses "compute" | "memory" | "timed"; a TS_ERROR_USAGE error names the choices otherwise. */
gboolean ts_cuda_work_parse (const char *s, TsCudaWork *out, GError **error);

/* The name ts_cuda_work_parse reads for work. */
const char *ts_cuda_work_name (TsCudaWork work);

typedef struct _TsCudaDevice TsCudaDevice;

/* How well the plans match the model: kernels planned, the mean and largest |measured solo -
 * model solo| / model solo, and how many kernels got an occupancy other than the model's. */
typedef struct {
  guint kernels;
  double mean_err, max_err;
  const char *max_err_kernel;
  guint occupancy_mismatches;
} TsCudaPlanQuality;

/* Opens CUDA device `device` and plans every kernel of scn's models (scn->profile gives the
 * occupancy to reproduce).  Errors: TS_ERROR_NOT_FOUND without a GPU (or that device), TS_ERROR_RUN
 * for a failing CUDA call, TS_ERROR_INPUT for a kernel this GPU cannot run. */
TsCudaDevice *ts_cuda_device_open (int device, TsCudaWork work, const TsScenario *scn, GError **error);
void ts_cuda_device_close (TsCudaDevice *dev);

/* The driver's name of the device, its SM count, and its driver and runtime versions. */
const char *ts_cuda_device_name (const TsCudaDevice *dev);
guint ts_cuda_device_sms (const TsCudaDevice *dev);
void ts_cuda_device_versions (const TsCudaDevice *dev, int *driver, int *runtime);

void ts_cuda_device_quality (const TsCudaDevice *dev, TsCudaPlanQuality *out);

/* A backend for one run on dev (one at a time; free it before making the next).  Kernels the
 * device has no plan for (not in the scenario it was opened with) are a programming error. */
TsBackend *ts_backend_cuda_new (TsCudaDevice *dev);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsCudaDevice, ts_cuda_device_close)

G_END_DECLS
