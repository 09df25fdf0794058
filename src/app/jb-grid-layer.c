/* jb-grid-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-grid-layer"

#include "jb-grid-layer.h"

#include <math.h>
#include <pango/pangocairo.h>

#include "jb-map-frame.h"

/* Names show from street zoom on; outlines from the district view on. */
#define LABEL_MIN_ZOOM 14.0
#define LINE_MIN_ZOOM  11.0

typedef struct
{
  double *mxy;       /* n_points (mx, my) pairs */
  guint   n_points;
} Ring;

typedef struct
{
  char   *name;
  double  label_mx, label_my;
} Label;

struct _JbGridLayer
{
  ShumateLayer  parent_instance;

  /* Owned */
  JbGridSet    *grids;
  GArray       *rings;   /* Ring */
  GArray       *labels;  /* Label */
};

G_DEFINE_FINAL_TYPE (JbGridLayer, jb_grid_layer, SHUMATE_TYPE_LAYER)

static void
clear_ring (gpointer data)
{
  g_clear_pointer (&((Ring *) data)->mxy, g_free);
}

static void
clear_label (gpointer data)
{
  g_clear_pointer (&((Label *) data)->name, g_free);
}

static void
rebuild (JbGridLayer *self)
{
  guint n = self->grids != NULL ? jb_grid_set_get_n_grids (self->grids) : 0;

  g_array_set_size (self->rings, 0);
  g_array_set_size (self->labels, 0);
  for (guint g = 0; g < n; g++)
    {
      const JbGrid *grid = jb_grid_set_get_grid (self->grids, g);
      Label label = { g_strdup (grid->name), jb_mercator_x (grid->label_lon), jb_mercator_y (grid->label_lat) };

      g_array_append_val (self->labels, label);
      for (guint p = 0; p < jb_geo_shape_get_n_polygons (grid->area); p++)
        for (guint r = 0; r < jb_geo_shape_get_n_rings (grid->area, p); r++)
          {
            gsize n_points;
            const JbGeoPoint *points = jb_geo_shape_get_ring (grid->area, p, r, &n_points);
            Ring ring = { g_new (double, 2 * n_points), (guint) n_points };

            for (gsize i = 0; i < n_points; i++)
              {
                ring.mxy[2 * i] = jb_mercator_x (points[i].lon);
                ring.mxy[2 * i + 1] = jb_mercator_y (points[i].lat);
              }
            g_array_append_val (self->rings, ring);
          }
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
jb_grid_layer_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  JbGridLayer *self = JB_GRID_LAYER (widget);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  static const double dash[] = { 6, 4 };
  JbMapFrame frame;
  cairo_t *cr;

  if (self->rings->len == 0 || !jb_map_frame_init (&frame, viewport, widget) || frame.zoom < LINE_MIN_ZOOM)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, frame.width, frame.height));
  for (guint r = 0; r < self->rings->len; r++)
    {
      const Ring *ring = &g_array_index (self->rings, Ring, r);

      for (guint i = 0; i < ring->n_points; i++)
        {
          double x, y;

          jb_map_frame_project (&frame, ring->mxy[2 * i], ring->mxy[2 * i + 1], &x, &y);
          if (i == 0)
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
      cairo_close_path (cr);
    }
  /* Thinner and dashed: the jurisdictions' solid lines stay on top in
   * the eye. */
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width (cr, 1.0);
  cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
  cairo_set_source_rgba (cr, 0.95, 0.8, 0.45, 0.6);
  cairo_stroke (cr);

  if (frame.zoom >= LABEL_MIN_ZOOM)
    {
      g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
      g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans");

      pango_font_description_set_absolute_size (font, 13 * PANGO_SCALE);
      pango_layout_set_font_description (layout, font);
      for (guint l = 0; l < self->labels->len; l++)
        {
          const Label *label = &g_array_index (self->labels, Label, l);
          PangoRectangle ink;
          double x, y;

          jb_map_frame_project (&frame, label->label_mx, label->label_my, &x, &y);
          if (x < -100 || y < -40 || x > frame.width + 100 || y > frame.height + 40)
            continue;
          pango_layout_set_text (layout, label->name, -1);
          pango_layout_get_pixel_extents (layout, &ink, NULL);
          x -= ink.width / 2.0;
          y -= ink.height / 2.0;
          cairo_move_to (cr, x, y);
          pango_cairo_layout_path (cr, layout);
          cairo_set_line_width (cr, 3.0);
          cairo_set_dash (cr, NULL, 0, 0);
          cairo_set_source_rgba (cr, 0.08, 0.08, 0.1, 0.85);
          cairo_stroke (cr);
          cairo_move_to (cr, x, y);
          cairo_set_source_rgba (cr, 0.98, 0.88, 0.6, 0.95);
          pango_cairo_show_layout (cr, layout);
        }
    }
  cairo_destroy (cr);
}

static void
viewport_changed_cb (JbGridLayer *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
jb_grid_layer_constructed (GObject *object)
{
  JbGridLayer *self = JB_GRID_LAYER (object);

  G_OBJECT_CLASS (jb_grid_layer_parent_class)->constructed (object);
  g_signal_connect_object (shumate_layer_get_viewport (SHUMATE_LAYER (self)), "notify",
                           G_CALLBACK (viewport_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
jb_grid_layer_dispose (GObject *object)
{
  JbGridLayer *self = JB_GRID_LAYER (object);

  if (self->grids != NULL)
    g_signal_handlers_disconnect_by_data (self->grids, self);
  g_clear_object (&self->grids);

  G_OBJECT_CLASS (jb_grid_layer_parent_class)->dispose (object);
}

static void
jb_grid_layer_finalize (GObject *object)
{
  JbGridLayer *self = JB_GRID_LAYER (object);

  g_clear_pointer (&self->rings, g_array_unref);
  g_clear_pointer (&self->labels, g_array_unref);

  G_OBJECT_CLASS (jb_grid_layer_parent_class)->finalize (object);
}

static void
jb_grid_layer_class_init (JbGridLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = jb_grid_layer_constructed;
  object_class->dispose = jb_grid_layer_dispose;
  object_class->finalize = jb_grid_layer_finalize;
  GTK_WIDGET_CLASS (klass)->snapshot = jb_grid_layer_snapshot;
}

static void
jb_grid_layer_init (JbGridLayer *self)
{
  self->rings = g_array_new (FALSE, TRUE, sizeof (Ring));
  g_array_set_clear_func (self->rings, clear_ring);
  self->labels = g_array_new (FALSE, TRUE, sizeof (Label));
  g_array_set_clear_func (self->labels, clear_label);
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

JbGridLayer *
jb_grid_layer_new (ShumateViewport *viewport)
{
  return g_object_new (JB_TYPE_GRID_LAYER, "viewport", viewport, NULL);
}

void
jb_grid_layer_set_grids (JbGridLayer *self,
                         JbGridSet   *grids)
{
  g_return_if_fail (JB_IS_GRID_LAYER (self));

  if (self->grids == grids)
    return;
  if (self->grids != NULL)
    g_signal_handlers_disconnect_by_data (self->grids, self);
  g_set_object (&self->grids, grids);
  if (grids != NULL)
    g_signal_connect_object (grids, "changed", G_CALLBACK (rebuild), self, G_CONNECT_SWAPPED);
  rebuild (self);
}

guint
jb_grid_layer_get_n_rings (JbGridLayer *self)
{
  g_return_val_if_fail (JB_IS_GRID_LAYER (self), 0);
  return self->rings->len;
}
