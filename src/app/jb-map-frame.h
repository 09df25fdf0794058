/* jb-map-frame.h — the viewport's projection, captured once per frame
 *
 * The layers project thousands of points per frame. Asking the viewport
 * for each one (shumate_viewport_location_to_widget_coords) recomputes the
 * centre and looks the map source up every time; a frame captures that
 * once and each point is then a multiply-add on its Web-Mercator
 * coordinates, precomputed when the point moved.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <shumate/shumate.h>

/* jb_mercator_x/y/lon/lat: the normalised Web-Mercator coordinates */
#include "jb-map-bounds.h"

G_BEGIN_DECLS

typedef struct
{
  double zoom;
  double world;     /* the whole world's width (and height) in pixels */
  double origin_x;  /* world pixel at widget x = 0, before rotation */
  double origin_y;
  double width;
  double height;
  double rotation;
  double cos_r;
  double sin_r;
} JbMapFrame;

/* FALSE when the viewport has no reference map source or the widget no
 * size yet: nothing can be drawn. */
gboolean jb_map_frame_init     (JbMapFrame        *frame,
                                ShumateViewport   *viewport,
                                GtkWidget         *widget);

static inline void
jb_map_frame_project (const JbMapFrame *frame,
                      double            mx,
                      double            my,
                      double           *x,
                      double           *y)
{
  double px = mx * frame->world - frame->origin_x;
  double py = my * frame->world - frame->origin_y;

  if (frame->rotation != 0.0)
    {
      double cx = px - frame->width / 2.0;
      double cy = py - frame->height / 2.0;

      px = frame->cos_r * cx - frame->sin_r * cy + frame->width / 2.0;
      py = frame->sin_r * cx + frame->cos_r * cy + frame->height / 2.0;
    }

  *x = px;
  *y = py;
}

/* Widget coordinates back to normalised Mercator (not wrapped). */
void     jb_map_frame_unproject (const JbMapFrame *frame,
                                 double            x,
                                 double            y,
                                 double           *mx,
                                 double           *my);

G_END_DECLS
