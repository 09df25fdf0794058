/* jb-jurisdiction.h — which station's jurisdiction contains a point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _JbJurisdiction JbJurisdiction;

/* Builds the lookup from protocol Station objects (JsonObject*): each
 * "jurisdiction" (GeoJSON Polygon or MultiPolygon) and "location". */
JbJurisdiction *jb_jurisdiction_new         (GPtrArray      *stations);
void            jb_jurisdiction_free        (JbJurisdiction *self);

/* The id of the station whose jurisdiction contains the point, else the
 * nearest station by its location, else NULL (no stations at all). */
const char     *jb_jurisdiction_find_station (JbJurisdiction *self,
                                              double          lat,
                                              double          lon);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbJurisdiction, jb_jurisdiction_free)

G_END_DECLS
