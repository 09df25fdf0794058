/* jb-basemap.h — config.basemap: the server's map tiles, if any
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  char   *name;
  char   *attribution;   /* plain text (HTML tags of the MBTiles field removed) */
  char   *format;        /* "png", "jpg", "webp" or "pbf" */
  double  west, south, east, north;
  guint   minzoom, maxzoom;
  guint   tile_size;
  char   *version;       /* changes with the tile set: key caches on it */
} JbBasemap;

/* Reads config.basemap of a config object (GET /api/v1/config, the
 * snapshot's config; may be NULL). Returns NULL with no error when the
 * server has no basemap (null or absent); a JB_ERROR naming the field when
 * it is malformed. */
JbBasemap *jb_basemap_new_from_config (JsonObject       *config,
                                       GError          **error);
JbBasemap *jb_basemap_copy            (const JbBasemap  *self);
void       jb_basemap_free            (JbBasemap        *self);
gboolean   jb_basemap_equal           (const JbBasemap  *a,
                                       const JbBasemap  *b);
/* PNG, JPEG and WebP: images a raster map can draw. */
gboolean   jb_basemap_is_raster       (const JbBasemap  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbBasemap, jb_basemap_free)

G_END_DECLS
