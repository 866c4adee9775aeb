/* tiersim — the "one stream per client" mechanism shared by streams, streams-prio and rt-only. */
#pragma once

#include "policies/policy.h"

G_BEGIN_DECLS

/* Creates one stream per task, every task on the lowest level (CUDA's default priority). */
gpointer ts_streams_create_flat (TsRunner *runner, GError **error);

/* Creates one stream per task: rt tasks on the highest level, be tasks on the lowest. */
gpointer ts_streams_create_tiered (TsRunner *runner, GError **error);

/* Launches the job's kernels on its task's stream at once. */
void ts_streams_job_arrived (gpointer self, TsJob *job);

void ts_streams_destroy (gpointer self);

G_END_DECLS
