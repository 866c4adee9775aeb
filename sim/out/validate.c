#include "config.h"

#include <math.h>

#include "sim/out/csv.h"
#include "sim/out/validate.h"
#include "sim/io.h"

double
ts_validation_diff_pct (double real, double sim)
{
  if (isnan (real) || isnan (sim))
    return NAN;
  if (real == 0)
    return sim == 0 ? 0 : NAN;
  return 100.0 * (sim - real) / real;
}

static gboolean
close_enough (double real, double sim, double tol)
{
  double d = ts_validation_diff_pct (real, sim);
  return !isnan (d) && fabs (d) <= 100.0 * tol;
}

gboolean
ts_validation_within (const TsValidationRow *row, double tol)
{
  return close_enough (row->real.lat_mean_ms, row->sim.lat_mean_ms, tol)
         && close_enough (row->real.lat_p99_ms, row->sim.lat_p99_ms, tol)
         && close_enough (row->real.throughput_rps, row->sim.throughput_rps, tol);
}

GArray *
ts_validation_compare (const TsScenario *scn, TsRunResult *const *real, TsRunResult *const *sim, guint n_runs)
{
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (TsValidationRow));
  g_autofree TsStats *st_real = g_new (TsStats, scn->n_tasks), *st_sim = g_new (TsStats, scn->n_tasks);
  for (guint i = 0; i < n_runs; i++)
    {
      ts_stats_tasks (scn, real[i], st_real);
      ts_stats_tasks (scn, sim[i], st_sim);
      for (guint t = 0; t < scn->n_tasks; t++)
        if (real[i]->task_ran[t] && sim[i]->task_ran[t])
          {
            TsValidationRow row = { .policy = real[i]->policy, .task = t, .real = st_real[t], .sim = st_sim[t] };
            g_array_append_val (rows, row);
          }
    }
  return rows;
}

/* The six compared metrics of a TsStats, in TS_VALIDATION_COLUMNS order. */
static void
metrics (const TsStats *s, double out[6])
{
  out[0] = s->lat_mean_ms, out[1] = s->lat_p50_ms, out[2] = s->lat_p90_ms, out[3] = s->lat_p99_ms;
  out[4] = s->dmr, out[5] = s->throughput_rps;
}

/* Row i: its task, and the real and simulated metrics. */
static const TsValidationRow *
row_at (const TsScenario *scn, const GArray *rows, guint i, const TsTask **task, double real[6], double sim[6])
{
  const TsValidationRow *r = &g_array_index (rows, TsValidationRow, i);
  *task = &scn->tasks[r->task];
  metrics (&r->real, real);
  metrics (&r->sim, sim);
  return r;
}

static const char *class_name (const TsTask *t) { return t->cls == TS_CLASS_RT ? "rt" : "be"; }

/* Difference of metric m: percent, or percentage points for the miss rate (m == 4). */
static double
diff (guint m, double real, double sim)
{
  if (m == 4)
    return isnan (real) || isnan (sim) ? NAN : 100.0 * (sim - real);
  return ts_validation_diff_pct (real, sim);
}

static void
append_num (GString *s, const char *fmt, double v)
{
  g_string_append_c (s, ',');
  if (!isnan (v))
    g_string_append_printf (s, fmt, v);
}

GString *
ts_validation_csv (const TsScenario *scn, const GArray *rows)
{
  GString *s = g_string_new (TS_VALIDATION_COLUMNS "\n");
  for (guint i = 0; i < rows->len; i++)
    {
      const TsTask *t;
      double a[6], b[6];
      const TsValidationRow *r = row_at (scn, rows, i, &t, a, b);
      ts_quote_csv (s, r->policy);
      ts_csv_append_next (s, t->name);  /* names may hold commas or quotes: RFC 4180 */
      g_string_append_printf (s, ",%s,%u,%u", class_name (t), r->real.jobs, r->sim.jobs);
      for (guint m = 0; m < 6; m++)
        {
          append_num (s, "%.6f", a[m]);
          append_num (s, "%.6f", b[m]);
          append_num (s, "%.2f", diff (m, a[m], b[m]));
        }
      g_string_append_printf (s, ",%d\n", ts_validation_within (r, TS_VALIDATION_TOLERANCE));
    }
  return s;
}

/* "real/sim (+d%)" for one metric, into a fixed-width cell. */
static void
print_cell (FILE *out, guint m, double real, double sim)
{
  char cell[64];
  double d = diff (m, real, sim);
  const char *unit = m == 4 ? "pp" : "%";
  if (isnan (real) && isnan (sim))
    g_strlcpy (cell, "-", sizeof cell);
  else if (isnan (d))
    g_snprintf (cell, sizeof cell, "%.3g/%.3g", real, sim);
  else
    g_snprintf (cell, sizeof cell, "%.3g/%.3g (%+.1f%s)", real, sim, d, unit);
  fprintf (out, " %-26s", cell);
}

void
ts_validation_print (FILE *out, const TsScenario *scn, const GArray *rows)
{
  static const char *const head[] = { "mean ms", "p50 ms", "p90 ms", "p99 ms", "DMR", "req/s" };
  fprintf (out, "%-14s %-16s %-3s", "policy", "task", "cls");
  for (guint m = 0; m < 6; m++)
    fprintf (out, " %-26s", head[m]);
  fprintf (out, " %s\n", "target");
  guint ok = 0;
  for (guint i = 0; i < rows->len; i++)
    {
      const TsTask *t;
      double a[6], b[6];
      const TsValidationRow *r = row_at (scn, rows, i, &t, a, b);
      fprintf (out, "%-14s %-16s %-3s", r->policy, t->name, class_name (t));
      for (guint m = 0; m < 6; m++)
        print_cell (out, m, a[m], b[m]);
      gboolean within = ts_validation_within (r, TS_VALIDATION_TOLERANCE);
      ok += within;
      fprintf (out, " %s\n", within ? "ok" : "MISS");
    }
  fprintf (out, "\ncells are real/simulated (difference: %% of real; percentage points for DMR); "
           "%u of %u rows have mean and p99 latency and throughput within %.0f%%\n", ok, rows->len,
           100 * TS_VALIDATION_TOLERANCE);
}
