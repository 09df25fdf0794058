/* jb-test-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-test-window.h"

void
jb_test_window_set_up (JbTestWindow       *fixture,
                       const char * const *server_args,
                       const char         *username)
{
  static const char * const default_args[] = { "--demo", NULL };

  fixture->server = jb_test_server_start (server_args != NULL ? server_args : default_args);
  fixture->bearer = jb_test_login (fixture->server, "dispatcher", "demo");
  fixture->client = jb_test_client_new_signed_in (fixture->server,
                                                  username != NULL ? username : "dispatcher", "demo");

  fixture->window = jb_window_new (NULL, fixture->client);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1920, 1080);
  gtk_window_present (GTK_WINDOW (fixture->window));
  jb_test_client_start_live (fixture->client, 60000);
}

void
jb_test_window_tear_down (JbTestWindow *fixture)
{
  jb_client_stop (fixture->client);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  jb_test_spin (50);
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->bearer, g_free);
  jb_test_server_free (fixture->server);
}

gboolean
jb_test_save_png (GtkWidget  *widget,
                  const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  int width, height;

  /* Let layout and the first frames happen (a spinner, a new page). */
  jb_test_spin (300);
  g_assert_true (gtk_widget_get_mapped (widget));
  paintable = gtk_widget_paintable_new (widget);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);

  /* The paintable holds the widget's last drawn frame; right after a
   * change it may have none yet: give the frame clock up to 20 s (under
   * the sanitizers the first frame with CJK fonts takes long). */
  for (guint attempt = 0; ; attempt++)
    {
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node != NULL || attempt == 400)
        break;
      gtk_widget_queue_draw (widget);
      jb_test_spin (50);
    }
  if (node == NULL)
    {
      g_test_message ("no frame drawn for %s: not saved", name);
      return FALSE;
    }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_render_node_unref (node);

  path = g_test_build_filename (G_TEST_BUILT, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
  return TRUE;
}
