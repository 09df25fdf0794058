/* jb-position.h — a position fix, as the protocol's Position object
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  double lat;
  double lon;
  double heading;   /* degrees clockwise from north, NAN if unknown */
  double speed;     /* m/s, NAN if unknown */
  double accuracy;  /* metres, NAN if unknown */
  gint64 time;      /* ms since the Unix epoch, UTC */
} JbPosition;

/* Reads a Position object ({"lat", "lon", "heading"?, "speed"?,
 * "accuracy"?, "time"}): lat/lon in range, heading in [0, 360), speed and
 * accuracy >= 0, time required. @field names the member in errors. Unknown
 * members are tolerated (the client reads server objects; see jb-unit.c). */
gboolean  jb_position_from_json_object (JsonObject       *object,
                                        const char       *field,
                                        JbPosition       *out,
                                        GError          **error);
/* Writes @position as a new Position object (NAN members become null). */
JsonNode *jb_position_to_json          (const JbPosition *position);
gboolean  jb_position_equal            (const JbPosition *a,
                                        const JbPosition *b);

G_END_DECLS
