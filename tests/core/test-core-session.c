/* test-core-session.c — JbSession (login, user, JSON requests) against the
 * real jingbao-dispatchd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "jb-core.h"
#include "jb-test-client.h"

#define WAIT_MS JB_TEST_WAIT_MS

static const char * const demo_args[] = { "--demo", NULL };

static gboolean
login (JbSession   *session,
       const char  *username,
       const char  *password,
       GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  jb_session_login_async (session, username, password, NULL, jb_test_store_result_cb, &result);
  return jb_session_login_finish (session, jb_test_wait_result (&result, WAIT_MS), error);
}

static JsonNode *
send (JbSession   *session,
      const char  *method,
      const char  *path,
      GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  jb_session_send_async (session, method, path, NULL, NULL, NULL, jb_test_store_result_cb, &result);
  return jb_session_send_finish (session, jb_test_wait_result (&result, WAIT_MS), error);
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Drops @object and waits until it is finalized: a logout's request
 * holds it until the server answered. */
static void
drop_and_wait (gpointer object)
{
  gpointer weak = object;

  g_object_add_weak_pointer (G_OBJECT (object), &weak);
  g_object_unref (object);
  g_assert_true (jb_test_wait_for (is_null, &weak, WAIT_MS));
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          guint      *count)
{
  (*count)++;
}

/* The signed-in user as typed properties, for each kind of user. */
static void
test_login_user (void)
{
  JbTestServer *server = jb_test_server_start (demo_args);
  g_autoptr(JbSession) session = jb_session_new (jb_test_server_get_url (server));
  g_autoptr(GError) error = NULL;
  g_autofree char *station = NULL;
  guint n_notified = 0;

  g_assert_false (jb_session_is_logged_in (session));
  g_assert_null (jb_session_get_token (session));
  g_assert_cmpint (jb_session_get_role (session), ==, JB_ROLE_N);
  g_assert_nonnull (jb_session_get_soup_session (session));
  g_signal_connect (session, "notify::station-id", G_CALLBACK (count_cb), &n_notified);

  g_assert_false (login (session, "qingshuitang", "wrong", &error));
  g_assert_error (error, JB_ERROR, JB_ERROR_UNAUTHORIZED);
  g_assert_false (jb_session_is_logged_in (session));
  g_clear_error (&error);

  g_assert_true (login (session, "qingshuitang", "demo", &error));
  g_assert_no_error (error);
  g_assert_true (jb_session_is_logged_in (session));
  g_assert_nonnull (jb_session_get_token (session));
  g_assert_cmpuint (strlen (jb_session_get_token (session)), >, 8);
  g_assert_cmpstr (jb_session_get_username (session), ==, "qingshuitang");
  g_assert_cmpstr (jb_session_get_display_name (session), ==, "清水塘派出所值班室");
  g_assert_cmpint (jb_session_get_role (session), ==, JB_ROLE_DUTY_OFFICER);
  g_assert_cmpstr (jb_session_get_station_id (session), ==, "st-qingshuitang");
  g_object_get (session, "station-id", &station, NULL);
  g_assert_cmpstr (station, ==, "st-qingshuitang");
  g_assert_cmpuint (n_notified, ==, 1);

  /* Another user on the same session: a dispatcher has no station. */
  g_assert_true (login (session, "dispatcher", "demo", &error));
  g_assert_no_error (error);
  g_assert_cmpint (jb_session_get_role (session), ==, JB_ROLE_DISPATCHER);
  g_assert_null (jb_session_get_station_id (session));
  g_assert_cmpuint (n_notified, ==, 2);

  jb_session_logout (session);
  g_assert_false (jb_session_is_logged_in (session));
  g_assert_null (jb_session_get_user (session));
  g_assert_null (jb_session_get_display_name (session));
  g_assert_cmpint (jb_session_get_role (session), ==, JB_ROLE_N);

  drop_and_wait (g_steal_pointer (&session));
  jb_test_server_free (server);
}

/* Answers: JSON, the protocol's errors as JB_ERRORs, no answer. */
static void
test_requests (void)
{
  JbTestServer *server = jb_test_server_start (demo_args);
  g_autoptr(JbSession) session = jb_session_new (jb_test_server_get_url (server));
  g_autoptr(JbSession) nowhere = jb_session_new ("http://127.0.0.1:1/");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  /* No login needed for health. */
  node = send (session, "GET", "/api/v1/health", &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "status"), ==, "ok");
  g_clear_pointer (&node, json_node_unref);

  /* Not signed in: 401. */
  node = send (session, "GET", "/api/v1/config", &error);
  g_assert_null (node);
  g_assert_error (error, JB_ERROR, JB_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  g_assert_true (login (session, "dispatcher", "demo", &error));
  node = send (session, "GET", "/api/v1/config", &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_assert_true (json_object_has_member (json_node_get_object (node), "targets"));
  g_clear_pointer (&node, json_node_unref);

  /* 404 with the server's code and message. */
  node = send (session, "GET", "/api/v1/incidents/no-such-incident", &error);
  g_assert_null (node);
  g_assert_error (error, JB_ERROR, JB_ERROR_NOT_FOUND);
  g_assert_cmpuint (strlen (error->message), >, 0);
  g_clear_error (&error);

  /* A big answer (the snapshot) is parsed off the main thread: same JSON. */
  node = send (session, "GET", "/api/v1/snapshot", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (node), "units")), >, 100);
  g_clear_pointer (&node, json_node_unref);

  /* The trailing '/' of an address is dropped; nobody listens there. */
  g_assert_cmpstr (jb_session_get_server_url (nowhere), ==, "http://127.0.0.1:1");
  node = send (nowhere, "GET", "/api/v1/health", &error);
  g_assert_null (node);
  g_assert_error (error, JB_ERROR, JB_ERROR_NETWORK);
  g_clear_error (&error);

  jb_session_logout (session);
  drop_and_wait (g_steal_pointer (&session));
  g_assert_finalize_object (g_steal_pointer (&nowhere));
  jb_test_server_free (server);
}

/* JbClient shows the session's user and hands out what a downloader
 * needs. */
static void
test_client_user (void)
{
  JbTestServer *server = jb_test_server_start (demo_args);
  g_autoptr(JbClient) client = jb_test_client_new_signed_in (server, "wall", "demo");
  JbSession *session = jb_client_get_session (client);
  g_autofree char *display_name = NULL;

  g_assert_true (JB_IS_SESSION (session));
  g_assert_cmpstr (jb_client_get_display_name (client), ==, "指挥大屏");
  g_assert_cmpint (jb_client_get_role (client), ==, JB_ROLE_VIEWER);
  g_assert_null (jb_client_get_station_id (client));
  g_assert_true (jb_client_get_soup_session (client) == jb_session_get_soup_session (session));
  g_assert_cmpstr (jb_client_get_token (client), ==, jb_session_get_token (session));
  g_object_get (client, "display-name", &display_name, NULL);
  g_assert_cmpstr (display_name, ==, "指挥大屏");

  jb_client_logout (client);
  g_assert_null (jb_client_get_token (client));
  g_assert_null (jb_client_get_display_name (client));
  g_object_ref (session);
  g_assert_finalize_object (g_steal_pointer (&client));
  drop_and_wait (session);
  jb_test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/session/login-user", test_login_user);
  g_test_add_func ("/core/session/requests", test_requests);
  g_test_add_func ("/core/session/client-user", test_client_user);

  return g_test_run ();
}
