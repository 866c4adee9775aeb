/* tiersim — scenario: tasks, their arrival processes, the profile and the policies to compare. */
#pragma once

#include "sim/model.h"
#include "sim/profile.h"

G_BEGIN_DECLS

typedef enum { TS_CLASS_RT, TS_CLASS_BE } TsTaskClass;

typedef enum {
  TS_ARRIVAL_PERIODIC,  /* offset + k*period, plus uniform jitter in [-jitter, +jitter] */
  TS_ARRIVAL_POISSON,   /* exponential inter-arrival times at `rate` per second */
  TS_ARRIVAL_TRACE,     /* explicit release times */
  TS_ARRIVAL_CLOSED,    /* next request `think` after the previous one completes */
} TsArrivalKind;

/* What a release does when the client's previous request is unfinished: wait behind it
 * (queue), be dropped (skip), or replace any release already waiting, which is dropped
 * (latest: DISB's clients, which serve the newest frame when they become free). */
typedef enum { TS_BUSY_QUEUE, TS_BUSY_SKIP, TS_BUSY_LATEST } TsBusyAction;

typedef struct {
  TsArrivalKind kind;
  TsTime offset;      /* first release (periodic, poisson, closed) */
  TsTime period;      /* periodic */
  TsTime jitter;      /* periodic: half-width of the uniform jitter */
  double rate;        /* poisson: requests per second */
  TsTime think;       /* closed */
  TsTime *times;      /* trace: ascending release times */
  guint n_times;
} TsArrival;

/* When an app is running (issue 19, open systems): from start to stop, and within that, if
 * on_mean > 0, alternately on for an exponential time of mean on_mean and off for one of mean
 * off_mean, beginning on, drawn from the task's own seeded stream (ts_task_activity).  A task
 * without a lifetime group runs the whole scenario. */
typedef struct {
  TsTime start;       /* 0 by default */
  TsTime stop;        /* TS_TIME_NEVER by default: until the scenario's end */
  TsTime on_mean, off_mean;  /* 0: always on within [start, stop) */
} TsLifetime;

/* A task, as an index in TsScenario.tasks. */
typedef guint32 TsTaskId;

typedef struct {
  char *name;
  TsTaskClass cls;
  TsModel *model;     /* owned by the scenario's model list */
  TsArrival arrival;
  TsTime deadline;    /* relative; 0 = none (be tasks) */
  TsBusyAction on_busy;
  TsLifetime lifetime;
} TsTask;

/* A policy parameter set by the scenario. */
typedef struct {
  char *policy;
  char *name;
  double value;
} TsParamValue;

typedef struct {
  char *name;
  char *description;
  char *path;
  TsTime duration;    /* releases happen in [0, duration) */
  guint64 seed;
  TsProfile *profile;
  GPtrArray *models;  /* TsModel*, owned: each model file once */
  GPtrArray *model_copies;  /* TsModel*, owned: a task's own copy of a model another task also
                             * runs, so that every kernel belongs to one task (traces, timelines) */
  TsTask *tasks;
  guint n_tasks;
  GStrv policies;     /* names, validated against the registry */
  GArray *params;     /* TsParamValue, validated against the policies' declarations */
} TsScenario;

void ts_scenario_free (TsScenario *scn);

/* The most requests one run may release (each job is kept until the end: about 100 bytes). */
#define TS_MAX_RELEASES 1e7
/* The most GPU work (solo ns, summed over requests) one run may release: about 116 days. */
#define TS_MAX_WORK_NS 1e16


/* Sum over the tasks of class cls that have a period (periodic, or poisson as 1/rate) of solo
 * duration / period, times the share of the run the task is expected to be active (its lifetime
 * within the duration, times on / (on + off) for an on/off process): with lowest_exits, each
 * model at its fastest exit, else in full. */
double ts_scenario_utilisation (const TsScenario *scn, TsTaskClass cls, gboolean lowest_exits);

/* The same for the host (0 without a host group): the full model's CPU time per job, its
 * kernels' dispatches and launches and a synchronisation per chunk (and per exit head), as the
 * real-time runtime waits, over the profile's cores. */
double ts_scenario_host_utilisation (const TsScenario *scn, TsTaskClass cls);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsScenario, ts_scenario_free)

/* ---- arrivals ---- */

/* The arrival kinds' names, as scenario files write them, by TsArrivalKind; NULL-terminated. */
extern const char *const ts_arrival_names[];

/* The arrival kind's name, as scenario files write it. */
const char *ts_arrival_name (TsArrivalKind kind);

/* Mean releases per second of a periodic or Poisson arrival; 0 for a trace or a closed loop. */
double ts_arrival_rate (const TsArrival *a);

/* Mean time between releases in ns: a periodic arrival's period, a Poisson one's 1/rate;
 * `otherwise` for a trace or a closed loop (the schedulers use the relative deadline). */
double ts_arrival_mean_gap_ns (const TsArrival *a, double otherwise);

/* How far apart two releases' jitter can move them, in ns: twice a periodic arrival's jitter,
 * 0 for the others (release jitter in response-time analysis). */
double ts_arrival_jitter_span_ns (const TsArrival *a);

G_END_DECLS
