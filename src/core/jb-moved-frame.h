/* jb-moved-frame.h — the fast path for unit.moved event frames
 *
 * A hand-written scanner for the frames that come by the hundred
 * thousand: "positions" frames (below) and, from older servers, {"seq","type":"unit.moved","time","data":{"id","lat","lon",
 * "heading","speed","accuracy","time"}}. Members may come in any order with
 * any JSON whitespace; anything else (another type, an escape in a string,
 * an unknown member, a duplicate, a value out of range, a number json-glib
 * would read differently) makes it give up, and the caller parses the frame
 * with json-glib instead, which gives the same result or the right error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "jb-position.h"

G_BEGIN_DECLS

typedef struct
{
  gint64      seq;
  gint64      time;      /* the event's time, 0 when absent */
  const char *id;        /* points into the text, NOT NUL-terminated */
  gsize       id_len;
  JbPosition  position;
} JbMovedFrame;

/* TRUE when @text (@len bytes, need not be NUL-terminated) is a
 * well-formed unit.moved frame with values in range. */
gboolean _jb_moved_frame_scan (const char   *text,
                               gsize         len,
                               JbMovedFrame *out);

/* TRUE when @text is a well-formed "positions" frame
 * {"type":"positions","time","data":{"items":[{"id","lat",…}…]}} (no seq;
 * members in any order) with every item in range: the items are appended
 * to @items (JbMovedFrame, seq 0) and the frame's time put in @out_time.
 * On FALSE, @items may hold some items: the caller drops them. */
gboolean _jb_positions_frame_scan (const char   *text,
                                   gsize         len,
                                   GArray       *items,
                                   gint64       *out_time);

G_END_DECLS
