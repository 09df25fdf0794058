/* jb-draft-list.h — new incidents the server has not numbered yet, as
 * incidents the queue can show
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jb-command-queue.h"
#include "jb-incident.h"
#include "jb-store.h"

G_BEGIN_DECLS

#define JB_TYPE_DRAFT_LIST (jb_draft_list_get_type ())

G_DECLARE_FINAL_TYPE (JbDraftList, jb_draft_list, JB, DRAFT_LIST, GObject)

/* A GListModel of JbIncident: one local draft per new-incident command of
 * @queue that is still pending (queued, sending, retrying, or accepted but
 * not yet in @store), in the order given. Each leaves the list in the same
 * main-loop turn as its real incident enters @store (never both shown), or
 * when refused. Drafts come back after a restart with the outbox's
 * commands. */
JbDraftList *jb_draft_list_new            (JbCommandQueue *queue,
                                           JbStore        *store);

/* Whether @incident is one of these drafts (its id is local, it has no
 * number, no command can name it). */
gboolean     jb_draft_list_is_draft       (JbIncident     *incident);
/* The command behind a draft (borrowed), NULL for any other incident. */
JbCommand   *jb_draft_list_get_command    (JbIncident     *incident);

G_END_DECLS
