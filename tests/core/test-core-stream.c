/* test-core-stream.c — JbStream feeding a store from the real
 * jingbao-dispatchd, without the rest of the client
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>

#include "jb-core.h"
#include "jb-test-client.h"

#define WAIT_MS JB_TEST_WAIT_MS

static const char * const demo_args[] = { "--demo", NULL };

typedef struct
{
  JbStream          *stream;
  JbConnectionState  state;
} StateWait;

static gboolean
state_reached (gpointer data)
{
  StateWait *w = data;

  return jb_stream_get_state (w->stream) == w->state;
}

static void
wait_state (JbStream          *stream,
            JbConnectionState  state)
{
  StateWait w = { stream, state };

  if (!jb_test_wait_for (state_reached, &w, WAIT_MS))
    g_error ("The stream did not reach state %d (it is %d; last error: %s)",
             state, jb_stream_get_state (stream),
             jb_stream_get_last_error (stream) ? jb_stream_get_last_error (stream) : "none");
}

static JbSession *
signed_in_session (JbTestServer *server,
                   const char   *username)
{
  g_autoptr(JbSession) session = jb_session_new (jb_test_server_get_url (server));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  jb_session_login_async (session, username, "demo", NULL, jb_test_store_result_cb, &result);
  g_assert_true (jb_session_login_finish (session, jb_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
  return g_steal_pointer (&session);
}

static void
count_cb (gpointer  instance,
          guint    *count)
{
  (*count)++;
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

/* Snapshot, then events: an incident made by another client arrives. */
static void
test_live (void)
{
  JbTestServer *server = jb_test_server_start (demo_args);
  g_autoptr(JbSession) session = signed_in_session (server, "dispatcher");
  g_autoptr(JbStore) store = jb_store_new ();
  g_autoptr(JbStream) stream = jb_stream_new (session, store);
  g_autofree char *auth = jb_test_login (server, "dispatcher", "demo");
  g_autoptr(JbTestResponse) created = NULL;
  guint n_applied = 0, n_unauthorized = 0;
  IncidentWait w = { store, NULL };

  g_assert_true (jb_stream_get_session (stream) == session);
  g_assert_true (jb_stream_get_store (stream) == store);
  g_assert_cmpint (jb_stream_get_state (stream), ==, JB_CONNECTION_STATE_OFFLINE);
  g_signal_connect (stream, "applied", G_CALLBACK (count_cb), &n_applied);
  g_signal_connect (stream, "unauthorized", G_CALLBACK (count_cb), &n_unauthorized);

  jb_stream_start (stream);
  wait_state (stream, JB_CONNECTION_STATE_LIVE);
  g_assert_true (jb_store_has_snapshot (store));
  g_assert_cmpuint (n_applied, >=, 1);  /* the snapshot */
  g_assert_cmpuint (g_list_model_get_n_items (jb_store_get_units (store)), >, 100);
  g_assert_null (jb_stream_get_last_error (stream));

  created = jb_test_request (server, "POST", "/api/v1/incidents", auth, NULL,
                             "{\"type\": \"fight\", \"priority\": 2, \"location\": {\"lat\": 28.2, \"lon\": 112.99}}");
  g_assert_cmpuint (created->status, ==, 201);
  w.id = jb_test_json_string (created->body, "id");
  g_assert_true (jb_test_wait_for (incident_known, &w, WAIT_MS));
  g_assert_cmpuint (n_applied, >=, 2);
  g_assert_cmpint (jb_stream_get_last_event_time (stream), >, 0);
  g_assert_cmpuint (jb_stream_get_gap_count (stream), ==, 0);
  g_assert_cmpuint (n_unauthorized, ==, 0);

  jb_stream_stop (stream);
  g_assert_cmpint (jb_stream_get_state (stream), ==, JB_CONNECTION_STATE_OFFLINE);
  g_assert_finalize_object (g_steal_pointer (&stream));
  for (guint i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  jb_test_server_free (server);
}

/* Stands for a frame clock on a machine too slow to paint a frame within
 * its interval: always ready, just ahead of the snapshot's slices. */
static gboolean
busy_painting_cb (gpointer data)
{
  guint *frames = data;
  gint64 until = g_get_monotonic_time () + 5000;

  while (g_get_monotonic_time () < until)
    ;
  (*frames)++;
  return G_SOURCE_CONTINUE;
}

/* The snapshot goes in, by slices, even when painting never leaves the
 * main loop idle; and painting goes on meanwhile. */
static void
test_live_while_painting (void)
{
  JbTestServer *server = jb_test_server_start (demo_args);
  g_autoptr(JbSession) session = signed_in_session (server, "dispatcher");
  g_autoptr(JbStore) store = jb_store_new ();
  g_autoptr(JbStream) stream = jb_stream_new (session, store);
  guint frames = 0, frames_at_live;
  guint painting = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 20, busy_painting_cb, &frames, NULL);

  jb_stream_start (stream);
  wait_state (stream, JB_CONNECTION_STATE_LIVE);
  g_assert_true (jb_store_has_snapshot (store));
  g_assert_cmpuint (g_list_model_get_n_items (jb_store_get_units (store)), >, 100);
  frames_at_live = frames;
  g_assert_cmpuint (frames_at_live, >, 0);

  g_source_remove (painting);
  jb_stream_stop (stream);
  g_assert_finalize_object (g_steal_pointer (&stream));
  for (guint i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  jb_test_server_free (server);
}

/* The server goes away and comes back: the stream reconnects by itself
 * and catches up on what it missed. */
static void
test_reconnect (void)
{
  JbTestServer *server = jb_test_server_start (demo_args);
  g_autoptr(JbSession) session = signed_in_session (server, "dispatcher");
  g_autoptr(JbStore) store = jb_store_new ();
  g_autoptr(JbStream) stream = jb_stream_new (session, store);
  g_autofree char *auth = NULL;
  g_autoptr(JbTestResponse) created = NULL;
  IncidentWait w = { store, NULL };
  guint reconnects;

  jb_stream_start (stream);
  wait_state (stream, JB_CONNECTION_STATE_LIVE);
  reconnects = jb_stream_get_reconnect_count (stream);

  jb_test_server_kill (server, SIGKILL);
  wait_state (stream, JB_CONNECTION_STATE_RECONNECTING);
  g_assert_cmpuint (jb_stream_get_reconnect_count (stream), >, reconnects);
  g_assert_nonnull (jb_stream_get_last_error (stream));

  jb_test_server_restart (server);
  /* The token is kept in the database: the same session goes on. */
  auth = jb_test_login (server, "dispatcher", "demo");
  created = jb_test_request (server, "POST", "/api/v1/incidents", auth, NULL,
                             "{\"type\": \"theft\", \"priority\": 3, \"location\": {\"lat\": 28.21, \"lon\": 112.98}}");
  g_assert_cmpuint (created->status, ==, 201);
  w.id = jb_test_json_string (created->body, "id");

  wait_state (stream, JB_CONNECTION_STATE_LIVE);
  g_assert_true (jb_test_wait_for (incident_known, &w, WAIT_MS));

  jb_stream_stop (stream);
  g_assert_finalize_object (g_steal_pointer (&stream));
  for (guint i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  jb_test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/stream/live", test_live);
  g_test_add_func ("/core/stream/live-while-painting", test_live_while_painting);
  g_test_add_func ("/core/stream/reconnect", test_reconnect);

  return g_test_run ();
}
