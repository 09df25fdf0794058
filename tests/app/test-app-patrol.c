/* test-app-patrol.c — patrol alerts and call-outs in the real window against
 * the real server: an alert the server raises appears (list and header) and
 * the window's action acknowledges it; a call-out's counts in the detail
 * pane follow the devices' answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <string.h>

#include "jb-alert.h"
#include "jb-alert-list.h"
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
  const char *args[] = { "--demo", "--demo-guards", "200", "--patrol-silence", "86400", NULL };

  jb_test_window_set_up (fixture, args, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  jb_test_window_tear_down (fixture);
}

static JsonNode *
get (Fixture    *fixture,
     const char *path)
{
  g_autoptr(JbTestResponse) response = jb_test_request (fixture->server, "GET", path, fixture->bearer, NULL, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  return json_node_ref (response->body);
}

static gboolean
one_unacknowledged (gpointer data)
{
  Fixture *fixture = data;

  return jb_alert_list_get_n_unacknowledged (jb_window_get_alert_list (fixture->window)) == 1;
}

static gboolean
none_unacknowledged (gpointer data)
{
  Fixture *fixture = data;

  return jb_alert_list_get_n_unacknowledged (jb_window_get_alert_list (fixture->window)) == 0 &&
         g_list_model_get_n_items (jb_store_get_alerts (jb_client_get_store (fixture->client))) == 1;
}

static gboolean
unit_marked (Fixture    *fixture,
             const char *unit_id)
{
  JbStore *store = jb_client_get_store (fixture->client);
  guint n = 0;
  const JbUnitPoint *points = jb_store_get_unit_points (store, &n);
  JbUnit *unit = jb_store_lookup_unit (store, unit_id);

  g_assert_nonnull (unit);
  return (points[jb_store_get_unit_index (store, jb_unit_get_id (unit))].flags & JB_UNIT_POINT_PATROL_ALERT) != 0;
}

static void
test_alert (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(JsonNode) snapshot = get (fixture, "/api/v1/snapshot");
  JsonArray *grids = json_object_get_array_member (json_node_get_object (snapshot), "grids");
  JsonArray *units = json_object_get_array_member (json_node_get_object (snapshot), "units");
  JsonObject *volunteer = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JbTestResponse) posted = NULL;
  g_autoptr(JsonNode) alerts = NULL;
  JbAlert *alert;

  /* The first available volunteer of the first grid that has one. */
  for (guint i = 0; i < json_array_get_length (grids) && volunteer == NULL; i++)
    {
      JsonArray *ids = json_object_get_array_member (
        json_object_get_object_member (json_array_get_object_element (grids, i), "members"), "volunteers");

      for (guint k = 0; k < json_array_get_length (ids) && volunteer == NULL; k++)
        {
          JsonObject *unit = jb_test_json_find_by_id (units, json_array_get_string_element (ids, k));

          if (g_str_equal (json_object_get_string_member (unit, "status"), "available"))
            volunteer = unit;
        }
    }
  g_assert_nonnull (volunteer);
  g_assert_cmpstr (jb_window_get_alert_count_text (fixture->window), ==, "");

  /* A fix far out of its grid (a degree north). */
  auth = jb_test_demo_unit_auth (volunteer);
  body = g_strdup_printf ("{\"items\": [{\"unit_id\": \"%s\", \"lat\": 29.3, \"lon\": 112.98}]}",
                          json_object_get_string_member (volunteer, "id"));
  posted = jb_test_request (fixture->server, "POST", "/api/v1/device/positions", auth, NULL, body);
  g_assert_cmpuint (posted->status, ==, 202);

  g_assert_true (jb_test_wait_for (one_unacknowledged, fixture, WAIT_MS));
  g_assert_nonnull (strstr (jb_window_get_alert_count_text (fixture->window), "1"));
  alert = jb_store_lookup_unit_alert (jb_client_get_store (fixture->client),
                                      json_object_get_string_member (volunteer, "id"));
  g_assert_nonnull (alert);
  g_assert_cmpint (jb_alert_get_reason (alert), ==, JB_ALERT_REASON_LEFT_GRID);
  /* Marked on the map (a pulsing ring) while unacknowledged. */
  g_assert_true (unit_marked (fixture, json_object_get_string_member (volunteer, "id")));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (jb_window_get_alert_list (fixture->window))));
  jb_test_save_png (GTK_WIDGET (fixture->window), "test-app-patrol-alert.png");

  /* The window's action (Ctrl+Shift+K) acknowledges it on the server. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.acknowledge-alert", NULL));
  g_assert_true (jb_test_wait_for (none_unacknowledged, fixture, WAIT_MS));
  g_assert_cmpstr (jb_window_get_alert_count_text (fixture->window), ==, "");
  g_assert_false (unit_marked (fixture, json_object_get_string_member (volunteer, "id")));
  alerts = get (fixture, "/api/v1/alerts");
  g_assert_cmpstr (jb_test_json_string (alerts, "items.0.acknowledged_by"), ==, "dispatcher");
}

static JbCalloutView *
find_callout_view (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      JbCalloutView *found;

      if (JB_IS_CALLOUT_VIEW (child))
        return JB_CALLOUT_VIEW (child);
      if ((found = find_callout_view (child)) != NULL)
        return found;
    }
  return NULL;
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
answer (Fixture    *fixture,
        JsonObject *unit,
        const char *callout_id,
        const char *what)
{
  g_autofree char *auth = jb_test_demo_unit_auth (unit);
  g_autofree char *path = g_strdup_printf ("/api/v1/device/callouts/%s/answer", callout_id);
  g_autofree char *body = g_strdup_printf ("{\"answer\": \"%s\", \"unit_id\": \"%s\"}", what,
                                           json_object_get_string_member (unit, "id"));
  g_autoptr(JbTestResponse) response = jb_test_request (fixture->server, "POST", path, auth, NULL, body);

  g_assert_cmpuint (response->status, ==, 200);
}

static const char *wanted_incident;

static gboolean
incident_known (gpointer data)
{
  Fixture *fixture = data;

  return jb_store_lookup_incident (jb_client_get_store (fixture->client), wanted_incident) != NULL;
}

static void
test_callout_counts (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(JsonNode) units_node = get (fixture, "/api/v1/units");
  JsonArray *units = json_object_get_array_member (json_node_get_object (units_node), "items");
  JsonObject *guard = NULL;
  JsonObject *position;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JbTestResponse) created = NULL;
  g_autoptr(JsonNode) incident = NULL;
  const char *incident_id;
  JbCalloutView *view;
  g_autofree char *callout_id = NULL;
  JsonArray *responders;
  JsonObject *first, *second;
  CountsWait wait;
  guint called;

  for (guint i = 0; i < json_array_get_length (units) && guard == NULL; i++)
    {
      JsonObject *unit = json_array_get_object_element (units, i);

      if (g_str_equal (json_object_get_string_member (unit, "kind"), "guard") &&
          g_str_equal (json_object_get_string_member (unit, "status"), "available") &&
          !json_object_get_null_member (unit, "position"))
        guard = unit;
    }
  g_assert_nonnull (guard);
  position = json_object_get_object_member (guard, "position");
  body = g_strdup_printf ("{\"type\": \"other\", \"priority\": 2, \"location\": {\"lat\": %.7f, \"lon\": %.7f}}",
                          json_object_get_double_member (position, "lat"),
                          json_object_get_double_member (position, "lon"));
  created = jb_test_request (fixture->server, "POST", "/api/v1/incidents", fixture->bearer, NULL, body);
  g_assert_cmpuint (created->status, ==, 201);
  incident_id = jb_test_json_string (created->body, "id");
  wanted_incident = incident_id;

  g_assert_true (jb_test_wait_for (incident_known, fixture, WAIT_MS));
  jb_window_select_incident (fixture->window, incident_id);
  view = find_callout_view (GTK_WIDGET (fixture->window));
  g_assert_nonnull (view);

  /* The call-out through the client's typed call, as the dialog makes it. */
  jb_client_queue_command (fixture->client, jb_command_new_callout (incident_id, 2000, NULL, "寻找走失儿童"),
                           NULL, NULL, NULL);
  path = g_strdup_printf ("/api/v1/incidents/%s", incident_id);
  {
    gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000LL;

    while (g_get_monotonic_time () < deadline)
      {
        g_clear_pointer (&incident, json_node_unref);
        jb_test_spin (100);
        incident = get (fixture, path);
        if (jb_test_json_get (incident, "callouts.0.id") != NULL)
          break;
      }
  }
  callout_id = g_strdup (jb_test_json_string (incident, "callouts.0.id"));
  g_assert_nonnull (callout_id);
  responders = json_object_get_array_member (
    json_array_get_object_element (json_object_get_array_member (json_node_get_object (incident), "callouts"), 0),
    "responders");
  called = json_array_get_length (responders);
  g_assert_cmpuint (called, >=, 2);

  wait.view = view;
  wait.expected = NULL;
  {
    g_autofree char *text = g_strdup_printf ("Called %u · accepted 0 · on the way 0 · arrived 0 · declined 0", called);

    wait.expected = text;
    if (!jb_test_wait_for (counts_are, &wait, WAIT_MS))
      g_error ("shown: \"%s\" (%s), expected \"%s\"", jb_callout_view_get_counts (view),
               gtk_widget_get_visible (GTK_WIDGET (view)) ? "visible" : "hidden", text);
  }

  first = jb_test_json_find_by_id (units, jb_test_json_string (incident, "callouts.0.responders.0.unit_id"));
  second = jb_test_json_find_by_id (units, jb_test_json_string (incident, "callouts.0.responders.1.unit_id"));
  answer (fixture, first, callout_id, "accept");
  answer (fixture, first, callout_id, "en_route");
  answer (fixture, second, callout_id, "decline");
  {
    g_autofree char *text = g_strdup_printf ("Called %u · accepted 1 · on the way 1 · arrived 0 · declined 1", called);

    wait.expected = text;
    g_assert_true (jb_test_wait_for (counts_are, &wait, WAIT_MS));
  }
  answer (fixture, first, callout_id, "arrived");
  {
    g_autofree char *text = g_strdup_printf ("Called %u · accepted 1 · on the way 1 · arrived 1 · declined 1", called);

    wait.expected = text;
    g_assert_true (jb_test_wait_for (counts_are, &wait, WAIT_MS));
  }
  jb_test_save_png (GTK_WIDGET (fixture->window), "test-app-patrol-callout.png");
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

  g_test_add ("/app/patrol/alert", Fixture, NULL, fixture_set_up, test_alert, fixture_tear_down);
  g_test_add ("/app/patrol/callout-counts", Fixture, NULL, fixture_set_up, test_callout_counts, fixture_tear_down);

  return g_test_run ();
}
