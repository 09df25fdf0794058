/* bench-json-text.c — writing fixes' numbers as JSON text
 *
 * The position stream writes five numbers per fix, 100,000 a second
 * under a 20,000-unit flood. This times jb_json_text_append_double() on
 * fixes as the device API delivers them (latitudes and longitudes of 7
 * decimals, headings of 1, speeds of 2, whole accuracies) against the
 * stock way, g_ascii_formatd ("%.15g"), and prints both and the ratio.
 *
 *   meson test -C build --benchmark bench-json-text -v
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jb-json-text.h"

#define N_VALUES 500000
#define ROUNDS   4

static void
stock_append_double (GString *out,
                     double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (buffer, sizeof buffer, "%.15g", value);
  g_string_append (out, buffer);
  if (strpbrk (buffer, ".eE") == NULL)
    g_string_append (out, ".0");
}

static double
ns_per_value (const double *values,
              void        (*append) (GString *, double),
              gsize       *out_length)
{
  g_autoptr(GString) out = g_string_sized_new (N_VALUES * 12);
  double best = G_MAXDOUBLE;

  for (guint round = 0; round < ROUNDS; round++)
    {
      gint64 start = g_get_monotonic_time ();

      g_string_truncate (out, 0);
      for (guint i = 0; i < N_VALUES; i++)
        {
          append (out, values[i]);
          g_string_append_c (out, ',');
        }
      best = MIN (best, (g_get_monotonic_time () - start) * 1e3 / N_VALUES);
    }
  *out_length = out->len;
  return best;
}

int
main (void)
{
  GRand *rand = g_rand_new_with_seed (1);
  double *values = g_new (double, N_VALUES);
  gsize ours_length, stock_length;
  double ours, stock;

  for (guint i = 0; i < N_VALUES; i++)
    {
      char text[32];

      switch (i % 5)
        {
        case 0:
          g_snprintf (text, sizeof text, "%.7f", g_rand_double_range (rand, 27.9, 28.5));
          break;
        case 1:
          g_snprintf (text, sizeof text, "%.7f", g_rand_double_range (rand, 112.7, 113.3));
          break;
        case 2:
          g_snprintf (text, sizeof text, "%.1f", g_rand_double_range (rand, 0, 359.9));
          break;
        case 3:
          g_snprintf (text, sizeof text, "%.2f", g_rand_double_range (rand, 0, 25));
          break;
        default:
          g_snprintf (text, sizeof text, "%d", g_rand_int_range (rand, 3, 16));
          break;
        }
      values[i] = g_ascii_strtod (text, NULL);
    }

  ours = ns_per_value (values, jb_json_text_append_double, &ours_length);
  stock = ns_per_value (values, stock_append_double, &stock_length);
  printf ("%d fix numbers (lat, lon, heading, speed, accuracy), best of %d rounds\n", N_VALUES, ROUNDS);
  printf ("jb_json_text_append_double      %7.1f ns per number\n", ours);
  printf ("g_ascii_formatd (\"%%.15g\")       %7.1f ns per number\n", stock);
  printf ("ratio stock / ours: %.1f×; same text: %s\n", stock / ours, ours_length == stock_length ? "yes" : "NO");
  /* A faster writer that wrote something else would measure nothing. */
  g_assert_cmpuint (ours_length, ==, stock_length);
  g_assert_cmpfloat (ours, >, 0);
  g_free (values);
  g_rand_free (rand);
  return 0;
}
