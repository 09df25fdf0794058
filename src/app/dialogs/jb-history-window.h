/* jb-history-window.h — closed (and all) incidents, searchable
 *
 * jb_client_search_incidents_async() (closed or all, text, days), as the
 * person types (300 ms after the last
 * key; Enter searches at once and moves to the results). Results in a
 * column view (number, type, priority, venue/address, created, closed,
 * disposition); the selected incident's record (timeline, units, guard
 * procedure, notes) on the right, read-only. "No results" and errors are
 * status pages. Read-only: safe for every role.
 *
 * Keys: Ctrl+F search; Enter in a field searches now and moves to the
 * list; arrows move through the list; F5 searches again; Escape or
 * Ctrl+W closes.
 *
 * The window should bind:
 *   win.history   Ctrl+H   presents the one history window (create it on
 *                          first use, transient for nothing: it is a
 *                          window of its own that a second screen can hold).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jb-client.h"

G_BEGIN_DECLS

#define JB_TYPE_HISTORY_WINDOW (jb_history_window_get_type ())

G_DECLARE_FINAL_TYPE (JbHistoryWindow, jb_history_window, JB, HISTORY_WINDOW, AdwWindow)

JbHistoryWindow *jb_history_window_new            (JbClient        *client);

/* Fills the search field (the search follows after the debounce). */
void             jb_history_window_set_query      (JbHistoryWindow *self,
                                                   const char      *text);
/* TRUE: every incident; FALSE (the default): closed ones only. */
void             jb_history_window_set_show_all   (JbHistoryWindow *self,
                                                   gboolean         show_all);
/* JB_INCIDENT_TYPE_N for any type. */
void             jb_history_window_set_incident_type (JbHistoryWindow *self,
                                                      JbIncidentType   type);
/* "YYYY-MM-DD" (local days, inclusive) or NULL/"" for open-ended. */
void             jb_history_window_set_dates      (JbHistoryWindow *self,
                                                   const char      *from,
                                                   const char      *to);
/* Searches now (skipping the debounce). */
void             jb_history_window_refresh        (JbHistoryWindow *self);

/* The results shown: a GListModel of JbIncident (borrowed). */
GListModel      *jb_history_window_get_results    (JbHistoryWindow *self);
/* TRUE while a search is under way or waiting for its debounce. */
gboolean         jb_history_window_is_busy        (JbHistoryWindow *self);
/* The error shown (NULL when none). */
const char      *jb_history_window_get_error      (JbHistoryWindow *self);
void             jb_history_window_select         (JbHistoryWindow *self,
                                                   guint            position);
/* The selected incident (borrowed), or NULL. */
JbIncident      *jb_history_window_get_selected   (JbHistoryWindow *self);

G_END_DECLS
