/* test-core-targets.c — the 1-3-5 targets at their boundaries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "jb-core.h"

#define T0 G_GINT64_CONSTANT (1795400000000)
#define S  G_GINT64_CONSTANT (1000)

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  return node;
}

static char *
time_or_null (gint64 t)
{
  return t > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, t) : g_strdup ("null");
}

/* An assignment; times are ms after T0, negative for null. */
static char *
assignment_json (const char *unit_id,
                 const char *state,
                 gint64      on_scene_ms,
                 gint64      released_ms)
{
  g_autofree char *on_scene = time_or_null (on_scene_ms >= 0 ? T0 + on_scene_ms : 0);
  g_autofree char *released = time_or_null (released_ms >= 0 ? T0 + released_ms : 0);

  return g_strdup_printf ("{\"unit_id\": \"%s\", \"state\": \"%s\", \"assigned_at\": %" G_GINT64_FORMAT ","
                          " \"accepted_at\": null, \"en_route_at\": null, \"on_scene_at\": %s,"
                          " \"released_at\": %s, \"assigned_by\": \"dispatcher\"}",
                          unit_id, state, T0 + 1000, on_scene, released);
}

/* @times: first guard, first police, resolved, closed, in ms after T0
 * (negative: null); @assignments a JSON array's contents. */
static JbIncident *
incident_new (const char *status,
              gint64      first_guard_ms,
              gint64      first_police_ms,
              gint64      resolved_ms,
              gint64      closed_ms,
              const char *assignments)
{
  g_autofree char *guard = time_or_null (first_guard_ms >= 0 ? T0 + first_guard_ms : 0);
  g_autofree char *police = time_or_null (first_police_ms >= 0 ? T0 + first_police_ms : 0);
  g_autofree char *resolved = time_or_null (resolved_ms >= 0 ? T0 + resolved_ms : 0);
  g_autofree char *closed = time_or_null (closed_ms >= 0 ? T0 + closed_ms : 0);
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JbIncident *incident;

  json = g_strdup_printf ("{\"id\": \"inc-1\", \"number\": \"KF-1\", \"type\": \"fight\", \"priority\": 1,"
                          " \"status\": \"%s\", \"source\": \"terminal\", \"terminal_id\": \"t-ab-1\","
                          " \"reported_by\": \"x\", \"location\": {\"lat\": 28.2, \"lon\": 112.98},"
                          " \"address\": \"X\", \"venue\": null, \"station_id\": \"st-a\", \"description\": null,"
                          " \"created_at\": %" G_GINT64_FORMAT ", \"acknowledged_at\": null,"
                          " \"dispatched_at\": null, \"on_scene_at\": null,"
                          " \"resolved_at\": %s, \"closed_at\": %s,"
                          " \"first_guard_on_scene_at\": %s, \"first_police_on_scene_at\": %s,"
                          " \"assignments\": [%s], \"procedure\": [], \"notes\": [], \"timeline\": [],"
                          " \"disposition\": %s, \"updated_at\": %" G_GINT64_FORMAT "}",
                          status, T0, resolved, closed, guard, police, assignments ? assignments : "",
                          resolved_ms >= 0 || closed_ms >= 0 ? "\"mediated\"" : "null", T0);
  node = parse (json);
  incident = jb_incident_new_from_json (node, &error);
  g_assert_no_error (error);
  return incident;
}

/* A store that knows the kinds of u-g1, u-g2 (guards), u-v1 (volunteer),
 * u-o1, u-o2 (officers) and u-c1 (patrol car). */
static JbStore *
store_new (void)
{
  static const struct { const char *id, *kind; } units[] = {
    { "u-g1", "guard" }, { "u-g2", "guard" }, { "u-v1", "volunteer" },
    { "u-o1", "officer" }, { "u-o2", "officer" }, { "u-c1", "patrol_car" },
  };
  g_autoptr(GString) s = g_string_new ("{\"seq\": 1, \"stations\": [], \"terminals\": [], \"incidents\": [],"
                                       " \"units\": [");
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JbStore *store = jb_store_new ();

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    g_string_append_printf (s, "%s{\"id\": \"%s\", \"kind\": \"%s\", \"callsign\": \"%s\","
                            " \"status\": \"on_scene\", \"station_id\": \"st-a\", \"position\": null,"
                            " \"updated_at\": 1}", i ? "," : "", units[i].id, units[i].kind, units[i].id);
  g_string_append (s, "]}");
  node = parse (s->str);
  g_assert_true (jb_store_load_snapshot (store, node, &error));
  g_assert_no_error (error);
  return store;
}

static void
test_limits (void)
{
  JbTargetLimits limits;
  g_autoptr(JsonNode) good = parse ("{\"targets\": {\"guard_s\": 30, \"police_s\": 90, \"reinforce_s\": 200}}");
  g_autoptr(JsonNode) partial = parse ("{\"targets\": {\"guard_s\": 45, \"police_s\": -1, \"reinforce_s\": \"x\"}}");
  g_autoptr(JsonNode) none = parse ("{\"freshness\": {}}");

  jb_target_limits_init_default (&limits);
  g_assert_cmpuint (limits.guard_s, ==, 60);
  g_assert_cmpuint (limits.police_s, ==, 180);
  g_assert_cmpuint (limits.reinforce_s, ==, 300);

  g_assert_true (jb_target_limits_from_config (json_node_get_object (good), &limits));
  g_assert_cmpuint (limits.guard_s, ==, 30);
  g_assert_cmpuint (limits.police_s, ==, 90);
  g_assert_cmpuint (limits.reinforce_s, ==, 200);

  /* Bad members keep the defaults, one by one. */
  g_assert_true (jb_target_limits_from_config (json_node_get_object (partial), &limits));
  g_assert_cmpuint (limits.guard_s, ==, 45);
  g_assert_cmpuint (limits.police_s, ==, 180);
  g_assert_cmpuint (limits.reinforce_s, ==, 300);

  g_assert_false (jb_target_limits_from_config (json_node_get_object (none), &limits));
  g_assert_cmpuint (limits.guard_s, ==, 60);
  g_assert_false (jb_target_limits_from_config (NULL, &limits));

  g_assert_cmpstr (jb_target_state_to_string (JB_TARGET_STATE_OVERDUE), ==, "overdue");
  g_assert_cmpstr (jb_target_kind_to_string (JB_TARGET_REINFORCE), ==, "reinforce");
}

/* Nothing on scene: the guard target is pending up to exactly 60 s and
 * overdue one millisecond later. */
static void
test_pending_boundary (void)
{
  g_autoptr(JbIncident) incident = incident_new ("new", -1, -1, -1, -1, NULL);
  JbTargets t;

  jb_targets_evaluate (incident, NULL, NULL, T0, &t);
  g_assert_false (t.frozen);
  g_assert_cmpint (t.clock_ms, ==, 0);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].state, ==, JB_TARGET_STATE_PENDING);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].remaining_ms, ==, 60 * S);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].limit_ms, ==, 60 * S);
  g_assert_cmpint (t.worst, ==, JB_TARGET_STATE_PENDING);
  g_assert_cmpint (t.next_change_ms, ==, 60 * S + 1);

  jb_targets_evaluate (incident, NULL, NULL, T0 + 60 * S, &t);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].state, ==, JB_TARGET_STATE_PENDING);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].remaining_ms, ==, 0);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].overdue_ms, ==, 0);
  g_assert_cmpint (t.worst, ==, JB_TARGET_STATE_PENDING);
  g_assert_cmpint (t.next_change_ms, ==, 1);

  jb_targets_evaluate (incident, NULL, NULL, T0 + 60 * S + 1, &t);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].state, ==, JB_TARGET_STATE_OVERDUE);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].overdue_ms, ==, 1);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].remaining_ms, ==, 0);
  g_assert_cmpint (t.targets[JB_TARGET_POLICE].state, ==, JB_TARGET_STATE_PENDING);
  g_assert_cmpint (t.targets[JB_TARGET_POLICE].remaining_ms, ==, 120 * S - 1);
  g_assert_cmpint (t.worst, ==, JB_TARGET_STATE_OVERDUE);
  g_assert_cmpint (t.next_change_ms, ==, 120 * S);
  g_assert_cmpint (jb_targets_get_worst_state (incident, NULL, NULL, T0 + 60 * S + 1), ==,
                   JB_TARGET_STATE_OVERDUE);

  /* All three overdue: nothing more will change by time alone. */
  jb_targets_evaluate (incident, NULL, NULL, T0 + 301 * S, &t);
  g_assert_cmpint (t.targets[JB_TARGET_REINFORCE].state, ==, JB_TARGET_STATE_OVERDUE);
  g_assert_cmpint (t.targets[JB_TARGET_REINFORCE].overdue_ms, ==, 1 * S);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].overdue_ms, ==, 241 * S);
  g_assert_cmpint (t.next_change_ms, ==, -1);

  /* A clock behind the server's never gives negative times. */
  jb_targets_evaluate (incident, NULL, NULL, T0 - 5 * S, &t);
  g_assert_cmpint (t.clock_ms, ==, 0);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].remaining_ms, ==, 60 * S);
}

/* Met at exactly the limit is on time; a millisecond later is late. */
static void
test_met_boundary (void)
{
  g_autoptr(JbStore) store = store_new ();
  g_autofree char *a_guard = assignment_json ("u-g1", "on_scene", 60 * S, -1);
  g_autofree char *a_officer = assignment_json ("u-o1", "on_scene", 180 * S + 1, -1);
  g_autofree char *assignments = g_strdup_printf ("%s, %s", a_guard, a_officer);
  g_autoptr(JbIncident) incident = incident_new ("on_scene", 60 * S, 180 * S + 1, -1, -1, assignments);
  JbTargets t;

  jb_targets_evaluate (incident, NULL, store, T0 + 200 * S, &t);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].state, ==, JB_TARGET_STATE_MET);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].elapsed_ms, ==, 60 * S);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].met_at, ==, T0 + 60 * S);
  g_assert_cmpstr (t.targets[JB_TARGET_GUARD].unit_id, ==, "u-g1");
  g_assert_cmpint (t.targets[JB_TARGET_POLICE].state, ==, JB_TARGET_STATE_MET_LATE);
  g_assert_cmpint (t.targets[JB_TARGET_POLICE].elapsed_ms, ==, 180 * S + 1);
  g_assert_cmpint (t.targets[JB_TARGET_POLICE].overdue_ms, ==, 1);
  g_assert_cmpstr (t.targets[JB_TARGET_POLICE].unit_id, ==, "u-o1");
  /* One police unit is no reinforcement. */
  g_assert_cmpint (t.targets[JB_TARGET_REINFORCE].state, ==, JB_TARGET_STATE_PENDING);
  g_assert_cmpint (t.targets[JB_TARGET_REINFORCE].remaining_ms, ==, 100 * S);
  /* Late but met ranks below a pending target. */
  g_assert_cmpint (t.worst, ==, JB_TARGET_STATE_PENDING);

  /* Met states do not change with time. */
  jb_targets_evaluate (incident, NULL, store, T0 + 3600 * S, &t);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].state, ==, JB_TARGET_STATE_MET);
  g_assert_cmpint (t.targets[JB_TARGET_POLICE].state, ==, JB_TARGET_STATE_MET_LATE);
  g_assert_cmpint (t.targets[JB_TARGET_POLICE].overdue_ms, ==, 1);
  g_assert_cmpint (t.worst, ==, JB_TARGET_STATE_OVERDUE);
}

/* Guard met 1 ms late, with custom limits from the config. */
static void
test_met_late_custom_limits (void)
{
  g_autoptr(JsonNode) config = parse ("{\"targets\": {\"guard_s\": 30, \"police_s\": 90, \"reinforce_s\": 150}}");
  g_autofree char *a_guard = assignment_json ("u-g1", "on_scene", 30 * S + 1, -1);
  g_autoptr(JbIncident) incident = incident_new ("on_scene", 30 * S + 1, -1, -1, -1, a_guard);
  JbTargetLimits limits;
  JbTargets t;

  jb_target_limits_from_config (json_node_get_object (config), &limits);
  jb_targets_evaluate (incident, &limits, NULL, T0 + 40 * S, &t);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].state, ==, JB_TARGET_STATE_MET_LATE);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].overdue_ms, ==, 1);
  /* No store: the unit's kind is unknown; the server's time names it. */
  g_assert_cmpstr (t.targets[JB_TARGET_GUARD].unit_id, ==, "u-g1");
  g_assert_cmpint (t.targets[JB_TARGET_POLICE].remaining_ms, ==, 50 * S);
  g_assert_cmpint (t.targets[JB_TARGET_REINFORCE].limit_ms, ==, 150 * S);
}

/* Reinforcement: the second distinct police unit on scene; a unit that
 * came twice counts once, guards never, released arrivals do. */
static void
test_reinforcement (void)
{
  g_autoptr(JbStore) store = store_new ();
  g_autofree char *a1 = assignment_json ("u-o1", "released", 100 * S, 150 * S);
  g_autofree char *a2 = assignment_json ("u-g1", "on_scene", 30 * S, -1);
  g_autofree char *a3 = assignment_json ("u-g2", "on_scene", 40 * S, -1);
  g_autofree char *a4 = assignment_json ("u-o1", "on_scene", 200 * S, -1);  /* back again */
  g_autofree char *a5 = assignment_json ("u-c1", "on_scene", 300 * S, -1);
  g_autofree char *a6 = assignment_json ("u-o2", "en_route", -1, -1);
  g_autofree char *all = g_strdup_printf ("%s, %s, %s, %s, %s, %s", a1, a2, a3, a4, a5, a6);
  g_autofree char *without_car = g_strdup_printf ("%s, %s, %s, %s, %s", a1, a2, a3, a4, a6);
  g_autoptr(JbIncident) incident = incident_new ("on_scene", 30 * S, 100 * S, -1, -1, all);
  g_autoptr(JbIncident) short_of_one = incident_new ("on_scene", 30 * S, 100 * S, -1, -1, without_car);
  JbTargets t;

  jb_targets_evaluate (incident, NULL, store, T0 + 400 * S, &t);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].state, ==, JB_TARGET_STATE_MET);
  g_assert_cmpstr (t.targets[JB_TARGET_GUARD].unit_id, ==, "u-g1");
  g_assert_cmpint (t.targets[JB_TARGET_POLICE].state, ==, JB_TARGET_STATE_MET);
  g_assert_cmpstr (t.targets[JB_TARGET_POLICE].unit_id, ==, "u-o1");
  g_assert_cmpint (t.targets[JB_TARGET_REINFORCE].state, ==, JB_TARGET_STATE_MET);
  g_assert_cmpint (t.targets[JB_TARGET_REINFORCE].met_at, ==, T0 + 300 * S);
  g_assert_cmpstr (t.targets[JB_TARGET_REINFORCE].unit_id, ==, "u-c1");
  g_assert_cmpint (t.worst, ==, JB_TARGET_STATE_MET);
  g_assert_cmpint (t.next_change_ms, ==, -1);

  jb_targets_evaluate (short_of_one, NULL, store, T0 + 299 * S, &t);
  g_assert_cmpint (t.targets[JB_TARGET_REINFORCE].state, ==, JB_TARGET_STATE_PENDING);
  g_assert_cmpint (t.targets[JB_TARGET_REINFORCE].remaining_ms, ==, 1 * S);

  /* Without the store no unit is known to be police. */
  jb_targets_evaluate (incident, NULL, NULL, T0 + 400 * S, &t);
  g_assert_cmpint (t.targets[JB_TARGET_POLICE].state, ==, JB_TARGET_STATE_MET);
  g_assert_cmpint (t.targets[JB_TARGET_REINFORCE].state, ==, JB_TARGET_STATE_OVERDUE);
}

/* An incident whose server did not fill first_*_on_scene_at: the
 * assignments and the units' kinds say it. */
static void
test_from_assignments (void)
{
  g_autoptr(JbStore) store = store_new ();
  g_autofree char *a1 = assignment_json ("u-v1", "on_scene", 50 * S, -1);
  g_autofree char *a2 = assignment_json ("u-c1", "on_scene", 120 * S, -1);
  g_autofree char *all = g_strdup_printf ("%s, %s", a1, a2);
  g_autoptr(JbIncident) incident = incident_new ("on_scene", -1, -1, -1, -1, all);
  JbTargets t;

  jb_targets_evaluate (incident, NULL, store, T0 + 130 * S, &t);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].state, ==, JB_TARGET_STATE_MET);
  g_assert_cmpstr (t.targets[JB_TARGET_GUARD].unit_id, ==, "u-v1");
  g_assert_cmpint (t.targets[JB_TARGET_POLICE].state, ==, JB_TARGET_STATE_MET);
  g_assert_cmpint (t.targets[JB_TARGET_POLICE].elapsed_ms, ==, 120 * S);
  g_assert_cmpstr (t.targets[JB_TARGET_POLICE].unit_id, ==, "u-c1");
}

/* A closed incident stops its clock at closing time: the same answer an
 * hour later. */
static void
test_closed_frozen (void)
{
  g_autoptr(JbIncident) closed = incident_new ("closed", -1, -1, -1, 100 * S, NULL);
  g_autoptr(JbIncident) resolved = incident_new ("resolved", 20 * S, -1, 50 * S, -1, NULL);
  g_autoptr(JbIncident) resolved_closed = incident_new ("closed", -1, -1, 70 * S, 500 * S, NULL);
  JbTargets t, later;

  jb_targets_evaluate (closed, NULL, NULL, T0 + 100 * S, &t);
  jb_targets_evaluate (closed, NULL, NULL, T0 + 3600 * S, &later);
  g_assert_true (memcmp (&t, &later, sizeof t) == 0);
  g_assert_true (t.frozen);
  g_assert_cmpint (t.clock_ms, ==, 100 * S);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].state, ==, JB_TARGET_STATE_OVERDUE);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].overdue_ms, ==, 40 * S);
  g_assert_cmpint (t.targets[JB_TARGET_POLICE].state, ==, JB_TARGET_STATE_NOT_NEEDED);
  g_assert_cmpint (t.targets[JB_TARGET_POLICE].remaining_ms, ==, 0);
  g_assert_cmpint (t.targets[JB_TARGET_REINFORCE].state, ==, JB_TARGET_STATE_NOT_NEEDED);
  g_assert_cmpint (t.worst, ==, JB_TARGET_STATE_OVERDUE);
  g_assert_cmpint (t.next_change_ms, ==, -1);

  /* Closed exactly at the limit: not overdue. */
  {
    g_autoptr(JbIncident) at_limit = incident_new ("closed", -1, -1, -1, 60 * S, NULL);

    jb_targets_evaluate (at_limit, NULL, NULL, T0 + 3600 * S, &t);
    g_assert_cmpint (t.targets[JB_TARGET_GUARD].state, ==, JB_TARGET_STATE_NOT_NEEDED);
    g_assert_cmpint (t.worst, ==, JB_TARGET_STATE_NOT_NEEDED);
  }

  /* Resolved (still in the queue): frozen at resolved_at. */
  jb_targets_evaluate (resolved, NULL, NULL, T0 + 3600 * S, &t);
  g_assert_true (t.frozen);
  g_assert_cmpint (t.clock_ms, ==, 50 * S);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].state, ==, JB_TARGET_STATE_MET);
  g_assert_cmpint (t.targets[JB_TARGET_POLICE].state, ==, JB_TARGET_STATE_NOT_NEEDED);
  g_assert_cmpint (t.worst, ==, JB_TARGET_STATE_NOT_NEEDED);

  /* Resolved, then closed much later: the resolution stopped the clock. */
  jb_targets_evaluate (resolved_closed, NULL, NULL, T0 + 3600 * S, &t);
  g_assert_cmpint (t.clock_ms, ==, 70 * S);
  g_assert_cmpint (t.targets[JB_TARGET_GUARD].overdue_ms, ==, 10 * S);
  g_assert_cmpint (t.targets[JB_TARGET_POLICE].state, ==, JB_TARGET_STATE_NOT_NEEDED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/targets/limits", test_limits);
  g_test_add_func ("/core/targets/pending-boundary", test_pending_boundary);
  g_test_add_func ("/core/targets/met-boundary", test_met_boundary);
  g_test_add_func ("/core/targets/met-late-custom-limits", test_met_late_custom_limits);
  g_test_add_func ("/core/targets/reinforcement", test_reinforcement);
  g_test_add_func ("/core/targets/from-assignments", test_from_assignments);
  g_test_add_func ("/core/targets/closed-frozen", test_closed_frozen);

  return g_test_run ();
}
