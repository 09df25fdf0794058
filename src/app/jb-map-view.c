/* jb-map-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-map-view"

#include <glib/gi18n.h>
#include <math.h>

#include "jb-config.h"
#include "jb-grid-layer.h"
#include "jb-labels.h"
#include "jb-map-frame.h"
#include "jb-map-view.h"
#include "jb-tile-layer.h"
#include "jb-tile-source.h"

#define DEFAULT_LAT  28.25
#define DEFAULT_LON  112.99
#define DEFAULT_ZOOM 12.0
/* Where the tile template is empty: a source that is only a projection
 * reference. No ShumateMapLayer uses it, so nothing is ever fetched. */
#define NO_TILES_URL "http://127.0.0.1:9/{z}/{x}/{y}.png"
/* Animated moves: short, a dispatcher is waiting for them. */
#define GO_TO_MS     600

struct _JbMapView
{
  GtkWidget            parent_instance;

  /* Template widgets */
  GtkOverlay          *overlay;
  ShumateMap          *map;
  ShumateScale        *scale;
  GtkWidget           *follow_bar;
  GtkLabel            *follow_label;

  /* Borrowed: the map owns its layers */
  JbJurisdictionLayer *jurisdictions;
  JbJurisdictionLayer *station_names;
  JbGridLayer         *grids;
  JbTerminalLayer     *terminals;
  JbUnitLayer         *units;
  JbIncidentLayer     *incidents;
  JbAssignmentLayer   *assignments;
  JbCalloutLayer      *callouts;
  JbTileLayer         *tile_layer;
  ShumateLicense      *license;
  GtkLabel            *no_basemap_label;

  /* Owned references */
  JbStore             *store;
  ShumateMapSource    *reference;
  GObject             *selected;
  char                *followed;
  /* Following a unit that was on its way: ends when it is on scene. */
  gboolean             follow_until_scene;
  /* Framing an incident and its units on their way (jb_map_view_follow_incident_units). */
  char                *framed_incident;
  gboolean             has_clicked;
  double               clicked_lat;
  double               clicked_lon;
  char                *tile_url;
  JbClient            *client;
  JbTileFetcher       *tile_fetcher;
  JbBasemap           *basemap;       /* the server's, as drawn now */
  char                *basemap_state; /* what update_basemap() last set up */
  ShumateMapSource    *tile_source;   /* what the tile layer draws */
  guint                staleness_id;
  double               press_x;
  double               press_y;
  gboolean             centred;
  gboolean             basemap_hidden;
  guint                max_tiles;
  gboolean             fixed_view;
  double               fixed_lat;
  double               fixed_lon;
  double               fixed_zoom;
};

G_DEFINE_FINAL_TYPE (JbMapView, jb_map_view, GTK_TYPE_WIDGET)

enum {
  LOCATION_CLICKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_STORE,
  PROP_SELECTED,
  PROP_FOLLOWED,
  PROP_TILE_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_basemap (JbMapView *self);

static guint
find_in_model (GListModel *model,
               gpointer    item)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) other = g_list_model_get_item (model, i);

      if (other == item)
        return i;
    }

  return GTK_INVALID_LIST_POSITION;
}

/* Points each layer's selection at the selected object's current index. */
static void
update_layer_selection (JbMapView *self)
{
  int unit = -1, terminal = -1, incident = -1;

  if (self->store != NULL && self->selected != NULL)
    {
      guint pos = GTK_INVALID_LIST_POSITION;

      if (JB_IS_UNIT (self->selected))
        {
          pos = jb_store_get_unit_index (self->store, jb_unit_get_id (JB_UNIT (self->selected)));
          unit = pos == GTK_INVALID_LIST_POSITION ? -1 : (int) pos;
        }
      else if (JB_IS_TERMINAL (self->selected))
        {
          pos = find_in_model (jb_store_get_terminals (self->store), self->selected);
          terminal = pos == GTK_INVALID_LIST_POSITION ? -1 : (int) pos;
        }
      else if (JB_IS_INCIDENT (self->selected))
        {
          pos = find_in_model (jb_store_get_incidents (self->store), self->selected);
          incident = pos == GTK_INVALID_LIST_POSITION ? -1 : (int) pos;
        }
    }

  jb_point_layer_set_selected (JB_POINT_LAYER (self->units), unit);
  jb_point_layer_set_selected (JB_POINT_LAYER (self->terminals), terminal);
  jb_point_layer_set_selected (JB_POINT_LAYER (self->incidents), incident);
}

static void
reload_units (JbMapView *self)
{
  const JbUnitPoint *points;
  guint n = 0;

  points = jb_store_get_unit_points (self->store, &n);
  jb_unit_layer_set_units (self->units, points, n);
}

static void
centre_on_followed (JbMapView *self)
{
  JbUnit *unit;
  JbPosition position;

  if (self->followed == NULL || self->store == NULL)
    return;

  unit = jb_store_lookup_unit (self->store, self->followed);
  if (unit != NULL && jb_unit_get_position (unit, &position))
    shumate_location_set_location (SHUMATE_LOCATION (jb_map_view_get_viewport (self)),
                                   position.lat, position.lon);
}

static gboolean frame_incident_units (JbMapView *self,
                                      gboolean   only_if_outside);

static void
units_moved_cb (JbMapView *self)
{
  reload_units (self);
  centre_on_followed (self);
  if (self->framed_incident != NULL)
    frame_incident_units (self, TRUE);
}

/* A unit followed on its way is followed until it arrives; the map then
 * stays on the scene. */
static void
check_followed_arrived (JbMapView *self)
{
  JbUnit *unit;

  if (self->followed == NULL || !self->follow_until_scene || self->store == NULL)
    return;

  unit = jb_store_lookup_unit (self->store, self->followed);
  if (unit == NULL || jb_unit_get_status (unit) == JB_UNIT_STATUS_ON_SCENE ||
      jb_unit_get_status (unit) == JB_UNIT_STATUS_AVAILABLE)
    jb_map_view_follow (self, NULL);
}

static void
units_changed_cb (JbMapView  *self,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GListModel *model)
{
  reload_units (self);
  if (removed != added)
    update_layer_selection (self);
}

static void
terminals_changed_cb (JbMapView  *self,
                      guint       position,
                      guint       removed,
                      guint       added,
                      GListModel *model)
{
  if (removed == 1 && added == 1)
    {
      jb_terminal_layer_update (self->terminals, model, position);
      return;
    }

  jb_terminal_layer_set_terminals (self->terminals, model);
  update_layer_selection (self);
}

static void
incidents_changed_cb (JbMapView  *self,
                      guint       position,
                      guint       removed,
                      guint       added,
                      GListModel *model)
{
  jb_incident_layer_set_incidents (self->incidents, model);
  update_layer_selection (self);
}

static void
stations_changed_cb (JbMapView  *self,
                     guint       position,
                     guint       removed,
                     guint       added,
                     GListModel *model)
{
  jb_jurisdiction_layer_set_stations (self->jurisdictions, model);
  jb_jurisdiction_layer_set_stations (self->station_names, model);
}

static void
fit_stations (JbMapView *self,
              double    *lat,
              double    *lon,
              double    *zoom)
{
  GListModel *stations = jb_store_get_stations (self->store);
  double width = gtk_widget_get_width (GTK_WIDGET (self->map));
  double height = gtk_widget_get_height (GTK_WIDGET (self->map));
  guint n = g_list_model_get_n_items (stations);
  JbMapBounds bounds;
  double fit_lat, fit_lon, fit_zoom;

  if (width < 100 || height < 100)
    return;

  jb_map_bounds_init (&bounds);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JbStation) station = g_list_model_get_item (stations, i);
      double a, b, c, d;

      if (jb_station_get_bounds (station, &a, &b, &c, &d))
        jb_map_bounds_add_box (&bounds, a, b, c, d);
    }

  /* A 6 % margin all round; whole tenths keep the scale bar round. */
  if (bounds.n_points == 0 || bounds.max_mx <= bounds.min_mx || bounds.max_my <= bounds.min_my ||
      !jb_map_bounds_fit (&bounds, width, height, 0.88, 8.0, 16.0, &fit_lat, &fit_lon, &fit_zoom))
    return;
  *lat = fit_lat;
  *lon = fit_lon;
  *zoom = floor (fit_zoom * 10) / 10;
}

static void
home_position (JbMapView *self,
               double    *lat,
               double    *lon,
               double    *zoom)
{
  JbConfig *config = self->store ? jb_store_get_typed_config (self->store) : NULL;

  if (self->fixed_view)
    {
      *lat = self->fixed_lat;
      *lon = self->fixed_lon;
      *zoom = self->fixed_zoom;
      return;
    }

  *lat = DEFAULT_LAT;
  *lon = DEFAULT_LON;
  *zoom = DEFAULT_ZOOM;
  if (config != NULL)
    {
      (void) jb_config_get_city_center (config, lat, lon);
      if (jb_config_get_city_zoom (config) > 0)
        *zoom = jb_config_get_city_zoom (config);
    }

  /* Better than the configured centre: the jurisdictions, fitted to the
   * map as it is now. */
  if (self->store != NULL)
    fit_stations (self, lat, lon, zoom);
}

static void
apply_config (JbMapView *self)
{
  JbConfig *config = jb_store_get_typed_config (self->store);
  guint camera = jb_config_get_body_camera_freshness (config);
  guint handset = jb_config_get_handset_freshness (config);
  guint unit = jb_config_get_unit_freshness (config);

  update_basemap (self);

  /* Guards carry body cameras, police units handsets; volunteers report
   * from phones at the general unit rate. */
  jb_unit_layer_set_freshness (self->units, JB_UNIT_KIND_GUARD, camera);
  jb_unit_layer_set_freshness (self->units, JB_UNIT_KIND_OFFICER, handset);
  jb_unit_layer_set_freshness (self->units, JB_UNIT_KIND_PATROL_CAR, handset);
  jb_unit_layer_set_freshness (self->units, JB_UNIT_KIND_VOLUNTEER, unit);

  if (!self->centred && jb_store_get_config (self->store) != NULL)
    {
      double lat, lon, zoom;

      home_position (self, &lat, &lon, &zoom);
      jb_map_view_go_to (self, lat, lon, zoom);
      self->centred = TRUE;
    }
}

static void
store_changed_cb (JbMapView     *self,
                  JbStoreChange  kind,
                  const char    *id)
{
  if (kind == JB_STORE_CHANGE_CONFIG)
    {
      apply_config (self);
      /* The 1-3-5 limits come with the config. */
      jb_incident_layer_update_targets (self->incidents, jb_store_get_now_ms (self->store));
    }
  else if (kind == JB_STORE_CHANGE_UNIT && g_strcmp0 (id, self->followed) == 0)
    check_followed_arrived (self);
  else if (kind == JB_STORE_CHANGE_INCIDENT && g_strcmp0 (id, self->framed_incident) == 0)
    {
      if (!frame_incident_units (self, TRUE))
        jb_map_view_follow_incident_units (self, NULL);
    }
}

static void
reload_all (JbMapView *self)
{
  jb_jurisdiction_layer_set_stations (self->jurisdictions, jb_store_get_stations (self->store));
  jb_jurisdiction_layer_set_stations (self->station_names, jb_store_get_stations (self->store));
  jb_terminal_layer_set_terminals (self->terminals, jb_store_get_terminals (self->store));
  jb_incident_layer_set_incidents (self->incidents, jb_store_get_incidents (self->store));
  reload_units (self);
  update_layer_selection (self);
}

static void
snapshot_loaded_cb (JbMapView *self)
{
  apply_config (self);
  reload_all (self);
}

static gboolean
staleness_cb (gpointer user_data)
{
  JbMapView *self = user_data;

  jb_unit_layer_update_staleness (self->units, g_get_real_time () / 1000);

  return G_SOURCE_CONTINUE;
}

void
jb_map_view_set_store (JbMapView *self,
                       JbStore   *store)
{
  g_return_if_fail (JB_IS_MAP_VIEW (self));
  g_return_if_fail (!store || JB_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->store != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->store, self);
      g_signal_handlers_disconnect_by_data (jb_store_get_units (self->store), self);
      g_signal_handlers_disconnect_by_data (jb_store_get_terminals (self->store), self);
      g_signal_handlers_disconnect_by_data (jb_store_get_incidents (self->store), self);
      g_signal_handlers_disconnect_by_data (jb_store_get_stations (self->store), self);
    }

  g_set_object (&self->store, store);
  jb_grid_layer_set_grids (self->grids, store != NULL ? jb_store_get_grids (store) : NULL);
  jb_incident_link_layer_set_store (JB_INCIDENT_LINK_LAYER (self->assignments), store);
  jb_incident_link_layer_set_store (JB_INCIDENT_LINK_LAYER (self->callouts), store);
  jb_incident_layer_set_store (self->incidents, store);

  if (store != NULL)
    {
      g_signal_connect_object (store, "units-moved", G_CALLBACK (units_moved_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (store, "snapshot-loaded", G_CALLBACK (snapshot_loaded_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (jb_store_get_units (store), "items-changed",
                               G_CALLBACK (units_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (jb_store_get_terminals (store), "items-changed",
                               G_CALLBACK (terminals_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (jb_store_get_incidents (store), "items-changed",
                               G_CALLBACK (incidents_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (jb_store_get_stations (store), "items-changed",
                               G_CALLBACK (stations_changed_cb), self, G_CONNECT_SWAPPED);

      if (jb_store_has_snapshot (store))
        snapshot_loaded_cb (self);
      else
        reload_all (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

JbStore *
jb_map_view_get_store (JbMapView *self)
{
  g_return_val_if_fail (JB_IS_MAP_VIEW (self), NULL);

  return self->store;
}

static void
set_reference (JbMapView        *self,
               ShumateMapSource *source)
{
  ShumateViewport *viewport = jb_map_view_get_viewport (self);

  g_set_object (&self->reference, source);
  shumate_viewport_set_reference_map_source (viewport, source);
  /* The demo city needs no more than street level; keep the world view out
   * of reach too: below zoom 8 the district is a dot. */
  shumate_viewport_set_max_zoom_level (viewport, 19);
  shumate_viewport_set_min_zoom_level (viewport, 8);
}

/* Which tiles the map draws: the settings' XYZ source when one is named
 * (an intranet PGIS server, say), else the dispatch server's basemap when
 * its config has a raster one, else none, said on the map. */
static void
update_basemap (JbMapView *self)
{
  ShumateViewport *viewport = jb_map_view_get_viewport (self);
  JsonObject *config = self->store != NULL ? jb_store_get_config (self->store) : NULL;
  g_autoptr(JbBasemap) basemap = NULL;
  g_autoptr(ShumateMapSource) source = NULL;
  g_autoptr(ShumateDataSource) data = NULL;
  const char *missing = NULL;
  g_autofree char *state = NULL;
  gboolean use_server;

  if (config != NULL)
    basemap = jb_basemap_copy (jb_config_get_basemap (jb_store_get_typed_config (self->store)));
  use_server = self->tile_url == NULL && basemap != NULL && self->tile_fetcher != NULL &&
               jb_basemap_is_raster (basemap);

  /* Nothing changed: keep the layer and the tiles it has drawn. */
  if (self->tile_url != NULL)
    state = g_strconcat ("url ", self->tile_url, NULL);
  else if (use_server)
    state = g_strdup_printf ("server %p %s %s %s %u %u %u", (void *) self->tile_fetcher, basemap->version,
                             basemap->name, basemap->attribution, basemap->minzoom, basemap->maxzoom,
                             basemap->tile_size);
  else
    state = g_strdup_printf ("none %d %d", config != NULL, basemap != NULL);
  if (self->reference != NULL && g_strcmp0 (state, self->basemap_state) == 0)
    return;
  g_free (self->basemap_state);
  self->basemap_state = g_strdup (state);
  g_debug ("Basemap: %s", state);

  if (self->tile_layer != NULL)
    {
      shumate_map_remove_layer (self->map, SHUMATE_LAYER (self->tile_layer));
      self->tile_layer = NULL;
    }
  if (self->tile_source != NULL)
    shumate_license_remove_map_source (self->license, self->tile_source);
  g_clear_object (&self->tile_source);
  g_clear_pointer (&self->basemap, jb_basemap_free);

  if (self->tile_url != NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (self->tile_url, G_URI_FLAGS_PARSE_RELAXED, NULL);
      g_autofree char *credit = g_strdup_printf (_("Map tiles: %s"),
                                                 uri != NULL && g_uri_get_host (uri) != NULL ?
                                                 g_uri_get_host (uri) : self->tile_url);

      /* Another server: libshumate's downloader, with its own disk cache
       * and without our token. */
      data = SHUMATE_DATA_SOURCE (shumate_tile_downloader_new (self->tile_url));
      source = SHUMATE_MAP_SOURCE (shumate_raster_renderer_new_full_from_url ("jb-tiles", _("Map tiles"),
                                                                               credit, "", 0, 19, 256,
                                                                               SHUMATE_MAP_PROJECTION_MERCATOR,
                                                                               NO_TILES_URL));
      self->tile_layer = jb_tile_layer_new (viewport, data, 0, 19, 256, -180, -85.0511, 180, 85.0511);
    }
  else if (use_server)
    {
      g_autofree char *id = g_strdup_printf ("jb-server-%s", basemap->version);

      data = SHUMATE_DATA_SOURCE (jb_tile_source_new (self->tile_fetcher,
                                                      jb_client_get_server_url (self->client), basemap));
      /* The projection and the credit; the layer fetches through @data. */
      source = SHUMATE_MAP_SOURCE (shumate_raster_renderer_new_full_from_url (id, basemap->name, basemap->attribution,
                                                                               "", 0, 19, 256,
                                                                               SHUMATE_MAP_PROJECTION_MERCATOR,
                                                                               NO_TILES_URL));
      self->tile_layer = jb_tile_layer_new (viewport, data, basemap->minzoom, basemap->maxzoom, basemap->tile_size,
                                            basemap->west, basemap->south, basemap->east, basemap->north);
      self->basemap = g_steal_pointer (&basemap);
    }
  else
    {
      if (config != NULL)
        missing = basemap != NULL ? _("No basemap: the server's map tiles are vector tiles, which this client cannot draw")
                                  : _("No basemap: the dispatch server has no map tiles");
      /* Still a projection reference: no layer uses it, nothing is fetched. */
      source = SHUMATE_MAP_SOURCE (shumate_raster_renderer_new_full_from_url ("jb-none", _("No map tiles"),
                                                                               "", "", 0, 19, 256,
                                                                               SHUMATE_MAP_PROJECTION_MERCATOR,
                                                                               NO_TILES_URL));
    }

  set_reference (self, source);
  if (self->tile_layer != NULL)
    {
      jb_tile_layer_set_max_kept (self->tile_layer, self->max_tiles);
      gtk_widget_set_visible (GTK_WIDGET (self->tile_layer), !self->basemap_hidden);
      shumate_map_insert_layer_behind (self->map, SHUMATE_LAYER (self->tile_layer),
                                       SHUMATE_LAYER (self->jurisdictions));
      self->tile_source = g_steal_pointer (&source);
      shumate_license_append_map_source (self->license, self->tile_source);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->license), self->tile_source != NULL);
  gtk_label_set_label (self->no_basemap_label, missing != NULL ? missing : "");
  gtk_widget_set_visible (GTK_WIDGET (self->no_basemap_label), missing != NULL);
}

void
jb_map_view_set_tile_url (JbMapView  *self,
                          const char *url)
{
  g_return_if_fail (JB_IS_MAP_VIEW (self));

  if (url != NULL && url[0] == '\0')
    url = NULL;
  if (g_strcmp0 (url, self->tile_url) == 0 && self->reference != NULL)
    return;

  g_free (self->tile_url);
  self->tile_url = g_strdup (url);
  update_basemap (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TILE_URL]);
}

/* A duty officer sees its own jurisdiction highlighted. */
static void
client_notify_cb (JbMapView *self)
{
  JsonObject *user = self->client != NULL ? jb_client_get_user (self->client) : NULL;
  const char *station_id = NULL;

  if (user != NULL && jb_client_get_role (self->client) == JB_ROLE_DUTY_OFFICER &&
      json_object_has_member (user, "station_id") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (user, "station_id")))
    station_id = json_object_get_string_member (user, "station_id");
  jb_jurisdiction_layer_set_highlight (self->jurisdictions, station_id);
}

void
jb_map_view_set_client (JbMapView *self,
                        JbClient  *client)
{
  g_return_if_fail (JB_IS_MAP_VIEW (self));
  g_return_if_fail (client == NULL || JB_IS_CLIENT (client));

  if (self->client == client)
    return;
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_set_object (&self->client, client);
  g_clear_object (&self->tile_fetcher);
  if (client != NULL)
    g_signal_connect_object (client, "notify", G_CALLBACK (client_notify_cb), self, G_CONNECT_SWAPPED);
  client_notify_cb (self);
  if (client != NULL)
    self->tile_fetcher = jb_tile_fetcher_new (client);
  update_basemap (self);
}

gboolean
jb_map_view_has_basemap (JbMapView *self)
{
  g_return_val_if_fail (JB_IS_MAP_VIEW (self), FALSE);
  return self->tile_layer != NULL;
}

GObject *
jb_map_view_get_selected (JbMapView *self)
{
  g_return_val_if_fail (JB_IS_MAP_VIEW (self), NULL);

  return self->selected;
}

void
jb_map_view_select (JbMapView *self,
                    GObject   *item)
{
  g_return_if_fail (JB_IS_MAP_VIEW (self));
  g_return_if_fail (!item || G_IS_OBJECT (item));

  if (!g_set_object (&self->selected, item))
    return;

  update_layer_selection (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

void
jb_map_view_follow (JbMapView  *self,
                    const char *unit_id)
{
  g_return_if_fail (JB_IS_MAP_VIEW (self));

  if (g_strcmp0 (self->followed, unit_id) == 0)
    return;

  g_free (self->followed);
  self->followed = g_strdup (unit_id);
  self->follow_until_scene = FALSE;
  if (unit_id != NULL)
    g_clear_pointer (&self->framed_incident, g_free);

  if (unit_id != NULL && self->store != NULL)
    {
      JbUnit *unit = jb_store_lookup_unit (self->store, unit_id);
      g_autofree char *text = NULL;

      if (unit != NULL)
        {
          JbUnitStatus status = jb_unit_get_status (unit);

          self->follow_until_scene = status == JB_UNIT_STATUS_EN_ROUTE || status == JB_UNIT_STATUS_ASSIGNED;
        }

      /* Translators: shown over the map while it keeps a unit centred */
      text = g_strdup_printf (_("Following %s"), unit ? jb_unit_get_callsign (unit) : unit_id);
      gtk_label_set_text (self->follow_label, text);
      centre_on_followed (self);
    }
  gtk_widget_set_visible (self->follow_bar, unit_id != NULL || self->framed_incident != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "map.stop-following",
                                 unit_id != NULL || self->framed_incident != NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOWED]);
}

const char *
jb_map_view_get_followed (JbMapView *self)
{
  g_return_val_if_fail (JB_IS_MAP_VIEW (self), NULL);

  return self->followed;
}

void
jb_map_view_go_to (JbMapView *self,
                   double     lat,
                   double     lon,
                   double     zoom)
{
  ShumateViewport *viewport;

  g_return_if_fail (JB_IS_MAP_VIEW (self));

  viewport = jb_map_view_get_viewport (self);
  shumate_viewport_set_zoom_level (viewport, zoom);
  shumate_location_set_location (SHUMATE_LOCATION (viewport), lat, lon);
}

void
jb_map_view_set_max_tiles (JbMapView *self,
                           guint      max_tiles)
{
  g_return_if_fail (JB_IS_MAP_VIEW (self));

  self->max_tiles = max_tiles;
  if (self->tile_layer != NULL)
    jb_tile_layer_set_max_kept (self->tile_layer, max_tiles);
}

guint
jb_map_view_get_n_tiles_kept (JbMapView *self)
{
  g_return_val_if_fail (JB_IS_MAP_VIEW (self), 0);

  return self->tile_layer != NULL ? jb_tile_layer_get_n_kept (self->tile_layer) : 0;
}

void
jb_map_view_set_fixed_view (JbMapView *self,
                            double     lat,
                            double     lon,
                            double     zoom)
{
  g_return_if_fail (JB_IS_MAP_VIEW (self));

  self->fixed_view = TRUE;
  self->fixed_lat = lat;
  self->fixed_lon = lon;
  self->fixed_zoom = zoom;
  self->centred = TRUE;
  jb_map_view_go_to (self, lat, lon, zoom);
}

void
jb_map_view_show (JbMapView *self,
                  double     lat,
                  double     lon)
{
  ShumateViewport *viewport;

  g_return_if_fail (JB_IS_MAP_VIEW (self));

  viewport = jb_map_view_get_viewport (self);
  shumate_map_go_to_full_with_duration (self->map, lat, lon,
                                        shumate_viewport_get_zoom_level (viewport), GO_TO_MS);
}

ShumateMap *
jb_map_view_get_map (JbMapView *self)
{
  g_return_val_if_fail (JB_IS_MAP_VIEW (self), NULL);

  return self->map;
}

ShumateViewport *
jb_map_view_get_viewport (JbMapView *self)
{
  g_return_val_if_fail (JB_IS_MAP_VIEW (self), NULL);

  return shumate_map_get_viewport (self->map);
}

JbUnitLayer *
jb_map_view_get_unit_layer (JbMapView *self)
{
  g_return_val_if_fail (JB_IS_MAP_VIEW (self), NULL);

  return self->units;
}

JbTerminalLayer *
jb_map_view_get_terminal_layer (JbMapView *self)
{
  g_return_val_if_fail (JB_IS_MAP_VIEW (self), NULL);

  return self->terminals;
}

JbIncidentLayer *
jb_map_view_get_incident_layer (JbMapView *self)
{
  g_return_val_if_fail (JB_IS_MAP_VIEW (self), NULL);

  return self->incidents;
}

JbGridLayer *
jb_map_view_get_grid_layer (JbMapView *self)
{
  g_return_val_if_fail (JB_IS_MAP_VIEW (self), NULL);
  return self->grids;
}

JbJurisdictionLayer *
jb_map_view_get_jurisdiction_layer (JbMapView *self)
{
  g_return_val_if_fail (JB_IS_MAP_VIEW (self), NULL);

  return self->jurisdictions;
}

JbAssignmentLayer *
jb_map_view_get_assignment_layer (JbMapView *self)
{
  g_return_val_if_fail (JB_IS_MAP_VIEW (self), NULL);

  return self->assignments;
}

JbCalloutLayer *
jb_map_view_get_callout_layer (JbMapView *self)
{
  g_return_val_if_fail (JB_IS_MAP_VIEW (self), NULL);

  return self->callouts;
}

gboolean
jb_map_view_get_clicked_location (JbMapView *self,
                                  double    *lat,
                                  double    *lon)
{
  g_return_val_if_fail (JB_IS_MAP_VIEW (self), FALSE);

  if (!self->has_clicked)
    return FALSE;

  if (lat != NULL)
    *lat = self->clicked_lat;
  if (lon != NULL)
    *lon = self->clicked_lon;
  return TRUE;
}

/* Fits the scene of the framed incident and its units on their way
 * (assigned, accepted, en route). With @only_if_outside, moves only when
 * one of them left the inner part of the view, so the map does not creep
 * with every fix. FALSE when there is nothing left to frame: no scene, or
 * no unit on its way. */
static gboolean
frame_incident_units (JbMapView *self,
                      gboolean   only_if_outside)
{
  JbIncident *incident;
  JbMapFrame frame;
  JbMapBounds bounds;
  g_autoptr(GArray) units = g_array_new (FALSE, FALSE, sizeof (JbGeoPoint));
  double lat, lon, zoom;
  double width = gtk_widget_get_width (GTK_WIDGET (self->map));
  double height = gtk_widget_get_height (GTK_WIDGET (self->map));
  gboolean outside = FALSE;

  if (self->store == NULL || self->framed_incident == NULL)
    return FALSE;

  incident = jb_store_lookup_incident (self->store, self->framed_incident);
  jb_map_bounds_init (&bounds);
  if (incident == NULL || !jb_map_bounds_add_incident (&bounds, incident, self->store, units) ||
      units->len == 0)
    return FALSE;

  if (only_if_outside && jb_map_frame_init (&frame, jb_map_view_get_viewport (self), GTK_WIDGET (self->map)))
    {
      for (guint i = 0; i < units->len && !outside; i++)
        {
          const JbGeoPoint *point = &g_array_index (units, JbGeoPoint, i);
          double x, y;

          jb_map_frame_project (&frame, jb_mercator_x (point->lon), jb_mercator_y (point->lat), &x, &y);
          outside = x < width * 0.1 || x > width * 0.9 || y < height * 0.1 || y > height * 0.9;
        }
      if (!outside)
        return TRUE;
    }

  /* A fifth of margin all round; no closer than street level, no further
   * than the district. */
  if (width <= 50 || height <= 50)
    width = height = 0;
  jb_map_bounds_fit (&bounds, width, height, 0.6, 11.0, 17.0, &lat, &lon, &zoom);
  shumate_map_go_to_full_with_duration (self->map, lat, lon, zoom,
                                        only_if_outside ? GO_TO_MS / 2 : GO_TO_MS);
  return TRUE;
}

gboolean
jb_map_view_follow_incident_units (JbMapView  *self,
                                   const char *incident_id)
{
  g_autofree char *text = NULL;
  JbIncident *incident = NULL;

  g_return_val_if_fail (JB_IS_MAP_VIEW (self), FALSE);

  if (incident_id == NULL)
    {
      if (self->framed_incident == NULL)
        return FALSE;
      g_clear_pointer (&self->framed_incident, g_free);
      if (self->followed == NULL)
        {
          gtk_widget_set_visible (self->follow_bar, FALSE);
          gtk_widget_action_set_enabled (GTK_WIDGET (self), "map.stop-following", FALSE);
        }
      return FALSE;
    }

  if (self->store != NULL)
    incident = jb_store_lookup_incident (self->store, incident_id);
  if (incident == NULL)
    return FALSE;

  jb_map_view_follow (self, NULL);
  g_free (self->framed_incident);
  self->framed_incident = g_strdup (incident_id);

  if (!frame_incident_units (self, FALSE))
    {
      double lat, lon;

      /* Nobody on the way: just the scene. */
      g_clear_pointer (&self->framed_incident, g_free);
      if (jb_incident_get_location (incident, &lat, &lon))
        jb_map_view_show (self, lat, lon);
      return FALSE;
    }

  /* Translators: shown over the map while it keeps an incident and the
   * units on their way to it in view; %s is the incident's number */
  text = g_strdup_printf (_("Following units to %s"), jb_incident_get_number (incident));
  gtk_label_set_text (self->follow_label, text);
  gtk_widget_set_visible (self->follow_bar, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "map.stop-following", TRUE);
  return TRUE;
}

const char *
jb_map_view_get_followed_incident (JbMapView *self)
{
  g_return_val_if_fail (JB_IS_MAP_VIEW (self), NULL);

  return self->framed_incident;
}

static GObject *
pick_full (JbMapView *self,
           double     x,
           double     y,
           JbMapPick *pick)
{
  JbPointLayer *layers[] = {
    JB_POINT_LAYER (self->incidents),
    JB_POINT_LAYER (self->units),
    JB_POINT_LAYER (self->terminals),
  };

  if (self->store == NULL)
    return NULL;

  for (guint l = 0; l < G_N_ELEMENTS (layers); l++)
    {
      GListModel *model;

      if (!jb_point_layer_pick (layers[l], x, y, pick))
        continue;

      if (layers[l] == JB_POINT_LAYER (self->incidents))
        model = jb_store_get_incidents (self->store);
      else if (layers[l] == JB_POINT_LAYER (self->units))
        model = jb_store_get_units (self->store);
      else
        model = jb_store_get_terminals (self->store);

      return g_list_model_get_item (model, (guint) pick->index);
    }

  return NULL;
}

GObject *
jb_map_view_pick (JbMapView *self,
                  double     x,
                  double     y,
                  guint     *cluster_count)
{
  JbMapPick pick = { 0 };
  GObject *item;

  g_return_val_if_fail (JB_IS_MAP_VIEW (self), NULL);

  item = pick_full (self, x, y, &pick);
  if (cluster_count != NULL)
    *cluster_count = item != NULL && pick.count > 1 ? pick.count : 0;

  return item;
}

static void
zoom_to_pick (JbMapView       *self,
              const JbMapPick *pick)
{
  ShumateViewport *viewport = jb_map_view_get_viewport (self);
  double zoom = shumate_viewport_get_zoom_level (viewport);
  double span = MAX (pick->max_mx - pick->min_mx, pick->max_my - pick->min_my);
  double width = MAX (gtk_widget_get_width (GTK_WIDGET (self->map)), 1);
  double target = zoom + 2;

  /* Enough to spread the cluster over a third of the map, at least two
   * levels, at most street level. */
  if (span > 0)
    target = MAX (target, log2 (width / 3.0 / (span * 256.0)));
  target = MIN (target, 17.0);

  shumate_map_go_to_full_with_duration (self->map,
                                        jb_mercator_lat ((pick->min_my + pick->max_my) / 2),
                                        jb_mercator_lon ((pick->min_mx + pick->max_mx) / 2),
                                        target, GO_TO_MS);
}

static void
click_released_cb (JbMapView       *self,
                   int              n_press,
                   double           x,
                   double           y,
                   GtkGestureClick *gesture)
{
  g_autoptr(GObject) item = NULL;
  JbMapPick pick = { 0 };
  double dx = x - self->press_x;
  double dy = y - self->press_y;

  /* The end of a drag (a pan) is not a click. */
  if (dx * dx + dy * dy > 8 * 8)
    return;

  item = pick_full (self, x, y, &pick);

  if (n_press == 1)
    {
      ShumateViewport *viewport = jb_map_view_get_viewport (self);
      double lat, lon;

      /* Where a phone report may be: the window prefills a new incident. */
      if (shumate_viewport_get_reference_map_source (viewport) != NULL)
        {
          shumate_viewport_widget_coords_to_location (viewport, GTK_WIDGET (self->map), x, y, &lat, &lon);
          self->has_clicked = TRUE;
          self->clicked_lat = lat;
          self->clicked_lon = lon;
          g_signal_emit (self, signals[LOCATION_CLICKED], 0, lat, lon);
        }

      if (item != NULL && pick.count > 1)
        zoom_to_pick (self, &pick);
      else
        {
          jb_map_view_select (self, item);
          if (item == NULL || !JB_IS_UNIT (item) ||
              g_strcmp0 (self->followed, jb_unit_get_id (JB_UNIT (item))) != 0)
            jb_map_view_follow (self, NULL);
        }
    }
  else if (n_press == 2)
    {
      /* On empty map the map's own double-click zooms in. */
      if (item != NULL && JB_IS_UNIT (item) && pick.count <= 1)
        {
          jb_map_view_select (self, item);
          jb_map_view_follow (self, jb_unit_get_id (JB_UNIT (item)));
        }
    }
}

static void
click_pressed_cb (JbMapView       *self,
                  int              n_press,
                  double           x,
                  double           y,
                  GtkGestureClick *gesture)
{
  g_autoptr(GObject) item = NULL;
  JbMapPick pick = { 0 };

  self->press_x = x;
  self->press_y = y;

  /* A double-click on an item is ours (select, follow): claim it before
   * the map's own double-click zooms in (libshumate 1.0.3 zooms whatever
   * zoom-on-double-click says). */
  if (n_press < 2)
    return;

  item = pick_full (self, x, y, &pick);
  if (item != NULL)
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
drag_update_cb (JbMapView      *self,
                double          offset_x,
                double          offset_y,
                GtkGestureDrag *gesture)
{
  /* Panning away by hand ends following; the map's own drag still pans. */
  if ((self->followed != NULL || self->framed_incident != NULL) &&
      offset_x * offset_x + offset_y * offset_y > 12 * 12)
    {
      jb_map_view_follow (self, NULL);
      jb_map_view_follow_incident_units (self, NULL);
    }
}

static char *
describe_unit (JbMapView *self,
               JbUnit    *unit)
{
  JbPosition position;
  g_autofree char *age = NULL;

  if (jb_unit_get_position (unit, &position))
    age = jb_format_age (position.time, g_get_real_time () / 1000);

  /* Translators: a unit's map tooltip: callsign, name, kind, status,
   * organisation, age of its last position fix */
  return g_strdup_printf (_("%s  %s\n%s · %s\n%s\nLast fix %s ago"),
                          jb_unit_get_callsign (unit),
                          jb_unit_get_name (unit) ? jb_unit_get_name (unit) : "",
                          jb_unit_kind_get_label (jb_unit_get_kind (unit)),
                          jb_unit_status_get_label (jb_unit_get_status (unit)),
                          jb_unit_get_org_name (unit) ? jb_unit_get_org_name (unit) : "",
                          age ? age : "—");
}

static char *
describe (JbMapView *self,
          GObject   *item,
          guint      cluster_count)
{
  if (cluster_count > 1)
    {
      const char *worst = "";

      if (JB_IS_UNIT (item))
        worst = jb_unit_status_get_label (jb_unit_get_status (JB_UNIT (item)));
      else if (JB_IS_TERMINAL (item))
        worst = jb_terminal_get_online (JB_TERMINAL (item)) ? _("Online") : _("Offline");
      else if (JB_IS_INCIDENT (item))
        worst = jb_incident_status_get_label (jb_incident_get_status (JB_INCIDENT (item)));

      /* Translators: a cluster's tooltip: how many items, and the most
       * pressing status among them; clicking zooms in */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u item here, most pressing: %s\nClick to zoom in",
                                           "%u items here, most pressing: %s\nClick to zoom in", cluster_count),
                              cluster_count, worst);
    }

  if (JB_IS_UNIT (item))
    return describe_unit (self, JB_UNIT (item));

  if (JB_IS_TERMINAL (item))
    {
      JbTerminal *terminal = JB_TERMINAL (item);

      /* Translators: a terminal's map tooltip: name, kind, online state */
      return g_strdup_printf (_("%s\n%s · %s"),
                              jb_terminal_get_name (terminal),
                              jb_terminal_kind_get_label (jb_terminal_get_kind (terminal)),
                              jb_terminal_get_online (terminal) ? _("Online") : _("Offline"));
    }

  if (JB_IS_INCIDENT (item))
    {
      JbIncident *incident = JB_INCIDENT (item);
      g_autofree char *age = jb_format_age (jb_incident_get_created_at (incident), g_get_real_time () / 1000);
      const char *place = jb_incident_get_venue_name (incident);

      if (place == NULL)
        place = jb_incident_get_address (incident) ? jb_incident_get_address (incident) : "";

      /* Translators: an incident's map tooltip: priority, type, number,
       * place, status, age */
      return g_strdup_printf (_("P%u %s  %s\n%s\n%s · %s ago"),
                              jb_incident_get_priority (incident),
                              jb_incident_type_get_label (jb_incident_get_incident_type (incident)),
                              jb_incident_get_number (incident),
                              place,
                              jb_incident_status_get_label (jb_incident_get_status (incident)),
                              age);
    }

  return NULL;
}

char *
jb_map_view_describe_at (JbMapView *self,
                         double     x,
                         double     y)
{
  g_autoptr(GObject) item = NULL;
  guint cluster_count = 0;

  g_return_val_if_fail (JB_IS_MAP_VIEW (self), NULL);

  item = jb_map_view_pick (self, x, y, &cluster_count);
  if (item == NULL)
    return NULL;

  return describe (self, item, cluster_count);
}

static gboolean
query_tooltip_cb (JbMapView  *self,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip,
                  GtkWidget  *widget)
{
  g_autofree char *text = NULL;

  if (keyboard_mode)
    return FALSE;

  text = jb_map_view_describe_at (self, x, y);
  if (text == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
zoom_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  shumate_map_zoom_in (JB_MAP_VIEW (widget)->map);
}

static void
zoom_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  shumate_map_zoom_out (JB_MAP_VIEW (widget)->map);
}

static void
home_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  JbMapView *self = JB_MAP_VIEW (widget);
  double lat, lon, zoom;

  home_position (self, &lat, &lon, &zoom);
  jb_map_view_follow (self, NULL);
  shumate_map_go_to_full_with_duration (self->map, lat, lon, zoom, GO_TO_MS);
}

static void
stop_following_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  jb_map_view_follow (JB_MAP_VIEW (widget), NULL);
  jb_map_view_follow_incident_units (JB_MAP_VIEW (widget), NULL);
}

static void
toggle_layer (GtkWidget *layer)
{
  gtk_widget_set_visible (layer, !gtk_widget_get_visible (layer));
}

static void
toggle_basemap_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  JbMapView *self = JB_MAP_VIEW (widget);

  self->basemap_hidden = !self->basemap_hidden;
  if (self->tile_layer != NULL)
    gtk_widget_set_visible (GTK_WIDGET (self->tile_layer), !self->basemap_hidden);
}

static void
toggle_jurisdictions_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  JbMapView *self = JB_MAP_VIEW (widget);

  toggle_layer (GTK_WIDGET (self->jurisdictions));
  gtk_widget_set_visible (GTK_WIDGET (self->station_names),
                          gtk_widget_get_visible (GTK_WIDGET (self->jurisdictions)));
}

static void
toggle_grids_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  toggle_layer (GTK_WIDGET (JB_MAP_VIEW (widget)->grids));
}

static void
jb_map_view_dispose (GObject *object)
{
  JbMapView *self = (JbMapView *)object;

  jb_map_view_set_store (self, NULL);
  g_clear_handle_id (&self->staleness_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), JB_TYPE_MAP_VIEW);
  g_clear_object (&self->selected);
  g_clear_object (&self->reference);
  g_clear_object (&self->tile_source);
  g_clear_object (&self->tile_fetcher);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (jb_map_view_parent_class)->dispose (object);
}

static void
jb_map_view_finalize (GObject *object)
{
  JbMapView *self = (JbMapView *)object;

  g_free (self->followed);
  g_free (self->framed_incident);
  g_free (self->tile_url);
  g_clear_pointer (&self->basemap, jb_basemap_free);
  g_free (self->basemap_state);

  G_OBJECT_CLASS (jb_map_view_parent_class)->finalize (object);
}

static void
jb_map_view_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  JbMapView *self = JB_MAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SELECTED:
      g_value_set_object (value, self->selected);
      break;
    case PROP_FOLLOWED:
      g_value_set_string (value, self->followed);
      break;
    case PROP_TILE_URL:
      g_value_set_string (value, self->tile_url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_map_view_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  JbMapView *self = JB_MAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      jb_map_view_set_store (self, g_value_get_object (value));
      break;
    case PROP_SELECTED:
      jb_map_view_select (self, g_value_get_object (value));
      break;
    case PROP_FOLLOWED:
      jb_map_view_follow (self, g_value_get_string (value));
      break;
    case PROP_TILE_URL:
      jb_map_view_set_tile_url (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_map_view_class_init (JbMapViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_map_view_dispose;
  object_class->finalize = jb_map_view_finalize;
  object_class->get_property = jb_map_view_get_property;
  object_class->set_property = jb_map_view_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, JB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED] =
    g_param_spec_object ("selected", NULL, NULL, G_TYPE_OBJECT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLLOWED] =
    g_param_spec_string ("followed", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TILE_URL] =
    g_param_spec_string ("tile-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * JbMapView::location-clicked:
   * A single click (not a drag) on the map at (lat, lon), on an item or
   * not; jb_map_view_get_clicked_location() keeps the last one.
   */
  signals[LOCATION_CLICKED] =
    g_signal_new ("location-clicked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  g_type_ensure (SHUMATE_TYPE_MAP);
  g_type_ensure (SHUMATE_TYPE_SCALE);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/jingbao/Console/ui/jb-map-view.ui");
  gtk_widget_class_bind_template_child (widget_class, JbMapView, overlay);
  gtk_widget_class_bind_template_child (widget_class, JbMapView, map);
  gtk_widget_class_bind_template_child (widget_class, JbMapView, scale);
  gtk_widget_class_bind_template_child (widget_class, JbMapView, follow_bar);
  gtk_widget_class_bind_template_child (widget_class, JbMapView, follow_label);
  gtk_widget_class_bind_template_callback (widget_class, click_pressed_cb);
  gtk_widget_class_bind_template_callback (widget_class, drag_update_cb);
  gtk_widget_class_bind_template_callback (widget_class, click_released_cb);
  gtk_widget_class_bind_template_callback (widget_class, query_tooltip_cb);

  gtk_widget_class_install_action (widget_class, "map.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "map.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "map.home", NULL, home_action);
  gtk_widget_class_install_action (widget_class, "map.stop-following", NULL, stop_following_action);
  gtk_widget_class_install_action (widget_class, "map.toggle-basemap", NULL, toggle_basemap_action);
  gtk_widget_class_install_action (widget_class, "map.toggle-jurisdictions", NULL, toggle_jurisdictions_action);
  gtk_widget_class_install_action (widget_class, "map.toggle-grids", NULL, toggle_grids_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "map.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "map.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "map.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "map.home", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "map.stop-following", NULL);

  gtk_widget_class_set_css_name (widget_class, "jb-map-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
jb_map_view_init (JbMapView *self)
{
  ShumateViewport *viewport;

  gtk_widget_init_template (GTK_WIDGET (self));

  viewport = shumate_map_get_viewport (self->map);
  shumate_scale_set_viewport (self->scale, viewport);
  shumate_scale_set_unit (self->scale, SHUMATE_UNIT_METRIC);

  /* The basemap's credit, bottom right; its absence, said at the top. */
  self->license = shumate_license_new ();
  gtk_widget_set_halign (GTK_WIDGET (self->license), GTK_ALIGN_END);
  gtk_widget_set_valign (GTK_WIDGET (self->license), GTK_ALIGN_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->license), "jb-map-license");
  gtk_widget_set_visible (GTK_WIDGET (self->license), FALSE);
  gtk_overlay_add_overlay (self->overlay, GTK_WIDGET (self->license));
  self->no_basemap_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_halign (GTK_WIDGET (self->no_basemap_label), GTK_ALIGN_CENTER);
  gtk_widget_set_valign (GTK_WIDGET (self->no_basemap_label), GTK_ALIGN_START);
  gtk_widget_set_margin_top (GTK_WIDGET (self->no_basemap_label), 16);
  gtk_label_set_wrap (self->no_basemap_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->no_basemap_label), "osd");
  gtk_widget_add_css_class (GTK_WIDGET (self->no_basemap_label), "jb-no-basemap");
  gtk_widget_set_can_target (GTK_WIDGET (self->no_basemap_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->no_basemap_label), FALSE);
  gtk_overlay_add_overlay (self->overlay, GTK_WIDGET (self->no_basemap_label));

  /* One key per layer, wherever the focus is in the window (text entries
   * take their letters first). */
  {
    GtkEventController *shortcuts = gtk_shortcut_controller_new ();
    static const struct { guint key; const char *action; } keys[] = {
      { GDK_KEY_b, "map.toggle-basemap" },
      { GDK_KEY_d, "map.toggle-jurisdictions" },
      { GDK_KEY_g, "map.toggle-grids" },
    };

    gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                            gtk_shortcut_new (gtk_keyval_trigger_new (keys[i].key, 0),
                                                              gtk_named_action_new (keys[i].action)));
    gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
  }

  /* The reference source first: every layer converts through it. */
  update_basemap (self);

  self->jurisdictions = jb_jurisdiction_layer_new (viewport);
  self->terminals = jb_terminal_layer_new (viewport);
  self->units = jb_unit_layer_new (viewport);
  self->incidents = jb_incident_layer_new (viewport);
  self->assignments = jb_assignment_layer_new (viewport);
  self->callouts = jb_callout_layer_new (viewport);
  self->station_names = jb_jurisdiction_layer_new (viewport);
  jb_jurisdiction_layer_set_parts (self->jurisdictions, TRUE, FALSE);
  jb_jurisdiction_layer_set_parts (self->station_names, FALSE, TRUE);
  shumate_map_add_layer (self->map, SHUMATE_LAYER (self->jurisdictions));
  self->grids = jb_grid_layer_new (viewport);
  shumate_map_add_layer (self->map, SHUMATE_LAYER (self->grids));
  /* Lines under every icon: they lead the eye from a unit to its scene. */
  shumate_map_add_layer (self->map, SHUMATE_LAYER (self->assignments));
  shumate_map_add_layer (self->map, SHUMATE_LAYER (self->terminals));
  shumate_map_add_layer (self->map, SHUMATE_LAYER (self->units));
  /* Call-out responders ring their unit, above any cluster. */
  shumate_map_add_layer (self->map, SHUMATE_LAYER (self->callouts));
  shumate_map_add_layer (self->map, SHUMATE_LAYER (self->station_names));
  shumate_map_add_layer (self->map, SHUMATE_LAYER (self->incidents));

  jb_map_view_go_to (self, DEFAULT_LAT, DEFAULT_LON, DEFAULT_ZOOM);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "map.stop-following", FALSE);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->map),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Live map"),
                                  -1);

  self->staleness_id = g_timeout_add_seconds (1, staleness_cb, self);
}

GtkWidget *
jb_map_view_new (void)
{
  return g_object_new (JB_TYPE_MAP_VIEW, NULL);
}
