/* jb-stream.c — the event stream: snapshot, WebSocket, liveness, backoff
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-stream"

#include "jb-stream.h"

#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "jb-enum-types.h"
#include "jb-error.h"
#include "jb-json.h"
#include "jb-memory.h"
#include "jb-tls-private.h"

/* The server pings every 15 s; we ping too, so that the server's pongs
 * tell us the link is alive even when no event comes. libsoup 3.2 has no
 * pong timeout: the liveness check below is ours. */
#define KEEPALIVE_INTERVAL_S    15
#define LIVENESS_TIMEOUT_US     (45 * G_USEC_PER_SEC)
#define LIVENESS_CHECK_MS       5000
/* Frames are at most 1 MiB by the protocol; libsoup's default limit
 * (128 KiB) would reset the connection on a big incident or snapshot-like
 * frame, so set ours deliberately, with room to spare. */
#define MAX_INCOMING_PAYLOAD    (16 * 1024 * 1024)
#define BACKOFF_MIN_MS          500
#define BACKOFF_MAX_MS          10000
/* A snapshot goes into the store this much at a time, so the main loop
 * keeps drawing and taking keys (target: no stall over 50 ms). */
#define APPLY_SLICE_US          4000
#define APPLY_GUARD_MS          50

struct _JbStream
{
  GObject                  parent_instance;

  JbSession               *session;
  JbStore                 *store;
  JbConnectionState        state;
  SoupSession             *ws_session;  /* no I/O timeout, unlike the REST one */

  gboolean                 running;
  gboolean                 need_snapshot;
  GCancellable            *connect_cancellable;
  SoupWebsocketConnection *ws;
  guint                    backoff_attempt;
  gint64                   last_immediate_reconnect;
  guint                    reconnect_source;
  guint                    liveness_source;
  gint64                   last_event_time;
  gint64                   last_heard_time;
  gint64                   last_event_notify;
  gint64                   liveness_timeout_us;
  guint                    reconnect_count;
  guint                    gap_count;
  char                    *last_error;
  char                    *viewing;     /* the incident this client has open, told to the server */
  /* Failover: the server the stream was last live on, and how many moves
   * were made without success since (the first round of the list goes
   * at once, further ones with the backoff). */
  char                    *live_url;
  char                    *attempt_url;  /* the server of the try under way */
  guint                    moves_since_live;
  gboolean                 moving;
  GPtrArray               *viewers;     /* JbViewer, from the last presence frame */

  /* A snapshot going in by slices, and the event frames held meanwhile
   * (GBytes, in the order they came, which is seq order). */
  JbStoreSnapshot         *applying;
  guint                    apply_source;
  guint                    apply_guard;      /* a slice at least every APPLY_GUARD_MS */
  gint64                   last_slice_time;
  GQueue                   held;
};

G_DEFINE_FINAL_TYPE (JbStream, jb_stream, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_STORE,
  PROP_STATE,
  PROP_RECONNECT_COUNT,
  PROP_GAP_COUNT,
  PROP_LAST_EVENT_TIME,
  PROP_LAST_ERROR,
  PROP_MOVING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  UNAUTHORIZED,
  APPLIED,
  PRESENCE_CHANGED,
  MOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void connect_stream (JbStream *self);

static void
set_moving (JbStream *self,
            gboolean  moving)
{
  if (self->moving == moving)
    return;
  self->moving = moving;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MOVING]);
}

static void
set_state (JbStream          *self,
           JbConnectionState  state)
{
  if (self->state == state)
    return;

  g_debug ("%s -> %s",
           g_enum_get_value (g_type_class_peek (JB_TYPE_CONNECTION_STATE), self->state)->value_nick,
           g_enum_get_value (g_type_class_peek (JB_TYPE_CONNECTION_STATE), state)->value_nick);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_last_error (JbStream   *self,
                const char *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;

  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void clear_viewers (JbStream *self);

static void
drop_sliced_apply (JbStream *self)
{
  g_clear_handle_id (&self->apply_source, g_source_remove);
  g_clear_handle_id (&self->apply_guard, g_source_remove);
  g_clear_pointer (&self->applying, jb_store_snapshot_free);
  g_queue_clear_full (&self->held, (GDestroyNotify) g_bytes_unref);
}

static void
teardown_stream (JbStream *self)
{
  /* A snapshot half in is dropped with its connection: the next one
   * reloads it (need_snapshot is still set). */
  drop_sliced_apply (self);
  g_cancellable_cancel (self->connect_cancellable);
  g_clear_object (&self->connect_cancellable);
  g_clear_handle_id (&self->liveness_source, g_source_remove);

  if (self->ws != NULL)
    {
      SoupWebsocketConnection *ws = g_steal_pointer (&self->ws);

      g_signal_handlers_disconnect_by_data (ws, self);
      if (soup_websocket_connection_get_state (ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (ws);
    }
  /* Without the connection, who is viewing what is unknown. */
  if (self->viewers != NULL)
    clear_viewers (self);
}

static gboolean
reconnect_cb (gpointer user_data)
{
  JbStream *self = user_data;

  self->reconnect_source = 0;
  connect_stream (self);
  return G_SOURCE_REMOVE;
}

/* Drops the stream and tries again: at once when @immediately (a gap or
 * resync: the server is fine, we just need a fresh snapshot), else after
 * an exponential backoff with jitter. */
static void
schedule_reconnect (JbStream   *self,
                    gboolean    immediately,
                    const char *reason)
{
  guint delay_ms = 0;

  teardown_stream (self);
  if (!self->running)
    return;

  if (reason != NULL)
    set_last_error (self, reason);

  /* A reload at once is right for a rare gap; a server that keeps sending
   * gaps must not make us reload snapshots in a tight loop. */
  if (immediately)
    {
      gint64 now = g_get_monotonic_time ();

      if (now - self->last_immediate_reconnect < 5 * G_USEC_PER_SEC)
        immediately = FALSE;
      else
        self->last_immediate_reconnect = now;
    }

  /* The session moved to another server while this try was out: that one
   * has not failed yet. Once round the list at once; then the backoff, so
   * that a city with every server down is not hammered. */
  if (!immediately &&
      g_strcmp0 (jb_session_get_server_url (self->session), self->attempt_url) != 0 &&
      self->moves_since_live < g_strv_length ((GStrv) jb_session_get_server_urls (self->session)))
    {
      self->moves_since_live++;
      immediately = TRUE;
    }

  if (!immediately)
    {
      guint shift = MIN (self->backoff_attempt, 5);
      double jitter = g_random_double_range (0.8, 1.2);

      delay_ms = MIN (BACKOFF_MIN_MS << shift, BACKOFF_MAX_MS);
      delay_ms = (guint) (delay_ms * jitter);
      self->backoff_attempt++;
    }

  g_debug ("Reconnecting in %u ms (%s)", delay_ms, reason ? reason : "");
  self->reconnect_count++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECT_COUNT]);
  set_state (self, JB_CONNECTION_STATE_RECONNECTING);

  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  self->reconnect_source = g_timeout_add (delay_ms, reconnect_cb, self);
}

static void
lost_session (JbStream   *self,
              const char *message)
{
  g_message ("The session was refused: %s", message);
  teardown_stream (self);
  self->running = FALSE;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  set_last_error (self, message);
  set_state (self, JB_CONNECTION_STATE_OFFLINE);
  g_signal_emit (self, signals[UNAUTHORIZED], 0);
}

/* Presence ------------------------------------------------------------- */

static void
viewer_free (gpointer data)
{
  JbViewer *v = data;

  g_free (v->username);
  g_free (v->display_name);
  g_free (v->incident_id);
  g_free (v);
}

static void
clear_viewers (JbStream *self)
{
  if (self->viewers == NULL || self->viewers->len == 0)
    return;
  g_ptr_array_set_size (self->viewers, 0);
  g_signal_emit (self, signals[PRESENCE_CHANGED], 0);
}

static void
send_viewing (JbStream *self)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  if (self->ws == NULL || soup_websocket_connection_get_state (self->ws) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "viewing");
  json_builder_set_member_name (builder, "incident_id");
  if (self->viewing != NULL)
    json_builder_add_string_value (builder, self->viewing);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  soup_websocket_connection_send_text (self->ws, text);
}

/* Positions are state outside the event log: applied as they come, never
 * a gap; after a (re)connection the server sends every unit's current
 * one. A bad frame is logged and dropped: the next one brings newer
 * fixes. */
static void
apply_positions (JbStream   *self,
                 const char *data,
                 gsize       len)
{
  g_autoptr(GError) error = NULL;

  if (jb_store_apply_positions_text (self->store, data, len, &error) < 0)
    g_warning ("Ignoring a bad positions frame: %s", error->message);
}

/* A frame without a seq is outside the event log: positions, presence (or
 * a kind this client does not know, ignored). Never a gap. */
static void
apply_unsequenced (JbStream   *self,
                   const char *data,
                   gsize       len)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *frame, *body;
  JsonArray *viewers;

  if (!json_parser_load_from_data (parser, data, (gssize) len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_debug ("Ignoring a frame that is not a JSON object");
      return;
    }
  frame = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member_with_default (frame, "type", NULL), "positions") == 0)
    {
      apply_positions (self, data, len);
      return;
    }
  if (g_strcmp0 (json_object_get_string_member_with_default (frame, "type", NULL), "presence") != 0)
    {
      g_debug ("Ignoring an unsequenced frame of another type");
      return;
    }
  if (!jb_json_get_object (frame, "data", TRUE, &body, NULL) ||
      !jb_json_get_array (body, "viewers", TRUE, &viewers, NULL))
    return;

  g_ptr_array_set_size (self->viewers, 0);
  for (guint i = 0; i < json_array_get_length (viewers); i++)
    {
      JsonNode *node = json_array_get_element (viewers, i);
      JsonObject *o;
      const char *username = NULL, *display_name = NULL, *incident_id = NULL;
      gint64 since = 0;
      JbViewer *v;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      o = json_node_get_object (node);
      if (!jb_json_get_string (o, "username", TRUE, &username, NULL) ||
          !jb_json_get_string (o, "incident_id", TRUE, &incident_id, NULL) ||
          username == NULL || incident_id == NULL)
        continue;
      (void) jb_json_get_string (o, "display_name", FALSE, &display_name, NULL);
      (void) jb_json_get_int (o, "since", FALSE, &since, NULL);
      v = g_new0 (JbViewer, 1);
      v->username = g_strdup (username);
      v->display_name = g_strdup (display_name ? display_name : username);
      v->incident_id = g_strdup (incident_id);
      v->since = since;
      g_ptr_array_add (self->viewers, v);
    }
  g_signal_emit (self, signals[PRESENCE_CHANGED], 0);
}

void
jb_stream_set_viewing (JbStream   *self,
                       const char *incident_id)
{
  g_return_if_fail (JB_IS_STREAM (self));

  if (g_strcmp0 (self->viewing, incident_id) == 0)
    return;
  g_free (self->viewing);
  self->viewing = g_strdup (incident_id);
  send_viewing (self);
}

const char *
jb_stream_get_viewing (JbStream *self)
{
  g_return_val_if_fail (JB_IS_STREAM (self), NULL);
  return self->viewing;
}

GPtrArray *
jb_stream_get_viewers (JbStream   *self,
                       const char *incident_id,
                       const char *except_username)
{
  GPtrArray *result;

  g_return_val_if_fail (JB_IS_STREAM (self), NULL);

  result = g_ptr_array_new ();
  for (guint i = 0; i < self->viewers->len; i++)
    {
      JbViewer *v = self->viewers->pdata[i];

      if ((incident_id == NULL || g_strcmp0 (v->incident_id, incident_id) == 0) &&
          g_strcmp0 (v->username, except_username) != 0)
        g_ptr_array_add (result, v);
    }
  return result;
}

static void apply_event_frame (JbStream   *self,
                               const char *data,
                               gsize       len);

static void
stream_message_cb (SoupWebsocketConnection *ws,
                   int                      type,
                   GBytes                  *message,
                   gpointer                 user_data)
{
  JbStream *self = user_data;
  gsize len;
  const char *data = g_bytes_get_data (message, &len);
  gint64 now = g_get_monotonic_time ();

  self->last_event_time = now;
  self->last_heard_time = now;
  if (now - self->last_event_notify >= G_USEC_PER_SEC)
    {
      self->last_event_notify = now;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_EVENT_TIME]);
    }

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      g_debug ("Ignoring a binary frame");
      return;
    }
  /* Event frames are the server's own and begin with their seq; its
   * positions frames with their type. */
  if (len > 19 && memcmp (data, "{\"type\":\"positions\"", 19) == 0)
    {
      apply_positions (self, data, len);
      return;
    }
  if (len < 7 || memcmp (data, "{\"seq\":", 7) != 0)
    {
      apply_unsequenced (self, data, len);
      return;
    }
  /* Held while a snapshot goes in, applied after it. */
  if (self->apply_source != 0)
    {
      g_queue_push_tail (&self->held, g_bytes_ref (message));
      /* A busy stream is always ready at the default priority and would
       * starve the slices (and grow this queue): they take turns now. */
      if (g_queue_get_length (&self->held) == 1)
        g_source_set_priority (g_main_context_find_source_by_id (NULL, self->apply_source), G_PRIORITY_DEFAULT);
      return;
    }
  apply_event_frame (self, data, len);
}

static void
apply_event_frame (JbStream   *self,
                   const char *data,
                   gsize       len)
{
  g_autoptr(GError) error = NULL;

  switch (jb_store_apply_event_text (self->store, data, len, &error))
    {
    case JB_STORE_APPLY_OK:
      g_signal_emit (self, signals[APPLIED], 0);
      break;

    case JB_STORE_APPLY_DUPLICATE:
      break;

    case JB_STORE_APPLY_GAP:
      self->gap_count++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GAP_COUNT]);
      self->need_snapshot = TRUE;
      schedule_reconnect (self, TRUE, "Missed events: reloading");
      break;

    case JB_STORE_APPLY_RESYNC:
      /* The server closes with 4000 next; don't wait for it. */
      self->need_snapshot = TRUE;
      schedule_reconnect (self, TRUE, "The server asked for a reload");
      break;

    case JB_STORE_APPLY_ERROR:
    default:
      /* We cannot apply what the server says: our state is suspect, so
       * reload it rather than guess. The backoff keeps a persistently bad
       * frame from looping fast. */
      g_warning ("Bad event frame: %s", error ? error->message : "?");
      self->need_snapshot = TRUE;
      schedule_reconnect (self, FALSE, error ? error->message : "Bad event frame");
      break;
    }
}

static void
stream_pong_cb (SoupWebsocketConnection *ws,
                GBytes                  *message,
                gpointer                 user_data)
{
  JbStream *self = user_data;

  self->last_heard_time = g_get_monotonic_time ();
}

static void
stream_closed_cb (SoupWebsocketConnection *ws,
                  gpointer                 user_data)
{
  JbStream *self = user_data;
  gushort code = soup_websocket_connection_get_close_code (ws);
  g_autofree char *reason = NULL;

  if (code == 4000)
    self->need_snapshot = TRUE;  /* resync_required */

  reason = g_strdup_printf ("The event stream closed (%u)", code);
  g_debug ("%s", reason);
  schedule_reconnect (self, code == 4000, reason);
}

static void
stream_error_cb (SoupWebsocketConnection *ws,
                 GError                  *error,
                 gpointer                 user_data)
{
  /* "closed" follows. */
  g_debug ("Event stream error: %s", error->message);
}

/* With the totals, glibc's own account of the heap, so that a soak can
 * tell memory in use from free pages an arena keeps (fragmentation). */
static void
log_heap (void)
{
#ifdef __GLIBC__
  struct mallinfo2 mi;
  g_autofree char *info = NULL;
  size_t info_len = 0;
  FILE *f;
  guint n_arenas = 0;

  if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    return;
  mi = mallinfo2 ();
  f = open_memstream (&info, &info_len);
  if (f != NULL)
    {
      malloc_info (0, f);
      fclose (f);
      for (const char *p = info; p != NULL && (p = strstr (p, "<heap nr=")) != NULL; p++)
        n_arenas++;
    }
  g_debug ("Heap: arenas %u, from the system %.1f MB (mmapped %.1f MB), in use %.1f MB, free %.1f MB",
           n_arenas, (mi.arena + mi.hblkhd) / 1048576.0, mi.hblkhd / 1048576.0,
           (mi.uordblks + mi.hblkhd) / 1048576.0, mi.fordblks / 1048576.0);
#endif
}

static gboolean
liveness_check_cb (gpointer user_data)
{
  JbStream *self = user_data;

  if (g_get_monotonic_time () - self->last_heard_time > self->liveness_timeout_us)
    {
      self->liveness_source = 0;
      g_message ("Nothing heard from the server for %" G_GINT64_FORMAT " s: reconnecting",
                 self->liveness_timeout_us / G_USEC_PER_SEC);
      schedule_reconnect (self, FALSE, "The server went silent");
      return G_SOURCE_REMOVE;
    }
  /* What a soak reads from the log (G_MESSAGES_DEBUG=jb-stream): the
   * totals applied, to tell the rate the client really took. */
  g_debug ("Applied so far: %" G_GUINT64_FORMAT " moves, %" G_GUINT64_FORMAT " events",
           (guint64) jb_store_get_n_moves (self->store), (guint64) jb_store_get_n_events (self->store));
  log_heap ();

  return G_SOURCE_CONTINUE;
}

/* What the WebSocket connect callback needs; it holds the client weakly,
 * as a teardown (or the client's end) may come first. */
typedef struct
{
  GWeakRef     client;
  SoupMessage *msg;
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  g_weak_ref_clear (&data->client);
  g_clear_object (&data->msg);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConnectData, connect_data_free)

static void
stream_connected_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(ConnectData) data = user_data;
  g_autoptr(JbStream) self = g_weak_ref_get (&data->client);
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *ws;

  ws = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->running)
    {
      /* Torn down meanwhile. */
      if (ws != NULL)
        {
          soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
          g_object_unref (ws);
        }
      return;
    }

  if (ws == NULL)
    {
      if (soup_message_get_status (data->msg) == SOUP_STATUS_UNAUTHORIZED)
        lost_session (self, "The server refused the session (401).");
      else
        {
          if (jb_session_error_is_unreachable (error))
            jb_session_move_on (self->session, g_object_get_data (G_OBJECT (data->msg), "jb-server-url"),
                                error->message);
          schedule_reconnect (self, FALSE, error->message);
        }
      return;
    }

  self->ws = ws;
  g_clear_object (&self->connect_cancellable);

  soup_websocket_connection_set_max_incoming_payload_size (ws, MAX_INCOMING_PAYLOAD);
  soup_websocket_connection_set_keepalive_interval (ws, KEEPALIVE_INTERVAL_S);
  g_signal_connect (ws, "message", G_CALLBACK (stream_message_cb), self);
  g_signal_connect (ws, "pong", G_CALLBACK (stream_pong_cb), self);
  g_signal_connect (ws, "closed", G_CALLBACK (stream_closed_cb), self);
  g_signal_connect (ws, "error", G_CALLBACK (stream_error_cb), self);

  self->last_heard_time = g_get_monotonic_time ();
  self->liveness_source = g_timeout_add (MIN (LIVENESS_CHECK_MS, self->liveness_timeout_us / 1000 / 4),
                                         liveness_check_cb, self);
  self->backoff_attempt = 0;
  set_last_error (self, NULL);
  /* Live once the snapshot is in (apply_slice_cb). */
  if (self->apply_source == 0)
    set_state (self, JB_CONNECTION_STATE_LIVE);
  /* A new connection: the server knows nothing of us yet. */
  send_viewing (self);

  {
    const char *url = g_object_get_data (G_OBJECT (data->msg), "jb-server-url");
    g_autofree char *from = g_steal_pointer (&self->live_url);

    self->live_url = g_strdup (url);
    self->moves_since_live = 0;
    set_moving (self, FALSE);
    if (from != NULL && g_strcmp0 (from, url) != 0)
      {
        g_message ("Moved from %s to %s, resumed after seq %" G_GINT64_FORMAT,
                   from, url, jb_store_get_seq (self->store));
        g_signal_emit (self, signals[MOVED], 0, from, url);
      }
  }
}

static void
open_stream (JbStream *self)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  ConnectData *data;
  SoupMessage *msg;

  path = g_strdup_printf ("/api/v1/events?since=%" G_GINT64_FORMAT,
                          self->applying != NULL ? jb_store_snapshot_get_seq (self->applying)
                                                 : jb_store_get_seq (self->store));
  if (!(msg = jb_session_new_message (self->session, "GET", path, NULL, &error)))
    {
      lost_session (self, error->message);
      return;
    }

  data = g_new0 (ConnectData, 1);
  g_weak_ref_init (&data->client, self);
  data->msg = g_object_ref (msg);
  soup_session_websocket_connect_async (self->ws_session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->connect_cancellable, stream_connected_cb, data);
  g_object_unref (msg);
}

/* A city's snapshot is tens of thousands of objects: they are built (and
 * the JSON let go) on a worker, so the main loop only swaps them in. */
static void
prepare_snapshot_in_thread (GTask        *task,
                            gpointer      source_object,
                            gpointer      task_data,
                            GCancellable *cancellable)
{
  JsonNode **node = task_data;
  GError *error = NULL;
  JbStoreSnapshot *prepared = jb_store_prepare_snapshot (*node, &error);

  g_clear_pointer (node, json_node_unref);
  /* The JSON was parsed and let go in this thread's malloc arena: glibc
   * returns a thread arena's free pages only when asked. Without this a
   * wall's RSS grew by 10-30 MB at every reconnect for good. Here, not on
   * the main loop: a city's trim takes up to 20 ms. */
  jb_memory_trim ();
  if (prepared == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, prepared, (GDestroyNotify) jb_store_snapshot_free);
}

/* One slice of the snapshot, then of the frames held meanwhile; LIVE when
 * both are done and the connection is open. */
static gboolean
apply_slice_cb (gpointer user_data)
{
  JbStream *self = user_data;
  gint64 deadline = g_get_monotonic_time () + APPLY_SLICE_US;

  self->last_slice_time = g_get_monotonic_time ();
  if (self->applying != NULL)
    {
      if (!jb_store_apply_snapshot_step (self->store, self->applying, deadline))
        return G_SOURCE_CONTINUE;
      /* What it let go is trimmed off the main loop: the JSON where it was
       * built (prepare_snapshot_in_thread), the replaced objects where
       * they are dropped (jb-store.c). */
      g_clear_pointer (&self->applying, jb_store_snapshot_free);
      self->need_snapshot = FALSE;
      g_signal_emit (self, signals[APPLIED], 0);
    }

  while (!g_queue_is_empty (&self->held))
    {
      g_autoptr(GBytes) frame = g_queue_pop_head (&self->held);
      gsize len;
      const char *data = g_bytes_get_data (frame, &len);

      apply_event_frame (self, data, len);
      /* A gap or a bad frame tore the stream down (and this source). */
      if (self->apply_source == 0)
        return G_SOURCE_REMOVE;
      if (g_get_monotonic_time () >= deadline)
        return G_SOURCE_CONTINUE;
    }

  /* Either source may be the one running this. */
  g_clear_handle_id (&self->apply_source, g_source_remove);
  g_clear_handle_id (&self->apply_guard, g_source_remove);
  if (self->ws != NULL && soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    set_state (self, JB_CONNECTION_STATE_LIVE);
  return G_SOURCE_REMOVE;
}

/* The slices come after painting (HIGH_IDLE + 30 against + 20): where a
 * frame takes longer to paint than the frame clock's interval, as on a
 * slow wall PC with the whole city moving, the frame clock is always
 * ready and a quiet stream's snapshot would never go in. */
static gboolean
apply_guard_cb (gpointer user_data)
{
  JbStream *self = user_data;

  if (g_get_monotonic_time () - self->last_slice_time >= APPLY_GUARD_MS * 1000)
    apply_slice_cb (self);
  return G_SOURCE_CONTINUE;
}

static void
snapshot_prepared_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  JbStream *self = JB_STREAM (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(JbStoreSnapshot) prepared = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (prepared == NULL)
    {
      g_warning ("Bad snapshot: %s", error->message);
      schedule_reconnect (self, FALSE, error->message);
      return;
    }
  /* In by slices, each after input and after the frame clock's layout
   * and paint (GDK_PRIORITY_REDRAW is HIGH_IDLE + 20); the stream opens
   * meanwhile and its frames wait for the snapshot. */
  drop_sliced_apply (self);
  self->applying = g_steal_pointer (&prepared);
  self->apply_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 30, apply_slice_cb, self, NULL);
  self->last_slice_time = g_get_monotonic_time ();
  self->apply_guard = g_timeout_add (APPLY_GUARD_MS, apply_guard_cb, self);
  open_stream (self);
}

static void
free_node_slot (JsonNode **node)
{
  g_clear_pointer (node, json_node_unref);
  g_free (node);
}

static void
snapshot_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  JbStream *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = jb_session_send_finish (JB_SESSION (object), result, &error);
  g_autoptr(GTask) task = NULL;
  JsonNode **slot;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (g_error_matches (error, JB_ERROR, JB_ERROR_UNAUTHORIZED))
    {
      lost_session (self, error->message);
      return;
    }
  if (error != NULL)
    {
      schedule_reconnect (self, FALSE, error->message);
      return;
    }

  task = g_task_new (self, self->connect_cancellable, snapshot_prepared_cb, NULL);
  g_task_set_source_tag (task, prepare_snapshot_in_thread);
  slot = g_new0 (JsonNode *, 1);
  *slot = g_steal_pointer (&node);
  g_task_set_task_data (task, slot, (GDestroyNotify) free_node_slot);
  g_task_run_in_thread (task, prepare_snapshot_in_thread);
}

static void
load_snapshot (JbStream *self)
{
  jb_session_send_async (self->session, "GET", "/api/v1/snapshot", NULL, NULL,
                         self->connect_cancellable, snapshot_loaded_cb, self);
}

/* Resuming with since= only works if the server still has our past: a
 * server whose database was replaced answers since= beyond its own seq
 * with silence, and its new events would look like duplicates. */
static void
health_checked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  JbStream *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = jb_session_send_finish (JB_SESSION (object), result, &error);
  gint64 seq = -1;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      schedule_reconnect (self, FALSE, error->message);
      return;
    }

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    (void) jb_json_get_int (json_node_get_object (node), "seq", FALSE, &seq, NULL);

  if (seq >= 0 && seq < jb_store_get_seq (self->store))
    {
      g_message ("The server's seq (%" G_GINT64_FORMAT ") is behind ours (%" G_GINT64_FORMAT
                 "): reloading", seq, jb_store_get_seq (self->store));
      self->need_snapshot = TRUE;
      load_snapshot (self);
      return;
    }

  open_stream (self);
}

static void
connect_stream (JbStream *self)
{
  if (!self->running)
    return;

  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  teardown_stream (self);
  self->connect_cancellable = g_cancellable_new ();
  g_free (self->attempt_url);
  self->attempt_url = g_strdup (jb_session_get_server_url (self->session));

  if (self->state == JB_CONNECTION_STATE_OFFLINE)
    set_state (self, JB_CONNECTION_STATE_CONNECTING);

  if (self->need_snapshot || !jb_store_has_snapshot (self->store))
    load_snapshot (self);
  else
    jb_session_send_async (self->session, "GET", "/api/v1/health", NULL, NULL,
                           self->connect_cancellable, health_checked_cb, self);
}

void
jb_stream_start (JbStream *self)
{
  g_return_if_fail (JB_IS_STREAM (self));

  if (self->running)
    return;
  if (!jb_session_is_logged_in (self->session))
    {
      g_warning ("jb_stream_start() needs a login first");
      return;
    }

  self->running = TRUE;
  self->need_snapshot = TRUE;
  self->backoff_attempt = 0;
  connect_stream (self);
}

void
jb_stream_stop (JbStream *self)
{
  g_return_if_fail (JB_IS_STREAM (self));

  self->running = FALSE;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  teardown_stream (self);
  set_moving (self, FALSE);
  set_state (self, JB_CONNECTION_STATE_OFFLINE);
}

/* The session moved to another server (this stream's try failed, or a
 * REST request did): a live stream follows at once, resuming by since=. */
static void
session_server_cb (JbStream *self)
{
  if (!self->running)
    return;
  if (self->live_url != NULL)
    set_moving (self, g_strcmp0 (jb_session_get_server_url (self->session), self->live_url) != 0);
  if (self->state == JB_CONNECTION_STATE_LIVE)
    schedule_reconnect (self, FALSE, "The server does not answer: moving to the next one");
}

gboolean
jb_stream_get_moving (JbStream *self)
{
  g_return_val_if_fail (JB_IS_STREAM (self), FALSE);
  return self->moving;
}


/* Accessors */

JbSession *
jb_stream_get_session (JbStream *self)
{
  g_return_val_if_fail (JB_IS_STREAM (self), NULL);
  return self->session;
}

JbStore *
jb_stream_get_store (JbStream *self)
{
  g_return_val_if_fail (JB_IS_STREAM (self), NULL);
  return self->store;
}

JbConnectionState
jb_stream_get_state (JbStream *self)
{
  g_return_val_if_fail (JB_IS_STREAM (self), JB_CONNECTION_STATE_OFFLINE);
  return self->state;
}

guint
jb_stream_get_reconnect_count (JbStream *self)
{
  g_return_val_if_fail (JB_IS_STREAM (self), 0);
  return self->reconnect_count;
}

guint
jb_stream_get_gap_count (JbStream *self)
{
  g_return_val_if_fail (JB_IS_STREAM (self), 0);
  return self->gap_count;
}

gint64
jb_stream_get_last_event_time (JbStream *self)
{
  g_return_val_if_fail (JB_IS_STREAM (self), 0);
  return self->last_event_time;
}

const char *
jb_stream_get_last_error (JbStream *self)
{
  g_return_val_if_fail (JB_IS_STREAM (self), NULL);
  return self->last_error;
}

void
jb_stream_set_liveness_timeout (JbStream *self,
                                guint     timeout_ms)
{
  g_return_if_fail (JB_IS_STREAM (self));
  g_return_if_fail (timeout_ms >= 100);

  self->liveness_timeout_us = (gint64) timeout_ms * 1000;
}

/* GObject */

JbStream *
jb_stream_new (JbSession *session,
               JbStore   *store)
{
  g_return_val_if_fail (JB_IS_SESSION (session), NULL);
  g_return_val_if_fail (JB_IS_STORE (store), NULL);

  return g_object_new (JB_TYPE_STREAM, "session", session, "store", store, NULL);
}

static void
jb_stream_constructed (GObject *object)
{
  JbStream *self = (JbStream *)object;

  G_OBJECT_CLASS (jb_stream_parent_class)->constructed (object);
  g_signal_connect_object (self->session, "notify::server-url", G_CALLBACK (session_server_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
jb_stream_dispose (GObject *object)
{
  JbStream *self = (JbStream *)object;

  jb_stream_stop (self);
  if (self->ws_session != NULL)
    soup_session_abort (self->ws_session);

  G_OBJECT_CLASS (jb_stream_parent_class)->dispose (object);
}

static void
jb_stream_finalize (GObject *object)
{
  JbStream *self = (JbStream *)object;

  g_clear_object (&self->ws_session);
  g_clear_object (&self->session);
  g_clear_object (&self->store);
  g_clear_pointer (&self->last_error, g_free);

  g_clear_pointer (&self->viewers, g_ptr_array_unref);
  g_clear_pointer (&self->viewing, g_free);
  g_clear_pointer (&self->live_url, g_free);
  g_clear_pointer (&self->attempt_url, g_free);

  G_OBJECT_CLASS (jb_stream_parent_class)->finalize (object);
}

static void
jb_stream_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  JbStream *self = JB_STREAM (object);

  switch (prop_id)
    {
    case PROP_SESSION: g_value_set_object (value, self->session); break;
    case PROP_STORE: g_value_set_object (value, self->store); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_RECONNECT_COUNT: g_value_set_uint (value, self->reconnect_count); break;
    case PROP_GAP_COUNT: g_value_set_uint (value, self->gap_count); break;
    case PROP_LAST_EVENT_TIME: g_value_set_int64 (value, self->last_event_time); break;
    case PROP_LAST_ERROR: g_value_set_string (value, self->last_error); break;
    case PROP_MOVING: g_value_set_boolean (value, self->moving); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_stream_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  JbStream *self = JB_STREAM (object);

  switch (prop_id)
    {
    case PROP_SESSION: self->session = g_value_dup_object (value); break;
    case PROP_STORE: self->store = g_value_dup_object (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_stream_class_init (JbStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = jb_stream_constructed;
  object_class->dispose = jb_stream_dispose;
  object_class->finalize = jb_stream_finalize;
  object_class->get_property = jb_stream_get_property;
  object_class->set_property = jb_stream_set_property;

  properties[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL, JB_TYPE_SESSION, co);
  properties[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, JB_TYPE_STORE, co);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, JB_TYPE_CONNECTION_STATE,
                                              JB_CONNECTION_STATE_OFFLINE, ro);
  properties[PROP_RECONNECT_COUNT] = g_param_spec_uint ("reconnect-count", NULL, NULL,
                                                        0, G_MAXUINT, 0, ro);
  properties[PROP_GAP_COUNT] = g_param_spec_uint ("gap-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_LAST_EVENT_TIME] = g_param_spec_int64 ("last-event-time", NULL, NULL,
                                                         0, G_MAXINT64, 0, ro);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, ro);
  properties[PROP_MOVING] = g_param_spec_boolean ("moving", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * JbStream::unauthorized:
   *
   * The server refused the token (expired or revoked): the stream stops
   * (state OFFLINE).
   */
  signals[UNAUTHORIZED] =
    g_signal_new ("unauthorized", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * JbStream::applied:
   *
   * The store has just applied an event frame or loaded a snapshot: its
   * seq may have moved.
   */
  signals[APPLIED] =
    g_signal_new ("applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * JbStream::presence-changed:
   *
   * A presence frame came (who has which incident open), or the
   * connection went and what we knew of it with it.
   */
  signals[PRESENCE_CHANGED] =
    g_signal_new ("presence-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * JbStream::moved:
   * @from: the server the stream was live on
   * @to: the one it is live on now
   *
   * The stream is live again, on another server of the list, resumed
   * after the store's seq.
   */
  signals[MOVED] =
    g_signal_new ("moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
jb_stream_init (JbStream *self)
{
  self->liveness_timeout_us = LIVENESS_TIMEOUT_US;
  self->viewers = g_ptr_array_new_with_free_func (viewer_free);
  self->ws_session = soup_session_new_with_options ("user-agent", "jingbao/" PACKAGE_VERSION " ",
                                                    NULL);
  _jb_tls_use_ca_file (self->ws_session);
}
