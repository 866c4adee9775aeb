/* DLA engines beside the GPU (issue 18): the profile's dla group, FIFO engines with GPU fallback
 * and hand-offs (hand-computed timelines), DRAM bandwidth shared across processors (the
 * formula of sim/dla.h, solved here in closed form), and the real backend's refusal. */
#include "config.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "policies/hetero.h"
#include "real_backend/realtime.h"
#include "sim/dla.h"
#include "sim/load/durations.h"
#include "tests/testutil.h"
#include "sim/load/load.h"
#include "sim/backend-sim.h"

static TsProfile *
load_profile (const char *rel)
{
  g_autofree char *path = tu_data (rel);
  g_autoptr (GError) error = NULL;
  TsProfile *p = ts_profile_load (path, NULL, &error);
  g_assert_no_error (error);
  return p;
}

static TsModel *
load_model (const char *rel, const TsProfile *p)
{
  g_autofree char *path = tu_data (rel);
  g_autoptr (GError) error = NULL;
  TsModel *m = ts_model_load (path, NULL, &error);
  g_assert_no_error (error);
  g_autofree char *dir = g_path_get_dirname (path);
  g_assert_true (ts_model_resolve_durations (m, p, dir, &error));
  g_assert_no_error (error);
  return m;
}

/* The shipped profiles' dla groups as their comments derive them, and a round trip through the
 * writer. */
static void
test_profiles (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TsProfile) x = ts_profile_load ("jetson-agx-xavier", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (x->dla.count, ==, 2);
  /* 5 TFLOP/s FP16 for both engines: 2500 FLOP/ns each, FP32 layers at the same rate */
  g_assert_cmpfloat (x->dla.cost.peak_flops[TS_FP16], ==, 2500.0);
  g_assert_cmpfloat (x->dla.cost.peak_flops[TS_FP32], ==, 2500.0);
  g_assert_cmpfloat (x->dla.cost.dram_bytes_per_ns, ==, 68.25);
  g_assert_cmpint (x->dla.handoff, ==, 100000);
  g_assert_true (x->dla.supports[TS_KIND_CONV] && x->dla.supports[TS_KIND_POOL]);
  g_assert_false (x->dla.supports[TS_KIND_GEMM] || x->dla.supports[TS_KIND_REDUCTION]);
  g_assert_cmpfloat (ts_profile_dram_bandwidth (x), ==, 136.5);
  g_autoptr (TsProfile) o = ts_profile_load ("jetson-agx-orin", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (o->dla.count, ==, 2);
  g_assert_cmpfloat (o->dla.cost.peak_flops[TS_FP16], ==, 13100.0);

  /* written and read back: the same engines */
  g_autofree char *text = ts_profile_to_text (x);
  g_autofree char *tmp = g_build_filename (g_get_tmp_dir (), "tiersim-test-dla-XXXXXX.cfg", NULL);
  int fd = g_mkstemp (tmp);
  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_assert_true (g_file_set_contents (tmp, text, -1, NULL));
  g_autoptr (TsProfile) back = ts_profile_load (tmp, NULL, &error);
  g_assert_no_error (error);
  g_unlink (tmp);
  g_assert_cmpuint (back->dla.count, ==, 2);
  g_assert_cmpmem (back->dla.supports, sizeof back->dla.supports, x->dla.supports, sizeof x->dla.supports);
  g_assert_cmpmem (&back->dla.cost, sizeof back->dla.cost, &x->dla.cost, sizeof x->dla.cost);
  g_assert_cmpint (back->dla.handoff, ==, x->dla.handoff);

  /* a profile without the group has no engine, and the simulated backend offers none */
  g_autoptr (TsProfile) nx = ts_profile_load ("jetson-xavier-nx", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nx->dla.count, ==, 0);
  g_autoptr (TsBackend) be = ts_backend_sim_new (nx);
  g_assert_null (ts_backend_dla (be));
}

typedef struct {
  TsBackend *be;
  TsTime done[4];
} Timeline;

static void
job_done (gpointer data, guint64 tag)
{
  Timeline *t = data;
  t->done[tag] = ts_backend_now (t->be);
}

typedef struct {
  Timeline *t;
  const TsModel *m;
  guint stream, proc;
  guint64 tag;
} Start;

static void
start_job (gpointer data, guint64 arg)
{
  Start *s = data;
  g_autoptr (GError) error = NULL;
  g_assert_true (ts_hetero_exec (s->t->be, s->m, s->stream, s->proc, job_done, s->t, s->tag, &error));
  g_assert_no_error (error);
}

/* tests/data/dla/conv-fc-conv.cfg (its comments give each layer's solo times) on gpu-dla.cfg.
 *   A on the DLA at 0: c1 DLA [0, 3000]; hand-off 5000; fc GPU [8000, 11000]; hand-off; c2 DLA
 *     [16000, 21000].  Done at 21000.
 *   B on the DLA at 1000: c1 waits for A's (FIFO): [3000, 6000]; hand-off; fc GPU [11000, 14000];
 *     hand-off: ready at 19000, but A's c2 holds the engine until 21000: [21000, 26000].
 *   C on the GPU at 0, alone on a second backend: 3000 + 3000 + 4000 = 10000. */
static void
test_timeline (void)
{
  g_autoptr (TsProfile) p = load_profile ("dla/gpu-dla.cfg");
  g_autoptr (TsModel) m = load_model ("dla/conv-fc-conv.cfg", p);
  g_assert_cmpint (m->kernels[0].duration, ==, 3000);
  g_assert_cmpint (m->kernels[2].duration, ==, 4000);
  g_assert_cmpfloat (ts_dla_model_layer_ns (&p->dla, &m->kernels[0]), ==, 3000.0);
  g_assert_cmpfloat (ts_dla_model_layer_ns (&p->dla, &m->kernels[2]), ==, 5000.0);

  Timeline t = { .be = ts_backend_sim_new (p) };
  Start a = { &t, m, ts_backend_stream_new (t.be, 0), 1, 0 };
  Start b = { &t, m, ts_backend_stream_new (t.be, 0), 1, 1 };
  ts_backend_timer_set (t.be, 0, start_job, &a, 0);
  ts_backend_timer_set (t.be, 1000, start_job, &b, 0);
  g_assert_true (ts_backend_run (t.be, NULL));
  g_assert_cmpint (t.done[0], ==, 21000);
  g_assert_cmpint (t.done[1], ==, 26000);
  g_assert_cmpuint (ts_dla_layers_completed (ts_backend_sim_dla (t.be)), ==, 4);
  g_assert_cmpint (ts_dla_busy (ts_backend_sim_dla (t.be), 0), ==, 3000 + 3000 + 5000 + 5000);
  ts_backend_free (t.be);

  t.be = ts_backend_sim_new (p);
  Start c = { &t, m, ts_backend_stream_new (t.be, 0), TS_PROC_GPU, 2 };
  ts_backend_timer_set (t.be, 0, start_job, &c, 0);
  g_assert_true (ts_backend_run (t.be, NULL));
  g_assert_cmpint (t.done[2], ==, 10000);
  ts_backend_free (t.be);

  /* the solo estimate agrees with A alone and C: 3000 + 3000 + 5000 + 2 hand-offs of 5000 */
  double on_dla = 0;
  guint handoffs = 0;
  g_assert_cmpfloat (ts_hetero_solo_ns (&p->dla, m, 1, &on_dla, &handoffs), ==, 21000.0);
  g_assert_cmpfloat (on_dla, ==, 8000.0);
  g_assert_cmpuint (handoffs, ==, 2);
  g_assert_cmpfloat (ts_hetero_solo_ns (&p->dla, m, TS_PROC_GPU, NULL, NULL), ==, 10000.0);
  g_assert_cmpuint (ts_hetero_layer_proc (&p->dla, 1, &m->kernels[1]), ==, TS_PROC_GPU);
  g_assert_cmpuint (ts_hetero_layer_proc (&p->dla, 1, &m->kernels[0]), ==, 1);
}

static void
mark_done (gpointer data, guint64 tag)
{
  Timeline *t = data;
  t->done[tag] = ts_backend_now (t->be);
}

/* Closed form of the sharing rule for two pieces of work of demands a and b: the s >= 1 with
 * a / ((1 - a) + a s) + b / ((1 - b) + b s) = 1, i.e. a b s^2 + (a (1 - b) + b (1 - a) - 2 a b) s
 * + (1 - a)(1 - b) - a (1 - b) - b (1 - a) = 0 after multiplying out; the larger root. */
static double
shared_slowdown (double a, double b)
{
  double qa = a * b;
  double qb = a * (1 - b) + b * (1 - a) - 2 * a * b;
  double qc = (1 - a) * (1 - b) - a * (1 - b) - b * (1 - a);
  return (-qb + sqrt (qb * qb - 4 * qa * qc)) / (2 * qa);
}

/* shared-dram.cfg: DRAM of 100 B/ns.  A GPU kernel of 10 us moving 6e5 B asks for m = 0.6 of it;
 * a DLA layer of 1e6 FLOP and 8e5 B (10000 ns on the engine: compute 1e6 / 100, memory
 * 8e5 / 100 = 8000) asks for m = 8e5 / 100 / 10000 = 0.8.  Together 1.4 > 1: both slow by the
 * common s of sim/dla.h's formula, each to speed 1 / ((1 - m) + m s); the first to finish (the
 * GPU kernel, at 10000 / speed_g) leaves the layer alone at full speed for the rest of its work.
 * Two such layers on both engines: s = 1.75 exactly (2 x 0.8 / (0.2 + 0.8 s) = 1), each at
 * 1 / (0.2 + 1.4) = 0.625, done at 16000. */
static void
test_shared_dram (void)
{
  g_autoptr (TsProfile) p = load_profile ("dla/shared-dram.cfg");
  TsKernelDesc g = tu_kernel (4, 256, 16, 0, 10000);
  g.dram_bytes = 6e5;
  g.ops = 1;
  TsKernelDesc l = { .name = (char *) "layer", .kind = TS_KIND_CONV, .flops = 1e6, .dram_bytes = 8e5, .blocks = 1 };
  g_assert_cmpfloat (ts_dla_model_layer_ns (&p->dla, &l), ==, 10000.0);

  double s = shared_slowdown (0.6, 0.8);
  g_assert_cmpfloat (s, >, 1.0);
  g_assert_cmpfloat (fabs (0.6 / (0.4 + 0.6 * s) + 0.8 / (0.2 + 0.8 * s) - 1.0), <, 1e-12);
  double vg = 1 / (0.4 + 0.6 * s), vd = 1 / (0.2 + 0.8 * s);
  double t_gpu = 10000 / vg;
  double t_dla = t_gpu + (10000 - t_gpu * vd);
  g_assert_cmpfloat (t_gpu, <, 10000 / vd);  /* the GPU kernel does finish first */

  Timeline t = { .be = ts_backend_sim_new (p) };
  guint st = ts_backend_stream_new (t.be, 0);
  ts_backend_launch (t.be, st, &(TsLaunch) { .kernel = &g, .done = mark_done, .data = &t });
  g_assert_true (ts_backend_launch_dla (t.be, 0, &(TsLaunch) { .kernel = &l, .done = mark_done, .data = &t, .tag = 1 }, NULL));
  g_assert_true (ts_backend_run (t.be, NULL));
  g_assert_cmpfloat (fabs ((double) t.done[0] - t_gpu), <=, 1.0);
  g_assert_cmpfloat (fabs ((double) t.done[1] - t_dla), <=, 2.0);
  ts_backend_free (t.be);

  /* each alone: its solo time */
  t.be = ts_backend_sim_new (p);
  g_assert_true (ts_backend_launch_dla (t.be, 1, &(TsLaunch) { .kernel = &l, .done = mark_done, .data = &t, .tag = 2 }, NULL));
  g_assert_true (ts_backend_run (t.be, NULL));
  g_assert_cmpint (t.done[2], ==, 10000);
  ts_backend_free (t.be);

  /* two layers on the two engines */
  t.be = ts_backend_sim_new (p);
  g_assert_true (ts_backend_launch_dla (t.be, 0, &(TsLaunch) { .kernel = &l, .done = mark_done, .data = &t }, NULL));
  g_assert_true (ts_backend_launch_dla (t.be, 1, &(TsLaunch) { .kernel = &l, .done = mark_done, .data = &t, .tag = 1 }, NULL));
  g_assert_true (ts_backend_run (t.be, NULL));
  g_assert_cmpint (t.done[0], ==, 16000);
  g_assert_cmpint (t.done[1], ==, 16000);
  ts_backend_free (t.be);

  /* without the memory rule, no interference: both at 10000 */
  p->contention_rule = TS_CONTENTION_SM;
  t.be = ts_backend_sim_new (p);
  ts_backend_launch (t.be, ts_backend_stream_new (t.be, 0), &(TsLaunch) { .kernel = &g, .done = mark_done, .data = &t });
  g_assert_true (ts_backend_launch_dla (t.be, 0, &(TsLaunch) { .kernel = &l, .done = mark_done, .data = &t, .tag = 1 }, NULL));
  g_assert_true (ts_backend_run (t.be, NULL));
  g_assert_cmpint (t.done[0], ==, 10000);
  g_assert_cmpint (t.done[1], ==, 10000);
  ts_backend_free (t.be);
}

static void observe_nothing (gpointer data, const TsGpuEvent *ev) {}

typedef struct {
  Timeline *t;
  const TsKernelDesc *l;
} LateLayer;

static void
launch_late (gpointer data, guint64 arg)
{
  LateLayer *x = data;
  g_assert_true (ts_backend_launch_dla (x->t->be, 0, &(TsLaunch) { .kernel = x->l, .done = mark_done, .data = x->t, .tag = 1 }, NULL));
}

/* A GPU kernel of 40 waves alone passes its waves as a chain (gpu.c); a DLA layer that starts
 * mid-way changes the memory rule's factor, which ends the chain first.  An observer runs every
 * wave as events instead: both must give the same times to the nanosecond. */
static void
test_chain_meets_dla (void)
{
  g_autoptr (TsProfile) p = load_profile ("dla/shared-dram.cfg");
  TsKernelDesc g = tu_kernel (640, 256, 16, 0, 400000);  /* 16 blocks per wave on 4 SMs */
  g.dram_bytes = 2.4e7;                                   /* m = 2.4e7 / 100 / 400000 = 0.6 */
  g.ops = 1;
  TsKernelDesc l = { .name = (char *) "layer", .kind = TS_KIND_CONV, .flops = 1e6, .dram_bytes = 8e5, .blocks = 1 };
  TsTime done[2][2];
  guint64 events[2];
  for (guint observed = 0; observed < 2; observed++)
    {
      Timeline t = { .be = ts_backend_sim_new (p) };
      if (observed)
        ts_gpu_set_observer (ts_backend_sim_gpu (t.be), observe_nothing, NULL);
      LateLayer x = { &t, &l };
      ts_backend_launch (t.be, ts_backend_stream_new (t.be, 0), &(TsLaunch) { .kernel = &g, .done = mark_done, .data = &t });
      ts_backend_timer_set (t.be, 150000, launch_late, &x, 0);
      g_assert_true (ts_backend_run (t.be, NULL));
      done[observed][0] = t.done[0], done[observed][1] = t.done[1];
      events[observed] = ts_engine_events_run (ts_backend_sim_engine (t.be));
      ts_backend_free (t.be);
    }
  g_assert_cmpint (done[0][0], ==, done[1][0]);
  g_assert_cmpint (done[0][1], ==, done[1][1]);
  g_assert_cmpuint (events[0], <, events[1]);  /* the chain did pass waves without events */
  /* and both were slowed: m 0.6 + 0.8 > 1 while they overlapped */
  g_assert_cmpint (done[0][0], >, 400000);
  g_assert_cmpint (done[0][1], >, 150000 + 10000);
}

static TsTime dev_clock (gpointer dev) { return 0; }
static void dev_idle (gpointer dev, TsTime ns) {}
static guint dev_sms (gpointer dev) { return 4; }
static void dev_end_run (gpointer dev) {}

/* The real-time backend (the one CUDA drives) has no DLA: a DLA launch is refused, with an error
 * naming the backend, and so is a job mapped to a DLA. */
static void
test_real_refuses (void)
{
  static const TsWallDeviceOps ops = { .name = "fake", .clock = dev_clock, .idle = dev_idle, .sms = dev_sms,
                                     .end_run = dev_end_run };
  g_autoptr (TsBackend) be = ts_wall_backend_new (&ops, NULL, 4);
  g_assert_null (ts_backend_dla (be));
  g_assert_cmpuint (ts_backend_dlas (be), ==, 0);
  TsKernelDesc l = { .name = (char *) "conv1", .kind = TS_KIND_CONV, .flops = 1e6 };
  g_autoptr (GError) error = NULL;
  g_assert_false (ts_backend_launch_dla (be, 0, &(TsLaunch) { .kernel = &l }, &error));
  g_assert_error (error, TS_ERROR, TS_ERROR_RUN);
  g_assert_nonnull (strstr (error->message, "backend 'real-time' has 0 DLA engine(s): it cannot run layer conv1 on DLA 0"));
  g_clear_error (&error);
  TsModel m = { .name = (char *) "one", .kernels = &l, .n_kernels = 1, .n_chunks = 1 };
  g_assert_false (ts_hetero_exec (be, &m, 0, 1, NULL, NULL, 0, &error));
  g_assert_error (error, TS_ERROR, TS_ERROR_RUN);
  g_assert_nonnull (strstr (error->message, "has no DLA 0"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dla/profiles", test_profiles);
  g_test_add_func ("/dla/timeline", test_timeline);
  g_test_add_func ("/dla/shared-dram", test_shared_dram);
  g_test_add_func ("/dla/chain-meets-dla", test_chain_meets_dla);
  g_test_add_func ("/dla/real-refuses", test_real_refuses);
  return g_test_run ();
}
