/* jb-wall-map.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-wall-map"

#include <glib/gi18n.h>

#include "jb-icon-atlas.h"
#include "jb-labels.h"
#include "jb-point-layer.h"
#include "jb-wall-map.h"

struct _JbWallMap
{
  GtkWidget   parent_instance;

  GtkWidget  *overlay;
  JbMapView  *map_view;
  GtkLabel   *caption;

  JbClient   *client;
  char       *held;
  guint       return_id;
  guint       return_delay_ms;
  double      hold_zoom;
  gboolean    home;
};

G_DEFINE_FINAL_TYPE (JbWallMap, jb_wall_map, GTK_TYPE_WIDGET)

#define JB_WALL_UNIT_REDRAW_MS 500
#define JB_WALL_PULSE_MS       100
/* The wall shows two places, home and the incident it holds, about 60
 * tiles each on a 1920×1080 pane, and the levels it flies through: this
 * many decoded tiles (256 KB each, 40 MB) instead of the console's 400. */
#define JB_WALL_MAX_TILES      160

/* The newest new (unacknowledged) priority-1 incident, borrowed. */
static JbIncident *
find_newest_p1 (JbWallMap *self)
{
  GListModel *incidents = jb_store_get_incidents (jb_client_get_store (self->client));
  JbIncident *best = NULL;
  guint n = g_list_model_get_n_items (incidents);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JbIncident) incident = g_list_model_get_item (incidents, i);

      if (jb_incident_get_priority (incident) != 1 ||
          jb_incident_get_status (incident) != JB_INCIDENT_STATUS_NEW)
        continue;
      if (best == NULL || jb_incident_get_created_at (incident) > jb_incident_get_created_at (best))
        best = incident;  /* the store's list keeps it alive */
    }

  return best;
}

static void
go_home (JbWallMap *self)
{
  self->home = TRUE;
  gtk_widget_activate_action (GTK_WIDGET (self->map_view), "map.home", NULL);
}

static gboolean
return_cb (gpointer user_data)
{
  JbWallMap *self = user_data;

  self->return_id = 0;
  go_home (self);

  return G_SOURCE_REMOVE;
}

static void
show_caption (JbWallMap  *self,
              JbIncident *incident)
{
  const char *place = jb_incident_get_venue_name (incident);
  g_autofree char *text = NULL;

  if (place == NULL)
    place = jb_incident_get_address (incident);
  /* Translators: the wall map's caption while it shows a new priority-1
   * incident: type and place */
  text = g_strdup_printf (_("Priority 1 · %s · %s"),
                          jb_incident_type_get_label (jb_incident_get_incident_type (incident)),
                          place ? place : "");
  gtk_label_set_text (self->caption, text);
  gtk_widget_set_visible (GTK_WIDGET (self->caption), TRUE);
}

static void
evaluate (JbWallMap *self)
{
  JbIncident *newest = find_newest_p1 (self);

  if (newest != NULL)
    {
      double lat, lon;

      g_clear_handle_id (&self->return_id, g_source_remove);
      show_caption (self, newest);
      if (g_strcmp0 (self->held, jb_incident_get_id (newest)) == 0)
        return;

      g_free (self->held);
      self->held = g_strdup (jb_incident_get_id (newest));
      self->home = FALSE;
      if (jb_incident_get_location (newest, &lat, &lon))
        {
          jb_map_view_follow (self->map_view, NULL);
          jb_map_view_go_to (self->map_view, lat, lon, self->hold_zoom);
          jb_map_view_select (self->map_view, G_OBJECT (newest));
        }
      return;
    }

  if (self->held == NULL)
    return;

  /* No longer new: stay a little so the room sees it taken, then home. */
  g_clear_pointer (&self->held, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->caption), FALSE);
  jb_map_view_select (self->map_view, NULL);
  g_clear_handle_id (&self->return_id, g_source_remove);
  if (self->return_delay_ms == 0)
    go_home (self);
  else
    self->return_id = g_timeout_add (self->return_delay_ms, return_cb, self);
}

static void
store_changed_cb (JbWallMap     *self,
                  JbStoreChange  kind,
                  const char    *id)
{
  if (kind == JB_STORE_CHANGE_INCIDENT)
    evaluate (self);
}

static void
snapshot_loaded_cb (JbWallMap *self)
{
  evaluate (self);
}

JbMapView *
jb_wall_map_get_map_view (JbWallMap *self)
{
  g_return_val_if_fail (JB_IS_WALL_MAP (self), NULL);

  return self->map_view;
}

const char *
jb_wall_map_get_held (JbWallMap *self)
{
  g_return_val_if_fail (JB_IS_WALL_MAP (self), NULL);

  return self->held;
}

gboolean
jb_wall_map_is_home (JbWallMap *self)
{
  g_return_val_if_fail (JB_IS_WALL_MAP (self), FALSE);

  return self->home;
}

void
jb_wall_map_set_return_delay (JbWallMap *self,
                              guint      ms)
{
  g_return_if_fail (JB_IS_WALL_MAP (self));

  self->return_delay_ms = ms;
}

void
jb_wall_map_set_hold_zoom (JbWallMap *self,
                           double     zoom)
{
  g_return_if_fail (JB_IS_WALL_MAP (self));

  self->hold_zoom = zoom;
}

void
jb_wall_map_get_view (JbWallMap *self,
                      double    *lat,
                      double    *lon,
                      double    *zoom)
{
  ShumateViewport *viewport;

  g_return_if_fail (JB_IS_WALL_MAP (self));

  viewport = jb_map_view_get_viewport (self->map_view);
  if (lat != NULL)
    *lat = shumate_location_get_latitude (SHUMATE_LOCATION (viewport));
  if (lon != NULL)
    *lon = shumate_location_get_longitude (SHUMATE_LOCATION (viewport));
  if (zoom != NULL)
    *zoom = shumate_viewport_get_zoom_level (viewport);
}

/* The console's zoom and home buttons mean nothing on a wall nobody
 * touches; they would only cover the map. */
static void
hide_controls (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      if (gtk_widget_has_css_class (child, "jb-map-controls"))
        gtk_widget_set_visible (child, FALSE);
      else
        hide_controls (child);
    }
}

/* A wall runs for weeks and in that time shows every unit kind in every
 * status and heading (a dispatched unit takes statuses patrolling ones
 * never do): the atlas is drawn whole when the wall starts, about 5 MB at
 * scale 1, so that its memory is at that ceiling from the start instead of
 * growing by an icon at each first sight (docs/wall.md, the soak). */
static void
fill_icon_atlas (JbWallMap *self)
{
  if (gtk_widget_get_realized (GTK_WIDGET (self)))
    jb_icon_atlas_fill (jb_icon_atlas_get_for_scale (gtk_widget_get_scale_factor (GTK_WIDGET (self))));
}

static void
jb_wall_map_realize (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (jb_wall_map_parent_class)->realize (widget);

  fill_icon_atlas (JB_WALL_MAP (widget));
}

static void
jb_wall_map_dispose (GObject *object)
{
  JbWallMap *self = (JbWallMap *)object;

  g_clear_handle_id (&self->return_id, g_source_remove);
  g_clear_pointer (&self->overlay, gtk_widget_unparent);
  g_clear_object (&self->client);
  g_clear_pointer (&self->held, g_free);

  G_OBJECT_CLASS (jb_wall_map_parent_class)->dispose (object);
}

static void
jb_wall_map_class_init (JbWallMapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_wall_map_dispose;

  widget_class->realize = jb_wall_map_realize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "jb-wall-map");
}

static void
jb_wall_map_init (JbWallMap *self)
{
  self->return_delay_ms = 15000;
  self->hold_zoom = 16;
  self->home = TRUE;

  /* A monitor of another scale: that scale's atlas, drawn whole too. */
  g_signal_connect (self, "notify::scale-factor", G_CALLBACK (fill_icon_atlas), NULL);

  self->overlay = gtk_overlay_new ();
  gtk_widget_set_parent (self->overlay, GTK_WIDGET (self));

  self->map_view = JB_MAP_VIEW (jb_map_view_new ());
  gtk_overlay_set_child (GTK_OVERLAY (self->overlay), GTK_WIDGET (self->map_view));
  hide_controls (GTK_WIDGET (self->map_view));
  /* Nobody follows a unit on the wall: units move in half-second steps
   * (each reports once a second), not at every batch of reports. */
  jb_point_layer_set_redraw_interval (JB_POINT_LAYER (jb_map_view_get_unit_layer (self->map_view)),
                                      JB_WALL_UNIT_REDRAW_MS);
  /* A new incident's pulse at 10 frames a second, not at the display's
   * rate: every frame of it repaints the map under it. */
  jb_point_layer_set_pulse_interval (JB_POINT_LAYER (jb_map_view_get_incident_layer (self->map_view)),
                                     JB_WALL_PULSE_MS);
  jb_point_layer_set_pulse_interval (JB_POINT_LAYER (jb_map_view_get_unit_layer (self->map_view)),
                                     JB_WALL_PULSE_MS);
  jb_map_view_set_max_tiles (self->map_view, JB_WALL_MAX_TILES);

  self->caption = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_halign (GTK_WIDGET (self->caption), GTK_ALIGN_START);
  gtk_widget_set_valign (GTK_WIDGET (self->caption), GTK_ALIGN_END);
  gtk_label_set_ellipsize (self->caption, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->caption), "jb-wall-heading");
  gtk_widget_add_css_class (GTK_WIDGET (self->caption), "jb-wall-caption");
  gtk_widget_set_visible (GTK_WIDGET (self->caption), FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), GTK_WIDGET (self->caption));
}

void
jb_wall_map_add_overlay (JbWallMap *self,
                         GtkWidget *widget)
{
  g_return_if_fail (JB_IS_WALL_MAP (self));

  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), widget);
}

GtkWidget *
jb_wall_map_new (JbClient *client)
{
  JbWallMap *self;
  JbStore *store;

  g_return_val_if_fail (JB_IS_CLIENT (client), NULL);

  self = g_object_new (JB_TYPE_WALL_MAP, NULL);
  self->client = g_object_ref (client);
  store = jb_client_get_store (client);
  jb_map_view_set_store (self->map_view, store);
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "snapshot-loaded", G_CALLBACK (snapshot_loaded_cb), self, G_CONNECT_SWAPPED);

  return GTK_WIDGET (self);
}
