/* jb-map-bounds.h — what the map fits to: a box in Web-Mercator and the
 * centre and zoom that show it
 *
 * The map's home (every jurisdiction), a station's scope and the framing
 * of an incident with its units on their way all fit a box of points to a
 * widget of some size. The arithmetic lives here, where tests reach it
 * without a display; the widgets only hand it their size.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "jb-geo.h"
#include "jb-incident.h"
#include "jb-store.h"

G_BEGIN_DECLS

/* Normalised Web-Mercator coordinates, both in [0, 1], as libshumate
 * computes them (shumate_map_source_get_x/y divided by the world size):
 * x grows east, y grows south. */
double   jb_mercator_x            (double             lon);
double   jb_mercator_y            (double             lat);
double   jb_mercator_lon          (double             mx);
double   jb_mercator_lat          (double             my);

typedef struct
{
  double min_mx;
  double min_my;
  double max_mx;
  double max_my;
  guint  n_points;   /* 0: empty */
} JbMapBounds;

void     jb_map_bounds_init       (JbMapBounds       *self);
void     jb_map_bounds_add_point  (JbMapBounds       *self,
                                   double             lat,
                                   double             lon);
/* A box in degrees (a station's jurisdiction, say): its two corners. */
void     jb_map_bounds_add_box    (JbMapBounds       *self,
                                   double             min_lat,
                                   double             min_lon,
                                   double             max_lat,
                                   double             max_lon);
/* The centre of the box; FALSE when it is empty. */
gboolean jb_map_bounds_get_center (const JbMapBounds *self,
                                   double            *lat,
                                   double            *lon);

/* The centre and the zoom at which the box fills @fill (0 < fill <= 1) of
 * a @width × @height pixel view in both directions, for 256-pixel tiles,
 * clamped to [@min_zoom, @max_zoom]. A single point, or a view with no
 * size yet, gets @max_zoom. FALSE when the box is empty. */
gboolean jb_map_bounds_fit        (const JbMapBounds *self,
                                   double             width,
                                   double             height,
                                   double             fill,
                                   double             min_zoom,
                                   double             max_zoom,
                                   double            *lat,
                                   double            *lon,
                                   double            *zoom);

/* Adds the scene of @incident and the last known positions (from @store)
 * of its units on their way to it: assigned, accepted or en route (a unit
 * on scene is at the scene; a released or declined one is no longer part
 * of it). Each unit's position is appended to @units (JbGeoPoint; may be
 * NULL). FALSE, adding nothing, when the incident has no location. */
gboolean jb_map_bounds_add_incident (JbMapBounds       *self,
                                     JbIncident        *incident,
                                     JbStore           *store,
                                     GArray            *units);

G_END_DECLS
