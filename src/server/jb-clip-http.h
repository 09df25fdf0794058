/* jb-clip-http.h — the clip requests that carry bytes, not JSON
 *
 * The streamed upload (PUT /api/v1/device/clips/{id}/content: each chunk
 * goes to disk as it arrives, never whole in memory), the content with
 * Range and the thumbnail. Everything else under the same paths goes to
 * the fallback handlers, the REST API's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "jb-dispatch.h"

G_BEGIN_DECLS

#define JB_TYPE_CLIP_HTTP (jb_clip_http_get_type ())
G_DECLARE_FINAL_TYPE (JbClipHttp, jb_clip_http, JB, CLIP_HTTP, GObject)

/* Adds handlers for /api/v1/device/clips and /api/v1/clips to @server. */
JbClipHttp *jb_clip_http_new (JbDispatch         *dispatch,
                              SoupServer         *server,
                              SoupServerCallback  fallback_early,
                              SoupServerCallback  fallback,
                              gpointer            fallback_data);

G_END_DECLS
