/* jb-sql.h — one database connection, SQLite or PostgreSQL, for JbStorage
 *
 * JbStorage writes its statements once and runs them on either engine
 * through this small interface; the engines differ only in the drivers
 * (jb-sql-sqlite.c, jb-sql-pg.c) and, where SQL itself differs, in the
 * text JbStorage picks by jb_sql_get_dialect().
 *
 * Statements use numbered parameters ?1, ?2, … (the PostgreSQL driver
 * rewrites them to $1, $2, … once, when it prepares the statement).
 * A statement is identified by the address of its SQL literal, prepared
 * on first use and kept for the life of the connection.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  JB_SQL_SQLITE,
  JB_SQL_POSTGRESQL,
} JbSqlDialect;

typedef enum
{
  JB_SQL_ERROR = -1,
  JB_SQL_DONE = 0,
  JB_SQL_ROW = 1,
} JbSqlStep;

typedef struct _JbSql     JbSql;
typedef struct _JbSqlStmt JbSqlStmt;

/* TRUE when @target names a PostgreSQL database: a postgresql:// or
 * postgres:// URI, or libpq's key=value form (host=a,b …). Anything
 * else is an SQLite file path. */
gboolean      jb_sql_target_is_postgresql (const char  *target);

/* Opens @target with the driver it names. */
JbSql        *jb_sql_open                 (const char  *target,
                                           GError     **error);
void          jb_sql_close                (JbSql       *self);
JbSqlDialect  jb_sql_get_dialect          (JbSql       *self);
/* The engine's message for the last failure, never NULL. */
const char   *jb_sql_errmsg               (JbSql       *self);

/* Runs a script of one or more statements without parameters. */
gboolean      jb_sql_exec                 (JbSql       *self,
                                           const char  *script,
                                           GError     **error);

/* Transactions. A write transaction holds the one writer lock from its
 * start: SQLite's BEGIN IMMEDIATE, and on PostgreSQL a transaction-level
 * advisory lock that every server takes, so writers on several servers
 * run one after the other, as on one SQLite file. */
gboolean      jb_sql_begin                (JbSql       *self,
                                           gboolean     write,
                                           GError     **error);
/* jb_sql_begin (write) and then @query, a SELECT without parameters
 * giving one row of @n_out integers (NULL reads as 0), in one round trip
 * where the driver can: what a writer reads first is read while it holds
 * the lock for one round trip less. */
gboolean      jb_sql_begin_write_select   (JbSql       *self,
                                           const char  *query,
                                           gint64      *out,
                                           int          n_out,
                                           GError     **error);
gboolean      jb_sql_commit               (JbSql       *self,
                                           GError     **error);
void          jb_sql_rollback             (JbSql       *self);
gboolean      jb_sql_in_transaction       (JbSql       *self);

/* The schema version the migrations recorded: SQLite's user_version,
 * a one-row table on PostgreSQL. -1 when it cannot be read. */
int           jb_sql_get_schema_version   (JbSql       *self);
gboolean      jb_sql_set_schema_version   (JbSql       *self,
                                           int          version,
                                           GError     **error);

/* The cached statement for the literal @sql, reset and unbound; NULL
 * (with a critical) when it does not prepare: a bug, not bad input. */
JbSqlStmt    *jb_sql_prepare              (JbSql       *self,
                                           const char  *sql);

/* Parameters count from 1 (?1), result columns from 0.
 * Bound values are not copied: the caller steps the statement before
 * the value goes away. A NULL text or blob, a NAN double bind NULL. */
void          jb_sql_bind_null            (JbSqlStmt   *stmt,
                                           int          index);
void          jb_sql_bind_text            (JbSqlStmt   *stmt,
                                           int          index,
                                           const char  *text);
void          jb_sql_bind_int64           (JbSqlStmt   *stmt,
                                           int          index,
                                           gint64       value);
void          jb_sql_bind_double          (JbSqlStmt   *stmt,
                                           int          index,
                                           double       value);
void          jb_sql_bind_blob            (JbSqlStmt   *stmt,
                                           int          index,
                                           const guint8 *data,
                                           gsize        length);

/* The first call runs the statement; each call moves to the next row. */
JbSqlStep     jb_sql_step                 (JbSqlStmt   *stmt,
                                           GError     **error);
/* Steps a statement that returns no rows and resets it. */
gboolean      jb_sql_run                  (JbSqlStmt   *stmt,
                                           const char  *what,
                                           GError     **error);
/* As jb_sql_run(), but inside a transaction the driver may send @stmt
 * without waiting for it and read its result with the next statement
 * that answers or with the commit, in the same round trip (PostgreSQL's
 * pipeline mode; SQLite runs it at once). Its failure is then reported
 * by that later call and the transaction cannot commit: roll back. For
 * writes whose only answer is success, such as appending a row. */
gboolean      jb_sql_run_deferred         (JbSqlStmt   *stmt,
                                           const char  *what,
                                           GError     **error);
/* Rows changed by the last INSERT, UPDATE or DELETE of @stmt. */
gint64        jb_sql_changes              (JbSqlStmt   *stmt);
/* Ends the current run; bindings stay until the next jb_sql_prepare. */
void          jb_sql_reset                (JbSqlStmt   *stmt);
/* Asks for @stmt's rows in the engine's binary form where it has one
 * (PostgreSQL), so that numbers are not converted to text and back: for
 * statements that read many rows whose columns are all text, bigint,
 * integer, double precision or boolean. Nothing changes for the getters. */
void          jb_sql_want_binary_rows     (JbSqlStmt   *stmt);

/* Columns of the current row; valid until the next step or reset. */
gboolean      jb_sql_column_is_null       (JbSqlStmt   *stmt,
                                           int          column);
const char   *jb_sql_column_text          (JbSqlStmt   *stmt,
                                           int          column);
gint64        jb_sql_column_int64         (JbSqlStmt   *stmt,
                                           int          column);
double        jb_sql_column_double        (JbSqlStmt   *stmt,
                                           int          column);
/* A new GBytes of the blob, NULL when the column is NULL. */
GBytes       *jb_sql_column_blob          (JbSqlStmt   *stmt,
                                           int          column);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbSql, jb_sql_close)

G_END_DECLS
