/* tiersim — discrete-event engine.
 *
 * A binary min-heap of events keyed by (time, class, sequence).  The key is total, so two runs of
 * the same inputs pop events in the same order: time first, then the event class (so that, at one
 * instant, completions are seen before the dispatcher runs), then the order of scheduling.
 *
 * Heap entries are 24-byte (key, slot) records in one array; the callback and its data live in a
 * slot table that remembers each event's heap position, so cancel is O(log n).  Slots are recycled
 * through a free list and carry a generation number, so a stale TsEventId cancels nothing.
 *
 * Complexity: schedule O(log n), cancel O(log n), pop O(log n), memory O(pending events). */
#pragma once

#include "sim/base.h"

G_BEGIN_DECLS

typedef struct _TsEngine TsEngine;

/* Handle of a scheduled event; 0 is never a valid id. */
typedef guint64 TsEventId;

/* Event classes: at equal times a lower class runs first. */
typedef enum {
  TS_EV_COMPLETE = 0,  /* GPU work finishing: frees resources */
  TS_EV_READY,         /* a launched kernel becomes eligible */
  TS_EV_HOST,          /* host-side events: arrivals, timers, completion notifications */
  TS_EV_DISPATCH,      /* the block dispatcher: sees everything that happened at this instant */
  TS_EV_N_CLASSES
} TsEventClass;

typedef void (*TsEventFn) (gpointer data, guint64 arg);

/* Creates an engine at time 0 with no events. */
TsEngine *ts_engine_new (void);

/* Frees the engine and all pending events (their callbacks are not run). */
void ts_engine_free (TsEngine *engine);

/* Current time: the time of the event being run, or of the last one run. */
TsTime ts_engine_now (const TsEngine *engine);

/* Schedules fn(data, arg) at time `at` (>= now).  Returns its id for cancel. */
TsEventId ts_engine_schedule (TsEngine *engine, TsTime at, TsEventClass cls,
                              TsEventFn fn, gpointer data, guint64 arg);

/* Runs fn(data, arg) once, after every other event of the current instant, without an event of
 * its own where it can: when the event now running returns, at once if no event that would run
 * before it (time now, class <= cls) is pending; otherwise as an event of class cls at now,
 * ordered after the events of its class scheduled until then.  Outside a running event it is
 * scheduled at once.  One deferred call may wait at a time.  Calls run this way are not counted
 * by ts_engine_events_run().  (The dispatcher after a block completion is the case it is for.) */
void ts_engine_defer (TsEngine *engine, TsEventClass cls, TsEventFn fn, gpointer data, guint64 arg);

/* Cancels a pending event.  Returns FALSE if it already ran, was cancelled, or never existed. */
gboolean ts_engine_cancel (TsEngine *engine, TsEventId id);

/* Moves a pending event to time `at` (>= now), ordered as if it had just been scheduled there:
 * the same outcome as cancel + schedule, in one sift, keeping its id.  Returns FALSE, doing
 * nothing, if it already ran or was cancelled.  O(log n). */
gboolean ts_engine_move (TsEngine *engine, TsEventId id, TsTime at);

/* Runs the earliest event.  Returns FALSE, doing nothing, when no event is pending. */
gboolean ts_engine_step (TsEngine *engine);

/* Runs events until none is pending. */
void ts_engine_run (TsEngine *engine);

/* Number of pending events. */
guint ts_engine_pending (const TsEngine *engine);

/* Time of the earliest pending event, or TS_TIME_NEVER when none is pending. */
TsTime ts_engine_next_time (const TsEngine *engine);

/* Number of events run so far. */
guint64 ts_engine_events_run (const TsEngine *engine);

/* Checks the heap property and slot back-pointers in O(n); for tests. */
gboolean ts_engine_verify (const TsEngine *engine);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsEngine, ts_engine_free)

G_END_DECLS
