/* jb-test-clip.h — make real test clips with GStreamer and upload them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-test-server.h"

G_BEGIN_DECLS

/* Encodes a WebM clip (VP8 + Vorbis) of @seconds at @width x @height: a test
 * pattern with @label and a running clock burned in, and a tone. Writes it
 * into @dir and returns its path (free with g_free), or NULL and @error. */
char    *jb_test_clip_make        (const char   *dir,
                                   guint         seconds,
                                   guint         width,
                                   guint         height,
                                   const char   *label,
                                   GError      **error);

/* Uploads the file at @path as a clip of @incident_id through the device
 * API: POST /api/v1/device/clips, then PUT in several Content-Range chunks.
 * Returns the clip id once the server has verified it (201), or NULL and
 * @error (which names the HTTP status and the body). */
char    *jb_test_clip_upload      (JbTestServer *server,
                                   const char   *terminal_id,
                                   const char   *secret,
                                   const char   *incident_id,
                                   const char   *path,
                                   GError      **error);

/* The SHA-256 of @data as 64 lowercase hex digits. */
char    *jb_test_clip_sha256      (GBytes       *data);

/* One PUT of @data[@start, @end) as a chunk of a @total byte upload to
 * @upload_url (a path). Returns the response; a test asserts what it wants. */
JbTestResponse *jb_test_clip_put  (JbTestServer *server,
                                   const char   *authorization,
                                   const char   *upload_url,
                                   GBytes       *data,
                                   gsize         start,
                                   gsize         end,
                                   gsize         total);

G_END_DECLS
