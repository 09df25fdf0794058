/* test-core-codec.c — the models' JSON codecs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "jb-core.h"
#include "jb-unit-private.h"

#define UNIT_JSON \
  "{\"id\": \"u-00042\", \"kind\": \"guard\", \"callsign\": \"保-QST-042\", \"name\": \"张建军\"," \
  " \"org_id\": \"org-huaan\", \"org_name\": \"湖南华安保安服务有限公司\", \"station_id\": \"st-qingshuitang\"," \
  " \"status\": \"available\", \"terminal_id\": \"t-bc-0042\", \"incident_id\": null, \"phone\": \"13800000042\"," \
  " \"position\": {\"lat\": 28.2231, \"lon\": 112.9873, \"heading\": 270.0, \"speed\": 1.4, \"accuracy\": 8.0," \
  " \"time\": 1795400000000}, \"updated_at\": 1795400000001}"

#define TERMINAL_JSON \
  "{\"id\": \"t-ab-0007\", \"kind\": \"alarm_button\", \"name\": \"星光KTV 一键报警\"," \
  " \"venue\": {\"name\": \"星光KTV\", \"kind\": \"ktv\", \"address\": \"开福区芙蓉中路1号\", \"contact\": \"李经理\"," \
  " \"phone\": \"0731-80000007\"}, \"station_id\": \"st-qingshuitang\", \"unit_id\": null," \
  " \"location\": {\"lat\": 28.2, \"lon\": 112.98}, \"online\": true, \"last_seen_at\": 1795400000000," \
  " \"heartbeat_interval_s\": 60}"

#define INCIDENT_JSON \
  "{\"id\": \"inc-000123\", \"number\": \"KF-20261123-0042\", \"type\": \"fight\", \"priority\": 2," \
  " \"status\": \"dispatched\", \"source\": \"terminal\", \"terminal_id\": \"t-ab-0007\"," \
  " \"reported_by\": \"星光KTV 一键报警\", \"location\": {\"lat\": 28.2, \"lon\": 112.98}," \
  " \"address\": \"开福区芙蓉中路1号\", \"venue\": {\"name\": \"星光KTV\", \"kind\": \"ktv\"}," \
  " \"station_id\": \"st-qingshuitang\", \"description\": \"Two groups fighting\"," \
  " \"created_at\": 1795400000000, \"acknowledged_at\": 1795400010000, \"dispatched_at\": 1795400020000," \
  " \"on_scene_at\": null, \"resolved_at\": null, \"closed_at\": null," \
  " \"first_guard_on_scene_at\": null, \"first_police_on_scene_at\": null," \
  " \"acknowledged_by\": \"dispatcher\"," \
  " \"assignments\": [{\"unit_id\": \"u-00042\", \"state\": \"en_route\", \"assigned_at\": 1795400020000," \
  "   \"accepted_at\": 1795400025000, \"en_route_at\": 1795400026000, \"on_scene_at\": null," \
  "   \"released_at\": null, \"assigned_by\": \"dispatcher\"}]," \
  " \"procedure\": [{\"unit_id\": \"u-00042\", \"step\": \"separate\", \"at\": 1795400030000}]," \
  " \"notes\": [{\"at\": 1795400015000, \"by\": \"dispatcher\", \"text\": \"Caller says 5 people\"}]," \
  " \"timeline\": [{\"time\": 1795400000000, \"status\": \"new\", \"by\": \"t-ab-0007\"}," \
  "   {\"time\": 1795400010000, \"status\": \"acknowledged\", \"by\": \"dispatcher\"}," \
  "   {\"time\": 1795400020000, \"status\": \"dispatched\", \"by\": \"dispatcher\"}]," \
  " \"disposition\": null, \"updated_at\": 1795400030000}"

/* A square with a square hole, plus a second square (MultiPolygon). */
#define STATION_JSON \
  "{\"id\": \"st-qingshuitang\", \"name\": \"清水塘派出所\", \"short_name\": \"清水塘\", \"code\": \"QST\"," \
  " \"address\": \"开福区清水塘路1号\", \"phone\": \"0731-84000000\"," \
  " \"location\": {\"lat\": 28.21, \"lon\": 112.98}," \
  " \"jurisdiction\": {\"type\": \"MultiPolygon\", \"coordinates\": [" \
  "   [[[112.90, 28.10], [113.00, 28.10], [113.00, 28.20], [112.90, 28.20], [112.90, 28.10]]," \
  "    [[112.94, 28.14], [112.96, 28.14], [112.96, 28.16], [112.94, 28.16], [112.94, 28.14]]]," \
  "   [[[113.10, 28.10], [113.20, 28.10], [113.20, 28.20], [113.10, 28.20], [113.10, 28.10]]]]}," \
  " \"roster\": {\"date\": \"2026-11-23\", \"leader\": {\"name\": \"谢阳\", \"phone\": \"139\", \"rank\": \"所长\"}," \
  "   \"officers\": [{\"name\": \"王\", \"phone\": \"138\", \"unit_id\": \"u-00001\"}], \"phone\": \"0731\"}}"

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

/* Parses @json, replaces member @member of its root (a JSON fragment, or
 * NULL to remove it) and returns the node. @member may be "a.b". */
static JsonNode *
parse_with (const char *json,
            const char *member,
            const char *value)
{
  JsonNode *node = parse (json);
  JsonObject *object = json_node_get_object (node);
  g_auto(GStrv) parts = g_strsplit (member, ".", -1);
  guint n = g_strv_length (parts);

  for (guint i = 0; i + 1 < n; i++)
    object = json_object_get_object_member (object, parts[i]);

  if (value == NULL)
    json_object_remove_member (object, parts[n - 1]);
  else
    json_object_set_member (object, parts[n - 1], parse (value));

  return node;
}

/* from_json → to_json → from_json → to_json: the two JSON forms equal. */
typedef gpointer  (*NewFunc)    (JsonNode *node, GError **error);
typedef JsonNode *(*ToJsonFunc) (gpointer self);

static gpointer
round_trip (const char *json,
            NewFunc     new_from_json,
            ToJsonFunc  to_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse (json);
  g_autoptr(GObject) first = new_from_json (node, &error);
  g_autoptr(JsonNode) first_json = NULL;
  g_autoptr(GObject) second = NULL;
  g_autoptr(JsonNode) second_json = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (first);

  first_json = to_json (first);
  second = new_from_json (first_json, &error);
  g_assert_no_error (error);
  second_json = to_json (second);

  g_assert_true (json_node_equal (first_json, second_json));
  return g_steal_pointer (&second);
}

static void
assert_rejected (const char  *json,
                 const char  *member,
                 const char  *value,
                 NewFunc      new_from_json,
                 JbErrorCode  code,
                 const char  *expect_in_message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse_with (json, member, value);
  g_autoptr(GObject) object = new_from_json (node, &error);

  g_assert_null (object);
  g_assert_error (error, JB_ERROR, (int) code);
  if (expect_in_message != NULL && strstr (error->message, expect_in_message) == NULL)
    g_error ("\"%s\" not in the message \"%s\"", expect_in_message, error->message);
}

static void
test_unit_round_trip (void)
{
  g_autoptr(JbUnit) unit = round_trip (UNIT_JSON, (NewFunc) jb_unit_new_from_json,
                                       (ToJsonFunc) jb_unit_to_json);
  JbPosition pos;

  g_assert_cmpstr (jb_unit_get_id (unit), ==, "u-00042");
  g_assert_cmpint (jb_unit_get_kind (unit), ==, JB_UNIT_KIND_GUARD);
  g_assert_cmpint (jb_unit_get_status (unit), ==, JB_UNIT_STATUS_AVAILABLE);
  g_assert_cmpstr (jb_unit_get_callsign (unit), ==, "保-QST-042");
  g_assert_cmpstr (jb_unit_get_org_name (unit), ==, "湖南华安保安服务有限公司");
  g_assert_cmpstr (jb_unit_get_terminal_id (unit), ==, "t-bc-0042");
  g_assert_null (jb_unit_get_incident_id (unit));
  g_assert_cmpint (jb_unit_get_updated_at (unit), ==, 1795400000001);
  g_assert_true (jb_unit_get_position (unit, &pos));
  g_assert_cmpfloat (pos.lat, ==, 28.2231);
  g_assert_cmpfloat (pos.lon, ==, 112.9873);
  g_assert_cmpfloat (pos.heading, ==, 270.0);
  g_assert_cmpint (pos.time, ==, 1795400000000);
}

static void
test_unit_no_position (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse_with (UNIT_JSON, "position", "null");
  g_autoptr(JbUnit) unit = jb_unit_new_from_json (node, &error);
  g_autoptr(JsonNode) nulls = parse_with (UNIT_JSON, "position",
                                          "{\"lat\": 1, \"lon\": 2, \"heading\": null, \"speed\": null,"
                                          " \"accuracy\": null, \"time\": 5}");
  g_autoptr(JbUnit) unit2 = jb_unit_new_from_json (nulls, &error);
  JbPosition pos;

  g_assert_no_error (error);
  g_assert_false (jb_unit_get_position (unit, &pos));
  g_assert_true (jb_unit_get_position (unit2, &pos));
  g_assert_cmpfloat (pos.lat, ==, 1.0);
  g_assert_true (isnan (pos.heading));
  g_assert_true (isnan (pos.speed));
  g_assert_true (isnan (pos.accuracy));
}

static void
test_unit_reject (void)
{
  NewFunc fn = (NewFunc) jb_unit_new_from_json;

  assert_rejected (UNIT_JSON, "id", NULL, fn, JB_ERROR_MISSING_FIELD, "\"id\"");
  assert_rejected (UNIT_JSON, "id", "42", fn, JB_ERROR_INVALID_TYPE, "\"id\"");
  assert_rejected (UNIT_JSON, "callsign", "[]", fn, JB_ERROR_INVALID_TYPE, "\"callsign\"");
  assert_rejected (UNIT_JSON, "kind", "\"dragon\"", fn, JB_ERROR_INVALID_VALUE, "\"kind\"");
  assert_rejected (UNIT_JSON, "status", "\"asleep\"", fn, JB_ERROR_INVALID_VALUE, "\"status\"");
  assert_rejected (UNIT_JSON, "position.lat", "91.0", fn, JB_ERROR_OUT_OF_RANGE, NULL);
  assert_rejected (UNIT_JSON, "position.lon", "-180.5", fn, JB_ERROR_OUT_OF_RANGE, NULL);
  assert_rejected (UNIT_JSON, "position.heading", "360", fn, JB_ERROR_OUT_OF_RANGE, "heading");
  assert_rejected (UNIT_JSON, "position.speed", "-1", fn, JB_ERROR_OUT_OF_RANGE, "speed");
  assert_rejected (UNIT_JSON, "position.time", "\"now\"", fn, JB_ERROR_INVALID_TYPE, "\"time\"");
  assert_rejected (UNIT_JSON, "updated_at", "1.5", fn, JB_ERROR_INVALID_TYPE, "\"updated_at\"");

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) array = parse ("[1, 2]");
    g_autoptr(JbUnit) unit = jb_unit_new_from_json (array, &error);

    g_assert_null (unit);
    g_assert_error (error, JB_ERROR, JB_ERROR_NOT_AN_OBJECT);
  }
}

static void
test_unit_unknown_members_tolerated (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse_with (UNIT_JSON, "rank", "\"二级警司\"");
  g_autoptr(JbUnit) unit = jb_unit_new_from_json (node, &error);

  g_assert_no_error (error);
  g_assert_nonnull (unit);
}

static void
notify_count_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  GPtrArray *names = user_data;

  g_ptr_array_add (names, g_strdup (pspec->name));
}

static void
test_unit_update_notifies (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse (UNIT_JSON);
  g_autoptr(JbUnit) unit = jb_unit_new_from_json (node, &error);
  g_autoptr(JsonNode) update = parse_with (UNIT_JSON, "status", "\"en_route\"");
  g_autoptr(JsonNode) other = parse_with (UNIT_JSON, "id", "\"u-99999\"");
  g_autoptr(JsonNode) bad = parse_with (UNIT_JSON, "status", "\"flying\"");
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_signal_connect (unit, "notify", G_CALLBACK (notify_count_cb), names);

  g_assert_true (_jb_unit_update_from_json (unit, update, &error));
  g_assert_no_error (error);
  g_assert_cmpint (jb_unit_get_status (unit), ==, JB_UNIT_STATUS_EN_ROUTE);
  g_assert_cmpuint (names->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "status");

  /* A bad update changes nothing. */
  g_assert_false (_jb_unit_update_from_json (unit, bad, &error));
  g_assert_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  g_assert_cmpint (jb_unit_get_status (unit), ==, JB_UNIT_STATUS_EN_ROUTE);

  /* Nor does another unit's object. */
  g_assert_false (_jb_unit_update_from_json (unit, other, &error));
  g_assert_nonnull (error);
  g_assert_cmpstr (jb_unit_get_id (unit), ==, "u-00042");
  g_assert_cmpuint (names->len, ==, 1);
}

static void
test_terminal_round_trip (void)
{
  g_autoptr(JbTerminal) terminal = round_trip (TERMINAL_JSON, (NewFunc) jb_terminal_new_from_json,
                                               (ToJsonFunc) jb_terminal_to_json);
  double lat, lon;

  g_assert_cmpstr (jb_terminal_get_id (terminal), ==, "t-ab-0007");
  g_assert_cmpint (jb_terminal_get_kind (terminal), ==, JB_TERMINAL_KIND_ALARM_BUTTON);
  g_assert_true (jb_terminal_has_venue (terminal));
  g_assert_cmpstr (jb_terminal_get_venue_name (terminal), ==, "星光KTV");
  g_assert_cmpint (jb_terminal_get_venue_kind (terminal), ==, JB_VENUE_KIND_KTV);
  g_assert_cmpstr (jb_terminal_get_venue_contact (terminal), ==, "李经理");
  g_assert_null (jb_terminal_get_unit_id (terminal));
  g_assert_true (jb_terminal_get_location (terminal, &lat, &lon));
  g_assert_cmpfloat (lat, ==, 28.2);
  g_assert_cmpfloat (lon, ==, 112.98);
  g_assert_true (jb_terminal_get_online (terminal));
  g_assert_cmpuint (jb_terminal_get_heartbeat_interval_s (terminal), ==, 60);
  g_assert_false (jb_terminal_get_gateway (terminal));
}

static void
test_terminal_mobile (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse ("{\"id\": \"t-bc-0042\", \"kind\": \"body_camera\", \"name\": \"BC 42\","
                                    " \"venue\": null, \"station_id\": \"st-x\", \"unit_id\": \"u-00042\","
                                    " \"location\": null, \"online\": false, \"last_seen_at\": null,"
                                    " \"heartbeat_interval_s\": 30, \"gateway\": true}");
  g_autoptr(JbTerminal) terminal = jb_terminal_new_from_json (node, &error);

  g_assert_no_error (error);
  g_assert_false (jb_terminal_has_venue (terminal));
  g_assert_null (jb_terminal_get_venue_name (terminal));
  g_assert_false (jb_terminal_get_location (terminal, NULL, NULL));
  g_assert_cmpstr (jb_terminal_get_unit_id (terminal), ==, "u-00042");
  g_assert_cmpint (jb_terminal_get_last_seen_at (terminal), ==, 0);
  g_assert_true (jb_terminal_get_gateway (terminal));
}

static void
test_terminal_reject (void)
{
  NewFunc fn = (NewFunc) jb_terminal_new_from_json;

  assert_rejected (TERMINAL_JSON, "id", NULL, fn, JB_ERROR_MISSING_FIELD, "\"id\"");
  assert_rejected (TERMINAL_JSON, "online", "\"yes\"", fn, JB_ERROR_INVALID_TYPE, "\"online\"");
  assert_rejected (TERMINAL_JSON, "kind", "\"pager\"", fn, JB_ERROR_INVALID_VALUE, "\"kind\"");
  assert_rejected (TERMINAL_JSON, "venue.kind", "\"castle\"", fn, JB_ERROR_INVALID_VALUE, "\"kind\"");
  assert_rejected (TERMINAL_JSON, "location.lat", "-95", fn, JB_ERROR_OUT_OF_RANGE, NULL);
  assert_rejected (TERMINAL_JSON, "location", "\"here\"", fn, JB_ERROR_INVALID_TYPE, "\"location\"");
}

static void
test_incident_round_trip (void)
{
  g_autoptr(JbIncident) incident = round_trip (INCIDENT_JSON, (NewFunc) jb_incident_new_from_json,
                                               (ToJsonFunc) jb_incident_to_json);
  const JbAssignment *a;
  const JbProcedureEntry *p;
  const JbNote *n;
  const JbTimelineEntry *t;
  double lat, lon;

  g_assert_cmpstr (jb_incident_get_id (incident), ==, "inc-000123");
  g_assert_cmpstr (jb_incident_get_number (incident), ==, "KF-20261123-0042");
  g_assert_cmpint (jb_incident_get_incident_type (incident), ==, JB_INCIDENT_TYPE_FIGHT);
  g_assert_cmpuint (jb_incident_get_priority (incident), ==, 2);
  g_assert_cmpint (jb_incident_get_status (incident), ==, JB_INCIDENT_STATUS_DISPATCHED);
  g_assert_true (jb_incident_is_open (incident));
  g_assert_cmpint (jb_incident_get_source (incident), ==, JB_INCIDENT_SOURCE_TERMINAL);
  g_assert_true (jb_incident_get_location (incident, &lat, &lon));
  g_assert_cmpfloat (lat, ==, 28.2);
  g_assert_cmpstr (jb_incident_get_venue_name (incident), ==, "星光KTV");
  g_assert_cmpint (jb_incident_get_acknowledged_at (incident), ==, 1795400010000);
  g_assert_cmpint (jb_incident_get_on_scene_at (incident), ==, 0);
  g_assert_cmpint (jb_incident_get_disposition (incident), ==, -1);

  g_assert_cmpuint (jb_incident_get_n_assignments (incident), ==, 1);
  a = jb_incident_get_assignment (incident, 0);
  g_assert_cmpstr (a->unit_id, ==, "u-00042");
  g_assert_cmpint (a->state, ==, JB_ASSIGNMENT_STATE_EN_ROUTE);
  g_assert_cmpint (a->en_route_at, ==, 1795400026000);
  g_assert_cmpint (a->on_scene_at, ==, 0);
  g_assert_true (jb_incident_find_assignment (incident, "u-00042") == a);
  g_assert_null (jb_incident_find_assignment (incident, "u-1"));

  g_assert_cmpuint (jb_incident_get_n_procedure_steps (incident), ==, 1);
  p = jb_incident_get_procedure_step (incident, 0);
  g_assert_cmpint (p->step, ==, JB_PROCEDURE_STEP_SEPARATE);

  g_assert_cmpuint (jb_incident_get_n_notes (incident), ==, 1);
  n = jb_incident_get_note (incident, 0);
  g_assert_cmpstr (n->text, ==, "Caller says 5 people");

  g_assert_cmpuint (jb_incident_get_n_timeline_entries (incident), ==, 3);
  t = jb_incident_get_timeline_entry (incident, 2);
  g_assert_cmpint (t->status, ==, JB_INCIDENT_STATUS_DISPATCHED);
  g_assert_cmpstr (t->by, ==, "dispatcher");
}

static void
test_incident_closed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse_with (INCIDENT_JSON, "status", "\"closed\"");
  g_autoptr(JbIncident) incident = NULL;

  json_object_set_string_member (json_node_get_object (node), "disposition", "mediated");
  incident = jb_incident_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_false (jb_incident_is_open (incident));
  g_assert_cmpint (jb_incident_get_disposition (incident), ==, JB_DISPOSITION_MEDIATED);
}

static void
test_incident_procedure_by_guard (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse_with (INCIDENT_JSON, "procedure",
                                         "[{\"unit_id\": \"u-2\", \"step\": \"separate\", \"at\": 1000},"
                                         " {\"unit_id\": \"u-1\", \"step\": \"separate\", \"at\": 2000},"
                                         " {\"unit_id\": \"u-2\", \"step\": \"calm\", \"at\": 3000},"
                                         " {\"unit_id\": \"u-2\", \"step\": \"mediate\", \"at\": 4000},"
                                         " {\"unit_id\": \"u-1\", \"step\": \"wait_for_police\", \"at\": 5000}]");
  g_autoptr(JbIncident) incident = jb_incident_new_from_json (node, &error);
  g_autoptr(GPtrArray) guards = NULL;
  g_autoptr(JbIncident) quiet = NULL;
  g_autoptr(JsonNode) quiet_node = parse_with (INCIDENT_JSON, "procedure", "[]");
  const JbProcedureProgress *first, *second;

  g_assert_no_error (error);
  guards = jb_incident_group_procedure (incident);

  /* One per guard, in the order of their first reports. */
  g_assert_cmpuint (guards->len, ==, 2);
  first = g_ptr_array_index (guards, 0);
  second = g_ptr_array_index (guards, 1);
  g_assert_cmpstr (first->unit_id, ==, "u-2");
  g_assert_cmpstr (second->unit_id, ==, "u-1");

  /* Every step in the order reported; a step reported after a later one
   * does not take the guard back. */
  g_assert_cmpuint (first->entries->len, ==, 3);
  g_assert_cmpint (((const JbProcedureEntry *) g_ptr_array_index (first->entries, 0))->at, ==, 1000);
  g_assert_cmpint (((const JbProcedureEntry *) g_ptr_array_index (first->entries, 1))->step, ==,
                   JB_PROCEDURE_STEP_CALM);
  g_assert_cmpint (((const JbProcedureEntry *) g_ptr_array_index (first->entries, 2))->step, ==,
                   JB_PROCEDURE_STEP_MEDIATE);
  g_assert_cmpint (first->reached, ==, JB_PROCEDURE_STEP_CALM);

  /* A guard may skip steps. */
  g_assert_cmpuint (second->entries->len, ==, 2);
  g_assert_cmpint (second->reached, ==, JB_PROCEDURE_STEP_WAIT_FOR_POLICE);

  /* Nobody reported: nothing to group. */
  quiet = jb_incident_new_from_json (quiet_node, &error);
  g_assert_no_error (error);
  g_clear_pointer (&guards, g_ptr_array_unref);
  guards = jb_incident_group_procedure (quiet);
  g_assert_cmpuint (guards->len, ==, 0);
}

static void
test_incident_reject (void)
{
  NewFunc fn = (NewFunc) jb_incident_new_from_json;

  assert_rejected (INCIDENT_JSON, "id", NULL, fn, JB_ERROR_MISSING_FIELD, "\"id\"");
  assert_rejected (INCIDENT_JSON, "location", NULL, fn, JB_ERROR_MISSING_FIELD, "\"location\"");
  assert_rejected (INCIDENT_JSON, "priority", "0", fn, JB_ERROR_OUT_OF_RANGE, "\"priority\"");
  assert_rejected (INCIDENT_JSON, "priority", "5", fn, JB_ERROR_OUT_OF_RANGE, "\"priority\"");
  assert_rejected (INCIDENT_JSON, "priority", "\"high\"", fn, JB_ERROR_INVALID_TYPE, "\"priority\"");
  assert_rejected (INCIDENT_JSON, "type", "\"alien\"", fn, JB_ERROR_INVALID_VALUE, "\"type\"");
  assert_rejected (INCIDENT_JSON, "status", "\"lost\"", fn, JB_ERROR_INVALID_VALUE, "\"status\"");
  assert_rejected (INCIDENT_JSON, "disposition", "\"shrug\"", fn, JB_ERROR_INVALID_VALUE, "\"disposition\"");
  assert_rejected (INCIDENT_JSON, "location.lat", "128.2", fn, JB_ERROR_OUT_OF_RANGE, NULL);
  assert_rejected (INCIDENT_JSON, "location.lon", "\"east\"", fn, JB_ERROR_INVALID_TYPE, "\"lon\"");
  assert_rejected (INCIDENT_JSON, "assignments", "[{\"unit_id\": \"u-1\", \"state\": \"napping\"}]",
                   fn, JB_ERROR_INVALID_VALUE, "\"state\"");
  assert_rejected (INCIDENT_JSON, "assignments", "[42]", fn, JB_ERROR_INVALID_TYPE, "assignments[0]");
  assert_rejected (INCIDENT_JSON, "procedure", "[{\"unit_id\": \"u-1\", \"step\": \"shout\", \"at\": 1}]",
                   fn, JB_ERROR_INVALID_VALUE, "\"step\"");
  assert_rejected (INCIDENT_JSON, "notes", "[{\"at\": 1, \"by\": \"x\"}]", fn, JB_ERROR_MISSING_FIELD, "\"text\"");
  assert_rejected (INCIDENT_JSON, "timeline", "{}", fn, JB_ERROR_INVALID_TYPE, "\"timeline\"");
  assert_rejected (INCIDENT_JSON, "created_at", "-5", fn, JB_ERROR_OUT_OF_RANGE, "\"created_at\"");
}

static void
test_station_round_trip (void)
{
  g_autoptr(JbStation) station = round_trip (STATION_JSON, (NewFunc) jb_station_new_from_json,
                                             (ToJsonFunc) jb_station_to_json);
  const double *ring;
  guint n_points;
  double min_lat, min_lon, max_lat, max_lon;
  JbRoster *roster;
  const JbRosterPerson *person;

  g_assert_cmpstr (jb_station_get_id (station), ==, "st-qingshuitang");
  g_assert_cmpstr (jb_station_get_short_name (station), ==, "清水塘");
  g_assert_cmpstr (jb_station_get_code (station), ==, "QST");

  g_assert_cmpuint (jb_station_get_n_rings (station), ==, 3);
  ring = jb_station_get_ring (station, 0, &n_points);
  g_assert_cmpuint (n_points, ==, 5);
  /* (lat, lon) pairs, from GeoJSON's [lon, lat]. */
  g_assert_cmpfloat (ring[0], ==, 28.10);
  g_assert_cmpfloat (ring[1], ==, 112.90);
  g_assert_false (jb_station_ring_is_hole (station, 0));
  g_assert_true (jb_station_ring_is_hole (station, 1));
  g_assert_false (jb_station_ring_is_hole (station, 2));

  g_assert_true (jb_station_get_bounds (station, &min_lat, &min_lon, &max_lat, &max_lon));
  g_assert_cmpfloat (min_lat, ==, 28.10);
  g_assert_cmpfloat (max_lon, ==, 113.20);

  g_assert_true (jb_station_contains (station, 28.12, 112.92));   /* outer, not hole */
  g_assert_false (jb_station_contains (station, 28.15, 112.95));  /* in the hole */
  g_assert_true (jb_station_contains (station, 28.15, 113.15));   /* second polygon */
  g_assert_false (jb_station_contains (station, 28.15, 113.05));  /* between them */
  g_assert_false (jb_station_contains (station, 30.0, 112.95));

  /* The roster, typed, through the round trip. */
  roster = jb_station_get_roster (station);
  g_assert_nonnull (roster);
  g_assert_cmpstr (jb_roster_get_date (roster), ==, "2026-11-23");
  g_assert_cmpstr (jb_roster_get_phone (roster), ==, "0731");
  person = jb_roster_get_leader (roster);
  g_assert_cmpstr (person->name, ==, "谢阳");
  g_assert_cmpstr (person->phone, ==, "139");
  g_assert_cmpstr (person->rank, ==, "所长");
  g_assert_null (person->unit_id);
  g_assert_cmpuint (jb_roster_get_n_officers (roster), ==, 1);
  person = jb_roster_get_officer (roster, 0);
  g_assert_cmpstr (person->name, ==, "王");
  g_assert_cmpstr (person->phone, ==, "138");
  g_assert_cmpstr (person->unit_id, ==, "u-00001");
  g_assert_null (person->rank);
}

/* A roster as its own value: optional members absent, unknown ones
 * tolerated, a station without one. */
static void
test_roster (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse ("{\"date\": \"2026-02-28\", \"leader\": {\"name\": \"刘\", \"phone\": \"137\"},"
                                    " \"officers\": [{\"name\": \"甲\", \"phone\": \"1\"},"
                                    " {\"name\": \"乙\", \"phone\": \"2\", \"unit_id\": \"u-2\", \"shift\": \"night\"}],"
                                    " \"phone\": \"\", \"note\": \"newer server\"}");
  g_autoptr(JbRoster) roster = jb_roster_new_from_json (node, &error);
  g_autoptr(JsonNode) back = NULL;
  g_autoptr(JbRoster) again = NULL;
  g_autoptr(JsonNode) no_roster = parse_with (STATION_JSON, "roster", "null");
  g_autoptr(JbStation) station = NULL;

  g_assert_no_error (error);
  g_assert_null (jb_roster_get_leader (roster)->rank);
  g_assert_cmpuint (jb_roster_get_n_officers (roster), ==, 2);
  g_assert_null (jb_roster_get_officer (roster, 0)->unit_id);
  g_assert_cmpstr (jb_roster_get_officer (roster, 1)->unit_id, ==, "u-2");
  g_assert_cmpstr (jb_roster_get_phone (roster), ==, "");

  /* Shared by reference: a boxed type. */
  g_assert_true (G_TYPE_IS_BOXED (JB_TYPE_ROSTER));
  jb_roster_unref (jb_roster_ref (roster));

  /* Back to JSON and again: the same roster, absent members still absent. */
  back = jb_roster_to_json (roster);
  g_assert_false (json_object_has_member (json_node_get_object (back), "note"));
  g_assert_false (json_object_has_member (json_object_get_object_member (json_node_get_object (back), "leader"),
                                          "rank"));
  again = jb_roster_new_from_json (back, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jb_roster_get_date (again), ==, "2026-02-28");
  g_assert_cmpstr (jb_roster_get_officer (again, 1)->name, ==, "乙");

  station = jb_station_new_from_json (no_roster, &error);
  g_assert_no_error (error);
  g_assert_null (jb_station_get_roster (station));
}

static void
test_roster_reject (void)
{
  NewFunc fn = (NewFunc) jb_station_new_from_json;

  assert_rejected (STATION_JSON, "roster.date", NULL, fn, JB_ERROR_MISSING_FIELD, "\"date\"");
  assert_rejected (STATION_JSON, "roster.date", "\"2026-02-30\"", fn, JB_ERROR_INVALID_VALUE, "\"date\"");
  assert_rejected (STATION_JSON, "roster.date", "\"23.11.2026\"", fn, JB_ERROR_INVALID_VALUE, "\"date\"");
  assert_rejected (STATION_JSON, "roster.phone", "8", fn, JB_ERROR_INVALID_TYPE, "\"phone\"");
  assert_rejected (STATION_JSON, "roster.leader", NULL, fn, JB_ERROR_MISSING_FIELD, "\"leader\"");
  assert_rejected (STATION_JSON, "roster.leader.phone", NULL, fn, JB_ERROR_MISSING_FIELD, "roster.leader");
  assert_rejected (STATION_JSON, "roster.leader.rank", "1", fn, JB_ERROR_INVALID_TYPE, "\"rank\"");
  assert_rejected (STATION_JSON, "roster.officers", "{}", fn, JB_ERROR_INVALID_TYPE, "\"officers\"");
  assert_rejected (STATION_JSON, "roster.officers", "[\"王\"]", fn, JB_ERROR_INVALID_TYPE, "officers[0]");
  assert_rejected (STATION_JSON, "roster.officers", "[{\"name\": \"王\"}]", fn, JB_ERROR_MISSING_FIELD,
                   "roster.officers[0]");
}

static void
test_station_polygon (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse_with (STATION_JSON, "jurisdiction",
                                         "{\"type\": \"Polygon\", \"coordinates\": [[[112.9, 28.1],"
                                         " [113.0, 28.1], [113.0, 28.2], [112.9, 28.1]]]}");
  g_autoptr(JbStation) station = jb_station_new_from_json (node, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (jb_station_get_n_rings (station), ==, 1);
  g_assert_true (jb_station_contains (station, 28.12, 112.99));
  g_assert_false (jb_station_contains (station, 28.19, 112.91));
}

static void
test_station_reject (void)
{
  NewFunc fn = (NewFunc) jb_station_new_from_json;

  assert_rejected (STATION_JSON, "id", NULL, fn, JB_ERROR_MISSING_FIELD, "\"id\"");
  assert_rejected (STATION_JSON, "name", "7", fn, JB_ERROR_INVALID_TYPE, "\"name\"");
  assert_rejected (STATION_JSON, "jurisdiction.type", "\"Circle\"", fn, JB_ERROR_INVALID_VALUE, "jurisdiction");
  assert_rejected (STATION_JSON, "jurisdiction.coordinates", "[[[[1, 2], [3, 4]]]]", fn,
                   JB_ERROR_INVALID_VALUE, "jurisdiction");
  assert_rejected (STATION_JSON, "jurisdiction.coordinates", "[[[[\"a\", 2], [3, 4], [5, 6]]]]", fn,
                   JB_ERROR_INVALID_VALUE, "jurisdiction");
  assert_rejected (STATION_JSON, "location.lat", "90.5", fn, JB_ERROR_OUT_OF_RANGE, NULL);
  assert_rejected (STATION_JSON, "roster", "[]", fn, JB_ERROR_INVALID_TYPE, "\"roster\"");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/unit/round-trip", test_unit_round_trip);
  g_test_add_func ("/core/unit/no-position", test_unit_no_position);
  g_test_add_func ("/core/unit/reject", test_unit_reject);
  g_test_add_func ("/core/unit/unknown-members-tolerated", test_unit_unknown_members_tolerated);
  g_test_add_func ("/core/unit/update-notifies", test_unit_update_notifies);
  g_test_add_func ("/core/terminal/round-trip", test_terminal_round_trip);
  g_test_add_func ("/core/terminal/mobile", test_terminal_mobile);
  g_test_add_func ("/core/terminal/reject", test_terminal_reject);
  g_test_add_func ("/core/incident/round-trip", test_incident_round_trip);
  g_test_add_func ("/core/incident/closed", test_incident_closed);
  g_test_add_func ("/core/incident/reject", test_incident_reject);
  g_test_add_func ("/core/incident/procedure-by-guard", test_incident_procedure_by_guard);
  g_test_add_func ("/core/station/round-trip", test_station_round_trip);
  g_test_add_func ("/core/station/polygon", test_station_polygon);
  g_test_add_func ("/core/station/reject", test_station_reject);
  g_test_add_func ("/core/roster/parse", test_roster);
  g_test_add_func ("/core/roster/reject", test_roster_reject);

  return g_test_run ();
}
