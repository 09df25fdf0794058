/* jb-wall-video.h — a clip pushed to the wall, played in a corner of the
 * map with its incident's banner; gone when it ends
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-client.h"
#include "jb-clip-cache.h"
#include "jb-clip-stream.h"

G_BEGIN_DECLS

#define JB_TYPE_WALL_VIDEO (jb_wall_video_get_type ())

G_DECLARE_FINAL_TYPE (JbWallVideo, jb_wall_video, JB, WALL_VIDEO, GtkWidget)

GtkWidget    *jb_wall_video_new        (void);
/* Listens to @client's store when its role is viewer (the wall): a
 * wall.pushed plays the clip; with the setting wall-autoplay-priority1 a
 * newly verified clip of a priority-1 incident plays too. */
void          jb_wall_video_set_client (JbWallVideo *self,
                                        JbClient    *client,
                                        JbClipCache *cache);
/* Downloads (verified) and plays @clip now, whatever the role. */
void          jb_wall_video_play       (JbWallVideo *self,
                                        JbClip      *clip);
JbClip       *jb_wall_video_get_clip   (JbWallVideo *self);
JbClipStream *jb_wall_video_get_stream (JbWallVideo *self);
/* The banner's text ("KF-… · 打架斗殴 · place"). */
const char   *jb_wall_video_get_banner (JbWallVideo *self);
/* The clips it played by itself and remembers (not to play them again):
 * those of incidents still open. */
guint         jb_wall_video_get_n_remembered (JbWallVideo *self);

G_END_DECLS
