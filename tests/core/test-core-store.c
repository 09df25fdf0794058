/* test-core-store.c — JbStore: snapshot, events, ordering, batching, fast path
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "jb-core.h"
#include "jb-moved-frame.h"

#define N_UNITS 50

static char *
unit_json (guint       i,
           const char *status,
           const char *incident_id)
{
  g_autofree char *incident = incident_id ? g_strdup_printf ("\"%s\"", incident_id) : g_strdup ("null");

  return g_strdup_printf ("{\"id\": \"u-%05u\", \"kind\": \"%s\", \"callsign\": \"保-%u\", \"name\": \"N%u\","
                          " \"org_id\": \"org-a\", \"org_name\": \"A\", \"station_id\": \"st-a\","
                          " \"status\": \"%s\", \"terminal_id\": null, \"incident_id\": %s, \"phone\": null,"
                          " \"position\": %s, \"updated_at\": 1795400000000}",
                          i, i % 4 == 0 ? "officer" : "guard", i, i, status, incident,
                          i % 10 == 9 ? "null" :
                          "{\"lat\": 28.2, \"lon\": 112.98, \"heading\": null, \"speed\": null,"
                          " \"accuracy\": null, \"time\": 1795400000000}");
}

static char *
incident_json (const char *id,
               const char *status)
{
  return g_strdup_printf ("{\"id\": \"%s\", \"number\": \"KF-%s\", \"type\": \"fight\", \"priority\": 2,"
                          " \"status\": \"%s\", \"source\": \"phone\", \"terminal_id\": null,"
                          " \"reported_by\": \"dispatcher\", \"location\": {\"lat\": 28.2, \"lon\": 112.98},"
                          " \"address\": \"X\", \"venue\": null, \"station_id\": \"st-a\","
                          " \"description\": \"\", \"created_at\": 1795400000000,"
                          " \"assignments\": [], \"procedure\": [], \"notes\": [], \"timeline\": [],"
                          " \"disposition\": %s, \"updated_at\": 1795400000000}",
                          id, id, status, g_str_equal (status, "closed") ? "\"mediated\"" : "null");
}

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  return node;
}

static JsonNode *
make_snapshot (gint64 seq,
               guint  n_units)
{
  g_autoptr(GString) s = g_string_new (NULL);

  g_string_append_printf (s, "{\"seq\": %" G_GINT64_FORMAT ", \"server_time\": 1795400000000,"
                          " \"user\": {\"username\": \"dispatcher\", \"display_name\": \"D\","
                          " \"role\": \"dispatcher\", \"station_id\": null},"
                          " \"config\": {\"targets\": {\"guard_s\": 60, \"police_s\": 180, \"reinforce_s\": 300}},"
                          " \"stations\": [{\"id\": \"st-a\", \"name\": \"A所\"}, {\"id\": \"st-b\", \"name\": \"B所\"}],"
                          " \"units\": [", seq);
  for (guint i = 0; i < n_units; i++)
    {
      g_autofree char *u = unit_json (i, "available", NULL);

      g_string_append_printf (s, "%s%s", i ? "," : "", u);
    }
  g_string_append (s, "], \"terminals\": [{\"id\": \"t-1\", \"kind\": \"sensor\", \"online\": true},"
                      " {\"id\": \"t-2\", \"kind\": \"alarm_button\", \"online\": false}],"
                      " \"incidents\": [");
  {
    g_autofree char *a = incident_json ("inc-1", "new");
    g_autofree char *b = incident_json ("inc-2", "dispatched");

    g_string_append_printf (s, "%s, %s", a, b);
  }
  g_string_append (s, "], \"future_member\": {\"ignored\": true}}");

  return parse (s->str);
}

static char *
event_text (gint64      seq,
            const char *type,
            const char *data)
{
  return g_strdup_printf ("{\"seq\": %" G_GINT64_FORMAT ", \"type\": \"%s\", \"time\": 1795400001000,"
                          " \"data\": %s}", seq, type, data);
}

static JbStoreApply
apply_text (JbStore    *store,
            const char *text,
            GError    **error)
{
  return jb_store_apply_event_text (store, text, strlen (text), error);
}

static JbStoreApply
apply (JbStore    *store,
       gint64      seq,
       const char *type,
       const char *data)
{
  g_autofree char *text = event_text (seq, type, data);
  g_autoptr(GError) error = NULL;
  JbStoreApply result = apply_text (store, text, &error);

  if (result == JB_STORE_APPLY_ERROR)
    g_test_message ("apply: %s", error->message);
  return result;
}

/* Records items-changed of a list. */
typedef struct
{
  guint n_signals;
  guint position, removed, added;
} ItemsChanged;

static void
items_changed_cb (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  ItemsChanged *record)
{
  record->n_signals++;
  record->position = position;
  record->removed = removed;
  record->added = added;
}

static void
count_cb (gpointer  instance,
          guint    *count)
{
  (*count)++;
}

static void
changed_cb (JbStore       *store,
            JbStoreChange  kind,
            const char    *id,
            guint         *count)
{
  g_assert_true (kind == JB_STORE_CHANGE_CONFIG || id != NULL);
  (*count)++;
}

static void
drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static JbStore *
loaded_store (void)
{
  static JsonNode *snapshot = NULL;  /* parsed once: tests load it often */
  g_autoptr(GError) error = NULL;
  JbStore *store = jb_store_new ();

  if (snapshot == NULL)
    snapshot = make_snapshot (10, N_UNITS);

  g_assert_true (jb_store_load_snapshot (store, snapshot, &error));
  g_assert_no_error (error);
  drain_main_context ();
  return store;
}

static void
test_snapshot (void)
{
  g_autoptr(JbStore) store = jb_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) snapshot = make_snapshot (10, N_UNITS);
  ItemsChanged units_changed = { 0, }, incidents_changed = { 0, };
  guint loaded = 0, n_points = 0;
  const JbUnitPoint *points;
  JbUnit *unit;

  g_signal_connect (jb_store_get_units (store), "items-changed", G_CALLBACK (items_changed_cb), &units_changed);
  g_signal_connect (jb_store_get_incidents (store), "items-changed", G_CALLBACK (items_changed_cb), &incidents_changed);
  g_signal_connect (store, "snapshot-loaded", G_CALLBACK (count_cb), &loaded);

  g_assert_false (jb_store_has_snapshot (store));
  g_assert_true (jb_store_load_snapshot (store, snapshot, &error));
  g_assert_no_error (error);

  g_assert_true (jb_store_has_snapshot (store));
  g_assert_cmpint (jb_store_get_seq (store), ==, 10);
  g_assert_cmpuint (loaded, ==, 1);
  g_assert_cmpuint (units_changed.n_signals, ==, 1);
  g_assert_cmpuint (units_changed.added, ==, N_UNITS);
  g_assert_cmpuint (incidents_changed.added, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (jb_store_get_units (store)), ==, N_UNITS);
  g_assert_cmpuint (g_list_model_get_n_items (jb_store_get_terminals (store)), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (jb_store_get_stations (store)), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (jb_store_get_incidents (store)), ==, 2);
  g_assert_true (g_list_model_get_item_type (jb_store_get_units (store)) == JB_TYPE_UNIT);

  g_assert_nonnull (jb_store_get_config (store));
  g_assert_true (json_object_has_member (jb_store_get_config (store), "targets"));
  g_assert_cmpstr (json_object_get_string_member (jb_store_get_user (store), "role"), ==, "dispatcher");

  unit = jb_store_lookup_unit (store, "u-00007");
  g_assert_nonnull (unit);
  g_assert_cmpuint (jb_store_get_unit_index (store, "u-00007"), ==, 7);
  g_assert_cmpuint (jb_store_get_unit_index (store, "u-nope"), ==, G_MAXUINT);
  g_assert_nonnull (jb_store_lookup_terminal (store, "t-2"));
  g_assert_nonnull (jb_store_lookup_station (store, "st-b"));
  g_assert_nonnull (jb_store_lookup_incident (store, "inc-2"));
  g_assert_null (jb_store_lookup_incident (store, "inc-3"));

  points = jb_store_get_unit_points (store, &n_points);
  g_assert_cmpuint (n_points, ==, N_UNITS);
  for (guint i = 0; i < n_points; i++)
    {
      g_autoptr(JbUnit) item = g_list_model_get_item (jb_store_get_units (store), i);

      g_assert_cmpuint (points[i].kind, ==, jb_unit_get_kind (item));
      g_assert_cmpuint (points[i].status, ==, JB_UNIT_STATUS_AVAILABLE);
      g_assert_cmpint (!!(points[i].flags & JB_UNIT_POINT_HAS_POSITION), ==, jb_unit_has_position (item));
      if (!jb_unit_has_position (item))
        g_assert_true (isnan (points[i].lat));
      else
        g_assert_cmpfloat (points[i].lat, ==, 28.2);
    }
}

static void
test_snapshot_bad (void)
{
  g_autoptr(JbStore) store = loaded_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) bad = make_snapshot (20, 3);
  JsonArray *units = json_object_get_array_member (json_node_get_object (bad), "units");

  json_object_set_string_member (json_array_get_object_element (units, 2), "status", "sleeping");
  g_assert_false (jb_store_load_snapshot (store, bad, &error));
  g_assert_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (error->message, "units[2]"));

  /* Nothing changed. */
  g_assert_cmpint (jb_store_get_seq (store), ==, 10);
  g_assert_cmpuint (g_list_model_get_n_items (jb_store_get_units (store)), ==, N_UNITS);
}

static void
test_snapshot_reload_keeps_objects (void)
{
  g_autoptr(JbStore) store = loaded_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) again = make_snapshot (30, 5);
  g_autoptr(JbUnit) kept = g_object_ref (jb_store_lookup_unit (store, "u-00003"));
  g_autoptr(JbUnit) dropped = g_object_ref (jb_store_lookup_unit (store, "u-00040"));
  JsonArray *units = json_object_get_array_member (json_node_get_object (again), "units");
  guint n_points;

  json_object_set_string_member (json_array_get_object_element (units, 3), "status", "busy");
  g_assert_true (jb_store_load_snapshot (store, again, &error));
  g_assert_no_error (error);

  g_assert_cmpint (jb_store_get_seq (store), ==, 30);
  g_assert_true (jb_store_lookup_unit (store, "u-00003") == kept);
  g_assert_cmpint (jb_unit_get_status (kept), ==, JB_UNIT_STATUS_BUSY);
  g_assert_null (jb_store_lookup_unit (store, "u-00040"));
  /* A view still holding a dropped unit keeps a valid (if stale) object. */
  g_assert_cmpstr (jb_unit_get_id (dropped), ==, "u-00040");
  g_assert_cmpuint (g_list_model_get_n_items (jb_store_get_units (store)), ==, 5);
  jb_store_get_unit_points (store, &n_points);
  g_assert_cmpuint (n_points, ==, 5);
  g_assert_cmpuint (jb_store_get_unit_points (store, NULL)[3].status, ==, JB_UNIT_STATUS_BUSY);
}

static void
test_events_in_order (void)
{
  g_autoptr(JbStore) store = loaded_store ();
  g_autofree char *updated = NULL, *created = NULL, *wrapped = NULL;
  ItemsChanged units_changed = { 0, }, incidents_changed = { 0, };
  guint changed = 0;
  JbUnit *unit;

  g_signal_connect (jb_store_get_units (store), "items-changed", G_CALLBACK (items_changed_cb), &units_changed);
  g_signal_connect (jb_store_get_incidents (store), "items-changed", G_CALLBACK (items_changed_cb), &incidents_changed);
  g_signal_connect (store, "changed", G_CALLBACK (changed_cb), &changed);

  /* unit.updated: in place, items-changed (pos, 1, 1). */
  updated = g_strdup_printf ("{\"unit\": %s}", (wrapped = unit_json (5, "assigned", "inc-1")));
  g_assert_cmpint (apply (store, 11, "unit.updated", updated), ==, JB_STORE_APPLY_OK);
  unit = jb_store_lookup_unit (store, "u-00005");
  g_assert_cmpint (jb_unit_get_status (unit), ==, JB_UNIT_STATUS_ASSIGNED);
  g_assert_cmpstr (jb_unit_get_incident_id (unit), ==, "inc-1");
  g_assert_cmpuint (units_changed.n_signals, ==, 1);
  g_assert_cmpuint (units_changed.position, ==, 5);
  g_assert_cmpuint (units_changed.removed, ==, 1);
  g_assert_cmpuint (units_changed.added, ==, 1);
  g_assert_cmpuint (jb_store_get_unit_points (store, NULL)[5].status, ==, JB_UNIT_STATUS_ASSIGNED);
  g_assert_true (jb_store_get_unit_points (store, NULL)[5].flags & JB_UNIT_POINT_ASSIGNED);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpint (jb_store_get_seq (store), ==, 11);

  /* unit.created: appended, in step with the points. */
  g_free (wrapped);
  created = g_strdup_printf ("{\"unit\": %s}", (wrapped = unit_json (900, "available", NULL)));
  g_assert_cmpint (apply (store, 12, "unit.created", created), ==, JB_STORE_APPLY_OK);
  g_assert_cmpuint (units_changed.n_signals, ==, 2);
  g_assert_cmpuint (units_changed.position, ==, N_UNITS);
  g_assert_cmpuint (units_changed.removed, ==, 0);
  g_assert_cmpuint (units_changed.added, ==, 1);
  g_assert_cmpuint (jb_store_get_unit_index (store, "u-00900"), ==, N_UNITS);
  {
    guint n;

    jb_store_get_unit_points (store, &n);
    g_assert_cmpuint (n, ==, N_UNITS + 1);
  }

  /* incident.created, then updated in place. */
  {
    g_autofree char *inc = incident_json ("inc-3", "new");
    g_autofree char *data = g_strdup_printf ("{\"incident\": %s}", inc);
    g_autofree char *inc2 = incident_json ("inc-3", "acknowledged");
    g_autofree char *data2 = g_strdup_printf ("{\"incident\": %s, \"change\": \"acknowledged\"}", inc2);
    JbIncident *incident;

    g_assert_cmpint (apply (store, 13, "incident.created", data), ==, JB_STORE_APPLY_OK);
    g_assert_cmpuint (incidents_changed.n_signals, ==, 1);
    g_assert_cmpuint (incidents_changed.position, ==, 2);
    g_assert_cmpuint (incidents_changed.added, ==, 1);
    incident = jb_store_lookup_incident (store, "inc-3");
    g_assert_nonnull (incident);

    g_assert_cmpint (apply (store, 14, "incident.updated", data2), ==, JB_STORE_APPLY_OK);
    g_assert_true (jb_store_lookup_incident (store, "inc-3") == incident);
    g_assert_cmpint (jb_incident_get_status (incident), ==, JB_INCIDENT_STATUS_ACKNOWLEDGED);
    g_assert_cmpuint (incidents_changed.n_signals, ==, 2);
    g_assert_cmpuint (incidents_changed.position, ==, 2);
    g_assert_cmpuint (incidents_changed.removed, ==, 1);
    g_assert_cmpuint (incidents_changed.added, ==, 1);
  }

  /* terminal and station updates. */
  g_assert_cmpint (apply (store, 15, "terminal.updated",
                          "{\"terminal\": {\"id\": \"t-2\", \"kind\": \"alarm_button\", \"online\": true}}"),
                   ==, JB_STORE_APPLY_OK);
  g_assert_true (jb_terminal_get_online (jb_store_lookup_terminal (store, "t-2")));
  g_assert_cmpint (apply (store, 16, "station.updated",
                          "{\"station\": {\"id\": \"st-b\", \"name\": \"B派出所\"}}"),
                   ==, JB_STORE_APPLY_OK);
  g_assert_cmpstr (jb_station_get_name (jb_store_lookup_station (store, "st-b")), ==, "B派出所");

  /* An unknown type from a newer server: skipped, seq counts. */
  g_assert_cmpint (apply (store, 17, "weather.changed", "{\"rain\": true}"), ==, JB_STORE_APPLY_OK);
  g_assert_cmpint (jb_store_get_seq (store), ==, 17);
  g_assert_cmpuint (jb_store_get_n_events (store), ==, 7);
}

static void
test_duplicate_and_gap (void)
{
  g_autoptr(JbStore) store = loaded_store ();
  g_autofree char *wrapped = unit_json (1, "busy", NULL);
  g_autofree char *data = g_strdup_printf ("{\"unit\": %s}", wrapped);
  ItemsChanged units_changed = { 0, };

  g_signal_connect (jb_store_get_units (store), "items-changed", G_CALLBACK (items_changed_cb), &units_changed);

  /* Already in the snapshot (seq ≤ 10): ignored. */
  g_assert_cmpint (apply (store, 10, "unit.updated", data), ==, JB_STORE_APPLY_DUPLICATE);
  g_assert_cmpint (apply (store, 3, "unit.updated", data), ==, JB_STORE_APPLY_DUPLICATE);
  g_assert_cmpint (jb_unit_get_status (jb_store_lookup_unit (store, "u-00001")), ==, JB_UNIT_STATUS_AVAILABLE);

  /* 12 after 10: a gap, nothing applied. */
  g_assert_cmpint (apply (store, 12, "unit.updated", data), ==, JB_STORE_APPLY_GAP);
  g_assert_cmpint (jb_unit_get_status (jb_store_lookup_unit (store, "u-00001")), ==, JB_UNIT_STATUS_AVAILABLE);
  g_assert_cmpint (jb_store_get_seq (store), ==, 10);

  /* A moved frame on the fast path obeys the same rules. */
  g_assert_cmpint (apply (store, 12, "unit.moved",
                          "{\"id\": \"u-00001\", \"lat\": 28.3, \"lon\": 113.0, \"heading\": null,"
                          " \"speed\": null, \"accuracy\": null, \"time\": 1795400009000}"),
                   ==, JB_STORE_APPLY_GAP);
  g_assert_cmpint (apply (store, 9, "unit.moved",
                          "{\"id\": \"u-00001\", \"lat\": 28.3, \"lon\": 113.0, \"heading\": null,"
                          " \"speed\": null, \"accuracy\": null, \"time\": 1795400009000}"),
                   ==, JB_STORE_APPLY_DUPLICATE);
  g_assert_cmpfloat (jb_store_get_unit_points (store, NULL)[1].lat, ==, 28.2);

  g_assert_cmpint (apply (store, 11, "unit.updated", data), ==, JB_STORE_APPLY_OK);
  g_assert_cmpint (jb_unit_get_status (jb_store_lookup_unit (store, "u-00001")), ==, JB_UNIT_STATUS_BUSY);
  g_assert_cmpuint (units_changed.n_signals, ==, 1);
}

static void
test_resync_frame (void)
{
  g_autoptr(JbStore) store = loaded_store ();
  const char *frame = "{\"seq\": 0, \"type\": \"resync_required\", \"data\": {\"oldest_seq\": 500, \"latest_seq\": 900}}";
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (apply_text (store, frame, &error), ==, JB_STORE_APPLY_RESYNC);
  g_assert_no_error (error);
  g_assert_cmpint (jb_store_get_seq (store), ==, 10);
}

static void
test_bad_events (void)
{
  g_autoptr(JbStore) store = loaded_store ();
  g_autoptr(GError) error = NULL;
  const char *not_json = "{\"seq\": 11, \"type\": ";
  const char *no_seq = "{\"type\": \"unit.updated\", \"data\": {}}";
  g_autofree char *bad_unit = event_text (11, "unit.updated",
                                          "{\"unit\": {\"id\": \"u-00001\", \"kind\": \"robot\", \"status\": \"available\"}}");
  g_autofree char *unknown_unit = event_text (11, "unit.moved",
                                              "{\"id\": \"u-77777\", \"lat\": 1, \"lon\": 2, \"time\": 3}");
  g_autofree char *bad_lat = event_text (11, "unit.moved",
                                         "{\"id\": \"u-00001\", \"lat\": 100.5, \"lon\": 2, \"time\": 3}");

  g_assert_cmpint (apply_text (store, not_json, &error), ==, JB_STORE_APPLY_ERROR);
  g_assert_error (error, JB_ERROR, JB_ERROR_MALFORMED_JSON);
  g_clear_error (&error);
  g_assert_cmpint (apply_text (store, no_seq, &error), ==, JB_STORE_APPLY_ERROR);
  g_assert_error (error, JB_ERROR, JB_ERROR_MISSING_FIELD);
  g_clear_error (&error);
  g_assert_cmpint (apply_text (store, bad_unit, &error), ==, JB_STORE_APPLY_ERROR);
  g_assert_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (error->message, "\"kind\""));
  g_clear_error (&error);
  g_assert_cmpint (apply_text (store, unknown_unit, &error), ==, JB_STORE_APPLY_ERROR);
  g_assert_error (error, JB_ERROR, JB_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_cmpint (apply_text (store, bad_lat, &error), ==, JB_STORE_APPLY_ERROR);
  g_assert_error (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  g_assert_cmpint (jb_store_get_seq (store), ==, 10);
  g_assert_cmpint (jb_unit_get_kind (jb_store_lookup_unit (store, "u-00001")), ==, JB_UNIT_KIND_GUARD);
}

static void
test_incident_closed_leaves (void)
{
  g_autoptr(JbStore) store = loaded_store ();
  g_autofree char *inc = incident_json ("inc-1", "closed");
  g_autofree char *data = g_strdup_printf ("{\"incident\": %s, \"change\": \"closed\"}", inc);
  g_autoptr(JbIncident) held = g_object_ref (jb_store_lookup_incident (store, "inc-1"));
  ItemsChanged incidents_changed = { 0, };
  guint changed = 0;

  g_signal_connect (jb_store_get_incidents (store), "items-changed", G_CALLBACK (items_changed_cb), &incidents_changed);
  g_signal_connect (store, "changed", G_CALLBACK (changed_cb), &changed);

  g_assert_cmpint (apply (store, 11, "incident.updated", data), ==, JB_STORE_APPLY_OK);
  g_assert_cmpuint (incidents_changed.n_signals, ==, 1);
  g_assert_cmpuint (incidents_changed.position, ==, 0);
  g_assert_cmpuint (incidents_changed.removed, ==, 1);
  g_assert_cmpuint (incidents_changed.added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (jb_store_get_incidents (store)), ==, 1);
  g_assert_null (jb_store_lookup_incident (store, "inc-1"));
  g_assert_cmpuint (changed, ==, 1);
  /* Whoever held it sees the final state. */
  g_assert_cmpint (jb_incident_get_status (held), ==, JB_INCIDENT_STATUS_CLOSED);
  g_assert_cmpint (jb_incident_get_disposition (held), ==, JB_DISPOSITION_MEDIATED);

  /* A closed incident created (seen for the first time) never enters. */
  {
    g_autofree char *inc9 = incident_json ("inc-9", "closed");
    g_autofree char *data9 = g_strdup_printf ("{\"incident\": %s}", inc9);

    g_assert_cmpint (apply (store, 12, "incident.updated", data9), ==, JB_STORE_APPLY_OK);
    g_assert_cmpuint (g_list_model_get_n_items (jb_store_get_incidents (store)), ==, 1);
    g_assert_cmpuint (incidents_changed.n_signals, ==, 1);
  }
}

static char *
moved_text (gint64 seq,
            guint  unit,
            double lat,
            double lon,
            double heading,
            gint64 time)
{
  g_autofree char *heading_str = NULL;
  char lat_buf[G_ASCII_DTOSTR_BUF_SIZE], lon_buf[G_ASCII_DTOSTR_BUF_SIZE], h_buf[G_ASCII_DTOSTR_BUF_SIZE];

  heading_str = isnan (heading) ? g_strdup ("null") : g_strdup (g_ascii_dtostr (h_buf, sizeof h_buf, heading));
  return g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",\"type\":\"unit.moved\",\"time\":%" G_GINT64_FORMAT ","
                          "\"data\":{\"id\":\"u-%05u\",\"lat\":%s,\"lon\":%s,\"heading\":%s,\"speed\":1.5,"
                          "\"accuracy\":5,\"time\":%" G_GINT64_FORMAT "}}",
                          seq, time, unit,
                          g_ascii_dtostr (lat_buf, sizeof lat_buf, lat),
                          g_ascii_dtostr (lon_buf, sizeof lon_buf, lon),
                          heading_str, time);
}

/* A client that never goes idle still announces its moves, at most 100 ms
 * late: the batch is flushed by the next move once it is that old. */
static void
test_moved_batch_age (void)
{
  g_autoptr(JbStore) store = loaded_store ();
  g_autofree char *first = moved_text (11, 1, 28.01, 112.91, 90, 1795400000011);
  g_autofree char *second = moved_text (12, 2, 28.02, 112.92, 90, 1795400000012);
  guint moved = 0;

  g_signal_connect (store, "units-moved", G_CALLBACK (count_cb), &moved);

  g_assert_cmpint (apply_text (store, first, NULL), ==, JB_STORE_APPLY_OK);
  g_assert_cmpuint (moved, ==, 0);
  g_usleep (150 * 1000);
  g_assert_cmpint (apply_text (store, second, NULL), ==, JB_STORE_APPLY_OK);
  g_assert_cmpuint (moved, ==, 1);

  /* Nothing is left pending: no second announcement of the same moves. */
  drain_main_context ();
  g_assert_cmpuint (moved, ==, 1);
}

static void
test_moved_batching (void)
{
  g_autoptr(JbStore) store = loaded_store ();
  ItemsChanged units_changed = { 0, };
  guint moved = 0, changed = 0;
  gint64 seq = 10;
  const JbUnitPoint *points;

  g_signal_connect (store, "units-moved", G_CALLBACK (count_cb), &moved);
  g_signal_connect (store, "changed", G_CALLBACK (changed_cb), &changed);
  g_signal_connect (jb_store_get_units (store), "items-changed", G_CALLBACK (items_changed_cb), &units_changed);

  for (guint round = 1; round <= 3; round++)
    {
      g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

      /* Frames made first, so that applying them stays well inside the
       * store's longest batch (100 ms) even under the sanitizers. */
      for (guint i = 0; i < 1000; i++)
        {
          guint unit = i % N_UNITS;
          gint64 this_seq = ++seq;

          g_ptr_array_add (texts, moved_text (this_seq, unit, 28.0 + unit * 0.001 + round * 0.0001,
                                              112.9 + i * 0.00001, (i * 7) % 360, 1795400000000 + this_seq));
        }
      for (guint i = 0; i < texts->len; i++)
        g_assert_cmpint (apply_text (store, texts->pdata[i], NULL), ==, JB_STORE_APPLY_OK);

      /* Updated in place at once, but not announced before the loop runs. */
      g_assert_cmpuint (moved, ==, round - 1);
      drain_main_context ();
      g_assert_cmpuint (moved, ==, round);
    }

  /* No per-move list or "changed" traffic. */
  g_assert_cmpuint (units_changed.n_signals, ==, 0);
  g_assert_cmpuint (changed, ==, 0);
  g_assert_cmpuint (jb_store_get_n_moves (store), ==, 3000);

  /* The points array is in step with the units. */
  points = jb_store_get_unit_points (store, NULL);
  for (guint i = 0; i < N_UNITS; i++)
    {
      g_autofree char *id = g_strdup_printf ("u-%05u", i);
      JbUnit *unit = jb_store_lookup_unit (store, id);
      JbPosition pos;

      g_assert_true (jb_unit_get_position (unit, &pos));
      g_assert_cmpfloat (points[i].lat, ==, pos.lat);
      g_assert_cmpfloat (points[i].lon, ==, pos.lon);
      g_assert_cmpfloat (points[i].heading, ==, (float) pos.heading);
      g_assert_cmpint (points[i].time, ==, pos.time);
      g_assert_cmpfloat (pos.lat, ==, 28.0 + i * 0.001 + 3 * 0.0001);
      g_assert_cmpfloat (pos.speed, ==, 1.5);
      g_assert_true (points[i].flags & JB_UNIT_POINT_HAS_POSITION);
      g_assert_true (points[i].flags & JB_UNIT_POINT_HAS_HEADING);
    }
}

/* Applies @text to a store through the fast path and to a twin through
 * json-glib alone; both must agree on the result and the state. */
static void
assert_paths_agree (const char *text,
                    gboolean    expect_fast)
{
  g_autoptr(JbStore) fast = loaded_store ();
  g_autoptr(JbStore) slow = loaded_store ();
  g_autoptr(GError) fast_error = NULL;
  g_autoptr(GError) slow_error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JbMovedFrame frame;
  JbStoreApply fast_result, slow_result;
  guint n;
  const JbUnitPoint *a, *b;

  g_assert_cmpint (_jb_moved_frame_scan (text, strlen (text), &frame), ==, expect_fast);

  fast_result = apply_text (fast, text, &fast_error);
  node = json_from_string (text, NULL);
  if (node != NULL)
    slow_result = jb_store_apply_event (slow, node, &slow_error);
  else
    slow_result = JB_STORE_APPLY_ERROR;

  g_assert_cmpint (fast_result, ==, slow_result);
  g_assert_cmpint (jb_store_get_seq (fast), ==, jb_store_get_seq (slow));
  if (fast_error != NULL && slow_error != NULL)
    g_assert_cmpint (fast_error->code, ==, slow_error->code);

  a = jb_store_get_unit_points (fast, &n);
  b = jb_store_get_unit_points (slow, NULL);
  for (guint i = 0; i < n; i++)
    {
      JbPosition pa, pb;
      g_autofree char *id = g_strdup_printf ("u-%05u", i);
      gboolean ha = jb_unit_get_position (jb_store_lookup_unit (fast, id), &pa);
      gboolean hb = jb_unit_get_position (jb_store_lookup_unit (slow, id), &pb);

      g_assert_cmpint (ha, ==, hb);
      if (ha)
        g_assert_true (jb_position_equal (&pa, &pb));
      g_assert_cmpmem (&a[i], sizeof a[i] - sizeof (gint64), &b[i], sizeof b[i] - sizeof (gint64));
      g_assert_cmpint (a[i].time, ==, b[i].time);
    }
}

static void
test_fast_path_equals_json (void)
{
  GRand *rand = g_rand_new_with_seed (20261123);

  /* Random realistic frames, compared value by value with json-glib. */
  for (guint i = 0; i < 500; i++)
    {
      double lat = g_rand_double_range (rand, 28.0, 28.4);
      double lon = g_rand_double_range (rand, 112.8, 113.2);
      double heading = g_rand_int_range (rand, 0, 10) == 0 ? NAN : g_rand_double_range (rand, 0, 359.99);
      gint64 seq = g_rand_int_range (rand, 1, G_MAXINT32);
      guint unit = g_rand_int_range (rand, 0, N_UNITS);
      g_autofree char *text = moved_text (seq, unit, lat, lon, heading, 1795400000000 + i);
      g_autoptr(JsonNode) node = parse (text);
      JsonObject *data = json_object_get_object_member (json_node_get_object (node), "data");
      JbMovedFrame frame;
      JbPosition pos;
      g_autofree char *id = NULL;

      g_assert_true (_jb_moved_frame_scan (text, strlen (text), &frame));
      g_assert_cmpint (frame.seq, ==, seq);
      g_assert_cmpint (frame.time, ==, 1795400000000 + i);
      id = g_strndup (frame.id, frame.id_len);
      g_assert_cmpstr (id, ==, json_object_get_string_member (data, "id"));
      g_assert_true (jb_position_from_json_object (data, "data", &pos, NULL));
      g_assert_true (jb_position_equal (&frame.position, &pos));
      /* Bit for bit, not just ==. */
      g_assert_cmpmem (&frame.position.lat, sizeof (double), &pos.lat, sizeof (double));
      g_assert_cmpmem (&frame.position.lon, sizeof (double), &pos.lon, sizeof (double));
    }

  /* The server's own format (%.7f coordinates, %.7g for the rest) takes
   * the exact fast decimal path: still bit for bit what json-glib reads. */
  for (guint i = 0; i < 2000; i++)
    {
      char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE], speed[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *text = NULL;
      g_autoptr(JsonNode) node = NULL;
      JbMovedFrame frame;
      JbPosition pos;

      g_ascii_formatd (lat, sizeof lat, "%.7f", g_rand_double_range (rand, -90, 90));
      g_ascii_formatd (lon, sizeof lon, "%.7f", g_rand_double_range (rand, -180, 180));
      g_ascii_formatd (speed, sizeof speed, "%.7g",
                       i % 3 == 0 ? g_rand_double_range (rand, 0, 1e-3) : g_rand_double_range (rand, 0, 1e6));
      text = g_strdup_printf ("{\"seq\":11,\"type\":\"unit.moved\",\"time\":1,\"data\":{\"id\":\"u-00001\","
                              "\"lat\":%s,\"lon\":%s,\"heading\":null,\"speed\":%s,\"accuracy\":%s,\"time\":2}}",
                              lat, lon, speed, i % 2 ? "0.0000000" : "-0");
      node = parse (text);
      g_assert_true (_jb_moved_frame_scan (text, strlen (text), &frame));
      g_assert_true (jb_position_from_json_object (json_object_get_object_member (json_node_get_object (node), "data"),
                                                   "data", &pos, NULL));
      g_assert_cmpmem (&frame.position.lat, sizeof (double), &pos.lat, sizeof (double));
      g_assert_cmpmem (&frame.position.lon, sizeof (double), &pos.lon, sizeof (double));
      g_assert_cmpmem (&frame.position.speed, sizeof (double), &pos.speed, sizeof (double));
      g_assert_cmpmem (&frame.position.accuracy, sizeof (double), &pos.accuracy, sizeof (double));
    }

  g_rand_free (rand);

  /* And through whole stores. */
  {
    g_autofree char *text = moved_text (11, 7, 28.123456789012345, 112.98765432109876, 45.5, 1795400000123);

    assert_paths_agree (text, TRUE);
  }
}

static void
test_fast_path_odd_frames (void)
{
  /* Handled by the scanner: */
  assert_paths_agree ("  {\n  \"seq\" : 11 ,\t\"type\" : \"unit.moved\" , \"time\" : 5 ,\r\n"
                      " \"data\" : { \"id\" : \"u-00003\" , \"lat\" : 28.5 , \"lon\" : 113 ,"
                      " \"heading\" : null , \"speed\" : 0 , \"accuracy\" : 1e1 , \"time\" : 7 } }\n", TRUE);
  assert_paths_agree ("{\"data\":{\"time\":9,\"accuracy\":null,\"speed\":null,\"heading\":359.9,"
                      "\"lon\":-0.5,\"lat\":-12.25E-1,\"id\":\"u-00004\"},\"time\":1,\"type\":\"unit.moved\","
                      "\"seq\":11}", TRUE);
  /* Optional members absent. */
  assert_paths_agree ("{\"seq\":11,\"type\":\"unit.moved\",\"data\":{\"id\":\"u-00008\",\"lat\":1,\"lon\":2,\"time\":3}}",
                      TRUE);

  /* Left to json-glib, same outcome: */
  /* an escaped id (it is "u-00001") */
  assert_paths_agree ("{\"seq\":11,\"type\":\"unit.moved\",\"time\":1,\"data\":{\"id\":\"u-0000\\u0031\","
                      "\"lat\":28.1,\"lon\":112.9,\"heading\":null,\"speed\":null,\"accuracy\":null,\"time\":2}}", FALSE);
  /* an escaped type */
  assert_paths_agree ("{\"seq\":11,\"type\":\"unit\\u002emoved\",\"time\":1,\"data\":{\"id\":\"u-00002\","
                      "\"lat\":28.1,\"lon\":112.9,\"heading\":null,\"speed\":null,\"accuracy\":null,\"time\":2}}", FALSE);
  /* an unknown member in data, and at the top */
  assert_paths_agree ("{\"seq\":11,\"type\":\"unit.moved\",\"time\":1,\"data\":{\"id\":\"u-00002\","
                      "\"lat\":28.1,\"lon\":112.9,\"altitude\":40,\"time\":2}}", FALSE);
  assert_paths_agree ("{\"seq\":11,\"type\":\"unit.moved\",\"trace\":\"x\",\"data\":{\"id\":\"u-00002\","
                      "\"lat\":28.1,\"lon\":112.9,\"time\":2}}", FALSE);
  /* other types */
  assert_paths_agree ("{\"seq\":11,\"type\":\"unit.updated\",\"data\":{\"unit\":{\"id\":\"u-00002\","
                      "\"kind\":\"guard\",\"status\":\"busy\"}}}", FALSE);
  /* errors: out of range, wrong types, bad JSON, trailing garbage, time as a double */
  assert_paths_agree ("{\"seq\":11,\"type\":\"unit.moved\",\"data\":{\"id\":\"u-00002\",\"lat\":95,\"lon\":2,\"time\":3}}", FALSE);
  assert_paths_agree ("{\"seq\":11,\"type\":\"unit.moved\",\"data\":{\"id\":\"u-00002\",\"lat\":\"1\",\"lon\":2,\"time\":3}}", FALSE);
  assert_paths_agree ("{\"seq\":11,\"type\":\"unit.moved\",\"data\":{\"id\":\"u-00002\",\"lat\":1,\"lon\":2,\"time\":3.5}}", FALSE);
  assert_paths_agree ("{\"seq\":11,\"type\":\"unit.moved\",\"data\":{\"id\":\"u-00002\",\"lat\":1,\"lon\":2,\"time\":3}} x", FALSE);
  assert_paths_agree ("{\"seq\":11,\"type\":\"unit.moved\",\"data\":{\"id\":\"u-00002\",\"lat\":1,\"lon\":2,\"heading\":400,\"time\":3}}", FALSE);
  assert_paths_agree ("{\"seq\":11,\"type\":\"unit.moved\",\"data\":{\"id\":\"u-00002\",\"lat\":1,\"lon\":2}}", FALSE);
  assert_paths_agree ("{\"seq\":11,\"type\":\"unit.moved\",\"data\":{\"id\":\"u-99999\",\"lat\":1,\"lon\":2,\"time\":3}}", TRUE);
  assert_paths_agree ("{\"seq\":11,\"type\":\"unit.moved\",\"data\":{\"id\":\"u-00002\",\"lat\":01,\"lon\":2,\"time\":3}}", FALSE);
  assert_paths_agree ("{\"seq\":11,\"type\":\"unit.moved\",\"data\":{\"id\":\"u-00002\",\"lat\":1,\"lat\":2,\"lon\":2,\"time\":3}}", FALSE);
  assert_paths_agree ("{\"seq\":11,\"type\":\"unit.moved\",\"data\":{\"id\":\"u-00002\",\"lat\":1,\"lon\":2,\"time\":3}", FALSE);
  assert_paths_agree ("{\"seq\":11,\"type\":\"unit.moved\",\"data\":{\"id\":\"u-00002\",\"lat\":1,\"lon\":2,\"time\":3},}", FALSE);
  assert_paths_agree ("[1]", FALSE);
  assert_paths_agree ("", FALSE);
}

/* Whenever the scanner accepts a frame, json-glib must read the very same
 * thing from it: the invariant that makes the fast path safe. Checked on
 * random mutations of real frames (a small deterministic fuzzer). */
static void
assert_scan_matches_json (const char *text,
                          gsize       len)
{
  JbMovedFrame frame;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object, *data;
  JbPosition pos;
  g_autofree char *id = NULL;
  static const char * const known[] = { "id", "lat", "lon", "heading", "speed", "accuracy", "time", NULL };
  static const char * const known_top[] = { "seq", "type", "time", "data", NULL };

  if (!_jb_moved_frame_scan (text, len, &frame))
    return;

  node = jb_json_parse_object (text, (gssize) len, NULL);
  if (node == NULL)
    g_error ("The scanner accepted what json-glib rejects: %.*s", (int) len, text);
  object = json_node_get_object (node);
  g_assert_true (jb_json_check_members (object, known_top, NULL));
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "unit.moved");
  g_assert_cmpint (json_object_get_int_member (object, "seq"), ==, frame.seq);
  if (json_object_has_member (object, "time"))
    g_assert_cmpint (json_object_get_int_member (object, "time"), ==, frame.time);
  data = json_object_get_object_member (object, "data");
  g_assert_true (jb_json_check_members (data, known, NULL));
  id = g_strndup (frame.id, frame.id_len);
  g_assert_cmpstr (json_object_get_string_member (data, "id"), ==, id);
  g_assert_true (jb_position_from_json_object (data, "data", &pos, NULL));
  g_assert_cmpmem (&frame.position, sizeof frame.position, &pos, sizeof pos);
}

static void
test_fast_path_mutations (void)
{
  static const char alphabet[] = "{}[]\":,.-+eE0123456789 \n\\unlltrufase";
  const char *seeds[] = {
    "{\"seq\":12,\"type\":\"unit.moved\",\"time\":1795400000001,\"data\":{\"id\":\"u-01050\","
    "\"lat\":28.3368258,\"lon\":112.8325654,\"heading\":87.51832,\"speed\":12.67576,"
    "\"accuracy\":28.97184,\"time\":1795399999801}}",
    "{\"seq\":7,\"type\":\"unit.moved\",\"data\":{\"id\":\"u-1\",\"lat\":-1e-3,\"lon\":0,"
    "\"heading\":null,\"speed\":null,\"accuracy\":null,\"time\":0}}",
  };
  GRand *rand = g_rand_new_with_seed (42);
  guint accepted = 0;

  for (guint round = 0; round < 20000; round++)
    {
      const char *seed = seeds[round % G_N_ELEMENTS (seeds)];
      g_autoptr(GString) text = g_string_new (seed);
      guint n_mutations = g_rand_int_range (rand, 1, 4);
      JbMovedFrame frame;

      for (guint m = 0; m < n_mutations; m++)
        {
          guint at = g_rand_int_range (rand, 0, (gint32) text->len + 1);
          char c = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];

          switch (g_rand_int_range (rand, 0, 3))
            {
            case 0:
              g_string_insert_c (text, at, c);
              break;
            case 1:
              if (at < text->len)
                g_string_erase (text, at, 1);
              break;
            default:
              if (at < text->len)
                text->str[at] = c;
              break;
            }
        }

      if (_jb_moved_frame_scan (text->str, text->len, &frame))
        accepted++;
      assert_scan_matches_json (text->str, text->len);
    }

  /* Enough mutants survive (digits changed, whitespace added) for the
   * check to mean something. */
  g_test_message ("%u of 20000 mutants accepted by the scanner", accepted);
  g_assert_cmpuint (accepted, >, 500);
  g_rand_free (rand);
}

/* The text need not be NUL-terminated: the scanner stops at len. */
static void
test_fast_path_bounded (void)
{
  const char *frame = "{\"seq\":11,\"type\":\"unit.moved\",\"data\":{\"id\":\"u-00002\",\"lat\":1.25,\"lon\":2,\"time\":3}}";
  gsize len = strlen (frame);
  g_autofree char *copy = g_malloc (len);  /* no NUL: ASan catches overreads */
  JbMovedFrame out;

  memcpy (copy, frame, len);
  g_assert_true (_jb_moved_frame_scan (copy, len, &out));
  g_assert_cmpfloat (out.position.lat, ==, 1.25);
  for (gsize cut = 0; cut < len; cut++)
    g_assert_false (_jb_moved_frame_scan (copy, cut, &out));

  {
    g_autoptr(JbStore) store = loaded_store ();

    g_assert_cmpint (jb_store_apply_event_text (store, copy, len, NULL), ==, JB_STORE_APPLY_OK);
    for (gsize cut = 1; cut < len; cut++)
      g_assert_cmpint (jb_store_apply_event_text (store, copy, cut, NULL), ==, JB_STORE_APPLY_ERROR);
  }
}

/* Positions frames: outside the seq */

static gint
apply_positions (JbStore    *store,
                 const char *text,
                 GError    **error)
{
  return jb_store_apply_positions_text (store, text, strlen (text), error);
}

static gint64
unit_fix_time (JbStore *store,
               guint    unit)
{
  g_autofree char *id = g_strdup_printf ("u-%05u", unit);
  JbPosition pos;

  if (!jb_unit_get_position (jb_store_lookup_unit (store, id), &pos))
    return -1;
  return pos.time;
}

/* Applied by the scanner, points in step, the seq untouched (a positions
 * frame is never a gap, nor does it fill one), moves announced once. */
static void
test_positions_frame (void)
{
  g_autoptr(JbStore) store = loaded_store ();
  static const char frame[] =
    "{\"type\":\"positions\",\"time\":1795400009000,\"data\":{\"items\":["
    "{\"id\":\"u-00001\",\"lat\":28.1,\"lon\":112.9,\"heading\":45,\"speed\":null,\"accuracy\":3,\"time\":1795400005000},"
    "{\"id\":\"u-00009\",\"lat\":28.3,\"lon\":113.0,\"heading\":null,\"speed\":2,\"accuracy\":null,\"time\":1795400006000},"
    "{\"id\":\"u-99999\",\"lat\":28.3,\"lon\":113.0,\"heading\":null,\"speed\":2,\"accuracy\":null,\"time\":1795400006000}"
    "]}}";
  g_autoptr(GError) error = NULL;
  const JbUnitPoint *points;
  guint moved = 0, n;
  guint64 fast = jb_store_get_n_fast_path (store);

  g_signal_connect (store, "units-moved", G_CALLBACK (count_cb), &moved);
  /* The unknown unit is skipped, the others applied. */
  g_assert_cmpint (apply_positions (store, frame, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpint (jb_store_get_seq (store), ==, 10);
  g_assert_cmpuint (jb_store_get_n_fast_path (store), ==, fast + 2);
  g_assert_cmpint (unit_fix_time (store, 1), ==, 1795400005000);
  g_assert_cmpint (unit_fix_time (store, 9), ==, 1795400006000);
  points = jb_store_get_unit_points (store, &n);
  g_assert_cmpfloat (points[1].lat, ==, 28.1);
  g_assert_cmpfloat (points[9].lon, ==, 113.0);
  g_assert_true (points[9].flags & JB_UNIT_POINT_HAS_POSITION);
  g_assert_false (points[9].flags & JB_UNIT_POINT_HAS_HEADING);
  drain_main_context ();
  g_assert_cmpuint (moved, ==, 1);

  /* Then events go on from the same seq. */
  g_assert_cmpint (apply (store, 11, "future.kind", "{}"), ==, JB_STORE_APPLY_OK);
}

/* The newest fix wins whatever the order: a stale item is skipped, an
 * older position in unit.updated does not move the unit back. */
static void
test_positions_newest_wins (void)
{
  g_autoptr(JbStore) store = loaded_store ();
  g_autofree char *unit = NULL;
  g_autofree char *data = NULL;

  g_assert_cmpint (apply_positions (store, "{\"type\":\"positions\",\"time\":1,\"data\":{\"items\":["
                                    "{\"id\":\"u-00002\",\"lat\":28.5,\"lon\":112.5,\"time\":1795400007000}]}}",
                                    NULL), ==, 1);
  g_assert_cmpint (apply_positions (store, "{\"type\":\"positions\",\"time\":1,\"data\":{\"items\":["
                                    "{\"id\":\"u-00002\",\"lat\":27.0,\"lon\":112.5,\"time\":1795400006999}]}}",
                                    NULL), ==, 0);
  g_assert_cmpint (unit_fix_time (store, 2), ==, 1795400007000);

  /* unit.updated carries the unit with an older fix: status changes,
   * the position stays. */
  unit = unit_json (2, "busy", NULL);
  data = g_strdup_printf ("{\"unit\": %s}", unit);
  g_assert_cmpint (apply (store, 11, "unit.updated", data), ==, JB_STORE_APPLY_OK);
  g_assert_cmpint (jb_unit_get_status (jb_store_lookup_unit (store, "u-00002")), ==, JB_UNIT_STATUS_BUSY);
  g_assert_cmpint (unit_fix_time (store, 2), ==, 1795400007000);
  g_assert_cmpfloat (jb_store_get_unit_points (store, NULL)[2].lat, ==, 28.5);
}

/* What the scanner leaves (other member order, escapes, whitespace) goes
 * through json-glib with the same result; a bad frame applies nothing. */
static void
test_positions_odd_frames (void)
{
  g_autoptr(JbStore) store = loaded_store ();
  g_autoptr(GError) error = NULL;
  guint64 fast = jb_store_get_n_fast_path (store);
  static const char * const bad[] = {
    "{\"type\":\"positions\",\"data\":{\"items\":[{\"id\":\"u-00004\",\"lat\":28.5,\"lon\":112.5,\"time\":1795400009000},"
    "{\"id\":\"u-00005\",\"lat\":128.5,\"lon\":112.5,\"time\":1795400009000}]}}",
    "{\"type\":\"positions\",\"data\":{\"items\":[{\"id\":\"u-00004\",\"lat\":28.5,\"lon\":112.5,\"time\":1795400009000},"
    "{\"lat\":28.5,\"lon\":112.5,\"time\":1795400009000}]}}",
    "{\"type\":\"positions\",\"data\":{\"items\":{}}}",
    "{\"type\":\"presence\",\"data\":{\"items\":[]}}",
    "{\"type\":\"positions\",\"data\":{\"items\":[{\"id\":\"u-00004\",\"lat\":28.5",
    "[]",
  };

  g_assert_cmpint (apply_positions (store, " { \"data\" : {\"items\": [ {\"time\": 1795400008000, \"lon\": 112.6,"
                                    " \"lat\": 28.6, \"id\": \"u-0000\\u0033\"} ] }, \"type\": \"positions\" } ",
                                    &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (unit_fix_time (store, 3), ==, 1795400008000);
  g_assert_cmpuint (jb_store_get_n_fast_path (store), ==, fast);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) bad_error = NULL;

      g_test_message ("bad frame %u", i);
      g_assert_cmpint (apply_positions (store, bad[i], &bad_error), ==, -1);
      g_assert_nonnull (bad_error);
      /* Nothing of a bad frame is applied, its good items neither. */
      g_assert_cmpint (unit_fix_time (store, 4), ==, 1795400000000);
    }
  g_assert_cmpint (jb_store_get_seq (store), ==, 10);
}

/* The scanner and json-glib agree item for item. */
static void
test_positions_scan_equals_json (void)
{
  static const char frame[] =
    "{\"type\":\"positions\",\"time\":1795400009000,\"data\":{\"items\":["
    "{\"id\":\"u-00001\",\"lat\":28.1234567,\"lon\":112.9876543,\"heading\":359.9,\"speed\":0,\"accuracy\":3.25,\"time\":1795400005000},"
    "{\"id\":\"u-00002\",\"lat\":-0,\"lon\":1e-3,\"heading\":null,\"speed\":null,\"accuracy\":null,\"time\":0}]}}";
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (JbMovedFrame));
  g_autoptr(JsonNode) node = parse (frame);
  JsonArray *array = json_object_get_array_member (json_object_get_object_member (json_node_get_object (node), "data"),
                                                  "items");
  gint64 time = 0;

  g_assert_true (_jb_positions_frame_scan (frame, strlen (frame), items, &time));
  g_assert_cmpint (time, ==, 1795400009000);
  g_assert_cmpuint (items->len, ==, 2);
  for (guint i = 0; i < items->len; i++)
    {
      JbMovedFrame *item = &g_array_index (items, JbMovedFrame, i);
      JbPosition pos;

      g_assert_true (jb_position_from_json_object (json_array_get_object_element (array, i), "item", &pos, NULL));
      g_assert_cmpmem (item->id, item->id_len, json_object_get_string_member (json_array_get_object_element (array, i), "id"),
                       strlen (json_object_get_string_member (json_array_get_object_element (array, i), "id")));
      g_assert_cmpmem (&item->position.lat, sizeof (double), &pos.lat, sizeof (double));
      g_assert_cmpmem (&item->position.lon, sizeof (double), &pos.lon, sizeof (double));
      g_assert_true (item->position.heading == pos.heading || (isnan (item->position.heading) && isnan (pos.heading)));
      g_assert_true (item->position.speed == pos.speed || (isnan (item->position.speed) && isnan (pos.speed)));
      g_assert_true (item->position.accuracy == pos.accuracy || (isnan (item->position.accuracy) && isnan (pos.accuracy)));
      g_assert_cmpint (item->position.time, ==, pos.time);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/store/snapshot", test_snapshot);
  g_test_add_func ("/core/store/snapshot-bad", test_snapshot_bad);
  g_test_add_func ("/core/store/snapshot-reload-keeps-objects", test_snapshot_reload_keeps_objects);
  g_test_add_func ("/core/store/events-in-order", test_events_in_order);
  g_test_add_func ("/core/store/duplicate-and-gap", test_duplicate_and_gap);
  g_test_add_func ("/core/store/resync-frame", test_resync_frame);
  g_test_add_func ("/core/store/bad-events", test_bad_events);
  g_test_add_func ("/core/store/incident-closed-leaves", test_incident_closed_leaves);
  g_test_add_func ("/core/store/moved-batching", test_moved_batching);
  g_test_add_func ("/core/store/moved-batch-age", test_moved_batch_age);
  g_test_add_func ("/core/store/fast-path-equals-json", test_fast_path_equals_json);
  g_test_add_func ("/core/store/fast-path-odd-frames", test_fast_path_odd_frames);
  g_test_add_func ("/core/store/fast-path-bounded", test_fast_path_bounded);
  g_test_add_func ("/core/store/fast-path-mutations", test_fast_path_mutations);
  g_test_add_func ("/core/store/positions-frame", test_positions_frame);
  g_test_add_func ("/core/store/positions-newest-wins", test_positions_newest_wins);
  g_test_add_func ("/core/store/positions-odd-frames", test_positions_odd_frames);
  g_test_add_func ("/core/store/positions-scan-equals-json", test_positions_scan_equals_json);

  return g_test_run ();
}
