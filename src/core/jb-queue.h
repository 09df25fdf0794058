/* jb-queue.h — the incident queue's order, search and scope, without a
 * display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-incident.h"

G_BEGIN_DECLS

/* The queue's order: open incidents (not resolved, not closed) before
 * the others, then by priority (1 first), then the longest waiting first,
 * then by id. A GCompareDataFunc-shaped total order. */
int      jb_queue_compare     (JbIncident         *a,
                               JbIncident         *b);
/* Whether @incident belongs to the queue of someone scoped to
 * @station_ids (NULL-terminated; NULL or empty: every station). */
gboolean jb_queue_in_scope    (JbIncident         *incident,
                               const char * const *station_ids);
/* Whether @text (any case; NULL or empty matches) is found in the
 * incident's number, venue, address, description or @type_label (the
 * type's name as the person reads it). */
gboolean jb_queue_matches     (JbIncident         *incident,
                               const char         *text,
                               const char         *type_label);

G_END_DECLS
