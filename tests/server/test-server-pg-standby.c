/* test-server-pg-standby.c — the database's primary lost, the standby promoted
 *
 * A PostgreSQL primary and a synchronous streaming standby on loopback,
 * one jingbao-dispatchd on libpq's multi-host target (the primary first,
 * target_session_attrs=read-write). Acknowledged commands go in, the
 * primary is killed with -9 and the standby promoted; the server finds the
 * new primary by itself, the commands that failed are retried with the
 * same Idempotency-Keys until they succeed, and every acknowledged command
 * is there exactly once. The time from the kill to the first successful
 * write is printed, not asserted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-test-postgres.h"
#include "jb-test-server.h"

#include <string.h>

#define BEFORE_KILL 20
#define AFTER_KILL 20
/* Generous: the machine is shared and promotion waits for replay. */
#define RETRY_TIMEOUT_S 120

static char *
incident_body (JsonNode   *snapshot,
               const char *description)
{
  JsonArray *stations = json_node_get_array (jb_test_json_get (snapshot, "stations"));
  JsonObject *station = json_array_get_object_element (stations, 0);
  JsonObject *location = json_object_get_object_member (station, "location");

  return g_strdup_printf ("{\"type\": \"fight\", \"priority\": 2, \"location\": {\"lat\": %.6f, \"lon\": %.6f},"
                          " \"address\": \"测试地址\", \"description\": \"%s\"}",
                          json_object_get_double_member (location, "lat") + 0.001,
                          json_object_get_double_member (location, "lon") + 0.001, description);
}

/* POSTs command @i with its own key until the server acknowledges it
 * (a 2xx); a 5xx or a lost connection is retried as a client would.
 * Returns the incident's id. */
static char *
post_until_acknowledged (JbTestServer *server,
                         const char   *auth,
                         JsonNode     *snapshot,
                         guint         i,
                         guint        *out_failures)
{
  g_autofree char *key = g_strdup_printf ("standby-%u", i);
  g_autofree char *body = incident_body (snapshot, key);
  gint64 deadline = g_get_monotonic_time () + RETRY_TIMEOUT_S * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(JbTestResponse) response = jb_test_request (server, "POST", "/api/v1/incidents",
                                                            auth, key, body);

      if (response->status >= 200 && response->status < 300)
        {
          g_assert_nonnull (jb_test_json_string (response->body, "id"));
          return g_strdup (jb_test_json_string (response->body, "id"));
        }
      /* Only "the database is away" may fail; a 4xx would be a bug. */
      g_assert_true (response->status == 0 || response->status >= 500);
      (*out_failures)++;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50 * 1000);
    }
}

static void
test_promote_standby (void)
{
  /* Synchronous replication: a commit is acknowledged once the standby
   * has flushed it, so the promoted standby holds every acknowledged one. */
  const char * const sync[] = { "synchronous_commit=on", "synchronous_standby_names=*", NULL };
  const char * const args[] = { "--demo", "--demo-guards", "20", NULL };
  JbTestPostgres *primary = jb_test_postgres_start_with (sync);
  /* Promoted, it runs alone: with a synchronous_standby_names of its own
   * its commits would wait for a standby that does not exist. */
  JbTestPostgres *standby = jb_test_postgres_start_standby (primary, NULL);
  g_autofree char *dbname = jb_test_postgres_create_database (primary);
  g_autofree char *target = g_strdup_printf ("host=127.0.0.1,127.0.0.1 port=%u,%u user=jbadmin dbname=%s"
                                             " target_session_attrs=read-write connect_timeout=10",
                                             jb_test_postgres_get_port (primary),
                                             jb_test_postgres_get_port (standby), dbname);
  JbTestServer *server = jb_test_server_start_on_postgresql (target, args);
  g_autofree char *auth = jb_test_login (server, "dispatcher", "demo");
  g_autoptr(JbTestResponse) snapshot = jb_test_request (server, "GET", "/api/v1/snapshot", auth,
                                                         NULL, NULL);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *first_after = NULL;
  guint failures = 0;
  guint acknowledged_before = 0;
  gint64 killed, recovered;

  g_assert_cmpuint (snapshot->status, ==, 200);

  for (guint i = 0; i < BEFORE_KILL; i++)
    {
      g_autofree char *key = g_strdup_printf ("standby-%u", i);
      g_autofree char *body = incident_body (snapshot->body, key);
      g_autoptr(JbTestResponse) response = jb_test_request (server, "POST", "/api/v1/incidents",
                                                            auth, key, body);

      g_assert_cmpuint (response->status, ==, 201);
      g_ptr_array_add (ids, g_strdup (jb_test_json_string (response->body, "id")));
      acknowledged_before++;
    }

  killed = g_get_monotonic_time ();
  jb_test_postgres_kill (primary);
  /* No writable database until the promotion: the command is refused as
   * unavailable (nothing acknowledged), and retried below with its key. */
  {
    g_autofree char *key = g_strdup_printf ("standby-%u", BEFORE_KILL);
    g_autofree char *body = incident_body (snapshot->body, key);
    g_autoptr(JbTestResponse) refused = jb_test_request (server, "POST", "/api/v1/incidents",
                                                         auth, key, body);

    g_assert_cmpuint (refused->status, ==, 503);
    failures++;
  }
  jb_test_postgres_promote (standby);

  /* The first write after the kill: the server reconnects on its own. */
  first_after = post_until_acknowledged (server, auth, snapshot->body, BEFORE_KILL, &failures);
  recovered = g_get_monotonic_time ();
  g_ptr_array_add (ids, g_steal_pointer (&first_after));
  g_test_message ("Primary killed, standby promoted: first acknowledged write after %.0f ms"
                  " (%u failed attempts before it)",
                  (recovered - killed) / 1000.0, failures);

  for (guint i = BEFORE_KILL + 1; i < BEFORE_KILL + AFTER_KILL; i++)
    g_ptr_array_add (ids, post_until_acknowledged (server, auth, snapshot->body, i, &failures));

  /* Every key replayed once more answers the same incident: none twice. */
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *key = g_strdup_printf ("standby-%u", i);
      g_autofree char *body = incident_body (snapshot->body, key);
      g_autoptr(JbTestResponse) replay = jb_test_request (server, "POST", "/api/v1/incidents",
                                                          auth, key, body);

      g_assert_cmpuint (replay->status, ==, 201);
      g_assert_cmpstr (soup_message_headers_get_one (replay->headers, "Idempotent-Replay"), ==, "true");
      g_assert_cmpstr (jb_test_json_string (replay->body, "id"), ==, g_ptr_array_index (ids, i));
    }

  /* What the new primary holds: each acknowledged incident exactly once,
   * in the table and in the snapshot a client loads. */
  g_assert_cmpint (jb_test_postgres_query_int (standby, dbname,
                                               "SELECT count(*) FROM incidents"
                                               " WHERE data LIKE '%standby-%'"),
                   ==, BEFORE_KILL + AFTER_KILL);
  {
    g_autoptr(JbTestResponse) after = jb_test_request (server, "GET", "/api/v1/snapshot", auth,
                                                       NULL, NULL);
    JsonArray *incidents;
    g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

    g_assert_cmpuint (after->status, ==, 200);
    incidents = json_node_get_array (jb_test_json_get (after->body, "incidents"));
    for (guint i = 0; i < json_array_get_length (incidents); i++)
      {
        JsonObject *incident = json_array_get_object_element (incidents, i);

        g_assert_true (g_hash_table_add (seen, (gpointer) json_object_get_string_member (incident, "id")));
      }
    for (guint i = 0; i < ids->len; i++)
      g_assert_true (g_hash_table_contains (seen, g_ptr_array_index (ids, i)));
  }
  g_assert_cmpuint (acknowledged_before, ==, BEFORE_KILL);

  jb_test_server_free (server);
  jb_test_postgres_stop (standby);
  jb_test_postgres_stop (primary);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/pg-standby/promote", test_promote_standby);
  return g_test_run ();
}
