/* bench-ingest.c — how fast the client takes in a unit.moved flood
 *
 * Builds a recorded stream of N unit.moved frames (20,000 units around
 * Changsha, the server's exact compact format) and measures, best of 3:
 *   (a) a plain newline scan (memchr) over the same bytes: the lower bound;
 *   (b) json-glib parsing each frame alone: the stock alternative;
 *   (c) json-glib parsing + JbStore applying (the slow path, for reference);
 *   (d) our decode + apply: jb_store_apply_event_text into a loaded store;
 *   (e) the same fixes as the server streams them now, outside the event
 *       log: "positions" frames of 1,000 items (what 20,000 units a second
 *       give in the server's 50 ms period), jb_store_apply_positions_text.
 * Prints events (fixes)/s and ratios; there is no pass/fail on time.
 *
 * Usage: bench-ingest [N_EVENTS]   (default 1,000,000; env JB_BENCH_EVENTS)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jb-core.h"

#define N_UNITS 20000
#define CENTER_LAT 28.20
#define CENTER_LON 112.98

#define POSITIONS_PER_FRAME 1000

typedef struct
{
  GString *text;     /* all frames, each followed by '\n' */
  guint   *offsets;  /* n_frames + 1 */
  guint    n;        /* fixes */
  guint    n_frames;
} Stream;

static JsonNode *
make_snapshot (void)
{
  g_autoptr(GString) s = g_string_new ("{\"seq\":0,\"server_time\":1795400000000,"
                                       "\"user\":{\"username\":\"bench\",\"display_name\":\"Bench\","
                                       "\"role\":\"viewer\",\"station_id\":null},\"config\":{},"
                                       "\"stations\":[],\"terminals\":[],\"incidents\":[],\"units\":[");
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  for (guint i = 0; i < N_UNITS; i++)
    g_string_append_printf (s, "%s{\"id\":\"u-%05u\",\"kind\":\"%s\",\"callsign\":\"保-%05u\","
                               "\"name\":\"Unit %u\",\"org_id\":\"org-1\",\"org_name\":\"保安公司\","
                               "\"station_id\":\"st-1\",\"status\":\"available\",\"terminal_id\":null,"
                               "\"incident_id\":null,\"phone\":null,\"position\":null,"
                               "\"updated_at\":1795400000000}",
                            i ? "," : "", i, i % 10 == 0 ? "officer" : "guard", i, i);
  g_string_append (s, "]}");

  node = json_from_string (s->str, &error);
  g_assert_no_error (error);
  return node;
}

static void
append_number (GString *out,
               double   value,
               const char *format)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    g_string_append (out, "null");
  else
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, format, value));
}

/* Units walk randomly around Changsha; frames as the server writes them
 * (src/server: %.7f coordinates, %.7g for the rest, compact): one
 * unit.moved event per fix, or with @per_frame > 0 positions frames of that
 * many items. The fixes are the same either way. */
static Stream *
make_stream (guint n,
             guint per_frame)
{
  Stream *stream = g_new0 (Stream, 1);
  GRand *rand = g_rand_new_with_seed (20261123);
  double *lat = g_new (double, N_UNITS);
  double *lon = g_new (double, N_UNITS);
  gint64 time = 1795400000000;

  for (guint i = 0; i < N_UNITS; i++)
    {
      lat[i] = CENTER_LAT + g_rand_double_range (rand, -0.15, 0.15);
      lon[i] = CENTER_LON + g_rand_double_range (rand, -0.15, 0.15);
    }

  stream->n = n;
  stream->n_frames = per_frame > 0 ? (n + per_frame - 1) / per_frame : n;
  stream->text = g_string_sized_new ((gsize) n * 190);
  stream->offsets = g_new (guint, stream->n_frames + 1);

  for (guint e = 0; e < n; e++)
    {
      guint u = g_rand_int_range (rand, 0, N_UNITS);
      double heading = g_rand_int_range (rand, 0, 20) == 0 ? NAN : g_rand_double_range (rand, 0, 359.9);
      double speed = g_rand_double_range (rand, 0, 15);
      double accuracy = g_rand_double_range (rand, 3, 30);

      lat[u] += g_rand_double_range (rand, -0.0002, 0.0002);
      lon[u] += g_rand_double_range (rand, -0.0002, 0.0002);
      time += 1 + (e % 3);

      if (per_frame == 0)
        {
          stream->offsets[e] = (guint) stream->text->len;
          g_string_append_printf (stream->text, "{\"seq\":%u,\"type\":\"unit.moved\",\"time\":%" G_GINT64_FORMAT
                                  ",\"data\":", e + 1, time);
        }
      else if (e % per_frame == 0)
        {
          stream->offsets[e / per_frame] = (guint) stream->text->len;
          g_string_append_printf (stream->text, "{\"type\":\"positions\",\"time\":%" G_GINT64_FORMAT
                                  ",\"data\":{\"items\":[", time);
        }
      else
        g_string_append_c (stream->text, ',');
      g_string_append_printf (stream->text, "{\"id\":\"u-%05u\",\"lat\":", u);
      append_number (stream->text, lat[u], "%.7f");
      g_string_append (stream->text, ",\"lon\":");
      append_number (stream->text, lon[u], "%.7f");
      g_string_append (stream->text, ",\"heading\":");
      append_number (stream->text, heading, "%.7g");
      g_string_append (stream->text, ",\"speed\":");
      append_number (stream->text, speed, "%.7g");
      g_string_append (stream->text, ",\"accuracy\":");
      append_number (stream->text, accuracy, "%.7g");
      g_string_append_printf (stream->text, ",\"time\":%" G_GINT64_FORMAT "}", time - 200);
      if (per_frame == 0)
        g_string_append (stream->text, "}\n");
      else if (e % per_frame == per_frame - 1 || e == n - 1)
        g_string_append (stream->text, "]}}\n");
    }
  stream->offsets[stream->n_frames] = (guint) stream->text->len;

  g_free (lat);
  g_free (lon);
  g_rand_free (rand);
  return stream;
}

static void
stream_free (Stream *stream)
{
  g_string_free (stream->text, TRUE);
  g_free (stream->offsets);
  g_free (stream);
}

/* Frame i without its newline. */
static inline const char *
frame (Stream *stream,
       guint   i,
       gsize  *len)
{
  *len = stream->offsets[i + 1] - stream->offsets[i] - 1;
  return stream->text->str + stream->offsets[i];
}

/* The process's CPU time of the last run's loop (the store's load left
 * out): time slices given to other work on a shared machine do not
 * inflate it. */
static double last_cpu;

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
run_newline_scan (Stream   *stream,
                  JsonNode *snapshot)
{
  const char *p = stream->text->str;
  const char *end = p + stream->text->len;
  guint count = 0;
  gint64 start = g_get_monotonic_time ();
  double cpu_start = cpu_seconds ();

  while (p < end && (p = memchr (p, '\n', (size_t) (end - p))) != NULL)
    {
      count++;
      p++;
    }

  g_assert_cmpuint (count, ==, stream->n_frames);
  last_cpu = cpu_seconds () - cpu_start;
  return (g_get_monotonic_time () - start) / 1e6;
}

static double
run_json_glib_parse (Stream   *stream,
                     JsonNode *snapshot)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gint64 start = g_get_monotonic_time ();
  double cpu_start = cpu_seconds ();

  for (guint i = 0; i < stream->n_frames; i++)
    {
      gsize len;
      const char *text = frame (stream, i, &len);

      if (!json_parser_load_from_data (parser, text, (gssize) len, NULL))
        g_error ("frame %u does not parse", i);
    }

  last_cpu = cpu_seconds () - cpu_start;
  return (g_get_monotonic_time () - start) / 1e6;
}

static JbStore *
loaded_store (JsonNode *snapshot)
{
  g_autoptr(GError) error = NULL;
  JbStore *store = jb_store_new ();

  if (!jb_store_load_snapshot (store, snapshot, &error))
    g_error ("snapshot: %s", error->message);
  return store;
}

static double
run_json_glib_apply (Stream   *stream,
                     JsonNode *snapshot)
{
  g_autoptr(JbStore) store = loaded_store (snapshot);
  gint64 start = g_get_monotonic_time ();
  double cpu_start = cpu_seconds ();

  for (guint i = 0; i < stream->n; i++)
    {
      gsize len;
      const char *text = frame (stream, i, &len);
      g_autoptr(JsonNode) node = jb_json_parse_object (text, (gssize) len, NULL);

      if (node == NULL || jb_store_apply_event (store, node, NULL) != JB_STORE_APPLY_OK)
        g_error ("frame %u not applied", i);
    }

  last_cpu = cpu_seconds () - cpu_start;
  return (g_get_monotonic_time () - start) / 1e6;
}

static double
run_fast_apply (Stream   *stream,
                JsonNode *snapshot)
{
  g_autoptr(JbStore) store = loaded_store (snapshot);
  gint64 start = g_get_monotonic_time ();
  double cpu_start = cpu_seconds ();
  double elapsed;

  for (guint i = 0; i < stream->n; i++)
    {
      gsize len;
      const char *text = frame (stream, i, &len);

      if (jb_store_apply_event_text (store, text, len, NULL) != JB_STORE_APPLY_OK)
        g_error ("frame %u not applied", i);
    }

  elapsed = (g_get_monotonic_time () - start) / 1e6;
  last_cpu = cpu_seconds () - cpu_start;
  g_assert_cmpint (jb_store_get_seq (store), ==, stream->n);
  g_assert_cmpuint (jb_store_get_n_moves (store), ==, stream->n);
  return elapsed;
}

static double
run_positions_apply (Stream   *stream,
                     JsonNode *snapshot)
{
  g_autoptr(JbStore) store = loaded_store (snapshot);
  gint64 start = g_get_monotonic_time ();
  double cpu_start = cpu_seconds ();
  double elapsed;

  for (guint i = 0; i < stream->n_frames; i++)
    {
      gsize len;
      const char *text = frame (stream, i, &len);

      if (jb_store_apply_positions_text (store, text, len, NULL) < 0)
        g_error ("positions frame %u not applied", i);
    }

  elapsed = (g_get_monotonic_time () - start) / 1e6;
  last_cpu = cpu_seconds () - cpu_start;
  g_assert_cmpint (jb_store_get_seq (store), ==, 0);
  g_assert_cmpuint (jb_store_get_n_moves (store), ==, stream->n);
  g_assert_cmpuint (jb_store_get_n_fast_path (store), ==, stream->n);
  return elapsed;
}

typedef double (*RunFunc) (Stream *stream, JsonNode *snapshot);

/* Best of 3 by the wall clock; @out_cpu gets the best of the runs' CPU
 * times (last_cpu). */
static double
best_of_3 (RunFunc   run,
           Stream   *stream,
           JsonNode *snapshot,
           double   *out_cpu)
{
  double best = INFINITY, best_cpu = INFINITY;

  for (guint i = 0; i < 3; i++)
    {
      best = MIN (best, run (stream, snapshot));
      best_cpu = MIN (best_cpu, last_cpu);
    }
  *out_cpu = best_cpu;
  return best;
}

int
main (int   argc,
      char *argv[])
{
  guint n = 1000000;
  const char *env = g_getenv ("JB_BENCH_EVENTS");
  g_autoptr(JsonNode) snapshot = NULL;
  Stream *stream, *positions;
  double t_scan, t_parse, t_slow, t_fast, t_positions, t_positions_parse;
  double c_scan, c_parse, c_slow, c_fast, c_positions, c_positions_parse;
  gint64 t0;

  if (argc > 1)
    n = (guint) g_ascii_strtoull (argv[1], NULL, 10);
  else if (env != NULL)
    n = (guint) g_ascii_strtoull (env, NULL, 10);
  if (n == 0)
    n = 1000000;

  t0 = g_get_monotonic_time ();
  snapshot = make_snapshot ();

  /* What a (re)connect costs on the main loop: parsing a snapshot of
   * 20,000 units, then loading it into a store, fresh and over itself. */
  {
    g_autofree char *text = jb_json_to_string (snapshot, NULL);
    g_autoptr(JsonNode) parsed = NULL;
    g_autoptr(JbStore) store = jb_store_new ();
    gint64 a, b, c, d;

    a = g_get_monotonic_time ();
    parsed = jb_json_parse_object (text, -1, NULL);
    b = g_get_monotonic_time ();
    g_assert_true (jb_store_load_snapshot (store, parsed, NULL));
    c = g_get_monotonic_time ();
    g_assert_true (jb_store_load_snapshot (store, parsed, NULL));
    d = g_get_monotonic_time ();
    printf ("snapshot of %u units, %.1f MB: json-glib parse %.0f ms, load into a new store %.0f ms,"
            " reload over it %.0f ms\n", N_UNITS, strlen (text) / 1e6,
            (b - a) / 1e3, (c - b) / 1e3, (d - c) / 1e3);
  }
  stream = make_stream (n, 0);
  positions = make_stream (n, POSITIONS_PER_FRAME);
  printf ("bench-ingest: %u unit.moved frames over %u units, %.1f MB (%.0f bytes/frame); built in %.1f s\n",
          n, N_UNITS, stream->text->len / 1e6, (double) stream->text->len / n,
          (g_get_monotonic_time () - t0) / 1e6);
  printf ("  sample: %.*s\n", (int) (stream->offsets[1] - 1), stream->text->str);
#if defined(__SANITIZE_ADDRESS__)
  printf ("  NOTE: built with AddressSanitizer: figures are several times too slow.\n");
#endif

  if (g_strcmp0 (g_getenv ("JB_BENCH_ONLY"), "fast") == 0)
    {
      /* For profiling the fast path alone. */
      t_fast = best_of_3 (run_fast_apply, stream, snapshot, &c_fast);
      printf ("  (d) fast path decode + store apply: %.0f events/s (CPU %.0f ns/event)\n",
              n / t_fast, c_fast * 1e9 / n);
      t_positions = best_of_3 (run_positions_apply, positions, snapshot, &c_positions);
      printf ("  (e) positions frames decode + store apply: %.0f fixes/s (CPU %.0f ns/fix)\n",
              n / t_positions, c_positions * 1e9 / n);
      stream_free (stream);
      stream_free (positions);
      return 0;
    }

  t_scan = best_of_3 (run_newline_scan, stream, snapshot, &c_scan);
  t_parse = best_of_3 (run_json_glib_parse, stream, snapshot, &c_parse);
  t_slow = best_of_3 (run_json_glib_apply, stream, snapshot, &c_slow);
  t_fast = best_of_3 (run_fast_apply, stream, snapshot, &c_fast);
  t_positions_parse = best_of_3 (run_json_glib_parse, positions, snapshot, &c_positions_parse);
  t_positions = best_of_3 (run_positions_apply, positions, snapshot, &c_positions);

  printf ("\n  %-44s %14s %12s %12s\n", "best of 3", "events/s", "ns/event", "CPU ns/ev.");
  printf ("  %-44s %14.0f %12.1f %12.1f\n", "(a) newline scan (memchr), lower bound", n / t_scan, t_scan * 1e9 / n, c_scan * 1e9 / n);
  printf ("  %-44s %14.0f %12.1f %12.1f\n", "(b) json-glib parse only", n / t_parse, t_parse * 1e9 / n, c_parse * 1e9 / n);
  printf ("  %-44s %14.0f %12.1f %12.1f\n", "(c) json-glib parse + store apply", n / t_slow, t_slow * 1e9 / n, c_slow * 1e9 / n);
  printf ("  %-44s %14.0f %12.1f %12.1f\n", "(d) fast path decode + store apply", n / t_fast, t_fast * 1e9 / n, c_fast * 1e9 / n);
  printf ("  %-44s %14.0f %12.1f %12.1f\n", "(e) positions frames decode + store apply", n / t_positions,
          t_positions * 1e9 / n, c_positions * 1e9 / n);
  printf ("  %-44s %14.0f %12.1f %12.1f\n", "(e') json-glib parse only, positions frames", n / t_positions_parse,
          t_positions_parse * 1e9 / n, c_positions_parse * 1e9 / n);
  printf ("  positions frames: %.1f MB for the same %u fixes (%.0f bytes/fix), %u frames\n",
          positions->text->len / 1e6, n, (double) positions->text->len / n, positions->n_frames);
  printf ("\n  (d) is %.1fx faster than (b) and %.1fx faster than (c); %.1fx the cost of (a).\n",
          t_parse / t_fast, t_slow / t_fast, t_fast / t_scan);
  printf ("  by CPU time, (e) costs %.2fx what (d) does per fix.\n", c_positions / c_fast);
  printf ("  (e) is %.2fx (d) and %.1fx faster than its own json-glib parse (e').\n",
          t_fast / t_positions, t_positions_parse / t_positions);
  printf ("  target: >= 200,000 events/s applied on one core: %s (%.0f); positions frames %s (%.0f)\n",
          n / t_fast >= 200000 ? "met" : "NOT met", n / t_fast,
          n / t_positions >= 200000 ? "met" : "NOT met", n / t_positions);

  stream_free (stream);
  stream_free (positions);
  return 0;
}
