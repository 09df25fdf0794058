/* jb-tile-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-tile-layer"

#include "jb-tile-layer.h"

#include <math.h>

#include "jb-map-frame.h"

/* At most this many requests out at once: a fast zoom asks for the
 * levels it passes through only as far as they are still wanted. */
#define MAX_PENDING     24
/* Tiles kept decoded by default (256 KB each at 256 px: 100 MB at most);
 * a 1920×1080 screen needs about 60. */
#define MAX_KEPT        400
/* A tile that failed (offline, server error) is asked again after this. */
#define RETRY_US        (20 * G_USEC_PER_SEC)

typedef struct
{
  GdkTexture *texture;
  gboolean    pending;
  gint64      failed_at;  /* 0: not failed */
  gboolean    empty;      /* the source has nothing there */
  guint64     used;       /* frame counter of the last use */
} Tile;

struct _JbTileLayer
{
  ShumateLayer        parent_instance;

  /* Owned */
  ShumateDataSource  *source;
  GCancellable       *cancellable;
  GHashTable         *tiles;     /* key → Tile */
  guint               minzoom;
  guint               maxzoom;
  guint               tile_size;
  double              min_mx, min_my, max_mx, max_my;
  guint               n_pending;
  guint               max_kept;
  guint64             frame;
  guint               n_drawn;
};

G_DEFINE_FINAL_TYPE (JbTileLayer, jb_tile_layer, SHUMATE_TYPE_LAYER)

static inline guint64
tile_key (guint z,
          guint x,
          guint y)
{
  return ((guint64) z << 58) | ((guint64) x << 29) | y;
}

static void
tile_free (gpointer data)
{
  Tile *tile = data;

  g_clear_object (&tile->texture);
  g_free (tile);
}

static Tile *
lookup (JbTileLayer *self,
        guint        z,
        guint        x,
        guint        y)
{
  guint64 key = tile_key (z, x, y);

  return g_hash_table_lookup (self->tiles, &key);
}

static Tile *
ensure (JbTileLayer *self,
        guint        z,
        guint        x,
        guint        y)
{
  Tile *tile = lookup (self, z, x, y);

  if (tile == NULL)
    {
      guint64 *key = g_new (guint64, 1);

      *key = tile_key (z, x, y);
      tile = g_new0 (Tile, 1);
      g_hash_table_insert (self->tiles, key, tile);
    }
  return tile;
}

static void
set_texture (JbTileLayer *self,
             Tile        *tile,
             GBytes      *bytes)
{
  g_autoptr(GError) error = NULL;
  GdkTexture *texture = gdk_texture_new_from_bytes (bytes, &error);

  if (texture == NULL)
    {
      g_debug ("A tile is not an image: %s", error->message);
      tile->empty = TRUE;
      return;
    }
  g_set_object (&tile->texture, texture);
  g_object_unref (texture);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

typedef struct
{
  JbTileLayer *self;
  guint        z, x, y;
} Request;

static void
received_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Request *request = user_data;
  JbTileLayer *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = shumate_data_source_get_tile_data_finish (SHUMATE_DATA_SOURCE (object), result, &error);
  Tile *tile;

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      self->n_pending--;
      tile = lookup (self, request->z, request->x, request->y);
      if (tile != NULL)
        {
          tile->pending = FALSE;
          if (bytes != NULL && tile->texture == NULL)
            set_texture (self, tile, bytes);
          else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
            tile->empty = TRUE;
          else if (error != NULL)
            tile->failed_at = g_get_monotonic_time ();
        }
      /* A slot is free: what is still missing can be asked now. */
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  g_object_unref (request->self);
  g_free (request);
}

/* Data sources also say "here is a cached copy" before they revalidate. */
static void
source_received_data_cb (JbTileLayer *self,
                         int          x,
                         int          y,
                         int          z,
                         GBytes      *bytes)
{
  Tile *tile;

  if (x < 0 || y < 0 || z < 0)
    return;
  tile = lookup (self, (guint) z, (guint) x, (guint) y);
  if (tile != NULL && tile->texture == NULL)
    set_texture (self, tile, bytes);
}

static void
request (JbTileLayer *self,
         Tile        *tile,
         guint        z,
         guint        x,
         guint        y)
{
  Request *req;

  if (tile->texture != NULL || tile->pending || tile->empty || self->n_pending >= MAX_PENDING ||
      (tile->failed_at != 0 && g_get_monotonic_time () - tile->failed_at < RETRY_US))
    return;
  tile->pending = TRUE;
  tile->failed_at = 0;
  self->n_pending++;
  req = g_new0 (Request, 1);
  req->self = g_object_ref (self);
  req->z = z;
  req->x = x;
  req->y = y;
  shumate_data_source_get_tile_data_async (self->source, (int) x, (int) y, (int) z, self->cancellable,
                                           received_cb, req);
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x > y ? -1 : x < y;
}

/* Drops the least recently drawn tiles past max_kept. */
static void
evict (JbTileLayer *self)
{
  GHashTableIter iter;
  gpointer value;
  g_autoptr(GArray) ages = NULL;
  guint64 oldest_kept;

  if (g_hash_table_size (self->tiles) <= self->max_kept)
    return;
  ages = g_array_sized_new (FALSE, FALSE, sizeof (guint64), g_hash_table_size (self->tiles));
  g_hash_table_iter_init (&iter, self->tiles);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_array_append_val (ages, ((Tile *) value)->used);
  g_array_sort (ages, compare_newest_first);
  oldest_kept = g_array_index (ages, guint64, self->max_kept - 1);
  g_hash_table_iter_init (&iter, self->tiles);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Tile *) value)->used < oldest_kept && !((Tile *) value)->pending)
      g_hash_table_iter_remove (&iter);
}

static void
append_tile (GtkSnapshot      *snapshot,
             GdkTexture       *texture,
             const JbMapFrame *frame,
             guint             z,
             guint             x,
             guint             y)
{
  double size = frame->world / (double) (1u << z);
  /* Whole pixels on both edges: neighbours meet without a seam. */
  double x0 = floor (x * size - frame->origin_x);
  double y0 = floor (y * size - frame->origin_y);
  double x1 = floor ((x + 1) * size - frame->origin_x);
  double y1 = floor ((y + 1) * size - frame->origin_y);

  gtk_snapshot_append_texture (snapshot, texture, &GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0));
}

/* While a tile loads: the nearest coarser level's tile that covers it,
 * clipped to the missing tile's square. */
static void
append_fallback (JbTileLayer      *self,
                 GtkSnapshot      *snapshot,
                 const JbMapFrame *frame,
                 guint             z,
                 guint             x,
                 guint             y)
{
  double size = frame->world / (double) (1u << z);

  for (guint up = 1; up <= 4 && z >= self->minzoom + up; up++)
    {
      Tile *parent = lookup (self, z - up, x >> up, y >> up);

      if (parent != NULL && parent->texture != NULL)
        {
          double x0 = floor (x * size - frame->origin_x);
          double y0 = floor (y * size - frame->origin_y);
          double x1 = floor ((x + 1) * size - frame->origin_x);
          double y1 = floor ((y + 1) * size - frame->origin_y);

          parent->used = self->frame;
          gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0));
          append_tile (snapshot, parent->texture, frame, z - up, x >> up, y >> up);
          gtk_snapshot_pop (snapshot);
          return;
        }
    }
}

static void
jb_tile_layer_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  JbTileLayer *self = JB_TILE_LAYER (widget);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  JbMapFrame frame;
  double corners_mx[4], corners_my[4];
  double min_mx = G_MAXDOUBLE, min_my = G_MAXDOUBLE, max_mx = -G_MAXDOUBLE, max_my = -G_MAXDOUBLE;
  guint z, n, x_first, x_last, y_first, y_last;

  self->n_drawn = 0;
  if (!jb_map_frame_init (&frame, viewport, widget))
    return;
  self->frame++;

  z = (guint) CLAMP (floor (frame.zoom + 1e-9), (double) self->minzoom, (double) self->maxzoom);
  n = 1u << z;

  jb_map_frame_unproject (&frame, 0, 0, &corners_mx[0], &corners_my[0]);
  jb_map_frame_unproject (&frame, frame.width, 0, &corners_mx[1], &corners_my[1]);
  jb_map_frame_unproject (&frame, 0, frame.height, &corners_mx[2], &corners_my[2]);
  jb_map_frame_unproject (&frame, frame.width, frame.height, &corners_mx[3], &corners_my[3]);
  for (guint i = 0; i < 4; i++)
    {
      min_mx = MIN (min_mx, corners_mx[i]);
      max_mx = MAX (max_mx, corners_mx[i]);
      min_my = MIN (min_my, corners_my[i]);
      max_my = MAX (max_my, corners_my[i]);
    }
  /* Only where the tile set has something. */
  min_mx = MAX (min_mx, self->min_mx);
  max_mx = MIN (max_mx, self->max_mx);
  min_my = MAX (min_my, self->min_my);
  max_my = MIN (max_my, self->max_my);
  if (min_mx >= max_mx || min_my >= max_my)
    return;
  x_first = (guint) CLAMP (floor (min_mx * n), 0, n - 1);
  x_last = (guint) CLAMP (floor (max_mx * n), 0, n - 1);
  y_first = (guint) CLAMP (floor (min_my * n), 0, n - 1);
  y_last = (guint) CLAMP (floor (max_my * n), 0, n - 1);
  /* Far below the set's first level the count explodes: draw nothing. */
  if ((guint64) (x_last - x_first + 1) * (y_last - y_first + 1) > 1024)
    return;

  if (frame.rotation != 0.0)
    {
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (frame.width / 2, frame.height / 2));
      gtk_snapshot_rotate (snapshot, (float) (frame.rotation * 180.0 / G_PI));
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-frame.width / 2, -frame.height / 2));
    }

  /* The centre first, so that its requests go out first. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint y = y_first; y <= y_last; y++)
      for (guint x = x_first; x <= x_last; x++)
        {
          Tile *tile = ensure (self, z, x, y);

          tile->used = self->frame;
          if (pass == 0)
            {
              if (tile->texture != NULL)
                {
                  append_tile (snapshot, tile->texture, &frame, z, x, y);
                  self->n_drawn++;
                }
              else
                append_fallback (self, snapshot, &frame, z, x, y);
            }
          else
            request (self, tile, z, x, y);
        }

  if (frame.rotation != 0.0)
    gtk_snapshot_restore (snapshot);
  evict (self);
}

static void
viewport_changed_cb (JbTileLayer *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
jb_tile_layer_constructed (GObject *object)
{
  JbTileLayer *self = JB_TILE_LAYER (object);

  G_OBJECT_CLASS (jb_tile_layer_parent_class)->constructed (object);

  g_signal_connect_object (shumate_layer_get_viewport (SHUMATE_LAYER (self)), "notify",
                           G_CALLBACK (viewport_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
jb_tile_layer_dispose (GObject *object)
{
  JbTileLayer *self = JB_TILE_LAYER (object);

  g_cancellable_cancel (self->cancellable);
  if (self->source != NULL)
    g_signal_handlers_disconnect_by_data (self->source, self);
  g_clear_object (&self->source);

  G_OBJECT_CLASS (jb_tile_layer_parent_class)->dispose (object);
}

static void
jb_tile_layer_finalize (GObject *object)
{
  JbTileLayer *self = JB_TILE_LAYER (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->tiles, g_hash_table_unref);

  G_OBJECT_CLASS (jb_tile_layer_parent_class)->finalize (object);
}

static void
jb_tile_layer_class_init (JbTileLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = jb_tile_layer_constructed;
  object_class->dispose = jb_tile_layer_dispose;
  object_class->finalize = jb_tile_layer_finalize;
  widget_class->snapshot = jb_tile_layer_snapshot;
}

static void
jb_tile_layer_init (JbTileLayer *self)
{
  self->cancellable = g_cancellable_new ();
  self->max_kept = MAX_KEPT;
  self->tiles = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, tile_free);
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

JbTileLayer *
jb_tile_layer_new (ShumateViewport   *viewport,
                   ShumateDataSource *source,
                   guint              minzoom,
                   guint              maxzoom,
                   guint              tile_size,
                   double             west,
                   double             south,
                   double             east,
                   double             north)
{
  JbTileLayer *self;

  g_return_val_if_fail (SHUMATE_IS_VIEWPORT (viewport), NULL);
  g_return_val_if_fail (SHUMATE_IS_DATA_SOURCE (source), NULL);
  g_return_val_if_fail (minzoom <= maxzoom && maxzoom <= 30, NULL);

  self = g_object_new (JB_TYPE_TILE_LAYER, "viewport", viewport, NULL);
  self->source = g_object_ref (source);
  self->minzoom = minzoom;
  self->maxzoom = maxzoom;
  self->tile_size = tile_size;
  self->min_mx = jb_mercator_x (west);
  self->max_mx = jb_mercator_x (east);
  self->min_my = jb_mercator_y (north);
  self->max_my = jb_mercator_y (south);
  g_signal_connect_object (source, "received-data", G_CALLBACK (source_received_data_cb), self,
                           G_CONNECT_SWAPPED);
  return self;
}

guint
jb_tile_layer_get_n_drawn (JbTileLayer *self)
{
  g_return_val_if_fail (JB_IS_TILE_LAYER (self), 0);
  return self->n_drawn;
}

void
jb_tile_layer_set_max_kept (JbTileLayer *self,
                            guint        max_kept)
{
  g_return_if_fail (JB_IS_TILE_LAYER (self));

  self->max_kept = max_kept > 0 ? max_kept : MAX_KEPT;
  evict (self);
}

guint
jb_tile_layer_get_n_kept (JbTileLayer *self)
{
  g_return_val_if_fail (JB_IS_TILE_LAYER (self), 0);

  return g_hash_table_size (self->tiles);
}
