/* jb-assignment-layer.h — a line from each assigned unit to its incident's scene
 *
 * One line per active assignment (assigned, accepted, en route) whose unit
 * and scene have positions, coloured by the assignment's state, all drawn
 * in one snapshot from a plain array kept in step with the store: rebuilt
 * when incidents or units change, unit ends moved with each batch of
 * ::units-moved.
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
/* How many of them are of @state (JB_ASSIGNMENT_STATE_ASSIGNED, _ACCEPTED
 * or _EN_ROUTE), for tests. */
guint              jb_assignment_layer_count_lines (JbAssignmentLayer *self,
                                                    JbAssignmentState  state);
/* Rebuilds the lines from the store now (the layer does it by itself on
 * every change; for callers that changed what they pass). */
void               jb_assignment_layer_reload     (JbAssignmentLayer *self);

G_END_DECLS
