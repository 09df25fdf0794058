/* jb-clip-stream.h — a GtkMediaStream on GStreamer that also does playback
 * speed, frame steps and says which plug-in is missing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define JB_CLIP_STREAM_ERROR (jb_clip_stream_error_quark ())

typedef enum
{
  JB_CLIP_STREAM_ERROR_MISSING_PLUGIN,  /* no decoder or demuxer for the clip's format */
  JB_CLIP_STREAM_ERROR_CORRUPT,         /* the bytes do not decode */
  JB_CLIP_STREAM_ERROR_OPEN,            /* the file cannot be read */
  JB_CLIP_STREAM_ERROR_FAILED,
} JbClipStreamError;

GQuark jb_clip_stream_error_quark (void);

#define JB_TYPE_CLIP_STREAM (jb_clip_stream_get_type ())

G_DECLARE_FINAL_TYPE (JbClipStream, jb_clip_stream, JB, CLIP_STREAM, GtkMediaStream)

/* Prerolls at once (the first frame shows, paused); prepared when the
 * duration is known. Errors go through gtk_media_stream_get_error(). */
JbClipStream *jb_clip_stream_new                (GFile        *file);
GFile        *jb_clip_stream_get_file           (JbClipStream *self);

/* 0.25 to 4; kept when playing, pausing and seeking. */
void          jb_clip_stream_set_rate           (JbClipStream *self,
                                                 double        rate);
double        jb_clip_stream_get_rate           (JbClipStream *self);

/* Pauses and moves @frames frames (negative: back) from the frame shown. */
void          jb_clip_stream_step               (JbClipStream *self,
                                                 int           frames);
/* µs per frame from the clip's frame rate; 0 until known. */
gint64        jb_clip_stream_get_frame_duration (JbClipStream *self);

/* The frame shown (NULL before the first), borrowed, and its time in the
 * clip (µs). */
GdkTexture   *jb_clip_stream_get_texture        (JbClipStream *self);
gint64        jb_clip_stream_get_frame_time     (JbClipStream *self);
/* Monotonic µs when a frame was first drawn by a widget; 0 before. */
gint64        jb_clip_stream_get_first_draw_time (JbClipStream *self);

G_END_DECLS
