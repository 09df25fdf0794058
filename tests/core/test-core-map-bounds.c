/* test-core-map-bounds.c — what the map fits to: the Mercator box, its
 * centre and zoom, and an incident with its units on their way
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "jb-core.h"

#define NOW G_GINT64_CONSTANT (1795400000000)

static void
test_mercator (void)
{
  /* The corners and the middle of the world. */
  g_assert_cmpfloat_with_epsilon (jb_mercator_x (-180), 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (jb_mercator_x (180), 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (jb_mercator_x (0), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (jb_mercator_y (0), 0.5, 1e-12);
  /* North is up: y shrinks northwards; beyond libshumate's limit it stops. */
  g_assert_cmpfloat (jb_mercator_y (28.3), <, jb_mercator_y (28.2));
  g_assert_cmpfloat_with_epsilon (jb_mercator_y (89.9), jb_mercator_y (85.0511287798), 1e-12);
  g_assert_cmpfloat_with_epsilon (jb_mercator_y (85.0511287798), 0.0, 1e-9);

  /* There and back, at Changsha. */
  g_assert_cmpfloat_with_epsilon (jb_mercator_lat (jb_mercator_y (28.2177)), 28.2177, 1e-9);
  g_assert_cmpfloat_with_epsilon (jb_mercator_lon (jb_mercator_x (112.9823)), 112.9823, 1e-9);
}

static void
test_empty_and_point (void)
{
  JbMapBounds bounds;
  double lat = -1, lon = -1, zoom = -1;

  jb_map_bounds_init (&bounds);
  g_assert_cmpuint (bounds.n_points, ==, 0);
  g_assert_false (jb_map_bounds_get_center (&bounds, &lat, &lon));
  g_assert_false (jb_map_bounds_fit (&bounds, 800, 600, 0.8, 8, 17, &lat, &lon, &zoom));
  g_assert_cmpfloat (zoom, ==, -1);

  /* One point: centred on it, as close as allowed. */
  jb_map_bounds_add_point (&bounds, 28.2, 112.98);
  g_assert_true (jb_map_bounds_fit (&bounds, 800, 600, 0.8, 8, 17, &lat, &lon, &zoom));
  g_assert_cmpfloat_with_epsilon (lat, 28.2, 1e-9);
  g_assert_cmpfloat_with_epsilon (lon, 112.98, 1e-9);
  g_assert_cmpfloat (zoom, ==, 17);

  /* Two points with no view size yet: the centre, and the closest zoom. */
  jb_map_bounds_add_point (&bounds, 28.3, 113.08);
  g_assert_true (jb_map_bounds_fit (&bounds, 0, 0, 0.8, 8, 17, &lat, &lon, &zoom));
  g_assert_cmpfloat (zoom, ==, 17);
}

static void
test_fit_zoom (void)
{
  JbMapBounds bounds;
  double lat, lon, zoom, mid_x, mid_y;

  /* A box 1/4096 of the world wide and half as tall: at zoom 12 it is one
   * 256-pixel tile wide. */
  jb_map_bounds_init (&bounds);
  mid_x = jb_mercator_x (112.98);
  mid_y = jb_mercator_y (28.2);
  jb_map_bounds_add_point (&bounds, jb_mercator_lat (mid_y - 1.0 / 16384),
                           jb_mercator_lon (mid_x - 1.0 / 8192));
  jb_map_bounds_add_point (&bounds, jb_mercator_lat (mid_y + 1.0 / 16384),
                           jb_mercator_lon (mid_x + 1.0 / 8192));
  g_assert_cmpuint (bounds.n_points, ==, 2);
  g_assert_cmpfloat_with_epsilon (bounds.max_mx - bounds.min_mx, 1.0 / 4096, 1e-12);

  /* Filling the whole of a 256 × 256 view: zoom 12 (the width decides). */
  g_assert_true (jb_map_bounds_fit (&bounds, 256, 256, 1.0, 0, 20, &lat, &lon, &zoom));
  g_assert_cmpfloat_with_epsilon (zoom, 12.0, 1e-9);
  /* The centre is the middle in Mercator, where the map puts it. */
  g_assert_cmpfloat_with_epsilon (jb_mercator_x (lon), mid_x, 1e-12);
  g_assert_cmpfloat_with_epsilon (jb_mercator_y (lat), mid_y, 1e-12);

  /* Twice the view: one level closer; half the fill: one level further. */
  g_assert_true (jb_map_bounds_fit (&bounds, 512, 512, 1.0, 0, 20, NULL, NULL, &zoom));
  g_assert_cmpfloat_with_epsilon (zoom, 13.0, 1e-9);
  g_assert_true (jb_map_bounds_fit (&bounds, 512, 512, 0.5, 0, 20, NULL, NULL, &zoom));
  g_assert_cmpfloat_with_epsilon (zoom, 12.0, 1e-9);

  /* A low view: the height decides (128 px for half a tile's height). */
  g_assert_true (jb_map_bounds_fit (&bounds, 4096, 64, 1.0, 0, 20, NULL, NULL, &zoom));
  g_assert_cmpfloat_with_epsilon (zoom, 11.0, 1e-9);

  /* The limits hold. */
  g_assert_true (jb_map_bounds_fit (&bounds, 256, 256, 1.0, 13, 20, NULL, NULL, &zoom));
  g_assert_cmpfloat (zoom, ==, 13);
  g_assert_true (jb_map_bounds_fit (&bounds, 256, 256, 1.0, 0, 11.5, NULL, NULL, &zoom));
  g_assert_cmpfloat (zoom, ==, 11.5);

  /* A box added as corners in degrees is the same box. */
  {
    JbMapBounds box;
    double z2;

    jb_map_bounds_init (&box);
    jb_map_bounds_add_box (&box, jb_mercator_lat (mid_y + 1.0 / 16384), jb_mercator_lon (mid_x - 1.0 / 8192),
                           jb_mercator_lat (mid_y - 1.0 / 16384), jb_mercator_lon (mid_x + 1.0 / 8192));
    g_assert_true (jb_map_bounds_fit (&box, 256, 256, 1.0, 0, 20, NULL, NULL, &z2));
    g_assert_cmpfloat_with_epsilon (z2, 12.0, 1e-9);
  }
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static void
append_unit (GString    *s,
             const char *id,
             double      lat,
             double      lon)
{
  g_string_append_printf (s, "{\"id\": \"%s\", \"kind\": \"patrol_car\", \"callsign\": \"%s\", \"name\": \"N\","
                          " \"station_id\": \"st-a\", \"status\": \"en_route\", \"incident_id\": \"inc-1\"",
                          id, id);
  if (isnan (lat))
    g_string_append (s, ", \"position\": null");
  else
    g_string_append_printf (s, ", \"position\": {\"lat\": %.6f, \"lon\": %.6f, \"heading\": null, \"speed\": null,"
                            " \"accuracy\": null, \"time\": %" G_GINT64_FORMAT "}", lat, lon, NOW);
  g_string_append (s, ", \"updated_at\": 1}");
}

static void
append_assignment (GString    *s,
                   const char *unit_id,
                   const char *state)
{
  if (s->str[s->len - 1] != '[')
    g_string_append_c (s, ',');
  g_string_append_printf (s, "{\"unit_id\": \"%s\", \"state\": \"%s\", \"assigned_at\": %" G_GINT64_FORMAT ","
                          " \"accepted_at\": null, \"en_route_at\": null, \"on_scene_at\": null,"
                          " \"released_at\": null, \"assigned_by\": \"dispatcher\"}", unit_id, state, NOW);
}

/* inc-1: a scene at (28.2, 112.98) and one unit in each assignment
 * state; "u-nofix" has no position, "u-gone" is not in the store. inc-2:
 * nobody assigned. */
static JbStore *
scene_store (void)
{
  static const struct { const char *id; const char *state; double lat; double lon; } units[] = {
    { "u-assigned", "assigned", 28.21, 112.98 },
    { "u-accepted", "accepted", 28.2, 112.96 },
    { "u-enroute", "en_route", 28.17, 112.98 },
    { "u-onscene", "on_scene", 28.3, 113.2 },
    { "u-released", "released", 27.9, 112.5 },
    { "u-declined", "declined", 28.6, 113.5 },
    { "u-nofix", "en_route", NAN, NAN },
  };
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JbStore *store = jb_store_new ();

  g_string_append_printf (s, "{\"seq\": 1, \"server_time\": %" G_GINT64_FORMAT ", \"config\": {},"
                          " \"stations\": [], \"terminals\": [], \"grids\": [], \"units\": [", NOW);
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      if (i > 0)
        g_string_append_c (s, ',');
      append_unit (s, units[i].id, units[i].lat, units[i].lon);
    }
  g_string_append_printf (s, "], \"incidents\": [{\"id\": \"inc-1\", \"number\": \"KF-1\", \"type\": \"fight\","
                          " \"priority\": 1, \"status\": \"dispatched\", \"source\": \"phone\","
                          " \"location\": {\"lat\": 28.2, \"lon\": 112.98}, \"created_at\": %" G_GINT64_FORMAT ","
                          " \"assignments\": [", NOW);
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    append_assignment (s, units[i].id, units[i].state);
  append_assignment (s, "u-gone", "en_route");
  g_string_append_printf (s, "], \"procedure\": [], \"notes\": [], \"timeline\": [], \"updated_at\": %"
                          G_GINT64_FORMAT "},"
                          " {\"id\": \"inc-2\", \"number\": \"KF-2\", \"type\": \"fight\", \"priority\": 2,"
                          " \"status\": \"new\", \"source\": \"phone\", \"location\": {\"lat\": 28.25, \"lon\": 113.0},"
                          " \"created_at\": %" G_GINT64_FORMAT ", \"assignments\": [], \"procedure\": [],"
                          " \"notes\": [], \"timeline\": [], \"updated_at\": 1}]}", NOW, NOW);

  node = parse (s->str);
  jb_store_load_snapshot (store, node, &error);
  g_assert_no_error (error);
  return store;
}

static void
test_incident_units (void)
{
  g_autoptr(JbStore) store = scene_store ();
  g_autoptr(GArray) units = g_array_new (FALSE, FALSE, sizeof (JbGeoPoint));
  JbIncident *incident = jb_store_lookup_incident (store, "inc-1");
  JbMapBounds bounds;
  double lat, lon, zoom, near_zoom;

  g_assert_nonnull (incident);
  jb_map_bounds_init (&bounds);
  g_assert_true (jb_map_bounds_add_incident (&bounds, incident, store, units));

  /* The scene and the three on their way, in the incident's order; not
   * the unit on scene, the released or declined ones, the one without a
   * fix, nor one the store does not know. */
  g_assert_cmpuint (bounds.n_points, ==, 4);
  g_assert_cmpuint (units->len, ==, 3);
  g_assert_cmpfloat_with_epsilon (g_array_index (units, JbGeoPoint, 0).lat, 28.21, 1e-9);
  g_assert_cmpfloat_with_epsilon (g_array_index (units, JbGeoPoint, 1).lon, 112.96, 1e-9);
  g_assert_cmpfloat_with_epsilon (g_array_index (units, JbGeoPoint, 2).lat, 28.17, 1e-9);
  g_assert_cmpfloat_with_epsilon (bounds.min_mx, jb_mercator_x (112.96), 1e-12);
  g_assert_cmpfloat_with_epsilon (bounds.max_mx, jb_mercator_x (112.98), 1e-12);
  g_assert_cmpfloat_with_epsilon (bounds.min_my, jb_mercator_y (28.21), 1e-12);
  g_assert_cmpfloat_with_epsilon (bounds.max_my, jb_mercator_y (28.17), 1e-12);

  /* Framed on a console's map: centred between them, inside the limits. */
  g_assert_true (jb_map_bounds_fit (&bounds, 1200, 900, 0.6, 11, 17, &lat, &lon, &zoom));
  g_assert_cmpfloat (lat, >, 28.17);
  g_assert_cmpfloat (lat, <, 28.21);
  g_assert_cmpfloat_with_epsilon (lon, 112.97, 1e-9);
  g_assert_cmpfloat (zoom, >, 11);
  g_assert_cmpfloat (zoom, <, 17);

  /* The unit that arrives drops out, and the frame closes in. */
  {
    JbMapBounds nearer;
    g_autoptr(GArray) fewer = g_array_new (FALSE, FALSE, sizeof (JbGeoPoint));
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(GString) json = g_string_new (NULL);
    JbIncident *updated;

    g_string_append_printf (json, "{\"seq\": 2, \"type\": \"incident.updated\", \"time\": %" G_GINT64_FORMAT ","
                            " \"data\": {\"change\": \"assignment\", \"incident\": {\"id\": \"inc-1\","
                            " \"number\": \"KF-1\", \"type\": \"fight\", \"priority\": 1, \"status\": \"dispatched\","
                            " \"source\": \"phone\", \"location\": {\"lat\": 28.2, \"lon\": 112.98},"
                            " \"created_at\": %" G_GINT64_FORMAT ", \"assignments\": [", NOW + 1, NOW);
    append_assignment (json, "u-enroute", "on_scene");
    append_assignment (json, "u-assigned", "assigned");
    g_string_append_printf (json, "], \"procedure\": [], \"notes\": [], \"timeline\": [], \"updated_at\": %"
                            G_GINT64_FORMAT "}}}", NOW + 1);
    node = parse (json->str);
    g_assert_cmpint (jb_store_apply_event (store, node, &error), ==, JB_STORE_APPLY_OK);
    g_assert_no_error (error);
    updated = jb_store_lookup_incident (store, "inc-1");

    jb_map_bounds_init (&nearer);
    g_assert_true (jb_map_bounds_add_incident (&nearer, updated, store, fewer));
    g_assert_cmpuint (fewer->len, ==, 1);
    g_assert_true (jb_map_bounds_fit (&nearer, 1200, 900, 0.6, 11, 17, NULL, NULL, &near_zoom));
    g_assert_cmpfloat (near_zoom, >, zoom);
  }

  /* Nobody on the way: the scene alone (@units may be NULL). */
  jb_map_bounds_init (&bounds);
  g_assert_true (jb_map_bounds_add_incident (&bounds, jb_store_lookup_incident (store, "inc-2"), store, NULL));
  g_assert_cmpuint (bounds.n_points, ==, 1);
  g_assert_true (jb_map_bounds_get_center (&bounds, &lat, &lon));
  g_assert_cmpfloat_with_epsilon (lat, 28.25, 1e-9);
  g_assert_cmpfloat_with_epsilon (lon, 113.0, 1e-9);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/map-bounds/mercator", test_mercator);
  g_test_add_func ("/core/map-bounds/empty-and-point", test_empty_and_point);
  g_test_add_func ("/core/map-bounds/fit-zoom", test_fit_zoom);
  g_test_add_func ("/core/map-bounds/incident-units", test_incident_units);

  return g_test_run ();
}
