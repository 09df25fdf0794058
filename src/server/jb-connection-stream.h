/* jb-connection-stream.h — the stream of one accepted connection
 *
 * jb-http wraps each accepted connection (TLS or not) in one of these,
 * once, and hands it to SoupServer. Two things SoupServer 3.2 cannot do
 * are done here:
 *
 * - Bytes put back: between requests jb-http takes a kept-alive
 *   connection back from SoupServer and hands it in again (see jb-http.c).
 *   What SoupServer had already read of the next request (a client that
 *   pipelines) is put back in front of the input, so that nothing is lost
 *   and the connection is never wrapped twice.
 * - Bytes written, counted: libsoup 3.2 cannot say how much a WebSocket
 *   connection still has queued (soup_websocket_connection_get_buffered_amount
 *   does not exist there), so the event stream takes queued bytes (known
 *   to the sender) minus written bytes (counted here) as its backlog.
 *
 * Closing it closes the connection; see jb_connection_stream_linger().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define JB_TYPE_CONNECTION_STREAM (jb_connection_stream_get_type ())
G_DECLARE_FINAL_TYPE (JbConnectionStream, jb_connection_stream, JB, CONNECTION_STREAM, GIOStream)

JbConnectionStream *jb_connection_stream_new         (GIOStream          *base);
/* Reads return @bytes (may be empty) first, then what was put back
 * before and not read yet, then @base's input. */
void                jb_connection_stream_unread      (JbConnectionStream *self,
                                                      GBytes             *bytes);
/* Whether bytes put back wait to be read. */
gboolean            jb_connection_stream_has_unread  (JbConnectionStream *self);
/* Bytes its output has written since it was made. */
guint64             jb_connection_stream_get_written (JbConnectionStream *self);
/* From now on an asynchronous close (a WebSocket's) half-closes @socket,
 * reads until the peer closes too (at most 30 s) and only then closes.
 * A plain close with unread input would send a reset, and the peer would
 * lose the frames still in flight, close frame included. */
void                jb_connection_stream_linger      (JbConnectionStream *self,
                                                      GSocket            *socket);

G_END_DECLS
