/* jb-json-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-json-text"

#include "jb-json-text.h"

#include <math.h>
#include <string.h>

void
jb_json_text_append_string (GString    *out,
                            const char *text)
{
  if (text == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", (guint) c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

/* Fixes, headings and speeds carry at most 7 decimals (the device API's
 * precision): such a number is written with integer arithmetic, the
 * same text as "%.15g" below at a fraction of the cost of glibc's exact
 * decimal conversion, which a position flood pays 100,000 times a
 * second. FALSE for any other number.
 *
 * Why the text is the same: with 10^e <= |value| < 10^(e+1), "%.15g"
 * rounds to 14 - e decimals, so it prints n / 10^7 (trailing zeros
 * dropped) when |value * 10^7 - n| < 0.5 * 10^(e-7). The test below
 * allows half of that, and the product's own rounding (at most
 * 0.11 * 10^(e-7)) cannot take it past the bound. */
static gboolean
append_short_decimal (GString *out,
                      double   value)
{
  static const double powers[] = { 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8 };
  static const double tolerances[] = { 0.25e-11, 0.25e-10, 0.25e-9, 0.25e-8, 0.25e-7, 0.25e-6, 0.25e-5,
                                       0.25e-4, 0.25e-3, 0.25e-2, 0.25e-1, 0.25 };
  double magnitude = fabs (value);
  double scaled = value * 1e7;
  char text[32];
  char *p = text + sizeof text;
  guint64 n, whole, fraction;
  guint e;

  /* Below 1e-4 "%g" writes an exponent; from 1e8 on, more than 15
   * digits would be needed. */
  if (!(magnitude >= powers[0] && magnitude < powers[G_N_ELEMENTS (powers) - 1]))
    return FALSE;
  for (e = 0; magnitude >= powers[e + 1]; e++)
    ;
  n = (guint64) llround (fabs (scaled));
  if (fabs (fabs (scaled) - (double) n) >= tolerances[e])
    return FALSE;

  whole = n / 10000000;
  fraction = n % 10000000;
  if (fraction == 0)
    {
      *--p = '0';
    }
  else
    {
      gboolean significant = FALSE;

      for (int i = 0; i < 7; i++, fraction /= 10)
        if (significant || fraction % 10 != 0)
          {
            *--p = (char) ('0' + fraction % 10);
            significant = TRUE;
          }
      /* Only the digits after the last nonzero one were dropped. */
    }
  *--p = '.';
  do
    *--p = (char) ('0' + whole % 10);
  while ((whole /= 10) != 0);
  if (value < 0)
    *--p = '-';
  g_string_append_len (out, p, text + sizeof text - p);
  return TRUE;
}

void
jb_json_text_append_double (GString *out,
                            double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  if (append_short_decimal (out, value))
    return;
  /* 15 significant digits: exact for the 6–7 decimals of a fix, and no
   * binary noise like 28.216950000000001. */
  g_ascii_formatd (buffer, sizeof buffer, "%.15g", value);
  g_string_append (out, buffer);
  if (strpbrk (buffer, ".eE") == NULL)
    g_string_append (out, ".0");
}
