/* jb-test-alarm.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-demo.h"
#include "jb-test-alarm.h"
#include "jb-test-clip.h"

void
jb_test_alarm_raise (JbTestAlarm  *alarm,
                     JbTestServer *server,
                     const char   *bearer)
{
  g_autoptr(JbTestResponse) snapshot = jb_test_request (server, "GET", "/api/v1/snapshot", bearer, NULL, NULL);
  g_autoptr(JbTestResponse) response = NULL;
  g_autofree char *auth = NULL;
  JsonArray *terminals;

  g_assert_cmpuint (snapshot->status, ==, 200);
  g_assert_nonnull (snapshot->body);
  terminals = json_object_get_array_member (json_node_get_object (snapshot->body), "terminals");
  for (guint i = 0; i < json_array_get_length (terminals) && alarm->terminal_id == NULL; i++)
    {
      JsonObject *t = json_array_get_object_element (terminals, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (t, "kind", ""), "alarm_button") == 0)
        alarm->terminal_id = g_strdup (json_object_get_string_member (t, "id"));
    }
  g_assert_nonnull (alarm->terminal_id);

  alarm->secret = jb_demo_terminal_secret (alarm->terminal_id);
  auth = jb_test_device_auth (alarm->terminal_id, alarm->secret);
  response = jb_test_request (server, "POST", "/api/v1/device/alarm", auth, NULL, "{}");
  g_assert_cmpuint (response->status, ==, 201);
  alarm->incident_id = g_strdup (jb_test_json_string (response->body, "id"));
  g_assert_nonnull (alarm->incident_id);
}

char *
jb_test_alarm_upload_clip (const JbTestAlarm  *alarm,
                           JbTestServer       *server,
                           const char         *dir,
                           guint               seconds,
                           guint               width,
                           guint               height,
                           const char         *label,
                           char              **out_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = jb_test_clip_make (dir, seconds, width, height, label, &error);
  char *clip_id;

  g_assert_no_error (error);
  clip_id = jb_test_clip_upload (server, alarm->terminal_id, alarm->secret, alarm->incident_id, path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (clip_id);
  if (out_path != NULL)
    *out_path = g_steal_pointer (&path);
  return clip_id;
}

void
jb_test_alarm_clear (JbTestAlarm *alarm)
{
  g_clear_pointer (&alarm->terminal_id, g_free);
  g_clear_pointer (&alarm->secret, g_free);
  g_clear_pointer (&alarm->incident_id, g_free);
}
