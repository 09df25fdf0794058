/* jb-clip-calls.h — the people's clip calls that change something: record a
 * snapshot in the clip's audit, push a clip to the wall
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-client.h"

G_BEGIN_DECLS

/* POST /api/v1/clips/{id}/audit {"action": "snapshot", "frame_ms", "reason"?}
 * through the command queue; finish with jb_client_command_finish(). */
void jb_clip_record_snapshot_async (JbClient            *client,
                                    const char          *clip_id,
                                    gint64               frame_ms,
                                    const char          *reason,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);

/* POST /api/v1/clips/{id}/push {"reason"?}: every wall plays it (the server
 * answers 202 and sends wall.pushed). */
void jb_clip_push_async            (JbClient            *client,
                                    const char          *clip_id,
                                    const char          *reason,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);

G_END_DECLS
