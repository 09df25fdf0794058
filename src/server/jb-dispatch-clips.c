/* jb-dispatch-clips.c — escalated video clips: the device upload, the
 * people's reads, the chain-of-custody audit and the retention sweep
 *
 * The bytes themselves move in jb-clip-upload.c (streamed to disk); here
 * is everything that touches the database and the events, each change in
 * one transaction.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-dispatch"

#include "jb-dispatch-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#define DAY_MS (24 * 3600 * 1000LL)
#define PROGRESS_PERIOD_MS 1000

/* Paths */

gboolean
_jb_clip_id_is_valid (const char *id)
{
  if (id == NULL || !g_str_has_prefix (id, "clip-") || strlen (id) != 5 + 32)
    return FALSE;
  for (const char *p = id + 5; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

/* Files are named by the clip id only, and only a well-formed id ever
 * reaches here: no client text becomes a path. */
char *
_jb_clip_path (JbDispatch *self,
               const char *id,
               JbClipFile  kind)
{
  static const char * const folders[] = {
    [JB_CLIP_FILE_PARTIAL] = "partial",
    [JB_CLIP_FILE_VERIFIED] = "clips",
    [JB_CLIP_FILE_THUMBNAIL] = "thumbnails",
  };
  g_autofree char *name = NULL;

  g_return_val_if_fail (_jb_clip_id_is_valid (id), NULL);
  name = kind == JB_CLIP_FILE_THUMBNAIL ? g_strconcat (id, ".png", NULL) : g_strdup (id);
  return g_build_filename (self->data_dir, folders[kind], name, NULL);
}

static void
remove_clip_files (JbDispatch *self,
                   const char *id)
{
  for (int kind = 0; kind < JB_CLIP_FILE_N; kind++)
    {
      g_autofree char *path = _jb_clip_path (self, id, (JbClipFile) kind);

      if (g_unlink (path) != 0 && errno != ENOENT)
        g_warning ("Cannot remove %s: %s", path, g_strerror (errno));
    }
}

gboolean
_jb_dispatch_clips_init (JbDispatch  *self,
                         const char  *db_path,
                         GError     **error)
{
  static const char * const folders[] = { "partial", "clips", "thumbnails" };

  if (self->options.data_dir != NULL)
    self->data_dir = g_strdup (self->options.data_dir);
  else
    self->data_dir = g_strconcat (db_path, ".data", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *path = g_build_filename (self->data_dir, folders[i], NULL);

      if (g_mkdir_with_parents (path, 0700) != 0)
        {
          g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL, "Cannot create the data directory %s: %s",
                       path, g_strerror (errno));
          return FALSE;
        }
    }
  self->clip_uploads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->clip_progress = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return TRUE;
}

const char *
jb_dispatch_get_data_dir (JbDispatch *self)
{
  g_return_val_if_fail (JB_IS_DISPATCH (self), NULL);
  return self->data_dir;
}

/* The incident's clip list mirrors the clips' rows. */

static gboolean
incident_put_clip (JbDispatch  *self,
                   JsonObject  *clip,
                   gboolean     remove,
                   GError     **error)
{
  g_autoptr(JsonObject) incident = jb_storage_get_incident (self->storage,
                                                            _jb_member_string (clip, "incident_id"));
  const char *id = _jb_member_string (clip, "id");
  JsonArray *clips;
  guint i;

  if (incident == NULL)
    return TRUE;  /* gone with its incident: nothing to mirror */
  clips = _jb_member_array (incident, "clips");
  if (clips == NULL)
    {
      json_object_set_array_member (incident, "clips", json_array_new ());
      clips = _jb_member_array (incident, "clips");
    }
  for (i = 0; i < json_array_get_length (clips); i++)
    if (g_strcmp0 (_jb_member_string (json_array_get_object_element (clips, i), "id"), id) == 0)
      break;
  if (i < json_array_get_length (clips))
    json_array_remove_element (clips, i);
  if (!remove)
    {
      /* Oldest first: a clip keeps its place when it changes. */
      g_autoptr(JsonArray) rebuilt = json_array_new ();

      for (guint k = 0; k < json_array_get_length (clips); k++)
        {
          if (k == i)
            json_array_add_object_element (rebuilt, json_object_ref (clip));
          json_array_add_element (rebuilt, json_node_copy (json_array_get_element (clips, k)));
        }
      if (i >= json_array_get_length (clips))
        json_array_add_object_element (rebuilt, json_object_ref (clip));
      json_object_set_array_member (incident, "clips", g_steal_pointer (&rebuilt));
    }
  return jb_storage_update_incident_data (self->storage, incident, error);
}

static gboolean
save_clip (JbDispatch  *self,
           JsonObject  *clip,
           gint64       now,
           GError     **error)
{
  return jb_storage_save_clip (self->storage, clip, now, error) &&
         incident_put_clip (self, clip, FALSE, error);
}

static gboolean
emit_removed (JbDispatch  *self,
              JsonObject  *clip,
              const char  *reason,
              gint64       now,
              GError     **error)
{
  g_autoptr(JsonObject) data = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  gsize len;

  json_object_set_string_member (data, "id", _jb_member_string (clip, "id"));
  json_object_set_string_member (data, "incident_id", _jb_member_string (clip, "incident_id"));
  json_object_set_string_member (data, "reason", reason);
  node = json_node_init_object (json_node_alloc (), data);
  text = jb_json_to_string (node, &len);
  return _jb_dispatch_emit (self, "clip.removed", now, text, len, error);
}

/* Deletes the row and the incident's entry, emits clip.removed; the files
 * go after the commit (the caller's). */
static gboolean
remove_clip_row (JbDispatch  *self,
                 JsonObject  *clip,
                 const char  *reason,
                 gint64       now,
                 GError     **error)
{
  return jb_storage_delete_clip (self->storage, _jb_member_string (clip, "id"), error) &&
         incident_put_clip (self, clip, TRUE, error) &&
         emit_removed (self, clip, reason, now, error);
}

/* Device: POST /device/clips */

static gboolean
valid_sha256 (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

static gboolean
may_upload_for (JbRequest   *req,
                JsonObject  *incident,
                GError     **error)
{
  const char *unit_id = _jb_member_string (req->terminal, "unit_id");
  JsonArray *assignments = _jb_member_array (incident, "assignments");

  if (g_strcmp0 (_jb_member_string (incident, "terminal_id"), req->terminal_id) == 0)
    return TRUE;
  for (guint i = 0; unit_id != NULL && assignments != NULL && i < json_array_get_length (assignments); i++)
    {
      JsonObject *assignment = json_array_get_object_element (assignments, i);

      if (g_strcmp0 (_jb_member_string (assignment, "unit_id"), unit_id) == 0 &&
          g_strcmp0 (_jb_member_string (assignment, "state"), "declined") != 0)
        return TRUE;
    }
  g_set_error_literal (error, JB_ERROR, JB_ERROR_FORBIDDEN,
                       "This terminal's unit is not assigned to the incident and did not report it.");
  return FALSE;
}

static char *
new_clip_id (void)
{
  guint8 bytes[16];
  char hex[33];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2hex (hex, sizeof hex, bytes, sizeof bytes);
  return g_strconcat ("clip-", hex, NULL);
}

static void
set_nullable_string (JsonObject *object,
                     const char *member,
                     const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

static JsonObject *
clip_event_data (JsonObject *clip)
{
  JsonObject *data = json_object_new ();

  json_object_set_object_member (data, "clip", json_object_ref (clip));
  return data;
}

/* Emits an event whose data is @data (taken). */
static gboolean
emit_data (JbDispatch  *self,
           const char  *type,
           gint64       now,
           JsonObject  *data,
           GError     **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), data);
  g_autofree char *text = NULL;
  gsize len;

  json_object_unref (data);

  text = jb_json_to_string (node, &len);
  return _jb_dispatch_emit (self, type, now, text, len, error);
}

gboolean
_jb_route_create_clip (JbRequest  *req,
                       GError    **error)
{
  static const char * const allowed[] = { "incident_id", "started_at", "duration_ms", "size", "sha256",
                                          "content_type", "lat", "lon", NULL };
  g_autoptr(JsonObject) incident = NULL;
  g_autoptr(JsonObject) clip = json_object_new ();
  g_autoptr(JsonObject) answer = json_object_new ();
  g_autofree char *id = NULL;
  g_autofree char *upload_url = NULL;
  const char *incident_id = NULL, *sha256 = NULL, *content_type = NULL;
  gint64 started_at = 0, duration_ms = 0, size = 0;
  gboolean has_location;
  double lat = 0, lon = 0;

  if (!_jb_request_check_members (req, allowed, error) ||
      !jb_json_get_string (req->body, "incident_id", TRUE, &incident_id, error) ||
      !jb_json_get_int (req->body, "started_at", TRUE, &started_at, error) ||
      !jb_json_get_int (req->body, "duration_ms", TRUE, &duration_ms, error) ||
      !jb_json_get_int (req->body, "size", TRUE, &size, error) ||
      !jb_json_get_string (req->body, "sha256", TRUE, &sha256, error) ||
      !jb_json_get_string (req->body, "content_type", TRUE, &content_type, error))
    return FALSE;
  if (started_at < 0 || duration_ms < 0 || size < 1)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE,
                           "started_at and duration_ms cannot be negative; size is at least 1.");
      return FALSE;
    }
  if (!valid_sha256 (sha256))
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                           "sha256 is 64 lowercase hexadecimal digits.");
      return FALSE;
    }
  if (g_strcmp0 (content_type, "video/webm") != 0 && g_strcmp0 (content_type, "video/mp4") != 0)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                           "content_type is video/webm or video/mp4.");
      return FALSE;
    }
  has_location = json_object_has_member (req->body, "lat") || json_object_has_member (req->body, "lon");
  if (has_location && !jb_json_get_lat_lon (req->body, &lat, &lon, error))
    return FALSE;

  if ((incident = _jb_incident_load (req, incident_id, error)) == NULL)
    return FALSE;
  if (!_jb_incident_is_open (incident))
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_CONFLICT, "The incident is closed.");
      return FALSE;
    }
  if (!may_upload_for (req, incident, error))
    return FALSE;
  if (size > req->self->options.clip_max_size)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_PAYLOAD_TOO_LARGE,
                   "A clip is at most %" G_GINT64_FORMAT " bytes.", req->self->options.clip_max_size);
      return FALSE;
    }

  id = new_clip_id ();
  json_object_set_string_member (clip, "id", id);
  json_object_set_string_member (clip, "incident_id", incident_id);
  json_object_set_string_member (clip, "terminal_id", req->terminal_id);
  set_nullable_string (clip, "unit_id", _jb_member_string (req->terminal, "unit_id"));
  json_object_set_int_member (clip, "started_at", started_at);
  json_object_set_int_member (clip, "duration_ms", duration_ms);
  json_object_set_int_member (clip, "size", size);
  json_object_set_string_member (clip, "sha256", sha256);
  json_object_set_string_member (clip, "content_type", content_type);
  if (has_location)
    {
      JsonObject *location = json_object_new ();

      json_object_set_double_member (location, "lat", lat);
      json_object_set_double_member (location, "lon", lon);
      json_object_set_object_member (clip, "location", location);
    }
  else
    json_object_set_null_member (clip, "location");
  json_object_set_string_member (clip, "state", "uploading");
  json_object_set_int_member (clip, "received", 0);
  json_object_set_int_member (clip, "created_at", req->now);
  json_object_set_null_member (clip, "verified_at");
  json_object_set_null_member (clip, "keep_until");

  if (!save_clip (req->self, clip, req->now, error) ||
      !emit_data (req->self, "clip.created", req->now, clip_event_data (clip), error))
    return FALSE;

  upload_url = g_strdup_printf ("/api/v1/device/clips/%s/content", id);
  json_object_set_string_member (answer, "id", id);
  json_object_set_string_member (answer, "upload_url", upload_url);
  json_object_set_object_member (answer, "clip", json_object_ref (clip));
  _jb_request_answer (req, 201, answer);
  return TRUE;
}

/* The clip of the path's second segment, for its own terminal only. */
static JsonObject *
load_own_clip (JbRequest   *req,
               const char  *id,
               GError     **error)
{
  g_autoptr(JsonObject) clip = NULL;

  if (_jb_clip_id_is_valid (id))
    clip = jb_storage_get_clip (req->self->storage, id);
  if (clip == NULL)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_NOT_FOUND, "There is no such clip upload.");
      return NULL;
    }
  if (g_strcmp0 (_jb_member_string (clip, "terminal_id"), req->terminal_id) != 0)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_FORBIDDEN, "This clip is another terminal's upload.");
      return NULL;
    }
  return g_steal_pointer (&clip);
}

static gint64
clip_held (JsonObject *clip)
{
  if (g_strcmp0 (_jb_member_string (clip, "state"), "verified") == 0)
    return _jb_member_int (clip, "size", 0);
  return _jb_member_int (clip, "received", 0);
}

/* HEAD /device/clips/{id}/content */
gboolean
_jb_route_clip_offset (JbRequest  *req,
                       GError    **error)
{
  g_autoptr(JsonObject) clip = load_own_clip (req, req->parts[2], error);

  if (clip == NULL)
    return FALSE;
  req->status = 204;
  _jb_request_add_header (req, "Upload-Offset", clip_held (clip));
  return TRUE;
}

/* PUT /device/clips/{id}/content reaches jb_dispatch_handle only when a
 * caller bypasses the HTTP layer, which streams uploads itself. */
gboolean
_jb_route_clip_streamed_only (JbRequest  *req,
                              GError    **error)
{
  g_set_error_literal (error, JB_ERROR, JB_ERROR_BAD_REQUEST, "Clip bytes are sent over HTTP only.");
  return FALSE;
}

/* Device: the streamed PUT, driven by jb-clip-upload.c */

static gboolean
parse_content_range (const char *text,
                     gint64     *out_start,
                     gint64     *out_end,
                     gint64     *out_total)
{
  guint64 start, end, total;
  char *rest;

  if (text == NULL || !g_str_has_prefix (text, "bytes "))
    return FALSE;
  text += 6;
  if (!g_ascii_isdigit (*text))
    return FALSE;
  start = g_ascii_strtoull (text, &rest, 10);
  if (*rest != '-' || !g_ascii_isdigit (rest[1]))
    return FALSE;
  end = g_ascii_strtoull (rest + 1, &rest, 10);
  if (*rest != '/' || !g_ascii_isdigit (rest[1]))
    return FALSE;
  total = g_ascii_strtoull (rest + 1, &rest, 10);
  if (*rest != '\0' || start > end || start > G_MAXINT64 / 2 || end > G_MAXINT64 / 2 || total > G_MAXINT64 / 2)
    return FALSE;
  *out_start = (gint64) start;
  *out_end = (gint64) end + 1;
  *out_total = (gint64) total;
  return TRUE;
}

void
jb_clip_chunk_clear (JbClipChunk *chunk)
{
  g_clear_pointer (&chunk->clip_id, g_free);
  g_clear_pointer (&chunk->path, g_free);
  g_clear_pointer (&chunk->sha256, g_free);
  g_clear_pointer (&chunk->content_type, g_free);
}

gboolean
jb_dispatch_clip_chunk_begin (JbDispatch   *self,
                              const char   *authorization,
                              const char   *clip_id,
                              const char   *content_range,
                              gint64        content_length,
                              JbClipChunk  *out,
                              gint64       *out_held,
                              GError      **error)
{
  JbRequest req = { .self = self, .method = "PUT", .now = _jb_now_ms () };
  g_autoptr(JsonObject) clip = NULL;
  gint64 start, end, total, held;
  gboolean ok = FALSE;

  g_return_val_if_fail (JB_IS_DISPATCH (self), FALSE);

  *out_held = -1;
  memset (out, 0, sizeof *out);
  if (!_jb_dispatch_authenticate_device (self, &req, authorization, error) ||
      (clip = load_own_clip (&req, clip_id, error)) == NULL)
    goto out;

  held = clip_held (clip);
  if (g_strcmp0 (_jb_member_string (clip, "state"), "uploading") != 0)
    {
      *out_held = held;
      g_set_error_literal (error, JB_ERROR, JB_ERROR_CONFLICT, "This clip is complete.");
      goto out;
    }
  if (!parse_content_range (content_range, &start, &end, &total))
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_BAD_REQUEST,
                           "A clip chunk needs Content-Range: bytes START-END/TOTAL.");
      goto out;
    }
  if (total != _jb_member_int (clip, "size", -1) || end > total)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                   "The chunk must lie within the declared size of %" G_GINT64_FORMAT " bytes.",
                   _jb_member_int (clip, "size", -1));
      goto out;
    }
  if (content_length >= 0 && content_length != end - start)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_BAD_REQUEST,
                           "Content-Length differs from the Content-Range.");
      goto out;
    }
  if (start != held || g_hash_table_contains (self->clip_uploads, clip_id))
    {
      *out_held = held;
      g_set_error (error, JB_ERROR, JB_ERROR_CONFLICT,
                   g_hash_table_contains (self->clip_uploads, clip_id)
                     ? "Another chunk of this clip is arriving; the server holds %" G_GINT64_FORMAT " bytes."
                     : "The server holds %" G_GINT64_FORMAT " bytes: send from there.",
                   held);
      goto out;
    }

  g_hash_table_add (self->clip_uploads, g_strdup (clip_id));
  out->clip_id = g_strdup (clip_id);
  out->path = _jb_clip_path (self, clip_id, JB_CLIP_FILE_PARTIAL);
  out->start = start;
  out->end = end;
  out->size = total;
  out->sha256 = g_strdup (_jb_member_string (clip, "sha256"));
  out->content_type = g_strdup (_jb_member_string (clip, "content_type"));
  ok = TRUE;

out:
  g_clear_pointer (&req.terminal, json_object_unref);
  return ok;
}

/* Records @received; emits clip.progress when a second has passed since
 * the last one (or @force). */
static void
record_received (JbDispatch  *self,
                 const char  *clip_id,
                 gint64       received,
                 gboolean     force)
{
  g_autoptr(JsonObject) clip = jb_storage_get_clip (self->storage, clip_id);
  g_autoptr(GError) error = NULL;
  gint64 *last = g_hash_table_lookup (self->clip_progress, clip_id);
  gint64 now = _jb_now_ms ();
  gint64 seq_before;
  gboolean announce;

  if (clip == NULL || g_strcmp0 (_jb_member_string (clip, "state"), "uploading") != 0)
    return;
  announce = last == NULL || now - *last >= PROGRESS_PERIOD_MS;
  if (!announce && !force)
    return;
  if (_jb_member_int (clip, "received", 0) == received && !announce)
    return;

  json_object_set_int_member (clip, "received", received);
  if (!_jb_dispatch_begin_write (self, &seq_before, &error))
    goto failed;
  if (!save_clip (self, clip, now, &error))
    goto failed;
  if (announce)
    {
      JsonObject *data = json_object_new ();

      json_object_set_string_member (data, "id", clip_id);
      json_object_set_string_member (data, "incident_id", _jb_member_string (clip, "incident_id"));
      json_object_set_int_member (data, "received", received);
      if (!emit_data (self, "clip.progress", now, data, &error))
        goto failed;
    }
  if (!_jb_dispatch_commit (self, seq_before, &error))
    goto warn;
  if (announce)
    {
      if (last == NULL)
        g_hash_table_insert (self->clip_progress, g_strdup (clip_id), (last = g_new (gint64, 1)));
      *last = now;
    }
  return;

failed:
  _jb_dispatch_rollback (self, seq_before);
warn:
  g_warning ("Cannot record the progress of %s: %s", clip_id, error->message);
}

void
jb_dispatch_clip_chunk_progress (JbDispatch *self,
                                 const char *clip_id,
                                 gint64      received)
{
  g_return_if_fail (JB_IS_DISPATCH (self));
  record_received (self, clip_id, received, FALSE);
}

void
jb_dispatch_clip_chunk_end (JbDispatch        *self,
                            const JbClipChunk *chunk,
                            gint64             received)
{
  g_return_if_fail (JB_IS_DISPATCH (self));
  record_received (self, chunk->clip_id, received, TRUE);
  g_hash_table_remove (self->clip_uploads, chunk->clip_id);
}

/* Refuses the whole upload: nothing stays, and the world is told why. */
static void
refuse_clip (JbDispatch  *self,
             JsonObject  *clip,
             const char  *reason)
{
  g_autoptr(GError) error = NULL;
  gint64 seq_before;

  if (!_jb_dispatch_begin_write (self, &seq_before, &error) ||
      !remove_clip_row (self, clip, reason, _jb_now_ms (), &error))
    {
      _jb_dispatch_rollback (self, seq_before);
      g_warning ("Cannot remove a refused clip: %s", error->message);
    }
  else if (!_jb_dispatch_commit (self, seq_before, &error))
    g_warning ("Cannot remove a refused clip: %s", error->message);
  remove_clip_files (self, _jb_member_string (clip, "id"));
}

JsonObject *
jb_dispatch_clip_complete (JbDispatch        *self,
                           const JbClipChunk *chunk,
                           const char        *sha256,
                           const char        *media_type,
                           const GError      *media_error,
                           GError           **error)
{
  g_autoptr(JsonObject) clip = NULL;
  g_autofree char *final_path = NULL;
  gint64 now = _jb_now_ms ();
  gint64 seq_before;

  g_return_val_if_fail (JB_IS_DISPATCH (self), NULL);

  g_hash_table_remove (self->clip_uploads, chunk->clip_id);
  g_hash_table_remove (self->clip_progress, chunk->clip_id);
  clip = jb_storage_get_clip (self->storage, chunk->clip_id);
  if (clip == NULL)
    {
      remove_clip_files (self, chunk->clip_id);
      g_set_error_literal (error, JB_ERROR, JB_ERROR_NOT_FOUND, "The clip was removed meanwhile.");
      return NULL;
    }

  if (g_strcmp0 (sha256, _jb_member_string (clip, "sha256")) != 0)
    {
      refuse_clip (self, clip, "hash_mismatch");
      g_set_error (error, JB_ERROR, JB_ERROR_HASH_MISMATCH,
                   "The clip's SHA-256 is %s, not the declared %s; it was discarded.",
                   sha256, _jb_member_string (clip, "sha256"));
      return NULL;
    }
  if (media_type == NULL || g_strcmp0 (media_type, _jb_member_string (clip, "content_type")) != 0)
    {
      refuse_clip (self, clip, "unsupported_media");
      if (media_type == NULL)
        g_set_error (error, JB_ERROR, JB_ERROR_UNSUPPORTED_MEDIA, "%s The clip was discarded.",
                     media_error != NULL ? media_error->message : "The clip is not a supported video.");
      else
        g_set_error (error, JB_ERROR, JB_ERROR_UNSUPPORTED_MEDIA,
                     "The clip is %s, not the declared %s; it was discarded.",
                     media_type, _jb_member_string (clip, "content_type"));
      return NULL;
    }

  final_path = _jb_clip_path (self, chunk->clip_id, JB_CLIP_FILE_VERIFIED);
  if (g_rename (chunk->path, final_path) != 0)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL, "Cannot keep the clip: %s", g_strerror (errno));
      return NULL;
    }
  json_object_set_string_member (clip, "state", "verified");
  json_object_set_int_member (clip, "received", chunk->size);
  json_object_set_int_member (clip, "verified_at", now);
  json_object_set_int_member (clip, "keep_until", now + self->options.clip_retention_days * DAY_MS);
  if (!_jb_dispatch_begin_write (self, &seq_before, error))
    goto failed;
  if (!save_clip (self, clip, now, error) ||
      !emit_data (self, "clip.added", now, clip_event_data (clip), error))
    {
      _jb_dispatch_rollback (self, seq_before);
      goto failed;
    }
  if (!_jb_dispatch_commit (self, seq_before, error))
    goto failed;
  return g_steal_pointer (&clip);

failed:
  /* Still an upload in progress: the bytes go back where they were. */
  g_rename (final_path, chunk->path);
  return NULL;
}

/* People */

static JsonObject *
load_clip (JbRequest   *req,
           const char  *id,
           GError     **error)
{
  JsonObject *clip = _jb_clip_id_is_valid (id) ? jb_storage_get_clip (req->self->storage, id) : NULL;

  if (clip == NULL)
    g_set_error_literal (error, JB_ERROR, JB_ERROR_NOT_FOUND, "There is no such clip.");
  return clip;
}

static gboolean
require_verified (JsonObject  *clip,
                  GError     **error)
{
  if (g_strcmp0 (_jb_member_string (clip, "state"), "verified") == 0)
    return TRUE;
  g_set_error_literal (error, JB_ERROR, JB_ERROR_CONFLICT, "The clip is still uploading.");
  return FALSE;
}

gboolean
_jb_route_get_clip (JbRequest  *req,
                    GError    **error)
{
  JsonObject *clip = load_clip (req, req->parts[1], error);

  if (clip == NULL)
    return FALSE;
  _jb_request_answer (req, 200, clip);
  json_object_unref (clip);
  return TRUE;
}

gboolean
_jb_route_clip_streamed_content (JbRequest  *req,
                                 GError    **error)
{
  g_set_error_literal (error, JB_ERROR, JB_ERROR_BAD_REQUEST, "Clip bytes are served over HTTP only.");
  return FALSE;
}

gboolean
_jb_route_clip_audit (JbRequest  *req,
                      GError    **error)
{
  g_autoptr(JsonObject) clip = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  JsonObject *answer;
  JsonArray *items;

  if (req->role != JB_ROLE_DISPATCHER)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_FORBIDDEN, "Only a dispatcher reads a clip's audit.");
      return FALSE;
    }
  if (!_jb_clip_id_is_valid (req->parts[1]) ||
      (rows = jb_storage_list_clip_audit (req->self->storage, req->parts[1], error)) == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, JB_ERROR, JB_ERROR_NOT_FOUND, "There is no such clip.");
      return FALSE;
    }
  /* A removed clip's audit is still readable: it outlives the clip. */
  clip = jb_storage_get_clip (req->self->storage, req->parts[1]);
  if (clip == NULL && rows->len == 0)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_NOT_FOUND, "There is no such clip.");
      return FALSE;
    }
  answer = json_object_new ();
  items = json_array_new ();
  for (guint i = 0; i < rows->len; i++)
    json_array_add_object_element (items, json_object_ref (g_ptr_array_index (rows, i)));
  json_object_set_array_member (answer, "items", items);
  _jb_request_answer (req, 200, answer);
  json_object_unref (answer);
  return TRUE;
}

static gboolean
add_audit (JbRequest   *req,
           JsonObject  *clip,
           const char  *action,
           const char  *reason,
           gint64       frame_ms,
           GError     **error)
{
  return jb_storage_add_clip_audit (req->self->storage, _jb_member_string (clip, "id"),
                                    _jb_member_string (clip, "incident_id"), req->now, req->username,
                                    action, reason, frame_ms, error);
}

static gboolean
get_reason (JbRequest    *req,
            const char  **out,
            GError      **error)
{
  JsonNode *node = json_object_get_member (req->body, "reason");

  *out = NULL;
  if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!jb_json_get_string (req->body, "reason", FALSE, out, error))
    return FALSE;
  if (*out != NULL && strlen (*out) > 1000)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE, "A reason is at most 1000 bytes.");
      return FALSE;
    }
  return TRUE;
}

gboolean
_jb_route_record_clip_audit (JbRequest  *req,
                             GError    **error)
{
  static const char * const allowed[] = { "action", "reason", "frame_ms", NULL };
  g_autoptr(JsonObject) clip = NULL;
  JsonObject *answer;
  const char *action = NULL, *reason = NULL;
  gint64 frame_ms = -1;

  if (!_jb_request_check_members (req, allowed, error) ||
      !jb_json_get_string (req->body, "action", TRUE, &action, error) ||
      !get_reason (req, &reason, error) ||
      !jb_json_get_int (req->body, "frame_ms", FALSE, &frame_ms, error))
    return FALSE;
  if (g_strcmp0 (action, "snapshot") != 0)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                           "Only \"snapshot\" is recorded here; views and pushes record themselves.");
      return FALSE;
    }
  if (json_object_has_member (req->body, "frame_ms") && frame_ms < 0)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE, "frame_ms cannot be negative.");
      return FALSE;
    }
  if ((clip = load_clip (req, req->parts[1], error)) == NULL ||
      !require_verified (clip, error) ||
      !add_audit (req, clip, action, reason, frame_ms, error))
    return FALSE;

  answer = json_object_new ();
  json_object_set_int_member (answer, "time", req->now);
  json_object_set_string_member (answer, "username", req->username);
  json_object_set_string_member (answer, "action", action);
  set_nullable_string (answer, "reason", reason);
  if (frame_ms >= 0)
    json_object_set_int_member (answer, "frame_ms", frame_ms);
  _jb_request_answer (req, 201, answer);
  json_object_unref (answer);
  return TRUE;
}

gboolean
_jb_route_push_clip (JbRequest  *req,
                     GError    **error)
{
  static const char * const allowed[] = { "reason", NULL };
  g_autoptr(JsonObject) clip = NULL;
  g_autoptr(JsonObject) incident = NULL;
  JsonObject *data;
  const char *reason = NULL;

  if (!_jb_request_check_members (req, allowed, error) ||
      !get_reason (req, &reason, error) ||
      (clip = load_clip (req, req->parts[1], error)) == NULL)
    return FALSE;
  incident = jb_storage_get_incident (req->self->storage, _jb_member_string (clip, "incident_id"));
  if (!_jb_request_may_command (req, _jb_member_string (incident, "station_id"), "clip's incident", error) ||
      !require_verified (clip, error) ||
      !add_audit (req, clip, "push", reason, -1, error))
    return FALSE;

  data = json_object_new ();
  json_object_set_object_member (data, "clip", json_object_ref (clip));
  json_object_set_string_member (data, "incident_id", _jb_member_string (clip, "incident_id"));
  json_object_set_string_member (data, "by", req->username);
  set_nullable_string (data, "reason", reason);
  if (!emit_data (req->self, "wall.pushed", req->now, data, error))
    return FALSE;
  data = json_object_new ();
  _jb_request_answer (req, 202, data);
  json_object_unref (data);
  return TRUE;
}

/* GET /clips/{id}/content and /thumbnail, driven by jb-clip-upload.c */

JsonObject *
jb_dispatch_clip_open (JbDispatch  *self,
                       const char  *authorization,
                       const char  *clip_id,
                       gboolean     audit_view,
                       GError     **error)
{
  JbRequest req = { .self = self, .method = "GET", .now = _jb_now_ms () };
  g_autoptr(JsonObject) clip = NULL;
  gint64 seq_before;

  g_return_val_if_fail (JB_IS_DISPATCH (self), NULL);

  if (!_jb_dispatch_authenticate_person (self, &req, authorization, error) ||
      (clip = load_clip (&req, clip_id, error)) == NULL)
    goto out;
  if (!require_verified (clip, error))
    {
      g_clear_pointer (&clip, json_object_unref);
      goto out;
    }
  if (audit_view)
    {
      if (!_jb_dispatch_begin_write (self, &seq_before, error))
        g_clear_pointer (&clip, json_object_unref);
      else if (!add_audit (&req, clip, "view", NULL, -1, error))
        {
          _jb_dispatch_rollback (self, seq_before);
          g_clear_pointer (&clip, json_object_unref);
        }
      else if (!_jb_dispatch_commit (self, seq_before, error))
        g_clear_pointer (&clip, json_object_unref);
    }

out:
  g_clear_pointer (&req.user, json_object_unref);
  g_clear_pointer (&req.user_station_ids, g_strfreev);
  return g_steal_pointer (&clip);
}

char *
jb_dispatch_clip_path (JbDispatch *self,
                       const char *clip_id,
                       JbClipFile  kind)
{
  g_return_val_if_fail (JB_IS_DISPATCH (self), NULL);
  if (!_jb_clip_id_is_valid (clip_id))
    return NULL;
  return _jb_clip_path (self, clip_id, kind);
}

/* The sweep: abandoned uploads, expired clips, stray files */

static void
remove_stray_files (JbDispatch *self,
                    const char *folder)
{
  g_autofree char *path = g_build_filename (self->data_dir, folder, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *id = g_str_has_suffix (name, ".png") ? g_strndup (name, strlen (name) - 4) : g_strdup (name);
      g_autoptr(JsonObject) clip = _jb_clip_id_is_valid (id) ? jb_storage_get_clip (self->storage, id) : NULL;

      g_autofree char *file = g_build_filename (path, name, NULL);
      GStatBuf st;

      /* A thumbnail being written has a temporary name: leave it unless a
       * crash left it long ago. */
      if (g_str_has_suffix (name, ".tmp") &&
          (g_stat (file, &st) != 0 || st.st_mtime > (time_t) (g_get_real_time () / G_USEC_PER_SEC) - 600))
        continue;
      if (clip == NULL && !g_hash_table_contains (self->clip_uploads, id))
        g_unlink (file);
    }
}

guint
jb_dispatch_sweep_clips (JbDispatch *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) clips = NULL;
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  gint64 now = _jb_now_ms ();
  gint64 seq_before;

  g_return_val_if_fail (JB_IS_DISPATCH (self), 0);

  if (jb_storage_in_transaction (self->storage))
    return 0;
  if (!_jb_dispatch_begin_write (self, &seq_before, &error))
    goto failed;
  clips = jb_storage_list_clips_to_sweep (self->storage, now,
                                          now - self->options.clip_abandon_after_s * 1000, &error);
  if (clips == NULL)
    goto failed;
  for (guint i = 0; i < clips->len; i++)
    {
      JsonObject *clip = g_ptr_array_index (clips, i);
      const char *id = _jb_member_string (clip, "id");
      gboolean uploading = g_strcmp0 (_jb_member_string (clip, "state"), "uploading") == 0;

      if (uploading && g_hash_table_contains (self->clip_uploads, id))
        continue;  /* bytes are arriving right now */
      if (!remove_clip_row (self, clip, uploading ? "abandoned" : "expired", now, &error))
        goto failed;
      g_ptr_array_add (removed, g_strdup (id));
    }
  if (!_jb_dispatch_commit (self, seq_before, &error))
    goto warn;

  for (guint i = 0; i < removed->len; i++)
    {
      remove_clip_files (self, g_ptr_array_index (removed, i));
      g_hash_table_remove (self->clip_progress, g_ptr_array_index (removed, i));
    }
  remove_stray_files (self, "partial");
  remove_stray_files (self, "clips");
  remove_stray_files (self, "thumbnails");
  if (removed->len > 0)
    g_message ("Clip sweep: removed %u clip(s).", removed->len);
  return removed->len;

failed:
  _jb_dispatch_rollback (self, seq_before);
warn:
  g_warning ("The clip sweep failed: %s", error->message);
  return 0;
}
