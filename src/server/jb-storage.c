/* jb-storage.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-storage"

#include "jb-storage.h"

#include <math.h>
#include <string.h>

#include "jb-error.h"
#include "jb-json.h"
#include "jb-json-text.h"
#include "jb-sql.h"

struct _JbStorage
{
  JbSql      *sql;
  GError     *read_error;   /* a read that failed, for jb_storage_take_read_error */
  char       *peek_org_id;  /* owned copy for jb_storage_peek_unit */
  char       *writer;       /* stamped on the positions this process writes */
  gboolean    positions_locked;  /* the transaction holds the positions lock */
};

/* PostgreSQL: the lock position writers take instead of the writer lock
 * ("jingbao" + 2 in ASCII; the writer lock is + 1). Whoever takes both
 * takes the writer lock first. */
#define EVENT_BOUNDS_SQL "SELECT coalesce(min(seq), 0), coalesce(max(seq), 0) FROM events"

#define POSITIONS_LOCK_SQL "SELECT pg_advisory_xact_lock(7667781230886219522)"

/* PostgreSQL stamps positions with the start of the statement that writes
 * them, on the database's one clock, taken with the positions lock held:
 * the stamps grow in commit order on every server, so a reader of other
 * servers' fixes can go by the newest stamp it saw. */
#define PG_NOW_MS "(extract (epoch FROM statement_timestamp ()) * 1000)::int8"

#define UPSERT_POSITION                                                                         \
  " ON CONFLICT (org_id, unit_id) DO UPDATE SET lat = excluded.lat, lon = excluded.lon,"        \
  " heading = excluded.heading, speed = excluded.speed, accuracy = excluded.accuracy,"          \
  " time = excluded.time, updated_at = excluded.updated_at, writer = excluded.writer"           \
  /* another server may have written a newer fix meanwhile */                                   \
  " WHERE excluded.time >= positions.time"

/* Each step runs once, in order, inside one transaction; the schema
 * version (SQLite's user_version) records how many have run. Append new
 * steps, never edit old ones, and append the same step to
 * postgresql_migrations below. */
static const char * const sqlite_migrations[] = {
  /* 1: the first schema */
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL);"
  "CREATE TABLE stations ("
  "  id TEXT PRIMARY KEY,"
  "  data TEXT NOT NULL);"
  "CREATE TABLE units ("
  "  id TEXT PRIMARY KEY,"
  "  kind TEXT NOT NULL,"
  "  callsign TEXT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  org_id TEXT,"
  "  org_name TEXT,"
  "  station_id TEXT REFERENCES stations (id),"
  "  status TEXT NOT NULL,"
  "  terminal_id TEXT,"
  "  incident_id TEXT,"
  "  phone TEXT,"
  "  lat REAL, lon REAL, heading REAL, speed REAL, accuracy REAL,"
  "  pos_time INTEGER,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE INDEX units_station ON units (station_id);"
  "CREATE TABLE terminals ("
  "  id TEXT PRIMARY KEY,"
  "  kind TEXT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  venue TEXT,"
  "  station_id TEXT REFERENCES stations (id),"
  "  unit_id TEXT,"
  "  org_id TEXT,"
  "  lat REAL, lon REAL,"
  "  online INTEGER NOT NULL,"
  "  last_seen_at INTEGER,"
  "  heartbeat_interval_s INTEGER NOT NULL,"
  "  gateway INTEGER NOT NULL DEFAULT 0,"
  "  secret_hash BLOB NOT NULL);"
  "CREATE TABLE incidents ("
  "  id TEXT PRIMARY KEY,"
  "  number TEXT NOT NULL UNIQUE,"
  "  status TEXT NOT NULL,"
  "  station_id TEXT REFERENCES stations (id),"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  search TEXT NOT NULL,"
  "  data TEXT NOT NULL);"
  "CREATE INDEX incidents_status ON incidents (status);"
  "CREATE INDEX incidents_created ON incidents (created_at);"
  "CREATE INDEX incidents_station ON incidents (station_id);"
  "CREATE TABLE users ("
  "  username TEXT PRIMARY KEY,"
  "  password_hash TEXT NOT NULL,"
  "  display_name TEXT NOT NULL,"
  "  role TEXT NOT NULL,"
  "  station_id TEXT REFERENCES stations (id));"
  "CREATE TABLE sessions ("
  "  token_hash BLOB PRIMARY KEY,"
  "  username TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL);"
  "CREATE INDEX sessions_expires ON sessions (expires_at);"
  "CREATE TABLE events ("
  "  seq INTEGER PRIMARY KEY,"
  "  type TEXT NOT NULL,"
  "  time INTEGER NOT NULL,"
  "  data TEXT NOT NULL);"
  "CREATE TABLE idempotency ("
  "  principal TEXT NOT NULL,"
  "  key TEXT NOT NULL,"
  "  method TEXT NOT NULL,"
  "  path TEXT NOT NULL,"
  "  body_hash BLOB NOT NULL,"
  "  status INTEGER NOT NULL,"
  "  response TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (principal, key));"
  "CREATE INDEX idempotency_created ON idempotency (created_at);",

  /* 2: positions move out of units into a table clustered by
   * organisation, so a gateway's batch rewrites a few adjacent pages
   * instead of nearly every page of units. */
  "CREATE TABLE positions ("
  "  org_id TEXT NOT NULL,"
  "  unit_id TEXT NOT NULL REFERENCES units (id),"
  "  lat REAL NOT NULL, lon REAL NOT NULL, heading REAL, speed REAL, accuracy REAL,"
  "  time INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  PRIMARY KEY (org_id, unit_id)) WITHOUT ROWID;"
  "INSERT INTO positions"
  "  SELECT coalesce (org_id, ''), id, lat, lon, heading, speed, accuracy, coalesce (pos_time, 0), updated_at"
  "  FROM units WHERE lat IS NOT NULL AND lon IS NOT NULL;"
  "ALTER TABLE units DROP COLUMN lat;"
  "ALTER TABLE units DROP COLUMN lon;"
  "ALTER TABLE units DROP COLUMN heading;"
  "ALTER TABLE units DROP COLUMN speed;"
  "ALTER TABLE units DROP COLUMN accuracy;"
  "ALTER TABLE units DROP COLUMN pos_time;",

  /* 3: grids (网格), like stations: the protocol object as JSON. */
  "CREATE TABLE grids ("
  "  id TEXT PRIMARY KEY,"
  "  station_id TEXT NOT NULL,"
  "  data TEXT NOT NULL);",

  /* 4: clips (the Clip object whole in data, beside the columns the
   * upload and the sweeps look at) and their audit rows, which outlive
   * the clips: no foreign key, nothing cascades. */
  "CREATE TABLE clips ("
  "  id TEXT PRIMARY KEY,"
  "  incident_id TEXT NOT NULL,"
  "  terminal_id TEXT NOT NULL,"
  "  state TEXT NOT NULL,"
  "  received INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  keep_until INTEGER,"
  "  data TEXT NOT NULL);"
  "CREATE INDEX clips_incident ON clips (incident_id);"
  "CREATE INDEX clips_sweep ON clips (state, updated_at);"
  "CREATE INDEX clips_keep ON clips (keep_until);"
  "CREATE TABLE clip_audit ("
  "  id INTEGER PRIMARY KEY,"
  "  clip_id TEXT NOT NULL,"
  "  incident_id TEXT NOT NULL,"
  "  time INTEGER NOT NULL,"
  "  username TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  reason TEXT,"
  "  frame_ms INTEGER);"
  "CREATE INDEX clip_audit_clip ON clip_audit (clip_id, id);"
  "UPDATE incidents SET data = json_insert (data, '$.clips', json ('[]'));",

  /* 5: a user's scope is a set of stations (a 中心派出所's duty room
   * commands several); users.station_id stays the first of them */
  "CREATE TABLE user_stations ("
  "  username TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,"
  "  station_id TEXT NOT NULL REFERENCES stations (id),"
  "  PRIMARY KEY (username, station_id)) WITHOUT ROWID;"
  "INSERT INTO user_stations (username, station_id)"
  "  SELECT username, station_id FROM users WHERE station_id IS NOT NULL;",

  /* 6: patrol alerts (巡逻告警): the protocol Alert object as JSON; the
   * uncleared ones are read at every start and in every snapshot. */
  "CREATE TABLE alerts ("
  "  id TEXT PRIMARY KEY,"
  "  cleared INTEGER NOT NULL,"
  "  data TEXT NOT NULL);"
  "CREATE INDEX alerts_uncleared ON alerts (cleared) WHERE cleared = 0;",

  /* 7: who a call-out (一呼百应) called: the incident holds the call-out;
   * this finds a terminal's pending ones without reading every incident. */
  "CREATE TABLE callout_recipients ("
  "  callout_id TEXT NOT NULL,"
  "  unit_id TEXT NOT NULL,"
  "  incident_id TEXT NOT NULL,"
  "  pending INTEGER NOT NULL,"
  "  PRIMARY KEY (callout_id, unit_id)) WITHOUT ROWID;"
  "CREATE INDEX callout_recipients_unit ON callout_recipients (unit_id) WHERE pending = 1;",

  /* 8: servers on one database read each other's fixes by the time they
   * were written, skipping their own by the writer's id */
  ("ALTER TABLE positions ADD COLUMN writer TEXT NOT NULL DEFAULT '';"
   "CREATE INDEX positions_updated ON positions (updated_at);"),

  /* 9: on PostgreSQL, fixes are updated in place; SQLite keeps its index
   * (its rows are updated in place anyway) */
  "SELECT 1;",
};

/* The same versions for PostgreSQL, ending in the same schema: times and
 * counts BIGINT, coordinates DOUBLE PRECISION, hashes BYTEA, flags kept
 * INTEGER so that the queries read the same. No PostgreSQL database
 * predates version 7, so each step creates its tables in their final
 * shape and none converts data. */
static const char * const postgresql_migrations[] = {
  /* 1: the first schema, units without their position columns */
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL);"
  "CREATE TABLE stations ("
  "  id TEXT PRIMARY KEY,"
  "  data TEXT NOT NULL);"
  "CREATE TABLE units ("
  "  id TEXT PRIMARY KEY,"
  "  kind TEXT NOT NULL,"
  "  callsign TEXT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  org_id TEXT,"
  "  org_name TEXT,"
  "  station_id TEXT REFERENCES stations (id),"
  "  status TEXT NOT NULL,"
  "  terminal_id TEXT,"
  "  incident_id TEXT,"
  "  phone TEXT,"
  "  updated_at BIGINT NOT NULL);"
  "CREATE INDEX units_station ON units (station_id);"
  "CREATE TABLE terminals ("
  "  id TEXT PRIMARY KEY,"
  "  kind TEXT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  venue TEXT,"
  "  station_id TEXT REFERENCES stations (id),"
  "  unit_id TEXT,"
  "  org_id TEXT,"
  "  lat DOUBLE PRECISION, lon DOUBLE PRECISION,"
  "  online INTEGER NOT NULL,"
  "  last_seen_at BIGINT,"
  "  heartbeat_interval_s BIGINT NOT NULL,"
  "  gateway INTEGER NOT NULL DEFAULT 0,"
  "  secret_hash BYTEA NOT NULL);"
  "CREATE TABLE incidents ("
  "  id TEXT PRIMARY KEY,"
  "  number TEXT NOT NULL UNIQUE,"
  "  status TEXT NOT NULL,"
  "  station_id TEXT REFERENCES stations (id),"
  "  created_at BIGINT NOT NULL,"
  "  updated_at BIGINT NOT NULL,"
  "  search TEXT NOT NULL,"
  "  data TEXT NOT NULL);"
  "CREATE INDEX incidents_status ON incidents (status);"
  "CREATE INDEX incidents_created ON incidents (created_at);"
  "CREATE INDEX incidents_station ON incidents (station_id);"
  "CREATE TABLE users ("
  "  username TEXT PRIMARY KEY,"
  "  password_hash TEXT NOT NULL,"
  "  display_name TEXT NOT NULL,"
  "  role TEXT NOT NULL,"
  "  station_id TEXT REFERENCES stations (id));"
  "CREATE TABLE sessions ("
  "  token_hash BYTEA PRIMARY KEY,"
  "  username TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,"
  "  created_at BIGINT NOT NULL,"
  "  expires_at BIGINT NOT NULL);"
  "CREATE INDEX sessions_expires ON sessions (expires_at);"
  "CREATE TABLE events ("
  "  seq BIGINT PRIMARY KEY,"
  "  type TEXT NOT NULL,"
  "  time BIGINT NOT NULL,"
  "  data TEXT NOT NULL);"
  "CREATE TABLE idempotency ("
  "  principal TEXT NOT NULL,"
  "  key TEXT NOT NULL,"
  "  method TEXT NOT NULL,"
  "  path TEXT NOT NULL,"
  "  body_hash BYTEA NOT NULL,"
  "  status INTEGER NOT NULL,"
  "  response TEXT NOT NULL,"
  "  created_at BIGINT NOT NULL,"
  "  PRIMARY KEY (principal, key));"
  "CREATE INDEX idempotency_created ON idempotency (created_at);",

  /* 2: positions, one row per unit, keyed by organisation first */
  "CREATE TABLE positions ("
  "  org_id TEXT NOT NULL,"
  "  unit_id TEXT NOT NULL REFERENCES units (id),"
  "  lat DOUBLE PRECISION NOT NULL, lon DOUBLE PRECISION NOT NULL,"
  "  heading DOUBLE PRECISION, speed DOUBLE PRECISION, accuracy DOUBLE PRECISION,"
  "  time BIGINT NOT NULL,"
  "  updated_at BIGINT NOT NULL,"
  "  PRIMARY KEY (org_id, unit_id));",

  /* 3: grids */
  "CREATE TABLE grids ("
  "  id TEXT PRIMARY KEY,"
  "  station_id TEXT NOT NULL,"
  "  data TEXT NOT NULL);",

  /* 4: clips and their audit rows */
  "CREATE TABLE clips ("
  "  id TEXT PRIMARY KEY,"
  "  incident_id TEXT NOT NULL,"
  "  terminal_id TEXT NOT NULL,"
  "  state TEXT NOT NULL,"
  "  received BIGINT NOT NULL,"
  "  updated_at BIGINT NOT NULL,"
  "  keep_until BIGINT,"
  "  data TEXT NOT NULL);"
  "CREATE INDEX clips_incident ON clips (incident_id);"
  "CREATE INDEX clips_sweep ON clips (state, updated_at);"
  "CREATE INDEX clips_keep ON clips (keep_until);"
  "CREATE TABLE clip_audit ("
  "  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
  "  clip_id TEXT NOT NULL,"
  "  incident_id TEXT NOT NULL,"
  "  time BIGINT NOT NULL,"
  "  username TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  reason TEXT,"
  "  frame_ms BIGINT);"
  "CREATE INDEX clip_audit_clip ON clip_audit (clip_id, id);",

  /* 5: a user's stations */
  "CREATE TABLE user_stations ("
  "  username TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,"
  "  station_id TEXT NOT NULL REFERENCES stations (id),"
  "  PRIMARY KEY (username, station_id));",

  /* 6: patrol alerts */
  "CREATE TABLE alerts ("
  "  id TEXT PRIMARY KEY,"
  "  cleared INTEGER NOT NULL,"
  "  data TEXT NOT NULL);"
  "CREATE INDEX alerts_uncleared ON alerts (cleared) WHERE cleared = 0;",

  /* 7: call-out recipients */
  "CREATE TABLE callout_recipients ("
  "  callout_id TEXT NOT NULL,"
  "  unit_id TEXT NOT NULL,"
  "  incident_id TEXT NOT NULL,"
  "  pending INTEGER NOT NULL,"
  "  PRIMARY KEY (callout_id, unit_id));"
  "CREATE INDEX callout_recipients_unit ON callout_recipients (unit_id) WHERE pending = 1;",

  /* 8: the positions other servers wrote */
  ("ALTER TABLE positions ADD COLUMN writer TEXT NOT NULL DEFAULT '';"
   "CREATE INDEX positions_updated ON positions (updated_at);"),

  /* 9: a fix is updated in place (a HOT update: no index entry, nothing
   * for VACUUM to clean from indexes), which needs no index on a column
   * every fix changes and room on the row's page. The other servers'
   * read of fresh fixes scans the table instead: one row per unit, twice
   * a second. Pages written before keep their fill until rewritten
   * (docs/storage.md). */
  ("DROP INDEX positions_updated;"
   "ALTER TABLE positions SET (fillfactor = 50);"),
};

G_STATIC_ASSERT (G_N_ELEMENTS (postgresql_migrations) == G_N_ELEMENTS (sqlite_migrations));

static gboolean
fail (JbStorage   *self,
      GError     **error,
      const char  *what)
{
  g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL,
               "Database error while %s: %s", what, jb_sql_errmsg (self->sql));
  return FALSE;
}

/* Steps a read whose caller has no GError: a failure is kept for
 * jb_storage_take_read_error, so that "nothing found" is not mistaken
 * for what a lost database connection returns. */
static JbSqlStep
step (JbStorage *self,
      JbSqlStmt *stmt)
{
  g_autoptr(GError) local_error = NULL;
  JbSqlStep rc = jb_sql_step (stmt, &local_error);

  if (rc == JB_SQL_ERROR)
    {
      g_clear_error (&self->read_error);
      self->read_error = g_steal_pointer (&local_error);
    }
  return rc;
}

gboolean
jb_storage_take_read_error (JbStorage  *self,
                            GError    **error)
{
  g_autoptr(GError) read_error = g_steal_pointer (&self->read_error);

  if (read_error == NULL)
    return FALSE;
  if (error == NULL)
    return TRUE;
  g_warning ("%s", read_error->message);
  if (g_error_matches (read_error, JB_ERROR, JB_ERROR_UNAVAILABLE))
    g_set_error_literal (error, JB_ERROR, JB_ERROR_UNAVAILABLE,
                         "The database is unavailable: try again shortly.");
  else
    g_set_error_literal (error, JB_ERROR, JB_ERROR_INTERNAL, "The request failed.");
  return TRUE;
}

/* The cached statement for the literal @sql, reset and with no bindings. */
static inline JbSqlStmt *
prepare (JbStorage  *self,
         const char *sql)
{
  return jb_sql_prepare (self->sql, sql);
}

static void
set_string_or_null (JsonObject   *object,
                    const char   *member,
                    JbSqlStmt    *stmt,
                    int           index)
{
  if (jb_sql_column_is_null (stmt, index))
    json_object_set_null_member (object, member);
  else
    json_object_set_string_member (object, member, jb_sql_column_text (stmt, index));
}

static void
set_double_or_null (JsonObject   *object,
                    const char   *member,
                    JbSqlStmt    *stmt,
                    int           index)
{
  if (jb_sql_column_is_null (stmt, index))
    json_object_set_null_member (object, member);
  else
    json_object_set_double_member (object, member, jb_sql_column_double (stmt, index));
}

static void
set_int_or_null (JsonObject   *object,
                 const char   *member,
                 JbSqlStmt    *stmt,
                 int           index)
{
  if (jb_sql_column_is_null (stmt, index))
    json_object_set_null_member (object, member);
  else
    json_object_set_int_member (object, member, jb_sql_column_int64 (stmt, index));
}

/* Parses a stored JSON object text; stored texts were written by us. */
static JsonObject *
parse_stored_object (const char *text)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  if (text == NULL)
    return NULL;
  node = jb_json_parse_object (text, -1, &error);
  if (node == NULL)
    {
      g_warning ("A stored object does not parse: %s", error->message);
      return NULL;
    }
  return json_object_ref (json_node_get_object (node));
}

static char *
object_to_text (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return jb_json_to_string (node, NULL);
}

/* Member readers for objects JbDispatch already validated. */
static const char *
member_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static double
member_double (JsonObject *object,
               const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NAN;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  return NAN;
}

static gint64
member_int (JsonObject *object,
            const char *member,
            gint64      fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

static JsonObject *
member_object (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

/* Opening and migrating */

static gboolean
migrate (JbStorage  *self,
         GError    **error)
{
  gboolean postgresql = jb_sql_get_dialect (self->sql) == JB_SQL_POSTGRESQL;
  const char * const *steps = postgresql ? postgresql_migrations : sqlite_migrations;
  int version = jb_sql_get_schema_version (self->sql);
  int target = (int) G_N_ELEMENTS (sqlite_migrations);

  if (version < 0)
    return fail (self, error, "reading the schema version");
  if (version > target)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL,
                   "The database has schema version %d; this server knows up to %d.",
                   version, target);
      return FALSE;
    }
  if (version == target)
    return TRUE;

  if (!jb_sql_begin (self->sql, TRUE, error))
    return FALSE;
  /* Read again under the writer lock: another server starting on the
   * same PostgreSQL database may have migrated while this one waited. */
  version = jb_sql_get_schema_version (self->sql);
  if (version < 0 || version > target)
    {
      jb_sql_rollback (self->sql);
      if (version < 0)
        return fail (self, error, "reading the schema version");
      g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL,
                   "The database has schema version %d; this server knows up to %d.",
                   version, target);
      return FALSE;
    }
  for (int i = version; i < target; i++)
    {
      g_debug ("Migrating the database to version %d", i + 1);
      if (!jb_sql_exec (self->sql, steps[i], error) ||
          !jb_sql_set_schema_version (self->sql, i + 1, error))
        {
          jb_sql_rollback (self->sql);
          return FALSE;
        }
    }
  return jb_sql_commit (self->sql, error);
}

JbStorage *
jb_storage_open (const char  *target,
                 GError     **error)
{
  g_autoptr(JbStorage) self = g_new0 (JbStorage, 1);

  self->sql = jb_sql_open (target, error);
  if (self->sql == NULL || !migrate (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

JbStorage *
jb_storage_open_sibling (JbStorage   *self,
                         const char  *target,
                         GError     **error)
{
  g_autoptr(JbStorage) sibling = NULL;

  if (jb_sql_get_dialect (self->sql) != JB_SQL_POSTGRESQL)
    return NULL;
  sibling = g_new0 (JbStorage, 1);
  sibling->sql = jb_sql_open (target, error);
  if (sibling->sql == NULL)
    return NULL;
  sibling->writer = g_strdup (self->writer);
  return g_steal_pointer (&sibling);
}

void
jb_storage_free (JbStorage *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->sql, jb_sql_close);
  g_clear_error (&self->read_error);
  g_free (self->peek_org_id);
  g_free (self->writer);
  g_free (self);
}

/* Transactions */

gboolean
jb_storage_begin_write (JbStorage  *self,
                        GError    **error)
{
  self->positions_locked = FALSE;
  return jb_sql_begin (self->sql, TRUE, error);
}

gboolean
jb_storage_begin_write_bounds (JbStorage  *self,
                               gint64     *out_oldest,
                               gint64     *out_latest,
                               GError    **error)
{
  gint64 bounds[2];

  self->positions_locked = FALSE;
  if (!jb_sql_begin_write_select (self->sql, EVENT_BOUNDS_SQL, bounds, 2, error))
    return FALSE;
  *out_oldest = bounds[0];
  *out_latest = bounds[1];
  return TRUE;
}

gboolean
jb_storage_begin_read (JbStorage  *self,
                       GError    **error)
{
  self->positions_locked = FALSE;
  return jb_sql_begin (self->sql, FALSE, error);
}

gboolean
jb_storage_commit (JbStorage  *self,
                   GError    **error)
{
  self->positions_locked = FALSE;
  return jb_sql_commit (self->sql, error);
}

void
jb_storage_rollback (JbStorage *self)
{
  self->positions_locked = FALSE;
  jb_sql_rollback (self->sql);
}

gboolean
jb_storage_in_transaction (JbStorage *self)
{
  return jb_sql_in_transaction (self->sql);
}

/* meta */

char *
jb_storage_get_meta (JbStorage  *self,
                     const char *key)
{
  JbSqlStmt *stmt = prepare (self, "SELECT value FROM meta WHERE key = ?1");
  char *value = NULL;

  jb_sql_bind_text (stmt, 1, key);
  if (step (self, stmt) == JB_SQL_ROW)
    value = g_strdup (jb_sql_column_text (stmt, 0));
  jb_sql_reset (stmt);
  return value;
}

gboolean
jb_storage_set_meta (JbStorage   *self,
                     const char  *key,
                     const char  *value,
                     GError     **error)
{
  JbSqlStmt *stmt = prepare (self, "INSERT INTO meta (key, value) VALUES (?1, ?2)"
                                   " ON CONFLICT (key) DO UPDATE SET value = excluded.value");

  jb_sql_bind_text (stmt, 1, key);
  jb_sql_bind_text (stmt, 2, value);
  return jb_sql_run (stmt, "writing a setting", error);
}

gint64
jb_storage_next_counter (JbStorage   *self,
                         const char  *key,
                         GError     **error)
{
  /* One statement, so one round trip under the writer lock. */
  JbSqlStmt *stmt = prepare (self,
                             "INSERT INTO meta (key, value) VALUES (?1, '1') ON CONFLICT (key) DO UPDATE"
                             " SET value = CAST(CAST(meta.value AS BIGINT) + 1 AS TEXT) RETURNING value");
  gint64 next = 0;

  jb_sql_bind_text (stmt, 1, key);
  if (jb_sql_step (stmt, error) == JB_SQL_ROW)
    next = g_ascii_strtoll (jb_sql_column_text (stmt, 0), NULL, 10);
  else if (error != NULL && *error == NULL)
    g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL, "The counter \"%s\" was not counted.", key);
  jb_sql_reset (stmt);
  return next;
}

gboolean
jb_storage_next_counter_pair (JbStorage   *self,
                              const char  *key1,
                              const char  *key2,
                              gint64      *out1,
                              gint64      *out2,
                              GError     **error)
{
  JbSqlStmt *stmt = prepare (self,
                             "INSERT INTO meta (key, value) VALUES (?1, '1'), (?2, '1') ON CONFLICT (key) DO UPDATE"
                             " SET value = CAST(CAST(meta.value AS BIGINT) + 1 AS TEXT) RETURNING key, value");
  JbSqlStep step;

  g_return_val_if_fail (g_strcmp0 (key1, key2) != 0, FALSE);

  *out1 = *out2 = 0;
  jb_sql_bind_text (stmt, 1, key1);
  jb_sql_bind_text (stmt, 2, key2);
  /* RETURNING's rows come in no promised order: matched by key. */
  while ((step = jb_sql_step (stmt, error)) == JB_SQL_ROW)
    {
      gint64 value = g_ascii_strtoll (jb_sql_column_text (stmt, 1), NULL, 10);

      if (g_strcmp0 (jb_sql_column_text (stmt, 0), key1) == 0)
        *out1 = value;
      else if (g_strcmp0 (jb_sql_column_text (stmt, 0), key2) == 0)
        *out2 = value;
    }
  jb_sql_reset (stmt);
  if (step == JB_SQL_ERROR)
    return FALSE;
  if (*out1 == 0 || *out2 == 0)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL, "The counters \"%s\" and \"%s\" were not counted.",
                   key1, key2);
      return FALSE;
    }
  return TRUE;
}

gboolean
jb_storage_is_empty (JbStorage *self)
{
  JbSqlStmt *stmt = prepare (self,
                             "SELECT (SELECT count(*) FROM stations) + (SELECT count(*) FROM units)"
                             " + (SELECT count(*) FROM terminals) + (SELECT count(*) FROM users)");
  gboolean empty = FALSE;

  if (step (self, stmt) == JB_SQL_ROW)
    empty = jb_sql_column_int64 (stmt, 0) == 0;
  jb_sql_reset (stmt);
  return empty;
}

/* Stations */

gboolean
jb_storage_insert_station (JbStorage   *self,
                           JsonObject  *station,
                           GError     **error)
{
  JbSqlStmt *stmt = prepare (self, "INSERT INTO stations (id, data) VALUES (?1, ?2)");
  g_autofree char *text = object_to_text (station);

  jb_sql_bind_text (stmt, 1, member_string (station, "id"));
  jb_sql_bind_text (stmt, 2, text);
  return jb_sql_run (stmt, "inserting a station", error);
}

gboolean
jb_storage_update_station (JbStorage   *self,
                           JsonObject  *station,
                           GError     **error)
{
  JbSqlStmt *stmt = prepare (self, "UPDATE stations SET data = ?1 WHERE id = ?2");
  g_autofree char *text = object_to_text (station);

  jb_sql_bind_text (stmt, 1, text);
  jb_sql_bind_text (stmt, 2, member_string (station, "id"));
  return jb_sql_run (stmt, "updating a station", error);
}

static GPtrArray *
collect_objects (JbStorage     *self,
                 JbSqlStmt     *stmt,
                 JsonObject  *(*row_to_object) (JbSqlStmt *),
                 const char    *what,
                 GError       **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  JbSqlStep rc;

  while ((rc = step (self, stmt)) == JB_SQL_ROW)
    {
      JsonObject *object = row_to_object (stmt);

      if (object != NULL)
        g_ptr_array_add (items, object);
    }
  jb_sql_reset (stmt);
  if (rc != JB_SQL_DONE)
    {
      fail (self, error, what);
      return NULL;
    }
  return g_steal_pointer (&items);
}

static JsonObject *
data_row_to_object (JbSqlStmt *stmt)
{
  return parse_stored_object (jb_sql_column_text (stmt, 0));
}

GPtrArray *
jb_storage_list_stations (JbStorage  *self,
                          GError    **error)
{
  return collect_objects (self, prepare (self, "SELECT data FROM stations ORDER BY id"),
                          data_row_to_object, "reading stations", error);
}

static JsonObject *
get_one (JbStorage    *self,
         JbSqlStmt    *stmt,
         const char   *id,
         JsonObject *(*row_to_object) (JbSqlStmt *))
{
  JsonObject *object = NULL;

  jb_sql_bind_text (stmt, 1, id);
  if (step (self, stmt) == JB_SQL_ROW)
    object = row_to_object (stmt);
  jb_sql_reset (stmt);
  return object;
}

JsonObject *
jb_storage_get_station (JbStorage  *self,
                        const char *id)
{
  return get_one (self, prepare (self, "SELECT data FROM stations WHERE id = ?1"), id,
                  data_row_to_object);
}

/* Grids */

gboolean
jb_storage_insert_grid (JbStorage   *self,
                        JsonObject  *grid,
                        GError     **error)
{
  JbSqlStmt *stmt = prepare (self, "INSERT INTO grids (id, station_id, data) VALUES (?1, ?2, ?3)");
  g_autofree char *text = object_to_text (grid);

  jb_sql_bind_text (stmt, 1, member_string (grid, "id"));
  jb_sql_bind_text (stmt, 2, member_string (grid, "station_id"));
  jb_sql_bind_text (stmt, 3, text);
  return jb_sql_run (stmt, "inserting a grid", error);
}

gboolean
jb_storage_update_grid (JbStorage   *self,
                        JsonObject  *grid,
                        GError     **error)
{
  JbSqlStmt *stmt = prepare (self, "UPDATE grids SET data = ?1 WHERE id = ?2");
  g_autofree char *text = object_to_text (grid);

  jb_sql_bind_text (stmt, 1, text);
  jb_sql_bind_text (stmt, 2, member_string (grid, "id"));
  return jb_sql_run (stmt, "updating a grid", error);
}

GPtrArray *
jb_storage_list_grids (JbStorage  *self,
                       GError    **error)
{
  return collect_objects (self, prepare (self, "SELECT data FROM grids ORDER BY id"),
                          data_row_to_object, "reading grids", error);
}

JsonObject *
jb_storage_get_grid (JbStorage  *self,
                     const char *id)
{
  return get_one (self, prepare (self, "SELECT data FROM grids WHERE id = ?1"), id, data_row_to_object);
}

/* Alerts */

gboolean
jb_storage_save_alert (JbStorage   *self,
                       JsonObject  *alert,
                       GError     **error)
{
  JbSqlStmt *stmt = prepare (self, "INSERT INTO alerts (id, cleared, data) VALUES (?1, ?2, ?3)"
                                   " ON CONFLICT (id) DO UPDATE SET cleared = excluded.cleared, data = excluded.data");
  g_autofree char *text = object_to_text (alert);
  JsonNode *cleared = json_object_get_member (alert, "cleared_at");

  jb_sql_bind_text (stmt, 1, member_string (alert, "id"));
  jb_sql_bind_int64 (stmt, 2, cleared != NULL && !JSON_NODE_HOLDS_NULL (cleared));
  jb_sql_bind_text (stmt, 3, text);
  return jb_sql_run_deferred (stmt, "saving an alert", error);
}

GPtrArray *
jb_storage_list_uncleared_alerts (JbStorage  *self,
                                  GError    **error)
{
  return collect_objects (self, prepare (self, "SELECT data FROM alerts WHERE cleared = 0 ORDER BY id"),
                          data_row_to_object, "reading alerts", error);
}

JsonObject *
jb_storage_get_alert (JbStorage  *self,
                      const char *id)
{
  return get_one (self, prepare (self, "SELECT data FROM alerts WHERE id = ?1"), id, data_row_to_object);
}

/* Call-out recipients */

gboolean
jb_storage_set_callout_recipient (JbStorage   *self,
                                  const char  *callout_id,
                                  const char  *unit_id,
                                  const char  *incident_id,
                                  gboolean     pending,
                                  GError     **error)
{
  JbSqlStmt *stmt = prepare (self, "INSERT INTO callout_recipients"
                                   " (callout_id, unit_id, incident_id, pending) VALUES (?1, ?2, ?3, ?4)"
                                   " ON CONFLICT (callout_id, unit_id) DO UPDATE SET"
                                   " incident_id = excluded.incident_id, pending = excluded.pending");

  jb_sql_bind_text (stmt, 1, callout_id);
  jb_sql_bind_text (stmt, 2, unit_id);
  jb_sql_bind_text (stmt, 3, incident_id);
  jb_sql_bind_int64 (stmt, 4, pending ? 1 : 0);
  return jb_sql_run_deferred (stmt, "saving a call-out recipient", error);
}

static JsonObject *
recipient_row_to_object (JbSqlStmt *stmt)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "callout_id", jb_sql_column_text (stmt, 0));
  json_object_set_string_member (object, "unit_id", jb_sql_column_text (stmt, 1));
  json_object_set_string_member (object, "incident_id", jb_sql_column_text (stmt, 2));
  return object;
}

GPtrArray *
jb_storage_list_pending_callouts (JbStorage   *self,
                                  const char  *unit_id,
                                  const char  *org_id,
                                  GError     **error)
{
  JbSqlStmt *stmt;

  if (org_id == NULL)
    {
      stmt = prepare (self, "SELECT callout_id, unit_id, incident_id FROM callout_recipients"
                            " WHERE unit_id = ?1 AND pending = 1 ORDER BY callout_id");
      jb_sql_bind_text (stmt, 1, unit_id);
    }
  else
    {
      stmt = prepare (self, "SELECT r.callout_id, r.unit_id, r.incident_id FROM callout_recipients r"
                            " JOIN units u ON u.id = r.unit_id"
                            " WHERE r.pending = 1 AND (r.unit_id = ?1 OR u.org_id = ?2)"
                            " ORDER BY r.callout_id, r.unit_id");
      jb_sql_bind_text (stmt, 1, unit_id);
      jb_sql_bind_text (stmt, 2, org_id);
    }
  return collect_objects (self, stmt, recipient_row_to_object, "reading call-outs", error);
}

char *
jb_storage_get_callout_incident (JbStorage  *self,
                                 const char *callout_id,
                                 const char *unit_id)
{
  JbSqlStmt *stmt = prepare (self, "SELECT incident_id FROM callout_recipients WHERE callout_id = ?1 AND unit_id = ?2");
  char *incident_id = NULL;

  jb_sql_bind_text (stmt, 1, callout_id);
  jb_sql_bind_text (stmt, 2, unit_id);
  if (step (self, stmt) == JB_SQL_ROW)
    incident_id = g_strdup (jb_sql_column_text (stmt, 0));
  jb_sql_reset (stmt);
  return incident_id;
}

/* Units */

#define UNIT_TEXT_COLUMNS                                               \
  "id, kind, callsign, name, org_id, org_name, station_id, status, "    \
  "terminal_id, incident_id, phone"

/* A unit with its position; the unit changed when either part did. */
#define SELECT_UNIT                                                     \
  "SELECT u.id, u.kind, u.callsign, u.name, u.org_id, u.org_name, u.station_id, u.status," \
  " u.terminal_id, u.incident_id, u.phone, p.lat, p.lon, p.heading, p.speed, p.accuracy," \
  " p.time, CASE WHEN p.updated_at > u.updated_at THEN p.updated_at ELSE u.updated_at END" \
  " FROM units u LEFT JOIN positions p ON p.org_id = coalesce (u.org_id, '') AND p.unit_id = u.id"

static const char * const unit_text_members[] = {
  "id", "kind", "callsign", "name", "org_id", "org_name", "station_id",
  "status", "terminal_id", "incident_id", "phone",
};

static JsonObject *
unit_row_to_object (JbSqlStmt *stmt)
{
  JsonObject *unit = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (unit_text_members); i++)
    set_string_or_null (unit, unit_text_members[i], stmt, (int) i);

  if (jb_sql_column_is_null (stmt, 11))
    json_object_set_null_member (unit, "position");
  else
    {
      JsonObject *position = json_object_new ();

      set_double_or_null (position, "lat", stmt, 11);
      set_double_or_null (position, "lon", stmt, 12);
      set_double_or_null (position, "heading", stmt, 13);
      set_double_or_null (position, "speed", stmt, 14);
      set_double_or_null (position, "accuracy", stmt, 15);
      set_int_or_null (position, "time", stmt, 16);
      json_object_set_object_member (unit, "position", position);
    }
  json_object_set_int_member (unit, "updated_at", jb_sql_column_int64 (stmt, 17));
  return unit;
}

static JbStoragePosition
position_from_object (JsonObject *position)
{
  JbStoragePosition p;

  p.lat = member_double (position, "lat");
  p.lon = member_double (position, "lon");
  p.heading = member_double (position, "heading");
  p.speed = member_double (position, "speed");
  p.accuracy = member_double (position, "accuracy");
  p.time = member_int (position, "time", 0);
  return p;
}

gboolean
jb_storage_insert_unit (JbStorage   *self,
                        JsonObject  *unit,
                        GError     **error)
{
  JbSqlStmt *stmt = prepare (self,
                             "INSERT INTO units (" UNIT_TEXT_COLUMNS ", updated_at) VALUES "
                             "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  JsonObject *position = member_object (unit, "position");
  gint64 updated_at = member_int (unit, "updated_at", 0);
  JbStoragePosition p;

  for (guint i = 0; i < G_N_ELEMENTS (unit_text_members); i++)
    jb_sql_bind_text (stmt, (int) i + 1, member_string (unit, unit_text_members[i]));
  jb_sql_bind_int64 (stmt, 12, updated_at);
  if (!jb_sql_run (stmt, "inserting a unit", error))
    return FALSE;
  if (position == NULL)
    return TRUE;
  p = position_from_object (position);
  if (isnan (p.lat) || isnan (p.lon))
    return TRUE;
  return jb_storage_update_unit_position (self, member_string (unit, "id"), member_string (unit, "org_id"),
                                          &p, updated_at, error);
}

JsonObject *
jb_storage_get_unit (JbStorage  *self,
                     const char *id)
{
  return get_one (self, prepare (self, SELECT_UNIT " WHERE u.id = ?1"), id, unit_row_to_object);
}

GPtrArray *
jb_storage_list_units (JbStorage  *self,
                       GError    **error)
{
  return collect_objects (self, prepare (self, SELECT_UNIT " ORDER BY u.id"),
                          unit_row_to_object, "reading units", error);
}

static void
append_unit_row (GString      *out,
                 JbSqlStmt    *stmt)
{
  static const char * const position_members[] = { "lat", "lon", "heading", "speed", "accuracy" };

  g_string_append_c (out, '{');
  for (guint i = 0; i < G_N_ELEMENTS (unit_text_members); i++)
    {
      g_string_append_printf (out, "%s\"%s\":", i > 0 ? "," : "", unit_text_members[i]);
      jb_json_text_append_string (out, jb_sql_column_text (stmt, (int) i));
    }
  if (jb_sql_column_is_null (stmt, 11))
    g_string_append (out, ",\"position\":null");
  else
    {
      g_string_append (out, ",\"position\":{");
      for (guint i = 0; i < G_N_ELEMENTS (position_members); i++)
        {
          g_string_append_printf (out, "%s\"%s\":", i > 0 ? "," : "", position_members[i]);
          if (jb_sql_column_is_null (stmt, 11 + (int) i))
            g_string_append (out, "null");
          else
            jb_json_text_append_double (out, jb_sql_column_double (stmt, 11 + (int) i));
        }
      g_string_append_printf (out, ",\"time\":%" G_GINT64_FORMAT "}", (gint64) jb_sql_column_int64 (stmt, 16));
    }
  g_string_append_printf (out, ",\"updated_at\":%" G_GINT64_FORMAT "}", (gint64) jb_sql_column_int64 (stmt, 17));
}

gboolean
jb_storage_append_units_json (JbStorage  *self,
                              GString    *out,
                              GError    **error)
{
  JbSqlStmt *stmt = prepare (self, SELECT_UNIT " ORDER BY u.id");
  gboolean first = TRUE;
  JbSqlStep rc;

  g_string_append_c (out, '[');
  while ((rc = step (self, stmt)) == JB_SQL_ROW)
    {
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      append_unit_row (out, stmt);
    }
  jb_sql_reset (stmt);
  g_string_append_c (out, ']');
  if (rc != JB_SQL_DONE)
    return fail (self, error, "reading units");
  return TRUE;
}

gboolean
jb_storage_update_unit_status (JbStorage   *self,
                               const char  *id,
                               const char  *status,
                               const char  *incident_id,
                               gint64       updated_at,
                               GError     **error)
{
  JbSqlStmt *stmt = prepare (self,
                             "UPDATE units SET status = ?1, incident_id = ?2, updated_at = ?3 WHERE id = ?4");

  jb_sql_bind_text (stmt, 1, status);
  jb_sql_bind_text (stmt, 2, incident_id);
  jb_sql_bind_int64 (stmt, 3, updated_at);
  jb_sql_bind_text (stmt, 4, id);
  return jb_sql_run_deferred (stmt, "updating a unit", error);
}

gboolean
jb_storage_peek_unit (JbStorage   *self,
                      const char  *id,
                      const char **out_org_id,
                      gint64      *out_position_time)
{
  JbSqlStmt *stmt = prepare (self,
                             "SELECT u.org_id, p.time FROM units u LEFT JOIN positions p"
                             " ON p.org_id = coalesce (u.org_id, '') AND p.unit_id = u.id WHERE u.id = ?1");
  gboolean found = FALSE;

  jb_sql_bind_text (stmt, 1, id);
  if (step (self, stmt) == JB_SQL_ROW)
    {
      found = TRUE;
      g_free (self->peek_org_id);
      self->peek_org_id = g_strdup (jb_sql_column_text (stmt, 0));
      *out_org_id = self->peek_org_id;
      *out_position_time = jb_sql_column_is_null (stmt, 1) ? G_MININT64
                                                                         : jb_sql_column_int64 (stmt, 1);
    }
  jb_sql_reset (stmt);
  return found;
}

/* One element of a PostgreSQL array literal, always quoted. */
static void
append_array_text (GString    *array,
                   const char *text)
{
  g_string_append_c (array, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (array, '\\');
      g_string_append_c (array, *p);
    }
  g_string_append_c (array, '"');
}

gboolean
jb_storage_peek_units (JbStorage           *self,
                       const char * const  *ids,
                       guint                n,
                       gboolean            *out_found,
                       char               **out_org_ids,
                       gint64              *out_position_times,
                       GError             **error)
{
  g_autoptr(GHashTable) index = NULL;  /* id → its first index in @ids */
  g_autoptr(GString) array = NULL;
  JbSqlStmt *stmt;
  JbSqlStep rc;

  for (guint i = 0; i < n; i++)
    {
      out_found[i] = FALSE;
      out_org_ids[i] = NULL;
      out_position_times[i] = G_MININT64;
    }
  if (n == 0)
    return TRUE;
  /* SQLite's lookups are function calls: one at a time costs nothing. */
  if (jb_sql_get_dialect (self->sql) != JB_SQL_POSTGRESQL)
    {
      for (guint i = 0; i < n; i++)
        {
          const char *org_id = NULL;

          if (jb_storage_peek_unit (self, ids[i], &org_id, &out_position_times[i]))
            {
              out_found[i] = TRUE;
              out_org_ids[i] = g_strdup (org_id);
            }
          else if (jb_storage_take_read_error (self, NULL))
            return fail (self, error, "reading units");
        }
      return TRUE;
    }

  /* PostgreSQL: the ids as one text[] literal, one round trip. */
  index = g_hash_table_new (g_str_hash, g_str_equal);
  array = g_string_sized_new (n * 24 + 2);
  g_string_append_c (array, '{');
  for (guint i = 0; i < n; i++)
    {
      if (g_hash_table_contains (index, ids[i]))
        continue;
      g_hash_table_insert (index, (gpointer) ids[i], GUINT_TO_POINTER (i));
      if (array->len > 1)
        g_string_append_c (array, ',');
      append_array_text (array, ids[i]);
    }
  g_string_append_c (array, '}');
  stmt = prepare (self, "SELECT u.id, u.org_id, p.time FROM units u LEFT JOIN positions p"
                        " ON p.org_id = coalesce (u.org_id, '') AND p.unit_id = u.id"
                        " WHERE u.id = ANY (?1::text[])");
  if (stmt == NULL)
    return fail (self, error, "reading units");
  jb_sql_bind_text (stmt, 1, array->str);
  while ((rc = jb_sql_step (stmt, error)) == JB_SQL_ROW)
    {
      gpointer value;
      guint i;

      if (!g_hash_table_lookup_extended (index, jb_sql_column_text (stmt, 0), NULL, &value))
        continue;
      i = GPOINTER_TO_UINT (value);
      out_found[i] = TRUE;
      out_org_ids[i] = g_strdup (jb_sql_column_text (stmt, 1));
      out_position_times[i] = jb_sql_column_is_null (stmt, 2) ? G_MININT64 : jb_sql_column_int64 (stmt, 2);
    }
  jb_sql_reset (stmt);
  if (rc != JB_SQL_DONE)
    return FALSE;
  /* A unit named twice: every copy gets what the first found. */
  for (guint i = 0; i < n; i++)
    {
      guint first = GPOINTER_TO_UINT (g_hash_table_lookup (index, ids[i]));

      if (first != i)
        {
          out_found[i] = out_found[first];
          out_org_ids[i] = g_strdup (out_org_ids[first]);
          out_position_times[i] = out_position_times[first];
        }
    }
  return TRUE;
}

/* Takes the positions lock once per transaction (PostgreSQL). */
static gboolean
lock_positions (JbStorage  *self,
                GError    **error)
{
  if (self->positions_locked || jb_sql_get_dialect (self->sql) != JB_SQL_POSTGRESQL)
    return TRUE;
  if (!jb_sql_exec (self->sql, POSITIONS_LOCK_SQL, error))
    return FALSE;
  self->positions_locked = TRUE;
  return TRUE;
}

gboolean
jb_storage_update_unit_position (JbStorage               *self,
                                 const char              *id,
                                 const char              *org_id,
                                 const JbStoragePosition *position,
                                 gint64                   updated_at,
                                 GError                 **error)
{
  JbSqlStmt *stmt;

  /* Called under the writer lock (a unit created with a position) or by
   * a position writer: the positions lock is taken after the writer lock,
   * and position writers take no other, so no two transactions wait for
   * each other's rows. */
  if (!lock_positions (self, error))
    return FALSE;
  if (jb_sql_get_dialect (self->sql) == JB_SQL_POSTGRESQL)
    stmt = prepare (self,
                    "INSERT INTO positions (org_id, unit_id, lat, lon, heading, speed, accuracy, time, updated_at, writer)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, " PG_NOW_MS ", ?9)" UPSERT_POSITION);
  else
    stmt = prepare (self,
                    "INSERT INTO positions (org_id, unit_id, lat, lon, heading, speed, accuracy, time, updated_at, writer)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)" UPSERT_POSITION);

  jb_sql_bind_text (stmt, 1, org_id != NULL ? org_id : "");
  jb_sql_bind_text (stmt, 2, id);
  jb_sql_bind_double (stmt, 3, position->lat);
  jb_sql_bind_double (stmt, 4, position->lon);
  jb_sql_bind_double (stmt, 5, position->heading);
  jb_sql_bind_double (stmt, 6, position->speed);
  jb_sql_bind_double (stmt, 7, position->accuracy);
  jb_sql_bind_int64 (stmt, 8, position->time);
  if (jb_sql_get_dialect (self->sql) == JB_SQL_POSTGRESQL)
    jb_sql_bind_text (stmt, 9, self->writer != NULL ? self->writer : "");
  else
    {
      jb_sql_bind_int64 (stmt, 9, updated_at);
      jb_sql_bind_text (stmt, 10, self->writer != NULL ? self->writer : "");
    }
  return jb_sql_run (stmt, "moving a unit", error);
}

static void
append_array_double (GString *array,
                     double   value)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  if (array->len > 1)
    g_string_append_c (array, ',');
  if (isnan (value))
    g_string_append (array, "NULL");
  else if (isinf (value))
    g_string_append (array, value > 0 ? "Infinity" : "-Infinity");
  else
    g_string_append (array, g_ascii_dtostr (number, sizeof number, value));
}

/* One statement for the whole round: the columns as arrays, unnested
 * into rows. */
static gboolean
write_positions_postgresql (JbStorage           *self,
                            JbStoredFix * const *fixes,
                            guint                n,
                            GError             **error)
{
  JbSqlStmt *stmt = prepare (self,
                             "INSERT INTO positions (org_id, unit_id, lat, lon, heading, speed, accuracy, time, updated_at, writer)"
                             " SELECT o, u, la, lo, h, s, a, t, " PG_NOW_MS ", ?9"
                             " FROM unnest (?1::text[], ?2::text[], ?3::float8[], ?4::float8[], ?5::float8[],"
                             " ?6::float8[], ?7::float8[], ?8::int8[]) AS f (o, u, la, lo, h, s, a, t)"
                             UPSERT_POSITION);
  GString *columns[8];
  gboolean ok;

  if (stmt == NULL)
    return fail (self, error, "moving units");
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    columns[c] = g_string_append_c (g_string_sized_new (n * (c < 2 ? 24 : 20) + 2), '{');
  for (guint i = 0; i < n; i++)
    {
      const JbStoredFix *fix = fixes[i];

      if (i > 0)
        {
          g_string_append_c (columns[0], ',');
          g_string_append_c (columns[1], ',');
          g_string_append_c (columns[7], ',');
        }
      append_array_text (columns[0], fix->org_id != NULL ? fix->org_id : "");
      append_array_text (columns[1], fix->unit_id);
      append_array_double (columns[2], fix->position.lat);
      append_array_double (columns[3], fix->position.lon);
      append_array_double (columns[4], fix->position.heading);
      append_array_double (columns[5], fix->position.speed);
      append_array_double (columns[6], fix->position.accuracy);
      g_string_append_printf (columns[7], "%" G_GINT64_FORMAT, fix->position.time);
    }
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    {
      g_string_append_c (columns[c], '}');
      jb_sql_bind_text (stmt, c + 1, columns[c]->str);
    }
  jb_sql_bind_text (stmt, 9, self->writer != NULL ? self->writer : "");
  /* The bound text is read when the statement runs: freed after. */
  ok = jb_sql_run (stmt, "moving units", error);
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    g_string_free (columns[c], TRUE);
  return ok;
}

gint64
jb_storage_positions_read_margin (JbStorage *self)
{
  return jb_sql_get_dialect (self->sql) == JB_SQL_POSTGRESQL ? 0 : 2000;
}

gboolean
jb_storage_write_positions (JbStorage           *self,
                            JbStoredFix * const *fixes,
                            guint                n,
                            GError             **error)
{
  gboolean postgresql = jb_sql_get_dialect (self->sql) == JB_SQL_POSTGRESQL;
  gboolean ok;
  gint64 now;

  ok = postgresql ? jb_storage_begin_read (self, error) && lock_positions (self, error)
                  : jb_storage_begin_write (self, error);
  /* Once the lock is held: the time another server's read goes by must
   * not be older than the wait for the lock (PostgreSQL: the statement's
   * own time, on the database's clock). */
  now = g_get_real_time () / 1000;
  if (ok && postgresql)
    ok = write_positions_postgresql (self, fixes, n, error);
  for (guint i = 0; ok && !postgresql && i < n; i++)
    ok = jb_storage_update_unit_position (self, fixes[i]->unit_id, fixes[i]->org_id,
                                          &fixes[i]->position, now, error);
  if (ok)
    ok = jb_storage_commit (self, error);
  if (!ok && jb_storage_in_transaction (self))
    jb_storage_rollback (self);
  return ok;
}

void
jb_storage_set_writer (JbStorage  *self,
                       const char *writer)
{
  g_free (self->writer);
  self->writer = g_strdup (writer);
}

void
jb_stored_fix_free (gpointer data)
{
  JbStoredFix *fix = data;

  g_free (fix->org_id);
  g_free (fix->unit_id);
  g_free (fix);
}

static double
column_double_or_nan (JbSqlStmt *stmt,
                      int        index)
{
  return jb_sql_column_is_null (stmt, index) ? NAN : jb_sql_column_double (stmt, index);
}

GPtrArray *
jb_storage_list_positions_since (JbStorage  *self,
                                 gint64      updated_after,
                                 GError    **error)
{
  JbSqlStmt *stmt = prepare (self,
                             "SELECT org_id, unit_id, lat, lon, heading, speed, accuracy, time, updated_at"
                             " FROM positions WHERE updated_at > ?1 AND writer <> ?2 ORDER BY updated_at");
  g_autoptr(GPtrArray) fixes = g_ptr_array_new_with_free_func (jb_stored_fix_free);
  JbSqlStep rc;

  /* Under another server's flood this is every unit twice a second: the
   * numbers come as they are stored, not as text to convert. */
  jb_sql_want_binary_rows (stmt);
  jb_sql_bind_int64 (stmt, 1, updated_after);
  jb_sql_bind_text (stmt, 2, self->writer != NULL ? self->writer : "");
  while ((rc = step (self, stmt)) == JB_SQL_ROW)
    {
      JbStoredFix *fix = g_new0 (JbStoredFix, 1);

      fix->org_id = g_strdup (jb_sql_column_text (stmt, 0));
      fix->unit_id = g_strdup (jb_sql_column_text (stmt, 1));
      fix->position.lat = jb_sql_column_double (stmt, 2);
      fix->position.lon = jb_sql_column_double (stmt, 3);
      fix->position.heading = column_double_or_nan (stmt, 4);
      fix->position.speed = column_double_or_nan (stmt, 5);
      fix->position.accuracy = column_double_or_nan (stmt, 6);
      fix->position.time = jb_sql_column_int64 (stmt, 7);
      fix->updated_at = jb_sql_column_int64 (stmt, 8);
      g_ptr_array_add (fixes, fix);
    }
  jb_sql_reset (stmt);
  if (rc != JB_SQL_DONE)
    {
      fail (self, error, "reading positions");
      return NULL;
    }
  return g_steal_pointer (&fixes);
}

/* Terminals */

#define TERMINAL_COLUMNS                                                \
  "id, kind, name, venue, station_id, unit_id, org_id, lat, lon, online, " \
  "last_seen_at, heartbeat_interval_s, gateway"

static JsonObject *
terminal_row_to_object (JbSqlStmt *stmt)
{
  JsonObject *terminal = json_object_new ();
  JsonObject *venue = parse_stored_object (jb_sql_column_text (stmt, 3));

  set_string_or_null (terminal, "id", stmt, 0);
  set_string_or_null (terminal, "kind", stmt, 1);
  set_string_or_null (terminal, "name", stmt, 2);
  if (venue != NULL)
    json_object_set_object_member (terminal, "venue", venue);
  else
    json_object_set_null_member (terminal, "venue");
  set_string_or_null (terminal, "station_id", stmt, 4);
  set_string_or_null (terminal, "unit_id", stmt, 5);
  set_string_or_null (terminal, "org_id", stmt, 6);
  if (jb_sql_column_is_null (stmt, 7))
    json_object_set_null_member (terminal, "location");
  else
    {
      JsonObject *location = json_object_new ();

      json_object_set_double_member (location, "lat", jb_sql_column_double (stmt, 7));
      json_object_set_double_member (location, "lon", jb_sql_column_double (stmt, 8));
      json_object_set_object_member (terminal, "location", location);
    }
  json_object_set_boolean_member (terminal, "online", jb_sql_column_int64 (stmt, 9) != 0);
  set_int_or_null (terminal, "last_seen_at", stmt, 10);
  json_object_set_int_member (terminal, "heartbeat_interval_s", jb_sql_column_int64 (stmt, 11));
  json_object_set_boolean_member (terminal, "gateway", jb_sql_column_int64 (stmt, 12) != 0);
  return terminal;
}

gboolean
jb_storage_insert_terminal (JbStorage     *self,
                            JsonObject    *terminal,
                            const guint8  *secret_hash,
                            gsize          secret_hash_len,
                            GError       **error)
{
  JbSqlStmt *stmt = prepare (self,
                             "INSERT INTO terminals (" TERMINAL_COLUMNS ", secret_hash) VALUES "
                             "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  JsonObject *venue = member_object (terminal, "venue");
  JsonObject *location = member_object (terminal, "location");
  g_autofree char *venue_text = venue != NULL ? object_to_text (venue) : NULL;
  JsonNode *online = json_object_get_member (terminal, "online");
  JsonNode *gateway = json_object_get_member (terminal, "gateway");

  jb_sql_bind_text (stmt, 1, member_string (terminal, "id"));
  jb_sql_bind_text (stmt, 2, member_string (terminal, "kind"));
  jb_sql_bind_text (stmt, 3, member_string (terminal, "name"));
  jb_sql_bind_text (stmt, 4, venue_text);
  jb_sql_bind_text (stmt, 5, member_string (terminal, "station_id"));
  jb_sql_bind_text (stmt, 6, member_string (terminal, "unit_id"));
  jb_sql_bind_text (stmt, 7, member_string (terminal, "org_id"));
  if (location != NULL)
    {
      jb_sql_bind_double (stmt, 8, member_double (location, "lat"));
      jb_sql_bind_double (stmt, 9, member_double (location, "lon"));
    }
  jb_sql_bind_int64 (stmt, 10, online != NULL && JSON_NODE_HOLDS_VALUE (online) &&
                              json_node_get_value_type (online) == G_TYPE_BOOLEAN &&
                              json_node_get_boolean (online));
  if (member_int (terminal, "last_seen_at", -1) >= 0)
    jb_sql_bind_int64 (stmt, 11, member_int (terminal, "last_seen_at", 0));
  jb_sql_bind_int64 (stmt, 12, member_int (terminal, "heartbeat_interval_s", 60));
  jb_sql_bind_int64 (stmt, 13, gateway != NULL && JSON_NODE_HOLDS_VALUE (gateway) &&
                              json_node_get_value_type (gateway) == G_TYPE_BOOLEAN &&
                              json_node_get_boolean (gateway));
  jb_sql_bind_blob (stmt, 14, secret_hash, secret_hash_len);
  return jb_sql_run (stmt, "inserting a terminal", error);
}

JsonObject *
jb_storage_get_terminal (JbStorage  *self,
                         const char *id)
{
  return get_one (self, prepare (self, "SELECT " TERMINAL_COLUMNS " FROM terminals WHERE id = ?1"),
                  id, terminal_row_to_object);
}

GPtrArray *
jb_storage_list_terminals (JbStorage  *self,
                           GError    **error)
{
  return collect_objects (self,
                          prepare (self, "SELECT " TERMINAL_COLUMNS " FROM terminals ORDER BY id"),
                          terminal_row_to_object, "reading terminals", error);
}

JsonObject *
jb_storage_get_terminal_with_secret (JbStorage  *self,
                                     const char *id,
                                     GBytes    **out_secret_hash)
{
  /* One round trip for a device's every request: its credentials and
   * the terminal they stand for. */
  JbSqlStmt *stmt = prepare (self, "SELECT " TERMINAL_COLUMNS ", secret_hash FROM terminals WHERE id = ?1");
  JsonObject *terminal = NULL;

  *out_secret_hash = NULL;
  jb_sql_bind_text (stmt, 1, id);
  if (step (self, stmt) == JB_SQL_ROW)
    {
      terminal = terminal_row_to_object (stmt);
      *out_secret_hash = jb_sql_column_blob (stmt, 13);
    }
  jb_sql_reset (stmt);
  return terminal;
}

gboolean
jb_storage_set_terminal_online (JbStorage   *self,
                                const char  *id,
                                gboolean     online,
                                gint64       last_seen_at,
                                GError     **error)
{
  JbSqlStmt *stmt = prepare (self,
                             "UPDATE terminals SET online = ?1, last_seen_at ="
                             " CASE WHEN coalesce (last_seen_at, 0) > ?2 THEN coalesce (last_seen_at, 0) ELSE ?2 END"
                             " WHERE id = ?3");

  jb_sql_bind_int64 (stmt, 1, online ? 1 : 0);
  jb_sql_bind_int64 (stmt, 2, last_seen_at);
  jb_sql_bind_text (stmt, 3, id);
  return jb_sql_run_deferred (stmt, "updating a terminal", error);
}

gboolean
jb_storage_set_terminal_last_seen (JbStorage   *self,
                                   const char  *id,
                                   gint64       last_seen_at,
                                   GError     **error)
{
  JbSqlStmt *stmt = prepare (self,
                             "UPDATE terminals SET last_seen_at = ?1 WHERE id = ?2"
                             " AND coalesce(last_seen_at, 0) < ?3");

  jb_sql_bind_int64 (stmt, 1, last_seen_at);
  jb_sql_bind_text (stmt, 2, id);
  jb_sql_bind_int64 (stmt, 3, last_seen_at);
  return jb_sql_run_deferred (stmt, "updating a terminal", error);
}

gboolean
jb_storage_set_terminals_last_seen (JbStorage           *self,
                                    const char * const  *ids,
                                    const gint64        *last_seen_at,
                                    guint                n,
                                    GError             **error)
{
  g_autoptr(GString) id_array = NULL;
  g_autoptr(GString) time_array = NULL;
  JbSqlStmt *stmt;

  if (n == 0)
    return TRUE;
  /* SQLite: function calls, one by one. */
  if (jb_sql_get_dialect (self->sql) != JB_SQL_POSTGRESQL)
    {
      for (guint i = 0; i < n; i++)
        if (!jb_storage_set_terminal_last_seen (self, ids[i], last_seen_at[i], error))
          return FALSE;
      return TRUE;
    }
  /* PostgreSQL: one round trip for all (this runs under the writer lock). */
  id_array = g_string_new ("{");
  time_array = g_string_new ("{");
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        {
          g_string_append_c (id_array, ',');
          g_string_append_c (time_array, ',');
        }
      append_array_text (id_array, ids[i]);
      g_string_append_printf (time_array, "%" G_GINT64_FORMAT, last_seen_at[i]);
    }
  g_string_append_c (id_array, '}');
  g_string_append_c (time_array, '}');
  stmt = prepare (self, "UPDATE terminals t SET last_seen_at = s.seen"
                        " FROM unnest (?1::text[], ?2::int8[]) AS s (id, seen)"
                        " WHERE t.id = s.id AND coalesce (t.last_seen_at, 0) < s.seen");
  if (stmt == NULL)
    return fail (self, error, "updating terminals");
  jb_sql_bind_text (stmt, 1, id_array->str);
  jb_sql_bind_text (stmt, 2, time_array->str);
  return jb_sql_run (stmt, "updating terminals", error);
}

/* Users and sessions */

gboolean
jb_storage_insert_user (JbStorage   *self,
                        const char  *username,
                        const char  *password_hash,
                        const char  *display_name,
                        const char  *role,
                        const char  *station_id,
                        GError     **error)
{
  JbSqlStmt *stmt = prepare (self,
                             "INSERT INTO users (username, password_hash, display_name, role, station_id)"
                             " VALUES (?1, ?2, ?3, ?4, ?5)");

  jb_sql_bind_text (stmt, 1, username);
  jb_sql_bind_text (stmt, 2, password_hash);
  jb_sql_bind_text (stmt, 3, display_name);
  jb_sql_bind_text (stmt, 4, role);
  jb_sql_bind_text (stmt, 5, station_id);
  if (!jb_sql_run (stmt, "inserting a user", error))
    return FALSE;
  return station_id == NULL || jb_storage_add_user_station (self, username, station_id, error);
}

gboolean
jb_storage_add_user_station (JbStorage   *self,
                             const char  *username,
                             const char  *station_id,
                             GError     **error)
{
  JbSqlStmt *stmt = prepare (self,
                             "INSERT INTO user_stations (username, station_id) VALUES (?1, ?2)"
                             " ON CONFLICT DO NOTHING");

  jb_sql_bind_text (stmt, 1, username);
  jb_sql_bind_text (stmt, 2, station_id);
  return jb_sql_run (stmt, "adding a user's station", error);
}

/* The user's stations: users.station_id first, then the others by id. */
static JsonArray *
get_user_stations (JbStorage  *self,
                   const char *username,
                   const char *first)
{
  JbSqlStmt *stmt = prepare (self,
                             "SELECT station_id FROM user_stations WHERE username = ?1 ORDER BY station_id");
  JsonArray *ids = json_array_new ();

  if (first != NULL)
    json_array_add_string_element (ids, first);
  jb_sql_bind_text (stmt, 1, username);
  while (step (self, stmt) == JB_SQL_ROW)
    {
      const char *id = jb_sql_column_text (stmt, 0);

      if (id != NULL && g_strcmp0 (id, first) != 0)
        json_array_add_string_element (ids, id);
    }
  jb_sql_reset (stmt);
  return ids;
}

JsonObject *
jb_storage_get_user (JbStorage  *self,
                     const char *username,
                     gboolean    with_hash)
{
  JbSqlStmt *stmt = prepare (self,
                             "SELECT username, display_name, role, station_id, password_hash"
                             " FROM users WHERE username = ?1");
  JsonObject *user = NULL;

  jb_sql_bind_text (stmt, 1, username);
  if (step (self, stmt) == JB_SQL_ROW)
    {
      user = json_object_new ();
      set_string_or_null (user, "username", stmt, 0);
      set_string_or_null (user, "display_name", stmt, 1);
      set_string_or_null (user, "role", stmt, 2);
      set_string_or_null (user, "station_id", stmt, 3);
      if (with_hash)
        set_string_or_null (user, "password_hash", stmt, 4);
    }
  jb_sql_reset (stmt);
  if (user != NULL)
    json_object_set_array_member (user, "station_ids",
                                  get_user_stations (self, username, member_string (user, "station_id")));
  return user;
}

JsonObject *
jb_storage_get_session_user (JbStorage    *self,
                             const guint8 *token_hash,
                             gsize         token_hash_len,
                             gint64        now)
{
  JbSqlStmt *stmt = prepare (self,
                             "SELECT u.username, u.display_name, u.role, u.station_id, us.station_id"
                             " FROM sessions s JOIN users u ON u.username = s.username"
                             " LEFT JOIN user_stations us ON us.username = u.username"
                             " WHERE s.token_hash = ?1 AND s.expires_at > ?2 ORDER BY us.station_id");
  JsonObject *user = NULL;
  JsonArray *ids = NULL;

  jb_sql_bind_blob (stmt, 1, token_hash, token_hash_len);
  jb_sql_bind_int64 (stmt, 2, now);
  while (step (self, stmt) == JB_SQL_ROW)
    {
      const char *id;

      /* The user's columns repeat on each of its stations' rows. */
      if (user == NULL)
        {
          user = json_object_new ();
          set_string_or_null (user, "username", stmt, 0);
          set_string_or_null (user, "display_name", stmt, 1);
          set_string_or_null (user, "role", stmt, 2);
          set_string_or_null (user, "station_id", stmt, 3);
          ids = json_array_new ();
          if (member_string (user, "station_id") != NULL)
            json_array_add_string_element (ids, member_string (user, "station_id"));
          json_object_set_array_member (user, "station_ids", ids);
        }
      id = jb_sql_column_is_null (stmt, 4) ? NULL : jb_sql_column_text (stmt, 4);
      if (id != NULL && g_strcmp0 (id, member_string (user, "station_id")) != 0)
        json_array_add_string_element (ids, id);
    }
  jb_sql_reset (stmt);
  return user;
}

gboolean
jb_storage_insert_session (JbStorage     *self,
                           const guint8  *token_hash,
                           gsize          token_hash_len,
                           const char    *username,
                           gint64         created_at,
                           gint64         expires_at,
                           GError       **error)
{
  JbSqlStmt *stmt = prepare (self,
                             "INSERT INTO sessions (token_hash, username, created_at, expires_at)"
                             " VALUES (?1, ?2, ?3, ?4)");

  jb_sql_bind_blob (stmt, 1, token_hash, token_hash_len);
  jb_sql_bind_text (stmt, 2, username);
  jb_sql_bind_int64 (stmt, 3, created_at);
  jb_sql_bind_int64 (stmt, 4, expires_at);
  return jb_sql_run (stmt, "creating a session", error);
}

char *
jb_storage_lookup_session (JbStorage    *self,
                           const guint8 *token_hash,
                           gsize         token_hash_len,
                           gint64        now)
{
  JbSqlStmt *stmt = prepare (self,
                             "SELECT username FROM sessions WHERE token_hash = ?1 AND expires_at > ?2");
  char *username = NULL;

  jb_sql_bind_blob (stmt, 1, token_hash, token_hash_len);
  jb_sql_bind_int64 (stmt, 2, now);
  if (step (self, stmt) == JB_SQL_ROW)
    username = g_strdup (jb_sql_column_text (stmt, 0));
  jb_sql_reset (stmt);
  return username;
}

gint64
jb_storage_get_session_expiry (JbStorage    *self,
                               const guint8 *token_hash,
                               gsize         token_hash_len)
{
  JbSqlStmt *stmt = prepare (self, "SELECT expires_at FROM sessions WHERE token_hash = ?1");
  gint64 expires_at = 0;

  jb_sql_bind_blob (stmt, 1, token_hash, token_hash_len);
  if (step (self, stmt) == JB_SQL_ROW)
    expires_at = jb_sql_column_int64 (stmt, 0);
  jb_sql_reset (stmt);
  return expires_at;
}

gboolean
jb_storage_delete_session (JbStorage     *self,
                           const guint8  *token_hash,
                           gsize          token_hash_len,
                           GError       **error)
{
  JbSqlStmt *stmt = prepare (self, "DELETE FROM sessions WHERE token_hash = ?1");

  jb_sql_bind_blob (stmt, 1, token_hash, token_hash_len);
  return jb_sql_run (stmt, "deleting a session", error);
}

gboolean
jb_storage_prune_sessions (JbStorage  *self,
                           gint64      now,
                           GError    **error)
{
  JbSqlStmt *stmt = prepare (self, "DELETE FROM sessions WHERE expires_at <= ?1");

  jb_sql_bind_int64 (stmt, 1, now);
  return jb_sql_run (stmt, "pruning sessions", error);
}

/* Incidents */

gboolean
jb_storage_save_incident (JbStorage   *self,
                          JsonObject  *incident,
                          const char  *search_text,
                          GError     **error)
{
  JbSqlStmt *stmt = prepare (self,
                             "INSERT INTO incidents"
                             " (id, number, status, station_id, created_at, updated_at, search, data)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                             " ON CONFLICT (id) DO UPDATE SET number = excluded.number,"
                             " status = excluded.status, station_id = excluded.station_id,"
                             " created_at = excluded.created_at, updated_at = excluded.updated_at,"
                             " search = excluded.search, data = excluded.data");
  g_autofree char *text = object_to_text (incident);

  jb_sql_bind_text (stmt, 1, member_string (incident, "id"));
  jb_sql_bind_text (stmt, 2, member_string (incident, "number"));
  jb_sql_bind_text (stmt, 3, member_string (incident, "status"));
  jb_sql_bind_text (stmt, 4, member_string (incident, "station_id"));
  jb_sql_bind_int64 (stmt, 5, member_int (incident, "created_at", 0));
  jb_sql_bind_int64 (stmt, 6, member_int (incident, "updated_at", 0));
  jb_sql_bind_text (stmt, 7, search_text);
  jb_sql_bind_text (stmt, 8, text);
  return jb_sql_run_deferred (stmt, "saving an incident", error);
}

JsonObject *
jb_storage_get_incident (JbStorage  *self,
                         const char *id)
{
  return get_one (self, prepare (self, "SELECT data FROM incidents WHERE id = ?1"), id,
                  data_row_to_object);
}

/* Escapes LIKE's wildcards so @q matches literally. */
static char *
like_pattern (const char *q)
{
  GString *pattern = g_string_new ("%");

  for (const char *p = q; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  return g_string_free (pattern, FALSE);
}

GPtrArray *
jb_storage_list_incidents (JbStorage                *self,
                           JbStorageIncidentFilter   filter,
                           const char               *q,
                           gint64                    from,
                           gint64                    to,
                           guint                     limit,
                           GError                  **error)
{
  JbSqlStmt *stmt = prepare (self,
                             "SELECT data FROM incidents"
                             " WHERE (?1 = 2 OR (?1 = 0 AND status != 'closed') OR (?1 = 1 AND status = 'closed'))"
                             "   AND (CAST (?2 AS TEXT) IS NULL OR search LIKE ?2 ESCAPE '\\')"
                             "   AND created_at >= ?3 AND created_at <= ?4"
                             " ORDER BY created_at DESC, id DESC LIMIT ?5");
  g_autofree char *pattern = q != NULL && *q != '\0' ? like_pattern (q) : NULL;

  jb_sql_bind_int64 (stmt, 1, (int) filter);
  jb_sql_bind_text (stmt, 2, pattern);
  jb_sql_bind_int64 (stmt, 3, from >= 0 ? from : G_MININT64);
  jb_sql_bind_int64 (stmt, 4, to >= 0 ? to : G_MAXINT64);
  jb_sql_bind_int64 (stmt, 5, limit);
  return collect_objects (self, stmt, data_row_to_object, "reading incidents", error);
}

/* Events */

gboolean
jb_storage_append_event (JbStorage   *self,
                         gint64       seq,
                         const char  *type,
                         gint64       time,
                         const char  *data,
                         gsize        data_len,
                         GError     **error)
{
  JbSqlStmt *stmt = prepare (self, "INSERT INTO events (seq, type, time, data) VALUES (?1, ?2, ?3, ?4)");
  g_autofree char *copy = NULL;

  /* Every caller's text ends at data_len already; copy only if not. */
  jb_sql_bind_int64 (stmt, 1, seq);
  jb_sql_bind_text (stmt, 2, type);
  jb_sql_bind_int64 (stmt, 3, time);
  jb_sql_bind_text (stmt, 4, data[data_len] == '\0' ? data : (copy = g_strndup (data, data_len)));
  return jb_sql_run_deferred (stmt, "appending an event", error);
}

void
jb_storage_get_event_bounds (JbStorage *self,
                             gint64    *out_oldest,
                             gint64    *out_latest)
{
  JbSqlStmt *stmt = prepare (self, EVENT_BOUNDS_SQL);

  *out_oldest = 0;
  *out_latest = 0;
  if (step (self, stmt) == JB_SQL_ROW)
    {
      *out_oldest = jb_sql_column_int64 (stmt, 0);
      *out_latest = jb_sql_column_int64 (stmt, 1);
    }
  jb_sql_reset (stmt);
}

GPtrArray *
jb_storage_read_events (JbStorage  *self,
                        gint64      since,
                        guint       limit,
                        GError    **error)
{
  JbSqlStmt *stmt = prepare (self,
                             "SELECT seq, type, time, data FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2");
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func (g_free);
  JbSqlStep rc;

  jb_sql_bind_int64 (stmt, 1, since);
  jb_sql_bind_int64 (stmt, 2, limit);
  while ((rc = step (self, stmt)) == JB_SQL_ROW)
    g_ptr_array_add (frames,
                     g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",\"type\":\"%s\",\"time\":%"
                                      G_GINT64_FORMAT ",\"data\":%s}",
                                      (gint64) jb_sql_column_int64 (stmt, 0), jb_sql_column_text (stmt, 1),
                                      (gint64) jb_sql_column_int64 (stmt, 2), jb_sql_column_text (stmt, 3)));
  jb_sql_reset (stmt);
  if (rc != JB_SQL_DONE)
    {
      fail (self, error, "reading events");
      return NULL;
    }
  return g_steal_pointer (&frames);
}

gboolean
jb_storage_prune_events (JbStorage  *self,
                         gint64      oldest_kept,
                         GError    **error)
{
  JbSqlStmt *stmt = prepare (self, "DELETE FROM events WHERE seq < ?1");

  jb_sql_bind_int64 (stmt, 1, oldest_kept);
  return jb_sql_run (stmt, "pruning events", error);
}

/* Idempotency */

void
jb_storage_idempotency_clear (JbStorageIdempotency *record)
{
  g_clear_pointer (&record->method, g_free);
  g_clear_pointer (&record->path, g_free);
  g_clear_pointer (&record->body_hash, g_bytes_unref);
  g_clear_pointer (&record->response, g_free);
}

gboolean
jb_storage_lookup_idempotency (JbStorage            *self,
                               const char           *principal,
                               const char           *key,
                               JbStorageIdempotency *out_record)
{
  JbSqlStmt *stmt = prepare (self,
                             "SELECT method, path, body_hash, status, response FROM idempotency"
                             " WHERE principal = ?1 AND key = ?2");
  gboolean found = FALSE;

  jb_sql_bind_text (stmt, 1, principal);
  jb_sql_bind_text (stmt, 2, key);
  if (step (self, stmt) == JB_SQL_ROW)
    {
      found = TRUE;
      out_record->method = g_strdup (jb_sql_column_text (stmt, 0));
      out_record->path = g_strdup (jb_sql_column_text (stmt, 1));
      out_record->body_hash = jb_sql_column_blob (stmt, 2);
      out_record->status = (guint) jb_sql_column_int64 (stmt, 3);
      out_record->response = g_strdup (jb_sql_column_text (stmt, 4));
    }
  jb_sql_reset (stmt);
  return found;
}

gboolean
jb_storage_save_idempotency (JbStorage     *self,
                             const char    *principal,
                             const char    *key,
                             const char    *method,
                             const char    *path,
                             const guint8  *body_hash,
                             gsize          body_hash_len,
                             guint          status,
                             const char    *response,
                             gint64         created_at,
                             GError       **error)
{
  JbSqlStmt *stmt = prepare (self,
                             "INSERT INTO idempotency"
                             " (principal, key, method, path, body_hash, status, response, created_at)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                             " ON CONFLICT (principal, key) DO UPDATE SET method = excluded.method,"
                             " path = excluded.path, body_hash = excluded.body_hash,"
                             " status = excluded.status, response = excluded.response,"
                             " created_at = excluded.created_at");

  jb_sql_bind_text (stmt, 1, principal);
  jb_sql_bind_text (stmt, 2, key);
  jb_sql_bind_text (stmt, 3, method);
  jb_sql_bind_text (stmt, 4, path);
  jb_sql_bind_blob (stmt, 5, body_hash, body_hash_len);
  jb_sql_bind_int64 (stmt, 6, (int) status);
  jb_sql_bind_text (stmt, 7, response != NULL ? response : "");
  jb_sql_bind_int64 (stmt, 8, created_at);
  return jb_sql_run_deferred (stmt, "saving an idempotency record", error);
}

gboolean
jb_storage_prune_idempotency (JbStorage  *self,
                              gint64      older_than,
                              GError    **error)
{
  JbSqlStmt *stmt = prepare (self, "DELETE FROM idempotency WHERE created_at < ?1");

  jb_sql_bind_int64 (stmt, 1, older_than);
  return jb_sql_run (stmt, "pruning idempotency records", error);
}

/* Incidents' stored object only (the searched columns stay). */
gboolean
jb_storage_update_incident_data (JbStorage   *self,
                                 JsonObject  *incident,
                                 GError     **error)
{
  JbSqlStmt *stmt = prepare (self, "UPDATE incidents SET data = ?1 WHERE id = ?2");
  g_autofree char *text = object_to_text (incident);

  jb_sql_bind_text (stmt, 1, text);
  jb_sql_bind_text (stmt, 2, member_string (incident, "id"));
  return jb_sql_run_deferred (stmt, "updating an incident", error);
}

/* Clips */

gboolean
jb_storage_save_clip (JbStorage   *self,
                      JsonObject  *clip,
                      gint64       updated_at,
                      GError     **error)
{
  JbSqlStmt *stmt = prepare (self,
                             "INSERT INTO clips"
                             " (id, incident_id, terminal_id, state, received, updated_at, keep_until, data)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                             " ON CONFLICT (id) DO UPDATE SET incident_id = excluded.incident_id,"
                             " terminal_id = excluded.terminal_id, state = excluded.state,"
                             " received = excluded.received, updated_at = excluded.updated_at,"
                             " keep_until = excluded.keep_until, data = excluded.data");
  g_autofree char *text = object_to_text (clip);
  gint64 keep_until = member_int (clip, "keep_until", -1);

  jb_sql_bind_text (stmt, 1, member_string (clip, "id"));
  jb_sql_bind_text (stmt, 2, member_string (clip, "incident_id"));
  jb_sql_bind_text (stmt, 3, member_string (clip, "terminal_id"));
  jb_sql_bind_text (stmt, 4, member_string (clip, "state"));
  jb_sql_bind_int64 (stmt, 5, member_int (clip, "received", 0));
  jb_sql_bind_int64 (stmt, 6, updated_at);
  if (keep_until >= 0)
    jb_sql_bind_int64 (stmt, 7, keep_until);
  else
    jb_sql_bind_null (stmt, 7);
  jb_sql_bind_text (stmt, 8, text);
  return jb_sql_run_deferred (stmt, "saving a clip", error);
}

JsonObject *
jb_storage_get_clip (JbStorage  *self,
                     const char *id)
{
  return get_one (self, prepare (self, "SELECT data FROM clips WHERE id = ?1"), id,
                  data_row_to_object);
}

gboolean
jb_storage_delete_clip (JbStorage   *self,
                        const char  *id,
                        GError     **error)
{
  JbSqlStmt *stmt = prepare (self, "DELETE FROM clips WHERE id = ?1");

  jb_sql_bind_text (stmt, 1, id);
  return jb_sql_run (stmt, "deleting a clip", error);
}

GPtrArray *
jb_storage_list_clips_to_sweep (JbStorage  *self,
                                gint64      now,
                                gint64      idle_before,
                                GError    **error)
{
  JbSqlStmt *stmt = prepare (self,
                             "SELECT data FROM clips"
                             " WHERE (state = 'uploading' AND updated_at < ?1)"
                             "    OR (state = 'verified' AND keep_until <= ?2)"
                             " ORDER BY id");

  jb_sql_bind_int64 (stmt, 1, idle_before);
  jb_sql_bind_int64 (stmt, 2, now);
  return collect_objects (self, stmt, data_row_to_object, "reading clips to sweep", error);
}

GPtrArray *
jb_storage_list_clip_ids (JbStorage  *self,
                          GError    **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  JbSqlStmt *stmt = prepare (self, "SELECT id FROM clips");
  JbSqlStep rc;

  while ((rc = step (self, stmt)) == JB_SQL_ROW)
    g_ptr_array_add (ids, g_strdup (jb_sql_column_text (stmt, 0)));
  jb_sql_reset (stmt);
  if (rc != JB_SQL_DONE)
    {
      fail (self, error, "reading clip ids");
      return NULL;
    }
  return g_steal_pointer (&ids);
}

gboolean
jb_storage_add_clip_audit (JbStorage   *self,
                           const char  *clip_id,
                           const char  *incident_id,
                           gint64       time,
                           const char  *username,
                           const char  *action,
                           const char  *reason,
                           gint64       frame_ms,
                           GError     **error)
{
  JbSqlStmt *stmt = prepare (self,
                             "INSERT INTO clip_audit"
                             " (clip_id, incident_id, time, username, action, reason, frame_ms)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");

  jb_sql_bind_text (stmt, 1, clip_id);
  jb_sql_bind_text (stmt, 2, incident_id);
  jb_sql_bind_int64 (stmt, 3, time);
  jb_sql_bind_text (stmt, 4, username);
  jb_sql_bind_text (stmt, 5, action);
  jb_sql_bind_text (stmt, 6, reason);
  if (frame_ms >= 0)
    jb_sql_bind_int64 (stmt, 7, frame_ms);
  else
    jb_sql_bind_null (stmt, 7);
  return jb_sql_run_deferred (stmt, "recording a clip audit row", error);
}

static JsonObject *
audit_row_to_object (JbSqlStmt *stmt)
{
  JsonObject *item = json_object_new ();

  json_object_set_int_member (item, "time", jb_sql_column_int64 (stmt, 0));
  json_object_set_string_member (item, "username", jb_sql_column_text (stmt, 1));
  json_object_set_string_member (item, "action", jb_sql_column_text (stmt, 2));
  if (jb_sql_column_is_null (stmt, 3))
    json_object_set_null_member (item, "reason");
  else
    json_object_set_string_member (item, "reason", jb_sql_column_text (stmt, 3));
  if (!jb_sql_column_is_null (stmt, 4))
    json_object_set_int_member (item, "frame_ms", jb_sql_column_int64 (stmt, 4));
  return item;
}

GPtrArray *
jb_storage_list_clip_audit (JbStorage   *self,
                            const char  *clip_id,
                            GError     **error)
{
  JbSqlStmt *stmt = prepare (self,
                             "SELECT time, username, action, reason, frame_ms FROM clip_audit"
                             " WHERE clip_id = ?1 ORDER BY id");

  jb_sql_bind_text (stmt, 1, clip_id);
  return collect_objects (self, stmt, audit_row_to_object, "reading clip audit rows", error);
}
