/* main.c — jingbao-dispatchd, the reference dispatch server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jingbao-dispatchd"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <sys/resource.h>

#include "jb-demo.h"
#include "jb-dispatch.h"
#include "jb-http.h"
#include "jb-simulator.h"
#include "jb-sql.h"

typedef struct
{
  char     *db_path;
  char     *listen;
  char     *tiles;
  gboolean  demo;
  gboolean  simulate;
  gint      target_guard;
  gint      target_police;
  gint      target_reinforce;
  gint64    event_retention;
  gint      patrol_silence;
  gint      maintenance_ms;
  gint      tail_ms;
  gint      position_flush_ms;
  gint      demo_guards;
  gint      demo_extra_units;
  double    sim_rate;
  double    sim_alarms_per_min;
  double    sim_moving_fraction;
  double    sim_heartbeat;
  double    sim_handle;
  gint64    seed;
  char     *data_dir;
  gint64    clip_max_size;
  gint64    clip_abandon_after;
  gint64    clip_retention_days;
  gint64    clip_sweep_interval;
  gboolean  version;
  gint      login_threads;
  gint      login_max_failures;
  gint      login_max_failures_address;
  gint      login_lockout;
  gint      login_delay_ms;
  gint      idle_timeout;
  gint      request_timeout;
  gint      max_connections_per_address;
  char     *tls_cert;
  char     *tls_key;
} Options;

static void
options_clear (Options *options)
{
  g_clear_pointer (&options->db_path, g_free);
  g_clear_pointer (&options->listen, g_free);
  g_clear_pointer (&options->data_dir, g_free);
  g_clear_pointer (&options->tls_cert, g_free);
  g_clear_pointer (&options->tls_key, g_free);
  g_clear_pointer (&options->tiles, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

static int
usage_error (const char *message)
{
  g_printerr ("jingbao-dispatchd: %s\n", message);
  g_printerr ("Run 'jingbao-dispatchd --help' for the options.\n");
  return 2;
}

static gboolean
parse_options (Options   *options,
               int       *argc,
               char    ***argv,
               GError   **error)
{
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &options->db_path, "SQLite file (created if missing), or a PostgreSQL postgresql:// URI or key=value target", "TARGET" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &options->listen, "Address to listen on (default 127.0.0.1:8080; port 0 picks one)", "HOST:PORT" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &options->demo, "Load the demo city into an empty database", NULL },
    { "simulate", 0, 0, G_OPTION_ARG_NONE, &options->simulate, "Drive the demo city through the device API", NULL },
    { "target-guard", 0, 0, G_OPTION_ARG_INT, &options->target_guard, "Guard on-scene target (default 60)", "S" },
    { "target-police", 0, 0, G_OPTION_ARG_INT, &options->target_police, "Police on-scene target (default 180)", "S" },
    { "target-reinforce", 0, 0, G_OPTION_ARG_INT, &options->target_reinforce, "Reinforcement target (default 300)", "S" },
    { "event-retention", 0, 0, G_OPTION_ARG_INT64, &options->event_retention, "Events kept (default 1000000)", "N" },
    { "position-flush-ms", 0, 0, G_OPTION_ARG_INT, &options->position_flush_ms, "Write accepted position fixes to the database at least this often, 10 to 1000 (default 1000): what a crash can lose", "MS" },
    { "patrol-silence", 0, 0, G_OPTION_ARG_INT, &options->patrol_silence, "A patrolling grid member without a position fix for this long raises an alert; 0: never (default 600)", "S" },
    { "maintenance-ms", 0, 0, G_OPTION_ARG_INT, &options->maintenance_ms, "Period of the last-seen flush and of the duties (liveness, patrol silence, pruning), 100 to 60000 ms; the duty lease lasts three periods (default 5000)", "MS" },
    { "tail-ms", 0, 0, G_OPTION_ARG_INT, &options->tail_ms, "How often the event log is read for what other servers on the database committed, 10 to 5000 ms (default 50)", "MS" },
    { "demo-guards", 0, 0, G_OPTION_ARG_INT, &options->demo_guards, "Guards in the demo city (default 2000)", "N" },
    { "demo-extra-units", 0, 0, G_OPTION_ARG_INT, &options->demo_extra_units, "Extra moving units for load tests (default 0)", "N" },
    { "sim-rate", 0, 0, G_OPTION_ARG_DOUBLE, &options->sim_rate, "Position reports per moving unit per second", "HZ" },
    { "sim-alarms-per-min", 0, 0, G_OPTION_ARG_DOUBLE, &options->sim_alarms_per_min, "Simulated one-click alarms per minute", "X" },
    { "sim-moving-fraction", 0, 0, G_OPTION_ARG_DOUBLE, &options->sim_moving_fraction, "Share of the units that move, 0 to 1 (default 0.3)", "X" },
    { "sim-handle", 0, 0, G_OPTION_ARG_DOUBLE, &options->sim_handle, "A simulated dispatcher acknowledges each incident within a minute, sends the nearest free unit and closes it about S seconds after it came (0: nobody does, the default)", "S" },
    { "sim-heartbeat", 0, 0, G_OPTION_ARG_DOUBLE, &options->sim_heartbeat, "Simulated terminals' heartbeat period in seconds, 1 to 3600 (default 60)", "S" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &options->seed, "Seed of the demo city and the simulator", "N" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &options->data_dir, "Where clip files live (default: <db>.data beside the database)", "DIR" },
    { "clip-max-size", 0, 0, G_OPTION_ARG_INT64, &options->clip_max_size, "Largest clip accepted, in bytes (default 536870912)", "BYTES" },
    { "clip-abandon-after", 0, 0, G_OPTION_ARG_INT64, &options->clip_abandon_after, "An upload idle this long is removed (default 86400)", "S" },
    { "clip-retention-days", 0, 0, G_OPTION_ARG_INT64, &options->clip_retention_days, "Days a verified clip is kept (default 183, the least for evidence)", "DAYS" },
    { "clip-sweep-interval", 0, 0, G_OPTION_ARG_INT64, &options->clip_sweep_interval, "Seconds between clip retention sweeps (default 3600)", "S" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &options->tls_cert, "Serve HTTPS with this PEM certificate (chain)", "PATH" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &options->tls_key, "The PEM private key of --tls-cert", "PATH" },
    { "login-threads", 0, 0, G_OPTION_ARG_INT, &options->login_threads, "Password-check worker threads, 1 to 64 (default half the cores, 1 to 4)", "N" },
    { "login-max-failures", 0, 0, G_OPTION_ARG_INT, &options->login_max_failures, "Failed logins per account before a lockout (default 10; 0: never)", "N" },
    { "login-max-failures-address", 0, 0, G_OPTION_ARG_INT, &options->login_max_failures_address, "Failed logins per client address before a lockout (default 30; 0: never)", "N" },
    { "login-lockout", 0, 0, G_OPTION_ARG_INT, &options->login_lockout, "Lockout after too many failed logins, 1 to 3600 s (default 60)", "S" },
    { "login-delay-ms", 0, 0, G_OPTION_ARG_INT, &options->login_delay_ms, "Delay of the first slowed failed login, doubling up to 2 s (default 250; 0: none)", "MS" },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &options->idle_timeout, "Close a connection that waits this long for its peer, 1 to 3600 s (default 30)", "S" },
    { "request-timeout", 0, 0, G_OPTION_ARG_INT, &options->request_timeout, "A request must arrive whole within this, 1 to 3600 s (default 20)", "S" },
    { "max-connections-per-address", 0, 0, G_OPTION_ARG_INT, &options->max_connections_per_address, "Open connections per client address (default 256; 0: no bound)", "N" },
    { "tiles", 0, 0, G_OPTION_ARG_FILENAME, &options->tiles, "Serve the basemap tiles of this MBTiles file", "FILE" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &options->version, "Print the version and exit", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— the Jingbao dispatch server");

  g_option_context_add_main_entries (context, entries, NULL);
  return g_option_context_parse (context, argc, argv, error);
}

static gboolean
split_listen (const char  *listen,
              char       **out_host,
              guint       *out_port)
{
  const char *colon = strrchr (listen, ':');
  guint64 port;

  if (colon == NULL || colon == listen ||
      !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    return FALSE;
  if (listen[0] == '[' && colon[-1] == ']')
    *out_host = g_strndup (listen + 1, (gsize) (colon - listen - 2));
  else
    *out_host = g_strndup (listen, (gsize) (colon - listen));
  *out_port = (guint) port;
  return TRUE;
}

/* Checks ranges; returns an error message or NULL. */
static const char *
check_options (const Options *options)
{
  if (options->db_path == NULL)
    return "--db PATH is required.";
  /* No file to keep the clips beside. */
  if (jb_sql_target_is_postgresql (options->db_path) && options->data_dir == NULL)
    return "--data-dir DIR is required with a PostgreSQL --db (clip files live on disk).";
  if (options->target_guard == 0 || options->target_police == 0 || options->target_reinforce == 0 ||
      options->target_guard < -1 || options->target_police < -1 || options->target_reinforce < -1)
    return "Response targets are positive numbers of seconds.";
  if (options->event_retention == 0 || options->event_retention < -1)
    return "--event-retention must be at least 1.";
  if (options->position_flush_ms != -1 && (options->position_flush_ms < 10 || options->position_flush_ms > 1000))
    return "--position-flush-ms is 10 to 1000 milliseconds.";
  if (options->patrol_silence < -1 || options->patrol_silence > 86400)
    return "--patrol-silence is 0 to 86400 seconds.";
  if (options->maintenance_ms != -1 && (options->maintenance_ms < 100 || options->maintenance_ms > 60000))
    return "--maintenance-ms is 100 to 60000.";
  if (options->tail_ms != -1 && (options->tail_ms < 10 || options->tail_ms > 5000))
    return "--tail-ms is 10 to 5000.";
  if (options->demo_guards < -1 || options->demo_extra_units < 0)
    return "--demo-guards and --demo-extra-units cannot be negative.";
  if (options->sim_rate < 0 || options->sim_alarms_per_min < 0)
    return "--sim-rate and --sim-alarms-per-min cannot be negative.";
  if (!(options->sim_handle >= 0 && options->sim_handle <= 86400))
    return "--sim-handle is 0 to 86400 seconds.";
  if (options->sim_moving_fraction != -1 &&
      !(options->sim_moving_fraction >= 0 && options->sim_moving_fraction <= 1))
    return "--sim-moving-fraction is 0 to 1.";
  if (options->sim_heartbeat != -1 && !(options->sim_heartbeat >= 1 && options->sim_heartbeat <= 3600))
    return "--sim-heartbeat is 1 to 3600 seconds.";
  if (options->seed < -1 || options->seed > G_MAXUINT32)
    return "--seed is 0 to 4294967295.";
  if (options->clip_max_size == 0 || options->clip_max_size < -1)
    return "--clip-max-size is at least 1 byte.";
  if (options->clip_abandon_after == 0 || options->clip_abandon_after < -1)
    return "--clip-abandon-after is at least 1 second.";
  if (options->clip_retention_days < -1 || options->clip_retention_days > 36500)
    return "--clip-retention-days is 0 to 36500.";
  if (options->clip_sweep_interval == 0 || options->clip_sweep_interval < -1 ||
      options->clip_sweep_interval > 86400 * 7)
    return "--clip-sweep-interval is 1 to 604800 seconds.";
  if (options->simulate && !options->demo)
    return "--simulate drives the demo city: add --demo.";
  if ((options->tls_cert == NULL) != (options->tls_key == NULL))
    return "--tls-cert and --tls-key go together.";
  /* --login-threads 0 hashes on the main loop: for benchmarks only. */
  if (options->login_threads < -1 || options->login_threads > 64)
    return "--login-threads is 1 to 64.";
  if (options->login_max_failures < -1 || options->login_max_failures_address < -1 ||
      options->login_delay_ms < -1 || options->max_connections_per_address < -1)
    return "Login and connection limits cannot be negative.";
  if (options->login_lockout == 0 || options->login_lockout < -1 || options->login_lockout > 3600 ||
      options->idle_timeout == 0 || options->idle_timeout < -1 || options->idle_timeout > 3600 ||
      options->request_timeout == 0 || options->request_timeout < -1 || options->request_timeout > 3600)
    return "--login-lockout, --idle-timeout and --request-timeout are 1 to 3600 seconds.";
  return NULL;
}

static void
fill_dispatch_options (const Options     *options,
                       JbDispatchOptions *out)
{
  jb_dispatch_options_init (out);
  if (options->target_guard > 0)
    out->target_guard_s = (guint) options->target_guard;
  if (options->target_police > 0)
    out->target_police_s = (guint) options->target_police;
  if (options->target_reinforce > 0)
    out->target_reinforce_s = (guint) options->target_reinforce;
  if (options->event_retention > 0)
    out->event_retention = options->event_retention;
  if (options->patrol_silence >= 0)
    out->patrol_silence_s = (guint) options->patrol_silence;
  if (options->maintenance_ms > 0)
    out->maintenance_ms = (guint) options->maintenance_ms;
  if (options->tail_ms > 0)
    out->tail_ms = (guint) options->tail_ms;
  if (options->position_flush_ms > 0)
    out->position_flush_ms = (guint) options->position_flush_ms;
  out->data_dir = options->data_dir;
  if (options->clip_max_size > 0)
    out->clip_max_size = options->clip_max_size;
  if (options->clip_abandon_after > 0)
    out->clip_abandon_after_s = options->clip_abandon_after;
  /* Below the evidence minimum only when asked for explicitly (tests). */
  if (options->clip_retention_days >= 0)
    out->clip_retention_days = options->clip_retention_days;
  if (options->clip_sweep_interval > 0)
    out->clip_sweep_interval_s = (guint) options->clip_sweep_interval;
  if (options->login_threads >= 0)
    out->login_threads = (guint) options->login_threads;
  if (options->login_max_failures >= 0)
    out->login_max_failures = (guint) options->login_max_failures;
  if (options->login_max_failures_address >= 0)
    out->login_max_failures_address = (guint) options->login_max_failures_address;
  if (options->login_lockout > 0)
    out->login_lockout_s = (guint) options->login_lockout;
  if (options->login_delay_ms >= 0)
    out->login_delay_ms = (guint) options->login_delay_ms;
}

static void
fill_http_limits (const Options *options,
                  JbHttpLimits  *out)
{
  jb_http_limits_init (out);
  if (options->idle_timeout > 0)
    out->idle_timeout_s = (guint) options->idle_timeout;
  if (options->request_timeout > 0)
    out->request_timeout_s = (guint) options->request_timeout;
  if (options->max_connections_per_address >= 0)
    out->max_connections_per_address = (guint) options->max_connections_per_address;
}

/* Every connection is a descriptor: the soft limit (often 1024) would
 * refuse a reconnect storm long before the machine could not serve it. */
static void
raise_descriptor_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == limit.rlim_max)
    return;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
    g_message ("Cannot raise the descriptor limit: %s", g_strerror (errno));
}

static gboolean
import_demo (JbDispatch     *dispatch,
             const Options  *options,
             GError        **error)
{
  JbDemoOptions demo_options;
  g_autoptr(JbDemoCity) city = NULL;

  jb_demo_options_init (&demo_options);
  if (options->seed >= 0)
    demo_options.seed = (guint32) options->seed;
  if (options->demo_guards >= 0)
    demo_options.n_guards = (guint) options->demo_guards;
  demo_options.n_extra_units = (guint) options->demo_extra_units;
  city = jb_demo_city_new (&demo_options, error);
  return city != NULL && jb_dispatch_import_demo (dispatch, city, error);
}

static JbSimulator *
start_simulator (JbDispatch    *dispatch,
                 const Options *options,
                 const char    *url)
{
  JbSimulatorOptions sim_options;
  JbSimulator *simulator;

  jb_simulator_options_init (&sim_options);
  if (options->seed >= 0)
    sim_options.seed = (guint32) options->seed;
  if (options->sim_rate > 0)
    sim_options.rate_hz = options->sim_rate;
  if (options->sim_alarms_per_min > 0)
    sim_options.alarms_per_min = options->sim_alarms_per_min;
  if (options->sim_moving_fraction >= 0)
    sim_options.moving_fraction = options->sim_moving_fraction;
  if (options->sim_heartbeat > 0)
    sim_options.heartbeat_s = options->sim_heartbeat;
  sim_options.handle_s = options->sim_handle;
  if (options->patrol_silence >= 0)
    sim_options.patrol_silence_s = (guint) options->patrol_silence;
  simulator = jb_simulator_new (dispatch, &sim_options);
  jb_simulator_set_upload_url (simulator, url);
  jb_simulator_start (simulator);
  return simulator;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_message ("Shutting down.");
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  /* -1: not given on the command line. */
  g_auto(Options) options = {
    .target_guard = -1, .target_police = -1, .target_reinforce = -1,
    .event_retention = -1, .demo_guards = -1, .seed = -1, .patrol_silence = -1,
    .maintenance_ms = -1, .tail_ms = -1,
    .position_flush_ms = -1,
    .sim_moving_fraction = -1, .sim_heartbeat = -1,
    .clip_max_size = -1, .clip_abandon_after = -1, .clip_retention_days = -1,
    .clip_sweep_interval = -1,
    .login_threads = -1, .login_max_failures = -1, .login_max_failures_address = -1,
    .login_lockout = -1, .login_delay_ms = -1, .idle_timeout = -1, .request_timeout = -1,
    .max_connections_per_address = -1,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JbDispatch) dispatch = NULL;
  g_autoptr(JbHttpServer) http = NULL;
  g_autoptr(JbSimulator) simulator = NULL;
  g_autoptr(JbTiles) tiles = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *host = NULL;
  g_autofree char *url = NULL;
  JbDispatchOptions dispatch_options;
  JbHttpLimits limits;
  g_autoptr(GTlsCertificate) certificate = NULL;
  const char *problem;
  guint port;

  setlocale (LC_ALL, "");

  if (!parse_options (&options, &argc, &argv, &error))
    return usage_error (error->message);
  if (options.version)
    {
      g_print ("jingbao-dispatchd %s\n", PACKAGE_VERSION);
      return 0;
    }
  if ((problem = check_options (&options)) != NULL)
    return usage_error (problem);
  if (!split_listen (options.listen != NULL ? options.listen : "127.0.0.1:8080", &host, &port))
    return usage_error ("--listen takes HOST:PORT, for example 127.0.0.1:8080.");

  if (options.tls_cert != NULL &&
      (certificate = g_tls_certificate_new_from_files (options.tls_cert, options.tls_key, &error)) == NULL)
    {
      g_printerr ("jingbao-dispatchd: cannot load the TLS certificate: %s\n", error->message);
      return 1;
    }
  raise_descriptor_limit ();
  if (options.tiles != NULL && (tiles = jb_tiles_open (options.tiles, &error)) == NULL)
    {
      g_printerr ("jingbao-dispatchd: --tiles: %s\n", error->message);
      return 1;
    }

  fill_dispatch_options (&options, &dispatch_options);
  if (options.clip_retention_days >= 0 && options.clip_retention_days < 183)
    g_message ("Clips are kept %" G_GINT64_FORMAT " days: less than the 6 months evidence needs.",
               options.clip_retention_days);
  dispatch = jb_dispatch_new (options.db_path, &dispatch_options, &error);
  if (dispatch == NULL)
    {
      g_printerr ("jingbao-dispatchd: %s\n", error->message);
      return 1;
    }
  if (options.demo && !import_demo (dispatch, &options, &error))
    {
      g_printerr ("jingbao-dispatchd: cannot load the demo city: %s\n", error->message);
      return 1;
    }

  http = jb_http_server_new (dispatch);
  fill_http_limits (&options, &limits);
  jb_http_server_set_limits (http, &limits);
  if (certificate != NULL)
    jb_http_server_set_tls_certificate (http, certificate);
  if (tiles != NULL)
    {
      jb_dispatch_set_basemap (dispatch, jb_tiles_get_metadata (tiles));
      jb_http_server_set_tiles (http, tiles);
    }
  if (!jb_http_server_listen (http, host, port, &error))
    {
      g_printerr ("jingbao-dispatchd: cannot listen on %s:%u: %s\n", host, port, error->message);
      return 1;
    }
  if (options.simulate)
    {
      g_autofree char *own_url = jb_http_server_get_url (http);

      simulator = start_simulator (dispatch, &options, own_url);
    }

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);

  url = jb_http_server_get_url (http);
  g_print ("jingbao-dispatchd listening on %s\n", url);
  fflush (stdout);

  g_main_loop_run (loop);

  if (simulator != NULL)
    jb_simulator_stop (simulator);
  jb_http_server_shutdown (http);
  jb_dispatch_flush (dispatch);
  return 0;
}
