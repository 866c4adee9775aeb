/* tiersim — heterogeneous processors: job execution with DLA fallback (hetero.h) and the routers
 * gpu-only, round-robin, priority-score and priority-score-itf. */
#include "config.h"

#include "policies/hetero.h"
#include "sim/dla.h"

/* ---- a job's execution on its processor ---- */

typedef struct {
  TsBackend *be;
  const TsModel *m;
  const TsDlaModel *dla;
  guint stream, proc;
  guint next, n;          /* the next segment's first layer; layers in all */
  TsKernelDoneFn fn;
  gpointer data;
  guint64 tag;
} Exec;

guint
ts_hetero_layer_proc (const TsDlaModel *dla, guint proc, const TsKernelDesc *k)
{
  return proc != TS_PROC_GPU && dla != NULL && ts_dla_model_supports (dla, k->kind) ? proc : TS_PROC_GPU;
}

static void exec_segment_done (gpointer data, guint64 tag);

/* Launches the segment that starts at x->next: its layers in order, the last with a callback. */
static void
exec_segment (gpointer data, guint64 arg)
{
  Exec *x = data;
  guint p = ts_hetero_layer_proc (x->dla, x->proc, ts_model_full_kernel (x->m, x->next));
  guint end = x->next;
  while (end < x->n && ts_hetero_layer_proc (x->dla, x->proc, ts_model_full_kernel (x->m, end)) == p)
    end++;
  for (guint i = x->next; i < end; i++)
    {
      const TsKernelDesc *k = ts_model_full_kernel (x->m, i);
      TsKernelDoneFn fn = i + 1 == end ? exec_segment_done : NULL;
      if (p == TS_PROC_GPU)
        ts_backend_launch (x->be, x->stream, k, fn, x, 0);
      else
        {
          g_autoptr (GError) error = NULL;
          /* ts_hetero_exec checked the engine, and the layer's kind is supported */
          if (!ts_backend_launch_dla (x->be, p - 1, k, fn, x, 0, &error))
            g_error ("%s", error->message);
        }
    }
  x->next = end;
}

static void
exec_segment_done (gpointer data, guint64 tag)
{
  Exec *x = data;
  if (x->next == x->n)
    {
      TsKernelDoneFn fn = x->fn;
      gpointer d = x->data;
      guint64 t = x->tag;
      g_free (x);
      if (fn != NULL)
        fn (d, t);
      return;
    }
  /* the next segment is on the other processor */
  ts_backend_timer_set (x->be, ts_backend_now (x->be) + x->dla->handoff, exec_segment, x, 0);
}

gboolean
ts_hetero_exec (TsBackend *be, const TsModel *m, guint stream, guint proc,
                TsKernelDoneFn fn, gpointer data, guint64 tag, GError **error)
{
  const TsDlaModel *dla = ts_backend_dla (be);
  if (proc != TS_PROC_GPU && (dla == NULL || proc - 1 >= dla->count))
    {
      g_set_error (error, TS_ERROR, TS_ERROR_RUN, "backend '%s' has no DLA %u (it has %u): cannot run %s there",
                   be->ops->name, proc - 1, dla != NULL ? dla->count : 0, m->name);
      return FALSE;
    }
  Exec *x = g_new (Exec, 1);
  *x = (Exec) { be, m, dla, stream, proc, 0, ts_model_full_n_kernels (m), fn, data, tag };
  exec_segment (x, 0);
  return TRUE;
}

double
ts_hetero_solo_ns (const TsDlaModel *dla, const TsModel *m, guint proc, double *dla_ns, guint *handoffs)
{
  double t = 0, on_dla = 0;
  guint n = ts_model_full_n_kernels (m), changes = 0, prev = TS_PROC_GPU;
  for (guint i = 0; i < n; i++)
    {
      const TsKernelDesc *k = ts_model_full_kernel (m, i);
      guint p = ts_hetero_layer_proc (dla, proc, k);
      if (i > 0 && p != prev)
        changes++;
      prev = p;
      if (p == TS_PROC_GPU)
        t += (double) k->duration;
      else
        {
          double d = ts_dla_model_layer_ns (dla, k);
          t += d, on_dla += d;
        }
    }
  if (changes > 0)
    t += (double) changes * (double) dla->handoff;
  if (dla_ns != NULL)
    *dla_ns = on_dla;
  if (handoffs != NULL)
    *handoffs = changes;
  return t;
}
