/* bench-multi.c — an alarm POSTed on server A, seen on server B's stream
 *
 * Two real jingbao-dispatchd processes on one SQLite database (the second
 * started with jb_test_server_start_sibling). One-click alarms from the
 * demo's alarm buttons (each button once) are POSTed to A; for each:
 *
 *   t0  just before the POST is handed to libsoup;
 *   tA  its incident.created frame arrives on a stream connected to A
 *       (the same server: the stock path, emitted after the commit);
 *   tB  the same frame arrives on a stream connected to B (the other
 *       server: it reads A's commit from the shared log, 50 ms tail).
 *
 * The next alarm leaves when both saw the last one, after 20–70 ms (not in
 * step with the tail's period). It prints p50/p90/p99/max of tB − t0 and
 * tA − t0 and their ratio; the target is p99 < 200 ms on loopback. It runs
 * on quiet servers with the default tail period (50 ms) and with 20 ms,
 * and with --simulate on A (2,000+ guards moving, the realistic load; only
 * one server runs the simulator).
 *
 *   meson test -C build --benchmark bench-multi -v
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jb-demo.h"
#include "jb-test-server.h"
#include "jb-test-wait.h"

#define DEFAULT_ALARMS 200
#define TIMEOUT_MS     30000

typedef struct
{
  char   *terminal_id;
  char   *authorization;
  gint64  t0, ta, tb;   /* µs, monotonic; 0 until then */
} Alarm;

typedef struct
{
  GPtrArray *alarms;
  guint      current;
} Run;

typedef struct
{
  Run                     *run;
  SoupSession             *session;
  SoupWebsocketConnection *connection;
  gboolean                 is_b;
} Reader;

static void
message_cb (SoupWebsocketConnection *connection,
            gint                     type,
            GBytes                  *message,
            Reader                  *reader)
{
  gint64 now = g_get_monotonic_time ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data = g_bytes_get_data (message, &len);
  const char *terminal_id;
  Alarm *alarm;

  if (reader->run->current >= reader->run->alarms->len ||
      !json_parser_load_from_data (parser, data, (gssize) len, NULL) ||
      g_strcmp0 (jb_test_json_string (json_parser_get_root (parser), "type"), "incident.created") != 0)
    return;
  terminal_id = jb_test_json_string (json_parser_get_root (parser), "data.incident.terminal_id");
  alarm = g_ptr_array_index (reader->run->alarms, reader->run->current);
  if (g_strcmp0 (terminal_id, alarm->terminal_id) != 0)
    return;
  if (reader->is_b)
    alarm->tb = now;
  else
    alarm->ta = now;
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Reader *reader = user_data;
  g_autoptr(GError) error = NULL;

  reader->connection = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
  soup_websocket_connection_set_max_incoming_payload_size (reader->connection, 16 * 1024 * 1024);
  g_signal_connect (reader->connection, "message", G_CALLBACK (message_cb), reader);
}

static gboolean
reader_ready (gpointer data)
{
  return ((Reader *) data)->connection != NULL;
}

static Reader *
reader_new (Run          *run,
            JbTestServer *server,
            const char   *auth,
            gboolean      is_b)
{
  Reader *reader = g_new0 (Reader, 1);
  g_autofree char *url = g_strconcat (jb_test_server_get_url (server), "/api/v1/events", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  reader->run = run;
  reader->is_b = is_b;
  reader->session = soup_session_new ();
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_session_websocket_connect_async (reader->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        connect_cb, reader);
  g_assert_true (jb_test_wait_for (reader_ready, reader, TIMEOUT_MS));
  return reader;
}

static void
reader_free (Reader *reader)
{
  g_signal_handlers_disconnect_by_data (reader->connection, reader);
  soup_websocket_connection_close (reader->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_object_unref (reader->connection);
  g_object_unref (reader->session);
  g_free (reader);
}

static gboolean
both_seen (gpointer data)
{
  Alarm *alarm = data;

  return alarm->ta != 0 && alarm->tb != 0;
}

static void
posted_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);
  SoupMessage *msg = user_data;

  if (soup_message_get_status (msg) != 201)
    g_error ("An alarm was answered %u", soup_message_get_status (msg));
  g_object_unref (msg);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *sorted,
            double  p)
{
  guint i = (guint) (p * (sorted->len - 1) + 0.5);

  return g_array_index (sorted, double, MIN (i, sorted->len - 1));
}

static void
report (const char *what,
        GArray     *ms)
{
  g_array_sort (ms, compare_doubles);
  printf ("  %-34s p50 %6.1f  p90 %6.1f  p99 %6.1f  max %6.1f ms\n", what,
          percentile (ms, 0.5), percentile (ms, 0.9), percentile (ms, 0.99),
          g_array_index (ms, double, ms->len - 1));
}

static void
run_once (guint       n_alarms,
          gboolean    simulate,
          const char *tail_ms)
{
  const char *first_args[] = { "--tail-ms", tail_ms, "--demo", simulate ? "--simulate" : NULL, NULL };
  const char *second_args[] = { "--tail-ms", tail_ms, NULL };
  JbTestServer *a = jb_test_server_start (first_args);
  JbTestServer *b = jb_test_server_start_sibling (a, second_args);
  g_autofree char *auth = jb_test_login (a, "dispatcher", "demo");
  g_autoptr(JbTestResponse) snapshot = jb_test_request (a, "GET", "/api/v1/snapshot", auth, NULL, NULL);
  g_autoptr(SoupSession) device = soup_session_new ();
  g_autoptr(GArray) cross = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) same = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *alarm_url = g_strconcat (jb_test_server_get_url (a), "/api/v1/device/alarm", NULL);
  JsonArray *terminals;
  Run run = { g_ptr_array_new (), 0 };
  Reader *on_a, *on_b;
  GRand *rand = g_rand_new_with_seed (12);

  g_assert_cmpuint (snapshot->status, ==, 200);
  terminals = json_node_get_array (jb_test_json_get (snapshot->body, "terminals"));
  for (guint i = 0; i < json_array_get_length (terminals) && run.alarms->len < n_alarms; i++)
    {
      JsonObject *terminal = json_array_get_object_element (terminals, i);
      g_autofree char *secret = NULL;
      Alarm *alarm;

      if (g_strcmp0 (json_object_get_string_member (terminal, "kind"), "alarm_button") != 0)
        continue;
      alarm = g_new0 (Alarm, 1);
      alarm->terminal_id = g_strdup (json_object_get_string_member (terminal, "id"));
      secret = jb_demo_terminal_secret (alarm->terminal_id);
      alarm->authorization = jb_test_device_auth (alarm->terminal_id, secret);
      g_ptr_array_add (run.alarms, alarm);
    }
  g_assert_cmpuint (run.alarms->len, >, 10);

  on_a = reader_new (&run, a, auth, FALSE);
  on_b = reader_new (&run, b, auth, TRUE);
  for (run.current = 0; run.current < run.alarms->len; run.current++)
    {
      Alarm *alarm = g_ptr_array_index (run.alarms, run.current);
      SoupMessage *msg = soup_message_new ("POST", alarm_url);
      g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);

      jb_test_spin ((guint) g_rand_int_range (rand, 20, 71));
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    alarm->authorization);
      soup_message_set_request_body_from_bytes (msg, "application/json", body);
      alarm->t0 = g_get_monotonic_time ();
      soup_session_send_and_read_async (device, msg, G_PRIORITY_DEFAULT, NULL, posted_cb, msg);
      if (!jb_test_wait_for (both_seen, alarm, TIMEOUT_MS))
        g_error ("Alarm %u of %s was not seen on both streams within %d s",
                 run.current, alarm->terminal_id, TIMEOUT_MS / 1000);
      g_array_append_val (cross, (double) { (alarm->tb - alarm->t0) / 1000.0 });
      g_array_append_val (same, (double) { (alarm->ta - alarm->t0) / 1000.0 });
    }

  printf ("%s, --tail-ms %s, %u alarms POSTed on A:\n", simulate ? "With --simulate on A" : "Quiet servers",
          tail_ms, run.alarms->len);
  report ("on B's stream (other server)", cross);
  report ("on A's stream (same server, stock)", same);
  printf ("  ratio of p99, other server / same server: %.2f (target: p99 on B < 200 ms)\n",
          percentile (cross, 0.99) / MAX (percentile (same, 0.99), 0.001));

  reader_free (on_a);
  reader_free (on_b);
  for (guint i = 0; i < run.alarms->len; i++)
    {
      Alarm *alarm = g_ptr_array_index (run.alarms, i);

      g_free (alarm->terminal_id);
      g_free (alarm->authorization);
      g_free (alarm);
    }
  g_ptr_array_unref (run.alarms);
  g_rand_free (rand);
  jb_test_server_free (b);
  jb_test_server_free (a);
}

int
main (int    argc,
      char **argv)
{
  const char *env = g_getenv ("JB_BENCH_ALARMS");
  guint n = env != NULL ? (guint) atoi (env) : DEFAULT_ALARMS;

  setvbuf (stdout, NULL, _IOLBF, 0);
  printf ("bench-multi: two jingbao-dispatchd on one SQLite database; alarm POST on A → event on B\n");
  run_once (n, FALSE, "50");
  run_once (n, FALSE, "20");
  run_once (n, TRUE, "50");
  return 0;
}
