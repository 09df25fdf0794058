/* jb-station.h — a police station (派出所), its jurisdiction and roster
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "jb-roster.h"

G_BEGIN_DECLS

#define JB_TYPE_STATION (jb_station_get_type ())

G_DECLARE_FINAL_TYPE (JbStation, jb_station, JB, STATION, GObject)

JbStation    *jb_station_new_from_json   (JsonNode    *node,
                                          GError     **error);
JsonNode     *jb_station_to_json         (JbStation   *self);

const char   *jb_station_get_id          (JbStation   *self);
const char   *jb_station_get_name        (JbStation   *self);
const char   *jb_station_get_short_name  (JbStation   *self);
const char   *jb_station_get_code        (JbStation   *self);
const char   *jb_station_get_address     (JbStation   *self);
const char   *jb_station_get_phone       (JbStation   *self);
gboolean      jb_station_get_location    (JbStation   *self,
                                          double      *lat,
                                          double      *lon);

/* The jurisdiction as rings for drawing: every ring of every polygon, in
 * order (a polygon's outer ring first, then its holes). Each ring is
 * *n_points (lat, lon) pairs, i.e. 2 * *n_points doubles; GeoJSON's closing
 * point is kept. */
guint         jb_station_get_n_rings     (JbStation   *self);
const double *jb_station_get_ring        (JbStation   *self,
                                          guint        i,
                                          guint       *n_points);
/* TRUE when ring @i is a hole of the polygon before it. */
gboolean      jb_station_ring_is_hole    (JbStation   *self,
                                          guint        i);
/* Bounding box of the jurisdiction; FALSE when it has none. */
gboolean      jb_station_get_bounds      (JbStation   *self,
                                          double      *min_lat,
                                          double      *min_lon,
                                          double      *max_lat,
                                          double      *max_lon);
/* Inside an outer ring and not in one of its holes (even-odd per polygon). */
gboolean      jb_station_contains        (JbStation   *self,
                                          double       lat,
                                          double       lon);
/* The day's duty roster, parsed with the station (NULL when none);
 * borrowed: a station.updated replaces it (take a reference to keep it). */
JbRoster     *jb_station_get_roster      (JbStation   *self);

G_END_DECLS
