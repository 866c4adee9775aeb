#include "config.h"

#include <math.h>
#include <string.h>

#include "sim/base.h"

G_DEFINE_QUARK (ts-error-quark, ts_error)

TsTime
ts_time_from_ms (double ms)
{
  return (TsTime) llround (ms * (double) TS_NS_PER_MS);
}

guint
ts_edit_distance (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = g_new (guint, lb + 1);
  for (gsize j = 0; j <= lb; j++)
    row[j] = j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0];
      row[0] = i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint up = row[j];
          guint sub = diag + (a[i - 1] != b[j - 1]);
          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), sub);
          diag = up;
        }
    }
  return row[lb];
}

const char *
ts_nearest_name (const char *name, const char *const *candidates)
{
  const char *best = NULL;
  guint best_d = G_MAXUINT;
  for (const char *const *c = candidates; *c; c++)
    {
      guint d = ts_edit_distance (name, *c);
      if (d < best_d)
        best_d = d, best = *c;
    }
  if (best_d <= MAX (2, strlen (name) / 3))
    return best;
  /* A key written without its unit suffix ("period" for "period_ms") is a likely slip too. */
  for (const char *const *c = candidates; *c; c++)
    if (strlen (name) >= 3 && g_str_has_prefix (*c, name))
      return *c;
  return NULL;
}
