/* jb-test-outbox.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-test-outbox.h"

JbClient *
jb_test_outbox_client_new (const char *url,
                           const char *outbox_dir)
{
  g_autoptr(JbClient) client = jb_client_new (url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  jb_client_set_outbox_dir (client, outbox_dir);
  jb_client_login_async (client, "dispatcher", "demo", NULL, jb_test_store_result_cb, &result);
  g_assert_true (jb_client_login_finish (client, jb_test_wait_result (&result, JB_TEST_WAIT_MS), &error));
  g_assert_no_error (error);
  jb_test_client_start_live (client, JB_TEST_WAIT_MS);
  return g_steal_pointer (&client);
}

gboolean
jb_test_outbox_settled (JbClient *client)
{
  GListModel *pending = jb_client_get_pending_commands (client);

  for (guint i = 0; i < g_list_model_get_n_items (pending); i++)
    {
      g_autoptr(JbCommand) command = g_list_model_get_item (pending, i);

      if (jb_command_is_pending (command))
        return FALSE;
    }
  return TRUE;
}

guint
jb_test_count_notes (JbTestServer *server,
                     const char   *authorization,
                     const char   *incident_id,
                     const char   *text)
{
  g_autofree char *path = g_strconcat ("/api/v1/incidents/", incident_id, NULL);
  g_autoptr(JbTestResponse) answer = jb_test_request (server, "GET", path, authorization, NULL, NULL);
  JsonNode *notes;
  guint count = 0;

  g_assert_cmpuint (answer->status, ==, 200);
  notes = jb_test_json_get (answer->body, "notes");
  g_assert_nonnull (notes);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (notes)); i++)
    {
      JsonObject *note = json_array_get_object_element (json_node_get_array (notes), i);

      if (g_strcmp0 (json_object_get_string_member_with_default (note, "text", NULL), text) == 0)
        count++;
    }
  return count;
}

typedef struct
{
  JbClient *client;
  gint64    seq;
} SeqWait;

static gboolean
reached_seq (gpointer data)
{
  SeqWait *wait = data;

  return jb_test_client_is_live (wait->client) &&
         jb_store_get_seq (jb_client_get_store (wait->client)) >= wait->seq;
}

void
jb_test_assert_store_matches (JbClient     *client,
                              JbTestServer *server,
                              const char   *authorization)
{
  g_autoptr(JbTestResponse) answer = jb_test_request (server, "GET", "/api/v1/snapshot", authorization, NULL, NULL);
  JbStore *store = jb_client_get_store (client);
  SeqWait wait = { client, 0 };
  JsonArray *units, *incidents;

  g_assert_cmpuint (answer->status, ==, 200);
  wait.seq = jb_test_json_int (answer->body, "seq");
  g_assert_true (jb_test_wait_for (reached_seq, &wait, JB_TEST_WAIT_MS));
  /* Nothing moves the demo without the simulator: the same seq is the
   * same world. */
  g_assert_cmpint (jb_store_get_seq (store), ==, wait.seq);

  units = json_node_get_array (jb_test_json_get (answer->body, "units"));
  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonObject *u = json_array_get_object_element (units, i);
      JbUnit *unit = jb_store_lookup_unit (store, json_object_get_string_member (u, "id"));
      JbUnitStatus status;

      g_assert_nonnull (unit);
      g_assert_true (jb_unit_status_from_string (json_object_get_string_member (u, "status"), &status));
      g_assert_cmpint (jb_unit_get_status (unit), ==, status);
      g_assert_cmpstr (jb_unit_get_incident_id (unit), ==,
                       json_object_get_string_member_with_default (u, "incident_id", NULL));
    }

  incidents = json_node_get_array (jb_test_json_get (answer->body, "incidents"));
  for (guint i = 0; i < json_array_get_length (incidents); i++)
    {
      JsonObject *o = json_array_get_object_element (incidents, i);
      JbIncident *incident = jb_store_lookup_incident (store, json_object_get_string_member (o, "id"));
      JbIncidentStatus status;

      g_assert_nonnull (incident);
      g_assert_true (jb_incident_status_from_string (json_object_get_string_member (o, "status"), &status));
      g_assert_cmpint (jb_incident_get_status (incident), ==, status);
      g_assert_cmpuint (jb_incident_get_n_notes (incident), ==,
                        json_array_get_length (json_object_get_array_member (o, "notes")));
      g_assert_cmpuint (jb_incident_get_n_assignments (incident), ==,
                        json_array_get_length (json_object_get_array_member (o, "assignments")));
      g_assert_cmpint (jb_incident_get_updated_at (incident), ==, json_object_get_int_member (o, "updated_at"));
    }
}

char *
jb_test_new_incident (JbTestServer *server,
                      const char   *authorization)
{
  g_autoptr(JbTestResponse) answer =
    jb_test_request (server, "POST", "/api/v1/incidents", authorization, NULL,
                     "{\"type\": \"fight\", \"priority\": 2,"
                     " \"location\": {\"lat\": 28.2301, \"lon\": 112.9870}, \"address\": \"开福区测试路1号\"}");

  g_assert_cmpuint (answer->status, ==, 201);
  return g_strdup (jb_test_json_string (answer->body, "id"));
}
