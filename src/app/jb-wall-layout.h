/* jb-wall-layout.h — the wall: one window per monitor, panes from a layout
 *
 * A layout is a list of panes ("map", "queue", "video", "duty"). Monitors
 * are taken left to right (then top to bottom): monitor i shows pane i,
 * and the last monitor in use shows every pane that is left, side by side
 * (so one monitor shows them all). More monitors than panes: the extra
 * ones stay dark. When a monitor goes away its panes move to the others;
 * when it comes back they go back to it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-client.h"
#include "jb-wall-map.h"
#include "jb-wall-video.h"
#include "jb-wall-window.h"

G_BEGIN_DECLS

/* The control-room rule: text subtends at least 16 minutes of arc. */
#define JB_WALL_MIN_ARC_MINUTES 16.0
#define JB_WALL_DEFAULT_DISTANCE_M 5.0

/* The smallest text height in (logical) pixels for a monitor @height_px
 * pixels and @height_mm millimetres tall seen from @distance_m metres.
 * An unknown size (0) is taken as a 55-inch 16:9 panel 1080 pixels tall. */
double        jb_wall_min_text_px          (double              distance_m,
                                            int                 height_px,
                                            int                 height_mm);
/* The same height in millimetres. */
double        jb_wall_min_text_mm          (double              distance_m);

/* Checks a layout's pane names: FALSE with a G_OPTION_ERROR naming the
 * unknown one. An empty layout is "map", "queue". */
gboolean      jb_wall_layout_check_panes   (const char * const *panes,
                                            GError            **error);

#define JB_TYPE_WALL_LAYOUT (jb_wall_layout_get_type ())

G_DECLARE_FINAL_TYPE (JbWallLayout, jb_wall_layout, JB, WALL_LAYOUT, GObject)

/* @panes must have passed jb_wall_layout_check_panes(). Windows open on
 * @display's monitors at once. */
JbWallLayout *jb_wall_layout_new           (GtkApplication     *application,
                                            JbClient           *client,
                                            GdkDisplay         *display,
                                            const char * const *panes,
                                            double              distance_m);
/* Windows showing something now (the others are hidden). */
guint         jb_wall_layout_get_n_windows (JbWallLayout       *self);
JbWallWindow *jb_wall_layout_get_window    (JbWallLayout       *self,
                                            guint               i);
/* The monitor window @i was put on, borrowed. */
GdkMonitor   *jb_wall_layout_get_monitor   (JbWallLayout       *self,
                                            guint               i);
/* The window that shows pane @name now, NULL when none. */
JbWallWindow *jb_wall_layout_find_window   (JbWallLayout       *self,
                                            const char         *name);
GtkWidget    *jb_wall_layout_get_pane      (JbWallLayout       *self,
                                            const char         *name);
/* The map pane, NULL when the layout has none. */
JbWallMap    *jb_wall_layout_get_map       (JbWallLayout       *self);
/* The player of pushed and priority-1 clips: in the video pane, else in
 * the map's corner (nowhere shown without either). */
JbWallVideo  *jb_wall_layout_get_video      (JbWallLayout      *self);
/* Where pushed video goes: a box in the video pane (NULL without one). */
GtkBox       *jb_wall_layout_get_video_slot (JbWallLayout      *self);
/* Shown in every window's corner instead of the data's age. */
void          jb_wall_layout_set_message   (JbWallLayout       *self,
                                            const char         *message);
void          jb_wall_layout_set_distance  (JbWallLayout       *self,
                                            double              distance_m);
/* Lays the windows out again now (normally done in an idle after a
 * monitor came, went or changed). */
void          jb_wall_layout_relayout      (JbWallLayout       *self);
/* Puts back each window a window manager moved off its monitor or
 * resized (a timer does it every 2 s); a monitor unplugged since the last
 * layout is left to the relayout its removal queued. */
void          jb_wall_layout_check_placement (JbWallLayout     *self);
/* Hides and destroys the windows. */
void          jb_wall_layout_close         (JbWallLayout       *self);

G_END_DECLS
