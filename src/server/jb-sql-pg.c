/* jb-sql-pg.c — the PostgreSQL driver of jb-sql.h, through libpq
 *
 * The target goes to libpq as it is (a postgresql:// URI or key=value
 * string, multi-host lists and target_session_attrs included), so a
 * standby promoted behind a multi-host target is found again when the
 * connection is reset after a loss.
 *
 * Statements are prepared on the server under a name per statement, with
 * ?N rewritten to $N; parameters go as text (blobs in binary), results
 * come back as text and are parsed by the column getters.
 *
 * Deferred writes: inside a write transaction, a statement run with
 * jb_sql_run_deferred() is sent in libpq's pipeline mode and not waited
 * for; the next statement that answers (or the COMMIT) goes in the same
 * pipeline, so a transaction's trailing writes and its COMMIT cost one
 * round trip under the writer lock instead of one each. A deferred
 * statement's failure is reported by that later call, and the
 * transaction is then refused at COMMIT.
 *
 * Writers: a write transaction takes one transaction-level advisory lock
 * right after BEGIN, the same key on every server, so write transactions
 * on any number of servers run one after the other. Under READ COMMITTED
 * each later statement of the transaction sees everything the previous
 * writer committed, so the event log's seq (max + 1, read inside the
 * transaction) is strictly +1 in commit order, as on one SQLite file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-sql-pg"

#include "jb-sql-private.h"

#include <libpq-fe.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jb-error.h"

/* The writer lock every server takes: "jingbao" + 1 in ASCII. */
#define WRITER_LOCK_KEY G_GINT64_CONSTANT (0x6a696e6762616f01)

/* pg_type OIDs of the result types the getters care about. */
#define BOOLOID    16
#define BYTEAOID   17
#define INT8OID    20
#define INT2OID    21
#define INT4OID    23
#define TEXTOID    25
#define FLOAT4OID  700
#define FLOAT8OID  701
#define BPCHAROID  1042
#define VARCHAROID 1043

typedef struct
{
  JbSql     parent;
  PGconn   *conn;
  char     *errmsg;       /* the last failure, NULL: PQerrorMessage */
  guint     generation;   /* bumped by each reset: server-side statements are gone */
  guint     next_name;
  GPtrArray *deferred;    /* what each statement sent in the pipeline does (static strings) */
  gboolean  failed;       /* a deferred statement of this transaction failed */
} JbSqlPg;

typedef struct
{
  char         number[G_ASCII_DTOSTR_BUF_SIZE];  /* int64 and double, formatted */
  const char  *value;
  int          length;
  int          format;                           /* 0 text, 1 binary */
} Param;

typedef struct
{
  JbSqlStmt  parent;
  char      *text;        /* with $N */
  char       name[24];
  guint      prepared;    /* the connection generation it is prepared in, 0: not */
  int        n_params;
  Param     *params;
  PGresult  *result;
  int        row;         /* the current row, -1 before the first step */
  gint64     changes;
  gboolean   binary_rows; /* results in binary form (jb_sql_want_binary_rows) */
} JbSqlPgStmt;

#define PG(s)      ((JbSqlPg *) (s))
#define PG_STMT(s) ((JbSqlPgStmt *) (s))

static void
set_errmsg (JbSqlPg    *self,
            const char *message)
{
  g_free (self->errmsg);
  self->errmsg = g_strchomp (g_strdup (message != NULL && *message != '\0'
                                       ? message : "unknown PostgreSQL error"));
}

static gboolean
connection_lost (JbSqlPg *self)
{
  return PQstatus (self->conn) == CONNECTION_BAD;
}

static gboolean finish_pipeline (JbSqlPg   *self,
                                 gboolean   with_last,
                                 PGresult **last,
                                 GError   **error);

/* Before a call that cannot go in the pipeline: reads what is in it.
 * A lost connection has nothing to read; ensure_connected () resets it. */
static gboolean
settle (JbSqlPg  *self,
        GError  **error)
{
  if (self->deferred->len == 0 && PQpipelineStatus (self->conn) == PQ_PIPELINE_OFF)
    return TRUE;
  if (connection_lost (self))
    {
      g_ptr_array_set_size (self->deferred, 0);
      return TRUE;
    }
  return finish_pipeline (self, FALSE, NULL, error);
}

/* Reports the failure of @result (may be NULL) as @what; a lost
 * connection says so, and the next call resets it. */
static void
fail (JbSqlPg     *self,
      PGresult    *result,
      const char  *what,
      GError     **error)
{
  const char *message = result != NULL ? PQresultErrorMessage (result) : NULL;

  if (message == NULL || *message == '\0')
    message = PQerrorMessage (self->conn);
  set_errmsg (self, message);

  if (connection_lost (self))
    g_set_error (error, JB_ERROR, JB_ERROR_UNAVAILABLE,
                 "The connection to PostgreSQL was lost (%s): %s", what, self->errmsg);
  else
    g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL, "Database error (%s): %s",
                 what, self->errmsg);
}

static void
quiet_notice (void       *user_data,
              const char *message)
{
  g_debug ("%s", message);
}

/* After a loss, reconnects with the same parameters: libpq walks a
 * multi-host list again, so a promoted standby is found. The server's
 * prepared statements went with the old session. */
static gboolean
ensure_connected (JbSqlPg  *self,
                  GError  **error)
{
  if (!connection_lost (self))
    return TRUE;

  g_ptr_array_set_size (self->deferred, 0);
  PQreset (self->conn);
  self->generation++;
  if (PQpipelineStatus (self->conn) != PQ_PIPELINE_OFF)
    PQexitPipelineMode (self->conn);
  if (connection_lost (self))
    {
      set_errmsg (self, PQerrorMessage (self->conn));
      g_set_error (error, JB_ERROR, JB_ERROR_UNAVAILABLE,
                   "Cannot reconnect to PostgreSQL: %s", self->errmsg);
      return FALSE;
    }

  g_message ("Reconnected to PostgreSQL");
  return TRUE;
}

/* Runs a command without parameters and checks its status. */
static gboolean
run_command (JbSqlPg     *self,
             const char  *sql,
             GError     **error)
{
  PGresult *result;
  ExecStatusType status;

  if (!ensure_connected (self, error))
    return FALSE;

  /* One statement goes in the pipeline behind the deferred ones (the
   * COMMIT, mostly); a script of several cannot. */
  if (self->deferred->len > 0 && strchr (sql, ';') == NULL)
    {
      result = NULL;
      if (!PQsendQueryParams (self->conn, sql, 0, NULL, NULL, NULL, NULL, 0))
        {
          fail (self, NULL, sql, error);
          settle (self, NULL);
          return FALSE;
        }
      if (!finish_pipeline (self, TRUE, &result, error))
        return FALSE;
    }
  else
    {
      if (!settle (self, error))
        return FALSE;
      result = PQexec (self->conn, sql);
    }
  status = PQresultStatus (result);
  if (result == NULL || (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK))
    {
      fail (self, result, sql, error);
      PQclear (result);
      return FALSE;
    }

  PQclear (result);
  return TRUE;
}

static JbSql *
pg_open (const char  *target,
         GError     **error)
{
  /* dbname with expand_dbname takes the whole target, URI or key=value;
   * the later keywords only add what the server needs. */
  const char * const keywords[] = { "dbname", "client_encoding", "fallback_application_name", NULL };
  const char * const values[] = { target, "UTF8", "jingbao-dispatchd", NULL };
  JbSqlPg *self;

  self = g_new0 (JbSqlPg, 1);
  self->parent.driver = &jb_sql_pg_driver;
  self->generation = 1;
  self->deferred = g_ptr_array_new ();
  self->conn = PQconnectdbParams (keywords, values, 1);
  if (self->conn == NULL)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL, "Cannot open PostgreSQL: out of memory");
      g_ptr_array_unref (self->deferred);
      g_free (self);
      return NULL;
    }

  if (PQstatus (self->conn) != CONNECTION_OK)
    {
      g_autofree char *message = g_strchomp (g_strdup (PQerrorMessage (self->conn)));

      g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL, "Cannot open the PostgreSQL database: %s",
                   message);
      PQfinish (self->conn);
      g_ptr_array_unref (self->deferred);
      g_free (self);
      return NULL;
    }

  PQsetNoticeProcessor (self->conn, quiet_notice, NULL);
  return &self->parent;
}

static void
pg_close (JbSql *sql)
{
  JbSqlPg *self = PG (sql);

  PQfinish (self->conn);
  g_ptr_array_unref (self->deferred);
  g_free (self->errmsg);
  g_free (self);
}

static const char *
pg_errmsg (JbSql *sql)
{
  JbSqlPg *self = PG (sql);

  if (self->errmsg == NULL)
    set_errmsg (self, PQerrorMessage (self->conn));
  return self->errmsg;
}

static gboolean
pg_exec (JbSql       *sql,
         const char  *script,
         GError     **error)
{
  /* PQexec runs a script of several statements as one. */
  return run_command (PG (sql), script, error);
}

static gboolean
pg_in_transaction (JbSql *sql)
{
  PGTransactionStatusType status = PQtransactionStatus (PG (sql)->conn);

  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

static gboolean
pg_begin (JbSql     *sql,
          gboolean   write,
          GError   **error)
{
  JbSqlPg *self = PG (sql);
  g_autofree char *lock = NULL;

  if (!settle (self, error))
    return FALSE;
  self->failed = FALSE;
  /* READ COMMITTED: each statement after the lock sees what the previous
   * writer committed (a snapshot taken at BEGIN would not). */
  if (!write)
    return run_command (self, "BEGIN ISOLATION LEVEL READ COMMITTED", error);

  /* One round trip for both: the writer lock is held for less. */
  lock = g_strdup_printf ("BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(%" G_GINT64_FORMAT ")",
                          WRITER_LOCK_KEY);
  if (!run_command (self, lock, error))
    {
      if (!connection_lost (self) && PQtransactionStatus (self->conn) != PQTRANS_IDLE)
        PQclear (PQexec (self->conn, "ROLLBACK"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
pg_begin_write_select (JbSql       *sql,
                       const char  *query,
                       gint64      *out,
                       int          n_out,
                       GError     **error)
{
  JbSqlPg *self = PG (sql);
  g_autofree char *script = NULL;
  PGresult *result;

  if (!ensure_connected (self, error) || !settle (self, error))
    return FALSE;
  self->failed = FALSE;
  /* PQexec answers with the last statement's result; under READ
   * COMMITTED the query sees what every earlier writer committed. */
  script = g_strdup_printf ("BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(%"
                            G_GINT64_FORMAT "); %s", WRITER_LOCK_KEY, query);
  result = PQexec (self->conn, script);
  if (PQresultStatus (result) != PGRES_TUPLES_OK || PQntuples (result) != 1 || PQnfields (result) < n_out)
    {
      fail (self, result, query, error);
      PQclear (result);
      if (!connection_lost (self) && PQtransactionStatus (self->conn) != PQTRANS_IDLE)
        PQclear (PQexec (self->conn, "ROLLBACK"));
      return FALSE;
    }
  for (int i = 0; i < n_out; i++)
    out[i] = PQgetisnull (result, 0, i) ? 0 : g_ascii_strtoll (PQgetvalue (result, 0, i), NULL, 10);
  PQclear (result);
  return TRUE;
}

static gboolean
pg_commit (JbSql   *sql,
           GError **error)
{
  JbSqlPg *self = PG (sql);

  /* PostgreSQL answers COMMIT of a failed transaction with a ROLLBACK,
   * not an error: a deferred write that failed must not pass for done. */
  if (self->failed || PQtransactionStatus (self->conn) == PQTRANS_INERROR)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL,
                   "Database error (COMMIT): a statement of the transaction failed: %s",
                   pg_errmsg (sql));
      return FALSE;
    }
  if (!run_command (self, "COMMIT", error))
    return FALSE;
  if (self->failed)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL,
                   "Database error (COMMIT): a statement of the transaction failed: %s",
                   pg_errmsg (sql));
      return FALSE;
    }
  return TRUE;
}

static void
pg_rollback (JbSql *sql)
{
  JbSqlPg *self = PG (sql);

  /* What is still in the pipeline is undone with the rest. */
  settle (self, NULL);
  self->failed = FALSE;
  /* Nothing to roll back on a lost connection: the server did. */
  if (!connection_lost (self))
    PQclear (PQexec (self->conn, "ROLLBACK"));
}

/* The version lives in a one-row table; a database without it is new. */
static int
pg_get_schema_version (JbSql *sql)
{
  JbSqlPg *self = PG (sql);
  PGresult *result;
  int version = -1;

  if (!ensure_connected (self, NULL) || !settle (self, NULL))
    return -1;

  /* pg_tables through the statement's snapshot, not to_regclass: that
   * reads the session's catalog cache, which may not have seen a table
   * that another server created while this one waited for the lock. */
  result = PQexec (self->conn, "SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_tables "
                               "WHERE schemaname = current_schema () "
                               "AND tablename = 'jb_schema_version')");
  if (PQresultStatus (result) != PGRES_TUPLES_OK || PQntuples (result) != 1)
    {
      fail (self, result, "schema version", NULL);
      PQclear (result);
      return -1;
    }
  if (g_str_equal (PQgetvalue (result, 0, 0), "t"))
    {
      PQclear (result);
      return 0;
    }
  PQclear (result);

  result = PQexec (self->conn, "SELECT version FROM jb_schema_version WHERE id = 1");
  if (PQresultStatus (result) == PGRES_TUPLES_OK)
    version = PQntuples (result) == 1 ? atoi (PQgetvalue (result, 0, 0)) : 0;
  else
    fail (self, result, "schema version", NULL);
  PQclear (result);
  return version;
}

static gboolean
pg_set_schema_version (JbSql     *sql,
                       int        version,
                       GError   **error)
{
  g_autofree char *script = NULL;

  script = g_strdup_printf ("CREATE TABLE IF NOT EXISTS jb_schema_version ("
                            "  id integer PRIMARY KEY CHECK (id = 1),"
                            "  version integer NOT NULL);"
                            "INSERT INTO jb_schema_version (id, version) VALUES (1, %d)"
                            "  ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version",
                            version);
  return run_command (PG (sql), script, error);
}

/* ?N (and a bare ?, numbered on) → $N, outside string literals, quoted
 * identifiers and comments. Returns the highest parameter number. */
static int
rewrite_parameters (const char  *sql,
                    char       **out_text)
{
  GString *text = g_string_sized_new (strlen (sql) + 16);
  int highest = 0;
  const char *p = sql;

  while (*p != '\0')
    {
      if (*p == '\'' || *p == '"')
        {
          char quote = *p;

          g_string_append_c (text, *p++);
          while (*p != '\0')
            {
              g_string_append_c (text, *p);
              if (*p++ == quote)
                {
                  if (*p != quote)
                    break;
                  g_string_append_c (text, *p++);  /* a doubled quote */
                }
            }
        }
      else if (p[0] == '-' && p[1] == '-')
        {
          while (*p != '\0' && *p != '\n')
            g_string_append_c (text, *p++);
        }
      else if (p[0] == '/' && p[1] == '*')
        {
          const char *end = strstr (p + 2, "*/");
          gsize length = end != NULL ? (gsize) (end + 2 - p) : strlen (p);

          g_string_append_len (text, p, length);
          p += length;
        }
      else if (*p == '?')
        {
          int number;

          p++;
          if (g_ascii_isdigit (*p))
            {
              number = 0;
              while (g_ascii_isdigit (*p))
                number = number * 10 + (*p++ - '0');
            }
          else
            {
              number = highest + 1;
            }
          highest = MAX (highest, number);
          g_string_append_printf (text, "$%d", number);
        }
      else
        {
          g_string_append_c (text, *p++);
        }
    }

  *out_text = g_string_free (text, FALSE);
  return highest;
}

/* Prepares @self on the server for the connection's current session. */
static gboolean
prepare_on_server (JbSqlPgStmt  *self,
                   GError      **error)
{
  JbSqlPg *connection = PG (self->parent.connection);
  PGresult *result;

  if (self->prepared == connection->generation)
    return TRUE;
  if (!settle (connection, error))
    return FALSE;

  result = PQprepare (connection->conn, self->name, self->text, self->n_params, NULL);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    {
      fail (connection, result, self->text, error);
      PQclear (result);
      return FALSE;
    }

  PQclear (result);
  self->prepared = connection->generation;
  return TRUE;
}

static JbSqlStmt *
pg_prepare (JbSql      *sql,
            const char *text)
{
  JbSqlPg *connection = PG (sql);
  JbSqlPgStmt *self = g_new0 (JbSqlPgStmt, 1);
  g_autoptr(GError) error = NULL;

  self->parent.connection = sql;
  self->parent.sql = text;
  self->n_params = rewrite_parameters (text, &self->text);
  self->params = g_new0 (Param, MAX (self->n_params, 1));
  self->row = -1;
  g_snprintf (self->name, sizeof self->name, "jb%u", ++connection->next_name);

  /* Prepared now so that a mistake in the SQL shows at once; when the
   * connection is down (or the transaction failed), at the first step. */
  if (connection_lost (connection) || PQtransactionStatus (connection->conn) == PQTRANS_INERROR)
    return &self->parent;
  if (!prepare_on_server (self, &error) && !connection_lost (connection))
    {
      g_free (self->text);
      g_free (self->params);
      g_free (self);
      return NULL;
    }

  return &self->parent;
}

static void
pg_reset (JbSqlStmt *stmt)
{
  JbSqlPgStmt *self = PG_STMT (stmt);

  g_clear_pointer (&self->result, PQclear);
  self->row = -1;
}

static void
pg_finalize (JbSqlStmt *stmt)
{
  JbSqlPgStmt *self = PG_STMT (stmt);

  /* The server's copy goes with the session. */
  pg_reset (stmt);
  g_free (self->text);
  g_free (self->params);
  g_free (self);
}

static void
pg_clear_bindings (JbSqlStmt *stmt)
{
  JbSqlPgStmt *self = PG_STMT (stmt);

  memset (self->params, 0, sizeof (Param) * (gsize) self->n_params);
}

static Param *
param (JbSqlStmt *stmt,
       int        index)
{
  JbSqlPgStmt *self = PG_STMT (stmt);

  g_return_val_if_fail (index >= 1 && index <= self->n_params, NULL);
  return &self->params[index - 1];
}

static void
pg_bind_null (JbSqlStmt *stmt,
              int        index)
{
  Param *p = param (stmt, index);

  if (p != NULL)
    memset (p, 0, sizeof *p);
}

static void
pg_bind_text (JbSqlStmt  *stmt,
              int         index,
              const char *text)
{
  Param *p = param (stmt, index);

  if (p == NULL)
    return;
  p->value = text;
  p->length = 0;
  p->format = 0;
}

static void
pg_bind_int64 (JbSqlStmt *stmt,
               int        index,
               gint64     value)
{
  Param *p = param (stmt, index);

  if (p == NULL)
    return;
  g_snprintf (p->number, sizeof p->number, "%" G_GINT64_FORMAT, value);
  p->value = p->number;
  p->format = 0;
}

static void
pg_bind_double (JbSqlStmt *stmt,
                int        index,
                double     value)
{
  Param *p = param (stmt, index);

  if (p == NULL)
    return;
  if (isnan (value))
    {
      memset (p, 0, sizeof *p);
      return;
    }
  if (isinf (value))
    g_strlcpy (p->number, value > 0 ? "Infinity" : "-Infinity", sizeof p->number);
  else
    g_ascii_dtostr (p->number, sizeof p->number, value);
  p->value = p->number;
  p->format = 0;
}

static void
pg_bind_blob (JbSqlStmt    *stmt,
              int           index,
              const guint8 *data,
              gsize         length)
{
  Param *p = param (stmt, index);

  if (p == NULL)
    return;
  if (data == NULL)
    {
      memset (p, 0, sizeof *p);
      return;
    }
  /* Binary format: the bytes as they are, NULs included. */
  g_return_if_fail (length <= G_MAXINT);
  p->value = length > 0 ? (const char *) data : "";
  p->length = (int) length;
  p->format = 1;
}

/* Runs @self with its bindings (@send: sends it into the open pipeline
 * and returns NULL at once). libpq copies the values, so the caller's
 * may go away after. */
static PGresult *
execute_prepared (JbSqlPgStmt *self,
                  gboolean     send)
{
  JbSqlPg *connection = PG (self->parent.connection);
  g_autofree const char **values = g_new (const char *, MAX (self->n_params, 1));
  g_autofree int *lengths = g_new (int, MAX (self->n_params, 1));
  g_autofree int *formats = g_new (int, MAX (self->n_params, 1));

  for (int i = 0; i < self->n_params; i++)
    {
      values[i] = self->params[i].value;
      lengths[i] = self->params[i].length;
      formats[i] = self->params[i].format;
    }
  if (send)
    return PQsendQueryPrepared (connection->conn, self->name, self->n_params, values, lengths,
                                formats, self->binary_rows ? 1 : 0)
             ? NULL : PQmakeEmptyPGresult (connection->conn, PGRES_FATAL_ERROR);
  return PQexecPrepared (connection->conn, self->name, self->n_params, values, lengths, formats,
                         self->binary_rows ? 1 : 0);
}

/* Sends @self into the pipeline. */
static gboolean
send_prepared (JbSqlPgStmt  *self,
               GError      **error)
{
  PGresult *failed = execute_prepared (self, TRUE);

  if (failed == NULL)
    return TRUE;
  fail (PG (self->parent.connection), NULL, self->text, error);
  PQclear (failed);
  return FALSE;
}

/* Ends the pipeline: sends its sync and reads the deferred statements'
 * results, then (@with_last) the result of the one sent after them into
 * *@last. FALSE with @error when a deferred statement failed (the
 * transaction is then lost) or the connection was. */
static gboolean
finish_pipeline (JbSqlPg   *self,
                 gboolean   with_last,
                 PGresult **last,
                 GError   **error)
{
  guint n = self->deferred->len + (with_last ? 1 : 0);
  guint ended = 0;
  gboolean ok = TRUE;

  if (PQpipelineSync (self->conn) != 1)
    {
      fail (self, NULL, "ending a pipeline", error);
      ok = FALSE;
    }
  /* Each statement's results end with a NULL; the sync's comes last. */
  for (;;)
    {
      PGresult *result = PQgetResult (self->conn);
      ExecStatusType status;

      if (result == NULL)
        {
          if (connection_lost (self) || ++ended > n)
            break;
          continue;
        }
      status = PQresultStatus (result);
      if (status == PGRES_PIPELINE_SYNC)
        {
          PQclear (result);
          break;
        }
      if (ended < self->deferred->len)
        {
          if (ok && status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
            {
              fail (self, result, g_ptr_array_index (self->deferred, ended), error);
              self->failed = TRUE;
              ok = FALSE;
            }
          PQclear (result);
        }
      else if (with_last && *last == NULL)
        *last = result;
      else
        PQclear (result);
    }
  if (ok && connection_lost (self))
    {
      fail (self, NULL, "a pipeline", error);
      ok = FALSE;
    }
  g_ptr_array_set_size (self->deferred, 0);
  if (!connection_lost (self))
    PQexitPipelineMode (self->conn);
  if (!ok && last != NULL)
    g_clear_pointer (last, PQclear);
  return ok;
}

static JbSqlStep
pg_step (JbSqlStmt  *stmt,
         GError    **error)
{
  JbSqlPgStmt *self = PG_STMT (stmt);
  JbSqlPg *connection = PG (stmt->connection);
  const char *status;
  const char *tuples;

  if (self->result != NULL)
    {
      self->row++;
      return self->row < PQntuples (self->result) ? JB_SQL_ROW : JB_SQL_DONE;
    }

  if (!ensure_connected (connection, error) || !prepare_on_server (self, error))
    return JB_SQL_ERROR;

  /* Behind deferred statements: in their pipeline, one round trip for all. */
  if (connection->deferred->len > 0)
    {
      if (!send_prepared (self, error))
        {
          settle (connection, NULL);
          return JB_SQL_ERROR;
        }
      if (!finish_pipeline (connection, TRUE, &self->result, error))
        return JB_SQL_ERROR;
    }
  else
    {
      self->result = execute_prepared (self, FALSE);
    }
  switch (PQresultStatus (self->result))
    {
    case PGRES_TUPLES_OK:
    case PGRES_COMMAND_OK:
      break;
    default:
      fail (connection, self->result, self->text, error);
      g_clear_pointer (&self->result, PQclear);
      return JB_SQL_ERROR;
    }

  /* Only writes count, as sqlite3_changes () counts them. */
  status = PQcmdStatus (self->result);
  tuples = PQcmdTuples (self->result);
  if (status != NULL && tuples != NULL && *tuples != '\0' &&
      (g_str_has_prefix (status, "INSERT ") || g_str_has_prefix (status, "UPDATE ") ||
       g_str_has_prefix (status, "DELETE ") || g_str_has_prefix (status, "MERGE ")))
    self->changes = g_ascii_strtoll (tuples, NULL, 10);

  self->row = 0;
  return PQntuples (self->result) > 0 ? JB_SQL_ROW : JB_SQL_DONE;
}

/* Inside a transaction, sends @stmt into the pipeline and returns; out
 * of one, or before the statement is prepared, runs it now. */
/* Whether @stmt may go into the pipeline now: inside a transaction, on a
 * live connection, prepared in it, with room left. */
static gboolean
pg_can_defer (JbSqlStmt *stmt)
{
  JbSqlPgStmt *self = PG_STMT (stmt);
  JbSqlPg *connection = PG (stmt->connection);
  PGTransactionStatusType transaction = PQtransactionStatus (connection->conn);
  gboolean in_transaction = transaction == PQTRANS_INTRANS ||
                            (transaction == PQTRANS_ACTIVE && connection->deferred->len > 0);

  return in_transaction && self->prepared == connection->generation && !connection_lost (connection) &&
         connection->deferred->len < 64;
}

static gboolean
pg_defer (JbSqlStmt   *stmt,
          const char  *what,
          GError     **error)
{
  JbSqlPg *connection = PG (stmt->connection);

  pg_reset (stmt);
  if (PQpipelineStatus (connection->conn) == PQ_PIPELINE_OFF && !PQenterPipelineMode (connection->conn))
    {
      fail (connection, NULL, what, error);
      return FALSE;
    }
  if (!send_prepared (PG_STMT (stmt), error))
    {
      settle (connection, NULL);
      return FALSE;
    }
  g_ptr_array_add (connection->deferred, (gpointer) what);
  return TRUE;
}

static gint64
pg_changes (JbSqlStmt *stmt)
{
  return PG_STMT (stmt)->changes;
}

/* The current row's @column, NULL when it is NULL or there is no row. */
static const char *
value (JbSqlStmt *stmt,
       int        column)
{
  JbSqlPgStmt *self = PG_STMT (stmt);

  if (self->result == NULL || self->row < 0 || self->row >= PQntuples (self->result))
    return NULL;
  g_return_val_if_fail (column >= 0 && column < PQnfields (self->result), NULL);
  if (PQgetisnull (self->result, self->row, column))
    return NULL;
  return PQgetvalue (self->result, self->row, column);
}

static void
pg_want_binary_rows (JbSqlStmt *stmt)
{
  PG_STMT (stmt)->binary_rows = TRUE;
}

/* A float read as an integer truncates as SQLite's do, clamped. */
static gint64
truncate_to_int64 (double number)
{
  if (isnan (number))
    return 0;
  if (number >= 9223372036854775807.0)
    return G_MAXINT64;
  if (number <= -9223372036854775808.0)
    return G_MININT64;
  return (gint64) number;
}

/* A binary column's number (network byte order), as a double when
 * @out_double, else as an integer; FALSE for a type without one. */
static gboolean
binary_number (JbSqlStmt  *stmt,
               int         column,
               const char *data,
               gint64     *out_int,
               double     *out_double)
{
  PGresult *result = PG_STMT (stmt)->result;
  guint16 bits16;
  guint32 bits32;
  guint64 bits;

  switch (PQftype (result, column))
    {
    case BOOLOID:
      *out_int = data[0] != 0;
      *out_double = *out_int;
      return TRUE;
    case BYTEAOID:  /* as its text form ("\\x…") reads: 0 */
      *out_int = 0;
      *out_double = 0;
      return TRUE;
    case INT2OID:
      memcpy (&bits16, data, 2);
      *out_int = (gint16) GUINT16_FROM_BE (bits16);
      *out_double = (double) *out_int;
      return TRUE;
    case INT4OID:
      memcpy (&bits32, data, 4);
      *out_int = (gint32) GUINT32_FROM_BE (bits32);
      *out_double = (double) *out_int;
      return TRUE;
    case INT8OID:
      memcpy (&bits, data, 8);
      *out_int = (gint64) GUINT64_FROM_BE (bits);
      *out_double = (double) *out_int;
      return TRUE;
    case FLOAT4OID:
      {
        float number;

        memcpy (&bits32, data, 4);
        bits32 = GUINT32_FROM_BE (bits32);
        memcpy (&number, &bits32, 4);
        *out_double = number;
      }
      break;
    case FLOAT8OID:
      memcpy (&bits, data, 8);
      bits = GUINT64_FROM_BE (bits);
      memcpy (out_double, &bits, 8);
      break;
    default:
      g_critical ("Column %d of a statement read in binary has the type %u, which has no getter",
                  column, PQftype (result, column));
      *out_int = 0;
      *out_double = 0;
      return FALSE;
    }
  *out_int = truncate_to_int64 (*out_double);
  return TRUE;
}

static gboolean
is_binary (JbSqlStmt *stmt,
           int        column)
{
  return PQfformat (PG_STMT (stmt)->result, column) == 1;
}

/* A binary column that is not text: text reads the same in both forms. */
static gboolean
is_binary_number (JbSqlStmt *stmt,
                  int        column)
{
  if (!is_binary (stmt, column))
    return FALSE;
  switch (PQftype (PG_STMT (stmt)->result, column))
    {
    case TEXTOID:
    case VARCHAROID:
    case BPCHAROID:
      return FALSE;
    default:
      return TRUE;
    }
}

static gboolean
pg_column_is_null (JbSqlStmt *stmt,
                   int        column)
{
  return value (stmt, column) == NULL;
}

static const char *
pg_column_text (JbSqlStmt *stmt,
                int        column)
{
  const char *text = value (stmt, column);

  /* libpq ends every value with a NUL: text types read the same in
   * binary form. */
  if (text != NULL && is_binary_number (stmt, column))
    {
      g_critical ("Column %d of a statement read in binary is not text", column);
      return NULL;
    }
  return text;
}

static gint64
pg_column_int64 (JbSqlStmt *stmt,
                 int        column)
{
  const char *text = value (stmt, column);
  gint64 number = 0;
  double unused;

  if (text == NULL)
    return 0;
  if (is_binary_number (stmt, column))
    {
      binary_number (stmt, column, text, &number, &unused);
      return number;
    }
  if (PQftype (PG_STMT (stmt)->result, column) == BOOLOID)
    return text[0] == 't';
  /* numeric and float text ("12.0") */
  if (strpbrk (text, ".eEnN") != NULL)
    return truncate_to_int64 (g_ascii_strtod (text, NULL));
  return g_ascii_strtoll (text, NULL, 10);
}

static double
pg_column_double (JbSqlStmt *stmt,
                  int        column)
{
  const char *text = value (stmt, column);
  gint64 unused;
  double number = 0;

  if (text == NULL)
    return 0.0;
  if (is_binary_number (stmt, column))
    {
      binary_number (stmt, column, text, &unused, &number);
      return number;
    }
  if (PQftype (PG_STMT (stmt)->result, column) == BOOLOID)
    return text[0] == 't';
  return g_ascii_strtod (text, NULL);
}

static GBytes *
pg_column_blob (JbSqlStmt *stmt,
                int        column)
{
  const char *text = value (stmt, column);
  unsigned char *data;
  size_t length = 0;
  GBytes *bytes;

  if (text == NULL)
    return NULL;
  if (is_binary (stmt, column))
    return g_bytes_new (text, (gsize) PQgetlength (PG_STMT (stmt)->result, PG_STMT (stmt)->row, column));
  if (PQftype (PG_STMT (stmt)->result, column) != BYTEAOID)
    return g_bytes_new (text, strlen (text));

  /* Text-format bytea: \x and hex digits. */
  data = PQunescapeBytea ((const unsigned char *) text, &length);
  if (data == NULL)
    return NULL;
  bytes = g_bytes_new (data, length);
  PQfreemem (data);
  return bytes;
}

const JbSqlDriver jb_sql_pg_driver = {
  .dialect = JB_SQL_POSTGRESQL,
  .open = pg_open,
  .close = pg_close,
  .errmsg = pg_errmsg,
  .exec = pg_exec,
  .begin = pg_begin,
  .begin_write_select = pg_begin_write_select,
  .commit = pg_commit,
  .rollback = pg_rollback,
  .in_transaction = pg_in_transaction,
  .get_schema_version = pg_get_schema_version,
  .set_schema_version = pg_set_schema_version,
  .prepare = pg_prepare,
  .finalize = pg_finalize,
  .clear_bindings = pg_clear_bindings,
  .bind_null = pg_bind_null,
  .bind_text = pg_bind_text,
  .bind_int64 = pg_bind_int64,
  .bind_double = pg_bind_double,
  .bind_blob = pg_bind_blob,
  .step = pg_step,
  .can_defer = pg_can_defer,
  .defer = pg_defer,
  .changes = pg_changes,
  .reset = pg_reset,
  .want_binary_rows = pg_want_binary_rows,
  .column_is_null = pg_column_is_null,
  .column_text = pg_column_text,
  .column_int64 = pg_column_int64,
  .column_double = pg_column_double,
  .column_blob = pg_column_blob,
};
