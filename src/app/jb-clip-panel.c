/* jb-clip-panel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-clip-panel"

#include <glib/gi18n.h>

#include "jb-clip-panel.h"

struct _JbClipPanel
{
  GtkWidget     parent_instance;

  /* Template widgets */
  GtkLabel     *heading;
  JbClipList   *list;
  JbClipPlayer *player;

  /* Owned references */
  JbIncident   *incident;
  GListModel   *clips;
};

G_DEFINE_FINAL_TYPE (JbClipPanel, jb_clip_panel, GTK_TYPE_WIDGET)

static void
update (JbClipPanel *self)
{
  guint n = self->clips ? g_list_model_get_n_items (self->clips) : 0;
  JbClip *shown = jb_clip_player_get_clip (self->player);
  g_autofree char *text = NULL;
  gboolean still_there = FALSE;

  /* Translators: the heading of an incident's clips, "Video Clips (2) — V plays" */
  text = g_strdup_printf (_("Video Clips (%u) — V plays"), n);
  gtk_label_set_text (self->heading, text);
  gtk_widget_set_visible (GTK_WIDGET (self), n > 0);

  for (guint i = 0; shown != NULL && i < n; i++)
    {
      g_autoptr(JbClip) clip = g_list_model_get_item (self->clips, i);

      still_there = still_there || clip == shown;
    }
  if (shown != NULL && !still_there)
    {
      jb_clip_player_set_clip (self->player, NULL, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->player), FALSE);
    }
}

static void
clip_selected_cb (JbClipPanel *self,
                  JbClip      *clip)
{
  if (clip == jb_clip_player_get_clip (self->player) && jb_clip_player_get_error_text (self->player) == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->player), TRUE);
  jb_clip_player_set_clip (self->player, clip, TRUE);
}

void
jb_clip_panel_set_incident (JbClipPanel *self,
                            JbIncident  *incident)
{
  g_return_if_fail (JB_IS_CLIP_PANEL (self));

  if (incident == self->incident)
    return;

  if (self->clips != NULL)
    g_signal_handlers_disconnect_by_func (self->clips, update, self);
  g_set_object (&self->incident, incident);
  g_set_object (&self->clips, incident ? (gpointer) jb_incident_get_clips (incident) : NULL);
  if (self->clips != NULL)
    g_signal_connect_object (self->clips, "items-changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);

  jb_clip_player_set_clip (self->player, NULL, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->player), FALSE);
  jb_clip_list_set_model (self->list, self->clips);
  update (self);
}

JbIncident *
jb_clip_panel_get_incident (JbClipPanel *self)
{
  g_return_val_if_fail (JB_IS_CLIP_PANEL (self), NULL);
  return self->incident;
}

static JbClip *
newest_verified (JbClipPanel *self)
{
  guint n = self->clips ? g_list_model_get_n_items (self->clips) : 0;

  for (guint i = n; i > 0; i--)
    {
      g_autoptr(JbClip) clip = g_list_model_get_item (self->clips, i - 1);

      if (jb_clip_is_verified (clip))
        return clip;  /* the list holds it */
    }
  return NULL;
}

JbClip *
jb_clip_panel_get_clip (JbClipPanel *self)
{
  g_return_val_if_fail (JB_IS_CLIP_PANEL (self), NULL);

  if (jb_clip_player_get_clip (self->player) != NULL)
    return jb_clip_player_get_clip (self->player);
  return newest_verified (self);
}

static gboolean
focus_player_idle (gpointer user_data)
{
  JbClipPanel *self = user_data;

  if (self->player != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->player));
  return G_SOURCE_REMOVE;
}

gboolean
jb_clip_panel_play (JbClipPanel *self)
{
  JbClip *clip;

  g_return_val_if_fail (JB_IS_CLIP_PANEL (self), FALSE);

  clip = jb_clip_list_get_selected (self->list);
  if (clip == NULL)
    clip = newest_verified (self);
  if (clip == NULL)
    return FALSE;

  if (clip == jb_clip_player_get_clip (self->player) && jb_clip_player_get_stream (self->player) != NULL)
    {
      GtkMediaStream *stream = GTK_MEDIA_STREAM (jb_clip_player_get_stream (self->player));

      if (gtk_media_stream_is_prepared (stream) && !gtk_media_stream_get_playing (stream))
        gtk_media_stream_play (stream);
    }
  else if (!jb_clip_list_select (self->list, clip))
    return FALSE;

  /* The player may have only just been shown: then focus it once laid out
   * (the detail's viewport scrolls to the focus). */
  if (!gtk_widget_grab_focus (GTK_WIDGET (self->player)))
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, focus_player_idle, g_object_ref (self), g_object_unref);
  return TRUE;
}

void
jb_clip_panel_set_client (JbClipPanel *self,
                          JbClient    *client,
                          JbClipCache *cache)
{
  g_return_if_fail (JB_IS_CLIP_PANEL (self));

  jb_clip_list_set_cache (self->list, cache);
  jb_clip_player_set_client (self->player, client, cache);
}

JbClipList *
jb_clip_panel_get_list (JbClipPanel *self)
{
  g_return_val_if_fail (JB_IS_CLIP_PANEL (self), NULL);
  return self->list;
}

JbClipPlayer *
jb_clip_panel_get_player (JbClipPanel *self)
{
  g_return_val_if_fail (JB_IS_CLIP_PANEL (self), NULL);
  return self->player;
}

static void
jb_clip_panel_dispose (GObject *object)
{
  JbClipPanel *self = (JbClipPanel *)object;

  if (self->clips != NULL)
    g_signal_handlers_disconnect_by_func (self->clips, update, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), JB_TYPE_CLIP_PANEL);
  /* The template's root box is not a bound child. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL; )
    gtk_widget_unparent (child);
  g_clear_object (&self->clips);
  g_clear_object (&self->incident);

  G_OBJECT_CLASS (jb_clip_panel_parent_class)->dispose (object);
}

static void
jb_clip_panel_class_init (JbClipPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_clip_panel_dispose;

  g_type_ensure (JB_TYPE_CLIP_LIST);
  g_type_ensure (JB_TYPE_CLIP_PLAYER);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/jingbao/Console/ui/jb-clip-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, JbClipPanel, heading);
  gtk_widget_class_bind_template_child (widget_class, JbClipPanel, list);
  gtk_widget_class_bind_template_child (widget_class, JbClipPanel, player);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
jb_clip_panel_init (JbClipPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->list, "clip-selected", G_CALLBACK (clip_selected_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
jb_clip_panel_new (void)
{
  return g_object_new (JB_TYPE_CLIP_PANEL, NULL);
}
