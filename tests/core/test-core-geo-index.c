/* test-core-geo-index.c — JbGeoIndex: edges, holes, multipolygons, shared
 * edges, and agreement with jb_geo_shape_contains() everywhere
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "jb-error.h"

#include "jb-geo-index.h"
#include "jb-grid-set.h"

static JbGeoShape *
parse_shape (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JbGeoShape *shape;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  shape = jb_geo_shape_new_from_json (json_parser_get_root (parser), &error);
  g_assert_no_error (error);
  return shape;
}

/* The reference: the first shape that jb_geo_shape_contains() says. */
static int
naive_lookup (JbGeoShape * const *shapes,
              guint               n,
              double              lat,
              double              lon)
{
  for (guint i = 0; i < n; i++)
    if (jb_geo_shape_contains (shapes[i], lat, lon))
      return (int) i;
  return -1;
}

/* A square of side 4 with a square hole of side 2 in the middle. */
static void
test_hole (void)
{
  g_autoptr(JbGeoShape) shape = parse_shape (
    "{\"type\": \"Polygon\", \"coordinates\": ["
    " [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]],"
    " [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]]}");
  JbGeoShape *shapes[] = { shape };
  g_autoptr(JbGeoIndex) index = jb_geo_index_new (shapes, 1);

  /* (lat, lon) */
  g_assert_cmpint (jb_geo_index_lookup (index, 0.5, 0.5), ==, 0);
  g_assert_cmpint (jb_geo_index_lookup (index, 2, 2), ==, -1);      /* in the hole */
  g_assert_cmpint (jb_geo_index_lookup (index, 3.5, 2), ==, 0);
  g_assert_cmpint (jb_geo_index_lookup (index, 5, 2), ==, -1);
  g_assert_cmpint (jb_geo_index_lookup (index, 2, -0.001), ==, -1);
  /* On the outline: the west edge is in, the east edge out (the ray goes
   * east); the hole's edges mirror that. */
  g_assert_cmpint (jb_geo_index_lookup (index, 2, 0), ==, 0);
  g_assert_cmpint (jb_geo_index_lookup (index, 2, 4), ==, -1);
  g_assert_cmpint (jb_geo_index_lookup (index, 2, 1), ==, -1);
  g_assert_cmpint (jb_geo_index_lookup (index, 2, 3), ==, 0);
  for (double lat = -0.5; lat <= 4.5; lat += 0.25)
    for (double lon = -0.5; lon <= 4.5; lon += 0.25)
      g_assert_cmpint (jb_geo_index_lookup (index, lat, lon), ==, naive_lookup (shapes, 1, lat, lon));
}

/* Two islands and a lake with an island in it: even-odd per polygon. */
static void
test_multipolygon (void)
{
  g_autoptr(JbGeoShape) shape = parse_shape (
    "{\"type\": \"MultiPolygon\", \"coordinates\": ["
    " [[[0, 0], [2, 0], [2, 2], [0, 2]]],"
    " [[[10, 10], [16, 10], [16, 16], [10, 16]], [[11, 11], [15, 11], [15, 15], [11, 15]]],"
    " [[[12, 12], [14, 12], [14, 14], [12, 14]]]]}");
  JbGeoShape *shapes[] = { shape };
  g_autoptr(JbGeoIndex) index = jb_geo_index_new (shapes, 1);

  g_assert_cmpint (jb_geo_index_lookup (index, 1, 1), ==, 0);
  g_assert_cmpint (jb_geo_index_lookup (index, 5, 5), ==, -1);       /* between the parts */
  g_assert_cmpint (jb_geo_index_lookup (index, 10.5, 13), ==, 0);    /* the ring around the lake */
  g_assert_cmpint (jb_geo_index_lookup (index, 11.5, 13), ==, -1);   /* the lake */
  g_assert_cmpint (jb_geo_index_lookup (index, 13, 13), ==, 0);      /* the island in the lake */
}

/* Neighbours sharing edges: a point on a shared edge is in exactly one. */
static void
test_shared_edges (void)
{
  g_autoptr(JbGeoShape) west = parse_shape ("{\"type\": \"Polygon\", \"coordinates\": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}");
  g_autoptr(JbGeoShape) east = parse_shape ("{\"type\": \"Polygon\", \"coordinates\": [[[1, 0], [2, 0], [2, 1], [1, 1]]]}");
  g_autoptr(JbGeoShape) north = parse_shape ("{\"type\": \"Polygon\", \"coordinates\": [[[0, 1], [2, 1], [2, 2], [0, 2]]]}");
  JbGeoShape *shapes[] = { west, east, north };
  g_autoptr(JbGeoIndex) index = jb_geo_index_new (shapes, 3);

  g_assert_cmpint (jb_geo_index_lookup (index, 0.5, 1), ==, 1);      /* west|east edge: east */
  g_assert_cmpint (jb_geo_index_lookup (index, 1, 0.5), ==, 2);      /* west/north edge: north */
  g_assert_cmpint (jb_geo_index_lookup (index, 1, 1.5), ==, 2);
  g_assert_cmpint (jb_geo_index_lookup (index, 1, 1), ==, 2);        /* the corner of all three */
  for (double lat = -0.25; lat <= 2.25; lat += 0.125)
    for (double lon = -0.25; lon <= 2.25; lon += 0.125)
      {
        guint n_containing = 0;

        for (guint i = 0; i < 3; i++)
          n_containing += jb_geo_shape_contains (shapes[i], lat, lon);
        /* Inside the union, exactly one; the index names it. */
        if (lat >= 0 && lat < 2 && lon >= 0 && lon < 2)
          g_assert_cmpuint (n_containing, ==, 1);
        g_assert_cmpint (jb_geo_index_lookup (index, lat, lon), ==, naive_lookup (shapes, 3, lat, lon));
      }
}

/* Overlapping shapes: the first in the given order wins. */
static void
test_order (void)
{
  g_autoptr(JbGeoShape) big = parse_shape ("{\"type\": \"Polygon\", \"coordinates\": [[[0, 0], [10, 0], [10, 10], [0, 10]]]}");
  g_autoptr(JbGeoShape) small = parse_shape ("{\"type\": \"Polygon\", \"coordinates\": [[[4, 4], [6, 4], [6, 6], [4, 6]]]}");
  JbGeoShape *small_first[] = { small, big };
  JbGeoShape *big_first[] = { big, small };
  g_autoptr(JbGeoIndex) a = jb_geo_index_new (small_first, 2);
  g_autoptr(JbGeoIndex) b = jb_geo_index_new (big_first, 2);

  g_assert_cmpint (jb_geo_index_lookup (a, 5, 5), ==, 0);
  g_assert_cmpint (jb_geo_index_lookup (a, 1, 1), ==, 1);
  g_assert_cmpint (jb_geo_index_lookup (b, 5, 5), ==, 0);
}

static void
test_empty (void)
{
  g_autoptr(JbGeoIndex) none = jb_geo_index_new (NULL, 0);
  g_autoptr(JbGeoShape) empty = parse_shape ("{\"type\": \"MultiPolygon\", \"coordinates\": []}");
  JbGeoShape *shapes[] = { empty };
  g_autoptr(JbGeoIndex) only_empty = jb_geo_index_new (shapes, 1);

  g_assert_cmpint (jb_geo_index_lookup (none, 0, 0), ==, -1);
  g_assert_cmpint (jb_geo_index_lookup (only_empty, 0, 0), ==, -1);
  g_assert_cmpuint (jb_geo_index_get_n_shapes (only_empty), ==, 1);
}

/* Star-shaped rings of many vertices, cut into a mosaic of wedges with
 * holes: random points, every vertex and every edge's midpoint agree with
 * the plain test. */
static void
test_agrees_with_plain_test (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GPtrArray) shapes = g_ptr_array_new_with_free_func ((GDestroyNotify) jb_geo_shape_unref);
  g_autoptr(GArray) probes = g_array_new (FALSE, FALSE, sizeof (JbGeoPoint));
  g_autoptr(JbGeoIndex) index = NULL;

  for (guint s = 0; s < 12; s++)
    {
      guint n = 50 + 40 * s;
      g_autofree JbGeoPoint *ring = g_new (JbGeoPoint, n);
      double cx = 112.9 + 0.05 * (s % 4), cy = 28.1 + 0.05 * (s / 4);

      for (guint i = 0; i < n; i++)
        {
          double angle = 2 * G_PI * i / n;
          double r = 0.02 + 0.015 * g_rand_double (rand);

          ring[i].lon = cx + r * cos (angle);
          ring[i].lat = cy + r * sin (angle);
          g_array_append_val (probes, ring[i]);
          g_array_append_val (probes, ((JbGeoPoint) { (ring[i].lon + ring[(i + 1) % n].lon) / 2,
                                                      (ring[i].lat + ring[(i + 1) % n].lat) / 2 }));
        }
      g_ptr_array_add (shapes, jb_geo_shape_new_from_ring (ring, n));
    }
  index = jb_geo_index_new ((JbGeoShape **) shapes->pdata, shapes->len);
  for (guint i = 0; i < 200000; i++)
    {
      JbGeoPoint p = { g_rand_double_range (rand, 112.85, 113.1), g_rand_double_range (rand, 28.05, 28.25) };

      g_array_append_val (probes, p);
    }
  for (guint i = 0; i < probes->len; i++)
    {
      const JbGeoPoint *p = &g_array_index (probes, JbGeoPoint, i);

      g_assert_cmpint (jb_geo_index_lookup (index, p->lat, p->lon), ==,
                       naive_lookup ((JbGeoShape **) shapes->pdata, shapes->len, p->lat, p->lon));
    }
}

/* Grids from a snapshot, one replaced by a grid.updated event. */
static void
test_grid_set (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JbGridSet) set = jb_grid_set_new ();
  g_autoptr(GError) error = NULL;
  const JbGrid *grid;
  guint n_changed = 0;

  g_signal_connect_swapped (set, "changed", G_CALLBACK (g_atomic_int_inc), &n_changed);
  json_parser_load_from_data (parser,
    "[{\"id\": \"g-1\", \"name\": \"一号网格\", \"station_id\": \"st-a\", \"demo\": true,"
    "  \"area\": {\"type\": \"Polygon\", \"coordinates\": [[[0, 0], [1, 0], [1, 1], [0, 1]]]},"
    "  \"members\": {\"officer\": \"u-1\", \"auxiliary\": null, \"volunteers\": [\"u-7\", \"u-8\"]}},"
    " {\"id\": \"g-2\", \"name\": \"二号网格\", \"station_id\": \"st-a\","
    "  \"area\": {\"type\": \"Polygon\", \"coordinates\": [[[1, 0], [2, 0], [2, 1], [1, 1]]]},"
    "  \"members\": {\"officer\": null, \"auxiliary\": null, \"volunteers\": []}}]", -1, &error);
  g_assert_no_error (error);
  g_assert_true (jb_grid_set_load (set, json_node_get_array (json_parser_get_root (parser)), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (jb_grid_set_get_n_grids (set), ==, 2);
  g_assert_cmpuint (n_changed, ==, 1);

  grid = jb_grid_set_lookup (set, 0.5, 0.5);
  g_assert_nonnull (grid);
  g_assert_cmpstr (grid->name, ==, "一号网格");
  g_assert_true (grid->demo);
  g_assert_cmpstr (grid->officer, ==, "u-1");
  g_assert_null (grid->auxiliary);
  g_assert_cmpuint (g_strv_length (grid->volunteers), ==, 2);
  g_assert_cmpstr (jb_grid_set_lookup (set, 0.5, 1.5)->id, ==, "g-2");
  g_assert_null (jb_grid_set_lookup (set, 5, 5));

  /* A grid.updated: new members, and the lookup sees the change. */
  json_parser_load_from_data (parser,
    "{\"id\": \"g-2\", \"name\": \"二号网格\", \"station_id\": \"st-a\","
    " \"area\": {\"type\": \"Polygon\", \"coordinates\": [[[1, 0], [3, 0], [3, 1], [1, 1]]]},"
    " \"members\": {\"officer\": \"u-2\", \"auxiliary\": \"u-3\", \"volunteers\": []}}", -1, &error);
  g_assert_no_error (error);
  g_assert_true (jb_grid_set_apply (set, json_node_get_object (json_parser_get_root (parser)), &error));
  g_assert_cmpuint (jb_grid_set_get_n_grids (set), ==, 2);
  g_assert_cmpuint (n_changed, ==, 2);
  g_assert_cmpstr (jb_grid_set_lookup (set, 0.5, 2.5)->auxiliary, ==, "u-3");

  /* A malformed grid fails the load and names it; the set is kept. */
  json_parser_load_from_data (parser, "[{\"id\": \"g-3\", \"name\": \"x\", \"station_id\": \"s\"}]", -1, &error);
  g_assert_no_error (error);
  g_assert_false (jb_grid_set_load (set, json_node_get_array (json_parser_get_root (parser)), &error));
  g_assert_error (error, JB_ERROR, JB_ERROR_MISSING_FIELD);
  g_assert_nonnull (strstr (error->message, "grids[0]"));
  g_assert_cmpuint (jb_grid_set_get_n_grids (set), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/geo-index/hole", test_hole);
  g_test_add_func ("/core/geo-index/multipolygon", test_multipolygon);
  g_test_add_func ("/core/geo-index/shared-edges", test_shared_edges);
  g_test_add_func ("/core/geo-index/order", test_order);
  g_test_add_func ("/core/geo-index/empty", test_empty);
  g_test_add_func ("/core/geo-index/agrees-with-plain-test", test_agrees_with_plain_test);
  g_test_add_func ("/core/grid-set/snapshot-and-event", test_grid_set);

  return g_test_run ();
}
