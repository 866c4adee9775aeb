#include "config.h"

#include "sim/backend-sim.h"

typedef struct {
  TsBackend parent;
  const TsProfile *profile;
  TsEngine *engine;
  TsGpu *gpu;
  TsHost *host;      /* rule 7, when the profile has a host group */
  TsDla *dla;        /* when the profile has a dla group */
} SimBackend;

#define SIM(be) ((SimBackend *) (be))

static TsTime sim_now (TsBackend *be) { return ts_engine_now (SIM (be)->engine); }
static guint sim_levels (TsBackend *be) { return SIM (be)->profile->priority_levels; }
static guint
sim_thread_new (TsBackend *be)
{
  return SIM (be)->host != NULL ? ts_host_thread_new (SIM (be)->host) : 0;
}

static void
sim_stream_set_thread (TsBackend *be, TsStreamId stream, TsThreadId thread)
{
  if (SIM (be)->host != NULL)
    ts_gpu_stream_set_thread (SIM (be)->gpu, stream, thread);
}

/* A stream is launched by a thread of its own until the policy says otherwise. */
static guint
sim_stream_new (TsBackend *be, guint level)
{
  guint s = ts_gpu_stream_new (SIM (be)->gpu, level);
  sim_stream_set_thread (be, s, sim_thread_new (be));
  return s;
}

static void
sim_stream_set_window (TsBackend *be, TsStreamId stream, guint window)
{
  ts_gpu_stream_set_window (SIM (be)->gpu, stream, window);
}

static void
sim_launch (TsBackend *be, TsStreamId stream, const TsLaunch *l)
{
  ts_gpu_submit (SIM (be)->gpu, stream, l);
}

static guint
sim_reset (TsBackend *be, TsStreamId stream, TsPreemptDoneFn fn, gpointer data)
{
  return ts_gpu_reset (SIM (be)->gpu, stream, fn, data);
}

static guint
sim_drain (TsBackend *be, TsStreamId stream, TsPreemptDoneFn fn, gpointer data)
{
  return ts_gpu_drain (SIM (be)->gpu, stream, fn, data);
}

static guint sim_sms (TsBackend *be) { return SIM (be)->profile->sms; }

static void
sim_kernel_shape (TsBackend *be, const TsKernelDesc *k, guint *blocks_per_sm, TsTime *block_ns)
{
  *blocks_per_sm = ts_gpu_blocks_per_sm (SIM (be)->gpu, k);
  *block_ns = ts_gpu_block_duration (SIM (be)->gpu, k);
}

static guint64
sim_timer_set (TsBackend *be, TsTime at, TsTimerFn fn, gpointer data, guint64 arg)
{
  return ts_engine_schedule (SIM (be)->engine, at, TS_EV_HOST, fn, data, arg);
}

static gboolean sim_timer_cancel (TsBackend *be, guint64 id) { return ts_engine_cancel (SIM (be)->engine, id); }

static gboolean
sim_run (TsBackend *be, GError **error)
{
  ts_engine_run (SIM (be)->engine);
  return TRUE;
}

static void
sim_counters (TsBackend *be, guint64 *kernels, guint64 *events)
{
  *kernels = ts_gpu_kernels_completed (SIM (be)->gpu) + (SIM (be)->dla != NULL ? ts_dla_layers_completed (SIM (be)->dla) : 0);
  *events = ts_engine_events_run (SIM (be)->engine);
}

static gboolean
sim_usage (TsBackend *be, TsUsage *out)
{
  out->sm_busy_ns = ts_gpu_sm_busy_ns (SIM (be)->gpu);
  out->dram_bytes = ts_gpu_dram_bytes (SIM (be)->gpu);
  out->host_busy_ns = SIM (be)->host != NULL ? (double) ts_host_busy (SIM (be)->host) : 0;
  return TRUE;
}

static const TsDlaModel *
sim_dla (TsBackend *be)
{
  return SIM (be)->dla != NULL ? &SIM (be)->profile->dla : NULL;
}

static void
sim_launch_dla (TsBackend *be, guint dla, const TsLaunch *l)
{
  ts_dla_launch (SIM (be)->dla, dla, l->kernel, l->done, l->data, l->tag);
}

static void
sim_free (TsBackend *be)
{
  ts_gpu_free (SIM (be)->gpu);
  ts_dla_free (SIM (be)->dla);
  ts_host_free (SIM (be)->host);
  ts_engine_free (SIM (be)->engine);
  g_free (be);
}

static const TsBackendOps sim_ops = {
  .name = "sim", .now = sim_now, .levels = sim_levels, .stream_new = sim_stream_new,
  .stream_set_window = sim_stream_set_window, .launch = sim_launch,
  .reset = sim_reset, .drain = sim_drain, .sms = sim_sms, .kernel_shape = sim_kernel_shape,
  .timer_set = sim_timer_set, .timer_cancel = sim_timer_cancel,
  .run = sim_run, .counters = sim_counters, .usage = sim_usage, .free = sim_free,
  .thread_new = sim_thread_new, .stream_set_thread = sim_stream_set_thread,
  .dla = sim_dla, .launch_dla = sim_launch_dla,
};

TsBackend *
ts_backend_sim_new (const TsProfile *profile)
{
  SimBackend *s = g_new0 (SimBackend, 1);
  s->parent.ops = &sim_ops;
  s->profile = profile;
  s->engine = ts_engine_new ();
  s->gpu = ts_gpu_new (s->engine, profile);
  if (profile->host.present)
    {
      s->host = ts_host_new (s->engine, profile->host.cores);
      ts_gpu_set_host (s->gpu, s->host);
    }
  if (profile->dla.count > 0)
    s->dla = ts_dla_new (s->engine, profile, s->gpu);
  return &s->parent;
}

TsEngine *
ts_backend_sim_engine (TsBackend *be)
{
  g_return_val_if_fail (be->ops == &sim_ops, NULL);
  return SIM (be)->engine;
}

TsDla *
ts_backend_sim_dla (TsBackend *be)
{
  g_return_val_if_fail (be->ops == &sim_ops, NULL);
  return SIM (be)->dla;
}

TsGpu *
ts_backend_sim_gpu (TsBackend *be)
{
  g_return_val_if_fail (be->ops == &sim_ops, NULL);
  return SIM (be)->gpu;
}

TsRunResult *
ts_run_observed (const TsScenario *scn, const TsPolicyClass *policy,
                 TsGpuObserverFn observer, gpointer data, GError **error)
{
  g_autoptr (TsBackend) be = ts_backend_sim_new (scn->profile);
  if (observer != NULL)
    ts_gpu_set_observer (ts_backend_sim_gpu (be), observer, data);
  return ts_run_on (scn, policy, be, error);
}
