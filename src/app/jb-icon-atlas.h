/* jb-icon-atlas.h — every map icon, drawn once per kind × status
 *
 * Layers draw tens of thousands of icons per frame; drawing each with
 * cairo or appending a fresh texture per unit costs far too much. The
 * atlas renders each distinct icon once into a GdkTexture and the layers
 * append the shared texture.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-enums.h"

G_BEGIN_DECLS

/* The map palette: status colours first, chosen for a dark command room
 * and for telling apart across the room (and by the icon's shape, not
 * colour alone). */
typedef enum
{
  JB_MAP_COLOUR_GREEN,
  JB_MAP_COLOUR_YELLOW,
  JB_MAP_COLOUR_ORANGE,
  JB_MAP_COLOUR_MAGENTA,
  JB_MAP_COLOUR_BLUE,
  JB_MAP_COLOUR_GREY,
  JB_MAP_COLOUR_RED,
  JB_MAP_COLOUR_TEAL,
  JB_MAP_COLOUR_SKY,
  JB_MAP_COLOUR_N
} JbMapColour;

typedef enum
{
  JB_CLUSTER_SMALL,   /* < 10 */
  JB_CLUSTER_MEDIUM,  /* < 100 */
  JB_CLUSTER_LARGE,
  JB_CLUSTER_N
} JbClusterSize;

/* Logical sizes, in pixels. */
#define JB_ICON_UNIT_SIZE       30.0f
#define JB_ICON_HEADING_SIZE    50.0f
#define JB_ICON_TERMINAL_SIZE   24.0f
#define JB_ICON_INCIDENT_SIZE   36.0f
#define JB_ICON_INCIDENT_P1     48.0f
#define JB_ICON_SELECTION_SIZE  52.0f
#define JB_ICON_PULSE_SIZE      64.0f
#define JB_ICON_DIGIT_HEIGHT    18.0f
#define JB_HEADING_STEPS        16

#define JB_TYPE_ICON_ATLAS (jb_icon_atlas_get_type ())

G_DECLARE_FINAL_TYPE (JbIconAtlas, jb_icon_atlas, JB, ICON_ATLAS, GObject)

/* One atlas per scale factor, shared by every layer; drawn on first use. */
JbIconAtlas   *jb_icon_atlas_get_for_scale   (int             scale);

GdkTexture    *jb_icon_atlas_get_unit        (JbIconAtlas    *self,
                                              JbUnitKind      kind,
                                              JbUnitStatus    status,
                                              gboolean        stale);
GdkTexture    *jb_icon_atlas_get_terminal    (JbIconAtlas    *self,
                                              JbTerminalKind  kind,
                                              gboolean        online);
/* @priority 1–4. */
GdkTexture    *jb_icon_atlas_get_incident    (JbIconAtlas    *self,
                                              guint           priority,
                                              gboolean        acknowledged);
/* An incident that missed a 1-3-5 target: red whatever its priority,
 * with a red halo and a thick white rim (same size as the plain icon). */
GdkTexture    *jb_icon_atlas_get_overdue_incident (JbIconAtlas *self,
                                                   guint        priority,
                                                   gboolean     acknowledged);
/* A unit icon with its heading arrow in one texture (JB_ICON_HEADING_SIZE,
 * the icon centred): one paint per moving unit instead of two. */
GdkTexture    *jb_icon_atlas_get_moving_unit (JbIconAtlas    *self,
                                              JbUnitKind      kind,
                                              JbUnitStatus    status,
                                              double          heading_deg);
GdkTexture    *jb_icon_atlas_get_cluster     (JbIconAtlas    *self,
                                              JbMapColour     colour,
                                              JbClusterSize   size);
float          jb_icon_atlas_cluster_size    (JbClusterSize   size);
GdkTexture    *jb_icon_atlas_get_square_cluster (JbIconAtlas *self,
                                                JbMapColour  colour,
                                                JbClusterSize size);
float          jb_icon_atlas_square_cluster_size (JbClusterSize size);
GdkTexture    *jb_icon_atlas_get_selection   (JbIconAtlas    *self);
GdkTexture    *jb_icon_atlas_get_pulse       (JbIconAtlas    *self,
                                              JbMapColour     colour);

/* A white digit ("0"–"9", or "k") for cluster counts; its logical width
 * in *width, height JB_ICON_DIGIT_HEIGHT. NULL for other characters. */
GdkTexture    *jb_icon_atlas_get_digit       (JbIconAtlas    *self,
                                              char            c,
                                              float          *width);

/* Draws every icon the atlas can hold at once (a wall: its memory is
 * then at its ceiling from the start instead of growing with each status
 * and heading it shows for the first time). Returns the icons drawn now. */
guint          jb_icon_atlas_fill            (JbIconAtlas    *self);
/* The icons drawn so far and, in *bytes if not NULL, their pixels' size. */
guint          jb_icon_atlas_get_n_drawn     (JbIconAtlas    *self,
                                              gsize          *bytes);
/* How many icons a full atlas holds. */
guint          jb_icon_atlas_get_n_slots     (JbIconAtlas    *self);

/* The cairo surface holding the same pixels as an atlas texture (device
 * scale set), for drawing with cairo; borrowed. */
cairo_surface_t *jb_icon_atlas_get_surface   (GdkTexture     *texture);

void           jb_map_colour_get_rgba        (JbMapColour     colour,
                                              GdkRGBA        *rgba);
JbMapColour    jb_unit_status_get_colour     (JbUnitStatus    status);
JbMapColour    jb_incident_priority_get_colour (guint          priority);

G_END_DECLS
