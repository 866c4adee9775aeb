/* App-level adaptation (issue 19): see policies/app.h. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "policies/app.h"
#include "policies/hetero.h"
#include "sim/dla.h"
#include "sim/metrics.h"

/* The random stream of task t's agent: apart from its release and lifetime streams. */
#define STREAM_AGENT(t) ((G_GUINT64_CONSTANT (2) << 40) + (t))
#define N_OBS 3

static const guint pacing_window[] = { 0, 4, 1 };  /* 0: every kernel in flight */
#define N_PACING G_N_ELEMENTS (pacing_window)

typedef struct _AppPolicy AppPolicy;

/* One app: its streams (one per tier), its setting and what it has seen. */
typedef struct {
  AppPolicy *pol;
  guint task;
  guint stream[2];         /* per tier index: 0 the lowest level, 1 the highest */
  guint n_tier, n_pacing, n_exit, n_proc;
  const TsModel **variant;  /* n_proc > 1: per exit index, the model its requests run on a DLA
                             * (ts_hetero_exec runs a model's full kernel list) */
  double *own_dla;          /* n_proc > 1: per exit index, the solo SM-time of its GPU layers there */
  guint setting;
  TsAgent *agent;
  double lat_ref, e_ref;   /* L and E_ref (ns, J) */
  double obs[N_OBS];       /* what it observed at its last decision */
  gboolean started;        /* it has decided once */
  /* since its last decision */
  guint ep_n;
  double ep_u, ep_lat, ep_e, ep_busy0;
  TsTime ep_t0;
  /* the request in flight and the device's usage at its first launch */
  TsJob *cur;
  double cur_own;          /* its solo SM-time on the GPU, for its share of the device's energy */
  TsUsage u0;
  TsTime t0;
  /* over the run */
  double u_sum;
  guint n, changes;
} App;

struct _AppPolicy {
  TsRunner *runner;
  TsBackend *be;
  const TsScenario *scn;
  TsAppParams p;
  TsAgentKind kind;
  gboolean learning;
  TsAppContext *ctx;
  App *apps;
};

static const TsPolicyParam app_params[] = {
  { "energy_weight", "weight of energy against latency in an app's utility (0: latency only)", 0.5, 0, 1 },
  { "accuracy_weight", "weight of a request's accuracy in an app's utility", 1.0, 0, 100 },
  { "knob_tier", "apps may choose their stream priority tier (0 or 1)", 1, 0, 1 },
  { "knob_pacing", "apps may choose how many kernels they keep in flight (0 or 1)", 1, 0, 1 },
  { "knob_exit", "apps whose model has exits may choose one (0 or 1)", 1, 0, 1 },
  { "knob_proc", "apps may run on a DLA engine, where the profile has some that support a layer of their model (0 or 1)", 1, 0, 1 },
  { "epoch", "requests between an app's decisions", 8, 1, 1e6 },
  { "epsilon", "probability that a learning app explores a random setting at a decision", 0.1, 0, 1 },
  { NULL, NULL, 0, 0, 0 },
};

void
ts_app_params (const TsScenario *scn, const TsPolicyClass *cls, TsAppParams *out)
{
  double v[G_N_ELEMENTS (app_params) - 1];
  for (guint i = 0; i + 1 < G_N_ELEMENTS (app_params); i++)
    {
      v[i] = app_params[i].def;
      for (guint k = 0; scn->params != NULL && k < scn->params->len; k++)
        {
          const TsParamValue *pv = &g_array_index (scn->params, TsParamValue, k);
          if (strcmp (pv->policy, cls->name) == 0 && strcmp (pv->name, app_params[i].name) == 0)
            v[i] = pv->value;
        }
    }
  *out = (TsAppParams) { .energy_weight = v[0], .accuracy_weight = v[1], .knob_tier = v[2] != 0,
                         .knob_pacing = v[3] != 0, .knob_exit = v[4] != 0, .knob_proc = v[5] != 0, .epoch = (guint) v[6], .epsilon = v[7] };
}

/* Whether the engines of d run some layer of m, in any of its variants (else a DLA would run
 * m as the GPU does, and the knob would only duplicate settings). */
static gboolean
dla_runs_some (const TsDlaModel *d, const TsModel *m)
{
  for (guint i = 0; i < m->n_kernels; i++)
    if (ts_dla_model_supports (d, m->kernels[i].kind))
      return TRUE;
  for (guint e = 0; e < m->n_exits; e++)
    for (guint i = 0; i < m->exits[e].n_kernels; i++)
      if (ts_dla_model_supports (d, m->exits[e].kernels[i].kind))
        return TRUE;
  return FALSE;
}

typedef struct {
  guint tier, pacing, exit, proc;
} Knobs;

static void
knob_sizes (const TsScenario *scn, guint t, const TsAppParams *p, Knobs *n)
{
  const TsModel *m = scn->tasks[t].model;
  const TsDlaModel *d = &scn->profile->dla;
  n->tier = p->knob_tier && scn->profile->priority_levels > 1 ? 2 : 1;
  n->pacing = p->knob_pacing ? N_PACING : 1;
  n->exit = p->knob_exit && m->n_exits > 1 ? m->n_exits : 1;
  n->proc = p->knob_proc && d->count > 0 && dla_runs_some (d, m) ? 1 + d->count : 1;
}

guint
ts_app_n_settings (const TsScenario *scn, guint t, const TsAppParams *p)
{
  Knobs n;
  knob_sizes (scn, t, p, &n);
  return n.tier * n.pacing * n.exit * n.proc;
}

/* Setting s as knob indices (proc as ts_hetero_exec numbers processors: 0 the GPU, 1 + d DLA d). */
static Knobs
decode (guint s, const Knobs *n)
{
  return (Knobs) { .tier = s % n->tier, .pacing = (s / n->tier) % n->pacing,
                   .exit = (s / n->tier / n->pacing) % n->exit, .proc = s / n->tier / n->pacing / n->exit };
}

/* The exit that exit index k names: k = 0 the deepest; -1 for a model without exits. */
static int
exit_of (const TsModel *m, guint k)
{
  return m->n_exits > 0 ? (int) m->n_exits - 1 - (int) k : -1;
}

char *
ts_app_setting_name (const TsScenario *scn, guint t, const TsAppParams *p, guint s)
{
  Knobs n;
  knob_sizes (scn, t, p, &n);
  Knobs k = decode (s, &n);
  const TsModel *m = scn->tasks[t].model;
  int e = exit_of (m, k.exit);
  g_autofree char *win = pacing_window[k.pacing] == 0 ? g_strdup ("all") : g_strdup_printf ("%u", pacing_window[k.pacing]);
  /* no proc= without the knob: the names stay those of a profile without DLAs */
  g_autofree char *proc = n.proc == 1 ? g_strdup ("") : k.proc == TS_PROC_GPU ? g_strdup (" proc=gpu")
                                                                              : g_strdup_printf (" proc=dla%u", k.proc - 1);
  return g_strdup_printf ("tier=%s pacing=%s exit=%s%s", k.tier == 0 ? "low" : "high", win,
                          e >= 0 ? m->exits[e].name : "full", proc);
}

/* The device's energy (J) for usage over t ns under the profile's power model (0 without one). */
static double
energy_of (const TsPower *pw, const TsUsage *u, TsTime t)
{
  if (!pw->present)
    return 0;
  return pw->idle_w * t / TS_NS_PER_S + pw->sm_active_w * u->sm_busy_ns / TS_NS_PER_S
         + pw->dram_pj_per_byte * 1e-12 * u->dram_bytes + pw->cpu_core_w * u->host_busy_ns / TS_NS_PER_S;
}

/* The app's solo energy for its full model: the power model over its solo run. */
static double
solo_energy (const TsScenario *scn, const TsModel *m)
{
  const TsPower *pw = &scn->profile->power;
  TsUsage u = { .sm_busy_ns = ts_variant_sm_ns (m, -1, scn->profile) };
  for (guint i = 0; i < ts_model_full_n_kernels (m); i++)
    u.dram_bytes += ts_model_full_kernel (m, i)->dram_bytes;
  return energy_of (pw, &u, m->solo);
}

static void
kernel_done (gpointer data, guint64 tag)
{
  AppPolicy *P = data;
  ts_runner_finish_job (P->runner, GSIZE_TO_POINTER (tag));
}

/* Launches job under the app's setting: its tier's stream, its pacing window, its variant, its
 * processor. */
static void
launch (AppPolicy *P, App *a, TsJob *job)
{
  const TsModel *m = P->scn->tasks[a->task].model;
  Knobs sz = { a->n_tier, a->n_pacing, a->n_exit, a->n_proc };
  Knobs k = decode (a->setting, &sz);
  guint s = a->stream[k.tier];
  ts_backend_stream_set_window (P->be, s, pacing_window[k.pacing]);
  a->cur = job;
  a->t0 = ts_backend_now (P->be);
  ts_backend_usage (P->be, &a->u0);
  int e = exit_of (m, k.exit);
  if (e >= 0)
    job->exit = e;
  a->cur_own = k.proc != TS_PROC_GPU ? a->own_dla[k.exit] : ts_variant_sm_ns (m, job->exit, P->scn->profile);
  if (k.proc != TS_PROC_GPU)
    {
      ts_runner_start_job (P->runner, job);
      g_autoptr (GError) error = NULL;
      /* create() checked that the backend has the profile's DLAs */
      if (!ts_hetero_exec (P->be, a->variant[k.exit], s, k.proc, kernel_done, P, GPOINTER_TO_SIZE (job), &error))
        g_error ("%s", error->message);
      return;
    }
  if (e < 0 || e == (int) m->n_exits - 1)
    {
      ts_runner_launch_job (P->runner, s, job);
      return;
    }
  /* chunks up to the exit's, then its head; the runner hears of the finish from the last */
  ts_runner_start_job (P->runner, job);
  const TsExit *x = &m->exits[e];
  guint n = m->chunk_first[x->after_chunk + 1];
  for (guint i = 0; i < n; i++)
    ts_backend_launch (P->be, s, &(TsLaunch) { .kernel = &m->kernels[i] });
  for (guint i = 0; i < x->n_kernels; i++)
    ts_backend_launch (P->be, s, &(TsLaunch) { .kernel = &x->kernels[i], .done = i + 1 == x->n_kernels ? kernel_done : NULL,
                                                .data = P, .tag = GPOINTER_TO_SIZE (job) });
}

/* The app's request in flight has finished: what it observed of it goes into the epoch. */
static void
account (AppPolicy *P, App *a)
{
  TsJob *job = a->cur;
  if (job == NULL || job->finish < 0)
    return;
  a->cur = NULL;
  TsUsage u;
  ts_backend_usage (P->be, &u);
  TsTime now = ts_backend_now (P->be);
  TsUsage d = { u.sm_busy_ns - a->u0.sm_busy_ns, u.dram_bytes - a->u0.dram_bytes, u.host_busy_ns - a->u0.host_busy_ns };
  double own = a->cur_own;
  double share = d.sm_busy_ns > own ? own / d.sm_busy_ns : 1.0;
  double e = energy_of (&P->scn->profile->power, &d, now - a->t0) * share;
  double lat = (double) (job->finish - job->release);
  double w = P->p.energy_weight;
  double util = P->p.accuracy_weight * job->accuracy - (1 - w) * lat / a->lat_ref - w * e / a->e_ref;
  a->ep_n++;
  a->ep_u += util, a->ep_lat += lat, a->ep_e += e;
  a->u_sum += util;
  a->n++;
}

/* Closes the app's epoch: its observation now (device load since the epoch began, its mean latency
 * and energy over the epoch's requests, both relative to solo) into next, and, if it has decided
 * before and is learning, the lesson of its setting over the epoch. */
static void
epoch_close (AppPolicy *P, App *a, double next[N_OBS])
{
  TsUsage u;
  ts_backend_usage (P->be, &u);
  TsTime now = ts_backend_now (P->be);
  next[0] = 0, next[1] = 1, next[2] = P->p.energy_weight > 0 ? 1 : 0;
  if (a->started && a->ep_n > 0)
    {
      double dt = (double) (now - a->ep_t0) * ts_backend_sms (P->be);
      next[0] = dt > 0 ? MIN (1.0, (u.sm_busy_ns - a->ep_busy0) / dt) : 0;
      next[1] = a->ep_lat / a->ep_n / a->lat_ref;
      next[2] = a->ep_e / a->ep_n / a->e_ref;
      if (a->agent != NULL && P->learning)
        ts_agent_learn (a->agent, a->obs, a->setting, a->ep_u / a->ep_n, next);
    }
  a->ep_n = 0;
  a->ep_u = a->ep_lat = a->ep_e = 0;
  a->ep_busy0 = u.sm_busy_ns;
  a->ep_t0 = now;
}

/* At a request of the app's: after `epoch` requests, it learns from them and picks its setting. */
static void
decide (AppPolicy *P, App *a)
{
  if (a->started && a->ep_n < P->p.epoch)
    return;
  double next[N_OBS];
  epoch_close (P, a, next);
  if (a->agent != NULL)
    {
      double eps = P->p.epsilon * (P->ctx != NULL ? P->ctx->epsilon_scale : 1.0);
      guint s = ts_agent_act (a->agent, next, eps);
      a->changes += a->started && s != a->setting;
      a->setting = s;
    }
  memcpy (a->obs, next, sizeof next);
  a->started = TRUE;
}

/* The model that runs exit index k of a's on a DLA: m itself for its full model, else a view of m
 * whose full kernel list is the variant's (chunks up to the exit's, then its head). */
static const TsModel *
variant_of (const TsModel *m, int e)
{
  if (e < 0 || e == (int) m->n_exits - 1)
    return m;
  const TsExit *x = &m->exits[e];
  TsModel *v = g_new (TsModel, 1);
  *v = *m;  /* shares m's arrays; freed with g_free */
  v->n_chunks = x->after_chunk + 1;
  v->n_kernels = m->chunk_first[v->n_chunks];
  v->exits = (TsExit *) x;
  v->n_exits = 1;
  v->solo = ts_model_variant_solo (m, (guint) e);
  v->accuracy = x->accuracy;
  return v;
}

/* The solo SM-time of the layers of v that fall back to the GPU when v runs on a DLA: the
 * variant's SM-time (ts_variant_sm_ns) over a model of those layers alone. */
static double
gpu_part_sm_ns (const TsScenario *scn, const TsModel *v)
{
  guint n = ts_model_full_n_kernels (v);
  TsModel part = { .kernels = g_new (TsKernelDesc, n) };
  for (guint i = 0; i < n; i++)
    {
      const TsKernelDesc *k = ts_model_full_kernel (v, i);
      if (ts_hetero_layer_proc (&scn->profile->dla, 1, k) == TS_PROC_GPU)
        part.kernels[part.n_kernels++] = *k;
    }
  double w = ts_variant_sm_ns (&part, -1, scn->profile);
  g_free (part.kernels);
  return w;
}

static void
free_variants (App *a, const TsModel *m)
{
  g_free (a->own_dla);
  for (guint k = 0; a->variant != NULL && k < a->n_exit; k++)
    if (a->variant[k] != m)
      g_free ((TsModel *) a->variant[k]);
  g_free (a->variant);
}

static gpointer
create_family (TsRunner *runner, const TsPolicyClass *cls, gboolean learning, TsAgentKind kind, GError **error)
{
  AppPolicy *P = g_new0 (AppPolicy, 1);
  P->runner = runner;
  P->be = ts_runner_backend (runner);
  P->scn = ts_runner_scenario (runner);
  P->ctx = ts_runner_context (runner);
  P->learning = learning && !(P->ctx != NULL && P->ctx->frozen);
  P->kind = kind;
  if (P->ctx != NULL && P->ctx->params != NULL)
    P->p = *P->ctx->params;
  else
    ts_app_params (P->scn, cls, &P->p);
  if (!P->scn->profile->power.present)
    P->p.energy_weight = 0;  /* nothing to weigh */
  guint levels = ts_backend_levels (P->be);
  const TsDlaModel *dla = &P->scn->profile->dla;
  for (guint t = 0; t < P->scn->n_tasks; t++)
    {
      Knobs n;
      knob_sizes (P->scn, t, &P->p, &n);
      if (n.proc > 1 && ts_backend_dlas (P->be) < dla->count)
        {
          g_set_error (error, TS_ERROR, TS_ERROR_RUN, "task '%s': profile '%s' gives apps a choice of %u DLAs, which "
                       "backend '%s' lacks (it has %u); set the policy's knob_proc = 0", P->scn->tasks[t].name,
                       P->scn->profile->name, dla->count, P->be->ops->name, ts_backend_dlas (P->be));
          g_free (P);
          return NULL;
        }
    }
  P->apps = g_new0 (App, P->scn->n_tasks);
  for (guint t = 0; t < P->scn->n_tasks; t++)
    {
      App *a = &P->apps[t];
      const TsModel *m = P->scn->tasks[t].model;
      a->pol = P;
      a->task = t;
      Knobs kn;
      knob_sizes (P->scn, t, &P->p, &kn);
      a->n_tier = kn.tier, a->n_pacing = kn.pacing, a->n_exit = kn.exit, a->n_proc = kn.proc;
      /* one host thread per app, as an app's inference thread, launching on both its streams */
      guint thread = ts_backend_thread_new (P->be);
      a->stream[0] = ts_backend_stream_new (P->be, levels - 1);
      a->stream[1] = levels > 1 ? ts_backend_stream_new (P->be, 0) : a->stream[0];
      ts_backend_stream_set_thread (P->be, a->stream[0], thread);
      if (a->stream[1] != a->stream[0])
        ts_backend_stream_set_thread (P->be, a->stream[1], thread);
      a->lat_ref = MAX (1.0, (double) m->solo);
      a->e_ref = solo_energy (P->scn, m);
      if (!(a->e_ref > 0))
        a->e_ref = 1;
      guint n = a->n_tier * a->n_pacing * a->n_exit * a->n_proc;
      if (!learning)
        a->setting = P->ctx != NULL && P->ctx->setting != NULL ? MIN (P->ctx->setting[t], n - 1) : 0;
      else if (P->ctx != NULL && P->ctx->agents != NULL && P->ctx->agents[t] != NULL)
        {
          a->agent = P->ctx->agents[t];
          if (ts_agent_n_actions (a->agent) != n || ts_agent_kind (a->agent) != kind)
            {
              g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "task '%s': the loaded agent has %u settings (%s), the "
                           "scenario gives it %u (%s)", P->scn->tasks[t].name, ts_agent_n_actions (a->agent),
                           ts_agent_kind (a->agent) == TS_AGENT_DRL ? "drl" : "bandit", n,
                           kind == TS_AGENT_DRL ? "drl" : "bandit");
              g_free (P->apps);
              g_free (P);
              return NULL;
            }
        }
      else
        {
          TsAgentParams ap;
          ts_agent_params_default (&ap);
          a->agent = ts_agent_new (kind, n, N_OBS, &ap, P->scn->seed, STREAM_AGENT (t));
          if (P->ctx != NULL && P->ctx->agents != NULL)
            P->ctx->agents[t] = a->agent;  /* the caller's from now on */
        }
    }
  for (guint t = 0; t < P->scn->n_tasks; t++)
    {
      App *a = &P->apps[t];
      const TsModel *m = P->scn->tasks[t].model;
      if (a->n_proc == 1)
        continue;
      a->variant = g_new (const TsModel *, a->n_exit);
      a->own_dla = g_new (double, a->n_exit);
      for (guint k = 0; k < a->n_exit; k++)
        {
          a->variant[k] = variant_of (m, exit_of (m, k));
          a->own_dla[k] = gpu_part_sm_ns (P->scn, a->variant[k]);
        }
    }
  return P;
}

/* A class of the family: which class (for its parameters), whether its apps learn, and how. */
typedef struct {
  const TsPolicyClass *cls;
  gboolean learning;
  TsAgentKind kind;
} AppConfig;

static const AppConfig cfg_fixed = { &ts_policy_app, FALSE, TS_AGENT_BANDIT };
static const AppConfig cfg_bandit = { &ts_policy_app_bandit, TRUE, TS_AGENT_BANDIT };
static const AppConfig cfg_drl = { &ts_policy_app_drl, TRUE, TS_AGENT_DRL };

static gpointer
create (TsRunner *r, const void *config, GError **error)
{
  const AppConfig *c = config;
  return create_family (r, c->cls, c->learning, c->kind, error);
}

static void
destroy (gpointer self)
{
  AppPolicy *P = self;
  for (guint t = 0; t < P->scn->n_tasks; t++)
    {
      App *a = &P->apps[t];
      account (P, a);
      if (a->ep_n > 0)   /* the requests since its last decision teach it too */
        {
          double next[N_OBS];
          epoch_close (P, a, next);
        }
      if (P->ctx != NULL)
        {
          if (P->ctx->utility != NULL)
            P->ctx->utility[t] = a->n > 0 ? a->u_sum / a->n : NAN;
          if (P->ctx->final != NULL)
            P->ctx->final[t] = a->setting;
          if (P->ctx->changes != NULL)
            P->ctx->changes[t] = a->changes;
        }
      if (P->ctx == NULL || P->ctx->agents == NULL)
        ts_agent_free (a->agent);
      free_variants (a, P->scn->tasks[t].model);
    }
  g_free (P->apps);
  g_free (P);
}

static void
job_arrived (gpointer self, TsJob *job)
{
  AppPolicy *P = self;
  App *a = &P->apps[job->task];
  account (P, a);   /* its previous request, finished at this instant (the runner issues first) */
  decide (P, a);
  launch (P, a, job);
}

static void
job_finished (gpointer self, TsJob *job)
{
  AppPolicy *P = self;
  App *a = &P->apps[job->task];
  if (a->cur == job)
    account (P, a);
}

TsRunResult *
ts_app_run (const TsScenario *scn, const TsPolicyClass *cls, TsAppContext *ctx, GError **error)
{
  return ts_run_with (scn, cls, ctx, error);
}

#define FAMILY_DESC \
  "Each app (task) schedules itself through knobs it controls, with no central scheduler: its stream's " \
  "priority tier, how many kernels it keeps in flight, its early exit where its model has them, and its " \
  "processor (the GPU or a DLA engine, with fallback to the GPU) where the profile has DLAs.  " \
  "Its utility per request weighs accuracy, latency and energy (parameters); a setting changes only at " \
  "the app's next request (policies/app.h)."

const TsPolicyClass ts_policy_app = {
  .name = "app",
  .summary = "apps schedule themselves, each with a fixed knob setting (default: no adaptation)",
  .description = FAMILY_DESC "  Here every app keeps its default setting (lowest tier, every kernel in "
                 "flight, deepest exit, the GPU), or the one `tiersim adapt` gives it.",
  .create = create, .config = &cfg_fixed, .destroy = destroy, .job_arrived = job_arrived, .job_finished = job_finished,
  .params = app_params,
};

const TsPolicyClass ts_policy_app_bandit = {
  .name = "app-bandit",
  .summary = "apps schedule themselves, each learning its knob setting with an epsilon-greedy bandit",
  .description = FAMILY_DESC "  Here every app learns its setting online with an epsilon-greedy bandit over "
                 "its settings (policies/agent.h).",
  .create = create, .config = &cfg_bandit, .destroy = destroy, .job_arrived = job_arrived, .job_finished = job_finished,
  .params = app_params,
};

const TsPolicyClass ts_policy_app_drl = {
  .name = "app-drl",
  .summary = "apps schedule themselves, each learning its knob setting with a small deep-RL agent",
  .description = FAMILY_DESC "  Here every app learns its setting online with a small Q-network (libfann) "
                 "trained from a replay buffer (policies/agent.h).",
  .create = create, .config = &cfg_drl, .destroy = destroy, .job_arrived = job_arrived, .job_finished = job_finished,
  .params = app_params,
};

const TsPolicyClass *const ts_app_family[] = { &ts_policy_app, &ts_policy_app_bandit, &ts_policy_app_drl, NULL };
