/* jb-session.c — login, token, user and JSON requests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-session"

#include "jb-session.h"

#include <string.h>

#include "jb-enum-types.h"
#include "jb-error.h"
#include "jb-json.h"
#include "jb-server-list.h"
#include "jb-tls-private.h"

#define REST_TIMEOUT_S          30
#define PARSE_IN_THREAD_BYTES   (256 * 1024)

struct _JbSession
{
  GObject      parent_instance;

  char        *server_url;  /* the one in use, an entry of server_urls */
  GStrv        server_urls;
  guint        server_index;
  guint        move_count;
  SoupSession *soup;
  char        *token;
  JsonObject  *user;
  char        *username;
  char        *display_name;
  char        *station_id;
  GStrv        station_ids;
  JbRole       role;
};

G_DEFINE_FINAL_TYPE (JbSession, jb_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVER_URL,
  PROP_SERVER_INDEX,
  PROP_USER,
  PROP_USERNAME,
  PROP_DISPLAY_NAME,
  PROP_ROLE,
  PROP_STATION_ID,
  PROP_LOGGED_IN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

SoupMessage *
jb_session_new_message (JbSession   *self,
                        const char  *method,
                        const char  *path,
                        JsonNode    *body,
                        GError     **error)
{
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;
  SoupMessage *msg;

  g_return_val_if_fail (JB_IS_SESSION (self), NULL);
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  url = g_strconcat (self->server_url, path, NULL);
  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, error);
  if (uri == NULL)
    {
      g_prefix_error (error, "Bad server address: ");
      return NULL;
    }

  msg = soup_message_new_from_uri (method, uri);
  /* Which server did not answer, if one does not: the list may have moved
   * on while the request was out. */
  g_object_set_data_full (G_OBJECT (msg), "jb-server-url", g_strdup (self->server_url), g_free);
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
JsonNode *
jb_session_parse_answer (SoupMessage  *msg,
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

      if (jb_session_error_is_unreachable (error))
        jb_session_move_on (g_task_get_source_object (task),
                            g_object_get_data (G_OBJECT (msg), "jb-server-url"), error->message);
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

  node = jb_session_parse_answer (msg, bytes, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

void
jb_session_send_async (JbSession           *self,
                       const char          *method,
                       const char          *path,
                       JsonNode            *body,
                       const char          *idempotency_key,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessage *msg;

  g_return_if_fail (JB_IS_SESSION (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL && path[0] == '/');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jb_session_send_async);

  if (!(msg = jb_session_new_message (self, method, path, body, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* With its key a command is safe to send twice, so libsoup may send
   * it on a kept-alive connection (and again on a new one if that was
   * closed under it) instead of opening a connection for every POST. */
  if (idempotency_key != NULL)
    {
      soup_message_headers_replace (soup_message_get_request_headers (msg),
                                    "Idempotency-Key", idempotency_key);
      soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
    }

  g_task_set_task_data (task, msg, g_object_unref);
  soup_session_send_and_read_async (self->soup, msg, G_PRIORITY_DEFAULT, cancellable,
                                    request_sent_cb, g_object_ref (task));
}

JsonNode *
jb_session_send_finish (JbSession     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (JB_IS_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Login */

static void
notify_user (JbSession *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATION_ID]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOGGED_IN]);
  g_object_thaw_notify (G_OBJECT (self));
}

/* The user's stations: "station_ids" when the server sends it (strings
 * only), else the one station_id (an older server). */
static GStrv
read_station_ids (JsonObject *user,
                  const char *station_id)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (user, "station_ids");

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *ids = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (ids); i++)
        {
          JsonNode *id = json_array_get_element (ids, i);

          if (JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_STRING &&
              *json_node_get_string (id) != '\0')
            g_strv_builder_add (builder, json_node_get_string (id));
        }
    }
  else if (station_id != NULL)
    g_strv_builder_add (builder, station_id);
  return g_strv_builder_end (builder);
}

/* A sign-in's body, and how many servers of the list it has tried. */
typedef struct
{
  JsonNode *body;
  char     *url;    /* the server of the try under way */
  guint     tries;
} LoginData;

static void
login_data_free (LoginData *data)
{
  g_clear_pointer (&data->body, json_node_unref);
  g_free (data->url);
  g_free (data);
}

static void
login_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  JbSession *self = JB_SESSION (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = jb_session_send_finish (self, result, &error);
  JsonObject *answer, *user = NULL;
  const char *token = NULL, *username = NULL, *role = NULL;
  const char *display_name = NULL, *station_id = NULL;
  JbRole role_value = JB_ROLE_N;
  LoginData *data = g_task_get_task_data (task);

  /* The server did not answer and the session moved on: the sign-in
   * goes to the next one, once round the list. */
  if (g_error_matches (error, JB_ERROR, JB_ERROR_NETWORK) &&
      g_strcmp0 (data->url, self->server_url) != 0 && ++data->tries < g_strv_length (self->server_urls))
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      g_debug ("Signing in at %s instead", self->server_url);
      g_free (data->url);
      data->url = g_strdup (self->server_url);
      jb_session_send_async (self, "POST", "/api/v1/session", data->body, NULL,
                             cancellable, login_cb, g_steal_pointer (&task));
      return;
    }

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
  /* Optional members of the wrong type are as good as absent. */
  if (!jb_json_get_string (user, "display_name", FALSE, &display_name, NULL))
    display_name = NULL;
  if (!jb_json_get_string (user, "station_id", FALSE, &station_id, NULL))
    station_id = NULL;
  if (role != NULL && !jb_role_from_string (role, &role_value))
    role_value = JB_ROLE_VIEWER;  /* an unknown role may do no more than read */

  g_free (self->token);
  self->token = g_strdup (token);
  g_clear_pointer (&self->user, json_object_unref);
  self->user = json_object_ref (user);
  g_free (self->username);
  self->username = g_strdup (username);
  g_free (self->display_name);
  self->display_name = g_strdup (display_name != NULL && *display_name != '\0' ? display_name : username);
  g_free (self->station_id);
  self->station_id = station_id != NULL && *station_id != '\0' ? g_strdup (station_id) : NULL;
  g_clear_pointer (&self->station_ids, g_strfreev);
  self->station_ids = read_station_ids (user, self->station_id);
  self->role = role_value;
  notify_user (self);

  g_task_return_boolean (task, TRUE);
}

void
jb_session_login_async (JbSession           *self,
                        const char          *username,
                        const char          *password,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  LoginData *data;

  g_return_if_fail (JB_IS_SESSION (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jb_session_login_async);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  data = g_new0 (LoginData, 1);
  data->body = json_builder_get_root (builder);
  data->url = g_strdup (self->server_url);
  g_task_set_task_data (task, data, (GDestroyNotify) login_data_free);

  /* A login is not authenticated: do not send a previous token. */
  g_clear_pointer (&self->token, g_free);
  jb_session_send_async (self, "POST", "/api/v1/session", data->body, NULL, cancellable,
                         login_cb, g_steal_pointer (&task));
}

gboolean
jb_session_login_finish (JbSession     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (JB_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
logout_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = jb_session_send_finish (JB_SESSION (object), result, &error);

  g_clear_pointer (&node, json_node_unref);
  if (error != NULL)
    g_debug ("Logout: %s", error->message);
}

void
jb_session_logout (JbSession *self)
{
  g_return_if_fail (JB_IS_SESSION (self));

  if (self->token != NULL)
    jb_session_send_async (self, "DELETE", "/api/v1/session", NULL, NULL, NULL, logout_cb, NULL);

  /* The request above already holds its Authorization header. */
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->user, json_object_unref);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->station_id, g_free);
  g_clear_pointer (&self->station_ids, g_strfreev);
  self->role = JB_ROLE_N;
  notify_user (self);
}

/* Accessors */

const char *
jb_session_get_server_url (JbSession *self)
{
  g_return_val_if_fail (JB_IS_SESSION (self), NULL);
  return self->server_url;
}

const char * const *
jb_session_get_server_urls (JbSession *self)
{
  g_return_val_if_fail (JB_IS_SESSION (self), NULL);
  return (const char * const *) self->server_urls;
}

guint
jb_session_get_server_index (JbSession *self)
{
  g_return_val_if_fail (JB_IS_SESSION (self), 0);
  return self->server_index;
}

guint
jb_session_get_move_count (JbSession *self)
{
  g_return_val_if_fail (JB_IS_SESSION (self), 0);
  return self->move_count;
}

/* Failover */

gboolean
jb_session_error_is_unreachable (const GError *error)
{
  /* No connection, or no answer in time: the server is not there. A
   * connection cut in the middle of an answer is not this: the request
   * is retried on the same server first, and that try fails to connect
   * if the server is gone. */
  return error != NULL && error->domain == G_IO_ERROR &&
         (error->code == G_IO_ERROR_CONNECTION_REFUSED ||
          error->code == G_IO_ERROR_TIMED_OUT ||
          error->code == G_IO_ERROR_HOST_UNREACHABLE ||
          error->code == G_IO_ERROR_NETWORK_UNREACHABLE ||
          error->code == G_IO_ERROR_NOT_CONNECTED);
}

gboolean
jb_session_move_on (JbSession  *self,
                    const char *from_url,
                    const char *reason)
{
  guint n;

  g_return_val_if_fail (JB_IS_SESSION (self), FALSE);

  n = g_strv_length (self->server_urls);
  /* Requests that failed on a server already left do not move us again. */
  if (n < 2 || g_strcmp0 (from_url, self->server_url) != 0)
    return FALSE;

  self->server_index = (self->server_index + 1) % n;
  self->server_url = self->server_urls[self->server_index];
  self->move_count++;
  g_message ("%s does not answer (%s): moving to %s", from_url, reason ? reason : "?", self->server_url);
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_URL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_INDEX]);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

SoupSession *
jb_session_get_soup_session (JbSession *self)
{
  g_return_val_if_fail (JB_IS_SESSION (self), NULL);
  return self->soup;
}

const char *
jb_session_get_token (JbSession *self)
{
  g_return_val_if_fail (JB_IS_SESSION (self), NULL);
  return self->token;
}

gboolean
jb_session_is_logged_in (JbSession *self)
{
  g_return_val_if_fail (JB_IS_SESSION (self), FALSE);
  return self->token != NULL;
}

JsonObject *
jb_session_get_user (JbSession *self)
{
  g_return_val_if_fail (JB_IS_SESSION (self), NULL);
  return self->user;
}

const char *
jb_session_get_username (JbSession *self)
{
  g_return_val_if_fail (JB_IS_SESSION (self), NULL);
  return self->username;
}

const char *
jb_session_get_display_name (JbSession *self)
{
  g_return_val_if_fail (JB_IS_SESSION (self), NULL);
  return self->display_name;
}

JbRole
jb_session_get_role (JbSession *self)
{
  g_return_val_if_fail (JB_IS_SESSION (self), JB_ROLE_N);
  return self->role;
}

const char *
jb_session_get_station_id (JbSession *self)
{
  g_return_val_if_fail (JB_IS_SESSION (self), NULL);
  return self->station_id;
}

const char * const *
jb_session_get_station_ids (JbSession *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (JB_IS_SESSION (self), none);
  return self->station_ids != NULL ? (const char * const *) self->station_ids : none;
}

/* GObject */

JbSession *
jb_session_new (const char *server_url)
{
  g_return_val_if_fail (server_url != NULL, NULL);

  return g_object_new (JB_TYPE_SESSION, "server-url", server_url, NULL);
}

static void
jb_session_dispose (GObject *object)
{
  JbSession *self = (JbSession *)object;

  if (self->soup != NULL)
    soup_session_abort (self->soup);

  G_OBJECT_CLASS (jb_session_parent_class)->dispose (object);
}

static void
jb_session_finalize (GObject *object)
{
  JbSession *self = (JbSession *)object;

  g_clear_object (&self->soup);
  self->server_url = NULL;
  g_clear_pointer (&self->server_urls, g_strfreev);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->user, json_object_unref);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->station_id, g_free);
  g_clear_pointer (&self->station_ids, g_strfreev);

  G_OBJECT_CLASS (jb_session_parent_class)->finalize (object);
}

static void
jb_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  JbSession *self = JB_SESSION (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL: g_value_set_string (value, self->server_url); break;
    case PROP_SERVER_INDEX: g_value_set_uint (value, self->server_index); break;
    case PROP_USER: g_value_set_boxed (value, self->user); break;
    case PROP_USERNAME: g_value_set_string (value, self->username); break;
    case PROP_DISPLAY_NAME: g_value_set_string (value, self->display_name); break;
    case PROP_ROLE: g_value_set_enum (value, self->role); break;
    case PROP_STATION_ID: g_value_set_string (value, self->station_id); break;
    case PROP_LOGGED_IN: g_value_set_boolean (value, self->token != NULL); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_session_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  JbSession *self = JB_SESSION (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      {
        const char *url = g_value_get_string (value);
        gsize len = url != NULL ? strlen (url) : 0;

        /* "URL1,URL2": a failover list. */
        self->server_urls = jb_server_list_parse (url, NULL);
        if (self->server_urls == NULL)
          {
            /* Not an address: kept as given, so that each request says
             * "Bad server address" as it did. Paths start with '/': drop
             * the trailing ones. */
            while (len > 0 && url[len - 1] == '/')
              len--;
            self->server_urls = g_new0 (char *, 2);
            self->server_urls[0] = g_strndup (url != NULL ? url : "", len);
          }
        self->server_index = 0;
        self->server_url = self->server_urls[0];
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_session_class_init (JbSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = jb_session_dispose;
  object_class->finalize = jb_session_finalize;
  object_class->get_property = jb_session_get_property;
  object_class->set_property = jb_session_set_property;

  /* Set: the list ("URL1,URL2"); read: the server in use. */
  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER_INDEX] = g_param_spec_uint ("server-index", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_USER] = g_param_spec_boxed ("user", NULL, NULL, JSON_TYPE_OBJECT, ro);
  properties[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL, ro);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, ro);
  properties[PROP_ROLE] = g_param_spec_enum ("role", NULL, NULL, JB_TYPE_ROLE, JB_ROLE_N, ro);
  properties[PROP_STATION_ID] = g_param_spec_string ("station-id", NULL, NULL, NULL, ro);
  properties[PROP_LOGGED_IN] = g_param_spec_boolean ("logged-in", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jb_session_init (JbSession *self)
{
  self->role = JB_ROLE_N;
  self->soup = soup_session_new_with_options ("timeout", REST_TIMEOUT_S,
                                              "user-agent", "jingbao/" PACKAGE_VERSION " ",
                                              NULL);
  _jb_tls_use_ca_file (self->soup);
}
