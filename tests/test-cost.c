/* The cost model (DESIGN §3 "Models"): roofline predictions and which durations a run uses.  The
 * profiles and models are in tests/data/cost; every expected time is worked out beside it. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "sim/load/durations.h"
#include "sim/scenario.h"
#include "tests/testutil.h"
#include "sim/load/load.h"

/* cost-a: 1000 FLOP/ns fp32, 2000 fp16, 100 B/ns, 2000 ns fixed, convolutions at 0.5. */
static TsCostModel
cost_a (void)
{
  TsCostModel c = { .present = TRUE, .peak_flops = { 1000, 2000 }, .dram_bytes_per_ns = 100, .fixed_ns = 2000,
                    .sms = 4 };
  for (guint k = 0; k < TS_N_KINDS; k++)
    c.efficiency[k] = k == TS_KIND_CONV ? 0.5 : 1.0;
  return c;
}

/* max(F / (P e u), B / W) + c, u = min(1, blocks / 4 SMs), for a compute-bound, a memory-bound
 * and a tiny kernel, and for a grid too small to fill the GPU. */
static void
test_roofline (void)
{
  TsCostModel c = cost_a ();
  struct { TsWork w; double ns; gboolean compute; } cases[] = {
    /* 1e6 / (1000 x 0.5) = 2000 > 1e4 / 100 = 100: 2000 + 2000 */
    { { 1e6, 1e4, TS_KIND_CONV, TS_FP32, 8 }, 4000, TRUE },
    /* 1e3 / 1000 = 1 < 1e6 / 100 = 10000: 10000 + 2000 */
    { { 1e3, 1e6, TS_KIND_ELEMENTWISE, TS_FP32, 16 }, 12000, FALSE },
    /* one block, u = 1/4: 10 / (1000 / 4) = 0.04 < 100 / 100 = 1: 1 + 2000 */
    { { 10, 100, TS_KIND_GEMM, TS_FP32, 1 }, 2001, FALSE },
    /* fp16: 1e6 / (2000 x 0.5) = 1000 > 100: 1000 + 2000 */
    { { 1e6, 1e4, TS_KIND_CONV, TS_FP16, 8 }, 3000, TRUE },
    /* no kind: efficiency 1, 1e6 / 1000 = 1000 */
    { { 1e6, 1e4, TS_KIND_NONE, TS_FP32, 8 }, 3000, TRUE },
    /* 2 blocks on 4 SMs, u = 1/2: 1e6 / (1000 x 0.5 x 0.5) = 4000 -> 6000 */
    { { 1e6, 1e4, TS_KIND_CONV, TS_FP32, 2 }, 6000, TRUE },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpfloat_with_epsilon (ts_cost_predict (&c, &cases[i].w), cases[i].ns, 1e-9);
      g_assert_cmpint (ts_cost_compute_bound (&c, &cases[i].w), ==, cases[i].compute);
      g_assert_true (ts_work_known (&cases[i].w));
    }
  TsWork none = { 0, 0, TS_KIND_CONV, TS_FP32, 8 };
  g_assert_false (ts_work_known (&none));
}

/* Loads tests/data/cost/run-<model>.cfg, on another profile when given. */
static TsScenario *
load (const char *model, const char *profile, GError **error)
{
  g_autofree char *rel = g_strdup_printf ("cost/run-%s.cfg", model);
  g_autofree char *path = tu_data (rel);
  g_autofree char *value = profile != NULL ? g_strdup_printf ("\"%s\"", profile) : NULL;
  const TsOverride ov[] = { { profile != NULL ? "profile" : NULL, value, "test" }, { NULL } };
  return ts_scenario_load_with (path, ov, error);
}

static const TsModel *
model_of (const TsScenario *scn)
{
  g_assert_cmpuint (scn->models->len, ==, 1);
  return scn->models->pdata[0];
}

static void
assert_durations (const TsModel *m, TsDurationSource src, const TsTime *ns, guint n)
{
  g_assert_cmpint (m->durations, ==, src);
  g_assert_cmpuint (m->n_kernels, ==, n);
  TsTime sum = 0;
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (m->kernels[i].duration, ==, ns[i]);
      sum += ns[i];
    }
  g_assert_cmpint (m->solo, ==, sum);
  g_assert_cmpint (m->chunk_solo[0], ==, sum);
}

/* A model without durations is predicted outright: on cost-a the three cases of test_roofline;
 * on cost-b (4000 FLOP/ns, 400 B/ns, 2000 ns, no efficiencies):
 *   conv max(1e6/4000, 1e4/400) = 250 -> 2250; add max(0.25, 2500) -> 4500; tiny 2000.25 -> 2000.
 * The compute-bound conv (8 blocks of 512 threads: 2 per SM by threads, 2 per SM as spread on
 * 4 SMs) demands 1/2 of an SM per block; the memory-bound ones demand nothing extra. */
static void
test_predicted (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TsScenario) a = load ("work", NULL, &error);
  g_assert_no_error (error);
  assert_durations (model_of (a), TS_DURATIONS_PREDICTED, (const TsTime[]) { 4000, 12000, 2001 }, 3);
  g_assert_cmpfloat (model_of (a)->kernels[0].sm_demand, ==, 0.5);
  g_assert_cmpfloat (model_of (a)->kernels[1].sm_demand, ==, 0.0);
  g_assert_cmpfloat (model_of (a)->kernels[2].sm_demand, ==, 0.0);
  g_autoptr (TsScenario) b = load ("work", "cost-b", &error);
  g_assert_no_error (error);
  assert_durations (model_of (b), TS_DURATIONS_PREDICTED, (const TsTime[]) { 2250, 4500, 2000 }, 3);
  /* fp16: cost-a's fp16 peak, 1e6 / (2000 x 0.5) = 1000 -> 3000; cost-b has none: fp32's, 2250. */
  g_autoptr (TsScenario) h = load ("fp16", NULL, &error);
  g_assert_no_error (error);
  assert_durations (model_of (h), TS_DURATIONS_PREDICTED, (const TsTime[]) { 3000 }, 1);
  g_autoptr (TsScenario) hb = load ("fp16", "cost-b", &error);
  g_assert_no_error (error);
  assert_durations (model_of (hb), TS_DURATIONS_PREDICTED, (const TsTime[]) { 2250 }, 1);
}

/* Measured on cost-a (10, 20, 3 us): as measured there; on cost-b each scaled by the ratio of the
 * two GPUs' predictions with cost-a's efficiencies (conv 0.5 on both sides): conv 1e6 / (4000 x
 * 0.5) = 500 > 25 -> 2500, so 10000 x 2500/4000 = 6250; add 20000 x 4500/12000 = 7500; tiny
 * 3000 x 2000.25/2001 = 2998.9 -> 2999; conv's measured curve (10, 16 us) scales alike to 6250,
 * 10000 ns. */
static void
test_scaled (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TsScenario) a = load ("meas", NULL, &error);
  g_assert_no_error (error);
  assert_durations (model_of (a), TS_DURATIONS_MEASURED, (const TsTime[]) { 10000, 20000, 3000 }, 3);
  g_assert_cmpfloat (model_of (a)->kernels[0].occupancy_ns[1], ==, 16000);
  g_autoptr (TsScenario) b = load ("meas", "cost-b", &error);
  g_assert_no_error (error);
  const TsModel *m = model_of (b);
  assert_durations (m, TS_DURATIONS_SCALED, (const TsTime[]) { 6250, 7500, 2999 }, 3);
  g_assert_cmpuint (m->kernels[0].n_occupancy, ==, 2);
  g_assert_cmpfloat_with_epsilon (m->kernels[0].occupancy_ns[0], 6250, 1e-9);
  g_assert_cmpfloat_with_epsilon (m->kernels[0].occupancy_ns[1], 10000, 1e-9);
  g_assert_cmpint (m->kernels[0].measured, ==, 10000);
}

/* Another GPU's times are never used unscaled: without work or without cost models, loading
 * fails and says where and what to do. */
static void
test_refused (void)
{
  static const struct { const char *model, *profile, *msg[2]; } cases[] = {
    { "meas-nowork", "cost-b", { "models/meas-nowork.cfg:6: kernel 'mystery' has neither flops nor dram_bytes",
                                 "Run it on profile 'cost-a'" } },
    { "meas", "nocost", { "model 'meas' was measured on 'cost-a'", "profile 'nocost'" } },
    { "work", "nocost", { "model 'work' has no measured durations", "has no cost group" } },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (TsScenario) s = load (cases[i].model, cases[i].profile, &error);
      g_assert_null (s);
      g_assert_error (error, TS_ERROR, TS_ERROR_INPUT);
      for (guint j = 0; j < 2; j++)
        if (strstr (error->message, cases[i].msg[j]) == NULL)
          g_error ("%s on %s: expected \"%s\" in: %s", cases[i].model, cases[i].profile, cases[i].msg[j], error->message);
    }
}

/* The command line: --profile takes a name or a file (relative to the working folder), and check
 * and the run header say where each model's durations come from; a refusal exits 2. */
static void
test_cli (void)
{
  g_autofree char *scn = tu_data ("cost/run-meas.cfg");
  g_autofree char *prof = tu_data ("cost/profiles/cost-b.cfg");
  g_autofree char *dir = g_path_get_dirname (prof);
  g_autofree char *rel = g_build_filename (".", "cost-b.cfg", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_assert_cmpint (tu_tiersim (&out, &err, "check", "--profile", "cost-b", scn, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "model meas: solo 0.017 ms, durations measured on cost-a, scaled per kernel"));
  g_free (out);
  /* a relative path is the working folder's: run from the profile's folder */
  g_autofree char *cwd = g_get_current_dir ();
  g_assert_cmpint (g_chdir (dir), ==, 0);
  int rc = tu_tiersim (&out, NULL, "run", "--profile", rel, "--duration", "0.001", scn, NULL);
  g_assert_cmpint (g_chdir (cwd), ==, 0);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (out, "profile cost-b (datasheet)"));
  g_assert_nonnull (strstr (out, "model meas             durations measured on cost-a, scaled"));
  g_free (out);
  g_free (err);
  g_autofree char *nowork = tu_data ("cost/run-meas-nowork.cfg");
  g_assert_cmpint (tu_tiersim (&out, &err, "run", "--profile", "cost-b", nowork, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "kernel 'mystery' has neither flops nor dram_bytes"));
  g_assert_cmpstr (out, ==, "");
}

/* The models generated from architectures (scenarios/models/import-arch.py) against their
 * published totals: torchvision's model pages (pytorch.org/vision/stable/models) give GMACs
 * ("GFLOPS" there counts multiply-adds) and parameters; the weighted layers are the papers'
 * (ResNet-50: 1 + 16 x 3 + 4 projection convolutions and 1 FC; ResNet-152: 1 + 50 x 3 + 4 and
 * 1; VGG-19: 16 and 3; DenseNet-201: 1 + 98 x 2 + 3 transitions and 1; MobileNetV2: 1 + 2 +
 * 16 x 3 + 1 and 1; AlexNet: 5 and 3). */
static void
test_architectures (void)
{
  static const struct { const char *name; double gmacs, params; guint convs, gemms; } cases[] = {
    { "resnet50-224", 4.09, 25557032, 53, 1 },
    { "resnet152-224", 11.51, 60192808, 155, 1 },
    { "vgg19-224", 19.63, 143667240, 16, 3 },
    { "densenet201-224", 4.29, 20013928, 200, 1 },
    { "mobilenet_v2-224", 0.30, 3504872, 52, 1 },
    { "alexnet-224", 0.71, 61100840, 5, 3 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (TsModel) m = ts_model_load (cases[i].name, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (m->measured_on, ==, TS_MEASURED_NONE);
      double macs = 0;
      guint convs = 0, gemms = 0;
      for (guint k = 0; k < m->n_kernels; k++)
        {
          const TsKernelDesc *d = &m->kernels[k];
          g_assert_true (d->flops > 0 || d->dram_bytes > 0);
          if (d->kind == TS_KIND_CONV || d->kind == TS_KIND_GEMM)
            macs += d->flops / 2;
          convs += d->kind == TS_KIND_CONV;
          gemms += d->kind == TS_KIND_GEMM;
        }
      /* Half the FLOPs is the MACs plus the fused bias and activation (a few operations per
       * output element): at least the published count less 1%, at most 4% above it (MobileNetV2,
       * whose depthwise layers do 9 MACs per output, has the largest epilogue share).
       * import-arch.py --check compares the MACs alone within 1%. */
      double ratio = macs / 1e9 / cases[i].gmacs;
      if (ratio < 0.99 || ratio > 1.04)
        g_error ("%s: %.4f GMACs + epilogue, published %.2f", cases[i].name, macs / 1e9, cases[i].gmacs);
      g_assert_cmpfloat (m->parameters, ==, cases[i].params);
      g_assert_cmpuint (convs, ==, cases[i].convs);
      g_assert_cmpuint (gemms, ==, cases[i].gemms);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cost/roofline", test_roofline);
  g_test_add_func ("/cost/predicted", test_predicted);
  g_test_add_func ("/cost/scaled", test_scaled);
  g_test_add_func ("/cost/refused", test_refused);
  g_test_add_func ("/cost/cli", test_cli);
  g_test_add_func ("/cost/architectures", test_architectures);
  return g_test_run ();
}
