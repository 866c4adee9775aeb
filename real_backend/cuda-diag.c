#include "config.h"

#include "real_backend/cuda-diag.h"

char *
ts_cuda_failure_message (const char *libcuda_error, int driver_version, int runtime_version,
                         TsCudaFailure failure, const char *cuda_message)
{
  if (libcuda_error != NULL || driver_version <= 0)
    return g_strdup_printf ("no NVIDIA driver found (%s); install NVIDIA's driver",
                            libcuda_error != NULL ? libcuda_error : "the CUDA runtime reports no driver version");
  if (failure == TS_CUDA_FAIL_INSUFFICIENT)
    return g_strdup_printf ("the NVIDIA driver is too old for this build (driver: CUDA %d.%d, runtime: CUDA %d.%d); "
                            "update the driver, or build tiersim with a CUDA toolkit no newer than the driver's",
                            driver_version / 1000, driver_version % 1000 / 10, runtime_version / 1000,
                            runtime_version % 1000 / 10);
  if (failure == TS_CUDA_FAIL_NO_DEVICE)
    return g_strdup_printf ("the NVIDIA driver (CUDA %d.%d) reports no GPU", driver_version / 1000,
                            driver_version % 1000 / 10);
  return g_strdup (cuda_message != NULL ? cuda_message : "unknown CUDA error");
}
