/* tiersim — parameter sweeps: the points of a sweep file (sim/load/sweep-file.h), running them
 * (resumable, shardable), points.csv, merging shards, and the capacity search.
 *
 * Points are numbered in row-major order of the axes (the last axis fastest), replicas
 * innermost.  A point's result depends only on the sweep file and its number. */
#pragma once

#include "sim/load/sweep-file.h"
#include "sim/runner.h"

G_BEGIN_DECLS


/* Bisection steps of a capacity search at most: a double's interval halves at most about 1100
 * times before it stops shrinking, and the search stops sooner when it does. */
#define TS_SWEEP_MAX_SEARCH_STEPS 2000u

/* The most points one sweep file may have: every point is validated at load, and points.csv and
 * the manifest hold them all. */
#define TS_SWEEP_MAX_POINTS 1000000u

/* Loads a sweep file (ts_sweep_file_read), counts its points and records its inputs; every
 * point's scenario is loaded once to validate it, so that a bad value is reported (with the axis's
 * file:line) before anything runs. */
TsSweep *ts_sweep_load (const char *path, GError **error);

/* The overrides of point i (NULL-path terminated, owned by the caller: free with g_free on the
 * array; the strings belong to the sweep) and its replica. */
TsOverride *ts_sweep_point_overrides (const TsSweep *sweep, guint i, guint *replica);

/* The sweep's fixed settings as overrides, then room for `extra` more (zeroed), then the
 * terminating entry; g_free it. */
TsOverride *ts_sweep_fixed_overrides (const TsSweep *sweep, guint extra);

/* The scenario of point i, loaded with its overrides and replica seed. */
TsScenario *ts_sweep_point_scenario (const TsSweep *sweep, guint i, GError **error);

/* Column headers of points.csv before the summary columns: "point,<axis names>,replica,seed". */
char *ts_sweep_points_header (const TsSweep *sweep);

/* The values of those columns for point i (seed as run). */
char *ts_sweep_points_prefix (const TsSweep *sweep, guint i, guint64 seed);

typedef struct {
  guint jobs;              /* worker threads, >= 1 */
  guint shard, n_shards;   /* run points with i % n_shards == shard */
  gboolean resume;         /* skip points already done */
  gboolean progress_bar;   /* a bar on a terminal; else a line per point */
  char *const *argv;       /* the command line, for each point's run.json (NULL: not recorded) */
} TsSweepOptions;

/* Runs the sweep's points into dir (dir/points/<number>/ each, written atomically: a point's
 * folder appears whole or not at all), then, if every point is done, writes dir/points.csv.
 * A point's folder holds its summary.csv, jobs.csv, preemptions.csv, point.txt (its row of
 * points.csv's leading columns), scenario.cfg (a copy of the base scenario) and run.json: what
 * a run's run.json holds (the point's seed and inputs), plus the sweep file and its SHA-256,
 * the point's number and replica, its overrides (key, value, where set) and "rerun", a
 * `tiersim run` command line that makes the same results.  A point whose inputs no longer hash
 * as the manifest records (a file edited while the sweep ran) fails, naming the file.
 * Writes dir/manifest.json (JSON, through json-glib: the sweep file and its SHA-256, the points,
 * their seeds and the SHA-256 of every input) first; refuses a dir holding another sweep's
 * results, results made from inputs that have changed since (naming each file that changed),
 * or any results without resume.  *done and *total receive the points done and in this shard. */
gboolean ts_sweep_run (const TsSweep *sweep, const char *dir, const TsSweepOptions *opt,
                       guint *done, guint *total, GError **error);

/* Writes dir/points.csv from the point folders 0..n_points-1, in point order; fails naming the
 * first point missing. */
gboolean ts_sweep_write_points_csv (const char *dir, guint n_points, GError **error);

/* Copies into out the points found in each of dirs (results of one sweep's shards, checked by
 * their manifests: the same sweep file, point count and inputs, else an error naming what
 * differs; out's own manifest, if it has one, too), then writes out/points.csv.  Every regular
 * file of a point's folder is copied, whatever its size; anything else there is an error.
 * Holds out's lock (as a sweep does) while it writes. */
gboolean ts_sweep_merge (const char *out, char **dirs, GError **error);

/* The capacity search of a sweep file's search group: per policy of the base scenario, the
 * largest (or smallest) value of its key for which the condition holds, by bracketing (the
 * bracket is widened, up to 8 doublings or halvings, if it does not straddle the change) then
 * bisection to the tolerance (or until the interval stops shrinking, at most
 * TS_SWEEP_MAX_SEARCH_STEPS steps).  The policies are the base scenario's after the sweep's fixed
 * settings; they are searched in parallel (jobs threads).  The condition is judged over the RT
 * tasks that released jobs at that value (a task without jobs can neither hold nor fail it); a
 * base scenario without RT tasks is an error.  With
 * progress, a line on stderr counts runs and policies done.  Writes dir/search.csv and prints a
 * row per policy ("-" where a value is undefined). */
gboolean ts_sweep_search (const TsSweep *sweep, const char *dir, guint jobs, gboolean progress, GError **error);


G_END_DECLS
