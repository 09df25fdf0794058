/* jb-moved-frame.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-moved-frame"

#include "jb-moved-frame.h"

#include "jb-json.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct
{
  const char *p;
  const char *end;
} Scanner;

static inline void
skip_ws (Scanner *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
    s->p++;
}

static inline gboolean
expect (Scanner *s,
        char     c)
{
  skip_ws (s);
  if (s->p >= s->end || *s->p != c)
    return FALSE;
  s->p++;
  return TRUE;
}

/* A string without escapes and of printable ASCII only: anything else is
 * left to json-glib (it validates UTF-8 and decodes escapes). */
static gboolean
scan_plain_string (Scanner     *s,
                   const char **out,
                   gsize       *out_len)
{
  const char *start;

  if (!expect (s, '"'))
    return FALSE;

  start = s->p;
  while (s->p < s->end)
    {
      guchar c = (guchar) *s->p;

      if (c == '"')
        {
          *out = start;
          *out_len = (gsize) (s->p - start);
          s->p++;
          return TRUE;
        }
      if (c == '\\' || c < 0x20 || c >= 0x7f)
        return FALSE;
      s->p++;
    }

  return FALSE;
}

/* JSON number grammar, strictly: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
 * Sets *is_int when it has neither fraction nor exponent (json-glib then
 * makes it an integer node). */
static gboolean
scan_number_token (Scanner     *s,
                   const char **start,
                   gsize       *len,
                   gboolean    *is_int)
{
  const char *p;

  skip_ws (s);
  p = s->p;
  *start = p;
  *is_int = TRUE;

  if (p < s->end && *p == '-')
    p++;
  if (p >= s->end)
    return FALSE;
  if (*p == '0')
    p++;
  else if (*p >= '1' && *p <= '9')
    while (p < s->end && g_ascii_isdigit (*p))
      p++;
  else
    return FALSE;

  if (p < s->end && *p == '.')
    {
      *is_int = FALSE;
      p++;
      if (p >= s->end || !g_ascii_isdigit (*p))
        return FALSE;
      while (p < s->end && g_ascii_isdigit (*p))
        p++;
    }
  if (p < s->end && (*p == 'e' || *p == 'E'))
    {
      *is_int = FALSE;
      p++;
      if (p < s->end && (*p == '+' || *p == '-'))
        p++;
      if (p >= s->end || !g_ascii_isdigit (*p))
        return FALSE;
      while (p < s->end && g_ascii_isdigit (*p))
        p++;
    }

  *len = (gsize) (p - *start);
  s->p = p;
  return TRUE;
}

static locale_t
c_locale (void)
{
  static gsize locale = 0;

  if (g_once_init_enter (&locale))
    g_once_init_leave (&locale, (gsize) newlocale (LC_ALL_MASK, "C", (locale_t) 0));

  return (locale_t) locale;
}

static gboolean
scan_double (Scanner *s,
             double  *out)
{
  const char *start;
  gsize len;
  gboolean is_int;
  char buf[64];

  if (!scan_number_token (s, &start, &len, &is_int) || len >= sizeof buf)
    return FALSE;

  /* json-glib reads "28" as an integer, which then becomes a double: the
   * same here (it matters for "-0", which is 0, not -0.0). */
  if (is_int)
    {
      gboolean negative = *start == '-';
      gint64 value = 0;

      if (len - negative > 18)
        return FALSE;
      for (gsize i = negative; i < len; i++)
        value = value * 10 + (start[i] - '0');
      *out = (double) (negative ? -value : value);
      return TRUE;
    }

  if (jb_json_read_short_decimal (start, len, out))
    return TRUE;

  /* A copy, NUL-terminated: the text need not be. strtod_l in the C
   * locale rounds exactly as g_ascii_strtod (which json-glib uses) does. */
  memcpy (buf, start, len);
  buf[len] = '\0';
  *out = strtod_l (buf, NULL, c_locale ());
  return isfinite (*out);
}

static gboolean
scan_int (Scanner *s,
          gint64  *out)
{
  const char *start;
  gsize len;
  gboolean is_int;
  gboolean negative = FALSE;
  gint64 value = 0;

  /* 18 digits always fit in a gint64; longer ones go to json-glib. */
  if (!scan_number_token (s, &start, &len, &is_int) || !is_int || len > 18)
    return FALSE;

  if (*start == '-')
    {
      negative = TRUE;
      start++;
      len--;
    }
  for (gsize i = 0; i < len; i++)
    value = value * 10 + (start[i] - '0');

  *out = negative ? -value : value;
  return TRUE;
}

static gboolean
scan_null (Scanner *s)
{
  skip_ws (s);
  if (s->end - s->p >= 4 && memcmp (s->p, "null", 4) == 0)
    {
      s->p += 4;
      return TRUE;
    }
  return FALSE;
}

/* A number, or null → NAN. */
static gboolean
scan_nullable_double (Scanner *s,
                      double  *out)
{
  if (scan_null (s))
    {
      *out = NAN;
      return TRUE;
    }
  return scan_double (s, out);
}

#define KEY_IS(k, klen, lit) ((klen) == sizeof (lit) - 1 && memcmp ((k), (lit), sizeof (lit) - 1) == 0)

enum {
  DATA_ID       = 1 << 0,
  DATA_LAT      = 1 << 1,
  DATA_LON      = 1 << 2,
  DATA_HEADING  = 1 << 3,
  DATA_SPEED    = 1 << 4,
  DATA_ACCURACY = 1 << 5,
  DATA_TIME     = 1 << 6,
  DATA_REQUIRED = DATA_ID | DATA_LAT | DATA_LON | DATA_TIME,
};

static gboolean
scan_data (Scanner      *s,
           JbMovedFrame *out)
{
  guint seen = 0;
  JbPosition *pos = &out->position;

  pos->heading = pos->speed = pos->accuracy = NAN;

  if (!expect (s, '{'))
    return FALSE;

  for (;;)
    {
      const char *key;
      gsize key_len;
      guint bit;
      gboolean ok;

      if (!scan_plain_string (s, &key, &key_len) || !expect (s, ':'))
        return FALSE;

      if (KEY_IS (key, key_len, "id"))
        bit = DATA_ID, ok = scan_plain_string (s, &out->id, &out->id_len);
      else if (KEY_IS (key, key_len, "lat"))
        bit = DATA_LAT, ok = scan_double (s, &pos->lat);
      else if (KEY_IS (key, key_len, "lon"))
        bit = DATA_LON, ok = scan_double (s, &pos->lon);
      else if (KEY_IS (key, key_len, "heading"))
        bit = DATA_HEADING, ok = scan_nullable_double (s, &pos->heading);
      else if (KEY_IS (key, key_len, "speed"))
        bit = DATA_SPEED, ok = scan_nullable_double (s, &pos->speed);
      else if (KEY_IS (key, key_len, "accuracy"))
        bit = DATA_ACCURACY, ok = scan_nullable_double (s, &pos->accuracy);
      else if (KEY_IS (key, key_len, "time"))
        bit = DATA_TIME, ok = scan_int (s, &pos->time);
      else
        return FALSE;

      if (!ok || (seen & bit) != 0)
        return FALSE;
      seen |= bit;

      skip_ws (s);
      if (s->p < s->end && *s->p == ',')
        {
          s->p++;
          continue;
        }
      if (!expect (s, '}'))
        return FALSE;
      break;
    }

  if ((seen & DATA_REQUIRED) != DATA_REQUIRED)
    return FALSE;

  /* The same checks as the json-glib path; out of range → that path, which
   * reports the error. */
  return pos->lat >= -90.0 && pos->lat <= 90.0 &&
         pos->lon >= -180.0 && pos->lon <= 180.0 &&
         (isnan (pos->heading) || (pos->heading >= 0.0 && pos->heading < 360.0)) &&
         (isnan (pos->speed) || pos->speed >= 0.0) &&
         (isnan (pos->accuracy) || pos->accuracy >= 0.0) &&
         pos->time >= 0;
}

enum {
  TOP_SEQ  = 1 << 0,
  TOP_TYPE = 1 << 1,
  TOP_TIME = 1 << 2,
  TOP_DATA = 1 << 3,
  TOP_REQUIRED = TOP_SEQ | TOP_TYPE | TOP_DATA,
};

gboolean
_jb_moved_frame_scan (const char   *text,
                      gsize         len,
                      JbMovedFrame *out)
{
  Scanner s = { text, text + len };
  guint seen = 0;

  memset (out, 0, sizeof *out);

  if (!expect (&s, '{'))
    return FALSE;

  for (;;)
    {
      const char *key;
      gsize key_len;
      guint bit;
      gboolean ok;

      if (!scan_plain_string (&s, &key, &key_len) || !expect (&s, ':'))
        return FALSE;

      if (KEY_IS (key, key_len, "seq"))
        bit = TOP_SEQ, ok = scan_int (&s, &out->seq);
      else if (KEY_IS (key, key_len, "type"))
        {
          const char *type;
          gsize type_len;

          bit = TOP_TYPE;
          ok = scan_plain_string (&s, &type, &type_len) && KEY_IS (type, type_len, "unit.moved");
        }
      else if (KEY_IS (key, key_len, "time"))
        bit = TOP_TIME, ok = scan_int (&s, &out->time);
      else if (KEY_IS (key, key_len, "data"))
        bit = TOP_DATA, ok = scan_data (&s, out);
      else
        return FALSE;

      if (!ok || (seen & bit) != 0)
        return FALSE;
      seen |= bit;

      skip_ws (&s);
      if (s.p < s.end && *s.p == ',')
        {
          s.p++;
          continue;
        }
      if (!expect (&s, '}'))
        return FALSE;
      break;
    }

  /* Nothing but whitespace may follow. */
  skip_ws (&s);
  if (s.p != s.end)
    return FALSE;

  return (seen & TOP_REQUIRED) == TOP_REQUIRED && out->seq > 0 && out->id_len > 0;
}

/* [item, item, …] */
static gboolean
scan_items (Scanner *s,
            GArray  *items)
{
  if (!expect (s, '['))
    return FALSE;
  skip_ws (s);
  if (s->p < s->end && *s->p == ']')
    {
      s->p++;
      return TRUE;
    }
  for (;;)
    {
      JbMovedFrame item = { 0, };

      if (!scan_data (s, &item) || item.id_len == 0)
        return FALSE;
      g_array_append_val (items, item);
      skip_ws (s);
      if (s->p < s->end && *s->p == ',')
        {
          s->p++;
          continue;
        }
      return expect (s, ']');
    }
}

/* {"items": [...]} */
static gboolean
scan_positions_data (Scanner *s,
                     GArray  *items)
{
  const char *key;
  gsize key_len;

  return expect (s, '{') &&
         scan_plain_string (s, &key, &key_len) && KEY_IS (key, key_len, "items") &&
         expect (s, ':') && scan_items (s, items) && expect (s, '}');
}

gboolean
_jb_positions_frame_scan (const char *text,
                          gsize       len,
                          GArray     *items,
                          gint64     *out_time)
{
  Scanner s = { text, text + len };
  guint seen = 0;

  *out_time = 0;
  if (!expect (&s, '{'))
    return FALSE;

  for (;;)
    {
      const char *key;
      gsize key_len;
      guint bit;
      gboolean ok;

      if (!scan_plain_string (&s, &key, &key_len) || !expect (&s, ':'))
        return FALSE;

      if (KEY_IS (key, key_len, "type"))
        {
          const char *type;
          gsize type_len;

          bit = TOP_TYPE;
          ok = scan_plain_string (&s, &type, &type_len) && KEY_IS (type, type_len, "positions");
        }
      else if (KEY_IS (key, key_len, "time"))
        bit = TOP_TIME, ok = scan_int (&s, out_time);
      else if (KEY_IS (key, key_len, "data"))
        bit = TOP_DATA, ok = scan_positions_data (&s, items);
      else
        return FALSE;

      if (!ok || (seen & bit) != 0)
        return FALSE;
      seen |= bit;

      skip_ws (&s);
      if (s.p < s.end && *s.p == ',')
        {
          s.p++;
          continue;
        }
      if (!expect (&s, '}'))
        return FALSE;
      break;
    }

  skip_ws (&s);
  return s.p == s.end && (seen & (TOP_TYPE | TOP_DATA)) == (TOP_TYPE | TOP_DATA);
}
