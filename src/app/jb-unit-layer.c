/* jb-unit-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-unit-layer"

#include <math.h>

#include "jb-unit-layer.h"

struct _JbUnitLayer
{
  JbPointLayer  parent_instance;

  /* Owned */
  JbMapPoint   *points;
  gint64       *times;
  guint         n_points;
  guint         n_alloc;
  guint         n_stale;

  guint         freshness_s[JB_UNIT_KIND_N];
};

G_DEFINE_FINAL_TYPE (JbUnitLayer, jb_unit_layer, JB_TYPE_POINT_LAYER)

static GdkTexture *
jb_unit_layer_get_icon (JbPointLayer     *layer,
                        JbIconAtlas      *atlas,
                        const JbMapPoint *point,
                        float            *size)
{
  if ((point->flags & JB_MAP_POINT_HEADING) && isfinite (point->heading))
    {
      *size = JB_ICON_HEADING_SIZE;
      return jb_icon_atlas_get_moving_unit (atlas, point->kind, point->status, point->heading);
    }

  *size = JB_ICON_UNIT_SIZE;
  return jb_icon_atlas_get_unit (atlas, point->kind, point->status,
                                 (point->flags & JB_MAP_POINT_STALE) != 0);
}

static guint
jb_unit_layer_get_rank (JbPointLayer     *layer,
                        const JbMapPoint *point)
{
  /* What a dispatcher most needs to see inside a cluster: units moving to
   * or working an incident, then committed ones, then the free. */
  static const guint ranks[JB_UNIT_STATUS_N] = {
    [JB_UNIT_STATUS_EN_ROUTE] = 6,
    [JB_UNIT_STATUS_ON_SCENE] = 5,
    [JB_UNIT_STATUS_ASSIGNED] = 4,
    [JB_UNIT_STATUS_BUSY] = 3,
    [JB_UNIT_STATUS_AVAILABLE] = 2,
    [JB_UNIT_STATUS_OFF_DUTY] = 1,
  };

  return point->status < JB_UNIT_STATUS_N ? ranks[point->status] : 0;
}

static JbMapColour
jb_unit_layer_get_colour (JbPointLayer     *layer,
                          const JbMapPoint *point)
{
  return jb_unit_status_get_colour (point->status);
}

static void
jb_unit_layer_finalize (GObject *object)
{
  JbUnitLayer *self = (JbUnitLayer *)object;

  g_free (self->points);
  g_free (self->times);

  G_OBJECT_CLASS (jb_unit_layer_parent_class)->finalize (object);
}

static void
jb_unit_layer_class_init (JbUnitLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  JbPointLayerClass *layer_class = JB_POINT_LAYER_CLASS (klass);

  object_class->finalize = jb_unit_layer_finalize;

  layer_class->get_icon = jb_unit_layer_get_icon;
  layer_class->get_rank = jb_unit_layer_get_rank;
  layer_class->get_colour = jb_unit_layer_get_colour;
}

static void
jb_unit_layer_init (JbUnitLayer *self)
{
  /* Defaults of the protocol's config: handsets and body cameras report
   * every few seconds; volunteers' phones less often. */
  self->freshness_s[JB_UNIT_KIND_OFFICER] = 30;
  self->freshness_s[JB_UNIT_KIND_PATROL_CAR] = 30;
  self->freshness_s[JB_UNIT_KIND_GUARD] = 30;
  self->freshness_s[JB_UNIT_KIND_VOLUNTEER] = 120;
}

JbUnitLayer *
jb_unit_layer_new (ShumateViewport *viewport)
{
  return g_object_new (JB_TYPE_UNIT_LAYER, "viewport", viewport, NULL);
}

static gboolean
is_stale (JbUnitLayer *self,
          guint        kind,
          gint64       time,
          gint64       now_ms)
{
  guint limit = kind < JB_UNIT_KIND_N ? self->freshness_s[kind] : 120;

  return time <= 0 || now_ms - time > (gint64) limit * 1000;
}

static guint16
flags_for (JbUnitLayer       *self,
           const JbUnitPoint *point,
           gint64             now_ms)
{
  guint16 flags = 0;

  if (!(point->flags & JB_UNIT_POINT_HAS_POSITION) || !isfinite (point->lat) || !isfinite (point->lon))
    return JB_MAP_POINT_HIDDEN;

  /* A patrol alert: a pulsing ring, never folded into a cluster. */
  if (point->flags & JB_UNIT_POINT_PATROL_ALERT)
    flags |= JB_MAP_POINT_PULSE | JB_MAP_POINT_ALERT;
  if (is_stale (self, point->kind, point->time, now_ms))
    flags |= JB_MAP_POINT_STALE;
  else if (point->flags & JB_UNIT_POINT_HAS_HEADING)
    flags |= JB_MAP_POINT_HEADING;

  return flags;
}

void
jb_unit_layer_set_units (JbUnitLayer       *self,
                         const JbUnitPoint *points,
                         guint              n_points)
{
  gint64 now_ms;

  g_return_if_fail (JB_IS_UNIT_LAYER (self));
  g_return_if_fail (points != NULL || n_points == 0);

  if (n_points > self->n_alloc)
    {
      self->n_alloc = MAX (n_points, self->n_alloc * 2);
      self->points = g_renew (JbMapPoint, self->points, self->n_alloc);
      self->times = g_renew (gint64, self->times, self->n_alloc);
    }

  now_ms = g_get_real_time () / 1000;
  self->n_points = n_points;
  self->n_stale = 0;

  for (guint i = 0; i < n_points; i++)
    {
      const JbUnitPoint *in = &points[i];
      JbMapPoint *out = &self->points[i];

      out->lat = in->lat;
      out->lon = in->lon;
      out->heading = in->heading;
      out->kind = in->kind;
      out->status = in->status;
      out->flags = flags_for (self, in, now_ms);
      self->times[i] = in->time;
      if (out->flags & JB_MAP_POINT_STALE)
        self->n_stale++;
    }

  jb_point_layer_set_points (JB_POINT_LAYER (self), self->points, n_points);
}

void
jb_unit_layer_set_freshness (JbUnitLayer *self,
                             JbUnitKind   kind,
                             guint        seconds)
{
  g_return_if_fail (JB_IS_UNIT_LAYER (self));
  g_return_if_fail (kind < JB_UNIT_KIND_N);

  self->freshness_s[kind] = seconds;
}

gboolean
jb_unit_layer_update_staleness (JbUnitLayer *self,
                                gint64       now_ms)
{
  gboolean changed = FALSE;

  g_return_val_if_fail (JB_IS_UNIT_LAYER (self), FALSE);

  self->n_stale = 0;
  for (guint i = 0; i < self->n_points; i++)
    {
      JbMapPoint *point = &self->points[i];
      gboolean stale;

      if (point->flags & JB_MAP_POINT_HIDDEN)
        continue;

      stale = is_stale (self, point->kind, self->times[i], now_ms);
      if (stale != ((point->flags & JB_MAP_POINT_STALE) != 0))
        {
          changed = TRUE;
          if (stale)
            point->flags = (point->flags | JB_MAP_POINT_STALE) & ~JB_MAP_POINT_HEADING;
          else
            point->flags &= ~JB_MAP_POINT_STALE;
        }
      if (stale)
        self->n_stale++;
    }

  if (changed)
    jb_point_layer_set_points (JB_POINT_LAYER (self), self->points, self->n_points);

  return changed;
}

guint
jb_unit_layer_get_n_stale (JbUnitLayer *self)
{
  g_return_val_if_fail (JB_IS_UNIT_LAYER (self), 0);

  return self->n_stale;
}
