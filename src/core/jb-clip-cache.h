/* jb-clip-cache.h — clips downloaded with the session's token, verified by
 * SHA-256, kept on disk for the next time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jb-client.h"
#include "jb-clip.h"

G_BEGIN_DECLS

#define JB_CLIP_CACHE_ERROR (jb_clip_cache_error_quark ())

typedef enum
{
  JB_CLIP_CACHE_ERROR_NOT_VERIFIED,   /* the clip is still uploading */
  JB_CLIP_CACHE_ERROR_HASH_MISMATCH,  /* the bytes are not the clip's SHA-256 */
  JB_CLIP_CACHE_ERROR_SIZE_MISMATCH,  /* more or fewer bytes than declared */
  JB_CLIP_CACHE_ERROR_NOT_LOGGED_IN,
} JbClipCacheError;

GQuark jb_clip_cache_error_quark (void);

#define JB_TYPE_CLIP_CACHE (jb_clip_cache_get_type ())

G_DECLARE_FINAL_TYPE (JbClipCache, jb_clip_cache, JB, CLIP_CACHE, GObject)

/* @dir: NULL for $XDG_CACHE_HOME/jingbao/clips. The cache borrows nothing
 * from @client but its server address and token, read at each request. */
JbClipCache *jb_clip_cache_new               (JbClient            *client,
                                              const char          *dir);
const char  *jb_clip_cache_get_dir           (JbClipCache         *self);

/* What the cache keeps on disk at most (clips, hashes, thumbnails and
 * downloads under way); when a download completes past it, whole clips go,
 * least recently fetched first. 0: no limit. */
#define JB_CLIP_CACHE_DEFAULT_MAX_BYTES (G_GUINT64_CONSTANT (2) << 30)
void         jb_clip_cache_set_max_bytes     (JbClipCache         *self,
                                              guint64              max_bytes);

/* <dir>/<id>.<ext>: where a verified clip lives. */
char        *jb_clip_cache_get_path          (JbClipCache         *self,
                                              JbClip              *clip);
/* TRUE when the clip is on disk and was verified: its size matches and
 * the hash stored beside it is the clip's (no re-hashing). */
gboolean     jb_clip_cache_has_verified      (JbClipCache         *self,
                                              JbClip              *clip);

/* Downloads GET /api/v1/clips/{id}/content into <dir>/<id>.<ext>.part
 * (resuming with Range when a .part exists), checks the SHA-256 (off the
 * main loop), then renames it and stores the hash beside it. A verified
 * file on disk is returned at once. Fetches of the same clip share one
 * download. Progress: ::progress. Errors: JB_ERROR (the server's answer:
 * FORBIDDEN, NOT_FOUND, CONFLICT…, NETWORK), JB_CLIP_CACHE_ERROR, G_IO_ERROR
 * (CANCELLED, disk). On a hash mismatch the bytes are deleted. */
void         jb_clip_cache_fetch_async       (JbClipCache         *self,
                                              JbClip              *clip,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* The verified file. */
GFile       *jb_clip_cache_fetch_finish      (JbClipCache         *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* 0 to 1 while a download of @clip_id runs (bytes on disk / size), -1
 * when none runs. */
double       jb_clip_cache_get_progress      (JbClipCache         *self,
                                              const char          *clip_id);

/* GET /api/v1/clips/{id}/thumbnail into <dir>/<id>.thumb.png, once. */
void         jb_clip_cache_fetch_thumbnail_async  (JbClipCache         *self,
                                                   JbClip              *clip,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
GFile       *jb_clip_cache_fetch_thumbnail_finish (JbClipCache         *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* Signals:
 *   ::progress (const char *clip_id, gint64 received, gint64 total)  bytes
 *       of a running download on disk; once per chunk written.
 */

G_END_DECLS
