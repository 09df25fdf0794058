/* jb-tiles.h — the basemap: tiles of an MBTiles file at
 * GET /api/v1/tiles/{z}/{x}/{y}
 *
 * Tiles are read on worker threads, each with its own read-only SQLite
 * connection, so a slow disk never stalls the event loop that carries
 * alarms. The answer goes out from the main loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "jb-dispatch.h"

G_BEGIN_DECLS

#define JB_TYPE_TILES (jb_tiles_get_type ())
G_DECLARE_FINAL_TYPE (JbTiles, jb_tiles, JB, TILES, GObject)

/* Opens @path read-only and reads its metadata. Fails with a message fit
 * for the command line when it is not a usable MBTiles file. */
JbTiles    *jb_tiles_open         (const char  *path,
                                   GError     **error);

/* config.basemap of docs/protocol.md (borrowed): name, attribution,
 * format, bounds, minzoom, maxzoom, tile_size, version. */
JsonObject *jb_tiles_get_metadata (JbTiles     *self);

/* One tile in XYZ numbering (y = 0 at the north), read on the calling
 * thread. Returns NULL with no error when there is no such tile. */
GBytes     *jb_tiles_read         (JbTiles     *self,
                                   guint        z,
                                   guint        x,
                                   guint        y,
                                   GError     **error);

/* The SoupServer handler for /api/v1/tiles/…: authenticates with
 * @dispatch, then answers from a worker thread (the message is paused
 * meanwhile). */
void        jb_tiles_serve        (JbTiles           *self,
                                   JbDispatch        *dispatch,
                                   SoupServerMessage *msg,
                                   const char        *path);

G_END_DECLS
