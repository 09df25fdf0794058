/* bench-login-flood.c — what a login flood does to everyone else
 *
 * Starts the real jingbao-dispatchd twice: with password checks on the
 * main loop (--login-threads 0, how the server was before) and on its
 * worker pool (the default). Each time, 60 clients log in over and over
 * for a few seconds while a probe asks GET /api/v1/config every 20 ms;
 * prints the probe's latency (p50, p99, max) quiet and under the flood,
 * logins per second, and the before/after ratio. Then, on the default
 * server, the time of a wrong password for a real account against an
 * unknown account (the username oracle), and what 60 guessers get.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <string.h>

#include "jb-test-server.h"

#define FLOODERS     60
#define FLOOD_S      4
#define PROBE_MS     20

typedef struct
{
  JbTestServer *server;
  SoupSession  *flood_session;
  SoupSession  *probe_session;
  char         *login_url;
  char         *probe_url;
  char         *bearer;
  const char   *body;          /* the flooders' login */
  gint64        until;
  guint         logins;
  guint         statuses[600];
  guint         in_flight;
  GArray       *latencies;     /* double, ms */
  gboolean      probing;
} Flood;

static void flood_send (Flood *flood);

static void
flood_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Flood *flood = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  guint status = msg != NULL ? soup_message_get_status (msg) : 0;

  flood->in_flight--;
  flood->logins++;
  flood->statuses[MIN (status, 599u)]++;
  if (g_get_monotonic_time () < flood->until)
    flood_send (flood);
}

static void
flood_send (Flood *flood)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", flood->login_url);
  g_autoptr(GBytes) body = g_bytes_new_static (flood->body, strlen (flood->body));

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  flood->in_flight++;
  soup_session_send_and_read_async (flood->flood_session, msg, G_PRIORITY_DEFAULT, NULL, flood_done_cb, flood);
}

typedef struct
{
  Flood  *flood;
  gint64  sent;
} Probe;

static void
probe_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  double ms = (g_get_monotonic_time () - probe->sent) / 1000.0;

  if (bytes != NULL)
    g_array_append_val (probe->flood->latencies, ms);
  probe->flood->probing = FALSE;
  g_free (probe);
}

static gboolean
probe_cb (gpointer user_data)
{
  Flood *flood = user_data;
  g_autoptr(SoupMessage) msg = NULL;
  Probe *probe;

  if (flood->probing)
    return G_SOURCE_CONTINUE;  /* one at a time: a stalled answer counts once, whole */
  msg = soup_message_new ("GET", flood->probe_url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", flood->bearer);
  probe = g_new0 (Probe, 1);
  probe->flood = flood;
  probe->sent = g_get_monotonic_time ();
  flood->probing = TRUE;
  soup_session_send_and_read_async (flood->probe_session, msg, G_PRIORITY_HIGH, NULL, probe_done_cb, probe);
  return G_SOURCE_CONTINUE;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values,
            double  p)
{
  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, MIN ((guint) (p * values->len), values->len - 1));
}

typedef struct
{
  double quiet_p50, quiet_p99, quiet_max;
  double flood_p50, flood_p99, flood_max;
  double logins_per_s;
} Figures;

/* Probes for @seconds with @flooders sending @body. */
static void
run_phase (Flood      *flood,
           guint       flooders,
           const char *body,
           guint       seconds)
{
  guint probe_id;

  flood->body = body;
  flood->logins = 0;
  memset (flood->statuses, 0, sizeof flood->statuses);
  g_array_set_size (flood->latencies, 0);
  flood->until = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  for (guint i = 0; i < flooders; i++)
    flood_send (flood);
  probe_id = g_timeout_add (PROBE_MS, probe_cb, flood);
  while (g_get_monotonic_time () < flood->until || flood->in_flight > 0 || flood->probing)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (probe_id);
}

static Flood *
flood_new (const char * const *args)
{
  Flood *flood = g_new0 (Flood, 1);

  flood->server = jb_test_server_start (args);
  flood->flood_session = soup_session_new_with_options ("max-conns", 128, "max-conns-per-host", 128,
                                                        "timeout", 120, NULL);
  flood->probe_session = soup_session_new_with_options ("timeout", 120, NULL);
  flood->login_url = g_strconcat (jb_test_server_get_url (flood->server), "/api/v1/session", NULL);
  flood->probe_url = g_strconcat (jb_test_server_get_url (flood->server), "/api/v1/config", NULL);
  flood->bearer = jb_test_login (flood->server, "dispatcher", "demo");
  flood->latencies = g_array_new (FALSE, FALSE, sizeof (double));
  return flood;
}

static void
flood_free (Flood *flood)
{
  g_object_unref (flood->flood_session);
  g_object_unref (flood->probe_session);
  jb_test_server_free (flood->server);
  g_free (flood->login_url);
  g_free (flood->probe_url);
  g_free (flood->bearer);
  g_array_unref (flood->latencies);
  g_free (flood);
}

static const char *right = "{\"username\":\"wall\",\"password\":\"demo\"}";

static Figures
measure (const char *label,
         const char *threads)
{
  const char *args[] = { "--demo", "--demo-guards", "50", "--login-max-failures", "0",
                         "--login-max-failures-address", "0", threads != NULL ? "--login-threads" : NULL,
                         threads, NULL };
  Flood *flood = flood_new (args);
  Figures f;

  run_phase (flood, 0, right, 2);
  f.quiet_p50 = percentile (flood->latencies, 0.5);
  f.quiet_p99 = percentile (flood->latencies, 0.99);
  f.quiet_max = percentile (flood->latencies, 1.0);
  run_phase (flood, FLOODERS, right, FLOOD_S);
  f.flood_p50 = percentile (flood->latencies, 0.5);
  f.flood_p99 = percentile (flood->latencies, 0.99);
  f.flood_max = percentile (flood->latencies, 1.0);
  f.logins_per_s = (double) flood->statuses[201] / FLOOD_S;
  g_print ("%-32s quiet p50 %5.1f p99 %5.1f max %5.1f ms | %d clients logging in: p50 %7.1f p99 %7.1f max %7.1f ms"
           " (%u probes); %.1f logins/s (%u × 201, %u × 503, %u failed)\n",
           label, f.quiet_p50, f.quiet_p99, f.quiet_max, FLOODERS, f.flood_p50, f.flood_p99, f.flood_max,
           flood->latencies->len, f.logins_per_s, flood->statuses[201], flood->statuses[503], flood->statuses[0]);
  flood_free (flood);
  return f;
}

static double
median_login_ms (Flood      *flood,
                 const char *body,
                 guint       n)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < n; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autofree char *url = g_strdup (flood->login_url);
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
      g_autoptr(GBytes) request = g_bytes_new_static (body, strlen (body));
      g_autoptr(GBytes) answer = NULL;
      double ms;

      soup_message_set_request_body_from_bytes (msg, "application/json", request);
      answer = soup_session_send_and_read (flood->probe_session, msg, NULL, NULL);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_assert_cmpuint (soup_message_get_status (msg), ==, 401);
      g_array_append_val (times, ms);
    }
  return percentile (times, 0.5);
}

int
main (int    argc,
      char **argv)
{
  Figures before, after;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_print ("bench-login-flood: GET /api/v1/config latency while %d clients log in for %d s\n", FLOODERS, FLOOD_S);
  before = measure ("before (hash on the main loop)", "0");
  after = measure ("after (hashing workers)", NULL);
  g_print ("ratio before/after under the flood: p99 %.1fx, max %.1fx; flood p99 after: %.1f ms (target < 100 ms)\n",
           before.flood_p99 / MAX (after.flood_p99, 0.001), before.flood_max / MAX (after.flood_max, 0.001),
           after.flood_p99);

  /* The username oracle, and guessers against the default limits. */
  {
    static const char *args[] = { "--demo", "--demo-guards", "50", "--login-max-failures", "0",
                                  "--login-max-failures-address", "0", "--login-delay-ms", "0", NULL };
    static const char *limited[] = { "--demo", "--demo-guards", "50", NULL };
    Flood *flood = flood_new (args);
    double known = median_login_ms (flood, "{\"username\":\"wall\",\"password\":\"wrong\"}", 15);
    double unknown = median_login_ms (flood, "{\"username\":\"no-such-user\",\"password\":\"wrong\"}", 15);

    g_print ("wrong password, real account: median %.1f ms; unknown account: median %.1f ms (ratio %.2f)\n",
             known, unknown, known / MAX (unknown, 0.001));
    flood_free (flood);

    flood = flood_new (limited);
    run_phase (flood, FLOODERS, "{\"username\":\"wall\",\"password\":\"guess\"}", FLOOD_S);
    g_print ("%d guessers for %d s with the default limits: %u answers: %u × 401, %u × 429, %u × 503,"
             " %u failed; probe p99 %.1f ms\n", FLOODERS, FLOOD_S, flood->logins, flood->statuses[401],
             flood->statuses[429], flood->statuses[503], flood->statuses[0], percentile (flood->latencies, 0.99));
    flood_free (flood);
  }
  return 0;
}
