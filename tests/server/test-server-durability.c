/* test-server-durability.c — kill -9 after a 2xx loses nothing; old `since` asks for a resync
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <signal.h>

#include "jb-test-server.h"

static const char *
first_station_seat (JsonNode *snapshot,
                    double   *lat,
                    double   *lon)
{
  JsonObject *station = json_array_get_object_element (json_node_get_array (jb_test_json_get (snapshot, "stations")), 0);
  JsonObject *location = json_object_get_object_member (station, "location");

  *lat = json_object_get_double_member (location, "lat");
  *lon = json_object_get_double_member (location, "lon");
  return json_object_get_string_member (station, "id");
}

static void
test_kill_after_ack (void)
{
  const char *args[] = { "--demo", "--demo-guards", "300", NULL };
  JbTestServer *server = jb_test_server_start (args);
  g_autofree char *auth = jb_test_login (server, "dispatcher", "demo");
  g_autoptr(JbTestResponse) snapshot = jb_test_request (server, "GET", "/api/v1/snapshot", auth, NULL, NULL);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JbTestResponse) after = NULL;
  g_autoptr(JbTestEvents) events = NULL;
  g_autoptr(JbTestResponse) relogin = NULL;
  const char *station_id;
  gint64 seq_before, last_seq = 0;
  double lat, lon;
  guint created = 0;

  g_assert_cmpuint (snapshot->status, ==, 200);
  seq_before = jb_test_json_int (snapshot->body, "seq");
  station_id = first_station_seat (snapshot->body, &lat, &lon);
  g_assert_nonnull (station_id);

  /* Ten incidents, each acknowledged and noted: 30 acknowledged changes, then
   * SIGKILL straight after the last 2xx, with no chance to flush anything. */
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"type\": \"theft\", \"priority\": 3, \"location\": {\"lat\": %.6f, \"lon\": %.6f}, \"description\": \"durable %u\"}",
                                               lat, lon, i);
      g_autoptr(JbTestResponse) created_response = jb_test_request (server, "POST", "/api/v1/incidents", auth, NULL, body);
      g_autofree char *ack = NULL;
      g_autofree char *note = NULL;
      g_autoptr(JbTestResponse) ack_response = NULL;
      g_autoptr(JbTestResponse) note_response = NULL;

      g_assert_cmpuint (created_response->status, ==, 201);
      g_ptr_array_add (ids, g_strdup (jb_test_json_string (created_response->body, "id")));
      ack = g_strdup_printf ("/api/v1/incidents/%s/acknowledge", (char *) ids->pdata[i]);
      ack_response = jb_test_request (server, "POST", ack, auth, NULL, NULL);
      g_assert_cmpuint (ack_response->status, ==, 200);
      note = g_strdup_printf ("/api/v1/incidents/%s/notes", (char *) ids->pdata[i]);
      note_response = jb_test_request (server, "POST", note, auth, NULL, "{\"text\": \"kept\"}");
      g_assert_cmpuint (note_response->status, ==, 201);
    }

  jb_test_server_kill (server, SIGKILL);
  jb_test_server_restart (server);

  /* Sessions are durable too: the old token still works. */
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s", (char *) ids->pdata[i]);
      g_autoptr(JbTestResponse) incident = jb_test_request (server, "GET", path, auth, NULL, NULL);

      g_assert_cmpuint (incident->status, ==, 200);
      g_assert_cmpstr (jb_test_json_string (incident->body, "status"), ==, "acknowledged");
      g_assert_cmpstr (jb_test_json_string (incident->body, "notes.0.text"), ==, "kept");
    }

  after = jb_test_request (server, "GET", "/api/v1/snapshot", auth, NULL, NULL);
  g_assert_cmpuint (after->status, ==, 200);
  g_assert_cmpint (jb_test_json_int (after->body, "seq"), >=, seq_before + 30);

  /* The event log survived as well: every change replays, in order. */
  events = jb_test_events_connect (server, auth, seq_before, NULL);
  g_assert_nonnull (events);
  last_seq = seq_before;
  while (last_seq < seq_before + 30)
    {
      g_autoptr(JsonNode) event = jb_test_events_next (events, 10000);

      g_assert_nonnull (event);
      g_assert_cmpint (jb_test_json_int (event, "seq"), ==, last_seq + 1);
      last_seq++;
      if (g_strcmp0 (jb_test_json_string (event, "type"), "incident.created") == 0)
        created++;
    }
  g_assert_cmpuint (created, ==, 10);

  relogin = jb_test_request (server, "POST", "/api/v1/session", NULL, NULL,
                             "{\"username\": \"dispatcher\", \"password\": \"demo\"}");
  g_assert_cmpuint (relogin->status, ==, 201);

  g_clear_pointer (&events, jb_test_events_free);
  jb_test_server_free (server);
}

static void
test_resync_required (void)
{
  const char *args[] = { "--demo", "--event-retention", "5", NULL };
  JbTestServer *server = jb_test_server_start (args);
  g_autofree char *auth = jb_test_login (server, "dispatcher", "demo");
  g_autoptr(JbTestResponse) snapshot = jb_test_request (server, "GET", "/api/v1/snapshot", auth, NULL, NULL);
  gboolean resync = FALSE;
  double lat, lon;

  first_station_seat (snapshot->body, &lat, &lon);
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"type\": \"other\", \"priority\": 4, \"location\": {\"lat\": %.6f, \"lon\": %.6f}}",
                                               lat, lon);
      g_autoptr(JbTestResponse) response = jb_test_request (server, "POST", "/api/v1/incidents", auth, NULL, body);
      g_assert_cmpuint (response->status, ==, 201);
    }

  /* Pruning may be periodic: ask again for a while until the old events are gone. */
  for (guint attempt = 0; attempt < 40 && !resync; attempt++)
    {
      g_autoptr(JbTestEvents) events = jb_test_events_connect (server, auth, 1, NULL);
      g_autoptr(JsonNode) first = NULL;

      g_assert_nonnull (events);
      first = jb_test_events_next (events, 5000);
      g_assert_nonnull (first);
      if (g_strcmp0 (jb_test_json_string (first, "type"), "resync_required") == 0)
        {
          resync = TRUE;
          g_assert_cmpint (jb_test_json_int (first, "data.oldest_seq"), >, 2);
          g_assert_cmpint (jb_test_json_int (first, "data.latest_seq"), >=, 30);
          /* …and the server closes with 4000. */
          for (JsonNode *extra; (extra = jb_test_events_next (events, 5000)) != NULL;)
            json_node_unref (extra);
          g_assert_true (jb_test_events_is_closed (events));
          g_assert_cmpuint (jb_test_events_close_code (events), ==, 4000);
        }
      else
        g_usleep (500 * 1000);
    }
  g_assert_true (resync);

  jb_test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/durability/kill-after-ack", test_kill_after_ack);
  g_test_add_func ("/server/durability/resync-required", test_resync_required);

  return g_test_run ();
}
