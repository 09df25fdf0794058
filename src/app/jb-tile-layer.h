/* jb-tile-layer.h — raster tiles drawn at paint time
 *
 * libshumate 1.0.3's ShumateMapLayer decides which tiles to load in an
 * idle callback (G_PRIORITY_DEFAULT_IDLE). While the map animates (a new
 * incident pulses) and events stream in, a loaded machine never reaches
 * that priority and the basemap never loads. This layer works out the
 * tiles it needs while it draws, asks a ShumateDataSource for the missing
 * ones, and meanwhile draws a coarser level it already has. Past the tile
 * set's deepest level it draws that level enlarged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

#define JB_TYPE_TILE_LAYER (jb_tile_layer_get_type ())
G_DECLARE_FINAL_TYPE (JbTileLayer, jb_tile_layer, JB, TILE_LAYER, ShumateLayer)

/* @west … @north bound the requests (degrees); tiles are @tile_size
 * pixels, from @minzoom to @maxzoom. */
JbTileLayer *jb_tile_layer_new           (ShumateViewport   *viewport,
                                          ShumateDataSource *source,
                                          guint              minzoom,
                                          guint              maxzoom,
                                          guint              tile_size,
                                          double             west,
                                          double             south,
                                          double             east,
                                          double             north);

/* Tiles drawn from their own level in the last frame (for tests). */
guint        jb_tile_layer_get_n_drawn   (JbTileLayer       *self);
/* The decoded tiles kept for going back (least recently drawn go first);
 * 0 is the default, 400. */
void         jb_tile_layer_set_max_kept  (JbTileLayer       *self,
                                          guint              max_kept);
guint        jb_tile_layer_get_n_kept    (JbTileLayer       *self);

G_END_DECLS
