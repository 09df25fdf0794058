/* bench-main-loop-stall.c — the longest main-loop stall of a console's
 * core during a 20,000-unit snapshot reload and a stalled connection
 *
 * A 1 ms timeout runs all along; its lateness (how long after it was due
 * it ran) is the time the main loop could not draw a frame or take a
 * key. Prints the longest stall and the 99th percentile per phase, and
 * the ratio of the longest against the 50 ms target. On a loaded machine
 * a runnable main loop also waits for a core: each phase also prints the
 * most CPU time the main thread spent between two ticks (its longest busy
 * stretch), which the other processes on the machine do not inflate.
 *
 *   JB_BENCH_UNITS   extra units (default 20000)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "jb-core.h"
#include "jb-test-bench.h"
#include "jb-test-outbox.h"
#include "jb-test-proxy.h"

#define TARGET_MS 50.0

typedef struct
{
  gint64  due;
  GArray *lateness;  /* gint64 µs */
  gint64  cpu;       /* the main thread's CPU time at the last tick, µs */
  gint64  busiest;   /* the most CPU time between two ticks, µs */
} Probe;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
tick_cb (gpointer data)
{
  Probe *probe = data;
  gint64 now = g_get_monotonic_time ();
  gint64 late = now - probe->due;
  gint64 cpu = thread_cpu_us ();

  g_array_append_val (probe->lateness, late);
  probe->busiest = MAX (probe->busiest, cpu - probe->cpu);
  probe->cpu = cpu;
  probe->due = now + 1000;
  return G_SOURCE_CONTINUE;
}

static void
report (const char *phase,
        Probe      *probe)
{
  GArray *l = probe->lateness;
  double max_ms, p99_ms;

  g_array_sort (l, jb_test_compare_int64);
  max_ms = l->len > 0 ? g_array_index (l, gint64, l->len - 1) / 1000.0 : 0;
  p99_ms = l->len > 0 ? g_array_index (l, gint64, (guint) (l->len * 0.99)) / 1000.0 : 0;
  printf ("%-34s ticks %6u  p99 %7.2f ms  longest stall %7.2f ms  (%.2f× the %.0f ms target)"
          "  longest busy %6.2f ms\n",
          phase, l->len, p99_ms, max_ms, max_ms / TARGET_MS, TARGET_MS, probe->busiest / 1000.0);
  g_array_set_size (l, 0);
  probe->busiest = 0;
}

static gboolean
not_live (gpointer data)
{
  return !jb_test_client_is_live (data);
}

static void
spin_ms (guint ms)
{
  jb_test_spin (ms);
}

int
main (int   argc,
      char *argv[])
{
  const char *units_env = g_getenv ("JB_BENCH_UNITS");
  g_autofree char *units = g_strdup (units_env != NULL ? units_env : "20000");
  const char *args[] = { "--demo", "--demo-extra-units", units, NULL };
  g_autofree char *dir = g_dir_make_tmp ("jb-bench-stall-XXXXXX", NULL);
  JbTestServer *server;
  JbTestProxy *proxy;
  g_autoptr(JbClient) client = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *incident = NULL;
  Probe probe = { 0, g_array_new (FALSE, FALSE, sizeof (gint64)) };
  guint tick;
  gint64 start;

  g_test_init (&argc, &argv, NULL);
  server = jb_test_server_start (args);
  proxy = jb_test_proxy_new (jb_test_server_get_url (server));
  auth = jb_test_login (server, "dispatcher", "demo");
  incident = jb_test_new_incident (server, auth);
  client = jb_test_outbox_client_new (jb_test_proxy_get_url (proxy), dir);
  printf ("units in the store: %u\n", g_list_model_get_n_items (jb_store_get_units (jb_client_get_store (client))));

  probe.due = g_get_monotonic_time () + 1000;
  probe.cpu = thread_cpu_us ();
  tick = g_timeout_add (1, tick_cb, &probe);

  /* Idle and live: the baseline. */
  spin_ms (2000);
  report ("live, idle", &probe);

  /* Snapshot reloads: the stream stops and starts, the store reloads. */
  for (int i = 0; i < 3; i++)
    {
      jb_client_stop (client);
      g_assert_true (jb_test_wait_for (not_live, client, JB_TEST_WAIT_MS));
      probe.due = g_get_monotonic_time () + 1000;
      probe.cpu = thread_cpu_us ();
      start = g_get_monotonic_time ();
      jb_client_start (client);
      g_assert_true (jb_test_wait_for ((JbTestCheck) jb_test_client_is_live, client, JB_TEST_WAIT_MS));
      printf ("snapshot reload %d: live again in %.0f ms\n", i + 1, (g_get_monotonic_time () - start) / 1000.0);
    }
  report ("20,000-unit snapshot reloads (3)", &probe);

  /* A stalled connection: nothing comes back, commands keep coming. */
  jb_test_proxy_stall (proxy, JB_TEST_PROXY_DOWN, FALSE);
  for (int i = 0; i < 20; i++)
    {
      g_autofree char *text = g_strdup_printf ("stall-%d", i);

      jb_client_queue_command (client, jb_command_new_note (incident, text), NULL, NULL, NULL);
      spin_ms (100);
    }
  spin_ms (3000);
  report ("stalled connection, 20 commands", &probe);

  /* Cut: the stream reconnects with backoff while commands wait. */
  jb_test_proxy_cut (proxy);
  spin_ms (3000);
  report ("cut connection", &probe);
  jb_test_proxy_heal (proxy);
  g_assert_true (jb_test_wait_for ((JbTestCheck) jb_test_outbox_settled, client, JB_TEST_WAIT_MS));
  report ("healed: resend and catch up", &probe);

  g_source_remove (tick);
  jb_client_stop (client);
  g_clear_object (&client);
  jb_test_proxy_free (proxy);
  jb_test_server_free (server);
  g_array_unref (probe.lateness);
  return 0;
}
