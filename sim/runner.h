/* tiersim — one run: a scenario's workload driven through one policy on one backend.
 *
 * The runner owns the clients.  Each task is a client with at most one outstanding request: a
 * release that finds the previous job unfinished is queued behind it, skipped (dropped), or kept
 * as the only one waiting (an older waiting one is dropped), as the task says.  A task releases
 * only while it is active (its lifetime: ts_task_activity); a request issued before it stops
 * still runs to its end.  An issued job goes to the policy, which launches its kernels and reports its start
 * and finish.  Releases happen in [0, duration); the run then continues until every issued job
 * has finished, so that every job has a response time. */
#pragma once

#include "sim/backend.h"
#include "sim/scenario.h"

G_BEGIN_DECLS

typedef struct _TsRunner TsRunner;
typedef struct _TsPolicyClass TsPolicyClass;

/* One request of one task. */
typedef struct _TsJob TsJob;
struct _TsJob {
  TsTaskId task;
  guint32 id;            /* per task, from 0 in release order */
  TsTime release;
  TsTime deadline;       /* absolute; TS_TIME_NEVER for tasks without one */
  TsTime start;          /* first kernel launched; -1 if never */
  TsTime finish;         /* last kernel completed (as the host learns it); -1 if never */
  gboolean dropped;      /* skipped at release because the client was busy */
  guint preemptions;
  int exit;              /* chosen exit of a model with exits; -1: the deepest */
  double accuracy;       /* of the variant run; 0 for a missed or dropped job */
  const char *variant;   /* exit / variant name ("full") */
  TsJob *next;           /* client backlog link */
};

/* One preemption suffered by a task, or GPU time it lost otherwise (latency -1). */
typedef struct {
  TsTaskId task;
  TsTime at;             /* when it was requested (or the loss recorded) */
  TsTime latency;        /* request until none of the stream's blocks ran */
  double wasted_gpu_ns;  /* GPU-time of killed (or otherwise discarded) work */
} TsPreemptRecord;

/* Summary of one run, kept for the reports. */
typedef struct {
  char *policy;
  GArray *preemptions;   /* TsPreemptRecord, in the order they happened */
  GPtrArray *jobs;       /* TsJob*, in release order per task, tasks interleaved by release */
  gboolean *task_ran;    /* per scenario task: FALSE if the policy removed it (rt-only) */
  TsTime *task_active;   /* per scenario task: how long it was active in [0, duration) (its
                          * lifetime, ts_task_activity; duration without one) */
  TsTime duration;
  TsTime end;            /* time the last job finished */
  gboolean have_usage;   /* the backend reported usage (the simulated one does) */
  TsUsage usage;         /* what the machine used over the run, for the power model */
  guint64 kernels;       /* kernels completed */
  guint64 events;        /* simulator events run (timers, on a real backend) */
  double wall_s;         /* wall-clock seconds of the run */
} TsRunResult;

void ts_run_result_free (TsRunResult *r);

/* Runs scenario under the named policy on a simulated GPU. */
TsRunResult *ts_run (const TsScenario *scn, const TsPolicyClass *policy, GError **error);

/* (ts_run_observed, with an observer of the simulated GPU, is in sim/backend-sim.h.) */

/* The same on any backend (a new one, used for this run only). */
TsRunResult *ts_run_on (const TsScenario *scn, const TsPolicyClass *policy, TsBackend *be, GError **error);

/* The same with a context the policy reads through ts_runner_context (a policy family's own type,
 * e.g. learning agents that outlive the run); ts_run's context is NULL. */
TsRunResult *ts_run_with (const TsScenario *scn, const TsPolicyClass *policy, gpointer context, GError **error);
gpointer ts_runner_context (TsRunner *r);

/* For policies: the value of one of its declared parameters, as the scenario sets it or by
 * default. */
double ts_runner_param (TsRunner *r, const char *name);

/* For policies: the run's backend, scenario and the task of a job. */
TsBackend *ts_runner_backend (TsRunner *r);
const TsScenario *ts_runner_scenario (TsRunner *r);
const TsTask *ts_runner_task (TsRunner *r, const TsJob *job);

/* For policies: launches every kernel of job's model on stream, recording the job's start; the
 * runner learns of its finish when the last kernel completes. */
void ts_runner_launch_job (TsRunner *r, guint stream, TsJob *job);

/* For policies that launch a job's kernels themselves: the job's first kernel was launched
 * (only the first call counts), and its last kernel completed. */
void ts_runner_start_job (TsRunner *r, TsJob *job);
void ts_runner_finish_job (TsRunner *r, TsJob *job);

/* The same for a job of a model with exits that ended at exit `exit` (-1: the deepest). */
void ts_runner_finish_job_at (TsRunner *r, TsJob *job, int exit);

/* For policies: gives up a job before it ran (it counts as dropped, hence missed); the client
 * issues its next request. */
void ts_runner_drop_job (TsRunner *r, TsJob *job);

/* For preemptive policies: job's work was preempted as result says (counts a preemption of the
 * job, its latency and wasted GPU time); or GPU time was lost for task some other way. */
void ts_runner_record_preemption (TsRunner *r, TsJob *job, const TsPreemptResult *result);

/* For policies that switch jobs at step boundaries: job resumes after another job's step ran
 * (counts a preemption of the job; no GPU work was lost, so there is no preemption record). */
void ts_runner_count_preemption (TsRunner *r, TsJob *job);
void ts_runner_record_waste (TsRunner *r, TsTaskId task, double wasted_gpu_ns);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsRunResult, ts_run_result_free)

G_END_DECLS
