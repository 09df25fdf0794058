/* test-server-device.c — the device-side API: terminals with their own credentials
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <math.h>

#include "jb-test-demo.h"
#include "jb-test-server.h"

typedef struct
{
  JbTestServer *server;
  char         *dispatcher;
  JsonNode     *snapshot;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  const char *args[] = { "--demo", "--demo-guards", "300", NULL };
  g_autoptr(JbTestResponse) response = NULL;

  fixture->server = jb_test_server_start (args);
  fixture->dispatcher = jb_test_login (fixture->server, "dispatcher", "demo");
  response = jb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->dispatcher, NULL, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  fixture->snapshot = json_node_ref (response->body);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_pointer (&fixture->snapshot, json_node_unref);
  g_free (fixture->dispatcher);
  jb_test_server_free (fixture->server);
}

static JsonObject *
find_terminal (Fixture    *fixture,
               const char *kind)
{
  JsonArray *terminals = json_node_get_array (jb_test_json_get (fixture->snapshot, "terminals"));

  for (guint i = 0; i < json_array_get_length (terminals); i++)
    {
      JsonObject *terminal = json_array_get_object_element (terminals, i);

      if (g_strcmp0 (json_object_get_string_member (terminal, "kind"), kind) == 0)
        return terminal;
    }

  g_assert_not_reached ();
  return NULL;
}

static void
test_credentials (Fixture       *fixture,
                  gconstpointer  user_data)
{
  JsonObject *button = find_terminal (fixture, "alarm_button");
  g_autofree char *auth = jb_test_demo_device_auth (json_object_get_string_member (button, "id"));
  g_autofree char *wrong = jb_test_device_auth (json_object_get_string_member (button, "id"), "not-the-secret");
  g_autofree char *nobody = jb_test_device_auth ("t-nobody", "x");
  g_autoptr(JbTestResponse) ok = NULL, bad = NULL, unknown = NULL, none = NULL, person = NULL;

  ok = jb_test_request (fixture->server, "POST", "/api/v1/device/heartbeat", auth, NULL, "{\"battery\": 80}");
  g_assert_cmpuint (ok->status, ==, 200);
  g_assert_cmpint (jb_test_json_int (ok->body, "server_time"), >, 1700000000000);

  bad = jb_test_request (fixture->server, "POST", "/api/v1/device/heartbeat", wrong, NULL, NULL);
  g_assert_cmpuint (bad->status, ==, 401);
  g_assert_cmpstr (jb_test_json_string (bad->body, "error.code"), ==, "unauthorized");
  unknown = jb_test_request (fixture->server, "POST", "/api/v1/device/heartbeat", nobody, NULL, NULL);
  g_assert_cmpuint (unknown->status, ==, 401);
  none = jb_test_request (fixture->server, "POST", "/api/v1/device/heartbeat", NULL, NULL, NULL);
  g_assert_cmpuint (none->status, ==, 401);
  /* A person's token is not a device credential. */
  person = jb_test_request (fixture->server, "POST", "/api/v1/device/heartbeat", fixture->dispatcher, NULL, NULL);
  g_assert_cmpuint (person->status, ==, 401);
}

static void
test_alarm_and_position (Fixture       *fixture,
                         gconstpointer  user_data)
{
  gint64 seq = jb_test_json_int (fixture->snapshot, "seq");
  g_autoptr(JbTestEvents) events = jb_test_events_connect (fixture->server, fixture->dispatcher, seq, NULL);
  JsonObject *button = find_terminal (fixture, "alarm_button");
  JsonObject *camera = find_terminal (fixture, "body_camera");
  g_autofree char *button_auth = jb_test_demo_device_auth (json_object_get_string_member (button, "id"));
  g_autofree char *camera_auth = jb_test_demo_device_auth (json_object_get_string_member (camera, "id"));
  g_autoptr(JbTestResponse) alarm = NULL;
  g_autoptr(JbTestResponse) moved = NULL;
  g_autoptr(JbTestResponse) bad_position = NULL;
  g_autoptr(JbTestResponse) button_position = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonObject) moved_item = NULL;
  JsonObject *venue_location = json_object_get_object_member (button, "location");

  alarm = jb_test_request (fixture->server, "POST", "/api/v1/device/alarm", button_auth, "alarm-1", "{}");
  g_assert_cmpuint (alarm->status, ==, 201);
  g_assert_cmpstr (jb_test_json_string (alarm->body, "source"), ==, "terminal");
  g_assert_cmpstr (jb_test_json_string (alarm->body, "terminal_id"), ==, json_object_get_string_member (button, "id"));
  g_assert_cmpint (jb_test_json_int (alarm->body, "priority"), ==, 1);
  g_assert_cmpstr (jb_test_json_string (alarm->body, "type"), ==, "alarm");
  g_assert_cmpstr (jb_test_json_string (alarm->body, "status"), ==, "new");
  g_assert_cmpfloat_with_epsilon (json_node_get_double (jb_test_json_get (alarm->body, "location.lat")),
                                  json_object_get_double_member (venue_location, "lat"), 1e-9);

  created = jb_test_events_wait_type (events, "incident.created", 10000);
  g_assert_nonnull (created);
  g_assert_cmpstr (jb_test_json_string (created, "data.incident.id"), ==, jb_test_json_string (alarm->body, "id"));

  moved = jb_test_request (fixture->server, "POST", "/api/v1/device/position", camera_auth, NULL,
                           "{\"lat\": 28.2601, \"lon\": 112.9855, \"heading\": 90, \"speed\": 1.2, \"accuracy\": 6}");
  g_assert_cmpuint (moved->status, ==, 202);
  /* Positions come outside the event log: first every unit's current one,
   * then the fix. */
  do
    {
      g_clear_pointer (&moved_item, json_object_unref);
      moved_item = jb_test_events_wait_position (events, json_object_get_string_member (camera, "unit_id"), -1, 10000);
      g_assert_nonnull (moved_item);
    }
  while (fabs (json_object_get_double_member (moved_item, "lat") - 28.2601) > 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (moved_item, "lon"), 112.9855, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (moved_item, "heading"), 90, 1e-9);

  bad_position = jb_test_request (fixture->server, "POST", "/api/v1/device/position", camera_auth, NULL,
                                  "{\"lat\": 128.0, \"lon\": 112.9855}");
  g_assert_cmpuint (bad_position->status, ==, 400);
  g_assert_cmpstr (jb_test_json_string (bad_position->body, "error.code"), ==, "out_of_range");

  /* A fixed alarm button has no unit to move. */
  button_position = jb_test_request (fixture->server, "POST", "/api/v1/device/position", button_auth, NULL,
                                     "{\"lat\": 28.26, \"lon\": 112.98}");
  g_assert_cmpuint (button_position->status, ==, 409);
}

static void
test_guard_procedure (Fixture       *fixture,
                      gconstpointer  user_data)
{
  JsonObject *button = find_terminal (fixture, "alarm_button");
  JsonObject *camera = find_terminal (fixture, "body_camera");
  const char *unit_id = json_object_get_string_member (camera, "unit_id");
  g_autofree char *button_auth = jb_test_demo_device_auth (json_object_get_string_member (button, "id"));
  g_autofree char *camera_auth = jb_test_demo_device_auth (json_object_get_string_member (camera, "id"));
  g_autoptr(JbTestResponse) alarm = NULL;
  g_autoptr(JbTestResponse) early = NULL;
  g_autoptr(JbTestResponse) assigned = NULL;
  g_autoptr(JbTestResponse) bad_step = NULL;
  g_autoptr(JbTestResponse) final = NULL;
  g_autoptr(JbTestResponse) unit = NULL;
  g_autofree char *assign_path = NULL;
  g_autofree char *assign_body = NULL;
  g_autofree char *unit_path = g_strdup_printf ("/api/v1/units/%s", unit_id);
  const char *incident_id;
  const char *states[] = { "accepted", "en_route", "on_scene" };
  const char *steps[] = { "separate", "mediate", "calm", "wait_for_police" };

  alarm = jb_test_request (fixture->server, "POST", "/api/v1/device/alarm", button_auth, NULL,
                           "{\"type\": \"fight\", \"description\": \"包间打架\"}");
  g_assert_cmpuint (alarm->status, ==, 201);
  incident_id = jb_test_json_string (alarm->body, "id");

  /* Not assigned yet: the guard's device may not report on it. */
  {
    g_autofree char *body = g_strdup_printf ("{\"incident_id\": \"%s\", \"step\": \"separate\"}", incident_id);
    early = jb_test_request (fixture->server, "POST", "/api/v1/device/procedure", camera_auth, NULL, body);
    g_assert_cmpuint (early->status, ==, 409);
  }

  assign_path = g_strdup_printf ("/api/v1/incidents/%s/assignments", incident_id);
  assign_body = g_strdup_printf ("{\"unit_id\": \"%s\"}", unit_id);
  /* The demo might have the unit busy or off duty: make it available first. */
  {
    g_autofree char *status_path = g_strdup_printf ("/api/v1/units/%s/status", unit_id);
    g_autoptr(JbTestResponse) status = jb_test_request (fixture->server, "POST", status_path,
                                                         fixture->dispatcher, NULL, "{\"status\": \"available\"}");
    g_assert_cmpuint (status->status, ==, 200);
  }
  assigned = jb_test_request (fixture->server, "POST", assign_path, fixture->dispatcher, NULL, assign_body);
  g_assert_cmpuint (assigned->status, ==, 201);

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"incident_id\": \"%s\", \"state\": \"%s\"}", incident_id, states[i]);
      g_autoptr(JbTestResponse) answer = jb_test_request (fixture->server, "POST", "/api/v1/device/assignment",
                                                          camera_auth, NULL, body);
      g_assert_cmpuint (answer->status, ==, 200);
      g_assert_cmpstr (jb_test_json_string (answer->body, "assignments.0.state"), ==, states[i]);
    }

  {
    g_autofree char *body = g_strdup_printf ("{\"incident_id\": \"%s\", \"step\": \"hug\"}", incident_id);
    bad_step = jb_test_request (fixture->server, "POST", "/api/v1/device/procedure", camera_auth, NULL, body);
    g_assert_cmpuint (bad_step->status, ==, 400);
    g_assert_cmpstr (jb_test_json_string (bad_step->body, "error.code"), ==, "invalid_value");
  }

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"incident_id\": \"%s\", \"step\": \"%s\"}", incident_id, steps[i]);
      g_autoptr(JbTestResponse) answer = jb_test_request (fixture->server, "POST", "/api/v1/device/procedure",
                                                          camera_auth, NULL, body);
      g_assert_cmpuint (answer->status, ==, 200);
      if (i == G_N_ELEMENTS (steps) - 1)
        final = g_steal_pointer (&answer);
    }

  g_assert_cmpstr (jb_test_json_string (final->body, "status"), ==, "on_scene");
  g_assert_cmpint (jb_test_json_int (final->body, "first_guard_on_scene_at"), >=,
                   jb_test_json_int (final->body, "created_at"));
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *path = g_strdup_printf ("procedure.%u.step", i);
      g_autofree char *unit_member = g_strdup_printf ("procedure.%u.unit_id", i);

      g_assert_cmpstr (jb_test_json_string (final->body, path), ==, steps[i]);
      g_assert_cmpstr (jb_test_json_string (final->body, unit_member), ==, unit_id);
    }

  unit = jb_test_request (fixture->server, "GET", unit_path, fixture->dispatcher, NULL, NULL);
  g_assert_cmpstr (jb_test_json_string (unit->body, "status"), ==, "on_scene");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/server/device/credentials", test_credentials);
  ADD ("/server/device/alarm-and-position", test_alarm_and_position);
  ADD ("/server/device/guard-procedure", test_guard_procedure);
#undef ADD

  return g_test_run ();
}
