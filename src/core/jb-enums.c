/* jb-enums.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-enums"

#include "jb-enums.h"

#include <string.h>

/* The tables are indexed by value, so to_string is a bounds check and a
 * load; from_string is a short linear scan (the longest table has 12). */
static gboolean
lookup_name (const char * const *names,
             int                 n,
             const char         *str,
             int                *out_value)
{
  if (str == NULL)
    return FALSE;

  for (int i = 0; i < n; i++)
    if (strcmp (names[i], str) == 0)
      {
        *out_value = i;
        return TRUE;
      }

  return FALSE;
}

#define JB_DEFINE_ENUM_STRINGS(Type, prefix, N, ...)                         \
  static const char * const prefix##_names_table[N + 1] = { __VA_ARGS__, NULL }; \
  G_STATIC_ASSERT (G_N_ELEMENTS (prefix##_names_table) == N + 1);             \
  const char *                                                                \
  prefix##_to_string (Type value)                                             \
  {                                                                           \
    if ((int) value < 0 || (int) value >= N)                                  \
      return NULL;                                                            \
    return prefix##_names_table[value];                                       \
  }                                                                           \
  gboolean                                                                    \
  prefix##_from_string (const char *str,                                      \
                        Type       *out_value)                                \
  {                                                                           \
    int v;                                                                    \
    if (!lookup_name (prefix##_names_table, N, str, &v))                      \
      return FALSE;                                                           \
    if (out_value != NULL)                                                    \
      *out_value = (Type) v;                                                  \
    return TRUE;                                                              \
  }

JB_DEFINE_ENUM_STRINGS (JbUnitKind, jb_unit_kind, JB_UNIT_KIND_N,
                        "officer", "patrol_car", "guard", "volunteer")
JB_DEFINE_ENUM_STRINGS (JbUnitStatus, jb_unit_status, JB_UNIT_STATUS_N,
                        "available", "assigned", "en_route", "on_scene", "busy", "off_duty")
JB_DEFINE_ENUM_STRINGS (JbTerminalKind, jb_terminal_kind, JB_TERMINAL_KIND_N,
                        "alarm_button", "body_camera", "sensor", "police_handset")
JB_DEFINE_ENUM_STRINGS (JbVenueKind, jb_venue_kind, JB_VENUE_KIND_N,
                        "ktv", "mall", "school", "hospital", "bank", "estate", "market",
                        "hotel", "restaurant", "office", "station", "other")
JB_DEFINE_ENUM_STRINGS (JbIncidentType, jb_incident_type, JB_INCIDENT_TYPE_N,
                        "fight", "dispute", "theft", "robbery", "harassment", "suspicious",
                        "fire", "medical", "traffic", "alarm", "other")
JB_DEFINE_ENUM_STRINGS (JbIncidentStatus, jb_incident_status, JB_INCIDENT_STATUS_N,
                        "new", "acknowledged", "dispatched", "on_scene", "resolved", "closed")
JB_DEFINE_ENUM_STRINGS (JbIncidentSource, jb_incident_source, JB_INCIDENT_SOURCE_N,
                        "terminal", "phone", "patrol")
JB_DEFINE_ENUM_STRINGS (JbAssignmentState, jb_assignment_state, JB_ASSIGNMENT_STATE_N,
                        "assigned", "accepted", "en_route", "on_scene", "released", "declined")
JB_DEFINE_ENUM_STRINGS (JbProcedureStep, jb_procedure_step, JB_PROCEDURE_STEP_N,
                        "separate", "mediate", "calm", "wait_for_police")
JB_DEFINE_ENUM_STRINGS (JbDisposition, jb_disposition, JB_DISPOSITION_N,
                        "resolved_on_scene", "mediated", "referred", "arrested",
                        "false_alarm", "duplicate", "no_action", "other")
JB_DEFINE_ENUM_STRINGS (JbRole, jb_role, JB_ROLE_N,
                        "dispatcher", "duty_officer", "viewer")

const char * const *
jb_incident_type_names (void)
{
  return jb_incident_type_names_table;
}

const char * const *
jb_disposition_names (void)
{
  return jb_disposition_names_table;
}

gboolean
jb_incident_status_is_open (JbIncidentStatus status)
{
  /* Resolved incidents stay in the queue until someone closes them. */
  return status != JB_INCIDENT_STATUS_CLOSED;
}

gboolean
jb_incident_status_is_active (JbIncidentStatus status)
{
  return status != JB_INCIDENT_STATUS_RESOLVED && jb_incident_status_is_open (status);
}

gboolean
jb_assignment_state_is_active (JbAssignmentState state)
{
  return state != JB_ASSIGNMENT_STATE_RELEASED && state != JB_ASSIGNMENT_STATE_DECLINED;
}

gboolean
jb_unit_kind_is_police (JbUnitKind kind)
{
  return kind == JB_UNIT_KIND_OFFICER || kind == JB_UNIT_KIND_PATROL_CAR;
}
