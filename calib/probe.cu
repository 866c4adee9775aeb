// GPU microbenchmarks behind `tiersim calibrate` (see probe.h).  Blocks stamp themselves with
// %smid and %globaltimer; host-side times come from CLOCK_MONOTONIC, and a thread mirrors that
// clock into mapped memory so that a kernel can read host time directly.
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <cuda_runtime.h>

#include "calib/probe.h"

namespace {

struct DevRecord {
  unsigned sm;
  long long start, end;
};

__device__ __forceinline__ long long
global_timer ()
{
  long long t;
  asm volatile ("mov.u64 %0, %%globaltimer;" : "=l"(t));
  return t;
}

__device__ __forceinline__ unsigned
sm_id ()
{
  unsigned s;
  asm volatile ("mov.u32 %0, %%smid;" : "=r"(s));
  return s;
}

// Every thread spins for even_ns or odd_ns by its SM's parity; thread 0 records the block.
__global__ void
spin_kernel (DevRecord *rec, long long even_ns, long long odd_ns)
{
  long long t0 = global_timer ();
  unsigned s = sm_id ();
  long long d = (s & 1) ? odd_ns : even_ns;
  while (global_timer () - t0 < d)
    ;
  if (threadIdx.x == 0)
    rec[blockIdx.x] = DevRecord { s, t0, global_timer () };
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

TsTime
host_now_ns ()
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (TsTime) ts.tv_sec * TS_NS_PER_S + ts.tv_nsec;
}

// Records a failed CUDA call as a GError; TRUE if the call succeeded.
gboolean
ok (cudaError_t e, const char *what, GError **error)
{
  if (e == cudaSuccess)
    return TRUE;
  if (error != NULL && *error == NULL)
    g_set_error (error, TS_ERROR, TS_ERROR_RUN, "CUDA: %s: %s", what, cudaGetErrorString (e));
  return FALSE;
}
#define OK(call) ok ((call), #call, error)

// Selects the device, distinguishing "no GPU" (NOT_FOUND: exit 2) from later failures.
gboolean
use_device (int device, GError **error)
{
  int count = 0;
  cudaError_t e = cudaGetDeviceCount (&count);
  if (e != cudaSuccess || count == 0)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_NOT_FOUND, "no CUDA device: %s",
                   e != cudaSuccess ? cudaGetErrorString (e) : "the driver reports none");
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

// Blocks of spin_kernel (probe_threads threads) that fit on one SM at once.
gboolean
probe_slots (guint *slots, GError **error)
{
  int n = 0;
  if (!OK (cudaOccupancyMaxActiveBlocksPerMultiprocessor (&n, spin_kernel, probe_threads, 0)))
    return FALSE;
  *slots = (guint) MAX (n, 1);
  return TRUE;
}

// Launches kernels of the given block counts, each on its own stream of default priority, kernel k
// after sleeping delay_us[k]; returns their records tagged with the kernel index.
TsBlockRecord *
run_kernels (guint nk, const guint *blocks, const long long *even_ns, const long long *odd_ns,
             const guint *delay_us, guint *n_out, GError **error)
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
    good = OK (cudaStreamCreateWithFlags (&streams[k], cudaStreamNonBlocking));
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
          out[offset] = TsBlockRecord { k, b, host[offset].sm, host[offset].start, host[offset].end };
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
  TsProbeDevice d;
  if (!ts_probe_device (device, &d, error) || !probe_slots (slots, error))
    return nullptr;
  const guint fill = (guint) d.sms * *slots;
  const guint blocks[] = { fill, 2 * fill };
  const long long even[] = { 50 * TS_NS_PER_US, 100 * TS_NS_PER_US };
  const long long odd[] = { 5 * TS_NS_PER_MS, 100 * TS_NS_PER_US };
  const guint delay[] = { 0, 1000 };  // kernel 1 after kernel 0's short blocks have ended
  return run_kernels (2, blocks, even, odd, delay, n, error);
}

TsBlockRecord *
ts_probe_dispatch (int device, guint *n, GError **error)
{
  TsProbeDevice d;
  guint slots;
  if (!ts_probe_device (device, &d, error) || !probe_slots (&slots, error))
    return nullptr;
  const guint wave = (guint) d.sms * slots;
  const guint blocks[] = { 3 * wave, wave };
  const long long dur[] = { 100 * TS_NS_PER_US, 100 * TS_NS_PER_US };
  const guint delay[] = { 0, 0 };
  return run_kernels (2, blocks, dur, dur, delay, n, error);
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
