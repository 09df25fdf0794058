/* jb-test-city.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-test-city.h"

void
jb_test_city_start (JbTestCity         *city,
                    const char * const *server_args)
{
  g_autoptr(JbTestResponse) response = NULL;

  city->server = jb_test_server_start (server_args);
  city->dispatcher = jb_test_login (city->server, "dispatcher", "demo");
  city->officer = jb_test_login (city->server, "qingshuitang", "demo");
  city->viewer = jb_test_login (city->server, "wall", "demo");
  response = jb_test_request (city->server, "GET", "/api/v1/snapshot", city->dispatcher, NULL, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_nonnull (response->body);
  city->snapshot = json_node_ref (response->body);
}

void
jb_test_city_stop (JbTestCity *city)
{
  g_clear_pointer (&city->snapshot, json_node_unref);
  g_clear_pointer (&city->dispatcher, g_free);
  g_clear_pointer (&city->officer, g_free);
  g_clear_pointer (&city->viewer, g_free);
  g_clear_pointer (&city->server, jb_test_server_free);
}
