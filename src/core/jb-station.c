/* jb-station.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-station"

#include "jb-station-private.h"

#include <math.h>
#include <string.h>

#include "jb-codec-private.h"
#include "jb-json.h"

typedef struct
{
  double   *points;  /* lat, lon pairs */
  guint     n_points;
  gboolean  hole;
} Ring;

typedef struct
{
  char       *id;
  char       *name;
  char       *short_name;
  char       *code;
  char       *address;
  char       *phone;
  gboolean    has_location;
  double      lat;
  double      lon;
  JsonNode   *jurisdiction;  /* as received, for to_json */
  GArray     *rings;         /* Ring */
  double      bounds[4];     /* min lat, min lon, max lat, max lon */
  JbRoster   *roster;
} StationData;

struct _JbStation
{
  GObject     parent_instance;

  StationData d;
};

G_DEFINE_FINAL_TYPE (JbStation, jb_station, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_SHORT_NAME,
  PROP_CODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ring_clear (gpointer data)
{
  Ring *ring = data;

  g_clear_pointer (&ring->points, g_free);
}

static void
station_data_clear (StationData *d)
{
  g_clear_pointer (&d->id, g_free);
  g_clear_pointer (&d->name, g_free);
  g_clear_pointer (&d->short_name, g_free);
  g_clear_pointer (&d->code, g_free);
  g_clear_pointer (&d->address, g_free);
  g_clear_pointer (&d->phone, g_free);
  g_clear_pointer (&d->jurisdiction, json_node_unref);
  g_clear_pointer (&d->rings, g_array_unref);
  g_clear_pointer (&d->roster, jb_roster_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StationData, station_data_clear)

static gboolean
bad_geometry (const char  *what,
              GError     **error)
{
  g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
               "The field \"jurisdiction\" is not a valid GeoJSON polygon: %s.", what);
  return FALSE;
}

static gboolean
parse_ring (JsonArray    *coords,
            gboolean      hole,
            StationData  *d,
            GError      **error)
{
  guint n = json_array_get_length (coords);
  Ring ring = { NULL, n, hole };

  if (n < 3)
    return bad_geometry ("a ring has fewer than 3 points", error);

  ring.points = g_new (double, 2 * n);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *pt = json_array_get_element (coords, i);
      JsonArray *pair;
      JsonNode *x, *y;
      double lon, lat;

      if (!JSON_NODE_HOLDS_ARRAY (pt) ||
          json_array_get_length (pair = json_node_get_array (pt)) < 2)
        {
          g_free (ring.points);
          return bad_geometry ("a point is not [lon, lat]", error);
        }
      x = json_array_get_element (pair, 0);
      y = json_array_get_element (pair, 1);
      if (!JSON_NODE_HOLDS_VALUE (x) || !JSON_NODE_HOLDS_VALUE (y) ||
          (json_node_get_value_type (x) != G_TYPE_DOUBLE && json_node_get_value_type (x) != G_TYPE_INT64) ||
          (json_node_get_value_type (y) != G_TYPE_DOUBLE && json_node_get_value_type (y) != G_TYPE_INT64))
        {
          g_free (ring.points);
          return bad_geometry ("a coordinate is not a number", error);
        }
      lon = json_node_get_double (x);
      lat = json_node_get_double (y);
      if (!isfinite (lat) || !isfinite (lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180)
        {
          g_free (ring.points);
          g_set_error (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE,
                       "The field \"jurisdiction\" has a point out of range.");
          return FALSE;
        }
      ring.points[2 * i] = lat;
      ring.points[2 * i + 1] = lon;
      d->bounds[0] = MIN (d->bounds[0], lat);
      d->bounds[1] = MIN (d->bounds[1], lon);
      d->bounds[2] = MAX (d->bounds[2], lat);
      d->bounds[3] = MAX (d->bounds[3], lon);
    }

  g_array_append_val (d->rings, ring);
  return TRUE;
}

static gboolean
parse_polygon (JsonNode     *node,
               StationData  *d,
               GError      **error)
{
  JsonArray *rings;
  guint n;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return bad_geometry ("a polygon is not an array of rings", error);
  rings = json_node_get_array (node);
  n = json_array_get_length (rings);
  if (n == 0)
    return bad_geometry ("a polygon has no rings", error);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *ring = json_array_get_element (rings, i);

      if (!JSON_NODE_HOLDS_ARRAY (ring))
        return bad_geometry ("a ring is not an array", error);
      if (!parse_ring (json_node_get_array (ring), i > 0, d, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
parse_jurisdiction (JsonObject   *geometry,
                    StationData  *d,
                    GError      **error)
{
  const char *type = NULL;
  JsonArray *coords = NULL;

  if (!jb_json_get_string (geometry, "type", TRUE, &type, error) ||
      !jb_json_get_array (geometry, "coordinates", TRUE, &coords, error))
    {
      g_prefix_error (error, "jurisdiction: ");
      return FALSE;
    }

  if (g_str_equal (type, "Polygon"))
    return parse_polygon (json_object_get_member (geometry, "coordinates"), d, error);

  if (g_str_equal (type, "MultiPolygon"))
    {
      for (guint i = 0; i < json_array_get_length (coords); i++)
        if (!parse_polygon (json_array_get_element (coords, i), d, error))
          return FALSE;
      return TRUE;
    }

  g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
               "\"%s\" is not a valid value for \"jurisdiction.type\".", type);
  return FALSE;
}

/* Unknown members are tolerated: the client reads what the server wrote,
 * and a newer server may add members (forward compatibility). */
static gboolean
station_data_parse (JsonNode     *node,
                    StationData  *d,
                    GError      **error)
{
  JsonObject *object;
  JsonObject *jurisdiction = NULL;
  JsonObject *roster = NULL;

  if (!_jb_codec_root_object (node, "station", &object, error))
    return FALSE;

  d->rings = g_array_new (FALSE, FALSE, sizeof (Ring));
  g_array_set_clear_func (d->rings, ring_clear);
  d->bounds[0] = d->bounds[1] = INFINITY;
  d->bounds[2] = d->bounds[3] = -INFINITY;

  if (!_jb_codec_dup_string (object, "id", TRUE, &d->id, error) ||
      !_jb_codec_dup_string (object, "name", FALSE, &d->name, error) ||
      !_jb_codec_dup_string (object, "short_name", FALSE, &d->short_name, error) ||
      !_jb_codec_dup_string (object, "code", FALSE, &d->code, error) ||
      !_jb_codec_dup_string (object, "address", FALSE, &d->address, error) ||
      !_jb_codec_dup_string (object, "phone", FALSE, &d->phone, error) ||
      !_jb_codec_get_location (object, "location", FALSE, &d->has_location, &d->lat, &d->lon, error) ||
      !jb_json_get_object (object, "jurisdiction", FALSE, &jurisdiction, error) ||
      !jb_json_get_object (object, "roster", FALSE, &roster, error))
    return FALSE;

  if (jurisdiction != NULL)
    {
      if (!parse_jurisdiction (jurisdiction, d, error))
        return FALSE;
      d->jurisdiction = json_node_copy (json_object_get_member (object, "jurisdiction"));
    }
  if (roster != NULL &&
      (d->roster = jb_roster_new_from_json (json_object_get_member (object, "roster"), error)) == NULL)
    {
      g_prefix_error (error, "roster.");
      return FALSE;
    }

  return TRUE;
}

static void
station_apply_data (JbStation   *self,
                    StationData *d,
                    gboolean     notify)
{
  StationData old = self->d;
  gboolean changed[N_PROPS] = { FALSE, };

  changed[PROP_NAME] = !_jb_codec_str_equal (old.name, d->name);
  changed[PROP_SHORT_NAME] = !_jb_codec_str_equal (old.short_name, d->short_name);
  changed[PROP_CODE] = !_jb_codec_str_equal (old.code, d->code);

  if (old.id != NULL)
    {
      g_free (d->id);
      d->id = old.id;
      old.id = NULL;
    }
  self->d = *d;
  memset (d, 0, sizeof *d);
  station_data_clear (&old);

  if (!notify)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  for (guint prop = PROP_NAME; prop < N_PROPS; prop++)
    if (changed[prop])
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  g_object_thaw_notify (G_OBJECT (self));
}

JbStation *
jb_station_new_from_json (JsonNode  *node,
                          GError   **error)
{
  g_auto(StationData) d = { 0, };
  JbStation *self;

  if (!station_data_parse (node, &d, error))
    return NULL;

  self = g_object_new (JB_TYPE_STATION, NULL);
  station_apply_data (self, &d, FALSE);
  return self;
}

gboolean
_jb_station_update_from_json (JbStation  *self,
                              JsonNode   *node,
                              GError    **error)
{
  g_auto(StationData) d = { 0, };

  g_return_val_if_fail (JB_IS_STATION (self), FALSE);

  if (!station_data_parse (node, &d, error))
    return FALSE;
  if (g_strcmp0 (d.id, self->d.id) != 0)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                   "Station \"%s\" cannot become \"%s\".", self->d.id, d.id);
      return FALSE;
    }

  station_apply_data (self, &d, TRUE);
  return TRUE;
}

void
_jb_station_update_from_station (JbStation *self,
                                 JbStation *fresh)
{
  g_return_if_fail (JB_IS_STATION (self));
  g_return_if_fail (JB_IS_STATION (fresh));
  g_return_if_fail (g_strcmp0 (self->d.id, fresh->d.id) == 0);

  station_apply_data (self, &fresh->d, TRUE);
}

JsonNode *
jb_station_to_json (JbStation *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (JB_IS_STATION (self), NULL);

  json_builder_begin_object (builder);
  _jb_codec_add_string (builder, "id", self->d.id);
  _jb_codec_add_string (builder, "name", self->d.name);
  _jb_codec_add_string (builder, "short_name", self->d.short_name);
  _jb_codec_add_string (builder, "code", self->d.code);
  _jb_codec_add_string (builder, "address", self->d.address);
  _jb_codec_add_string (builder, "phone", self->d.phone);
  _jb_codec_add_location (builder, "location", self->d.has_location, self->d.lat, self->d.lon);
  json_builder_set_member_name (builder, "jurisdiction");
  if (self->d.jurisdiction != NULL)
    json_builder_add_value (builder, json_node_copy (self->d.jurisdiction));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "roster");
  if (self->d.roster != NULL)
    json_builder_add_value (builder, jb_roster_to_json (self->d.roster));
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
jb_station_finalize (GObject *object)
{
  JbStation *self = (JbStation *)object;

  station_data_clear (&self->d);

  G_OBJECT_CLASS (jb_station_parent_class)->finalize (object);
}

static void
jb_station_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  JbStation *self = JB_STATION (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->d.id); break;
    case PROP_NAME: g_value_set_string (value, self->d.name); break;
    case PROP_SHORT_NAME: g_value_set_string (value, self->d.short_name); break;
    case PROP_CODE: g_value_set_string (value, self->d.code); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_station_class_init (JbStationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = jb_station_finalize;
  object_class->get_property = jb_station_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_SHORT_NAME] = g_param_spec_string ("short-name", NULL, NULL, NULL, flags);
  properties[PROP_CODE] = g_param_spec_string ("code", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jb_station_init (JbStation *self)
{
}

#define STRING_GETTER(field)                                \
  const char *                                              \
  jb_station_get_##field (JbStation *self)                  \
  {                                                         \
    g_return_val_if_fail (JB_IS_STATION (self), NULL);      \
    return self->d.field;                                   \
  }

STRING_GETTER (id)
STRING_GETTER (name)
STRING_GETTER (short_name)
STRING_GETTER (code)
STRING_GETTER (address)
STRING_GETTER (phone)

gboolean
jb_station_get_location (JbStation *self,
                         double    *lat,
                         double    *lon)
{
  g_return_val_if_fail (JB_IS_STATION (self), FALSE);

  if (!self->d.has_location)
    return FALSE;
  if (lat != NULL)
    *lat = self->d.lat;
  if (lon != NULL)
    *lon = self->d.lon;
  return TRUE;
}

guint
jb_station_get_n_rings (JbStation *self)
{
  g_return_val_if_fail (JB_IS_STATION (self), 0);
  return self->d.rings != NULL ? self->d.rings->len : 0;
}

const double *
jb_station_get_ring (JbStation *self,
                     guint      i,
                     guint     *n_points)
{
  const Ring *ring;

  g_return_val_if_fail (JB_IS_STATION (self), NULL);
  g_return_val_if_fail (i < jb_station_get_n_rings (self), NULL);

  ring = &g_array_index (self->d.rings, Ring, i);
  if (n_points != NULL)
    *n_points = ring->n_points;
  return ring->points;
}

gboolean
jb_station_ring_is_hole (JbStation *self,
                         guint      i)
{
  g_return_val_if_fail (JB_IS_STATION (self), FALSE);
  g_return_val_if_fail (i < jb_station_get_n_rings (self), FALSE);

  return g_array_index (self->d.rings, Ring, i).hole;
}

gboolean
jb_station_get_bounds (JbStation *self,
                       double    *min_lat,
                       double    *min_lon,
                       double    *max_lat,
                       double    *max_lon)
{
  g_return_val_if_fail (JB_IS_STATION (self), FALSE);

  if (jb_station_get_n_rings (self) == 0)
    return FALSE;
  if (min_lat != NULL) *min_lat = self->d.bounds[0];
  if (min_lon != NULL) *min_lon = self->d.bounds[1];
  if (max_lat != NULL) *max_lat = self->d.bounds[2];
  if (max_lon != NULL) *max_lon = self->d.bounds[3];
  return TRUE;
}

/* Even-odd ray casting in the (lon, lat) plane: fine at a city's scale. */
static gboolean
ring_contains (const Ring *ring,
               double      lat,
               double      lon)
{
  gboolean inside = FALSE;
  const double *p = ring->points;

  for (guint i = 0, j = ring->n_points - 1; i < ring->n_points; j = i++)
    {
      double lat_i = p[2 * i], lon_i = p[2 * i + 1];
      double lat_j = p[2 * j], lon_j = p[2 * j + 1];

      if ((lat_i > lat) != (lat_j > lat) &&
          lon < (lon_j - lon_i) * (lat - lat_i) / (lat_j - lat_i) + lon_i)
        inside = !inside;
    }

  return inside;
}

gboolean
jb_station_contains (JbStation *self,
                     double     lat,
                     double     lon)
{
  gboolean in_polygon = FALSE;

  g_return_val_if_fail (JB_IS_STATION (self), FALSE);

  if (jb_station_get_n_rings (self) == 0 ||
      lat < self->d.bounds[0] || lon < self->d.bounds[1] ||
      lat > self->d.bounds[2] || lon > self->d.bounds[3])
    return FALSE;

  /* Rings come polygon by polygon, outer ring first: the point is in the
   * station's area when it is in some outer ring and in none of that
   * polygon's holes. */
  for (guint i = 0; i < self->d.rings->len; i++)
    {
      const Ring *ring = &g_array_index (self->d.rings, Ring, i);

      if (!ring->hole)
        {
          if (in_polygon)
            return TRUE;
          in_polygon = ring_contains (ring, lat, lon);
        }
      else if (in_polygon && ring_contains (ring, lat, lon))
        in_polygon = FALSE;
    }

  return in_polygon;
}

JbRoster *
jb_station_get_roster (JbStation *self)
{
  g_return_val_if_fail (JB_IS_STATION (self), NULL);
  return self->d.roster;
}
