/* jb-dispatch-incidents.c — the incident, assignment and unit state machines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-dispatch"

#include "jb-dispatch-private.h"

#include <string.h>

#define MAX_TEXT_CHARS 2000

static gboolean
conflict (GError     **error,
          const char  *message)
{
  g_set_error_literal (error, JB_ERROR, JB_ERROR_CONFLICT, message);
  return FALSE;
}

/* A command may say when the person gave it ("issued_at", ms since the
 * epoch): a console that was offline sends it later. Not in the future
 * (5 minutes of clock skew allowed); not older than the 24 hours an
 * Idempotency-Key is kept, so a replay can never run twice. -1 when
 * absent. */
#define ISSUED_AT_SKEW_MS  (5 * 60 * 1000LL)
#define ISSUED_AT_KEEP_MS  (24 * 3600 * 1000LL)

static gboolean
get_issued_at (JbRequest  *req,
               gint64     *out_issued_at,
               GError    **error)
{
  gint64 issued_at = -1;

  *out_issued_at = -1;
  if (!jb_json_get_int (req->body, "issued_at", FALSE, &issued_at, error))
    return FALSE;
  if (issued_at == -1 && !json_object_has_member (req->body, "issued_at"))
    return TRUE;
  if (issued_at < 0 || issued_at > req->now + ISSUED_AT_SKEW_MS)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE,
                           "\"issued_at\" is a time in ms, not in the future.");
      return FALSE;
    }
  if (issued_at < req->now - ISSUED_AT_KEEP_MS)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_CONFLICT,
                           "The command was given more than 24 hours ago.");
      return FALSE;
    }
  *out_issued_at = issued_at;
  return TRUE;
}

static char *
status_time_key (const char *unit_id)
{
  return g_strconcat ("unit_status_at:", unit_id, NULL);
}

/* When someone other than the caller last changed the unit's status (0:
 * never, or the caller did): "TIME ACTOR" kept apart, as positions move a
 * unit's updated_at. One person's own commands come in the order given. */
static gint64
unit_status_time_by_others (JbRequest  *req,
                            const char *unit_id)
{
  g_autofree char *key = status_time_key (unit_id);
  g_autofree char *value = jb_storage_get_meta (req->self->storage, key);
  const char *actor = _jb_request_actor (req);
  char *end = NULL;
  gint64 time;

  if (value == NULL)
    return 0;
  time = g_ascii_strtoll (value, &end, 10);
  if (end != NULL && *end == ' ' && actor != NULL && g_str_equal (end + 1, actor))
    return 0;
  return time;
}

static JbIncidentStatus
incident_status (JsonObject *incident)
{
  JbIncidentStatus status = JB_INCIDENT_STATUS_NEW;

  jb_incident_status_from_string (_jb_member_string (incident, "status"), &status);
  return status;
}

/* The core's rule, the client's too (jb-enums.h): open is not closed;
 * active (commands still apply) is new, acknowledged, dispatched or on
 * scene. */
static gboolean
incident_is_open (JsonObject *incident)
{
  return jb_incident_status_is_open (incident_status (incident));
}

static gboolean
incident_is_active (JsonObject *incident)
{
  return jb_incident_status_is_active (incident_status (incident));
}

static gboolean
is_null_member (JsonObject *object,
                const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node == NULL || JSON_NODE_HOLDS_NULL (node);
}

static void
set_time_once (JsonObject *object,
               const char *member,
               gint64      time)
{
  if (is_null_member (object, member))
    json_object_set_int_member (object, member, time);
}

static void
set_string_or_null (JsonObject *object,
                    const char *member,
                    const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

static char *
search_text (JsonObject *incident)
{
  JsonObject *venue = _jb_member_object (incident, "venue");
  g_autofree char *text = g_strjoin (" ",
                                     _jb_member_string (incident, "number"),
                                     _jb_member_string (incident, "type"),
                                     _jb_member_string (incident, "address") ?: "",
                                     _jb_member_string (venue, "name") ?: "",
                                     NULL);

  return g_utf8_strdown (text, -1);
}

static gboolean
save_incident (JbRequest   *req,
               JsonObject  *incident,
               const char  *type,
               const char  *change,
               GError     **error)
{
  g_autofree char *search = NULL;

  json_object_set_int_member (incident, "updated_at", req->now);
  search = search_text (incident);
  return jb_storage_save_incident (req->self->storage, incident, search, error) &&
         _jb_dispatch_emit_object (req->self, type, req->now, "incident", incident, change, error);
}

static void
set_incident_status (JbRequest        *req,
                     JsonObject       *incident,
                     JbIncidentStatus  status)
{
  static const char * const time_members[] = {
    [JB_INCIDENT_STATUS_NEW] = "created_at",
    [JB_INCIDENT_STATUS_ACKNOWLEDGED] = "acknowledged_at",
    [JB_INCIDENT_STATUS_DISPATCHED] = "dispatched_at",
    [JB_INCIDENT_STATUS_ON_SCENE] = "on_scene_at",
    [JB_INCIDENT_STATUS_RESOLVED] = "resolved_at",
    [JB_INCIDENT_STATUS_CLOSED] = "closed_at",
  };
  JsonArray *timeline = _jb_member_array (incident, "timeline");
  JsonObject *entry = json_object_new ();

  json_object_set_string_member (incident, "status", jb_incident_status_to_string (status));
  set_time_once (incident, time_members[status], req->now);
  json_object_set_int_member (entry, "time", req->now);
  json_object_set_string_member (entry, "status", jb_incident_status_to_string (status));
  set_string_or_null (entry, "by", _jb_request_actor (req));
  json_array_add_object_element (timeline, entry);
}

static void
acknowledge (JbRequest  *req,
             JsonObject *incident)
{
  set_incident_status (req, incident, JB_INCIDENT_STATUS_ACKNOWLEDGED);
  set_string_or_null (incident, "acknowledged_by", _jb_request_actor (req));
}

static void
add_note (JbRequest  *req,
          JsonObject *incident,
          const char *text)
{
  JsonObject *note = json_object_new ();

  json_object_set_int_member (note, "at", req->now);
  set_string_or_null (note, "by", _jb_request_actor (req));
  json_object_set_string_member (note, "text", text);
  json_array_add_object_element (_jb_member_array (incident, "notes"), note);
}

static gboolean
save_unit (JbRequest     *req,
           JsonObject    *unit,
           JbUnitStatus   status,
           const char    *incident_id,
           GError       **error)
{
  g_autofree char *incident_copy = g_strdup (incident_id);
  g_autofree char *time_key = status_time_key (_jb_member_string (unit, "id"));
  g_autofree char *time_text = g_strdup_printf ("%" G_GINT64_FORMAT " %s", req->now,
                                                _jb_request_actor (req) != NULL ? _jb_request_actor (req) : "");

  if (!jb_storage_set_meta (req->self->storage, time_key, time_text, error))
    return FALSE;
  json_object_set_string_member (unit, "status", jb_unit_status_to_string (status));
  set_string_or_null (unit, "incident_id", incident_copy);
  json_object_set_int_member (unit, "updated_at", req->now);
  return jb_storage_update_unit_status (req->self->storage, _jb_member_string (unit, "id"),
                                        jb_unit_status_to_string (status), incident_copy, req->now, error) &&
         _jb_dispatch_emit_object (req->self, "unit.updated", req->now, "unit", unit, NULL, error);
}

static JsonObject *
load_unit (JbRequest   *req,
           const char  *id,
           GError     **error)
{
  JsonObject *unit = _jb_dispatch_get_unit (req->self, id);

  if (unit == NULL)
    g_set_error (error, JB_ERROR, JB_ERROR_NOT_FOUND, "There is no unit \"%s\".", id);
  return unit;
}

JsonObject *
_jb_incident_load (JbRequest   *req,
                   const char  *id,
                   GError     **error)
{
  JsonObject *incident = jb_storage_get_incident (req->self->storage, id);

  if (incident == NULL)
    g_set_error (error, JB_ERROR, JB_ERROR_NOT_FOUND, "There is no incident \"%s\".", id);
  return incident;
}

static JsonObject *
find_active_assignment (JsonObject *incident,
                        const char *unit_id)
{
  JsonArray *assignments = _jb_member_array (incident, "assignments");

  for (guint i = 0; assignments != NULL && i < json_array_get_length (assignments); i++)
    {
      JsonObject *assignment = json_array_get_object_element (assignments, i);
      JbAssignmentState state;

      if (g_strcmp0 (_jb_member_string (assignment, "unit_id"), unit_id) == 0 &&
          jb_assignment_state_from_string (_jb_member_string (assignment, "state"), &state) &&
          jb_assignment_state_is_active (state))
        return assignment;
    }
  return NULL;
}

/* Creating */

/* The next serial (the incident's id) and the day's next number, counted
 * in one statement. */
static gboolean
next_incident_ids (JbRequest  *req,
                   char      **out_id,
                   char      **out_number,
                   GError    **error)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (8 * 3600);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (req->now / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  g_autofree char *day = g_date_time_format (local, "%Y%m%d");
  g_autofree char *key = g_strconcat ("incident_counter:", day, NULL);
  gint64 serial, n;

  if (!jb_storage_next_counter_pair (req->self->storage, "incident_serial", key, &serial, &n, error))
    return FALSE;
  *out_id = g_strdup_printf ("inc-%06" G_GINT64_FORMAT, serial);
  *out_number = g_strdup_printf ("%s-%s-%04" G_GINT64_FORMAT, req->self->incident_prefix, day, n);
  return TRUE;
}

static JsonObject *
location_object (double lat,
                 double lon)
{
  JsonObject *location = json_object_new ();

  json_object_set_double_member (location, "lat", lat);
  json_object_set_double_member (location, "lon", lon);
  return location;
}

static void
set_null_members (JsonObject         *object,
                  const char * const *members)
{
  for (; *members != NULL; members++)
    json_object_set_null_member (object, *members);
}

JsonObject *
_jb_incident_create (JbRequest              *req,
                     const JbIncidentDraft  *draft,
                     GError                **error)
{
  static const char * const unset_times[] = {
    "acknowledged_at", "dispatched_at", "on_scene_at", "resolved_at", "closed_at",
    "first_guard_on_scene_at", "first_police_on_scene_at", "acknowledged_by", NULL,
  };
  g_autoptr(JsonObject) incident = json_object_new ();
  g_autofree char *number = NULL;
  g_autofree char *id = NULL;

  if (!next_incident_ids (req, &id, &number, error))
    return NULL;

  json_object_set_string_member (incident, "id", id);
  json_object_set_string_member (incident, "number", number);
  json_object_set_string_member (incident, "type", jb_incident_type_to_string (draft->type));
  json_object_set_int_member (incident, "priority", draft->priority);
  json_object_set_string_member (incident, "status", "new");
  json_object_set_string_member (incident, "source", jb_incident_source_to_string (draft->source));
  set_string_or_null (incident, "terminal_id", draft->terminal_id);
  set_string_or_null (incident, "reported_by", draft->reported_by);
  json_object_set_object_member (incident, "location", location_object (draft->lat, draft->lon));
  set_string_or_null (incident, "address", draft->address);
  if (draft->venue != NULL)
    json_object_set_object_member (incident, "venue", json_object_ref (draft->venue));
  else
    json_object_set_null_member (incident, "venue");
  set_string_or_null (incident, "station_id",
                      jb_jurisdiction_find_station (req->self->jurisdiction, draft->lat, draft->lon));
  set_string_or_null (incident, "description", draft->description);
  json_object_set_int_member (incident, "created_at", req->now);
  set_null_members (incident, unset_times);
  json_object_set_array_member (incident, "assignments", json_array_new ());
  json_object_set_array_member (incident, "procedure", json_array_new ());
  json_object_set_array_member (incident, "notes", json_array_new ());
  json_object_set_array_member (incident, "timeline", json_array_new ());
  json_object_set_array_member (incident, "clips", json_array_new ());
  json_object_set_null_member (incident, "disposition");
  set_incident_status (req, incident, JB_INCIDENT_STATUS_NEW);

  if (req->user != NULL &&
      !_jb_request_may_command (req, _jb_member_string (incident, "station_id"), "incident", error))
    return NULL;
  if (!save_incident (req, incident, "incident.created", NULL, error))
    return NULL;
  return g_steal_pointer (&incident);
}

static gboolean
get_text (JsonObject   *object,
          const char   *member,
          gboolean      required,
          const char  **out,
          GError      **error)
{
  const char *text = NULL;
  glong n;

  if (!jb_json_get_string (object, member, required, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  n = g_utf8_strlen (text, -1);
  if ((required && n < 1) || n > MAX_TEXT_CHARS)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE,
                   "The field \"%s\" must have %d to %d characters.", member, required ? 1 : 0,
                   MAX_TEXT_CHARS);
      return FALSE;
    }
  *out = text;
  return TRUE;
}

static gboolean
get_priority (JsonObject  *object,
              gboolean     required,
              gint64      *out,
              GError     **error)
{
  gint64 priority = *out;

  if (!jb_json_get_int (object, "priority", required, &priority, error))
    return FALSE;
  if (priority < 1 || priority > 4)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE, "The priority is 1 to 4.");
      return FALSE;
    }
  *out = priority;
  return TRUE;
}

/* Reads a strict {"lat", "lon"} member. */
gboolean
_jb_get_location (JsonObject  *object,
                  gboolean     required,
                  gboolean    *out_present,
                  double      *out_lat,
                  double      *out_lon,
                  GError     **error)
{
  static const char * const allowed[] = { "lat", "lon", NULL };
  JsonObject *location = NULL;

  *out_present = FALSE;
  if (!jb_json_get_object (object, "location", required, &location, error))
    return FALSE;
  if (location == NULL)
    return TRUE;
  if (!jb_json_check_members (location, allowed, error) ||
      !jb_json_get_lat_lon (location, out_lat, out_lon, error))
    return FALSE;
  *out_present = TRUE;
  return TRUE;
}

static JsonObject *
venue_from_name (const char *name,
                 const char *address)
{
  JsonObject *venue = json_object_new ();

  json_object_set_string_member (venue, "name", name);
  json_object_set_string_member (venue, "kind", "other");
  set_string_or_null (venue, "address", address);
  json_object_set_null_member (venue, "contact");
  json_object_set_null_member (venue, "phone");
  return venue;
}

gboolean
_jb_route_create_incident (JbRequest  *req,
                           GError    **error)
{
  static const char * const allowed[] = {
    "type", "priority", "location", "address", "description", "source", "venue_name", "issued_at", NULL,
  };
  gint64 issued_at;
  JbIncidentDraft draft = { .source = JB_INCIDENT_SOURCE_PHONE, .priority = 2 };
  const char *venue_name = NULL;
  g_autoptr(JsonObject) venue = NULL;
  g_autoptr(JsonObject) incident = NULL;
  gboolean present;
  int type = 0, source = JB_INCIDENT_SOURCE_PHONE;

  if (!_jb_request_require_commander (req, error) ||
      !_jb_request_check_members (req, allowed, error) ||
      !get_issued_at (req, &issued_at, error) ||
      !jb_json_get_enum (req->body, "type", TRUE, JB_ENUM_PARSER (jb_incident_type_from_string), &type, error) ||
      !get_priority (req->body, TRUE, &draft.priority, error) ||
      !_jb_get_location (req->body, TRUE, &present, &draft.lat, &draft.lon, error) ||
      !get_text (req->body, "address", FALSE, &draft.address, error) ||
      !get_text (req->body, "description", FALSE, &draft.description, error) ||
      !jb_json_get_enum (req->body, "source", FALSE, JB_ENUM_PARSER (jb_incident_source_from_string), &source, error) ||
      !get_text (req->body, "venue_name", FALSE, &venue_name, error))
    return FALSE;
  if (source == JB_INCIDENT_SOURCE_TERMINAL)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                           "\"terminal\" incidents come from devices; use \"phone\" or \"patrol\".");
      return FALSE;
    }
  if (venue_name != NULL)
    venue = venue_from_name (venue_name, draft.address);
  draft.type = (JbIncidentType) type;
  draft.source = (JbIncidentSource) source;
  draft.venue = venue;
  draft.reported_by = _jb_member_string (req->user, "display_name");

  incident = _jb_incident_create (req, &draft, error);
  if (incident == NULL)
    return FALSE;
  _jb_request_answer (req, 201, incident);
  return TRUE;
}

/* Commands on one incident */

/* Loads the incident of the path and checks the caller commands it. */
static JsonObject *
load_commanded_incident (JbRequest   *req,
                         GError     **error)
{
  g_autoptr(JsonObject) incident = NULL;

  if (!_jb_request_require_commander (req, error))
    return NULL;
  incident = _jb_incident_load (req, req->parts[1], error);
  if (incident == NULL ||
      !_jb_request_may_command (req, _jb_member_string (incident, "station_id"), "incident", error))
    return NULL;
  return g_steal_pointer (&incident);
}

/* Only "issued_at" (kept in *@out_issued_at, -1 when absent). */
static gboolean
no_members (JbRequest  *req,
            gint64     *out_issued_at,
            GError    **error)
{
  static const char * const allowed[] = { "issued_at", NULL };

  return _jb_request_check_members (req, allowed, error) &&
         get_issued_at (req, out_issued_at, error);
}

gboolean
_jb_route_acknowledge (JbRequest  *req,
                       GError    **error)
{
  g_autoptr(JsonObject) incident = NULL;
  gint64 issued_at;

  if (!no_members (req, &issued_at, error) || (incident = load_commanded_incident (req, error)) == NULL)
    return FALSE;
  if (incident_status (incident) != JB_INCIDENT_STATUS_NEW)
    return conflict (error, "Only a new incident can be acknowledged.");
  acknowledge (req, incident);
  if (!save_incident (req, incident, "incident.updated", "acknowledged", error))
    return FALSE;
  _jb_request_answer (req, 200, incident);
  return TRUE;
}

static JsonObject *
new_assignment (JbRequest  *req,
                const char *unit_id)
{
  static const char * const unset[] = {
    "accepted_at", "en_route_at", "on_scene_at", "released_at", NULL,
  };
  JsonObject *assignment = json_object_new ();

  json_object_set_string_member (assignment, "unit_id", unit_id);
  json_object_set_string_member (assignment, "state", "assigned");
  json_object_set_int_member (assignment, "assigned_at", req->now);
  set_null_members (assignment, unset);
  set_string_or_null (assignment, "assigned_by", _jb_request_actor (req));
  return assignment;
}

static gboolean
check_assignable (JsonObject  *unit,
                  GError     **error)
{
  JbUnitStatus status = JB_UNIT_STATUS_AVAILABLE;

  jb_unit_status_from_string (_jb_member_string (unit, "status"), &status);
  if (!is_null_member (unit, "incident_id"))
    return conflict (error, "The unit is already assigned to an incident.");
  if (status == JB_UNIT_STATUS_OFF_DUTY || status == JB_UNIT_STATUS_BUSY)
    return conflict (error, "The unit is off duty or busy.");
  return TRUE;
}

gboolean
_jb_route_assign (JbRequest  *req,
                  GError    **error)
{
  static const char * const allowed[] = { "unit_id", "issued_at", NULL };
  g_autoptr(JsonObject) incident = NULL;
  g_autoptr(JsonObject) unit = NULL;
  const char *unit_id = NULL;
  JbIncidentStatus status;
  gint64 issued_at;

  if (!_jb_request_check_members (req, allowed, error) ||
      !get_issued_at (req, &issued_at, error) ||
      !jb_json_get_string (req->body, "unit_id", TRUE, &unit_id, error) ||
      (incident = load_commanded_incident (req, error)) == NULL ||
      (unit = load_unit (req, unit_id, error)) == NULL ||
      !_jb_request_may_command (req, _jb_member_string (unit, "station_id"), "unit", error))
    return FALSE;
  if (!incident_is_active (incident))
    return conflict (error, "The incident is resolved or closed.");
  if (!check_assignable (unit, error))
    return FALSE;

  json_array_add_object_element (_jb_member_array (incident, "assignments"), new_assignment (req, unit_id));
  status = incident_status (incident);
  if (status == JB_INCIDENT_STATUS_NEW)
    acknowledge (req, incident);
  if (status == JB_INCIDENT_STATUS_NEW || status == JB_INCIDENT_STATUS_ACKNOWLEDGED)
    set_incident_status (req, incident, JB_INCIDENT_STATUS_DISPATCHED);
  if (!save_incident (req, incident, "incident.updated", "assigned", error) ||
      !save_unit (req, unit, JB_UNIT_STATUS_ASSIGNED, _jb_member_string (incident, "id"), error))
    return FALSE;
  _jb_request_answer (req, 201, incident);
  return TRUE;
}

/* Ends an assignment and frees its unit when the unit is still on it. */
static gboolean
end_assignment (JbRequest          *req,
                JsonObject         *incident,
                JsonObject         *assignment,
                JbAssignmentState   state,
                GError            **error)
{
  const char *unit_id = _jb_member_string (assignment, "unit_id");
  g_autoptr(JsonObject) unit = _jb_dispatch_get_unit (req->self, unit_id);

  json_object_set_string_member (assignment, "state", jb_assignment_state_to_string (state));
  json_object_set_int_member (assignment, "released_at", req->now);
  if (unit == NULL ||
      g_strcmp0 (_jb_member_string (unit, "incident_id"), _jb_member_string (incident, "id")) != 0)
    return TRUE;
  return save_unit (req, unit, JB_UNIT_STATUS_AVAILABLE, NULL, error);
}

gboolean
_jb_route_unassign (JbRequest  *req,
                    GError    **error)
{
  g_autoptr(JsonObject) incident = NULL;
  JsonObject *assignment;
  gint64 issued_at;

  if (!no_members (req, &issued_at, error) || (incident = load_commanded_incident (req, error)) == NULL)
    return FALSE;
  assignment = find_active_assignment (incident, req->parts[3]);
  if (assignment == NULL)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_NOT_FOUND,
                   "The unit \"%s\" has no active assignment on this incident.", req->parts[3]);
      return FALSE;
    }
  /* Released and assigned again by someone else since: this release meant
   * the old assignment. */
  if (issued_at >= 0 && _jb_member_int (assignment, "assigned_at", 0) > issued_at &&
      g_strcmp0 (_jb_member_string (assignment, "assigned_by"), _jb_request_actor (req)) != 0)
    return conflict (error, "The unit was assigned again after this release was given.");
  /* The incident's event comes first, as for assigning. */
  json_object_set_string_member (assignment, "state", "released");
  json_object_set_int_member (assignment, "released_at", req->now);
  if (!save_incident (req, incident, "incident.updated", "unassigned", error) ||
      !end_assignment (req, incident, assignment, JB_ASSIGNMENT_STATE_RELEASED, error))
    return FALSE;
  _jb_request_answer (req, 200, incident);
  return TRUE;
}

gboolean
_jb_route_add_note (JbRequest  *req,
                    GError    **error)
{
  static const char * const allowed[] = { "text", "issued_at", NULL };
  g_autoptr(JsonObject) incident = NULL;
  const char *text = NULL;
  gint64 issued_at;

  if (!_jb_request_check_members (req, allowed, error) ||
      !get_issued_at (req, &issued_at, error) ||
      !get_text (req->body, "text", TRUE, &text, error) ||
      (incident = load_commanded_incident (req, error)) == NULL)
    return FALSE;
  add_note (req, incident, text);
  if (!save_incident (req, incident, "incident.updated", "note", error))
    return FALSE;
  _jb_request_answer (req, 201, incident);
  return TRUE;
}

gboolean
_jb_route_resolve (JbRequest  *req,
                   GError    **error)
{
  static const char * const allowed[] = { "disposition", "note", "issued_at", NULL };
  g_autoptr(JsonObject) incident = NULL;
  const char *note = NULL;
  int disposition = 0;
  gint64 issued_at;

  if (!_jb_request_check_members (req, allowed, error) ||
      !get_issued_at (req, &issued_at, error) ||
      !jb_json_get_enum (req->body, "disposition", TRUE, JB_ENUM_PARSER (jb_disposition_from_string),
                         &disposition, error) ||
      !get_text (req->body, "note", FALSE, &note, error) ||
      (incident = load_commanded_incident (req, error)) == NULL)
    return FALSE;
  if (!incident_is_active (incident))
    return conflict (error, "The incident is already resolved or closed.");
  json_object_set_string_member (incident, "disposition",
                                 jb_disposition_to_string ((JbDisposition) disposition));
  if (note != NULL && *note != '\0')
    add_note (req, incident, note);
  set_incident_status (req, incident, JB_INCIDENT_STATUS_RESOLVED);
  if (!save_incident (req, incident, "incident.updated", "resolved", error))
    return FALSE;
  _jb_request_answer (req, 200, incident);
  return TRUE;
}

gboolean
_jb_route_close (JbRequest  *req,
                 GError    **error)
{
  static const char * const allowed[] = { "disposition", "note", "issued_at", NULL };
  g_autoptr(JsonObject) incident = NULL;
  g_autoptr(GPtrArray) released = g_ptr_array_new ();
  JsonArray *assignments;
  const char *note = NULL;
  int disposition = -1;
  gint64 issued_at;

  if (!_jb_request_check_members (req, allowed, error) ||
      !get_issued_at (req, &issued_at, error) ||
      !jb_json_get_enum (req->body, "disposition", FALSE, JB_ENUM_PARSER (jb_disposition_from_string),
                         &disposition, error) ||
      !get_text (req->body, "note", FALSE, &note, error) ||
      (incident = load_commanded_incident (req, error)) == NULL)
    return FALSE;
  if (!incident_is_open (incident))
    return conflict (error, "The incident is already closed.");
  if (disposition < 0 && incident_status (incident) != JB_INCIDENT_STATUS_RESOLVED)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_MISSING_FIELD,
                           "The field \"disposition\" is required to close an unresolved incident.");
      return FALSE;
    }
  if (disposition >= 0)
    json_object_set_string_member (incident, "disposition",
                                   jb_disposition_to_string ((JbDisposition) disposition));
  if (note != NULL && *note != '\0')
    add_note (req, incident, note);

  assignments = _jb_member_array (incident, "assignments");
  for (guint i = 0; i < json_array_get_length (assignments); i++)
    {
      JsonObject *assignment = json_array_get_object_element (assignments, i);
      JbAssignmentState state;

      if (jb_assignment_state_from_string (_jb_member_string (assignment, "state"), &state) &&
          jb_assignment_state_is_active (state))
        {
          json_object_set_string_member (assignment, "state", "released");
          json_object_set_int_member (assignment, "released_at", req->now);
          g_ptr_array_add (released, assignment);
        }
    }
  set_incident_status (req, incident, JB_INCIDENT_STATUS_CLOSED);
  if (!save_incident (req, incident, "incident.updated", "closed", error))
    return FALSE;
  for (guint i = 0; i < released->len; i++)
    if (!end_assignment (req, incident, g_ptr_array_index (released, i), JB_ASSIGNMENT_STATE_RELEASED, error))
      return FALSE;
  _jb_request_answer (req, 200, incident);
  return TRUE;
}

/* Assignment progress, from a device or a dispatcher */

static int
state_rank (JbAssignmentState state)
{
  switch (state)
    {
    case JB_ASSIGNMENT_STATE_ASSIGNED: return 0;
    case JB_ASSIGNMENT_STATE_ACCEPTED: return 1;
    case JB_ASSIGNMENT_STATE_EN_ROUTE: return 2;
    case JB_ASSIGNMENT_STATE_ON_SCENE: return 3;
    case JB_ASSIGNMENT_STATE_RELEASED:
    case JB_ASSIGNMENT_STATE_DECLINED:
    case JB_ASSIGNMENT_STATE_N:
    default: return 4;
    }
}

static void
mark_on_scene (JbRequest  *req,
               JsonObject *incident,
               JsonObject *unit)
{
  JbUnitKind kind = JB_UNIT_KIND_GUARD;
  JbIncidentStatus status = incident_status (incident);

  jb_unit_kind_from_string (_jb_member_string (unit, "kind"), &kind);
  if (status == JB_INCIDENT_STATUS_NEW)
    acknowledge (req, incident);
  if (status == JB_INCIDENT_STATUS_NEW || status == JB_INCIDENT_STATUS_ACKNOWLEDGED)
    set_incident_status (req, incident, JB_INCIDENT_STATUS_DISPATCHED);
  if (status != JB_INCIDENT_STATUS_ON_SCENE)
    set_incident_status (req, incident, JB_INCIDENT_STATUS_ON_SCENE);
  set_time_once (incident, jb_unit_kind_is_police (kind) ? "first_police_on_scene_at"
                                                         : "first_guard_on_scene_at", req->now);
}

static JbUnitStatus
unit_status_for (JbAssignmentState state)
{
  switch (state)
    {
    case JB_ASSIGNMENT_STATE_EN_ROUTE: return JB_UNIT_STATUS_EN_ROUTE;
    case JB_ASSIGNMENT_STATE_ON_SCENE: return JB_UNIT_STATUS_ON_SCENE;
    case JB_ASSIGNMENT_STATE_ASSIGNED:
    case JB_ASSIGNMENT_STATE_ACCEPTED:
    case JB_ASSIGNMENT_STATE_RELEASED:
    case JB_ASSIGNMENT_STATE_DECLINED:
    case JB_ASSIGNMENT_STATE_N:
    default: return JB_UNIT_STATUS_ASSIGNED;
    }
}

gboolean
_jb_incident_set_assignment_state (JbRequest          *req,
                                   JsonObject         *incident,
                                   JsonObject         *unit,
                                   JbAssignmentState   state,
                                   GError            **error)
{
  static const char * const time_members[] = {
    [JB_ASSIGNMENT_STATE_ACCEPTED] = "accepted_at",
    [JB_ASSIGNMENT_STATE_EN_ROUTE] = "en_route_at",
    [JB_ASSIGNMENT_STATE_ON_SCENE] = "on_scene_at",
  };
  const char *unit_id = _jb_member_string (unit, "id");
  JsonObject *assignment = find_active_assignment (incident, unit_id);
  JbAssignmentState current = JB_ASSIGNMENT_STATE_ASSIGNED;

  if (assignment == NULL)
    return conflict (error, "The unit is not assigned to this incident.");
  if (!incident_is_active (incident))
    return conflict (error, "The incident is resolved or closed.");
  jb_assignment_state_from_string (_jb_member_string (assignment, "state"), &current);
  if (state == current)
    return TRUE;  /* a repeat changes nothing */

  if (state == JB_ASSIGNMENT_STATE_DECLINED)
    {
      if (state_rank (current) > 1)
        return conflict (error, "A unit on its way or on scene cannot decline.");
      json_object_set_string_member (assignment, "state", "declined");
      json_object_set_int_member (assignment, "released_at", req->now);
      return save_incident (req, incident, "incident.updated", "assignment", error) &&
             save_unit (req, unit, JB_UNIT_STATUS_AVAILABLE, NULL, error);
    }
  if (state_rank (state) <= state_rank (current))
    return conflict (error, "An assignment only moves forward (assigned, accepted, en_route, on_scene).");

  json_object_set_string_member (assignment, "state", jb_assignment_state_to_string (state));
  set_time_once (assignment, time_members[state], req->now);
  if (state == JB_ASSIGNMENT_STATE_ON_SCENE)
    mark_on_scene (req, incident, unit);
  return save_incident (req, incident, "incident.updated", "assignment", error) &&
         save_unit (req, unit, unit_status_for (state), _jb_member_string (incident, "id"), error);
}

gboolean
_jb_incident_add_procedure_step (JbRequest        *req,
                                 JsonObject       *incident,
                                 const char       *unit_id,
                                 JbProcedureStep   step,
                                 GError          **error)
{
  JsonArray *procedure = _jb_member_array (incident, "procedure");
  const char *name = jb_procedure_step_to_string (step);
  JsonObject *entry;

  if (find_active_assignment (incident, unit_id) == NULL)
    return conflict (error, "The unit is not assigned to this incident.");
  if (!incident_is_open (incident))
    return conflict (error, "The incident is closed.");
  for (guint i = 0; i < json_array_get_length (procedure); i++)
    {
      JsonObject *done = json_array_get_object_element (procedure, i);

      if (g_strcmp0 (_jb_member_string (done, "unit_id"), unit_id) == 0 &&
          g_strcmp0 (_jb_member_string (done, "step"), name) == 0)
        return TRUE;  /* recorded once */
    }
  entry = json_object_new ();
  json_object_set_string_member (entry, "unit_id", unit_id);
  json_object_set_string_member (entry, "step", name);
  json_object_set_int_member (entry, "at", req->now);
  json_array_add_object_element (procedure, entry);
  return save_incident (req, incident, "incident.updated", "procedure", error);
}

/* POST /units/{id}/status */

static gboolean
set_status_with_incident (JbRequest     *req,
                          JsonObject    *unit,
                          JbUnitStatus   status,
                          GError       **error)
{
  const char *incident_id = _jb_member_string (unit, "incident_id");
  g_autoptr(JsonObject) incident = NULL;
  JbAssignmentState current = JB_ASSIGNMENT_STATE_ASSIGNED;
  JsonObject *assignment;

  if (incident_id == NULL)
    return conflict (error, "assigned, en_route and on_scene need an incident: assign the unit first.");
  if ((incident = _jb_incident_load (req, incident_id, error)) == NULL)
    return FALSE;
  if (status == JB_UNIT_STATUS_EN_ROUTE)
    return _jb_incident_set_assignment_state (req, incident, unit, JB_ASSIGNMENT_STATE_EN_ROUTE, error);
  if (status == JB_UNIT_STATUS_ON_SCENE)
    return _jb_incident_set_assignment_state (req, incident, unit, JB_ASSIGNMENT_STATE_ON_SCENE, error);

  assignment = find_active_assignment (incident, _jb_member_string (unit, "id"));
  if (assignment != NULL)
    jb_assignment_state_from_string (_jb_member_string (assignment, "state"), &current);
  if (assignment == NULL || state_rank (current) > state_rank (JB_ASSIGNMENT_STATE_ACCEPTED))
    return conflict (error, "The unit is already on its way or on scene.");
  return TRUE;
}

gboolean
_jb_route_unit_status (JbRequest  *req,
                       GError    **error)
{
  static const char * const allowed[] = { "status", "issued_at", NULL };
  g_autoptr(JsonObject) unit = NULL;
  JbUnitStatus current = JB_UNIT_STATUS_AVAILABLE;
  int status = 0;
  gint64 issued_at;

  if (!_jb_request_require_commander (req, error) ||
      !_jb_request_check_members (req, allowed, error) ||
      !get_issued_at (req, &issued_at, error) ||
      !jb_json_get_enum (req->body, "status", TRUE, JB_ENUM_PARSER (jb_unit_status_from_string),
                         &status, error) ||
      (unit = load_unit (req, req->parts[1], error)) == NULL ||
      !_jb_request_may_command (req, _jb_member_string (unit, "station_id"), "unit", error))
    return FALSE;
  jb_unit_status_from_string (_jb_member_string (unit, "status"), &current);
  /* An older word than the server's latest: the newer one stands. */
  if (issued_at >= 0 && unit_status_time_by_others (req, req->parts[1]) > issued_at)
    return conflict (error, "The unit's status changed on the server after this command was given.");

  if (status == JB_UNIT_STATUS_ASSIGNED || status == JB_UNIT_STATUS_EN_ROUTE ||
      status == JB_UNIT_STATUS_ON_SCENE)
    {
      if (!set_status_with_incident (req, unit, (JbUnitStatus) status, error))
        return FALSE;
    }
  else if (!is_null_member (unit, "incident_id"))
    return conflict (error, "The unit is assigned to an incident: release the assignment first.");
  else if ((JbUnitStatus) status != current &&
           !save_unit (req, unit, (JbUnitStatus) status, NULL, error))
    return FALSE;

  g_clear_pointer (&unit, json_object_unref);
  if ((unit = load_unit (req, req->parts[1], error)) == NULL)
    return FALSE;
  _jb_request_answer (req, 200, unit);
  return TRUE;
}

/* For the call-outs (jb-dispatch-callouts.c). */
gboolean
_jb_incident_save (JbRequest   *req,
                   JsonObject  *incident,
                   const char  *change,
                   GError     **error)
{
  return save_incident (req, incident, "incident.updated", change, error);
}

JsonObject *
_jb_incident_load_commanded (JbRequest   *req,
                             GError     **error)
{
  return load_commanded_incident (req, error);
}

gboolean
_jb_incident_is_open (JsonObject *incident)
{
  return incident_is_open (incident);
}

gboolean
_jb_incident_is_active (JsonObject *incident)
{
  return incident_is_active (incident);
}
