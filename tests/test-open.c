/* Open systems, energy and app-level adaptation (issue 19). */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "calib/nvml.h"
#include "policies/app.h"
#include "policies/registry.h"
#include "sim/metrics.h"
#include "sim/out/report.h"
#include "sim/workload.h"
#include "tests/testutil.h"
#include "sim/load/load.h"

static TsScenario *
load (const char *rel, const TsOverride *ov)
{
  g_autofree char *path = tu_data (rel);
  g_autoptr (GError) error = NULL;
  TsScenario *scn = ts_scenario_load_with (path, ov, &error);
  g_assert_no_error (error);
  return scn;
}

static TsRunResult *
run (const TsScenario *scn, const char *policy)
{
  g_autoptr (GError) error = NULL;
  TsRunResult *res = ts_run (scn, ts_policy_lookup (policy, NULL), &error);
  g_assert_no_error (error);
  return res;
}

/* open.cfg (worked out in the file): visit's 10 jobs are released at 100, 110, ..., 190 ms, and
 * only then; stay's 30 jobs take 0.8 ms while visit is there and 0.5 ms before and after. */
/* tiersim check's utilisation counts a task only for its expected share of the run.  open.cfg:
 * rt1 is one 0.5 ms kernel at 100 releases/s, 0.05 of the GPU; "stay" runs all 0.3 s, "visit"
 * [0.1, 0.2) s: 0.05 + 0.05/3.  With visit on 20 ms, off 60 ms on average it is on a quarter of
 * its lifetime: 0.05 + 0.05/12. */
static void
test_utilisation (void)
{
  g_autoptr (TsScenario) scn = load ("open.cfg", NULL);
  g_assert_cmpfloat_with_epsilon (ts_scenario_utilisation (scn, TS_CLASS_RT, FALSE), 0.05 + 0.05 / 3, 1e-12);
  const TsOverride onoff[] = { { "tasks.visit.lifetime.on_s", "0.02", "test" },
                               { "tasks.visit.lifetime.off_s", "0.06", "test" }, { NULL } };
  g_autoptr (TsScenario) flick = load ("open.cfg", onoff);
  g_assert_cmpfloat_with_epsilon (ts_scenario_utilisation (flick, TS_CLASS_RT, FALSE), 0.05 + 0.05 / 12, 1e-12);
}

static void
test_join_leave (void)
{
  g_autoptr (TsScenario) scn = load ("open.cfg", NULL);
  g_autoptr (TsRunResult) res = run (scn, "seq");
  guint n_visit = 0, n_stay = 0;
  for (guint i = 0; i < res->jobs->len; i++)
    {
      const TsJob *j = res->jobs->pdata[i];
      TsTime lat = j->finish - j->release;
      if (j->task == 1)
        {
          g_assert_cmpint (j->release, ==, (100 + 10 * (TsTime) n_visit) * TS_NS_PER_MS);
          g_assert_cmpint (lat, ==, 500 * TS_NS_PER_US);
          n_visit++;
        }
      else
        {
          gboolean inside = j->release > 100 * TS_NS_PER_MS && j->release < 200 * TS_NS_PER_MS;
          g_assert_cmpint (lat, ==, (inside ? 800 : 500) * TS_NS_PER_US);
          n_stay++;
        }
    }
  g_assert_cmpuint (n_visit, ==, 10);
  g_assert_cmpuint (n_stay, ==, 30);
  TsStats st[2];
  ts_stats_tasks (scn, res, st);
  /* stay: (10 x 0.8 + 20 x 0.5) / 30 = 0.6 ms; 30 jobs in 0.3 s.  visit: 10 jobs in its 0.1 s. */
  g_assert_cmpfloat (fabs (st[0].lat_mean_ms - 0.6), <, 1e-9);
  g_assert_cmpfloat (fabs (st[0].throughput_rps - 100), <, 1e-9);
  g_assert_cmpfloat (fabs (st[1].throughput_rps - 100), <, 1e-9);
  g_assert_cmpint (res->task_active[1], ==, 100 * TS_NS_PER_MS);

  /* Visiting in [295, 299) ms, between two periodic releases: no job, and stay's jobs all take
   * 0.5 ms, as outside the visit above. */
  const TsOverride gone[] = { { "tasks.[1].lifetime.start_s", "0.295", "test" }, { "tasks.[1].lifetime.stop_s", "0.299", "test" }, { NULL, NULL, NULL } };
  g_autoptr (TsScenario) alone = load ("open.cfg", gone);
  g_autoptr (TsRunResult) res2 = run (alone, "seq");
  ts_stats_tasks (alone, res2, st);
  g_assert_cmpfloat (fabs (st[0].lat_mean_ms - 0.5), <, 1e-9);
  g_assert_cmpuint (st[1].jobs, ==, 0);
  g_assert_cmpfloat (st[1].throughput_rps, ==, 0);
}

/* A closed loop that lives in [100, 200) ms alone on the GPU: think 0, 0.5 ms per job, so
 * requests at 100 + 0.5 k ms, k = 0..199. */
static void
test_closed_lifetime (void)
{
  const TsOverride ov[] = { { "tasks.[0].lifetime", "{ start_s = 0.29; stop_s = 0.295; }", "test" },
                            { "tasks.[1].arrival", "{ type = \"closed\"; think_ms = 0.0; }", "test" }, { NULL, NULL, NULL } };
  g_autoptr (TsScenario) scn = load ("open.cfg", ov);
  g_autoptr (TsRunResult) res = run (scn, "seq");
  guint n = 0;
  for (guint i = 0; i < res->jobs->len; i++)
    {
      const TsJob *j = res->jobs->pdata[i];
      if (j->task != 1)
        continue;
      g_assert_cmpint (j->release, ==, 100 * TS_NS_PER_MS + (TsTime) n * 500 * TS_NS_PER_US);
      n++;
    }
  g_assert_cmpuint (n, ==, 200);
}

/* An on/off process: every release falls in one of the task's spans, the spans come from the
 * task's own stream (same seed, same spans; another task's presence changes nothing), and their
 * mean lengths approach on_s and off_s. */
static void
test_onoff (void)
{
  const TsOverride ov[] = { { "duration", "20.0", "test" }, { "tasks.[1].lifetime", "{ on_s = 0.05; off_s = 0.15; }", "test" }, { NULL, NULL, NULL } };
  g_autoptr (TsScenario) scn = load ("open.cfg", ov);
  g_autoptr (TsRunResult) res = run (scn, "seq");
  g_autoptr (GArray) spans = ts_task_activity (&scn->tasks[1], scn->duration, scn->seed, 1);
  g_assert_cmpuint (spans->len, >, 50);
  guint n = 0;
  for (guint i = 0; i < res->jobs->len; i++)
    {
      const TsJob *j = res->jobs->pdata[i];
      if (j->task != 1)
        continue;
      gboolean in = FALSE;
      for (guint s = 0; s < spans->len && !in; s++)
        in = j->release >= g_array_index (spans, TsSpan, s).start && j->release < g_array_index (spans, TsSpan, s).stop;
      g_assert_true (in);
      n++;
    }
  /* on a quarter of the time (0.05 / 0.2): about 500 of 2000 periods; within 25% */
  g_test_message ("%u releases in %u spans, active %.3f s", n, spans->len, ts_time_to_ms (ts_spans_total (spans)) / 1e3);
  g_assert_cmpfloat (fabs (n - 500.0), <, 125);
  double on = (double) ts_spans_total (spans) / spans->len / TS_NS_PER_S;
  g_assert_cmpfloat (fabs (on - 0.05), <, 0.0125);
  g_assert_cmpint (res->task_active[1], ==, ts_spans_total (spans));
  g_autoptr (GArray) again = ts_task_activity (&scn->tasks[1], scn->duration, scn->seed, 1);
  g_assert_cmpmem (again->data, again->len * sizeof (TsSpan), spans->data, spans->len * sizeof (TsSpan));
}

/* Bad lifetimes are errors with file:line. */
static void
test_lifetime_errors (void)
{
  static const struct { const char *path, *value, *msg; } cases[] = {
    { "tasks.[1].lifetime", "{ start_s = 0.2; stop_s = 0.1; }", "stop_s must be after start_s" },
    { "tasks.[1].lifetime", "{ on_s = 0.1; }", "needs both on_s and off_s" },
    { "tasks.[1].lifetime", "{ stat_s = 0.1; }", "start_s" },
    { "tasks.[1].lifetime", "{ start_s = -1.0; }", "start_s" },
  };
  g_autofree char *path = tu_data ("open.cfg");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const TsOverride ov[] = { { cases[i].path, cases[i].value, "test" }, { NULL, NULL, NULL } };
      g_autoptr (GError) error = NULL;
      g_autoptr (TsScenario) scn = ts_scenario_load_with (path, ov, &error);
      g_assert_null (scn);
      g_assert_error (error, TS_ERROR, TS_ERROR_INPUT);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].msg));
    }
}

/* energy.cfg by hand.  Each job: its thread spends dispatch + launch (40 us), the kernel runs, then
 * sync + wake-up (20 us): big runs 40..1040 us on 4 SMs, small 5040..5540 us on 2 SMs (most-free
 * spreads its 2 blocks).  T = 10 ms (every job ends before the duration).
 *   idle     2 W x 0.01 s                      = 20.000 mJ
 *   SMs      0.5 W x (4 x 1 ms + 2 x 0.5 ms)   =  2.500 mJ
 *   DRAM     100 pJ/B x 1e6 B                  =  0.100 mJ
 *   CPU      1 W x 2 x 60 us                   =  0.120 mJ
 *   E = 22.72 mJ, average power 2.272 W, 11.36 mJ per job.  Shares by solo SM-time, big 4 SM-ms
 *   and small 1 SM-ms: 4/5 and 1/5 of E, i.e. 18.176 and 4.544 mJ per job, 1.8176 and 0.4544 W. */
static void
test_energy_hand (void)
{
  g_autoptr (TsScenario) scn = load ("energy.cfg", NULL);
  g_autoptr (TsRunResult) res = run (scn, "seq");
  g_assert_true (res->have_usage);
  g_assert_cmpfloat (fabs (res->usage.sm_busy_ns - 5e6), <, 1e-6);
  g_assert_cmpfloat (fabs (res->usage.dram_bytes - 1e6), <, 1e-6);
  g_assert_cmpfloat (fabs (res->usage.host_busy_ns - 120e3), <, 1e-6);
  double e, t;
  g_assert_true (ts_run_energy (scn, res, &e, &t));
  g_assert_cmpfloat (fabs (t - 0.01), <, 1e-12);
  g_assert_cmpfloat (fabs (e - 22.72e-3), <, 1e-12);
  TsStats st[2], tot;
  ts_stats_tasks (scn, res, st);
  ts_stats_total (scn, res, -1, &tot);
  g_assert_cmpfloat (fabs (tot.energy_per_job_mj - 11.36), <, 1e-9);
  g_assert_cmpfloat (fabs (tot.avg_power_w - 2.272), <, 1e-9);
  g_assert_cmpfloat (fabs (st[0].energy_per_job_mj - 18.176), <, 1e-9);
  g_assert_cmpfloat (fabs (st[1].energy_per_job_mj - 4.544), <, 1e-9);
  g_assert_cmpfloat (fabs (st[0].avg_power_w - 1.8176), <, 1e-9);
  /* summary.csv carries them after the existing columns */
  g_autoptr (GString) csv = ts_report_summary_csv (scn, &res, 1);
  g_assert_nonnull (strstr (csv->str, ",energy_per_job_mj,avg_power_w\n"));
  g_assert_nonnull (strstr (csv->str, ",18.176000,1.817600\n"));

  /* Idle power off: the same less its 20 mJ. */
  const TsOverride nopower[] = { { "profile.power.idle_w", "0.0", "test" }, { NULL, NULL, NULL } };
  g_autoptr (TsScenario) zero = load ("energy.cfg", nopower);
  g_autoptr (TsRunResult) res0 = run (zero, "seq");
  g_assert_true (ts_run_energy (zero, res0, &e, &t));
  g_assert_cmpfloat (fabs (e - 2.72e-3), <, 1e-12);

  /* A profile without a power group (open.cfg's test4): no energy, empty cells. */
  g_autoptr (TsScenario) open = load ("open.cfg", NULL);
  g_autoptr (TsRunResult) res1 = run (open, "seq");
  g_assert_false (ts_run_energy (open, res1, &e, &t));
  ts_stats_tasks (open, res1, st);
  g_assert_true (isnan (st[0].energy_per_job_mj) && isnan (st[0].avg_power_w));
  g_autoptr (GString) csv1 = ts_report_summary_csv (open, &res1, 1);
  g_assert_true (g_str_has_suffix (csv1->str, ",,\n"));
}

/* calibrate --power without NVML: a clear message and exit 2, before any measuring.  On a machine
 * with NVML the failure cannot be shown: skipped. */
static void
test_nvml_missing (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TsNvml) nvml = ts_nvml_open (0, &error);
  if (nvml != NULL)
    {
      g_test_skip ("NVML is present here");
      return;
    }
  g_assert_error (error, TS_ERROR, TS_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "NVML is not available"));
  g_autofree char *err = NULL;
  g_assert_cmpint (tu_tiersim (NULL, &err, "calibrate", "--power", "5", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--power: NVML is not available"));
}

/* game.cfg: two apps whose kernels alternate on the GPU, A's first.  With a and b kernels per
 * request (2: short, 3: full), the k-th kernel of the app with fewer ends at 2k - 1 (A) or 2k
 * (B) ms, and the other's last at a + b ms (B's at 2b when A has more):
 *   (A, B) = (short, short): 3, 4 ms   (short, full): 3, 5   (full, short): 5, 4   (full, full): 5, 6.
 * Utility 1 x accuracy - latency / 3 ms (the full model's solo time):
 *   A: short -0.6 whatever B does; full -0.7667: short is dominant, by 1/6.
 *   B: beside A short, full -0.7667 beats short -0.9333; beside A full, short -0.9333 beats full -1.1.
 * The one equilibrium is (short, full), settings (1, 0) (setting 0 is the deepest exit); every other
 * joint setting leaves some app 1/6 to gain.  It is also the centralised optimum (-1.3667). */
#define EPS 0.01
static const double game_u[2][2][2] = {  /* [A][B][app], settings 0 full, 1 short */
  { { 0.9 - 5 / 3.0, 0.9 - 6 / 3.0 }, { 0.9 - 5 / 3.0, 0.4 - 4 / 3.0 } },
  { { 0.4 - 3 / 3.0, 0.9 - 5 / 3.0 }, { 0.4 - 3 / 3.0, 0.4 - 4 / 3.0 } },
};

static void
test_game_hand (void)
{
  g_autoptr (TsScenario) scn = load ("game.cfg", NULL);
  TsAppParams p;
  ts_app_params (scn, &ts_policy_app, &p);
  g_assert_cmpuint (ts_app_n_settings (scn, 0, &p), ==, 2);
  for (guint a = 0; a < 2; a++)
    for (guint b = 0; b < 2; b++)
      {
        guint s[2] = { a, b }, best[2];
        double u[2], gap, gain[2];
        g_assert_true (ts_app_evaluate (scn, &p, s, u, NULL, NULL));
        g_assert_cmpfloat (fabs (u[0] - game_u[a][b][0]), <, 1e-9);
        g_assert_cmpfloat (fabs (u[1] - game_u[a][b][1]), <, 1e-9);
        g_assert_true (ts_app_gap (scn, &p, s, &gap, best, gain, NULL));
        if (a == 1 && b == 0)
          g_assert_cmpfloat (gap, <=, EPS);
        else
          {
            g_assert_cmpfloat (gap, >, EPS);
            g_assert_cmpfloat (fabs (gap - 1 / 6.0), <, 1e-9);
          }
        g_assert_cmpuint (best[0], ==, 1);          /* A: short, always */
        g_assert_cmpuint (best[1], ==, a == 1 ? 0 : 1);  /* B: the opposite of A */
      }
  guint opt[2];
  double welfare;
  gboolean searched;
  g_assert_true (ts_app_optimum (scn, &p, 16, opt, &welfare, &searched, NULL));
  g_assert_true (searched);
  g_assert_cmpuint (opt[0], ==, 1);
  g_assert_cmpuint (opt[1], ==, 0);
  g_assert_cmpfloat (fabs (welfare - (0.4 - 1 + 0.9 - 5 / 3.0)), <, 1e-9);
  g_assert_false (ts_app_optimum (scn, &p, 3, opt, &welfare, &searched, NULL));
  g_assert_false (searched);
}

/* Trains both kinds of agents on the game: they converge to its equilibrium; training is a pure
 * function of the seed (twice the same agents, byte for byte); saved agents load back to the same
 * file and the same learned settings. */
static void
check_game_training (const TsPolicyClass *cls, guint episodes)
{
  g_autoptr (TsScenario) scn = load ("game.cfg", NULL);
  TsAppParams p;
  ts_app_params (scn, cls, &p);
  char *files[2] = { NULL, NULL };
  g_autofree char *dir = g_dir_make_tmp ("tiersim-open-XXXXXX", NULL);
  for (guint run_i = 0; run_i < 2; run_i++)
    {
      TsAgent **agents = ts_app_agents_new (scn);
      TsTrainStats st;
      g_autoptr (GError) error = NULL;
      g_assert_true (ts_app_train (scn, cls, &p, agents, episodes, &st, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (st.episodes, ==, episodes);
      guint learned[2], gbest[2];
      g_assert_true (ts_app_learned (scn, cls, &p, agents, learned, NULL));
      g_test_message ("%s: learned (%u, %u) after %u episodes, %.3f simulated s, %.3f CPU s", cls->name,
                      learned[0], learned[1], episodes, st.sim_s, st.cpu_s);
      g_assert_cmpuint (learned[0], ==, 1);
      g_assert_cmpuint (learned[1], ==, 0);
      double gap, gain[2];
      g_assert_true (ts_app_gap (scn, &p, learned, &gap, gbest, gain, NULL));
      g_assert_cmpfloat (gap, <=, EPS);
      g_autofree char *path = g_strdup_printf ("%s/agents%u.ini", dir, run_i);
      g_assert_true (ts_app_agents_save (scn, agents, path, NULL));
      g_assert_true (g_file_get_contents (path, &files[run_i], NULL, NULL));
      /* loaded back: the same file, the same learned settings */
      TsAgent **again = ts_app_agents_new (scn);
      g_assert_true (ts_app_agents_load (scn, again, path, &error));
      g_autofree char *path2 = g_strdup_printf ("%s/again%u.ini", dir, run_i);
      g_assert_true (ts_app_agents_save (scn, again, path2, NULL));
      g_autofree char *text2 = NULL;
      g_assert_true (g_file_get_contents (path2, &text2, NULL, NULL));
      g_assert_cmpstr (text2, ==, files[run_i]);
      guint learned2[2];
      g_assert_true (ts_app_learned (scn, cls, &p, again, learned2, NULL));
      g_assert_cmpuint (learned2[0], ==, learned[0]);
      g_assert_cmpuint (learned2[1], ==, learned[1]);
      ts_app_agents_free (scn, again);
      ts_app_agents_free (scn, agents);
      g_unlink (path);
      g_unlink (path2);
    }
  g_assert_cmpstr (files[0], ==, files[1]);
  g_free (files[0]);
  g_free (files[1]);
  g_rmdir (dir);
}

/* Training continues across runs: k episodes, saved, then m more, ends with the same agents (byte
 * for byte) as k then m episodes in one process: a saved agent keeps its values or weights, its
 * replay buffer and its generator. */
static void
check_resume (const TsPolicyClass *cls)
{
  const TsOverride ov[] = { { "duration", "0.5", "test" }, { NULL, NULL, NULL } };
  g_autoptr (TsScenario) phone = load ("../../scenarios/open-phone.cfg", ov);
  TsAppParams p;
  ts_app_params (phone, cls, &p);
  g_autofree char *dir = g_dir_make_tmp ("tiersim-open-XXXXXX", NULL);
  g_autofree char *mid = g_build_filename (dir, "mid.ini", NULL), *one = g_build_filename (dir, "one.ini", NULL),
                  *two = g_build_filename (dir, "two.ini", NULL);
  TsTrainStats st;
  TsAgent **a = ts_app_agents_new (phone), **b = ts_app_agents_new (phone);
  g_assert_true (ts_app_train (phone, cls, &p, a, 3, &st, NULL));
  g_assert_true (ts_app_agents_save (phone, a, mid, NULL));
  g_assert_true (ts_app_train (phone, cls, &p, a, 2, &st, NULL));
  g_assert_true (ts_app_agents_save (phone, a, one, NULL));
  g_assert_true (ts_app_agents_load (phone, b, mid, NULL));
  g_assert_true (ts_app_train (phone, cls, &p, b, 2, &st, NULL));
  g_assert_true (ts_app_agents_save (phone, b, two, NULL));
  g_autofree char *t_mid = NULL, *t1 = NULL, *t2 = NULL;
  g_assert_true (g_file_get_contents (mid, &t_mid, NULL, NULL));
  g_assert_true (g_file_get_contents (one, &t1, NULL, NULL));
  g_assert_true (g_file_get_contents (two, &t2, NULL, NULL));
  g_assert_cmpstr (t1, !=, t_mid);   /* the last two episodes taught them something */
  g_assert_cmpstr (t1, ==, t2);
  ts_app_agents_free (phone, a);
  ts_app_agents_free (phone, b);
  tu_rm_rf (dir);
}

static void test_resume_bandit (void) { check_resume (&ts_policy_app_bandit); }
static void test_resume_drl (void) { check_resume (&ts_policy_app_drl); }

static void test_game_bandit (void) { check_game_training (&ts_policy_app_bandit, 30); }
static void test_game_drl (void) { check_game_training (&ts_policy_app_drl, 60); }

/* Learning apps in a sweep give the same points.csv at -j 1 and -j 2 (each app's agent draws
 * from its own generator; FANN's rand() weights are overwritten). */
static void
test_sweep_any_j (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-open-XXXXXX", NULL);
  g_autofree char *d1 = g_build_filename (tmp, "j1", NULL), *d2 = g_build_filename (tmp, "j2", NULL);
  g_autofree char *sweep = tu_data ("open-sweep.cfg");
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-j", "1", "-o", d1, NULL), ==, 0);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-j", "2", "-o", d2, NULL), ==, 0);
  g_autofree char *p1 = tu_slurp (d1, "points.csv"), *p2 = tu_slurp (d2, "points.csv");
  g_assert_cmpstr (p1, ==, p2);
  g_assert_nonnull (strstr (p1, ",energy_per_job_mj,avg_power_w\n"));
  tu_rm_rf (tmp);
}

/* tiersim adapt on the game: the equilibrium, agents saved and loaded (0 more episodes: the same
 * learned settings), bad usage and bad files. */
static void
test_adapt_cli (void)
{
  g_autofree char *game = tu_data ("game.cfg");
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-open-XXXXXX", NULL);
  g_autofree char *saved = g_build_filename (tmp, "agents.ini", NULL);
  g_autofree char *out = NULL, *out2 = NULL, *err = NULL;
  g_assert_cmpint (tu_tiersim (&out, NULL, "adapt", game, "-e", "30", "--save", saved, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "learned 0.0000 (an epsilon-equilibrium)   default 0.1667 (not an equilibrium)"));
  g_assert_nonnull (strstr (out, "A    tier=low pacing=all exit=exit0"));
  g_assert_cmpint (tu_tiersim (&out2, NULL, "adapt", game, "-e", "0", "--load", saved, NULL), ==, 0);
  g_assert_nonnull (strstr (out2, "A    tier=low pacing=all exit=exit0"));
  g_assert_nonnull (strstr (out2, "learned 0.0000 (an epsilon-equilibrium)"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (tu_tiersim (NULL, &err, "adapt", game, "--agent", "dqn", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--agent must be bandit or drl"));
  g_clear_pointer (&err, g_free);
  /* a drl run cannot start from bandit agents */
  g_assert_cmpint (tu_tiersim (NULL, &err, "adapt", game, "-a", "drl", "--load", saved, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "the loaded agent has 2 settings (bandit)"));
  g_clear_pointer (&err, g_free);
  g_assert_true (g_file_set_contents (saved, "[tiersim]\nformat=app agents 1\n[task A]\nkind=bandit\n", -1, NULL));
  g_assert_cmpint (tu_tiersim (NULL, &err, "adapt", game, "--load", saved, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "agents.ini: [task A]"));
  tu_rm_rf (tmp);
}

/* ---- the processor knob (apps on a profile with DLAs) ---- */

static const TsOverride *
proc_overrides (void)
{
  /* tests/data/dla/two-apps.cfg, released every 40 us with a 40 us deadline: each app's request
   * takes 10 us on the GPU and 17 us on the DLA (one-conv.cfg) */
  static const TsOverride ov[] = {
    { "tasks.[0].arrival", "{ type = \"periodic\"; period_ms = 0.040; }", "test" },
    { "tasks.[1].arrival", "{ type = \"periodic\"; period_ms = 0.040; }", "test" },
    { "tasks.[0].deadline_ms", "0.040", "test" },
    { "tasks.[1].deadline_ms", "0.040", "test" },
    { "policy_params", "{ app = { knob_tier = 0; knob_pacing = 0; }; }", "test" },
    { NULL, NULL, NULL },
  };
  return ov;
}

/* Two apps of one convolution on gpu-dla.cfg (GPU 10 us, one DLA 17 us, no contention), released
 * together (a first) every 40 us; settings 0 the GPU, 1 the DLA.  A processor runs one request at
 * a time (each fills the GPU; the DLA is a FIFO), a's first:
 *   (GPU, GPU): a 10, b 20 us   (GPU, DLA): a 10, b 17   (DLA, GPU): a 17, b 10   (DLA, DLA): a 17, b 34.
 * Utility 1 - latency / 10 us (L: the GPU solo time; accuracy 1, every request within 40 us).
 * a: the GPU is dominant (0 against -0.7).  b: beside a on the GPU, the busy GPU costs it 20 us
 * and the idle DLA 17, so it moves to the DLA (-0.7 against -1.0, a gain of 0.3); beside a on the
 * DLA, the GPU (0 against -2.4).  The one equilibrium is (GPU, DLA). */
static const double proc_u[2][2][2] = {  /* [a][b][app] */
  { { 0.0, -1.0 }, { 0.0, -0.7 } },
  { { -0.7, 0.0 }, { -0.7, -2.4 } },
};
static const double proc_gap[2][2] = { { 0.3, 0.0 }, { 0.7, 2.4 } };

static void
test_proc_hand (void)
{
  g_autoptr (TsScenario) scn = load ("dla/two-apps.cfg", proc_overrides ());
  TsAppParams p;
  ts_app_params (scn, &ts_policy_app, &p);
  g_assert_cmpuint (ts_app_n_settings (scn, 1, &p), ==, 2);
  g_autofree char *n0 = ts_app_setting_name (scn, 1, &p, 0), *n1 = ts_app_setting_name (scn, 1, &p, 1);
  g_assert_cmpstr (n0, ==, "tier=low pacing=all exit=full proc=gpu");
  g_assert_cmpstr (n1, ==, "tier=low pacing=all exit=full proc=dla0");
  for (guint a = 0; a < 2; a++)
    for (guint b = 0; b < 2; b++)
      {
        guint s[2] = { a, b }, best[2];
        double u[2], gap, gain[2];
        g_assert_true (ts_app_evaluate (scn, &p, s, u, NULL, NULL));
        g_assert_cmpfloat (fabs (u[0] - proc_u[a][b][0]), <, 1e-9);
        g_assert_cmpfloat (fabs (u[1] - proc_u[a][b][1]), <, 1e-9);
        g_assert_true (ts_app_gap (scn, &p, s, &gap, best, gain, NULL));
        g_assert_cmpfloat (fabs (gap - proc_gap[a][b]), <, 1e-9);
        g_assert_cmpuint (best[0], ==, 0);               /* a: the GPU, always */
        g_assert_cmpuint (best[1], ==, a == 0 ? 1 : 0);  /* b: the processor a leaves free */
      }
  /* the optimum's total is -0.7, at (GPU, DLA) or (DLA, GPU) */
  guint opt[2];
  double welfare;
  gboolean searched;
  g_assert_true (ts_app_optimum (scn, &p, 4, opt, &welfare, &searched, NULL));
  g_assert_true (searched);
  g_assert_cmpfloat (fabs (welfare + 0.7), <, 1e-9);
  g_assert_cmpuint (opt[0] + opt[1], ==, 1);
  g_assert_false (ts_app_optimum (scn, &p, 3, opt, &welfare, &searched, NULL));

  /* a bandit learns the equilibrium: b to the DLA */
  const TsOverride learn[] = { { "policy_params", "{ app-bandit = { knob_tier = 0; knob_pacing = 0; epoch = 1; epsilon = 0.2; }; }", "test" },
                               { NULL, NULL, NULL } };
  /* the same scenario, the bandit's parameters in place of app's */
  TsOverride ov[8];
  const TsOverride *base = proc_overrides ();
  guint k = 0;
  for (; base[k].path != NULL; k++)
    ov[k] = strcmp (base[k].path, "policy_params") == 0 ? learn[0] : base[k];
  ov[k] = (TsOverride) { NULL, NULL, NULL };
  g_autoptr (TsScenario) bscn = load ("dla/two-apps.cfg", ov);
  TsAppParams bp;
  ts_app_params (bscn, &ts_policy_app_bandit, &bp);
  TsAgent **agents = ts_app_agents_new (bscn);
  TsTrainStats st;
  g_assert_true (ts_app_train (bscn, &ts_policy_app_bandit, &bp, agents, 30, &st, NULL));
  guint learned[2];
  g_assert_true (ts_app_learned (bscn, &ts_policy_app_bandit, &bp, agents, learned, NULL));
  g_assert_cmpuint (learned[0], ==, 0);
  g_assert_cmpuint (learned[1], ==, 1);
  ts_app_agents_free (bscn, agents);
}

/* One app alone on gpu-dla.cfg every 40 us (deadline 40 us), latency weighed against the GPU solo
 * time L of its full model; layers the DLA lacks (gemm) fall back to the GPU, 5 us per hand-off.
 *   conv-fc-conv.cfg on the DLA: c1 3 + 5 + fc 3 + 5 + c2 5 = 21 us (GPU: 10 us): u = 1 - 2.1.
 *   conv-exit.cfg, L = 3 + 4 + 3 = 10 us; settings (exit, proc) = (proc x 2 + exit):
 *     0 full  GPU 10 us, acc 0.9: -0.1      1 short GPU c1 3 + h0 3 = 6 us, acc 0.5: -0.1
 *     2 full  DLA c1 3 + c2 5 + 5 + h1 3 = 16 us: -0.7
 *     3 short DLA c1 3 + 5 + h0 3 = 11 us: -0.6 */
static void
test_proc_fallback (void)
{
  static const struct { const char *model; guint n; double u[4]; } cases[] = {
    { "\"conv-fc-conv.cfg\"", 2, { 0.0, 1 - 2.1 } },
    { "\"conv-exit.cfg\"", 4, { 0.9 - 1.0, 0.5 - 0.6, 0.9 - 1.6, 0.5 - 1.1 } },
  };
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      const TsOverride ov[] = {
        { "tasks.[0].model", cases[c].model, "test" },
        { "tasks.[0].arrival", "{ type = \"periodic\"; period_ms = 0.040; }", "test" },
        { "tasks.[0].deadline_ms", "0.040", "test" },
        { "policy_params", "{ app = { knob_tier = 0; knob_pacing = 0; }; }", "test" },
        { NULL, NULL, NULL },
      };
      g_autoptr (TsScenario) scn = load ("dla/one-app.cfg", ov);
      TsAppParams p;
      ts_app_params (scn, &ts_policy_app, &p);
      g_assert_cmpuint (ts_app_n_settings (scn, 0, &p), ==, cases[c].n);
      for (guint s = 0; s < cases[c].n; s++)
        {
          double u;
          g_autoptr (TsRunResult) res = NULL;
          g_assert_true (ts_app_evaluate (scn, &p, &s, &u, &res, NULL));
          g_test_message ("%s setting %u: utility %.4f", cases[c].model, s, u);
          g_assert_cmpfloat (fabs (u - cases[c].u[s]), <, 1e-9);
          g_assert_cmpuint (res->jobs->len, >, 0);
        }
    }
}

/* Where there is no processor to choose, the settings are those of the other knobs alone: a
 * profile without DLAs (the game on test4, open-phone on Xavier NX), knob_proc = 0, and DLAs that
 * run no layer of the app's model.  On Xavier AGX (2 DLAs) open-phone's apps have 3 processors. */
static void
test_proc_absent (void)
{
  g_autoptr (TsScenario) game = load ("game.cfg", NULL);
  TsAppParams p;
  ts_app_params (game, &ts_policy_app, &p);
  g_assert_true (p.knob_proc);
  g_assert_cmpuint (ts_app_n_settings (game, 0, &p), ==, 2);
  g_autofree char *name = ts_app_setting_name (game, 0, &p, 1);
  g_assert_cmpstr (name, ==, "tier=low pacing=all exit=exit0");

  g_autoptr (TsScenario) phone = load ("../../scenarios/open-phone.cfg", NULL);
  const TsOverride agx[] = { { "profile", "\"jetson-agx-xavier\"", "test" }, { NULL, NULL, NULL } };
  g_autoptr (TsScenario) phone_agx = load ("../../scenarios/open-phone.cfg", agx);
  ts_app_params (phone, &ts_policy_app, &p);
  for (guint t = 0; t < phone->n_tasks; t++)
    {
      const TsModel *m = phone->tasks[t].model;
      guint others = 2 * 3 * (m->n_exits > 1 ? m->n_exits : 1);  /* tiers x pacing x exits */
      g_assert_cmpuint (ts_app_n_settings (phone, t, &p), ==, others);
      g_assert_cmpuint (ts_app_n_settings (phone_agx, t, &p), ==, others * 3);
      g_autofree char *last = ts_app_setting_name (phone_agx, t, &p, others * 3 - 1);
      g_assert_true (g_str_has_suffix (last, " proc=dla1"));
    }

  g_autoptr (TsScenario) two = load ("dla/two-apps.cfg", proc_overrides ());
  ts_app_params (two, &ts_policy_app, &p);
  p.knob_proc = FALSE;
  g_assert_cmpuint (ts_app_n_settings (two, 0, &p), ==, 1);
  TsOverride pool[8];
  const TsOverride *base = proc_overrides ();
  guint k = 0;
  for (; base[k].path != NULL; k++)
    pool[k] = base[k];
  pool[k++] = (TsOverride) { "profile.dla.supports", "[ \"pool\" ]", "test" };
  pool[k] = (TsOverride) { NULL, NULL, NULL };
  g_autoptr (TsScenario) nodla = load ("dla/two-apps.cfg", pool);
  ts_app_params (nodla, &ts_policy_app, &p);
  g_assert_cmpuint (ts_app_n_settings (nodla, 0, &p), ==, 1);  /* a convolution: the DLA runs no layer */
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/open/join-leave", test_join_leave);
  g_test_add_func ("/open/utilisation", test_utilisation);
  g_test_add_func ("/open/closed-lifetime", test_closed_lifetime);
  g_test_add_func ("/open/onoff", test_onoff);
  g_test_add_func ("/open/lifetime-errors", test_lifetime_errors);
  g_test_add_func ("/open/energy-hand", test_energy_hand);
  g_test_add_func ("/open/nvml-missing", test_nvml_missing);
  g_test_add_func ("/open/game-hand", test_game_hand);
  g_test_add_func ("/open/game-bandit", test_game_bandit);
  g_test_add_func ("/open/game-drl", test_game_drl);
  g_test_add_func ("/open/resume-bandit", test_resume_bandit);
  g_test_add_func ("/open/resume-drl", test_resume_drl);
  g_test_add_func ("/open/sweep-any-j", test_sweep_any_j);
  g_test_add_func ("/open/adapt-cli", test_adapt_cli);
  g_test_add_func ("/open/proc-hand", test_proc_hand);
  g_test_add_func ("/open/proc-fallback", test_proc_fallback);
  g_test_add_func ("/open/proc-absent", test_proc_absent);
  return g_test_run ();
}
