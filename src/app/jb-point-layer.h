/* jb-point-layer.h — a map layer drawing many points in one snapshot
 *
 * The base of the unit, terminal and incident layers: the points live in
 * plain arrays (with their Web-Mercator coordinates computed once per
 * change), each frame projects them with one JbMapFrame, skips what is off
 * screen, aggregates them into screen-space grid clusters below a zoom
 * level, and appends one shared atlas texture per visible item. What was
 * drawn is remembered, so hit-testing answers for exactly what is on
 * screen.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <shumate/shumate.h>

#include "jb-icon-atlas.h"

G_BEGIN_DECLS

typedef enum
{
  JB_MAP_POINT_HIDDEN  = 1 << 0,  /* no position: not drawn, not picked */
  JB_MAP_POINT_STALE   = 1 << 1,  /* dimmed */
  JB_MAP_POINT_HEADING = 1 << 2,  /* moving: the icon includes a heading arrow
                                   * 16 px wider than its target */
  JB_MAP_POINT_PULSE   = 1 << 3,  /* pulsing ring (unacknowledged) */
  JB_MAP_POINT_LARGE   = 1 << 4,  /* never clustered (priority 1) */
  JB_MAP_POINT_ALERT   = 1 << 5,  /* the subclass's alarm look (an overdue
                                   * incident): never clustered either */
} JbMapPointFlags;

typedef struct
{
  double  lat;
  double  lon;
  float   heading;  /* degrees clockwise from north; NAN when unknown */
  guint8  kind;     /* the subclass's icon kind */
  guint8  status;   /* the subclass's status */
  guint16 flags;    /* JbMapPointFlags */
} JbMapPoint;

/* What a pick hit: one item (count 1) or a cluster of @count items whose
 * worst is @index and which span the given Mercator box. */
typedef struct
{
  int    index;
  guint  count;
  double min_mx;
  double min_my;
  double max_mx;
  double max_my;
} JbMapPick;

#define JB_TYPE_POINT_LAYER (jb_point_layer_get_type ())

G_DECLARE_DERIVABLE_TYPE (JbPointLayer, jb_point_layer, JB, POINT_LAYER, ShumateLayer)

struct _JbPointLayerClass
{
  ShumateLayerClass parent_class;

  /* The icon of one point and its logical size (borrowed from @atlas). */
  GdkTexture  *(*get_icon)   (JbPointLayer     *self,
                              JbIconAtlas      *atlas,
                              const JbMapPoint *point,
                              float            *size);
  /* Higher is worse: a cluster shows its worst member's colour. */
  guint        (*get_rank)   (JbPointLayer     *self,
                              const JbMapPoint *point);
  JbMapColour  (*get_colour) (JbPointLayer     *self,
                              const JbMapPoint *point);
  /* The bubble of a cluster of @count whose worst member is @worst;
   * default: a round bubble ringed in the worst member's colour. */
  GdkTexture  *(*get_cluster_icon) (JbPointLayer     *self,
                                    JbIconAtlas      *atlas,
                                    const JbMapPoint *worst,
                                    guint             count,
                                    float            *size);

  /* Shift of this layer's cluster grid, in cells: layers drawn over each
   * other offset their grids so their clusters do not coincide. */
  double         grid_offset;
};

/* Copies @points (index i stays item i, for the caller's model). */
/* Redraws for moved points at most once per @ms (0, the default: at
 * once). For a wall nobody follows a unit on: the points move in steps
 * of @ms instead of every batch of reports. Panning and zooming are not
 * limited. */
void              jb_point_layer_set_redraw_interval (JbPointLayer     *self,
                                                      guint             ms);
/* The pulse of new items animates at most once per @ms (0, the default:
 * every frame). */
void              jb_point_layer_set_pulse_interval  (JbPointLayer     *self,
                                                      guint             ms);
void              jb_point_layer_set_points          (JbPointLayer     *self,
                                                      const JbMapPoint *points,
                                                      guint             n_points);
const JbMapPoint *jb_point_layer_get_points          (JbPointLayer     *self,
                                                      guint            *n_points);
/* Changes one point's look without moving it (flags, status). */
void              jb_point_layer_update_point        (JbPointLayer     *self,
                                                      guint             index,
                                                      const JbMapPoint *point);

/* -1 for none. The selected item is drawn on top with a ring and never
 * folded into a cluster. */
void              jb_point_layer_set_selected        (JbPointLayer     *self,
                                                      int               index);
int               jb_point_layer_get_selected        (JbPointLayer     *self);

/* Items are clustered while the zoom level is below @zoom (0: never). */
void              jb_point_layer_set_cluster_below   (JbPointLayer     *self,
                                                      double            zoom);
double            jb_point_layer_get_cluster_below   (JbPointLayer     *self);

/* Where item @index is on the layer now (FALSE when hidden or no frame). */
gboolean          jb_point_layer_get_widget_coords   (JbPointLayer     *self,
                                                      guint             index,
                                                      double           *x,
                                                      double           *y);

/* The topmost item or cluster drawn in the last frame under (@x, @y). */
gboolean          jb_point_layer_pick                (JbPointLayer     *self,
                                                      double            x,
                                                      double            y,
                                                      JbMapPick        *pick);

/* What the last frame drew (for tests and the benchmark). */
guint             jb_point_layer_get_n_drawn_items   (JbPointLayer     *self);
guint             jb_point_layer_get_n_drawn_clusters (JbPointLayer    *self);
/* Items represented: singles plus every cluster's members. */
guint             jb_point_layer_get_n_drawn_members (JbPointLayer     *self);

G_END_DECLS
