/* test-app-layers.c — projection, clustering and picking of the map layers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <math.h>

#include "jb-icon-atlas.h"
#include "jb-map-frame.h"
#include "jb-map-view.h"
#include "jb-test-wait.h"
#include "jb-tile-layer.h"
#include "jb-unit-layer.h"

typedef struct
{
  GtkWindow             *window;
  ShumateMap            *map;
  ShumateViewport       *viewport;
  ShumateRasterRenderer *source;
  JbUnitLayer           *layer;
  JbUnitPoint           *points;
  guint                  n_points;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  gint64 now = g_get_real_time () / 1000;

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_decorated (fixture->window, FALSE);
  gtk_window_set_default_size (fixture->window, 800, 600);
  fixture->map = shumate_map_new ();
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->map));
  fixture->viewport = shumate_map_get_viewport (fixture->map);
  fixture->source = shumate_raster_renderer_new_full_from_url ("test", "test", "", "", 0, 19, 256,
                                                               SHUMATE_MAP_PROJECTION_MERCATOR,
                                                               "http://127.0.0.1:9/{z}/{x}/{y}.png");
  shumate_viewport_set_reference_map_source (fixture->viewport, SHUMATE_MAP_SOURCE (fixture->source));
  shumate_viewport_set_zoom_level (fixture->viewport, 12);
  shumate_location_set_location (SHUMATE_LOCATION (fixture->viewport), 28.25, 112.99);

  fixture->layer = jb_unit_layer_new (fixture->viewport);
  shumate_map_add_layer (fixture->map, SHUMATE_LAYER (fixture->layer));

  fixture->n_points = 500;
  fixture->points = g_new0 (JbUnitPoint, fixture->n_points);
  for (guint i = 0; i < fixture->n_points; i++)
    {
      JbUnitPoint *p = &fixture->points[i];

      p->lat = 28.25 + g_rand_double_range (rand, -0.03, 0.03);
      p->lon = 112.99 + g_rand_double_range (rand, -0.03, 0.03);
      p->heading = NAN;
      p->kind = (guint8) (i % JB_UNIT_KIND_N);
      p->status = (guint8) (i % JB_UNIT_STATUS_N);
      p->flags = JB_UNIT_POINT_HAS_POSITION;
      p->time = now;
    }
  /* One without a position: never drawn. */
  fixture->points[7].flags = 0;
  fixture->points[7].lat = fixture->points[7].lon = NAN;

  jb_unit_layer_set_units (fixture->layer, fixture->points, fixture->n_points);

  gtk_window_present (fixture->window);
  while (gtk_widget_get_width (GTK_WIDGET (fixture->map)) == 0)
    g_main_context_iteration (NULL, TRUE);
  jb_test_spin (100);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  jb_test_spin (20);
  g_clear_object (&fixture->source);
  g_free (fixture->points);
}

static void
test_projection (Fixture       *fixture,
                 gconstpointer  data)
{
  const double zooms[] = { 9.5, 12, 14.3, 17 };
  const double rotations[] = { 0, 0.7 };

  for (guint r = 0; r < G_N_ELEMENTS (rotations); r++)
    for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
      {
        JbMapFrame frame;

        shumate_viewport_set_zoom_level (fixture->viewport, zooms[z]);
        shumate_viewport_set_rotation (fixture->viewport, rotations[r]);
        g_assert_true (jb_map_frame_init (&frame, fixture->viewport, GTK_WIDGET (fixture->layer)));

        for (guint i = 0; i < 20; i++)
          {
            const JbUnitPoint *p = &fixture->points[i == 7 ? 8 : i];
            double x, y, sx, sy, mx, my;

            jb_map_frame_project (&frame, jb_mercator_x (p->lon), jb_mercator_y (p->lat), &x, &y);
            shumate_viewport_location_to_widget_coords (fixture->viewport, GTK_WIDGET (fixture->layer),
                                                        p->lat, p->lon, &sx, &sy);
            g_assert_cmpfloat_with_epsilon (x, sx, 1e-6);
            g_assert_cmpfloat_with_epsilon (y, sy, 1e-6);

            jb_map_frame_unproject (&frame, x, y, &mx, &my);
            g_assert_cmpfloat_with_epsilon (jb_mercator_lon (mx), p->lon, 1e-9);
            g_assert_cmpfloat_with_epsilon (jb_mercator_lat (my), p->lat, 1e-9);
          }
      }
}

static void
test_clusters (Fixture       *fixture,
               gconstpointer  data)
{
  JbPointLayer *layer = JB_POINT_LAYER (fixture->layer);
  double x, y;
  JbMapPick pick;
  guint visible = 0;

  /* City zoom: everything is on screen, aggregated. */
  shumate_viewport_set_zoom_level (fixture->viewport, 12);
  jb_test_spin (100);
  g_assert_cmpuint (jb_point_layer_get_n_drawn_clusters (layer), >, 0);
  g_assert_cmpuint (jb_point_layer_get_n_drawn_members (layer), ==, fixture->n_points - 1);
  g_assert_cmpuint (jb_point_layer_get_n_drawn_items (layer), <, fixture->n_points / 4);

  /* The selected unit is drawn alone, on top, and picked alone. */
  jb_point_layer_set_selected (layer, 42);
  jb_test_spin (100);
  g_assert_cmpuint (jb_point_layer_get_n_drawn_members (layer), ==, fixture->n_points - 1);
  g_assert_true (jb_point_layer_get_widget_coords (layer, 42, &x, &y));
  g_assert_true (jb_point_layer_pick (layer, x, y, &pick));
  g_assert_cmpint (pick.index, ==, 42);
  g_assert_cmpuint (pick.count, ==, 1);

  /* A cluster reports how many it holds and their extent. */
  for (double px = 0; px < 800 && pick.count < 2; px += 4)
    for (double py = 0; py < 600 && pick.count < 2; py += 4)
      if (!jb_point_layer_pick (layer, px, py, &pick))
        pick.count = 0;
  g_assert_cmpuint (pick.count, >=, 2);
  g_assert_cmpfloat (pick.min_mx, <=, pick.max_mx);

  /* Street level: no clusters, only what is on screen is drawn. */
  shumate_viewport_set_zoom_level (fixture->viewport, 17);
  jb_test_spin (100);
  g_assert_cmpuint (jb_point_layer_get_n_drawn_clusters (layer), ==, 0);
  for (guint i = 0; i < fixture->n_points; i++)
    if (jb_point_layer_get_widget_coords (layer, i, &x, &y) &&
        x > -40 && y > -40 && x < 840 && y < 640)
      visible++;
  g_assert_cmpuint (jb_point_layer_get_n_drawn_items (layer), ==, visible);
  g_assert_cmpuint (visible, <, fixture->n_points - 1);
  g_assert_false (jb_point_layer_get_widget_coords (layer, 7, &x, &y));
}

static void
test_staleness (Fixture       *fixture,
                gconstpointer  data)
{
  gint64 now = g_get_real_time () / 1000;
  const JbMapPoint *points;
  guint n;

  g_assert_cmpuint (jb_unit_layer_get_n_stale (fixture->layer), ==, 0);

  /* Guards (body cameras) go stale after 30 s, volunteers after 120 s. */
  g_assert_true (jb_unit_layer_update_staleness (fixture->layer, now + 60 * 1000));
  points = jb_point_layer_get_points (JB_POINT_LAYER (fixture->layer), &n);
  for (guint i = 0; i < n; i++)
    {
      if (points[i].flags & JB_MAP_POINT_HIDDEN)
        continue;
      g_assert_cmpint (!!(points[i].flags & JB_MAP_POINT_STALE), ==,
                       points[i].kind != JB_UNIT_KIND_VOLUNTEER);
    }
  g_assert_true (jb_unit_layer_update_staleness (fixture->layer, now));
  g_assert_cmpuint (jb_unit_layer_get_n_stale (fixture->layer), ==, 0);
}

static guint
count_tile_layers (ShumateMap *map)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (map));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (SHUMATE_IS_MAP_LAYER (child) || JB_IS_TILE_LAYER (child))
      n++;

  return n;
}

static void
test_tile_url (void)
{
  GtkWidget *view = g_object_ref_sink (jb_map_view_new ());
  ShumateMap *map = jb_map_view_get_map (JB_MAP_VIEW (view));
  ShumateViewport *viewport = jb_map_view_get_viewport (JB_MAP_VIEW (view));

  /* No template: a projection reference, but no tile layer to fetch. */
  g_assert_nonnull (shumate_viewport_get_reference_map_source (viewport));
  g_assert_cmpuint (count_tile_layers (map), ==, 0);

  jb_map_view_set_tile_url (JB_MAP_VIEW (view), "http://127.0.0.1:9/{z}/{x}/{y}.png");
  g_assert_cmpuint (count_tile_layers (map), ==, 1);
  g_assert_cmpstr (shumate_map_source_get_id (shumate_viewport_get_reference_map_source (viewport)), ==, "jb-tiles");

  jb_map_view_set_tile_url (JB_MAP_VIEW (view), "");
  g_assert_cmpuint (count_tile_layers (map), ==, 0);
  g_assert_nonnull (shumate_viewport_get_reference_map_source (viewport));

  g_object_unref (view);
}

/* An atlas icon's texture and the cairo surface layers draw from are one
 * set of pixels, not a copy each: the moving units' table (kind × status
 * × heading, filled as units take each heading in each status) is most of
 * what a wall's heap gains in its first hours. */
static void
test_icon_atlas_pixels (void)
{
  JbIconAtlas *atlas = jb_icon_atlas_get_for_scale (1);
  GdkTexture *texture = jb_icon_atlas_get_moving_unit (atlas, JB_UNIT_KIND_PATROL_CAR, JB_UNIT_STATUS_EN_ROUTE, 45);
  cairo_surface_t *surface = jb_icon_atlas_get_surface (texture);
  int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
  int stride = cairo_image_surface_get_stride (surface);
  g_autofree guchar *pixels = g_malloc ((gsize) stride * height);
  const guchar *data;
  guint opaque = 0;

  g_assert_nonnull (surface);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, width);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, height);
  /* Held twice: by the texture (its pixels) and by the texture's data. */
  g_assert_cmpuint (cairo_surface_get_reference_count (surface), ==, 2);
  g_assert_true (jb_icon_atlas_get_moving_unit (atlas, JB_UNIT_KIND_PATROL_CAR, JB_UNIT_STATUS_EN_ROUTE, 45) == texture);

  /* And the texture shows what the surface holds. */
  gdk_texture_download (texture, pixels, stride);
  data = cairo_image_surface_get_data (surface);
  for (int y = 0; y < height; y++)
    {
      g_assert_cmpmem (pixels + y * stride, width * 4, data + y * stride, width * 4);
      for (int x = 0; x < width; x++)
        opaque += data[y * stride + x * 4 + 3] == 0xff;
    }
  g_assert_cmpuint (opaque, >, 0);
}

/* The whole atlas drawn at once (what a wall does when it starts): every
 * slot drawn, each icon once with its pixels shared, a second fill draws
 * nothing, and asking for any icon afterwards draws nothing either. Scale 3
 * so that no other test has drawn into this atlas. */
static void
test_icon_atlas_fill (void)
{
  JbIconAtlas *atlas = jb_icon_atlas_get_for_scale (3);
  guint slots = jb_icon_atlas_get_n_slots (atlas);
  gsize bytes = 0, bytes_after = 0;
  GdkTexture *texture;
  float width;

  /* kind × status × (plain, stale, 16 headings), and the fixed rest. */
  g_assert_cmpuint (slots, >=, JB_UNIT_KIND_N * JB_UNIT_STATUS_N * (2 + JB_HEADING_STEPS));
  g_assert_cmpuint (jb_icon_atlas_get_n_drawn (atlas, NULL), ==, 0);

  g_assert_cmpuint (jb_icon_atlas_fill (atlas), ==, slots);
  g_assert_cmpuint (jb_icon_atlas_get_n_drawn (atlas, &bytes), ==, slots);
  /* At least a moving unit's 50 × 50 px at scale 3, 4 bytes a pixel, each. */
  g_assert_cmpuint (bytes, >=, (gsize) JB_UNIT_KIND_N * JB_UNIT_STATUS_N * JB_HEADING_STEPS * 150 * 150 * 4);
  g_test_message ("atlas at scale 3: %u icons, %.2f MB of pixels", slots, bytes / 1e6);

  g_assert_cmpuint (jb_icon_atlas_fill (atlas), ==, 0);
  texture = jb_icon_atlas_get_moving_unit (atlas, JB_UNIT_KIND_VOLUNTEER, JB_UNIT_STATUS_ON_SCENE, 337.0);
  g_assert_nonnull (texture);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 150);
  g_assert_cmpuint (cairo_surface_get_reference_count (jb_icon_atlas_get_surface (texture)), ==, 2);
  g_assert_nonnull (jb_icon_atlas_get_overdue_incident (atlas, 4, TRUE));
  g_assert_nonnull (jb_icon_atlas_get_square_cluster (atlas, JB_MAP_COLOUR_SKY, JB_CLUSTER_LARGE));
  g_assert_nonnull (jb_icon_atlas_get_digit (atlas, 'k', &width));
  g_assert_cmpfloat (width, >, 0);
  g_assert_cmpuint (jb_icon_atlas_get_n_drawn (atlas, &bytes_after), ==, slots);
  g_assert_cmpuint (bytes_after, ==, bytes);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  /* Criticals stay fatal; warnings are not: without a session bus GTK
   * warns that it cannot reach portals, which is not ours to fix. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  adw_init ();

  g_test_add_func ("/app/layers/tile-url", test_tile_url);
  g_test_add_func ("/app/layers/icon-atlas-pixels", test_icon_atlas_pixels);
  g_test_add_func ("/app/layers/icon-atlas-fill", test_icon_atlas_fill);
  g_test_add ("/app/layers/projection", Fixture, NULL, fixture_set_up, test_projection, fixture_tear_down);
  g_test_add ("/app/layers/clusters", Fixture, NULL, fixture_set_up, test_clusters, fixture_tear_down);
  g_test_add ("/app/layers/staleness", Fixture, NULL, fixture_set_up, test_staleness, fixture_tear_down);

  return g_test_run ();
}
