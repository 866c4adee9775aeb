/* The event-queue ceiling that `make bench` compares tiersim with: the classic hold model (pop
 * the earliest event, push one a random time later, so the queue keeps its size) on a bare
 * 4-ary min-heap of (time, sequence) keys, as tiersim orders its events, with nothing else done
 * per event.  A simulator that does any work per event runs below this rate.
 *
 * tiersim's queues are small: on the shipped scenarios the mean number of pending events is 3
 * (disb-a under streams) to 31 (robot under streams-prio), and 53 at most.  So the ceiling is
 * measured at N = 8, 32 and 128 pending events.
 *
 * Usage: heap-hold [SECONDS]   prints "N holds_per_cpu_second" per size, each size timed for
 * SECONDS of CPU time (default 0.3), pinned by the caller (taskset) if it wants one core. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct {
  uint64_t time;
  uint64_t seq;   /* tiersim's (class << 56 | sequence): ties are broken by scheduling order */
} Entry;

static inline int
less (const Entry *a, const Entry *b)
{
  return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

/* Replaces the root by e and restores the heap: the pop and the push of one hold, in one
 * sift-down (what any event queue with a "replace top" operation does). */
static inline void
replace_top (Entry *h, uint32_t n, Entry e)
{
  uint32_t pos = 0;
  for (;;)
    {
      uint32_t c = 4 * pos + 1;
      if (c >= n)
        break;
      uint32_t best = c, end = c + 4 < n ? c + 4 : n;
      for (uint32_t j = c + 1; j < end; j++)
        if (less (&h[j], &h[best]))
          best = j;
      if (!less (&h[best], &e))
        break;
      h[pos] = h[best];
      pos = best;
    }
  h[pos] = e;
}

static void
sift_up (Entry *h, uint32_t pos)
{
  Entry e = h[pos];
  while (pos > 0)
    {
      uint32_t parent = (pos - 1) / 4;
      if (!less (&e, &h[parent]))
        break;
      h[pos] = h[parent];
      pos = parent;
    }
  h[pos] = e;
}

static double
cpu_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* xorshift64*: the increments; uniform on [0, 2 mean), a standard hold-model distribution */
static uint64_t rng = 88172645463325252u;
static inline uint64_t
next_rand (void)
{
  rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
  return rng * 2685821657736338717u;
}

/* Holds per CPU second on a heap of n events. */
static double
measure (uint32_t n, double seconds)
{
  const uint64_t mean = 10000;  /* ns: tiersim's block and host times are microseconds */
  Entry *h = malloc (n * sizeof (Entry));
  uint64_t seq = 0;
  for (uint32_t i = 0; i < n; i++)
    {
      h[i] = (Entry) { next_rand () % (2 * mean), seq++ };
      sift_up (h, i);
    }
  uint64_t holds = 0, check = 0;
  double t0 = cpu_now (), t;
  do
    {
      for (int i = 0; i < 100000; i++)
        {
          Entry top = h[0];
          check += top.time;
          replace_top (h, n, (Entry) { top.time + next_rand () % (2 * mean), seq++ });
        }
      holds += 100000;
      t = cpu_now () - t0;
    }
  while (t < seconds);
  free (h);
  if (check == 42)  /* keeps the loop from being optimised away */
    putchar (' ');
  return holds / t;
}

int
main (int argc, char **argv)
{
  double seconds = argc > 1 ? atof (argv[1]) : 0.3;
  if (!(seconds > 0))
    {
      fprintf (stderr, "usage: heap-hold [SECONDS]\n");
      return 2;
    }
  static const uint32_t sizes[] = { 8, 32, 128 };
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
    printf ("%" PRIu32 " %.0f\n", sizes[i], measure (sizes[i], seconds));
  return 0;
}
