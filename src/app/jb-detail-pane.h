/* jb-detail-pane.h — everything known about the selected unit, terminal
 * or incident (read-only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-client.h"
#include "jb-plan-view.h"
#include "jb-recommend-list.h"
#include "jb-store.h"

G_BEGIN_DECLS

#define JB_TYPE_DETAIL_PANE (jb_detail_pane_get_type ())

G_DECLARE_FINAL_TYPE (JbDetailPane, jb_detail_pane, JB, DETAIL_PANE, GtkWidget)

GtkWidget *jb_detail_pane_new       (void);
void       jb_detail_pane_set_store (JbDetailPane *self,
                                     JbStore      *store);
/* A JbUnit, JbTerminal or JbIncident; NULL shows a hint. */
void       jb_detail_pane_set_item  (JbDetailPane *self,
                                     GObject      *item);
GObject   *jb_detail_pane_get_item  (JbDetailPane *self);
/* Sets the store too; shows commands pending and feeds the
 * recommendations. */
void       jb_detail_pane_set_client (JbDetailPane *self,
                                      JbClient     *client);
/* FALSE (a viewer): no note entry, no unassign buttons, no
 * recommendations. */
void       jb_detail_pane_set_can_command (JbDetailPane *self,
                                           gboolean      can_command);
JbRecommendList *jb_detail_pane_get_recommend_list (JbDetailPane *self);
/* The unit of the selected (or focused) assignment row; the only active
 * assignment's unit when none is selected; the unit itself when a unit is
 * shown; NULL otherwise. */
const char *jb_detail_pane_get_selected_unit_id (JbDetailPane *self);
void       jb_detail_pane_focus_note        (JbDetailPane *self);
void       jb_detail_pane_focus_assignments (JbDetailPane *self);
/* For tests: a target's text (JbTargetKind), the pending text (NULL when
 * nothing is pending). */
const char *jb_detail_pane_get_target_text  (JbDetailPane *self,
                                             guint         target);
const char *jb_detail_pane_get_pending_text (JbDetailPane *self);
/* A box above the fields where the incident's clips go. */
GtkBox     *jb_detail_pane_get_clips_slot (JbDetailPane *self);
/* The title shown (for tests). */
const char *jb_detail_pane_get_title (JbDetailPane *self);
JbPlanView *jb_detail_pane_get_plan_view    (JbDetailPane *self);
/* Why the signed-in person may not command the item (shown under its
 * status, and as the tooltip of what it greys out); NULL: it may. */
void        jb_detail_pane_set_command_refusal (JbDetailPane *self,
                                                const char   *reason);
const char *jb_detail_pane_get_command_refusal (JbDetailPane *self);
/* Who owns the incident and who else has it open; NULL when nobody. */
const char *jb_detail_pane_get_presence_text (JbDetailPane *self);
/* Why the note in the entry was refused; NULL when it was not. */
const char *jb_detail_pane_get_note_error   (JbDetailPane *self);
/* A part by name, for layout tests: "scroller", "status", "targets",
 * "plan", "assignments", "facts", "note-entry", "all-details" (the
 * GtkExpander of every field); NULL for others. */
GtkWidget  *jb_detail_pane_get_part         (JbDetailPane *self,
                                             const char   *name);

G_END_DECLS
