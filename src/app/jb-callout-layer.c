/* jb-callout-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-callout-layer"

#include <math.h>

#include "jb-callout-layer.h"
#include "jb-map-frame.h"

/* The call-out's own colour: no unit status, incident or terminal uses
 * it, so a responder reads as one whatever its icon's colour. */
#define RESPONDER_R 0.20
#define RESPONDER_G 0.90
#define RESPONDER_B 1.00
/* A diamond, not a ring: rings are the units' clusters. */
#define DIAMOND_RADIUS 19.0

typedef struct
{
  char   *incident_id;
  char   *unit_id;
  guint   unit_index;   /* in jb_store_get_units(), for the moves */
  guint8  state;        /* JB_CALLOUT_ACCEPTED or JB_CALLOUT_EN_ROUTE */
  double  unit_mx;
  double  unit_my;
  double  scene_mx;
  double  scene_my;
} Marker;

struct _JbCalloutLayer
{
  ShumateLayer  parent_instance;

  /* Owned references */
  JbStore      *store;
  GArray       *markers;  /* Marker */
};

G_DEFINE_FINAL_TYPE (JbCalloutLayer, jb_callout_layer, SHUMATE_TYPE_LAYER)

static void
marker_clear (gpointer data)
{
  Marker *marker = data;

  g_clear_pointer (&marker->incident_id, g_free);
  g_clear_pointer (&marker->unit_id, g_free);
}

/* The unit's answer to the incident's call-outs: the latest call-out it
 * answered at all decides (a later one supersedes an earlier). */
static JbCalloutState
answer_of (JbIncident *incident,
           const char *unit_id)
{
  JbCalloutState state = JB_CALLOUT_CALLED;

  for (guint c = 0; c < jb_incident_get_n_callouts (incident); c++)
    {
      const JbCallout *callout = jb_incident_get_callout (incident, c);

      for (guint r = 0; callout->responders != NULL && r < callout->responders->len; r++)
        {
          const JbCalloutResponder *responder = &g_array_index (callout->responders, JbCalloutResponder, r);

          if (responder->state != JB_CALLOUT_CALLED && g_strcmp0 (responder->unit_id, unit_id) == 0)
            state = responder->state;
        }
    }

  return state;
}

static gboolean
has_marker (JbCalloutLayer *self,
            guint           from,
            const char     *unit_id)
{
  for (guint i = from; i < self->markers->len; i++)
    if (g_strcmp0 (g_array_index (self->markers, Marker, i).unit_id, unit_id) == 0)
      return TRUE;
  return FALSE;
}

void
jb_callout_layer_reload (JbCalloutLayer *self)
{
  const JbUnitPoint *points;
  GListModel *incidents;
  guint n_points = 0, n;

  g_return_if_fail (JB_IS_CALLOUT_LAYER (self));

  g_array_set_size (self->markers, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  if (self->store == NULL)
    return;

  points = jb_store_get_unit_points (self->store, &n_points);
  incidents = jb_store_get_incidents (self->store);
  n = g_list_model_get_n_items (incidents);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JbIncident) incident = g_list_model_get_item (incidents, i);
      guint first = self->markers->len;
      double lat, lon;

      if (jb_incident_get_n_callouts (incident) == 0 || !jb_incident_is_open (incident) ||
          !jb_incident_get_location (incident, &lat, &lon))
        continue;

      for (guint c = 0; c < jb_incident_get_n_callouts (incident); c++)
        {
          const JbCallout *callout = jb_incident_get_callout (incident, c);

          for (guint r = 0; callout->responders != NULL && r < callout->responders->len; r++)
            {
              const JbCalloutResponder *responder = &g_array_index (callout->responders, JbCalloutResponder, r);
              JbCalloutState state;
              guint index;
              Marker marker;

              if (responder->state != JB_CALLOUT_ACCEPTED && responder->state != JB_CALLOUT_EN_ROUTE)
                continue;
              if (has_marker (self, first, responder->unit_id))
                continue;
              state = answer_of (incident, responder->unit_id);
              if (state != JB_CALLOUT_ACCEPTED && state != JB_CALLOUT_EN_ROUTE)
                continue;

              index = jb_store_get_unit_index (self->store, responder->unit_id);
              if (index == GTK_INVALID_LIST_POSITION || index >= n_points ||
                  !(points[index].flags & JB_UNIT_POINT_HAS_POSITION))
                continue;

              marker.incident_id = g_strdup (jb_incident_get_id (incident));
              marker.unit_id = g_strdup (responder->unit_id);
              marker.unit_index = index;
              marker.state = (guint8) state;
              marker.unit_mx = jb_mercator_x (points[index].lon);
              marker.unit_my = jb_mercator_y (points[index].lat);
              marker.scene_mx = jb_mercator_x (lon);
              marker.scene_my = jb_mercator_y (lat);
              g_array_append_val (self->markers, marker);
            }
        }
    }
}

/* Positions only: the markers stay, they move with their units. */
static void
units_moved_cb (JbCalloutLayer *self)
{
  const JbUnitPoint *points;
  guint n_points = 0;

  if (self->markers->len == 0)
    return;

  points = jb_store_get_unit_points (self->store, &n_points);
  for (guint i = 0; i < self->markers->len; i++)
    {
      Marker *marker = &g_array_index (self->markers, Marker, i);

      if (marker->unit_index >= n_points || !(points[marker->unit_index].flags & JB_UNIT_POINT_HAS_POSITION))
        continue;
      marker->unit_mx = jb_mercator_x (points[marker->unit_index].lon);
      marker->unit_my = jb_mercator_y (points[marker->unit_index].lat);
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
store_changed_cb (JbCalloutLayer *self,
                  JbStoreChange   kind,
                  const char     *id)
{
  /* A call-out made or answered is an incident change. */
  if (kind == JB_STORE_CHANGE_INCIDENT)
    jb_callout_layer_reload (self);
}

static void
model_changed_cb (JbCalloutLayer *self)
{
  jb_callout_layer_reload (self);
}

static void
viewport_changed_cb (JbCalloutLayer *self)
{
  if (self->markers->len > 0)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
jb_callout_layer_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  static const double dash[] = { 6.0, 4.0 };
  JbCalloutLayer *self = (JbCalloutLayer *) widget;
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  JbMapFrame frame;
  cairo_t *cr;

  if (self->markers->len == 0 || !jb_map_frame_init (&frame, viewport, widget))
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, frame.width, frame.height));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  /* Dark casings first, then the colour: legible on any basemap. */
  for (guint pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < self->markers->len; i++)
        {
          const Marker *marker = &g_array_index (self->markers, Marker, i);
          gboolean en_route = marker->state == JB_CALLOUT_EN_ROUTE;
          double x0, y0, x1, y1;

          jb_map_frame_project (&frame, marker->unit_mx, marker->unit_my, &x0, &y0);
          jb_map_frame_project (&frame, marker->scene_mx, marker->scene_my, &x1, &y1);

          if (pass == 0)
            {
              cairo_set_dash (cr, NULL, 0, 0);
              cairo_set_source_rgba (cr, 0.02, 0.04, 0.08, 0.8);
            }
          else
            cairo_set_source_rgba (cr, RESPONDER_R, RESPONDER_G, RESPONDER_B, 0.95);

          /* On the way: a thin line to the scene, under the diamond. */
          if (en_route &&
              !(MAX (x0, x1) < 0 || MIN (x0, x1) > frame.width ||
                MAX (y0, y1) < 0 || MIN (y0, y1) > frame.height))
            {
              cairo_set_line_width (cr, pass == 0 ? 4.5 : 2.0);
              cairo_move_to (cr, x0, y0);
              cairo_line_to (cr, x1, y1);
              cairo_stroke (cr);
            }

          if (x0 < -DIAMOND_RADIUS || x0 > frame.width + DIAMOND_RADIUS ||
              y0 < -DIAMOND_RADIUS || y0 > frame.height + DIAMOND_RADIUS)
            continue;

          /* Accepted, not moving yet: dashed, as the assignment lines. */
          if (pass == 1 && !en_route)
            cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
          cairo_set_line_width (cr, pass == 0 ? 7.0 : 3.5);
          cairo_move_to (cr, x0, y0 - DIAMOND_RADIUS);
          cairo_line_to (cr, x0 + DIAMOND_RADIUS, y0);
          cairo_line_to (cr, x0, y0 + DIAMOND_RADIUS);
          cairo_line_to (cr, x0 - DIAMOND_RADIUS, y0);
          cairo_close_path (cr);
          if (pass == 1)
            {
              /* A light fill: the diamond reads as one shape on a busy map. */
              cairo_set_source_rgba (cr, RESPONDER_R, RESPONDER_G, RESPONDER_B, 0.22);
              cairo_fill_preserve (cr);
              cairo_set_source_rgba (cr, RESPONDER_R, RESPONDER_G, RESPONDER_B, 0.95);
            }
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
        }
    }

  cairo_destroy (cr);
}

static void
jb_callout_layer_constructed (GObject *object)
{
  JbCalloutLayer *self = (JbCalloutLayer *) object;

  G_OBJECT_CLASS (jb_callout_layer_parent_class)->constructed (object);

  /* The viewport is a construct property: it exists only now. */
  g_signal_connect_object (shumate_layer_get_viewport (SHUMATE_LAYER (self)), "notify",
                           G_CALLBACK (viewport_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
jb_callout_layer_dispose (GObject *object)
{
  jb_callout_layer_set_store ((JbCalloutLayer *) object, NULL);

  G_OBJECT_CLASS (jb_callout_layer_parent_class)->dispose (object);
}

static void
jb_callout_layer_finalize (GObject *object)
{
  JbCalloutLayer *self = (JbCalloutLayer *) object;

  g_array_unref (self->markers);

  G_OBJECT_CLASS (jb_callout_layer_parent_class)->finalize (object);
}

static void
jb_callout_layer_class_init (JbCalloutLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = jb_callout_layer_constructed;
  object_class->dispose = jb_callout_layer_dispose;
  object_class->finalize = jb_callout_layer_finalize;

  widget_class->snapshot = jb_callout_layer_snapshot;
}

static void
jb_callout_layer_init (JbCalloutLayer *self)
{
  self->markers = g_array_new (FALSE, FALSE, sizeof (Marker));
  g_array_set_clear_func (self->markers, marker_clear);

  /* Clicks are the map's: the layer only draws. */
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

JbCalloutLayer *
jb_callout_layer_new (ShumateViewport *viewport)
{
  return g_object_new (JB_TYPE_CALLOUT_LAYER, "viewport", viewport, NULL);
}

void
jb_callout_layer_set_store (JbCalloutLayer *self,
                            JbStore        *store)
{
  g_return_if_fail (JB_IS_CALLOUT_LAYER (self));
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
      /* Unit indices shift when units come or go. */
      g_signal_connect_object (jb_store_get_units (store), "items-changed",
                               G_CALLBACK (model_changed_cb), self, G_CONNECT_SWAPPED);
    }

  jb_callout_layer_reload (self);
}

guint
jb_callout_layer_get_n_markers (JbCalloutLayer *self)
{
  g_return_val_if_fail (JB_IS_CALLOUT_LAYER (self), 0);

  return self->markers->len;
}

gboolean
jb_callout_layer_lookup (JbCalloutLayer *self,
                         const char     *incident_id,
                         const char     *unit_id,
                         JbCalloutState *state,
                         double         *lat,
                         double         *lon)
{
  g_return_val_if_fail (JB_IS_CALLOUT_LAYER (self), FALSE);

  for (guint i = 0; i < self->markers->len; i++)
    {
      const Marker *marker = &g_array_index (self->markers, Marker, i);

      if (g_strcmp0 (marker->incident_id, incident_id) != 0 || g_strcmp0 (marker->unit_id, unit_id) != 0)
        continue;
      if (state != NULL)
        *state = (JbCalloutState) marker->state;
      if (lat != NULL)
        *lat = jb_mercator_lat (marker->unit_my);
      if (lon != NULL)
        *lon = jb_mercator_lon (marker->unit_mx);
      return TRUE;
    }

  return FALSE;
}
