/* jb-json.h — strict reading of protocol JSON
 *
 * Every reader checks that the member exists and has the right type before
 * touching it, and fails with a JB_ERROR naming the field, so bad input
 * becomes a 400 and never a critical.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "jb-error.h"

G_BEGIN_DECLS

/* Parses @data (not NUL-terminated, @length bytes) and returns its root,
 * which must be an object. JB_ERROR_MALFORMED_JSON / _NOT_AN_OBJECT. */
JsonNode   *jb_json_parse_object   (const char         *data,
                                    gssize              length,
                                    GError            **error);

/* Checks raw JSON text for what json-glib would read wrongly without an
 * error: an integer literal outside the int64 range (JB_ERROR_OUT_OF_RANGE),
 * an escaped NUL in a string (JB_ERROR_INVALID_VALUE), and a second value
 * after the first (JB_ERROR_MALFORMED_JSON). Called by
 * jb_json_parse_object(). */
gboolean    jb_json_check_text     (const char         *data,
                                    gsize               length,
                                    GError            **error);

/* Fails with JB_ERROR_UNKNOWN_FIELD on the first member of @object that is
 * not in the NULL-terminated @allowed list. */
gboolean    jb_json_check_members  (JsonObject         *object,
                                    const char * const *allowed,
                                    GError            **error);

/* The getters: when the member is absent (or null and !required) they leave
 * *out untouched and return TRUE unless @required; when present with the
 * wrong type they fail with JB_ERROR_INVALID_TYPE. */
gboolean    jb_json_get_string     (JsonObject         *object,
                                    const char         *member,
                                    gboolean            required,
                                    const char        **out,
                                    GError            **error);
gboolean    jb_json_get_int        (JsonObject         *object,
                                    const char         *member,
                                    gboolean            required,
                                    gint64             *out,
                                    GError            **error);
gboolean    jb_json_get_double     (JsonObject         *object,
                                    const char         *member,
                                    gboolean            required,
                                    double             *out,
                                    GError            **error);
gboolean    jb_json_get_boolean    (JsonObject         *object,
                                    const char         *member,
                                    gboolean            required,
                                    gboolean           *out,
                                    GError            **error);
gboolean    jb_json_get_object     (JsonObject         *object,
                                    const char         *member,
                                    gboolean            required,
                                    JsonObject        **out,
                                    GError            **error);
gboolean    jb_json_get_array      (JsonObject         *object,
                                    const char         *member,
                                    gboolean            required,
                                    JsonArray         **out,
                                    GError            **error);

/* Reads a string member and parses it with an enum's from_string; an
 * unknown value fails with JB_ERROR_INVALID_VALUE listing nothing but the
 * bad value, so messages stay short. */
typedef gboolean (*JbEnumParseFunc) (const char *str,
                                     int        *out_value);
gboolean    jb_json_get_enum       (JsonObject         *object,
                                    const char         *member,
                                    gboolean            required,
                                    JbEnumParseFunc     parse,
                                    int                *out,
                                    GError            **error);
#define JB_ENUM_PARSER(fn) ((JbEnumParseFunc) (void (*) (void)) (fn))

/* Reads {"lat": …, "lon": …} members of @object (finite, in range:
 * JB_ERROR_OUT_OF_RANGE otherwise). */
gboolean    jb_json_get_lat_lon    (JsonObject         *object,
                                    double             *out_lat,
                                    double             *out_lon,
                                    GError            **error);

/* Compact serialisation; the result is NUL-terminated, its length in
 * @out_length when non-NULL. */
char       *jb_json_to_string      (JsonNode           *node,
                                    gsize              *out_length);

/* The error body of docs/protocol.md: {"error": {"code", "message"}}. */
char       *jb_json_error_body     (const GError       *error);

/* A JSON number without exponent (@len bytes of -?digits[.digits]) as
 * the double strtod reads, when that is exact to compute: TRUE then. */
gboolean    jb_json_read_short_decimal (const char *text,
                                        gsize       len,
                                        double     *out);

G_END_DECLS
