/* test-core-failover.c — a client given two servers of one database: the
 * one it is on is killed with commands pending, it moves to the other,
 * resumes after its last seq, and every command is applied once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-core.h"
#include "jb-test-outbox.h"

#include <signal.h>
#include <string.h>

#define WAIT_MS JB_TEST_WAIT_MS
/* Settling a burst under the sanitizers on a loaded machine is slow, not
 * stuck. */
#define SETTLE_MS (6 * JB_TEST_WAIT_MS)

static const char * const demo_args[] = { "--demo", NULL };

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbTestServer, jb_test_server_free)

/* The list: parsing, order, and what the status bar names. */
static void
test_server_list (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) urls = jb_server_list_parse (" http://10.0.0.1:8080/ ,https://b.example,, http://10.0.0.1:8080", &error);
  g_auto(GStrv) none = NULL;
  g_auto(GStrv) bad = NULL;
  g_autofree char *text = NULL;
  g_autofree char *label = NULL;
  g_autofree char *label_default = NULL;
  g_autofree char *label_v6 = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (urls), ==, 2);
  g_assert_cmpstr (urls[0], ==, "http://10.0.0.1:8080");
  g_assert_cmpstr (urls[1], ==, "https://b.example");
  text = jb_server_list_format ((const char * const *) urls);
  g_assert_cmpstr (text, ==, "http://10.0.0.1:8080,https://b.example");

  bad = jb_server_list_parse ("http://a:1, ftp://b", &error);
  g_assert_null (bad);
  g_assert_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (error->message, "ftp://b"));
  g_clear_error (&error);
  none = jb_server_list_parse (" , ", &error);
  g_assert_null (none);
  g_assert_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE);

  label = jb_server_list_label ("http://10.0.0.1:8080");
  g_assert_cmpstr (label, ==, "10.0.0.1:8080");
  label_default = jb_server_list_label ("https://b.example");
  g_assert_cmpstr (label_default, ==, "b.example:443");
  label_v6 = jb_server_list_label ("http://[::1]:9000");
  g_assert_cmpstr (label_v6, ==, "[::1]:9000");

  {
    g_autoptr(JbClient) client = jb_client_new ("http://10.0.0.1:8080/, http://10.0.0.2:8080");
    const char * const *list = jb_client_get_server_urls (client);

    g_assert_cmpuint (g_strv_length ((GStrv) list), ==, 2);
    g_assert_cmpstr (jb_client_get_server_url (client), ==, "http://10.0.0.1:8080");
    g_assert_false (jb_client_get_moving (client));
  }
}

/* What the stream applied: each seq once, none skipped. */
typedef struct
{
  JbClient *client;
  gint64    last_seq;
  guint     applied;
  guint     out_of_order;
  guint     snapshots;
  guint     moves;
  char     *moved_from;
  char     *moved_to;
} Watch;

static void
applied_cb (JbStream *stream,
            Watch    *watch)
{
  gint64 seq = jb_store_get_seq (jb_client_get_store (watch->client));

  if (seq != watch->last_seq + 1)
    {
      g_test_message ("seq %" G_GINT64_FORMAT " after %" G_GINT64_FORMAT, seq, watch->last_seq);
      watch->out_of_order++;
    }
  watch->last_seq = seq;
  watch->applied++;
}

static void
snapshot_cb (JbStore *store,
             Watch   *watch)
{
  watch->snapshots++;
}

static void
moved_cb (JbClient   *client,
          const char *from,
          const char *to,
          Watch      *watch)
{
  watch->moves++;
  g_free (watch->moved_from);
  watch->moved_from = g_strdup (from);
  g_free (watch->moved_to);
  watch->moved_to = g_strdup (to);
}

typedef struct
{
  JbClient   *client;
  const char *url;
} OnServer;

static gboolean
live_on (gpointer data)
{
  OnServer *on = data;

  return jb_test_client_is_live (on->client) && !jb_client_get_moving (on->client) &&
         g_strcmp0 (jb_client_get_server_url (on->client), on->url) == 0;
}

static gboolean
command_sending (gpointer data)
{
  return jb_command_get_state (data) == JB_COMMAND_STATE_SENDING;
}

static gboolean
moving (gpointer data)
{
  return jb_client_get_moving (data);
}

/* Client on A with a command in flight and more queued (A is stopped, so
 * they stay so); one of them already done through B with its key, as if A
 * had done it and died before answering; A killed; the client must end on
 * B with each command applied once and its store equal to B's snapshot. */
static void
test_kill_current_server (void)
{
  g_autoptr(JbTestServer) a = jb_test_server_start (demo_args);
  g_autoptr(JbTestServer) b = jb_test_server_start_sibling (a, NULL);
  g_autofree char *auth = jb_test_login (a, "dispatcher", "demo");
  g_autofree char *incident_id = jb_test_new_incident (a, auth);
  g_autofree char *dir = g_dir_make_tmp ("jb-failover-XXXXXX", NULL);
  g_autofree char *urls = g_strconcat (jb_test_server_get_url (a), ",", jb_test_server_get_url (b), NULL);
  g_autoptr(JbClient) client = NULL;
  g_autoptr(GPtrArray) commands = g_ptr_array_new_with_free_func (g_object_unref);
  Watch watch = { 0 };
  OnServer on_b = { NULL, jb_test_server_get_url (b) };
  const guint n = 12;
  gint64 seq_before, killed_at, moved_at;
  g_autofree char *head_body = NULL;
  g_autoptr(JbTestResponse) early = NULL;
  JbCommand *head;

  client = jb_test_outbox_client_new (urls, dir);
  on_b.client = client;
  g_assert_cmpstr (jb_client_get_server_url (client), ==, jb_test_server_get_url (a));
  watch.client = client;
  watch.last_seq = jb_store_get_seq (jb_client_get_store (client));
  g_signal_connect (jb_client_get_stream (client), "applied", G_CALLBACK (applied_cb), &watch);
  g_signal_connect (jb_client_get_store (client), "snapshot-loaded", G_CALLBACK (snapshot_cb), &watch);
  g_signal_connect (client, "server-moved", G_CALLBACK (moved_cb), &watch);

  /* A stops answering (but is not gone yet): the first note goes out and
   * hangs, the others queue behind it. */
  g_assert_cmpint (kill (jb_test_server_get_pid (a), SIGSTOP), ==, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("failover-%u", i);

      g_ptr_array_add (commands, g_object_ref (jb_client_queue_command (client, jb_command_new_note (incident_id, text),
                                                                        NULL, NULL, NULL)));
    }
  head = g_ptr_array_index (commands, 0);
  g_assert_true (jb_test_wait_for (command_sending, head, WAIT_MS));
  for (guint i = 1; i < n; i++)
    g_assert_true (jb_command_is_pending (g_ptr_array_index (commands, i)));

  /* The command in flight was done (through the database both servers
   * share) and its answer lost: the resend must not do it again. */
  head_body = jb_json_to_string (jb_command_get_body (head), NULL);
  early = jb_test_request (b, jb_command_get_method (head), jb_command_get_path (head), auth,
                           jb_command_get_idempotency_key (head), head_body);
  g_assert_cmpuint (early->status, <, 300);
  seq_before = watch.last_seq;

  killed_at = g_get_monotonic_time ();
  jb_test_server_kill (a, SIGKILL);

  /* While it looks for B the client says so; then it is live there. */
  g_assert_true (jb_test_wait_for (moving, client, WAIT_MS));
  g_assert_true (jb_test_wait_for (live_on, &on_b, WAIT_MS));
  moved_at = g_get_monotonic_time ();
  g_test_message ("live on the other server %.0f ms after the kill", (moved_at - killed_at) / 1000.0);
  g_assert_cmpuint (watch.moves, ==, 1);
  g_assert_cmpstr (watch.moved_from, ==, jb_test_server_get_url (a));
  g_assert_cmpstr (watch.moved_to, ==, jb_test_server_get_url (b));

  g_assert_true (jb_test_wait_for ((JbTestCheck) jb_test_outbox_settled, client, SETTLE_MS));
  for (guint i = 0; i < n; i++)
    {
      JbCommand *command = g_ptr_array_index (commands, i);
      g_autofree char *text = g_strdup_printf ("failover-%u", i);

      g_assert_cmpint (jb_command_get_state (command), ==, JB_COMMAND_STATE_CONFIRMED);
      g_assert_cmpuint (jb_test_count_notes (b, auth, incident_id, text), ==, 1);
    }
  g_test_message ("the command in flight was sent %u time(s)", jb_command_get_attempts (head));

  jb_test_assert_store_matches (client, b, auth);
  /* Resumed with since=: no reload, every seq once and in order, the
   * notes' n events among them. */
  g_assert_cmpuint (watch.snapshots, ==, 0);
  g_assert_cmpuint (watch.out_of_order, ==, 0);
  g_assert_cmpuint (jb_client_get_gap_count (client), ==, 0);
  g_assert_cmpint (watch.last_seq - seq_before, >=, n);
  g_assert_cmpint (watch.last_seq, ==, jb_store_get_seq (jb_client_get_store (client)));

  jb_client_stop (client);
  g_signal_handlers_disconnect_by_data (jb_client_get_stream (client), &watch);
  g_signal_handlers_disconnect_by_data (jb_client_get_store (client), &watch);
  g_signal_handlers_disconnect_by_data (client, &watch);
  g_clear_object (&client);
  g_free (watch.moved_from);
  g_free (watch.moved_to);
  /* B first: A's directory holds the database. */
  g_clear_pointer (&b, jb_test_server_free);
  g_clear_pointer (&a, jb_test_server_free);
}

/* The first server of the list is down at sign-in: the login goes to the
 * next, and the stream starts there. */
static void
test_sign_in_first_down (void)
{
  g_autoptr(JbTestServer) a = jb_test_server_start (demo_args);
  g_autoptr(JbTestServer) b = jb_test_server_start_sibling (a, NULL);
  g_autofree char *urls = g_strconcat (jb_test_server_get_url (a), ",", jb_test_server_get_url (b), NULL);
  g_autoptr(JbClient) client = jb_client_new (urls);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  OnServer on_b = { client, jb_test_server_get_url (b) };

  jb_test_server_kill (a, SIGKILL);
  jb_client_login_async (client, "dispatcher", "demo", NULL, jb_test_store_result_cb, &result);
  g_assert_true (jb_client_login_finish (client, jb_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (jb_client_get_server_url (client), ==, jb_test_server_get_url (b));
  jb_client_start (client);
  g_assert_true (jb_test_wait_for (live_on, &on_b, WAIT_MS));

  jb_client_stop (client);
  g_clear_object (&client);
  g_clear_pointer (&b, jb_test_server_free);
  g_clear_pointer (&a, jb_test_server_free);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/failover/server-list", test_server_list);
  g_test_add_func ("/core/failover/kill-current-server", test_kill_current_server);
  g_test_add_func ("/core/failover/sign-in-first-down", test_sign_in_first_down);

  return g_test_run ();
}
