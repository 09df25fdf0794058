/* jb-incident-link-layer.h — a map layer of units linked to incidents' scenes
 *
 * The base of the assignment and call-out layers: each link joins a unit
 * to the scene of an open incident it works on. The links live in a plain
 * array kept in step with the store: rebuilt when incidents or the unit
 * list change (and on whatever other store change the subclass asks for),
 * their unit ends moved with each batch of ::units-moved. One snapshot
 * draws them all in two passes, every dark casing first so that crossing
 * marks stay legible on any basemap, then the colours; the subclass draws
 * each link in each pass.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <shumate/shumate.h>

#include "jb-map-frame.h"
#include "jb-store.h"

G_BEGIN_DECLS

typedef struct
{
  char   *incident_id;
  char   *unit_id;
  guint   unit_index;   /* in jb_store_get_units(), for the moves */
  guint8  state;        /* the subclass's (JbAssignmentState, JbCalloutState) */
  double  unit_mx;      /* normalised Web-Mercator */
  double  unit_my;
  double  scene_mx;
  double  scene_my;
} JbIncidentLink;

#define JB_TYPE_INCIDENT_LINK_LAYER (jb_incident_link_layer_get_type ())

G_DECLARE_DERIVABLE_TYPE (JbIncidentLinkLayer, jb_incident_link_layer, JB, INCIDENT_LINK_LAYER, ShumateLayer)

struct _JbIncidentLinkLayerClass
{
  ShumateLayerClass parent_class;

  /* Adds @incident's links with jb_incident_link_layer_add(); called on
   * each rebuild for every open incident that has a location. */
  void     (*collect)    (JbIncidentLinkLayer  *self,
                          JbIncident           *incident);
  /* Whether a store ::changed of @kind rebuilds the links (incidents and
   * the unit list always do); default: JB_STORE_CHANGE_INCIDENT only. */
  gboolean (*reloads_on) (JbIncidentLinkLayer  *self,
                          JbStoreChange         kind);
  /* Draws @link in @pass (0: the casing, 1: the colour); (@x0, @y0) is
   * its unit end, (@x1, @y1) its scene, in widget coordinates. */
  void     (*draw_link)  (JbIncidentLinkLayer  *self,
                          cairo_t              *cr,
                          const JbMapFrame     *frame,
                          const JbIncidentLink *link,
                          guint                 pass,
                          double                x0,
                          double                y0,
                          double                x1,
                          double                y1);
};

void                  jb_incident_link_layer_set_store (JbIncidentLinkLayer *self,
                                                        JbStore             *store);
/* Rebuilds the links from the store now (the layer does it by itself on
 * every change). */
void                  jb_incident_link_layer_reload    (JbIncidentLinkLayer *self);
/* For collect(): links unit @unit_id to @incident's scene in @state.
 * FALSE, and nothing added, when the unit is unknown or has no position. */
gboolean              jb_incident_link_layer_add       (JbIncidentLinkLayer *self,
                                                        JbIncident          *incident,
                                                        const char          *unit_id,
                                                        guint8               state);
/* The links now (borrowed: valid until the next rebuild). */
const JbIncidentLink *jb_incident_link_layer_get_links (JbIncidentLinkLayer *self,
                                                        guint               *n_links);
/* The link of unit @unit_id to incident @incident_id, or NULL. */
const JbIncidentLink *jb_incident_link_layer_lookup    (JbIncidentLinkLayer *self,
                                                        const char          *incident_id,
                                                        const char          *unit_id);

G_END_DECLS
