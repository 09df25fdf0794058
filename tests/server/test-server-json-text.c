/* test-server-json-text.c — doubles written straight as JSON text
 *
 * jb_json_text_append_double() writes fixes with integer arithmetic when
 * they have at most 7 decimals, and through "%.15g" otherwise: the text
 * must be the one "%.15g" gives for every double, short or not, and it
 * must read back as a JSON double.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "jb-json-text.h"

/* What "%.15g" writes, with ".0" when it has no point or exponent. */
static char *
reference (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    return g_strdup ("null");
  g_ascii_formatd (buffer, sizeof buffer, "%.15g", value);
  return strpbrk (buffer, ".eE") != NULL ? g_strdup (buffer) : g_strconcat (buffer, ".0", NULL);
}

static void
assert_written (double value)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *expected = reference (value);

  jb_json_text_append_double (out, value);
  if (g_strcmp0 (out->str, expected) != 0)
    g_error ("%.17g written as %s, \"%%.15g\" gives %s", value, out->str, expected);
}

/* A number of @decimals decimals, as the server gets it: parsed from text. */
static double
parsed_decimal (gint64 n,
                guint  decimals)
{
  g_autofree char *text = g_strdup_printf ("%s%" G_GINT64_FORMAT ".%0*" G_GINT64_FORMAT, n < 0 ? "-" : "",
                                           ABS (n) / (gint64) pow (10, decimals), (int) decimals,
                                           ABS (n) % (gint64) pow (10, decimals));

  return g_ascii_strtod (text, NULL);
}

static void
test_fixes (void)
{
  GRand *rand = g_rand_new_with_seed (20261206);

  /* Latitudes and longitudes of 7 decimals, headings of 1, speeds of 2,
   * whole accuracies. */
  for (guint i = 0; i < 60000; i++)
    {
      assert_written (parsed_decimal (g_rand_int_range (rand, -900000000, 900000001), 7));
      assert_written (parsed_decimal ((gint64) g_rand_double_range (rand, -1800000000.0, 1800000000.0), 7));
      assert_written (parsed_decimal (g_rand_int_range (rand, 0, 3600), 1));
      assert_written (parsed_decimal (g_rand_int_range (rand, 0, 6000), 2));
      assert_written ((double) g_rand_int_range (rand, 0, 100));
    }
  g_rand_free (rand);
}

static void
test_any_double (void)
{
  GRand *rand = g_rand_new_with_seed (7);
  static const double edges[] = {
    0.0, -0.0, 1e-4, 9.9999999999e-5, 0.0001000000001, 0.5, 0.1, 0.2, 0.3, 1.0, -1.0, 90.0, 180.0,
    -180.0, 99999999.9999999, 1e8, 1e8 - 1e-7, 12345678.1234567, 0.99999999999, 999.99999999999,
    28.21695, 28.21695 + 8e-14, 28.21695 + 2e-13, 112.9939999999999, 1e21, 1e-300, 5e-324,
    G_MAXDOUBLE, -G_MAXDOUBLE, 1.0 / 3.0, 2.0 / 3.0, 0.1 + 0.2,
  };

  for (guint i = 0; i < G_N_ELEMENTS (edges); i++)
    assert_written (edges[i]);
  /* Any double, at every magnitude the shortcut takes and around it. */
  for (guint i = 0; i < 100000; i++)
    {
      double magnitude = pow (10, g_rand_double_range (rand, -6, 10));

      assert_written (g_rand_double_range (rand, -1, 1) * magnitude);
    }
  /* Short decimals nudged by a few units in the last place: written
   * short only when "%.15g" would round them back. */
  for (guint i = 0; i < 30000; i++)
    {
      double value = parsed_decimal (g_rand_int_range (rand, -1800000000, 1800000000), 7);

      for (int ulps = -3; ulps <= 3; ulps++)
        {
          double nudged = value;

          for (int k = 0; k < ABS (ulps); k++)
            nudged = nextafter (nudged, ulps > 0 ? INFINITY : -INFINITY);
          assert_written (nudged);
        }
    }
  assert_written (NAN);
  assert_written (INFINITY);
  g_rand_free (rand);
}

/* What is written reads back as a double of the same value. */
static void
test_reads_back (void)
{
  GRand *rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < 2000; i++)
    {
      double value = parsed_decimal (g_rand_int_range (rand, -1800000000, 1800000000), 7);
      g_autoptr(GString) out = g_string_new ("[");
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonNode *element;

      jb_json_text_append_double (out, value);
      g_string_append_c (out, ']');
      g_assert_true (json_parser_load_from_data (parser, out->str, -1, &error));
      g_assert_no_error (error);
      element = json_array_get_element (json_node_get_array (json_parser_get_root (parser)), 0);
      g_assert_cmpint (json_node_get_value_type (element), ==, G_TYPE_DOUBLE);
      g_assert_cmpfloat (json_node_get_double (element), ==, value);
    }
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/json-text/fixes", test_fixes);
  g_test_add_func ("/server/json-text/any-double", test_any_double);
  g_test_add_func ("/server/json-text/reads-back", test_reads_back);

  return g_test_run ();
}
