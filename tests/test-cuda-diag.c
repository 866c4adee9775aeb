/* Why no CUDA device can be used: each case its own message, without a GPU or a driver. */
#include "config.h"

#include <string.h>

#include "real_backend/cuda-diag.h"

#define assert_contains(hay, needle) \
  G_STMT_START { if (strstr ((hay), (needle)) == NULL) \
    g_error ("expected \"%s\" in:\n%s", (needle), (hay)); } G_STMT_END

/* No libcuda.so.1 at all: the runtime says "insufficient driver", and that must not be repeated. */
static void
test_no_driver (void)
{
  g_autofree char *a = ts_cuda_failure_message ("libcuda.so.1: cannot open shared object file", 0, 13000,
                                                TS_CUDA_FAIL_INSUFFICIENT, "CUDA driver version is insufficient");
  assert_contains (a, "no NVIDIA driver found (libcuda.so.1: cannot open shared object file)");
  g_assert_null (strstr (a, "too old"));
  g_assert_null (strstr (a, "insufficient"));
  /* the library loads but the runtime finds no driver version */
  g_autofree char *b = ts_cuda_failure_message (NULL, 0, 13000, TS_CUDA_FAIL_INSUFFICIENT, "insufficient");
  assert_contains (b, "no NVIDIA driver found");
}

/* A driver for CUDA 12.2 under a CUDA 13.0 runtime: 12020 and 13000 in CUDA's encoding. */
static void
test_old_driver (void)
{
  g_autofree char *m = ts_cuda_failure_message (NULL, 12020, 13000, TS_CUDA_FAIL_INSUFFICIENT, "insufficient");
  assert_contains (m, "the NVIDIA driver is too old for this build (driver: CUDA 12.2, runtime: CUDA 13.0)");
  g_assert_null (strstr (m, "no NVIDIA driver"));
}

static void
test_no_gpu_and_other (void)
{
  g_autofree char *n = ts_cuda_failure_message (NULL, 12080, 12080, TS_CUDA_FAIL_NO_DEVICE, "no CUDA-capable device");
  g_assert_cmpstr (n, ==, "the NVIDIA driver (CUDA 12.8) reports no GPU");
  g_autofree char *o = ts_cuda_failure_message (NULL, 12080, 12080, TS_CUDA_FAIL_OTHER, "all CUDA-capable devices are busy");
  g_assert_cmpstr (o, ==, "all CUDA-capable devices are busy");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cuda-diag/no-driver", test_no_driver);
  g_test_add_func ("/cuda-diag/old-driver", test_old_driver);
  g_test_add_func ("/cuda-diag/no-gpu-and-other", test_no_gpu_and_other);
  return g_test_run ();
}
