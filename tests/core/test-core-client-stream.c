/* test-core-client-stream.c — JbClient's stream handling against a scripted
 * fake server: gaps, resync_required, closes, silence, command retries.
 *
 * The real server never misbehaves on cue, so these cases get a small
 * SoupServer on 127.0.0.1 that does exactly what each test says.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <libsoup/soup.h>
#include <string.h>

#include "jb-client-private.h"
#include "jb-core.h"
#include "jb-test-client.h"

#define WAIT_MS 20000

/* libsoup 3.2's SoupServer (our fake server, not the code under test)
 * leaks the sockets it accepted when the client closes them while idle
 * (fixed upstream in 3.3), and a socket address in soup_server_listen_local.
 * LeakSanitizer reads this hook at exit; it only covers this binary. */
const char *__lsan_default_suppressions (void);

const char *
__lsan_default_suppressions (void)
{
  return "leak:g_socket_accept\n"
         "leak:soup_server_listen_local\n";
}

typedef struct
{
  SoupServer *server;
  char       *url;
  gint64      seq;             /* the seq of the next snapshot */
  guint       n_snapshots;
  gboolean    refuse_snapshot; /* answer 401 */
  GPtrArray  *connections;     /* SoupWebsocketConnection */
  GPtrArray  *sinces;          /* char *, the since= of each connection */
  GPtrArray  *command_keys;    /* char *, Idempotency-Key of each POST */
  guint       fail_commands;   /* drop this many POSTs without an answer */
  gint64      health_seq;      /* the seq GET /api/v1/health reports */
  guint       extra_units;     /* more units in the snapshot (a city's worth) */
} FakeServer;

static void
set_json (SoupServerMessage *msg,
          guint              status,
          const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

static void
session_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  set_json (msg, 201, "{\"token\": \"0123abcd\", \"expires_at\": 1795400000000,"
                      " \"user\": {\"username\": \"dispatcher\", \"display_name\": \"D\","
                      " \"role\": \"dispatcher\", \"station_id\": null}}");
}

static void
snapshot_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  FakeServer *fake = user_data;
  g_autofree char *json = NULL;

  if (fake->refuse_snapshot)
    {
      set_json (msg, 401, "{\"error\": {\"code\": \"unauthorized\", \"message\": \"The session expired.\"}}");
      return;
    }

  fake->n_snapshots++;
  {
    g_autoptr(GString) extra = g_string_new (NULL);

    for (guint i = 0; i < fake->extra_units; i++)
      g_string_append_printf (extra, ", {\"id\": \"u-x%05u\", \"kind\": \"guard\", \"status\": \"available\","
                                     " \"callsign\": \"保-%u\", \"position\": {\"lat\": 28.2, \"lon\": 112.9,"
                                     " \"time\": %" G_GINT64_FORMAT "}}", i, i, fake->seq);
    json = g_strdup_printf ("{\"seq\": %" G_GINT64_FORMAT ", \"server_time\": 1795400000000,"
                            " \"user\": {\"username\": \"dispatcher\", \"role\": \"dispatcher\"}, \"config\": {},"
                            " \"stations\": [], \"terminals\": [], \"incidents\": [],"
                            " \"units\": [{\"id\": \"u-1\", \"kind\": \"guard\", \"status\": \"available\"},"
                            "             {\"id\": \"u-2\", \"kind\": \"officer\", \"status\": \"available\"}%s]}",
                            fake->seq, extra->str);
  }
  set_json (msg, 200, json);
}

static void
health_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  FakeServer *fake = user_data;
  g_autofree char *json = g_strdup_printf ("{\"status\": \"ok\", \"seq\": %" G_GINT64_FORMAT
                                           ", \"version\": \"fake\"}", fake->health_seq);

  set_json (msg, 200, json);
}

static void
incidents_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  FakeServer *fake = user_data;
  const char *key = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                  "Idempotency-Key");

  g_ptr_array_add (fake->command_keys, g_strdup (key ? key : "(none)"));
  if (fake->fail_commands > 0)
    {
      /* No answer at all: as if the network dropped it. */
      g_autoptr(GIOStream) stream = NULL;

      fake->fail_commands--;
      stream = soup_server_message_steal_connection (msg);
      g_io_stream_close (stream, NULL, NULL);
      return;
    }

  set_json (msg, 201, "{\"id\": \"inc-1\"}");
}

static void
events_cb (SoupServer              *server,
           SoupServerMessage       *msg,
           const char              *path,
           SoupWebsocketConnection *connection,
           gpointer                 user_data)
{
  FakeServer *fake = user_data;
  GUri *uri = soup_server_message_get_uri (msg);
  g_autoptr(GHashTable) params = g_uri_parse_params (g_uri_get_query (uri) ? g_uri_get_query (uri) : "",
                                                     -1, "&", G_URI_PARAMS_NONE, NULL);
  const char *since = params ? g_hash_table_lookup (params, "since") : NULL;

  g_ptr_array_add (fake->sinces, g_strdup (since ? since : "(none)"));
  g_ptr_array_add (fake->connections, g_object_ref (connection));
}

static FakeServer *
fake_server_new (void)
{
  FakeServer *fake = g_new0 (FakeServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fake->server = soup_server_new (NULL, NULL);
  fake->connections = g_ptr_array_new_with_free_func (g_object_unref);
  fake->sinces = g_ptr_array_new_with_free_func (g_free);
  fake->command_keys = g_ptr_array_new_with_free_func (g_free);
  soup_server_add_handler (fake->server, "/api/v1/session", session_cb, fake, NULL);
  soup_server_add_handler (fake->server, "/api/v1/snapshot", snapshot_cb, fake, NULL);
  soup_server_add_handler (fake->server, "/api/v1/incidents", incidents_cb, fake, NULL);
  soup_server_add_handler (fake->server, "/api/v1/health", health_cb, fake, NULL);
  fake->health_seq = G_MAXINT32;
  soup_server_add_websocket_handler (fake->server, "/api/v1/events", NULL, NULL, events_cb, fake, NULL);

  g_assert_true (soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (fake->server);
  fake->url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return fake;
}

static void
fake_server_free (FakeServer *fake)
{
  for (guint i = 0; i < fake->connections->len; i++)
    {
      SoupWebsocketConnection *ws = g_ptr_array_index (fake->connections, i);

      if (soup_websocket_connection_get_state (ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
    }
  g_ptr_array_unref (fake->connections);
  g_ptr_array_unref (fake->sinces);
  g_ptr_array_unref (fake->command_keys);
  soup_server_disconnect (fake->server);
  g_object_unref (fake->server);
  g_free (fake->url);
  g_free (fake);
}

static SoupWebsocketConnection *
fake_connection (FakeServer *fake,
                 guint       i)
{
  return g_ptr_array_index (fake->connections, i);
}

static void
fake_send (FakeServer *fake,
           guint       connection,
           const char *text)
{
  soup_websocket_connection_send_text (fake_connection (fake, connection), text);
}

static void
fake_send_moved (FakeServer *fake,
                 guint       connection,
                 gint64      seq)
{
  g_autofree char *text = g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",\"type\":\"unit.moved\",\"time\":1,"
                                           "\"data\":{\"id\":\"u-1\",\"lat\":28.2,\"lon\":112.9,"
                                           "\"heading\":null,\"speed\":null,\"accuracy\":null,\"time\":%"
                                           G_GINT64_FORMAT "}}", seq, seq);

  fake_send (fake, connection, text);
}

typedef struct
{
  FakeServer *fake;
  guint       n;
} CountWait;

static gboolean
n_connections_reached (gpointer data)
{
  CountWait *w = data;

  return w->fake->connections->len >= w->n;
}

static void
wait_connections (FakeServer *fake,
                  guint       n)
{
  CountWait w = { fake, n };

  if (!jb_test_wait_for (n_connections_reached, &w, WAIT_MS))
    g_error ("The client opened %u stream(s), expected %u", fake->connections->len, n);
}

typedef struct
{
  JbClient *client;
  gint64    seq;
} ClientWait;

static gboolean
seq_reached (gpointer data)
{
  ClientWait *w = data;

  return jb_store_get_seq (jb_client_get_store (w->client)) == w->seq;
}

static void
wait_seq (JbClient *client,
          gint64    seq)
{
  ClientWait w = { client, seq };

  if (!jb_test_wait_for (seq_reached, &w, WAIT_MS))
    g_error ("The store is at seq %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT,
             jb_store_get_seq (jb_client_get_store (client)), seq);
}

static JbClient *
started_client (FakeServer *fake,
                guint       liveness_ms)
{
  JbClient *client = jb_client_new (fake->url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (liveness_ms > 0)
    _jb_client_set_liveness_timeout (client, liveness_ms);

  jb_client_login_async (client, "dispatcher", "demo", NULL, jb_test_store_result_cb, &result);
  (void) jb_test_wait_result (&result, WAIT_MS);
  g_assert_true (jb_client_login_finish (client, result, &error));
  g_assert_no_error (error);

  jb_client_start (client);
  return client;
}

static void
drop_client (JbClient **client)
{
  jb_client_stop (*client);
  g_assert_finalize_object (g_steal_pointer (client));
}

/* Tests */

static void
test_gap_resync_close (void)
{
  FakeServer *fake = fake_server_new ();
  g_autoptr(JbClient) client = NULL;
  JbStore *store;

  fake->seq = 10;
  client = started_client (fake, 0);
  store = jb_client_get_store (client);
  wait_connections (fake, 1);
  jb_test_client_wait_state (client, JB_CONNECTION_STATE_LIVE, WAIT_MS);
  g_assert_cmpuint (fake->n_snapshots, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fake->sinces, 0), ==, "10");

  /* 11 applies; 13 is a gap: reload the snapshot, reconnect from it. */
  fake->seq = 20;
  fake_send_moved (fake, 0, 11);
  wait_seq (client, 11);
  fake_send_moved (fake, 0, 13);
  wait_connections (fake, 2);
  g_assert_cmpuint (jb_client_get_gap_count (client), ==, 1);
  g_assert_cmpuint (fake->n_snapshots, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fake->sinces, 1), ==, "20");
  /* The stream opens while the snapshot goes in by slices; live once in. */
  jb_test_client_wait_state (client, JB_CONNECTION_STATE_LIVE, WAIT_MS);
  g_assert_cmpint (jb_store_get_seq (store), ==, 20);

  /* resync_required, then close 4000: reload again. */
  fake->seq = 30;
  fake_send (fake, 1, "{\"seq\": 0, \"type\": \"resync_required\", \"data\": {\"oldest_seq\": 25, \"latest_seq\": 30}}");
  soup_websocket_connection_close (fake_connection (fake, 1), 4000, "resync_required");
  wait_connections (fake, 3);
  g_assert_cmpuint (fake->n_snapshots, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (fake->sinces, 2), ==, "30");
  jb_test_client_wait_state (client, JB_CONNECTION_STATE_LIVE, WAIT_MS);

  /* A plain close (server restarting, slow consumer…): resume from our
   * seq, no snapshot needed. */
  fake_send_moved (fake, 2, 31);
  fake_send_moved (fake, 2, 32);
  wait_seq (client, 32);
  soup_websocket_connection_close (fake_connection (fake, 2), 4001, "slow_consumer");
  jb_test_client_wait_state (client, JB_CONNECTION_STATE_RECONNECTING, WAIT_MS);
  wait_connections (fake, 4);
  jb_test_client_wait_state (client, JB_CONNECTION_STATE_LIVE, WAIT_MS);
  g_assert_cmpuint (fake->n_snapshots, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (fake->sinces, 3), ==, "32");
  g_assert_cmpuint (jb_client_get_gap_count (client), ==, 1);
  g_assert_cmpuint (jb_client_get_reconnect_count (client), >=, 3);

  /* Replayed duplicates are ignored, the stream goes on. */
  fake_send_moved (fake, 3, 31);
  fake_send_moved (fake, 3, 33);
  wait_seq (client, 33);
  g_assert_cmpuint (fake->connections->len, ==, 4);

  /* A server that lost its past (database replaced) is behind us: resuming
   * with since= would hear nothing, so the client reloads instead. */
  fake->health_seq = 5;
  fake->seq = 6;
  soup_websocket_connection_close (fake_connection (fake, 3), SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  wait_connections (fake, 5);
  g_assert_cmpuint (fake->n_snapshots, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (fake->sinces, 4), ==, "6");
  jb_test_client_wait_state (client, JB_CONNECTION_STATE_LIVE, WAIT_MS);
  g_assert_cmpint (jb_store_get_seq (store), ==, 6);

  drop_client (&client);
  fake_server_free (fake);
}

typedef struct
{
  JbStore *store;
  guint64  n;
} MovesWait;

static gboolean
moves_reached (gpointer data)
{
  MovesWait *w = data;

  return jb_store_get_n_moves (w->store) >= w->n;
}

/* Positions frames carry no seq: between events they are applied and are
 * never a gap, in the server's own form (the scanner) or another (json-glib). */
static void
test_positions_not_a_gap (void)
{
  FakeServer *fake = fake_server_new ();
  g_autoptr(JbClient) client = NULL;
  JbStore *store;
  JbPosition pos;
  MovesWait w;

  fake->seq = 10;
  client = started_client (fake, 0);
  store = jb_client_get_store (client);
  wait_connections (fake, 1);
  jb_test_client_wait_state (client, JB_CONNECTION_STATE_LIVE, WAIT_MS);
  w.store = store;
  w.n = jb_store_get_n_moves (store) + 3;

  fake_send_moved (fake, 0, 11);
  fake_send (fake, 0, "{\"type\":\"positions\",\"time\":1795400000000,\"data\":{\"items\":["
                      "{\"id\":\"u-2\",\"lat\":28.25,\"lon\":112.95,\"heading\":null,\"speed\":null,"
                      "\"accuracy\":null,\"time\":1795400000100}]}}");
  fake_send (fake, 0, "{\"time\": 1, \"data\": {\"items\": [{\"id\": \"u-1\", \"lat\": 28.26, \"lon\": 112.96,"
                      " \"time\": 1795400000200}]}, \"type\": \"positions\"}");
  fake_send_moved (fake, 0, 12);
  wait_seq (client, 12);
  g_assert_true (jb_test_wait_for (moves_reached, &w, WAIT_MS));

  g_assert_true (jb_unit_get_position (jb_store_lookup_unit (store, "u-2"), &pos));
  g_assert_cmpfloat (pos.lat, ==, 28.25);
  g_assert_cmpint (pos.time, ==, 1795400000100);
  g_assert_cmpuint (jb_client_get_gap_count (client), ==, 0);
  g_assert_cmpuint (fake->connections->len, ==, 1);
  g_assert_cmpuint (fake->n_snapshots, ==, 1);
  g_assert_cmpint (jb_client_get_state (client), ==, JB_CONNECTION_STATE_LIVE);

  drop_client (&client);
  fake_server_free (fake);
}

static void
live_means_loaded_cb (JbClient *client,
                      GParamSpec *pspec,
                      gint64   *snapshot_seq)
{
  if (jb_client_get_state (client) == JB_CONNECTION_STATE_LIVE)
    g_assert_cmpint (jb_store_get_seq (jb_client_get_store (client)), >=, *snapshot_seq);
}

static gint64
unit_fix_time (JbClient *client)
{
  JbPosition pos;

  g_assert_true (jb_unit_get_position (jb_store_lookup_unit (jb_client_get_store (client), "u-1"), &pos));
  return pos.time;
}

/* A city's snapshot goes in by slices while the stream is already open:
 * the frames that come meanwhile wait and follow it, in order, none lost
 * or applied twice; the client is live only once the snapshot is in. */
static void
test_events_during_snapshot (void)
{
  FakeServer *fake = fake_server_new ();
  g_autoptr(JbClient) client = NULL;
  gint64 snapshot_seq = 10;

  fake->seq = 10;
  fake->extra_units = 1000;
  client = started_client (fake, 0);
  g_signal_connect (client, "notify::state", G_CALLBACK (live_means_loaded_cb), &snapshot_seq);
  wait_connections (fake, 1);
  g_assert_cmpstr (g_ptr_array_index (fake->sinces, 0), ==, "10");
  for (gint64 seq = 11; seq <= 13; seq++)
    fake_send_moved (fake, 0, seq);
  jb_test_client_wait_state (client, JB_CONNECTION_STATE_LIVE, WAIT_MS);
  wait_seq (client, 13);
  g_assert_cmpint (unit_fix_time (client), ==, 13);
  g_assert_cmpuint (g_list_model_get_n_items (jb_store_get_units (jb_client_get_store (client))), ==, 1002);

  /* A gap: the reload updates 1,000 surviving units in place. */
  fake->seq = 20;
  snapshot_seq = 20;
  fake_send_moved (fake, 0, 15);
  wait_connections (fake, 2);
  g_assert_cmpstr (g_ptr_array_index (fake->sinces, 1), ==, "20");
  for (gint64 seq = 21; seq <= 24; seq++)
    fake_send_moved (fake, 1, seq);
  jb_test_client_wait_state (client, JB_CONNECTION_STATE_LIVE, WAIT_MS);
  wait_seq (client, 24);
  g_assert_cmpint (unit_fix_time (client), ==, 24);
  g_assert_cmpuint (jb_client_get_gap_count (client), ==, 1);
  g_assert_cmpuint (fake->n_snapshots, ==, 2);
  g_assert_cmpuint (jb_store_get_n_moves (jb_client_get_store (client)), ==, 3 + 4);

  g_signal_handlers_disconnect_by_func (client, live_means_loaded_cb, &snapshot_seq);
  drop_client (&client);
  fake_server_free (fake);
}

static void
test_silence (void)
{
  FakeServer *fake = fake_server_new ();
  g_autoptr(JbClient) client = NULL;

  fake->seq = 5;
  client = started_client (fake, 1000);
  wait_connections (fake, 1);
  jb_test_client_wait_state (client, JB_CONNECTION_STATE_LIVE, WAIT_MS);

  /* Frames keep it alive… */
  for (guint i = 0; i < 8; i++)
    {
      fake_send_moved (fake, 0, 6 + i);
      jb_test_spin (250);
    }
  g_assert_cmpuint (fake->connections->len, ==, 1);
  g_assert_cmpint (jb_store_get_seq (jb_client_get_store (client)), ==, 13);

  /* …silence does not: the client drops the stream and resumes from its
   * seq (no gap, so no snapshot). */
  wait_connections (fake, 2);
  g_assert_cmpuint (fake->n_snapshots, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fake->sinces, 1), ==, "13");
  g_assert_nonnull (jb_client_get_last_error (client));

  drop_client (&client);
  fake_server_free (fake);
}

static void
count_cb (JbClient *client,
          guint    *count)
{
  (*count)++;
}

static void
test_unauthorized (void)
{
  FakeServer *fake = fake_server_new ();
  g_autoptr(JbClient) client = NULL;
  guint unauthorized = 0;

  fake->refuse_snapshot = TRUE;
  client = started_client (fake, 0);
  /* No reply can arrive before the loop runs again: not too late. */
  g_signal_connect (client, "unauthorized", G_CALLBACK (count_cb), &unauthorized);

  jb_test_client_wait_state (client, JB_CONNECTION_STATE_CONNECTING, WAIT_MS);
  jb_test_client_wait_state (client, JB_CONNECTION_STATE_OFFLINE, WAIT_MS);
  g_assert_cmpuint (unauthorized, ==, 1);
  g_assert_cmpuint (fake->connections->len, ==, 0);
  g_assert_nonnull (strstr (jb_client_get_last_error (client), "expired"));

  /* It stays stopped: no retry loop against a refused token. */
  jb_test_spin (1500);
  g_assert_cmpint (jb_client_get_state (client), ==, JB_CONNECTION_STATE_OFFLINE);
  g_assert_cmpuint (unauthorized, ==, 1);

  drop_client (&client);
  fake_server_free (fake);
}

static void
test_command_retry_same_key (void)
{
  FakeServer *fake = fake_server_new ();
  g_autoptr(JbClient) client = started_client (fake, 0);
  g_autoptr(JsonNode) body = json_from_string ("{\"type\": \"fight\"}", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JbCommand) command = NULL;
  GListModel *pending = jb_client_get_pending_commands (client);

  jb_test_client_wait_state (client, JB_CONNECTION_STATE_LIVE, WAIT_MS);

  fake->fail_commands = 2;
  jb_client_command_async (client, "POST", "/api/v1/incidents", body, NULL, jb_test_store_result_cb, &result);
  command = g_list_model_get_item (pending, 0);
  (void) jb_test_wait_result (&result, WAIT_MS);
  answer = jb_client_command_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "id"), ==, "inc-1");

  /* Three tries, one key. */
  g_assert_cmpuint (fake->command_keys->len, ==, 3);
  g_assert_cmpuint (jb_command_get_attempts (command), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (g_ptr_array_index (fake->command_keys, i), ==, jb_command_get_idempotency_key (command));
  /* Accepted, not confirmed: the fake's seq is far beyond any event it
   * sends, so the command stays pending (and listed). */
  g_assert_cmpint (jb_command_get_state (command), ==, JB_COMMAND_STATE_ACCEPTED);
  g_assert_true (jb_command_is_pending (command));
  g_assert_null (jb_command_get_error (command));
  g_assert_cmpstr (jb_command_get_target_id (command), ==, "inc-1");
  g_assert_cmpuint (g_list_model_get_n_items (pending), ==, 1);

  /* A second command gets a key of its own. */
  {
    g_autoptr(GAsyncResult) r = NULL;
    g_autoptr(JsonNode) a = NULL;

    jb_client_command_async (client, "POST", "/api/v1/incidents", body, NULL, jb_test_store_result_cb, &r);
    a = jb_client_command_finish (client, jb_test_wait_result (&r, WAIT_MS), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (fake->command_keys->len, ==, 4);
    g_assert_cmpstr (g_ptr_array_index (fake->command_keys, 3), !=, jb_command_get_idempotency_key (command));
  }

  g_clear_object (&result);
  drop_client (&client);
  fake_server_free (fake);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/client/stream/gap-resync-close", test_gap_resync_close);
  g_test_add_func ("/core/client/stream/events-during-snapshot", test_events_during_snapshot);
  g_test_add_func ("/core/client/stream/silence", test_silence);
  g_test_add_func ("/core/client/stream/positions-not-a-gap", test_positions_not_a_gap);
  g_test_add_func ("/core/client/stream/unauthorized", test_unauthorized);
  g_test_add_func ("/core/client/stream/command-retry-same-key", test_command_retry_same_key);

  return g_test_run ();
}
