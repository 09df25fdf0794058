/* jb-roster-panel.h — today's duty roster of every station, live
 *
 * One card per station (the signed-in duty officer's own station first
 * and marked): the leader on duty, the duty officers and their phone
 * numbers, the duty desk. Follows the store's stations model, so a
 * station.updated event (a roster change) shows at once. Large text for a
 * wall screen; arrow keys move between cards, every number is selectable.
 *
 * The window should bind:
 *   win.roster   Ctrl+D   shows this panel (a page beside the map, or a
 *                         window of its own on a wall screen); F9 would
 *                         also do if the window has no sidebar of its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-client.h"
#include "jb-roster-card.h"

G_BEGIN_DECLS

#define JB_TYPE_ROSTER_PANEL (jb_roster_panel_get_type ())

G_DECLARE_FINAL_TYPE (JbRosterPanel, jb_roster_panel, JB, ROSTER_PANEL, GtkWidget)

GtkWidget    *jb_roster_panel_new         (JbClient      *client);

/* The cards in the order shown. */
guint         jb_roster_panel_get_n_cards (JbRosterPanel *self);
JbRosterCard *jb_roster_panel_get_card    (JbRosterPanel *self,
                                           guint          index);

G_END_DECLS
