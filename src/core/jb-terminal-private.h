/* jb-terminal-private.h — what the store may do to a terminal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-terminal.h"

G_BEGIN_DECLS

/* Replaces every field (validated first: on error @self is unchanged). */
gboolean _jb_terminal_update_from_json (JbTerminal  *self,
                                        JsonNode    *node,
                                        GError     **error);

/* Takes over @fresh's fields (as an update would, with notifications);
 * @fresh is left empty and must only be unreffed. Ids must match. */
void     _jb_terminal_update_from_terminal (JbTerminal *self,
                                            JbTerminal *fresh);

G_END_DECLS
