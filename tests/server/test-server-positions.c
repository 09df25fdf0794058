/* test-server-positions.c — positions are state outside the event log
 *
 * Device fixes never become events (not in the log, not in a since=
 * replay), are streamed as "positions" frames without a seq, a stream that
 * (re)connects gets every unit's current fix once after its replay, and a
 * fix is in the database within --position-flush-ms, so a kill -9 after
 * that loses nothing (and a clean stop loses nothing at all).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <math.h>
#include <signal.h>

#include "jb-test-demo.h"
#include "jb-test-server.h"
#include "jb-test-wait.h"

#define WAIT_MS 30000

typedef struct
{
  JbTestServer *server;
  char         *dispatcher;
  JsonNode     *snapshot;
  const char   *camera_id;    /* a body camera bound to a unit */
  const char   *unit_id;      /* its unit */
  const char   *gateway_id;   /* a gateway and two units of its organisation */
  const char   *gateway_units[2];
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  const char *args[] = { "--demo", "--demo-guards", "300", "--position-flush-ms", "100", NULL };
  g_autoptr(JbTestResponse) response = NULL;
  JsonArray *terminals, *units;
  const char *org_id = NULL;
  guint n = 0;

  fixture->server = jb_test_server_start (args);
  fixture->dispatcher = jb_test_login (fixture->server, "dispatcher", "demo");
  response = jb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->dispatcher, NULL, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  fixture->snapshot = json_node_ref (response->body);

  terminals = json_node_get_array (jb_test_json_get (fixture->snapshot, "terminals"));
  for (guint i = 0; i < json_array_get_length (terminals); i++)
    {
      JsonObject *t = json_array_get_object_element (terminals, i);
      const char *kind = json_object_get_string_member (t, "kind");

      if (fixture->camera_id == NULL && g_strcmp0 (kind, "body_camera") == 0 &&
          !json_object_get_null_member (t, "unit_id"))
        {
          fixture->camera_id = json_object_get_string_member (t, "id");
          fixture->unit_id = json_object_get_string_member (t, "unit_id");
        }
      if (fixture->gateway_id == NULL && json_object_get_boolean_member (t, "gateway"))
        {
          fixture->gateway_id = json_object_get_string_member (t, "id");
          org_id = json_object_get_string_member (t, "org_id");
        }
    }
  g_assert_nonnull (fixture->camera_id);
  g_assert_nonnull (fixture->gateway_id);

  units = json_node_get_array (jb_test_json_get (fixture->snapshot, "units"));
  for (guint i = 0; i < json_array_get_length (units) && n < 2; i++)
    {
      JsonObject *u = json_array_get_object_element (units, i);

      if (g_strcmp0 (json_object_get_string_member (u, "org_id"), org_id) == 0 &&
          g_strcmp0 (json_object_get_string_member (u, "id"), fixture->unit_id) != 0)
        fixture->gateway_units[n++] = json_object_get_string_member (u, "id");
    }
  g_assert_cmpuint (n, ==, 2);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_pointer (&fixture->snapshot, json_node_unref);
  g_free (fixture->dispatcher);
  jb_test_server_free (fixture->server);
}

/* A minute ahead of the clock (the server takes fixes up to 10 minutes
 * ahead): newer than the demo's own fixes, dated at its import. */
static gint64
now_ms (void)
{
  return g_get_real_time () / 1000 + 60000;
}

static void
post_fix (Fixture *fixture,
          double   lat,
          gint64   time)
{
  g_autofree char *auth = jb_test_demo_device_auth (fixture->camera_id);
  g_autofree char *body = g_strdup_printf ("{\"lat\": %.6f, \"lon\": 112.9855, \"time\": %" G_GINT64_FORMAT "}",
                                           lat, time);
  g_autoptr(JbTestResponse) answer = jb_test_request (fixture->server, "POST", "/api/v1/device/position",
                                                      auth, NULL, body);

  g_assert_cmpuint (answer->status, ==, 202);
}

/* The gateway's batch: both units at @time; returns "accepted". */
static gint64
post_batch (Fixture *fixture,
            gint64   time)
{
  g_autofree char *auth = jb_test_demo_device_auth (fixture->gateway_id);
  g_autofree char *body =
    g_strdup_printf ("{\"items\": [{\"unit_id\": \"%s\", \"lat\": 28.21, \"lon\": 112.97, \"time\": %" G_GINT64_FORMAT "},"
                     " {\"unit_id\": \"%s\", \"lat\": 28.22, \"lon\": 112.96, \"time\": %" G_GINT64_FORMAT "}]}",
                     fixture->gateway_units[0], time, fixture->gateway_units[1], time);
  g_autoptr(JbTestResponse) answer = jb_test_request (fixture->server, "POST", "/api/v1/device/positions",
                                                      auth, NULL, body);

  g_assert_cmpuint (answer->status, ==, 202);
  return jb_test_json_int (answer->body, "accepted");
}

static gint64
count_rows (Fixture    *fixture,
            const char *sql)
{
  return jb_test_server_query_int (fixture->server, sql);
}

/* Frames with a seq, until none comes for a while: asserts none is a
 * position. Returns how many there were. */
static guint
assert_no_moved_events (JbTestEvents *events)
{
  JsonNode *frame;
  guint n = 0;

  while ((frame = jb_test_events_next (events, 500)) != NULL)
    {
      g_assert_cmpstr (jb_test_json_string (frame, "type"), !=, "unit.moved");
      g_assert_cmpint (jb_test_json_int (frame, "seq"), >, 0);
      json_node_unref (frame);
      n++;
    }
  return n;
}

static void
test_not_in_log (Fixture       *fixture,
                 gconstpointer  user_data)
{
  gint64 seq = jb_test_json_int (fixture->snapshot, "seq");
  gint64 t = now_ms ();
  g_autoptr(JbTestEvents) live = jb_test_events_connect (fixture->server, fixture->dispatcher, seq, NULL);
  g_autoptr(JbTestEvents) replay = NULL;
  g_autoptr(JsonObject) single = NULL, first = NULL, second = NULL;

  g_assert_nonnull (live);
  post_fix (fixture, 28.2602, t);
  g_assert_cmpint (post_batch (fixture, t), ==, 2);

  /* Streamed, flat, without a seq. */
  single = jb_test_events_wait_position (live, fixture->unit_id, t, WAIT_MS);
  first = jb_test_events_wait_position (live, fixture->gateway_units[0], t, WAIT_MS);
  g_assert_nonnull (single);
  g_assert_nonnull (first);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (single, "lat"), 28.2602, 1e-9);
  g_assert_false (json_object_has_member (single, "seq"));

  /* Not in the log, not in a replay. */
  assert_no_moved_events (live);
  replay = jb_test_events_connect (fixture->server, fixture->dispatcher, 0, NULL);
  g_assert_nonnull (replay);
  assert_no_moved_events (replay);
  g_assert_cmpint (count_rows (fixture, "SELECT count(*) FROM events WHERE type = 'unit.moved'"), ==, 0);
  /* The replay ends with the current positions. */
  second = jb_test_events_wait_position (replay, fixture->gateway_units[1], t, WAIT_MS);
  g_assert_nonnull (second);
}

static void
test_reconnect_current (Fixture       *fixture,
                        gconstpointer  user_data)
{
  gint64 seq = jb_test_json_int (fixture->snapshot, "seq");
  gint64 t = now_ms ();
  g_autoptr(JbTestEvents) events = NULL;
  g_autoptr(JsonObject) item = NULL, batch_item = NULL;

  /* Fixes while the client is away: it gets the newest, not each one. */
  post_fix (fixture, 28.2604, t - 3000);
  post_fix (fixture, 28.2605, t - 2000);
  g_assert_cmpint (post_batch (fixture, t - 1000), ==, 2);
  /* A stale fix (older than the unit's newest) is not accepted. */
  g_assert_cmpint (post_batch (fixture, t - 5000), ==, 0);
  post_fix (fixture, 28.2699, t - 4000);

  events = jb_test_events_connect (fixture->server, fixture->dispatcher, seq, NULL);
  g_assert_nonnull (events);
  item = jb_test_events_wait_position (events, fixture->unit_id, -1, WAIT_MS);
  g_assert_nonnull (item);
  g_assert_cmpint (json_object_get_int_member (item, "time"), ==, t - 2000);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (item, "lat"), 28.2605, 1e-9);
  batch_item = jb_test_events_wait_position (events, fixture->gateway_units[1], -1, WAIT_MS);
  g_assert_nonnull (batch_item);
  g_assert_cmpint (json_object_get_int_member (batch_item, "time"), ==, t - 1000);

  /* The REST reads agree, written or not. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/units/%s", fixture->unit_id);
    g_autoptr(JbTestResponse) unit = jb_test_request (fixture->server, "GET", path, fixture->dispatcher, NULL, NULL);

    g_assert_cmpuint (unit->status, ==, 200);
    g_assert_cmpint (jb_test_json_int (unit->body, "position.time"), ==, t - 2000);
  }
}

typedef struct
{
  Fixture *fixture;
  char    *sql;
} RowWait;

static gboolean
row_written (gpointer data)
{
  RowWait *w = data;

  return count_rows (w->fixture, w->sql) == 1;
}

static gint64
unit_fix_time (Fixture *fixture)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/units/%s", fixture->unit_id);
  g_autoptr(JbTestResponse) unit = jb_test_request (fixture->server, "GET", path, fixture->dispatcher, NULL, NULL);

  g_assert_cmpuint (unit->status, ==, 200);
  return jb_test_json_int (unit->body, "position.time");
}

static void
test_durable (Fixture       *fixture,
              gconstpointer  user_data)
{
  gint64 t = now_ms ();
  RowWait w = { fixture, NULL };

  /* Written by the flush timer alone (no read asks for it), then a
   * kill -9 loses nothing. */
  post_fix (fixture, 28.2606, t);
  w.sql = g_strdup_printf ("SELECT count(*) FROM positions WHERE unit_id = '%s' AND time = %" G_GINT64_FORMAT,
                           fixture->unit_id, t);
  g_assert_true (jb_test_wait_for (row_written, &w, WAIT_MS));
  g_free (w.sql);
  jb_test_server_kill (fixture->server, SIGKILL);
  jb_test_server_restart (fixture->server);
  g_free (fixture->dispatcher);
  fixture->dispatcher = jb_test_login (fixture->server, "dispatcher", "demo");
  g_assert_cmpint (unit_fix_time (fixture), ==, t);

  /* A clean stop writes what it holds at once. */
  post_fix (fixture, 28.2607, t + 1);
  jb_test_server_kill (fixture->server, SIGTERM);
  jb_test_server_restart (fixture->server);
  g_free (fixture->dispatcher);
  fixture->dispatcher = jb_test_login (fixture->server, "dispatcher", "demo");
  g_assert_cmpint (unit_fix_time (fixture), ==, t + 1);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/positions/not-in-log", Fixture, NULL, fixture_set_up, test_not_in_log, fixture_tear_down);
  g_test_add ("/server/positions/reconnect-current", Fixture, NULL, fixture_set_up, test_reconnect_current,
              fixture_tear_down);
  g_test_add ("/server/positions/durable", Fixture, NULL, fixture_set_up, test_durable, fixture_tear_down);
  return g_test_run ();
}
