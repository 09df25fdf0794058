/* jb-dispatch-grids.c — grids (网格): reading them, changing their members
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-dispatch"

#include "jb-dispatch-private.h"

#include "jb-demo-grids.h"

#define MAX_VOLUNTEERS 20

gboolean
_jb_route_list_grids (JbRequest  *req,
                      GError    **error)
{
  g_autoptr(GPtrArray) grids = jb_storage_list_grids (req->self->storage, error);
  JsonObject *answer;
  JsonArray *items;

  if (grids == NULL)
    return FALSE;
  answer = json_object_new ();
  items = json_array_new ();
  for (guint i = 0; i < grids->len; i++)
    json_array_add_object_element (items, json_object_ref (g_ptr_array_index (grids, i)));
  json_object_set_array_member (answer, "items", items);
  _jb_request_answer (req, 200, answer);
  json_object_unref (answer);
  return TRUE;
}

/* A member: null, or the id of an existing unit of one of @kinds. */
static gboolean
check_unit (JbRequest   *req,
            const char  *id,
            const char  *where,
            const char  *kind,
            GError     **error)
{
  g_autoptr(JsonObject) unit = NULL;

  if (id == NULL)
    return TRUE;
  unit = _jb_dispatch_get_unit (req->self, id);
  if (unit == NULL)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE, "%s: there is no unit \"%s\".", where, id);
      return FALSE;
    }
  if (g_strcmp0 (_jb_member_string (unit, "kind"), kind) != 0)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE, "%s: unit \"%s\" is not a %s.", where, id, kind);
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_nullable_string (JsonObject  *object,
                     const char  *member,
                     const char **out,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_MISSING_FIELD, "The field \"%s\" is required (null for nobody).",
                   member);
      return FALSE;
    }
  *out = NULL;
  return JSON_NODE_HOLDS_NULL (node) || jb_json_get_string (object, member, TRUE, out, error);
}

/* PUT /api/v1/grids/{id}/members {officer, auxiliary, volunteers}: the
 * whole membership at once, as rosters are. */
gboolean
_jb_route_grid_members (JbRequest  *req,
                        GError    **error)
{
  static const char * const allowed[] = { "officer", "auxiliary", "volunteers", NULL };
  const char *grid_id = req->parts[1];
  g_autoptr(JsonObject) grid = NULL;
  JsonObject *members;
  JsonArray *volunteers = NULL, *copy;
  const char *officer = NULL, *auxiliary = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (!_jb_request_require_commander (req, error))
    return FALSE;
  grid = jb_storage_get_grid (req->self->storage, grid_id);
  if (grid == NULL)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_NOT_FOUND, "There is no grid \"%s\".", grid_id);
      return FALSE;
    }
  if (!_jb_request_may_command (req, _jb_member_string (grid, "station_id"), "grid", error) ||
      !_jb_request_check_members (req, allowed, error) ||
      !get_nullable_string (req->body, "officer", &officer, error) ||
      !get_nullable_string (req->body, "auxiliary", &auxiliary, error) ||
      !jb_json_get_array (req->body, "volunteers", TRUE, &volunteers, error) ||
      !check_unit (req, officer, "officer", "officer", error) ||
      !check_unit (req, auxiliary, "auxiliary", "officer", error))
    return FALSE;
  if (json_array_get_length (volunteers) > MAX_VOLUNTEERS)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE, "volunteers: at most %d.", MAX_VOLUNTEERS);
      return FALSE;
    }
  if (officer != NULL && g_strcmp0 (officer, auxiliary) == 0)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                           "auxiliary: the grid officer cannot also be the auxiliary officer.");
      return FALSE;
    }

  copy = json_array_new ();
  for (guint i = 0; i < json_array_get_length (volunteers); i++)
    {
      JsonNode *node = json_array_get_element (volunteers, i);
      g_autofree char *where = g_strdup_printf ("volunteers[%u]", i);
      const char *id;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          json_array_unref (copy);
          g_set_error (error, JB_ERROR, JB_ERROR_INVALID_TYPE, "%s: a unit id (string).", where);
          return FALSE;
        }
      id = json_node_get_string (node);
      if (!check_unit (req, id, where, "volunteer", error))
        {
          json_array_unref (copy);
          return FALSE;
        }
      if (!g_hash_table_add (seen, (gpointer) id))
        {
          json_array_unref (copy);
          g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE, "%s: \"%s\" is listed twice.", where, id);
          return FALSE;
        }
      json_array_add_string_element (copy, id);
    }

  members = json_object_new ();
  if (officer != NULL)
    json_object_set_string_member (members, "officer", officer);
  else
    json_object_set_null_member (members, "officer");
  if (auxiliary != NULL)
    json_object_set_string_member (members, "auxiliary", auxiliary);
  else
    json_object_set_null_member (members, "auxiliary");
  json_object_set_array_member (members, "volunteers", copy);
  json_object_set_object_member (grid, "members", members);

  if (!jb_storage_update_grid (req->self->storage, grid, error) ||
      !_jb_dispatch_emit_object (req->self, "grid.updated", req->now, "grid", grid, NULL, error))
    return FALSE;
  _jb_dispatch_patrols_changed (req->self);
  _jb_request_answer (req, 200, grid);
  return TRUE;
}

gboolean
_jb_dispatch_import_demo_grids (JbDispatch  *self,
                                JbDemoCity  *city,
                                GError     **error)
{
  /* A fixed seed: the city's own decides where everything else is. */
  g_autoptr(GPtrArray) grids = jb_demo_grids_new (city->stations, city->units, 20260113);

  for (guint i = 0; i < grids->len; i++)
    if (!jb_storage_insert_grid (self->storage, g_ptr_array_index (grids, i), error))
      return FALSE;
  _jb_dispatch_patrols_changed (self);
  return TRUE;
}
