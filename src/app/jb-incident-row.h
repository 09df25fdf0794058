/* jb-incident-row.h — one open incident in the queue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-incident.h"

G_BEGIN_DECLS

#define JB_TYPE_INCIDENT_ROW (jb_incident_row_get_type ())

G_DECLARE_FINAL_TYPE (JbIncidentRow, jb_incident_row, JB, INCIDENT_ROW, GtkWidget)

GtkWidget  *jb_incident_row_new          (void);
JbIncident *jb_incident_row_get_incident (JbIncidentRow *self);
void        jb_incident_row_set_incident (JbIncidentRow *self,
                                          JbIncident    *incident);

G_END_DECLS
