/* test-server-callouts.c — call-outs (一呼百应) of the real jingbao-dispatchd:
 * who is called (radius, grid; not units on incidents, off duty or of the
 * wrong kind), the terminals' pending list and answers, the live counts,
 * and the refusals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <string.h>

#include "jb-geo.h"
#include "jb-test-city.h"
#include "jb-test-demo.h"
#include "jb-test-server.h"

typedef JbTestCity Fixture;

static JsonArray *
member_array (JsonNode   *node,
              const char *member)
{
  return json_object_get_array_member (json_node_get_object (node), member);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  const char *args[] = { "--demo", "--demo-guards", "300", NULL };

  jb_test_city_start (fixture, args);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  jb_test_city_stop (fixture);
}

static JsonArray *
current_units (Fixture *fixture)
{
  g_autoptr(JbTestResponse) response = jb_test_request (fixture->server, "GET", "/api/v1/units",
                                                        fixture->dispatcher, NULL, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  return json_array_ref (member_array (response->body, "items"));
}

static gboolean
eligible (JsonObject *unit)
{
  const char *kind = json_object_get_string_member (unit, "kind");
  const char *status = json_object_get_string_member (unit, "status");

  if (!json_object_get_null_member (unit, "incident_id") || json_object_get_null_member (unit, "position"))
    return FALSE;
  if (g_str_equal (kind, "volunteer"))
    return g_str_equal (status, "available") || g_str_equal (status, "busy");
  return g_str_equal (kind, "guard") && g_str_equal (status, "available");
}

static void
unit_position (JsonObject *unit,
               double     *lat,
               double     *lon)
{
  JsonObject *position = json_object_get_object_member (unit, "position");

  *lat = json_object_get_double_member (position, "lat");
  *lon = json_object_get_double_member (position, "lon");
}

/* An available guard of @station_id with a position (the scene). */
static JsonObject *
pick_guard (JsonArray  *units,
            const char *station_id,
            const char *except)
{
  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonObject *unit = json_array_get_object_element (units, i);

      if (eligible (unit) && g_str_equal (json_object_get_string_member (unit, "kind"), "guard") &&
          g_strcmp0 (json_object_get_string_member (unit, "station_id"), station_id) == 0 &&
          g_strcmp0 (json_object_get_string_member (unit, "id"), except) != 0)
        return unit;
    }
  g_assert_not_reached ();
  return NULL;
}

static char *
create_incident (Fixture    *fixture,
                 double      lat,
                 double      lon)
{
  g_autofree char *body = g_strdup_printf ("{\"type\": \"other\", \"priority\": 2, \"location\": "
                                           "{\"lat\": %.9f, \"lon\": %.9f}, \"description\": \"走失儿童\"}",
                                           lat, lon);
  g_autoptr(JbTestResponse) response = jb_test_request (fixture->server, "POST", "/api/v1/incidents",
                                                        fixture->dispatcher, NULL, body);

  g_assert_cmpuint (response->status, ==, 201);
  return g_strdup (jb_test_json_string (response->body, "id"));
}

static JbTestResponse *
callout (Fixture    *fixture,
         const char *incident_id,
         const char *auth,
         const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s/callouts", incident_id);

  return jb_test_request (fixture->server, "POST", path, auth, NULL, body);
}

/* The last call-out of an incident answer. */
static JsonObject *
last_callout (JsonNode *incident)
{
  JsonArray *callouts = member_array (incident, "callouts");

  g_assert_nonnull (callouts);
  g_assert_cmpuint (json_array_get_length (callouts), >=, 1);
  return json_array_get_object_element (callouts, json_array_get_length (callouts) - 1);
}

static GHashTable *
called_ids (JsonObject *callout)
{
  JsonArray *responders = json_object_get_array_member (callout, "responders");
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < json_array_get_length (responders); i++)
    g_hash_table_add (ids, g_strdup (json_object_get_string_member (json_array_get_object_element (responders, i),
                                                                    "unit_id")));
  return ids;
}

static void
assert_same_set (GHashTable *got,
                 GHashTable *expected)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (got, key))
      g_error ("%s was not called", (const char *) key);
  g_hash_table_iter_init (&iter, got);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (expected, key))
      g_error ("%s was called", (const char *) key);
}

static gint64
count (JsonObject *callout,
       const char *name)
{
  return json_object_get_int_member (json_object_get_object_member (callout, "counts"), name);
}

static JbTestResponse *
answer (Fixture    *fixture,
        JsonObject *unit,
        const char *callout_id,
        const char *what)
{
  g_autofree char *auth = jb_test_demo_unit_auth (unit);
  g_autofree char *path = g_strdup_printf ("/api/v1/device/callouts/%s/answer", callout_id);
  g_autofree char *body = g_strdup_printf ("{\"answer\": \"%s\", \"unit_id\": \"%s\"}", what,
                                           json_object_get_string_member (unit, "id"));

  return jb_test_request (fixture->server, "POST", path, auth, NULL, body);
}

/* Is @callout_id pending for @unit on its terminal? */
static gboolean
pending_for (Fixture    *fixture,
             JsonObject *unit,
             const char *callout_id)
{
  g_autofree char *auth = jb_test_demo_unit_auth (unit);
  g_autoptr(JbTestResponse) response = jb_test_request (fixture->server, "GET", "/api/v1/device/callouts",
                                                        auth, NULL, NULL);
  JsonArray *items;

  g_assert_cmpuint (response->status, ==, 200);
  items = member_array (response->body, "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (item, "id"), callout_id) &&
          g_str_equal (json_object_get_string_member (item, "unit_id"), json_object_get_string_member (unit, "id")))
        {
          g_assert_cmpstr (json_object_get_string_member (item, "message"), ==, "寻找走失儿童，请协助");
          g_assert_true (json_object_has_member (item, "location"));
          return TRUE;
        }
    }
  return FALSE;
}

static void
test_radius (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(JsonArray) units = current_units (fixture);
  JsonObject *scene_guard = pick_guard (units, "st-qingshuitang", NULL);
  JsonObject *busy_guard = NULL, *off_volunteer = NULL;
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) got = NULL;
  g_autoptr(JbTestResponse) created = NULL;
  g_autofree char *incident_id = NULL;
  g_autofree char *other_incident = NULL;
  g_autofree char *scene_id = NULL;
  g_autofree char *busy_id = NULL;
  double lat, lon;
  const double radius = 1500;

  unit_position (scene_guard, &lat, &lon);
  incident_id = create_incident (fixture, lat, lon);

  /* Nearby: one guard goes to another incident, one volunteer off duty. */
  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonObject *unit = json_array_get_object_element (units, i);
      double ulat, ulon;

      if (!eligible (unit) || unit == scene_guard)
        continue;
      unit_position (unit, &ulat, &ulon);
      if (jb_geo_distance_m (lat, lon, ulat, ulon) > radius / 2)
        continue;
      if (busy_guard == NULL && g_str_equal (json_object_get_string_member (unit, "kind"), "guard"))
        busy_guard = unit;
      else if (off_volunteer == NULL && g_str_equal (json_object_get_string_member (unit, "kind"), "volunteer"))
        off_volunteer = unit;
    }
  g_assert_nonnull (busy_guard);
  other_incident = create_incident (fixture, lat + 0.001, lon);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s/assignments", other_incident);
    g_autofree char *body = g_strdup_printf ("{\"unit_id\": \"%s\"}", json_object_get_string_member (busy_guard, "id"));
    g_autoptr(JbTestResponse) assigned = jb_test_request (fixture->server, "POST", path, fixture->dispatcher, NULL, body);

    g_assert_cmpuint (assigned->status, ==, 201);
  }
  if (off_volunteer != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/units/%s/status", json_object_get_string_member (off_volunteer, "id"));
      g_autoptr(JbTestResponse) off = jb_test_request (fixture->server, "POST", path, fixture->dispatcher, NULL,
                                                       "{\"status\": \"off_duty\"}");

      g_assert_cmpuint (off->status, ==, 200);
    }

  /* Who should be called, from the units as they are now. */
  scene_id = g_strdup (json_object_get_string_member (scene_guard, "id"));
  busy_id = g_strdup (json_object_get_string_member (busy_guard, "id"));
  g_clear_pointer (&units, json_array_unref);
  units = current_units (fixture);
  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonObject *unit = json_array_get_object_element (units, i);
      double ulat, ulon;

      if (!eligible (unit))
        continue;
      unit_position (unit, &ulat, &ulon);
      if (jb_geo_distance_m (lat, lon, ulat, ulon) <= radius)
        g_hash_table_add (expected, g_strdup (json_object_get_string_member (unit, "id")));
    }
  g_assert_true (g_hash_table_contains (expected, scene_id));
  g_assert_false (g_hash_table_contains (expected, busy_id));

  created = callout (fixture, incident_id, fixture->officer,
                     "{\"radius_m\": 1500, \"message\": \"寻找走失儿童，请协助\"}");
  g_assert_cmpuint (created->status, ==, 201);
  got = called_ids (last_callout (created->body));
  assert_same_set (got, expected);
  g_assert_cmpint (count (last_callout (created->body), "called"), ==, g_hash_table_size (expected));
  g_assert_cmpint (count (last_callout (created->body), "accepted"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (last_callout (created->body), "radius_m"), ==, 1500);
  g_assert_cmpstr (json_object_get_string_member (last_callout (created->body), "created_by"), ==, "qingshuitang");
}

static void
test_grid (Fixture       *fixture,
           gconstpointer  user_data)
{
  JsonArray *grids = member_array (fixture->snapshot, "grids");
  JsonObject *grid = json_array_get_object_element (grids, 0);
  g_autoptr(JbGeoShape) area = jb_geo_shape_new_from_json (json_object_get_member (grid, "area"), NULL);
  g_autoptr(JsonArray) units = current_units (fixture);
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) got = NULL;
  g_autoptr(JbTestResponse) created = NULL;
  g_autofree char *incident_id = NULL;
  g_autofree char *body = g_strdup_printf ("{\"grid_id\": \"%s\", \"message\": \"寻找走失儿童，请协助\"}",
                                           json_object_get_string_member (grid, "id"));
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  double lat, lon;

  jb_geo_shape_random_point (area, rand, &lat, &lon);
  incident_id = create_incident (fixture, lat, lon);
  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonObject *unit = json_array_get_object_element (units, i);
      double ulat, ulon;

      if (!eligible (unit))
        continue;
      unit_position (unit, &ulat, &ulon);
      if (jb_geo_shape_contains (area, ulat, ulon))
        g_hash_table_add (expected, g_strdup (json_object_get_string_member (unit, "id")));
    }
  g_assert_cmpuint (g_hash_table_size (expected), >=, 1);
  created = callout (fixture, incident_id, fixture->dispatcher, body);
  g_assert_cmpuint (created->status, ==, 201);
  got = called_ids (last_callout (created->body));
  assert_same_set (got, expected);
  g_assert_cmpstr (json_object_get_string_member (last_callout (created->body), "grid_id"), ==,
                   json_object_get_string_member (grid, "id"));
  g_assert_true (json_object_get_null_member (last_callout (created->body), "radius_m"));
}

static void
test_answers (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(JsonArray) units = current_units (fixture);
  JsonObject *first = pick_guard (units, "st-qingshuitang", NULL);
  JsonObject *second = NULL, *outsider = NULL;
  g_autoptr(JbTestResponse) created = NULL;
  g_autoptr(JbTestEvents) events = NULL;
  g_autoptr(GHashTable) called = NULL;
  g_autofree char *incident_id = NULL;
  const char *callout_id;
  gint64 seq;
  double lat, lon;
  guint status;

  unit_position (first, &lat, &lon);
  incident_id = create_incident (fixture, lat, lon);
  {
    g_autoptr(JbTestResponse) health = jb_test_request (fixture->server, "GET", "/api/v1/health", NULL, NULL, NULL);
    seq = jb_test_json_int (health->body, "seq");
  }
  events = jb_test_events_connect (fixture->server, fixture->dispatcher, seq, &status);
  g_assert_nonnull (events);
  created = callout (fixture, incident_id, fixture->dispatcher, "{\"radius_m\": 2000, \"message\": \"寻找走失儿童，请协助\"}");
  g_assert_cmpuint (created->status, ==, 201);
  callout_id = json_object_get_string_member (last_callout (created->body), "id");
  called = called_ids (last_callout (created->body));
  g_assert_true (g_hash_table_contains (called, json_object_get_string_member (first, "id")));
  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonObject *unit = json_array_get_object_element (units, i);
      const char *id = json_object_get_string_member (unit, "id");

      if (second == NULL && unit != first && g_hash_table_contains (called, id))
        second = unit;
      if (outsider == NULL && !g_hash_table_contains (called, id) &&
          g_str_equal (json_object_get_string_member (unit, "kind"), "guard") &&
          g_strcmp0 (json_object_get_string_member (unit, "org_id"), json_object_get_string_member (first, "org_id")) != 0 &&
          g_strcmp0 (json_object_get_string_member (unit, "terminal_id"), json_object_get_string_member (first, "terminal_id")) != 0)
        outsider = unit;
    }
  g_assert_nonnull (second);
  g_assert_nonnull (outsider);

  {
    g_autoptr(JsonNode) frame = jb_test_events_wait_type (events, "incident.updated", 30000);

    g_assert_nonnull (frame);
    g_assert_cmpstr (jb_test_json_string (frame, "data.change"), ==, "callout");
  }

  /* Pending on both terminals. */
  g_assert_true (pending_for (fixture, first, callout_id));
  g_assert_true (pending_for (fixture, second, callout_id));

  /* first: accept, en_route, arrived; the counts follow. */
  {
    g_autoptr(JbTestResponse) a = answer (fixture, first, callout_id, "accept");
    g_autoptr(JbTestResponse) repeat = answer (fixture, first, callout_id, "accept");
    g_autoptr(JbTestResponse) incident = NULL;
    g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s", incident_id);
    g_autoptr(JsonNode) frame = jb_test_events_wait_type (events, "incident.updated", 30000);

    g_assert_cmpuint (a->status, ==, 200);
    g_assert_cmpstr (jb_test_json_string (a->body, "state"), ==, "accepted");
    g_assert_cmpuint (repeat->status, ==, 200);
    g_assert_nonnull (frame);
    g_assert_cmpstr (jb_test_json_string (frame, "data.change"), ==, "callout");
    incident = jb_test_request (fixture->server, "GET", path, fixture->dispatcher, NULL, NULL);
    g_assert_cmpint (count (last_callout (incident->body), "accepted"), ==, 1);
    g_assert_cmpint (count (last_callout (incident->body), "en_route"), ==, 0);
  }
  {
    g_autoptr(JbTestResponse) r = answer (fixture, first, callout_id, "en_route");
    g_autoptr(JbTestResponse) back = answer (fixture, first, callout_id, "accept");
    g_autoptr(JbTestResponse) decline = answer (fixture, first, callout_id, "decline");

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (back->status, ==, 409);
    g_assert_cmpuint (decline->status, ==, 409);
  }
  {
    g_autoptr(JbTestResponse) r = answer (fixture, first, callout_id, "arrived");
    g_autoptr(JbTestResponse) d = answer (fixture, second, callout_id, "decline");
    g_autoptr(JbTestResponse) after = answer (fixture, second, callout_id, "en_route");
    g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s", incident_id);
    g_autoptr(JbTestResponse) incident = jb_test_request (fixture->server, "GET", path, fixture->dispatcher, NULL, NULL);
    JsonObject *c = last_callout (incident->body);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (d->status, ==, 200);
    g_assert_cmpuint (after->status, ==, 409);
    g_assert_cmpint (count (c, "called"), ==, g_hash_table_size (called));
    g_assert_cmpint (count (c, "accepted"), ==, 1);
    g_assert_cmpint (count (c, "en_route"), ==, 1);
    g_assert_cmpint (count (c, "arrived"), ==, 1);
    g_assert_cmpint (count (c, "declined"), ==, 1);
  }
  /* Answered for good: no longer pending. */
  g_assert_false (pending_for (fixture, first, callout_id));
  g_assert_false (pending_for (fixture, second, callout_id));

  /* Refusals on the device side. */
  {
    g_autoptr(JbTestResponse) bad = answer (fixture, first, callout_id, "maybe");
    g_autoptr(JbTestResponse) unknown = answer (fixture, first, "co-999999", "accept");
    g_autoptr(JbTestResponse) not_called = answer (fixture, outsider, callout_id, "accept");
    g_autofree char *auth = jb_test_demo_unit_auth (outsider);
    g_autofree char *path = g_strdup_printf ("/api/v1/device/callouts/%s/answer", callout_id);
    g_autofree char *body = g_strdup_printf ("{\"answer\": \"accept\", \"unit_id\": \"%s\"}",
                                             json_object_get_string_member (first, "id"));
    g_autoptr(JbTestResponse) foreign = jb_test_request (fixture->server, "POST", path, auth, NULL, body);

    g_assert_cmpuint (bad->status, ==, 400);
    g_assert_cmpstr (jb_test_json_string (bad->body, "error.code"), ==, "invalid_value");
    g_assert_cmpuint (unknown->status, ==, 404);
    g_assert_cmpuint (not_called->status, ==, 404);
    g_assert_cmpuint (foreign->status, ==, 403);
  }
}

static void
test_refusals (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(JsonArray) units = current_units (fixture);
  JsonObject *here = pick_guard (units, "st-qingshuitang", NULL);
  JsonObject *there = NULL;
  g_autofree char *ours = NULL;
  g_autofree char *theirs = NULL;
  double lat, lon;
  static const struct { const char *body; guint status; const char *code; } bad[] = {
    { "{\"radius_m\": 1000}", 400, "missing_field" },
    { "{\"message\": \"x\"}", 400, "missing_field" },
    { "{\"radius_m\": 1000, \"message\": \"\"}", 400, "out_of_range" },
    { "{\"radius_m\": 1000, \"message\": \"   \"}", 400, "out_of_range" },
    { "{\"radius_m\": 49, \"message\": \"x\"}", 400, "out_of_range" },
    { "{\"radius_m\": 5001, \"message\": \"x\"}", 400, "out_of_range" },
    { "{\"radius_m\": \"far\", \"message\": \"x\"}", 400, "invalid_type" },
    { "{\"radius_m\": 1000, \"grid_id\": \"g-x\", \"message\": \"x\"}", 400, "invalid_value" },
    { "{\"grid_id\": \"g-nowhere\", \"message\": \"x\"}", 400, "invalid_value" },
    { "{\"radius_m\": 1000, \"message\": \"x\", \"extra\": 1}", 400, "unknown_field" },
  };

  for (guint i = 0; i < json_array_get_length (units) && there == NULL; i++)
    {
      JsonObject *unit = json_array_get_object_element (units, i);

      if (eligible (unit) && g_str_equal (json_object_get_string_member (unit, "kind"), "guard") &&
          g_strcmp0 (json_object_get_string_member (unit, "station_id"), "st-qingshuitang") != 0)
        there = unit;
    }
  g_assert_nonnull (there);
  unit_position (here, &lat, &lon);
  ours = create_incident (fixture, lat, lon);
  unit_position (there, &lat, &lon);
  theirs = create_incident (fixture, lat, lon);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JbTestResponse) r = callout (fixture, ours, fixture->dispatcher, bad[i].body);

      if (r->status != bad[i].status || g_strcmp0 (jb_test_json_string (r->body, "error.code"), bad[i].code) != 0)
        g_error ("%s → %u %s, expected %u %s", bad[i].body, r->status, r->text, bad[i].status, bad[i].code);
    }
  {
    const char *ok = "{\"radius_m\": 1000, \"message\": \"请协助\"}";
    g_autoptr(JbTestResponse) viewer = callout (fixture, ours, fixture->viewer, ok);
    g_autoptr(JbTestResponse) other_station = callout (fixture, theirs, fixture->officer, ok);
    g_autoptr(JbTestResponse) unknown = callout (fixture, "inc-999999", fixture->dispatcher, ok);
    g_autofree char *close_path = g_strdup_printf ("/api/v1/incidents/%s/close", ours);
    g_autoptr(JbTestResponse) closed = jb_test_request (fixture->server, "POST", close_path, fixture->dispatcher, NULL,
                                                        "{\"disposition\": \"false_alarm\"}");
    g_autoptr(JbTestResponse) after_close = NULL;

    g_assert_cmpuint (viewer->status, ==, 403);
    g_assert_cmpuint (other_station->status, ==, 403);
    g_assert_cmpuint (unknown->status, ==, 404);
    g_assert_cmpuint (closed->status, ==, 200);
    after_close = callout (fixture, ours, fixture->dispatcher, ok);
    g_assert_cmpuint (after_close->status, ==, 409);
  }
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/callouts/radius", Fixture, NULL, fixture_set_up, test_radius, fixture_tear_down);
  g_test_add ("/server/callouts/grid", Fixture, NULL, fixture_set_up, test_grid, fixture_tear_down);
  g_test_add ("/server/callouts/answers", Fixture, NULL, fixture_set_up, test_answers, fixture_tear_down);
  g_test_add ("/server/callouts/refusals", Fixture, NULL, fixture_set_up, test_refusals, fixture_tear_down);

  return g_test_run ();
}
