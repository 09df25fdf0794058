/* test-server-sql-pg.c — the PostgreSQL driver of jb-sql.h on a real cluster
 *
 * Every bind and column type, NULL, blobs with NUL bytes, rows, changes,
 * rollback, deferred writes in the pipeline, the schema version, the
 * writer lock across two connections,
 * a reconnection after the cluster restarts, and JbStorage's position
 * path (batch writes and lookups, the positions lock, the stamps). The driver's table is
 * called directly, as jb-sql.c calls it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "jb-error.h"
#include "jb-sql-private.h"
#include "jb-storage.h"
#include "jb-demo.h"
#include "jb-test-postgres.h"
#include "jb-test-server.h"

#define D (&jb_sql_pg_driver)

typedef struct
{
  char  *target;
  JbSql *db;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->target = jb_test_postgres_new_database ();
  fixture->db = D->open (fixture->target, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->db);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  D->close (fixture->db);
  jb_test_postgres_drop_database (fixture->target);
  g_free (fixture->target);
}

static JbSqlStmt *
prepare (JbSql      *db,
         const char *sql)
{
  JbSqlStmt *stmt = D->prepare (db, sql);

  g_assert_nonnull (stmt);
  g_assert_true (stmt->connection == db);
  return stmt;
}

static void
exec_ok (JbSql      *db,
         const char *script)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (D->exec (db, script, &error));
  g_assert_no_error (error);
}

static gint64
count_rows (JbSql      *db,
            const char *sql)
{
  JbSqlStmt *stmt = prepare (db, sql);
  g_autoptr(GError) error = NULL;
  gint64 count;

  g_assert_cmpint (D->step (stmt, &error), ==, JB_SQL_ROW);
  g_assert_no_error (error);
  count = D->column_int64 (stmt, 0);
  D->finalize (stmt);
  return count;
}

static void
test_types (Fixture       *fixture,
            gconstpointer  data)
{
  static const guint8 blob[] = { 0x00, 0x01, 0xff, 0x00, '\\', 'x', 0x7f, 0x00 };
  const char *name = "接警 'quoted' \"double\" ?1 \\ end";
  JbSqlStmt *insert, *select;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  exec_ok (fixture->db,
           "CREATE TABLE t (id bigint PRIMARY KEY, name text, score double precision,"
           "  data bytea, flag boolean, small integer)");

  /* ?N counts from the statement's text, in any order, repeated. */
  insert = prepare (fixture->db, "INSERT INTO t (id, name, score, data, flag, small) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5 = 1, ?6)");
  D->bind_int64 (insert, 1, G_MAXINT64);
  D->bind_text (insert, 2, name);
  D->bind_double (insert, 3, 0.1 + 0.2);
  D->bind_blob (insert, 4, blob, sizeof blob);
  D->bind_int64 (insert, 5, 1);
  D->bind_int64 (insert, 6, -42);
  g_assert_cmpint (D->step (insert, &error), ==, JB_SQL_DONE);
  g_assert_no_error (error);
  g_assert_cmpint (D->changes (insert), ==, 1);
  D->reset (insert);

  /* NULL of every kind: bind_null, a NULL text or blob, a NAN double. */
  D->clear_bindings (insert);
  D->bind_int64 (insert, 1, G_MININT64);
  D->bind_text (insert, 2, NULL);
  D->bind_double (insert, 3, NAN);
  D->bind_blob (insert, 4, NULL, 0);
  D->bind_null (insert, 5);
  g_assert_cmpint (D->step (insert, &error), ==, JB_SQL_DONE);
  g_assert_no_error (error);
  D->reset (insert);

  /* An empty blob is not NULL. */
  D->clear_bindings (insert);
  D->bind_int64 (insert, 1, 0);
  D->bind_text (insert, 2, "");
  D->bind_double (insert, 3, -1.5e300);
  D->bind_blob (insert, 4, blob, 0);
  D->bind_int64 (insert, 5, 0);
  D->bind_int64 (insert, 6, 7);
  g_assert_cmpint (D->step (insert, &error), ==, JB_SQL_DONE);
  g_assert_no_error (error);
  D->finalize (insert);

  select = prepare (fixture->db, "SELECT id, name, score, data, flag, small, '?2' "
                                 "FROM t WHERE id = ?1 -- a ?3 in a comment\n");
  D->bind_int64 (select, 1, G_MAXINT64);
  g_assert_cmpint (D->step (select, &error), ==, JB_SQL_ROW);
  g_assert_no_error (error);
  g_assert_cmpint (D->column_int64 (select, 0), ==, G_MAXINT64);
  g_assert_cmpstr (D->column_text (select, 1), ==, name);
  g_assert_cmpfloat (D->column_double (select, 2), ==, 0.1 + 0.2);
  bytes = D->column_blob (select, 3);
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), blob, sizeof blob);
  g_clear_pointer (&bytes, g_bytes_unref);
  g_assert_cmpint (D->column_int64 (select, 4), ==, 1);
  g_assert_cmpint (D->column_int64 (select, 5), ==, -42);
  g_assert_cmpfloat (D->column_double (select, 5), ==, -42.0);
  g_assert_cmpstr (D->column_text (select, 6), ==, "?2");
  g_assert_false (D->column_is_null (select, 1));
  g_assert_cmpint (D->step (select, &error), ==, JB_SQL_DONE);
  D->reset (select);

  D->bind_int64 (select, 1, G_MININT64);
  g_assert_cmpint (D->step (select, &error), ==, JB_SQL_ROW);
  g_assert_cmpint (D->column_int64 (select, 0), ==, G_MININT64);
  for (int column = 1; column <= 5; column++)
    g_assert_true (D->column_is_null (select, column));
  g_assert_null (D->column_text (select, 1));
  g_assert_null (D->column_blob (select, 3));
  g_assert_cmpint (D->column_int64 (select, 5), ==, 0);
  g_assert_cmpfloat (D->column_double (select, 2), ==, 0.0);
  D->reset (select);

  D->bind_int64 (select, 1, 0);
  g_assert_cmpint (D->step (select, &error), ==, JB_SQL_ROW);
  g_assert_cmpstr (D->column_text (select, 1), ==, "");
  g_assert_false (D->column_is_null (select, 1));
  g_assert_cmpfloat (D->column_double (select, 2), ==, -1.5e300);
  bytes = D->column_blob (select, 3);
  g_assert_nonnull (bytes);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 0);
  g_assert_cmpint (D->column_int64 (select, 4), ==, 0);
  D->finalize (select);

  /* The same rows in binary form (jb_sql_want_binary_rows) read the same
   * through every getter: doubles bit for bit, NULLs, extremes. */
  {
    JbSqlStmt *text_rows = prepare (fixture->db, "SELECT id, name, score, data, flag, small, small::smallint,"
                                                 " id::double precision FROM t ORDER BY 1");
    JbSqlStmt *binary_rows = prepare (fixture->db, "SELECT id, name, score, data, flag, small, small::smallint,"
                                                   " id::double precision FROM t ORDER BY 1 -- binary");
    int rows = 0;

    D->want_binary_rows (binary_rows);
    while (D->step (text_rows, &error) == JB_SQL_ROW)
      {
        g_assert_cmpint (D->step (binary_rows, &error), ==, JB_SQL_ROW);
        for (int column = 0; column < 8; column++)
          {
            double a = D->column_double (text_rows, column), b = D->column_double (binary_rows, column);

            g_assert_cmpint (D->column_is_null (text_rows, column), ==, D->column_is_null (binary_rows, column));
            g_assert_cmpint (D->column_int64 (text_rows, column), ==, D->column_int64 (binary_rows, column));
            g_assert_cmpmem (&a, sizeof a, &b, sizeof b);
          }
        g_assert_cmpstr (D->column_text (text_rows, 1), ==, D->column_text (binary_rows, 1));
        {
          g_autoptr(GBytes) a = D->column_blob (text_rows, 3);
          g_autoptr(GBytes) b = D->column_blob (binary_rows, 3);

          g_assert_true ((a == NULL && b == NULL) || (a != NULL && b != NULL && g_bytes_equal (a, b)));
        }
        rows++;
      }
    g_assert_no_error (error);
    g_assert_cmpint (D->step (binary_rows, &error), ==, JB_SQL_DONE);
    g_assert_cmpint (rows, ==, 3);
    D->finalize (text_rows);
    D->finalize (binary_rows);
  }
}

static void
test_rows_and_changes (Fixture       *fixture,
                       gconstpointer  data)
{
  JbSqlStmt *insert, *select, *update, *remove;
  g_autoptr(GError) error = NULL;
  int row = 0;

  exec_ok (fixture->db, "CREATE TABLE r (n integer, even boolean); CREATE INDEX r_n ON r (n)");

  insert = prepare (fixture->db, "INSERT INTO r (n, even) VALUES (?1, ?1 % 2 = 0)");
  for (int n = 1; n <= 7; n++)
    {
      D->reset (insert);
      D->bind_int64 (insert, 1, n);
      g_assert_cmpint (D->step (insert, &error), ==, JB_SQL_DONE);
      g_assert_no_error (error);
    }
  D->finalize (insert);

  select = prepare (fixture->db, "SELECT n FROM r WHERE n >= ?1 ORDER BY n DESC");
  D->bind_int64 (select, 1, 3);
  while (D->step (select, &error) == JB_SQL_ROW)
    {
      g_assert_cmpint (D->column_int64 (select, 0), ==, 7 - row);
      row++;
    }
  g_assert_no_error (error);
  g_assert_cmpint (row, ==, 5);
  /* Stepping past the end stays done. */
  g_assert_cmpint (D->step (select, &error), ==, JB_SQL_DONE);

  /* A second run of the same statement with new bindings. */
  D->reset (select);
  D->bind_int64 (select, 1, 100);
  g_assert_cmpint (D->step (select, &error), ==, JB_SQL_DONE);
  D->finalize (select);

  update = prepare (fixture->db, "UPDATE r SET n = n + 10 WHERE even");
  g_assert_cmpint (D->step (update, &error), ==, JB_SQL_DONE);
  g_assert_no_error (error);
  /* changes outlive the reset (jb_sql_run resets before the caller asks). */
  D->reset (update);
  g_assert_cmpint (D->changes (update), ==, 3);
  D->finalize (update);

  /* A read leaves the count of the last write alone. */
  select = prepare (fixture->db, "SELECT n FROM r");
  g_assert_cmpint (D->step (select, &error), ==, JB_SQL_ROW);
  g_assert_cmpint (D->changes (select), ==, 0);
  /* Floating text read as an integer truncates and saturates. */
  D->finalize (select);
  select = prepare (fixture->db, "SELECT 2.9::float8, -2.9::numeric, 1e30::float8, -1e30::float8, 'NaN'::float8");
  g_assert_cmpint (D->step (select, &error), ==, JB_SQL_ROW);
  g_assert_cmpint (D->column_int64 (select, 0), ==, 2);
  g_assert_cmpint (D->column_int64 (select, 1), ==, -2);
  g_assert_cmpint (D->column_int64 (select, 2), ==, G_MAXINT64);
  g_assert_cmpint (D->column_int64 (select, 3), ==, G_MININT64);
  g_assert_cmpint (D->column_int64 (select, 4), ==, 0);
  g_assert_true (isnan (D->column_double (select, 4)));
  D->finalize (select);

  remove = prepare (fixture->db, "DELETE FROM r WHERE n > ?1 RETURNING n");
  D->bind_int64 (remove, 1, 10);
  g_assert_cmpint (D->step (remove, &error), ==, JB_SQL_ROW);
  g_assert_cmpint (D->changes (remove), ==, 3);
  D->finalize (remove);
  g_assert_cmpint (count_rows (fixture->db, "SELECT count(*) FROM r"), ==, 4);
}

static void
test_transactions (Fixture       *fixture,
                   gconstpointer  data)
{
  JbSqlStmt *insert, *dup;
  g_autoptr(GError) error = NULL;

  exec_ok (fixture->db, "CREATE TABLE k (id text PRIMARY KEY)");
  g_assert_false (D->in_transaction (fixture->db));

  insert = prepare (fixture->db, "INSERT INTO k (id) VALUES (?1)");
  g_assert_true (D->begin (fixture->db, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (D->in_transaction (fixture->db));
  D->bind_text (insert, 1, "a");
  g_assert_cmpint (D->step (insert, &error), ==, JB_SQL_DONE);
  D->reset (insert);
  D->rollback (fixture->db);
  g_assert_false (D->in_transaction (fixture->db));
  g_assert_cmpint (count_rows (fixture->db, "SELECT count(*) FROM k"), ==, 0);

  g_assert_true (D->begin (fixture->db, TRUE, &error));
  D->bind_text (insert, 1, "b");
  g_assert_cmpint (D->step (insert, &error), ==, JB_SQL_DONE);
  D->reset (insert);
  g_assert_true (D->commit (fixture->db, &error));
  g_assert_no_error (error);
  g_assert_false (D->in_transaction (fixture->db));
  g_assert_cmpint (count_rows (fixture->db, "SELECT count(*) FROM k"), ==, 1);

  /* A failing statement: a clear error, errmsg says why, the transaction
   * is rolled back and the connection goes on. */
  g_assert_true (D->begin (fixture->db, TRUE, &error));
  D->bind_text (insert, 1, "b");
  g_assert_cmpint (D->step (insert, &error), ==, JB_SQL_ERROR);
  g_assert_error (error, JB_ERROR, JB_ERROR_INTERNAL);
  g_assert_nonnull (strstr (error->message, "duplicate key"));
  g_assert_nonnull (strstr (D->errmsg (fixture->db), "duplicate key"));
  g_clear_error (&error);
  D->reset (insert);
  /* A statement first prepared in the failed transaction waits for the next. */
  dup = prepare (fixture->db, "SELECT count(*) FROM k WHERE id = ?1");
  D->rollback (fixture->db);
  D->bind_text (dup, 1, "b");
  g_assert_cmpint (D->step (dup, &error), ==, JB_SQL_ROW);
  g_assert_no_error (error);
  g_assert_cmpint (D->column_int64 (dup, 0), ==, 1);
  D->finalize (dup);
  D->finalize (insert);

  /* A statement that cannot prepare is refused at once. */
  g_assert_null (D->prepare (fixture->db, "SELEKT nothing"));
  g_assert_nonnull (strstr (D->errmsg (fixture->db), "syntax error"));
}

/* Deferred writes go in the pipeline with what follows them: a read in
 * the same transaction sees them, COMMIT keeps them, and one that fails
 * is reported by the next statement or the COMMIT, which then refuses:
 * nothing of the transaction is kept. */
static void
test_deferred (Fixture       *fixture,
               gconstpointer  data)
{
  JbSqlStmt *insert, *count;
  g_autoptr(GError) error = NULL;

  exec_ok (fixture->db, "CREATE TABLE k (id text PRIMARY KEY)");
  insert = prepare (fixture->db, "INSERT INTO k (id) VALUES (?1)");
  count = prepare (fixture->db, "SELECT count(*) FROM k");

  /* Out of a transaction: at once, and a failure at once. */
  D->bind_text (insert, 1, "a");
  g_assert_true (jb_sql_run_deferred (insert, "inserting", &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (fixture->db, "SELECT count(*) FROM k"), ==, 1);
  g_assert_false (jb_sql_run_deferred (insert, "inserting", &error));
  g_assert_nonnull (strstr (error->message, "duplicate key"));
  g_clear_error (&error);

  /* Seen by a read behind them, kept by COMMIT. */
  g_assert_true (D->begin (fixture->db, TRUE, &error));
  for (const char * const *id = (const char * const[]) { "b", "c", "d", NULL }; *id != NULL; id++)
    {
      g_autofree char *copy = g_strdup (*id);

      /* The value may go away once the call returns. */
      D->bind_text (insert, 1, copy);
      g_assert_true (jb_sql_run_deferred (insert, "inserting", &error));
      g_assert_no_error (error);
    }
  g_assert_cmpint (D->step (count, &error), ==, JB_SQL_ROW);
  g_assert_no_error (error);
  g_assert_cmpint (D->column_int64 (count, 0), ==, 4);
  D->reset (count);
  D->bind_text (insert, 1, "e");
  g_assert_true (jb_sql_run_deferred (insert, "inserting", &error));
  g_assert_true (D->commit (fixture->db, &error));
  g_assert_no_error (error);
  g_assert_false (D->in_transaction (fixture->db));
  g_assert_cmpint (count_rows (fixture->db, "SELECT count(*) FROM k"), ==, 5);

  /* A failure found at COMMIT: refused, and the rows around it are gone. */
  g_assert_true (D->begin (fixture->db, TRUE, &error));
  for (const char * const *id = (const char * const[]) { "f", "a", "g", NULL }; *id != NULL; id++)
    {
      D->bind_text (insert, 1, *id);
      g_assert_true (jb_sql_run_deferred (insert, "inserting", &error));
      g_assert_no_error (error);
    }
  g_assert_false (D->commit (fixture->db, &error));
  g_assert_error (error, JB_ERROR, JB_ERROR_INTERNAL);
  g_assert_nonnull (strstr (error->message, "duplicate key"));
  g_clear_error (&error);
  D->rollback (fixture->db);
  g_assert_false (D->in_transaction (fixture->db));
  g_assert_cmpint (count_rows (fixture->db, "SELECT count(*) FROM k"), ==, 5);

  /* A failure found by a read: the read fails, and so does a COMMIT that
   * a careless caller would try after it. */
  g_assert_true (D->begin (fixture->db, TRUE, &error));
  D->bind_text (insert, 1, "h");
  g_assert_true (jb_sql_run_deferred (insert, "inserting", &error));
  D->bind_text (insert, 1, "b");
  g_assert_true (jb_sql_run_deferred (insert, "inserting", &error));
  g_assert_cmpint (D->step (count, &error), ==, JB_SQL_ERROR);
  g_assert_nonnull (strstr (error->message, "duplicate key"));
  g_clear_error (&error);
  D->reset (count);
  g_assert_false (D->commit (fixture->db, &error));
  g_assert_error (error, JB_ERROR, JB_ERROR_INTERNAL);
  g_clear_error (&error);
  D->rollback (fixture->db);
  g_assert_cmpint (count_rows (fixture->db, "SELECT count(*) FROM k"), ==, 5);

  /* The connection goes on, in and out of transactions. */
  g_assert_true (D->begin (fixture->db, TRUE, &error));
  D->bind_text (insert, 1, "i");
  g_assert_true (jb_sql_run_deferred (insert, "inserting", &error));
  D->rollback (fixture->db);
  g_assert_cmpint (count_rows (fixture->db, "SELECT count(*) FROM k"), ==, 5);

  /* The connection lost with writes in the pipeline: COMMIT says so,
   * nothing is kept, and the next transaction reconnects. */
  {
    JbSql *other = D->open (fixture->target, &error);
    JbSqlStmt *pid = prepare (fixture->db, "SELECT pg_backend_pid()");
    JbSqlStmt *kill;
    gint64 backend;

    g_assert_no_error (error);
    g_assert_cmpint (D->step (pid, &error), ==, JB_SQL_ROW);
    backend = D->column_int64 (pid, 0);
    D->finalize (pid);
    g_assert_true (D->begin (fixture->db, TRUE, &error));
    D->bind_text (insert, 1, "j");
    g_assert_true (jb_sql_run_deferred (insert, "inserting", &error));
    g_assert_no_error (error);
    kill = prepare (other, "SELECT pg_terminate_backend(?1::int)");
    D->bind_int64 (kill, 1, backend);
    g_assert_cmpint (D->step (kill, &error), ==, JB_SQL_ROW);
    g_assert_no_error (error);
    D->finalize (kill);
    g_assert_false (D->commit (fixture->db, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
    D->rollback (fixture->db);
    g_assert_cmpint (count_rows (other, "SELECT count(*) FROM k WHERE id = 'j'"), ==, 0);

    D->reset (insert);
    g_assert_true (D->begin (fixture->db, TRUE, &error));
    g_assert_no_error (error);
    D->bind_text (insert, 1, "k");
    g_assert_true (jb_sql_run_deferred (insert, "inserting", &error));
    g_assert_true (D->commit (fixture->db, &error));
    g_assert_no_error (error);
    g_assert_cmpint (count_rows (other, "SELECT count(*) FROM k"), ==, 6);
    D->close (other);
  }
  D->finalize (count);
  D->finalize (insert);
}

static void
test_schema_version (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (D->get_schema_version (fixture->db), ==, 0);
  g_assert_true (D->begin (fixture->db, TRUE, &error));
  g_assert_true (D->set_schema_version (fixture->db, 3, &error));
  g_assert_no_error (error);
  g_assert_cmpint (D->get_schema_version (fixture->db), ==, 3);
  g_assert_true (D->commit (fixture->db, &error));
  g_assert_true (D->set_schema_version (fixture->db, 12, &error));
  g_assert_cmpint (D->get_schema_version (fixture->db), ==, 12);
  g_assert_cmpint (count_rows (fixture->db, "SELECT count(*) FROM jb_schema_version"), ==, 1);
}

typedef struct
{
  JbSql   *db;
  gint64   seq;
  gboolean ok;
} Writer;

/* The second writer: BEGIN waits for the first's lock, then reads the
 * log's head and appends after it. */
static gpointer
second_writer (gpointer user_data)
{
  Writer *writer = user_data;
  JbSqlStmt *next, *append;
  g_autoptr(GError) error = NULL;

  next = prepare (writer->db, "SELECT coalesce(max(seq), 0) + 1 FROM log");
  append = prepare (writer->db, "INSERT INTO log (seq) VALUES (?1)");
  writer->ok = D->begin (writer->db, TRUE, &error);
  if (writer->ok && D->step (next, &error) == JB_SQL_ROW)
    {
      writer->seq = D->column_int64 (next, 0);
      D->reset (next);
      D->bind_int64 (append, 1, writer->seq);
      writer->ok = D->step (append, &error) == JB_SQL_DONE && D->commit (writer->db, &error);
    }
  D->finalize (next);
  D->finalize (append);
  return NULL;
}

static void
test_writer_lock (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  JbSql *second = D->open (fixture->target, &error);
  JbSql *reader = D->open (fixture->target, &error);
  Writer writer = { second, 0, FALSE };
  JbSqlStmt *waiting;
  GThread *thread;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  gint64 blocked = 0;

  g_assert_no_error (error);
  exec_ok (fixture->db, "CREATE TABLE log (seq bigint PRIMARY KEY)");

  g_assert_true (D->begin (fixture->db, TRUE, &error));
  exec_ok (fixture->db, "INSERT INTO log (seq) SELECT coalesce(max(seq), 0) + 1 FROM log");

  thread = g_thread_new ("second-writer", second_writer, &writer);

  /* Wait until the second writer is queued on the advisory lock. */
  waiting = prepare (reader, "SELECT count(*) FROM pg_locks "
                             "WHERE locktype = 'advisory' AND NOT granted AND database = "
                             "(SELECT oid FROM pg_database WHERE datname = current_database())");
  while (blocked == 0 && g_get_monotonic_time () < deadline)
    {
      g_assert_cmpint (D->step (waiting, &error), ==, JB_SQL_ROW);
      blocked = D->column_int64 (waiting, 0);
      D->reset (waiting);
      if (blocked == 0)
        g_usleep (20 * 1000);
    }
  g_assert_cmpint (blocked, ==, 1);
  D->finalize (waiting);

  /* A read transaction does not queue behind the writer. */
  g_assert_true (D->begin (reader, FALSE, &error));
  g_assert_cmpint (count_rows (reader, "SELECT count(*) FROM log"), ==, 0);
  D->rollback (reader);

  g_assert_true (D->commit (fixture->db, &error));
  g_thread_join (thread);

  /* The second writer saw the first's commit: strictly +1. */
  g_assert_true (writer.ok);
  g_assert_cmpint (writer.seq, ==, 2);
  g_assert_cmpint (count_rows (fixture->db, "SELECT count(*) FROM log"), ==, 2);
  D->close (second);
  D->close (reader);
}

static void
test_targets (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  JbSql *db;
  const char *dbname = strstr (fixture->target, "dbname=") + strlen ("dbname=");
  const char *port = strstr (fixture->target, "port=") + strlen ("port=");
  guint port_number = (guint) g_ascii_strtoull (port, NULL, 10);
  g_autofree char *uri = g_strdup_printf ("postgresql://jbadmin@127.0.0.1:%u/%s", port_number, dbname);
  /* libpq's multi-host form: the first host refuses, the second is the primary. */
  g_autofree char *multi = g_strdup_printf ("host=127.0.0.1,127.0.0.1 port=1,%u user=jbadmin "
                                            "dbname=%s target_session_attrs=read-write "
                                            "connect_timeout=10",
                                            port_number, dbname);
  g_autofree char *bad = g_strdup_printf ("postgres://jbadmin@127.0.0.1:%u/no_such_database", port_number);

  db = D->open (uri, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (db, "SELECT 1"), ==, 1);
  D->close (db);

  db = D->open (multi, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (db, "SELECT 2"), ==, 2);
  D->close (db);

  db = D->open (bad, &error);
  g_assert_null (db);
  g_assert_error (error, JB_ERROR, JB_ERROR_INTERNAL);
  g_assert_nonnull (strstr (error->message, "no_such_database"));
}

static gpointer
open_storage (gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  JbStorage *storage = jb_storage_open (user_data, &error);

  g_assert_no_error (error);
  return storage;
}

/* Servers starting together on a new database: one migrates, the others
 * wait for its writer lock and find the schema done. */
static void
test_concurrent_migrations (Fixture       *fixture,
                            gconstpointer  data)
{
  GThread *threads[4];
  int version;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("open", open_storage, fixture->target);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      JbStorage *storage = g_thread_join (threads[i]);

      g_assert_nonnull (storage);
      jb_storage_free (storage);
    }

  version = D->get_schema_version (fixture->db);
  g_assert_cmpint (version, >, 0);
  g_assert_cmpint (count_rows (fixture->db, "SELECT count(*) FROM jb_schema_version"), ==, 1);
}

/* A PostgreSQL --db has no file beside which to keep the clips: the
 * server asks for --data-dir instead of making a directory named after
 * the target. */
static void
test_server_needs_data_dir (void)
{
  const char *binary = g_getenv ("JB_DISPATCHD");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = { binary, "--db", "postgresql://jbadmin@127.0.0.1:1/none",
                         "--listen", "127.0.0.1:0", NULL };

  g_assert_nonnull (binary);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_nonnull (strstr (err, "--data-dir"));
  g_assert_false (g_file_test ("postgresql:", G_FILE_TEST_EXISTS));
}

/* The cluster restarts under an open connection: the next call reports
 * the loss, the one after reconnects and prepares its statements again. */
static void
test_reconnect (void)
{
  JbTestPostgres *cluster = jb_test_postgres_start ();
  g_autofree char *target = g_strdup_printf ("%s dbname=postgres", jb_test_postgres_get_base (cluster));
  g_autoptr(GError) error = NULL;
  JbSql *db = D->open (target, &error);
  JbSqlStmt *stmt;

  g_assert_no_error (error);
  stmt = prepare (db, "SELECT ?1::bigint * 2");
  D->bind_int64 (stmt, 1, 21);
  g_assert_cmpint (D->step (stmt, &error), ==, JB_SQL_ROW);
  g_assert_cmpint (D->column_int64 (stmt, 0), ==, 42);
  D->reset (stmt);

  jb_test_postgres_restart (cluster);

  D->bind_int64 (stmt, 1, 50);
  g_assert_cmpint (D->step (stmt, &error), ==, JB_SQL_ERROR);
  g_assert_error (error, JB_ERROR, JB_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "lost"));
  g_clear_error (&error);
  D->reset (stmt);
  g_assert_false (D->in_transaction (db));

  D->bind_int64 (stmt, 1, 50);
  g_assert_cmpint (D->step (stmt, &error), ==, JB_SQL_ROW);
  g_assert_no_error (error);
  g_assert_cmpint (D->column_int64 (stmt, 0), ==, 100);
  D->reset (stmt);

  /* Transactions and the writer lock work on the new session too. */
  g_assert_true (D->begin (db, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (D->commit (db, &error));

  D->finalize (stmt);
  D->close (db);
  jb_test_postgres_stop (cluster);
}

/* GET /api/v1/snapshot until it answers 200: the first request after
 * the cluster came back may be the one that finds the connection lost. */
static JbTestResponse *
snapshot_after_loss (JbTestServer *server,
                     const char   *auth,
                     guint        *failures)
{
  for (guint attempt = 0; attempt < 20; attempt++)
    {
      JbTestResponse *response = jb_test_request (server, "GET", "/api/v1/snapshot", auth, NULL, NULL);

      if (response->status == 200)
        return response;
      /* The loss says so in the documented error form, and is no 401:
       * the client keeps its session. */
      g_assert_cmpuint (response->status, ==, 503);
      g_assert_cmpstr (jb_test_json_string (response->body, "error.code"), ==, "unavailable");
      (*failures)++;
      jb_test_response_free (response);
    }
  g_assert_not_reached ();
}

/* The real jingbao-dispatchd on a cluster that restarts under it: it
 * answers again (a request or two may fail in between, clearly), keeps
 * what it had committed, and records new commands. */
static void
test_server_reconnect (void)
{
  JbTestPostgres *cluster = jb_test_postgres_start ();
  g_autofree char *target = g_strdup_printf ("%s dbname=postgres", jb_test_postgres_get_base (cluster));
  const char *args[] = { "--demo", "--demo-guards", "50", NULL };
  JbTestServer *server = jb_test_server_start_on_postgresql (target, args);
  g_autofree char *auth = jb_test_login (server, "dispatcher", "demo");
  g_autoptr(JbTestResponse) before = jb_test_request (server, "GET", "/api/v1/snapshot", auth, NULL, NULL);
  g_autoptr(JbTestResponse) after = NULL;
  g_autoptr(JbTestResponse) created = NULL;
  g_autoptr(JbTestResponse) again = NULL;
  g_autoptr(JbTestEvents) events = NULL;
  g_autoptr(JsonNode) event = NULL;
  JsonObject *station, *location;
  g_autofree char *body = NULL;
  guint failures = 0;
  gint64 seq;

  g_assert_cmpuint (before->status, ==, 200);
  seq = jb_test_json_int (before->body, "seq");
  station = json_array_get_object_element (json_node_get_array (jb_test_json_get (before->body, "stations")), 0);
  location = json_object_get_object_member (station, "location");

  jb_test_postgres_restart (cluster);

  after = snapshot_after_loss (server, auth, &failures);
  g_assert_cmpuint (failures, <=, 1);
  g_assert_cmpint (jb_test_json_int (after->body, "seq"), ==, seq);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (jb_test_json_get (after->body, "units"))), ==,
                    json_array_get_length (json_node_get_array (jb_test_json_get (before->body, "units"))));

  /* A command after the reconnection commits and is streamed. */
  events = jb_test_events_connect (server, auth, seq, NULL);
  g_assert_nonnull (events);
  body = g_strdup_printf ("{\"type\": \"theft\", \"priority\": 3, \"location\": {\"lat\": %.6f, \"lon\": %.6f}, "
                          "\"description\": \"after the restart\"}",
                          json_object_get_double_member (location, "lat"),
                          json_object_get_double_member (location, "lon"));
  created = jb_test_request (server, "POST", "/api/v1/incidents", auth, "after-restart", body);
  g_assert_cmpuint (created->status, ==, 201);
  event = jb_test_events_wait_type (events, "incident.created", 60000);
  g_assert_nonnull (event);
  g_assert_cmpint (jb_test_json_int (event, "seq"), ==, seq + 1);

  /* The idempotent retry finds the stored answer on the new session. */
  again = jb_test_request (server, "POST", "/api/v1/incidents", auth, "after-restart", body);
  g_assert_cmpuint (again->status, ==, 201);
  g_assert_cmpstr (jb_test_json_string (again->body, "id"), ==, jb_test_json_string (created->body, "id"));

  jb_test_server_free (server);
  jb_test_postgres_stop (cluster);
}


typedef struct
{
  JbStorage   *storage;
  JbStoredFix *fix;
  gboolean     ok;
  volatile gint done;
} PositionWrite;

static gpointer
write_positions_thread (gpointer data)
{
  PositionWrite *w = data;
  g_autoptr(GError) error = NULL;

  w->ok = jb_storage_write_positions (w->storage, &w->fix, 1, &error);
  g_assert_no_error (error);
  g_atomic_int_set (&w->done, 1);
  return NULL;
}

static JbStoredFix *
new_fix (const char *org_id,
         const char *unit_id,
         double      lat,
         double      heading,
         gint64      time)
{
  JbStoredFix *fix = g_new0 (JbStoredFix, 1);

  fix->org_id = g_strdup (org_id);
  fix->unit_id = g_strdup (unit_id);
  fix->position = (JbStoragePosition) { lat, 112.98, heading, 1.5, 5.0, time };
  return fix;
}

/* The position path of JbStorage on PostgreSQL: one unnest statement per
 * round (ids quoted, NaN as NULL, the newer fix kept), one lookup for a
 * batch (unknown and repeated ids), the positions lock apart from the
 * writer lock, and stamps that another writer's reader goes by. */
static void
test_positions (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  JbStorage *a = jb_storage_open (fixture->target, &error);
  JbStorage *b = NULL;
  g_autoptr(GPtrArray) round = g_ptr_array_new_with_free_func (jb_stored_fix_free);
  g_autoptr(GPtrArray) seen = NULL;
  const char *ids[] = { "u3", "nope", "u\"1\\x", "u3", "u2" };
  gboolean found[G_N_ELEMENTS (ids)];
  char *org_ids[G_N_ELEMENTS (ids)];
  gint64 times[G_N_ELEMENTS (ids)];
  PositionWrite w = { 0 };
  GThread *thread;
  JbSqlStmt *stmt;
  gint64 first_stamp, deadline;

  g_assert_no_error (error);
  jb_storage_set_writer (a, "server-a");
  exec_ok (fixture->db, "INSERT INTO units (id, kind, callsign, name, org_id, status, updated_at) VALUES "
                        "('u\"1\\x', 'guard', 'G1', 'G1', 'o,1', 'available', 1),"
                        "('u2', 'guard', 'G2', 'G2', NULL, 'available', 1),"
                        "('u3', 'guard', 'G3', 'G3', 'o1', 'available', 1)");

  g_ptr_array_add (round, new_fix ("o,1", "u\"1\\x", 28.1, 90.0, 1000));
  g_ptr_array_add (round, new_fix ("o1", "u3", 28.3, NAN, 3000));
  g_assert_true (jb_storage_write_positions (a, (JbStoredFix * const *) round->pdata, round->len, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (fixture->db, "SELECT count(*) FROM positions WHERE unit_id = 'u\"1\\x' "
                                            "AND org_id = 'o,1' AND lat = 28.1 AND heading = 90 AND writer = 'server-a'"), ==, 1);
  g_assert_cmpint (count_rows (fixture->db, "SELECT count(*) FROM positions WHERE unit_id = 'u3' "
                                            "AND heading IS NULL AND speed = 1.5 AND time = 3000"), ==, 1);

  /* An older fix leaves the newer one. */
  g_ptr_array_set_size (round, 0);
  g_ptr_array_add (round, new_fix ("o1", "u3", 29.0, 10.0, 2000));
  g_assert_true (jb_storage_write_positions (a, (JbStoredFix * const *) round->pdata, round->len, &error));
  g_assert_cmpint (count_rows (fixture->db, "SELECT count(*) FROM positions WHERE unit_id = 'u3' AND time = 3000 "
                                            "AND lat = 28.3"), ==, 1);

  /* One lookup for the batch. */
  g_assert_true (jb_storage_peek_units (a, ids, G_N_ELEMENTS (ids), found, org_ids, times, &error));
  g_assert_no_error (error);
  g_assert_true (found[0] && found[2] && found[3] && found[4]);
  g_assert_false (found[1]);
  g_assert_cmpstr (org_ids[0], ==, "o1");
  g_assert_cmpstr (org_ids[2], ==, "o,1");
  g_assert_cmpstr (org_ids[3], ==, "o1");
  g_assert_null (org_ids[1]);
  g_assert_null (org_ids[4]);
  g_assert_cmpint (times[0], ==, 3000);
  g_assert_cmpint (times[2], ==, 1000);
  g_assert_cmpint (times[3], ==, 3000);
  g_assert_cmpint (times[4], ==, G_MININT64);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_free (org_ids[i]);

  /* A command's write transaction holds the writer lock: positions are
   * written meanwhile all the same. */
  g_assert_true (D->begin (fixture->db, TRUE, &error));
  w.storage = a;
  w.fix = new_fix ("", "u2", 28.2, 0.0, 5000);
  thread = g_thread_new ("positions", write_positions_thread, &w);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!g_atomic_int_get (&w.done) && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_true (g_atomic_int_get (&w.done));
  D->rollback (fixture->db);
  g_thread_join (thread);
  g_assert_true (w.ok);
  jb_stored_fix_free (w.fix);

  /* Another writer's rows are read by their stamps, own rows are not. */
  stmt = prepare (fixture->db, "SELECT max(updated_at) FROM positions");
  g_assert_cmpint (D->step (stmt, &error), ==, JB_SQL_ROW);
  first_stamp = D->column_int64 (stmt, 0);
  D->finalize (stmt);
  g_assert_cmpint (jb_storage_positions_read_margin (a), ==, 0);
  b = jb_storage_open_sibling (a, fixture->target, &error);
  g_assert_no_error (error);
  g_assert_nonnull (b);
  jb_storage_set_writer (b, "server-b");
  g_ptr_array_set_size (round, 0);
  g_ptr_array_add (round, new_fix ("o1", "u3", 28.4, 20.0, 6000));
  g_assert_true (jb_storage_write_positions (b, (JbStoredFix * const *) round->pdata, round->len, &error));
  seen = jb_storage_list_positions_since (a, first_stamp - 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (((JbStoredFix *) seen->pdata[0])->unit_id, ==, "u3");
  g_assert_cmpint (((JbStoredFix *) seen->pdata[0])->position.time, ==, 6000);
  g_assert_cmpint (((JbStoredFix *) seen->pdata[0])->updated_at, >=, first_stamp);

  jb_storage_free (b);
  jb_storage_free (a);
}

/* Device reports do not take the writer lock that commands on every
 * server wait for: with another connection holding it, a position and a
 * heartbeat are answered (they would wait for it otherwise), and say so in
 * Server-Timing; a command waits, and goes through once it is released. */
typedef struct
{
  JbTestServer   *server;
  const char     *auth;
  JbTestResponse *response;
} Command;

static gpointer
command_thread (gpointer data)
{
  Command *c = data;

  c->response = jb_test_request (c->server, "POST", "/api/v1/incidents", c->auth, NULL,
                                 "{\"type\": \"theft\", \"priority\": 3, "
                                 "\"location\": {\"lat\": 28.2, \"lon\": 112.98}}");
  return NULL;
}

static void
test_reports_without_lock (Fixture       *fixture,
                           gconstpointer  data)
{
  /* No maintenance tick meanwhile: it takes the lock on the main loop. */
  const char *args[] = { "--demo", "--maintenance-ms", "60000", NULL };
  JbTestServer *server = jb_test_server_start_on_postgresql (fixture->target, args);
  g_autofree char *auth = jb_test_login (server, "dispatcher", "demo");
  g_autofree char *secret = jb_demo_terminal_secret ("t-ph-0001");
  g_autofree char *device = jb_test_device_auth ("t-ph-0001", secret);
  g_autoptr(JbTestResponse) unit = NULL;
  g_autoptr(JbTestResponse) position = NULL;
  g_autoptr(JbTestResponse) heartbeat = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  Command command = { server, auth, NULL };
  GThread *thread;
  const char *timing;

  /* A fix older than the unit's stored one: skipped, so that whether it
   * would raise a patrol alert (which takes the lock) does not arise. */
  unit = jb_test_request (server, "GET", "/api/v1/terminals/t-ph-0001", auth, NULL, NULL);
  g_assert_cmpuint (unit->status, ==, 200);
  path = g_strconcat ("/api/v1/units/", jb_test_json_string (unit->body, "unit_id"), NULL);
  g_clear_pointer (&unit, jb_test_response_free);
  unit = jb_test_request (server, "GET", path, auth, NULL, NULL);
  g_assert_cmpuint (unit->status, ==, 200);
  body = g_strdup_printf ("{\"lat\": %.6f, \"lon\": %.6f, \"time\": %" G_GINT64_FORMAT "}",
                          json_node_get_double (jb_test_json_get (unit->body, "position.lat")),
                          json_node_get_double (jb_test_json_get (unit->body, "position.lon")),
                          jb_test_json_int (unit->body, "position.time") - 1000);

  /* A terminal that comes back online is a state change (it takes the
   * lock): once before. */
  heartbeat = jb_test_request (server, "POST", "/api/v1/device/heartbeat", device, NULL, "{\"battery\": 80}");
  g_assert_cmpuint (heartbeat->status, ==, 200);
  g_clear_pointer (&heartbeat, jb_test_response_free);

  g_assert_true (D->begin (fixture->db, TRUE, &error));
  g_assert_no_error (error);
  position = jb_test_request (server, "POST", "/api/v1/device/position", device, NULL, body);
  g_assert_cmpuint (position->status, ==, 202);
  timing = soup_message_headers_get_one (position->headers, "Server-Timing");
  g_assert_nonnull (timing);
  g_assert_true (g_str_has_prefix (timing, "lock;dur=0.00, handle;dur="));
  heartbeat = jb_test_request (server, "POST", "/api/v1/device/heartbeat", device, NULL, "{\"battery\": 80}");
  g_assert_cmpuint (heartbeat->status, ==, 200);

  /* A command queues behind the lock until it is released. */
  thread = g_thread_new ("command", command_thread, &command);
  g_usleep (200 * 1000);
  g_assert_null (g_atomic_pointer_get (&command.response));
  D->rollback (fixture->db);
  g_thread_join (thread);
  g_assert_cmpuint (command.response->status, ==, 201);
  timing = soup_message_headers_get_one (command.response->headers, "Server-Timing");
  g_assert_nonnull (timing);
  g_assert_true (g_str_has_prefix (timing, "lock;dur="));
  g_assert_nonnull (strstr (timing, ", handle;dur="));
  jb_test_response_free (command.response);
  jb_test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/sql-pg/types", test_types);
  ADD ("/sql-pg/rows-and-changes", test_rows_and_changes);
  ADD ("/sql-pg/transactions", test_transactions);
  ADD ("/sql-pg/deferred", test_deferred);
  ADD ("/sql-pg/schema-version", test_schema_version);
  ADD ("/sql-pg/writer-lock", test_writer_lock);
  ADD ("/sql-pg/targets", test_targets);
  ADD ("/sql-pg/concurrent-migrations", test_concurrent_migrations);
  ADD ("/sql-pg/positions", test_positions);
  ADD ("/sql-pg/reports-without-lock", test_reports_without_lock);
#undef ADD
  g_test_add_func ("/sql-pg/reconnect", test_reconnect);
  g_test_add_func ("/sql-pg/server-needs-data-dir", test_server_needs_data_dir);
  g_test_add_func ("/sql-pg/server-reconnect", test_server_reconnect);

  return g_test_run ();
}
