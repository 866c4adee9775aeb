#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "sim/out/csv.h"
#include "sim/out/report.h"
#include "sim/io.h"

static const char *
class_name (TsTaskClass c)
{
  return c == TS_CLASS_RT ? "rt" : "be";
}

/* summary.csv's columns after policy, task and class, each a TsStats field: the one list the CSV
 * writer and the table both read, so that the table's headers are the CSV's names. */
typedef struct {
  const char *name;      /* summary.csv's column name */
  gsize offset;          /* of the field in TsStats */
  gboolean count;        /* a guint field (else a double, NAN when undefined) */
  const char *csv_fmt;   /* for doubles */
  int table_prec;        /* decimals in the table */
  gboolean compact;      /* shown without --wide */
  const char *legend;
} StatColumn;

#define STAT(field, count, fmt, prec, compact, legend) \
  { #field, G_STRUCT_OFFSET (TsStats, field), count, fmt, prec, compact, legend }
static const StatColumn stat_columns[] = {
  STAT (jobs, TRUE, NULL, 0, TRUE, "releases in the duration, dropped ones included"),
  STAT (completed, TRUE, NULL, 0, FALSE, "jobs that finished"),
  STAT (missed, TRUE, NULL, 0, TRUE, "jobs dropped or finished after their deadline"),
  STAT (dmr, FALSE, "%.6f", 4, TRUE, "deadline miss rate, missed / jobs"),
  STAT (lat_mean_ms, FALSE, "%.6f", 3, FALSE, "mean latency (release to finish) of completed jobs, ms"),
  STAT (lat_p50_ms, FALSE, "%.6f", 3, TRUE, "median latency, ms"),
  STAT (lat_p90_ms, FALSE, "%.6f", 3, FALSE, "90th percentile latency, ms"),
  STAT (lat_p99_ms, FALSE, "%.6f", 3, TRUE, "99th percentile latency, ms"),
  STAT (lat_max_ms, FALSE, "%.6f", 3, FALSE, "largest latency, ms"),
  STAT (accuracy, FALSE, "%.6f", 3, TRUE, "mean accuracy per job (0 when missed)"),
  STAT (throughput_rps, FALSE, "%.3f", 2, TRUE, "jobs finished within the duration per second"),
  STAT (preemptions, TRUE, NULL, 0, FALSE, "preemptions the task's jobs suffered"),
  STAT (preempt_lat_p50_ms, FALSE, "%.6f", 3, FALSE, "median preemption latency, ms"),
  STAT (preempt_lat_p99_ms, FALSE, "%.6f", 3, FALSE, "99th percentile preemption latency, ms"),
  STAT (wasted_gpu_ms, FALSE, "%.6f", 2, FALSE, "GPU time of killed or discarded work, ms"),
  STAT (preempted_ratio, FALSE, "%.6f", 3, FALSE, "fraction of jobs preempted at least once"),
  STAT (goodput_rps, FALSE, "%.3f", 2, FALSE, "jobs finished within the duration and their SLO (deadline) per second"),
  STAT (slo_attainment, FALSE, "%.6f", 3, FALSE, "jobs finished within their deadline / jobs"),
  STAT (fairness_jain, FALSE, "%.6f", 3, FALSE, "Jain's index of the policy's tasks' goodput / offered load"),
  STAT (energy_per_job_mj, FALSE, "%.6f", 3, FALSE, "the task's share of the run's energy per completed job, mJ"),
  STAT (avg_power_w, FALSE, "%.6f", 2, FALSE, "that energy per second the task was active, W"),
};
#undef STAT

/* The table's column after the CSV's (not in summary.csv: it compares two runs). */
#define REL_COLUMN "lat_mean_vs_rt_only"
#define REL_LEGEND "an RT task's lat_mean_ms divided by rt-only's for that task"

static double
stat_value (const TsStats *st, const StatColumn *c)
{
  const void *p = (const char *) st + c->offset;
  return c->count ? (double) *(const guint *) p : *(const double *) p;
}

static void
summary_row (GString *s, const char *policy, const char *task, const char *cls, const TsStats *st)
{
  ts_quote_csv (s, policy);
  ts_csv_append_next (s, task);
  ts_csv_append_next (s, cls);
  for (guint i = 0; i < G_N_ELEMENTS (stat_columns); i++)
    {
      const StatColumn *c = &stat_columns[i];
      double v = stat_value (st, c);
      g_string_append_c (s, ',');
      if (c->count)
        g_string_append_printf (s, "%u", (guint) v);
      else if (!isnan (v))
        g_string_append_printf (s, c->csv_fmt, v);
    }
  g_string_append_c (s, '\n');
}

char *
ts_report_summary_header (void)
{
  GString *s = g_string_new ("policy,task,class");
  for (guint i = 0; i < G_N_ELEMENTS (stat_columns); i++)
    g_string_append_printf (s, ",%s", stat_columns[i].name);
  return g_string_free (s, FALSE);
}

GString *
ts_report_summary_csv (const TsScenario *scn, TsRunResult *const *runs, guint n_runs)
{
  g_autofree char *header = ts_report_summary_header ();
  GString *s = g_string_new (header);
  g_string_append_c (s, '\n');
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
        ts_quote_csv (s, runs[r]->policy);
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
        ts_quote_csv (s, runs[r]->policy);
        ts_csv_append_next (s, scn->tasks[p->task].name);
        csv_time (s, p->latency);
        g_string_append_printf (s, ",%.3f\n", p->wasted_gpu_ns);
      }
  return s;
}

/* Appends "name: meaning; " items wrapped at 100 columns, each line indented by two spaces. */
static void
legend_item (GString *s, gsize *line_start, const char *name, const char *meaning)
{
  g_autofree char *item = g_strdup_printf ("%s: %s;", name, meaning);
  if (s->len - *line_start > 2 && s->len - *line_start + 1 + strlen (item) > 100)
    {
      g_string_append_c (s, '\n');
      *line_start = s->len;
      g_string_append (s, "  ");
    }
  else if (s->len - *line_start > 2)
    g_string_append_c (s, ' ');
  g_string_append (s, item);
}

void
ts_report_legend (FILE *out, gboolean wide, gboolean with_rel)
{
  g_autoptr (GString) s = g_string_new ("Columns (named as in summary.csv; '-': undefined, e.g. no deadline):\n  ");
  gsize line_start = s->len - 2;
  for (guint i = 0; i < G_N_ELEMENTS (stat_columns); i++)
    if (wide || stat_columns[i].compact)
      legend_item (s, &line_start, stat_columns[i].name, stat_columns[i].legend);
  if (wide && with_rel)
    legend_item (s, &line_start, REL_COLUMN, REL_LEGEND);
  g_string_truncate (s, s->len - 1);   /* the last ';' */
  g_string_append (s, ".\n  Rows: a task per policy, then \"(all be)\" (its BE tasks together) and \"(total)\"");
  if (!wide)
    g_string_append (s, "; --wide shows every column");
  g_string_append (s, ".\n\n");
  fputs (s->str, out);
}

/* The table's rows as cells, the header first; n_cols columns per row.  The cells' text lies in
 * one buffer, each NUL-terminated: a table of thousands of rows costs no allocation per cell. */
typedef struct {
  gsize offset;       /* of its text in Grid.text */
  int width;          /* in characters */
} Cell;

typedef struct {
  GString *text;
  GArray *cells;      /* Cell */
  guint n_cols;
} Grid;

static void
grid_text (Grid *g, const char *text)
{
  Cell c = { g->text->len, (int) g_utf8_strlen (text, -1) };
  g_string_append_len (g->text, text, strlen (text) + 1);
  g_array_append_val (g->cells, c);
}

/* A number with prec (<= 6) decimals, or "-" where it is undefined. */
static void
grid_number (Grid *g, double v, int prec)
{
  char buf[400];  /* %.6f of the largest double: 309 digits, a sign, a point and 6 decimals */
  if (isnan (v))
    grid_text (g, "-");
  else
    {
      g_snprintf (buf, sizeof buf, "%.*f", prec, v);
      grid_text (g, buf);
    }
}

static void
grid_row (Grid *g, const char *policy, const char *task, const char *cls, const TsStats *st, gboolean wide,
          gboolean with_rel, double rel)
{
  grid_text (g, policy);
  grid_text (g, task);
  grid_text (g, cls);
  for (guint i = 0; i < G_N_ELEMENTS (stat_columns); i++)
    if (wide || stat_columns[i].compact)
      grid_number (g, stat_value (st, &stat_columns[i]), stat_columns[i].table_prec);
  if (wide && with_rel)
    grid_number (g, rel, 3);
}

/* Appends n spaces. */
static void
append_spaces (GString *s, int n)
{
  static const char spaces[] = "                                ";
  for (; n > 0; n -= (int) sizeof spaces - 1)
    g_string_append_len (s, spaces, MIN (n, (int) sizeof spaces - 1));
}

void
ts_report_table (FILE *out, const TsScenario *scn, TsRunResult *const *runs, guint n_runs, gboolean wide)
{
  const TsRunResult *base = NULL;
  for (guint r = 0; r < n_runs; r++)
    if (strcmp (runs[r]->policy, "rt-only") == 0)
      base = runs[r];
  Grid g = { g_string_new (NULL), g_array_new (FALSE, FALSE, sizeof (Cell)), 3 };
  grid_text (&g, "policy");
  grid_text (&g, "task");
  grid_text (&g, "class");
  for (guint i = 0; i < G_N_ELEMENTS (stat_columns); i++)
    if (wide || stat_columns[i].compact)
      grid_text (&g, stat_columns[i].name), g.n_cols++;
  gboolean with_rel = base != NULL;
  if (wide && with_rel)
    grid_text (&g, REL_COLUMN), g.n_cols++;
  g_autoptr (GArray) breaks = g_array_new (FALSE, FALSE, sizeof (guint));   /* rows after which a blank line */

  g_autofree TsStats *st = g_new (TsStats, scn->n_tasks);
  g_autofree TsStats *ref = base != NULL ? g_new (TsStats, scn->n_tasks) : NULL;
  if (base != NULL)
    ts_stats_tasks (scn, base, ref);
  for (guint r = 0; r < n_runs; r++)
    {
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
          grid_row (&g, runs[r]->policy, scn->tasks[t].name, class_name (scn->tasks[t].cls), &st[t], wide, with_rel, rel);
        }
      TsStats tot;
      if (any_be)
        {
          ts_stats_total (scn, runs[r], TS_CLASS_BE, &tot);
          grid_row (&g, runs[r]->policy, "(all be)", "be", &tot, wide, with_rel, NAN);
        }
      ts_stats_total (scn, runs[r], -1, &tot);
      grid_row (&g, runs[r]->policy, "(total)", "", &tot, wide, with_rel, NAN);
      guint rows = g.cells->len / g.n_cols;
      g_array_append_val (breaks, rows);
    }

  /* each column as wide as its widest cell; text left-aligned, numbers right-aligned */
  const Cell *cells = (const Cell *) (gpointer) g.cells->data;
  g_autofree int *w = g_new0 (int, g.n_cols);
  for (guint i = 0; i < g.cells->len; i++)
    w[i % g.n_cols] = MAX (w[i % g.n_cols], cells[i].width);
  g_autoptr (GString) s = g_string_new (NULL);
  guint next_break = 0;
  for (guint i = 0; i < g.cells->len; i++)
    {
      guint col = i % g.n_cols;
      int pad = w[col] - cells[i].width;
      if (col > 0)
        g_string_append_c (s, ' ');
      if (col >= 3)
        append_spaces (s, pad);
      g_string_append (s, g.text->str + cells[i].offset);
      if (col < 3 && col + 1 < g.n_cols)
        append_spaces (s, pad);
      if (col + 1 == g.n_cols)
        {
          g_string_append_c (s, '\n');
          guint row = i / g.n_cols + 1;
          if (next_break < breaks->len && row == g_array_index (breaks, guint, next_break))
            {
              next_break++;
              if (next_break < breaks->len)
                g_string_append_c (s, '\n');
            }
        }
    }
  g_string_free (g.text, TRUE);
  g_array_unref (g.cells);
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
  if (!ts_output_mkdir (dir, error))
    return FALSE;
  g_autoptr (GString) summary = ts_report_summary_csv (scn, runs, n_runs);
  g_autoptr (GString) jobs = ts_report_jobs_csv (scn, runs, n_runs);
  g_autoptr (GString) preemptions = ts_report_preemptions_csv (scn, runs, n_runs);
  return write_atomic (dir, "jobs.csv", jobs, error)
         && write_atomic (dir, "preemptions.csv", preemptions, error)
         && write_atomic (dir, "summary.csv", summary, error);
}
