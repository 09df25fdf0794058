/* jb-wall-session.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-wall-session"

#include <glib/gi18n.h>
#include <math.h>
#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#else
/* Built without libsystemd (a Flatpak): nothing to tell, no watchdog. */
static int sd_notify (int unset, const char *state) { return 0; }
static int sd_watchdog_enabled (int unset, guint64 *usec) { return 0; }
#endif

#include "jb-application.h"
#include "jb-credentials.h"
#include "jb-memory.h"
#include "jb-wall-session.h"

struct _JbWallSession
{
  GObject          parent_instance;

  GtkApplication  *application;
  GSettings       *settings;
  char            *server_url;
  char            *username;
  char            *password_file;
  char            *home_view;

  JbClient        *client;
  JbWallLayout    *layout;
  GCancellable    *cancellable;
  char            *saved_view;
  guint            retry_id;
  guint            retry_s;
  guint            save_id;
  guint            watchdog_id;
  guint            tend_id;
  guint            first_tend_id;
  guint            n_pings;
  guint            n_tended;
  gboolean         signing_in;
  gboolean         started;
};

G_DEFINE_FINAL_TYPE (JbWallSession, jb_wall_session, G_TYPE_OBJECT)

#define SAVE_INTERVAL_S 5
#define RETRY_MIN_S     5
#define RETRY_MAX_S     60
#define TEND_INTERVAL_S 60
/* The first: once the first screens are drawn (the atlas, the corner's
 * text, the snapshot's places drawn ahead), so that the wall is at its
 * level from its first minute. */
#define FIRST_TEND_S    20

static void sign_in (JbWallSession *self);

gboolean
jb_wall_parse_view (const char *text,
                    double     *lat,
                    double     *lon,
                    double     *zoom)
{
  g_auto(GStrv) parts = NULL;
  double values[3];

  if (text == NULL || *text == '\0')
    return FALSE;
  parts = g_strsplit (text, ",", -1);
  if (g_strv_length (parts) != 3)
    return FALSE;
  for (guint i = 0; i < 3; i++)
    {
      char *end = NULL;

      values[i] = g_ascii_strtod (g_strstrip (parts[i]), &end);
      if (end == parts[i] || *end != '\0' || !isfinite (values[i]))
        return FALSE;
    }
  if (fabs (values[0]) > 85.1 || fabs (values[1]) > 180 || values[2] < 0 || values[2] > 22)
    return FALSE;

  *lat = values[0];
  *lon = values[1];
  *zoom = values[2];
  return TRUE;
}

static void
notify_status (JbWallSession *self,
               const char    *status)
{
  g_autofree char *line = g_strdup_printf ("STATUS=%s", status);

  sd_notify (0, line);
}

static void
schedule_retry (JbWallSession *self);

static gboolean
retry_cb (gpointer user_data)
{
  JbWallSession *self = user_data;

  self->retry_id = 0;
  sign_in (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (JbWallSession *self)
{
  /* Backoff: 5 s, 10 s, … up to a minute; a wall waits for its server. */
  self->retry_s = self->retry_s == 0 ? RETRY_MIN_S : MIN (self->retry_s * 2, RETRY_MAX_S);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add_seconds (self->retry_s, retry_cb, self);
}

static void
fail (JbWallSession *self,
      const char    *message)
{
  self->signing_in = FALSE;
  g_printerr ("jingbao wall: %s\n", message);
  notify_status (self, message);
  jb_wall_layout_set_message (self->layout, message);
  schedule_retry (self);
}

static void
login_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(JbWallSession) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!jb_client_login_finish (JB_CLIENT (object), result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = jb_application_describe_login_error (error, self->server_url);
      fail (self, message);
      return;
    }

  self->signing_in = FALSE;
  self->retry_s = 0;
  if (jb_client_get_role (self->client) != JB_ROLE_VIEWER)
    g_printerr ("jingbao wall: %s is not a viewer account; the wall gives no commands either way\n",
                self->username);
  jb_wall_layout_set_message (self->layout, NULL);
  notify_status (self, _("Signed in"));
  jb_client_start (self->client);
}

static void
login_with (JbWallSession *self,
            const char    *password)
{
  jb_client_login_async (self->client, self->username, password, self->cancellable,
                         login_cb, g_object_ref (self));
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(JbWallSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = jb_credentials_lookup_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      /* Translators: %s is the keyring's reason */
      g_autofree char *message = g_strdup_printf (_("Cannot read the keyring: %s"), error->message);

      fail (self, message);
      return;
    }
  if (password == NULL)
    {
      /* Translators: the wall's corner when no password is stored: user, server */
      g_autofree char *message = g_strdup_printf (_("No password for %s at %s in the keyring"),
                                                  self->username, self->server_url);

      fail (self, message);
      return;
    }

  login_with (self, password);
}

static void
sign_in (JbWallSession *self)
{
  if (self->signing_in)
    return;
  self->signing_in = TRUE;
  jb_wall_layout_set_message (self->layout, _("Signing in…"));

  if (self->username == NULL || *self->username == '\0')
    {
      fail (self, _("No wall account: set one in the preferences or give --user"));
      return;
    }

  if (self->password_file != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;

      /* Read again at every attempt: a rotated password is picked up. */
      if (!g_file_get_contents (self->password_file, &contents, NULL, &error))
        {
          g_autofree char *message = g_strdup_printf (_("Cannot read the password file: %s"), error->message);

          fail (self, message);
          return;
        }
      login_with (self, g_strchomp (contents));
      return;
    }

  jb_credentials_lookup_async (self->server_url, self->username, self->cancellable,
                               lookup_cb, g_object_ref (self));
}

static void
unauthorized_cb (JbWallSession *self)
{
  /* The session expired or was revoked: sign in again, no dialog. */
  jb_client_stop (self->client);
  self->signing_in = FALSE;
  sign_in (self);
}

static void
state_changed_cb (JbWallSession *self)
{
  switch (jb_client_get_state (self->client))
    {
    case JB_CONNECTION_STATE_LIVE:
      notify_status (self, _("LIVE"));
      break;
    case JB_CONNECTION_STATE_RECONNECTING:
      notify_status (self, _("RECONNECTING"));
      break;
    default:
      break;
    }
}

void
jb_wall_session_save_state (JbWallSession *self)
{
  JbWallMap *map;
  g_autofree char *view = NULL;
  char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE], zoom[G_ASCII_DTOSTR_BUF_SIZE];
  double la, lo, z;

  g_return_if_fail (JB_IS_WALL_SESSION (self));

  map = self->layout ? jb_wall_layout_get_map (self->layout) : NULL;
  if (map == NULL || self->settings == NULL)
    return;

  jb_wall_map_get_view (map, &la, &lo, &z);
  view = g_strdup_printf ("%s,%s,%s",
                          g_ascii_formatd (lat, sizeof lat, "%.6f", la),
                          g_ascii_formatd (lon, sizeof lon, "%.6f", lo),
                          g_ascii_formatd (zoom, sizeof zoom, "%.2f", z));
  /* Only a change is written: dconf need not wake every few seconds. */
  if (g_strcmp0 (view, self->saved_view) == 0)
    return;
  g_settings_set_string (self->settings, "wall-state", view);
  g_free (self->saved_view);
  self->saved_view = g_steal_pointer (&view);
}

static gboolean
save_cb (gpointer user_data)
{
  jb_wall_session_save_state (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
watchdog_cb (gpointer user_data)
{
  JbWallSession *self = user_data;

  /* Sent from the main loop at default priority: when the loop hangs,
   * the pings stop and systemd restarts the client. */
  sd_notify (0, "WATCHDOG=1");
  self->n_pings++;
  return G_SOURCE_CONTINUE;
}

/* In a worker: the trim takes the heap's locks in turn, up to tens of ms
 * (the main thread still waits for the main arena's). */
static void
tend_memory_in_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  GError *error = NULL;
  gint64 start = g_get_monotonic_time ();
  guint n_mappings = 0;
  gsize bytes = 0;
  gboolean mapped, trimmed;

  mapped = jb_memory_map_in_font_files (&n_mappings, &bytes, &error);
  trimmed = jb_memory_trim ();
  if (mapped)
    g_debug ("Memory tended: %u font file mappings in (%.1f MB), heap %s, %.1f ms",
             n_mappings, bytes / 1048576.0, trimmed ? "trimmed" : "had nothing to give back",
             (g_get_monotonic_time () - start) / 1000.0);
  else
    g_debug ("Memory tended: font files not mapped in (%s), heap %s, %.1f ms",
             error->message, trimmed ? "trimmed" : "had nothing to give back",
             (g_get_monotonic_time () - start) / 1000.0);
  if (mapped)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
tend_memory_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(JbWallSession) self = g_weak_ref_get (user_data);

  if (g_task_propagate_boolean (G_TASK (result), NULL) && self != NULL)
    self->n_tended++;
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/**
 * jb_wall_session_tend_memory:
 *
 * What the wall does every minute, on a worker: maps in the font files'
 * pages and gives the heap's free pages back (jb-memory.c), so that its
 * memory is flat once it has drawn its first screens.
 */
void
jb_wall_session_tend_memory (JbWallSession *self)
{
  g_autoptr(GTask) task = NULL;
  GWeakRef *weak = g_new0 (GWeakRef, 1);

  g_return_if_fail (JB_IS_WALL_SESSION (self));

  /* No source object: the worker drops the task's last reference, and
   * the session must not be finalized there. */
  g_weak_ref_init (weak, self);
  task = g_task_new (NULL, self->cancellable, tend_memory_done, weak);
  g_task_set_task_data (task, weak, weak_ref_free);
  g_task_set_source_tag (task, jb_wall_session_tend_memory);
  g_task_run_in_thread (task, tend_memory_in_thread);
}

guint
jb_wall_session_get_n_tended (JbWallSession *self)
{
  g_return_val_if_fail (JB_IS_WALL_SESSION (self), 0);

  return self->n_tended;
}

static gboolean
first_tend_cb (gpointer user_data)
{
  JbWallSession *self = user_data;

  self->first_tend_id = 0;
  jb_wall_session_tend_memory (self);
  return G_SOURCE_REMOVE;
}

static gboolean
tend_cb (gpointer user_data)
{
  jb_wall_session_tend_memory (user_data);
  return G_SOURCE_CONTINUE;
}

static void
restore_view (JbWallSession *self)
{
  JbWallMap *map = jb_wall_layout_get_map (self->layout);
  g_autofree char *home = NULL;
  g_autofree char *state = NULL;
  double lat, lon, zoom;

  if (map == NULL)
    return;

  home = g_strdup (self->home_view);
  if (home == NULL && self->settings != NULL)
    home = g_settings_get_string (self->settings, "wall-home-view");
  if (jb_wall_parse_view (home, &lat, &lon, &zoom))
    jb_map_view_set_fixed_view (jb_wall_map_get_map_view (map), lat, lon, zoom);
  else if (home != NULL && *home != '\0')
    g_printerr (_("--view wants LAT,LON,ZOOM, e.g. 28.2,112.99,15\n"));

  /* Where the last run was, at once, before any server answers; the
   * snapshot then holds a new priority-1 incident again if there is one. */
  if (self->settings != NULL)
    state = g_settings_get_string (self->settings, "wall-state");
  if (jb_wall_parse_view (state, &lat, &lon, &zoom))
    {
      jb_map_view_go_to (jb_wall_map_get_map_view (map), lat, lon, zoom);
      self->saved_view = g_steal_pointer (&state);
    }
}

gboolean
jb_wall_session_start (JbWallSession  *self,
                       GError        **error)
{
  g_auto(GStrv) panes = NULL;
  double distance = JB_WALL_DEFAULT_DISTANCE_M;
  guint64 usec = 0;

  g_return_val_if_fail (JB_IS_WALL_SESSION (self), FALSE);
  g_return_val_if_fail (!self->started, FALSE);

  if (self->settings != NULL)
    {
      panes = g_settings_get_strv (self->settings, "wall-layout");
      distance = g_settings_get_double (self->settings, "wall-distance");
    }
  if (!jb_wall_layout_check_panes ((const char * const *) panes, error))
    return FALSE;

  self->started = TRUE;
  self->client = jb_client_new (self->server_url);
  g_signal_connect_object (self->client, "unauthorized", G_CALLBACK (unauthorized_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "notify::state", G_CALLBACK (state_changed_cb), self, G_CONNECT_SWAPPED);

  self->layout = jb_wall_layout_new (self->application, self->client, gdk_display_get_default (),
                                     (const char * const *) panes, distance);
  if (self->settings != NULL)
    {
      JbWallMap *map = jb_wall_layout_get_map (self->layout);

      g_settings_bind (self->settings, "wall-distance", self->layout, "distance", G_SETTINGS_BIND_GET);
      if (map != NULL)
        g_settings_bind (self->settings, "tile-url", jb_wall_map_get_map_view (map), "tile-url",
                         G_SETTINGS_BIND_GET);
    }
  restore_view (self);
  self->save_id = g_timeout_add_seconds (SAVE_INTERVAL_S, save_cb, self);
  self->tend_id = g_timeout_add_seconds (TEND_INTERVAL_S, tend_cb, self);
  self->first_tend_id = g_timeout_add_seconds (FIRST_TEND_S, first_tend_cb, self);

  if (sd_watchdog_enabled (0, &usec) > 0 && usec > 0)
    self->watchdog_id = g_timeout_add (MAX (usec / 2000, 100), watchdog_cb, self);
  sd_notify (0, "READY=1");
  if (self->watchdog_id != 0)
    watchdog_cb (self);

  sign_in (self);
  return TRUE;
}

JbClient *
jb_wall_session_get_client (JbWallSession *self)
{
  g_return_val_if_fail (JB_IS_WALL_SESSION (self), NULL);

  return self->client;
}

JbWallLayout *
jb_wall_session_get_layout (JbWallSession *self)
{
  g_return_val_if_fail (JB_IS_WALL_SESSION (self), NULL);

  return self->layout;
}

guint
jb_wall_session_get_n_pings (JbWallSession *self)
{
  g_return_val_if_fail (JB_IS_WALL_SESSION (self), 0);

  return self->n_pings;
}

void
jb_wall_session_stop (JbWallSession *self)
{
  g_return_if_fail (JB_IS_WALL_SESSION (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->save_id, g_source_remove);
  g_clear_handle_id (&self->watchdog_id, g_source_remove);
  g_clear_handle_id (&self->tend_id, g_source_remove);
  g_clear_handle_id (&self->first_tend_id, g_source_remove);
  if (self->layout != NULL)
    jb_wall_session_save_state (self);
  if (self->client != NULL)
    jb_client_stop (self->client);
  if (self->layout != NULL)
    jb_wall_layout_close (self->layout);
}

static void
jb_wall_session_dispose (GObject *object)
{
  JbWallSession *self = (JbWallSession *)object;

  jb_wall_session_stop (self);
  g_clear_object (&self->layout);
  g_clear_object (&self->client);
  g_clear_object (&self->settings);
  g_clear_object (&self->application);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (jb_wall_session_parent_class)->dispose (object);
}

static void
jb_wall_session_finalize (GObject *object)
{
  JbWallSession *self = (JbWallSession *)object;

  g_free (self->server_url);
  g_free (self->username);
  g_free (self->password_file);
  g_free (self->home_view);
  g_free (self->saved_view);

  G_OBJECT_CLASS (jb_wall_session_parent_class)->finalize (object);
}

static void
jb_wall_session_class_init (JbWallSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jb_wall_session_dispose;
  object_class->finalize = jb_wall_session_finalize;
}

static void
jb_wall_session_init (JbWallSession *self)
{
  self->cancellable = g_cancellable_new ();
}

JbWallSession *
jb_wall_session_new (GtkApplication *application,
                     GSettings      *settings,
                     const char     *server_url,
                     const char     *username,
                     const char     *password_file,
                     const char     *home_view)
{
  JbWallSession *self;

  g_return_val_if_fail (server_url != NULL, NULL);

  self = g_object_new (JB_TYPE_WALL_SESSION, NULL);
  self->application = application ? g_object_ref (application) : NULL;
  self->settings = settings ? g_object_ref (settings) : NULL;
  self->server_url = g_strdup (server_url);
  self->password_file = g_strdup (password_file);
  self->home_view = g_strdup (home_view);
  self->username = g_strdup (username);
  if (self->username == NULL && settings != NULL)
    {
      self->username = g_settings_get_string (settings, "wall-user");
      if (*self->username == '\0')
        {
          g_free (self->username);
          self->username = g_settings_get_string (settings, "username");
        }
    }

  return self;
}
