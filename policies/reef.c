#include "config.h"

#include "policies/preempt.h"

static gpointer
create (TsRunner *runner, GError **error)
{
  static const TsPreemptConfig config = { .by = TS_PREEMPT_BY_RESET, .padding = TRUE };
  return ts_preempt_create (runner, &config);
}

const TsPolicyClass ts_policy_reef = {
  .name = "reef",
  .summary = "REEF: reset-based preemption plus dynamic kernel padding",
  .description =
    "REEF (OSDI'22) on an AMD GPU: reset-based preemption as in 'reset', plus dynamic kernel "
    "padding while RT jobs run.  Each RT kernel that leaves SMs free is fused with blocks of one "
    "suspended BE kernel (first fit over the BE clients in task order): as many as fit on the "
    "free SMs and end within the RT kernel's solo duration.  The GPU places pad blocks only on "
    "SMs the RT kernel does not use and only if they end by its last block, so padding never "
    "delays it.  BE progress is counted in blocks across padded launches.",
  .create = create,
  .destroy = ts_preempt_destroy,
  .job_arrived = ts_preempt_job_arrived,
};
