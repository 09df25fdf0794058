/* jb-test-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-test-client.h"

void
jb_test_client_sign_in (JbClient   *client,
                        const char *username,
                        const char *password)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  jb_client_login_async (client, username, password, NULL, jb_test_store_result_cb, &result);
  g_assert_true (jb_client_login_finish (client, jb_test_wait_result (&result, JB_TEST_WAIT_MS), &error));
  g_assert_no_error (error);
  g_assert_true (jb_client_is_logged_in (client));
}

JbClient *
jb_test_client_new_signed_in (JbTestServer *server,
                              const char   *username,
                              const char   *password)
{
  g_autoptr(JbClient) client = jb_client_new (jb_test_server_get_url (server));

  jb_test_client_sign_in (client, username, password);
  return g_steal_pointer (&client);
}

gboolean
jb_test_client_is_live (JbClient *client)
{
  return jb_client_get_state (client) == JB_CONNECTION_STATE_LIVE &&
         jb_store_has_snapshot (jb_client_get_store (client));
}

void
jb_test_client_start_live (JbClient *client,
                           guint     timeout_ms)
{
  jb_client_start (client);
  g_assert_true (jb_test_wait_for ((JbTestCheck) jb_test_client_is_live, client, timeout_ms));
}

typedef struct
{
  JbClient          *client;
  JbConnectionState  state;
} StateWait;

static gboolean
state_reached (gpointer data)
{
  StateWait *w = data;

  return jb_client_get_state (w->client) == w->state;
}

void
jb_test_client_wait_state (JbClient          *client,
                           JbConnectionState  state,
                           guint              timeout_ms)
{
  StateWait w = { client, state };

  if (!jb_test_wait_for (state_reached, &w, timeout_ms))
    g_error ("The client did not reach state %d (it is %d; last error: %s)",
             state, jb_client_get_state (client),
             jb_client_get_last_error (client) ? jb_client_get_last_error (client) : "none");
}
