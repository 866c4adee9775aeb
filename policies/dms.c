#include "config.h"

#include "policies/rtsched.h"

static const TsPolicyParam params[] = { TS_RT_LAUNCH_AHEAD_PARAM, { 0 } };

static gpointer
create (TsRunner *runner, GError **error)
{
  static const TsRtConfig c = { .prio = TS_PRIO_DM, .preemptive = TRUE };
  return ts_rtsched_create (runner, &c);
}

const TsPolicyClass ts_policy_dms = {
  .name = "dms",
  .summary = "deadline-monotonic fixed priorities at chunk boundaries",
  .description =
    "Deadline monotonic on Pantheon's runtime: fixed priorities by relative deadline, shortest "
    "first, re-checked at every chunk boundary, every job at its deepest exit.  Ties go to the "
    "earlier release, then the lower task index.",
  .create = create,
  .destroy = ts_rtsched_destroy,
  .job_arrived = ts_rtsched_job_arrived,
  .params = params,
};
