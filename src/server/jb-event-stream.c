/* jb-event-stream.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-event-stream"

#include "jb-event-stream.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "jb-error.h"

#define REPLAY_CHUNK          256
#define REPLAY_HIGH_WATER     (1024 * 1024)
#define SLOW_CONSUMER_LIMIT   (8 * 1024 * 1024)
/* Above this backlog, positions frames are skipped and the client gets
 * the current positions once it has caught up: coalesced, not queued. */
#define POSITIONS_HIGH_WATER  (1024 * 1024)
#define MAX_INCOMING_PAYLOAD  (64 * 1024)
#define MAX_ID_LENGTH         128
#define KEEPALIVE_S           15
#define CLOSE_RESYNC          4000
#define CLOSE_SLOW_CONSUMER   4001
#define CLOSE_SESSION_ENDED   4002

struct _JbEventStream
{
  GObject                  parent_instance;

  JbDispatch              *dispatch;
  SoupWebsocketConnection *connection;
  JbConnectionStream      *counter;
  guint64                  written_before;  /* by the connection, before the stream began */
  guint64                  queued;      /* bytes handed to the connection */
  gint64                   last_sent;   /* seq of the last event sent */
  gboolean                 live;
  gboolean                 finished;
  gulong                   event_handler;
  gulong                   positions_handler;
  gboolean                 positions_live;  /* it had the current positions */
  gboolean                 positions_owed;  /* frames were skipped: send them all */
  guint                    replay_id;
  JbPresence              *presence;
  gulong                   presence_handler;
  char                    *username;
  char                    *display_name;
  gboolean                 wants_presence;  /* it has spoken presence: it gets the frames */
  GBytes                  *token_hash;  /* the session's, NULL when not bound */
  gulong                   session_handler;
  guint                    expiry_id;
};

enum
{
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (JbEventStream, jb_event_stream, G_TYPE_OBJECT)

static void schedule_replay (JbEventStream *self,
                             guint          delay_ms);
static void send_resync     (JbEventStream *self,
                             gint64         oldest,
                             gint64         latest);

static guint64
backlog (JbEventStream *self)
{
  guint64 written = jb_connection_stream_get_written (self->counter) - self->written_before;

  return self->queued > written ? self->queued - written : 0;
}

static gboolean
is_open (JbEventStream *self)
{
  return !self->finished &&
         soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN;
}

/* A send can fail the connection on the spot (peer gone): every send
 * checks the state again. Returns FALSE when the stream is closed. */
static gboolean
send_frame (JbEventStream *self,
            const char    *frame)
{
  gsize len = strlen (frame);

  if (!is_open (self))
    return FALSE;

  /* Server frames are unmasked: 2, 4 or 10 header bytes. */
  self->queued += len + (len < 126 ? 2 : len < 65536 ? 4 : 10);
  soup_websocket_connection_send_text (self->connection, frame);
  return TRUE;
}

static void
close_with (JbEventStream *self,
            gushort        code,
            const char    *reason)
{
  if (is_open (self))
    soup_websocket_connection_close (self->connection, code, reason);
}

static void
finish (JbEventStream *self)
{
  if (self->finished)
    return;
  self->finished = TRUE;
  g_clear_signal_handler (&self->event_handler, self->dispatch);
  g_clear_signal_handler (&self->positions_handler, self->dispatch);
  g_clear_signal_handler (&self->session_handler, self->dispatch);
  g_clear_handle_id (&self->replay_id, g_source_remove);
  /* Gone: its presence with it, for everyone else at once. */
  if (self->presence != NULL)
    {
      g_clear_signal_handler (&self->presence_handler, self->presence);
      jb_presence_remove (self->presence, self);
    }
  g_clear_handle_id (&self->expiry_id, g_source_remove);
  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
  g_object_unref (self);
}

static void
event_cb (JbDispatch    *dispatch,
          const char    *frame,
          gint64         seq,
          JbEventStream *self)
{
  /* While replaying, the replay reads this event from the database. */
  if (!self->live || seq <= self->last_sent || !is_open (self))
    return;
  /* A gap (the log pruned past this server's tail): the replay reads the
   * log and tells the client to resync if the events are gone. */
  if (seq > self->last_sent + 1)
    {
      self->live = FALSE;
      schedule_replay (self, 0);
      return;
    }
  if (backlog (self) > SLOW_CONSUMER_LIMIT)
    {
      g_message ("Closing a slow event stream client (%" G_GUINT64_FORMAT " bytes queued).", backlog (self));
      close_with (self, CLOSE_SLOW_CONSUMER, "slow_consumer");
      return;
    }
  if (send_frame (self, frame))
    self->last_sent = seq;
}

/* Positions are state outside the seq: after the replay the client gets
 * every unit's current one, then the changes as they come. */
static void
send_current_positions (JbEventStream *self)
{
  g_autoptr(GPtrArray) frames = NULL;
  g_autoptr(GError) error = NULL;

  frames = jb_dispatch_build_current_positions (self->dispatch, &error);
  if (frames == NULL)
    {
      g_warning ("Cannot read the current positions: %s", error->message);
      /* The next positions frame tries again. */
      self->positions_live = TRUE;
      self->positions_owed = TRUE;
      return;
    }
  for (guint i = 0; i < frames->len; i++)
    if (!send_frame (self, g_ptr_array_index (frames, i)))
      return;
  self->positions_live = TRUE;
  self->positions_owed = FALSE;
}

static void
positions_cb (JbDispatch    *dispatch,
              const char    *frame,
              JbEventStream *self)
{
  if (!self->positions_live || !is_open (self))
    return;
  if (backlog (self) > POSITIONS_HIGH_WATER)
    {
      self->positions_owed = TRUE;
      return;
    }
  if (self->positions_owed)
    send_current_positions (self);
  else
    send_frame (self, frame);
}

static gint64
frame_seq (const char *frame)
{
  /* Frames are ours and start with {"seq":N */
  return g_ascii_strtoll (frame + strlen ("{\"seq\":"), NULL, 10);
}

static gboolean
replay_cb (gpointer user_data)
{
  JbEventStream *self = user_data;
  g_autoptr(GPtrArray) frames = NULL;
  g_autoptr(GError) error = NULL;

  self->replay_id = 0;
  if (!is_open (self))
    return G_SOURCE_REMOVE;
  if (backlog (self) > REPLAY_HIGH_WATER)
    {
      schedule_replay (self, 20);
      return G_SOURCE_REMOVE;
    }
  frames = jb_dispatch_read_events_since (self->dispatch, self->last_sent, REPLAY_CHUNK, NULL, &error);
  if (frames == NULL)
    {
      g_warning ("Cannot replay events: %s", error->message);
      close_with (self, SOUP_WEBSOCKET_CLOSE_SERVER_ERROR, "internal");
      return G_SOURCE_REMOVE;
    }
  if (frames->len > 0 && frame_seq (g_ptr_array_index (frames, 0)) != self->last_sent + 1)
    {
      send_resync (self, frame_seq (g_ptr_array_index (frames, 0)),
                   jb_dispatch_get_latest_seq (self->dispatch));
      return G_SOURCE_REMOVE;
    }
  for (guint i = 0; i < frames->len; i++)
    {
      if (!send_frame (self, g_ptr_array_index (frames, i)))
        return G_SOURCE_REMOVE;
      self->last_sent = frame_seq (g_ptr_array_index (frames, i));
    }
  /* A short chunk means the replay caught up with the log. What commits
   * later reaches ::event (from this server or its tail of the log) with a
   * higher seq; anything the replay already sent is skipped there. */
  if (frames->len < REPLAY_CHUNK)
    {
      self->live = TRUE;
      send_current_positions (self);
    }
  else
    schedule_replay (self, 0);
  return G_SOURCE_REMOVE;
}

static void
schedule_replay (JbEventStream *self,
                 guint          delay_ms)
{
  if (self->replay_id != 0)
    return;
  /* At the requests' own priority: an idle would never run on a server
   * kept busy by a position flood, and the client would wait for its
   * replay (and then its positions) for ever. Each chunk is bounded. */
  if (delay_ms == 0)
    self->replay_id = g_idle_add_full (G_PRIORITY_DEFAULT, replay_cb, self, NULL);
  else
    self->replay_id = g_timeout_add (delay_ms, replay_cb, self);
}

static void
send_resync (JbEventStream *self,
             gint64         oldest,
             gint64         latest)
{
  g_autofree char *frame =
    g_strdup_printf ("{\"seq\":0,\"type\":\"resync_required\",\"time\":%" G_GINT64_FORMAT
                     ",\"data\":{\"oldest_seq\":%" G_GINT64_FORMAT ",\"latest_seq\":%" G_GINT64_FORMAT "}}",
                     g_get_real_time () / 1000, oldest, latest);

  send_frame (self, frame);
  close_with (self, CLOSE_RESYNC, "resync_required");
}

static void
start (JbEventStream *self,
       gint64         since)
{
  gint64 latest = jb_dispatch_get_latest_seq (self->dispatch);
  gint64 oldest = 0;
  g_autoptr(GPtrArray) none = NULL;

  /* Subscribe before reading, so nothing committed later is missed. */
  self->event_handler = g_signal_connect (self->dispatch, "event", G_CALLBACK (event_cb), self);
  self->positions_handler = g_signal_connect (self->dispatch, "positions", G_CALLBACK (positions_cb), self);
  if (since < 0)
    {
      self->last_sent = latest;
      self->live = TRUE;
      send_current_positions (self);
      return;
    }
  none = jb_dispatch_read_events_since (self->dispatch, G_MAXINT64, 1, &oldest, NULL);
  if (since > latest || (oldest > 0 && since < oldest - 1) || (oldest == 0 && since < latest))
    {
      send_resync (self, oldest, latest);
      return;
    }
  self->last_sent = since;
  schedule_replay (self, 0);
}

static void
closed_cb (SoupWebsocketConnection *connection,
           JbEventStream           *self)
{
  finish (self);
}

/* Presence frames carry no seq: they are outside the event log and
 * sent whenever the viewers change (and once on connecting). */
static void
send_presence (JbEventStream *self)
{
  g_autofree char *frame = NULL;

  if (self->presence == NULL || !self->wants_presence || !is_open (self))
    return;
  frame = jb_presence_build_frame (self->presence);
  send_frame (self, frame);
}

static void
presence_changed_cb (JbPresence    *presence,
                     JbEventStream *self)
{
  send_presence (self);
}

static gboolean
valid_id (const char *id)
{
  gsize len = strlen (id);

  if (len == 0 || len > MAX_ID_LENGTH || !g_utf8_validate (id, len, NULL))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if ((guchar) id[i] < 0x20)
      return FALSE;
  return TRUE;
}

/* Clients send pings and {"type":"viewing","incident_id":ID|null}; a
 * malformed message is ignored (presence is a hint, never a command). */
static void
message_cb (SoupWebsocketConnection *connection,
            int                      type,
            GBytes                  *message,
            JbEventStream           *self)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;
  JsonNode *id;
  gsize len;
  const char *data;

  if (type != SOUP_WEBSOCKET_DATA_TEXT || self->presence == NULL || self->username == NULL)
    return;
  data = g_bytes_get_data (message, &len);
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  object = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member_with_default (object, "type", NULL), "viewing") != 0)
    return;
  id = json_object_get_member (object, "incident_id");
  if (id != NULL && !JSON_NODE_HOLDS_NULL (id) &&
      !(JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_STRING &&
        valid_id (json_node_get_string (id))))
    return;
  /* The first one opts the connection in: older clients never see a
   * frame without a seq. */
  if (!self->wants_presence)
    {
      self->wants_presence = TRUE;
      send_presence (self);
    }
  jb_presence_set (self->presence, self, self->username, self->display_name,
                   id == NULL || JSON_NODE_HOLDS_NULL (id) ? NULL : json_node_get_string (id));
}

static void
jb_event_stream_dispose (GObject *object)
{
  JbEventStream *self = JB_EVENT_STREAM (object);

  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  g_clear_signal_handler (&self->event_handler, self->dispatch);
  g_clear_signal_handler (&self->positions_handler, self->dispatch);
  g_clear_signal_handler (&self->session_handler, self->dispatch);
  g_clear_handle_id (&self->replay_id, g_source_remove);
  if (self->presence != NULL)
    {
      g_clear_signal_handler (&self->presence_handler, self->presence);
      jb_presence_remove (self->presence, self);
    }
  g_clear_object (&self->presence);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_handle_id (&self->expiry_id, g_source_remove);
  g_clear_pointer (&self->token_hash, g_bytes_unref);
  g_clear_object (&self->connection);
  g_clear_object (&self->counter);
  g_clear_object (&self->dispatch);

  G_OBJECT_CLASS (jb_event_stream_parent_class)->dispose (object);
}

static void
jb_event_stream_class_init (JbEventStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jb_event_stream_dispose;

  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
jb_event_stream_init (JbEventStream *self)
{
}

JbEventStream *
jb_event_stream_new (JbDispatch              *dispatch,
                     SoupWebsocketConnection *connection,
                     JbConnectionStream      *counter,
                     gint64                   since,
                     JbPresence              *presence,
                     const char              *username,
                     const char              *display_name)
{
  JbEventStream *self = g_object_new (JB_TYPE_EVENT_STREAM, NULL);

  if (presence != NULL && username != NULL)
    {
      self->presence = g_object_ref (presence);
      self->username = g_strdup (username);
      self->display_name = g_strdup (display_name ? display_name : username);
      self->presence_handler = g_signal_connect (presence, "changed", G_CALLBACK (presence_changed_cb), self);
    }

  self->dispatch = g_object_ref (dispatch);
  self->connection = g_object_ref (connection);
  self->counter = g_object_ref (counter);
  self->written_before = jb_connection_stream_get_written (counter);
  soup_websocket_connection_set_max_incoming_payload_size (connection, MAX_INCOMING_PAYLOAD);
  soup_websocket_connection_set_keepalive_interval (connection, KEEPALIVE_S);
  g_signal_connect (connection, "closed", G_CALLBACK (closed_cb), self);
  g_signal_connect (connection, "message", G_CALLBACK (message_cb), self);
  start (self, since);
  return self;
}

void
jb_event_stream_close (JbEventStream *self)
{
  g_return_if_fail (JB_IS_EVENT_STREAM (self));

  close_with (self, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "shutdown");
  finish (self);
}

/* The session's end ends the stream: at once when it is revoked, at its
 * expiry time otherwise. */

static void
session_ended_cb (JbDispatch    *dispatch,
                  GBytes        *token_hash,
                  JbEventStream *self)
{
  if (self->token_hash == NULL || !g_bytes_equal (token_hash, self->token_hash))
    return;
  close_with (self, CLOSE_SESSION_ENDED, "session_ended");
}

static gboolean
expired_cb (gpointer user_data)
{
  JbEventStream *self = user_data;

  self->expiry_id = 0;
  close_with (self, CLOSE_SESSION_ENDED, "session_expired");
  return G_SOURCE_REMOVE;
}

void
jb_event_stream_bind_session (JbEventStream *self,
                              GBytes        *token_hash,
                              gint64         expires_at)
{
  gint64 left_ms;

  g_return_if_fail (JB_IS_EVENT_STREAM (self));
  g_return_if_fail (self->token_hash == NULL);

  if (self->finished)
    return;
  self->token_hash = g_bytes_ref (token_hash);
  self->session_handler = g_signal_connect (self->dispatch, "session-ended",
                                            G_CALLBACK (session_ended_cb), self);
  if (expires_at <= 0)
    return;
  left_ms = expires_at - g_get_real_time () / 1000;
  self->expiry_id = g_timeout_add ((guint) CLAMP (left_ms, 0, G_MAXINT32), expired_cb, self);
}
