#include "config.h"

#include "sim/model.h"

static void
free_kernels (TsKernelDesc *k, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_free (k[i].name);
      g_free (k[i].occupancy_ns);
    }
  g_free (k);
}

void
ts_model_free (TsModel *m)
{
  if (m == NULL)
    return;
  free_kernels (m->kernels, m->n_kernels);
  for (guint e = 0; e < m->n_exits; e++)
    {
      g_free (m->exits[e].name);
      free_kernels (m->exits[e].kernels, m->exits[e].n_kernels);
    }
  g_free (m->exits);
  g_free (m->chunk_first);
  g_free (m->chunk_solo);
  g_free (m->chunk_ops);
  g_free (m->name);
  g_free (m->description);
  g_free (m->path);
  g_free (m->measured_on);
  g_free (m);
}

static TsKernelDesc *
copy_kernels (const TsKernelDesc *k, guint n)
{
  TsKernelDesc *c = g_memdup2 (k, n * sizeof *k);
  for (guint i = 0; i < n; i++)
    {
      c[i].name = g_strdup (k[i].name);
      c[i].occupancy_ns = k[i].occupancy_ns != NULL ? g_memdup2 (k[i].occupancy_ns, k[i].n_occupancy * sizeof (double)) : NULL;
    }
  return c;
}

TsModel *
ts_model_copy (const TsModel *m)
{
  TsModel *c = g_memdup2 (m, sizeof *m);
  c->name = g_strdup (m->name);
  c->description = g_strdup (m->description);
  c->path = g_strdup (m->path);
  c->measured_on = g_strdup (m->measured_on);
  c->kernels = copy_kernels (m->kernels, m->n_kernels);
  c->chunk_first = g_memdup2 (m->chunk_first, (m->n_chunks + 1) * sizeof (guint));
  c->chunk_solo = g_memdup2 (m->chunk_solo, m->n_chunks * sizeof (TsTime));
  c->chunk_ops = g_memdup2 (m->chunk_ops, m->n_chunks * sizeof (guint64));
  c->exits = g_memdup2 (m->exits, m->n_exits * sizeof (TsExit));
  for (guint e = 0; e < m->n_exits; e++)
    {
      c->exits[e].name = g_strdup (m->exits[e].name);
      c->exits[e].kernels = copy_kernels (m->exits[e].kernels, m->exits[e].n_kernels);
    }
  return c;
}

guint
ts_kernel_blocks_per_sm (const TsKernelDesc *k, const TsProfile *p)
{
  if (k->threads > p->max_threads_per_block)
    return 0;
  guint n = MIN (p->max_blocks_per_sm, p->max_threads_per_sm / k->threads);
  guint64 regs = (guint64) k->regs * k->threads;
  if (regs > 0)
    n = MIN (n, (guint) (p->registers_per_sm / regs));
  if (k->smem > 0)
    n = MIN (n, p->shared_mem_per_sm / k->smem);
  if (k->n_occupancy > 0)
    n = MIN (n, k->n_occupancy);
  return n;
}

guint
ts_model_full_n_kernels (const TsModel *m)
{
  return m->n_kernels + (m->n_exits > 0 ? m->exits[m->n_exits - 1].n_kernels : 0);
}

const TsKernelDesc *
ts_model_full_kernel (const TsModel *m, guint i)
{
  g_return_val_if_fail (i < ts_model_full_n_kernels (m), NULL);
  return i < m->n_kernels ? &m->kernels[i] : &m->exits[m->n_exits - 1].kernels[i - m->n_kernels];
}

TsTime
ts_model_variant_solo (const TsModel *m, guint e)
{
  if (m->n_exits == 0)
    return m->solo;
  g_return_val_if_fail (e < m->n_exits, m->solo);
  TsTime t = m->exits[e].solo;
  for (guint c = 0; c <= m->exits[e].after_chunk; c++)
    t += m->chunk_solo[c];
  return t;
}

/* One step's host time: its kernels' dispatches and launches, and the wait for it. */
static guint64
count_ops (const TsKernelDesc *ks, guint n)
{
  guint64 ops = 0;
  for (guint i = 0; i < n; i++)
    ops += MAX (1, ks[i].ops);
  return ops;
}

void
ts_model_count_ops (TsModel *m)
{
  g_free (m->chunk_ops);
  m->chunk_ops = g_new (guint64, m->n_chunks);
  for (guint c = 0; c < m->n_chunks; c++)
    m->chunk_ops[c] = count_ops (&m->kernels[m->chunk_first[c]], m->chunk_first[c + 1] - m->chunk_first[c]);
  for (guint e = 0; e < m->n_exits; e++)
    m->exits[e].ops = count_ops (m->exits[e].kernels, m->exits[e].n_kernels);
}

/* One step of n kernels standing for ops operators: each operator dispatched, each kernel
 * launched, then one synchronisation and wake-up. */
static TsTime
step_host (guint64 ops, guint n, const TsHostModel *h)
{
  return h->sync + h->wakeup + h->dispatch * (TsTime) ops + h->launch * (TsTime) n;
}

TsTime
ts_model_steps_host (const TsModel *m, guint first_chunk, int e, const TsHostModel *h)
{
  if (!h->present)
    return 0;
  guint last = e < 0 ? m->n_chunks - 1 : m->exits[e].after_chunk;
  TsTime t = e < 0 ? 0 : step_host (m->exits[e].ops, m->exits[e].n_kernels, h);
  for (guint c = first_chunk; c <= last && c < m->n_chunks; c++)
    t += step_host (m->chunk_ops[c], m->chunk_first[c + 1] - m->chunk_first[c], h);
  return t;
}

TsWork
ts_kernel_work (const TsKernelDesc *k, TsPrecision precision)
{
  return (TsWork) { .flops = k->flops, .dram_bytes = k->dram_bytes, .kind = k->kind, .precision = precision,
                    .blocks = k->blocks };
}
