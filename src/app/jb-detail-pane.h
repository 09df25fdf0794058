/* jb-detail-pane.h — everything known about the selected unit, terminal
 * or incident (read-only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-store.h"

G_BEGIN_DECLS

#define JB_TYPE_DETAIL_PANE (jb_detail_pane_get_type ())

G_DECLARE_FINAL_TYPE (JbDetailPane, jb_detail_pane, JB, DETAIL_PANE, GtkWidget)

GtkWidget *jb_detail_pane_new       (void);
void       jb_detail_pane_set_store (JbDetailPane *self,
                                     JbStore      *store);
/* A JbUnit, JbTerminal or JbIncident; NULL shows a hint. */
void       jb_detail_pane_set_item  (JbDetailPane *self,
                                     GObject      *item);
GObject   *jb_detail_pane_get_item  (JbDetailPane *self);
/* The title shown (for tests). */
const char *jb_detail_pane_get_title (JbDetailPane *self);

G_END_DECLS
