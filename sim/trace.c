#include "config.h"

#include <string.h>

#include "csv.h"
#include "datadir.h"
#include "trace.h"

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

struct _TsTrace {
  const TsScenario *scn;
  TsTime from, to;
  GPtrArray *policies;     /* char* */
  GArray *spans;           /* Span */
  GHashTable *open;        /* launch id -> Open* */
  GString *jobs;           /* JSON events of jobs and preemptions */
};

TsTrace *
ts_trace_new (const TsScenario *scn, TsTime from, TsTime to)
{
  TsTrace *t = g_new0 (TsTrace, 1);
  t->scn = scn;
  t->from = from, t->to = to;
  t->policies = g_ptr_array_new_with_free_func (g_free);
  t->spans = g_array_new (FALSE, FALSE, sizeof (Span));
  t->open = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  t->jobs = g_string_new (NULL);
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
  g_string_free (t->jobs, TRUE);
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

static void
json_string (GString *s, const char *text)
{
  g_string_append_c (s, '"');
  for (const char *c = text; *c; c++)
    if (*c == '"' || *c == '\\')
      g_string_append_printf (s, "\\%c", *c);
    else if ((guchar) *c < 0x20)
      g_string_append_printf (s, "\\u%04x", *c);
    else
      g_string_append_c (s, *c);
  g_string_append_c (s, '"');
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
      const char *task = t->scn->tasks[j->task].name;
      g_string_append_printf (t->jobs, ",\n{\"ph\":\"X\",\"pid\":%u,\"tid\":%u,\"ts\":%.3f,\"dur\":%.3f,\"name\":",
                              pid, 100000 + j->task, us (j->release), us (end - j->release));
      g_autofree char *name = g_strdup_printf ("%s #%u", task, j->id);
      json_string (t->jobs, name);
      g_string_append_printf (t->jobs, ",\"cat\":\"job\",\"args\":{\"start_us\":%.3f,\"missed\":%s,\"dropped\":%s,\"variant\":",
                              j->start >= 0 ? us (j->start) : -1.0,
                              j->deadline != TS_TIME_NEVER && (j->dropped || j->finish > j->deadline) ? "true" : "false",
                              j->dropped ? "true" : "false");
      json_string (t->jobs, j->dropped ? "dropped" : j->variant);
      g_string_append (t->jobs, "}}");
    }
  for (guint i = 0; i < res->preemptions->len; i++)
    {
      const TsPreemptRecord *p = &g_array_index (res->preemptions, TsPreemptRecord, i);
      if (p->at < t->from || p->at >= t->to || p->latency < 0)
        continue;
      g_string_append_printf (t->jobs, ",\n{\"ph\":\"i\",\"s\":\"p\",\"pid\":%u,\"tid\":%u,\"ts\":%.3f,"
                              "\"name\":\"preemption\",\"cat\":\"preemption\",\"args\":{\"latency_us\":%.3f}}",
                              pid, 100000 + p->task, us (p->at), us (p->latency));
      Span s = { pid, G_MAXUINT, (int) p->task, "preemption", p->at, -1 };
      g_array_append_val (t->spans, s);
    }
}

gboolean
ts_trace_write_json (const TsTrace *t, const char *path, GError **error)
{
  g_autoptr (GString) s = g_string_new ("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
  g_string_append (s, "{\"ph\":\"M\",\"pid\":0,\"name\":\"process_name\",\"args\":{\"name\":\"tiersim\"}}");
  for (guint p = 0; p < t->policies->len; p++)
    {
      g_string_append_printf (s, ",\n{\"ph\":\"M\",\"pid\":%u,\"name\":\"process_name\",\"args\":{\"name\":", p);
      json_string (s, t->policies->pdata[p]);
      g_string_append (s, "}}");
      for (guint i = 0; i < t->scn->n_tasks; i++)
        {
          g_string_append_printf (s, ",\n{\"ph\":\"M\",\"pid\":%u,\"tid\":%u,\"name\":\"thread_name\",\"args\":{\"name\":", p, 100000 + i);
          g_autofree char *n = g_strdup_printf ("jobs: %s", t->scn->tasks[i].name);
          json_string (s, n);
          g_string_append (s, "}}");
        }
    }
  for (guint i = 0; i < t->spans->len; i++)
    {
      const Span *sp = &g_array_index (t->spans, Span, i);
      if (sp->end < 0)
        continue;
      g_string_append_printf (s, ",\n{\"ph\":\"X\",\"pid\":%u,\"tid\":%u,\"ts\":%.3f,\"dur\":%.3f,\"cat\":\"kernel\",\"name\":",
                              sp->policy, sp->stream, us (sp->start), us (sp->end - sp->start));
      json_string (s, sp->kernel);
      g_string_append (s, ",\"args\":{\"task\":");
      json_string (s, sp->task >= 0 ? t->scn->tasks[sp->task].name : "");
      g_string_append (s, "}}");
    }
  g_string_append (s, t->jobs->str);
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
      ts_csv_append (s, t->policies->pdata[sp->policy]);
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
