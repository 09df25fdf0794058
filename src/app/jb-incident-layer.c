/* jb-incident-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-incident-layer"

#include <math.h>

#include "jb-incident.h"
#include "jb-incident-layer.h"

struct _JbIncidentLayer
{
  JbPointLayer parent_instance;

  guint        n_pulsing;
};

G_DEFINE_FINAL_TYPE (JbIncidentLayer, jb_incident_layer, JB_TYPE_POINT_LAYER)

/* JbMapPoint.kind is the priority (1–4), .status the JbIncidentStatus. */

static GdkTexture *
jb_incident_layer_get_icon (JbPointLayer     *layer,
                            JbIconAtlas      *atlas,
                            const JbMapPoint *point,
                            float            *size)
{
  *size = point->kind == 1 ? JB_ICON_INCIDENT_P1 : JB_ICON_INCIDENT_SIZE;
  return jb_icon_atlas_get_incident (atlas, point->kind,
                                     point->status != JB_INCIDENT_STATUS_NEW);
}

static guint
jb_incident_layer_get_rank (JbPointLayer     *layer,
                            const JbMapPoint *point)
{
  guint rank = (5 - CLAMP (point->kind, 1, 4)) * 2;

  if (point->status == JB_INCIDENT_STATUS_NEW)
    rank++;

  return rank;
}

static JbMapColour
jb_incident_layer_get_colour (JbPointLayer     *layer,
                              const JbMapPoint *point)
{
  return jb_incident_priority_get_colour (point->kind);
}

static void
jb_incident_layer_class_init (JbIncidentLayerClass *klass)
{
  JbPointLayerClass *layer_class = JB_POINT_LAYER_CLASS (klass);

  layer_class->get_icon = jb_incident_layer_get_icon;
  layer_class->get_rank = jb_incident_layer_get_rank;
  layer_class->get_colour = jb_incident_layer_get_colour;
}

static void
jb_incident_layer_init (JbIncidentLayer *self)
{
  /* Open incidents are few; aggregate only at whole-city zoom. */
  jb_point_layer_set_cluster_below (JB_POINT_LAYER (self), 12.0);
}

JbIncidentLayer *
jb_incident_layer_new (ShumateViewport *viewport)
{
  return g_object_new (JB_TYPE_INCIDENT_LAYER, "viewport", viewport, NULL);
}

void
jb_incident_layer_set_incidents (JbIncidentLayer *self,
                                 GListModel      *incidents)
{
  g_autofree JbMapPoint *points = NULL;
  guint n;

  g_return_if_fail (JB_IS_INCIDENT_LAYER (self));
  g_return_if_fail (G_IS_LIST_MODEL (incidents));

  n = g_list_model_get_n_items (incidents);
  points = g_new0 (JbMapPoint, MAX (n, 1));
  self->n_pulsing = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JbIncident) incident = g_list_model_get_item (incidents, i);
      JbMapPoint *point = &points[i];
      guint priority = CLAMP (jb_incident_get_priority (incident), 1, 4);

      point->heading = NAN;
      point->kind = (guint8) priority;
      point->status = (guint8) jb_incident_get_status (incident);
      point->flags = 0;
      if (!jb_incident_get_location (incident, &point->lat, &point->lon))
        {
          point->flags = JB_MAP_POINT_HIDDEN;
          continue;
        }
      if (priority == 1)
        point->flags |= JB_MAP_POINT_LARGE;
      if (point->status == JB_INCIDENT_STATUS_NEW)
        {
          point->flags |= JB_MAP_POINT_PULSE;
          self->n_pulsing++;
        }
    }

  jb_point_layer_set_points (JB_POINT_LAYER (self), points, n);
}

guint
jb_incident_layer_get_n_pulsing (JbIncidentLayer *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT_LAYER (self), 0);

  return self->n_pulsing;
}
