/* jb-dispatch.c — the object, routing, authentication, idempotency and events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-dispatch"

#include "jb-dispatch-private.h"

#include <sodium.h>
#include <string.h>
#include <unistd.h>

#define MAX_BODY_SIZE            (64 * 1024)
#define MAX_POSITIONS_BODY_SIZE  (1024 * 1024)
#define IDEMPOTENCY_KEEP_MS      (24 * 3600 * 1000LL)
#define TAIL_CHUNK               1024
#define DUTY_LEASE_KEY           "duty_lease"

typedef enum
{
  AUTH_NONE,
  AUTH_PERSON,
  AUTH_DEVICE,
} AuthKind;

/* How a route writes. LAZY routes (the device reports: a flood of them
 * on a busy city) run without a transaction and take the writer lock only
 * if they come to write (a fix raising or clearing a patrol alert):
 * otherwise every position batch would make every command on every server
 * wait behind it. */
typedef enum
{
  WRITES_NO,
  WRITES_YES,
  WRITES_LAZY,
} Writes;

typedef struct
{
  const char     *method;
  const char     *pattern;  /* segments after /api/v1/; "*" matches one */
  AuthKind        auth;
  Writes          writes;
  gboolean        body_optional;  /* an empty body reads as {} */
  JbRouteHandler  handler;
  JbRouteScanner  scan;     /* or NULL: the body is always parsed */
} Route;

static const Route routes[] = {
  { "POST", "session", AUTH_NONE, WRITES_YES, FALSE, _jb_route_login },
  { "DELETE", "session", AUTH_PERSON, WRITES_YES, TRUE, _jb_route_logout },
  { "GET", "snapshot", AUTH_PERSON, WRITES_NO, TRUE, _jb_route_snapshot },
  { "GET", "config", AUTH_PERSON, WRITES_NO, TRUE, _jb_route_config },
  { "GET", "health", AUTH_NONE, WRITES_NO, TRUE, _jb_route_health },
  { "GET", "stations", AUTH_PERSON, WRITES_NO, TRUE, _jb_route_list_stations },
  { "PUT", "stations/*/roster", AUTH_PERSON, WRITES_YES, FALSE, _jb_route_station_roster },
  { "GET", "grids", AUTH_PERSON, WRITES_NO, TRUE, _jb_route_list_grids },
  { "PUT", "grids/*/members", AUTH_PERSON, WRITES_YES, FALSE, _jb_route_grid_members },
  { "GET", "alerts", AUTH_PERSON, WRITES_NO, TRUE, _jb_route_list_alerts },
  { "POST", "alerts/*/acknowledge", AUTH_PERSON, WRITES_YES, TRUE, _jb_route_acknowledge_alert },
  { "GET", "units", AUTH_PERSON, WRITES_NO, TRUE, _jb_route_list_units },
  { "GET", "units/*", AUTH_PERSON, WRITES_NO, TRUE, _jb_route_get_unit },
  { "POST", "units/*/status", AUTH_PERSON, WRITES_YES, FALSE, _jb_route_unit_status },
  { "GET", "terminals", AUTH_PERSON, WRITES_NO, TRUE, _jb_route_list_terminals },
  { "GET", "terminals/*", AUTH_PERSON, WRITES_NO, TRUE, _jb_route_get_terminal },
  { "GET", "incidents", AUTH_PERSON, WRITES_NO, TRUE, _jb_route_list_incidents },
  { "POST", "incidents", AUTH_PERSON, WRITES_YES, FALSE, _jb_route_create_incident },
  { "GET", "incidents/*", AUTH_PERSON, WRITES_NO, TRUE, _jb_route_get_incident },
  { "POST", "incidents/*/acknowledge", AUTH_PERSON, WRITES_YES, TRUE, _jb_route_acknowledge },
  { "POST", "incidents/*/assignments", AUTH_PERSON, WRITES_YES, FALSE, _jb_route_assign },
  { "DELETE", "incidents/*/assignments/*", AUTH_PERSON, WRITES_YES, TRUE, _jb_route_unassign },
  { "POST", "incidents/*/notes", AUTH_PERSON, WRITES_YES, FALSE, _jb_route_add_note },
  { "POST", "incidents/*/resolve", AUTH_PERSON, WRITES_YES, FALSE, _jb_route_resolve },
  { "POST", "incidents/*/callouts", AUTH_PERSON, WRITES_YES, FALSE, _jb_route_create_callout },
  { "POST", "incidents/*/close", AUTH_PERSON, WRITES_YES, FALSE, _jb_route_close },
  { "POST", "device/heartbeat", AUTH_DEVICE, WRITES_LAZY, TRUE, _jb_route_heartbeat },
  { "POST", "device/position", AUTH_DEVICE, WRITES_LAZY, FALSE, _jb_route_position },
  { "POST", "device/positions", AUTH_DEVICE, WRITES_LAZY, FALSE, _jb_route_positions, _jb_scan_positions },
  { "POST", "device/alarm", AUTH_DEVICE, WRITES_YES, TRUE, _jb_route_alarm },
  { "GET", "device/callouts", AUTH_DEVICE, WRITES_NO, TRUE, _jb_route_device_callouts },
  { "POST", "device/callouts/*/answer", AUTH_DEVICE, WRITES_YES, FALSE, _jb_route_device_callout_answer },
  { "POST", "device/procedure", AUTH_DEVICE, WRITES_YES, FALSE, _jb_route_procedure },
  { "POST", "device/assignment", AUTH_DEVICE, WRITES_YES, FALSE, _jb_route_device_assignment },
  { "POST", "device/clips", AUTH_DEVICE, WRITES_YES, FALSE, _jb_route_create_clip },
  { "HEAD", "device/clips/*/content", AUTH_DEVICE, WRITES_NO, TRUE, _jb_route_clip_offset },
  { "PUT", "device/clips/*/content", AUTH_DEVICE, WRITES_NO, TRUE, _jb_route_clip_streamed_only },
  { "GET", "clips/*", AUTH_PERSON, WRITES_NO, TRUE, _jb_route_get_clip },
  { "GET", "clips/*/content", AUTH_PERSON, WRITES_NO, TRUE, _jb_route_clip_streamed_content },
  { "GET", "clips/*/thumbnail", AUTH_PERSON, WRITES_NO, TRUE, _jb_route_clip_streamed_content },
  { "GET", "clips/*/audit", AUTH_PERSON, WRITES_NO, TRUE, _jb_route_clip_audit },
  { "POST", "clips/*/audit", AUTH_PERSON, WRITES_YES, FALSE, _jb_route_record_clip_audit },
  { "POST", "clips/*/push", AUTH_PERSON, WRITES_YES, TRUE, _jb_route_push_clip },
};

enum
{
  SIGNAL_EVENT,
  SIGNAL_SESSION_ENDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (JbDispatch, jb_dispatch, G_TYPE_OBJECT)

static gboolean maintenance_cb (gpointer user_data);
static gboolean tail_cb        (gpointer user_data);
static void     release_duty   (JbDispatch *self);
static void     finish_tail_read (JbDispatch *self,
                                  gboolean    emit);
static void     request_clear  (JbRequest *req);

static gboolean
clip_sweep_cb (gpointer user_data)
{
  JbDispatch *self = JB_DISPATCH (user_data);

  /* A duty: the server holding the lease sweeps for all. */
  if (self->holds_duty)
    jb_dispatch_sweep_clips (self);
  return G_SOURCE_CONTINUE;
}

gint64
_jb_now_ms (void)
{
  return g_get_real_time () / 1000;
}

void
jb_dispatch_options_init (JbDispatchOptions *options)
{
  options->target_guard_s = 60;
  options->target_police_s = 180;
  options->target_reinforce_s = 300;
  options->event_retention = 1000000;
  options->maintenance_ms = 5000;
  options->tail_ms = 50;
  options->lease_ms = 0;
  options->patrol_silence_s = 600;
  options->data_dir = NULL;
  options->clip_max_size = 512 * 1024 * 1024LL;
  options->clip_abandon_after_s = 24 * 3600;
  options->clip_retention_days = 183;
  options->clip_sweep_interval_s = 3600;
  /* Half the cores, at least one, at most four: the rest serve everyone
   * else while logins pour in. */
  options->login_threads = CLAMP (g_get_num_processors () / 2, 1, 4);
  options->login_max_failures = 10;
  options->login_max_failures_address = 30;
  options->login_lockout_s = 60;
  options->login_delay_ms = 250;
  options->position_flush_ms = 1000;
}

static void
pending_event_clear (gpointer data)
{
  g_free (((JbPendingEvent *) data)->frame);
}

static void
jb_dispatch_dispose (GObject *object)
{
  JbDispatch *self = (JbDispatch *) object;

  g_clear_handle_id (&self->maintenance_id, g_source_remove);
  g_clear_handle_id (&self->clip_sweep_id, g_source_remove);
  g_clear_handle_id (&self->tail_id, g_source_remove);
  if (self->tail_read != NULL)
    finish_tail_read (self, FALSE);
  g_clear_pointer (&self->tail_reader, jb_storage_free);
  _jb_login_stop (self);
  _jb_dispatch_positions_stop (self);
  if (self->storage != NULL)
    {
      jb_dispatch_flush (self);
      release_duty (self);
    }

  G_OBJECT_CLASS (jb_dispatch_parent_class)->dispose (object);
}

static void
jb_dispatch_finalize (GObject *object)
{
  JbDispatch *self = (JbDispatch *) object;

  g_clear_pointer (&self->storage, jb_storage_free);
  g_clear_pointer (&self->jurisdiction, jb_jurisdiction_free);
  g_clear_pointer (&self->city, json_object_unref);
  g_clear_pointer (&self->basemap, json_object_unref);
  g_clear_pointer (&self->incident_prefix, g_free);
  g_clear_pointer (&self->server_id, g_free);
  g_clear_pointer (&self->pending, g_array_unref);
  while (!g_queue_is_empty (&self->outbox))
    {
      JbPendingEvent *event = g_queue_pop_head (&self->outbox);

      g_free (event->frame);
      g_free (event);
    }
  g_clear_pointer (&self->liveness, g_hash_table_unref);
  g_clear_pointer (&self->patrols, g_hash_table_unref);
  g_clear_pointer (&self->alert_latch, g_hash_table_unref);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->clip_uploads, g_hash_table_unref);
  g_clear_pointer (&self->clip_progress, g_hash_table_unref);
  _jb_dispatch_positions_finalize (self);

  G_OBJECT_CLASS (jb_dispatch_parent_class)->finalize (object);
}

static void
jb_dispatch_class_init (JbDispatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jb_dispatch_dispose;
  object_class->finalize = jb_dispatch_finalize;

  /**
   * JbDispatch::event:
   * @frame: the event as compact JSON text, exactly as streamed
   * @seq: its sequence number
   *
   * Emitted after the commit, once per event, in seq order.
   */
  signals[SIGNAL_EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE, G_TYPE_INT64);

  /**
   * JbDispatch::session-ended:
   * @token_hash: the BLAKE2b-256 hash of the revoked session's token
   *
   * Emitted when a session is revoked (DELETE /session), so its event
   * streams close at once.
   */
  signals[SIGNAL_SESSION_ENDED] =
    g_signal_new ("session-ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BYTES);

  _jb_dispatch_positions_class_init (object_class);
}

void
_jb_dispatch_session_ended (JbDispatch   *self,
                            const guint8 *token_hash)
{
  g_autoptr(GBytes) bytes = g_bytes_new (token_hash, JB_HASH_BYTES);

  g_signal_emit (self, signals[SIGNAL_SESSION_ENDED], 0, bytes);
}

static void
jb_dispatch_init (JbDispatch *self)
{
  self->pending = g_array_new (FALSE, FALSE, sizeof (JbPendingEvent));
  g_array_set_clear_func (self->pending, pending_event_clear);
  g_queue_init (&self->outbox);
  self->liveness = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->patrols = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, _jb_patrol_free);
  self->alert_latch = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->patrols_dirty = TRUE;
  _jb_dispatch_positions_init (self);
}

/* Loading state */

/* Incident numbers start with the district's initials (开福区 → KF). */
static const char *
district_prefix (const char *district)
{
  static const struct { const char *name; const char *prefix; } districts[] = {
    { "开福", "KF" }, { "芙蓉", "FR" }, { "天心", "TX" }, { "岳麓", "YL" },
    { "雨花", "YH" }, { "望城", "WC" }, { "长沙县", "CS" }, { "浏阳", "LY" },
    { "宁乡", "NX" },
  };

  for (guint i = 0; district != NULL && i < G_N_ELEMENTS (districts); i++)
    if (strstr (district, districts[i].name) != NULL)
      return districts[i].prefix;
  return "JB";
}

void
_jb_dispatch_load_city (JbDispatch *self)
{
  g_autofree char *text = jb_storage_get_meta (self->storage, "city");
  g_autoptr(JsonNode) node = NULL;

  g_clear_pointer (&self->city, json_object_unref);
  if (text != NULL)
    node = jb_json_parse_object (text, -1, NULL);
  if (node != NULL)
    self->city = json_object_ref (json_node_get_object (node));
  else
    {
      self->city = json_object_new ();
      json_object_set_string_member (self->city, "name", "长沙市");
      json_object_set_string_member (self->city, "district", "开福区");
    }
  g_free (self->incident_prefix);
  self->incident_prefix = g_strdup (district_prefix (_jb_member_string (self->city, "district")));
}

void
_jb_dispatch_reload_stations (JbDispatch *self)
{
  g_autoptr(GPtrArray) stations = jb_storage_list_stations (self->storage, NULL);

  g_clear_pointer (&self->jurisdiction, jb_jurisdiction_free);
  if (stations == NULL)
    stations = g_ptr_array_new ();
  self->jurisdiction = jb_jurisdiction_new (stations);
}

void
_jb_dispatch_track_terminal (JbDispatch *self,
                             JsonObject *terminal)
{
  JbLiveness *liveness = g_new0 (JbLiveness, 1);
  JsonNode *online = json_object_get_member (terminal, "online");

  liveness->last_seen = MAX (_jb_member_int (terminal, "last_seen_at", 0), 0);
  liveness->flushed = liveness->last_seen;
  liveness->interval_s = (guint) CLAMP (_jb_member_int (terminal, "heartbeat_interval_s", 60), 1, 86400);
  liveness->online = online != NULL && JSON_NODE_HOLDS_VALUE (online) && json_node_get_boolean (online);
  g_hash_table_replace (self->liveness, g_strdup (_jb_member_string (terminal, "id")), liveness);
}

static void
load_liveness (JbDispatch *self)
{
  g_autoptr(GPtrArray) terminals = jb_storage_list_terminals (self->storage, NULL);

  g_hash_table_remove_all (self->liveness);
  for (guint i = 0; terminals != NULL && i < terminals->len; i++)
    _jb_dispatch_track_terminal (self, g_ptr_array_index (terminals, i));
}

JbDispatch *
jb_dispatch_new (const char               *db_path,
                 const JbDispatchOptions  *options,
                 GError                  **error)
{
  g_autoptr(JbDispatch) self = g_object_new (JB_TYPE_DISPATCH, NULL);
  gint64 oldest;

  if (sodium_init () < 0)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_INTERNAL, "libsodium cannot start.");
      return NULL;
    }
  if (options != NULL)
    self->options = *options;
  else
    jb_dispatch_options_init (&self->options);
  self->options.event_retention = MAX (self->options.event_retention, 1);
  if (self->options.position_flush_ms == 0)
    self->options.position_flush_ms = 1000;
  self->options.position_flush_ms = CLAMP (self->options.position_flush_ms, 10, 1000);
  self->started_at = _jb_now_ms ();

  self->storage = jb_storage_open (db_path, error);
  if (self->storage == NULL)
    return NULL;
  jb_storage_get_event_bounds (self->storage, &oldest, &self->seq);
  self->emitted = self->seq;
  self->server_id = g_strdup_printf ("%s/%d/%08x", g_get_host_name (), (int) getpid (), g_random_int ());
  _jb_dispatch_positions_start (self, db_path);
  _jb_dispatch_load_city (self);
  _jb_dispatch_reload_stations (self);
  load_liveness (self);
  if (!_jb_dispatch_clips_init (self, db_path, error))
    return NULL;
  if (self->options.clip_sweep_interval_s > 0)
    self->clip_sweep_id = g_timeout_add_seconds (self->options.clip_sweep_interval_s, clip_sweep_cb, self);
  _jb_login_start (self);
  if (self->options.maintenance_ms > 0)
    self->maintenance_id = g_timeout_add (self->options.maintenance_ms, maintenance_cb, self);
  if (self->options.tail_ms > 0)
    {
      g_autoptr(GError) local_error = NULL;

      /* PostgreSQL: the tail reads on a connection of its own; without
       * it (SQLite, or if it cannot be opened) on the main one. */
      self->tail_reader = jb_storage_open_sibling (self->storage, db_path, &local_error);
      if (self->tail_reader == NULL && local_error != NULL)
        g_warning ("The event log will be tailed on the main database connection: %s", local_error->message);
      self->tail_id = g_timeout_add (self->options.tail_ms, tail_cb, self);
    }
  return g_steal_pointer (&self);
}

/* Events */

gboolean
_jb_dispatch_emit (JbDispatch  *self,
                   const char  *type,
                   gint64       time,
                   const char  *data,
                   gsize        data_len,
                   GError     **error)
{
  JbPendingEvent pending;

  g_assert (jb_storage_in_transaction (self->storage));
  pending.seq = self->seq + 1;
  if (!jb_storage_append_event (self->storage, pending.seq, type, time, data, data_len, error))
    return FALSE;
  self->seq = pending.seq;
  pending.frame = g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",\"type\":\"%s\",\"time\":%"
                                   G_GINT64_FORMAT ",\"data\":%.*s}",
                                   pending.seq, type, time, (int) data_len, data);
  g_array_append_val (self->pending, pending);
  return TRUE;
}

gboolean
_jb_dispatch_emit_object (JbDispatch  *self,
                          const char  *type,
                          gint64       time,
                          const char  *member,
                          JsonObject  *object,
                          const char  *change,
                          GError     **error)
{
  g_autoptr(JsonObject) data = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  gsize len;

  json_object_set_object_member (data, member, json_object_ref (object));
  if (change != NULL)
    json_object_set_string_member (data, "change", change);
  node = json_node_init_object (json_node_alloc (), data);
  text = jb_json_to_string (node, &len);
  return _jb_dispatch_emit (self, type, time, text, len, error);
}

static gboolean
begin_write (JbDispatch  *self,
             gint64      *out_seq_before,
             GError     **error)
{
  gint64 oldest;

  gint64 asked = g_get_monotonic_time ();
  gint64 latest;
  gboolean ok;

  *out_seq_before = self->seq;
  /* Other servers on the same database may have written since: with the
   * writers serialised, the log's latest seq is the truth, never memory.
   * Read with the lock, in the same round trip. */
  ok = jb_storage_begin_write_bounds (self->storage, &oldest, &latest, error);
  self->lock_wait_us += g_get_monotonic_time () - asked;
  if (!ok)
    return FALSE;
  self->seq = latest;
  *out_seq_before = self->seq;
  return TRUE;
}

static void
rollback (JbDispatch *self,
          gint64      seq_before)
{
  jb_storage_rollback (self->storage);
  self->seq = seq_before;
  /* The alert latch may hold what was just undone. */
  self->patrols_dirty = TRUE;
  g_array_set_size (self->pending, 0);
}

static gint64
frame_seq (const char *frame)
{
  /* Frames are ours and start with {"seq":N */
  return g_ascii_strtoll (frame + strlen ("{\"seq\":"), NULL, 10);
}

/* Another server's commit: what this one keeps in memory follows it. */
static void
observe_foreign (JbDispatch *self,
                 const char *frame)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *data;
  JsonObject *terminal;
  const char *type;
  const char *id;
  JbLiveness *liveness;
  JsonNode *online;

  /* Only these few types matter: skip the JSON parse for the rest. */
  if (strstr (frame, "\"type\":\"terminal.updated\"") == NULL &&
      strstr (frame, "\"type\":\"alert.") == NULL &&
      strstr (frame, "\"type\":\"grid.updated\"") == NULL &&
      strstr (frame, "\"type\":\"station.updated\"") == NULL)
    return;
  node = jb_json_parse_object (frame, -1, NULL);
  if (node == NULL)
    return;
  type = _jb_member_string (json_node_get_object (node), "type");
  data = _jb_member_object (json_node_get_object (node), "data");
  if (g_str_has_prefix (type, "alert.") || g_strcmp0 (type, "grid.updated") == 0)
    {
      self->patrols_dirty = TRUE;
      return;
    }
  if (g_strcmp0 (type, "station.updated") == 0)
    {
      _jb_dispatch_reload_stations (self);
      return;
    }
  terminal = data != NULL ? _jb_member_object (data, "terminal") : NULL;
  id = terminal != NULL ? _jb_member_string (terminal, "id") : NULL;
  if (id == NULL)
    return;
  liveness = g_hash_table_lookup (self->liveness, id);
  if (liveness == NULL)
    {
      _jb_dispatch_track_terminal (self, terminal);
      return;
    }
  online = json_object_get_member (terminal, "online");
  liveness->online = online != NULL && JSON_NODE_HOLDS_VALUE (online) && json_node_get_boolean (online);
  liveness->last_seen = MAX (liveness->last_seen, _jb_member_int (terminal, "last_seen_at", 0));
  liveness->flushed = MAX (liveness->flushed, _jb_member_int (terminal, "last_seen_at", 0));
}

/* Every frame goes out through here, once, in seq order. */
static void
emit_frame (JbDispatch *self,
            const char *frame,
            gint64      seq,
            gboolean    foreign)
{
  if (seq <= self->emitted)
    return;
  self->emitted = seq;
  if (foreign)
    observe_foreign (self, frame);
  g_signal_emit (self, signals[SIGNAL_EVENT], 0, frame, seq);
}

/* Emits what the log holds after the last emitted seq, up to @until:
 * the commits of the other servers on this database. FALSE when the log
 * cannot be read. */
static gboolean
emit_from_log (JbDispatch *self,
               gint64      until)
{
  while (self->emitted < until)
    {
      guint limit = (guint) MIN (until - self->emitted, TAIL_CHUNK);
      g_autoptr(GPtrArray) frames = NULL;
      g_autoptr(GError) error = NULL;

      frames = jb_storage_read_events (self->storage, self->emitted, limit, &error);
      if (frames == NULL)
        {
          g_warning ("Cannot read the event log: %s", error->message);
          return FALSE;
        }
      for (guint i = 0; i < frames->len; i++)
        {
          const char *frame = g_ptr_array_index (frames, i);
          gint64 seq = frame_seq (frame);

          if (seq > until)
            return TRUE;
          emit_frame (self, frame, seq, TRUE);
        }
      if (frames->len < limit)
        break;
    }
  return TRUE;
}

/* Emits committed events in seq order. A handler of ::event may itself
 * call jb_dispatch_handle(): its events wait in the outbox until the
 * earlier ones are out, so nobody sees seq N+2 before N+1. When another
 * server committed between our last emitted seq and ours, its events are
 * read from the log and go first. */
static void
drain_outbox (JbDispatch *self)
{
  if (self->emitting)
    return;
  self->emitting = TRUE;
  while (!g_queue_is_empty (&self->outbox))
    {
      JbPendingEvent *event = g_queue_pop_head (&self->outbox);

      if (event->seq > self->emitted + 1)
        emit_from_log (self, event->seq - 1);
      emit_frame (self, event->frame, event->seq, FALSE);
      g_free (event->frame);
      g_free (event);
    }
  self->emitting = FALSE;
}

/* PostgreSQL: the tail's read goes through a connection of its own on a
 * thread, so that the main loop does not wait for the database 20 times a
 * second (a request arriving meanwhile would wait with it). The frames
 * come back to the main loop, which emits those it has not emitted yet:
 * its own commits, and the others' that went before them, were emitted
 * in order meanwhile by drain_outbox(). */
typedef struct
{
  JbStorage *storage;
  gint64     after;
  GPtrArray *frames;  /* NULL: failed */
  GError    *error;
  GSource   *done;
} TailRead;

static void start_tail_read (JbDispatch *self);

static gpointer
tail_read_thread (gpointer data)
{
  TailRead *read = data;

  read->frames = jb_storage_read_events (read->storage, read->after, TAIL_CHUNK, &read->error);
  g_source_attach (read->done, NULL);
  return NULL;
}

static void
finish_tail_read (JbDispatch *self,
                  gboolean    emit)
{
  TailRead *read = g_steal_pointer (&self->tail_read);
  gboolean more = FALSE;

  g_thread_join (g_steal_pointer (&self->tail_thread));
  g_source_destroy (read->done);
  g_source_unref (read->done);
  if (read->frames == NULL)
    g_warning ("Cannot read the event log: %s", read->error->message);
  /* Emitting already (a handler of ::event runs the main loop): the next
   * tick reads these again. */
  else if (emit && !self->emitting)
    {
      self->emitting = TRUE;
      for (guint i = 0; i < read->frames->len; i++)
        {
          const char *frame = g_ptr_array_index (read->frames, i);

          emit_frame (self, frame, frame_seq (frame), TRUE);
        }
      self->emitting = FALSE;
      drain_outbox (self);
      more = read->frames->len == TAIL_CHUNK;
    }
  g_clear_pointer (&read->frames, g_ptr_array_unref);
  g_clear_error (&read->error);
  g_free (read);
  /* A full chunk: the rest at once, not a period later. */
  if (more)
    start_tail_read (self);
}

static gboolean
tail_read_done_cb (gpointer user_data)
{
  finish_tail_read (JB_DISPATCH (user_data), TRUE);
  return G_SOURCE_REMOVE;
}

static void
start_tail_read (JbDispatch *self)
{
  TailRead *read = g_new0 (TailRead, 1);

  read->storage = self->tail_reader;
  read->after = self->emitted;
  read->done = g_idle_source_new ();
  g_source_set_callback (read->done, tail_read_done_cb, self, NULL);
  g_source_set_static_name (read->done, "jb-tail-read");
  self->tail_read = read;
  self->tail_thread = g_thread_new ("jb-tail", tail_read_thread, read);
}

/* The tail: what other servers committed reaches this server's streams
 * within one period. */
static gboolean
tail_cb (gpointer user_data)
{
  JbDispatch *self = JB_DISPATCH (user_data);

  if (self->tail_reader != NULL)
    {
      /* The last read is still under way: this tick is skipped. */
      if (self->tail_read == NULL)
        start_tail_read (self);
      return G_SOURCE_CONTINUE;
    }
  if (self->emitting || jb_storage_in_transaction (self->storage))
    return G_SOURCE_CONTINUE;
  self->emitting = TRUE;
  emit_from_log (self, G_MAXINT64);
  self->emitting = FALSE;
  drain_outbox (self);
  return G_SOURCE_CONTINUE;
}

/* Commits, then tells the world, in seq order. */
static gboolean
commit_and_broadcast (JbDispatch  *self,
                      gint64       seq_before,
                      GError     **error)
{
  if (!jb_storage_commit (self->storage, error))
    {
      rollback (self, seq_before);
      return FALSE;
    }
  for (guint i = 0; i < self->pending->len; i++)
    {
      JbPendingEvent *event = g_new (JbPendingEvent, 1);

      *event = g_array_index (self->pending, JbPendingEvent, i);
      g_queue_push_tail (&self->outbox, event);
    }
  /* The frames moved to the outbox: drop the array's copies unfreed. */
  g_array_set_clear_func (self->pending, NULL);
  g_array_set_size (self->pending, 0);
  g_array_set_clear_func (self->pending, pending_event_clear);
  drain_outbox (self);
  return TRUE;
}

gboolean
_jb_dispatch_begin_write (JbDispatch  *self,
                          gint64      *out_seq_before,
                          GError     **error)
{
  return begin_write (self, out_seq_before, error);
}

gboolean
_jb_dispatch_commit (JbDispatch  *self,
                     gint64       seq_before,
                     GError     **error)
{
  return commit_and_broadcast (self, seq_before, error);
}

void
_jb_dispatch_rollback (JbDispatch *self,
                       gint64      seq_before)
{
  rollback (self, seq_before);
}

/* Member readers for objects that were validated or written by us */

const char *
_jb_member_string (JsonObject *object,
                   const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
_jb_member_int (JsonObject *object,
                const char *member,
                gint64      fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

JsonObject *
_jb_member_object (JsonObject *object,
                   const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

JsonArray *
_jb_member_array (JsonObject *object,
                  const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

/* Requests */

void
_jb_request_answer (JbRequest  *req,
                    guint       status,
                    JsonObject *object)
{
  req->status = status;
  g_clear_pointer (&req->answer, json_node_unref);
  if (object != NULL)
    req->answer = json_node_init_object (json_node_alloc (), object);
}

gboolean
_jb_request_check_members (JbRequest          *req,
                           const char * const *allowed,
                           GError            **error)
{
  return jb_json_check_members (req->body, allowed, error);
}

gboolean
_jb_request_require_commander (JbRequest  *req,
                               GError    **error)
{
  if (req->user != NULL && req->role != JB_ROLE_VIEWER)
    return TRUE;
  g_set_error_literal (error, JB_ERROR, JB_ERROR_FORBIDDEN, "A viewer may not give commands.");
  return FALSE;
}

gboolean
_jb_request_in_scope (JbRequest  *req,
                      const char *station_id)
{
  if (station_id == NULL)
    return FALSE;
  if (req->user_station_ids != NULL)
    return g_strv_contains ((const char * const *) req->user_station_ids, station_id);
  return g_strcmp0 (station_id, req->user_station_id) == 0;
}

gboolean
_jb_request_may_command (JbRequest   *req,
                         const char  *station_id,
                         const char  *what,
                         GError     **error)
{
  if (!_jb_request_require_commander (req, error))
    return FALSE;
  if (req->role == JB_ROLE_DISPATCHER)
    return TRUE;
  if (_jb_request_in_scope (req, station_id))
    return TRUE;
  g_set_error (error, JB_ERROR, JB_ERROR_FORBIDDEN,
               "This %s is outside your station's jurisdiction.", what);
  return FALSE;
}

void
_jb_request_add_header (JbRequest  *req,
                        const char *name,
                        gint64      value)
{
  if (req->answer_headers == NULL)
    req->answer_headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_replace (req->answer_headers, g_strdup (name),
                        g_strdup_printf ("%" G_GINT64_FORMAT, value));
}

const char *
_jb_request_actor (JbRequest *req)
{
  return req->terminal_id != NULL ? req->terminal_id : req->username;
}

static gboolean
match_pattern (const char  *pattern,
               char       **parts,
               guint        n_parts)
{
  g_auto(GStrv) segments = g_strsplit (pattern, "/", -1);

  if (g_strv_length (segments) != n_parts)
    return FALSE;
  for (guint i = 0; i < n_parts; i++)
    if (strcmp (segments[i], "*") != 0 && strcmp (segments[i], parts[i]) != 0)
      return FALSE;
  return TRUE;
}

static const Route *
find_route (JbRequest  *req,
            GError    **error)
{
  gboolean path_known = FALSE;

  if (!g_str_has_prefix (req->path, "/api/v1/"))
    goto not_found;
  req->parts = g_strsplit (req->path + strlen ("/api/v1/"), "/", -1);
  req->n_parts = g_strv_length (req->parts);
  for (guint i = 0; i < req->n_parts; i++)
    if (req->parts[i][0] == '\0')
      goto not_found;

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (!match_pattern (routes[i].pattern, req->parts, req->n_parts))
        continue;
      path_known = TRUE;
      if (strcmp (routes[i].method, req->method) == 0)
        return &routes[i];
    }
  if (path_known)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_METHOD_NOT_ALLOWED,
                   "%s is not allowed on %s.", req->method, req->path);
      return NULL;
    }

not_found:
  g_set_error (error, JB_ERROR, JB_ERROR_NOT_FOUND, "There is no endpoint %s.", req->path);
  return NULL;
}

/* Authentication */

static void
hash_text (const char *text,
           gsize       len,
           guint8      out[JB_HASH_BYTES])
{
  crypto_generichash (out, JB_HASH_BYTES, (const guint8 *) text, len, NULL, 0);
}

static gboolean
unauthorized (GError     **error,
              const char  *message)
{
  g_set_error_literal (error, JB_ERROR, JB_ERROR_UNAUTHORIZED, message);
  return FALSE;
}

static gboolean
authenticate_token (JbDispatch  *self,
                    JbRequest   *req,
                    const char  *token,
                    GError     **error)
{
  g_autofree char *username = NULL;
  const char *role;
  JbRole role_value;

  if (token == NULL || *token == '\0' || strlen (token) > 256)
    return unauthorized (error, "A valid session token is required.");
  hash_text (token, strlen (token), req->token_hash);
  /* A lookup the database could not answer is not an unknown session:
   * the client must not be signed out because a connection was lost. */
  jb_storage_take_read_error (self->storage, NULL);
  /* The session and its user in one round trip; step by step only to
   * say which one is missing. */
  req->user = jb_storage_get_session_user (self->storage, req->token_hash, JB_HASH_BYTES, req->now);
  if (req->user == NULL && jb_storage_take_read_error (self->storage, error))
    return FALSE;
  if (req->user == NULL)
    {
      username = jb_storage_lookup_session (self->storage, req->token_hash, JB_HASH_BYTES, req->now);
      if (username == NULL && jb_storage_take_read_error (self->storage, error))
        return FALSE;
      if (username == NULL)
        return unauthorized (error, "The session token is unknown or has expired.");
      req->user = jb_storage_get_user (self->storage, username, FALSE);
      if (req->user == NULL && jb_storage_take_read_error (self->storage, error))
        return FALSE;
      if (req->user == NULL)
        return unauthorized (error, "The session's user no longer exists.");
    }
  role = _jb_member_string (req->user, "role");
  if (!jb_role_from_string (role, &role_value))
    return unauthorized (error, "The session's user has no valid role.");
  req->role = role_value;
  req->username = _jb_member_string (req->user, "username");
  req->user_station_id = _jb_member_string (req->user, "station_id");
  {
    JsonArray *ids = json_object_has_member (req->user, "station_ids")
                     ? json_object_get_array_member (req->user, "station_ids") : NULL;
    GStrvBuilder *builder = g_strv_builder_new ();

    for (guint i = 0; ids != NULL && i < json_array_get_length (ids); i++)
      g_strv_builder_add (builder, json_array_get_string_element (ids, i));
    req->user_station_ids = g_strv_builder_end (builder);
    g_strv_builder_unref (builder);
  }
  return TRUE;
}

static gboolean
authenticate_device (JbDispatch  *self,
                     JbRequest   *req,
                     const char  *credentials,
                     GError     **error)
{
  g_autofree guchar *decoded = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(JsonObject) terminal = NULL;
  gsize len = 0;
  const char *colon;
  g_autofree char *id = NULL;
  guint8 hash[JB_HASH_BYTES];

  if (strlen (credentials) > 1024)
    return unauthorized (error, "The device credentials are malformed.");
  decoded = g_base64_decode (credentials, &len);
  colon = decoded != NULL ? memchr (decoded, ':', len) : NULL;
  if (colon == NULL)
    return unauthorized (error, "The device credentials are malformed.");
  id = g_strndup ((const char *) decoded, (gsize) (colon - (const char *) decoded));
  jb_storage_take_read_error (self->storage, NULL);
  terminal = jb_storage_get_terminal_with_secret (self->storage, id, &stored);
  if (terminal == NULL && jb_storage_take_read_error (self->storage, error))
    return FALSE;
  hash_text (colon + 1, len - (gsize) (colon + 1 - (const char *) decoded), hash);
  if (terminal == NULL || stored == NULL || g_bytes_get_size (stored) != JB_HASH_BYTES ||
      sodium_memcmp (hash, g_bytes_get_data (stored, NULL), JB_HASH_BYTES) != 0)
    return unauthorized (error, "Unknown terminal or wrong secret.");
  req->terminal = g_steal_pointer (&terminal);
  req->terminal_id = _jb_member_string (req->terminal, "id");
  return TRUE;
}

static gboolean
authenticate (JbDispatch  *self,
              JbRequest   *req,
              AuthKind     kind,
              const char  *authorization,
              GError     **error)
{
  if (kind == AUTH_NONE)
    return TRUE;
  if (authorization == NULL)
    return unauthorized (error, "This endpoint needs an Authorization header.");
  if (kind == AUTH_PERSON)
    {
      if (g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
        return unauthorized (error, "This endpoint needs a Bearer session token.");
      return authenticate_token (self, req, authorization + 7, error);
    }
  if (g_ascii_strncasecmp (authorization, "Basic ", 6) != 0)
    return unauthorized (error, "This endpoint needs Basic device credentials.");
  return authenticate_device (self, req, authorization + 6, error);
}

gboolean
_jb_dispatch_authenticate_device (JbDispatch  *self,
                                  JbRequest   *req,
                                  const char  *authorization,
                                  GError     **error)
{
  return authenticate (self, req, AUTH_DEVICE, authorization, error);
}

gboolean
_jb_dispatch_authenticate_person (JbDispatch  *self,
                                  JbRequest   *req,
                                  const char  *authorization,
                                  GError     **error)
{
  return authenticate (self, req, AUTH_PERSON, authorization, error);
}

gboolean
jb_dispatch_authenticate_stream (JbDispatch  *self,
                                 const char  *authorization,
                                 const char  *token,
                                 JsonObject **out_user,
                                 GBytes     **out_token_hash,
                                 gint64      *out_expires_at,
                                 GError     **error)
{
  JbRequest req = { .self = self, .now = _jb_now_ms () };
  gboolean ok;

  g_return_val_if_fail (JB_IS_DISPATCH (self), FALSE);

  if (authorization != NULL)
    {
      if (g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
        return unauthorized (error, "The event stream needs a Bearer session token.");
      token = authorization + 7;
    }
  ok = authenticate_token (self, &req, token, error);
  if (ok && out_user != NULL)
    *out_user = json_object_ref (req.user);
  g_clear_pointer (&req.user, json_object_unref);
  g_clear_pointer (&req.user_station_ids, g_strfreev);
  if (ok && out_token_hash != NULL)
    *out_token_hash = g_bytes_new (req.token_hash, JB_HASH_BYTES);
  if (ok && out_expires_at != NULL)
    *out_expires_at = jb_storage_get_session_expiry (self->storage, req.token_hash, JB_HASH_BYTES);
  return ok;
}

gboolean
jb_dispatch_check_credentials (JbDispatch  *self,
                               const char  *method,
                               const char  *path,
                               const char  *authorization,
                               gboolean     look_up,
                               GError     **error)
{
  JbRequest req = { .self = self, .method = method, .path = path, .now = _jb_now_ms () };
  g_autoptr(GError) local_error = NULL;
  const Route *route;
  gboolean ok;

  g_return_val_if_fail (JB_IS_DISPATCH (self), FALSE);

  route = find_route (&req, &local_error);
  /* Unknown endpoints and methods get their own answer later. */
  if (route == NULL || route->auth == AUTH_NONE)
    ok = TRUE;
  else if (!look_up)
    ok = authorization != NULL ? TRUE : unauthorized (error, "This endpoint needs an Authorization header.");
  else
    ok = authenticate (self, &req, route->auth, authorization, error);
  if (ok && !look_up && route != NULL && route->auth == AUTH_PERSON &&
      g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    ok = unauthorized (error, "This endpoint needs a Bearer session token.");
  if (ok && !look_up && route != NULL && route->auth == AUTH_DEVICE &&
      g_ascii_strncasecmp (authorization, "Basic ", 6) != 0)
    ok = unauthorized (error, "This endpoint needs Basic device credentials.");
  request_clear (&req);
  return ok;
}

gboolean
jb_dispatch_authenticate_person (JbDispatch  *self,
                                 const char  *authorization,
                                 GError     **error)
{
  JbRequest req = { .self = self, .now = _jb_now_ms () };
  gboolean ok;

  g_return_val_if_fail (JB_IS_DISPATCH (self), FALSE);

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    return unauthorized (error, "A Bearer session token is required.");
  ok = authenticate_token (self, &req, authorization + 7, error);
  g_clear_pointer (&req.user, json_object_unref);
  g_clear_pointer (&req.user_station_ids, g_strfreev);
  return ok;
}

void
jb_dispatch_set_basemap (JbDispatch *self,
                         JsonObject *basemap)
{
  g_return_if_fail (JB_IS_DISPATCH (self));

  g_clear_pointer (&self->basemap, json_object_unref);
  if (basemap != NULL)
    self->basemap = json_object_ref (basemap);
}

/* Bodies */

static gboolean
parse_body (JbRequest    *req,
            const Route  *route,
            GBytes       *body,
            GError      **error)
{
  g_autoptr(JsonNode) root = NULL;
  gsize len = body != NULL ? g_bytes_get_size (body) : 0;
  const char *data = body != NULL ? g_bytes_get_data (body, NULL) : NULL;

  if ((len == 0 && route->body_optional) ||
      (len > 0 && route->scan != NULL && route->scan (req, body)))
    {
      req->body = json_object_new ();
      return TRUE;
    }
  if (!g_utf8_validate (data, (gssize) len, NULL))
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_MALFORMED_JSON, "The body is not UTF-8.");
      return FALSE;
    }
  root = jb_json_parse_object (data, (gssize) len, error);
  if (root == NULL)
    return FALSE;
  req->body = json_object_ref (json_node_get_object (root));
  return TRUE;
}

gsize
jb_dispatch_get_max_body_size (const char *path)
{
  if (g_strcmp0 (path, "/api/v1/device/positions") == 0)
    return MAX_POSITIONS_BODY_SIZE;
  return MAX_BODY_SIZE;
}

/* Liveness: the first request after silence brings a terminal back. */

static void
mark_seen (JbDispatch  *self,
           JbRequest   *req)
{
  JbLiveness *liveness = g_hash_table_lookup (self->liveness, req->terminal_id);
  g_autoptr(GError) error = NULL;
  gint64 seq_before;
  g_autoptr(JsonObject) stored = NULL;
  JsonNode *online;

  if (liveness == NULL)
    return;
  liveness->last_seen = MAX (liveness->last_seen, req->now);
  /* The stored flag, read with the request: another server may have
   * marked the terminal offline since this one last heard it. */
  online = json_object_get_member (req->terminal, "online");
  if (online != NULL && JSON_NODE_HOLDS_VALUE (online) && json_node_get_boolean (online))
    {
      liveness->online = TRUE;
      return;
    }

  /* Its own small transaction: the terminal is back even if the request
   * itself fails. */
  if (!begin_write (self, &seq_before, &error))
    goto failed;
  /* Another server may have brought it back meanwhile: once is enough. */
  stored = jb_storage_get_terminal (self->storage, req->terminal_id);
  online = stored != NULL ? json_object_get_member (stored, "online") : NULL;
  if (online != NULL && JSON_NODE_HOLDS_VALUE (online) && json_node_get_boolean (online))
    {
      rollback (self, seq_before);
      liveness->online = TRUE;
      return;
    }
  if (!jb_storage_set_terminal_online (self->storage, req->terminal_id, TRUE, req->now, &error))
    goto failed;
  json_object_set_boolean_member (req->terminal, "online", TRUE);
  json_object_set_int_member (req->terminal, "last_seen_at", req->now);
  if (!_jb_dispatch_emit_object (self, "terminal.updated", req->now, "terminal", req->terminal,
                                 NULL, &error))
    goto failed;
  if (!commit_and_broadcast (self, seq_before, &error))
    goto failed;
  liveness->online = TRUE;
  liveness->flushed = req->now;
  return;

failed:
  rollback (self, seq_before);
  g_warning ("Cannot mark %s online: %s", req->terminal_id, error->message);
}

void
_jb_dispatch_overlay_liveness (JbDispatch *self,
                               JsonObject *terminal)
{
  JbLiveness *liveness = g_hash_table_lookup (self->liveness, _jb_member_string (terminal, "id"));

  if (liveness == NULL)
    return;
  if (liveness->last_seen > _jb_member_int (terminal, "last_seen_at", 0))
    json_object_set_int_member (terminal, "last_seen_at", liveness->last_seen);
}

/* Idempotency */

static gboolean
valid_idempotency_key (const char *key)
{
  gsize len = strlen (key);

  if (len == 0 || len > 128)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (key[i] < 0x21 || key[i] > 0x7e)
      return FALSE;
  return TRUE;
}

static char *
principal_of (JbRequest *req)
{
  if (req->terminal_id != NULL)
    return g_strconcat ("terminal:", req->terminal_id, NULL);
  if (req->username != NULL)
    return g_strconcat ("user:", req->username, NULL);
  return NULL;
}

/* TRUE when a stored answer was found (and put in @out_text). */
static gboolean
find_replay (JbDispatch  *self,
             JbRequest   *req,
             const char  *key,
             const guint8 body_hash[JB_HASH_BYTES],
             char       **out_text,
             GError     **error)
{
  g_autofree char *principal = principal_of (req);
  JbStorageIdempotency record = { 0 };
  gboolean same;

  if (!jb_storage_lookup_idempotency (self->storage, principal, key, &record))
    return FALSE;
  same = g_strcmp0 (record.method, req->method) == 0 &&
         g_strcmp0 (record.path, req->path) == 0 &&
         g_bytes_get_size (record.body_hash) == JB_HASH_BYTES &&
         memcmp (g_bytes_get_data (record.body_hash, NULL), body_hash, JB_HASH_BYTES) == 0;
  if (same)
    {
      req->status = record.status;
      *out_text = g_steal_pointer (&record.response);
    }
  else
    g_set_error_literal (error, JB_ERROR, JB_ERROR_IDEMPOTENCY_KEY_REUSED,
                         "This Idempotency-Key was used for a different request.");
  jb_storage_idempotency_clear (&record);
  return TRUE;
}

static char *
answer_text (JbRequest *req)
{
  if (req->answer_text != NULL)
    return g_strdup (req->answer_text);
  if (req->answer == NULL)
    return g_strdup ("");
  return jb_json_to_string (req->answer, NULL);
}

/* A WRITES_LAZY route: its reads go without a transaction; what it
 * writes goes in the one _jb_dispatch_need_write() opened, if any. */
static char *
run_lazy_write_route (JbDispatch   *self,
                      JbRequest    *req,
                      const Route  *route,
                      GError      **error)
{
  self->lazy_write = TRUE;
  if (!route->handler (req, error))
    {
      self->lazy_write = FALSE;
      if (jb_storage_in_transaction (self->storage))
        rollback (self, self->lazy_seq_before);
      return NULL;
    }
  self->lazy_write = FALSE;
  if (jb_storage_in_transaction (self->storage) &&
      !commit_and_broadcast (self, self->lazy_seq_before, error))
    return NULL;
  return answer_text (req);
}

gboolean
_jb_dispatch_need_write (JbDispatch  *self,
                         GError     **error)
{
  if (!self->lazy_write || jb_storage_in_transaction (self->storage))
    {
      g_assert (jb_storage_in_transaction (self->storage));
      return TRUE;
    }
  return begin_write (self, &self->lazy_seq_before, error);
}

/* Runs a state-changing route in one transaction. Returns the answer text
 * (NULL with @error set on failure). */
static char *
run_write_route (JbDispatch   *self,
                 JbRequest    *req,
                 const Route  *route,
                 const char   *key,
                 GBytes       *body,
                 gboolean     *out_replayed,
                 GError      **error)
{
  g_autofree char *principal = principal_of (req);
  g_autofree char *text = NULL;
  guint8 body_hash[JB_HASH_BYTES];
  gint64 seq_before;
  gboolean use_key = key != NULL && principal != NULL;

  if (use_key)
    hash_text (body != NULL ? g_bytes_get_data (body, NULL) : "",
               body != NULL ? g_bytes_get_size (body) : 0, body_hash);
  if (route->writes == WRITES_LAZY && !use_key && !jb_storage_in_transaction (self->storage))
    return run_lazy_write_route (self, req, route, error);
  if (!begin_write (self, &seq_before, error))
    return NULL;
  if (use_key && find_replay (self, req, key, body_hash, &text, error))
    {
      rollback (self, seq_before);
      *out_replayed = text != NULL;
      return g_steal_pointer (&text);
    }
  if (!route->handler (req, error))
    {
      rollback (self, seq_before);
      return NULL;
    }
  text = answer_text (req);
  if (use_key && req->status < 300 &&
      !jb_storage_save_idempotency (self->storage, principal, key, req->method, req->path,
                                    body_hash, JB_HASH_BYTES, req->status, text, req->now, error))
    {
      rollback (self, seq_before);
      return NULL;
    }
  if (!commit_and_broadcast (self, seq_before, error))
    return NULL;
  return g_steal_pointer (&text);
}

static char *
run_route (JbDispatch   *self,
           JbRequest    *req,
           const Route  *route,
           const char   *authorization,
           const char   *key,
           GBytes       *body,
           gboolean     *out_replayed,
           GError      **error)
{
  if (!authenticate (self, req, route->auth, authorization, error))
    return NULL;
  if (req->terminal_id != NULL)
    mark_seen (self, req);
  if (route->writes == WRITES_NO)
    {
      if (!route->handler (req, error))
        return NULL;
      return answer_text (req);
    }
  if (key != NULL && !valid_idempotency_key (key))
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_BAD_REQUEST,
                           "An Idempotency-Key is 1 to 128 printable ASCII characters.");
      return NULL;
    }
  if (!parse_body (req, route, body, error))
    return NULL;
  return run_write_route (self, req, route, key, body, out_replayed, error);
}

static void
request_clear (JbRequest *req)
{
  g_clear_pointer (&req->parts, g_strfreev);
  g_clear_pointer (&req->body, json_object_unref);
  g_clear_pointer (&req->positions, jb_position_batch_free);
  g_clear_pointer (&req->user, json_object_unref);
  g_clear_pointer (&req->user_station_ids, g_strfreev);
  g_clear_pointer (&req->terminal, json_object_unref);
  g_clear_pointer (&req->answer, json_node_unref);
  g_clear_pointer (&req->answer_text, g_free);
  g_clear_pointer (&req->answer_headers, g_hash_table_unref);
}

/* The JSON error body for @error (never NULL; anything but a JB_ERROR is
 * an internal error and logged). */
static char *
error_answer (const char  *method,
              const char  *path,
              GError     **error,
              guint       *out_status)
{
  if (*error == NULL)
    g_set_error_literal (error, JB_ERROR, JB_ERROR_INTERNAL, "The request failed.");
  if ((*error)->domain != JB_ERROR)
    {
      (*error)->domain = JB_ERROR;
      (*error)->code = JB_ERROR_INTERNAL;
    }
  if ((*error)->code == JB_ERROR_INTERNAL)
    g_warning ("%s %s failed: %s", method, path, (*error)->message);
  *out_status = jb_error_code_http_status ((JbErrorCode) (*error)->code);
  return jb_json_error_body (*error);
}

GBytes *
jb_dispatch_handle (JbDispatch  *self,
                    const char  *method,
                    const char  *path,
                    GHashTable  *query,
                    const char  *authorization,
                    const char  *idempotency_key,
                    GBytes      *body,
                    guint       *out_status,
                    GHashTable **out_headers)
{
  JbRequest req = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean replayed = FALSE;
  const Route *route;
  gsize len;
  gint64 started = g_get_monotonic_time ();
  gint64 lock_wait_before;

  g_return_val_if_fail (JB_IS_DISPATCH (self), NULL);
  g_return_val_if_fail (method != NULL && path != NULL && out_status != NULL, NULL);

  req.self = self;
  req.method = method;
  req.path = path;
  req.query = query;
  lock_wait_before = self->lock_wait_us;
  req.now = _jb_now_ms ();
  route = find_route (&req, &error);
  if (route != NULL)
    text = run_route (self, &req, route, authorization, idempotency_key, body, &replayed, &error);

  if (out_headers != NULL)
    *out_headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (out_headers != NULL && req.answer_headers != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, req.answer_headers);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (*out_headers, g_strdup (key), g_strdup (value));
    }
  /* Where a write's time went: waiting for the writer lock (BEGIN
   * included) and in all, on this server (docs/protocol.md). */
  if (out_headers != NULL && route != NULL && route->writes != WRITES_NO)
    g_hash_table_replace (*out_headers, g_strdup ("Server-Timing"),
                          g_strdup_printf ("lock;dur=%.2f, handle;dur=%.2f",
                                           (self->lock_wait_us - lock_wait_before) / 1e3,
                                           (g_get_monotonic_time () - started) / 1e3));
  if (text == NULL)
    text = error_answer (method, path, &error, out_status);
  else
    {
      *out_status = req.status != 0 ? req.status : 200;
      if (replayed && out_headers != NULL)
        g_hash_table_insert (*out_headers, g_strdup ("Idempotent-Replay"), g_strdup ("true"));
    }
  request_clear (&req);

  if (*text == '\0')
    return NULL;
  len = strlen (text);
  return g_bytes_new_take (g_steal_pointer (&text), len);
}

/* Config */

JsonObject *
_jb_dispatch_config (JbDispatch *self)
{
  JsonObject *config = json_object_new ();
  JsonObject *targets = json_object_new ();
  JsonObject *freshness = json_object_new ();
  JsonArray *types = json_array_new ();
  JsonArray *dispositions = json_array_new ();

  json_object_set_int_member (targets, "guard_s", self->options.target_guard_s);
  json_object_set_int_member (targets, "police_s", self->options.target_police_s);
  json_object_set_int_member (targets, "reinforce_s", self->options.target_reinforce_s);
  json_object_set_object_member (config, "targets", targets);
  json_object_set_int_member (freshness, "body_camera_s", 30);
  json_object_set_int_member (freshness, "police_handset_s", 30);
  json_object_set_int_member (freshness, "unit_s", 120);
  json_object_set_object_member (config, "freshness", freshness);
  json_object_set_object_member (config, "city", json_object_ref (self->city));
  for (const char * const *n = jb_incident_type_names (); *n != NULL; n++)
    json_array_add_string_element (types, *n);
  json_object_set_array_member (config, "incident_types", types);
  for (const char * const *n = jb_disposition_names (); *n != NULL; n++)
    json_array_add_string_element (dispositions, *n);
  json_object_set_array_member (config, "dispositions", dispositions);
  if (self->basemap != NULL)
    json_object_set_object_member (config, "basemap", json_object_ref (self->basemap));
  else
    json_object_set_null_member (config, "basemap");
  return config;
}

/* Streams and maintenance */

GPtrArray *
jb_dispatch_read_events_since (JbDispatch  *self,
                               gint64       since,
                               guint        limit,
                               gint64      *out_oldest,
                               GError     **error)
{
  gint64 latest;

  g_return_val_if_fail (JB_IS_DISPATCH (self), NULL);

  if (out_oldest != NULL)
    jb_storage_get_event_bounds (self->storage, out_oldest, &latest);
  return jb_storage_read_events (self->storage, since, limit, error);
}

gint64
jb_dispatch_get_latest_seq (JbDispatch *self)
{
  gint64 oldest, latest;

  g_return_val_if_fail (JB_IS_DISPATCH (self), 0);
  /* Read from the log: another server may have committed since our last
   * write, and a client moving here must not be told its seq is ahead. */
  if (jb_storage_in_transaction (self->storage))
    return self->seq;
  jb_storage_get_event_bounds (self->storage, &oldest, &latest);
  return MAX (latest, self->seq);
}

static gboolean
flush_last_seen (JbDispatch  *self,
                 GError     **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) flushed = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->liveness);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      JbLiveness *liveness = value;

      if (liveness->last_seen <= liveness->flushed)
        continue;
      g_ptr_array_add (ids, key);
      g_array_append_val (times, liveness->last_seen);
      g_ptr_array_add (flushed, liveness);
    }
  /* In one statement: this holds the writer lock. */
  if (!jb_storage_set_terminals_last_seen (self->storage, (const char * const *) ids->pdata,
                                           (const gint64 *) (gpointer) times->data, ids->len, error))
    return FALSE;
  for (guint i = 0; i < flushed->len; i++)
    {
      JbLiveness *liveness = g_ptr_array_index (flushed, i);

      liveness->flushed = liveness->last_seen;
    }
  return TRUE;
}

/* Silence is judged from the stored last_seen_at, which every server
 * flushes: heartbeats may land on any of them. Only terminals silent in
 * this server's memory are looked up, and each lookup refreshes memory. */
static gboolean
mark_silent_offline (JbDispatch  *self,
                     gint64       now,
                     GError     **error)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->liveness);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      JbLiveness *liveness = value;
      g_autoptr(JsonObject) terminal = NULL;
      gint64 limit = 3000LL * liveness->interval_s;
      gint64 stored_seen;
      JsonNode *online;

      /* Nobody could be heard while the server was down: silence counts
       * from its start at the earliest. */
      if (!liveness->online || now - MAX (liveness->last_seen, self->started_at) <= limit)
        continue;
      terminal = jb_storage_get_terminal (self->storage, key);
      if (terminal == NULL)
        continue;
      stored_seen = _jb_member_int (terminal, "last_seen_at", 0);
      liveness->last_seen = MAX (liveness->last_seen, stored_seen);
      liveness->flushed = MAX (liveness->flushed, stored_seen);
      online = json_object_get_member (terminal, "online");
      liveness->online = online != NULL && JSON_NODE_HOLDS_VALUE (online) && json_node_get_boolean (online);
      if (!liveness->online || now - MAX (liveness->last_seen, self->started_at) <= limit)
        continue;
      if (!jb_storage_set_terminal_online (self->storage, key, FALSE, liveness->last_seen, error))
        return FALSE;
      g_clear_pointer (&terminal, json_object_unref);
      terminal = jb_storage_get_terminal (self->storage, key);
      if (terminal == NULL ||
          !_jb_dispatch_emit_object (self, "terminal.updated", now, "terminal", terminal, NULL, error))
        return FALSE;
      liveness->online = FALSE;
    }
  return TRUE;
}

/* The duties that run once per database (liveness, patrol silence,
 * pruning, clip sweeps) belong to the server holding a lease in meta,
 * "SERVER_ID EXPIRES_AT_MS". The holder renews it each maintenance tick,
 * inside the write transaction that does the duties (so the writers'
 * lock orders takers); another server takes it once it has expired. */
static gboolean
lease_duty (JbDispatch  *self,
            gint64       now,
            GError     **error)
{
  g_autofree char *lease = jb_storage_get_meta (self->storage, DUTY_LEASE_KEY);
  g_autofree char *renewed = NULL;
  gint64 lease_ms = self->options.lease_ms > 0 ? self->options.lease_ms : 3LL * self->options.maintenance_ms;
  const char *space = lease != NULL ? strrchr (lease, ' ') : NULL;
  gboolean ours = space != NULL && (gsize) (space - lease) == strlen (self->server_id) &&
                  strncmp (lease, self->server_id, space - lease) == 0;
  gint64 expires = space != NULL ? g_ascii_strtoll (space + 1, NULL, 10) : 0;

  self->holds_duty = FALSE;
  if (!ours && expires > now)
    return TRUE;
  if (!ours)
    g_message ("Taking the duty lease (liveness, patrol silence, pruning, clip sweeps).");
  renewed = g_strdup_printf ("%s %" G_GINT64_FORMAT, self->server_id, now + MAX (lease_ms, 1000));
  if (!jb_storage_set_meta (self->storage, DUTY_LEASE_KEY, renewed, error))
    return FALSE;
  self->holds_duty = TRUE;
  return TRUE;
}

/* On a clean stop, another server may take the duties at once. */
static void
release_duty (JbDispatch *self)
{
  g_autofree char *lease = NULL;
  g_autoptr(GError) error = NULL;
  gint64 seq_before;

  if (!self->holds_duty || jb_storage_in_transaction (self->storage))
    return;
  if (!begin_write (self, &seq_before, &error))
    goto failed;
  lease = jb_storage_get_meta (self->storage, DUTY_LEASE_KEY);
  if (lease != NULL && g_str_has_prefix (lease, self->server_id) && lease[strlen (self->server_id)] == ' ')
    {
      if (!jb_storage_set_meta (self->storage, DUTY_LEASE_KEY, "- 0", &error) ||
          !commit_and_broadcast (self, seq_before, &error))
        goto failed;
    }
  else
    rollback (self, seq_before);
  self->holds_duty = FALSE;
  return;

failed:
  rollback (self, seq_before);
  g_warning ("Cannot release the duty lease: %s", error != NULL ? error->message : "?");
}

/* Each maintenance tick: the DELETEs walk indexes and cost nothing when
 * there is nothing to delete. */
static gboolean
prune (JbDispatch  *self,
       gint64       now,
       GError     **error)
{
  return jb_storage_prune_events (self->storage, self->seq - self->options.event_retention + 1, error) &&
         jb_storage_prune_idempotency (self->storage, now - IDEMPOTENCY_KEEP_MS, error) &&
         jb_storage_prune_sessions (self->storage, now, error);
}

static void
run_maintenance (JbDispatch *self,
                 gboolean    check_liveness)
{
  g_autoptr(GError) error = NULL;
  gint64 now = _jb_now_ms ();
  gint64 seq_before;

  if (jb_storage_in_transaction (self->storage))
    return;
  /* Every server flushes what it heard; the duties run on one. */
  if (!begin_write (self, &seq_before, &error) ||
      !flush_last_seen (self, &error) ||
      (check_liveness && !lease_duty (self, now, &error)) ||
      (check_liveness && self->holds_duty && !mark_silent_offline (self, now, &error)) ||
      (check_liveness && self->holds_duty && !_jb_dispatch_check_silence (self, now, &error)) ||
      (check_liveness && self->holds_duty && !prune (self, now, &error)))
    {
      rollback (self, seq_before);
      g_warning ("Maintenance failed: %s", error != NULL ? error->message : "?");
      return;
    }
  if (!commit_and_broadcast (self, seq_before, &error))
    g_warning ("Maintenance failed: %s", error->message);
}

static gboolean
maintenance_cb (gpointer user_data)
{
  JbDispatch *self = JB_DISPATCH (user_data);

  if (self->login_records != NULL)
    _jb_login_prune (self, _jb_now_ms ());
  run_maintenance (self, TRUE);
  return G_SOURCE_CONTINUE;
}

void
jb_dispatch_flush (JbDispatch *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (JB_IS_DISPATCH (self));
  if (!_jb_dispatch_flush_positions (self, &error))
    g_warning ("Cannot write positions: %s", error->message);
  run_maintenance (self, FALSE);
}
