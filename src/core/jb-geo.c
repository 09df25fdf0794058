/* jb-geo.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-geo"

#include "jb-geo.h"

#include <math.h>

#define EARTH_RADIUS_M 6371008.8

double
jb_geo_distance_m (double lat1,
                   double lon1,
                   double lat2,
                   double lon2)
{
  double p1 = lat1 * G_PI / 180.0, p2 = lat2 * G_PI / 180.0;
  double dp = p2 - p1, dl = (lon2 - lon1) * G_PI / 180.0;
  double a = sin (dp / 2) * sin (dp / 2) + cos (p1) * cos (p2) * sin (dl / 2) * sin (dl / 2);

  return 2 * EARTH_RADIUS_M * atan2 (sqrt (a), sqrt (1 - a));
}
