/* jb-jurisdiction-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-jurisdiction-layer"

#include <math.h>
#include <pango/pangocairo.h>

#include "jb-map-frame.h"
#include "jb-station.h"
#include "jb-jurisdiction-layer.h"

/* Names show from this zoom level on. */
#define LABEL_MIN_ZOOM 11.0

typedef struct
{
  double *mxy;      /* n_points (mx, my) pairs */
  guint   n_points;
  guint   station;  /* index into stations */
} Ring;

typedef struct
{
  char   *name;
  char   *id;
  double  label_mx;
  double  label_my;
  double  min_mx, min_my, max_mx, max_my;
} Station;

struct _JbJurisdictionLayer
{
  ShumateLayer parent_instance;

  /* Owned */
  GArray      *rings;     /* Ring */
  GArray      *stations;  /* Station */

  gboolean     draw_areas;
  gboolean     draw_names;
  char        *highlight;  /* station id drawn stronger, or NULL */
};

G_DEFINE_FINAL_TYPE (JbJurisdictionLayer, jb_jurisdiction_layer, SHUMATE_TYPE_LAYER)

static void
clear_ring (gpointer data)
{
  Ring *ring = data;

  g_clear_pointer (&ring->mxy, g_free);
}

static void
clear_station (gpointer data)
{
  Station *station = data;

  g_clear_pointer (&station->name, g_free);
  g_clear_pointer (&station->id, g_free);
}

static void
viewport_changed_cb (JbJurisdictionLayer *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
jb_jurisdiction_layer_constructed (GObject *object)
{
  JbJurisdictionLayer *self = (JbJurisdictionLayer *)object;

  G_OBJECT_CLASS (jb_jurisdiction_layer_parent_class)->constructed (object);

  g_signal_connect_object (shumate_layer_get_viewport (SHUMATE_LAYER (self)), "notify",
                           G_CALLBACK (viewport_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
jb_jurisdiction_layer_finalize (GObject *object)
{
  JbJurisdictionLayer *self = (JbJurisdictionLayer *)object;

  g_clear_pointer (&self->rings, g_array_unref);
  g_clear_pointer (&self->stations, g_array_unref);
  g_clear_pointer (&self->highlight, g_free);

  G_OBJECT_CLASS (jb_jurisdiction_layer_parent_class)->finalize (object);
}

static void
draw_label (cairo_t     *cr,
            PangoLayout *layout,
            const char  *text,
            double       x,
            double       y)
{
  PangoRectangle ink;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_extents (layout, &ink, NULL);
  x = floor (x - ink.x - ink.width / 2.0);
  y = floor (y - ink.y - ink.height / 2.0);

  /* A dark halo keeps the name readable over units and tiles. */
  cairo_move_to (cr, x, y);
  pango_cairo_layout_path (cr, layout);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width (cr, 4.0);
  cairo_set_source_rgba (cr, 0.08, 0.08, 0.1, 0.85);
  cairo_stroke (cr);
  cairo_move_to (cr, x, y);
  cairo_set_source_rgba (cr, 0.93, 0.93, 0.95, 0.95);
  pango_cairo_show_layout (cr, layout);
}

static void
jb_jurisdiction_layer_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  JbJurisdictionLayer *self = (JbJurisdictionLayer *)widget;
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  g_autoptr(PangoFontDescription) font = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  JbMapFrame frame;
  cairo_t *cr;

  if (self->rings->len == 0 || !jb_map_frame_init (&frame, viewport, widget))
    return;

  if (!self->draw_areas && !(self->draw_names && frame.zoom >= LABEL_MIN_ZOOM))
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, frame.width, frame.height));

  /* Jurisdictions tile the district: one even-odd fill per station would
   * hide nothing, so fill lightly and outline clearly. */
  for (guint r = 0; self->draw_areas && r < self->rings->len; r++)
    {
      const Ring *ring = &g_array_index (self->rings, Ring, r);
      const Station *station = &g_array_index (self->stations, Station, ring->station);
      double x0, y0, x1, y1;

      /* Skip rings wholly off screen (rotation aside: then draw all). */
      jb_map_frame_project (&frame, station->min_mx, station->min_my, &x0, &y0);
      jb_map_frame_project (&frame, station->max_mx, station->max_my, &x1, &y1);
      if (frame.rotation == 0.0 &&
          (MAX (x0, x1) < 0 || MIN (x0, x1) > frame.width ||
           MAX (y0, y1) < 0 || MIN (y0, y1) > frame.height))
        continue;

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

  if (self->draw_areas)
    {
      cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
      cairo_set_source_rgba (cr, 0.45, 0.62, 0.95, 0.07);
      cairo_fill_preserve (cr);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_set_line_width (cr, 2.0);
      cairo_set_source_rgba (cr, 0.6, 0.75, 1.0, 0.75);
      cairo_stroke (cr);
    }

  /* The duty officer's own jurisdiction, over the others. */
  for (guint r = 0; self->draw_areas && self->highlight != NULL && r < self->rings->len; r++)
    {
      const Ring *ring = &g_array_index (self->rings, Ring, r);
      const Station *station = &g_array_index (self->stations, Station, ring->station);

      if (g_strcmp0 (station->id, self->highlight) != 0)
        continue;
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
      cairo_set_source_rgba (cr, 0.45, 0.62, 0.95, 0.12);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 4.0);
      cairo_set_source_rgba (cr, 0.55, 0.85, 1.0, 0.95);
      cairo_stroke (cr);
    }

  if (self->draw_names && frame.zoom >= LABEL_MIN_ZOOM)
    {
      layout = pango_cairo_create_layout (cr);
      font = pango_font_description_from_string ("Sans Bold");
      pango_font_description_set_absolute_size (font, (frame.zoom >= 13 ? 20 : 15) * PANGO_SCALE);
      pango_layout_set_font_description (layout, font);

      for (guint s = 0; s < self->stations->len; s++)
        {
          const Station *station = &g_array_index (self->stations, Station, s);
          double x, y;

          if (station->name == NULL)
            continue;
          jb_map_frame_project (&frame, station->label_mx, station->label_my, &x, &y);
          if (x < -100 || y < -40 || x > frame.width + 100 || y > frame.height + 40)
            continue;
          draw_label (cr, layout, station->name, x, y);
        }
    }

  cairo_destroy (cr);
}

static void
jb_jurisdiction_layer_class_init (JbJurisdictionLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = jb_jurisdiction_layer_constructed;
  object_class->finalize = jb_jurisdiction_layer_finalize;

  widget_class->snapshot = jb_jurisdiction_layer_snapshot;
}

static void
jb_jurisdiction_layer_init (JbJurisdictionLayer *self)
{
  self->rings = g_array_new (FALSE, TRUE, sizeof (Ring));
  g_array_set_clear_func (self->rings, clear_ring);
  self->stations = g_array_new (FALSE, TRUE, sizeof (Station));
  g_array_set_clear_func (self->stations, clear_station);

  self->draw_areas = TRUE;
  self->draw_names = TRUE;
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

JbJurisdictionLayer *
jb_jurisdiction_layer_new (ShumateViewport *viewport)
{
  return g_object_new (JB_TYPE_JURISDICTION_LAYER, "viewport", viewport, NULL);
}

void
jb_jurisdiction_layer_set_stations (JbJurisdictionLayer *self,
                                    GListModel          *stations)
{
  guint n;

  g_return_if_fail (JB_IS_JURISDICTION_LAYER (self));
  g_return_if_fail (G_IS_LIST_MODEL (stations));

  g_array_set_size (self->rings, 0);
  g_array_set_size (self->stations, 0);

  n = g_list_model_get_n_items (stations);
  for (guint s = 0; s < n; s++)
    {
      g_autoptr(JbStation) model = g_list_model_get_item (stations, s);
      Station station = { 0 };
      double lat, lon, min_lat, min_lon, max_lat, max_lon;
      guint n_rings = jb_station_get_n_rings (model);
      double area = 0, cx = 0, cy = 0;

      if (n_rings == 0)
        continue;

      station.name = g_strdup (jb_station_get_short_name (model) ? jb_station_get_short_name (model)
                                                                 : jb_station_get_name (model));
      station.id = g_strdup (jb_station_get_id (model));
      if (jb_station_get_bounds (model, &min_lat, &min_lon, &max_lat, &max_lon))
        {
          station.min_mx = jb_mercator_x (min_lon);
          station.max_mx = jb_mercator_x (max_lon);
          station.min_my = jb_mercator_y (max_lat);
          station.max_my = jb_mercator_y (min_lat);
        }

      for (guint r = 0; r < n_rings; r++)
        {
          guint n_points = 0;
          const double *latlon = jb_station_get_ring (model, r, &n_points);
          Ring ring = { 0 };

          if (n_points < 3)
            continue;

          ring.n_points = n_points;
          ring.station = self->stations->len;
          ring.mxy = g_new (double, 2 * n_points);
          for (guint i = 0; i < n_points; i++)
            {
              ring.mxy[2 * i] = jb_mercator_x (latlon[2 * i + 1]);
              ring.mxy[2 * i + 1] = jb_mercator_y (latlon[2 * i]);
            }

          /* The label goes at the area centroid of the outer rings. */
          if (!jb_station_ring_is_hole (model, r))
            {
              for (guint i = 0; i + 1 < n_points; i++)
                {
                  double x0 = ring.mxy[2 * i], y0 = ring.mxy[2 * i + 1];
                  double x1 = ring.mxy[2 * i + 2], y1 = ring.mxy[2 * i + 3];
                  double cross = x0 * y1 - x1 * y0;

                  area += cross;
                  cx += (x0 + x1) * cross;
                  cy += (y0 + y1) * cross;
                }
            }

          g_array_append_val (self->rings, ring);
        }

      if (fabs (area) > 1e-18)
        {
          station.label_mx = cx / (3 * area);
          station.label_my = cy / (3 * area);
        }
      else if (jb_station_get_location (model, &lat, &lon))
        {
          station.label_mx = jb_mercator_x (lon);
          station.label_my = jb_mercator_y (lat);
        }
      else
        {
          station.label_mx = (station.min_mx + station.max_mx) / 2;
          station.label_my = (station.min_my + station.max_my) / 2;
        }

      g_array_append_val (self->stations, station);
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
jb_jurisdiction_layer_get_n_rings (JbJurisdictionLayer *self)
{
  g_return_val_if_fail (JB_IS_JURISDICTION_LAYER (self), 0);

  return self->rings->len;
}

void
jb_jurisdiction_layer_set_parts (JbJurisdictionLayer *self,
                                 gboolean             areas,
                                 gboolean             names)
{
  g_return_if_fail (JB_IS_JURISDICTION_LAYER (self));

  self->draw_areas = !!areas;
  self->draw_names = !!names;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
jb_jurisdiction_layer_set_highlight (JbJurisdictionLayer *self,
                                     const char          *station_id)
{
  g_return_if_fail (JB_IS_JURISDICTION_LAYER (self));

  if (g_strcmp0 (station_id, self->highlight) == 0)
    return;
  g_free (self->highlight);
  self->highlight = g_strdup (station_id);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
jb_jurisdiction_layer_get_highlight (JbJurisdictionLayer *self)
{
  g_return_val_if_fail (JB_IS_JURISDICTION_LAYER (self), NULL);
  return self->highlight;
}
