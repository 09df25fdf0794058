/* jb-wall-map.h — the wall's map: jumps to a new priority-1 incident
 *
 * Shows the home view (the --view or the city's); when a priority-1
 * incident is new (not yet acknowledged) it goes there and holds it, with
 * a caption naming it, while it stays new; once no priority-1 incident is
 * new it waits the return delay and goes home again. With several new
 * ones it holds the newest.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-client.h"
#include "jb-map-view.h"

G_BEGIN_DECLS

#define JB_TYPE_WALL_MAP (jb_wall_map_get_type ())

G_DECLARE_FINAL_TYPE (JbWallMap, jb_wall_map, JB, WALL_MAP, GtkWidget)

GtkWidget  *jb_wall_map_new               (JbClient   *client);
JbMapView  *jb_wall_map_get_map_view      (JbWallMap  *self);
/* The incident held now, NULL when none. */
const char *jb_wall_map_get_held          (JbWallMap  *self);
/* TRUE from the return to the home view until the next jump. */
gboolean    jb_wall_map_is_home           (JbWallMap  *self);
/* How long to stay after the incident stopped being new (default 15 s). */
void        jb_wall_map_set_return_delay  (JbWallMap  *self,
                                           guint       ms);
/* The zoom of a jump (default 16). */
void        jb_wall_map_set_hold_zoom     (JbWallMap  *self,
                                           double      zoom);
/* Where the map looks now; FALSE before it has a view. */
void        jb_wall_map_get_view          (JbWallMap  *self,
                                           double     *lat,
                                           double     *lon,
                                           double     *zoom);

G_END_DECLS
