#include "config.h"

#include <math.h>

#include "sim/rng.h"

static guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

void
ts_rng_init (TsRng *rng, guint64 seed, guint64 stream)
{
  guint64 x = seed ^ (stream * G_GUINT64_CONSTANT (0xd1342543de82ef95));
  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
}

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

guint64
ts_rng_next (TsRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

double
ts_rng_uniform (TsRng *rng)
{
  return (double) (ts_rng_next (rng) >> 11) * 0x1.0p-53;
}

gint64
ts_rng_range (TsRng *rng, gint64 lo, gint64 hi)
{
  g_return_val_if_fail (lo <= hi, lo);
  guint64 span = (guint64) hi - (guint64) lo + 1;
  if (span == 0)  /* the whole 64-bit range */
    return (gint64) ts_rng_next (rng);
  /* Rejection: draw until below the largest multiple of span. */
  guint64 limit = G_MAXUINT64 - (G_MAXUINT64 % span);
  guint64 x;
  do
    x = ts_rng_next (rng);
  while (x >= limit);
  return lo + (gint64) (x % span);
}

double
ts_rng_exponential (TsRng *rng, double mean)
{
  return -mean * log1p (-ts_rng_uniform (rng));
}
