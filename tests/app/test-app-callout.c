/* test-app-callout.c — the call-out (一呼百应) from the dispatcher's window
 * to the responders on the map, against the real server
 *
 * With an incident selected, Ctrl+Shift+C (the window's own shortcut, as
 * the key press triggers it) opens the call-out dialog. The test checks
 * what the dialog offers (no sending without a message, the grid choice
 * taking the radius's place), chooses a radius and a message and sends
 * it: the call-out appears on the incident in the client's store and in
 * the detail pane with every recipient called. Then recipients answer
 * through the device API as their terminals would, and the map's call-out
 * layer follows: a ring for the one who accepted, then on its way, none
 * for the one who declined, and the ring goes when the responder arrives.
 * Saves test-app-callout-map.png for a person to look at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "jb-callout-layer.h"
#include "jb-callout-view.h"
#include "jb-test-demo.h"
#include "jb-test-server.h"
#include "jb-test-wait.h"
#include "jb-test-window.h"
#include "jb-window.h"

#define WAIT_MS 60000

typedef JbTestWindow Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  /* Guards enough to call near any incident; no silence alerts. */
  const char *args[] = { "--demo", "--demo-guards", "200", "--patrol-silence", "86400", NULL };

  jb_test_window_set_up (fixture, args, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  jb_test_window_tear_down (fixture);
}

static gpointer
find_widget (GtkWidget *widget,
             GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gpointer found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_widget (child, type)) != NULL)
        return found;
    }
  return NULL;
}

/* Runs the window's Ctrl+Shift+C shortcut: the same GtkShortcut a key
 * press goes through (GTK 4.8 has no public way to synthesise the key). */
static void
press_ctrl_shift_c (GtkWidget *window)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (window);
  g_autoptr(GtkShortcutTrigger) wanted = gtk_keyval_trigger_new (GDK_KEY_C, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  gboolean activated = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !activated; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)) && !activated; k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            activated = gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, window,
                                                      gtk_shortcut_get_arguments (shortcut));
        }
    }
  g_assert_true (activated);
}

/* The dialog's button with @label, as a click reaches it. */
static GtkButton *
find_button (GtkWidget  *widget,
             const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkButton *found;

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0)
        return GTK_BUTTON (child);
      if ((found = find_button (child, label)) != NULL)
        return found;
    }
  return NULL;
}

static AdwMessageDialog *
find_dialog (GtkWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* borrowed */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_window_get_transient_for (toplevel) == parent &&
          gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return ADW_MESSAGE_DIALOG (toplevel);
    }
  return NULL;
}

static gboolean
dialog_mapped (gpointer data)
{
  Fixture *fixture = data;
  AdwMessageDialog *dialog = find_dialog (GTK_WINDOW (fixture->window));

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

static gboolean
dialog_gone (gpointer data)
{
  Fixture *fixture = data;

  return find_dialog (GTK_WINDOW (fixture->window)) == NULL;
}

static const char *wanted_incident;

static gboolean
incident_known (gpointer data)
{
  Fixture *fixture = data;

  return jb_store_lookup_incident (jb_client_get_store (fixture->client), wanted_incident) != NULL;
}

static gboolean
callout_on_incident (gpointer data)
{
  Fixture *fixture = data;
  JbIncident *incident = jb_store_lookup_incident (jb_client_get_store (fixture->client), wanted_incident);

  return incident != NULL && jb_incident_get_n_callouts (incident) == 1;
}

static void
answer (Fixture    *fixture,
        const char *unit_id,
        const char *callout_id,
        const char *what)
{
  JbUnit *unit = jb_store_lookup_unit (jb_client_get_store (fixture->client), unit_id);
  g_autofree char *auth = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/device/callouts/%s/answer", callout_id);
  g_autofree char *body = g_strdup_printf ("{\"answer\": \"%s\", \"unit_id\": \"%s\"}", what, unit_id);
  g_autoptr(JbTestResponse) response = NULL;

  g_assert_nonnull (unit);
  auth = jb_test_demo_device_auth (jb_unit_get_terminal_id (unit));
  response = jb_test_request (fixture->server, "POST", path, auth, NULL, body);
  g_assert_cmpuint (response->status, ==, 200);
}

typedef struct
{
  JbCalloutLayer *layer;
  const char     *unit_id;
  gboolean        marked;
  JbCalloutState  state;
  guint           n_markers;
} LayerWait;

static gboolean
layer_is (gpointer data)
{
  LayerWait *wait = data;
  JbCalloutState state = JB_CALLOUT_CALLED;
  gboolean marked = jb_callout_layer_lookup (wait->layer, wanted_incident, wait->unit_id, &state, NULL, NULL);

  return marked == wait->marked && (!marked || state == wait->state) &&
         jb_callout_layer_get_n_markers (wait->layer) == wait->n_markers;
}

static void
wait_layer (JbCalloutLayer *layer,
            const char     *unit_id,
            gboolean        marked,
            JbCalloutState  state,
            guint           n_markers)
{
  LayerWait wait = { layer, unit_id, marked, state, n_markers };

  if (!jb_test_wait_for (layer_is, &wait, WAIT_MS))
    g_error ("call-out layer: %u markers, %s %s marked; expected %u, %s", jb_callout_layer_get_n_markers (layer),
             unit_id, jb_callout_layer_lookup (layer, wanted_incident, unit_id, NULL, NULL, NULL) ? "" : "not",
             n_markers, marked ? "marked" : "not marked");
}

typedef struct
{
  JbMapView *map;
  double     lat;
  double     lon;
} Centre;

static gboolean
centred_on (gpointer data)
{
  Centre *centre = data;
  ShumateLocation *viewport = SHUMATE_LOCATION (jb_map_view_get_viewport (centre->map));

  return fabs (shumate_location_get_latitude (viewport) - centre->lat) < 1e-6 &&
         fabs (shumate_location_get_longitude (viewport) - centre->lon) < 1e-6;
}

static gboolean
zoomed_in (gpointer data)
{
  return shumate_viewport_get_zoom_level (jb_map_view_get_viewport (data)) > 15.9;
}

typedef struct
{
  JbCalloutView *view;
  const char    *expected;
} CountsWait;

static gboolean
counts_are (gpointer data)
{
  CountsWait *wait = data;

  return gtk_widget_get_visible (GTK_WIDGET (wait->view)) &&
         g_strcmp0 (jb_callout_view_get_counts (wait->view), wait->expected) == 0;
}

static void
test_callout_dialog (Fixture       *fixture,
                     gconstpointer  user_data)
{
  JbStore *store = jb_client_get_store (fixture->client);
  JbMapView *map = jb_window_get_map_view (fixture->window);
  JbCalloutLayer *layer = jb_map_view_get_callout_layer (map);
  GListModel *units = jb_store_get_units (store);
  JbUnit *guard = NULL;
  double lat = 0, lon = 0, marker_lat, marker_lon;
  g_autofree char *body = NULL;
  g_autoptr(JbTestResponse) created = NULL;
  AdwMessageDialog *dialog;
  GtkEntry *message;
  GtkSpinButton *radius;
  GtkCheckButton *by_grid;
  GtkButton *send;
  JbIncident *incident;
  const JbCallout *callout;
  g_autofree char *callout_id = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *counts = NULL;
  JbCalloutView *view;
  CountsWait counts_wait;
  Centre scene;
  guint called;

  /* The scene 300 m north of an available guard: it is called for sure,
   * and its mark on the map is not under the incident's. */
  for (guint i = 0; i < g_list_model_get_n_items (units) && guard == NULL; i++)
    {
      g_autoptr(JbUnit) unit = g_list_model_get_item (units, i);
      JbPosition position;

      if (jb_unit_get_kind (unit) == JB_UNIT_KIND_GUARD && jb_unit_get_status (unit) == JB_UNIT_STATUS_AVAILABLE &&
          jb_unit_get_terminal_id (unit) != NULL && jb_unit_get_position (unit, &position))
        {
          guard = unit;
          lat = position.lat;
          lon = position.lon;
        }
    }
  g_assert_nonnull (guard);
  body = g_strdup_printf ("{\"type\": \"other\", \"priority\": 2, \"location\": {\"lat\": %.7f, \"lon\": %.7f}}",
                          lat + 0.0027, lon);
  created = jb_test_request (fixture->server, "POST", "/api/v1/incidents", fixture->bearer, NULL, body);
  g_assert_cmpuint (created->status, ==, 201);
  wanted_incident = jb_test_json_string (created->body, "id");
  g_assert_true (jb_test_wait_for (incident_known, fixture, WAIT_MS));

  /* Nothing selected: the key opens nothing. */
  press_ctrl_shift_c (GTK_WIDGET (fixture->window));
  jb_test_spin (200);
  g_assert_null (find_dialog (GTK_WINDOW (fixture->window)));

  jb_window_select_incident (fixture->window, wanted_incident);
  /* The map brings the selected scene to the centre: let it get there. */
  scene.map = map;
  scene.lat = lat + 0.0027;
  scene.lon = lon;
  g_assert_true (jb_test_wait_for (centred_on, &scene, WAIT_MS));
  press_ctrl_shift_c (GTK_WIDGET (fixture->window));
  g_assert_true (jb_test_wait_for (dialog_mapped, fixture, WAIT_MS));
  dialog = find_dialog (GTK_WINDOW (fixture->window));
  message = find_widget (GTK_WIDGET (dialog), GTK_TYPE_ENTRY);
  radius = find_widget (GTK_WIDGET (dialog), GTK_TYPE_SPIN_BUTTON);
  by_grid = find_widget (GTK_WIDGET (dialog), GTK_TYPE_CHECK_BUTTON);
  g_assert_nonnull (message);
  g_assert_nonnull (radius);
  g_assert_nonnull (by_grid);

  /* No call-out without a message; spaces are none. */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "callout"));
  gtk_editable_set_text (GTK_EDITABLE (message), "   ");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "callout"));
  gtk_editable_set_text (GTK_EDITABLE (message), "寻找走失儿童，红色外套");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "callout"));

  /* Recipients: the grid instead of the radius, when the scene has one;
   * back to the radius here. */
  if (gtk_widget_get_sensitive (GTK_WIDGET (by_grid)))
    {
      gtk_check_button_set_active (by_grid, TRUE);
      g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (radius)));
      gtk_check_button_set_active (by_grid, FALSE);
    }
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (radius)));
  gtk_spin_button_set_value (radius, 1500);

  send = find_button (GTK_WIDGET (dialog), "_Call Out");
  g_assert_nonnull (send);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (send)));
  g_assert_true (gtk_widget_activate (GTK_WIDGET (send)));
  g_assert_true (jb_test_wait_for (dialog_gone, fixture, WAIT_MS));

  /* The call-out on the incident, as the server made it. */
  g_assert_true (jb_test_wait_for (callout_on_incident, fixture, WAIT_MS));
  incident = jb_store_lookup_incident (store, wanted_incident);
  callout = jb_incident_get_callout (incident, 0);
  g_assert_cmpstr (callout->message, ==, "寻找走失儿童，红色外套");
  g_assert_cmpint (callout->radius_m, ==, 1500);
  g_assert_null (callout->grid_id);
  called = callout->called;
  g_assert_cmpuint (called, >=, 2);
  g_assert_cmpuint (callout->responders->len, ==, called);
  callout_id = g_strdup (callout->id);
  first = g_strdup (jb_unit_get_id (guard));
  for (guint r = 0; r < callout->responders->len && second == NULL; r++)
    {
      const JbCalloutResponder *responder = &g_array_index (callout->responders, JbCalloutResponder, r);

      g_assert_cmpint (responder->state, ==, JB_CALLOUT_CALLED);
      if (g_strcmp0 (responder->unit_id, first) != 0)
        second = g_strdup (responder->unit_id);
    }
  {
    gboolean guard_called = FALSE;

    for (guint r = 0; r < callout->responders->len; r++)
      guard_called |= g_strcmp0 (g_array_index (callout->responders, JbCalloutResponder, r).unit_id, first) == 0;
    g_assert_true (guard_called);
  }
  g_assert_nonnull (second);

  view = find_widget (GTK_WIDGET (fixture->window), JB_TYPE_CALLOUT_VIEW);
  g_assert_nonnull (view);
  counts = g_strdup_printf ("Called %u · accepted 0 · on the way 0 · arrived 0 · declined 0", called);
  counts_wait.view = view;
  counts_wait.expected = counts;
  g_assert_true (jb_test_wait_for (counts_are, &counts_wait, WAIT_MS));
  /* Called is not answered: nobody on the map yet. */
  g_assert_cmpuint (jb_callout_layer_get_n_markers (layer), ==, 0);

  /* The terminals answer. */
  answer (fixture, first, callout_id, "accept");
  wait_layer (layer, first, TRUE, JB_CALLOUT_ACCEPTED, 1);
  g_assert_true (jb_callout_layer_lookup (layer, wanted_incident, first, NULL, &marker_lat, &marker_lon));
  g_assert_cmpfloat_with_epsilon (marker_lat, lat, 1e-6);
  g_assert_cmpfloat_with_epsilon (marker_lon, lon, 1e-6);

  answer (fixture, second, callout_id, "decline");
  answer (fixture, first, callout_id, "en_route");
  wait_layer (layer, first, TRUE, JB_CALLOUT_EN_ROUTE, 1);
  g_assert_false (jb_callout_layer_lookup (layer, wanted_incident, second, NULL, NULL, NULL));
  g_free (counts);
  counts = g_strdup_printf ("Called %u · accepted 1 · on the way 1 · arrived 0 · declined 1", called);
  counts_wait.expected = counts;
  g_assert_true (jb_test_wait_for (counts_are, &counts_wait, WAIT_MS));
  /* Street zoom over the two, for the picture. */
  jb_map_view_set_fixed_view (map, lat + 0.00135, lon, 16);
  g_assert_true (jb_test_wait_for (zoomed_in, map, WAIT_MS));
  jb_test_save_png (GTK_WIDGET (fixture->window), "test-app-callout-map.png");

  /* On scene: the responder is no longer on its way. */
  answer (fixture, first, callout_id, "arrived");
  wait_layer (layer, first, FALSE, JB_CALLOUT_CALLED, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  /* Criticals stay fatal; warnings are not: without a session bus GTK
   * warns that it cannot reach portals, which is not ours to fix. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  adw_init ();

  g_test_add ("/app/callout/dialog", Fixture, NULL, fixture_set_up, test_callout_dialog, fixture_tear_down);

  return g_test_run ();
}
