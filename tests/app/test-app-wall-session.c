/* test-app-wall-session.c — the unattended wall: watchdog, sign-in, restore
 *
 * /app/wall-session/watchdog runs the real `jingbao --wall` binary as a
 * systemd service would see it: NOTIFY_SOCKET on a datagram socket of the
 * test and WATCHDOG_USEC set. It must say READY=1, sign in from the
 * password file (STATUS=LIVE), and feed WATCHDOG=1 from its main loop: the
 * pings stop while the process is stopped (a frozen loop) and come back
 * after it continues.
 *
 * /app/wall-session/restore: a wall saves its map view; the next one goes
 * there at once, before any server answers.
 *
 * /app/wall-session/no-password: without a password the wall shows why in
 * its corner (no dialog) and keeps running.
 *
 * /app/wall-session/tend-memory: once the wall has drawn, tending its
 * memory (what it does every minute) leaves every font file it has
 * mapped resident whole (/proc/self/smaps).
 *
 * /app/wall-session/renderer: the real binary, started without
 * GSK_RENDERER, draws its wall with the cairo renderer (GTK 4.8 would
 * pick GL, llvmpipe under Xvfb: docs/wall.md).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <sys/utsname.h>

#include "jb-memory.h"
#include "jb-test-server.h"
#include "jb-test-smaps.h"
#include "jb-test-wait.h"
#include "jb-wall-session.h"

typedef struct
{
  GSocket  *socket;
  GString  *log;
  guint     n_ready;
  guint     n_pings;
  gboolean  live;
} Notify;

/* Reads whatever datagrams arrived within @ms. */
static void
drain (Notify *notify,
       guint   ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      char buffer[4096];
      gssize n;

      if (!g_socket_condition_timed_wait (notify->socket, G_IO_IN, end - g_get_monotonic_time (), NULL, NULL))
        break;
      n = g_socket_receive (notify->socket, buffer, sizeof buffer - 1, NULL, NULL);
      if (n <= 0)
        continue;
      buffer[n] = '\0';
      g_string_append_printf (notify->log, "%s|", buffer);
      if (strstr (buffer, "READY=1"))
        notify->n_ready++;
      if (strstr (buffer, "WATCHDOG=1"))
        notify->n_pings++;
      if (strstr (buffer, "STATUS=LIVE"))
        notify->live = TRUE;
    }
}

/* Reads the socket until @check holds or @seconds pass (no main loop:
 * nothing else happens in this process meanwhile). */
static gboolean
wait_notify (gboolean (*check) (gpointer data),
             Notify   *notify,
             guint     seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!check (notify) && g_get_monotonic_time () < end)
    ;
  return check (notify);
}

static gboolean
ready_live_and_pinging (gpointer data)
{
  Notify *notify = data;

  drain (notify, 200);
  return notify->n_ready == 1 && notify->live && notify->n_pings >= 3;
}

static gboolean
pinging_again (gpointer data)
{
  Notify *notify = data;

  drain (notify, 200);
  return notify->n_pings >= 2;
}

static void
test_watchdog (void)
{
  const char *args[] = { "--demo", NULL };
  const char *jingbao = g_getenv ("JB_JINGBAO");
  JbTestServer *server;
  g_autofree char *dir = NULL;
  g_autofree char *socket_path = NULL;
  g_autofree char *password_path = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  Notify notify = { 0 };
  int pid;

  if (jingbao == NULL)
    {
      g_test_skip ("JB_JINGBAO (the jingbao binary) is not set");
      return;
    }

  server = jb_test_server_start (args);
  dir = g_dir_make_tmp ("jb-wall-session-XXXXXX", &error);
  g_assert_no_error (error);
  socket_path = g_build_filename (dir, "notify", NULL);
  password_path = g_build_filename (dir, "password", NULL);
  g_assert_true (g_file_set_contents (password_path, "demo\n", -1, &error));

  notify.log = g_string_new (NULL);
  notify.socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_DEFAULT, &error);
  g_assert_no_error (error);
  address = g_unix_socket_address_new (socket_path);
  g_assert_true (g_socket_bind (notify.socket, address, FALSE, &error));
  g_assert_no_error (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "NOTIFY_SOCKET", socket_path, TRUE);
  /* A 2 s watchdog: pinged every second. */
  g_subprocess_launcher_setenv (launcher, "WATCHDOG_USEC", "2000000", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "WATCHDOG_PID");
  process = g_subprocess_launcher_spawn (launcher, &error, jingbao, "--wall",
                                         "--server", jb_test_server_get_url (server),
                                         "--user", "wall", "--password-file", password_path, NULL);
  g_assert_no_error (error);
  pid = atoi (g_subprocess_get_identifier (process));

  g_assert_true (wait_notify (ready_live_and_pinging, &notify, 120));
  g_test_message ("notifications: %s", notify.log->str);

  /* A frozen main loop: no pings while stopped (systemd would restart
   * it after WatchdogSec). */
  g_assert_cmpint (kill (pid, SIGSTOP), ==, 0);
  drain (&notify, 500);   /* one already under way */
  notify.n_pings = 0;
  drain (&notify, 3000);
  g_assert_cmpuint (notify.n_pings, ==, 0);

  g_assert_cmpint (kill (pid, SIGCONT), ==, 0);
  g_assert_true (wait_notify (pinging_again, &notify, 60));

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);

  g_object_unref (notify.socket);
  g_string_free (notify.log, TRUE);
  g_unlink (socket_path);
  g_unlink (password_path);
  g_rmdir (dir);
  jb_test_server_free (server);
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
test_restore (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autoptr(JbWallSession) first = NULL;
  g_autoptr(JbWallSession) second = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(GError) error = NULL;
  const char *panes[] = { "map", NULL };
  double lat, lon, zoom;

  g_settings_set_strv (settings, "wall-layout", panes);
  g_settings_set_string (settings, "wall-state", "");
  /* No server listens there: the view must not wait for one. */
  first = jb_wall_session_new (NULL, settings, "http://127.0.0.1:9", "wall", "/nonexistent/password", NULL);
  g_assert_true (jb_wall_session_start (first, &error));
  g_assert_no_error (error);

  jb_map_view_go_to (jb_wall_map_get_map_view (jb_wall_layout_get_map (jb_wall_session_get_layout (first))),
                     28.2345, 112.9876, 15.5);
  jb_wall_session_stop (first);   /* saves */
  saved = g_settings_get_string (settings, "wall-state");
  g_assert_cmpstr (saved, ==, "28.234500,112.987600,15.50");

  second = jb_wall_session_new (NULL, settings, "http://127.0.0.1:9", "wall", "/nonexistent/password", NULL);
  g_assert_true (jb_wall_session_start (second, &error));
  jb_wall_map_get_view (jb_wall_layout_get_map (jb_wall_session_get_layout (second)), &lat, &lon, &zoom);
  g_assert_cmpfloat (fabs (lat - 28.2345), <, 1e-6);
  g_assert_cmpfloat (fabs (lon - 112.9876), <, 1e-6);
  g_assert_cmpfloat (fabs (zoom - 15.5), <, 1e-6);
  jb_wall_session_stop (second);

  /* A bad layout is refused with words. */
  {
    const char *bad[] = { "map", "teapot", NULL };
    g_autoptr(JbWallSession) third = NULL;

    g_settings_set_strv (settings, "wall-layout", bad);
    third = jb_wall_session_new (NULL, settings, "http://127.0.0.1:9", "wall", NULL, NULL);
    g_assert_false (jb_wall_session_start (third, &error));
    g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
    g_assert_nonnull (strstr (error->message, "teapot"));
  }
}

static gboolean
says_why (gpointer data)
{
  JbWallSession *session = data;
  JbWallWindow *window = jb_wall_layout_get_window (jb_wall_session_get_layout (session), 0);

  return strstr (jb_wall_window_get_age_text (window), "password file") != NULL;
}

static void
test_no_password (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autoptr(JbWallSession) session = NULL;
  g_autoptr(GError) error = NULL;
  const char *panes[] = { "queue", NULL };

  g_settings_set_strv (settings, "wall-layout", panes);
  session = jb_wall_session_new (NULL, settings, "http://127.0.0.1:9", "wall", "/nonexistent/password", NULL);
  g_assert_true (jb_wall_session_start (session, &error));
  g_assert_true (jb_test_wait_for (says_why, session, 30000));
  /* Still a wall, no dialog: only wall windows exist. */
  g_assert_cmpuint (jb_wall_layout_get_n_windows (jb_wall_session_get_layout (session)), ==, 1);
  jb_wall_session_stop (session);
}

typedef struct
{
  GDataInputStream *in;
  GCancellable     *cancellable;
  GString          *out;
  gboolean          done;
} Output;

static void
read_line_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  Output *output = data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (output->in, result, NULL, NULL);

  if (line == NULL)
    {
      output->done = TRUE;
      return;
    }
  g_string_append_printf (output->out, "%s\n", line);
  g_data_input_stream_read_line_async (output->in, G_PRIORITY_DEFAULT, output->cancellable, read_line_cb, output);
}

static gboolean
names_renderer (gpointer data)
{
  Output *output = data;

  return output->done || strstr (output->out->str, "Renderer: ") != NULL;
}

static void
test_renderer (void)
{
  const char *jingbao = g_getenv ("JB_JINGBAO");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  Output output = { 0 };

  if (jingbao == NULL)
    {
      g_test_skip ("JB_JINGBAO (the jingbao binary) is not set");
      return;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_unsetenv (launcher, "GSK_RENDERER");
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "jb-wall-window", TRUE);
  /* No server listens there: the wall's window opens all the same. */
  process = g_subprocess_launcher_spawn (launcher, &error, jingbao, "--wall", "--server", "http://127.0.0.1:9",
                                         "--user", "wall", "--password-file", "/nonexistent/password", NULL);
  g_assert_no_error (error);

  output.out = g_string_new (NULL);
  output.cancellable = g_cancellable_new ();
  output.in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_data_input_stream_read_line_async (output.in, G_PRIORITY_DEFAULT, output.cancellable, read_line_cb, &output);
  g_assert_true (jb_test_wait_for (names_renderer, &output, 120 * 1000));
  g_test_message ("%s", output.out->str);
  g_assert_nonnull (strstr (output.out->str, "Renderer: GskCairoRenderer"));

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
  /* The read under way ends (cancelled) before its data goes. */
  g_cancellable_cancel (output.cancellable);
  while (!output.done)
    g_main_context_iteration (NULL, TRUE);
  g_object_unref (output.in);
  g_object_unref (output.cancellable);
  g_string_free (output.out, TRUE);
}

static gboolean
is_font_mapping (const JbTestMapping *mapping)
{
  return mapping->path != NULL && jb_memory_is_font_file (mapping->path);
}

static gboolean
font_mapped (gpointer data)
{
  g_autoptr(GPtrArray) mappings = jb_test_smaps_read ();

  for (guint i = 0; i < mappings->len; i++)
    if (is_font_mapping (g_ptr_array_index (mappings, i)))
      return TRUE;
  return FALSE;
}

static gboolean
tended (gpointer data)
{
  return jb_wall_session_get_n_tended (data) > 0;
}

static void
test_tend_memory (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autoptr(JbWallSession) session = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  const char *panes[] = { "queue", NULL };
  guint n_fonts = 0;

  struct utsname kernel;
  guint major = 0, minor = 0;
  gboolean partial = FALSE;

  /* MADV_POPULATE_READ came with Linux 5.14. */
  g_assert_cmpint (uname (&kernel), ==, 0);
  if (sscanf (kernel.release, "%u.%u", &major, &minor) != 2 || major < 5 || (major == 5 && minor < 14))
    {
      g_test_skip ("The kernel is older than Linux 5.14: no MADV_POPULATE_READ");
      return;
    }
  g_settings_set_strv (settings, "wall-layout", panes);
  session = jb_wall_session_new (NULL, settings, "http://127.0.0.1:9", "wall", "/nonexistent/password", NULL);
  g_assert_true (jb_wall_session_start (session, &error));
  g_assert_no_error (error);
  /* The corner's clock and state are drawn: FreeType has mapped a font. */
  g_assert_true (jb_test_wait_for (font_mapped, NULL, 60 * 1000));

  before = jb_test_smaps_read ();
  jb_wall_session_tend_memory (session);
  g_assert_true (jb_test_wait_for (tended, session, 60 * 1000));
  after = jb_test_smaps_read ();

  for (guint i = 0; i < before->len; i++)
    {
      JbTestMapping *mapping = g_ptr_array_index (before, i);
      JbTestMapping *now;

      if (!is_font_mapping (mapping))
        continue;
      now = jb_test_smaps_lookup (after, GSIZE_TO_POINTER (mapping->start));
      /* A face closed meanwhile: nothing left to check. */
      if (now == NULL || g_strcmp0 (now->path, mapping->path) != 0)
        continue;
      g_test_message ("%s: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " kB resident before, %"
                      G_GINT64_FORMAT " after", mapping->path, mapping->rss_kb, mapping->size_kb, now->rss_kb);
      g_assert_cmpint (now->rss_kb, ==, now->size_kb);
      partial = partial || mapping->rss_kb < mapping->size_kb;
      n_fonts++;
    }
  g_assert_cmpuint (n_fonts, >, 0);
  /* Not resident whole before: the tending did it. */
  g_assert_true (partial);
  jb_wall_session_stop (session);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/app/wall-session/restore", test_restore);
  g_test_add_func ("/app/wall-session/no-password", test_no_password);
  g_test_add_func ("/app/wall-session/watchdog", test_watchdog);
  g_test_add_func ("/app/wall-session/renderer", test_renderer);
  g_test_add_func ("/app/wall-session/tend-memory", test_tend_memory);

  return g_test_run ();
}
