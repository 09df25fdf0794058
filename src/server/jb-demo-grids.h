/* jb-demo-grids.h — the demo city's grids (网格)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* 4 to 6 grids inside each station's jurisdiction (Voronoi cells of
 * random sites in it, so they tile it), each a protocol Grid object
 * labelled "demo": true, with a grid officer and an auxiliary officer from
 * the station's officers and up to 3 volunteers (雷锋义警) placed in it.
 * @stations and @units are protocol objects (JsonObject*); the same seed
 * gives the same grids. */
GPtrArray *jb_demo_grids_new (GPtrArray *stations,
                              GPtrArray *units,
                              guint32    seed);

G_END_DECLS
