/* jb-client.c — the session, the stream and the command queue together
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-client"

#include "jb-client-private.h"

#include "jb-enum-types.h"
#include "jb-error.h"
#include "jb-json.h"

struct _JbClient
{
  GObject         parent_instance;

  JbSession      *session;
  JbStore        *store;
  JbStream       *stream;
  JbCommandQueue *queue;
  char           *outbox_dir;
  gboolean        use_outbox;
};

G_DEFINE_FINAL_TYPE (JbClient, jb_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVER_URL,
  PROP_STORE,
  PROP_STATE,
  PROP_USER,
  PROP_USERNAME,
  PROP_DISPLAY_NAME,
  PROP_ROLE,
  PROP_STATION_ID,
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
  COMMAND_CHANGED,
  PRESENCE_CHANGED,
  SERVER_MOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The parts' properties are the client's under the same names. */
static void
part_notify_cb (GObject    *part,
                GParamSpec *pspec,
                JbClient   *self)
{
  for (guint i = 1; i < N_PROPS; i++)
    if (g_str_equal (properties[i]->name, pspec->name))
      {
        g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
        return;
      }
}

static void
presence_changed_cb (JbClient *self)
{
  g_signal_emit (self, signals[PRESENCE_CHANGED], 0);
}

static void
unauthorized_cb (JbClient *self)
{
  g_signal_emit (self, signals[UNAUTHORIZED], 0);
}

static void
command_changed_cb (JbCommandQueue *queue,
                    JbCommand      *command,
                    JbClient       *self)
{
  g_signal_emit (self, signals[COMMAND_CHANGED], 0, command);
}

/* Login */

/* The user's own journal: opened at the first login (or a different
 * user's), its unfinished commands queued again. */
static void
open_outbox (JbClient *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JbOutbox) outbox = NULL;
  g_autofree char *path = NULL;
  JbOutbox *current = jb_command_queue_get_outbox (self->queue);
  guint replayed;

  if (!self->use_outbox || jb_session_get_username (self->session) == NULL)
    return;
  /* The list's first server names it: the journal stays the same when
   * the client moves to another server of the list. */
  path = jb_outbox_path_for (self->outbox_dir, jb_session_get_server_urls (self->session)[0],
                             jb_session_get_username (self->session));
  if (current != NULL && g_str_equal (jb_outbox_get_path (current), path))
    {
      jb_command_queue_resume (self->queue);
      return;
    }
  if (current != NULL)
    {
      g_warning ("Another user signed in: the outbox of the first stays on disk");
      return;
    }
  if ((outbox = jb_outbox_open (path, &error)) == NULL)
    {
      g_warning ("Commands are not journaled: %s", error->message);
      return;
    }
  jb_command_queue_set_outbox (self->queue, outbox);
  replayed = jb_command_queue_restore (self->queue, &error);
  if (error != NULL)
    g_warning ("%s", error->message);
  else if (replayed > 0)
    g_message ("Sending %u command(s) kept in the outbox", replayed);
}

static void
login_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JbClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!jb_session_login_finish (JB_SESSION (object), result, &error))
    g_task_return_error (task, error);
  else
    {
      open_outbox (self);
      g_task_return_boolean (task, TRUE);
    }
}

void
jb_client_set_outbox_dir (JbClient   *self,
                          const char *dir)
{
  g_return_if_fail (JB_IS_CLIENT (self));

  g_free (self->outbox_dir);
  self->outbox_dir = g_strdup (dir);
  self->use_outbox = TRUE;
  if (jb_session_is_logged_in (self->session))
    open_outbox (self);
}

static void
stream_state_cb (JbClient *self)
{
  jb_command_queue_set_reachable (self->queue, jb_stream_get_state (self->stream) == JB_CONNECTION_STATE_LIVE);
}

void
jb_client_login_async (JbClient            *self,
                       const char          *username,
                       const char          *password,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (JB_IS_CLIENT (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jb_client_login_async);
  jb_session_login_async (self->session, username, password, cancellable, login_cb, task);
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

void
jb_client_logout (JbClient *self)
{
  g_return_if_fail (JB_IS_CLIENT (self));

  jb_stream_stop (self->stream);
  /* Journaled commands wait in the outbox for the next login. */
  jb_command_queue_abandon (self->queue);
  jb_session_logout (self->session);
}

/* Event stream */

void
jb_client_start (JbClient *self)
{
  g_return_if_fail (JB_IS_CLIENT (self));
  jb_stream_start (self->stream);
}

void
jb_client_stop (JbClient *self)
{
  g_return_if_fail (JB_IS_CLIENT (self));
  jb_stream_stop (self->stream);
}

/* Commands: the queue's tasks come back as the client's. */

static void
command_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  JsonNode *node = jb_command_queue_push_finish (JB_COMMAND_QUEUE (object), result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

JbCommand *
jb_client_queue_command (JbClient            *self,
                         JbCommand           *command,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(JbCommand) owned = command;
  GTask *task;

  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  /* A constructor's NULL (it refused its arguments) lands here. */
  g_return_val_if_fail (JB_IS_COMMAND (command), NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jb_client_command_async);
  return jb_command_queue_push (self->queue, owned, cancellable, command_done_cb, task);
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

  jb_client_queue_command (self, jb_command_new (method, path, body), cancellable, callback, user_data);
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

JbCommand *
jb_client_lookup_pending_command (JbClient   *self,
                                  const char *id)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return jb_command_queue_lookup_pending (self->queue, id);
}

GListModel *
jb_client_get_pending_commands (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return jb_command_queue_get_pending (self->queue);
}

/* Reads */

static void
get_json_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  JsonNode *node = jb_session_send_finish (JB_SESSION (object), result, &error);

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
  jb_session_send_async (self->session, "GET", path, NULL, NULL, cancellable, get_json_cb, task);
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

static void
search_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(JsonNode) node = jb_session_send_finish (JB_SESSION (object), result, &error);
  g_autoptr(GPtrArray) items = NULL;
  JsonArray *array = NULL;

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      !jb_json_get_array (json_node_get_object (node), "items", TRUE, &array, NULL))
    {
      g_task_return_new_error (task, JB_ERROR, JB_ERROR_PROTOCOL,
                               "The server's answer has no list of incidents.");
      return;
    }

  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(GError) decode_error = NULL;
      JbIncident *incident = jb_incident_new_from_json (json_array_get_element (array, i), &decode_error);

      if (incident == NULL)
        {
          g_warning ("Search result %u: %s", i, decode_error->message);
          continue;
        }
      g_ptr_array_add (items, incident);
    }
  g_task_return_pointer (task, g_steal_pointer (&items), (GDestroyNotify) g_ptr_array_unref);
}

void
jb_client_search_incidents_async (JbClient            *self,
                                  gboolean             include_open,
                                  const char          *q,
                                  gint64               from_ms,
                                  gint64               to_ms,
                                  guint                limit,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GString) path = g_string_new ("/api/v1/incidents?");
  GTask *task;

  g_return_if_fail (JB_IS_CLIENT (self));
  g_return_if_fail (limit >= 1 && limit <= 500);

  g_string_append_printf (path, "status=%s&limit=%u", include_open ? "all" : "closed", limit);
  if (q != NULL && q[0] != '\0')
    {
      g_autofree char *escaped = g_uri_escape_string (q, NULL, FALSE);

      g_string_append_printf (path, "&q=%s", escaped);
    }
  if (from_ms > 0)
    g_string_append_printf (path, "&from=%" G_GINT64_FORMAT, from_ms);
  if (to_ms > 0)
    g_string_append_printf (path, "&to=%" G_GINT64_FORMAT, to_ms);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jb_client_search_incidents_async);
  jb_session_send_async (self->session, "GET", path->str, NULL, NULL, cancellable, search_cb, task);
}

GPtrArray *
jb_client_search_incidents_finish (JbClient      *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fetch_incident_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(JsonNode) node = jb_session_send_finish (JB_SESSION (object), result, &error);
  JbIncident *incident;

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (node == NULL)
    {
      g_task_return_new_error (task, JB_ERROR, JB_ERROR_PROTOCOL, "The server sent no incident.");
      return;
    }
  incident = jb_incident_new_from_json (node, &error);
  if (incident == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, incident, g_object_unref);
}

void
jb_client_fetch_incident_async (JbClient            *self,
                                const char          *incident_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (JB_IS_CLIENT (self));
  g_return_if_fail (incident_id != NULL);

  escaped = g_uri_escape_string (incident_id, NULL, FALSE);
  path = g_strconcat ("/api/v1/incidents/", escaped, NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jb_client_fetch_incident_async);
  jb_session_send_async (self->session, "GET", path, NULL, NULL, cancellable, fetch_incident_cb, task);
}

JbIncident *
jb_client_fetch_incident_finish (JbClient      *self,
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
  return jb_session_get_server_url (self->session);
}

JbSession *
jb_client_get_session (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return self->session;
}

JbStream *
jb_client_get_stream (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return self->stream;
}

JbCommandQueue *
jb_client_get_command_queue (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return self->queue;
}

SoupSession *
jb_client_get_soup_session (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return jb_session_get_soup_session (self->session);
}

const char *
jb_client_get_token (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return jb_session_get_token (self->session);
}

JbConfig *
jb_client_get_config (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return jb_store_get_typed_config (self->store);
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
  return jb_stream_get_state (self->stream);
}

JsonObject *
jb_client_get_user (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return jb_session_get_user (self->session);
}

const char *
jb_client_get_username (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return jb_session_get_username (self->session);
}

const char *
jb_client_get_display_name (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return jb_session_get_display_name (self->session);
}

JbRole
jb_client_get_role (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), JB_ROLE_N);
  return jb_session_get_role (self->session);
}

const char *
jb_client_get_station_id (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return jb_session_get_station_id (self->session);
}

const char * const *
jb_client_get_station_ids (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return jb_session_get_station_ids (self->session);
}

gboolean
jb_client_is_logged_in (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), FALSE);
  return jb_session_is_logged_in (self->session);
}

guint
jb_client_get_reconnect_count (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), 0);
  return jb_stream_get_reconnect_count (self->stream);
}

guint
jb_client_get_gap_count (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), 0);
  return jb_stream_get_gap_count (self->stream);
}

gint64
jb_client_get_last_event_time (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), 0);
  return jb_stream_get_last_event_time (self->stream);
}

const char *
jb_client_get_last_error (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return jb_stream_get_last_error (self->stream);
}

/* Failover (docs/failover.md): the session moves through its list, the
 * stream follows and says when it is live again. */

const char * const *
jb_client_get_server_urls (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return jb_session_get_server_urls (self->session);
}

gboolean
jb_client_get_moving (JbClient *self)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), FALSE);
  return jb_stream_get_moving (self->stream);
}

static void
server_moved_cb (JbStream   *stream,
                 const char *from,
                 const char *to,
                 JbClient   *self)
{
  g_signal_emit (self, signals[SERVER_MOVED], 0, from, to);
}

/* GObject */

JbClient *
jb_client_new (const char *server_url)
{
  g_return_val_if_fail (server_url != NULL, NULL);

  return g_object_new (JB_TYPE_CLIENT, "server-url", server_url, NULL);
}

static void
jb_client_constructed (GObject *object)
{
  JbClient *self = (JbClient *)object;

  G_OBJECT_CLASS (jb_client_parent_class)->constructed (object);

  self->stream = jb_stream_new (self->session, self->store);
  self->queue = jb_command_queue_new (self->session, self->store);

  g_signal_connect_object (self->session, "notify", G_CALLBACK (part_notify_cb), self, 0);
  g_signal_connect_object (self->stream, "notify", G_CALLBACK (part_notify_cb), self, 0);
  g_signal_connect_object (self->stream, "unauthorized", G_CALLBACK (unauthorized_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->queue, "unauthorized", G_CALLBACK (unauthorized_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->queue, "command-changed", G_CALLBACK (command_changed_cb), self, 0);
  /* The stream is the first to know the server is gone or back. */
  g_signal_connect_object (self->stream, "notify::state", G_CALLBACK (stream_state_cb), self,
                           G_CONNECT_SWAPPED);
  /* Commands are confirmed as the stream feeds the store. */
  g_signal_connect_object (self->stream, "presence-changed", G_CALLBACK (presence_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stream, "moved", G_CALLBACK (server_moved_cb), self, 0);
  g_signal_connect_object (self->stream, "applied",
                           G_CALLBACK (jb_command_queue_check_confirmations), self->queue,
                           G_CONNECT_SWAPPED);
}

static void
jb_client_dispose (GObject *object)
{
  JbClient *self = (JbClient *)object;

  if (self->stream != NULL)
    jb_stream_stop (self->stream);
  g_clear_object (&self->stream);
  g_clear_object (&self->queue);
  if (self->session != NULL)
    soup_session_abort (jb_session_get_soup_session (self->session));

  G_OBJECT_CLASS (jb_client_parent_class)->dispose (object);
}

static void
jb_client_finalize (GObject *object)
{
  JbClient *self = (JbClient *)object;

  g_clear_object (&self->session);
  g_clear_object (&self->store);
  g_free (self->outbox_dir);

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
    case PROP_SERVER_URL: g_value_set_string (value, jb_client_get_server_url (self)); break;
    case PROP_STORE: g_value_set_object (value, self->store); break;
    case PROP_STATE: g_value_set_enum (value, jb_client_get_state (self)); break;
    case PROP_USER: g_value_set_boxed (value, jb_client_get_user (self)); break;
    case PROP_USERNAME: g_value_set_string (value, jb_client_get_username (self)); break;
    case PROP_DISPLAY_NAME: g_value_set_string (value, jb_client_get_display_name (self)); break;
    case PROP_ROLE: g_value_set_enum (value, jb_client_get_role (self)); break;
    case PROP_STATION_ID: g_value_set_string (value, jb_client_get_station_id (self)); break;
    case PROP_RECONNECT_COUNT: g_value_set_uint (value, jb_client_get_reconnect_count (self)); break;
    case PROP_GAP_COUNT: g_value_set_uint (value, jb_client_get_gap_count (self)); break;
    case PROP_LAST_EVENT_TIME: g_value_set_int64 (value, jb_client_get_last_event_time (self)); break;
    case PROP_LAST_ERROR: g_value_set_string (value, jb_client_get_last_error (self)); break;
    case PROP_MOVING: g_value_set_boolean (value, jb_client_get_moving (self)); break;
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
      g_assert (self->session == NULL);
      self->session = jb_session_new (g_value_get_string (value) ? g_value_get_string (value) : "");
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

  object_class->constructed = jb_client_constructed;
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
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, ro);
  properties[PROP_ROLE] = g_param_spec_enum ("role", NULL, NULL, JB_TYPE_ROLE, JB_ROLE_N, ro);
  properties[PROP_STATION_ID] = g_param_spec_string ("station-id", NULL, NULL, NULL, ro);
  properties[PROP_RECONNECT_COUNT] = g_param_spec_uint ("reconnect-count", NULL, NULL,
                                                        0, G_MAXUINT, 0, ro);
  properties[PROP_GAP_COUNT] = g_param_spec_uint ("gap-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_LAST_EVENT_TIME] = g_param_spec_int64 ("last-event-time", NULL, NULL,
                                                         0, G_MAXINT64, 0, ro);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, ro);
  properties[PROP_MOVING] = g_param_spec_boolean ("moving", NULL, NULL, FALSE, ro);

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
   * A command changed state (sent, accepted, confirmed, failed …), or
   * joined the queue and has to wait (QUEUED): the one signal views
   * follow to mark incidents and units as pending.
   */
  signals[COMMAND_CHANGED] =
    g_signal_new ("command-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, JB_TYPE_COMMAND);

  /**
   * JbClient::presence-changed:
   *
   * Who has which incident open changed (jb_client_get_viewers()).
   */
  signals[PRESENCE_CHANGED] =
    g_signal_new ("presence-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * JbClient::server-moved:
   * @from: the server the client was on
   * @to: the server it is live on now
   *
   * @from stopped answering and the client is live on @to, resumed from
   * its last seq (docs/failover.md).
   */
  signals[SERVER_MOVED] =
    g_signal_new ("server-moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

void
jb_client_set_viewing (JbClient   *self,
                       const char *incident_id)
{
  g_return_if_fail (JB_IS_CLIENT (self));
  jb_stream_set_viewing (self->stream, incident_id);
}

GPtrArray *
jb_client_get_viewers (JbClient   *self,
                       const char *incident_id)
{
  g_return_val_if_fail (JB_IS_CLIENT (self), NULL);
  return jb_stream_get_viewers (self->stream, incident_id, jb_client_get_username (self));
}

void
_jb_client_set_command_linger (JbClient *self,
                               guint     linger_ms)
{
  g_return_if_fail (JB_IS_CLIENT (self));
  jb_command_queue_set_linger (self->queue, linger_ms);
}

void
_jb_client_set_liveness_timeout (JbClient *self,
                                 guint     timeout_ms)
{
  g_return_if_fail (JB_IS_CLIENT (self));
  jb_stream_set_liveness_timeout (self->stream, timeout_ms);
}

static void
jb_client_init (JbClient *self)
{
  self->store = jb_store_new ();
}
