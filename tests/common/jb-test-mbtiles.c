/* jb-test-mbtiles.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-test-mbtiles.h"

#include <sqlite3.h>

static void
exec_ok (sqlite3    *db,
         const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

void
jb_test_mbtiles_write (const char         *path,
                       const char * const *pairs,
                       const JbTestTile   *tiles,
                       guint               n_tiles)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  exec_ok (db,
           "CREATE TABLE metadata (name TEXT, value TEXT);"
           "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
           "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);"
           "BEGIN");

  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO metadata VALUES (?, ?)", -1, &stmt, NULL), ==, SQLITE_OK);
  for (guint i = 0; pairs != NULL && pairs[i] != NULL && pairs[i + 1] != NULL; i += 2)
    {
      sqlite3_bind_text (stmt, 1, pairs[i], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, pairs[i + 1], -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO tiles VALUES (?, ?, ?, ?)", -1, &stmt, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < n_tiles; i++)
    {
      sqlite3_bind_int (stmt, 1, (int) tiles[i].z);
      sqlite3_bind_int64 (stmt, 2, tiles[i].x);
      sqlite3_bind_int64 (stmt, 3, (((gint64) 1 << tiles[i].z) - 1) - tiles[i].y);
      sqlite3_bind_blob (stmt, 4, tiles[i].data, (int) tiles[i].len, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  exec_ok (db, "COMMIT");
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}
