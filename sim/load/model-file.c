/* tiersim — reading a model file (see sim/load/load.h). */
#include "config.h"

#include "sim/load/cfg.h"
#include "sim/load/datadir.h"
#include "sim/load/load.h"

static void
check_fits (TsDiag *diag, const TsModel *m, const TsKernelDesc *ks, guint n, const TsProfile *p)
{
  for (guint i = 0; i < n; i++)
    {
      const TsKernelDesc *k = &ks[i];
      if (ts_kernel_blocks_per_sm (k, p) == 0)
        ts_diag_add (diag, m->path, k->line,
                     "kernel '%s' (%u threads x %u registers, %u B shared memory) does not fit "
                     "on one SM of profile '%s'", k->name, k->threads, k->regs, k->smem, p->name);
    }
}

gboolean
ts_model_check_fits (const TsModel *m, const TsProfile *p, GError **error)
{
  TsDiag diag;
  ts_diag_init (&diag);
  check_fits (&diag, m, m->kernels, m->n_kernels, p);
  for (guint e = 0; e < m->n_exits; e++)
    check_fits (&diag, m, m->exits[e].kernels, m->exits[e].n_kernels, p);
  gboolean ok = ts_diag_to_error (&diag, error);
  ts_diag_clear (&diag);
  return ok;
}

static const char *const top_keys[] = { "name", "description", "source", "accuracy", "measured_on",
                                        "precision", "parameters", "default_regs", "kernels", "chunks",
                                        "exits", NULL };
static const char *const kernel_keys[] = { "name", "blocks", "threads", "regs", "smem", "dur_us",
                                           "occupancy_us", "sm_demand", "dram_bytes", "ops", "flops",
                                           "kind", NULL };

/* What a kernel has only where it was measured. */
static const char *const measured_keys[] = { "dur_us", "occupancy_us" };
static const char *const exit_keys[] = { "name", "after_chunk", "accuracy", "kernels", NULL };

/* Reads a non-empty list of kernel groups; returns the kernels (NULL on error) and their count
 * and summed solo duration. */
static TsKernelDesc *
parse_kernels (TsCfgFile *f, const TsModel *m, const config_setting_t *ks, gint64 default_regs,
               guint *n_out, TsTime *solo)
{
  /* A file that says it has no durations must not carry any: they would be another GPU's. */
  gboolean timed = g_strcmp0 (m->measured_on, TS_MEASURED_NONE) != 0;
  int n = config_setting_length (ks);
  *n_out = 0;
  *solo = 0;
  if (n == 0)
    {
      ts_cfg_error (f, ks, "needs at least one kernel");
      return NULL;
    }
  TsKernelDesc *kernels = g_new0 (TsKernelDesc, n);
  for (int i = 0; i < n; i++)
    {
      const config_setting_t *k = config_setting_get_elem (ks, i);
      TsKernelDesc *d = &kernels[i];
      d->line = config_setting_source_line (k);
      d->regs = default_regs;
      if (config_setting_type (k) != CONFIG_TYPE_GROUP)
        {
          ts_cfg_error (f, k, "each kernel must be a group { name = ...; ... }");
          d->name = g_strdup ("?");
          continue;
        }
      ts_cfg_check_keys (f, k, kernel_keys);
      gint64 v;
      double us;
      const char *s;
      d->name = g_strdup (ts_cfg_name (f, k, "name", TRUE, &s) ? s : "?");
      /* 2^24 blocks is far beyond any DNN kernel's grid; 2^31 took hours to simulate. */
      if (ts_cfg_int (f, k, "blocks", TRUE, 1, 1 << 24, &v))
        d->blocks = v;
      if (ts_cfg_int (f, k, "threads", TRUE, 1, 1 << 16, &v))
        d->threads = v;
      if (ts_cfg_int (f, k, "regs", FALSE, 1, 1024, &v))
        d->regs = v;
      if (ts_cfg_int (f, k, "smem", FALSE, 0, 1 << 26, &v))
        d->smem = v;
      if (timed && ts_cfg_number (f, k, "dur_us", TRUE, 0.001, 1e9, &us))
        d->measured = d->duration = MAX (1, ts_time_from_ms (us / 1000.0));
      for (guint j = 0; !timed && j < G_N_ELEMENTS (measured_keys); j++)
        if (config_setting_get_member (k, measured_keys[j]) != NULL)
          ts_cfg_error (f, config_setting_get_member (k, measured_keys[j]), "a model with measured_on = "
                        "\"none\" has no %s: its durations come from the profile's cost model", measured_keys[j]);
      ts_cfg_number (f, k, "sm_demand", FALSE, 1e-6, 1.0, &d->sm_demand);
      /* 1e18 FLOPs or bytes is a second of an exascale machine: no DNN kernel comes near. */
      ts_cfg_number (f, k, "dram_bytes", FALSE, 0.0, 1e18, &d->dram_bytes);
      ts_cfg_number (f, k, "flops", FALSE, 0.0, 1e18, &d->flops);
      int kind;
      if (ts_cfg_enum (f, k, "kind", FALSE, ts_kind_names, &kind))
        d->kind = (TsKernelKind) (kind + 1);
      d->ops = 1;
      if (ts_cfg_int (f, k, "ops", FALSE, 1, 1000000, &v))
        d->ops = v;
      d->occupancy_ns = ts_cfg_occupancy_curve (f, k, "occupancy_us", FALSE, &d->n_occupancy);
      if (d->occupancy_ns != NULL && d->sm_demand > 0)
        ts_cfg_error (f, config_setting_get_member (k, "occupancy_us"),
                      "give either occupancy_us (measured) or sm_demand, not both");
      *solo += d->duration;
    }
  *n_out = n;
  return kernels;
}

/* Chunk boundaries: `chunks` lists the first kernel of every chunk after the first. */
static void
parse_chunks (TsCfgFile *f, const config_setting_t *root, TsModel *m)
{
  const config_setting_t *ch = ts_cfg_sequence (f, root, "chunks", FALSE);
  int nc = ch ? config_setting_length (ch) : 0;
  m->chunk_first = g_new0 (guint, nc + 2);
  m->n_chunks = 1;
  for (int i = 0; i < nc; i++)
    {
      const config_setting_t *c = config_setting_get_elem (ch, i);
      double v;
      /* Range first: converting a negative or huge double to guint is undefined. */
      if (!ts_cfg_setting_number (c, &v) || !(v >= 0 && v < 4294967296.0) || v != (guint) v)
        {
          ts_cfg_error (f, c, "chunk starts must be kernel indices (integers)");
          continue;
        }
      guint idx = (guint) v, prev = m->chunk_first[m->n_chunks - 1];
      if (idx <= prev || idx >= m->n_kernels)
        ts_cfg_error (f, c, "chunk start %u must be greater than %u and less than %u (the kernel count)",
                      idx, prev, m->n_kernels);
      else
        m->chunk_first[m->n_chunks++] = idx;
    }
  m->chunk_first[m->n_chunks] = m->n_kernels;
  m->chunk_solo = g_new0 (TsTime, m->n_chunks);
  for (guint c = 0; c < m->n_chunks; c++)
    for (guint k = m->chunk_first[c]; k < m->chunk_first[c + 1]; k++)
      m->chunk_solo[c] += m->kernels[k].duration;
}

static void
parse_exits (TsCfgFile *f, const config_setting_t *root, TsModel *m, gint64 default_regs)
{
  const config_setting_t *ex = ts_cfg_sequence (f, root, "exits", FALSE);
  if (ex == NULL)
    return;
  int n = config_setting_length (ex);
  m->exits = g_new0 (TsExit, MAX (n, 1));
  for (int i = 0; i < n; i++)
    {
      const config_setting_t *g = config_setting_get_elem (ex, i);
      TsExit *e = &m->exits[m->n_exits];
      if (config_setting_type (g) != CONFIG_TYPE_GROUP)
        {
          ts_cfg_error (f, g, "each exit must be a group { after_chunk = ...; ... }");
          continue;
        }
      ts_cfg_check_keys (f, g, exit_keys);
      const char *s;
      gint64 after = 0;
      e->name = ts_cfg_name (f, g, "name", FALSE, &s) ? g_strdup (s) : g_strdup_printf ("exit%d", i);
      if (ts_cfg_int (f, g, "after_chunk", TRUE, 0, (gint64) m->n_chunks - 1, &after))
        {
          if (m->n_exits > 0 && (guint) after <= m->exits[m->n_exits - 1].after_chunk)
            ts_cfg_error (f, config_setting_get_member (g, "after_chunk"),
                          "exits must be in ascending order of after_chunk");
        }
      e->after_chunk = (guint) after;
      ts_cfg_number (f, g, "accuracy", TRUE, 0.0, 1.0, &e->accuracy);
      const config_setting_t *ks = ts_cfg_sequence (f, g, "kernels", TRUE);
      if (ks != NULL)
        e->kernels = parse_kernels (f, m, ks, default_regs, &e->n_kernels, &e->solo);
      m->n_exits++;
    }
  if (m->n_exits == 0)
    ts_cfg_error (f, ex, "list at least one exit, or leave 'exits' out");
  else if (m->exits[m->n_exits - 1].after_chunk != m->n_chunks - 1)
    ts_cfg_error (f, ex, "the deepest exit must follow the last chunk (%u), so that the full model "
                  "is one of the exits", m->n_chunks - 1);
  else
    {
      m->accuracy = m->exits[m->n_exits - 1].accuracy;
      m->solo += m->exits[m->n_exits - 1].solo;
    }
}

static void
parse_model (TsCfgFile *f, gpointer target)
{
  TsModel *m = target;
  const config_setting_t *root = config_root_setting (&f->cfg);
  const char *s;
  ts_cfg_check_keys (f, root, top_keys);
  if (ts_cfg_name (f, root, "name", TRUE, &s))
    m->name = g_strdup (s);
  if (ts_cfg_string (f, root, "description", FALSE, &s))
    m->description = g_strdup (s);
  ts_cfg_string (f, root, "source", FALSE, &s);
  if (ts_cfg_name (f, root, "measured_on", FALSE, &s))
    m->measured_on = g_strdup (s);
  int precision;
  if (ts_cfg_enum (f, root, "precision", FALSE, ts_precision_names, &precision))
    m->precision = precision;
  ts_cfg_number (f, root, "parameters", FALSE, 0.0, 1e15, &m->parameters);
  m->accuracy = 1.0;
  const config_setting_t *acc = config_setting_get_member (root, "accuracy");
  ts_cfg_number (f, root, "accuracy", FALSE, 0.0, 1.0, &m->accuracy);
  gint64 default_regs = 32;
  ts_cfg_int (f, root, "default_regs", FALSE, 1, 1024, &default_regs);

  const config_setting_t *ks = ts_cfg_sequence (f, root, "kernels", TRUE);
  if (ks == NULL)
    return;
  m->kernels = parse_kernels (f, m, ks, default_regs, &m->n_kernels, &m->solo);
  if (m->kernels == NULL)
    return;
  parse_chunks (f, root, m);
  if (acc != NULL && config_setting_get_member (root, "exits") != NULL)
    ts_cfg_error (f, acc, "a model with exits has an accuracy per exit, not one of its own");
  parse_exits (f, root, m, default_regs);
  ts_model_count_ops (m);
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
  if (!ts_cfg_parse (path, contents, NULL, parse_model, m, error))
    return NULL;
  return g_steal_pointer (&m);
}
