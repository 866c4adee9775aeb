/* RT-mDL: offline, one fixed exit and one fixed priority per RT task; online, fixed-priority,
 * non-preemptive jobs with packing.
 *
 * The offline search, on solo durations:
 *   - schedulability of a task at a priority level is a non-preemptive fixed-priority response-
 *     time test of its first job: the queueing delay w = B + sum over higher-priority tasks j of
 *     (floor((w + J_j) / T_j) + 1) C_j, where B is the longest lower-priority variant (blocking);
 *     the task is schedulable if w + C + J <= D.  C is the chosen variant's solo duration, T the
 *     period (a Poisson task's mean inter-arrival time; other tasks: the relative deadline), J
 *     the release jitter (twice the periodic jitter), D the relative deadline;
 *   - priorities by Audsley's assignment, from the lowest level up: the first task (in task
 *     order) schedulable there with every other unassigned task above it; if none is, the one
 *     closest to its deadline takes the level and counts as unschedulable;
 *   - exits: start at the deepest; while some task is unschedulable, take the single one-exit
 *     lowering that leaves the fewest unschedulable tasks, ties to the smallest accuracy loss;
 *     then raise exits back, one at a time, wherever that unschedules no more tasks.
 * Misses are minimised first, then accuracy loss.  The test is a heuristic on solo times (plus
 * the host's time per step, on a host): it ignores the GPU's concurrency with BE work and with
 * packed jobs. */
#include "config.h"

#include <math.h>

#include "policies/rtsched.h"

typedef struct {
  guint task;
  double T, D, J;
  const TsModel *m;
  const TsHostModel *host;  /* the profile's: a variant costs its host time too */
} RtTask;

typedef struct {
  gpointer runtime;
  guint *rank;
  int *exit;
} RtMdl;

static double
cost (const RtTask *t, const int *exit)
{
  int e = exit[t->task];
  return (double) (ts_model_variant_solo (t->m, MAX (e, 0)) + ts_model_steps_host (t->m, 0, e, t->host));
}

static gboolean
schedulable (const RtTask *ts, guint n, guint i, const gboolean *unassigned, const int *exit, double *slack)
{
  double B = 0, C = cost (&ts[i], exit);
  for (guint j = 0; j < n; j++)
    if (j != i && !unassigned[j])
      B = MAX (B, cost (&ts[j], exit));
  double w = B;
  for (guint j = 0; j < n; j++)
    if (j != i && unassigned[j])
      w += cost (&ts[j], exit);
  for (guint iter = 0; iter < 1000; iter++)
    {
      double next = B;
      for (guint j = 0; j < n; j++)
        if (j != i && unassigned[j])
          next += (floor ((w + ts[j].J) / ts[j].T) + 1) * cost (&ts[j], exit);
      if (next == w || next + C + ts[i].J > 100 * ts[i].D)
        {
          w = next;
          break;
        }
      w = next;
    }
  *slack = ts[i].D - (w + C + ts[i].J);
  return *slack >= 0;
}

/* Audsley's assignment: fills rank (per task index) and returns the unschedulable count. */
static guint
assign (const RtTask *ts, guint n, const int *exit, guint *rank)
{
  g_autofree gboolean *unassigned = g_new (gboolean, n);
  for (guint i = 0; i < n; i++)
    unassigned[i] = TRUE;
  guint bad = 0;
  for (guint level = n; level-- > 0;)
    {
      guint pick = n;
      double best = -G_MAXDOUBLE;
      for (guint i = 0; i < n && pick == n; i++)
        if (unassigned[i])
          {
            double slack;
            if (schedulable (ts, n, i, unassigned, exit, &slack))
              pick = i;
          }
      if (pick == n)
        {
          for (guint i = 0; i < n; i++)
            if (unassigned[i])
              {
                double slack;
                schedulable (ts, n, i, unassigned, exit, &slack);
                if (slack > best)
                  best = slack, pick = i;
              }
          bad++;
        }
      unassigned[pick] = FALSE;
      rank[ts[pick].task] = level;
    }
  return bad;
}

static double
loss (const RtTask *ts, guint n, const int *exit)
{
  double l = 0;
  for (guint i = 0; i < n; i++)
    if (exit[ts[i].task] >= 0)
      l += ts[i].m->accuracy - ts[i].m->exits[exit[ts[i].task]].accuracy;
  return l;
}

static void
search (const TsScenario *scn, guint *rank, int *exit)
{
  g_autofree RtTask *ts = g_new0 (RtTask, scn->n_tasks);
  guint n = 0;
  for (guint i = 0; i < scn->n_tasks; i++)
    {
      const TsTask *t = &scn->tasks[i];
      exit[i] = t->model->n_exits > 0 ? (int) t->model->n_exits - 1 : -1;
      if (t->cls != TS_CLASS_RT)
        continue;
      double T = t->arrival.kind == TS_ARRIVAL_PERIODIC ? (double) t->arrival.period
                 : t->arrival.kind == TS_ARRIVAL_POISSON ? TS_NS_PER_S / t->arrival.rate
                                                         : (double) t->deadline;
      double J = t->arrival.kind == TS_ARRIVAL_PERIODIC ? 2.0 * t->arrival.jitter : 0.0;
      ts[n++] = (RtTask) { i, T, (double) t->deadline, J, t->model, &scn->profile->host };
    }
  g_autofree guint *r = g_new0 (guint, scn->n_tasks);
  guint bad = assign (ts, n, exit, r);
  while (bad > 0)
    {
      guint best_i = n, best_bad = G_MAXUINT;
      double best_loss = G_MAXDOUBLE;
      for (guint i = 0; i < n; i++)
        if (exit[ts[i].task] > 0)
          {
            exit[ts[i].task]--;
            guint b = assign (ts, n, exit, r);
            double l = loss (ts, n, exit);
            if (b < best_bad || (b == best_bad && l < best_loss))
              best_i = i, best_bad = b, best_loss = l;
            exit[ts[i].task]++;
          }
      if (best_i == n)
        break;  /* every exit is as low as it goes */
      exit[ts[best_i].task]--;
      bad = best_bad;
    }
  for (guint i = 0; i < n; i++)
    while (exit[ts[i].task] >= 0 && exit[ts[i].task] + 1 < (int) ts[i].m->n_exits)
      {
        exit[ts[i].task]++;
        if (assign (ts, n, exit, r) > bad)
          {
            exit[ts[i].task]--;
            break;
          }
      }
  assign (ts, n, exit, rank);
}

static void
destroy (gpointer self)
{
  RtMdl *p = self;
  ts_rtsched_destroy (p->runtime);
  g_free (p->rank);
  g_free (p->exit);
  g_free (p);
}

static void
job_arrived (gpointer self, TsJob *job)
{
  ts_rtsched_job_arrived (((RtMdl *) self)->runtime, job);
}

static gpointer
create (TsRunner *runner, const void *config, GError **error)
{
  const TsScenario *scn = ts_runner_scenario (runner);
  RtMdl *p = g_new0 (RtMdl, 1);
  p->rank = g_new0 (guint, scn->n_tasks);
  p->exit = g_new0 (int, scn->n_tasks);
  search (scn, p->rank, p->exit);
  TsRtConfig c = { .prio = TS_PRIO_FIXED, .preemptive = FALSE, .packing = TRUE,
                   .rank = p->rank, .exit = p->exit };
  p->runtime = ts_rtsched_create (runner, &c);
  return p;
}

static const TsPolicyParam params[] = { TS_RT_LAUNCH_AHEAD_PARAM, { 0 } };

static const TsPolicyClass ts_policy_rt_mdl = {
  .name = "rt-mdl",
  .summary = "RT-mDL: fixed exit and priority per task, non-preemptive jobs, packing",
  .description =
    "RT-mDL: offline, each RT task gets one fixed exit and one fixed priority, from a search "
    "that minimises the tasks a response-time test finds unschedulable, then the accuracy loss "
    "(Audsley's priority assignment; greedy exit lowering, then raising where harmless; see "
    "policies/rt-mdl.c).  Online, the worker on the high tier runs the highest-priority job to "
    "its exit without preemption, and the next job by priority may run whole on the low tier "
    "while the worker is busy (packing), using the SMs it leaves idle.  Jobs not started by "
    "their deadline are dropped; BE tasks run on the low tier.",
  .create = create,
  .destroy = destroy,
  .job_arrived = job_arrived,
  .params = params,
};

const TsPolicyClass *const ts_rt_mdl_family[] = { &ts_policy_rt_mdl, NULL };
