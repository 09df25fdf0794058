/* jb-tile-source.h — the dispatch server's basemap as a libshumate data
 * source: tiles fetched with the session's token, cached on disk
 *
 * libshumate 1.0.3's ShumateTileDownloader cannot add an Authorization
 * header, and a token in the tile URL would end up in logs and in the
 * cache's keys; so this source fetches through the client core and keeps
 * the tiles in a ShumateFileCache of its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <shumate/shumate.h>

#include "jb-basemap.h"
#include "jb-tile-fetcher.h"

G_BEGIN_DECLS

#define JB_TYPE_TILE_SOURCE (jb_tile_source_get_type ())
G_DECLARE_FINAL_TYPE (JbTileSource, jb_tile_source, JB, TILE_SOURCE, ShumateDataSource)

/* The disk cache is keyed on the server and @basemap's version, so a new
 * tile set never shows old tiles. */
JbTileSource *jb_tile_source_new (JbTileFetcher   *fetcher,
                                  const char      *server_url,
                                  const JbBasemap *basemap);

G_END_DECLS
