/* tiersim — why no CUDA device can be used: the message, from facts the CUDA code gathers.
 * Plain C, so that every case is tested without a GPU or a driver. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TS_CUDA_FAIL_OTHER,         /* some other error: cuda_message says it */
  TS_CUDA_FAIL_INSUFFICIENT,  /* cudaErrorInsufficientDriver */
  TS_CUDA_FAIL_NO_DEVICE,     /* cudaErrorNoDevice, or a count of 0 */
} TsCudaFailure;

/* The reason, after "no CUDA device: ", that device selection failed.  libcuda_error: NULL when
 * libcuda.so.1 (the driver's library) loads, else why it does not (dlerror's text).
 * driver_version: cudaDriverGetVersion's answer (0: no driver); runtime_version: the runtime this
 * binary was built with; both as CUDA encodes them, 1000 * major + 10 * minor.  The runtime reports
 * "driver insufficient" when there is no driver at all, so a missing driver is told first: "no
 * NVIDIA driver found", apart from "driver too old for this build". */
char *ts_cuda_failure_message (const char *libcuda_error, int driver_version, int runtime_version,
                               TsCudaFailure failure, const char *cuda_message);

G_END_DECLS
