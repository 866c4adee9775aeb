/* tiersim — the host side of inference (DESIGN §2 rule 7): CPU threads that spend time launching
 * kernels and waking up after synchronisations, on a host with a few cores.
 *
 * A thread runs its operations one at a time, in the order they were queued.  Threads share the
 * host's cores: a thread whose next operation is ready takes a free core, or waits for one in
 * FIFO order, and keeps it for the whole operation.  Operations are microseconds long, far
 * shorter than an operating system's time slice, so a thread is not descheduled in the middle
 * of one.  An operation's callback runs when its CPU time is over.
 *
 * Cost: queueing and finishing an operation are O(1) (one engine event each operation). */
#pragma once

#include "sim/engine.h"

G_BEGIN_DECLS

typedef struct _TsHost TsHost;

/* A host of `cores` (>= 1) cores on engine. */
TsHost *ts_host_new (TsEngine *engine, guint cores);
void ts_host_free (TsHost *host);

/* A new thread, idle; returns its index (0, 1, ...). */
guint ts_host_thread_new (TsHost *host);

/* Queues an operation of `cost` ns of CPU time on thread `thread`, after its earlier ones;
 * fn(data, arg) runs when it ends. */
void ts_host_run (TsHost *host, guint thread, TsTime cost, TsEventFn fn, gpointer data, guint64 arg);

/* CPU time spent so far by all threads (ns), and how long threads waited for a core. */
TsTime ts_host_busy (const TsHost *host);
TsTime ts_host_waited (const TsHost *host);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsHost, ts_host_free)

G_END_DECLS
