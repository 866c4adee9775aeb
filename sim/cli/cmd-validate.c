/* tiersim validate: run a scenario on the real GPU and on the simulator, and compare. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "sim/cli/cmd.h"
#include "policies/registry.h"
#include "real_backend/realgpu.h"
#include "sim/out/report.h"
#include "sim/out/validate.h"
#include "sim/load/load.h"
#include "sim/io.h"

/* Loads the scenario, with --profile in place of its own profile: a path to an existing file
 * (made absolute, as the scenario resolves relative names from its own folder), or the name of
 * a shipped profile. */
static TsScenario *
load (const char *name, const char *profile, GError **error)
{
  if (profile == NULL)
    return ts_scenario_load (name, error);
  g_autofree char *path = g_file_test (profile, G_FILE_TEST_IS_REGULAR)
                            ? g_canonicalize_filename (profile, NULL) : g_strdup (profile);
  g_autoptr (GString) value = g_string_new (NULL);
  ts_quote_cfg (value, path);
  const TsOverride ov[] = { { "profile", value->str, "--profile" }, { NULL } };
  return ts_scenario_load_with (name, ov, error);
}

static gboolean
validate_main (const TsCommand *cmd, int argc, char **argv, GError **error)
{
  g_auto (GStrv) policies = NULL;
  g_autofree char *outdir = NULL, *seed = NULL, *profile = NULL, *duration = NULL;
  g_auto (TsRealGpuOptions) gpu_opt = { 0 };
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_FILENAME, &profile,
      "The simulated GPU: a profile file or shipped profile name (default: the scenario's)", "PROFILE" },
    { "policy", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &policies,
      "Compare this policy (repeatable); replaces the scenario's list", "POLICY" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &outdir,
      "Write validation.csv, validation.txt (the printed report) and each backend's results (real/, sim/) into DIR", "DIR" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed, "Override the scenario's random seed", "N" },
    { "duration", 0, 0, G_OPTION_ARG_STRING, &duration, "Override the scenario's duration", "SECONDS" },
    TS_REAL_GPU_ENTRIES (&gpu_opt),
    { 0 },
  };
  if (!ts_cmd_parse (cmd, entries, &argc, &argv, error))
    return FALSE;
  if (argc > 2)
    return ts_cmd_usage (error, "one scenario at most (got %d)", argc - 1);

  g_autoptr (TsScenario) scn = load (argc > 1 ? argv[1] : NULL, profile, error);
  if (scn == NULL || !ts_cmd_apply_overrides (scn, policies, seed, duration, error))
    return FALSE;
  g_autoptr (TsRealGpu) gpu = ts_real_gpu_open (&gpu_opt, scn, error);
  if (gpu == NULL)
    return FALSE;
  /* The simulated kernels behave as the synthetic ones the GPU runs, as calibrate measured them. */
  scn->profile->stand_in = ts_real_gpu_stand_in (gpu);
  /* A folder that cannot be written is found before the GPU runs, not after. */
  if (outdir != NULL && !ts_output_mkdir (outdir, error))
    return FALSE;

  /* The report goes to stdout and, with -o, to validation.txt: build it once. */
  char *text = NULL;
  size_t text_len = 0;
  FILE *out = open_memstream (&text, &text_len);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d %H:%M UTC");
  fprintf (out, "validation of scenario %s (%s), seed %" G_GUINT64_FORMAT ", %.3f s, %s, tiersim %s\n", scn->name,
           scn->path, scn->seed, (double) scn->duration / TS_NS_PER_S, date, PACKAGE_VERSION);
  ts_real_gpu_describe (gpu, out);
  fprintf (out, "simulated GPU: profile %s (%s, %s)\n", scn->profile->name, scn->profile->path, scn->profile->source);
  if (scn->profile->sms != ts_real_gpu_sms (gpu))
    fprintf (out, "  warning: the profile has %u SMs and this GPU %u: the simulated GPU is not this one\n",
             scn->profile->sms, ts_real_gpu_sms (gpu));
  if (!scn->profile->contention.present && scn->profile->stand_in != TS_STAND_IN_TIMED)
    fprintf (out, "  warning: the profile has no contention group (tiersim calibrate writes one): simulated "
             "kernels keep the model's contention inputs, not those of the synthetic kernels\n");

  guint n = g_strv_length (scn->policies);
  g_autoptr (GPtrArray) real = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_run_result_free);
  g_autoptr (GPtrArray) sim = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_run_result_free);
  for (guint i = 0; i < n; i++)
    {
      const TsPolicyClass *cls = ts_policy_lookup (scn->policies[i], NULL);
      TsRunResult *r, *s;
      guint resets;
      {
        g_autoptr (TsBackend) be = ts_real_gpu_backend (gpu);
        r = ts_run_on (scn, cls, be, error);
        resets = r != NULL ? ts_real_gpu_resets (be) : 0;
      }
      if (r == NULL || (s = ts_run (scn, cls, error)) == NULL)
        {
          if (r != NULL)
            ts_run_result_free (r);
          fclose (out);
          free (text);
          g_prefix_error (error, "policy %s: ", cls->name);
          return FALSE;
        }
      g_ptr_array_add (real, r);
      g_ptr_array_add (sim, s);
      if (resets > 0)
        fprintf (out, "note: %s's %u resets ran as drain on the GPU (NVIDIA GPUs cannot kill running blocks); "
                 "the simulator killed them\n", cls->name, resets);
    }
  fprintf (out, "\n");
  g_autoptr (GArray) rows = ts_validation_compare (scn, (TsRunResult *const *) real->pdata,
                                                   (TsRunResult *const *) sim->pdata, n);
  ts_validation_print (out, scn, rows);
  fclose (out);
  fwrite (text, 1, text_len, stdout);

  gboolean ok = TRUE;
  if (outdir != NULL)
    {
      g_autoptr (GString) csv = ts_validation_csv (scn, rows);
      g_autofree char *real_dir = g_build_filename (outdir, "real", NULL);
      g_autofree char *sim_dir = g_build_filename (outdir, "sim", NULL);
      ok = ts_report_write_file (outdir, "validation.csv", csv->str, csv->len, error)
           && ts_report_write_file (outdir, "validation.txt", text, text_len, error)
           && ts_report_write_dir (real_dir, scn, (TsRunResult *const *) real->pdata, n, error)
           && ts_report_write_dir (sim_dir, scn, (TsRunResult *const *) sim->pdata, n, error);
      if (ok)
        printf ("wrote %s/validation.csv, %s/validation.txt, %s/ and %s/\n", outdir, outdir, real_dir, sim_dir);
    }
  free (text);
  return ok ;
}

const TsCommand ts_command_validate = {
  .name = "validate",
  .params = "[SCENARIO]",
  .summary = "run a scenario on a real GPU and on the simulator and compare (needs CUDA)",
  .help =
    "Runs SCENARIO (default: the embedded one) under each policy twice, on the real GPU (as 'tiersim\n"
    "run --backend cuda' does, in real time: as long as the scenario lasts) and on the simulated GPU\n"
    "of PROFILE, and prints per (policy, task) real and simulated latency (mean, p50, p90, p99),\n"
    "deadline miss rate and throughput with their difference, and whether mean and p99 latency and\n"
    "throughput agree within 10%.  For a meaningful comparison PROFILE should describe this GPU:\n"
    "make one with 'tiersim calibrate'.  Needs a tiersim built with CUDA and an NVIDIA GPU.",
  .fn = validate_main,
};
