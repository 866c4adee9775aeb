/* CSV (sim/out/csv.h): awkward fields round-trip, malformed text is a clean error, and every CSV a
 * run or a sweep writes parses back with a field per column whatever the names hold. */
#include "config.h"

#include <string.h>

#include "sim/out/csv.h"
#include "tests/testutil.h"
#include "sim/io.h"

static void
test_round_trip (void)
{
  const char *const rec[] = { "plain", "a,b", "say \"hi\"", "two\nlines", "crlf\r\nx", "", "  padded  ",
                              "\"", ",", "trailing,", NULL };
  g_autoptr (GString) s = g_string_new (NULL);
  for (guint r = 0; r < 3; r++)
    {
      for (guint i = 0; rec[i]; i++)
        i ? ts_csv_append_next (s, rec[i]) : ts_quote_csv (s, rec[i]);
      g_string_append_c (s, '\n');
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) lines = NULL;
  g_autoptr (GPtrArray) recs = ts_csv_parse (s->str, s->len, "t", &lines, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recs->len, ==, 3);
  for (guint r = 0; r < 3; r++)
    g_assert_true (g_strv_equal ((const char *const *) recs->pdata[r], rec));
  g_assert_cmpuint (g_array_index (lines, guint, 1), ==, 4);   /* two embedded LFs per record */
  /* ordinary fields are written as they are; others quoted, quotes doubled */
  g_autoptr (GString) q1 = g_string_new (NULL), q2 = g_string_new (NULL);
  ts_quote_csv (q1, "rt_task-1 x");
  ts_quote_csv (q2, "a\"b,c");
  g_assert_cmpstr (q1->str, ==, "rt_task-1 x");
  g_assert_cmpstr (q2->str, ==, "\"a\"\"b,c\"");
}

/* A record of one empty field, written as an empty line, was skipped when read back (a table of
 * one column lost its empty rows): ts_csv_append_record writes it as "". */
static void
test_lone_empty_field (void)
{
  const char *const e[] = { "", NULL }, *const x[] = { "x", NULL }, *const two[] = { "", "", NULL };
  g_autoptr (GString) s = g_string_new (NULL);
  ts_csv_append_record (s, x);
  ts_csv_append_record (s, e);
  ts_csv_append_record (s, two);
  ts_csv_append_record (s, e);
  g_assert_cmpstr (s->str, ==, "x\n\"\"\n,\n\"\"\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) recs = ts_csv_parse (s->str, s->len, "t", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recs->len, ==, 4);
  g_assert_true (g_strv_equal ((const char *const *) recs->pdata[0], x));
  g_assert_true (g_strv_equal ((const char *const *) recs->pdata[1], e));
  g_assert_true (g_strv_equal ((const char *const *) recs->pdata[2], two));
  g_assert_true (g_strv_equal ((const char *const *) recs->pdata[3], e));
}

static void
test_parse_forms (void)
{
  g_autoptr (GError) error = NULL;
  /* CRLF, a last line without its end, empty lines skipped, an empty last field */
  const char *t = "h1,h2\r\n\r\n1,\"x\"\r\n\n2,";
  g_autoptr (TsCsv) c = ts_csv_parse_table (t, strlen (t), "t", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (c->n_columns, ==, 2);
  g_assert_cmpuint (c->rows->len, ==, 2);
  g_assert_cmpstr (((GStrv) c->rows->pdata[0])[1], ==, "x");
  g_assert_cmpstr (((GStrv) c->rows->pdata[1])[0], ==, "2");
  g_assert_cmpstr (((GStrv) c->rows->pdata[1])[1], ==, "");
  g_assert_cmpint (ts_csv_column (c, "h2"), ==, 1);
  g_assert_cmpint (ts_csv_column (c, "h3"), ==, -1);
}

static void
test_malformed (void)
{
  static const struct { const char *text; gssize len; const char *msg; } bad[] = {
    { "a,b\n1,\"unterminated\n", -1, "t:2: a quoted field is never closed" },
    { "a,b\n1,x\"y\n", -1, "t:2: a quote inside an unquoted field" },
    { "a,b\n1,\"x\"y\n", -1, "t:2: a closing quote is followed by 'y'" },
    { "a,b\n1,\"x\" \n", -1, "t:2: a closing quote is followed by ' '" },
    { "a,b\n1\n", -1, "t:2: 1 fields, but the header has 2" },
    { "a,b\n1,2,3\n", -1, "t:2: 3 fields, but the header has 2" },
    { "a,b\n\"x\ny\",2,3\n", -1, "t:2: 3 fields" },
    { "a,b\n1,\0\n", 7, "t:2: a NUL byte" },
    { "", -1, "t: empty" },
    { "\"", -1, "t:1: a quoted field is never closed" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      gsize len = bad[i].len < 0 ? strlen (bad[i].text) : (gsize) bad[i].len;
      g_autofree char *copy = g_memdup2 (bad[i].text, len);   /* exactly len bytes: ASan sees any overrun */
      g_autoptr (TsCsv) c = ts_csv_parse_table (copy, len, "t", &error);
      g_assert_null (c);
      g_assert_error (error, TS_ERROR, TS_ERROR_INPUT);
      if (!g_str_has_prefix (error->message, bad[i].msg))
        g_error ("case %u: '%s' does not start with '%s'", i, error->message, bad[i].msg);
    }
}

/* dir/name parses as a table; returns its number of rows; col (if given) must hold want in some row. */
static guint
check_table (const char *dir, const char *name, const char *col, const char *want)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TsCsv) c = ts_csv_read (path, &error);
  g_assert_no_error (error);
  if (col)
    {
      int k = ts_csv_column (c, col);
      g_assert_cmpint (k, >=, 0);
      gboolean found = FALSE;
      for (guint r = 0; r < c->rows->len; r++)
        found |= strcmp (((GStrv) c->rows->pdata[r])[k], want) == 0;
      if (!found)
        g_error ("%s: no row with %s = '%s'", path, col, want);
    }
  return c->rows->len;
}

static void
test_run_outputs (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-csv-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (tmp, "run", NULL), *scn = tu_data ("hostile-name.cfg");
  g_autofree char *trace = g_build_filename (tmp, "t.json", NULL);
  g_assert_cmpint (tu_tiersim (NULL, NULL, "run", "-q", "-o", dir, "--trace", trace, scn, NULL), ==, 0);
  /* rt-only runs the two RT tasks, streams all three */
  g_assert_cmpuint (check_table (dir, "summary.csv", "task", "be, \"quoted\" _x"), ==, 5);
  g_autofree char *text = tu_slurp (dir, "summary.csv");
  g_assert_nonnull (strstr (text, "\nstreams,\"be, \"\"quoted\"\" _x\",be,"));
  g_assert_nonnull (strstr (text, "\nrt-only,\"x' ; system(\"\"touch PWNED\"\") ; '\",rt,"));
  check_table (dir, "jobs.csv", "task", "be, \"quoted\" _x");
  check_table (dir, "preemptions.csv", NULL, NULL);
  tu_rm_rf (tmp);
}

static void
test_sweep_outputs (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-csv-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (tmp, "sweep", NULL), *merged = g_build_filename (tmp, "merged", NULL);
  g_autofree char *sweep = tu_data ("sweeps/hostile-names.cfg");
  g_assert_cmpint (tu_tiersim (NULL, NULL, "sweep", sweep, "-o", dir, NULL), ==, 0);
  const char *axis = "len, \"ms\" x' ; system('touch PWNED') ; '";
  g_assert_cmpuint (check_table (dir, "points.csv", axis, "q\"x' ; system('touch PWNED') ; '"), ==, 2 * 5);
  check_table (dir, "points.csv", axis, "a,b");
  check_table (dir, "points.csv", "task", "be, \"quoted\" _x");
  /* the point, the axis, replica and seed, then every summary.csv column */
  g_autofree char *path = g_build_filename (dir, "points.csv", NULL);
  g_autoptr (TsCsv) c = ts_csv_read (path, NULL);
  g_assert_cmpuint (c->n_columns, ==, 4 + 24);
  /* merge reads the points back and writes the same points.csv */
  g_assert_cmpint (tu_tiersim (NULL, NULL, "merge", merged, dir, NULL), ==, 0);
  g_autofree char *a = tu_slurp (dir, "points.csv"), *b = tu_slurp (merged, "points.csv");
  g_assert_cmpstr (a, ==, b);
  tu_rm_rf (tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/csv/round-trip", test_round_trip);
  g_test_add_func ("/csv/parse-forms", test_parse_forms);
  g_test_add_func ("/csv/lone-empty-field", test_lone_empty_field);
  g_test_add_func ("/csv/malformed", test_malformed);
  g_test_add_func ("/csv/run-outputs", test_run_outputs);
  g_test_add_func ("/csv/sweep-outputs", test_sweep_outputs);
  return g_test_run ();
}
