/* test-server-clips.c — escalated video clips against the real server:
 * the resumable upload, verification, refusals that leave nothing on disk,
 * Range, thumbnails, the audit and the retention sweep
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <string.h>

#include "jb-test-clip.h"
#include "jb-test-demo.h"
#include "jb-test-server.h"

#define EVENT_TIMEOUT_MS 60000

/* One real clip for the whole run: made once, with GStreamer. */
static char   *clip_dir;
static char   *clip_path;
static GBytes *clip_bytes;
static char   *clip_sha256;

typedef struct
{
  JbTestServer *server;
  char         *dispatcher;
  JsonNode     *snapshot;
  char         *camera_id;      /* a body camera bound to a unit */
  char         *camera_auth;
  char         *other_auth;     /* another body camera, not on the incident */
  char         *incident_id;    /* raised by the camera */
  char         *data_dir;
} Fixture;

static JsonObject *
find_camera (JsonNode   *snapshot,
             const char *not_id)
{
  JsonArray *terminals = json_node_get_array (jb_test_json_get (snapshot, "terminals"));

  for (guint i = 0; i < json_array_get_length (terminals); i++)
    {
      JsonObject *terminal = json_array_get_object_element (terminals, i);

      if (g_strcmp0 (json_object_get_string_member (terminal, "kind"), "body_camera") == 0 &&
          json_object_get_string_member (terminal, "unit_id") != NULL &&
          g_strcmp0 (json_object_get_string_member (terminal, "id"), not_id) != 0)
        return terminal;
    }
  g_assert_not_reached ();
  return NULL;
}

static void
start (Fixture            *fixture,
       const char * const *extra)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(JbTestResponse) response = NULL;
  g_autoptr(JbTestResponse) alarm = NULL;
  JsonObject *camera, *other;

  g_ptr_array_add (args, (char *) "--demo");
  g_ptr_array_add (args, (char *) "--demo-guards");
  g_ptr_array_add (args, (char *) "300");
  g_ptr_array_add (args, (char *) "--clip-max-size");
  g_ptr_array_add (args, (char *) "4000000");
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (args, (char *) extra[i]);
  g_ptr_array_add (args, NULL);

  fixture->server = jb_test_server_start ((const char * const *) args->pdata);
  fixture->data_dir = g_strdup (jb_test_server_get_data_dir (fixture->server));
  fixture->dispatcher = jb_test_login (fixture->server, "dispatcher", "demo");
  response = jb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->dispatcher, NULL, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  fixture->snapshot = json_node_ref (response->body);

  camera = find_camera (fixture->snapshot, NULL);
  other = find_camera (fixture->snapshot, json_object_get_string_member (camera, "id"));
  fixture->camera_id = g_strdup (json_object_get_string_member (camera, "id"));
  fixture->camera_auth = jb_test_demo_device_auth (fixture->camera_id);
  fixture->other_auth = jb_test_demo_device_auth (json_object_get_string_member (other, "id"));

  /* The camera's one-click alarm: the incident it may film for. */
  alarm = jb_test_request (fixture->server, "POST", "/api/v1/device/alarm", fixture->camera_auth, NULL, "{}");
  g_assert_cmpuint (alarm->status, ==, 201);
  fixture->incident_id = g_strdup (jb_test_json_string (alarm->body, "id"));
  g_assert_nonnull (fixture->incident_id);
  g_assert_nonnull (jb_test_json_get (alarm->body, "clips"));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  start (fixture, user_data);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_pointer (&fixture->snapshot, json_node_unref);
  g_free (fixture->dispatcher);
  g_free (fixture->camera_id);
  g_free (fixture->camera_auth);
  g_free (fixture->other_auth);
  g_free (fixture->incident_id);
  g_free (fixture->data_dir);
  jb_test_server_free (fixture->server);
}

/* Helpers */

static guint
count_files (Fixture    *fixture,
             const char *folder)
{
  g_autofree char *path = g_build_filename (fixture->data_dir, folder, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
assert_nothing_on_disk (Fixture *fixture)
{
  g_assert_cmpuint (count_files (fixture, "partial"), ==, 0);
  g_assert_cmpuint (count_files (fixture, "clips"), ==, 0);
  g_assert_cmpuint (count_files (fixture, "thumbnails"), ==, 0);
}

static char *
create_body (const char *incident_id,
             gsize       size,
             const char *sha256,
             const char *content_type)
{
  return g_strdup_printf ("{\"incident_id\": \"%s\", \"started_at\": 1700000000000, \"duration_ms\": 3000,"
                          " \"size\": %" G_GSIZE_FORMAT ", \"sha256\": \"%s\", \"content_type\": \"%s\","
                          " \"lat\": 28.2, \"lon\": 112.99}",
                          incident_id, size, sha256, content_type);
}

/* POST /device/clips; asserts 201 and returns the upload URL. */
static char *
create_clip (Fixture     *fixture,
             gsize        size,
             const char  *sha256,
             const char  *content_type,
             char       **out_id)
{
  g_autofree char *body = create_body (fixture->incident_id, size, sha256, content_type);
  g_autoptr(JbTestResponse) created = jb_test_request (fixture->server, "POST", "/api/v1/device/clips",
                                                       fixture->camera_auth, NULL, body);
  g_autofree char *expected_url = NULL;

  g_assert_cmpuint (created->status, ==, 201);
  g_assert_cmpstr (jb_test_json_string (created->body, "clip.state"), ==, "uploading");
  g_assert_cmpint (jb_test_json_int (created->body, "clip.received"), ==, 0);
  g_assert_cmpstr (jb_test_json_string (created->body, "clip.terminal_id"), ==, fixture->camera_id);
  g_assert_true (g_str_has_prefix (jb_test_json_string (created->body, "id"), "clip-"));
  g_assert_cmpuint (strlen (jb_test_json_string (created->body, "id")), ==, 37);
  expected_url = g_strdup_printf ("/api/v1/device/clips/%s/content", jb_test_json_string (created->body, "id"));
  g_assert_cmpstr (jb_test_json_string (created->body, "upload_url"), ==, expected_url);
  if (out_id != NULL)
    *out_id = g_strdup (jb_test_json_string (created->body, "id"));
  return g_strdup (jb_test_json_string (created->body, "upload_url"));
}

static gint64
head_offset (Fixture    *fixture,
             const char *url)
{
  g_autoptr(JbTestResponse) head = jb_test_request (fixture->server, "HEAD", url, fixture->camera_auth, NULL, NULL);
  const char *offset;

  g_assert_cmpuint (head->status, ==, 204);
  offset = soup_message_headers_get_one (head->headers, "Upload-Offset");
  g_assert_nonnull (offset);
  return g_ascii_strtoll (offset, NULL, 10);
}

static JbTestResponse *
get_with_range (Fixture    *fixture,
                const char *path,
                const char *auth,
                const char *range)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (jb_test_server_get_url (fixture->server), path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *length = NULL;
  JbTestResponse *response;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  if (range != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Range", range);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  response = g_new0 (JbTestResponse, 1);
  response->status = soup_message_get_status (msg);
  response->text = g_malloc0 (g_bytes_get_size (body) + 1);
  if (g_bytes_get_size (body) > 0)
    memcpy (response->text, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  /* The length of a binary body, kept where a test can read it. */
  length = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (body));
  soup_message_headers_replace (response->headers, "X-Test-Length", length);
  return response;
}

static gsize
body_length (JbTestResponse *response)
{
  return (gsize) g_ascii_strtoull (soup_message_headers_get_one (response->headers, "X-Test-Length"), NULL, 10);
}

static void
assert_event_clip (JsonNode   *frame,
                   const char *clip_id,
                   const char *state)
{
  g_assert_nonnull (frame);
  g_assert_cmpstr (jb_test_json_string (frame, "data.clip.id"), ==, clip_id);
  g_assert_cmpstr (jb_test_json_string (frame, "data.clip.state"), ==, state);
}

static char *
upload_whole (Fixture *fixture)
{
  gsize size = g_bytes_get_size (clip_bytes);
  g_autofree char *id = NULL;
  g_autofree char *url = create_clip (fixture, size, clip_sha256, "video/webm", &id);
  g_autoptr(JbTestResponse) put = jb_test_clip_put (fixture->server, fixture->camera_auth, url, clip_bytes,
                                                    0, size, size);

  g_assert_cmpuint (put->status, ==, 201);
  g_assert_cmpstr (jb_test_json_string (put->body, "clip.state"), ==, "verified");
  return g_steal_pointer (&id);
}

/* Tests */

static void
test_upload_whole (Fixture       *fixture,
                   gconstpointer  user_data)
{
  gint64 seq = jb_test_json_int (fixture->snapshot, "seq");
  g_autoptr(JbTestEvents) events = jb_test_events_connect (fixture->server, fixture->dispatcher, seq, NULL);
  gsize size = g_bytes_get_size (clip_bytes);
  g_autofree char *id = NULL;
  g_autofree char *url = create_clip (fixture, size, clip_sha256, "video/webm", &id);
  g_autofree char *clip_url = g_strconcat ("/api/v1/clips/", id, NULL);
  g_autofree char *incident_url = g_strconcat ("/api/v1/incidents/", fixture->incident_id, NULL);
  g_autofree char *kept = NULL;
  g_autoptr(JsonNode) created = jb_test_events_wait_type (events, "clip.created", EVENT_TIMEOUT_MS);
  g_autoptr(JsonNode) added = NULL;
  g_autoptr(JbTestResponse) put = NULL;
  g_autoptr(JbTestResponse) clip = NULL;
  g_autoptr(JbTestResponse) incident = NULL;
  g_autoptr(JbTestResponse) again = NULL;
  g_autofree char *file = NULL;
  gsize kept_len;

  assert_event_clip (created, id, "uploading");
  g_assert_cmpstr (jb_test_json_string (created, "data.clip.incident_id"), ==, fixture->incident_id);
  g_assert_cmpint (head_offset (fixture, url), ==, 0);

  put = jb_test_clip_put (fixture->server, fixture->camera_auth, url, clip_bytes, 0, size, size);
  g_assert_cmpuint (put->status, ==, 201);
  g_assert_cmpstr (jb_test_json_string (put->body, "clip.state"), ==, "verified");
  g_assert_cmpint (jb_test_json_int (put->body, "clip.received"), ==, (gint64) size);
  g_assert_cmpint (jb_test_json_int (put->body, "clip.keep_until") - jb_test_json_int (put->body, "clip.verified_at"),
                   ==, 183 * 24 * 3600 * 1000LL);
  added = jb_test_events_wait_type (events, "clip.added", EVENT_TIMEOUT_MS);
  assert_event_clip (added, id, "verified");
  g_assert_cmpstr (jb_test_json_string (added, "data.clip.sha256"), ==, clip_sha256);

  clip = jb_test_request (fixture->server, "GET", clip_url, fixture->dispatcher, NULL, NULL);
  g_assert_cmpuint (clip->status, ==, 200);
  g_assert_cmpstr (jb_test_json_string (clip->body, "state"), ==, "verified");
  g_assert_cmpstr (jb_test_json_string (clip->body, "content_type"), ==, "video/webm");
  incident = jb_test_request (fixture->server, "GET", incident_url, fixture->dispatcher, NULL, NULL);
  g_assert_cmpstr (jb_test_json_string (incident->body, "clips.0.id"), ==, id);
  g_assert_cmpstr (jb_test_json_string (incident->body, "clips.0.state"), ==, "verified");
  g_assert_null (jb_test_json_get (incident->body, "clips.1"));
  g_assert_cmpint (head_offset (fixture, url), ==, (gint64) size);

  /* On disk: the clip under its id, byte for byte; nothing partial. */
  file = g_build_filename (fixture->data_dir, "clips", id, NULL);
  g_assert_true (g_file_get_contents (file, &kept, &kept_len, NULL));
  g_assert_cmpmem (kept, kept_len, g_bytes_get_data (clip_bytes, NULL), size);
  g_assert_cmpuint (count_files (fixture, "partial"), ==, 0);

  /* A complete clip takes no more bytes. */
  again = jb_test_clip_put (fixture->server, fixture->camera_auth, url, clip_bytes, 0, size, size);
  g_assert_cmpuint (again->status, ==, 409);
}

/* A PUT whose connection drops after @sent of its @length bytes. */
static void
put_cut_off (Fixture    *fixture,
             const char *url,
             gsize       start,
             gsize       length,
             gsize       sent)
{
  g_autoptr(GUri) uri = g_uri_parse (jb_test_server_get_url (fixture->server), G_URI_FLAGS_NONE, NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *head = NULL;
  GOutputStream *out;
  gsize size = g_bytes_get_size (clip_bytes);

  connection = g_socket_client_connect_to_host (client, g_uri_get_host (uri), (guint16) g_uri_get_port (uri),
                                                NULL, &error);
  g_assert_no_error (error);
  head = g_strdup_printf ("PUT %s HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\n"
                          "Content-Type: application/octet-stream\r\n"
                          "Content-Range: bytes %" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT "\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                          url, g_uri_get_host (uri), fixture->camera_auth,
                          start, start + length - 1, size, length);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_assert_true (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error));
  g_assert_true (g_output_stream_write_all (out, (const char *) g_bytes_get_data (clip_bytes, NULL) + start,
                                            sent, NULL, NULL, &error));
  g_assert_no_error (error);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
}

static void
test_upload_resume (Fixture       *fixture,
                    gconstpointer  user_data)
{
  gint64 seq = jb_test_json_int (fixture->snapshot, "seq");
  g_autoptr(JbTestEvents) events = jb_test_events_connect (fixture->server, fixture->dispatcher, seq, NULL);
  gsize size = g_bytes_get_size (clip_bytes);
  gsize first = size / 3;
  g_autofree char *id = NULL;
  g_autofree char *url = create_clip (fixture, size, clip_sha256, "video/webm", &id);
  g_autoptr(JbTestResponse) put1 = NULL;
  g_autoptr(JbTestResponse) wrong = NULL;
  g_autoptr(JbTestResponse) wrong_total = NULL;
  g_autoptr(JbTestResponse) other = NULL;
  g_autoptr(JbTestResponse) last = NULL;
  g_autoptr(JsonNode) progress = NULL;
  g_autoptr(JsonNode) added = NULL;
  gint64 held = 0;
  gint64 deadline;

  put1 = jb_test_clip_put (fixture->server, fixture->camera_auth, url, clip_bytes, 0, first, size);
  g_assert_cmpuint (put1->status, ==, 200);
  g_assert_cmpint (jb_test_json_int (put1->body, "received"), ==, (gint64) first);
  g_assert_cmpint (head_offset (fixture, url), ==, (gint64) first);
  progress = jb_test_events_wait_type (events, "clip.progress", EVENT_TIMEOUT_MS);
  g_assert_nonnull (progress);
  g_assert_cmpstr (jb_test_json_string (progress, "data.id"), ==, id);
  g_assert_cmpstr (jb_test_json_string (progress, "data.incident_id"), ==, fixture->incident_id);
  g_assert_cmpint (jb_test_json_int (progress, "data.received"), ==, (gint64) first);

  /* Half a clip is never served, thumbnailed or pushed. */
  {
    g_autofree char *content_url = g_strconcat ("/api/v1/clips/", id, "/content", NULL);
    g_autofree char *thumbnail_url = g_strconcat ("/api/v1/clips/", id, "/thumbnail", NULL);
    g_autofree char *push_url = g_strconcat ("/api/v1/clips/", id, "/push", NULL);
    g_autofree char *clip_url = g_strconcat ("/api/v1/clips/", id, NULL);
    g_autoptr(JbTestResponse) content = get_with_range (fixture, content_url, fixture->dispatcher, NULL);
    g_autoptr(JbTestResponse) thumbnail = get_with_range (fixture, thumbnail_url, fixture->dispatcher, NULL);
    g_autoptr(JbTestResponse) push = jb_test_request (fixture->server, "POST", push_url, fixture->dispatcher,
                                                      NULL, "{}");
    g_autoptr(JbTestResponse) clip = jb_test_request (fixture->server, "GET", clip_url, fixture->dispatcher,
                                                      NULL, NULL);

    g_assert_cmpuint (content->status, ==, 409);
    g_assert_cmpuint (thumbnail->status, ==, 409);
    g_assert_cmpuint (push->status, ==, 409);
    g_assert_cmpuint (clip->status, ==, 200);
    g_assert_cmpstr (jb_test_json_string (clip->body, "state"), ==, "uploading");
    g_assert_cmpint (jb_test_json_int (clip->body, "received"), ==, (gint64) first);
  }

  /* Wrong offset: 409 with what the server holds. */
  wrong = jb_test_clip_put (fixture->server, fixture->camera_auth, url, clip_bytes, 0, first, size);
  g_assert_cmpuint (wrong->status, ==, 409);
  g_assert_cmpstr (jb_test_json_string (wrong->body, "error.code"), ==, "conflict");
  g_assert_cmpint (jb_test_json_int (wrong->body, "error.received"), ==, (gint64) first);
  g_assert_cmpint (g_ascii_strtoll (soup_message_headers_get_one (wrong->headers, "Upload-Offset"), NULL, 10),
                   ==, (gint64) first);
  /* A total other than the declared size. */
  wrong_total = jb_test_clip_put (fixture->server, fixture->camera_auth, url, clip_bytes, first, size, size + 1);
  g_assert_cmpuint (wrong_total->status, ==, 400);
  g_assert_cmpstr (jb_test_json_string (wrong_total->body, "error.code"), ==, "invalid_value");
  /* Another terminal cannot add to this upload. */
  other = jb_test_clip_put (fixture->server, fixture->other_auth, url, clip_bytes, first, size, size);
  g_assert_cmpuint (other->status, ==, 403);

  /* The link drops half-way through the next chunk: what arrived stays. */
  put_cut_off (fixture, url, first, size - first, (size - first) / 2);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline &&
         (held = head_offset (fixture, url)) != (gint64) (first + (size - first) / 2))
    g_usleep (20000);
  g_assert_cmpint (held, ==, (gint64) (first + (size - first) / 2));

  /* Resumed from HEAD. */
  last = jb_test_clip_put (fixture->server, fixture->camera_auth, url, clip_bytes, (gsize) held, size, size);
  g_assert_cmpuint (last->status, ==, 201);
  g_assert_cmpstr (jb_test_json_string (last->body, "clip.state"), ==, "verified");
  added = jb_test_events_wait_type (events, "clip.added", EVENT_TIMEOUT_MS);
  assert_event_clip (added, id, "verified");
  g_assert_cmpuint (count_files (fixture, "clips"), ==, 1);
  g_assert_cmpuint (count_files (fixture, "partial"), ==, 0);
}

/* A kill -9 between chunks loses nothing the server acknowledged. */
static void
test_upload_survives_restart (Fixture       *fixture,
                              gconstpointer  user_data)
{
  gsize size = g_bytes_get_size (clip_bytes);
  gsize first = size / 3;
  g_autofree char *id = NULL;
  g_autofree char *url = create_clip (fixture, size, clip_sha256, "video/webm", &id);
  g_autoptr(JbTestResponse) put1 = NULL;
  g_autoptr(JbTestResponse) last = NULL;
  gint64 held;

  put1 = jb_test_clip_put (fixture->server, fixture->camera_auth, url, clip_bytes, 0, first, size);
  g_assert_cmpuint (put1->status, ==, 200);
  jb_test_server_kill (fixture->server, SIGKILL);
  jb_test_server_restart (fixture->server);

  held = head_offset (fixture, url);
  g_assert_cmpint (held, ==, (gint64) first);
  /* The running hash died with the process: the server reads the file. */
  last = jb_test_clip_put (fixture->server, fixture->camera_auth, url, clip_bytes, (gsize) held, size, size);
  g_assert_cmpuint (last->status, ==, 201);
  g_assert_cmpstr (jb_test_json_string (last->body, "clip.sha256"), ==, clip_sha256);
  g_assert_cmpuint (count_files (fixture, "clips"), ==, 1);
  g_assert_cmpuint (count_files (fixture, "partial"), ==, 0);
}

static void
assert_refused_at_end (Fixture    *fixture,
                       JbTestEvents *events,
                       GBytes     *bytes,
                       const char *declared_sha,
                       const char *declared_type,
                       const char *code)
{
  gsize size = g_bytes_get_size (bytes);
  g_autofree char *id = NULL;
  g_autofree char *url = create_clip (fixture, size, declared_sha, declared_type, &id);
  g_autofree char *clip_url = g_strconcat ("/api/v1/clips/", id, NULL);
  g_autoptr(JbTestResponse) put1 = NULL;
  g_autoptr(JbTestResponse) put2 = NULL;
  g_autoptr(JbTestResponse) gone = NULL;
  g_autoptr(JbTestResponse) head = NULL;
  g_autoptr(JsonNode) removed = NULL;

  put1 = jb_test_clip_put (fixture->server, fixture->camera_auth, url, bytes, 0, size / 2, size);
  g_assert_cmpuint (put1->status, ==, 200);
  put2 = jb_test_clip_put (fixture->server, fixture->camera_auth, url, bytes, size / 2, size, size);
  g_assert_cmpuint (put2->status, ==, 422);
  g_assert_cmpstr (jb_test_json_string (put2->body, "error.code"), ==, code);
  removed = jb_test_events_wait_type (events, "clip.removed", EVENT_TIMEOUT_MS);
  g_assert_nonnull (removed);
  g_assert_cmpstr (jb_test_json_string (removed, "data.id"), ==, id);
  g_assert_cmpstr (jb_test_json_string (removed, "data.reason"), ==, code);
  gone = jb_test_request (fixture->server, "GET", clip_url, fixture->dispatcher, NULL, NULL);
  g_assert_cmpuint (gone->status, ==, 404);
  head = jb_test_request (fixture->server, "HEAD", url, fixture->camera_auth, NULL, NULL);
  g_assert_cmpuint (head->status, ==, 404);
  assert_nothing_on_disk (fixture);
}

static void
assert_create_refused (Fixture    *fixture,
                       const char *auth,
                       const char *body,
                       guint       status,
                       const char *code)
{
  g_autoptr(JbTestResponse) response = jb_test_request (fixture->server, "POST", "/api/v1/device/clips",
                                                        auth, NULL, body);

  g_assert_cmpuint (response->status, ==, status);
  if (code != NULL)
    g_assert_cmpstr (jb_test_json_string (response->body, "error.code"), ==, code);
}

static void
test_refusals (Fixture       *fixture,
               gconstpointer  user_data)
{
  gint64 seq = jb_test_json_int (fixture->snapshot, "seq");
  g_autoptr(JbTestEvents) events = jb_test_events_connect (fixture->server, fixture->dispatcher, seq, NULL);
  gsize size = g_bytes_get_size (clip_bytes);
  g_autofree guint8 *noise = g_malloc (20000);
  g_autoptr(GBytes) noise_bytes = NULL;
  g_autofree char *noise_sha = NULL;
  g_autofree char *body = NULL;
  g_autofree char *oversized = NULL;
  g_autofree char *bad_type = NULL;
  g_autofree char *unknown = NULL;
  g_autofree char *bad_sha = NULL;
  const char *zeros = "0000000000000000000000000000000000000000000000000000000000000000";
  g_autoptr(JbTestResponse) person = NULL;
  g_autoptr(JbTestResponse) no_token = NULL;

  /* Wrong hash, bytes that are no clip, a WebM declared as MP4. */
  assert_refused_at_end (fixture, events, clip_bytes, zeros, "video/webm", "hash_mismatch");
  for (guint i = 0; i < 20000; i++)
    noise[i] = (guint8) g_random_int ();
  noise_bytes = g_bytes_new (noise, 20000);
  noise_sha = jb_test_clip_sha256 (noise_bytes);
  assert_refused_at_end (fixture, events, noise_bytes, noise_sha, "video/webm", "unsupported_media");
  assert_refused_at_end (fixture, events, clip_bytes, clip_sha256, "video/mp4", "unsupported_media");

  /* Refused before any byte. */
  body = create_body (fixture->incident_id, size, clip_sha256, "video/webm");
  oversized = create_body (fixture->incident_id, 4000001, clip_sha256, "video/webm");
  bad_type = create_body (fixture->incident_id, size, clip_sha256, "video/avi");
  unknown = create_body ("inc-nonexistent", size, clip_sha256, "video/webm");
  bad_sha = create_body (fixture->incident_id, size, "ABC", "video/webm");
  assert_create_refused (fixture, fixture->camera_auth, oversized, 413, "payload_too_large");
  assert_create_refused (fixture, fixture->camera_auth, bad_type, 400, "invalid_value");
  assert_create_refused (fixture, fixture->camera_auth, bad_sha, 400, "invalid_value");
  assert_create_refused (fixture, fixture->camera_auth, unknown, 404, "not_found");
  /* A terminal whose unit is not on the incident, and no credentials. */
  assert_create_refused (fixture, fixture->other_auth, body, 403, "forbidden");
  assert_create_refused (fixture, NULL, body, 401, "unauthorized");
  /* A person's token is no device credential. */
  assert_create_refused (fixture, fixture->dispatcher, body, 401, "unauthorized");

  /* People need a token. */
  no_token = jb_test_request (fixture->server, "GET", "/api/v1/clips/clip-00000000000000000000000000000000",
                              NULL, NULL, NULL);
  g_assert_cmpuint (no_token->status, ==, 401);
  person = jb_test_request (fixture->server, "GET", "/api/v1/clips/clip-00000000000000000000000000000000",
                            fixture->dispatcher, NULL, NULL);
  g_assert_cmpuint (person->status, ==, 404);

  assert_nothing_on_disk (fixture);

  /* A retried create with its Idempotency-Key is the same upload. */
  {
    g_autoptr(JbTestResponse) first = jb_test_request (fixture->server, "POST", "/api/v1/device/clips",
                                                       fixture->camera_auth, "clip-key-1", body);
    g_autoptr(JbTestResponse) again = jb_test_request (fixture->server, "POST", "/api/v1/device/clips",
                                                       fixture->camera_auth, "clip-key-1", body);

    g_assert_cmpuint (first->status, ==, 201);
    g_assert_cmpuint (again->status, ==, 201);
    g_assert_cmpstr (jb_test_json_string (first->body, "id"), ==, jb_test_json_string (again->body, "id"));
    g_assert_cmpstr (soup_message_headers_get_one (again->headers, "Idempotent-Replay"), ==, "true");
  }
}

static void
test_range_and_thumbnail (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autofree char *id = upload_whole (fixture);
  g_autofree char *content = g_strconcat ("/api/v1/clips/", id, "/content", NULL);
  g_autofree char *thumbnail = g_strconcat ("/api/v1/clips/", id, "/thumbnail", NULL);
  g_autofree char *unsatisfiable = NULL;
  g_autofree char *content_range = NULL;
  const guint8 *data = g_bytes_get_data (clip_bytes, NULL);
  gsize size = g_bytes_get_size (clip_bytes);
  g_autoptr(JbTestResponse) whole = NULL, part = NULL, suffix = NULL, open_end = NULL, beyond = NULL;
  g_autoptr(JbTestResponse) no_token = NULL;
  g_autoptr(JbTestResponse) png = NULL, png_again = NULL;
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;
  GdkPixbuf *pixbuf;

  whole = get_with_range (fixture, content, fixture->dispatcher, NULL);
  g_assert_cmpuint (whole->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (whole->headers, NULL), ==, "video/webm");
  g_assert_cmpmem (whole->text, body_length (whole), data, size);

  part = get_with_range (fixture, content, fixture->dispatcher, "bytes=100-199");
  g_assert_cmpuint (part->status, ==, 206);
  g_assert_cmpmem (part->text, body_length (part), data + 100, 100);
  content_range = g_strdup_printf ("bytes 100-199/%" G_GSIZE_FORMAT, size);
  g_assert_cmpstr (soup_message_headers_get_one (part->headers, "Content-Range"), ==, content_range);

  suffix = get_with_range (fixture, content, fixture->dispatcher, "bytes=-50");
  g_assert_cmpuint (suffix->status, ==, 206);
  g_assert_cmpmem (suffix->text, body_length (suffix), data + size - 50, 50);

  open_end = get_with_range (fixture, content, fixture->dispatcher, "bytes=1000-");
  g_assert_cmpuint (open_end->status, ==, 206);
  g_assert_cmpmem (open_end->text, body_length (open_end), data + 1000, size - 1000);

  unsatisfiable = g_strdup_printf ("bytes=%" G_GSIZE_FORMAT "-", size);
  beyond = get_with_range (fixture, content, fixture->dispatcher, unsatisfiable);
  g_assert_cmpuint (beyond->status, ==, 416);

  no_token = get_with_range (fixture, content, "Bearer nonsense", NULL);
  g_assert_cmpuint (no_token->status, ==, 401);

  /* A decodable PNG, made once and kept. */
  png = get_with_range (fixture, thumbnail, fixture->dispatcher, NULL);
  g_assert_cmpuint (png->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (png->headers, NULL), ==, "image/png");
  gdk_pixbuf_loader_write (loader, (const guchar *) png->text, body_length (png), &error);
  g_assert_no_error (error);
  gdk_pixbuf_loader_close (loader, &error);
  g_assert_no_error (error);
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  g_assert_nonnull (pixbuf);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 320);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 180);
  g_assert_cmpuint (count_files (fixture, "thumbnails"), ==, 1);
  png_again = get_with_range (fixture, thumbnail, fixture->dispatcher, NULL);
  g_assert_cmpuint (png_again->status, ==, 200);
  g_assert_cmpmem (png_again->text, body_length (png_again), png->text, body_length (png));
}

static void
test_audit_and_push (Fixture       *fixture,
                     gconstpointer  user_data)
{
  gint64 seq = jb_test_json_int (fixture->snapshot, "seq");
  g_autoptr(JbTestEvents) events = jb_test_events_connect (fixture->server, fixture->dispatcher, seq, NULL);
  g_autofree char *id = upload_whole (fixture);
  g_autofree char *content = g_strconcat ("/api/v1/clips/", id, "/content", NULL);
  g_autofree char *audit = g_strconcat ("/api/v1/clips/", id, "/audit", NULL);
  g_autofree char *push = g_strconcat ("/api/v1/clips/", id, "/push", NULL);
  g_autofree char *wall = jb_test_login (fixture->server, "wall", "demo");
  g_autofree char *officer = jb_test_login (fixture->server, "qingshuitang", "demo");
  g_autofree char *incident_url = g_strconcat ("/api/v1/incidents/", fixture->incident_id, NULL);
  g_autoptr(JbTestResponse) v1 = NULL, seek = NULL, v2 = NULL, snap = NULL, bad_action = NULL;
  g_autoptr(JbTestResponse) pushed = NULL, viewer_push = NULL, officer_push = NULL, incident = NULL;
  g_autoptr(JbTestResponse) rows = NULL, viewer_rows = NULL, edit = NULL, erase = NULL;
  g_autoptr(JsonNode) wall_event = NULL;
  const char *station;
  gboolean own_station;
  guint n_push;

  /* Opens are rows; a seek further into the clip is not. */
  v1 = get_with_range (fixture, content, fixture->dispatcher, NULL);
  g_assert_cmpuint (v1->status, ==, 200);
  seek = get_with_range (fixture, content, fixture->dispatcher, "bytes=500-");
  g_assert_cmpuint (seek->status, ==, 206);
  v2 = get_with_range (fixture, content, wall, "bytes=0-99");
  g_assert_cmpuint (v2->status, ==, 206);

  snap = jb_test_request (fixture->server, "POST", audit, wall, NULL,
                          "{\"action\": \"snapshot\", \"reason\": \"案情研判\", \"frame_ms\": 1200}");
  g_assert_cmpuint (snap->status, ==, 201);
  bad_action = jb_test_request (fixture->server, "POST", audit, fixture->dispatcher, NULL, "{\"action\": \"view\"}");
  g_assert_cmpuint (bad_action->status, ==, 400);

  viewer_push = jb_test_request (fixture->server, "POST", push, wall, NULL, "{}");
  g_assert_cmpuint (viewer_push->status, ==, 403);
  pushed = jb_test_request (fixture->server, "POST", push, fixture->dispatcher, NULL, "{\"reason\": \"上墙\"}");
  g_assert_cmpuint (pushed->status, ==, 202);
  wall_event = jb_test_events_wait_type (events, "wall.pushed", EVENT_TIMEOUT_MS);
  g_assert_nonnull (wall_event);
  g_assert_cmpstr (jb_test_json_string (wall_event, "data.clip.id"), ==, id);
  g_assert_cmpstr (jb_test_json_string (wall_event, "data.incident_id"), ==, fixture->incident_id);
  g_assert_cmpstr (jb_test_json_string (wall_event, "data.by"), ==, "dispatcher");
  g_assert_cmpstr (jb_test_json_string (wall_event, "data.reason"), ==, "上墙");

  /* A duty officer pushes within its station only. */
  incident = jb_test_request (fixture->server, "GET", incident_url, fixture->dispatcher, NULL, NULL);
  station = jb_test_json_string (incident->body, "station_id");
  own_station = g_strcmp0 (station, "st-qingshuitang") == 0;
  officer_push = jb_test_request (fixture->server, "POST", push, officer, NULL, "{}");
  g_assert_cmpuint (officer_push->status, ==, own_station ? 202 : 403);
  n_push = own_station ? 2 : 1;

  rows = jb_test_request (fixture->server, "GET", audit, fixture->dispatcher, NULL, NULL);
  g_assert_cmpuint (rows->status, ==, 200);
  g_assert_cmpstr (jb_test_json_string (rows->body, "items.0.action"), ==, "view");
  g_assert_cmpstr (jb_test_json_string (rows->body, "items.0.username"), ==, "dispatcher");
  g_assert_true (JSON_NODE_HOLDS_NULL (jb_test_json_get (rows->body, "items.0.reason")));
  g_assert_cmpstr (jb_test_json_string (rows->body, "items.1.action"), ==, "view");
  g_assert_cmpstr (jb_test_json_string (rows->body, "items.1.username"), ==, "wall");
  g_assert_cmpstr (jb_test_json_string (rows->body, "items.2.action"), ==, "snapshot");
  g_assert_cmpstr (jb_test_json_string (rows->body, "items.2.reason"), ==, "案情研判");
  g_assert_cmpstr (jb_test_json_string (rows->body, "items.3.action"), ==, "push");
  g_assert_cmpstr (jb_test_json_string (rows->body, "items.3.reason"), ==, "上墙");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (jb_test_json_get (rows->body, "items"))), ==,
                    3 + n_push);
  g_assert_cmpint (jb_test_json_int (rows->body, "items.0.time"), <=, jb_test_json_int (rows->body, "items.3.time"));

  /* Read by dispatchers only; never edited. */
  viewer_rows = jb_test_request (fixture->server, "GET", audit, wall, NULL, NULL);
  g_assert_cmpuint (viewer_rows->status, ==, 403);
  edit = jb_test_request (fixture->server, "PUT", audit, fixture->dispatcher, NULL, "{\"items\": []}");
  g_assert_cmpuint (edit->status, ==, 405);
  erase = jb_test_request (fixture->server, "DELETE", audit, fixture->dispatcher, NULL, NULL);
  g_assert_cmpuint (erase->status, ==, 405);
}

static const char * const sweep_args[] = {
  "--clip-retention-days", "0", "--clip-sweep-interval", "1", "--clip-abandon-after", "5", NULL
};

static void
test_retention_sweep (Fixture       *fixture,
                      gconstpointer  user_data)
{
  gint64 seq = jb_test_json_int (fixture->snapshot, "seq");
  g_autoptr(JbTestEvents) events = jb_test_events_connect (fixture->server, fixture->dispatcher, seq, NULL);
  gsize size = g_bytes_get_size (clip_bytes);
  g_autofree char *abandoned_id = NULL;
  g_autofree char *abandoned_url = create_clip (fixture, size, clip_sha256, "video/webm", &abandoned_id);
  g_autoptr(JbTestResponse) half = jb_test_clip_put (fixture->server, fixture->camera_auth, abandoned_url,
                                                     clip_bytes, 0, size / 2, size);
  g_autofree char *id = NULL;
  g_autofree char *content = NULL;
  g_autofree char *audit = NULL;
  g_autoptr(JbTestResponse) view = NULL, rows = NULL, gone = NULL, incident = NULL;
  g_autofree char *incident_url = g_strconcat ("/api/v1/incidents/", fixture->incident_id, NULL);
  gboolean saw_expired = FALSE, saw_abandoned = FALSE;

  g_assert_cmpuint (half->status, ==, 200);
  /* Kept 0 days: expired as soon as verified. The view happens before
   * the next sweep at the earliest, or is refused once it has run. */
  id = upload_whole (fixture);
  content = g_strconcat ("/api/v1/clips/", id, "/content", NULL);
  audit = g_strconcat ("/api/v1/clips/", id, "/audit", NULL);
  view = get_with_range (fixture, content, fixture->dispatcher, NULL);
  g_assert_true (view->status == 200 || view->status == 404);

  while (!saw_expired || !saw_abandoned)
    {
      g_autoptr(JsonNode) removed = jb_test_events_wait_type (events, "clip.removed", EVENT_TIMEOUT_MS);

      g_assert_nonnull (removed);
      if (g_strcmp0 (jb_test_json_string (removed, "data.id"), id) == 0)
        {
          g_assert_cmpstr (jb_test_json_string (removed, "data.reason"), ==, "expired");
          saw_expired = TRUE;
        }
      else if (g_strcmp0 (jb_test_json_string (removed, "data.id"), abandoned_id) == 0)
        {
          g_assert_cmpstr (jb_test_json_string (removed, "data.reason"), ==, "abandoned");
          saw_abandoned = TRUE;
        }
    }

  gone = jb_test_request (fixture->server, "GET", content, fixture->dispatcher, NULL, NULL);
  g_assert_cmpuint (gone->status, ==, 404);
  incident = jb_test_request (fixture->server, "GET", incident_url, fixture->dispatcher, NULL, NULL);
  g_assert_null (jb_test_json_get (incident->body, "clips.0"));
  assert_nothing_on_disk (fixture);
  /* The audit outlives the clip. */
  if (view->status == 200)
    {
      rows = jb_test_request (fixture->server, "GET", audit, fixture->dispatcher, NULL, NULL);
      g_assert_cmpuint (rows->status, ==, 200);
      g_assert_cmpstr (jb_test_json_string (rows->body, "items.0.action"), ==, "view");
    }
}

static const char * const simulate_args[] = {
  "--simulate", "--sim-alarms-per-min", "120", NULL
};

/* The simulator's body cameras film (GStreamer) and upload over HTTP. */
static void
test_simulator_films (Fixture       *fixture,
                      gconstpointer  user_data)
{
  gint64 seq = jb_test_json_int (fixture->snapshot, "seq");
  g_autoptr(JbTestEvents) events = jb_test_events_connect (fixture->server, fixture->dispatcher, seq, NULL);
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) added = NULL;
  g_autoptr(JbTestResponse) content = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *content_url = NULL;
  g_autofree char *sha256 = NULL;
  const char *id;

  /* The first alarm of a run is a camera's report; at 120 alarms a
   * minute it comes within seconds. */
  created = jb_test_events_wait_type (events, "clip.created", 120000);
  g_assert_nonnull (created);
  id = jb_test_json_string (created, "data.clip.id");
  g_assert_true (g_str_has_prefix (jb_test_json_string (created, "data.clip.terminal_id"), "t-"));
  for (;;)
    {
      g_autoptr(JsonNode) frame = jb_test_events_wait_type (events, "clip.added", 120000);

      g_assert_nonnull (frame);
      if (g_strcmp0 (jb_test_json_string (frame, "data.clip.id"), id) == 0)
        {
          added = g_steal_pointer (&frame);
          break;
        }
    }
  g_assert_cmpint (jb_test_json_int (added, "data.clip.duration_ms"), >=, 5000);

  content_url = g_strconcat ("/api/v1/clips/", id, "/content", NULL);
  content = get_with_range (fixture, content_url, fixture->dispatcher, NULL);
  g_assert_cmpuint (content->status, ==, 200);
  g_assert_cmpuint (body_length (content), ==, (gsize) jb_test_json_int (added, "data.clip.size"));
  bytes = g_bytes_new (content->text, body_length (content));
  sha256 = jb_test_clip_sha256 (bytes);
  g_assert_cmpstr (sha256, ==, jb_test_json_string (added, "data.clip.sha256"));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  clip_dir = g_dir_make_tmp ("jb-clips-XXXXXX", &error);
  g_assert_no_error (error);
  clip_path = jb_test_clip_make (clip_dir, 3, 320, 180, "t-test 测试", &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (clip_path, &contents, &length, NULL));
  clip_bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  clip_sha256 = jb_test_clip_sha256 (clip_bytes);

  g_test_add ("/server/clips/upload-whole", Fixture, NULL, fixture_set_up, test_upload_whole, fixture_tear_down);
  g_test_add ("/server/clips/upload-resume", Fixture, NULL, fixture_set_up, test_upload_resume, fixture_tear_down);
  g_test_add ("/server/clips/upload-restart", Fixture, NULL, fixture_set_up, test_upload_survives_restart,
              fixture_tear_down);
  g_test_add ("/server/clips/refusals", Fixture, NULL, fixture_set_up, test_refusals, fixture_tear_down);
  g_test_add ("/server/clips/range-thumbnail", Fixture, NULL, fixture_set_up, test_range_and_thumbnail,
              fixture_tear_down);
  g_test_add ("/server/clips/audit-push", Fixture, NULL, fixture_set_up, test_audit_and_push, fixture_tear_down);
  g_test_add ("/server/clips/retention", Fixture, sweep_args, fixture_set_up, test_retention_sweep,
              fixture_tear_down);
  g_test_add ("/server/clips/simulator", Fixture, simulate_args, fixture_set_up, test_simulator_films,
              fixture_tear_down);
  status = g_test_run ();

  g_unlink (clip_path);
  g_rmdir (clip_dir);
  g_bytes_unref (clip_bytes);
  g_free (clip_path);
  g_free (clip_dir);
  g_free (clip_sha256);
  return status;
}
