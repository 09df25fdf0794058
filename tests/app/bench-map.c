/* bench-map.c — our map layers against libshumate's ShumateMarkerLayer
 *
 * For 1,000 / 5,000 / 20,000 units spread over 开福区 in a 1920×1080
 * window, times: loading the points, rendering a frame (layout, snapshot
 * of the map, render of that node to a texture with the window's
 * renderer), panning, and moving every unit then rendering; for our
 * JbUnitLayer (with the real atlas icons) and for ShumateMarkerLayer with
 * one marker per unit showing the same icon, in the same run.
 *
 *   GDK_BACKEND=x11 GSK_RENDERER=cairo xvfb-run -a -s '-screen 0 1920x1080x24' \
 *     build-app/tests/app/bench-map [--stock-max N] [--repeat N]
 *
 * Each layer is loaded once per count and then measured at zoom 12 (the
 * district, clustered), 14 (a station's area, clustered) and 16 (streets,
 * every unit drawn). The stock layer at 20,000 takes about a minute to
 * load; --stock-max 5000 skips it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

#include "jb-icon-atlas.h"
#include "jb-unit-layer.h"

#define WIDTH  1920
#define HEIGHT 1080
#define CENTRE_LAT 28.25
#define CENTRE_LON 112.99
#define SPREAD 0.08

typedef struct
{
  GtkWindow       *window;
  ShumateMap      *map;
  ShumateViewport *viewport;
  GskRenderer     *renderer;
  guint            repeat;
} Bench;

typedef struct
{
  double load_ms;
  double frame_ms;
  double pan_ms;
  double move_ms;
  guint  drawn;
  guint  clusters;
} Figures;

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Layout, snapshot and render of the map, synchronously: what one frame
 * of the window costs for the map, minus presenting it. */
static void
render_frame (Bench *bench)
{
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  GdkTexture *texture;

  gtk_widget_size_allocate (GTK_WIDGET (bench->map),
                            &(GtkAllocation) { 0, 0, WIDTH, HEIGHT }, -1);
  snapshot = gtk_snapshot_new ();
  gtk_widget_snapshot_child (GTK_WIDGET (bench->window), GTK_WIDGET (bench->map), snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (bench->renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, WIDTH, HEIGHT));
  g_object_unref (texture);
  gsk_render_node_unref (node);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static JbUnitPoint *
make_points (guint n)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261123);
  JbUnitPoint *points = g_new0 (JbUnitPoint, n);
  gint64 now = g_get_real_time () / 1000;

  for (guint i = 0; i < n; i++)
    {
      double k = g_rand_double (rand);
      double s = g_rand_double (rand);

      points[i].lat = CENTRE_LAT + g_rand_double_range (rand, -SPREAD, SPREAD);
      points[i].lon = CENTRE_LON + g_rand_double_range (rand, -SPREAD, SPREAD);
      points[i].heading = (float) g_rand_double_range (rand, 0, 360);
      points[i].kind = k < 0.70 ? JB_UNIT_KIND_GUARD
                     : k < 0.80 ? JB_UNIT_KIND_VOLUNTEER
                     : k < 0.92 ? JB_UNIT_KIND_OFFICER
                     : JB_UNIT_KIND_PATROL_CAR;
      points[i].status = s < 0.75 ? JB_UNIT_STATUS_AVAILABLE
                       : s < 0.82 ? JB_UNIT_STATUS_EN_ROUTE
                       : s < 0.88 ? JB_UNIT_STATUS_ON_SCENE
                       : s < 0.92 ? JB_UNIT_STATUS_ASSIGNED
                       : s < 0.97 ? JB_UNIT_STATUS_BUSY
                       : JB_UNIT_STATUS_OFF_DUTY;
      points[i].flags = JB_UNIT_POINT_HAS_POSITION | JB_UNIT_POINT_HAS_HEADING;
      points[i].time = now;
    }

  return points;
}

static void
jitter (JbUnitPoint *points,
        guint        n,
        GRand       *rand)
{
  gint64 now = g_get_real_time () / 1000;

  /* About 10 m in a random direction, as a second of walking or driving. */
  for (guint i = 0; i < n; i++)
    {
      points[i].lat += g_rand_double_range (rand, -0.0001, 0.0001);
      points[i].lon += g_rand_double_range (rand, -0.0001, 0.0001);
      points[i].time = now;
    }
}

static void
set_view (Bench  *bench,
          double  zoom)
{
  shumate_viewport_set_zoom_level (bench->viewport, zoom);
  shumate_location_set_location (SHUMATE_LOCATION (bench->viewport), CENTRE_LAT, CENTRE_LON);
}

static void
pan_step (Bench *bench,
          guint  step)
{
  double lat = shumate_location_get_latitude (SHUMATE_LOCATION (bench->viewport));
  double lon = shumate_location_get_longitude (SHUMATE_LOCATION (bench->viewport));
  double x, y;

  /* 40 px right or left, as a drag step. */
  shumate_viewport_location_to_widget_coords (bench->viewport, GTK_WIDGET (bench->map), lat, lon, &x, &y);
  shumate_viewport_widget_coords_to_location (bench->viewport, GTK_WIDGET (bench->map),
                                              x + (step % 2 ? -40 : 40), y, &lat, &lon);
  shumate_location_set_location (SHUMATE_LOCATION (bench->viewport), lat, lon);
}

/* Frame, pan and move figures at @zoom for whatever layer is on the map;
 * @move applies one step of movement to it. */
static void
measure_at_zoom (Bench        *bench,
                 GtkWidget    *layer,
                 double        zoom,
                 void        (*prepare) (gpointer data),
                 void        (*move) (gpointer data),
                 gpointer      data,
                 Figures      *out)
{
  g_autofree double *samples = g_new (double, bench->repeat);
  double t;

  set_view (bench, zoom);
  drain ();
  render_frame (bench);  /* warm the atlas and the layout */

  for (guint r = 0; r < bench->repeat; r++)
    {
      gtk_widget_queue_draw (layer);
      t = now_ms ();
      render_frame (bench);
      samples[r] = now_ms () - t;
    }
  out->frame_ms = median (samples, bench->repeat);

  for (guint r = 0; r < bench->repeat; r++)
    {
      t = now_ms ();
      pan_step (bench, r);
      render_frame (bench);
      samples[r] = now_ms () - t;
    }
  out->pan_ms = median (samples, bench->repeat);
  set_view (bench, zoom);
  drain ();
  render_frame (bench);

  for (guint r = 0; r < bench->repeat; r++)
    {
      /* The new positions are computed first, untimed: they are the
       * store's work (bench-ingest), not the layer's. */
      prepare (data);
      t = now_ms ();
      move (data);
      render_frame (bench);
      samples[r] = now_ms () - t;
    }
  out->move_ms = median (samples, bench->repeat);
}

typedef struct
{
  JbUnitLayer *layer;
  JbUnitPoint *points;
  guint        n;
  GRand       *rand;
} OursMove;

static void
prepare_ours (gpointer data)
{
  OursMove *m = data;

  jitter (m->points, m->n, m->rand);
}

static void
move_ours (gpointer data)
{
  OursMove *m = data;

  /* The points arrive moved (as the store's array does); the layer takes
   * them and the frame is drawn. */
  jb_unit_layer_set_units (m->layer, m->points, m->n);
}

static void
measure_ours (Bench        *bench,
              JbUnitPoint  *points,
              guint         n,
              const double *zooms,
              guint         n_zooms,
              Figures      *out)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  OursMove move = { NULL, points, n, rand };
  JbUnitLayer *layer;
  double t, load;

  layer = jb_unit_layer_new (bench->viewport);
  shumate_map_add_layer (bench->map, SHUMATE_LAYER (layer));
  drain ();

  t = now_ms ();
  jb_unit_layer_set_units (layer, points, n);
  load = now_ms () - t;
  move.layer = layer;

  for (guint z = 0; z < n_zooms; z++)
    {
      measure_at_zoom (bench, GTK_WIDGET (layer), zooms[z], prepare_ours, move_ours, &move, &out[z]);
      out[z].load_ms = load;
      /* What the last frame (after a move) drew. */
      out[z].drawn = jb_point_layer_get_n_drawn_items (JB_POINT_LAYER (layer));
      out[z].clusters = jb_point_layer_get_n_drawn_clusters (JB_POINT_LAYER (layer));
      /* A fast frame that drew nothing would be a broken layer, not a result. */
      g_assert_cmpuint (out[z].drawn, >, 0);
      g_assert_cmpuint (out[z].clusters, <=, out[z].drawn);
    }

  shumate_map_remove_layer (bench->map, SHUMATE_LAYER (layer));
  drain ();
}

typedef struct
{
  ShumateMarker **markers;
  JbUnitPoint    *points;
  guint           n;
  GRand          *rand;
} StockMove;

static void
prepare_stock (gpointer data)
{
  StockMove *m = data;

  jitter (m->points, m->n, m->rand);
}

static void
move_stock (gpointer data)
{
  StockMove *m = data;

  for (guint i = 0; i < m->n; i++)
    shumate_location_set_location (SHUMATE_LOCATION (m->markers[i]), m->points[i].lat, m->points[i].lon);
}

static void
measure_stock (Bench        *bench,
               JbUnitPoint  *points,
               guint         n,
               const double *zooms,
               guint         n_zooms,
               Figures      *out)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autofree ShumateMarker **markers = g_new (ShumateMarker *, n);
  JbIconAtlas *atlas = jb_icon_atlas_get_for_scale (1);
  StockMove move = { markers, points, n, rand };
  ShumateMarkerLayer *layer;
  double t, load;

  layer = shumate_marker_layer_new (bench->viewport);
  shumate_map_add_layer (bench->map, SHUMATE_LAYER (layer));
  drain ();

  /* One marker widget per unit showing the same atlas icon. */
  t = now_ms ();
  for (guint i = 0; i < n; i++)
    {
      GdkTexture *icon = jb_icon_atlas_get_unit (atlas, points[i].kind, points[i].status, FALSE);
      GtkWidget *image = gtk_image_new_from_paintable (GDK_PAINTABLE (icon));

      gtk_image_set_pixel_size (GTK_IMAGE (image), (int) JB_ICON_UNIT_SIZE);
      markers[i] = shumate_marker_new ();
      shumate_marker_set_child (markers[i], image);
      shumate_location_set_location (SHUMATE_LOCATION (markers[i]), points[i].lat, points[i].lon);
      shumate_marker_layer_add_marker (layer, markers[i]);
    }
  load = now_ms () - t;

  for (guint z = 0; z < n_zooms; z++)
    {
      measure_at_zoom (bench, GTK_WIDGET (layer), zooms[z], prepare_stock, move_stock, &move, &out[z]);
      out[z].load_ms = load;
      out[z].drawn = n;
      out[z].clusters = 0;
    }

  shumate_map_remove_layer (bench->map, SHUMATE_LAYER (layer));
  drain ();
}

static void
print_row (const char    *impl,
           guint          n,
           double         zoom,
           const Figures *f)
{
  printf ("%-6s %6u %5.0f %10.2f %10.2f %10.2f %10.2f %8u %8u\n",
          impl, n, zoom, f->load_ms, f->frame_ms, f->pan_ms, f->move_ms, f->drawn, f->clusters);
  fflush (stdout);
}

int
main (int   argc,
      char *argv[])
{
  static const guint sizes[] = { 1000, 5000, 20000 };
  static const double zooms[] = { 12, 14, 16 };
  g_autoptr(ShumateRasterRenderer) source = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int stock_max = 20000;
  int repeat = 7;
  Bench bench = { 0 };
  GOptionEntry entries[] = {
    { "stock-max", 0, 0, G_OPTION_ARG_INT, &stock_max, "Largest count given to ShumateMarkerLayer (default 20000; 5000 for a quick run)", "N" },
    { "repeat", 0, 0, G_OPTION_ARG_INT, &repeat, "Samples per figure; the median is printed (default 7)", "N" },
    { NULL }
  };

  context = g_option_context_new ("— time the map layers");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  bench.repeat = (guint) CLAMP (repeat, 1, 101);

  gtk_init ();

  bench.window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_decorated (bench.window, FALSE);
  gtk_window_set_default_size (bench.window, WIDTH, HEIGHT);
  bench.map = shumate_map_new ();
  gtk_window_set_child (bench.window, GTK_WIDGET (bench.map));
  bench.viewport = shumate_map_get_viewport (bench.map);
  /* A projection reference only: no tile layer, nothing fetched. */
  source = shumate_raster_renderer_new_full_from_url ("bench", "bench", "", "", 0, 19, 256,
                                                      SHUMATE_MAP_PROJECTION_MERCATOR,
                                                      "http://127.0.0.1:9/{z}/{x}/{y}.png");
  shumate_viewport_set_reference_map_source (bench.viewport, SHUMATE_MAP_SOURCE (source));
  gtk_window_present (bench.window);

  while (gtk_widget_get_width (GTK_WIDGET (bench.map)) != WIDTH)
    g_main_context_iteration (NULL, TRUE);
  drain ();
  bench.renderer = gtk_native_get_renderer (GTK_NATIVE (bench.window));

  printf ("# renderer %s, %d×%d, units spread ±%.2f° around %.2f N %.2f E, median of %u\n",
          G_OBJECT_TYPE_NAME (bench.renderer), WIDTH, HEIGHT, SPREAD, CENTRE_LAT, CENTRE_LON, bench.repeat);
  printf ("# stock layer capped at %d units (--stock-max)\n", stock_max);
  printf ("%-6s %6s %5s %10s %10s %10s %10s %8s %8s\n",
          "layer", "units", "zoom", "load ms", "frame ms", "pan ms", "move ms", "drawn", "clusters");

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      guint n = sizes[s];
      g_autofree JbUnitPoint *points = make_points (n);
      Figures ours[G_N_ELEMENTS (zooms)], stock[G_N_ELEMENTS (zooms)];
      gboolean has_stock = (int) n <= stock_max;

      {
        g_autofree JbUnitPoint *copy = g_memdup2 (points, n * sizeof (JbUnitPoint));

        measure_ours (&bench, copy, n, zooms, G_N_ELEMENTS (zooms), ours);
        for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
          print_row ("ours", n, zooms[z], &ours[z]);
      }
      if (has_stock)
        {
          g_autofree JbUnitPoint *copy = g_memdup2 (points, n * sizeof (JbUnitPoint));

          measure_stock (&bench, copy, n, zooms, G_N_ELEMENTS (zooms), stock);
          for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
            print_row ("stock", n, zooms[z], &stock[z]);
        }

      for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
        {
          if (has_stock)
            printf ("ratio  %6u %5.0f   load %.0f×, frame %.1f×, pan %.1f×, move+render %.1f×\n",
                    n, zooms[z],
                    stock[z].load_ms / MAX (ours[z].load_ms, 0.001),
                    stock[z].frame_ms / ours[z].frame_ms,
                    stock[z].pan_ms / ours[z].pan_ms,
                    stock[z].move_ms / ours[z].move_ms);
          else
            printf ("ratio  %6u %5.0f   (stock not run above --stock-max)\n", n, zooms[z]);
        }
      fflush (stdout);
    }

  gtk_window_destroy (bench.window);
  drain ();

  return 0;
}
