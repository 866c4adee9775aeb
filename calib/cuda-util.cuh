// tiersim — CUDA helpers shared by the calibration probes and the real backend (C++ only).
#pragma once

#include <dlfcn.h>
#include <time.h>

#include <cuda_runtime.h>

#include "real_backend/cuda-diag.h"
#include "sim/error.h"

namespace ts_cuda {

// The SM's nanosecond clock, comparable across SMs.
__device__ __forceinline__ long long
global_timer ()
{
  long long t;
  asm volatile ("mov.u64 %0, %%globaltimer;" : "=l"(t));
  return t;
}

// The SM this block runs on.
__device__ __forceinline__ unsigned
sm_id ()
{
  unsigned s;
  asm volatile ("mov.u32 %0, %%smid;" : "=r"(s));
  return s;
}

// CLOCK_MONOTONIC in nanoseconds.
inline TsTime
host_now_ns ()
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (TsTime) ts.tv_sec * TS_NS_PER_S + ts.tv_nsec;
}

// Records a failed CUDA call as a GError; TRUE if the call succeeded.
inline gboolean
ok (cudaError_t e, const char *what, GError **error)
{
  if (e == cudaSuccess)
    return TRUE;
  if (error != NULL && *error == NULL)
    g_set_error (error, TS_ERROR, TS_ERROR_RUN, "CUDA: %s: %s", what, cudaGetErrorString (e));
  return FALSE;
}
#define OK(call) ok ((call), #call, error)

// Selects the device, distinguishing "no GPU" (NOT_FOUND: exit 2) from later failures, and,
// within it, no driver, a driver too old for the runtime linked in, and no GPU.
inline gboolean
use_device (int device, GError **error)
{
  int count = 0;
  cudaError_t e = cudaGetDeviceCount (&count);
  if (e != cudaSuccess || count == 0)
    {
      // the static runtime loads the driver's library itself; whether it can is the first question
      void *lib = dlopen ("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
      g_autofree char *lib_error = lib == NULL ? g_strdup (dlerror ()) : NULL;
      if (lib != NULL)
        dlclose (lib);
      int driver = 0, runtime = 0;
      if (cudaDriverGetVersion (&driver) != cudaSuccess)
        driver = 0;
      if (cudaRuntimeGetVersion (&runtime) != cudaSuccess)
        runtime = CUDART_VERSION;
      TsCudaFailure f = e == cudaErrorInsufficientDriver ? TS_CUDA_FAIL_INSUFFICIENT
                        : e == cudaErrorNoDevice || e == cudaSuccess ? TS_CUDA_FAIL_NO_DEVICE
                                                                     : TS_CUDA_FAIL_OTHER;
      g_autofree char *why = ts_cuda_failure_message (lib_error, driver, runtime, f, cudaGetErrorString (e));
      g_set_error (error, TS_ERROR, TS_ERROR_NOT_FOUND, "no CUDA device: %s", why);
      return FALSE;
    }
  if (device < 0 || device >= count)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_NOT_FOUND, "no CUDA device %d: there %s %d (0 to %d)", device,
                   count == 1 ? "is" : "are", count, count - 1);
      return FALSE;
    }
  return OK (cudaSetDevice (device));
}

} // namespace ts_cuda
