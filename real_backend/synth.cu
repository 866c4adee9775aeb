// Synthetic kernels of the real backend (see synth.cuh).
#include <math.h>
#include <string.h>

#include "calib/cuda-util.cuh"
#include "real_backend/synth.cuh"

namespace ts_cuda {

namespace {

// TS_CUDA_WORK_MEMORY's buffer: 2^26 floats (256 MiB), five times an H100's L2, so loads reach DRAM.
constexpr size_t MEMORY_ELEMS = size_t (1) << 26;

// A value the work never produces: the sink is written only if it does, so the compiler must
// keep the work but the store never happens.
constexpr float NEVER = -12345.678f;

__global__ void __launch_bounds__ (1024)
synth_kernel (LaunchArgs a, TsCudaWork mode, const float *buf, size_t mask, float *sink)
{
  __shared__ int run;
  if (threadIdx.x == 0)
    run = *a.epoch == a.launch_epoch;
  __syncthreads ();
  const bool is_main = blockIdx.x < a.main_blocks;
  const Part p = is_main ? a.main : a.pad;
  if (run && threadIdx.x < p.threads)
    {
      float acc = 0.0f;
      if (mode == TS_CUDA_WORK_TIMED)
        {
          long long t0 = global_timer ();
          while (global_timer () - t0 < p.work)
            ;
        }
      else if (mode == TS_CUDA_WORK_COMPUTE)
        {
          float x = 1.0f + threadIdx.x * 1e-4f;
          for (long long i = 0; i < p.work; i++)
            x = fmaf (x, 0.9999999f, 1e-7f);
          acc = x;
        }
      else
        {
          // Each iteration, the grid's threads read one contiguous span (coalesced), the next
          // span the next iteration: a stream through the buffer.
          size_t idx = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
          const size_t step = (size_t) gridDim.x * blockDim.x;
          for (long long i = 0; i < p.work; i++, idx += step)
            acc += buf[idx & mask];
        }
      if (acc == NEVER)
        sink[0] = acc;
    }
  __syncthreads ();
  if (threadIdx.x != 0)
    return;
  if (run)
    atomicAdd (is_main ? &a.slot->done_main : &a.slot->done_pad, 1u);
  // The count above must be visible before this block counts as finished: the last block reads
  // every count after seeing every block finished (the fence-then-flag pattern).
  __threadfence ();
  if (atomicAdd (&a.slot->finished, 1u) == a.grid - 1)
    {
      a.host->done_main = atomicExch (&a.slot->done_main, 0u);
      a.host->done_pad = atomicExch (&a.slot->done_pad, 0u);
      atomicExch (&a.slot->finished, 0u);
      __threadfence_system ();
      a.host->seq = a.seq;
    }
}

// Blocks per SM this GPU gives a synthetic kernel of `threads` threads and `smem` bytes.
gboolean
occupancy (unsigned threads, size_t smem, unsigned *out, GError **error)
{
  int n = 0;
  if (!OK (cudaOccupancyMaxActiveBlocksPerMultiprocessor (&n, synth_kernel, (int) threads, smem)))
    return FALSE;
  *out = (unsigned) n;
  return TRUE;
}

// Solo duration of plan p's grid of `blocks` blocks with `work`: the median of `reps` runs.
gboolean
measure (const Synth *sy, const Plan *p, unsigned blocks, long long work, guint reps, TsTime *out, GError **error)
{
  LaunchArgs a = {};
  a.main = Part { p->threads, work };
  a.main_blocks = a.grid = blocks;
  a.epoch = &sy->probe->epoch;   // always 0: never drained
  a.launch_epoch = 0;
  a.slot = &sy->probe->slot;
  a.host = &sy->probe->host;
  cudaEvent_t e0, e1;
  if (!OK (cudaEventCreate (&e0)) || !OK (cudaEventCreate (&e1)))
    return FALSE;
  TsTime t[5];
  reps = MIN (reps, G_N_ELEMENTS (t));
  gboolean good = TRUE;
  for (guint r = 0; good && r < reps; r++)
    {
      float ms = 0;
      a.seq = (unsigned long long) r + 1;
      good = OK (cudaEventRecord (e0, 0)) && OK (synth_launch (sy, a, p->threads, p->smem, 0))
             && OK (cudaEventRecord (e1, 0)) && OK (cudaEventSynchronize (e1))
             && OK (cudaEventElapsedTime (&ms, e0, e1));
      t[r] = (TsTime) llround (ms * 1e6);
    }
  cudaEventDestroy (e0);
  cudaEventDestroy (e1);
  if (!good)
    return FALSE;
  for (guint i = 1; i < reps; i++)   // insertion sort of at most five
    for (guint j = i; j > 0 && t[j] < t[j - 1]; j--)
      {
        TsTime x = t[j];
        t[j] = t[j - 1], t[j - 1] = x;
      }
  *out = t[reps / 2];
  return TRUE;
}

} // namespace

gboolean
synth_init (Synth *sy, TsCudaWork work, GError **error)
{
  int dev, optin = 0;
  sy->work = work;
  if (!OK (cudaGetDevice (&dev)) || !OK (cudaDeviceGetAttribute (&sy->sms, cudaDevAttrMultiProcessorCount, dev))
      || !OK (cudaDeviceGetAttribute (&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev))
      || !OK (cudaFuncSetAttribute (synth_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, optin))
      || !OK (cudaMalloc (&sy->sink, sizeof (float))) || !OK (cudaMalloc (&sy->probe, sizeof (PlanProbe)))
      || !OK (cudaMemset (sy->probe, 0, sizeof (PlanProbe))))
    return FALSE;
  sy->max_smem = (size_t) optin;
  if (work == TS_CUDA_WORK_MEMORY)
    {
      sy->buffer_elems = MEMORY_ELEMS;
      if (!OK (cudaMalloc (&sy->buffer, MEMORY_ELEMS * sizeof (float)))
          || !OK (cudaMemset (sy->buffer, 0, MEMORY_ELEMS * sizeof (float))))
        return FALSE;
    }
  return TRUE;
}

void
synth_fini (Synth *sy)
{
  cudaFree (sy->buffer);
  cudaFree (sy->sink);
  cudaFree (sy->probe);
  sy->buffer = sy->sink = nullptr;
  sy->probe = nullptr;
}

cudaError_t
synth_launch (const Synth *sy, const LaunchArgs &a, unsigned threads, unsigned smem, cudaStream_t stream)
{
  synth_kernel<<<a.grid, threads, smem, stream>>> (a, sy->work, sy->buffer,
                                                   sy->buffer_elems > 0 ? sy->buffer_elems - 1 : 0, sy->sink);
  return cudaGetLastError ();
}

gboolean
synth_plan (Synth *sy, const TsKernelDesc *k, const TsProfile *profile, Plan *p, GError **error)
{
  memset (p, 0, sizeof *p);
  p->threads = k->threads;
  p->smem = k->smem;
  p->model_per_sm = ts_kernel_blocks_per_sm (k, profile);
  if (k->smem > sy->max_smem)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "kernel %s: %u bytes of shared memory per block, "
                   "this GPU allows %zu", k->name, k->smem, sy->max_smem);
      return FALSE;
    }
  if (!occupancy (p->threads, p->smem, &p->blocks_per_sm, error))
    return FALSE;
  if (p->blocks_per_sm > p->model_per_sm && p->model_per_sm > 0)
    {
      // The least shared memory that brings occupancy down to the model's (occupancy only falls
      // as shared memory grows, so bisect).
      size_t lo = p->smem, hi = sy->max_smem;
      unsigned n;
      while (lo < hi)
        {
          size_t mid = lo + (hi - lo) / 2;
          if (!occupancy (p->threads, mid, &n, error))
            return FALSE;
          if (n <= p->model_per_sm)
            hi = mid;
          else
            lo = mid + 1;
        }
      p->smem = (unsigned) lo;
      if (!occupancy (p->threads, p->smem, &p->blocks_per_sm, error))
        return FALSE;
    }
  if (p->blocks_per_sm == 0)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "kernel %s: a block of %u threads does not fit on an SM "
                   "of this GPU", k->name, k->threads);
      return FALSE;
    }
  guint64 per_wave = (guint64) sy->sms * p->blocks_per_sm;
  guint64 waves = (k->blocks + per_wave - 1) / per_wave;
  p->block_ns = MAX (k->duration / (TsTime) waves, 1);

  if (sy->work == TS_CUDA_WORK_TIMED)
    {
      p->work = p->block_ns;
      return measure (sy, p, k->blocks, p->work, 3, &p->solo_ns, error);
    }
  // Calibrated work: the solo duration is t0 + rate x work (t0: the grid with no work, which is
  // launch and dispatch).  Scale the work by want / have, at most 8x a round so that a
  // measurement lost in noise cannot ask for an absurd kernel, until within 1%.
  TsTime t0, t;
  if (!measure (sy, p, k->blocks, 0, 3, &t0, error))
    return FALSE;
  long long work = 1024;
  if (!measure (sy, p, k->blocks, work, 1, &t, error))
    return FALSE;
  for (guint round = 0; round < 16; round++)
    {
      double have = (double) MAX (t - t0, 1), want = (double) (k->duration - t0);
      if (want <= 0)
        {
          work = 0;  // the model kernel is shorter than an empty launch of its grid here
          break;
        }
      if (fabs ((double) t - (double) k->duration) <= 0.01 * (double) k->duration)
        break;
      double ratio = CLAMP (want / have, 1.0 / 8, 8.0);
      long long next = MAX ((long long) llround ((double) work * ratio), 1LL);
      if (next == work)
        break;
      work = next;
      if (!measure (sy, p, k->blocks, work, 1, &t, error))
        return FALSE;
    }
  p->work = work;
  return measure (sy, p, k->blocks, p->work, 3, &p->solo_ns, error);
}

} // namespace ts_cuda
