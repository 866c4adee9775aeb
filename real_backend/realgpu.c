#include "config.h"

#include "real_backend/realgpu.h"

void
ts_real_gpu_options_clear (TsRealGpuOptions *o)
{
  g_clear_pointer (&o->work, g_free);
}

gboolean
ts_real_gpu_check_device (int device, GError **error)
{
  if (device >= 0 && device <= TS_REAL_GPU_MAX_DEVICE)
    return TRUE;
  g_set_error (error, TS_ERROR, TS_ERROR_USAGE, "--device must be 0 to %d (got %d)", TS_REAL_GPU_MAX_DEVICE, device);
  return FALSE;
}

#ifdef TS_HAVE_CUDA

#include "real_backend/cuda.h"
#include "real_backend/realtime.h"

struct _TsRealGpu {
  TsCudaDevice *dev;
  TsCudaWork work;
};

TsRealGpu *
ts_real_gpu_open (const TsRealGpuOptions *o, const TsScenario *scn, GError **error)
{
  TsCudaWork work = TS_CUDA_WORK_COMPUTE;
  if (!ts_real_gpu_check_device (o->device, error))
    return NULL;
  if (o->work != NULL && !ts_cuda_work_parse (o->work, &work, error))
    return NULL;
  TsCudaDevice *dev = ts_cuda_device_open (o->device, work, scn, error);
  if (dev == NULL)
    return NULL;
  TsRealGpu *gpu = g_new0 (TsRealGpu, 1);
  gpu->dev = dev;
  gpu->work = work;
  return gpu;
}

void
ts_real_gpu_close (TsRealGpu *gpu)
{
  if (gpu == NULL)
    return;
  ts_cuda_device_close (gpu->dev);
  g_free (gpu);
}

TsBackend *ts_real_gpu_backend (TsRealGpu *gpu) { return ts_backend_cuda_new (gpu->dev); }
guint ts_real_gpu_resets (TsBackend *be) { return ts_wall_backend_resets (be); }
const char *ts_real_gpu_name (const TsRealGpu *gpu) { return ts_cuda_device_name (gpu->dev); }
guint ts_real_gpu_sms (const TsRealGpu *gpu) { return ts_cuda_device_sms (gpu->dev); }

TsStandIn
ts_real_gpu_stand_in (const TsRealGpu *gpu)
{
  return gpu->work == TS_CUDA_WORK_MEMORY ? TS_STAND_IN_MEMORY
         : gpu->work == TS_CUDA_WORK_TIMED ? TS_STAND_IN_TIMED : TS_STAND_IN_COMPUTE;
}

void
ts_real_gpu_describe (const TsRealGpu *gpu, FILE *out)
{
  int driver, runtime;
  TsCudaPlanQuality q;
  ts_cuda_device_versions (gpu->dev, &driver, &runtime);
  ts_cuda_device_quality (gpu->dev, &q);
  fprintf (out, "GPU %s (%u SMs), driver %d.%d, CUDA runtime %d.%d; synthetic kernels: %s work\n",
           ts_cuda_device_name (gpu->dev), ts_cuda_device_sms (gpu->dev), driver / 1000, driver % 1000 / 10,
           runtime / 1000, runtime % 1000 / 10, ts_cuda_work_name (gpu->work));
  fprintf (out, "  %u kernels planned: solo duration off the model's by %.1f%% on average, %.1f%% at most (%s); "
           "%u with another occupancy than the model's\n", q.kernels, 100 * q.mean_err, 100 * q.max_err,
           q.max_err_kernel != NULL ? q.max_err_kernel : "-", q.occupancy_mismatches);
}

#else

struct _TsRealGpu {
  int unused;
};

TsRealGpu *
ts_real_gpu_open (const TsRealGpuOptions *o, const TsScenario *scn, GError **error)
{
  if (!ts_real_gpu_check_device (o->device, error))
    return NULL;
  g_set_error (error, TS_ERROR, TS_ERROR_USAGE,
               "this tiersim was built without CUDA: no real GPU backend (./configure --with-cuda)");
  return NULL;
}

/* Unreachable: no TsRealGpu exists without CUDA. */
void ts_real_gpu_close (TsRealGpu *gpu) { g_free (gpu); }
TsBackend *ts_real_gpu_backend (TsRealGpu *gpu) { g_return_val_if_reached (NULL); }
guint ts_real_gpu_resets (TsBackend *be) { g_return_val_if_reached (0); }
void ts_real_gpu_describe (const TsRealGpu *gpu, FILE *out) { g_return_if_reached (); }
const char *ts_real_gpu_name (const TsRealGpu *gpu) { g_return_val_if_reached (NULL); }
guint ts_real_gpu_sms (const TsRealGpu *gpu) { g_return_val_if_reached (0); }
TsStandIn ts_real_gpu_stand_in (const TsRealGpu *gpu) { g_return_val_if_reached (TS_STAND_IN_MODEL); }

#endif
