/* jb-grid-set.h — the grids (网格) of the snapshot, kept current by
 * grid.updated events, and which grid a point is in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "jb-geo.h"

G_BEGIN_DECLS

typedef struct
{
  char        *id;
  char        *name;
  char        *station_id;
  gboolean     demo;
  JbGeoShape  *area;
  char        *officer;      /* unit id or NULL */
  char        *auxiliary;    /* unit id or NULL */
  GStrv        volunteers;   /* unit ids, never NULL */
  double       label_lat;    /* the middle of its box, for its name */
  double       label_lon;
} JbGrid;

#define JB_TYPE_GRID_SET (jb_grid_set_get_type ())
G_DECLARE_FINAL_TYPE (JbGridSet, jb_grid_set, JB, GRID_SET, GObject)

JbGridSet    *jb_grid_set_new         (void);

/* Replaces everything with the snapshot's "grids" array (NULL or absent:
 * none). A malformed grid fails the whole load with a JB_ERROR naming
 * it. Emits ::changed. */
gboolean      jb_grid_set_load        (JbGridSet  *self,
                                       JsonArray  *grids,
                                       GError    **error);
/* A grid.updated event's Grid object: replaces the grid with its id (or
 * adds it). Emits ::changed. */
gboolean      jb_grid_set_apply       (JbGridSet  *self,
                                       JsonObject *grid,
                                       GError    **error);

guint         jb_grid_set_get_n_grids (JbGridSet  *self);
const JbGrid *jb_grid_set_get_grid    (JbGridSet  *self,
                                       guint       index);
/* The grid containing the point, NULL when none (indexed: fast enough for
 * every unit on every frame). */
const JbGrid *jb_grid_set_lookup      (JbGridSet  *self,
                                       double      lat,
                                       double      lon);

G_END_DECLS
