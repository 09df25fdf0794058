/* jb-point-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-point-layer"

#include <math.h>

#include "jb-map-frame.h"
#include "jb-point-layer.h"

/* Screen-space grid for clustering, anchored to world pixels so clusters
 * do not shimmer while panning. */
#define CELL_SIZE       72.0
/* Items this far outside the widget are still drawn (icons overhang). */
#define MARGIN          40.0
#define PULSE_PERIOD_US 1400000

typedef struct
{
  float x;
  float y;
  float radius;
  int   index;
  guint count;
  guint cell;  /* for clusters: the cell, to read the extent back */
} DrawnItem;

typedef struct
{
  guint  count;
  guint  worst_rank;
  int    worst;
  double sum_x;  /* world pixels */
  double sum_y;
  double min_mx;
  double min_my;
  double max_mx;
  double max_my;
} Cell;

typedef struct
{
  /* Owned */
  JbMapPoint *points;
  double     *mx;
  double     *my;
  guint       n_points;
  guint       n_alloc;

  int         selected;
  double      cluster_below;

  /* Scratch, reused every frame */
  GArray     *drawn;   /* DrawnItem */
  Cell       *cells;
  guint       n_cells_alloc;
  guint       n_clusters;
  guint       n_members;

  guint       tick_id;
  guint       n_pulsing;

  /* Redraws for data changes, at most one per interval (0: no limit) */
  guint       redraw_interval_ms;
  guint       redraw_id;
  gint64      last_redraw;
  /* Frames of the pulse, at most one per interval (0: every frame) */
  guint       pulse_interval_ms;
  gint64      last_pulse;
} JbPointLayerPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (JbPointLayer, jb_point_layer, SHUMATE_TYPE_LAYER)

static gboolean
redraw_cb (gpointer user_data)
{
  JbPointLayer *self = user_data;
  JbPointLayerPrivate *priv = jb_point_layer_get_instance_private (self);

  priv->redraw_id = 0;
  priv->last_redraw = g_get_monotonic_time ();
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

/* A data change (points moved): drawn at once, or with a redraw interval
 * at most once per interval, the latest data then. */
static void
queue_data_redraw (JbPointLayer *self)
{
  JbPointLayerPrivate *priv = jb_point_layer_get_instance_private (self);
  gint64 since;

  if (priv->redraw_interval_ms == 0)
    {
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  if (priv->redraw_id != 0)
    return;

  since = (g_get_monotonic_time () - priv->last_redraw) / 1000;
  if (since >= priv->redraw_interval_ms)
    redraw_cb (self);
  else
    priv->redraw_id = g_timeout_add (priv->redraw_interval_ms - since, redraw_cb, self);
}

static void
viewport_changed_cb (JbPointLayer *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
jb_point_layer_constructed (GObject *object)
{
  JbPointLayer *self = (JbPointLayer *)object;
  ShumateViewport *viewport;

  G_OBJECT_CLASS (jb_point_layer_parent_class)->constructed (object);

  /* The viewport is a construct property: it exists only now. */
  viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  g_signal_connect_object (viewport, "notify", G_CALLBACK (viewport_changed_cb),
                           self, G_CONNECT_SWAPPED);
}

static void
jb_point_layer_dispose (GObject *object)
{
  JbPointLayer *self = (JbPointLayer *)object;
  JbPointLayerPrivate *priv = jb_point_layer_get_instance_private (self);

  if (priv->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), priv->tick_id);
      priv->tick_id = 0;
    }
  g_clear_handle_id (&priv->redraw_id, g_source_remove);

  G_OBJECT_CLASS (jb_point_layer_parent_class)->dispose (object);
}

static void
jb_point_layer_finalize (GObject *object)
{
  JbPointLayer *self = (JbPointLayer *)object;
  JbPointLayerPrivate *priv = jb_point_layer_get_instance_private (self);

  g_free (priv->points);
  g_free (priv->mx);
  g_free (priv->my);
  g_free (priv->cells);
  g_clear_pointer (&priv->drawn, g_array_unref);

  G_OBJECT_CLASS (jb_point_layer_parent_class)->finalize (object);
}

static gboolean
pulse_tick_cb (GtkWidget     *widget,
               GdkFrameClock *frame_clock,
               gpointer       user_data)
{
  JbPointLayer *self = JB_POINT_LAYER (widget);
  JbPointLayerPrivate *priv = jb_point_layer_get_instance_private (self);

  /* Runs only while the last frame drew something pulsing. */
  if (priv->n_pulsing == 0)
    {
      priv->tick_id = 0;
      return G_SOURCE_REMOVE;
    }

  if (priv->pulse_interval_ms > 0)
    {
      gint64 now = gdk_frame_clock_get_frame_time (frame_clock);

      if (now - priv->last_pulse < (gint64) priv->pulse_interval_ms * 1000)
        return G_SOURCE_CONTINUE;
      priv->last_pulse = now;
    }

  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

void
jb_point_layer_set_pulse_interval (JbPointLayer *self,
                                   guint         ms)
{
  JbPointLayerPrivate *priv;

  g_return_if_fail (JB_IS_POINT_LAYER (self));

  priv = jb_point_layer_get_instance_private (self);
  priv->pulse_interval_ms = ms;
}

/* Where the frame goes: one cairo node for the whole layer with the cairo
 * renderer (a texture node per icon costs a surface download each there),
 * texture nodes otherwise (the GL renderer batches those). */
typedef struct
{
  GtkSnapshot *snapshot;
  cairo_t     *cr;
  JbIconAtlas *atlas;
} Canvas;

static inline void
canvas_icon (Canvas     *canvas,
             GdkTexture *texture,
             double      x,
             double      y,
             float       width,
             float       height)
{
  /* Whole pixels: cairo composites an unscaled, pixel-aligned surface on
   * its fast path, and icons stay sharp. */
  float left = floorf ((float) x - width / 2.0f + 0.5f);
  float top = floorf ((float) y - height / 2.0f + 0.5f);

  if (canvas->cr != NULL)
    {
      cairo_set_source_surface (canvas->cr, jb_icon_atlas_get_surface (texture), left, top);
      cairo_paint (canvas->cr);
    }
  else
    gtk_snapshot_append_texture (canvas->snapshot, texture, &GRAPHENE_RECT_INIT (left, top, width, height));
}

static void
canvas_icon_scaled (Canvas     *canvas,
                    GdkTexture *texture,
                    double      x,
                    double      y,
                    float       size,
                    float       scale,
                    float       alpha)
{
  if (canvas->cr != NULL)
    {
      cairo_save (canvas->cr);
      cairo_translate (canvas->cr, x, y);
      cairo_scale (canvas->cr, scale, scale);
      cairo_set_source_surface (canvas->cr, jb_icon_atlas_get_surface (texture), -size / 2, -size / 2);
      cairo_paint_with_alpha (canvas->cr, alpha);
      cairo_restore (canvas->cr);
    }
  else
    {
      gtk_snapshot_save (canvas->snapshot);
      gtk_snapshot_translate (canvas->snapshot, &GRAPHENE_POINT_INIT ((float) x, (float) y));
      gtk_snapshot_scale (canvas->snapshot, scale, scale);
      gtk_snapshot_push_opacity (canvas->snapshot, alpha);
      gtk_snapshot_append_texture (canvas->snapshot, texture,
                                   &GRAPHENE_RECT_INIT (-size / 2, -size / 2, size, size));
      gtk_snapshot_pop (canvas->snapshot);
      gtk_snapshot_restore (canvas->snapshot);
    }
}

static void
canvas_count (Canvas *canvas,
              guint   count,
              double  x,
              double  y)
{
  char text[16];
  float widths[16], total = 0;
  GdkTexture *digits[16];
  guint n = 0;

  if (count < 10000)
    g_snprintf (text, sizeof text, "%u", count);
  else
    g_snprintf (text, sizeof text, "%uk", count / 1000);

  for (const char *c = text; *c != '\0' && n < G_N_ELEMENTS (digits); c++)
    {
      digits[n] = jb_icon_atlas_get_digit (canvas->atlas, *c, &widths[n]);
      if (digits[n] == NULL)
        continue;
      total += widths[n];
      n++;
    }

  x -= total / 2.0f;
  for (guint i = 0; i < n; i++)
    {
      canvas_icon (canvas, digits[i], x + widths[i] / 2.0f, y, widths[i], JB_ICON_DIGIT_HEIGHT);
      x += widths[i];
    }
}

static void
draw_item (JbPointLayer      *self,
           Canvas            *canvas,
           guint              i,
           double             x,
           double             y,
           gint64             frame_time)
{
  JbPointLayerPrivate *priv = jb_point_layer_get_instance_private (self);
  JbPointLayerClass *klass = JB_POINT_LAYER_GET_CLASS (self);
  const JbMapPoint *point = &priv->points[i];
  DrawnItem item;
  GdkTexture *icon;
  float size = 24.0f;

  icon = klass->get_icon (self, canvas->atlas, point, &size);

  if (point->flags & JB_MAP_POINT_PULSE)
    {
      double phase = (double) (frame_time % PULSE_PERIOD_US) / PULSE_PERIOD_US;
      float scale = (float) (0.5 + 1.1 * phase) * size / (JB_ICON_PULSE_SIZE * 0.5f);
      GdkTexture *ring = jb_icon_atlas_get_pulse (canvas->atlas, klass->get_colour (self, point));

      canvas_icon_scaled (canvas, ring, x, y, JB_ICON_PULSE_SIZE, scale, (float) (1.0 - phase));
      priv->n_pulsing++;
    }

  canvas_icon (canvas, icon, x, y, size, size);

  item.x = (float) x;
  item.y = (float) y;
  /* A heading arrow is drawn around the icon, not part of its target. */
  item.radius = ((point->flags & JB_MAP_POINT_HEADING) ? size - 16.0f : size) / 2.0f + 3.0f;
  item.index = (int) i;
  item.count = 1;
  item.cell = 0;
  g_array_append_val (priv->drawn, item);
  priv->n_members++;
}

static JbClusterSize
cluster_size_for (guint count)
{
  if (count < 10)
    return JB_CLUSTER_SMALL;
  if (count < 100)
    return JB_CLUSTER_MEDIUM;
  return JB_CLUSTER_LARGE;
}

static GdkTexture *
jb_point_layer_real_get_cluster_icon (JbPointLayer     *self,
                                      JbIconAtlas      *atlas,
                                      const JbMapPoint *worst,
                                      guint             count,
                                      float            *size)
{
  JbClusterSize size_class = cluster_size_for (count);

  *size = jb_icon_atlas_cluster_size (size_class);
  return jb_icon_atlas_get_cluster (atlas, JB_POINT_LAYER_GET_CLASS (self)->get_colour (self, worst), size_class);
}

static void
draw_clustered (JbPointLayer     *self,
                Canvas           *canvas,
                const JbMapFrame *frame,
                gint64            frame_time)
{
  JbPointLayerPrivate *priv = jb_point_layer_get_instance_private (self);
  JbPointLayerClass *klass = JB_POINT_LAYER_GET_CLASS (self);
  double offset = klass->grid_offset * CELL_SIZE;
  double extent, left, top, world = frame->world;
  double min_wx, min_wy, max_wx, max_wy;
  gint64 gx0, gy0;
  guint gw, gh, n_cells;

  /* The visible world rectangle; a rotated view shows more of it. */
  extent = frame->rotation != 0.0
           ? sqrt (frame->width * frame->width + frame->height * frame->height)
           : 0.0;
  left = frame->origin_x - MARGIN - (extent > 0 ? (extent - frame->width) / 2 : 0);
  top = frame->origin_y - MARGIN - (extent > 0 ? (extent - frame->height) / 2 : 0);
  min_wx = left;
  min_wy = top;
  max_wx = frame->origin_x + frame->width + MARGIN + (extent > 0 ? (extent - frame->width) / 2 : 0);
  max_wy = frame->origin_y + frame->height + MARGIN + (extent > 0 ? (extent - frame->height) / 2 : 0);

  gx0 = (gint64) floor ((min_wx + offset) / CELL_SIZE);
  gy0 = (gint64) floor ((min_wy + offset) / CELL_SIZE);
  gw = (guint) ((gint64) floor ((max_wx + offset) / CELL_SIZE) - gx0 + 1);
  gh = (guint) ((gint64) floor ((max_wy + offset) / CELL_SIZE) - gy0 + 1);
  n_cells = gw * gh;

  if (n_cells > priv->n_cells_alloc)
    {
      priv->cells = g_renew (Cell, priv->cells, n_cells);
      priv->n_cells_alloc = n_cells;
    }
  memset (priv->cells, 0, n_cells * sizeof (Cell));

  for (guint i = 0; i < priv->n_points; i++)
    {
      const JbMapPoint *point = &priv->points[i];
      double wx, wy;
      gint64 cx, cy;
      Cell *cell;
      guint rank;

      if ((point->flags & (JB_MAP_POINT_HIDDEN | JB_MAP_POINT_LARGE | JB_MAP_POINT_ALERT)) || (int) i == priv->selected)
        continue;

      wx = priv->mx[i] * world;
      wy = priv->my[i] * world;
      if (wx < min_wx || wx > max_wx || wy < min_wy || wy > max_wy)
        continue;

      cx = (gint64) floor ((wx + offset) / CELL_SIZE) - gx0;
      cy = (gint64) floor ((wy + offset) / CELL_SIZE) - gy0;
      if (cx < 0 || cy < 0 || cx >= gw || cy >= gh)
        continue;

      cell = &priv->cells[cy * gw + cx];
      rank = klass->get_rank (self, point);
      if (cell->count == 0)
        {
          cell->worst = (int) i;
          cell->worst_rank = rank;
          cell->min_mx = cell->max_mx = priv->mx[i];
          cell->min_my = cell->max_my = priv->my[i];
        }
      else
        {
          if (rank > cell->worst_rank)
            {
              cell->worst = (int) i;
              cell->worst_rank = rank;
            }
          cell->min_mx = MIN (cell->min_mx, priv->mx[i]);
          cell->max_mx = MAX (cell->max_mx, priv->mx[i]);
          cell->min_my = MIN (cell->min_my, priv->my[i]);
          cell->max_my = MAX (cell->max_my, priv->my[i]);
        }
      cell->count++;
      cell->sum_x += wx;
      cell->sum_y += wy;
    }

  for (guint c = 0; c < n_cells; c++)
    {
      Cell *cell = &priv->cells[c];
      double x, y;

      if (cell->count == 0)
        continue;

      if (cell->count == 1)
        {
          jb_map_frame_project (frame, priv->mx[cell->worst], priv->my[cell->worst], &x, &y);
          draw_item (self, canvas, (guint) cell->worst, x, y, frame_time);
        }
      else
        {
          float size;
          GdkTexture *bubble;
          DrawnItem item;

          jb_map_frame_project (frame,
                                cell->sum_x / cell->count / world,
                                cell->sum_y / cell->count / world,
                                &x, &y);
          x = floor (x + 0.5);
          y = floor (y + 0.5);
          bubble = klass->get_cluster_icon (self, canvas->atlas, &priv->points[cell->worst], cell->count, &size);
          canvas_icon (canvas, bubble, x, y, size, size);
          canvas_count (canvas, cell->count, x, y);

          item.x = (float) x;
          item.y = (float) y;
          item.radius = size / 2.0f;
          item.index = cell->worst;
          item.count = cell->count;
          item.cell = c;
          g_array_append_val (priv->drawn, item);
          priv->n_clusters++;
          priv->n_members += cell->count;
        }
    }
}

static gboolean
use_cairo (GtkWidget *widget)
{
  static int forced = -1;
  GtkNative *native;

  if G_UNLIKELY (forced < 0)
    {
      /* JB_MAP_DRAW=nodes|cairo overrides, to compare the two paths. */
      const char *env = g_getenv ("JB_MAP_DRAW");

      forced = g_strcmp0 (env, "nodes") == 0 ? 0 : g_strcmp0 (env, "cairo") == 0 ? 1 : 2;
    }
  if (forced != 2)
    return forced == 1;

  native = gtk_widget_get_native (widget);
  return native != NULL && GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (native));
}

static void
draw_points (JbPointLayer     *self,
             Canvas           *canvas,
             const JbMapFrame *frame,
             gint64            frame_time)
{
  JbPointLayerPrivate *priv = jb_point_layer_get_instance_private (self);
  double x, y;

  if (frame->zoom < priv->cluster_below)
    {
      draw_clustered (self, canvas, frame, frame_time);

      /* Large and alerting items (priority 1, overdue) are never folded
       * away. */
      for (guint i = 0; i < priv->n_points; i++)
        {
          if (!(priv->points[i].flags & (JB_MAP_POINT_LARGE | JB_MAP_POINT_ALERT)) ||
              (priv->points[i].flags & JB_MAP_POINT_HIDDEN) ||
              (int) i == priv->selected)
            continue;

          jb_map_frame_project (frame, priv->mx[i], priv->my[i], &x, &y);
          if (x < -MARGIN || y < -MARGIN || x > frame->width + MARGIN || y > frame->height + MARGIN)
            continue;
          draw_item (self, canvas, i, x, y, frame_time);
        }
    }
  else
    {
      for (guint i = 0; i < priv->n_points; i++)
        {
          if ((priv->points[i].flags & JB_MAP_POINT_HIDDEN) || (int) i == priv->selected)
            continue;

          jb_map_frame_project (frame, priv->mx[i], priv->my[i], &x, &y);
          if (x < -MARGIN || y < -MARGIN || x > frame->width + MARGIN || y > frame->height + MARGIN)
            continue;
          draw_item (self, canvas, i, x, y, frame_time);
        }
    }

  if (priv->selected >= 0 && (guint) priv->selected < priv->n_points &&
      !(priv->points[priv->selected].flags & JB_MAP_POINT_HIDDEN))
    {
      jb_map_frame_project (frame, priv->mx[priv->selected], priv->my[priv->selected], &x, &y);
      if (x < -MARGIN || y < -MARGIN || x > frame->width + MARGIN || y > frame->height + MARGIN)
        return;
      JbPointLayerClass *klass = JB_POINT_LAYER_GET_CLASS (self);
      const JbMapPoint *point = &priv->points[priv->selected];
      float size = 24.0f;

      /* The ring sits just outside the icon, whatever its size. */
      klass->get_icon (self, canvas->atlas, point, &size);
      if (point->flags & JB_MAP_POINT_HEADING)
        size -= 16.0f;
      size += 22.0f;
      if (G_APPROX_VALUE (size, JB_ICON_SELECTION_SIZE, 0.5f))
        canvas_icon (canvas, jb_icon_atlas_get_selection (canvas->atlas), x, y,
                     JB_ICON_SELECTION_SIZE, JB_ICON_SELECTION_SIZE);
      else
        canvas_icon_scaled (canvas, jb_icon_atlas_get_selection (canvas->atlas), x, y,
                            JB_ICON_SELECTION_SIZE, size / JB_ICON_SELECTION_SIZE, 1.0f);
      draw_item (self, canvas, (guint) priv->selected, x, y, frame_time);
    }
}

static void
jb_point_layer_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  JbPointLayer *self = (JbPointLayer *)widget;
  JbPointLayerPrivate *priv = jb_point_layer_get_instance_private (self);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  GdkFrameClock *clock;
  JbMapFrame frame;
  gint64 frame_time = 0;
  Canvas canvas = { snapshot, NULL, NULL };

  g_array_set_size (priv->drawn, 0);
  priv->n_clusters = 0;
  priv->n_members = 0;
  priv->n_pulsing = 0;

  if (priv->n_points == 0 || !jb_map_frame_init (&frame, viewport, widget))
    return;

  canvas.atlas = jb_icon_atlas_get_for_scale (gtk_widget_get_scale_factor (widget));
  clock = gtk_widget_get_frame_clock (widget);
  if (clock != NULL)
    frame_time = gdk_frame_clock_get_frame_time (clock);

  if (use_cairo (widget))
    canvas.cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, frame.width, frame.height));

  draw_points (self, &canvas, &frame, frame_time);

  g_clear_pointer (&canvas.cr, cairo_destroy);

  if (priv->n_pulsing > 0 && priv->tick_id == 0)
    priv->tick_id = gtk_widget_add_tick_callback (widget, pulse_tick_cb, NULL, NULL);
}

static void
jb_point_layer_class_init (JbPointLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = jb_point_layer_constructed;
  object_class->dispose = jb_point_layer_dispose;
  object_class->finalize = jb_point_layer_finalize;

  widget_class->snapshot = jb_point_layer_snapshot;

  klass->get_cluster_icon = jb_point_layer_real_get_cluster_icon;
}

static void
jb_point_layer_init (JbPointLayer *self)
{
  JbPointLayerPrivate *priv = jb_point_layer_get_instance_private (self);

  priv->selected = -1;
  priv->cluster_below = 15.0;
  priv->drawn = g_array_new (FALSE, FALSE, sizeof (DrawnItem));

  /* Clicks and tooltips are the map's: the layer only draws. */
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

void
jb_point_layer_set_points (JbPointLayer     *self,
                           const JbMapPoint *points,
                           guint             n_points)
{
  JbPointLayerPrivate *priv;

  g_return_if_fail (JB_IS_POINT_LAYER (self));
  g_return_if_fail (points != NULL || n_points == 0);

  priv = jb_point_layer_get_instance_private (self);

  if (n_points > priv->n_alloc)
    {
      priv->n_alloc = MAX (n_points, priv->n_alloc * 2);
      priv->points = g_renew (JbMapPoint, priv->points, priv->n_alloc);
      priv->mx = g_renew (double, priv->mx, priv->n_alloc);
      priv->my = g_renew (double, priv->my, priv->n_alloc);
    }

  if (n_points > 0)
    memcpy (priv->points, points, n_points * sizeof (JbMapPoint));
  priv->n_points = n_points;

  for (guint i = 0; i < n_points; i++)
    {
      if (points[i].flags & JB_MAP_POINT_HIDDEN)
        continue;
      priv->mx[i] = jb_mercator_x (points[i].lon);
      priv->my[i] = jb_mercator_y (points[i].lat);
    }

  if (priv->selected >= (int) n_points)
    priv->selected = -1;

  queue_data_redraw (self);
}

const JbMapPoint *
jb_point_layer_get_points (JbPointLayer *self,
                           guint        *n_points)
{
  JbPointLayerPrivate *priv;

  g_return_val_if_fail (JB_IS_POINT_LAYER (self), NULL);

  priv = jb_point_layer_get_instance_private (self);
  if (n_points != NULL)
    *n_points = priv->n_points;

  return priv->points;
}

void
jb_point_layer_update_point (JbPointLayer     *self,
                             guint             index,
                             const JbMapPoint *point)
{
  JbPointLayerPrivate *priv;

  g_return_if_fail (JB_IS_POINT_LAYER (self));

  priv = jb_point_layer_get_instance_private (self);
  g_return_if_fail (index < priv->n_points);

  priv->points[index] = *point;
  if (!(point->flags & JB_MAP_POINT_HIDDEN))
    {
      priv->mx[index] = jb_mercator_x (point->lon);
      priv->my[index] = jb_mercator_y (point->lat);
    }

  queue_data_redraw (self);
}

void
jb_point_layer_set_redraw_interval (JbPointLayer *self,
                                    guint         ms)
{
  JbPointLayerPrivate *priv;

  g_return_if_fail (JB_IS_POINT_LAYER (self));

  priv = jb_point_layer_get_instance_private (self);
  priv->redraw_interval_ms = ms;
  if (ms == 0 && priv->redraw_id != 0)
    {
      g_clear_handle_id (&priv->redraw_id, g_source_remove);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

void
jb_point_layer_set_selected (JbPointLayer *self,
                             int           index)
{
  JbPointLayerPrivate *priv;

  g_return_if_fail (JB_IS_POINT_LAYER (self));

  priv = jb_point_layer_get_instance_private (self);
  if (index < 0 || (guint) index >= priv->n_points)
    index = -1;

  if (priv->selected == index)
    return;

  priv->selected = index;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
jb_point_layer_get_selected (JbPointLayer *self)
{
  JbPointLayerPrivate *priv;

  g_return_val_if_fail (JB_IS_POINT_LAYER (self), -1);

  priv = jb_point_layer_get_instance_private (self);
  return priv->selected;
}

void
jb_point_layer_set_cluster_below (JbPointLayer *self,
                                  double        zoom)
{
  JbPointLayerPrivate *priv;

  g_return_if_fail (JB_IS_POINT_LAYER (self));

  priv = jb_point_layer_get_instance_private (self);
  priv->cluster_below = zoom;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
jb_point_layer_get_cluster_below (JbPointLayer *self)
{
  JbPointLayerPrivate *priv;

  g_return_val_if_fail (JB_IS_POINT_LAYER (self), 0);

  priv = jb_point_layer_get_instance_private (self);
  return priv->cluster_below;
}

gboolean
jb_point_layer_get_widget_coords (JbPointLayer *self,
                                  guint         index,
                                  double       *x,
                                  double       *y)
{
  JbPointLayerPrivate *priv;
  JbMapFrame frame;

  g_return_val_if_fail (JB_IS_POINT_LAYER (self), FALSE);

  priv = jb_point_layer_get_instance_private (self);
  if (index >= priv->n_points || (priv->points[index].flags & JB_MAP_POINT_HIDDEN))
    return FALSE;

  if (!jb_map_frame_init (&frame, shumate_layer_get_viewport (SHUMATE_LAYER (self)), GTK_WIDGET (self)))
    return FALSE;

  jb_map_frame_project (&frame, priv->mx[index], priv->my[index], x, y);
  return TRUE;
}

gboolean
jb_point_layer_pick (JbPointLayer *self,
                     double        x,
                     double        y,
                     JbMapPick    *pick)
{
  JbPointLayerPrivate *priv;

  g_return_val_if_fail (JB_IS_POINT_LAYER (self), FALSE);
  g_return_val_if_fail (pick != NULL, FALSE);

  priv = jb_point_layer_get_instance_private (self);

  /* Last drawn is on top. */
  for (guint i = priv->drawn->len; i > 0; i--)
    {
      const DrawnItem *item = &g_array_index (priv->drawn, DrawnItem, i - 1);
      double dx = x - item->x;
      double dy = y - item->y;

      if (dx * dx + dy * dy > item->radius * item->radius)
        continue;

      pick->index = item->index;
      pick->count = item->count;
      if (item->count > 1 && item->cell < priv->n_cells_alloc)
        {
          const Cell *cell = &priv->cells[item->cell];

          pick->min_mx = cell->min_mx;
          pick->min_my = cell->min_my;
          pick->max_mx = cell->max_mx;
          pick->max_my = cell->max_my;
        }
      else
        {
          pick->min_mx = pick->max_mx = priv->mx[item->index];
          pick->min_my = pick->max_my = priv->my[item->index];
        }
      return TRUE;
    }

  return FALSE;
}

guint
jb_point_layer_get_n_drawn_items (JbPointLayer *self)
{
  JbPointLayerPrivate *priv;

  g_return_val_if_fail (JB_IS_POINT_LAYER (self), 0);

  priv = jb_point_layer_get_instance_private (self);
  return priv->drawn->len;
}

guint
jb_point_layer_get_n_drawn_clusters (JbPointLayer *self)
{
  JbPointLayerPrivate *priv;

  g_return_val_if_fail (JB_IS_POINT_LAYER (self), 0);

  priv = jb_point_layer_get_instance_private (self);
  return priv->n_clusters;
}

guint
jb_point_layer_get_n_drawn_members (JbPointLayer *self)
{
  JbPointLayerPrivate *priv;

  g_return_val_if_fail (JB_IS_POINT_LAYER (self), 0);

  priv = jb_point_layer_get_instance_private (self);
  return priv->n_members;
}
