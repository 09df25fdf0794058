/* jb-clip-cache.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-clip-cache"

#include "jb-clip-cache.h"

#include <errno.h>
#include <utime.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "jb-error.h"
#include "jb-json.h"

#define CHUNK_SIZE (256 * 1024)
/* Idle I/O only: a long clip may take long to arrive, but not stall. */
#define IO_TIMEOUT_S 30

G_DEFINE_QUARK (jb-clip-cache-error-quark, jb_clip_cache_error)

typedef struct _Download Download;

struct _JbClipCache
{
  GObject      parent_instance;

  JbClient    *client;  /* owned */
  char        *dir;
  guint64      max_bytes;  /* 0: no limit */
  SoupSession *session;
  GHashTable  *downloads;  /* clip id → Download, borrowed (a Download frees itself) */
};

G_DEFINE_FINAL_TYPE (JbClipCache, jb_clip_cache, G_TYPE_OBJECT)

enum {
  PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _Download
{
  JbClipCache   *cache;  /* owned */
  char          *id;
  char          *path;
  char          *part_path;
  char          *sha256;
  gint64         size;
  GCancellable  *cancellable;
  GPtrArray     *waiters;  /* Waiter */
  SoupMessage   *msg;
  GInputStream  *in;
  GOutputStream *out;
  GBytes        *chunk;
  gint64         offset;    /* where this request started */
  gint64         received;  /* bytes in the .part file */
  gboolean       restarted; /* a bad .part was dropped once */
};

/* One fetch waiting for a download. */
typedef struct
{
  GTask        *task;
  GCancellable *cancellable;
  gulong        handler;
} Waiter;

static void
waiter_free (Waiter *w)
{
  if (w->handler != 0)
    g_cancellable_disconnect (w->cancellable, w->handler);
  g_clear_object (&w->cancellable);
  g_clear_object (&w->task);
  g_free (w);
}

static void download_start (Download *dl);

/* Paths */

static char *
clip_file (JbClipCache *self,
           JbClip      *clip,
           const char  *suffix)
{
  g_autofree char *name = g_strconcat (jb_clip_get_id (clip), suffix, NULL);

  return g_build_filename (self->dir, name, NULL);
}

char *
jb_clip_cache_get_path (JbClipCache *self,
                        JbClip      *clip)
{
  g_autofree char *suffix = NULL;

  g_return_val_if_fail (JB_IS_CLIP_CACHE (self), NULL);
  g_return_val_if_fail (JB_IS_CLIP (clip), NULL);

  suffix = g_strconcat (".", jb_clip_get_extension (clip), NULL);
  return clip_file (self, clip, suffix);
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return -1;
  return st.st_size;
}

gboolean
jb_clip_cache_has_verified (JbClipCache *self,
                            JbClip      *clip)
{
  g_autofree char *path = NULL;
  g_autofree char *hash_path = NULL;
  g_autofree char *stored = NULL;
  gsize len = 0;

  g_return_val_if_fail (JB_IS_CLIP_CACHE (self), FALSE);
  g_return_val_if_fail (JB_IS_CLIP (clip), FALSE);

  path = jb_clip_cache_get_path (self, clip);
  hash_path = clip_file (self, clip, ".sha256");
  if (file_size (path) != jb_clip_get_size (clip))
    return FALSE;
  if (!g_file_get_contents (hash_path, &stored, &len, NULL))
    return FALSE;
  return len >= 64 && strncmp (stored, jb_clip_get_sha256 (clip), 64) == 0;
}

/* HTTP */

static SoupMessage *
new_get (JbClipCache  *self,
         const char   *clip_id,
         const char   *what,
         GError      **error)
{
  const char *token = jb_client_get_token (self->client);
  g_autofree char *url = NULL;
  g_autofree char *auth = NULL;
  g_autoptr(GUri) uri = NULL;
  SoupMessage *msg;

  if (token == NULL)
    {
      g_set_error_literal (error, JB_CLIP_CACHE_ERROR, JB_CLIP_CACHE_ERROR_NOT_LOGGED_IN,
                           "Not signed in.");
      return NULL;
    }

  url = g_strdup_printf ("%s/api/v1/clips/%s/%s", jb_client_get_server_url (self->client), clip_id, what);
  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, error);
  if (uri == NULL)
    return NULL;

  msg = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  auth = g_strconcat ("Bearer ", token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  return msg;
}

/* The protocol's error answer {"error": {"code", "message"}} as a JB_ERROR. */
static GError *
error_from_answer (SoupMessage *msg,
                   GBytes      *body)
{
  guint status = soup_message_get_status (msg);
  JbErrorCode code = status == 401 ? JB_ERROR_UNAUTHORIZED :
                     status == 403 ? JB_ERROR_FORBIDDEN :
                     status == 404 ? JB_ERROR_NOT_FOUND :
                     status == 409 ? JB_ERROR_CONFLICT :
                     status >= 500 ? JB_ERROR_INTERNAL : JB_ERROR_PROTOCOL;
  const char *message = NULL, *code_str = NULL;
  g_autoptr(JsonNode) root = NULL;
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;

  if (len > 0 && (root = jb_json_parse_object (data, (gssize) len, NULL)) != NULL)
    {
      JsonObject *err = NULL;

      if (jb_json_get_object (json_node_get_object (root), "error", FALSE, &err, NULL) && err != NULL)
        {
          (void) jb_json_get_string (err, "code", FALSE, &code_str, NULL);
          (void) jb_json_get_string (err, "message", FALSE, &message, NULL);
        }
      if (code_str != NULL)
        (void) jb_error_code_from_string (code_str, &code);
    }

  if (message != NULL)
    return g_error_new_literal (JB_ERROR, code, message);
  return g_error_new (JB_ERROR, code, "The server answered HTTP %u.", status);
}

static GError *
network_error (GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || error->domain != G_IO_ERROR)
    return error;
  {
    GError *mapped = g_error_new (JB_ERROR, JB_ERROR_NETWORK, "No answer from the server: %s",
                                  error->message);
    g_error_free (error);
    return mapped;
  }
}

/* Downloads */

static void
download_free (Download *dl)
{
  g_hash_table_remove (dl->cache->downloads, dl->id);
  g_clear_pointer (&dl->waiters, g_ptr_array_unref);
  g_clear_object (&dl->msg);
  g_clear_object (&dl->in);
  g_clear_object (&dl->out);
  g_clear_pointer (&dl->chunk, g_bytes_unref);
  g_clear_object (&dl->cancellable);
  g_free (dl->id);
  g_free (dl->path);
  g_free (dl->part_path);
  g_free (dl->sha256);
  g_object_unref (dl->cache);
  g_free (dl);
}

/* Answers every waiter, then frees @dl. Takes @error. */
static void
download_finish (Download *dl,
                 GError   *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&dl->waiters);

  if (dl->out != NULL)
    (void) g_output_stream_close (dl->out, NULL, NULL);
  if (error != NULL)
    g_debug ("Clip %s: %s", dl->id, error->message);

  for (guint i = 0; i < waiters->len; i++)
    {
      Waiter *w = g_ptr_array_index (waiters, i);
      GTask *task = w->task;

      if (w->handler != 0)
        g_cancellable_disconnect (w->cancellable, w->handler);
      w->handler = 0;

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, g_file_new_for_path (dl->path), g_object_unref);
    }

  g_clear_error (&error);
  download_free (dl);
}

typedef struct
{
  char    *part_path;
  char    *path;
  char    *hash_path;
  char    *sha256;
  gint64   size;
  char    *dir;
  char    *id;
  guint64  max_bytes;
} VerifyData;

static void
verify_data_free (VerifyData *v)
{
  g_free (v->dir);
  g_free (v->id);
  g_free (v->part_path);
  g_free (v->path);
  g_free (v->hash_path);
  g_free (v->sha256);
  g_free (v);
}

/* The files of one clip: <id>.<ext>, <id>.sha256, <id>.thumb.png. */
typedef struct
{
  char    *id;
  guint64  bytes;
  gint64   used;  /* the newest mtime of its files (ns): fetches touch the clip */
} CachedClip;

static void
cached_clip_free (CachedClip *clip)
{
  g_free (clip->id);
  g_free (clip);
}

static int
compare_by_use (gconstpointer a,
                gconstpointer b)
{
  const CachedClip *x = *(CachedClip **) a, *y = *(CachedClip **) b;

  return (x->used > y->used) - (x->used < y->used);
}

/* Keeps the cache within @max_bytes: whole clips go, least recently
 * fetched first, never @keep_id (the one just verified) and never one
 * that is downloading (a .part beside it). A wall runs for weeks and
 * plays every clip that comes: without this its disk would fill. In a
 * worker thread; deleting a file that a player has open is safe. */
static void
trim (const char *dir,
      guint64     max_bytes,
      const char *keep_id)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GHashTable) clips = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                       (GDestroyNotify) cached_clip_free);
  g_autoptr(GHashTable) downloading = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) by_use = g_ptr_array_new ();
  guint64 total = 0;
  const char *name;

  if (d == NULL || max_bytes == 0)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      const char *dot = strchr (name, '.');
      g_autofree char *id = dot != NULL ? g_strndup (name, (gsize) (dot - name)) : g_strdup (name);
      GStatBuf st;
      CachedClip *clip;

      if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      total += (guint64) st.st_size;
      if (g_str_has_suffix (name, ".part"))
        {
          g_hash_table_add (downloading, g_steal_pointer (&id));
          continue;
        }
      clip = g_hash_table_lookup (clips, id);
      if (clip == NULL)
        {
          clip = g_new0 (CachedClip, 1);
          clip->id = g_steal_pointer (&id);
          g_hash_table_insert (clips, clip->id, clip);
        }
      clip->bytes += (guint64) st.st_size;
      clip->used = MAX (clip->used, (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec);
    }
  if (total <= max_bytes)
    return;

  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, clips);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      if (g_strcmp0 (((CachedClip *) value)->id, keep_id) != 0 &&
          !g_hash_table_contains (downloading, ((CachedClip *) value)->id))
        g_ptr_array_add (by_use, value);
  }
  g_ptr_array_sort (by_use, compare_by_use);
  for (guint i = 0; i < by_use->len && total > max_bytes; i++)
    {
      CachedClip *clip = by_use->pdata[i];
      g_autofree char *prefix = g_strconcat (clip->id, ".", NULL);

      /* The hash file first: a clip without it is not taken as verified. */
      {
        g_autofree char *hash = g_strconcat (dir, G_DIR_SEPARATOR_S, clip->id, ".sha256", NULL);

        g_unlink (hash);
      }
      g_dir_rewind (d);
      while ((name = g_dir_read_name (d)) != NULL)
        if (g_str_has_prefix (name, prefix) && !g_str_has_suffix (name, ".part"))
          {
            g_autofree char *path = g_build_filename (dir, name, NULL);

            g_unlink (path);
          }
      total -= MIN (total, clip->bytes);
      g_debug ("Clip cache over its limit: removed clip %s (%" G_GUINT64_FORMAT " bytes)", clip->id, clip->bytes);
    }
}

/* In a worker thread: the whole file through SHA-256 (a resumed .part
 * holds bytes from earlier runs). */
static void
verify_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  VerifyData *v = task_data;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buf = g_malloc (1 << 20);
  gint64 total = 0;
  FILE *f = g_fopen (v->part_path, "rb");
  size_t n;

  if (f == NULL)
    {
      int saved = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               "Cannot read %s: %s", v->part_path, g_strerror (saved));
      return;
    }
  while ((n = fread (buf, 1, 1 << 20, f)) > 0)
    {
      g_checksum_update (sum, buf, n);
      total += n;
      if (g_cancellable_is_cancelled (cancellable))
        break;
    }
  fclose (f);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (total != v->size)
    {
      g_unlink (v->part_path);
      g_task_return_new_error (task, JB_CLIP_CACHE_ERROR, JB_CLIP_CACHE_ERROR_SIZE_MISMATCH,
                               "The clip has %" G_GINT64_FORMAT " bytes, not the %" G_GINT64_FORMAT " declared.",
                               total, v->size);
      return;
    }
  if (g_strcmp0 (g_checksum_get_string (sum), v->sha256) != 0)
    {
      /* Never keep bytes that are not the clip. */
      g_unlink (v->part_path);
      g_task_return_new_error (task, JB_CLIP_CACHE_ERROR, JB_CLIP_CACHE_ERROR_HASH_MISMATCH,
                               "The clip's SHA-256 is %s, not %s as recorded: not the recorded clip.",
                               g_checksum_get_string (sum), v->sha256);
      return;
    }

  if (g_rename (v->part_path, v->path) != 0)
    {
      int saved = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               "Cannot rename %s: %s", v->part_path, g_strerror (saved));
      return;
    }
  /* Written after the rename: a hash file always names a complete clip. */
  {
    g_autofree char *line = g_strconcat (v->sha256, "\n", NULL);
    g_autoptr(GError) error = NULL;

    if (!g_file_set_contents (v->hash_path, line, -1, &error))
      {
        g_task_return_error (task, g_steal_pointer (&error));
        return;
      }
  }
  trim (v->dir, v->max_bytes, v->id);
  g_task_return_boolean (task, TRUE);
}

static void
verified_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Download *dl = user_data;
  GError *error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  download_finish (dl, error);
}

static void
download_verify (Download *dl)
{
  g_autoptr(GTask) task = g_task_new (NULL, dl->cancellable, verified_cb, dl);
  VerifyData *v = g_new0 (VerifyData, 1);

  if (dl->out != NULL)
    {
      GError *error = NULL;

      if (!g_output_stream_close (dl->out, NULL, &error))
        {
          download_finish (dl, error);
          return;
        }
      g_clear_object (&dl->out);
    }

  v->part_path = g_strdup (dl->part_path);
  v->path = g_strdup (dl->path);
  v->hash_path = g_strconcat (dl->cache->dir, G_DIR_SEPARATOR_S, dl->id, ".sha256", NULL);
  v->sha256 = g_strdup (dl->sha256);
  v->size = dl->size;
  v->dir = g_strdup (dl->cache->dir);
  v->id = g_strdup (dl->id);
  v->max_bytes = dl->cache->max_bytes;
  g_task_set_task_data (task, v, (GDestroyNotify) verify_data_free);
  g_task_run_in_thread (task, verify_thread);
}

static void read_next (Download *dl);

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Download *dl = user_data;
  GError *error = NULL;
  gsize written = 0;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, &written, &error))
    {
      download_finish (dl, error);
      return;
    }

  dl->received += (gint64) written;
  g_clear_pointer (&dl->chunk, g_bytes_unref);
  g_signal_emit (dl->cache, signals[PROGRESS], 0, dl->id, dl->received, dl->size);

  if (dl->received > dl->size)
    {
      g_unlink (dl->part_path);
      download_finish (dl, g_error_new (JB_CLIP_CACHE_ERROR, JB_CLIP_CACHE_ERROR_SIZE_MISMATCH,
                                        "The server sent more than the %" G_GINT64_FORMAT " bytes declared.",
                                        dl->size));
      return;
    }
  read_next (dl);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Download *dl = user_data;
  GError *error = NULL;
  GBytes *bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  gsize len;
  gconstpointer data;

  if (bytes == NULL)
    {
      download_finish (dl, network_error (error));
      return;
    }
  if (g_bytes_get_size (bytes) == 0)
    {
      g_bytes_unref (bytes);
      download_verify (dl);
      return;
    }

  dl->chunk = bytes;
  data = g_bytes_get_data (bytes, &len);
  g_output_stream_write_all_async (dl->out, data, len, G_PRIORITY_DEFAULT, dl->cancellable,
                                   written_cb, dl);
}

static void
read_next (Download *dl)
{
  g_input_stream_read_bytes_async (dl->in, CHUNK_SIZE, G_PRIORITY_DEFAULT, dl->cancellable,
                                   read_cb, dl);
}

static void
error_body_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Download *dl = user_data;
  g_autoptr(GBytes) body = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);

  download_finish (dl, error_from_answer (dl->msg, body));
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Download *dl = user_data;
  GError *error = NULL;
  guint status;
  g_autoptr(GFile) part = NULL;

  dl->in = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (dl->in == NULL)
    {
      download_finish (dl, network_error (error));
      return;
    }

  status = soup_message_get_status (dl->msg);
  part = g_file_new_for_path (dl->part_path);

  if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE && !dl->restarted)
    {
      /* The .part does not fit this clip: start over once. */
      dl->restarted = TRUE;
      g_unlink (dl->part_path);
      g_clear_object (&dl->in);
      g_clear_object (&dl->msg);
      download_start (dl);
      return;
    }

  if (status == SOUP_STATUS_OK)
    {
      dl->offset = 0;
      dl->received = 0;
      dl->out = G_OUTPUT_STREAM (g_file_replace (part, NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                                 NULL, &error));
    }
  else if (status == SOUP_STATUS_PARTIAL_CONTENT)
    {
      goffset start = -1, end = -1, total = -1;

      if (!soup_message_headers_get_content_range (soup_message_get_response_headers (dl->msg),
                                                   &start, &end, &total) ||
          start != dl->offset)
        {
          g_unlink (dl->part_path);
          download_finish (dl, g_error_new (JB_ERROR, JB_ERROR_PROTOCOL,
                                            "The server resumed the clip at the wrong byte."));
          return;
        }
      dl->received = dl->offset;
      dl->out = G_OUTPUT_STREAM (g_file_append_to (part, G_FILE_CREATE_PRIVATE, NULL, &error));
    }
  else
    {
      g_input_stream_read_bytes_async (dl->in, 64 * 1024, G_PRIORITY_DEFAULT, dl->cancellable,
                                       error_body_cb, dl);
      return;
    }

  if (dl->out == NULL)
    {
      download_finish (dl, error);
      return;
    }
  g_signal_emit (dl->cache, signals[PROGRESS], 0, dl->id, dl->received, dl->size);
  read_next (dl);
}

static void
download_start (Download *dl)
{
  GError *error = NULL;
  gint64 have = file_size (dl->part_path);

  if (have > dl->size)
    {
      g_unlink (dl->part_path);
      have = -1;
    }
  if (have == dl->size && dl->size > 0)
    {
      /* All bytes are there (a run that stopped before verifying). */
      dl->received = have;
      download_verify (dl);
      return;
    }

  dl->msg = new_get (dl->cache, dl->id, "content", &error);
  if (dl->msg == NULL)
    {
      download_finish (dl, error);
      return;
    }
  dl->offset = have > 0 ? have : 0;
  dl->received = dl->offset;
  if (dl->offset > 0)
    soup_message_headers_set_range (soup_message_get_request_headers (dl->msg), dl->offset, -1);

  soup_session_send_async (dl->cache->session, dl->msg, G_PRIORITY_DEFAULT, dl->cancellable,
                           sent_cb, dl);
}

static gboolean
waiter_cancelled_idle (gpointer user_data)
{
  GTask *task = user_data;
  JbClipCache *self = g_task_get_source_object (task);
  const char *id = g_task_get_task_data (task);
  Download *dl = g_hash_table_lookup (self->downloads, id);

  if (dl == NULL || dl->waiters == NULL)
    return G_SOURCE_REMOVE;

  for (guint i = 0; i < dl->waiters->len; i++)
    {
      Waiter *w = g_ptr_array_index (dl->waiters, i);

      if (w->task != task)
        continue;
      g_task_return_error_if_cancelled (task);
      g_ptr_array_remove_index (dl->waiters, i);
      if (dl->waiters->len == 0)
        g_cancellable_cancel (dl->cancellable);
      break;
    }
  return G_SOURCE_REMOVE;
}

static void
waiter_cancelled_cb (GCancellable *cancellable,
                     GTask        *task)
{
  /* Not from inside g_cancellable_cancel(): the handler is disconnected
   * there, which cannot happen while it runs. */
  g_idle_add_full (G_PRIORITY_DEFAULT, waiter_cancelled_idle, g_object_ref (task), g_object_unref);
}

void
jb_clip_cache_fetch_async (JbClipCache         *self,
                           JbClip              *clip,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Download *dl;
  Waiter *waiter;

  g_return_if_fail (JB_IS_CLIP_CACHE (self));
  g_return_if_fail (JB_IS_CLIP (clip));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jb_clip_cache_fetch_async);
  g_task_set_task_data (task, g_strdup (jb_clip_get_id (clip)), g_free);
  /* A waiter that is cancelled answers at once; the shared download stops
   * only when nobody waits any more. */
  g_task_set_check_cancellable (task, TRUE);

  if (jb_clip_cache_has_verified (self, clip))
    {
      g_autofree char *path = jb_clip_cache_get_path (self, clip);

      /* Used now: the last the cache would remove when it is full. */
      g_utime (path, NULL);
      g_task_return_pointer (task, g_file_new_for_path (path), g_object_unref);
      return;
    }
  if (!jb_clip_is_verified (clip))
    {
      g_task_return_new_error (task, JB_CLIP_CACHE_ERROR, JB_CLIP_CACHE_ERROR_NOT_VERIFIED,
                               "The clip is still uploading.");
      return;
    }

  waiter = g_new0 (Waiter, 1);
  waiter->task = g_steal_pointer (&task);
  if (cancellable != NULL)
    {
      waiter->cancellable = g_object_ref (cancellable);
      waiter->handler = g_cancellable_connect (cancellable, G_CALLBACK (waiter_cancelled_cb),
                                               waiter->task, NULL);
    }

  dl = g_hash_table_lookup (self->downloads, jb_clip_get_id (clip));
  if (dl != NULL)
    {
      g_ptr_array_add (dl->waiters, waiter);
      return;
    }

  dl = g_new0 (Download, 1);
  dl->cache = g_object_ref (self);
  dl->id = g_strdup (jb_clip_get_id (clip));
  dl->path = jb_clip_cache_get_path (self, clip);
  dl->part_path = g_strconcat (dl->path, ".part", NULL);
  dl->sha256 = g_strdup (jb_clip_get_sha256 (clip));
  dl->size = jb_clip_get_size (clip);
  dl->cancellable = g_cancellable_new ();
  dl->waiters = g_ptr_array_new_with_free_func ((GDestroyNotify) waiter_free);
  g_ptr_array_add (dl->waiters, waiter);
  g_hash_table_insert (self->downloads, dl->id, dl);

  download_start (dl);
}

GFile *
jb_clip_cache_fetch_finish (JbClipCache   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

double
jb_clip_cache_get_progress (JbClipCache *self,
                            const char  *clip_id)
{
  Download *dl;

  g_return_val_if_fail (JB_IS_CLIP_CACHE (self), -1);

  dl = clip_id != NULL ? g_hash_table_lookup (self->downloads, clip_id) : NULL;
  if (dl == NULL)
    return -1;
  return dl->size > 0 ? CLAMP ((double) dl->received / (double) dl->size, 0.0, 1.0) : 0.0;
}

/* Thumbnails */

static void
thumbnail_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  GError *error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  const char *path = g_task_get_task_data (task);
  gsize len = 0;
  const char *data;

  if (body == NULL)
    {
      g_task_return_error (task, network_error (error));
      return;
    }
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      g_task_return_error (task, error_from_answer (msg, body));
      return;
    }

  data = g_bytes_get_data (body, &len);
  if (len < 8 || memcmp (data, "\x89PNG\r\n\x1a\n", 8) != 0)
    {
      g_task_return_new_error (task, JB_ERROR, JB_ERROR_PROTOCOL, "The thumbnail is not a PNG image.");
      return;
    }
  if (!g_file_set_contents (path, data, (gssize) len, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_file_new_for_path (path), g_object_unref);
}

void
jb_clip_cache_fetch_thumbnail_async (JbClipCache         *self,
                                     JbClip              *clip,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  GError *error = NULL;
  char *path;

  g_return_if_fail (JB_IS_CLIP_CACHE (self));
  g_return_if_fail (JB_IS_CLIP (clip));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jb_clip_cache_fetch_thumbnail_async);
  path = clip_file (self, clip, ".thumb.png");
  g_task_set_task_data (task, path, g_free);

  if (file_size (path) > 0)
    {
      g_task_return_pointer (task, g_file_new_for_path (path), g_object_unref);
      return;
    }
  if (!jb_clip_is_verified (clip))
    {
      g_task_return_new_error (task, JB_CLIP_CACHE_ERROR, JB_CLIP_CACHE_ERROR_NOT_VERIFIED,
                               "The clip is still uploading.");
      return;
    }
  if (!(msg = new_get (self, jb_clip_get_id (clip), "thumbnail", &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    thumbnail_cb, g_steal_pointer (&task));
}

GFile *
jb_clip_cache_fetch_thumbnail_finish (JbClipCache   *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GObject */

void
jb_clip_cache_set_max_bytes (JbClipCache *self,
                             guint64      max_bytes)
{
  g_return_if_fail (JB_IS_CLIP_CACHE (self));
  self->max_bytes = max_bytes;
}

const char *
jb_clip_cache_get_dir (JbClipCache *self)
{
  g_return_val_if_fail (JB_IS_CLIP_CACHE (self), NULL);
  return self->dir;
}

static void
jb_clip_cache_finalize (GObject *object)
{
  JbClipCache *self = (JbClipCache *)object;

  /* Every Download holds a reference: none is left here. */
  g_clear_pointer (&self->downloads, g_hash_table_unref);
  g_clear_object (&self->session);
  g_clear_object (&self->client);
  g_clear_pointer (&self->dir, g_free);

  G_OBJECT_CLASS (jb_clip_cache_parent_class)->finalize (object);
}

static void
jb_clip_cache_class_init (JbClipCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = jb_clip_cache_finalize;

  signals[PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE, G_TYPE_INT64, G_TYPE_INT64);
}

static void
jb_clip_cache_init (JbClipCache *self)
{
  self->downloads = g_hash_table_new (g_str_hash, g_str_equal);
  self->max_bytes = JB_CLIP_CACHE_DEFAULT_MAX_BYTES;
  self->session = soup_session_new_with_options ("timeout", IO_TIMEOUT_S,
                                                 "user-agent", "jingbao/" PACKAGE_VERSION " ",
                                                 NULL);
}

JbClipCache *
jb_clip_cache_new (JbClient   *client,
                   const char *dir)
{
  JbClipCache *self;

  g_return_val_if_fail (JB_IS_CLIENT (client), NULL);

  self = g_object_new (JB_TYPE_CLIP_CACHE, NULL);
  self->client = g_object_ref (client);
  self->dir = dir != NULL ? g_strdup (dir)
                          : g_build_filename (g_get_user_cache_dir (), "jingbao", "clips", NULL);
  if (g_mkdir_with_parents (self->dir, 0700) != 0)
    g_warning ("Cannot create the clip cache %s: %s", self->dir, g_strerror (errno));
  return self;
}
