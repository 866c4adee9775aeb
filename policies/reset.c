#include "config.h"

#include "policies/preempt.h"

static gpointer
create (TsRunner *runner, GError **error)
{
  static const TsPreemptConfig config = { .by = TS_PREEMPT_BY_RESET };
  return ts_preempt_create (runner, &config);
}

const TsPolicyClass ts_policy_reset = {
  .name = "reset",
  .summary = "REEF's reset-based preemption without kernel padding",
  .description =
    "Reset-based preemption (REEF without dynamic kernel padding): when an RT job arrives, "
    "every BE stream with work has its host queue cleared, its device queue evicted and its "
    "running blocks killed (their work is lost and counted as wasted), and the RT job is "
    "launched at once on the high tier.  RT jobs run one at a time, FIFO, alone on the GPU.  "
    "When none is left, BE work re-executes from REEF's rewind point: the kernels that entered "
    "the device queue, less the window of 2, are taken as complete.",
  .create = create,
  .destroy = ts_preempt_destroy,
  .job_arrived = ts_preempt_job_arrived,
};
