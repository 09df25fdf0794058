/* bench-storage-positions.c — the position flood as JbStorage writes it
 * (peek the unit, upsert its position, append its unit.moved event, in
 * write transactions of a gateway's batch), against the same statements
 * through sqlite3 directly: what the storage layers cost per fix
 *
 * Prints positions/s for both and their ratio, and the CPU time per fix.
 *
 *   JB_BENCH_UNITS=N    units (default 20000)
 *   JB_BENCH_ROUNDS=N   fixes per unit (default 10)
 *   JB_BENCH_BATCH=N    fixes per transaction (default 500)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "jb-storage.h"

static guint n_units = 20000;
static guint n_rounds = 10;
static guint batch = 500;

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (double) usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         (double) usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static char *
unit_id (guint i)
{
  return g_strdup_printf ("bench-%05u", i);
}

static char *
org_id (guint i)
{
  return g_strdup_printf ("org-%02u", i % 40);
}

static void
event_text (GString    *out,
            const char *id,
            double      lat,
            double      lon,
            gint64      time)
{
  g_string_printf (out, "{\"id\":\"%s\",\"lat\":%.6f,\"lon\":%.6f,\"heading\":null,\"speed\":3.5,"
                   "\"accuracy\":5,\"time\":%" G_GINT64_FORMAT "}", id, lat, lon, time);
}

static void
check (gboolean ok,
       GError  *error)
{
  if (!ok)
    g_error ("%s", error != NULL ? error->message : "failed");
}

static void
fill_storage (JbStorage *storage)
{
  GError *error = NULL;

  check (jb_storage_begin_write (storage, &error), error);
  for (guint i = 0; i < n_units; i++)
    {
      g_autofree char *id = unit_id (i);
      g_autofree char *org = org_id (i);
      g_autoptr(JsonObject) unit = json_object_new ();

      json_object_set_string_member (unit, "id", id);
      json_object_set_string_member (unit, "kind", "volunteer");
      json_object_set_string_member (unit, "callsign", id);
      json_object_set_string_member (unit, "name", id);
      json_object_set_string_member (unit, "org_id", org);
      json_object_set_string_member (unit, "status", "available");
      json_object_set_int_member (unit, "updated_at", 1);
      check (jb_storage_insert_unit (storage, unit, &error), error);
    }
  check (jb_storage_commit (storage, &error), error);
}

/* Returns positions/s. */
static double
run_storage (const char *path,
             double     *out_cpu)
{
  g_autoptr(GError) error = NULL;
  JbStorage *storage = jb_storage_open (path, &error);
  g_autoptr(GString) text = g_string_new (NULL);
  g_auto(GStrv) ids = g_new0 (char *, n_units + 1);
  gint64 seq = 0;
  gint64 start;
  double cpu;
  guint done = 0;

  check (storage != NULL, error);
  fill_storage (storage);
  for (guint i = 0; i < n_units; i++)
    ids[i] = unit_id (i);

  cpu = cpu_seconds ();
  start = g_get_monotonic_time ();
  for (guint r = 0; r < n_rounds; r++)
    for (guint i = 0; i < n_units; i++)
      {
        const char *org = NULL;
        gint64 stored_time = 0;
        gint64 time = 1000 + r;
        JbStoragePosition p = { 28.2 + i * 1e-5, 112.9 + r * 1e-5, NAN, 3.5, 5, time };

        if (done % batch == 0)
          check (jb_storage_begin_write (storage, &error), error);
        check (jb_storage_peek_unit (storage, ids[i], &org, &stored_time), NULL);
        check (jb_storage_update_unit_position (storage, ids[i], org, &p, time, &error), error);
        event_text (text, ids[i], p.lat, p.lon, time);
        check (jb_storage_append_event (storage, ++seq, "unit.moved", time, text->str, text->len, &error),
               error);
        if (++done % batch == 0)
          check (jb_storage_commit (storage, &error), error);
      }
  if (jb_storage_in_transaction (storage))
    check (jb_storage_commit (storage, &error), error);
  *out_cpu = cpu_seconds () - cpu;
  start = g_get_monotonic_time () - start;
  jb_storage_free (storage);
  return done / (start / 1e6);
}

static sqlite3_stmt *
prepare (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  return stmt;
}

static void
step_done (sqlite3_stmt *stmt)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_error ("%s", sqlite3_errmsg (sqlite3_db_handle (stmt)));
  sqlite3_reset (stmt);
}

/* The stock alternative: the same schema (made by JbStorage) and the
 * same statements, through sqlite3 with no layer between. */
static double
run_sqlite (const char *path,
            double     *out_cpu)
{
  g_autoptr(GError) error = NULL;
  JbStorage *storage = jb_storage_open (path, &error);
  g_autoptr(GString) text = g_string_new (NULL);
  g_auto(GStrv) ids = g_new0 (char *, n_units + 1);
  sqlite3 *db = NULL;
  sqlite3_stmt *begin, *commit, *peek, *move, *append;
  gint64 seq = 0;
  gint64 start;
  double cpu;
  guint done = 0;

  check (storage != NULL, error);
  fill_storage (storage);
  jb_storage_free (storage);
  for (guint i = 0; i < n_units; i++)
    ids[i] = unit_id (i);

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
      sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
                        "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;", NULL, NULL, NULL) != SQLITE_OK)
    g_error ("%s", sqlite3_errmsg (db));
  sqlite3_busy_timeout (db, 5000);
  begin = prepare (db, "BEGIN IMMEDIATE");
  commit = prepare (db, "COMMIT");
  peek = prepare (db, "SELECT u.org_id, p.time FROM units u LEFT JOIN positions p"
                      " ON p.org_id = coalesce (u.org_id, '') AND p.unit_id = u.id WHERE u.id = ?1");
  move = prepare (db, "INSERT INTO positions (org_id, unit_id, lat, lon, heading, speed, accuracy, time, updated_at)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                      " ON CONFLICT (org_id, unit_id) DO UPDATE SET lat = excluded.lat, lon = excluded.lon,"
                      " heading = excluded.heading, speed = excluded.speed, accuracy = excluded.accuracy,"
                      " time = excluded.time, updated_at = excluded.updated_at");
  append = prepare (db, "INSERT INTO events (seq, type, time, data) VALUES (?1, ?2, ?3, ?4)");

  cpu = cpu_seconds ();
  start = g_get_monotonic_time ();
  for (guint r = 0; r < n_rounds; r++)
    for (guint i = 0; i < n_units; i++)
      {
        g_autofree char *org = NULL;
        gint64 time = 1000 + r;
        double lat = 28.2 + i * 1e-5, lon = 112.9 + r * 1e-5;

        if (done % batch == 0)
          step_done (begin);
        sqlite3_reset (peek);
        sqlite3_clear_bindings (peek);
        sqlite3_bind_text (peek, 1, ids[i], -1, SQLITE_STATIC);
        if (sqlite3_step (peek) != SQLITE_ROW)
          g_error ("no unit %s", ids[i]);
        org = g_strdup ((const char *) sqlite3_column_text (peek, 0));
        sqlite3_reset (peek);

        sqlite3_clear_bindings (move);
        sqlite3_bind_text (move, 1, org, -1, SQLITE_STATIC);
        sqlite3_bind_text (move, 2, ids[i], -1, SQLITE_STATIC);
        sqlite3_bind_double (move, 3, lat);
        sqlite3_bind_double (move, 4, lon);
        sqlite3_bind_null (move, 5);
        sqlite3_bind_double (move, 6, 3.5);
        sqlite3_bind_double (move, 7, 5);
        sqlite3_bind_int64 (move, 8, time);
        sqlite3_bind_int64 (move, 9, time);
        step_done (move);

        event_text (text, ids[i], lat, lon, time);
        sqlite3_clear_bindings (append);
        sqlite3_bind_int64 (append, 1, ++seq);
        sqlite3_bind_text (append, 2, "unit.moved", -1, SQLITE_STATIC);
        sqlite3_bind_int64 (append, 3, time);
        sqlite3_bind_text (append, 4, text->str, (int) text->len, SQLITE_STATIC);
        step_done (append);
        if (++done % batch == 0)
          step_done (commit);
      }
  if (!sqlite3_get_autocommit (db))
    step_done (commit);
  *out_cpu = cpu_seconds () - cpu;
  start = g_get_monotonic_time () - start;
  sqlite3_finalize (begin);
  sqlite3_finalize (commit);
  sqlite3_finalize (peek);
  sqlite3_finalize (move);
  sqlite3_finalize (append);
  sqlite3_close (db);
  return done / (start / 1e6);
}

static void
remove_files (const char *dir)
{
  static const char * const names[] = { "storage.db", "storage.db-wal", "storage.db-shm",
                                        "sqlite.db", "sqlite.db-wal", "sqlite.db-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      g_unlink (path);
    }
}

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *value = g_getenv (name);

  return value != NULL && atoi (value) > 0 ? (guint) atoi (value) : fallback;
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-storage-XXXXXX", &error);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  double storage_rate, sqlite_rate, storage_cpu, sqlite_cpu;
  guint total;

  g_assert_no_error (error);
  n_units = env_uint ("JB_BENCH_UNITS", n_units);
  n_rounds = env_uint ("JB_BENCH_ROUNDS", n_rounds);
  batch = env_uint ("JB_BENCH_BATCH", batch);
  total = n_units * n_rounds;
  a = g_build_filename (dir, "storage.db", NULL);
  b = g_build_filename (dir, "sqlite.db", NULL);

  /* Alternating runs, each on a fresh file, best of each: the machine
   * is shared, so the best run is the one least disturbed. */
  sqlite_rate = storage_rate = 0;
  sqlite_cpu = storage_cpu = G_MAXDOUBLE;
  for (guint pass = 0; pass < 2; pass++)
    {
      double rate, cpu;

      remove_files (dir);
      rate = run_sqlite (b, &cpu);
      sqlite_rate = MAX (sqlite_rate, rate);
      sqlite_cpu = MIN (sqlite_cpu, cpu);
      rate = run_storage (a, &cpu);
      storage_rate = MAX (storage_rate, rate);
      storage_cpu = MIN (storage_cpu, cpu);
    }

  printf ("%u units × %u fixes, %u fixes per transaction (peek + upsert + event append each)\n",
          n_units, n_rounds, batch);
  printf ("sqlite3 directly: %.0f positions/s, %.2f µs CPU per fix\n",
          sqlite_rate, sqlite_cpu * 1e6 / total);
  printf ("JbStorage:        %.0f positions/s, %.2f µs CPU per fix\n",
          storage_rate, storage_cpu * 1e6 / total);
  printf ("ratio JbStorage / sqlite3: %.3f (throughput), %.3f (CPU per fix)\n",
          storage_rate / sqlite_rate, storage_cpu / sqlite_cpu);

  remove_files (dir);
  g_rmdir (dir);
  return 0;
}
