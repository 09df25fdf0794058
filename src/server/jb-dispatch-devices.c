/* jb-dispatch-devices.c — the device API: heartbeats, positions, alarms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-dispatch"

#include "jb-dispatch-private.h"
#include "jb-json-text.h"
#include "jb-position-batch.h"

#include <math.h>
#include <string.h>

typedef struct
{
  const char        *unit_id;
  JbStoragePosition  position;
  char              *org_id;   /* once checked */
  gboolean           moved;    /* newer than the unit's newest fix */
} PositionItem;

static void
position_item_clear (gpointer data)
{
  g_free (((PositionItem *) data)->org_id);
}

/* Checks one fix: stale ones (older than the unit's newest, written or
 * not) are skipped, @out_moved FALSE. A fix may raise or clear a patrol
 * alert, which is a state change: its event goes in the request's
 * transaction. The fix itself is kept by the caller once the whole
 * request is accepted (_jb_dispatch_accept_fix). */
static gboolean
check_fix (JbRequest                *req,
           const char               *unit_id,
           gint64                    stored_time,
           const JbStoragePosition  *position,
           gboolean                 *out_moved,
           GError                  **error)
{
  *out_moved = FALSE;
  if (position->time < _jb_dispatch_fix_time (req->self, unit_id, stored_time))
    return TRUE;
  if (!_jb_dispatch_patrol_fix (req->self, unit_id, position->lat, position->lon, position->time,
                                req->now, error))
    return FALSE;
  *out_moved = TRUE;
  return TRUE;
}

gboolean
_jb_route_heartbeat (JbRequest  *req,
                     GError    **error)
{
  static const char * const allowed[] = { "battery", NULL };
  g_autoptr(JsonObject) answer = json_object_new ();
  double battery = 0;

  if (!_jb_request_check_members (req, allowed, error) ||
      !jb_json_get_double (req->body, "battery", FALSE, &battery, error))
    return FALSE;
  if (battery < 0 || battery > 100)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE, "The battery is 0 to 100.");
      return FALSE;
    }
  /* mark_seen() already noted the terminal alive; nothing to write. */
  json_object_set_int_member (answer, "server_time", req->now);
  _jb_request_answer (req, 200, answer);
  return TRUE;
}

static const char *
terminal_unit_id (JbRequest  *req,
                  GError    **error)
{
  const char *unit_id = _jb_member_string (req->terminal, "unit_id");

  if (unit_id == NULL)
    g_set_error_literal (error, JB_ERROR, JB_ERROR_CONFLICT, "This terminal is not bound to a unit.");
  return unit_id;
}

/* The unit a request is about: the body's "unit_id" (a gateway relaying
 * for a unit of its organisation) or else the terminal's own unit. */
static gboolean may_report_for (JbRequest   *req,
                                const char  *unit_id,
                                const char  *unit_org_id,
                                GError     **error);

static const char *
acting_unit_id (JbRequest  *req,
                GError    **error)
{
  const char *unit_id = NULL, *org_id = NULL;
  gint64 stored_time;

  if (!jb_json_get_string (req->body, "unit_id", FALSE, &unit_id, error))
    return NULL;
  if (unit_id == NULL)
    return terminal_unit_id (req, error);
  if (!jb_storage_peek_unit (req->self->storage, unit_id, &org_id, &stored_time))
    {
      g_set_error (error, JB_ERROR, JB_ERROR_NOT_FOUND, "There is no unit \"%s\".", unit_id);
      return NULL;
    }
  if (!may_report_for (req, unit_id, org_id, error))
    return NULL;
  return unit_id;
}

gboolean
_jb_route_position (JbRequest  *req,
                    GError    **error)
{
  static const char * const allowed[] = { "lat", "lon", "heading", "speed", "accuracy", "time", NULL };
  g_autoptr(JsonObject) answer = json_object_new ();
  JbStoragePosition position;
  const char *unit_id, *org_id;
  gint64 stored_time;
  gboolean moved;

  if (!_jb_request_check_members (req, allowed, error) ||
      !jb_position_read (req->body, req->now, &position, error) ||
      (unit_id = terminal_unit_id (req, error)) == NULL)
    return FALSE;
  if (!jb_storage_peek_unit (req->self->storage, unit_id, &org_id, &stored_time))
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_CONFLICT, "This terminal's unit does not exist.");
      return FALSE;
    }
  if (!check_fix (req, unit_id, stored_time, &position, &moved, error))
    return FALSE;
  if (moved)
    _jb_dispatch_accept_fix (req->self, unit_id, org_id, &position);
  _jb_request_answer (req, 202, answer);
  return TRUE;
}

/* A gateway relays for every unit of its organisation; any other terminal
 * only for its own unit. */
static gboolean
may_report_for (JbRequest   *req,
                const char  *unit_id,
                const char  *unit_org_id,
                GError     **error)
{
  JsonNode *gateway = json_object_get_member (req->terminal, "gateway");
  const char *org_id = _jb_member_string (req->terminal, "org_id");

  if (g_strcmp0 (unit_id, _jb_member_string (req->terminal, "unit_id")) == 0)
    return TRUE;
  if (gateway != NULL && JSON_NODE_HOLDS_VALUE (gateway) && json_node_get_boolean (gateway) &&
      org_id != NULL && g_strcmp0 (org_id, unit_org_id) == 0)
    return TRUE;
  g_set_error (error, JB_ERROR, JB_ERROR_FORBIDDEN, "This terminal may not report for \"%s\".", unit_id);
  return FALSE;
}

/* The plain form of a valid batch, read without a JSON tree (see
 * jb-position-batch.h); anything else is parsed and read as usual. */
gboolean
_jb_scan_positions (JbRequest  *req,
                    GBytes     *body)
{
  gsize len;
  const char *data = g_bytes_get_data (body, &len);

  req->positions = jb_position_batch_scan (data, len, req->now);
  return req->positions != NULL;
}

gboolean
_jb_route_positions (JbRequest  *req,
                     GError    **error)
{
  g_autoptr(JbPositionBatch) batch = NULL;
  g_autoptr(GArray) items = NULL;
  g_autoptr(GHashTable) newest = NULL;  /* unit id → its newest moved item */
  g_autoptr(JsonObject) answer = json_object_new ();
  g_autofree const char **ids = NULL;
  g_autofree gboolean *found = NULL;
  g_autoptr(GPtrArray) org_ids = NULL;  /* may hold NULL: a unit without organisation */
  g_autofree gint64 *stored_times = NULL;
  const JbBatchFix *fixes;
  guint n, accepted = 0;

  /* Validate everything first: a bad item rejects the whole batch. */
  batch = req->positions != NULL ? g_steal_pointer (&req->positions)
                                 : jb_position_batch_read_object (req->body, req->now, error);
  if (batch == NULL)
    return FALSE;
  fixes = jb_position_batch_get_fixes (batch, &n);
  items = g_array_sized_new (FALSE, TRUE, sizeof (PositionItem), n);
  g_array_set_clear_func (items, position_item_clear);
  g_array_set_size (items, n);
  for (guint i = 0; i < n; i++)
    {
      g_array_index (items, PositionItem, i).unit_id = fixes[i].unit_id;
      g_array_index (items, PositionItem, i).position = fixes[i].position;
    }

  /* The units of the whole batch in one lookup: on PostgreSQL one round
   * trip instead of one per item. */
  ids = g_new (const char *, MAX (n, 1));
  found = g_new (gboolean, MAX (n, 1));
  org_ids = g_ptr_array_new_full (n, g_free);
  g_ptr_array_set_size (org_ids, n);
  stored_times = g_new (gint64, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    ids[i] = g_array_index (items, PositionItem, i).unit_id;
  if (!jb_storage_peek_units (req->self->storage, ids, n, found, (char **) org_ids->pdata,
                              stored_times, error))
    return FALSE;

  newest = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    {
      PositionItem *item = &g_array_index (items, PositionItem, i);
      PositionItem *earlier;
      const char *org_id = g_ptr_array_index (org_ids, i);
      gint64 stored_time = stored_times[i];
      gboolean moved;

      if (!found[i])
        {
          g_set_error (error, JB_ERROR, JB_ERROR_NOT_FOUND, "items[%u]: there is no unit \"%s\".",
                       i, item->unit_id);
          return FALSE;
        }
      if (!may_report_for (req, item->unit_id, org_id, error))
        return FALSE;
      item->org_id = g_strdup (org_id);
      /* A unit twice in one batch: its earlier item is not kept yet. */
      earlier = g_hash_table_lookup (newest, item->unit_id);
      if (earlier != NULL)
        stored_time = MAX (stored_time, earlier->position.time);
      if (!check_fix (req, item->unit_id, stored_time, &item->position, &moved, error))
        return FALSE;
      item->moved = moved;
      if (moved)
        g_hash_table_replace (newest, (gpointer) item->unit_id, item);
      accepted += moved ? 1 : 0;
    }
  /* Nothing is kept until every item was accepted: a bad one rejects the
   * batch whole. */
  for (guint i = 0; i < n; i++)
    {
      PositionItem *item = &g_array_index (items, PositionItem, i);

      if (item->moved)
        _jb_dispatch_accept_fix (req->self, item->unit_id, item->org_id, &item->position);
    }
  json_object_set_int_member (answer, "accepted", accepted);
  _jb_request_answer (req, 202, answer);
  return TRUE;
}

/* Where an alarm happened when the device does not say. */
static gboolean
default_alarm_location (JbRequest  *req,
                        double     *out_lat,
                        double     *out_lon)
{
  JsonObject *location = _jb_member_object (req->terminal, "location");
  const char *unit_id = _jb_member_string (req->terminal, "unit_id");
  g_autoptr(JsonObject) unit = NULL;

  if (location == NULL && unit_id != NULL &&
      (unit = _jb_dispatch_get_unit (req->self, unit_id)) != NULL)
    location = _jb_member_object (unit, "position");
  if (location == NULL)
    return FALSE;
  *out_lat = json_object_get_double_member_with_default (location, "lat", 0);
  *out_lon = json_object_get_double_member_with_default (location, "lon", 0);
  return TRUE;
}

gboolean
_jb_route_alarm (JbRequest  *req,
                 GError    **error)
{
  static const char * const allowed[] = { "type", "priority", "description", "location", NULL };
  JbIncidentDraft draft = { .source = JB_INCIDENT_SOURCE_TERMINAL };
  JbTerminalKind kind = JB_TERMINAL_KIND_ALARM_BUTTON;
  g_autoptr(JsonObject) incident = NULL;
  int type = JB_INCIDENT_TYPE_ALARM;
  gboolean present;

  jb_terminal_kind_from_string (_jb_member_string (req->terminal, "kind"), &kind);
  draft.priority = kind == JB_TERMINAL_KIND_ALARM_BUTTON ? 1 : 2;
  if (!_jb_request_check_members (req, allowed, error) ||
      !jb_json_get_enum (req->body, "type", FALSE, JB_ENUM_PARSER (jb_incident_type_from_string), &type, error) ||
      !jb_json_get_int (req->body, "priority", FALSE, &draft.priority, error) ||
      !jb_json_get_string (req->body, "description", FALSE, &draft.description, error) ||
      !_jb_get_location (req->body, FALSE, &present, &draft.lat, &draft.lon, error))
    return FALSE;
  if (draft.priority < 1 || draft.priority > 4)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE, "The priority is 1 to 4.");
      return FALSE;
    }
  if (draft.description != NULL && g_utf8_strlen (draft.description, -1) > 2000)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE, "The description is at most 2000 characters.");
      return FALSE;
    }
  if (!present && !default_alarm_location (req, &draft.lat, &draft.lon))
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_MISSING_FIELD,
                           "The field \"location\" is required: this terminal has no known position.");
      return FALSE;
    }
  draft.type = (JbIncidentType) type;
  draft.venue = _jb_member_object (req->terminal, "venue");
  draft.address = _jb_member_string (draft.venue, "address");
  draft.terminal_id = req->terminal_id;
  draft.reported_by = _jb_member_string (req->terminal, "name");

  if ((incident = _jb_incident_create (req, &draft, error)) == NULL)
    return FALSE;
  _jb_request_answer (req, 201, incident);
  return TRUE;
}

gboolean
_jb_route_procedure (JbRequest  *req,
                     GError    **error)
{
  static const char * const allowed[] = { "incident_id", "step", "unit_id", NULL };
  g_autoptr(JsonObject) incident = NULL;
  const char *incident_id = NULL, *unit_id;
  int step = 0;

  if (!_jb_request_check_members (req, allowed, error) ||
      !jb_json_get_string (req->body, "incident_id", TRUE, &incident_id, error) ||
      !jb_json_get_enum (req->body, "step", TRUE, JB_ENUM_PARSER (jb_procedure_step_from_string), &step, error) ||
      (unit_id = acting_unit_id (req, error)) == NULL ||
      (incident = _jb_incident_load (req, incident_id, error)) == NULL ||
      !_jb_incident_add_procedure_step (req, incident, unit_id, (JbProcedureStep) step, error))
    return FALSE;
  _jb_request_answer (req, 200, incident);
  return TRUE;
}

gboolean
_jb_route_device_assignment (JbRequest  *req,
                             GError    **error)
{
  static const char * const allowed[] = { "incident_id", "state", "unit_id", NULL };
  g_autoptr(JsonObject) incident = NULL;
  g_autoptr(JsonObject) unit = NULL;
  const char *incident_id = NULL, *unit_id;
  int state = 0;

  if (!_jb_request_check_members (req, allowed, error) ||
      !jb_json_get_string (req->body, "incident_id", TRUE, &incident_id, error) ||
      !jb_json_get_enum (req->body, "state", TRUE, JB_ENUM_PARSER (jb_assignment_state_from_string), &state, error))
    return FALSE;
  if (state == JB_ASSIGNMENT_STATE_ASSIGNED || state == JB_ASSIGNMENT_STATE_RELEASED)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                           "A device reports accepted, declined, en_route or on_scene.");
      return FALSE;
    }
  if ((unit_id = acting_unit_id (req, error)) == NULL ||
      (incident = _jb_incident_load (req, incident_id, error)) == NULL)
    return FALSE;
  if ((unit = _jb_dispatch_get_unit (req->self, unit_id)) == NULL)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_CONFLICT, "This terminal's unit does not exist.");
      return FALSE;
    }
  if (!_jb_incident_set_assignment_state (req, incident, unit, (JbAssignmentState) state, error))
    return FALSE;
  _jb_request_answer (req, 200, incident);
  return TRUE;
}
