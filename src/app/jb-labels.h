/* jb-labels.h — words for the protocol's enumerations, as people read them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-enums.h"
#include "jb-stream.h"

G_BEGIN_DECLS

const char *jb_unit_kind_get_label        (JbUnitKind       kind);
const char *jb_unit_status_get_label      (JbUnitStatus     status);
const char *jb_terminal_kind_get_label    (JbTerminalKind   kind);
const char *jb_venue_kind_get_label       (JbVenueKind      kind);
const char *jb_incident_type_get_label    (JbIncidentType   type);
const char *jb_incident_status_get_label  (JbIncidentStatus status);
const char *jb_incident_source_get_label  (JbIncidentSource source);
const char *jb_assignment_state_get_label (JbAssignmentState state);
const char *jb_role_get_label             (JbRole           role);
const char *jb_procedure_step_get_label   (JbProcedureStep  step);
const char *jb_disposition_get_label      (JbDisposition    disposition);
/* The connection's short, loud word (LIVE, RECONNECTING …). */
const char *jb_connection_state_get_label (JbConnectionState state);
/* The badge of the console's header and the wall's corner: @label gets
 * the word, @box the state's style class (live, reconnecting, offline).
 * Returns the word. */
const char *jb_connection_badge_update    (GtkWidget        *box,
                                           GtkLabel         *label,
                                           JbConnectionState state,
                                           gboolean          moving);

/* "2:05" (minutes:seconds) for a duration in ms; negative is clamped to 0. */
char       *jb_format_duration            (gint64           ms);
/* A failed command's error as a sentence for the person at the console:
 * a 403 explains the station rule (or the read-only role), a 409 says
 * someone else changed it first, a network failure says so; otherwise the
 * server's own message. */
char       *jb_describe_command_error     (const GError    *error,
                                           gboolean         viewer);

/* "12 s", "4 min", "2 h 5 min": how long ago @then_ms was at @now_ms. */
char       *jb_format_age                 (gint64           then_ms,
                                           gint64           now_ms);
/* "14:05:09" in local time, or "—" for 0. */
char       *jb_format_time                (gint64           ms);
/* The size @widget's text is drawn at, in px, from its pango context. */
double      jb_widget_get_font_px         (GtkWidget       *widget);

G_END_DECLS
