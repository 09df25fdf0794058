/* jb-alarm-bell.h — new incidents stay loud until someone acknowledges them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-client.h"

G_BEGIN_DECLS

#define JB_TYPE_ALARM_BELL (jb_alarm_bell_get_type ())

G_DECLARE_FINAL_TYPE (JbAlarmBell, jb_alarm_bell, JB, ALARM_BELL, GObject)

/* Watches @client's store for unacknowledged incidents: plays the alert
 * sound, raises a desktop notification while @window is not focused, and
 * repeats until none is left unacknowledged. */
JbAlarmBell *jb_alarm_bell_new            (JbClient    *client,
                                           GtkWindow   *window);
/* How many incidents are ringing now (new, not yet acknowledged). */
guint        jb_alarm_bell_get_n_ringing  (JbAlarmBell *self);

G_END_DECLS
