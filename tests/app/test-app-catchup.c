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
#include "jb-draft-list.h"
#include "jb-incident-row.h"
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

/* The queue's rows of incidents at @address: how many, how many drafts. */
typedef struct
{
  JbWindow   *window;
  const char *address;
  guint       n_items;     /* in the queue's model */
  guint       n_drafts;    /* of those, drafts */
  guint       n_rows;      /* mapped rows showing one */
  guint       n_badges;    /* of those, with the "Not sent" badge and the draft look */
} QueueLook;

static void
walk_rows (GtkWidget *widget,
           QueueLook *look)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      if (JB_IS_INCIDENT_ROW (child) && gtk_widget_get_mapped (child))
        {
          JbIncident *incident = jb_incident_row_get_incident (JB_INCIDENT_ROW (child));

          if (incident != NULL && g_strcmp0 (jb_incident_get_address (incident), look->address) == 0)
            {
              look->n_rows++;
              if (jb_incident_row_is_pending (JB_INCIDENT_ROW (child)) && gtk_widget_has_css_class (child, "draft"))
                look->n_badges++;
            }
        }
      walk_rows (child, look);
    }
}

static void
look_at_queue (QueueLook *look)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (jb_window_get_queue (look->window)));

  look->n_items = look->n_drafts = look->n_rows = look->n_badges = 0;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(JbIncident) incident = g_list_model_get_item (model, i);

      if (g_strcmp0 (jb_incident_get_address (incident), look->address) != 0)
        continue;
      look->n_items++;
      look->n_drafts += jb_draft_list_is_draft (incident);
      /* Drafts head the queue. */
      if (jb_draft_list_is_draft (incident))
        g_assert_cmpuint (i, ==, 0);
    }
  walk_rows (GTK_WIDGET (look->window), look);
}

static gboolean
draft_shown (gpointer data)
{
  QueueLook *look = data;

  look_at_queue (look);
  return look->n_badges == 1;
}

static gboolean
real_shown (gpointer data)
{
  QueueLook *look = data;

  look_at_queue (look);
  return look->n_items == 1 && look->n_drafts == 0 && look->n_rows == 1;
}

/* A new incident given while the server is down is in the queue at once,
 * first, marked "Not sent"; when the server has it, its row is the real
 * incident's, and there never are two. */
static void
test_draft_in_queue (void)
{
  JbTestWindow f = { 0 };
  g_autofree char *dir = g_dir_make_tmp ("jb-catchup-XXXXXX", NULL);
  g_autofree char *address = g_strdup_printf ("开福区断网路%u号", g_random_int_range (1, 999));
  QueueLook look = { 0 };
  JbCommand *create;
  g_autoptr(JbIncident) real = NULL;

  jb_test_window_set_up (&f, NULL, NULL);
  jb_client_set_outbox_dir (f.client, dir);
  look.window = f.window;
  look.address = address;

  jb_test_server_kill (f.server, SIGKILL);
  g_assert_true (jb_test_wait_for (not_live, f.client, WAIT_MS));
  create = g_object_ref (jb_client_queue_command (f.client,
                                                  jb_command_new_create_incident (JB_INCIDENT_TYPE_FIGHT, 1, 28.2301, 112.9870,
                                                                                  address, "断网时接的警", NULL,
                                                                                  JB_INCIDENT_SOURCE_PHONE),
                                                  NULL, NULL, NULL));
  g_assert_true (jb_test_wait_for (draft_shown, &look, WAIT_MS));
  g_assert_cmpuint (look.n_items, ==, 1);
  g_assert_cmpuint (look.n_drafts, ==, 1);
  g_assert_cmpuint (look.n_rows, ==, 1);
  jb_test_save_png (GTK_WIDGET (f.window), "test-app-draft-queue.png");

  jb_test_server_restart (f.server);
  g_assert_true (jb_test_wait_for (finished, create, WAIT_MS));
  g_assert_cmpint (jb_command_get_state (create), ==, JB_COMMAND_STATE_CONFIRMED);
  g_assert_true (jb_test_wait_for (real_shown, &look, WAIT_MS));
  g_assert_cmpuint (look.n_badges, ==, 0);
  real = g_object_ref (jb_store_lookup_incident (jb_client_get_store (f.client), jb_command_get_target_id (create)));
  g_assert_cmpstr (jb_incident_get_address (real), ==, address);
  g_assert_nonnull (jb_incident_get_number (real));

  g_object_unref (create);
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
  g_test_add_func ("/app-catchup/draft-in-queue", test_draft_in_queue);
  return g_test_run ();
}
