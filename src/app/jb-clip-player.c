/* jb-clip-player.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-clip-player"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>

#include "jb-clip-calls.h"
#include "jb-clip-player.h"
#include "jb-error.h"
#include "jb-json.h"
#include "jb-labels.h"

/* The speeds [ and ] step through. */
static const double rates[] = { 0.5, 1.0, 1.5, 2.0, 3.0, 4.0 };

#define SEEK_STEP_US (5 * G_USEC_PER_SEC)

/* Without settings the speed still stays across clips (process-wide). */
static double fallback_rate = 1.0;

struct _JbClipPlayer
{
  GtkWidget      parent_instance;

  /* Template widgets */
  GtkLabel      *title_label;
  GtkLabel      *rate_label;
  GtkLabel      *verified_label;
  GtkStack      *stack;
  GtkProgressBar *progress_bar;
  GtkLabel      *progress_label;
  GtkVideo      *video;
  GtkLabel      *error_label;
  GtkLabel      *position_label;

  /* Owned references */
  JbClient      *client;
  JbClipCache   *cache;
  GSettings     *settings;
  JbClip        *clip;
  JbClipStream  *stream;
  GCancellable  *cancellable;
  GtkWindow     *fullscreen;  /* weak */
  char          *error_text;
  gboolean       verified;
  gboolean       play_when_ready;
};

G_DEFINE_FINAL_TYPE (JbClipPlayer, jb_clip_player, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CLIP,
  PROP_VERIFIED,
  PROP_RATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GSettings *
jb_clip_player_dup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "clip-playback-rate"))
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}

char *
jb_clip_player_describe_error (const GError *error)
{
  if (error->domain == JB_ERROR)
    switch (error->code)
      {
      case JB_ERROR_FORBIDDEN:
        return g_strdup_printf (_("You have no permission to watch this clip (the server answered: %s)."),
                                error->message);
      case JB_ERROR_UNAUTHORIZED:
        return g_strdup (_("The session has expired: sign in again to watch the clip."));
      case JB_ERROR_NOT_FOUND:
        return g_strdup (_("The clip is no longer on the server (removed or past its retention)."));
      case JB_ERROR_CONFLICT:
        return g_strdup (_("The clip is still uploading: it plays once the server has verified it."));
      case JB_ERROR_NETWORK:
        return g_strdup_printf (_("The server cannot be reached: %s"), error->message);
      default:
        return g_strdup_printf (_("The server refused the clip: %s"), error->message);
      }
  if (error->domain == JB_CLIP_CACHE_ERROR)
    switch (error->code)
      {
      case JB_CLIP_CACHE_ERROR_HASH_MISMATCH:
        return g_strdup (_("The downloaded bytes do not have the SHA-256 recorded at upload: they are not the recorded clip, so they were deleted and are not shown."));
      case JB_CLIP_CACHE_ERROR_SIZE_MISMATCH:
        return g_strdup_printf (_("The download has the wrong size, so it was deleted and is not shown: %s"),
                                error->message);
      case JB_CLIP_CACHE_ERROR_NOT_VERIFIED:
        return g_strdup (_("The clip is still uploading: it plays once the server has verified it."));
      case JB_CLIP_CACHE_ERROR_NOT_LOGGED_IN:
        return g_strdup (_("Sign in to watch clips."));
      default:
        break;
      }
  /* The stream's errors are written in words already. */
  return g_strdup (error->message);
}

static AdwToastOverlay *
toast_overlay (JbClipPlayer *self)
{
  return ADW_TOAST_OVERLAY (gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY));
}

static void
show_message (JbClipPlayer *self,
              const char   *text)
{
  AdwToastOverlay *overlay = toast_overlay (self);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (overlay, adw_toast_new (text));
  else
    g_message ("%s", text);
}

static double
current_rate (JbClipPlayer *self)
{
  return self->settings != NULL ? g_settings_get_double (self->settings, "clip-playback-rate")
                                : fallback_rate;
}

static void
update_rate_label (JbClipPlayer *self)
{
  g_autofree char *text = g_strdup_printf ("%g×", current_rate (self));

  gtk_label_set_text (self->rate_label, text);
}

static void
show_error (JbClipPlayer *self,
            const char   *text)
{
  g_free (self->error_text);
  self->error_text = g_strdup (text);
  gtk_label_set_text (self->error_label, text);
  gtk_stack_set_visible_child_name (self->stack, "error");
  gtk_widget_set_visible (GTK_WIDGET (self->verified_label), FALSE);
  gtk_label_set_text (self->position_label, "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->error_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static void
update_position (JbClipPlayer *self)
{
  GtkMediaStream *stream = GTK_MEDIA_STREAM (self->stream);
  gint64 t, duration;
  g_autofree char *now = NULL;
  g_autofree char *total = NULL;
  g_autofree char *text = NULL;

  if (self->stream == NULL || self->clip == NULL || self->error_text != NULL)
    {
      gtk_label_set_text (self->position_label, "");
      return;
    }

  t = gtk_media_stream_get_timestamp (stream);
  duration = gtk_media_stream_get_duration (stream);
  now = g_strdup_printf ("%02d:%02d.%03d", (int) (t / 60000000), (int) (t / 1000000 % 60), (int) (t / 1000 % 1000));
  total = g_strdup_printf ("%02d:%02d.%03d", (int) (duration / 60000000), (int) (duration / 1000000 % 60),
                           (int) (duration / 1000 % 1000));
  if (jb_clip_get_started_at (self->clip) > 0)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local ((jb_clip_get_started_at (self->clip) * 1000 + t) / G_USEC_PER_SEC);
      g_autofree char *clock = g_date_time_format (dt, "%H:%M:%S");

      /* Translators: position / duration · the terminal's clock at that frame */
      text = g_strdup_printf (_("%s / %s · filmed at %s.%03d"), now, total, clock,
                             (int) ((jb_clip_get_started_at (self->clip) + t / 1000) % 1000));
    }
  else
    text = g_strdup_printf ("%s / %s", now, total);
  gtk_label_set_text (self->position_label, text);
}

static void
stream_notify_cb (JbClipPlayer *self,
                  GParamSpec   *pspec,
                  GtkMediaStream *stream)
{
  const GError *error = gtk_media_stream_get_error (stream);

  if (error != NULL)
    {
      g_autofree char *text = jb_clip_player_describe_error (error);

      show_error (self, text);
      return;
    }
  if (g_str_equal (pspec->name, "prepared") && gtk_media_stream_is_prepared (stream) && self->play_when_ready)
    {
      self->play_when_ready = FALSE;
      gtk_media_stream_play (stream);
    }
  if (g_str_equal (pspec->name, "timestamp") || g_str_equal (pspec->name, "duration"))
    update_position (self);
}

static void
set_stream (JbClipPlayer *self,
            JbClipStream *stream)
{
  if (self->stream != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->stream, stream_notify_cb, self);
      gtk_media_stream_pause (GTK_MEDIA_STREAM (self->stream));
    }
  gtk_video_set_media_stream (self->video, GTK_MEDIA_STREAM (stream));
  if (self->fullscreen != NULL)
    gtk_window_destroy (self->fullscreen);
  g_set_object (&self->stream, stream);
  if (stream != NULL)
    g_signal_connect_object (stream, "notify", G_CALLBACK (stream_notify_cb), self, G_CONNECT_SWAPPED);
  update_position (self);
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(JbClipPlayer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = jb_clip_cache_fetch_finish (JB_CLIP_CACHE (source), result, &error);
  g_autoptr(JbClipStream) stream = NULL;
  GtkMediaStream *media;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (file == NULL)
    {
      g_autofree char *text = jb_clip_player_describe_error (error);

      show_error (self, text);
      return;
    }

  self->verified = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFIED]);
  gtk_widget_set_visible (GTK_WIDGET (self->verified_label), TRUE);

  stream = jb_clip_stream_new (file);
  media = GTK_MEDIA_STREAM (stream);
  jb_clip_stream_set_rate (stream, current_rate (self));
  set_stream (self, stream);
  gtk_stack_set_visible_child_name (self->stack, "video");

  if (gtk_media_stream_get_error (media) != NULL)
    {
      g_autofree char *text = jb_clip_player_describe_error (gtk_media_stream_get_error (media));

      show_error (self, text);
    }
  else if (self->play_when_ready && gtk_media_stream_is_prepared (media))
    {
      self->play_when_ready = FALSE;
      gtk_media_stream_play (media);
    }
}

static void
cache_progress_cb (JbClipPlayer *self,
                   const char   *clip_id,
                   gint64        received,
                   gint64        total)
{
  g_autofree char *text = NULL;
  double fraction;

  if (self->clip == NULL || g_strcmp0 (clip_id, jb_clip_get_id (self->clip)) != 0)
    return;
  fraction = total > 0 ? CLAMP ((double) received / total, 0, 1) : 0;
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  /* Translators: a clip download, "Downloading 45 % (2.1 of 4.6 MB)" */
  text = g_strdup_printf (_("Downloading %d %% (%.1f of %.1f MB)"), (int) (fraction * 100),
                          received / 1e6, total / 1e6);
  gtk_label_set_text (self->progress_label, text);
}

static void
clip_notify_cb (JbClipPlayer *self)
{
  /* An upload that finishes while shown: fetch it now. */
  if (self->clip != NULL && self->stream == NULL && jb_clip_is_verified (self->clip) &&
      self->error_text != NULL && self->cache != NULL)
    jb_clip_player_set_clip (self, self->clip, self->play_when_ready);
}

static void
update_title (JbClipPlayer *self)
{
  g_autofree char *start = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *text = NULL;
  const char *who;

  if (self->clip == NULL)
    {
      gtk_label_set_text (self->title_label, "");
      return;
    }
  who = jb_clip_get_unit_id (self->clip) ? jb_clip_get_unit_id (self->clip) : jb_clip_get_terminal_id (self->clip);
  start = jb_format_time (jb_clip_get_started_at (self->clip));
  duration = jb_format_duration (jb_clip_get_duration_ms (self->clip));
  /* Translators: a clip's title: unit or terminal · start time · duration */
  text = g_strdup_printf (_("%s · %s · %s"), who ? who : "", start, duration);
  gtk_label_set_text (self->title_label, text);
}

void
jb_clip_player_set_clip (JbClipPlayer *self,
                         JbClip       *clip,
                         gboolean      play)
{
  g_return_if_fail (JB_IS_CLIP_PLAYER (self));
  g_return_if_fail (clip == NULL || JB_IS_CLIP (clip));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->clip != NULL)
    g_signal_handlers_disconnect_by_func (self->clip, clip_notify_cb, self);
  g_object_ref (self);
  if (clip != NULL)
    g_object_ref (clip);
  g_clear_object (&self->clip);
  self->clip = clip;
  set_stream (self, NULL);
  g_clear_pointer (&self->error_text, g_free);
  self->verified = FALSE;
  self->play_when_ready = play;
  gtk_widget_set_visible (GTK_WIDGET (self->verified_label), FALSE);
  update_title (self);
  update_rate_label (self);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_label_set_text (self->progress_label, "");
  gtk_stack_set_visible_child_name (self->stack, "loading");

  if (clip != NULL)
    {
      g_signal_connect_object (clip, "notify::state", G_CALLBACK (clip_notify_cb), self, G_CONNECT_SWAPPED);
      if (!jb_clip_is_verified (clip))
        {
          g_autofree char *text =
            /* Translators: an upload in progress, "Still uploading: 45 %" */
            g_strdup_printf (_("Still uploading: %d %%. The clip plays once the server has verified it."),
                             (int) (jb_clip_get_progress (clip) * 100));
          show_error (self, text);
        }
      else if (self->cache == NULL)
        show_error (self, _("Sign in to watch clips."));
      else
        {
          self->cancellable = g_cancellable_new ();
          jb_clip_cache_fetch_async (self->cache, clip, self->cancellable, fetched_cb, g_object_ref (self));
        }
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIP]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFIED]);
  g_object_unref (self);
}

/* Actions */

static GtkMediaStream *
playable (JbClipPlayer *self)
{
  if (self->stream == NULL || !gtk_media_stream_is_prepared (GTK_MEDIA_STREAM (self->stream)) ||
      gtk_media_stream_get_error (GTK_MEDIA_STREAM (self->stream)) != NULL)
    return NULL;
  return GTK_MEDIA_STREAM (self->stream);
}

/* The start of the last frame: past it there is no picture to show. */
static gint64
last_frame (JbClipPlayer *self)
{
  gint64 duration = gtk_media_stream_get_duration (GTK_MEDIA_STREAM (self->stream));
  gint64 fd = jb_clip_stream_get_frame_duration (self->stream);

  return MAX (duration - MAX (fd, 1), 0);
}

static void
play_pause_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  GtkMediaStream *stream = playable (JB_CLIP_PLAYER (widget));

  if (stream != NULL)
    gtk_media_stream_set_playing (stream, !gtk_media_stream_get_playing (stream));
}

static void
seek_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  GtkMediaStream *stream = playable (JB_CLIP_PLAYER (widget));
  gint64 target;

  if (stream == NULL)
    return;
  target = gtk_media_stream_get_timestamp (stream) + g_variant_get_int32 (param) * SEEK_STEP_US;
  target = CLAMP (target, 0, last_frame (JB_CLIP_PLAYER (widget)));
  gtk_media_stream_seek (stream, target);
}

static void
seek_end_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  GtkMediaStream *stream = playable (JB_CLIP_PLAYER (widget));

  if (stream != NULL)
    gtk_media_stream_seek (stream, g_variant_get_int32 (param) < 0 ? 0 : last_frame (JB_CLIP_PLAYER (widget)));
}

static void
step_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  JbClipPlayer *self = JB_CLIP_PLAYER (widget);

  if (playable (self) != NULL)
    jb_clip_stream_step (self->stream, g_variant_get_int32 (param));
}

static void
rate_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  JbClipPlayer *self = JB_CLIP_PLAYER (widget);
  double rate = current_rate (self);
  int direction = g_variant_get_int32 (param);
  guint best = 0;

  for (guint i = 1; i < G_N_ELEMENTS (rates); i++)
    if (fabs (rates[i] - rate) < fabs (rates[best] - rate))
      best = i;
  if (direction > 0 && best + 1 < G_N_ELEMENTS (rates))
    best++;
  else if (direction < 0 && best > 0)
    best--;
  rate = rates[best];

  if (self->settings != NULL)
    g_settings_set_double (self->settings, "clip-playback-rate", rate);
  fallback_rate = rate;
  if (self->stream != NULL)
    jb_clip_stream_set_rate (self->stream, rate);
  update_rate_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
}

static void
mute_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  JbClipPlayer *self = JB_CLIP_PLAYER (widget);

  if (self->stream != NULL)
    gtk_media_stream_set_muted (GTK_MEDIA_STREAM (self->stream),
                                !gtk_media_stream_get_muted (GTK_MEDIA_STREAM (self->stream)));
}

static void
fullscreen_closed_cb (JbClipPlayer *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static gboolean
forward_shortcut_cb (GtkWidget *window,
                     GVariant  *args,
                     gpointer   user_data)
{
  JbClipPlayer *self = user_data;
  const char *action = NULL;
  GVariant *param = NULL;

  g_variant_get (args, "(&sv)", &action, &param);
  if (g_str_equal (action, "clip.fullscreen"))
    gtk_window_destroy (GTK_WINDOW (window));
  else
    gtk_widget_activate_action_variant (GTK_WIDGET (self), action,
                                        g_variant_is_of_type (param, G_VARIANT_TYPE_INT32) ? param : NULL);
  g_variant_unref (param);
  return TRUE;
}

static void
add_forward (GtkShortcutController *controller,
             JbClipPlayer          *self,
             guint                  keyval,
             GdkModifierType        mods,
             const char            *action,
             GVariant              *param)
{
  GtkShortcut *shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (keyval, mods),
                                            gtk_callback_action_new (forward_shortcut_cb, self, NULL));

  gtk_shortcut_set_arguments (shortcut, g_variant_new ("(sv)", action,
                                                       param ? param : g_variant_new_boolean (FALSE)));
  gtk_shortcut_controller_add_shortcut (controller, shortcut);
}

static void
fullscreen_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  JbClipPlayer *self = JB_CLIP_PLAYER (widget);
  GtkWidget *window, *picture;
  GtkEventController *controller;
  GtkShortcutController *shortcuts;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->fullscreen != NULL)
    {
      gtk_window_destroy (self->fullscreen);
      return;
    }
  if (self->stream == NULL)
    return;

  window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), gtk_label_get_text (self->title_label));
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
  picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (self->stream));
  gtk_widget_add_css_class (window, "jb-clip-fullscreen");
  gtk_window_set_child (GTK_WINDOW (window), picture);

  controller = gtk_shortcut_controller_new ();
  shortcuts = GTK_SHORTCUT_CONTROLLER (controller);
  gtk_shortcut_controller_set_scope (shortcuts, GTK_SHORTCUT_SCOPE_GLOBAL);
  add_forward (shortcuts, self, GDK_KEY_Escape, 0, "clip.fullscreen", NULL);
  add_forward (shortcuts, self, GDK_KEY_F11, 0, "clip.fullscreen", NULL);
  add_forward (shortcuts, self, GDK_KEY_space, 0, "clip.play-pause", NULL);
  add_forward (shortcuts, self, GDK_KEY_Left, 0, "clip.seek", g_variant_new_int32 (-1));
  add_forward (shortcuts, self, GDK_KEY_Right, 0, "clip.seek", g_variant_new_int32 (1));
  add_forward (shortcuts, self, GDK_KEY_comma, 0, "clip.step", g_variant_new_int32 (-1));
  add_forward (shortcuts, self, GDK_KEY_period, 0, "clip.step", g_variant_new_int32 (1));
  add_forward (shortcuts, self, GDK_KEY_bracketleft, 0, "clip.rate", g_variant_new_int32 (-1));
  add_forward (shortcuts, self, GDK_KEY_bracketright, 0, "clip.rate", g_variant_new_int32 (1));
  add_forward (shortcuts, self, GDK_KEY_m, 0, "clip.mute", NULL);
  add_forward (shortcuts, self, GDK_KEY_s, GDK_CONTROL_MASK, "clip.save-frame", NULL);
  gtk_widget_add_controller (window, controller);

  self->fullscreen = GTK_WINDOW (window);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->fullscreen);
  g_signal_connect_object (window, "destroy", G_CALLBACK (fullscreen_closed_cb), self, G_CONNECT_SWAPPED);
  gtk_window_fullscreen (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
}

static void
audit_recorded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(JbClipPlayer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = jb_client_command_finish (JB_CLIENT (source), result, &error);

  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The frame was saved, but the audit record failed: %s"),
                                               error->message);
      show_message (self, text);
    }
}

static char *
snapshot_folder (JbClipPlayer *self)
{
  g_autofree char *setting = self->settings ? g_settings_get_string (self->settings, "clip-snapshot-folder") : NULL;
  const char *pictures;

  if (setting != NULL && setting[0] != '\0')
    return g_steal_pointer (&setting);
  pictures = g_get_user_special_dir (G_USER_DIRECTORY_PICTURES);
  if (pictures == NULL)
    return g_build_filename (g_get_home_dir (), "Pictures", "Jingbao", NULL);
  return g_build_filename (pictures, "Jingbao", NULL);
}

char *
jb_clip_player_save_frame (JbClipPlayer  *self,
                           GError       **error)
{
  GdkTexture *texture;
  gint64 frame_ms, now_ms;
  g_autofree char *folder = NULL;
  g_autofree char *base = NULL;
  g_autofree char *png = NULL;
  g_autofree char *png_name = NULL;
  g_autofree char *json_path = NULL;
  g_autofree char *json_text = NULL;
  g_autoptr(JsonNode) sidecar = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *stamp = NULL;

  g_return_val_if_fail (JB_IS_CLIP_PLAYER (self), NULL);

  texture = self->stream ? jb_clip_stream_get_texture (self->stream) : NULL;
  if (self->clip == NULL || texture == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("No frame is shown."));
      return NULL;
    }

  frame_ms = jb_clip_stream_get_frame_time (self->stream) / 1000;
  now_ms = g_get_real_time () / 1000;
  now = g_date_time_new_now_local ();
  stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  folder = snapshot_folder (self);
  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot create the folder %s: %s"),
                   folder, g_strerror (saved));
      return NULL;
    }

  base = g_strdup_printf ("%s-%08" G_GINT64_FORMAT "ms-%s", jb_clip_get_id (self->clip), frame_ms, stamp);
  png_name = g_strconcat (base, ".png", NULL);
  png = g_build_filename (folder, png_name, NULL);
  json_path = g_strconcat (folder, G_DIR_SEPARATOR_S, base, ".json", NULL);

  if (!gdk_texture_save_to_png (texture, png))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write %s."), png);
      return NULL;
    }

  {
    const char *number = NULL;
    JbIncident *incident = NULL;

    if (self->client != NULL)
      incident = jb_store_lookup_incident (jb_client_get_store (self->client), jb_clip_get_incident_id (self->clip));
    if (incident != NULL)
      number = jb_incident_get_number (incident);
    sidecar = jb_clip_build_snapshot_sidecar (self->clip, number, frame_ms, now_ms,
                                              self->client ? jb_client_get_username (self->client) : NULL,
                                              png_name, gdk_texture_get_width (texture),
                                              gdk_texture_get_height (texture));
  }
  json_text = jb_json_to_string (sidecar, NULL);
  if (!g_file_set_contents (json_path, json_text, -1, error))
    {
      g_unlink (png);
      return NULL;
    }

  if (self->client != NULL)
    jb_client_queue_command (self->client, jb_command_new_clip_snapshot (jb_clip_get_id (self->clip), frame_ms, NULL),
                             NULL, audit_recorded_cb, g_object_ref (self));
  return g_steal_pointer (&png);
}

static void
save_frame_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  JbClipPlayer *self = JB_CLIP_PLAYER (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = jb_clip_player_save_frame (self, &error);
  g_autofree char *text = NULL;

  if (path == NULL)
    text = g_strdup_printf (_("The frame was not saved: %s"), error->message);
  else
    text = g_strdup_printf (_("Frame saved to %s (recorded in the clip's audit)"), path);
  show_message (self, text);
}

/* Accessors */

JbClip *
jb_clip_player_get_clip (JbClipPlayer *self)
{
  g_return_val_if_fail (JB_IS_CLIP_PLAYER (self), NULL);
  return self->clip;
}

JbClipStream *
jb_clip_player_get_stream (JbClipPlayer *self)
{
  g_return_val_if_fail (JB_IS_CLIP_PLAYER (self), NULL);
  return self->stream;
}

gboolean
jb_clip_player_get_verified (JbClipPlayer *self)
{
  g_return_val_if_fail (JB_IS_CLIP_PLAYER (self), FALSE);
  return self->verified;
}

const char *
jb_clip_player_get_error_text (JbClipPlayer *self)
{
  g_return_val_if_fail (JB_IS_CLIP_PLAYER (self), NULL);
  return self->error_text;
}

double
jb_clip_player_get_rate (JbClipPlayer *self)
{
  g_return_val_if_fail (JB_IS_CLIP_PLAYER (self), 1.0);
  return current_rate (self);
}

void
jb_clip_player_set_client (JbClipPlayer *self,
                           JbClient     *client,
                           JbClipCache  *cache)
{
  g_return_if_fail (JB_IS_CLIP_PLAYER (self));

  if (self->cache != NULL)
    g_signal_handlers_disconnect_by_func (self->cache, cache_progress_cb, self);
  g_set_object (&self->client, client);
  g_set_object (&self->cache, cache);
  if (cache != NULL)
    g_signal_connect_object (cache, "progress", G_CALLBACK (cache_progress_cb), self, G_CONNECT_SWAPPED);
}

/* GObject */

static void
jb_clip_player_dispose (GObject *object)
{
  JbClipPlayer *self = (JbClipPlayer *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->fullscreen != NULL)
    gtk_window_destroy (self->fullscreen);
  if (self->stream != NULL)
    g_signal_handlers_disconnect_by_func (self->stream, stream_notify_cb, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), JB_TYPE_CLIP_PLAYER);
  /* The template's root box is not a bound child. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL; )
    gtk_widget_unparent (child);
  g_clear_object (&self->stream);
  g_clear_object (&self->clip);
  g_clear_object (&self->cache);
  g_clear_object (&self->client);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->error_text, g_free);

  G_OBJECT_CLASS (jb_clip_player_parent_class)->dispose (object);
}

static void
jb_clip_player_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  JbClipPlayer *self = JB_CLIP_PLAYER (object);

  switch (prop_id)
    {
    case PROP_CLIP: g_value_set_object (value, self->clip); break;
    case PROP_VERIFIED: g_value_set_boolean (value, self->verified); break;
    case PROP_RATE: g_value_set_double (value, current_rate (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_clip_player_class_init (JbClipPlayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = jb_clip_player_dispose;
  object_class->get_property = jb_clip_player_get_property;

  properties[PROP_CLIP] = g_param_spec_object ("clip", NULL, NULL, JB_TYPE_CLIP, flags);
  properties[PROP_VERIFIED] = g_param_spec_boolean ("verified", NULL, NULL, FALSE, flags);
  properties[PROP_RATE] = g_param_spec_double ("rate", NULL, NULL, 0.25, 4, 1, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/jingbao/Console/ui/jb-clip-player.ui");
  gtk_widget_class_bind_template_child (widget_class, JbClipPlayer, title_label);
  gtk_widget_class_bind_template_child (widget_class, JbClipPlayer, rate_label);
  gtk_widget_class_bind_template_child (widget_class, JbClipPlayer, verified_label);
  gtk_widget_class_bind_template_child (widget_class, JbClipPlayer, stack);
  gtk_widget_class_bind_template_child (widget_class, JbClipPlayer, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, JbClipPlayer, progress_label);
  gtk_widget_class_bind_template_child (widget_class, JbClipPlayer, video);
  gtk_widget_class_bind_template_child (widget_class, JbClipPlayer, error_label);
  gtk_widget_class_bind_template_child (widget_class, JbClipPlayer, position_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "jb-clip-player");

  gtk_widget_class_install_action (widget_class, "clip.play-pause", NULL, play_pause_action);
  gtk_widget_class_install_action (widget_class, "clip.seek", "i", seek_action);
  gtk_widget_class_install_action (widget_class, "clip.seek-end", "i", seek_end_action);
  gtk_widget_class_install_action (widget_class, "clip.step", "i", step_action);
  gtk_widget_class_install_action (widget_class, "clip.rate", "i", rate_action);
  gtk_widget_class_install_action (widget_class, "clip.mute", NULL, mute_action);
  gtk_widget_class_install_action (widget_class, "clip.fullscreen", NULL, fullscreen_action);
  gtk_widget_class_install_action (widget_class, "clip.save-frame", NULL, save_frame_action);

  /* While the player has the focus; V in the window brings it there. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "clip.play-pause", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "clip.seek", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "clip.seek", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "clip.seek-end", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, 0, "clip.seek-end", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, 0, "clip.step", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_period, 0, "clip.step", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_bracketleft, 0, "clip.rate", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_bracketright, 0, "clip.rate", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, 0, "clip.mute", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "clip.fullscreen", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "clip.save-frame", NULL);

  g_type_ensure (JB_TYPE_CLIP_STREAM);
}

static void
jb_clip_player_init (JbClipPlayer *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = jb_clip_player_dup_settings ();
  update_rate_label (self);
}

GtkWidget *
jb_clip_player_new (void)
{
  return g_object_new (JB_TYPE_CLIP_PLAYER, NULL);
}
