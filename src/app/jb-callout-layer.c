/* jb-callout-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-callout-layer"

#include "jb-callout-layer.h"

/* The call-out's own colour: no unit status, incident or terminal uses
 * it, so a responder reads as one whatever its icon's colour. */
#define RESPONDER_R 0.20
#define RESPONDER_G 0.90
#define RESPONDER_B 1.00
/* A diamond, not a ring: rings are the units' clusters. */
#define DIAMOND_RADIUS 19.0

struct _JbCalloutLayer
{
  JbIncidentLinkLayer parent_instance;
};

G_DEFINE_FINAL_TYPE (JbCalloutLayer, jb_callout_layer, JB_TYPE_INCIDENT_LINK_LAYER)

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

/* Whether one of the links from @from on (this incident's) is @unit_id's. */
static gboolean
has_marker (JbIncidentLinkLayer *layer,
            guint                from,
            const char          *unit_id)
{
  guint n = 0;
  const JbIncidentLink *links = jb_incident_link_layer_get_links (layer, &n);

  for (guint i = from; i < n; i++)
    if (g_strcmp0 (links[i].unit_id, unit_id) == 0)
      return TRUE;
  return FALSE;
}

static void
jb_callout_layer_collect (JbIncidentLinkLayer *layer,
                          JbIncident          *incident)
{
  guint first = 0;

  jb_incident_link_layer_get_links (layer, &first);

  for (guint c = 0; c < jb_incident_get_n_callouts (incident); c++)
    {
      const JbCallout *callout = jb_incident_get_callout (incident, c);

      for (guint r = 0; callout->responders != NULL && r < callout->responders->len; r++)
        {
          const JbCalloutResponder *responder = &g_array_index (callout->responders, JbCalloutResponder, r);
          JbCalloutState state;

          if (responder->state != JB_CALLOUT_ACCEPTED && responder->state != JB_CALLOUT_EN_ROUTE)
            continue;
          if (has_marker (layer, first, responder->unit_id))
            continue;
          state = answer_of (incident, responder->unit_id);
          if (state != JB_CALLOUT_ACCEPTED && state != JB_CALLOUT_EN_ROUTE)
            continue;

          jb_incident_link_layer_add (layer, incident, responder->unit_id, (guint8) state);
        }
    }
}

static void
jb_callout_layer_draw_link (JbIncidentLinkLayer  *layer,
                            cairo_t              *cr,
                            const JbMapFrame     *frame,
                            const JbIncidentLink *link,
                            guint                 pass,
                            double                x0,
                            double                y0,
                            double                x1,
                            double                y1)
{
  static const double dash[] = { 6.0, 4.0 };
  gboolean en_route = link->state == JB_CALLOUT_EN_ROUTE;

  if (pass == 0)
    {
      cairo_set_dash (cr, NULL, 0, 0);
      cairo_set_source_rgba (cr, 0.02, 0.04, 0.08, 0.8);
    }
  else
    cairo_set_source_rgba (cr, RESPONDER_R, RESPONDER_G, RESPONDER_B, 0.95);

  /* On the way: a thin line to the scene, under the diamond. */
  if (en_route &&
      !(MAX (x0, x1) < 0 || MIN (x0, x1) > frame->width ||
        MAX (y0, y1) < 0 || MIN (y0, y1) > frame->height))
    {
      cairo_set_line_width (cr, pass == 0 ? 4.5 : 2.0);
      cairo_move_to (cr, x0, y0);
      cairo_line_to (cr, x1, y1);
      cairo_stroke (cr);
    }

  if (x0 < -DIAMOND_RADIUS || x0 > frame->width + DIAMOND_RADIUS ||
      y0 < -DIAMOND_RADIUS || y0 > frame->height + DIAMOND_RADIUS)
    return;

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

static void
jb_callout_layer_class_init (JbCalloutLayerClass *klass)
{
  JbIncidentLinkLayerClass *link_class = JB_INCIDENT_LINK_LAYER_CLASS (klass);

  /* A call-out made or answered is an incident change: the default
   * reloads_on() suffices. */
  link_class->collect = jb_callout_layer_collect;
  link_class->draw_link = jb_callout_layer_draw_link;
}

static void
jb_callout_layer_init (JbCalloutLayer *self)
{
}

JbCalloutLayer *
jb_callout_layer_new (ShumateViewport *viewport)
{
  return g_object_new (JB_TYPE_CALLOUT_LAYER, "viewport", viewport, NULL);
}

guint
jb_callout_layer_get_n_markers (JbCalloutLayer *self)
{
  guint n = 0;

  g_return_val_if_fail (JB_IS_CALLOUT_LAYER (self), 0);

  jb_incident_link_layer_get_links (JB_INCIDENT_LINK_LAYER (self), &n);
  return n;
}

gboolean
jb_callout_layer_lookup (JbCalloutLayer *self,
                         const char     *incident_id,
                         const char     *unit_id,
                         JbCalloutState *state,
                         double         *lat,
                         double         *lon)
{
  const JbIncidentLink *link;

  g_return_val_if_fail (JB_IS_CALLOUT_LAYER (self), FALSE);

  link = jb_incident_link_layer_lookup (JB_INCIDENT_LINK_LAYER (self), incident_id, unit_id);
  if (link == NULL)
    return FALSE;
  if (state != NULL)
    *state = (JbCalloutState) link->state;
  if (lat != NULL)
    *lat = jb_mercator_lat (link->unit_my);
  if (lon != NULL)
    *lon = jb_mercator_lon (link->unit_mx);
  return TRUE;
}
