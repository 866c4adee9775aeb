#include "config.h"

#include <string.h>

#include "sim/policy.h"
#include "sim/runner.h"
#include "sim/workload.h"
#include "sim/backend-sim.h"

typedef struct {
  TsRunner *runner;
  const TsTask *task;
  guint index;
  TsReleaseGen gen;
  GArray *spans;        /* TsSpan: when the task is active (its lifetime) */
  guint span;           /* the first span that may hold a later release */
  TsJob *outstanding;
  TsJob *backlog_head, *backlog_tail;
  guint32 next_id;
} Client;

struct _TsRunner {
  const TsScenario *scn;
  TsBackend *be;
  const TsPolicyClass *cls;
  gpointer policy;
  Client *clients;
  GPtrArray *jobs;
  TsRunResult *result;
  TsTime end;
  gpointer context;
};

void
ts_run_result_free (TsRunResult *r)
{
  if (r == NULL)
    return;
  g_free (r->policy);
  g_clear_pointer (&r->jobs, g_ptr_array_unref);
  g_clear_pointer (&r->preemptions, g_array_unref);
  g_free (r->task_ran);
  g_free (r->task_active);
  g_free (r);
}

TsBackend *ts_runner_backend (TsRunner *r) { return r->be; }
gpointer ts_runner_context (TsRunner *r) { return r->context; }
const TsScenario *ts_runner_scenario (TsRunner *r) { return r->scn; }
const TsTask *ts_runner_task (TsRunner *r, const TsJob *job) { return &r->scn->tasks[job->task]; }

double
ts_runner_param (TsRunner *r, const char *name)
{
  const TsPolicyParam *p = ts_policy_param (r->cls, name);
  g_return_val_if_fail (p != NULL, 0);
  for (guint i = 0; i < r->scn->params->len; i++)
    {
      const TsParamValue *v = &g_array_index (r->scn->params, TsParamValue, i);
      if (strcmp (v->policy, r->cls->name) == 0 && strcmp (v->name, name) == 0)
        return v->value;
    }
  return p->def;
}

static void release_fired (gpointer data, guint64 arg);
static void client_release (TsRunner *r, Client *c, TsJob *job);

/* Schedules the client's next release at `at`, if the task is active then; a release outside
 * its activity (issue 19, open systems) is replaced as the generator says. */
static void
schedule_release (Client *c, TsTime at)
{
  const TsSpan *sp = (const TsSpan *) c->spans->data;
  for (;;)
    {
      if (at >= c->runner->scn->duration)   /* TS_TIME_NEVER too */
        return;
      while (c->span < c->spans->len && sp[c->span].stop <= at)
        c->span++;
      if (c->span == c->spans->len)
        return;
      if (at >= sp[c->span].start)
        break;
      at = ts_release_gen_resume (&c->gen, sp[c->span].start);
    }
  ts_backend_timer_set (c->runner->be, at, release_fired, c, 0);
}

static void
issue (Client *c, TsJob *job)
{
  c->outstanding = job;
  c->runner->cls->job_arrived (c->runner->policy, job);
}

static void
release_fired (gpointer data, guint64 arg)
{
  Client *c = data;
  TsRunner *r = c->runner;
  TsTime now = ts_backend_now (r->be);
  TsJob *job = g_new0 (TsJob, 1);
  *job = (TsJob) {
    .task = c->index, .id = c->next_id++, .release = now,
    .deadline = c->task->deadline > 0 ? now + c->task->deadline : TS_TIME_NEVER,
    .start = -1, .finish = -1, .exit = -1, .variant = "full",
  };
  g_ptr_array_add (r->jobs, job);

  if (c->outstanding == NULL)
    issue (c, job);
  else if (c->task->on_busy == TS_BUSY_SKIP)
    job->dropped = TRUE;
  else if (c->task->on_busy == TS_BUSY_LATEST && c->backlog_head != NULL)
    {
      c->backlog_head->dropped = TRUE;  /* at most one waits: the newest */
      c->backlog_head = c->backlog_tail = job;
    }
  else
    {
      if (c->backlog_tail)
        c->backlog_tail->next = job;
      else
        c->backlog_head = job;
      c->backlog_tail = job;
    }

  schedule_release (c, ts_release_gen_after_release (&c->gen));
}

static void
job_done (gpointer data, guint64 tag)
{
  ts_runner_finish_job (data, GSIZE_TO_POINTER (tag));
}

void
ts_runner_start_job (TsRunner *r, TsJob *job)
{
  if (job->start < 0)
    job->start = ts_backend_now (r->be);
}

void
ts_runner_count_preemption (TsRunner *r, TsJob *job)
{
  job->preemptions++;
}

void
ts_runner_record_preemption (TsRunner *r, TsJob *job, const TsPreemptResult *pr)
{
  ts_runner_count_preemption (r, job);
  TsPreemptRecord rec = { job->task, pr->requested, pr->done - pr->requested, pr->wasted_gpu_ns };
  g_array_append_val (r->result->preemptions, rec);
}

void
ts_runner_record_waste (TsRunner *r, guint task, double wasted_gpu_ns)
{
  TsPreemptRecord rec = { task, ts_backend_now (r->be), -1, wasted_gpu_ns };
  g_array_append_val (r->result->preemptions, rec);
}

void
ts_runner_finish_job_at (TsRunner *r, TsJob *job, int exit)
{
  job->exit = exit;
  ts_runner_finish_job (r, job);
}

void
ts_runner_finish_job (TsRunner *r, TsJob *job)
{
  Client *c = &r->clients[job->task];
  TsTime now = ts_backend_now (r->be);
  const TsModel *m = c->task->model;
  job->finish = now;
  double acc = m->accuracy;
  if (m->n_exits > 0)
    {
      const TsExit *e = &m->exits[job->exit >= 0 ? (guint) job->exit : m->n_exits - 1];
      acc = e->accuracy;
      job->variant = e->name;
    }
  job->accuracy = now > job->deadline ? 0.0 : acc;
  r->end = MAX (r->end, now);
  client_release (r, c, job);
}

void
ts_runner_drop_job (TsRunner *r, TsJob *job)
{
  job->dropped = TRUE;
  job->accuracy = 0.0;
  client_release (r, &r->clients[job->task], job);
}

/* The client's outstanding job is over: issue its next request, then tell the policy. */
static void
client_release (TsRunner *r, Client *c, TsJob *job)
{
  TsTime now = ts_backend_now (r->be);
  g_assert (c->outstanding == job);
  c->outstanding = NULL;

  /* The client's queued request is issued before the policy hears of the finish, so that a
   * policy choosing what runs next sees every request present at this instant. */
  if (c->backlog_head != NULL)
    {
      TsJob *next = c->backlog_head;
      c->backlog_head = next->next;
      if (c->backlog_head == NULL)
        c->backlog_tail = NULL;
      next->next = NULL;
      issue (c, next);
    }
  else
    schedule_release (c, ts_release_gen_after_finish (&c->gen, now));

  if (r->cls->job_finished)
    r->cls->job_finished (r->policy, job);
}

void
ts_runner_launch_job (TsRunner *r, guint stream, TsJob *job)
{
  const TsModel *m = r->scn->tasks[job->task].model;
  ts_runner_start_job (r, job);
  guint n = ts_model_full_n_kernels (m);
  for (guint i = 0; i < n; i++)
    ts_backend_launch (r->be, stream, &(TsLaunch) { .kernel = ts_model_full_kernel (m, i), .done = i + 1 == n ? job_done : NULL,
                                                 .data = r, .tag = GPOINTER_TO_SIZE (job) });
}

TsRunResult *
ts_run (const TsScenario *scn, const TsPolicyClass *policy, GError **error)
{
  return ts_run_observed (scn, policy, NULL, NULL, error);
}

static TsRunResult *run_on (const TsScenario *scn, const TsPolicyClass *policy, TsBackend *be, gpointer context,
                            GError **error);

TsRunResult *
ts_run_with (const TsScenario *scn, const TsPolicyClass *policy, gpointer context, GError **error)
{
  g_autoptr (TsBackend) be = ts_backend_sim_new (scn->profile);
  return run_on (scn, policy, be, context, error);
}

TsRunResult *
ts_run_on (const TsScenario *scn, const TsPolicyClass *policy, TsBackend *be, GError **error)
{
  return run_on (scn, policy, be, NULL, error);
}

/* Every run goes through here, never inlined: make bench counts the simulation's instructions
 * inside it (callgrind --toggle-collect=run_on). */
static G_GNUC_NO_INLINE TsRunResult *
run_on (const TsScenario *scn, const TsPolicyClass *policy, TsBackend *be, gpointer context, GError **error)
{
  gint64 wall0 = g_get_monotonic_time ();
  g_autoptr (TsRunResult) res = g_new0 (TsRunResult, 1);
  res->policy = g_strdup (policy->name);
  res->jobs = g_ptr_array_new_with_free_func (g_free);
  res->preemptions = g_array_new (FALSE, FALSE, sizeof (TsPreemptRecord));
  res->task_ran = g_new0 (gboolean, scn->n_tasks);
  res->task_active = g_new0 (TsTime, scn->n_tasks);
  res->duration = scn->duration;

  TsRunner r = { .scn = scn, .be = be, .cls = policy, .jobs = res->jobs, .result = res, .context = context };
  r.clients = g_new0 (Client, scn->n_tasks);
  r.policy = policy->create (&r, policy->config, error);
  if (r.policy == NULL)
    {
      g_free (r.clients);
      return NULL;
    }

  for (guint i = 0; i < scn->n_tasks; i++)
    {
      Client *c = &r.clients[i];
      *c = (Client) { .runner = &r, .task = &scn->tasks[i], .index = i,
                      .spans = ts_task_activity (&scn->tasks[i], scn->duration, scn->seed, i) };
      res->task_active[i] = ts_spans_total (c->spans);
      res->task_ran[i] = !(policy->rt_only && c->task->cls == TS_CLASS_BE);
      if (!res->task_ran[i])
        continue;
      ts_release_gen_init (&c->gen, &c->task->arrival, scn->seed, i);
      schedule_release (c, ts_release_gen_first (&c->gen));
    }

  gboolean ok = ts_backend_run (be, error);
  policy->destroy (r.policy);
  for (guint i = 0; i < scn->n_tasks; i++)
    g_array_unref (r.clients[i].spans);
  g_free (r.clients);
  if (!ok)
    return NULL;
  /* Every issued job must have finished: anything else is a stalled run, never a result. */
  guint stalled = 0;
  for (guint i = 0; i < res->jobs->len; i++)
    {
      const TsJob *j = res->jobs->pdata[i];
      stalled += !j->dropped && j->finish < 0;
    }
  if (stalled > 0)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_RUN, "the run stalled at %.6f s with %u jobs unfinished "
                   "(a bug in the policy or the %s backend)", (double) ts_backend_now (be) / TS_NS_PER_S, stalled,
                   be->ops->name);
      return NULL;
    }

  res->end = r.end;
  res->have_usage = ts_backend_usage (be, &res->usage);
  ts_backend_counters (be, &res->kernels, &res->events);
  res->wall_s = (g_get_monotonic_time () - wall0) / 1e6;
  return g_steal_pointer (&res);
}

const TsPolicyParam *
ts_policy_param (const TsPolicyClass *cls, const char *name)
{
  for (const TsPolicyParam *p = cls->params; p != NULL && p->name != NULL; p++)
    if (g_strcmp0 (p->name, name) == 0)
      return p;
  return NULL;
}
