/* jb-assignment-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-assignment-layer"

#include "jb-assignment-layer.h"
#include "jb-icon-atlas.h"

struct _JbAssignmentLayer
{
  JbIncidentLinkLayer parent_instance;
};

G_DEFINE_FINAL_TYPE (JbAssignmentLayer, jb_assignment_layer, JB_TYPE_INCIDENT_LINK_LAYER)

static gboolean
is_active (JbAssignmentState state)
{
  return state == JB_ASSIGNMENT_STATE_ASSIGNED ||
         state == JB_ASSIGNMENT_STATE_ACCEPTED ||
         state == JB_ASSIGNMENT_STATE_EN_ROUTE;
}

static void
jb_assignment_layer_collect (JbIncidentLinkLayer *layer,
                             JbIncident          *incident)
{
  for (guint a = 0; a < jb_incident_get_n_assignments (incident); a++)
    {
      const JbAssignment *assignment = jb_incident_get_assignment (incident, a);

      if (is_active (assignment->state))
        jb_incident_link_layer_add (layer, incident, assignment->unit_id, (guint8) assignment->state);
    }
}

static gboolean
jb_assignment_layer_reloads_on (JbIncidentLinkLayer *layer,
                                JbStoreChange        kind)
{
  /* An assignment changes the incident; a status change the unit. */
  return kind == JB_STORE_CHANGE_INCIDENT || kind == JB_STORE_CHANGE_UNIT;
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
jb_assignment_layer_draw_link (JbIncidentLinkLayer  *layer,
                               cairo_t              *cr,
                               const JbMapFrame     *frame,
                               const JbIncidentLink *link,
                               guint                 pass,
                               double                x0,
                               double                y0,
                               double                x1,
                               double                y1)
{
  /* Skip a line whose box misses the widget. */
  if (MAX (x0, x1) < 0 || MIN (x0, x1) > frame->width ||
      MAX (y0, y1) < 0 || MIN (y0, y1) > frame->height)
    return;

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
      set_state_style (cr, link->state);
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

static void
jb_assignment_layer_class_init (JbAssignmentLayerClass *klass)
{
  JbIncidentLinkLayerClass *link_class = JB_INCIDENT_LINK_LAYER_CLASS (klass);

  link_class->collect = jb_assignment_layer_collect;
  link_class->reloads_on = jb_assignment_layer_reloads_on;
  link_class->draw_link = jb_assignment_layer_draw_link;
}

static void
jb_assignment_layer_init (JbAssignmentLayer *self)
{
}

JbAssignmentLayer *
jb_assignment_layer_new (ShumateViewport *viewport)
{
  return g_object_new (JB_TYPE_ASSIGNMENT_LAYER, "viewport", viewport, NULL);
}

guint
jb_assignment_layer_get_n_lines (JbAssignmentLayer *self)
{
  guint n = 0;

  g_return_val_if_fail (JB_IS_ASSIGNMENT_LAYER (self), 0);

  jb_incident_link_layer_get_links (JB_INCIDENT_LINK_LAYER (self), &n);
  return n;
}

guint
jb_assignment_layer_count_lines (JbAssignmentLayer *self,
                                 JbAssignmentState  state)
{
  const JbIncidentLink *links;
  guint n = 0, count = 0;

  g_return_val_if_fail (JB_IS_ASSIGNMENT_LAYER (self), 0);

  links = jb_incident_link_layer_get_links (JB_INCIDENT_LINK_LAYER (self), &n);
  for (guint i = 0; i < n; i++)
    if (links[i].state == state)
      count++;

  return count;
}
