/* jb-alert-list.h — the patrol alerts (巡逻告警) for the dispatcher
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-client.h"

G_BEGIN_DECLS

#define JB_TYPE_ALERT_LIST (jb_alert_list_get_type ())
G_DECLARE_FINAL_TYPE (JbAlertList, jb_alert_list, JB, ALERT_LIST, GtkWidget)

void      jb_alert_list_set_client              (JbAlertList *self,
                                                 JbClient    *client);
/* Acknowledges the selected alert, else the oldest unacknowledged one;
 * FALSE when there is none to acknowledge. */
gboolean  jb_alert_list_acknowledge_selected    (JbAlertList *self);
/* Alerts not yet acknowledged (the header's count). */
guint     jb_alert_list_get_n_unacknowledged    (JbAlertList *self);

G_END_DECLS
