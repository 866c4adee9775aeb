#include "config.h"

#include <string.h>

#include "sim/out/csv.h"
#include "sim/base.h"
#include "sim/io.h"

void
ts_csv_append_next (GString *s, const char *field)
{
  g_string_append_c (s, ',');
  ts_quote_csv (s, field);
}

void
ts_csv_append_record (GString *s, const char *const *fields)
{
  g_return_if_fail (fields[0] != NULL);
  if (fields[1] == NULL && *fields[0] == '\0')
    g_string_append (s, "\"\"");
  else
    for (guint i = 0; fields[i]; i++)
      i ? ts_csv_append_next (s, fields[i]) : ts_quote_csv (s, fields[i]);
  g_string_append_c (s, '\n');
}


static void
free_record (gpointer r)
{
  g_strfreev (r);
}

GPtrArray *
ts_csv_parse (const char *text, gsize len, const char *what, GArray **line_of, GError **error)
{
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (free_record);
  g_autoptr (GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) f = g_string_new (NULL);
  guint line = 1, start_line = 1;
  gsize i = 0;
  while (i < len)
    {
      /* at the start of a field */
      if (fields->len == 0)
        start_line = line;
      if (fields->len == 0 && (text[i] == '\n' || (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')))
        {
          i += text[i] == '\r' ? 2 : 1;   /* an empty line */
          line++;
          continue;
        }
      g_string_truncate (f, 0);
      if (text[i] == '"')
        {
          guint qline = line;
          i++;
          for (;;)
            {
              if (i >= len)
                {
                  g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s:%u: a quoted field is never closed", what, qline);
                  return NULL;
                }
              if (text[i] == '\0')
                {
                  g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s:%u: a NUL byte", what, line);
                  return NULL;
                }
              if (text[i] == '"')
                {
                  if (i + 1 < len && text[i + 1] == '"')
                    {
                      g_string_append_c (f, '"');
                      i += 2;
                      continue;
                    }
                  i++;
                  break;
                }
              if (text[i] == '\n')
                line++;
              g_string_append_c (f, text[i++]);
            }
          if (i < len && text[i] != ',' && text[i] != '\n' && !(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n'))
            {
              g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s:%u: a closing quote is followed by '%s' instead of a comma "
                           "or the end of the line", what, line, g_ascii_isprint (text[i]) ? (char[]) { text[i], 0 } : "?");
              return NULL;
            }
        }
      else
        while (i < len && text[i] != ',' && text[i] != '\n' && !(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n'))
          {
            if (text[i] == '"')
              {
                g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s:%u: a quote inside an unquoted field "
                             "(a field that holds quotes must be quoted, its quotes doubled)", what, line);
                return NULL;
              }
            if (text[i] == '\0')
              {
                g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s:%u: a NUL byte", what, line);
                return NULL;
              }
            g_string_append_c (f, text[i++]);
          }
      g_ptr_array_add (fields, g_strndup (f->str, f->len));
      /* after a field: a comma, a line end or the end of the text */
      if (i < len && text[i] == ',')
        {
          i++;
          if (i < len)
            continue;
          g_ptr_array_add (fields, g_strdup (""));   /* "a," at the very end: an empty last field */
        }
      else if (i < len)
        {
          i += text[i] == '\r' ? 2 : 1;
          line++;
        }
      g_ptr_array_add (fields, NULL);
      g_ptr_array_add (records, g_ptr_array_steal (fields, NULL));
      g_array_append_val (lines, start_line);
      g_ptr_array_set_free_func (fields, g_free);
    }
  if (line_of)
    *line_of = g_steal_pointer (&lines);
  return g_steal_pointer (&records);
}

TsCsv *
ts_csv_parse_table (const char *text, gsize len, const char *what, GError **error)
{
  g_autoptr (GArray) lines = NULL;
  g_autoptr (GPtrArray) recs = ts_csv_parse (text, len, what, &lines, error);
  if (recs == NULL)
    return NULL;
  if (recs->len == 0)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: empty: no header line", what);
      return NULL;
    }
  g_autoptr (TsCsv) c = g_new0 (TsCsv, 1);
  c->header = g_strdupv (recs->pdata[0]);
  c->n_columns = g_strv_length (c->header);
  c->rows = g_ptr_array_new_with_free_func (free_record);
  for (guint r = 1; r < recs->len; r++)
    {
      guint n = g_strv_length (recs->pdata[r]);
      if (n != c->n_columns)
        {
          g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s:%u: %u fields, but the header has %u", what,
                       g_array_index (lines, guint, r), n, c->n_columns);
          return NULL;
        }
      g_ptr_array_add (c->rows, g_strdupv (recs->pdata[r]));
    }
  return g_steal_pointer (&c);
}

TsCsv *
ts_csv_read (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize len;
  if (!ts_input_read (path, &text, &len, error))
    return NULL;
  return ts_csv_parse_table (text, len, path, error);
}

void
ts_csv_free (TsCsv *c)
{
  if (c == NULL)
    return;
  g_strfreev (c->header);
  g_clear_pointer (&c->rows, g_ptr_array_unref);
  g_free (c);
}

int
ts_csv_column (const TsCsv *c, const char *name)
{
  for (guint i = 0; i < c->n_columns; i++)
    if (strcmp (c->header[i], name) == 0)
      return (int) i;
  return -1;
}
