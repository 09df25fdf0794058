/* jb-unit-layer.h — officers, patrol cars, guards and volunteers on the map
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-point-layer.h"
#include "jb-store.h"

G_BEGIN_DECLS

#define JB_TYPE_UNIT_LAYER (jb_unit_layer_get_type ())

G_DECLARE_FINAL_TYPE (JbUnitLayer, jb_unit_layer, JB, UNIT_LAYER, JbPointLayer)

JbUnitLayer *jb_unit_layer_new              (ShumateViewport   *viewport);

/* Takes the store's packed points (index i is unit i of the store). */
void         jb_unit_layer_set_units        (JbUnitLayer       *self,
                                             const JbUnitPoint *points,
                                             guint              n_points);
/* A unit of @kind whose last fix is older than @seconds is drawn dimmed. */
void         jb_unit_layer_set_freshness    (JbUnitLayer       *self,
                                             JbUnitKind         kind,
                                             guint              seconds);
/* Re-judges staleness at @now_ms (units age without events); TRUE when
 * something changed. */
gboolean     jb_unit_layer_update_staleness (JbUnitLayer       *self,
                                             gint64             now_ms);
guint        jb_unit_layer_get_n_stale      (JbUnitLayer       *self);

G_END_DECLS
