/* tiersim — the policy interface and registry.
 *
 * A policy is a class: a name, descriptions, and three functions.  create() builds its state for
 * one run (creating the streams it needs through the runner's backend); job_arrived() is called
 * when a client issues a request; job_finished(), if set, when a job's last kernel has completed
 * (after the runner has recorded it).  Policies launch work only through the backend, so they run
 * unchanged on any backend. */
#pragma once

#include "sim/runner.h"

G_BEGIN_DECLS

/* A numeric parameter a policy takes (booleans are 0 or 1), set per scenario in
 * policy_params = { <policy> = { <name> = <value>; }; }; */
typedef struct {
  const char *name;
  const char *description;
  double def, min, max;
} TsPolicyParam;

struct _TsPolicyClass {
  const char *name;
  const char *summary;          /* one line, for 'tiersim list policies' */
  const char *description;      /* one paragraph */
  gboolean rt_only;             /* the runner releases no job of be tasks */
  gpointer (*create) (TsRunner *runner, GError **error);
  void (*destroy) (gpointer self);
  void (*job_arrived) (gpointer self, TsJob *job);
  void (*job_finished) (gpointer self, TsJob *job);   /* optional; also after ts_runner_drop_job */
  const TsPolicyParam *params;                        /* optional; ends with a NULL name */
};

/* The declared parameter of that name, or NULL. */
const TsPolicyParam *ts_policy_param (const TsPolicyClass *cls, const char *name);

/* Every registered policy, NULL-terminated, in the order 'list policies' shows them. */
const TsPolicyClass *const *ts_policy_all (void);

/* The policy of that name, or NULL with an error naming the nearest one. */
const TsPolicyClass *ts_policy_lookup (const char *name, GError **error);

/* The registered classes (one file each under policies/). */
extern const TsPolicyClass ts_policy_rt_only;
extern const TsPolicyClass ts_policy_rt_only_serial;
extern const TsPolicyClass ts_policy_seq;
extern const TsPolicyClass ts_policy_streams;
extern const TsPolicyClass ts_policy_streams_prio;
extern const TsPolicyClass ts_policy_wait;
extern const TsPolicyClass ts_policy_reset;
extern const TsPolicyClass ts_policy_reef;
extern const TsPolicyClass ts_policy_reef_n;
extern const TsPolicyClass ts_policy_pantheon;
extern const TsPolicyClass ts_policy_pantheon_np;
extern const TsPolicyClass ts_policy_pantheon_ne;
extern const TsPolicyClass ts_policy_edf;
extern const TsPolicyClass ts_policy_rms;
extern const TsPolicyClass ts_policy_dms;
extern const TsPolicyClass ts_policy_rt_mdl;
extern const TsPolicyClass ts_policy_gpu_only;
extern const TsPolicyClass ts_policy_round_robin;
extern const TsPolicyClass ts_policy_priority_score;
extern const TsPolicyClass ts_policy_priority_score_itf;

G_END_DECLS
