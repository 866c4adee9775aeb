#include "config.h"

#include "policies/streams.h"

typedef struct {
  TsRunner *runner;
  guint *stream;  /* per task */
} Streams;

static gpointer
streams_create (TsRunner *runner, gboolean tiered)
{
  const TsScenario *scn = ts_runner_scenario (runner);
  TsBackend *be = ts_runner_backend (runner);
  guint lowest = ts_backend_levels (be) - 1;
  Streams *s = g_new0 (Streams, 1);
  s->runner = runner;
  s->stream = g_new (guint, scn->n_tasks);
  for (guint i = 0; i < scn->n_tasks; i++)
    s->stream[i] = ts_backend_stream_new (be, tiered && scn->tasks[i].cls == TS_CLASS_RT ? 0 : lowest);
  return s;
}

void
ts_streams_job_arrived (gpointer self, TsJob *job)
{
  Streams *s = self;
  ts_runner_launch_job (s->runner, s->stream[job->task], job);
}

void
ts_streams_destroy (gpointer self)
{
  Streams *s = self;
  g_free (s->stream);
  g_free (s);
}

gpointer
ts_streams_create_flat (TsRunner *runner, GError **error)
{
  return streams_create (runner, FALSE);
}

gpointer
ts_streams_create_tiered (TsRunner *runner, GError **error)
{
  return streams_create (runner, TRUE);
}

const TsPolicyClass ts_policy_streams = {
  .name = "streams",
  .summary = "one stream per client, all at equal priority",
  .description =
    "GPU streams without priorities: every client (task) gets its own stream on the lowest "
    "priority level, and a request's kernels are all launched on it as soon as the client issues "
    "it.  Kernels of different clients share the GPU as the hardware dispatcher allows: in order "
    "of eligibility, a kernel receiving blocks only once the kernel ahead of it in the execution "
    "queue is fully dispatched.  RT kernels get no precedence over BE kernels.",
  .create = ts_streams_create_flat,
  .destroy = ts_streams_destroy,
  .job_arrived = ts_streams_job_arrived,
};
