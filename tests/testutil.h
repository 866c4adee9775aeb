/* Helpers shared by the test programs (header-only). */
#pragma once

#include <stdarg.h>
#include <sys/wait.h>

#include <glib.h>

#include "sim/runner.h"

/* Path of a file under tests/data. */
static inline char *
tu_data (const char *rel)
{
  const char *dir = g_getenv ("TIERSIM_TEST_DATA");
  return g_build_filename (dir ? dir : TS_ABS_SRCDIR "/tests/data", rel, NULL);
}

/* A GPU of `sms` SMs, each with 1024 threads, 8 block slots, 32768 registers and 48 KiB of
 * shared memory, two priority levels, no launch latency: the test4 profile's device in code. */
static inline TsProfile *
tu_profile (guint sms)
{
  TsProfile *p = g_new0 (TsProfile, 1);
  p->name = g_strdup ("test");
  p->sms = sms;
  p->max_threads_per_sm = 1024;
  p->max_blocks_per_sm = 8;
  p->registers_per_sm = 32768;
  p->shared_mem_per_sm = 49152;
  p->max_threads_per_block = 1024;
  p->priority_levels = 2;
  return p;
}

static inline TsKernelDesc
tu_kernel (guint blocks, guint threads, guint regs, guint smem, TsTime dur)
{
  return (TsKernelDesc) { .name = (char *) "k", .blocks = blocks, .threads = threads, .regs = regs,
                          .smem = smem, .duration = dur };
}

/* Runs the built tiersim ($TIERSIM) with the NULL-terminated arguments args; returns its exit
 * status (it must exit, not crash).  Its stdout goes to *out and stderr to *err when given;
 * both are always captured, so that nothing reaches the test's TAP stream. */
static inline int
tu_tiersim_argv (char **out, char **err, const char *const *args)
{
  GPtrArray *argv = g_ptr_array_new ();
  const char *bin = g_getenv ("TIERSIM");
  g_ptr_array_add (argv, (gpointer) (bin ? bin : TS_ABS_BUILDDIR "/tiersim"));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  char *o = NULL, *e = NULL;
  int status;
  GError *error = NULL;
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &o, &e, &status, &error);
  g_ptr_array_unref (argv);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  if (out)
    *out = o;
  else
    g_free (o);
  if (err)
    *err = e;
  else
    g_free (e);
  return WEXITSTATUS (status);
}

/* The same with the arguments as a NULL-terminated list. */
static inline int
tu_tiersim (char **out, char **err, const char *first, ...)
{
  GPtrArray *args = g_ptr_array_new ();
  va_list ap;
  va_start (ap, first);
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  int status = tu_tiersim_argv (out, err, (const char *const *) args->pdata);
  g_ptr_array_unref (args);
  return status;
}

/* The contents of dir/name, which must exist. */
static inline char *
tu_slurp (const char *dir, const char *name)
{
  char *path = g_build_filename (dir, name, NULL), *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_free (path);
  return text;
}

/* Removes a folder tree made by a test. */
static inline void
tu_rm_rf (const char *dir)
{
  const char *argv[] = { "rm", "-rf", dir, NULL };
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* Fails (naming label, the policy, the job and the times) if a job of res finished sooner after
 * its release than the variant it ran takes alone: no policy can beat an idle GPU. */
static inline void
tu_assert_no_job_beats_solo (const char *label, const TsScenario *scn, const TsRunResult *res)
{
  for (guint i = 0; i < res->jobs->len; i++)
    {
      const TsJob *j = res->jobs->pdata[i];
      const TsModel *m = scn->tasks[j->task].model;
      TsTime solo = j->exit >= 0 ? ts_model_variant_solo (m, (guint) j->exit) : m->solo;
      if (!j->dropped && j->finish - j->release < solo)
        g_error ("%s under %s: job %u of %s took %" G_GINT64_FORMAT " ns, its variant alone %" G_GINT64_FORMAT,
                 label, res->policy, j->id, scn->tasks[j->task].name, j->finish - j->release, solo);
    }
}
