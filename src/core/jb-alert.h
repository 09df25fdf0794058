/* jb-alert.h — one patrol alert (巡逻告警) as the server sent it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  JB_ALERT_REASON_LEFT_GRID,   /* a patrolling member out of its grid */
  JB_ALERT_REASON_SILENT,      /* no position fix for too long */
} JbAlertReason;

#define JB_TYPE_ALERT (jb_alert_get_type ())
G_DECLARE_FINAL_TYPE (JbAlert, jb_alert, JB, ALERT, GObject)

/* From a protocol Alert object; NULL with @error when it is not one. */
JbAlert       *jb_alert_new_from_json       (JsonObject  *object,
                                             GError     **error);
/* Takes the newer state of the same alert (acknowledged); notifies
 * "acknowledged". */
void           jb_alert_update              (JbAlert     *self,
                                             JbAlert     *fresh);

const char    *jb_alert_get_id              (JbAlert     *self);
const char    *jb_alert_get_unit_id         (JbAlert     *self);
JbAlertReason  jb_alert_get_reason          (JbAlert     *self);
const char    *jb_alert_get_grid_id         (JbAlert     *self);
const char    *jb_alert_get_station_id      (JbAlert     *self);
gint64         jb_alert_get_raised_at       (JbAlert     *self);
gboolean       jb_alert_get_acknowledged    (JbAlert     *self);
const char    *jb_alert_get_acknowledged_by (JbAlert     *self);

G_END_DECLS
