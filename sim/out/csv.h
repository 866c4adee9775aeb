/* tiersim — CSV as RFC 4180 has it, for every CSV file tiersim writes or reads.
 *
 * Writing: a field is written as is unless it holds a comma, a double quote, a CR or a LF; then
 * it is enclosed in double quotes with each double quote doubled.  Ordinary names and numbers
 * are therefore written unquoted, byte for byte.  Records end with LF.
 *
 * Reading: fields may be quoted (and then hold commas, doubled quotes, CR and LF); records end
 * with LF or CRLF, the last one possibly with neither; empty lines are skipped.  Malformed text
 * (an unterminated quoted field, a quote inside an unquoted field, anything but a separator
 * after a closing quote, a NUL byte) is an error naming the line, never a crash. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Appends a comma, then field (quoted if it must be). */
void ts_csv_append_next (GString *s, const char *field);

/* Appends a record: its fields (at least one), each quoted if it must be, comma-separated, then
 * a LF.  A record of one empty field is written "": as an empty line, readers skip it. */
void ts_csv_append_record (GString *s, const char *const *fields);

/* The records of len bytes of text, each a NULL-terminated GStrv (a GPtrArray of them, to
 * unref); what names the text in errors (a file name).  If line_of is given, it receives a
 * GArray of guint (to unref): the line on which each record begins, from 1. */
GPtrArray *ts_csv_parse (const char *text, gsize len, const char *what, GArray **line_of, GError **error);

/* A table: a header record and rows, every row with as many fields as the header. */
typedef struct {
  GStrv header;
  guint n_columns;
  GPtrArray *rows;       /* GStrv, each of n_columns fields */
} TsCsv;

/* Parses a table from text (see ts_csv_parse); a row with another number of fields than the
 * header, or a text without a header, is an error naming the line. */
TsCsv *ts_csv_parse_table (const char *text, gsize len, const char *what, GError **error);

/* Reads the table in a file. */
TsCsv *ts_csv_read (const char *path, GError **error);

void ts_csv_free (TsCsv *csv);

/* The index of the column named name, or -1. */
int ts_csv_column (const TsCsv *csv, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsCsv, ts_csv_free)

G_END_DECLS
