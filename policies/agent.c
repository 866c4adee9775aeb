#include "config.h"

#include <math.h>
#include <string.h>

#include <doublefann.h>

#include "policies/agent.h"
#include "sim/error.h"

#define REPLAY_CAP 64

struct _TsAgent {
  TsAgentKind kind;
  TsAgentParams p;
  guint n_actions, n_obs;
  TsRng rng;
  /* bandit */
  guint *count;
  double *value;
  /* drl: the network, and the replay buffer of transitions (obs, action, reward, next obs) */
  struct fann *net;
  double *r_obs, *r_next, *r_reward;
  guint *r_action;
  guint r_len, r_head;
};

void
ts_agent_params_default (TsAgentParams *p)
{
  *p = (TsAgentParams) { .step = 0.1, .learning_rate = 0.05, .gamma = 0.5, .hidden = 16, .replay = 4 };
}

static struct fann *
net_new (const TsAgent *a)
{
  struct fann *net = fann_create_standard (3, a->n_obs, a->p.hidden, a->n_actions);
  fann_set_activation_function_hidden (net, FANN_SIGMOID_SYMMETRIC);
  fann_set_activation_function_output (net, FANN_LINEAR);
  fann_set_learning_rate (net, (float) a->p.learning_rate);
  return net;
}

/* Sets every weight from w (NULL: uniform in +-sqrt(6 / (fan-in + fan-out)) of the layer, from the
 * agent's generator, Glorot's range for tanh units). */
static void
net_set_weights (TsAgent *a, const double *w)
{
  guint n = fann_get_total_connections (a->net);
  g_autofree struct fann_connection *c = g_new (struct fann_connection, n);
  fann_get_connection_array (a->net, c);
  /* neurons are numbered layer by layer, each layer ending with its bias neuron */
  guint first_out = (a->n_obs + 1) + (a->p.hidden + 1);
  for (guint i = 0; i < n; i++)
    {
      if (w != NULL)
        c[i].weight = w[i];
      else
        {
          gboolean to_out = c[i].to_neuron >= first_out;
          double range = sqrt (6.0 / (to_out ? a->p.hidden + a->n_actions : a->n_obs + a->p.hidden));
          c[i].weight = (2 * ts_rng_uniform (&a->rng) - 1) * range;
        }
    }
  fann_set_weight_array (a->net, c, n);
}

TsAgent *
ts_agent_new (TsAgentKind kind, guint n_actions, guint n_obs, const TsAgentParams *params,
              guint64 seed, guint64 stream)
{
  g_return_val_if_fail (n_actions >= 1 && n_obs >= 1, NULL);
  TsAgent *a = g_new0 (TsAgent, 1);
  a->kind = kind;
  a->p = *params;
  a->n_actions = n_actions;
  a->n_obs = n_obs;
  ts_rng_init (&a->rng, seed, stream);
  a->count = g_new0 (guint, n_actions);
  a->value = g_new0 (double, n_actions);
  if (kind == TS_AGENT_DRL)
    {
      a->net = net_new (a);
      net_set_weights (a, NULL);
      a->r_obs = g_new0 (double, REPLAY_CAP * n_obs);
      a->r_next = g_new0 (double, REPLAY_CAP * n_obs);
      a->r_reward = g_new0 (double, REPLAY_CAP);
      a->r_action = g_new0 (guint, REPLAY_CAP);
    }
  return a;
}

void
ts_agent_free (TsAgent *a)
{
  if (a == NULL)
    return;
  if (a->net != NULL)
    fann_destroy (a->net);
  g_free (a->count);
  g_free (a->value);
  g_free (a->r_obs);
  g_free (a->r_next);
  g_free (a->r_reward);
  g_free (a->r_action);
  g_free (a);
}

TsAgentKind ts_agent_kind (const TsAgent *a) { return a->kind; }
guint ts_agent_n_actions (const TsAgent *a) { return a->n_actions; }

static const double *
q_values (TsAgent *a, const double *obs)
{
  return fann_run (a->net, (fann_type *) obs);
}

static guint
argmax (const double *v, guint n)
{
  guint best = 0;
  for (guint i = 1; i < n; i++)
    if (v[i] > v[best])
      best = i;
  return best;
}

guint
ts_agent_greedy (TsAgent *a, const double *obs)
{
  if (a->kind == TS_AGENT_DRL)
    return argmax (q_values (a, obs), a->n_actions);
  return argmax (a->value, a->n_actions);
}

guint
ts_agent_act (TsAgent *a, const double *obs, double epsilon)
{
  if (a->kind == TS_AGENT_BANDIT)
    for (guint i = 0; i < a->n_actions; i++)
      if (a->count[i] == 0)
        return i;
  if (epsilon > 0 && ts_rng_uniform (&a->rng) < epsilon)
    return (guint) ts_rng_range (&a->rng, 0, a->n_actions - 1);
  return ts_agent_greedy (a, obs);
}

/* One gradient step on replay entry i: the Q-value of its action towards its target. */
static void
drl_train (TsAgent *a, guint i)
{
  const double *next = &a->r_next[i * a->n_obs];
  const double *qn = q_values (a, next);
  double target = a->r_reward[i] + a->p.gamma * qn[argmax (qn, a->n_actions)];
  const double *obs = &a->r_obs[i * a->n_obs];
  g_autofree double *want = g_memdup2 (q_values (a, obs), a->n_actions * sizeof (double));
  want[a->r_action[i]] = target;  /* other outputs keep their value: zero error there */
  fann_train (a->net, (fann_type *) obs, want);
}

void
ts_agent_learn (TsAgent *a, const double *obs, guint action, double reward, const double *next_obs)
{
  g_return_if_fail (action < a->n_actions);
  a->count[action]++;
  if (a->kind == TS_AGENT_BANDIT)
    {
      double w = MAX (1.0 / a->count[action], a->p.step);
      a->value[action] += w * (reward - a->value[action]);
      return;
    }
  guint i = a->r_head;
  memcpy (&a->r_obs[i * a->n_obs], obs, a->n_obs * sizeof (double));
  memcpy (&a->r_next[i * a->n_obs], next_obs, a->n_obs * sizeof (double));
  a->r_reward[i] = reward;
  a->r_action[i] = action;
  a->r_head = (a->r_head + 1) % REPLAY_CAP;
  a->r_len = MIN (a->r_len + 1, REPLAY_CAP);
  drl_train (a, i);
  for (guint k = 0; k < a->p.replay && a->r_len > 1; k++)
    drl_train (a, (guint) ts_rng_range (&a->rng, 0, a->r_len - 1));
}

/* ---- saving and loading ---- */

static void
set_doubles (GKeyFile *kf, const char *group, const char *key, const double *v, gsize n)
{
  g_key_file_set_double_list (kf, group, key, (double *) v, n);
}

void
ts_agent_save (const TsAgent *a, GKeyFile *kf, const char *group)
{
  g_key_file_set_string (kf, group, "kind", a->kind == TS_AGENT_DRL ? "drl" : "bandit");
  g_key_file_set_integer (kf, group, "actions", (int) a->n_actions);
  g_key_file_set_integer (kf, group, "observations", (int) a->n_obs);
  g_key_file_set_double (kf, group, "step", a->p.step);
  g_key_file_set_double (kf, group, "learning_rate", a->p.learning_rate);
  g_key_file_set_double (kf, group, "gamma", a->p.gamma);
  g_key_file_set_integer (kf, group, "hidden", (int) a->p.hidden);
  g_key_file_set_integer (kf, group, "replay", (int) a->p.replay);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *key = g_strdup_printf ("rng%u", i);
      g_key_file_set_uint64 (kf, group, key, a->rng.s[i]);
    }
  g_autofree int *counts = g_new (int, a->n_actions);
  for (guint i = 0; i < a->n_actions; i++)
    counts[i] = (int) MIN (a->count[i], (guint) G_MAXINT);
  g_key_file_set_integer_list (kf, group, "counts", counts, a->n_actions);
  set_doubles (kf, group, "values", a->value, a->n_actions);
  if (a->kind == TS_AGENT_DRL)
    {
      guint n = fann_get_total_connections (a->net);
      g_autofree struct fann_connection *c = g_new (struct fann_connection, n);
      fann_get_connection_array (a->net, c);
      g_autofree double *w = g_new (double, n);
      for (guint i = 0; i < n; i++)
        w[i] = c[i].weight;
      set_doubles (kf, group, "weights", w, n);
      /* the replay buffer, so that training resumes where it stopped */
      g_key_file_set_integer (kf, group, "replay_len", (int) a->r_len);
      g_key_file_set_integer (kf, group, "replay_head", (int) a->r_head);
      set_doubles (kf, group, "replay_obs", a->r_obs, REPLAY_CAP * a->n_obs);
      set_doubles (kf, group, "replay_next", a->r_next, REPLAY_CAP * a->n_obs);
      set_doubles (kf, group, "replay_reward", a->r_reward, REPLAY_CAP);
      g_autofree int *acts = g_new (int, REPLAY_CAP);
      for (guint i = 0; i < REPLAY_CAP; i++)
        acts[i] = (int) a->r_action[i];
      g_key_file_set_integer_list (kf, group, "replay_action", acts, REPLAY_CAP);
    }
}

/* A list of exactly n doubles (or ints, as doubles), else an error naming the key. */
static gboolean
get_doubles (GKeyFile *kf, const char *group, const char *key, double *out, gsize n, GError **error)
{
  gsize len = 0;
  g_autoptr (GError) e = NULL;
  g_autofree double *v = g_key_file_get_double_list (kf, group, key, &len, &e);
  if (v == NULL || len != n)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "[%s] %s: expected %" G_GSIZE_FORMAT " numbers%s%s", group, key, n,
                   e != NULL ? ": " : "", e != NULL ? e->message : "");
      return FALSE;
    }
  memcpy (out, v, n * sizeof (double));
  return TRUE;
}

TsAgent *
ts_agent_load (GKeyFile *kf, const char *group, GError **error)
{
  g_autoptr (GError) e = NULL;
  g_autofree char *kind = g_key_file_get_string (kf, group, "kind", &e);
  TsAgentParams p;
  ts_agent_params_default (&p);
  int n_actions = g_key_file_get_integer (kf, group, "actions", e ? NULL : &e);
  int n_obs = g_key_file_get_integer (kf, group, "observations", e ? NULL : &e);
  p.step = g_key_file_get_double (kf, group, "step", e ? NULL : &e);
  p.learning_rate = g_key_file_get_double (kf, group, "learning_rate", e ? NULL : &e);
  p.gamma = g_key_file_get_double (kf, group, "gamma", e ? NULL : &e);
  int hidden = g_key_file_get_integer (kf, group, "hidden", e ? NULL : &e);
  int replay = g_key_file_get_integer (kf, group, "replay", e ? NULL : &e);
  if (e == NULL && (g_strcmp0 (kind, "bandit") != 0 && g_strcmp0 (kind, "drl") != 0))
    g_set_error (&e, TS_ERROR, TS_ERROR_INPUT, "kind must be bandit or drl");
  if (e == NULL && !(n_actions >= 1 && n_actions <= 4096 && n_obs >= 1 && n_obs <= 64 && hidden >= 1
                     && hidden <= 1024 && replay >= 0 && replay <= REPLAY_CAP))
    g_set_error (&e, TS_ERROR, TS_ERROR_INPUT, "actions, observations, hidden or replay out of range");
  if (e != NULL)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "[%s]: %s", group, e->message);
      return NULL;
    }
  p.hidden = (guint) hidden;
  p.replay = (guint) replay;
  g_autoptr (TsAgent) a = ts_agent_new (strcmp (kind, "drl") == 0 ? TS_AGENT_DRL : TS_AGENT_BANDIT,
                                        (guint) n_actions, (guint) n_obs, &p, 0, 0);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *key = g_strdup_printf ("rng%u", i);
      a->rng.s[i] = g_key_file_get_uint64 (kf, group, key, &e);
      if (e != NULL)
        {
          g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "[%s]: %s", group, e->message);
          return NULL;
        }
    }
  g_autofree double *counts = g_new (double, a->n_actions);
  if (!get_doubles (kf, group, "counts", counts, a->n_actions, error)
      || !get_doubles (kf, group, "values", a->value, a->n_actions, error))
    return NULL;
  for (guint i = 0; i < a->n_actions; i++)
    a->count[i] = counts[i] >= 0 ? (guint) counts[i] : 0;
  if (a->kind == TS_AGENT_DRL)
    {
      guint n = fann_get_total_connections (a->net);
      g_autofree double *w = g_new (double, n);
      g_autofree double *acts = g_new (double, REPLAY_CAP);
      if (!get_doubles (kf, group, "weights", w, n, error)
          || !get_doubles (kf, group, "replay_obs", a->r_obs, REPLAY_CAP * a->n_obs, error)
          || !get_doubles (kf, group, "replay_next", a->r_next, REPLAY_CAP * a->n_obs, error)
          || !get_doubles (kf, group, "replay_reward", a->r_reward, REPLAY_CAP, error)
          || !get_doubles (kf, group, "replay_action", acts, REPLAY_CAP, error))
        return NULL;
      net_set_weights (a, w);
      int len = g_key_file_get_integer (kf, group, "replay_len", NULL);
      int head = g_key_file_get_integer (kf, group, "replay_head", NULL);
      a->r_len = (guint) CLAMP (len, 0, REPLAY_CAP);
      a->r_head = (guint) CLAMP (head, 0, REPLAY_CAP - 1);
      for (guint i = 0; i < REPLAY_CAP; i++)
        a->r_action[i] = acts[i] >= 0 && acts[i] < a->n_actions ? (guint) acts[i] : 0;
    }
  return g_steal_pointer (&a);
}
