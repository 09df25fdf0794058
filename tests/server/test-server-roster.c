/* test-server-roster.c — PUT /api/v1/stations/{id}/roster on the real
 * jingbao-dispatchd, and the demo city's fresh fixes at import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <signal.h>
#include <string.h>

#include "jb-test-server.h"

typedef struct
{
  JbTestServer *server;
  char         *dispatcher;   /* "Bearer …" */
  char         *officer;      /* qingshuitang, duty officer of 清水塘派出所 */
  char         *viewer;
  char         *own_station;  /* the officer's station */
  char         *other_station;
  char         *own_unit;     /* a unit of the officer's station */
  JsonNode     *snapshot;
} Fixture;

/* A small city: under the sanitizers the full 2,000 guards cost seconds
 * per server start. */
static const char *small_city[] = { "--demo", "--demo-guards", "300", NULL };

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(JbTestResponse) response = NULL;
  JsonArray *stations, *units;

  fixture->server = jb_test_server_start (small_city);
  fixture->dispatcher = jb_test_login (fixture->server, "dispatcher", "demo");
  fixture->officer = jb_test_login (fixture->server, "qingshuitang", "demo");
  fixture->viewer = jb_test_login (fixture->server, "wall", "demo");

  response = jb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->officer, NULL, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  fixture->snapshot = json_node_ref (response->body);
  g_assert_cmpstr (jb_test_json_string (fixture->snapshot, "user.role"), ==, "duty_officer");
  fixture->own_station = g_strdup (jb_test_json_string (fixture->snapshot, "user.station_id"));
  g_assert_nonnull (fixture->own_station);

  stations = json_node_get_array (jb_test_json_get (fixture->snapshot, "stations"));
  for (guint i = 0; i < json_array_get_length (stations) && fixture->other_station == NULL; i++)
    {
      const char *id = json_object_get_string_member (json_array_get_object_element (stations, i), "id");

      if (g_strcmp0 (id, fixture->own_station) != 0)
        fixture->other_station = g_strdup (id);
    }
  g_assert_nonnull (fixture->other_station);

  units = json_node_get_array (jb_test_json_get (fixture->snapshot, "units"));
  for (guint i = 0; i < json_array_get_length (units) && fixture->own_unit == NULL; i++)
    {
      JsonObject *unit = json_array_get_object_element (units, i);

      if (g_strcmp0 (json_object_get_string_member (unit, "station_id"), fixture->own_station) == 0)
        fixture->own_unit = g_strdup (json_object_get_string_member (unit, "id"));
    }
  g_assert_nonnull (fixture->own_unit);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_pointer (&fixture->snapshot, json_node_unref);
  g_free (fixture->dispatcher);
  g_free (fixture->officer);
  g_free (fixture->viewer);
  g_free (fixture->own_station);
  g_free (fixture->other_station);
  g_free (fixture->own_unit);
  jb_test_server_free (fixture->server);
}

static char *
roster_path (const char *station_id)
{
  return g_strdup_printf ("/api/v1/stations/%s/roster", station_id);
}

static char *
roster_body (const char *leader,
             const char *unit_id)
{
  return g_strdup_printf ("{\"date\": \"2026-11-23\","
                          " \"leader\": {\"name\": \"%s\", \"phone\": \"13900001111\", \"rank\": \"副所长\"},"
                          " \"officers\": [{\"name\": \"李明\", \"phone\": \"138 0000 2222\", \"unit_id\": \"%s\"},"
                          "                {\"name\": \"王芳\", \"phone\": \"+86-139-0000-3333\"}],"
                          " \"phone\": \"0731-84440000\"}",
                          leader, unit_id);
}

static JsonObject *
station_in (JsonNode   *items,
            const char *id)
{
  JsonArray *stations = json_node_get_array (items);

  for (guint i = 0; i < json_array_get_length (stations); i++)
    {
      JsonObject *station = json_array_get_object_element (stations, i);

      if (g_strcmp0 (json_object_get_string_member (station, "id"), id) == 0)
        return station;
    }
  g_assert_not_reached ();
  return NULL;
}

static const char *
leader_of (JsonObject *station)
{
  JsonObject *roster = json_object_get_object_member (station, "roster");

  return json_object_get_string_member (json_object_get_object_member (roster, "leader"), "name");
}

static gint64
latest_seq (Fixture *fixture)
{
  g_autoptr(JbTestResponse) response = jb_test_request (fixture->server, "GET", "/api/v1/health",
                                                        NULL, NULL, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  return jb_test_json_int (response->body, "seq");
}

static void
test_dispatcher_updates (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autofree char *path = roster_path (fixture->other_station);
  g_autofree char *body = roster_body ("赵新", fixture->own_unit);
  gint64 seq = jb_test_json_int (fixture->snapshot, "seq");
  g_autoptr(JbTestEvents) events = jb_test_events_connect (fixture->server, fixture->viewer, seq, NULL);
  g_autoptr(JbTestResponse) response = NULL;
  g_autoptr(JbTestResponse) replay = NULL;
  g_autoptr(JbTestResponse) snapshot = NULL;
  g_autoptr(JsonNode) event = NULL;
  JsonObject *station;

  g_assert_nonnull (events);
  response = jb_test_request (fixture->server, "PUT", path, fixture->dispatcher, "roster-1", body);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (jb_test_json_string (response->body, "id"), ==, fixture->other_station);
  g_assert_cmpstr (jb_test_json_string (response->body, "roster.leader.name"), ==, "赵新");
  g_assert_cmpstr (jb_test_json_string (response->body, "roster.leader.rank"), ==, "副所长");
  g_assert_cmpstr (jb_test_json_string (response->body, "roster.officers.0.unit_id"), ==, fixture->own_unit);
  g_assert_null (jb_test_json_get (response->body, "roster.officers.1.unit_id"));
  g_assert_cmpstr (jb_test_json_string (response->body, "roster.phone"), ==, "0731-84440000");
  /* The rest of the station is untouched. */
  g_assert_nonnull (jb_test_json_get (response->body, "jurisdiction"));
  g_assert_nonnull (jb_test_json_string (response->body, "name"));

  event = jb_test_events_wait_type (events, "station.updated", 10000);
  g_assert_nonnull (event);
  g_assert_cmpint (jb_test_json_int (event, "seq"), ==, seq + 1);
  g_assert_cmpstr (jb_test_json_string (event, "data.station.id"), ==, fixture->other_station);
  g_assert_cmpstr (jb_test_json_string (event, "data.station.roster.leader.name"), ==, "赵新");
  g_assert_cmpstr (jb_test_json_string (event, "data.station.roster.date"), ==, "2026-11-23");

  /* The same key and body: the stored answer, no second event. */
  replay = jb_test_request (fixture->server, "PUT", path, fixture->dispatcher, "roster-1", body);
  g_assert_cmpuint (replay->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (replay->headers, "Idempotent-Replay"), ==, "true");
  g_assert_cmpstr (replay->text, ==, response->text);
  g_assert_cmpint (latest_seq (fixture), ==, seq + 1);
  g_clear_pointer (&replay, jb_test_response_free);
  replay = jb_test_request (fixture->server, "PUT", path, fixture->dispatcher, "roster-1", "{}");
  g_assert_cmpuint (replay->status, ==, 422);

  snapshot = jb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->viewer, NULL, NULL);
  g_assert_cmpuint (snapshot->status, ==, 200);
  g_assert_cmpint (jb_test_json_int (snapshot->body, "seq"), ==, seq + 1);
  station = station_in (jb_test_json_get (snapshot->body, "stations"), fixture->other_station);
  g_assert_cmpstr (leader_of (station), ==, "赵新");
}

static void
test_scope (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autofree char *own = roster_path (fixture->own_station);
  g_autofree char *other = roster_path (fixture->other_station);
  g_autofree char *body = roster_body ("钱进", fixture->own_unit);
  struct { const char *auth; const char *path; guint status; const char *code; } cases[] = {
    { fixture->officer, other, 403, "forbidden" },
    { fixture->viewer, own, 403, "forbidden" },
    { fixture->viewer, other, 403, "forbidden" },
    { NULL, own, 401, "unauthorized" },
    { fixture->dispatcher, "/api/v1/stations/st-nowhere/roster", 404, "not_found" },
    { fixture->officer, "/api/v1/stations/st-nowhere/roster", 404, "not_found" },
  };
  g_autoptr(JbTestResponse) response = NULL;
  g_autoptr(JbTestResponse) wrong_method = NULL;
  gint64 seq = latest_seq (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JbTestResponse) refused = jb_test_request (fixture->server, "PUT", cases[i].path,
                                                           cases[i].auth, NULL, body);

      g_test_message ("case %u: %s", i, refused->text);
      g_assert_cmpuint (refused->status, ==, cases[i].status);
      g_assert_cmpstr (jb_test_json_string (refused->body, "error.code"), ==, cases[i].code);
    }
  g_assert_cmpint (latest_seq (fixture), ==, seq);

  wrong_method = jb_test_request (fixture->server, "POST", own, fixture->dispatcher, NULL, body);
  g_assert_cmpuint (wrong_method->status, ==, 405);

  /* The duty officer keeps its own station's roster. */
  response = jb_test_request (fixture->server, "PUT", own, fixture->officer, NULL, body);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (jb_test_json_string (response->body, "roster.leader.name"), ==, "钱进");
  g_assert_cmpint (latest_seq (fixture), ==, seq + 1);
}

static void
test_bad_bodies (Fixture       *fixture,
                 gconstpointer  user_data)
{
#define LEADER "\"leader\": {\"name\": \"孙立\", \"phone\": \"13900001111\"}"
#define OFFICERS "\"officers\": []"
#define PHONE "\"phone\": \"0731-84440000\""
  struct { const char *body; const char *code; } cases[] = {
    { "", "malformed_json" },
    { "{", "malformed_json" },
    { "[]", "not_an_object" },
    { "{\"date\": \"2026-11-23\", " LEADER ", " OFFICERS ", " PHONE ", \"extra\": 1}", "unknown_field" },
    { "{" LEADER ", " OFFICERS ", " PHONE "}", "missing_field" },
    { "{\"date\": \"2026-11-23\", " OFFICERS ", " PHONE "}", "missing_field" },
    { "{\"date\": \"2026-11-23\", " LEADER ", " PHONE "}", "missing_field" },
    { "{\"date\": \"2026-11-23\", " LEADER ", " OFFICERS "}", "missing_field" },
    { "{\"date\": 20261123, " LEADER ", " OFFICERS ", " PHONE "}", "invalid_type" },
    { "{\"date\": \"2026-02-30\", " LEADER ", " OFFICERS ", " PHONE "}", "invalid_value" },
    { "{\"date\": \"23/11/2026\", " LEADER ", " OFFICERS ", " PHONE "}", "invalid_value" },
    { "{\"date\": \"2026-11-23\", \"leader\": \"孙立\", " OFFICERS ", " PHONE "}", "invalid_type" },
    { "{\"date\": \"2026-11-23\", \"leader\": {\"name\": \"孙立\"}, " OFFICERS ", " PHONE "}", "missing_field" },
    { "{\"date\": \"2026-11-23\", \"leader\": {\"name\": \"\", \"phone\": \"139\"}, " OFFICERS ", " PHONE "}", "out_of_range" },
    { "{\"date\": \"2026-11-23\", \"leader\": {\"name\": \"孙立\", \"phone\": \"139\", \"age\": 40}, " OFFICERS ", " PHONE "}", "unknown_field" },
    { "{\"date\": \"2026-11-23\", \"leader\": {\"name\": \"孙立\", \"phone\": \"call me\"}, " OFFICERS ", " PHONE "}", "invalid_value" },
    { "{\"date\": \"2026-11-23\", \"leader\": {\"name\": \"孙立\", \"phone\": \"13\"}, " OFFICERS ", " PHONE "}", "invalid_value" },
    { "{\"date\": \"2026-11-23\", \"leader\": {\"name\": \"孙立\", \"phone\": 13900001111}, " OFFICERS ", " PHONE "}", "invalid_type" },
    { "{\"date\": \"2026-11-23\", \"leader\": {\"name\": \"孙立\", \"phone\": \"139\", \"rank\": 3}, " OFFICERS ", " PHONE "}", "invalid_type" },
    { "{\"date\": \"2026-11-23\", " LEADER ", \"officers\": {}, " PHONE "}", "invalid_type" },
    { "{\"date\": \"2026-11-23\", " LEADER ", \"officers\": [\"李明\"], " PHONE "}", "invalid_type" },
    { "{\"date\": \"2026-11-23\", " LEADER ", \"officers\": [{\"name\": \"李明\"}], " PHONE "}", "missing_field" },
    { "{\"date\": \"2026-11-23\", " LEADER ", \"officers\": [{\"name\": \"李明\", \"phone\": \"139\", \"rank\": \"x\"}], " PHONE "}", "unknown_field" },
    { "{\"date\": \"2026-11-23\", " LEADER ", \"officers\": [{\"name\": \"李明\", \"phone\": \"139\", \"unit_id\": \"u-nobody\"}], " PHONE "}", "invalid_value" },
    { "{\"date\": \"2026-11-23\", " LEADER ", \"officers\": [{\"name\": \"李明\", \"phone\": \"139\", \"unit_id\": 7}], " PHONE "}", "invalid_type" },
    { "{\"date\": \"2026-11-23\", " LEADER ", " OFFICERS ", \"phone\": \"0731-8444-0000-0000-0000-0000-0000\"}", "invalid_value" },
  };
  g_autofree char *path = roster_path (fixture->own_station);
  g_autofree char *long_name = NULL;
  g_autoptr(GString) many = g_string_new ("{\"date\": \"2026-11-23\", " LEADER ", " PHONE ", \"officers\": [");
  g_autoptr(JbTestResponse) response = NULL;
  gint64 seq = latest_seq (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JbTestResponse) refused = jb_test_request (fixture->server, "PUT", path,
                                                           fixture->dispatcher, NULL, cases[i].body);

      g_test_message ("case %u: %s → %s", i, cases[i].body, refused->text);
      g_assert_cmpuint (refused->status, ==, 400);
      g_assert_cmpstr (jb_test_json_string (refused->body, "error.code"), ==, cases[i].code);
    }

  /* 51 officers are too many; a name of 65 characters is too long. */
  for (guint i = 0; i < 51; i++)
    g_string_append_printf (many, "%s{\"name\": \"警员%u\", \"phone\": \"1390000%04u\"}", i ? ", " : "", i, i);
  g_string_append (many, "]}");
  response = jb_test_request (fixture->server, "PUT", path, fixture->dispatcher, NULL, many->str);
  g_assert_cmpuint (response->status, ==, 400);
  g_assert_cmpstr (jb_test_json_string (response->body, "error.code"), ==, "out_of_range");
  g_clear_pointer (&response, jb_test_response_free);

  long_name = g_strdup_printf ("{\"date\": \"2026-11-23\", \"leader\": {\"name\": \"%s\", \"phone\": \"139\"}, "
                               OFFICERS ", " PHONE "}", "张张张张张张张张张张张张张张张张张张张张张张张张张张张张张张张张"
                               "张张张张张张张张张张张张张张张张张张张张张张张张张张张张张张张张张");
  response = jb_test_request (fixture->server, "PUT", path, fixture->dispatcher, NULL, long_name);
  g_assert_cmpuint (response->status, ==, 400);
  g_assert_cmpstr (jb_test_json_string (response->body, "error.code"), ==, "out_of_range");
  g_clear_pointer (&response, jb_test_response_free);

  /* Nothing was written; 50 officers and an empty list are fine. */
  g_assert_cmpint (latest_seq (fixture), ==, seq);
  g_string_truncate (many, many->len - 2);
  g_string_truncate (many, strrchr (many->str, '{') - many->str - 2);
  g_string_append (many, "]}");
  response = jb_test_request (fixture->server, "PUT", path, fixture->dispatcher, NULL, many->str);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (jb_test_json_get (response->body, "roster.officers"))),
                    ==, 50);
  g_clear_pointer (&response, jb_test_response_free);
  response = jb_test_request (fixture->server, "PUT", path, fixture->dispatcher, NULL,
                              "{\"date\": \"2026-11-24\", " LEADER ", " OFFICERS ", " PHONE "}");
  g_assert_cmpuint (response->status, ==, 200);
#undef LEADER
#undef OFFICERS
#undef PHONE
}

static void
test_survives_kill (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *path = roster_path (fixture->own_station);
  g_autofree char *body = roster_body ("周全", fixture->own_unit);
  g_autoptr(JbTestResponse) response = NULL;
  g_autoptr(JbTestResponse) stations = NULL;
  g_autoptr(JbTestEvents) events = NULL;
  g_autoptr(JsonNode) event = NULL;
  gint64 seq = latest_seq (fixture);

  response = jb_test_request (fixture->server, "PUT", path, fixture->officer, "roster-kill", body);
  g_assert_cmpuint (response->status, ==, 200);

  jb_test_server_kill (fixture->server, SIGKILL);
  jb_test_server_restart (fixture->server);

  stations = jb_test_request (fixture->server, "GET", "/api/v1/stations", fixture->viewer, NULL, NULL);
  g_assert_cmpuint (stations->status, ==, 200);
  g_assert_cmpstr (leader_of (station_in (jb_test_json_get (stations->body, "items"), fixture->own_station)),
                   ==, "周全");

  events = jb_test_events_connect (fixture->server, fixture->viewer, seq, NULL);
  g_assert_nonnull (events);
  event = jb_test_events_next (events, 10000);
  g_assert_nonnull (event);
  g_assert_cmpint (jb_test_json_int (event, "seq"), ==, seq + 1);
  g_assert_cmpstr (jb_test_json_string (event, "type"), ==, "station.updated");
  g_assert_cmpstr (jb_test_json_string (event, "data.station.roster.leader.name"), ==, "周全");

  /* The idempotency record survived with it. */
  g_clear_pointer (&response, jb_test_response_free);
  response = jb_test_request (fixture->server, "PUT", path, fixture->officer, "roster-kill", body);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Idempotent-Replay"), ==, "true");
}

/* The demo city is generated with its fixes at midnight; the import dates
 * them now, so nothing starts stale. */
static void
test_fresh_at_import (Fixture       *fixture,
                      gconstpointer  user_data)
{
  gint64 server_time = jb_test_json_int (fixture->snapshot, "server_time");
  JsonArray *units = json_node_get_array (jb_test_json_get (fixture->snapshot, "units"));
  JsonArray *terminals = json_node_get_array (jb_test_json_get (fixture->snapshot, "terminals"));
  guint n_fixes = 0, n_seen = 0;

  g_assert_cmpint (server_time, >, 0);
  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonObject *unit = json_array_get_object_element (units, i);
      JsonNode *position = json_object_get_member (unit, "position");

      if (position == NULL || !JSON_NODE_HOLDS_OBJECT (position))
        continue;
      n_fixes++;
      g_assert_cmpint (ABS (server_time - json_object_get_int_member (json_node_get_object (position), "time")),
                       <=, 60000);
    }
  for (guint i = 0; i < json_array_get_length (terminals); i++)
    {
      JsonObject *terminal = json_array_get_object_element (terminals, i);
      JsonNode *seen = json_object_get_member (terminal, "last_seen_at");

      if (seen == NULL || JSON_NODE_HOLDS_NULL (seen))
        continue;
      n_seen++;
      g_assert_cmpint (ABS (server_time - json_node_get_int (seen)), <=, 60000);
    }
  g_assert_cmpuint (n_fixes, >, 100);
  g_assert_cmpuint (n_seen, >, 100);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/server/roster/dispatcher-updates", test_dispatcher_updates);
  ADD ("/server/roster/scope", test_scope);
  ADD ("/server/roster/bad-bodies", test_bad_bodies);
  ADD ("/server/roster/survives-kill", test_survives_kill);
  ADD ("/server/roster/fresh-at-import", test_fresh_at_import);
#undef ADD

  return g_test_run ();
}
