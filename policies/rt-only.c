#include "config.h"

#include "policies/preempt.h"
#include "policies/streams.h"

const TsPolicyClass ts_policy_rt_only = {
  .name = "rt-only",
  .summary = "RT clients alone: BE tasks removed (the latency floor)",
  .description =
    "The reference point: the BE tasks are removed from the scenario and every RT client runs "
    "on its own high-tier stream, as under streams-prio.  Its RT latencies are what the GPU "
    "gives RT work with no interference from BE work; other policies' RT latencies are judged "
    "against them.  BE tasks have no rows in its results.  The papers' RT-only, which serves RT "
    "requests one at a time, is 'rt-only-serial'.",
  .rt_only = TRUE,
  .create = ts_streams_create_tiered,
  .destroy = ts_streams_destroy,
  .job_arrived = ts_streams_job_arrived,
};

static gpointer
serial_create (TsRunner *runner, GError **error)
{
  /* With no BE work there is nothing to preempt: the REEF runtime then only serves RT jobs one
   * at a time, in FIFO order, on its high-tier stream. */
  static const TsPreemptConfig config = { .by = TS_PREEMPT_BY_DRAIN };
  return ts_preempt_create (runner, &config);
}

const TsPolicyClass ts_policy_rt_only_serial = {
  .name = "rt-only-serial",
  .summary = "RT requests one at a time, BE tasks removed (REEF's and DISB's RT-only)",
  .description =
    "The latency floor as REEF (OSDI'22) and DISB measure it: the BE tasks are removed and the "
    "RT requests of every client are served one at a time, in arrival order, by the REEF "
    "runtime on its high-tier stream, so an RT request also waits for the RT requests ahead of "
    "it.  'rt-only' instead runs each RT client on its own stream, concurrently; with one RT "
    "client the two are the same.  Compare the REEF family with this one.",
  .rt_only = TRUE,
  .create = serial_create,
  .destroy = ts_preempt_destroy,
  .job_arrived = ts_preempt_job_arrived,
};
