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

G_END_DECLS
