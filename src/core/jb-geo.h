/* jb-geo.h — geometry on the demo city's scale (placeholder; see the server helper)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Great-circle distance in metres. */
double jb_geo_distance_m (double lat1,
                          double lon1,
                          double lat2,
                          double lon2);

G_END_DECLS
