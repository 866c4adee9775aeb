#include "config.h"

#include "policies/preempt.h"

static gpointer
create (TsRunner *runner, GError **error)
{
  static const TsPreemptConfig config = { .by = TS_PREEMPT_BY_DRAIN };
  return ts_preempt_create (runner, &config);
}

const TsPolicyClass ts_policy_reef_n = {
  .name = "reef-n",
  .summary = "REEF-N (NVIDIA): drop host queues, drain by flag, RT on the high tier",
  .description =
    "REEF's restricted variant for NVIDIA GPUs, which cannot kill running kernels: when an RT "
    "job arrives, every BE stream with work has its host queue dropped and a flag set so that "
    "BE blocks not yet started exit at entry; running BE blocks finish.  The RT job is launched "
    "at once on the high tier and takes SMs as the BE blocks leave them.  No padding.  RT jobs "
    "run one at a time, FIFO; BE work resumes from the first kernel with unfinished blocks.",
  .create = create,
  .destroy = ts_preempt_destroy,
  .job_arrived = ts_preempt_job_arrived,
};
