/* jb-counting-stream.h — a GIOStream that counts the bytes it has written
 *
 * libsoup 3.2 cannot say how much a WebSocket connection still has queued
 * (soup_websocket_connection_get_buffered_amount does not exist there), so
 * the event stream wraps the stolen connection in this stream: queued bytes
 * (known to the sender) minus written bytes (counted here) is the backlog.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define JB_TYPE_COUNTING_STREAM (jb_counting_stream_get_type ())
G_DECLARE_FINAL_TYPE (JbCountingStream, jb_counting_stream, JB, COUNTING_STREAM, GIOStream)

JbCountingStream *jb_counting_stream_new         (GIOStream        *base);
guint64           jb_counting_stream_get_written (JbCountingStream *self);

G_END_DECLS
