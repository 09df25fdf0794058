/* jb-recommend-list.h — the nearest available units for the selected
 * incident, numbered 1–9, each row showing its assign command pending
 *
 * Activating a row (Enter, click) activates "win.assign-unit" with the
 * unit's id; the window binds the number keys to "win.assign-number".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-client.h"

G_BEGIN_DECLS

#define JB_TYPE_RECOMMEND_LIST (jb_recommend_list_get_type ())

G_DECLARE_FINAL_TYPE (JbRecommendList, jb_recommend_list, JB, RECOMMEND_LIST, GtkWidget)

GtkWidget *jb_recommend_list_new                 (void);
void       jb_recommend_list_set_client          (JbRecommendList *self,
                                                  JbClient        *client);
/* NULL clears the list. */
void       jb_recommend_list_set_incident        (JbRecommendList *self,
                                                  JbIncident      *incident);
/* TRUE: only the signed-in duty officer's own station's units (the
 * default for a duty officer); FALSE: every station's. No effect for
 * other roles. */
void       jb_recommend_list_set_own_station_only (JbRecommendList *self,
                                                   gboolean         own_only);
/* Ranks again now. */
void       jb_recommend_list_refresh             (JbRecommendList *self);
guint      jb_recommend_list_get_n_items         (JbRecommendList *self);
/* Row @index's unit (0-based), borrowed; NULL out of range. */
JbUnit    *jb_recommend_list_get_unit            (JbRecommendList *self,
                                                  guint            index);

G_END_DECLS
