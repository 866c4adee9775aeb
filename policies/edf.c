#include "config.h"

#include "policies/rtsched.h"

static const TsPolicyParam params[] = { TS_RT_LAUNCH_AHEAD_PARAM, { 0 } };

static gpointer
create (TsRunner *runner, GError **error)
{
  static const TsRtConfig c = { .prio = TS_PRIO_EDF, .preemptive = TRUE };
  return ts_rtsched_create (runner, &c);
}

const TsPolicyClass ts_policy_edf = {
  .name = "edf",
  .summary = "EDF at chunk boundaries, every job at its deepest exit",
  .description =
    "Earliest deadline first on Pantheon's runtime without exit changes: RT jobs run one chunk "
    "at a time on a high-tier worker stream, and at every chunk boundary the job with the "
    "earliest absolute deadline (ties: earlier release, lower task index) runs next.  Jobs not "
    "started by their deadline are dropped; BE tasks run on the low tier.",
  .create = create,
  .destroy = ts_rtsched_destroy,
  .job_arrived = ts_rtsched_job_arrived,
  .params = params,
};
