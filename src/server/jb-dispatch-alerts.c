/* jb-dispatch-alerts.c — patrol alerts (巡逻告警): a patrolling unit out of
 * its grid, or silent for too long (docs/grids.md has the rules)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-dispatch"

#include "jb-dispatch-private.h"

#include "jb-geo.h"

struct _JbPatrol
{
  char       *unit_id;
  char       *grid_id;
  char       *station_id;
  JbGeoShape *area;
  gint64      last_fix;   /* the newest fix's time, 0 when none */
};

void
_jb_patrol_free (gpointer data)
{
  JbPatrol *patrol = data;

  g_free (patrol->unit_id);
  g_free (patrol->grid_id);
  g_free (patrol->station_id);
  g_clear_pointer (&patrol->area, jb_geo_shape_unref);
  g_free (patrol);
}

static const char *
reason_name (JbAlertReason reason)
{
  return reason == JB_ALERT_LEFT_GRID ? "left_grid" : "silent";
}

static char *
latch_key (const char    *unit_id,
           JbAlertReason  reason)
{
  return g_strconcat (unit_id, "\n", reason_name (reason), NULL);
}

static void
add_patrol (JbDispatch  *self,
            JsonObject  *grid,
            JbGeoShape  *area,
            const char  *unit_id)
{
  JbPatrol *patrol;
  g_autoptr(JsonObject) unit = NULL;
  JsonObject *position;

  /* A unit in two grids patrols the first one (grids are sorted by id). */
  if (unit_id == NULL || g_hash_table_contains (self->patrols, unit_id))
    return;
  patrol = g_new0 (JbPatrol, 1);
  patrol->unit_id = g_strdup (unit_id);
  patrol->grid_id = g_strdup (_jb_member_string (grid, "id"));
  patrol->station_id = g_strdup (_jb_member_string (grid, "station_id"));
  patrol->area = jb_geo_shape_ref (area);
  unit = _jb_dispatch_get_unit (self, unit_id);
  position = unit != NULL ? _jb_member_object (unit, "position") : NULL;
  if (position != NULL)
    patrol->last_fix = _jb_member_int (position, "time", 0);
  g_hash_table_replace (self->patrols, patrol->unit_id, patrol);
}

/* The latch: the uncleared alerts as stored. */
static void
sync_latch (JbDispatch *self)
{
  g_autoptr(GPtrArray) alerts = jb_storage_list_uncleared_alerts (self->storage, NULL);

  if (alerts == NULL)
    return;
  g_hash_table_remove_all (self->alert_latch);
  for (guint i = 0; i < alerts->len; i++)
    {
      JsonObject *alert = g_ptr_array_index (alerts, i);
      const char *reason = _jb_member_string (alert, "reason");

      g_hash_table_replace (self->alert_latch,
                            latch_key (_jb_member_string (alert, "unit_id"),
                                       g_strcmp0 (reason, "left_grid") == 0 ? JB_ALERT_LEFT_GRID
                                                                           : JB_ALERT_SILENT),
                            g_strdup (_jb_member_string (alert, "id")));
    }
}

/* Who patrols where: every member of a grid, from the grids as stored. */
static void
ensure_patrols (JbDispatch *self)
{
  g_autoptr(GPtrArray) grids = NULL;

  if (!self->patrols_dirty)
    return;
  self->patrols_dirty = FALSE;
  g_hash_table_remove_all (self->patrols);
  g_hash_table_remove_all (self->alert_latch);

  grids = jb_storage_list_grids (self->storage, NULL);
  for (guint i = 0; grids != NULL && i < grids->len; i++)
    {
      JsonObject *grid = g_ptr_array_index (grids, i);
      JsonObject *members = _jb_member_object (grid, "members");
      JsonArray *volunteers = members != NULL ? _jb_member_array (members, "volunteers") : NULL;
      JsonNode *area_node = json_object_get_member (grid, "area");
      g_autoptr(JbGeoShape) area = area_node != NULL ? jb_geo_shape_new_from_json (area_node, NULL) : NULL;

      if (area == NULL || members == NULL)
        continue;
      add_patrol (self, grid, area, _jb_member_string (members, "officer"));
      add_patrol (self, grid, area, _jb_member_string (members, "auxiliary"));
      for (guint k = 0; volunteers != NULL && k < json_array_get_length (volunteers); k++)
        add_patrol (self, grid, area, json_array_get_string_element (volunteers, k));
    }

  sync_latch (self);
}

void
_jb_dispatch_patrols_changed (JbDispatch *self)
{
  self->patrols_dirty = TRUE;
}

static JsonObject *
position_object (double lat,
                 double lon,
                 gint64 time)
{
  JsonObject *position = json_object_new ();

  json_object_set_double_member (position, "lat", lat);
  json_object_set_double_member (position, "lon", lon);
  json_object_set_int_member (position, "time", time);
  return position;
}

/* Whether an uncleared alert for @unit_id and @reason is stored; if so
 * it enters the latch under @key. */
static gboolean
uncleared_in_storage (JbDispatch    *self,
                      const char    *unit_id,
                      JbAlertReason  reason,
                      const char    *key)
{
  g_autoptr(GPtrArray) alerts = jb_storage_list_uncleared_alerts (self->storage, NULL);

  for (guint i = 0; alerts != NULL && i < alerts->len; i++)
    {
      JsonObject *alert = g_ptr_array_index (alerts, i);

      if (g_strcmp0 (_jb_member_string (alert, "unit_id"), unit_id) == 0 &&
          g_strcmp0 (_jb_member_string (alert, "reason"), reason_name (reason)) == 0)
        {
          g_hash_table_replace (self->alert_latch, g_strdup (key),
                                g_strdup (_jb_member_string (alert, "id")));
          return TRUE;
        }
    }
  return FALSE;
}

/* Raises an alert unless one for the unit and reason is still uncleared
 * (acknowledged or not): that is what "never repeated" means. */
static gboolean
raise_alert (JbDispatch     *self,
             gboolean        latch_synced,
             JbPatrol       *patrol,
             JbAlertReason   reason,
             gint64          now,
             JsonObject     *position,   /* nullable, taken */
             GError        **error)
{
  g_autofree char *key = latch_key (patrol->unit_id, reason);
  g_autoptr(JsonObject) alert = NULL;
  g_autoptr(JsonObject) owned_position = position;
  gint64 serial;
  char *id;

  if (g_hash_table_contains (self->alert_latch, key))
    return TRUE;
  /* The writer lock before the check: only then is what is stored final. */
  if (!_jb_dispatch_need_write (self, error))
    return FALSE;
  /* Another server on the database may have raised it a moment ago. */
  if (!latch_synced && uncleared_in_storage (self, patrol->unit_id, reason, key))
    return TRUE;
  if ((serial = jb_storage_next_counter (self->storage, "alert_serial", error)) == 0)
    return FALSE;
  id = g_strdup_printf ("al-%06" G_GINT64_FORMAT, serial);
  alert = json_object_new ();
  json_object_set_string_member (alert, "id", id);
  json_object_set_string_member (alert, "unit_id", patrol->unit_id);
  json_object_set_string_member (alert, "reason", reason_name (reason));
  json_object_set_string_member (alert, "grid_id", patrol->grid_id);
  json_object_set_string_member (alert, "station_id", patrol->station_id);
  json_object_set_int_member (alert, "raised_at", now);
  if (owned_position != NULL)
    json_object_set_object_member (alert, "position", g_steal_pointer (&owned_position));
  else
    json_object_set_null_member (alert, "position");
  if (patrol->last_fix > 0)
    json_object_set_int_member (alert, "last_fix_at", patrol->last_fix);
  else
    json_object_set_null_member (alert, "last_fix_at");
  json_object_set_null_member (alert, "acknowledged_at");
  json_object_set_null_member (alert, "acknowledged_by");
  json_object_set_null_member (alert, "cleared_at");
  if (!jb_storage_save_alert (self->storage, alert, error) ||
      !_jb_dispatch_emit_object (self, "alert.raised", now, "alert", alert, NULL, error))
    {
      g_free (id);
      return FALSE;
    }
  /* A rolled-back transaction marks the patrols dirty, which reloads this. */
  g_hash_table_replace (self->alert_latch, g_steal_pointer (&key), id);
  return TRUE;
}

static gboolean
clear_alert (JbDispatch     *self,
             JbPatrol       *patrol,
             JbAlertReason   reason,
             gint64          now,
             GError        **error)
{
  g_autofree char *key = latch_key (patrol->unit_id, reason);
  const char *id = g_hash_table_lookup (self->alert_latch, key);
  g_autoptr(JsonObject) alert = NULL;

  if (id == NULL)
    return TRUE;
  if (!_jb_dispatch_need_write (self, error))
    return FALSE;
  alert = jb_storage_get_alert (self->storage, id);
  if (alert != NULL)
    {
      json_object_set_int_member (alert, "cleared_at", now);
      if (!jb_storage_save_alert (self->storage, alert, error) ||
          !_jb_dispatch_emit_object (self, "alert.cleared", now, "alert", alert, NULL, error))
        return FALSE;
    }
  g_hash_table_remove (self->alert_latch, key);
  return TRUE;
}

static gboolean
unit_status_is (JbDispatch   *self,
                const char   *unit_id,
                gboolean    (*predicate) (const char *status))
{
  g_autoptr(JsonObject) unit = _jb_dispatch_get_unit (self, unit_id);

  return unit != NULL && predicate (_jb_member_string (unit, "status"));
}

/* On patrol: free for it, not on an incident (which may take it anywhere). */
static gboolean
status_on_patrol (const char *status)
{
  return g_strcmp0 (status, "available") == 0;
}

static gboolean
status_on_duty (const char *status)
{
  return status != NULL && g_strcmp0 (status, "off_duty") != 0;
}

gboolean
_jb_dispatch_patrol_fix (JbDispatch  *self,
                         const char  *unit_id,
                         double       lat,
                         double       lon,
                         gint64       time,
                         gint64       now,
                         GError     **error)
{
  JbPatrol *patrol;

  ensure_patrols (self);
  patrol = g_hash_table_lookup (self->patrols, unit_id);
  if (patrol == NULL)
    return TRUE;
  patrol->last_fix = MAX (patrol->last_fix, time);
  if (now - time <= 1000LL * self->options.patrol_silence_s &&
      !clear_alert (self, patrol, JB_ALERT_SILENT, now, error))
    return FALSE;
  if (jb_geo_shape_contains (patrol->area, lat, lon))
    return clear_alert (self, patrol, JB_ALERT_LEFT_GRID, now, error);
  if (!unit_status_is (self, unit_id, status_on_patrol))
    return TRUE;
  return raise_alert (self, FALSE, patrol, JB_ALERT_LEFT_GRID, now, position_object (lat, lon, time), error);
}

gboolean
_jb_dispatch_check_silence (JbDispatch  *self,
                            gint64       now,
                            GError     **error)
{
  GHashTableIter iter;
  gpointer value;
  gint64 limit_ms = 1000LL * self->options.patrol_silence_s;

  if (limit_ms <= 0)
    return TRUE;
  ensure_patrols (self);
  /* Once per tick, the latch from what is stored: another server may
   * have raised or cleared alerts (one read, not one per raise). */
  sync_latch (self);
  g_hash_table_iter_init (&iter, self->patrols);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      JbPatrol *patrol = value;

      g_autoptr(JsonObject) unit = NULL;
      JsonObject *position;

      /* Nobody could report while the server was down. */
      if (!jb_dispatch_patrol_is_silent (MAX (patrol->last_fix, self->started_at), now,
                                         self->options.patrol_silence_s))
        continue;
      /* Its fixes may have gone to another server: the stored position
       * is the newest any of them heard. */
      unit = jb_storage_get_unit (self->storage, patrol->unit_id);
      position = unit != NULL ? _jb_member_object (unit, "position") : NULL;
      if (position != NULL)
        patrol->last_fix = MAX (patrol->last_fix, _jb_member_int (position, "time", 0));
      if (unit != NULL &&
          jb_dispatch_patrol_is_silent (MAX (patrol->last_fix, self->started_at), now,
                                        self->options.patrol_silence_s) &&
          status_on_duty (_jb_member_string (unit, "status")) &&
          !raise_alert (self, TRUE, patrol, JB_ALERT_SILENT, now, NULL, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
jb_dispatch_patrol_is_silent (gint64 last_heard,
                              gint64 now,
                              guint  limit_s)
{
  return limit_s > 0 && now - last_heard > 1000LL * limit_s;
}

static JsonObject *
answer_items (GPtrArray *objects)
{
  JsonObject *answer = json_object_new ();
  JsonArray *items = json_array_new ();

  for (guint i = 0; i < objects->len; i++)
    json_array_add_object_element (items, json_object_ref (g_ptr_array_index (objects, i)));
  json_object_set_array_member (answer, "items", items);
  return answer;
}

gboolean
_jb_route_list_alerts (JbRequest  *req,
                       GError    **error)
{
  g_autoptr(GPtrArray) alerts = jb_storage_list_uncleared_alerts (req->self->storage, error);
  g_autoptr(JsonObject) answer = NULL;

  if (alerts == NULL)
    return FALSE;
  answer = answer_items (alerts);
  _jb_request_answer (req, 200, answer);
  return TRUE;
}

gboolean
_jb_route_acknowledge_alert (JbRequest  *req,
                             GError    **error)
{
  static const char * const allowed[] = { NULL };
  g_autoptr(JsonObject) alert = NULL;
  JsonNode *acknowledged;

  if (!_jb_request_require_commander (req, error))
    return FALSE;
  alert = jb_storage_get_alert (req->self->storage, req->parts[1]);
  if (alert == NULL)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_NOT_FOUND, "There is no alert \"%s\".", req->parts[1]);
      return FALSE;
    }
  if (!_jb_request_may_command (req, _jb_member_string (alert, "station_id"), "alert", error) ||
      !_jb_request_check_members (req, allowed, error))
    return FALSE;
  acknowledged = json_object_get_member (alert, "acknowledged_at");
  if (acknowledged != NULL && !JSON_NODE_HOLDS_NULL (acknowledged))
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_CONFLICT, "This alert is already acknowledged.");
      return FALSE;
    }
  json_object_set_int_member (alert, "acknowledged_at", req->now);
  json_object_set_string_member (alert, "acknowledged_by", req->username);
  if (!jb_storage_save_alert (req->self->storage, alert, error) ||
      !_jb_dispatch_emit_object (req->self, "alert.acknowledged", req->now, "alert", alert, NULL, error))
    return FALSE;
  _jb_request_answer (req, 200, alert);
  return TRUE;
}
