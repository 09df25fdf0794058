/* bench-alarm-latency.c — from a device's alarm POST to the incident drawn
 *
 * Starts the real jingbao-dispatchd --demo on a free loopback port, signs
 * in the real client core as the demo dispatcher, opens the real command
 * window (queue, map with every layer, detail pane) at 1920×1080 in this
 * process, and raises one-click alarms from demo alarm buttons (distinct
 * terminals, in random order, each with its own demo secret) through the
 * device API. For each alarm:
 *
 *   t0  just before POST /api/v1/device/alarm is handed to libsoup;
 *   t1  the incident is in the store (items-changed on its incident list;
 *       this handler is connected before the window's, so it runs first);
 *   t2  the end of the first frame painted (the window's frame clock
 *       "after-paint") whose incident layer drew it: the layer is asked,
 *       after the frame, to pick at the incident's spot and must answer
 *       with it (or an item at the very same spot).
 *
 * The device is a thread of its own with its own GMainContext and
 * SoupSession: the request is sent asynchronously and leaves at once even
 * while the UI thread is busy painting, as a real button's would, and the
 * UI's main loop never blocks on it. Each request opens a new connection
 * ("Connection: close"), as a device sending one alarm does.
 *
 * Each alarm waits until the previous one was answered, stored and drawn,
 * then acknowledged (a blocking request outside the timed span, so every
 * alarm starts from a map with nothing of ours pulsing) plus ~200 ms and
 * a random 0–33 ms (not in step with the 60 Hz frame clock).
 *
 * The same number of alarms, from the same buttons, is timed with the
 * stock alternative: a plain libsoup WebSocket reader on /api/v1/events
 * that parses every frame with json-glib (no store, no UI). The two take
 * turns in blocks of ten alarms (client, reader, client, …) so that both
 * meet the same load from whatever else runs on the machine; during the
 * reader's turn the client is stopped and the window hidden.
 *
 * It runs once on a quiet server (--demo only: nothing else sends events)
 * and, unless --no-simulate, once more with --simulate (2,000+ guards
 * moving and reporting, the realistic load), printing both.
 *
 *   xvfb-run -a -s '-screen 0 1920x1080x24' \
 *     meson test -C build-bench --benchmark bench-alarm-latency -v
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "bench-alarm-latency"

#include <adwaita.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "jb-client.h"
#include "jb-demo.h"
#include "jb-test-client.h"
#include "jb-test-server.h"
#include "jb-window.h"

#define WIDTH            1920
#define HEIGHT           1080
#define DEFAULT_ALARMS   100
#define SPACING_MS       200
#define JITTER_MS        33
#define SAMPLE_TIMEOUT_S 15
#define SETTLE_MS        3000
#define BLOCK            10    /* alarms per turn of the client or the reader */
#define EXIT_SKIP        77

/* One alarm. The device thread writes t_post … answered under
 * sample_lock; the UI thread writes the rest. */
typedef struct
{
  char     *terminal_id;
  char     *authorization;
  char     *body;
  char     *marker;       /* the alarm's description: finds its event */

  gint64    t_post;       /* µs, monotonic */
  gint64    t_answer;
  guint     status;
  char     *incident_id;
  gboolean  answered;

  gint64    t_terminal;   /* its terminal's change in the store (online again) */
  gint64    t_store;
  gint64    t_drawn;
  gint64    t_frame_begin; /* "before-paint" of the frame that drew it */
  guint     n_frames_before; /* frames painted from t_post to t_store */
  guint     n_frames;     /* frames painted from t_store to t_drawn */
  JbIncident *incident;   /* the store's, once there */
} Sample;

static GMutex sample_lock;

static void
sample_clear (Sample *sample)
{
  g_clear_pointer (&sample->terminal_id, g_free);
  g_clear_pointer (&sample->authorization, g_free);
  g_clear_pointer (&sample->body, g_free);
  g_clear_pointer (&sample->marker, g_free);
  g_clear_pointer (&sample->incident_id, g_free);
  g_clear_object (&sample->incident);
}

static gboolean
sample_is_answered (Sample *sample)
{
  gboolean answered;

  g_mutex_lock (&sample_lock);
  answered = sample->answered;
  g_mutex_unlock (&sample_lock);
  return answered;
}

/* The device: a thread with its own context and session. */

typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupSession  *session;
  char         *alarm_url;
  GMutex        lock;
  GCond         cond;
  gboolean      ready;
} Device;

static gpointer
device_thread (gpointer data)
{
  Device *device = data;

  g_main_context_push_thread_default (device->context);
  /* A libsoup session belongs to the context it was made in. */
  device->session = soup_session_new ();
  soup_session_set_timeout (device->session, 30);

  g_mutex_lock (&device->lock);
  device->ready = TRUE;
  g_cond_signal (&device->cond);
  g_mutex_unlock (&device->lock);

  g_main_loop_run (device->loop);

  g_clear_object (&device->session);
  /* Let the session's last sources run down in their own context. */
  while (g_main_context_iteration (device->context, FALSE))
    ;
  g_main_context_pop_thread_default (device->context);
  return NULL;
}

static Device *
device_new (const char *server_url)
{
  Device *device = g_new0 (Device, 1);

  g_mutex_init (&device->lock);
  g_cond_init (&device->cond);
  device->context = g_main_context_new ();
  device->loop = g_main_loop_new (device->context, FALSE);
  device->alarm_url = g_strconcat (server_url, "/api/v1/device/alarm", NULL);
  device->thread = g_thread_new ("bench-device", device_thread, device);

  g_mutex_lock (&device->lock);
  while (!device->ready)
    g_cond_wait (&device->cond, &device->lock);
  g_mutex_unlock (&device->lock);

  return device;
}

static gboolean
device_quit_cb (gpointer data)
{
  Device *device = data;

  g_main_loop_quit (device->loop);
  return G_SOURCE_REMOVE;
}

static void
device_free (Device *device)
{
  g_main_context_invoke (device->context, device_quit_cb, device);
  g_thread_join (device->thread);
  g_main_loop_unref (device->loop);
  g_main_context_unref (device->context);
  g_mutex_clear (&device->lock);
  g_cond_clear (&device->cond);
  g_free (device->alarm_url);
  g_free (device);
}

static void
device_answered_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Sample *sample = user_data;
  SoupSession *session = SOUP_SESSION (object);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *incident_id = NULL;
  SoupMessage *msg;
  gint64 now;
  guint status = 0;

  bytes = soup_session_send_and_read_finish (session, result, &error);
  now = g_get_monotonic_time ();
  msg = soup_session_get_async_result_message (session, result);
  if (msg != NULL)
    status = soup_message_get_status (msg);
  if (error != NULL)
    g_printerr ("alarm POST failed: %s\n", error->message);

  parser = json_parser_new ();
  if (bytes != NULL &&
      json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *root = json_node_get_object (json_parser_get_root (parser));

      if (json_object_has_member (root, "id"))
        incident_id = g_strdup (json_object_get_string_member (root, "id"));
    }

  g_mutex_lock (&sample_lock);
  sample->t_answer = now;
  sample->status = status;
  sample->incident_id = g_steal_pointer (&incident_id);
  sample->answered = TRUE;
  g_mutex_unlock (&sample_lock);

  g_main_context_wakeup (g_main_context_default ());
}

typedef struct
{
  Device *device;
  Sample *sample;
} Send;

static gboolean
device_send_cb (gpointer data)
{
  Send *send = data;
  Device *device = send->device;
  Sample *sample = send->sample;
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", device->alarm_url);
  g_autoptr(GBytes) body = g_bytes_new (sample->body, strlen (sample->body));
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  gint64 now;

  soup_message_headers_replace (headers, "Authorization", sample->authorization);
  /* A button sends one alarm on a connection of its own. */
  soup_message_headers_replace (headers, "Connection", "close");
  soup_message_set_request_body_from_bytes (msg, "application/json", body);

  now = g_get_monotonic_time ();
  g_mutex_lock (&sample_lock);
  sample->t_post = now;
  g_mutex_unlock (&sample_lock);
  soup_session_send_and_read_async (device->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    device_answered_cb, sample);

  g_free (send);
  return G_SOURCE_REMOVE;
}

static void
device_send (Device *device,
             Sample *sample)
{
  Send *send = g_new0 (Send, 1);

  send->device = device;
  send->sample = sample;
  g_main_context_invoke (device->context, device_send_cb, send);
}

/* The demo city's alarm buttons. */

typedef struct
{
  char   *id;
  double  lat;
  double  lon;
} Button;

static void
button_clear (gpointer data)
{
  Button *button = data;

  g_free (button->id);
}

static GArray *
list_alarm_buttons (JbTestServer *server,
                    const char   *bearer)
{
  g_autoptr(JbTestResponse) response = NULL;
  GArray *buttons = g_array_new (FALSE, TRUE, sizeof (Button));
  JsonArray *terminals;

  g_array_set_clear_func (buttons, button_clear);
  response = jb_test_request (server, "GET", "/api/v1/snapshot", bearer, NULL, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  terminals = json_object_get_array_member (json_node_get_object (response->body), "terminals");

  for (guint i = 0; i < json_array_get_length (terminals); i++)
    {
      JsonObject *terminal = json_array_get_object_element (terminals, i);
      JsonNode *location = json_object_get_member (terminal, "location");
      Button button;

      if (g_strcmp0 (json_object_get_string_member (terminal, "kind"), "alarm_button") != 0 ||
          location == NULL || !JSON_NODE_HOLDS_OBJECT (location))
        continue;

      button.id = g_strdup (json_object_get_string_member (terminal, "id"));
      button.lat = json_object_get_double_member (json_node_get_object (location), "lat");
      button.lon = json_object_get_double_member (json_node_get_object (location), "lon");
      g_array_append_val (buttons, button);
    }

  return buttons;
}

/* Statistics: nearest-rank percentiles of the samples that completed. */

typedef struct
{
  guint  n;
  double median;
  double p90;
  double p99;
  double max;
} Stats;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
rank (const double *sorted,
      guint         n,
      double        p)
{
  guint k = (guint) ceil (p * n);

  return sorted[CLAMP (k, 1, n) - 1];
}

/* @which: 0 POST round trip, 1 POST → store, 2 POST → drawn, 3 store → drawn,
 * 4 POST → the terminal's change, 5 the drawing frame (before → after paint). */
static Stats
compute_stats (const Sample *samples,
               guint         n_samples,
               guint         which)
{
  g_autofree double *values = g_new0 (double, MAX (n_samples, 1));
  Stats stats = { 0 };
  guint n = 0;

  for (guint i = 0; i < n_samples; i++)
    {
      const Sample *s = &samples[i];
      gint64 from = s->t_post, to = 0;

      if (s->t_post == 0)
        continue;
      switch (which)
        {
        case 0: to = s->t_answer; break;
        case 1: to = s->t_store; break;
        case 2: to = s->t_drawn; break;
        case 4: to = s->t_terminal; break;
        case 5: from = s->t_frame_begin; to = s->t_drawn; break;
        default: from = s->t_store; to = s->t_drawn; break;
        }
      if (from == 0 || to == 0)
        continue;
      values[n++] = (to - from) / 1000.0;
    }

  stats.n = n;
  if (n == 0)
    return stats;

  qsort (values, n, sizeof (double), compare_doubles);
  stats.median = rank (values, n, 0.50);
  stats.p90 = rank (values, n, 0.90);
  stats.p99 = rank (values, n, 0.99);
  stats.max = values[n - 1];
  return stats;
}

#define LABEL_WIDTH 38

/* printf pads bytes, not characters: the labels hold arrows. */
static void
print_label (const char *label)
{
  glong width = g_utf8_strlen (label, -1);

  printf ("  %s%*s", label, (int) MAX (LABEL_WIDTH - width, 0), "");
}

static void
print_stats (const char *label,
             Stats       stats)
{
  print_label (label);
  if (stats.n == 0)
    {
      printf (" %4u        —\n", 0u);
      return;
    }
  printf (" %4u %8.2f %8.2f %8.2f %8.2f\n", stats.n, stats.median, stats.p90, stats.p99, stats.max);
}

static void
print_header (void)
{
  print_label ("ms");
  printf (" %4s %8s %8s %8s %8s\n", "n", "median", "p90", "p99", "max");
}

static double
cpu_seconds (const struct rusage *usage)
{
  return usage->ru_utime.tv_sec + usage->ru_utime.tv_usec / 1e6 +
         usage->ru_stime.tv_sec + usage->ru_stime.tv_usec / 1e6;
}

static char *
read_loadavg (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return g_strdup ("?");
  return g_strdup (g_strstrip (text));
}

/* The bench. */

typedef struct
{
  JbTestServer *server;
  Device       *device;
  char         *bearer;
  GArray       *buttons;   /* Button, the ones used, in firing order */
  GRand        *rand;
  guint         n_alarms;
  guint         spacing_ms;
  gboolean      verbose;
  const char   *run_name;

  /* Client phase */
  JbClient     *client;
  JbWindow     *window;
  JbIncidentLayer *layer;
  GListModel   *incidents;

  /* Plain reader phase */
  SoupSession  *ws_session;
  SoupWebsocketConnection *ws;
  guint64       n_frames_parsed;
  guint64       n_frames_bad;

  Sample       *current;
  gboolean      want_drawn;

  /* What else the store saw while the client's alarms ran. */
  gboolean      counting;
  guint         n_changes[JB_STORE_CHANGE_CONFIG + 1];
  guint         n_moved_batches;
  guint         n_paints;     /* every frame the window painted */
  gint64        t_before_paint;
} Bench;

static gboolean
sample_is_complete (gpointer data)
{
  Bench *bench = data;
  Sample *sample = bench->current;

  return sample_is_answered (sample) && sample->t_store != 0 &&
         (!bench->want_drawn || sample->t_drawn != 0);
}

static void
make_sample (Bench      *bench,
             Sample     *sample,
             const char *phase,
             guint       index)
{
  const Button *button = &g_array_index (bench->buttons, Button, index);
  g_autofree char *secret = jb_demo_terminal_secret (button->id);

  sample->terminal_id = g_strdup (button->id);
  sample->authorization = jb_test_device_auth (button->id, secret);
  sample->marker = g_strdup_printf ("bench-alarm-latency %s %s %u %08x",
                                    bench->run_name, phase, index, g_rand_int (bench->rand));
  sample->body = g_strdup_printf ("{\"description\": \"%s\"}", sample->marker);
}

static void
acknowledge (Bench  *bench,
             Sample *sample)
{
  g_autofree char *path = NULL;
  g_autoptr(JbTestResponse) response = NULL;
  g_autofree char *id = NULL;

  g_mutex_lock (&sample_lock);
  id = g_strdup (sample->incident_id);
  g_mutex_unlock (&sample_lock);
  if (id == NULL)
    return;

  path = g_strdup_printf ("/api/v1/incidents/%s/acknowledge", id);
  response = jb_test_request (bench->server, "POST", path, bench->bearer, NULL, "{}");
  if (response->status != 200)
    g_printerr ("acknowledging %s: HTTP %u\n", id, response->status);
}

/* Fires alarms @first … @first + @count - 1 of a phase, one at a time. */
static guint
fire_alarms (Bench      *bench,
             Sample     *samples,
             const char *phase,
             guint       first,
             guint       count)
{
  guint n_missing = 0;

  for (guint i = first; i < first + count; i++)
    {
      Sample *sample = &samples[i];
      gint64 next;

      make_sample (bench, sample, phase, i);
      bench->current = sample;
      device_send (bench->device, sample);

      if (!jb_test_wait_for (sample_is_complete, bench, SAMPLE_TIMEOUT_S * 1000))
        {
          /* Still answered later: wait so that it cannot leak into the next. */
          n_missing++;
          g_printerr ("%s %s alarm %u (%s) incomplete after %d s: answered %d (HTTP %u), stored %d, drawn %d\n",
                      bench->run_name, phase, i, sample->terminal_id, SAMPLE_TIMEOUT_S,
                      sample_is_answered (sample), sample->status,
                      sample->t_store != 0, sample->t_drawn != 0);
          while (!sample_is_answered (sample))
            g_main_context_iteration (NULL, TRUE);
        }
      bench->current = NULL;

      if (bench->verbose)
        printf ("  %s %s %3u %-10s answer %7.2f  terminal %7.2f  store %7.2f  drawn %7.2f  frames %u + %u\n",
                bench->run_name, phase, i, sample->terminal_id,
                (sample->t_answer - sample->t_post) / 1000.0,
                sample->t_terminal ? (sample->t_terminal - sample->t_post) / 1000.0 : -1.0,
                sample->t_store ? (sample->t_store - sample->t_post) / 1000.0 : -1.0,
                sample->t_drawn ? (sample->t_drawn - sample->t_post) / 1000.0 : -1.0,
                sample->n_frames_before, sample->n_frames);

      acknowledge (bench, sample);
      next = bench->spacing_ms + (guint) g_rand_int_range (bench->rand, 0, JITTER_MS + 1);
      jb_test_spin ((guint) next);
    }

  return n_missing;
}

/* Client phase: the real client and window. */

static void
incidents_changed_cb (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      gpointer    user_data)
{
  Bench *bench = user_data;
  Sample *sample = bench->current;
  gint64 now = g_get_monotonic_time ();

  if (sample == NULL || sample->t_store != 0)
    return;

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(JbIncident) incident = g_list_model_get_item (model, i);

      if (g_strcmp0 (jb_incident_get_description (incident), sample->marker) == 0)
        {
          sample->t_store = now;
          sample->incident = g_steal_pointer (&incident);
          return;
        }
    }
}

static void
store_changed_cb (JbStore       *store,
                  JbStoreChange  kind,
                  const char    *id,
                  gpointer       user_data)
{
  Bench *bench = user_data;

  if (bench->counting && kind <= JB_STORE_CHANGE_CONFIG)
    bench->n_changes[kind]++;
  if (bench->current != NULL && kind == JB_STORE_CHANGE_TERMINAL && bench->current->t_terminal == 0 &&
      g_strcmp0 (id, bench->current->terminal_id) == 0)
    bench->current->t_terminal = g_get_monotonic_time ();
}

static void
units_moved_cb (JbStore  *store,
                gpointer  user_data)
{
  Bench *bench = user_data;

  if (bench->counting)
    bench->n_moved_batches++;
}

/* Whether the incident layer's last frame drew the current incident. */
static gboolean
layer_drew (Bench      *bench,
            JbIncident *incident)
{
  JbPointLayer *layer = JB_POINT_LAYER (bench->layer);
  const JbMapPoint *points;
  guint n_points = 0, n_items, index = G_MAXUINT;
  JbMapPick pick;
  double x, y;

  n_items = g_list_model_get_n_items (bench->incidents);
  for (guint i = 0; i < n_items && index == G_MAXUINT; i++)
    {
      g_autoptr(JbIncident) item = g_list_model_get_item (bench->incidents, i);

      if (item == incident)
        index = i;
    }

  points = jb_point_layer_get_points (layer, &n_points);
  if (index == G_MAXUINT || index >= n_points ||
      !jb_point_layer_get_widget_coords (layer, index, &x, &y) ||
      !jb_point_layer_pick (layer, x, y, &pick) ||
      pick.index < 0 || (guint) pick.index >= n_points)
    return FALSE;

  /* Another incident at the same venue may be drawn over it. */
  return (guint) pick.index == index ||
         (points[pick.index].lat == points[index].lat && points[pick.index].lon == points[index].lon);
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  Bench *bench = user_data;
  Sample *sample = bench->current;
  gint64 now = g_get_monotonic_time ();

  bench->n_paints++;
  if (sample == NULL || sample->t_drawn != 0)
    return;
  if (sample->t_store == 0)
    {
      sample->n_frames_before++;
      return;
    }

  sample->n_frames++;
  if (layer_drew (bench, sample->incident))
    {
      sample->t_drawn = now;
      sample->t_frame_begin = bench->t_before_paint;
    }
}

static void
before_paint_cb (GdkFrameClock *clock,
                 gpointer       user_data)
{
  Bench *bench = user_data;

  bench->t_before_paint = g_get_monotonic_time ();
}

static gboolean
client_is_live (gpointer data)
{
  Bench *bench = data;

  return jb_client_get_state (bench->client) == JB_CONNECTION_STATE_LIVE &&
         jb_store_has_snapshot (jb_client_get_store (bench->client)) &&
         gtk_widget_get_mapped (GTK_WIDGET (bench->window));
}

typedef struct
{
  JbStore *store;
  gint64   seq;
} CaughtUp;

static gboolean
store_has_seq (gpointer data)
{
  CaughtUp *caught_up = data;

  return jb_store_get_seq (caught_up->store) >= caught_up->seq;
}

/* Live, and the stream has replayed what happened while it was stopped:
 * an alarm must not queue behind a backlog. */
static void
wait_client_caught_up (Bench *bench)
{
  g_autoptr(JbTestResponse) health = NULL;
  CaughtUp caught_up;

  if (!jb_test_wait_for (client_is_live, bench, 60000))
    g_error ("the client did not go live within 60 s");

  health = jb_test_request (bench->server, "GET", "/api/v1/health", NULL, NULL, NULL);
  g_assert_cmpuint (health->status, ==, 200);
  caught_up.store = jb_client_get_store (bench->client);
  caught_up.seq = jb_test_json_int (health->body, "seq");
  if (!jb_test_wait_for (store_has_seq, &caught_up, 120000))
    g_error ("the client did not catch up with seq %" G_GINT64_FORMAT " within 120 s (at %" G_GINT64_FORMAT ")",
             caught_up.seq, jb_store_get_seq (caught_up.store));
}

static void
open_client (Bench *bench)
{
  bench->client = jb_test_client_new_signed_in (bench->server, "dispatcher", "demo");
  bench->incidents = jb_store_get_incidents (jb_client_get_store (bench->client));
  /* Before the window connects its own: t1 is the store, not the UI. */
  g_signal_connect (bench->incidents, "items-changed", G_CALLBACK (incidents_changed_cb), bench);
  g_signal_connect (jb_client_get_store (bench->client), "changed", G_CALLBACK (store_changed_cb), bench);
  g_signal_connect (jb_client_get_store (bench->client), "units-moved", G_CALLBACK (units_moved_cb), bench);

  bench->window = jb_window_new (NULL, bench->client);
  gtk_window_set_default_size (GTK_WINDOW (bench->window), WIDTH, HEIGHT);
  gtk_window_present (GTK_WINDOW (bench->window));
  jb_client_start (bench->client);
  wait_client_caught_up (bench);

  bench->layer = jb_map_view_get_incident_layer (jb_window_get_map_view (bench->window));
  /* First frames, the home view's fit, icon atlases: not ours to time. */
  jb_test_spin (SETTLE_MS);
}

/* The client stopped and the window hidden: nothing of the UI runs. */
static void
pause_client (Bench *bench)
{
  jb_client_stop (bench->client);
  gtk_widget_set_visible (GTK_WIDGET (bench->window), FALSE);
  jb_test_spin (100);
}

static void
resume_client (Bench *bench)
{
  gtk_window_present (GTK_WINDOW (bench->window));
  jb_client_start (bench->client);
  wait_client_caught_up (bench);
  jb_test_spin (SETTLE_MS / 3);
}

static void
close_client (Bench *bench)
{
  g_signal_handlers_disconnect_by_func (bench->incidents, incidents_changed_cb, bench);
  g_signal_handlers_disconnect_by_data (jb_client_get_store (bench->client), bench);
  jb_client_stop (bench->client);
  gtk_window_destroy (GTK_WINDOW (bench->window));
  bench->window = NULL;
  bench->layer = NULL;
  bench->incidents = NULL;
  jb_test_spin (100);
  g_clear_object (&bench->client);
}

/* Keeps the buttons on screen: an alarm off the map is never drawn. */
static void
keep_visible_buttons (Bench *bench)
{
  JbMapView *map_view = jb_window_get_map_view (bench->window);
  GtkWidget *map = GTK_WIDGET (jb_map_view_get_map (map_view));
  ShumateViewport *viewport = jb_map_view_get_viewport (map_view);
  double width = gtk_widget_get_width (map);
  double height = gtk_widget_get_height (map);
  guint kept = 0;

  for (guint i = 0; i < bench->buttons->len; i++)
    {
      Button *button = &g_array_index (bench->buttons, Button, i);
      double x, y;

      shumate_viewport_location_to_widget_coords (viewport, map, button->lat, button->lon, &x, &y);
      if (x < 8 || y < 8 || x > width - 8 || y > height - 8)
        continue;
      if (kept != i)
        {
          Button *to = &g_array_index (bench->buttons, Button, kept);

          g_free (to->id);
          *to = *button;
          button->id = NULL;
        }
      kept++;
    }
  g_array_set_size (bench->buttons, kept);
}

static void
shuffle_buttons (Bench *bench)
{
  for (guint i = bench->buttons->len; i > 1; i--)
    {
      guint j = (guint) g_rand_int_range (bench->rand, 0, (gint32) i);
      Button tmp = g_array_index (bench->buttons, Button, i - 1);

      g_array_index (bench->buttons, Button, i - 1) = g_array_index (bench->buttons, Button, j);
      g_array_index (bench->buttons, Button, j) = tmp;
    }
}

/* Plain reader phase: libsoup + json-glib only. */

static void
ws_message_cb (SoupWebsocketConnection *ws,
               gint                     type,
               GBytes                  *message,
               gpointer                 user_data)
{
  Bench *bench = user_data;
  Sample *sample = bench->current;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *event, *data, *incident;
  const char *event_type, *description;
  gsize len = 0;
  const char *text = g_bytes_get_data (message, &len);

  if (!json_parser_load_from_data (parser, text, (gssize) len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      bench->n_frames_bad++;
      return;
    }
  bench->n_frames_parsed++;

  event = json_node_get_object (json_parser_get_root (parser));
  event_type = json_object_get_string_member_with_default (event, "type", NULL);
  if (sample == NULL || sample->t_store != 0 || g_strcmp0 (event_type, "incident.created") != 0 ||
      (data = json_object_get_object_member (event, "data")) == NULL ||
      !json_object_has_member (data, "incident") ||
      (incident = json_object_get_object_member (data, "incident")) == NULL)
    return;

  description = json_object_get_string_member_with_default (incident, "description", NULL);
  if (g_strcmp0 (description, sample->marker) == 0)
    sample->t_store = g_get_monotonic_time ();
}

typedef struct
{
  gboolean                 done;
  SoupWebsocketConnection *ws;
  GError                  *error;
} Connect;

static void
ws_connected_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Connect *connect = user_data;

  connect->ws = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &connect->error);
  connect->done = TRUE;
}

static gboolean
connect_is_done (gpointer data)
{
  return ((Connect *) data)->done;
}

static void
open_plain_reader (Bench *bench)
{
  g_autofree char *url = g_strconcat (jb_test_server_get_url (bench->server), "/api/v1/events", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  Connect connect = { FALSE, NULL, NULL };

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bench->bearer);
  bench->ws_session = soup_session_new ();
  soup_session_websocket_connect_async (bench->ws_session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        NULL, ws_connected_cb, &connect);
  if (!jb_test_wait_for (connect_is_done, &connect, 30000) || connect.ws == NULL)
    g_error ("the plain reader could not connect: %s", connect.error ? connect.error->message : "timeout");

  bench->ws = connect.ws;
  /* Frames are at most 1 MiB (docs/protocol.md); libsoup's default is 128 KiB. */
  soup_websocket_connection_set_max_incoming_payload_size (bench->ws, 2 * 1024 * 1024);
  g_signal_connect (bench->ws, "message", G_CALLBACK (ws_message_cb), bench);
  jb_test_spin (SETTLE_MS / 6);
}

static void
close_plain_reader (Bench *bench)
{
  g_signal_handlers_disconnect_by_func (bench->ws, ws_message_cb, bench);
  if (soup_websocket_connection_get_state (bench->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (bench->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  jb_test_spin (100);
  g_clear_object (&bench->ws);
  g_clear_object (&bench->ws_session);
}

static void
free_samples (Sample *samples,
              guint   n)
{
  for (guint i = 0; i < n; i++)
    sample_clear (&samples[i]);
  g_free (samples);
}

static gboolean
run (const char * const *server_args,
     const char         *run_name,
     guint               n_alarms,
     guint               spacing_ms,
     guint32             seed,
     gboolean            verbose)
{
  Bench bench = { 0 };
  Sample *client_samples, *plain_samples;
  g_autofree char *load_before = NULL, *load_after = NULL;
  g_autofree char *args_text = g_strjoinv (" ", (char **) server_args);
  Stats client_store, plain_store;
  guint client_missing = 0, plain_missing = 0, n_pulsing, n_open;
  GskRenderer *renderer;
  guint64 n_events = 0;
  double client_seconds = 0, client_cpu = 0, plain_seconds = 0, plain_cpu = 0;

  bench.run_name = run_name;
  bench.n_alarms = n_alarms;
  bench.spacing_ms = spacing_ms;
  bench.verbose = verbose;
  bench.rand = g_rand_new_with_seed (seed);
  bench.server = jb_test_server_start (server_args);
  bench.bearer = jb_test_login (bench.server, "dispatcher", "demo");
  bench.buttons = list_alarm_buttons (bench.server, bench.bearer);
  bench.device = device_new (jb_test_server_get_url (bench.server));

  open_client (&bench);
  keep_visible_buttons (&bench);
  if (bench.buttons->len < n_alarms)
    {
      g_printerr ("only %u demo alarm buttons are on the map; need %u distinct ones\n",
                  bench.buttons->len, n_alarms);
      return FALSE;
    }
  shuffle_buttons (&bench);

  renderer = gtk_native_get_renderer (GTK_NATIVE (bench.window));
  n_pulsing = jb_incident_layer_get_n_pulsing (bench.layer);
  n_open = g_list_model_get_n_items (bench.incidents);
  load_before = read_loadavg ();

  printf ("\n== %s: jingbao-dispatchd %s; %u alarms from distinct alarm buttons, ≥%u ms apart (seed %u)\n",
          run_name, args_text, n_alarms, spacing_ms, seed);
  printf ("   surface %d×%d, window %d×%d, map %d×%d, renderer %s, open incidents at start %u (pulsing %u), %u units\n",
          gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (bench.window))),
          gdk_surface_get_height (gtk_native_get_surface (GTK_NATIVE (bench.window))),
          gtk_widget_get_width (GTK_WIDGET (bench.window)), gtk_widget_get_height (GTK_WIDGET (bench.window)),
          gtk_widget_get_width (GTK_WIDGET (jb_map_view_get_map (jb_window_get_map_view (bench.window)))),
          gtk_widget_get_height (GTK_WIDGET (jb_map_view_get_map (jb_window_get_map_view (bench.window)))),
          G_OBJECT_TYPE_NAME (renderer), n_open, n_pulsing,
          g_list_model_get_n_items (jb_store_get_units (jb_client_get_store (bench.client))));
  fflush (stdout);

  /* Blocks of alarms taken in turn by the real client and window and by
   * the stock reader, so that both meet the same load from whatever else
   * runs on the machine. While the reader runs, the client is stopped and
   * the window hidden. */
  client_samples = g_new0 (Sample, n_alarms);
  plain_samples = g_new0 (Sample, n_alarms);
  for (guint done_client = 0, done_plain = 0; done_client < n_alarms || done_plain < n_alarms; )
    {
      struct rusage usage_before, usage_after;
      gboolean client_turn = done_client <= done_plain && done_client < n_alarms;
      guint count = MIN (BLOCK, n_alarms - (client_turn ? done_client : done_plain));
      gint64 started;

      if (client_turn)
        {
          GdkFrameClock *clock;
          gulong before, after;
          guint64 events_before;

          if (done_client > 0)
            resume_client (&bench);
          clock = gtk_widget_get_frame_clock (GTK_WIDGET (bench.window));
          before = g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), &bench);
          after = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &bench);
          events_before = jb_store_get_n_events (jb_client_get_store (bench.client));

          bench.want_drawn = TRUE;
          bench.counting = TRUE;
          getrusage (RUSAGE_SELF, &usage_before);
          started = g_get_monotonic_time ();
          client_missing += fire_alarms (&bench, client_samples, "client", done_client, count);
          client_seconds += (g_get_monotonic_time () - started) / 1e6;
          getrusage (RUSAGE_SELF, &usage_after);
          client_cpu += cpu_seconds (&usage_after) - cpu_seconds (&usage_before);
          bench.counting = FALSE;

          g_signal_handler_disconnect (clock, before);
          g_signal_handler_disconnect (clock, after);
          n_events += jb_store_get_n_events (jb_client_get_store (bench.client)) - events_before;
          pause_client (&bench);
          done_client += count;
        }
      else
        {
          open_plain_reader (&bench);
          bench.want_drawn = FALSE;
          getrusage (RUSAGE_SELF, &usage_before);
          started = g_get_monotonic_time ();
          plain_missing += fire_alarms (&bench, plain_samples, "plain", done_plain, count);
          plain_seconds += (g_get_monotonic_time () - started) / 1e6;
          getrusage (RUSAGE_SELF, &usage_after);
          plain_cpu += cpu_seconds (&usage_after) - cpu_seconds (&usage_before);
          close_plain_reader (&bench);
          done_plain += count;
        }
    }
  close_client (&bench);
  load_after = read_loadavg ();

  print_header ();
  print_stats ("POST round trip (device)", compute_stats (client_samples, n_alarms, 0));
  client_store = compute_stats (client_samples, n_alarms, 1);
  print_stats ("POST → store (JbClient)", client_store);
  print_stats ("POST → drawn (map frame painted)", compute_stats (client_samples, n_alarms, 2));
  print_stats ("  of which store → drawn", compute_stats (client_samples, n_alarms, 3));
  print_stats ("    the drawing frame (paint phases)", compute_stats (client_samples, n_alarms, 5));
  print_stats ("POST → terminal.updated in store", compute_stats (client_samples, n_alarms, 4));
  plain_store = compute_stats (plain_samples, n_alarms, 1);
  print_stats ("POST → parsed (plain WS + json-glib)", plain_store);
  print_stats ("  its POST round trip", compute_stats (plain_samples, n_alarms, 0));
  if (client_store.n > 0 && plain_store.n > 0)
    printf ("  POST → store / plain reader: median %.2f×, p99 %.2f×\n",
            client_store.median / plain_store.median, client_store.p99 / plain_store.p99);
  {
    guint frames_max = 0, frames_total = 0, before_max = 0, before_total = 0, n = 0;

    for (guint i = 0; i < n_alarms; i++)
      if (client_samples[i].t_drawn != 0)
        {
          frames_max = MAX (frames_max, client_samples[i].n_frames);
          frames_total += client_samples[i].n_frames;
          before_max = MAX (before_max, client_samples[i].n_frames_before);
          before_total += client_samples[i].n_frames_before;
          n++;
        }
    printf ("  frames painted from POST to store: mean %.2f, max %u; from store to drawn: mean %.2f, max %u\n",
            n > 0 ? (double) before_total / n : 0.0, before_max,
            n > 0 ? (double) frames_total / n : 0.0, frames_max);
  }
  printf ("  events applied by the client during its alarms: %" G_GUINT64_FORMAT
          " (changes: %u unit, %u terminal, %u incident, %u station; %u batches of moves)\n",
          n_events, bench.n_changes[JB_STORE_CHANGE_UNIT], bench.n_changes[JB_STORE_CHANGE_TERMINAL],
          bench.n_changes[JB_STORE_CHANGE_INCIDENT], bench.n_changes[JB_STORE_CHANGE_STATION],
          bench.n_moved_batches);
  printf ("  frames parsed by the plain reader during its alarms: %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT " bad)\n",
          bench.n_frames_parsed, bench.n_frames_bad);
  printf ("  window frames painted during the client's alarms: %u in %.1f s (%.1f/s)\n",
          bench.n_paints, client_seconds, bench.n_paints / client_seconds);
  printf ("  CPU of this process (UI thread, device thread, reader): client phase %.0f%% of a core, plain phase %.0f%%\n",
          100 * client_cpu / client_seconds, 100 * plain_cpu / plain_seconds);
  printf ("  incomplete: client %u, plain %u\n", client_missing, plain_missing);
  printf ("  load average before: %s; after: %s\n", load_before, load_after);
  fflush (stdout);

  free_samples (client_samples, n_alarms);
  free_samples (plain_samples, n_alarms);
  device_free (bench.device);
  g_array_unref (bench.buttons);
  g_free (bench.bearer);
  g_rand_free (bench.rand);
  jb_test_server_free (bench.server);

  return client_missing == 0 && plain_missing == 0;
}

int
main (int   argc,
      char *argv[])
{
  gint alarms = DEFAULT_ALARMS;
  gint spacing = SPACING_MS;
  gint64 seed = 0;
  gboolean no_simulate = FALSE;
  gboolean verbose = FALSE;
  const GOptionEntry entries[] = {
    { "alarms", 0, 0, G_OPTION_ARG_INT, &alarms, "Alarms per run (default 100)", "N" },
    { "spacing", 0, 0, G_OPTION_ARG_INT, &spacing, "Pause after each alarm (default 200)", "MS" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Order of the buttons (default: from the clock)", "N" },
    { "no-simulate", 0, 0, G_OPTION_ARG_NONE, &no_simulate, "Skip the run with --simulate", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Print every alarm's times", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— alarm POST to incident drawn");
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (alarms < 1 || spacing < 0)
    {
      g_printerr ("--alarms must be at least 1 and --spacing not negative\n");
      return 2;
    }
  if (seed == 0)
    seed = g_get_real_time () % G_MAXUINT32;

  g_setenv ("LANGUAGE", "C", TRUE);
  if (!gtk_init_check ())
    {
      printf ("SKIP: no display (run under xvfb-run -a)\n");
      return EXIT_SKIP;
    }
  /* Criticals stay fatal; warnings are not: without a session bus GTK
   * warns that it cannot reach portals. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  adw_init ();
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_PREFER_DARK);

  printf ("bench-alarm-latency: device alarm POST → incident in the store → drawn on the map\n");
  printf ("percentiles are nearest-rank over the alarms that completed; times in ms\n");

  ok = run ((const char *[]) { "--demo", NULL }, "quiet", (guint) alarms, (guint) spacing, (guint32) seed, verbose);
  if (!no_simulate)
    ok = run ((const char *[]) { "--demo", "--simulate", NULL }, "simulate",
              (guint) alarms, (guint) spacing, (guint32) seed + 1, verbose) && ok;

  return ok ? 0 : 1;
}
