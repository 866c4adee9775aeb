/* tiersim — text in and out (see io.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sim/base.h"
#include "sim/io.h"

/* ---- files */

static const char *
file_kind (mode_t mode)
{
  return S_ISDIR (mode) ? "a folder" : S_ISFIFO (mode) ? "a FIFO" : S_ISCHR (mode) ? "a character device"
         : S_ISBLK (mode) ? "a block device" : S_ISSOCK (mode) ? "a socket" : "not a plain file";
}

gboolean
ts_output_check (const char *path, GError **error)
{
  GStatBuf st;
  if (g_lstat (path, &st) == 0 && !S_ISREG (st.st_mode))
    {
      g_set_error (error, TS_ERROR, TS_ERROR_USAGE, "%s exists and is not a regular file: tiersim writes "
                   "its outputs only as regular files, and will not replace it", path);
      return FALSE;
    }
  return TRUE;
}

gboolean
ts_output_write (const char *path, const char *data, gsize len, GError **error)
{
  if (!ts_output_check (path, error))
    return FALSE;
  g_autoptr (GError) e = NULL;
  if (!g_file_set_contents (path, data, len, &e))
    {
      g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot write %s: %s", path, e->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
ts_input_read (const char *path, char **text, gsize *len, GError **error)
{
  /* O_NONBLOCK: opening a FIFO without a writer must not wait; fstat decides on what was opened */
  int fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, TS_ERROR, e == ENOENT ? TS_ERROR_NOT_FOUND : TS_ERROR_INPUT, "%s: %s", path,
                   e == ENOENT ? "no such file" : g_strerror (e));
      return FALSE;
    }
  struct stat st;
  gboolean ok = FALSE;
  if (fstat (fd, &st) != 0)
    g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: %s", path, g_strerror (errno));
  else if (!S_ISREG (st.st_mode))
    g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: not a regular file (%s); an input must be one",
                 path, file_kind (st.st_mode));
  else if (st.st_size > (off_t) TS_INPUT_MAX_BYTES)
    g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: %lld bytes; an input file may have at most %u MiB",
                 path, (long long) st.st_size, TS_INPUT_MAX_BYTES >> 20);
  else if (text == NULL && len == NULL)
    ok = TRUE;
  else
    {
      /* read at most one byte more than the limit: the file may have grown since fstat */
      gsize cap = (gsize) st.st_size + 1, n = 0;
      char *buf = g_malloc (cap + 1);
      ok = TRUE;
      for (;;)
        {
          if (n == cap)
            {
              if (cap > TS_INPUT_MAX_BYTES)
                break;
              cap = MIN (cap * 2, (gsize) TS_INPUT_MAX_BYTES + 1);
              buf = g_realloc (buf, cap + 1);
            }
          gssize r = read (fd, buf + n, cap - n);
          if (r < 0 && errno == EINTR)
            continue;
          if (r < 0)
            {
              g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: cannot read: %s", path, g_strerror (errno));
              ok = FALSE;
              break;
            }
          if (r == 0)
            break;
          n += (gsize) r;
        }
      if (ok && n > TS_INPUT_MAX_BYTES)
        {
          g_set_error (error, TS_ERROR, TS_ERROR_INPUT, "%s: more than %u MiB; an input file may have at most that",
                       path, TS_INPUT_MAX_BYTES >> 20);
          ok = FALSE;
        }
      buf[n] = '\0';
      if (ok && len)
        *len = n;
      if (ok && text)
        *text = buf;
      else
        g_free (buf);
    }
  close (fd);
  return ok;
}

gboolean
ts_output_mkdir (const char *path, GError **error)
{
  if (g_mkdir_with_parents (path, 0777) == 0)
    return TRUE;
  int e = errno;
  g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot create %s: %s", path, g_strerror (e));
  return FALSE;
}
char *
ts_output_mkdtemp_beside (const char *path, GError **error)
{
  /* g_mkdtemp_full's template: it replaces the six X's with a unique suffix */
  char *tmpl = g_strconcat (path, ".tmp-XXXXXX", NULL);
  if (g_mkdtemp_full (tmpl, 0777) != NULL)
    return tmpl;
  int e = errno;
  g_set_error (error, TS_ERROR, TS_ERROR_IO, "cannot create %s: %s", tmpl, g_strerror (e));
  g_free (tmpl);
  return NULL;
}

/* ---- quoting */

static gboolean
csv_needs_quotes (const char *field)
{
  return strpbrk (field, ",\"\r\n") != NULL;
}

void
ts_quote_csv (GString *s, const char *field)
{
  if (!csv_needs_quotes (field))
    {
      g_string_append (s, field);
      return;
    }
  g_string_append_c (s, '"');
  for (const char *c = field; *c; c++)
    {
      if (*c == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *c);
    }
  g_string_append_c (s, '"');
}

void
ts_quote_json (GString *s, const char *text)
{
  g_string_append_c (s, '"');
  for (const char *c = text; *c; c++)
    if (*c == '"' || *c == '\\')
      g_string_append_printf (s, "\\%c", *c);
    else if ((guchar) *c < 0x20)
      g_string_append_printf (s, "\\u%04x", *c);
    else
      g_string_append_c (s, *c);
  g_string_append_c (s, '"');
}

void
ts_quote_cfg (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const unsigned char *c = (const unsigned char *) (s != NULL ? s : ""); *c != 0; c++)
    {
      if (*c == '"' || *c == '\\')
        g_string_append_printf (out, "\\%c", *c);
      else if (*c == '\n')
        g_string_append (out, "\\n");
      else if (*c == '\t')
        g_string_append (out, "\\t");
      else if (*c < 0x20 || *c == 0x7f)
        g_string_append_printf (out, "\\x%02x", *c);
      else
        g_string_append_c (out, (char) *c);
    }
  g_string_append_c (out, '"');
}
char *
ts_quote_gnuplot (const char *text)
{
  GString *s = g_string_new ("'");
  for (const guchar *c = (const guchar *) text; *c; c++)
    if (*c == '\'')
      g_string_append (s, "''");              /* the only escape a single-quoted string has */
    else if (*c < 0x20 || *c == 0x7f)
      g_string_append_c (s, ' ');             /* a newline would end the command */
    else
      g_string_append_c (s, (char) *c);
  g_string_append_c (s, '\'');
  return g_string_free (s, FALSE);
}

void
ts_quote_gnuplot_column (GString *d, const char *text)
{
  gboolean plain = *text != '\0' && *text != '#';
  for (const guchar *c = (const guchar *) text; *c && plain; c++)
    plain = *c > 0x20 && *c != 0x7f && *c != '"' && *c != '\\';
  if (plain)
    {
      g_string_append (d, text);
      return;
    }
  g_string_append_c (d, '"');
  for (const guchar *c = (const guchar *) text; *c; c++)
    g_string_append_c (d, *c == '"' ? '\'' : *c < 0x20 || *c == 0x7f ? ' ' : (char) *c);
  g_string_append_c (d, '"');
}
