/* jb-geo.h — geometry on the demo city's scale
 *
 * Points are longitude/latitude pairs in decimal degrees, as GeoJSON has
 * them. Distances and areas are on a sphere (good to well under 0.5 % over
 * a district); planar operations (clipping, point-in-polygon) treat
 * degrees as plane coordinates, which is exact for straight cut lines and
 * harmless at this scale.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  double lon;
  double lat;
} JbGeoPoint;

/* Great-circle distance in metres. */
double      jb_geo_distance_m            (double             lat1,
                                          double             lon1,
                                          double             lat2,
                                          double             lon2);

/* Initial bearing from 1 to 2, degrees clockwise from north in [0, 360). */
double      jb_geo_bearing_deg           (double             lat1,
                                          double             lon1,
                                          double             lat2,
                                          double             lon2);

/* The point @distance_m metres from (@lat, @lon) along @bearing_deg. */
void        jb_geo_destination           (double             lat,
                                          double             lon,
                                          double             bearing_deg,
                                          double             distance_m,
                                          double            *out_lat,
                                          double            *out_lon);

/* Rings are open: the closing point is not repeated. */

/* Even-odd point-in-polygon test for one ring. */
gboolean    jb_geo_ring_contains         (const JbGeoPoint  *ring,
                                          gsize              n_points,
                                          double             lat,
                                          double             lon);

/* Area in square metres (absolute), on the sphere. */
double      jb_geo_ring_area_m2          (const JbGeoPoint  *ring,
                                          gsize              n_points);

/* Clips a simple ring (convex or not) to the half-plane
 * a·lon + b·lat <= c. Unlike plain Sutherland–Hodgman, a concave ring that
 * the line cuts into several pieces comes back as several rings, without
 * zero-width bridges along the line. Returns a GPtrArray of GArray of
 * JbGeoPoint (open rings, same orientation as the input); empty when
 * nothing is left. */
GPtrArray  *jb_geo_ring_clip_half_plane  (const JbGeoPoint  *ring,
                                          gsize              n_points,
                                          double             a,
                                          double             b,
                                          double             c);

/* A GeoJSON Polygon or MultiPolygon: polygons of rings, the first ring of
 * each polygon its outline, the others its holes. Immutable once built,
 * reference counted, safe to share between threads. */
typedef struct _JbGeoShape JbGeoShape;

GType       jb_geo_shape_get_type        (void) G_GNUC_CONST;
#define JB_TYPE_GEO_SHAPE (jb_geo_shape_get_type ())

/* Reads a GeoJSON geometry object ({"type": "Polygon"|"MultiPolygon",
 * "coordinates": …}); JB_ERROR_INVALID_VALUE / _INVALID_TYPE /
 * _MISSING_FIELD / _OUT_OF_RANGE naming what is wrong. Closed rings (first
 * point repeated) and open ones are both accepted; foreign members are
 * ignored, as RFC 7946 allows. */
JbGeoShape *jb_geo_shape_new_from_json   (JsonNode          *geometry,
                                          GError           **error);
/* A shape of one polygon without holes, copying @ring. */
JbGeoShape *jb_geo_shape_new_from_ring   (const JbGeoPoint  *ring,
                                          gsize              n_points);
JbGeoShape *jb_geo_shape_ref             (JbGeoShape        *shape);
void        jb_geo_shape_unref           (JbGeoShape        *shape);

/* A "Polygon" when the shape has one polygon, a "MultiPolygon" otherwise
 * (also when empty), rings closed as GeoJSON wants them. */
JsonNode   *jb_geo_shape_to_json         (const JbGeoShape  *shape);

gboolean    jb_geo_shape_is_empty        (const JbGeoShape  *shape);
guint       jb_geo_shape_get_n_polygons  (const JbGeoShape  *shape);
guint       jb_geo_shape_get_n_rings     (const JbGeoShape  *shape,
                                          guint              polygon);
const JbGeoPoint *
            jb_geo_shape_get_ring        (const JbGeoShape  *shape,
                                          guint              polygon,
                                          guint              ring,
                                          gsize             *out_n_points);

gboolean    jb_geo_shape_contains        (const JbGeoShape  *shape,
                                          double             lat,
                                          double             lon);
/* FALSE for an empty shape. */
gboolean    jb_geo_shape_get_bbox        (const JbGeoShape  *shape,
                                          double            *out_min_lat,
                                          double            *out_min_lon,
                                          double            *out_max_lat,
                                          double            *out_max_lon);
/* Outlines minus holes, square metres. */
double      jb_geo_shape_area_m2         (const JbGeoShape  *shape);

/* The part of @shape in the half-plane a·lon + b·lat <= c. Holes are
 * clipped too and kept with the piece that contains them. */
JbGeoShape *jb_geo_shape_clip_half_plane (const JbGeoShape  *shape,
                                          double             a,
                                          double             b,
                                          double             c);

/* The part of @shape nearer (in metres, locally) to @sites[@index] than to
 * any other site: its Voronoi cell. The cells of all sites tile @shape. */
JbGeoShape *jb_geo_shape_voronoi_cell    (const JbGeoShape  *shape,
                                          const JbGeoPoint  *sites,
                                          guint              n_sites,
                                          guint              index);

/* A uniformly random point inside a non-empty shape (rejection sampling in
 * its bounding box), drawn from @rand so it is reproducible. */
void        jb_geo_shape_random_point    (const JbGeoShape  *shape,
                                          GRand             *rand,
                                          double            *out_lat,
                                          double            *out_lon);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbGeoShape, jb_geo_shape_unref)

G_END_DECLS
