#include "config.h"

#include <string.h>

#include "sim/out/csv.h"
#include "sim/out/trace.h"
#include "sim/io.h"

typedef struct {
  guint policy;        /* index in trace->policies */
  guint stream;
  int task;            /* -1 if its model is no task's */
  const char *kernel;
  TsTime start, end;   /* end -1 for a preemption mark */
} Span;

typedef struct {
  TsTime start;
  guint stream;
} Open;

/* A job's slice (release to finish) or a preemption's instant (end -1), on its task's track. */
typedef struct {
  guint policy;
  guint task;
  TsTime start, end;
  char *json;          /* the event's "name", "cat" and "args" members */
} Mark;

struct _TsTrace {
  const TsScenario *scn;
  TsTime from, to;
  GPtrArray *policies;     /* char* */
  GArray *spans;           /* Span */
  GHashTable *open;        /* launch id -> Open* */
  GArray *marks;           /* Mark: jobs and preemptions */
};

static void
mark_clear (gpointer m)
{
  g_free (((Mark *) m)->json);
}

TsTrace *
ts_trace_new (const TsScenario *scn, TsTime from, TsTime to)
{
  TsTrace *t = g_new0 (TsTrace, 1);
  t->scn = scn;
  t->from = from, t->to = to;
  t->policies = g_ptr_array_new_with_free_func (g_free);
  t->spans = g_array_new (FALSE, FALSE, sizeof (Span));
  t->open = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  t->marks = g_array_new (FALSE, FALSE, sizeof (Mark));
  g_array_set_clear_func (t->marks, mark_clear);
  return t;
}

void
ts_trace_free (TsTrace *t)
{
  if (t == NULL)
    return;
  g_ptr_array_unref (t->policies);
  g_array_unref (t->spans);
  g_hash_table_unref (t->open);
  g_array_unref (t->marks);
  g_free (t);
}

void
ts_trace_begin_run (TsTrace *t, const char *policy)
{
  g_ptr_array_add (t->policies, g_strdup (policy));
  g_hash_table_remove_all (t->open);
}

/* The task whose model holds kernel k (the first such task), or -1. */
static int
task_of (const TsScenario *scn, const TsKernelDesc *k)
{
  for (guint i = 0; i < scn->n_tasks; i++)
    {
      const TsModel *m = scn->tasks[i].model;
      if (k >= m->kernels && k < m->kernels + m->n_kernels)
        return (int) i;
      for (guint e = 0; e < m->n_exits; e++)
        if (k >= m->exits[e].kernels && k < m->exits[e].kernels + m->exits[e].n_kernels)
          return (int) i;
    }
  return -1;
}

void
ts_trace_observer (gpointer data, const TsGpuEvent *ev)
{
  TsTrace *t = data;
  if (ev->time >= t->to && ev->kind == TS_GPU_BLOCKS_START)
    return;
  if (ev->kind == TS_GPU_BLOCKS_START && !g_hash_table_contains (t->open, &ev->launch))
    {
      gint64 *key = g_new (gint64, 1);
      Open *o = g_new (Open, 1);
      *key = (gint64) ev->launch;
      *o = (Open) { ev->time, ev->stream };
      g_hash_table_insert (t->open, key, o);
    }
  else if (ev->kind == TS_GPU_KERNEL_DONE)
    {
      gint64 key = (gint64) ev->launch;
      Open *o = g_hash_table_lookup (t->open, &key);
      if (o == NULL)
        return;
      if (ev->time > t->from && o->start < t->to)
        {
          Span s = { t->policies->len - 1, o->stream, task_of (t->scn, ev->kernel), ev->kernel->name, o->start, ev->time };
          g_array_append_val (t->spans, s);
        }
      g_hash_table_remove (t->open, &key);
    }
}

static double
us (TsTime t)
{
  return (double) t / TS_NS_PER_US;
}

void
ts_trace_add_run (TsTrace *t, const TsRunResult *res)
{
  guint pid = t->policies->len - 1;
  for (guint i = 0; i < res->jobs->len; i++)
    {
      const TsJob *j = res->jobs->pdata[i];
      TsTime end = j->finish >= 0 ? j->finish : j->release;
      if (end < t->from || j->release >= t->to)
        continue;
      g_autoptr (GString) s = g_string_new ("\"name\":");
      g_autofree char *name = g_strdup_printf ("%s #%u", t->scn->tasks[j->task].name, j->id);
      ts_quote_json (s, name);
      g_string_append_printf (s, ",\"cat\":\"job\",\"args\":{\"start_us\":%.3f,\"missed\":%s,\"dropped\":%s,\"variant\":",
                              j->start >= 0 ? us (j->start) : -1.0,
                              j->deadline != TS_TIME_NEVER && (j->dropped || j->finish > j->deadline) ? "true" : "false",
                              j->dropped ? "true" : "false");
      ts_quote_json (s, j->dropped ? "dropped" : j->variant);
      g_string_append_c (s, '}');
      Mark m = { pid, j->task, j->release, end, g_string_free (g_steal_pointer (&s), FALSE) };
      g_array_append_val (t->marks, m);
    }
  for (guint i = 0; i < res->preemptions->len; i++)
    {
      const TsPreemptRecord *p = &g_array_index (res->preemptions, TsPreemptRecord, i);
      if (p->at < t->from || p->at >= t->to || p->latency < 0)
        continue;
      Mark m = { pid, p->task, p->at, -1,
                 g_strdup_printf ("\"name\":\"preemption\",\"cat\":\"preemption\",\"args\":{\"latency_us\":%.3f}",
                                  us (p->latency)) };
      g_array_append_val (t->marks, m);
      Span s = { pid, G_MAXUINT, (int) p->task, "preemption", p->at, -1 };
      g_array_append_val (t->spans, s);
    }
}

/* A slice of the JSON trace: a kernel on its stream's track (kind 0) or a job on its task's
 * (kind 1); src indexes spans or marks. */
typedef struct {
  guint policy, kind, track, src;
  TsTime start, end;
} Slice;

static int
cmp_slice (const void *a, const void *b)
{
  const Slice *x = a, *y = b;
  if (x->policy != y->policy)
    return x->policy < y->policy ? -1 : 1;
  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  if (x->track != y->track)
    return x->track < y->track ? -1 : 1;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->end != y->end)
    return x->end > y->end ? -1 : 1;     /* the longer first */
  return (x->src > y->src) - (x->src < y->src);
}

/* Thread ids of one process: a track per (kind, track, lane), numbered from 1 in the order
 * asked for, each named by a metadata event when it is made. */
typedef struct {
  GHashTable *tids;   /* "kind/track/lane" -> tid */
  guint next;
} Tracks;

static guint
track_tid (const TsTrace *t, Tracks *tr, GString *s, guint pid, guint kind, guint track, guint lane)
{
  g_autofree char *key = g_strdup_printf ("%u/%u/%u", kind, track, lane);
  gpointer v = g_hash_table_lookup (tr->tids, key);
  if (v != NULL)
    return GPOINTER_TO_UINT (v);
  guint tid = tr->next++;
  g_hash_table_insert (tr->tids, g_steal_pointer (&key), GUINT_TO_POINTER (tid));
  g_autofree char *base = kind == 0 ? g_strdup_printf ("stream %u", track)
                                    : g_strdup_printf ("jobs: %s", t->scn->tasks[track].name);
  g_autofree char *name = lane ? g_strdup_printf ("%s (overlap %u)", base, lane + 1) : g_strdup (base);
  g_string_append_printf (s, ",\n{\"ph\":\"M\",\"pid\":%u,\"tid\":%u,\"name\":\"thread_name\",\"args\":{\"name\":",
                          pid, tid);
  ts_quote_json (s, name);
  g_string_append_printf (s, "}},\n{\"ph\":\"M\",\"pid\":%u,\"tid\":%u,\"name\":\"thread_sort_index\","
                          "\"args\":{\"sort_index\":%u}}", pid, tid, tid);
  return tid;
}

gboolean
ts_trace_write_json (const TsTrace *t, const char *path, GError **error)
{
  g_autoptr (GString) s = g_string_new ("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[");
  /* a process per policy (pid from 1), each named once */
  for (guint p = 0; p < t->policies->len; p++)
    {
      g_string_append_printf (s, "%s\n{\"ph\":\"M\",\"pid\":%u,\"name\":\"process_name\",\"args\":{\"name\":",
                              p ? "," : "", p + 1);
      g_autofree char *n = g_strdup_printf ("policy %s", (char *) t->policies->pdata[p]);
      ts_quote_json (s, n);
      g_string_append_printf (s, "}},\n{\"ph\":\"M\",\"pid\":%u,\"name\":\"process_sort_index\","
                              "\"args\":{\"sort_index\":%u}}", p + 1, p + 1);
    }
  /* Every slice on a track must nest in or follow the one before, or viewers draw them wrongly.
   * Kernels on one stream and jobs of one task can overlap partly (a job released while the
   * previous one still runs), so each (stream or task) gets as many tracks as it has slices at
   * once: each slice, in order of start, goes to the first track free by then. */
  g_autoptr (GArray) sl = g_array_new (FALSE, FALSE, sizeof (Slice));
  for (guint i = 0; i < t->spans->len; i++)
    {
      const Span *sp = &g_array_index (t->spans, Span, i);
      if (sp->end >= 0)
        g_array_append_val (sl, ((Slice) { sp->policy, 0, sp->stream, i, sp->start, sp->end }));
    }
  for (guint i = 0; i < t->marks->len; i++)
    {
      const Mark *m = &g_array_index (t->marks, Mark, i);
      if (m->end >= 0)
        g_array_append_val (sl, ((Slice) { m->policy, 1, m->task, i, m->start, m->end }));
    }
  g_array_sort (sl, cmp_slice);
  g_autoptr (GArray) lane_end = g_array_new (FALSE, FALSE, sizeof (TsTime));
  Tracks *tr = g_new0 (Tracks, t->policies->len);
  for (guint p = 0; p < t->policies->len; p++)
    {
      tr[p].tids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      tr[p].next = 1;
      /* every task's first track, even without a job in the window: preemptions go there */
      for (guint k = 0; k < t->scn->n_tasks; k++)
        track_tid (t, &tr[p], s, p + 1, 1, k, 0);
    }
  for (guint i = 0; i < sl->len; i++)
    {
      const Slice *x = &g_array_index (sl, Slice, i);
      if (i == 0 || cmp_slice (&(Slice) { x->policy, x->kind, x->track, 0, 0, 0 },
                               &(Slice) { x[-1].policy, x[-1].kind, x[-1].track, 0, 0, 0 }) != 0)
        g_array_set_size (lane_end, 0);   /* a new (policy, stream or task) */
      guint lane = 0;
      while (lane < lane_end->len && g_array_index (lane_end, TsTime, lane) > x->start)
        lane++;
      if (lane == lane_end->len)
        g_array_set_size (lane_end, lane + 1);
      g_array_index (lane_end, TsTime, lane) = x->end;
      guint tid = track_tid (t, &tr[x->policy], s, x->policy + 1, x->kind, x->track, lane);
      g_string_append_printf (s, ",\n{\"ph\":\"X\",\"pid\":%u,\"tid\":%u,\"ts\":%.3f,\"dur\":%.3f,", x->policy + 1, tid,
                              us (x->start), us (x->end - x->start));
      if (x->kind == 0)
        {
          const Span *sp = &g_array_index (t->spans, Span, x->src);
          g_string_append (s, "\"cat\":\"kernel\",\"name\":");
          ts_quote_json (s, sp->kernel);
          g_string_append (s, ",\"args\":{\"task\":");
          ts_quote_json (s, sp->task >= 0 ? t->scn->tasks[sp->task].name : "");
          g_string_append (s, "}}");
        }
      else
        g_string_append_printf (s, "%s}", g_array_index (t->marks, Mark, x->src).json);
    }
  for (guint i = 0; i < t->marks->len; i++)
    {
      const Mark *m = &g_array_index (t->marks, Mark, i);
      if (m->end >= 0)
        continue;
      guint tid = track_tid (t, &tr[m->policy], s, m->policy + 1, 1, m->task, 0);   /* made above */
      g_string_append_printf (s, ",\n{\"ph\":\"i\",\"s\":\"t\",\"pid\":%u,\"tid\":%u,\"ts\":%.3f,%s}", m->policy + 1,
                              tid, us (m->start), m->json);
    }
  for (guint p = 0; p < t->policies->len; p++)
    g_hash_table_unref (tr[p].tids);
  g_free (tr);
  g_string_append (s, "\n]}\n");
  return ts_output_write (path, s->str, s->len, error);
}

gboolean
ts_trace_write_timeline (const TsTrace *t, const char *path, GError **error)
{
  g_autoptr (GString) s = g_string_new ("policy,stream,task,kernel,start_ms,end_ms\n");
  for (guint i = 0; i < t->spans->len; i++)
    {
      const Span *sp = &g_array_index (t->spans, Span, i);
      ts_quote_csv (s, t->policies->pdata[sp->policy]);
      g_string_append_c (s, ',');
      if (sp->stream != G_MAXUINT)
        g_string_append_printf (s, "%u", sp->stream);
      ts_csv_append_next (s, sp->task >= 0 ? t->scn->tasks[sp->task].name : "");
      ts_csv_append_next (s, sp->kernel);
      g_string_append_printf (s, ",%.6f,", ts_time_to_ms (sp->start));
      if (sp->end >= 0)
        g_string_append_printf (s, "%.6f", ts_time_to_ms (sp->end));
      g_string_append_c (s, '\n');
    }
  return ts_output_write (path, s->str, s->len, error);
}
