/* Contention between co-running blocks (DESIGN §2 rule 5, docs/model.md "Contention").
 * Every expected time is worked out by hand in the comment beside it. */
#include "config.h"

#include "sim/contention.h"
#include "sim/gpu.h"
#include "tests/testutil.h"

typedef struct {
  TsEngine *engine;
  TsGpu *gpu;
  TsProfile *prof;
  GArray *done;   /* TsTime by launch id - 1: when its KERNEL_DONE was observed */
} Rig;

static void
observe (gpointer data, const TsGpuEvent *ev)
{
  Rig *r = data;
  if (ev->kind != TS_GPU_KERNEL_DONE)
    return;
  if (r->done->len < ev->launch)
    g_array_set_size (r->done, ev->launch);
  g_array_index (r->done, TsTime, ev->launch - 1) = ev->time;
}

/* 4 SMs of tu_profile (1024 threads, 8 slots, 32768 registers); no launch latency. */
static void
rig_init (Rig *r, TsContentionRule rule, double bandwidth_gbps)
{
  r->prof = tu_profile (4);
  r->prof->contention_rule = rule;
  r->prof->dram_bandwidth_gbps = bandwidth_gbps;
  r->engine = ts_engine_new ();
  r->gpu = ts_gpu_new (r->engine, r->prof);
  r->done = g_array_new (FALSE, TRUE, sizeof (TsTime));
  ts_gpu_set_observer (r->gpu, observe, r);
}

static void
rig_clear (Rig *r)
{
  ts_gpu_free (r->gpu);
  ts_engine_free (r->engine);
  ts_profile_free (r->prof);
  g_array_unref (r->done);
}

static TsTime
done_at (const Rig *r, guint64 id)
{
  g_assert_cmpuint (id, <=, r->done->len);
  return g_array_index (r->done, TsTime, id - 1);
}

/* A kernel of `blocks` blocks of 64 threads (16 fit an SM by threads, 8 by slots) that takes
 * dur_ns alone and has SM demand d (0: none given). */
static TsKernelDesc
kernel (guint blocks, TsTime dur_ns, double d)
{
  TsKernelDesc k = tu_kernel (blocks, 64, 16, 0, dur_ns);
  k.sm_demand = d;
  return k;
}

/* REEF's AlexNet first convolution (reef-models/alexnet.csv row 0, MI50): one-wave latency in
 * us at 1..16 work-groups per CU.  Not monotone at every step, as measured. */
static const double alexnet_conv1_us[] = { 148, 146, 160, 190, 248, 320, 382, 446, 502, 558, 610,
                                           660, 722, 776, 838, 894 };

/* A kernel alone at k blocks per SM takes the measured one-wave latency at occupancy k, for
 * every level.  The kernel is a full wave at its measured maximum, 16 blocks on each of 4 SMs
 * (threads 64 x 16 = 1024 fit, slots raised to 16), with solo duration L(16) = 894 us; its last
 * 4k blocks, launched alone, are spread k per SM by most-free placement and must take L(k). */
static void
test_reef_curve_levels (void)
{
  double occ_ns[16];
  for (guint i = 0; i < 16; i++)
    occ_ns[i] = alexnet_conv1_us[i] * 1000;
  for (guint k = 1; k <= 16; k++)
    {
      Rig r;
      rig_init (&r, TS_CONTENTION_SM_MEMORY, 0);
      r.prof->max_blocks_per_sm = 16;
      ts_gpu_free (r.gpu);
      r.gpu = ts_gpu_new (r.engine, r.prof);
      ts_gpu_set_observer (r.gpu, observe, &r);
      TsKernelDesc kd = kernel (64, 894000, 0);
      kd.occupancy_ns = occ_ns;
      kd.n_occupancy = 16;
      g_assert_cmpuint (ts_gpu_blocks_per_sm (r.gpu, &kd), ==, 16);
      guint s = ts_gpu_stream_new (r.gpu, 1);
      guint64 id = ts_gpu_submit (r.gpu, s, &(TsLaunch) { .kernel = &kd, .blocks = 4 * k });
      ts_engine_run (r.engine);
      g_assert_cmpint (done_at (&r, id), ==, (TsTime) (alexnet_conv1_us[k - 1] * 1000));
      rig_clear (&r);
    }
}

/* Two kernels launched together on two streams, each one block on every SM (4 blocks), so that
 * every SM holds one block of each.  Returns their completion times. */
static void
run_pair (TsContentionRule rule, double bandwidth, const TsKernelDesc *a, const TsKernelDesc *b,
          TsTime *a_done, TsTime *b_done)
{
  Rig r;
  rig_init (&r, rule, bandwidth);
  guint s0 = ts_gpu_stream_new (r.gpu, 1), s1 = ts_gpu_stream_new (r.gpu, 1);
  guint64 ia = ts_gpu_launch (r.gpu, s0, a, NULL, NULL, 0);
  guint64 ib = ts_gpu_launch (r.gpu, s1, b, NULL, NULL, 0);
  ts_engine_run (r.engine);
  *a_done = done_at (&r, ia);
  *b_done = done_at (&r, ib);
  rig_clear (&r);
}

/* Processor sharing on an SM.  Two identical kernels whose one block fills its SM (d = 1), each
 * 1000 ns alone: every SM's load is 2, each block runs at 1/2 and both end at 2000.  With
 * d = 0.4 the load is 0.8 < 1: nobody slows, both end at 1000.  Without contention, 1000. */
static void
test_processor_sharing (void)
{
  TsTime ta, tb;
  TsKernelDesc full = kernel (4, 1000, 1.0), light = kernel (4, 1000, 0.4);
  run_pair (TS_CONTENTION_SM, 0, &full, &full, &ta, &tb);
  g_assert_cmpint (ta, ==, 2000);
  g_assert_cmpint (tb, ==, 2000);
  run_pair (TS_CONTENTION_SM, 0, &light, &light, &ta, &tb);
  g_assert_cmpint (ta, ==, 1000);
  g_assert_cmpint (tb, ==, 1000);
  run_pair (TS_CONTENTION_NONE, 0, &full, &full, &ta, &tb);
  g_assert_cmpint (ta, ==, 1000);
  g_assert_cmpint (tb, ==, 1000);
}

/* A neighbour that finishes half-way.  A (1000 ns of work) and B (400) both fill their SMs
 * (d = 1) from t = 0, so each runs at 1/2.  B's 400 are done at 800, when A has done 400 of its
 * 1000; A runs alone at full speed from then: its last 600 end at 1400. */
static void
test_neighbour_leaves (void)
{
  TsTime ta, tb;
  TsKernelDesc a = kernel (4, 1000, 1.0), b = kernel (4, 400, 1.0);
  run_pair (TS_CONTENTION_SM, 0, &a, &b, &ta, &tb);
  g_assert_cmpint (tb, ==, 800);
  g_assert_cmpint (ta, ==, 1400);
}

/* The mixing rule: other kernels' blocks count as blocks of this one by demand.  K, one block
 * per SM, 100 us alone, beside J (processor-sharing, 1000 us).
 *  a. K's curve L = 100, 150, 300, 400 us: its peak throughput is max(1, 2*100/150, 3*100/300,
 *     4*100/400) = 4/3 blocks' worth, so d_K = 3/4.  J: d_J = 3/4, 4 blocks (one per SM).  The
 *     load is 3/4 + 3/4 = 3/2, K's equivalent occupancy (3/2) / (3/4) = 2: K takes L(2) = 150 us.
 *     J runs at 1 / 1.5 meanwhile, so by 150 us it has done 100; its other 900 end at 1050 us.
 *  b. A measured curve of processor-sharing shape mixes exactly as processor sharing: L = 100,
 *     100, 150, 200 us is 100 max(1, k/2), d = 1/2.  J: d_J = 1/2, 8 blocks (two per SM).  The
 *     load is 1/2 + 2/2 = 3/2, K's equivalent occupancy 3: L(3) = 150 us, the 1 / 1.5 speed of
 *     processor sharing at that load.  J as in a: 1050 us. */
static void
test_mixing_rule (void)
{
  static const struct { double occ_us[4]; guint j_blocks; double d_j; } cases[] = {
    { { 100, 150, 300, 400 }, 4, 0.75 },
    { { 100, 100, 150, 200 }, 8, 0.5 },
  };
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      double occ_ns[4];
      for (guint i = 0; i < 4; i++)
        occ_ns[i] = cases[c].occ_us[i] * 1000;
      TsKernelDesc k = kernel (4, 100000, 0), j = kernel (cases[c].j_blocks, 1000000, cases[c].d_j);
      k.occupancy_ns = occ_ns;
      k.n_occupancy = 4;
      TsTime tk, tj;
      run_pair (TS_CONTENTION_SM, 0, &k, &j, &tk, &tj);
      g_assert_cmpint (tk, ==, 150000);
      g_assert_cmpint (tj, ==, 1050000);
    }
}

/* DRAM bandwidth.  A device of 100 GB/s = 100 B/ns; two kernels of 1 ms that each move
 * 60,000,000 B, i.e. 60% of what the device moves in 1 ms (m = 0.6), and that do not contend
 * for SMs (thread-share demand).  Together they ask for rho = 1.2.  The memory-bound shares slow
 * by the s that conserves bytes: 2 x 0.6 / (0.4 + 0.6 s) = 1, so 0.4 + 0.6 s = 1.2, s = 4/3, and
 * each takes (0.4 + 0.6 x 4/3) ms = 1.2 ms: their 120,000,000 B at 100 B/ns need exactly that.
 * With rules.contention = "sm" the memory rule is off: 1 ms each. */
static void
test_bandwidth_share (void)
{
  TsKernelDesc a = kernel (4, 1000000, 0);
  a.dram_bytes = 60e6;
  TsTime ta, tb;
  run_pair (TS_CONTENTION_SM_MEMORY, 100, &a, &a, &ta, &tb);
  g_assert_cmpint (ta, ==, 1200000);
  g_assert_cmpint (tb, ==, 1200000);
  run_pair (TS_CONTENTION_SM, 100, &a, &a, &ta, &tb);
  g_assert_cmpint (ta, ==, 1000000);
  g_assert_cmpint (tb, ==, 1000000);
  /* Below saturation nothing slows: 2 x 0.4 = 0.8. */
  a.dram_bytes = 40e6;
  run_pair (TS_CONTENTION_SM_MEMORY, 100, &a, &a, &ta, &tb);
  g_assert_cmpint (ta, ==, 1000000);
  g_assert_cmpint (tb, ==, 1000000);
}

typedef struct {
  TsGpu *gpu;
  guint stream;
  TsTime done;
} ResetCtx;

static void
reset_done (gpointer data, const TsPreemptResult *res)
{
  ((ResetCtx *) data)->done = res->done;
}

static void
reset_now (gpointer data, guint64 arg)
{
  (void) arg;
  ResetCtx *c = data;
  ts_gpu_reset (c->gpu, c->stream, reset_done, c);
}

/* A reset frees the SM share of the killed blocks.  A and B (1000 ns each, d = 1) share every SM
 * from 0 at half speed; B is reset at 200 with no reset cost, so its blocks die at 200, when A
 * has done 100.  A's other 900 run at full speed: A ends at 1100. */
static void
test_reset_frees_share (void)
{
  Rig r;
  rig_init (&r, TS_CONTENTION_SM, 0);
  TsKernelDesc a = kernel (4, 1000, 1.0), b = kernel (4, 1000, 1.0);
  guint s0 = ts_gpu_stream_new (r.gpu, 1), s1 = ts_gpu_stream_new (r.gpu, 1);
  guint64 ia = ts_gpu_launch (r.gpu, s0, &a, NULL, NULL, 0);
  ts_gpu_launch (r.gpu, s1, &b, NULL, NULL, 0);
  ResetCtx c = { r.gpu, s1, 0 };
  ts_engine_schedule (r.engine, 200, TS_EV_HOST, reset_now, &c, 0);
  ts_engine_run (r.engine);
  g_assert_cmpint (c.done, ==, 200);
  g_assert_cmpint (done_at (&r, ia), ==, 1100);
  rig_clear (&r);
}

/* A kernel alone never slows down, whatever its demand: a 3-wave kernel (40 blocks, 4 per SM by
 * threads of 256) with d = 0.25 takes its solo 3000 ns, as without contention. */
static void
test_alone_is_solo (void)
{
  for (int rule = TS_CONTENTION_SM_MEMORY; rule <= TS_CONTENTION_NONE; rule++)
    {
      Rig r;
      rig_init (&r, rule, 100);
      TsKernelDesc k = tu_kernel (40, 256, 16, 0, 3000);
      k.sm_demand = 0.25;
      k.dram_bytes = 3000 * 100;  /* m = 1: all of its time moving bytes, alone at full bandwidth */
      guint s = ts_gpu_stream_new (r.gpu, 1);
      guint64 id = ts_gpu_launch (r.gpu, s, &k, NULL, NULL, 0);
      ts_engine_run (r.engine);
      g_assert_cmpint (done_at (&r, id), ==, 3000);
      rig_clear (&r);
    }
}

/* validate's stand-ins: the simulated kernels behave as calibrate measured the real backend's
 * synthetic ones, whatever the model says.  K (one block per SM, 100 us) has its own flat curve
 * L = 100, 100 (d = 1/2): two K side by side load each SM to 1, equivalent occupancy 2, no
 * slowdown: 100 us.  Standing in for synthetic compute work, whose curve is L = 100, 200 (d = 1):
 * load 2, L(2) = 200, both take 200 us.  For memory work (flat curve, so no SM slowdown, but all
 * of its time DRAM-bound, m = 1): rho = 2, 2 x 1 / s = 1, s = 2: 200 us.  Timed: 100 us. */
static void
test_stand_in (void)
{
  static const double own[] = { 100000, 100000 };
  struct { TsStandIn as; TsTime want; } cases[] = {
    { TS_STAND_IN_MODEL, 100000 }, { TS_STAND_IN_COMPUTE, 200000 },
    { TS_STAND_IN_MEMORY, 200000 }, { TS_STAND_IN_TIMED, 100000 },
  };
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      Rig r;
      rig_init (&r, TS_CONTENTION_SM_MEMORY, 100);
      TsContention *syn = &r.prof->contention;
      syn->present = TRUE;
      syn->n_occupancy[TS_LOAD_COMPUTE] = syn->n_occupancy[TS_LOAD_MEMORY] = 2;
      syn->occupancy_ns[TS_LOAD_COMPUTE] = g_new (double, 2);
      syn->occupancy_ns[TS_LOAD_MEMORY] = g_new (double, 2);
      syn->occupancy_ns[TS_LOAD_COMPUTE][0] = 100000, syn->occupancy_ns[TS_LOAD_COMPUTE][1] = 200000;
      syn->occupancy_ns[TS_LOAD_MEMORY][0] = syn->occupancy_ns[TS_LOAD_MEMORY][1] = 100000;
      r.prof->stand_in = cases[c].as;
      ts_gpu_free (r.gpu);
      r.gpu = ts_gpu_new (r.engine, r.prof);
      ts_gpu_set_observer (r.gpu, observe, &r);
      TsKernelDesc k = kernel (4, 100000, 0);
      k.occupancy_ns = (double *) own;
      k.n_occupancy = 2;
      guint s0 = ts_gpu_stream_new (r.gpu, 1), s1 = ts_gpu_stream_new (r.gpu, 1);
      guint64 a = ts_gpu_launch (r.gpu, s0, &k, NULL, NULL, 0), b = ts_gpu_launch (r.gpu, s1, &k, NULL, NULL, 0);
      ts_engine_run (r.engine);
      g_assert_cmpint (done_at (&r, a), ==, cases[c].want);
      g_assert_cmpint (done_at (&r, b), ==, cases[c].want);
      rig_clear (&r);
    }
}

/* The curve arithmetic.  A processor-sharing law L(k) = 100 max(1, k/4), k = 1..8, has peak
 * throughput 4 blocks' worth (from k = 4 on), so d = 1/4; a flat curve of 8 levels says only
 * that 8 blocks fit the SM's throughput: d = 1/8.  Between levels L is linear: L(2.5) of
 * 148, 146, 160 is 153; past the last level the SM is saturated: L(20) = 160 x 20 / 3.  Pairs as
 * calibrate measures them: two flat curves of 8 levels (d = 1/8 each) load an SM to 1/4, no
 * slowdown; the PS law beside itself: load 1/2, equivalent occupancy 2, L(2) = L(1): none; the PS
 * law beside a kernel whose two levels double (L = 100, 200: d = 1): load 5/4, occupancy 5,
 * L(5) / L(1) = 1.25. */
static void
test_curve_arithmetic (void)
{
  double ps[8], flat[8];
  for (guint k = 1; k <= 8; k++)
    ps[k - 1] = 100.0 * MAX (1.0, k / 4.0), flat[k - 1] = 100.0;
  g_assert_cmpfloat (ts_contention_curve_demand (ps, 8), ==, 0.25);
  g_assert_cmpfloat (ts_contention_curve_demand (flat, 8), ==, 0.125);
  static const double reef[] = { 148, 146, 160 };
  g_assert_cmpfloat_with_epsilon (ts_contention_curve_at (reef, 3, 1.0, 2.5), 153.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (ts_contention_curve_at (reef, 3, 1.0, 20), 160.0 * 20 / 3, 1e-9);
  g_assert_cmpfloat (ts_contention_pair_slowdown (flat, 8, flat, 8), ==, 1.0);
  g_assert_cmpfloat (ts_contention_pair_slowdown (ps, 8, ps, 8), ==, 1.0);
  static const double doubling[] = { 100, 200 };
  g_assert_cmpfloat_with_epsilon (ts_contention_pair_slowdown (ps, 8, doubling, 2), 1.25, 1e-12);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/contention/curve-arithmetic", test_curve_arithmetic);
  g_test_add_func ("/contention/reef-curve-every-level", test_reef_curve_levels);
  g_test_add_func ("/contention/processor-sharing", test_processor_sharing);
  g_test_add_func ("/contention/neighbour-leaves", test_neighbour_leaves);
  g_test_add_func ("/contention/mixing-rule", test_mixing_rule);
  g_test_add_func ("/contention/bandwidth-share", test_bandwidth_share);
  g_test_add_func ("/contention/reset-frees-share", test_reset_frees_share);
  g_test_add_func ("/contention/alone-is-solo", test_alone_is_solo);
  g_test_add_func ("/contention/validate-stand-ins", test_stand_in);
  return g_test_run ();
}
