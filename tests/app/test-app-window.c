/* test-app-window.c — the command-room window against the real server
 *
 * Starts jingbao-dispatchd --demo on a free port, signs in as the demo
 * dispatcher, opens the window in this process and checks that the map
 * layers hold what the server's snapshot holds, that a unit moved through
 * the device API moves on the map, that an alarm appears as a pulsing
 * priority-1 incident in the queue and on the map, and that selection
 * fills the detail pane. Saves test-app-window.png (the window rendered
 * to a texture) in the build directory for a person to look at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <math.h>

#include "jb-application.h"
#include "jb-client.h"
#include "jb-error.h"
#include "jb-test-demo.h"
#include "jb-test-server.h"
#include "jb-test-window.h"
#include "jb-window.h"

typedef JbTestWindow Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  jb_test_window_set_up (fixture, NULL, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  jb_test_window_tear_down (fixture);
}

static JsonNode *
get_snapshot (Fixture *fixture)
{
  g_autoptr(JbTestResponse) response = NULL;

  response = jb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->bearer, NULL, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_nonnull (response->body);

  return json_node_ref (response->body);
}

static JsonArray *
snapshot_array (JsonNode   *snapshot,
                const char *member)
{
  return json_object_get_array_member (json_node_get_object (snapshot), member);
}

typedef struct
{
  JbPointLayer *layer;
  guint         index;
  double        lat;
  double        lon;
} PointAt;

static gboolean
point_is_at (gpointer data)
{
  PointAt *at = data;
  const JbMapPoint *points;
  guint n = 0;

  points = jb_point_layer_get_points (at->layer, &n);
  return at->index < n &&
         fabs (points[at->index].lat - at->lat) < 1e-7 &&
         fabs (points[at->index].lon - at->lon) < 1e-7;
}

typedef struct
{
  GListModel *model;
  guint       n;
} ModelCount;

static gboolean
model_has_n (gpointer data)
{
  ModelCount *count = data;

  return g_list_model_get_n_items (count->model) >= count->n;
}

static void
test_window_live (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(JsonNode) snapshot = get_snapshot (fixture);
  JbMapView *map_view = jb_window_get_map_view (fixture->window);
  JbStore *store = jb_client_get_store (fixture->client);
  JsonArray *units = snapshot_array (snapshot, "units");
  JsonArray *terminals = snapshot_array (snapshot, "terminals");
  JsonArray *incidents = snapshot_array (snapshot, "incidents");
  guint n_units = 0, n_terminals = 0, n_incidents = 0, n_located = 0;

  g_assert_cmpstr (jb_window_get_state_text (fixture->window), !=, NULL);

  /* The layers hold what the server has. */
  jb_point_layer_get_points (JB_POINT_LAYER (jb_map_view_get_unit_layer (map_view)), &n_units);
  jb_point_layer_get_points (JB_POINT_LAYER (jb_map_view_get_terminal_layer (map_view)), &n_terminals);
  jb_point_layer_get_points (JB_POINT_LAYER (jb_map_view_get_incident_layer (map_view)), &n_incidents);
  g_assert_cmpuint (n_units, ==, json_array_get_length (units));
  g_assert_cmpuint (n_units, >, 2000);
  g_assert_cmpuint (n_terminals, ==, json_array_get_length (terminals));
  g_assert_cmpuint (n_incidents, ==, json_array_get_length (incidents));
  g_assert_cmpuint (jb_jurisdiction_layer_get_n_rings (jb_map_view_get_jurisdiction_layer (map_view)), >=,
                    json_array_get_length (snapshot_array (snapshot, "stations")));

  for (guint i = 0; i < json_array_get_length (terminals); i++)
    {
      JsonObject *terminal = json_array_get_object_element (terminals, i);

      if (json_object_has_member (terminal, "location") &&
          JSON_NODE_HOLDS_OBJECT (json_object_get_member (terminal, "location")))
        n_located++;
    }
  g_assert_cmpuint (jb_terminal_layer_get_n_located (jb_map_view_get_terminal_layer (map_view)), ==, n_located);

  /* Something is drawn, and at the city's zoom it is clustered. */
  jb_test_spin (300);
  g_assert_cmpuint (jb_point_layer_get_n_drawn_items (JB_POINT_LAYER (jb_map_view_get_unit_layer (map_view))), >, 0);
  g_assert_cmpuint (jb_point_layer_get_n_drawn_clusters (JB_POINT_LAYER (jb_map_view_get_unit_layer (map_view))), >, 0);

  /* The legend counts every unit. */
  jb_legend_update (jb_window_get_legend (fixture->window));
  {
    guint total = 0;

    for (guint k = 0; k < JB_UNIT_KIND_N; k++)
      total += jb_legend_get_count (jb_window_get_legend (fixture->window), "units", k);
    g_assert_cmpuint (total, ==, n_units);
  }

  (void) store;
}

static void
test_window_unit_moves (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(JsonNode) snapshot = get_snapshot (fixture);
  JsonArray *terminals = snapshot_array (snapshot, "terminals");
  JbMapView *map_view = jb_window_get_map_view (fixture->window);
  JbStore *store = jb_client_get_store (fixture->client);
  JbUnitLayer *layer = jb_map_view_get_unit_layer (map_view);
  g_autoptr(JbTestResponse) response = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GObject) picked = NULL;
  g_autofree char *tooltip = NULL;
  const char *terminal_id = NULL, *unit_id = NULL;
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  PointAt at;
  guint index;

  for (guint i = 0; i < json_array_get_length (terminals) && terminal_id == NULL; i++)
    {
      JsonObject *terminal = json_array_get_object_element (terminals, i);

      if (g_strcmp0 (json_object_get_string_member (terminal, "kind"), "body_camera") == 0 &&
          !json_object_get_null_member (terminal, "unit_id"))
        {
          terminal_id = json_object_get_string_member (terminal, "id");
          unit_id = json_object_get_string_member (terminal, "unit_id");
        }
    }
  g_assert_nonnull (terminal_id);

  index = jb_store_get_unit_index (store, unit_id);
  g_assert_cmpuint (index, !=, GTK_INVALID_LIST_POSITION);

  /* Street level around the spot, so the unit is drawn on its own. */
  jb_map_view_go_to (map_view, 28.2500, 112.9900, 17);
  jb_test_spin (100);
  /* (0, 0) when the unit had no position yet. */
  jb_point_layer_get_widget_coords (JB_POINT_LAYER (layer), index, &x0, &y0);

  auth = jb_test_demo_device_auth (terminal_id);
  body = g_strdup ("{\"lat\": 28.2500, \"lon\": 112.9900, \"heading\": 90.0, \"speed\": 1.5}");
  response = jb_test_request (fixture->server, "POST", "/api/v1/device/position", auth, NULL, body);
  g_assert_cmpuint (response->status, ==, 202);

  at.layer = JB_POINT_LAYER (layer);
  at.index = index;
  at.lat = 28.25;
  at.lon = 112.99;
  g_assert_true (jb_test_wait_for (point_is_at, &at, 20 * 1000));

  /* It is now at the centre of the map, and a click there finds it. */
  jb_test_spin (300);
  g_assert_true (jb_point_layer_get_widget_coords (JB_POINT_LAYER (layer), index, &x1, &y1));
  g_assert_cmpfloat_with_epsilon (x1, gtk_widget_get_width (GTK_WIDGET (jb_map_view_get_map (map_view))) / 2.0, 1.0);
  g_assert_cmpfloat_with_epsilon (y1, gtk_widget_get_height (GTK_WIDGET (jb_map_view_get_map (map_view))) / 2.0, 1.0);
  g_assert_true (fabs (x1 - x0) > 0.5 || fabs (y1 - y0) > 0.5);

  picked = jb_map_view_pick (map_view, x1, y1, NULL);
  g_assert_nonnull (picked);
  g_assert_true (JB_IS_UNIT (picked));
  tooltip = jb_map_view_describe_at (map_view, x1, y1);
  g_assert_nonnull (tooltip);
  g_assert_nonnull (strstr (tooltip, jb_unit_get_callsign (JB_UNIT (picked))));

  /* Selecting it fills the detail pane. */
  jb_map_view_select (map_view, G_OBJECT (jb_store_lookup_unit (store, unit_id)));
  g_assert_cmpint (jb_point_layer_get_selected (JB_POINT_LAYER (layer)), ==, (int) index);
  g_assert_cmpstr (jb_detail_pane_get_title (jb_window_get_detail_pane (fixture->window)), ==,
                   jb_unit_get_callsign (jb_store_lookup_unit (store, unit_id)));

  /* Double-click follows: centre on it. */
  jb_map_view_follow (map_view, unit_id);
  g_assert_cmpstr (jb_map_view_get_followed (map_view), ==, unit_id);

  jb_test_spin (500);
  g_assert_true (jb_test_save_png (GTK_WIDGET (fixture->window), "test-app-window-street.png"));
  jb_map_view_follow (map_view, NULL);
}

static void
test_window_alarm (Fixture       *fixture,
                   gconstpointer  data)
{
  JbMapView *map_view = jb_window_get_map_view (fixture->window);
  JbStore *store = jb_client_get_store (fixture->client);
  JbIncidentLayer *layer = jb_map_view_get_incident_layer (map_view);
  GListModel *queue_model = G_LIST_MODEL (gtk_list_view_get_model (jb_window_get_queue (fixture->window)));
  g_autoptr(JbIncident) first = NULL;
  g_autofree char *terminal_id = NULL;
  g_autofree char *incident_id = NULL;
  ModelCount count;
  guint before = g_list_model_get_n_items (queue_model);
  guint n = 0;

  terminal_id = jb_test_demo_find_terminal (fixture->server, fixture->bearer, "alarm_button");
  incident_id = jb_test_demo_raise_alarm (fixture->server, terminal_id, NULL);

  count.model = queue_model;
  count.n = before + 1;
  g_assert_true (jb_test_wait_for (model_has_n, &count, 20 * 1000));

  /* A one-click alarm is priority 1: first in the queue, large and
   * pulsing on the map until acknowledged. */
  first = g_list_model_get_item (queue_model, 0);
  g_assert_cmpuint (jb_incident_get_priority (first), ==, 1);
  g_assert_cmpuint (jb_incident_layer_get_n_pulsing (layer), >=, 1);
  jb_point_layer_get_points (JB_POINT_LAYER (layer), &n);
  g_assert_cmpuint (n, ==, g_list_model_get_n_items (jb_store_get_incidents (store)));

  /* Selecting it in the queue selects it on the map and in the pane. */
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (queue_model), 0, TRUE);
  g_assert_true (jb_map_view_get_selected (map_view) == G_OBJECT (first));
  g_assert_cmpstr (jb_detail_pane_get_title (jb_window_get_detail_pane (fixture->window)), !=, "");

  jb_map_view_go_to (map_view, 28.25, 112.99, 12.5);
  jb_test_spin (1500);
  g_assert_true (jb_test_save_png (GTK_WIDGET (fixture->window), "test-app-window.png"));
}

static void
test_login_error_words (void)
{
  g_autoptr(GError) unauthorized = g_error_new_literal (JB_ERROR, JB_ERROR_UNAUTHORIZED, "unauthorized");
  g_autoptr(GError) network = g_error_new_literal (JB_ERROR, JB_ERROR_NETWORK, "Connection refused");
  g_autofree char *a = jb_application_describe_login_error (unauthorized, "http://127.0.0.1:1");
  g_autofree char *b = jb_application_describe_login_error (network, "http://127.0.0.1:1");

  g_assert_nonnull (strstr (a, "password"));
  g_assert_nonnull (strstr (b, "http://127.0.0.1:1"));
  g_assert_nonnull (strstr (b, "Connection refused"));
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
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_PREFER_DARK);

  g_test_add_func ("/app/window/login-error-words", test_login_error_words);
  g_test_add ("/app/window/live", Fixture, NULL, fixture_set_up, test_window_live, fixture_tear_down);
  g_test_add ("/app/window/unit-moves", Fixture, NULL, fixture_set_up, test_window_unit_moves, fixture_tear_down);
  g_test_add ("/app/window/alarm", Fixture, NULL, fixture_set_up, test_window_alarm, fixture_tear_down);

  return g_test_run ();
}
