/* tiersim — the REEF-style preemptive runtime shared by wait, reset, reef and reef-n.
 *
 * RT jobs are served one at a time in FIFO order on a high-tier stream.  Each BE client has its
 * own low-tier stream with a device-queue window of TS_BE_WINDOW kernels.  When an RT job starts
 * while BE work is on the GPU, every BE stream with work is preempted (by reset or by drain);
 * BE work stays suspended until the RT queue is empty, then resumes from its restore point:
 *   reset: REEF's rewind, computed when the reset is requested: kernels submitted since the last
 *          launch, minus those dropped from the host queue, minus the window are known complete;
 *          the rest re-executes (completed kernels in the window may run again);
 *   drain: the first kernel with unfinished blocks, resumed with only those blocks.
 * With padding (REEF's dynamic kernel padding), each RT kernel that leaves SMs free is fused with
 * blocks of one suspended BE kernel: first fit over the BE clients in task order, as many blocks
 * as fit on the free SMs within the RT kernel's solo duration; BE progress is tracked in blocks
 * across padded launches. */
#pragma once

#include "policies/policy.h"

G_BEGIN_DECLS

/* REEF's device-queue capacity for BE streams. */
#define TS_BE_WINDOW 2

typedef enum { TS_PREEMPT_BY_RESET, TS_PREEMPT_BY_DRAIN } TsPreemptBy;

typedef struct {
  TsPreemptBy by;
  gboolean rt_waits;   /* an RT job's kernels are launched only once every BE stream is preempted */
  gboolean padding;    /* dynamic kernel padding */
} TsPreemptConfig;

gpointer ts_preempt_create (TsRunner *runner, const TsPreemptConfig *config);
void ts_preempt_destroy (gpointer self);
void ts_preempt_job_arrived (gpointer self, TsJob *job);

G_END_DECLS
