/* jb-jurisdiction-layer.h — police stations' jurisdictions and names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

#define JB_TYPE_JURISDICTION_LAYER (jb_jurisdiction_layer_get_type ())

G_DECLARE_FINAL_TYPE (JbJurisdictionLayer, jb_jurisdiction_layer, JB, JURISDICTION_LAYER, ShumateLayer)

JbJurisdictionLayer *jb_jurisdiction_layer_new          (ShumateViewport     *viewport);

/* Rebuilds from a model of JbStation. */
void                 jb_jurisdiction_layer_set_stations (JbJurisdictionLayer *self,
                                                         GListModel          *stations);
guint                jb_jurisdiction_layer_get_n_rings  (JbJurisdictionLayer *self);

/* What this layer draws: the areas and outlines (under everything) and/or
 * the stations' names (over the units, so crowds do not hide them). */
void                 jb_jurisdiction_layer_set_parts    (JbJurisdictionLayer *self,
                                                         gboolean             areas,
                                                         gboolean             names);

/* Draws station @station_id's jurisdiction stronger (the duty officer's
 * own); NULL for none. */
void                 jb_jurisdiction_layer_set_highlight (JbJurisdictionLayer *self,
                                                          const char          *station_id);
const char          *jb_jurisdiction_layer_get_highlight (JbJurisdictionLayer *self);

G_END_DECLS
