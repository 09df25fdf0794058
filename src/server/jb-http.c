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
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "jb-clip-http.h"
#include "jb-connection-stream.h"
#include "jb-error.h"
#include "jb-event-stream.h"
#include "jb-json.h"
#include "jb-tiles.h"

#define ACCEPT_BATCH          64     /* connections accepted per wake-up */
#define ACCEPT_PAUSE_MS       250    /* after an accept error (out of descriptors) */
#define SWEEP_MS              500
#define LOG_EVERY_US          (10 * G_USEC_PER_SEC)
#define DRAIN_LIMIT           (256 * 1024)  /* read and dropped after an early refusal */
#define DRAIN_MS              2000
#define SMALL_BODY            (256 * 1024)  /* its credentials are looked up once it is read */
#define READ_AHEAD            16384  /* more than SoupServer reads ahead (8 KiB) */

struct _JbHttpServer
{
  GObject      parent_instance;

  JbDispatch  *dispatch;
  SoupServer      *server;
  GSocket         *listener; /* ours: accepted here, handed to the server */
  GSource         *accept_source;
  guint            accept_pause_id;
  GSocketAddress  *address;  /* where it listens */
  GPtrArray       *streams;  /* JbEventStream */
  JbPresence      *presence; /* who has which incident open, across the streams */
  JbClipHttp      *clips;    /* the clip requests that carry bytes */

  JbHttpLimits     limits;
  GTlsCertificate *tls_certificate;
  GHashTable      *conns;     /* remote GSocketAddress (ours, one per connection) → Conn */
  GHashTable      *per_peer;  /* address text → open connections */
  guint            sweep_id;
  GHashTable      *log_marks; /* message key → LogMark */
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

static gboolean refuse_early     (JbHttpServer      *self,
                                  SoupServerMessage *msg,
                                  JbErrorCode        code,
                                  const char        *message);
static const char *peer_of       (JbHttpServer      *self,
                                  SoupServerMessage *msg);
static JbConnectionStream *connection_upgraded (JbHttpServer      *self,
                                                SoupServerMessage *msg);

/* Content-Length as sent: digits only and not absurd, or -1. */
static gint64
declared_length (SoupMessageHeaders *headers)
{
  const char *text = soup_message_headers_get_one (headers, "Content-Length");
  guint64 value;

  if (text == NULL)
    return 0;
  while (*text == ' ' || *text == '\t')
    text++;
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &value, NULL))
    return -1;
  return (gint64) value;
}

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              JbHttpServer      *self)
{
  gsize total = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), "jb-received")) + g_bytes_get_size (chunk);
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));

  g_object_set_data (G_OBJECT (msg), "jb-received", GSIZE_TO_POINTER (total));
  if (total > jb_dispatch_get_max_body_size (path))
    {
      g_signal_handlers_disconnect_by_func (msg, got_chunk_cb, self);
      refuse_early (self, msg, JB_ERROR_PAYLOAD_TOO_LARGE, "The request body is too large.");
    }
}

/* Bodies are judged from their headers: a body without valid credentials,
 * or larger than its endpoint takes, is refused before it is read (and a
 * chunked one as soon as its chunks add up to too much). A small one
 * without credentials of the endpoint's scheme is refused too; its
 * session or terminal is looked up once, when it is handled. */
static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  JbHttpServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  g_autoptr(GError) error = NULL;
  gint64 length = 0;

  if (encoding == SOUP_ENCODING_CONTENT_LENGTH)
    {
      length = declared_length (headers);
      if (length < 0)
        {
          refuse_early (self, msg, JB_ERROR_BAD_REQUEST, "The Content-Length is not a valid length.");
          return;
        }
      if ((guint64) length > jb_dispatch_get_max_body_size (path))
        {
          refuse_early (self, msg, JB_ERROR_PAYLOAD_TOO_LARGE, "The request body is too large.");
          return;
        }
    }
  if (length == 0 && encoding != SOUP_ENCODING_CHUNKED)
    return;
  /* A small body costs less to read than a session or terminal lookup,
   * which the handler does anyway: only the credentials' form is judged
   * now (a lookup here and there would be two per request). */
  if (!jb_dispatch_check_credentials (self->dispatch, soup_server_message_get_method (msg), path,
                                      soup_message_headers_get_one (headers, "Authorization"),
                                      encoding == SOUP_ENCODING_CHUNKED || length > SMALL_BODY, &error))
    {
      refuse_early (self, msg, (JbErrorCode) error->code, error->message);
      return;
    }
  if (encoding == SOUP_ENCODING_CHUNKED)
    g_signal_connect_object (msg, "got-chunk", G_CALLBACK (got_chunk_cb), self, 0);
}

static void
add_header_cb (gpointer key,
               gpointer value,
               gpointer user_data)
{
  soup_message_headers_replace (user_data, key, value);
}

/* Logins are answered later: the password is checked off the main loop. */

typedef struct
{
  SoupServerMessage *msg;
  gboolean           gone;  /* the message finished (client gone) meanwhile */
} PendingLogin;

static void
login_msg_finished_cb (SoupServerMessage *msg,
                       PendingLogin      *pending)
{
  pending->gone = TRUE;
}

static void
login_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  PendingLogin *pending = user_data;
  g_autoptr(GHashTable) headers = NULL;
  g_autoptr(GBytes) answer = NULL;
  guint status = 500;

  answer = jb_dispatch_login_finish (JB_DISPATCH (source), result, &status, &headers);
  g_signal_handlers_disconnect_by_func (pending->msg, login_msg_finished_cb, pending);
  if (!pending->gone)
    {
      soup_server_message_set_status (pending->msg, status, status == 429 ? "Too Many Requests" : NULL);
      g_hash_table_foreach (headers, add_header_cb, soup_server_message_get_response_headers (pending->msg));
      if (answer != NULL)
        soup_server_message_set_response (pending->msg, "application/json", SOUP_MEMORY_COPY,
                                          g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
      soup_server_message_unpause (pending->msg);
    }
  g_object_unref (pending->msg);
  g_free (pending);
}

static void
start_login (JbHttpServer      *self,
             SoupServerMessage *msg,
             GBytes            *body)
{
  PendingLogin *pending = g_new0 (PendingLogin, 1);

  pending->msg = g_object_ref (msg);
  g_signal_connect (msg, "finished", G_CALLBACK (login_msg_finished_cb), pending);
  soup_server_message_pause (msg);
  jb_dispatch_login_async (self->dispatch, body, peer_of (self, msg), NULL, login_done_cb, pending);
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
  if (g_strcmp0 (path, "/api/v1/session") == 0 &&
      g_strcmp0 (soup_server_message_get_method (msg), "POST") == 0)
    {
      start_login (self, msg, body);
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
  g_autoptr(JbConnectionStream) counter = NULL;
  g_autoptr(SoupWebsocketConnection) connection = NULL;
  JbEventStream *stream;
  gint64 since = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), "jb-since")) - 1;

  GBytes *token_hash = g_object_get_data (G_OBJECT (msg), "jb-token-hash");
  gint64 expires_at = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), "jb-expires-s")) * 1000LL;

  g_signal_handlers_disconnect_by_func (msg, upgraded_cb, self);
  g_set_object (&counter, connection_upgraded (self, msg));
  stolen = soup_server_message_steal_connection (msg);
  if (stolen == NULL)
    return;
  if (counter == NULL)
    {
      /* Not a connection of ours: nothing counts its bytes. */
      g_io_stream_close (stolen, NULL, NULL);
      return;
    }
  if (token_hash != NULL)
    g_bytes_ref (token_hash);
  /* SoupServer's wrapper keeps what it read ahead (a first message sent
   * with the handshake); its output and its asynchronous close are ours. */
  connection = g_object_new (SOUP_TYPE_WEBSOCKET_CONNECTION,
                             "io-stream", stolen,
                             "uri", soup_server_message_get_uri (msg),
                             "connection-type", SOUP_WEBSOCKET_CONNECTION_SERVER,
                             NULL);
  {
    JsonObject *user = g_object_get_data (G_OBJECT (msg), "jb-user");
    const char *username = user ? json_object_get_string_member_with_default (user, "username", NULL) : NULL;
    const char *display_name = user ? json_object_get_string_member_with_default (user, "display_name", NULL) : NULL;

    stream = jb_event_stream_new (self->dispatch, connection, counter, since, self->presence, username, display_name);
  }
  if (token_hash != NULL)
    {
      jb_event_stream_bind_session (stream, token_hash, expires_at);
      g_bytes_unref (token_hash);
    }
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
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(GBytes) token_hash = NULL;
  gint64 expires_at = 0;
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
                                        query != NULL ? g_hash_table_lookup (query, "token") : NULL,
                                        &user, &token_hash, &expires_at, &error))
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
  g_object_set_data_full (G_OBJECT (msg), "jb-user", g_steal_pointer (&user), (GDestroyNotify) json_object_unref);
  g_object_set_data_full (G_OBJECT (msg), "jb-token-hash", g_steal_pointer (&token_hash),
                          (GDestroyNotify) g_bytes_unref);
  g_object_set_data (G_OBJECT (msg), "jb-expires-s", GSIZE_TO_POINTER ((gsize) (MAX (expires_at, 0) / 1000)));
  g_signal_connect_object (msg, "wrote-informational", G_CALLBACK (upgraded_cb), self, 0);
}

/* Logging that cannot flood: one line per kind of message every ten
 * seconds at most, with a count of the ones left out. */

typedef struct
{
  gint64 last_us;
  guint  suppressed;
} LogMark;

static void
log_limited (JbHttpServer *self,
             const char   *key,
             const char   *format,
             ...) G_GNUC_PRINTF (3, 4);

static void
log_limited (JbHttpServer *self,
             const char   *key,
             const char   *format,
             ...)
{
  LogMark *mark = g_hash_table_lookup (self->log_marks, key);
  gint64 now = g_get_monotonic_time ();
  g_autofree char *text = NULL;
  va_list args;

  if (mark == NULL)
    {
      mark = g_new0 (LogMark, 1);
      mark->last_us = now - LOG_EVERY_US;
      g_hash_table_insert (self->log_marks, g_strdup (key), mark);
    }
  if (now - mark->last_us < LOG_EVERY_US)
    {
      mark->suppressed++;
      return;
    }
  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  if (mark->suppressed > 0)
    g_warning ("%s (%u more like this in the last %d s)", text, mark->suppressed,
               (int) ((now - mark->last_us) / G_USEC_PER_SEC));
  else
    g_warning ("%s", text);
  mark->last_us = now;
  mark->suppressed = 0;
}

/* Connections: each accepted connection gets a record, found again from
 * any of its messages by the remote address object given to SoupServer
 * (one per connection). The record goes when the connection's stream is
 * finalized, whoever dropped it (SoupServer, a WebSocket, an early
 * refusal). */

typedef struct
{
  JbHttpServer   *self;
  GSocket        *socket;         /* owned by the connection */
  JbConnectionStream *stream;     /* wraps the connection (TLS or not): the record lives as long */
  GSocketAddress *remote;         /* the key */
  char           *peer;
  gint64          request_since;  /* monotonic µs the current request began; 0: none */
  GSocketAddress *local;
  SoupServerMessage *last_msg;    /* the answered one, until the connection is taken back */
  GIOStream      *pending;        /* @stream, taken back with bytes put back, to hand in again */
  guint           rearm_id;
  gboolean        upgraded;
  gboolean        cut;
} Conn;

static void
conn_free (Conn *conn)
{
  g_clear_handle_id (&conn->rearm_id, g_source_remove);
  g_clear_object (&conn->last_msg);
  g_clear_object (&conn->pending);
  g_clear_object (&conn->remote);
  g_clear_object (&conn->local);
  g_free (conn->peer);
  g_free (conn);
}

static void
peer_count_add (JbHttpServer *self,
                const char   *peer,
                int           delta)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_peer, peer));

  count = (guint) ((int) count + delta);
  if (count == 0)
    g_hash_table_remove (self->per_peer, peer);
  else
    g_hash_table_replace (self->per_peer, g_strdup (peer), GUINT_TO_POINTER (count));
}

static void
connection_gone_cb (gpointer  data,
                    GObject  *where_the_object_was)
{
  Conn *conn = data;
  JbHttpServer *self = conn->self;

  if (self == NULL)
    {
      conn_free (conn);
      return;
    }
  peer_count_add (self, conn->peer, -1);
  g_hash_table_remove (self->conns, conn->remote);
}

static Conn *
conn_of (JbHttpServer      *self,
         SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  return remote != NULL ? g_hash_table_lookup (self->conns, remote) : NULL;
}

static const char *
peer_of (JbHttpServer      *self,
         SoupServerMessage *msg)
{
  Conn *conn = conn_of (self, msg);

  return conn != NULL ? conn->peer : NULL;
}

/* The event stream lives as long as it likes: no idle timeout, no
 * request deadline; its close lingers. */
static JbConnectionStream *
connection_upgraded (JbHttpServer      *self,
                     SoupServerMessage *msg)
{
  Conn *conn = conn_of (self, msg);

  if (conn == NULL)
    return NULL;
  conn->upgraded = TRUE;
  conn->request_since = 0;
  g_socket_set_timeout (conn->socket, 0);
  jb_connection_stream_linger (conn->stream, conn->socket);
  return conn->stream;
}

static void
upload_progressed_cb (SoupServerMessage *msg,
                      GBytes            *chunk,
                      JbHttpServer      *self)
{
  Conn *conn = conn_of (self, msg);
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));

  if (conn != NULL && conn->request_since != 0 && g_str_has_prefix (path, "/api/v1/device/clips/"))
    conn->request_since = g_get_monotonic_time ();
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    JbHttpServer      *self)
{
  Conn *conn = conn_of (self, msg);

  if (conn != NULL && !conn->upgraded)
    {
      conn->request_since = g_get_monotonic_time ();
      /* A clip chunk of several MiB on a slow 4G link takes longer than the
       * request deadline: while its bytes keep coming the deadline moves.
       * Only clip uploads, whose credentials are judged from the headers
       * before any byte of the body is read. */
      g_signal_connect_object (msg, "got-chunk", G_CALLBACK (upload_progressed_cb), self, 0);
    }
}

static void
request_read_done (JbHttpServer      *self,
                   SoupServerMessage *msg)
{
  Conn *conn = conn_of (self, msg);

  if (conn != NULL)
    conn->request_since = 0;
}

/* Between requests SoupServer 3.2 waits for the next one on a kept-alive
 * connection with a message that has no completion callback yet: when the
 * peer closes the connection then, or never sends, SoupServer never lets
 * go of it (nor of its descriptor). So after each answer the connection
 * is taken back (soup_server_message_steal_connection, from an idle of
 * high priority: before SoupServer can read from it again) and handed in
 * again as a new one, whose first message is watched like any other.
 *
 * What is handed in is always the connection as first accepted, never
 * the stream SoupServer gives back: that one wraps ours in a buffering
 * stream, and handing it in would wrap it again at every request, each
 * read then going through one more layer (after a few hundred requests on
 * one connection the whole server crawled, deep in nested reads). What
 * that buffering stream had already read (a pipelined request) is put
 * back in front (jb_connection_stream_unread()). A peer that has closed is let go of
 * there and then. A connection with bytes already waiting is handed in
 * from an idle of default priority, so that a client that pipelines gets
 * one request in per turn of the loop, in turn with everyone else, and a
 * request answered at once, inside the hand-in, only schedules the next
 * take-back. */

static gboolean
keeps_alive (SoupServerMessage *msg)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);

  if (soup_message_headers_header_contains (request, "Connection", "close") ||
      soup_message_headers_header_contains (response, "Connection", "close"))
    return FALSE;
  if (soup_server_message_get_http_version (msg) == SOUP_HTTP_1_0)
    return soup_message_headers_header_contains (request, "Connection", "Keep-Alive");
  return soup_server_message_get_http_version (msg) == SOUP_HTTP_1_1;
}

static void
hand_in (Conn      *conn,
         GIOStream *stream)
{
  g_autoptr(GError) error = NULL;
  JbHttpServer *self = conn->self;

  /* @conn may be gone when this returns (an answer with "Connection:
   * close" given at once): the caller's reference keeps @stream. */
  if (!soup_server_accept_iostream (self->server, stream, conn->local, conn->remote, &error))
    log_limited (self, "accept-iostream", "Cannot accept a connection: %s", error->message);
}

static gboolean
hand_in_cb (gpointer user_data)
{
  Conn *conn = user_data;
  g_autoptr(GIOStream) stream = g_steal_pointer (&conn->pending);

  conn->rearm_id = 0;
  /* The server is gone, or shut down meanwhile. */
  if (conn->self == NULL || g_socket_is_closed (conn->self->listener))
    {
      g_io_stream_close (stream, NULL, NULL);
      return G_SOURCE_REMOVE;
    }
  hand_in (conn, stream);
  return G_SOURCE_REMOVE;
}

static gboolean
take_back_cb (gpointer user_data)
{
  Conn *conn = user_data;
  g_autoptr(SoupServerMessage) msg = g_steal_pointer (&conn->last_msg);
  g_autoptr(GIOStream) stolen = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *ahead = NULL;
  gssize n;

  conn->rearm_id = 0;
  if (conn->self == NULL || g_socket_is_closed (conn->socket))
    return G_SOURCE_REMOVE;
  stolen = soup_server_message_steal_connection (msg);
  if (stolen == NULL)
    return G_SOURCE_REMOVE;

  /* One read, never blocking: what SoupServer had read ahead comes first
   * (all of it: it reads 8 KiB at most), else what was put back before,
   * else what the peer has sent since. What was put back and not read
   * stays behind it. */
  ahead = g_malloc (READ_AHEAD);
  n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (stolen)),
                                                ahead, READ_AHEAD, NULL, &error);
  if (n == 0 || (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)))
    {
      /* The peer closed or reset the connection: nothing more to answer. */
      g_io_stream_close (stolen, NULL, NULL);
      return G_SOURCE_REMOVE;
    }
  stream = G_IO_STREAM (g_object_ref (conn->stream));
  if (n < 0 && !jb_connection_stream_has_unread (conn->stream))
    {
      /* Nothing waiting: SoupServer waits for the next request. */
      hand_in (conn, stream);
      return G_SOURCE_REMOVE;
    }
  bytes = g_bytes_new_take (g_steal_pointer (&ahead), (gsize) MAX (n, 0));
  jb_connection_stream_unread (conn->stream, bytes);
  conn->pending = g_steal_pointer (&stream);
  conn->rearm_id = g_idle_add_full (G_PRIORITY_DEFAULT, hand_in_cb, conn, NULL);
  return G_SOURCE_REMOVE;
}

static void
request_finished_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     JbHttpServer      *self)
{
  Conn *conn = conn_of (self, msg);

  if (conn == NULL)
    return;
  conn->request_since = 0;
  if (conn->upgraded || conn->rearm_id != 0 || !keeps_alive (msg))
    return;
  g_set_object (&conn->last_msg, msg);
  conn->rearm_id = g_idle_add_full (G_PRIORITY_HIGH, take_back_cb, conn, NULL);
}

static void
request_aborted_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    JbHttpServer      *self)
{
  request_read_done (self, msg);
}

/* SoupServer answers some bad requests itself (a path with %00, or one
 * that decodes to "..") with an empty body: they get the error form. */
static void
request_read_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 JbHttpServer      *self)
{
  guint status = soup_server_message_get_status (msg);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  request_read_done (self, msg);
  if (status >= 400 && (body == NULL || body->length == 0))
    answer_error (msg, status == 400 ? JB_ERROR_BAD_REQUEST :
                       status == 404 ? JB_ERROR_NOT_FOUND : JB_ERROR_INTERNAL,
                  status == 400 ? "The request line or its path is not valid." : "The request failed.");
}

/* Cuts connections whose request is not in whole within the deadline from
 * their start or their previous answer: silent, idle kept-alive and
 * drip-fed ones alike. */
static gboolean
sweep_cb (gpointer user_data)
{
  JbHttpServer *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 limit = (gint64) self->limits.request_timeout_s * G_USEC_PER_SEC;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Conn *conn = value;

      if (conn->upgraded || conn->cut || conn->request_since == 0 || now - conn->request_since <= limit)
        continue;
      /* Shut down, not closed: SoupServer still owns the socket and ends
       * the connection when its read fails. */
      conn->cut = TRUE;
      g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
    }
  return G_SOURCE_CONTINUE;
}

/* A connection refused at the door: a short answer written without
 * waiting, then closed. */
static void
refuse_connection (JbHttpServer *self,
                   GSocket      *socket,
                   const char   *peer,
                   const char   *why)
{
  g_autoptr(GError) error = g_error_new_literal (JB_ERROR, JB_ERROR_UNAVAILABLE, why);
  g_autofree char *body = jb_json_error_body (error);
  g_autofree char *text = g_strdup_printf ("HTTP/1.1 503 Service Unavailable\r\n"
                                           "Content-Type: application/json\r\n"
                                           "Content-Length: %zu\r\nRetry-After: 1\r\n"
                                           "Connection: close\r\n\r\n%s", strlen (body), body);

  g_socket_set_blocking (socket, FALSE);
  g_socket_send (socket, text, strlen (text), NULL, NULL);
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  g_socket_close (socket, NULL);
  log_limited (self, why, "Refused a connection from %s: %s", peer, why);
}

static void
admit (JbHttpServer *self,
       GSocket      *socket)
{
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (socket, NULL);
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (socket, NULL);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(JbConnectionStream) counted = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *peer = NULL;
  Conn *conn;

  if (remote == NULL || local == NULL)
    {
      g_socket_close (socket, NULL);
      return;
    }
  peer = G_IS_INET_SOCKET_ADDRESS (remote)
           ? g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)))
           : g_strdup ("?");
  if (g_hash_table_size (self->conns) >= self->limits.max_connections)
    {
      refuse_connection (self, socket, peer, "The server has too many connections.");
      return;
    }
  if (self->limits.max_connections_per_address > 0 &&
      GPOINTER_TO_UINT (g_hash_table_lookup (self->per_peer, peer)) >= self->limits.max_connections_per_address)
    {
      refuse_connection (self, socket, peer, "Too many connections from this address.");
      return;
    }

  /* Answers go out as headers then body: without this, the second write
   * of a kept-alive connection waits for the peer's delayed ACK (40 ms). */
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  /* A wait for the peer longer than this fails the connection: idle
   * kept-alive connections end, and so do peers that stop reading. */
  g_socket_set_timeout (socket, self->limits.idle_timeout_s);
  connection = g_socket_connection_factory_create_connection (socket);
  if (self->tls_certificate != NULL)
    {
      stream = (GIOStream *) g_tls_server_connection_new (G_IO_STREAM (connection), self->tls_certificate, &error);
      if (stream == NULL)
        {
          log_limited (self, "tls", "Cannot start TLS: %s", error->message);
          return;
        }
      g_object_set (stream, "require-close-notify", FALSE, NULL);
    }
  else
    stream = G_IO_STREAM (g_object_ref (connection));
  counted = jb_connection_stream_new (stream);

  conn = g_new0 (Conn, 1);
  conn->self = self;
  conn->socket = socket;
  conn->stream = counted;
  conn->remote = g_object_ref (remote);
  conn->local = g_object_ref (local);
  conn->peer = g_strdup (peer);
  g_hash_table_insert (self->conns, conn->remote, conn);
  peer_count_add (self, peer, +1);
  g_object_weak_ref (G_OBJECT (counted), connection_gone_cb, conn);

  /* Handed in from an idle, not here: SoupServer answers a request that
   * is already waiting inside the hand-in, and a client that opens a
   * connection per request (libsoup does, for a POST) would keep this
   * accept loop answering request after request, every other source of
   * the main loop waiting, an event stream's replay among them (its
   * client would get nothing until the load stopped). */
  conn->pending = G_IO_STREAM (g_steal_pointer (&counted));
  conn->rearm_id = g_idle_add_full (G_PRIORITY_DEFAULT, hand_in_cb, conn, NULL);
}

static gboolean accept_cb (GSocket      *listener,
                           GIOCondition  condition,
                           gpointer      user_data);

static void
watch_listener (JbHttpServer *self)
{
  self->accept_source = g_socket_create_source (self->listener, G_IO_IN, NULL);
  g_source_set_callback (self->accept_source, G_SOURCE_FUNC (accept_cb), self, NULL);
  g_source_attach (self->accept_source, NULL);
}

static gboolean
resume_accept_cb (gpointer user_data)
{
  JbHttpServer *self = user_data;

  self->accept_pause_id = 0;
  watch_listener (self);
  return G_SOURCE_REMOVE;
}

static gboolean
accept_cb (GSocket      *listener,
           GIOCondition  condition,
           gpointer      user_data)
{
  JbHttpServer *self = user_data;

  for (guint i = 0; i < ACCEPT_BATCH; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) socket = g_socket_accept (listener, NULL, &error);

      if (socket != NULL)
        {
          admit (self, socket);
          continue;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;
      /* Out of descriptors, most likely: the listener stays readable, so
       * retrying at once would spin. Pause, and say so once in a while. */
      log_limited (self, "accept", "Cannot accept connections: %s", error->message);
      g_clear_pointer (&self->accept_source, g_source_unref);
      self->accept_pause_id = g_timeout_add (ACCEPT_PAUSE_MS, resume_accept_cb, self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Early refusal: SoupServer would read the whole body before answering,
 * so the connection is taken from it, the answer written by hand, and a
 * little of what the client still sends read and dropped before the close
 * (closing with unread data would reset the connection and could lose the
 * answer). */

typedef struct
{
  GIOStream    *stream;
  GSocket      *socket;   /* NULL with TLS: the stream is closed, not shut down */
  char         *text;
  guint8        buffer[16384];
  gsize         drained;
  guint         timeout_id;
  GCancellable *cancellable;
} Refusal;

static void
refusal_free (Refusal *refusal)
{
  g_clear_handle_id (&refusal->timeout_id, g_source_remove);
  g_io_stream_close (refusal->stream, NULL, NULL);
  g_object_unref (refusal->stream);
  g_clear_object (&refusal->socket);
  g_object_unref (refusal->cancellable);
  g_free (refusal->text);
  g_free (refusal);
}

static gboolean
refusal_timeout_cb (gpointer user_data)
{
  Refusal *refusal = user_data;

  refusal->timeout_id = 0;
  g_cancellable_cancel (refusal->cancellable);
  return G_SOURCE_REMOVE;
}

static void
drained_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Refusal *refusal = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n > 0 && (refusal->drained += (gsize) n) < DRAIN_LIMIT)
    {
      g_input_stream_read_async (G_INPUT_STREAM (source), refusal->buffer, sizeof refusal->buffer,
                                 G_PRIORITY_DEFAULT, refusal->cancellable, drained_cb, refusal);
      return;
    }
  refusal_free (refusal);
}

static void
refusal_written_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refusal *refusal = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL) ||
      refusal->socket == NULL)
    {
      refusal_free (refusal);
      return;
    }
  g_socket_shutdown (refusal->socket, FALSE, TRUE, NULL);
  refusal->timeout_id = g_timeout_add (DRAIN_MS, refusal_timeout_cb, refusal);
  g_input_stream_read_async (g_io_stream_get_input_stream (refusal->stream), refusal->buffer,
                             sizeof refusal->buffer, G_PRIORITY_DEFAULT, refusal->cancellable,
                             drained_cb, refusal);
}

static gboolean
refuse_early (JbHttpServer      *self,
              SoupServerMessage *msg,
              JbErrorCode        code,
              const char        *message)
{
  g_autoptr(GError) error = g_error_new_literal (JB_ERROR, code, message);
  g_autofree char *body = jb_json_error_body (error);
  guint status = jb_error_code_http_status (code);
  Conn *conn = conn_of (self, msg);
  GIOStream *stream;
  Refusal *refusal;

  if (conn != NULL)
    conn->request_since = 0;
  stream = soup_server_message_steal_connection (msg);  /* @msg may be gone now */
  if (stream == NULL)
    return FALSE;
  refusal = g_new0 (Refusal, 1);
  refusal->stream = stream;
  if (conn != NULL && self->tls_certificate == NULL)
    refusal->socket = g_object_ref (conn->socket);
  refusal->cancellable = g_cancellable_new ();
  refusal->text = g_strdup_printf ("HTTP/1.1 %u %s\r\nContent-Type: application/json\r\n"
                                   "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                                   status, soup_status_get_phrase (status), strlen (body), body);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream), refusal->text,
                                   strlen (refusal->text), G_PRIORITY_DEFAULT, NULL,
                                   refusal_written_cb, refusal);
  return TRUE;
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

void
jb_http_limits_init (JbHttpLimits *limits)
{
  limits->idle_timeout_s = 30;
  limits->request_timeout_s = 20;
  limits->max_connections_per_address = 256;
  limits->max_connections = 0;
  limits->backlog = 512;
}

static void
jb_http_server_dispose (GObject *object)
{
  JbHttpServer *self = JB_HTTP_SERVER (object);

  jb_http_server_shutdown (self);
  g_clear_object (&self->listener);
  g_clear_object (&self->address);
  g_clear_object (&self->server);
  g_clear_object (&self->clips);
  g_clear_object (&self->dispatch);
  g_clear_object (&self->tls_certificate);
  g_clear_object (&self->tiles);

  G_OBJECT_CLASS (jb_http_server_parent_class)->dispose (object);
}

static void
jb_http_server_finalize (GObject *object)
{
  JbHttpServer *self = JB_HTTP_SERVER (object);
  GHashTableIter iter;
  gpointer value;

  g_clear_pointer (&self->streams, g_ptr_array_unref);
  g_clear_object (&self->presence);
  /* Connections still alive (in a refusal's drain, say) find no server. */
  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ((Conn *) value)->self = NULL;
      g_hash_table_iter_steal (&iter);
    }
  g_clear_pointer (&self->conns, g_hash_table_unref);
  g_clear_pointer (&self->per_peer, g_hash_table_unref);
  g_clear_pointer (&self->log_marks, g_hash_table_unref);

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
  self->presence = jb_presence_new ();
  self->conns = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) conn_free);
  self->per_peer = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->log_marks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  jb_http_limits_init (&self->limits);
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
  g_signal_connect (self->server, "request-started", G_CALLBACK (request_started_cb), self);
  g_signal_connect (self->server, "request-read", G_CALLBACK (request_read_cb), self);
  g_signal_connect (self->server, "request-finished", G_CALLBACK (request_finished_cb), self);
  g_signal_connect (self->server, "request-aborted", G_CALLBACK (request_aborted_cb), self);
  return self;
}

void
jb_http_server_set_limits (JbHttpServer       *self,
                           const JbHttpLimits *limits)
{
  g_return_if_fail (JB_IS_HTTP_SERVER (self));
  g_return_if_fail (self->listener == NULL);

  self->limits = *limits;
}

void
jb_http_server_set_tls_certificate (JbHttpServer    *self,
                                    GTlsCertificate *certificate)
{
  g_return_if_fail (JB_IS_HTTP_SERVER (self));
  g_return_if_fail (self->listener == NULL);

  g_set_object (&self->tls_certificate, certificate);
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

/* The listening socket is ours (not a GSocketService): its backlog is
 * set, and an accept error (out of descriptors) pauses accepting instead
 * of retrying in a loop. SoupServer's own listener in libsoup 3.2 would
 * also leak the GSocket of every connection it accepts. */
gboolean
jb_http_server_listen (JbHttpServer  *self,
                       const char    *host,
                       guint          port,
                       GError       **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocket) listener = NULL;

  g_return_val_if_fail (JB_IS_HTTP_SERVER (self), FALSE);
  g_return_val_if_fail (self->listener == NULL, FALSE);

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
  listener = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM,
                           G_SOCKET_PROTOCOL_TCP, error);
  if (listener == NULL)
    return FALSE;
  g_socket_set_blocking (listener, FALSE);
  g_socket_set_listen_backlog (listener, (int) self->limits.backlog);
  if (!g_socket_bind (listener, socket_address, TRUE, error) ||
      !g_socket_listen (listener, error))
    return FALSE;
  self->address = g_socket_get_local_address (listener, error);
  if (self->address == NULL)
    return FALSE;
  if (self->limits.max_connections == 0)
    {
      struct rlimit limit;

      /* Every connection is a descriptor: keep some for the database,
       * logs and the listener. */
      if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        self->limits.max_connections = (guint) MAX ((gint64) MIN (limit.rlim_cur, G_MAXINT) - 64, 16);
      else
        self->limits.max_connections = 65536;
    }
  self->listener = g_steal_pointer (&listener);
  watch_listener (self);
  self->sweep_id = g_timeout_add (SWEEP_MS, sweep_cb, self);
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
  return g_strdup_printf ("%s://%s%s%s:%u", self->tls_certificate != NULL ? "https" : "http",
                          v6 ? "[" : "", host, v6 ? "]" : "",
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
  if (self->accept_source != NULL)
    {
      g_source_destroy (self->accept_source);
      g_clear_pointer (&self->accept_source, g_source_unref);
    }
  g_clear_handle_id (&self->accept_pause_id, g_source_remove);
  g_clear_handle_id (&self->sweep_id, g_source_remove);
  if (self->listener != NULL)
    g_socket_close (self->listener, NULL);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
}
