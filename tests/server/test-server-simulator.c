/* test-server-simulator.c — the simulator drives a real JbDispatch
 *
 * A dispatch on a temporary database with the demo city imported; the
 * simulator runs for a few seconds of main loop; what it did is read back
 * through jb_dispatch_handle as a dispatcher would.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "jb-demo.h"
#include "jb-dispatch.h"
#include "jb-json.h"
#include "jb-simulator.h"
#include "jb-sim-task-pool.h"

#include <sys/resource.h>
#include <unistd.h>

typedef struct
{
  char        *dir;
  char        *db_path;
  JbDispatch  *dispatch;
  JbSimulator *simulator;
  char        *dispatcher;
  gint64       started_ms;
  guint        n_units;
} Fixture;

static JsonNode *
request (Fixture    *fixture,
         const char *method,
         const char *path,
         GHashTable *query,
         const char *auth,
         const char *body,
         guint       expected)
{
  g_autoptr(GBytes) request_body = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;
  g_autoptr(GBytes) answer = NULL;
  guint status = 0;
  JsonNode *root;

  answer = jb_dispatch_handle (fixture->dispatch, method, path, query, auth, NULL, request_body, &status, NULL);
  if (status != expected)
    g_error ("%s %s → %u, expected %u: %.*s", method, path, status, expected,
             answer != NULL ? (int) g_bytes_get_size (answer) : 0,
             answer != NULL ? (const char *) g_bytes_get_data (answer, NULL) : "");
  root = jb_json_parse_object (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), NULL);
  g_assert_nonnull (root);
  return root;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JbDemoCity) city = NULL;
  g_autoptr(JsonNode) session = NULL;
  JbDemoOptions options;

  fixture->dir = g_dir_make_tmp ("jb-simulator-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db_path = g_build_filename (fixture->dir, "dispatch.db", NULL);
  fixture->dispatch = jb_dispatch_new (fixture->db_path, NULL, &error);
  g_assert_no_error (error);

  /* A smaller city than the demo's: the same code paths, a shorter run
   * under the sanitizers. */
  jb_demo_options_init (&options);
  options.n_guards = 300;
  city = jb_demo_city_new (&options, &error);
  g_assert_no_error (error);
  fixture->n_units = city->units->len;
  g_assert_true (jb_dispatch_import_demo (fixture->dispatch, city, &error));
  g_assert_no_error (error);

  session = request (fixture, "POST", "/api/v1/session", NULL, NULL,
                     "{\"username\": \"dispatcher\", \"password\": \"demo\"}", 201);
  fixture->dispatcher = g_strconcat ("Bearer ",
                                     json_object_get_string_member (json_node_get_object (session), "token"),
                                     NULL);
  fixture->started_ms = g_get_real_time () / 1000;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  if (fixture->simulator != NULL)
    {
      jb_simulator_stop (fixture->simulator);
      g_assert_finalize_object (fixture->simulator);
    }
  g_clear_pointer (&fixture->dispatcher, g_free);
  g_assert_finalize_object (fixture->dispatch);
  for (const char *suffix = ""; ; suffix = suffix[0] == '\0' ? "-wal" : "-shm")
    {
      g_autofree char *path = g_strconcat (fixture->db_path, suffix, NULL);

      g_remove (path);
      if (g_str_equal (suffix, "-shm"))
        break;
    }
  g_rmdir (fixture->dir);
  g_free (fixture->db_path);
  g_free (fixture->dir);
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *done = user_data;

  *done = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_drives_the_city (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GHashTable) open = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonNode) units = NULL;
  g_autoptr(JsonNode) terminals = NULL;
  g_autoptr(JsonNode) incidents = NULL;
  JbSimulatorOptions options;
  JbSimulatorStats stats;
  JsonArray *items;
  guint moved = 0, seen = 0, n_units;
  gint64 deadline;

  jb_simulator_options_init (&options);
  g_assert_cmpfloat (options.rate_hz, ==, 0.2);
  g_assert_cmpfloat (options.moving_fraction, ==, 0.3);
  options.rate_hz = 1.0;
  options.moving_fraction = 1.0;
  options.alarms_per_min = 120;
  options.heartbeat_s = 8;
  fixture->simulator = jb_simulator_new (fixture->dispatch, &options);
  jb_simulator_start (fixture->simulator);

  /* Every unit reports once a second: run until each had its turn (longer
   * under slow sanitizer settings, where the dispatch takes its time). */
  deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  do
    {
      run_for (500);
      jb_simulator_get_stats (fixture->simulator, &stats);
    }
  while ((stats.positions < fixture->n_units || stats.heartbeats < 300 || stats.alarms == 0) &&
         g_get_monotonic_time () < deadline);
  jb_simulator_stop (fixture->simulator);
  jb_dispatch_flush (fixture->dispatch);

  jb_simulator_get_stats (fixture->simulator, &stats);
  g_test_message ("%" G_GUINT64_FORMAT " requests, %" G_GUINT64_FORMAT " positions in %" G_GUINT64_FORMAT
                  " batches, %" G_GUINT64_FORMAT " heartbeats, %" G_GUINT64_FORMAT " alarms",
                  stats.requests, stats.positions, stats.batches, stats.heartbeats, stats.alarms);
  g_assert_cmpuint (stats.errors, ==, 0);
  g_assert_cmpuint (stats.positions, >=, fixture->n_units);
  g_assert_cmpuint (stats.batches, >, 0);
  g_assert_cmpuint (stats.heartbeats, >=, 300);
  g_assert_cmpuint (stats.alarms, >, 0);

  /* Read back as the dispatcher: the units moved … */
  units = request (fixture, "GET", "/api/v1/units", NULL, fixture->dispatcher, NULL, 200);
  items = json_object_get_array_member (json_node_get_object (units), "items");
  n_units = json_array_get_length (items);
  for (guint i = 0; i < n_units; i++)
    {
      JsonObject *u = json_array_get_object_element (items, i);
      JsonNode *position = json_object_get_member (u, "position");

      if (position != NULL && JSON_NODE_HOLDS_OBJECT (position) &&
          json_object_get_int_member (json_node_get_object (position), "time") >= fixture->started_ms)
        moved++;
    }
  g_test_message ("%u of %u units have a fresh fix", moved, n_units);
  g_assert_cmpuint (moved, >, n_units / 2);

  /* … the terminals were heard … */
  terminals = request (fixture, "GET", "/api/v1/terminals", NULL, fixture->dispatcher, NULL, 200);
  items = json_object_get_array_member (json_node_get_object (terminals), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *t = json_array_get_object_element (items, i);
      JsonNode *last = json_object_get_member (t, "last_seen_at");

      if (last != NULL && JSON_NODE_HOLDS_VALUE (last) && json_node_get_int (last) >= fixture->started_ms)
        seen++;
    }
  g_test_message ("%u of %u terminals heard from", seen, json_array_get_length (items));
  g_assert_cmpuint (seen, >, json_array_get_length (items) / 2);

  /* … and the alarms became incidents from terminals. */
  g_hash_table_insert (open, (gpointer) "status", (gpointer) "open");
  incidents = request (fixture, "GET", "/api/v1/incidents", open, fixture->dispatcher, NULL, 200);
  items = json_object_get_array_member (json_node_get_object (incidents), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, stats.alarms);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *inc = json_array_get_object_element (items, i);

      g_assert_cmpstr (json_object_get_string_member (inc, "source"), ==, "terminal");
      g_assert_cmpstr (json_object_get_string_member (inc, "status"), ==, "new");
    }
}

static const char *
find_string_member (JsonArray  *items,
                    const char *key,
                    const char *value,
                    const char *member)
{
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *o = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (o, key), value) == 0)
        return json_object_get_string_member (o, member);
    }
  return NULL;
}

static void
test_answers_assignments (Fixture       *fixture,
                          gconstpointer  user_data)
{
  static const char * const steps[] = { "separate", "mediate", "calm", "wait_for_police" };
  g_autoptr(JsonNode) terminals = NULL;
  g_autoptr(JsonNode) unit = NULL;
  g_autoptr(JsonNode) incident = NULL;
  g_autoptr(JsonNode) assigned = NULL;
  g_autoptr(JsonNode) status = NULL;
  g_autoptr(JsonNode) final = NULL;
  g_autofree char *unit_path = NULL;
  g_autofree char *status_path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *assign_path = NULL;
  g_autofree char *assign_body = NULL;
  g_autofree char *incident_path = NULL;
  JbSimulatorOptions options;
  JbSimulatorStats stats;
  JsonObject *position, *inc;
  JsonArray *assignments, *procedure;
  const char *unit_id, *incident_id;
  gint64 deadline;

  /* A guard with a body camera, made available. */
  terminals = request (fixture, "GET", "/api/v1/terminals", NULL, fixture->dispatcher, NULL, 200);
  unit_id = find_string_member (json_object_get_array_member (json_node_get_object (terminals), "items"),
                                "kind", "body_camera", "unit_id");
  g_assert_nonnull (unit_id);
  status_path = g_strdup_printf ("/api/v1/units/%s/status", unit_id);
  status = request (fixture, "POST", status_path, NULL, fixture->dispatcher, "{\"status\": \"available\"}", 200);

  jb_simulator_options_init (&options);
  options.alarms_per_min = 0;
  fixture->simulator = jb_simulator_new (fixture->dispatch, &options);
  jb_simulator_set_time_scale (fixture->simulator, 0.05);
  jb_simulator_start (fixture->simulator);

  /* A fight 15 m from the guard; the dispatcher sends the guard. */
  unit_path = g_strdup_printf ("/api/v1/units/%s", unit_id);
  unit = request (fixture, "GET", unit_path, NULL, fixture->dispatcher, NULL, 200);
  position = json_object_get_object_member (json_node_get_object (unit), "position");
  body = g_strdup_printf ("{\"type\": \"fight\", \"priority\": 1, \"location\": {\"lat\": %.7f, \"lon\": %.7f}}",
                          json_object_get_double_member (position, "lat") + 0.000135,
                          json_object_get_double_member (position, "lon"));
  incident = request (fixture, "POST", "/api/v1/incidents", NULL, fixture->dispatcher, body, 201);
  incident_id = json_object_get_string_member (json_node_get_object (incident), "id");
  assign_path = g_strdup_printf ("/api/v1/incidents/%s/assignments", incident_id);
  assign_body = g_strdup_printf ("{\"unit_id\": \"%s\"}", unit_id);
  assigned = request (fixture, "POST", assign_path, NULL, fixture->dispatcher, assign_body, 201);

  /* The guard accepts, runs there, reports on scene and steps through
   * 先隔开、再劝解、稳情绪、等民警. */
  incident_path = g_strdup_printf ("/api/v1/incidents/%s", incident_id);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  for (;;)
    {
      g_clear_pointer (&final, json_node_unref);
      final = request (fixture, "GET", incident_path, NULL, fixture->dispatcher, NULL, 200);
      inc = json_node_get_object (final);
      procedure = json_object_get_array_member (inc, "procedure");
      if (json_array_get_length (procedure) == G_N_ELEMENTS (steps) ||
          g_get_monotonic_time () > deadline)
        break;
      run_for (200);
    }

  assignments = json_object_get_array_member (inc, "assignments");
  g_assert_cmpuint (json_array_get_length (assignments), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (assignments, 0), "state"),
                   ==, "on_scene");
  g_assert_cmpstr (json_object_get_string_member (inc, "status"), ==, "on_scene");
  g_assert_false (json_node_is_null (json_object_get_member (inc, "first_guard_on_scene_at")));
  g_assert_cmpuint (json_array_get_length (procedure), ==, G_N_ELEMENTS (steps));
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      JsonObject *step = json_array_get_object_element (procedure, i);

      g_assert_cmpstr (json_object_get_string_member (step, "step"), ==, steps[i]);
      g_assert_cmpstr (json_object_get_string_member (step, "unit_id"), ==, unit_id);
    }

  jb_simulator_get_stats (fixture->simulator, &stats);
  g_assert_cmpuint (stats.errors, ==, 0);
  g_assert_cmpuint (stats.answers, >=, 3);
  g_assert_cmpuint (stats.steps, ==, 4);
}

static JsonObject *
get_object (Fixture    *fixture,
            const char *prefix,
            const char *id,
            JsonNode  **holder)
{
  g_autofree char *path = g_strconcat (prefix, id, NULL);

  g_clear_pointer (holder, json_node_unref);
  *holder = request (fixture, "GET", path, NULL, fixture->dispatcher, NULL, 200);
  return json_node_get_object (*holder);
}

/* Units assigned before the simulator starts are picked up; a guard whose
 * only device is the company gateway answers through the gateway (naming
 * itself in unit_id) and runs to the scene. */
static void
test_resumes_and_gateway_answers (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(JsonNode) terminals = NULL;
  g_autoptr(JsonNode) units = NULL;
  g_autoptr(JsonNode) incident = NULL;
  g_autoptr(JsonNode) holder = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GHashTable) gateways = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *body = NULL;
  g_autofree char *assign_path = NULL;
  const char *camera_unit, *gateway_unit = NULL, *incident_id;
  double lat0, lon0, start_distance = 0;
  JsonArray *items;
  JbSimulatorStats stats;
  JbSimulatorOptions options;
  gint64 deadline;
  gboolean accepted = FALSE, relayed = FALSE, closer = FALSE;

  terminals = request (fixture, "GET", "/api/v1/terminals", NULL, fixture->dispatcher, NULL, 200);
  items = json_object_get_array_member (json_node_get_object (terminals), "items");
  camera_unit = find_string_member (items, "kind", "body_camera", "unit_id");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *t = json_array_get_object_element (items, i);

      if (json_object_get_boolean_member_with_default (t, "gateway", FALSE))
        g_hash_table_add (gateways, (gpointer) json_object_get_string_member (t, "id"));
    }
  units = request (fixture, "GET", "/api/v1/units", NULL, fixture->dispatcher, NULL, 200);
  items = json_object_get_array_member (json_node_get_object (units), "items");
  for (guint i = 0; i < json_array_get_length (items) && gateway_unit == NULL; i++)
    {
      JsonObject *u = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (u, "kind"), "guard") &&
          g_str_equal (json_object_get_string_member (u, "status"), "available") &&
          g_hash_table_contains (gateways, json_object_get_string_member (u, "terminal_id")))
        gateway_unit = json_object_get_string_member (u, "id");
    }
  g_assert_nonnull (gateway_unit);

  /* A dispute 300 m north of the gateway guard; both guards assigned. */
  {
    JsonObject *position = json_object_get_object_member (get_object (fixture, "/api/v1/units/", gateway_unit, &holder),
                                                          "position");

    lat0 = json_object_get_double_member (position, "lat");
    lon0 = json_object_get_double_member (position, "lon");
  }
  body = g_strdup_printf ("{\"type\": \"dispute\", \"priority\": 2, \"location\": {\"lat\": %.7f, \"lon\": %.7f}}",
                          lat0 + 0.0027, lon0);
  incident = request (fixture, "POST", "/api/v1/incidents", NULL, fixture->dispatcher, body, 201);
  incident_id = json_object_get_string_member (json_node_get_object (incident), "id");
  assign_path = g_strdup_printf ("/api/v1/incidents/%s/assignments", incident_id);
  {
    g_autofree char *status_path = g_strdup_printf ("/api/v1/units/%s/status", camera_unit);
    g_autofree char *a = g_strdup_printf ("{\"unit_id\": \"%s\"}", camera_unit);
    g_autofree char *b = g_strdup_printf ("{\"unit_id\": \"%s\"}", gateway_unit);
    json_node_unref (request (fixture, "POST", status_path, NULL, fixture->dispatcher, "{\"status\": \"available\"}", 200));
    json_node_unref (request (fixture, "POST", assign_path, NULL, fixture->dispatcher, a, 201));
    json_node_unref (request (fixture, "POST", assign_path, NULL, fixture->dispatcher, b, 201));
  }

  /* Only now does the simulator start. */
  jb_simulator_options_init (&options);
  options.alarms_per_min = 0;
  options.rate_hz = 1.0;
  fixture->simulator = jb_simulator_new (fixture->dispatch, &options);
  jb_simulator_set_time_scale (fixture->simulator, 0.05);
  jb_simulator_start (fixture->simulator);

  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!(accepted && relayed && closer) && g_get_monotonic_time () < deadline)
    {
      JsonObject *inc, *position;
      JsonArray *assignments;
      double d;

      run_for (300);
      inc = get_object (fixture, "/api/v1/incidents/", incident_id, &holder);
      assignments = json_object_get_array_member (inc, "assignments");
      for (guint i = 0; i < json_array_get_length (assignments); i++)
        {
          JsonObject *a = json_array_get_object_element (assignments, i);

          gboolean answered = !g_str_equal (json_object_get_string_member (a, "state"), "assigned");

          if (g_str_equal (json_object_get_string_member (a, "unit_id"), camera_unit))
            accepted = answered;
          else
            relayed = answered;
        }

      position = json_object_get_object_member (get_object (fixture, "/api/v1/units/", gateway_unit, &answer),
                                                "position");
      d = fabs (json_object_get_double_member (position, "lat") - (lat0 + 0.0027));
      if (start_distance == 0)
        start_distance = d;
      closer = d < start_distance - 0.0002;   /* 20 m nearer */
    }

  g_assert_true (accepted);
  g_assert_true (relayed);
  g_assert_true (closer);
  jb_simulator_get_stats (fixture->simulator, &stats);
  g_assert_cmpuint (stats.unreachable, ==, 0);
  g_assert_cmpuint (stats.errors, ==, 0);
}

static void
station_event_cb (JbDispatch *dispatch,
                  const char *frame,
                  gint64      seq,
                  gpointer    user_data)
{
  GPtrArray *frames = user_data;

  if (strstr (frame, "\"type\":\"station.updated\"") != NULL)
    g_ptr_array_add (frames, g_strdup (frame));
}

/* A shift change: one station's duty officers hand over to others of its
 * officers, as the demo dispatcher, with a station.updated event. */
static void
test_changes_shift (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) before = request (fixture, "GET", "/api/v1/stations", NULL, fixture->dispatcher, NULL, 200);
  g_autoptr(JsonNode) event = NULL;
  g_autoptr(JsonNode) units = NULL;
  JbSimulatorOptions options;
  JbSimulatorStats stats;
  JsonObject *station, *roster, *old_roster = NULL;
  JsonArray *officers, *old_officers, *stations;
  const char *station_id;
  gulong handler;
  gint64 deadline;

  handler = g_signal_connect (fixture->dispatch, "event", G_CALLBACK (station_event_cb), frames);
  jb_simulator_options_init (&options);
  options.alarms_per_min = 0;
  fixture->simulator = jb_simulator_new (fixture->dispatch, &options);
  /* Shift changes come every 3–5 minutes scaled: every 2–3 s here. */
  jb_simulator_set_time_scale (fixture->simulator, 0.01);
  jb_simulator_start (fixture->simulator);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (frames->len == 0 && g_get_monotonic_time () < deadline)
    run_for (200);
  g_clear_signal_handler (&handler, fixture->dispatch);

  jb_simulator_get_stats (fixture->simulator, &stats);
  g_assert_cmpuint (stats.errors, ==, 0);
  g_assert_cmpuint (stats.rosters, >=, 1);
  g_assert_cmpuint (frames->len, >=, 1);

  event = jb_json_parse_object (g_ptr_array_index (frames, 0), -1, NULL);
  g_assert_nonnull (event);
  station = json_object_get_object_member (json_object_get_object_member (json_node_get_object (event), "data"),
                                           "station");
  station_id = json_object_get_string_member (station, "id");
  roster = json_object_get_object_member (station, "roster");
  officers = json_object_get_array_member (roster, "officers");
  g_assert_cmpuint (json_array_get_length (officers), >=, 1);

  stations = json_object_get_array_member (json_node_get_object (before), "items");
  for (guint i = 0; i < json_array_get_length (stations); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (stations, i), "id"),
                   station_id) == 0)
      old_roster = json_object_get_object_member (json_array_get_object_element (stations, i), "roster");
  g_assert_nonnull (old_roster);
  old_officers = json_object_get_array_member (old_roster, "officers");

  /* The leader and desk stay; the officers are the station's own, and
   * not the same list as before. */
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (roster, "leader"), "name"), ==,
                   json_object_get_string_member (json_object_get_object_member (old_roster, "leader"), "name"));
  g_assert_cmpstr (json_object_get_string_member (roster, "phone"), ==,
                   json_object_get_string_member (old_roster, "phone"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (officers, 0), "unit_id"), !=,
                   json_object_get_string_member (json_array_get_object_element (old_officers, 0), "unit_id"));
  units = request (fixture, "GET", "/api/v1/units", NULL, fixture->dispatcher, NULL, 200);
  for (guint i = 0; i < json_array_get_length (officers); i++)
    {
      const char *unit_id = json_object_get_string_member (json_array_get_object_element (officers, i), "unit_id");
      JsonArray *items = json_object_get_array_member (json_node_get_object (units), "items");
      gboolean found = FALSE;

      for (guint k = 0; k < json_array_get_length (items) && !found; k++)
        {
          JsonObject *u = json_array_get_object_element (items, k);

          if (g_strcmp0 (json_object_get_string_member (u, "id"), unit_id) != 0)
            continue;
          found = TRUE;
          g_assert_cmpstr (json_object_get_string_member (u, "kind"), ==, "officer");
          g_assert_cmpstr (json_object_get_string_member (u, "station_id"), ==, station_id);
        }
      g_assert_true (found);
    }
}

/* The simulator answers a call-out (一呼百应) through the device API: the
 * counts move until someone arrives. */
static void
test_answers_callouts (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(JsonNode) units = request (fixture, "GET", "/api/v1/units", NULL, fixture->dispatcher, NULL, 200);
  JsonArray *items = json_object_get_array_member (json_node_get_object (units), "items");
  g_autoptr(JsonNode) incident = NULL;
  g_autoptr(JsonNode) called = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  JbSimulatorOptions options;
  JbSimulatorStats stats;
  JsonObject *callout = NULL, *counts;
  gint64 deadline, arrived = 0;
  double lat = 0, lon = 0;

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *u = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (u, "kind"), "volunteer") &&
          g_str_equal (json_object_get_string_member (u, "status"), "available") &&
          !json_object_get_null_member (u, "position"))
        {
          lat = json_object_get_double_member (json_object_get_object_member (u, "position"), "lat");
          lon = json_object_get_double_member (json_object_get_object_member (u, "position"), "lon");
          break;
        }
    }
  g_assert_cmpfloat (lat, !=, 0);
  body = g_strdup_printf ("{\"type\": \"other\", \"priority\": 2, \"location\": {\"lat\": %.7f, \"lon\": %.7f}}",
                          lat, lon);
  incident = request (fixture, "POST", "/api/v1/incidents", NULL, fixture->dispatcher, body, 201);
  path = g_strdup_printf ("/api/v1/incidents/%s", json_object_get_string_member (json_node_get_object (incident), "id"));

  jb_simulator_options_init (&options);
  options.alarms_per_min = 0;
  options.patrol_slips = FALSE;
  fixture->simulator = jb_simulator_new (fixture->dispatch, &options);
  jb_simulator_set_time_scale (fixture->simulator, 0.01);
  jb_simulator_start (fixture->simulator);
  {
    g_autofree char *callouts = g_strconcat (path, "/callouts", NULL);

    called = request (fixture, "POST", callouts, NULL, fixture->dispatcher,
                      "{\"radius_m\": 3000, \"message\": \"寻找走失儿童\"}", 201);
  }
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_array_get_object_element (
                     json_object_get_array_member (json_node_get_object (called), "callouts"), 0), "counts"), "called"), >=, 1);

  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (arrived == 0 && g_get_monotonic_time () < deadline)
    {
      g_autoptr(JsonNode) now = NULL;

      run_for (200);
      now = request (fixture, "GET", path, NULL, fixture->dispatcher, NULL, 200);
      callout = json_array_get_object_element (json_object_get_array_member (json_node_get_object (now), "callouts"), 0);
      counts = json_object_get_object_member (callout, "counts");
      arrived = json_object_get_int_member (counts, "arrived");
      if (arrived > 0)
        {
          g_assert_cmpint (json_object_get_int_member (counts, "accepted"), >=, arrived);
          g_assert_cmpint (json_object_get_int_member (counts, "en_route"), >=, arrived);
        }
    }
  g_assert_cmpint (arrived, >=, 1);
  jb_simulator_get_stats (fixture->simulator, &stats);
  g_assert_cmpuint (stats.errors, ==, 0);
}

/* --sim-handle: the simulated dispatcher acknowledges the alarms' incidents,
 * sends a unit and closes them, through the API; none is left open for
 * longer than its handling time. */
static void
test_handles_incidents (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GHashTable) closed_query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) open_query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonNode) closed = NULL;
  g_autoptr(JsonNode) open = NULL;
  JbSimulatorOptions options;
  JbSimulatorStats stats;
  JsonArray *items;
  guint n_assigned = 0;
  gint64 deadline;

  jb_simulator_options_init (&options);
  g_assert_cmpfloat (options.handle_s, ==, 0);
  options.alarms_per_min = 120;
  options.handle_s = 60;
  fixture->simulator = jb_simulator_new (fixture->dispatch, &options);
  /* Acknowledged within 0.5–3 s, closed after 1.5–4.5 s. */
  jb_simulator_set_time_scale (fixture->simulator, 0.05);
  jb_simulator_start (fixture->simulator);

  deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  do
    {
      run_for (500);
      jb_simulator_get_stats (fixture->simulator, &stats);
    }
  while ((stats.closed < 4 || stats.assigned < 2) && g_get_monotonic_time () < deadline);
  jb_simulator_stop (fixture->simulator);
  jb_dispatch_flush (fixture->dispatch);
  jb_simulator_get_stats (fixture->simulator, &stats);
  g_test_message ("%" G_GUINT64_FORMAT " alarms, %" G_GUINT64_FORMAT " acknowledged, %" G_GUINT64_FORMAT
                  " units sent, %" G_GUINT64_FORMAT " closed", stats.alarms, stats.acknowledged, stats.assigned,
                  stats.closed);
  g_assert_cmpuint (stats.errors, ==, 0);
  g_assert_cmpuint (stats.closed, >=, 4);
  g_assert_cmpuint (stats.assigned, >=, 2);
  g_assert_cmpuint (stats.acknowledged, >=, stats.assigned > 0 ? 1 : 0);

  /* The closed ones are closed on the server, by the dispatcher, with a
   * disposition; the units sent to them were released. */
  g_hash_table_insert (closed_query, (gpointer) "status", (gpointer) "closed");
  closed = request (fixture, "GET", "/api/v1/incidents", closed_query, fixture->dispatcher, NULL, 200);
  items = json_object_get_array_member (json_node_get_object (closed), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, stats.closed);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *inc = json_array_get_object_element (items, i);
      JsonArray *assignments = json_object_get_array_member (inc, "assignments");

      g_assert_cmpstr (json_object_get_string_member (inc, "status"), ==, "closed");
      g_assert_cmpstr (json_object_get_string_member (inc, "disposition"), ==, "resolved_on_scene");
      for (guint k = 0; assignments != NULL && k < json_array_get_length (assignments); k++)
        {
          JsonObject *a = json_array_get_object_element (assignments, k);

          n_assigned++;
          g_assert_cmpstr (json_object_get_string_member (a, "state"), ==, "released");
        }
    }
  g_test_message ("%u units were sent to the closed incidents", n_assigned);

  /* Every alarm is an incident, open or closed. */
  g_hash_table_insert (open_query, (gpointer) "status", (gpointer) "open");
  open = request (fixture, "GET", "/api/v1/incidents", open_query, fixture->dispatcher, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (open), "items")) +
                    stats.closed, ==, stats.alarms);
}

/* The cameras' streaming threads: each task on a thread of its own at
 * nice 10 (or the process's own, if that is lower already), and the
 * thread that asked keeps its priority. */
typedef struct
{
  int       nice;
  pid_t     tid;
  gboolean  ran;
} PoolProbe;

static void
probe_task (gpointer data)
{
  PoolProbe *probe = data;

  errno = 0;
  probe->nice = getpriority (PRIO_PROCESS, (id_t) gettid ());
  probe->tid = gettid ();
  probe->ran = TRUE;
}

static void
test_camera_task_pool (void)
{
  g_autoptr(GstTaskPool) pool = NULL;
  g_autoptr(GError) error = NULL;
  int own = getpriority (PRIO_PROCESS, (id_t) gettid ());

  gst_init (NULL, NULL);
  pool = jb_sim_task_pool_new (10);
  gst_task_pool_prepare (pool, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      PoolProbe probe = { 0 };
      gpointer id = gst_task_pool_push (pool, probe_task, &probe, &error);

      g_assert_no_error (error);
      g_assert_nonnull (id);
      gst_task_pool_join (pool, id);
      g_assert_true (probe.ran);
      g_assert_cmpint (probe.tid, !=, gettid ());
      g_assert_cmpint (probe.nice, ==, MAX (own, 10));
    }
  g_assert_cmpint (getpriority (PRIO_PROCESS, (id_t) gettid ()), ==, own);
  gst_task_pool_cleanup (pool);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/simulator/camera-task-pool", test_camera_task_pool);
  g_test_add ("/server/simulator/drives-the-city", Fixture, NULL,
              fixture_set_up, test_drives_the_city, fixture_tear_down);
  g_test_add ("/server/simulator/answers-assignments", Fixture, NULL,
              fixture_set_up, test_answers_assignments, fixture_tear_down);

  g_test_add ("/server/simulator/resumes-and-gateway-answers", Fixture, NULL,
              fixture_set_up, test_resumes_and_gateway_answers, fixture_tear_down);
  g_test_add ("/server/simulator/changes-shift", Fixture, NULL,
              fixture_set_up, test_changes_shift, fixture_tear_down);
  g_test_add ("/server/simulator/answers-callouts", Fixture, NULL,
              fixture_set_up, test_answers_callouts, fixture_tear_down);
  g_test_add ("/server/simulator/handles-incidents", Fixture, NULL,
              fixture_set_up, test_handles_incidents, fixture_tear_down);

  return g_test_run ();
}
