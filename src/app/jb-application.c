/* jb-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-application"

#include <glib/gi18n.h>

#include "jb-application.h"
#include "jb-client.h"
#include "jb-error.h"
#include "jb-login-dialog.h"
#include "jb-window.h"

struct _JbApplication
{
  AdwApplication  parent_instance;

  /* Options */
  char           *server_url;
  char           *username;
  char           *password_file;
  char           *view;      /* "LAT,LON,ZOOM" */

  /* Owned references */
  JbClient       *pending;   /* signing in */
  JbLoginDialog  *dialog;
  GSettings      *settings;  /* NULL when the schema is not installed */
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
      g_autofree char *message = jb_application_describe_login_error (error, jb_client_get_server_url (client));

      g_clear_object (&self->pending);
      show_login (self, message);
      return;
    }

  if (self->dialog != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (self->dialog));
      g_clear_object (&self->dialog);
    }

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

  if (self->pending != NULL)
    return;

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

  show_login (self, NULL);
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
      g_free (self->server_url);
      self->server_url = g_strdup (value);
    }
  if (g_variant_dict_lookup (options, "user", "&s", &value))
    {
      g_free (self->username);
      self->username = g_strdup (value);
    }
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
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  JbApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", _("Jingbao Console"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("The command room of police and private-security linkage: alarms, guards and patrols on one live map."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
jb_application_dispose (GObject *object)
{
  JbApplication *self = (JbApplication *)object;

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
  app_class->handle_local_options = jb_application_handle_local_options;
}

static void
jb_application_init (JbApplication *self)
{
  static const GActionEntry actions[] = {
    { "quit", quit_action },
    { "about", about_action },
  };
  const GOptionEntry options[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, NULL,
      N_("The dispatch server (default http://127.0.0.1:8080)"), N_("URL") },
    { "user", 'u', 0, G_OPTION_ARG_STRING, NULL,
      N_("Sign in as this user without asking (with --password-file)"), N_("NAME") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Read the password from this file, for unattended wall screens"), N_("FILE") },
    { "view", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Show this part of the map, for a wall screen that watches one area"), N_("LAT,LON,ZOOM") },
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
  const char *shortcuts_accels[] = { "<Control>question", "F1", NULL };

  self = g_object_new (JB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/io/github/jingbao/Console",
                       NULL);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  /* The window's own keys are its class bindings (jb-window-actions.c);
   * the shortcuts window is also an application accelerator so that GTK
   * lists it where it looks for Ctrl+?. */
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-shortcuts", shortcuts_accels);

  return self;
}
