/* tiersim — open-loop release times of a task (periodic, Poisson, trace).
 *
 * Closed-loop tasks have no schedule of their own: the runner releases their next request when
 * the previous one completes.  Generators draw from their own random stream, so a task's release
 * times do not depend on other tasks or on the policy. */
#pragma once

#include "rng.h"
#include "scenario.h"

G_BEGIN_DECLS

typedef struct {
  const TsArrival *arrival;
  TsRng rng;
  guint64 k;      /* releases produced so far */
  TsTime last;    /* previous release (poisson) */
} TsReleaseGen;

/* Starts the release sequence of arrival, seeded by (seed, stream). */
void ts_release_gen_init (TsReleaseGen *gen, const TsArrival *arrival, guint64 seed, guint64 stream);

/* Next release time, ascending, or TS_TIME_NEVER when there is none (end of a trace; always for
 * closed-loop arrivals). */
TsTime ts_release_gen_next (TsReleaseGen *gen);

/* An interval [start, stop) in which a task is active. */
typedef struct {
  TsTime start, stop;
} TsSpan;

/* The random stream of task `task`'s on/off process: apart from its release stream (`task`). */
#define TS_STREAM_LIFETIME(task) ((G_GUINT64_CONSTANT (1) << 40) + (task))

/* The spans in which task t (index `task`) is active within [0, duration): its lifetime clipped
 * to the run, cut by its on/off process drawn from stream TS_STREAM_LIFETIME(task) of seed.
 * Ascending, disjoint, non-empty spans (TsSpan); none if the task is never active. */
GArray *ts_task_activity (const TsTask *t, TsTime duration, guint64 seed, guint task);

/* Sum of the spans' lengths. */
TsTime ts_spans_total (const GArray *spans);

G_END_DECLS
