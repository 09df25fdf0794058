/* jb-map-view.h — the live map: jurisdictions, terminals, units, incidents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <shumate/shumate.h>

#include "jb-assignment-layer.h"
#include "jb-callout-layer.h"
#include "jb-grid-layer.h"
#include "jb-incident-layer.h"
#include "jb-jurisdiction-layer.h"
#include "jb-client.h"
#include "jb-store.h"
#include "jb-terminal-layer.h"
#include "jb-unit-layer.h"

G_BEGIN_DECLS

#define JB_TYPE_MAP_VIEW (jb_map_view_get_type ())

G_DECLARE_FINAL_TYPE (JbMapView, jb_map_view, JB, MAP_VIEW, GtkWidget)

GtkWidget           *jb_map_view_new                  (void);

void                 jb_map_view_set_store            (JbMapView   *self,
                                                       JbStore     *store);
JbStore             *jb_map_view_get_store            (JbMapView   *self);

/* An XYZ tile URL template ("https://…/{z}/{x}/{y}.png", e.g. an
 * intranet PGIS server) that replaces the dispatch server's basemap; NULL
 * or "" for the server's (config.basemap), if any. */
void                 jb_map_view_set_tile_url         (JbMapView   *self,
                                                       const char  *url);
/* The client whose session fetches the server's basemap tiles. */
void                 jb_map_view_set_client           (JbMapView   *self,
                                                       JbClient    *client);
/* TRUE when a tile layer is drawn (the server's or the settings'). */
gboolean             jb_map_view_has_basemap          (JbMapView   *self);

/* The selected JbUnit, JbTerminal or JbIncident, or NULL. */
GObject             *jb_map_view_get_selected         (JbMapView   *self);
void                 jb_map_view_select               (JbMapView   *self,
                                                       GObject     *item);
/* Keeps the map centred on a unit as it moves; NULL stops. */
void                 jb_map_view_follow               (JbMapView   *self,
                                                       const char  *unit_id);
const char          *jb_map_view_get_followed         (JbMapView   *self);

void                 jb_map_view_go_to                (JbMapView   *self,
                                                       double       lat,
                                                       double       lon,
                                                       double       zoom);

/* Brings (@lat, @lon) to the centre with a short animation, same zoom. */
void                 jb_map_view_show                 (JbMapView   *self,
                                                       double       lat,
                                                       double       lon);

/* Goes there now and makes it the home view (instead of the city's
 * centre from the server's config). */
/* The decoded basemap tiles kept (0: the default, 400, about 100 MB). */
void                 jb_map_view_set_max_tiles        (JbMapView   *self,
                                                       guint        max_tiles);
guint                jb_map_view_get_n_tiles_kept     (JbMapView   *self);
void                 jb_map_view_set_fixed_view       (JbMapView   *self,
                                                       double       lat,
                                                       double       lon,
                                                       double       zoom);

ShumateMap          *jb_map_view_get_map              (JbMapView   *self);
ShumateViewport     *jb_map_view_get_viewport         (JbMapView   *self);
JbUnitLayer         *jb_map_view_get_unit_layer       (JbMapView   *self);
JbTerminalLayer     *jb_map_view_get_terminal_layer   (JbMapView   *self);
JbIncidentLayer     *jb_map_view_get_incident_layer   (JbMapView   *self);
JbJurisdictionLayer *jb_map_view_get_jurisdiction_layer (JbMapView *self);
JbGridLayer         *jb_map_view_get_grid_layer       (JbMapView   *self);
JbAssignmentLayer   *jb_map_view_get_assignment_layer (JbMapView   *self);
JbCalloutLayer      *jb_map_view_get_callout_layer    (JbMapView   *self);

/* Frames incident @incident_id's scene and its units on their way
 * (assigned, accepted, en route) and keeps them in view as they move,
 * until none is left on its way, the user pans, or another follow starts;
 * NULL stops. FALSE when there was nobody on the way: the map then only
 * brings the scene to the centre. A following unit that was on its way
 * (jb_map_view_follow) is followed until it is on scene. */
gboolean             jb_map_view_follow_incident_units (JbMapView  *self,
                                                        const char *incident_id);
const char          *jb_map_view_get_followed_incident (JbMapView  *self);

/* Where the last single click on the map was (on an item or not), to
 * prefill a new incident; FALSE before any click. Also signalled as
 * ::location-clicked (double lat, double lon). */
gboolean             jb_map_view_get_clicked_location (JbMapView   *self,
                                                       double      *lat,
                                                       double      *lon);

/* What is under (@x, @y) in the map's coordinates: the topmost item
 * (incidents over units over terminals). Returns a new reference or NULL;
 * *cluster_count is set when a cluster was hit (item is then its worst). */
GObject             *jb_map_view_pick                 (JbMapView   *self,
                                                       double       x,
                                                       double       y,
                                                       guint       *cluster_count);

/* The hover text for (@x, @y), or NULL when nothing is there. */
char                *jb_map_view_describe_at          (JbMapView   *self,
                                                       double       x,
                                                       double       y);

G_END_DECLS
