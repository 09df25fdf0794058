/* jb-outbox.c — the journal of a console's commands on disk
 *
 * One SQLite file per server and user. Reads happen once, at start;
 * writes go to one writer thread in order, so the main loop never waits
 * for the disk and a later state never lands before an earlier one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-outbox"

#include "jb-outbox.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "jb-command-private.h"
#include "jb-enum-types.h"
#include "jb-error.h"
#include "jb-json.h"

struct _JbOutbox
{
  GObject      parent_instance;

  char        *path;
  sqlite3     *db;
  GThread     *writer;
  GAsyncQueue *jobs;

  /* jb_outbox_flush(): jobs done so far / queued so far. */
  GMutex       lock;
  GCond        done_cond;
  guint64      queued;
  guint64      done;
};

G_DEFINE_FINAL_TYPE (JbOutbox, jb_outbox, G_TYPE_OBJECT)

typedef enum
{
  JOB_WRITE,
  JOB_REMOVE,
  JOB_QUIT,
} JobKind;

/* A copy of what is written, taken on the main thread. */
typedef struct
{
  JobKind  kind;
  char    *key;
  char    *method;
  char    *path;
  char    *body;
  gint64   issued_at;
  int      state;
  int      offline;
  char    *outcome;
  char    *result_id;
  GTask   *task;
  GError  *error;
} Job;

static void
job_free (Job *job)
{
  g_free (job->key);
  g_free (job->method);
  g_free (job->path);
  g_free (job->body);
  g_free (job->outcome);
  g_free (job->result_id);
  g_clear_object (&job->task);
  g_clear_error (&job->error);
  g_free (job);
}

static const char schema[] =
  "CREATE TABLE IF NOT EXISTS commands ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  key TEXT NOT NULL UNIQUE,"
  "  method TEXT NOT NULL,"
  "  path TEXT NOT NULL,"
  "  body TEXT,"
  "  issued_at INTEGER NOT NULL,"
  "  state INTEGER NOT NULL,"
  "  offline INTEGER NOT NULL,"
  "  outcome TEXT,"
  "  result_id TEXT);";

static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) == SQLITE_OK)
    return TRUE;
  g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL, "The outbox journal: %s",
               message != NULL ? message : sqlite3_errmsg (db));
  sqlite3_free (message);
  return FALSE;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static gboolean
run_job (JbOutbox  *self,
         Job       *job,
         GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (job->kind == JOB_WRITE)
    {
      /* Keeps the row's seq (the order given) on a later state. */
      rc = sqlite3_prepare_v2 (self->db,
                               "INSERT INTO commands (key, method, path, body, issued_at, state, offline, outcome, result_id)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                               " ON CONFLICT (key) DO UPDATE SET state = ?6, offline = ?7, outcome = ?8, result_id = ?9",
                               -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          bind_text (stmt, 1, job->key);
          bind_text (stmt, 2, job->method);
          bind_text (stmt, 3, job->path);
          bind_text (stmt, 4, job->body);
          sqlite3_bind_int64 (stmt, 5, job->issued_at);
          sqlite3_bind_int (stmt, 6, job->state);
          sqlite3_bind_int (stmt, 7, job->offline);
          bind_text (stmt, 8, job->outcome);
          bind_text (stmt, 9, job->result_id);
        }
    }
  else
    {
      rc = sqlite3_prepare_v2 (self->db, "DELETE FROM commands WHERE key = ?1", -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        bind_text (stmt, 1, job->key);
    }
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL, "Writing the outbox journal: %s",
                   sqlite3_errmsg (self->db));
      return FALSE;
    }
  return TRUE;
}

/* In the task's own context: the task (and its reference on the outbox)
 * is never let go on the writer thread, which could then not join
 * itself. */
static gboolean
complete_in_main (gpointer data)
{
  Job *job = data;

  if (job->error != NULL)
    g_task_return_error (job->task, g_steal_pointer (&job->error));
  else
    g_task_return_boolean (job->task, TRUE);
  return G_SOURCE_REMOVE;
}

static gpointer
writer_main (gpointer data)
{
  JbOutbox *self = data;

  for (;;)
    {
      Job *job = g_async_queue_pop (self->jobs);
      g_autoptr(GError) error = NULL;
      gboolean quit = job->kind == JOB_QUIT;

      if (!quit && !run_job (self, job, &error))
        g_warning ("%s", error->message);
      if (job->task != NULL)
        {
          job->error = g_steal_pointer (&error);
          g_main_context_invoke_full (g_task_get_context (job->task), G_PRIORITY_DEFAULT,
                                      complete_in_main, job, (GDestroyNotify) job_free);
        }
      else
        job_free (job);

      g_mutex_lock (&self->lock);
      self->done++;
      g_cond_broadcast (&self->done_cond);
      g_mutex_unlock (&self->lock);
      if (quit)
        return NULL;
    }
}

static void
push_job (JbOutbox *self,
          Job      *job)
{
  g_mutex_lock (&self->lock);
  self->queued++;
  g_mutex_unlock (&self->lock);
  g_async_queue_push (self->jobs, job);
}

char *
jb_outbox_path_for (const char *dir,
                    const char *server_url,
                    const char *username)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, server_url, -1);
  g_autofree char *user = g_strdup (username);
  g_autofree char *name = NULL;

  g_return_val_if_fail (server_url != NULL && username != NULL, NULL);

  /* A user name never leaves the directory. */
  g_strcanon (user, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", '_');
  hash[16] = '\0';
  name = g_strdup_printf ("outbox-%s-%s.db", hash, user);
  if (dir != NULL)
    return g_build_filename (dir, name, NULL);
  return g_build_filename (g_get_user_data_dir (), "jingbao", name, NULL);
}

JbOutbox *
jb_outbox_open (const char  *path,
                GError     **error)
{
  g_autoptr(JbOutbox) self = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL, "Cannot create %s: %s", dir, g_strerror (saved));
      return NULL;
    }

  self = g_object_new (JB_TYPE_OUTBOX, NULL);
  self->path = g_strdup (path);
  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL, "Cannot open the outbox journal %s: %s", path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  /* WAL with synchronous=FULL: every commit is fsync'd, so a command
   * written before it is sent survives a crash or power loss. */
  if (!exec_sql (self->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", error) ||
      !exec_sql (self->db, schema, error))
    return NULL;

  self->jobs = g_async_queue_new ();
  self->writer = g_thread_new ("jb-outbox", writer_main, self);
  return g_steal_pointer (&self);
}

const char *
jb_outbox_get_path (JbOutbox *self)
{
  g_return_val_if_fail (JB_IS_OUTBOX (self), NULL);
  return self->path;
}

GPtrArray *
jb_outbox_load (JbOutbox  *self,
                GError   **error)
{
  g_autoptr(GPtrArray) commands = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (JB_IS_OUTBOX (self), NULL);

  jb_outbox_flush (self);
  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT key, method, path, body, issued_at, state, offline, outcome, result_id"
                           " FROM commands ORDER BY seq", -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *body_text = (const char *) sqlite3_column_text (stmt, 3);
      g_autoptr(JsonNode) body = NULL;
      g_autoptr(GError) local_error = NULL;
      int state = sqlite3_column_int (stmt, 5);

      rc = SQLITE_OK;

      if (body_text != NULL && (body = json_from_string (body_text, &local_error)) == NULL)
        {
          g_warning ("Skipping a command of the outbox journal: %s", local_error->message);
          continue;
        }
      if (state < JB_COMMAND_STATE_QUEUED || state > JB_COMMAND_STATE_CONFIRMED)
        state = JB_COMMAND_STATE_QUEUED;
      g_ptr_array_add (commands,
                       _jb_command_restore ((const char *) sqlite3_column_text (stmt, 1),
                                            (const char *) sqlite3_column_text (stmt, 2),
                                            body,
                                            (const char *) sqlite3_column_text (stmt, 0),
                                            sqlite3_column_int64 (stmt, 4),
                                            sqlite3_column_int (stmt, 6) != 0,
                                            (JbCommandState) state,
                                            (const char *) sqlite3_column_text (stmt, 7),
                                            (const char *) sqlite3_column_text (stmt, 8)));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL, "Reading the outbox journal: %s",
                   sqlite3_errmsg (self->db));
      return NULL;
    }
  return g_steal_pointer (&commands);
}

void
jb_outbox_write_async (JbOutbox            *self,
                       JbCommand           *command,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  Job *job;
  JsonNode *body;
  JbCommandState state;

  g_return_if_fail (JB_IS_OUTBOX (self));
  g_return_if_fail (JB_IS_COMMAND (command));

  body = jb_command_get_body (command);
  state = jb_command_get_state (command);
  job = g_new0 (Job, 1);
  job->kind = JOB_WRITE;
  job->key = g_strdup (jb_command_get_idempotency_key (command));
  job->method = g_strdup (jb_command_get_method (command));
  job->path = g_strdup (jb_command_get_path (command));
  job->body = body != NULL ? json_to_string (body, FALSE) : NULL;
  job->issued_at = jb_command_get_issued_at (command);
  job->state = state;
  job->offline = jb_command_get_offline (command);
  if (state == JB_COMMAND_STATE_FAILED)
    job->outcome = g_strdup (jb_command_get_error_message (command));
  if (jb_command_get_target_kind (command) == JB_COMMAND_TARGET_INCIDENT)
    job->result_id = g_strdup (jb_command_get_target_id (command));
  if (callback != NULL)
    {
      job->task = g_task_new (self, NULL, callback, user_data);
      g_task_set_source_tag (job->task, jb_outbox_write_async);
    }
  push_job (self, job);
}

gboolean
jb_outbox_write_finish (JbOutbox      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
jb_outbox_remove (JbOutbox   *self,
                  const char *key)
{
  Job *job;

  g_return_if_fail (JB_IS_OUTBOX (self));
  g_return_if_fail (key != NULL);

  job = g_new0 (Job, 1);
  job->kind = JOB_REMOVE;
  job->key = g_strdup (key);
  push_job (self, job);
}

void
jb_outbox_flush (JbOutbox *self)
{
  guint64 target;

  g_return_if_fail (JB_IS_OUTBOX (self));

  g_mutex_lock (&self->lock);
  target = self->queued;
  while (self->done < target)
    g_cond_wait (&self->done_cond, &self->lock);
  g_mutex_unlock (&self->lock);
}

static void
jb_outbox_finalize (GObject *object)
{
  JbOutbox *self = (JbOutbox *)object;

  if (self->writer != NULL)
    {
      Job *job = g_new0 (Job, 1);

      job->kind = JOB_QUIT;
      push_job (self, job);
      g_thread_join (self->writer);
    }
  g_clear_pointer (&self->jobs, g_async_queue_unref);
  if (self->db != NULL)
    sqlite3_close (self->db);
  g_free (self->path);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->done_cond);

  G_OBJECT_CLASS (jb_outbox_parent_class)->finalize (object);
}

static void
jb_outbox_class_init (JbOutboxClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = jb_outbox_finalize;
}

static void
jb_outbox_init (JbOutbox *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->done_cond);
}
