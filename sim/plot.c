#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "csv.h"
#include "datadir.h"
#include "plot.h"

/* ---- the CSV files read ---- */

typedef TsCsv Csv;

static int
col (const Csv *c, const char *name)
{
  return ts_csv_column (c, name);
}

/* Fails naming the first of the NULL-terminated columns that c (read from path) lacks. */
static gboolean
need_columns (const Csv *c, const char *path, GError **error, ...)
{
  va_list ap;
  va_start (ap, error);
  for (const char *n = va_arg (ap, const char *); n; n = va_arg (ap, const char *))
    if (col (c, n) < 0)
      {
        va_end (ap);
        g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: no column '%s'", path, n);
        return FALSE;
      }
  va_end (ap);
  return TRUE;
}

/* ---- text that goes into gnuplot scripts and data ---- */

char *
ts_plot_quote (const char *text)
{
  GString *s = g_string_new ("'");
  for (const guchar *c = (const guchar *) text; *c; c++)
    if (*c == '\'')
      g_string_append (s, "''");              /* the only escape a single-quoted string has */
    else if (*c < 0x20 || *c == 0x7f)
      g_string_append_c (s, ' ');             /* a newline would end the command */
    else
      g_string_append_c (s, (char) *c);
  g_string_append_c (s, '\'');
  return g_string_free (s, FALSE);
}

/* Appends text to a whitespace-separated .dat file as one column: as it is if it is a plain word,
 * else in double quotes (gnuplot's quoting of a data column, which has no escape), with double
 * quotes turned into single ones and control characters into spaces.  A backslash makes a word
 * not plain: gnuplot joins a data line that ends in one with the next. */
static void
dat_word (GString *d, const char *text)
{
  gboolean plain = *text != '\0' && *text != '#';
  for (const guchar *c = (const guchar *) text; *c && plain; c++)
    plain = *c > 0x20 && *c != 0x7f && *c != '"' && *c != '\\';
  if (plain)
    {
      g_string_append (d, text);
      return;
    }
  g_string_append_c (d, '"');
  for (const guchar *c = (const guchar *) text; *c; c++)
    g_string_append_c (d, *c == '"' ? '\'' : *c < 0x20 || *c == 0x7f ? ' ' : (char) *c);
  g_string_append_c (d, '"');
}

/* Distinct strings in the order first seen, each with its index, found by hashing: a list
 * scanned for each row made plotting a large file quadratic. */
typedef struct {
  GPtrArray *list;     /* char* */
  GHashTable *index;   /* string in list -> its index + 1 */
} Names;

static void
names_init (Names *n)
{
  n->list = g_ptr_array_new_with_free_func (g_free);
  n->index = g_hash_table_new (g_str_hash, g_str_equal);
}

static void
names_clear (Names *n)
{
  g_clear_pointer (&n->index, g_hash_table_unref);
  g_clear_pointer (&n->list, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Names, names_clear)

/* Adds s if absent; returns its index. */
static guint
intern (Names *n, const char *s)
{
  gpointer i = g_hash_table_lookup (n->index, s);
  if (i != NULL)
    return GPOINTER_TO_UINT (i) - 1;
  char *c = g_strdup (s);
  g_ptr_array_add (n->list, c);
  g_hash_table_insert (n->index, c, GUINT_TO_POINTER (n->list->len));
  return n->list->len - 1;
}

#define NAME(n, i) ((const char *) (n)->list->pdata[i])

/* Limits that keep plotting a file anyone may have written finite: a figure (and a gnuplot run)
 * per task or policy, a legend entry per task, a table cell per pair of them. */
#define TS_PLOT_MAX_NAMES 1000u
#define TS_PLOT_MAX_CELLS 1000000u

/* Fails unless n holds at most TS_PLOT_MAX_NAMES names (what: "tasks", "policies"). */
static gboolean
few_enough (const Names *n, const char *what, const char *path, GError **error)
{
  if (n->list->len <= TS_PLOT_MAX_NAMES)
    return TRUE;
  g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: %u %s; tiersim plot draws at most %u", path,
               n->list->len, what, TS_PLOT_MAX_NAMES);
  return FALSE;
}

/* Fails unless a table of a x b cells stays within TS_PLOT_MAX_CELLS. */
static gboolean
small_enough (guint a, guint b, const char *what, const char *path, GError **error)
{
  if ((guint64) a * b <= TS_PLOT_MAX_CELLS)
    return TRUE;
  g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: %u x %u %s; tiersim plot draws at most %u", path, a, b,
               what, TS_PLOT_MAX_CELLS);
  return FALSE;
}

/* ---- numbers read from the CSV files ---- */

/* Field f of data row r (from 0) of c, read from path, as a number in *v: NAN if the field is
 * empty and empty_ok, else an error naming the file, the row and the column.  A file anyone may
 * have edited is a clean error, never a figure of made-up zeros. */
static gboolean
number (const Csv *c, const char *path, guint r, int f, gboolean empty_ok, double *v, GError **error)
{
  const char *s = ((GStrv) c->rows->pdata[r])[f];
  char *end = NULL;
  *v = NAN;
  if (*s == '\0' && empty_ok)
    return TRUE;
  if (*s != '\0')
    *v = g_ascii_strtod (s, &end);
  if (*s == '\0' || *end != '\0' || isnan (*v))
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: data row %u, column '%s': '%s' is not a number", path,
                   r + 1, c->header[f], s);
      return FALSE;
    }
  return TRUE;
}

/* ---- gnuplot scripts ---- */

/* Where figures go, and the stems (file names without .gp, .dat, .png) written and taken. */
typedef struct {
  const char *plots;
  GPtrArray *written;   /* char*: stems, in order */
  GHashTable *used;     /* stems taken */
} Figures;

/* Starts a script: PNG first; plot_cmd is the plot command; the SVG repeats it.  Both terminals
 * are noenhanced: every shipped name has underscores, which enhanced text turns into
 * subscripts. */
static gboolean
write_gp (Figures *fg, const char *name, const char *setup, const char *plot_cmd, GError **error)
{
  g_autofree char *gp = g_strdup_printf (
    "# Generated by tiersim plot; edit and re-run with: gnuplot %s.gp\n"
    "set terminal pngcairo size 1000,600 noenhanced font 'Sans,10'  # names shown as they are\n"
    "set output '%s.png'\n"
    "set datafile separator whitespace\n"
    "set key outside right top noenhanced\n"
    "set grid ytics\n"
    "%s\n%s\n"
    "set terminal svg size 1000,600 noenhanced font 'Sans,10'\n"
    "set output '%s.svg'\n"
    "replot\n",
    name, name, setup, plot_cmd, name);
  g_autofree char *file = g_strdup_printf ("%s/%s.gp", fg->plots, name);
  if (!ts_output_write (file, gp, strlen (gp), error))
    return FALSE;
  g_ptr_array_add (fg->written, g_strdup (name));
  return TRUE;
}

static gboolean
write_dat (Figures *fg, const char *name, const GString *data, GError **error)
{
  g_autofree char *file = g_strdup_printf ("%s/%s.dat", fg->plots, name);
  return ts_output_write (file, data->str, data->len, error);
}

/* The stem of a figure about name (to free): prefix, then name with every character but ASCII
 * letters, digits, '-' and '_' as '_', then "-2", "-3"... if that is taken: names that differ
 * only in other characters ("a b" and "a_b", or two non-ASCII names of one length) would share
 * one file, and one figure would replace the other. */
static char *
stem (Figures *fg, const char *prefix, const char *name)
{
  g_autofree char *base = g_strconcat (prefix, name, NULL);
  for (char *c = base + strlen (prefix); *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_')
      *c = '_';
  char *st = g_strdup (base);
  for (guint k = 2; g_hash_table_contains (fg->used, st); k++)
    {
      g_free (st);
      st = g_strdup_printf ("%s-%u", base, k);
    }
  g_hash_table_add (fg->used, g_strdup (st));
  return st;
}

/* Orders doubles ascending, NaN last: a consistent order whatever a file holds. */
static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  if (isnan (x) || isnan (y))
    return isnan (x) - isnan (y);
  return (x > y) - (x < y);
}

/* Line styles 1..n, one per series (policy, or task in a timeline).  Colour (Okabe-Ito, safe for
 * colour-blind readers), dash type and point type all change from one series to the next, and
 * the points are open shapes of different outlines: two series with identical values still show
 * both (the dashes interleave, one marker sits inside the other). */
static const char *const colours[] = { "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                                       "#56B4E9", "#000000", "#999999", "#882255", "#44AA99" };

static void
add_styles (GString *setup, guint n)
{
  static const int points[] = { 6, 4, 8, 10, 12, 14, 1, 2, 3 };
  for (guint i = 0; i < n; i++)
    g_string_append_printf (setup, "\nset style line %u lc rgb '%s' dt %u pt %d ps 1.4 lw 2", i + 1,
                            colours[i % G_N_ELEMENTS (colours)], i % 5 + 1, points[i % G_N_ELEMENTS (points)]);
}

/* Line types 1..n in the styles' colours: what "lc variable" picks from. */
static void
add_linetypes (GString *setup, guint n)
{
  for (guint i = 0; i < n; i++)
    g_string_append_printf (setup, "\nset linetype %u lc rgb '%s'", i + 1, colours[i % G_N_ELEMENTS (colours)]);
}

/* A setup's title, axis labels (each quoted) and line styles (to free). */
static char *
setup_text (const char *title, const char *xlabel, const char *ylabel, guint styles, const char *more)
{
  g_autofree char *t = ts_plot_quote (title), *x = ts_plot_quote (xlabel), *y = ts_plot_quote (ylabel);
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "set title %s\nset xlabel %s\nset ylabel %s\n%s", t, x, y, more);
  add_styles (s, styles);
  return g_string_free (s, FALSE);
}

/* The upper end of a y axis from 0 that shows values up to max: 15% headroom, at most cap
 * (fractions end at 1) when cap > 0; 1 when there is nothing above 0 (an empty range is an error
 * to gnuplot). */
static double
y_top (double max, double cap)
{
  double top = max > 0 ? max * 1.15 : 1.0;
  return cap > 0 && top > cap ? cap : top;
}

/* Bars of one summary.csv column: rows tasks (of class cls, or all if NULL), columns policies. */
static gboolean
bars (Figures *fg, const Csv *sum, const char *path, const char *column, const char *cls, const char *name,
      const char *title, const char *xlabel, const char *ylabel, double cap, GError **error)
{
  int cp = col (sum, "policy"), ct = col (sum, "task"), cc = col (sum, "class"), cv = col (sum, column);
  g_auto (Names) pols = { 0 }, tasks = { 0 };
  names_init (&pols), names_init (&tasks);
  for (guint r = 0; r < sum->rows->len; r++)
    {
      GStrv f = sum->rows->pdata[r];
      if (cls == NULL || strcmp (f[cc], cls) == 0)
        intern (&pols, f[cp]), intern (&tasks, f[ct]);
    }
  guint nt = tasks.list->len, np = pols.list->len;
  if (nt == 0)
    return TRUE;
  if (!few_enough (&pols, "policies", path, error) || !small_enough (nt, np, "tasks x policies", path, error))
    return FALSE;
  g_autofree double *v = g_new (double, (gsize) nt * np);
  for (gsize i = 0; i < (gsize) nt * np; i++)
    v[i] = NAN;
  double max = 0;
  for (guint r = 0; r < sum->rows->len; r++)
    {
      GStrv f = sum->rows->pdata[r];
      double x;
      if (cls != NULL && strcmp (f[cc], cls) != 0)
        continue;
      if (!number (sum, path, r, cv, TRUE, &x, error))
        return FALSE;
      v[(gsize) intern (&tasks, f[ct]) * np + intern (&pols, f[cp])] = x;
      max = isnan (x) ? max : MAX (max, x);
    }
  g_autoptr (GString) d = g_string_new ("# task");
  for (guint p = 0; p < np; p++)
    g_string_append_c (d, ' '), dat_word (d, NAME (&pols, p));
  g_string_append_c (d, '\n');
  for (guint t = 0; t < nt; t++)
    {
      dat_word (d, NAME (&tasks, t));
      for (guint p = 0; p < np; p++)
        isnan (v[(gsize) t * np + p]) ? g_string_append (d, " NaN") : g_string_append_printf (d, " %.6f", v[(gsize) t * np + p]);
      g_string_append_c (d, '\n');
    }
  if (!write_dat (fg, name, d, error))
    return FALSE;
  /* boxes placed by hand rather than gnuplot's histogram style, so that each bar's value can be
   * written above it: a bar of 0 and a missing one (n/a) look the same otherwise */
  double w = 0.8 / np;
  g_autofree char *more = g_strdup_printf ("set style fill solid 0.85 border lc rgb 'black'\nset boxwidth %g absolute\n"
                                           "set xtics rotate by -30\nset xrange [-0.5:%g]\nset yrange [0:%g]",
                                           w, nt - 0.5, y_top (max, cap) * 1.08);
  g_autofree char *setup = setup_text (title, xlabel, ylabel, np, more);
  g_autoptr (GString) cmd = g_string_new ("plot ");
  g_string_append_printf (cmd, "'%s.dat' using 0:(NaN):xtic(1) notitle", name);
  for (guint p = 0; p < np; p++)
    {
      g_autofree char *pq = ts_plot_quote (NAME (&pols, p));
      double off = (p - (np - 1) / 2.0) * w;
      g_string_append_printf (cmd, ", '%s.dat' using ($0%+g):%u with boxes ls %u dt 1 title %s", name, off, p + 2, p + 1, pq);
      g_string_append_printf (cmd, ", '%s.dat' using ($0%+g):($%u == $%u ? $%u : 0):($%u == $%u ? sprintf('%%.3g', $%u) : 'n/a') "
                              "with labels rotate by 90 left offset 0,0.3 font ',7' notitle",
                              name, off, p + 2, p + 2, p + 2, p + 2, p + 2, p + 2);
    }
  return write_gp (fg, name, setup, cmd->str, error);
}

/* Latency CDF per task, a line per policy, over every job released: a dropped job, or one that
 * never finished, never completes, so a policy that loses jobs ends below 1.  The task's
 * relative deadline (deadline - release) is a vertical line. */
static gboolean
cdfs (Figures *fg, const Csv *jobs, const char *path, GError **error)
{
  int cp = col (jobs, "policy"), ct = col (jobs, "task"), cr = col (jobs, "release_ns"), cf = col (jobs, "finish_ns"),
      cd = col (jobs, "deadline_ns");
  g_auto (Names) pols = { 0 }, tasks = { 0 };
  names_init (&pols), names_init (&tasks);
  for (guint r = 0; r < jobs->rows->len; r++)
    {
      GStrv f = jobs->rows->pdata[r];
      intern (&pols, f[cp]), intern (&tasks, f[ct]);
    }
  /* a figure per task, a line per policy */
  if (!few_enough (&tasks, "tasks", path, error) || !few_enough (&pols, "policies", path, error))
    return FALSE;
  guint nt = tasks.list->len, np = pols.list->len;
  /* latencies (ms) of completed jobs and the count of released ones per (task, policy), and each
   * task's shortest and longest relative deadline, in one pass over the jobs */
  g_autoptr (GPtrArray) lat = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autofree guint *released = g_new0 (guint, (gsize) nt * np);
  g_autofree double *dl_lo = g_new (double, nt), *dl_hi = g_new (double, nt);
  for (guint t = 0; t < nt; t++)
    dl_lo[t] = INFINITY, dl_hi[t] = -INFINITY;
  for (guint k = 0; k < nt * np; k++)
    g_ptr_array_add (lat, g_array_new (FALSE, FALSE, sizeof (double)));
  for (guint r = 0; r < jobs->rows->len; r++)
    {
      GStrv f = jobs->rows->pdata[r];
      double rel, fin, dl = NAN;
      if (!number (jobs, path, r, cr, FALSE, &rel, error) || !number (jobs, path, r, cf, TRUE, &fin, error)
          || (cd >= 0 && !number (jobs, path, r, cd, TRUE, &dl, error)))
        return FALSE;
      guint t = intern (&tasks, f[ct]), k = t * np + intern (&pols, f[cp]);
      released[k]++;
      if (!isnan (fin))
        {
          double l = (fin - rel) / 1e6;
          g_array_append_val ((GArray *) lat->pdata[k], l);
        }
      if (!isnan (dl))
        dl_lo[t] = MIN (dl_lo[t], (dl - rel) / 1e6), dl_hi[t] = MAX (dl_hi[t], (dl - rel) / 1e6);
    }
  for (guint t = 0; t < nt; t++)
    {
      g_autoptr (GString) d = g_string_new (NULL), cmd = g_string_new ("plot ");
      g_autofree char *name = stem (fg, "latency-cdf-", NAME (&tasks, t));
      double lo = INFINITY, hi = -INFINITY;
      gboolean any = FALSE;
      g_string_append_printf (d, "# latency CDF of task ");
      dat_word (d, NAME (&tasks, t));
      g_string_append (d, " over all released jobs; a block per policy: latency_ms fraction_of_released_jobs_done\n");
      guint block = 0;
      for (guint p = 0; p < np; p++)
        {
          GArray *a = lat->pdata[t * np + p];
          guint n = released[t * np + p];
          if (n == 0)
            continue;
          any = TRUE;
          g_autofree char *label = g_strdup_printf ("%s (%u of %u done)", NAME (&pols, p), a->len, n);
          g_autofree char *lq = ts_plot_quote (label);
          if (a->len == 0)
            {
              /* nothing to draw, but the reader learns that the policy completed nothing */
              g_string_append_printf (cmd, "%sNaN with linespoints ls %u title %s", block || cmd->len > 5 ? ", " : "", p + 1, lq);
              continue;
            }
          qsort (a->data, a->len, sizeof (double), cmp_double);
          double *v = (double *) a->data;
          lo = MIN (lo, v[0]), hi = MAX (hi, v[a->len - 1]);
          /* a step per distinct latency, from fraction 0 at the first one */
          g_string_append (d, "# "), dat_word (d, NAME (&pols, p));
          g_string_append_printf (d, ": released %u, done %u\n%.6f 0\n", n, a->len, v[0]);
          guint lines = 1;
          for (guint i = 0; i < a->len; i++)
            if (i + 1 == a->len || v[i + 1] != v[i])
              g_string_append_printf (d, "%.6f %.6f\n", v[i], (double) (i + 1) / n), lines++;
          g_string_append (d, "\n\n");
          /* about 8 markers per line, each policy's shifted along it: identical lines keep
           * distinguishable markers */
          guint every = MAX (1u, lines / 8), first = (p * every) / np;
          g_string_append_printf (cmd, "%s'%s.dat' index %u using 1:2 with steps ls %u notitle, "
                                  "'%s.dat' index %u every %u::%u using 1:2 with points ls %u notitle, "
                                  "NaN with linespoints ls %u title %s",
                                  cmd->len > 5 ? ", " : "", name, block, p + 1, name, block, every, first, p + 1,
                                  p + 1, lq);
          block++;
        }
      if (!any)
        continue;
      if (block == 0)
        lo = 1, hi = 10;   /* no latency at all: an empty axis */
      g_autoptr (GString) more = g_string_new ("set yrange [0:1.02]\nset ytics 0.1\n");
      if (isfinite (dl_lo[t]))
        {
          lo = MIN (lo, dl_lo[t]), hi = MAX (hi, dl_hi[t]);
          for (guint e = 0; e < (dl_hi[t] > dl_lo[t] ? 2u : 1u); e++)
            g_string_append_printf (more, "set arrow from %.6f, graph 0 to %.6f, graph 1 nohead dt 2 lw 2 lc rgb '#C00000' front\n",
                                    e ? dl_hi[t] : dl_lo[t], e ? dl_hi[t] : dl_lo[t]);
          g_autofree char *dl = dl_hi[t] > dl_lo[t] ? g_strdup_printf ("deadlines %.6g to %.6g ms", dl_lo[t], dl_hi[t])
                                                    : g_strdup_printf ("deadline %.6g ms", dl_lo[t]);
          g_string_append_printf (cmd, "%sNaN with lines dt 2 lw 2 lc rgb '#C00000' title '%s'", cmd->len > 5 ? ", " : "", dl);
        }
      /* latencies can span orders of magnitude: a log axis, unless one is 0 */
      if (lo > 0)
        {
          /* ticks at 1, 2 and 5 times each power of ten in range: a decade per label is too few */
          g_string_append_printf (more, "set logscale x\nset xrange [%.6g:%.6g]\nset xtics (", lo / 1.25, hi * 1.25);
          guint n = 0;
          for (int e = (int) floor (log10 (lo / 1.25)); e <= (int) ceil (log10 (hi * 1.25)) && n < 60; e++)
            for (guint k = 0; k < 3; k++)
              {
                double v = (double[]) { 1, 2, 5 }[k] * pow (10, e);
                if (v >= lo / 1.25 && v <= hi * 1.25)
                  g_string_append_printf (more, "%s'%g' %g", n++ ? ", " : "", v, v);
              }
          g_string_append (more, ")");
        }
      else
        g_string_append_printf (more, "set xrange [0:%.6g]", hi > 0 ? hi * 1.05 : 1.0);
      g_autofree char *title = g_strdup_printf ("Latency CDF of task %s (all released jobs; dropped or unfinished ones never complete)",
                                                NAME (&tasks, t));
      g_autofree char *setup = setup_text (title, "latency, release to finish (ms)",
                                           "fraction of released jobs done within the latency", np, more->str);
      if (!write_dat (fg, name, d, error) || !write_gp (fg, name, setup, cmd->str, error))
        return FALSE;
    }
  return TRUE;
}

static void
string_free (gpointer s)
{
  g_string_free (s, TRUE);
}

/* Timeline per policy from timeline.csv: a lane per stream (integer ticks), boxes coloured by
 * task, preemptions as triangles on a lane of their own below the streams. */
static gboolean
timelines (Figures *fg, const Csv *tl, const char *path, GError **error)
{
  int cp = col (tl, "policy"), cs = col (tl, "stream"), ct = col (tl, "task"), c0 = col (tl, "start_ms"), c1 = col (tl, "end_ms");
  g_auto (Names) pols = { 0 }, tasks = { 0 };
  names_init (&pols), names_init (&tasks);
  for (guint r = 0; r < tl->rows->len; r++)
    {
      GStrv f = tl->rows->pdata[r];
      intern (&pols, f[cp]), intern (&tasks, f[ct]);
    }
  /* a figure per policy, a legend entry per task in each */
  if (!few_enough (&pols, "policies", path, error) || !few_enough (&tasks, "tasks", path, error))
    return FALSE;
  guint np = pols.list->len;
  /* each policy's kernels and preemptions, and its highest stream, in one pass over the rows */
  g_autoptr (GPtrArray) data = g_ptr_array_new_with_free_func (string_free);
  g_autoptr (GPtrArray) marks = g_ptr_array_new_with_free_func (string_free);
  g_autofree double *top = g_new0 (double, np);
  for (guint p = 0; p < np; p++)
    {
      g_ptr_array_add (data, g_string_new ("# start_ms end_ms stream task_index\n"));
      g_ptr_array_add (marks, g_string_new (NULL));
    }
  for (guint r = 0; r < tl->rows->len; r++)
    {
      GStrv f = tl->rows->pdata[r];
      guint p = intern (&pols, f[cp]), t = intern (&tasks, f[ct]);
      GString *d = data->pdata[p], *m = marks->pdata[p];
      double t0, t1, s;
      if (!number (tl, path, r, c0, FALSE, &t0, error) || !number (tl, path, r, c1, TRUE, &t1, error))
        return FALSE;
      if (isnan (t1))
        {
          g_string_append_printf (m, "%.6f %u\n", t0, t);
          continue;
        }
      if (!number (tl, path, r, cs, FALSE, &s, error))
        return FALSE;
      if (s < 0 || s > 1e6 || s != floor (s))
        {
          g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: data row %u, column 'stream': '%s' is not a stream number",
                       path, r + 1, f[cs]);
          return FALSE;
        }
      top[p] = MAX (top[p], s);
      g_string_append_printf (d, "%.6f %.6f %.0f %u\n", t0, t1, s, t);
    }
  g_autoptr (GString) legend = g_string_new (NULL);
  for (guint t = 0; t < tasks.list->len; t++)
    {
      g_autofree char *tq = ts_plot_quote (*NAME (&tasks, t) ? NAME (&tasks, t) : "(no task)");
      g_string_append_printf (legend, ", NaN with boxes lt %u fs solid 0.7 title %s", t + 1, tq);
    }
  for (guint p = 0; p < np; p++)
    {
      GString *d = data->pdata[p], *m = marks->pdata[p];
      g_autofree char *name = stem (fg, "timeline-", NAME (&pols, p));
      g_string_append_printf (d, "\n\n# preemptions: time_ms task_index\n%s", m->len ? m->str : "NaN NaN\n");
      g_autofree char *title = g_strdup_printf ("Timeline of policy %s: kernels on each stream, coloured by task; "
                                                "triangles: preemptions", NAME (&pols, p));
      g_autofree char *more = g_strdup_printf ("set ytics 0,1,%.0f\nset ytics add ('preemptions' -0.6)\n"
                                               "set yrange [-1:%.1f]", top[p], top[p] + 0.6);
      g_autofree char *base = setup_text (title, "simulated time (ms)", "stream", 0, more);
      g_autoptr (GString) setup = g_string_new (base);
      add_linetypes (setup, tasks.list->len);
      g_autofree char *cmd = g_strdup_printf ("plot '%s.dat' index 0 using (($1+$2)/2):3:(($2-$1)/2):(0.35):($4+1) "
                                              "with boxxyerror fs solid 0.7 lc variable notitle, "
                                              "'%s.dat' index 1 using 1:(-0.6):($2+1) with points pt 9 ps 1.5 lc variable notitle%s",
                                              name, name, legend->str);
      if (!write_dat (fg, name, d, error) || !write_gp (fg, name, setup->str, cmd, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- sweeps ---- */

double
ts_plot_t95 (guint df)
{
  /* t_{0.975, df} for df 1..30 (any table of Student's t) */
  static const double t[] = { 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                              2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                              2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042 };
  g_return_val_if_fail (df > 0, NAN);
  if (df <= G_N_ELEMENTS (t))
    return t[df - 1];
  /* beyond: the Cornish-Fisher expansion of t about the normal quantile z, within 1e-4 from 30 */
  double z = 1.959964, n = df, z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
  return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n)
         + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * n * n * n);
}

/* Mean of the n values in v, and the half-width of its 95% confidence interval (Student t,
 * sample standard deviation): NAN for fewer than 2 values. */
static void
mean_ci (const double *v, guint n, double *mean, double *ci)
{
  double s = 0, ss = 0;
  for (guint i = 0; i < n; i++)
    s += v[i];
  *mean = n ? s / n : NAN;
  for (guint i = 0; i < n; i++)
    ss += (v[i] - *mean) * (v[i] - *mean);
  *ci = n > 1 ? ts_plot_t95 (n - 1) * sqrt (ss / (n - 1)) / sqrt (n) : NAN;
}

/* What a sweep figure shows of one (point, policy): its RT tasks' missed and released jobs, the
 * worst of their p99 latencies, its BE and total throughputs. */
typedef struct {
  guint x, series;
  double missed, jobs;       /* over RT tasks with a deadline */
  double p99;                /* max over RT tasks; NAN: none */
  gboolean p99_unknown;      /* an RT task released jobs and completed none: no p99 */
  double be, all;            /* requests/s */
  gboolean any_be;
} Sample;

enum { DMR, P99, BE, ALL, N_METRICS };

static const struct {
  const char *stem, *title, *ylabel;
  double cap;   /* the y axis' top for fractions; 0: none */
} metrics[N_METRICS] = {
  { "sweep-rt-dmr", "RT deadline miss rate", "RT deadline miss rate (missed / released RT jobs)", 1.0 },
  { "sweep-rt-p99", "p99 latency of the worst RT task", "RT p99 latency (ms, worst RT task)", 0 },
  { "sweep-be-throughput", "BE throughput", "BE throughput (requests/s, all BE tasks)", 0 },
  { "sweep-throughput", "Total throughput", "throughput (requests/s, all tasks)", 0 },
};

/* A sample's value of metric m, NAN if it has none. */
static double
sample_value (const Sample *s, guint m)
{
  switch (m)
    {
    case DMR: return s->jobs > 0 ? s->missed / s->jobs : NAN;
    case P99: return s->p99_unknown ? NAN : s->p99;
    case BE: return s->any_be ? s->be : NAN;
    default: return s->all;
    }
}

/* Sweep figures: each metric against the first axis with more than one value, a line per policy
 * (and per value of any other axis that varies), each point the mean over the sweep's replicas
 * with its 95% confidence interval as an error bar.  A sweep where only replicas vary gets, per
 * metric, each policy's replicas as dots and their mean with its interval. */
static gboolean
sweep_figures (Figures *fg, const Csv *pts, const char *path, GError **error)
{
  int c_rep = col (pts, "replica"), cp = col (pts, "policy"), cc = col (pts, "class"), cj = col (pts, "jobs"),
      cm = col (pts, "missed"), cd = col (pts, "dmr"), c99 = col (pts, "lat_p99_ms"), cth = col (pts, "throughput_rps"),
      cpt = col (pts, "point");
  /* the axes are the columns between point and replica; those that vary */
  g_autoptr (GArray) varying = g_array_new (FALSE, FALSE, sizeof (int));
  for (int a = cpt + 1; a < c_rep; a++)
    {
      g_auto (Names) vals = { 0 };
      names_init (&vals);
      for (guint r = 0; r < pts->rows->len && vals.list->len < 2; r++)
        intern (&vals, ((GStrv) pts->rows->pdata[r])[a]);
      if (vals.list->len > 1)
        g_array_append_val (varying, a);
    }
  int axis = varying->len ? g_array_index (varying, int, 0) : -1;
  g_auto (Names) xs = { 0 }, series = { 0 };
  names_init (&xs), names_init (&series);
  g_autoptr (GArray) samples = g_array_new (FALSE, TRUE, sizeof (Sample));
  g_autoptr (GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint r = 0; r < pts->rows->len; r++)
    {
      GStrv f = pts->rows->pdata[r];
      /* the series: the policy, and the values of the other axes that vary */
      g_autoptr (GString) sn = g_string_new (f[cp]);
      for (guint v = 1; v < varying->len; v++)
        {
          int a = g_array_index (varying, int, v);
          g_string_append_printf (sn, "%s%s=%s", v == 1 ? ", " : " ", pts->header[a], f[a]);
        }
      guint x = axis >= 0 ? intern (&xs, f[axis]) : 0, s = intern (&series, sn->str);
      /* the point's length first: no point and policy can read as another pair */
      g_autofree char *key = g_strdup_printf ("%zu:%s/%s", strlen (f[cpt]), f[cpt], f[cp]);
      gpointer k = g_hash_table_lookup (index, key);
      if (k == NULL)
        {
          Sample z = { .x = x, .series = s, .p99 = NAN };
          g_array_append_val (samples, z);
          k = GUINT_TO_POINTER (samples->len);
          g_hash_table_insert (index, g_steal_pointer (&key), k);
        }
      Sample *sm = &g_array_index (samples, Sample, GPOINTER_TO_UINT (k) - 1);
      double jobs, missed, dmr, p99, th;
      if (!number (pts, path, r, cj, FALSE, &jobs, error) || !number (pts, path, r, cm, FALSE, &missed, error)
          || !number (pts, path, r, cd, TRUE, &dmr, error) || !number (pts, path, r, c99, TRUE, &p99, error)
          || !number (pts, path, r, cth, FALSE, &th, error))
        return FALSE;
      sm->all += th;
      if (strcmp (f[cc], "rt") == 0)
        {
          if (!isnan (dmr))   /* a task with a deadline */
            sm->missed += missed, sm->jobs += jobs;
          if (isnan (p99) && jobs > 0)
            sm->p99_unknown = TRUE;
          else if (!isnan (p99))
            sm->p99 = isnan (sm->p99) ? p99 : MAX (sm->p99, p99);   /* the worst task's, not a sum */
        }
      else
        sm->be += th, sm->any_be = TRUE;
    }
  guint nx = MAX (xs.list->len, 1u), ns = series.list->len;
  if (ns == 0)
    return TRUE;
  if (!few_enough (&series, "policies", path, error) || !small_enough (nx, ns, "axis values x policies", path, error))
    return FALSE;
  gboolean numeric = axis >= 0;
  for (guint x = 0; x < xs.list->len; x++)
    {
      char *end;
      g_ascii_strtod (NAME (&xs, x), &end);
      numeric &= end != NAME (&xs, x) && *end == '\0';
    }
  gsize cells = (gsize) nx * ns;
  g_autoptr (GPtrArray) vals = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint m = 0; m < N_METRICS; m++)
    {
      g_ptr_array_set_size (vals, 0);
      for (gsize c = 0; c < cells; c++)
        g_ptr_array_add (vals, g_array_new (FALSE, FALSE, sizeof (double)));
      gboolean any = FALSE;
      double top = 0;
      for (guint i = 0; i < samples->len; i++)
        {
          const Sample *s = &g_array_index (samples, Sample, i);
          double v = sample_value (s, m);
          if (!isnan (v))
            g_array_append_val ((GArray *) vals->pdata[(gsize) s->x * ns + s->series], v), any = TRUE;
          top = isnan (v) ? top : MAX (top, v);   /* the dots of a replica figure */
        }
      if (!any)
        continue;   /* no RT task with a deadline, or no BE task */
      g_autoptr (GString) d = g_string_new ("# "), dots = g_string_new (NULL), cmd = g_string_new ("plot ");
      guint nmin = G_MAXUINT, nmax = 0;
      if (axis >= 0)
        {
          dat_word (d, pts->header[axis]);
          for (guint s = 0; s < ns; s++)
            {
              g_string_append_c (d, ' '), dat_word (d, NAME (&series, s));
              g_string_append (d, " ci95 n");
            }
        }
      else
        g_string_append (d, "series mean ci95 n name");
      g_string_append (d, "\n# mean over replicas; ci95: half-width of its 95% confidence interval (Student t), "
                          "NaN for fewer than 2; n: replicas\n");
      for (guint x = 0; x < nx; x++)
        {
          if (axis >= 0)
            dat_word (d, NAME (&xs, x));
          for (guint s = 0; s < ns; s++)
            {
              GArray *a = vals->pdata[(gsize) x * ns + s];
              double mean, ci;
              mean_ci ((double *) a->data, a->len, &mean, &ci);
              nmin = MIN (nmin, a->len), nmax = MAX (nmax, a->len);
              top = MAX (top, isnan (mean) ? 0 : mean + (isnan (ci) ? 0 : ci));
              if (axis < 0)
                g_string_append_printf (d, "%u", s);
              g_string_append_printf (d, isnan (mean) ? " NaN" : " %.6f", mean);
              g_string_append_printf (d, isnan (ci) ? " NaN" : " %.6f", ci);
              g_string_append_printf (d, " %u", a->len);
              if (axis < 0)
                {
                  g_string_append_c (d, ' '), dat_word (d, NAME (&series, s)), g_string_append_c (d, '\n');
                  for (guint i = 0; i < a->len; i++)
                    g_string_append_printf (dots, "%u %.6f\n", s, g_array_index (a, double, i));
                }
            }
          if (axis >= 0)
            g_string_append_c (d, '\n');
        }
      const char *name = metrics[m].stem;
      /* an error bar of 0 where there is no interval: gnuplot drops a point whose bar is NaN */
      /* each series shifted a little sideways (0.8% of the axis' span apiece), so that series
       * with equal values show side by side instead of one hiding the others */
      double span = 1;
      if (numeric && nx > 1)
        {
          double lo = INFINITY, hi = -INFINITY;
          for (guint x = 0; x < nx; x++)
            lo = MIN (lo, g_ascii_strtod (NAME (&xs, x), NULL)), hi = MAX (hi, g_ascii_strtod (NAME (&xs, x), NULL));
          span = hi > lo ? hi - lo : 1;
        }
      if (axis >= 0)
        for (guint s = 0; s < ns; s++)
          {
            g_autofree char *sq = ts_plot_quote (NAME (&series, s));
            guint mc = 2 + 3 * s, cc2 = mc + 1;
            double off = (s - (ns - 1) / 2.0) * 0.008 * span;
            g_string_append_printf (cmd, "%s'%s.dat' using ($%u%+g):%u:($%u == $%u ? $%u : 0)%s with yerrorlines ls %u title %s",
                                    s ? ", " : "", name, numeric ? 1 : 0, off, mc, cc2, cc2, cc2,
                                    numeric || s ? "" : ":xtic(1)", s + 1, sq);
          }
      else
        {
          g_string_append (d, "\n\n# replicas: series value\n");
          g_string_append (d, dots->len ? dots->str : "NaN NaN\n");
          g_string_append_printf (cmd, "'%s.dat' index 1 using ($1 - 0.12):2 with points pt 6 ps 1.2 lc rgb '#888888' title 'replicas (left)', "
                                  "'%s.dat' index 0 using 1:2:($3 == $3 ? $3 : 0):xtic(5) with yerrorbars pt 7 ps 1.5 lw 2 "
                                  "lc rgb '#0072B2' title 'mean ± 95%% CI'", name, name);
        }
      g_autoptr (GString) title = g_string_new (metrics[m].title);
      if (nmax > 1)
        nmin == nmax ? g_string_append_printf (title, ": mean ± 95%% CI (Student t) over %u replicas", nmax)
                     : g_string_append_printf (title, ": mean ± 95%% CI (Student t) over %u to %u replicas", nmin, nmax);
      else if (axis < 0)
        g_string_append (title, " (one replica: no interval)");
      g_autofree char *more = axis >= 0 ? g_strdup_printf ("set yrange [0:%g]", y_top (top, metrics[m].cap))
                                        : g_strdup_printf ("set yrange [0:%g]\nset xrange [-0.5:%g]\nset xtics rotate by -30",
                                                           y_top (top, metrics[m].cap), ns - 0.5);
      g_autofree char *xl = axis >= 0 && ns > 1 ? g_strdup_printf ("%s (policies offset sideways for legibility)", pts->header[axis])
                                                : g_strdup (axis >= 0 ? pts->header[axis] : "policy");
      g_autofree char *setup = setup_text (title->str, xl, metrics[m].ylabel,
                                           axis >= 0 ? ns : 0, more);
      g_hash_table_add (fg->used, g_strdup (name));
      if (!write_dat (fg, name, d, error) || !write_gp (fg, name, setup, cmd->str, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
ts_plot_dir (const char *dir, guint *n, GError **error)
{
  *n = 0;
  g_autofree char *plots = g_build_filename (dir, "plots", NULL);
  g_autofree char *points = g_build_filename (dir, "points.csv", NULL), *summary = g_build_filename (dir, "summary.csv", NULL),
                  *jobs = g_build_filename (dir, "jobs.csv", NULL), *timeline = g_build_filename (dir, "timeline.csv", NULL);
  gboolean is_sweep = g_file_test (points, G_FILE_TEST_EXISTS);
  if (!is_sweep && !g_file_test (summary, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, TS_ERROR, TS_ERROR_USAGE, "%s holds neither a run's summary.csv nor a sweep's points.csv", dir);
      return FALSE;
    }
  if (g_mkdir_with_parents (plots, 0777) != 0)
    {
      int e = errno;
      g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot create %s: %s", plots, g_strerror (e));
      return FALSE;
    }
  g_autoptr (GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Figures fg = { plots, written, used };
  /* every file is read whole, and every column used checked, before anything is drawn */
  g_autoptr (TsCsv) a = NULL, b = NULL, c = NULL;
  gboolean ok;
  if (is_sweep)
    ok = (a = ts_csv_read (points, error)) != NULL
         && need_columns (a, points, error, "point", "replica", "policy", "class", "jobs", "missed", "dmr",
                          "lat_p99_ms", "throughput_rps", NULL)
         && sweep_figures (&fg, a, points, error);
  else
    {
      ok = (a = ts_csv_read (summary, error)) != NULL
           && need_columns (a, summary, error, "policy", "task", "class", "dmr", "accuracy", "throughput_rps", NULL)
           && (b = ts_csv_read (jobs, error)) != NULL
           && need_columns (b, jobs, error, "policy", "task", "release_ns", "finish_ns", NULL)
           && cdfs (&fg, b, jobs, error)
           && bars (&fg, a, summary, "dmr", "rt", "rt-dmr", "Deadline miss rate per RT task", "RT task",
                    "deadline miss rate (missed / released jobs)", 1.0, error)
           && bars (&fg, a, summary, "accuracy", "rt", "rt-accuracy", "Accuracy per RT task", "RT task",
                    "accuracy (mean over released jobs; missed and dropped count 0)", 1.0, error)
           && bars (&fg, a, summary, "throughput_rps", NULL, "throughput", "Throughput per task", "task",
                    "throughput (requests/s)", 0, error);
      if (ok && g_file_test (timeline, G_FILE_TEST_EXISTS))
        ok = (c = ts_csv_read (timeline, error)) != NULL
             && need_columns (c, timeline, error, "policy", "stream", "task", "start_ms", "end_ms", NULL)
             && timelines (&fg, c, timeline, error);
    }
  if (!ok)
    return FALSE;

  g_autofree char *gnuplot = g_find_program_in_path ("gnuplot");
  if (gnuplot == NULL)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_RUN, "gnuplot not found: the .gp scripts and data are in %s; "
                   "install gnuplot (Debian: apt-get install gnuplot-nox) to draw them", plots);
      return FALSE;
    }
  for (guint i = 0; i < written->len; i++)
    {
      g_autofree char *gp = g_strdup_printf ("%s.gp", (char *) written->pdata[i]), *err = NULL;
      const char *argv[] = { gnuplot, gp, NULL };
      int status;
      if (!g_spawn_sync (plots, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, error))
        return FALSE;
      if (!g_spawn_check_wait_status (status, NULL))
        {
          g_set_error (error, TS_ERROR, TS_ERROR_RUN, "gnuplot failed on %s/%s:\n%s", plots, gp, err);
          return FALSE;
        }
    }
  *n = written->len;
  return TRUE;
}
