/* jb-incident-layer.h — open incidents: priority 1 large, new ones pulsing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-point-layer.h"

G_BEGIN_DECLS

#define JB_TYPE_INCIDENT_LAYER (jb_incident_layer_get_type ())

G_DECLARE_FINAL_TYPE (JbIncidentLayer, jb_incident_layer, JB, INCIDENT_LAYER, JbPointLayer)

JbIncidentLayer *jb_incident_layer_new           (ShumateViewport *viewport);

/* Rebuilds from a model of JbIncident (index i is item i). */
void             jb_incident_layer_set_incidents (JbIncidentLayer *self,
                                                  GListModel      *incidents);
guint            jb_incident_layer_get_n_pulsing (JbIncidentLayer *self);

G_END_DECLS
