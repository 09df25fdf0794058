/* jb-clip-list.h — an incident's clips as rows: thumbnail, unit or
 * terminal, start time, duration, upload state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-clip-cache.h"
#include "jb-clip.h"

G_BEGIN_DECLS

#define JB_TYPE_CLIP_LIST (jb_clip_list_get_type ())

G_DECLARE_FINAL_TYPE (JbClipList, jb_clip_list, JB, CLIP_LIST, GtkWidget)

GtkWidget *jb_clip_list_new          (void);
/* Thumbnails come through @cache (may be NULL: no thumbnails). */
void       jb_clip_list_set_cache    (JbClipList *self,
                                      JbClipCache *cache);
/* A GListModel of JbClip (an incident's), or NULL. */
void       jb_clip_list_set_model    (JbClipList *self,
                                      GListModel *clips);
JbClip    *jb_clip_list_get_selected (JbClipList *self);
/* Selects @clip's row (emits ::clip-selected); FALSE when not listed. */
gboolean   jb_clip_list_select       (JbClipList *self,
                                      JbClip     *clip);
/* The text of row @i's state ("uploading 45 %", "verified"), for tests. */
const char *jb_clip_list_get_state_text (JbClipList *self,
                                         guint       i);

/* Signals:
 *   ::clip-selected (JbClip *clip)  a row was selected (click, keys).
 */

G_END_DECLS
