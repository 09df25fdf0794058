/* jb-enums.h — the protocol's enumerations and their wire names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  JB_UNIT_KIND_OFFICER,
  JB_UNIT_KIND_PATROL_CAR,
  JB_UNIT_KIND_GUARD,
  JB_UNIT_KIND_VOLUNTEER,
  JB_UNIT_KIND_N
} JbUnitKind;

typedef enum
{
  JB_UNIT_STATUS_AVAILABLE,
  JB_UNIT_STATUS_ASSIGNED,
  JB_UNIT_STATUS_EN_ROUTE,
  JB_UNIT_STATUS_ON_SCENE,
  JB_UNIT_STATUS_BUSY,
  JB_UNIT_STATUS_OFF_DUTY,
  JB_UNIT_STATUS_N
} JbUnitStatus;

typedef enum
{
  JB_TERMINAL_KIND_ALARM_BUTTON,
  JB_TERMINAL_KIND_BODY_CAMERA,
  JB_TERMINAL_KIND_SENSOR,
  JB_TERMINAL_KIND_POLICE_HANDSET,
  JB_TERMINAL_KIND_N
} JbTerminalKind;

typedef enum
{
  JB_VENUE_KIND_KTV,
  JB_VENUE_KIND_MALL,
  JB_VENUE_KIND_SCHOOL,
  JB_VENUE_KIND_HOSPITAL,
  JB_VENUE_KIND_BANK,
  JB_VENUE_KIND_ESTATE,
  JB_VENUE_KIND_MARKET,
  JB_VENUE_KIND_HOTEL,
  JB_VENUE_KIND_RESTAURANT,
  JB_VENUE_KIND_OFFICE,
  JB_VENUE_KIND_STATION,
  JB_VENUE_KIND_OTHER,
  JB_VENUE_KIND_N
} JbVenueKind;

typedef enum
{
  JB_INCIDENT_TYPE_FIGHT,
  JB_INCIDENT_TYPE_DISPUTE,
  JB_INCIDENT_TYPE_THEFT,
  JB_INCIDENT_TYPE_ROBBERY,
  JB_INCIDENT_TYPE_HARASSMENT,
  JB_INCIDENT_TYPE_SUSPICIOUS,
  JB_INCIDENT_TYPE_FIRE,
  JB_INCIDENT_TYPE_MEDICAL,
  JB_INCIDENT_TYPE_TRAFFIC,
  JB_INCIDENT_TYPE_ALARM,
  JB_INCIDENT_TYPE_OTHER,
  JB_INCIDENT_TYPE_N
} JbIncidentType;

typedef enum
{
  JB_INCIDENT_STATUS_NEW,
  JB_INCIDENT_STATUS_ACKNOWLEDGED,
  JB_INCIDENT_STATUS_DISPATCHED,
  JB_INCIDENT_STATUS_ON_SCENE,
  JB_INCIDENT_STATUS_RESOLVED,
  JB_INCIDENT_STATUS_CLOSED,
  JB_INCIDENT_STATUS_N
} JbIncidentStatus;

typedef enum
{
  JB_INCIDENT_SOURCE_TERMINAL,
  JB_INCIDENT_SOURCE_PHONE,
  JB_INCIDENT_SOURCE_PATROL,
  JB_INCIDENT_SOURCE_N
} JbIncidentSource;

typedef enum
{
  JB_ASSIGNMENT_STATE_ASSIGNED,
  JB_ASSIGNMENT_STATE_ACCEPTED,
  JB_ASSIGNMENT_STATE_EN_ROUTE,
  JB_ASSIGNMENT_STATE_ON_SCENE,
  JB_ASSIGNMENT_STATE_RELEASED,
  JB_ASSIGNMENT_STATE_DECLINED,
  JB_ASSIGNMENT_STATE_N
} JbAssignmentState;

typedef enum
{
  JB_PROCEDURE_STEP_SEPARATE,
  JB_PROCEDURE_STEP_MEDIATE,
  JB_PROCEDURE_STEP_CALM,
  JB_PROCEDURE_STEP_WAIT_FOR_POLICE,
  JB_PROCEDURE_STEP_N
} JbProcedureStep;

typedef enum
{
  JB_DISPOSITION_RESOLVED_ON_SCENE,
  JB_DISPOSITION_MEDIATED,
  JB_DISPOSITION_REFERRED,
  JB_DISPOSITION_ARRESTED,
  JB_DISPOSITION_FALSE_ALARM,
  JB_DISPOSITION_DUPLICATE,
  JB_DISPOSITION_NO_ACTION,
  JB_DISPOSITION_OTHER,
  JB_DISPOSITION_N
} JbDisposition;

typedef enum
{
  JB_ROLE_DISPATCHER,
  JB_ROLE_DUTY_OFFICER,
  JB_ROLE_VIEWER,
  JB_ROLE_N
} JbRole;

/* Each enum has a pair: to_string gives the wire name (never NULL for a
 * valid value), from_string parses one and returns FALSE for anything else. */
#define JB_DECLARE_ENUM_STRINGS(Type, prefix)                           \
  const char *prefix##_to_string (Type value);                          \
  gboolean    prefix##_from_string (const char *str, Type *out_value);

JB_DECLARE_ENUM_STRINGS (JbUnitKind, jb_unit_kind)
JB_DECLARE_ENUM_STRINGS (JbUnitStatus, jb_unit_status)
JB_DECLARE_ENUM_STRINGS (JbTerminalKind, jb_terminal_kind)
JB_DECLARE_ENUM_STRINGS (JbVenueKind, jb_venue_kind)
JB_DECLARE_ENUM_STRINGS (JbIncidentType, jb_incident_type)
JB_DECLARE_ENUM_STRINGS (JbIncidentStatus, jb_incident_status)
JB_DECLARE_ENUM_STRINGS (JbIncidentSource, jb_incident_source)
JB_DECLARE_ENUM_STRINGS (JbAssignmentState, jb_assignment_state)
JB_DECLARE_ENUM_STRINGS (JbProcedureStep, jb_procedure_step)
JB_DECLARE_ENUM_STRINGS (JbDisposition, jb_disposition)
JB_DECLARE_ENUM_STRINGS (JbRole, jb_role)

/* NULL-terminated list of every wire name of an enum, for error messages
 * and the config's lists. */
const char * const *jb_incident_type_names (void);
const char * const *jb_disposition_names (void);

/* The one rule for every part, client and server (docs/protocol.md,
 * "Incident"). Open: not closed; an open incident is in the snapshot and
 * the queue, resolved ones too until someone closes them. Active: new,
 * acknowledged, dispatched or on scene; commands on the incident still
 * apply (assign, resolve, call out) and it sorts above resolved ones. */
gboolean jb_incident_status_is_open        (JbIncidentStatus status);
gboolean jb_incident_status_is_active      (JbIncidentStatus status);
gboolean jb_assignment_state_is_active     (JbAssignmentState state);
gboolean jb_unit_kind_is_police            (JbUnitKind kind);

G_END_DECLS
