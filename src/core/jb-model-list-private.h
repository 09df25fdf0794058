/* jb-model-list-private.h — how the store changes its lists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-model-list.h"

G_BEGIN_DECLS

/* Takes references on @additions; emits items-changed. */
void _jb_model_list_splice       (JbModelList  *self,
                                  guint         position,
                                  guint         n_removals,
                                  gpointer     *additions,
                                  guint         n_additions);
void _jb_model_list_append       (JbModelList  *self,
                                  gpointer      item);
void _jb_model_list_remove       (JbModelList  *self,
                                  guint         position);
/* items-changed (position, 1, 1): the item changed in place. */
void _jb_model_list_item_changed (JbModelList  *self,
                                  guint         position);
/* The position of @item (pointer equality), G_MAXUINT when absent. */
guint _jb_model_list_find        (JbModelList  *self,
                                  gpointer      item);

G_END_DECLS
