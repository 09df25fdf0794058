/* test-app-failover.c — the header names the server in use; when it is
 * killed the header says the console is moving, to which server, then
 * shows the new one, and a toast says so
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <signal.h>
#include <string.h>

#include "jb-core.h"
#include "jb-test-window.h"
#include "jb-window-private.h"

#define WAIT_MS JB_TEST_WAIT_MS

static const char * const demo_args[] = { "--demo", NULL };

/* What the header showed each time the client started or stopped moving. */
typedef struct
{
  JbWindow  *window;
  GPtrArray *states;   /* "STATE|SERVER" */
} Seen;

static void
moving_cb (JbClient   *client,
           GParamSpec *pspec,
           Seen       *seen)
{
  /* The window's own handler ran first (connected before this one). */
  g_ptr_array_add (seen->states, g_strdup_printf ("%s|%s", jb_window_get_state_text (seen->window),
                                                  jb_window_get_server_text (seen->window)));
}

static gboolean
header_moving (gpointer data)
{
  return g_strcmp0 (jb_window_get_state_text (data), "MOVING") == 0;
}

typedef struct
{
  JbWindow   *window;
  const char *server;
} HeaderWait;

static gboolean
header_live_on (gpointer data)
{
  HeaderWait *wait = data;

  return g_strcmp0 (jb_window_get_state_text (wait->window), "LIVE") == 0 &&
         g_strcmp0 (jb_window_get_server_text (wait->window), wait->server) == 0;
}

static char *
label_of (JbTestServer *server)
{
  return jb_server_list_label (jb_test_server_get_url (server));
}

static void
test_failover_header (void)
{
  JbTestServer *a = jb_test_server_start (demo_args);
  JbTestServer *b = jb_test_server_start_sibling (a, NULL);
  g_autofree char *urls = g_strconcat (jb_test_server_get_url (a), ",", jb_test_server_get_url (b), NULL);
  g_autofree char *label_a = label_of (a);
  g_autofree char *label_b = label_of (b);
  g_autofree char *moving_to_b = g_strdup_printf ("→ %s", label_b);
  g_autofree char *seen_moving = NULL;
  g_autofree char *seen_live = NULL;
  g_autoptr(JbClient) client = jb_client_new (urls);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Seen seen = { NULL, g_ptr_array_new_with_free_func (g_free) };
  HeaderWait on_a = { NULL, label_a }, on_b = { NULL, label_b };
  JbWindow *window;

  jb_client_login_async (client, "dispatcher", "demo", NULL, jb_test_store_result_cb, &result);
  g_assert_true (jb_client_login_finish (client, jb_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
  window = jb_window_new (NULL, client);
  gtk_window_set_default_size (GTK_WINDOW (window), 1920, 1080);
  gtk_window_present (GTK_WINDOW (window));
  jb_test_client_start_live (client, 60000);
  seen.window = on_a.window = on_b.window = window;
  g_signal_connect (client, "notify::moving", G_CALLBACK (moving_cb), &seen);

  /* On the first server of the list, named in the header. */
  g_assert_true (jb_test_wait_for (header_live_on, &on_a, WAIT_MS));
  jb_test_save_png (GTK_WIDGET (window), "test-app-failover-before.png");

  /* A dies; B does not answer yet (stopped): the header says where the
   * console is going, and stays so while B is silent. */
  g_assert_cmpint (kill (jb_test_server_get_pid (b), SIGSTOP), ==, 0);
  jb_test_server_kill (a, SIGKILL);
  g_assert_true (jb_test_wait_for (header_moving, window, WAIT_MS));
  g_assert_cmpstr (jb_window_get_server_text (window), ==, moving_to_b);
  jb_test_save_png (GTK_WIDGET (window), "test-app-failover-moving.png");

  /* B answers: live there, and a toast says the console moved. */
  g_assert_cmpint (kill (jb_test_server_get_pid (b), SIGCONT), ==, 0);
  g_assert_true (jb_test_wait_for (header_live_on, &on_b, WAIT_MS));
  g_assert_nonnull (jb_window_get_last_message (window));
  g_assert_nonnull (strstr (jb_window_get_last_message (window), label_a));
  g_assert_nonnull (strstr (jb_window_get_last_message (window), label_b));
  jb_test_save_png (GTK_WIDGET (window), "test-app-failover-after.png");

  /* The badge's tooltip, also its accessible name, names the server in
   * use and the list in order. */
  {
    const char *tooltip = gtk_widget_get_tooltip_text (window->state_box);
    g_autofree char *in_use = g_strdup_printf ("Server: %s\n", jb_test_server_get_url (b));
    g_autofree char *list = g_strdup_printf ("Servers, in order: %s, %s", jb_test_server_get_url (a),
                                             jb_test_server_get_url (b));

    g_assert_nonnull (strstr (tooltip, in_use));
    g_assert_nonnull (strstr (tooltip, list));
    gtk_test_accessible_assert_property (window->state_box, GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip);
  }

  /* Moving, then live: each told in the header as it happened. */
  seen_moving = g_strdup_printf ("MOVING|%s", moving_to_b);
  seen_live = g_strdup_printf ("LIVE|%s", label_b);
  g_assert_cmpuint (seen.states->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (seen.states, 0), ==, seen_moving);
  g_assert_cmpstr (g_ptr_array_index (seen.states, 1), ==, seen_live);

  g_signal_handlers_disconnect_by_data (client, &seen);
  g_ptr_array_unref (seen.states);
  jb_client_stop (client);
  gtk_window_destroy (GTK_WINDOW (window));
  jb_test_spin (50);
  g_clear_object (&client);
  jb_test_server_free (b);
  jb_test_server_free (a);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  setlocale (LC_ALL, "C.UTF-8");
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  adw_init ();
  g_test_add_func ("/app-failover/header-follows-the-server", test_failover_header);
  return g_test_run ();
}
