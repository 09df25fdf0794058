/* jb-codec.c — small helpers shared by the models' JSON codecs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-codec"

#include "jb-codec-private.h"

#include "jb-json.h"

gboolean
_jb_codec_root_object (JsonNode    *node,
                       const char  *what,
                       JsonObject **out,
                       GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, JB_ERROR, JB_ERROR_NOT_AN_OBJECT,
                   "A %s must be a JSON object.", what);
      return FALSE;
    }

  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
_jb_codec_dup_string (JsonObject  *object,
                      const char  *member,
                      gboolean     required,
                      char       **out,
                      GError     **error)
{
  const char *str = NULL;

  if (!jb_json_get_string (object, member, required, &str, error))
    return FALSE;

  *out = g_strdup (str);
  return TRUE;
}

gboolean
_jb_codec_get_time (JsonObject  *object,
                    const char  *member,
                    gint64      *out,
                    GError     **error)
{
  gint64 value = 0;

  if (!jb_json_get_int (object, member, FALSE, &value, error))
    return FALSE;
  if (value < 0)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE,
                   "The field \"%s\" must be a time in ms since 1970.", member);
      return FALSE;
    }

  *out = value;
  return TRUE;
}

gboolean
_jb_codec_get_location (JsonObject  *object,
                        const char  *member,
                        gboolean     required,
                        gboolean    *has,
                        double      *lat,
                        double      *lon,
                        GError     **error)
{
  JsonObject *loc = NULL;

  *has = FALSE;
  if (!jb_json_get_object (object, member, required, &loc, error))
    return FALSE;
  if (loc == NULL)
    return TRUE;

  if (!jb_json_get_lat_lon (loc, lat, lon, error))
    {
      g_prefix_error (error, "%s: ", member);
      return FALSE;
    }

  *has = TRUE;
  return TRUE;
}

void
_jb_codec_add_string (JsonBuilder *builder,
                      const char  *member,
                      const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

void
_jb_codec_add_time (JsonBuilder *builder,
                    const char  *member,
                    gint64       value)
{
  json_builder_set_member_name (builder, member);
  if (value == 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, value);
}

void
_jb_codec_add_int (JsonBuilder *builder,
                   const char  *member,
                   gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

void
_jb_codec_add_location (JsonBuilder *builder,
                        const char  *member,
                        gboolean     has,
                        double       lat,
                        double       lon)
{
  json_builder_set_member_name (builder, member);
  if (!has)
    {
      json_builder_add_null_value (builder);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "lat");
  json_builder_add_double_value (builder, lat);
  json_builder_set_member_name (builder, "lon");
  json_builder_add_double_value (builder, lon);
  json_builder_end_object (builder);
}

gboolean
_jb_codec_str_equal (const char *a,
                     const char *b)
{
  return g_strcmp0 (a, b) == 0;
}

gboolean
_jb_codec_set_string (char       **field,
                      const char  *value)
{
  if (_jb_codec_str_equal (*field, value))
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}
