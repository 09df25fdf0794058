/* jb-sim-camera.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-simulator"

#include "jb-sim-camera.h"
#include "jb-sim-task-pool.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#define CHUNK_BYTES (256 * 1024)
#define AUDIO_RATE 48000
#define CAMERA_NICE 10

void
jb_sim_camera_job_free (JbSimCameraJob *job)
{
  if (job == NULL)
    return;
  g_free (job->base_url);
  g_free (job->authorization);
  g_free (job->terminal_id);
  g_free (job->incident_id);
  g_free (job->incident_number);
  g_free (job);
}

/* Filming */

/* Each new streaming task goes to the low-priority pool (see
 * jb-sim-task-pool.h); GStreamer asks before it starts the thread. */
static GstBusSyncReply
set_task_pool_cb (GstBus     *bus,
                  GstMessage *message,
                  gpointer    user_data)
{
  GstStreamStatusType type;
  GstElement *owner;
  const GValue *value;

  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_STREAM_STATUS)
    return GST_BUS_PASS;
  gst_message_parse_stream_status (message, &type, &owner);
  value = gst_message_get_stream_status_object (message);
  if (type == GST_STREAM_STATUS_TYPE_CREATE && value != NULL && G_VALUE_HOLDS (value, GST_TYPE_TASK))
    gst_task_set_pool (g_value_get_object (value), user_data);
  return GST_BUS_PASS;
}

static char *
film (const JbSimCameraJob  *job,
      GCancellable          *cancellable,
      GError               **error)
{
  g_autofree char *dir = g_dir_make_tmp ("jb-camera-XXXXXX", error);
  g_autofree char *path = NULL;
  g_autofree char *description = NULL;
  g_autofree char *label = NULL;
  g_autofree char *started = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) overlay = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  guint frames = job->seconds * 25;
  guint audio_buffers = job->seconds * AUDIO_RATE / 1024 + 1;

  if (dir == NULL)
    return NULL;
  path = g_build_filename (dir, "clip.webm", NULL);
  started = g_date_time_format (now, "%Y-%m-%d %H:%M:%S");
  label = g_strdup_printf ("%s\n%s\n%s", job->terminal_id, job->incident_number, started);

  gst_init (NULL, NULL);
  /* A body camera's look: the pattern, who and what in a corner, the
   * clip's own running clock at the bottom. */
  description = g_strdup_printf (
    "videotestsrc num-buffers=%u pattern=smpte is-live=false ! "
    "video/x-raw,width=%u,height=%u,framerate=25/1 ! "
    "textoverlay name=label valignment=top halignment=left line-alignment=left font-desc=\"Sans 18\" shaded-background=true ! "
    "timeoverlay valignment=bottom halignment=right font-desc=\"Sans 18\" shaded-background=true ! "
    "videoconvert ! vp8enc deadline=1 cpu-used=8 keyframe-max-dist=25 target-bitrate=800000 ! queue ! "
    "webmmux name=mux ! filesink name=sink "
    "audiotestsrc num-buffers=%u samplesperbuffer=1024 freq=660 volume=0.2 ! "
    "audio/x-raw,rate=%u,channels=1 ! audioconvert ! vorbisenc ! queue ! mux.",
    frames, job->width, job->height, audio_buffers, AUDIO_RATE);
  pipeline = gst_parse_launch (description, error);
  if (pipeline == NULL)
    goto failed;
  gst_object_ref_sink (pipeline);
  overlay = gst_bin_get_by_name (GST_BIN (pipeline), "label");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (overlay, "text", label, NULL);
  g_object_set (sink, "location", path, NULL);

  bus = gst_element_get_bus (pipeline);
  gst_bus_set_sync_handler (bus, set_task_pool_cb, jb_sim_task_pool_new (CAMERA_NICE), gst_object_unref);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE)
    message = gst_bus_timed_pop_filtered (bus, 120 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (message == NULL || GST_MESSAGE_TYPE (message) != GST_MESSAGE_EOS)
    {
      g_autoptr(GError) gst_error = NULL;

      if (message != NULL)
        gst_message_parse_error (message, &gst_error, NULL);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Filming failed: %s",
                   gst_error != NULL ? gst_error->message : "no end of stream");
      goto failed;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto failed;
  return g_steal_pointer (&path);

failed:
  if (path != NULL)
    g_unlink (path);
  g_rmdir (dir);
  return NULL;
}

static void
discard (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

/* Uploading */

static SoupMessage *
new_message (const JbSimCameraJob *job,
             const char           *method,
             const char           *path)
{
  g_autofree char *url = g_strconcat (job->base_url, path, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", job->authorization);
  return msg;
}

static JsonNode *
send_json (SoupSession   *session,
           SoupMessage   *msg,
           guint          expected,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GBytes) answer = soup_session_send_and_read (session, msg, cancellable, error);
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (answer == NULL)
    return NULL;
  if (soup_message_get_status (msg) != expected)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s %s → %u %.*s",
                   soup_message_get_method (msg), g_uri_get_path (soup_message_get_uri (msg)),
                   soup_message_get_status (msg), (int) MIN (g_bytes_get_size (answer), 300),
                   (const char *) g_bytes_get_data (answer, NULL));
      return NULL;
    }
  if (!json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), error))
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

static gint64
held_offset (SoupSession   *session,
             const JbSimCameraJob *job,
             const char    *upload_url,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(SoupMessage) msg = new_message (job, "HEAD", upload_url);
  g_autoptr(GBytes) answer = soup_session_send_and_read (session, msg, cancellable, error);
  const char *offset;

  if (answer == NULL)
    return -1;
  offset = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Upload-Offset");
  if (soup_message_get_status (msg) != 204 || offset == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "HEAD %s → %u", upload_url, soup_message_get_status (msg));
      return -1;
    }
  return g_ascii_strtoll (offset, NULL, 10);
}

/* A chunk whose link drops after half of it: raw, as a lost 4G link
 * looks to the server. */
static void
send_cut_off (const JbSimCameraJob *job,
              const char           *upload_url,
              GBytes               *data,
              gsize                 start,
              gsize                 end)
{
  g_autoptr(GUri) uri = g_uri_parse (job->base_url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autofree char *head = NULL;
  GOutputStream *out;

  if (uri == NULL)
    return;
  connection = g_socket_client_connect_to_host (client, g_uri_get_host (uri), (guint16) g_uri_get_port (uri),
                                                NULL, NULL);
  if (connection == NULL)
    return;
  head = g_strdup_printf ("PUT %s HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\n"
                          "Content-Type: application/octet-stream\r\n"
                          "Content-Range: bytes %" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT "\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                          upload_url, g_uri_get_host (uri), job->authorization,
                          start, end - 1, g_bytes_get_size (data), end - start);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  if (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL))
    g_output_stream_write_all (out, (const char *) g_bytes_get_data (data, NULL) + start,
                               (end - start) / 2, NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
}

static char *
upload (const JbSimCameraJob  *job,
        GBytes                *data,
        gint64                 duration_ms,
        gboolean              *out_resumed,
        GCancellable          *cancellable,
        GError               **error)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) create = new_message (job, "POST", "/api/v1/device/clips");
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(GBytes) request = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *text = NULL;
  g_autofree char *key = NULL;
  g_autofree char *clip_id = NULL;
  g_autofree char *upload_url = NULL;
  gsize size = g_bytes_get_size (data);
  gsize offset = 0;
  gboolean cut = FALSE;

  soup_session_set_timeout (session, 60);
  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "incident_id");
  json_builder_add_string_value (builder, job->incident_id);
  json_builder_set_member_name (builder, "started_at");
  json_builder_add_int_value (builder, g_get_real_time () / 1000 - duration_ms);
  json_builder_set_member_name (builder, "duration_ms");
  json_builder_add_int_value (builder, duration_ms);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, (gint64) size);
  json_builder_set_member_name (builder, "sha256");
  json_builder_add_string_value (builder, sha256);
  json_builder_set_member_name (builder, "content_type");
  json_builder_add_string_value (builder, "video/webm");
  if (job->has_location)
    {
      json_builder_set_member_name (builder, "lat");
      json_builder_add_double_value (builder, job->lat);
      json_builder_set_member_name (builder, "lon");
      json_builder_add_double_value (builder, job->lon);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  request = g_bytes_new (text, strlen (text));
  key = g_strdup_printf ("clip-%s-%" G_GINT64_FORMAT, job->terminal_id, g_get_real_time ());
  soup_message_headers_replace (soup_message_get_request_headers (create), "Idempotency-Key", key);
  soup_message_set_request_body_from_bytes (create, "application/json", request);
  created = send_json (session, create, 201, cancellable, error);
  if (created == NULL)
    return NULL;
  clip_id = g_strdup (json_object_get_string_member (json_node_get_object (created), "id"));
  upload_url = g_strdup (json_object_get_string_member (json_node_get_object (created), "upload_url"));

  while (offset < size)
    {
      gsize end = MIN (offset + CHUNK_BYTES, size);
      g_autoptr(SoupMessage) put = NULL;
      g_autoptr(GBytes) chunk = NULL;
      g_autoptr(JsonNode) answer = NULL;
      g_autofree char *range = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (job->interrupt && !cut && end >= size / 2)
        {
          gint64 held = (gint64) offset;

          /* The link drops mid-chunk; after it, the camera asks the
           * server where to go on (the server may need a moment to see
           * the connection close). */
          cut = TRUE;
          send_cut_off (job, upload_url, data, offset, end);
          for (guint i = 0; i < 100 && held == (gint64) offset; i++)
            {
              g_usleep (50000);
              held = held_offset (session, job, upload_url, cancellable, error);
              if (held < 0)
                return NULL;
            }
          *out_resumed = TRUE;
          offset = (gsize) held;
          continue;
        }

      put = new_message (job, "PUT", upload_url);
      range = g_strdup_printf ("bytes %" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT,
                               offset, end - 1, size);
      soup_message_headers_replace (soup_message_get_request_headers (put), "Content-Range", range);
      chunk = g_bytes_new_from_bytes (data, offset, end - offset);
      soup_message_set_request_body_from_bytes (put, "application/octet-stream", chunk);
      answer = send_json (session, put, end == size ? 201 : 200, cancellable, error);
      if (answer == NULL)
        return NULL;
      offset = end;
    }
  return g_steal_pointer (&clip_id);
}

char *
jb_sim_camera_film_and_upload (const JbSimCameraJob  *job,
                               gboolean              *out_resumed,
                               GCancellable          *cancellable,
                               GError               **error)
{
  g_autofree char *path = film (job, cancellable, error);
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) data = NULL;
  gsize length;
  char *clip_id;

  *out_resumed = FALSE;
  if (path == NULL)
    return NULL;
  if (!g_file_get_contents (path, &contents, &length, error))
    {
      discard (path);
      return NULL;
    }
  discard (path);
  data = g_bytes_new_take (g_steal_pointer (&contents), length);
  clip_id = upload (job, data, (gint64) job->seconds * 1000, out_resumed, cancellable, error);
  return clip_id;
}
