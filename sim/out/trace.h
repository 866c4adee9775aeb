/* tiersim — what happened in a window of a run: Chrome trace JSON (Perfetto, chrome://tracing)
 * and a timeline table for plots.
 *
 * A TsTrace observes the simulated GPU during one policy's run (ts_trace_observer) and records
 * each kernel that overlaps the window: its stream, the task its model belongs to, and the time
 * from its first block's placement to its completion.  After the run, ts_trace_add_run adds the
 * run's jobs (release to finish, on a track per task) and preemptions (instant marks).  Policies
 * are processes (pid from 1), each named once; streams and tasks are named tracks, a stream or
 * task split over as many tracks as it has slices at once, so that no two slices of one track
 * overlap partly. */
#pragma once

#include "sim/gpu.h"
#include "sim/runner.h"

G_BEGIN_DECLS

typedef struct _TsTrace TsTrace;

/* A trace of [from, to) of simulated time for runs of scenario scn. */
TsTrace *ts_trace_new (const TsScenario *scn, TsTime from, TsTime to);
void ts_trace_free (TsTrace *trace);

/* Starts recording the run of the named policy; pass ts_trace_observer and the trace to
 * ts_run_observed, then ts_trace_add_run with its result. */
void ts_trace_begin_run (TsTrace *trace, const char *policy);
void ts_trace_observer (gpointer trace, const TsGpuEvent *ev);
void ts_trace_add_run (TsTrace *trace, const TsRunResult *res);

/* Writes the Chrome trace JSON of every run recorded. */
gboolean ts_trace_write_json (const TsTrace *trace, const char *path, GError **error);

/* Writes timeline.csv: policy,stream,task,kernel,start_ms,end_ms per kernel, and a row per
 * preemption with kernel "preemption". */
gboolean ts_trace_write_timeline (const TsTrace *trace, const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsTrace, ts_trace_free)

G_END_DECLS
