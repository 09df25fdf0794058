/* jb-geo-index.h — which of many shapes contains a point, fast
 *
 * For locating every unit and incident in its jurisdiction and grid on
 * each frame. Each shape's edges are sorted into horizontal bands, so a
 * lookup tests only the few edges at the point's latitude; a coarse grid
 * over all shapes picks the candidates. The answer is exactly
 * jb_geo_shape_contains()'s (same arithmetic): holes and the polygons of a
 * MultiPolygon count, and a point on an edge shared by two neighbours
 * belongs to exactly one of them (the one to its east; on a shared
 * east–west edge, the one to its north).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-geo.h"

G_BEGIN_DECLS

typedef struct _JbGeoIndex JbGeoIndex;

/* Indexes @shapes (referenced, not copied); their order is the order of
 * preference where shapes overlap. */
JbGeoIndex *jb_geo_index_new     (JbGeoShape * const *shapes,
                                  guint               n_shapes);
void        jb_geo_index_free    (JbGeoIndex         *self);
guint       jb_geo_index_get_n_shapes (const JbGeoIndex *self);

/* The position in @shapes of the first shape containing the point, or -1. */
int         jb_geo_index_lookup  (const JbGeoIndex   *self,
                                  double              lat,
                                  double              lon);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbGeoIndex, jb_geo_index_free)

G_END_DECLS
