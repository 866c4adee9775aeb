#include "config.h"

#include <string.h>

#include "sim/load/datadir.h"
#include "sim/base.h"
#include "sim/out/provenance.h"
#include "sim/io.h"

char *
ts_provenance_text (const char *s)
{
  const char *end;
  if (g_utf8_validate (s, -1, &end))
    return g_strdup (s);
  GString *t = g_string_new (NULL);
  for (;;)
    {
      g_string_append_len (t, s, end - s);
      if (*end == '\0')
        break;
      g_string_append_printf (t, "\\x%02X", (guchar) *end);
      s = end + 1;
      g_utf8_validate (s, -1, &end);
    }
  return g_string_free (t, FALSE);
}

GHashTable *
ts_provenance_inputs_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static gboolean
is_builtin (const char *path)
{
  return g_str_has_prefix (path, TS_BUILTIN_PREFIX "/");
}

gboolean
ts_provenance_read (const char *path, char **text, gsize *len, GError **error)
{
  if (!is_builtin (path))
    return ts_input_read (path, text, len, error);
  /* the label names the same file of the data directory's layout among the resources */
  g_autofree char *res = g_strconcat ("/org/tiersim/", path + strlen (TS_BUILTIN_PREFIX "/"), NULL);
  g_autoptr (GBytes) b = g_resources_lookup_data (res, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (b == NULL)
    return FALSE;
  gsize n = g_bytes_get_size (b);
  if (text != NULL)
    *text = g_strndup (g_bytes_get_data (b, NULL), n);
  if (len != NULL)
    *len = n;
  return TRUE;
}

/* Adds path (a key already) and, recursively, what it @includes relative to dir. */
static gboolean
add_file (GHashTable *inputs, const char *key, const char *dir, GError **error)
{
  if (g_hash_table_contains (inputs, key))
    return TRUE;  /* also ends @include cycles (the loader has refused those already) */
  g_autofree char *text = NULL;
  gsize len;
  if (!ts_provenance_read (key, &text, &len, error))
    return FALSE;
  g_hash_table_insert (inputs, g_strdup (key),
                       g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, len));
  if (is_builtin (key))
    return TRUE;  /* built-in files include nothing */
  /* the loader's own rule for @include lines */
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint ln = 0; lines[ln] != NULL; ln++)
    {
      g_autofree char *inc = ts_include_target (lines[ln], dir, NULL);
      if (inc == NULL)
        continue;
      g_autofree char *inc_key = ts_data_key (inc);
      if (!add_file (inputs, inc_key, dir, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
ts_provenance_add_file (GHashTable *inputs, const char *path, GError **error)
{
  g_autofree char *key = ts_data_key (path);
  g_autofree char *dir = g_path_get_dirname (key);
  return add_file (inputs, key, dir, error);
}

gboolean
ts_provenance_add_scenario (GHashTable *inputs, const TsScenario *scn, GError **error)
{
  if (scn->path != NULL && !ts_provenance_add_file (inputs, scn->path, error))
    return FALSE;
  for (guint m = 0; scn->models != NULL && m < scn->models->len; m++)
    {
      const TsModel *model = scn->models->pdata[m];
      if (model->path != NULL && !ts_provenance_add_file (inputs, model->path, error))
        return FALSE;
    }
  if (scn->profile != NULL && scn->profile->path != NULL && !ts_provenance_add_file (inputs, scn->profile->path, error))
    return FALSE;
  return TRUE;
}

static gint
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

JsonNode *
ts_provenance_inputs_to_json (GHashTable *inputs)
{
  guint n;
  g_autofree gpointer *keys = g_hash_table_get_keys_as_array (inputs, &n);
  qsort (keys, n, sizeof *keys, cmp_str);
  JsonObject *o = json_object_new ();
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *k = ts_provenance_text (keys[i]);
      json_object_set_string_member (o, k, g_hash_table_lookup (inputs, keys[i]));
    }
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, o);
  return node;
}

GHashTable *
ts_provenance_inputs_from_json (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  JsonObject *o = json_node_get_object (node);
  g_autoptr (GHashTable) t = ts_provenance_inputs_new ();
  JsonObjectIter it;
  const char *k;
  JsonNode *v;
  json_object_iter_init (&it, o);
  while (json_object_iter_next (&it, &k, &v))
    {
      if (!JSON_NODE_HOLDS_VALUE (v) || json_node_get_value_type (v) != G_TYPE_STRING)
        return NULL;
      g_hash_table_insert (t, g_strdup (k), g_strdup (json_node_get_string (v)));
    }
  return g_steal_pointer (&t);
}

/* Whether some file of t has this hash. */
static gboolean
has_hash (GHashTable *t, const char *hash)
{
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, t);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (strcmp (v, hash) == 0)
      return TRUE;
  return FALSE;
}

/* Appends to s an item per file of a whose contents b does not have. */
static void
diff_side (GString *s, GHashTable *a, GHashTable *b, const char *gone)
{
  guint n;
  g_autofree gpointer *keys = g_hash_table_get_keys_as_array (a, &n);
  qsort (keys, n, sizeof *keys, cmp_str);
  for (guint i = 0; i < n; i++)
    {
      const char *ha = g_hash_table_lookup (a, keys[i]), *hb = g_hash_table_lookup (b, keys[i]);
      if (hb != NULL && strcmp (ha, hb) == 0)
        continue;
      if (hb != NULL)
        {
          if (gone != NULL)  /* a path in both: reported once, from the "before" side */
            g_string_append_printf (s, "%s%s changed (SHA-256 %.12s... then, %.12s... now)", s->len ? "; " : "",
                                    (char *) keys[i], ha, hb);
          continue;
        }
      if (!has_hash (b, ha))
        g_string_append_printf (s, "%s%s %s", s->len ? "; " : "", (char *) keys[i], gone ? gone : "is new");
    }
}

/* t with its paths as ts_provenance_text writes them. */
static GHashTable *
as_text (GHashTable *t)
{
  GHashTable *c = ts_provenance_inputs_new ();
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, t);
  while (g_hash_table_iter_next (&it, &k, &v))
    g_hash_table_insert (c, ts_provenance_text (k), g_strdup (v));
  return c;
}

char *
ts_provenance_diff (GHashTable *before, GHashTable *now)
{
  g_autoptr (GHashTable) b = as_text (before), n = as_text (now);
  GString *s = g_string_new (NULL);
  diff_side (s, b, n, "is no longer read (or changed)");
  diff_side (s, n, b, NULL);
  if (s->len == 0)
    {
      g_string_free (s, TRUE);
      return NULL;
    }
  return g_string_free (s, FALSE);
}

char *
ts_provenance_json_text (JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, node);
  g_autofree char *text = json_generator_to_data (gen, NULL);
  return g_strconcat (text, "\n", NULL);
}

/* Adds a string member holding ts_provenance_text (text). */
static void
add_text (JsonBuilder *b, const char *member, const char *text)
{
  g_autofree char *t = ts_provenance_text (text);
  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, t);
}

gboolean
ts_provenance_write_run (const char *dir, char *const *argv, const TsScenario *scn, GHashTable *inputs,
                         GError **error)
{
  return ts_provenance_write_run_with (dir, argv, scn, inputs, NULL, error);
}

gboolean
ts_provenance_write_run_with (const char *dir, char *const *argv, const TsScenario *scn, GHashTable *inputs,
                              JsonObject *extra, GError **error)
{
  g_autoptr (GHashTable) own = NULL;
  if (inputs == NULL)
    {
      own = ts_provenance_inputs_new ();
      if (!ts_provenance_add_scenario (own, scn, error))
        return FALSE;
      inputs = own;
    }
  g_autofree char *scn_key = scn->path ? ts_data_key (scn->path) : NULL;
  const char *scn_hash = scn_key ? g_hash_table_lookup (inputs, scn_key) : NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "tiersim");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_set_member_name (b, "command");
  if (argv != NULL)
    {
      json_builder_begin_array (b);
      for (guint i = 0; argv[i]; i++)
        {
          g_autofree char *a = ts_provenance_text (argv[i]);
          json_builder_add_string_value (b, a);
        }
      json_builder_end_array (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "seed");
  json_builder_add_int_value (b, (gint64) scn->seed);
  json_builder_set_member_name (b, "duration_s");
  json_builder_add_double_value (b, (double) scn->duration / TS_NS_PER_S);
  add_text (b, "scenario", scn_key ? scn_key : "");
  json_builder_set_member_name (b, "scenario_name");
  json_builder_add_string_value (b, scn->name ? scn->name : "");
  json_builder_set_member_name (b, "scenario_sha256");
  json_builder_add_string_value (b, scn_hash ? scn_hash : "");
  {
    g_autofree char *pk = scn->profile && scn->profile->path ? ts_data_key (scn->profile->path) : g_strdup ("");
    add_text (b, "profile", pk);
  }
  json_builder_set_member_name (b, "models");
  json_builder_begin_array (b);
  for (guint m = 0; scn->models != NULL && m < scn->models->len; m++)
    {
      const TsModel *model = scn->models->pdata[m];
      g_autofree char *mk = model->path ? ts_data_key (model->path) : g_strdup (model->name);
      g_autofree char *mt = ts_provenance_text (mk);
      json_builder_add_string_value (b, mt);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "policies");
  json_builder_begin_array (b);
  for (guint p = 0; scn->policies && scn->policies[p]; p++)
    json_builder_add_string_value (b, scn->policies[p]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "inputs");
  json_builder_add_value (b, ts_provenance_inputs_to_json (inputs));
  if (extra != NULL)
    {
      JsonObjectIter it;
      const char *k;
      JsonNode *v;
      json_object_iter_init_ordered (&it, extra);
      while (json_object_iter_next_ordered (&it, &k, &v))
        {
          json_builder_set_member_name (b, k);
          json_builder_add_value (b, json_node_copy (v));
        }
    }
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = ts_provenance_json_text (root);
  g_autofree char *file = g_build_filename (dir, "run.json", NULL);
  if (!ts_output_write (file, text, strlen (text), error))
    return FALSE;
  if (scn->path == NULL)
    return TRUE;
  g_autofree char *copy = NULL;
  gsize len;
  g_autofree char *cfg = g_build_filename (dir, "scenario.cfg", NULL);
  return ts_provenance_read (scn->path, &copy, &len, error) && ts_output_write (cfg, copy, len, error);
}
