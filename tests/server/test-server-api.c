/* test-server-api.c — the REST and WebSocket API of the real jingbao-dispatchd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <string.h>

#include "jb-test-city.h"
#include "jb-test-server.h"

typedef JbTestCity Fixture;

/* The whole demo city only where a test counts it: under the sanitizers
 * importing 2,000 guards costs seconds per server start. */
static const char *full_city[] = { "--demo", NULL };
static const char *small_city[] = { "--demo", "--demo-guards", "300", NULL };

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  jb_test_city_start (fixture, user_data ? user_data : small_city);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  jb_test_city_stop (fixture);
}

/* The station of the duty officer and one other station's seat. */
static const char *
officer_station_id (Fixture *fixture)
{
  g_autoptr(JbTestResponse) response = NULL;
  g_autofree char *body = g_strdup ("{\"username\": \"qingshuitang\", \"password\": \"demo\"}");
  static char station[64];

  response = jb_test_request (fixture->server, "POST", "/api/v1/session", NULL, NULL, body);
  g_assert_cmpuint (response->status, ==, 201);
  g_assert_cmpstr (jb_test_json_string (response->body, "user.role"), ==, "duty_officer");
  g_assert_nonnull (jb_test_json_string (response->body, "user.station_id"));
  g_strlcpy (station, jb_test_json_string (response->body, "user.station_id"), sizeof station);
  return station;
}

static JsonObject *
find_station (Fixture    *fixture,
              const char *id,
              gboolean    equal)
{
  JsonArray *stations = json_node_get_array (jb_test_json_get (fixture->snapshot, "stations"));

  for (guint i = 0; i < json_array_get_length (stations); i++)
    {
      JsonObject *station = json_array_get_object_element (stations, i);

      if ((g_strcmp0 (json_object_get_string_member (station, "id"), id) == 0) == equal)
        return station;
    }

  g_assert_not_reached ();
  return NULL;
}

static char *
incident_body_at (JsonObject *station,
                  const char *type,
                  int         priority)
{
  JsonObject *location = json_object_get_object_member (station, "location");

  return g_strdup_printf ("{\"type\": \"%s\", \"priority\": %d, \"location\": {\"lat\": %.6f, \"lon\": %.6f},"
                          " \"address\": \"测试地址\", \"description\": \"test\"}",
                          type, priority,
                          json_object_get_double_member (location, "lat"),
                          json_object_get_double_member (location, "lon"));
}

static JsonNode *
create_incident (Fixture    *fixture,
                 const char *auth,
                 JsonObject *station)
{
  g_autofree char *body = incident_body_at (station, "fight", 2);
  g_autoptr(JbTestResponse) response = jb_test_request (fixture->server, "POST", "/api/v1/incidents",
                                                        auth, NULL, body);

  g_assert_cmpuint (response->status, ==, 201);
  return json_node_ref (response->body);
}

/* An available unit of @station_id, from the fixture's snapshot. */
static const char *
available_unit (Fixture    *fixture,
                const char *station_id,
                const char *kind,
                guint       skip)
{
  JsonArray *units = json_node_get_array (jb_test_json_get (fixture->snapshot, "units"));

  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonObject *unit = json_array_get_object_element (units, i);

      if (g_strcmp0 (json_object_get_string_member (unit, "status"), "available") == 0 &&
          g_strcmp0 (json_object_get_string_member (unit, "station_id"), station_id) == 0 &&
          (kind == NULL || g_strcmp0 (json_object_get_string_member (unit, "kind"), kind) == 0) &&
          skip-- == 0)
        return json_object_get_string_member (unit, "id");
    }

  g_assert_not_reached ();
  return NULL;
}

static void
assert_error (JbTestResponse *response,
              guint           status,
              const char     *code)
{
  if (response->status != status)
    g_test_message ("unexpected answer: %u %s", response->status, response->text);
  g_assert_cmpuint (response->status, ==, status);
  g_assert_nonnull (response->body);
  g_assert_cmpstr (jb_test_json_string (response->body, "error.code"), ==, code);
  g_assert_nonnull (jb_test_json_string (response->body, "error.message"));
  g_assert_cmpuint (strlen (jb_test_json_string (response->body, "error.message")), >, 0);
}

static void
test_session (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(JbTestResponse) bad = NULL;
  g_autoptr(JbTestResponse) unknown = NULL;
  g_autoptr(JbTestResponse) no_token = NULL;
  g_autoptr(JbTestResponse) bad_token = NULL;
  g_autoptr(JbTestResponse) logout = NULL;
  g_autoptr(JbTestResponse) after = NULL;
  g_autofree char *token = NULL;

  bad = jb_test_request (fixture->server, "POST", "/api/v1/session", NULL, NULL,
                         "{\"username\": \"dispatcher\", \"password\": \"wrong\"}");
  assert_error (bad, 401, "unauthorized");
  unknown = jb_test_request (fixture->server, "POST", "/api/v1/session", NULL, NULL,
                             "{\"username\": \"nobody\", \"password\": \"demo\"}");
  assert_error (unknown, 401, "unauthorized");

  no_token = jb_test_request (fixture->server, "GET", "/api/v1/snapshot", NULL, NULL, NULL);
  assert_error (no_token, 401, "unauthorized");
  bad_token = jb_test_request (fixture->server, "GET", "/api/v1/snapshot",
                               "Bearer 00112233445566778899aabbccddeeff", NULL, NULL);
  assert_error (bad_token, 401, "unauthorized");

  /* A revoked token stops working at once. */
  token = jb_test_login (fixture->server, "dispatcher", "demo");
  logout = jb_test_request (fixture->server, "DELETE", "/api/v1/session", token, NULL, NULL);
  g_assert_cmpuint (logout->status, ==, 204);
  after = jb_test_request (fixture->server, "GET", "/api/v1/snapshot", token, NULL, NULL);
  assert_error (after, 401, "unauthorized");
}

static void
test_snapshot (Fixture       *fixture,
               gconstpointer  user_data)
{
  JsonNode *snapshot = fixture->snapshot;
  JsonArray *stations = json_node_get_array (jb_test_json_get (snapshot, "stations"));
  JsonArray *units = json_node_get_array (jb_test_json_get (snapshot, "units"));
  JsonArray *terminals = json_node_get_array (jb_test_json_get (snapshot, "terminals"));
  guint guards = 0, link_terminals = 0;

  g_assert_nonnull (jb_test_json_get (snapshot, "seq"));
  g_assert_cmpint (jb_test_json_int (snapshot, "server_time"), >, 1700000000000);
  g_assert_cmpstr (jb_test_json_string (snapshot, "user.username"), ==, "dispatcher");
  g_assert_cmpstr (jb_test_json_string (snapshot, "user.role"), ==, "dispatcher");
  g_assert_cmpint (jb_test_json_int (snapshot, "config.targets.guard_s"), ==, 60);
  g_assert_cmpint (jb_test_json_int (snapshot, "config.targets.police_s"), ==, 180);
  g_assert_cmpint (jb_test_json_int (snapshot, "config.targets.reinforce_s"), ==, 300);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (jb_test_json_get (snapshot, "incidents")));

  /* The demo city of the brief: 7 pilot stations, 200+ terminals, 2,000+ guards. */
  g_assert_cmpuint (json_array_get_length (stations), ==, 7);
  for (guint i = 0; i < json_array_get_length (units); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (units, i), "kind"), "guard") == 0)
      guards++;
  for (guint i = 0; i < json_array_get_length (terminals); i++)
    {
      const char *kind = json_object_get_string_member (json_array_get_object_element (terminals, i), "kind");

      if (g_strcmp0 (kind, "alarm_button") == 0 || g_strcmp0 (kind, "body_camera") == 0 ||
          g_strcmp0 (kind, "sensor") == 0)
        link_terminals++;
    }
  g_assert_cmpuint (guards, >=, 2000);
  g_assert_cmpuint (link_terminals, >=, 200);

  for (guint i = 0; i < json_array_get_length (stations); i++)
    {
      JsonObject *station = json_array_get_object_element (stations, i);
      const char *type = json_object_get_string_member (json_object_get_object_member (station, "jurisdiction"), "type");

      g_assert_true (g_str_has_suffix (json_object_get_string_member (station, "name"), "派出所"));
      g_assert_true (g_strcmp0 (type, "Polygon") == 0 || g_strcmp0 (type, "MultiPolygon") == 0);
      g_assert_true (json_object_has_member (station, "roster"));
    }
}

static void
test_create_streams_event (Fixture       *fixture,
                           gconstpointer  user_data)
{
  gint64 seq = jb_test_json_int (fixture->snapshot, "seq");
  g_autoptr(JbTestEvents) events = jb_test_events_connect (fixture->server, fixture->dispatcher, seq, NULL);
  g_autoptr(JsonNode) incident = NULL;
  g_autoptr(JsonNode) event = NULL;
  JsonObject *station = find_station (fixture, officer_station_id (fixture), TRUE);

  g_assert_nonnull (events);
  incident = create_incident (fixture, fixture->dispatcher, station);
  g_assert_cmpstr (jb_test_json_string (incident, "status"), ==, "new");
  g_assert_cmpstr (jb_test_json_string (incident, "source"), ==, "phone");
  g_assert_cmpstr (jb_test_json_string (incident, "station_id"), ==,
                   json_object_get_string_member (station, "id"));
  g_assert_true (g_str_has_prefix (jb_test_json_string (incident, "number"), "KF-"));
  g_assert_cmpint (jb_test_json_int (incident, "created_at"), >, 1700000000000);

  event = jb_test_events_wait_type (events, "incident.created", 10000);
  g_assert_nonnull (event);
  g_assert_cmpint (jb_test_json_int (event, "seq"), >, seq);
  g_assert_cmpstr (jb_test_json_string (event, "data.incident.id"), ==,
                   jb_test_json_string (incident, "id"));
  g_assert_cmpstr (jb_test_json_string (event, "data.incident.number"), ==,
                   jb_test_json_string (incident, "number"));
}

static void
test_replay_since (Fixture       *fixture,
                   gconstpointer  user_data)
{
  gint64 seq = jb_test_json_int (fixture->snapshot, "seq");
  JsonObject *station = find_station (fixture, officer_station_id (fixture), TRUE);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JbTestEvents) events = NULL;
  gint64 last_seq = seq;
  guint found = 0;

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(JsonNode) incident = create_incident (fixture, fixture->dispatcher, station);
      g_ptr_array_add (ids, g_strdup (jb_test_json_string (incident, "id")));
    }

  /* Connecting after the fact replays every event since seq, strictly +1 each. */
  events = jb_test_events_connect (fixture->server, fixture->viewer, seq, NULL);
  g_assert_nonnull (events);
  while (found < ids->len)
    {
      g_autoptr(JsonNode) event = jb_test_events_next (events, 10000);

      g_assert_nonnull (event);
      g_assert_cmpint (jb_test_json_int (event, "seq"), ==, last_seq + 1);
      last_seq = jb_test_json_int (event, "seq");
      if (g_strcmp0 (jb_test_json_string (event, "type"), "incident.created") == 0)
        {
          g_assert_cmpstr (jb_test_json_string (event, "data.incident.id"), ==, ids->pdata[found]);
          found++;
        }
    }
}

static void
test_idempotent_assignment (Fixture       *fixture,
                            gconstpointer  user_data)
{
  const char *station_id = officer_station_id (fixture);
  JsonObject *station = find_station (fixture, station_id, TRUE);
  g_autoptr(JsonNode) incident = create_incident (fixture, fixture->dispatcher, station);
  const char *unit_id = available_unit (fixture, station_id, "guard", 0);
  g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s/assignments",
                                           jb_test_json_string (incident, "id"));
  g_autofree char *body = g_strdup_printf ("{\"unit_id\": \"%s\"}", unit_id);
  g_autofree char *other_body = g_strdup_printf ("{\"unit_id\": \"%s\"}",
                                                 available_unit (fixture, station_id, "guard", 1));
  g_autoptr(JbTestResponse) first = NULL;
  g_autoptr(JbTestResponse) second = NULL;
  g_autoptr(JbTestResponse) reused = NULL;
  g_autoptr(JbTestResponse) again = NULL;
  g_autoptr(JbTestResponse) unit = NULL;
  g_autofree char *unit_path = g_strdup_printf ("/api/v1/units/%s", unit_id);
  JsonArray *assignments;

  first = jb_test_request (fixture->server, "POST", path, fixture->dispatcher, "assign-key-1", body);
  g_assert_cmpuint (first->status, ==, 201);
  second = jb_test_request (fixture->server, "POST", path, fixture->dispatcher, "assign-key-1", body);
  g_assert_cmpuint (second->status, ==, 201);
  g_assert_cmpstr (second->text, ==, first->text);
  g_assert_cmpstr (soup_message_headers_get_one (second->headers, "Idempotent-Replay"), ==, "true");

  assignments = json_node_get_array (jb_test_json_get (second->body, "assignments"));
  g_assert_cmpuint (json_array_get_length (assignments), ==, 1);
  g_assert_cmpstr (jb_test_json_string (second->body, "assignments.0.unit_id"), ==, unit_id);
  g_assert_cmpstr (jb_test_json_string (second->body, "assignments.0.state"), ==, "assigned");
  g_assert_cmpstr (jb_test_json_string (second->body, "status"), ==, "dispatched");

  /* The same key for a different request is refused, not silently replayed. */
  reused = jb_test_request (fixture->server, "POST", path, fixture->dispatcher, "assign-key-1", other_body);
  assert_error (reused, 422, "idempotency_key_reused");

  /* Without a key the same unit cannot be assigned twice. */
  again = jb_test_request (fixture->server, "POST", path, fixture->dispatcher, NULL, body);
  assert_error (again, 409, "conflict");

  unit = jb_test_request (fixture->server, "GET", unit_path, fixture->viewer, NULL, NULL);
  g_assert_cmpuint (unit->status, ==, 200);
  g_assert_cmpstr (jb_test_json_string (unit->body, "status"), ==, "assigned");
  g_assert_cmpstr (jb_test_json_string (unit->body, "incident_id"), ==, jb_test_json_string (incident, "id"));
}

static void
test_incident_lifecycle (Fixture       *fixture,
                         gconstpointer  user_data)
{
  const char *station_id = officer_station_id (fixture);
  g_autoptr(JsonNode) incident = create_incident (fixture, fixture->dispatcher, find_station (fixture, station_id, TRUE));
  const char *id = jb_test_json_string (incident, "id");
  const char *unit_id = available_unit (fixture, station_id, "officer", 0);
  g_autofree char *base = g_strdup_printf ("/api/v1/incidents/%s", id);
  g_autofree char *ack = g_strconcat (base, "/acknowledge", NULL);
  g_autofree char *assign = g_strconcat (base, "/assignments", NULL);
  g_autofree char *unassign = g_strdup_printf ("%s/assignments/%s", base, unit_id);
  g_autofree char *notes = g_strconcat (base, "/notes", NULL);
  g_autofree char *close = g_strconcat (base, "/close", NULL);
  g_autofree char *assign_body = g_strdup_printf ("{\"unit_id\": \"%s\"}", unit_id);
  g_autofree char *unit_path = g_strdup_printf ("/api/v1/units/%s", unit_id);
  g_autoptr(JbTestResponse) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL;
  g_autoptr(JbTestResponse) r6 = NULL, r7 = NULL, r8 = NULL, r9 = NULL, r10 = NULL;

  r1 = jb_test_request (fixture->server, "POST", ack, fixture->dispatcher, NULL, NULL);
  g_assert_cmpuint (r1->status, ==, 200);
  g_assert_cmpstr (jb_test_json_string (r1->body, "status"), ==, "acknowledged");
  g_assert_cmpstr (jb_test_json_string (r1->body, "acknowledged_by"), ==, "dispatcher");
  g_assert_cmpint (jb_test_json_int (r1->body, "acknowledged_at"), >=, jb_test_json_int (incident, "created_at"));

  r2 = jb_test_request (fixture->server, "POST", ack, fixture->dispatcher, NULL, "{}");
  assert_error (r2, 409, "conflict");

  r3 = jb_test_request (fixture->server, "POST", assign, fixture->dispatcher, NULL, assign_body);
  g_assert_cmpuint (r3->status, ==, 201);
  g_assert_cmpstr (jb_test_json_string (r3->body, "status"), ==, "dispatched");

  r4 = jb_test_request (fixture->server, "POST", notes, fixture->dispatcher, NULL, "{\"text\": \"双方已隔开\"}");
  g_assert_cmpuint (r4->status, ==, 201);
  g_assert_cmpstr (jb_test_json_string (r4->body, "notes.0.text"), ==, "双方已隔开");
  g_assert_cmpstr (jb_test_json_string (r4->body, "notes.0.by"), ==, "dispatcher");

  r5 = jb_test_request (fixture->server, "DELETE", unassign, fixture->dispatcher, NULL, NULL);
  g_assert_cmpuint (r5->status, ==, 200);
  g_assert_cmpstr (jb_test_json_string (r5->body, "assignments.0.state"), ==, "released");
  r6 = jb_test_request (fixture->server, "GET", unit_path, fixture->dispatcher, NULL, NULL);
  g_assert_cmpstr (jb_test_json_string (r6->body, "status"), ==, "available");

  r7 = jb_test_request (fixture->server, "POST", close, fixture->dispatcher, NULL, "{\"note\": \"no disposition\"}");
  g_assert_cmpuint (r7->status, ==, 400);

  r8 = jb_test_request (fixture->server, "POST", close, fixture->dispatcher, NULL,
                        "{\"disposition\": \"mediated\", \"note\": \"调解完毕\"}");
  g_assert_cmpuint (r8->status, ==, 200);
  g_assert_cmpstr (jb_test_json_string (r8->body, "status"), ==, "closed");
  g_assert_cmpstr (jb_test_json_string (r8->body, "disposition"), ==, "mediated");
  /* The timeline holds every transition in order. */
  g_assert_cmpstr (jb_test_json_string (r8->body, "timeline.0.status"), ==, "new");
  g_assert_cmpstr (jb_test_json_string (r8->body, "timeline.1.status"), ==, "acknowledged");
  g_assert_cmpstr (jb_test_json_string (r8->body, "timeline.2.status"), ==, "dispatched");

  r9 = jb_test_request (fixture->server, "POST", close, fixture->dispatcher, NULL, "{\"disposition\": \"mediated\"}");
  assert_error (r9, 409, "conflict");

  /* Closed incidents leave the snapshot but remain in the history. */
  r10 = jb_test_request (fixture->server, "GET", "/api/v1/incidents?status=closed&limit=10",
                         fixture->viewer, NULL, NULL);
  g_assert_cmpuint (r10->status, ==, 200);
  g_assert_cmpstr (jb_test_json_string (r10->body, "items.0.id"), ==, id);
}

/* TRUE when @id is among the items of @array_path in @body. */
static gboolean
lists_incident (JsonNode   *body,
                const char *array_path,
                const char *id)
{
  JsonArray *items = json_node_get_array (jb_test_json_get (body, array_path));

  for (guint i = 0; i < json_array_get_length (items); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (items, i), "id"), id) == 0)
      return TRUE;
  return FALSE;
}

/* The one rule (jb-enums.h, protocol.md "Incident") wherever the server
 * applies it: a resolved incident is open (snapshot, status=open) but no
 * longer active (assign, resolve, call out: 409); a closed one is neither,
 * and closing, notes and clips stop there too. */
static void
test_open_and_active (Fixture       *fixture,
                      gconstpointer  user_data)
{
  const char *station_id = officer_station_id (fixture);
  g_autoptr(JsonNode) incident = create_incident (fixture, fixture->dispatcher, find_station (fixture, station_id, TRUE));
  const char *id = jb_test_json_string (incident, "id");
  g_autofree char *base = g_strdup_printf ("/api/v1/incidents/%s", id);
  g_autofree char *assign = g_strconcat (base, "/assignments", NULL);
  g_autofree char *resolve = g_strconcat (base, "/resolve", NULL);
  g_autofree char *close = g_strconcat (base, "/close", NULL);
  g_autofree char *callouts = g_strconcat (base, "/callouts", NULL);
  g_autofree char *assign_body = g_strdup_printf ("{\"unit_id\": \"%s\"}",
                                                  available_unit (fixture, station_id, "officer", 0));
  const char *callout_body = "{\"radius_m\": 300, \"message\": \"附近义警请到场\"}";
  g_autoptr(JbTestResponse) resolved = NULL, snapshot = NULL, open_list = NULL, assigned = NULL;
  g_autoptr(JbTestResponse) resolved_again = NULL, called = NULL, closed = NULL, closed_again = NULL;
  g_autoptr(JbTestResponse) snapshot_after = NULL, open_after = NULL, closed_list = NULL;

  resolved = jb_test_request (fixture->server, "POST", resolve, fixture->dispatcher, NULL,
                              "{\"disposition\": \"mediated\"}");
  g_assert_cmpuint (resolved->status, ==, 200);
  g_assert_cmpstr (jb_test_json_string (resolved->body, "status"), ==, "resolved");

  /* Resolved: still open. */
  snapshot = jb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->viewer, NULL, NULL);
  g_assert_cmpuint (snapshot->status, ==, 200);
  g_assert_true (lists_incident (snapshot->body, "incidents", id));
  open_list = jb_test_request (fixture->server, "GET", "/api/v1/incidents?status=open", fixture->viewer, NULL, NULL);
  g_assert_cmpuint (open_list->status, ==, 200);
  g_assert_true (lists_incident (open_list->body, "items", id));

  /* … but no longer active. */
  assigned = jb_test_request (fixture->server, "POST", assign, fixture->dispatcher, NULL, assign_body);
  assert_error (assigned, 409, "conflict");
  resolved_again = jb_test_request (fixture->server, "POST", resolve, fixture->dispatcher, NULL,
                                    "{\"disposition\": \"mediated\"}");
  assert_error (resolved_again, 409, "conflict");
  called = jb_test_request (fixture->server, "POST", callouts, fixture->dispatcher, NULL, callout_body);
  assert_error (called, 409, "conflict");

  /* Closing needs no disposition now; then it is neither. */
  closed = jb_test_request (fixture->server, "POST", close, fixture->dispatcher, NULL, "{}");
  g_assert_cmpuint (closed->status, ==, 200);
  g_assert_cmpstr (jb_test_json_string (closed->body, "status"), ==, "closed");
  closed_again = jb_test_request (fixture->server, "POST", close, fixture->dispatcher, NULL, "{}");
  assert_error (closed_again, 409, "conflict");

  snapshot_after = jb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->viewer, NULL, NULL);
  g_assert_false (lists_incident (snapshot_after->body, "incidents", id));
  open_after = jb_test_request (fixture->server, "GET", "/api/v1/incidents?status=open", fixture->viewer, NULL, NULL);
  g_assert_false (lists_incident (open_after->body, "items", id));
  closed_list = jb_test_request (fixture->server, "GET", "/api/v1/incidents?status=closed", fixture->viewer, NULL, NULL);
  g_assert_true (lists_incident (closed_list->body, "items", id));
}

static void
test_roles (Fixture       *fixture,
            gconstpointer  user_data)
{
  const char *own_id = officer_station_id (fixture);
  JsonObject *own = find_station (fixture, own_id, TRUE);
  JsonObject *other = find_station (fixture, own_id, FALSE);
  g_autofree char *own_body = incident_body_at (own, "dispute", 3);
  g_autofree char *other_body = incident_body_at (other, "dispute", 3);
  g_autoptr(JbTestResponse) viewer_create = NULL;
  g_autoptr(JbTestResponse) officer_own = NULL;
  g_autoptr(JbTestResponse) officer_other = NULL;
  g_autoptr(JbTestResponse) officer_ack_other = NULL;
  g_autoptr(JbTestResponse) viewer_reads = NULL;
  g_autoptr(JsonNode) foreign = NULL;
  g_autofree char *ack_path = NULL;

  viewer_create = jb_test_request (fixture->server, "POST", "/api/v1/incidents", fixture->viewer, NULL, own_body);
  assert_error (viewer_create, 403, "forbidden");
  viewer_reads = jb_test_request (fixture->server, "GET", "/api/v1/incidents", fixture->viewer, NULL, NULL);
  g_assert_cmpuint (viewer_reads->status, ==, 200);

  officer_own = jb_test_request (fixture->server, "POST", "/api/v1/incidents", fixture->officer, NULL, own_body);
  g_assert_cmpuint (officer_own->status, ==, 201);
  g_assert_cmpstr (jb_test_json_string (officer_own->body, "station_id"), ==, own_id);

  officer_other = jb_test_request (fixture->server, "POST", "/api/v1/incidents", fixture->officer, NULL, other_body);
  assert_error (officer_other, 403, "forbidden");

  foreign = create_incident (fixture, fixture->dispatcher, other);
  ack_path = g_strdup_printf ("/api/v1/incidents/%s/acknowledge", jb_test_json_string (foreign, "id"));
  officer_ack_other = jb_test_request (fixture->server, "POST", ack_path, fixture->officer, NULL, NULL);
  assert_error (officer_ack_other, 403, "forbidden");
}

static void
test_bad_input (Fixture       *fixture,
                gconstpointer  user_data)
{
  struct { const char *body; guint status; const char *code; } cases[] = {
    { "{not json", 400, "malformed_json" },
    { "[1, 2]", 400, "not_an_object" },
    { "", 400, "malformed_json" },
    { "{\"type\": \"fight\", \"priority\": 2}", 400, "missing_field" },
    { "{\"type\": \"fight\", \"priority\": 2, \"location\": {\"lat\": 28.2, \"lon\": 112.9}, \"colour\": \"red\"}", 400, "unknown_field" },
    { "{\"type\": \"explosion?\", \"priority\": 2, \"location\": {\"lat\": 28.2, \"lon\": 112.9}}", 400, "invalid_value" },
    { "{\"type\": \"fight\", \"priority\": \"high\", \"location\": {\"lat\": 28.2, \"lon\": 112.9}}", 400, "invalid_type" },
    { "{\"type\": \"fight\", \"priority\": 2, \"location\": {\"lat\": 91.0, \"lon\": 112.9}}", 400, "out_of_range" },
    { "{\"type\": \"fight\", \"priority\": 2, \"location\": {\"lat\": 28.2, \"lon\": -181}}", 400, "out_of_range" },
  };
  g_autoptr(JbTestResponse) priority = NULL;
  g_autoptr(JbTestResponse) huge = NULL;
  g_autoptr(JbTestResponse) missing = NULL;
  g_autoptr(JbTestResponse) login = NULL;
  g_autoptr(JbTestResponse) health = NULL;
  g_autoptr(JbTestResponse) after = NULL;
  g_autoptr(GString) big = g_string_new ("{\"type\": \"fight\", \"priority\": 2, \"location\": {\"lat\": 28.2, \"lon\": 112.9}, \"description\": \"");
  g_autoptr(JbTestResponse) before = NULL;
  const char *code;

  before = jb_test_request (fixture->server, "GET", "/api/v1/incidents?status=all&limit=500", fixture->dispatcher, NULL, NULL);
  g_assert_cmpuint (before->status, ==, 200);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JbTestResponse) response = jb_test_request (fixture->server, "POST", "/api/v1/incidents",
                                                            fixture->dispatcher, NULL, cases[i].body);
      g_test_message ("case %u: %s", i, cases[i].body);
      assert_error (response, cases[i].status, cases[i].code);
    }

  priority = jb_test_request (fixture->server, "POST", "/api/v1/incidents", fixture->dispatcher, NULL,
                              "{\"type\": \"fight\", \"priority\": 9, \"location\": {\"lat\": 28.2, \"lon\": 112.9}}");
  g_assert_cmpuint (priority->status, ==, 400);
  code = jb_test_json_string (priority->body, "error.code");
  g_assert_true (g_strcmp0 (code, "out_of_range") == 0 || g_strcmp0 (code, "invalid_value") == 0);

  /* Over the 64 KiB limit: refused whole with 413. */
  while (big->len < 80 * 1024)
    g_string_append (big, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  g_string_append (big, "\"}");
  huge = jb_test_request (fixture->server, "POST", "/api/v1/incidents", fixture->dispatcher, NULL, big->str);
  assert_error (huge, 413, "payload_too_large");

  missing = jb_test_request (fixture->server, "GET", "/api/v1/incidents/inc-does-not-exist",
                             fixture->dispatcher, NULL, NULL);
  assert_error (missing, 404, "not_found");
  login = jb_test_request (fixture->server, "POST", "/api/v1/session", NULL, NULL, "{\"username\": 5}");
  g_assert_cmpuint (login->status, ==, 400);

  /* And the server is still there, with nothing created by any of it. */
  health = jb_test_request (fixture->server, "GET", "/api/v1/health", NULL, NULL, NULL);
  g_assert_cmpuint (health->status, ==, 200);
  g_assert_cmpstr (jb_test_json_string (health->body, "status"), ==, "ok");
  after = jb_test_request (fixture->server, "GET", "/api/v1/incidents?status=all&limit=500", fixture->dispatcher, NULL, NULL);
  g_assert_cmpuint (after->status, ==, 200);
  g_assert_cmpstr (after->text, ==, before->text);
}

static void
test_websocket_auth (Fixture       *fixture,
                     gconstpointer  user_data)
{
  guint status = 0;
  JbTestEvents *refused = jb_test_events_connect (fixture->server, NULL, 0, &status);

  g_assert_null (refused);
  g_assert_cmpuint (status, ==, 401);
  refused = jb_test_events_connect (fixture->server, "Bearer nope", 0, &status);
  g_assert_null (refused);
  g_assert_cmpuint (status, ==, 401);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/server/api/session", test_session);
  g_test_add ("/server/api/snapshot", Fixture, full_city, fixture_set_up, test_snapshot, fixture_tear_down);
  ADD ("/server/api/create-streams-event", test_create_streams_event);
  ADD ("/server/api/replay-since", test_replay_since);
  ADD ("/server/api/idempotent-assignment", test_idempotent_assignment);
  ADD ("/server/api/incident-lifecycle", test_incident_lifecycle);
  ADD ("/server/api/open-and-active", test_open_and_active);
  ADD ("/server/api/roles", test_roles);
  ADD ("/server/api/bad-input", test_bad_input);
  ADD ("/server/api/websocket-auth", test_websocket_auth);
#undef ADD

  return g_test_run ();
}
