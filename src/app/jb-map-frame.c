/* jb-map-frame.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-map-frame"

#include <math.h>

#include "jb-map-frame.h"

gboolean
jb_map_frame_init (JbMapFrame      *frame,
                   ShumateViewport *viewport,
                   GtkWidget       *widget)
{
  ShumateMapSource *source;
  double lat, lon;

  source = shumate_viewport_get_reference_map_source (viewport);
  frame->width = gtk_widget_get_width (widget);
  frame->height = gtk_widget_get_height (widget);
  if (source == NULL || frame->width <= 0 || frame->height <= 0)
    return FALSE;

  frame->zoom = shumate_viewport_get_zoom_level (viewport);
  frame->world = shumate_map_source_get_tile_size_at_zoom (source, frame->zoom)
                 * shumate_map_source_get_column_count (source, frame->zoom);

  lat = shumate_location_get_latitude (SHUMATE_LOCATION (viewport));
  lon = shumate_location_get_longitude (SHUMATE_LOCATION (viewport));
  frame->origin_x = jb_mercator_x (lon) * frame->world - frame->width / 2.0;
  frame->origin_y = jb_mercator_y (lat) * frame->world - frame->height / 2.0;

  frame->rotation = shumate_viewport_get_rotation (viewport);
  frame->cos_r = cos (frame->rotation);
  frame->sin_r = sin (frame->rotation);

  return TRUE;
}

void
jb_map_frame_unproject (const JbMapFrame *frame,
                        double            x,
                        double            y,
                        double           *mx,
                        double           *my)
{
  if (frame->rotation != 0.0)
    {
      double cx = x - frame->width / 2.0;
      double cy = y - frame->height / 2.0;

      x = frame->cos_r * cx + frame->sin_r * cy + frame->width / 2.0;
      y = -frame->sin_r * cx + frame->cos_r * cy + frame->height / 2.0;
    }

  *mx = (x + frame->origin_x) / frame->world;
  *my = (y + frame->origin_y) / frame->world;
}
