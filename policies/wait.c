#include "config.h"

#include "policies/preempt.h"

static gpointer
create (TsRunner *runner, GError **error)
{
  static const TsPreemptConfig config = { .by = TS_PREEMPT_BY_DRAIN, .rt_waits = TRUE };
  return ts_preempt_create (runner, &config);
}

const TsPolicyClass ts_policy_wait = {
  .name = "wait",
  .summary = "drain BE streams by flag, then run the RT job (REEF's WAIT baseline)",
  .description =
    "Wait-based preemption: when an RT job arrives, every BE stream with work has its host "
    "queue cleared and a preemption flag set; BE blocks not yet started exit at entry, running "
    "ones finish.  The RT job's kernels are launched only once every BE stream is empty, so its "
    "latency includes the running BE blocks' remaining time.  RT jobs run one at a time, FIFO; "
    "BE work resumes, when no RT job is left, from the first kernel with unfinished blocks, "
    "with only those blocks.",
  .create = create,
  .destroy = ts_preempt_destroy,
  .job_arrived = ts_preempt_job_arrived,
};
