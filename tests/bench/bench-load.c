/* bench-load.c — load and soak: the simulator at 20,000 units at 1 Hz
 * plus alarms, several consoles (client cores) live on it
 *
 * Prints events/s and positions/s per client, device fix → client store
 * latency p50/p99 (the fix's own time against the moment a client's store
 * shows it, sampled every 20 ms on 1,000 units), incident POST p50/p99
 * under the flood (a dispatcher's thread of its own, 4 a second), how many
 * rows the event log grew by, and the RSS of the server and of the client
 * process at start and end.
 *
 *   JB_BENCH_SOAK=1     10 minutes instead of 1
 *   JB_BENCH_SECONDS=N  N seconds
 *   JB_BENCH_CLIENTS=N  clients (default 3)
 *   JB_BENCH_UNITS=N    extra units (default 20000)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jb-core.h"
#include "jb-test-bench.h"
#include "jb-test-client.h"

#define SAMPLED 1000

typedef struct
{
  JbClient **clients;
  guint      n_clients;
  gint64    *last_time;  /* n_clients × SAMPLED */
  GArray    *latency;    /* gint64 ms */
} Sampler;

static gboolean
sample_cb (gpointer data)
{
  Sampler *s = data;
  gint64 now_ms = g_get_real_time () / 1000;

  for (guint c = 0; c < s->n_clients; c++)
    {
      JbStore *store = jb_client_get_store (s->clients[c]);
      guint n = 0;
      const JbUnitPoint *points = jb_store_get_unit_points (store, &n);

      for (guint i = 0; i < MIN (n, SAMPLED); i++)
        {
          guint k = (guint) ((guint64) i * n / SAMPLED);
          gint64 *last = &s->last_time[c * SAMPLED + i];

          if (points[k].time > *last)
            {
              if (*last != 0)
                {
                  gint64 late = now_ms - points[k].time;

                  g_array_append_val (s->latency, late);
                }
              *last = points[k].time;
            }
        }
    }
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  GPid    server;
  gint64  start;
  JbClient **clients;
  guint   n_clients;
} RssProbe;

/* One line a minute: a leak shows as a slope, caches settling as a step. */
static gboolean
rss_cb (gpointer data)
{
  RssProbe *p = data;
  guint64 events = 0;

  for (guint c = 0; c < p->n_clients; c++)
    events += jb_store_get_n_events (jb_client_get_store (p->clients[c]));
  printf ("  t=%3.0f s  RSS server %ld MiB, clients %ld MiB, events applied %" G_GUINT64_FORMAT "\n",
          (g_get_monotonic_time () - p->start) / 1e6, jb_test_rss_kib (p->server) / 1024, jb_test_rss_kib (getpid ()) / 1024, events);
  fflush (stdout);
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  const char *soak = g_getenv ("JB_BENCH_SOAK");
  const char *seconds_env = g_getenv ("JB_BENCH_SECONDS");
  const char *clients_env = g_getenv ("JB_BENCH_CLIENTS");
  const char *units_env = g_getenv ("JB_BENCH_UNITS");
  guint seconds = seconds_env != NULL ? (guint) atoi (seconds_env) : soak != NULL && *soak == '1' ? 600 : 60;
  guint n_clients = clients_env != NULL ? (guint) atoi (clients_env) : 3;
  g_autofree char *units = g_strdup (units_env != NULL ? units_env : "20000");
  const char *args[] = { "--demo", "--demo-extra-units", units, "--simulate", "--sim-rate", "1",
                         "--sim-moving-fraction", "1", "--sim-alarms-per-min", "30", NULL };
  JbTestServer *server;
  g_autofree JbClient **clients = NULL;
  g_autofree guint64 *events_start = NULL;
  g_autofree guint64 *moves_start = NULL;
  g_autofree char *dispatcher = NULL;
  JbTestPoster poster = { 0 };
  GThread *poster_thread;
  gint64 seq_start, seq_end;
  Sampler sampler = { 0 };
  long server_rss_start, client_rss_start, server_rss_end, client_rss_end;
  GPid self_pid = getpid ();
  guint sample_id, rss_id;
  RssProbe rss_probe;
  gint64 start;
  double elapsed;

  g_test_init (&argc, &argv, NULL);
  server = jb_test_server_start (args);
  clients = g_new0 (JbClient *, n_clients);
  events_start = g_new0 (guint64, n_clients);
  moves_start = g_new0 (guint64, n_clients);
  dispatcher = jb_test_login (server, "dispatcher", "demo");
  for (guint c = 0; c < n_clients; c++)
    {
      clients[c] = jb_test_client_new_signed_in (server, "dispatcher", "demo");
      jb_test_client_start_live (clients[c], 120000);
    }
  /* Let the simulator reach its pace. */
  jb_test_spin (5000);
  server_rss_start = jb_test_rss_kib (jb_test_server_get_pid (server));
  client_rss_start = jb_test_rss_kib (self_pid);

  sampler.clients = clients;
  sampler.n_clients = n_clients;
  sampler.last_time = g_new0 (gint64, (gsize) n_clients * SAMPLED);
  sampler.latency = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint c = 0; c < n_clients; c++)
    {
      events_start[c] = jb_store_get_n_events (jb_client_get_store (clients[c]));
      moves_start[c] = jb_store_get_n_moves (jb_client_get_store (clients[c]));
    }
  poster.url = g_strdup_printf ("%s/api/v1/incidents", jb_test_server_get_url (server));
  poster.authorization = dispatcher;
  poster.latency_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  seq_start = jb_test_server_seq (server, dispatcher);
  sample_id = g_timeout_add (20, sample_cb, &sampler);
  start = g_get_monotonic_time ();
  poster_thread = g_thread_new ("bench-incidents", jb_test_post_incidents_thread, &poster);
  printf ("%u clients, %s extra units at 1 Hz, alarms 30/min, %u s\n", n_clients, units, seconds);
  rss_probe = (RssProbe) { jb_test_server_get_pid (server), start, clients, n_clients };
  rss_id = g_timeout_add_seconds (60, rss_cb, &rss_probe);
  jb_test_spin (seconds * 1000);
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  g_source_remove (sample_id);
  g_source_remove (rss_id);
  g_atomic_int_set (&poster.stop, 1);
  g_thread_join (poster_thread);
  seq_end = jb_test_server_seq (server, dispatcher);

  for (guint c = 0; c < n_clients; c++)
    {
      JbStore *store = jb_client_get_store (clients[c]);
      guint64 n = jb_store_get_n_events (store) - events_start[c];
      guint64 moves = jb_store_get_n_moves (store) - moves_start[c];

      printf ("client %u: %.0f events/s, %.0f positions/s, %u reconnects, %u gaps, live %s\n",
              c, n / elapsed, moves / elapsed, jb_client_get_reconnect_count (clients[c]),
              jb_client_get_gap_count (clients[c]),
              jb_test_client_is_live (clients[c]) ? "yes" : "NO");
      /* A run in which a client applied nothing measured nothing. */
      g_assert_cmpuint (n + moves, >, 0);
    }
  printf ("event log: %" G_GINT64_FORMAT " rows appended in %.0f s (%.0f/s), seq now %" G_GINT64_FORMAT "\n",
          seq_end - seq_start, elapsed, (seq_end - seq_start) / elapsed, seq_end);
  g_array_sort (poster.latency_us, jb_test_compare_int64);
  if (poster.latency_us->len > 0)
    printf ("incident POST under the flood: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%u posts, %u failed)\n",
            g_array_index (poster.latency_us, gint64, poster.latency_us->len / 2) / 1e3,
            g_array_index (poster.latency_us, gint64, (guint) (poster.latency_us->len * 0.99)) / 1e3,
            g_array_index (poster.latency_us, gint64, poster.latency_us->len - 1) / 1e3,
            poster.latency_us->len, poster.failures);
  g_array_sort (sampler.latency, jb_test_compare_int64);
  if (sampler.latency->len > 0)
    printf ("fix → client store: p50 %" G_GINT64_FORMAT " ms, p99 %" G_GINT64_FORMAT " ms, max %" G_GINT64_FORMAT
            " ms (%u samples)\n",
            g_array_index (sampler.latency, gint64, sampler.latency->len / 2),
            g_array_index (sampler.latency, gint64, (guint) (sampler.latency->len * 0.99)),
            g_array_index (sampler.latency, gint64, sampler.latency->len - 1), sampler.latency->len);
  server_rss_end = jb_test_rss_kib (jb_test_server_get_pid (server));
  client_rss_end = jb_test_rss_kib (self_pid);
  printf ("RSS server: %ld → %ld MiB; %u clients (one process): %ld → %ld MiB\n",
          server_rss_start / 1024, server_rss_end / 1024, n_clients, client_rss_start / 1024, client_rss_end / 1024);

  for (guint c = 0; c < n_clients; c++)
    {
      jb_client_stop (clients[c]);
      g_object_unref (clients[c]);
    }
  jb_test_server_free (server);
  g_array_unref (sampler.latency);
  g_array_unref (poster.latency_us);
  g_free (poster.url);
  g_free (sampler.last_time);
  return 0;
}
