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

G_END_DECLS
