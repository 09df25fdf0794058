/* jb-command-queue.h — the commands a client sends, one at a time, each
 * followed until the store shows its result
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jb-command.h"
#include "jb-outbox.h"
#include "jb-session.h"
#include "jb-store.h"

G_BEGIN_DECLS

#define JB_TYPE_COMMAND_QUEUE (jb_command_queue_get_type ())

G_DECLARE_FINAL_TYPE (JbCommandQueue, jb_command_queue, JB, COMMAND_QUEUE, GObject)

JbCommandQueue *jb_command_queue_new                 (JbSession           *session,
                                                      JbStore             *store);

/* Queues @command (a reference is taken) and returns it, borrowed.
 * Commands go one at a time in FIFO order, each with its own
 * Idempotency-Key; network failures are retried with the same key.
 * Non-2xx → a JB_ERROR with the server's code and message. The result is
 * the answer's JSON (NULL for an empty body, e.g. 204) and comes at the
 * 2xx (the command is then ACCEPTED). The store changes by the resulting
 * event, never by this answer: the command becomes CONFIRMED when the
 * store has applied the server's events up to the server's seq at the
 * time of the answer (asked with GET /api/v1/health), which needs someone
 * to feed the store and call jb_command_queue_check_confirmations(). */
JbCommand      *jb_command_queue_push                (JbCommandQueue      *self,
                                                      JbCommand           *command,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
JsonNode       *jb_command_queue_push_finish         (JbCommandQueue      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* GListModel of JbCommand: queued, in flight or ACCEPTED, and CONFIRMED or
 * FAILED ones for a while more (5 s; so the UI can show "done" or
 * "failed"). */
GListModel     *jb_command_queue_get_pending         (JbCommandQueue      *self);
/* The newest still-pending command (not CONFIRMED nor FAILED) whose target
 * or unit is @id (an incident or unit id), NULL when none; borrowed. */
JbCommand      *jb_command_queue_lookup_pending      (JbCommandQueue      *self,
                                                      const char          *id);

/* The store has applied more events (or a snapshot): confirms the
 * ACCEPTED commands it now shows. */
void            jb_command_queue_check_confirmations (JbCommandQueue      *self);

/* How long CONFIRMED and FAILED commands stay in the pending list. */
void            jb_command_queue_set_linger          (JbCommandQueue      *self,
                                                      guint                linger_ms);

/* The durable outbox (docs/dispatch.md, "The outbox"). With one, every
 * command is written to it before it is sent, waits for the server as
 * long as it takes (same key on every try), and one given while the
 * server was out of reach stays in the journal list until dismissed. */
void            jb_command_queue_set_outbox          (JbCommandQueue      *self,
                                                      JbOutbox            *outbox);
JbOutbox       *jb_command_queue_get_outbox          (JbCommandQueue      *self);
/* Queues again what the outbox holds unfinished (after a restart) and
 * lists its finished offline commands; returns how many were queued. */
guint           jb_command_queue_restore             (JbCommandQueue      *self,
                                                      GError             **error);
/* The server is back (or a login happened): send now, not at the next
 * retry. */
void            jb_command_queue_resume              (JbCommandQueue      *self);
/* The console signs out: the journaled commands still waiting let go of
 * their tasks (CANCELLED) but stay in the outbox, unchanged, for the next
 * login (of this client or a new one). Nothing when there is no outbox or
 * a command is on the wire. */
void            jb_command_queue_abandon             (JbCommandQueue      *self);
/* What the event stream knows: a command given while FALSE is offline. */
void            jb_command_queue_set_reachable       (JbCommandQueue      *self,
                                                      gboolean             reachable);
/* GListModel of JbCommand: those given offline, finished or not, in the
 * order given, until dismissed (the catch-up). */
GListModel     *jb_command_queue_get_journal         (JbCommandQueue      *self);
/* Drops a finished command from the journal list and the disk; FALSE when
 * it is still pending or not listed. */
gboolean        jb_command_queue_dismiss             (JbCommandQueue      *self,
                                                      JbCommand           *command);

G_END_DECLS
