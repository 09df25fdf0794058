/* jb-clip-player.h — one clip of an incident: download with progress,
 * SHA-256 check, play in place, keys, frame export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-client.h"
#include "jb-clip-cache.h"
#include "jb-clip-stream.h"
#include "jb-clip.h"

G_BEGIN_DECLS

#define JB_TYPE_CLIP_PLAYER (jb_clip_player_get_type ())

G_DECLARE_FINAL_TYPE (JbClipPlayer, jb_clip_player, JB, CLIP_PLAYER, GtkWidget)

GtkWidget    *jb_clip_player_new            (void);
void          jb_clip_player_set_client     (JbClipPlayer *self,
                                             JbClient     *client,
                                             JbClipCache  *cache);
/* Downloads (or takes from the cache) and shows @clip; plays it when
 * @play. NULL stops. */
void          jb_clip_player_set_clip       (JbClipPlayer *self,
                                             JbClip       *clip,
                                             gboolean      play);
JbClip       *jb_clip_player_get_clip       (JbClipPlayer *self);
/* NULL until the clip is downloaded and verified. */
JbClipStream *jb_clip_player_get_stream     (JbClipPlayer *self);
/* TRUE once the SHA-256 of the bytes played was checked. */
gboolean      jb_clip_player_get_verified   (JbClipPlayer *self);
/* The words shown when the clip cannot be played, else NULL. */
const char   *jb_clip_player_get_error_text (JbClipPlayer *self);
/* The speed, kept across clips (and in the settings). */
double        jb_clip_player_get_rate       (JbClipPlayer *self);
/* Saves the frame shown as PNG + JSON into the snapshot folder and records
 * it in the clip's audit; returns the PNG's path (NULL and @error set when
 * no frame or the disk refused). */
char         *jb_clip_player_save_frame     (JbClipPlayer *self,
                                             GError      **error);

/* The app's settings, or NULL when the schema is not installed (run from
 * the build tree without GSETTINGS_SCHEMA_DIR). */
GSettings    *jb_clip_player_dup_settings   (void);
/* A reason a clip cannot be played, in words, for any error of the cache
 * or the stream. */
char         *jb_clip_player_describe_error (const GError *error);

G_END_DECLS
