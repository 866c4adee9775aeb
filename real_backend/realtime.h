/* tiersim — the real-time backend: the backend interface in wall-clock time over a device that
 * runs launches (the CUDA GPU of real_backend/cuda.h, or a fake one in tests).
 *
 * It owns what does not depend on CUDA, so that it is the same code on every device and can be
 * tested without a GPU:
 *   - a host queue per stream; at most `window` launches of a stream in the device's queue, and at
 *     most max_in_flight over all streams (the device's completion slots); the rest wait and go in
 *     as earlier ones complete;
 *   - completion: the device is polled for the oldest launch of each stream (streams are FIFO);
 *     a launch whose main part ran every block completes (its callback runs), one cut short by a
 *     drain does not, and is reported in the drain's result; a pad's callback always runs, with
 *     the pad blocks that ran, before its kernel's;
 *   - drain: the host queue is dropped and the device told to make the stream's launched blocks exit
 *     at entry; the result comes when every launch made before the drain has come back;
 *   - reset: carried out as drain (counted), for devices that cannot kill running blocks;
 *   - timers on a TsEngine, run in a loop that polls while launches are out, sleeps until shortly
 *     before the next timer when none is, and fails a run whose launch has not come back within
 *     the hung timeout. */
#pragma once

#include "sim/backend.h"

G_BEGIN_DECLS

/* One launch as the device sees it. */
typedef struct {
  gconstpointer main, pad;   /* the device's plans of the kernels (pad: NULL without padding) */
  guint32 n_main, n_pad;     /* blocks of each part */
  guint stream;
  guint64 seq;               /* unique and increasing over the backend's life */
  guint32 dev_slot;          /* the device's own (submit sets it, poll reads it) */
} TsWallLaunch;

typedef struct {
  const char *name;
  /* Clock in nanoseconds from any origin; waits about ns while nothing is in flight. */
  TsTime (*clock) (gpointer dev);
  void (*idle) (gpointer dev, TsTime ns);
  guint (*sms) (gpointer dev);
  /* The device's plan of kernel k (NULL: not planned, a programming error) and its shape. */
  gconstpointer (*plan) (gpointer dev, const TsKernelDesc *k, guint *blocks_per_sm, TsTime *block_ns);
  /* Creates stream number `stream` (0, 1, ... in order) on level 0 (highest) or 1. */
  gboolean (*stream_new) (gpointer dev, guint stream, guint level, GError **error);
  /* Starts l on its stream after the stream's earlier launches. */
  gboolean (*submit) (gpointer dev, TsWallLaunch *l, GError **error);
  /* Whether submitted launch l has completed, and then the blocks of each part that ran. */
  gboolean (*poll) (gpointer dev, const TsWallLaunch *l, guint32 *done_main, guint32 *done_pad);
  /* Makes every block of every launch submitted so far on stream exit at entry if it has not
   * started (running blocks finish). */
  void (*drain) (gpointer dev, guint stream);
  /* The run is over: waits for anything still in flight and destroys its streams. */
  void (*end_run) (gpointer dev);
} TsWallDeviceOps;

/* A backend over dev, with at most max_in_flight launches submitted at once.  Levels: 2. */
TsBackend *ts_wall_backend_new (const TsWallDeviceOps *ops, gpointer dev, guint max_in_flight);

/* Resets carried out as drain so far. */
guint ts_wall_backend_resets (TsBackend *be);

/* How long a launch may stay out before run() fails (default 60 s). */
void ts_wall_backend_set_hung_timeout (TsBackend *be, TsTime ns);

G_END_DECLS
