/* jb-dispatch-reads.c — sessions and every GET of the people's API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-dispatch"

#include "jb-dispatch-private.h"

#include <sodium.h>
#include <string.h>

#define DEFAULT_LIST_LIMIT    100
#define MAX_LIST_LIMIT        500
#define MAX_OPEN_INCIDENTS    100000

static JsonArray *
array_of_objects (GPtrArray *objects)
{
  JsonArray *array = json_array_sized_new (objects->len);

  for (guint i = 0; i < objects->len; i++)
    json_array_add_object_element (array, json_object_ref (g_ptr_array_index (objects, i)));
  return array;
}

static void
answer_items (JbRequest *req,
              GPtrArray *objects)
{
  JsonObject *answer = json_object_new ();

  json_object_set_array_member (answer, "items", array_of_objects (objects));
  _jb_request_answer (req, 200, answer);
  json_object_unref (answer);
}

static void
overlay_terminals (JbDispatch *self,
                   GPtrArray  *terminals)
{
  for (guint i = 0; i < terminals->len; i++)
    _jb_dispatch_overlay_liveness (self, g_ptr_array_index (terminals, i));
}

/* Sessions */

/* The synchronous login, for in-process callers (the simulator); the HTTP
 * layer uses jb_dispatch_login_async(), which also limits guessing. */
gboolean
_jb_route_login (JbRequest  *req,
                 GError    **error)
{
  static const char * const allowed[] = { "username", "password", NULL };
  const char *username = NULL, *password = NULL;
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(JsonObject) answer = NULL;

  if (!_jb_request_check_members (req, allowed, error) ||
      !jb_json_get_string (req->body, "username", TRUE, &username, error) ||
      !jb_json_get_string (req->body, "password", TRUE, &password, error))
    return FALSE;

  user = jb_storage_get_user (req->self->storage, username, TRUE);
  if (!_jb_login_verify (_jb_member_string (user, "password_hash"), password))
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_UNAUTHORIZED, "Wrong username or password.");
      return FALSE;
    }
  answer = _jb_login_open_session (req->self, user, username, req->now, error);
  if (answer == NULL)
    return FALSE;
  _jb_request_answer (req, 201, answer);
  return TRUE;
}

gboolean
_jb_route_logout (JbRequest  *req,
                  GError    **error)
{
  if (!jb_storage_delete_session (req->self->storage, req->token_hash, JB_HASH_BYTES, error))
    return FALSE;
  _jb_dispatch_session_ended (req->self, req->token_hash);
  _jb_request_answer (req, 204, NULL);
  return TRUE;
}

/* Snapshot: written as text, the units straight from the database (see
 * jb-json-text.h); the rest is small. */

static void
append_node (GString  *out,
             JsonNode *node)
{
  g_autofree char *text = jb_json_to_string (node, NULL);

  g_string_append (out, text);
}

static void
append_object (GString    *out,
               JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  append_node (out, node);
}

static void
append_objects (GString   *out,
                GPtrArray *objects)
{
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), NULL);

  json_node_take_array (node, array_of_objects (objects));
  append_node (out, node);
}

static gboolean
write_snapshot (JbRequest   *req,
                GString     *out,
                GError     **error)
{
  JbStorage *storage = req->self->storage;
  g_autoptr(GPtrArray) stations = NULL;
  g_autoptr(GPtrArray) grids = NULL;
  g_autoptr(GPtrArray) terminals = NULL;
  g_autoptr(GPtrArray) incidents = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(JsonObject) config = _jb_dispatch_config (req->self);
  gint64 oldest, latest;

  jb_storage_get_event_bounds (storage, &oldest, &latest);
  if ((stations = jb_storage_list_stations (storage, error)) == NULL ||
      (grids = jb_storage_list_grids (storage, error)) == NULL ||
      (terminals = jb_storage_list_terminals (storage, error)) == NULL ||
      (incidents = jb_storage_list_incidents (storage, JB_STORAGE_INCIDENTS_OPEN, NULL, -1, -1,
                                              MAX_OPEN_INCIDENTS, error)) == NULL ||
      (alerts = jb_storage_list_uncleared_alerts (storage, error)) == NULL)
    return FALSE;
  overlay_terminals (req->self, terminals);

  g_string_append_printf (out, "{\"seq\":%" G_GINT64_FORMAT ",\"server_time\":%" G_GINT64_FORMAT
                          ",\"user\":", latest, _jb_now_ms ());
  append_object (out, req->user);
  g_string_append (out, ",\"config\":");
  append_object (out, config);
  g_string_append (out, ",\"stations\":");
  append_objects (out, stations);
  g_string_append (out, ",\"grids\":");
  append_objects (out, grids);
  g_string_append (out, ",\"units\":");
  if (!jb_storage_append_units_json (storage, out, error))
    return FALSE;
  g_string_append (out, ",\"terminals\":");
  append_objects (out, terminals);
  g_string_append (out, ",\"incidents\":");
  append_objects (out, incidents);
  g_string_append (out, ",\"alerts\":");
  append_objects (out, alerts);
  g_string_append_c (out, '}');
  return TRUE;
}

gboolean
_jb_route_snapshot (JbRequest  *req,
                    GError    **error)
{
  g_autoptr(GString) out = g_string_sized_new (1024 * 1024);
  gboolean ok;

  /* The fixes not yet written go in first: the snapshot is current. */
  if (!_jb_dispatch_flush_positions (req->self, error))
    return FALSE;
  /* One read transaction: the state and max(seq) agree. */
  if (!jb_storage_begin_read (req->self->storage, error))
    return FALSE;
  ok = write_snapshot (req, out, error);
  jb_storage_rollback (req->self->storage);
  if (!ok)
    return FALSE;
  req->status = 200;
  req->answer_text = g_string_free (g_steal_pointer (&out), FALSE);
  return TRUE;
}

gboolean
_jb_route_config (JbRequest  *req,
                  GError    **error)
{
  g_autoptr(JsonObject) config = _jb_dispatch_config (req->self);

  _jb_request_answer (req, 200, config);
  return TRUE;
}

gboolean
_jb_route_health (JbRequest  *req,
                  GError    **error)
{
  g_autoptr(JsonObject) answer = json_object_new ();

  json_object_set_string_member (answer, "status", "ok");
  json_object_set_int_member (answer, "seq", jb_dispatch_get_latest_seq (req->self));
  /* Whether this server holds the duty lease (docs/deploy.md). */
  json_object_set_boolean_member (answer, "duties", req->self->holds_duty);
  json_object_set_string_member (answer, "version", PACKAGE_VERSION);
  _jb_request_answer (req, 200, answer);
  return TRUE;
}

/* Lists and single objects */

gboolean
_jb_route_list_stations (JbRequest  *req,
                         GError    **error)
{
  g_autoptr(GPtrArray) stations = jb_storage_list_stations (req->self->storage, error);

  if (stations == NULL)
    return FALSE;
  answer_items (req, stations);
  return TRUE;
}

gboolean
_jb_route_list_units (JbRequest  *req,
                      GError    **error)
{
  g_autoptr(GString) out = g_string_new ("{\"items\":");

  if (!_jb_dispatch_flush_positions (req->self, error) ||
      !jb_storage_append_units_json (req->self->storage, out, error))
    return FALSE;
  g_string_append_c (out, '}');
  req->status = 200;
  req->answer_text = g_string_free (g_steal_pointer (&out), FALSE);
  return TRUE;
}

gboolean
_jb_route_list_terminals (JbRequest  *req,
                          GError    **error)
{
  g_autoptr(GPtrArray) terminals = jb_storage_list_terminals (req->self->storage, error);

  if (terminals == NULL)
    return FALSE;
  overlay_terminals (req->self, terminals);
  answer_items (req, terminals);
  return TRUE;
}

static gboolean
answer_found (JbRequest   *req,
              JsonObject  *object,
              const char  *what,
              GError     **error)
{
  if (object == NULL)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_NOT_FOUND, "There is no %s \"%s\".", what, req->parts[1]);
      return FALSE;
    }
  _jb_request_answer (req, 200, object);
  json_object_unref (object);
  return TRUE;
}

gboolean
_jb_route_get_unit (JbRequest  *req,
                    GError    **error)
{
  return answer_found (req, _jb_dispatch_get_unit (req->self, req->parts[1]), "unit", error);
}

gboolean
_jb_route_get_terminal (JbRequest  *req,
                        GError    **error)
{
  JsonObject *terminal = jb_storage_get_terminal (req->self->storage, req->parts[1]);

  if (terminal != NULL)
    _jb_dispatch_overlay_liveness (req->self, terminal);
  return answer_found (req, terminal, "terminal", error);
}

gboolean
_jb_route_get_incident (JbRequest  *req,
                        GError    **error)
{
  return answer_found (req, jb_storage_get_incident (req->self->storage, req->parts[1]),
                       "incident", error);
}

/* GET /incidents */

static gboolean
query_int (JbRequest   *req,
           const char  *name,
           gint64       min,
           gint64       max,
           gint64      *out,
           GError     **error)
{
  const char *text = req->query != NULL ? g_hash_table_lookup (req->query, name) : NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 value;

  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value, &local_error))
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INVALID_TYPE, "The parameter \"%s\" must be an integer.", name);
      return FALSE;
    }
  if (value < min || value > max)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE,
                   "The parameter \"%s\" must be within [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "].",
                   name, min, max);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

static gboolean
query_status (JbRequest                *req,
              JbStorageIncidentFilter  *out,
              GError                  **error)
{
  const char *text = req->query != NULL ? g_hash_table_lookup (req->query, "status") : NULL;

  if (text == NULL || strcmp (text, "all") == 0)
    *out = JB_STORAGE_INCIDENTS_ALL;
  else if (strcmp (text, "open") == 0)
    *out = JB_STORAGE_INCIDENTS_OPEN;
  else if (strcmp (text, "closed") == 0)
    *out = JB_STORAGE_INCIDENTS_CLOSED;
  else
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                   "The parameter \"status\" is open, closed or all.");
      return FALSE;
    }
  return TRUE;
}

gboolean
_jb_route_list_incidents (JbRequest  *req,
                          GError    **error)
{
  JbStorageIncidentFilter filter;
  gint64 from = -1, to = -1, limit = DEFAULT_LIST_LIMIT;
  const char *q = req->query != NULL ? g_hash_table_lookup (req->query, "q") : NULL;
  g_autofree char *q_lower = NULL;
  g_autoptr(GPtrArray) incidents = NULL;

  if (!query_status (req, &filter, error) ||
      !query_int (req, "from", 0, G_MAXINT64, &from, error) ||
      !query_int (req, "to", 0, G_MAXINT64, &to, error) ||
      !query_int (req, "limit", 1, MAX_LIST_LIMIT, &limit, error))
    return FALSE;
  if (q != NULL)
    {
      if (!g_utf8_validate (q, -1, NULL))
        {
          g_set_error_literal (error, JB_ERROR, JB_ERROR_INVALID_VALUE, "The parameter \"q\" is not UTF-8.");
          return FALSE;
        }
      q_lower = g_utf8_strdown (q, -1);
    }
  incidents = jb_storage_list_incidents (req->self->storage, filter, q_lower, from, to, (guint) limit, error);
  if (incidents == NULL)
    return FALSE;
  answer_items (req, incidents);
  return TRUE;
}
