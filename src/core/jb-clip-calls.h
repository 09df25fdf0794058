/* jb-clip-calls.h — the people's clip calls that change something, as
 * commands for the client's queue: record a saved frame in the clip's
 * audit, push a clip to the wall
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-command.h"

G_BEGIN_DECLS

/* POST /api/v1/clips/{id}/audit {"action": "snapshot", "frame_ms",
 * "reason"?}. Queue with jb_client_queue_command(). */
JbCommand *jb_command_new_clip_snapshot (const char *clip_id,
                                         gint64      frame_ms,
                                         const char *reason);

/* POST /api/v1/clips/{id}/push {"reason"?}: every wall plays it (the
 * server answers 202 and sends wall.pushed). */
JbCommand *jb_command_new_clip_push     (const char *clip_id,
                                         const char *reason);

G_END_DECLS
