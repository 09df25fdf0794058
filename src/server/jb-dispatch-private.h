/* jb-dispatch-private.h — what the jb-dispatch-*.c files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "jb-dispatch.h"
#include "jb-enums.h"
#include "jb-error.h"
#include "jb-json.h"
#include "jb-jurisdiction.h"
#include "jb-position-batch.h"
#include "jb-storage.h"

G_BEGIN_DECLS

#define JB_HASH_BYTES 32  /* BLAKE2b-256 for tokens, secrets and bodies */

typedef struct
{
  gint64   last_seen;   /* in memory, flushed in batches */
  gint64   flushed;     /* the value last written */
  guint    interval_s;
  gboolean online;
} JbLiveness;

typedef struct _JbPatrol JbPatrol;

typedef enum
{
  JB_ALERT_LEFT_GRID,
  JB_ALERT_SILENT,
} JbAlertReason;

typedef struct
{
  gint64  seq;
  char   *frame;
} JbPendingEvent;

struct _JbDispatch
{
  GObject            parent_instance;

  JbDispatchOptions  options;
  JbStorage         *storage;
  JbJurisdiction    *jurisdiction;
  JsonObject        *city;
  JsonObject        *basemap;      /* config.basemap, NULL without --tiles */
  char              *incident_prefix;
  gint64             seq;          /* last seq written, in the open transaction too */
  GArray            *pending;      /* JbPendingEvent of the open transaction */
  GQueue             outbox;       /* JbPendingEvent* committed, not yet emitted */
  gboolean           emitting;
  gint64             emitted;      /* last seq emitted, by this server or read from the log */
  guint              tail_id;      /* reads what other servers committed */
  JbStorage         *tail_reader;  /* PostgreSQL: the tail's own connection */
  GThread           *tail_thread;  /* reading on it */
  gpointer           tail_read;    /* that read, until it is finished on the main loop */
  char              *server_id;    /* names this process in the duty lease */
  gboolean           holds_duty;   /* the lease was ours at the last maintenance tick */
  GHashTable        *liveness;     /* terminal id → JbLiveness */
  guint              maintenance_id;
  gint64             started_at;   /* silence is counted from here at the earliest */
  GHashTable        *patrols;      /* unit id → JbPatrol (grid members) */
  GHashTable        *alert_latch;  /* "unit\nreason" → id of its uncleared alert */
  gboolean           patrols_dirty;
  char              *data_dir;     /* clip files */
  GHashTable        *clip_uploads; /* clip id → TRUE while a chunk arrives */
  GHashTable        *clip_progress; /* clip id → gint64* time of the last clip.progress */
  guint              clip_sweep_id;
  GThreadPool       *login_pool;   /* password checks; NULL with login_threads 0 */
  GHashTable        *login_records; /* "u:NAME" / "a:ADDRESS" → failures */
  guint              login_in_flight;
  /* jb-dispatch-positions.c */
  GHashTable        *fixes_unflushed;  /* unit id → newest fix not yet written */
  GHashTable        *fixes_flushing;   /* unit id → fix of the round being written (or that failed, tried again) */
  GHashTable        *fixes_unsent;     /* unit id → newest fix not yet streamed */
  GHashTable        *fixes_current;    /* unit id → newest fix of every unit; NULL: not read yet */
  guint              positions_flush_id;
  guint              positions_send_id;
  guint              positions_poll_id;
  gint64             positions_polled_after; /* updated_at of the next read, less its margin */
  gulong             positions_event_id;
  JbStorage         *positions_storage; /* PostgreSQL: the positions' own connection */
  GThread           *positions_thread;  /* writing a round on positions_storage */
  gpointer           positions_round;   /* that round, until it is finished on the main loop */
  gboolean           positions_flush_due; /* the timer fired during that round */
  JbStorage         *positions_reader;  /* PostgreSQL: reads other servers' fixes */
  GThread           *positions_poll_thread;
  gpointer           positions_poll_read; /* the read under way on it */
  gboolean           lazy_write;        /* a WRITES_LAZY route runs */
  gint64             lazy_seq_before;   /* its transaction's, once it opened one */
  gint64             lock_wait_us;      /* in begin_write, in all (for Server-Timing) */
};



typedef struct
{
  JbDispatch  *self;
  const char  *method;
  const char  *path;
  char       **parts;       /* path after /api/v1/, split on '/' */
  guint        n_parts;
  GHashTable  *query;
  JsonObject  *body;        /* an empty object when there was no body */
  JbPositionBatch *positions; /* the body, when the route's scanner read it */
  gint64       now;

  /* People */
  JsonObject  *user;
  JbRole       role;
  const char  *username;
  const char  *user_station_id;
  GStrv        user_station_ids;  /* the user's scope; NULL or empty: none */
  guint8       token_hash[JB_HASH_BYTES];

  /* Devices */
  JsonObject  *terminal;
  const char  *terminal_id;

  /* The answer */
  guint        status;
  JsonNode    *answer;      /* NULL for an empty body */
  char        *answer_text; /* instead of @answer, for answers written as text */
  GHashTable  *answer_headers; /* extra response headers, or NULL */
} JbRequest;

typedef gboolean (*JbRouteHandler) (JbRequest  *req,
                                    GError    **error);
/* Reads a body without a JSON tree; FALSE leaves it to the parser. */
typedef gboolean (*JbRouteScanner) (JbRequest  *req,
                                    GBytes     *body);

/* jb-dispatch.c */
gint64      _jb_now_ms                     (void);
gboolean    _jb_dispatch_emit              (JbDispatch  *self,
                                            const char  *type,
                                            gint64       time,
                                            const char  *data,
                                            gsize        data_len,
                                            GError     **error);
gboolean    _jb_dispatch_emit_object       (JbDispatch  *self,
                                            const char  *type,
                                            gint64       time,
                                            const char  *member,
                                            JsonObject  *object,
                                            const char  *change,
                                            GError     **error);
JsonObject *_jb_dispatch_config            (JbDispatch  *self);
void        _jb_dispatch_session_ended     (JbDispatch  *self,
                                            const guint8 *token_hash);
void        _jb_dispatch_reload_stations   (JbDispatch  *self);
void        _jb_dispatch_load_city         (JbDispatch  *self);
void        _jb_dispatch_overlay_liveness  (JbDispatch  *self,
                                            JsonObject  *terminal);
void        _jb_dispatch_track_terminal    (JbDispatch  *self,
                                            JsonObject  *terminal);

void        _jb_request_answer             (JbRequest   *req,
                                            guint        status,
                                            JsonObject  *object);
gboolean    _jb_request_check_members      (JbRequest   *req,
                                            const char * const *allowed,
                                            GError     **error);
gboolean    _jb_request_require_commander  (JbRequest   *req,
                                            GError     **error);
/* Whether @station_id is in the signed-in user's scope (its stations). */
gboolean    _jb_request_in_scope           (JbRequest   *req,
                                            const char  *station_id);
gboolean    _jb_request_may_command        (JbRequest   *req,
                                            const char  *station_id,
                                            const char  *what,
                                            GError     **error);
const char *_jb_request_actor              (JbRequest   *req);
void        _jb_request_add_header         (JbRequest   *req,
                                            const char  *name,
                                            gint64       value);

/* Within a WRITES_LAZY route, opens its write transaction (the writer
 * lock) before the first write; elsewhere a transaction is open already. */
gboolean    _jb_dispatch_need_write        (JbDispatch  *self,
                                            GError     **error);

/* Transactions and credentials for the work done outside a route. */
gboolean    _jb_dispatch_begin_write       (JbDispatch  *self,
                                            gint64      *out_seq_before,
                                            GError     **error);
gboolean    _jb_dispatch_commit            (JbDispatch  *self,
                                            gint64       seq_before,
                                            GError     **error);
void        _jb_dispatch_rollback          (JbDispatch  *self,
                                            gint64       seq_before);
gboolean    _jb_dispatch_authenticate_device (JbDispatch  *self,
                                              JbRequest   *req,
                                              const char  *authorization,
                                              GError     **error);
gboolean    _jb_dispatch_authenticate_person (JbDispatch  *self,
                                              JbRequest   *req,
                                              const char  *authorization,
                                              GError     **error);

/* jb-dispatch-reads.c */
gboolean    _jb_route_login                (JbRequest *req, GError **error);
gboolean    _jb_route_logout               (JbRequest *req, GError **error);
gboolean    _jb_route_snapshot             (JbRequest *req, GError **error);
gboolean    _jb_route_config               (JbRequest *req, GError **error);
gboolean    _jb_route_health               (JbRequest *req, GError **error);
gboolean    _jb_route_list_stations        (JbRequest *req, GError **error);
gboolean    _jb_route_list_units           (JbRequest *req, GError **error);
gboolean    _jb_route_list_terminals       (JbRequest *req, GError **error);
gboolean    _jb_route_get_unit             (JbRequest *req, GError **error);
gboolean    _jb_route_get_terminal         (JbRequest *req, GError **error);
gboolean    _jb_route_list_incidents       (JbRequest *req, GError **error);
gboolean    _jb_route_get_incident         (JbRequest *req, GError **error);

/* jb-dispatch-incidents.c */
gboolean    _jb_route_create_incident      (JbRequest *req, GError **error);
gboolean    _jb_route_acknowledge          (JbRequest *req, GError **error);
gboolean    _jb_route_assign               (JbRequest *req, GError **error);
gboolean    _jb_route_unassign             (JbRequest *req, GError **error);
gboolean    _jb_route_add_note             (JbRequest *req, GError **error);
gboolean    _jb_route_resolve              (JbRequest *req, GError **error);
gboolean    _jb_route_close                (JbRequest *req, GError **error);
gboolean    _jb_route_unit_status          (JbRequest *req, GError **error);

typedef struct
{
  JbIncidentType    type;
  gint64            priority;
  JbIncidentSource  source;
  double            lat;
  double            lon;
  const char       *address;
  const char       *description;
  JsonObject       *venue;        /* nullable */
  const char       *terminal_id;  /* nullable */
  const char       *reported_by;
} JbIncidentDraft;

JsonObject *_jb_incident_create            (JbRequest              *req,
                                            const JbIncidentDraft  *draft,
                                            GError                **error);
JsonObject *_jb_incident_load              (JbRequest   *req,
                                            const char  *id,
                                            GError     **error);
gboolean    _jb_incident_set_assignment_state (JbRequest   *req,
                                               JsonObject  *incident,
                                               JsonObject  *unit,
                                               JbAssignmentState state,
                                               GError     **error);
gboolean    _jb_incident_add_procedure_step (JbRequest   *req,
                                             JsonObject  *incident,
                                             const char  *unit_id,
                                             JbProcedureStep step,
                                             GError     **error);

gboolean    _jb_incident_save              (JbRequest   *req,
                                            JsonObject  *incident,
                                            const char  *change,
                                            GError     **error);
JsonObject *_jb_incident_load_commanded    (JbRequest   *req,
                                            GError     **error);
/* jb_incident_status_is_open() / _is_active() of a stored incident. */
gboolean    _jb_incident_is_open           (JsonObject  *incident);
gboolean    _jb_incident_is_active         (JsonObject  *incident);

/* jb-dispatch-callouts.c */
gboolean    _jb_route_create_callout       (JbRequest *req, GError **error);
gboolean    _jb_route_device_callouts      (JbRequest *req, GError **error);
gboolean    _jb_route_device_callout_answer (JbRequest *req, GError **error);

/* Reads a strict optional/required {"lat", "lon"} member "location". */
gboolean    _jb_get_location               (JsonObject  *object,
                                            gboolean     required,
                                            gboolean    *out_present,
                                            double      *out_lat,
                                            double      *out_lon,
                                            GError     **error);

/* jb-dispatch-login.c */
gboolean    _jb_login_verify               (const char  *stored_hash,
                                            const char  *password);
JsonObject *_jb_login_open_session         (JbDispatch  *self,
                                            JsonObject  *user,
                                            const char  *username,
                                            gint64       now,
                                            GError     **error);
void        _jb_login_start                (JbDispatch  *self);
void        _jb_login_stop                 (JbDispatch  *self);
void        _jb_login_prune                (JbDispatch  *self,
                                            gint64       now);

/* jb-dispatch-stations.c */
gboolean    _jb_route_station_roster       (JbRequest *req, GError **error);

/* jb-dispatch-grids.c */
gboolean    _jb_route_list_grids           (JbRequest *req, GError **error);
gboolean    _jb_route_grid_members         (JbRequest *req, GError **error);
gboolean    _jb_dispatch_import_demo_grids (JbDispatch  *self,
                                            JbDemoCity  *city,
                                            GError     **error);

/* jb-dispatch-alerts.c */
void        _jb_patrol_free                (gpointer     data);
void        _jb_dispatch_patrols_changed   (JbDispatch  *self);
gboolean    _jb_dispatch_patrol_fix        (JbDispatch  *self,
                                            const char  *unit_id,
                                            double       lat,
                                            double       lon,
                                            gint64       time,
                                            gint64       now,
                                            GError     **error);
gboolean    _jb_dispatch_check_silence     (JbDispatch  *self,
                                            gint64       now,
                                            GError     **error);
gboolean    _jb_route_list_alerts          (JbRequest *req, GError **error);
gboolean    _jb_route_acknowledge_alert    (JbRequest *req, GError **error);

/* jb-dispatch-devices.c */
gboolean    _jb_route_heartbeat            (JbRequest *req, GError **error);
gboolean    _jb_route_position             (JbRequest *req, GError **error);
gboolean    _jb_route_positions            (JbRequest *req, GError **error);
gboolean    _jb_scan_positions             (JbRequest *req, GBytes *body);
gboolean    _jb_route_alarm                (JbRequest *req, GError **error);
gboolean    _jb_route_procedure            (JbRequest *req, GError **error);
gboolean    _jb_route_device_assignment    (JbRequest *req, GError **error);

/* jb-dispatch-positions.c */
void        _jb_dispatch_positions_class_init (GObjectClass *klass);
void        _jb_dispatch_positions_init    (JbDispatch  *self);
void        _jb_dispatch_positions_start   (JbDispatch  *self,
                                            const char  *db_target);
void        _jb_dispatch_positions_stop    (JbDispatch  *self);
void        _jb_dispatch_positions_finalize (JbDispatch *self);
/* Keeps @position as @unit_id's newest fix: written within
 * position_flush_ms, streamed within 50 ms. */
void        _jb_dispatch_accept_fix        (JbDispatch  *self,
                                            const char  *unit_id,
                                            const char  *org_id,
                                            const JbStoragePosition *position);
/* The newest fix time of @unit_id, @stored_time (the database's) or a
 * newer one not yet written. */
gint64      _jb_dispatch_fix_time          (JbDispatch  *self,
                                            const char  *unit_id,
                                            gint64       stored_time);
/* Writes the fixes not yet written, in one transaction of their own. */
gboolean    _jb_dispatch_flush_positions   (JbDispatch  *self,
                                            GError     **error);
/* jb_storage_get_unit/list_units with the newest fix not yet written. */
JsonObject *_jb_dispatch_get_unit          (JbDispatch  *self,
                                            const char  *id);
GPtrArray  *_jb_dispatch_list_units        (JbDispatch  *self,
                                            GError     **error);

/* jb-dispatch-clips.c */
gboolean    _jb_dispatch_clips_init        (JbDispatch  *self,
                                            const char  *db_path,
                                            GError     **error);
gboolean    _jb_clip_id_is_valid           (const char  *id);
char       *_jb_clip_path                  (JbDispatch  *self,
                                            const char  *id,
                                            JbClipFile   kind);
gboolean    _jb_route_create_clip          (JbRequest *req, GError **error);
gboolean    _jb_route_clip_offset          (JbRequest *req, GError **error);
gboolean    _jb_route_clip_streamed_only   (JbRequest *req, GError **error);
gboolean    _jb_route_get_clip             (JbRequest *req, GError **error);
gboolean    _jb_route_clip_streamed_content (JbRequest *req, GError **error);
gboolean    _jb_route_clip_audit           (JbRequest *req, GError **error);
gboolean    _jb_route_record_clip_audit    (JbRequest *req, GError **error);
gboolean    _jb_route_push_clip            (JbRequest *req, GError **error);

/* Reading validated members. */
const char *_jb_member_string              (JsonObject *object,
                                            const char *member);
gint64      _jb_member_int                 (JsonObject *object,
                                            const char *member,
                                            gint64      fallback);
JsonObject *_jb_member_object              (JsonObject *object,
                                            const char *member);
JsonArray  *_jb_member_array               (JsonObject *object,
                                            const char *member);

G_END_DECLS
