#include "config.h"

#include "workload.h"

void
ts_release_gen_init (TsReleaseGen *gen, const TsArrival *arrival, guint64 seed, guint64 stream)
{
  gen->arrival = arrival;
  ts_rng_init (&gen->rng, seed, stream);
  gen->k = 0;
  gen->last = arrival->offset;
}

TsTime
ts_release_gen_next (TsReleaseGen *gen)
{
  const TsArrival *a = gen->arrival;
  switch (a->kind)
    {
    case TS_ARRIVAL_PERIODIC:
      {
        TsTime t = a->offset + (TsTime) gen->k++ * a->period;
        if (a->jitter > 0)
          t += ts_rng_range (&gen->rng, -a->jitter, a->jitter);
        return MAX (t, 0);  /* only the first release can go negative; it moves to 0 */
      }
    case TS_ARRIVAL_POISSON:
      {
        double gap_ns = ts_rng_exponential (&gen->rng, (double) TS_NS_PER_S / a->rate);
        gen->last += (TsTime) (gap_ns + 0.5);
        gen->k++;
        return gen->last;
      }
    case TS_ARRIVAL_TRACE:
      return gen->k < a->n_times ? a->times[gen->k++] : TS_TIME_NEVER;
    case TS_ARRIVAL_CLOSED:
      return TS_TIME_NEVER;
    }
  g_assert_not_reached ();
}
