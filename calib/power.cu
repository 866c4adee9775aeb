// tiersim — the synthetic loads of `calibrate --power` (see calib/power.h).
#include "calib/cuda-util.cuh"
#include "calib/power.h"

using namespace ts_cuda;

namespace {

const int kThreads = 256;

// Every thread runs dependent FMA chains until its block has run for `ns`.
__global__ void
fma_for (long long ns, float *sink)
{
  long long end = global_timer () + ns;
  float a = (float) threadIdx.x, b = 1.000001f;
  while (global_timer () < end)
    for (int i = 0; i < 1024; i++)
      a = fmaf (a, b, 0.5f);
  if (a == -1.0f)  // never: keeps the chains from being optimised away
    sink[0] = a;
}

// Grid-stride copies of src into dst until the block has run for `ns`; adds the bytes it moved.
__global__ void
copy_for (long long ns, const float4 *src, float4 *dst, size_t n, unsigned long long *moved)
{
  long long end = global_timer () + ns;
  unsigned long long bytes = 0;
  size_t stride = (size_t) gridDim.x * blockDim.x;
  while (global_timer () < end)
    {
      for (size_t i = (size_t) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride)
        {
          dst[i] = src[i];
          bytes += 2 * sizeof (float4);  // one read, one write
        }
    }
  atomicAdd (moved, bytes);
}

struct Running {
  cudaStream_t stream;
};

gboolean
still_running (gpointer data)
{
  return cudaStreamQuery (static_cast<Running *> (data)->stream) == cudaErrorNotReady;
}

}  // namespace

gboolean
ts_probe_power (int device, TsNvml *nvml, guint sms, double seconds, TsPower *pw, TsPowerProbe *probe,
                GError **error)
{
  if (!use_device (device, error))
    return FALSE;
  cudaDeviceProp prop;
  if (!OK (cudaGetDeviceProperties (&prop, device)))
    return FALSE;
  // every thread slot of every SM: all blocks resident at once
  int grid = prop.multiProcessorCount * (prop.maxThreadsPerMultiProcessor / kThreads);
  long long ns = (long long) (seconds * 1e9);
  size_t n = (size_t) 64 << 20;  // float4s per buffer: 1 GiB each, far beyond any L2
  float4 *src = nullptr, *dst = nullptr;
  float *sink = nullptr;
  unsigned long long *moved = nullptr, moved_host = 0;
  Running run = { nullptr };
  gboolean good = OK (cudaStreamCreate (&run.stream)) && OK (cudaMalloc (&src, n * sizeof (float4)))
                  && OK (cudaMalloc (&dst, n * sizeof (float4))) && OK (cudaMalloc (&sink, sizeof (float)))
                  && OK (cudaMalloc (&moved, sizeof *moved)) && OK (cudaMemset (src, 0, n * sizeof (float4)))
                  && OK (cudaMemset (moved, 0, sizeof *moved)) && OK (cudaDeviceSynchronize ());
  // the driver averages power over about a second: a settling second before each phase's samples
  good = good && ts_nvml_sample (nvml, 1.0 + seconds, 20, nullptr, nullptr, &probe->idle_w, error);
  if (good)
    {
      fma_for<<<grid, kThreads, 0, run.stream>>> (ns + (long long) 1e9, sink);
      good = OK (cudaGetLastError ()) && (g_usleep (G_USEC_PER_SEC), TRUE)
             && ts_nvml_sample (nvml, seconds, 20, still_running, &run, &probe->compute_w, error)
             && OK (cudaStreamSynchronize (run.stream));
    }
  if (good)
    {
      copy_for<<<grid, kThreads, 0, run.stream>>> (ns + (long long) 1e9, src, dst, n, moved);
      good = OK (cudaGetLastError ()) && (g_usleep (G_USEC_PER_SEC), TRUE)
             && ts_nvml_sample (nvml, seconds, 20, still_running, &run, &probe->memory_w, error)
             && OK (cudaStreamSynchronize (run.stream))
             && OK (cudaMemcpy (&moved_host, moved, sizeof moved_host, cudaMemcpyDeviceToHost));
    }
  cudaFree (src);
  cudaFree (dst);
  cudaFree (sink);
  cudaFree (moved);
  if (run.stream != nullptr)
    cudaStreamDestroy (run.stream);
  if (!good)
    return FALSE;
  // bytes over the kernel's whole run (its settling second included)
  probe->memory_gbps = (double) moved_host / (double) (ns + (long long) 1e9);
  pw->present = TRUE;
  g_free (pw->source);
  pw->source = g_strdup ("measured");
  g_free (pw->reference);
  pw->reference = g_strdup_printf ("NVML board power on %s: idle, FMA load and DRAM copy, %.0f s each",
                                   ts_nvml_device_name (nvml), seconds);
  pw->idle_w = probe->idle_w;
  pw->sm_active_w = MAX (0.0, (probe->compute_w - probe->idle_w) / sms);
  double dram_w = probe->memory_w - probe->idle_w - sms * pw->sm_active_w;
  pw->dram_pj_per_byte = probe->memory_gbps > 0 ? MAX (0.0, dram_w / probe->memory_gbps * 1e3) : 0;
  return TRUE;
}
