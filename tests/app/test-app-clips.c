/* test-app-clips.c — clips in the real window against the real server
 *
 * An alarm makes an incident; its own terminal uploads a real WebM clip
 * (tests/common/jb-test-clip). The selected incident's detail lists it,
 * V plays it (duration known, position advancing), a frame step moves by
 * one frame, the speed stays across clips, Ctrl+S saves the frame with
 * its sidecar and an audit row; a viewer window plays a pushed clip in
 * the map's corner and hides it when it ends. With the VP8 decoders
 * ranked out (GST_PLUGIN_FEATURE_RANK) the player names
 * the missing plug-in (--no-decoder). Saves test-app-clips-*.png in the build directory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "jb-client.h"
#include "jb-clip-panel.h"
#include "jb-test-alarm.h"
#include "jb-test-clip.h"
#include "jb-test-window.h"
#include "jb-wall-video.h"
#include "jb-window.h"

typedef struct
{
  JbTestServer *server;
  JbClient     *client;
  JbWindow     *window;
  JbClient     *wall_client;
  JbWindow     *wall_window;
  char         *bearer;
  char         *dir;
  JbTestAlarm   alarm;
  GSettings    *settings;
} Fixture;

static JbWindow *
open_window (Fixture    *fixture,
             const char *username,
             JbClient  **out_client)
{
  JbClient *client = jb_test_client_new_signed_in (fixture->server, username, "demo");
  JbWindow *window;

  window = jb_window_new (NULL, client);
  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 900);
  gtk_window_present (GTK_WINDOW (window));
  jb_test_client_start_live (client, 60 * 1000);
  *out_client = client;
  return window;
}

typedef struct
{
  JbStore    *store;
  const char *id;
} Lookup;

static gboolean
incident_known (gpointer data)
{
  Lookup *l = data;

  return jb_store_lookup_incident (l->store, l->id) != NULL;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(GError) error = NULL;
  Lookup lookup;

  fixture->server = jb_test_server_start (args);
  fixture->bearer = jb_test_login (fixture->server, "dispatcher", "demo");
  fixture->dir = g_dir_make_tmp ("jb-app-clips-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->settings = g_settings_new ("io.github.jingbao.Console");
  g_settings_set_string (fixture->settings, "clip-snapshot-folder", fixture->dir);
  g_settings_set_double (fixture->settings, "clip-playback-rate", 1.0);
  /* The push test pushes by hand; autoplay is checked on its own. */
  g_settings_set_boolean (fixture->settings, "wall-autoplay-priority1", FALSE);

  fixture->window = open_window (fixture, "dispatcher", &fixture->client);

  /* A one-click alarm: an incident whose own terminal may upload. */
  jb_test_alarm_raise (&fixture->alarm, fixture->server, fixture->bearer);

  lookup.store = jb_client_get_store (fixture->client);
  lookup.id = fixture->alarm.incident_id;
  g_assert_true (jb_test_wait_for (incident_known, &lookup, 60 * 1000));
}

static void
close_window (JbWindow **window,
              JbClient **client)
{
  if (*client != NULL)
    jb_client_stop (*client);
  if (*window != NULL)
    gtk_window_destroy (GTK_WINDOW (*window));
  *window = NULL;
  jb_test_spin (50);
  g_clear_object (client);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  close_window (&fixture->wall_window, &fixture->wall_client);
  close_window (&fixture->window, &fixture->client);
  g_clear_object (&fixture->settings);
  jb_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->bearer);
  jb_test_alarm_clear (&fixture->alarm);
  jb_test_server_free (fixture->server);
}

static char *
upload_clip (Fixture    *fixture,
             guint       seconds,
             const char *label)
{
  return jb_test_alarm_upload_clip (&fixture->alarm, fixture->server, fixture->dir, seconds, 640, 360, label, NULL);
}

static void
select_incident (JbWindow   *window,
                 const char *incident_id)
{
  GtkSelectionModel *queue = gtk_list_view_get_model (jb_window_get_queue (window));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (queue)); i++)
    {
      g_autoptr(JbIncident) incident = g_list_model_get_item (G_LIST_MODEL (queue), i);

      if (g_strcmp0 (jb_incident_get_id (incident), incident_id) == 0)
        {
          gtk_selection_model_select_item (queue, i, TRUE);
          return;
        }
    }
  g_assert_not_reached ();
}

typedef struct
{
  JbClipPanel *panel;
  guint        n;
} PanelCount;

/* @n clips listed, all verified. */
static gboolean
panel_has_verified (gpointer data)
{
  PanelCount *c = data;
  JbIncident *incident = jb_clip_panel_get_incident (c->panel);
  GListModel *clips = incident ? jb_incident_get_clips (incident) : NULL;

  if (clips == NULL || g_list_model_get_n_items (clips) != c->n)
    return FALSE;
  for (guint i = 0; i < c->n; i++)
    if (g_strcmp0 (jb_clip_list_get_state_text (jb_clip_panel_get_list (c->panel), i), "verified") != 0)
      return FALSE;
  return gtk_widget_get_visible (GTK_WIDGET (c->panel));
}

static gboolean
player_prepared (gpointer data)
{
  JbClipPlayer *player = data;
  JbClipStream *stream = jb_clip_player_get_stream (player);

  return jb_clip_player_get_error_text (player) != NULL ||
         (stream != NULL && gtk_media_stream_is_prepared (GTK_MEDIA_STREAM (stream)));
}

static gboolean
position_past_300ms (gpointer data)
{
  GtkMediaStream *stream = data;

  return gtk_media_stream_get_timestamp (stream) > 300 * 1000 || gtk_media_stream_get_error (stream) != NULL;
}

static gboolean
settled (gpointer data)
{
  GtkMediaStream *stream = data;

  return !gtk_media_stream_is_seeking (stream);
}

typedef struct
{
  GtkMediaStream *stream;
  gint64          from;
} Moved;

static gboolean
settled_and_moved (gpointer data)
{
  Moved *m = data;

  return !gtk_media_stream_is_seeking (m->stream) &&
         gtk_media_stream_get_timestamp (m->stream) != m->from;
}

typedef struct
{
  Fixture    *fixture;
  const char *clip_id;
} Audit;

static gboolean
audit_has_snapshot (gpointer data)
{
  Audit *a = data;
  g_autofree char *path = g_strdup_printf ("/api/v1/clips/%s/audit", a->clip_id);
  g_autoptr(JbTestResponse) response = jb_test_request (a->fixture->server, "GET", path,
                                                        a->fixture->bearer, NULL, NULL);
  JsonArray *items;

  if (response->status != 200 || response->body == NULL)
    return FALSE;
  items = json_object_get_array_member (json_node_get_object (response->body), "items");
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (items, i), "action"),
                   "snapshot") == 0)
      return TRUE;
  jb_test_spin (100);
  return FALSE;
}

static void
test_clips_detail_play (Fixture       *fixture,
                        gconstpointer  data)
{
  JbClipPanel *panel = jb_window_get_clip_panel (fixture->window);
  JbClipPlayer *player = jb_clip_panel_get_player (panel);
  PanelCount count = { panel, 1 };
  g_autofree char *clip_id = NULL;
  g_autofree char *second_id = NULL;
  GtkMediaStream *stream;
  gint64 duration, fd, t0, delta;
  Moved moved;

  select_incident (fixture->window, fixture->alarm.incident_id);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (panel)));

  /* A clip of the selected incident appears in its detail, verified. */
  clip_id = upload_clip (fixture, 2, "detail");
  g_assert_true (jb_test_wait_for (panel_has_verified, &count, 60 * 1000));

  /* V plays it in place, from the verified download. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.play-clip", NULL));
  g_assert_true (jb_test_wait_for (player_prepared, player, 60 * 1000));
  g_assert_null (jb_clip_player_get_error_text (player));
  g_assert_true (jb_clip_player_get_verified (player));
  g_assert_cmpstr (jb_clip_get_id (jb_clip_player_get_clip (player)), ==, clip_id);
  stream = GTK_MEDIA_STREAM (jb_clip_player_get_stream (player));
  duration = gtk_media_stream_get_duration (stream);
  g_assert_cmpint (duration, >, 1500 * 1000);
  g_assert_cmpint (duration, <, 2500 * 1000);
  g_assert_true (gtk_media_stream_get_playing (stream));
  g_assert_true (jb_test_wait_for (position_past_300ms, stream, 60 * 1000));
  g_assert_null (gtk_media_stream_get_error (stream));

  /* Paused (before the shot: the clip is short), a frame step moves by
   * one frame (25 fps: 40 ms). */
  gtk_media_stream_pause (stream);
  jb_test_save_png (GTK_WIDGET (fixture->window), "test-app-clips-playing.png");
  g_assert_true (jb_test_wait_for (settled, stream, 30 * 1000));
  fd = jb_clip_stream_get_frame_duration (JB_CLIP_STREAM (stream));
  g_assert_cmpint (fd, ==, 40000);
  moved.stream = stream;
  /* From a frame that has a next one (a slow run may have reached the
   * end): a few frames in. */
  if (jb_clip_stream_get_frame_time (JB_CLIP_STREAM (stream)) > duration / 2)
    {
      moved.from = gtk_media_stream_get_timestamp (stream);
      gtk_widget_activate_action (GTK_WIDGET (player), "clip.seek-end", "i", -1);
      g_assert_true (jb_test_wait_for (settled_and_moved, &moved, 30 * 1000));
    }
  /* Where it stands is read before the step, as for the step back below:
   * read after, it may already be the next frame. */
  moved.from = gtk_media_stream_get_timestamp (stream);
  gtk_widget_activate_action (GTK_WIDGET (player), "clip.step", "i", 1);
  g_assert_true (jb_test_wait_for (settled_and_moved, &moved, 30 * 1000));
  g_assert_false (gtk_media_stream_get_playing (stream));
  t0 = moved.from;
  delta = gtk_media_stream_get_timestamp (stream) - t0;
  g_test_message ("step +1: %" G_GINT64_FORMAT " µs → %" G_GINT64_FORMAT " µs", t0,
                  gtk_media_stream_get_timestamp (stream));
  g_assert_cmpint (llabs (delta - fd), <=, fd / 2);

  moved.from = gtk_media_stream_get_timestamp (stream);
  gtk_widget_activate_action (GTK_WIDGET (player), "clip.step", "i", -1);
  g_assert_true (jb_test_wait_for (settled_and_moved, &moved, 30 * 1000));
  delta = gtk_media_stream_get_timestamp (stream) - moved.from;
  g_assert_cmpint (llabs (delta + fd), <=, fd / 2);

  /* Home, then +5 s (clamped to the clip's end), M, F11. */
  moved.from = gtk_media_stream_get_timestamp (stream);
  gtk_widget_activate_action (GTK_WIDGET (player), "clip.seek-end", "i", -1);
  g_assert_true (jb_test_wait_for (settled_and_moved, &moved, 30 * 1000));
  g_assert_cmpint (gtk_media_stream_get_timestamp (stream), <, fd);
  moved.from = gtk_media_stream_get_timestamp (stream);
  gtk_widget_activate_action (GTK_WIDGET (player), "clip.seek", "i", 1);
  g_assert_true (jb_test_wait_for (settled_and_moved, &moved, 30 * 1000));
  g_assert_cmpint (gtk_media_stream_get_timestamp (stream), >=, duration - 2 * fd);
  g_assert_false (gtk_media_stream_get_muted (stream));
  gtk_widget_activate_action (GTK_WIDGET (player), "clip.mute", NULL);
  g_assert_true (gtk_media_stream_get_muted (stream));
  gtk_widget_activate_action (GTK_WIDGET (player), "clip.mute", NULL);
  g_assert_false (gtk_media_stream_get_muted (stream));
  {
    g_autoptr(GList) before = gtk_window_list_toplevels ();
    g_autoptr(GList) during = NULL;
    g_autoptr(GList) after = NULL;

    gtk_widget_activate_action (GTK_WIDGET (player), "clip.fullscreen", NULL);
    during = gtk_window_list_toplevels ();
    g_assert_cmpuint (g_list_length (during), ==, g_list_length (before) + 1);
    gtk_widget_activate_action (GTK_WIDGET (player), "clip.fullscreen", NULL);
    after = gtk_window_list_toplevels ();
    g_assert_cmpuint (g_list_length (after), ==, g_list_length (before));
  }

  /* Ctrl+S: the frame as PNG with its sidecar, and an audit row. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *png = jb_clip_player_save_frame (player, &error);
    g_autofree char *json_path = NULL;
    g_autoptr(GdkTexture) saved = NULL;
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *sidecar;
    Audit audit = { fixture, clip_id };

    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (png, fixture->dir));
    saved = gdk_texture_new_from_filename (png, &error);
    g_assert_no_error (error);
    g_assert_cmpint (gdk_texture_get_width (saved), ==, 640);
    g_assert_cmpint (gdk_texture_get_height (saved), ==, 360);
    {
      g_autofree char *stem = g_strndup (png, strlen (png) - 4);

      json_path = g_strconcat (stem, ".json", NULL);
    }
    g_assert_true (json_parser_load_from_file (parser, json_path, &error));
    sidecar = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpstr (json_object_get_string_member (sidecar, "clip_id"), ==, clip_id);
    g_assert_cmpstr (json_object_get_string_member (sidecar, "sha256"), ==,
                     jb_clip_get_sha256 (jb_clip_player_get_clip (player)));
    g_assert_cmpstr (json_object_get_string_member (sidecar, "terminal_id"), ==, fixture->alarm.terminal_id);
    g_assert_cmpint (json_object_get_int_member (sidecar, "frame_ms"), ==,
                     jb_clip_stream_get_frame_time (JB_CLIP_STREAM (stream)) / 1000);
    g_assert_true (jb_test_wait_for (audit_has_snapshot, &audit, 60 * 1000));
  }

  /* The speed: ] once is 1.5×, and it stays for the next clip. */
  gtk_widget_activate_action (GTK_WIDGET (player), "clip.rate", "i", 1);
  g_assert_cmpfloat (jb_clip_player_get_rate (player), ==, 1.5);
  g_assert_cmpfloat (jb_clip_stream_get_rate (JB_CLIP_STREAM (stream)), ==, 1.5);

  /* A second clip of the selected incident appears live. */
  second_id = upload_clip (fixture, 2, "second");
  count.n = 2;
  g_assert_true (jb_test_wait_for (panel_has_verified, &count, 60 * 1000));
  {
    JbIncident *incident = jb_clip_panel_get_incident (panel);
    JbClip *second = jb_incident_lookup_clip (incident, second_id);

    g_assert_true (jb_clip_list_select (jb_clip_panel_get_list (panel), second));
    g_assert_true (jb_test_wait_for (player_prepared, player, 60 * 1000));
    g_assert_cmpstr (jb_clip_get_id (jb_clip_player_get_clip (player)), ==, second_id);
    g_assert_cmpfloat (jb_clip_stream_get_rate (jb_clip_player_get_stream (player)), ==, 1.5);
  }
  jb_test_spin (500);
  jb_test_save_png (GTK_WIDGET (fixture->window), "test-app-clips-detail.png");
}

static gboolean
wall_playing (gpointer data)
{
  JbWallVideo *wall = data;
  JbClipStream *stream = jb_wall_video_get_stream (wall);

  return gtk_widget_get_visible (GTK_WIDGET (wall)) && stream != NULL &&
         gtk_media_stream_get_playing (GTK_MEDIA_STREAM (stream)) &&
         jb_clip_stream_get_texture (stream) != NULL;
}

static gboolean
wall_hidden (gpointer data)
{
  return !gtk_widget_get_visible (GTK_WIDGET (data));
}

static void
test_clips_wall (Fixture       *fixture,
                 gconstpointer  data)
{
  JbWallVideo *wall;
  g_autofree char *clip_id = NULL;
  g_autofree char *auto_id = NULL;
  JbClipPanel *panel = jb_window_get_clip_panel (fixture->window);
  PanelCount count = { panel, 1 };
  JbIncident *incident;

  fixture->wall_window = open_window (fixture, "wall", &fixture->wall_client);
  g_assert_cmpint (jb_client_get_role (fixture->wall_client), ==, JB_ROLE_VIEWER);
  wall = jb_window_get_wall_video (fixture->wall_window);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (wall)));
  /* A viewer has no push. */
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (fixture->wall_window), "win.push-clip", NULL) &&
                  gtk_widget_get_visible (GTK_WIDGET (wall)));

  select_incident (fixture->window, fixture->alarm.incident_id);
  clip_id = upload_clip (fixture, 2, "wall");
  g_assert_true (jb_test_wait_for (panel_has_verified, &count, 60 * 1000));

  /* The dispatcher pushes; the wall plays it in the map's corner with
   * the incident's banner, then goes back to the map. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.push-clip", NULL));
  g_assert_true (jb_test_wait_for (wall_playing, wall, 60 * 1000));
  g_assert_cmpstr (jb_clip_get_id (jb_wall_video_get_clip (wall)), ==, clip_id);
  incident = jb_store_lookup_incident (jb_client_get_store (fixture->wall_client), fixture->alarm.incident_id);
  g_assert_nonnull (incident);
  g_assert_nonnull (strstr (jb_wall_video_get_banner (wall), jb_incident_get_number (incident)));
  jb_test_save_png (GTK_WIDGET (fixture->wall_window), "test-app-clips-wall.png");
  g_assert_true (jb_test_wait_for (wall_hidden, wall, 60 * 1000));
  g_assert_null (jb_wall_video_get_stream (wall));

  /* With the setting, a new priority-1 clip plays by itself. */
  g_settings_set_boolean (fixture->settings, "wall-autoplay-priority1", TRUE);
  auto_id = upload_clip (fixture, 2, "auto");
  g_assert_true (jb_test_wait_for (wall_playing, wall, 60 * 1000));
  g_assert_cmpstr (jb_clip_get_id (jb_wall_video_get_clip (wall)), ==, auto_id);
  g_assert_true (jb_test_wait_for (wall_hidden, wall, 60 * 1000));
}

static void
test_clips_no_decoder (Fixture       *fixture,
                       gconstpointer  data)
{
  JbClipPanel *panel = jb_window_get_clip_panel (fixture->window);
  JbClipPlayer *player = jb_clip_panel_get_player (panel);
  PanelCount count = { panel, 1 };
  g_autofree char *clip_id = NULL;
  const char *text;

  select_incident (fixture->window, fixture->alarm.incident_id);
  clip_id = upload_clip (fixture, 1, "no decoder");
  g_assert_true (jb_test_wait_for (panel_has_verified, &count, 60 * 1000));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.play-clip", NULL));
  g_assert_true (jb_test_wait_for (player_prepared, player, 60 * 1000));

  /* Not a black box: the words name what is missing. */
  text = jb_clip_player_get_error_text (player);
  g_test_message ("error shown: %s", text);
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, "plug-in"));
  g_assert_nonnull (strstr (text, "VP8"));
  jb_test_spin (300);
  jb_test_save_png (GTK_WIDGET (fixture->window), "test-app-clips-no-decoder.png");
}

/* The stream alone in a GtkVideo: no server. */
static JbClipStream *
stream_in_window (const char  *dir,
                  GtkWindow  **out_window)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = jb_test_clip_make (dir, 2, 320, 240, "stream", &error);
  g_autoptr(GFile) file = NULL;
  JbClipStream *stream;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *video = gtk_video_new ();

  g_assert_no_error (error);
  file = g_file_new_for_path (path);
  stream = jb_clip_stream_new (file);
  gtk_video_set_media_stream (GTK_VIDEO (video), GTK_MEDIA_STREAM (stream));
  gtk_window_set_child (GTK_WINDOW (window), video);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 480);
  gtk_window_present (GTK_WINDOW (window));
  *out_window = GTK_WINDOW (window);
  return stream;
}

static gboolean
prepared_or_failed (gpointer data)
{
  GtkMediaStream *stream = data;

  return gtk_media_stream_is_prepared (stream) || gtk_media_stream_get_error (stream) != NULL;
}

static gboolean
drawn (gpointer data)
{
  return jb_clip_stream_get_first_draw_time (data) != 0;
}

static gboolean
ended (gpointer data)
{
  return gtk_media_stream_get_ended (data);
}

static void
test_clips_stream (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jb-clip-stream-XXXXXX", &error);
  GtkWindow *window = NULL;
  g_autoptr(JbClipStream) stream = stream_in_window (dir, &window);
  GtkMediaStream *media = GTK_MEDIA_STREAM (stream);
  Moved moved = { media, 0 };
  gint64 fd;

  g_assert_true (jb_test_wait_for (prepared_or_failed, media, 60 * 1000));
  g_assert_null (gtk_media_stream_get_error (media));
  g_assert_true (gtk_media_stream_has_video (media));
  g_assert_true (gtk_media_stream_has_audio (media));
  g_assert_cmpint (gtk_media_stream_get_duration (media), >, 1500 * 1000);
  /* Prerolled: the first frame is on screen before playing. */
  g_assert_true (jb_test_wait_for (drawn, stream, 30 * 1000));
  fd = jb_clip_stream_get_frame_duration (stream);
  g_assert_cmpint (fd, ==, 40000);

  /* Steps while paused, by one frame each. */
  moved.from = gtk_media_stream_get_timestamp (media);
  jb_clip_stream_step (stream, 1);
  g_assert_true (jb_test_wait_for (settled_and_moved, &moved, 30 * 1000));
  g_assert_cmpint (llabs (gtk_media_stream_get_timestamp (media) - moved.from - fd), <=, fd / 2);
  moved.from = gtk_media_stream_get_timestamp (media);
  jb_clip_stream_step (stream, 5);
  g_assert_true (jb_test_wait_for (settled_and_moved, &moved, 30 * 1000));
  g_assert_cmpint (llabs (gtk_media_stream_get_timestamp (media) - moved.from - 5 * fd), <=, fd / 2);

  /* Plays at double speed to the end. */
  jb_clip_stream_set_rate (stream, 2.0);
  gtk_media_stream_play (media);
  g_assert_true (jb_test_wait_for (position_past_300ms, media, 30 * 1000));
  g_assert_true (jb_test_wait_for (ended, media, 60 * 1000));
  g_assert_null (gtk_media_stream_get_error (media));

  gtk_window_destroy (window);
  jb_test_spin (50);
  jb_test_remove_tree (dir);
}

static void
test_clips_stream_no_decoder (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jb-clip-stream-XXXXXX", &error);
  GtkWindow *window = NULL;
  g_autoptr(JbClipStream) stream = stream_in_window (dir, &window);
  GtkMediaStream *media = GTK_MEDIA_STREAM (stream);
  const GError *failure;

  g_assert_true (jb_test_wait_for (prepared_or_failed, media, 60 * 1000));
  failure = gtk_media_stream_get_error (media);
  g_assert_nonnull (failure);
  g_test_message ("stream error: %s", failure->message);
  g_assert_true (g_error_matches (failure, JB_CLIP_STREAM_ERROR, JB_CLIP_STREAM_ERROR_MISSING_PLUGIN));
  g_assert_nonnull (strstr (failure->message, "VP8"));

  gtk_window_destroy (window);
  jb_test_spin (50);
  jb_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  gboolean no_decoder = FALSE;

  /* --no-decoder: rank the VP8 decoders out before GStreamer starts
   * (it reads the variable once, at gst_init). */
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--no-decoder"))
      {
        no_decoder = TRUE;
        memmove (&argv[i], &argv[i + 1], (argc - i) * sizeof (char *));
        argc--;
        break;
      }
  if (no_decoder)
    g_setenv ("GST_PLUGIN_FEATURE_RANK", "vp8dec:NONE,avdec_vp8:NONE", TRUE);

  g_setenv ("LANGUAGE", "C", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  adw_init ();

  /* Without the decoders only the missing plug-in can be tested. */
  if (no_decoder)
    {
      g_test_add_func ("/app/clips/stream-no-decoder", test_clips_stream_no_decoder);
      g_test_add ("/app/clips/no-decoder", Fixture, NULL, fixture_set_up, test_clips_no_decoder, fixture_tear_down);
    }
  else
    {
      g_test_add_func ("/app/clips/stream", test_clips_stream);
      g_test_add ("/app/clips/detail-play", Fixture, NULL, fixture_set_up, test_clips_detail_play, fixture_tear_down);
      g_test_add ("/app/clips/wall", Fixture, NULL, fixture_set_up, test_clips_wall, fixture_tear_down);
    }

  return g_test_run ();
}
