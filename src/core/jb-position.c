/* jb-position.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-position"

#include "jb-position.h"

#include <math.h>

#include "jb-json.h"

static gboolean
out_of_range (const char  *field,
              const char  *member,
              const char  *range,
              GError     **error)
{
  g_set_error (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE,
               "The field \"%s.%s\" must be %s.", field, member, range);
  return FALSE;
}

gboolean
jb_position_from_json_object (JsonObject  *object,
                              const char  *field,
                              JbPosition  *out,
                              GError     **error)
{
  JbPosition pos = { 0, 0, NAN, NAN, NAN, 0 };

  if (!jb_json_get_lat_lon (object, &pos.lat, &pos.lon, error) ||
      !jb_json_get_double (object, "heading", FALSE, &pos.heading, error) ||
      !jb_json_get_double (object, "speed", FALSE, &pos.speed, error) ||
      !jb_json_get_double (object, "accuracy", FALSE, &pos.accuracy, error) ||
      !jb_json_get_int (object, "time", TRUE, &pos.time, error))
    {
      if (error != NULL && *error != NULL)
        g_prefix_error (error, "%s: ", field);
      return FALSE;
    }

  if (!isnan (pos.heading) && (pos.heading < 0.0 || pos.heading >= 360.0))
    return out_of_range (field, "heading", "in [0, 360)", error);
  if (!isnan (pos.speed) && pos.speed < 0.0)
    return out_of_range (field, "speed", ">= 0", error);
  if (!isnan (pos.accuracy) && pos.accuracy < 0.0)
    return out_of_range (field, "accuracy", ">= 0", error);

  *out = pos;
  return TRUE;
}

static void
add_nullable_double (JsonBuilder *builder,
                     const char  *member,
                     double       value)
{
  json_builder_set_member_name (builder, member);
  if (isnan (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, value);
}

JsonNode *
jb_position_to_json (const JbPosition *position)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (position != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "lat");
  json_builder_add_double_value (builder, position->lat);
  json_builder_set_member_name (builder, "lon");
  json_builder_add_double_value (builder, position->lon);
  add_nullable_double (builder, "heading", position->heading);
  add_nullable_double (builder, "speed", position->speed);
  add_nullable_double (builder, "accuracy", position->accuracy);
  json_builder_set_member_name (builder, "time");
  json_builder_add_int_value (builder, position->time);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
double_equal (double a,
              double b)
{
  return (isnan (a) && isnan (b)) || a == b;
}

gboolean
jb_position_equal (const JbPosition *a,
                   const JbPosition *b)
{
  return a->lat == b->lat && a->lon == b->lon &&
         double_equal (a->heading, b->heading) &&
         double_equal (a->speed, b->speed) &&
         double_equal (a->accuracy, b->accuracy) &&
         a->time == b->time;
}
