/* The chunk-level real-time runtime: EDF order at chunk boundaries, exit re-planning, RMS ties,
 * accuracy of missed jobs, and no preemption inside a chunk.  Expected values are reasoned out
 * in the comments. */
#include "config.h"

#include <string.h>

#include "policies/rtsched.h"
#include "sim/metrics.h"
#include "tests/testutil.h"
#include "sim/load/load.h"
#include "policies/registry.h"
#include "sim/backend-sim.h"

/* Records, for the worker stream (stream 0: the runtime creates it first), which model chunk
 * each block group belongs to, in order of start. */
typedef struct {
  const TsScenario *scn;
  GString *seq;        /* "A0@0 B0@1 ..." : task letter/name, chunk, start in ms */
} Trace;

static void
trace_observe (gpointer data, const TsGpuEvent *ev)
{
  Trace *t = data;
  if (ev->kind != TS_GPU_BLOCKS_START || ev->stream != 0)
    return;
  for (guint i = 0; i < t->scn->n_tasks; i++)
    {
      const TsModel *m = t->scn->tasks[i].model;
      if (ev->kernel < m->kernels || ev->kernel >= m->kernels + m->n_kernels)
        continue;
      guint k = ev->kernel - m->kernels, c = 0;
      while (m->chunk_first[c + 1] <= k)
        c++;
      g_string_append_printf (t->seq, "%s%s%u@%g", t->seq->len ? " " : "", t->scn->tasks[i].name, c,
                              ts_time_to_ms (ev->time));
      return;
    }
}

static TsRunResult *
run_traced (const char *file, const char *policy, TsScenario **scn, GString *seq)
{
  g_autofree char *path = tu_data (file);
  g_autoptr (GError) error = NULL;
  *scn = ts_scenario_load (path, &error);
  g_assert_no_error (error);
  Trace t = { *scn, seq };
  TsRunResult *res = ts_run_observed (*scn, ts_policy_lookup (policy, NULL), trace_observe, &t, &error);
  g_assert_no_error (error);
  return res;
}

static const TsJob *
job_of (const TsScenario *scn, const TsRunResult *res, const char *task)
{
  for (guint i = 0; i < res->jobs->len; i++)
    {
      const TsJob *j = res->jobs->pdata[i];
      if (strcmp (scn->tasks[j->task].name, task) == 0)
        return j;
    }
  g_assert_not_reached ();
}

/* rt-hand.cfg under edf (one chunk in flight):
 *   0  A arrives and starts chunk 0.            0.5  B arrives (deadline 3.5 < A's 10).
 *   1  boundary: B has the earliest deadline: B0.   1.5  C arrives (deadline 6.5).
 *   2  B1 (3.5 still earliest); B ends at 3: latency 2.5, met.
 *   3  C (6.5) before A (10): C0, C1; C ends at 5: latency 3.5, met.
 *   5  A1, A2; A ends at 7: latency 7, met.  A alone was preempted (B and C ran between its
 *      chunks): preempted-job ratio 1/3. */
static void
test_edf_chunk_order (void)
{
  TsScenario *scn;
  g_autoptr (GString) seq = g_string_new (NULL);
  TsRunResult *res = run_traced ("rt-hand.cfg", "edf", &scn, seq);
  g_assert_cmpstr (seq->str, ==, "A0@0 B0@1 B1@2 C0@3 C1@4 A1@5 A2@6");
  g_assert_cmpint (job_of (scn, res, "B")->finish, ==, 3 * TS_NS_PER_MS);
  g_assert_cmpint (job_of (scn, res, "C")->finish, ==, 5 * TS_NS_PER_MS);
  g_assert_cmpint (job_of (scn, res, "A")->finish, ==, 7 * TS_NS_PER_MS);
  g_assert_cmpuint (job_of (scn, res, "A")->preemptions, ==, 1);
  g_assert_cmpuint (job_of (scn, res, "B")->preemptions, ==, 0);
  TsStats st;
  ts_stats_total (scn, res, -1, &st);
  g_assert_cmpuint (st.missed, ==, 0);
  g_assert_cmpfloat_with_epsilon (st.preempted_ratio, 1.0 / 3, 1e-12);
  ts_run_result_free (res);
  ts_scenario_free (scn);
}

/* rt-hand.cfg under edf with launch_ahead = 2: at 0, A0 and A1 are both launched; when B arrives
 * (0.5) it can only take the boundary after the launched A1: B0 at 2, B1 at 3, ending at 4
 * (latency 3.5 > 3: missed).  At 3, with B1 in flight, C (6.5) precedes A (10): C0 at 4, C1 at 5,
 * then A2 at 6. */
static void
test_launch_ahead (void)
{
  g_autofree char *path = tu_data ("rt-hand.cfg");
  g_autoptr (GError) error = NULL;
  g_autoptr (TsScenario) scn = ts_scenario_load (path, &error);
  g_assert_no_error (error);
  TsParamValue pv = { g_strdup ("edf"), g_strdup ("launch_ahead"), 2 };
  g_array_append_val (scn->params, pv);
  g_autoptr (GString) seq = g_string_new (NULL);
  Trace t = { scn, seq };
  g_autoptr (TsRunResult) res = ts_run_observed (scn, ts_policy_lookup ("edf", NULL), trace_observe, &t, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (seq->str, ==, "A0@0 A1@1 B0@2 B1@3 C0@4 C1@5 A2@6");
  g_assert_true (ts_job_missed (job_of (scn, res, "B")));
  g_assert_cmpint (job_of (scn, res, "B")->finish, ==, 4 * TS_NS_PER_MS);
}

/* The same under pantheon-np (no preemption): A runs 0-3; then B (deadline 3.5 not yet passed,
 * so not dropped) 3-5, latency 4.5 > 3: missed; C 5-7, latency 5.5 > 5: missed.  Missed jobs
 * score accuracy 0; A (model without exits) scores 1. */
static void
test_nonpreemptive_missed_accuracy (void)
{
  TsScenario *scn;
  g_autoptr (GString) seq = g_string_new (NULL);
  TsRunResult *res = run_traced ("rt-hand.cfg", "pantheon-np", &scn, seq);
  g_assert_cmpstr (seq->str, ==, "A0@0 A1@1 A2@2 B0@3 B1@4 C0@5 C1@6");
  const TsJob *a = job_of (scn, res, "A"), *b = job_of (scn, res, "B"), *c = job_of (scn, res, "C");
  g_assert_true (ts_job_missed (b) && ts_job_missed (c) && !ts_job_missed (a));
  g_assert_cmpfloat (b->accuracy, ==, 0.0);
  g_assert_cmpfloat (c->accuracy, ==, 0.0);
  g_assert_cmpfloat (a->accuracy, ==, 1.0);
  g_assert_cmpuint (a->preemptions + b->preemptions + c->preemptions, ==, 0);
  ts_run_result_free (res);
  ts_scenario_free (scn);
}

/* rms-hand.cfg: equal periods, so the documented tie-break decides: earlier release, then lower
 * task index.  t1 (released at 0) starts alone at 0; at the boundary at 1, t1 (released 0)
 * still precedes t0 and t2 (0.2): t1 ends at 2; then t0 before t2 (same release, lower index):
 * t0 2-4, t2 4-7. */
static void
test_rms_tie_break (void)
{
  TsScenario *scn;
  g_autoptr (GString) seq = g_string_new (NULL);
  TsRunResult *res = run_traced ("rms-hand.cfg", "rms", &scn, seq);
  g_assert_cmpstr (seq->str, ==, "t10@0 t11@1 t00@2 t01@3 t20@4 t21@5 t22@6");
  ts_run_result_free (res);
  ts_scenario_free (scn);
}

static TsModel *
model (const char *name)
{
  g_autofree char *path = tu_data (name);
  g_autoptr (GError) error = NULL;
  TsModel *m = ts_model_load (path, NULL, &error);
  g_assert_no_error (error);
  return m;
}

/* Re-planning on hand-built overloads.  Every model: two 1 ms chunks, exits after each with a
 * 0.2 ms head, so variants of 1.2 ms (exit 0) and 2.2 ms (exit 1).  Jobs A then B in EDF order,
 * from time 0, nothing done yet.
 *   A = ex-a (0.70 / 0.80: lowering costs 0.10), B = ex-b (0.60 / 0.65: costs 0.05),
 *   deadlines 3 and 4: at the deepest exits A ends at 2.2 (met), B at 4.4 (missed).  A and B
 *   can help B; B loses less: B to exit 0, ending at 3.4: no miss.
 *   B = ex-c (0.45 / 0.65: costs 0.20) instead: A loses less: A to exit 0, B ends at 3.4.
 *   Deadlines 1 and 10: A misses even at exit 0 (1.2 > 1); B is after the first miss and
 *   cannot help: A goes to exit 0, B stays at exit 1, and the one miss is accepted. */
static void
test_replan (void)
{
  g_autoptr (TsModel) a = model ("models/ex-a.cfg");
  g_autoptr (TsModel) b = model ("models/ex-b.cfg");
  g_autoptr (TsModel) c = model ("models/ex-c.cfg");
  guint done[2] = { 0, 0 };
  int exits[2];
  const TsTime ms = TS_NS_PER_MS;
  static const TsHostModel no_host = { 0 };

  const TsModel *ab[2] = { a, b };
  TsTime d1[2] = { 3 * ms, 4 * ms };
  g_assert_cmpuint (ts_rtsched_plan_exits (2, ab, done, d1, 0, &no_host, exits), ==, 0);
  g_assert_cmpint (exits[0], ==, 1);
  g_assert_cmpint (exits[1], ==, 0);

  const TsModel *ac[2] = { a, c };
  g_assert_cmpuint (ts_rtsched_plan_exits (2, ac, done, d1, 0, &no_host, exits), ==, 0);
  g_assert_cmpint (exits[0], ==, 0);
  g_assert_cmpint (exits[1], ==, 1);

  TsTime d2[2] = { 1 * ms, 10 * ms };
  g_assert_cmpuint (ts_rtsched_plan_exits (2, ab, done, d2, 0, &no_host, exits), ==, 1);
  g_assert_cmpint (exits[0], ==, 0);
  g_assert_cmpint (exits[1], ==, 1);

  /* A job past both exits' chunks finishes at either exit with its head alone (0.2 ms): with
   * A done and a deadline of 0.3 ms, nothing is lowered. */
  guint done_a[2] = { 2, 0 };
  TsTime d3[2] = { ms * 3 / 10, 10 * ms };
  g_assert_cmpuint (ts_rtsched_plan_exits (2, ab, done_a, d3, 0, &no_host, exits), ==, 0);
  g_assert_cmpint (exits[0], ==, 1);

  /* On a host that spends 0.1 ms dispatching each kernel, every step (a chunk or a head, one
   * kernel each) costs 0.1 ms more: variants of 1.4 ms (two steps) and 2.5 ms (three).  With
   * deadlines 3 and 4.8, without the host A ends at 2.2 and B at 4.4: nothing is lowered.  With
   * it, B would end at 5.0: B, which loses less, goes to exit 0 and ends at 2.5 + 1.4 = 3.9. */
  const TsHostModel host = { .present = TRUE, .cores = 1, .dispatch = ms / 10 };
  TsTime d4[2] = { 3 * ms, 48 * ms / 10 };
  g_assert_cmpuint (ts_rtsched_plan_exits (2, ab, done, d4, 0, &no_host, exits), ==, 0);
  g_assert_cmpint (exits[0], ==, 1);
  g_assert_cmpint (exits[1], ==, 1);
  g_assert_cmpuint (ts_rtsched_plan_exits (2, ab, done, d4, 0, &host, exits), ==, 0);
  g_assert_cmpint (exits[0], ==, 1);
  g_assert_cmpint (exits[1], ==, 0);
}

/* On the robot application (3 s), under every chunk-level policy: each chunk's kernels start
 * on the worker as one uninterrupted run, in order, so no job is ever preempted inside a
 * chunk; exit heads likewise. */
typedef struct {
  const TsScenario *scn;
  const TsKernelDesc *expect;   /* the kernel that must come next, or NULL at a boundary */
  guint runs;
} ChunkCheck;

static void
chunk_observe (gpointer data, const TsGpuEvent *ev)
{
  ChunkCheck *c = data;
  if (ev->kind != TS_GPU_KERNEL_READY || ev->stream != 0)
    return;
  if (c->expect != NULL)
    g_assert_true (ev->kernel == c->expect);
  c->expect = NULL;
  for (guint i = 0; i < c->scn->n_tasks; i++)
    {
      const TsModel *m = c->scn->tasks[i].model;
      if (ev->kernel >= m->kernels && ev->kernel < m->kernels + m->n_kernels)
        {
          guint k = ev->kernel - m->kernels, ch = 0;
          while (m->chunk_first[ch + 1] <= k)
            ch++;
          if (k + 1 < m->chunk_first[ch + 1])
            c->expect = ev->kernel + 1;
          else
            c->runs++;
          return;
        }
      for (guint e = 0; e < m->n_exits; e++)
        if (ev->kernel >= m->exits[e].kernels && ev->kernel < m->exits[e].kernels + m->exits[e].n_kernels)
          {
            if (ev->kernel + 1 < m->exits[e].kernels + m->exits[e].n_kernels)
              c->expect = ev->kernel + 1;
            return;
          }
    }
}

static void
test_no_preemption_inside_chunks (void)
{
  const char *policies[] = { "pantheon", "pantheon-np", "edf", "rms", "dms", "rt-mdl" };
  g_autoptr (GError) error = NULL;
  g_autoptr (TsScenario) scn = ts_scenario_load ("robot", &error);
  g_assert_no_error (error);
  scn->duration = 3 * TS_NS_PER_S;
  for (guint p = 0; p < G_N_ELEMENTS (policies); p++)
    {
      ChunkCheck c = { scn, NULL, 0 };
      g_autoptr (TsRunResult) res = ts_run_observed (scn, ts_policy_lookup (policies[p], NULL), chunk_observe, &c, &error);
      g_assert_no_error (error);
      g_assert_nonnull (res);
      g_assert_cmpuint (c.runs, >, 300);   /* hundreds of chunks checked */
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rt/edf-chunk-order", test_edf_chunk_order);
  g_test_add_func ("/rt/launch-ahead", test_launch_ahead);
  g_test_add_func ("/rt/nonpreemptive-missed-accuracy", test_nonpreemptive_missed_accuracy);
  g_test_add_func ("/rt/rms-tie-break", test_rms_tie_break);
  g_test_add_func ("/rt/replan", test_replan);
  g_test_add_func ("/rt/no-preemption-inside-chunks", test_no_preemption_inside_chunks);
  return g_test_run ();
}
