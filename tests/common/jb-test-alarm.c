/* jb-test-alarm.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-demo.h"
#include "jb-test-alarm.h"
#include "jb-test-clip.h"
#include "jb-test-demo.h"

void
jb_test_alarm_raise (JbTestAlarm  *alarm,
                     JbTestServer *server,
                     const char   *bearer)
{
  alarm->terminal_id = jb_test_demo_find_terminal (server, bearer, "alarm_button");
  alarm->secret = jb_demo_terminal_secret (alarm->terminal_id);
  alarm->incident_id = jb_test_demo_raise_alarm (server, alarm->terminal_id, NULL);
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
