/* jb-tiles.c — MBTiles reading and the tiles endpoint
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-tiles"

#include "jb-tiles.h"

#include <sodium.h>
#include <sqlite3.h>
#include <string.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "jb-error.h"
#include "jb-json.h"

#define TILES_PREFIX   "/api/v1/tiles"
#define MAX_ZOOM       30
/* Tiles do not change while the server runs; a new file comes with a new
 * config.basemap.version, which clients put in their cache key. */
#define CACHE_CONTROL  "private, max-age=86400"
#define ETAG_BYTES     16

typedef struct
{
  sqlite3      *db;
  sqlite3_stmt *select;
} Connection;

struct _JbTiles
{
  GObject      parent_instance;

  char        *path;
  JsonObject  *metadata;
  const char  *content_type;
  GAsyncQueue *connections;  /* Connection*, one per worker */
  GPtrArray   *all;          /* Connection*, owned */
  GThreadPool *pool;
};

G_DEFINE_FINAL_TYPE (JbTiles, jb_tiles, G_TYPE_OBJECT)

typedef struct
{
  JbTiles           *self;
  SoupServerMessage *msg;
  GMainContext      *context;
  gulong             finished_id;
  gboolean           finished;   /* the connection went away meanwhile */
  guint              z, x, y;
  GBytes            *bytes;
  char              *etag;
  GError            *error;
} Job;

static void
connection_free (gpointer data)
{
  Connection *conn = data;

  g_clear_pointer (&conn->select, sqlite3_finalize);
  g_clear_pointer (&conn->db, sqlite3_close);
  g_free (conn);
}

static void
jb_tiles_finalize (GObject *object)
{
  JbTiles *self = JB_TILES (object);

  /* Jobs hold a reference, so none is queued by now. */
  if (self->pool != NULL)
    g_thread_pool_free (self->pool, FALSE, TRUE);
  g_clear_pointer (&self->connections, g_async_queue_unref);
  g_clear_pointer (&self->all, g_ptr_array_unref);
  g_clear_pointer (&self->metadata, json_object_unref);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (jb_tiles_parent_class)->finalize (object);
}

static void
jb_tiles_class_init (JbTilesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = jb_tiles_finalize;
}

static void
jb_tiles_init (JbTiles *self)
{
  self->all = g_ptr_array_new_with_free_func (connection_free);
  self->connections = g_async_queue_new ();
}

/* Reading */

static Connection *
connection_open (const char  *path,
                 GError     **error)
{
  g_autofree Connection *conn = g_new0 (Connection, 1);
  int rc;

  /* NOMUTEX: a connection is used by one thread at a time. */
  rc = sqlite3_open_v2 (path, &conn->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v3 (conn->db,
                             "SELECT tile_data FROM tiles "
                             "WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
                             -1, SQLITE_PREPARE_PERSISTENT, &conn->select, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s is not a readable MBTiles file (%s).", path,
                   conn->db != NULL ? sqlite3_errmsg (conn->db) : sqlite3_errstr (rc));
      g_clear_pointer (&conn->db, sqlite3_close);
      return NULL;
    }
  return g_steal_pointer (&conn);
}

static GBytes *
connection_read (Connection  *conn,
                 guint        z,
                 guint        x,
                 guint        y,
                 GError     **error)
{
  GBytes *bytes = NULL;
  int rc;

  /* MBTiles rows count from the south (TMS). */
  sqlite3_bind_int (conn->select, 1, (int) z);
  sqlite3_bind_int64 (conn->select, 2, x);
  sqlite3_bind_int64 (conn->select, 3, (((gint64) 1 << z) - 1) - y);
  rc = sqlite3_step (conn->select);
  if (rc == SQLITE_ROW)
    bytes = g_bytes_new (sqlite3_column_blob (conn->select, 0),
                         (gsize) sqlite3_column_bytes (conn->select, 0));
  else if (rc != SQLITE_DONE)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot read a tile: %s", sqlite3_errmsg (conn->db));
  sqlite3_reset (conn->select);
  sqlite3_clear_bindings (conn->select);
  return bytes;
}

GBytes *
jb_tiles_read (JbTiles  *self,
               guint     z,
               guint     x,
               guint     y,
               GError  **error)
{
  Connection *conn;
  GBytes *bytes;

  g_return_val_if_fail (JB_IS_TILES (self), NULL);
  g_return_val_if_fail (z <= MAX_ZOOM, NULL);

  conn = g_async_queue_pop (self->connections);
  bytes = connection_read (conn, z, x, y, error);
  g_async_queue_push (self->connections, conn);
  return bytes;
}

/* Metadata */

static const char *
sniff_format (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  if (len >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "png";
  if (len >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    return "jpg";
  if (len >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return "webp";
  return "pbf";
}

static const char *
format_content_type (const char *format)
{
  if (g_strcmp0 (format, "png") == 0)
    return "image/png";
  if (g_strcmp0 (format, "jpg") == 0)
    return "image/jpeg";
  if (g_strcmp0 (format, "webp") == 0)
    return "image/webp";
  if (g_strcmp0 (format, "pbf") == 0)
    return "application/vnd.mapbox-vector-tile";
  return NULL;
}

/* [west, south, east, north] from "left,bottom,right,top"; the whole
 * Web Mercator world when absent or unreadable, as the MBTiles spec says. */
static JsonArray *
parse_bounds (const char *text)
{
  double world[4] = { -180.0, -85.0511, 180.0, 85.0511 };
  double values[4];
  g_auto(GStrv) parts = text != NULL ? g_strsplit (text, ",", -1) : NULL;
  JsonArray *array = json_array_new ();
  gboolean ok = parts != NULL && g_strv_length (parts) == 4;

  for (guint i = 0; ok && i < 4; i++)
    {
      char *end = NULL;
      g_autofree char *item = g_strstrip (g_strdup (parts[i]));

      values[i] = g_ascii_strtod (item, &end);
      ok = end != item && *end == '\0';
    }
  ok = ok && values[0] >= -180 && values[2] <= 180 && values[0] < values[2] &&
       values[1] >= -90 && values[3] <= 90 && values[1] < values[3];
  for (guint i = 0; i < 4; i++)
    json_array_add_double_element (array, ok ? values[i] : world[i]);
  return array;
}

/* Width of a PNG tile from its IHDR; 256 for the other formats. */
static gint64
tile_size_of (GBytes     *bytes,
              const char *format)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  guint32 width;

  if (g_strcmp0 (format, "png") != 0 || len < 24)
    return 256;
  width = ((guint32) data[16] << 24) | ((guint32) data[17] << 16) | ((guint32) data[18] << 8) | data[19];
  return width >= 64 && width <= 4096 ? width : 256;
}

static gboolean
query_int (sqlite3    *db,
           const char *sql,
           gint64     *out)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    {
      *out = sqlite3_column_int64 (stmt, 0);
      ok = TRUE;
    }
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
read_zoom (GHashTable *values,
           const char *key,
           gint64     *out)
{
  const char *text = g_hash_table_lookup (values, key);
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, MAX_ZOOM, &value, NULL))
    return FALSE;
  *out = (gint64) value;
  return TRUE;
}

static gboolean
load_metadata (JbTiles     *self,
               Connection  *conn,
               GError     **error)
{
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GBytes) sample = NULL;
  g_autofree char *basename = g_path_get_basename (self->path);
  g_autofree char *version = NULL;
  g_autofree char *format = NULL;
  sqlite3_stmt *stmt = NULL;
  JsonObject *metadata;
  const char *text;
  gint64 minzoom, maxzoom, row_z = 0, row_x = 0, row_y = 0;
  guint8 digest[ETAG_BYTES];
  GStatBuf st;
  int rc;

  if (sqlite3_prepare_v2 (conn->db, "SELECT name, value FROM metadata", -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s is not an MBTiles file: it has no metadata table.", self->path);
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (sqlite3_column_text (stmt, 0) != NULL && sqlite3_column_text (stmt, 1) != NULL)
      g_hash_table_replace (values, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                            g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Cannot read the metadata of %s: %s",
                   self->path, sqlite3_errmsg (conn->db));
      return FALSE;
    }

  /* A sample tile tells the format when the metadata does not, and the
   * size of PNG tiles. */
  if (query_int (conn->db, "SELECT zoom_level FROM tiles LIMIT 1", &row_z) &&
      query_int (conn->db, "SELECT tile_column FROM tiles LIMIT 1", &row_x) &&
      query_int (conn->db, "SELECT tile_row FROM tiles LIMIT 1", &row_y) &&
      row_z >= 0 && row_z <= MAX_ZOOM && row_x >= 0 && row_y >= 0 &&
      row_x < ((gint64) 1 << row_z) && row_y < ((gint64) 1 << row_z))
    sample = connection_read (conn, (guint) row_z, (guint) row_x,
                              (guint) ((((gint64) 1 << row_z) - 1) - row_y), NULL);

  text = g_hash_table_lookup (values, "format");
  if (text != NULL)
    format = g_ascii_strdown (text, -1);
  else if (sample != NULL)
    format = g_strdup (sniff_format (sample));
  else
    format = g_strdup ("png");
  if (g_strcmp0 (format, "jpeg") == 0)
    {
      g_free (format);
      format = g_strdup ("jpg");
    }
  self->content_type = format_content_type (format);
  if (self->content_type == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "%s holds tiles of format \"%s\": png, jpg, webp or pbf are served.", self->path, format);
      return FALSE;
    }

  if (!read_zoom (values, "minzoom", &minzoom) &&
      !query_int (conn->db, "SELECT MIN(zoom_level) FROM tiles", &minzoom))
    minzoom = 0;
  if (!read_zoom (values, "maxzoom", &maxzoom) &&
      !query_int (conn->db, "SELECT MAX(zoom_level) FROM tiles", &maxzoom))
    maxzoom = minzoom;
  minzoom = CLAMP (minzoom, 0, MAX_ZOOM);
  maxzoom = CLAMP (maxzoom, minzoom, MAX_ZOOM);

  /* The version changes with the file: clients key their disk cache on it. */
  if (g_stat (self->path, &st) != 0)
    memset (&st, 0, sizeof st);
  version = g_strdup_printf ("%s|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT "|%s",
                             basename, (gint64) st.st_size, (gint64) st.st_mtime,
                             (const char *) g_hash_table_lookup (values, "name"));
  crypto_generichash (digest, sizeof digest, (const guint8 *) version, strlen (version), NULL, 0);
  g_free (version);
  version = g_malloc (2 * sizeof digest + 1);
  sodium_bin2hex (version, 2 * sizeof digest + 1, digest, sizeof digest);

  metadata = json_object_new ();
  text = g_hash_table_lookup (values, "name");
  json_object_set_string_member (metadata, "name", text != NULL && *text != '\0' ? text : basename);
  text = g_hash_table_lookup (values, "attribution");
  json_object_set_string_member (metadata, "attribution", text != NULL ? text : "");
  json_object_set_string_member (metadata, "format", format);
  json_object_set_array_member (metadata, "bounds", parse_bounds (g_hash_table_lookup (values, "bounds")));
  json_object_set_int_member (metadata, "minzoom", minzoom);
  json_object_set_int_member (metadata, "maxzoom", maxzoom);
  json_object_set_int_member (metadata, "tile_size", sample != NULL ? tile_size_of (sample, format) : 256);
  json_object_set_string_member (metadata, "version", version);
  self->metadata = metadata;
  return TRUE;
}

JbTiles *
jb_tiles_open (const char  *path,
               GError     **error)
{
  g_autoptr(JbTiles) self = NULL;
  guint n_workers;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: no such file.", path);
      return NULL;
    }
  if (sodium_init () < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "libsodium cannot start.");
      return NULL;
    }

  self = g_object_new (JB_TYPE_TILES, NULL);
  self->path = g_strdup (path);
  n_workers = CLAMP (g_get_num_processors (), 2, 4);
  for (guint i = 0; i < n_workers; i++)
    {
      Connection *conn = connection_open (path, error);

      if (conn == NULL)
        return NULL;
      g_ptr_array_add (self->all, conn);
      g_async_queue_push (self->connections, conn);
    }
  if (!load_metadata (self, g_ptr_array_index (self->all, 0), error))
    return NULL;
  return g_steal_pointer (&self);
}

JsonObject *
jb_tiles_get_metadata (JbTiles *self)
{
  g_return_val_if_fail (JB_IS_TILES (self), NULL);
  return self->metadata;
}

/* Serving */

static void
answer_error (SoupServerMessage *msg,
              JbErrorCode        code,
              const char        *message)
{
  g_autoptr(GError) error = g_error_new_literal (JB_ERROR, code, message);
  g_autofree char *body = jb_json_error_body (error);

  soup_server_message_set_status (msg, jb_error_code_http_status (code), NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static gboolean
parse_coordinate (const char *text,
                  guint64     max,
                  guint      *out)
{
  guint64 value;

  /* Digits only: no sign, no space, no extension. */
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, max, &value, NULL))
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

/* "/api/v1/tiles/Z/X/Y" → z, x, y within the Web Mercator grid. */
static gboolean
parse_path (const char *path,
            guint      *z,
            guint      *x,
            guint      *y)
{
  g_auto(GStrv) parts = NULL;

  if (!g_str_has_prefix (path, TILES_PREFIX "/"))
    return FALSE;
  parts = g_strsplit (path + strlen (TILES_PREFIX "/"), "/", -1);
  return g_strv_length (parts) == 3 &&
         parse_coordinate (parts[0], MAX_ZOOM, z) &&
         parse_coordinate (parts[1], ((guint64) 1 << *z) - 1, x) &&
         parse_coordinate (parts[2], ((guint64) 1 << *z) - 1, y);
}

static gboolean
etag_matches (const char *if_none_match,
              const char *etag)
{
  GSList *list;
  gboolean match = FALSE;

  if (if_none_match == NULL || etag == NULL)
    return FALSE;
  list = soup_header_parse_list (if_none_match);
  for (GSList *l = list; l != NULL && !match; l = l->next)
    {
      const char *item = l->data;

      /* Weak comparison, as RFC 9110 wants for If-None-Match. */
      if (g_str_has_prefix (item, "W/"))
        item += 2;
      match = strcmp (item, "*") == 0 || strcmp (item, etag) == 0;
    }
  soup_header_free_list (list);
  return match;
}

static void
job_free (gpointer data)
{
  Job *job = data;

  if (job->finished_id != 0)
    g_signal_handler_disconnect (job->msg, job->finished_id);
  g_clear_object (&job->msg);
  g_clear_object (&job->self);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_clear_pointer (&job->etag, g_free);
  g_clear_error (&job->error);
  g_free (job);
}

static void
message_finished_cb (SoupServerMessage *msg,
                     Job               *job)
{
  job->finished = TRUE;
}

/* Back on the main loop. */
static gboolean
job_done_cb (gpointer data)
{
  Job *job = data;
  SoupServerMessage *msg = job->msg;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  gsize len;
  const guint8 *bytes;

  if (job->finished)
    return G_SOURCE_REMOVE;

  if (job->error != NULL)
    {
      g_warning ("Tile %u/%u/%u: %s", job->z, job->x, job->y, job->error->message);
      answer_error (msg, JB_ERROR_INTERNAL, "The tile cannot be read.");
    }
  else if (job->bytes == NULL)
    {
      /* Nothing drawn there: an empty answer, cacheable like a tile. */
      soup_message_headers_replace (headers, "Cache-Control", CACHE_CONTROL);
      soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
    }
  else
    {
      soup_message_headers_replace (headers, "Cache-Control", CACHE_CONTROL);
      soup_message_headers_replace (headers, "ETag", job->etag);
      if (etag_matches (soup_message_headers_get_one (request_headers, "If-None-Match"), job->etag))
        soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      else
        {
          bytes = g_bytes_get_data (job->bytes, &len);
          /* Vector tiles are usually stored gzipped: passed on as stored. */
          if (len >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
            soup_message_headers_replace (headers, "Content-Encoding", "gzip");
          soup_message_headers_set_content_type (headers, job->self->content_type, NULL);
          soup_message_body_append_bytes (soup_server_message_get_response_body (msg), job->bytes);
          soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
        }
    }
  soup_server_message_unpause (msg);
  return G_SOURCE_REMOVE;
}

static void
job_run (gpointer data,
         gpointer user_data)
{
  Job *job = data;
  GMainContext *context = job->context;

  job->bytes = jb_tiles_read (job->self, job->z, job->x, job->y, &job->error);
  if (job->bytes != NULL)
    {
      guint8 digest[ETAG_BYTES];
      char hex[2 * ETAG_BYTES + 1];
      gsize len;
      const guint8 *bytes = g_bytes_get_data (job->bytes, &len);

      crypto_generichash (digest, sizeof digest, bytes, len, NULL, 0);
      sodium_bin2hex (hex, sizeof hex, digest, sizeof digest);
      job->etag = g_strdup_printf ("\"%s\"", hex);
    }
  g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, job_done_cb, job, job_free);
}

void
jb_tiles_serve (JbTiles           *self,
                JbDispatch        *dispatch,
                SoupServerMessage *msg,
                const char        *path)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GError) error = NULL;
  GError *pool_error = NULL;
  Job *job;
  guint z, x, y;

  g_return_if_fail (JB_IS_TILES (self));

  if (strcmp (method, "GET") != 0 && strcmp (method, "HEAD") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, HEAD");
      answer_error (msg, JB_ERROR_METHOD_NOT_ALLOWED, "Tiles are read with GET.");
      return;
    }
  if (!jb_dispatch_authenticate_person (dispatch, soup_message_headers_get_one (request_headers, "Authorization"),
                                        &error))
    {
      answer_error (msg, (JbErrorCode) error->code, error->message);
      return;
    }
  if (!parse_path (path, &z, &x, &y))
    {
      answer_error (msg, JB_ERROR_INVALID_VALUE,
                    "Tiles are /api/v1/tiles/{z}/{x}/{y}: z from 0 to 30, x and y from 0 to 2^z - 1.");
      return;
    }

  if (self->pool == NULL)
    {
      self->pool = g_thread_pool_new (job_run, NULL, (int) self->all->len, FALSE, &pool_error);
      g_assert_no_error (pool_error);
    }

  job = g_new0 (Job, 1);
  job->self = g_object_ref (self);
  job->msg = g_object_ref (msg);
  job->context = g_main_context_ref_thread_default ();
  job->z = z;
  job->x = x;
  job->y = y;
  job->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (message_finished_cb), job);
  soup_server_message_pause (msg);
  g_thread_pool_push (self->pool, job, NULL);
}
