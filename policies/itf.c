/* tiersim — the interference predictor (see itf.h). */
#include "config.h"

#include <math.h>
#include <string.h>

#include <doublefann.h>

#include "policies/hetero.h"
#include "policies/itf.h"
#include "sim/dla.h"
#include "sim/rng.h"
#include "sim/backend-sim.h"

#define MAX_LAYERS 6
#define MLP_HIDDEN 10
#define MLP_EPOCHS 3000

/* ---- samples from the simulator ---- */

/* A random layer for processor proc (0: GPU): a kind the processor runs, FLOPs and bytes
 * log-uniform over the range of the importer's batch-1 layers (1e5..3e9 FLOP, 1e4..3e7 B), a GPU
 * grid of 8..1024 blocks of 256 threads; its solo duration from the profile's cost models (FP16,
 * as TensorRT runs both processors). */
static void
random_layer (TsRng *rng, const TsProfile *p, guint proc, TsKernelDesc *k)
{
  static const TsKernelKind gpu_kinds[] = { TS_KIND_CONV, TS_KIND_GEMM, TS_KIND_POOL, TS_KIND_ELEMENTWISE };
  TsKernelKind dla_kinds[TS_N_KINDS];
  guint n_dla = 0;
  for (guint i = 1; i < TS_N_KINDS; i++)
    if (p->dla.supports[i])
      dla_kinds[n_dla++] = i;
  *k = (TsKernelDesc) { .name = (char *) "random", .threads = 256, .regs = 32, .ops = 1 };
  k->kind = proc == TS_PROC_GPU ? gpu_kinds[ts_rng_range (rng, 0, G_N_ELEMENTS (gpu_kinds) - 1)]
                                      : dla_kinds[ts_rng_range (rng, 0, n_dla - 1)];
  k->flops = pow (10, 5 + 4.5 * ts_rng_uniform (rng));
  k->dram_bytes = pow (10, 4 + 3.5 * ts_rng_uniform (rng));
  k->blocks = (guint32) llround (pow (2, 3 + 7 * ts_rng_uniform (rng)));
  TsWork w = ts_kernel_work (k, TS_FP16);
  k->duration = (TsTime) llround (ts_cost_predict (&p->cost, &w));
}

static double
layer_ns (const TsProfile *p, guint proc, const TsKernelDesc *k)
{
  return proc == TS_PROC_GPU ? (double) k->duration : ts_dla_model_layer_ns (&p->dla, k);
}

/* A sequence's demand alone: its bytes over what the bandwidth moves in its solo time. */
static double
demand (const TsProfile *p, guint proc, const TsKernelDesc *ks, guint n)
{
  double bytes = 0, ns = 0;
  for (guint i = 0; i < n; i++)
    bytes += ks[i].dram_bytes, ns += layer_ns (p, proc, &ks[i]);
  return MIN (1.0, bytes / ts_profile_dram_bandwidth (p) / ns);
}

typedef struct {
  TsBackend *be;
  const TsKernelDesc *ks;
  guint n, next, proc, stream;
  const gboolean *stop;
} Loop;

static void
launch_on (TsBackend *be, guint proc, guint stream, const TsKernelDesc *k, TsKernelDoneFn fn, gpointer data)
{
  TsLaunch l = { .kernel = k, .done = fn, .data = data };
  if (proc == TS_PROC_GPU)
    ts_backend_launch (be, stream, &l);
  else if (!ts_backend_launch_dla (be, proc - 1, &l, NULL))
    g_assert_not_reached ();  /* the generator draws only supported kinds on existing engines */
}

/* A co-runner: its layers again and again until the victim is done. */
static void
loop_next (gpointer data, guint64 tag)
{
  Loop *l = data;
  if (*l->stop)
    return;
  const TsKernelDesc *k = &l->ks[l->next];
  l->next = (l->next + 1) % l->n;
  launch_on (l->be, l->proc, l->stream, k, loop_next, l);
}

typedef struct {
  TsBackend *be;
  gboolean done;
  TsTime end;
} Victim;

static void
victim_done (gpointer data, guint64 tag)
{
  Victim *v = data;
  v->done = TRUE;
  v->end = ts_backend_now (v->be);
}

/* The victim's time from 0 to its last layer, beside the loops given (n_loops may be 0). */
static TsTime
run_victim (const TsProfile *p, guint proc, const TsKernelDesc *ks, guint n, Loop *loops, guint n_loops)
{
  g_autoptr (TsBackend) be = ts_backend_sim_new (p);
  Victim v = { be, FALSE, 0 };
  guint stream = ts_backend_stream_new (be, 0);
  for (guint j = 0; j < n_loops; j++)
    {
      loops[j].be = be, loops[j].next = 0, loops[j].stop = &v.done;
      loops[j].stream = loops[j].proc == TS_PROC_GPU ? ts_backend_stream_new (be, 0) : 0;
      loop_next (&loops[j], 0);
    }
  for (guint i = 0; i < n; i++)
    launch_on (be, proc, stream, &ks[i], i + 1 == n ? victim_done : NULL, &v);
  ts_backend_run (be, NULL);
  g_assert (v.done);
  return v.end;
}

GArray *
ts_itf_generate (const TsProfile *p, guint n, guint64 seed)
{
  g_return_val_if_fail (p->dla.count >= 1 && p->cost.present, NULL);
  GArray *out = g_array_sized_new (FALSE, FALSE, sizeof (TsItfSample), n);
  TsRng rng;
  ts_rng_init (&rng, seed, 0x1f);
  guint n_procs = 1 + p->dla.count;
  TsKernelDesc victim[MAX_LAYERS];
  g_autofree TsKernelDesc *co = g_new (TsKernelDesc, (gsize) n_procs * MAX_LAYERS);
  g_autofree Loop *loops = g_new (Loop, n_procs);
  for (guint s = 0; s < n; s++)
    {
      guint proc = ts_rng_range (&rng, 0, 1);  /* the GPU or DLA 0: the others are alike */
      guint nv = ts_rng_range (&rng, 1, MAX_LAYERS);
      for (guint i = 0; i < nv; i++)
        random_layer (&rng, p, proc, &victim[i]);
      TsItfSample smp = { .x = { [TS_ITF_VICTIM_ON_DLA] = proc != TS_PROC_GPU,
                                 [TS_ITF_VICTIM_DEMAND] = demand (p, proc, victim, nv) } };
      guint n_loops = 0;
      for (guint q = 0; q < n_procs; q++)
        {
          if (q == proc || ts_rng_uniform (&rng) >= 2.0 / 3.0)
            continue;
          guint nc = ts_rng_range (&rng, 1, MAX_LAYERS);
          for (guint i = 0; i < nc; i++)
            random_layer (&rng, p, q, &co[q * MAX_LAYERS + i]);
          loops[n_loops++] = (Loop) { .ks = &co[q * MAX_LAYERS], .n = nc, .proc = q };
          smp.x[q == TS_PROC_GPU ? TS_ITF_GPU_DEMAND : TS_ITF_DLA_DEMAND] += demand (p, q, &co[q * MAX_LAYERS], nc);
        }
      TsTime alone = run_victim (p, proc, victim, nv, NULL, 0);
      TsTime beside = run_victim (p, proc, victim, nv, loops, n_loops);
      smp.slowdown = MAX (1.0, (double) beside / (double) alone);
      g_array_append_val (out, smp);
    }
  return out;
}

void
ts_itf_split (const GArray *samples, double test_fraction, guint64 seed, GArray **train, GArray **test)
{
  TsRng rng;
  ts_rng_init (&rng, seed, 0x5b);
  *train = g_array_new (FALSE, FALSE, sizeof (TsItfSample));
  *test = g_array_new (FALSE, FALSE, sizeof (TsItfSample));
  for (guint i = 0; i < samples->len; i++)
    g_array_append_val (ts_rng_uniform (&rng) < test_fraction ? *test : *train,
                        g_array_index (samples, TsItfSample, i));
}

/* ---- the predictors ---- */

struct _TsItfModel {
  struct fann *mlp;
  GMutex run_lock;        /* fann_run writes the network's neuron values: one run at a time (the
                           * routers of a sweep's threads share a cached model) */
  double linear[TS_ITF_N_FEATURES + 1];   /* intercept last */
  double mean;
};

/* Least squares with an intercept, by the normal equations (a tiny ridge term keeps a feature
 * that never varies from making them singular), solved by Gaussian elimination with partial
 * pivoting. */
static void
fit_linear (const GArray *train, double *w)
{
  enum { D = TS_ITF_N_FEATURES + 1 };
  double a[D][D + 1];
  memset (a, 0, sizeof a);
  for (guint s = 0; s < train->len; s++)
    {
      const TsItfSample *smp = &g_array_index (train, TsItfSample, s);
      double x[D];
      memcpy (x, smp->x, sizeof smp->x);
      x[D - 1] = 1.0;
      for (guint i = 0; i < D; i++)
        {
          for (guint j = 0; j < D; j++)
            a[i][j] += x[i] * x[j];
          a[i][D] += x[i] * smp->slowdown;
        }
    }
  for (guint i = 0; i < D; i++)
    a[i][i] += 1e-9 * train->len;
  for (guint c = 0; c < D; c++)
    {
      guint piv = c;
      for (guint r = c + 1; r < D; r++)
        if (fabs (a[r][c]) > fabs (a[piv][c]))
          piv = r;
      for (guint j = 0; j <= D; j++)
        {
          double t = a[c][j];
          a[c][j] = a[piv][j], a[piv][j] = t;
        }
      for (guint r = 0; r < D; r++)
        if (r != c)
          {
            double f = a[r][c] / a[c][c];
            for (guint j = c; j <= D; j++)
              a[r][j] -= f * a[c][j];
          }
    }
  for (guint i = 0; i < D; i++)
    w[i] = a[i][D] / a[i][i];
}

/* The MLP learns slowdown - 1 (0 without interference) from the features, all in [0, 1]. */
static struct fann *
fit_mlp (const GArray *train, guint64 seed)
{
  struct fann *ann = fann_create_standard (3, TS_ITF_N_FEATURES, MLP_HIDDEN, 1);
  fann_set_activation_function_hidden (ann, FANN_SIGMOID_SYMMETRIC);
  fann_set_activation_function_output (ann, FANN_LINEAR);
  fann_set_training_algorithm (ann, FANN_TRAIN_RPROP);
  /* fann_create_standard drew its weights from rand(): replace every one from our generator */
  guint nc = fann_get_total_connections (ann);
  g_autofree struct fann_connection *conn = g_new (struct fann_connection, nc);
  fann_get_connection_array (ann, conn);
  TsRng rng;
  ts_rng_init (&rng, seed, 0xa11);
  for (guint i = 0; i < nc; i++)
    conn[i].weight = 0.2 * (2 * ts_rng_uniform (&rng) - 1);
  fann_set_weight_array (ann, conn, nc);
  struct fann_train_data *data = fann_create_train (train->len, TS_ITF_N_FEATURES, 1);
  for (guint s = 0; s < train->len; s++)
    {
      const TsItfSample *smp = &g_array_index (train, TsItfSample, s);
      for (guint i = 0; i < TS_ITF_N_FEATURES; i++)
        data->input[s][i] = smp->x[i];
      data->output[s][0] = smp->slowdown - 1.0;
    }
  fann_set_error_log ((struct fann_error *) ann, NULL);
  fann_train_on_data (ann, data, MLP_EPOCHS, 0, 1e-7);
  fann_destroy_train (data);
  return ann;
}

TsItfModel *
ts_itf_train (const GArray *train, guint64 seed)
{
  g_return_val_if_fail (train->len > TS_ITF_N_FEATURES, NULL);
  TsItfModel *m = g_new0 (TsItfModel, 1);
  g_mutex_init (&m->run_lock);
  for (guint s = 0; s < train->len; s++)
    m->mean += g_array_index (train, TsItfSample, s).slowdown;
  m->mean /= train->len;
  fit_linear (train, m->linear);
  m->mlp = fit_mlp (train, seed);
  return m;
}

void
ts_itf_model_free (TsItfModel *m)
{
  if (m == NULL)
    return;
  fann_destroy (m->mlp);
  g_mutex_clear (&m->run_lock);
  g_free (m);
}

double
ts_itf_predict (const TsItfModel *m, TsItfPredictor which, const double *x)
{
  double y = m->mean;
  if (which == TS_ITF_LINEAR)
    {
      y = m->linear[TS_ITF_N_FEATURES];
      for (guint i = 0; i < TS_ITF_N_FEATURES; i++)
        y += m->linear[i] * x[i];
    }
  else if (which == TS_ITF_MLP)
    {
      fann_type in[TS_ITF_N_FEATURES];
      for (guint i = 0; i < TS_ITF_N_FEATURES; i++)
        in[i] = x[i];
      g_mutex_lock ((GMutex *) &m->run_lock);
      y = 1.0 + fann_run (m->mlp, in)[0];
      g_mutex_unlock ((GMutex *) &m->run_lock);
    }
  return MAX (1.0, y);
}

double
ts_itf_accuracy (const TsItfModel *m, TsItfPredictor which, const GArray *samples)
{
  double err = 0;
  for (guint s = 0; s < samples->len; s++)
    {
      const TsItfSample *smp = &g_array_index (samples, TsItfSample, s);
      err += fabs (ts_itf_predict (m, which, smp->x) - smp->slowdown) / smp->slowdown;
    }
  return 1.0 - err / MAX (1u, samples->len);
}

/* ---- one model per profile, for the routers ---- */

static GMutex cache_lock;
static GHashTable *cache;   /* "profile text's hash|n|seed" -> TsItfModel*, for the process's life */

const TsItfModel *
ts_itf_for_profile (const TsProfile *p, guint n, guint64 seed)
{
  /* by content: a profile loaded with overrides is another SoC */
  g_return_val_if_fail (p->digest != NULL, NULL);
  g_autofree char *key = g_strdup_printf ("%s|%u|%" G_GUINT64_FORMAT, p->digest, n, seed);
  g_mutex_lock (&cache_lock);
  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  TsItfModel *m = g_hash_table_lookup (cache, key);
  if (m == NULL)
    {
      g_autoptr (GArray) samples = ts_itf_generate (p, n, seed);
      m = ts_itf_train (samples, seed);
      g_hash_table_insert (cache, g_steal_pointer (&key), m);
    }
  g_mutex_unlock (&cache_lock);
  return m;
}
