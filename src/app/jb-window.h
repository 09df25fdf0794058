/* jb-window.h — the command-room window: queue, map, details, legend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jb-alarm-bell.h"
#include "jb-client.h"
#include "jb-clip-panel.h"
#include "jb-detail-pane.h"
#include "jb-legend.h"
#include "jb-map-view.h"
#include "jb-wall-video.h"

G_BEGIN_DECLS

#define JB_TYPE_WINDOW (jb_window_get_type ())

G_DECLARE_FINAL_TYPE (JbWindow, jb_window, JB, WINDOW, AdwApplicationWindow)

JbWindow     *jb_window_new              (AdwApplication *application,
                                          JbClient       *client);
JbClient     *jb_window_get_client       (JbWindow       *self);
JbMapView    *jb_window_get_map_view     (JbWindow       *self);
JbDetailPane *jb_window_get_detail_pane  (JbWindow       *self);
JbLegend     *jb_window_get_legend       (JbWindow       *self);
GtkListView  *jb_window_get_queue        (JbWindow       *self);
/* The selected incident's clips (NULL before a client is set) and the
 * corner where pushed clips play. */
JbClipPanel  *jb_window_get_clip_panel   (JbWindow       *self);
JbWallVideo  *jb_window_get_wall_video   (JbWindow       *self);
/* The connection text shown in the header ("LIVE", …), for tests. */
const char   *jb_window_get_state_text   (JbWindow       *self);
/* The server shown in the header ("host:port", with an arrow while
 * moving to it), for tests. */
const char   *jb_window_get_server_text  (JbWindow       *self);
/* The last message shown in a toast (a failed command in words), NULL
 * when none yet; for tests. */
const char   *jb_window_get_last_message (JbWindow       *self);
/* The window's alarm bell (borrowed): the application sets its sound and
 * volume from the settings. */
JbAlarmBell  *jb_window_get_alarm_bell   (JbWindow       *self);
/* Selects an incident in the queue (NULL: none). */
void          jb_window_select_incident  (JbWindow       *self,
                                          const char     *incident_id);

/* The patrol alerts and the header's count of unacknowledged ones ("" when
 * none), for tests. */
struct _JbAlertList *jb_window_get_alert_list      (JbWindow *self);
const char          *jb_window_get_alert_count_text (JbWindow *self);

G_END_DECLS
