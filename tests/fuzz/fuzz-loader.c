/* libFuzzer harness for the loaders: scenario, model and profile files from arbitrary bytes must
 * load or fail with a GError, never crash, leak or hang.  Built and run by tests/fuzz/run.sh (clang
 * with AddressSanitizer and UBSan); not part of `make check`. */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sim/model.h"
#include "sim/scenario.h"

/* Inputs that name devices or includes would read outside the input (/dev/zero never ends). */
static gboolean
reaches_outside (const char *text)
{
  return strstr (text, "include") != NULL || strstr (text, "/dev") != NULL || strstr (text, "/proc") != NULL
         || strstr (text, "/sys") != NULL;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static char *path;
  if (path == NULL)
    {
      g_autofree char *dir = g_dir_make_tmp ("tiersim-fuzz-XXXXXX", NULL);
      g_assert_nonnull (dir);
      path = g_build_filename (dir, "input.cfg", NULL);
    }
  if (size < 1)
    return 0;
  g_autofree char *text = g_strndup ((const char *) data + 1, size - 1);
  if (reaches_outside (text))
    return 0;
  g_assert_true (g_file_set_contents (path, (const char *) data + 1, (gssize) size - 1, NULL));

  g_autoptr (GError) error = NULL;
  switch (data[0] % 3)  /* the first byte picks the loader */
    {
    case 0:
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
    default:
      {
        g_autoptr (TsProfile) p = ts_profile_load (path, NULL, &error);
        g_assert_true ((p == NULL) == (error != NULL));
        break;
      }
    }
  return 0;
}
