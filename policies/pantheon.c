#include "config.h"

#include "policies/rtsched.h"

/* pantheon-ne (no early exits) is, by the definitions of the two, the same runtime as edf; it is
 * kept under its own name so that ablation tables read as Pantheon's do. */

static const TsPolicyParam params[] = { TS_RT_LAUNCH_AHEAD_PARAM, { 0 } };

static gpointer
create (TsRunner *runner, GError **error)
{
  static const TsRtConfig c = { .prio = TS_PRIO_EDF, .preemptive = TRUE, .replan = TRUE };
  return ts_rtsched_create (runner, &c);
}

static gpointer
create_np (TsRunner *runner, GError **error)
{
  static const TsRtConfig c = { .prio = TS_PRIO_EDF, .preemptive = FALSE, .replan = TRUE };
  return ts_rtsched_create (runner, &c);
}

static gpointer
create_ne (TsRunner *runner, GError **error)
{
  static const TsRtConfig c = { .prio = TS_PRIO_EDF, .preemptive = TRUE, .replan = FALSE };
  return ts_rtsched_create (runner, &c);
}

const TsPolicyClass ts_policy_pantheon = {
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
  .create = create,
  .destroy = ts_rtsched_destroy,
  .job_arrived = ts_rtsched_job_arrived,
  .params = params,
};

const TsPolicyClass ts_policy_pantheon_np = {
  .name = "pantheon-np",
  .summary = "Pantheon without preemption: a started job runs all its chunks",
  .description =
    "Ablation of pantheon: the same EDF order and exit re-planning, but once a job has started "
    "the worker runs its chunks to its exit before choosing another job.",
  .create = create_np,
  .destroy = ts_rtsched_destroy,
  .job_arrived = ts_rtsched_job_arrived,
  .params = params,
};

const TsPolicyClass ts_policy_pantheon_ne = {
  .name = "pantheon-ne",
  .summary = "Pantheon without early exits (the same runtime as edf)",
  .description =
    "Ablation of pantheon: EDF at chunk boundaries, every job at its deepest exit.  By "
    "definition this is the runtime of the edf policy; both names are kept so that ablation "
    "tables read as Pantheon's do, and their results must agree.",
  .create = create_ne,
  .destroy = ts_rtsched_destroy,
  .job_arrived = ts_rtsched_job_arrived,
  .params = params,
};
