/* jb-test-proxy.c — a TCP proxy that breaks connections on command
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-test-proxy.h"

#include <string.h>

#define CHUNK 16384

typedef struct _Pair Pair;

typedef struct
{
  Pair          *pair;
  int            dir;      /* 0: up, 1: down */
  GInputStream  *in;
  GOutputStream *out;
  guint8         buf[CHUNK];
  gsize          len;
  gboolean       held;
} Pump;

struct _Pair
{
  gint               refs;
  JbTestProxy       *proxy;
  GSocketConnection *client;
  GSocketConnection *server;
  GCancellable      *cancel;
  Pump               pumps[2];
  gboolean           sniffed;
  gboolean           is_events;
  gboolean           closed;
};

struct _JbTestProxy
{
  GSocketService *service;
  char           *url;
  char           *up_host;
  guint16         up_port;
  GPtrArray      *pairs;
  gboolean        cut;
  guint           stall_dirs;
  gboolean        stall_events_only;
  guint           delay_ms;
  guint           rate;
  guint           accepted;
  guint64         bytes[2];
};

static Pair *
pair_ref (Pair *pair)
{
  g_atomic_int_inc (&pair->refs);
  return pair;
}

static void
pair_unref (Pair *pair)
{
  if (!g_atomic_int_dec_and_test (&pair->refs))
    return;
  g_clear_object (&pair->client);
  g_clear_object (&pair->server);
  g_clear_object (&pair->cancel);
  g_free (pair);
}

static void
pair_close (Pair *pair)
{
  if (pair->closed)
    return;
  pair->closed = TRUE;
  g_cancellable_cancel (pair->cancel);
  /* The sockets themselves: their streams may have reads pending. */
  g_socket_close (g_socket_connection_get_socket (pair->client), NULL);
  g_socket_close (g_socket_connection_get_socket (pair->server), NULL);
  /* The proxy's reference. */
  g_ptr_array_remove_fast (pair->proxy->pairs, pair);
}

static void pump_read (Pump *pump);
static void pump_forward (Pump *pump);

static void
write_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Pump *pump = user_data;
  Pair *pair = pump->pair;
  gsize written = 0;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, &written, NULL))
    pair_close (pair);
  else if (!pair->closed)
    {
      pair->proxy->bytes[pump->dir] += written;
      pump_read (pump);
    }
  pair_unref (pair);
}

static void
pump_write (Pump *pump)
{
  g_output_stream_write_all_async (pump->out, pump->buf, pump->len, G_PRIORITY_DEFAULT,
                                   pump->pair->cancel, write_cb, pump);
}

static gboolean
delayed_write_cb (gpointer user_data)
{
  Pump *pump = user_data;

  if (pump->pair->closed)
    pair_unref (pump->pair);
  else
    pump_write (pump);  /* the timeout's reference goes to the write */
  return G_SOURCE_REMOVE;
}

static gboolean
is_stalled (Pump *pump)
{
  JbTestProxy *proxy = pump->pair->proxy;

  return (proxy->stall_dirs & (1u << pump->dir)) != 0 &&
         (!proxy->stall_events_only || pump->pair->is_events);
}

/* Passes the chunk on, now, later or when healed. */
static void
pump_forward (Pump *pump)
{
  JbTestProxy *proxy = pump->pair->proxy;
  guint wait_ms;

  if (is_stalled (pump))
    {
      pump->held = TRUE;
      return;
    }
  pair_ref (pump->pair);
  wait_ms = proxy->delay_ms;
  if (proxy->rate > 0)
    wait_ms += (guint) ((guint64) pump->len * 1000 / proxy->rate);
  if (wait_ms > 0)
    g_timeout_add (wait_ms, delayed_write_cb, pump);
  else
    pump_write (pump);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pump *pump = user_data;
  Pair *pair = pump->pair;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);

  if (n <= 0 || pair->closed)
    pair_close (pair);
  else
    {
      pump->len = (gsize) n;
      if (pump->dir == 0 && !pair->sniffed)
        {
          static const char events[] = "GET /api/v1/events";

          pair->sniffed = TRUE;
          pair->is_events = pump->len >= strlen (events) &&
                            memcmp (pump->buf, events, strlen (events)) == 0;
        }
      pump_forward (pump);
    }
  pair_unref (pair);
}

static void
pump_read (Pump *pump)
{
  pair_ref (pump->pair);
  g_input_stream_read_async (pump->in, pump->buf, sizeof pump->buf, G_PRIORITY_DEFAULT,
                             pump->pair->cancel, read_cb, pump);
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           user_data)
{
  JbTestProxy *self = user_data;
  g_autoptr(GSocketClient) connector = NULL;
  g_autoptr(GSocketConnection) upstream = NULL;
  Pair *pair;

  self->accepted++;
  if (self->cut)
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }
  connector = g_socket_client_new ();
  upstream = g_socket_client_connect_to_host (connector, self->up_host, self->up_port, NULL, NULL);
  if (upstream == NULL)
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }

  pair = g_new0 (Pair, 1);
  pair->refs = 1;
  pair->proxy = self;
  pair->client = g_object_ref (connection);
  pair->server = g_steal_pointer (&upstream);
  pair->cancel = g_cancellable_new ();
  for (int dir = 0; dir < 2; dir++)
    {
      Pump *pump = &pair->pumps[dir];

      pump->pair = pair;
      pump->dir = dir;
      pump->in = g_io_stream_get_input_stream (G_IO_STREAM (dir == 0 ? pair->client : pair->server));
      pump->out = g_io_stream_get_output_stream (G_IO_STREAM (dir == 0 ? pair->server : pair->client));
    }
  g_ptr_array_add (self->pairs, pair);
  pump_read (&pair->pumps[0]);
  pump_read (&pair->pumps[1]);
  return TRUE;
}

JbTestProxy *
jb_test_proxy_new (const char *upstream_url)
{
  JbTestProxy *self = g_new0 (JbTestProxy, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (upstream_url, G_URI_FLAGS_NONE, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_no_error (error);
  self->up_host = g_strdup (g_uri_get_host (uri));
  self->up_port = (guint16) g_uri_get_port (uri);
  self->pairs = g_ptr_array_new_with_free_func ((GDestroyNotify) pair_unref);
  self->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), any, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  self->url = g_strdup_printf ("http://127.0.0.1:%u",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_signal_connect (self->service, "incoming", G_CALLBACK (incoming_cb), self);
  g_socket_service_start (self->service);
  return self;
}

const char *
jb_test_proxy_get_url (JbTestProxy *self)
{
  return self->url;
}

static void
close_all (JbTestProxy *self)
{
  while (self->pairs->len > 0)
    pair_close (g_ptr_array_index (self->pairs, self->pairs->len - 1));
}

void
jb_test_proxy_cut (JbTestProxy *self)
{
  self->cut = TRUE;
  close_all (self);
}

void
jb_test_proxy_stall (JbTestProxy          *self,
                     JbTestProxyDirection  direction,
                     gboolean              events_only)
{
  self->stall_dirs = direction;
  self->stall_events_only = events_only;
}

void
jb_test_proxy_delay (JbTestProxy *self,
                     guint        ms)
{
  self->delay_ms = ms;
}

void
jb_test_proxy_throttle (JbTestProxy *self,
                        guint        bytes_per_second)
{
  self->rate = bytes_per_second;
}

void
jb_test_proxy_heal (JbTestProxy *self)
{
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func ((GDestroyNotify) pair_unref);

  self->cut = FALSE;
  self->stall_dirs = 0;
  self->delay_ms = 0;
  self->rate = 0;
  for (guint i = 0; i < self->pairs->len; i++)
    g_ptr_array_add (pairs, pair_ref (g_ptr_array_index (self->pairs, i)));
  for (guint i = 0; i < pairs->len; i++)
    {
      Pair *pair = g_ptr_array_index (pairs, i);

      for (int dir = 0; dir < 2 && !pair->closed; dir++)
        if (pair->pumps[dir].held)
          {
            pair->pumps[dir].held = FALSE;
            pump_forward (&pair->pumps[dir]);
          }
    }
}

guint
jb_test_proxy_get_accepted (JbTestProxy *self)
{
  return self->accepted;
}

guint64
jb_test_proxy_get_bytes (JbTestProxy          *self,
                         JbTestProxyDirection  direction)
{
  return (direction & JB_TEST_PROXY_UP ? self->bytes[0] : 0) +
         (direction & JB_TEST_PROXY_DOWN ? self->bytes[1] : 0);
}

void
jb_test_proxy_free (JbTestProxy *self)
{
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_signal_handlers_disconnect_by_data (self->service, self);
  close_all (self);
  /* Cancelled reads and writes finish in the main loop; they only look
   * at their pair, which knows it is closed. */
  g_clear_object (&self->service);
  g_ptr_array_unref (self->pairs);
  g_free (self->up_host);
  g_free (self->url);
  g_free (self);
}
