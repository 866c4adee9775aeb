/* tiersim — the chunk-level real-time runtime shared by pantheon, edf, rms, dms and rt-mdl.
 *
 * RT jobs run on one worker stream on the high tier, one step at a time: a step is one chunk of
 * the job's model, or the head of its exit.  After each step the runtime picks the job to
 * continue: the ready job of highest priority (preemptive), or the job already started (not
 * preemptive).  Up to launch_ahead steps may be in flight, so a newly arrived job takes over at
 * the next boundary that is not yet launched.  A job whose deadline has passed before its first
 * step is dropped, and counts as missed.  BE jobs run whole on their own low-tier streams.
 *
 * Priorities: EDF by absolute deadline; RM by period (a Poisson task's mean inter-arrival time;
 * other tasks by relative deadline); DM by relative deadline; FIXED by a table.  Ties go to the
 * earlier release, then the lower task index, then the earlier job.
 *
 * Exit re-planning (Pantheon): at each RT arrival every unfinished RT job is set back to its
 * deepest exit, and sequential execution in EDF order is simulated from now on solo durations;
 * while some job would miss, the exit of the job that loses the least accuracy by going one
 * exit lower, among the first missing job and the jobs before it in EDF order (later ones cannot
 * help it), is lowered; when none of those can be lowered, the misses are accepted.
 *
 * Packing (RT-mDL): while the worker is busy, the next job by priority may run, whole, on a
 * second stream on the low tier, taking SMs the worker leaves idle. */
#pragma once

#include "sim/policy.h"

G_BEGIN_DECLS

typedef enum { TS_PRIO_EDF, TS_PRIO_RM, TS_PRIO_DM, TS_PRIO_FIXED } TsPrioRule;

typedef struct {
  TsPrioRule prio;
  gboolean preemptive;     /* switch jobs at step boundaries */
  gboolean replan;         /* Pantheon's exit re-planning at each arrival */
  gboolean packing;        /* RT-mDL's second, low-tier stream */
  const guint *rank;       /* FIXED: per task, 0 = highest priority */
  const int *exit;         /* per task fixed exit (-1: the deepest); NULL: all deepest */
} TsRtConfig;

/* The launch-ahead parameter every runtime policy declares. */
#define TS_RT_LAUNCH_AHEAD_PARAM \
  { "launch_ahead", "RT steps (chunks or exit heads) in flight on the worker", 1, 1, 16 }

gpointer ts_rtsched_create (TsRunner *runner, const TsRtConfig *config);
void ts_rtsched_destroy (gpointer self);
void ts_rtsched_job_arrived (gpointer self, TsJob *job);

/* Exit re-planning on its own, for tests: n jobs in EDF order with their models, progress
 * (chunks completed), deadlines and exits (in: current, out: planned), from time `now`; each
 * step costs its solo time and, on a host (host->present), the host's time for it.  Returns how
 * many jobs are still planned to miss. */
guint ts_rtsched_plan_exits (guint n, const TsModel *const *models, const guint *done_chunks,
                             const TsTime *deadlines, TsTime now, const TsHostModel *host, int *exits);

G_END_DECLS
