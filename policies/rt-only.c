#include "config.h"

#include "policies/streams.h"

const TsPolicyClass ts_policy_rt_only = {
  .name = "rt-only",
  .summary = "RT clients alone: BE tasks removed (the latency floor)",
  .description =
    "The reference point: the BE tasks are removed from the scenario and every RT client runs "
    "on its own high-tier stream, as under streams-prio.  Its RT latencies are what the GPU "
    "gives RT work with no interference from BE work; other policies' RT latencies are judged "
    "against them.  BE tasks have no rows in its results.",
  .rt_only = TRUE,
  .create = ts_streams_create_tiered,
  .destroy = ts_streams_destroy,
  .job_arrived = ts_streams_job_arrived,
};
