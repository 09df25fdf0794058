/* jb-model-list.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-model-list"

#include "jb-model-list-private.h"

#include <string.h>

struct _JbModelList
{
  GObject    parent_instance;

  GType      item_type;
  GPtrArray *items;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JbModelList, jb_model_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
jb_model_list_get_item_type (GListModel *model)
{
  return JB_MODEL_LIST (model)->item_type;
}

static guint
jb_model_list_list_get_n_items (GListModel *model)
{
  return JB_MODEL_LIST (model)->items->len;
}

static gpointer
jb_model_list_get_item (GListModel *model,
                        guint       position)
{
  JbModelList *self = JB_MODEL_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = jb_model_list_get_item_type;
  iface->get_n_items = jb_model_list_list_get_n_items;
  iface->get_item = jb_model_list_get_item;
}

static void
jb_model_list_finalize (GObject *object)
{
  JbModelList *self = (JbModelList *)object;

  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (jb_model_list_parent_class)->finalize (object);
}

static void
jb_model_list_class_init (JbModelListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = jb_model_list_finalize;
}

static void
jb_model_list_init (JbModelList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

JbModelList *
jb_model_list_new (GType item_type)
{
  JbModelList *self;

  g_return_val_if_fail (g_type_is_a (item_type, G_TYPE_OBJECT), NULL);

  self = g_object_new (JB_TYPE_MODEL_LIST, NULL);
  self->item_type = item_type;
  return self;
}

gpointer
jb_model_list_peek (JbModelList *self,
                    guint        position)
{
  g_return_val_if_fail (JB_IS_MODEL_LIST (self), NULL);

  if (position >= self->items->len)
    return NULL;
  return g_ptr_array_index (self->items, position);
}

guint
jb_model_list_get_n_items (JbModelList *self)
{
  g_return_val_if_fail (JB_IS_MODEL_LIST (self), 0);
  return self->items->len;
}

void
_jb_model_list_splice (JbModelList *self,
                       guint        position,
                       guint        n_removals,
                       gpointer    *additions,
                       guint        n_additions)
{
  g_return_if_fail (JB_IS_MODEL_LIST (self));
  g_return_if_fail (position + n_removals <= self->items->len);

  /* Reference the additions before dropping the removals: they may be the
   * same objects (a snapshot reload keeps objects whose id survives). */
  for (guint i = 0; i < n_additions; i++)
    g_object_ref (additions[i]);
  if (n_removals > 0)
    g_ptr_array_remove_range (self->items, position, n_removals);
  if (n_additions > 0)
    {
      /* Grow once, then move the tail and fill the hole. */
      guint old_len = self->items->len;

      g_ptr_array_set_size (self->items, old_len + n_additions);
      memmove (&self->items->pdata[position + n_additions],
               &self->items->pdata[position],
               (old_len - position) * sizeof (gpointer));
      for (guint i = 0; i < n_additions; i++)
        self->items->pdata[position + i] = additions[i];
    }

  if (n_removals > 0 || n_additions > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), position, n_removals, n_additions);
}

void
_jb_model_list_append (JbModelList *self,
                       gpointer     item)
{
  _jb_model_list_splice (self, self->items->len, 0, &item, 1);
}

void
_jb_model_list_remove (JbModelList *self,
                       guint        position)
{
  _jb_model_list_splice (self, position, 1, NULL, 0);
}

void
_jb_model_list_item_changed (JbModelList *self,
                             guint        position)
{
  g_return_if_fail (JB_IS_MODEL_LIST (self));
  g_return_if_fail (position < self->items->len);

  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
}

guint
_jb_model_list_find (JbModelList *self,
                     gpointer     item)
{
  guint index;

  if (g_ptr_array_find (self->items, item, &index))
    return index;
  return G_MAXUINT;
}
