/* test-core-client.c — JbClient against the real jingbao-dispatchd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <string.h>

#include "jb-core.h"
#include "jb-client-private.h"
#include "jb-demo.h"
#include "jb-test-client.h"
#include "jb-test-server.h"

#define WAIT_MS 30000

static const char * const demo_args[] = { "--demo", "--demo-guards=300", NULL };

static JbClient *
live_client (JbTestServer *server)
{
  JbClient *client = jb_test_client_new_signed_in (server, "dispatcher", "demo");

  jb_client_start (client);
  jb_test_client_wait_state (client, JB_CONNECTION_STATE_LIVE, WAIT_MS);
  return client;
}

static gint64
server_seq (JbTestServer *server)
{
  g_autoptr(JbTestResponse) health = jb_test_request (server, "GET", "/api/v1/health", NULL, NULL, NULL);

  g_assert_cmpuint (health->status, ==, 200);
  return jb_test_json_int (health->body, "seq");
}

typedef struct
{
  JbStore *store;
  gint64   seq;
} SeqWait;

static gboolean
seq_reached (gpointer data)
{
  SeqWait *w = data;

  return jb_store_get_seq (w->store) >= w->seq;
}

static void
wait_seq (JbClient *client,
          gint64    seq)
{
  SeqWait w = { jb_client_get_store (client), seq };

  if (!jb_test_wait_for (seq_reached, &w, WAIT_MS))
    g_error ("The store stayed at seq %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT,
             jb_store_get_seq (w.store), seq);
}

static const char *
create_incident_body (double lat)
{
  static char body[256];

  g_snprintf (body, sizeof body,
              "{\"type\": \"fight\", \"priority\": 2, \"location\": {\"lat\": %.4f, \"lon\": 112.99},"
              " \"address\": \"开福区测试路1号\", \"description\": \"test\"}", lat);
  return body;
}

/* Drops the client (its sessions close their connections) before the
 * server is asked to exit cleanly. */
static void
finish (JbClient     **client,
        JbTestServer  *server)
{
  if (*client != NULL)
    {
      jb_client_stop (*client);
      g_assert_finalize_object (g_steal_pointer (client));
    }
  /* Let the closed sockets be noticed. */
  for (guint i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  jb_test_server_free (server);
}

/* Tests */

static void
test_login (void)
{
  JbTestServer *server = jb_test_server_start (demo_args);
  g_autoptr(JbClient) client = jb_client_new (jb_test_server_get_url (server));
  g_autoptr(GAsyncResult) bad = NULL;
  g_autoptr(GError) error = NULL;

  /* A wrong password: 401 with the server's own message. */
  jb_client_login_async (client, "dispatcher", "wrong", NULL, jb_test_store_result_cb, &bad);
  g_assert_false (jb_client_login_finish (client, jb_test_wait_result (&bad, WAIT_MS), &error));
  g_assert_error (error, JB_ERROR, JB_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (strlen (error->message), >, 0);
  g_assert_false (jb_client_is_logged_in (client));
  g_assert_null (jb_client_get_user (client));
  g_clear_error (&error);

  {
    g_autoptr(GAsyncResult) good = NULL;

    jb_client_login_async (client, "dispatcher", "demo", NULL, jb_test_store_result_cb, &good);
    g_assert_true (jb_client_login_finish (client, jb_test_wait_result (&good, WAIT_MS), &error));
    g_assert_no_error (error);
  }
  g_assert_true (jb_client_is_logged_in (client));
  g_assert_cmpstr (jb_client_get_username (client), ==, "dispatcher");
  g_assert_cmpint (jb_client_get_role (client), ==, JB_ROLE_DISPATCHER);
  g_assert_cmpstr (json_object_get_string_member (jb_client_get_user (client), "role"), ==, "dispatcher");
  g_assert_cmpint (jb_client_get_state (client), ==, JB_CONNECTION_STATE_OFFLINE);

  g_clear_object (&bad);  /* holds the client */
  finish (&client, server);
}

static void
test_login_network_error (void)
{
  JbTestServer *server = jb_test_server_start (demo_args);
  g_autofree char *url = g_strdup (jb_test_server_get_url (server));
  g_autoptr(JbClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Nobody listens there any more. */
  jb_test_server_free (server);
  client = jb_client_new (url);
  jb_client_login_async (client, "dispatcher", "demo", NULL, jb_test_store_result_cb, &result);
  g_assert_false (jb_client_login_finish (client, jb_test_wait_result (&result, WAIT_MS), &error));
  g_assert_error (error, JB_ERROR, JB_ERROR_NETWORK);
}

static void
test_live_snapshot (void)
{
  JbTestServer *server = jb_test_server_start (demo_args);
  g_autoptr(JbClient) client = live_client (server);
  g_autofree char *auth = jb_test_login (server, "dispatcher", "demo");
  g_autoptr(JbTestResponse) snapshot = jb_test_request (server, "GET", "/api/v1/snapshot", auth, NULL, NULL);
  JbStore *store = jb_client_get_store (client);
  JsonObject *object;

  g_assert_cmpuint (snapshot->status, ==, 200);
  object = json_node_get_object (snapshot->body);

  /* The server may have written events since our snapshot (terminals
   * going offline…): they come through the stream. */
  wait_seq (client, json_object_get_int_member (object, "seq"));

  g_assert_true (jb_store_has_snapshot (store));
  g_assert_cmpuint (g_list_model_get_n_items (jb_store_get_units (store)), ==,
                    json_array_get_length (json_object_get_array_member (object, "units")));
  g_assert_cmpuint (g_list_model_get_n_items (jb_store_get_terminals (store)), ==,
                    json_array_get_length (json_object_get_array_member (object, "terminals")));
  g_assert_cmpuint (g_list_model_get_n_items (jb_store_get_stations (store)), ==,
                    json_array_get_length (json_object_get_array_member (object, "stations")));
  g_assert_cmpuint (g_list_model_get_n_items (jb_store_get_incidents (store)), ==,
                    json_array_get_length (json_object_get_array_member (object, "incidents")));
  g_assert_cmpuint (g_list_model_get_n_items (jb_store_get_units (store)), >, 300);
  g_assert_cmpint (jb_store_get_seq (store), >=, json_object_get_int_member (object, "seq"));
  g_assert_nonnull (jb_store_get_config (store));
  g_assert_nonnull (jb_store_get_user (store));
  g_assert_cmpuint (jb_client_get_gap_count (client), ==, 0);

  jb_client_stop (client);
  g_assert_cmpint (jb_client_get_state (client), ==, JB_CONNECTION_STATE_OFFLINE);
  finish (&client, server);
}

typedef struct
{
  JbStore    *store;
  const char *id;
} IncidentWait;

static gboolean
incident_known (gpointer data)
{
  IncidentWait *w = data;

  return jb_store_lookup_incident (w->store, w->id) != NULL;
}

static void
test_command (void)
{
  JbTestServer *server = jb_test_server_start (demo_args);
  g_autoptr(JbClient) client = live_client (server);
  JbStore *store = jb_client_get_store (client);
  GListModel *pending = jb_client_get_pending_commands (client);
  g_autoptr(JsonNode) body = json_from_string (create_incident_body (28.25), NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JbCommand) command = NULL;
  guint n_open = g_list_model_get_n_items (jb_store_get_incidents (store));
  IncidentWait w = { store, NULL };

  jb_client_command_async (client, "POST", "/api/v1/incidents", body, NULL, jb_test_store_result_cb, &result);
  /* Pending until answered. */
  g_assert_cmpuint (g_list_model_get_n_items (pending), ==, 1);
  command = g_list_model_get_item (pending, 0);
  g_assert_cmpstr (jb_command_get_method (command), ==, "POST");
  g_assert_cmpuint (strlen (jb_command_get_idempotency_key (command)), ==, 36);

  answer = jb_client_command_finish (client, jb_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_nonnull (answer);
  /* Answered is not yet confirmed: still listed, still pending. */
  g_assert_cmpuint (g_list_model_get_n_items (pending), ==, 1);
  g_assert_cmpint (jb_command_get_state (command), ==, JB_COMMAND_STATE_ACCEPTED);
  g_assert_true (jb_command_is_pending (command));

  /* The store learns of it through the event stream, never the answer. */
  w.id = json_object_get_string_member (json_node_get_object (answer), "id");
  g_assert_nonnull (w.id);
  g_assert_true (jb_test_wait_for (incident_known, &w, WAIT_MS));
  g_assert_cmpuint (g_list_model_get_n_items (jb_store_get_incidents (store)), ==, n_open + 1);
  g_assert_cmpint (jb_incident_get_incident_type (jb_store_lookup_incident (store, w.id)), ==,
                   JB_INCIDENT_TYPE_FIGHT);

  /* Errors come back in JB_ERROR with the server's code. */
  {
    g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL, r3 = NULL;
    g_autoptr(JsonNode) bad_body = json_from_string ("{\"type\": \"fight\", \"priority\": 9,"
                                                     " \"location\": {\"lat\": 28.2, \"lon\": 112.9}}", NULL);
    g_autoptr(JsonNode) n1 = NULL, n2 = NULL, n3 = NULL;
    g_autofree char *ack = g_strdup_printf ("/api/v1/incidents/%s/acknowledge", w.id);
    /* The first command may still be listed (confirmed, lingering). */
    guint n_before = g_list_model_get_n_items (pending);

    /* Queued together: answered in order. */
    jb_client_command_async (client, "POST", "/api/v1/incidents/inc-nope/acknowledge", NULL, NULL,
                             jb_test_store_result_cb, &r1);
    jb_client_command_async (client, "POST", "/api/v1/incidents", bad_body, NULL, jb_test_store_result_cb, &r2);
    jb_client_command_async (client, "POST", ack, NULL, NULL, jb_test_store_result_cb, &r3);
    g_assert_cmpuint (g_list_model_get_n_items (pending), ==, n_before + 3);

    n1 = jb_client_command_finish (client, jb_test_wait_result (&r1, WAIT_MS), &error);
    g_assert_error (error, JB_ERROR, JB_ERROR_NOT_FOUND);
    g_clear_error (&error);
    n2 = jb_client_command_finish (client, jb_test_wait_result (&r2, WAIT_MS), &error);
    g_assert_error (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE);
    g_clear_error (&error);
    n3 = jb_client_command_finish (client, jb_test_wait_result (&r3, WAIT_MS), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (n3), "status"), ==, "acknowledged");
  }

  wait_seq (client, server_seq (server));
  g_assert_cmpint (jb_incident_get_status (jb_store_lookup_incident (store, w.id)), ==,
                   JB_INCIDENT_STATUS_ACKNOWLEDGED);

  /* A GET outside the queue. */
  {
    g_autoptr(GAsyncResult) r = NULL;
    g_autoptr(JsonNode) list = NULL;

    jb_client_get_json_async (client, "/api/v1/incidents?status=open", NULL, jb_test_store_result_cb, &r);
    list = jb_client_get_json_finish (client, jb_test_wait_result (&r, WAIT_MS), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (list), "items")),
                      ==, n_open + 1);
  }

  g_clear_object (&result);  /* holds the client */
  finish (&client, server);
}

static void
test_reconnect (void)
{
  JbTestServer *server = jb_test_server_start (demo_args);
  g_autoptr(JbClient) client = live_client (server);
  JbStore *store = jb_client_get_store (client);
  g_autoptr(JbUnit) held = g_object_ref (g_list_model_get_item (jb_store_get_units (store), 0));
  guint n_units = g_list_model_get_n_items (jb_store_get_units (store));
  guint reconnects = jb_client_get_reconnect_count (client);
  IncidentWait w = { store, NULL };
  g_autofree char *id = NULL;

  g_object_unref (held);  /* get_item's reference; keep the g_object_ref one */

  jb_test_server_kill (server, SIGKILL);
  jb_test_client_wait_state (client, JB_CONNECTION_STATE_RECONNECTING, WAIT_MS);
  g_assert_cmpuint (jb_client_get_reconnect_count (client), >, reconnects);

  jb_test_server_restart (server);

  /* A change made as soon as the server is back, likely before the client
   * is: it must come through the replay (since=seq), not be lost. */
  {
    g_autofree char *auth = jb_test_login (server, "dispatcher", "demo");
    g_autoptr(JbTestResponse) created = jb_test_request (server, "POST", "/api/v1/incidents", auth,
                                                         "test-reconnect-1", create_incident_body (28.26));

    g_assert_cmpuint (created->status, ==, 201);
    id = g_strdup (jb_test_json_string (created->body, "id"));
  }

  jb_test_client_wait_state (client, JB_CONNECTION_STATE_LIVE, WAIT_MS);
  w.id = id;
  g_assert_true (jb_test_wait_for (incident_known, &w, WAIT_MS));
  wait_seq (client, server_seq (server));
  g_assert_cmpint (jb_store_get_seq (store), ==, server_seq (server));
  g_assert_cmpuint (jb_client_get_gap_count (client), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (jb_store_get_units (store)), ==, n_units);
  /* Objects survive a reconnect. */
  g_assert_true (jb_store_lookup_unit (store, jb_unit_get_id (held)) == held);

  finish (&client, server);
}

/* A fix made while the client is away comes with its reconnection (the
 * server sends the current positions after the since= replay), and is no
 * event: the seq does not move for it. */
typedef struct
{
  JbStore    *store;
  const char *unit_id;
  gint64      time;
} FixWait;

static gboolean
fix_known (gpointer data)
{
  FixWait *w = data;
  JbPosition pos;

  return jb_unit_get_position (jb_store_lookup_unit (w->store, w->unit_id), &pos) && pos.time == w->time;
}

static void
test_reconnect_positions (void)
{
  JbTestServer *server = jb_test_server_start (demo_args);
  g_autoptr(JbClient) client = live_client (server);
  JbStore *store = jb_client_get_store (client);
  g_autofree char *dispatcher = jb_test_login (server, "dispatcher", "demo");
  g_autoptr(JbTestResponse) terminals = jb_test_request (server, "GET", "/api/v1/terminals", dispatcher, NULL, NULL);
  JsonArray *items = json_node_get_array (jb_test_json_get (terminals->body, "items"));
  const char *camera = NULL;
  FixWait w = { store, NULL, g_get_real_time () / 1000 + 60000 };
  gint64 seq;

  for (guint i = 0; i < json_array_get_length (items) && camera == NULL; i++)
    {
      JsonObject *t = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (t, "kind"), "body_camera") == 0 &&
          !json_object_get_null_member (t, "unit_id"))
        {
          camera = json_object_get_string_member (t, "id");
          w.unit_id = json_object_get_string_member (t, "unit_id");
        }
    }
  g_assert_nonnull (camera);

  jb_test_server_kill (server, SIGKILL);
  jb_test_client_wait_state (client, JB_CONNECTION_STATE_RECONNECTING, WAIT_MS);
  jb_test_server_restart (server);
  seq = server_seq (server);
  {
    g_autofree char *secret = jb_demo_terminal_secret (camera);
    g_autofree char *auth = jb_test_device_auth (camera, secret);
    g_autofree char *body = g_strdup_printf ("{\"lat\": 28.2611, \"lon\": 112.9811, \"time\": %" G_GINT64_FORMAT "}",
                                             w.time);
    g_autoptr(JbTestResponse) fix = jb_test_request (server, "POST", "/api/v1/device/position", auth, NULL, body);

    g_assert_cmpuint (fix->status, ==, 202);
  }

  jb_test_client_wait_state (client, JB_CONNECTION_STATE_LIVE, WAIT_MS);
  g_assert_true (jb_test_wait_for (fix_known, &w, WAIT_MS));
  g_assert_cmpint (server_seq (server), ==, seq);
  g_assert_cmpint (jb_store_get_seq (store), <=, seq);
  g_assert_cmpuint (jb_client_get_gap_count (client), ==, 0);

  finish (&client, server);
}

/* Command confirmation */

static gboolean
command_finished (gpointer data)
{
  return !jb_command_is_pending (data);
}

static gboolean
command_accepted (gpointer data)
{
  return jb_command_get_state (data) == JB_COMMAND_STATE_ACCEPTED || command_finished (data);
}

/* Waits until @command is CONFIRMED (fails on FAILED, with its error). */
static void
wait_confirmed (JbCommand *command)
{
  g_assert_true (jb_test_wait_for (command_finished, command, WAIT_MS));
  if (jb_command_get_state (command) != JB_COMMAND_STATE_CONFIRMED)
    g_error ("%s %s: %s", jb_command_get_method (command), jb_command_get_path (command),
             jb_command_get_error_message (command) ? jb_command_get_error_message (command) : "not confirmed");
}

static gboolean
dropped_from (GListModel *model,
              JbCommand  *command)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(JbCommand) item = g_list_model_get_item (model, i);

      if (item == command)
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  GListModel *pending;
  JbCommand  *command;
} DropWait;

static gboolean
command_dropped (gpointer data)
{
  DropWait *w = data;

  return dropped_from (w->pending, w->command);
}

static void
command_changed_cb (JbClient  *client,
                    JbCommand *command,
                    guint     *count)
{
  g_assert_true (JB_IS_COMMAND (command));
  (*count)++;
}

/* What the store looked like at each state change of a command. */
typedef struct
{
  JbStore *store;
  GArray  *states;    /* JbCommandState */
  GArray  *seqs;      /* the store's seq then */
  GArray  *statuses;  /* the target incident's status then, -1 when unknown */
} Recorder;

static void
recorder_init (Recorder *r,
               JbStore  *store)
{
  r->store = store;
  r->states = g_array_new (FALSE, FALSE, sizeof (int));
  r->seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  r->statuses = g_array_new (FALSE, FALSE, sizeof (int));
}

static void
recorder_clear (Recorder *r)
{
  g_array_unref (r->states);
  g_array_unref (r->seqs);
  g_array_unref (r->statuses);
}

static void
state_notified_cb (JbCommand  *command,
                   GParamSpec *pspec,
                   Recorder   *r)
{
  int state = jb_command_get_state (command);
  gint64 seq = jb_store_get_seq (r->store);
  JbIncident *incident = jb_store_lookup_incident (r->store, jb_command_get_target_id (command));
  int status = incident != NULL ? (int) jb_incident_get_status (incident) : -1;

  g_array_append_val (r->states, state);
  g_array_append_val (r->seqs, seq);
  g_array_append_val (r->statuses, status);
}

static int
recorded (GArray *array,
          guint   i)
{
  g_assert_cmpuint (i, <, array->len);
  return g_array_index (array, int, i);
}

/* A command is CONFIRMED only once the store shows its change: recorded at
 * each state change, and with the event stream held back (the client
 * stopped) until it is let through. */
static void
test_command_confirmation (void)
{
  JbTestServer *server = jb_test_server_start (demo_args);
  g_autoptr(JbClient) client = live_client (server);
  JbStore *store = jb_client_get_store (client);
  GListModel *pending = jb_client_get_pending_commands (client);
  g_autoptr(JbCommand) create = NULL;
  g_autoptr(JbCommand) ack = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *id = NULL;
  guint n_changed = 0;
  Recorder r;

  _jb_client_set_command_linger (client, 300);
  recorder_init (&r, store);
  g_signal_connect (client, "command-changed", G_CALLBACK (command_changed_cb), &n_changed);

  /* Create: SENDING, ACCEPTED, CONFIRMED; at CONFIRMED the incident is in
   * the store. */
  create = g_object_ref (jb_client_queue_command (client,
                                                  jb_command_new_create_incident (JB_INCIDENT_TYPE_FIGHT, 2,
                                                                                  28.25, 112.99, "开福区测试路2号",
                                                                                  "confirm me", NULL,
                                                                                  JB_INCIDENT_SOURCE_PHONE),
                                                  NULL, jb_test_store_result_cb, &result));
  g_signal_connect (create, "notify::state", G_CALLBACK (state_notified_cb), &r);
  /* The queue was empty: it went out at once. */
  g_assert_cmpint (jb_command_get_state (create), ==, JB_COMMAND_STATE_SENDING);
  g_assert_true (jb_command_is_pending (create));
  g_assert_true (jb_client_lookup_pending_command (client, NULL) == NULL);
  answer = jb_client_command_finish (client, jb_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  id = g_strdup (json_object_get_string_member (json_node_get_object (answer), "id"));
  g_assert_cmpstr (jb_command_get_target_id (create), ==, id);
  g_assert_true (jb_command_get_answer (create) == answer);
  wait_confirmed (create);

  g_assert_cmpuint (r.states->len, ==, 2);
  g_assert_cmpint (recorded (r.states, 0), ==, JB_COMMAND_STATE_ACCEPTED);
  g_assert_cmpint (recorded (r.states, 1), ==, JB_COMMAND_STATE_CONFIRMED);
  g_assert_cmpint (recorded (r.statuses, 1), ==, JB_INCIDENT_STATUS_NEW);
  /* The client told of every change, SENDING included. */
  g_assert_cmpuint (n_changed, ==, 3);
  g_assert_cmpint (g_array_index (r.seqs, gint64, 1), >=, g_array_index (r.seqs, gint64, 0));
  g_signal_handlers_disconnect_by_data (create, &r);
  g_clear_object (&result);
  g_clear_pointer (&answer, json_node_unref);

  /* Finished commands linger in the list, then leave it. */
  {
    DropWait w = { pending, create };

    g_assert_false (dropped_from (pending, create));
    g_assert_true (jb_test_wait_for (command_dropped, &w, WAIT_MS));
  }

  /* Hold the event stream: the answer comes, the event does not. */
  jb_client_stop (client);
  g_array_set_size (r.states, 0);
  g_array_set_size (r.statuses, 0);
  g_array_set_size (r.seqs, 0);
  ack = g_object_ref (jb_client_queue_command (client, jb_command_new_acknowledge (id),
                                               NULL, jb_test_store_result_cb, &result));
  g_signal_connect (ack, "notify::state", G_CALLBACK (state_notified_cb), &r);
  g_assert_true (jb_client_lookup_pending_command (client, id) == ack);
  answer = jb_client_command_finish (client, jb_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "status"), ==, "acknowledged");
  g_assert_true (jb_test_wait_for (command_accepted, ack, WAIT_MS));
  jb_test_spin (500);
  g_assert_cmpint (jb_command_get_state (ack), ==, JB_COMMAND_STATE_ACCEPTED);
  g_assert_cmpint (jb_incident_get_status (jb_store_lookup_incident (store, id)), ==, JB_INCIDENT_STATUS_NEW);
  g_assert_true (jb_client_lookup_pending_command (client, id) == ack);

  /* Let it through. */
  jb_client_start (client);
  wait_confirmed (ack);
  g_assert_cmpuint (r.states->len, ==, 2);
  g_assert_cmpint (recorded (r.states, 0), ==, JB_COMMAND_STATE_ACCEPTED);
  g_assert_cmpint (recorded (r.statuses, 0), ==, JB_INCIDENT_STATUS_NEW);
  g_assert_cmpint (recorded (r.states, 1), ==, JB_COMMAND_STATE_CONFIRMED);
  g_assert_cmpint (recorded (r.statuses, 1), ==, JB_INCIDENT_STATUS_ACKNOWLEDGED);
  g_assert_cmpint (g_array_index (r.seqs, gint64, 1), >, g_array_index (r.seqs, gint64, 0));
  g_assert_null (jb_client_lookup_pending_command (client, id));
  g_signal_handlers_disconnect_by_data (ack, &r);
  g_clear_object (&result);
  g_clear_pointer (&answer, json_node_unref);

  /* 409: FAILED with the server's code, listed for a while too. */
  {
    g_autoptr(JbCommand) again = g_object_ref (jb_client_queue_command (client,
                                                                        jb_command_new_acknowledge (id),
                                                                        NULL, jb_test_store_result_cb, &result));
    DropWait w = { pending, again };

    answer = jb_client_command_finish (client, jb_test_wait_result (&result, WAIT_MS), &error);
    g_assert_error (error, JB_ERROR, JB_ERROR_CONFLICT);
    g_assert_null (answer);
    g_assert_cmpint (jb_command_get_state (again), ==, JB_COMMAND_STATE_FAILED);
    g_assert_error ((GError *) jb_command_get_error (again), JB_ERROR, JB_ERROR_CONFLICT);
    g_assert_cmpstr (jb_command_get_error_message (again), ==, error->message);
    g_assert_null (jb_client_lookup_pending_command (client, id));
    g_assert_false (dropped_from (pending, again));
    g_assert_true (jb_test_wait_for (command_dropped, &w, WAIT_MS));
    g_clear_error (&error);
    g_clear_object (&result);
  }

  /* 403: a duty officer commanding another station's unit. */
  {
    g_autoptr(JbClient) duty = jb_test_client_new_signed_in (server, "qingshuitang", "demo");
    g_autoptr(JbCommand) forbidden = NULL;
    const char *unit_id = NULL;

    for (guint i = 0; unit_id == NULL; i++)
      {
        JbUnit *unit = jb_model_list_peek (JB_MODEL_LIST (jb_store_get_units (store)), i);

        g_assert_nonnull (unit);
        if (g_strcmp0 (jb_unit_get_station_id (unit), "st-qingshuitang") != 0 &&
            jb_unit_get_status (unit) == JB_UNIT_STATUS_AVAILABLE)
          unit_id = jb_unit_get_id (unit);
      }

    forbidden = g_object_ref (jb_client_queue_command (duty,
                                                       jb_command_new_unit_status (unit_id, JB_UNIT_STATUS_BUSY),
                                                       NULL, jb_test_store_result_cb, &result));
    g_assert_cmpstr (jb_command_get_target_id (forbidden), ==, unit_id);
    answer = jb_client_command_finish (duty, jb_test_wait_result (&result, WAIT_MS), &error);
    g_assert_error (error, JB_ERROR, JB_ERROR_FORBIDDEN);
    g_assert_cmpint (jb_command_get_state (forbidden), ==, JB_COMMAND_STATE_FAILED);
    g_assert_error ((GError *) jb_command_get_error (forbidden), JB_ERROR, JB_ERROR_FORBIDDEN);
    g_clear_error (&error);
    g_clear_object (&result);
    g_assert_finalize_object (g_steal_pointer (&duty));
  }

  g_signal_handlers_disconnect_by_data (client, &n_changed);
  recorder_clear (&r);
  finish (&client, server);
}

/* Every wrapper builds a request the real server takes, and the store
 * follows; the recommender picks the units. */
static void
test_dispatch_commands (void)
{
  JbTestServer *server = jb_test_server_start (demo_args);
  g_autoptr(JbClient) client = live_client (server);
  JbStore *store = jb_client_get_store (client);
  g_autoptr(JbCommand) create = NULL;
  g_autoptr(GArray) ranked = NULL;
  g_autofree char *id = NULL;
  g_autofree char *u1 = NULL;
  g_autofree char *u2 = NULL;
  JbRecommendOptions options;
  JbIncident *incident;

  create = g_object_ref (jb_client_queue_command (client,
                                                  jb_command_new_create_incident (JB_INCIDENT_TYPE_DISPUTE, 3,
                                                                                  28.2050, 112.9870,
                                                                                  "开福区清水塘路1号", "phone report",
                                                                                  "清水塘茶馆",
                                                                                  JB_INCIDENT_SOURCE_PATROL),
                                                  NULL, NULL, NULL));
  wait_confirmed (create);
  id = g_strdup (jb_command_get_target_id (create));
  incident = jb_store_lookup_incident (store, id);
  g_assert_nonnull (incident);
  g_assert_cmpint (jb_incident_get_source (incident), ==, JB_INCIDENT_SOURCE_PATROL);
  g_assert_cmpint (jb_incident_get_priority (incident), ==, 3);
  g_assert_cmpstr (jb_incident_get_venue_name (incident), ==, "清水塘茶馆");
  g_assert_cmpstr (jb_incident_get_address (incident), ==, "开福区清水塘路1号");
  g_assert_cmpstr (jb_incident_get_station_id (incident), ==, "st-qingshuitang");

  /* The two best police units, assigned back to back. */
  jb_recommend_options_init (&options, jb_client_get_user (client));
  options.kinds = JB_RECOMMEND_POLICE;
  options.limit = 2;
  ranked = jb_recommender_rank (store, incident, &options);
  g_assert_cmpuint (ranked->len, ==, 2);
  u1 = g_strdup (jb_unit_get_id (g_array_index (ranked, JbRecommendation, 0).unit));
  u2 = g_strdup (jb_unit_get_id (g_array_index (ranked, JbRecommendation, 1).unit));
  {
    g_autoptr(JbCommand) a1 = g_object_ref (jb_client_queue_command (client, jb_command_new_assign (id, u1),
                                                                     NULL, NULL, NULL));
    g_autoptr(JbCommand) a2 = g_object_ref (jb_client_queue_command (client, jb_command_new_assign (id, u2),
                                                                     NULL, NULL, NULL));

    g_assert_cmpstr (jb_command_get_unit_id (a1), ==, u1);
    g_assert_true (jb_client_lookup_pending_command (client, u2) == a2);
    g_assert_true (jb_client_lookup_pending_command (client, id) == a2);  /* the newest */
    wait_confirmed (a1);
    wait_confirmed (a2);
  }
  g_assert_cmpuint (jb_incident_get_n_assignments (incident), ==, 2);
  g_assert_cmpint (jb_incident_get_status (incident), ==, JB_INCIDENT_STATUS_DISPATCHED);
  g_assert_cmpint (jb_unit_get_status (jb_store_lookup_unit (store, u1)), ==, JB_UNIT_STATUS_ASSIGNED);
  g_assert_cmpstr (jb_unit_get_incident_id (jb_store_lookup_unit (store, u2)), ==, id);

  /* Note, status, unassign. */
  {
    g_autoptr(JbCommand) note = g_object_ref (jb_client_queue_command (client,
                                                                       jb_command_new_note (id, "两人争执，已隔开"),
                                                                       NULL, NULL, NULL));
    g_autoptr(JbCommand) en_route = g_object_ref (jb_client_queue_command (client,
                                                                           jb_command_new_unit_status (u1,
                                                                                                       JB_UNIT_STATUS_EN_ROUTE),
                                                                           NULL, NULL, NULL));
    g_autoptr(JbCommand) unassign = g_object_ref (jb_client_queue_command (client,
                                                                           jb_command_new_unassign (id, u2),
                                                                           NULL, NULL, NULL));

    g_assert_cmpint (jb_command_get_target_kind (en_route), ==, JB_COMMAND_TARGET_UNIT);
    g_assert_cmpstr (jb_command_get_unit_id (unassign), ==, u2);
    wait_confirmed (note);
    wait_confirmed (en_route);
    wait_confirmed (unassign);
  }
  g_assert_cmpuint (jb_incident_get_n_notes (incident), ==, 1);
  g_assert_cmpstr (jb_incident_get_note (incident, 0)->text, ==, "两人争执，已隔开");
  g_assert_cmpint (jb_unit_get_status (jb_store_lookup_unit (store, u1)), ==, JB_UNIT_STATUS_EN_ROUTE);
  g_assert_cmpint (jb_unit_get_status (jb_store_lookup_unit (store, u2)), ==, JB_UNIT_STATUS_AVAILABLE);
  g_assert_cmpint (jb_incident_find_assignment (incident, u2)->state, ==, JB_ASSIGNMENT_STATE_RELEASED);

  /* A free unit's own status. */
  {
    g_autoptr(JbCommand) busy = g_object_ref (jb_client_queue_command (client,
                                                                       jb_command_new_unit_status (u2,
                                                                                                   JB_UNIT_STATUS_BUSY),
                                                                       NULL, NULL, NULL));

    wait_confirmed (busy);
    g_assert_cmpint (jb_unit_get_status (jb_store_lookup_unit (store, u2)), ==, JB_UNIT_STATUS_BUSY);
  }

  /* Resolve with a note, close without a disposition: it leaves the store
   * and its unit is free again. */
  {
    g_autoptr(JbCommand) resolve = g_object_ref (jb_client_queue_command (client,
                                                                          jb_command_new_resolve (id,
                                                                                                  JB_DISPOSITION_MEDIATED,
                                                                                                  "调解完毕"),
                                                                          NULL, NULL, NULL));
    g_autoptr(JbCommand) close = NULL;

    wait_confirmed (resolve);
    g_assert_cmpint (jb_incident_get_status (incident), ==, JB_INCIDENT_STATUS_RESOLVED);
    g_assert_cmpint (jb_incident_get_disposition (incident), ==, JB_DISPOSITION_MEDIATED);
    g_assert_cmpuint (jb_incident_get_n_notes (incident), ==, 2);

    close = g_object_ref (jb_client_queue_command (client, jb_command_new_close (id, -1, ""),
                                                   NULL, NULL, NULL));
    wait_confirmed (close);
    g_assert_null (jb_store_lookup_incident (store, id));
    g_assert_cmpint (jb_unit_get_status (jb_store_lookup_unit (store, u1)), ==, JB_UNIT_STATUS_AVAILABLE);
  }

  finish (&client, server);
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

static void
count_cb (JbStore *store,
          guint   *count)
{
  (*count)++;
}

static gboolean
nonzero (gpointer data)
{
  return *(guint *) data > 0;
}

/* The simulator moves units through the device API: the server's own
 * positions frames must all take the scanner, never json-glib, and the
 * moves are no events. */
static void
test_simulated_moves (void)
{
  static const char * const args[] = { "--demo", "--demo-guards=300", "--simulate", NULL };
  JbTestServer *server = jb_test_server_start (args);
  g_autoptr(JbClient) client = live_client (server);
  JbStore *store = jb_client_get_store (client);
  MovesWait w = { store, 300 };
  guint batches = 0;

  g_signal_connect (store, "units-moved", G_CALLBACK (count_cb), &batches);
  g_assert_true (jb_test_wait_for (moves_reached, &w, WAIT_MS * 2));
  /* The moves may have landed in the iteration that ended the wait, before
   * the batch's signal (an idle) went out. */
  g_assert_true (jb_test_wait_for (nonzero, &batches, WAIT_MS));

  g_assert_cmpuint (jb_store_get_n_fast_path (store), ==, jb_store_get_n_moves (store));
  g_assert_cmpuint (jb_store_get_n_events (store), <, jb_store_get_n_moves (store));
  g_assert_cmpuint (batches, >, 0);
  g_assert_cmpuint (batches, <=, jb_store_get_n_moves (store));
  g_assert_cmpuint (jb_client_get_gap_count (client), ==, 0);
  g_assert_cmpint (jb_client_get_state (client), ==, JB_CONNECTION_STATE_LIVE);
  g_assert_cmpint (jb_store_get_seq (store), <=, server_seq (server));

  /* The points array follows the units. */
  {
    guint n;
    const JbUnitPoint *points = jb_store_get_unit_points (store, &n);

    g_assert_cmpuint (n, ==, g_list_model_get_n_items (jb_store_get_units (store)));
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(JbUnit) unit = g_list_model_get_item (jb_store_get_units (store), i);
        JbPosition pos;

        if (jb_unit_get_position (unit, &pos))
          {
            g_assert_cmpfloat (points[i].lat, ==, pos.lat);
            g_assert_cmpfloat (points[i].lon, ==, pos.lon);
          }
      }
  }

  finish (&client, server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/client/login", test_login);
  g_test_add_func ("/core/client/login-network-error", test_login_network_error);
  g_test_add_func ("/core/client/live-snapshot", test_live_snapshot);
  g_test_add_func ("/core/client/command", test_command);
  g_test_add_func ("/core/client/command-confirmation", test_command_confirmation);
  g_test_add_func ("/core/client/dispatch-commands", test_dispatch_commands);
  g_test_add_func ("/core/client/reconnect", test_reconnect);
  g_test_add_func ("/core/client/reconnect-positions", test_reconnect_positions);
  g_test_add_func ("/core/client/simulated-moves", test_simulated_moves);

  return g_test_run ();
}
