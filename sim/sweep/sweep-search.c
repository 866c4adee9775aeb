/* tiersim — the capacity search, 'tiersim sweep --search' (sweep.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sim/out/csv.h"
#include "policies/registry.h"
#include "sim/metrics.h"
#include "sim/out/provenance.h"
#include "sim/out/report.h"
#include "sim/sweep/sweep.h"
#include "sim/io.h"
#include "sim/load/load.h"

/* ---- capacity search ---- */

/* What the searches of all policies share: a progress count. */
typedef struct {
  GMutex lock;
  guint runs, done, n;
  gboolean progress;   /* a line on stderr, which is a terminal */
  gint64 t0;
} SearchAll;

typedef struct {
  const TsSweep *sw;
  const TsPolicyClass *policy;
  double result, fails_at;   /* the best value found to hold, the nearest found to fail */
  guint evaluations;
  const char *status;        /* "ok", "never" (fails at the bracket's safe end), "beyond" */
  GError *error;
  SearchAll *all;
} Search;

static void
search_progress (SearchAll *a, guint runs, guint policies_done)
{
  g_mutex_lock (&a->lock);
  a->runs += runs;
  a->done += policies_done;
  if (a->progress)
    {
      fprintf (stderr, "\r\033[Ksearch: %u runs, %u/%u policies done, %.0f s", a->runs, a->done, a->n,
               (g_get_monotonic_time () - a->t0) / 1e6);
      fflush (stderr);
    }
  g_mutex_unlock (&a->lock);
}

static char *
float_literal (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (buf, sizeof buf, "%.17g", v);
  return strpbrk (buf, ".eEn") ? g_strdup (buf) : g_strconcat (buf, ".0", NULL);
}

/* Whether the condition holds with the searched key at v: for every RT task (each has a deadline)
 * that released jobs.  A task without jobs (a low rate over a short duration, say) has neither a miss
 * rate nor a p99, and nothing that could fail: it is no evidence either way. */
static gboolean
holds (Search *s, double v, gboolean *ok)
{
  const TsSweep *sw = s->sw;
  g_autofree char *lit = float_literal (v);
  g_autofree TsOverride *ov = ts_sweep_fixed_overrides (sw, 1);
  ov[sw->fixed->len] = (TsOverride) { sw->search.key, lit, sw->search.name };
  g_autoptr (TsScenario) scn = ts_scenario_load_with (sw->scenario, ov, &s->error);
  g_autoptr (TsRunResult) res = scn ? ts_run (scn, s->policy, &s->error) : NULL;
  s->evaluations++;
  search_progress (s->all, 1, 0);
  if (res == NULL)
    {
      *ok = FALSE;
      return FALSE;
    }
  g_autofree TsStats *stats = g_new (TsStats, scn->n_tasks);
  ts_stats_tasks (scn, res, stats);
  for (guint t = 0; t < scn->n_tasks; t++)
    {
      const TsStats st = stats[t];
      if (scn->tasks[t].cls != TS_CLASS_RT || !res->task_ran[t] || st.jobs == 0)
        continue;
      gboolean good = sw->search.dmr ? st.dmr <= sw->search.max_dmr
                                     : st.n_lat == st.jobs && st.lat_p99_ms <= ts_time_to_ms (scn->tasks[t].deadline);
      if (!good)
        return FALSE;
    }
  return TRUE;
}

static void
search_bracket (Search *s)
{
  const TsSweep *sw = s->sw;
  gboolean ok = TRUE;
  /* "good" is the end where the condition should hold: low for largest, high for smallest */
  double good = sw->search.smallest ? sw->search.high : sw->search.low;
  double bad = sw->search.smallest ? sw->search.low : sw->search.high;
  if (!holds (s, good, &ok))
    {
      s->status = ok ? "never" : "error", s->result = NAN, s->fails_at = good;
      return;
    }
  for (guint widen = 0; ok && holds (s, bad, &ok); widen++)
    {
      if (widen == 8)
        {
          s->status = "beyond", s->result = bad, s->fails_at = NAN;
          return;
        }
      good = bad;
      bad = sw->search.smallest ? bad / 2 : bad * 2;   /* assumes values of one sign */
    }
  /* bounded, and ended once the interval stops shrinking: below the spacing of doubles at the
   * answer, mid is good or bad itself and the width never reaches a smaller tolerance */
  for (guint step = 0; ok && fabs (bad - good) > sw->search.tolerance && step < TS_SWEEP_MAX_SEARCH_STEPS; step++)
    {
      double mid = good + (bad - good) / 2;
      if (mid == good || mid == bad || !isfinite (mid))
        break;
      if (holds (s, mid, &ok))
        good = mid;
      else
        bad = mid;
    }
  s->status = ok ? "ok" : "error", s->result = good, s->fails_at = bad;
}

static void
search_policy (gpointer data, gpointer user)
{
  (void) user;
  Search *s = data;
  search_bracket (s);
  search_progress (s->all, 0, 1);
}

/* A number of search.csv's table on stdout, or "-" where there is none. */
static void
print_value (double v)
{
  if (isnan (v))
    printf (" %12s", "-");
  else
    printf (" %12.4f", v);
}

gboolean
ts_sweep_search (const TsSweep *sw, const char *dir, guint jobs, gboolean progress, GError **error)
{
  if (!sw->search.present)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_USAGE, "%s has no search group", sw->path);
      return FALSE;
    }
  /* the policies are the base scenario's as the sweep file's fixed settings leave them */
  g_autofree TsOverride *fixed = ts_sweep_fixed_overrides (sw, 0);
  g_autoptr (TsScenario) base = ts_scenario_load_with (sw->scenario, fixed, error);
  if (base == NULL)
    return FALSE;
  gboolean any_rt = FALSE;
  for (guint t = 0; t < base->n_tasks; t++)
    any_rt |= base->tasks[t].cls == TS_CLASS_RT;
  if (!any_rt)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s:%d: the search's condition is about RT tasks' deadlines, "
                   "and %s has no RT task", sw->path, sw->search.line, sw->scenario);
      return FALSE;
    }
  if (!ts_output_mkdir (dir, error))
    return FALSE;
  guint n = g_strv_length (base->policies);
  g_autofree Search *searches = g_new0 (Search, n);
  SearchAll all = { { 0 }, 0, 0, n, progress, g_get_monotonic_time () };
  g_mutex_init (&all.lock);
  GThreadPool *pool = g_thread_pool_new (search_policy, NULL, (int) MIN (jobs, n), TRUE, NULL);
  for (guint p = 0; p < n; p++)
    {
      searches[p] = (Search) { sw, ts_policy_lookup (base->policies[p], NULL), NAN, NAN, 0, "error", NULL, &all };
      g_thread_pool_push (pool, &searches[p], NULL);
    }
  g_thread_pool_free (pool, FALSE, TRUE);
  g_mutex_clear (&all.lock);
  if (progress)
    fprintf (stderr, "\r\033[K");
  for (guint p = 0; p < n; p++)
    if (searches[p].error != NULL)
      {
        g_propagate_prefixed_error (error, searches[p].error, "policy %s: ", searches[p].policy->name);
        for (guint q = p + 1; q < n; q++)
          g_clear_error (&searches[q].error);
        return FALSE;
      }
  g_autoptr (GString) csv = g_string_new ("policy,name,direction,condition,value,fails_at,tolerance,evaluations,status\n");
  g_autofree char *cond = sw->search.dmr ? g_strdup_printf ("dmr<=%g", sw->search.max_dmr) : g_strdup ("p99<=deadline");
  printf ("%s: per policy, the %s %s for which %s (over RT tasks with jobs)\n",
          sw->path, sw->search.smallest ? "smallest" : "largest", sw->search.name, cond);
  printf ("%-14s %12s %12s %6s  %s\n", "policy", "holds_at", "fails_at", "runs", "status");
  for (guint p = 0; p < n; p++)
    {
      const Search *s = &searches[p];
      ts_quote_csv (csv, s->policy->name);
      ts_csv_append_next (csv, sw->search.name);
      ts_csv_append_next (csv, sw->search.smallest ? "smallest" : "largest");
      ts_csv_append_next (csv, cond);
      g_string_append_c (csv, ',');
      isnan (s->result) ? (void) 0 : (void) g_string_append_printf (csv, "%.6f", s->result);
      g_string_append_c (csv, ',');
      isnan (s->fails_at) ? (void) 0 : (void) g_string_append_printf (csv, "%.6f", s->fails_at);
      g_string_append_printf (csv, ",%g,%u,%s\n", sw->search.tolerance, s->evaluations, s->status);
      printf ("%-14s", s->policy->name);
      print_value (s->result);
      print_value (s->fails_at);
      printf (" %6u  %s\n", s->evaluations, s->status);
    }
  g_autofree char *file = g_build_filename (dir, "search.csv", NULL);
  return ts_output_write (file, csv->str, csv->len, error);
}
