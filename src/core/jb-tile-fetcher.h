/* jb-tile-fetcher.h — basemap tiles from GET /api/v1/tiles/{z}/{x}/{y}
 *
 * The tiles need the session's Bearer token like every other request; they
 * go through a session of their own so that a screenful of tiles never
 * queues in front of a dispatch command.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-client.h"

G_BEGIN_DECLS

typedef enum
{
  JB_TILE_FETCHED,       /* 200: new bytes and their ETag */
  JB_TILE_EMPTY,         /* 204: the tile set has nothing there */
  JB_TILE_NOT_MODIFIED,  /* 304: the ETag given still holds */
} JbTileResult;

#define JB_TYPE_TILE_FETCHER (jb_tile_fetcher_get_type ())
G_DECLARE_FINAL_TYPE (JbTileFetcher, jb_tile_fetcher, JB, TILE_FETCHER, GObject)

/* Follows @client's server and token (weakly: a fetch after the client is
 * gone fails). */
JbTileFetcher *jb_tile_fetcher_new          (JbClient            *client);

/* @etag: the one cached with the tile, or NULL. */
void           jb_tile_fetcher_fetch_async  (JbTileFetcher       *self,
                                             guint                z,
                                             guint                x,
                                             guint                y,
                                             const char          *etag,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* FALSE with JB_ERROR_UNAUTHORIZED (401), JB_ERROR_NETWORK (no answer) or
 * the server's error code otherwise. On JB_TILE_FETCHED, @out_bytes and
 * @out_etag (may be NULL) are set. */
gboolean       jb_tile_fetcher_fetch_finish (JbTileFetcher       *self,
                                             GAsyncResult        *result,
                                             JbTileResult        *out_result,
                                             GBytes             **out_bytes,
                                             char               **out_etag,
                                             GError             **error);

G_END_DECLS
