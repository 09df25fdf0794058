/* jb-dispatch-callouts.c — call-outs (一呼百应): a dispatcher calls every
 * volunteer and free guard near an incident; their terminals answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-dispatch"

#include "jb-dispatch-private.h"

#include "jb-geo.h"

#define MIN_RADIUS_M   50
#define MAX_RADIUS_M   5000
#define MAX_MESSAGE    200
#define MAX_CALLED     500

typedef enum
{
  ANSWER_CALLED,
  ANSWER_ACCEPTED,
  ANSWER_EN_ROUTE,
  ANSWER_ARRIVED,
  ANSWER_DECLINED,
} Answer;

static const char * const answer_names[] = { "called", "accepted", "en_route", "arrived", "declined" };

static gboolean
answer_from_string (const char *text,
                    Answer     *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (answer_names); i++)
    if (g_strcmp0 (text, answer_names[i]) == 0)
      {
        *out = (Answer) i;
        return TRUE;
      }
  return FALSE;
}

/* Called: volunteers on duty and guards free for it, neither on an incident. */
static gboolean
may_be_called (JsonObject *unit)
{
  const char *kind = _jb_member_string (unit, "kind");
  const char *status = _jb_member_string (unit, "status");

  if (_jb_member_string (unit, "incident_id") != NULL || _jb_member_object (unit, "position") == NULL)
    return FALSE;
  if (g_strcmp0 (kind, "volunteer") == 0)
    return g_strcmp0 (status, "available") == 0 || g_strcmp0 (status, "busy") == 0;
  if (g_strcmp0 (kind, "guard") == 0)
    return g_strcmp0 (status, "available") == 0;
  return FALSE;
}

typedef struct
{
  JsonObject *unit;
  double      distance;
} Candidate;

static int
by_distance (gconstpointer a,
             gconstpointer b)
{
  double da = ((const Candidate *) a)->distance, db = ((const Candidate *) b)->distance;

  return da < db ? -1 : da > db ? 1 : 0;
}

static void
update_counts (JsonObject *callout)
{
  JsonArray *responders = _jb_member_array (callout, "responders");
  gint64 counts[G_N_ELEMENTS (answer_names)] = { 0 };
  JsonObject *object = json_object_new ();

  for (guint i = 0; responders != NULL && i < json_array_get_length (responders); i++)
    {
      Answer answer = ANSWER_CALLED;

      answer_from_string (_jb_member_string (json_array_get_object_element (responders, i), "state"), &answer);
      counts[answer]++;
    }
  /* Each count is of those who got at least that far. */
  json_object_set_int_member (object, "called", responders != NULL ? json_array_get_length (responders) : 0);
  json_object_set_int_member (object, "accepted",
                              counts[ANSWER_ACCEPTED] + counts[ANSWER_EN_ROUTE] + counts[ANSWER_ARRIVED]);
  json_object_set_int_member (object, "en_route", counts[ANSWER_EN_ROUTE] + counts[ANSWER_ARRIVED]);
  json_object_set_int_member (object, "arrived", counts[ANSWER_ARRIVED]);
  json_object_set_int_member (object, "declined", counts[ANSWER_DECLINED]);
  json_object_set_object_member (callout, "counts", object);
}

/* POST /api/v1/incidents/{id}/callouts {radius_m | grid_id, message} */
gboolean
_jb_route_create_callout (JbRequest  *req,
                          GError    **error)
{
  static const char * const allowed[] = { "radius_m", "grid_id", "message", NULL };
  g_autoptr(JsonObject) incident = NULL;
  g_autoptr(JsonObject) grid = NULL;
  g_autoptr(JbGeoShape) area = NULL;
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  const char *grid_id = NULL, *message = NULL;
  JsonNode *radius_node;
  gint64 radius = 0, serial;
  JsonObject *location, *callout;
  JsonArray *responders, *callouts;
  double lat, lon;
  g_autofree char *id = NULL;
  g_autofree char *stripped = NULL;

  if ((incident = _jb_incident_load_commanded (req, error)) == NULL ||
      !_jb_request_check_members (req, allowed, error) ||
      !jb_json_get_string (req->body, "message", TRUE, &message, error) ||
      !jb_json_get_string (req->body, "grid_id", FALSE, &grid_id, error) ||
      !jb_json_get_int (req->body, "radius_m", FALSE, &radius, error))
    return FALSE;
  radius_node = json_object_get_member (req->body, "radius_m");
  stripped = g_strstrip (g_strdup (message));
  if (g_utf8_strlen (stripped, -1) < 1 || g_utf8_strlen (message, -1) > MAX_MESSAGE)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE, "message: 1 to %d characters.", MAX_MESSAGE);
      return FALSE;
    }
  if ((radius_node != NULL) == (grid_id != NULL))
    {
      g_set_error_literal (error, JB_ERROR, radius_node == NULL ? JB_ERROR_MISSING_FIELD : JB_ERROR_INVALID_VALUE,
                           "Give exactly one of \"radius_m\" and \"grid_id\".");
      return FALSE;
    }
  if (radius_node != NULL && (radius < MIN_RADIUS_M || radius > MAX_RADIUS_M))
    {
      g_set_error (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE, "radius_m: %d to %d metres.", MIN_RADIUS_M, MAX_RADIUS_M);
      return FALSE;
    }
  if (grid_id != NULL)
    {
      grid = jb_storage_get_grid (req->self->storage, grid_id);
      if (grid == NULL)
        {
          g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE, "grid_id: there is no grid \"%s\".", grid_id);
          return FALSE;
        }
      area = jb_geo_shape_new_from_json (json_object_get_member (grid, "area"), NULL);
      if (area == NULL)
        {
          g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL, "The grid \"%s\" has no area.", grid_id);
          return FALSE;
        }
    }
  if (!_jb_incident_is_active (incident))
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_CONFLICT, "The incident is already resolved or closed.");
      return FALSE;
    }

  location = _jb_member_object (incident, "location");
  lat = json_object_get_double_member_with_default (location, "lat", 0);
  lon = json_object_get_double_member_with_default (location, "lon", 0);
  if ((units = _jb_dispatch_list_units (req->self, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < units->len; i++)
    {
      JsonObject *unit = g_ptr_array_index (units, i);
      JsonObject *position;
      Candidate candidate;
      double ulat, ulon;

      if (!may_be_called (unit))
        continue;
      position = _jb_member_object (unit, "position");
      ulat = json_object_get_double_member_with_default (position, "lat", 0);
      ulon = json_object_get_double_member_with_default (position, "lon", 0);
      candidate.unit = unit;
      candidate.distance = jb_geo_distance_m (lat, lon, ulat, ulon);
      if (area != NULL ? !jb_geo_shape_contains (area, ulat, ulon) : candidate.distance > radius)
        continue;
      g_array_append_val (candidates, candidate);
    }
  g_array_sort (candidates, by_distance);
  if (candidates->len > MAX_CALLED)
    g_array_set_size (candidates, MAX_CALLED);

  if ((serial = jb_storage_next_counter (req->self->storage, "callout_serial", error)) == 0)
    return FALSE;
  id = g_strdup_printf ("co-%06" G_GINT64_FORMAT, serial);
  callout = json_object_new ();
  json_object_set_string_member (callout, "id", id);
  json_object_set_string_member (callout, "message", message);
  if (radius_node != NULL)
    json_object_set_int_member (callout, "radius_m", radius);
  else
    json_object_set_null_member (callout, "radius_m");
  if (grid_id != NULL)
    json_object_set_string_member (callout, "grid_id", grid_id);
  else
    json_object_set_null_member (callout, "grid_id");
  json_object_set_int_member (callout, "created_at", req->now);
  json_object_set_string_member (callout, "created_by", req->username);
  responders = json_array_new ();
  for (guint i = 0; i < candidates->len; i++)
    {
      JsonObject *unit = g_array_index (candidates, Candidate, i).unit;
      JsonObject *responder = json_object_new ();
      const char *unit_id = _jb_member_string (unit, "id");

      json_object_set_string_member (responder, "unit_id", unit_id);
      json_object_set_string_member (responder, "state", "called");
      json_object_set_int_member (responder, "distance_m", (gint64) g_array_index (candidates, Candidate, i).distance);
      json_object_set_null_member (responder, "answered_at");
      json_array_add_object_element (responders, responder);
      if (!jb_storage_set_callout_recipient (req->self->storage, id, unit_id,
                                             _jb_member_string (incident, "id"), TRUE, error))
        {
          json_array_unref (responders);
          json_object_unref (callout);
          return FALSE;
        }
    }
  json_object_set_array_member (callout, "responders", responders);
  update_counts (callout);

  callouts = _jb_member_array (incident, "callouts");
  if (callouts == NULL)
    {
      callouts = json_array_new ();
      json_object_set_array_member (incident, "callouts", callouts);
    }
  json_array_add_object_element (callouts, callout);
  if (!_jb_incident_save (req, incident, "callout", error))
    return FALSE;
  _jb_request_answer (req, 201, incident);
  return TRUE;
}

static JsonObject *
find_callout (JsonObject *incident,
              const char *id)
{
  JsonArray *callouts = _jb_member_array (incident, "callouts");

  for (guint i = 0; callouts != NULL && i < json_array_get_length (callouts); i++)
    {
      JsonObject *callout = json_array_get_object_element (callouts, i);

      if (g_strcmp0 (_jb_member_string (callout, "id"), id) == 0)
        return callout;
    }
  return NULL;
}

static JsonObject *
find_responder (JsonObject *callout,
                const char *unit_id)
{
  JsonArray *responders = _jb_member_array (callout, "responders");

  for (guint i = 0; responders != NULL && i < json_array_get_length (responders); i++)
    {
      JsonObject *responder = json_array_get_object_element (responders, i);

      if (g_strcmp0 (_jb_member_string (responder, "unit_id"), unit_id) == 0)
        return responder;
    }
  return NULL;
}

/* What a terminal sees of one call-out for one of its units. */
static JsonObject *
device_item (JsonObject *incident,
             JsonObject *callout,
             JsonObject *responder)
{
  JsonObject *item = json_object_new ();
  JsonObject *location = _jb_member_object (incident, "location");

  json_object_set_string_member (item, "id", _jb_member_string (callout, "id"));
  json_object_set_string_member (item, "incident_id", _jb_member_string (incident, "id"));
  json_object_set_string_member (item, "unit_id", _jb_member_string (responder, "unit_id"));
  json_object_set_string_member (item, "state", _jb_member_string (responder, "state"));
  json_object_set_string_member (item, "message", _jb_member_string (callout, "message"));
  json_object_set_string_member (item, "type", _jb_member_string (incident, "type"));
  if (location != NULL)
    json_object_set_object_member (item, "location", json_object_ref (location));
  if (_jb_member_string (incident, "address") != NULL)
    json_object_set_string_member (item, "address", _jb_member_string (incident, "address"));
  else
    json_object_set_null_member (item, "address");
  json_object_set_int_member (item, "created_at", _jb_member_int (callout, "created_at", 0));
  return item;
}

static gboolean
terminal_is_gateway (JsonObject *terminal)
{
  JsonNode *gateway = json_object_get_member (terminal, "gateway");

  return gateway != NULL && JSON_NODE_HOLDS_VALUE (gateway) && json_node_get_boolean (gateway);
}

/* GET /api/v1/device/callouts: the pending call-outs of the terminal's unit
 * (a gateway: of every unit of its organisation). */
gboolean
_jb_route_device_callouts (JbRequest  *req,
                           GError    **error)
{
  const char *unit_id = _jb_member_string (req->terminal, "unit_id");
  const char *org_id = terminal_is_gateway (req->terminal) ? _jb_member_string (req->terminal, "org_id") : NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GHashTable) incidents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           (GDestroyNotify) json_object_unref);
  g_autoptr(JsonObject) answer = json_object_new ();
  JsonArray *items = json_array_new ();

  json_object_set_array_member (answer, "items", items);
  if (unit_id == NULL && org_id == NULL)
    {
      _jb_request_answer (req, 200, answer);
      return TRUE;
    }
  if ((pending = jb_storage_list_pending_callouts (req->self->storage, unit_id, org_id, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < pending->len; i++)
    {
      JsonObject *row = g_ptr_array_index (pending, i);
      const char *incident_id = _jb_member_string (row, "incident_id");
      JsonObject *incident = g_hash_table_lookup (incidents, incident_id);
      JsonObject *callout, *responder;

      if (incident == NULL)
        {
          incident = jb_storage_get_incident (req->self->storage, incident_id);
          if (incident == NULL)
            continue;
          g_hash_table_insert (incidents, g_strdup (incident_id), incident);
        }
      /* A call-out for a resolved or closed incident is over. */
      if (!_jb_incident_is_active (incident) ||
          (callout = find_callout (incident, _jb_member_string (row, "callout_id"))) == NULL ||
          (responder = find_responder (callout, _jb_member_string (row, "unit_id"))) == NULL)
        continue;
      json_array_add_object_element (items, device_item (incident, callout, responder));
    }
  _jb_request_answer (req, 200, answer);
  return TRUE;
}

/* The order answers go in: each only forward; declining only before
 * setting off. */
static gboolean
may_move (Answer from,
          Answer to)
{
  if (to == ANSWER_DECLINED)
    return from == ANSWER_CALLED || from == ANSWER_ACCEPTED;
  if (from == ANSWER_DECLINED)
    return FALSE;
  return to > from;
}

/* POST /api/v1/device/callouts/{id}/answer {answer, unit_id?} */
gboolean
_jb_route_device_callout_answer (JbRequest  *req,
                                 GError    **error)
{
  static const char * const allowed[] = { "answer", "unit_id", NULL };
  const char *callout_id = req->parts[2];
  const char *answer_text = NULL, *unit_id = NULL;
  g_autoptr(JsonObject) incident = NULL;
  g_autoptr(JsonObject) unit = NULL;
  JsonObject *callout = NULL, *responder = NULL, *item;
  const char *incident_id = NULL;
  Answer answer, current = ANSWER_CALLED;
  g_autofree char *incident_id_owned = NULL;

  if (!_jb_request_check_members (req, allowed, error) ||
      !jb_json_get_string (req->body, "answer", TRUE, &answer_text, error) ||
      !jb_json_get_string (req->body, "unit_id", FALSE, &unit_id, error))
    return FALSE;
  if (g_strcmp0 (answer_text, "accept") == 0)
    answer = ANSWER_ACCEPTED;
  else if (g_strcmp0 (answer_text, "decline") == 0)
    answer = ANSWER_DECLINED;
  else if (g_strcmp0 (answer_text, "en_route") == 0)
    answer = ANSWER_EN_ROUTE;
  else if (g_strcmp0 (answer_text, "arrived") == 0)
    answer = ANSWER_ARRIVED;
  else
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                   "answer: one of accept, decline, en_route, arrived (not \"%s\").", answer_text);
      return FALSE;
    }
  if (unit_id == NULL)
    unit_id = _jb_member_string (req->terminal, "unit_id");
  if (unit_id == NULL)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_CONFLICT, "This terminal is not bound to a unit.");
      return FALSE;
    }
  unit = _jb_dispatch_get_unit (req->self, unit_id);
  if (unit == NULL)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_NOT_FOUND, "There is no unit \"%s\".", unit_id);
      return FALSE;
    }
  if (g_strcmp0 (unit_id, _jb_member_string (req->terminal, "unit_id")) != 0 &&
      !(terminal_is_gateway (req->terminal) &&
        g_strcmp0 (_jb_member_string (req->terminal, "org_id"), _jb_member_string (unit, "org_id")) == 0))
    {
      g_set_error (error, JB_ERROR, JB_ERROR_FORBIDDEN, "This terminal may not answer for \"%s\".", unit_id);
      return FALSE;
    }

  incident_id_owned = jb_storage_get_callout_incident (req->self->storage, callout_id, unit_id);
  if (incident_id_owned != NULL && (incident = jb_storage_get_incident (req->self->storage, incident_id_owned)) != NULL)
    {
      incident_id = incident_id_owned;
      callout = find_callout (incident, callout_id);
    }
  if (callout == NULL || (responder = find_responder (callout, unit_id)) == NULL)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_NOT_FOUND, "The unit \"%s\" was not called by \"%s\".",
                   unit_id, callout_id);
      return FALSE;
    }
  if (!_jb_incident_is_active (incident))
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_CONFLICT, "The incident is already resolved or closed.");
      return FALSE;
    }
  answer_from_string (_jb_member_string (responder, "state"), &current);
  if (answer != current)
    {
      if (!may_move (current, answer))
        {
          g_set_error (error, JB_ERROR, JB_ERROR_CONFLICT, "A call-out answered \"%s\" cannot become \"%s\".",
                       answer_names[current], answer_names[answer]);
          return FALSE;
        }
      json_object_set_string_member (responder, "state", answer_names[answer]);
      json_object_set_int_member (responder, "answered_at", req->now);
      update_counts (callout);
      if (!jb_storage_set_callout_recipient (req->self->storage, callout_id, unit_id, incident_id,
                                             answer != ANSWER_ARRIVED && answer != ANSWER_DECLINED, error) ||
          !_jb_incident_save (req, incident, "callout", error))
        return FALSE;
    }
  item = device_item (incident, callout, responder);
  _jb_request_answer (req, 200, item);
  json_object_unref (item);
  return TRUE;
}
