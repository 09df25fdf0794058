/* jb-pushback-stream.h — a GIOStream whose input begins with bytes put back
 *
 * Between requests jb-http takes a kept-alive connection back from
 * SoupServer and hands it in again (see jb-http.c). What SoupServer had
 * already read of the next request (a client that pipelines) is put back
 * here, in front of the connection's input, so that nothing is lost and
 * the connection is never wrapped twice.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define JB_TYPE_PUSHBACK_STREAM (jb_pushback_stream_get_type ())
G_DECLARE_FINAL_TYPE (JbPushbackStream, jb_pushback_stream, JB, PUSHBACK_STREAM, GIOStream)

/* Reads return @head (not empty) first, then @base's input; writes go to
 * @base's output; closing closes @base. */
JbPushbackStream *jb_pushback_stream_new        (GIOStream        *base,
                                                 GBytes           *head);
/* What is left of the head, not read yet (NULL when nothing); the stream
 * then reads from its base only. */
GBytes           *jb_pushback_stream_steal_head (JbPushbackStream *self);

G_END_DECLS
