/* How alike the simulated GPU's SMs are (issue 14): whether a representation that keeps one
 * record per class of identical SMs, instead of one per SM, could cut the GPU model's cost.
 *
 * Usage: sm-states SCENARIO POLICY SECONDS
 * Runs the scenario (a file or a shipped name) under the policy for SECONDS simulated seconds,
 * with an observer of the simulated GPU, and prints one line:
 *   SCENARIO POLICY sms=N instants=I states=S runs=R span=P classes=C
 * At the end of every instant at which block groups were placed, each SM's residents are taken
 * as the multiset of (launch, blocks) of the groups on it, and
 *   S: the mean number of distinct such multisets among the SMs (the classes);
 *   R: the mean number of runs, maximal ranges of consecutive SM ids with equal multisets;
 *   P: the mean number of SMs a group placed at that instant spans (the model's cost is per
 *      (group, SM) pair: place, vacate, touch, settle);
 *   C: the mean number of classes among those SMs (what the same work would cost per class).
 * Two groups of one launch with equal block counts on an SM count as equal, and the model's SMs
 * also differ by the order of their lists and by rounding in their loads: S and C are lower
 * bounds on the classes that an exact (byte-identical) representation would need.  The observer
 * turns wave chains off; the states are those the chains stand for. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/backend-sim.h"
#include "sim/load/load.h"
#include "policies/registry.h"

typedef struct {
  guint n_sms;
  GArray **on;            /* per SM: sorted guint64 (launch << 16 | blocks) */
  GPtrArray *placed;      /* pairs of the groups placed at the current instant (GArray of guint32) */
  TsTime now;
  guint64 instants;
  double states, runs, span, classes;
  guint64 groups;
  guint32 *class_of;      /* scratch, per SM */
} Stats;

static gboolean
sm_equal (const Stats *st, guint a, guint b)
{
  const GArray *x = st->on[a], *y = st->on[b];
  return x->len == y->len && memcmp (x->data, y->data, x->len * sizeof (guint64)) == 0;
}

/* The state at the end of an instant at which groups were placed. */
static void
sample (Stats *st)
{
  if (st->placed->len == 0)
    return;
  guint n_classes = 0, runs = 0;
  for (guint i = 0; i < st->n_sms; i++)
    {
      st->class_of[i] = G_MAXUINT32;
      for (guint j = 0; j < i && st->class_of[i] == G_MAXUINT32; j++)
        if (sm_equal (st, j, i))
          st->class_of[i] = st->class_of[j];
      if (st->class_of[i] == G_MAXUINT32)
        st->class_of[i] = n_classes++;
      runs += i == 0 || st->class_of[i] != st->class_of[i - 1];
    }
  st->instants++;
  st->states += n_classes;
  st->runs += runs;
  g_autofree gboolean *seen = g_new (gboolean, n_classes);
  for (guint g = 0; g < st->placed->len; g++)
    {
      const GArray *pairs = st->placed->pdata[g];
      memset (seen, 0, n_classes * sizeof (gboolean));
      guint c = 0;
      for (guint j = 0; j < pairs->len; j++)
        {
          guint32 k = st->class_of[g_array_index (pairs, guint32, j) >> 16];
          c += !seen[k];
          seen[k] = TRUE;
        }
      st->span += pairs->len;
      st->classes += c;
      st->groups++;
    }
  g_ptr_array_set_size (st->placed, 0);
}

static int
cmp_u64 (gconstpointer a, gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;
  return x < y ? -1 : x > y;
}

static void
observe (gpointer data, const TsGpuEvent *ev)
{
  Stats *st = data;
  if (ev->time != st->now)
    {
      sample (st);
      st->now = ev->time;
    }
  if (ev->kind != TS_GPU_BLOCKS_START && ev->kind != TS_GPU_BLOCKS_END && ev->kind != TS_GPU_BLOCKS_KILLED)
    return;
  for (guint j = 0; j < ev->n_sms; j++)
    {
      GArray *on = st->on[ev->pairs[j] >> 16];
      guint64 key = ev->launch << 16 | (ev->pairs[j] & 0xffff);
      if (ev->kind == TS_GPU_BLOCKS_START)
        {
          g_array_append_val (on, key);
          g_array_sort (on, cmp_u64);
        }
      else
        for (guint e = 0; e < on->len; e++)
          if (g_array_index (on, guint64, e) == key)
            {
              g_array_remove_index (on, e);
              break;
            }
    }
  if (ev->kind == TS_GPU_BLOCKS_START)
    {
      GArray *pairs = g_array_sized_new (FALSE, FALSE, sizeof (guint32), ev->n_sms);
      g_array_append_vals (pairs, ev->pairs, ev->n_sms);
      g_ptr_array_add (st->placed, pairs);
    }
}

int
main (int argc, char **argv)
{
  char *end = NULL;
  double seconds = argc == 4 ? g_ascii_strtod (argv[3], &end) : 0;
  if (argc != 4 || *end != '\0' || !(seconds > 0 && seconds <= 1e6))
    {
      fprintf (stderr, "usage: sm-states SCENARIO POLICY SECONDS\n");
      return 2;
    }
  g_autoptr (GError) error = NULL;
  const TsPolicyClass *policy = ts_policy_lookup (argv[2], &error);
  g_autoptr (TsScenario) scn = policy != NULL ? ts_scenario_load (argv[1], &error) : NULL;
  if (scn == NULL)
    {
      fprintf (stderr, "sm-states: %s\n", error->message);
      return 2;
    }
  scn->duration = ts_time_from_ms (seconds * 1000.0);
  if (!ts_scenario_check_size (scn, &error))  /* as tiersim's --duration */
    {
      fprintf (stderr, "sm-states: %s\n", error->message);
      return 2;
    }
  Stats st = { .n_sms = scn->profile->sms, .placed = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref) };
  st.on = g_new (GArray *, st.n_sms);
  for (guint i = 0; i < st.n_sms; i++)
    st.on[i] = g_array_new (FALSE, FALSE, sizeof (guint64));
  st.class_of = g_new (guint32, st.n_sms);
  g_autoptr (TsRunResult) res = ts_run_observed (scn, policy, observe, &st, &error);
  if (res == NULL)
    {
      fprintf (stderr, "sm-states: %s\n", error->message);
      return 1;
    }
  sample (&st);
  double n = MAX (1, st.instants), ng = MAX (1, st.groups);
  printf ("%s %s sms=%u instants=%" G_GUINT64_FORMAT " states=%.2f runs=%.2f span=%.2f classes=%.2f\n",
          argv[1], argv[2], st.n_sms, st.instants, st.states / n, st.runs / n, st.span / ng, st.classes / ng);
  for (guint i = 0; i < st.n_sms; i++)
    g_array_unref (st.on[i]);
  g_free (st.on);
  g_free (st.class_of);
  g_ptr_array_unref (st.placed);
  return 0;
}
