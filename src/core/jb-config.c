/* jb-config.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-config"

#include "jb-config.h"

#include "jb-basemap.h"

#include "jb-json.h"

#define DEFAULT_BODY_CAMERA_S 30
#define DEFAULT_HANDSET_S     30
#define DEFAULT_UNIT_S        120

struct _JbConfig
{
  GObject         parent_instance;

  JbTargetLimits  limits;
  guint           body_camera_s;
  guint           handset_s;
  guint           unit_s;
  char           *city_name;
  char           *city_district;
  gboolean        has_center;
  double          center_lat;
  double          center_lon;
  double          zoom;
  GArray         *incident_types;
  GArray         *dispositions;
  JbBasemap      *basemap;
};

G_DEFINE_FINAL_TYPE (JbConfig, jb_config, G_TYPE_OBJECT)

/* The arrays hold ints handed out as enums. */
G_STATIC_ASSERT (sizeof (JbIncidentType) == sizeof (int));
G_STATIC_ASSERT (sizeof (JbDisposition) == sizeof (int));

static JsonObject *
object_member (JsonObject *object,
               const char *member)
{
  JsonObject *out = NULL;

  if (object == NULL || !jb_json_get_object (object, member, FALSE, &out, NULL))
    return NULL;
  return out;
}

static const char *
string_member (JsonObject *object,
               const char *member)
{
  const char *out = NULL;

  if (object == NULL || !jb_json_get_string (object, member, FALSE, &out, NULL) || out == NULL)
    return "";
  return out;
}

/* A positive number of seconds, else @fallback. */
static guint
seconds_member (JsonObject *object,
                const char *member,
                guint       fallback)
{
  double value = 0;

  if (object == NULL || !jb_json_get_double (object, member, FALSE, &value, NULL) ||
      !(value >= 1 && value <= G_MAXUINT))
    return fallback;
  return (guint) value;
}

/* The strings of array @member that @parse knows, as enum values. */
static GArray *
enum_array (JsonObject *object,
            const char *member,
            gboolean  (*parse) (const char *, int *))
{
  JsonArray *array = NULL;
  GArray *out;

  if (object == NULL || !jb_json_get_array (object, member, FALSE, &array, NULL) || array == NULL)
    return NULL;

  out = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      int value;

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
          parse (json_node_get_string (node), &value))
        g_array_append_val (out, value);
    }
  return out;
}

static gboolean
parse_incident_type (const char *str,
                     int        *out)
{
  JbIncidentType value;

  if (!jb_incident_type_from_string (str, &value))
    return FALSE;
  *out = (int) value;
  return TRUE;
}

static gboolean
parse_disposition (const char *str,
                   int        *out)
{
  JbDisposition value;

  if (!jb_disposition_from_string (str, &value))
    return FALSE;
  *out = (int) value;
  return TRUE;
}

JbConfig *
jb_config_new_from_json (JsonObject *config)
{
  JbConfig *self = g_object_new (JB_TYPE_CONFIG, NULL);
  JsonObject *freshness = object_member (config, "freshness");
  JsonObject *city = object_member (config, "city");
  JsonObject *center = object_member (city, "center");
  double lat, lon;

  (void) jb_target_limits_from_config (config, &self->limits);
  self->body_camera_s = seconds_member (freshness, "body_camera_s", DEFAULT_BODY_CAMERA_S);
  self->handset_s = seconds_member (freshness, "police_handset_s", DEFAULT_HANDSET_S);
  self->unit_s = seconds_member (freshness, "unit_s", DEFAULT_UNIT_S);
  self->city_name = g_strdup (string_member (city, "name"));
  self->city_district = g_strdup (string_member (city, "district"));
  if (center != NULL &&
      jb_json_get_double (center, "lat", TRUE, &lat, NULL) &&
      jb_json_get_double (center, "lon", TRUE, &lon, NULL) &&
      lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)
    {
      self->has_center = TRUE;
      self->center_lat = lat;
      self->center_lon = lon;
    }
  if (city == NULL || !jb_json_get_double (city, "zoom", FALSE, &self->zoom, NULL) ||
      !(self->zoom > 0 && self->zoom <= 30))
    self->zoom = 0;
  self->incident_types = enum_array (config, "incident_types", parse_incident_type);
  self->dispositions = enum_array (config, "dispositions", parse_disposition);
  {
    g_autoptr(GError) error = NULL;

    self->basemap = jb_basemap_new_from_config (config, &error);
    if (error != NULL)
      g_debug ("Ignoring config.basemap: %s", error->message);
  }
  return self;
}

const JbBasemap *
jb_config_get_basemap (JbConfig *self)
{
  g_return_val_if_fail (JB_IS_CONFIG (self), NULL);
  return self->basemap;
}

const JbTargetLimits *
jb_config_get_target_limits (JbConfig *self)
{
  g_return_val_if_fail (JB_IS_CONFIG (self), NULL);
  return &self->limits;
}

guint
jb_config_get_body_camera_freshness (JbConfig *self)
{
  g_return_val_if_fail (JB_IS_CONFIG (self), DEFAULT_BODY_CAMERA_S);
  return self->body_camera_s;
}

guint
jb_config_get_handset_freshness (JbConfig *self)
{
  g_return_val_if_fail (JB_IS_CONFIG (self), DEFAULT_HANDSET_S);
  return self->handset_s;
}

guint
jb_config_get_unit_freshness (JbConfig *self)
{
  g_return_val_if_fail (JB_IS_CONFIG (self), DEFAULT_UNIT_S);
  return self->unit_s;
}

const char *
jb_config_get_city_name (JbConfig *self)
{
  g_return_val_if_fail (JB_IS_CONFIG (self), "");
  return self->city_name;
}

const char *
jb_config_get_city_district (JbConfig *self)
{
  g_return_val_if_fail (JB_IS_CONFIG (self), "");
  return self->city_district;
}

gboolean
jb_config_get_city_center (JbConfig *self,
                           double   *lat,
                           double   *lon)
{
  g_return_val_if_fail (JB_IS_CONFIG (self), FALSE);

  if (!self->has_center)
    return FALSE;
  if (lat != NULL)
    *lat = self->center_lat;
  if (lon != NULL)
    *lon = self->center_lon;
  return TRUE;
}

double
jb_config_get_city_zoom (JbConfig *self)
{
  g_return_val_if_fail (JB_IS_CONFIG (self), 0);
  return self->zoom;
}

const JbIncidentType *
jb_config_get_incident_types (JbConfig *self,
                              guint    *n)
{
  g_return_val_if_fail (JB_IS_CONFIG (self), NULL);
  g_return_val_if_fail (n != NULL, NULL);

  *n = self->incident_types != NULL ? self->incident_types->len : 0;
  return *n > 0 ? (const JbIncidentType *) (gpointer) self->incident_types->data : NULL;
}

const JbDisposition *
jb_config_get_dispositions (JbConfig *self,
                            guint    *n)
{
  g_return_val_if_fail (JB_IS_CONFIG (self), NULL);
  g_return_val_if_fail (n != NULL, NULL);

  *n = self->dispositions != NULL ? self->dispositions->len : 0;
  return *n > 0 ? (const JbDisposition *) (gpointer) self->dispositions->data : NULL;
}

static void
jb_config_finalize (GObject *object)
{
  JbConfig *self = (JbConfig *)object;

  g_clear_pointer (&self->city_name, g_free);
  g_clear_pointer (&self->city_district, g_free);
  g_clear_pointer (&self->incident_types, g_array_unref);
  g_clear_pointer (&self->dispositions, g_array_unref);
  g_clear_pointer (&self->basemap, jb_basemap_free);

  G_OBJECT_CLASS (jb_config_parent_class)->finalize (object);
}

static void
jb_config_class_init (JbConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = jb_config_finalize;
}

static void
jb_config_init (JbConfig *self)
{
  jb_target_limits_init_default (&self->limits);
}
