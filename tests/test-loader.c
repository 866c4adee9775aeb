/* Loader: a valid scenario's values, typo hints, the profile writer's round trip, and every broken
 * scenario in tests/data/bad (each names its expected "file:line: message" on its first line,
 * "# expect: ..."). */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sim/load/datadir.h"
#include "sim/scenario.h"
#include "tests/testutil.h"
#include "sim/load/load.h"

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
  /* the same model file: listed once, but task 1 runs its own copy, so that each kernel
   * descriptor belongs to one task (what traces and timelines attribute kernels by) */
  g_assert_true (s->tasks[1].model != p->model);
  g_assert_cmpstr (s->tasks[1].model->name, ==, p->model->name);
  g_assert_cmpint (s->tasks[1].model->solo, ==, p->model->solo);
  g_assert_cmpuint (s->tasks[1].model->n_kernels, ==, p->model->n_kernels);
  g_assert_true (s->tasks[1].model->kernels != p->model->kernels);   /* a deep copy, resolved alike */
  for (guint k = 0; k < p->model->n_kernels; k++)
    {
      g_assert_true (s->tasks[1].model->kernels[k].name != p->model->kernels[k].name);
      g_assert_cmpstr (s->tasks[1].model->kernels[k].name, ==, p->model->kernels[k].name);
      g_assert_cmpint (s->tasks[1].model->kernels[k].duration, ==, p->model->kernels[k].duration);
    }
  g_assert_cmpint (s->tasks[1].model->chunk_solo[0], ==, p->model->chunk_solo[0]);
  guint listed = 0;
  for (guint i = 0; i < s->models->len; i++)
    listed += s->models->pdata[i] == p->model || s->models->pdata[i] == s->tasks[1].model;
  g_assert_cmpuint (listed, ==, 1);

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

/* Writes p to a temporary file and loads it back. */
static TsProfile *
write_and_load (const TsProfile *p)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tiersim-profile-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "p.cfg", NULL);
  g_assert_true (ts_profile_write (p, path, &error));
  g_assert_no_error (error);
  TsProfile *back = ts_profile_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  return back;
}

static void
assert_same_timings (const TsTimings *a, const TsTimings *b)
{
  g_assert_cmpint (a->launch_latency, ==, b->launch_latency);
  g_assert_cmpint (a->block_dispatch, ==, b->block_dispatch);
  g_assert_cmpint (a->sync_wakeup, ==, b->sync_wakeup);
  g_assert_cmpint (a->host_queue_clear, ==, b->host_queue_clear);
  g_assert_cmpint (a->flag_write, ==, b->flag_write);
  g_assert_cmpint (a->cu_reset, ==, b->cu_reset);
  g_assert_cmpint (a->block_check, ==, b->block_check);
}

/* Every value of a, field by field (the path aside). */
static void
assert_same_profile (const TsProfile *a, const TsProfile *b)
{
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpstr (a->description, ==, b->description);
  g_assert_cmpstr (a->source, ==, b->source);
  g_assert_cmpstr (a->date, ==, b->date);
  g_assert_cmpstr (a->tool_version, ==, b->tool_version);
  g_assert_cmpstr (a->measured_on.device, ==, b->measured_on.device);
  g_assert_cmpstr (a->measured_on.compute_capability, ==, b->measured_on.compute_capability);
  g_assert_cmpstr (a->measured_on.driver, ==, b->measured_on.driver);
  g_assert_cmpstr (a->measured_on.cuda, ==, b->measured_on.cuda);
  g_assert_cmpuint (a->sms, ==, b->sms);
  g_assert_cmpuint (a->max_threads_per_sm, ==, b->max_threads_per_sm);
  g_assert_cmpuint (a->max_blocks_per_sm, ==, b->max_blocks_per_sm);
  g_assert_cmpuint (a->registers_per_sm, ==, b->registers_per_sm);
  g_assert_cmpuint (a->shared_mem_per_sm, ==, b->shared_mem_per_sm);
  g_assert_cmpuint (a->max_threads_per_block, ==, b->max_threads_per_block);
  g_assert_cmpuint (a->priority_levels, ==, b->priority_levels);
  assert_same_timings (&a->timing, &b->timing);
  assert_same_timings (&a->timing_p99, &b->timing_p99);
  g_assert_cmpint (a->dispatch, ==, b->dispatch);
  g_assert_cmpint (a->placement, ==, b->placement);
  g_assert_cmpint (a->interference.present, ==, b->interference.present);
  g_assert_cmpfloat (a->interference.dram_bandwidth_gbps, ==, b->interference.dram_bandwidth_gbps);
  g_assert_cmpmem (a->interference.slowdown, sizeof a->interference.slowdown, b->interference.slowdown,
                   sizeof b->interference.slowdown);
  g_assert_cmpfloat (a->dram_bandwidth_gbps, ==, b->dram_bandwidth_gbps);
  g_assert_cmpint (a->contention_rule, ==, b->contention_rule);
  g_assert_cmpint (a->contention.present, ==, b->contention.present);
  for (guint v = 0; v < TS_N_LOADS; v++)
    {
      g_assert_cmpuint (a->contention.n_occupancy[v], ==, b->contention.n_occupancy[v]);
      g_assert_cmpmem (a->contention.occupancy_ns[v], a->contention.n_occupancy[v] * sizeof (double),
                       b->contention.occupancy_ns[v], b->contention.n_occupancy[v] * sizeof (double));
    }
  g_assert_cmpmem (a->contention.sm_slowdown, sizeof a->contention.sm_slowdown, b->contention.sm_slowdown,
                   sizeof b->contention.sm_slowdown);
  g_assert_cmpmem (&a->host, sizeof a->host, &b->host, sizeof b->host);
}

/* Every shipped profile survives write + load unchanged, and writing it again gives the same text. */
static void
test_profile_roundtrip_shipped (void)
{
  g_auto (GStrv) names = ts_data_list (TS_DATA_PROFILE);
  g_assert_cmpuint (g_strv_length (names), >=, 7);
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (TsProfile) p = ts_profile_load (names[i], NULL, &error);
      g_assert_no_error (error);
      g_autoptr (TsProfile) back = write_and_load (p);
      assert_same_profile (p, back);
      g_autofree char *t1 = ts_profile_to_text (p), *t2 = ts_profile_to_text (back);
      g_assert_cmpstr (t1, ==, t2);
    }
}

/* A measured profile with awkward values: strings that need escaping, times that are not whole
 * microseconds, 99th percentiles apart from the medians, the non-default rules. */
static void
test_profile_roundtrip_measured (void)
{
  g_autoptr (TsProfile) p = tu_profile (132);
  g_free (p->name);
  p->name = g_strdup ("h100-2026-11-21");
  p->description = g_strdup ("say \"hi\" C:\\new\\ tab\there\nnew line, ctrl \x01, UTF-8 \xc2\xb5s");
  p->source = g_strdup ("measured");
  p->date = g_strdup ("2026-11-21");
  p->tool_version = g_strdup ("tiersim 0.1.0");
  p->measured_on = (TsMeasuredOn) { g_strdup ("NVIDIA H100 80GB HBM3"), g_strdup ("9.0"),
                                    g_strdup ("550.54.15"), g_strdup ("12.4") };
  p->priority_levels = 6;
  p->timing = (TsTimings) { 4123, 1, 999, 1000, 1001, 123456789, 0 };
  p->timing_p99 = (TsTimings) { 9999, 1, 1500, 1000, 2002, 123456790, 7 };
  p->dispatch = TS_DISPATCH_ANY_FIT;
  p->placement = TS_PLACE_ROUND_ROBIN;
  /* doubles that need all 17 digits, and a whole number */
  p->interference = (TsInterference) { TRUE, 3000, { { 0.5 + 1.0 / 3.0, 1.0000000000000002 }, { 0.9, 1.8712345678901234 } } };
  p->dram_bandwidth_gbps = 3350;
  p->host = (TsHostModel) { TRUE, 6, 41234, 1, 0, 999999 };
  p->contention_rule = TS_CONTENTION_SM;
  /* curves in ns that are not whole microseconds, of different lengths */
  p->contention.present = TRUE;
  p->contention.n_occupancy[TS_LOAD_COMPUTE] = 3;
  p->contention.occupancy_ns[TS_LOAD_COMPUTE] = g_new (double, 3);
  p->contention.n_occupancy[TS_LOAD_MEMORY] = 1;
  p->contention.occupancy_ns[TS_LOAD_MEMORY] = g_new (double, 1);
  memcpy (p->contention.occupancy_ns[TS_LOAD_COMPUTE], (double[]) { 130123.5, 131000, 260000.25 }, 3 * sizeof (double));
  p->contention.occupancy_ns[TS_LOAD_MEMORY][0] = 77777.001;
  memcpy (p->contention.sm_slowdown, (double[2][2]) { { 2.0, 1.25 }, { 1.1, 1.9999999999999998 } },
          sizeof p->contention.sm_slowdown);
  g_autoptr (TsProfile) back = write_and_load (p);
  assert_same_profile (p, back);

  /* A p99 key is written only where it differs from the median; absent, it reads as the median. */
  g_autofree char *text = ts_profile_to_text (p);
  g_assert_nonnull (strstr (text, "launch_latency_p99_us = 9.999;"));
  g_assert_nonnull (strstr (text, "cu_reset_us = 123456.789;"));
  g_assert_null (strstr (text, "block_dispatch_p99_us"));
  g_assert_nonnull (strstr (text, "dram_bandwidth_gbps = 3000.0;"));
  g_assert_nonnull (strstr (text, "contention = \"sm\";"));
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

/* Inputs must be regular files of bounded size: a device, a FIFO (which would block), a folder,
 * an @included FIFO and a 17 MiB file are refused at once, with the path in the message. */
static void
test_not_regular (void)
{
  alarm (30);  /* a loader that blocks on the FIFO fails here instead of hanging */
  g_autofree char *tmp = g_dir_make_tmp ("tiersim-loader-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (tmp, "fifo.cfg", NULL);
  g_autofree char *inc = g_build_filename (tmp, "inc.cfg", NULL);
  g_autofree char *big = g_build_filename (tmp, "big.cfg", NULL);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_true (g_file_set_contents (inc, "@include \"fifo.cfg\"\n", -1, NULL));
  int fd = g_open (big, O_WRONLY | O_CREAT, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, 17 << 20), ==, 0);
  close (fd);
  struct { const char *path, *msg; } cases[] = {
    { "/dev/zero", "/dev/zero: not a regular file (a character device)" },
    { fifo, "fifo.cfg: not a regular file (a FIFO)" },
    { tmp, ": not a regular file (a folder)" },
    { inc, "inc.cfg:1: @include \"fifo.cfg\": " },
    { big, "big.cfg: 17825792 bytes; an input file may have at most 16 MiB" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) e1 = NULL, e2 = NULL, e3 = NULL;
      g_autoptr (TsScenario) s = ts_scenario_load (cases[i].path, &e1);
      g_autoptr (TsModel) m = ts_model_load (cases[i].path, NULL, &e2);
      g_autoptr (TsProfile) p = ts_profile_load (cases[i].path, NULL, &e3);
      GError *errs[] = { e1, e2, e3 };
      for (guint k = 0; k < G_N_ELEMENTS (errs); k++)
        {
          g_assert_nonnull (errs[k]);
          g_assert_cmpint (errs[k]->code, ==, TS_ERROR_INPUT);
          if (strstr (errs[k]->message, cases[i].msg) == NULL)
            g_error ("%s (loader %u): expected \"%s\" in: %s", cases[i].path, k, cases[i].msg, errs[k]->message);
        }
    }
  alarm (0);
  tu_rm_rf (tmp);
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
  g_test_add_func ("/loader/profile-roundtrip-shipped", test_profile_roundtrip_shipped);
  g_test_add_func ("/loader/profile-roundtrip-measured", test_profile_roundtrip_measured);
  g_test_add_func ("/loader/not-regular", test_not_regular);
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
