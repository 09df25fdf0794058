/* jb-event-stream.h — one client of GET /api/v1/events
 *
 * Replays stored events after `since` in chunks (never more than about
 * 1 MiB queued at once), then follows live events, with no gap and no
 * duplicate between the two. Closes with 4000 when `since` is no longer
 * kept, 4001 when more than 8 MiB wait for a slow client, 4002 when the
 * session ends.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "jb-connection-stream.h"
#include "jb-dispatch.h"
#include "jb-presence.h"

G_BEGIN_DECLS

#define JB_TYPE_EVENT_STREAM (jb_event_stream_get_type ())
G_DECLARE_FINAL_TYPE (JbEventStream, jb_event_stream, JB, EVENT_STREAM, GObject)

/* @counter is the connection under @connection: what it writes from now
 * on is what the stream sent. @since < 0: live events only. Emits
 * ::finished once the connection is closed, whoever closed it. */
/* @presence (may be NULL) takes the {"type":"viewing"} messages of the
 * signed-in @username and gets its presence frames sent. */
JbEventStream *jb_event_stream_new   (JbDispatch              *dispatch,
                                      SoupWebsocketConnection *connection,
                                      JbConnectionStream      *counter,
                                      gint64                   since,
                                      JbPresence              *presence,
                                      const char              *username,
                                      const char              *display_name);
void           jb_event_stream_close (JbEventStream           *self);
/* Closes the stream with 4002 when the session of @token_hash is revoked
 * (JbDispatch::session-ended) or at @expires_at (ms; 0: never). */
void           jb_event_stream_bind_session (JbEventStream     *self,
                                             GBytes            *token_hash,
                                             gint64             expires_at);

G_END_DECLS
