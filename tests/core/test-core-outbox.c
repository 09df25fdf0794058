/* test-core-outbox.c — the durable outbox against the real
 * jingbao-dispatchd: the journal on disk, commands given while the server
 * is down sent once when it is back, the conflict rules for late commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-core.h"
#include "jb-test-outbox.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#define WAIT_MS JB_TEST_WAIT_MS

static const char * const demo_args[] = { "--demo", NULL };

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbTestServer, jb_test_server_free)

/* Written, read back in order by another opening, removed. */
static void
test_journal (void)
{
  g_autofree char *dir = g_dir_make_tmp ("jb-outbox-XXXXXX", NULL);
  g_autofree char *path = jb_outbox_path_for (dir, "http://127.0.0.1:1", "duty/../x");
  g_autoptr(GError) error = NULL;
  g_autoptr(JbCommand) note = jb_command_new_note ("inc-1", "第一条");
  g_autoptr(JbCommand) ack = jb_command_new_acknowledge ("inc-2");
  g_autoptr(JbCommand) status = jb_command_new_unit_status ("u-00001", JB_UNIT_STATUS_BUSY);
  g_autoptr(GPtrArray) loaded = NULL;
  JbOutbox *outbox;

  g_assert_true (g_str_has_prefix (path, dir));
  g_assert_null (strstr (path + strlen (dir), ".."));
  g_assert_null (strchr (path + strlen (dir) + 1, '/'));

  outbox = jb_outbox_open (path, &error);
  g_assert_no_error (error);
  jb_outbox_write_async (outbox, note, NULL, NULL);
  jb_outbox_write_async (outbox, ack, NULL, NULL);
  jb_outbox_write_async (outbox, status, NULL, NULL);
  jb_outbox_remove (outbox, jb_command_get_idempotency_key (ack));
  g_object_unref (outbox);  /* joins the writer: everything is on disk */

  outbox = jb_outbox_open (path, &error);
  g_assert_no_error (error);
  loaded = jb_outbox_load (outbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JbCommand *want = i == 0 ? note : status;
      JbCommand *got = g_ptr_array_index (loaded, i);

      g_assert_cmpstr (jb_command_get_idempotency_key (got), ==, jb_command_get_idempotency_key (want));
      g_assert_cmpstr (jb_command_get_path (got), ==, jb_command_get_path (want));
      g_assert_cmpint (jb_command_get_issued_at (got), ==, jb_command_get_issued_at (want));
      g_assert_true (json_node_equal (jb_command_get_body (got), jb_command_get_body (want)));
      g_assert_cmpint (jb_command_get_state (got), ==, JB_COMMAND_STATE_QUEUED);
    }
  g_object_unref (outbox);
  g_remove (path);
  g_rmdir (dir);
}

typedef struct
{
  JbClient *client;
  guint     n;
} OfflineWait;

static gboolean
all_offline (gpointer data)
{
  OfflineWait *wait = data;
  GListModel *journal = jb_command_queue_get_journal (jb_client_get_command_queue (wait->client));

  return g_list_model_get_n_items (journal) == wait->n;
}

static gboolean
not_live (gpointer data)
{
  return jb_client_get_state (data) != JB_CONNECTION_STATE_LIVE;
}

static void
command_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  /* The outcome is read from the store's events; the answer itself is dropped. */
  JsonNode *node = jb_client_command_finish (JB_CLIENT (object), result, NULL);

  g_clear_pointer (&node, json_node_unref);
}

/* The server is killed; the dispatcher goes on; every command is sent
 * once when it is back, a new incident gets its number, the catch-up
 * lists them all until dismissed. */
static void
test_offline_then_back (void)
{
  g_autoptr(JbTestServer) server = jb_test_server_start (demo_args);
  g_autofree char *auth = jb_test_login (server, "dispatcher", "demo");
  g_autofree char *dir = g_dir_make_tmp ("jb-outbox-XXXXXX", NULL);
  g_autofree char *incident_id = jb_test_new_incident (server, auth);
  g_autoptr(JbClient) client = jb_test_outbox_client_new (jb_test_server_get_url (server), dir);
  JbCommandQueue *queue = jb_client_get_command_queue (client);
  GListModel *journal = jb_command_queue_get_journal (queue);
  g_autofree char *description = g_strdup_printf ("开福区离线路%u号", g_random_int ());
  g_autoptr(JbCommand) draft = NULL;
  OfflineWait wait = { client, 3 };

  g_assert_nonnull (incident_id);
  jb_test_server_kill (server, SIGKILL);
  g_assert_true (jb_test_wait_for (not_live, client, WAIT_MS));

  jb_client_queue_command (client, jb_command_new_acknowledge (incident_id), NULL, command_done_cb, NULL);
  jb_client_queue_command (client, jb_command_new_note (incident_id, "离线时的备注"), NULL, command_done_cb, NULL);
  draft = jb_command_new_create_incident (JB_INCIDENT_TYPE_THEFT, 2, 28.2, 112.98, description,
                                          "离线时接警", NULL, JB_INCIDENT_SOURCE_PHONE);
  jb_client_queue_command (client, g_object_ref (draft), NULL, command_done_cb, NULL);
  g_assert_true (jb_test_wait_for (all_offline, &wait, WAIT_MS));
  g_assert_true (jb_command_is_draft (draft));
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JbCommand) command = g_list_model_get_item (journal, i);

      g_assert_true (jb_command_get_offline (command));
      g_assert_true (jb_command_is_pending (command));
    }

  jb_test_server_restart (server);
  g_assert_true (jb_test_wait_for ((JbTestCheck) jb_test_outbox_settled, client, WAIT_MS));

  g_assert_cmpuint (g_list_model_get_n_items (journal), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JbCommand) command = g_list_model_get_item (journal, i);

      g_assert_cmpint (jb_command_get_state (command), ==, JB_COMMAND_STATE_CONFIRMED);
    }
  g_assert_false (jb_command_is_draft (draft));
  g_assert_nonnull (jb_store_lookup_incident (jb_client_get_store (client), jb_command_get_target_id (draft)));
  g_assert_cmpuint (jb_test_count_notes (server, auth, incident_id, "离线时的备注"), ==, 1);
  {
    g_autofree char *escaped = g_uri_escape_string (description, NULL, FALSE);
    g_autofree char *query = g_strconcat ("/api/v1/incidents?status=all&q=", escaped, NULL);
    g_autoptr(JbTestResponse) found = jb_test_request (server, "GET", query, auth, NULL, NULL);

    g_assert_cmpuint (found->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (jb_test_json_get (found->body, "items"))), ==, 1);
  }
  jb_test_assert_store_matches (client, server, auth);

  /* Dismissed: gone from the list and the disk. */
  while (g_list_model_get_n_items (journal) > 0)
    {
      g_autoptr(JbCommand) command = g_list_model_get_item (journal, 0);

      g_assert_true (jb_command_queue_dismiss (queue, command));
    }
  jb_outbox_flush (jb_command_queue_get_outbox (queue));
  {
    g_autoptr(GPtrArray) rows = jb_outbox_load (jb_command_queue_get_outbox (queue), NULL);

    g_assert_cmpuint (rows->len, ==, 0);
  }
  jb_client_stop (client);
}

/* An older status change than the server's is refused, in words, and
 * stays listed; the person's own later word is not. */
static void
test_conflict (void)
{
  g_autoptr(JbTestServer) server = jb_test_server_start (demo_args);
  g_autofree char *auth = jb_test_login (server, "dispatcher", "demo");
  g_autofree char *other = jb_test_login (server, "qingshuitang", "demo");
  g_autofree char *dir = g_dir_make_tmp ("jb-outbox-XXXXXX", NULL);
  g_autoptr(JbClient) client = jb_test_outbox_client_new (jb_test_server_get_url (server), dir);
  JbCommandQueue *queue = jb_client_get_command_queue (client);
  JbStore *store = jb_client_get_store (client);
  const char *unit_id = NULL;
  JbCommand *stale, *mine;
  g_autoptr(JbTestResponse) answer = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;

  /* An available unit of the other user's station. */
  for (guint i = 0; i < g_list_model_get_n_items (jb_store_get_units (store)) && unit_id == NULL; i++)
    {
      g_autoptr(JbUnit) unit = g_list_model_get_item (jb_store_get_units (store), i);

      if (jb_unit_get_status (unit) == JB_UNIT_STATUS_AVAILABLE &&
          g_strcmp0 (jb_unit_get_station_id (unit), "st-qingshuitang") == 0)
        unit_id = g_intern_string (jb_unit_get_id (unit));
    }
  g_assert_nonnull (unit_id);

  jb_test_server_kill (server, SIGKILL);
  g_assert_true (jb_test_wait_for (not_live, client, WAIT_MS));
  stale = g_object_ref (jb_client_queue_command (client,
                                                 jb_command_new_unit_status (unit_id, JB_UNIT_STATUS_BUSY),
                                                 NULL, command_done_cb, NULL));
  g_assert_true (jb_test_wait_for (all_offline, &(OfflineWait) { client, 1 }, WAIT_MS));
  g_assert_cmpint (jb_command_get_state (stale), !=, JB_COMMAND_STATE_FAILED);

  /* Meanwhile the station's duty officer (not offline) says otherwise. */
  jb_test_server_restart (server);
  jb_client_stop (client);  /* the console stays off until the officer has spoken */
  path = g_strconcat ("/api/v1/units/", unit_id, "/status", NULL);
  answer = jb_test_request (server, "POST", path, other, NULL, "{\"status\": \"off_duty\"}");
  g_assert_cmpuint (answer->status, ==, 200);

  jb_client_start (client);
  mine = g_object_ref (jb_client_queue_command (client,
                                                jb_command_new_unit_status (unit_id, JB_UNIT_STATUS_AVAILABLE),
                                                NULL, command_done_cb, NULL));
  g_assert_true (jb_test_wait_for ((JbTestCheck) jb_test_outbox_settled, client, WAIT_MS));
  g_assert_cmpint (jb_command_get_state (stale), ==, JB_COMMAND_STATE_FAILED);
  g_assert_true (g_error_matches (jb_command_get_error (stale), JB_ERROR, JB_ERROR_CONFLICT));
  g_assert_nonnull (strstr (jb_command_get_error_message (stale), "changed on the server"));
  /* Given after the officer's change: applies. */
  g_assert_cmpint (jb_command_get_state (mine), ==, JB_COMMAND_STATE_CONFIRMED);
  g_assert_cmpuint (g_list_model_get_n_items (jb_command_queue_get_journal (queue)), >=, 1);
  jb_test_assert_store_matches (client, server, auth);

  /* A time in the future is refused as bad input. */
  body = g_strdup_printf ("{\"status\": \"busy\", \"issued_at\": %" G_GINT64_FORMAT "}",
                          g_get_real_time () / 1000 + 3600 * 1000);
  g_clear_pointer (&answer, jb_test_response_free);
  answer = jb_test_request (server, "POST", path, auth, NULL, body);
  g_assert_cmpuint (answer->status, ==, 400);
  g_assert_cmpstr (jb_test_json_string (answer->body, "error.code"), ==, "out_of_range");

  g_object_unref (stale);
  g_object_unref (mine);
  jb_client_stop (client);
}

/* The server's rules for late commands, by hand: a release older than a
 * new assignment by someone else, a command older than the 24 hours of
 * the idempotency keys. */
static void
test_conflict_rules (void)
{
  g_autoptr(JbTestServer) server = jb_test_server_start (demo_args);
  g_autofree char *auth = jb_test_login (server, "dispatcher", "demo");
  g_autofree char *other = jb_test_login (server, "qingshuitang", "demo");
  g_autoptr(JbTestResponse) station = jb_test_request (server, "GET", "/api/v1/stations", auth, NULL, NULL);
  g_autoptr(JbTestResponse) units = jb_test_request (server, "GET", "/api/v1/units", auth, NULL, NULL);
  g_autoptr(JbTestResponse) answer = NULL;
  g_autofree char *body = NULL;
  g_autofree char *incident_id = NULL;
  g_autofree char *assign_path = NULL;
  g_autofree char *release_path = NULL;
  g_autofree char *note_path = NULL;
  const char *unit_id = NULL;
  JsonArray *items;
  double lat = 0, lon = 0;
  gint64 now = g_get_real_time () / 1000;

  items = json_node_get_array (jb_test_json_get (station->body, "items"));
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *o = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (o, "id"), "st-qingshuitang"))
        {
          lat = json_object_get_double_member (json_object_get_object_member (o, "location"), "lat");
          lon = json_object_get_double_member (json_object_get_object_member (o, "location"), "lon");
        }
    }
  items = json_node_get_array (jb_test_json_get (units->body, "items"));
  for (guint i = 0; i < json_array_get_length (items) && unit_id == NULL; i++)
    {
      JsonObject *o = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (o, "station_id", NULL), "st-qingshuitang") == 0 &&
          g_str_equal (json_object_get_string_member (o, "status"), "available"))
        unit_id = json_object_get_string_member (o, "id");
    }
  g_assert_nonnull (unit_id);

  body = g_strdup_printf ("{\"type\": \"fight\", \"priority\": 2, \"location\": {\"lat\": %.6f, \"lon\": %.6f}}", lat, lon);
  answer = jb_test_request (server, "POST", "/api/v1/incidents", other, NULL, body);
  g_assert_cmpuint (answer->status, ==, 201);
  incident_id = g_strdup (jb_test_json_string (answer->body, "id"));
  assign_path = g_strconcat ("/api/v1/incidents/", incident_id, "/assignments", NULL);
  release_path = g_strconcat (assign_path, "/", unit_id, NULL);
  note_path = g_strconcat ("/api/v1/incidents/", incident_id, "/notes", NULL);

  /* The station assigns the unit now; a release given a minute ago by the
   * dispatcher meant an older assignment. */
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"unit_id\": \"%s\"}", unit_id);
  g_clear_pointer (&answer, jb_test_response_free);
  answer = jb_test_request (server, "POST", assign_path, other, NULL, body);
  g_assert_cmpuint (answer->status, ==, 201);
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"issued_at\": %" G_GINT64_FORMAT "}", now - 60000);
  g_clear_pointer (&answer, jb_test_response_free);
  answer = jb_test_request (server, "DELETE", release_path, auth, NULL, body);
  g_assert_cmpuint (answer->status, ==, 409);
  g_assert_nonnull (strstr (jb_test_json_string (answer->body, "error.message"), "assigned again"));
  /* Given after the assignment: released. */
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"issued_at\": %" G_GINT64_FORMAT "}", g_get_real_time () / 1000);
  g_clear_pointer (&answer, jb_test_response_free);
  answer = jb_test_request (server, "DELETE", release_path, auth, NULL, body);
  g_assert_cmpuint (answer->status, ==, 200);

  /* Older than the keys are kept: refused, nothing added. */
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"text\": \"too late\", \"issued_at\": %" G_GINT64_FORMAT "}",
                          now - (gint64) 25 * 3600 * 1000);
  g_clear_pointer (&answer, jb_test_response_free);
  answer = jb_test_request (server, "POST", note_path, auth, NULL, body);
  g_assert_cmpuint (answer->status, ==, 409);
  g_assert_cmpuint (jb_test_count_notes (server, auth, incident_id, "too late"), ==, 0);
  /* A wrong type is bad input, in the documented form. */
  g_clear_pointer (&answer, jb_test_response_free);
  answer = jb_test_request (server, "POST", note_path, auth, NULL, "{\"text\": \"x\", \"issued_at\": \"now\"}");
  g_assert_cmpuint (answer->status, ==, 400);
  g_assert_nonnull (jb_test_json_string (answer->body, "error.code"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/outbox/journal", test_journal);
  g_test_add_func ("/core/outbox/offline-then-back", test_offline_then_back);
  g_test_add_func ("/core/outbox/conflict", test_conflict);
  g_test_add_func ("/core/outbox/conflict-rules", test_conflict_rules);
  return g_test_run ();
}
