/* jb-client-private.h — knobs for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-client.h"

G_BEGIN_DECLS

/* How long the stream may stay silent (no frame, no pong) before the
 * client drops it and reconnects; 45 s by default, as the protocol says. */
void _jb_client_set_liveness_timeout (JbClient *self,
                                      guint     timeout_ms);

/* How long CONFIRMED and FAILED commands stay in the pending list; 5 s by
 * default. */
void _jb_client_set_command_linger   (JbClient *self,
                                      guint     linger_ms);

G_END_DECLS
