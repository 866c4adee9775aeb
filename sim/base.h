/* tiersim — the base every module shares: the time base, the error domain, overrides, typo hints. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Simulated (or real) time in integer nanoseconds. */
typedef gint64 TsTime;

#define TS_NS_PER_US G_GINT64_CONSTANT (1000)
#define TS_NS_PER_MS G_GINT64_CONSTANT (1000000)
#define TS_NS_PER_S  G_GINT64_CONSTANT (1000000000)
#define TS_TIME_NEVER G_MAXINT64

#define TS_ERROR (ts_error_quark ())

/* Codes of the TS_ERROR domain.  The command maps INPUT and USAGE to exit 2, RUN to exit 1. */
typedef enum {
  TS_ERROR_INPUT,  /* a scenario, model or profile file is malformed or inconsistent */
  TS_ERROR_NOT_FOUND, /* a named scenario, model or profile does not exist */
  TS_ERROR_USAGE,  /* bad command-line usage */
  TS_ERROR_IO,     /* an output file could not be written */
  TS_ERROR_RUN,    /* a run failed after its input was accepted */
} TsErrorCode;

GQuark ts_error_quark (void);

/* A change to a configuration file made before it is read (sweeps use them):
 *   path   dot-separated keys from the file's root; a list element is "[i]", or the name of the
 *          element whose `name` is that name, or "*" for every element that has the rest of the
 *          path (then the last key must already exist there);
 *   value  a libconfig literal: 40, 2.5, "streams", [ "a", "b" ], true;
 *   label  where the override comes from, for messages ("sweep.cfg:7"). */
typedef struct {
  const char *path;
  const char *value;
  const char *label;
} TsOverride;

/* Converts milliseconds (as written in files) to integer nanoseconds, rounding to nearest. */
TsTime ts_time_from_ms (double ms);

/* Levenshtein distance between two strings. */
guint ts_edit_distance (const char *a, const char *b);

/* The candidate (NULL-terminated list) closest to name, if close enough to be a likely typo
 * (distance <= max(2, length/3), or name is a prefix of at least 3 characters);
 * otherwise NULL.  For "did you mean" hints. */
const char *ts_nearest_name (const char *name, const char *const *candidates);

/* Converts nanoseconds to milliseconds for reports. */
static inline double
ts_time_to_ms (TsTime t)
{
  return (double) t / (double) TS_NS_PER_MS;
}

G_END_DECLS
