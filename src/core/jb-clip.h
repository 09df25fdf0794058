/* jb-clip.h — a video clip attached to an incident (视频, 执法记录仪)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  JB_CLIP_STATE_UPLOADING,  /* bytes still arriving: never playable */
  JB_CLIP_STATE_VERIFIED,   /* the server checked the hash and container */
} JbClipState;

const char *jb_clip_state_to_string   (JbClipState  state);
gboolean    jb_clip_state_from_string (const char  *str,
                                       JbClipState *out_state);

#define JB_TYPE_CLIP (jb_clip_get_type ())

G_DECLARE_FINAL_TYPE (JbClip, jb_clip, JB, CLIP, GObject)

/* The Clip object of docs/protocol.md. Unknown members are tolerated. */
JbClip      *jb_clip_new_from_json      (JsonNode    *node,
                                         GError     **error);
JsonNode    *jb_clip_to_json            (JbClip      *self);

const char  *jb_clip_get_id             (JbClip      *self);
const char  *jb_clip_get_incident_id    (JbClip      *self);
const char  *jb_clip_get_terminal_id    (JbClip      *self);
/* NULL when the uploading terminal has no unit. */
const char  *jb_clip_get_unit_id        (JbClip      *self);
gint64       jb_clip_get_started_at     (JbClip      *self);
gint64       jb_clip_get_duration_ms    (JbClip      *self);
/* Declared size in bytes. */
gint64       jb_clip_get_size           (JbClip      *self);
/* 64 lowercase hex digits. */
const char  *jb_clip_get_sha256         (JbClip      *self);
/* "video/webm" or "video/mp4". */
const char  *jb_clip_get_content_type   (JbClip      *self);
/* "webm" or "mp4": the cache file's extension. */
const char  *jb_clip_get_extension      (JbClip      *self);
gboolean     jb_clip_get_location       (JbClip      *self,
                                         double      *lat,
                                         double      *lon);
JbClipState  jb_clip_get_state          (JbClip      *self);
gboolean     jb_clip_is_verified        (JbClip      *self);
/* Bytes the server holds. */
gint64       jb_clip_get_received       (JbClip      *self);
/* received / size, 0 to 1 (1 once verified). */
double       jb_clip_get_progress       (JbClip      *self);
gint64       jb_clip_get_created_at     (JbClip      *self);
gint64       jb_clip_get_verified_at    (JbClip      *self);
gint64       jb_clip_get_keep_until     (JbClip      *self);

/* The JSON saved beside a frame exported as an image: which clip (id and
 * SHA-256), incident, terminal and unit, the frame's time in the clip and
 * on the terminal's clock, where, when and by whom it was saved. */
JsonNode    *jb_clip_build_snapshot_sidecar (JbClip     *self,
                                             const char *incident_number,
                                             gint64      frame_ms,
                                             gint64      saved_at,
                                             const char *saved_by,
                                             const char *image_name,
                                             int         width,
                                             int         height);

G_END_DECLS
