/* jb-jurisdiction.c
 *
 * A plain even-odd ray test over each ring; at a city's scale treating
 * degrees as planar coordinates is exact enough for a boundary drawn at
 * metre precision.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-jurisdiction"

#include "jb-jurisdiction.h"

#include <math.h>

#include "jb-geo.h"

typedef struct
{
  GArray *points;  /* double pairs: lon, lat */
} Ring;

typedef struct
{
  char    *id;
  double   lat;
  double   lon;
  gboolean has_location;
  GArray  *rings;  /* Ring; holes count through the even-odd rule */
  double   min_lon, max_lon, min_lat, max_lat;
} Area;

struct _JbJurisdiction
{
  GArray *areas;  /* Area */
};

static void
area_clear (gpointer data)
{
  Area *area = data;

  g_free (area->id);
  for (guint i = 0; i < area->rings->len; i++)
    g_array_unref (g_array_index (area->rings, Ring, i).points);
  g_array_unref (area->rings);
}

static gboolean
read_pair (JsonNode *node,
           double   *out_lon,
           double   *out_lat)
{
  JsonArray *pair;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  pair = json_node_get_array (node);
  if (json_array_get_length (pair) < 2)
    return FALSE;
  for (guint i = 0; i < 2; i++)
    {
      JsonNode *n = json_array_get_element (pair, i);

      if (!JSON_NODE_HOLDS_VALUE (n) ||
          (json_node_get_value_type (n) != G_TYPE_DOUBLE && json_node_get_value_type (n) != G_TYPE_INT64))
        return FALSE;
    }
  *out_lon = json_array_get_double_element (pair, 0);
  *out_lat = json_array_get_double_element (pair, 1);
  return TRUE;
}

static void
add_ring (Area     *area,
          JsonNode *node)
{
  JsonArray *coords;
  Ring ring;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  coords = json_node_get_array (node);
  ring.points = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < json_array_get_length (coords); i++)
    {
      double lon, lat;

      if (!read_pair (json_array_get_element (coords, i), &lon, &lat))
        continue;
      g_array_append_val (ring.points, lon);
      g_array_append_val (ring.points, lat);
      area->min_lon = MIN (area->min_lon, lon);
      area->max_lon = MAX (area->max_lon, lon);
      area->min_lat = MIN (area->min_lat, lat);
      area->max_lat = MAX (area->max_lat, lat);
    }
  if (ring.points->len >= 6)
    g_array_append_val (area->rings, ring);
  else
    g_array_unref (ring.points);
}

static void
add_polygon (Area     *area,
             JsonNode *node)
{
  JsonArray *rings;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  rings = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (rings); i++)
    add_ring (area, json_array_get_element (rings, i));
}

static void
read_geometry (Area       *area,
               JsonObject *geometry)
{
  const char *type;
  JsonNode *coordinates;

  if (geometry == NULL || !json_object_has_member (geometry, "type"))
    return;
  type = json_object_get_string_member_with_default (geometry, "type", "");
  coordinates = json_object_get_member (geometry, "coordinates");
  if (g_strcmp0 (type, "Polygon") == 0)
    add_polygon (area, coordinates);
  else if (g_strcmp0 (type, "MultiPolygon") == 0 && coordinates != NULL &&
           JSON_NODE_HOLDS_ARRAY (coordinates))
    {
      JsonArray *polygons = json_node_get_array (coordinates);

      for (guint i = 0; i < json_array_get_length (polygons); i++)
        add_polygon (area, json_array_get_element (polygons, i));
    }
}

static JsonObject *
object_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JbJurisdiction *
jb_jurisdiction_new (GPtrArray *stations)
{
  JbJurisdiction *self = g_new0 (JbJurisdiction, 1);

  self->areas = g_array_new (FALSE, TRUE, sizeof (Area));
  g_array_set_clear_func (self->areas, area_clear);
  for (guint i = 0; i < stations->len; i++)
    {
      JsonObject *station = g_ptr_array_index (stations, i);
      JsonObject *location = object_member (station, "location");
      Area area = { 0 };

      area.id = g_strdup (json_object_get_string_member_with_default (station, "id", ""));
      area.rings = g_array_new (FALSE, FALSE, sizeof (Ring));
      area.min_lon = area.min_lat = INFINITY;
      area.max_lon = area.max_lat = -INFINITY;
      if (location != NULL)
        {
          area.lat = json_object_get_double_member_with_default (location, "lat", 0);
          area.lon = json_object_get_double_member_with_default (location, "lon", 0);
          area.has_location = TRUE;
        }
      read_geometry (&area, object_member (station, "jurisdiction"));
      g_array_append_val (self->areas, area);
    }
  return self;
}

void
jb_jurisdiction_free (JbJurisdiction *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->areas);
  g_free (self);
}

static gboolean
ring_contains (const Ring *ring,
               double      lon,
               double      lat)
{
  const double *p = (const double *) (gpointer) ring->points->data;
  guint n = ring->points->len / 2;
  gboolean inside = FALSE;

  for (guint i = 0, j = n - 1; i < n; j = i++)
    {
      double xi = p[2 * i], yi = p[2 * i + 1];
      double xj = p[2 * j], yj = p[2 * j + 1];

      if ((yi > lat) != (yj > lat) &&
          lon < (xj - xi) * (lat - yi) / (yj - yi) + xi)
        inside = !inside;
    }
  return inside;
}

static gboolean
area_contains (const Area *area,
               double      lon,
               double      lat)
{
  gboolean inside = FALSE;

  if (lon < area->min_lon || lon > area->max_lon || lat < area->min_lat || lat > area->max_lat)
    return FALSE;
  for (guint i = 0; i < area->rings->len; i++)
    if (ring_contains (&g_array_index (area->rings, Ring, i), lon, lat))
      inside = !inside;
  return inside;
}

const char *
jb_jurisdiction_find_station (JbJurisdiction *self,
                              double          lat,
                              double          lon)
{
  const char *nearest = NULL;
  double best = INFINITY;

  for (guint i = 0; i < self->areas->len; i++)
    {
      const Area *area = &g_array_index (self->areas, Area, i);

      if (area_contains (area, lon, lat))
        return area->id;
    }
  for (guint i = 0; i < self->areas->len; i++)
    {
      const Area *area = &g_array_index (self->areas, Area, i);
      double d;

      if (!area->has_location)
        continue;
      d = jb_geo_distance_m (lat, lon, area->lat, area->lon);
      if (d < best)
        {
          best = d;
          nearest = area->id;
        }
    }
  return nearest;
}
