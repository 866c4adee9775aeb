/* tiersim — app-level adaptation (issue 19): every app (task) schedules itself, with no central
 * scheduler, through knobs it controls:
 *   tier     its stream's priority level: the lowest (CUDA's default) or the highest;
 *   pacing   how many of its kernels it keeps launched on the device: all, 4, or 1 (the rest wait
 *            in its host queue: ts_backend_stream_set_window);
 *   exit     which early-exit variant it runs, where its model has exits (deepest first);
 *   proc     its processor, where the profile has DLA engines (sim/dla.h) and they support some
 *            layer of its model: the GPU, or DLA engine d, running there the layers the engines
 *            support and the others on its GPU stream, with a hand-off at each change
 *            (ts_hetero_exec, policies/hetero.h).  Tier and pacing act on its GPU layers.
 * A setting is one value of each knob, numbered so that 0 is the default (lowest tier, all in
 * flight, deepest exit, the GPU):
 *   setting = ((proc x n_exit + exit) x n_pacing + pacing) x n_tier + tier
 * over the knobs the policy's parameters enable; proc is outermost, so that where it has one value
 * (no DLA) the settings are those of the other knobs alone.  A change takes effect at the app's
 * next request.  On a DLA, a request's energy share is by the solo SM-time of its GPU layers; the
 * power model has no DLA term, so a DLA layer costs nothing (an underestimate on a profile with
 * both groups, jetson-agx-orin).
 *
 * Each app sees only what an app on a phone can: its own requests' latencies and accuracy, its own
 * energy as the OS would attribute it, and the device's coarse load.  Its utility per request:
 *   u = accuracy_weight x accuracy - (1 - energy_weight) x latency / L - energy_weight x E / E_ref
 * where L is its model's solo duration and E_ref its solo energy (energy_weight is ignored on a
 * profile without a power group).  Its energy per request is the device's energy between the
 * request's first launch and its finish (from ts_backend_usage and the profile's power model),
 * times the request's solo SM-time over the SM-time the device was busy meanwhile (at most 1).
 *
 * Policies (policies/app.c):
 *   app         every app keeps one setting (the default, or the context's);
 *   app-bandit  every app learns its setting with an epsilon-greedy bandit (policies/agent.h);
 *   app-drl     every app learns it with a small deep-RL agent.
 * An app decides every `epoch` requests, from the mean utility of the requests since the last
 * decision and its observation: (device load, its mean latency / L, its mean energy / E_ref). */
#pragma once

#include "policies/agent.h"
#include "sim/policy.h"

G_BEGIN_DECLS

/* The family's classes (registered through ts_app_family in policies/registry.c). */
extern const TsPolicyClass ts_policy_app;
extern const TsPolicyClass ts_policy_app_bandit;
extern const TsPolicyClass ts_policy_app_drl;

/* The utility and decision parameters, as a scenario sets them for a policy of the family. */
typedef struct {
  double energy_weight, accuracy_weight;
  gboolean knob_tier, knob_pacing, knob_exit, knob_proc;
  guint epoch;           /* requests per decision */
  double epsilon;        /* exploration of a learning app */
} TsAppParams;

/* Reads cls's parameters (one of the family) from scn, with their defaults. */
void ts_app_params (const TsScenario *scn, const TsPolicyClass *cls, TsAppParams *out);

/* Number of settings of task t under p (the product of its enabled knobs' values). */
guint ts_app_n_settings (const TsScenario *scn, guint t, const TsAppParams *p);

/* "tier=high pacing=1 exit=exit0" for setting s of task t, followed by " proc=gpu" or
 * " proc=dla<d>" where t has the processor knob. */
char *ts_app_setting_name (const TsScenario *scn, guint t, const TsAppParams *p, guint s);

/* What the family's policies exchange with a caller that runs them (ts_run_with; `tiersim
 * adapt`): all arrays are per task, owned by the caller. */
typedef struct {
  const TsAppParams *params;   /* NULL: the policy reads its own from the scenario */
  const guint *setting;        /* app: each app's fixed setting (NULL: the default, 0) */
  TsAgent **agents;            /* app-bandit/app-drl: agents that outlive the run (a NULL entry
                                * is created there, and left for the caller); NULL: the run's own */
  double epsilon_scale;        /* multiplies the exploration (0: act greedily); 1 by default */
  gboolean frozen;             /* agents act but do not learn */
  /* out, per task: */
  double *utility;             /* mean utility per completed request (NAN: none) */
  guint *final;                /* the setting in force at the end */
  guint *changes;              /* how many times the setting changed */
} TsAppContext;

/* Runs scn under one of the family with ctx; the result as ts_run's. */
TsRunResult *ts_app_run (const TsScenario *scn, const TsPolicyClass *cls, TsAppContext *ctx, GError **error);


/* ---- training and game analysis (policies/app-adapt.c) ---- */

/* Per-task agents of one learning policy, the caller's: free with ts_app_agents_free. */
TsAgent **ts_app_agents_new (const TsScenario *scn);
void ts_app_agents_free (const TsScenario *scn, TsAgent **agents);

/* What training took. */
typedef struct {
  guint episodes;
  double sim_s;     /* simulated seconds, summed over episodes */
  double cpu_s;     /* process CPU seconds */
  double wall_s;
} TsTrainStats;

/* Trains agents over `episodes` runs of scn under cls (app-bandit or app-drl) with p: episode k
 * uses seed scn->seed + 1 + k (so that evaluation at scn->seed is on an unseen episode) and
 * exploration scaled by 1 - k / episodes. */
gboolean ts_app_train (const TsScenario *scn, const TsPolicyClass *cls, const TsAppParams *p, TsAgent **agents,
                       guint episodes, TsTrainStats *stats, GError **error);

/* The settings the agents have learned: each app's setting at the end of one greedy run (no
 * exploration, no learning) at scn's own seed. */
gboolean ts_app_learned (const TsScenario *scn, const TsPolicyClass *cls, const TsAppParams *p, TsAgent **agents,
                         guint *setting, GError **error);

/* Every app's mean utility per request (`utility`, per task) when each keeps setting[t], under
 * the `app` policy at scn's seed; *res_out (if not NULL) receives the run. */
gboolean ts_app_evaluate (const TsScenario *scn, const TsAppParams *p, const guint *setting, double *utility,
                          TsRunResult **res_out, GError **error);

/* The equilibrium gap at setting: for each app, the best utility it reaches by changing only its
 * own setting (best[t], by simulating each alternative) minus its utility there (gain[t] >= 0);
 * *gap is the largest gain.  Setting is an epsilon-equilibrium iff *gap <= epsilon. */
gboolean ts_app_gap (const TsScenario *scn, const TsAppParams *p, const guint *setting, double *gap,
                     guint *best, double *gain, GError **error);

/* The centralised optimum: the joint setting of the highest total utility, by simulating every
 * joint setting; FALSE with *searched = FALSE (and no error) when there are more than `limit`. */
gboolean ts_app_optimum (const TsScenario *scn, const TsAppParams *p, guint limit, guint *setting, double *welfare,
                         gboolean *searched, GError **error);

/* Saves the agents to a key file (one group per task, "task <name>") and loads them back, checking
 * that the file's tasks are the scenario's. */
gboolean ts_app_agents_save (const TsScenario *scn, TsAgent **agents, const char *path, GError **error);
gboolean ts_app_agents_load (const TsScenario *scn, TsAgent **agents, const char *path, GError **error);

G_END_DECLS
