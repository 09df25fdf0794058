/* jb-assignment-layer.h — a line from each assigned unit to its incident's scene
 *
 * One line per active assignment (assigned, accepted, en route) whose unit
 * and scene have positions, coloured by the assignment's state. A
 * JbIncidentLinkLayer: it keeps the lines in step with the store (rebuilt
 * also when a unit changes, since its status is an assignment's stage) and
 * draws them all in one snapshot.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-incident-link-layer.h"

G_BEGIN_DECLS

#define JB_TYPE_ASSIGNMENT_LAYER (jb_assignment_layer_get_type ())

G_DECLARE_FINAL_TYPE (JbAssignmentLayer, jb_assignment_layer, JB, ASSIGNMENT_LAYER, JbIncidentLinkLayer)

JbAssignmentLayer *jb_assignment_layer_new         (ShumateViewport   *viewport);
/* How many unit→scene lines are drawn now, for tests. */
guint              jb_assignment_layer_get_n_lines (JbAssignmentLayer *self);
/* How many of them are of @state (JB_ASSIGNMENT_STATE_ASSIGNED, _ACCEPTED
 * or _EN_ROUTE), for tests. */
guint              jb_assignment_layer_count_lines (JbAssignmentLayer *self,
                                                    JbAssignmentState  state);

G_END_DECLS
