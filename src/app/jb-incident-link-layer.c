/* jb-incident-link-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-incident-link-layer"

#include "jb-incident-link-layer.h"

typedef struct
{
  /* Owned references */
  JbStore *store;
  GArray  *links;  /* JbIncidentLink */
} JbIncidentLinkLayerPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (JbIncidentLinkLayer, jb_incident_link_layer, SHUMATE_TYPE_LAYER)

static void
link_clear (gpointer data)
{
  JbIncidentLink *link = data;

  g_clear_pointer (&link->incident_id, g_free);
  g_clear_pointer (&link->unit_id, g_free);
}

void
jb_incident_link_layer_reload (JbIncidentLinkLayer *self)
{
  JbIncidentLinkLayerPrivate *priv = jb_incident_link_layer_get_instance_private (self);
  JbIncidentLinkLayerClass *klass;
  GListModel *incidents;
  guint n;

  g_return_if_fail (JB_IS_INCIDENT_LINK_LAYER (self));

  g_array_set_size (priv->links, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  if (priv->store == NULL)
    return;

  klass = JB_INCIDENT_LINK_LAYER_GET_CLASS (self);
  incidents = jb_store_get_incidents (priv->store);
  n = g_list_model_get_n_items (incidents);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JbIncident) incident = g_list_model_get_item (incidents, i);

      if (jb_incident_is_open (incident) && jb_incident_get_location (incident, NULL, NULL))
        klass->collect (self, incident);
    }
}

gboolean
jb_incident_link_layer_add (JbIncidentLinkLayer *self,
                            JbIncident          *incident,
                            const char          *unit_id,
                            guint8               state)
{
  JbIncidentLinkLayerPrivate *priv = jb_incident_link_layer_get_instance_private (self);
  const JbUnitPoint *points;
  JbIncidentLink link;
  guint n_points = 0, index;
  double lat, lon;

  g_return_val_if_fail (JB_IS_INCIDENT_LINK_LAYER (self), FALSE);
  g_return_val_if_fail (JB_IS_INCIDENT (incident), FALSE);
  g_return_val_if_fail (priv->store != NULL, FALSE);

  if (unit_id == NULL || !jb_incident_get_location (incident, &lat, &lon))
    return FALSE;

  points = jb_store_get_unit_points (priv->store, &n_points);
  index = jb_store_get_unit_index (priv->store, unit_id);
  if (index == GTK_INVALID_LIST_POSITION || index >= n_points ||
      !(points[index].flags & JB_UNIT_POINT_HAS_POSITION))
    return FALSE;

  link.incident_id = g_strdup (jb_incident_get_id (incident));
  link.unit_id = g_strdup (unit_id);
  link.unit_index = index;
  link.state = state;
  link.unit_mx = jb_mercator_x (points[index].lon);
  link.unit_my = jb_mercator_y (points[index].lat);
  link.scene_mx = jb_mercator_x (lon);
  link.scene_my = jb_mercator_y (lat);
  g_array_append_val (priv->links, link);
  return TRUE;
}

/* Positions only: the links stay, their unit ends move. */
static void
units_moved_cb (JbIncidentLinkLayer *self)
{
  JbIncidentLinkLayerPrivate *priv = jb_incident_link_layer_get_instance_private (self);
  const JbUnitPoint *points;
  guint n_points = 0;

  if (priv->links->len == 0)
    return;

  points = jb_store_get_unit_points (priv->store, &n_points);
  for (guint i = 0; i < priv->links->len; i++)
    {
      JbIncidentLink *link = &g_array_index (priv->links, JbIncidentLink, i);

      if (link->unit_index >= n_points || !(points[link->unit_index].flags & JB_UNIT_POINT_HAS_POSITION))
        continue;
      link->unit_mx = jb_mercator_x (points[link->unit_index].lon);
      link->unit_my = jb_mercator_y (points[link->unit_index].lat);
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
store_changed_cb (JbIncidentLinkLayer *self,
                  JbStoreChange        kind,
                  const char          *id)
{
  if (JB_INCIDENT_LINK_LAYER_GET_CLASS (self)->reloads_on (self, kind))
    jb_incident_link_layer_reload (self);
}

static void
model_changed_cb (JbIncidentLinkLayer *self)
{
  jb_incident_link_layer_reload (self);
}

static void
viewport_changed_cb (JbIncidentLinkLayer *self)
{
  JbIncidentLinkLayerPrivate *priv = jb_incident_link_layer_get_instance_private (self);

  if (priv->links->len > 0)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
jb_incident_link_layer_real_reloads_on (JbIncidentLinkLayer *self,
                                        JbStoreChange        kind)
{
  return kind == JB_STORE_CHANGE_INCIDENT;
}

static void
jb_incident_link_layer_snapshot (GtkWidget   *widget,
                                 GtkSnapshot *snapshot)
{
  JbIncidentLinkLayer *self = (JbIncidentLinkLayer *) widget;
  JbIncidentLinkLayerPrivate *priv = jb_incident_link_layer_get_instance_private (self);
  JbIncidentLinkLayerClass *klass = JB_INCIDENT_LINK_LAYER_GET_CLASS (self);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  JbMapFrame frame;
  cairo_t *cr;

  if (priv->links->len == 0 || !jb_map_frame_init (&frame, viewport, widget))
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, frame.width, frame.height));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  for (guint pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < priv->links->len; i++)
        {
          const JbIncidentLink *link = &g_array_index (priv->links, JbIncidentLink, i);
          double x0, y0, x1, y1;

          jb_map_frame_project (&frame, link->unit_mx, link->unit_my, &x0, &y0);
          jb_map_frame_project (&frame, link->scene_mx, link->scene_my, &x1, &y1);
          klass->draw_link (self, cr, &frame, link, pass, x0, y0, x1, y1);
        }
    }

  cairo_destroy (cr);
}

static void
jb_incident_link_layer_constructed (GObject *object)
{
  JbIncidentLinkLayer *self = (JbIncidentLinkLayer *) object;

  G_OBJECT_CLASS (jb_incident_link_layer_parent_class)->constructed (object);

  /* The viewport is a construct property: it exists only now. */
  g_signal_connect_object (shumate_layer_get_viewport (SHUMATE_LAYER (self)), "notify",
                           G_CALLBACK (viewport_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
jb_incident_link_layer_dispose (GObject *object)
{
  jb_incident_link_layer_set_store ((JbIncidentLinkLayer *) object, NULL);

  G_OBJECT_CLASS (jb_incident_link_layer_parent_class)->dispose (object);
}

static void
jb_incident_link_layer_finalize (GObject *object)
{
  JbIncidentLinkLayer *self = (JbIncidentLinkLayer *) object;
  JbIncidentLinkLayerPrivate *priv = jb_incident_link_layer_get_instance_private (self);

  g_array_unref (priv->links);

  G_OBJECT_CLASS (jb_incident_link_layer_parent_class)->finalize (object);
}

static void
jb_incident_link_layer_class_init (JbIncidentLinkLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = jb_incident_link_layer_constructed;
  object_class->dispose = jb_incident_link_layer_dispose;
  object_class->finalize = jb_incident_link_layer_finalize;

  widget_class->snapshot = jb_incident_link_layer_snapshot;

  klass->reloads_on = jb_incident_link_layer_real_reloads_on;
}

static void
jb_incident_link_layer_init (JbIncidentLinkLayer *self)
{
  JbIncidentLinkLayerPrivate *priv = jb_incident_link_layer_get_instance_private (self);

  priv->links = g_array_new (FALSE, FALSE, sizeof (JbIncidentLink));
  g_array_set_clear_func (priv->links, link_clear);

  /* Clicks are the map's: the layer only draws. */
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

void
jb_incident_link_layer_set_store (JbIncidentLinkLayer *self,
                                  JbStore             *store)
{
  JbIncidentLinkLayerPrivate *priv = jb_incident_link_layer_get_instance_private (self);

  g_return_if_fail (JB_IS_INCIDENT_LINK_LAYER (self));
  g_return_if_fail (!store || JB_IS_STORE (store));

  if (priv->store == store)
    return;

  if (priv->store != NULL)
    {
      g_signal_handlers_disconnect_by_data (priv->store, self);
      g_signal_handlers_disconnect_by_data (jb_store_get_incidents (priv->store), self);
      g_signal_handlers_disconnect_by_data (jb_store_get_units (priv->store), self);
    }

  g_set_object (&priv->store, store);

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

  jb_incident_link_layer_reload (self);
}

const JbIncidentLink *
jb_incident_link_layer_get_links (JbIncidentLinkLayer *self,
                                  guint               *n_links)
{
  JbIncidentLinkLayerPrivate *priv = jb_incident_link_layer_get_instance_private (self);

  g_return_val_if_fail (JB_IS_INCIDENT_LINK_LAYER (self), NULL);

  if (n_links != NULL)
    *n_links = priv->links->len;
  return (const JbIncidentLink *) (gpointer) priv->links->data;
}

const JbIncidentLink *
jb_incident_link_layer_lookup (JbIncidentLinkLayer *self,
                               const char          *incident_id,
                               const char          *unit_id)
{
  JbIncidentLinkLayerPrivate *priv = jb_incident_link_layer_get_instance_private (self);

  g_return_val_if_fail (JB_IS_INCIDENT_LINK_LAYER (self), NULL);

  for (guint i = 0; i < priv->links->len; i++)
    {
      const JbIncidentLink *link = &g_array_index (priv->links, JbIncidentLink, i);

      if (g_strcmp0 (link->incident_id, incident_id) == 0 && g_strcmp0 (link->unit_id, unit_id) == 0)
        return link;
    }

  return NULL;
}
