/* jb-test-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-test-server"

#include "jb-test-server.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <sqlite3.h>

#ifdef JB_HAVE_POSTGRESQL
#include <libpq-fe.h>

#include "jb-test-postgres.h"
#endif

#define START_TIMEOUT_S 60

struct _JbTestServer
{
  char              *binary;
  char              *tmpdir;
  char              *db_path;      /* the SQLite file, or the PostgreSQL target */
  char              *data_dir;
  gboolean           postgresql;
  gboolean           drop_database; /* made by jb_test_postgres_new_database */
  char              *url;
  char             **extra_args;
  guint16            port;
  GSubprocess       *process;
  GDataInputStream  *stdout_stream;
  SoupSession       *session;
};

typedef struct
{
  char     *line;
  gboolean  done;
} LineWait;

static void
read_line_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineWait *wait = user_data;

  wait->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object),
                                                          result, NULL, NULL);
  wait->done = TRUE;
}

static gboolean
set_true_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default context until *@flag or @timeout_ms; TRUE if *@flag. */
static gboolean
iterate_until (gboolean *flag,
               guint     timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, set_true_cb, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  return *flag;
}

/* Runs in the child: if the test dies (a failed assertion aborts it), the
 * server goes too, instead of holding the test runner's pipes open forever. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
spawn (JbTestServer *self,
       const char   *listen)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  LineWait wait = { NULL, FALSE };
  const char *prefix = "jingbao-dispatchd listening on ";

  g_ptr_array_add (argv, self->binary);
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, self->db_path);
  if (self->postgresql)
    {
      /* No file beside which to keep the clips. */
      g_ptr_array_add (argv, (char *) "--data-dir");
      g_ptr_array_add (argv, self->data_dir);
    }
  g_ptr_array_add (argv, (char *) "--listen");
  g_ptr_array_add (argv, (char *) listen);
  for (guint i = 0; self->extra_args != NULL && self->extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, self->extra_args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* A suite about the client may run its server with other sanitizer
   * options than its own: the server's leaks are the server suite's. */
  if (g_getenv ("JB_TEST_SERVER_ASAN_OPTIONS") != NULL)
    g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", g_getenv ("JB_TEST_SERVER_ASAN_OPTIONS"), TRUE);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  self->stdout_stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  g_data_input_stream_read_line_async (self->stdout_stream, G_PRIORITY_DEFAULT, NULL,
                                       read_line_cb, &wait);
  if (!iterate_until (&wait.done, START_TIMEOUT_S * 1000))
    g_error ("jingbao-dispatchd did not say it was listening within %d s", START_TIMEOUT_S);

  if (wait.line == NULL || !g_str_has_prefix (wait.line, prefix))
    g_error ("jingbao-dispatchd printed \"%s\" instead of its listening line",
             wait.line ? wait.line : "(nothing)");

  g_free (self->url);
  self->url = g_strdup (wait.line + strlen (prefix));
  g_free (wait.line);

  uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_host (uri), ==, "127.0.0.1");
  g_assert_cmpint (g_uri_get_port (uri), >, 0);
  self->port = (guint16) g_uri_get_port (uri);
}

static JbTestServer *
server_new (void)
{
  JbTestServer *self = g_new0 (JbTestServer, 1);
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("JB_DISPATCHD");

  if (binary == NULL)
    g_error ("JB_DISPATCHD must name the jingbao-dispatchd binary under test");

  self->binary = g_strdup (binary);
  self->tmpdir = g_dir_make_tmp ("jb-test-XXXXXX", &error);
  g_assert_no_error (error);
  self->session = soup_session_new ();
  soup_session_set_timeout (self->session, 60);
  return self;
}

JbTestServer *
jb_test_server_start (const char * const *extra_args)
{
  JbTestServer *self = server_new ();

  if (jb_test_backend_is_postgresql ())
    {
#ifdef JB_HAVE_POSTGRESQL
      self->postgresql = TRUE;
      self->drop_database = TRUE;
      self->db_path = jb_test_postgres_new_database ();
      self->data_dir = g_build_filename (self->tmpdir, "data", NULL);
#else
      g_error ("JB_TEST_BACKEND=postgresql in a build without PostgreSQL");
#endif
    }
  else
    {
      self->db_path = g_build_filename (self->tmpdir, "dispatch.db", NULL);
      self->data_dir = g_strconcat (self->db_path, ".data", NULL);
    }
  self->extra_args = g_strdupv ((char **) extra_args);

  spawn (self, "127.0.0.1:0");
  return self;
}

JbTestServer *
jb_test_server_start_on_postgresql (const char         *target,
                                    const char * const *extra_args)
{
  JbTestServer *self = server_new ();

  self->postgresql = TRUE;
  self->db_path = g_strdup (target);
  self->data_dir = g_build_filename (self->tmpdir, "data", NULL);
  self->extra_args = g_strdupv ((char **) extra_args);

  spawn (self, "127.0.0.1:0");
  return self;
}

JbTestServer *
jb_test_server_start_sibling (JbTestServer       *first,
                              const char * const *extra_args)
{
  JbTestServer *self = server_new ();

  /* The first one's database and clip files (either backend); its own
   * (empty) directory, so that freeing it removes nothing of the first's,
   * and the first drops the database. */
  self->postgresql = first->postgresql;
  self->db_path = g_strdup (first->db_path);
  self->data_dir = g_strdup (first->data_dir);
  self->extra_args = g_strdupv ((char **) extra_args);

  spawn (self, "127.0.0.1:0");
  return self;
}

const char *
jb_test_server_get_url (JbTestServer *self)
{
  return self->url;
}

const char *
jb_test_server_get_db_path (JbTestServer *self)
{
  return self->db_path;
}

gboolean
jb_test_server_is_postgresql (JbTestServer *self)
{
  return self->postgresql;
}

const char *
jb_test_server_get_data_dir (JbTestServer *self)
{
  return self->data_dir;
}

static int
first_value_cb (void  *user_data,
                int    n_columns,
                char **values,
                char **names)
{
  gint64 *value = user_data;

  if (*value == -1 && n_columns > 0 && values[0] != NULL)
    *value = g_ascii_strtoll (values[0], NULL, 10);
  return 0;
}

/* Runs @sql (one or more statements) on either backend; returns the
 * integer in the first column of the first row, -1 without one. */
static gint64
run_sql (JbTestServer *self,
         const char   *sql)
{
  gint64 value = -1;

  if (self->postgresql)
    {
#ifdef JB_HAVE_POSTGRESQL
      PGconn *conn = PQconnectdb (self->db_path);
      PGresult *result;

      g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
      result = PQexec (conn, sql);
      if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
        g_error ("%s: %s", sql, PQerrorMessage (conn));
      if (PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) > 0 && !PQgetisnull (result, 0, 0))
        value = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
      PQclear (result);
      PQfinish (conn);
#endif
    }
  else
    {
      sqlite3 *db = NULL;
      char *message = NULL;

      g_assert_cmpint (sqlite3_open (self->db_path, &db), ==, SQLITE_OK);
      sqlite3_busy_timeout (db, 30000);
      if (sqlite3_exec (db, sql, first_value_cb, &value, &message) != SQLITE_OK)
        g_error ("%s: %s", sql, message);
      sqlite3_close (db);
    }
  return value;
}

void
jb_test_server_exec_sql (JbTestServer *self,
                         const char   *sql)
{
  run_sql (self, sql);
}

gint64
jb_test_server_query_int (JbTestServer *self,
                          const char   *sql)
{
  return run_sql (self, sql);
}

gboolean
jb_test_backend_is_postgresql (void)
{
  return g_strcmp0 (g_getenv ("JB_TEST_BACKEND"), "postgresql") == 0;
}

GPid
jb_test_server_get_pid (JbTestServer *self)
{
  const char *id = self->process != NULL ? g_subprocess_get_identifier (self->process) : NULL;

  return id != NULL ? (GPid) g_ascii_strtoll (id, NULL, 10) : 0;
}

static void
forget_process (JbTestServer *self)
{
  g_clear_object (&self->stdout_stream);
  g_clear_object (&self->process);
}

void
jb_test_server_kill (JbTestServer *self,
                     int           signum)
{
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (self->process);
  g_subprocess_send_signal (self->process, signum);
  g_subprocess_wait (self->process, NULL, &error);
  g_assert_no_error (error);
  forget_process (self);
}

void
jb_test_server_restart (JbTestServer *self)
{
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", self->port);

  g_assert_null (self->process);
  /* A new session, so that no pooled connection to the old process is reused. */
  g_clear_object (&self->session);
  self->session = soup_session_new ();
  soup_session_set_timeout (self->session, 60);
  spawn (self, listen);
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

void
jb_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        jb_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
jb_test_server_free (JbTestServer *self)
{
  if (self->process != NULL)
    {
      gboolean done = FALSE;

      g_subprocess_send_signal (self->process, SIGTERM);
      g_subprocess_wait_async (self->process, NULL, wait_cb, &done);
      if (!iterate_until (&done, 30000))
        {
          g_subprocess_force_exit (self->process);
          g_error ("jingbao-dispatchd did not exit within 30 s of SIGTERM");
        }
      /* A clean shutdown is part of the contract (and where ASan reports leaks). */
      g_assert_true (g_subprocess_get_if_exited (self->process));
      g_assert_cmpint (g_subprocess_get_exit_status (self->process), ==, 0);
      forget_process (self);
    }

  g_clear_object (&self->session);
#ifdef JB_HAVE_POSTGRESQL
  if (self->drop_database)
    jb_test_postgres_drop_database (self->db_path);
#endif
  if (self->tmpdir != NULL)
    jb_test_remove_tree (self->tmpdir);
  g_free (self->tmpdir);
  g_free (self->db_path);
  g_free (self->data_dir);
  g_free (self->url);
  g_free (self->binary);
  g_strfreev (self->extra_args);
  g_free (self);
}

void
jb_test_response_free (JbTestResponse *response)
{
  g_clear_pointer (&response->body, json_node_unref);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_free (response->text);
  g_free (response);
}

JbTestResponse *
jb_test_request_bytes (JbTestServer *self,
                       const char   *method,
                       const char   *path,
                       const char   *authorization,
                       const char   *idempotency_key,
                       const char   *body,
                       gsize         length)
{
  g_autofree char *url = g_strconcat (self->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JbTestResponse *response;
  SoupMessageHeaders *headers;

  g_assert_nonnull (msg);
  headers = soup_message_get_request_headers (msg);
  if (authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", authorization);
  if (idempotency_key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", idempotency_key);
  if (body != NULL)
    {
      g_autoptr(GBytes) request_body = g_bytes_new (body, length);

      soup_message_set_request_body_from_bytes (msg, "application/json", request_body);
    }

  bytes = soup_session_send_and_read (self->session, msg, NULL, &error);
  g_assert_no_error (error);

  response = g_new0 (JbTestResponse, 1);
  response->status = soup_message_get_status (msg);
  response->text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  if (g_bytes_get_size (bytes) > 0 &&
      json_parser_load_from_data (parser, response->text, -1, NULL))
    response->body = json_node_ref (json_parser_get_root (parser));

  return response;
}

JbTestResponse *
jb_test_request (JbTestServer *self,
                 const char   *method,
                 const char   *path,
                 const char   *authorization,
                 const char   *idempotency_key,
                 const char   *body)
{
  return jb_test_request_bytes (self, method, path, authorization, idempotency_key,
                                body, body ? strlen (body) : 0);
}

char *
jb_test_login (JbTestServer *self,
               const char   *username,
               const char   *password)
{
  g_autofree char *body = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}",
                                           username, password);
  g_autoptr(JbTestResponse) response = jb_test_request (self, "POST", "/api/v1/session",
                                                        NULL, NULL, body);
  const char *token;

  g_assert_cmpuint (response->status, ==, 201);
  token = jb_test_json_string (response->body, "token");
  g_assert_nonnull (token);
  return g_strconcat ("Bearer ", token, NULL);
}

char *
jb_test_device_auth (const char *terminal_id,
                     const char *secret)
{
  g_autofree char *pair = g_strconcat (terminal_id, ":", secret, NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));

  return g_strconcat ("Basic ", encoded, NULL);
}

JsonNode *
jb_test_json_get (JsonNode   *node,
                  const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);

  for (guint i = 0; node != NULL && parts[i] != NULL; i++)
    {
      if (JSON_NODE_HOLDS_OBJECT (node))
        node = json_object_get_member (json_node_get_object (node), parts[i]);
      else if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);
          guint64 index = g_ascii_strtoull (parts[i], NULL, 10);

          node = index < json_array_get_length (array) ? json_array_get_element (array, index) : NULL;
        }
      else
        node = NULL;
    }

  return node;
}

const char *
jb_test_json_string (JsonNode   *node,
                     const char *path)
{
  JsonNode *member = jb_test_json_get (node, path);

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (member);
}

gint64
jb_test_json_int (JsonNode   *node,
                  const char *path)
{
  JsonNode *member = jb_test_json_get (node, path);

  g_assert_nonnull (member);
  g_assert_true (JSON_NODE_HOLDS_VALUE (member));
  return json_node_get_int (member);
}

JsonObject *
jb_test_json_find_by_id (JsonArray  *array,
                         const char *id)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (object, "id"), id) == 0)
        return object;
    }
  return NULL;
}

struct _JbTestEvents
{
  SoupSession             *session;
  SoupWebsocketConnection *connection;
  GQueue                   frames;
  GQueue                   positions;  /* "positions" frames, apart */
  GHashTable              *by_unit;    /* unit id → GQueue of their items read */
  gboolean                 closed;
};

static void
message_cb (SoupWebsocketConnection *connection,
            gint                     type,
            GBytes                  *message,
            gpointer                 user_data)
{
  JbTestEvents *events = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (message, &length);

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  json_parser_load_from_data (parser, data, length, &error);
  g_assert_no_error (error);
  if (g_strcmp0 (jb_test_json_string (json_parser_get_root (parser), "type"), "positions") == 0)
    g_queue_push_tail (&events->positions, json_node_ref (json_parser_get_root (parser)));
  else
    g_queue_push_tail (&events->frames, json_node_ref (json_parser_get_root (parser)));
}

static void
closed_cb (SoupWebsocketConnection *connection,
           gpointer                 user_data)
{
  ((JbTestEvents *) user_data)->closed = TRUE;
}

typedef struct
{
  SoupWebsocketConnection *connection;
  GError                  *error;
  gboolean                 done;
} ConnectWait;

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ConnectWait *wait = user_data;

  wait->connection = soup_session_websocket_connect_finish (SOUP_SESSION (object), result,
                                                            &wait->error);
  wait->done = TRUE;
}

JbTestEvents *
jb_test_events_connect (JbTestServer *self,
                        const char   *authorization,
                        gint64        since,
                        guint        *out_status)
{
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  JbTestEvents *events;
  ConnectWait wait = { NULL, NULL, FALSE };

  if (since >= 0)
    url = g_strdup_printf ("%s/api/v1/events?since=%" G_GINT64_FORMAT, self->url, since);
  else
    url = g_strdup_printf ("%s/api/v1/events", self->url);

  msg = soup_message_new ("GET", url);
  if (authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
                                  "Authorization", authorization);

  events = g_new0 (JbTestEvents, 1);
  g_queue_init (&events->frames);
  g_queue_init (&events->positions);
  events->session = soup_session_new ();
  soup_session_websocket_connect_async (events->session, msg, NULL, NULL,
                                        G_PRIORITY_DEFAULT, NULL, connect_cb, &wait);
  g_assert_true (iterate_until (&wait.done, 30000));

  if (out_status != NULL)
    *out_status = soup_message_get_status (msg);

  if (wait.connection == NULL)
    {
      g_clear_error (&wait.error);
      jb_test_events_free (events);
      return NULL;
    }

  events->connection = wait.connection;
  /* Frames carry whole incidents: give them room, as the real client does. */
  soup_websocket_connection_set_max_incoming_payload_size (events->connection, 16 * 1024 * 1024);
  g_signal_connect (events->connection, "message", G_CALLBACK (message_cb), events);
  g_signal_connect (events->connection, "closed", G_CALLBACK (closed_cb), events);
  return events;
}

JsonNode *
jb_test_events_next (JbTestEvents *events,
                     guint         timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = 0;

  if (g_queue_is_empty (&events->frames) && !events->closed)
    {
      id = g_timeout_add (timeout_ms, set_true_cb, &timed_out);
      while (g_queue_is_empty (&events->frames) && !events->closed && !timed_out)
        g_main_context_iteration (NULL, TRUE);
      if (!timed_out)
        g_source_remove (id);
    }

  return g_queue_pop_head (&events->frames);
}

JsonNode *
jb_test_events_next_positions (JbTestEvents *events,
                               guint         timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = 0;

  if (g_queue_is_empty (&events->positions) && !events->closed)
    {
      id = g_timeout_add (timeout_ms, set_true_cb, &timed_out);
      while (g_queue_is_empty (&events->positions) && !events->closed && !timed_out)
        g_main_context_iteration (NULL, TRUE);
      if (!timed_out)
        g_source_remove (id);
    }

  return g_queue_pop_head (&events->positions);
}

static void
queue_free (gpointer data)
{
  g_queue_free_full (data, (GDestroyNotify) json_object_unref);
}

/* Items of the positions frames read so far, per unit, not yet returned. */
static GQueue *
unit_items (JbTestEvents *events,
            const char   *unit_id)
{
  GQueue *queue;

  if (events->by_unit == NULL)
    events->by_unit = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, queue_free);
  queue = g_hash_table_lookup (events->by_unit, unit_id);
  if (queue == NULL)
    {
      queue = g_queue_new ();
      g_hash_table_insert (events->by_unit, g_strdup (unit_id), queue);
    }
  return queue;
}

JsonObject *
jb_test_events_wait_position (JbTestEvents *events,
                              const char   *unit_id,
                              gint64        time,
                              guint         timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      GQueue *mine = unit_items (events, unit_id);
      gint64 left_ms = (deadline - g_get_monotonic_time ()) / 1000;
      g_autoptr(JsonNode) frame = NULL;
      JsonArray *items;

      while (!g_queue_is_empty (mine))
        {
          JsonObject *item = g_queue_pop_head (mine);

          if (time < 0 || json_object_get_int_member (item, "time") == time)
            return item;
          json_object_unref (item);
        }
      if (left_ms <= 0 || (frame = jb_test_events_next_positions (events, (guint) left_ms)) == NULL)
        return NULL;
      items = json_node_get_array (jb_test_json_get (frame, "data.items"));
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonObject *item = json_array_get_object_element (items, i);

          g_queue_push_tail (unit_items (events, json_object_get_string_member (item, "id")),
                             json_object_ref (item));
        }
    }
}

JsonNode *
jb_test_events_wait_type (JbTestEvents *events,
                          const char   *type,
                          guint         timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      gint64 left_ms = (deadline - g_get_monotonic_time ()) / 1000;
      JsonNode *frame;

      if (left_ms <= 0)
        return NULL;
      frame = jb_test_events_next (events, (guint) left_ms);
      if (frame == NULL)
        return NULL;
      if (g_strcmp0 (jb_test_json_string (frame, "type"), type) == 0)
        return frame;
      json_node_unref (frame);
    }
}

gboolean
jb_test_events_is_closed (JbTestEvents *events)
{
  return events->closed;
}

gushort
jb_test_events_close_code (JbTestEvents *events)
{
  return events->connection ? soup_websocket_connection_get_close_code (events->connection) : 0;
}

void
jb_test_events_free (JbTestEvents *events)
{
  if (events->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (events->connection, events);
      if (soup_websocket_connection_get_state (events->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (events->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&events->connection);
    }
  g_queue_clear_full (&events->frames, (GDestroyNotify) json_node_unref);
  g_queue_clear_full (&events->positions, (GDestroyNotify) json_node_unref);
  g_clear_pointer (&events->by_unit, g_hash_table_unref);
  g_clear_object (&events->session);
  g_free (events);
}
