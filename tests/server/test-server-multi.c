/* test-server-multi.c — several jingbao-dispatchd on one database
 *
 * Two real server processes share one database: an SQLite file (WAL; the
 * writers are serialised by BEGIN IMMEDIATE) or a PostgreSQL database
 * (serialised by an advisory lock). Commands go through both at once; a
 * stream on each sees every event once, in seq order, strictly +1, and
 * the same frames. A
 * retried POST with the same Idempotency-Key on the other server counts
 * once. A server killed with SIGKILL in the middle of a load run: its
 * stream's client resumes on the other from its last seq, the requests it
 * lost are retried there, nothing is lost or repeated and the replayed
 * state equals a fresh snapshot. Liveness is judged once, from the stored
 * last-seen: a terminal heard only by one server is not marked offline by
 * the one holding the duty lease; a silent one is, exactly once; the
 * lease moves when its holder dies. (The terminals' heartbeat interval is
 * set in the database directly, with both servers stopped.) A position
 * received by one server reaches the other's streams, and an older fix
 * never overwrites a newer one. The same tests run on SQLite and on
 * PostgreSQL (suite server-pg).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <string.h>

#include "jb-demo.h"
#include "jb-test-server.h"
#include "jb-test-wait.h"

#define FRAME_TIMEOUT_MS 30000
#define WAIT_MS          60000

typedef struct
{
  JbTestServer *a;
  JbTestServer *b;
  char         *auth;       /* a session opened on A, good on B too */
  JsonNode     *snapshot;
} Fixture;

static void
start_pair (Fixture            *fixture,
            const char * const *extra_args)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(JbTestResponse) response = NULL;

  g_ptr_array_add (args, (char *) "--demo");
  g_ptr_array_add (args, (char *) "--demo-guards");
  g_ptr_array_add (args, (char *) "50");
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (args, (char *) extra_args[i]);
  g_ptr_array_add (args, NULL);
  fixture->a = jb_test_server_start ((const char * const *) args->pdata);
  /* The database exists now: the second server only opens it. */
  fixture->b = jb_test_server_start_sibling (fixture->a, extra_args);
  fixture->auth = jb_test_login (fixture->a, "dispatcher", "demo");
  response = jb_test_request (fixture->b, "GET", "/api/v1/snapshot", fixture->auth, NULL, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  fixture->snapshot = json_node_ref (response->body);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  start_pair (fixture, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_pointer (&fixture->snapshot, json_node_unref);
  g_clear_pointer (&fixture->auth, g_free);
  /* The sibling first: the first server owns the files. */
  g_clear_pointer (&fixture->b, jb_test_server_free);
  g_clear_pointer (&fixture->a, jb_test_server_free);
}

static char *
incident_body (Fixture    *fixture,
               const char *description)
{
  JsonArray *stations = json_node_get_array (jb_test_json_get (fixture->snapshot, "stations"));
  JsonObject *station = json_array_get_object_element (stations, 0);
  JsonObject *location = json_object_get_object_member (station, "location");

  return g_strdup_printf ("{\"type\": \"fight\", \"priority\": 2, \"location\": {\"lat\": %.6f, \"lon\": %.6f},"
                          " \"address\": \"测试地址\", \"description\": \"%s\"}",
                          json_object_get_double_member (location, "lat") + 0.001,
                          json_object_get_double_member (location, "lon") + 0.001, description);
}

/* Load: POST /incidents through both servers at once, each with its own
 * Idempotency-Key; a request that loses its server is retried once on
 * the other with the same key, as the client's failover does. */

typedef struct _Load Load;

typedef struct
{
  Load        *load;
  guint        index;
  guint        target;
  SoupMessage *msg;
  gboolean     retried;
} LoadRequest;

struct _Load
{
  Fixture     *fixture;
  SoupSession *session;
  const char  *urls[2];
  gboolean     alive[2];
  const char  *tag;
  guint        total;
  guint        next;
  guint        in_flight;
  guint        parallel;
  guint        answered;
  guint        retries;
  char       **ids;         /* the incident each request created */
};

static void load_send (Load        *load,
                       LoadRequest *request);

static void
load_answered_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  LoadRequest *request = user_data;
  Load *load = request->load;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  guint status = soup_message_get_status (request->msg);

  g_clear_object (&request->msg);
  if (bytes == NULL || status == 0)
    {
      /* The server went away with the request: the other one gets it. */
      g_assert_false (request->retried);
      load->alive[request->target] = FALSE;
      request->target = 1 - request->target;
      request->retried = TRUE;
      load->retries++;
      load_send (load, request);
      return;
    }
  g_assert_cmpuint (status, ==, 201);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), -1, NULL));
  g_assert_null (load->ids[request->index]);
  load->ids[request->index] = g_strdup (jb_test_json_string (json_parser_get_root (parser), "id"));
  g_assert_nonnull (load->ids[request->index]);
  load->answered++;
  load->in_flight--;
  g_free (request);

  while (load->in_flight < load->parallel && load->next < load->total)
    {
      LoadRequest *more = g_new0 (LoadRequest, 1);

      more->load = load;
      more->index = load->next++;
      more->target = load->alive[more->index % 2] ? more->index % 2 : 1 - more->index % 2;
      load->in_flight++;
      load_send (load, more);
    }
}

static void
load_send (Load        *load,
           LoadRequest *request)
{
  g_autofree char *url = g_strconcat (load->urls[request->target], "/api/v1/incidents", NULL);
  g_autofree char *description = g_strdup_printf ("%s-%u", load->tag, request->index);
  g_autofree char *body = incident_body (load->fixture, description);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  SoupMessageHeaders *headers;

  request->msg = soup_message_new ("POST", url);
  headers = soup_message_get_request_headers (request->msg);
  soup_message_headers_replace (headers, "Authorization", load->fixture->auth);
  soup_message_headers_replace (headers, "Idempotency-Key", description);
  soup_message_set_request_body_from_bytes (request->msg, "application/json", bytes);
  soup_session_send_and_read_async (load->session, request->msg, G_PRIORITY_DEFAULT, NULL,
                                    load_answered_cb, request);
}

static Load *
load_start (Fixture    *fixture,
            const char *tag,
            guint       total,
            guint       parallel)
{
  Load *load = g_new0 (Load, 1);

  load->fixture = fixture;
  load->session = soup_session_new_with_options ("max-conns-per-host", 16, "timeout", 60, NULL);
  load->urls[0] = jb_test_server_get_url (fixture->a);
  load->urls[1] = jb_test_server_get_url (fixture->b);
  load->alive[0] = load->alive[1] = TRUE;
  load->tag = tag;
  load->total = total;
  load->parallel = parallel;
  load->ids = g_new0 (char *, total + 1);
  while (load->in_flight < parallel && load->next < total)
    {
      LoadRequest *request = g_new0 (LoadRequest, 1);

      request->load = load;
      request->index = load->next++;
      request->target = request->index % 2;
      load->in_flight++;
      load_send (load, request);
    }
  return load;
}

static gboolean
load_done (gpointer data)
{
  Load *load = data;

  return load->answered == load->total;
}

static void
load_free (Load *load)
{
  g_object_unref (load->session);
  g_strfreev (load->ids);
  g_free (load);
}

/* Streams: every frame's text, checked to follow the one before. */

static gint64
latest_seq (JbTestServer *server)
{
  g_autoptr(JbTestResponse) health = jb_test_request (server, "GET", "/api/v1/health", NULL, NULL, NULL);

  g_assert_cmpuint (health->status, ==, 200);
  return jb_test_json_int (health->body, "seq");
}

/* Reads @events until seq @until, appending each frame's text to @frames;
 * asserts that every seq is the one after the last (@last). */
static void
collect (JbTestEvents *events,
         gint64       *last,
         gint64        until,
         GPtrArray    *frames)
{
  while (*last < until)
    {
      g_autoptr(JsonNode) frame = jb_test_events_next (events, FRAME_TIMEOUT_MS);
      gint64 seq;

      g_assert_nonnull (frame);
      seq = jb_test_json_int (frame, "seq");
      g_assert_cmpint (seq, ==, *last + 1);
      *last = seq;
      g_ptr_array_add (frames, json_to_string (frame, FALSE));
    }
}

static void
assert_same_frames (GPtrArray *one,
                    GPtrArray *other)
{
  g_assert_cmpuint (one->len, ==, other->len);
  for (guint i = 0; i < one->len; i++)
    g_assert_cmpstr (g_ptr_array_index (one, i), ==, g_ptr_array_index (other, i));
}

/* The incident ids of the incident.created frames, each asserted new. */
static GHashTable *
created_ids (GPtrArray *frames)
{
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < frames->len; i++)
    {
      g_autoptr(JsonNode) frame = json_from_string (g_ptr_array_index (frames, i), NULL);

      if (g_strcmp0 (jb_test_json_string (frame, "type"), "incident.created") != 0)
        continue;
      g_assert_true (g_hash_table_add (ids, g_strdup (jb_test_json_string (frame, "data.incident.id"))));
    }
  return ids;
}

/* Commands through both servers at once; a stream on each, and a replay
 * afterwards, see the same frames: every seq once, in order. */
static void
test_every_event_once (Fixture       *fixture,
                       gconstpointer  user_data)
{
  gint64 since = jb_test_json_int (fixture->snapshot, "seq");
  g_autoptr(JbTestEvents) on_a = jb_test_events_connect (fixture->a, fixture->auth, since, NULL);
  g_autoptr(JbTestEvents) on_b = jb_test_events_connect (fixture->b, fixture->auth, since, NULL);
  g_autoptr(JbTestEvents) replay = NULL;
  g_autoptr(GPtrArray) frames_a = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) frames_b = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) frames_replay = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) created = NULL;
  Load *load;
  gint64 latest, last_a = since, last_b = since, last_replay = since;

  g_assert_nonnull (on_a);
  g_assert_nonnull (on_b);
  load = load_start (fixture, "both", 120, 8);
  g_assert_true (jb_test_wait_for (load_done, load, WAIT_MS));
  g_assert_cmpuint (load->retries, ==, 0);

  latest = latest_seq (fixture->a);
  g_assert_cmpint (latest_seq (fixture->b), ==, latest);
  g_assert_cmpint (latest, >=, since + 120);
  collect (on_a, &last_a, latest, frames_a);
  collect (on_b, &last_b, latest, frames_b);
  assert_same_frames (frames_a, frames_b);

  replay = jb_test_events_connect (fixture->b, fixture->auth, since, NULL);
  collect (replay, &last_replay, latest, frames_replay);
  assert_same_frames (frames_a, frames_replay);

  /* Each request's incident, once. */
  created = created_ids (frames_a);
  g_assert_cmpuint (g_hash_table_size (created), ==, 120);
  for (guint i = 0; i < 120; i++)
    g_assert_true (g_hash_table_contains (created, load->ids[i]));

  /* Nothing more came. */
  g_assert_null (jb_test_events_next (on_a, 300));
  g_assert_null (jb_test_events_next (on_b, 300));
  load_free (load);
}

/* Idempotency keys live in the database: a retry on the other server
 * answers the first result and creates nothing. */
static void
test_idempotent_retry (Fixture       *fixture,
                       gconstpointer  user_data)
{
  gint64 since = jb_test_json_int (fixture->snapshot, "seq");
  g_autoptr(JbTestEvents) events = jb_test_events_connect (fixture->b, fixture->auth, since, NULL);
  g_autofree char *body = incident_body (fixture, "retried");
  g_autofree char *other = incident_body (fixture, "not the same");
  g_autoptr(JbTestResponse) first = NULL;
  g_autoptr(JbTestResponse) retry = NULL;
  g_autoptr(JbTestResponse) reused = NULL;
  g_autoptr(JbTestResponse) after = NULL;
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) created = NULL;
  gint64 last = since;

  first = jb_test_request (fixture->a, "POST", "/api/v1/incidents", fixture->auth, "retry-1", body);
  g_assert_cmpuint (first->status, ==, 201);
  retry = jb_test_request (fixture->b, "POST", "/api/v1/incidents", fixture->auth, "retry-1", body);
  g_assert_cmpuint (retry->status, ==, 201);
  g_assert_cmpstr (soup_message_headers_get_one (retry->headers, "Idempotent-Replay"), ==, "true");
  g_assert_cmpstr (retry->text, ==, first->text);
  reused = jb_test_request (fixture->b, "POST", "/api/v1/incidents", fixture->auth, "retry-1", other);
  g_assert_cmpuint (reused->status, ==, 422);
  g_assert_cmpstr (jb_test_json_string (reused->body, "error.code"), ==, "idempotency_key_reused");

  /* One incident in the log and one seq more: the log is shared. */
  g_assert_cmpint (latest_seq (fixture->b), ==, since + 1);
  collect (events, &last, since + 1, frames);
  created = created_ids (frames);
  g_assert_cmpuint (g_hash_table_size (created), ==, 1);
  g_assert_true (g_hash_table_contains (created, jb_test_json_string (first->body, "id")));
  /* A later write on B follows it at once (its memory did not hold that seq). */
  after = jb_test_request (fixture->b, "POST", "/api/v1/incidents", fixture->auth, NULL, other);
  g_assert_cmpuint (after->status, ==, 201);
  collect (events, &last, since + 2, frames);
}

/* The state a client holds: the snapshot's incidents with the frames
 * applied on top. */
static void
apply_incidents (GHashTable *incidents,
                 GPtrArray  *frames)
{
  for (guint i = 0; i < frames->len; i++)
    {
      g_autoptr(JsonNode) frame = json_from_string (g_ptr_array_index (frames, i), NULL);
      const char *type = jb_test_json_string (frame, "type");
      JsonNode *incident;

      if (!g_str_has_prefix (type, "incident."))
        continue;
      incident = jb_test_json_get (frame, "data.incident");
      g_hash_table_replace (incidents, g_strdup (jb_test_json_string (incident, "id")),
                            json_node_ref (incident));
    }
}

static GHashTable *
snapshot_incidents (JsonNode *snapshot)
{
  GHashTable *incidents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify) json_node_unref);
  JsonArray *array = json_node_get_array (jb_test_json_get (snapshot, "incidents"));

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *incident = json_array_get_element (array, i);

      g_hash_table_replace (incidents, g_strdup (jb_test_json_string (incident, "id")),
                            json_node_ref (incident));
    }
  return incidents;
}

typedef struct
{
  Load *load;
  guint at_least;
} Progress;

static gboolean
answered_at_least (gpointer data)
{
  Progress *progress = data;

  return progress->load->answered >= progress->at_least;
}

/* kill -9 of B in the middle of a load run through both, with a stream on
 * B: the stream's client resumes on A from its last seq; B's lost
 * requests are retried on A with their keys. Every request counts once,
 * the seqs run on without a gap or a repeat, and the replayed state is
 * a fresh snapshot's. */
static void
test_kill_one (Fixture       *fixture,
               gconstpointer  user_data)
{
  gint64 since = jb_test_json_int (fixture->snapshot, "seq");
  g_autoptr(JbTestEvents) on_b = jb_test_events_connect (fixture->b, fixture->auth, since, NULL);
  g_autoptr(JbTestEvents) resumed = NULL;
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) replayed = snapshot_incidents (fixture->snapshot);
  g_autoptr(GHashTable) fresh = NULL;
  g_autoptr(GHashTable) created = NULL;
  g_autoptr(JbTestResponse) snapshot = NULL;
  GHashTableIter iter;
  gpointer key, value;
  Progress progress;
  Load *load;
  gint64 last = since, latest;

  load = load_start (fixture, "kill", 200, 6);
  progress.load = load;
  progress.at_least = 80;
  g_assert_true (jb_test_wait_for (answered_at_least, &progress, WAIT_MS));
  jb_test_server_kill (fixture->b, SIGKILL);

  /* What B's stream delivered before it died, in order. */
  for (gint64 give_up = g_get_monotonic_time () + WAIT_MS * 1000LL;;)
    {
      g_autoptr(JsonNode) frame = jb_test_events_next (on_b, 200);

      if (frame == NULL)
        {
          if (jb_test_events_is_closed (on_b))
            break;
          g_assert_cmpint (g_get_monotonic_time (), <, give_up);
          continue;
        }
      g_assert_cmpint (jb_test_json_int (frame, "seq"), ==, last + 1);
      last = jb_test_json_int (frame, "seq");
      g_ptr_array_add (frames, json_to_string (frame, FALSE));
    }
  g_assert_cmpint (last, >, since);

  resumed = jb_test_events_connect (fixture->a, fixture->auth, last, NULL);
  g_assert_nonnull (resumed);
  g_assert_true (jb_test_wait_for (load_done, load, WAIT_MS));
  latest = latest_seq (fixture->a);
  collect (resumed, &last, latest, frames);
  g_assert_null (jb_test_events_next (resumed, 300));

  /* Each of the 200 requests created one incident: none lost, none twice. */
  created = created_ids (frames);
  g_assert_cmpuint (g_hash_table_size (created), ==, 200);
  for (guint i = 0; i < 200; i++)
    g_assert_true (g_hash_table_contains (created, load->ids[i]));

  snapshot = jb_test_request (fixture->a, "GET", "/api/v1/snapshot", fixture->auth, NULL, NULL);
  g_assert_cmpuint (snapshot->status, ==, 200);
  g_assert_cmpint (jb_test_json_int (snapshot->body, "seq"), ==, latest);
  apply_incidents (replayed, frames);
  fresh = snapshot_incidents (snapshot->body);
  g_assert_cmpuint (g_hash_table_size (fresh), ==, g_hash_table_size (replayed));
  g_hash_table_iter_init (&iter, fresh);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      JsonNode *mine = g_hash_table_lookup (replayed, key);

      g_assert_nonnull (mine);
      g_assert_true (json_node_equal (mine, value));
    }
  g_test_message ("%u of 200 requests were retried on A after B died", load->retries);
  load_free (load);
}

/* Liveness. */

/* Whether @server says it holds the duty lease (GET /health). */
static gboolean
holds_duties (JbTestServer *server)
{
  g_autoptr(JbTestResponse) health = jb_test_request (server, "GET", "/api/v1/health", NULL, NULL, NULL);

  g_assert_cmpuint (health->status, ==, 200);
  return json_node_get_boolean (jb_test_json_get (health->body, "duties"));
}

static gboolean
some_server_holds_duties (gpointer data)
{
  Fixture *fixture = data;

  return holds_duties (fixture->a) || holds_duties (fixture->b);
}

static gboolean
server_holds_duties (gpointer data)
{
  return holds_duties (data);
}

static void
set_heartbeat_interval (JbTestServer *server,
                        const char   *id_a,
                        const char   *id_b,
                        gint64        now)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE terminals SET heartbeat_interval_s = 6, online = 1,"
                                          " last_seen_at = %" G_GINT64_FORMAT " WHERE id IN ('%s', '%s')",
                                          now, id_a, id_b);
  g_autofree char *count = g_strdup_printf ("SELECT count(*) FROM terminals WHERE heartbeat_interval_s = 6"
                                            " AND id IN ('%s', '%s')", id_a, id_b);

  jb_test_server_exec_sql (server, sql);
  g_assert_cmpint (jb_test_server_query_int (server, count), ==, 2);
}

typedef struct
{
  JbTestEvents *events;
  const char   *heard;    /* heartbeats to @server */
  const char   *silent;
  JbTestServer *server;
  char         *auth;
  gint64        next_beat;
  guint         heard_offline;
  guint         silent_offline;
  gboolean      silent_online_again;
} Watch;

/* Beats for @heard every 300 ms and reads the stream. */
static gboolean
watch_step (gpointer data)
{
  Watch *watch = data;
  JsonNode *frame;

  if (g_get_monotonic_time () >= watch->next_beat)
    {
      g_autoptr(JbTestResponse) beat = jb_test_request (watch->server, "POST", "/api/v1/device/heartbeat",
                                                        watch->auth, NULL, "{\"battery\": 90}");

      g_assert_cmpuint (beat->status, ==, 200);
      watch->next_beat = g_get_monotonic_time () + 300 * 1000;
    }
  while ((frame = jb_test_events_next (watch->events, 50)) != NULL)
    {
      if (g_strcmp0 (jb_test_json_string (frame, "type"), "terminal.updated") == 0)
        {
          const char *id = jb_test_json_string (frame, "data.terminal.id");
          gboolean online = json_node_get_boolean (jb_test_json_get (frame, "data.terminal.online"));

          if (g_strcmp0 (id, watch->heard) == 0 && !online)
            watch->heard_offline++;
          if (g_strcmp0 (id, watch->silent) == 0 && !online)
            watch->silent_offline++;
          if (g_strcmp0 (id, watch->silent) == 0 && online)
            watch->silent_online_again = TRUE;
        }
      json_node_unref (frame);
    }
  return FALSE;
}

/* Wakes the main loop, so that the waits beat on time. */
static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
silent_one_offline (gpointer data)
{
  Watch *watch = data;

  watch_step (watch);
  return watch->silent_offline > 0;
}

static gboolean
never (gpointer data)
{
  watch_step (data);
  return FALSE;
}

/* Two terminals with a 6 s heartbeat: one heard only by the server that
 * does not hold the duty lease, one silent. The holder marks the silent
 * one offline once (18 s of silence) and never the one it does not hear
 * itself; then the holder dies and the other takes the lease. (The
 * interval leaves room for a slow machine: the heard one beats every
 * 300 ms, each beat flushed within a maintenance period, 1 s.) */
static void
test_liveness_once (void)
{
  /* A 3 s lease: it stays put on a slow machine. */
  const char *fast[] = { "--maintenance-ms", "1000", NULL };
  Fixture fixture = { 0 };
  JsonArray *terminals;
  const char *heard = NULL, *silent = NULL;
  g_autofree char *heard_auth = NULL;
  g_autofree char *heard_secret = NULL;
  g_autoptr(JbTestEvents) events = NULL;
  g_autoptr(JbTestResponse) state = NULL;
  g_autoptr(JbTestResponse) state_silent = NULL;
  g_autofree char *heard_path = NULL;
  g_autofree char *silent_path = NULL;
  JbTestServer *holder, *other;
  Watch watch = { 0 };
  guint tick;

  /* Set the intervals with every server stopped, then start both. */
  start_pair (&fixture, fast);
  terminals = json_node_get_array (jb_test_json_get (fixture.snapshot, "terminals"));
  for (guint i = 0; i < json_array_get_length (terminals) && silent == NULL; i++)
    {
      JsonObject *terminal = json_array_get_object_element (terminals, i);

      if (g_strcmp0 (json_object_get_string_member (terminal, "kind"), "alarm_button") != 0)
        continue;
      if (heard == NULL)
        heard = json_object_get_string_member (terminal, "id");
      else
        silent = json_object_get_string_member (terminal, "id");
    }
  g_assert_nonnull (silent);
  jb_test_server_kill (fixture.b, SIGTERM);
  jb_test_server_kill (fixture.a, SIGTERM);
  set_heartbeat_interval (fixture.a, heard, silent, g_get_real_time () / 1000);
  jb_test_server_restart (fixture.a);
  jb_test_server_restart (fixture.b);

  /* Whoever took the lease, the other one hears the terminal. The tick
   * wakes the waits, which poll the database. */
  tick = g_timeout_add (100, tick_cb, NULL);
  g_assert_true (jb_test_wait_for (some_server_holds_duties, &fixture, WAIT_MS));
  holder = holds_duties (fixture.a) ? fixture.a : fixture.b;
  other = holder == fixture.a ? fixture.b : fixture.a;

  /* From before the restart: the silent one may fall offline before
   * this stream is up (the session is in the database, still good). */
  events = jb_test_events_connect (holder, fixture.auth, jb_test_json_int (fixture.snapshot, "seq"), NULL);
  g_assert_nonnull (events);
  heard_secret = jb_demo_terminal_secret (heard);
  heard_auth = jb_test_device_auth (heard, heard_secret);
  watch.events = events;
  watch.heard = heard;
  watch.silent = silent;
  watch.server = other;
  watch.auth = heard_auth;

  if (!jb_test_wait_for (silent_one_offline, &watch, WAIT_MS))
    {
      g_autoptr(JbTestResponse) holder_health = jb_test_request (holder, "GET", "/api/v1/health", NULL, NULL, NULL);
      g_autoptr(JbTestResponse) other_health = jb_test_request (other, "GET", "/api/v1/health", NULL, NULL, NULL);

      g_error ("%s was not marked offline; the holder says %s, the other %s",
               silent, holder_health->text, other_health->text);
    }
  /* Over its whole silence limit in the holder's memory and one interval
   * more, the holder, which never hears it, did not take the heard one
   * offline; the silent one stays offline. */
  jb_test_wait_for (never, &watch, 6000);
  g_assert_cmpuint (watch.heard_offline, ==, 0);
  g_assert_cmpuint (watch.silent_offline, ==, 1);
  g_assert_false (watch.silent_online_again);
  heard_path = g_strconcat ("/api/v1/terminals/", heard, NULL);
  silent_path = g_strconcat ("/api/v1/terminals/", silent, NULL);
  state = jb_test_request (holder, "GET", heard_path, fixture.auth, NULL, NULL);
  g_assert_cmpuint (state->status, ==, 200);
  g_assert_true (json_node_get_boolean (jb_test_json_get (state->body, "online")));
  state_silent = jb_test_request (other, "GET", silent_path, fixture.auth, NULL, NULL);
  g_assert_cmpuint (state_silent->status, ==, 200);
  g_assert_false (json_node_get_boolean (jb_test_json_get (state_silent->body, "online")));

  /* The holder dies: the lease expires (three periods) and moves. */
  g_clear_pointer (&events, jb_test_events_free);
  jb_test_server_kill (holder, SIGKILL);
  g_assert_true (jb_test_wait_for (server_holds_duties, other, WAIT_MS));
  g_source_remove (tick);

  jb_test_server_restart (holder);
  fixture_tear_down (&fixture, NULL);
}

/* A minute ahead of the clock (the server takes fixes up to 10 minutes
 * ahead): newer than the demo's own fixes. */
static void
post_fix (JbTestServer *server,
          const char   *camera_id,
          double        lat,
          gint64        time)
{
  g_autofree char *secret = jb_demo_terminal_secret (camera_id);
  g_autofree char *auth = jb_test_device_auth (camera_id, secret);
  g_autofree char *body = g_strdup_printf ("{\"lat\": %.6f, \"lon\": 112.9855, \"time\": %" G_GINT64_FORMAT "}",
                                           lat, time);
  g_autoptr(JbTestResponse) answer = jb_test_request (server, "POST", "/api/v1/device/position", auth, NULL, body);

  g_assert_cmpuint (answer->status, ==, 202);
}

typedef struct
{
  JbTestServer *server;
  const char   *sql;
  gint64        value;
} Stored;

static gboolean
stored_is (gpointer data)
{
  Stored *stored = data;

  return jb_test_server_query_int (stored->server, stored->sql) == stored->value;
}

/* A fix received by A reaches a stream on B (B reads the fixes other
 * servers wrote); an older fix accepted by B meanwhile does not overwrite
 * it in the database, whichever server writes last. */
static void
test_positions_across (Fixture       *fixture,
                       gconstpointer  user_data)
{
  JsonArray *terminals = json_node_get_array (jb_test_json_get (fixture->snapshot, "terminals"));
  const char *camera_id = NULL, *unit_id = NULL;
  gint64 t = g_get_real_time () / 1000 + 60000;
  g_autoptr(JbTestEvents) on_b = NULL;
  g_autoptr(JbTestResponse) unit_on_a = NULL;
  g_autoptr(JbTestResponse) unit_on_b = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *path = NULL;
  JsonObject *item;
  Stored stored;
  guint tick;

  for (guint i = 0; i < json_array_get_length (terminals) && camera_id == NULL; i++)
    {
      JsonObject *terminal = json_array_get_object_element (terminals, i);

      if (g_strcmp0 (json_object_get_string_member (terminal, "kind"), "body_camera") == 0 &&
          !json_object_get_null_member (terminal, "unit_id"))
        {
          camera_id = json_object_get_string_member (terminal, "id");
          unit_id = json_object_get_string_member (terminal, "unit_id");
        }
    }
  g_assert_nonnull (camera_id);

  on_b = jb_test_events_connect (fixture->b, fixture->auth, jb_test_json_int (fixture->snapshot, "seq"), NULL);
  g_assert_nonnull (on_b);
  /* The older fix goes to B while A holds the newer one unwritten (if A
   * wrote it first, B skips the older one as stale: the same outcome). */
  post_fix (fixture->a, camera_id, 28.2001, t);
  post_fix (fixture->b, camera_id, 28.1999, t - 1000);

  item = jb_test_events_wait_position (on_b, unit_id, t, WAIT_MS);
  g_assert_nonnull (item);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (item, "lat"), 28.2001, 1e-6);
  json_object_unref (item);

  /* A's fix is in the database; B's older one is written at the latest
   * when B stops: it must not replace A's. */
  sql = g_strdup_printf ("SELECT time FROM positions WHERE unit_id = '%s'", unit_id);
  stored = (Stored) { fixture->a, sql, t };
  tick = g_timeout_add (100, tick_cb, NULL);
  g_assert_true (jb_test_wait_for (stored_is, &stored, WAIT_MS));
  g_source_remove (tick);
  jb_test_server_kill (fixture->b, SIGTERM);
  g_assert_cmpint (jb_test_server_query_int (fixture->a, sql), ==, t);

  jb_test_server_restart (fixture->b);
  path = g_strconcat ("/api/v1/units/", unit_id, NULL);
  unit_on_a = jb_test_request (fixture->a, "GET", path, fixture->auth, NULL, NULL);
  unit_on_b = jb_test_request (fixture->b, "GET", path, fixture->auth, NULL, NULL);
  g_assert_cmpuint (unit_on_a->status, ==, 200);
  g_assert_cmpuint (unit_on_b->status, ==, 200);
  g_assert_cmpint (jb_test_json_int (unit_on_a->body, "position.time"), ==, t);
  g_assert_cmpint (jb_test_json_int (unit_on_b->body, "position.time"), ==, t);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/server/multi/every-event-once", test_every_event_once);
  ADD ("/server/multi/idempotent-retry", test_idempotent_retry);
  ADD ("/server/multi/kill-one", test_kill_one);
  ADD ("/server/multi/positions-across", test_positions_across);
#undef ADD
  g_test_add_func ("/server/multi/liveness-once", test_liveness_once);

  return g_test_run ();
}
