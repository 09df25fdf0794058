/* test-server-grids.c — grids (网格) of the real jingbao-dispatchd: the
 * demo's grids in the snapshot, GET /api/v1/grids, PUT …/members and its
 * grid.updated event, checks and permissions, storage across a restart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <signal.h>
#include <string.h>

#include "jb-geo.h"
#include "jb-test-city.h"
#include "jb-test-server.h"

typedef JbTestCity Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  const char *args[] = { "--demo", "--demo-guards", "100", NULL };

  jb_test_city_start (fixture, args);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  jb_test_city_stop (fixture);
}

static JsonArray *
member_array (JsonNode   *node,
              const char *member)
{
  return json_object_get_array_member (json_node_get_object (node), member);
}

/* The first unit of @kind (and @station_id unless NULL) not in @except. */
static const char *
pick_unit (Fixture    *fixture,
           const char *kind,
           const char *station_id,
           const char *except)
{
  JsonArray *units = member_array (fixture->snapshot, "units");

  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonObject *unit = json_array_get_object_element (units, i);

      if (g_str_equal (json_object_get_string_member (unit, "kind"), kind) &&
          (station_id == NULL || g_strcmp0 (json_object_get_string_member (unit, "station_id"), station_id) == 0) &&
          g_strcmp0 (json_object_get_string_member (unit, "id"), except) != 0)
        return json_object_get_string_member (unit, "id");
    }
  g_assert_not_reached ();
  return NULL;
}

static void
test_demo_grids (Fixture       *fixture,
                 gconstpointer  user_data)
{
  JsonArray *grids = member_array (fixture->snapshot, "grids");
  JsonArray *stations = member_array (fixture->snapshot, "stations");
  JsonArray *units = member_array (fixture->snapshot, "units");
  g_autoptr(JbTestResponse) listed = jb_test_request (fixture->server, "GET", "/api/v1/grids",
                                                      fixture->viewer, NULL, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autoptr(GHashTable) per_station = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (listed->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (member_array (listed->body, "items")), ==, json_array_get_length (grids));
  g_assert_cmpuint (json_array_get_length (grids), >=, 4 * json_array_get_length (stations));

  for (guint i = 0; i < json_array_get_length (grids); i++)
    {
      JsonObject *grid = json_array_get_object_element (grids, i);
      JsonObject *members = json_object_get_object_member (grid, "members");
      const char *station_id = json_object_get_string_member (grid, "station_id");
      JsonObject *station = jb_test_json_find_by_id (stations, station_id);
      JsonArray *volunteers = json_object_get_array_member (members, "volunteers");
      g_autoptr(GError) error = NULL;
      g_autoptr(JbGeoShape) area = jb_geo_shape_new_from_json (json_object_get_member (grid, "area"), &error);
      g_autoptr(JbGeoShape) jurisdiction = NULL;
      const char *roles[] = { "officer", "auxiliary" };

      g_assert_nonnull (station);
      g_assert_true (json_object_get_boolean_member (grid, "demo"));
      g_assert_true (g_str_has_suffix (json_object_get_string_member (grid, "name"), "号网格"));
      g_hash_table_insert (per_station, (gpointer) station_id,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (per_station, station_id)) + 1));

      /* Inside the station's jurisdiction. */
      g_assert_no_error (error);
      jurisdiction = jb_geo_shape_new_from_json (json_object_get_member (station, "jurisdiction"), &error);
      g_assert_no_error (error);
      for (guint k = 0; k < 50; k++)
        {
          double lat, lon;

          jb_geo_shape_random_point (area, rand, &lat, &lon);
          g_assert_true (jb_geo_shape_contains (jurisdiction, lat, lon));
        }

      /* Its people: two of the station's officers, and volunteers. */
      for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
        {
          JsonObject *unit = jb_test_json_find_by_id (units, json_object_get_string_member (members, roles[r]));

          g_assert_nonnull (unit);
          g_assert_cmpstr (json_object_get_string_member (unit, "kind"), ==, "officer");
          g_assert_cmpstr (json_object_get_string_member (unit, "station_id"), ==, station_id);
        }
      g_assert_cmpstr (json_object_get_string_member (members, "officer"), !=,
                       json_object_get_string_member (members, "auxiliary"));
      g_assert_cmpuint (json_array_get_length (volunteers), >=, 1);
      for (guint v = 0; v < json_array_get_length (volunteers); v++)
        g_assert_cmpstr (json_object_get_string_member (jb_test_json_find_by_id (units, json_array_get_string_element (volunteers, v)),
                                                        "kind"), ==, "volunteer");
    }
  /* 4 to 6 in every station. */
  for (guint s = 0; s < json_array_get_length (stations); s++)
    {
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (per_station,
                                                       json_object_get_string_member (json_array_get_object_element (stations, s), "id")));

      g_assert_cmpuint (n, >=, 4);
      g_assert_cmpuint (n, <=, 6);
    }
}

/* A grid of the duty officer's station and one of another station. */
static void
pick_grids (Fixture     *fixture,
            const char **own,
            const char **other)
{
  JsonArray *grids = member_array (fixture->snapshot, "grids");

  *own = *other = NULL;
  for (guint i = 0; i < json_array_get_length (grids); i++)
    {
      JsonObject *grid = json_array_get_object_element (grids, i);

      if (g_str_equal (json_object_get_string_member (grid, "station_id"), "st-qingshuitang"))
        *own = json_object_get_string_member (grid, "id");
      else
        *other = json_object_get_string_member (grid, "id");
    }
  g_assert_nonnull (*own);
  g_assert_nonnull (*other);
}

static void
test_members (Fixture       *fixture,
              gconstpointer  user_data)
{
  const char *own, *other;
  const char *officer = pick_unit (fixture, "officer", "st-qingshuitang", NULL);
  const char *volunteer = pick_unit (fixture, "volunteer", NULL, NULL);
  const char *volunteer2 = pick_unit (fixture, "volunteer", NULL, volunteer);
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JbTestEvents) events = NULL;
  g_autoptr(JbTestResponse) answer = NULL;
  g_autoptr(JbTestResponse) listed = NULL;
  g_autoptr(JsonNode) event = NULL;
  guint status = 0;
  JsonObject *grid;

  pick_grids (fixture, &own, &other);
  events = jb_test_events_connect (fixture->server, fixture->dispatcher,
                                   jb_test_json_int (fixture->snapshot, "seq"), &status);
  g_assert_nonnull (events);

  path = g_strdup_printf ("/api/v1/grids/%s/members", own);
  body = g_strdup_printf ("{\"officer\": \"%s\", \"auxiliary\": null, \"volunteers\": [\"%s\", \"%s\"]}",
                          officer, volunteer, volunteer2);
  /* The station's own duty officer may. */
  answer = jb_test_request (fixture->server, "PUT", path, fixture->officer, "grid-1", body);
  g_assert_cmpuint (answer->status, ==, 200);
  g_assert_cmpstr (jb_test_json_string (answer->body, "members.officer"), ==, officer);
  g_assert_true (JSON_NODE_HOLDS_NULL (jb_test_json_get (answer->body, "members.auxiliary")));
  g_assert_cmpstr (jb_test_json_string (answer->body, "members.volunteers.1"), ==, volunteer2);

  event = jb_test_events_wait_type (events, "grid.updated", 10000);
  g_assert_nonnull (event);
  g_assert_cmpstr (jb_test_json_string (event, "data.grid.id"), ==, own);
  g_assert_cmpstr (jb_test_json_string (event, "data.grid.members.volunteers.0"), ==, volunteer);

  /* Kept, across a restart too. */
  jb_test_server_kill (fixture->server, SIGKILL);
  jb_test_server_restart (fixture->server);
  g_free (fixture->dispatcher);
  fixture->dispatcher = jb_test_login (fixture->server, "dispatcher", "demo");
  listed = jb_test_request (fixture->server, "GET", "/api/v1/grids", fixture->dispatcher, NULL, NULL);
  grid = jb_test_json_find_by_id (member_array (listed->body, "items"), own);
  g_assert_nonnull (grid);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (grid, "members"), "officer"),
                   ==, officer);
  (void) other;
}

static void
assert_refused (Fixture    *fixture,
                const char *grid_id,
                const char *authorization,
                const char *body,
                guint       status,
                const char *code)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/grids/%s/members", grid_id);
  g_autoptr(JbTestResponse) answer = jb_test_request (fixture->server, "PUT", path, authorization, NULL, body);

  g_assert_cmpuint (answer->status, ==, status);
  g_assert_cmpstr (jb_test_json_string (answer->body, "error.code"), ==, code);
}

static void
test_refusals (Fixture       *fixture,
               gconstpointer  user_data)
{
  const char *own, *other;
  const char *officer = pick_unit (fixture, "officer", "st-qingshuitang", NULL);
  const char *guard = pick_unit (fixture, "guard", NULL, NULL);
  const char *volunteer = pick_unit (fixture, "volunteer", NULL, NULL);
  g_autofree char *ok = NULL;
  g_autofree char *guard_officer = NULL;
  g_autofree char *officer_volunteer = NULL;
  g_autofree char *twice = NULL;
  g_autofree char *same = NULL;

  pick_grids (fixture, &own, &other);
  ok = g_strdup_printf ("{\"officer\": \"%s\", \"auxiliary\": null, \"volunteers\": []}", officer);
  guard_officer = g_strdup_printf ("{\"officer\": \"%s\", \"auxiliary\": null, \"volunteers\": []}", guard);
  officer_volunteer = g_strdup_printf ("{\"officer\": null, \"auxiliary\": null, \"volunteers\": [\"%s\"]}", officer);
  twice = g_strdup_printf ("{\"officer\": null, \"auxiliary\": null, \"volunteers\": [\"%s\", \"%s\"]}",
                           volunteer, volunteer);
  same = g_strdup_printf ("{\"officer\": \"%s\", \"auxiliary\": \"%s\", \"volunteers\": []}", officer, officer);

  assert_refused (fixture, other, fixture->officer, ok, 403, "forbidden");        /* another station's */
  assert_refused (fixture, own, fixture->viewer, ok, 403, "forbidden");
  assert_refused (fixture, own, NULL, ok, 401, "unauthorized");
  assert_refused (fixture, "g-nowhere", fixture->dispatcher, ok, 404, "not_found");
  assert_refused (fixture, own, fixture->dispatcher, guard_officer, 400, "invalid_value");
  assert_refused (fixture, own, fixture->dispatcher, officer_volunteer, 400, "invalid_value");
  assert_refused (fixture, own, fixture->dispatcher, twice, 400, "invalid_value");
  assert_refused (fixture, own, fixture->dispatcher, same, 400, "invalid_value");
  assert_refused (fixture, own, fixture->dispatcher,
                  "{\"officer\": \"u-nobody\", \"auxiliary\": null, \"volunteers\": []}", 400, "invalid_value");
  assert_refused (fixture, own, fixture->dispatcher, "{\"officer\": null, \"volunteers\": []}", 400, "missing_field");
  assert_refused (fixture, own, fixture->dispatcher,
                  "{\"officer\": null, \"auxiliary\": null, \"volunteers\": [], \"x\": 1}", 400, "unknown_field");
  assert_refused (fixture, own, fixture->dispatcher,
                  "{\"officer\": null, \"auxiliary\": null, \"volunteers\": [7]}", 400, "invalid_type");
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/grids/demo", Fixture, NULL, fixture_set_up, test_demo_grids, fixture_tear_down);
  g_test_add ("/server/grids/members", Fixture, NULL, fixture_set_up, test_members, fixture_tear_down);
  g_test_add ("/server/grids/refusals", Fixture, NULL, fixture_set_up, test_refusals, fixture_tear_down);

  return g_test_run ();
}
