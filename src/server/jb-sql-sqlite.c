/* jb-sql-sqlite.c — the SQLite driver of jb-sql.h, the default backend:
 * one file in WAL mode, synchronous FULL, foreign keys on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-sql"

#include "jb-sql-private.h"

#include <sqlite3.h>

#include "jb-error.h"

typedef struct
{
  JbSql         parent;
  sqlite3      *db;
  sqlite3_stmt *begin_immediate;
  sqlite3_stmt *begin_deferred;
  sqlite3_stmt *commit;
} JbSqlSqlite;

typedef struct
{
  JbSqlStmt     parent;
  sqlite3_stmt *stmt;
  gint64        changes;
} JbSqlSqliteStmt;

#define DB(self) (((JbSqlSqlite *) (self))->db)
#define STMT(stmt) (((JbSqlSqliteStmt *) (stmt))->stmt)

static gboolean
sqlite_exec (JbSql       *self,
             const char  *script,
             GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (DB (self), script, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL, "Database error: %s",
                   message != NULL ? message : sqlite3_errmsg (DB (self)));
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

static void
sqlite_close (JbSql *self)
{
  JbSqlSqlite *conn = (JbSqlSqlite *) self;

  g_clear_pointer (&conn->begin_immediate, sqlite3_finalize);
  g_clear_pointer (&conn->begin_deferred, sqlite3_finalize);
  g_clear_pointer (&conn->commit, sqlite3_finalize);
  if (conn->db != NULL)
    sqlite3_close (conn->db);
  g_free (conn);
}

static sqlite3_stmt *
prepare_persistent (sqlite3    *db,
                    const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    return NULL;
  return stmt;
}

static JbSql *
sqlite_open (const char  *path,
             GError     **error)
{
  JbSqlSqlite *conn = g_new0 (JbSqlSqlite, 1);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;

  if (sqlite3_open_v2 (path, &conn->db, flags, NULL) != SQLITE_OK)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL, "Cannot open the database %s: %s",
                   path, conn->db != NULL ? sqlite3_errmsg (conn->db) : "out of memory");
      sqlite_close (&conn->parent);
      return NULL;
    }
  sqlite3_busy_timeout (conn->db, 5000);
  if (!sqlite_exec (&conn->parent,
                    "PRAGMA journal_mode = WAL;"
                    "PRAGMA synchronous = FULL;"
                    "PRAGMA foreign_keys = ON;"
                    "PRAGMA temp_store = MEMORY;"
                    "PRAGMA cache_size = -65536;",
                    error))
    {
      sqlite_close (&conn->parent);
      return NULL;
    }
  conn->begin_immediate = prepare_persistent (conn->db, "BEGIN IMMEDIATE");
  conn->begin_deferred = prepare_persistent (conn->db, "BEGIN DEFERRED");
  conn->commit = prepare_persistent (conn->db, "COMMIT");
  if (conn->begin_immediate == NULL || conn->begin_deferred == NULL || conn->commit == NULL)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL, "Cannot open the database %s: %s",
                   path, sqlite3_errmsg (conn->db));
      sqlite_close (&conn->parent);
      return NULL;
    }
  return &conn->parent;
}

static const char *
sqlite_errmsg (JbSql *self)
{
  return sqlite3_errmsg (DB (self));
}

static gboolean
run_control (JbSql         *self,
             sqlite3_stmt  *stmt,
             const char    *what,
             GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL, "Database error while %s: %s",
                   what, sqlite3_errmsg (DB (self)));
      return FALSE;
    }
  return TRUE;
}

static gboolean
sqlite_begin (JbSql     *self,
              gboolean   write,
              GError   **error)
{
  JbSqlSqlite *conn = (JbSqlSqlite *) self;

  /* IMMEDIATE takes the one writer lock now rather than at the first
   * write, so a writer never fails half-way on SQLITE_BUSY. */
  return run_control (self, write ? conn->begin_immediate : conn->begin_deferred,
                      "beginning a transaction", error);
}

static gboolean
sqlite_commit (JbSql   *self,
               GError **error)
{
  return run_control (self, ((JbSqlSqlite *) self)->commit, "committing", error);
}

static void
sqlite_rollback (JbSql *self)
{
  if (!sqlite3_get_autocommit (DB (self)))
    sqlite3_exec (DB (self), "ROLLBACK", NULL, NULL, NULL);
}

static gboolean
sqlite_in_transaction (JbSql *self)
{
  return !sqlite3_get_autocommit (DB (self));
}

static int
sqlite_get_schema_version (JbSql *self)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  if (sqlite3_prepare_v2 (DB (self), "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

static gboolean
sqlite_set_schema_version (JbSql   *self,
                           int      version,
                           GError **error)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", version);

  return sqlite_exec (self, sql, error);
}

static JbSqlStmt *
sqlite_prepare (JbSql      *self,
                const char *sql)
{
  sqlite3_stmt *raw = prepare_persistent (DB (self), sql);
  JbSqlSqliteStmt *stmt;

  if (raw == NULL)
    return NULL;
  stmt = g_new0 (JbSqlSqliteStmt, 1);
  stmt->parent.connection = self;
  stmt->parent.sql = sql;
  stmt->stmt = raw;
  return &stmt->parent;
}

static void
sqlite_finalize (JbSqlStmt *stmt)
{
  sqlite3_finalize (STMT (stmt));
  g_free (stmt);
}

static void
sqlite_clear_bindings (JbSqlStmt *stmt)
{
  sqlite3_clear_bindings (STMT (stmt));
}

static void
sqlite_bind_null (JbSqlStmt *stmt,
                  int        index)
{
  sqlite3_bind_null (STMT (stmt), index);
}

/* Bound values are not copied (SQLITE_STATIC): the caller steps the
 * statement before the value goes away, and jb_sql_prepare clears the
 * bindings before the next use. */
static void
sqlite_bind_text (JbSqlStmt  *stmt,
                  int         index,
                  const char *text)
{
  sqlite3_bind_text (STMT (stmt), index, text, -1, SQLITE_STATIC);
}

static void
sqlite_bind_int64 (JbSqlStmt *stmt,
                   int        index,
                   gint64     value)
{
  sqlite3_bind_int64 (STMT (stmt), index, value);
}

static void
sqlite_bind_double (JbSqlStmt *stmt,
                    int        index,
                    double     value)
{
  sqlite3_bind_double (STMT (stmt), index, value);
}

static void
sqlite_bind_blob (JbSqlStmt    *stmt,
                  int           index,
                  const guint8 *data,
                  gsize         length)
{
  sqlite3_bind_blob64 (STMT (stmt), index, data, length, SQLITE_STATIC);
}

static JbSqlStep
sqlite_step (JbSqlStmt  *stmt,
             GError    **error)
{
  JbSqlSqliteStmt *s = (JbSqlSqliteStmt *) stmt;
  int rc = sqlite3_step (s->stmt);

  if (rc == SQLITE_ROW)
    return JB_SQL_ROW;
  if (rc == SQLITE_DONE)
    {
      /* sqlite3_changes counts per connection: keep this statement's. */
      s->changes = sqlite3_stmt_readonly (s->stmt) ? 0 : sqlite3_changes64 (DB (stmt->connection));
      return JB_SQL_DONE;
    }
  g_set_error_literal (error, JB_ERROR, JB_ERROR_INTERNAL, sqlite3_errmsg (DB (stmt->connection)));
  return JB_SQL_ERROR;
}

static gint64
sqlite_changes (JbSqlStmt *stmt)
{
  return ((JbSqlSqliteStmt *) stmt)->changes;
}

static void
sqlite_reset (JbSqlStmt *stmt)
{
  sqlite3_reset (STMT (stmt));
}

static gboolean
sqlite_column_is_null (JbSqlStmt *stmt,
                       int        column)
{
  return sqlite3_column_type (STMT (stmt), column) == SQLITE_NULL;
}

static const char *
sqlite_column_text (JbSqlStmt *stmt,
                    int        column)
{
  return (const char *) sqlite3_column_text (STMT (stmt), column);
}

static gint64
sqlite_column_int64 (JbSqlStmt *stmt,
                     int        column)
{
  return sqlite3_column_int64 (STMT (stmt), column);
}

static double
sqlite_column_double (JbSqlStmt *stmt,
                      int        column)
{
  return sqlite3_column_double (STMT (stmt), column);
}

static GBytes *
sqlite_column_blob (JbSqlStmt *stmt,
                    int        column)
{
  sqlite3_stmt *s = STMT (stmt);
  const void *data;
  int length;

  if (sqlite3_column_type (s, column) == SQLITE_NULL)
    return NULL;
  /* blob before bytes, as SQLite documents; an empty blob reads NULL. */
  data = sqlite3_column_blob (s, column);
  length = sqlite3_column_bytes (s, column);
  return g_bytes_new (data, data != NULL ? (gsize) length : 0);
}

const JbSqlDriver jb_sql_sqlite_driver = {
  .dialect = JB_SQL_SQLITE,
  .open = sqlite_open,
  .close = sqlite_close,
  .errmsg = sqlite_errmsg,
  .exec = sqlite_exec,
  .begin = sqlite_begin,
  .commit = sqlite_commit,
  .rollback = sqlite_rollback,
  .in_transaction = sqlite_in_transaction,
  .get_schema_version = sqlite_get_schema_version,
  .set_schema_version = sqlite_set_schema_version,
  .prepare = sqlite_prepare,
  .finalize = sqlite_finalize,
  .clear_bindings = sqlite_clear_bindings,
  .bind_null = sqlite_bind_null,
  .bind_text = sqlite_bind_text,
  .bind_int64 = sqlite_bind_int64,
  .bind_double = sqlite_bind_double,
  .bind_blob = sqlite_bind_blob,
  .step = sqlite_step,
  .changes = sqlite_changes,
  .reset = sqlite_reset,
  .column_is_null = sqlite_column_is_null,
  .column_text = sqlite_column_text,
  .column_int64 = sqlite_column_int64,
  .column_double = sqlite_column_double,
  .column_blob = sqlite_column_blob,
};
