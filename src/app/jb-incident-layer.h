/* jb-incident-layer.h — open incidents: priority 1 large, new ones pulsing,
 * overdue ones (a 1-3-5 target missed) red
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-point-layer.h"
#include "jb-store.h"

G_BEGIN_DECLS

#define JB_TYPE_INCIDENT_LAYER (jb_incident_layer_get_type ())

G_DECLARE_FINAL_TYPE (JbIncidentLayer, jb_incident_layer, JB, INCIDENT_LAYER, JbPointLayer)

JbIncidentLayer *jb_incident_layer_new           (ShumateViewport *viewport);

/* Rebuilds from a model of JbIncident (index i is item i). */
void             jb_incident_layer_set_incidents (JbIncidentLayer *self,
                                                  GListModel      *incidents);
guint            jb_incident_layer_get_n_pulsing (JbIncidentLayer *self);

/* The store whose config gives the 1-3-5 limits and whose units count for
 * reinforcement; NULL: default limits. With a store the layer re-judges
 * the targets by itself when the next one falls due (no ticking). */
void             jb_incident_layer_set_store     (JbIncidentLayer *self,
                                                  JbStore         *store);
/* Re-judges the targets at @now_ms; TRUE when a look changed. */
gboolean         jb_incident_layer_update_targets (JbIncidentLayer *self,
                                                   gint64           now_ms);
/* How many incidents are drawn overdue (a target missed), for tests. */
guint            jb_incident_layer_get_n_overdue (JbIncidentLayer *self);
/* Whether incident @index (of the model) is drawn overdue. */
gboolean         jb_incident_layer_is_overdue    (JbIncidentLayer *self,
                                                  guint            index);

G_END_DECLS
