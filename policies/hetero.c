/* tiersim — heterogeneous processors: job execution with DLA fallback (hetero.h) and the routers
 * gpu-only, round-robin, priority-score and priority-score-itf. */
#include "config.h"

#include <math.h>

#include "policies/hetero.h"
#include "policies/itf.h"
#include "sim/dla.h"
#include "sim/metrics.h"

/* ---- a job's execution on its processor ---- */

typedef struct {
  TsBackend *be;
  const TsModel *m;
  const TsDlaModel *dla;
  guint stream, proc;
  guint next, n;          /* the next segment's first layer; layers in all */
  TsKernelDoneFn fn;
  gpointer data;
  guint64 tag;
} Exec;

guint
ts_hetero_layer_proc (const TsDlaModel *dla, guint proc, const TsKernelDesc *k)
{
  return proc != TS_PROC_GPU && dla != NULL && ts_dla_model_supports (dla, k->kind) ? proc : TS_PROC_GPU;
}

static void exec_segment_done (gpointer data, guint64 tag);

/* Launches the segment that starts at x->next: its layers in order, the last with a callback. */
static void
exec_segment (gpointer data, guint64 arg)
{
  Exec *x = data;
  guint p = ts_hetero_layer_proc (x->dla, x->proc, ts_model_full_kernel (x->m, x->next));
  guint end = x->next;
  while (end < x->n && ts_hetero_layer_proc (x->dla, x->proc, ts_model_full_kernel (x->m, end)) == p)
    end++;
  for (guint i = x->next; i < end; i++)
    {
      const TsKernelDesc *k = ts_model_full_kernel (x->m, i);
      TsLaunch l = { .kernel = k, .done = i + 1 == end ? exec_segment_done : NULL, .data = x };
      if (p == TS_PROC_GPU)
        ts_backend_launch (x->be, x->stream, &l);
      else
        {
          g_autoptr (GError) error = NULL;
          /* ts_hetero_exec checked the engine, and the layer's kind is supported */
          if (!ts_backend_launch_dla (x->be, p - 1, &l, &error))
            g_error ("%s", error->message);
        }
    }
  x->next = end;
}

static void
exec_segment_done (gpointer data, guint64 tag)
{
  Exec *x = data;
  if (x->next == x->n)
    {
      TsKernelDoneFn fn = x->fn;
      gpointer d = x->data;
      guint64 t = x->tag;
      g_free (x);
      if (fn != NULL)
        fn (d, t);
      return;
    }
  /* the next segment is on the other processor */
  ts_backend_timer_set (x->be, ts_backend_now (x->be) + x->dla->handoff, exec_segment, x, 0);
}

gboolean
ts_hetero_exec (TsBackend *be, const TsModel *m, guint stream, guint proc,
                TsKernelDoneFn fn, gpointer data, guint64 tag, GError **error)
{
  const TsDlaModel *dla = ts_backend_dla (be);
  if (proc != TS_PROC_GPU && (dla == NULL || proc - 1 >= dla->count))
    {
      g_set_error (error, TS_ERROR, TS_ERROR_RUN, "backend '%s' has no DLA %u (it has %u): cannot run %s there",
                   be->ops->name, proc - 1, dla != NULL ? dla->count : 0, m->name);
      return FALSE;
    }
  Exec *x = g_new (Exec, 1);
  *x = (Exec) { be, m, dla, stream, proc, 0, ts_model_full_n_kernels (m), fn, data, tag };
  exec_segment (x, 0);
  return TRUE;
}

double
ts_hetero_solo_ns (const TsDlaModel *dla, const TsModel *m, guint proc, double *dla_ns, guint *handoffs)
{
  double t = 0, on_dla = 0;
  guint n = ts_model_full_n_kernels (m), changes = 0, prev = TS_PROC_GPU;
  for (guint i = 0; i < n; i++)
    {
      const TsKernelDesc *k = ts_model_full_kernel (m, i);
      guint p = ts_hetero_layer_proc (dla, proc, k);
      if (i > 0 && p != prev)
        changes++;
      prev = p;
      if (p == TS_PROC_GPU)
        t += (double) k->duration;
      else
        {
          double d = ts_dla_model_layer_ns (dla, k);
          t += d, on_dla += d;
        }
    }
  if (changes > 0)
    t += (double) changes * (double) dla->handoff;
  if (dla_ns != NULL)
    *dla_ns = on_dla;
  if (handoffs != NULL)
    *handoffs = changes;
  return t;
}

/* ---- the routers ---- */

typedef enum { ROUTE_GPU, ROUTE_ROUND_ROBIN, ROUTE_FIXED, ROUTE_SEARCH } RouteKind;

typedef enum { GOAL_GOODPUT, GOAL_SLO99, GOAL_FAIRNESS } Goal;

/* What distinguishes the family's classes. */
typedef struct {
  RouteKind kind;
  gboolean itf;           /* ROUTE_SEARCH: with the interference predictor */
} HeteroConfig;

typedef struct {
  TsRunner *runner;
  TsBackend *be;
  guint n_procs;          /* 1 + the DLAs the backend has */
  guint *stream;          /* per task: its GPU stream */
  guint *map;             /* per task: its processor (fixed and searched mappings), or n_procs:
                           * "spread", each request to the processor expected to finish it first */
  RouteKind kind;
  guint rr;               /* round-robin: the next job's processor */
  double *solo;           /* [task * n_procs + proc]: a job's solo ns there */
  double *outstanding;    /* per processor: solo ns of the jobs sent there and not finished */
  guint *job_proc;        /* per task: where its job in flight went (a client has one at a time) */
} Hetero;

static void
hetero_job_done (gpointer data, guint64 tag)
{
  Hetero *h = data;
  TsJob *job = GSIZE_TO_POINTER (tag);
  h->outstanding[h->job_proc[job->task]] -= h->solo[job->task * h->n_procs + h->job_proc[job->task]];
  ts_runner_finish_job (h->runner, job);
}

/* "Spread": the processor where the job's solo time after the work already sent there is least
 * (ties: the lowest, the GPU first). */
static guint
earliest_finish (const Hetero *h, guint task)
{
  guint best = TS_PROC_GPU;
  for (guint p = 1; p < h->n_procs; p++)
    if (h->outstanding[p] + h->solo[task * h->n_procs + p] < h->outstanding[best] + h->solo[task * h->n_procs + best])
      best = p;
  return best;
}

static void
hetero_job_arrived (gpointer self, TsJob *job)
{
  Hetero *h = self;
  guint proc = TS_PROC_GPU;
  if (h->kind == ROUTE_ROUND_ROBIN)
    proc = h->rr, h->rr = (h->rr + 1) % h->n_procs;
  else if (h->kind != ROUTE_GPU)
    proc = h->map[job->task] == h->n_procs ? earliest_finish (h, job->task) : h->map[job->task];
  h->job_proc[job->task] = proc;
  h->outstanding[proc] += h->solo[job->task * h->n_procs + proc];
  ts_runner_start_job (h->runner, job);
  g_autoptr (GError) error = NULL;
  /* create() took processors only from those the backend has */
  if (!ts_hetero_exec (h->be, ts_runner_task (h->runner, job)->model, h->stream[job->task], proc,
                       hetero_job_done, h, GPOINTER_TO_SIZE (job), &error))
    g_error ("%s", error->message);
}

static void
hetero_destroy (gpointer self)
{
  Hetero *h = self;
  g_free (h->stream);
  g_free (h->map);
  g_free (h->solo);
  g_free (h->outstanding);
  g_free (h->job_proc);
  g_free (h);
}

/* Every task has a GPU stream of its own, all on one level: the GPU is shared as CUDA streams
 * share it (TensorRT contexts, one per application, in the paper). */
static Hetero *
hetero_new (TsRunner *runner, RouteKind kind)
{
  const TsScenario *scn = ts_runner_scenario (runner);
  Hetero *h = g_new0 (Hetero, 1);
  h->runner = runner;
  h->be = ts_runner_backend (runner);
  h->kind = kind;
  h->n_procs = 1 + ts_backend_dlas (h->be);
  h->stream = g_new (guint, scn->n_tasks);
  h->map = g_new0 (guint, scn->n_tasks);
  h->job_proc = g_new0 (guint, scn->n_tasks);
  h->outstanding = g_new0 (double, h->n_procs);
  h->solo = g_new (double, (gsize) scn->n_tasks * h->n_procs);
  for (guint t = 0; t < scn->n_tasks; t++)
    {
      h->stream[t] = ts_backend_stream_new (h->be, 0);
      for (guint p = 0; p < h->n_procs; p++)
        h->solo[t * h->n_procs + p] = ts_hetero_solo_ns (ts_backend_dla (h->be), scn->tasks[t].model, p, NULL, NULL);
    }
  return h;
}


/* A mapping as one number, digit t (base n_procs + 1) being task t's processor or n_procs
 * (spread): how the search hands a candidate to the sampled runs (policy parameters are numbers).
 * 2^53 bounds it: 26 tasks on a GPU and two DLAs. */
static double
map_encode (const guint *map, guint n_tasks, guint n_procs)
{
  double v = 0;
  for (guint t = n_tasks; t-- > 0;)
    v = v * (n_procs + 1) + map[t];
  return v;
}

static gpointer
fixed_create (TsRunner *runner)
{
  Hetero *h = hetero_new (runner, ROUTE_FIXED);
  double v = ts_runner_param (runner, "map");
  for (guint t = 0; t < ts_runner_scenario (runner)->n_tasks; t++)
    {
      h->map[t] = (guint) fmod (v, h->n_procs + 1);
      v = floor (v / (h->n_procs + 1));
    }
  return h;
}

static const TsPolicyParam fixed_params[] = {
  { "map", "task t's processor is digit t of this number in base 2 + DLAs (0: the GPU, 1 + d: DLA d, 1 + DLAs: spread)", 0, 0, 9007199254740992.0 },
  { NULL },
};

/* The search's sampled runs: a fixed mapping (not registered: the routers' instrument). */
static gpointer hetero_create (TsRunner *runner, const void *config, GError **error);
static const HeteroConfig cfg_fixed = { ROUTE_FIXED, FALSE };

static const TsPolicyClass hetero_fixed = {
  .name = "hetero-fixed",
  .summary = "every job of a task on the processor a mapping gives it",
  .description = "Internal to the priority-score routers' search.",
  .create = hetero_create,
  .config = &cfg_fixed,
  .destroy = hetero_destroy,
  .job_arrived = hetero_job_arrived,
  .params = fixed_params,
};

const TsPolicyClass *
ts_hetero_fixed_policy (void)
{
  return &hetero_fixed;
}

/* A task's requests per second, as its arrival process offers them (closed loops: one request
 * per solo time and think time). */
static double
offered_rate (const TsTask *t, TsTime duration, double solo_ns)
{
  const TsArrival *a = &t->arrival;
  switch (a->kind)
    {
    case TS_ARRIVAL_PERIODIC:
    case TS_ARRIVAL_POISSON: return ts_arrival_rate (a);
    case TS_ARRIVAL_TRACE: return a->n_times / ((double) duration / TS_NS_PER_S);
    case TS_ARRIVAL_CLOSED: return TS_NS_PER_S / ((double) a->think + solo_ns);
    }
  return 0;
}

typedef struct {
  const TsScenario *scn;
  const TsDlaModel *dla;
  guint n_tasks, n_procs;
  Goal goal;
  TsTime sample;
  TsProfile blind;            /* the scenario's SoC without DRAM sharing: the search's view */
  const TsItfModel *itf;      /* priority-score-itf: the predictor that puts sharing back */
  double *rate;               /* per task, offered requests per second */
  guint64 runs;
} Search;

/* Task t's work on processor proc: solo ns, and its DRAM demand alone there (bytes over what the
 * bandwidth moves in that time). */
static double
task_solo (const Search *s, guint t, guint proc, double *demand)
{
  const TsModel *m = s->scn->tasks[t].model;
  if (proc >= s->n_procs)
    proc = TS_PROC_GPU;  /* spread: counted as the GPU's, where its requests go first */
  double ns = ts_hetero_solo_ns (s->dla, m, proc, NULL, NULL), bytes = 0;
  for (guint i = 0; i < ts_model_full_n_kernels (m); i++)
    bytes += ts_model_full_kernel (m, i)->dram_bytes;
  double bw = ts_profile_dram_bandwidth (s->scn->profile);
  if (demand != NULL)
    *demand = bw > 0 && ns > 0 ? MIN (1.0, bytes / bw / ns) : 0;
  return ns;
}

/* The predicted slowdown of task t's requests under mapping map: the predictor's, for its
 * processor, its own demand, and the time-averaged demand (busy share x demand) of the tasks on
 * the other processors. */
static double
predicted_slowdown (const Search *s, const guint *map, guint t)
{
  double x[TS_ITF_N_FEATURES] = { 0 };
  /* a spread task counts as the GPU's (see task_solo) */
#define HOME(p) ((p) >= s->n_procs ? TS_PROC_GPU : (p))
  x[TS_ITF_VICTIM_ON_DLA] = HOME (map[t]) != TS_PROC_GPU;
  task_solo (s, t, map[t], &x[TS_ITF_VICTIM_DEMAND]);
  for (guint u = 0; u < s->n_tasks; u++)
    {
      if (u == t || HOME (map[u]) == HOME (map[t]))
        continue;  /* the same processor's sharing is the sampled run's own */
      double m, busy = MIN (1.0, s->rate[u] * task_solo (s, u, map[u], &m) / TS_NS_PER_S);
      x[HOME (map[u]) == TS_PROC_GPU ? TS_ITF_GPU_DEMAND : TS_ITF_DLA_DEMAND] += busy * m;
#undef HOME
    }
  if (x[TS_ITF_GPU_DEMAND] == 0 && x[TS_ITF_DLA_DEMAND] == 0)
    return 1.0;  /* nothing beside it: no interference, whatever the MLP's rounding says */
  return ts_itf_predict (s->itf, TS_ITF_MLP, x);
}

/* m with every layer's work stretched by sd: GPU durations, and the FLOPs and bytes a DLA layer's
 * roofline takes (its fixed cost is not stretched).  Free with g_free (m->kernels), g_free (m). */
static TsModel *
model_stretched (const TsModel *src, double sd)
{
  g_return_val_if_fail (src->n_exits == 0, NULL);
  TsModel *m = g_memdup2 (src, sizeof *m);
  m->kernels = g_memdup2 (src->kernels, src->n_kernels * sizeof (TsKernelDesc));
  for (guint i = 0; i < m->n_kernels; i++)
    {
      TsKernelDesc *k = &m->kernels[i];
      k->duration = (TsTime) llround ((double) k->duration * sd);
      k->flops *= sd, k->dram_bytes *= sd;
    }
  return m;
}

/* The goal's value of a mapping (larger is better), from a short sampled run of the scenario on
 * the search's view of the SoC (without DRAM sharing); with the predictor, each task's work in
 * that run stretched by its predicted slowdown, so that the run's queues see it too. */
static double
evaluate (Search *s, const guint *map, GError **error)
{
  TsScenario scn = *s->scn;
  scn.duration = MIN (s->scn->duration, s->sample);
  scn.profile = &s->blind;
  g_autoptr (GArray) params = g_array_new (FALSE, FALSE, sizeof (TsParamValue));
  TsParamValue pv = { (char *) hetero_fixed.name, (char *) "map", map_encode (map, s->n_tasks, s->n_procs) };
  g_array_append_val (params, pv);
  scn.params = params;
  g_autofree TsTask *tasks = NULL;
  g_autoptr (GPtrArray) stretched = g_ptr_array_new ();
  if (s->itf != NULL)
    {
      tasks = g_memdup2 (s->scn->tasks, s->n_tasks * sizeof (TsTask));
      for (guint t = 0; t < s->n_tasks; t++)
        {
          tasks[t].model = model_stretched (s->scn->tasks[t].model, predicted_slowdown (s, map, t));
          g_ptr_array_add (stretched, tasks[t].model);
        }
      scn.tasks = tasks;
    }
  g_autoptr (TsRunResult) res = ts_run (&scn, &hetero_fixed, error);
  for (guint i = 0; i < stretched->len; i++)
    {
      TsModel *m = stretched->pdata[i];
      g_free (m->kernels);
      g_free (m);
    }
  if (res == NULL)
    return -1;
  s->runs++;
  g_autofree guint *jobs = g_new0 (guint, s->n_tasks), *good = g_new0 (guint, s->n_tasks);
  for (guint i = 0; i < res->jobs->len; i++)
    {
      const TsJob *j = res->jobs->pdata[i];
      jobs[j->task]++;
      good[j->task] += j->finish >= 0 && j->finish <= scn.duration && !ts_job_missed (j);
    }
  double goodput = 0, min_att = 1, sum = 0, sq = 0;
  guint n = 0;
  for (guint t = 0; t < s->n_tasks; t++)
    {
      goodput += good[t];
      if (jobs[t] == 0)
        continue;
      double x = (double) good[t] / jobs[t];
      min_att = MIN (min_att, x);
      sum += x, sq += x * x, n++;
    }
  goodput /= (double) scn.duration / TS_NS_PER_S;
  /* SLO99: every task at 99% or more is the goal (at a given load, the mapping that keeps the
   * worst task there sustains the most load); fairness: Jain's index.  Goodput breaks ties. */
  switch (s->goal)
    {
    case GOAL_GOODPUT: return goodput;
    case GOAL_SLO99: return 1e6 * MIN (min_att, 0.99) + goodput;
    case GOAL_FAIRNESS: return 1e6 * (n == 0 || sq == 0 ? 1.0 : sum * sum / (n * sq)) + goodput;
    }
  return goodput;
}

/* Priority score of each task under map: its allocation ratio (share of the offered requests)
 * over its consumed allocation (share of the processor time its requests take on their
 * processors). */
static void
priority_scores (const Search *s, const guint *map, double *score)
{
  double req = 0, used = 0;
  g_autofree double *busy = g_new (double, s->n_tasks);
  for (guint t = 0; t < s->n_tasks; t++)
    {
      busy[t] = s->rate[t] * task_solo (s, t, map[t], NULL);
      req += s->rate[t], used += busy[t];
    }
  for (guint t = 0; t < s->n_tasks; t++)
    score[t] = req > 0 && used > 0 && busy[t] > 0 ? (s->rate[t] / req) / (busy[t] / used) : 0;
}

static int
cmp_score (gconstpointer a, gconstpointer b, gpointer data)
{
  const double *score = data;
  guint x = *(const guint *) a, y = *(const guint *) b;
  if (score[x] != score[y])
    return score[x] > score[y] ? -1 : 1;
  return (x > y) - (x < y);
}

#define SEARCH_PASSES 2

/* The router's mapping: from every task on the GPU, tasks in descending priority score each take
 * the processor whose sampled run scores best (keeping theirs on ties), scores recomputed between
 * passes. */
static gpointer
priority_create (TsRunner *runner, gboolean itf, GError **error)
{
  const TsScenario *scn = ts_runner_scenario (runner);
  Hetero *h = hetero_new (runner, ROUTE_SEARCH);
  if (h->n_procs == 1 || scn->n_tasks == 0)
    return h;  /* nothing to choose: every job on the GPU */
  Search s = { .scn = scn, .dla = ts_backend_dla (h->be), .n_tasks = scn->n_tasks, .n_procs = h->n_procs,
               .goal = (Goal) ts_runner_param (runner, "goal"),
               .sample = ts_time_from_ms (ts_runner_param (runner, "sample_ms")) };
  if (pow (h->n_procs + 1, scn->n_tasks) > 9007199254740992.0)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%u tasks on %u processors are more than the router's search encodes",
                   scn->n_tasks, h->n_procs);
      hetero_destroy (h);
      return NULL;
    }
  s.blind = *scn->profile;
  s.blind.contention_rule = TS_CONTENTION_SM;
  if (itf)
    s.itf = ts_itf_for_profile (scn->profile, (guint) ts_runner_param (runner, "itf_samples"), 1);
  g_autofree double *rate = g_new (double, scn->n_tasks);
  g_autofree double *score = g_new (double, scn->n_tasks);
  g_autofree guint *order = g_new (guint, scn->n_tasks);
  s.rate = rate;
  for (guint t = 0; t < scn->n_tasks; t++)
    rate[t] = offered_rate (&scn->tasks[t], scn->duration, task_solo (&s, t, TS_PROC_GPU, NULL));
  double best = evaluate (&s, h->map, error);
  for (guint pass = 0; pass < SEARCH_PASSES && best >= 0; pass++)
    {
      priority_scores (&s, h->map, score);
      for (guint t = 0; t < scn->n_tasks; t++)
        order[t] = t;
      g_qsort_with_data (order, scn->n_tasks, sizeof (guint), cmp_score, score);
      gboolean changed = FALSE;
      for (guint i = 0; i < scn->n_tasks && best >= 0; i++)
        {
          guint t = order[i], keep = h->map[t];
          for (guint p = 0; p <= h->n_procs; p++)
            {
              if (p == keep)
                continue;
              h->map[t] = p;
              double v = evaluate (&s, h->map, error);
              if (v < 0)
                {
                  best = -1;
                  break;
                }
              if (v > best)
                best = v, keep = p, changed = TRUE;
            }
          h->map[t] = keep;
        }
      if (!changed)
        break;
    }
  if (best < 0)
    {
      hetero_destroy (h);
      return NULL;
    }
  g_autoptr (GString) desc = g_string_new (NULL);
  for (guint t = 0; t < scn->n_tasks; t++)
    if (h->map[t] == h->n_procs)
      g_string_append_printf (desc, "%s%s=spread", t ? " " : "", scn->tasks[t].name);
    else
      g_string_append_printf (desc, "%s%s=%s%u", t ? " " : "", scn->tasks[t].name, h->map[t] ? "dla" : "gpu",
                              h->map[t] ? h->map[t] - 1 : 0);
  g_debug ("%s: mapping %s after %" G_GUINT64_FORMAT " sampled runs", itf ? "priority-score-itf" : "priority-score",
           desc->str, s.runs);
  return h;
}

/* The family's runtime: the router a class configures. */
static gpointer
hetero_create (TsRunner *runner, const void *config, GError **error)
{
  const HeteroConfig *c = config;
  switch (c->kind)
    {
    case ROUTE_FIXED: return fixed_create (runner);
    case ROUTE_SEARCH: return priority_create (runner, c->itf, error);
    default: return hetero_new (runner, c->kind);
    }
}

static const HeteroConfig cfg_gpu = { ROUTE_GPU, FALSE }, cfg_rr = { ROUTE_ROUND_ROBIN, FALSE },
                          cfg_ps = { ROUTE_SEARCH, FALSE }, cfg_itf = { ROUTE_SEARCH, TRUE };

static const TsPolicyClass gpu_only = {
  .name = "gpu-only",
  .summary = "every request on the GPU (DLAs idle)",
  .description =
    "The baseline of heterogeneous serving: each application (task) has a GPU stream of its own, "
    "all at one priority, and every request runs all its layers there; a SoC's DLAs stay idle.",
  .create = hetero_create,
  .config = &cfg_gpu,
  .destroy = hetero_destroy,
  .job_arrived = hetero_job_arrived,
};

static const TsPolicyClass round_robin = {
  .name = "round-robin",
  .summary = "requests to the GPU and each DLA in turn",
  .description =
    "Successive requests, whatever their application, go to the GPU, DLA 0, DLA 1, ... in turn.  "
    "A request on a DLA runs the layers it supports there and the others on its application's "
    "GPU stream, paying the profile's hand-off at every change of processor.",
  .create = hetero_create,
  .config = &cfg_rr,
  .destroy = hetero_destroy,
  .job_arrived = hetero_job_arrived,
};

static const TsPolicyParam priority_params[] = {
  { "goal", "what the mapping maximises: 0 goodput, 1 throughput at SLO99 (the worst task's SLO "
    "attainment up to 0.99, then goodput), 2 fairness (Jain's index, then goodput)", 0, 0, 2 },
  { "sample_ms", "length of each sampled run of the search (at most the scenario's duration)", 300, 1, 1e6 },
  { "itf_samples", "priority-score-itf: random-layer samples the predictor learns from", 1000, 20, 1e6 },
  { NULL },
};

static const TsPolicyClass priority_score = {
  .name = "priority-score",
  .summary = "applications mapped to processors by sampled runs, without interference prediction",
  .description =
    "The router of \"Interference Aware DNN Serving on Heterogeneous Processors in Edge Systems\" "
    "without its predictor.  Each application gets one processor for all its requests, or is "
    "spread: each request to the processor expected to finish it first.  Starting "
    "from all on the GPU, applications in descending priority score (allocation ratio: its share of "
    "the offered requests, over consumed allocation: its share of the processor time they take) "
    "each try every processor and spreading; a short sampled run of this scenario on the simulated SoC scores "
    "each candidate mapping by the goal, and the best is kept (two passes).  The sampled runs do "
    "not model DRAM sharing: the router is blind to interference across processors.",
  .create = hetero_create,
  .config = &cfg_ps,
  .destroy = hetero_destroy,
  .job_arrived = hetero_job_arrived,
  .params = priority_params,
};

static const TsPolicyClass priority_score_itf = {
  .name = "priority-score-itf",
  .summary = "priority-score with the learned interference predictor",
  .description =
    "priority-score whose sampled runs stretch each request's latency by the slowdown the "
    "interference predictor (an MLP trained on random layers run in the simulator) predicts for "
    "its application's processor, its DRAM demand and the time-averaged demand of the "
    "applications mapped to the other processors.",
  .create = hetero_create,
  .config = &cfg_itf,
  .destroy = hetero_destroy,
  .job_arrived = hetero_job_arrived,
  .params = priority_params,
};

const TsPolicyClass *const ts_hetero_family[] = { &gpu_only, &round_robin, &priority_score, &priority_score_itf, NULL };
