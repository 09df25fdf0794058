/* jb-clip-stream.c — playbin with an appsink: each decoded frame becomes a
 * GdkMemoryTexture sharing the GStreamer buffer (no copy). GTK's own
 * GStreamer media file has no playback speed and no frame step, which
 * reviewing evidence needs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-clip-stream"

#include <glib/gi18n.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <gst/video/video.h>

#include "jb-clip-stream.h"

G_DEFINE_QUARK (jb-clip-stream-error-quark, jb_clip_stream_error)

/* What the streaming thread hands to the main loop: the newest sample. */
typedef struct
{
  GMutex     lock;
  GstSample *sample;
  gboolean   queued;
  GWeakRef   stream;
} Shared;

struct _JbClipStream
{
  GtkMediaStream  parent_instance;

  GFile          *file;
  GstElement     *pipeline;
  Shared         *shared;
  guint           bus_watch;
  GdkTexture     *texture;
  gint64          frame_time;      /* µs in the clip */
  gint64          frame_duration;  /* µs */
  gint64          first_draw_time;
  double          rate;
  gboolean        user_seek;       /* GTK asked for a seek: answer it at ASYNC_DONE */
  gboolean        rate_pending;    /* apply the rate once prerolled */
  gboolean        want_playing;
};

static void jb_clip_stream_paintable_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JbClipStream, jb_clip_stream, GTK_TYPE_MEDIA_STREAM,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, jb_clip_stream_paintable_init))

static void
shared_clear (gpointer data)
{
  Shared *shared = data;

  g_clear_pointer (&shared->sample, gst_sample_unref);
  g_weak_ref_clear (&shared->stream);
  g_mutex_clear (&shared->lock);
}

static void
shared_release (gpointer data)
{
  g_atomic_rc_box_release_full (data, shared_clear);
}

/* Frames */

typedef struct
{
  GstVideoFrame frame;
} MappedFrame;

static void
mapped_frame_free (gpointer data)
{
  MappedFrame *m = data;

  gst_video_frame_unmap (&m->frame);
  g_free (m);
}

static void
show_sample (JbClipStream *self,
             GstSample    *sample)
{
  GstCaps *caps = gst_sample_get_caps (sample);
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  const GstSegment *segment = gst_sample_get_segment (sample);
  GstVideoInfo info;
  MappedFrame *m;
  g_autoptr(GBytes) bytes = NULL;
  GdkTexture *texture;
  gboolean resized;

  if (caps == NULL || buffer == NULL || !gst_video_info_from_caps (&info, caps))
    return;

  m = g_new0 (MappedFrame, 1);
  if (!gst_video_frame_map (&m->frame, &info, buffer, GST_MAP_READ))
    {
      g_free (m);
      return;
    }
  bytes = g_bytes_new_with_free_func (GST_VIDEO_FRAME_PLANE_DATA (&m->frame, 0),
                                      (gsize) GST_VIDEO_FRAME_PLANE_STRIDE (&m->frame, 0) * GST_VIDEO_INFO_HEIGHT (&info),
                                      mapped_frame_free, m);
  /* BGRA from an opaque video: alpha is 255, premultiplied or not. */
  texture = gdk_memory_texture_new (GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info),
                                    GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes,
                                    (gsize) GST_VIDEO_FRAME_PLANE_STRIDE (&m->frame, 0));

  resized = self->texture == NULL ||
            gdk_texture_get_width (self->texture) != gdk_texture_get_width (texture) ||
            gdk_texture_get_height (self->texture) != gdk_texture_get_height (texture);
  g_clear_object (&self->texture);
  self->texture = texture;

  if (GST_VIDEO_INFO_FPS_N (&info) > 0 && GST_VIDEO_INFO_FPS_D (&info) > 0)
    self->frame_duration = gst_util_uint64_scale (G_USEC_PER_SEC, GST_VIDEO_INFO_FPS_D (&info),
                                                  GST_VIDEO_INFO_FPS_N (&info));
  else if (GST_BUFFER_DURATION_IS_VALID (buffer))
    self->frame_duration = GST_BUFFER_DURATION (buffer) / GST_USECOND;

  if (GST_BUFFER_PTS_IS_VALID (buffer))
    {
      guint64 t = segment != NULL ? gst_segment_to_stream_time (segment, GST_FORMAT_TIME, GST_BUFFER_PTS (buffer))
                                  : GST_BUFFER_PTS (buffer);

      if (t != GST_CLOCK_TIME_NONE)
        self->frame_time = (gint64) (t / GST_USECOND);
    }

  if (resized)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));

  if (gtk_media_stream_is_prepared (GTK_MEDIA_STREAM (self)))
    gtk_media_stream_update (GTK_MEDIA_STREAM (self), self->frame_time);
}

static gboolean
deliver_sample_cb (gpointer data)
{
  Shared *shared = data;
  g_autoptr(GstSample) sample = NULL;
  g_autoptr(JbClipStream) self = NULL;

  g_mutex_lock (&shared->lock);
  sample = g_steal_pointer (&shared->sample);
  shared->queued = FALSE;
  g_mutex_unlock (&shared->lock);

  self = g_weak_ref_get (&shared->stream);
  if (self != NULL && sample != NULL)
    show_sample (self, sample);
  return G_SOURCE_REMOVE;
}

/* In a streaming thread. */
static void
hand_over (Shared    *shared,
           GstSample *sample)
{
  gboolean queue;

  if (sample == NULL)
    return;

  g_mutex_lock (&shared->lock);
  g_clear_pointer (&shared->sample, gst_sample_unref);
  shared->sample = sample;
  queue = !shared->queued;
  shared->queued = TRUE;
  g_mutex_unlock (&shared->lock);

  if (queue)
    g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, deliver_sample_cb,
                                g_atomic_rc_box_acquire (shared), shared_release);
}

static GstFlowReturn
new_sample_cb (GstAppSink *sink,
               gpointer    data)
{
  hand_over (data, gst_app_sink_pull_sample (sink));
  return GST_FLOW_OK;
}

static GstFlowReturn
new_preroll_cb (GstAppSink *sink,
                gpointer    data)
{
  hand_over (data, gst_app_sink_pull_preroll (sink));
  return GST_FLOW_OK;
}

/* Errors in words */

static void
fail (JbClipStream *self,
      GError       *error)
{
  if (gtk_media_stream_get_error (GTK_MEDIA_STREAM (self)) == NULL)
    gtk_media_stream_gerror (GTK_MEDIA_STREAM (self), error);
  else
    g_error_free (error);
  if (self->pipeline != NULL)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
}

static GError *
describe_gst_error (GError     *gerror,
                    const char *debug)
{
  if (gerror->domain == GST_STREAM_ERROR &&
      (gerror->code == GST_STREAM_ERROR_CODEC_NOT_FOUND || gerror->code == GST_STREAM_ERROR_WRONG_TYPE))
    return g_error_new (JB_CLIP_STREAM_ERROR, JB_CLIP_STREAM_ERROR_MISSING_PLUGIN,
                        _("This computer cannot decode the clip: a GStreamer plug-in is missing (%s)."),
                        gerror->message);
  if (gerror->domain == GST_CORE_ERROR && gerror->code == GST_CORE_ERROR_MISSING_PLUGIN)
    return g_error_new (JB_CLIP_STREAM_ERROR, JB_CLIP_STREAM_ERROR_MISSING_PLUGIN,
                        _("This computer cannot decode the clip: a GStreamer plug-in is missing (%s)."),
                        gerror->message);
  if (gerror->domain == GST_STREAM_ERROR)
    return g_error_new (JB_CLIP_STREAM_ERROR, JB_CLIP_STREAM_ERROR_CORRUPT,
                        _("The clip file is damaged or is not a video: %s"), gerror->message);
  if (gerror->domain == GST_RESOURCE_ERROR &&
      (gerror->code == GST_RESOURCE_ERROR_NOT_FOUND || gerror->code == GST_RESOURCE_ERROR_OPEN_READ ||
       gerror->code == GST_RESOURCE_ERROR_READ || gerror->code == GST_RESOURCE_ERROR_NOT_AUTHORIZED))
    return g_error_new (JB_CLIP_STREAM_ERROR, JB_CLIP_STREAM_ERROR_OPEN,
                        _("The clip file cannot be read: %s"), gerror->message);
  g_debug ("GStreamer: %s (%s)", gerror->message, debug ? debug : "");
  return g_error_new (JB_CLIP_STREAM_ERROR, JB_CLIP_STREAM_ERROR_FAILED,
                      _("The clip cannot be played: %s"), gerror->message);
}

/* Seeking */

static gboolean
seek_to (JbClipStream *self,
         gint64        timestamp)
{
  return gst_element_seek (self->pipeline, self->rate, GST_FORMAT_TIME,
                           GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE,
                           GST_SEEK_TYPE_SET, (gint64) MAX (timestamp, 0) * GST_USECOND,
                           GST_SEEK_TYPE_NONE, GST_CLOCK_TIME_NONE);
}

static void
prepare (JbClipStream *self)
{
  gint64 duration = 0;
  int n_video = 0, n_audio = 0;

  if (!gst_element_query_duration (self->pipeline, GST_FORMAT_TIME, &duration))
    duration = 0;
  g_object_get (self->pipeline, "n-video", &n_video, "n-audio", &n_audio, NULL);
  gtk_media_stream_stream_prepared (GTK_MEDIA_STREAM (self), n_audio > 0, n_video > 0, TRUE,
                                    duration / GST_USECOND);
  if (self->texture != NULL)
    gtk_media_stream_update (GTK_MEDIA_STREAM (self), self->frame_time);
}

static gboolean
bus_cb (GstBus     *bus,
        GstMessage *message,
        gpointer    user_data)
{
  /* A handler of the notifications below may drop the last reference. */
  g_autoptr(JbClipStream) self = g_object_ref (user_data);
  GtkMediaStream *stream = GTK_MEDIA_STREAM (self);

  if (self->pipeline == NULL)
    return G_SOURCE_REMOVE;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ASYNC_DONE:
      if (gtk_media_stream_get_error (stream) != NULL)
        break;
      if (!gtk_media_stream_is_prepared (stream))
        prepare (self);
      if (self->user_seek)
        {
          self->user_seek = FALSE;
          if (gtk_media_stream_is_seeking (stream))
            gtk_media_stream_seek_success (stream);
        }
      if (self->rate_pending && self->pipeline != NULL)
        {
          self->rate_pending = FALSE;
          seek_to (self, self->frame_time);
        }
      break;

    case GST_MESSAGE_EOS:
      self->want_playing = FALSE;
      gst_element_set_state (self->pipeline, GST_STATE_PAUSED);
      if (gtk_media_stream_is_prepared (stream) && !gtk_media_stream_get_ended (stream))
        gtk_media_stream_stream_ended (stream);
      break;

    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) gerror = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &gerror, &debug);
        fail (self, describe_gst_error (gerror, debug));
      }
      break;

    case GST_MESSAGE_ELEMENT:
      if (gst_is_missing_plugin_message (message))
        {
          /* playbin would go on with the audio alone: evidence is the
           * picture, so this is the clip's error, named. */
          g_autofree char *what = gst_missing_plugin_message_get_description (message);

          fail (self, g_error_new (JB_CLIP_STREAM_ERROR, JB_CLIP_STREAM_ERROR_MISSING_PLUGIN,
                                   _("This computer cannot decode the clip: the GStreamer plug-in for “%s” is missing (install gstreamer1.0-libav or gstreamer1.0-plugins-good)."),
                                   what));
        }
      break;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

/* GtkMediaStream */

static gboolean
jb_clip_stream_play (GtkMediaStream *stream)
{
  JbClipStream *self = JB_CLIP_STREAM (stream);

  if (gtk_media_stream_get_error (stream) != NULL)
    return FALSE;
  if (gtk_media_stream_get_ended (stream))
    seek_to (self, 0);
  self->want_playing = TRUE;
  gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
  return TRUE;
}

static void
jb_clip_stream_pause (GtkMediaStream *stream)
{
  JbClipStream *self = JB_CLIP_STREAM (stream);

  self->want_playing = FALSE;
  if (gtk_media_stream_get_error (stream) == NULL)
    gst_element_set_state (self->pipeline, GST_STATE_PAUSED);
}

static void
jb_clip_stream_seek (GtkMediaStream *stream,
                     gint64          timestamp)
{
  JbClipStream *self = JB_CLIP_STREAM (stream);

  if (gtk_media_stream_get_error (stream) != NULL || !seek_to (self, timestamp))
    {
      gtk_media_stream_seek_failed (stream);
      return;
    }
  self->user_seek = TRUE;
}

static void
jb_clip_stream_update_audio (GtkMediaStream *stream,
                             gboolean        muted,
                             double          volume)
{
  JbClipStream *self = JB_CLIP_STREAM (stream);

  g_object_set (self->pipeline, "mute", muted, "volume", volume, NULL);
}

/* GdkPaintable */

static void
jb_clip_stream_paintable_snapshot (GdkPaintable *paintable,
                                   GdkSnapshot  *snapshot,
                                   double        width,
                                   double        height)
{
  JbClipStream *self = JB_CLIP_STREAM (paintable);

  if (self->texture == NULL)
    return;
  if (self->first_draw_time == 0)
    self->first_draw_time = g_get_monotonic_time ();
  gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, width, height);
}

static GdkPaintable *
jb_clip_stream_paintable_get_current_image (GdkPaintable *paintable)
{
  JbClipStream *self = JB_CLIP_STREAM (paintable);

  if (self->texture != NULL)
    return GDK_PAINTABLE (g_object_ref (self->texture));
  return gdk_paintable_new_empty (0, 0);
}

static int
jb_clip_stream_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  JbClipStream *self = JB_CLIP_STREAM (paintable);

  return self->texture != NULL ? gdk_texture_get_width (self->texture) : 0;
}

static int
jb_clip_stream_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  JbClipStream *self = JB_CLIP_STREAM (paintable);

  return self->texture != NULL ? gdk_texture_get_height (self->texture) : 0;
}

static double
jb_clip_stream_paintable_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  JbClipStream *self = JB_CLIP_STREAM (paintable);

  if (self->texture == NULL || gdk_texture_get_height (self->texture) == 0)
    return 0;
  return (double) gdk_texture_get_width (self->texture) / gdk_texture_get_height (self->texture);
}

static void
jb_clip_stream_paintable_init (GdkPaintableInterface *iface)
{
  iface->snapshot = jb_clip_stream_paintable_snapshot;
  iface->get_current_image = jb_clip_stream_paintable_get_current_image;
  iface->get_intrinsic_width = jb_clip_stream_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = jb_clip_stream_paintable_get_intrinsic_height;
  iface->get_intrinsic_aspect_ratio = jb_clip_stream_paintable_get_intrinsic_aspect_ratio;
}

/* Public */

void
jb_clip_stream_set_rate (JbClipStream *self,
                         double        rate)
{
  g_return_if_fail (JB_IS_CLIP_STREAM (self));

  rate = CLAMP (rate, 0.25, 4.0);
  if (rate == self->rate)
    return;
  self->rate = rate;
  if (gtk_media_stream_get_error (GTK_MEDIA_STREAM (self)) != NULL)
    return;
  if (gtk_media_stream_is_prepared (GTK_MEDIA_STREAM (self)))
    seek_to (self, self->frame_time);
  else
    self->rate_pending = TRUE;
}

double
jb_clip_stream_get_rate (JbClipStream *self)
{
  g_return_val_if_fail (JB_IS_CLIP_STREAM (self), 1.0);
  return self->rate;
}

void
jb_clip_stream_step (JbClipStream *self,
                     int           frames)
{
  GtkMediaStream *stream = GTK_MEDIA_STREAM (self);
  gint64 duration, target;

  g_return_if_fail (JB_IS_CLIP_STREAM (self));

  if (!gtk_media_stream_is_prepared (stream) || gtk_media_stream_get_error (stream) != NULL ||
      self->frame_duration <= 0)
    return;

  gtk_media_stream_pause (stream);
  /* Just past the wanted frame's start (timestamps are rounded to µs):
   * an accurate seek shows the frame whose span holds the target, and
   * the decoder may report the target itself as its time. */
  target = self->frame_time + frames * self->frame_duration + MIN (1000, self->frame_duration / 4);
  duration = gtk_media_stream_get_duration (stream);
  if (duration > 0)
    target = MIN (target, duration - self->frame_duration / 2);
  target = MAX (target, 0);
  gtk_media_stream_seek (stream, target);
}

gint64
jb_clip_stream_get_frame_duration (JbClipStream *self)
{
  g_return_val_if_fail (JB_IS_CLIP_STREAM (self), 0);
  return self->frame_duration;
}

GdkTexture *
jb_clip_stream_get_texture (JbClipStream *self)
{
  g_return_val_if_fail (JB_IS_CLIP_STREAM (self), NULL);
  return self->texture;
}

gint64
jb_clip_stream_get_frame_time (JbClipStream *self)
{
  g_return_val_if_fail (JB_IS_CLIP_STREAM (self), 0);
  return self->frame_time;
}

gint64
jb_clip_stream_get_first_draw_time (JbClipStream *self)
{
  g_return_val_if_fail (JB_IS_CLIP_STREAM (self), 0);
  return self->first_draw_time;
}

GFile *
jb_clip_stream_get_file (JbClipStream *self)
{
  g_return_val_if_fail (JB_IS_CLIP_STREAM (self), NULL);
  return self->file;
}

/* GObject */

static void
jb_clip_stream_dispose (GObject *object)
{
  JbClipStream *self = (JbClipStream *)object;

  g_clear_handle_id (&self->bus_watch, g_source_remove);
  if (self->pipeline != NULL)
    {
      /* Joins the streaming threads: no callback runs after this. */
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      gst_clear_object (&self->pipeline);
    }
  if (self->shared != NULL)
    {
      g_weak_ref_set (&self->shared->stream, NULL);
      g_clear_pointer (&self->shared, shared_release);
    }
  g_clear_object (&self->texture);

  G_OBJECT_CLASS (jb_clip_stream_parent_class)->dispose (object);
}

static void
jb_clip_stream_finalize (GObject *object)
{
  JbClipStream *self = (JbClipStream *)object;

  g_clear_object (&self->file);

  G_OBJECT_CLASS (jb_clip_stream_parent_class)->finalize (object);
}

static void
jb_clip_stream_class_init (JbClipStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkMediaStreamClass *stream_class = GTK_MEDIA_STREAM_CLASS (klass);

  object_class->dispose = jb_clip_stream_dispose;
  object_class->finalize = jb_clip_stream_finalize;

  stream_class->play = jb_clip_stream_play;
  stream_class->pause = jb_clip_stream_pause;
  stream_class->seek = jb_clip_stream_seek;
  stream_class->update_audio = jb_clip_stream_update_audio;

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);
  gst_pb_utils_init ();
}

static void
jb_clip_stream_init (JbClipStream *self)
{
  self->rate = 1.0;
}

JbClipStream *
jb_clip_stream_new (GFile *file)
{
  static GstAppSinkCallbacks callbacks = {
    .new_preroll = new_preroll_cb,
    .new_sample = new_sample_cb,
  };
  JbClipStream *self;
  GstElement *sink;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autofree char *uri = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (JB_TYPE_CLIP_STREAM, NULL);
  self->file = g_object_ref (file);
  self->shared = g_atomic_rc_box_new0 (Shared);
  g_mutex_init (&self->shared->lock);
  g_weak_ref_init (&self->shared->stream, self);

  self->pipeline = gst_element_factory_make ("playbin", NULL);
  sink = gst_element_factory_make ("appsink", NULL);
  if (self->pipeline == NULL || sink == NULL)
    {
      gst_clear_object (&sink);
      fail (self, g_error_new (JB_CLIP_STREAM_ERROR, JB_CLIP_STREAM_ERROR_MISSING_PLUGIN,
                               _("This computer cannot play clips: the GStreamer plug-ins “playbin” and “appsink” (gstreamer1.0-plugins-base) are missing.")));
      return self;
    }
  gst_object_ref_sink (self->pipeline);

  caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "BGRA", NULL);
  g_object_set (sink, "caps", caps, "max-buffers", 2, "drop", TRUE, "enable-last-sample", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks,
                              g_atomic_rc_box_acquire (self->shared), shared_release);

  uri = g_file_get_uri (file);
  g_object_set (self->pipeline, "uri", uri, "video-sink", sink, NULL);

  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, bus_cb, self);

  /* Preroll: the first frame shows and the duration becomes known. */
  gst_element_set_state (self->pipeline, GST_STATE_PAUSED);
  return self;
}
