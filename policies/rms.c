#include "config.h"

#include "policies/rtsched.h"

static const TsPolicyParam params[] = { TS_RT_LAUNCH_AHEAD_PARAM, { 0 } };

static gpointer
create (TsRunner *runner, GError **error)
{
  static const TsRtConfig c = { .prio = TS_PRIO_RM, .preemptive = TRUE };
  return ts_rtsched_create (runner, &c);
}

const TsPolicyClass ts_policy_rms = {
  .name = "rms",
  .summary = "rate-monotonic fixed priorities at chunk boundaries",
  .description =
    "Rate monotonic on Pantheon's runtime: fixed priorities by period, shortest first (a "
    "Poisson task's period is its mean inter-arrival time; other tasks use their relative "
    "deadline), re-checked at every chunk boundary, every job at its deepest exit.  Ties, as "
    "with Pantheon's equal 33.3 ms periods, go to the earlier release, then the lower task "
    "index (the order of the scenario's task list).",
  .create = create,
  .destroy = ts_rtsched_destroy,
  .job_arrived = ts_rtsched_job_arrived,
  .params = params,
};
