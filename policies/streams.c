/* tiersim — the streams family: one stream per client (task), the hardware dispatcher doing the
 * rest; streams (one level), streams-prio and rt-only (two tiers). */
#include "config.h"

#include "sim/policy.h"

typedef struct {
  TsRunner *runner;
  guint *stream;  /* per task */
} Streams;

/* config: a gboolean, TRUE for two tiers (rt tasks on the highest level, be tasks on the
 * lowest), FALSE for every task on the lowest level (CUDA's default priority). */
static gpointer
streams_create (TsRunner *runner, const void *config, GError **error)
{
  gboolean tiered = *(const gboolean *) config;
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

/* Launches the job's kernels on its task's stream at once. */
static void
streams_job_arrived (gpointer self, TsJob *job)
{
  Streams *s = self;
  ts_runner_launch_job (s->runner, s->stream[job->task], job);
}

static void
streams_destroy (gpointer self)
{
  Streams *s = self;
  g_free (s->stream);
  g_free (s);
}

static const gboolean flat = FALSE, tiered = TRUE;

static const TsPolicyClass ts_policy_streams = {
  .name = "streams",
  .summary = "one stream per client, all at equal priority",
  .description =
    "GPU streams without priorities: every client (task) gets its own stream on the lowest "
    "priority level, and a request's kernels are all launched on it as soon as the client issues "
    "it.  Kernels of different clients share the GPU as the hardware dispatcher allows: in order "
    "of eligibility, a kernel receiving blocks only once the kernel ahead of it in the execution "
    "queue is fully dispatched.  RT kernels get no precedence over BE kernels.",
  .create = streams_create,
  .config = &flat,
  .destroy = streams_destroy,
  .job_arrived = streams_job_arrived,
};

static const TsPolicyClass ts_policy_streams_prio = {
  .name = "streams-prio",
  .summary = "one stream per client, RT on the high tier, BE on the low tier",
  .description =
    "GPU streams with two priority tiers: every client gets its own stream, RT clients on the "
    "highest priority level and BE clients on the lowest, and a request's kernels are all "
    "launched as soon as it is issued.  The dispatcher gives freed SM slots to a high-tier kernel "
    "ahead of any low-tier kernel's remaining blocks, but never evicts a running block, so an RT "
    "kernel still waits for the BE blocks that occupy the SMs it needs.",
  .create = streams_create,
  .config = &tiered,
  .destroy = streams_destroy,
  .job_arrived = streams_job_arrived,
};

static const TsPolicyClass ts_policy_rt_only = {
  .name = "rt-only",
  .summary = "RT clients alone: BE tasks removed (the latency floor)",
  .description =
    "The reference point: the BE tasks are removed from the scenario and every RT client runs "
    "on its own high-tier stream, as under streams-prio.  Its RT latencies are what the GPU "
    "gives RT work with no interference from BE work; other policies' RT latencies are judged "
    "against them.  BE tasks have no rows in its results.  The papers' RT-only, which serves RT "
    "requests one at a time, is 'rt-only-serial'.",
  .rt_only = TRUE,
  .create = streams_create,
  .config = &tiered,
  .destroy = streams_destroy,
  .job_arrived = streams_job_arrived,
};

const TsPolicyClass *const ts_streams_family[] = {
  &ts_policy_rt_only, &ts_policy_streams, &ts_policy_streams_prio, NULL,
};
