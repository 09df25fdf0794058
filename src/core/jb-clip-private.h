/* jb-clip-private.h — what the store and the incident may do to a clip
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-clip.h"

G_BEGIN_DECLS

/* For the store: takes @fresh's fields (ids must match), notifying what
 * changed. */
void         _jb_clip_update_from_clip  (JbClip      *self,
                                         JbClip      *fresh);
/* A clip.progress event: more bytes held (never fewer). */
void         _jb_clip_set_received      (JbClip      *self,
                                         gint64       received);

G_END_DECLS
