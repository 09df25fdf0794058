/* jb-incident-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-incident-layer"

#include <math.h>

#include "jb-incident.h"
#include "jb-incident-layer.h"
#include "jb-targets.h"

struct _JbIncidentLayer
{
  JbPointLayer  parent_instance;

  /* Owned references */
  JbStore      *store;
  GPtrArray    *incidents;  /* JbIncident, index i is point i */
  JbMapPoint   *points;
  guint         n_alloc;
  guint         n_pulsing;
  guint         n_overdue;
};

G_DEFINE_FINAL_TYPE (JbIncidentLayer, jb_incident_layer, JB_TYPE_POINT_LAYER)

/* JbMapPoint.kind is the priority (1–4), .status the JbIncidentStatus;
 * JB_MAP_POINT_ALERT marks an overdue incident. */

static GdkTexture *
jb_incident_layer_get_icon (JbPointLayer     *layer,
                            JbIconAtlas      *atlas,
                            const JbMapPoint *point,
                            float            *size)
{
  *size = point->kind == 1 ? JB_ICON_INCIDENT_P1 : JB_ICON_INCIDENT_SIZE;
  if (point->flags & JB_MAP_POINT_ALERT)
    return jb_icon_atlas_get_overdue_incident (atlas, point->kind,
                                               point->status != JB_INCIDENT_STATUS_NEW);
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
  /* Late beats everything else. */
  if (point->flags & JB_MAP_POINT_ALERT)
    rank += 10;

  return rank;
}

static JbMapColour
jb_incident_layer_get_colour (JbPointLayer     *layer,
                              const JbMapPoint *point)
{
  if (point->flags & JB_MAP_POINT_ALERT)
    return JB_MAP_COLOUR_RED;
  return jb_incident_priority_get_colour (point->kind);
}

static void
get_limits (JbIncidentLayer *self,
            JbTargetLimits  *limits)
{
  jb_target_limits_init_default (limits);
  if (self->store != NULL)
    jb_target_limits_from_config (jb_store_get_config (self->store), limits);
}

/* Judges every incident's targets at @now_ms (the store's clock, whose
 * ticks redo it). */
static gboolean
judge_targets (JbIncidentLayer *self,
               gint64           now_ms)
{
  JbTargetLimits limits;
  gboolean changed = FALSE;

  get_limits (self, &limits);
  self->n_overdue = 0;

  for (guint i = 0; i < self->incidents->len; i++)
    {
      JbIncident *incident = g_ptr_array_index (self->incidents, i);
      JbMapPoint *point = &self->points[i];
      JbTargets targets;
      gboolean overdue;

      jb_targets_evaluate (incident, &limits, self->store, now_ms, &targets);
      overdue = targets.worst == JB_TARGET_STATE_OVERDUE;

      if (point->flags & JB_MAP_POINT_HIDDEN)
        continue;
      if (overdue)
        self->n_overdue++;
      if (overdue != ((point->flags & JB_MAP_POINT_ALERT) != 0))
        {
          point->flags ^= JB_MAP_POINT_ALERT;
          changed = TRUE;
        }
    }

  return changed;
}

static gint64
now_ms (JbIncidentLayer *self)
{
  /* The store's shared clock: the queue row judges at the same time. */
  return self->store != NULL ? jb_store_get_now_ms (self->store) : g_get_real_time () / 1000;
}

static void
store_tick_cb (JbIncidentLayer *self)
{
  if (judge_targets (self, now_ms (self)))
    jb_point_layer_set_points (JB_POINT_LAYER (self), self->points, self->incidents->len);
}

static void
jb_incident_layer_dispose (GObject *object)
{
  JbIncidentLayer *self = (JbIncidentLayer *) object;

  g_clear_object (&self->store);
  g_ptr_array_set_size (self->incidents, 0);

  G_OBJECT_CLASS (jb_incident_layer_parent_class)->dispose (object);
}

static void
jb_incident_layer_finalize (GObject *object)
{
  JbIncidentLayer *self = (JbIncidentLayer *) object;

  g_ptr_array_unref (self->incidents);
  g_free (self->points);

  G_OBJECT_CLASS (jb_incident_layer_parent_class)->finalize (object);
}

static void
jb_incident_layer_class_init (JbIncidentLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  JbPointLayerClass *layer_class = JB_POINT_LAYER_CLASS (klass);

  object_class->dispose = jb_incident_layer_dispose;
  object_class->finalize = jb_incident_layer_finalize;

  layer_class->get_icon = jb_incident_layer_get_icon;
  layer_class->get_rank = jb_incident_layer_get_rank;
  layer_class->get_colour = jb_incident_layer_get_colour;
}

static void
jb_incident_layer_init (JbIncidentLayer *self)
{
  self->incidents = g_ptr_array_new_with_free_func (g_object_unref);

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
  guint n;

  g_return_if_fail (JB_IS_INCIDENT_LAYER (self));
  g_return_if_fail (G_IS_LIST_MODEL (incidents));

  n = g_list_model_get_n_items (incidents);
  if (n > self->n_alloc || self->points == NULL)
    {
      self->n_alloc = MAX (MAX (n, 8), self->n_alloc * 2);
      self->points = g_renew (JbMapPoint, self->points, self->n_alloc);
    }
  g_ptr_array_set_size (self->incidents, 0);
  self->n_pulsing = 0;

  for (guint i = 0; i < n; i++)
    {
      JbIncident *incident = g_list_model_get_item (incidents, i);
      JbMapPoint *point = &self->points[i];
      guint priority = CLAMP (jb_incident_get_priority (incident), 1, 4);

      g_ptr_array_add (self->incidents, incident);

      point->heading = NAN;
      point->kind = (guint8) priority;
      point->status = (guint8) jb_incident_get_status (incident);
      point->flags = 0;
      if (!jb_incident_get_location (incident, &point->lat, &point->lon))
        {
          point->lat = point->lon = NAN;
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

  judge_targets (self, now_ms (self));
  jb_point_layer_set_points (JB_POINT_LAYER (self), self->points, n);
}

guint
jb_incident_layer_get_n_pulsing (JbIncidentLayer *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT_LAYER (self), 0);

  return self->n_pulsing;
}

void
jb_incident_layer_set_store (JbIncidentLayer *self,
                             JbStore         *store)
{
  g_return_if_fail (JB_IS_INCIDENT_LAYER (self));
  g_return_if_fail (!store || JB_IS_STORE (store));

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, store_tick_cb, self);
  if (!g_set_object (&self->store, store))
    return;
  if (store != NULL)
    g_signal_connect_object (store, "tick", G_CALLBACK (store_tick_cb), self, G_CONNECT_SWAPPED);

  jb_incident_layer_update_targets (self, now_ms (self));
}

gboolean
jb_incident_layer_update_targets (JbIncidentLayer *self,
                                  gint64           now_ms)
{
  g_return_val_if_fail (JB_IS_INCIDENT_LAYER (self), FALSE);

  if (!judge_targets (self, now_ms))
    return FALSE;

  jb_point_layer_set_points (JB_POINT_LAYER (self), self->points, self->incidents->len);
  return TRUE;
}

guint
jb_incident_layer_get_n_overdue (JbIncidentLayer *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT_LAYER (self), 0);

  return self->n_overdue;
}

gboolean
jb_incident_layer_is_overdue (JbIncidentLayer *self,
                              guint            index)
{
  g_return_val_if_fail (JB_IS_INCIDENT_LAYER (self), FALSE);

  return index < self->incidents->len && (self->points[index].flags & JB_MAP_POINT_ALERT) != 0;
}
