/* libFuzzer harness for what tiersim reads back from results folders, which anyone may have
 * written: `tiersim plot` on a run's or a sweep's CSV files, and `tiersim merge` on a sweep's
 * manifest.json, point.txt and summary.csv.  Each must finish, or fail with a GError, never
 * crash, leak or hang.  The first byte picks the case; the rest is files separated by NUL bytes:
 *   0  plot a run folder: summary.csv, jobs.csv, then (if given) timeline.csv;
 *   1  plot a sweep folder: points.csv;
 *   2  merge a sweep folder into another: manifest.json, then point 0's point.txt and
 *      summary.csv.
 * gnuplot is never run: PATH is emptied, so plot writes its scripts and data and reports that
 * gnuplot is missing.  Built and run by tests/fuzz/run.sh; not part of `make check`. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sim/out/plot.h"
#include "sim/sweep/sweep.h"

/* Removes what dir holds, two levels deep (the folders the cases make), leaving dir. */
static void
empty_folder (const char *dir, guint depth)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *n;
  while (d && (n = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, n, NULL);
      if (depth > 0 && g_file_test (p, G_FILE_TEST_IS_DIR) && !g_file_test (p, G_FILE_TEST_IS_SYMLINK))
        {
          empty_folder (p, depth - 1);
          g_rmdir (p);
        }
      else
        g_unlink (p);
    }
}

/* Writes the n-th NUL-separated part of data (if there is one) as dir/name; returns whether
 * there was one. */
static gboolean
write_part (const char *data, gsize size, guint n, const char *dir, const char *name)
{
  gsize start = 0;
  for (guint k = 0; k < n; k++)
    {
      const char *nul = memchr (data + start, '\0', size - start);
      if (nul == NULL)
        return FALSE;
      start = (gsize) (nul - data) + 1;
    }
  const char *nul = memchr (data + start, '\0', size - start);
  gsize end = nul ? (gsize) (nul - data) : size;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, data + start, (gssize) (end - start), NULL));
  return TRUE;
}

/* A manifest naming many points makes merge look for each point's folder: slow, not wrong (the
 * limit, TS_SWEEP_MAX_POINTS, is tested in tests/test-sweep.c). */
static gboolean
too_many_points (const char *data, gsize size)
{
  const char *nul = memchr (data, '\0', size);
  g_autoptr (JsonParser) p = json_parser_new ();
  if (!json_parser_load_from_data (p, data, nul ? nul - data : (gssize) size, NULL))
    return FALSE;
  JsonNode *root = json_parser_get_root (p);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  JsonNode *n = json_object_get_member (json_node_get_object (root), "points");
  return n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_INT64
         && json_node_get_int (n) > 16;
}

static char *root, *in, *out, *point;

/* Removes the temporary folder when libFuzzer exits. */
static void
remove_root (void)
{
  empty_folder (root, 3);
  g_rmdir (root);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (root == NULL)
    {
      root = g_dir_make_tmp ("tiersim-fuzz-XXXXXX", NULL);
      g_assert_nonnull (root);
      in = g_build_filename (root, "in", NULL);
      out = g_build_filename (root, "out", NULL);
      point = g_build_filename (in, "points", "000000", NULL);
      g_setenv ("PATH", "", TRUE);   /* never run gnuplot */
      atexit (remove_root);
    }
  if (size < 1)
    return 0;
  const char *body = (const char *) data + 1;
  gsize len = size - 1;
  guint kind = data[0] % 3;
  if (kind == 2 && too_many_points (body, len))
    return 0;
  empty_folder (root, 3);
  g_assert_cmpint (g_mkdir_with_parents (point, 0700), ==, 0);

  g_autoptr (GError) error = NULL;
  gboolean ok;
  switch (kind)
    {
    case 0:
      write_part (body, len, 0, in, "summary.csv");
      write_part (body, len, 1, in, "jobs.csv");
      write_part (body, len, 2, in, "timeline.csv");
      {
        guint n;
        ok = ts_plot_dir (in, &n, &error);
      }
      break;
    case 1:
      write_part (body, len, 0, in, "points.csv");
      {
        guint n;
        ok = ts_plot_dir (in, &n, &error);
      }
      break;
    default:
      write_part (body, len, 0, in, "manifest.json");
      write_part (body, len, 1, point, "point.txt");
      write_part (body, len, 2, point, "summary.csv");
      {
        char *dirs[] = { in, NULL };
        ok = ts_sweep_merge (out, dirs, &error);
      }
      break;
    }
  g_assert_true (ok == (error == NULL));
  return 0;
}
