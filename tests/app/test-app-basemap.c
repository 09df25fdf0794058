/* test-app-basemap.c — the client draws the dispatch server's basemap
 * and its grids
 *
 * Writes a small MBTiles file whose tiles are half magenta, half spring
 * green (colours nothing else on the map uses), starts the real
 * jingbao-dispatchd with --tiles on it (and the simulator, as the demo
 * runs), opens the window signed in and checks the map widget's pixels,
 * also past the set's deepest level, the attribution, the disk cache, and
 * the "no basemap" state of a server without tiles. Then the demo's grids:
 * drawn and toggled, an incident's detail naming its grid and people, a
 * duty officer's own jurisdiction highlighted. Saves test-app-basemap.png
 * for a person to look at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>

#include "jb-client.h"
#include "jb-test-mbtiles.h"
#include "jb-test-client.h"
#include "jb-test-server.h"
#include "jb-detail-pane.h"
#include "jb-grid-set.h"
#include "jb-window.h"

/* The demo city (开福区) and around, at the zoom levels a 1920×1080
 * window shows it. */
#define WEST   112.80
#define EAST   113.15
#define SOUTH  28.10
#define NORTH  28.45
#define MINZOOM 9
#define MAXZOOM 13

typedef struct
{
  JbTestServer *server;
  JbClient     *client;
  JbWindow     *window;
  char         *dir;
  char         *mbtiles;
} Fixture;

/* Where JbTileSource keeps this server's tiles (under the suite's
 * XDG_CACHE_HOME), removed after the test. */
static char *
find_tile_cache (Fixture *fixture)
{
  g_autofree char *root = g_build_filename (g_get_user_cache_dir (), "shumate", NULL);
  g_autofree char *server = g_strcanon (g_strdup (jb_test_server_get_url (fixture->server)),
                                        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", '_');
  g_autofree char *prefix = g_strdup_printf ("jingbao_%s_", server);
  g_autoptr(GDir) dir = g_dir_open (root, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix))
      return g_build_filename (root, name, NULL);
  return NULL;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

/* A 256×256 PNG: left half magenta, right half spring green. */
static GBytes *
make_tile_png (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 256, 256);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GBytes) pixels = NULL;
  GdkTexture *texture;
  GBytes *bytes;

  cairo_set_source_rgb (cr, 1, 0, 1);
  cairo_rectangle (cr, 0, 0, 128, 256);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 1, 0.5);
  cairo_rectangle (cr, 128, 0, 128, 256);
  cairo_fill (cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  pixels = g_bytes_new (cairo_image_surface_get_data (surface),
                        (gsize) cairo_image_surface_get_stride (surface) * 256);
  texture = gdk_memory_texture_new (256, 256, GDK_MEMORY_DEFAULT, pixels,
                                    (gsize) cairo_image_surface_get_stride (surface));
  bytes = gdk_texture_save_to_png_bytes (texture);
  g_object_unref (texture);
  cairo_surface_destroy (surface);
  return bytes;
}

static int
lon_to_x (double lon, int z)
{
  return (int) floor ((lon + 180.0) / 360.0 * (1 << z));
}

static int
lat_to_y (double lat, int z)
{
  double rad = lat * G_PI / 180.0;

  return (int) floor ((1.0 - log (tan (rad) + 1.0 / cos (rad)) / G_PI) / 2.0 * (1 << z));
}

static void
write_mbtiles (const char *path)
{
  static const char * const metadata[] = {
    "name", "Test basemap", "attribution", "<a href=\"https://example.org\">© Test tiles</a>",
    "format", "png", "minzoom", "9", "maxzoom", "13", "bounds", "112.80,28.10,113.15,28.45", NULL,
  };
  g_autoptr(GBytes) png = make_tile_png ();
  g_autoptr(GArray) tiles = g_array_new (FALSE, FALSE, sizeof (JbTestTile));

  for (int z = MINZOOM; z <= MAXZOOM; z++)
    for (int x = lon_to_x (WEST, z); x <= lon_to_x (EAST, z); x++)
      for (int y = lat_to_y (NORTH, z); y <= lat_to_y (SOUTH, z); y++)
        {
          JbTestTile tile = { (guint) z, (guint) x, (guint) y, g_bytes_get_data (png, NULL), g_bytes_get_size (png) };

          g_array_append_val (tiles, tile);
        }
  jb_test_mbtiles_write (path, metadata, (JbTestTile *) tiles->data, tiles->len);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  /* 1: with tiles; 2: no tiles, signed in as 清水塘's duty officer. */
  gboolean with_tiles = GPOINTER_TO_INT (data) == 1;
  const char *username = GPOINTER_TO_INT (data) == 2 ? "qingshuitang" : "dispatcher";
  /* The simulator as in the demo: events streaming in, incidents pulsing. */
  const char *args[] = { "--demo", "--demo-guards", "50", "--simulate", "--sim-alarms-per-min", "20",
                         with_tiles ? "--tiles" : NULL, NULL, NULL };
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("jb-basemap-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->mbtiles = g_build_filename (fixture->dir, "test.mbtiles", NULL);
  if (with_tiles)
    {
      write_mbtiles (fixture->mbtiles);
      args[7] = fixture->mbtiles;
    }
  fixture->server = jb_test_server_start (args);
  fixture->client = jb_test_client_new_signed_in (fixture->server, username, "demo");

  fixture->window = jb_window_new (NULL, fixture->client);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1920, 1080);
  gtk_window_present (GTK_WINDOW (fixture->window));
  jb_test_client_start_live (fixture->client, 2 * JB_TEST_WAIT_MS);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  jb_client_stop (fixture->client);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  jb_test_spin (50);
  g_clear_object (&fixture->client);
  jb_test_server_free (fixture->server);
  g_remove (fixture->mbtiles);
  g_rmdir (fixture->dir);
  g_free (fixture->mbtiles);
  g_free (fixture->dir);
}

/* The widget's last frame as a texture. */
static GdkTexture *
grab (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GskRenderNode *node = NULL;
  GdkTexture *texture;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  for (guint attempt = 0; node == NULL && attempt < 100; attempt++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node == NULL)
        jb_test_spin (50);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_render_node_unref (node);
  return texture;
}

typedef struct
{
  GtkWidget *map;
  guint      magenta;
  guint      green;
} Pixels;

/* Counts the tile's two colours in the map widget (overlays such as the
 * jurisdictions' light fill shift them a little). */
static gboolean
tile_colours_drawn (gpointer data)
{
  Pixels *pixels = data;
  g_autoptr(GdkTexture) texture = grab (pixels->map);
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guint8 *buffer = g_malloc ((gsize) width * height * 4);

  gdk_texture_download (texture, buffer, (gsize) width * 4);
  pixels->magenta = pixels->green = 0;
  for (int i = 0; i < width * height; i++)
    {
      /* Cairo's ARGB32 in memory: B, G, R, A. */
      guint8 b = buffer[4 * i], g = buffer[4 * i + 1], r = buffer[4 * i + 2];

      if (r > 200 && g < 60 && b > 200)
        pixels->magenta++;
      else if (r < 60 && g > 200 && b > 90 && b < 170)
        pixels->green++;
    }
  /* Several tiles' worth of each half. */
  return pixels->magenta > 4 * 128 * 256 && pixels->green > 4 * 128 * 256;
}

static void
collect_labels (GtkWidget  *widget,
                GString    *out,
                const char *css_class)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && gtk_widget_get_mapped (child) &&
          (css_class == NULL || gtk_widget_has_css_class (child, css_class)))
        g_string_append_printf (out, "%s\n", gtk_label_get_label (GTK_LABEL (child)));
      collect_labels (child, out, css_class);
    }
}

static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_png (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);

      if ((g_str_has_suffix (name, ".png") && g_file_test (path, G_FILE_TEST_IS_REGULAR)) ||
          (g_file_test (path, G_FILE_TEST_IS_DIR) && has_png (path)))
        return TRUE;
    }
  return FALSE;
}

static void
test_server_tiles (Fixture       *fixture,
                   gconstpointer  data)
{
  JbMapView *map_view = jb_window_get_map_view (fixture->window);
  Pixels pixels = { .map = GTK_WIDGET (jb_map_view_get_map (map_view)) };
  g_autoptr(GdkTexture) shot = NULL;
  g_autoptr(GString) credit = g_string_new (NULL);
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autofree char *cache = NULL;
  GtkWidget *license;
  guint n_kept;

  g_assert_true (jb_map_view_has_basemap (map_view));
  /* A view that the test tile set covers. */
  jb_map_view_set_fixed_view (map_view, 28.25, 112.98, 12.0);
  g_assert_true (jb_test_wait_for (tile_colours_drawn, &pixels, 60 * 1000));
  g_test_message ("magenta %u, green %u pixels", pixels.magenta, pixels.green);

  /* Past the set's deepest level (13) its tiles are drawn enlarged. */
  jb_map_view_go_to (map_view, 28.25, 112.98, 15.5);
  g_assert_true (jb_test_wait_for (tile_colours_drawn, &pixels, 60 * 1000));
  jb_map_view_go_to (map_view, 28.25, 112.98, 12.0);
  g_assert_true (jb_test_wait_for (tile_colours_drawn, &pixels, 60 * 1000));

  /* The decoded tiles kept are bounded (a wall keeps 160): a small bound
   * lets go of the other level's, never of what the last frame drew. */
  n_kept = jb_map_view_get_n_tiles_kept (map_view);
  jb_map_view_set_max_tiles (map_view, 4);
  g_test_message ("tiles kept: %u, with a bound of 4: %u", n_kept, jb_map_view_get_n_tiles_kept (map_view));
  g_assert_cmpuint (jb_map_view_get_n_tiles_kept (map_view), <, n_kept);
  g_assert_cmpuint (jb_map_view_get_n_tiles_kept (map_view), >=, 4);
  g_assert_true (jb_test_wait_for (tile_colours_drawn, &pixels, 60 * 1000));
  jb_map_view_set_max_tiles (map_view, 0);

  /* The credit, as text: the MBTiles field's HTML is gone. */
  license = find_type (GTK_WIDGET (map_view), SHUMATE_TYPE_LICENSE);
  g_assert_nonnull (license);
  g_assert_true (gtk_widget_get_mapped (license));
  collect_labels (license, credit, NULL);
  g_assert_nonnull (strstr (credit->str, "© Test tiles"));
  g_assert_null (strstr (credit->str, "<a"));
  collect_labels (GTK_WIDGET (map_view), missing, "jb-no-basemap");
  g_assert_cmpstr (missing->str, ==, "");

  /* libshumate's file cache holds what was drawn, keyed on this server. */
  cache = find_tile_cache (fixture);
  g_assert_nonnull (cache);
  g_assert_true (has_png (cache));
  remove_tree (cache);

  shot = grab (GTK_WIDGET (map_view));
  path = g_test_build_filename (G_TEST_BUILT, "test-app-basemap.png", NULL);
  g_assert_true (gdk_texture_save_to_png (shot, path));
  g_test_message ("saved %s", path);
}

static void
test_no_basemap (Fixture       *fixture,
                 gconstpointer  data)
{
  JbMapView *map_view = jb_window_get_map_view (fixture->window);
  g_autoptr(GString) missing = g_string_new (NULL);
  GtkWidget *license;

  g_assert_false (jb_map_view_has_basemap (map_view));
  jb_test_spin (200);
  collect_labels (GTK_WIDGET (map_view), missing, "jb-no-basemap");
  g_assert_nonnull (strstr (missing->str, "No basemap"));
  license = find_type (GTK_WIDGET (map_view), SHUMATE_TYPE_LICENSE);
  g_assert_false (license != NULL && gtk_widget_get_mapped (license));

  /* A tile URL in the settings (an intranet PGIS server) is drawn
   * instead; nothing is said missing then. */
  jb_map_view_set_tile_url (map_view, "http://127.0.0.1:9/{z}/{x}/{y}.png");
  g_assert_true (jb_map_view_has_basemap (map_view));
  jb_test_spin (200);
  g_string_truncate (missing, 0);
  collect_labels (GTK_WIDGET (map_view), missing, "jb-no-basemap");
  g_assert_cmpstr (missing->str, ==, "");
  jb_map_view_set_tile_url (map_view, NULL);
  g_assert_false (jb_map_view_has_basemap (map_view));

  /* The demo's grids are on the map; G hides and shows them, D the
   * jurisdictions; a dispatcher has no jurisdiction of its own. */
  {
    GtkWidget *grids = GTK_WIDGET (jb_map_view_get_grid_layer (map_view));
    GtkWidget *jurisdictions = GTK_WIDGET (jb_map_view_get_jurisdiction_layer (map_view));

    g_assert_cmpuint (jb_grid_layer_get_n_rings (JB_GRID_LAYER (grids)), >=, 28);
    g_assert_true (gtk_widget_get_visible (grids));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (map_view), "map.toggle-grids", NULL));
    g_assert_false (gtk_widget_get_visible (grids));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (map_view), "map.toggle-grids", NULL));
    g_assert_true (gtk_widget_get_visible (grids));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (map_view), "map.toggle-jurisdictions", NULL));
    g_assert_false (gtk_widget_get_visible (jurisdictions));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (map_view), "map.toggle-jurisdictions", NULL));
    g_assert_null (jb_jurisdiction_layer_get_highlight (JB_JURISDICTION_LAYER (jurisdictions)));
  }
}

typedef struct
{
  JbStore    *store;
  const char *id;
} IncidentIn;

static gboolean
incident_in_store (gpointer data)
{
  IncidentIn *in = data;

  return jb_store_lookup_incident (in->store, in->id) != NULL;
}

/* An incident inside a demo grid: its detail names the grid and its
 * people. */
static void
test_incident_grid (Fixture       *fixture,
                    gconstpointer  data)
{
  JbStore *store = jb_client_get_store (fixture->client);
  JbGridSet *grids = jb_store_get_grids (store);
  JbDetailPane *pane = jb_window_get_detail_pane (fixture->window);
  g_autoptr(GRand) rand = g_rand_new_with_seed (9);
  g_autofree char *bearer = jb_test_login (fixture->server, "dispatcher", "demo");
  g_autofree char *body = NULL;
  g_autoptr(JbTestResponse) created = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  const JbGrid *grid;
  IncidentIn in = { store, NULL };
  double lat, lon;

  g_assert_cmpuint (jb_grid_set_get_n_grids (grids), >=, 28);
  grid = jb_grid_set_get_grid (grids, 3);
  jb_geo_shape_random_point (grid->area, rand, &lat, &lon);
  g_assert_true (jb_grid_set_lookup (grids, lat, lon) == grid);

  body = g_strdup_printf ("{\"type\": \"dispute\", \"priority\": 2, \"location\": {\"lat\": %.7f, \"lon\": %.7f}}",
                          lat, lon);
  created = jb_test_request (fixture->server, "POST", "/api/v1/incidents", bearer, "grid-incident", body);
  g_assert_cmpuint (created->status, ==, 201);
  in.id = jb_test_json_string (created->body, "id");
  g_assert_true (jb_test_wait_for (incident_in_store, &in, 30 * 1000));

  jb_map_view_select (jb_window_get_map_view (fixture->window),
                      G_OBJECT (jb_store_lookup_incident (store, in.id)));
  /* The grid is in the incident's two-line facts; its people in "All
   * details". */
  gtk_expander_set_expanded (GTK_EXPANDER (jb_detail_pane_get_part (pane, "all-details")), TRUE);
  jb_test_spin (100);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (jb_detail_pane_get_part (pane, "facts"))), grid->name));
  collect_labels (GTK_WIDGET (pane), text, NULL);
  g_assert_nonnull (strstr (text->str, grid->name));
  g_assert_nonnull (strstr (text->str, "Grid officer"));
  g_assert_nonnull (strstr (text->str, "Auxiliary officer"));
}

static void
test_own_jurisdiction (Fixture       *fixture,
                       gconstpointer  data)
{
  JbJurisdictionLayer *layer = jb_map_view_get_jurisdiction_layer (jb_window_get_map_view (fixture->window));

  g_assert_cmpstr (jb_jurisdiction_layer_get_highlight (layer), ==, "st-qingshuitang");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  adw_init ();
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_PREFER_DARK);

  g_test_add ("/app/basemap/server-tiles", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up,
              test_server_tiles, fixture_tear_down);
  g_test_add ("/app/basemap/none", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up,
              test_no_basemap, fixture_tear_down);
  g_test_add ("/app/grids/own-jurisdiction", Fixture, GINT_TO_POINTER (2), fixture_set_up,
              test_own_jurisdiction, fixture_tear_down);
  g_test_add ("/app/grids/incident-detail", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up,
              test_incident_grid, fixture_tear_down);

  return g_test_run ();
}
