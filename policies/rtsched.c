#include "config.h"

#include "policies/rtsched.h"

typedef struct {
  TsJob *job;
  const TsTask *task;
  int exit;              /* chosen exit; -1 for a model without exits */
  guint launched;        /* chunks launched */
  guint done;            /* chunks completed */
  guint pending;         /* steps launched and not completed */
  gboolean head_launched, packed;
} RtJob;

typedef struct {
  TsRunner *r;
  TsBackend *be;
  const TsScenario *scn;
  TsRtConfig cfg;
  guint launch_ahead;
  guint worker, pack;        /* streams */
  guint *be_stream;          /* per task */
  GPtrArray *ready;          /* RtJob*: RT jobs issued, unfinished, not packed */
  RtJob *current;            /* not preemptive: the job the worker is bound to */
  guint in_flight;           /* worker steps launched and not completed */
  const RtJob *last_run;     /* the job of the worker's latest step */
  gboolean pack_busy;
} Rt;

static void fill (Rt *rt);

gpointer
ts_rtsched_create (TsRunner *runner, const TsRtConfig *config)
{
  Rt *rt = g_new0 (Rt, 1);
  rt->r = runner;
  rt->be = ts_runner_backend (runner);
  rt->scn = ts_runner_scenario (runner);
  rt->cfg = *config;
  rt->launch_ahead = (guint) ts_runner_param (runner, "launch_ahead");
  guint lowest = ts_backend_levels (rt->be) - 1;
  rt->worker = ts_backend_stream_new (rt->be, 0);
  rt->pack = ts_backend_stream_new (rt->be, lowest);
  /* One dedicated worker thread issues every RT launch; BE clients launch from their own. */
  guint thread = ts_backend_thread_new (rt->be);
  ts_backend_stream_set_thread (rt->be, rt->worker, thread);
  ts_backend_stream_set_thread (rt->be, rt->pack, thread);
  rt->be_stream = g_new0 (guint, rt->scn->n_tasks);
  for (guint i = 0; i < rt->scn->n_tasks; i++)
    if (rt->scn->tasks[i].cls == TS_CLASS_BE)
      rt->be_stream[i] = ts_backend_stream_new (rt->be, lowest);
  rt->ready = g_ptr_array_new_with_free_func (g_free);
  return rt;
}

void
ts_rtsched_destroy (gpointer self)
{
  Rt *rt = self;
  g_ptr_array_unref (rt->ready);
  g_free (rt->be_stream);
  g_free (rt);
}

/* ---- priorities ---- */

/* The job's key under rule (smaller runs first). */
static double
prio_key (const Rt *rt, TsPrioRule rule, const RtJob *j)
{
  const TsTask *t = j->task;
  switch (rule)
    {
    case TS_PRIO_EDF:
      return (double) j->job->deadline;
    case TS_PRIO_RM:
      return ts_arrival_mean_gap_ns (&t->arrival, (double) t->deadline);
    case TS_PRIO_DM:
      return (double) t->deadline;
    case TS_PRIO_FIXED:
      return rt->cfg.rank[j->job->task];
    }
  g_assert_not_reached ();
}

/* Negative when a runs before b under rule, positive when after, 0 for the same job: the key,
 * then the earlier release, the lower task, the earlier job. */
static int
compare (const Rt *rt, TsPrioRule rule, const RtJob *a, const RtJob *b)
{
  double ka = prio_key (rt, rule, a), kb = prio_key (rt, rule, b);
  if (ka != kb)
    return ka < kb ? -1 : 1;
  if (a->job->release != b->job->release)
    return a->job->release < b->job->release ? -1 : 1;
  if (a->job->task != b->job->task)
    return a->job->task < b->job->task ? -1 : 1;
  return (a->job->id > b->job->id) - (a->job->id < b->job->id);
}

/* ---- steps ---- */

static guint
last_chunk (const RtJob *j)
{
  const TsModel *m = j->task->model;
  return j->exit >= 0 ? m->exits[j->exit].after_chunk : m->n_chunks - 1;
}

/* Whether the job has a step not yet launched. */
static gboolean
has_step (const RtJob *j)
{
  return j->launched <= last_chunk (j) || (j->exit >= 0 && !j->head_launched);
}

/* A step's completion tag: the job's address, whose low bit (free: g_new aligns it) marks an
 * exit head rather than a chunk. */
#define TAG_HEAD ((guint64) 1)

static guint64
step_tag (const RtJob *j, gboolean head)
{
  return GPOINTER_TO_SIZE (j) | (head ? TAG_HEAD : 0);
}

static RtJob *
tag_job (guint64 tag)
{
  return GSIZE_TO_POINTER (tag & ~TAG_HEAD);
}

static gboolean
tag_is_head (guint64 tag)
{
  return (tag & TAG_HEAD) != 0;
}

static void step_done (gpointer data, guint64 tag);

/* Launches the job's next step on a stream: its next chunk, or, once past the exit's chunk,
 * the exit's head.  The step's last kernel reports back. */
static void
launch_step (Rt *rt, RtJob *j, guint stream)
{
  const TsModel *m = j->task->model;
  const TsKernelDesc *ks;
  guint n;
  gboolean head = j->launched > last_chunk (j);
  if (!head)
    {
      ks = &m->kernels[m->chunk_first[j->launched]];
      n = m->chunk_first[j->launched + 1] - m->chunk_first[j->launched];
      j->launched++;
    }
  else
    {
      ks = m->exits[j->exit].kernels;
      n = m->exits[j->exit].n_kernels;
      j->head_launched = TRUE;
    }
  j->pending++;
  guint64 tag = step_tag (j, head);
  for (guint i = 0; i < n; i++)
    ts_backend_launch (rt->be, stream, &(TsLaunch) { .kernel = &ks[i], .done = i + 1 == n ? step_done : NULL, .data = rt, .tag = tag });
}

/* Removes j from the ready set; the caller owns it then. */
static void
ready_take (Rt *rt, RtJob *j)
{
  guint i;
  if (g_ptr_array_find (rt->ready, j, &i))
    g_ptr_array_steal_index_fast (rt->ready, i);
}

static void
finish (Rt *rt, RtJob *j)
{
  TsJob *job = j->job;
  int exit = j->exit;
  if (rt->current == j)
    rt->current = NULL;
  if (j->packed)
    rt->pack_busy = FALSE;
  ready_take (rt, j);
  g_free (j);
  ts_runner_finish_job_at (rt->r, job, exit);
}

static void
step_done (gpointer data, guint64 tag)
{
  Rt *rt = data;
  RtJob *j = tag_job (tag);
  if (!tag_is_head (tag))
    j->done++;
  j->pending--;
  if (!j->packed)
    rt->in_flight--;
  if (j->pending == 0 && !has_step (j))
    finish (rt, j);
  fill (rt);
}

/* ---- choosing ---- */

static RtJob *
best_ready (Rt *rt)
{
  RtJob *best = NULL;
  for (guint i = 0; i < rt->ready->len; i++)
    {
      RtJob *j = rt->ready->pdata[i];
      if (has_step (j) && (best == NULL || compare (rt, rt->cfg.prio, j, best) < 0))
        best = j;
    }
  return best;
}

/* A job that has not started by its deadline is dropped. */
static gboolean
drop_if_late (Rt *rt, RtJob *j)
{
  if (j->launched > 0 || ts_backend_now (rt->be) < j->job->deadline)
    return FALSE;
  TsJob *job = j->job;
  ready_take (rt, j);
  g_free (j);
  ts_runner_drop_job (rt->r, job);
  return TRUE;
}

/* Keeps the worker (and the packing stream) busy. */
static void
fill (Rt *rt)
{
  while (rt->in_flight < rt->launch_ahead)
    {
      RtJob *j = rt->current != NULL && has_step (rt->current) ? rt->current : NULL;
      if (j == NULL && (rt->cfg.preemptive || rt->current == NULL))
        j = best_ready (rt);
      if (j == NULL)
        break;
      if (drop_if_late (rt, j))
        continue;
      /* preempted: another job's step ran since this job's previous one */
      if (j->launched > 0 && rt->last_run != j)
        ts_runner_count_preemption (rt->r, j->job);
      ts_runner_start_job (rt->r, j->job);
      if (!rt->cfg.preemptive)
        rt->current = j;
      rt->last_run = j;
      rt->in_flight++;
      launch_step (rt, j, rt->worker);
    }
  if (rt->cfg.packing && !rt->pack_busy && rt->in_flight > 0)
    {
      RtJob *j;
      while ((j = best_ready (rt)) != NULL && j != rt->current && j->launched == 0 && drop_if_late (rt, j))
        ;
      if (j != NULL && j != rt->current && j->launched == 0)
        {
          ready_take (rt, j);
          j->packed = TRUE;
          rt->pack_busy = TRUE;
          ts_runner_start_job (rt->r, j->job);
          while (has_step (j))
            launch_step (rt, j, rt->pack);
        }
    }
}

/* ---- exit re-planning ---- */

/* What is left of a job at exit e, done chunks in: GPU solo time, and the host's time when the
 * profile has a host (the runtime waits for every step). */
static TsTime
remaining (const TsModel *m, guint done, int e, const TsHostModel *host)
{
  TsTime t = e < 0 ? 0 : m->exits[e].solo;
  for (guint c = done; c <= (e < 0 ? m->n_chunks - 1 : m->exits[e].after_chunk); c++)
    t += m->chunk_solo[c];
  return t + ts_model_steps_host (m, done, e, host);
}

guint
ts_rtsched_plan_exits (guint n, const TsModel *const *models, const guint *done_chunks,
                       const TsTime *deadlines, TsTime now, const TsHostModel *host, int *exits)
{
  for (guint i = 0; i < n; i++)
    exits[i] = models[i]->n_exits > 0 ? (int) models[i]->n_exits - 1 : -1;
  for (;;)
    {
      TsTime t = now;
      guint misses = 0, first = n;
      for (guint i = 0; i < n; i++)
        {
          t += remaining (models[i], done_chunks[i], exits[i], host);
          if (t > deadlines[i])
            {
              misses++;
              if (first == n)
                first = i;
            }
        }
      if (misses == 0)
        return 0;
      guint pick = n;
      double best_loss = G_MAXDOUBLE;
      for (guint i = 0; i <= first; i++)
        if (exits[i] > 0)
          {
            const TsExit *ex = models[i]->exits;
            double loss = ex[exits[i]].accuracy - ex[exits[i] - 1].accuracy;
            if (loss < best_loss)
              best_loss = loss, pick = i;
          }
      if (pick == n)
        return misses;  /* nothing before the first miss can be lowered: accept */
      exits[pick]--;
    }
}

static gint
cmp_edf (gconstpointer a, gconstpointer b, gpointer rt)
{
  return compare (rt, TS_PRIO_EDF, *(RtJob *const *) a, *(RtJob *const *) b);
}

static void
replan (Rt *rt)
{
  guint n = rt->ready->len;
  if (n == 0)
    return;
  g_autoptr (GPtrArray) order = g_ptr_array_copy (rt->ready, NULL, NULL);
  g_ptr_array_set_free_func (order, NULL);  /* the copy took the ready set's g_free: it only borrows */
  g_ptr_array_sort_with_data (order, cmp_edf, rt);
  g_autofree const TsModel **models = g_new (const TsModel *, n);
  g_autofree guint *done = g_new (guint, n);
  g_autofree TsTime *deadlines = g_new (TsTime, n);
  g_autofree int *exits = g_new (int, n);
  for (guint i = 0; i < n; i++)
    {
      const RtJob *j = order->pdata[i];
      models[i] = j->task->model, done[i] = j->done;
      deadlines[i] = j->job->deadline;
    }
  ts_rtsched_plan_exits (n, models, done, deadlines, ts_backend_now (rt->be), &rt->scn->profile->host, exits);
  for (guint i = 0; i < n; i++)
    {
      RtJob *j = order->pdata[i];
      if (!j->head_launched)  /* a head already running keeps its exit */
        j->exit = exits[i];
    }
}

/* ---- arrivals ---- */

void
ts_rtsched_job_arrived (gpointer self, TsJob *job)
{
  Rt *rt = self;
  const TsTask *t = &rt->scn->tasks[job->task];
  if (t->cls == TS_CLASS_BE)
    {
      ts_runner_launch_job (rt->r, rt->be_stream[job->task], job);
      return;
    }
  RtJob *j = g_new0 (RtJob, 1);
  j->job = job;
  j->task = t;
  j->exit = t->model->n_exits > 0 ? (int) t->model->n_exits - 1 : -1;
  if (rt->cfg.exit != NULL && rt->cfg.exit[job->task] >= 0)
    j->exit = rt->cfg.exit[job->task];
  g_ptr_array_add (rt->ready, j);
  if (rt->cfg.replan)
    replan (rt);
  fill (rt);
}

/* ---- the policies ---- */

static gpointer
rtsched_create (TsRunner *runner, const void *config, GError **error)
{
  return ts_rtsched_create (runner, config);
}

static const TsPolicyParam params[] = { TS_RT_LAUNCH_AHEAD_PARAM, { 0 } };

static const TsRtConfig pantheon_config = { .prio = TS_PRIO_EDF, .preemptive = TRUE, .replan = TRUE };

static const TsPolicyClass ts_policy_pantheon = {
  .name = "pantheon",
  .summary = "Pantheon: EDF at chunk boundaries with early-exit re-planning",
  .description =
    "Pantheon (MobiSys'24): RT jobs run one chunk at a time on one worker stream on the high "
    "tier, in EDF order re-checked at every chunk boundary, so a newly arrived job with an "
    "earlier deadline takes over at the next boundary.  At each RT arrival the exits of all "
    "unfinished RT jobs are re-planned from the deepest: sequential EDF execution is simulated "
    "and, while a job would miss, the exit of the job losing the least accuracy by going one "
    "lower is lowered; misses are accepted when nothing before the first one can be lowered.  A "
    "job already past an exit finishes there with that exit's head alone.  A job not started "
    "by its deadline is dropped.  BE tasks run on the low tier.",
  .create = rtsched_create,
  .config = &pantheon_config,
  .destroy = ts_rtsched_destroy,
  .job_arrived = ts_rtsched_job_arrived,
  .params = params,
};

static const TsRtConfig pantheon_np_config = { .prio = TS_PRIO_EDF, .preemptive = FALSE, .replan = TRUE };

static const TsPolicyClass ts_policy_pantheon_np = {
  .name = "pantheon-np",
  .summary = "Pantheon without preemption: a started job runs all its chunks",
  .description =
    "Ablation of pantheon: the same EDF order and exit re-planning, but once a job has started "
    "the worker runs its chunks to its exit before choosing another job.",
  .create = rtsched_create,
  .config = &pantheon_np_config,
  .destroy = ts_rtsched_destroy,
  .job_arrived = ts_rtsched_job_arrived,
  .params = params,
};

/* pantheon-ne (no early exits) is, by the definitions of the two, the same runtime as edf; it is
 * kept under its own name so that ablation tables read as Pantheon's do. */

static const TsRtConfig pantheon_ne_config = { .prio = TS_PRIO_EDF, .preemptive = TRUE, .replan = FALSE };

static const TsPolicyClass ts_policy_pantheon_ne = {
  .name = "pantheon-ne",
  .summary = "Pantheon without early exits (the same runtime as edf)",
  .description =
    "Ablation of pantheon: EDF at chunk boundaries, every job at its deepest exit.  By "
    "definition this is the runtime of the edf policy; both names are kept so that ablation "
    "tables read as Pantheon's do, and their results must agree.",
  .create = rtsched_create,
  .config = &pantheon_ne_config,
  .destroy = ts_rtsched_destroy,
  .job_arrived = ts_rtsched_job_arrived,
  .params = params,
};

static const TsRtConfig edf_config = { .prio = TS_PRIO_EDF, .preemptive = TRUE };

static const TsPolicyClass ts_policy_edf = {
  .name = "edf",
  .summary = "EDF at chunk boundaries, every job at its deepest exit",
  .description =
    "Earliest deadline first on Pantheon's runtime without exit changes: RT jobs run one chunk "
    "at a time on a high-tier worker stream, and at every chunk boundary the job with the "
    "earliest absolute deadline (ties: earlier release, lower task index) runs next.  Jobs not "
    "started by their deadline are dropped; BE tasks run on the low tier.",
  .create = rtsched_create,
  .config = &edf_config,
  .destroy = ts_rtsched_destroy,
  .job_arrived = ts_rtsched_job_arrived,
  .params = params,
};

static const TsRtConfig rms_config = { .prio = TS_PRIO_RM, .preemptive = TRUE };

static const TsPolicyClass ts_policy_rms = {
  .name = "rms",
  .summary = "rate-monotonic fixed priorities at chunk boundaries",
  .description =
    "Rate monotonic on Pantheon's runtime: fixed priorities by period, shortest first (a "
    "Poisson task's period is its mean inter-arrival time; other tasks use their relative "
    "deadline), re-checked at every chunk boundary, every job at its deepest exit.  Ties, as "
    "with Pantheon's equal 33.3 ms periods, go to the earlier release, then the lower task "
    "index (the order of the scenario's task list).",
  .create = rtsched_create,
  .config = &rms_config,
  .destroy = ts_rtsched_destroy,
  .job_arrived = ts_rtsched_job_arrived,
  .params = params,
};

static const TsRtConfig dms_config = { .prio = TS_PRIO_DM, .preemptive = TRUE };

static const TsPolicyClass ts_policy_dms = {
  .name = "dms",
  .summary = "deadline-monotonic fixed priorities at chunk boundaries",
  .description =
    "Deadline monotonic on Pantheon's runtime: fixed priorities by relative deadline, shortest "
    "first, re-checked at every chunk boundary, every job at its deepest exit.  Ties go to the "
    "earlier release, then the lower task index.",
  .create = rtsched_create,
  .config = &dms_config,
  .destroy = ts_rtsched_destroy,
  .job_arrived = ts_rtsched_job_arrived,
  .params = params,
};

const TsPolicyClass *const ts_rtsched_family[] = {
  &ts_policy_pantheon, &ts_policy_pantheon_np, &ts_policy_pantheon_ne, &ts_policy_edf, &ts_policy_rms,
  &ts_policy_dms, NULL,
};
