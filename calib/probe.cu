// GPU microbenchmarks behind `tiersim calibrate` (see probe.h).  Blocks stamp themselves with
// %smid and %globaltimer; host-side times come from CLOCK_MONOTONIC, and a thread mirrors that
// clock into mapped memory so that a kernel can read host time directly.
#include <math.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <cuda_runtime.h>

#include "calib/cuda-util.cuh"
#include "calib/probe.h"

namespace {

using namespace ts_cuda;

struct DevRecord {
  unsigned sm;
  long long start, end, gap;
};

// Every thread spins for even_ns or odd_ns by its SM's parity, polling the timer; thread 0 records
// the block with the longest interval between two of its polls (a descheduled block shows a gap).
__global__ void
spin_kernel (DevRecord *rec, long long even_ns, long long odd_ns)
{
  long long t0 = global_timer (), prev = t0, now, gap = 0;
  unsigned s = sm_id ();
  long long d = (s & 1) ? odd_ns : even_ns;
  do
    {
      now = global_timer ();
      gap = max (gap, now - prev);
      prev = now;
    }
  while (now - t0 < d);
  if (threadIdx.x == 0)
    rec[blockIdx.x] = DevRecord { s, t0, global_timer (), gap };
}

// A block of a drainable kernel: thread 0 reads the device flag at entry; if it is set the block
// exits at once, recording the host time (through the mirror, with the read's duration) in gap's
// place and marking sm with the top bit.  Otherwise it spins for dur_ns.
__global__ void
drain_kernel (const volatile int *flag, const volatile long long *host_now, DevRecord *rec, long long dur_ns)
{
  __shared__ int stop;
  long long t0 = global_timer ();
  if (threadIdx.x == 0)
    stop = *flag;
  __syncthreads ();
  if (stop)
    {
      if (threadIdx.x == 0)
        {
          long long g0 = global_timer ();
          long long h = *host_now;
          long long g1 = global_timer ();
          rec[blockIdx.x] = DevRecord { sm_id () | 0x80000000u, t0, g0, h - (g1 - g0) / 2 };
        }
      return;
    }
  while (global_timer () - t0 < dur_ns)
    ;
  if (threadIdx.x == 0)
    rec[blockIdx.x] = DevRecord { sm_id (), t0, global_timer (), 0 };
}

// Reads the host clock mirror at entry and at exit, with the read's duration each time:
// out = { host at entry, read time, host at exit, read time }.
__global__ void
stamp_kernel (const volatile long long *host_now, long long *out, long long spin_ns)
{
  long long g0 = global_timer ();
  long long h0 = *host_now;
  long long g1 = global_timer ();
  while (global_timer () - g0 < spin_ns)
    ;
  long long g2 = global_timer ();
  long long h1 = *host_now;
  long long g3 = global_timer ();
  out[0] = h0, out[1] = g1 - g0, out[2] = h1, out[3] = g3 - g2;
}

// The host clock mirror: a thread writing CLOCK_MONOTONIC into mapped pinned memory.
struct Mirror {
  long long *host = nullptr;
  long long *dev = nullptr;
  pthread_t thread;
  volatile int run = 0;
  bool started = false;

  static void *
  loop (void *p)
  {
    Mirror *m = static_cast<Mirror *> (p);
    while (__atomic_load_n (&m->run, __ATOMIC_RELAXED))
      __atomic_store_n (m->host, (long long) host_now_ns (), __ATOMIC_RELAXED);
    return nullptr;
  }

  gboolean
  start (GError **error)
  {
    if (!OK (cudaHostAlloc (&host, sizeof *host, cudaHostAllocMapped))
        || !OK (cudaHostGetDevicePointer (&dev, host, 0)))
      return FALSE;
    *host = host_now_ns ();
    run = 1;
    if (pthread_create (&thread, nullptr, loop, this) != 0)
      {
        g_set_error (error, TS_ERROR, TS_ERROR_RUN, "cannot start the host clock mirror thread");
        return FALSE;
      }
    started = true;
    return TRUE;
  }

  ~Mirror ()
  {
    if (started)
      {
        __atomic_store_n (&run, 0, __ATOMIC_RELAXED);
        pthread_join (thread, nullptr);
      }
    if (host != nullptr)
      cudaFreeHost (host);
  }
};

// Device memory for n block records, freed on scope exit.
struct Records {
  DevRecord *dev = nullptr;
  ~Records ()
  {
    if (dev != nullptr)
      cudaFree (dev);
  }
};

const int probe_threads = 128;

// Selects the device and sizes a wave of spin_kernel: *slots blocks (of probe_threads threads)
// fit on one SM at once, *wave on the whole GPU.
gboolean
probe_wave (int device, guint *slots, guint *wave, GError **error)
{
  int n = 0, sms = 0;
  if (!use_device (device, error)
      || !OK (cudaDeviceGetAttribute (&sms, cudaDevAttrMultiProcessorCount, device))
      || !OK (cudaOccupancyMaxActiveBlocksPerMultiprocessor (&n, spin_kernel, probe_threads, 0)))
    return FALSE;
  *slots = (guint) MAX (n, 1);
  *wave = (guint) sms * *slots;
  return TRUE;
}

// Launches kernels of the given block counts, each on its own stream of priority prio[k], kernel k
// after sleeping delay_us[k]; returns their records tagged with the kernel index.
TsBlockRecord *
run_kernels (guint nk, const guint *blocks, const long long *even_ns, const long long *odd_ns,
             const guint *delay_us, const int *prio, guint *n_out, GError **error)
{
  guint total = 0;
  for (guint k = 0; k < nk; k++)
    total += blocks[k];
  Records rec;
  cudaStream_t streams[4] = {};
  g_assert (nk <= G_N_ELEMENTS (streams));
  TsBlockRecord *out = nullptr;
  DevRecord *host = g_new (DevRecord, total);
  gboolean good = OK (cudaMalloc (&rec.dev, total * sizeof (DevRecord)));
  for (guint k = 0; good && k < nk; k++)
    good = OK (cudaStreamCreateWithPriority (&streams[k], cudaStreamNonBlocking, prio[k]));
  guint offset = 0;
  for (guint k = 0; good && k < nk; k++)
    {
      if (delay_us[k] > 0)
        g_usleep (delay_us[k]);
      spin_kernel<<<blocks[k], probe_threads, 0, streams[k]>>> (rec.dev + offset, even_ns[k], odd_ns[k]);
      good = OK (cudaGetLastError ());
      offset += blocks[k];
    }
  good = good && OK (cudaDeviceSynchronize ())
         && OK (cudaMemcpy (host, rec.dev, total * sizeof (DevRecord), cudaMemcpyDeviceToHost));
  if (good)
    {
      out = g_new (TsBlockRecord, total);
      offset = 0;
      for (guint k = 0; k < nk; k++)
        for (guint b = 0; b < blocks[k]; b++, offset++)
          out[offset] = TsBlockRecord { k, b, host[offset].sm, host[offset].start, host[offset].end,
                                        host[offset].gap };
      *n_out = total;
    }
  for (guint k = 0; k < nk; k++)
    if (streams[k] != nullptr)
      cudaStreamDestroy (streams[k]);
  g_free (host);
  return out;
}

}  // namespace

gboolean
ts_probe_device (int device, TsProbeDevice *d, GError **error)
{
  if (!use_device (device, error))
    return FALSE;
  cudaDeviceProp p;
  memset (d, 0, sizeof *d);
  if (!OK (cudaGetDeviceProperties (&p, device)) || !OK (cudaDriverGetVersion (&d->driver_version))
      || !OK (cudaRuntimeGetVersion (&d->runtime_version))
      || !OK (cudaDeviceGetStreamPriorityRange (&d->priority_least, &d->priority_greatest)))
    return FALSE;
  g_strlcpy (d->name, p.name, sizeof d->name);
  d->cc_major = p.major, d->cc_minor = p.minor;
  d->sms = p.multiProcessorCount;
  d->max_threads_per_sm = p.maxThreadsPerMultiProcessor;
  d->max_blocks_per_sm = p.maxBlocksPerMultiProcessor;
  d->registers_per_sm = p.regsPerMultiprocessor;
  d->shared_mem_per_sm = (int) p.sharedMemPerMultiprocessor;
  d->max_threads_per_block = p.maxThreadsPerBlock;
  return TRUE;
}

gboolean
ts_probe_timing (int device, guint n, TsTime *launch, TsTime *gap, TsTime *wakeup, GError **error)
{
  if (!use_device (device, error))
    return FALSE;
  Mirror mirror;
  Records rec;
  long long *out = nullptr;
  cudaStream_t s = nullptr;
  gboolean good = mirror.start (error) && OK (cudaMalloc (&out, 4 * sizeof (long long)))
                  && OK (cudaMalloc (&rec.dev, 2 * sizeof (DevRecord)))
                  && OK (cudaStreamCreateWithFlags (&s, cudaStreamNonBlocking));
  const guint warmup = 10;
  for (guint i = 0; good && i < warmup + n; i++)
    {
      long long h[4];
      DevRecord r[2];
      TsTime call = host_now_ns ();
      stamp_kernel<<<1, 32, 0, s>>> (mirror.dev, out, 20 * TS_NS_PER_US);
      good = OK (cudaGetLastError ()) && OK (cudaStreamSynchronize (s));
      TsTime back = host_now_ns ();
      spin_kernel<<<1, 32, 0, s>>> (rec.dev, 5 * TS_NS_PER_US, 5 * TS_NS_PER_US);
      spin_kernel<<<1, 32, 0, s>>> (rec.dev + 1, 5 * TS_NS_PER_US, 5 * TS_NS_PER_US);
      good = good && OK (cudaGetLastError ()) && OK (cudaStreamSynchronize (s))
             && OK (cudaMemcpy (h, out, sizeof h, cudaMemcpyDeviceToHost))
             && OK (cudaMemcpy (r, rec.dev, sizeof r, cudaMemcpyDeviceToHost));
      if (good && i >= warmup)
        {
          // The mirror's value was current half a read after the stamp (see probe.h).
          launch[i - warmup] = MAX (0, h[0] - h[1] / 2 - call);
          wakeup[i - warmup] = MAX (0, back - (h[2] + h[3] / 2));
          gap[i - warmup] = MAX (0, r[1].start - r[0].end);
        }
    }
  if (s != nullptr)
    cudaStreamDestroy (s);
  if (out != nullptr)
    cudaFree (out);
  return good;
}

TsBlockRecord *
ts_probe_placement (int device, guint *n, guint *slots, GError **error)
{
  guint fill;
  if (!probe_wave (device, slots, &fill, error))
    return nullptr;
  const guint blocks[] = { fill, 2 * fill };
  const long long even[] = { 50 * TS_NS_PER_US, 100 * TS_NS_PER_US };
  const long long odd[] = { 5 * TS_NS_PER_MS, 100 * TS_NS_PER_US };
  const guint delay[] = { 0, 1000 };  // kernel 1 after kernel 0's short blocks have ended
  const int prio[] = { 0, 0 };
  return run_kernels (2, blocks, even, odd, delay, prio, n, error);
}

// Kernel 0 with three waves of 100 us blocks at priority prio0, then after delay_us kernel 1 with
// one wave at prio1: the dispatch and priority experiments.
static TsBlockRecord *
three_waves_then_one (int device, guint delay_us, int prio0, int prio1, guint *n, GError **error)
{
  guint slots, wave;
  if (!probe_wave (device, &slots, &wave, error))
    return nullptr;
  const guint blocks[] = { 3 * wave, wave };
  const long long dur[] = { 100 * TS_NS_PER_US, 100 * TS_NS_PER_US };
  const guint delay[] = { 0, delay_us };
  const int prio[] = { prio0, prio1 };
  return run_kernels (2, blocks, dur, dur, delay, prio, n, error);
}

TsBlockRecord *
ts_probe_dispatch (int device, guint *n, GError **error)
{
  return three_waves_then_one (device, 0, 0, 0, n, error);
}

TsBlockRecord *
ts_probe_priority (int device, int low, int high, guint *n, GError **error)
{
  return three_waves_then_one (device, 150, low, high, n, error);  // kernel 1 during the first wave
}

gboolean
ts_probe_flag (int device, guint n, TsTime *visible, TsTime *drain, TsTime *remaining, TsTime *check,
               GError **error)
{
  guint slots, wave;
  if (!probe_wave (device, &slots, &wave, error))
    return FALSE;
  const guint blocks = 20 * wave;  // 20 waves of 100 us
  Mirror mirror;
  Records rec;
  int *flag = nullptr;
  cudaStream_t work = nullptr, side = nullptr;
  static const int one = 1, zero = 0;
  DevRecord *host = g_new (DevRecord, blocks);
  gboolean good = mirror.start (error) && OK (cudaMalloc (&rec.dev, blocks * sizeof (DevRecord)))
                  && OK (cudaMalloc (&flag, sizeof *flag))
                  && OK (cudaStreamCreateWithFlags (&work, cudaStreamNonBlocking))
                  && OK (cudaStreamCreateWithFlags (&side, cudaStreamNonBlocking));
  for (guint i = 0; good && i < n; i++)
    {
      good = OK (cudaMemcpy (flag, &zero, sizeof zero, cudaMemcpyHostToDevice));
      drain_kernel<<<blocks, probe_threads, 0, work>>> (flag, mirror.dev, rec.dev, 100 * TS_NS_PER_US);
      good = good && OK (cudaGetLastError ());
      // Varying the moment varies how much of the running blocks is left when the flag lands.
      g_usleep (300 + (i * 37) % 100);
      TsTime written = host_now_ns ();
      good = good && OK (cudaMemcpyAsync (flag, &one, sizeof one, cudaMemcpyHostToDevice, side))
             && OK (cudaDeviceSynchronize ())
             && OK (cudaMemcpy (host, rec.dev, blocks * sizeof (DevRecord), cudaMemcpyDeviceToHost));
      if (!good)
        break;
      // The flag became visible with the first block that saw it; the running blocks then finish.
      long long seen = G_MAXINT64, seen_host = 0, last_end = G_MININT64, exit_dur = 0;
      guint exited = 0;
      for (guint b = 0; b < blocks; b++)
        if (host[b].sm & 0x80000000u)
          {
            if (host[b].start < seen)
              seen = host[b].start, seen_host = host[b].gap;
            exit_dur += host[b].end - host[b].start, exited++;
          }
      if (exited == 0)
        {
          g_set_error (error, TS_ERROR, TS_ERROR_RUN, "flag probe: the kernel ended before the flag landed");
          good = FALSE;
          break;
        }
      long long running_end = seen;
      for (guint b = 0; b < blocks; b++)
        {
          last_end = MAX (last_end, host[b].end);
          if (!(host[b].sm & 0x80000000u) && host[b].start <= seen)
            running_end = MAX (running_end, host[b].end);
        }
      visible[i] = MAX (0, seen_host - written);
      remaining[i] = running_end - seen;
      drain[i] = visible[i] + (last_end - seen);
      check[i] = exit_dur / exited;
    }
  g_free (host);
  if (work != nullptr)
    cudaStreamDestroy (work);
  if (side != nullptr)
    cudaStreamDestroy (side);
  if (flag != nullptr)
    cudaFree (flag);
  return good;
}

namespace {

constexpr float NEVER = -12345.678f;   // a value the work never produces (keeps it from being removed)

// Interference probe: kind 0 runs `iters` dependent FMAs per thread; kind 1 streams `iters` times
// through its block's `per_block` float4s.  The dynamic shared memory the launch asks for keeps a
// second block off the SM.
__global__ void __launch_bounds__ (1024)
load_kernel (int kind, const float4 *buf, size_t per_block, long long iters, float *sink)
{
  float acc = 0.0f;
  if (kind == TS_LOAD_MEMORY)
    {
      const float4 *p = buf + blockIdx.x * per_block;
      for (long long r = 0; r < iters; r++)
        for (size_t i = threadIdx.x; i < per_block; i += blockDim.x)
          {
            float4 v = p[i];
            acc += v.x + v.y + v.z + v.w;
          }
    }
  else
    {
      float x = 1.0f + threadIdx.x * 1e-4f;
      for (long long i = 0; i < iters; i++)
        x = fmaf (x, 0.9999999f, 1e-7f);
      acc = x;
    }
  if (acc == NEVER)
    sink[0] = acc;
}

struct LoadRun {
  int kind;                // TS_LOAD_*; -1: none
  unsigned blocks;
  const float4 *buf;
  size_t per_block;
  long long iters;
};

// Runs up to two load kernels at once on two streams; their durations (events) in ns.
gboolean
run_loads (const LoadRun r[2], size_t smem, cudaStream_t s[2], float *sink, TsTime out[2], GError **error)
{
  cudaEvent_t e[2][2] = {};
  gboolean good = TRUE;
  for (int i = 0; good && i < 2; i++)
    good = OK (cudaEventCreate (&e[i][0])) && OK (cudaEventCreate (&e[i][1]));
  for (int i = 0; good && i < 2; i++)
    if (r[i].kind >= 0)
      good = OK (cudaEventRecord (e[i][0], s[i]));
  for (int i = 0; good && i < 2; i++)
    if (r[i].kind >= 0)
      {
        load_kernel<<<r[i].blocks, 1024, smem, s[i]>>> (r[i].kind, r[i].buf, r[i].per_block, r[i].iters, sink);
        good = OK (cudaGetLastError ()) && OK (cudaEventRecord (e[i][1], s[i]));
      }
  good = good && OK (cudaDeviceSynchronize ());
  for (int i = 0; good && i < 2; i++)
    {
      float ms = 0;
      if (r[i].kind >= 0)
        good = OK (cudaEventElapsedTime (&ms, e[i][0], e[i][1]));
      out[i] = (TsTime) (ms * 1e6);
    }
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++)
      if (e[i][j] != nullptr)
        cudaEventDestroy (e[i][j]);
  return good;
}

} // namespace

gboolean
ts_probe_interference (int device, guint n, TsInterference *out, GError **error)
{
  if (!use_device (device, error))
    return FALSE;
  cudaDeviceProp prop;
  if (!OK (cudaGetDeviceProperties (&prop, device)))
    return FALSE;
  const unsigned sms = (unsigned) prop.multiProcessorCount, half = MAX (sms / 2, 1u);
  // 256 MiB per kernel (five H100 L2s); a block's share stays contiguous.
  const size_t elems = (size_t (256) << 20) / sizeof (float4);
  const size_t smem = MIN ((size_t) prop.sharedMemPerMultiprocessor / 2 + 1, (size_t) prop.sharedMemPerBlockOptin);
  float4 *buf[2] = {};
  float *sink = nullptr;
  cudaStream_t s[2] = {};
  gboolean good = OK (cudaFuncSetAttribute (load_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int) smem))
                  && OK (cudaMalloc (&buf[0], elems * sizeof (float4))) && OK (cudaMalloc (&buf[1], elems * sizeof (float4)))
                  && OK (cudaMemset (buf[0], 0, elems * sizeof (float4))) && OK (cudaMemset (buf[1], 0, elems * sizeof (float4)))
                  && OK (cudaMalloc (&sink, sizeof (float)))
                  && OK (cudaStreamCreateWithFlags (&s[0], cudaStreamNonBlocking))
                  && OK (cudaStreamCreateWithFlags (&s[1], cudaStreamNonBlocking));
  g_autofree TsTime *alone = g_new (TsTime, 2 * n), *beside = g_new (TsTime, 4 * n);
  const long long passes = 4;
  TsTime t[2];
  // The compute kernel's length: as long as the memory kernel on half of the SMs.
  LoadRun mem = { TS_LOAD_MEMORY, half, buf[0], elems / half, passes }, cmp = { TS_LOAD_COMPUTE, half, nullptr, 0, 1 << 16 };
  for (guint round = 0; good && round < 3; round++)
    {
      LoadRun r[2] = { mem, cmp };
      for (int i = 0; i < 2 && good; i++)
        {
          LoadRun one[2] = { r[i], { -1, 0, nullptr, 0, 0 } };
          good = run_loads (one, smem, s, sink, &t[i], error);
        }
      if (good && t[1] > 0)
        cmp.iters = MAX (1LL, (long long) ((double) cmp.iters * (double) t[0] / (double) t[1]));
    }
  // Alone, then each pair beside each other (victim on stream 0, aggressor on stream 1).
  const LoadRun kinds[TS_N_LOADS] = { cmp, mem };
  for (guint i = 0; good && i < n; i++)
    for (int v = 0; v < TS_N_LOADS && good; v++)
      {
        LoadRun one[2] = { kinds[v], { -1, 0, nullptr, 0, 0 } };
        good = run_loads (one, smem, s, sink, t, error);
        alone[v * n + i] = t[0];
        for (int a = 0; a < TS_N_LOADS && good; a++)
          {
            LoadRun pair[2] = { kinds[v], kinds[a] };
            pair[1].buf = buf[1];   // two memory kernels stream different data
            good = run_loads (pair, smem, s, sink, t, error);
            beside[(v * TS_N_LOADS + a) * n + i] = t[0];
          }
      }
  if (good)
    {
      for (int v = 0; good && v < TS_N_LOADS; v++)
        for (int a = 0; good && a < TS_N_LOADS; a++)
          good = ts_fit_slowdown (alone + v * n, beside + (v * TS_N_LOADS + a) * n, n, &out->slowdown[v][a],
                                  error);
      out->present = good;
    }
  for (int i = 0; i < 2; i++)
    {
      if (s[i] != nullptr)
        cudaStreamDestroy (s[i]);
      cudaFree (buf[i]);
    }
  cudaFree (sink);
  return good;
}

gboolean
ts_probe_streams (int device, guint n, double *makespan, GError **error)
{
  g_return_val_if_fail (n >= 1 && n <= 128, FALSE);
  if (!use_device (device, error))
    return FALSE;
  Records rec;
  cudaStream_t streams[128] = {};
  DevRecord host[128];
  gboolean good = OK (cudaMalloc (&rec.dev, n * sizeof (DevRecord)));
  for (guint i = 0; good && i < n; i++)
    good = OK (cudaStreamCreateWithFlags (&streams[i], cudaStreamNonBlocking));
  for (guint m = 1; good && m <= n; m++)
    {
      for (guint i = 0; i < m; i++)
        spin_kernel<<<1, 32, 0, streams[i]>>> (rec.dev + i, 200 * TS_NS_PER_US, 200 * TS_NS_PER_US);
      good = OK (cudaGetLastError ()) && OK (cudaDeviceSynchronize ())
             && OK (cudaMemcpy (host, rec.dev, m * sizeof (DevRecord), cudaMemcpyDeviceToHost));
      long long first = G_MAXINT64, last = G_MININT64;
      for (guint i = 0; good && i < m; i++)
        first = MIN (first, host[i].start), last = MAX (last, host[i].end);
      if (good)
        makespan[m - 1] = (double) (last - first);
    }
  for (guint i = 0; i < n; i++)
    if (streams[i] != nullptr)
      cudaStreamDestroy (streams[i]);
  return good;
}

namespace {

// The contention probe's block: few enough threads that 16 blocks fill a 2048-thread SM.  The
// kernel needs under 32 registers a thread (28 for sm_90), so threads, not registers, cap its
// occupancy; the probe takes whatever the driver reports.
const int share_threads = 128, share_lanes = 4;

// Kind compute: `work` dependent FMAs per thread.  Kind memory: `work` passes through the block's
// `chunk` float4s (a multiple of share_lanes x share_threads).  Thread 0 records the block once
// all its threads are done.
__global__ void __launch_bounds__ (share_threads)
share_kernel (int kind, const float4 *buf, unsigned chunk, long long work, DevRecord *rec, float *sink)
{
  long long t0 = global_timer ();
  float acc = 0.0f;
  if (kind == TS_LOAD_MEMORY)
    {
      const float4 *p = buf + (size_t) blockIdx.x * chunk;
      for (long long r = 0; r < work; r++)
        for (unsigned i = threadIdx.x; i < chunk; i += share_lanes * share_threads)
          {
            float4 v[share_lanes];  // all loads first: share_lanes of them in flight per thread
#pragma unroll
            for (int l = 0; l < share_lanes; l++)
              v[l] = p[i + l * share_threads];
#pragma unroll
            for (int l = 0; l < share_lanes; l++)
              acc += v[l].x + v[l].y + v[l].z + v[l].w;
          }
    }
  else
    {
      float x = 1.0f + threadIdx.x * 1e-4f;
#pragma unroll 16
      for (long long i = 0; i < work; i++)
        x = fmaf (x, 0.9999999f, 1e-7f);
      acc = x;
    }
  if (acc == NEVER)
    sink[0] = acc;
  __syncthreads ();
  if (threadIdx.x == 0)
    rec[blockIdx.x] = DevRecord { sm_id (), t0, global_timer (), 0 };
}

struct Share {
  int kind;           // TS_LOAD_*
  const float4 *buf;  // memory: the first block's slice
  long long work;     // FMAs per thread, or passes
};

// The contention probe's device state: a buffer of max(levels, 2) x sms slices, record space for
// as many blocks, two streams.
struct ShareBench {
  guint sms = 0, levels = 0;
  unsigned chunk = 0;  // float4s per slice
  float4 *buf = nullptr;
  float *sink = nullptr;
  DevRecord *dev = nullptr, *host = nullptr;
  TsBlockRecord *recs = nullptr;
  cudaStream_t s[2] = {};

  gboolean
  setup (int device, GError **error)
  {
    cudaDeviceProp prop;
    int occ = 0;
    if (!use_device (device, error) || !OK (cudaGetDeviceProperties (&prop, device))
        || !OK (cudaOccupancyMaxActiveBlocksPerMultiprocessor (&occ, share_kernel, share_threads, 0)))
      return FALSE;
    sms = (guint) prop.multiProcessorCount, levels = (guint) MAX (occ, 1);
    // One block per SM streams four L2s (at least 64 KiB a block): little of it can hit in L2.
    size_t bytes = MAX ((size_t) 4 * prop.l2CacheSize / sms, (size_t) 64 << 10);
    size_t step = share_lanes * share_threads * sizeof (float4);
    chunk = (unsigned) ((bytes + step - 1) / step * share_lanes * share_threads);
    size_t total = (size_t) MAX (levels, 2u) * sms * chunk;
    host = g_new (DevRecord, MAX (levels, 2u) * sms);
    recs = g_new (TsBlockRecord, MAX (levels, 2u) * sms);
    return OK (cudaMalloc (&buf, total * sizeof (float4))) && OK (cudaMemset (buf, 0, total * sizeof (float4)))
           && OK (cudaMalloc (&dev, MAX (levels, 2u) * sms * sizeof (DevRecord)))
           && OK (cudaMalloc (&sink, sizeof (float)))
           && OK (cudaStreamCreateWithFlags (&s[0], cudaStreamNonBlocking))
           && OK (cudaStreamCreateWithFlags (&s[1], cudaStreamNonBlocking));
  }

  // Launches r[0..nr) in that order, kernel j with sms x per_sm blocks on stream j; waves[j]
  // summarises its records, and *even says whether every kernel had per_sm blocks on each SM.
  gboolean
  run (const Share *r, guint nr, guint per_sm, TsWave *waves, gboolean *even, GError **error)
  {
    const guint blocks = sms * per_sm;
    g_assert (nr <= 2 && nr * blocks <= MAX (levels, 2u) * sms);
    for (guint j = 0; j < nr; j++)
      {
        share_kernel<<<blocks, share_threads, 0, s[j]>>> (r[j].kind, r[j].buf, chunk, r[j].work,
                                                          dev + j * blocks, sink);
        if (!OK (cudaGetLastError ()))
          return FALSE;
      }
    if (!OK (cudaDeviceSynchronize ())
        || !OK (cudaMemcpy (host, dev, nr * blocks * sizeof (DevRecord), cudaMemcpyDeviceToHost)))
      return FALSE;
    *even = TRUE;
    for (guint j = 0; j < nr; j++)
      {
        for (guint b = 0; b < blocks; b++)
          {
            const DevRecord &d = host[j * blocks + b];
            recs[b] = TsBlockRecord { j, b, d.sm, d.start, d.end, 0 };
          }
        *even = ts_fit_wave (recs, blocks, sms, per_sm, &waves[j]) && *even;
      }
    return TRUE;
  }

  ~ShareBench ()
  {
    for (int i = 0; i < 2; i++)
      if (s[i] != nullptr)
        cudaStreamDestroy (s[i]);
    cudaFree (buf);
    cudaFree (dev);
    cudaFree (sink);
    g_free (host);
    g_free (recs);
  }
};

} // namespace

gboolean
ts_probe_contention (int device, guint n, TsContention *out, TsProbeContention *info, GError **error)
{
  g_return_val_if_fail (n >= 1, FALSE);
  ShareBench b;
  if (!b.setup (device, error))
    return FALSE;
  *info = TsProbeContention { share_threads, b.levels, (double) b.chunk * sizeof (float4), 0, 0 };
  // Each kind's one-block work: 65536 FMAs of 4 cycles (some 130 us at 2 GHz), one pass.
  const Share unit[TS_N_LOADS] = { { TS_LOAD_COMPUTE, nullptr, 1 << 16 }, { TS_LOAD_MEMORY, b.buf, 1 } };
  TsWave w[2] = {};
  gboolean even = TRUE, good = TRUE;
  // A warm-up of each kind at full occupancy (module load, first touches), not kept.
  for (int v = 0; good && v < TS_N_LOADS; v++)
    good = b.run (&unit[v], 1, b.levels, w, &even, error);

  // a. One-wave latency against blocks per SM, the levels interleaved so that drift (clocks,
  //    temperature) spreads over all of them.
  g_autofree TsTime *lat = g_new (TsTime, TS_N_LOADS * b.levels * n);
  for (guint i = 0; good && i < n; i++)
    for (guint k = 1; good && k <= b.levels; k++)
      for (int v = 0; good && v < TS_N_LOADS; v++)
        {
          good = b.run (&unit[v], 1, k, w, &even, error);
          lat[(v * b.levels + k - 1) * n + i] = w[0].end - w[0].start;
          info->runs++, info->uneven += !even;
        }
  for (int v = 0; good && v < TS_N_LOADS; v++)
    {
      out->occupancy_ns[v] = g_new (double, b.levels);
      out->n_occupancy[v] = b.levels;
      good = ts_fit_occupancy (lat + v * b.levels * n, b.levels, n, out->occupancy_ns[v], error);
    }

  // b. Pairs on the same SMs: the aggressor (stream 0) first and four times the victim's length
  //    alone, so that it covers the victim (stream 1); a memory aggressor streams the second slices.
  g_autofree TsTime *alone = g_new (TsTime, TS_N_LOADS * n);
  g_autofree TsTime *beside = g_new (TsTime, TS_N_LOADS * TS_N_LOADS * n);
  for (guint i = 0; good && i < n; i++)
    for (int v = 0; good && v < TS_N_LOADS; v++)
      {
        good = b.run (&unit[v], 1, 1, w, &even, error);
        alone[v * n + i] = w[0].end - w[0].start;
        info->runs++, info->uneven += !even;
        for (int a = 0; good && a < TS_N_LOADS; a++)
          {
            Share pair[2] = { unit[a], unit[v] };
            pair[0].work *= (long long) ceil (4.0 * out->occupancy_ns[v][0] / out->occupancy_ns[a][0]);
            if (a == TS_LOAD_MEMORY)
              pair[0].buf = b.buf + (size_t) b.sms * b.chunk;
            good = b.run (pair, 2, 1, w, &even, error);
            beside[(v * TS_N_LOADS + a) * n + i] = w[1].end - w[1].start;
            info->runs++, info->uneven += !even || w[0].start > w[1].start || w[0].end < w[1].end;
          }
      }
  for (int v = 0; good && v < TS_N_LOADS; v++)
    for (int a = 0; good && a < TS_N_LOADS; a++)
      good = ts_fit_slowdown (alone + v * n, beside + (v * TS_N_LOADS + a) * n, n, &out->sm_slowdown[v][a],
                              error);
  out->present = good;
  return good;
}

// ---- The cost group's microbenchmarks (see probe.h) ----

#include <cuda_fp16.h>
#include <mma.h>

namespace {

const int cost_threads = 256;
const int fma_chains = 8, fma_links = 16;  // a thread's independent chains, and each one's FMAs an iteration
const int mma_chains = 8;                  // a warp's independent Tensor Core products
const int copy_lanes = 4;                  // float4 loads in flight a thread
const long long gate_timeout_ns = TS_NS_PER_S;

// One FMA, and conversions, for the two FMA kernels.
__device__ __forceinline__ float fma_op (float x, float a, float b) { return fmaf (x, a, b); }
__device__ __forceinline__ __half2 fma_op (__half2 x, __half2 a, __half2 b) { return __hfma2 (x, a, b); }
template <typename T> __device__ __forceinline__ T from_float (float v);
template <> __device__ __forceinline__ float from_float<float> (float v) { return v; }
template <> __device__ __forceinline__ __half2 from_float<__half2> (float v) { return __float2half2_rn (v); }
__device__ __forceinline__ float to_float (float v) { return v; }
__device__ __forceinline__ float to_float (__half2 v) { return __low2float (v) + __high2float (v); }

// `iters` iterations of fma_links FMAs on each of fma_chains independent chains: the chains hide
// the FMA's latency, so the SM's FMA throughput sets the pace.  a and b come from the host, so
// that nothing can be folded; the sum is stored only if it is NEVER, so that nothing is dropped.
template <typename T>
__global__ void __launch_bounds__ (cost_threads)
fma_kernel (long long iters, float a, float b, float *sink)
{
  const T ta = from_float<T> (a), tb = from_float<T> (b);
  T x[fma_chains];
#pragma unroll
  for (int c = 0; c < fma_chains; c++)
    x[c] = from_float<T> (1.0f + threadIdx.x * 1e-3f + c);
  for (long long i = 0; i < iters; i++)
#pragma unroll
    for (int l = 0; l < fma_links; l++)
#pragma unroll
      for (int c = 0; c < fma_chains; c++)
        x[c] = fma_op (x[c], ta, tb);
  float s = 0.0f;
#pragma unroll
  for (int c = 0; c < fma_chains; c++)
    s += to_float (x[c]);
  if (s == NEVER)
    sink[0] = s;
}

// `iters` iterations of mma_chains independent 16x16x16 products D = A B + D per warp, FP16
// operands (filled with v) and FP32 accumulators.
__global__ void __launch_bounds__ (cost_threads)
mma_kernel (long long iters, float v, float *sink)
{
  using namespace nvcuda;
  wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> a;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::col_major> b;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> d[mma_chains];
  wmma::fill_fragment (a, __float2half (v));
  wmma::fill_fragment (b, __float2half (v));
#pragma unroll
  for (int c = 0; c < mma_chains; c++)
    wmma::fill_fragment (d[c], 0.0f);
  for (long long i = 0; i < iters; i++)
#pragma unroll
    for (int c = 0; c < mma_chains; c++)
      wmma::mma_sync (d[c], a, b, d[c]);
  float s = 0.0f;
#pragma unroll
  for (int c = 0; c < mma_chains; c++)
    for (int e = 0; e < d[c].num_elements; e++)
      s += d[c].x[e];
  if (s == NEVER)
    sink[0] = s;
}

// `passes` copies of src into dst, n float4s each, n a multiple of copy_lanes x the grid's
// threads: each thread issues copy_lanes loads before their stores, so that enough bytes are in
// flight to keep DRAM busy.  No __restrict__: the passes cannot be merged.
__global__ void __launch_bounds__ (cost_threads)
copy_kernel (const float4 *src, float4 *dst, size_t n, long long passes)
{
  const size_t stride = (size_t) gridDim.x * blockDim.x;
  for (long long p = 0; p < passes; p++)
    for (size_t i = (size_t) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += copy_lanes * stride)
      {
        float4 v[copy_lanes];
#pragma unroll
        for (int l = 0; l < copy_lanes; l++)
          v[l] = src[i + l * stride];
#pragma unroll
        for (int l = 0; l < copy_lanes; l++)
          dst[i + l * stride] = v[l];
      }
}

__global__ void
empty_kernel ()
{
}

// Holds the stream until the host sets gate[0], or records a timeout in gate[1].
__global__ void
gate_kernel (volatile int *gate, long long timeout_ns)
{
  long long t0 = global_timer ();
  while (gate[0] == 0)
    if (global_timer () - t0 > timeout_ns)
      {
        gate[1] = 1;
        return;
      }
}

// Blocks of a kernel that fit on every SM at once.
template <typename K>
gboolean
full_wave (K kernel, unsigned sms, unsigned *blocks, GError **error)
{
  int occ = 0;
  if (!OK (cudaOccupancyMaxActiveBlocksPerMultiprocessor (&occ, kernel, cost_threads, 0)))
    return FALSE;
  *blocks = sms * (unsigned) MAX (occ, 1);
  return TRUE;
}

} // namespace

struct _TsProbeCost {
  cudaStream_t s = nullptr;
  cudaEvent_t e0 = nullptr, e1 = nullptr;
  unsigned blocks[TS_N_BENCH_COMPUTE] = {}, copy_blocks = 0;
  size_t n = 0;  // float4s a buffer
  float4 *src = nullptr, *dst = nullptr;
  float *sink = nullptr;
  int *gate = nullptr, *gate_dev = nullptr;  // mapped host memory: { open, timed out }
  TsBenchUnits units = {};

  ~_TsProbeCost ()
  {
    if (s != nullptr)
      cudaStreamDestroy (s);
    if (e0 != nullptr)
      cudaEventDestroy (e0);
    if (e1 != nullptr)
      cudaEventDestroy (e1);
    cudaFree (src);
    cudaFree (dst);
    cudaFree (sink);
    if (gate != nullptr)
      cudaFreeHost (gate);
  }
};

TsProbeCost *
ts_probe_cost_open (int device, GError **error)
{
  cudaDeviceProp prop;
  if (!use_device (device, error) || !OK (cudaGetDeviceProperties (&prop, device)))
    return nullptr;
  TsProbeCost *c = new TsProbeCost;
  cudaFuncAttributes attr;
  const unsigned sms = (unsigned) prop.multiProcessorCount;
  const bool has_half2 = prop.major > 5 || (prop.major == 5 && prop.minor >= 3), has_tensor = prop.major >= 7;
  gboolean good = full_wave (fma_kernel<float>, sms, &c->blocks[TS_BENCH_FMA32], error)
                  && full_wave (fma_kernel<__half2>, sms, &c->blocks[TS_BENCH_FMA16X2], error)
                  && full_wave (mma_kernel, sms, &c->blocks[TS_BENCH_MMA16], error)
                  && full_wave (copy_kernel, sms, &c->copy_blocks, error);
  if (good)
    {
      const double per_thread = 2.0 * fma_chains * fma_links;  // an FMA is 2 FLOPs
      c->units.flops_per_iter[TS_BENCH_FMA32] = (double) c->blocks[TS_BENCH_FMA32] * cost_threads * per_thread;
      c->units.flops_per_iter[TS_BENCH_FMA16X2] =
        has_half2 ? (double) c->blocks[TS_BENCH_FMA16X2] * cost_threads * per_thread * 2 : 0;
      c->units.flops_per_iter[TS_BENCH_MMA16] =
        has_tensor ? (double) c->blocks[TS_BENCH_MMA16] * (cost_threads / 32) * mma_chains * 2.0 * 16 * 16 * 16 : 0;
      // Each buffer far larger than the L2, a whole number of the grid's rounds.
      const size_t round = (size_t) copy_lanes * c->copy_blocks * cost_threads;
      const size_t bytes = MAX ((size_t) 8 * prop.l2CacheSize, (size_t) 256 << 20);
      c->n = (bytes / sizeof (float4) + round - 1) / round * round;
      c->units.bytes_per_pass = 2.0 * (double) c->n * sizeof (float4);
      good = OK (cudaStreamCreateWithFlags (&c->s, cudaStreamNonBlocking)) && OK (cudaEventCreate (&c->e0))
             && OK (cudaEventCreate (&c->e1)) && OK (cudaMalloc (&c->src, c->n * sizeof (float4)))
             && OK (cudaMalloc (&c->dst, c->n * sizeof (float4)))
             && OK (cudaMemset (c->src, 0, c->n * sizeof (float4)))
             && OK (cudaMemset (c->dst, 0, c->n * sizeof (float4))) && OK (cudaMalloc (&c->sink, sizeof (float)))
             && OK (cudaHostAlloc (&c->gate, 2 * sizeof (int), cudaHostAllocMapped))
             && OK (cudaHostGetDevicePointer (&c->gate_dev, c->gate, 0))
             // Loaded now: loading a kernel lazily at its first launch may wait for the device to
             // idle, which the gate kernel would hold up until its timeout.
             && OK (cudaFuncGetAttributes (&attr, empty_kernel)) && OK (cudaFuncGetAttributes (&attr, gate_kernel))
             && OK (cudaDeviceSynchronize ());
    }
  if (!good)
    {
      delete c;
      return nullptr;
    }
  return c;
}

void
ts_probe_cost_close (TsProbeCost *c)
{
  delete c;
}

namespace {

// The time between the two events, once the second has happened.
gboolean
elapsed (TsProbeCost *c, TsTime *ns, GError **error)
{
  float ms = 0;
  if (!OK (cudaGetLastError ()) || !OK (cudaEventSynchronize (c->e1)) || !OK (cudaEventElapsedTime (&ms, c->e0, c->e1)))
    return FALSE;
  *ns = (TsTime) llround ((double) ms * 1e6);
  return TRUE;
}

gboolean
cost_units (gpointer dev, TsBenchUnits *units, GError **)
{
  *units = static_cast<TsProbeCost *> (dev)->units;
  return TRUE;
}

gboolean
cost_compute (gpointer dev, TsBenchCompute kind, guint64 iters, TsTime *ns, GError **error)
{
  TsProbeCost *c = static_cast<TsProbeCost *> (dev);
  const unsigned blocks = c->blocks[kind];
  if (!OK (cudaEventRecord (c->e0, c->s)))
    return FALSE;
  // Chains that settle on 1 (x -> 0.999 x + 0.001): no overflow, no denormals.
  if (kind == TS_BENCH_FMA32)
    fma_kernel<float><<<blocks, cost_threads, 0, c->s>>> ((long long) iters, 0.999f, 0.001f, c->sink);
  else if (kind == TS_BENCH_FMA16X2)
    fma_kernel<__half2><<<blocks, cost_threads, 0, c->s>>> ((long long) iters, 0.999f, 0.001f, c->sink);
  else
    mma_kernel<<<blocks, cost_threads, 0, c->s>>> ((long long) iters, 1.0f / 64, c->sink);
  return OK (cudaGetLastError ()) && OK (cudaEventRecord (c->e1, c->s)) && elapsed (c, ns, error);
}

gboolean
cost_stream (gpointer dev, guint64 passes, TsTime *ns, GError **error)
{
  TsProbeCost *c = static_cast<TsProbeCost *> (dev);
  if (!OK (cudaEventRecord (c->e0, c->s)))
    return FALSE;
  copy_kernel<<<c->copy_blocks, cost_threads, 0, c->s>>> (c->src, c->dst, c->n, (long long) passes);
  return OK (cudaGetLastError ()) && OK (cudaEventRecord (c->e1, c->s)) && elapsed (c, ns, error);
}

gboolean
cost_empty (gpointer dev, guint64 count, TsTime *ns, GError **error)
{
  TsProbeCost *c = static_cast<TsProbeCost *> (dev);
  __atomic_store_n (&c->gate[0], 0, __ATOMIC_SEQ_CST);
  __atomic_store_n (&c->gate[1], 0, __ATOMIC_SEQ_CST);
  gate_kernel<<<1, 1, 0, c->s>>> (c->gate_dev, gate_timeout_ns);
  gboolean good = OK (cudaGetLastError ()) && OK (cudaEventRecord (c->e0, c->s));
  for (guint64 i = 0; good && i < count; i++)
    {
      empty_kernel<<<1, 32, 0, c->s>>> ();
      good = OK (cudaGetLastError ());
    }
  good = good && OK (cudaEventRecord (c->e1, c->s));
  // Opened whatever happened above, so that the stream drains.
  __atomic_store_n (&c->gate[0], 1, __ATOMIC_SEQ_CST);
  if (!good || !elapsed (c, ns, error))
    return FALSE;
  if (__atomic_load_n (&c->gate[1], __ATOMIC_SEQ_CST) != 0)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_RUN,
                   "the host took over %.0f s to queue %" G_GUINT64_FORMAT " empty kernels: their time would be "
                   "the host's launch rate, not the GPU's", (double) gate_timeout_ns / TS_NS_PER_S, count);
      return FALSE;
    }
  return TRUE;
}

} // namespace

const TsCostBench ts_probe_cost_bench = { cost_units, cost_compute, cost_stream, cost_empty };
