/* test-app-dispatch.c — from alarm to units assigned, through the window's
 * own actions, against the real server
 *
 * Raises an alarm through the device API, checks that it tops the queue,
 * acknowledges it and assigns the top recommendation and recommendation 2
 * through the window's actions (what the keys trigger), then unassigns
 * one, and checks the server's state after each step. A duty officer's
 * queue says how many incidents other stations have open and whose alarm
 * rings; another station's incident has its commands off before they are
 * tried, the reason in words (nothing reaches the server); a viewer
 * gets no command actions and no command buttons. Saves
 * test-app-dispatch-*.png in the build directory for a person to look at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <string.h>

#include "jb-client.h"
#include "jb-test-demo.h"
#include "jb-test-server.h"
#include "jb-test-window.h"
#include "jb-window-private.h"

typedef JbTestWindow Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  jb_test_window_set_up (fixture, NULL, data);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  jb_test_window_tear_down (fixture);
}

/* An alarm button's id: of @station_id when @same, of another station
 * when not (NULL: any). */
static char *
find_alarm_button (Fixture    *fixture,
                   const char *station_id,
                   gboolean    same)
{
  g_autoptr(JbTestResponse) response = NULL;
  JsonArray *terminals;

  response = jb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->bearer, NULL, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  terminals = json_object_get_array_member (json_node_get_object (response->body), "terminals");
  for (guint i = 0; i < json_array_get_length (terminals); i++)
    {
      JsonObject *terminal = json_array_get_object_element (terminals, i);
      const char *station = json_object_get_string_member_with_default (terminal, "station_id", NULL);

      if (g_strcmp0 (json_object_get_string_member (terminal, "kind"), "alarm_button") != 0)
        continue;
      if (station_id == NULL || (g_strcmp0 (station, station_id) == 0) == same)
        return g_strdup (json_object_get_string_member (terminal, "id"));
    }
  g_assert_not_reached ();
  return NULL;
}

static JsonNode *
server_get (Fixture    *fixture,
            const char *path)
{
  g_autoptr(JbTestResponse) response = NULL;

  response = jb_test_request (fixture->server, "GET", path, fixture->bearer, NULL, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  return json_node_ref (response->body);
}

typedef struct
{
  Fixture    *fixture;
  const char *incident_id;
  const char *unit_id;
  int         status;
  int         state;
} Wait;

static gboolean
incident_in_store (gpointer data)
{
  Wait *w = data;

  return jb_store_lookup_incident (jb_client_get_store (w->fixture->client), w->incident_id) != NULL;
}

static gboolean
queue_top_is (gpointer data)
{
  Wait *w = data;
  GListModel *model = G_LIST_MODEL (w->fixture->window->selection);
  g_autoptr(JbIncident) top = NULL;

  if (g_list_model_get_n_items (model) == 0)
    return FALSE;
  top = g_list_model_get_item (model, 0);
  return g_strcmp0 (jb_incident_get_id (top), w->incident_id) == 0;
}

static gboolean
incident_has_status (gpointer data)
{
  Wait *w = data;
  JbIncident *incident = jb_store_lookup_incident (jb_client_get_store (w->fixture->client), w->incident_id);

  return incident != NULL && (int) jb_incident_get_status (incident) == w->status;
}

static gboolean
assignment_in_state (gpointer data)
{
  Wait *w = data;
  JbIncident *incident = jb_store_lookup_incident (jb_client_get_store (w->fixture->client), w->incident_id);
  const JbAssignment *assignment = incident ? jb_incident_find_assignment (incident, w->unit_id) : NULL;

  return assignment != NULL && (int) assignment->state == w->state;
}

static gboolean
recommendations_ready (gpointer data)
{
  Fixture *fixture = data;

  return jb_recommend_list_get_n_items (jb_detail_pane_get_recommend_list (fixture->window->detail_pane)) >= 2;
}

static gboolean
nothing_pending (gpointer data)
{
  Fixture *fixture = data;
  GListModel *pending = jb_client_get_pending_commands (fixture->client);

  for (guint i = 0; i < g_list_model_get_n_items (pending); i++)
    {
      g_autoptr(JbCommand) command = g_list_model_get_item (pending, i);

      if (jb_command_is_pending (command))
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data)) && gtk_widget_get_width (GTK_WIDGET (data)) > 0;
}

static gboolean
other_open_counted (gpointer data)
{
  return _jb_window_get_n_other_open (((Fixture *) data)->window) >= 1;
}

static void
test_dispatch_alarm_to_assigned (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *terminal_id = find_alarm_button (fixture, NULL, TRUE);
  g_autofree char *incident_id = NULL;
  g_autofree char *first_unit = NULL;
  g_autofree char *second_unit = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) incident_json = NULL;
  g_autoptr(JsonNode) unit_json = NULL;
  g_autoptr(JsonNode) released_json = NULL;
  g_autoptr(JsonNode) unit2_json = NULL;
  GtkWidget *window = GTK_WIDGET (fixture->window);
  JbDetailPane *pane = fixture->window->detail_pane;
  Wait w = { fixture };

  /* 1. The alarm tops the queue. */
  incident_id = jb_test_demo_raise_alarm (fixture->server, terminal_id, NULL);
  w.incident_id = incident_id;
  g_assert_true (jb_test_wait_for (incident_in_store, &w, 60 * 1000));
  g_assert_true (jb_test_wait_for (queue_top_is, &w, 60 * 1000));

  /* J selects the first incident of the queue. */
  g_assert_true (gtk_widget_activate_action (window, "win.next-incident", NULL));
  g_assert_true (_jb_window_get_selected_incident (fixture->window) ==
                 jb_store_lookup_incident (jb_client_get_store (fixture->client), incident_id));
  g_assert_cmpstr (jb_detail_pane_get_target_text (pane, 0), !=, "");
  g_assert_nonnull (strstr (jb_detail_pane_get_target_text (pane, 0), "left"));
  g_assert_true (jb_test_save_png (window, "test-app-dispatch-1-alarm.png"));

  /* 2. Acknowledge (Ctrl+K): pending at once, then confirmed. */
  g_assert_true (gtk_widget_activate_action (window, "win.acknowledge", NULL));
  g_assert_nonnull (jb_detail_pane_get_pending_text (pane));
  g_assert_true (jb_test_save_png (window, "test-app-dispatch-2-acknowledge-pending.png"));
  w.status = JB_INCIDENT_STATUS_ACKNOWLEDGED;
  g_assert_true (jb_test_wait_for (incident_has_status, &w, 60 * 1000));
  g_assert_true (jb_test_wait_for (nothing_pending, fixture, 60 * 1000));
  path = g_strdup_printf ("/api/v1/incidents/%s", incident_id);
  incident_json = server_get (fixture, path);
  g_assert_cmpstr (jb_test_json_string (incident_json, "status"), ==, "acknowledged");
  g_assert_cmpstr (jb_test_json_string (incident_json, "acknowledged_by"), ==, "dispatcher");
  g_clear_pointer (&incident_json, json_node_unref);

  /* 3. Assign the top recommendation (A), then number 2. */
  g_assert_true (jb_test_wait_for (recommendations_ready, fixture, 60 * 1000));
  first_unit = g_strdup (jb_unit_get_id (jb_recommend_list_get_unit (jb_detail_pane_get_recommend_list (pane), 0)));
  second_unit = g_strdup (jb_unit_get_id (jb_recommend_list_get_unit (jb_detail_pane_get_recommend_list (pane), 1)));
  g_assert_true (gtk_widget_activate_action (window, "win.assign-recommended", NULL));
  g_assert_true (jb_test_save_png (window, "test-app-dispatch-3-assign-pending.png"));
  w.unit_id = first_unit;
  w.state = JB_ASSIGNMENT_STATE_ASSIGNED;
  g_assert_true (jb_test_wait_for (assignment_in_state, &w, 60 * 1000));
  g_assert_true (jb_test_wait_for (nothing_pending, fixture, 60 * 1000));

  /* The second unit is still available: 1 is now the former number 2. */
  g_assert_true (jb_test_wait_for (recommendations_ready, fixture, 60 * 1000));
  g_assert_true (gtk_widget_activate_action (window, "win.assign-number", "i", 1));
  w.unit_id = second_unit;
  g_assert_true (jb_test_wait_for (assignment_in_state, &w, 60 * 1000));
  g_assert_true (jb_test_wait_for (nothing_pending, fixture, 60 * 1000));
  g_assert_true (jb_test_save_png (window, "test-app-dispatch-4-assigned.png"));

  incident_json = server_get (fixture, path);
  g_assert_cmpstr (jb_test_json_string (incident_json, "status"), ==, "dispatched");
  g_assert_cmpstr (jb_test_json_string (incident_json, "assignments.0.unit_id"), ==, first_unit);
  g_assert_cmpstr (jb_test_json_string (incident_json, "assignments.0.state"), ==, "assigned");
  g_assert_cmpstr (jb_test_json_string (incident_json, "assignments.1.unit_id"), ==, second_unit);
  g_free (path);
  path = g_strdup_printf ("/api/v1/units/%s", first_unit);
  unit_json = server_get (fixture, path);
  g_assert_cmpstr (jb_test_json_string (unit_json, "status"), ==, "assigned");
  g_assert_cmpstr (jb_test_json_string (unit_json, "incident_id"), ==, incident_id);

  /* The unit status menu's action: the first unit is on its way. */
  g_assert_true (gtk_widget_activate_action (window, "win.focus-assignments", NULL));
  g_assert_cmpstr (jb_detail_pane_get_selected_unit_id (pane), ==, first_unit);
  g_assert_true (gtk_widget_activate_action (window, "win.set-unit-status", "s", "en_route"));
  g_assert_true (jb_test_wait_for (nothing_pending, fixture, 60 * 1000));
  g_clear_pointer (&unit_json, json_node_unref);
  unit_json = server_get (fixture, path);
  g_assert_cmpstr (jb_test_json_string (unit_json, "status"), ==, "en_route");

  /* 4. Unassign the second unit (Shift+Delete on its row). */
  g_assert_true (gtk_widget_activate_action (window, "win.unassign", "s", second_unit));
  w.state = JB_ASSIGNMENT_STATE_RELEASED;
  g_assert_true (jb_test_wait_for (assignment_in_state, &w, 60 * 1000));
  g_assert_true (jb_test_wait_for (nothing_pending, fixture, 60 * 1000));
  g_free (path);
  path = g_strdup_printf ("/api/v1/units/%s", second_unit);
  unit2_json = server_get (fixture, path);
  g_assert_cmpstr (jb_test_json_string (unit2_json, "status"), ==, "available");

  /* 5. A note from the keyboard. */
  g_assert_true (gtk_widget_activate_action (window, "win.add-note", "s", "Guard at the door, crowd calm"));
  g_assert_true (jb_test_wait_for (nothing_pending, fixture, 60 * 1000));
  g_free (path);
  path = g_strdup_printf ("/api/v1/incidents/%s", incident_id);
  released_json = server_get (fixture, path);
  g_assert_cmpstr (jb_test_json_string (released_json, "notes.0.text"), ==, "Guard at the door, crowd calm");
  g_assert_true (jb_test_save_png (window, "test-app-dispatch-5-note.png"));

  /* Nothing failed on the way. */
  g_assert_null (jb_window_get_last_message (fixture->window));
}

static void
test_dispatch_forbidden (Fixture       *fixture,
                         gconstpointer  data)
{
  JsonObject *user = jb_client_get_user (fixture->client);
  const char *station = json_object_get_string_member (user, "station_id");
  g_autofree char *terminal_id = find_alarm_button (fixture, station, FALSE);
  g_autofree char *incident_id = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) incident_json = NULL;
  GtkWidget *window = GTK_WIDGET (fixture->window);
  Wait w = { fixture };

  /* The duty officer's queue shows its own station by default. */
  g_assert_true (fixture->window->own_station);

  incident_id = jb_test_demo_raise_alarm (fixture->server, terminal_id, NULL);
  w.incident_id = incident_id;
  g_assert_true (jb_test_wait_for (incident_in_store, &w, 60 * 1000));
  jb_test_spin (200);
  /* Filtered out of the queue (another station's)… */
  g_assert_false (queue_top_is (&w));
  /* …but the queue says so, and whose alarm rings. */
  g_assert_true (jb_test_wait_for (other_open_counted, fixture, 60 * 1000));
  g_test_message ("queue note: %s", _jb_window_get_other_stations_text (fixture->window));
  g_assert_nonnull (strstr (_jb_window_get_other_stations_text (fixture->window), "ringing"));
  g_assert_nonnull (strstr (_jb_window_get_other_stations_text (fixture->window), "Ctrl+Shift+S"));
  {
    JbIncident *incident = jb_store_lookup_incident (jb_client_get_store (fixture->client), incident_id);
    g_autofree char *bell = jb_alarm_bell_describe (fixture->window->bell, incident);

    g_test_message ("bell: %s", bell);
    g_assert_nonnull (strstr (bell, "not your station"));
  }
  g_assert_true (jb_test_save_png (window, "test-app-dispatch-6-other-stations.png"));
  /* …and all stations are a key away. */
  g_assert_true (gtk_widget_activate_action (window, "win.own-station", NULL));
  g_assert_false (fixture->window->own_station);
  g_assert_true (jb_test_wait_for (queue_top_is, &w, 60 * 1000));
  g_assert_null (_jb_window_get_other_stations_text (fixture->window));

  /* Its commands are off before they are tried, the reason in words. */
  jb_window_select_incident (fixture->window, incident_id);
  g_assert_nonnull (jb_detail_pane_get_command_refusal (fixture->window->detail_pane));
  g_test_message ("refusal: %s", jb_detail_pane_get_command_refusal (fixture->window->detail_pane));
  g_assert_nonnull (strstr (jb_detail_pane_get_command_refusal (fixture->window->detail_pane),
                            "You can only command your own stations' incidents"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (fixture->window->command_bar), ==,
                   jb_detail_pane_get_command_refusal (fixture->window->detail_pane));
  gtk_widget_activate_action (window, "win.acknowledge", NULL);
  gtk_widget_activate_action (window, "win.assign-plan", NULL);
  jb_test_spin (300);
  g_assert_true (nothing_pending (fixture));
  g_assert_cmpuint (g_list_model_get_n_items (jb_client_get_pending_commands (fixture->client)), ==, 0);
  g_assert_true (jb_test_save_png (window, "test-app-dispatch-6-forbidden.png"));

  path = g_strdup_printf ("/api/v1/incidents/%s", incident_id);
  incident_json = server_get (fixture, path);
  g_assert_cmpstr (jb_test_json_string (incident_json, "status"), ==, "new");
}

static void
test_dispatch_viewer (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *terminal_id = find_alarm_button (fixture, NULL, TRUE);
  g_autofree char *incident_id = NULL;
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GListModel *pending = jb_client_get_pending_commands (fixture->client);
  Wait w = { fixture };

  incident_id = jb_test_demo_raise_alarm (fixture->server, terminal_id, NULL);
  w.incident_id = incident_id;
  g_assert_true (jb_test_wait_for (incident_in_store, &w, 60 * 1000));
  g_assert_true (jb_test_wait_for (queue_top_is, &w, 60 * 1000));
  g_assert_true (gtk_widget_activate_action (window, "win.next-incident", NULL));
  g_assert_nonnull (_jb_window_get_selected_incident (fixture->window));

  /* No controls that change state… */
  g_assert_false (gtk_widget_get_visible (fixture->window->command_bar));
  g_assert_false (gtk_widget_get_visible (fixture->window->new_incident_button));

  /* …and the actions are disabled: nothing is queued. */
  gtk_widget_activate_action (window, "win.acknowledge", NULL);
  gtk_widget_activate_action (window, "win.assign-recommended", NULL);
  gtk_widget_activate_action (window, "win.add-note", "s", "x");
  g_assert_cmpuint (g_list_model_get_n_items (pending), ==, 0);

  /* Reading is still fine. */
  g_assert_true (gtk_widget_activate_action (window, "win.roster", NULL));
  g_assert_true (jb_test_save_png (window, "test-app-dispatch-7-viewer.png"));

  /* The shortcuts window comes from its builder file. */
  g_assert_true (gtk_widget_activate_action (window, "win.show-shortcuts", NULL));
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    GtkWindow *shortcuts = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

        if (GTK_IS_SHORTCUTS_WINDOW (toplevel))
          shortcuts = toplevel;
      }
    g_assert_nonnull (shortcuts);
    g_assert_true (jb_test_wait_for (is_mapped, shortcuts, 60 * 1000));
    jb_test_spin (500);
    g_assert_true (jb_test_save_png (GTK_WIDGET (shortcuts), "test-app-dispatch-8-shortcuts.png"));
    gtk_window_destroy (shortcuts);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  /* The alarm bell's sound is not what this test is about, and GTK 4.8's
   * GStreamer backend is fragile without a sound device. */
  g_setenv ("GTK_MEDIA", "none", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  /* Criticals stay fatal; warnings are not (no session bus for portals). */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  adw_init ();
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_PREFER_DARK);

  g_test_add ("/app/dispatch/alarm-to-assigned", Fixture, "dispatcher",
              fixture_set_up, test_dispatch_alarm_to_assigned, fixture_tear_down);
  g_test_add ("/app/dispatch/duty-officer-forbidden", Fixture, "qingshuitang",
              fixture_set_up, test_dispatch_forbidden, fixture_tear_down);
  g_test_add ("/app/dispatch/viewer", Fixture, "wall",
              fixture_set_up, test_dispatch_viewer, fixture_tear_down);

  return g_test_run ();
}
