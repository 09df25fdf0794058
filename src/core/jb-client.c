/* jb-client.c — login, snapshot, event stream and the command queue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-client"

#include "jb-client-private.h"

#include <libsoup/soup.h>
#include <string.h>

#include "jb-command-private.h"
#include "jb-enum-types.h"
#include "jb-error.h"
#include "jb-json.h"

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
#define COMMAND_MAX_ATTEMPTS    6  /* retries after 0.5, 1, 2, 4, 8 s */
#define REST_TIMEOUT_S          30
#define PARSE_IN_THREAD_BYTES   (256 * 1024)
/* How long a CONFIRMED or FAILED command stays in the pending list, so
 * the UI can show "done" or "failed". */
#define COMMAND_LINGER_MS       5000

struct _JbClient
{
  GObject                  parent_instance;

  char                    *server_url;
  JbStore                 *store;
  JbConnectionState        state;

  /* Session */
  SoupSession             *session;     /* REST, with a timeout */
  SoupSession             *ws_session;  /* the event stream, no I/O timeout */
  char                    *token;
  JsonObject              *user;
  char                    *username;
  JbRole                   role;

  /* Event stream */
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

  /* Command queue: GTasks whose task data is their JbCommand, in order. */
  GQueue                   commands;
  GListStore              *pending;
  gboolean                 command_in_flight;
  guint                    command_retry_source;

  /* Confirmation: ACCEPTED commands (owned references) waiting for the
   * store to reach their seq; the health request that learns it. */
  GPtrArray               *awaiting;
  guint64                  accept_serial;
  guint64                  watermark_serial;
  gboolean                 watermark_in_flight;
  guint                    watermark_retry_source;
  guint                    watermark_failures;
  guint                    linger_ms;
  guint                    linger_source;
};

G_DEFINE_FINAL_TYPE (JbClient, jb_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVER_URL,
  PROP_STORE,
  PROP_STATE,
  PROP_USER,
  PROP_USERNAME,
  PROP_ROLE,
  PROP_RECONNECT_COUNT,
  PROP_GAP_COUNT,
  PROP_LAST_EVENT_TIME,
  PROP_LAST_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  UNAUTHORIZED,
  COMMAND_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void connect_stream       (JbClient *self);
static void process_queue        (JbClient *self);
static void check_confirmations  (JbClient *self);

/* Helpers */

static void
set_state (JbClient          *self,
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
set_last_error (JbClient   *self,
                const char *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;

  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static char *
make_url (JbClient   *self,
          const char *path)
{
  return g_strconcat (self->server_url, path, NULL);
}

static SoupMessage *
new_message (JbClient    *self,
             const char  *method,
             const char  *path,
             JsonNode    *body,
             GError     **error)
{
  g_autofree char *url = make_url (self, path);
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, error);
  SoupMessage *msg;

  if (uri == NULL)
    {
      g_prefix_error (error, "Bad server address: ");
      return NULL;
    }

  msg = soup_message_new_from_uri (method, uri);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
  if (self->token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (body != NULL)
    {
      gsize len;
      char *text = jb_json_to_string (body, &len);
      g_autoptr(GBytes) bytes = g_bytes_new_take (text, len);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  return msg;
}

/* Turns an HTTP answer into the JSON result or a JB_ERROR. Non-2xx
 * answers carry {"error": {"code", "message"}} by the protocol. */
static JsonNode *
parse_answer (SoupMessage  *msg,
              GBytes       *bytes,
              GError      **error)
{
  guint status = soup_message_get_status (msg);
  gsize len = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root = NULL;

  if (len > 0)
    {
      parser = json_parser_new_immutable ();
      if (json_parser_load_from_data (parser, data, (gssize) len, &parse_error))
        root = json_parser_get_root (parser);
    }

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      if (len == 0)
        return NULL;
      if (root == NULL)
        {
          g_set_error (error, JB_ERROR, JB_ERROR_PROTOCOL,
                       "The server sent a body that is not JSON (HTTP %u).", status);
          return NULL;
        }
      return json_node_ref (root);
    }

  /* An error answer. */
  {
    JbErrorCode code = status == 401 ? JB_ERROR_UNAUTHORIZED :
                       status == 403 ? JB_ERROR_FORBIDDEN :
                       status == 404 ? JB_ERROR_NOT_FOUND :
                       status == 409 ? JB_ERROR_CONFLICT :
                       status >= 500 ? JB_ERROR_INTERNAL : JB_ERROR_PROTOCOL;
    const char *message = NULL;
    const char *code_str = NULL;

    if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
      {
        JsonObject *err = NULL;
        g_autoptr(GError) ignored = NULL;

        if (jb_json_get_object (json_node_get_object (root), "error", FALSE, &err, &ignored) && err != NULL)
          {
            (void) jb_json_get_string (err, "code", FALSE, &code_str, NULL);
            (void) jb_json_get_string (err, "message", FALSE, &message, NULL);
          }
      }

    if (code_str != NULL && !jb_error_code_from_string (code_str, &code))
      g_debug ("Unknown error code \"%s\" from the server", code_str);

    if (message != NULL)
      g_set_error_literal (error, JB_ERROR, code, message);
    else
      g_set_error (error, JB_ERROR, code, "The server answered HTTP %u %s.", status,
                   soup_message_get_reason_phrase (msg) ? soup_message_get_reason_phrase (msg) : "");
    return NULL;
  }
}

static void
set_network_error (GError     **error,
                   const GError *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, cause->message);
  else
    g_set_error (error, JB_ERROR, JB_ERROR_NETWORK,
                 "Cannot reach the server: %s", cause->message);
}

/* Big answers (a city's snapshot is megabytes) are parsed in a worker
 * thread so the wall screen does not stall; the store still loads on the
 * main thread. */
static void
parse_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GBytes *bytes = task_data;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  if (!json_parser_load_from_data (parser, data, (gssize) len, &error))
    g_task_return_new_error (task, JB_ERROR, JB_ERROR_PROTOCOL,
                             "The server sent a body that is not JSON: %s", error->message);
  else
    g_task_return_pointer (task, json_node_ref (json_parser_get_root (parser)),
                           (GDestroyNotify) json_node_unref);
}

static void
parsed_in_thread_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  JsonNode *node = g_task_propagate_pointer (G_TASK (result), &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

/* One REST request as a GTask returning a JsonNode (NULL for an empty
 * body). */
static void
request_sent_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  JsonNode *node;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL)
    {
      GError *net_error = NULL;

      set_network_error (&net_error, error);
      g_task_return_error (task, net_error);
      return;
    }

  if (SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)) &&
      g_bytes_get_size (bytes) > PARSE_IN_THREAD_BYTES)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);
      g_autoptr(GTask) parse = g_task_new (NULL, cancellable, parsed_in_thread_cb, g_steal_pointer (&task));

      g_task_set_source_tag (parse, parse_in_thread);
      g_task_set_task_data (parse, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
      g_task_run_in_thread (parse, parse_in_thread);
      return;
    }

  node = parse_answer (msg, bytes, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

static void
send_request (JbClient            *self,
              SoupSession         *session,
              const char          *method,
              const char          *path,
              JsonNode            *body,
              const char          *idempotency_key,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  SoupMessage *msg;

  g_task_set_source_tag (task, send_request);

  if (!(msg = new_message (self, method, path, body, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (idempotency_key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
                                  "Idempotency-Key", idempotency_key);

  g_task_set_task_data (task, msg, g_object_unref);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    request_sent_cb, g_object_ref (task));
}

static JsonNode *
send_request_finish (JbClient      *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Login */

static void
login_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  JbClient *self = JB_CLIENT (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = send_request_finish (self, result, &error);
  JsonObject *answer, *user = NULL;
  const char *token = NULL, *username = NULL, *role = NULL;
  JbRole role_value = JB_ROLE_N;

  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_task_return_new_error (task, JB_ERROR, JB_ERROR_PROTOCOL, "The login answer is not an object.");
      return;
    }
  answer = json_node_get_object (node);
  if (!jb_json_get_string (answer, "token", TRUE, &token, &error) ||
      !jb_json_get_object (answer, "user", TRUE, &user, &error) ||
      !jb_json_get_string (user, "username", FALSE, &username, &error) ||
      !jb_json_get_string (user, "role", FALSE, &role, &error))
    {
      g_task_return_new_error (task, JB_ERROR, JB_ERROR_PROTOCOL,
                               "The login answer is malformed: %s", error->message);
      return;
    }
  if (role != NULL && !jb_role_from_string (role, &role_value))
    role_value = JB_ROLE_VIEWER;  /* an unknown role may do no more than read */

  g_free (self->token);
  self->token = g_strdup (token);
  g_clear_pointer (&self->user, json_object_unref);
  self->user = json_object_ref (user);
  g_free (self->username);
  self->username = g_strdup (username);
  self->role = role_value;

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
  g_object_thaw_notify (G_OBJECT (self));

  g_task_return_boolean (task, TRUE);
}

void
jb_client_login_async (JbClient            *self,
                       const char          *username,
                       const char          *password,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (JB_IS_CLIENT (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jb_client_login_async);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  /* A login is not authenticated: do not send a previous token. */
  g_clear_pointer (&self->token, g_free);
  send_request (self, self->session, "POST", "/api/v1/session", body, NULL, cancellable,
                login_cb, g_steal_pointer (&task));
}

gboolean
jb_client_login_finish (JbClient      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
logout_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = send_request_finish (JB_CLIENT (object), result, &error);

  g_clear_pointer (&node, json_node_unref);
  if (error != NULL)
    g_debug ("Logout: %s", error->message);
}

void
jb_client_logout (JbClient *self)
{
  g_return_if_fail (JB_IS_CLIENT (self));

  jb_client_stop (self);
  if (self->token != NULL)
    send_request (self, self->session, "DELETE", "/api/v1/session", NULL, NULL, NULL,
                  logout_cb, NULL);

  /* The request above already holds its Authorization header. */
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->user, json_object_unref);
  g_clear_pointer (&self->username, g_free);
  self->role = JB_ROLE_N;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
}

/* Event stream */

static void
teardown_stream (JbClient *self)
{
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
}

static gboolean
reconnect_cb (gpointer user_data)
{
  JbClient *self = user_data;

  self->reconnect_source = 0;
  connect_stream (self);
  return G_SOURCE_REMOVE;
}

/* Drops the stream and tries again: at once when @immediately (a gap or
 * resync: the server is fine, we just need a fresh snapshot), else after
 * an exponential backoff with jitter. */
static void
schedule_reconnect (JbClient   *self,
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
lost_session (JbClient   *self,
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

static void
stream_message_cb (SoupWebsocketConnection *ws,
                   int                      type,
                   GBytes                  *message,
                   gpointer                 user_data)
{
  JbClient *self = user_data;
  g_autoptr(GError) error = NULL;
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

  switch (jb_store_apply_event_text (self->store, data, len, &error))
    {
    case JB_STORE_APPLY_OK:
      if (self->awaiting->len > 0)
        check_confirmations (self);
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
  JbClient *self = user_data;

  self->last_heard_time = g_get_monotonic_time ();
}

static void
stream_closed_cb (SoupWebsocketConnection *ws,
                  gpointer                 user_data)
{
  JbClient *self = user_data;
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

static gboolean
liveness_check_cb (gpointer user_data)
{
  JbClient *self = user_data;

  if (g_get_monotonic_time () - self->last_heard_time > self->liveness_timeout_us)
    {
      self->liveness_source = 0;
      g_message ("Nothing heard from the server for %" G_GINT64_FORMAT " s: reconnecting",
                 self->liveness_timeout_us / G_USEC_PER_SEC);
      schedule_reconnect (self, FALSE, "The server went silent");
      return G_SOURCE_REMOVE;
    }

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
  g_autoptr(JbClient) self = g_weak_ref_get (&data->client);
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
        schedule_reconnect (self, FALSE, error->message);
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
  set_state (self, JB_CONNECTION_STATE_LIVE);
}

static void
open_stream (JbClient *self)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  ConnectData *data;
  SoupMessage *msg;

  path = g_strdup_printf ("/api/v1/events?since=%" G_GINT64_FORMAT, jb_store_get_seq (self->store));
  if (!(msg = new_message (self, "GET", path, NULL, &error)))
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

static void
snapshot_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  JbClient *self = JB_CLIENT (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = send_request_finish (self, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (g_error_matches (error, JB_ERROR, JB_ERROR_UNAUTHORIZED))
    {
      lost_session (self, error->message);
      return;
    }
  if (error == NULL && !jb_store_load_snapshot (self->store, node, &error))
    g_warning ("Bad snapshot: %s", error->message);
  if (error != NULL)
    {
      schedule_reconnect (self, FALSE, error->message);
      return;
    }

  self->need_snapshot = FALSE;
  check_confirmations (self);
  open_stream (self);
}

static void
load_snapshot (JbClient *self)
{
  send_request (self, self->session, "GET", "/api/v1/snapshot", NULL, NULL,
                self->connect_cancellable, snapshot_loaded_cb, NULL);
}

/* Resuming with since= only works if the server still has our past: a
 * server whose database was replaced answers since= beyond its own seq
 * with silence, and its new events would look like duplicates. */
static void
health_checked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  JbClient *self = JB_CLIENT (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = send_request_finish (self, result, &error);
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
connect_stream (JbClient *self)
{
  if (!self->running)
    return;

  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  teardown_stream (self);
  self->connect_cancellable = g_cancellable_new ();

  if (self->state == JB_CONNECTION_STATE_OFFLINE)
    set_state (self, JB_CONNECTION_STATE_CONNECTING);

  if (self->need_snapshot || !jb_store_has_snapshot (self->store))
    load_snapshot (self);
  else
    send_request (self, self->session, "GET", "/api/v1/health", NULL, NULL,
                  self->connect_cancellable, health_checked_cb, NULL);
}

void
jb_client_start (JbClient *self)
{
  g_return_if_fail (JB_IS_CLIENT (self));

  if (self->running)
    return;
  if (self->token == NULL)
    {
      g_warning ("jb_client_start() needs a login first");
      return;
    }

  self->running = TRUE;
  self->need_snapshot = TRUE;
  self->backoff_attempt = 0;
  connect_stream (self);
}

void
jb_client_stop (JbClient *self)
{
  g_return_if_fail (JB_IS_CLIENT (self));

  self->running = FALSE;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  teardown_stream (self);
  set_state (self, JB_CONNECTION_STATE_OFFLINE);
}

/* Command queue */

static void command_sent_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data);

static gboolean
command_retry_cb (gpointer user_data)
{
  JbClient *self = user_data;

  self->command_retry_source = 0;
  process_queue (self);
  return G_SOURCE_REMOVE;
}

/* Confirmation
 *
 * A 2xx answer means the change is committed and its events have seqs no
 * greater than the server's latest seq at that moment. We ask for that seq
 * (GET /api/v1/health: no server change needed) and call the command
 * CONFIRMED once the store has applied events up to it, so the store shows
 * the change whichever of the answer and the event came first. Comparing
 * updated_at would not do: the server moves a unit's updated_at with every
 * position fix, and two changes can share a millisecond. */

static gboolean
linger_cb (gpointer user_data)
{
  JbClient *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 linger_us = (gint64) self->linger_ms * 1000;
  gint64 next = 0;

  self->linger_source = 0;
  for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->pending)); i > 0; i--)
    {
      g_autoptr(JbCommand) command = g_list_model_get_item (G_LIST_MODEL (self->pending), i - 1);
      gint64 expires;

      if (jb_command_is_pending (command))
        continue;
      expires = jb_command_get_finished_at (command) + linger_us;
      if (expires <= now)
        g_list_store_remove (self->pending, i - 1);
      else if (next == 0 || expires < next)
        next = expires;
    }

  if (next != 0)
    self->linger_source = g_timeout_add ((guint) ((next - now) / 1000 + 1), linger_cb, self);
  return G_SOURCE_REMOVE;
}

/* A command just became CONFIRMED or FAILED: drop it from the pending
 * list after a while. */
static void
schedule_linger (JbClient *self)
{
  if (self->linger_source == 0)
    self->linger_source = g_timeout_add (self->linger_ms, linger_cb, self);
}

static void
check_confirmations (JbClient *self)
{
  gint64 seq = jb_store_get_seq (self->store);

  if (!jb_store_has_snapshot (self->store))
    return;

  for (guint i = 0; i < self->awaiting->len;)
    {
      JbCommand *command = g_ptr_array_index (self->awaiting, i);
      gint64 want = _jb_command_get_confirm_seq (command);

      if (want < 0 || seq < want)
        {
          i++;
          continue;
        }

      /* Out of the list before anyone hears of it: a handler may queue
       * more. */
      command = g_ptr_array_steal_index (self->awaiting, i);
      _jb_command_confirm (command);
      schedule_linger (self);
      g_object_unref (command);
    }
}

static void request_watermark (JbClient *self);

static gboolean
watermark_retry_cb (gpointer user_data)
{
  JbClient *self = user_data;

  self->watermark_retry_source = 0;
  request_watermark (self);
  return G_SOURCE_REMOVE;
}

/* The health request holds the client weakly: a client dropped meanwhile
 * (its session aborts the request) has nothing left to confirm. */
typedef struct
{
  GWeakRef     client;
  SoupMessage *msg;
} WatermarkData;

static void
watermark_data_free (WatermarkData *data)
{
  g_weak_ref_clear (&data->client);
  g_clear_object (&data->msg);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WatermarkData, watermark_data_free)

static void
watermark_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(WatermarkData) data = user_data;
  g_autoptr(JbClient) self = g_weak_ref_get (&data->client);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 seq = -1;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (self == NULL)
    return;

  self->watermark_in_flight = FALSE;
  if (bytes != NULL)
    node = parse_answer (data->msg, bytes, &error);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    (void) jb_json_get_int (json_node_get_object (node), "seq", FALSE, &seq, NULL);
  if (seq < 0 && self->awaiting->len > 0)
    {
      /* The server is out of reach: so is its event. Ask again later. */
      guint delay_ms = MIN (BACKOFF_MIN_MS << MIN (self->watermark_failures, 5), BACKOFF_MAX_MS);

      g_debug ("No seq to confirm commands by (%s); asking again in %u ms",
               error != NULL ? error->message : "no seq in the answer", delay_ms);
      self->watermark_failures++;
      self->watermark_retry_source = g_timeout_add (delay_ms, watermark_retry_cb, self);
      return;
    }
  if (seq < 0)
    return;

  self->watermark_failures = 0;
  for (guint i = 0; i < self->awaiting->len; i++)
    {
      JbCommand *command = g_ptr_array_index (self->awaiting, i);

      /* Only answers that came before this request was sent. */
      if (_jb_command_get_confirm_seq (command) < 0 &&
          _jb_command_get_accept_serial (command) <= self->watermark_serial)
        _jb_command_set_confirm_seq (command, seq);
    }

  check_confirmations (self);
  request_watermark (self);
}

static void
request_watermark (JbClient *self)
{
  g_autoptr(GError) error = NULL;
  gboolean needed = FALSE;
  WatermarkData *data;
  SoupMessage *msg;

  if (self->watermark_in_flight || self->watermark_retry_source != 0)
    return;

  for (guint i = 0; i < self->awaiting->len && !needed; i++)
    needed = _jb_command_get_confirm_seq (g_ptr_array_index (self->awaiting, i)) < 0;
  if (!needed)
    return;

  if (!(msg = new_message (self, "GET", "/api/v1/health", NULL, &error)))
    {
      g_warning ("Cannot ask the server's seq: %s", error->message);
      return;
    }

  self->watermark_in_flight = TRUE;
  self->watermark_serial = self->accept_serial;
  data = g_new0 (WatermarkData, 1);
  g_weak_ref_init (&data->client, self);
  data->msg = msg;
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, NULL, watermark_cb, data);
}

static void
finish_head_command (JbClient *self,
                     JsonNode *node,
                     GError   *error)
{
  g_autoptr(GTask) task = g_queue_pop_head (&self->commands);
  JbCommand *command = g_task_get_task_data (task);

  if (error != NULL)
    {
      _jb_command_fail (command, error);
      schedule_linger (self);
    }
  else
    {
      _jb_command_set_accept_serial (command, ++self->accept_serial);
      g_ptr_array_add (self->awaiting, g_object_ref (command));
      _jb_command_accept (command, node);
      request_watermark (self);
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

static void
command_sent_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  JbClient *self = JB_CLIENT (object);
  GError *error = NULL;
  JsonNode *node = send_request_finish (self, result, &error);
  GTask *task = g_queue_peek_head (&self->commands);
  JbCommand *command = g_task_get_task_data (task);

  self->command_in_flight = FALSE;

  /* No answer: the command may or may not have been done. Resending with
   * the same Idempotency-Key is safe either way. */
  if (g_error_matches (error, JB_ERROR, JB_ERROR_NETWORK) &&
      jb_command_get_attempts (command) < COMMAND_MAX_ATTEMPTS &&
      !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      guint delay_ms = 250u << jb_command_get_attempts (command);

      g_debug ("%s %s: %s; retrying in %u ms", jb_command_get_method (command),
               jb_command_get_path (command), error->message, delay_ms);
      _jb_command_set_error_message (command, error->message);
      _jb_command_set_state (command, JB_COMMAND_STATE_RETRYING);
      g_clear_error (&error);
      self->command_retry_source = g_timeout_add (delay_ms, command_retry_cb, self);
      return;
    }

  if (g_error_matches (error, JB_ERROR, JB_ERROR_UNAUTHORIZED))
    g_signal_emit (self, signals[UNAUTHORIZED], 0);

  finish_head_command (self, node, error);
  process_queue (self);
}

static void
process_queue (JbClient *self)
{
  GTask *task;
  JbCommand *command;

  if (self->command_in_flight || self->command_retry_source != 0)
    return;

  while ((task = g_queue_peek_head (&self->commands)) != NULL &&
         g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    finish_head_command (self, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                          "The command was cancelled."));
  if (task == NULL)
    return;

  command = g_task_get_task_data (task);
  if (self->token == NULL)
    {
      finish_head_command (self, NULL, g_error_new_literal (JB_ERROR, JB_ERROR_UNAUTHORIZED,
                                                            "Not logged in."));
      process_queue (self);
      return;
    }

  self->command_in_flight = TRUE;
  _jb_command_add_attempt (command);
  _jb_command_set_state (command, JB_COMMAND_STATE_SENDING);
  send_request (self, self->session, jb_command_get_method (command), jb_command_get_path (command),
                jb_command_get_body (command), jb_command_get_idempotency_key (command),
                g_task_get_cancellable (task), command_sent_cb, NULL);
}

static void
command_state_notified_cb (JbCommand  *command,
                           GParamSpec *pspec,
                           JbClient   *self)
{
  g_signal_emit (self, signals[COMMAND_CHANGED], 0, command);
}

static JbCommand *
queue_command (JbClient            *self,
               const char          *method,
               const char          *path,
               JsonNode            *body,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task;
  JbCommand *command;

  command = jb_command_new (method, path, body);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jb_client_command_async);
  g_task_set_task_data (task, command, g_object_unref);
  g_signal_connect_object (command, "notify::state", G_CALLBACK (command_state_notified_cb), self, 0);

  g_queue_push_tail (&self->commands, task);
  g_list_store_append (self->pending, command);
  process_queue (self);
  return command;
}

void
jb_client_command_async (JbClient            *self,
                         const char          *method,
                         const char          *path,
                         JsonNode            *body,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (JB_IS_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL && path[0] == '/');

  queue_command (self, method, path, body, cancellable, callback, user_data);
}

/* The dispatch commands: the client formats paths and bodies so the UI
 * never does. */

/* "/api/v1/COLLECTION/ID/ACTION[/ID2]", the ids escaped. */
static char *
command_path (const char *collection,
              const char *id,
              const char *action,
              const char *id2)
{
  g_autofree char *a = g_uri_escape_string (id, NULL, FALSE);
  g_autofree char *b = id2 != NULL ? g_uri_escape_string (id2, NULL, FALSE) : NULL;

  return g_strconcat ("/api/v1/", collection, "/", a, "/", action, b != NULL ? "/" : NULL, b, NULL);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *member,
                   const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

JbCommand *
jb_client_command_acknowledge (JbClient            *self,
                               const char          *incident_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  g_return_val_if_fail (incident_id != NULL, NULL);

  path = command_path ("incidents", incident_id, "acknowledge", NULL);
  return queue_command (self, "POST", path, NULL, cancellable, callback, user_data);
}

JbCommand *
jb_client_command_assign (JbClient            *self,
                          const char          *incident_id,
                          const char          *unit_id,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  g_return_val_if_fail (incident_id != NULL, NULL);
  g_return_val_if_fail (unit_id != NULL, NULL);

  json_builder_begin_object (builder);
  add_string_member (builder, "unit_id", unit_id);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  path = command_path ("incidents", incident_id, "assignments", NULL);
  return queue_command (self, "POST", path, body, cancellable, callback, user_data);
}

JbCommand *
jb_client_command_unassign (JbClient            *self,
                            const char          *incident_id,
                            const char          *unit_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  g_return_val_if_fail (incident_id != NULL, NULL);
  g_return_val_if_fail (unit_id != NULL, NULL);

  path = command_path ("incidents", incident_id, "assignments", unit_id);
  return queue_command (self, "DELETE", path, NULL, cancellable, callback, user_data);
}

JbCommand *
jb_client_command_add_note (JbClient            *self,
                            const char          *incident_id,
                            const char          *text,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  g_return_val_if_fail (incident_id != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  json_builder_begin_object (builder);
  add_string_member (builder, "text", text);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  path = command_path ("incidents", incident_id, "notes", NULL);
  return queue_command (self, "POST", path, body, cancellable, callback, user_data);
}

static JsonNode *
disposition_body (int         disposition,
                  const char *note)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  if (disposition >= 0)
    add_string_member (builder, "disposition", jb_disposition_to_string ((JbDisposition) disposition));
  /* An empty note is no note. */
  if (note != NULL && *note != '\0')
    add_string_member (builder, "note", note);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

JbCommand *
jb_client_command_resolve (JbClient            *self,
                           const char          *incident_id,
                           JbDisposition        disposition,
                           const char          *note,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  g_return_val_if_fail (incident_id != NULL, NULL);
  g_return_val_if_fail ((guint) disposition < JB_DISPOSITION_N, NULL);

  body = disposition_body (disposition, note);
  path = command_path ("incidents", incident_id, "resolve", NULL);
  return queue_command (self, "POST", path, body, cancellable, callback, user_data);
}

JbCommand *
jb_client_command_close (JbClient            *self,
                         const char          *incident_id,
                         int                  disposition,
                         const char          *note,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  g_return_val_if_fail (incident_id != NULL, NULL);
  g_return_val_if_fail (disposition >= -1 && disposition < JB_DISPOSITION_N, NULL);

  body = disposition_body (disposition, note);
  path = command_path ("incidents", incident_id, "close", NULL);
  return queue_command (self, "POST", path, body, cancellable, callback, user_data);
}

JbCommand *
jb_client_command_set_unit_status (JbClient            *self,
                                   const char          *unit_id,
                                   JbUnitStatus         status,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  g_return_val_if_fail (unit_id != NULL, NULL);
  g_return_val_if_fail ((guint) status < JB_UNIT_STATUS_N, NULL);

  json_builder_begin_object (builder);
  add_string_member (builder, "status", jb_unit_status_to_string (status));
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  path = command_path ("units", unit_id, "status", NULL);
  return queue_command (self, "POST", path, body, cancellable, callback, user_data);
}

JbCommand *
jb_client_command_create_incident (JbClient            *self,
                                   JbIncidentType       type,
                                   guint                priority,
                                   double               lat,
                                   double               lon,
                                   const char          *address,
                                   const char          *description,
                                   const char          *venue_name,
                                   JbIncidentSource     source,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  g_return_val_if_fail ((guint) type < JB_INCIDENT_TYPE_N, NULL);
  g_return_val_if_fail (source == JB_INCIDENT_SOURCE_PHONE || source == JB_INCIDENT_SOURCE_PATROL, NULL);

  json_builder_begin_object (builder);
  add_string_member (builder, "type", jb_incident_type_to_string (type));
  json_builder_set_member_name (builder, "priority");
  json_builder_add_int_value (builder, priority);
  json_builder_set_member_name (builder, "location");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "lat");
  json_builder_add_double_value (builder, lat);
  json_builder_set_member_name (builder, "lon");
  json_builder_add_double_value (builder, lon);
  json_builder_end_object (builder);
  if (address != NULL && *address != '\0')
    add_string_member (builder, "address", address);
  if (description != NULL && *description != '\0')
    add_string_member (builder, "description", description);
  if (venue_name != NULL && *venue_name != '\0')
    add_string_member (builder, "venue_name", venue_name);
  add_string_member (builder, "source", jb_incident_source_to_string (source));
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  return queue_command (self, "POST", "/api/v1/incidents", body, cancellable, callback, user_data);
}

JbCommand *
jb_client_lookup_pending_command (JbClient   *self,
                                  const char *id)
{
  GListModel *pending;

  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);

  if (id == NULL)
    return NULL;

  pending = G_LIST_MODEL (self->pending);
  for (guint i = g_list_model_get_n_items (pending); i > 0; i--)
    {
      g_autoptr(JbCommand) command = g_list_model_get_item (pending, i - 1);

      if (jb_command_is_pending (command) &&
          (g_strcmp0 (jb_command_get_target_id (command), id) == 0 ||
           g_strcmp0 (jb_command_get_unit_id (command), id) == 0))
        return command;  /* the list still holds it */
    }
  return NULL;
}

JsonNode *
jb_client_command_finish (JbClient      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GListModel *
jb_client_get_pending_commands (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return G_LIST_MODEL (self->pending);
}

/* GETs */

static void
get_json_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  JsonNode *node = send_request_finish (JB_CLIENT (object), result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

void
jb_client_get_json_async (JbClient            *self,
                          const char          *path,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (JB_IS_CLIENT (self));
  g_return_if_fail (path != NULL && path[0] == '/');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jb_client_get_json_async);
  send_request (self, self->session, "GET", path, NULL, NULL, cancellable, get_json_cb, task);
}

JsonNode *
jb_client_get_json_finish (JbClient      *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Accessors */

const char *
jb_client_get_server_url (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return self->server_url;
}

const char *
_jb_client_peek_token (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return self->token;
}

JbStore *
jb_client_get_store (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return self->store;
}

JbConnectionState
jb_client_get_state (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), JB_CONNECTION_STATE_OFFLINE);
  return self->state;
}

JsonObject *
jb_client_get_user (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return self->user;
}

const char *
jb_client_get_username (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return self->username;
}

JbRole
jb_client_get_role (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), JB_ROLE_N);
  return self->role;
}

gboolean
jb_client_is_logged_in (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), FALSE);
  return self->token != NULL;
}

guint
jb_client_get_reconnect_count (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), 0);
  return self->reconnect_count;
}

guint
jb_client_get_gap_count (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), 0);
  return self->gap_count;
}

gint64
jb_client_get_last_event_time (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), 0);
  return self->last_event_time;
}

const char *
jb_client_get_last_error (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return self->last_error;
}

/* GObject */

JbClient *
jb_client_new (const char *server_url)
{
  g_return_val_if_fail (server_url != NULL, NULL);

  return g_object_new (JB_TYPE_CLIENT, "server-url", server_url, NULL);
}

static void
jb_client_dispose (GObject *object)
{
  JbClient *self = (JbClient *)object;

  jb_client_stop (self);
  g_clear_handle_id (&self->command_retry_source, g_source_remove);
  g_clear_handle_id (&self->watermark_retry_source, g_source_remove);
  g_clear_handle_id (&self->linger_source, g_source_remove);
  if (self->awaiting != NULL)
    g_ptr_array_set_size (self->awaiting, 0);
  /* Queued tasks hold a reference on us, so the queue is empty here. */
  g_warn_if_fail (g_queue_is_empty (&self->commands));
  if (self->pending != NULL)
    g_list_store_remove_all (self->pending);

  if (self->session != NULL)
    soup_session_abort (self->session);
  if (self->ws_session != NULL)
    soup_session_abort (self->ws_session);

  G_OBJECT_CLASS (jb_client_parent_class)->dispose (object);
}

static void
jb_client_finalize (GObject *object)
{
  JbClient *self = (JbClient *)object;

  g_clear_object (&self->session);
  g_clear_object (&self->ws_session);
  g_clear_object (&self->store);
  g_clear_object (&self->pending);
  g_clear_pointer (&self->awaiting, g_ptr_array_unref);
  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->user, json_object_unref);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->last_error, g_free);

  G_OBJECT_CLASS (jb_client_parent_class)->finalize (object);
}

static void
jb_client_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  JbClient *self = JB_CLIENT (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL: g_value_set_string (value, self->server_url); break;
    case PROP_STORE: g_value_set_object (value, self->store); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_USER: g_value_set_boxed (value, self->user); break;
    case PROP_USERNAME: g_value_set_string (value, self->username); break;
    case PROP_ROLE: g_value_set_enum (value, self->role); break;
    case PROP_RECONNECT_COUNT: g_value_set_uint (value, self->reconnect_count); break;
    case PROP_GAP_COUNT: g_value_set_uint (value, self->gap_count); break;
    case PROP_LAST_EVENT_TIME: g_value_set_int64 (value, self->last_event_time); break;
    case PROP_LAST_ERROR: g_value_set_string (value, self->last_error); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_client_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  JbClient *self = JB_CLIENT (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      {
        const char *url = g_value_get_string (value);
        gsize len = url != NULL ? strlen (url) : 0;

        /* Paths start with '/': drop the URL's trailing ones. */
        while (len > 0 && url[len - 1] == '/')
          len--;
        self->server_url = g_strndup (url != NULL ? url : "", len);
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_client_class_init (JbClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = jb_client_dispose;
  object_class->finalize = jb_client_finalize;
  object_class->get_property = jb_client_get_property;
  object_class->set_property = jb_client_set_property;

  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, JB_TYPE_STORE, ro);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, JB_TYPE_CONNECTION_STATE,
                                              JB_CONNECTION_STATE_OFFLINE, ro);
  properties[PROP_USER] = g_param_spec_boxed ("user", NULL, NULL, JSON_TYPE_OBJECT, ro);
  properties[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL, ro);
  properties[PROP_ROLE] = g_param_spec_enum ("role", NULL, NULL, JB_TYPE_ROLE, JB_ROLE_N, ro);
  properties[PROP_RECONNECT_COUNT] = g_param_spec_uint ("reconnect-count", NULL, NULL,
                                                        0, G_MAXUINT, 0, ro);
  properties[PROP_GAP_COUNT] = g_param_spec_uint ("gap-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_LAST_EVENT_TIME] = g_param_spec_int64 ("last-event-time", NULL, NULL,
                                                         0, G_MAXINT64, 0, ro);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * JbClient::unauthorized:
   *
   * The server refused our token (expired or revoked): the stream stops
   * (state OFFLINE); the app should ask for a new login.
   */
  signals[UNAUTHORIZED] =
    g_signal_new ("unauthorized", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * JbClient::command-changed:
   * @command: the JbCommand
   *
   * A queued command changed state (sent, accepted, confirmed, failed …):
   * one place for views that mark incidents and units as pending.
   */
  signals[COMMAND_CHANGED] =
    g_signal_new ("command-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, JB_TYPE_COMMAND);
}

void
_jb_client_set_command_linger (JbClient *self,
                               guint     linger_ms)
{
  g_return_if_fail (JB_IS_CLIENT (self));

  self->linger_ms = linger_ms;
}

void
_jb_client_set_liveness_timeout (JbClient *self,
                                 guint     timeout_ms)
{
  g_return_if_fail (JB_IS_CLIENT (self));
  g_return_if_fail (timeout_ms >= 100);

  self->liveness_timeout_us = (gint64) timeout_ms * 1000;
}

static void
jb_client_init (JbClient *self)
{
  self->liveness_timeout_us = LIVENESS_TIMEOUT_US;
  self->store = jb_store_new ();
  self->role = JB_ROLE_N;
  self->pending = g_list_store_new (JB_TYPE_COMMAND);
  self->awaiting = g_ptr_array_new_with_free_func (g_object_unref);
  self->linger_ms = COMMAND_LINGER_MS;
  g_queue_init (&self->commands);
  self->session = soup_session_new_with_options ("timeout", REST_TIMEOUT_S,
                                                 "user-agent", "jingbao/" PACKAGE_VERSION " ",
                                                 NULL);
  self->ws_session = soup_session_new_with_options ("user-agent", "jingbao/" PACKAGE_VERSION " ",
                                                    NULL);
}
