/* jb-roster-card.h — one station's duty roster, large enough for a wall
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-station.h"

G_BEGIN_DECLS

#define JB_TYPE_ROSTER_CARD (jb_roster_card_get_type ())

G_DECLARE_FINAL_TYPE (JbRosterCard, jb_roster_card, JB, ROSTER_CARD, GtkWidget)

GtkWidget  *jb_roster_card_new             (void);
/* Shows @station's roster now (call again when it changed); @own marks
 * the signed-in duty officer's station. */
void        jb_roster_card_set_station     (JbRosterCard *self,
                                            JbStation    *station,
                                            gboolean      own);
const char *jb_roster_card_get_station_id  (JbRosterCard *self);
/* The leader's name as shown ("—" when the roster names none). */
const char *jb_roster_card_get_leader_text (JbRosterCard *self);
/* The roster's date ("2026-11-23"), NULL when none. */
const char *jb_roster_card_get_date        (JbRosterCard *self);

G_END_DECLS
