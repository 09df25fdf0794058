/* jb-jurisdiction.c
 *
 * The geometry is core's JbGeoShape (GeoJSON Polygon and MultiPolygon,
 * holes included).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-jurisdiction"

#include "jb-jurisdiction.h"

#include <math.h>

#include "jb-geo.h"

typedef struct
{
  char       *id;
  double      lat;
  double      lon;
  gboolean    has_location;
  JbGeoShape *shape;  /* NULL when the station has no usable jurisdiction */
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
  g_clear_pointer (&area->shape, jb_geo_shape_unref);
}

static JsonObject *
object_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JbGeoShape *
read_shape (JsonObject *station,
            const char *id)
{
  JsonNode *geometry = json_object_get_member (station, "jurisdiction");
  g_autoptr(GError) error = NULL;
  JbGeoShape *shape;

  if (geometry == NULL || JSON_NODE_HOLDS_NULL (geometry))
    return NULL;
  shape = jb_geo_shape_new_from_json (geometry, &error);
  if (shape == NULL)
    g_warning ("The jurisdiction of %s is unusable: %s", id, error->message);
  return shape;
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
      if (location != NULL)
        {
          area.lat = json_object_get_double_member_with_default (location, "lat", 0);
          area.lon = json_object_get_double_member_with_default (location, "lon", 0);
          area.has_location = TRUE;
        }
      area.shape = read_shape (station, area.id);
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

static const char *
nearest_station (JbJurisdiction *self,
                 double          lat,
                 double          lon)
{
  const char *nearest = NULL;
  double best = INFINITY;

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

const char *
jb_jurisdiction_find_station (JbJurisdiction *self,
                              double          lat,
                              double          lon)
{
  for (guint i = 0; i < self->areas->len; i++)
    {
      const Area *area = &g_array_index (self->areas, Area, i);

      if (area->shape != NULL && jb_geo_shape_contains (area->shape, lat, lon))
        return area->id;
    }
  return nearest_station (self, lat, lon);
}
