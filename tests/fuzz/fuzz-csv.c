/* libFuzzer harness for sim/csv (RFC 4180 reading and writing).  The first byte picks a case:
 *   0  the rest is a CSV table: it parses or fails with a GError, never crashes; a table parsed
 *      has as many fields in every row as in its header, and written back with the module's
 *      writer it parses to the same table;
 *   1  the rest is CSV records: each record's line number is within the text, and they never
 *      decrease;
 *   2  the rest is records to write (split at NUL bytes) of fields (split at 0x1f): any field
 *      without those two bytes, written by the module and parsed back, is the same field.
 * Built and run by tests/fuzz/run.sh (clang with AddressSanitizer and UBSan); not part of
 * `make check`. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "sim/out/csv.h"

/* Writes records (NULL-terminated arrays of fields) as CSV. */
static GString *
write_records (GPtrArray *records)
{
  GString *s = g_string_new (NULL);
  for (guint r = 0; r < records->len; r++)
    ts_csv_append_record (s, records->pdata[r]);
  return s;
}

/* Fails unless text (len bytes) parses as exactly the records want. */
static void
assert_parses_to (const char *text, gsize len, GPtrArray *want)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) got = ts_csv_parse (text, len, "rewritten", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, want->len);
  for (guint r = 0; r < got->len; r++)
    g_assert_true (g_strv_equal (got->pdata[r], want->pdata[r]));
}

static void
table_case (const char *text, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TsCsv) c = ts_csv_parse_table (text, len, "fuzz", &error);
  g_assert_true ((c == NULL) == (error != NULL));
  if (c == NULL)
    return;
  g_assert_cmpuint (g_strv_length (c->header), ==, c->n_columns);
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  g_ptr_array_add (all, c->header);
  for (guint r = 0; r < c->rows->len; r++)
    {
      g_assert_cmpuint (g_strv_length (c->rows->pdata[r]), ==, c->n_columns);
      g_ptr_array_add (all, c->rows->pdata[r]);
    }
  g_autoptr (GString) again = write_records (all);
  assert_parses_to (again->str, again->len, all);
}

static void
records_case (const char *text, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) lines = NULL;
  g_autoptr (GPtrArray) recs = ts_csv_parse (text, len, "fuzz", &lines, &error);
  g_assert_true ((recs == NULL) == (error != NULL));
  if (recs == NULL)
    return;
  guint n_lines = 1;
  for (gsize i = 0; i < len; i++)
    n_lines += text[i] == '\n';
  g_assert_cmpuint (lines->len, ==, recs->len);
  for (guint r = 0; r < lines->len; r++)
    {
      guint l = g_array_index (lines, guint, r);
      g_assert_cmpuint (l, >=, r ? g_array_index (lines, guint, r - 1) : 1);
      g_assert_cmpuint (l, <=, n_lines);
    }
}

static void
write_case (const char *text, gsize len)
{
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  for (gsize start = 0; start <= len;)
    {
      const char *nul = memchr (text + start, '\0', len - start);
      gsize end = nul ? (gsize) (nul - text) : len;
      g_autofree char *rec = g_strndup (text + start, end - start);
      /* g_strsplit makes no field of ""; a record has at least one */
      char **fields = g_strsplit (rec, "\x1f", -1);
      if (fields[0] == NULL)
        {
          g_free (fields);
          fields = g_new0 (char *, 2);
          fields[0] = g_strdup ("");
        }
      g_ptr_array_add (records, fields);
      start = end + 1;
    }
  g_autoptr (GString) s = write_records (records);
  assert_parses_to (s->str, s->len, records);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  /* exactly the bytes given, in a buffer of their size: ASan sees a read past the end */
  g_autofree char *text = g_malloc (MAX (size - 1, 1));
  memcpy (text, data + 1, size - 1);
  switch (data[0] % 3)
    {
    case 0:
      table_case (text, size - 1);
      break;
    case 1:
      records_case (text, size - 1);
      break;
    default:
      write_case (text, size - 1);
      break;
    }
  return 0;
}
