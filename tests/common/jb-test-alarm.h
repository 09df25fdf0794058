/* jb-test-alarm.h — a one-click alarm in the demo city, and clips for it
 *
 * The clip tests need an incident whose own terminal may upload: the
 * demo's first alarm button raises one through the device API, with the
 * secret the demo gives that button.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-test-server.h"

G_BEGIN_DECLS

typedef struct
{
  char *terminal_id;
  char *secret;
  char *incident_id;
} JbTestAlarm;

/* Raises the alarm of the first alarm button the snapshot lists (read
 * with @bearer) on a server started with --demo; asserts 201. */
void   jb_test_alarm_raise       (JbTestAlarm       *alarm,
                                  JbTestServer      *server,
                                  const char        *bearer);
/* Makes a @seconds WebM clip of @width × @height with @label burned in,
 * under @dir, and uploads it for the alarm's incident; asserts success
 * and returns the clip id. *@out_path (may be NULL) gets the file. */
char  *jb_test_alarm_upload_clip (const JbTestAlarm *alarm,
                                  JbTestServer      *server,
                                  const char        *dir,
                                  guint              seconds,
                                  guint              width,
                                  guint              height,
                                  const char        *label,
                                  char             **out_path);
void   jb_test_alarm_clear       (JbTestAlarm       *alarm);

G_END_DECLS
