/* jb-assignment-layer.c — placeholder: the map work of issue 4 fills this in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-assignment-layer"

#include "jb-assignment-layer.h"

struct _JbAssignmentLayer
{
  ShumateLayer  parent_instance;

  JbStore      *store;
};

G_DEFINE_FINAL_TYPE (JbAssignmentLayer, jb_assignment_layer, SHUMATE_TYPE_LAYER)

static void
jb_assignment_layer_dispose (GObject *object)
{
  JbAssignmentLayer *self = (JbAssignmentLayer *) object;

  g_clear_object (&self->store);

  G_OBJECT_CLASS (jb_assignment_layer_parent_class)->dispose (object);
}

static void
jb_assignment_layer_class_init (JbAssignmentLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = jb_assignment_layer_dispose;
}

static void
jb_assignment_layer_init (JbAssignmentLayer *self)
{
}

JbAssignmentLayer *
jb_assignment_layer_new (ShumateViewport *viewport)
{
  return g_object_new (JB_TYPE_ASSIGNMENT_LAYER, "viewport", viewport, NULL);
}

void
jb_assignment_layer_set_store (JbAssignmentLayer *self,
                               JbStore           *store)
{
  g_return_if_fail (JB_IS_ASSIGNMENT_LAYER (self));
  g_set_object (&self->store, store);
}

guint
jb_assignment_layer_get_n_lines (JbAssignmentLayer *self)
{
  g_return_val_if_fail (JB_IS_ASSIGNMENT_LAYER (self), 0);
  return 0;
}
