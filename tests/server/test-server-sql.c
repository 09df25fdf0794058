/* test-server-sql.c — the jb-sql connection interface on SQLite: targets,
 * binds and columns of every type, rows, changes, transactions, the
 * schema version, the statement cache, and errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "jb-error.h"
#include "jb-sql.h"
#include "jb-storage.h"

typedef struct
{
  char  *dir;
  char  *path;
  JbSql *sql;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("test-sql-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "test.db", NULL);
  f->sql = jb_sql_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->sql);
  g_assert_true (jb_sql_exec (f->sql,
                              "CREATE TABLE t ("
                              "  id INTEGER PRIMARY KEY,"
                              "  i INTEGER, d REAL, s TEXT, b BLOB);",
                              &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  static const char * const suffixes[] = { "", "-wal", "-shm" };

  g_clear_pointer (&f->sql, jb_sql_close);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (f->path, suffixes[i], NULL);

      g_unlink (path);
    }
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->path);
  g_free (f->dir);
}

static gint64
count_rows (JbSql *sql)
{
  JbSqlStmt *stmt = jb_sql_prepare (sql, "SELECT count(*) FROM t");
  gint64 n;

  g_assert_cmpint (jb_sql_step (stmt, NULL), ==, JB_SQL_ROW);
  n = jb_sql_column_int64 (stmt, 0);
  g_assert_cmpint (jb_sql_step (stmt, NULL), ==, JB_SQL_DONE);
  jb_sql_reset (stmt);
  return n;
}

static void
test_targets (void)
{
  static const char * const postgresql[] = {
    "postgresql://jb@127.0.0.1:5433/jingbao",
    "postgres://localhost/jingbao",
    "postgresql://a:5432,b:5432/jingbao?target_session_attrs=read-write",
    "host=a,b port=5432 dbname=jingbao target_session_attrs=read-write",
    "dbname=jingbao",
    "  host = /run/postgresql",
  };
  static const char * const sqlite[] = {
    "jingbao.db",
    "/var/lib/jingbao/jingbao.db",
    "./data/x=1.db",
    "dir/host=a",
    ":memory:",
    "",
    "postgresql.db",
    "2024=archive.db",
  };

  for (guint i = 0; i < G_N_ELEMENTS (postgresql); i++)
    g_assert_true (jb_sql_target_is_postgresql (postgresql[i]));
  for (guint i = 0; i < G_N_ELEMENTS (sqlite); i++)
    g_assert_false (jb_sql_target_is_postgresql (sqlite[i]));
}

static void
test_postgresql_without_support (void)
{
#ifdef JB_HAVE_POSTGRESQL
  g_test_skip ("built with PostgreSQL support");
#else
  g_autoptr(GError) error = NULL;
  g_autoptr(JbSql) sql = jb_sql_open ("postgresql://127.0.0.1:1/jingbao", &error);
  g_autoptr(GError) storage_error = NULL;
  JbStorage *storage;

  g_assert_null (sql);
  g_assert_error (error, JB_ERROR, JB_ERROR_INTERNAL);
  g_assert_nonnull (strstr (error->message, "built without PostgreSQL support"));

  /* The storage above it says the same and creates no file. */
  storage = jb_storage_open ("host=a,b dbname=jingbao", &storage_error);
  g_assert_null (storage);
  g_assert_error (storage_error, JB_ERROR, JB_ERROR_INTERNAL);
  g_assert_nonnull (strstr (storage_error->message, "built without PostgreSQL support"));
  g_assert_false (g_file_test ("host=a,b dbname=jingbao", G_FILE_TEST_EXISTS));
#endif
}

static void
test_dialect (Fixture       *f,
              gconstpointer  data)
{
  g_assert_cmpint (jb_sql_get_dialect (f->sql), ==, JB_SQL_SQLITE);
  g_assert_nonnull (jb_sql_errmsg (f->sql));
}

static void
test_binds (Fixture       *f,
            gconstpointer  data)
{
  static const guint8 blob[] = { 0x00, 0x01, 0xff, 0x00, 'a', 0x00 };
  static const char *insert = "INSERT INTO t (id, i, d, s, b) VALUES (?1, ?2, ?3, ?4, ?5)";
  static const char *select = "SELECT i, d, s, b FROM t WHERE id = ?1";
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) read = NULL;
  JbSqlStmt *stmt;

  /* Row 1: a value of every type, a blob with NUL bytes. */
  stmt = jb_sql_prepare (f->sql, insert);
  jb_sql_bind_int64 (stmt, 1, 1);
  jb_sql_bind_int64 (stmt, 2, G_MININT64);
  jb_sql_bind_double (stmt, 3, -1234.5678125);
  jb_sql_bind_text (stmt, 4, "接警 \"quoted\" ' \\ 派警");
  jb_sql_bind_blob (stmt, 5, blob, sizeof blob);
  g_assert_true (jb_sql_run (stmt, "inserting", &error));
  g_assert_no_error (error);

  /* Row 2: NULL four ways: bind_null, a NULL text, a NAN double, a NULL blob. */
  stmt = jb_sql_prepare (f->sql, insert);
  jb_sql_bind_int64 (stmt, 1, 2);
  jb_sql_bind_null (stmt, 2);
  jb_sql_bind_double (stmt, 3, NAN);
  jb_sql_bind_text (stmt, 4, NULL);
  jb_sql_bind_blob (stmt, 5, NULL, 0);
  g_assert_true (jb_sql_run (stmt, "inserting", &error));
  g_assert_no_error (error);

  /* Row 3: the other extremes, an empty text and an empty blob. */
  stmt = jb_sql_prepare (f->sql, insert);
  jb_sql_bind_int64 (stmt, 1, 3);
  jb_sql_bind_int64 (stmt, 2, G_MAXINT64);
  jb_sql_bind_double (stmt, 3, 0.1);
  jb_sql_bind_text (stmt, 4, "");
  jb_sql_bind_blob (stmt, 5, blob, 0);
  g_assert_true (jb_sql_run (stmt, "inserting", &error));
  g_assert_no_error (error);

  stmt = jb_sql_prepare (f->sql, select);
  jb_sql_bind_int64 (stmt, 1, 1);
  g_assert_cmpint (jb_sql_step (stmt, &error), ==, JB_SQL_ROW);
  g_assert_no_error (error);
  for (int c = 0; c < 4; c++)
    g_assert_false (jb_sql_column_is_null (stmt, c));
  g_assert_cmpint (jb_sql_column_int64 (stmt, 0), ==, G_MININT64);
  g_assert_cmpfloat (jb_sql_column_double (stmt, 1), ==, -1234.5678125);
  g_assert_cmpstr (jb_sql_column_text (stmt, 2), ==, "接警 \"quoted\" ' \\ 派警");
  read = jb_sql_column_blob (stmt, 3);
  g_assert_nonnull (read);
  g_assert_cmpmem (g_bytes_get_data (read, NULL), g_bytes_get_size (read), blob, sizeof blob);
  g_clear_pointer (&read, g_bytes_unref);
  g_assert_cmpint (jb_sql_step (stmt, &error), ==, JB_SQL_DONE);

  stmt = jb_sql_prepare (f->sql, select);
  jb_sql_bind_int64 (stmt, 1, 2);
  g_assert_cmpint (jb_sql_step (stmt, &error), ==, JB_SQL_ROW);
  for (int c = 0; c < 4; c++)
    g_assert_true (jb_sql_column_is_null (stmt, c));
  g_assert_null (jb_sql_column_text (stmt, 2));
  g_assert_null (jb_sql_column_blob (stmt, 3));

  stmt = jb_sql_prepare (f->sql, select);
  jb_sql_bind_int64 (stmt, 1, 3);
  g_assert_cmpint (jb_sql_step (stmt, &error), ==, JB_SQL_ROW);
  g_assert_cmpint (jb_sql_column_int64 (stmt, 0), ==, G_MAXINT64);
  g_assert_cmpfloat (jb_sql_column_double (stmt, 1), ==, 0.1);
  g_assert_false (jb_sql_column_is_null (stmt, 2));
  g_assert_cmpstr (jb_sql_column_text (stmt, 2), ==, "");
  g_assert_false (jb_sql_column_is_null (stmt, 3));
  read = jb_sql_column_blob (stmt, 3);
  g_assert_nonnull (read);
  g_assert_cmpuint (g_bytes_get_size (read), ==, 0);
  jb_sql_reset (stmt);
  g_assert_no_error (error);
}

static void
test_rows_and_cache (Fixture       *f,
                     gconstpointer  data)
{
  static const char *insert = "INSERT INTO t (id, i) VALUES (?1, ?2)";
  static const char *select = "SELECT id, i FROM t WHERE id > ?1 ORDER BY id";
  g_autoptr(GError) error = NULL;
  JbSqlStmt *first, *stmt;
  gint64 expected = 50;

  g_assert_true (jb_sql_begin (f->sql, TRUE, &error));
  first = jb_sql_prepare (f->sql, insert);
  for (gint64 id = 1; id <= 100; id++)
    {
      stmt = jb_sql_prepare (f->sql, insert);
      /* One literal, one statement, prepared once. */
      g_assert_true (stmt == first);
      jb_sql_bind_int64 (stmt, 1, id);
      jb_sql_bind_int64 (stmt, 2, id * id);
      g_assert_true (jb_sql_run (stmt, "inserting", &error));
    }
  g_assert_true (jb_sql_commit (f->sql, &error));
  g_assert_no_error (error);

  stmt = jb_sql_prepare (f->sql, select);
  jb_sql_bind_int64 (stmt, 1, 49);
  for (JbSqlStep step; (step = jb_sql_step (stmt, &error)) != JB_SQL_DONE;)
    {
      g_assert_cmpint (step, ==, JB_SQL_ROW);
      g_assert_cmpint (jb_sql_column_int64 (stmt, 0), ==, expected);
      g_assert_cmpint (jb_sql_column_int64 (stmt, 1), ==, expected * expected);
      expected++;
    }
  g_assert_no_error (error);
  g_assert_cmpint (expected, ==, 101);

  /* Stopped half-way and prepared again: from the start, unbound (NULL
   * matches nothing). */
  stmt = jb_sql_prepare (f->sql, select);
  jb_sql_bind_int64 (stmt, 1, 0);
  g_assert_cmpint (jb_sql_step (stmt, NULL), ==, JB_SQL_ROW);
  g_assert_cmpint (jb_sql_column_int64 (stmt, 0), ==, 1);
  stmt = jb_sql_prepare (f->sql, select);
  g_assert_cmpint (jb_sql_step (stmt, NULL), ==, JB_SQL_DONE);
  jb_sql_reset (stmt);
  /* jb_sql_reset keeps the bindings: the same run again. */
  jb_sql_bind_int64 (stmt, 1, 98);
  g_assert_cmpint (jb_sql_step (stmt, NULL), ==, JB_SQL_ROW);
  jb_sql_reset (stmt);
  g_assert_cmpint (jb_sql_step (stmt, NULL), ==, JB_SQL_ROW);
  g_assert_cmpint (jb_sql_column_int64 (stmt, 0), ==, 99);
  jb_sql_reset (stmt);
}

static void
test_changes (Fixture       *f,
              gconstpointer  data)
{
  static const char *insert = "INSERT INTO t (id, i) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
  static const char *update = "UPDATE t SET i = i + 1 WHERE i < ?1";
  static const char *delete = "DELETE FROM t WHERE id > ?1";
  g_autoptr(GError) error = NULL;
  JbSqlStmt *stmt;

  for (gint64 id = 1; id <= 10; id++)
    {
      stmt = jb_sql_prepare (f->sql, insert);
      jb_sql_bind_int64 (stmt, 1, id);
      jb_sql_bind_int64 (stmt, 2, id);
      g_assert_true (jb_sql_run (stmt, "inserting", &error));
      g_assert_cmpint (jb_sql_changes (stmt), ==, 1);
    }
  /* A conflict that does nothing changes nothing. */
  stmt = jb_sql_prepare (f->sql, insert);
  jb_sql_bind_int64 (stmt, 1, 3);
  jb_sql_bind_int64 (stmt, 2, 0);
  g_assert_true (jb_sql_run (stmt, "inserting", &error));
  g_assert_cmpint (jb_sql_changes (stmt), ==, 0);

  stmt = jb_sql_prepare (f->sql, update);
  jb_sql_bind_int64 (stmt, 1, 5);
  g_assert_true (jb_sql_run (stmt, "updating", &error));
  g_assert_cmpint (jb_sql_changes (stmt), ==, 4);

  stmt = jb_sql_prepare (f->sql, delete);
  jb_sql_bind_int64 (stmt, 1, 7);
  g_assert_true (jb_sql_run (stmt, "deleting", &error));
  g_assert_cmpint (jb_sql_changes (stmt), ==, 3);
  /* Each statement keeps its own count. */
  g_assert_cmpint (jb_sql_changes (jb_sql_prepare (f->sql, update)), ==, 4);
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (f->sql), ==, 7);
}

static void
test_rollback (Fixture       *f,
               gconstpointer  data)
{
  static const char *insert = "INSERT INTO t (id, s) VALUES (?1, ?2)";
  g_autoptr(GError) error = NULL;
  JbSqlStmt *stmt;

  g_assert_false (jb_sql_in_transaction (f->sql));
  for (int i = 0; i < 2; i++)
    {
      gboolean write = i == 0;

      g_assert_true (jb_sql_begin (f->sql, write, &error));
      g_assert_no_error (error);
      g_assert_true (jb_sql_in_transaction (f->sql));
      for (gint64 id = 1; id <= 5; id++)
        {
          stmt = jb_sql_prepare (f->sql, insert);
          jb_sql_bind_int64 (stmt, 1, id);
          jb_sql_bind_text (stmt, 2, "gone");
          g_assert_true (jb_sql_run (stmt, "inserting", &error));
        }
      g_assert_cmpint (count_rows (f->sql), ==, 5);
      jb_sql_rollback (f->sql);
      g_assert_false (jb_sql_in_transaction (f->sql));
      g_assert_cmpint (count_rows (f->sql), ==, 0);
    }
  /* Outside a transaction a rollback does nothing. */
  jb_sql_rollback (f->sql);

  /* A committed row is there after reopening; a rolled-back one is not. */
  g_assert_true (jb_sql_begin (f->sql, TRUE, &error));
  stmt = jb_sql_prepare (f->sql, insert);
  jb_sql_bind_int64 (stmt, 1, 42);
  jb_sql_bind_text (stmt, 2, "kept");
  g_assert_true (jb_sql_run (stmt, "inserting", &error));
  g_assert_true (jb_sql_commit (f->sql, &error));
  g_assert_true (jb_sql_begin (f->sql, TRUE, &error));
  stmt = jb_sql_prepare (f->sql, insert);
  jb_sql_bind_int64 (stmt, 1, 43);
  jb_sql_bind_text (stmt, 2, "gone");
  g_assert_true (jb_sql_run (stmt, "inserting", &error));
  jb_sql_rollback (f->sql);
  g_assert_no_error (error);

  g_clear_pointer (&f->sql, jb_sql_close);
  f->sql = jb_sql_open (f->path, &error);
  g_assert_no_error (error);
  stmt = jb_sql_prepare (f->sql, "SELECT id, s FROM t");
  g_assert_cmpint (jb_sql_step (stmt, NULL), ==, JB_SQL_ROW);
  g_assert_cmpint (jb_sql_column_int64 (stmt, 0), ==, 42);
  g_assert_cmpstr (jb_sql_column_text (stmt, 1), ==, "kept");
  g_assert_cmpint (jb_sql_step (stmt, NULL), ==, JB_SQL_DONE);
  jb_sql_reset (stmt);
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  static const char *insert = "INSERT INTO t (id) VALUES (?1)";
  g_autoptr(GError) error = NULL;
  JbSqlStmt *stmt;

  stmt = jb_sql_prepare (f->sql, insert);
  jb_sql_bind_int64 (stmt, 1, 7);
  g_assert_true (jb_sql_run (stmt, "inserting", &error));
  g_assert_no_error (error);

  /* A constraint: a clear error that names what was done; the statement
   * runs again after it. */
  stmt = jb_sql_prepare (f->sql, insert);
  jb_sql_bind_int64 (stmt, 1, 7);
  g_assert_false (jb_sql_run (stmt, "inserting a row", &error));
  g_assert_error (error, JB_ERROR, JB_ERROR_INTERNAL);
  g_assert_nonnull (strstr (error->message, "inserting a row"));
  g_assert_nonnull (strstr (error->message, "UNIQUE"));
  g_clear_error (&error);
  stmt = jb_sql_prepare (f->sql, insert);
  jb_sql_bind_int64 (stmt, 1, 8);
  g_assert_true (jb_sql_run (stmt, "inserting", &error));
  g_assert_no_error (error);

  /* jb_sql_step reports the same failure as JB_SQL_ERROR. */
  stmt = jb_sql_prepare (f->sql, insert);
  jb_sql_bind_int64 (stmt, 1, 8);
  g_assert_cmpint (jb_sql_step (stmt, &error), ==, JB_SQL_ERROR);
  g_assert_error (error, JB_ERROR, JB_ERROR_INTERNAL);
  g_clear_error (&error);
  jb_sql_reset (stmt);

  /* jb_sql_run is for statements without rows. */
  g_assert_false (jb_sql_run (jb_sql_prepare (f->sql, "SELECT id FROM t"), "reading", &error));
  g_assert_error (error, JB_ERROR, JB_ERROR_INTERNAL);
  g_clear_error (&error);

  /* A script that does not parse: an error, no transaction left open. */
  g_assert_false (jb_sql_exec (f->sql, "NOT SQL;", &error));
  g_assert_error (error, JB_ERROR, JB_ERROR_INTERNAL);
  g_assert_false (jb_sql_in_transaction (f->sql));
  g_assert_cmpint (count_rows (f->sql), ==, 2);
}

static void
test_schema_version (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (jb_sql_get_schema_version (f->sql), ==, 0);
  g_assert_true (jb_sql_begin (f->sql, TRUE, &error));
  g_assert_true (jb_sql_set_schema_version (f->sql, 5, &error));
  g_assert_cmpint (jb_sql_get_schema_version (f->sql), ==, 5);
  jb_sql_rollback (f->sql);
  /* Transactional, like the migrations that set it. */
  g_assert_cmpint (jb_sql_get_schema_version (f->sql), ==, 0);
  g_assert_true (jb_sql_set_schema_version (f->sql, 3, &error));
  g_assert_no_error (error);

  g_clear_pointer (&f->sql, jb_sql_close);
  f->sql = jb_sql_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (jb_sql_get_schema_version (f->sql), ==, 3);
}

/* JbStorage migrates a new file to its last version, and refuses a file
 * from a newer server. */
static void
test_storage_migrations (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  JbStorage *storage;
  int version;

  g_clear_pointer (&f->sql, jb_sql_close);
  g_unlink (f->path);
  storage = jb_storage_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (jb_storage_is_empty (storage));
  jb_storage_free (storage);

  f->sql = jb_sql_open (f->path, &error);
  g_assert_no_error (error);
  version = jb_sql_get_schema_version (f->sql);
  g_assert_cmpint (version, >=, 7);
  /* The final schema: every table the storage writes. */
  g_assert_true (jb_sql_exec (f->sql,
                              "SELECT callout_id FROM callout_recipients;"
                              "SELECT cleared FROM alerts;"
                              "SELECT frame_ms FROM clip_audit;"
                              "SELECT station_id FROM user_stations;"
                              "SELECT lat FROM positions;",
                              &error));
  g_assert_no_error (error);
  g_assert_true (jb_sql_set_schema_version (f->sql, version + 1, &error));
  g_clear_pointer (&f->sql, jb_sql_close);

  storage = jb_storage_open (f->path, &error);
  g_assert_null (storage);
  g_assert_error (error, JB_ERROR, JB_ERROR_INTERNAL);
  g_assert_nonnull (strstr (error->message, "schema version"));
  g_clear_error (&error);

  f->sql = jb_sql_open (f->path, &error);
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sql/targets", test_targets);
  g_test_add_func ("/sql/postgresql-without-support", test_postgresql_without_support);
#define ADD(path, func) \
  g_test_add ("/sql/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("dialect", test_dialect);
  ADD ("binds", test_binds);
  ADD ("rows-and-cache", test_rows_and_cache);
  ADD ("changes", test_changes);
  ADD ("rollback", test_rollback);
  ADD ("errors", test_errors);
  ADD ("schema-version", test_schema_version);
  ADD ("storage-migrations", test_storage_migrations);
#undef ADD
  return g_test_run ();
}
