/* jb-labels.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-labels"

#include <glib/gi18n.h>

#include "jb-error.h"
#include "jb-labels.h"

const char *
jb_unit_kind_get_label (JbUnitKind kind)
{
  switch (kind)
    {
    case JB_UNIT_KIND_OFFICER:    return _("Officer");
    case JB_UNIT_KIND_PATROL_CAR: return _("Patrol car");
    case JB_UNIT_KIND_GUARD:      return _("Security guard");
    case JB_UNIT_KIND_VOLUNTEER:  return _("Volunteer");
    case JB_UNIT_KIND_N:
    default:                      return _("Unit");
    }
}

const char *
jb_unit_status_get_label (JbUnitStatus status)
{
  switch (status)
    {
    case JB_UNIT_STATUS_AVAILABLE: return _("Available");
    case JB_UNIT_STATUS_ASSIGNED:  return _("Assigned");
    case JB_UNIT_STATUS_EN_ROUTE:  return _("En route");
    case JB_UNIT_STATUS_ON_SCENE:  return _("On scene");
    case JB_UNIT_STATUS_BUSY:      return _("Busy");
    case JB_UNIT_STATUS_OFF_DUTY:  return _("Off duty");
    case JB_UNIT_STATUS_N:
    default:                       return _("Unknown");
    }
}

const char *
jb_terminal_kind_get_label (JbTerminalKind kind)
{
  switch (kind)
    {
    case JB_TERMINAL_KIND_ALARM_BUTTON:   return _("Alarm button");
    case JB_TERMINAL_KIND_BODY_CAMERA:    return _("Body camera");
    case JB_TERMINAL_KIND_SENSOR:         return _("Sensor");
    case JB_TERMINAL_KIND_POLICE_HANDSET: return _("Police handset");
    case JB_TERMINAL_KIND_N:
    default:                              return _("Terminal");
    }
}

const char *
jb_venue_kind_get_label (JbVenueKind kind)
{
  switch (kind)
    {
    case JB_VENUE_KIND_KTV:        return _("KTV");
    case JB_VENUE_KIND_MALL:       return _("Shopping mall");
    case JB_VENUE_KIND_SCHOOL:     return _("School");
    case JB_VENUE_KIND_HOSPITAL:   return _("Hospital");
    case JB_VENUE_KIND_BANK:       return _("Bank");
    case JB_VENUE_KIND_ESTATE:     return _("Residential estate");
    case JB_VENUE_KIND_MARKET:     return _("Market");
    case JB_VENUE_KIND_HOTEL:      return _("Hotel");
    case JB_VENUE_KIND_RESTAURANT: return _("Restaurant");
    case JB_VENUE_KIND_OFFICE:     return _("Office building");
    case JB_VENUE_KIND_STATION:    return _("Transport station");
    case JB_VENUE_KIND_OTHER:
    case JB_VENUE_KIND_N:
    default:                       return _("Other venue");
    }
}

const char *
jb_incident_type_get_label (JbIncidentType type)
{
  switch (type)
    {
    case JB_INCIDENT_TYPE_FIGHT:      return _("Fight");
    case JB_INCIDENT_TYPE_DISPUTE:    return _("Dispute");
    case JB_INCIDENT_TYPE_THEFT:      return _("Theft");
    case JB_INCIDENT_TYPE_ROBBERY:    return _("Robbery");
    case JB_INCIDENT_TYPE_HARASSMENT: return _("Harassment");
    case JB_INCIDENT_TYPE_SUSPICIOUS: return _("Suspicious activity");
    case JB_INCIDENT_TYPE_FIRE:       return _("Fire");
    case JB_INCIDENT_TYPE_MEDICAL:    return _("Medical emergency");
    case JB_INCIDENT_TYPE_TRAFFIC:    return _("Traffic");
    case JB_INCIDENT_TYPE_ALARM:      return _("One-click alarm");
    case JB_INCIDENT_TYPE_OTHER:
    case JB_INCIDENT_TYPE_N:
    default:                          return _("Other");
    }
}

const char *
jb_incident_status_get_label (JbIncidentStatus status)
{
  switch (status)
    {
    case JB_INCIDENT_STATUS_NEW:          return _("New");
    case JB_INCIDENT_STATUS_ACKNOWLEDGED: return _("Acknowledged");
    case JB_INCIDENT_STATUS_DISPATCHED:   return _("Dispatched");
    case JB_INCIDENT_STATUS_ON_SCENE:     return _("On scene");
    case JB_INCIDENT_STATUS_RESOLVED:     return _("Resolved");
    case JB_INCIDENT_STATUS_CLOSED:       return _("Closed");
    case JB_INCIDENT_STATUS_N:
    default:                              return _("Unknown");
    }
}

const char *
jb_incident_source_get_label (JbIncidentSource source)
{
  switch (source)
    {
    case JB_INCIDENT_SOURCE_TERMINAL: return _("Terminal");
    case JB_INCIDENT_SOURCE_PHONE:    return _("Phone call");
    case JB_INCIDENT_SOURCE_PATROL:   return _("Patrol");
    case JB_INCIDENT_SOURCE_N:
    default:                          return _("Unknown");
    }
}

const char *
jb_assignment_state_get_label (JbAssignmentState state)
{
  switch (state)
    {
    case JB_ASSIGNMENT_STATE_ASSIGNED: return _("Assigned");
    case JB_ASSIGNMENT_STATE_ACCEPTED: return _("Accepted");
    case JB_ASSIGNMENT_STATE_EN_ROUTE: return _("En route");
    case JB_ASSIGNMENT_STATE_ON_SCENE: return _("On scene");
    case JB_ASSIGNMENT_STATE_RELEASED: return _("Released");
    case JB_ASSIGNMENT_STATE_DECLINED: return _("Declined");
    case JB_ASSIGNMENT_STATE_N:
    default:                           return _("Unknown");
    }
}

const char *
jb_role_get_label (JbRole role)
{
  switch (role)
    {
    case JB_ROLE_DISPATCHER:   return _("Dispatcher");
    case JB_ROLE_DUTY_OFFICER: return _("Duty officer");
    case JB_ROLE_VIEWER:       return _("Viewer");
    case JB_ROLE_N:
    default:                   return _("Unknown role");
    }
}

char *
jb_format_age (gint64 then_ms,
               gint64 now_ms)
{
  gint64 s;

  if (then_ms <= 0)
    return g_strdup ("—");

  s = MAX (0, (now_ms - then_ms) / 1000);
  if (s < 60)
    /* Translators: an age in seconds, e.g. "12 s" */
    return g_strdup_printf (_("%d s"), (int) s);
  if (s < 3600)
    /* Translators: an age in minutes, e.g. "4 min" */
    return g_strdup_printf (_("%d min"), (int) (s / 60));
  /* Translators: an age in hours and minutes, e.g. "2 h 5 min" */
  return g_strdup_printf (_("%d h %d min"), (int) (s / 3600), (int) (s % 3600 / 60));
}

char *
jb_format_time (gint64 ms)
{
  g_autoptr(GDateTime) dt = NULL;

  if (ms <= 0)
    return g_strdup ("—");

  dt = g_date_time_new_from_unix_local (ms / 1000);
  return g_date_time_format (dt, "%H:%M:%S");
}

const char *
jb_procedure_step_get_label (JbProcedureStep step)
{
  switch (step)
    {
    /* Translators: the guard procedure: separate the parties */
    case JB_PROCEDURE_STEP_SEPARATE:        return _("Separate");
    /* Translators: the guard procedure: mediate */
    case JB_PROCEDURE_STEP_MEDIATE:         return _("Mediate");
    /* Translators: the guard procedure: calm the situation */
    case JB_PROCEDURE_STEP_CALM:            return _("Calm");
    /* Translators: the guard procedure: wait for the police */
    case JB_PROCEDURE_STEP_WAIT_FOR_POLICE: return _("Wait for police");
    case JB_PROCEDURE_STEP_N:
    default:                                return _("Unknown step");
    }
}

const char *
jb_disposition_get_label (JbDisposition disposition)
{
  switch (disposition)
    {
    case JB_DISPOSITION_RESOLVED_ON_SCENE: return _("Resolved on scene");
    case JB_DISPOSITION_MEDIATED:          return _("Mediated");
    case JB_DISPOSITION_REFERRED:          return _("Referred");
    case JB_DISPOSITION_ARRESTED:          return _("Arrested");
    case JB_DISPOSITION_FALSE_ALARM:       return _("False alarm");
    case JB_DISPOSITION_DUPLICATE:         return _("Duplicate");
    case JB_DISPOSITION_NO_ACTION:         return _("No action needed");
    case JB_DISPOSITION_OTHER:             return _("Other");
    case JB_DISPOSITION_N:
    default:                               return _("Unknown disposition");
    }
}

char *
jb_format_duration (gint64 ms)
{
  gint64 s = MAX (0, ms) / 1000;
  int hours = (int) (s / 3600), minutes = (int) (s % 3600 / 60), seconds = (int) (s % 60);

  if (hours > 0)
    return g_strdup_printf ("%d:%02d:%02d", hours, minutes, seconds);
  return g_strdup_printf ("%d:%02d", minutes, seconds);
}

char *
jb_describe_command_error (const GError *error,
                           gboolean      viewer)
{
  if (error == NULL)
    return g_strdup (_("The command failed."));

  if (g_error_matches (error, JB_ERROR, JB_ERROR_FORBIDDEN))
    {
      if (viewer)
        return g_strdup (_("This account is read-only: it cannot change anything."));
      return g_strdup (_("You can only command your own station's incidents and units."));
    }
  if (g_error_matches (error, JB_ERROR, JB_ERROR_CONFLICT))
    /* Translators: %s is the server's reason */
    return g_strdup_printf (_("Someone else changed it first: %s"), error->message);
  if (g_error_matches (error, JB_ERROR, JB_ERROR_NOT_FOUND))
    return g_strdup (_("The server no longer knows this incident or unit."));
  if (g_error_matches (error, JB_ERROR, JB_ERROR_NETWORK))
    /* Translators: %s is the system's reason */
    return g_strdup_printf (_("The server could not be reached; the command was not carried out (%s)."),
                            error->message);
  if (g_error_matches (error, JB_ERROR, JB_ERROR_UNAUTHORIZED))
    return g_strdup (_("The session has expired. Sign in again."));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_strdup (_("The command was cancelled."));

  /* Translators: %s is the server's reason */
  return g_strdup_printf (_("The server refused the command: %s"), error->message);
}

const char *
jb_connection_state_get_label (JbConnectionState state)
{
  switch (state)
    {
    /* Translators: connection state in the header; short and loud */
    case JB_CONNECTION_STATE_LIVE:         return _("LIVE");
    case JB_CONNECTION_STATE_CONNECTING:   return _("CONNECTING");
    case JB_CONNECTION_STATE_RECONNECTING: return _("RECONNECTING");
    case JB_CONNECTION_STATE_OFFLINE:
    default:                               return _("OFFLINE");
    }
}

const char *
jb_connection_badge_update (GtkWidget         *box,
                            GtkLabel          *label,
                            JbConnectionState  state,
                            gboolean           moving)
{
  static const char *classes[] = { "live", "reconnecting", "offline", "moving" };
  const char *css;
  const char *text = jb_connection_state_get_label (state);

  switch (state)
    {
    case JB_CONNECTION_STATE_LIVE:
      css = "live";
      break;
    case JB_CONNECTION_STATE_CONNECTING:
    case JB_CONNECTION_STATE_RECONNECTING:
      css = "reconnecting";
      break;
    case JB_CONNECTION_STATE_OFFLINE:
    default:
      css = "offline";
      break;
    }

  /* The server in use stopped answering: the next of the list is being
   * tried. */
  if (moving && state != JB_CONNECTION_STATE_LIVE)
    {
      /* Translators: connection state in the header while the client
       * moves to another dispatch server; short and loud */
      text = _("MOVING");
      css = "moving";
    }

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (box, classes[i]);
  gtk_widget_add_css_class (box, css);
  gtk_label_set_text (label, text);
  return text;
}

double
jb_widget_get_font_px (GtkWidget *widget)
{
  const PangoFontDescription *font = pango_context_get_font_description (gtk_widget_get_pango_context (widget));
  double size = pango_font_description_get_size (font) / (double) PANGO_SCALE;

  /* GTK keeps CSS px as an absolute size; points are at 96 dpi. */
  return pango_font_description_get_size_is_absolute (font) ? size : size * 96.0 / 72.0;
}
