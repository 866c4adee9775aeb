#include "config.h"

#include "sim/engine.h"

#define SEQ_BITS 56

typedef struct {
  TsTime time;
  guint64 order;  /* class << SEQ_BITS | sequence */
  guint32 slot;
} HeapEntry;

typedef struct {
  TsEventFn fn;
  gpointer data;
  guint64 arg;
  guint32 heap_pos;  /* index in heap while pending; next free slot while free */
  guint32 gen;       /* bumped whenever the slot is released */
} Slot;

struct _TsEngine {
  HeapEntry *heap;
  guint32 n, cap;
  Slot *slots;
  guint32 n_slots, slots_cap, free_slot;
  guint64 seq;
  TsTime now;
  guint64 events_run;
  gboolean running;        /* an event's callback is running */
  struct {
    TsEventFn fn;          /* NULL: no deferred call */
    gpointer data;
    guint64 arg;
    TsEventClass cls;
  } deferred;
};

#define NO_SLOT G_MAXUINT32

static inline gboolean
entry_less (const HeapEntry *a, const HeapEntry *b)
{
  return a->time < b->time || (a->time == b->time && a->order < b->order);
}

static inline void
heap_set (TsEngine *e, guint32 pos, HeapEntry ent)
{
  e->heap[pos] = ent;
  e->slots[ent.slot].heap_pos = pos;
}

static void
sift_up (TsEngine *e, guint32 pos)
{
  HeapEntry ent = e->heap[pos];
  while (pos > 0)
    {
      guint32 parent = (pos - 1) / 2;
      if (!entry_less (&ent, &e->heap[parent]))
        break;
      heap_set (e, pos, e->heap[parent]);
      pos = parent;
    }
  heap_set (e, pos, ent);
}

static void
sift_down (TsEngine *e, guint32 pos)
{
  HeapEntry ent = e->heap[pos];
  for (;;)
    {
      guint32 child = 2 * pos + 1;
      if (child >= e->n)
        break;
      if (child + 1 < e->n && entry_less (&e->heap[child + 1], &e->heap[child]))
        child++;
      if (!entry_less (&e->heap[child], &ent))
        break;
      heap_set (e, pos, e->heap[child]);
      pos = child;
    }
  heap_set (e, pos, ent);
}

TsEngine *
ts_engine_new (void)
{
  TsEngine *e = g_new0 (TsEngine, 1);
  e->free_slot = NO_SLOT;
  return e;
}

void
ts_engine_free (TsEngine *engine)
{
  if (engine == NULL)
    return;
  g_free (engine->heap);
  g_free (engine->slots);
  g_free (engine);
}

TsTime
ts_engine_now (const TsEngine *engine)
{
  return engine->now;
}

guint
ts_engine_pending (const TsEngine *engine)
{
  return engine->n;
}

TsTime
ts_engine_next_time (const TsEngine *engine)
{
  return engine->n > 0 ? engine->heap[0].time : TS_TIME_NEVER;
}

guint64
ts_engine_events_run (const TsEngine *engine)
{
  return engine->events_run;
}

static guint32
slot_alloc (TsEngine *e)
{
  if (e->free_slot != NO_SLOT)
    {
      guint32 s = e->free_slot;
      e->free_slot = e->slots[s].heap_pos;
      return s;
    }
  if (e->n_slots == e->slots_cap)
    {
      e->slots_cap = MAX (64, e->slots_cap * 2);
      e->slots = g_renew (Slot, e->slots, e->slots_cap);
    }
  e->slots[e->n_slots].gen = 1;
  return e->n_slots++;
}

static void
slot_release (TsEngine *e, guint32 s)
{
  e->slots[s].gen++;
  e->slots[s].heap_pos = e->free_slot;
  e->free_slot = s;
}

TsEventId
ts_engine_schedule (TsEngine *engine, TsTime at, TsEventClass cls,
                    TsEventFn fn, gpointer data, guint64 arg)
{
  g_return_val_if_fail (at >= engine->now, 0);
  g_return_val_if_fail (cls < TS_EV_N_CLASSES, 0);
  g_assert (engine->seq < (G_GUINT64_CONSTANT (1) << SEQ_BITS));

  guint32 s = slot_alloc (engine);
  engine->slots[s].fn = fn;
  engine->slots[s].data = data;
  engine->slots[s].arg = arg;

  if (engine->n == engine->cap)
    {
      engine->cap = MAX (64, engine->cap * 2);
      engine->heap = g_renew (HeapEntry, engine->heap, engine->cap);
    }
  guint32 pos = engine->n++;
  engine->heap[pos] = (HeapEntry) { at, ((guint64) cls << SEQ_BITS) | engine->seq++, s };
  sift_up (engine, pos);
  return ((guint64) engine->slots[s].gen << 32) | s;
}

/* Removes the heap entry at pos, keeping the heap property. */
static void
heap_remove (TsEngine *e, guint32 pos)
{
  guint32 last = --e->n;
  if (pos == last)
    return;
  HeapEntry moved = e->heap[last];
  heap_set (e, pos, moved);
  if (pos > 0 && entry_less (&moved, &e->heap[(pos - 1) / 2]))
    sift_up (e, pos);
  else
    sift_down (e, pos);
}

gboolean
ts_engine_cancel (TsEngine *engine, TsEventId id)
{
  guint32 s = (guint32) id, gen = (guint32) (id >> 32);
  if (id == 0 || s >= engine->n_slots || engine->slots[s].gen != gen)
    return FALSE;
  heap_remove (engine, engine->slots[s].heap_pos);
  slot_release (engine, s);
  return TRUE;
}

gboolean
ts_engine_move (TsEngine *engine, TsEventId id, TsTime at)
{
  guint32 s = (guint32) id, gen = (guint32) (id >> 32);
  g_return_val_if_fail (at >= engine->now, FALSE);
  if (id == 0 || s >= engine->n_slots || engine->slots[s].gen != gen)
    return FALSE;
  g_assert (engine->seq < (G_GUINT64_CONSTANT (1) << SEQ_BITS));
  guint32 pos = engine->slots[s].heap_pos;
  HeapEntry *h = &engine->heap[pos];
  h->time = at;
  h->order = (h->order >> SEQ_BITS << SEQ_BITS) | engine->seq++;  /* same class, fresh sequence */
  if (pos > 0 && entry_less (h, &engine->heap[(pos - 1) / 2]))
    sift_up (engine, pos);
  else
    sift_down (engine, pos);
  return TRUE;
}

void
ts_engine_defer (TsEngine *engine, TsEventClass cls, TsEventFn fn, gpointer data, guint64 arg)
{
  g_return_if_fail (cls < TS_EV_N_CLASSES);
  if (!engine->running)
    {
      ts_engine_schedule (engine, engine->now, cls, fn, data, arg);
      return;
    }
  g_assert (engine->deferred.fn == NULL);
  engine->deferred.fn = fn, engine->deferred.data = data, engine->deferred.arg = arg, engine->deferred.cls = cls;
}

/* After an event: the deferred call runs now if nothing pending would run before it at this
 * instant (the heap's top is later, or of a later class), else it becomes an event. */
static void
run_deferred (TsEngine *e)
{
  while (e->deferred.fn != NULL)
    {
      TsEventFn fn = e->deferred.fn;
      e->deferred.fn = NULL;
      if (e->n > 0 && e->heap[0].time == e->now && (e->heap[0].order >> SEQ_BITS) <= e->deferred.cls)
        {
          ts_engine_schedule (e, e->now, e->deferred.cls, fn, e->deferred.data, e->deferred.arg);
          return;
        }
      fn (e->deferred.data, e->deferred.arg);
    }
}

gboolean
ts_engine_step (TsEngine *engine)
{
  if (engine->n == 0)
    return FALSE;
  HeapEntry top = engine->heap[0];
  Slot sl = engine->slots[top.slot];
  heap_remove (engine, 0);
  slot_release (engine, top.slot);
  engine->now = top.time;
  engine->events_run++;
  engine->running = TRUE;
  sl.fn (sl.data, sl.arg);
  if (engine->deferred.fn != NULL)
    run_deferred (engine);
  engine->running = FALSE;
  return TRUE;
}

void
ts_engine_run (TsEngine *engine)
{
  while (ts_engine_step (engine))
    ;
}

gboolean
ts_engine_verify (const TsEngine *engine)
{
  for (guint32 i = 0; i < engine->n; i++)
    {
      if (engine->slots[engine->heap[i].slot].heap_pos != i)
        return FALSE;
      if (i > 0 && entry_less (&engine->heap[i], &engine->heap[(i - 1) / 2]))
        return FALSE;
      if (engine->heap[i].time < engine->now)
        return FALSE;
    }
  return TRUE;
}
