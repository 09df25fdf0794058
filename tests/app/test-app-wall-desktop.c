/* test-app-wall-desktop.c — preferences, keyring, About, help overlay, style
 *
 * Runs under tests/app/private-keyring.sh (a private session bus and a new
 * gnome-keyring). /app/desktop/keyring stores, finds and clears a
 * password through libsecret, then a wall signs in from the keyring alone
 * against the real server; without a secret service it is skipped and
 * says why.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>

#include "jb-application.h"
#include "jb-credentials.h"
#include "jb-preferences-window.h"
#include "jb-test-server.h"
#include "jb-test-wait.h"
#include "jb-wall-session.h"
#include "jb-window.h"

/* One application per process: a second one with the same id cannot
 * export itself on the session bus. */
static JbApplication *
shared_app (void)
{
  static JbApplication *app;
  g_autoptr(GError) error = NULL;

  if (app == NULL)
    {
      app = jb_application_new ();
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
      g_assert_no_error (error);
    }
  return app;
}

static GSettings *
new_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = g_settings_schema_source_lookup (source, "io.github.jingbao.Console", TRUE);

  g_assert_nonnull (schema);
  return g_settings_new_full (schema, NULL, NULL);
}

static void
test_preferences (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  JbPreferencesWindow *window;
  g_autofree char *server = NULL;
  g_autofree char *tile = NULL;
  g_auto(GStrv) layout = NULL;
  g_auto(GStrv) servers = NULL;
  GtkWidget *sound;

  g_settings_set_string (settings, "server-url", "http://127.0.0.1:8080");
  window = jb_preferences_window_new (settings);
  gtk_window_present (GTK_WINDOW (window));

  /* Server: an http(s) address, else refused and nothing changes. */
  g_assert_false (jb_preferences_window_apply_text (window, "server", "ftp://example.org"));
  server = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (server, ==, "http://127.0.0.1:8080");
  g_assert_true (jb_preferences_window_apply_text (window, "server", " http://10.20.30.40:8080 "));
  g_clear_pointer (&server, g_free);
  server = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (server, ==, "http://10.20.30.40:8080");
  /* Several, in order: the servers to move between; one bad entry refuses
   * the whole list. */
  g_assert_false (jb_preferences_window_apply_text (window, "server", "http://10.20.30.40:8080, ftp://b"));
  g_assert_true (jb_preferences_window_apply_text (window, "server", "http://10.20.30.40:8080/ , http://10.20.30.41:8080"));
  g_clear_pointer (&server, g_free);
  server = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (server, ==, "http://10.20.30.40:8080,http://10.20.30.41:8080");

  g_assert_true (jb_preferences_window_apply_text (window, "servers", "http://10.20.30.41:8080, https://standby.example"));
  servers = g_settings_get_strv (settings, "server-urls");
  g_assert_cmpuint (g_strv_length (servers), ==, 2);
  g_assert_cmpstr (servers[1], ==, "https://standby.example");

  /* A tile template needs {z}, {x} and {y}. */
  g_assert_false (jb_preferences_window_apply_text (window, "tile", "https://tiles.example/tile.png"));
  g_assert_true (jb_preferences_window_apply_text (window, "tile", "https://tiles.example/{z}/{x}/{y}.png"));
  tile = g_settings_get_string (settings, "tile-url");
  g_assert_cmpstr (tile, ==, "https://tiles.example/{z}/{x}/{y}.png");

  /* The wall layout: known panes only. */
  g_assert_false (jb_preferences_window_apply_text (window, "layout", "map, teapot"));
  g_assert_true (jb_preferences_window_apply_text (window, "layout", "duty, map, queue"));
  layout = g_settings_get_strv (settings, "wall-layout");
  g_assert_cmpuint (g_strv_length (layout), ==, 3);
  g_assert_cmpstr (layout[0], ==, "duty");

  /* Switches follow the settings both ways. */
  g_settings_set_boolean (settings, "alert-sound", TRUE);
  sound = gtk_window_get_focus (GTK_WINDOW (window));
  (void) sound;
  g_settings_set_boolean (settings, "alert-sound", FALSE);
  g_settings_set_double (settings, "wall-distance", 8.0);
  g_assert_true (jb_preferences_window_apply_text (window, "wall-user", "wall"));
  {
    g_autofree char *user = g_settings_get_string (settings, "wall-user");

    g_assert_cmpstr (user, ==, "wall");
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  char     *password;
  GError   *error;
} Call;

static void
store_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;

  call->ok = jb_credentials_store_finish (result, &call->error);
  call->done = TRUE;
}

static void
lookup_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;

  call->password = jb_credentials_lookup_finish (result, &call->error);
  call->done = TRUE;
}

static void
clear_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;

  call->ok = jb_credentials_clear_finish (result, &call->error);
  call->done = TRUE;
}

static gboolean
call_done (gpointer data)
{
  return ((Call *) data)->done;
}

static gboolean
wall_live (gpointer data)
{
  JbClient *client = jb_wall_session_get_client (data);

  return jb_client_get_state (client) == JB_CONNECTION_STATE_LIVE;
}

static void
test_keyring (void)
{
  const char *args[] = { "--demo", NULL };
  Call call = { 0 };
  JbTestServer *server;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(JbWallSession) wall = NULL;
  g_autoptr(GError) error = NULL;
  const char *panes[] = { "queue", NULL };

  /* Is there a secret service at all? A lookup tells. */
  jb_credentials_lookup_async ("http://127.0.0.1:1", "nobody", NULL, lookup_cb, &call);
  g_assert_true (jb_test_wait_for (call_done, &call, 60000));
  if (call.error != NULL)
    {
      g_autofree char *why = g_strdup_printf ("no secret service (%s): run under tests/app/private-keyring.sh "
                                              "with dbus-run-session and gnome-keyring installed",
                                              call.error->message);

      g_clear_error (&call.error);
      g_test_skip (why);
      return;
    }
  g_assert_null (call.password);

  server = jb_test_server_start (args);

  /* Round trip. */
  memset (&call, 0, sizeof call);
  jb_credentials_store_async (jb_test_server_get_url (server), "wall", "demo", NULL, store_cb, &call);
  g_assert_true (jb_test_wait_for (call_done, &call, 60000));
  g_assert_no_error (call.error);
  g_assert_true (call.ok);

  memset (&call, 0, sizeof call);
  jb_credentials_lookup_async (jb_test_server_get_url (server), "wall", NULL, lookup_cb, &call);
  g_assert_true (jb_test_wait_for (call_done, &call, 60000));
  g_assert_no_error (call.error);
  g_assert_cmpstr (call.password, ==, "demo");
  g_free (call.password);

  /* Another user on the same server has nothing. */
  memset (&call, 0, sizeof call);
  jb_credentials_lookup_async (jb_test_server_get_url (server), "dispatcher", NULL, lookup_cb, &call);
  g_assert_true (jb_test_wait_for (call_done, &call, 60000));
  g_assert_no_error (call.error);
  g_assert_null (call.password);

  /* The wall signs in from the keyring alone (no password file). */
  settings = new_settings ();
  g_settings_set_strv (settings, "wall-layout", panes);
  g_settings_set_string (settings, "wall-state", "");
  wall = jb_wall_session_new (NULL, settings, jb_test_server_get_url (server), "wall", NULL, NULL);
  g_assert_true (jb_wall_session_start (wall, &error));
  g_assert_no_error (error);
  g_assert_true (jb_test_wait_for (wall_live, wall, 60000));
  g_assert_cmpint (jb_client_get_role (jb_wall_session_get_client (wall)), ==, JB_ROLE_VIEWER);
  jb_wall_session_stop (wall);

  memset (&call, 0, sizeof call);
  jb_credentials_clear_async (jb_test_server_get_url (server), "wall", NULL, clear_cb, &call);
  g_assert_true (jb_test_wait_for (call_done, &call, 60000));
  g_assert_no_error (call.error);
  g_assert_true (call.ok);

  memset (&call, 0, sizeof call);
  jb_credentials_lookup_async (jb_test_server_get_url (server), "wall", NULL, lookup_cb, &call);
  g_assert_true (jb_test_wait_for (call_done, &call, 60000));
  g_assert_no_error (call.error);
  g_assert_null (call.password);

  jb_test_server_free (server);
}

typedef struct
{
  const char *url;
} Connected;

/* The one console window there is, on @url and live. */
static gboolean
console_on (gpointer data)
{
  Connected *connected = data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (g_application_get_default ()));
  JbWindow *found = NULL;
  guint n = 0;

  for (GList *l = windows; l != NULL; l = l->next)
    if (JB_IS_WINDOW (l->data))
      {
        found = l->data;
        n++;
      }
  return n == 1 &&
         g_strcmp0 (jb_client_get_server_url (jb_window_get_client (found)), connected->url) == 0 &&
         jb_client_get_state (jb_window_get_client (found)) == JB_CONNECTION_STATE_LIVE;
}

static void
store_password (const char *server,
                const char *user,
                const char *password)
{
  Call call = { 0 };

  jb_credentials_store_async (server, user, password, NULL, store_cb, &call);
  g_assert_true (jb_test_wait_for (call_done, &call, 60000));
  g_assert_no_error (call.error);
}

/* The console signs in from the keyring at start; a new server set in
 * the preferences signs in there (its password in the keyring too) and
 * the old window goes. */
static void
test_server_change (void)
{
  const char *args[] = { "--demo", NULL };
  Call probe = { 0 };
  JbTestServer *first, *second;
  g_autoptr(GSettings) settings = NULL;
  JbApplication *app;
  JbPreferencesWindow *preferences;
  Connected connected;

  jb_credentials_lookup_async ("http://127.0.0.1:1", "nobody", NULL, lookup_cb, &probe);
  g_assert_true (jb_test_wait_for (call_done, &probe, 60000));
  if (probe.error != NULL)
    {
      g_autofree char *why = g_strdup_printf ("no secret service (%s)", probe.error->message);

      g_clear_error (&probe.error);
      g_test_skip (why);
      return;
    }

  first = jb_test_server_start (args);
  second = jb_test_server_start (args);
  store_password (jb_test_server_get_url (first), "dispatcher", "demo");
  store_password (jb_test_server_get_url (second), "dispatcher", "demo");

  settings = new_settings ();
  g_settings_set_string (settings, "server-url", jb_test_server_get_url (first));
  g_settings_set_string (settings, "username", "dispatcher");
  g_settings_set_boolean (settings, "wall-mode", FALSE);
  g_settings_set_boolean (settings, "alert-sound", FALSE);

  /* The settings are read at startup: made only now. */
  app = shared_app ();
  g_application_activate (G_APPLICATION (app));

  connected.url = jb_test_server_get_url (first);
  g_assert_true (jb_test_wait_for (console_on, &connected, 60000));

  preferences = jb_preferences_window_new (settings);
  g_assert_true (jb_preferences_window_apply_text (preferences, "server", jb_test_server_get_url (second)));
  connected.url = jb_test_server_get_url (second);
  g_assert_true (jb_test_wait_for (console_on, &connected, 60000));
  gtk_window_destroy (GTK_WINDOW (preferences));

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = gtk_application_get_windows (GTK_APPLICATION (app)))
    {
      if (JB_IS_WINDOW (l->data))
        jb_client_stop (jb_window_get_client (l->data));
      gtk_window_destroy (l->data);
    }
  jb_test_server_free (second);
  jb_test_server_free (first);
}

static void
test_about (void)
{
  GtkWindow *about = jb_application_create_about_window (NULL);

  g_assert_true (ADW_IS_ABOUT_WINDOW (about));
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==, GTK_LICENSE_GPL_3_0);
  g_assert_cmpstr (adw_about_window_get_application_icon (ADW_ABOUT_WINDOW (about)), ==, "io.github.jingbao.Console");
  gtk_window_destroy (about);
}

/* GTK and libadwaita load the help overlay and style.css from the
 * resource base path by themselves. */
static void
test_resources_by_convention (void)
{
  JbApplication *app = shared_app ();
  GtkWidget *window, *label;
  const PangoFontDescription *font;

  window = gtk_application_window_new (GTK_APPLICATION (app));
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window))));

  /* .jb-clock is 22px bold in style.css. */
  label = gtk_label_new ("12:00:00");
  gtk_widget_add_css_class (label, "jb-clock");
  gtk_window_set_child (GTK_WINDOW (window), label);
  gtk_window_present (GTK_WINDOW (window));
  font = pango_context_get_font_description (gtk_widget_get_pango_context (label));
  g_assert_cmpfloat (pango_font_description_get_size (font) / (double) PANGO_SCALE, ==, 22.0);
  g_assert_cmpint (pango_font_description_get_weight (font), ==, PANGO_WEIGHT_BOLD);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/app/desktop/preferences", test_preferences);
  g_test_add_func ("/app/desktop/about", test_about);
  g_test_add_func ("/app/desktop/keyring", test_keyring);
  /* Before anything else starts the shared application: its startup
   * reads the settings this test sets. */
  g_test_add_func ("/app/desktop/server-change", test_server_change);
  g_test_add_func ("/app/desktop/resources", test_resources_by_convention);

  return g_test_run ();
}
