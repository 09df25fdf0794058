/* jb-counting-stream.h — a GIOStream that counts the bytes it has written
 *
 * libsoup 3.2 cannot say how much a WebSocket connection still has queued
 * (soup_websocket_connection_get_buffered_amount does not exist there), so
 * the event stream wraps the stolen connection in this stream: queued bytes
 * (known to the sender) minus written bytes (counted here) is the backlog.
 * It also closes gracefully (see jb_counting_stream_new()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define JB_TYPE_COUNTING_STREAM (jb_counting_stream_get_type ())
G_DECLARE_FINAL_TYPE (JbCountingStream, jb_counting_stream, JB, COUNTING_STREAM, GIOStream)

/* @socket (nullable) is the connection's socket: when given, closing
 * half-closes it, reads until the peer closes too (at most 30 s) and only
 * then closes. A plain close with unread input would send a reset, and
 * the peer would lose the frames still in flight, close frame included. */
JbCountingStream *jb_counting_stream_new         (GIOStream        *base,
                                                  GSocket          *socket);
guint64           jb_counting_stream_get_written (JbCountingStream *self);

G_END_DECLS
