/* test-server-alerts.c — patrol alerts (巡逻告警) of the real jingbao-dispatchd:
 * a grid member's fix just inside and just outside its grid's edge, the
 * alert raised, acknowledged, not repeated, cleared and raised again; the
 * silence rule at its limit; who may acknowledge; the latch across a restart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <string.h>

#include "jb-demo.h"
#include "jb-dispatch.h"
#include "jb-geo.h"
#include "jb-test-server.h"

#define WAIT_MS 60000

typedef struct
{
  JbTestServer *server;
  char         *dispatcher;
  JsonNode     *snapshot;
  /* A patrolling volunteer: available, a member of grid_id. */
  const char   *unit_id;
  const char   *grid_id;
  const char   *station_id;
  char         *device;      /* its terminal's credentials */
  JbGeoShape   *area;
} Fixture;

static JsonArray *
member_array (JsonNode   *node,
              const char *member)
{
  return json_object_get_array_member (json_node_get_object (node), member);
}

/* The first available volunteer of a grid, and that grid (the server
 * patrols a unit in the first grid, by id, that lists it). */
static void
pick_patroller (Fixture    *fixture,
                const char *station_id,
                gboolean    in_station)
{
  JsonArray *grids = member_array (fixture->snapshot, "grids");
  JsonArray *units = member_array (fixture->snapshot, "units");
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < json_array_get_length (grids); i++)
    {
      JsonObject *grid = json_array_get_object_element (grids, i);
      JsonArray *volunteers = json_object_get_array_member (json_object_get_object_member (grid, "members"),
                                                            "volunteers");

      for (guint k = 0; k < json_array_get_length (volunteers); k++)
        {
          const char *id = json_array_get_string_element (volunteers, k);
          JsonObject *unit = jb_test_json_find_by_id (units, id);

          if (!g_hash_table_add (seen, (gpointer) id))
            continue;
          if (station_id != NULL &&
              g_str_equal (json_object_get_string_member (grid, "station_id"), station_id) != in_station)
            continue;
          if (g_str_equal (json_object_get_string_member (unit, "status"), "available"))
            {
              g_autofree char *secret = NULL;
              const char *terminal_id = json_object_get_string_member (unit, "terminal_id");

              g_clear_pointer (&fixture->area, jb_geo_shape_unref);
              g_clear_pointer (&fixture->device, g_free);
              fixture->unit_id = id;
              fixture->grid_id = json_object_get_string_member (grid, "id");
              fixture->station_id = json_object_get_string_member (grid, "station_id");
              fixture->area = jb_geo_shape_new_from_json (json_object_get_member (grid, "area"), NULL);
              secret = jb_demo_terminal_secret (terminal_id);
              fixture->device = jb_test_device_auth (terminal_id, secret);
              g_assert_nonnull (fixture->area);
              return;
            }
        }
    }
  g_assert_not_reached ();
}

static void
start (Fixture    *fixture,
       const char *silence)
{
  const char *args[] = { "--demo", "--demo-guards", "100", "--patrol-silence", silence, NULL };
  g_autoptr(JbTestResponse) response = NULL;

  fixture->server = jb_test_server_start (args);
  fixture->dispatcher = jb_test_login (fixture->server, "dispatcher", "demo");
  response = jb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->dispatcher, NULL, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  fixture->snapshot = json_node_ref (response->body);
  pick_patroller (fixture, NULL, FALSE);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  /* Long enough that nobody falls silent while the grid tests run. */
  start (fixture, "86400");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_pointer (&fixture->snapshot, json_node_unref);
  g_clear_pointer (&fixture->area, jb_geo_shape_unref);
  g_free (fixture->dispatcher);
  g_free (fixture->device);
  jb_test_server_free (fixture->server);
}

/* Two points a few centimetres either side of the middle of the grid's
 * first outer edge. */
static void
edge_points (Fixture *fixture,
             double  *in_lat,
             double  *in_lon,
             double  *out_lat,
             double  *out_lon)
{
  g_autoptr(JsonNode) json = jb_geo_shape_to_json (fixture->area);
  JsonArray *ring, *p0, *p1;
  double mid_lat, mid_lon, d_lat, d_lon, length, n_lat, n_lon;
  const double eps = 5e-7;  /* degrees: about 5 cm */

  if (g_str_equal (json_object_get_string_member (json_node_get_object (json), "type"), "MultiPolygon"))
    ring = json_array_get_array_element (json_array_get_array_element (
             json_object_get_array_member (json_node_get_object (json), "coordinates"), 0), 0);
  else
    ring = json_array_get_array_element (json_object_get_array_member (json_node_get_object (json),
                                                                       "coordinates"), 0);
  p0 = json_array_get_array_element (ring, 0);
  p1 = json_array_get_array_element (ring, 1);
  mid_lon = (json_array_get_double_element (p0, 0) + json_array_get_double_element (p1, 0)) / 2;
  mid_lat = (json_array_get_double_element (p0, 1) + json_array_get_double_element (p1, 1)) / 2;
  d_lon = json_array_get_double_element (p1, 0) - json_array_get_double_element (p0, 0);
  d_lat = json_array_get_double_element (p1, 1) - json_array_get_double_element (p0, 1);
  length = hypot (d_lon, d_lat);
  g_assert_cmpfloat (length, >, 0);
  n_lon = -d_lat / length * eps;
  n_lat = d_lon / length * eps;
  if (jb_geo_shape_contains (fixture->area, mid_lat + n_lat, mid_lon + n_lon))
    {
      *in_lat = mid_lat + n_lat, *in_lon = mid_lon + n_lon;
      *out_lat = mid_lat - n_lat, *out_lon = mid_lon - n_lon;
    }
  else
    {
      *in_lat = mid_lat - n_lat, *in_lon = mid_lon - n_lon;
      *out_lat = mid_lat + n_lat, *out_lon = mid_lon + n_lon;
    }
  /* Either side really is: the edge is not shared with another part. */
  g_assert_true (jb_geo_shape_contains (fixture->area, *in_lat, *in_lon));
  g_assert_false (jb_geo_shape_contains (fixture->area, *out_lat, *out_lon));
}

static void
post_fix (Fixture    *fixture,
          const char *unit_id,
          double      lat,
          double      lon)
{
  g_autofree char *body = g_strdup_printf ("{\"items\": [{\"unit_id\": \"%s\", \"lat\": %.9f, \"lon\": %.9f, "
                                           "\"time\": %" G_GINT64_FORMAT "}]}",
                                           unit_id, lat, lon, g_get_real_time () / 1000);
  g_autoptr(JbTestResponse) response = jb_test_request (fixture->server, "POST", "/api/v1/device/positions",
                                                        fixture->device, NULL, body);

  g_assert_cmpuint (response->status, ==, 202);
  g_assert_cmpint (jb_test_json_int (response->body, "accepted"), ==, 1);
}

/* The uncleared alerts of @unit_id for @reason (a new array). */
static JsonArray *
alerts_of (Fixture    *fixture,
           const char *unit_id,
           const char *reason)
{
  g_autoptr(JbTestResponse) response = jb_test_request (fixture->server, "GET", "/api/v1/alerts",
                                                        fixture->dispatcher, NULL, NULL);
  JsonArray *items, *matching = json_array_new ();

  g_assert_cmpuint (response->status, ==, 200);
  items = member_array (response->body, "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *alert = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (alert, "unit_id"), unit_id) &&
          g_str_equal (json_object_get_string_member (alert, "reason"), reason))
        json_array_add_object_element (matching, json_object_ref (alert));
    }
  return matching;
}

static guint
n_alerts (Fixture    *fixture,
          const char *unit_id,
          const char *reason)
{
  g_autoptr(JsonArray) alerts = alerts_of (fixture, unit_id, reason);

  return json_array_get_length (alerts);
}

static char *
only_alert_id (Fixture    *fixture,
               const char *unit_id,
               const char *reason)
{
  g_autoptr(JsonArray) alerts = alerts_of (fixture, unit_id, reason);

  g_assert_cmpuint (json_array_get_length (alerts), ==, 1);
  return g_strdup (json_object_get_string_member (json_array_get_object_element (alerts, 0), "id"));
}

static JsonNode *
wait_alert_event (JbTestEvents *events,
                  const char   *type,
                  const char   *unit_id,
                  const char   *reason)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000LL;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(JsonNode) frame = jb_test_events_wait_type (events, type, WAIT_MS);

      g_assert_nonnull (frame);
      if (g_strcmp0 (jb_test_json_string (frame, "data.alert.unit_id"), unit_id) == 0 &&
          g_strcmp0 (jb_test_json_string (frame, "data.alert.reason"), reason) == 0)
        return g_steal_pointer (&frame);
    }
  g_assert_not_reached ();
  return NULL;
}

static JbTestResponse *
acknowledge (Fixture    *fixture,
             const char *id,
             const char *auth,
             const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/alerts/%s/acknowledge", id);

  return jb_test_request (fixture->server, "POST", path, auth, NULL, body);
}

static void
test_left_grid (Fixture       *fixture,
                gconstpointer  user_data)
{
  double in_lat, in_lon, out_lat, out_lon;
  g_autoptr(JbTestEvents) events = NULL;
  g_autoptr(JsonNode) raised = NULL;
  g_autoptr(JsonNode) acked = NULL;
  g_autoptr(JsonNode) cleared = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JbTestResponse) ack = NULL;
  g_autoptr(JbTestResponse) snapshot = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  guint status;

  edge_points (fixture, &in_lat, &in_lon, &out_lat, &out_lon);
  events = jb_test_events_connect (fixture->server, fixture->dispatcher,
                                   jb_test_json_int (fixture->snapshot, "seq"), &status);
  g_assert_nonnull (events);

  /* Just inside: nothing. */
  post_fix (fixture, fixture->unit_id, in_lat, in_lon);
  g_assert_cmpuint (n_alerts (fixture, fixture->unit_id, "left_grid"), ==, 0);

  /* Just outside: one alert, in the same commit as the fix. */
  post_fix (fixture, fixture->unit_id, out_lat, out_lon);
  first = only_alert_id (fixture, fixture->unit_id, "left_grid");
  raised = wait_alert_event (events, "alert.raised", fixture->unit_id, "left_grid");
  g_assert_cmpstr (jb_test_json_string (raised, "data.alert.id"), ==, first);
  g_assert_cmpstr (jb_test_json_string (raised, "data.alert.grid_id"), ==, fixture->grid_id);
  g_assert_cmpstr (jb_test_json_string (raised, "data.alert.station_id"), ==, fixture->station_id);
  g_assert_nonnull (jb_test_json_get (raised, "data.alert.position.lat"));
  g_assert_true (JSON_NODE_HOLDS_NULL (jb_test_json_get (raised, "data.alert.acknowledged_at")));

  /* Still outside: not raised again. */
  post_fix (fixture, fixture->unit_id, out_lat, out_lon);
  g_assert_cmpuint (n_alerts (fixture, fixture->unit_id, "left_grid"), ==, 1);

  /* In the snapshot until cleared. */
  snapshot = jb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->dispatcher, NULL, NULL);
  g_assert_nonnull (jb_test_json_find_by_id (member_array (snapshot->body, "alerts"), first));

  ack = acknowledge (fixture, first, fixture->dispatcher, NULL);
  g_assert_cmpuint (ack->status, ==, 200);
  g_assert_cmpstr (jb_test_json_string (ack->body, "acknowledged_by"), ==, "dispatcher");
  g_assert_cmpint (jb_test_json_int (ack->body, "acknowledged_at"), >, 0);
  acked = wait_alert_event (events, "alert.acknowledged", fixture->unit_id, "left_grid");
  g_assert_cmpstr (jb_test_json_string (acked, "data.alert.id"), ==, first);

  /* Acknowledged and still out: never repeated. */
  post_fix (fixture, fixture->unit_id, out_lat, out_lon);
  g_clear_pointer (&second, g_free);
  second = only_alert_id (fixture, fixture->unit_id, "left_grid");
  g_assert_cmpstr (second, ==, first);

  /* Back just inside: cleared, gone from the list. */
  post_fix (fixture, fixture->unit_id, in_lat, in_lon);
  cleared = wait_alert_event (events, "alert.cleared", fixture->unit_id, "left_grid");
  g_assert_cmpstr (jb_test_json_string (cleared, "data.alert.id"), ==, first);
  g_assert_cmpint (jb_test_json_int (cleared, "data.alert.cleared_at"), >, 0);
  g_assert_cmpuint (n_alerts (fixture, fixture->unit_id, "left_grid"), ==, 0);

  /* Out again: a new alert. */
  post_fix (fixture, fixture->unit_id, out_lat, out_lon);
  again = wait_alert_event (events, "alert.raised", fixture->unit_id, "left_grid");
  g_assert_cmpstr (jb_test_json_string (again, "data.alert.id"), !=, first);
}

/* A member on an incident or busy is not patrolling: out of its grid is
 * no alert. */
static void
test_not_patrolling (Fixture       *fixture,
                     gconstpointer  user_data)
{
  double in_lat, in_lon, out_lat, out_lon;
  g_autofree char *path = g_strdup_printf ("/api/v1/units/%s/status", fixture->unit_id);
  g_autoptr(JbTestResponse) busy = NULL;

  edge_points (fixture, &in_lat, &in_lon, &out_lat, &out_lon);
  busy = jb_test_request (fixture->server, "POST", path, fixture->dispatcher, NULL, "{\"status\": \"busy\"}");
  g_assert_cmpuint (busy->status, ==, 200);
  post_fix (fixture, fixture->unit_id, out_lat, out_lon);
  g_assert_cmpuint (n_alerts (fixture, fixture->unit_id, "left_grid"), ==, 0);
}

/* The demo has one duty officer, qingshuitang's. */
static void
test_acknowledge_checks (Fixture       *fixture,
                         gconstpointer  user_data)
{
  double in_lat, in_lon, out_lat, out_lon;
  g_autofree char *theirs = NULL;
  g_autofree char *id = NULL;
  g_autofree char *viewer = jb_test_login (fixture->server, "wall", "demo");
  g_autofree char *officer = jb_test_login (fixture->server, "qingshuitang", "demo");
  g_autoptr(JbTestResponse) r1 = NULL;
  g_autoptr(JbTestResponse) r2 = NULL;
  g_autoptr(JbTestResponse) r3 = NULL;
  g_autoptr(JbTestResponse) r4 = NULL;
  g_autoptr(JbTestResponse) r5 = NULL;
  g_autoptr(JbTestResponse) r6 = NULL;
  g_autoptr(JbTestResponse) r7 = NULL;
  g_autoptr(JbTestResponse) r8 = NULL;

  /* Another station's patroller: not the duty officer's to acknowledge. */
  pick_patroller (fixture, "st-qingshuitang", FALSE);
  edge_points (fixture, &in_lat, &in_lon, &out_lat, &out_lon);
  post_fix (fixture, fixture->unit_id, out_lat, out_lon);
  theirs = only_alert_id (fixture, fixture->unit_id, "left_grid");
  r1 = acknowledge (fixture, theirs, officer, NULL);
  g_assert_cmpuint (r1->status, ==, 403);
  g_assert_cmpstr (jb_test_json_string (r1->body, "error.code"), ==, "forbidden");

  /* Its own station's. */
  pick_patroller (fixture, "st-qingshuitang", TRUE);
  edge_points (fixture, &in_lat, &in_lon, &out_lat, &out_lon);
  post_fix (fixture, fixture->unit_id, out_lat, out_lon);
  id = only_alert_id (fixture, fixture->unit_id, "left_grid");

  r2 = acknowledge (fixture, id, viewer, NULL);
  g_assert_cmpuint (r2->status, ==, 403);
  g_assert_cmpstr (jb_test_json_string (r2->body, "error.code"), ==, "forbidden");
  r3 = acknowledge (fixture, "al-999999", fixture->dispatcher, NULL);
  g_assert_cmpuint (r3->status, ==, 404);
  r4 = acknowledge (fixture, id, officer, "{\"note\": \"x\"}");
  g_assert_cmpuint (r4->status, ==, 400);
  g_assert_cmpstr (jb_test_json_string (r4->body, "error.code"), ==, "unknown_field");
  r5 = acknowledge (fixture, id, fixture->dispatcher, "{\"id\": ");
  g_assert_cmpuint (r5->status, ==, 400);
  r6 = acknowledge (fixture, id, officer, "{}");
  g_assert_cmpuint (r6->status, ==, 200);
  g_assert_cmpstr (jb_test_json_string (r6->body, "acknowledged_by"), ==, "qingshuitang");
  r7 = acknowledge (fixture, id, fixture->dispatcher, NULL);
  g_assert_cmpuint (r7->status, ==, 409);
  g_assert_cmpstr (jb_test_json_string (r7->body, "error.code"), ==, "conflict");
  /* The dispatcher acknowledges anywhere. */
  r8 = acknowledge (fixture, theirs, fixture->dispatcher, NULL);
  g_assert_cmpuint (r8->status, ==, 200);
}

/* The latch is in the database: after a restart an acknowledged alert
 * whose unit is still out is not raised again. */
static void
test_restart (Fixture       *fixture,
              gconstpointer  user_data)
{
  double in_lat, in_lon, out_lat, out_lon;
  g_autofree char *id = NULL;
  g_autofree char *after = NULL;
  g_autoptr(JbTestResponse) ack = NULL;

  edge_points (fixture, &in_lat, &in_lon, &out_lat, &out_lon);
  post_fix (fixture, fixture->unit_id, out_lat, out_lon);
  id = only_alert_id (fixture, fixture->unit_id, "left_grid");
  ack = acknowledge (fixture, id, fixture->dispatcher, NULL);
  g_assert_cmpuint (ack->status, ==, 200);

  jb_test_server_kill (fixture->server, SIGKILL);
  jb_test_server_restart (fixture->server);
  g_free (fixture->dispatcher);
  fixture->dispatcher = jb_test_login (fixture->server, "dispatcher", "demo");

  post_fix (fixture, fixture->unit_id, out_lat + 1e-6, out_lon);
  after = only_alert_id (fixture, fixture->unit_id, "left_grid");
  g_assert_cmpstr (after, ==, id);
}

/* The rule at its limit, exactly (the server's clock cannot be set). */
static void
test_silence_limit (void)
{
  g_assert_false (jb_dispatch_patrol_is_silent (1000000, 1000000 + 600000, 600));
  g_assert_true (jb_dispatch_patrol_is_silent (1000000, 1000000 + 600001, 600));
  g_assert_false (jb_dispatch_patrol_is_silent (1000000, 1000000 + 599999, 600));
  g_assert_false (jb_dispatch_patrol_is_silent (0, G_MAXINT64 / 2, 0));
}

/* The silence rule in the real server: with a 2 s limit every patrolling
 * member on duty that reports nothing falls silent. One that reports is
 * cleared; acknowledged ones are not raised again while they stay silent. */
static void
test_silence (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(JbTestEvents) events = NULL;
  g_autoptr(JsonNode) raised = NULL;
  g_autoptr(JsonNode) cleared = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JbTestResponse) ack = NULL;
  g_autofree char *id = NULL;
  g_autofree char *still = NULL;
  double in_lat, in_lon, out_lat, out_lon;
  guint status;

  jb_test_server_free (fixture->server);
  g_clear_pointer (&fixture->snapshot, json_node_unref);
  g_clear_pointer (&fixture->area, jb_geo_shape_unref);
  g_clear_pointer (&fixture->dispatcher, g_free);
  g_clear_pointer (&fixture->device, g_free);
  start (fixture, "2");
  edge_points (fixture, &in_lat, &in_lon, &out_lat, &out_lon);

  /* From the log's start: on a slow machine the first check may raise
   * the alert before the snapshot is taken. */
  events = jb_test_events_connect (fixture->server, fixture->dispatcher, 0, &status);
  g_assert_nonnull (events);
  raised = wait_alert_event (events, "alert.raised", fixture->unit_id, "silent");
  id = g_strdup (jb_test_json_string (raised, "data.alert.id"));
  g_assert_cmpstr (jb_test_json_string (raised, "data.alert.grid_id"), ==, fixture->grid_id);
  g_assert_true (JSON_NODE_HOLDS_NULL (jb_test_json_get (raised, "data.alert.position")));

  ack = acknowledge (fixture, id, fixture->dispatcher, NULL);
  g_assert_cmpuint (ack->status, ==, 200);

  /* Acknowledged and still silent: not raised again. Whether or not a
   * check ran meanwhile, the only uncleared alert is the acknowledged one. */
  g_usleep (6 * G_USEC_PER_SEC);
  g_clear_pointer (&still, g_free);
  still = only_alert_id (fixture, fixture->unit_id, "silent");
  g_assert_cmpstr (still, ==, id);

  /* It reports (inside its grid): cleared. */
  post_fix (fixture, fixture->unit_id, in_lat, in_lon);
  cleared = wait_alert_event (events, "alert.cleared", fixture->unit_id, "silent");
  g_assert_cmpstr (jb_test_json_string (cleared, "data.alert.id"), ==, id);

  /* Silent again for more than the limit: a new alert, and meanwhile the
   * acknowledged one was not raised a second time. */
  again = wait_alert_event (events, "alert.raised", fixture->unit_id, "silent");
  g_assert_cmpstr (jb_test_json_string (again, "data.alert.id"), !=, id);
  g_clear_pointer (&still, g_free);
  still = only_alert_id (fixture, fixture->unit_id, "silent");
  g_assert_cmpstr (still, ==, jb_test_json_string (again, "data.alert.id"));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/alerts/left-grid", Fixture, NULL, fixture_set_up, test_left_grid, fixture_tear_down);
  g_test_add ("/server/alerts/not-patrolling", Fixture, NULL, fixture_set_up, test_not_patrolling,
              fixture_tear_down);
  g_test_add ("/server/alerts/acknowledge-checks", Fixture, NULL, fixture_set_up, test_acknowledge_checks,
              fixture_tear_down);
  g_test_add ("/server/alerts/restart", Fixture, NULL, fixture_set_up, test_restart, fixture_tear_down);
  g_test_add_func ("/server/alerts/silence-limit", test_silence_limit);
  g_test_add ("/server/alerts/silence", Fixture, NULL, fixture_set_up, test_silence, fixture_tear_down);

  return g_test_run ();
}
