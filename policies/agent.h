/* tiersim — per-app learning agents (issue 19): each app picks its own knob setting (an action)
 * from what it observes, to maximise its own utility, with no central scheduler.
 *
 * Two kinds:
 *   bandit  epsilon-greedy over the actions, each action's value a recency-weighted mean of its
 *           rewards (step max(1/n, step)): co-running apps adapt too, so old rewards fade;
 *   drl     a small Q-network (libfann, one hidden layer, linear outputs: one Q-value per action)
 *           trained online, DQN-style without a target network: each transition
 *           (obs, action, reward, next obs) goes into a replay buffer, and every step trains on the
 *           newest and `replay` random earlier ones towards reward + gamma max Q(next obs).
 * Randomness (exploration, replay sampling, initial weights) comes from the agent's own seeded
 * generator only; FANN's own initial weights (from rand()) are overwritten before use, so an
 * agent is a pure function of its seed and what it observed.
 *
 * Cost: act and learn are O(actions) for bandits, O((replay + 1) x network size) for drl. */
#pragma once

#include <glib.h>

#include "sim/rng.h"

G_BEGIN_DECLS

typedef enum { TS_AGENT_BANDIT, TS_AGENT_DRL } TsAgentKind;

typedef struct {
  double step;           /* bandit: least weight of a new reward in its action's mean */
  double learning_rate;  /* drl */
  double gamma;          /* drl: discount of the next observation's value */
  guint hidden;          /* drl: hidden units */
  guint replay;          /* drl: earlier transitions trained on per step */
} TsAgentParams;

/* Defaults: step 0.1; learning rate 0.05, gamma 0.5, 16 hidden units, 4 replayed. */
void ts_agent_params_default (TsAgentParams *p);

typedef struct _TsAgent TsAgent;

/* An agent choosing among n_actions (>= 1) from observations of n_obs numbers, its generator
 * seeded by (seed, stream). */
TsAgent *ts_agent_new (TsAgentKind kind, guint n_actions, guint n_obs, const TsAgentParams *params,
                       guint64 seed, guint64 stream);
void ts_agent_free (TsAgent *a);

TsAgentKind ts_agent_kind (const TsAgent *a);
guint ts_agent_n_actions (const TsAgent *a);

/* The action to take on observing obs: with probability epsilon a uniformly random one, else the
 * greedy one (a bandit tries each action once first, in order). */
guint ts_agent_act (TsAgent *a, const double *obs, double epsilon);

/* The action of highest value at obs (ties: the lowest). */
guint ts_agent_greedy (TsAgent *a, const double *obs);

/* Taking `action` at obs earned `reward`, and the app then observed next_obs. */
void ts_agent_learn (TsAgent *a, const double *obs, guint action, double reward, const double *next_obs);

/* Writes the agent's parameters and state (values, weights, generator) into group of kf, and
 * reads them back: a loaded agent acts and learns exactly as the saved one would have. */
void ts_agent_save (const TsAgent *a, GKeyFile *kf, const char *group);
TsAgent *ts_agent_load (GKeyFile *kf, const char *group, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsAgent, ts_agent_free)

G_END_DECLS
