/* jb-plan-view.h — the 1-3-5 plan of the selected incident: a guard, a
 * police unit and a second police unit, each row what is assigned for it
 * or the unit proposed, with its ETA against the target
 *
 * Activating a row with a proposal activates "win.assign-unit"; the
 * window binds P (next missing row) and Shift+P (the whole plan).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-client.h"
#include "jb-recommender.h"

G_BEGIN_DECLS

#define JB_TYPE_PLAN_VIEW (jb_plan_view_get_type ())

G_DECLARE_FINAL_TYPE (JbPlanView, jb_plan_view, JB, PLAN_VIEW, GtkWidget)

GtkWidget    *jb_plan_view_new                  (void);
void          jb_plan_view_set_client           (JbPlanView *self,
                                                 JbClient   *client);
/* NULL clears the plan. */
void          jb_plan_view_set_incident         (JbPlanView *self,
                                                 JbIncident *incident);
/* As jb_recommend_list_set_own_station_only(). */
void          jb_plan_view_set_own_station_only (JbPlanView *self,
                                                 gboolean    own_only);
/* Plans again now. */
void          jb_plan_view_refresh              (JbPlanView *self);
/* The plan shown; NULL without an open incident. */
const JbPlan *jb_plan_view_get_plan             (JbPlanView *self);
/* Row @row's text as shown (title, then subtitle), for tests and the
 * accessible name. */
const char   *jb_plan_view_get_row_text         (JbPlanView *self,
                                                 JbTargetKind row);

G_END_DECLS
