/* jb-test-demo.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-demo.h"
#include "jb-test-demo.h"

char *
jb_test_demo_device_auth (const char *terminal_id)
{
  g_autofree char *secret = NULL;

  g_assert_nonnull (terminal_id);
  secret = jb_demo_terminal_secret (terminal_id);
  return jb_test_device_auth (terminal_id, secret);
}

char *
jb_test_demo_unit_auth (JsonObject *unit)
{
  g_assert_true (json_object_has_member (unit, "terminal_id"));
  return jb_test_demo_device_auth (json_object_get_string_member (unit, "terminal_id"));
}

char *
jb_test_demo_find_terminal (JbTestServer *server,
                            const char   *bearer,
                            const char   *kind)
{
  g_autoptr(JbTestResponse) snapshot = jb_test_request (server, "GET", "/api/v1/snapshot", bearer, NULL, NULL);
  JsonArray *terminals;

  g_assert_cmpuint (snapshot->status, ==, 200);
  g_assert_nonnull (snapshot->body);
  terminals = json_object_get_array_member (json_node_get_object (snapshot->body), "terminals");
  for (guint i = 0; i < json_array_get_length (terminals); i++)
    {
      JsonObject *terminal = json_array_get_object_element (terminals, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (terminal, "kind", NULL), kind) == 0)
        return g_strdup (json_object_get_string_member (terminal, "id"));
    }

  g_error ("no terminal of kind %s in the snapshot", kind);
  return NULL;
}

char *
jb_test_demo_raise_alarm (JbTestServer *server,
                          const char   *terminal_id,
                          const char   *body)
{
  g_autofree char *auth = jb_test_demo_device_auth (terminal_id);
  g_autoptr(JbTestResponse) response = jb_test_request (server, "POST", "/api/v1/device/alarm", auth, NULL,
                                                        body != NULL ? body : "{}");

  g_assert_cmpuint (response->status, ==, 201);
  g_assert_nonnull (jb_test_json_string (response->body, "id"));
  return g_strdup (jb_test_json_string (response->body, "id"));
}
