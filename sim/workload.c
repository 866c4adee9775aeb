#include "config.h"

#include "sim/workload.h"

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

TsTime
ts_release_gen_first (TsReleaseGen *gen)
{
  return gen->arrival->kind == TS_ARRIVAL_CLOSED ? gen->arrival->offset : ts_release_gen_next (gen);
}

TsTime
ts_release_gen_after_release (TsReleaseGen *gen)
{
  return gen->arrival->kind == TS_ARRIVAL_CLOSED ? TS_TIME_NEVER : ts_release_gen_next (gen);
}

TsTime
ts_release_gen_after_finish (TsReleaseGen *gen, TsTime now)
{
  return gen->arrival->kind == TS_ARRIVAL_CLOSED ? now + gen->arrival->think : TS_TIME_NEVER;
}

TsTime
ts_release_gen_resume (TsReleaseGen *gen, TsTime start)
{
  return gen->arrival->kind == TS_ARRIVAL_CLOSED ? start + gen->arrival->offset : ts_release_gen_next (gen);
}

static void
span_add (GArray *spans, TsTime a, TsTime b)
{
  if (b > a)
    {
      TsSpan sp = { a, b };
      g_array_append_val (spans, sp);
    }
}

GArray *
ts_task_activity (const TsTask *t, TsTime duration, guint64 seed, guint task)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (TsSpan));
  const TsLifetime *lt = &t->lifetime;
  TsTime stop = MIN (lt->stop, duration);
  if (lt->on_mean <= 0)
    {
      span_add (spans, lt->start, stop);
      return spans;
    }
  TsRng rng;
  ts_rng_init (&rng, seed, TS_STREAM_LIFETIME (task));
  /* Durations are rounded to whole ns and at least 1 ns, so that the loop always advances. */
  for (TsTime at = lt->start; at < stop;)
    {
      TsTime on = MAX (1, (TsTime) (ts_rng_exponential (&rng, (double) lt->on_mean) + 0.5));
      span_add (spans, at, MIN (at + on, stop));
      at += on;
      if (at >= stop)
        break;
      at += MAX (1, (TsTime) (ts_rng_exponential (&rng, (double) lt->off_mean) + 0.5));
    }
  return spans;
}

TsTime
ts_spans_total (const GArray *spans)
{
  TsTime sum = 0;
  for (guint i = 0; i < spans->len; i++)
    sum += g_array_index (spans, TsSpan, i).stop - g_array_index (spans, TsSpan, i).start;
  return sum;
}
