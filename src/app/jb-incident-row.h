/* jb-incident-row.h — one open incident in the queue
 *
 * Priority, type, place, age and status; the three 1-3-5 targets (guard,
 * police, reinforcement) live, each coloured by its state; the whole row
 * red while a target is overdue; and a marker while a command about the
 * incident is not yet confirmed by the server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-client.h"
#include "jb-incident.h"

G_BEGIN_DECLS

#define JB_TYPE_INCIDENT_ROW (jb_incident_row_get_type ())

G_DECLARE_FINAL_TYPE (JbIncidentRow, jb_incident_row, JB, INCIDENT_ROW, GtkWidget)

GtkWidget  *jb_incident_row_new          (void);
JbIncident *jb_incident_row_get_incident (JbIncidentRow *self);
void        jb_incident_row_set_incident (JbIncidentRow *self,
                                          JbIncident    *incident);

/* The client whose store gives the 1-3-5 limits and whose command queue
 * the pending marker watches. When none is set, the row takes its root's
 * "client" property (JbWindow has one) once it is in a window. */
void        jb_incident_row_set_client   (JbIncidentRow *self,
                                          JbClient      *client);
JbClient   *jb_incident_row_get_client   (JbIncidentRow *self);

/* What the row shows now, for tests. */
gboolean    jb_incident_row_is_overdue   (JbIncidentRow *self);
gboolean    jb_incident_row_is_pending   (JbIncidentRow *self);
/* The target chips' text ("Sec ✓0:42  Pol 2:10  Rnf +0:35"), newly
 * allocated; NULL while no targets are shown. */
char       *jb_incident_row_get_targets_text (JbIncidentRow *self);

G_END_DECLS
