/* jb-command-queue.c — FIFO of commands, retries, confirmation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-command-queue"

#include "jb-command-queue.h"

#include <libsoup/soup.h>

#include "jb-command-private.h"
#include "jb-error.h"
#include "jb-json.h"
#include "jb-outbox.h"

#define BACKOFF_MIN_MS          500
#define BACKOFF_MAX_MS          10000
#define COMMAND_MAX_ATTEMPTS    6  /* retries after 0.5, 1, 2, 4, 8 s */
/* How long a CONFIRMED or FAILED command stays in the pending list, so
 * the UI can show "done" or "failed". */
#define COMMAND_LINGER_MS       5000

struct _JbCommandQueue
{
  GObject      parent_instance;

  JbSession   *session;
  JbStore     *store;

  /* GTasks whose task data is their JbCommand, in order. */
  GQueue       commands;
  GListStore  *pending;
  gboolean     command_in_flight;
  guint        command_retry_source;

  /* Confirmation: ACCEPTED commands (owned references) waiting for the
   * store to reach their seq; the health request that learns it. */
  GPtrArray   *awaiting;
  guint64      accept_serial;
  guint64      watermark_serial;
  gboolean     watermark_in_flight;
  guint        watermark_retry_source;
  guint        watermark_failures;
  guint        linger_ms;
  guint        linger_source;

  /* The journal on disk (NULL: commands live in memory only), whether the
   * server answered last time, and the commands given while it did not,
   * kept for the catch-up until dismissed. */
  JbOutbox    *outbox;
  gboolean     unreachable;
  gboolean     awaiting_login;  /* a journaled command met a 401: hold until the next login */
  GListStore  *journal;
};

G_DEFINE_FINAL_TYPE (JbCommandQueue, jb_command_queue, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  UNAUTHORIZED,
  COMMAND_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void process_queue (JbCommandQueue *self);

static void command_sent_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data);

static gboolean
command_retry_cb (gpointer user_data)
{
  JbCommandQueue *self = user_data;

  self->command_retry_source = 0;
  process_queue (self);
  return G_SOURCE_REMOVE;
}

/* The outbox */

static void
journal_write (JbCommandQueue *self,
               JbCommand      *command)
{
  if (self->outbox != NULL)
    jb_outbox_write_async (self->outbox, command, NULL, NULL);
}

static void
mark_offline (JbCommandQueue *self,
              JbCommand      *command)
{
  guint position;

  if (self->outbox == NULL)
    return;
  _jb_command_set_offline (command, TRUE);
  if (!g_list_store_find (self->journal, command, &position))
    g_list_store_append (self->journal, command);
}

/* A command is finished (CONFIRMED or FAILED): one given offline stays on
 * disk for the catch-up until dismissed; any other is forgotten. */
static void
journal_finish (JbCommandQueue *self,
                JbCommand      *command)
{
  if (self->outbox == NULL)
    return;
  if (jb_command_get_offline (command) &&
      !g_error_matches (jb_command_get_error (command), G_IO_ERROR, G_IO_ERROR_CANCELLED))
    journal_write (self, command);
  else
    {
      guint position;

      jb_outbox_remove (self->outbox, jb_command_get_idempotency_key (command));
      if (g_list_store_find (self->journal, command, &position))
        g_list_store_remove (self->journal, position);
    }
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
  JbCommandQueue *self = user_data;
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
schedule_linger (JbCommandQueue *self)
{
  if (self->linger_source == 0)
    self->linger_source = g_timeout_add (self->linger_ms, linger_cb, self);
}

void
jb_command_queue_check_confirmations (JbCommandQueue *self)
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
      journal_finish (self, command);
      schedule_linger (self);
      g_object_unref (command);
    }
}

static void request_watermark (JbCommandQueue *self);

static gboolean
watermark_retry_cb (gpointer user_data)
{
  JbCommandQueue *self = user_data;

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
  g_autoptr(JbCommandQueue) self = g_weak_ref_get (&data->client);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 seq = -1;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (self == NULL)
    return;

  self->watermark_in_flight = FALSE;
  if (bytes != NULL)
    node = jb_session_parse_answer (data->msg, bytes, &error);
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

  jb_command_queue_check_confirmations (self);
  request_watermark (self);
}

static void
request_watermark (JbCommandQueue *self)
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

  if (!(msg = jb_session_new_message (self->session, "GET", "/api/v1/health", NULL, &error)))
    {
      g_warning ("Cannot ask the server's seq: %s", error->message);
      return;
    }

  self->watermark_in_flight = TRUE;
  self->watermark_serial = self->accept_serial;
  data = g_new0 (WatermarkData, 1);
  g_weak_ref_init (&data->client, self);
  data->msg = msg;
  soup_session_send_and_read_async (jb_session_get_soup_session (self->session), msg, G_PRIORITY_DEFAULT, NULL, watermark_cb, data);
}

static void
finish_head_command (JbCommandQueue *self,
                     JsonNode *node,
                     GError   *error)
{
  g_autoptr(GTask) task = g_queue_pop_head (&self->commands);
  JbCommand *command = g_task_get_task_data (task);

  if (error != NULL)
    {
      _jb_command_fail (command, error);
      journal_finish (self, command);
      schedule_linger (self);
    }
  else
    {
      _jb_command_set_accept_serial (command, ++self->accept_serial);
      g_ptr_array_add (self->awaiting, g_object_ref (command));
      _jb_command_accept (command, node);
      /* A new incident's number is on disk with it. */
      if (jb_command_get_offline (command))
        journal_write (self, command);
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
  /* The head task may hold the last reference (its client was let go
   * meanwhile): keep the queue alive until this callback is done. */
  g_autoptr(JbCommandQueue) self = g_object_ref (user_data);
  GError *error = NULL;
  JsonNode *node = jb_session_send_finish (JB_SESSION (object), result, &error);
  GTask *task = g_queue_peek_head (&self->commands);
  JbCommand *command = g_task_get_task_data (task);

  self->command_in_flight = FALSE;
  self->unreachable = g_error_matches (error, JB_ERROR, JB_ERROR_NETWORK);

  /* No answer: the command may or may not have been done. Resending with
   * the same Idempotency-Key is safe either way. A journaled command
   * waits for the server as long as it takes. */
  if (g_error_matches (error, JB_ERROR, JB_ERROR_NETWORK) &&
      (self->outbox != NULL || jb_command_get_attempts (command) < COMMAND_MAX_ATTEMPTS) &&
      !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      guint delay_ms = MIN (250u << MIN (jb_command_get_attempts (command), 6u), BACKOFF_MAX_MS);

      if (!jb_command_get_offline (command))
        {
          mark_offline (self, command);
          journal_write (self, command);
        }
      g_debug ("%s %s: %s; retrying in %u ms", jb_command_get_method (command),
               jb_command_get_path (command), error->message, delay_ms);
      _jb_command_set_error_message (command, error->message);
      _jb_command_set_state (command, JB_COMMAND_STATE_RETRYING);
      g_clear_error (&error);
      self->command_retry_source = g_timeout_add (delay_ms, command_retry_cb, self);
      return;
    }

  /* The session ended (expired, revoked) with the command on its way: a
   * journaled command is not lost with it. It stays first in line, listed
   * as given offline, until the person signs in again
   * (jb_command_queue_resume()), then goes with the same key. */
  if (g_error_matches (error, JB_ERROR, JB_ERROR_UNAUTHORIZED) && self->outbox != NULL &&
      !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      self->awaiting_login = TRUE;
      mark_offline (self, command);
      journal_write (self, command);
      _jb_command_set_error_message (command, error->message);
      _jb_command_set_state (command, JB_COMMAND_STATE_RETRYING);
      g_clear_error (&error);
      g_clear_pointer (&node, json_node_unref);
      g_signal_emit (self, signals[UNAUTHORIZED], 0);
      return;
    }

  if (g_error_matches (error, JB_ERROR, JB_ERROR_UNAUTHORIZED))
    g_signal_emit (self, signals[UNAUTHORIZED], 0);

  finish_head_command (self, node, error);
  process_queue (self);
}

static void
process_queue (JbCommandQueue *self)
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
  /* Nothing goes out before it is on disk. */
  if (self->outbox != NULL && !_jb_command_get_durable (command))
    return;
  /* Journaled commands wait for a login (jb_command_queue_resume()). */
  if (self->outbox != NULL && (!jb_session_is_logged_in (self->session) || self->awaiting_login))
    return;
  if (!jb_session_is_logged_in (self->session))
    {
      finish_head_command (self, NULL, g_error_new_literal (JB_ERROR, JB_ERROR_UNAUTHORIZED,
                                                            "Not logged in."));
      process_queue (self);
      return;
    }

  self->command_in_flight = TRUE;
  _jb_command_add_attempt (command);
  _jb_command_set_state (command, JB_COMMAND_STATE_SENDING);
  jb_session_send_async (self->session, jb_command_get_method (command), jb_command_get_path (command),
                         jb_command_get_body (command), jb_command_get_idempotency_key (command),
                         g_task_get_cancellable (task), command_sent_cb, self);
}

static void
command_state_notified_cb (JbCommand  *command,
                           GParamSpec *pspec,
                           JbCommandQueue *self)
{
  g_signal_emit (self, signals[COMMAND_CHANGED], 0, command);
}


typedef struct
{
  GWeakRef   queue;
  JbCommand *command;
} DurableData;

static void
durable_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  DurableData *data = user_data;
  g_autoptr(JbCommandQueue) self = g_weak_ref_get (&data->queue);
  g_autoptr(GError) error = NULL;

  if (!jb_outbox_write_finish (JB_OUTBOX (object), result, &error))
    g_warning ("%s; sending the command anyway", error->message);
  _jb_command_set_durable (data->command, TRUE);
  g_weak_ref_clear (&data->queue);
  g_object_unref (data->command);
  g_free (data);
  if (self != NULL)
    process_queue (self);
}

static JbCommand *
push_task (JbCommandQueue      *self,
           JbCommand           *command,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, jb_command_queue_push);
  g_task_set_task_data (task, g_object_ref (command), g_object_unref);
  g_signal_connect_object (command, "notify::state", G_CALLBACK (command_state_notified_cb), self, 0);

  g_queue_push_tail (&self->commands, task);
  g_list_store_append (self->pending, command);
  process_queue (self);
  /* Waiting behind another: views must see it pending now, not when it
   * goes out. One that went out at once was told of by SENDING. */
  if (jb_command_get_state (command) == JB_COMMAND_STATE_QUEUED)
    g_signal_emit (self, signals[COMMAND_CHANGED], 0, command);
  return command;
}

JbCommand *
jb_command_queue_push (JbCommandQueue      *self,
                       JbCommand           *command,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_val_if_fail (JB_IS_COMMAND_QUEUE (self), NULL);
  g_return_val_if_fail (JB_IS_COMMAND (command), NULL);
  g_return_val_if_fail (jb_command_get_state (command) == JB_COMMAND_STATE_QUEUED &&
                        jb_command_get_attempts (command) == 0, NULL);

  if (self->outbox != NULL)
    {
      DurableData *data = g_new0 (DurableData, 1);

      g_weak_ref_init (&data->queue, self);
      data->command = g_object_ref (command);
      if (self->unreachable)
        mark_offline (self, command);
      jb_outbox_write_async (self->outbox, command, durable_cb, data);
    }
  return push_task (self, command, cancellable, callback, user_data);
}

void
jb_command_queue_set_outbox (JbCommandQueue *self,
                             JbOutbox       *outbox)
{
  g_return_if_fail (JB_IS_COMMAND_QUEUE (self));
  g_return_if_fail (outbox == NULL || JB_IS_OUTBOX (outbox));

  g_set_object (&self->outbox, outbox);
}

JbOutbox *
jb_command_queue_get_outbox (JbCommandQueue *self)
{
  g_return_val_if_fail (JB_IS_COMMAND_QUEUE (self), NULL);
  return self->outbox;
}

guint
jb_command_queue_restore (JbCommandQueue  *self,
                          GError         **error)
{
  g_autoptr(GPtrArray) commands = NULL;
  guint replayed = 0;

  g_return_val_if_fail (JB_IS_COMMAND_QUEUE (self), 0);
  g_return_val_if_fail (self->outbox != NULL, 0);

  if ((commands = jb_outbox_load (self->outbox, error)) == NULL)
    return 0;
  for (guint i = 0; i < commands->len; i++)
    {
      JbCommand *command = g_ptr_array_index (commands, i);
      JbCommandState state = jb_command_get_state (command);
      guint position;

      if (jb_command_get_offline (command) && !g_list_store_find (self->journal, command, &position))
        g_list_store_append (self->journal, command);
      if (state == JB_COMMAND_STATE_CONFIRMED || state == JB_COMMAND_STATE_FAILED)
        continue;
      /* Sent or not, answered or not: resent with its own key, so the
       * server does it once. */
      _jb_command_set_state (command, JB_COMMAND_STATE_QUEUED);
      push_task (self, command, NULL, NULL, NULL);
      replayed++;
    }
  return replayed;
}

void
jb_command_queue_resume (JbCommandQueue *self)
{
  g_return_if_fail (JB_IS_COMMAND_QUEUE (self));

  self->unreachable = FALSE;
  self->awaiting_login = FALSE;
  if (self->command_retry_source != 0)
    {
      g_clear_handle_id (&self->command_retry_source, g_source_remove);
      process_queue (self);
    }
  else
    process_queue (self);
}

void
jb_command_queue_abandon (JbCommandQueue *self)
{
  GTask *task;

  g_return_if_fail (JB_IS_COMMAND_QUEUE (self));

  /* One on the wire finishes by its callback, which needs its task. */
  if (self->outbox == NULL || self->command_in_flight)
    return;
  g_clear_handle_id (&self->command_retry_source, g_source_remove);
  while ((task = g_queue_pop_head (&self->commands)) != NULL)
    {
      g_autoptr(GTask) owned = task;

      g_task_return_new_error (owned, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "The console was signed out; the command stays in the outbox.");
    }
}

void
jb_command_queue_set_reachable (JbCommandQueue *self,
                                gboolean        reachable)
{
  g_return_if_fail (JB_IS_COMMAND_QUEUE (self));

  if (reachable)
    jb_command_queue_resume (self);
  else
    self->unreachable = TRUE;
}

GListModel *
jb_command_queue_get_journal (JbCommandQueue *self)
{
  g_return_val_if_fail (JB_IS_COMMAND_QUEUE (self), NULL);
  return G_LIST_MODEL (self->journal);
}

gboolean
jb_command_queue_dismiss (JbCommandQueue *self,
                          JbCommand      *command)
{
  guint position;

  g_return_val_if_fail (JB_IS_COMMAND_QUEUE (self), FALSE);
  g_return_val_if_fail (JB_IS_COMMAND (command), FALSE);

  if (jb_command_is_pending (command) || !g_list_store_find (self->journal, command, &position))
    return FALSE;
  g_list_store_remove (self->journal, position);
  if (self->outbox != NULL)
    jb_outbox_remove (self->outbox, jb_command_get_idempotency_key (command));
  return TRUE;
}

JsonNode *
jb_command_queue_push_finish (JbCommandQueue  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (JB_IS_COMMAND_QUEUE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GListModel *
jb_command_queue_get_pending (JbCommandQueue *self)
{
  g_return_val_if_fail (JB_IS_COMMAND_QUEUE (self), NULL);
  return G_LIST_MODEL (self->pending);
}

JbCommand *
jb_command_queue_lookup_pending (JbCommandQueue *self,
                                 const char     *id)
{
  GListModel *pending;

  g_return_val_if_fail (JB_IS_COMMAND_QUEUE (self), NULL);

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

void
jb_command_queue_set_linger (JbCommandQueue *self,
                             guint           linger_ms)
{
  g_return_if_fail (JB_IS_COMMAND_QUEUE (self));

  self->linger_ms = linger_ms;
}

/* GObject */

JbCommandQueue *
jb_command_queue_new (JbSession *session,
                      JbStore   *store)
{
  g_return_val_if_fail (JB_IS_SESSION (session), NULL);
  g_return_val_if_fail (JB_IS_STORE (store), NULL);

  return g_object_new (JB_TYPE_COMMAND_QUEUE, "session", session, "store", store, NULL);
}

static void
jb_command_queue_dispose (GObject *object)
{
  JbCommandQueue *self = (JbCommandQueue *)object;

  g_clear_handle_id (&self->command_retry_source, g_source_remove);
  g_clear_handle_id (&self->watermark_retry_source, g_source_remove);
  g_clear_handle_id (&self->linger_source, g_source_remove);
  if (self->awaiting != NULL)
    g_ptr_array_set_size (self->awaiting, 0);
  /* Queued tasks hold a reference on us, so the queue is empty here. */
  g_warn_if_fail (g_queue_is_empty (&self->commands));
  if (self->pending != NULL)
    g_list_store_remove_all (self->pending);

  G_OBJECT_CLASS (jb_command_queue_parent_class)->dispose (object);
}

static void
jb_command_queue_finalize (GObject *object)
{
  JbCommandQueue *self = (JbCommandQueue *)object;

  g_clear_object (&self->pending);
  g_clear_object (&self->journal);
  g_clear_object (&self->outbox);
  g_clear_pointer (&self->awaiting, g_ptr_array_unref);
  g_clear_object (&self->session);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (jb_command_queue_parent_class)->finalize (object);
}

static void
jb_command_queue_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  JbCommandQueue *self = JB_COMMAND_QUEUE (object);

  switch (prop_id)
    {
    case PROP_SESSION: g_value_set_object (value, self->session); break;
    case PROP_STORE: g_value_set_object (value, self->store); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_command_queue_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  JbCommandQueue *self = JB_COMMAND_QUEUE (object);

  switch (prop_id)
    {
    case PROP_SESSION: self->session = g_value_dup_object (value); break;
    case PROP_STORE: self->store = g_value_dup_object (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_command_queue_class_init (JbCommandQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = jb_command_queue_dispose;
  object_class->finalize = jb_command_queue_finalize;
  object_class->get_property = jb_command_queue_get_property;
  object_class->set_property = jb_command_queue_set_property;

  properties[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL, JB_TYPE_SESSION, co);
  properties[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, JB_TYPE_STORE, co);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * JbCommandQueue::unauthorized:
   *
   * The server refused the token while answering a command.
   */
  signals[UNAUTHORIZED] =
    g_signal_new ("unauthorized", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * JbCommandQueue::command-changed:
   * @command: the JbCommand
   *
   * A command changed state (sent, accepted, confirmed, failed …), or
   * joined the queue and has to wait (QUEUED): the one signal views
   * follow to mark incidents and units as pending.
   */
  signals[COMMAND_CHANGED] =
    g_signal_new ("command-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, JB_TYPE_COMMAND);
}

static void
jb_command_queue_init (JbCommandQueue *self)
{
  self->pending = g_list_store_new (JB_TYPE_COMMAND);
  self->journal = g_list_store_new (JB_TYPE_COMMAND);
  self->awaiting = g_ptr_array_new_with_free_func (g_object_unref);
  self->linger_ms = COMMAND_LINGER_MS;
  g_queue_init (&self->commands);
}
