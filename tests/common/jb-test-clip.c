/* jb-test-clip.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-test-clip"

#include "jb-test-clip.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <string.h>
#include <unistd.h>

#define AUDIO_RATE 48000
#define UPLOAD_CHUNKS 4

static gboolean
run_pipeline (GstElement  *pipeline,
              GError     **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr(GstMessage) message = NULL;
  gboolean ok = TRUE;

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the clip pipeline did not start");
      gst_element_set_state (pipeline, GST_STATE_NULL);
      return FALSE;
    }

  message = gst_bus_timed_pop_filtered (bus, 120 * GST_SECOND,
                                        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (message == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "the clip pipeline did not finish");
      ok = FALSE;
    }
  else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) gst_error = NULL;
      g_autofree char *debug = NULL;

      gst_message_parse_error (message, &gst_error, &debug);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "encoding the clip failed: %s (%s)",
                   gst_error->message, debug ? debug : "");
      ok = FALSE;
    }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  return ok;
}

char *
jb_test_clip_make (const char  *dir,
                   guint        seconds,
                   guint        width,
                   guint        height,
                   const char  *label,
                   GError     **error)
{
  static guint serial;
  g_autofree char *name = g_strdup_printf ("clip-%d-%u.webm", (int) getpid (),
                                           g_atomic_int_add (&serial, 1));
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *description = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) overlay = NULL;
  g_autoptr(GstElement) sink = NULL;
  guint frames = seconds * 25;
  guint audio_buffers = seconds * AUDIO_RATE / 1024 + 1;

  g_return_val_if_fail (seconds > 0 && width > 0 && height > 0, NULL);

  gst_init (NULL, NULL);

  description = g_strdup_printf (
    "videotestsrc num-buffers=%u pattern=smpte ! "
    "video/x-raw,width=%u,height=%u,framerate=25/1 ! "
    "textoverlay name=label valignment=top halignment=left font-desc=\"Sans 20\" ! "
    "timeoverlay valignment=bottom halignment=right font-desc=\"Sans 20\" ! "
    "videoconvert ! vp8enc deadline=1 cpu-used=8 keyframe-max-dist=25 ! queue ! "
    "webmmux name=mux ! filesink name=sink "
    "audiotestsrc num-buffers=%u samplesperbuffer=1024 freq=880 volume=0.2 ! "
    "audio/x-raw,rate=%u,channels=1 ! audioconvert ! vorbisenc ! queue ! mux.",
    frames, width, height, audio_buffers, AUDIO_RATE);

  pipeline = gst_parse_launch (description, error);
  if (pipeline == NULL)
    return NULL;
  gst_object_ref_sink (pipeline);

  /* Set as properties, not through the parser: a label may hold any text. */
  overlay = gst_bin_get_by_name (GST_BIN (pipeline), "label");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (overlay, "text", label ? label : "", NULL);
  g_object_set (sink, "location", path, NULL);

  if (!run_pipeline (pipeline, error))
    {
      g_unlink (path);
      return NULL;
    }

  return g_steal_pointer (&path);
}

char *
jb_test_clip_sha256 (GBytes *data)
{
  gsize length;
  const guchar *bytes = g_bytes_get_data (data, &length);

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes, length);
}

JbTestResponse *
jb_test_clip_put (JbTestServer *server,
                  const char   *authorization,
                  const char   *upload_url,
                  GBytes       *data,
                  gsize         start,
                  gsize         end,
                  gsize         total)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (jb_test_server_get_url (server), upload_url, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("PUT", url);
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  SoupMessageHeaders *headers;
  JbTestResponse *response;

  g_assert_nonnull (msg);
  g_assert_cmpuint (start, <=, end);
  g_assert_cmpuint (end, <=, g_bytes_get_size (data));

  soup_session_set_timeout (session, 120);
  headers = soup_message_get_request_headers (msg);
  if (authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", authorization);
  if (end > start)
    {
      g_autofree char *range = g_strdup_printf ("bytes %" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT
                                                "/%" G_GSIZE_FORMAT, start, end - 1, total);

      soup_message_headers_replace (headers, "Content-Range", range);
    }
  chunk = g_bytes_new_from_bytes (data, start, end - start);
  soup_message_set_request_body_from_bytes (msg, "application/octet-stream", chunk);

  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);

  response = g_new0 (JbTestResponse, 1);
  response->status = soup_message_get_status (msg);
  response->text = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  if (g_bytes_get_size (reply) > 0 &&
      json_parser_load_from_data (parser, response->text, -1, NULL))
    response->body = json_node_ref (json_parser_get_root (parser));
  return response;
}

/* The clip's duration as GStreamer reads it from the file. */
static gint64
probe_duration_ms (const char *path)
{
  g_autoptr(GstDiscoverer) discoverer = NULL;
  g_autoptr(GstDiscovererInfo) info = NULL;
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);

  gst_init (NULL, NULL);
  discoverer = gst_discoverer_new (60 * GST_SECOND, NULL);
  if (discoverer == NULL || uri == NULL)
    return 0;
  info = gst_discoverer_discover_uri (discoverer, uri, NULL);
  if (info == NULL)
    return 0;
  return (gint64) (gst_discoverer_info_get_duration (info) / GST_MSECOND);
}

char *
jb_test_clip_upload (JbTestServer *server,
                     const char   *terminal_id,
                     const char   *secret,
                     const char   *incident_id,
                     const char   *path,
                     GError      **error)
{
  g_autofree char *auth = jb_test_device_auth (terminal_id, secret);
  g_autofree char *contents = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *body = NULL;
  g_autofree char *upload_url = NULL;
  g_autofree char *clip_id = NULL;
  g_autoptr(JbTestResponse) created = NULL;
  g_autoptr(GBytes) data = NULL;
  gsize length;
  gsize chunk;
  gint64 duration_ms;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  data = g_bytes_new_take (g_steal_pointer (&contents), length);
  sha256 = jb_test_clip_sha256 (data);
  duration_ms = probe_duration_ms (path);

  body = g_strdup_printf ("{\"incident_id\": \"%s\", \"started_at\": %" G_GINT64_FORMAT ", "
                          "\"duration_ms\": %" G_GINT64_FORMAT ", \"size\": %" G_GSIZE_FORMAT ", "
                          "\"sha256\": \"%s\", \"content_type\": \"video/webm\"}",
                          incident_id, g_get_real_time () / 1000 - duration_ms, duration_ms, length,
                          sha256);
  created = jb_test_request (server, "POST", "/api/v1/device/clips", auth, NULL, body);
  if (created->status != 201 || jb_test_json_string (created->body, "upload_url") == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "POST /api/v1/device/clips: %u %s",
                   created->status, created->text);
      return NULL;
    }
  upload_url = g_strdup (jb_test_json_string (created->body, "upload_url"));
  clip_id = g_strdup (jb_test_json_string (created->body, "id"));

  /* Several chunks, as a terminal on a mobile link sends them. */
  chunk = MAX (length / UPLOAD_CHUNKS + 1, 1);
  for (gsize start = 0; start < length; start += chunk)
    {
      gsize end = MIN (start + chunk, length);
      g_autoptr(JbTestResponse) put = jb_test_clip_put (server, auth, upload_url, data,
                                                        start, end, length);
      guint expected = end == length ? 201 : 200;

      if (put->status != expected)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "PUT %s bytes %" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT ": %u %s",
                       upload_url, start, end - 1, put->status, put->text);
          return NULL;
        }
    }

  return g_steal_pointer (&clip_id);
}
