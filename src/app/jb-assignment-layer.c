/* jb-assignment-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-assignment-layer"

#include <math.h>

#include "jb-assignment-layer.h"
#include "jb-icon-atlas.h"
#include "jb-map-frame.h"

typedef struct
{
  guint  unit_index;   /* in jb_store_get_units(), for the moves */
  guint8 state;        /* JbAssignmentState */
  double unit_mx;
  double unit_my;
  double scene_mx;
  double scene_my;
} Line;

struct _JbAssignmentLayer
{
  ShumateLayer  parent_instance;

  /* Owned references */
  JbStore      *store;
  GArray       *lines;  /* Line */
};

G_DEFINE_FINAL_TYPE (JbAssignmentLayer, jb_assignment_layer, SHUMATE_TYPE_LAYER)

static gboolean
is_active (JbAssignmentState state)
{
  return state == JB_ASSIGNMENT_STATE_ASSIGNED ||
         state == JB_ASSIGNMENT_STATE_ACCEPTED ||
         state == JB_ASSIGNMENT_STATE_EN_ROUTE;
}

void
jb_assignment_layer_reload (JbAssignmentLayer *self)
{
  const JbUnitPoint *points;
  GListModel *incidents;
  guint n_points = 0, n;

  g_return_if_fail (JB_IS_ASSIGNMENT_LAYER (self));

  g_array_set_size (self->lines, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  if (self->store == NULL)
    return;

  points = jb_store_get_unit_points (self->store, &n_points);
  incidents = jb_store_get_incidents (self->store);
  n = g_list_model_get_n_items (incidents);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JbIncident) incident = g_list_model_get_item (incidents, i);
      double lat, lon;

      if (!jb_incident_is_open (incident) || !jb_incident_get_location (incident, &lat, &lon))
        continue;

      for (guint a = 0; a < jb_incident_get_n_assignments (incident); a++)
        {
          const JbAssignment *assignment = jb_incident_get_assignment (incident, a);
          guint index;
          Line line;

          if (!is_active (assignment->state))
            continue;

          index = jb_store_get_unit_index (self->store, assignment->unit_id);
          if (index == GTK_INVALID_LIST_POSITION || index >= n_points ||
              !(points[index].flags & JB_UNIT_POINT_HAS_POSITION))
            continue;

          line.unit_index = index;
          line.state = (guint8) assignment->state;
          line.unit_mx = jb_mercator_x (points[index].lon);
          line.unit_my = jb_mercator_y (points[index].lat);
          line.scene_mx = jb_mercator_x (lon);
          line.scene_my = jb_mercator_y (lat);
          g_array_append_val (self->lines, line);
        }
    }
}

/* Positions only: the lines stay, their unit ends move. */
static void
units_moved_cb (JbAssignmentLayer *self)
{
  const JbUnitPoint *points;
  guint n_points = 0;

  if (self->lines->len == 0)
    return;

  points = jb_store_get_unit_points (self->store, &n_points);
  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = &g_array_index (self->lines, Line, i);

      if (line->unit_index >= n_points || !(points[line->unit_index].flags & JB_UNIT_POINT_HAS_POSITION))
        continue;
      line->unit_mx = jb_mercator_x (points[line->unit_index].lon);
      line->unit_my = jb_mercator_y (points[line->unit_index].lat);
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
store_changed_cb (JbAssignmentLayer *self,
                  JbStoreChange      kind,
                  const char        *id)
{
  /* An assignment changes the incident; a status change the unit. */
  if (kind == JB_STORE_CHANGE_INCIDENT || kind == JB_STORE_CHANGE_UNIT)
    jb_assignment_layer_reload (self);
}

static void
model_changed_cb (JbAssignmentLayer *self)
{
  jb_assignment_layer_reload (self);
}

static void
viewport_changed_cb (JbAssignmentLayer *self)
{
  if (self->lines->len > 0)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_state_style (cairo_t           *cr,
                 JbAssignmentState  state)
{
  static const double dash[] = { 10.0, 7.0 };
  GdkRGBA rgba;

  /* The unit's colour for the same stage (JbUnitLayer): yellow while
   * assigned or accepted (dashed: not moving yet), orange en route. */
  jb_map_colour_get_rgba (state == JB_ASSIGNMENT_STATE_EN_ROUTE ? JB_MAP_COLOUR_ORANGE : JB_MAP_COLOUR_YELLOW,
                          &rgba);
  cairo_set_source_rgba (cr, rgba.red, rgba.green, rgba.blue, 0.95);
  if (state == JB_ASSIGNMENT_STATE_EN_ROUTE)
    cairo_set_dash (cr, NULL, 0, 0);
  else
    cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
}

static void
jb_assignment_layer_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  JbAssignmentLayer *self = (JbAssignmentLayer *) widget;
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  JbMapFrame frame;
  cairo_t *cr;

  if (self->lines->len == 0 || !jb_map_frame_init (&frame, viewport, widget))
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, frame.width, frame.height));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  /* Two passes: every dark casing first, so crossing lines stay legible
   * on any basemap; then the colours, by state. */
  for (guint pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < self->lines->len; i++)
        {
          const Line *line = &g_array_index (self->lines, Line, i);
          double x0, y0, x1, y1;

          jb_map_frame_project (&frame, line->unit_mx, line->unit_my, &x0, &y0);
          jb_map_frame_project (&frame, line->scene_mx, line->scene_my, &x1, &y1);

          /* Skip a line whose box misses the widget. */
          if (MAX (x0, x1) < 0 || MIN (x0, x1) > frame.width ||
              MAX (y0, y1) < 0 || MIN (y0, y1) > frame.height)
            continue;

          cairo_move_to (cr, x0, y0);
          cairo_line_to (cr, x1, y1);
          if (pass == 0)
            {
              cairo_set_dash (cr, NULL, 0, 0);
              cairo_set_source_rgba (cr, 0.05, 0.05, 0.07, 0.75);
              cairo_set_line_width (cr, 7.0);
            }
          else
            {
              set_state_style (cr, line->state);
              cairo_set_line_width (cr, 3.5);
            }
          cairo_stroke (cr);

          /* A dot at the scene end shows which way the line goes. */
          if (pass == 1)
            {
              cairo_arc (cr, x1, y1, 5.0, 0, 2 * G_PI);
              cairo_fill (cr);
            }
        }
    }

  cairo_destroy (cr);
}

static void
jb_assignment_layer_constructed (GObject *object)
{
  JbAssignmentLayer *self = (JbAssignmentLayer *) object;

  G_OBJECT_CLASS (jb_assignment_layer_parent_class)->constructed (object);

  /* The viewport is a construct property: it exists only now. */
  g_signal_connect_object (shumate_layer_get_viewport (SHUMATE_LAYER (self)), "notify",
                           G_CALLBACK (viewport_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
jb_assignment_layer_dispose (GObject *object)
{
  JbAssignmentLayer *self = (JbAssignmentLayer *) object;

  jb_assignment_layer_set_store (self, NULL);

  G_OBJECT_CLASS (jb_assignment_layer_parent_class)->dispose (object);
}

static void
jb_assignment_layer_finalize (GObject *object)
{
  JbAssignmentLayer *self = (JbAssignmentLayer *) object;

  g_array_unref (self->lines);

  G_OBJECT_CLASS (jb_assignment_layer_parent_class)->finalize (object);
}

static void
jb_assignment_layer_class_init (JbAssignmentLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = jb_assignment_layer_constructed;
  object_class->dispose = jb_assignment_layer_dispose;
  object_class->finalize = jb_assignment_layer_finalize;

  widget_class->snapshot = jb_assignment_layer_snapshot;
}

static void
jb_assignment_layer_init (JbAssignmentLayer *self)
{
  self->lines = g_array_new (FALSE, FALSE, sizeof (Line));

  /* Clicks are the map's: the layer only draws. */
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

JbAssignmentLayer *
jb_assignment_layer_new (ShumateViewport *viewport)
{
  return g_object_new (JB_TYPE_ASSIGNMENT_LAYER, "viewport", viewport, NULL);
}

void
jb_assignment_layer_set_store (JbAssignmentLayer *self,
                               JbStore           *store)
{
  g_return_if_fail (JB_IS_ASSIGNMENT_LAYER (self));
  g_return_if_fail (!store || JB_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->store != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->store, self);
      g_signal_handlers_disconnect_by_data (jb_store_get_incidents (self->store), self);
      g_signal_handlers_disconnect_by_data (jb_store_get_units (self->store), self);
    }

  g_set_object (&self->store, store);

  if (store != NULL)
    {
      g_signal_connect_object (store, "units-moved", G_CALLBACK (units_moved_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (jb_store_get_incidents (store), "items-changed",
                               G_CALLBACK (model_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (jb_store_get_units (store), "items-changed",
                               G_CALLBACK (model_changed_cb), self, G_CONNECT_SWAPPED);
    }

  jb_assignment_layer_reload (self);
}

guint
jb_assignment_layer_get_n_lines (JbAssignmentLayer *self)
{
  g_return_val_if_fail (JB_IS_ASSIGNMENT_LAYER (self), 0);

  return self->lines->len;
}

guint
jb_assignment_layer_count_lines (JbAssignmentLayer *self,
                                 JbAssignmentState  state)
{
  guint count = 0;

  g_return_val_if_fail (JB_IS_ASSIGNMENT_LAYER (self), 0);

  for (guint i = 0; i < self->lines->len; i++)
    if (g_array_index (self->lines, Line, i).state == state)
      count++;

  return count;
}
