/* bench-geo-index.c — locating 20,000 units in their jurisdiction and grid
 *
 * The demo city with 17,750 extra moving guards (about 20,000 units), its
 * 7 jurisdictions (开福区's real boundary cut into Voronoi cells) and 8
 * grids in each (Voronoi cells of random sites in the jurisdiction, as the
 * demo grids are made): every unit is located in both, by JbGeoIndex and
 * by the stock way, jb_geo_shape_contains() over the shapes in turn.
 * Prints the median time per pass over all units and the ratio.
 *
 *   meson test -C build --benchmark bench-geo-index -v
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <stdio.h>

#include "jb-demo.h"
#include "jb-geo-index.h"

#define GRIDS_PER_STATION 8
#define PASSES            21

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static int
naive_lookup (GPtrArray *shapes,
              double     lat,
              double     lon)
{
  for (guint i = 0; i < shapes->len; i++)
    if (jb_geo_shape_contains (g_ptr_array_index (shapes, i), lat, lon))
      return (int) i;
  return -1;
}

int
main (int    argc,
      char **argv)
{
  JbDemoOptions options;
  g_autoptr(JbDemoCity) city = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stations = g_ptr_array_new_with_free_func ((GDestroyNotify) jb_geo_shape_unref);
  g_autoptr(GPtrArray) grids = g_ptr_array_new_with_free_func ((GDestroyNotify) jb_geo_shape_unref);
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  g_autoptr(JbGeoIndex) station_index = NULL;
  g_autoptr(JbGeoIndex) grid_index = NULL;
  g_autofree double *lat = NULL;
  g_autofree double *lon = NULL;
  double indexed[PASSES], naive[PASSES], build_ms;
  guint n, edges = 0, located = 0, disagree = 0;
  gint64 t0;

  setlocale (LC_ALL, "");
  jb_demo_options_init (&options);
  options.n_extra_units = 17750;
  city = jb_demo_city_new (&options, &error);
  g_assert_no_error (error);

  for (guint s = 0; s < city->stations->len; s++)
    {
      JsonObject *station = g_ptr_array_index (city->stations, s);
      JbGeoShape *shape = jb_geo_shape_new_from_json (json_object_get_member (station, "jurisdiction"), &error);
      JbGeoPoint sites[GRIDS_PER_STATION];

      g_assert_no_error (error);
      g_ptr_array_add (stations, shape);
      for (guint i = 0; i < GRIDS_PER_STATION; i++)
        jb_geo_shape_random_point (shape, rand, &sites[i].lat, &sites[i].lon);
      for (guint i = 0; i < GRIDS_PER_STATION; i++)
        g_ptr_array_add (grids, jb_geo_shape_voronoi_cell (shape, sites, GRIDS_PER_STATION, i));
    }
  for (guint s = 0; s < stations->len; s++)
    for (guint p = 0; p < jb_geo_shape_get_n_polygons (g_ptr_array_index (stations, s)); p++)
      for (guint r = 0; r < jb_geo_shape_get_n_rings (g_ptr_array_index (stations, s), p); r++)
        {
          gsize k;

          jb_geo_shape_get_ring (g_ptr_array_index (stations, s), p, r, &k);
          edges += (guint) k;
        }

  n = city->units->len;
  lat = g_new (double, n);
  lon = g_new (double, n);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *position = json_object_get_object_member (g_ptr_array_index (city->units, i), "position");

      lat[i] = json_object_get_double_member (position, "lat");
      lon[i] = json_object_get_double_member (position, "lon");
    }

  t0 = g_get_monotonic_time ();
  station_index = jb_geo_index_new ((JbGeoShape **) stations->pdata, stations->len);
  grid_index = jb_geo_index_new ((JbGeoShape **) grids->pdata, grids->len);
  build_ms = (g_get_monotonic_time () - t0) / 1000.0;

  for (guint pass = 0; pass < PASSES; pass++)
    {
      guint found = 0;

      t0 = g_get_monotonic_time ();
      for (guint i = 0; i < n; i++)
        found += (jb_geo_index_lookup (station_index, lat[i], lon[i]) >= 0) +
                 (jb_geo_index_lookup (grid_index, lat[i], lon[i]) >= 0);
      indexed[pass] = (g_get_monotonic_time () - t0) / 1000.0;
      located = found;

      t0 = g_get_monotonic_time ();
      found = 0;
      for (guint i = 0; i < n; i++)
        found += (naive_lookup (stations, lat[i], lon[i]) >= 0) + (naive_lookup (grids, lat[i], lon[i]) >= 0);
      naive[pass] = (g_get_monotonic_time () - t0) / 1000.0;
      g_assert_cmpuint (found, ==, located);
    }
  for (guint i = 0; i < n; i++)
    disagree += jb_geo_index_lookup (station_index, lat[i], lon[i]) != naive_lookup (stations, lat[i], lon[i]) ||
                jb_geo_index_lookup (grid_index, lat[i], lon[i]) != naive_lookup (grids, lat[i], lon[i]);
  qsort (indexed, PASSES, sizeof (double), (int (*) (const void *, const void *)) compare_double);
  qsort (naive, PASSES, sizeof (double), (int (*) (const void *, const void *)) compare_double);

  g_print ("\nbench-geo-index: %u units, %u jurisdictions (%u vertices), %u grids; both lookups per unit\n",
           n, stations->len, edges, grids->len);
  g_print ("  indexes built in %.2f ms\n", build_ms);
  g_print ("  JbGeoIndex:                 %7.2f ms per pass (median of %d; min %.2f)\n",
           indexed[PASSES / 2], PASSES, indexed[0]);
  g_print ("  stock jb_geo_shape_contains: %7.2f ms per pass (median; min %.2f)\n", naive[PASSES / 2], naive[0]);
  g_print ("  ratio: %.1f× faster; %u of %u lookups inside a shape; %u disagreements; a frame is 16.7 ms\n",
           naive[PASSES / 2] / indexed[PASSES / 2], located, 2 * n, disagree);
  return disagree == 0 ? 0 : 1;
}
