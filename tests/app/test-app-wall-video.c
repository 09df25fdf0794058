/* test-app-wall-video.c — clips on the wall layout against the real server
 *
 * Starts jingbao-dispatchd --demo, raises a one-click alarm (a priority-1
 * incident whose button may upload), signs in as the demo viewer "wall"
 * and opens a wall layout. With a video pane ("map, video") a clip the
 * dispatcher pushes plays in that pane, its idle text hidden, and the
 * pane is idle again when the clip ends; with the setting a new
 * priority-1 clip plays there by itself. Without one ("map, queue") a
 * pushed clip plays in the map's corner. Saves
 * test-app-wall-video-*.png for a person to look at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <string.h>

#include "jb-client.h"
#include "jb-test-alarm.h"
#include "jb-test-window.h"
#include "jb-wall-layout.h"

typedef struct
{
  JbTestServer *server;
  JbClient     *client;
  JbWallLayout *layout;
  GSettings    *settings;
  char         *bearer;
  char         *dir;
  JbTestAlarm   alarm;
} Fixture;

static gboolean
incident_known (gpointer data)
{
  Fixture *fixture = data;

  return jb_client_get_state (fixture->client) == JB_CONNECTION_STATE_LIVE &&
         jb_store_lookup_incident (jb_client_get_store (fixture->client), fixture->alarm.incident_id) != NULL;
}

static gboolean
window_mapped (gpointer data)
{
  Fixture *fixture = data;

  return jb_wall_layout_get_n_windows (fixture->layout) >= 1 &&
         gtk_widget_get_mapped (GTK_WIDGET (jb_wall_layout_get_window (fixture->layout, 0)));
}

static void
open_layout (Fixture            *fixture,
             const char * const *panes)
{
  fixture->layout = jb_wall_layout_new (NULL, fixture->client, gdk_display_get_default (), panes, 5.0);
  jb_test_client_sign_in (fixture->client, "wall", "demo");
  g_assert_cmpint (jb_client_get_role (fixture->client), ==, JB_ROLE_VIEWER);
  jb_client_start (fixture->client);

  /* A one-click alarm: an incident whose own terminal may upload. */
  jb_test_alarm_raise (&fixture->alarm, fixture->server, fixture->bearer);

  g_assert_true (jb_test_wait_for (incident_known, fixture, 60 * 1000));
  g_assert_true (jb_test_wait_for (window_mapped, fixture, 30 * 1000));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(GError) error = NULL;

  fixture->server = jb_test_server_start (args);
  fixture->bearer = jb_test_login (fixture->server, "dispatcher", "demo");
  fixture->dir = g_dir_make_tmp ("jb-app-wall-video-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->settings = g_settings_new ("io.github.jingbao.Console");
  g_settings_set_boolean (fixture->settings, "wall-autoplay-priority1", FALSE);
  fixture->client = jb_client_new (jb_test_server_get_url (fixture->server));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  jb_client_stop (fixture->client);
  if (fixture->layout != NULL)
    jb_wall_layout_close (fixture->layout);
  jb_test_spin (50);
  g_clear_object (&fixture->layout);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->settings);
  jb_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->bearer);
  jb_test_alarm_clear (&fixture->alarm);
  jb_test_server_free (fixture->server);
}

static char *
upload_clip (Fixture    *fixture,
             const char *label)
{
  return jb_test_alarm_upload_clip (&fixture->alarm, fixture->server, fixture->dir, 2, 640, 360, label, NULL);
}

static void
push_clip (Fixture    *fixture,
           const char *clip_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/clips/%s/push", clip_id);
  g_autoptr(JbTestResponse) response = jb_test_request (fixture->server, "POST", path, fixture->bearer, NULL, "{}");

  g_assert_cmpuint (response->status, ==, 202);
}

static gboolean
video_playing (gpointer data)
{
  JbWallVideo *video = data;
  JbClipStream *stream = jb_wall_video_get_stream (video);

  return gtk_widget_get_mapped (GTK_WIDGET (video)) && stream != NULL &&
         gtk_media_stream_get_playing (GTK_MEDIA_STREAM (stream)) &&
         jb_clip_stream_get_texture (stream) != NULL;
}

static gboolean
video_idle (gpointer data)
{
  JbWallVideo *video = data;

  return !gtk_widget_get_visible (GTK_WIDGET (video)) && jb_wall_video_get_stream (video) == NULL;
}

/* The pane's idle text: its first child, a label. */
static GtkWidget *
idle_label (GtkWidget *pane)
{
  GtkWidget *child = gtk_widget_get_first_child (pane);

  g_assert_true (GTK_IS_LABEL (child));
  return child;
}

static void
clip_finalized_cb (gpointer  data,
                   GObject  *where_the_object_was)
{
  (*(guint *) data)++;
}

typedef struct
{
  Fixture     *fixture;
  JbWallVideo *video;
  guint        finalized;
} Closed;

static gboolean
clips_let_go (gpointer data)
{
  Closed *c = data;

  return jb_store_lookup_incident (jb_client_get_store (c->fixture->client), c->fixture->alarm.incident_id) == NULL &&
         jb_wall_video_get_n_remembered (c->video) == 0 && c->finalized == 2;
}

static void
test_wall_video_pane (Fixture       *fixture,
                      gconstpointer  data)
{
  static const char * const panes[] = { "map", "video", NULL };
  g_autofree char *clip_id = NULL;
  g_autofree char *auto_id = NULL;
  JbWallVideo *video;
  GtkWidget *pane, *idle;
  JbIncident *incident;

  open_layout (fixture, panes);
  pane = jb_wall_layout_get_pane (fixture->layout, "video");
  video = jb_wall_layout_get_video (fixture->layout);
  g_assert_nonnull (video);
  g_assert_true (gtk_widget_get_parent (GTK_WIDGET (video)) == pane);
  idle = idle_label (pane);
  g_assert_true (gtk_widget_get_visible (idle));
  g_assert_true (video_idle (video));

  /* Pushed: it plays in the video pane, filling it, with its banner. */
  clip_id = upload_clip (fixture, "wall pane");
  push_clip (fixture, clip_id);
  g_assert_true (jb_test_wait_for (video_playing, video, 60 * 1000));
  g_assert_cmpstr (jb_clip_get_id (jb_wall_video_get_clip (video)), ==, clip_id);
  g_assert_false (gtk_widget_get_visible (idle));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (video)), ==, gtk_widget_get_width (pane));
  incident = jb_store_lookup_incident (jb_client_get_store (fixture->client), fixture->alarm.incident_id);
  g_assert_nonnull (incident);
  g_assert_nonnull (strstr (jb_wall_video_get_banner (video), jb_incident_get_number (incident)));
  jb_test_save_png (GTK_WIDGET (jb_wall_layout_find_window (fixture->layout, "video")), "test-app-wall-video-pane.png");

  /* Ended: the pane is idle again. */
  g_assert_true (jb_test_wait_for (video_idle, video, 60 * 1000));
  g_assert_true (gtk_widget_get_visible (idle));

  /* With the setting, a new priority-1 clip plays there by itself. */
  g_settings_set_boolean (fixture->settings, "wall-autoplay-priority1", TRUE);
  auto_id = upload_clip (fixture, "auto");
  g_assert_true (jb_test_wait_for (video_playing, video, 60 * 1000));
  g_assert_cmpstr (jb_clip_get_id (jb_wall_video_get_clip (video)), ==, auto_id);
  g_assert_false (gtk_widget_get_visible (idle));
  g_assert_true (jb_test_wait_for (video_idle, video, 60 * 1000));
  g_assert_true (gtk_widget_get_visible (idle));

  /* The incident closed: the wall forgets the clip it played by itself
   * and keeps neither clip (a wall runs for weeks). */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s/close", fixture->alarm.incident_id);
    g_autoptr(JbTestResponse) closed = NULL;
    Closed c = { fixture, video, 0 };

    g_assert_cmpuint (jb_wall_video_get_n_remembered (video), ==, 1);
    g_object_weak_ref (G_OBJECT (jb_store_lookup_clip (jb_client_get_store (fixture->client), clip_id)),
                       clip_finalized_cb, &c.finalized);
    g_object_weak_ref (G_OBJECT (jb_store_lookup_clip (jb_client_get_store (fixture->client), auto_id)),
                       clip_finalized_cb, &c.finalized);
    closed = jb_test_request (fixture->server, "POST", path, fixture->bearer, NULL,
                              "{\"disposition\": \"resolved_on_scene\"}");
    g_assert_cmpuint (closed->status, ==, 200);
    g_assert_true (jb_test_wait_for (clips_let_go, &c, 60 * 1000));
  }
}

static void
test_wall_video_corner (Fixture       *fixture,
                        gconstpointer  data)
{
  static const char * const panes[] = { "map", "queue", NULL };
  g_autofree char *clip_id = NULL;
  JbWallVideo *video;
  GtkWidget *map;

  open_layout (fixture, panes);
  map = jb_wall_layout_get_pane (fixture->layout, "map");
  video = jb_wall_layout_get_video (fixture->layout);
  g_assert_nonnull (video);
  g_assert_true (gtk_widget_is_ancestor (GTK_WIDGET (video), map));
  g_assert_true (video_idle (video));

  clip_id = upload_clip (fixture, "wall corner");
  push_clip (fixture, clip_id);
  g_assert_true (jb_test_wait_for (video_playing, video, 60 * 1000));
  g_assert_cmpstr (jb_clip_get_id (jb_wall_video_get_clip (video)), ==, clip_id);
  jb_test_save_png (GTK_WIDGET (jb_wall_layout_find_window (fixture->layout, "map")), "test-app-wall-video-corner.png");
  /* A corner of the map, at its natural size: not the whole map. (How
   * big depends on the text height, which follows the monitor.) */
  g_assert_cmpint (gtk_widget_get_halign (GTK_WIDGET (video)), ==, GTK_ALIGN_END);
  g_assert_cmpint (gtk_widget_get_valign (GTK_WIDGET (video)), ==, GTK_ALIGN_END);
  g_assert_true (jb_test_wait_for (video_idle, video, 60 * 1000));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/app/wall-video/pane", Fixture, NULL, fixture_set_up, test_wall_video_pane, fixture_tear_down);
  g_test_add ("/app/wall-video/corner", Fixture, NULL, fixture_set_up, test_wall_video_corner, fixture_tear_down);

  return g_test_run ();
}
