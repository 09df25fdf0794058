/* bench-position-batch.c — reading the terminals' position batches
 *
 * Under a 20,000-unit flood the server reads 20,000 fixes a second from
 * POST /device/positions bodies. This times jb_position_batch_scan ()
 * (yajl's event parser straight into fixes) against the stock way, a
 * json-glib tree read with jb_position_batch_read_object (), on batches
 * of 1,000 fixes written as the simulator's gateways write them, and
 * prints both and the ratio.
 *
 *   meson test -C build --benchmark bench-position-batch -v
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "jb-json.h"
#include "jb-position-batch.h"

#define N_FIXES 1000
#define ROUNDS  200
#define NOW     1765000000000

static char *
simulated_batch (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  GString *out = g_string_new ("{\"items\":[");

  for (guint i = 0; i < N_FIXES; i++)
    {
      char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE];
      char heading[G_ASCII_DTOSTR_BUF_SIZE], speed[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (lat, sizeof lat, "%.7f", g_rand_double_range (rand, 27.9, 28.4));
      g_ascii_formatd (lon, sizeof lon, "%.7f", g_rand_double_range (rand, 112.7, 113.2));
      g_ascii_formatd (heading, sizeof heading, "%.1f", g_rand_double_range (rand, 0, 359.9));
      g_ascii_formatd (speed, sizeof speed, "%.2f", g_rand_double_range (rand, 0, 15));
      g_string_append_printf (out, "%s{\"unit_id\":\"X-%05u\",\"lat\":%s,\"lon\":%s,\"heading\":%s,"
                              "\"speed\":%s,\"accuracy\":%d,\"time\":%" G_GINT64_FORMAT "}",
                              i == 0 ? "" : ",", i, lat, lon, heading, speed,
                              g_rand_int_range (rand, 4, 15), (gint64) NOW - 1000);
    }
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

static JbPositionBatch *
read_tree (const char *text,
           gsize       len)
{
  g_autoptr(JsonNode) root = jb_json_parse_object (text, (gssize) len, NULL);

  return root != NULL ? jb_position_batch_read_object (json_node_get_object (root), NOW, NULL) : NULL;
}

static JbPositionBatch *
read_scanned (const char *text,
              gsize       len)
{
  return jb_position_batch_scan (text, len, NOW);
}

/* The best round's time per fix. */
static double
ns_per_fix (const char        *text,
            JbPositionBatch *(*read) (const char *, gsize))
{
  gsize len = strlen (text);
  double best = G_MAXDOUBLE;

  for (guint r = 0; r < ROUNDS; r++)
    {
      gint64 start = g_get_monotonic_time ();
      JbPositionBatch *batch = read (text, len);
      guint n = 0;

      if (batch == NULL)
        g_error ("the batch was not read");
      jb_position_batch_get_fixes (batch, &n);
      g_assert_cmpuint (n, ==, N_FIXES);
      jb_position_batch_free (batch);
      best = MIN (best, (g_get_monotonic_time () - start) * 1000.0 / N_FIXES);
    }
  return best;
}

int
main (void)
{
  g_autofree char *text = simulated_batch ();
  double tree = ns_per_fix (text, read_tree);
  double scan = ns_per_fix (text, read_scanned);

  printf ("%u fixes a batch (%zu bytes), best of %u rounds\n", N_FIXES, strlen (text), ROUNDS);
  printf ("json-glib tree + read    %8.1f ns/fix\n", tree);
  printf ("yajl scan                %8.1f ns/fix\n", scan);
  printf ("ratio                    %8.1fx faster\n", tree / scan);
  return 0;
}
