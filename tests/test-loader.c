/* Loader: a valid scenario's values, typo hints, and every broken scenario in tests/data/bad
 * (each names its expected "file:line: message" on its first line, "# expect: ..."). */
#include "config.h"

#include <string.h>

#include "sim/scenario.h"
#include "tests/testutil.h"

static void
test_good (void)
{
  g_autofree char *path = tu_data ("good.cfg");
  g_autoptr (GError) error = NULL;
  g_autoptr (TsScenario) s = ts_scenario_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s->name, ==, "good");
  g_assert_cmpint (s->duration, ==, 2 * TS_NS_PER_S);
  g_assert_cmpuint (s->seed, ==, 42);
  g_assert_cmpstr (s->profile->name, ==, "test4");
  g_assert_cmpuint (s->profile->sms, ==, 4);
  /* from the @included file */
  g_assert_cmpuint (g_strv_length (s->policies), ==, 2);
  g_assert_cmpstr (s->policies[1], ==, "streams");
  g_assert_cmpuint (s->n_tasks, ==, 4);

  const TsTask *p = &s->tasks[0];
  g_assert_cmpint (p->cls, ==, TS_CLASS_RT);
  g_assert_cmpint (p->deadline, ==, 4 * TS_NS_PER_MS);
  g_assert_cmpint (p->on_busy, ==, TS_BUSY_SKIP);
  g_assert_cmpint (p->arrival.kind, ==, TS_ARRIVAL_PERIODIC);
  g_assert_cmpint (p->arrival.period, ==, 10000000);
  g_assert_cmpint (p->arrival.offset, ==, 1500000);
  g_assert_cmpint (p->arrival.jitter, ==, 250000);
  g_assert_cmpfloat (p->model->accuracy, ==, 0.9);
  g_assert_cmpint (p->model->solo, ==, 500000);

  g_assert_cmpint (s->tasks[1].arrival.kind, ==, TS_ARRIVAL_POISSON);
  g_assert_cmpfloat (s->tasks[1].arrival.rate, ==, 50.0);
  g_assert_cmpint (s->tasks[1].arrival.offset, ==, 2 * TS_NS_PER_MS);
  g_assert_cmpint (s->tasks[1].on_busy, ==, TS_BUSY_QUEUE);   /* the default */
  g_assert_true (s->tasks[1].model == p->model);              /* loaded once */

  const TsArrival *t = &s->tasks[2].arrival;
  g_assert_cmpint (t->kind, ==, TS_ARRIVAL_TRACE);
  g_assert_cmpuint (t->n_times, ==, 3);
  g_assert_cmpint (t->times[2], ==, 2500000);
  g_assert_cmpint (s->tasks[2].deadline, ==, 0);

  g_assert_cmpint (s->tasks[3].arrival.kind, ==, TS_ARRIVAL_CLOSED);
  g_assert_cmpint (s->tasks[3].arrival.think, ==, 500000);
  g_assert_cmpuint (s->tasks[3].model->n_kernels, ==, 2);
  g_assert_cmpuint (s->tasks[3].model->n_chunks, ==, 2);   /* be2: chunks = [ 1 ] */
  g_assert_cmpuint (s->tasks[3].model->chunk_first[1], ==, 1);
  g_assert_cmpint (s->tasks[3].model->chunk_solo[1], ==, 2 * TS_NS_PER_MS);
  g_assert_cmpuint (p->model->n_chunks, ==, 1);
  g_assert_cmpuint (s->models->len, ==, 3);

  /* RT utilisation: p 0.5 ms / 10 ms + x 0.5 ms * 50/s = 0.05 + 0.025; BE: t is a trace and c
   * closed-loop, neither has a period */
  g_assert_cmpfloat_with_epsilon (ts_scenario_utilisation (s, TS_CLASS_RT, FALSE), 0.075, 1e-12);
  g_assert_cmpfloat_with_epsilon (ts_scenario_utilisation (s, TS_CLASS_RT, TRUE), 0.075, 1e-12);
  g_assert_cmpfloat (ts_scenario_utilisation (s, TS_CLASS_BE, FALSE), ==, 0.0);
}

static void
test_nearest_name (void)
{
  static const char *const keys[] = { "duration", "period_ms", "model", "seed", NULL };
  g_assert_cmpuint (ts_edit_distance ("kitten", "sitting"), ==, 3);
  g_assert_cmpuint (ts_edit_distance ("", "abc"), ==, 3);
  g_assert_cmpstr (ts_nearest_name ("duraton", keys), ==, "duration");
  g_assert_cmpstr (ts_nearest_name ("modle", keys), ==, "model");
  g_assert_cmpstr (ts_nearest_name ("period", keys), ==, "period_ms");   /* unit suffix left off */
  g_assert_null (ts_nearest_name ("colour", keys));
}

/* Each broken file must fail to load, with its expected message among the errors. */
static void
test_bad (gconstpointer data)
{
  const char *path = data;
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "# expect: "));
  g_autofree char *expect = g_strndup (text + 10, strcspn (text + 10, "\n"));
  g_autoptr (GError) error = NULL;
  g_autoptr (TsScenario) s = ts_scenario_load (path, &error);
  g_assert_null (s);
  g_assert_nonnull (error);
  g_assert_true (error->code == TS_ERROR_INPUT || error->code == TS_ERROR_NOT_FOUND);
  if (strstr (error->message, expect) == NULL)
    g_error ("%s:\n  expected: %s\n  got: %s", path, expect, error->message);
}

static int
cmp_name (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/loader/good", test_good);
  g_test_add_func ("/loader/nearest-name", test_nearest_name);
  g_autofree char *dir = tu_data ("bad");
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *n;
  while ((n = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (n, ".cfg"))
      g_ptr_array_add (names, g_strdup (n));
  g_ptr_array_sort (names, cmp_name);
  g_assert_cmpuint (names->len, >=, 20);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *test = g_strdup_printf ("/loader/bad/%s", (char *) names->pdata[i]);
      g_test_add_data_func_full (test, g_build_filename (dir, names->pdata[i], NULL), test_bad, g_free);
    }
  return g_test_run ();
}
