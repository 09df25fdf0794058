/* test-core-flood.c — the event stream under a position flood, against
 * the real jingbao-dispatchd: 20,000 extra units moving at 1 Hz through
 * the simulator, alarms coming in. A client that keeps up never sees a
 * seq gap and never reloads its snapshot, not even through a slow link
 * that is cut again and again; a client that really fell behind the
 * server's retention is told to reload, and does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-core.h"
#include "jb-test-client.h"
#include "jb-test-proxy.h"

#define WAIT_MS JB_TEST_WAIT_MS
/* Seqs the flood test lives through, and between two cuts. */
#define FLOOD_EVENTS 120
#define CUT_EVERY    40
/* Below what the flood's positions need (~2.5 MB/s): the server must
 * coalesce them for this client while its events keep flowing. */
#define SLOW_LINK_BYTES_PER_S (1024 * 1024)

#if defined(__SANITIZE_ADDRESS__)
#define EXTRA_UNITS "5000"
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EXTRA_UNITS "5000"
#endif
#endif
#ifndef EXTRA_UNITS
#define EXTRA_UNITS "20000"
#endif

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbTestServer, jb_test_server_free)

static const char * const flood_args[] = {
  "--demo", "--demo-extra-units", EXTRA_UNITS, "--simulate", "--sim-rate", "1",
  "--sim-moving-fraction", "1", "--sim-alarms-per-min", "600", NULL
};

static gint64
server_seq (JbTestServer *server)
{
  g_autoptr(JbTestResponse) health = jb_test_request (server, "GET", "/api/v1/health", NULL, NULL, NULL);

  g_assert_cmpuint (health->status, ==, 200);
  return jb_test_json_int (health->body, "seq");
}

static void
count_cb (JbStore *store,
          guint   *count)
{
  (*count)++;
}

/* A raw stream that checks every seq frame follows the one before. */
typedef struct
{
  JbTestEvents *events;
  gint64        last;
  guint         frames;
} Raw;

static void
raw_drain (Raw *raw)
{
  JsonNode *frame;

  while ((frame = jb_test_events_next (raw->events, 0)) != NULL)
    {
      gint64 seq = jb_test_json_int (frame, "seq");

      /* seq 0 is resync_required: never for a reader that keeps up. */
      g_assert_cmpstr (jb_test_json_string (frame, "type"), !=, "resync_required");
      if (raw->last >= 0)
        g_assert_cmpint (seq, ==, raw->last + 1);
      raw->last = seq;
      raw->frames++;
      json_node_unref (frame);
    }
  g_assert_false (jb_test_events_is_closed (raw->events));
}

typedef struct
{
  Raw     *raw;
  gint64   seq;
} RawWait;

static gboolean
raw_reached (gpointer data)
{
  RawWait *w = data;

  raw_drain (w->raw);
  return w->raw->last >= w->seq;
}

static gboolean
not_live (gpointer data)
{
  return jb_client_get_state (data) != JB_CONNECTION_STATE_LIVE;
}

typedef struct
{
  JbClient *client;
  Raw      *raw;
  gint64    seq;
} CaughtUp;

static gboolean
caught_up (gpointer data)
{
  CaughtUp *w = data;

  if (w->raw != NULL)
    raw_drain (w->raw);
  return jb_test_client_is_live (w->client) &&
         jb_store_get_seq (jb_client_get_store (w->client)) >= w->seq;
}

/* Events at ~10 a second and positions at up to 20,000 a second: a raw
 * reader and a client core on the server, another core behind a slow link
 * that is cut every CUT_EVERY seqs. None may see a gap or reload. */
static void
test_flood_no_gap (void)
{
  g_autoptr(JbTestServer) server = jb_test_server_start (flood_args);
  g_autoptr(JbTestProxy) proxy = jb_test_proxy_new (jb_test_server_get_url (server));
  g_autoptr(JbClient) direct = jb_test_client_new_signed_in (server, "dispatcher", "demo");
  g_autoptr(JbClient) slow = jb_client_new (jb_test_proxy_get_url (proxy));
  g_autofree char *auth = jb_test_login (server, "wall", "demo");
  guint direct_snapshots = 0, slow_snapshots = 0;
  Raw raw = { NULL, -1, 0 };
  gint64 start;

  g_signal_connect (jb_client_get_store (direct), "snapshot-loaded", G_CALLBACK (count_cb), &direct_snapshots);
  g_signal_connect (jb_client_get_store (slow), "snapshot-loaded", G_CALLBACK (count_cb), &slow_snapshots);
  jb_test_client_sign_in (slow, "dispatcher", "demo");
  jb_test_client_start_live (direct, 4 * WAIT_MS);
  jb_test_client_start_live (slow, 4 * WAIT_MS);
  jb_test_proxy_throttle (proxy, SLOW_LINK_BYTES_PER_S);
  raw.events = jb_test_events_connect (server, auth, -1, NULL);
  g_assert_nonnull (raw.events);

  start = server_seq (server);
  for (gint64 cut_at = start + CUT_EVERY; cut_at <= start + FLOOD_EVENTS; cut_at += CUT_EVERY)
    {
      RawWait until = { &raw, cut_at };

      g_assert_true (jb_test_wait_for (raw_reached, &until, 4 * WAIT_MS));
      /* The slow client's link goes down; it comes back with since=. */
      jb_test_proxy_cut (proxy);
      g_assert_true (jb_test_wait_for (not_live, slow, WAIT_MS));
      jb_test_proxy_heal (proxy);
      jb_test_proxy_throttle (proxy, SLOW_LINK_BYTES_PER_S);
    }

  {
    CaughtUp direct_up = { direct, &raw, server_seq (server) };
    CaughtUp slow_up = { slow, &raw, direct_up.seq };

    g_assert_true (jb_test_wait_for (caught_up, &direct_up, 4 * WAIT_MS));
    g_assert_true (jb_test_wait_for (caught_up, &slow_up, 8 * WAIT_MS));
  }

  /* The flood really flowed: positions reached both clients. */
  g_assert_cmpuint (jb_store_get_n_moves (jb_client_get_store (direct)), >, 0);
  g_assert_cmpuint (jb_store_get_n_moves (jb_client_get_store (slow)), >, 0);
  g_assert_cmpuint (raw.frames, >=, FLOOD_EVENTS);
  g_test_message ("raw stream: %u events in order; slow client: %u reconnects",
                  raw.frames, jb_client_get_reconnect_count (slow));

  g_assert_cmpuint (jb_client_get_gap_count (direct), ==, 0);
  g_assert_cmpuint (jb_client_get_gap_count (slow), ==, 0);
  g_assert_cmpuint (jb_client_get_reconnect_count (slow), >=, FLOOD_EVENTS / CUT_EVERY);
  /* One snapshot each: every reconnect resumed with since=. */
  g_assert_cmpuint (direct_snapshots, ==, 1);
  g_assert_cmpuint (slow_snapshots, ==, 1);

  jb_test_events_free (raw.events);
  jb_client_stop (direct);
  jb_client_stop (slow);
}

typedef struct
{
  JbTestServer *server;
  gint64        seq;
} Pruned;

static gboolean
pruned_past (gpointer data)
{
  Pruned *w = data;

  return jb_test_server_query_int (w->server, "SELECT min(seq) FROM events") > w->seq;
}

/* The other half of the promise: a client away for longer than the
 * retention is told to reload (resync_required), reloads once, and is
 * current again. The retention is a few seconds of events: longer than a
 * reload takes, or the reload itself would fall behind it. */
static void
test_flood_behind_retention (void)
{
  static const char * const args[] = {
    "--demo", "--demo-extra-units", "2000", "--simulate", "--sim-rate", "1",
    "--sim-moving-fraction", "1", "--sim-alarms-per-min", "600",
    "--event-retention", "60", "--maintenance-ms", "100", NULL
  };
  g_autoptr(JbTestServer) server = jb_test_server_start (args);
  g_autoptr(JbTestProxy) proxy = jb_test_proxy_new (jb_test_server_get_url (server));
  g_autoptr(JbClient) client = jb_client_new (jb_test_proxy_get_url (proxy));
  guint snapshots = 0;
  gint64 away_at;

  g_signal_connect (jb_client_get_store (client), "snapshot-loaded", G_CALLBACK (count_cb), &snapshots);
  jb_test_client_sign_in (client, "dispatcher", "demo");
  jb_test_client_start_live (client, 4 * WAIT_MS);
  g_assert_cmpuint (snapshots, ==, 1);

  jb_test_proxy_cut (proxy);
  g_assert_true (jb_test_wait_for (not_live, client, WAIT_MS));
  away_at = jb_store_get_seq (jb_client_get_store (client));
  /* Away until its past is pruned: the oldest event kept is past it. */
  {
    Pruned pruned = { server, away_at + 1 };

    g_assert_true (jb_test_wait_for (pruned_past, &pruned, 4 * WAIT_MS));
  }
  jb_test_proxy_heal (proxy);

  {
    CaughtUp up = { client, NULL, server_seq (server) };

    g_assert_true (jb_test_wait_for (caught_up, &up, 8 * WAIT_MS));
  }
  g_assert_cmpuint (snapshots, ==, 2);
  g_assert_cmpuint (jb_client_get_gap_count (client), ==, 0);
  jb_client_stop (client);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/flood/no-gap", test_flood_no_gap);
  g_test_add_func ("/core/flood/behind-retention", test_flood_behind_retention);

  return g_test_run ();
}
