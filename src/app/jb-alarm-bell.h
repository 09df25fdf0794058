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
 * repeats until none is left unacknowledged.
 *
 * Each incident rings once when it first appears (also one that was
 * already unacknowledged in the snapshot at login; a reconnect's snapshot
 * does not ring again for incidents seen before); the sound then repeats
 * every 10 s while any incident is still new. A priority 1 incident plays
 * the more urgent pattern. Without an audio output the display's beep is
 * used instead. Notifications (id "incident-ID") are withdrawn once the
 * incident is acknowledged or gone. */
JbAlarmBell *jb_alarm_bell_new                   (JbClient    *client,
                                                  GtkWindow   *window);
/* How many incidents are ringing now (new, not yet acknowledged). */
guint        jb_alarm_bell_get_n_ringing         (JbAlarmBell *self);
/* What the bell says of @incident (the notification's text): its number,
 * its station, and whether it is one the signed-in person commands. */
char        *jb_alarm_bell_describe              (JbAlarmBell *self,
                                                  JbIncident  *incident);

/* How many times the alert has sounded (played or beeped), for tests. */
guint        jb_alarm_bell_get_n_played          (JbAlarmBell *self);
/* Desktop notifications requested so far, and those still shown. */
guint        jb_alarm_bell_get_n_notifications   (JbAlarmBell *self);
guint        jb_alarm_bell_get_n_shown_notifications (JbAlarmBell *self);
/* TRUE once sound playback failed and the bell fell back to the beep. */
gboolean     jb_alarm_bell_get_beep_fallback     (JbAlarmBell *self);

/* Muted: counts and notifies as usual but makes no sound (tests, or a
 * room that hears another console). */
void         jb_alarm_bell_set_muted             (JbAlarmBell *self,
                                                  gboolean     muted);
gboolean     jb_alarm_bell_get_muted             (JbAlarmBell *self);
/* The sound's volume, 0 to 1 (default 1; the alert-volume setting). */
void         jb_alarm_bell_set_volume            (JbAlarmBell *self,
                                                  double       volume);
double       jb_alarm_bell_get_volume            (JbAlarmBell *self);
/* The repeat interval, in ms (default 10000). */
void         jb_alarm_bell_set_repeat_interval   (JbAlarmBell *self,
                                                  guint        ms);

/* The synthesized alert, a complete WAV file (16-bit mono PCM); @urgent:
 * the priority 1 pattern. Built once, shared. */
GBytes      *jb_alarm_bell_get_sound             (gboolean     urgent);

/* Signals:
 *   ::rang (guint n_ringing, gboolean urgent)  every time the alert
 *       sounds (or would, when muted).
 *   ::notification-sent (const char *id, GNotification *notification)
 *       a desktop notification was requested. It goes to the application
 *       when the window has one that is registered with a session bus;
 *       otherwise only this signal tells.
 *   ::notification-withdrawn (const char *id)
 */

G_END_DECLS
