#include "config.h"

#include "sim/policy.h"

typedef struct {
  TsRunner *runner;
  guint stream;
  GQueue rt, be;    /* issued jobs waiting for the GPU */
  TsJob *running;
} Seq;

static gpointer
create (TsRunner *runner, const void *config, GError **error)
{
  Seq *s = g_new0 (Seq, 1);
  TsBackend *be = ts_runner_backend (runner);
  s->runner = runner;
  s->stream = ts_backend_stream_new (be, ts_backend_levels (be) - 1);
  g_queue_init (&s->rt);
  g_queue_init (&s->be);
  return s;
}

static void
destroy (gpointer self)
{
  Seq *s = self;
  g_queue_clear (&s->rt);
  g_queue_clear (&s->be);
  g_free (s);
}

static void
start_next (Seq *s)
{
  if (s->running != NULL)
    return;
  TsJob *job = g_queue_pop_head (&s->rt);
  if (job == NULL)
    job = g_queue_pop_head (&s->be);
  if (job == NULL)
    return;
  s->running = job;
  ts_runner_launch_job (s->runner, s->stream, job);
}

static void
job_arrived (gpointer self, TsJob *job)
{
  Seq *s = self;
  const TsTask *t = ts_runner_task (s->runner, job);
  g_queue_push_tail (t->cls == TS_CLASS_RT ? &s->rt : &s->be, job);
  start_next (s);
}

static void
job_finished (gpointer self, TsJob *job)
{
  Seq *s = self;
  g_assert (s->running == job);
  s->running = NULL;
  start_next (s);
}

static const TsPolicyClass ts_policy_seq = {
  .name = "seq",
  .summary = "one job at a time on one stream; RT jobs go first",
  .description =
    "Sequential execution: a single stream and one job on the GPU at a time, as a server that "
    "serialises requests would run them.  Waiting RT jobs are started before waiting BE jobs "
    "(FIFO within each class), but a job is never interrupted: an RT arrival waits until the "
    "in-flight job, BE included, has finished.  No two jobs' kernels ever share the GPU.",
  .create = create,
  .destroy = destroy,
  .job_arrived = job_arrived,
  .job_finished = job_finished,
};

const TsPolicyClass *const ts_seq_family[] = { &ts_policy_seq, NULL };
