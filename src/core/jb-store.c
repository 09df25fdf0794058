/* jb-store.c — the client's state, changed only by applying server data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-store"

#include "jb-store.h"

#include "jb-grid-set.h"
#include "jb-alert.h"

#include <math.h>
#include <string.h>

#include "jb-clip-private.h"
#include "jb-config.h"
#include "jb-enum-types.h"
#include "jb-incident-private.h"
#include "jb-json.h"
#include "jb-memory.h"
#include "jb-model-list-private.h"
#include "jb-moved-frame.h"
#include "jb-station-private.h"
#include "jb-terminal-private.h"
#include "jb-unit-private.h"

struct _JbStore
{
  GObject      parent_instance;

  gint64       seq;
  gint64       server_time;
  gboolean     has_snapshot;
  JsonObject  *config;
  JbConfig    *typed_config;  /* of config, made when first asked */
  JsonObject  *user;

  /* Owned references. The hash tables borrow both the key (the object's
   * id, which never changes) and the value (the list holds it). */
  JbModelList *units;
  JbModelList *terminals;
  JbModelList *stations;
  JbModelList *incidents;
  JbGridSet   *grids;
  GListStore  *alerts;       /* JbAlert */
  GHashTable  *unit_by_id;
  GHashTable  *terminal_by_id;
  GHashTable  *station_by_id;
  GHashTable  *incident_by_id;
  GArray      *points;  /* JbUnitPoint, index i ↔ units item i */

  gint64       now_ms;        /* the shared clock: the last tick */
  guint        clock_id;
  guint        moved_idle_id;
  gint64       moved_batch_start;  /* monotonic µs of the batch's first move */
  guint64      n_events;
  guint64      n_moves;
  guint64      n_fast;
  GArray      *scan_items;  /* JbMovedFrame, reused by every positions frame */
};

G_DEFINE_FINAL_TYPE (JbStore, jb_store, G_TYPE_OBJECT)

enum {
  UNITS_MOVED,
  CHANGED,
  SNAPSHOT_LOADED,
  WALL_PUSHED,
  TICK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Unit points */

static void
fill_unit_point (JbUnitPoint *point,
                 JbUnit      *unit)
{
  JbPosition pos;

  point->kind = (guint8) jb_unit_get_kind (unit);
  point->status = (guint8) jb_unit_get_status (unit);
  /* The alert bit is the alerts' (mark_alerted_units). */
  point->flags = (point->flags & JB_UNIT_POINT_PATROL_ALERT) |
                 (jb_unit_get_incident_id (unit) != NULL ? JB_UNIT_POINT_ASSIGNED : 0);

  if (jb_unit_get_position (unit, &pos))
    {
      point->lat = pos.lat;
      point->lon = pos.lon;
      point->heading = (float) pos.heading;
      point->time = pos.time;
      point->flags |= JB_UNIT_POINT_HAS_POSITION;
      if (!isnan (pos.heading))
        point->flags |= JB_UNIT_POINT_HAS_HEADING;
    }
  else
    {
      point->lat = NAN;
      point->lon = NAN;
      point->heading = NAN;
      point->time = 0;
    }
}

static void
move_unit_point (JbUnitPoint      *point,
                 const JbPosition *pos)
{
  point->lat = pos->lat;
  point->lon = pos->lon;
  point->heading = (float) pos->heading;
  point->time = pos->time;
  point->flags |= JB_UNIT_POINT_HAS_POSITION;
  if (isnan (pos->heading))
    point->flags &= ~JB_UNIT_POINT_HAS_HEADING;
  else
    point->flags |= JB_UNIT_POINT_HAS_HEADING;
}

/* units-moved batching */

/* Longest a batch may wait for its idle: a stream that never lets the main
 * loop go idle (an overloaded client) must not freeze the map. */
#define MOVED_BATCH_MAX_AGE_US (100 * 1000)

static gboolean
emit_units_moved_cb (gpointer user_data)
{
  JbStore *self = user_data;

  self->moved_idle_id = 0;
  g_signal_emit (self, signals[UNITS_MOVED], 0);
  return G_SOURCE_REMOVE;
}

static void
schedule_units_moved (JbStore *self)
{
  if (self->moved_idle_id == 0)
    {
      self->moved_batch_start = g_get_monotonic_time ();
      self->moved_idle_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 10,
                                             emit_units_moved_cb, self, NULL);
    }
  else if (g_get_monotonic_time () - self->moved_batch_start > MOVED_BATCH_MAX_AGE_US)
    {
      g_clear_handle_id (&self->moved_idle_id, g_source_remove);
      g_signal_emit (self, signals[UNITS_MOVED], 0);
    }
}

static void
apply_move (JbStore          *self,
            JbUnit           *unit,
            const JbPosition *pos)
{
  guint index = _jb_unit_get_index (unit);

  _jb_unit_set_position (unit, pos);
  move_unit_point (&g_array_index (self->points, JbUnitPoint, index), pos);
  self->n_moves++;
  schedule_units_moved (self);
}

/* Snapshot */

/* Parses every item of @array with @new_from_json, so the whole snapshot
 * is validated before anything changes. */
typedef gpointer (*NewFromJsonFunc) (JsonNode *node, GError **error);
typedef void (*UpdateFromFreshFunc) (gpointer self, gpointer fresh);
typedef const char *(*GetIdFunc) (gpointer self);

static GPtrArray *
parse_items (JsonArray        *array,
             const char       *what,
             NewFromJsonFunc   new_from_json,
             GError          **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      gpointer item = new_from_json (json_array_get_element (array, i), error);

      if (item == NULL)
        {
          g_prefix_error (error, "%s[%u]: ", what, i);
          return NULL;
        }
      g_ptr_array_add (items, item);
    }

  return g_steal_pointer (&items);
}

static void load_alerts (JbStore   *self,
                         JsonArray *alerts);

static void
drop_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  g_ptr_array_set_size (task_data, 0);
  /* The objects were built on a worker, in one of glibc's per-thread
   * arenas, whose free pages go back to the system only when asked: once
   * they are gone, and here, where the tens of ms it takes for a city
   * hold no main loop. */
  jb_memory_trim ();
  g_task_return_boolean (task, TRUE);
}

struct _JbStoreSnapshot
{
  JsonObject *config;
  JsonObject *user;
  GPtrArray  *stations;
  GPtrArray  *units;
  GPtrArray  *terminals;
  GPtrArray  *incidents;
  JsonArray  *grids;
  JsonArray  *alerts;
  gint64      seq;
  gint64      server_time;

  /* Where a sliced apply stands (jb_store_apply_snapshot_step()). */
  guint       kind;          /* SnapshotKind being matched, or N_KINDS: all matched */
  guint       cursor;        /* next item of that kind */
  GHashTable *by_id[4];      /* the new tables, swapped in at the end */
  GPtrArray  *garbage;       /* fresh objects whose old one took their fields */
  GArray     *points;        /* JbUnitPoint of the new units list */
};

void
jb_store_snapshot_free (JbStoreSnapshot *prepared)
{
  if (prepared == NULL)
    return;
  g_clear_pointer (&prepared->config, json_object_unref);
  g_clear_pointer (&prepared->user, json_object_unref);
  g_clear_pointer (&prepared->stations, g_ptr_array_unref);
  g_clear_pointer (&prepared->units, g_ptr_array_unref);
  g_clear_pointer (&prepared->terminals, g_ptr_array_unref);
  g_clear_pointer (&prepared->incidents, g_ptr_array_unref);
  g_clear_pointer (&prepared->grids, json_array_unref);
  g_clear_pointer (&prepared->alerts, json_array_unref);
  for (guint k = 0; k < G_N_ELEMENTS (prepared->by_id); k++)
    g_clear_pointer (&prepared->by_id[k], g_hash_table_unref);
  g_clear_pointer (&prepared->garbage, g_ptr_array_unref);
  g_clear_pointer (&prepared->points, g_array_unref);
  g_free (prepared);
}

JbStoreSnapshot *
jb_store_prepare_snapshot (JsonNode  *snapshot,
                           GError   **error)
{
  g_autoptr(JbStoreSnapshot) prepared = g_new0 (JbStoreSnapshot, 1);
  JsonObject *object;
  JsonObject *config = NULL, *user = NULL;
  JsonArray *stations = NULL, *units = NULL, *terminals = NULL, *incidents = NULL;

  if (snapshot == NULL || !JSON_NODE_HOLDS_OBJECT (snapshot))
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_NOT_AN_OBJECT,
                           "The snapshot must be a JSON object.");
      return NULL;
    }
  object = json_node_get_object (snapshot);

  /* Unknown members are tolerated: a newer server may add some. */
  if (!jb_json_get_int (object, "seq", TRUE, &prepared->seq, error) ||
      !jb_json_get_int (object, "server_time", FALSE, &prepared->server_time, error) ||
      !jb_json_get_object (object, "config", FALSE, &config, error) ||
      !jb_json_get_object (object, "user", FALSE, &user, error) ||
      !jb_json_get_array (object, "stations", TRUE, &stations, error) ||
      !jb_json_get_array (object, "units", TRUE, &units, error) ||
      !jb_json_get_array (object, "terminals", TRUE, &terminals, error) ||
      !jb_json_get_array (object, "incidents", TRUE, &incidents, error))
    return NULL;

  if (prepared->seq < 0)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE,
                           "The snapshot's \"seq\" must not be negative.");
      return NULL;
    }

  if (!(prepared->stations = parse_items (stations, "stations", (NewFromJsonFunc) jb_station_new_from_json, error)) ||
      !(prepared->units = parse_items (units, "units", (NewFromJsonFunc) jb_unit_new_from_json, error)) ||
      !(prepared->terminals = parse_items (terminals, "terminals", (NewFromJsonFunc) jb_terminal_new_from_json, error)) ||
      !(prepared->incidents = parse_items (incidents, "incidents", (NewFromJsonFunc) jb_incident_new_from_json, error)))
    return NULL;

  /* Snapshots hold open incidents only; drop a closed one all the same. */
  for (guint i = prepared->incidents->len; i > 0; i--)
    if (!jb_incident_is_open (g_ptr_array_index (prepared->incidents, i - 1)))
      g_ptr_array_remove_index (prepared->incidents, i - 1);

  if (config != NULL)
    prepared->config = json_object_ref (config);
  if (user != NULL)
    prepared->user = json_object_ref (user);
  /* Grids are optional: a server from before them has none. */
  if (json_object_has_member (object, "grids") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "grids")))
    prepared->grids = json_array_ref (json_object_get_array_member (object, "grids"));
  /* Alerts too (parsed when applied). */
  if (json_object_has_member (object, "alerts") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "alerts")))
    prepared->alerts = json_array_ref (json_object_get_array_member (object, "alerts"));
  return g_steal_pointer (&prepared);
}

/* Applying a snapshot, in slices: the objects whose id survives take the
 * fresh fields in place (each as one event would change it: readers see an
 * object either before or after, never half), a few hundred per slice; the
 * tables, lists, seq and signals then change at once in the last slice. */
typedef enum
{
  KIND_STATIONS,
  KIND_UNITS,
  KIND_TERMINALS,
  KIND_INCIDENTS,
  N_KINDS
} SnapshotKind;

/* How many items between two looks at the clock. */
#define SLICE_CHECK_EVERY 32

static GHashTable **
store_table (JbStore      *self,
             SnapshotKind  kind)
{
  switch (kind)
    {
    case KIND_STATIONS: return &self->station_by_id;
    case KIND_UNITS: return &self->unit_by_id;
    case KIND_TERMINALS: return &self->terminal_by_id;
    case KIND_INCIDENTS: default: return &self->incident_by_id;
    }
}

static GPtrArray *
snapshot_items (JbStoreSnapshot *prepared,
                SnapshotKind     kind)
{
  switch (kind)
    {
    case KIND_STATIONS: return prepared->stations;
    case KIND_UNITS: return prepared->units;
    case KIND_TERMINALS: return prepared->terminals;
    case KIND_INCIDENTS: default: return prepared->incidents;
    }
}

static const char *
item_id (SnapshotKind kind,
         gpointer     item)
{
  switch (kind)
    {
    case KIND_STATIONS: return jb_station_get_id (item);
    case KIND_UNITS: return jb_unit_get_id (item);
    case KIND_TERMINALS: return jb_terminal_get_id (item);
    case KIND_INCIDENTS: default: return jb_incident_get_id (item);
    }
}

static void
item_update (SnapshotKind kind,
             gpointer     old,
             gpointer     fresh)
{
  switch (kind)
    {
    case KIND_STATIONS: _jb_station_update_from_station (old, fresh); break;
    case KIND_UNITS: _jb_unit_update_from_unit (old, fresh); break;
    case KIND_TERMINALS: _jb_terminal_update_from_terminal (old, fresh); break;
    case KIND_INCIDENTS: default: _jb_incident_update_from_incident (old, fresh); break;
    }
}

/* Matches (and updates in place) the snapshot's items until @deadline_us;
 * TRUE when all are matched. */
static gboolean
match_items (JbStore         *self,
             JbStoreSnapshot *prepared,
             gint64           deadline_us)
{
  while (prepared->kind < N_KINDS)
    {
      SnapshotKind kind = prepared->kind;
      GPtrArray *fresh = snapshot_items (prepared, kind);
      GHashTable *old_by_id = *store_table (self, kind);

      if (prepared->by_id[kind] == NULL)
        prepared->by_id[kind] = g_hash_table_new (g_str_hash, g_str_equal);
      if (kind == KIND_UNITS && prepared->points == NULL)
        {
          prepared->points = g_array_sized_new (FALSE, TRUE, sizeof (JbUnitPoint), fresh->len);
          g_array_set_size (prepared->points, fresh->len);
        }

      while (prepared->cursor < fresh->len)
        {
          gpointer item = g_ptr_array_index (fresh, prepared->cursor);
          gpointer old = g_hash_table_lookup (old_by_id, item_id (kind, item));

          if (old != NULL && old != item)
            {
              item_update (kind, old, item);
              g_ptr_array_index (fresh, prepared->cursor) = g_object_ref (old);
              /* Nobody else holds it: let go of it off the main loop. */
              g_ptr_array_add (prepared->garbage, item);
              item = old;
              /* The map's point follows its unit at once. */
              if (kind == KIND_UNITS)
                {
                  guint index = _jb_unit_get_index (item);

                  if (index < self->points->len &&
                      index < jb_model_list_get_n_items (self->units) &&
                      jb_model_list_peek (self->units, index) == item)
                    fill_unit_point (&g_array_index (self->points, JbUnitPoint, index), item);
                }
            }
          g_hash_table_insert (prepared->by_id[kind], (gpointer) item_id (kind, item), item);
          if (kind == KIND_UNITS)
            fill_unit_point (&g_array_index (prepared->points, JbUnitPoint, prepared->cursor), item);
          prepared->cursor++;
          if (prepared->cursor % SLICE_CHECK_EVERY == 0 && g_get_monotonic_time () >= deadline_us)
            return FALSE;
        }
      prepared->kind++;
      prepared->cursor = 0;
    }
  return TRUE;
}

gboolean
jb_store_apply_snapshot_step (JbStore         *self,
                              JbStoreSnapshot *prepared,
                              gint64           deadline_us)
{
  GPtrArray *new_stations, *new_units, *new_terminals, *new_incidents;
  guint n_stations, n_units, n_terminals, n_incidents;
  g_autoptr(GError) grid_error = NULL;

  g_return_val_if_fail (JB_IS_STORE (self), TRUE);
  g_return_val_if_fail (prepared != NULL, TRUE);

  if (prepared->garbage == NULL)
    prepared->garbage = g_ptr_array_new_with_free_func (g_object_unref);
  if (prepared->kind > N_KINDS)
    return TRUE;  /* applied already */
  if (prepared->kind < N_KINDS)
    {
      if (!match_items (self, prepared, deadline_us))
        return FALSE;
      /* The swap and its signals take 5-20 ms for a city: a slice of their
       * own, not the end of the last match's (unless asked for all at once). */
      if (deadline_us != G_MAXINT64)
        return FALSE;
    }
  prepared->kind = N_KINDS + 1;

  new_stations = prepared->stations;
  new_units = prepared->units;
  new_terminals = prepared->terminals;
  new_incidents = prepared->incidents;

  /* Everything matched: now swap the state in, then tell the world. The
   * new tables borrow from the new lists, as the old ones did. */
  for (SnapshotKind kind = 0; kind < N_KINDS; kind++)
    {
      GHashTable **table = store_table (self, kind);

      g_hash_table_unref (*table);
      *table = g_steal_pointer (&prepared->by_id[kind]);
    }

  g_array_unref (self->points);
  self->points = g_steal_pointer (&prepared->points);
  for (guint i = 0; i < new_units->len; i++)
    _jb_unit_set_index (g_ptr_array_index (new_units, i), i);

  self->seq = prepared->seq;
  self->server_time = prepared->server_time;
  self->has_snapshot = TRUE;
  g_clear_pointer (&self->config, json_object_unref);
  g_clear_object (&self->typed_config);
  g_clear_pointer (&self->user, json_object_unref);
  self->config = g_steal_pointer (&prepared->config);
  self->user = g_steal_pointer (&prepared->user);

  n_stations = jb_model_list_get_n_items (self->stations);
  n_units = jb_model_list_get_n_items (self->units);
  n_terminals = jb_model_list_get_n_items (self->terminals);
  n_incidents = jb_model_list_get_n_items (self->incidents);
  _jb_model_list_splice (self->stations, 0, n_stations, new_stations->pdata, new_stations->len);
  _jb_model_list_splice (self->units, 0, n_units, new_units->pdata, new_units->len);
  _jb_model_list_splice (self->terminals, 0, n_terminals, new_terminals->pdata, new_terminals->len);
  _jb_model_list_splice (self->incidents, 0, n_incidents, new_incidents->pdata, new_incidents->len);

  if (prepared->grids != NULL && !jb_grid_set_load (self->grids, prepared->grids, &grid_error))
    g_warning ("Ignoring the snapshot's grids: %s", grid_error->message);

  load_alerts (self, prepared->alerts);

  g_signal_emit (self, signals[CHANGED], 0, JB_STORE_CHANGE_CONFIG, NULL);
  g_signal_emit (self, signals[SNAPSHOT_LOADED], 0);
  schedule_units_moved (self);

  if (prepared->garbage->len > 1000)
    {
      g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

      g_task_set_task_data (task, g_steal_pointer (&prepared->garbage), (GDestroyNotify) g_ptr_array_unref);
      g_task_run_in_thread (task, drop_in_thread);
    }
  return TRUE;
}

gint64
jb_store_snapshot_get_seq (JbStoreSnapshot *prepared)
{
  g_return_val_if_fail (prepared != NULL, -1);
  return prepared->seq;
}

void
jb_store_apply_snapshot (JbStore         *self,
                         JbStoreSnapshot *prepared)
{
  g_return_if_fail (JB_IS_STORE (self));
  g_return_if_fail (prepared != NULL);

  (void) jb_store_apply_snapshot_step (self, prepared, G_MAXINT64);
}

gboolean
jb_store_load_snapshot (JbStore   *self,
                        JsonNode  *snapshot,
                        GError   **error)
{
  g_autoptr(JbStoreSnapshot) prepared = NULL;

  g_return_val_if_fail (JB_IS_STORE (self), FALSE);

  if ((prepared = jb_store_prepare_snapshot (snapshot, error)) == NULL)
    return FALSE;
  jb_store_apply_snapshot (self, prepared);
  return TRUE;
}

/* Patrol alerts */

static gboolean
find_alert (JbStore    *self,
            const char *id,
            guint      *out_position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->alerts));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JbAlert) alert = g_list_model_get_item (G_LIST_MODEL (self->alerts), i);

      if (g_strcmp0 (jb_alert_get_id (alert), id) == 0)
        {
          *out_position = i;
          return TRUE;
        }
    }
  return FALSE;
}

/* Units with an unacknowledged alert get the alert bit of their point. */
static void
mark_alerted_units (JbStore *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->alerts));

  for (guint i = 0; i < self->points->len; i++)
    g_array_index (self->points, JbUnitPoint, i).flags &= (guint16) ~JB_UNIT_POINT_PATROL_ALERT;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JbAlert) alert = g_list_model_get_item (G_LIST_MODEL (self->alerts), i);
      JbUnit *unit = jb_alert_get_acknowledged (alert) ? NULL
                     : g_hash_table_lookup (self->unit_by_id, jb_alert_get_unit_id (alert));

      if (unit != NULL)
        g_array_index (self->points, JbUnitPoint, _jb_unit_get_index (unit)).flags |= JB_UNIT_POINT_PATROL_ALERT;
    }
  schedule_units_moved (self);
}

/* Alerts are optional: a server from before them has none. */
static void
load_alerts (JbStore   *self,
             JsonArray *alerts)
{
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func (g_object_unref);

  if (alerts != NULL)
    for (guint i = 0; i < json_array_get_length (alerts); i++)
      {
        JsonObject *object = json_array_get_object_element (alerts, i);
        g_autoptr(GError) error = NULL;
        JbAlert *alert = object != NULL ? jb_alert_new_from_json (object, &error) : NULL;

        if (alert != NULL)
          g_ptr_array_add (fresh, alert);
        else
          g_warning ("Ignoring a snapshot alert: %s", error != NULL ? error->message : "not an object");
      }
  g_list_store_splice (self->alerts, 0, g_list_model_get_n_items (G_LIST_MODEL (self->alerts)),
                       fresh->pdata, fresh->len);
  mark_alerted_units (self);
}

static gboolean
apply_alert (JbStore     *self,
             const char  *type,
             JsonObject  *data,
             GError     **error)
{
  JsonObject *object = NULL;
  g_autoptr(JbAlert) alert = NULL;
  guint position;
  gboolean known;

  if (!jb_json_get_object (data, "alert", TRUE, &object, error) ||
      (alert = jb_alert_new_from_json (object, error)) == NULL)
    return FALSE;
  known = find_alert (self, jb_alert_get_id (alert), &position);
  if (g_str_equal (type, "alert.cleared"))
    {
      if (known)
        g_list_store_remove (self->alerts, position);
    }
  else if (known)
    {
      g_autoptr(JbAlert) old = g_list_model_get_item (G_LIST_MODEL (self->alerts), position);

      jb_alert_update (old, alert);
      g_list_model_items_changed (G_LIST_MODEL (self->alerts), position, 1, 1);
    }
  else
    g_list_store_append (self->alerts, alert);
  mark_alerted_units (self);
  return TRUE;
}

GListModel *
jb_store_get_alerts (JbStore *self)
{
  g_return_val_if_fail (JB_IS_STORE (self), NULL);
  return G_LIST_MODEL (self->alerts);
}

JbAlert *
jb_store_lookup_unit_alert (JbStore    *self,
                            const char *unit_id)
{
  guint n;

  g_return_val_if_fail (JB_IS_STORE (self), NULL);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->alerts));
  for (guint i = 0; i < n; i++)
    {
      JbAlert *alert = g_list_model_get_item (G_LIST_MODEL (self->alerts), i);

      g_object_unref (alert);  /* the store keeps it */
      if (g_strcmp0 (jb_alert_get_unit_id (alert), unit_id) == 0)
        return alert;
    }
  return NULL;
}

/* Events */

static gboolean
get_data_member (JsonObject  *data,
                 const char  *member,
                 JsonNode   **out,
                 GError     **error)
{
  JsonObject *object = NULL;

  if (!jb_json_get_object (data, member, TRUE, &object, error))
    {
      g_prefix_error (error, "data: ");
      return FALSE;
    }
  *out = json_object_get_member (data, member);
  return TRUE;
}

/* The existing object for the "id" of the object in @node, if any; a bad
 * or missing id is left to the codec to report. */
static gpointer
lookup_by_node_id (GHashTable *by_id,
                   JsonNode   *node)
{
  JsonNode *id = json_object_get_member (json_node_get_object (node), "id");

  if (id == NULL || !JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING)
    return NULL;
  return g_hash_table_lookup (by_id, json_node_get_string (id));
}

static gboolean
apply_unit (JbStore     *self,
            JsonObject  *data,
            GError     **error)
{
  JsonNode *node;
  g_autoptr(JbUnit) fresh = NULL;
  JbUnit *unit;
  guint index;

  if (!get_data_member (data, "unit", &node, error))
    return FALSE;

  unit = lookup_by_node_id (self->unit_by_id, node);
  if (unit != NULL)
    {
      JbPosition before, after;
      gboolean had = jb_unit_get_position (unit, &before);

      if (!_jb_unit_update_from_json (unit, node, error))
        return FALSE;
      /* Positions travel outside the seq: a fix the store already has may
       * be newer than the one this event carries. */
      if (had && (!jb_unit_get_position (unit, &after) || after.time < before.time))
        _jb_unit_set_position (unit, &before);
      index = _jb_unit_get_index (unit);
      fill_unit_point (&g_array_index (self->points, JbUnitPoint, index), unit);
      _jb_model_list_item_changed (self->units, index);
    }
  else
    {
      JbUnitPoint point = { 0, };

      if (!(fresh = jb_unit_new_from_json (node, error)))
        return FALSE;
      unit = fresh;
      index = jb_model_list_get_n_items (self->units);
      _jb_unit_set_index (unit, index);
      fill_unit_point (&point, unit);
      g_array_append_val (self->points, point);
      g_hash_table_insert (self->unit_by_id, (gpointer) jb_unit_get_id (unit), unit);
      _jb_model_list_append (self->units, unit);
    }

  g_signal_emit (self, signals[CHANGED], 0, JB_STORE_CHANGE_UNIT, jb_unit_get_id (unit));
  return TRUE;
}

static gboolean
apply_unit_moved (JbStore     *self,
                  JsonObject  *data,
                  GError     **error)
{
  const char *id = NULL;
  JbPosition pos;
  JbUnit *unit;

  /* The flat unit.moved data is a Position plus the unit's id. */
  if (!jb_json_get_string (data, "id", TRUE, &id, error) ||
      !jb_position_from_json_object (data, "data", &pos, error))
    return FALSE;

  unit = g_hash_table_lookup (self->unit_by_id, id);
  if (unit == NULL)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_PROTOCOL,
                   "unit.moved names an unknown unit \"%s\".", id);
      return FALSE;
    }

  apply_move (self, unit, &pos);
  return TRUE;
}

static gboolean
apply_terminal (JbStore     *self,
                JsonObject  *data,
                GError     **error)
{
  JsonNode *node;
  g_autoptr(JbTerminal) fresh = NULL;
  JbTerminal *terminal;

  if (!get_data_member (data, "terminal", &node, error))
    return FALSE;

  terminal = lookup_by_node_id (self->terminal_by_id, node);
  if (terminal != NULL)
    {
      if (!_jb_terminal_update_from_json (terminal, node, error))
        return FALSE;
      _jb_model_list_item_changed (self->terminals, _jb_model_list_find (self->terminals, terminal));
    }
  else
    {
      if (!(fresh = jb_terminal_new_from_json (node, error)))
        return FALSE;
      terminal = fresh;
      g_hash_table_insert (self->terminal_by_id, (gpointer) jb_terminal_get_id (terminal), terminal);
      _jb_model_list_append (self->terminals, terminal);
    }

  g_signal_emit (self, signals[CHANGED], 0, JB_STORE_CHANGE_TERMINAL, jb_terminal_get_id (terminal));
  return TRUE;
}

static gboolean
apply_station (JbStore     *self,
               JsonObject  *data,
               GError     **error)
{
  JsonNode *node;
  g_autoptr(JbStation) fresh = NULL;
  JbStation *station;

  if (!get_data_member (data, "station", &node, error))
    return FALSE;

  station = lookup_by_node_id (self->station_by_id, node);
  if (station != NULL)
    {
      if (!_jb_station_update_from_json (station, node, error))
        return FALSE;
      _jb_model_list_item_changed (self->stations, _jb_model_list_find (self->stations, station));
    }
  else
    {
      if (!(fresh = jb_station_new_from_json (node, error)))
        return FALSE;
      station = fresh;
      g_hash_table_insert (self->station_by_id, (gpointer) jb_station_get_id (station), station);
      _jb_model_list_append (self->stations, station);
    }

  g_signal_emit (self, signals[CHANGED], 0, JB_STORE_CHANGE_STATION, jb_station_get_id (station));
  return TRUE;
}

static gboolean
apply_incident (JbStore     *self,
                JsonObject  *data,
                GError     **error)
{
  JsonNode *node;
  g_autoptr(JbIncident) incident = NULL;
  g_autofree char *id = NULL;
  JbIncident *existing;

  if (!get_data_member (data, "incident", &node, error))
    return FALSE;

  existing = lookup_by_node_id (self->incident_by_id, node);
  if (existing != NULL)
    {
      guint position = _jb_model_list_find (self->incidents, existing);

      /* Updated in place first, so a view holding it sees the final state
       * (closed) before it leaves the list. */
      if (!_jb_incident_update_from_json (existing, node, error))
        return FALSE;
      incident = g_object_ref (existing);
      if (jb_incident_is_open (incident))
        _jb_model_list_item_changed (self->incidents, position);
      else
        {
          g_hash_table_remove (self->incident_by_id, jb_incident_get_id (incident));
          _jb_model_list_remove (self->incidents, position);
        }
    }
  else
    {
      if (!(incident = jb_incident_new_from_json (node, error)))
        return FALSE;
      if (jb_incident_is_open (incident))
        {
          g_hash_table_insert (self->incident_by_id, (gpointer) jb_incident_get_id (incident), incident);
          _jb_model_list_append (self->incidents, incident);
        }
    }

  id = g_strdup (jb_incident_get_id (incident));
  g_signal_emit (self, signals[CHANGED], 0, JB_STORE_CHANGE_INCIDENT, id);
  return TRUE;
}

/* Clips */

static gboolean
apply_clip (JbStore     *self,
            JsonObject  *data,
            GError     **error)
{
  JsonNode *node;
  g_autoptr(JbClip) clip = NULL;
  g_autofree char *id = NULL;
  JbIncident *incident;

  if (!get_data_member (data, "clip", &node, error) ||
      !(clip = jb_clip_new_from_json (node, error)))
    return FALSE;

  /* A clip of an incident this client does not hold (closed, out of
   * scope) has nowhere to go. */
  incident = jb_store_lookup_incident (self, jb_clip_get_incident_id (clip));
  if (incident == NULL)
    return TRUE;

  id = g_strdup (jb_clip_get_id (clip));
  _jb_incident_put_clip (incident, clip);
  g_signal_emit (self, signals[CHANGED], 0, JB_STORE_CHANGE_CLIP, id);
  return TRUE;
}

static gboolean
apply_clip_progress (JbStore     *self,
                     JsonObject  *data,
                     GError     **error)
{
  const char *id = NULL, *incident_id = NULL;
  gint64 received = 0;
  JbIncident *incident;
  JbClip *clip;

  if (!jb_json_get_string (data, "id", TRUE, &id, error) ||
      !jb_json_get_string (data, "incident_id", TRUE, &incident_id, error) ||
      !jb_json_get_int (data, "received", TRUE, &received, error))
    {
      g_prefix_error (error, "data: ");
      return FALSE;
    }

  incident = jb_store_lookup_incident (self, incident_id);
  clip = incident != NULL ? jb_incident_lookup_clip (incident, id) : NULL;
  if (clip == NULL)
    return TRUE;

  _jb_clip_set_received (clip, received);
  g_signal_emit (self, signals[CHANGED], 0, JB_STORE_CHANGE_CLIP, jb_clip_get_id (clip));
  return TRUE;
}

static gboolean
apply_clip_removed (JbStore     *self,
                    JsonObject  *data,
                    GError     **error)
{
  const char *id = NULL, *incident_id = NULL, *reason = NULL;
  g_autofree char *id_copy = NULL;
  JbIncident *incident;

  if (!jb_json_get_string (data, "id", TRUE, &id, error) ||
      !jb_json_get_string (data, "incident_id", TRUE, &incident_id, error) ||
      !jb_json_get_string (data, "reason", FALSE, &reason, error))
    {
      g_prefix_error (error, "data: ");
      return FALSE;
    }

  incident = jb_store_lookup_incident (self, incident_id);
  id_copy = g_strdup (id);
  if (incident != NULL && _jb_incident_remove_clip (incident, id_copy))
    g_signal_emit (self, signals[CHANGED], 0, JB_STORE_CHANGE_CLIP, id_copy);
  return TRUE;
}

static gboolean
apply_wall_pushed (JbStore     *self,
                   JsonObject  *data,
                   GError     **error)
{
  JsonNode *node;
  g_autoptr(JbClip) fresh = NULL;
  const char *incident_id = NULL, *by = NULL, *reason = NULL;
  JbIncident *incident;
  JbClip *clip;

  if (!get_data_member (data, "clip", &node, error))
    return FALSE;
  if (!jb_json_get_string (data, "incident_id", FALSE, &incident_id, error) ||
      !jb_json_get_string (data, "by", FALSE, &by, error) ||
      !jb_json_get_string (data, "reason", FALSE, &reason, error))
    {
      g_prefix_error (error, "data: ");
      return FALSE;
    }
  if (!(fresh = jb_clip_new_from_json (node, error)))
    {
      g_prefix_error (error, "data.clip: ");
      return FALSE;
    }
  if (incident_id == NULL)
    incident_id = jb_clip_get_incident_id (fresh);

  incident = jb_store_lookup_incident (self, incident_id);
  clip = incident != NULL ? _jb_incident_put_clip (incident, fresh) : fresh;
  g_signal_emit (self, signals[WALL_PUSHED], 0, clip, incident_id, by, reason);
  return TRUE;
}

JbClip *
jb_store_lookup_clip (JbStore    *self,
                      const char *id)
{
  guint n;

  g_return_val_if_fail (JB_IS_STORE (self), NULL);

  n = jb_model_list_get_n_items (self->incidents);
  for (guint i = 0; id != NULL && i < n; i++)
    {
      JbClip *clip = jb_incident_lookup_clip (jb_model_list_peek (self->incidents, i), id);

      if (clip != NULL)
        return clip;
    }
  return NULL;
}

JbStoreApply
jb_store_apply_event (JbStore   *self,
                      JsonNode  *event,
                      GError   **error)
{
  JsonObject *object;
  JsonObject *data = NULL;
  const char *type = NULL;
  gint64 seq = 0, time = 0;
  gboolean ok;

  g_return_val_if_fail (JB_IS_STORE (self), JB_STORE_APPLY_ERROR);

  if (event == NULL || !JSON_NODE_HOLDS_OBJECT (event))
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_NOT_AN_OBJECT,
                           "An event must be a JSON object.");
      return JB_STORE_APPLY_ERROR;
    }
  object = json_node_get_object (event);

  if (!jb_json_get_string (object, "type", TRUE, &type, error))
    return JB_STORE_APPLY_ERROR;
  if (g_str_equal (type, "resync_required"))
    return JB_STORE_APPLY_RESYNC;

  if (!jb_json_get_int (object, "seq", TRUE, &seq, error) ||
      !jb_json_get_int (object, "time", FALSE, &time, error))
    return JB_STORE_APPLY_ERROR;

  if (seq <= self->seq)
    return JB_STORE_APPLY_DUPLICATE;
  if (seq > self->seq + 1)
    return JB_STORE_APPLY_GAP;

  if (!jb_json_get_object (object, "data", TRUE, &data, error))
    return JB_STORE_APPLY_ERROR;

  if (g_str_equal (type, "unit.moved"))
    ok = apply_unit_moved (self, data, error);
  else if (g_str_equal (type, "unit.created") || g_str_equal (type, "unit.updated"))
    ok = apply_unit (self, data, error);
  else if (g_str_equal (type, "incident.created") || g_str_equal (type, "incident.updated"))
    ok = apply_incident (self, data, error);
  else if (g_str_equal (type, "terminal.created") || g_str_equal (type, "terminal.updated"))
    ok = apply_terminal (self, data, error);
  else if (g_str_equal (type, "station.created") || g_str_equal (type, "station.updated"))
    ok = apply_station (self, data, error);
  else if (g_str_has_prefix (type, "alert."))
    ok = apply_alert (self, type, data, error);
  else if (g_str_equal (type, "clip.created") || g_str_equal (type, "clip.added"))
    ok = apply_clip (self, data, error);
  else if (g_str_equal (type, "clip.progress"))
    ok = apply_clip_progress (self, data, error);
  else if (g_str_equal (type, "clip.removed"))
    ok = apply_clip_removed (self, data, error);
  else if (g_str_equal (type, "wall.pushed"))
    ok = apply_wall_pushed (self, data, error);
  else if (g_str_equal (type, "grid.updated"))
    {
      JsonObject *grid = NULL;

      ok = jb_json_get_object (data, "grid", TRUE, &grid, error) && jb_grid_set_apply (self->grids, grid, error);
    }
  else
    {
      /* A newer server may send types we do not know: skip them, the seq
       * still counts. */
      g_debug ("Skipping event %" G_GINT64_FORMAT " of unknown type \"%s\"", seq, type);
      ok = TRUE;
    }

  if (!ok)
    {
      g_prefix_error (error, "Event %" G_GINT64_FORMAT " (%s): ", seq, type);
      return JB_STORE_APPLY_ERROR;
    }

  self->seq = seq;
  if (time > 0)
    self->server_time = time;
  self->n_events++;
  return JB_STORE_APPLY_OK;
}

JbStoreApply
jb_store_apply_event_text (JbStore     *self,
                           const char  *text,
                           gsize        len,
                           GError     **error)
{
  JbMovedFrame frame;
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (JB_IS_STORE (self), JB_STORE_APPLY_ERROR);
  g_return_val_if_fail (text != NULL || len == 0, JB_STORE_APPLY_ERROR);

  if (_jb_moved_frame_scan (text, len, &frame))
    {
      char id[64];
      JbUnit *unit;

      if (frame.seq <= self->seq)
        return JB_STORE_APPLY_DUPLICATE;
      if (frame.seq > self->seq + 1)
        return JB_STORE_APPLY_GAP;

      /* The id, NUL-terminated for the hash lookup; an odd one (too long,
       * unknown) goes the slow way, which reports the error. */
      if (frame.id_len < sizeof id)
        {
          memcpy (id, frame.id, frame.id_len);
          id[frame.id_len] = '\0';
          unit = g_hash_table_lookup (self->unit_by_id, id);
          if (unit != NULL)
            {
              apply_move (self, unit, &frame.position);
              self->n_fast++;
              self->seq = frame.seq;
              if (frame.time > 0)
                self->server_time = frame.time;
              self->n_events++;
              return JB_STORE_APPLY_OK;
            }
        }
    }

  if (!(node = jb_json_parse_object (text, (gssize) len, error)))
    return JB_STORE_APPLY_ERROR;

  return jb_store_apply_event (self, node, error);
}

/* Positions (outside the event log) */

/* A fix older than the one the store has is skipped: positions frames,
 * the snapshot and unit.updated may bring the same unit in any order. */
static gboolean
apply_fix (JbStore          *self,
           JbUnit           *unit,
           const JbPosition *pos)
{
  JbPosition current;

  if (jb_unit_get_position (unit, &current) && pos->time < current.time)
    return FALSE;
  apply_move (self, unit, pos);
  return TRUE;
}

static gint
apply_positions_node (JbStore     *self,
                      JsonNode    *node,
                      GError     **error)
{
  JsonObject *frame, *data = NULL;
  JsonArray *items = NULL;
  const char *type = NULL;
  g_autoptr(GArray) fixes = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  gint applied = 0;

  frame = json_node_get_object (node);
  if (!jb_json_get_string (frame, "type", TRUE, &type, error) ||
      !jb_json_get_object (frame, "data", TRUE, &data, error) ||
      !jb_json_get_array (data, "items", TRUE, &items, error))
    return -1;
  if (g_strcmp0 (type, "positions") != 0)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_PROTOCOL, "A \"%s\" frame is not a positions frame.", type);
      return -1;
    }

  /* Every item checked before any is applied. */
  fixes = g_array_sized_new (FALSE, FALSE, sizeof (JbPosition), json_array_get_length (items));
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *item = json_array_get_element (items, i);
      const char *id = NULL;
      JbPosition pos;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          g_set_error (error, JB_ERROR, JB_ERROR_INVALID_TYPE, "positions item %u is not an object.", i);
          return -1;
        }
      if (!jb_json_get_string (json_node_get_object (item), "id", TRUE, &id, error) ||
          !jb_position_from_json_object (json_node_get_object (item), "item", &pos, error))
        {
          g_prefix_error (error, "positions item %u: ", i);
          return -1;
        }
      g_ptr_array_add (ids, (gpointer) id);
      g_array_append_val (fixes, pos);
    }
  for (guint i = 0; i < fixes->len; i++)
    {
      JbUnit *unit = g_hash_table_lookup (self->unit_by_id, g_ptr_array_index (ids, i));

      if (unit != NULL && apply_fix (self, unit, &g_array_index (fixes, JbPosition, i)))
        applied++;
    }
  return applied;
}

gint
jb_store_apply_positions_text (JbStore     *self,
                               const char  *text,
                               gsize        len,
                               GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  gint64 time = 0;
  gint applied = 0;

  g_return_val_if_fail (JB_IS_STORE (self), -1);
  g_return_val_if_fail (text != NULL || len == 0, -1);

  g_array_set_size (self->scan_items, 0);
  if (_jb_positions_frame_scan (text, len, self->scan_items, &time))
    {
      for (guint i = 0; i < self->scan_items->len; i++)
        {
          JbMovedFrame *item = &g_array_index (self->scan_items, JbMovedFrame, i);
          char id[64];
          JbUnit *unit;

          /* An id too long for this buffer is no unit of ours. */
          if (item->id_len >= sizeof id)
            continue;
          memcpy (id, item->id, item->id_len);
          id[item->id_len] = '\0';
          unit = g_hash_table_lookup (self->unit_by_id, id);
          if (unit != NULL && apply_fix (self, unit, &item->position))
            {
              applied++;
              self->n_fast++;
            }
        }
    }
  else
    {
      if (!(node = jb_json_parse_object (text, (gssize) len, error)) ||
          (applied = apply_positions_node (self, node, error)) < 0)
        return -1;
    }
  if (time > self->server_time)
    self->server_time = time;
  return applied;
}

/* Accessors */

gboolean
jb_store_has_snapshot (JbStore *self)
{
  g_return_val_if_fail (JB_IS_STORE (self), FALSE);
  return self->has_snapshot;
}

gint64
jb_store_get_seq (JbStore *self)
{
  g_return_val_if_fail (JB_IS_STORE (self), 0);
  return self->seq;
}

gint64
jb_store_get_server_time (JbStore *self)
{
  g_return_val_if_fail (JB_IS_STORE (self), 0);
  return self->server_time;
}

JsonObject *
jb_store_get_config (JbStore *self)
{
  g_return_val_if_fail (JB_IS_STORE (self), NULL);
  return self->config;
}

JbConfig *
jb_store_get_typed_config (JbStore *self)
{
  g_return_val_if_fail (JB_IS_STORE (self), NULL);

  if (self->typed_config == NULL)
    self->typed_config = jb_config_new_from_json (self->config);
  return self->typed_config;
}

JsonObject *
jb_store_get_user (JbStore *self)
{
  g_return_val_if_fail (JB_IS_STORE (self), NULL);
  return self->user;
}

GListModel *
jb_store_get_units (JbStore *self)
{
  g_return_val_if_fail (JB_IS_STORE (self), NULL);
  return G_LIST_MODEL (self->units);
}

GListModel *
jb_store_get_terminals (JbStore *self)
{
  g_return_val_if_fail (JB_IS_STORE (self), NULL);
  return G_LIST_MODEL (self->terminals);
}

GListModel *
jb_store_get_stations (JbStore *self)
{
  g_return_val_if_fail (JB_IS_STORE (self), NULL);
  return G_LIST_MODEL (self->stations);
}

JbGridSet *
jb_store_get_grids (JbStore *self)
{
  g_return_val_if_fail (JB_IS_STORE (self), NULL);
  return self->grids;
}

GListModel *
jb_store_get_incidents (JbStore *self)
{
  g_return_val_if_fail (JB_IS_STORE (self), NULL);
  return G_LIST_MODEL (self->incidents);
}

JbUnit *
jb_store_lookup_unit (JbStore    *self,
                      const char *id)
{
  g_return_val_if_fail (JB_IS_STORE (self), NULL);
  return id != NULL ? g_hash_table_lookup (self->unit_by_id, id) : NULL;
}

JbTerminal *
jb_store_lookup_terminal (JbStore    *self,
                          const char *id)
{
  g_return_val_if_fail (JB_IS_STORE (self), NULL);
  return id != NULL ? g_hash_table_lookup (self->terminal_by_id, id) : NULL;
}

JbIncident *
jb_store_lookup_incident (JbStore    *self,
                          const char *id)
{
  g_return_val_if_fail (JB_IS_STORE (self), NULL);
  return id != NULL ? g_hash_table_lookup (self->incident_by_id, id) : NULL;
}

JbStation *
jb_store_lookup_station (JbStore    *self,
                         const char *id)
{
  g_return_val_if_fail (JB_IS_STORE (self), NULL);
  return id != NULL ? g_hash_table_lookup (self->station_by_id, id) : NULL;
}

guint
jb_store_get_unit_index (JbStore    *self,
                         const char *id)
{
  JbUnit *unit = jb_store_lookup_unit (self, id);

  return unit != NULL ? _jb_unit_get_index (unit) : G_MAXUINT;
}

const JbUnitPoint *
jb_store_get_unit_points (JbStore *self,
                          guint   *n)
{
  g_return_val_if_fail (JB_IS_STORE (self), NULL);

  if (n != NULL)
    *n = self->points->len;
  return (const JbUnitPoint *) (gpointer) self->points->data;
}

static guint
count_units (JbStore      *self,
             gboolean      by_station,
             const char   *station_id,
             JbUnitKind    kind,
             JbUnitStatus  status)
{
  /* Units keep their station id interned. */
  const char *station = g_intern_string (station_id);
  guint count = 0;

  for (guint i = 0; i < self->points->len; i++)
    {
      const JbUnitPoint *p = &g_array_index (self->points, JbUnitPoint, i);

      if ((kind != JB_UNIT_KIND_N && p->kind != kind) ||
          (status != JB_UNIT_STATUS_N && p->status != status))
        continue;
      if (by_station &&
          jb_unit_get_station_id (jb_model_list_peek (self->units, i)) != station)
        continue;
      count++;
    }
  return count;
}

guint
jb_store_count_units (JbStore      *self,
                      JbUnitKind    kind,
                      JbUnitStatus  status)
{
  g_return_val_if_fail (JB_IS_STORE (self), 0);
  g_return_val_if_fail (kind <= JB_UNIT_KIND_N, 0);
  g_return_val_if_fail (status <= JB_UNIT_STATUS_N, 0);

  return count_units (self, FALSE, NULL, kind, status);
}

guint
jb_store_count_station_units (JbStore      *self,
                              const char   *station_id,
                              JbUnitKind    kind,
                              JbUnitStatus  status)
{
  g_return_val_if_fail (JB_IS_STORE (self), 0);
  g_return_val_if_fail (kind <= JB_UNIT_KIND_N, 0);
  g_return_val_if_fail (status <= JB_UNIT_STATUS_N, 0);

  return count_units (self, TRUE, station_id, kind, status);
}

guint64
jb_store_get_n_events (JbStore *self)
{
  g_return_val_if_fail (JB_IS_STORE (self), 0);
  return self->n_events;
}

guint64
jb_store_get_n_moves (JbStore *self)
{
  g_return_val_if_fail (JB_IS_STORE (self), 0);
  return self->n_moves;
}

guint64
jb_store_get_n_fast_path (JbStore *self)
{
  g_return_val_if_fail (JB_IS_STORE (self), 0);
  return self->n_fast;
}

/* GObject */

static void
jb_store_dispose (GObject *object)
{
  JbStore *self = (JbStore *)object;

  g_clear_handle_id (&self->moved_idle_id, g_source_remove);
  g_clear_handle_id (&self->clock_id, g_source_remove);

  G_OBJECT_CLASS (jb_store_parent_class)->dispose (object);
}

static void
jb_store_finalize (GObject *object)
{
  JbStore *self = (JbStore *)object;

  g_clear_pointer (&self->scan_items, g_array_unref);
  /* The tables borrow from the lists: drop them first. */
  g_clear_pointer (&self->unit_by_id, g_hash_table_unref);
  g_clear_pointer (&self->terminal_by_id, g_hash_table_unref);
  g_clear_pointer (&self->station_by_id, g_hash_table_unref);
  g_clear_pointer (&self->incident_by_id, g_hash_table_unref);
  g_clear_object (&self->units);
  g_clear_object (&self->terminals);
  g_clear_object (&self->stations);
  g_clear_object (&self->incidents);
  g_clear_object (&self->grids);
  g_clear_object (&self->alerts);
  g_clear_pointer (&self->points, g_array_unref);
  g_clear_pointer (&self->config, json_object_unref);
  g_clear_object (&self->typed_config);
  g_clear_pointer (&self->user, json_object_unref);

  G_OBJECT_CLASS (jb_store_parent_class)->finalize (object);
}

static void
jb_store_class_init (JbStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jb_store_dispose;
  object_class->finalize = jb_store_finalize;

  /**
   * JbStore::units-moved:
   *
   * Units moved (positions and unit points updated in place): at most once
   * per main-loop batch, however many unit.moved events came.
   */
  signals[UNITS_MOVED] =
    g_signal_new ("units-moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * JbStore::changed:
   * @kind: a #JbStoreChange
   * @id: (nullable): the id of what changed, NULL for CONFIG
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  JB_TYPE_STORE_CHANGE, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  signals[SNAPSHOT_LOADED] =
    g_signal_new ("snapshot-loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * JbStore::wall-pushed:
   * @clip: the pushed #JbClip
   * @incident_id: its incident
   * @by: (nullable): who pushed it
   * @reason: (nullable): why
   */
  signals[WALL_PUSHED] =
    g_signal_new ("wall-pushed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                  JB_TYPE_CLIP,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * JbStore::tick:
   * @now_ms: the shared clock's new time (ms since the epoch)
   *
   * The shared clock moved (jb_store_tick()): every view that shows a
   * countdown or an overdue look redoes it from jb_store_get_now_ms(), so
   * two views never judge the same incident at two different times.
   */
  signals[TICK] =
    g_signal_new ("tick", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
jb_store_init (JbStore *self)
{
  self->units = jb_model_list_new (JB_TYPE_UNIT);
  self->terminals = jb_model_list_new (JB_TYPE_TERMINAL);
  self->stations = jb_model_list_new (JB_TYPE_STATION);
  self->incidents = jb_model_list_new (JB_TYPE_INCIDENT);
  self->grids = jb_grid_set_new ();
  self->alerts = g_list_store_new (JB_TYPE_ALERT);
  self->unit_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->terminal_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->station_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->incident_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->points = g_array_new (FALSE, TRUE, sizeof (JbUnitPoint));
  self->scan_items = g_array_new (FALSE, FALSE, sizeof (JbMovedFrame));
}

JbStore *
jb_store_new (void)
{
  return g_object_new (JB_TYPE_STORE, NULL);
}

/* The shared clock */

gint64
jb_store_get_now_ms (JbStore *self)
{
  g_return_val_if_fail (JB_IS_STORE (self), 0);

  /* Before the first tick, the first reading holds until a tick. */
  if (self->now_ms == 0)
    self->now_ms = g_get_real_time () / 1000;
  return self->now_ms;
}

void
jb_store_tick (JbStore *self,
               gint64   now_ms)
{
  g_return_if_fail (JB_IS_STORE (self));

  self->now_ms = now_ms > 0 ? now_ms : g_get_real_time () / 1000;
  g_signal_emit (self, signals[TICK], 0, self->now_ms);
}

static gboolean clock_cb (gpointer user_data);

/* Next tick just after the wall clock's next whole second, so the
 * countdowns step together with the clock on the wall. */
static void
schedule_clock (JbStore *self)
{
  gint64 now_us = g_get_real_time ();
  guint delay_ms = (guint) (1000 - (now_us / 1000) % 1000) + 5;

  self->clock_id = g_timeout_add (delay_ms, clock_cb, self);
}

static gboolean
clock_cb (gpointer user_data)
{
  JbStore *self = user_data;

  self->clock_id = 0;
  jb_store_tick (self, 0);
  if (self->clock_id == 0)
    schedule_clock (self);
  return G_SOURCE_REMOVE;
}

void
jb_store_start_clock (JbStore *self)
{
  g_return_if_fail (JB_IS_STORE (self));

  if (self->clock_id == 0)
    schedule_clock (self);
}
