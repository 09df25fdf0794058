/* test-app-catchup.c — the catch-up window on the real window: commands
 * given while the server is down are listed after the reconnect with
 * their time and outcome, and stay until dismissed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <signal.h>
#include <string.h>

#include "jb-catchup-window.h"
#include "jb-test-window.h"

#define WAIT_MS JB_TEST_WAIT_MS

static JbCatchupWindow *
find_catchup (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (JB_IS_CATCHUP_WINDOW (window) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return JB_CATCHUP_WINDOW (window);
    }
  return NULL;
}

static gboolean
catchup_shown (gpointer data)
{
  return find_catchup () != NULL;
}

static gboolean
not_live (gpointer data)
{
  return jb_client_get_state (data) != JB_CONNECTION_STATE_LIVE;
}

static gboolean
finished (gpointer data)
{
  return !jb_command_is_pending (data);
}

static gboolean
in_journal (gpointer data)
{
  GListModel *journal = jb_command_queue_get_journal (jb_client_get_command_queue (data));

  return g_list_model_get_n_items (journal) == 3;
}

static void
test_catchup (void)
{
  JbTestWindow f = { 0 };
  g_autofree char *dir = g_dir_make_tmp ("jb-catchup-XXXXXX", NULL);
  g_autoptr(JbTestResponse) created = NULL;
  GListModel *journal;
  JbCommand *note, *late;
  const char *incident_id;
  JbCatchupWindow *catchup;
  g_autofree char *described = NULL;

  jb_test_window_set_up (&f, NULL, NULL);
  jb_client_set_outbox_dir (f.client, dir);
  journal = jb_command_queue_get_journal (jb_client_get_command_queue (f.client));
  created = jb_test_request (f.server, "POST", "/api/v1/incidents", f.bearer, NULL,
                             "{\"type\": \"fight\", \"priority\": 2,"
                             " \"location\": {\"lat\": 28.2301, \"lon\": 112.9870}}");
  g_assert_cmpuint (created->status, ==, 201);
  incident_id = jb_test_json_string (created->body, "id");

  jb_test_server_kill (f.server, SIGKILL);
  g_assert_true (jb_test_wait_for (not_live, f.client, WAIT_MS));
  note = g_object_ref (jb_client_queue_command (f.client, jb_command_new_note (incident_id, "断网时记下的备注"),
                                                NULL, NULL, NULL));
  /* Closed twice: the second is refused once the first is done. */
  jb_client_queue_command (f.client, jb_command_new_close (incident_id, JB_DISPOSITION_MEDIATED, NULL),
                           NULL, NULL, NULL);
  late = g_object_ref (jb_client_queue_command (f.client,
                                                jb_command_new_close (incident_id, JB_DISPOSITION_MEDIATED,
                                                                      NULL),
                                                NULL, NULL, NULL));
  g_assert_true (jb_test_wait_for (in_journal, f.client, WAIT_MS));

  jb_test_server_restart (f.server);
  g_assert_true (jb_test_wait_for (catchup_shown, NULL, WAIT_MS));
  g_assert_true (jb_test_wait_for (finished, late, WAIT_MS));
  g_assert_true (jb_test_wait_for (finished, note, WAIT_MS));
  catchup = find_catchup ();

  g_assert_cmpint (jb_command_get_state (note), ==, JB_COMMAND_STATE_CONFIRMED);
  g_assert_cmpint (jb_command_get_state (late), ==, JB_COMMAND_STATE_FAILED);
  described = jb_catchup_describe (f.client, note);
  g_assert_nonnull (strstr (described, "断网时记下的备注"));
  g_assert_cmpuint (g_list_model_get_n_items (journal), ==, 3);
  jb_test_save_png (GTK_WIDGET (catchup), "test-app-catchup.png");

  /* The confirmed go, the refused stays until dismissed. */
  g_assert_cmpuint (jb_catchup_window_dismiss_confirmed (catchup), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (journal), ==, 1);
  g_assert_true (jb_command_queue_dismiss (jb_client_get_command_queue (f.client), late));
  g_assert_cmpuint (g_list_model_get_n_items (journal), ==, 0);

  g_object_unref (note);
  g_object_unref (late);
  gtk_window_destroy (GTK_WINDOW (catchup));
  jb_test_window_tear_down (&f);
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
  g_test_add_func ("/app-catchup/offline-then-back", test_catchup);
  return g_test_run ();
}
