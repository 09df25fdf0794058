/* jb-alarm-bell.c — placeholder: the alarm intake helper fills this in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-alarm-bell"

#include "jb-alarm-bell.h"

struct _JbAlarmBell
{
  GObject   parent_instance;

  JbClient *client;
};

G_DEFINE_FINAL_TYPE (JbAlarmBell, jb_alarm_bell, G_TYPE_OBJECT)

static void
jb_alarm_bell_dispose (GObject *object)
{
  JbAlarmBell *self = (JbAlarmBell *) object;

  g_clear_object (&self->client);

  G_OBJECT_CLASS (jb_alarm_bell_parent_class)->dispose (object);
}

static void
jb_alarm_bell_class_init (JbAlarmBellClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = jb_alarm_bell_dispose;
}

static void
jb_alarm_bell_init (JbAlarmBell *self)
{
}

JbAlarmBell *
jb_alarm_bell_new (JbClient  *client,
                   GtkWindow *window)
{
  JbAlarmBell *self = g_object_new (JB_TYPE_ALARM_BELL, NULL);

  self->client = g_object_ref (client);
  return self;
}

guint
jb_alarm_bell_get_n_ringing (JbAlarmBell *self)
{
  g_return_val_if_fail (JB_IS_ALARM_BELL (self), 0);
  return 0;
}
