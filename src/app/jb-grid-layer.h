/* jb-grid-layer.h — the grids (网格): thin outlines, names at street zoom
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <shumate/shumate.h>

#include "jb-grid-set.h"

G_BEGIN_DECLS

#define JB_TYPE_GRID_LAYER (jb_grid_layer_get_type ())
G_DECLARE_FINAL_TYPE (JbGridLayer, jb_grid_layer, JB, GRID_LAYER, ShumateLayer)

JbGridLayer *jb_grid_layer_new        (ShumateViewport *viewport);
/* Follows @grids (NULL: none) as they change. */
void         jb_grid_layer_set_grids  (JbGridLayer     *self,
                                       JbGridSet       *grids);
guint        jb_grid_layer_get_n_rings (JbGridLayer    *self);

G_END_DECLS
