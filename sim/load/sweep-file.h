/* tiersim — a sweep file: a base scenario, axes over any scenario or profile key, replicas.
 *
 * A sweep file:
 *   scenario = "disb-d";                 # a path (relative to the sweep file) or a shipped name
 *   axes = (
 *     { name = "rt_period_ms"; key = "tasks.*.arrival.period_ms"; values = [ 200.0, 100.0 ]; },
 *     { name = "policy"; key = "policies"; values = ( [ "reef" ], [ "reset" ] ); }
 *   );
 *   combine = "product";                 # or "zip": the i-th value of every axis together
 *   replicas = 3;                        # replica r runs with the scenario's seed + r
 *   fixed = ( { key = "duration"; value = 10.0; } );   # set for every point (and search run)
 *   labels = ...;                        # (per axis, optional) what points.csv shows instead
 *   search = {                           # only for 'tiersim sweep --search' (then no axes)
 *     name = "rt_rate"; key = "tasks.*.arrival.rate";
 *     low = 5.0; high = 40.0; tolerance = 0.5;
 *     direction = "largest";             # or "smallest"
 *     condition = "p99";                 # every RT task's p99 <= its deadline; or "dmr" with
 *     max_dmr = 0.01;                    #   every RT task's deadline miss rate <= max_dmr
 *   }; */
#pragma once

#include "sim/base.h"

G_BEGIN_DECLS

typedef struct {
  char *name;          /* column of points.csv */
  char *key;           /* override path (see TsOverride) */
  GPtrArray *values;   /* char*: libconfig literals */
  GPtrArray *labels;   /* char*: what points.csv shows for each value */
  int line;
  char *where;         /* "file:line" of its definition, for messages about its values */
  char *file;          /* the file that defines it (the sweep file or one it @includes), absolute */
} TsAxis;

typedef struct {
  char *path;          /* the sweep file */
  char *hash;          /* SHA-256 of its contents */
  GHashTable *inputs;  /* set by ts_sweep_load: every file a point reads, the sweep file included: path -> SHA-256
                        * (see sim/out/provenance.h); manifest.json records it */
  char *scenario;      /* the base scenario, resolved */
  GPtrArray *axes;     /* TsAxis* */
  GPtrArray *fixed;    /* TsAxis* with one value: set for every point and search run */
  gboolean zip;
  guint replicas;
  guint n_points;     /* set by ts_sweep_load, with seeds */
  guint64 *seeds;      /* per point, as it runs */
  struct {
    gboolean present;
    char *name, *key;
    double low, high, tolerance, max_dmr;
    gboolean smallest;   /* find the smallest value for which the condition holds */
    gboolean dmr;        /* condition: DMR <= max_dmr (else p99 <= deadline) */
    int line;
  } search;
} TsSweep;

/* Reads and checks a sweep file: its keys, axes, fixed settings and search, each error as
 * "file:line: message"; reserved: names (comma-separated) no axis may take, the columns points.csv
 * has of its own.  Its points are counted and validated by ts_sweep_load (sim/sweep/). */
TsSweep *ts_sweep_file_read (const char *path, const char *reserved, GError **error);

void ts_sweep_free (TsSweep *sweep);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsSweep, ts_sweep_free)

G_END_DECLS
