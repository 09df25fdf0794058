/* jb-wall-queue.h — the wall's open-incident queue with live 1-3-5 clocks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-client.h"

G_BEGIN_DECLS

#define JB_TYPE_WALL_QUEUE (jb_wall_queue_get_type ())

G_DECLARE_FINAL_TYPE (JbWallQueue, jb_wall_queue, JB, WALL_QUEUE, GtkWidget)

GtkWidget  *jb_wall_queue_new          (JbClient    *client);
/* The open incidents, most urgent first (the heading counts them all). */
GListModel *jb_wall_queue_get_model    (JbWallQueue *self);
const char *jb_wall_queue_get_heading  (JbWallQueue *self);
/* How many of them the list is given: as many as fit, and a few more. */
guint       jb_wall_queue_get_max_rows (JbWallQueue *self);

G_END_DECLS
