/* jb-map-bounds.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-map-bounds"

#include <math.h>

#include "jb-map-bounds.h"
#include "jb-unit.h"

/* libshumate clamps to these before projecting. */
#define MAX_LATITUDE 85.0511287798
#define MIN_LATITUDE -85.0511287798

/* The tile size libshumate's zoom levels are counted in. */
#define TILE_SIZE 256.0

double
jb_mercator_x (double lon)
{
  lon = CLAMP (lon, -180.0, 180.0);
  return (lon + 180.0) / 360.0;
}

double
jb_mercator_y (double lat)
{
  double s;

  lat = CLAMP (lat, MIN_LATITUDE, MAX_LATITUDE);
  s = sin (lat * G_PI / 180.0);
  return 0.5 - log ((1.0 + s) / (1.0 - s)) / (4.0 * G_PI);
}

double
jb_mercator_lon (double mx)
{
  return mx * 360.0 - 180.0;
}

double
jb_mercator_lat (double my)
{
  double n = G_PI - 2.0 * G_PI * my;

  return 180.0 / G_PI * atan (0.5 * (exp (n) - exp (-n)));
}

void
jb_map_bounds_init (JbMapBounds *self)
{
  g_return_if_fail (self != NULL);

  self->min_mx = self->min_my = G_MAXDOUBLE;
  self->max_mx = self->max_my = -G_MAXDOUBLE;
  self->n_points = 0;
}

static void
add_mercator (JbMapBounds *self,
              double       mx,
              double       my)
{
  self->min_mx = MIN (self->min_mx, mx);
  self->max_mx = MAX (self->max_mx, mx);
  self->min_my = MIN (self->min_my, my);
  self->max_my = MAX (self->max_my, my);
  self->n_points++;
}

void
jb_map_bounds_add_point (JbMapBounds *self,
                         double       lat,
                         double       lon)
{
  g_return_if_fail (self != NULL);

  add_mercator (self, jb_mercator_x (lon), jb_mercator_y (lat));
}

void
jb_map_bounds_add_box (JbMapBounds *self,
                       double       min_lat,
                       double       min_lon,
                       double       max_lat,
                       double       max_lon)
{
  g_return_if_fail (self != NULL);

  jb_map_bounds_add_point (self, min_lat, min_lon);
  jb_map_bounds_add_point (self, max_lat, max_lon);
}

gboolean
jb_map_bounds_get_center (const JbMapBounds *self,
                          double            *lat,
                          double            *lon)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->n_points == 0)
    return FALSE;
  /* The middle in Mercator, as the map shows it, not in degrees. */
  if (lat != NULL)
    *lat = jb_mercator_lat ((self->min_my + self->max_my) / 2);
  if (lon != NULL)
    *lon = jb_mercator_lon ((self->min_mx + self->max_mx) / 2);
  return TRUE;
}

gboolean
jb_map_bounds_fit (const JbMapBounds *self,
                   double             width,
                   double             height,
                   double             fill,
                   double             min_zoom,
                   double             max_zoom,
                   double            *lat,
                   double            *lon,
                   double            *zoom)
{
  double span_x, span_y, z = max_zoom;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (fill > 0 && fill <= 1, FALSE);
  g_return_val_if_fail (min_zoom <= max_zoom, FALSE);

  if (!jb_map_bounds_get_center (self, lat, lon))
    return FALSE;

  span_x = self->max_mx - self->min_mx;
  span_y = self->max_my - self->min_my;
  if (width > 0 && height > 0 && (span_x > 0 || span_y > 0))
    {
      /* The tighter direction decides; a flat box is fitted along its
       * length only. */
      double scale = G_MAXDOUBLE;

      if (span_x > 0)
        scale = MIN (scale, width / (span_x * TILE_SIZE));
      if (span_y > 0)
        scale = MIN (scale, height / (span_y * TILE_SIZE));
      z = log2 (scale * fill);
    }
  if (zoom != NULL)
    *zoom = CLAMP (z, min_zoom, max_zoom);
  return TRUE;
}

static gboolean
is_on_the_way (JbAssignmentState state)
{
  return state == JB_ASSIGNMENT_STATE_ASSIGNED ||
         state == JB_ASSIGNMENT_STATE_ACCEPTED ||
         state == JB_ASSIGNMENT_STATE_EN_ROUTE;
}

gboolean
jb_map_bounds_add_incident (JbMapBounds *self,
                            JbIncident  *incident,
                            JbStore     *store,
                            GArray      *units)
{
  double lat, lon;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (JB_IS_INCIDENT (incident), FALSE);
  g_return_val_if_fail (JB_IS_STORE (store), FALSE);
  g_return_val_if_fail (units == NULL || g_array_get_element_size (units) == sizeof (JbGeoPoint), FALSE);

  if (!jb_incident_get_location (incident, &lat, &lon))
    return FALSE;
  jb_map_bounds_add_point (self, lat, lon);

  for (guint i = 0; i < jb_incident_get_n_assignments (incident); i++)
    {
      const JbAssignment *assignment = jb_incident_get_assignment (incident, i);
      JbUnit *unit;
      JbPosition position;
      JbGeoPoint point;

      if (!is_on_the_way (assignment->state))
        continue;
      unit = jb_store_lookup_unit (store, assignment->unit_id);
      if (unit == NULL || !jb_unit_get_position (unit, &position))
        continue;

      jb_map_bounds_add_point (self, position.lat, position.lon);
      point.lat = position.lat;
      point.lon = position.lon;
      if (units != NULL)
        g_array_append_val (units, point);
    }
  return TRUE;
}
