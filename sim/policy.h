/* tiersim — the policy interface: what the runner calls, and what a policy family implements.
 *
 * A policy is a class: a name, descriptions, a configuration and three functions.  Policies come
 * in families, one file each under policies/ (a runtime and the classes that configure it),
 * listed in policies/registry.c.  create() builds its state for one run (creating the streams it
 * needs through the runner's backend); job_arrived() is called when a client issues a request;
 * job_finished(), if set, when a job's last kernel has completed (after the runner has recorded
 * it).  Policies launch work only through the backend, so they run unchanged on any backend. */
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
  /* The family's runtime for one run; config is the class's own `config` (one runtime serves
   * several classes, each a configuration of it). */
  gpointer (*create) (TsRunner *runner, const void *config, GError **error);
  const void *config;
  void (*destroy) (gpointer self);
  void (*job_arrived) (gpointer self, TsJob *job);
  void (*job_finished) (gpointer self, TsJob *job);   /* optional; also after ts_runner_drop_job */
  const TsPolicyParam *params;                        /* optional; ends with a NULL name */
};

/* The declared parameter of that name, or NULL. */
const TsPolicyParam *ts_policy_param (const TsPolicyClass *cls, const char *name);

G_END_DECLS
