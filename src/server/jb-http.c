/* jb-http.c — SoupServer wiring: one handler for the REST API, one for
 * the event stream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-http"

#include "jb-http.h"

#include <libsoup/soup.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "jb-clip-http.h"
#include "jb-error.h"
#include "jb-event-stream.h"
#include "jb-json.h"
#include "jb-tiles.h"

/* A body declared larger than this is refused before it is read. */
#define HARD_BODY_LIMIT (8 * 1024 * 1024)

struct _JbHttpServer
{
  GObject      parent_instance;

  JbDispatch  *dispatch;
  SoupServer      *server;
  GSocketService  *service;  /* accepts, then hands connections to the server */
  GSocketAddress  *address;  /* where it listens */
  GPtrArray       *streams;  /* JbEventStream */
  JbClipHttp      *clips;    /* the clip requests that carry bytes */
  JbTiles         *tiles;    /* NULL without a basemap */
};

G_DEFINE_FINAL_TYPE (JbHttpServer, jb_http_server, G_TYPE_OBJECT)

static void
answer_error (SoupServerMessage *msg,
              JbErrorCode        code,
              const char        *message)
{
  g_autoptr(GError) error = g_error_new_literal (JB_ERROR, code, message);
  g_autofree char *body = jb_json_error_body (error);

  soup_server_message_set_status (msg, jb_error_code_http_status (code), NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

/* REST */

static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > HARD_BODY_LIMIT)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      answer_error (msg, JB_ERROR_PAYLOAD_TOO_LARGE, "The request body is too large.");
    }
}

static void
add_header_cb (gpointer key,
               gpointer value,
               gpointer user_data)
{
  soup_message_headers_replace (user_data, key, value);
}

static void
api_cb (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  JbHttpServer *self = user_data;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GHashTable) headers = NULL;
  guint status = 500;

  if (g_bytes_get_size (body) > jb_dispatch_get_max_body_size (path))
    {
      answer_error (msg, JB_ERROR_PAYLOAD_TOO_LARGE, "The request body is too large.");
      return;
    }
  answer = jb_dispatch_handle (self->dispatch, soup_server_message_get_method (msg), path, query,
                               soup_message_headers_get_one (request_headers, "Authorization"),
                               soup_message_headers_get_one (request_headers, "Idempotency-Key"),
                               body, &status, &headers);
  soup_server_message_set_status (msg, status, NULL);
  g_hash_table_foreach (headers, add_header_cb, soup_server_message_get_response_headers (msg));
  if (answer != NULL)
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                      g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
}

static void
default_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  answer_error (msg, JB_ERROR_NOT_FOUND, "Everything is under /api/v1/.");
}

/* The event stream */

static void
stream_finished_cb (JbEventStream *stream,
                    JbHttpServer  *self)
{
  g_ptr_array_remove_fast (self->streams, stream);
}

static void
upgraded_cb (SoupServerMessage *msg,
             JbHttpServer      *self)
{
  g_autoptr(GIOStream) stolen = NULL;
  g_autoptr(JbCountingStream) counter = NULL;
  g_autoptr(SoupWebsocketConnection) connection = NULL;
  g_autoptr(GSocket) socket = NULL;
  JbEventStream *stream;
  gint64 since = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), "jb-since")) - 1;

  g_signal_handlers_disconnect_by_func (msg, upgraded_cb, self);
  g_set_object (&socket, soup_server_message_get_socket (msg));
  stolen = soup_server_message_steal_connection (msg);
  if (stolen == NULL)
    return;
  counter = jb_counting_stream_new (stolen, socket);
  connection = g_object_new (SOUP_TYPE_WEBSOCKET_CONNECTION,
                             "io-stream", counter,
                             "uri", soup_server_message_get_uri (msg),
                             "connection-type", SOUP_WEBSOCKET_CONNECTION_SERVER,
                             NULL);
  stream = jb_event_stream_new (self->dispatch, connection, counter, since);
  g_signal_connect_object (stream, "finished", G_CALLBACK (stream_finished_cb), self, 0);
  g_ptr_array_add (self->streams, stream);
}

static gboolean
parse_since (GHashTable *query,
             gint64     *out_since)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, "since") : NULL;
  guint64 value;

  *out_since = -1;
  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT32 * (guint64) 1024, &value, NULL))
    return FALSE;
  *out_since = (gint64) value;
  return TRUE;
}

/* A refused upgrade ends the connection: WebSocket clients wait for that
 * rather than reuse it. */
static void
refuse_upgrade (SoupServerMessage *msg,
                JbErrorCode        code,
                const char        *message)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  answer_error (msg, code, message);
}

static void
events_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  JbHttpServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GError) error = NULL;
  gint64 since;

  if (g_strcmp0 (path, "/api/v1/events") != 0)
    {
      refuse_upgrade (msg, JB_ERROR_NOT_FOUND, "There is no such endpoint.");
      return;
    }
  if (g_strcmp0 (soup_server_message_get_method (msg), "GET") != 0)
    {
      refuse_upgrade (msg, JB_ERROR_METHOD_NOT_ALLOWED, "The event stream is a GET.");
      return;
    }
  /* Authentication happens before the upgrade, so a bad token is a plain
   * 401 answer. */
  if (!jb_dispatch_authenticate_stream (self->dispatch, soup_message_headers_get_one (headers, "Authorization"),
                                        query != NULL ? g_hash_table_lookup (query, "token") : NULL, &error))
    {
      refuse_upgrade (msg, (JbErrorCode) error->code, error->message);
      return;
    }
  if (!parse_since (query, &since))
    {
      refuse_upgrade (msg, JB_ERROR_INVALID_VALUE, "The parameter \"since\" must be a non-negative integer.");
      return;
    }
  if (!soup_websocket_server_check_handshake (msg, NULL, NULL, NULL, &error))
    {
      refuse_upgrade (msg, JB_ERROR_BAD_REQUEST, "This endpoint needs a WebSocket upgrade.");
      return;
    }
  if (!soup_websocket_server_process_handshake (msg, NULL, NULL, NULL, NULL))
    return;
  g_object_set_data (G_OBJECT (msg), "jb-since", GSIZE_TO_POINTER ((gsize) (since + 1)));
  g_signal_connect_object (msg, "wrote-informational", G_CALLBACK (upgraded_cb), self, 0);
}

static void
tiles_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  JbHttpServer *self = user_data;

  jb_tiles_serve (self->tiles, self->dispatch, msg, path);
}

void
jb_http_server_set_tiles (JbHttpServer *self,
                          JbTiles      *tiles)
{
  g_return_if_fail (JB_IS_HTTP_SERVER (self));
  g_return_if_fail (self->tiles == NULL);

  self->tiles = g_object_ref (tiles);
  soup_server_add_handler (self->server, "/api/v1/tiles", tiles_cb, self, NULL);
}

/* The object */

static void
jb_http_server_dispose (GObject *object)
{
  JbHttpServer *self = JB_HTTP_SERVER (object);

  jb_http_server_shutdown (self);
  g_clear_object (&self->service);
  g_clear_object (&self->address);
  g_clear_object (&self->server);
  g_clear_object (&self->clips);
  g_clear_object (&self->dispatch);
  g_clear_object (&self->tiles);

  G_OBJECT_CLASS (jb_http_server_parent_class)->dispose (object);
}

static void
jb_http_server_finalize (GObject *object)
{
  JbHttpServer *self = JB_HTTP_SERVER (object);

  g_clear_pointer (&self->streams, g_ptr_array_unref);

  G_OBJECT_CLASS (jb_http_server_parent_class)->finalize (object);
}

static void
jb_http_server_class_init (JbHttpServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jb_http_server_dispose;
  object_class->finalize = jb_http_server_finalize;
}

static void
jb_http_server_init (JbHttpServer *self)
{
  self->streams = g_ptr_array_new_with_free_func (g_object_unref);
}

JbHttpServer *
jb_http_server_new (JbDispatch *dispatch)
{
  JbHttpServer *self = g_object_new (JB_TYPE_HTTP_SERVER, NULL);

  self->dispatch = g_object_ref (dispatch);
  self->server = soup_server_new ("server-header", "jingbao-dispatchd/" PACKAGE_VERSION " ", NULL);
  soup_server_add_handler (self->server, NULL, default_cb, self, NULL);
  soup_server_add_early_handler (self->server, "/api/v1", early_cb, self, NULL);
  soup_server_add_handler (self->server, "/api/v1", api_cb, self, NULL);
  soup_server_add_handler (self->server, "/api/v1/events", events_cb, self, NULL);
  /* Clip bytes are streamed; the rest of its paths falls back to the API. */
  self->clips = jb_clip_http_new (dispatch, self->server, early_cb, api_cb, self);
  return self;
}

/* Connections are accepted here and handed to SoupServer with
 * soup_server_accept_iostream(): SoupServer's own listener in libsoup
 * 3.2 leaks the GSocket of every connection it accepts. */
static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           user_data)
{
  JbHttpServer *self = user_data;
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);
  g_autoptr(GError) error = NULL;

  /* Answers go out as headers then body: without this, the second write
   * of a kept-alive connection waits for the peer's delayed ACK (40 ms). */
  g_socket_set_option (g_socket_connection_get_socket (connection), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  if (!soup_server_accept_iostream (self->server, G_IO_STREAM (connection), local, remote, &error))
    g_warning ("Cannot accept a connection: %s", error->message);
  return TRUE;
}

/* SoupServer 3.2 closes a connection after each response unless it has
 * a listener of its own (request_finished() tests priv->listeners), so it
 * gets one on a loopback port that nobody is told about. */
static gboolean
add_keepalive_listener (JbHttpServer  *self,
                        GError       **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL ||
      !g_socket_bind (socket, address, FALSE, error) ||
      !g_socket_listen (socket, error))
    return FALSE;
  return soup_server_listen_socket (self->server, socket, 0, error);
}

gboolean
jb_http_server_listen (JbHttpServer  *self,
                       const char    *host,
                       guint          port,
                       GError       **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;

  g_return_val_if_fail (JB_IS_HTTP_SERVER (self), FALSE);
  g_return_val_if_fail (self->service == NULL, FALSE);

  if (g_strcmp0 (host, "localhost") == 0)
    address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "\"%s\" is not an IP address.", host);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (address, (guint16) port);
  self->service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), socket_address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      &self->address, error))
    {
      g_clear_object (&self->service);
      return FALSE;
    }
  g_signal_connect (self->service, "incoming", G_CALLBACK (incoming_cb), self);
  g_socket_service_start (self->service);
  return add_keepalive_listener (self, error);
}

char *
jb_http_server_get_url (JbHttpServer *self)
{
  GInetSocketAddress *address;
  g_autofree char *host = NULL;
  gboolean v6;

  g_return_val_if_fail (JB_IS_HTTP_SERVER (self), NULL);

  if (self->address == NULL)
    return NULL;
  address = G_INET_SOCKET_ADDRESS (self->address);
  host = g_inet_address_to_string (g_inet_socket_address_get_address (address));
  v6 = strchr (host, ':') != NULL;
  return g_strdup_printf ("http://%s%s%s:%u", v6 ? "[" : "", host, v6 ? "]" : "",
                          g_inet_socket_address_get_port (address));
}

void
jb_http_server_shutdown (JbHttpServer *self)
{
  g_return_if_fail (JB_IS_HTTP_SERVER (self));

  while (self->streams != NULL && self->streams->len > 0)
    {
      g_autoptr(JbEventStream) stream = g_object_ref (g_ptr_array_index (self->streams, self->streams->len - 1));

      jb_event_stream_close (stream);
      g_ptr_array_remove_fast (self->streams, stream);
    }
  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
    }
  if (self->server != NULL)
    soup_server_disconnect (self->server);
}
