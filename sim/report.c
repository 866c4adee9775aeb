#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "csv.h"
#include "datadir.h"
#include "report.h"

static const char *
class_name (TsTaskClass c)
{
  return c == TS_CLASS_RT ? "rt" : "be";
}

/* Appends a CSV number, or nothing for NAN. */
static void
csv_num (GString *s, double v, const char *fmt)
{
  g_string_append_c (s, ',');
  if (!isnan (v))
    g_string_append_printf (s, fmt, v);
}

static void
summary_row (GString *s, const char *policy, const char *task, const char *cls, const TsStats *st)
{
  ts_csv_append (s, policy);
  ts_csv_append_next (s, task);
  ts_csv_append_next (s, cls);
  g_string_append_printf (s, ",%u,%u,%u", st->jobs, st->completed, st->missed);
  csv_num (s, st->dmr, "%.6f");
  csv_num (s, st->lat_mean_ms, "%.6f");
  csv_num (s, st->lat_p50_ms, "%.6f");
  csv_num (s, st->lat_p90_ms, "%.6f");
  csv_num (s, st->lat_p99_ms, "%.6f");
  csv_num (s, st->lat_max_ms, "%.6f");
  csv_num (s, st->accuracy, "%.6f");
  csv_num (s, st->throughput_rps, "%.3f");
  g_string_append_printf (s, ",%u", st->preemptions);
  csv_num (s, st->preempt_lat_p50_ms, "%.6f");
  csv_num (s, st->preempt_lat_p99_ms, "%.6f");
  csv_num (s, st->wasted_gpu_ms, "%.6f");
  csv_num (s, st->preempted_ratio, "%.6f");
  csv_num (s, st->goodput_rps, "%.3f");
  csv_num (s, st->slo_attainment, "%.6f");
  csv_num (s, st->fairness_jain, "%.6f");
  g_string_append_c (s, '\n');
}

GString *
ts_report_summary_csv (const TsScenario *scn, TsRunResult *const *runs, guint n_runs)
{
  GString *s = g_string_new (TS_SUMMARY_COLUMNS "," TS_SUMMARY_EXTRA_COLUMNS "\n");
  g_autofree TsStats *st = g_new (TsStats, scn->n_tasks);
  for (guint r = 0; r < n_runs; r++)
    {
      ts_stats_tasks (scn, runs[r], st);
      for (guint t = 0; t < scn->n_tasks; t++)
        if (runs[r]->task_ran[t])
          summary_row (s, runs[r]->policy, scn->tasks[t].name, class_name (scn->tasks[t].cls), &st[t]);
    }
  return s;
}

static void
csv_time (GString *s, TsTime t)
{
  if (t >= 0 && t != TS_TIME_NEVER)
    g_string_append_printf (s, ",%" G_GINT64_FORMAT, t);
  else
    g_string_append_c (s, ',');
}

GString *
ts_report_jobs_csv (const TsScenario *scn, TsRunResult *const *runs, guint n_runs)
{
  GString *s = g_string_new (TS_JOBS_COLUMNS "\n");
  for (guint r = 0; r < n_runs; r++)
    for (guint i = 0; i < runs[r]->jobs->len; i++)
      {
        const TsJob *j = runs[r]->jobs->pdata[i];
        ts_csv_append (s, runs[r]->policy);
        ts_csv_append_next (s, scn->tasks[j->task].name);
        g_string_append_printf (s, ",%u", j->id);
        csv_time (s, j->release);
        csv_time (s, j->start);
        csv_time (s, j->finish);
        csv_time (s, j->deadline);
        g_string_append_printf (s, ",%d", ts_job_missed (j));
        ts_csv_append_next (s, j->dropped ? "dropped" : j->variant);
        g_string_append_printf (s, ",%.6f,%u\n", j->accuracy, j->preemptions);
      }
  return s;
}

GString *
ts_report_preemptions_csv (const TsScenario *scn, TsRunResult *const *runs, guint n_runs)
{
  GString *s = g_string_new (TS_PREEMPTIONS_COLUMNS "\n");
  for (guint r = 0; r < n_runs; r++)
    for (guint i = 0; i < runs[r]->preemptions->len; i++)
      {
        const TsPreemptRecord *p = &g_array_index (runs[r]->preemptions, TsPreemptRecord, i);
        ts_csv_append (s, runs[r]->policy);
        ts_csv_append_next (s, scn->tasks[p->task].name);
        csv_time (s, p->latency);
        g_string_append_printf (s, ",%.3f\n", p->wasted_gpu_ns);
      }
  return s;
}

/* Table cell: a number or "-". */
static void
cell (GString *s, int width, double v, int prec)
{
  if (isnan (v))
    g_string_append_printf (s, " %*s", width, "-");
  else
    g_string_append_printf (s, " %*.*f", width, prec, v);
}

static void
table_row (GString *s, int task_w, const char *policy, const char *task, const char *cls, const TsStats *st, double rel)
{
  g_string_append_printf (s, "%-14s %-*s %-5s %7u %7u %7u", policy, task_w, task, cls, st->jobs, st->completed, st->missed);
  cell (s, 7, st->dmr, 4);
  cell (s, 9, st->lat_mean_ms, 3);
  cell (s, 9, st->lat_p50_ms, 3);
  cell (s, 9, st->lat_p99_ms, 3);
  cell (s, 9, st->lat_max_ms, 3);
  cell (s, 6, st->accuracy, 3);
  cell (s, 9, st->throughput_rps, 2);
  g_string_append_printf (s, " %6u", st->preemptions);
  cell (s, 6, st->preempted_ratio, 3);
  cell (s, 9, st->preempt_lat_p99_ms, 3);
  cell (s, 9, st->wasted_gpu_ms, 2);
  cell (s, 7, rel, 3);
  g_string_append_c (s, '\n');
}

void
ts_report_table (FILE *out, const TsScenario *scn, TsRunResult *const *runs, guint n_runs)
{
  const TsRunResult *base = NULL;
  for (guint r = 0; r < n_runs; r++)
    if (strcmp (runs[r]->policy, "rt-only") == 0)
      base = runs[r];
  int w = 16;  /* the task column fits the longest task name */
  for (guint t = 0; t < scn->n_tasks; t++)
    w = MAX (w, (int) strlen (scn->tasks[t].name));
  g_autoptr (GString) s = g_string_new (NULL);
  g_string_append_printf (s, "%-14s %-*s %-5s %7s %7s %7s %7s %9s %9s %9s %9s %6s %9s %6s %6s %9s %9s %7s\n",
                          "policy", w, "task", "class", "jobs", "done", "missed", "dmr", "mean_ms", "p50_ms",
                          "p99_ms", "max_ms", "acc", "thr_rps", "preem", "pjr", "plat_p99", "waste_ms", "x_rtonly");
  g_autofree TsStats *st = g_new (TsStats, scn->n_tasks);
  g_autofree TsStats *ref = base != NULL ? g_new (TsStats, scn->n_tasks) : NULL;
  if (base != NULL)
    ts_stats_tasks (scn, base, ref);
  for (guint r = 0; r < n_runs; r++)
    {
      if (r > 0)
        g_string_append_c (s, '\n');
      gboolean any_be = FALSE;
      ts_stats_tasks (scn, runs[r], st);
      for (guint t = 0; t < scn->n_tasks; t++)
        {
          if (!runs[r]->task_ran[t])
            continue;
          double rel = NAN;
          if (base != NULL && scn->tasks[t].cls == TS_CLASS_RT && base->task_ran[t])
            rel = st[t].lat_mean_ms / ref[t].lat_mean_ms;
          any_be |= scn->tasks[t].cls == TS_CLASS_BE;
          table_row (s, w, runs[r]->policy, scn->tasks[t].name, class_name (scn->tasks[t].cls), &st[t], rel);
        }
      TsStats tot;
      if (any_be)
        {
          ts_stats_total (scn, runs[r], TS_CLASS_BE, &tot);
          table_row (s, w, runs[r]->policy, "(all be)", "be", &tot, NAN);
        }
      ts_stats_total (scn, runs[r], -1, &tot);
      table_row (s, w, runs[r]->policy, "(total)", "", &tot, NAN);
    }
  fputs (s->str, out);
}

gboolean
ts_report_write_file (const char *dir, const char *name, const char *data, gsize len, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  return ts_output_write (path, data, len, error);
}

static gboolean
write_atomic (const char *dir, const char *name, const GString *s, GError **error)
{
  return ts_report_write_file (dir, name, s->str, s->len, error);
}

gboolean
ts_report_write_dir (const char *dir, const TsScenario *scn, TsRunResult *const *runs,
                     guint n_runs, GError **error)
{
  if (g_mkdir_with_parents (dir, 0777) != 0)
    {
      int e = errno;
      g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot create %s: %s", dir, g_strerror (e));
      return FALSE;
    }
  g_autoptr (GString) summary = ts_report_summary_csv (scn, runs, n_runs);
  g_autoptr (GString) jobs = ts_report_jobs_csv (scn, runs, n_runs);
  g_autoptr (GString) preemptions = ts_report_preemptions_csv (scn, runs, n_runs);
  return write_atomic (dir, "jobs.csv", jobs, error)
         && write_atomic (dir, "preemptions.csv", preemptions, error)
         && write_atomic (dir, "summary.csv", summary, error);
}
