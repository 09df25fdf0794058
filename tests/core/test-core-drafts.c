/* test-core-drafts.c — new incidents given while the server is out of
 * reach show as drafts (JbDraftList) at once, survive a restart of the
 * console, and give way to the real incident, never shown twice; against
 * the real jingbao-dispatchd behind the fault proxy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-core.h"
#include "jb-test-outbox.h"
#include "jb-test-proxy.h"

#define WAIT_MS JB_TEST_WAIT_MS

static const char * const demo_args[] = { "--demo", NULL };

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbTestServer, jb_test_server_free)

static gboolean
not_live (gpointer data)
{
  return jb_client_get_state (data) != JB_CONNECTION_STATE_LIVE;
}

static gboolean
has_drafts (gpointer data)
{
  return g_list_model_get_n_items (data) > 0;
}

static gboolean
no_drafts (gpointer data)
{
  return g_list_model_get_n_items (data) == 0;
}

static gboolean
tried (gpointer data)
{
  return jb_command_get_attempts (data) > 0;
}

static void
command_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  JsonNode *node = jb_client_command_finish (JB_CLIENT (object), result, NULL);

  g_clear_pointer (&node, json_node_unref);
}

typedef struct
{
  JbDraftList *drafts;
  guint        n_checked;
} NoDuplicate;

/* Runs after the draft list's own handler of the same signal: the moment
 * the store has an incident, no draft stands for it any more. */
static void
store_changed_cb (JbStore       *store,
                  JbStoreChange  kind,
                  const char    *id,
                  NoDuplicate   *check)
{
  if (kind != JB_STORE_CHANGE_INCIDENT || jb_store_lookup_incident (store, id) == NULL)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (check->drafts)); i++)
    {
      g_autoptr(JbIncident) draft = g_list_model_get_item (G_LIST_MODEL (check->drafts), i);

      g_assert_cmpstr (jb_command_get_target_id (jb_draft_list_get_command (draft)), !=, id);
    }
  check->n_checked++;
}

/* The same when it comes with a snapshot. */
static void
snapshot_loaded_cb (JbStore     *store,
                    NoDuplicate *check)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (check->drafts)); i++)
    {
      g_autoptr(JbIncident) draft = g_list_model_get_item (G_LIST_MODEL (check->drafts), i);
      const char *id = jb_command_get_target_id (jb_draft_list_get_command (draft));

      g_assert_true (id == NULL || jb_store_lookup_incident (store, id) == NULL);
    }
  check->n_checked++;
}

static guint
count_in_store (JbStore    *store,
                const char *address)
{
  GListModel *incidents = jb_store_get_incidents (store);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (incidents); i++)
    {
      g_autoptr(JbIncident) incident = g_list_model_get_item (incidents, i);

      n += g_strcmp0 (jb_incident_get_address (incident), address) == 0;
    }
  return n;
}

static void
test_offline_draft (void)
{
  g_autoptr(JbTestServer) server = jb_test_server_start (demo_args);
  g_autoptr(JbTestProxy) proxy = jb_test_proxy_new (jb_test_server_get_url (server));
  g_autofree char *auth = jb_test_login (server, "dispatcher", "demo");
  g_autofree char *dir = g_dir_make_tmp ("jb-drafts-XXXXXX", NULL);
  g_autofree char *address = g_strdup_printf ("开福区待发送路%u号", g_random_int ());
  g_autofree char *key = NULL;
  g_autoptr(JbClient) first = jb_test_outbox_client_new (jb_test_proxy_get_url (proxy), dir);
  g_autoptr(JbClient) second = NULL;
  g_autoptr(JbDraftList) drafts = jb_draft_list_new (jb_client_get_command_queue (first),
                                                     jb_client_get_store (first));
  g_autoptr(JbIncident) draft = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  NoDuplicate check = { 0 };
  JbCommand *command;
  gint64 issued_at;
  double lat, lon;

  /* Offline: the draft is there at once, as the person gave it. */
  jb_test_proxy_cut (proxy);
  g_assert_true (jb_test_wait_for (not_live, first, WAIT_MS));
  command = jb_client_queue_command (first,
                                     jb_command_new_create_incident (JB_INCIDENT_TYPE_FIGHT, 1, 28.2301, 112.9870, address,
                                                                     "两人在店门口打架", "待发送饭店", JB_INCIDENT_SOURCE_PHONE),
                                     NULL, command_done_cb, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (drafts)), ==, 1);
  draft = g_list_model_get_item (G_LIST_MODEL (drafts), 0);
  g_assert_true (jb_draft_list_is_draft (draft));
  g_assert_true (jb_draft_list_get_command (draft) == command);
  g_assert_null (jb_incident_get_number (draft));
  g_assert_cmpint (jb_incident_get_status (draft), ==, JB_INCIDENT_STATUS_NEW);
  g_assert_cmpint (jb_incident_get_incident_type (draft), ==, JB_INCIDENT_TYPE_FIGHT);
  g_assert_cmpuint (jb_incident_get_priority (draft), ==, 1);
  g_assert_cmpstr (jb_incident_get_address (draft), ==, address);
  g_assert_cmpstr (jb_incident_get_venue_name (draft), ==, "待发送饭店");
  g_assert_true (jb_incident_get_location (draft, &lat, &lon));
  g_assert_cmpfloat_with_epsilon (lat, 28.2301, 1e-9);
  g_assert_cmpint (jb_incident_get_created_at (draft), ==, jb_command_get_issued_at (command));
  key = g_strdup (jb_command_get_idempotency_key (command));
  issued_at = jb_command_get_issued_at (command);

  /* Journaled and tried once; then the console is gone. */
  g_assert_true (jb_test_wait_for (tried, command, WAIT_MS));
  g_clear_object (&drafts);
  g_clear_object (&draft);
  jb_client_stop (first);
  g_clear_object (&first);

  /* Restarted: the draft is back from the outbox as soon as the person
   * signs in, before the stream runs (the store cannot have it yet). */
  jb_test_proxy_heal (proxy);
  second = jb_client_new (jb_test_proxy_get_url (proxy));
  jb_client_set_outbox_dir (second, dir);
  drafts = jb_draft_list_new (jb_client_get_command_queue (second), jb_client_get_store (second));
  jb_client_login_async (second, "dispatcher", "demo", NULL, jb_test_store_result_cb, &result);
  g_assert_true (jb_client_login_finish (second, jb_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
  g_assert_true (jb_test_wait_for (has_drafts, drafts, WAIT_MS));
  draft = g_list_model_get_item (G_LIST_MODEL (drafts), 0);
  g_assert_cmpstr (jb_command_get_idempotency_key (jb_draft_list_get_command (draft)), ==, key);
  g_assert_cmpint (jb_incident_get_created_at (draft), ==, issued_at);
  g_assert_cmpstr (jb_incident_get_address (draft), ==, address);

  /* Live: the real incident replaces it, never both at once. */
  check.drafts = drafts;
  g_signal_connect (jb_client_get_store (second), "changed", G_CALLBACK (store_changed_cb), &check);
  g_signal_connect (jb_client_get_store (second), "snapshot-loaded", G_CALLBACK (snapshot_loaded_cb), &check);
  jb_test_client_start_live (second, WAIT_MS);
  g_assert_true (jb_test_wait_for ((JbTestCheck) jb_test_outbox_settled, second, WAIT_MS));
  g_assert_true (jb_test_wait_for (no_drafts, drafts, WAIT_MS));
  g_assert_cmpuint (count_in_store (jb_client_get_store (second), address), ==, 1);
  g_assert_cmpuint (check.n_checked, >, 0);
  {
    g_autofree char *escaped = g_uri_escape_string (address, NULL, FALSE);
    g_autofree char *query = g_strconcat ("/api/v1/incidents?status=all&q=", escaped, NULL);
    g_autoptr(JbTestResponse) found = jb_test_request (server, "GET", query, auth, NULL, NULL);

    g_assert_cmpuint (found->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (jb_test_json_get (found->body, "items"))), ==, 1);
  }
  g_signal_handlers_disconnect_by_func (jb_client_get_store (second), store_changed_cb, &check);
  g_signal_handlers_disconnect_by_func (jb_client_get_store (second), snapshot_loaded_cb, &check);
  jb_client_stop (second);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/drafts/offline-draft", test_offline_draft);
  return g_test_run ();
}
