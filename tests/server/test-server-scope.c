/* test-server-scope.c — a duty officer's scope is a set of stations
 *
 * The demo's 中心派出所 duty room (zhongxin) commands four stations: it may
 * acknowledge an alarm in any of them and not one of 清水塘; 清水塘's own
 * duty officer has a set of one. The user object names them all.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "jb-demo.h"
#include "jb-test-server.h"

static char *
alarm_of_station (JbTestServer *server,
                  const char   *bearer,
                  const char   *station_id)
{
  g_autoptr(JbTestResponse) snapshot = jb_test_request (server, "GET", "/api/v1/snapshot", bearer, NULL, NULL);
  JsonArray *terminals;

  g_assert_cmpuint (snapshot->status, ==, 200);
  terminals = json_object_get_array_member (json_node_get_object (snapshot->body), "terminals");
  for (guint i = 0; i < json_array_get_length (terminals); i++)
    {
      JsonObject *t = json_array_get_object_element (terminals, i);

      if (g_strcmp0 (json_object_get_string_member (t, "kind"), "alarm_button") == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (t, "station_id", NULL), station_id) == 0)
        {
          const char *id = json_object_get_string_member (t, "id");
          g_autofree char *secret = jb_demo_terminal_secret (id);
          g_autofree char *auth = jb_test_device_auth (id, secret);
          g_autoptr(JbTestResponse) alarm = jb_test_request (server, "POST", "/api/v1/device/alarm", auth, NULL, "{}");

          g_assert_cmpuint (alarm->status, ==, 201);
          g_assert_cmpstr (jb_test_json_string (alarm->body, "station_id"), ==, station_id);
          return g_strdup (jb_test_json_string (alarm->body, "id"));
        }
    }
  g_assert_not_reached ();
  return NULL;
}

static guint
acknowledge (JbTestServer *server,
             const char   *bearer,
             const char   *incident_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s/acknowledge", incident_id);
  g_autoptr(JbTestResponse) response = jb_test_request (server, "POST", path, bearer, NULL, "{}");

  return response->status;
}

static void
test_station_set (void)
{
  static const char * const args[] = { "--demo", NULL };
  JbTestServer *server = jb_test_server_start (args);
  g_autofree char *dispatcher = jb_test_login (server, "dispatcher", "demo");
  g_autofree char *zhongxin = jb_test_login (server, "zhongxin", "demo");
  g_autofree char *wujialing = alarm_of_station (server, dispatcher, "st-wujialing");
  g_autofree char *laodaohe = alarm_of_station (server, dispatcher, "st-laodaohe");
  g_autofree char *qingshuitang = alarm_of_station (server, dispatcher, "st-qingshuitang");
  g_autoptr(JbTestResponse) session = NULL;
  g_autoptr(JbTestResponse) duty = NULL;
  JsonArray *ids;

  /* The user object: station_id (the first) and every station. */
  session = jb_test_request (server, "POST", "/api/v1/session", NULL, NULL,
                             "{\"username\": \"zhongxin\", \"password\": \"demo\"}");
  g_assert_cmpuint (session->status, ==, 201);
  g_assert_cmpstr (jb_test_json_string (session->body, "user.role"), ==, "duty_officer");
  g_assert_cmpstr (jb_test_json_string (session->body, "user.station_id"), ==, "st-sifangping");
  ids = json_node_get_array (jb_test_json_get (session->body, "user.station_ids"));
  g_assert_cmpuint (json_array_get_length (ids), ==, 4);
  g_assert_cmpstr (json_array_get_string_element (ids, 0), ==, "st-sifangping");
  g_assert_cmpstr (json_array_get_string_element (ids, 1), ==, "st-dongfenglu");
  g_assert_cmpstr (json_array_get_string_element (ids, 2), ==, "st-laodaohe");
  g_assert_cmpstr (json_array_get_string_element (ids, 3), ==, "st-wujialing");

  duty = jb_test_request (server, "POST", "/api/v1/session", NULL, NULL,
                          "{\"username\": \"qingshuitang\", \"password\": \"demo\"}");
  g_assert_cmpuint (duty->status, ==, 201);
  ids = json_node_get_array (jb_test_json_get (duty->body, "user.station_ids"));
  g_assert_cmpuint (json_array_get_length (ids), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (ids, 0), ==, "st-qingshuitang");

  /* Commands: inside the set yes, outside no. */
  g_assert_cmpuint (acknowledge (server, zhongxin, wujialing), ==, 200);
  g_assert_cmpuint (acknowledge (server, zhongxin, laodaohe), ==, 200);
  g_assert_cmpuint (acknowledge (server, zhongxin, qingshuitang), ==, 403);
  g_assert_cmpuint (acknowledge (server, dispatcher, qingshuitang), ==, 200);

  jb_test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/scope/station-set", test_station_set);

  return g_test_run ();
}
