/* jb-wall-video.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-wall-video"

#include <glib/gi18n.h>

#include "jb-clip-player.h"
#include "jb-labels.h"
#include "jb-wall-video.h"

/* The corner's natural width: a clip's own size (720p) would cover the
 * map. */
#define NATURAL_WIDTH 496

/* How long a clip that cannot play says why before the corner clears. */
#define ERROR_SHOWN_S 15

struct _JbWallVideo
{
  GtkWidget     parent_instance;

  /* Template widgets */
  GtkLabel     *banner_label;
  GtkPicture   *picture;
  GtkLabel     *info_label;

  /* Owned references */
  JbClient     *client;
  JbClipCache  *cache;
  GSettings    *settings;
  JbClip       *clip;
  JbClipStream *stream;
  GCancellable *cancellable;
  GHashTable   *autoplayed;  /* clip id → its incident's id: played once already */
  guint         hide_id;
};

G_DEFINE_FINAL_TYPE (JbWallVideo, jb_wall_video, GTK_TYPE_WIDGET)

static void
stop (JbWallVideo *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->hide_id, g_source_remove);
  if (self->picture != NULL)
    gtk_picture_set_paintable (self->picture, NULL);
  if (self->stream != NULL)
    g_signal_handlers_disconnect_by_data (self->stream, self);
  g_clear_object (&self->stream);
  g_clear_object (&self->clip);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

static gboolean
hide_cb (gpointer user_data)
{
  JbWallVideo *self = user_data;

  self->hide_id = 0;
  stop (self);
  return G_SOURCE_REMOVE;
}

static void
show_error (JbWallVideo  *self,
            const GError *error)
{
  g_autofree char *text = jb_clip_player_describe_error (error);

  gtk_label_set_text (self->info_label, text);
  gtk_picture_set_paintable (self->picture, NULL);
  g_clear_handle_id (&self->hide_id, g_source_remove);
  self->hide_id = g_timeout_add_seconds (ERROR_SHOWN_S, hide_cb, self);
}

static void
stream_notify_cb (JbWallVideo    *self,
                  GParamSpec     *pspec,
                  GtkMediaStream *stream)
{
  if (gtk_media_stream_get_error (stream) != NULL)
    show_error (self, gtk_media_stream_get_error (stream));
  else if (gtk_media_stream_get_ended (stream))
    stop (self);  /* back to the map */
  else if (g_str_equal (pspec->name, "prepared") && gtk_media_stream_is_prepared (stream))
    gtk_media_stream_play (stream);
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(JbWallVideo) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = jb_clip_cache_fetch_finish (JB_CLIP_CACHE (source), result, &error);
  GtkMediaStream *media;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (file == NULL)
    {
      show_error (self, error);
      return;
    }

  self->stream = jb_clip_stream_new (file);
  media = GTK_MEDIA_STREAM (self->stream);
  /* The wall is silent: the room has its own sound. */
  gtk_media_stream_set_muted (media, TRUE);
  g_signal_connect_object (self->stream, "notify", G_CALLBACK (stream_notify_cb), self, G_CONNECT_SWAPPED);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->stream));
  gtk_label_set_text (self->info_label, _("Verified (SHA-256)"));
  if (gtk_media_stream_get_error (media) != NULL)
    show_error (self, gtk_media_stream_get_error (media));
  else if (gtk_media_stream_is_prepared (media))
    gtk_media_stream_play (media);
}

void
jb_wall_video_play (JbWallVideo *self,
                    JbClip      *clip)
{
  JbIncident *incident = NULL;
  g_autofree char *banner = NULL;

  g_return_if_fail (JB_IS_WALL_VIDEO (self));
  g_return_if_fail (JB_IS_CLIP (clip));

  g_object_ref (clip);
  stop (self);
  self->clip = clip;

  if (self->client != NULL)
    incident = jb_store_lookup_incident (jb_client_get_store (self->client), jb_clip_get_incident_id (clip));
  if (incident != NULL)
    {
      const char *place = jb_incident_get_venue_name (incident);

      if (place == NULL)
        place = jb_incident_get_address (incident);
      banner = g_strdup_printf ("P%u %s · %s%s%s", jb_incident_get_priority (incident),
                                jb_incident_get_number (incident) ? jb_incident_get_number (incident) : "",
                                jb_incident_type_get_label (jb_incident_get_incident_type (incident)),
                                place ? " · " : "", place ? place : "");
    }
  else
    banner = g_strdup (jb_clip_get_incident_id (clip));
  gtk_label_set_text (self->banner_label, banner);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, banner, -1);
  gtk_label_set_text (self->info_label, _("Loading the clip…"));
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);

  if (self->cache == NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (JB_CLIP_CACHE_ERROR, JB_CLIP_CACHE_ERROR_NOT_LOGGED_IN, "");

      show_error (self, error);
      return;
    }
  self->cancellable = g_cancellable_new ();
  jb_clip_cache_fetch_async (self->cache, clip, self->cancellable, fetched_cb, g_object_ref (self));
}

static void
wall_pushed_cb (JbWallVideo *self,
                JbClip      *clip,
                const char  *incident_id,
                const char  *by,
                const char  *reason)
{
  jb_wall_video_play (self, clip);
}

/* A wall runs for weeks: remember the clips played only while their
 * incident is open (a closed one's clips never come back). */
static void
forget_closed (JbWallVideo *self)
{
  JbStore *store = jb_client_get_store (self->client);
  GHashTableIter iter;
  gpointer incident_id;

  g_hash_table_iter_init (&iter, self->autoplayed);
  while (g_hash_table_iter_next (&iter, NULL, &incident_id))
    if (jb_store_lookup_incident (store, incident_id) == NULL)
      g_hash_table_iter_remove (&iter);
}

static void
store_changed_cb (JbWallVideo   *self,
                  JbStoreChange  kind,
                  const char    *id)
{
  JbClip *clip;
  JbIncident *incident;

  if (kind == JB_STORE_CHANGE_INCIDENT && g_hash_table_size (self->autoplayed) > 0 &&
      jb_store_lookup_incident (jb_client_get_store (self->client), id) == NULL)
    forget_closed (self);
  if (kind != JB_STORE_CHANGE_CLIP || self->settings == NULL ||
      !g_settings_get_boolean (self->settings, "wall-autoplay-priority1"))
    return;

  clip = jb_store_lookup_clip (jb_client_get_store (self->client), id);
  if (clip == NULL || !jb_clip_is_verified (clip) || g_hash_table_contains (self->autoplayed, id))
    return;
  incident = jb_store_lookup_incident (jb_client_get_store (self->client), jb_clip_get_incident_id (clip));
  if (incident == NULL || jb_incident_get_priority (incident) != 1)
    return;

  g_hash_table_insert (self->autoplayed, g_strdup (id), g_strdup (jb_incident_get_id (incident)));
  jb_wall_video_play (self, clip);
}

void
jb_wall_video_set_client (JbWallVideo *self,
                          JbClient    *client,
                          JbClipCache *cache)
{
  JbStore *store;

  g_return_if_fail (JB_IS_WALL_VIDEO (self));
  g_return_if_fail (self->client == NULL);

  self->client = g_object_ref (client);
  g_set_object (&self->cache, cache);
  if (jb_client_get_role (client) != JB_ROLE_VIEWER)
    return;

  store = jb_client_get_store (client);
  g_signal_connect_object (store, "wall-pushed", G_CALLBACK (wall_pushed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "snapshot-loaded", G_CALLBACK (forget_closed), self, G_CONNECT_SWAPPED);
}

guint
jb_wall_video_get_n_remembered (JbWallVideo *self)
{
  g_return_val_if_fail (JB_IS_WALL_VIDEO (self), 0);
  return g_hash_table_size (self->autoplayed);
}

JbClip *
jb_wall_video_get_clip (JbWallVideo *self)
{
  g_return_val_if_fail (JB_IS_WALL_VIDEO (self), NULL);
  return self->clip;
}

JbClipStream *
jb_wall_video_get_stream (JbWallVideo *self)
{
  g_return_val_if_fail (JB_IS_WALL_VIDEO (self), NULL);
  return self->stream;
}

const char *
jb_wall_video_get_banner (JbWallVideo *self)
{
  g_return_val_if_fail (JB_IS_WALL_VIDEO (self), NULL);
  return gtk_label_get_text (self->banner_label);
}

static void
jb_wall_video_dispose (GObject *object)
{
  JbWallVideo *self = (JbWallVideo *)object;

  stop (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), JB_TYPE_WALL_VIDEO);
  /* The template's root box is not a bound child. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL; )
    gtk_widget_unparent (child);
  g_clear_object (&self->client);
  g_clear_object (&self->cache);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->autoplayed, g_hash_table_unref);

  G_OBJECT_CLASS (jb_wall_video_parent_class)->dispose (object);
}

static void
jb_wall_video_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  *minimum = *natural = 0;
  if (child == NULL)
    return;
  if (orientation == GTK_ORIENTATION_VERTICAL && for_size < 0)
    for_size = NATURAL_WIDTH;
  gtk_widget_measure (child, orientation, for_size, minimum, natural, NULL, NULL);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = MAX (*minimum, MIN (*natural, NATURAL_WIDTH));
}

static void
jb_wall_video_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  if (child != NULL)
    gtk_widget_allocate (child, width, height, baseline, NULL);
}

static GtkSizeRequestMode
jb_wall_video_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
jb_wall_video_class_init (JbWallVideoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_wall_video_dispose;
  widget_class->measure = jb_wall_video_measure;
  widget_class->size_allocate = jb_wall_video_size_allocate;
  widget_class->get_request_mode = jb_wall_video_get_request_mode;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/jingbao/Console/ui/jb-wall-video.ui");
  gtk_widget_class_bind_template_child (widget_class, JbWallVideo, banner_label);
  gtk_widget_class_bind_template_child (widget_class, JbWallVideo, picture);
  gtk_widget_class_bind_template_child (widget_class, JbWallVideo, info_label);
  gtk_widget_class_set_css_name (widget_class, "jb-wall-video");
}

static void
jb_wall_video_init (JbWallVideo *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = jb_clip_player_dup_settings ();
  self->autoplayed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

GtkWidget *
jb_wall_video_new (void)
{
  return g_object_new (JB_TYPE_WALL_VIDEO, NULL);
}
