/* jb-tile-fetcher.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-tile-fetcher"

#include "jb-tile-fetcher.h"

#include <libsoup/soup.h>

#include "jb-session.h"
#include "jb-error.h"
#include "jb-json.h"

struct _JbTileFetcher
{
  GObject      parent_instance;

  GWeakRef     client;
  SoupSession *session;
};

G_DEFINE_FINAL_TYPE (JbTileFetcher, jb_tile_fetcher, G_TYPE_OBJECT)

typedef struct
{
  SoupMessage  *msg;
  JbTileResult  result;
  GBytes       *bytes;
  char         *etag;
} Fetch;

static void
fetch_free (gpointer data)
{
  Fetch *fetch = data;

  g_clear_object (&fetch->msg);
  g_clear_pointer (&fetch->bytes, g_bytes_unref);
  g_free (fetch->etag);
  g_free (fetch);
}

static void
jb_tile_fetcher_dispose (GObject *object)
{
  JbTileFetcher *self = JB_TILE_FETCHER (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (jb_tile_fetcher_parent_class)->dispose (object);
}

static void
jb_tile_fetcher_finalize (GObject *object)
{
  JbTileFetcher *self = JB_TILE_FETCHER (object);

  g_weak_ref_clear (&self->client);

  G_OBJECT_CLASS (jb_tile_fetcher_parent_class)->finalize (object);
}

static void
jb_tile_fetcher_class_init (JbTileFetcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jb_tile_fetcher_dispose;
  object_class->finalize = jb_tile_fetcher_finalize;
}

static void
jb_tile_fetcher_init (JbTileFetcher *self)
{
  g_weak_ref_init (&self->client, NULL);
  /* A screenful is a few dozen tiles: several at once, each small. */
  self->session = soup_session_new_with_options ("max-conns-per-host", 6,
                                                 "timeout", 30,
                                                 "user-agent", "jingbao/" PACKAGE_VERSION,
                                                 NULL);
}

JbTileFetcher *
jb_tile_fetcher_new (JbClient *client)
{
  JbTileFetcher *self;

  g_return_val_if_fail (JB_IS_CLIENT (client), NULL);

  self = g_object_new (JB_TYPE_TILE_FETCHER, NULL);
  g_weak_ref_set (&self->client, client);
  return self;
}

/* A non-2xx answer carries the protocol's error body. */
static GError *
answer_error (SoupMessage *msg,
              GBytes      *bytes)
{
  guint status = soup_message_get_status (msg);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *error_object = NULL;
  const char *code = NULL, *message = NULL;
  JbErrorCode value = JB_ERROR_PROTOCOL;

  if (status == SOUP_STATUS_UNAUTHORIZED)
    return g_error_new (JB_ERROR, JB_ERROR_UNAUTHORIZED, "The server refused the session for map tiles.");
  if (bytes != NULL && g_bytes_get_size (bytes) > 0)
    root = jb_json_parse_object (g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), NULL);
  if (root != NULL &&
      jb_json_get_object (json_node_get_object (root), "error", TRUE, &error_object, NULL) &&
      jb_json_get_string (error_object, "code", TRUE, &code, NULL) &&
      jb_json_get_string (error_object, "message", TRUE, &message, NULL) &&
      jb_error_code_from_string (code, &value))
    return g_error_new_literal (JB_ERROR, value, message);
  return g_error_new (JB_ERROR, JB_ERROR_PROTOCOL, "Map tile: HTTP %u.", status);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  guint status;

  if (bytes == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, JB_ERROR, JB_ERROR_NETWORK, "No map tile: %s", error->message);
      return;
    }

  status = soup_message_get_status (fetch->msg);
  switch (status)
    {
    case SOUP_STATUS_OK:
      fetch->result = JB_TILE_FETCHED;
      fetch->bytes = g_steal_pointer (&bytes);
      fetch->etag = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (fetch->msg), "ETag"));
      break;
    case SOUP_STATUS_NO_CONTENT:
      fetch->result = JB_TILE_EMPTY;
      break;
    case SOUP_STATUS_NOT_MODIFIED:
      fetch->result = JB_TILE_NOT_MODIFIED;
      break;
    default:
      g_task_return_error (task, answer_error (fetch->msg, bytes));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
jb_tile_fetcher_fetch_async (JbTileFetcher       *self,
                             guint                z,
                             guint                x,
                             guint                y,
                             const char          *etag,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JbClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  SoupMessageHeaders *headers;
  Fetch *fetch;

  g_return_if_fail (JB_IS_TILE_FETCHER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jb_tile_fetcher_fetch_async);
  client = g_weak_ref_get (&self->client);
  if (client == NULL || !jb_session_is_logged_in (jb_client_get_session (client)))
    {
      g_task_return_new_error (task, JB_ERROR, JB_ERROR_UNAUTHORIZED, "Not signed in: no map tiles.");
      return;
    }

  path = g_strdup_printf ("/api/v1/tiles/%u/%u/%u", z, x, y);
  fetch = g_new0 (Fetch, 1);
  g_task_set_task_data (task, fetch, fetch_free);
  fetch->msg = jb_session_new_message (jb_client_get_session (client), "GET", path, NULL, &error);
  if (fetch->msg == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  headers = soup_message_get_request_headers (fetch->msg);
  soup_message_headers_replace (headers, "Accept", "image/*");
  if (etag != NULL)
    soup_message_headers_replace (headers, "If-None-Match", etag);
  /* Not below the default: while the map animates and events stream in,
   * a lower priority never runs. */
  soup_session_send_and_read_async (self->session, fetch->msg, G_PRIORITY_DEFAULT, cancellable,
                                    sent_cb, g_steal_pointer (&task));
}

gboolean
jb_tile_fetcher_fetch_finish (JbTileFetcher  *self,
                              GAsyncResult   *result,
                              JbTileResult   *out_result,
                              GBytes        **out_bytes,
                              char          **out_etag,
                              GError        **error)
{
  Fetch *fetch;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  fetch = g_task_get_task_data (G_TASK (result));
  if (out_result != NULL)
    *out_result = fetch->result;
  if (out_bytes != NULL)
    *out_bytes = fetch->bytes != NULL ? g_bytes_ref (fetch->bytes) : NULL;
  if (out_etag != NULL)
    *out_etag = g_strdup (fetch->etag);
  return TRUE;
}
