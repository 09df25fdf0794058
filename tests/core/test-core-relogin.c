/* test-core-relogin.c — a command the server refused with 401 because the
 * session ended is kept, and sent once more, with the same key, after the
 * person signs in again; against the real jingbao-dispatchd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-core.h"
#include "jb-test-outbox.h"

#define WAIT_MS JB_TEST_WAIT_MS

static const char * const demo_args[] = { "--demo", NULL };

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbTestServer, jb_test_server_free)

static gboolean
not_live (gpointer data)
{
  return jb_client_get_state (data) != JB_CONNECTION_STATE_LIVE;
}

static gboolean
refused_once (gpointer data)
{
  JbCommand *command = data;

  return jb_command_get_attempts (command) >= 1 && jb_command_get_state (command) == JB_COMMAND_STATE_RETRYING;
}

static void
count_cb (gpointer  instance,
          guint    *count)
{
  (*count)++;
}

/* Ends @client's session on the server, as an expiry or an administrator
 * would, and waits until the client knows. */
static void
end_session (JbTestServer *server,
             JbClient     *client)
{
  g_autofree char *bearer = g_strconcat ("Bearer ", jb_client_get_token (client), NULL);
  g_autoptr(JbTestResponse) revoked = jb_test_request (server, "DELETE", "/api/v1/session", bearer, NULL, NULL);

  g_assert_cmpuint (revoked->status, ==, 204);
  g_assert_true (jb_test_wait_for (not_live, client, WAIT_MS));
}

/* A command given after the session ended meets a 401: it is not dropped;
 * it waits, listed as given offline; @then_login signs in (the same client
 * again, or a new one on the same outbox as the app does) and the command
 * is applied once. */
static void
check_relogin (gboolean new_client)
{
  g_autoptr(JbTestServer) server = jb_test_server_start (demo_args);
  g_autofree char *auth = jb_test_login (server, "dispatcher", "demo");
  g_autofree char *dir = g_dir_make_tmp ("jb-relogin-XXXXXX", NULL);
  g_autofree char *incident_id = jb_test_new_incident (server, auth);
  g_autofree char *text = g_strdup_printf ("会话过期时的备注%u", g_random_int ());
  g_autofree char *key = NULL;
  g_autoptr(JbClient) client = jb_test_outbox_client_new (jb_test_server_get_url (server), dir);
  g_autoptr(JbClient) again = NULL;
  g_autoptr(JbCommand) note = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JbClient *signed_in;
  guint unauthorized = 0;

  end_session (server, client);
  g_signal_connect (client, "unauthorized", G_CALLBACK (count_cb), &unauthorized);
  note = g_object_ref (jb_client_queue_command (client, jb_command_new_note (incident_id, text), NULL, NULL, NULL));
  key = g_strdup (jb_command_get_idempotency_key (note));
  g_assert_true (jb_test_wait_for (refused_once, note, WAIT_MS));
  g_assert_cmpuint (unauthorized, >=, 1);
  g_assert_true (jb_command_is_pending (note));
  g_assert_true (jb_command_get_offline (note));
  g_assert_cmpuint (g_list_model_get_n_items (jb_command_queue_get_journal (jb_client_get_command_queue (client))), ==, 1);
  /* Held, not retried against a dead session. */
  jb_test_spin (500);
  g_assert_cmpuint (jb_command_get_attempts (note), ==, 1);
  g_assert_cmpuint (jb_test_count_notes (server, auth, incident_id, text), ==, 0);

  if (new_client)
    {
      /* The app signs in with a new client on the same outbox; the old
       * one is signed out, its command left in the outbox. */
      jb_client_logout (client);
      g_assert_true (jb_command_is_pending (note));
      again = jb_client_new (jb_test_server_get_url (server));
      jb_client_set_outbox_dir (again, dir);
      signed_in = again;
    }
  else
    signed_in = client;
  jb_client_login_async (signed_in, "dispatcher", "demo", NULL, jb_test_store_result_cb, &result);
  g_assert_true (jb_client_login_finish (signed_in, jb_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
  jb_test_client_start_live (signed_in, WAIT_MS);
  g_assert_true (jb_test_wait_for ((JbTestCheck) jb_test_outbox_settled, signed_in, WAIT_MS));

  g_assert_cmpuint (jb_test_count_notes (server, auth, incident_id, text), ==, 1);
  if (!new_client)
    {
      g_assert_cmpint (jb_command_get_state (note), ==, JB_COMMAND_STATE_CONFIRMED);
      g_assert_cmpuint (jb_command_get_attempts (note), ==, 2);
      g_assert_cmpstr (jb_command_get_idempotency_key (note), ==, key);
    }
  else
    {
      GListModel *journal = jb_command_queue_get_journal (jb_client_get_command_queue (again));
      g_autoptr(JbCommand) restored = NULL;

      g_assert_cmpuint (g_list_model_get_n_items (journal), ==, 1);
      restored = g_list_model_get_item (journal, 0);
      g_assert_cmpstr (jb_command_get_idempotency_key (restored), ==, key);
      g_assert_cmpint (jb_command_get_state (restored), ==, JB_COMMAND_STATE_CONFIRMED);
    }
  jb_test_assert_store_matches (signed_in, server, auth);
  g_signal_handlers_disconnect_by_func (client, count_cb, &unauthorized);
  jb_client_stop (signed_in);
}

static void
test_same_client (void)
{
  check_relogin (FALSE);
}

static void
test_new_client (void)
{
  check_relogin (TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/relogin/same-client", test_same_client);
  g_test_add_func ("/core/relogin/new-client", test_new_client);
  return g_test_run ();
}
