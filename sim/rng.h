/* tiersim — seeded random streams (xoshiro256**), one per task: no global randomness. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint64 s[4];
} TsRng;

/* Seeds a stream from the run's seed and a stream number (e.g. the task index), through
 * splitmix64, so that streams are independent and reproducible. */
void ts_rng_init (TsRng *rng, guint64 seed, guint64 stream);

/* Next 64 random bits. */
guint64 ts_rng_next (TsRng *rng);

/* Uniform double in [0, 1). */
double ts_rng_uniform (TsRng *rng);

/* Uniform integer in [lo, hi] (inclusive), without modulo bias. */
gint64 ts_rng_range (TsRng *rng, gint64 lo, gint64 hi);

/* Exponential variate with the given mean. */
double ts_rng_exponential (TsRng *rng, double mean);

G_END_DECLS
