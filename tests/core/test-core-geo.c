/* test-core-geo.c — geometry helpers, on toy shapes and on 开福区's real boundary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-geo.h"
#include "jb-error.h"

#include <math.h>

/* Seats of the seven pilot stations, as jb-demo.c places them. */
static const JbGeoPoint seats[] = {
  { 112.9870, 28.2050 },  /* 清水塘 */
  { 113.0010, 28.3480 },  /* 沙坪 */
  { 113.0350, 28.2400 },  /* 四方坪 */
  { 112.9920, 28.2340 },  /* 伍家岭 */
  { 112.9760, 28.2150 },  /* 湘雅路 */
  { 113.0080, 28.2230 },  /* 东风路 */
  { 113.0480, 28.2980 },  /* 捞刀河 */
};

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

static JbGeoShape *
load_district (const char *name)
{
  g_autofree char *path = g_build_filename (JB_DATA_DIR, "changsha-districts.geojson", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *features;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  features = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "features");
  for (guint i = 0; i < json_array_get_length (features); i++)
    {
      JsonObject *f = json_array_get_object_element (features, i);
      JsonObject *props = json_object_get_object_member (f, "properties");

      if (g_str_equal (json_object_get_string_member (props, "name"), name))
        {
          JbGeoShape *shape = jb_geo_shape_new_from_json (json_object_get_member (f, "geometry"), &error);

          g_assert_no_error (error);
          return shape;
        }
    }

  g_assert_not_reached ();
  return NULL;
}

static void
test_distance (void)
{
  double lat, lon;

  /* One degree of latitude on the mean sphere. */
  g_assert_cmpfloat_with_epsilon (jb_geo_distance_m (28.0, 113.0, 29.0, 113.0), 111195.0, 1.0);
  g_assert_cmpfloat (jb_geo_distance_m (28.2, 113.0, 28.2, 113.0), ==, 0.0);

  g_assert_cmpfloat_with_epsilon (jb_geo_bearing_deg (28.2, 113.0, 28.3, 113.0), 0.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (jb_geo_bearing_deg (28.2, 113.0, 28.2, 113.1), 90.0, 0.1);
  g_assert_cmpfloat_with_epsilon (jb_geo_bearing_deg (28.2, 113.0, 28.1, 113.0), 180.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (jb_geo_bearing_deg (28.2, 113.0, 28.2, 112.9), 270.0, 0.1);

  jb_geo_destination (28.2, 113.0, 37.0, 1500.0, &lat, &lon);
  g_assert_cmpfloat_with_epsilon (jb_geo_distance_m (28.2, 113.0, lat, lon), 1500.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (jb_geo_bearing_deg (28.2, 113.0, lat, lon), 37.0, 1e-6);
}

/* A "U": two arms (x 0–1 and 2–3) joined by a base (y 0–1), arms up to y 3. */
static const JbGeoPoint u_shape[] = {
  { 0, 0 }, { 3, 0 }, { 3, 3 }, { 2, 3 }, { 2, 1 }, { 1, 1 }, { 1, 3 }, { 0, 3 },
};

static double
planar_area (const GArray *ring)
{
  double sum = 0;

  for (guint i = 0; i < ring->len; i++)
    {
      const JbGeoPoint *p = &g_array_index (ring, JbGeoPoint, i);
      const JbGeoPoint *q = &g_array_index (ring, JbGeoPoint, (i + 1) % ring->len);

      sum += p->lon * q->lat - q->lon * p->lat;
    }
  return sum / 2;
}

static void
test_ring_contains (void)
{
  g_assert_true (jb_geo_ring_contains (u_shape, G_N_ELEMENTS (u_shape), 0.5, 0.5));
  g_assert_true (jb_geo_ring_contains (u_shape, G_N_ELEMENTS (u_shape), 2.5, 0.5));
  g_assert_true (jb_geo_ring_contains (u_shape, G_N_ELEMENTS (u_shape), 2.5, 2.5));
  /* lat, lon: the notch between the arms is outside */
  g_assert_false (jb_geo_ring_contains (u_shape, G_N_ELEMENTS (u_shape), 2.0, 1.5));
  g_assert_false (jb_geo_ring_contains (u_shape, G_N_ELEMENTS (u_shape), 0.5, -0.5));
  g_assert_false (jb_geo_ring_contains (u_shape, G_N_ELEMENTS (u_shape), 3.5, 0.5));
  g_assert_false (jb_geo_ring_contains (u_shape, 2, 0.5, 0.5));
}

static void
test_ring_area (void)
{
  /* 0.01° × 0.01° at the equator: 1111.95 m square. */
  static const JbGeoPoint square[] = { { 0, 0 }, { 0.01, 0 }, { 0.01, 0.01 }, { 0, 0.01 } };
  double side = jb_geo_distance_m (0, 0, 0.01, 0);

  g_assert_cmpfloat_with_epsilon (jb_geo_ring_area_m2 (square, 4), side * side, side * side * 1e-3);
}

static void
test_ring_clip_convex (void)
{
  static const JbGeoPoint square[] = { { 0, 0 }, { 2, 0 }, { 2, 2 }, { 0, 2 } };
  g_autoptr(GPtrArray) half = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) corner = NULL;

  /* lon <= 1 */
  half = jb_geo_ring_clip_half_plane (square, 4, 1, 0, 1);
  g_assert_cmpuint (half->len, ==, 1);
  g_assert_cmpfloat_with_epsilon (planar_area (g_ptr_array_index (half, 0)), 2.0, 1e-12);

  all = jb_geo_ring_clip_half_plane (square, 4, 1, 0, 5);
  g_assert_cmpuint (all->len, ==, 1);
  g_assert_cmpuint (((GArray *) g_ptr_array_index (all, 0))->len, ==, 4);

  none = jb_geo_ring_clip_half_plane (square, 4, 1, 0, -1);
  g_assert_cmpuint (none->len, ==, 0);

  /* lon + lat <= 1: the lower-left triangle, area 0.5 */
  corner = jb_geo_ring_clip_half_plane (square, 4, 1, 1, 1);
  g_assert_cmpuint (corner->len, ==, 1);
  g_assert_cmpfloat_with_epsilon (planar_area (g_ptr_array_index (corner, 0)), 0.5, 1e-12);
}

static void
test_ring_clip_concave (void)
{
  g_autoptr(GPtrArray) top = NULL;
  g_autoptr(GPtrArray) bottom = NULL;
  g_autoptr(GPtrArray) on_edge = NULL;

  /* lat >= 2 (−lat <= −2) cuts off both arms: two separate squares, no
   * bridge along the cut. */
  top = jb_geo_ring_clip_half_plane (u_shape, G_N_ELEMENTS (u_shape), 0, -1, -2);
  g_assert_cmpuint (top->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      GArray *r = g_ptr_array_index (top, i);

      g_assert_cmpfloat_with_epsilon (planar_area (r), 1.0, 1e-12);
      g_assert_cmpuint (r->len, ==, 4);
    }

  /* lat <= 2: one piece, 3 + 2 × 1 = 5 */
  bottom = jb_geo_ring_clip_half_plane (u_shape, G_N_ELEMENTS (u_shape), 0, 1, 2);
  g_assert_cmpuint (bottom->len, ==, 1);
  g_assert_cmpfloat_with_epsilon (planar_area (g_ptr_array_index (bottom, 0)), 5.0, 1e-12);

  /* A cut exactly along the notch's floor (lat >= 1): vertices on the line. */
  on_edge = jb_geo_ring_clip_half_plane (u_shape, G_N_ELEMENTS (u_shape), 0, -1, -1);
  g_assert_cmpuint (on_edge->len, ==, 2);
  g_assert_cmpfloat_with_epsilon (planar_area (g_ptr_array_index (on_edge, 0)) +
                                  planar_area (g_ptr_array_index (on_edge, 1)), 4.0, 1e-12);
}

static void
test_shape_json (void)
{
  g_autoptr(JsonNode) poly = parse ("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[2,0],[2,2],[0,2],[0,0]],"
                                    "[[0.5,0.5],[1.5,0.5],[1.5,1.5],[0.5,1.5],[0.5,0.5]]]}");
  g_autoptr(JsonNode) multi = parse ("{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,0],[1,1],[0,1]]],"
                                     "[[[5,5],[6,5],[6,6],[5,6],[5,5]]]]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(JbGeoShape) shape = NULL;
  g_autoptr(JbGeoShape) shape2 = NULL;
  g_autoptr(JbGeoShape) again = NULL;
  g_autoptr(JsonNode) out = NULL;
  double min_lat, min_lon, max_lat, max_lon;
  gsize n;

  shape = jb_geo_shape_new_from_json (poly, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (jb_geo_shape_get_n_polygons (shape), ==, 1);
  g_assert_cmpuint (jb_geo_shape_get_n_rings (shape, 0), ==, 2);
  jb_geo_shape_get_ring (shape, 0, 0, &n);
  g_assert_cmpuint (n, ==, 4);
  g_assert_true (jb_geo_shape_contains (shape, 0.25, 0.25));
  g_assert_false (jb_geo_shape_contains (shape, 1.0, 1.0));   /* in the hole */
  g_assert_false (jb_geo_shape_contains (shape, 3.0, 1.0));
  g_assert_true (jb_geo_shape_get_bbox (shape, &min_lat, &min_lon, &max_lat, &max_lon));
  g_assert_cmpfloat (min_lat, ==, 0);
  g_assert_cmpfloat (max_lon, ==, 2);
  /* 4 − 1 square degrees at the equator, roughly */
  g_assert_cmpfloat (jb_geo_shape_area_m2 (shape) / (3 * 111195.0 * 111195.0), >, 0.99);
  g_assert_cmpfloat (jb_geo_shape_area_m2 (shape) / (3 * 111195.0 * 111195.0), <, 1.01);

  /* round trip keeps the shape, and closes rings */
  out = jb_geo_shape_to_json (shape);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (out), "type"), ==, "Polygon");
  again = jb_geo_shape_new_from_json (out, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (jb_geo_shape_area_m2 (again), ==, jb_geo_shape_area_m2 (shape));

  shape2 = jb_geo_shape_new_from_json (multi, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (jb_geo_shape_get_n_polygons (shape2), ==, 2);
  g_assert_true (jb_geo_shape_contains (shape2, 5.5, 5.5));
  g_assert_true (jb_geo_shape_contains (shape2, 0.5, 0.5));
  g_assert_false (jb_geo_shape_contains (shape2, 3, 3));
}

static void
test_shape_json_errors (void)
{
  static const struct { const char *text; int code; } cases[] = {
    { "{\"type\":\"Point\",\"coordinates\":[1,2]}", JB_ERROR_INVALID_VALUE },
    { "{\"coordinates\":[]}", JB_ERROR_MISSING_FIELD },
    { "{\"type\":\"Polygon\"}", JB_ERROR_MISSING_FIELD },
    { "{\"type\":\"Polygon\",\"coordinates\":[]}", JB_ERROR_INVALID_TYPE },
    { "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}", JB_ERROR_INVALID_VALUE },
    { "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,\"x\"],[1,1]]]}", JB_ERROR_INVALID_TYPE },
    { "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,95]]]}", JB_ERROR_OUT_OF_RANGE },
    { "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1]]],\"bbox\":1,\"type2\":[]}", -1 },
    { "{\"type\":\"MultiPolygon\",\"coordinates\":[[[0,0],[1,0],[1,1]]]}", JB_ERROR_INVALID_TYPE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = parse (cases[i].text);
      g_autoptr(GError) error = NULL;
      g_autoptr(JbGeoShape) shape = jb_geo_shape_new_from_json (node, &error);

      if (cases[i].code < 0)
        {
          /* foreign members are allowed */
          g_assert_no_error (error);
          g_assert_nonnull (shape);
          continue;
        }
      g_assert_null (shape);
      g_assert_error (error, JB_ERROR, cases[i].code);
    }
}

static void
test_district_contains (void)
{
  g_autoptr(JbGeoShape) kaifu = load_district ("开福区");
  g_autoptr(JbGeoShape) furong = load_district ("芙蓉区");
  g_autoptr(JbGeoShape) yuelu = load_district ("岳麓区");
  double area_km2 = jb_geo_shape_area_m2 (kaifu) / 1e6;

  /* 开福区 is about 187 km² (the data are coarse) */
  g_assert_cmpfloat (area_km2, >, 170);
  g_assert_cmpfloat (area_km2, <, 200);

  for (guint i = 0; i < G_N_ELEMENTS (seats); i++)
    {
      g_assert_true (jb_geo_shape_contains (kaifu, seats[i].lat, seats[i].lon));
      g_assert_false (jb_geo_shape_contains (furong, seats[i].lat, seats[i].lon));
    }

  /* 岳麓山, across the Xiang: 岳麓区, not 开福区 */
  g_assert_false (jb_geo_shape_contains (kaifu, 28.185, 112.935));
  g_assert_true (jb_geo_shape_contains (yuelu, 28.185, 112.935));
  /* 五一广场 is in 芙蓉区 */
  g_assert_false (jb_geo_shape_contains (kaifu, 28.196, 112.977));
  /* far east: 长沙县 */
  g_assert_false (jb_geo_shape_contains (kaifu, 28.25, 113.10));
}

static void
test_district_voronoi (void)
{
  g_autoptr(JbGeoShape) kaifu = load_district ("开福区");
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  JbGeoShape *cells[G_N_ELEMENTS (seats)];
  double total = 0, whole = jb_geo_shape_area_m2 (kaifu);

  for (guint i = 0; i < G_N_ELEMENTS (seats); i++)
    {
      cells[i] = jb_geo_shape_voronoi_cell (kaifu, seats, G_N_ELEMENTS (seats), i);
      g_assert_false (jb_geo_shape_is_empty (cells[i]));
      g_assert_cmpfloat (jb_geo_shape_area_m2 (cells[i]), >, 1e6);
      g_assert_true (jb_geo_shape_contains (cells[i], seats[i].lat, seats[i].lon));
      total += jb_geo_shape_area_m2 (cells[i]);
    }

  g_assert_cmpfloat (fabs (total - whole) / whole, <, 0.005);

  /* Every point of the district is in exactly one cell, the nearest seat's. */
  for (guint k = 0; k < 5000; k++)
    {
      double lat, lon, best = G_MAXDOUBLE;
      guint n_in = 0, in = 0, nearest = 0;

      jb_geo_shape_random_point (kaifu, rand, &lat, &lon);
      g_assert_true (jb_geo_shape_contains (kaifu, lat, lon));
      for (guint i = 0; i < G_N_ELEMENTS (seats); i++)
        {
          double d = jb_geo_distance_m (lat, lon, seats[i].lat, seats[i].lon);

          if (jb_geo_shape_contains (cells[i], lat, lon))
            n_in++, in = i;
          if (d < best)
            best = d, nearest = i;
        }
      g_assert_cmpuint (n_in, ==, 1);
      /* The cells are cut in a local plane: near a boundary the
       * great-circle nearest seat may differ by a hair. */
      if (in != nearest)
        g_assert_cmpfloat (jb_geo_distance_m (lat, lon, seats[in].lat, seats[in].lon) - best, <, best * 0.003);
    }

  /* and nothing outside the district is in a cell */
  for (guint i = 0; i < G_N_ELEMENTS (seats); i++)
    {
      g_assert_false (jb_geo_shape_contains (cells[i], 28.185, 112.935));
      jb_geo_shape_unref (cells[i]);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/geo/distance", test_distance);
  g_test_add_func ("/core/geo/ring/contains", test_ring_contains);
  g_test_add_func ("/core/geo/ring/area", test_ring_area);
  g_test_add_func ("/core/geo/ring/clip-convex", test_ring_clip_convex);
  g_test_add_func ("/core/geo/ring/clip-concave", test_ring_clip_concave);
  g_test_add_func ("/core/geo/shape/json", test_shape_json);
  g_test_add_func ("/core/geo/shape/json-errors", test_shape_json_errors);
  g_test_add_func ("/core/geo/district/contains", test_district_contains);
  g_test_add_func ("/core/geo/district/voronoi", test_district_voronoi);

  return g_test_run ();
}
