/* jb-terminal-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-terminal-layer"

#include <math.h>

#include "jb-terminal.h"
#include "jb-terminal-layer.h"

struct _JbTerminalLayer
{
  JbPointLayer parent_instance;

  guint        n_located;
};

G_DEFINE_FINAL_TYPE (JbTerminalLayer, jb_terminal_layer, JB_TYPE_POINT_LAYER)

static GdkTexture *
jb_terminal_layer_get_icon (JbPointLayer     *layer,
                            JbIconAtlas      *atlas,
                            const JbMapPoint *point,
                            float            *size)
{
  *size = JB_ICON_TERMINAL_SIZE;
  return jb_icon_atlas_get_terminal (atlas, point->kind, point->status != 0);
}

static guint
jb_terminal_layer_get_rank (JbPointLayer     *layer,
                            const JbMapPoint *point)
{
  /* An offline alarm button is what needs a call. */
  return point->status != 0 ? 1 : 2;
}

static JbMapColour
jb_terminal_layer_get_colour (JbPointLayer     *layer,
                              const JbMapPoint *point)
{
  return point->status != 0 ? JB_MAP_COLOUR_TEAL : JB_MAP_COLOUR_GREY;
}

static GdkTexture *
jb_terminal_layer_get_cluster_icon (JbPointLayer     *layer,
                                    JbIconAtlas      *atlas,
                                    const JbMapPoint *worst,
                                    guint             count,
                                    float            *size)
{
  JbClusterSize size_class = count < 10 ? JB_CLUSTER_SMALL : count < 100 ? JB_CLUSTER_MEDIUM : JB_CLUSTER_LARGE;

  /* Square and smaller than unit clusters: terminals are places, not
   * people, and must not be mistaken for a crowd of units. */
  *size = jb_icon_atlas_square_cluster_size (size_class);
  return jb_icon_atlas_get_square_cluster (atlas, jb_terminal_layer_get_colour (layer, worst), size_class);
}

static void
jb_terminal_layer_class_init (JbTerminalLayerClass *klass)
{
  JbPointLayerClass *layer_class = JB_POINT_LAYER_CLASS (klass);

  layer_class->get_cluster_icon = jb_terminal_layer_get_cluster_icon;
  layer_class->grid_offset = 0.5;

  layer_class->get_icon = jb_terminal_layer_get_icon;
  layer_class->get_rank = jb_terminal_layer_get_rank;
  layer_class->get_colour = jb_terminal_layer_get_colour;
}

static void
jb_terminal_layer_init (JbTerminalLayer *self)
{
  /* Fixed terminals are dense in malls and streets: aggregate longer. */
  jb_point_layer_set_cluster_below (JB_POINT_LAYER (self), 16.0);
}

JbTerminalLayer *
jb_terminal_layer_new (ShumateViewport *viewport)
{
  return g_object_new (JB_TYPE_TERMINAL_LAYER, "viewport", viewport, NULL);
}

static void
point_from_terminal (JbTerminal *terminal,
                     JbMapPoint *point)
{
  point->heading = NAN;
  point->kind = (guint8) jb_terminal_get_kind (terminal);
  point->status = jb_terminal_get_online (terminal) ? 1 : 0;
  point->flags = 0;
  if (!jb_terminal_get_location (terminal, &point->lat, &point->lon))
    {
      point->lat = point->lon = NAN;
      point->flags = JB_MAP_POINT_HIDDEN;
    }
  else if (!jb_terminal_get_online (terminal))
    point->flags |= JB_MAP_POINT_STALE;
}

void
jb_terminal_layer_set_terminals (JbTerminalLayer *self,
                                 GListModel      *terminals)
{
  g_autofree JbMapPoint *points = NULL;
  guint n;

  g_return_if_fail (JB_IS_TERMINAL_LAYER (self));
  g_return_if_fail (G_IS_LIST_MODEL (terminals));

  n = g_list_model_get_n_items (terminals);
  points = g_new0 (JbMapPoint, MAX (n, 1));
  self->n_located = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JbTerminal) terminal = g_list_model_get_item (terminals, i);

      point_from_terminal (terminal, &points[i]);
      if (!(points[i].flags & JB_MAP_POINT_HIDDEN))
        self->n_located++;
    }

  jb_point_layer_set_points (JB_POINT_LAYER (self), points, n);
}

void
jb_terminal_layer_update (JbTerminalLayer *self,
                          GListModel      *terminals,
                          guint            position)
{
  g_autoptr(JbTerminal) terminal = NULL;
  const JbMapPoint *old;
  JbMapPoint point;
  guint n;

  g_return_if_fail (JB_IS_TERMINAL_LAYER (self));

  old = jb_point_layer_get_points (JB_POINT_LAYER (self), &n);
  terminal = g_list_model_get_item (terminals, position);
  if (terminal == NULL || position >= n)
    {
      jb_terminal_layer_set_terminals (self, terminals);
      return;
    }

  point_from_terminal (terminal, &point);
  if ((old[position].flags & JB_MAP_POINT_HIDDEN) != (point.flags & JB_MAP_POINT_HIDDEN))
    self->n_located += (point.flags & JB_MAP_POINT_HIDDEN) ? -1 : 1;
  jb_point_layer_update_point (JB_POINT_LAYER (self), position, &point);
}

guint
jb_terminal_layer_get_n_located (JbTerminalLayer *self)
{
  g_return_val_if_fail (JB_IS_TERMINAL_LAYER (self), 0);

  return self->n_located;
}
