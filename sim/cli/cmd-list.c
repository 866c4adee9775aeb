/* tiersim list: the shipped policies, scenarios, models and profiles. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sim/cli/cmd.h"
#include "sim/load/datadir.h"
#include "policies/registry.h"
#include "sim/scenario.h"
#include "sim/load/load.h"
#include "sim/io.h"

static void
print_wrapped (const char *text, guint indent, guint width)
{
  g_auto (GStrv) words = g_strsplit (text, " ", -1);
  guint col = indent;
  printf ("%*s", indent, "");
  for (guint i = 0; words[i]; i++)
    {
      if (!*words[i])
        continue;
      guint len = strlen (words[i]);
      if (col > indent && col + 1 + len > width)
        {
          printf ("\n%*s", indent, "");
          col = indent;
        }
      else if (col > indent)
        col += printf (" ");
      col += printf ("%s", words[i]);
    }
  printf ("\n");
}

static void
list_policies (void)
{
  const TsPolicyClass *const *all = ts_policy_all ();
  for (guint i = 0; all[i]; i++)
    {
      printf ("%-14s %s\n", all[i]->name, all[i]->summary);
      print_wrapped (all[i]->description, 4, 96);
      for (const TsPolicyParam *p = all[i]->params; p != NULL && p->name != NULL; p++)
        printf ("    parameter %s: %s (default %g, %g..%g)\n", p->name, p->description, p->def, p->min, p->max);
      if (all[i + 1])
        printf ("\n");
    }
}

/* Lists data files of a kind with their description (or their load error). */
static void
list_data (TsDataKind kind)
{
  g_auto (GStrv) names = ts_data_list (kind);
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *desc = NULL;
      if (kind == TS_DATA_SCENARIO)
        {
          g_autoptr (TsScenario) s = ts_scenario_load (names[i], &error);
          desc = s ? g_strdup (s->description) : NULL;
        }
      else if (kind == TS_DATA_MODEL)
        {
          g_autoptr (TsModel) m = ts_model_load (names[i], NULL, &error);
          g_autofree char *solo = m == NULL ? NULL
            : g_strcmp0 (m->measured_on, TS_MEASURED_NONE) == 0 ? g_strdup ("durations predicted per profile")
            : m->measured_on != NULL ? g_strdup_printf ("solo %.3f ms on %s", ts_time_to_ms (m->solo), m->measured_on)
            : g_strdup_printf ("solo %.3f ms", ts_time_to_ms (m->solo));
          desc = m ? g_strdup_printf ("%s (%u kernels, %s)", m->description ? m->description : "", m->n_kernels, solo)
                   : NULL;
        }
      else
        {
          g_autoptr (TsProfile) p = ts_profile_load (names[i], NULL, &error);
          desc = p ? g_strdup_printf ("%s [%s]", p->description ? p->description : "", p->source) : NULL;
        }
      if (error != NULL)
        printf ("%-18s (does not load: %s)\n", names[i], strtok (error->message, "\n"));
      else
        printf ("%-18s %s\n", names[i], desc ? desc : "");
    }
}

/* The first sentence of a sweep file's leading comment: sweep files have no description key, and
 * loading one validates every point, too slow for a listing. */
static char *
sweep_summary (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  if (!ts_input_read (path, &text, NULL, &error))
    return g_strdup_printf ("(cannot be read: %s)", error->message);
  g_autoptr (GString) s = g_string_new (NULL);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] && lines[i][0] == '#'; i++)
    {
      if (s->len)
        g_string_append_c (s, ' ');
      g_string_append (s, g_strstrip (lines[i] + 1));
    }
  const char *end = strstr (s->str, ". ");
  if (end != NULL)
    g_string_truncate (s, (gsize) (end - s->str) + 1);
  for (gsize i = 0; i < s->len; i++)   /* a listing is one line per sweep */
    if ((guchar) s->str[i] < 0x20)
      s->str[i] = ' ';
  return g_strdup (s->str);
}

static gint
cmp_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The shipped sweeps: sweeps/NAME.cfg in the data directory, which 'tiersim sweep NAME' runs. */
static void
list_sweeps (void)
{
  g_autofree char *dir = g_build_filename (ts_data_dir (), "sweeps", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *n;
  while (d != NULL && (n = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (n, ".cfg"))
      g_ptr_array_add (names, g_strndup (n, strlen (n) - 4));
  g_ptr_array_sort (names, cmp_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *file = g_strconcat (names->pdata[i], ".cfg", NULL);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      g_autofree char *summary = sweep_summary (path);
      printf ("%-18s %s\n", (char *) names->pdata[i], summary);
    }
}

static gboolean
list_main (const TsCommand *cmd, int argc, char **argv, GError **error)
{
  if (!ts_cmd_parse (cmd, NULL, &argc, &argv, error))
    return FALSE;
  static const char *const what[] = { "policies", "scenarios", "sweeps", "models", "profiles", NULL };
  if (argc != 2 || !g_strv_contains (what, argv[1]))
    return ts_cmd_usage (error, "say what to list: policies, scenarios, sweeps, models or profiles");
  if (strcmp (argv[1], "policies") == 0)
    list_policies ();
  else if (strcmp (argv[1], "sweeps") == 0)
    list_sweeps ();
  else
    list_data (strcmp (argv[1], "scenarios") == 0 ? TS_DATA_SCENARIO
               : strcmp (argv[1], "models") == 0  ? TS_DATA_MODEL
                                                  : TS_DATA_PROFILE);
  return TRUE;
}

const TsCommand ts_command_list = {
  .name = "list",
  .params = "policies|scenarios|sweeps|models|profiles",
  .summary = "list shipped policies, scenarios, sweeps, models or profiles",
  .help =
    "Lists what tiersim ships: policies (with a paragraph each), or the scenarios, sweeps, models\n"
    "and profiles of the data directory and the built-in ones, each with a one-line description.\n"
    "'tiersim run NAME' runs a scenario by its name, 'tiersim sweep NAME' a sweep.",
  .fn = list_main,
};
