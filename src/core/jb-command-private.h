/* jb-command-private.h — what the client's queue does to a command
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-command.h"

G_BEGIN_DECLS

void _jb_command_set_state         (JbCommand      *self,
                                    JbCommandState  state);
void _jb_command_add_attempt       (JbCommand      *self);
void _jb_command_set_error_message (JbCommand      *self,
                                    const char     *message);
/* FAILED with @error (copied). */
void _jb_command_fail              (JbCommand      *self,
                                    const GError   *error);
/* ACCEPTED with the answer (may be NULL; a reference is taken). */
void _jb_command_accept            (JbCommand      *self,
                                    JsonNode       *answer);
void _jb_command_confirm           (JbCommand      *self);

/* The client's bookkeeping for confirmation: the serial of its
 * acceptance, and the server seq the store must reach (-1: not known). */
guint64 _jb_command_get_accept_serial (JbCommand   *self);
void    _jb_command_set_accept_serial (JbCommand   *self,
                                       guint64      serial);
gint64  _jb_command_get_confirm_seq   (JbCommand   *self);
void    _jb_command_set_confirm_seq   (JbCommand   *self,
                                       gint64       seq);

void     _jb_command_set_offline (JbCommand *self,
                                  gboolean   offline);
/* Written to the outbox's journal (safe to send). */
gboolean _jb_command_get_durable (JbCommand *self);
void     _jb_command_set_durable (JbCommand *self,
                                  gboolean   durable);
/* A command read back from the outbox: its own key and time; @outcome is
 * the refusal's words (FAILED) and @result_id a new incident's id. */
JbCommand *_jb_command_restore   (const char     *method,
                                  const char     *path,
                                  JsonNode       *body,
                                  const char     *idempotency_key,
                                  gint64          issued_at,
                                  gboolean        offline,
                                  JbCommandState  state,
                                  const char     *outcome,
                                  const char     *result_id);

G_END_DECLS
