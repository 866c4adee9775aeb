/* tiersim — the "one stream per client" mechanism shared by streams, streams-prio and rt-only. */
#pragma once

#include "policies/policy.h"

G_BEGIN_DECLS

/* Creates one stream per task: with `tiered`, rt tasks on the highest level and be tasks on the
 * lowest; without, every task on the lowest level (CUDA's default priority). */
gpointer ts_streams_create (TsRunner *runner, gboolean tiered);

/* Launches the job's kernels on its task's stream at once. */
void ts_streams_job_arrived (gpointer self, TsJob *job);

void ts_streams_destroy (gpointer self);

G_END_DECLS
