/* jb-sql.c — the driver-independent half of jb-sql.h: picking the
 * driver for a target, the statement cache, and the calls through the
 * driver's table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-sql"

#include "jb-sql-private.h"

#include <math.h>
#include <string.h>

#include "jb-error.h"

gboolean
jb_sql_target_is_postgresql (const char *target)
{
  const char *p;

  if (target == NULL)
    return FALSE;
  if (g_str_has_prefix (target, "postgresql://") || g_str_has_prefix (target, "postgres://"))
    return TRUE;

  /* libpq's key=value form: the first word is a keyword followed by '='
   * (a file name may hold '=', but not as "word=" before any '/'). */
  p = target;
  while (*p == ' ' || *p == '\t')
    p++;
  if (!g_ascii_isalpha (*p))
    return FALSE;
  while (g_ascii_isalnum (*p) || *p == '_')
    p++;
  while (*p == ' ' || *p == '\t')
    p++;
  return *p == '=';
}

static void
finalize_statement (gpointer data)
{
  JbSqlStmt *stmt = data;

  stmt->connection->driver->finalize (stmt);
}

JbSql *
jb_sql_open (const char  *target,
             GError     **error)
{
  const JbSqlDriver *driver;
  JbSql *self;

  g_return_val_if_fail (target != NULL, NULL);

  if (jb_sql_target_is_postgresql (target))
    {
#ifdef JB_HAVE_POSTGRESQL
      driver = &jb_sql_pg_driver;
#else
      g_set_error_literal (error, JB_ERROR, JB_ERROR_INTERNAL,
                           "Cannot open a PostgreSQL database: this server was built without "
                           "PostgreSQL support");
      return NULL;
#endif
    }
  else
    driver = &jb_sql_sqlite_driver;

  self = driver->open (target, error);
  if (self == NULL)
    return NULL;
  self->driver = driver;
  /* Every SQL text is a literal, so its address identifies it: no need
   * to hash a few hundred characters on each call. */
  if (self->statements == NULL)
    self->statements = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                              finalize_statement);
  return self;
}

void
jb_sql_close (JbSql *self)
{
  if (self == NULL)
    return;
  /* Statements go before the connection they belong to. */
  g_clear_pointer (&self->statements, g_hash_table_unref);
  self->driver->close (self);
}

JbSqlDialect
jb_sql_get_dialect (JbSql *self)
{
  return self->driver->dialect;
}

const char *
jb_sql_errmsg (JbSql *self)
{
  const char *message = self->driver->errmsg (self);

  return message != NULL ? message : "unknown error";
}

gboolean
jb_sql_exec (JbSql       *self,
             const char  *script,
             GError     **error)
{
  return self->driver->exec (self, script, error);
}

gboolean
jb_sql_begin (JbSql     *self,
              gboolean   write,
              GError   **error)
{
  return self->driver->begin (self, write, error);
}

gboolean
jb_sql_begin_write_select (JbSql       *self,
                           const char  *query,
                           gint64      *out,
                           int          n_out,
                           GError     **error)
{
  JbSqlStmt *stmt;
  JbSqlStep step;

  if (self->driver->begin_write_select != NULL)
    return self->driver->begin_write_select (self, query, out, n_out, error);
  if (!self->driver->begin (self, TRUE, error))
    return FALSE;
  stmt = jb_sql_prepare (self, query);
  if (stmt == NULL)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL, "Database error (prepare): %s", jb_sql_errmsg (self));
      self->driver->rollback (self);
      return FALSE;
    }
  step = jb_sql_step (stmt, error);
  if (step == JB_SQL_ERROR)
    {
      jb_sql_reset (stmt);
      self->driver->rollback (self);
      return FALSE;
    }
  for (int i = 0; i < n_out; i++)
    out[i] = step == JB_SQL_ROW ? jb_sql_column_int64 (stmt, i) : 0;
  jb_sql_reset (stmt);
  return TRUE;
}

gboolean
jb_sql_commit (JbSql   *self,
               GError **error)
{
  return self->driver->commit (self, error);
}

void
jb_sql_rollback (JbSql *self)
{
  self->driver->rollback (self);
}

gboolean
jb_sql_in_transaction (JbSql *self)
{
  return self->driver->in_transaction (self);
}

int
jb_sql_get_schema_version (JbSql *self)
{
  return self->driver->get_schema_version (self);
}

gboolean
jb_sql_set_schema_version (JbSql   *self,
                           int      version,
                           GError **error)
{
  return self->driver->set_schema_version (self, version, error);
}

JbSqlStmt *
jb_sql_prepare (JbSql      *self,
                const char *sql)
{
  JbSqlStmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt != NULL)
    {
      self->driver->reset (stmt);
      self->driver->clear_bindings (stmt);
      return stmt;
    }

  stmt = self->driver->prepare (self, sql);
  if (stmt == NULL)
    {
      g_critical ("Cannot prepare \"%s\": %s", sql, jb_sql_errmsg (self));
      return NULL;
    }
  stmt->connection = self;
  stmt->sql = sql;
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

void
jb_sql_bind_null (JbSqlStmt *stmt,
                  int        index)
{
  stmt->connection->driver->bind_null (stmt, index);
}

void
jb_sql_bind_text (JbSqlStmt  *stmt,
                  int         index,
                  const char *text)
{
  if (text == NULL)
    stmt->connection->driver->bind_null (stmt, index);
  else
    stmt->connection->driver->bind_text (stmt, index, text);
}

void
jb_sql_bind_int64 (JbSqlStmt *stmt,
                   int        index,
                   gint64     value)
{
  stmt->connection->driver->bind_int64 (stmt, index, value);
}

void
jb_sql_bind_double (JbSqlStmt *stmt,
                    int        index,
                    double     value)
{
  if (isnan (value))
    stmt->connection->driver->bind_null (stmt, index);
  else
    stmt->connection->driver->bind_double (stmt, index, value);
}

void
jb_sql_bind_blob (JbSqlStmt    *stmt,
                  int           index,
                  const guint8 *data,
                  gsize         length)
{
  if (data == NULL)
    stmt->connection->driver->bind_null (stmt, index);
  else
    stmt->connection->driver->bind_blob (stmt, index, data, length);
}

JbSqlStep
jb_sql_step (JbSqlStmt  *stmt,
             GError    **error)
{
  return stmt->connection->driver->step (stmt, error);
}

/* @local_error (or the connection's last message) as a JB_ERROR that
 * says what was being done. */
static gboolean
database_error (JbSqlStmt   *stmt,
                const char  *what,
                GError      *local_error,
                GError     **error)
{
  g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL, "Database error while %s: %s", what,
               local_error != NULL ? local_error->message : jb_sql_errmsg (stmt->connection));
  return FALSE;
}

gboolean
jb_sql_run (JbSqlStmt   *stmt,
            const char  *what,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JbSqlStep step;

  if (stmt == NULL)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL,
                   "Database error while %s: the statement does not prepare", what);
      return FALSE;
    }
  step = stmt->connection->driver->step (stmt, &local_error);
  stmt->connection->driver->reset (stmt);
  if (step == JB_SQL_DONE)
    return TRUE;
  if (step == JB_SQL_ROW)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL,
                   "Database error while %s: the statement returned rows", what);
      return FALSE;
    }
  return database_error (stmt, what, local_error, error);
}

gboolean
jb_sql_run_deferred (JbSqlStmt   *stmt,
                     const char  *what,
                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (stmt == NULL || stmt->connection->driver->defer == NULL ||
      !stmt->connection->driver->can_defer (stmt))
    return jb_sql_run (stmt, what, error);
  if (stmt->connection->driver->defer (stmt, what, &local_error))
    return TRUE;
  return database_error (stmt, what, local_error, error);
}

gint64
jb_sql_changes (JbSqlStmt *stmt)
{
  return stmt->connection->driver->changes (stmt);
}

void
jb_sql_reset (JbSqlStmt *stmt)
{
  stmt->connection->driver->reset (stmt);
}

void
jb_sql_want_binary_rows (JbSqlStmt *stmt)
{
  if (stmt->connection->driver->want_binary_rows != NULL)
    stmt->connection->driver->want_binary_rows (stmt);
}

gboolean
jb_sql_column_is_null (JbSqlStmt *stmt,
                       int        column)
{
  return stmt->connection->driver->column_is_null (stmt, column);
}

const char *
jb_sql_column_text (JbSqlStmt *stmt,
                    int        column)
{
  return stmt->connection->driver->column_text (stmt, column);
}

gint64
jb_sql_column_int64 (JbSqlStmt *stmt,
                     int        column)
{
  return stmt->connection->driver->column_int64 (stmt, column);
}

double
jb_sql_column_double (JbSqlStmt *stmt,
                      int        column)
{
  return stmt->connection->driver->column_double (stmt, column);
}

GBytes *
jb_sql_column_blob (JbSqlStmt *stmt,
                    int        column)
{
  return stmt->connection->driver->column_blob (stmt, column);
}
