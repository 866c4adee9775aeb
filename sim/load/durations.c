/* tiersim — which solo durations a run uses (see sim/load/durations.h). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "sim/load/durations.h"
#include "sim/load/load.h"

typedef struct {
  TsModel *m;
  const TsProfile *p;      /* the run's */
  const TsProfile *src;    /* the measuring GPU's, when scaling */
  TsCostModel target;      /* when scaling: the run's GPU with the measuring GPU's efficiencies */
  guint missing;           /* kernels without work */
  const TsKernelDesc *first_missing;
} Resolve;

static TsTime
round_ns (double ns)
{
  return MAX (1, (TsTime) llround (ns));
}

/* A predicted kernel that the roofline calls compute-bound uses its SMs' throughput fully with
 * the blocks it has resident alone; so each of those r blocks demands 1/r of its SM (rule 5a),
 * which keeps it at its predicted pace alone and makes co-runners share. */
static void
predicted_demand (TsKernelDesc *k, const TsProfile *p, const TsWork *w)
{
  if (k->sm_demand > 0 || k->n_occupancy > 0 || !ts_cost_compute_bound (&p->cost, w))
    return;
  guint r = MIN (ts_kernel_blocks_per_sm (k, p), (k->blocks + p->sms - 1) / p->sms);
  k->sm_demand = 1.0 / MAX (r, 1);
}

static void
resolve_kernels (Resolve *r, TsKernelDesc *ks, guint n, TsTime *solo)
{
  *solo = 0;
  for (guint i = 0; i < n; i++)
    {
      TsKernelDesc *k = &ks[i];
      TsWork w = ts_kernel_work (k, r->m->precision);
      if (r->m->durations == TS_DURATIONS_PREDICTED || r->m->durations == TS_DURATIONS_SCALED)
        {
          if (!ts_work_known (&w))
            {
              if (r->missing++ == 0)
                r->first_missing = k;
              continue;
            }
          if (r->m->durations == TS_DURATIONS_PREDICTED)
            {
              k->duration = round_ns (ts_cost_predict (&r->p->cost, &w));
              predicted_demand (k, r->p, &w);
            }
          else
            {
              double ratio = ts_cost_predict (&r->target, &w) / ts_cost_predict (&r->src->cost, &w);
              k->duration = round_ns ((double) k->measured * ratio);
              for (guint j = 0; j < k->n_occupancy; j++)
                k->occupancy_ns[j] *= ratio;
            }
        }
      *solo += k->duration;
    }
}

/* The solo sums that depend on the kernels' durations. */
static void
resolve_all (Resolve *r)
{
  TsModel *m = r->m;
  resolve_kernels (r, m->kernels, m->n_kernels, &m->solo);
  for (guint c = 0; c < m->n_chunks; c++)
    {
      m->chunk_solo[c] = 0;
      for (guint k = m->chunk_first[c]; k < m->chunk_first[c + 1]; k++)
        m->chunk_solo[c] += m->kernels[k].duration;
    }
  for (guint e = 0; e < m->n_exits; e++)
    resolve_kernels (r, m->exits[e].kernels, m->exits[e].n_kernels, &m->exits[e].solo);
  if (m->n_exits > 0)
    m->solo += m->exits[m->n_exits - 1].solo;
}

static guint
all_kernels (const TsModel *m)
{
  guint n = m->n_kernels;
  for (guint e = 0; e < m->n_exits; e++)
    n += m->exits[e].n_kernels;
  return n;
}

gboolean
ts_model_resolve_durations (TsModel *m, const TsProfile *p, const char *ref_dir, GError **error)
{
  g_autoptr (TsProfile) src = NULL;
  if (m->measured_on == NULL)
    m->durations = TS_DURATIONS_GIVEN;
  else if (g_strcmp0 (m->measured_on, p->name) == 0)
    m->durations = TS_DURATIONS_MEASURED;
  else if (!p->cost.present)
    {
      g_autofree char *what = g_strcmp0 (m->measured_on, TS_MEASURED_NONE) == 0
        ? g_strdup ("has no measured durations")
        : g_strdup_printf ("was measured on '%s'", m->measured_on);
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT,
                   "%s: model '%s' %s, and profile '%s' (%s) has no cost group to predict its durations "
                   "on that GPU", m->path, m->name, what, p->name, p->path);
      return FALSE;
    }
  else if (g_strcmp0 (m->measured_on, TS_MEASURED_NONE) == 0)
    m->durations = TS_DURATIONS_PREDICTED;
  else
    {
      g_autoptr (GError) err = NULL;
      src = ts_profile_load (m->measured_on, ref_dir, &err);
      if (src == NULL || !src->cost.present)
        {
          g_set_error (error, TS_ERROR, TS_ERROR_INPUT,
                       "%s: model '%s' was measured on '%s', whose profile %s, so its durations cannot "
                       "be scaled to profile '%s'", m->path, m->name, m->measured_on,
                       src == NULL ? "cannot be loaded" : "has no cost group", p->name);
          if (err != NULL)
            g_prefix_error (error, "%s\n", err->message);
          return FALSE;
        }
      m->durations = TS_DURATIONS_SCALED;
    }

  Resolve r = { .m = m, .p = p, .src = src, .target = p->cost };
  /* The efficiencies a measurement reflects are its software's (the kernel library on that GPU);
   * scaling carries them over and changes only the hardware: peaks, bandwidth, SMs, fixed cost.
   * With each profile's own efficiencies instead, a fitted source against an unfitted target
   * would credit the target with the library's whole inefficiency. */
  if (src != NULL)
    memcpy (r.target.efficiency, src->cost.efficiency, sizeof r.target.efficiency);
  resolve_all (&r);
  if (r.missing == 0)
    return TRUE;
  gboolean scaled = m->durations == TS_DURATIONS_SCALED;
  g_autofree char *hint = scaled
    ? g_strdup_printf ("Run it on profile '%s', or use a model generated from its architecture "
                       "(scenarios/models/import-arch.py)", m->measured_on)
    : g_strdup ("Give every kernel its flops or dram_bytes");
  g_set_error (error, TS_ERROR, TS_ERROR_INPUT,
               "%s:%d: kernel '%s' has neither flops nor dram_bytes, so its duration cannot be %s profile "
               "'%s' (%u of model %s's %u kernels lack them). %s",
               m->path, r.first_missing->line, r.first_missing->name,
               scaled ? "scaled from its measuring GPU to" : "predicted for", p->name, r.missing, m->name,
               all_kernels (m), hint);
  return FALSE;
}

char *
ts_model_durations_describe (const TsModel *m, const TsProfile *p)
{
  switch (m->durations)
    {
    case TS_DURATIONS_GIVEN:
      return g_strdup ("as given in the file (it names no GPU)");
    case TS_DURATIONS_MEASURED:
      return g_strdup_printf ("measured on %s", m->measured_on);
    case TS_DURATIONS_SCALED:
      return g_strdup_printf ("measured on %s, scaled per kernel by %s's and %s's cost models (%s's efficiencies)",
                              m->measured_on, p->name, m->measured_on, m->measured_on);
    case TS_DURATIONS_PREDICTED:
    default:
      return g_strdup_printf ("predicted by %s's cost model from the kernels' work", p->name);
    }
}
