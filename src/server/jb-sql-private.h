/* jb-sql-private.h — what a driver of jb-sql.h provides
 *
 * jb-sql.c keeps the statement cache and answers the public calls; each
 * driver fills a JbSqlDriver and allocates its connection and statements
 * as structs that begin with JbSql and JbSqlStmt.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-sql.h"

G_BEGIN_DECLS

typedef struct
{
  JbSqlDialect  dialect;

  JbSql      *(*open)              (const char  *target,
                                    GError     **error);
  void        (*close)             (JbSql       *self);
  const char *(*errmsg)            (JbSql       *self);
  gboolean    (*exec)              (JbSql       *self,
                                    const char  *script,
                                    GError     **error);
  gboolean    (*begin)             (JbSql       *self,
                                    gboolean     write,
                                    GError     **error);
  /* Optional: a write transaction begun and @query's one row of
   * integers read in one round trip (NULL: begin, then the query). */
  gboolean    (*begin_write_select)(JbSql       *self,
                                    const char  *query,
                                    gint64      *out,
                                    int          n_out,
                                    GError     **error);
  gboolean    (*commit)            (JbSql       *self,
                                    GError     **error);
  void        (*rollback)          (JbSql       *self);
  gboolean    (*in_transaction)    (JbSql       *self);
  int         (*get_schema_version)(JbSql       *self);
  gboolean    (*set_schema_version)(JbSql       *self,
                                    int          version,
                                    GError     **error);

  /* Statements: prepare returns NULL on failure (jb-sql.c reports it). */
  JbSqlStmt  *(*prepare)           (JbSql       *self,
                                    const char  *sql);
  void        (*finalize)          (JbSqlStmt   *stmt);
  void        (*clear_bindings)    (JbSqlStmt   *stmt);
  void        (*bind_null)         (JbSqlStmt   *stmt,
                                    int          index);
  void        (*bind_text)         (JbSqlStmt   *stmt,
                                    int          index,
                                    const char  *text);
  void        (*bind_int64)        (JbSqlStmt   *stmt,
                                    int          index,
                                    gint64       value);
  void        (*bind_double)       (JbSqlStmt   *stmt,
                                    int          index,
                                    double       value);
  void        (*bind_blob)         (JbSqlStmt   *stmt,
                                    int          index,
                                    const guint8 *data,
                                    gsize        length);
  JbSqlStep   (*step)              (JbSqlStmt   *stmt,
                                    GError     **error);
  /* Optional, both or neither: jb_sql_run_deferred() sends @stmt with
   * defer when can_defer says it may now, and runs it at once otherwise. */
  gboolean    (*can_defer)         (JbSqlStmt   *stmt);
  gboolean    (*defer)             (JbSqlStmt   *stmt,
                                    const char  *what,
                                    GError     **error);
  gint64      (*changes)           (JbSqlStmt   *stmt);
  void        (*reset)             (JbSqlStmt   *stmt);
  /* Optional: jb_sql_want_binary_rows() (NULL: rows have one form). */
  void        (*want_binary_rows)  (JbSqlStmt   *stmt);
  gboolean    (*column_is_null)    (JbSqlStmt   *stmt,
                                    int          column);
  const char *(*column_text)       (JbSqlStmt   *stmt,
                                    int          column);
  gint64      (*column_int64)      (JbSqlStmt   *stmt,
                                    int          column);
  double      (*column_double)     (JbSqlStmt   *stmt,
                                    int          column);
  GBytes     *(*column_blob)       (JbSqlStmt   *stmt,
                                    int          column);
} JbSqlDriver;

struct _JbSql
{
  const JbSqlDriver *driver;
  GHashTable        *statements;  /* SQL literal (by address) → JbSqlStmt*, owned */
};

struct _JbSqlStmt
{
  JbSql      *connection;
  const char *sql;
};

extern const JbSqlDriver jb_sql_sqlite_driver;
extern const JbSqlDriver jb_sql_pg_driver;

G_END_DECLS
