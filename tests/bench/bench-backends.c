/* bench-backends.c — the same position flood on SQLite, on PostgreSQL with
 * one server and with two servers, side by side in one run
 *
 * Each configuration: a fresh database, the demo city with extra units all
 * moving at 1 Hz (the simulator, in one server only), a stream on that
 * server counting the position items it delivers, and a dispatcher's
 * thread POSTing an incident every 100 ms (on the second server when there
 * are two). It prints positions/s delivered, the dispatch servers' CPU per
 * position (their utime + stime; the PostgreSQL processes not included),
 * incident POST p50/p99 under the flood with where the time went (the
 * server's Server-Timing header: its wait for the writer lock, its
 * handling in all; the rest is the wait before its main loop took the
 * request up, and the trip), and the replay rate: the whole event log read
 * back through /api/v1/events?since=0 after the run.
 *
 *   JB_BENCH_SECONDS=N     seconds of flood per configuration (default 20)
 *   JB_BENCH_UNITS=N       extra moving units (default 20000)
 *   JB_BENCH_POST_MS=N     period of the incident POSTs (default 100)
 *   JB_BENCH_ONLY=KEYS     the configurations to run, of sqlite,pg1,pg2 (default all)
 *   JB_BENCH_DISPATCHD=F   another jingbao-dispatchd binary to measure (another
 *                          build's, to compare before and after in one sitting)
 *
 * PostgreSQL is the tests' private cluster (jb-test-postgres.h: fsync and
 * synchronous_commit off), SQLite a file in /tmp: both without the cost of
 * durable disk writes, so the figures compare the engines, not the disks.
 *
 *   meson test -C build --benchmark bench-backends -v
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jb-test-bench.h"

/* utime + stime of @pid, in seconds. */
static double
cpu_seconds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  const char *p;
  unsigned long utime, stime;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (p = strrchr (text, ')')) == NULL)
    return 0;
  /* After the command name: state is field 3, utime 14, stime 15. */
  if (sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
    return 0;
  return (double) (utime + stime) / sysconf (_SC_CLK_TCK);
}

/* utime + stime of every PostgreSQL process on this machine (the tests'
 * clusters), in seconds: what the database spends on the flood. */
static double
postgres_cpu_seconds (void)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  double total = 0;

  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%s/comm", name);
      g_autofree char *comm = NULL;

      if (g_ascii_isdigit (name[0]) && g_file_get_contents (path, &comm, NULL, NULL) &&
          g_str_equal (g_strchomp (comm), "postgres"))
        total += cpu_seconds ((GPid) atoi (name));
    }
  return total;
}

/* The scheduler's account of @pid's main thread: time run and time
 * waited runnable on a run queue (ns), and how many times it ran. */
typedef struct
{
  guint64 run_ns, wait_ns, slices;
} Sched;

static Sched
sched_stat (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/task/%d/schedstat", (int) pid, (int) pid);
  g_autofree char *text = NULL;
  Sched sched = { 0 };

  if (g_file_get_contents (path, &text, NULL, NULL))
    sscanf (text, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
            &sched.run_ns, &sched.wait_ns, &sched.slices);
  return sched;
}

typedef struct
{
  const char *name;
  double      positions_per_s;
  double      cpu_us_per_position;
  double      db_cpu_us_per_position;  /* PostgreSQL's processes */
  double      p50_ms, p99_ms;
  double      lock_p99_ms, handle_p99_ms, rest_p99_ms;  /* each part's own p99 */
  double      slow_lock_ms, slow_handle_ms, slow_rest_ms; /* the slowest 5 %: mean of each part */
  gboolean    timed;   /* the server answered with Server-Timing */
  double      posted_wait_share;   /* the POSTed server's main thread: waited runnable / wall time */
  double      posted_wait_per_run_ms; /* … per time it ran */
  guint       posts, failures;
  double      replay_per_s;
  gint64      replayed;
} Result;

static double
percentile_ms (GArray *us,
               double  fraction)
{
  g_autoptr(GArray) sorted = g_array_copy (us);

  g_array_sort (sorted, jb_test_compare_int64);
  return sorted->len > 0 ? g_array_index (sorted, gint64, MIN ((guint) (sorted->len * fraction), sorted->len - 1)) / 1e3 : 0;
}

typedef struct
{
  gint64 total, lock, handle;
} Post;

static int
compare_posts (gconstpointer a,
               gconstpointer b)
{
  gint64 x = ((const Post *) a)->total, y = ((const Post *) b)->total;

  return x < y ? -1 : x > y;
}

/* Where the POSTs' time went: each part's p99, and the mean of each part
 * over the slowest 5 % (the tail). "rest" is the latency less the
 * server's handling: the wait before the main loop took the request up,
 * and the trip. */
static void
breakdown (JbTestPoster *poster,
           Result *result)
{
  g_autoptr(GArray) lock = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) handle = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) rest = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) posts = g_array_new (FALSE, FALSE, sizeof (Post));
  guint n_slow;

  for (guint i = 0; i < poster->latency_us->len; i++)
    {
      Post post = { g_array_index (poster->latency_us, gint64, i), g_array_index (poster->lock_us, gint64, i),
                    g_array_index (poster->handle_us, gint64, i) };
      gint64 other;

      /* A server without the header: no breakdown. */
      if (post.lock < 0 || post.handle < 0)
        return;
      other = post.total - post.handle;
      g_array_append_val (lock, post.lock);
      g_array_append_val (handle, post.handle);
      g_array_append_val (rest, other);
      g_array_append_val (posts, post);
    }
  if (posts->len == 0)
    return;
  result->timed = TRUE;
  result->lock_p99_ms = percentile_ms (lock, 0.99);
  result->handle_p99_ms = percentile_ms (handle, 0.99);
  result->rest_p99_ms = percentile_ms (rest, 0.99);
  g_array_sort (posts, compare_posts);
  n_slow = MAX (posts->len / 20, 1);
  for (guint i = posts->len - n_slow; i < posts->len; i++)
    {
      Post *post = &g_array_index (posts, Post, i);

      result->slow_lock_ms += post->lock / 1e3 / n_slow;
      result->slow_handle_ms += (post->handle - post->lock) / 1e3 / n_slow;
      result->slow_rest_ms += (post->total - post->handle) / 1e3 / n_slow;
    }
}

static void
run (const char *name,
     gboolean    postgresql,
     guint       n_servers,
     const char *units,
     guint       seconds,
     guint       post_ms,
     Result     *result)
{
  const char *args[] = { "--demo", "--demo-extra-units", units, "--simulate", "--sim-rate", "1",
                         "--sim-moving-fraction", "1", "--sim-alarms-per-min", "600", NULL };
  JbTestServer *a, *b = NULL;
  g_autofree char *auth = NULL;
  g_autoptr(JbTestEvents) events = NULL;
  g_autoptr(JbTestEvents) replay = NULL;
  JbTestPoster poster = { 0 };
  GThread *thread;
  guint64 positions = 0;
  double cpu_start, cpu_end, db_cpu_start, db_cpu_end;
  Sched sched_start, sched_end;
  gint64 start, end, seq_end, replay_start, last_seq = 0;

  if (postgresql)
    g_setenv ("JB_TEST_BACKEND", "postgresql", TRUE);
  else
    g_unsetenv ("JB_TEST_BACKEND");
  a = jb_test_server_start (args);
  if (n_servers > 1)
    b = jb_test_server_start_sibling (a, NULL);
  auth = jb_test_login (a, "dispatcher", "demo");
  events = jb_test_events_connect (a, auth, -1, NULL);
  g_assert_nonnull (events);

  /* Let the simulator reach its pace. */
  for (gint64 settle = g_get_monotonic_time () + 5 * G_USEC_PER_SEC; g_get_monotonic_time () < settle;)
    {
      g_autoptr(JsonNode) frame = jb_test_events_next_positions (events, 100);
    }

  poster.url = g_strdup_printf ("%s/api/v1/incidents", jb_test_server_get_url (b != NULL ? b : a));
  poster.authorization = auth;
  poster.latency_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  poster.lock_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  poster.handle_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  poster.period_ms = post_ms;
  sched_start = sched_stat (jb_test_server_get_pid (b != NULL ? b : a));
  cpu_start = cpu_seconds (jb_test_server_get_pid (a)) + (b != NULL ? cpu_seconds (jb_test_server_get_pid (b)) : 0);
  db_cpu_start = postgres_cpu_seconds ();
  start = g_get_monotonic_time ();
  thread = g_thread_new ("bench-incidents", jb_test_post_incidents_thread, &poster);
  while ((end = g_get_monotonic_time ()) < start + (gint64) seconds * G_USEC_PER_SEC)
    {
      g_autoptr(JsonNode) frame = jb_test_events_next_positions (events, 100);

      if (frame != NULL)
        positions += json_array_get_length (json_node_get_array (jb_test_json_get (frame, "data.items")));
    }
  sched_end = sched_stat (jb_test_server_get_pid (b != NULL ? b : a));
  cpu_end = cpu_seconds (jb_test_server_get_pid (a)) + (b != NULL ? cpu_seconds (jb_test_server_get_pid (b)) : 0);
  db_cpu_end = postgres_cpu_seconds ();
  g_atomic_int_set (&poster.stop, 1);
  g_thread_join (thread);

  result->name = name;
  result->positions_per_s = positions / ((end - start) / 1e6);
  result->cpu_us_per_position = positions > 0 ? (cpu_end - cpu_start) * 1e6 / positions : 0;
  /* A backend that ends meanwhile takes its time with it: at least. */
  result->db_cpu_us_per_position = positions > 0 ? MAX (db_cpu_end - db_cpu_start, 0) * 1e6 / positions : 0;
  breakdown (&poster, result);
  result->posted_wait_share = (sched_end.wait_ns - sched_start.wait_ns) / 1e3 / (double) (end - start);
  result->posted_wait_per_run_ms = (sched_end.wait_ns - sched_start.wait_ns) / 1e6 /
                                   MAX (sched_end.slices - sched_start.slices, 1);
  g_array_sort (poster.latency_us, jb_test_compare_int64);
  result->posts = poster.latency_us->len;
  result->failures = poster.failures;
  if (poster.latency_us->len > 0)
    {
      result->p50_ms = g_array_index (poster.latency_us, gint64, poster.latency_us->len / 2) / 1e3;
      result->p99_ms = g_array_index (poster.latency_us, gint64, (guint) (poster.latency_us->len * 0.99)) / 1e3;
    }
  /* A run that delivered nothing or acknowledged nothing measured nothing. */
  g_assert_cmpuint (positions, >, 0);
  g_assert_cmpuint (poster.latency_us->len, >, 0);

  /* Replay: the whole log from seq 0, as a client that was away. */
  g_clear_pointer (&events, jb_test_events_free);
  seq_end = jb_test_server_seq (a, auth);
  replay_start = g_get_monotonic_time ();
  replay = jb_test_events_connect (b != NULL ? b : a, auth, 0, NULL);
  g_assert_nonnull (replay);
  while (last_seq < seq_end)
    {
      g_autoptr(JsonNode) frame = jb_test_events_next (replay, 30000);
      JsonNode *seq;

      g_assert_nonnull (frame);
      seq = jb_test_json_get (frame, "seq");
      if (seq != NULL)
        last_seq = json_node_get_int (seq);
    }
  result->replayed = seq_end;
  result->replay_per_s = seq_end / ((g_get_monotonic_time () - replay_start) / 1e6);

  printf ("%-22s %8.0f positions/s  %5.1f µs CPU/position  POST p50 %6.1f ms p99 %6.1f ms"
          " (%u, %u failed)  replay %8.0f events/s (%" G_GINT64_FORMAT ")\n",
          name, result->positions_per_s, result->cpu_us_per_position, result->p50_ms, result->p99_ms,
          result->posts, result->failures, result->replay_per_s, result->replayed);
  if (result->timed)
    printf ("%-22s POST parts, p99 of each: writer lock %.1f ms, server in all %.1f ms, before and after %.1f ms;"
            " slowest 5 %%: lock %.1f + rest of the server %.1f + before and after %.1f ms\n",
            "", result->lock_p99_ms, result->handle_p99_ms, result->rest_p99_ms,
            result->slow_lock_ms, result->slow_handle_ms, result->slow_rest_ms);
  if (postgresql)
    printf ("%-22s PostgreSQL's processes: %.1f µs CPU/position\n", "", result->db_cpu_us_per_position);
  printf ("%-22s the POSTed server's main thread waited runnable for a CPU %.1f %% of the time,"
          " %.2f ms each time it ran\n", "", result->posted_wait_share * 100, result->posted_wait_per_run_ms);
  fflush (stdout);

  g_clear_pointer (&replay, jb_test_events_free);
  g_clear_pointer (&b, jb_test_server_free);
  jb_test_server_free (a);
  g_array_unref (poster.latency_us);
  g_array_unref (poster.lock_us);
  g_array_unref (poster.handle_us);
  g_free (poster.url);
}

static void
quiet_log (const char     *domain,
           GLogLevelFlags  level,
           const char     *message,
           gpointer        user_data)
{
  if ((level & G_LOG_LEVEL_DEBUG) == 0)
    g_log_default_handler (domain, level, message, user_data);
}

int
main (int   argc,
      char *argv[])
{
  const char *seconds_env = g_getenv ("JB_BENCH_SECONDS");
  const char *units_env = g_getenv ("JB_BENCH_UNITS");
  guint seconds = seconds_env != NULL ? (guint) atoi (seconds_env) : 20;
  const char *units = units_env != NULL ? units_env : "20000";
  const char *post_env = g_getenv ("JB_BENCH_POST_MS");
  guint post_ms = post_env != NULL ? (guint) atoi (post_env) : 100;
  const char *only = g_getenv ("JB_BENCH_ONLY");
  static const struct { const char *key, *name; gboolean postgresql; guint n_servers; } configs[] = {
    { "sqlite", "SQLite, 1 server", FALSE, 1 },
    { "pg1", "PostgreSQL, 1 server", TRUE, 1 },
    { "pg2", "PostgreSQL, 2 servers", TRUE, 2 },
  };
  Result results[3] = { 0 };

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("JB_BENCH_DISPATCHD") != NULL)
    g_setenv ("JB_DISPATCHD", g_getenv ("JB_BENCH_DISPATCHD"), TRUE);
  /* The test framework prints debug messages: a line per frame would cost
   * the client the CPU the servers need. */
  g_log_set_default_handler (quiet_log, NULL);
  printf ("%s extra units at 1 Hz, simulated alarms 10/s, incident POST every %u ms, %u s each\n",
          units, post_ms, seconds);
  for (guint i = 0; i < G_N_ELEMENTS (configs); i++)
    if (only == NULL || strstr (only, configs[i].key) != NULL)
      run (configs[i].name, configs[i].postgresql, configs[i].n_servers, units, seconds, post_ms, &results[i]);

  printf ("\n| backend | positions/s | server CPU µs/position | incident POST p50 | p99 | lock wait p99 | POSTs | replay events/s |\n"
          "|---|---|---|---|---|---|---|---|\n");
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    if (results[i].name != NULL)
      printf ("| %s | %.0f | %.1f | %.1f ms | %.1f ms | %.1f ms | %u | %.0f |\n", results[i].name,
              results[i].positions_per_s, results[i].cpu_us_per_position, results[i].p50_ms,
              results[i].p99_ms, results[i].lock_p99_ms, results[i].posts, results[i].replay_per_s);
  if (results[0].name != NULL && results[2].name != NULL)
    printf ("ratio PostgreSQL 2 servers / SQLite: positions/s %.2f, POST p99 %.2f\n",
            results[2].positions_per_s / MAX (results[0].positions_per_s, 1),
            results[2].p99_ms / MAX (results[0].p99_ms, 0.001));
  return 0;
}
