/* tiersim — the loaders: scenario, model and profile files (libconfig) into the core's types
 * (sweep files: sweep-file.h).
 *
 * libconfig stops in this layer (sim/load/): the simulator core sees only TsScenario, TsModel and
 * TsProfile.  Names are found as datadir.h says; every problem is reported as "file:line:
 * message", with the nearest valid key for a typo (cfg.h). */
#pragma once

#include "sim/scenario.h"

G_BEGIN_DECLS

/* ---- scenarios */

/* Loads and validates a scenario from a path, a shipped scenario's name, or (name == NULL) the
 * embedded default.  Every problem is reported as "file:line: message", one per line. */
TsScenario *ts_scenario_load (const char *name, GError **error);

/* The same with overrides (NULL-path terminated, see TsOverride): paths starting with
 * "profile." apply to the profile file (without that prefix), the others to the scenario file. */
TsScenario *ts_scenario_load_with (const char *name, const TsOverride *overrides, GError **error);

/* Checks that the scenario releases at most TS_MAX_RELEASES requests and TS_MAX_WORK_NS of solo
 * GPU work in its duration (expected counts for Poisson tasks; closed loops at most one request
 * per solo time).  Loading checks it; call it
 * again after changing the duration. */
gboolean ts_scenario_check_size (const TsScenario *scn, GError **error);

/* Version of the libconfig the loaders were built with ("1.5.0"). */
const char *ts_loader_libconfig_version (void);

/* ---- models */

/* Loads a model by name or path (see sim/load/datadir.h), relative to ref_dir. */
TsModel *ts_model_load (const char *name, const char *ref_dir, GError **error);

/* Checks that every kernel of m fits on an SM of p; errors name the kernel's file:line. */
gboolean ts_model_check_fits (const TsModel *m, const TsProfile *p, GError **error);

/* ---- profiles */

/* Loads a profile by name or path (see sim/load/datadir.h), relative to ref_dir. */
TsProfile *ts_profile_load (const char *name, const char *ref_dir, GError **error);

/* The same with overrides applied to the file before it is read (see TsOverride). */
TsProfile *ts_profile_load_with (const char *name, const char *ref_dir, const TsOverride *overrides,
                                 GError **error);

/* The profile as libconfig text that ts_profile_load reads back to the same values (times are
 * written in microseconds with three decimals, i.e. exact to the nanosecond). */
char *ts_profile_to_text (const TsProfile *profile);

/* Writes ts_profile_to_text() to path atomically: a reader sees the old file or the whole new one. */
gboolean ts_profile_write (const TsProfile *profile, const char *path, GError **error);

G_END_DECLS
