/* tiersim run: simulate a scenario under its policies and report. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli/cmd.h"
#include "sim/load/durations.h"
#include "sim/out/plot.h"
#include "policies/registry.h"
#include "sim/out/provenance.h"
#include "real_backend/realgpu.h"
#include "sim/out/report.h"
#include "sim/out/trace.h"
#include "sim/io.h"
#include "sim/load/load.h"
#include "sim/backend-sim.h"


static void
print_header (const TsScenario *scn)
{
  static const char *const contention[] = { "sm+memory", "sm", "none" };
  printf ("scenario %s (%s): %.3f s, seed %" G_GUINT64_FORMAT ", profile %s (%s), contention %s\n", scn->name,
          scn->path, (double) scn->duration / TS_NS_PER_S, scn->seed, scn->profile->name, scn->profile->source,
          contention[scn->profile->contention_rule]);
  for (guint i = 0; i < scn->n_tasks; i++)
    {
      const TsTask *t = &scn->tasks[i];
      printf ("  task %-16s %s  %-14s %-11s solo %.3f ms", t->name, t->cls == TS_CLASS_RT ? "rt" : "be",
              t->model->name, ts_arrival_name (t->arrival.kind), ts_time_to_ms (t->model->solo));
      if (t->arrival.kind == TS_ARRIVAL_PERIODIC)
        printf (", period %.3f ms", ts_time_to_ms (t->arrival.period));
      else if (t->arrival.kind == TS_ARRIVAL_POISSON)
        printf (", %.2f req/s", t->arrival.rate);
      if (t->deadline > 0)
        printf (", deadline %.3f ms", ts_time_to_ms (t->deadline));
      printf ("\n");
    }
  for (guint i = 0; i < scn->models->len; i++)
    {
      const TsModel *m = scn->models->pdata[i];
      g_autofree char *how = ts_model_durations_describe (m, scn->profile);
      printf ("  model %-16s durations %s\n", m->name, how);
    }
  printf ("\n");
}

/* One policy's run, done by a worker thread: the scenario, the policy class and the registry
 * are read-only during runs, and each run owns its engine, GPU, random streams and results, so
 * runs share nothing they write (the trace, which they would share, runs them one at a time). */
typedef struct {
  const TsPolicyClass *cls;
  TsRunResult *res;
  GError *error;
} PolicyRun;

typedef struct {
  const TsScenario *scn;
  GMutex lock;
  guint done, n;
  gboolean progress;    /* stderr is a terminal */
  gint64 t0;
} RunAll;

/* On a terminal, one line on stderr rewritten as policies finish; nothing elsewhere, so that logs
 * and pipes get only the results. */
static void
progress (RunAll *all, const char *last)
{
  if (!all->progress)
    return;
  double s = (g_get_monotonic_time () - all->t0) / 1e6;
  if (all->done == all->n)
    fprintf (stderr, "\r\033[K");
  else if (last == NULL)
    fprintf (stderr, "\r\033[Krun: 0/%u policies done", all->n);
  else
    fprintf (stderr, "\r\033[Krun: %u/%u policies done (last: %s), %.1f s", all->done, all->n, last, s);
  fflush (stderr);
}

static void
run_worker (gpointer data, gpointer user)
{
  PolicyRun *pr = data;
  RunAll *all = user;
  pr->res = ts_run (all->scn, pr->cls, &pr->error);
  g_mutex_lock (&all->lock);
  all->done++;
  progress (all, pr->cls->name);
  g_mutex_unlock (&all->lock);
}

static gboolean
run_main (const TsCommand *cmd, int argc, char **argv, GError **error)
{
  g_auto (GStrv) policies = NULL, sets = NULL;
  g_autofree char *outdir = NULL, *seed = NULL, *duration = NULL;
  gboolean quiet = FALSE, plot = FALSE, wide = FALSE;
  gint jobs = (gint) g_get_num_processors ();
  g_autofree char *trace_file = NULL, *window = NULL, *backend = NULL, *profile = NULL;
  g_auto (TsRealGpuOptions) gpu_opt = { 0 };
  const GOptionEntry entries[] = {
    { "policy", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &policies,
      "Run this policy (repeatable); replaces the scenario's list", "POLICY" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &outdir,
      "Write summary.csv, jobs.csv and preemptions.csv into DIR, with run.json (version, command line, "
      "seed, policies, SHA-256 of every input file) and scenario.cfg (a copy of the scenario file)", "DIR" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed, "Override the scenario's random seed", "N" },
    { "duration", 0, 0, G_OPTION_ARG_STRING, &duration, "Override the scenario's duration", "SECONDS" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets,
      "Set a scenario key, or a profile key as profile.KEY, to a libconfig value before loading "
      "(repeatable), e.g. --set 'profile.rules.contention=\"none\"'", "KEY=VALUE" },
    TS_PROFILE_ENTRY (&profile),
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print only the table (no scenario header, column legend or speed)", NULL },
    { "wide", 'w', 0, G_OPTION_ARG_NONE, &wide,
      "Show every column of summary.csv in the table (and each RT task's mean latency relative to "
      "rt-only's); the default shows jobs, missed, dmr, lat_p50_ms, lat_p99_ms, accuracy and throughput_rps", NULL },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
      "Run up to N policies at once (default: all cores); the outputs do not depend on N.  --trace, "
      "--plot and --backend cuda run them one at a time", "N" },
    { "plot", 0, 0, G_OPTION_ARG_NONE, &plot, "With -o: also write timeline.csv and draw DIR/plots (needs gnuplot)", NULL },
    { "trace", 0, 0, G_OPTION_ARG_FILENAME, &trace_file, "Write a Chrome trace (Perfetto) of kernels, jobs and preemptions", "FILE.json" },
    { "trace-window", 0, 0, G_OPTION_ARG_STRING, &window,
      "Simulated seconds the trace and timeline cover (default: 0:1 for --trace, 0:0.05 for --plot)", "START:END" },
    { "backend", 0, 0, G_OPTION_ARG_STRING, &backend,
      "sim (default): the simulated GPU; cuda: the real GPU, in real time, with the same policy code", "BACKEND" },
    TS_REAL_GPU_ENTRIES (&gpu_opt),
    { 0 },
  };
  g_auto (GStrv) cmdline = ts_cmd_line (argc, argv);   /* for run.json: parsing takes the options out */
  if (!ts_cmd_parse (cmd, entries, &argc, &argv, error))
    return FALSE;
  if (argc > 2)
    return ts_cmd_usage (error, "one scenario at most (got %d)", argc - 1);

  if (jobs < 1 || jobs > 4096)
    return ts_cmd_usage (error, "-j must be from 1 to 4096 (got %d)", jobs);
  if (plot && outdir == NULL)
    return ts_cmd_usage (error, "--plot needs -o DIR");
  gboolean cuda = g_strcmp0 (backend, "cuda") == 0;
  if (backend != NULL && !cuda && strcmp (backend, "sim") != 0)
    return ts_cmd_usage (error, "--backend '%s' is not sim or cuda", backend);
  if (cuda && (trace_file != NULL || plot))
    return ts_cmd_usage (error, "--trace and --plot need the simulated backend (--backend sim)");
  double w0 = 0, w1 = trace_file != NULL ? 1.0 : 0.05;
  if (window != NULL)
    {
      char *end;
      g_auto (GStrv) parts = g_strsplit (window, ":", 2);
      gboolean ok = g_strv_length (parts) == 2;
      if (ok)
        w0 = g_ascii_strtod (parts[0], &end), ok = *end == '\0' && *parts[0];
      if (ok)
        w1 = g_ascii_strtod (parts[1], &end), ok = *end == '\0' && *parts[1] && w0 >= 0 && w1 > w0 && isfinite (w1);
      if (!ok)
        return ts_cmd_usage (error, "--trace-window '%s' is not START:END in seconds with 0 <= START < END", window);
    }
  guint n_sets = sets != NULL ? g_strv_length (sets) : 0;
  g_autofree TsOverride *overrides = g_new0 (TsOverride, n_sets + 2);
  for (guint i = 0; i < n_sets; i++)
    {
      char *eq = strchr (sets[i], '=');
      if (eq == NULL || eq == sets[i] || eq[1] == '\0')
        return ts_cmd_usage (error, "--set '%s' is not KEY=VALUE", sets[i]);
      *eq = '\0';  /* sets[i] is ours: split it in place into key and value */
      overrides[i] = (TsOverride) { sets[i], eq + 1, "--set" };
    }
  g_autofree char *profile_value = profile != NULL ? ts_cmd_profile_literal (profile) : NULL;
  if (profile != NULL)
    overrides[n_sets] = (TsOverride) { "profile", profile_value, "--profile" };
  g_autoptr (TsScenario) scn = ts_scenario_load_with (argc > 1 ? argv[1] : NULL, overrides, error);
  if (scn == NULL || !ts_cmd_apply_overrides (scn, policies, seed, duration, error))
    return FALSE;
  /* Outputs that could never be written are found now, not after a long run. */
  if (trace_file != NULL && !ts_output_check (trace_file, error))
    return FALSE;
  if (outdir != NULL && g_file_test (outdir, G_FILE_TEST_EXISTS) && !g_file_test (outdir, G_FILE_TEST_IS_DIR))
    return ts_cmd_usage (error, "-o %s exists and is not a folder", outdir);
  /* hashed now, as read, rather than after a run that may take long */
  g_autoptr (GHashTable) inputs = outdir != NULL ? ts_provenance_inputs_new () : NULL;
  if (inputs != NULL && !ts_provenance_add_scenario (inputs, scn, error))
    return FALSE;
  g_autoptr (TsTrace) trace = trace_file != NULL || plot
                                ? ts_trace_new (scn, ts_time_from_ms (w0 * 1000), ts_time_from_ms (w1 * 1000)) : NULL;

  g_autoptr (TsRealGpu) gpu = NULL;
  if (cuda && (gpu = ts_real_gpu_open (&gpu_opt, scn, error)) == NULL)
    return FALSE;
  if (!quiet)
    print_header (scn);
  if (gpu != NULL && !quiet)
    {
      ts_real_gpu_describe (gpu, stdout);
      printf ("\n");
    }
  guint n = g_strv_length (scn->policies);
  g_autofree PolicyRun *prs = g_new0 (PolicyRun, n);
  for (guint i = 0; i < n; i++)
    prs[i].cls = ts_policy_lookup (scn->policies[i], NULL);
  RunAll all = { scn, { 0 }, 0, n, isatty (2), g_get_monotonic_time () };
  g_mutex_init (&all.lock);
  progress (&all, NULL);
  if (gpu == NULL && trace == NULL && jobs > 1 && n > 1)
    {
      GThreadPool *pool = g_thread_pool_new (run_worker, &all, MIN (jobs, (gint) n), TRUE, NULL);
      for (guint i = 0; i < n; i++)
        g_thread_pool_push (pool, &prs[i], NULL);
      g_thread_pool_free (pool, FALSE, TRUE);
    }
  else
    for (guint i = 0; i < n && (i == 0 || prs[i - 1].res != NULL); i++)
      {
        PolicyRun *pr = &prs[i];
        if (trace != NULL)
          ts_trace_begin_run (trace, pr->cls->name);
        if (gpu != NULL)
          {
            g_autoptr (TsBackend) be = ts_real_gpu_backend (gpu);
            pr->res = ts_run_on (scn, pr->cls, be, &pr->error);
            guint resets = ts_real_gpu_resets (be);
            if (resets > 0 && !quiet)
              printf ("%s: %u resets were carried out as drain (running blocks finished)\n", pr->cls->name, resets);
          }
        else
          pr->res = ts_run_observed (scn, pr->cls, trace ? ts_trace_observer : NULL, trace, &pr->error);
        if (trace != NULL && pr->res != NULL)
          ts_trace_add_run (trace, pr->res);
        all.done++;
        progress (&all, pr->cls->name);
      }
  g_mutex_clear (&all.lock);
  if (all.progress && all.done < n)
    fprintf (stderr, "\r\033[K");
  /* the first failure in policy order, whatever order the threads ended in */
  g_autoptr (GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_run_result_free);
  for (guint i = 0; i < n; i++)
    {
      if (prs[i].error != NULL && *error == NULL)
        {
          *error = g_steal_pointer (&prs[i].error);
          g_prefix_error (error, "policy %s: ", prs[i].cls->name);
        }
      g_clear_error (&prs[i].error);
      if (prs[i].res != NULL)
        g_ptr_array_add (runs, prs[i].res);
    }
  if (*error != NULL)
    return FALSE;

  if (!quiet)
    {
      gboolean with_rel = FALSE;
      for (guint i = 0; i < n; i++)
        with_rel |= strcmp (prs[i].cls->name, "rt-only") == 0;
      ts_report_legend (stdout, wide, with_rel);
    }
  ts_report_table (stdout, scn, (TsRunResult *const *) runs->pdata, runs->len, wide);
  if (outdir != NULL
      && (!ts_report_write_dir (outdir, scn, (TsRunResult *const *) runs->pdata, runs->len, error)
          || !ts_provenance_write_run (outdir, cmdline, scn, inputs, error)))
    return FALSE;
  if (trace_file != NULL && !ts_trace_write_json (trace, trace_file, error))
    return FALSE;
  guint figures = 0;
  if (plot)
    {
      g_autofree char *tl = g_build_filename (outdir, "timeline.csv", NULL);
      if (!ts_trace_write_timeline (trace, tl, error) || !ts_plot_dir (outdir, &figures, error))
        return FALSE;
    }
  if (!quiet)
    {
      printf ("\n");
      for (guint i = 0; i < runs->len; i++)
        {
          const TsRunResult *r = runs->pdata[i];
          double sim_s = (double) r->end / TS_NS_PER_S;
          if (gpu != NULL)
            printf ("%-14s %" G_GUINT64_FORMAT " kernels on %s in %.3f s\n", r->policy, r->kernels,
                    ts_real_gpu_name (gpu), r->wall_s);
          else
            printf ("%-14s %" G_GUINT64_FORMAT " kernels, %" G_GUINT64_FORMAT " events, %.3f s simulated "
                    "in %.3f s (%.0fx real time)\n", r->policy, r->kernels, r->events, sim_s, r->wall_s,
                    r->wall_s > 0 ? sim_s / r->wall_s : INFINITY);
        }
      if (outdir != NULL)
        printf ("wrote %s/summary.csv, %s/jobs.csv, %s/preemptions.csv, %s/run.json and %s/scenario.cfg\n",
                outdir, outdir, outdir, outdir, outdir);
      if (trace_file != NULL)
        printf ("wrote %s (%.3f s to %.3f s; open it in Perfetto or chrome://tracing)\n", trace_file, w0, w1);
      if (plot)
        printf ("wrote %u figures into %s/plots\n", figures, outdir);
    }
  return TRUE;
}

const TsCommand ts_command_run = {
  .name = "run",
  .params = "[SCENARIO]",
  .summary = "simulate a scenario under one or more policies and report",
  .help =
    "Simulates SCENARIO (a file path, or the name of a shipped scenario: see 'tiersim list\n"
    "scenarios') once per policy and prints a table of per-task metrics.  Without SCENARIO the\n"
    "embedded default scenario runs (a copy of scenarios/demo.cfg compiled into the binary).\n"
    "Releases happen during the scenario's duration; each run then continues until every\n"
    "issued request has finished.\n\n"
    "With --backend cuda the scenario runs on a real NVIDIA GPU instead: each model kernel becomes\n"
    "a synthetic kernel with its grid and occupancy whose solo duration is measured to match the\n"
    "model's (--device, --work); reset is carried out as drain there (NVIDIA GPUs cannot kill\n"
    "running blocks).  See 'tiersim validate' to compare the two backends.\n\n"
    "The table's columns are summary.csv's (docs/model.md defines each metric); while policies\n"
    "run, a progress line goes to stderr when it is a terminal.",
  .fn = run_main,
};
