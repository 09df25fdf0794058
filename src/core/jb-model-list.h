/* jb-model-list.h — the GListModel behind each of the store's lists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define JB_TYPE_MODEL_LIST (jb_model_list_get_type ())

G_DECLARE_FINAL_TYPE (JbModelList, jb_model_list, JB, MODEL_LIST, GObject)

/* Read-only from outside (only the store changes it). */
JbModelList *jb_model_list_new          (GType         item_type);
/* Borrowed item at @position (no reference taken, unlike
 * g_list_model_get_item), NULL when out of range. */
gpointer     jb_model_list_peek         (JbModelList  *self,
                                         guint         position);
guint        jb_model_list_get_n_items  (JbModelList  *self);

G_END_DECLS
