/* test-core-queue.c — the queue's order, scope and search, and the store's
 * shared clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-core.h"

static JbIncident *
incident (const char *id,
          const char *status,
          guint       priority,
          gint64      created_at,
          const char *station)
{
  g_autofree char *json = g_strdup_printf (
    "{\"id\": \"%s\", \"number\": \"KF-%s\", \"type\": \"fight\", \"priority\": %u, \"status\": \"%s\","
    " \"source\": \"phone\", \"station_id\": \"%s\", \"venue\": {\"name\": \"欢唱KTV\"},"
    " \"address\": \"清水塘路69号\", \"description\": \"Two Parties\","
    " \"location\": {\"lat\": 28.2, \"lon\": 112.98}, \"created_at\": %" G_GINT64_FORMAT ","
    " \"assignments\": [], \"procedure\": [], \"notes\": [], \"timeline\": [], \"updated_at\": 1}",
    id, id, priority, status, station, created_at);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);
  JbIncident *result;

  g_assert_no_error (error);
  result = jb_incident_new_from_json (node, &error);
  g_assert_no_error (error);
  return result;
}

static int
compare_cb (gconstpointer a,
            gconstpointer b)
{
  return jb_queue_compare (*(JbIncident **) a, *(JbIncident **) b);
}

static void
test_order (void)
{
  g_autoptr(GPtrArray) queue = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) ids = g_string_new (NULL);

  /* A resolved P1, older than everything, goes below every open one. */
  g_ptr_array_add (queue, incident ("resolved-p1", "resolved", 1, 1000, "st-a"));
  g_ptr_array_add (queue, incident ("new-p3", "new", 3, 3000, "st-a"));
  g_ptr_array_add (queue, incident ("ack-p1-late", "acknowledged", 1, 5000, "st-b"));
  g_ptr_array_add (queue, incident ("new-p1", "new", 1, 4000, "st-a"));
  g_ptr_array_add (queue, incident ("resolved-p2", "resolved", 2, 500, "st-b"));
  g_ptr_array_add (queue, incident ("onscene-p3", "on_scene", 3, 3000, "st-b"));
  g_ptr_array_sort (queue, compare_cb);
  for (guint i = 0; i < queue->len; i++)
    g_string_append_printf (ids, "%s%s", i ? " " : "", jb_incident_get_id (queue->pdata[i]));
  g_assert_cmpstr (ids->str, ==, "new-p1 ack-p1-late new-p3 onscene-p3 resolved-p1 resolved-p2");

  g_assert_cmpint (jb_queue_compare (queue->pdata[0], queue->pdata[0]), ==, 0);
}

/* The one rule (jb-enums.h), status by status, and the incident's own. */
static void
test_open_and_active (void)
{
  static const struct { const char *status; gboolean open; gboolean active; } rule[] = {
    { "new", TRUE, TRUE },
    { "acknowledged", TRUE, TRUE },
    { "dispatched", TRUE, TRUE },
    { "on_scene", TRUE, TRUE },
    { "resolved", TRUE, FALSE },
    { "closed", FALSE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rule); i++)
    {
      g_autoptr(JbIncident) a = incident ("a", rule[i].status, 2, 1000, "st-a");
      JbIncidentStatus status;

      g_assert_true (jb_incident_status_from_string (rule[i].status, &status));
      g_assert_cmpint (jb_incident_status_is_open (status), ==, rule[i].open);
      g_assert_cmpint (jb_incident_status_is_active (status), ==, rule[i].active);
      g_assert_cmpint (jb_incident_is_open (a), ==, rule[i].open);
      g_assert_cmpint (jb_incident_is_active (a), ==, rule[i].active);
    }
  /* Every status is in the table. */
  g_assert_cmpuint (G_N_ELEMENTS (rule), ==, JB_INCIDENT_STATUS_N);
}

static void
test_scope_and_search (void)
{
  g_autoptr(JbIncident) a = incident ("a", "new", 1, 1000, "st-a");
  const char *one[] = { "st-b", NULL };
  const char *two[] = { "st-b", "st-a", NULL };
  const char *none[] = { NULL };

  g_assert_true (jb_queue_in_scope (a, NULL));
  g_assert_true (jb_queue_in_scope (a, none));
  g_assert_false (jb_queue_in_scope (a, one));
  g_assert_true (jb_queue_in_scope (a, two));

  g_assert_true (jb_queue_matches (a, NULL, NULL));
  g_assert_true (jb_queue_matches (a, "", NULL));
  g_assert_true (jb_queue_matches (a, "kf-A", NULL));
  g_assert_true (jb_queue_matches (a, "欢唱", NULL));
  g_assert_true (jb_queue_matches (a, "two parties", NULL));
  g_assert_true (jb_queue_matches (a, "清水塘", NULL));
  g_assert_true (jb_queue_matches (a, "打架", "打架斗殴"));
  g_assert_false (jb_queue_matches (a, "打架", NULL));
  g_assert_false (jb_queue_matches (a, "robbery", "Fight"));
}

static void
tick_cb (JbStore *store,
         gint64   now_ms,
         gpointer data)
{
  gint64 *seen = data;

  /* Every reader during the tick reads the tick's time. */
  g_assert_cmpint (jb_store_get_now_ms (store), ==, now_ms);
  *seen = now_ms;
}

static void
test_shared_clock (void)
{
  g_autoptr(JbStore) store = jb_store_new ();
  gint64 first, seen = 0;
  gint64 before = g_get_real_time () / 1000;

  /* Before any tick the first reading holds. */
  first = jb_store_get_now_ms (store);
  g_assert_cmpint (first, >=, before);
  g_assert_cmpint (jb_store_get_now_ms (store), ==, first);

  g_signal_connect (store, "tick", G_CALLBACK (tick_cb), &seen);
  jb_store_tick (store, 1795400000000);
  g_assert_cmpint (seen, ==, 1795400000000);
  g_assert_cmpint (jb_store_get_now_ms (store), ==, 1795400000000);

  /* The running clock ticks on its own (wait for it, however slow). */
  seen = 0;
  jb_store_start_clock (store);
  jb_store_start_clock (store);
  while (seen == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (seen, >=, before);
  g_assert_cmpint (jb_store_get_now_ms (store), ==, seen);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/queue/order", test_order);
  g_test_add_func ("/core/queue/scope-and-search", test_scope_and_search);
  g_test_add_func ("/core/incident/open-and-active", test_open_and_active);
  g_test_add_func ("/core/store/shared-clock", test_shared_clock);

  return g_test_run ();
}
