/* jb-clip-http.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-clip-http"

#include "jb-clip-http.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jb-error.h"
#include "jb-json.h"
#include "jb-media-sniff.h"

/* The upload calls the database for progress at most this often. */
#define PROGRESS_PERIOD_US G_USEC_PER_SEC
#define THUMBNAIL_WIDTH 320
/* libsoup hands the body over in small reads: they are gathered into
 * writes of this size (a bounded buffer per upload, not the clip). */
#define WRITE_BUFFER (1024 * 1024)

struct _JbClipHttp
{
  GObject             parent_instance;

  JbDispatch         *dispatch;
  SoupServerCallback  fallback_early;
  SoupServerCallback  fallback;
  gpointer            fallback_data;
  /* clip id → RunningHash: the SHA-256 of the bytes on disk so far, kept
   * between chunks so the last one need not read the file again. */
  GHashTable         *hashes;
};

G_DEFINE_FINAL_TYPE (JbClipHttp, jb_clip_http, G_TYPE_OBJECT)

typedef struct
{
  GChecksum *checksum;
  gint64     offset;
} RunningHash;

static void
running_hash_free (gpointer data)
{
  RunningHash *hash = data;

  g_checksum_free (hash->checksum);
  g_free (hash);
}

/* Answers */

static void
answer_json (SoupServerMessage *msg,
             guint              status,
             JsonNode          *node)
{
  gsize len;
  char *text = jb_json_to_string (node, &len);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, len);
}

/* The documented error object, plus "received" when the server holds
 * bytes the client should resume from. */
static void
answer_error (SoupServerMessage *msg,
              const GError      *error,
              gint64             held)
{
  g_autoptr(JsonObject) root = json_object_new ();
  JsonObject *object = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  JbErrorCode code = error->domain == JB_ERROR ? (JbErrorCode) error->code : JB_ERROR_INTERNAL;

  if (code == JB_ERROR_INTERNAL)
    g_warning ("Clip request failed: %s", error->message);
  json_object_set_string_member (object, "code", jb_error_code_to_string (code));
  json_object_set_string_member (object, "message", error->message);
  if (held >= 0)
    {
      g_autofree char *offset = g_strdup_printf ("%" G_GINT64_FORMAT, held);

      json_object_set_int_member (object, "received", held);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Upload-Offset", offset);
    }
  json_object_set_object_member (root, "error", object);
  node = json_node_init_object (json_node_alloc (), root);
  answer_json (msg, jb_error_code_http_status (code), node);
}

static void
answer_code (SoupServerMessage *msg,
             JbErrorCode        code,
             const char        *message)
{
  g_autoptr(GError) error = g_error_new_literal (JB_ERROR, code, message);

  answer_error (msg, error, -1);
}

/* "/api/v1/<prefix>/<id>/<leaf>" → id, else NULL. */
static char *
match_path (const char *path,
            const char *prefix,
            const char *leaf)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *head = g_strconcat ("/api/v1/", prefix, "/", NULL);

  if (!g_str_has_prefix (path, head))
    return NULL;
  parts = g_strsplit (path + strlen (head), "/", -1);
  if (g_strv_length (parts) != 2 || strcmp (parts[1], leaf) != 0 || parts[0][0] == '\0')
    return NULL;
  return g_strdup (parts[0]);
}

/* The upload */

typedef struct
{
  JbClipHttp  *self;        /* borrowed: the server outlives its messages */
  JbClipChunk  chunk;
  int          fd;
  gint64       written;     /* bytes of this chunk on disk */
  guint8      *buffer;      /* gathered, not yet written */
  gsize        buffered;
  GChecksum   *checksum;    /* NULL: hash the file at the end */
  gint64       last_progress;
  GError      *error;       /* the first failure while bytes arrived */
  gboolean     ended;       /* the database knows how this chunk ended */
} Upload;

static void
upload_free (gpointer data)
{
  Upload *upload = data;

  if (upload->fd >= 0)
    close (upload->fd);
  g_free (upload->buffer);
  g_clear_pointer (&upload->checksum, g_checksum_free);
  g_clear_error (&upload->error);
  jb_clip_chunk_clear (&upload->chunk);
  g_free (upload);
}

/* Keeps the running hash for the next chunk (or a resumed one). */
static void
keep_hash (Upload *upload)
{
  RunningHash *hash;

  if (upload->checksum == NULL)
    return;
  hash = g_new (RunningHash, 1);
  hash->checksum = g_steal_pointer (&upload->checksum);
  hash->offset = upload->chunk.start + upload->written;
  g_hash_table_replace (upload->self->hashes, g_strdup (upload->chunk.clip_id), hash);
}

static void
end_chunk (Upload *upload)
{
  if (upload->ended)
    return;
  upload->ended = TRUE;
  keep_hash (upload);
  jb_dispatch_clip_chunk_end (upload->self->dispatch, &upload->chunk, upload->chunk.start + upload->written);
}

/* Writes what was gathered; what reached the disk stays counted even if
 * the write fails half-way. */
static gboolean
flush_buffer (Upload *upload)
{
  gsize done = 0;

  while (done < upload->buffered)
    {
      ssize_t n = write (upload->fd, upload->buffer + done, upload->buffered - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          if (upload->error == NULL)
            upload->error = g_error_new (JB_ERROR, JB_ERROR_INTERNAL, "Cannot write the clip: %s",
                                         g_strerror (errno));
          break;
        }
      if (upload->checksum != NULL)
        g_checksum_update (upload->checksum, upload->buffer + done, n);
      done += (gsize) n;
      upload->written += n;
    }
  upload->buffered = 0;
  return upload->error == NULL;
}

static void
upload_got_chunk_cb (SoupServerMessage *msg,
                     GBytes            *bytes,
                     gpointer           user_data)
{
  Upload *upload = user_data;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  gint64 now;

  if (upload->error != NULL)
    return;
  if ((gint64) len > upload->chunk.end - upload->chunk.start - upload->written - (gint64) upload->buffered)
    {
      upload->error = g_error_new_literal (JB_ERROR, JB_ERROR_BAD_REQUEST,
                                           "The body is longer than its Content-Range.");
      return;
    }
  while (len > 0)
    {
      gsize take = MIN (len, WRITE_BUFFER - upload->buffered);

      memcpy (upload->buffer + upload->buffered, data, take);
      upload->buffered += take;
      data += take;
      len -= take;
      if (upload->buffered == WRITE_BUFFER && !flush_buffer (upload))
        return;
    }

  now = g_get_monotonic_time ();
  if (now - upload->last_progress >= PROGRESS_PERIOD_US)
    {
      upload->last_progress = now;
      if (flush_buffer (upload))
        jb_dispatch_clip_chunk_progress (upload->self->dispatch, upload->chunk.clip_id,
                                         upload->chunk.start + upload->written);
    }
}

/* The connection ended: if the handler never ran (the link dropped), the
 * bytes that arrived stay and HEAD says how many. */
static void
upload_finished_cb (SoupServerMessage *msg,
                    gpointer           user_data)
{
  Upload *upload = user_data;

  if (!upload->ended && upload->fd >= 0)
    flush_buffer (upload);
  end_chunk (upload);
  g_signal_handlers_disconnect_by_data (msg, upload);
}

static void
begin_upload (JbClipHttp        *self,
              SoupServerMessage *msg,
              const char        *clip_id)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GError) error = NULL;
  Upload *upload = g_new0 (Upload, 1);
  RunningHash *hash;
  gint64 length = -1, held = -1;
  struct stat st;

  upload->self = self;
  upload->fd = -1;
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    length = soup_message_headers_get_content_length (headers);
  if (!jb_dispatch_clip_chunk_begin (self->dispatch, soup_message_headers_get_one (headers, "Authorization"),
                                     clip_id, soup_message_headers_get_one (headers, "Content-Range"),
                                     length, &upload->chunk, &held, &error))
    goto refuse;

  upload->fd = open (upload->chunk.path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (upload->fd < 0 || fstat (upload->fd, &st) != 0)
    {
      g_set_error (&error, JB_ERROR, JB_ERROR_INTERNAL, "Cannot open the upload: %s", g_strerror (errno));
      goto refuse_busy;
    }
  if (st.st_size < upload->chunk.start)
    {
      /* The file lost bytes the database counted: start over from there. */
      held = st.st_size;
      upload->chunk.start = upload->chunk.end = st.st_size;
      upload->ended = TRUE;
      jb_dispatch_clip_chunk_end (self->dispatch, &upload->chunk, st.st_size);
      g_set_error (&error, JB_ERROR, JB_ERROR_CONFLICT,
                   "The server holds %" G_GINT64_FORMAT " bytes: send from there.", held);
      goto refuse;
    }
  /* Bytes past the counted ones are a cut-off write: they go. */
  if (ftruncate (upload->fd, upload->chunk.start) != 0 ||
      lseek (upload->fd, upload->chunk.start, SEEK_SET) != upload->chunk.start)
    {
      g_set_error (&error, JB_ERROR, JB_ERROR_INTERNAL, "Cannot prepare the upload: %s", g_strerror (errno));
      goto refuse_busy;
    }

  hash = g_hash_table_lookup (self->hashes, clip_id);
  if (hash != NULL && hash->offset == upload->chunk.start)
    {
      upload->checksum = g_steal_pointer (&hash->checksum);
      g_hash_table_remove (self->hashes, clip_id);
    }
  else
    {
      g_hash_table_remove (self->hashes, clip_id);
      if (upload->chunk.start == 0)
        upload->checksum = g_checksum_new (G_CHECKSUM_SHA256);
    }

  upload->last_progress = g_get_monotonic_time ();
  upload->buffer = g_malloc (WRITE_BUFFER);
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_object_set_data_full (G_OBJECT (msg), "jb-clip-upload", upload, upload_free);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (upload_got_chunk_cb), upload);
  g_signal_connect (msg, "finished", G_CALLBACK (upload_finished_cb), upload);
  return;

refuse_busy:
  upload->ended = TRUE;
  jb_dispatch_clip_chunk_end (self->dispatch, &upload->chunk, upload->chunk.start);
refuse:
  /* The body is not read: the connection cannot carry another request. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  answer_error (msg, error, error->code == JB_ERROR_CONFLICT ? held : -1);
  upload_free (upload);
}

typedef struct
{
  char      *path;
  gint64     size;
  GChecksum *checksum;   /* covers the file's first @hashed bytes, or NULL */
  char      *sha256;
  const char *media_type;
  GError    *media_error;
} Verify;

static void
verify_free (gpointer data)
{
  Verify *verify = data;

  g_free (verify->path);
  g_clear_pointer (&verify->checksum, g_checksum_free);
  g_free (verify->sha256);
  g_clear_error (&verify->media_error);
  g_free (verify);
}

/* In a worker: the hash (if the chunks could not keep it) and the sniff. */
static void
verify_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Verify *verify = task_data;
  int fd = open (verify->path, O_RDONLY | O_CLOEXEC);

  /* Evidence is on disk before it is announced. */
  if (fd < 0 || fdatasync (fd) != 0)
    {
      g_task_return_new_error (task, JB_ERROR, JB_ERROR_INTERNAL, "Cannot keep the clip: %s",
                               g_strerror (errno));
      if (fd >= 0)
        close (fd);
      return;
    }
  if (verify->checksum == NULL)
    {
      g_autofree guint8 *buffer = g_malloc (1024 * 1024);
      ssize_t n;

      verify->checksum = g_checksum_new (G_CHECKSUM_SHA256);
      while ((n = read (fd, buffer, 1024 * 1024)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
          g_checksum_update (verify->checksum, buffer, n);
    }
  verify->sha256 = g_strdup (g_checksum_get_string (verify->checksum));
  verify->media_type = jb_media_sniff_fd (fd, verify->size, &verify->media_error);
  close (fd);
  g_task_return_boolean (task, TRUE);
}

static void
verified_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  Upload *upload = g_object_get_data (G_OBJECT (msg), "jb-clip-upload");
  Verify *verify = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) clip = NULL;

  upload->ended = TRUE;
  if (g_task_propagate_boolean (G_TASK (result), &error))
    clip = jb_dispatch_clip_complete (upload->self->dispatch, &upload->chunk, verify->sha256,
                                      verify->media_type, verify->media_error, &error);
  else
    jb_dispatch_clip_chunk_end (upload->self->dispatch, &upload->chunk, upload->chunk.end);

  if (clip != NULL)
    {
      g_autoptr(JsonObject) root = json_object_new ();
      g_autoptr(JsonNode) node = NULL;

      json_object_set_object_member (root, "clip", json_object_ref (clip));
      node = json_node_init_object (json_node_alloc (), root);
      answer_json (msg, 201, node);
    }
  else
    answer_error (msg, error, -1);
  soup_server_message_unpause (msg);
}

static void
finish_upload (JbClipHttp        *self,
               SoupServerMessage *msg,
               Upload            *upload)
{
  g_autoptr(GTask) task = NULL;
  Verify *verify;
  gint64 received;

  flush_buffer (upload);
  received = upload->chunk.start + upload->written;
  if (upload->error == NULL && received != upload->chunk.end)
    upload->error = g_error_new_literal (JB_ERROR, JB_ERROR_BAD_REQUEST,
                                         "The body is shorter than its Content-Range.");
  /* No sync for a middle chunk: after a crash, the next PUT finds the
   * file shorter than the count and says where to resume from. */
  close (upload->fd);
  upload->fd = -1;

  if (upload->error != NULL)
    {
      end_chunk (upload);
      answer_error (msg, upload->error, -1);
      return;
    }
  if (received < upload->chunk.size)
    {
      g_autoptr(JsonObject) root = json_object_new ();
      g_autoptr(JsonNode) node = NULL;

      end_chunk (upload);
      json_object_set_int_member (root, "received", received);
      node = json_node_init_object (json_node_alloc (), root);
      answer_json (msg, 200, node);
      return;
    }

  /* The last byte: verify off the main loop, answer when done. The
   * upload stays busy meanwhile, so no other chunk can land. */
  verify = g_new0 (Verify, 1);
  verify->path = g_strdup (upload->chunk.path);
  verify->size = upload->chunk.size;
  verify->checksum = g_steal_pointer (&upload->checksum);
  g_hash_table_remove (self->hashes, upload->chunk.clip_id);
  upload->ended = TRUE;  /* verified_cb tells the database */
  task = g_task_new (self, NULL, verified_cb, g_object_ref (msg));
  g_task_set_task_data (task, verify, verify_free);
  soup_server_message_pause (msg);
  g_task_run_in_thread (task, verify_thread);
}

/* The content: whole or one byte range */

typedef struct
{
  gboolean present;   /* a Range header we understand */
  gint64   first;     /* -1: a suffix of @suffix bytes */
  gint64   last;      /* -1: to the end */
  gint64   suffix;
} Range;

/* One "bytes=" range; anything else (several ranges, other units,
 * nonsense) is ignored and the whole clip is sent, as RFC 9110 allows. */
static Range
parse_range (const char *text)
{
  Range range = { FALSE, -1, -1, -1 };
  guint64 a, b;
  char *rest;

  if (text == NULL || !g_str_has_prefix (text, "bytes="))
    return range;
  text += 6;
  while (*text == ' ')
    text++;
  if (*text == '-')
    {
      if (!g_ascii_isdigit (text[1]))
        return range;
      b = g_ascii_strtoull (text + 1, &rest, 10);
      if (*rest != '\0' || b > G_MAXINT64 / 2)
        return range;
      range.suffix = (gint64) b;
      range.present = TRUE;
      return range;
    }
  if (!g_ascii_isdigit (*text))
    return range;
  a = g_ascii_strtoull (text, &rest, 10);
  if (*rest != '-' || a > G_MAXINT64 / 2)
    return range;
  rest++;
  if (*rest == '\0')
    {
      range.first = (gint64) a;
      range.present = TRUE;
      return range;
    }
  if (!g_ascii_isdigit (*rest))
    return range;
  b = g_ascii_strtoull (rest, &rest, 10);
  if (*rest != '\0' || b < a || b > G_MAXINT64 / 2)
    return range;
  range.first = (gint64) a;
  range.last = (gint64) b;
  range.present = TRUE;
  return range;
}

static void
serve_content (JbClipHttp        *self,
               SoupServerMessage *msg,
               const char        *clip_id)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  Range range = parse_range (soup_message_headers_get_one (request, "Range"));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) clip = NULL;
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *path = NULL;
  gint64 total, first, last;
  /* Chain of custody: an open is a GET of the whole or from byte 0; the
   * player's further seeks are not. */
  gboolean opens = !range.present || range.first == 0;

  clip = jb_dispatch_clip_open (self->dispatch, soup_message_headers_get_one (request, "Authorization"),
                                clip_id, opens, &error);
  if (clip == NULL)
    {
      answer_error (msg, error, -1);
      return;
    }
  path = jb_dispatch_clip_path (self->dispatch, clip_id, JB_CLIP_FILE_VERIFIED);
  file = g_mapped_file_new (path, FALSE, &error);
  if (file == NULL)
    {
      answer_code (msg, JB_ERROR_INTERNAL, "The clip's file cannot be read.");
      return;
    }
  bytes = g_mapped_file_get_bytes (file);
  total = (gint64) g_bytes_get_size (bytes);
  /* Ours to answer: SoupServer must not apply the Range again. */
  soup_message_headers_remove (request, "Range");
  soup_message_headers_replace (response, "Accept-Ranges", "bytes");
  soup_message_headers_replace (response, "Cache-Control", "private, no-store");

  if (!range.present)
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, json_object_get_string_member (clip, "content_type"),
                                        SOUP_MEMORY_STATIC, NULL, 0);
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
      return;
    }

  if (range.suffix >= 0)
    {
      first = total - MIN (range.suffix, total);
      last = total - 1;
      if (range.suffix == 0 || total == 0)
        first = total;  /* unsatisfiable */
    }
  else
    {
      first = range.first;
      last = range.last < 0 ? total - 1 : MIN (range.last, total - 1);
    }
  if (first >= total)
    {
      g_autofree char *unsatisfied = g_strdup_printf ("bytes */%" G_GINT64_FORMAT, total);

      soup_message_headers_replace (response, "Content-Range", unsatisfied);
      soup_server_message_set_status (msg, 416, NULL);
      return;
    }
  soup_message_headers_set_content_range (response, first, last, total);
  soup_server_message_set_status (msg, 206, NULL);
  soup_server_message_set_response (msg, json_object_get_string_member (clip, "content_type"),
                                    SOUP_MEMORY_STATIC, NULL, 0);
  {
    g_autoptr(GBytes) part = g_bytes_new_from_bytes (bytes, (gsize) first, (gsize) (last - first + 1));

    soup_message_body_append_bytes (soup_server_message_get_response_body (msg), part);
  }
}

/* The thumbnail: one frame, made once, in a worker */

typedef struct
{
  char *source;
  char *target;
} Thumbnail;

static void
thumbnail_free (gpointer data)
{
  Thumbnail *thumbnail = data;

  g_free (thumbnail->source);
  g_free (thumbnail->target);
  g_free (thumbnail);
}

static void
thumbnail_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Thumbnail *thumbnail = task_data;
  g_autofree char *description = NULL;
  /* Its own name: two requests may make the same thumbnail at once. */
  g_autofree char *partial = g_strdup_printf ("%s.%08x.tmp", thumbnail->target, g_random_int ());
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  description = g_strdup_printf ("filesrc name=src ! decodebin ! videoconvert ! videoscale ! "
                                 "video/x-raw,width=%d,pixel-aspect-ratio=1/1 ! "
                                 "pngenc snapshot=true ! filesink name=sink",
                                 THUMBNAIL_WIDTH);
  pipeline = gst_parse_launch (description, &error);
  if (pipeline == NULL)
    {
      g_task_return_new_error (task, JB_ERROR, JB_ERROR_INTERNAL, "No thumbnail pipeline: %s", error->message);
      return;
    }
  gst_object_ref_sink (pipeline);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (src, "location", thumbnail->source, NULL);
  g_object_set (sink, "location", partial, NULL);

  bus = gst_element_get_bus (pipeline);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE)
    message = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  if (message == NULL || GST_MESSAGE_TYPE (message) != GST_MESSAGE_EOS)
    {
      g_autoptr(GError) gst_error = NULL;

      if (message != NULL)
        gst_message_parse_error (message, &gst_error, NULL);
      g_unlink (partial);
      g_task_return_new_error (task, JB_ERROR, JB_ERROR_INTERNAL, "No frame could be decoded: %s",
                               gst_error != NULL ? gst_error->message : "timed out");
      return;
    }
  /* Whole or not at all: readers never see a half-written PNG. */
  if (g_rename (partial, thumbnail->target) != 0)
    {
      g_unlink (partial);
      g_task_return_new_error (task, JB_ERROR, JB_ERROR_INTERNAL, "Cannot keep the thumbnail: %s",
                               g_strerror (errno));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static gboolean
answer_png (SoupServerMessage *msg,
            const char        *path)
{
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, NULL);
  g_autoptr(GBytes) bytes = NULL;

  if (file == NULL)
    return FALSE;
  bytes = g_mapped_file_get_bytes (file);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_STATIC, NULL, 0);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "private, max-age=86400");
  return TRUE;
}

static void
thumbnail_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  Thumbnail *thumbnail = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) || !answer_png (msg, thumbnail->target))
    {
      if (error == NULL)
        error = g_error_new_literal (JB_ERROR, JB_ERROR_INTERNAL, "The thumbnail cannot be read.");
      answer_error (msg, error, -1);
    }
  soup_server_message_unpause (msg);
}

static void
serve_thumbnail (JbClipHttp        *self,
                 SoupServerMessage *msg,
                 const char        *clip_id)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) clip = NULL;
  g_autoptr(GTask) task = NULL;
  Thumbnail *thumbnail;

  clip = jb_dispatch_clip_open (self->dispatch, soup_message_headers_get_one (request, "Authorization"),
                                clip_id, FALSE, &error);
  if (clip == NULL)
    {
      answer_error (msg, error, -1);
      return;
    }
  thumbnail = g_new0 (Thumbnail, 1);
  thumbnail->source = jb_dispatch_clip_path (self->dispatch, clip_id, JB_CLIP_FILE_VERIFIED);
  thumbnail->target = jb_dispatch_clip_path (self->dispatch, clip_id, JB_CLIP_FILE_THUMBNAIL);
  if (answer_png (msg, thumbnail->target))
    {
      thumbnail_free (thumbnail);
      return;
    }
  task = g_task_new (self, NULL, thumbnail_done_cb, g_object_ref (msg));
  g_task_set_task_data (task, thumbnail, thumbnail_free);
  soup_server_message_pause (msg);
  g_task_run_in_thread (task, thumbnail_thread);
}

/* Handlers */

static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  JbClipHttp *self = user_data;
  g_autofree char *clip_id = NULL;

  if (strcmp (soup_server_message_get_method (msg), "PUT") == 0 &&
      (clip_id = match_path (path, "device/clips", "content")) != NULL)
    begin_upload (self, msg, clip_id);
  else if (self->fallback_early != NULL)
    self->fallback_early (server, msg, path, query, self->fallback_data);
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  JbClipHttp *self = user_data;
  Upload *upload = g_object_get_data (G_OBJECT (msg), "jb-clip-upload");
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *clip_id = NULL;

  if (upload != NULL)
    finish_upload (self, msg, upload);
  else if (strcmp (method, "PUT") == 0 && (clip_id = match_path (path, "device/clips", "content")) != NULL)
    return;  /* refused early, the answer is set */
  else if (strcmp (method, "GET") == 0 && (clip_id = match_path (path, "clips", "content")) != NULL)
    serve_content (self, msg, clip_id);
  else if (strcmp (method, "GET") == 0 && (clip_id = match_path (path, "clips", "thumbnail")) != NULL)
    serve_thumbnail (self, msg, clip_id);
  else
    self->fallback (server, msg, path, query, self->fallback_data);
}

/* A removed upload's running hash goes with it. */
static void
dispatch_event_cb (JbDispatch *dispatch,
                   const char *frame,
                   gint64      seq,
                   JbClipHttp *self)
{
  const char *type = g_strstr_len (frame, 64, "\"type\":\"clip.removed\"");
  const char *id;

  if (type == NULL || g_hash_table_size (self->hashes) == 0 ||
      (id = strstr (type, "\"id\":\"clip-")) == NULL)
    return;
  {
    g_autofree char *clip_id = g_strndup (id + strlen ("\"id\":\""), 5 + 32);

    g_hash_table_remove (self->hashes, clip_id);
  }
}

static void
jb_clip_http_finalize (GObject *object)
{
  JbClipHttp *self = JB_CLIP_HTTP (object);

  if (self->dispatch != NULL)
    g_signal_handlers_disconnect_by_func (self->dispatch, dispatch_event_cb, self);
  g_clear_object (&self->dispatch);
  g_clear_pointer (&self->hashes, g_hash_table_unref);

  G_OBJECT_CLASS (jb_clip_http_parent_class)->finalize (object);
}

static void
jb_clip_http_class_init (JbClipHttpClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = jb_clip_http_finalize;
}

static void
jb_clip_http_init (JbClipHttp *self)
{
  self->hashes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, running_hash_free);
}

JbClipHttp *
jb_clip_http_new (JbDispatch         *dispatch,
                  SoupServer         *server,
                  SoupServerCallback  fallback_early,
                  SoupServerCallback  fallback,
                  gpointer            fallback_data)
{
  JbClipHttp *self = g_object_new (JB_TYPE_CLIP_HTTP, NULL);

  gst_init (NULL, NULL);
  self->dispatch = g_object_ref (dispatch);
  self->fallback_early = fallback_early;
  self->fallback = fallback;
  self->fallback_data = fallback_data;
  g_signal_connect (dispatch, "event", G_CALLBACK (dispatch_event_cb), self);
  soup_server_add_early_handler (server, "/api/v1/device/clips", early_cb, self, NULL);
  soup_server_add_handler (server, "/api/v1/device/clips", handler_cb, self, NULL);
  soup_server_add_early_handler (server, "/api/v1/clips", early_cb, self, NULL);
  soup_server_add_handler (server, "/api/v1/clips", handler_cb, self, NULL);
  return self;
}
