// The real GPU backend (see cuda.h): the backend interface on CUDA streams, in wall-clock time.
#include <string.h>
#include <time.h>

#include "calib/cuda-util.cuh"
#include "real_backend/cuda.h"
#include "real_backend/realtime.h"
#include "real_backend/synth.cuh"

using namespace ts_cuda;

namespace {

constexpr guint N_SLOTS = 4096;       // launches in device queues at once, over all streams
constexpr guint MAX_STREAMS = 1024;   // drain epochs: one per stream of a run

} // namespace

struct _TsCudaDevice {
  int device;
  char name[256];
  int driver, runtime;
  int prio_least, prio_greatest;
  Synth sy;
  GHashTable *plans;          // const TsKernelDesc * -> Plan *
  DevSlot *dslots;            // device memory, N_SLOTS
  HostSlot *hslots, *hslots_dev;    // mapped host memory, N_SLOTS
  unsigned *epochs, *epochs_dev;    // mapped host memory, MAX_STREAMS
  TsCudaPlanQuality quality;
  // per run
  gboolean busy;              // a backend is using it
  GArray *streams;            // cudaStream_t, by the backend's stream number
  guint free_slots[N_SLOTS];
  guint n_free;
};

namespace {

// The GPU as the real-time core sees it (TsWallDeviceOps).
TsTime dev_clock (gpointer) { return host_now_ns (); }

void
dev_idle (gpointer, TsTime ns)
{
  struct timespec ts = { (time_t) (ns / TS_NS_PER_S), (long) (ns % TS_NS_PER_S) };
  nanosleep (&ts, nullptr);
}

guint dev_sms (gpointer d) { return (guint) ((TsCudaDevice *) d)->sy.sms; }

gconstpointer
dev_plan (gpointer d, const TsKernelDesc *k, guint *blocks_per_sm, TsTime *block_ns)
{
  const Plan *p = (const Plan *) g_hash_table_lookup (((TsCudaDevice *) d)->plans, k);
  if (p != nullptr)
    *blocks_per_sm = p->blocks_per_sm, *block_ns = p->block_ns;
  return p;
}

gboolean
dev_stream_new (gpointer d, guint stream, guint level, GError **error)
{
  TsCudaDevice *dev = (TsCudaDevice *) d;
  if (stream >= MAX_STREAMS)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_RUN, "real backend: more than %u streams", MAX_STREAMS);
      return FALSE;
    }
  // CUDA's numbers: lower is more urgent; our level 0 is the most urgent.
  int prio = level == 0 ? dev->prio_greatest : dev->prio_least;
  cudaStream_t s;
  if (!OK (cudaStreamCreateWithPriority (&s, cudaStreamNonBlocking, prio)))
    return FALSE;
  g_array_append_val (dev->streams, s);
  return TRUE;
}

gboolean
dev_submit (gpointer d, TsWallLaunch *l, GError **error)
{
  TsCudaDevice *dev = (TsCudaDevice *) d;
  g_return_val_if_fail (dev->n_free > 0, FALSE);   // the core keeps in-flight launches <= N_SLOTS
  const Plan *main = (const Plan *) l->main, *pad = (const Plan *) l->pad;
  l->dev_slot = dev->free_slots[--dev->n_free];
  dev->hslots[l->dev_slot].seq = 0;
  LaunchArgs a = {};
  a.main = Part { main->threads, main->work };
  a.pad = pad != nullptr ? Part { pad->threads, pad->work } : Part { 0, 0 };
  a.main_blocks = l->n_main;
  a.grid = l->n_main + l->n_pad;
  a.epoch = dev->epochs_dev + l->stream;
  a.launch_epoch = dev->epochs[l->stream];
  a.slot = dev->dslots + l->dev_slot;
  a.host = dev->hslots_dev + l->dev_slot;
  a.seq = l->seq;
  unsigned threads = MAX (main->threads, pad != nullptr ? pad->threads : 0);
  unsigned smem = MAX (main->smem, pad != nullptr ? pad->smem : 0);
  return OK (synth_launch (&dev->sy, a, threads, smem, g_array_index (dev->streams, cudaStream_t, l->stream)));
}

gboolean
dev_poll (gpointer d, const TsWallLaunch *l, guint32 *done_main, guint32 *done_pad)
{
  TsCudaDevice *dev = (TsCudaDevice *) d;
  const HostSlot *h = &dev->hslots[l->dev_slot];
  if (h->seq != l->seq)
    return FALSE;
  *done_main = h->done_main;
  *done_pad = h->done_pad;
  dev->free_slots[dev->n_free++] = l->dev_slot;
  return TRUE;
}

void
dev_drain (gpointer d, guint stream)
{
  // Blocks read the epoch at entry: from now on this stream's launched blocks exit there.
  __atomic_add_fetch (&((TsCudaDevice *) d)->epochs[stream], 1u, __ATOMIC_SEQ_CST);
}

void
dev_end_run (gpointer d)
{
  TsCudaDevice *dev = (TsCudaDevice *) d;
  cudaDeviceSynchronize ();   // a failed run may leave launches behind: let them end
  for (guint i = 0; i < dev->streams->len; i++)
    cudaStreamDestroy (g_array_index (dev->streams, cudaStream_t, i));
  g_array_set_size (dev->streams, 0);
  dev->n_free = 0;
  for (guint i = 0; i < N_SLOTS; i++)
    dev->free_slots[dev->n_free++] = N_SLOTS - 1 - i;
  dev->busy = FALSE;
}

const TsWallDeviceOps cuda_device_ops = {
  "cuda", dev_clock, dev_idle, dev_sms, dev_plan, dev_stream_new, dev_submit, dev_poll, dev_drain, dev_end_run,
};

// Plans every kernel of model m not planned yet.
gboolean
plan_kernels (TsCudaDevice *dev, const TsKernelDesc *ks, guint n, const TsProfile *profile, GError **error)
{
  for (guint i = 0; i < n; i++)
    {
      if (g_hash_table_contains (dev->plans, &ks[i]))
        continue;
      Plan *p = g_new0 (Plan, 1);
      g_hash_table_insert (dev->plans, (gpointer) &ks[i], p);
      if (!synth_plan (&dev->sy, &ks[i], profile, p, error))
        {
          g_prefix_error (error, "%s: ", ks[i].name);
          return FALSE;
        }
      double err = fabs ((double) p->solo_ns - (double) ks[i].duration) / (double) ks[i].duration;
      TsCudaPlanQuality *q = &dev->quality;
      q->mean_err += err;
      if (err >= q->max_err)
        q->max_err = err, q->max_err_kernel = ks[i].name;
      q->occupancy_mismatches += p->blocks_per_sm != p->model_per_sm;
      q->kernels++;
    }
  return TRUE;
}

} // namespace

static const char *const work_names[] = { "compute", "memory", "timed" };

const char *ts_cuda_work_name (TsCudaWork work) { return work_names[work]; }

gboolean
ts_cuda_work_parse (const char *s, TsCudaWork *out, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (work_names); i++)
    if (g_strcmp0 (s, work_names[i]) == 0)
      {
        *out = (TsCudaWork) i;
        return TRUE;
      }
  g_set_error (error, TS_ERROR, TS_ERROR_USAGE, "--work: '%s' is not compute, memory or timed", s);
  return FALSE;
}

TsCudaDevice *
ts_cuda_device_open (int device, TsCudaWork work, const TsScenario *scn, GError **error)
{
  if (!use_device (device, error))
    return nullptr;
  g_autoptr (TsCudaDevice) dev = g_new0 (TsCudaDevice, 1);
  dev->device = device;
  dev->plans = g_hash_table_new_full (g_direct_hash, g_direct_equal, nullptr, g_free);
  dev->streams = g_array_new (FALSE, FALSE, sizeof (cudaStream_t));
  for (guint i = 0; i < N_SLOTS; i++)
    dev->free_slots[dev->n_free++] = N_SLOTS - 1 - i;
  cudaDeviceProp prop;
  if (!OK (cudaGetDeviceProperties (&prop, device)) || !OK (cudaDriverGetVersion (&dev->driver))
      || !OK (cudaRuntimeGetVersion (&dev->runtime))
      || !OK (cudaDeviceGetStreamPriorityRange (&dev->prio_least, &dev->prio_greatest)))
    return nullptr;
  g_strlcpy (dev->name, prop.name, sizeof dev->name);
  if (!synth_init (&dev->sy, work, error)
      || !OK (cudaMalloc (&dev->dslots, N_SLOTS * sizeof (DevSlot)))
      || !OK (cudaMemset (dev->dslots, 0, N_SLOTS * sizeof (DevSlot)))
      || !OK (cudaHostAlloc (&dev->hslots, N_SLOTS * sizeof (HostSlot), cudaHostAllocMapped))
      || !OK (cudaHostGetDevicePointer (&dev->hslots_dev, dev->hslots, 0))
      || !OK (cudaHostAlloc (&dev->epochs, MAX_STREAMS * sizeof (unsigned), cudaHostAllocMapped))
      || !OK (cudaHostGetDevicePointer (&dev->epochs_dev, dev->epochs, 0)))
    return nullptr;
  memset ((void *) dev->hslots, 0, N_SLOTS * sizeof (HostSlot));
  memset (dev->epochs, 0, MAX_STREAMS * sizeof (unsigned));
  for (guint t = 0; t < scn->n_tasks; t++)
    {
      const TsModel *m = scn->tasks[t].model;
      if (!plan_kernels (dev, m->kernels, m->n_kernels, scn->profile, error))
        return nullptr;
      for (guint e = 0; e < m->n_exits; e++)
        if (!plan_kernels (dev, m->exits[e].kernels, m->exits[e].n_kernels, scn->profile, error))
          return nullptr;
    }
  if (dev->quality.kernels > 0)
    dev->quality.mean_err /= dev->quality.kernels;
  return (TsCudaDevice *) g_steal_pointer (&dev);
}

void
ts_cuda_device_close (TsCudaDevice *dev)
{
  if (dev == nullptr)
    return;
  g_return_if_fail (!dev->busy);
  cudaDeviceSynchronize ();
  synth_fini (&dev->sy);
  cudaFree (dev->dslots);
  cudaFreeHost (dev->hslots);
  cudaFreeHost (dev->epochs);
  if (dev->plans != nullptr)
    g_hash_table_unref (dev->plans);
  if (dev->streams != nullptr)
    g_array_unref (dev->streams);
  g_free (dev);
}

const char *ts_cuda_device_name (const TsCudaDevice *dev) { return dev->name; }
guint ts_cuda_device_sms (const TsCudaDevice *dev) { return (guint) dev->sy.sms; }

void
ts_cuda_device_versions (const TsCudaDevice *dev, int *driver, int *runtime)
{
  *driver = dev->driver;
  *runtime = dev->runtime;
}

void ts_cuda_device_quality (const TsCudaDevice *dev, TsCudaPlanQuality *out) { *out = dev->quality; }

TsBackend *
ts_backend_cuda_new (TsCudaDevice *dev)
{
  g_return_val_if_fail (!dev->busy, nullptr);
  dev->busy = TRUE;
  return ts_wall_backend_new (&cuda_device_ops, dev, N_SLOTS);
}
