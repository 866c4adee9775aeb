#include "config.h"

#include "cfg.h"
#include "datadir.h"
#include "model.h"

void
ts_model_free (TsModel *m)
{
  if (m == NULL)
    return;
  for (guint i = 0; i < m->n_kernels; i++)
    g_free (m->kernels[i].name);
  g_free (m->kernels);
  g_free (m->chunk_starts);
  g_free (m->name);
  g_free (m->description);
  g_free (m->path);
  g_free (m);
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
  return n;
}

gboolean
ts_model_check_fits (const TsModel *m, const TsProfile *p, GError **error)
{
  TsDiag diag;
  ts_diag_init (&diag);
  for (guint i = 0; i < m->n_kernels; i++)
    {
      const TsKernelDesc *k = &m->kernels[i];
      if (ts_kernel_blocks_per_sm (k, p) == 0)
        ts_diag_add (&diag, m->path, k->line,
                     "kernel '%s' (%u threads x %u registers, %u B shared memory) does not fit "
                     "on one SM of profile '%s'", k->name, k->threads, k->regs, k->smem, p->name);
    }
  gboolean ok = ts_diag_to_error (&diag, error);
  ts_diag_clear (&diag);
  return ok;
}

static const char *const top_keys[] = { "name", "description", "source", "accuracy",
                                        "default_regs", "kernels", "chunks", NULL };
static const char *const kernel_keys[] = { "name", "blocks", "threads", "regs", "smem", "dur_us", NULL };

static void
parse_model (TsCfgFile *f, gpointer target)
{
  TsModel *m = target;
  const config_setting_t *root = config_root_setting (&f->cfg);
  const char *s;
  ts_cfg_check_keys (f, root, top_keys);
  if (ts_cfg_string (f, root, "name", TRUE, &s))
    m->name = g_strdup (s);
  if (ts_cfg_string (f, root, "description", FALSE, &s))
    m->description = g_strdup (s);
  ts_cfg_string (f, root, "source", FALSE, &s);
  m->accuracy = 1.0;
  ts_cfg_number (f, root, "accuracy", FALSE, 0.0, 1.0, &m->accuracy);
  gint64 default_regs = 32;
  ts_cfg_int (f, root, "default_regs", FALSE, 1, 1024, &default_regs);

  const config_setting_t *ks = ts_cfg_sequence (f, root, "kernels", TRUE);
  if (ks == NULL)
    return;
  int n = config_setting_length (ks);
  if (n == 0)
    {
      ts_cfg_error (f, ks, "a model needs at least one kernel");
      return;
    }
  m->kernels = g_new0 (TsKernelDesc, n);
  m->n_kernels = n;
  for (int i = 0; i < n; i++)
    {
      const config_setting_t *k = config_setting_get_elem (ks, i);
      TsKernelDesc *d = &m->kernels[i];
      d->line = config_setting_source_line (k);
      if (config_setting_type (k) != CONFIG_TYPE_GROUP)
        {
          ts_cfg_error (f, k, "each kernel must be a group { name = ...; ... }");
          continue;
        }
      ts_cfg_check_keys (f, k, kernel_keys);
      gint64 v;
      double us;
      d->name = g_strdup (ts_cfg_string (f, k, "name", TRUE, &s) ? s : "?");
      if (ts_cfg_int (f, k, "blocks", TRUE, 1, G_MAXINT32, &v))
        d->blocks = v;
      if (ts_cfg_int (f, k, "threads", TRUE, 1, 1 << 16, &v))
        d->threads = v;
      d->regs = default_regs;
      if (ts_cfg_int (f, k, "regs", FALSE, 1, 1024, &v))
        d->regs = v;
      if (ts_cfg_int (f, k, "smem", FALSE, 0, 1 << 26, &v))
        d->smem = v;
      if (ts_cfg_number (f, k, "dur_us", TRUE, 0.001, 1e9, &us))
        d->duration = MAX (1, ts_time_from_ms (us / 1000.0));
      m->solo += d->duration;
    }

  const config_setting_t *ch = ts_cfg_sequence (f, root, "chunks", FALSE);
  if (ch != NULL)
    {
      int nc = config_setting_length (ch);
      m->chunk_starts = g_new0 (guint, MAX (nc, 1));
      for (int i = 0; i < nc; i++)
        {
          const config_setting_t *c = config_setting_get_elem (ch, i);
          double v;
          if (!ts_cfg_setting_number (c, &v) || v != (guint) v)
            {
              ts_cfg_error (f, c, "chunk starts must be kernel indices (integers)");
              continue;
            }
          guint idx = (guint) v;
          guint prev = m->n_chunk_starts ? m->chunk_starts[m->n_chunk_starts - 1] : 0;
          if (idx <= prev || idx >= m->n_kernels)
            ts_cfg_error (f, c, "chunk start %u must be greater than %u and less than %u (the kernel count)",
                          idx, prev, m->n_kernels);
          else
            m->chunk_starts[m->n_chunk_starts++] = idx;
        }
    }
}

TsModel *
ts_model_load (const char *name, const char *ref_dir, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (GBytes) contents = NULL;
  if (!ts_data_find (TS_DATA_MODEL, name, ref_dir, &path, &contents, error))
    return NULL;
  g_autoptr (TsModel) m = g_new0 (TsModel, 1);
  m->path = g_strdup (path);
  if (!ts_cfg_parse (path, contents, parse_model, m, error))
    return NULL;
  return g_steal_pointer (&m);
}
