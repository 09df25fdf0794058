/* jb-close-incident-dialog.h — resolve or close an incident with a
 * disposition and a note
 *
 * Sends jb_command_new_resolve() or jb_command_new_close() through
 * jb_client_queue_command(); shows the command pending until the server
 * answered and its incident.updated event reached the store, then emits
 * ::done and closes. Errors are shown in words: 409 (already resolved or
 * closed by someone else), 403 (another station's incident, or a viewer).
 * An incident that is already resolved can only be closed (its
 * disposition is preselected). A viewer gets the send button disabled and a
 * sentence saying why.
 *
 * Keys: Enter in the note or Ctrl+Enter sends; Escape cancels; Alt+R and
 * Alt+L pick Resolve or Close (mnemonics).
 *
 * The window should bind (both open this dialog for the selected incident,
 * disabled while none is selected or the role is viewer):
 *   win.resolve-incident  Ctrl+R         JB_CLOSE_INCIDENT_MODE_RESOLVE
 *   win.close-incident    Ctrl+Shift+W   JB_CLOSE_INCIDENT_MODE_CLOSE
 * (not plain Ctrl+W: GNOME users press it to close a window by habit, and
 * on the command-room window it would be a surprise).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jb-client.h"

G_BEGIN_DECLS

typedef enum
{
  JB_CLOSE_INCIDENT_MODE_RESOLVE,
  JB_CLOSE_INCIDENT_MODE_CLOSE,
} JbCloseIncidentMode;

#define JB_TYPE_CLOSE_INCIDENT_DIALOG (jb_close_incident_dialog_get_type ())

G_DECLARE_FINAL_TYPE (JbCloseIncidentDialog, jb_close_incident_dialog, JB, CLOSE_INCIDENT_DIALOG, AdwWindow)

/* @incident_id: an incident of the store (an unknown one can still be
 * tried: the server answers). A resolved incident forces CLOSE. */
JbCloseIncidentDialog *jb_close_incident_dialog_new             (JbClient              *client,
                                                                 const char            *incident_id,
                                                                 JbCloseIncidentMode    mode);

const char            *jb_close_incident_dialog_get_incident_id (JbCloseIncidentDialog *self);
void                   jb_close_incident_dialog_set_mode        (JbCloseIncidentDialog *self,
                                                                 JbCloseIncidentMode    mode);
JbCloseIncidentMode    jb_close_incident_dialog_get_mode        (JbCloseIncidentDialog *self);
void                   jb_close_incident_dialog_set_disposition (JbCloseIncidentDialog *self,
                                                                 JbDisposition          disposition);
/* The chosen disposition; -1 while none is (nothing is preselected for
 * an open incident; a resolved one's own is). */
int                    jb_close_incident_dialog_get_disposition (JbCloseIncidentDialog *self);
void                   jb_close_incident_dialog_set_note        (JbCloseIncidentDialog *self,
                                                                 const char            *note);

/* TRUE while the command waits for the server. */
gboolean               jb_close_incident_dialog_get_pending     (JbCloseIncidentDialog *self);
/* The error shown, NULL when none. */
const char            *jb_close_incident_dialog_get_error       (JbCloseIncidentDialog *self);

/* Signals:
 *   ::done (const char *incident_id)  the server did it and its event
 *       reached the store (or did not within 5 s); the dialog closes
 *       right after.
 */

G_END_DECLS
