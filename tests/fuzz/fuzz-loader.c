/* libFuzzer harness for the loaders: scenario, model, profile and sweep files from arbitrary bytes,
 * and scenarios with an @included file, must load or fail with a GError, never crash, leak or hang.  Built and run by tests/fuzz/run.sh (clang
 * with AddressSanitizer and UBSan); not part of `make check`. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sim/model.h"
#include "sim/scenario.h"
#include "sim/sweep/sweep.h"
#include "sim/load/load.h"

/* Inputs that name devices or system files would read outside the input; @include is allowed
 * only in the include case, where the one file there is to include is inc.cfg. */
static gboolean
reaches_outside (const char *text, gboolean include_ok)
{
  return (!include_ok && strstr (text, "include") != NULL) || strstr (text, "/dev") != NULL
         || strstr (text, "/proc") != NULL || strstr (text, "/sys") != NULL;
}

/* A sweep loads every one of its points: more than a few values or replicas is slow, not wrong. */
static gboolean
sweep_too_big (const char *text)
{
  guint commas = 0;
  for (const char *p = text; *p; p++)
    commas += *p == ',';
  const char *r = strstr (text, "replicas");
  while (r != NULL && *r && !g_ascii_isdigit (*r))
    r++;
  return commas > 16 || (r != NULL && strspn (r, "0123456789") > 2);
}

static char *dir, *path, *inc;

/* Removes the temporary folder when libFuzzer exits. */
static void
remove_dir (void)
{
  g_unlink (path);
  g_unlink (inc);
  g_rmdir (dir);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (path == NULL)
    {
      dir = g_dir_make_tmp ("tiersim-fuzz-XXXXXX", NULL);
      g_assert_nonnull (dir);
      path = g_build_filename (dir, "input.cfg", NULL);
      inc = g_build_filename (dir, "inc.cfg", NULL);
      atexit (remove_dir);
    }
  if (size < 1)
    return 0;
  guint kind = data[0] % 5;  /* the first byte picks the loader */
  /* the include case: the bytes up to a NUL are input.cfg, the rest inc.cfg */
  const char *body = (const char *) data + 1, *nul = memchr (body, '\0', size - 1);
  gsize main_len = kind == 4 && nul ? (gsize) (nul - body) : size - 1;
  /* the filters below see every byte: NULs (which end C strings) read as spaces */
  g_autofree char *text = g_strndup (body, size - 1), *main_text = NULL, *inc_text = NULL;
  for (gsize i = 0; i < size - 1; i++)
    text[i] = body[i] ? body[i] : ' ';
  main_text = g_strndup (text, main_len);
  inc_text = g_strdup (main_len < size - 1 ? text + main_len + 1 : "");
  if (reaches_outside (main_text, kind == 4) || reaches_outside (inc_text, kind == 4)
      || (kind == 3 && sweep_too_big (text)))
    return 0;
  g_assert_true (g_file_set_contents (path, body, (gssize) main_len, NULL));
  g_assert_true (g_file_set_contents (inc, main_len < size - 1 ? body + main_len + 1 : "",
                                      main_len < size - 1 ? (gssize) (size - 2 - main_len) : 0, NULL));

  g_autoptr (GError) error = NULL;
  switch (kind)
    {
    case 0:
    case 4:
      {
        g_autoptr (TsScenario) s = ts_scenario_load (path, &error);
        g_assert_true ((s == NULL) == (error != NULL));
        break;
      }
    case 1:
      {
        g_autoptr (TsModel) m = ts_model_load (path, NULL, &error);
        g_assert_true ((m == NULL) == (error != NULL));
        break;
      }
    case 3:
      {
        g_autoptr (TsSweep) sw = ts_sweep_load (path, &error);
        g_assert_true ((sw == NULL) == (error != NULL));
        break;
      }
    default:
      {
        g_autoptr (TsProfile) p = ts_profile_load (path, NULL, &error);
        g_assert_true ((p == NULL) == (error != NULL));
        break;
      }
    }
  return 0;
}
