/* jb-tile-source.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-tile-source"

#include "jb-tile-source.h"

#include "jb-error.h"

/* The cache's key has the tile set's version: a tile is only ever
 * replaced by the same bytes, so it is asked again rarely. */
#define FRESH_FOR     (7 * G_TIME_SPAN_DAY)
#define CACHE_LIMIT   (100 * 1000 * 1000)

struct _JbTileSource
{
  ShumateDataSource  parent_instance;

  JbTileFetcher     *fetcher;
  ShumateFileCache  *cache;
  guint              minzoom;
  guint              maxzoom;
};

G_DEFINE_FINAL_TYPE (JbTileSource, jb_tile_source, SHUMATE_TYPE_DATA_SOURCE)

typedef struct
{
  int     x, y, z;
  GBytes *cached;
  char   *etag;
} Request;

static void
request_free (gpointer data)
{
  Request *request = data;

  g_clear_pointer (&request->cached, g_bytes_unref);
  g_free (request->etag);
  g_free (request);
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!shumate_file_cache_store_tile_finish (SHUMATE_FILE_CACHE (object), result, &error))
    g_debug ("A tile was not cached: %s", error->message);
}

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JbTileSource *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *etag = NULL;
  JbTileResult outcome;

  if (!jb_tile_fetcher_fetch_finish (JB_TILE_FETCHER (object), result, &outcome, &bytes, &etag, &error))
    {
      g_debug ("Tile %d/%d/%d: %s", request->z, request->x, request->y, error->message);
      /* Offline or refused: a cached tile is better than none. */
      if (request->cached != NULL)
        g_task_return_pointer (task, g_bytes_ref (request->cached), (GDestroyNotify) g_bytes_unref);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  switch (outcome)
    {
    case JB_TILE_NOT_MODIFIED:
      if (request->cached != NULL)
        {
          shumate_file_cache_mark_up_to_date (self->cache, request->x, request->y, request->z);
          g_task_return_pointer (task, g_bytes_ref (request->cached), (GDestroyNotify) g_bytes_unref);
          return;
        }
      G_GNUC_FALLTHROUGH;
    case JB_TILE_EMPTY:
      /* Nothing to draw here; the map keeps its background. */
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No tile at %d/%d/%d.",
                               request->z, request->x, request->y);
      return;
    case JB_TILE_FETCHED:
    default:
      break;
    }

  g_signal_emit_by_name (self, "received-data", request->x, request->y, request->z, bytes);
  shumate_file_cache_store_tile_async (self->cache, request->x, request->y, request->z, bytes, etag,
                                       NULL, stored_cb, NULL);
  g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
}

static void
cache_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JbTileSource *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GDateTime) modtime = NULL;
  GCancellable *cancellable;

  request->cached = shumate_file_cache_get_tile_finish (SHUMATE_FILE_CACHE (object), &request->etag,
                                                        &modtime, result, NULL);
  if (request->cached != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      /* Drawn at once; asked again only when stale. */
      g_signal_emit_by_name (self, "received-data", request->x, request->y, request->z, request->cached);
      if (modtime != NULL && g_date_time_difference (now, modtime) < FRESH_FOR)
        {
          g_task_return_pointer (task, g_bytes_ref (request->cached), (GDestroyNotify) g_bytes_unref);
          return;
        }
    }

  cancellable = g_task_get_cancellable (task);
  jb_tile_fetcher_fetch_async (self->fetcher, (guint) request->z, (guint) request->x, (guint) request->y,
                               request->etag, cancellable, fetched_cb, g_steal_pointer (&task));
}

static void
jb_tile_source_get_tile_data_async (ShumateDataSource   *source,
                                    int                  x,
                                    int                  y,
                                    int                  zoom_level,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  JbTileSource *self = JB_TILE_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Request *request;

  g_task_set_source_tag (task, jb_tile_source_get_tile_data_async);
  if (zoom_level < 0 || (guint) zoom_level < self->minzoom || (guint) zoom_level > self->maxzoom ||
      x < 0 || y < 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No tiles at zoom %d.", zoom_level);
      return;
    }

  request = g_new0 (Request, 1);
  request->x = x;
  request->y = y;
  request->z = zoom_level;
  g_task_set_task_data (task, request, request_free);
  shumate_file_cache_get_tile_async (self->cache, x, y, zoom_level, cancellable, cache_read_cb,
                                     g_steal_pointer (&task));
}

static GBytes *
jb_tile_source_get_tile_data_finish (ShumateDataSource  *source,
                                     GAsyncResult       *result,
                                     GError            **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
jb_tile_source_dispose (GObject *object)
{
  JbTileSource *self = JB_TILE_SOURCE (object);

  g_clear_object (&self->fetcher);
  g_clear_object (&self->cache);

  G_OBJECT_CLASS (jb_tile_source_parent_class)->dispose (object);
}

static void
jb_tile_source_class_init (JbTileSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateDataSourceClass *source_class = SHUMATE_DATA_SOURCE_CLASS (klass);

  object_class->dispose = jb_tile_source_dispose;
  source_class->get_tile_data_async = jb_tile_source_get_tile_data_async;
  source_class->get_tile_data_finish = jb_tile_source_get_tile_data_finish;
}

static void
jb_tile_source_init (JbTileSource *self)
{
}

JbTileSource *
jb_tile_source_new (JbTileFetcher   *fetcher,
                    const char      *server_url,
                    const JbBasemap *basemap)
{
  JbTileSource *self;
  g_autofree char *key = NULL;
  g_autofree char *server = NULL;

  g_return_val_if_fail (JB_IS_TILE_FETCHER (fetcher), NULL);
  g_return_val_if_fail (basemap != NULL, NULL);

  self = g_object_new (JB_TYPE_TILE_SOURCE, NULL);
  self->fetcher = g_object_ref (fetcher);
  self->minzoom = basemap->minzoom;
  self->maxzoom = basemap->maxzoom;
  /* A directory name: letters, digits and '_' only. */
  server = g_strcanon (g_strdup (server_url != NULL ? server_url : ""),
                       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", '_');
  key = g_strdup_printf ("jingbao_%s_%s", server,
                         basemap->version != NULL && basemap->version[0] != '\0' ? basemap->version : "0");
  g_strcanon (key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", '_');
  self->cache = shumate_file_cache_new_full (CACHE_LIMIT, key, NULL);
  return self;
}
