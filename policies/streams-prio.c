#include "config.h"

#include "policies/streams.h"

const TsPolicyClass ts_policy_streams_prio = {
  .name = "streams-prio",
  .summary = "one stream per client, RT on the high tier, BE on the low tier",
  .description =
    "GPU streams with two priority tiers: every client gets its own stream, RT clients on the "
    "highest priority level and BE clients on the lowest, and a request's kernels are all "
    "launched as soon as it is issued.  The dispatcher gives freed SM slots to a high-tier kernel "
    "ahead of any low-tier kernel's remaining blocks, but never evicts a running block, so an RT "
    "kernel still waits for the BE blocks that occupy the SMs it needs.",
  .create = ts_streams_create_tiered,
  .destroy = ts_streams_destroy,
  .job_arrived = ts_streams_job_arrived,
};
