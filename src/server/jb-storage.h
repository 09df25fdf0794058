/* jb-storage.h — every SQL statement of the server, behind one type
 *
 * JbStorage is the only place that holds SQL; it runs it on SQLite or
 * PostgreSQL through jb-sql.h (see docs/storage.md). It speaks in
 * protocol objects (JsonObject) and plain values; it validates nothing
 * (JbDispatch does), it only stores and reads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _JbStorage JbStorage;

/* Opens the database @target names (an SQLite file path, created when
 * needed, or a PostgreSQL URI or key=value string) and migrates its
 * schema. */
JbStorage  *jb_storage_open                (const char   *target,
                                            GError      **error);
void        jb_storage_free                (JbStorage    *self);
/* A second connection to the database @self was opened on (already
 * migrated), for another thread: PostgreSQL only, NULL on SQLite, whose
 * one writer is the main connection. */
JbStorage  *jb_storage_open_sibling        (JbStorage    *self,
                                            const char   *target,
                                            GError      **error);

/* Transactions. begin_write takes the write lock at once (IMMEDIATE);
 * begin_read gives a consistent view for several SELECTs. */
gboolean    jb_storage_begin_write         (JbStorage    *self,
                                            GError      **error);
/* begin_write and get_event_bounds, in one round trip on PostgreSQL. */
gboolean    jb_storage_begin_write_bounds  (JbStorage    *self,
                                            gint64       *out_oldest,
                                            gint64       *out_latest,
                                            GError      **error);
gboolean    jb_storage_begin_read          (JbStorage    *self,
                                            GError      **error);
gboolean    jb_storage_commit              (JbStorage    *self,
                                            GError      **error);
void        jb_storage_rollback            (JbStorage    *self);
gboolean    jb_storage_in_transaction      (JbStorage    *self);

/* meta: small key → text settings and counters. */
char       *jb_storage_get_meta            (JbStorage    *self,
                                            const char   *key);
gboolean    jb_storage_set_meta            (JbStorage    *self,
                                            const char   *key,
                                            const char   *value,
                                            GError      **error);
/* Increments the integer counter @key (absent counts as 0) and returns its
 * new value, or 0 on error. */
gint64      jb_storage_next_counter        (JbStorage    *self,
                                            const char   *key,
                                            GError      **error);
/* jb_storage_next_counter() of two different counters in one statement
 * (one round trip under the writer lock): FALSE on error. */
gboolean    jb_storage_next_counter_pair   (JbStorage    *self,
                                            const char   *key1,
                                            const char   *key2,
                                            gint64       *out1,
                                            gint64       *out2,
                                            GError      **error);

/* TRUE when the database holds no station, unit, terminal nor user. */
gboolean    jb_storage_is_empty            (JbStorage    *self);

/* Stations: the protocol object is stored whole. */
gboolean    jb_storage_insert_station      (JbStorage    *self,
                                            JsonObject   *station,
                                            GError      **error);
gboolean    jb_storage_update_station      (JbStorage    *self,
                                            JsonObject   *station,
                                            GError      **error);
GPtrArray  *jb_storage_list_stations       (JbStorage    *self,
                                            GError      **error);
JsonObject *jb_storage_get_station         (JbStorage    *self,
                                            const char   *id);

/* Grids (网格): the protocol Grid object, keyed by id. */
gboolean    jb_storage_insert_grid         (JbStorage    *self,
                                            JsonObject   *grid,
                                            GError      **error);
gboolean    jb_storage_update_grid         (JbStorage    *self,
                                            JsonObject   *grid,
                                            GError      **error);
GPtrArray  *jb_storage_list_grids          (JbStorage    *self,
                                            GError      **error);
JsonObject *jb_storage_get_grid            (JbStorage    *self,
                                            const char   *id);

/* Patrol alerts: the protocol Alert object, keyed by id; save inserts or
 * replaces. */
gboolean    jb_storage_save_alert          (JbStorage    *self,
                                            JsonObject   *alert,
                                            GError      **error);
GPtrArray  *jb_storage_list_uncleared_alerts (JbStorage  *self,
                                              GError    **error);
JsonObject *jb_storage_get_alert           (JbStorage    *self,
                                            const char   *id);

/* Call-out recipients: @pending while the unit may still answer. */
gboolean    jb_storage_set_callout_recipient (JbStorage  *self,
                                              const char *callout_id,
                                              const char *unit_id,
                                              const char *incident_id,
                                              gboolean    pending,
                                              GError    **error);
/* The incident of a call-out that called @unit_id, NULL if it did not. */
char       *jb_storage_get_callout_incident (JbStorage  *self,
                                             const char *callout_id,
                                             const char *unit_id);
/* {callout_id, unit_id, incident_id} of the pending call-outs of @unit_id,
 * or (when @org_id is not NULL: a gateway) of every unit of @org_id too. */
GPtrArray  *jb_storage_list_pending_callouts (JbStorage  *self,
                                              const char *unit_id,
                                              const char *org_id,
                                              GError    **error);

/* Units: relational columns; positions live in their own table, so a
 * position update is one small write. */
gboolean    jb_storage_insert_unit         (JbStorage    *self,
                                            JsonObject   *unit,
                                            GError      **error);
JsonObject *jb_storage_get_unit            (JbStorage    *self,
                                            const char   *id);
GPtrArray  *jb_storage_list_units          (JbStorage    *self,
                                            GError      **error);
/* Appends every unit as a JSON array (the same objects as list_units),
 * written straight from the rows: the snapshot's largest part. */
gboolean    jb_storage_append_units_json   (JbStorage    *self,
                                            GString      *out,
                                            GError      **error);
gboolean    jb_storage_update_unit_status  (JbStorage    *self,
                                            const char   *id,
                                            const char   *status,
                                            const char   *incident_id,
                                            gint64        updated_at,
                                            GError      **error);

typedef struct
{
  double  lat;
  double  lon;
  double  heading;   /* NAN when unknown */
  double  speed;     /* NAN when unknown */
  double  accuracy;  /* NAN when unknown */
  gint64  time;
} JbStoragePosition;

/* The few columns the position flood needs, without building an object.
 * Returns FALSE when there is no such unit. @out_org_id is owned by the
 * storage and valid until the next call. */
gboolean    jb_storage_peek_unit           (JbStorage    *self,
                                            const char   *id,
                                            const char  **out_org_id,
                                            gint64       *out_position_time);
/* peek_unit for @n ids at once (one query on PostgreSQL): for each
 * found, @out_found[i] TRUE, @out_org_ids[i] a new string (NULL when the
 * unit has no organisation) and @out_position_times[i] (G_MININT64 when
 * it has no position). */
gboolean    jb_storage_peek_units          (JbStorage           *self,
                                            const char * const  *ids,
                                            guint                n,
                                            gboolean            *out_found,
                                            char               **out_org_ids,
                                            gint64              *out_position_times,
                                            GError             **error);
/* @org_id is the unit's (from peek_unit): positions are kept by
 * organisation. */
gboolean    jb_storage_update_unit_position (JbStorage              *self,
                                             const char             *id,
                                             const char             *org_id,
                                             const JbStoragePosition *position,
                                             gint64                  updated_at,
                                             GError                **error);

/* Names this process on the positions it writes, so that its reads of
 * other servers' fixes skip its own. */
void        jb_storage_set_writer          (JbStorage    *self,
                                            const char   *writer);

typedef struct
{
  char              *org_id;
  char              *unit_id;
  JbStoragePosition  position;
  gint64             updated_at;
} JbStoredFix;

void        jb_stored_fix_free             (gpointer      fix);

/* How far back a reader of other servers' fixes must go behind the
 * newest updated_at it saw, in ms: 0 on PostgreSQL, whose stamps grow in
 * commit order (the database's clock, under the positions lock); on
 * SQLite, a margin for writers whose clocks or commits disagree. */
gint64      jb_storage_positions_read_margin (JbStorage  *self);

/* Writes @n fixes (their updated_at is ignored) in one transaction of
 * its own, stamped with the time the positions lock was taken. On
 * PostgreSQL one statement for the lot, under a lock of the position
 * writers alone (not the writer lock: commands on other servers do not
 * wait for it); on SQLite under the writer lock, row by row. */
gboolean    jb_storage_write_positions     (JbStorage          *self,
                                            JbStoredFix * const *fixes,
                                            guint               n,
                                            GError            **error);

/* The positions other writers wrote after @updated_after (ms), oldest
 * write first: JbStoredFix items. */
GPtrArray  *jb_storage_list_positions_since (JbStorage   *self,
                                             gint64       updated_after,
                                             GError     **error);

/* Terminals. @secret_hash is the BLAKE2b hash of the device secret. */
gboolean    jb_storage_insert_terminal     (JbStorage    *self,
                                            JsonObject   *terminal,
                                            const guint8 *secret_hash,
                                            gsize         secret_hash_len,
                                            GError      **error);
JsonObject *jb_storage_get_terminal        (JbStorage    *self,
                                            const char   *id);
GPtrArray  *jb_storage_list_terminals      (JbStorage    *self,
                                            GError      **error);
/* The terminal and its stored secret hash (*@out_secret_hash, a new
 * GBytes), in one statement; NULL (and no hash) when no such terminal. */
JsonObject *jb_storage_get_terminal_with_secret (JbStorage  *self,
                                                 const char *id,
                                                 GBytes    **out_secret_hash);
gboolean    jb_storage_set_terminal_online (JbStorage    *self,
                                            const char   *id,
                                            gboolean      online,
                                            gint64        last_seen_at,
                                            GError      **error);
gboolean    jb_storage_set_terminal_last_seen (JbStorage  *self,
                                               const char *id,
                                               gint64      last_seen_at,
                                               GError    **error);
/* The same for @n terminals, in one statement on PostgreSQL. */
gboolean    jb_storage_set_terminals_last_seen (JbStorage           *self,
                                                const char * const  *ids,
                                                const gint64        *last_seen_at,
                                                guint                n,
                                                GError             **error);

/* TRUE, with @error (may be NULL: then the failure is only forgotten),
 * when a read since the last call failed in the database rather than
 * finding nothing: a lookup that returned NULL because the connection
 * was lost must not read as "unknown session". The error is
 * JB_ERROR_UNAVAILABLE for a lost connection, logged in full. */
gboolean    jb_storage_take_read_error     (JbStorage    *self,
                                            GError      **error);

/* Users and sessions. */
gboolean    jb_storage_insert_user         (JbStorage    *self,
                                            const char   *username,
                                            const char   *password_hash,
                                            const char   *display_name,
                                            const char   *role,
                                            const char   *station_id,
                                            GError      **error);
/* The protocol user object, plus "password_hash" when @with_hash. */
/* Adds a station to the user's scope (a set; the first one is
 * users.station_id, added by jb_storage_insert_user). */
gboolean    jb_storage_add_user_station    (JbStorage    *self,
                                            const char   *username,
                                            const char   *station_id,
                                            GError      **error);
/* The user with "station_ids" (every station of its scope, its
 * station_id first; empty for none). */
JsonObject *jb_storage_get_user            (JbStorage    *self,
                                            const char   *username,
                                            gboolean      with_hash);
gboolean    jb_storage_insert_session      (JbStorage    *self,
                                            const guint8 *token_hash,
                                            gsize         token_hash_len,
                                            const char   *username,
                                            gint64        created_at,
                                            gint64        expires_at,
                                            GError      **error);
/* The user of an unexpired session as jb_storage_get_user (without the
 * hash) gives it, in one statement; NULL when there is no such session or
 * user. */
JsonObject *jb_storage_get_session_user    (JbStorage    *self,
                                            const guint8 *token_hash,
                                            gsize         token_hash_len,
                                            gint64        now);
/* The username of an unexpired session, or NULL. */
char       *jb_storage_lookup_session      (JbStorage    *self,
                                            const guint8 *token_hash,
                                            gsize         token_hash_len,
                                            gint64        now);
/* The session's expiry time in ms, 0 when there is no such session. */
gint64      jb_storage_get_session_expiry  (JbStorage    *self,
                                            const guint8 *token_hash,
                                            gsize         token_hash_len);
gboolean    jb_storage_delete_session      (JbStorage    *self,
                                            const guint8 *token_hash,
                                            gsize         token_hash_len,
                                            GError      **error);
gboolean    jb_storage_prune_sessions      (JbStorage    *self,
                                            gint64        now,
                                            GError      **error);

/* Incidents: the protocol object is stored whole, with the columns that
 * are searched and sorted on beside it. */
gboolean    jb_storage_save_incident       (JbStorage    *self,
                                            JsonObject   *incident,
                                            const char   *search_text,
                                            GError      **error);
JsonObject *jb_storage_get_incident        (JbStorage    *self,
                                            const char   *id);

typedef enum
{
  JB_STORAGE_INCIDENTS_OPEN,
  JB_STORAGE_INCIDENTS_CLOSED,
  JB_STORAGE_INCIDENTS_ALL,
} JbStorageIncidentFilter;

/* Newest first. @q (lower case, may be NULL) is matched as a substring of
 * the search text; @from/@to bound created_at (inclusive; -1 for none). */
GPtrArray  *jb_storage_list_incidents      (JbStorage               *self,
                                            JbStorageIncidentFilter  filter,
                                            const char              *q,
                                            gint64                   from,
                                            gint64                   to,
                                            guint                    limit,
                                            GError                 **error);

/* Events. @data is the compact JSON text of the event's "data". */
gboolean    jb_storage_append_event        (JbStorage    *self,
                                            gint64        seq,
                                            const char   *type,
                                            gint64        time,
                                            const char   *data,
                                            gsize         data_len,
                                            GError      **error);
/* oldest and latest stored seq; both 0 when there are none. */
void        jb_storage_get_event_bounds    (JbStorage    *self,
                                            gint64       *out_oldest,
                                            gint64       *out_latest);
/* Up to @limit whole event frames (char *, compact JSON) with seq > @since,
 * in order. */
GPtrArray  *jb_storage_read_events         (JbStorage    *self,
                                            gint64        since,
                                            guint         limit,
                                            GError      **error);
/* Deletes events with seq < @oldest_kept. */
gboolean    jb_storage_prune_events        (JbStorage    *self,
                                            gint64        oldest_kept,
                                            GError      **error);

/* Idempotency records. lookup returns FALSE when there is none. */
typedef struct
{
  char   *method;
  char   *path;
  GBytes *body_hash;
  guint   status;
  char   *response;
} JbStorageIdempotency;

void        jb_storage_idempotency_clear   (JbStorageIdempotency *record);
gboolean    jb_storage_lookup_idempotency  (JbStorage            *self,
                                            const char           *principal,
                                            const char           *key,
                                            JbStorageIdempotency *out_record);
gboolean    jb_storage_save_idempotency    (JbStorage            *self,
                                            const char           *principal,
                                            const char           *key,
                                            const char           *method,
                                            const char           *path,
                                            const guint8         *body_hash,
                                            gsize                 body_hash_len,
                                            guint                 status,
                                            const char           *response,
                                            gint64                created_at,
                                            GError              **error);
gboolean    jb_storage_prune_idempotency   (JbStorage            *self,
                                            gint64                older_than,
                                            GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbStorage, jb_storage_free)

/* Rewrites an incident's stored object without touching its searched
 * columns (its clip list changed). */
gboolean    jb_storage_update_incident_data (JbStorage  *self,
                                             JsonObject *incident,
                                             GError    **error);

/* Clips: the Clip object of docs/protocol.md, stored whole. @updated_at
 * is the last upload activity (the abandon sweep's clock). */
gboolean    jb_storage_save_clip           (JbStorage    *self,
                                            JsonObject   *clip,
                                            gint64        updated_at,
                                            GError      **error);
JsonObject *jb_storage_get_clip            (JbStorage    *self,
                                            const char   *id);
gboolean    jb_storage_delete_clip         (JbStorage    *self,
                                            const char   *id,
                                            GError      **error);
/* Uploads idle since before @idle_before and verified clips whose
 * keep_until is at or before @now. */
GPtrArray  *jb_storage_list_clips_to_sweep (JbStorage    *self,
                                            gint64        now,
                                            gint64        idle_before,
                                            GError      **error);
/* Every clip id (char *), to find files that have no row. */
GPtrArray  *jb_storage_list_clip_ids       (JbStorage    *self,
                                            GError      **error);
/* Audit rows are only ever added. @reason may be NULL, @frame_ms -1. */
gboolean    jb_storage_add_clip_audit      (JbStorage    *self,
                                            const char   *clip_id,
                                            const char   *incident_id,
                                            gint64        time,
                                            const char   *username,
                                            const char   *action,
                                            const char   *reason,
                                            gint64        frame_ms,
                                            GError      **error);
/* Oldest first: {"time", "username", "action", "reason"|null, "frame_ms"?}. */
GPtrArray  *jb_storage_list_clip_audit     (JbStorage    *self,
                                            const char   *clip_id,
                                            GError      **error);

G_END_DECLS
