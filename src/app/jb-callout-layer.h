/* jb-callout-layer.h — the units answering a call-out (一呼百应), on the map
 *
 * Each unit that accepted an open incident's call-out or is on its way
 * there gets a diamond of the call-out's own colour around its icon
 * (dashed: accepted, not moving yet; solid with a thin line to the scene:
 * on the way), drawn above the units so that a responder stands out even
 * inside a cluster (clusters are rings). A JbIncidentLinkLayer, like the
 * assignment lines: kept in step with the store (an incident's call-outs
 * are incident changes) and drawn in one snapshot.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-incident-link-layer.h"

G_BEGIN_DECLS

#define JB_TYPE_CALLOUT_LAYER (jb_callout_layer_get_type ())

G_DECLARE_FINAL_TYPE (JbCalloutLayer, jb_callout_layer, JB, CALLOUT_LAYER, JbIncidentLinkLayer)

JbCalloutLayer *jb_callout_layer_new          (ShumateViewport *viewport);
/* How many responders are marked now (one per unit and incident). */
guint           jb_callout_layer_get_n_markers (JbCalloutLayer *self);
/* Whether unit @unit_id is marked as a responder of incident
 * @incident_id, and in which state (JB_CALLOUT_ACCEPTED or
 * JB_CALLOUT_EN_ROUTE); @lat, @lon where the marker stands. Any out
 * argument may be NULL. */
gboolean        jb_callout_layer_lookup       (JbCalloutLayer  *self,
                                               const char      *incident_id,
                                               const char      *unit_id,
                                               JbCalloutState  *state,
                                               double          *lat,
                                               double          *lon);

G_END_DECLS
