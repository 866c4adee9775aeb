/* tiersim — when a task releases its requests: its arrival process and its activity.
 *
 * A generator gives the release times of one task.  Open-loop arrivals (periodic, Poisson,
 * trace) have a schedule of their own; a closed loop releases its next request `think` after
 * the previous one completes.  The runner asks at three moments (the start, a release, a
 * completion) and never needs to know which kind it has.  Generators draw from their own random
 * stream, so a task's release times do not depend on other tasks or on the policy. */
#pragma once

#include "sim/rng.h"
#include "sim/scenario.h"

G_BEGIN_DECLS

typedef struct {
  const TsArrival *arrival;
  TsRng rng;
  guint64 k;      /* releases produced so far */
  TsTime last;    /* previous release (poisson) */
} TsReleaseGen;

/* Starts the release sequence of arrival, seeded by (seed, stream). */
void ts_release_gen_init (TsReleaseGen *gen, const TsArrival *arrival, guint64 seed, guint64 stream);

/* Next release time of an open-loop arrival, ascending, or TS_TIME_NEVER when there is none (end
 * of a trace; always for a closed loop). */
TsTime ts_release_gen_next (TsReleaseGen *gen);

/* The first release: a closed loop's offset, an open loop's first scheduled time. */
TsTime ts_release_gen_first (TsReleaseGen *gen);

/* The release to schedule once one has happened: an open loop's next; TS_TIME_NEVER for a closed
 * loop, whose next release waits for the completion. */
TsTime ts_release_gen_after_release (TsReleaseGen *gen);

/* The release to schedule when the client's request completes at `now` with no request waiting:
 * a closed loop's now + think; TS_TIME_NEVER for an open loop. */
TsTime ts_release_gen_after_finish (TsReleaseGen *gen, TsTime now);

/* The release to try instead of one that fell before an activity span starting at `start`
 * (issue 19, open systems): an open loop's next scheduled time (the skipped one is lost, as an
 * app that is not running takes no frames); a closed loop's start + offset. */
TsTime ts_release_gen_resume (TsReleaseGen *gen, TsTime start);

/* An interval [start, stop) in which a task is active. */
typedef struct {
  TsTime start, stop;
} TsSpan;

/* The random stream of task `task`'s on/off process: apart from its release stream (`task`). */
#define TS_STREAM_LIFETIME(task) ((G_GUINT64_CONSTANT (1) << 40) + (task))

/* The spans in which task t (index `task`) is active within [0, duration): its lifetime clipped
 * to the run, cut by its on/off process drawn from stream TS_STREAM_LIFETIME(task) of seed.
 * Ascending, disjoint, non-empty spans (TsSpan); none if the task is never active. */
GArray *ts_task_activity (const TsTask *t, TsTime duration, guint64 seed, TsTaskId task);

/* Sum of the spans' lengths. */
TsTime ts_spans_total (const GArray *spans);

G_END_DECLS
