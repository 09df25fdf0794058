/* jb-codec-private.h — small helpers shared by the models' JSON codecs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* @node must hold an object (JB_ERROR_NOT_AN_OBJECT naming @what). */
gboolean _jb_codec_root_object  (JsonNode     *node,
                                 const char   *what,
                                 JsonObject  **out,
                                 GError      **error);
/* A string member duplicated into *out (NULL when absent or null). */
gboolean _jb_codec_dup_string   (JsonObject   *object,
                                 const char   *member,
                                 gboolean      required,
                                 char        **out,
                                 GError      **error);
/* A time member (ms); absent or null → 0. Negative → OUT_OF_RANGE. */
gboolean _jb_codec_get_time     (JsonObject   *object,
                                 const char   *member,
                                 gint64       *out,
                                 GError      **error);
/* A {"lat","lon"} member; *has is FALSE when absent or null. */
gboolean _jb_codec_get_location (JsonObject   *object,
                                 const char   *member,
                                 gboolean      required,
                                 gboolean     *has,
                                 double       *lat,
                                 double       *lon,
                                 GError      **error);
/* Builder helpers: NULL strings and 0 times become null. */
void     _jb_codec_add_string   (JsonBuilder  *builder,
                                 const char   *member,
                                 const char   *value);
void     _jb_codec_add_time     (JsonBuilder  *builder,
                                 const char   *member,
                                 gint64        value);
void     _jb_codec_add_int      (JsonBuilder  *builder,
                                 const char   *member,
                                 gint64        value);
void     _jb_codec_add_location (JsonBuilder  *builder,
                                 const char   *member,
                                 gboolean      has,
                                 double        lat,
                                 double        lon);
/* g_strcmp0 == 0, for change detection. */
gboolean _jb_codec_str_equal    (const char   *a,
                                 const char   *b);
/* Replaces *field with a copy of @value; TRUE when it changed. */
gboolean _jb_codec_set_string   (char        **field,
                                 const char   *value);

G_END_DECLS
