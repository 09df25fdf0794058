/* jb-test-postgres.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-test-postgres"

#include "jb-test-postgres.h"
#include "jb-test-server.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define READY_TIMEOUT_S 120

struct _JbTestPostgres
{
  char        *bindir;
  char        *dir;        /* owned by the cluster's user: data/, the socket, the log */
  char        *data;
  char        *log;
  char        *base;
  guint16      port;
  GSubprocess *postmaster;
  gboolean     switch_user;
  uid_t        uid;
  gid_t        gid;
  char       **settings;   /* extra "name=value" for -c, after the defaults */
};

/* initdb, pg_ctl and postgres: on PATH, else where Debian keeps them. */
static char *
find_bindir (void)
{
  g_autofree char *initdb = g_find_program_in_path ("initdb");
  g_autofree char *pg_config = g_find_program_in_path ("pg_config");
  g_autoptr(GDir) dir = NULL;
  const char *name;
  char *best = NULL;

  /* Through a symbolic link to the real bindir, which also holds
   * pg_basebackup. */
  if (initdb != NULL)
    {
      g_autofree char *real = realpath (initdb, NULL);

      return g_path_get_dirname (real != NULL ? real : initdb);
    }

  if (pg_config != NULL)
    {
      g_autofree char *out = NULL;
      const char *argv[] = { pg_config, "--bindir", NULL };

      if (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                        &out, NULL, NULL, NULL))
        {
          g_autofree char *candidate = g_build_filename (g_strstrip (out), "initdb", NULL);

          if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE))
            return g_strdup (out);
        }
    }

  dir = g_dir_open ("/usr/lib/postgresql", 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *candidate = g_build_filename ("/usr/lib/postgresql", name, "bin", "initdb", NULL);

      if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE) &&
          (best == NULL || g_ascii_strtoll (name, NULL, 10) > g_ascii_strtoll (best, NULL, 10)))
        {
          g_free (best);
          best = g_strdup (name);
        }
    }
  if (best == NULL)
    g_error ("PostgreSQL's initdb is not installed (./scripts/install-deps installs postgresql)");

  {
    char *bindir = g_build_filename ("/usr/lib/postgresql", best, "bin", NULL);

    g_free (best);
    return bindir;
  }
}

static guint16
free_port (void)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t length = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  guint16 port;

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &address, &length), ==, 0);
  port = ntohs (address.sin_port);
  close (fd);
  return port;
}

/* Runs in the child: root may not run PostgreSQL, so the cluster's
 * processes are the `postgres` user's; they end with the test. */
static void
child_setup (gpointer user_data)
{
  JbTestPostgres *self = user_data;

  if (self->switch_user)
    {
      if (setgroups (0, NULL) != 0 || setgid (self->gid) != 0 || setuid (self->uid) != 0)
        _exit (127);
    }
  /* After setuid, which clears it. */
  prctl (PR_SET_PDEATHSIG, SIGQUIT);
  /* Its own process group, so that a test can kill -9 the whole cluster
   * (the postmaster and its backends) as a crashed machine would. */
  setpgid (0, 0);
}

static GSubprocessLauncher *
launcher_new (JbTestPostgres *self)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);

  g_subprocess_launcher_set_stdout_file_path (launcher, self->log);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, self, NULL);
  g_subprocess_launcher_set_cwd (launcher, self->dir);
  /* The cluster speaks English whatever the test's locale. */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  return launcher;
}

static char *
read_log (JbTestPostgres *self)
{
  char *text = NULL;

  if (!g_file_get_contents (self->log, &text, NULL, NULL))
    return g_strdup ("(no log)");
  return text;
}

static void
start_postmaster (JbTestPostgres *self)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *postgres = g_build_filename (self->bindir, "postgres", NULL);
  g_autofree char *port = g_strdup_printf ("%u", self->port);
  g_autofree char *sockets = g_strdup_printf ("unix_socket_directories=%s", self->dir);
  g_autofree char *ping = g_strdup_printf ("%s dbname=postgres connect_timeout=5", self->base);
  gint64 deadline = g_get_monotonic_time () + READY_TIMEOUT_S * G_USEC_PER_SEC;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char * const defaults[] = {
    "listen_addresses=127.0.0.1", sockets, "fsync=off", "synchronous_commit=off",
    "full_page_writes=off", "shared_buffers=32MB", "max_connections=200",
  };

  g_ptr_array_add (argv, postgres);
  g_ptr_array_add (argv, "-D");
  g_ptr_array_add (argv, self->data);
  g_ptr_array_add (argv, "-p");
  g_ptr_array_add (argv, port);
  for (gsize i = 0; i < G_N_ELEMENTS (defaults); i++)
    {
      g_ptr_array_add (argv, "-c");
      g_ptr_array_add (argv, (gpointer) defaults[i]);
    }
  /* The last -c of a name wins. */
  for (char **setting = self->settings; setting != NULL && *setting != NULL; setting++)
    {
      g_ptr_array_add (argv, "-c");
      g_ptr_array_add (argv, *setting);
    }
  g_ptr_array_add (argv, NULL);

  /* The postmaster itself rather than pg_ctl's daemon, so that it is
   * this process's child and dies with it. */
  self->postmaster = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                                   &error);
  g_assert_no_error (error);

  while (PQping (ping) != PQPING_OK)
    {
      if (g_subprocess_get_identifier (self->postmaster) == NULL ||
          g_get_monotonic_time () > deadline)
        {
          g_autofree char *log = read_log (self);

          g_error ("PostgreSQL did not start on port %u:\n%s", self->port, log);
        }
      g_usleep (50 * 1000);
    }
}

/* A cluster's directory, owned by the user who runs it. */
static JbTestPostgres *
cluster_new (const char * const *settings)
{
  JbTestPostgres *self = g_new0 (JbTestPostgres, 1);
  g_autoptr(GError) error = NULL;

  self->bindir = find_bindir ();
  self->dir = g_dir_make_tmp ("jb-test-pg-XXXXXX", &error);
  g_assert_no_error (error);
  self->data = g_build_filename (self->dir, "data", NULL);
  self->log = g_build_filename (self->dir, "postgres.log", NULL);
  self->settings = g_strdupv ((char **) settings);

  if (getuid () == 0)
    {
      struct passwd *user = getpwnam ("postgres");

      if (user == NULL)
        g_error ("root cannot run PostgreSQL and there is no `postgres` user to run it as");
      self->switch_user = TRUE;
      self->uid = user->pw_uid;
      self->gid = user->pw_gid;
      g_assert_cmpint (chown (self->dir, self->uid, self->gid), ==, 0);
    }
  return self;
}

JbTestPostgres *
jb_test_postgres_start (void)
{
  return jb_test_postgres_start_with (NULL);
}

JbTestPostgres *
jb_test_postgres_start_with (const char * const *settings)
{
  JbTestPostgres *self = cluster_new (settings);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) initdb = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *initdb_path = NULL;

  launcher = launcher_new (self);
  initdb_path = g_build_filename (self->bindir, "initdb", NULL);
  initdb = g_subprocess_launcher_spawn (launcher, &error, initdb_path, "-D", self->data,
                                        "-U", "jbadmin", "--auth-local=trust", "--auth-host=trust",
                                        "-E", "UTF8", "--no-locale", "-N", NULL);
  g_assert_no_error (error);
  if (!g_subprocess_wait_check (initdb, NULL, &error))
    {
      g_autofree char *log = read_log (self);

      g_error ("initdb failed: %s\n%s", error->message, log);
    }

  self->port = free_port ();
  self->base = g_strdup_printf ("host=127.0.0.1 port=%u user=jbadmin", self->port);
  start_postmaster (self);
  return self;
}

const char *
jb_test_postgres_get_base (JbTestPostgres *self)
{
  return self->base;
}

static void
stop_postmaster (JbTestPostgres *self)
{
  g_autoptr(GError) error = NULL;

  if (self->postmaster == NULL)
    return;
  /* SIGINT: fast shutdown, sessions are cut, the data stays consistent. */
  g_subprocess_send_signal (self->postmaster, SIGINT);
  g_subprocess_wait (self->postmaster, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&self->postmaster);
}

void
jb_test_postgres_restart (JbTestPostgres *self)
{
  stop_postmaster (self);
  start_postmaster (self);
}

void
jb_test_postgres_stop (JbTestPostgres *self)
{
  stop_postmaster (self);
  jb_test_remove_tree (self->dir);
  g_free (self->bindir);
  g_free (self->dir);
  g_free (self->data);
  g_free (self->log);
  g_free (self->base);
  g_strfreev (self->settings);
  g_free (self);
}

guint16
jb_test_postgres_get_port (JbTestPostgres *self)
{
  return self->port;
}

static void quiet_notice (void *user_data, const char *message);

/* The first column of the first row of @sql on @self's database @dbname
 * as a string (NULL when there is no row); aborts on error. */
static char *
query_text (JbTestPostgres *self,
            const char     *dbname,
            const char     *sql)
{
  g_autofree char *conninfo = g_strdup_printf ("%s dbname=%s connect_timeout=10", self->base, dbname);
  PGconn *conn = PQconnectdb (conninfo);
  PGresult *result;
  char *value = NULL;

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot connect to PostgreSQL (%s): %s", conninfo, PQerrorMessage (conn));
  PQsetNoticeProcessor (conn, quiet_notice, NULL);
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_TUPLES_OK && PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  if (PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) > 0)
    value = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  PQfinish (conn);
  return value;
}

JbTestPostgres *
jb_test_postgres_start_standby (JbTestPostgres     *primary,
                                const char * const *settings)
{
  JbTestPostgres *self = cluster_new (settings);
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (self);
  g_autoptr(GSubprocess) basebackup = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (self->bindir, "pg_basebackup", NULL);
  g_autofree char *port = g_strdup_printf ("%u", primary->port);
  gint64 deadline;

  /* A copy of the primary with -R: standby.signal and its primary_conninfo
   * (initdb's pg_hba.conf already lets loopback replicate). */
  basebackup = g_subprocess_launcher_spawn (launcher, &error, path, "-D", self->data,
                                            "-h", "127.0.0.1", "-p", port, "-U", "jbadmin",
                                            "-R", "-X", "stream", "-c", "fast", NULL);
  g_assert_no_error (error);
  if (!g_subprocess_wait_check (basebackup, NULL, &error))
    {
      g_autofree char *log = read_log (self);

      g_error ("pg_basebackup failed: %s\n%s", error->message, log);
    }

  self->port = free_port ();
  self->base = g_strdup_printf ("host=127.0.0.1 port=%u user=jbadmin", self->port);
  start_postmaster (self);

  /* Streaming, so that a synchronous primary accepts commits. */
  deadline = g_get_monotonic_time () + READY_TIMEOUT_S * G_USEC_PER_SEC;
  for (;;)
    {
      g_autofree char *state = query_text (primary, "postgres",
                                           "SELECT state FROM pg_stat_replication LIMIT 1");

      if (g_strcmp0 (state, "streaming") == 0)
        break;
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *log = read_log (self);

          g_error ("The standby on port %u is not streaming:\n%s", self->port, log);
        }
      g_usleep (50 * 1000);
    }
  return self;
}

void
jb_test_postgres_kill (JbTestPostgres *self)
{
  g_autoptr(GError) error = NULL;
  const char *pid;

  g_assert_nonnull (self->postmaster);
  pid = g_subprocess_get_identifier (self->postmaster);
  g_assert_nonnull (pid);
  /* The whole group: the postmaster and every backend at once. */
  g_assert_cmpint (kill (-(pid_t) g_ascii_strtoll (pid, NULL, 10), SIGKILL), ==, 0);
  g_subprocess_wait (self->postmaster, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&self->postmaster);
}

void
jb_test_postgres_promote (JbTestPostgres *self)
{
  g_autofree char *done = query_text (self, "postgres", "SELECT pg_promote (true, 120)");

  g_assert_cmpstr (done, ==, "t");
}

char *
jb_test_postgres_create_database (JbTestPostgres *self)
{
  static guint counter;
  g_autofree char *name = g_strdup_printf ("jb_test_%d_c%u_%08x", (int) getpid (), ++counter,
                                           g_random_int ());
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE %s", name);
  g_free (query_text (self, "postgres", create));

  return g_steal_pointer (&name);
}

gint64
jb_test_postgres_query_int (JbTestPostgres *self,
                            const char     *dbname,
                            const char     *sql)
{
  g_autofree char *value = query_text (self, dbname, sql);

  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : -1;
}

static JbTestPostgres *default_cluster;

static void
stop_default_cluster (void)
{
  g_clear_pointer (&default_cluster, jb_test_postgres_stop);
}

const char *
jb_test_postgres_default_base (void)
{
  const char *base = g_getenv ("JB_TEST_PG");

  if (base != NULL && *base != '\0')
    return base;

  if (default_cluster == NULL)
    {
      default_cluster = jb_test_postgres_start ();
      atexit (stop_default_cluster);
    }
  return default_cluster->base;
}

static void
quiet_notice (void       *user_data,
              const char *message)
{
}

static void
admin_command (const char *sql)
{
  g_autofree char *conninfo = g_strdup_printf ("%s dbname=postgres", jb_test_postgres_default_base ());
  PGconn *conn = PQconnectdb (conninfo);
  PGresult *result;

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot connect to the tests' PostgreSQL (%s): %s", conninfo, PQerrorMessage (conn));

  PQsetNoticeProcessor (conn, quiet_notice, NULL);
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  PQclear (result);
  PQfinish (conn);
}

char *
jb_test_postgres_new_database (void)
{
  static guint counter;
  g_autofree char *name = g_strdup_printf ("jb_test_%d_%u_%08x", (int) getpid (), ++counter,
                                           g_random_int ());
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE %s", name);

  admin_command (create);
  return g_strdup_printf ("%s dbname=%s", jb_test_postgres_default_base (), name);
}

void
jb_test_postgres_drop_database (const char *target)
{
  PQconninfoOption *options = PQconninfoParse (target, NULL);
  const char *name = NULL;

  g_assert_nonnull (options);
  for (PQconninfoOption *option = options; option->keyword != NULL; option++)
    if (g_str_equal (option->keyword, "dbname"))
      name = option->val;
  g_assert_nonnull (name);
  g_assert_true (g_str_has_prefix (name, "jb_test_"));

  {
    g_autofree char *drop = g_strdup_printf ("DROP DATABASE IF EXISTS %s WITH (FORCE)", name);

    admin_command (drop);
  }
  PQconninfoFree (options);
}
