#include "config.h"

#include <errno.h>
#include <string.h>

#include "sim/load/cfg.h"
#include "sim/load/load.h"
#include "sim/load/datadir.h"
#include "sim/scenario.h"
#include "sim/io.h"

void
ts_diag_init (TsDiag *diag)
{
  diag->messages = g_ptr_array_new_with_free_func (g_free);
}

void
ts_diag_clear (TsDiag *diag)
{
  g_clear_pointer (&diag->messages, g_ptr_array_unref);
}

void
ts_diag_add (TsDiag *diag, const char *file, int line, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *text = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (line > 0)
    g_ptr_array_add (diag->messages, g_strdup_printf ("%s:%d: %s", file, line, text));
  else
    g_ptr_array_add (diag->messages, g_strdup_printf ("%s: %s", file, text));
}

void
ts_diag_add_error (TsDiag *diag, const GError *error)
{
  g_auto (GStrv) lines = g_strsplit (error->message, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    g_ptr_array_add (diag->messages, g_strdup (lines[i]));
}

gboolean
ts_diag_to_error (const TsDiag *diag, GError **error)
{
  if (diag->messages->len == 0)
    return TRUE;
  g_autoptr (GString) all = g_string_new (NULL);
  for (guint i = 0; i < diag->messages->len; i++)
    g_string_append_printf (all, "%s%s", i ? "\n" : "", (char *) diag->messages->pdata[i]);
  g_set_error_literal (error, TS_ERROR, TS_ERROR_INPUT, all->str);
  return FALSE;
}

/* The path of `to` relative to folder `from` (both made absolute and canonical, without
 * resolving links). */
static char *
relative_path (const char *from, const char *to)
{
  g_autofree char *a = g_canonicalize_filename (from, NULL), *b = g_canonicalize_filename (to, NULL);
  g_auto (GStrv) fa = g_strsplit (a, G_DIR_SEPARATOR_S, -1), fb = g_strsplit (b, G_DIR_SEPARATOR_S, -1);
  guint common = 0;
  while (fa[common] != NULL && fb[common] != NULL && strcmp (fa[common], fb[common]) == 0)
    common++;
  g_autoptr (GString) rel = g_string_new (NULL);
  for (guint i = common; fa[i] != NULL; i++)
    if (*fa[i] != '\0')
      g_string_append (rel, "../");
  for (guint i = common; fb[i] != NULL; i++)
    g_string_append_printf (rel, "%s%s", fb[i], fb[i + 1] != NULL ? "/" : "");
  return g_string_free (g_steal_pointer (&rel), FALSE);
}

/* ---- include pre-scan: libconfig 1.5 reports a cycle as "duplicate setting name" and a missing
 * include without its name, so both are found here first. */

static gboolean
scan_includes (const char *path, GBytes *contents, const char *dir, GPtrArray *stack, TsDiag *diag)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  if (contents != NULL)
    text = g_strndup (g_bytes_get_data (contents, NULL), g_bytes_get_size (contents));
  else if (!ts_input_read (path, &text, NULL, &error))
    {
      if (error->code == TS_ERROR_NOT_FOUND)
        return TRUE;  /* reported by the caller or the parser with its own location */
      ts_diag_add_error (diag, error);  /* not a regular file, too large: never parsed */
      return FALSE;
    }

  g_ptr_array_add (stack, (gpointer) path);
  gboolean ok = TRUE;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (int ln = 0; lines[ln] != NULL && ok; ln++)
    {
      g_autofree char *name = NULL;
      g_autofree char *inc = ts_include_target (lines[ln], dir, &name);
      if (inc == NULL)
        continue;  /* not an @include, or a malformed one that the parser reports */
      if (g_path_is_absolute (name))
        {
          /* libconfig 1.5 prefixes every @include with the top file's folder, absolute ones too */
          g_autofree char *rel = relative_path (dir, name);
          ts_diag_add (diag, path, ln + 1, "@include \"%s\": an absolute path cannot be included (libconfig "
                       "resolves every @include from the top file's folder); write it as \"%s\"", name, rel);
          ok = FALSE;
          break;
        }
      g_autoptr (GError) bad = NULL;
      if (contents != NULL || (!ts_input_read (inc, NULL, NULL, &bad) && bad->code == TS_ERROR_NOT_FOUND))
        {
          ts_diag_add (diag, path, ln + 1, "cannot open include file '%s'", name);
          ok = FALSE;
          break;
        }
      if (bad != NULL)
        {
          ts_diag_add (diag, path, ln + 1, "@include \"%s\": %s", name, bad->message);
          ok = FALSE;
          break;
        }
      for (guint i = 0; i < stack->len; i++)
        if (g_strcmp0 (stack->pdata[i], inc) == 0)
          {
            g_autoptr (GString) chain = g_string_new (NULL);
            for (guint j = i; j < stack->len; j++)
              g_string_append_printf (chain, "%s -> ", (char *) stack->pdata[j]);
            g_string_append (chain, inc);
            ts_diag_add (diag, path, ln + 1, "@include cycle: %s", chain->str);
            ok = FALSE;
            break;
          }
      if (ok)
        ok = scan_includes (inc, NULL, dir, stack, diag);
    }
  g_ptr_array_remove_index (stack, stack->len - 1);
  return ok;
}

static gboolean
cfg_open (TsCfgFile *file, const char *path, GBytes *contents, TsDiag *diag)
{
  memset (file, 0, sizeof *file);
  config_init (&file->cfg);
  file->label = g_strdup (path);
  file->builtin = contents != NULL;
  file->dir = g_path_get_dirname (path);
  file->diag = diag;
  /* libconfig 1.5 resolves every @include relative to one directory: the top file's. */
  config_set_include_dir (&file->cfg, file->dir);

  g_autoptr (GPtrArray) stack = g_ptr_array_new ();
  if (!scan_includes (path, contents, file->dir, stack, diag))
    return FALSE;

  int ok;
  if (contents != NULL)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (contents, NULL), g_bytes_get_size (contents));
      ok = config_read_string (&file->cfg, text);
    }
  else
    {
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          ts_diag_add (diag, path, 0, "no such file");
          return FALSE;
        }
      ok = config_read_file (&file->cfg, path);
    }
  if (!ok)
    {
      const char *efile = config_error_file (&file->cfg);
      if (config_error_type (&file->cfg) == CONFIG_ERR_FILE_IO)
        ts_diag_add (diag, path, 0, "cannot read: %s", g_strerror (errno));
      else
        ts_diag_add (diag, efile ? efile : path, config_error_line (&file->cfg), "%s",
                     config_error_text (&file->cfg));
      return FALSE;
    }
  return TRUE;
}

static void
cfg_close (TsCfgFile *file)
{
  config_destroy (&file->cfg);
  g_clear_pointer (&file->label, g_free);
  g_clear_pointer (&file->dir, g_free);
}

/* ---- overrides ---- */

/* Copies src's value (and, for aggregates, its members) into dst, a setting of src's type (NULL
 * when libconfig refused to create it).  FALSE if some setting could not be created. */
static gboolean
copy_value (config_setting_t *dst, const config_setting_t *src)
{
  if (dst == NULL)
    return FALSE;
  switch (config_setting_type (src))
    {
    case CONFIG_TYPE_INT: config_setting_set_int (dst, config_setting_get_int (src)); break;
    case CONFIG_TYPE_INT64: config_setting_set_int64 (dst, config_setting_get_int64 (src)); break;
    case CONFIG_TYPE_FLOAT: config_setting_set_float (dst, config_setting_get_float (src)); break;
    case CONFIG_TYPE_STRING: config_setting_set_string (dst, config_setting_get_string (src)); break;
    case CONFIG_TYPE_BOOL: config_setting_set_bool (dst, config_setting_get_bool (src)); break;
    default:
      for (int i = 0; i < config_setting_length (src); i++)
        {
          const config_setting_t *e = config_setting_get_elem (src, i);
          if (!copy_value (config_setting_add (dst, config_setting_name (e), config_setting_type (e)), e))
            return FALSE;
        }
    }
  return TRUE;
}

/* A name libconfig accepts for a setting: a letter or '*', then letters, digits, '*', '_' or
 * '-' (ASCII only).  config_setting_add returns NULL for any other. */
static gboolean
valid_setting_name (const char *name)
{
  if (!g_ascii_isalpha (name[0]) && name[0] != '*')
    return FALSE;
  for (const char *p = name + 1; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("*_-", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* The element of aggregate `at` that path segment seg names, or NULL. */
static config_setting_t *
segment_child (config_setting_t *at, const char *seg)
{
  if (seg[0] == '[')
    return config_setting_get_elem (at, (unsigned) g_ascii_strtoull (seg + 1, NULL, 10));
  if (config_setting_type (at) == CONFIG_TYPE_GROUP)
    return config_setting_get_member (at, seg);
  for (int i = 0; i < config_setting_length (at); i++)
    {
      config_setting_t *e = config_setting_get_elem (at, i);
      const config_setting_t *n = config_setting_type (e) == CONFIG_TYPE_GROUP ? config_setting_get_member (e, "name") : NULL;
      if (n != NULL && config_setting_type (n) == CONFIG_TYPE_STRING && strcmp (config_setting_get_string (n), seg) == 0)
        return e;
    }
  return NULL;
}

/* Sets segs[0..n) below `at` to value; under a wildcard, places lacking the path are skipped.
 * Returns how many settings were set, or -1 after recording an error. */
static int
set_at (config_setting_t *at, char **segs, guint n, const config_setting_t *value, gboolean wild,
        const TsOverride *ov, TsDiag *diag)
{
  if (!config_setting_is_aggregate (at))
    {
      if (wild)
        return 0;
      ts_diag_add (diag, ov->label, 0, "%s: '%s' is not a group or list", ov->path, segs[-1]);
      return -1;
    }
  if (n == 1)
    {
      if (config_setting_type (at) != CONFIG_TYPE_GROUP)
        {
          ts_diag_add (diag, ov->label, 0, "%s: the last key must name a setting of a group", ov->path);
          return -1;
        }
      if (!valid_setting_name (segs[0]))
        {
          ts_diag_add (diag, ov->label, 0, "%s: '%s' is not a valid setting name (a letter, then letters, "
                       "digits, '-' or '_')", ov->path, segs[0]);
          return -1;
        }
      if (config_setting_get_member (at, segs[0]) == NULL && wild)
        return 0;
      config_setting_remove (at, segs[0]);
      if (!copy_value (config_setting_add (at, segs[0], config_setting_type (value)), value))
        {
          ts_diag_add (diag, ov->label, 0, "%s: cannot set it to '%s'", ov->path, ov->value);
          return -1;
        }
      return 1;
    }
  if (strcmp (segs[0], "*") == 0)
    {
      int total = 0;
      for (int i = 0; i < config_setting_length (at); i++)
        {
          int r = set_at (config_setting_get_elem (at, i), segs + 1, n - 1, value, TRUE, ov, diag);
          if (r < 0)
            return -1;
          total += r;
        }
      return total;
    }
  config_setting_t *child = segment_child (at, segs[0]);
  if (child == NULL)
    {
      if (wild)
        return 0;
      ts_diag_add (diag, ov->label, 0, "%s: no setting '%s' there", ov->path, segs[0]);
      return -1;
    }
  return set_at (child, segs + 1, n - 1, value, wild, ov, diag);
}

static void
apply_override (TsCfgFile *f, const TsOverride *ov)
{
  config_t tmp;
  config_init (&tmp);
  g_autofree char *text = g_strdup_printf ("v = %s;", ov->value);
  g_auto (GStrv) segs = g_strsplit (ov->path, ".", -1);
  /* "3; duration=9" parses as two settings: the second would be dropped without a word */
  if (!config_read_string (&tmp, text) || config_setting_length (config_root_setting (&tmp)) != 1)
    ts_diag_add (f->diag, ov->label, 0, "%s: '%s' is not a libconfig value (one value per --set; "
                 "give another --set for each key)", ov->path, ov->value);
  else if (segs[0] == NULL || *segs[0] == '\0')
    ts_diag_add (f->diag, ov->label, 0, "an override needs a key");
  else if (set_at (config_root_setting (&f->cfg), segs, g_strv_length (segs),
                   config_lookup (&tmp, "v"), FALSE, ov, f->diag) == 0)
    ts_diag_add (f->diag, ov->label, 0, "%s: matches no setting", ov->path);
  config_destroy (&tmp);
}

gboolean
ts_cfg_parse (const char *path, GBytes *contents, const TsOverride *overrides,
              TsCfgParseFn parse, gpointer target, GError **error)
{
  TsDiag diag;
  ts_diag_init (&diag);
  TsCfgFile f;
  gboolean opened = cfg_open (&f, path, contents, &diag);
  for (const TsOverride *ov = overrides; opened && ov != NULL && ov->path != NULL; ov++)
    apply_override (&f, ov);
  if (opened && diag.messages->len == 0)
    parse (&f, target);
  cfg_close (&f);
  gboolean ok = ts_diag_to_error (&diag, error);
  ts_diag_clear (&diag);
  return ok;
}

/* "tasks[1].arrival.period_ms" for messages. */
static char *
setting_path (const config_setting_t *s)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  for (; s != NULL && config_setting_parent (s) != NULL; s = config_setting_parent (s))
    {
      const char *name = config_setting_name (s);
      g_ptr_array_add (parts, name ? g_strdup (name)
                                   : g_strdup_printf ("[%d]", config_setting_index (s)));
    }
  g_autoptr (GString) out = g_string_new (NULL);
  for (guint i = parts->len; i-- > 0;)
    {
      const char *p = parts->pdata[i];
      if (out->len > 0 && p[0] != '[')
        g_string_append_c (out, '.');
      g_string_append (out, p);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Records an error at the line of `at`, naming the setting `named` (often the same). */
static void
cfg_error_va (TsCfgFile *file, const config_setting_t *at, const config_setting_t *named,
              const char *fmt, va_list ap)
{
  g_autofree char *text = g_strdup_vprintf (fmt, ap);
  const char *src = at ? config_setting_source_file (at) : NULL;
  int line = at ? config_setting_source_line (at) : 0;
  g_autofree char *path = named ? setting_path (named) : g_strdup ("");
  if (*path)
    ts_diag_add (file->diag, src ? src : file->label, line, "%s: %s", path, text);
  else
    ts_diag_add (file->diag, src ? src : file->label, line, "%s", text);
}

void
ts_cfg_error (TsCfgFile *file, const config_setting_t *s, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  cfg_error_va (file, s, s, fmt, ap);
  va_end (ap);
}

/* An unknown key: at its own line, named by the group it is in. */
static void
unknown_key_error (TsCfgFile *file, const config_setting_t *m, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  cfg_error_va (file, m, config_setting_parent (m), fmt, ap);
  va_end (ap);
}

gboolean
ts_cfg_check_keys (TsCfgFile *file, const config_setting_t *group, const char *const *allowed)
{
  gboolean ok = TRUE;
  int n = config_setting_length (group);
  for (int i = 0; i < n; i++)
    {
      const config_setting_t *m = config_setting_get_elem (group, i);
      const char *name = config_setting_name (m);
      if (name == NULL || g_strv_contains (allowed, name))
        continue;
      const char *best = ts_nearest_name (name, allowed);
      if (best != NULL)
        unknown_key_error (file, m, "unknown key '%s'; did you mean '%s'?", name, best);
      else
        {
          g_autofree char *list = g_strjoinv ("', '", (char **) allowed);
          unknown_key_error (file, m, "unknown key '%s'; valid keys here: '%s'", name, list);
        }
      ok = FALSE;
    }
  return ok;
}

static const char *
type_name (int type)
{
  switch (type)
    {
    case CONFIG_TYPE_GROUP: return "a group { ... }";
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64: return "an integer";
    case CONFIG_TYPE_FLOAT: return "a number";
    case CONFIG_TYPE_STRING: return "a string";
    case CONFIG_TYPE_BOOL: return "a boolean";
    case CONFIG_TYPE_ARRAY: return "an array [ ... ]";
    case CONFIG_TYPE_LIST: return "a list ( ... )";
    default: return "a value";
    }
}

/* The member, or NULL (with an error if required). */
static const config_setting_t *
member (TsCfgFile *file, const config_setting_t *group, const char *key, gboolean required)
{
  const config_setting_t *s = config_setting_get_member (group, key);
  if (s == NULL && required)
    ts_cfg_error (file, group, "missing required key '%s'", key);
  return s;
}

/* The member if present and of one of the two types (else NULL, with an error if wrong). */
static const config_setting_t *
typed_member (TsCfgFile *file, const config_setting_t *group, const char *key, gboolean required,
              int type1, int type2, const char *expected)
{
  const config_setting_t *s = member (file, group, key, required);
  if (s != NULL && config_setting_type (s) != type1 && config_setting_type (s) != type2)
    {
      ts_cfg_error (file, s, "expected %s, found %s", expected, type_name (config_setting_type (s)));
      return NULL;
    }
  return s;
}

gboolean
ts_cfg_setting_number (const config_setting_t *s, double *out)
{
  switch (config_setting_type (s))
    {
    case CONFIG_TYPE_INT: *out = config_setting_get_int (s); return TRUE;
    case CONFIG_TYPE_INT64: *out = (double) config_setting_get_int64 (s); return TRUE;
    case CONFIG_TYPE_FLOAT: *out = config_setting_get_float (s); return TRUE;
    default: return FALSE;
    }
}

gboolean
ts_cfg_string (TsCfgFile *file, const config_setting_t *group, const char *key,
               gboolean required, const char **out)
{
  const config_setting_t *s = typed_member (file, group, key, required, CONFIG_TYPE_STRING,
                                            CONFIG_TYPE_STRING, "a string");
  if (s == NULL)
    return FALSE;
  const char *v = config_setting_get_string (s);
  if (*v == '\0')
    {
      ts_cfg_error (file, s, "must not be empty");
      return FALSE;
    }
  *out = v;
  return TRUE;
}

gboolean
ts_cfg_name (TsCfgFile *file, const config_setting_t *group, const char *key,
             gboolean required, const char **out)
{
  const char *v;
  if (!ts_cfg_string (file, group, key, required, &v))
    return FALSE;
  const config_setting_t *s = config_setting_get_member (group, key);
  if (strlen (v) > TS_NAME_MAX || !g_utf8_validate (v, -1, NULL))
    {
      ts_cfg_error (file, s, "a name is valid UTF-8 of at most %d bytes", TS_NAME_MAX);
      return FALSE;
    }
  for (const char *c = v; *c; c++)
    if ((unsigned char) *c < 0x20 || *c == 0x7f)
      {
        /* A newline or an escape sequence would reach terminals and files as it is. */
        ts_cfg_error (file, s, "a name may not hold control characters (here 0x%02x)", (unsigned char) *c);
        return FALSE;
      }
  *out = v;
  return TRUE;
}

gboolean
ts_cfg_int (TsCfgFile *file, const config_setting_t *group, const char *key,
            gboolean required, gint64 min, gint64 max, gint64 *out)
{
  const config_setting_t *s = typed_member (file, group, key, required, CONFIG_TYPE_INT,
                                            CONFIG_TYPE_INT64, "an integer");
  if (s == NULL)
    return FALSE;
  gint64 v = config_setting_get_int64 (s);
  if (v < min || v > max)
    {
      ts_cfg_error (file, s, "%" G_GINT64_FORMAT " is out of range [%" G_GINT64_FORMAT
                    ", %" G_GINT64_FORMAT "]", v, min, max);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

gboolean
ts_cfg_number (TsCfgFile *file, const config_setting_t *group, const char *key,
               gboolean required, double min, double max, double *out)
{
  const config_setting_t *s = member (file, group, key, required);
  if (s == NULL)
    return FALSE;
  double v;
  if (!ts_cfg_setting_number (s, &v))
    {
      ts_cfg_error (file, s, "expected a number, found %s", type_name (config_setting_type (s)));
      return FALSE;
    }
  if (!(v >= min && v <= max))
    {
      ts_cfg_error (file, s, "%g is out of range [%g, %g]", v, min, max);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

gboolean
ts_cfg_enum (TsCfgFile *file, const config_setting_t *group, const char *key,
             gboolean required, const char *const *names, int *out)
{
  const char *v;
  if (!ts_cfg_string (file, group, key, required, &v))
    return FALSE;
  for (int i = 0; names[i]; i++)
    if (strcmp (names[i], v) == 0)
      {
        *out = i;
        return TRUE;
      }
  g_autofree char *list = g_strjoinv ("', '", (char **) names);
  ts_cfg_error (file, config_setting_get_member (group, key),
                "'%s' is not one of '%s'", v, list);
  return FALSE;
}

const config_setting_t *
ts_cfg_group (TsCfgFile *file, const config_setting_t *group, const char *key, gboolean required)
{
  return typed_member (file, group, key, required, CONFIG_TYPE_GROUP, CONFIG_TYPE_GROUP, "a group { ... }");
}

const config_setting_t *
ts_cfg_sequence (TsCfgFile *file, const config_setting_t *group, const char *key, gboolean required)
{
  return typed_member (file, group, key, required, CONFIG_TYPE_LIST, CONFIG_TYPE_ARRAY, "a list");
}

double *
ts_cfg_occupancy_curve (TsCfgFile *file, const config_setting_t *group, const char *key,
                        gboolean required, guint *n)
{
  *n = 0;
  const config_setting_t *seq = ts_cfg_sequence (file, group, key, required);
  if (seq == NULL)
    return NULL;
  int len = config_setting_length (seq);
  if (len < 1 || len > 1024)
    {
      ts_cfg_error (file, seq, "needs 1 to 1024 latencies (one per blocks-per-SM level)");
      return NULL;
    }
  double *ns = g_new (double, len);
  for (int i = 0; i < len; i++)
    {
      double us;
      const config_setting_t *e = config_setting_get_elem (seq, i);
      if (!ts_cfg_setting_number (e, &us) || !(us >= 0.001 && us <= 1e9))
        {
          ts_cfg_error (file, e, "latency at %d blocks per SM must be a number of us in [0.001, 1e9]", i + 1);
          us = 1.0;
        }
      ns[i] = us * 1000.0;
    }
  *n = len;
  return ns;
}

static void
append_literal (GString *out, const config_setting_t *s)
{
  switch (config_setting_type (s))
    {
    case CONFIG_TYPE_INT: g_string_append_printf (out, "%d", config_setting_get_int (s)); break;
    case CONFIG_TYPE_INT64: g_string_append_printf (out, "%" G_GINT64_FORMAT "L", (gint64) config_setting_get_int64 (s)); break;
    case CONFIG_TYPE_BOOL: g_string_append (out, config_setting_get_bool (s) ? "true" : "false"); break;
    case CONFIG_TYPE_FLOAT:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        g_ascii_formatd (buf, sizeof buf, "%.17g", config_setting_get_float (s));
        g_string_append (out, buf);
        if (strpbrk (buf, ".eEn") == NULL)
          g_string_append (out, ".0");  /* stay a float when read back */
        break;
      }
    case CONFIG_TYPE_STRING:
      ts_quote_cfg (out, config_setting_get_string (s));
      break;
    default:
      {
        int type = config_setting_type (s);
        g_string_append (out, type == CONFIG_TYPE_ARRAY ? "[ " : type == CONFIG_TYPE_LIST ? "( " : "{ ");
        for (int i = 0; i < config_setting_length (s); i++)
          {
            const config_setting_t *e = config_setting_get_elem (s, i);
            if (type == CONFIG_TYPE_GROUP)
              g_string_append_printf (out, "%s = ", config_setting_name (e));
            append_literal (out, e);
            g_string_append (out, type == CONFIG_TYPE_GROUP ? "; " : i + 1 < config_setting_length (s) ? ", " : " ");
          }
        g_string_append (out, type == CONFIG_TYPE_ARRAY ? "]" : type == CONFIG_TYPE_LIST ? ")" : "}");
      }
    }
}

char *
ts_cfg_setting_to_text (const config_setting_t *s)
{
  GString *out = g_string_new (NULL);
  append_literal (out, s);
  return g_string_free (out, FALSE);
}

const char *
ts_loader_libconfig_version (void)
{
  return G_STRINGIFY (LIBCONFIG_VER_MAJOR) "." G_STRINGIFY (LIBCONFIG_VER_MINOR) "." G_STRINGIFY (LIBCONFIG_VER_REVISION);
}

