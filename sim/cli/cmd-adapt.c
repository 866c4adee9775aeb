/* tiersim adapt: train the apps' own agents over simulated episodes, then compare what they
 * learned with no adaptation and with the centralised optimum, and measure the equilibrium gap
 * (issue 19; policies/app.h). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/cli/cmd.h"
#include "sim/metrics.h"
#include "policies/app.h"
#include "sim/io.h"
#include "sim/load/load.h"

/* Per-task stats of `app` runs at settings s, and its utilities. */
static gboolean
evaluate (const TsScenario *scn, const TsAppParams *p, const guint *s, TsStats *st, TsStats *tot, double *u,
          GError **error)
{
  g_autoptr (TsRunResult) res = NULL;
  if (!ts_app_evaluate (scn, p, s, u, &res, error))
    return FALSE;
  ts_stats_tasks (scn, res, st);
  ts_stats_total (scn, res, -1, tot);
  return TRUE;
}

static double
sum (const double *v, guint n)
{
  double w = 0;
  for (guint i = 0; i < n; i++)
    w += isnan (v[i]) ? 0 : v[i];
  return w;
}

/* Job-weighted mean latency over the tasks. */
static double
mean_latency (const TsStats *st, guint n)
{
  double s = 0;
  guint k = 0;
  for (guint i = 0; i < n; i++)
    if (st[i].n_lat > 0)
      s += st[i].lat_mean_ms * st[i].n_lat, k += st[i].n_lat;
  return k > 0 ? s / k : NAN;
}

static gboolean
adapt_main (const TsCommand *cmd, int argc, char **argv, GError **error)
{
  g_autofree char *agent = NULL, *load = NULL, *save = NULL, *profile = NULL, *duration = NULL, *seed = NULL;
  int episodes = 50, limit = 256;
  double epsilon = 0.01;
  const GOptionEntry entries[] = {
    { "agent", 'a', 0, G_OPTION_ARG_STRING, &agent, "The apps' agents: bandit (default) or drl", "KIND" },
    { "episodes", 'e', 0, G_OPTION_ARG_INT, &episodes, "Training episodes, 0 to 1000000 (default 50)", "N" },
    { "load", 0, 0, G_OPTION_ARG_FILENAME, &load, "Start from the agents saved in FILE", "FILE" },
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &save, "Save the trained agents to FILE", "FILE" },
    { "epsilon", 0, 0, G_OPTION_ARG_DOUBLE, &epsilon,
      "Tolerance of the equilibrium check: an app's gain from changing alone (default 0.01)", "E" },
    { "optimum-limit", 0, 0, G_OPTION_ARG_INT, &limit,
      "Search the centralised optimum only among at most N joint settings (default 256; 0: never)", "N" },
    TS_PROFILE_ENTRY (&profile),
    { "duration", 'd', 0, G_OPTION_ARG_STRING, &duration, "Seconds per episode (default: the scenario's)", "S" },
    { "seed", 's', 0, G_OPTION_ARG_STRING, &seed, "Seed of the evaluation episode; training uses the next ones", "N" },
    { 0 },
  };
  if (!ts_cmd_parse (cmd, entries, &argc, &argv, error))
    return FALSE;
  const TsPolicyClass *cls = agent == NULL || strcmp (agent, "bandit") == 0 ? &ts_policy_app_bandit
                             : strcmp (agent, "drl") == 0                 ? &ts_policy_app_drl
                                                                          : NULL;
  if (argc != 2)
    return ts_cmd_usage (error, "name one scenario");
  if (cls == NULL)
    return ts_cmd_usage (error, "--agent must be bandit or drl (got '%s')", agent);
  if (episodes < 0 || episodes > 1000000)
    return ts_cmd_usage (error, "--episodes must be 0 to 1000000 (got %d)", episodes);
  if (limit < 0)
    return ts_cmd_usage (error, "--optimum-limit must be >= 0 (got %d)", limit);
  if (!(epsilon >= 0) || isinf (epsilon))
    return ts_cmd_usage (error, "--epsilon must be >= 0 (got %g)", epsilon);
  g_autofree char *profile_value = profile != NULL ? ts_cmd_profile_literal (profile) : NULL;
  const TsOverride overrides[] = { { profile != NULL ? "profile" : NULL, profile_value, "--profile" }, { NULL, NULL, NULL } };
  g_autoptr (TsScenario) scn = ts_scenario_load_with (argv[1], overrides, error);
  if (scn == NULL || !ts_cmd_apply_overrides (scn, NULL, seed, duration, error)
      || (save != NULL && !ts_output_check (save, error)))
    return FALSE;

  TsAppParams p;
  ts_app_params (scn, cls, &p);
  guint n = scn->n_tasks;
  TsAgent **agents = ts_app_agents_new (scn);
  g_autofree guint *learned = g_new0 (guint, n), *dflt = g_new0 (guint, n), *opt = g_new0 (guint, n);
  g_autofree guint *best = g_new0 (guint, n);
  g_autofree double *gain = g_new0 (double, n), *u_l = g_new0 (double, n), *u_d = g_new0 (double, n);
  g_autofree TsStats *st_l = g_new0 (TsStats, n), *st_d = g_new0 (TsStats, n);
  TsStats tot_l, tot_d;
  TsTrainStats train = { 0 };
  double gap_l, gap_d, w_opt = NAN;
  gboolean searched = FALSE;
  gboolean ok = (load == NULL || ts_app_agents_load (scn, agents, load, error))
                && ts_app_train (scn, cls, &p, agents, (guint) episodes, &train, error)
                && (save == NULL || ts_app_agents_save (scn, agents, save, error))
                && ts_app_learned (scn, cls, &p, agents, learned, error)
                && evaluate (scn, &p, learned, st_l, &tot_l, u_l, error)
                && evaluate (scn, &p, dflt, st_d, &tot_d, u_d, error)
                && ts_app_gap (scn, &p, learned, &gap_l, best, gain, error);
  g_autofree guint *best_d = g_new0 (guint, n);
  g_autofree double *gain_d = g_new0 (double, n);
  ok = ok && ts_app_gap (scn, &p, dflt, &gap_d, best_d, gain_d, error);
  if (ok && limit > 0 && !ts_app_optimum (scn, &p, (guint) limit, opt, &w_opt, &searched, error) && *error != NULL)
    ok = FALSE;
  if (!ok)
    {
      ts_app_agents_free (scn, agents);
      return FALSE;
    }

  printf ("scenario %s (%s): %u apps, profile %s%s, energy weight %.2f, accuracy weight %.2f\n", scn->name, scn->path,
          n, scn->profile->name, scn->profile->power.present ? "" : " (no power model: latency and accuracy only)",
          scn->profile->power.present ? p.energy_weight : 0.0, p.accuracy_weight);
  printf ("training: %s agents, %u episodes of %.3f s: %.1f simulated s in %.2f CPU s (%.2f wall s)%s%s\n",
          cls == &ts_policy_app_drl ? "drl" : "bandit", train.episodes, (double) scn->duration / TS_NS_PER_S,
          train.sim_s, train.cpu_s, train.wall_s, load != NULL ? ", from " : "", load != NULL ? load : "");
  int w = 4, sw = 34;  /* a setting with a processor (proc=dla1) may be longer than 34 */
  for (guint t = 0; t < n; t++)
    {
      g_autofree char *name = ts_app_setting_name (scn, t, &p, learned[t]);
      w = MAX (w, (int) strlen (scn->tasks[t].name));
      sw = MAX (sw, (int) strlen (name));
    }
  printf ("\n%-*s %-*s %9s %9s %7s %9s %9s %7s %6s %6s %8s %8s\n", w, "app", sw, "learned setting", "lat_def", "lat_lrn",
          "speedup", "mJ_def", "mJ_lrn", "saving", "acc_d", "acc_l", "util_d", "util_l");
  for (guint t = 0; t < n; t++)
    {
      g_autofree char *name = ts_app_setting_name (scn, t, &p, learned[t]);
      printf ("%-*s %-*s %9.3f %9.3f %7.3f %9.3f %9.3f %7.3f %6.3f %6.3f %8.4f %8.4f\n", w, scn->tasks[t].name, sw, name,
              st_d[t].lat_mean_ms, st_l[t].lat_mean_ms, st_d[t].lat_mean_ms / st_l[t].lat_mean_ms,
              st_d[t].energy_per_job_mj, st_l[t].energy_per_job_mj,
              1 - st_l[t].energy_per_job_mj / st_d[t].energy_per_job_mj, st_d[t].accuracy, st_l[t].accuracy, u_d[t],
              u_l[t]);
    }
  double ml_d = mean_latency (st_d, n), ml_l = mean_latency (st_l, n);
  printf ("%-*s %-*s %9.3f %9.3f %7.3f %9.3f %9.3f %7.3f %6.3f %6.3f %8.4f %8.4f\n", w, "(all)", sw, "", ml_d, ml_l,
          ml_d / ml_l, tot_d.energy_per_job_mj, tot_l.energy_per_job_mj,
          1 - tot_l.energy_per_job_mj / tot_d.energy_per_job_mj, tot_d.accuracy, tot_l.accuracy, sum (u_d, n),
          sum (u_l, n));
  printf ("\nequilibrium gap (most utility an app gains by changing alone; epsilon %g):\n", epsilon);
  printf ("  learned %.4f (%s)   default %.4f (%s)\n", gap_l, gap_l <= epsilon ? "an epsilon-equilibrium" : "not an equilibrium",
          gap_d, gap_d <= epsilon ? "an epsilon-equilibrium" : "not an equilibrium");
  for (guint t = 0; t < n; t++)
    if (gain[t] > epsilon)
      {
        g_autofree char *name = ts_app_setting_name (scn, t, &p, best[t]);
        printf ("  %s gains %.4f by %s\n", scn->tasks[t].name, gain[t], name);
      }
  if (searched)
    {
      double w_l = sum (u_l, n), w_d = sum (u_d, n);
      printf ("centralised optimum (total utility, every joint setting simulated): %.4f; learned %.4f (%.4f below, "
              "%.1f%%), default %.4f\n", w_opt, w_l, w_opt - w_l, 100 * (w_opt - w_l) / fabs (w_opt), w_d);
      for (guint t = 0; t < n; t++)
        {
          g_autofree char *name = ts_app_setting_name (scn, t, &p, opt[t]);
          printf ("  %-*s %s\n", w, scn->tasks[t].name, name);
        }
    }
  else if (limit > 0)
    printf ("centralised optimum: not searched (more than %d joint settings; see --optimum-limit)\n", limit);
  if (save != NULL)
    printf ("agents saved to %s\n", save);
  ts_app_agents_free (scn, agents);
  return TRUE;
}

const TsCommand ts_command_adapt = {
  .name = "adapt",
  .params = "SCENARIO",
  .summary = "train per-app agents, compare with no adaptation and the optimum, check the equilibrium",
  .help =
    "Trains every app's own agent (policies/app.h: app-bandit or app-drl, as the scenario's\n"
    "policy_params for it say) over simulated episodes, the scenario at successive seeds, and reports:\n"
    "the settings the apps learned; per app and overall, the speedup (mean latency) and energy\n"
    "saving (energy per job) of those settings over the default (no adaptation: the `app` policy);\n"
    "the equilibrium gap, the most any app gains by changing its setting alone (best response by\n"
    "simulation), at the learned and the default settings; and, where the joint settings are few\n"
    "enough, the centralised optimum (the most total utility) by simulating every one of them.\n"
    "Evaluation runs at the scenario's seed, which training never uses.  Training time is given in\n"
    "simulated and CPU seconds.",
  .fn = adapt_main,
};
