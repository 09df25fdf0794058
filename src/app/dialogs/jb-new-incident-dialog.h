/* jb-new-incident-dialog.h — a phone or patrol report entered by hand
 *
 * The location comes from a map click (jb_new_incident_dialog_set_location),
 * from typed coordinates ("28.2301, 112.9870", checked as typed), or from a
 * venue or address looked up among the store's terminals' venues. Create
 * queues jb_command_new_create_incident(); the dialog shows the command pending (spinner, form insensitive) until the
 * server answered and its incident.created event reached the store, then
 * emits ::created and closes. An error answer is shown in words in the
 * dialog (a duty officer's 403 explains the jurisdiction rule). Closing the
 * dialog while it waits does not withdraw the report: the queue may have
 * sent it already, and the incident then appears in the queue as usual.
 * A viewer gets the dialog with Create disabled and a sentence saying why.
 *
 * Keys: Enter in a text field or Ctrl+Enter creates; Escape cancels;
 * Alt+1 … Alt+4 set the priority; Ctrl+L goes to the coordinates, Ctrl+F
 * to the venue lookup (Enter there picks the first match).
 *
 * The window should bind:
 *   win.new-incident   Ctrl+N   opens this dialog, modal, transient for the
 *                               window; with the map's last clicked point
 *                               when the action has a "(dd)" parameter, e.g.
 *                               from a map context menu "New incident here".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jb-client.h"

G_BEGIN_DECLS

#define JB_TYPE_NEW_INCIDENT_DIALOG (jb_new_incident_dialog_get_type ())

G_DECLARE_FINAL_TYPE (JbNewIncidentDialog, jb_new_incident_dialog, JB, NEW_INCIDENT_DIALOG, AdwWindow)

JbNewIncidentDialog *jb_new_incident_dialog_new              (JbClient            *client);

/* A point clicked on the map: fills the coordinates. */
void                 jb_new_incident_dialog_set_location     (JbNewIncidentDialog *self,
                                                              double               lat,
                                                              double               lon);
/* FALSE while no valid location is chosen. */
gboolean             jb_new_incident_dialog_get_location     (JbNewIncidentDialog *self,
                                                              double              *lat,
                                                              double              *lon);

/* The form's fields, for callers that know them (and for tests). */
void                 jb_new_incident_dialog_set_coordinates_text (JbNewIncidentDialog *self,
                                                                  const char          *text);
void                 jb_new_incident_dialog_set_incident_type (JbNewIncidentDialog *self,
                                                               JbIncidentType       type);
/* 1 (most urgent) to 4; 2 by default. */
void                 jb_new_incident_dialog_set_priority     (JbNewIncidentDialog *self,
                                                              guint                priority);
void                 jb_new_incident_dialog_set_source       (JbNewIncidentDialog *self,
                                                              JbIncidentSource     source);
void                 jb_new_incident_dialog_set_description  (JbNewIncidentDialog *self,
                                                              const char          *text);

/* Types @text into the venue lookup; returns how many venues match. */
guint                jb_new_incident_dialog_search_place     (JbNewIncidentDialog *self,
                                                              const char          *text);
/* Picks match @index (as listed) as the location; FALSE when out of range. */
gboolean             jb_new_incident_dialog_pick_place       (JbNewIncidentDialog *self,
                                                              guint                index);

/* TRUE while the create command waits for the server. */
gboolean             jb_new_incident_dialog_get_pending      (JbNewIncidentDialog *self);
/* The error shown (a failed command, or a missing or bad location), NULL
 * when none. */
const char          *jb_new_incident_dialog_get_error        (JbNewIncidentDialog *self);

/* Signals:
 *   ::created (const char *incident_id)  the server created it and its
 *       event reached the store (or did not within 5 s: it will come with
 *       the stream); the dialog closes right after.
 */

G_END_DECLS
