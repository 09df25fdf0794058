/* jb-assignment-layer.h — a line from each assigned unit to its incident's scene
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <shumate/shumate.h>

#include "jb-store.h"

G_BEGIN_DECLS

#define JB_TYPE_ASSIGNMENT_LAYER (jb_assignment_layer_get_type ())

G_DECLARE_FINAL_TYPE (JbAssignmentLayer, jb_assignment_layer, JB, ASSIGNMENT_LAYER, ShumateLayer)

JbAssignmentLayer *jb_assignment_layer_new        (ShumateViewport   *viewport);
void               jb_assignment_layer_set_store  (JbAssignmentLayer *self,
                                                   JbStore           *store);
/* How many unit→scene lines are drawn now, for tests. */
guint              jb_assignment_layer_get_n_lines (JbAssignmentLayer *self);

G_END_DECLS
