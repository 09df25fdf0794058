/* jb-incident.h — an incident (警情) and its assignments, procedure, notes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "jb-clip.h"
#include "jb-enums.h"

G_BEGIN_DECLS

/* Times are ms since the Unix epoch; 0 means "has not happened" (null on
 * the wire). Strings are NULL when absent. */
typedef struct
{
  char              *unit_id;
  JbAssignmentState  state;
  gint64             assigned_at;
  gint64             accepted_at;
  gint64             en_route_at;
  gint64             on_scene_at;
  gint64             released_at;
  char              *assigned_by;
} JbAssignment;

typedef struct
{
  char            *unit_id;
  JbProcedureStep  step;
  gint64           at;
} JbProcedureEntry;

typedef struct
{
  gint64  at;
  char   *by;
  char   *text;
} JbNote;

typedef struct
{
  gint64            time;
  JbIncidentStatus  status;
  char             *by;
} JbTimelineEntry;

/* A call-out (一呼百应) responder's answer so far. */
typedef enum
{
  JB_CALLOUT_CALLED,
  JB_CALLOUT_ACCEPTED,
  JB_CALLOUT_EN_ROUTE,
  JB_CALLOUT_ARRIVED,
  JB_CALLOUT_DECLINED,
} JbCalloutState;

typedef struct
{
  char           *unit_id;
  JbCalloutState  state;
} JbCalloutResponder;

/* A call-out of the incident, with its live counts (docs/protocol.md). */
typedef struct
{
  char    *id;
  char    *message;
  gint64   radius_m;    /* 0 when by grid */
  char    *grid_id;     /* NULL when by radius */
  gint64   created_at;
  guint    called, accepted, en_route, arrived, declined;
  GArray  *responders;  /* JbCalloutResponder */
} JbCallout;

#define JB_TYPE_INCIDENT (jb_incident_get_type ())

G_DECLARE_FINAL_TYPE (JbIncident, jb_incident, JB, INCIDENT, GObject)

JbIncident       *jb_incident_new_from_json                (JsonNode    *node,
                                                            GError     **error);
JsonNode         *jb_incident_to_json                      (JbIncident  *self);

const char       *jb_incident_get_id                       (JbIncident  *self);
const char       *jb_incident_get_number                   (JbIncident  *self);
JbIncidentType    jb_incident_get_incident_type            (JbIncident  *self);
/* 1 (most urgent) to 4. */
guint             jb_incident_get_priority                 (JbIncident  *self);
JbIncidentStatus  jb_incident_get_status                   (JbIncident  *self);
/* jb_incident_status_is_open() and _is_active() of its status. */
gboolean          jb_incident_is_open                      (JbIncident  *self);
gboolean          jb_incident_is_active                    (JbIncident  *self);
JbIncidentSource  jb_incident_get_source                   (JbIncident  *self);
const char       *jb_incident_get_terminal_id              (JbIncident  *self);
const char       *jb_incident_get_reported_by              (JbIncident  *self);
gboolean          jb_incident_get_location                 (JbIncident  *self,
                                                            double      *lat,
                                                            double      *lon);
const char       *jb_incident_get_address                  (JbIncident  *self);
/* NULL when the incident has no venue. */
const char       *jb_incident_get_venue_name               (JbIncident  *self);
JsonObject       *jb_incident_get_venue                    (JbIncident  *self);
const char       *jb_incident_get_station_id               (JbIncident  *self);
const char       *jb_incident_get_description              (JbIncident  *self);
const char       *jb_incident_get_acknowledged_by          (JbIncident  *self);
gint64            jb_incident_get_created_at               (JbIncident  *self);
gint64            jb_incident_get_acknowledged_at          (JbIncident  *self);
gint64            jb_incident_get_dispatched_at            (JbIncident  *self);
gint64            jb_incident_get_on_scene_at              (JbIncident  *self);
gint64            jb_incident_get_resolved_at              (JbIncident  *self);
gint64            jb_incident_get_closed_at                (JbIncident  *self);
gint64            jb_incident_get_first_guard_on_scene_at  (JbIncident  *self);
gint64            jb_incident_get_first_police_on_scene_at (JbIncident  *self);
gint64            jb_incident_get_updated_at               (JbIncident  *self);
/* A JbDisposition, or -1 while there is none. */
int               jb_incident_get_disposition              (JbIncident  *self);

guint               jb_incident_get_n_assignments   (JbIncident  *self);
const JbAssignment *jb_incident_get_assignment      (JbIncident  *self,
                                                     guint        i);
/* The unit's latest assignment on this incident, or NULL. */
const JbAssignment *jb_incident_find_assignment     (JbIncident  *self,
                                                     const char  *unit_id);
guint                   jb_incident_get_n_procedure_steps (JbIncident *self);
const JbProcedureEntry *jb_incident_get_procedure_step    (JbIncident *self,
                                                           guint       i);

/* One guard's progress through the procedure: every step it reported, in
 * the order reported, and the furthest one reached. Pointers are borrowed
 * from the incident and good until it changes. */
typedef struct
{
  const char      *unit_id;
  JbProcedureStep  reached;
  GPtrArray       *entries;   /* const JbProcedureEntry * */
} JbProcedureProgress;

void                    jb_procedure_progress_free        (JbProcedureProgress *progress);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbProcedureProgress, jb_procedure_progress_free)

/* The procedure grouped by guard, one JbProcedureProgress per unit that
 * reported a step, in the order of their first reports. Never NULL. */
GPtrArray              *jb_incident_group_procedure       (JbIncident *self);
guint             jb_incident_get_n_callouts       (JbIncident  *self);
const JbCallout  *jb_incident_get_callout         (JbIncident  *self,
                                                   guint        i);
guint             jb_incident_get_n_notes          (JbIncident  *self);
const JbNote     *jb_incident_get_note             (JbIncident  *self,
                                                    guint        i);
guint                  jb_incident_get_n_timeline_entries (JbIncident *self);
const JbTimelineEntry *jb_incident_get_timeline_entry     (JbIncident *self,
                                                           guint       i);
/* GListModel of JbClip, oldest first (uploads in progress included),
 * borrowed; the same list for the incident's whole life. */
GListModel            *jb_incident_get_clips              (JbIncident *self);
/* Borrowed; NULL when the incident has no such clip. */
JbClip                *jb_incident_lookup_clip            (JbIncident *self,
                                                           const char *clip_id);

G_END_DECLS
