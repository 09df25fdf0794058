/* jb-simulator.c
 *
 * Scheduling is by time wheels: a unit that reports every N ticks sits in
 * one of N slots and is visited once per turn, so a tick costs what it
 * sends, not the size of the city. Ticks that fall behind (a slow server)
 * are caught up, up to a limit, so the configured rates hold.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-simulator"

#include "jb-simulator.h"

#include <math.h>
#include <string.h>

#include "jb-demo.h"
#include "jb-enums.h"
#include "jb-geo.h"
#include "jb-json.h"
#include "jb-sim-camera.h"

#define TICK_MS            100
#define TICKS_PER_S        (1000 / TICK_MS)
#define MAX_CATCH_UP       50           /* ticks */
#define TICK_BUDGET_US     50000        /* catch-up work per call */
#define MAX_BATCH          1000         /* items per POST /device/positions */
#define IDLE_REPORT_S      60           /* units that stand still still report */
#define EN_ROUTE_FIX_S     2
#define ON_SCENE_FIX_S     30
#define STATS_PERIOD_S     10
#define ARRIVED_M          12.0
#define US                 G_USEC_PER_SEC
#define MAX_CLIPS_IN_FLIGHT 2           /* cameras filming or uploading at once */

typedef enum
{
  PHASE_NONE,
  PHASE_ASSIGNED,      /* waiting to accept */
  PHASE_ACCEPTED,      /* waiting to set off */
  PHASE_EN_ROUTE,
  PHASE_ON_SCENE,      /* guards: stepping through the procedure */
  PHASE_HOLD,          /* at the scene until released */
} Phase;

typedef struct
{
  char         *id;
  char         *incident_id;
  JbUnitKind    kind;
  JbUnitStatus  status;
  guint         station;
  int           own;            /* its own terminal (body camera, handset), or -1 */
  int           gateway;        /* its organisation's gateway, or -1 */
  gboolean      moving;         /* one of the moving fraction */
  double        lat, lon, heading, speed;
  double        home_lat, home_lon;
  double        way_lat, way_lon;
  double        corner_lat, corner_lon;
  gboolean      has_way, has_corner;
  double        cruise;         /* m/s while moving */
  gint64        pause_until;    /* µs */
  gint64        advanced_at;    /* µs: lat/lon are valid at this time */
  Phase         phase;
  gint64        phase_at;       /* µs: next action of the response */
  gint64        next_fix;       /* µs: next report while responding */
  double        scene_lat, scene_lon;
  gboolean      scene_known;
  guint         next_step;
  gboolean      listed;         /* in self->responders */
  gboolean      warned;         /* said once that it cannot answer */
  JbGeoShape   *grid;           /* the grid it patrols (a member), or NULL */
  gboolean      wander;         /* its next waypoint lies outside @grid */
  gint64        mute_until;     /* µs: reports nothing before (a patrol alert) */
} SimUnit;

typedef struct
{
  char           *id;
  char           *auth;         /* "Basic …" */
  JbTerminalKind  kind;
  gboolean        gateway;
  int             unit;         /* bound unit, or -1 */
  gint64          silent_until; /* µs; 0 when talking */
  double          battery;
  GString        *batch;        /* gateways: the items gathered */
  guint           batch_n;
  gint64          flush_at;     /* µs: when the gateway sends them */
} SimTerminal;

typedef struct
{
  char       *id;
  JbGeoShape *shape;            /* NULL when the server sent none */
  double      lat, lon;
  JsonObject *roster;           /* as last written; NULL when the server sent none */
  GPtrArray  *pool;             /* JsonObject* {name, phone, unit_id}: the station's officers */
  guint       next_officer;     /* where the next shift starts in @pool */
} SimStation;

typedef struct
{
  double lat, lon;
  gint64 priority;
  char   number[40];
  gboolean is_new;              /* status new: nobody acknowledged it yet */
  gboolean assigned;            /* the dispatcher sent a unit (or tried) */
  gint64 ack_at_us;             /* the dispatcher's times (options.handle_s > 0) */
  gint64 close_at_us;
} SimIncident;

typedef struct
{
  guint64 requests, errors, positions, batches, heartbeats, alarms, answers, steps, unreachable;
  guint64 rosters;              /* shift changes written */
  guint64 acknowledged, assigned, closed;  /* the dispatcher's (options.handle_s > 0) */
  guint64 clips, clips_resumed, clip_errors;
  guint64 dropped;              /* ticks skipped: the server could not keep up */
  guint64 behind;               /* most ticks waiting at the end of a call */
  gint64  busy_us;
} Counters;

struct _JbSimulator
{
  GObject             parent_instance;

  /* Owned references */
  JbDispatch         *dispatch;
  GRand              *rand;
  char               *bearer;
  char               *roster_bearer; /* the demo dispatcher: shift changes only */
  GArray             *units;        /* SimUnit */
  GArray             *terminals;    /* SimTerminal */
  GArray             *stations;     /* SimStation */
  GHashTable         *unit_index;   /* id → index + 1 */
  GHashTable         *incidents;    /* id → SimIncident */
  GArray             *responders;   /* guint unit index */
  GArray             *buttons;      /* guint terminal index: alarm buttons */
  GArray             *cameras;      /* guint terminal index: body cameras */
  GPtrArray          *move_slots;   /* GArray of guint unit index */
  GPtrArray          *idle_slots;
  GPtrArray          *beat_slots;   /* GArray of guint terminal index */
  GString            *body;

  JbSimulatorOptions  options;
  double              time_scale;
  gboolean            loaded;
  guint               tick_id;
  gulong              event_handler;
  gint64              start_us;
  gint64              ticks_done;
  gint64              beats_done;
  gint64              next_alarm_us;
  gint64              next_silence_us;
  gint64              next_patrol_slip_us;
  GPtrArray          *callout_tasks; /* CalloutTask*: answers to send */
  GHashTable         *callouts_seen; /* "callout\nunit" already answered or queued */
  gint64              next_shift_us;
  guint               next_shift_station;
  gint64              stats_at_us;
  gint64              stats_seq;     /* the event log's seq at stats_at_us */
  gint64              run_id;
  guint64             key_counter;
  guint               errors_shown;
  Counters            period, total;

  /* Body cameras' clips: filmed and uploaded over HTTP in workers */
  char               *upload_url;   /* the server's own base URL; NULL: no clips */
  GCancellable       *cancellable;
  GHashTable         *filmed;       /* "terminal incident" → TRUE: one clip each */
  guint               clips_in_flight;
  gboolean            camera_first; /* the first alarm is a camera's report */
};

G_DEFINE_FINAL_TYPE (JbSimulator, jb_simulator, G_TYPE_OBJECT)

static void
sim_unit_clear (gpointer data)
{
  SimUnit *u = data;

  g_clear_pointer (&u->id, g_free);
  g_clear_pointer (&u->incident_id, g_free);
  g_clear_pointer (&u->grid, jb_geo_shape_unref);
}

static void
sim_terminal_clear (gpointer data)
{
  SimTerminal *t = data;

  g_clear_pointer (&t->id, g_free);
  g_clear_pointer (&t->auth, g_free);
  if (t->batch != NULL)
    g_string_free (t->batch, TRUE);
  t->batch = NULL;
}

static void
sim_station_clear (gpointer data)
{
  SimStation *s = data;

  g_clear_pointer (&s->id, g_free);
  g_clear_pointer (&s->shape, jb_geo_shape_unref);
  g_clear_pointer (&s->roster, json_object_unref);
  g_clear_pointer (&s->pool, g_ptr_array_unref);
}

static GPtrArray *
new_wheel (guint n_slots)
{
  GPtrArray *wheel = g_ptr_array_new_full (n_slots, (GDestroyNotify) g_array_unref);

  for (guint i = 0; i < n_slots; i++)
    g_ptr_array_add (wheel, g_array_new (FALSE, FALSE, sizeof (guint)));
  return wheel;
}

static void
wheel_add (GPtrArray *wheel,
           guint      slot,
           guint      index)
{
  g_array_append_val (g_ptr_array_index (wheel, slot % wheel->len), index);
}

static inline SimUnit *
unit_at (JbSimulator *self,
         guint        i)
{
  return &g_array_index (self->units, SimUnit, i);
}

static inline SimTerminal *
terminal_at (JbSimulator *self,
             int          i)
{
  return &g_array_index (self->terminals, SimTerminal, i);
}

static double
rand_range (JbSimulator *self,
            double       lo,
            double       hi)
{
  return g_rand_double_range (self->rand, lo, hi);
}

/* A scripted delay. */
static gint64
rand_us (JbSimulator *self,
         double       lo_s,
         double       hi_s)
{
  return (gint64) (rand_range (self, lo_s, hi_s) * self->time_scale * US);
}

/* ------------------------------------------------------------ requests */

static void
report_error (JbSimulator *self,
              const char  *method,
              const char  *path,
              const char  *who,
              guint        status,
              GBytes      *answer)
{
  gsize len = 0;
  const char *text = answer != NULL ? g_bytes_get_data (answer, &len) : "";

  self->period.errors++;
  self->total.errors++;
  /* Every error is counted in the periodic line; the first few of each
   * period are shown in full. */
  if (self->errors_shown++ < 5)
    g_printerr ("jb-simulator: %s %s as %s → %u %.*s\n", method, path, who, status,
                (int) MIN (len, 300), text);
}

/* One call of the single entry point, as the HTTP layer would make it.
 * Returns the answer when it had the @expected status, NULL otherwise
 * (after reporting it). */
static GBytes *
call (JbSimulator *self,
      const char  *method,
      const char  *path,
      const char  *authorization,
      const char  *who,
      gboolean     idempotent,
      const char  *body,
      gsize        body_len,
      guint        expected)
{
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autofree char *key = NULL;
  guint status = 0;
  gint64 t0;

  if (body != NULL)
    request = g_bytes_new (body, body_len);
  if (idempotent)
    key = g_strdup_printf ("sim-%" G_GINT64_FORMAT "-%" G_GUINT64_FORMAT, self->run_id, ++self->key_counter);

  t0 = g_get_monotonic_time ();
  answer = jb_dispatch_handle (self->dispatch, method, path, NULL, authorization, key, request, &status, NULL);
  self->period.busy_us += g_get_monotonic_time () - t0;
  self->period.requests++;
  self->total.requests++;

  if (status != expected)
    {
      report_error (self, method, path, who, status, answer);
      return NULL;
    }
  return answer != NULL ? g_steal_pointer (&answer) : g_bytes_new_static ("", 0);
}

static gboolean
device_post (JbSimulator *self,
             int          terminal,
             const char  *path,
             gboolean     idempotent,
             GString     *body,
             guint        expected)
{
  SimTerminal *t = terminal_at (self, terminal);
  g_autoptr(GBytes) answer = NULL;

  answer = call (self, "POST", path, t->auth, t->id, idempotent,
                 body != NULL ? body->str : NULL, body != NULL ? body->len : 0, expected);
  return answer != NULL;
}

/* @value with @decimals decimals, as "%.Nf" writes it (but for a tie,
 * which rounds away from zero here): with integer arithmetic, since
 * every fix of a 20,000-unit flood is written so, and glibc's exact
 * conversion costs the server's core ten times as much. */
static void
append_fixed (GString *out,
              double   value,
              guint    decimals)
{
  static const double scales[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7 };
  char text[48];
  char *p = text + sizeof text;
  guint64 n, whole;
  gboolean negative;

  g_return_if_fail (decimals < G_N_ELEMENTS (scales));
  if (!isfinite (value) || fabs (value) >= 1e9)
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];
      char format[8];

      g_snprintf (format, sizeof format, "%%.%uf", decimals);
      g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, format, value));
      return;
    }
  n = (guint64) llround (fabs (value) * scales[decimals]);
  negative = value < 0 && n != 0;
  whole = n / (guint64) scales[decimals];
  for (guint i = 0; i < decimals; i++, n /= 10)
    *--p = (char) ('0' + n % 10);
  if (decimals > 0)
    *--p = '.';
  do
    *--p = (char) ('0' + whole % 10);
  while ((whole /= 10) != 0);
  if (negative)
    *--p = '-';
  g_string_append_len (out, p, text + sizeof text - p);
}

/* The members of a Position, without braces. */
static void
append_fix (JbSimulator *self,
            GString     *out,
            SimUnit     *u,
            gint64       now_ms)
{
  g_string_append (out, "\"lat\":");
  append_fixed (out, u->lat, 7);
  g_string_append (out, ",\"lon\":");
  append_fixed (out, u->lon, 7);
  if (u->speed > 0.05)
    {
      g_string_append (out, ",\"heading\":");
      append_fixed (out, fmod (u->heading + 360.0, 360.0) >= 359.95 ? 0.0 : fmod (u->heading + 360.0, 360.0), 1);
    }
  else
    g_string_append (out, ",\"heading\":null");
  g_string_append (out, ",\"speed\":");
  append_fixed (out, u->speed, 2);
  g_string_append (out, ",\"accuracy\":");
  append_fixed (out, u->kind == JB_UNIT_KIND_PATROL_CAR ? rand_range (self, 3, 8) : rand_range (self, 4, 15), 0);
  g_string_append_printf (out, ",\"time\":%" G_GINT64_FORMAT, now_ms);
}

static void
flush_batch (JbSimulator *self,
             int          gateway)
{
  SimTerminal *t = terminal_at (self, gateway);

  if (t->batch == NULL || t->batch_n == 0)
    return;

  g_string_append (t->batch, "]}");
  self->period.batches++;
  self->total.batches++;
  if (device_post (self, gateway, "/api/v1/device/positions", FALSE, t->batch, 202))
    {
      self->period.positions += t->batch_n;
      self->total.positions += t->batch_n;
    }
  g_string_truncate (t->batch, 0);
  t->batch_n = 0;
}

/* A gateway sends what it gathered about once a second (the gateways
 * staggered over the second), or as soon as it has MAX_BATCH items. */
static void
flush_batches (JbSimulator *self,
               gint64       now_us,
               gboolean     all)
{
  for (guint i = 0; i < self->terminals->len; i++)
    {
      SimTerminal *t = terminal_at (self, i);

      if (t->batch_n > 0 && (all || now_us >= t->flush_at))
        {
          flush_batch (self, i);
          t->flush_at = MAX (t->flush_at + US, now_us);
        }
    }
}

/* Sends the unit's current fix: through its own device now and then (or
 * always, for police), otherwise in its gateway's batch. */
static void
report_position (JbSimulator *self,
                 SimUnit     *u,
                 gint64       now_us,
                 gboolean     prefer_own)
{
  gint64 now_ms = g_get_real_time () / 1000;
  gboolean own_ok = u->own >= 0 && terminal_at (self, u->own)->silent_until <= now_us;

  if (u->mute_until > now_us)
    return;
  if (u->gateway >= 0 && !(own_ok && (prefer_own || g_rand_double (self->rand) < 0.15)))
    {
      SimTerminal *g = terminal_at (self, u->gateway);

      if (g->batch == NULL)
        g->batch = g_string_sized_new (4096);
      g_string_append (g->batch, g->batch_n == 0 ? "{\"items\":[" : ",");
      g_string_append (g->batch, "{\"unit_id\":\"");
      g_string_append (g->batch, u->id);
      g_string_append (g->batch, "\",");
      append_fix (self, g->batch, u, now_ms);
      g_string_append_c (g->batch, '}');
      if (++g->batch_n >= MAX_BATCH)
        flush_batch (self, u->gateway);
    }
  else if (own_ok)
    {
      g_string_truncate (self->body, 0);
      g_string_append_c (self->body, '{');
      append_fix (self, self->body, u, now_ms);
      g_string_append_c (self->body, '}');
      if (device_post (self, u->own, "/api/v1/device/position", FALSE, self->body, 202))
        {
          self->period.positions++;
          self->total.positions++;
        }
    }
}

/* ------------------------------------------------------------- motion */

static gboolean
in_station (JbSimulator *self,
            SimUnit     *u,
            double       lat,
            double       lon)
{
  SimStation *s = &g_array_index (self->stations, SimStation, u->station);

  return s->shape == NULL || jb_geo_shape_contains (s->shape, lat, lon);
}

static void
pick_waypoint (JbSimulator *self,
               SimUnit     *u)
{
  double radius, lat = u->home_lat, lon = u->home_lon;
  double from_lat = u->home_lat, from_lon = u->home_lon;

  switch (u->kind)
    {
    case JB_UNIT_KIND_GUARD:
      radius = 250;
      break;
    case JB_UNIT_KIND_VOLUNTEER:
      radius = 700;
      break;
    case JB_UNIT_KIND_OFFICER:
      radius = 900;
      break;
    case JB_UNIT_KIND_PATROL_CAR:
    case JB_UNIT_KIND_N:
    default:
      /* cars roam the whole jurisdiction, a few kilometres at a time */
      radius = 3000;
      from_lat = u->lat, from_lon = u->lon;
      break;
    }

  for (guint tries = 0; tries < 20; tries++)
    {
      double la, lo;

      jb_geo_destination (from_lat, from_lon, rand_range (self, 0, 360),
                          radius * sqrt (g_rand_double (self->rand)), &la, &lo);
      if (in_station (self, u, la, lo) &&
          (u->grid == NULL || jb_geo_shape_contains (u->grid, la, lo) != u->wander))
        {
          lat = la, lon = lo;
          break;
        }
    }

  u->wander = FALSE;
  u->way_lat = lat;
  u->way_lon = lon;
  u->has_way = TRUE;
  /* Cars follow streets, roughly: one leg east–west, one north–south. */
  u->has_corner = u->kind == JB_UNIT_KIND_PATROL_CAR;
  if (u->has_corner)
    {
      gboolean lon_first = g_rand_boolean (self->rand);

      u->corner_lat = lon_first ? u->lat : lat;
      u->corner_lon = lon_first ? lon : u->lon;
      if (!in_station (self, u, u->corner_lat, u->corner_lon))
        u->has_corner = FALSE;
    }
}

static double
pause_s (JbSimulator *self,
         SimUnit     *u)
{
  switch (u->kind)
    {
    case JB_UNIT_KIND_PATROL_CAR:
      return rand_range (self, 20, 120);
    case JB_UNIT_KIND_VOLUNTEER:
      return rand_range (self, 5, 40);
    case JB_UNIT_KIND_GUARD:
    case JB_UNIT_KIND_OFFICER:
    case JB_UNIT_KIND_N:
    default:
      return rand_range (self, 10, 60);
    }
}

/* Moves @u towards (@lat, @lon) for @dt seconds at @speed; TRUE on arrival. */
static gboolean
move_towards (SimUnit *u,
              double   lat,
              double   lon,
              double   speed,
              double  *dt)
{
  double d = jb_geo_distance_m (u->lat, u->lon, lat, lon);

  if (d < 0.5)
    return TRUE;
  u->heading = jb_geo_bearing_deg (u->lat, u->lon, lat, lon);
  u->speed = speed;
  if (speed * *dt >= d)
    {
      *dt -= d / speed;
      u->lat = lat, u->lon = lon;
      return TRUE;
    }
  jb_geo_destination (u->lat, u->lon, u->heading, speed * *dt, &u->lat, &u->lon);
  *dt = 0;
  return FALSE;
}

/* Patrol: walk (or drive) from waypoint to waypoint, pausing at each. */
static void
advance_patrol (JbSimulator *self,
                SimUnit     *u,
                gint64       now_us)
{
  double dt = (now_us - u->advanced_at) / (double) US;

  u->advanced_at = now_us;
  for (guint legs = 0; dt > 0 && legs < 4; legs++)
    {
      if (u->pause_until > now_us)
        {
          u->speed = 0;
          return;
        }
      if (!u->has_way)
        pick_waypoint (self, u);

      if (u->has_corner)
        {
          if (move_towards (u, u->corner_lat, u->corner_lon, u->cruise, &dt))
            u->has_corner = FALSE;
          continue;
        }

      if (move_towards (u, u->way_lat, u->way_lon, u->cruise, &dt))
        {
          u->has_way = FALSE;
          u->speed = 0;
          u->pause_until = now_us + (gint64) (pause_s (self, u) * self->time_scale * US);
          return;
        }
    }
}

/* -------------------------------------------------------------- events */

static void
note_incident (JbSimulator *self,
               JsonObject  *incident)
{
  const char *id = NULL, *status = NULL;
  JsonObject *location = NULL;
  SimIncident *info;
  JbIncidentStatus st;

  if (incident == NULL ||
      !jb_json_get_string (incident, "id", TRUE, &id, NULL) ||
      !jb_json_get_string (incident, "status", FALSE, &status, NULL))
    return;
  if (status != NULL && jb_incident_status_from_string (status, &st) && !jb_incident_status_is_open (st))
    {
      g_hash_table_remove (self->incidents, id);
      return;
    }
  if (!jb_json_get_object (incident, "location", FALSE, &location, NULL) || location == NULL)
    return;

  info = g_new0 (SimIncident, 1);
  info->priority = 2;
  info->is_new = status == NULL || g_str_equal (status, "new");
  {
    SimIncident *known = g_hash_table_lookup (self->incidents, id);

    if (known != NULL)
      {
        info->assigned = known->assigned;
        info->ack_at_us = known->ack_at_us;
        info->close_at_us = known->close_at_us;
      }
    else if (self->options.handle_s > 0)
      {
        /* The room's dispatcher: takes it within a minute (the first of
         * the 1-3-5 targets), closes it after about handle_s. */
        gint64 now_us = g_get_monotonic_time ();

        info->ack_at_us = now_us + rand_us (self, 10, 60);
        info->close_at_us = now_us + rand_us (self, 0.5 * self->options.handle_s, 1.5 * self->options.handle_s);
      }
  }
  {
    const char *number = NULL;

    if (jb_json_get_string (incident, "number", FALSE, &number, NULL) && number != NULL)
      g_strlcpy (info->number, number, sizeof info->number);
  }
  jb_json_get_int (incident, "priority", FALSE, &info->priority, NULL);
  if (!jb_json_get_lat_lon (location, &info->lat, &info->lon, NULL))
    {
      g_free (info);
      return;
    }
  g_hash_table_replace (self->incidents, g_strdup (id), info);
}

static gboolean
known_incident_location (JbSimulator *self,
                         const char  *incident_id,
                         double      *lat,
                         double      *lon)
{
  SimIncident *info = g_hash_table_lookup (self->incidents, incident_id);

  if (info == NULL)
    return FALSE;
  *lat = info->lat;
  *lon = info->lon;
  return TRUE;
}

static gboolean
incident_location (JbSimulator *self,
                   const char  *incident_id,
                   double      *lat,
                   double      *lon)
{
  SimIncident *info = g_hash_table_lookup (self->incidents, incident_id);

  if (info == NULL && self->bearer != NULL)
    {
      /* Missed it (created before we started?): ask, as a viewer may. */
      g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s", incident_id);
      g_autoptr(GBytes) answer = call (self, "GET", path, self->bearer, "wall", FALSE, NULL, 0, 200);
      g_autoptr(JsonNode) root = NULL;

      if (answer != NULL &&
          (root = jb_json_parse_object (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), NULL)) != NULL)
        note_incident (self, json_node_get_object (root));
      info = g_hash_table_lookup (self->incidents, incident_id);
    }
  if (info == NULL)
    return FALSE;
  *lat = info->lat;
  *lon = info->lon;
  return TRUE;
}

static gint64
incident_priority (JbSimulator *self,
                   const char  *incident_id)
{
  SimIncident *info = g_hash_table_lookup (self->incidents, incident_id);

  return info != NULL ? info->priority : 2;
}

static void
list_responder (JbSimulator *self,
                guint        index)
{
  SimUnit *u = unit_at (self, index);

  if (!u->listed)
    {
      u->listed = TRUE;
      g_array_append_val (self->responders, index);
    }
}

/* A unit.updated: follow its status; an assignment starts a response. */
static void
note_unit (JbSimulator *self,
           JsonObject  *unit)
{
  const char *id = NULL, *status = NULL, *incident_id = NULL;
  guint index;
  SimUnit *u;
  JbUnitStatus st;

  if (unit == NULL ||
      !jb_json_get_string (unit, "id", TRUE, &id, NULL) ||
      !jb_json_get_string (unit, "status", TRUE, &status, NULL) ||
      !jb_json_get_string (unit, "incident_id", FALSE, &incident_id, NULL) ||
      !jb_unit_status_from_string (status, &st) ||
      (index = GPOINTER_TO_UINT (g_hash_table_lookup (self->unit_index, id))) == 0)
    return;

  u = unit_at (self, index - 1);
  u->status = st;

  if (incident_id == NULL)
    {
      /* Released (or never assigned): back to patrol from where it is. */
      if (u->phase != PHASE_NONE)
        {
          u->phase = PHASE_NONE;
          u->has_way = FALSE;
          u->has_corner = FALSE;
          u->speed = 0;
          u->pause_until = g_get_monotonic_time () + rand_us (self, 20, 60);
        }
      g_clear_pointer (&u->incident_id, g_free);
      return;
    }

  if (u->phase != PHASE_NONE && g_strcmp0 (u->incident_id, incident_id) == 0)
    return;   /* our own answers coming back */

  if (st == JB_UNIT_STATUS_ASSIGNED || st == JB_UNIT_STATUS_EN_ROUTE || st == JB_UNIT_STATUS_ON_SCENE)
    {
      gint64 now_us = g_get_monotonic_time ();

      g_free (u->incident_id);
      u->incident_id = g_strdup (incident_id);
      /* No requests from inside the signal: an unknown scene is looked up
       * on the next tick. */
      u->scene_known = known_incident_location (self, incident_id, &u->scene_lat, &u->scene_lon);
      u->next_step = 0;
      u->next_fix = now_us;
      /* Whoever is called switches the device on. */
      if (u->own >= 0)
        terminal_at (self, u->own)->silent_until = 0;
      if (st == JB_UNIT_STATUS_ASSIGNED)
        {
          u->phase = PHASE_ASSIGNED;
          u->phase_at = now_us + rand_us (self, 3, 10);
        }
      else if (st == JB_UNIT_STATUS_EN_ROUTE)
        u->phase = PHASE_EN_ROUTE;
      else
        {
          u->phase = PHASE_ON_SCENE;
          u->phase_at = now_us + rand_us (self, 5, 15);
        }
      u->advanced_at = now_us;
      list_responder (self, index - 1);
    }
}

static void note_callouts (JbSimulator *self,
                           JsonObject  *incident,
                           gint64       now_us);

static void
dispatch_event_cb (JbDispatch  *dispatch,
                   const char  *json_text,
                   gint64       seq,
                   JbSimulator *self)
{
  g_autoptr(JsonNode) root = NULL;
  const char *type;
  JsonObject *data = NULL;
  gboolean is_unit;

  /* Frames start {"seq":N,"type":"…": what the simulator does not follow
   * is skipped without parsing. Positions are no events: the simulator
   * keeps its own units' positions. */
  type = g_strstr_len (json_text, 48, "\"type\":\"");
  if (type == NULL)
    return;
  type += strlen ("\"type\":\"");
  is_unit = g_str_has_prefix (type, "unit.updated\"");
  if (!is_unit && !g_str_has_prefix (type, "incident."))
    return;

  root = jb_json_parse_object (json_text, -1, NULL);
  if (root == NULL || !jb_json_get_object (json_node_get_object (root), "data", TRUE, &data, NULL))
    return;

  if (is_unit)
    {
      JsonObject *unit = NULL;

      if (jb_json_get_object (data, "unit", TRUE, &unit, NULL))
        note_unit (self, unit);
    }
  else
    {
      JsonObject *incident = NULL;

      const char *change = NULL;

      if (jb_json_get_object (data, "incident", TRUE, &incident, NULL))
        {
          note_incident (self, incident);
          if (jb_json_get_string (data, "change", FALSE, &change, NULL) && g_strcmp0 (change, "callout") == 0)
            note_callouts (self, incident, g_get_monotonic_time ());
        }
    }
}

/* ------------------------------------------------------------ call-outs */

static int answering_terminal (SimUnit *u);

typedef struct
{
  char   *callout_id;
  guint   unit;
  guint   step;       /* 0 accept/decline, 1 en_route, 2 arrived */
  gboolean decline;
  gint64  at_us;
} CalloutTask;

static void
callout_task_free (gpointer data)
{
  CalloutTask *task = data;

  g_free (task->callout_id);
  g_free (task);
}

/* Most called volunteers and guards answer: about seven in ten accept, set
 * off and arrive; the others decline. */
static void
note_callouts (JbSimulator *self,
               JsonObject  *incident,
               gint64       now_us)
{
  JsonArray *callouts = NULL;

  if (!jb_json_get_array (incident, "callouts", FALSE, &callouts, NULL) || callouts == NULL)
    return;
  for (guint i = 0; i < json_array_get_length (callouts); i++)
    {
      JsonObject *callout = json_array_get_object_element (callouts, i);
      JsonArray *responders = NULL;
      const char *callout_id = NULL;

      if (callout == NULL || !jb_json_get_string (callout, "id", TRUE, &callout_id, NULL) ||
          !jb_json_get_array (callout, "responders", TRUE, &responders, NULL))
        continue;
      for (guint k = 0; k < json_array_get_length (responders); k++)
        {
          JsonObject *responder = json_array_get_object_element (responders, k);
          const char *unit_id = NULL;
          guint index;
          char *key;
          CalloutTask *task;

          if (responder == NULL || !jb_json_get_string (responder, "unit_id", TRUE, &unit_id, NULL))
            continue;
          index = GPOINTER_TO_UINT (g_hash_table_lookup (self->unit_index, unit_id));
          if (index == 0 || answering_terminal (unit_at (self, index - 1)) < 0)
            continue;
          key = g_strconcat (callout_id, "\n", unit_id, NULL);
          if (!g_hash_table_add (self->callouts_seen, key))
            continue;
          task = g_new0 (CalloutTask, 1);
          task->callout_id = g_strdup (callout_id);
          task->unit = index - 1;
          task->decline = g_rand_double (self->rand) < 0.3;
          task->at_us = now_us + rand_us (self, 5, 40);
          g_ptr_array_add (self->callout_tasks, task);
        }
    }
}

static void
step_callouts (JbSimulator *self,
               gint64       now_us)
{
  for (guint i = 0; i < self->callout_tasks->len; )
    {
      CalloutTask *task = g_ptr_array_index (self->callout_tasks, i);
      SimUnit *u = unit_at (self, task->unit);
      g_autofree char *path = NULL;
      const char *answer;

      if (task->at_us > now_us)
        {
          i++;
          continue;
        }
      answer = task->decline ? "decline" : task->step == 0 ? "accept" : task->step == 1 ? "en_route" : "arrived";
      path = g_strdup_printf ("/api/v1/device/callouts/%s/answer", task->callout_id);
      g_string_truncate (self->body, 0);
      g_string_append_printf (self->body, "{\"answer\":\"%s\",\"unit_id\":\"%s\"}", answer, u->id);
      /* A call-out whose incident ended answers 409: that ends it here too. */
      if (!device_post (self, answering_terminal (u), path, FALSE, self->body, 200))
        {
          g_ptr_array_remove_index_fast (self->callout_tasks, i);
          continue;
        }
      self->period.answers++;
      self->total.answers++;
      if (task->decline || task->step == 2)
        {
          g_ptr_array_remove_index_fast (self->callout_tasks, i);
          continue;
        }
      task->step++;
      task->at_us = now_us + (task->step == 1 ? rand_us (self, 5, 30) : rand_us (self, 60, 240));
      i++;
    }
}

/* ------------------------------------------------------------ response */

/* The unit answers through its own device, or else through its company's
 * gateway, which names the unit it speaks for. */
static int
answering_terminal (SimUnit *u)
{
  return u->own >= 0 ? u->own : u->gateway;
}

static void
append_answering_unit (GString *body,
                       SimUnit *u)
{
  if (u->own < 0)
    g_string_append_printf (body, ",\"unit_id\":\"%s\"", u->id);
}

static gboolean
post_assignment_state (JbSimulator *self,
                       SimUnit     *u,
                       const char  *state)
{
  g_string_truncate (self->body, 0);
  g_string_append_printf (self->body, "{\"incident_id\":\"%s\",\"state\":\"%s\"", u->incident_id, state);
  append_answering_unit (self->body, u);
  g_string_append_c (self->body, '}');
  self->period.answers++;
  self->total.answers++;
  return device_post (self, answering_terminal (u), "/api/v1/device/assignment", TRUE, self->body, 200);
}

/* ---------------------------------------------------------------- clips */

static void
clip_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  JbSimulator *self = JB_SIMULATOR (object);
  JbSimCameraJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *clip_id = g_task_propagate_pointer (G_TASK (result), &error);

  self->clips_in_flight--;
  if (clip_id == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->period.clip_errors++;
      self->total.clip_errors++;
      g_printerr ("jb-simulator: %s could not upload its clip of %s: %s\n",
                  job->terminal_id, job->incident_id, error->message);
      return;
    }
  self->period.clips++;
  self->total.clips++;
  if (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (result), "jb-resumed")))
    {
      self->period.clips_resumed++;
      self->total.clips_resumed++;
    }
}

static void
clip_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  gboolean resumed = FALSE;
  char *clip_id = jb_sim_camera_film_and_upload (task_data, &resumed, cancellable, &error);

  g_object_set_data (G_OBJECT (task), "jb-resumed", GINT_TO_POINTER (resumed));
  if (clip_id == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, clip_id, g_free);
}

/* The body camera @terminal films the scene of @incident_id and uploads
 * the clip, once per camera and incident, off the main loop. */
static void
film_clip (JbSimulator *self,
           int          terminal,
           const char  *incident_id,
           const char  *number,
           double       lat,
           double       lon)
{
  SimTerminal *t = terminal_at (self, terminal);
  g_autoptr(JbSimCameraJob) job = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *key = NULL;
  SimIncident *info;

  if (self->upload_url == NULL || t->kind != JB_TERMINAL_KIND_BODY_CAMERA ||
      self->clips_in_flight >= MAX_CLIPS_IN_FLIGHT)
    return;
  key = g_strconcat (t->id, " ", incident_id, NULL);
  if (g_hash_table_contains (self->filmed, key))
    return;
  if (number == NULL && (info = g_hash_table_lookup (self->incidents, incident_id)) != NULL &&
      info->number[0] != '\0')
    number = info->number;
  g_hash_table_add (self->filmed, g_steal_pointer (&key));

  job = g_new0 (JbSimCameraJob, 1);
  job->base_url = g_strdup (self->upload_url);
  job->authorization = g_strdup (t->auth);
  job->terminal_id = g_strdup (t->id);
  job->incident_id = g_strdup (incident_id);
  job->incident_number = g_strdup (number != NULL ? number : incident_id);
  job->seconds = (guint) g_rand_int_range (self->rand, 5, 11);
  job->width = 640;
  job->height = 360;
  /* Now and then the 4G link drops half-way: resumed from HEAD. */
  job->interrupt = g_rand_double (self->rand) < 0.35;
  job->has_location = TRUE;
  job->lat = lat;
  job->lon = lon;

  self->clips_in_flight++;
  task = g_task_new (self, self->cancellable, clip_done_cb, NULL);
  g_task_set_task_data (task, g_steal_pointer (&job), (GDestroyNotify) jb_sim_camera_job_free);
  g_task_run_in_thread (task, clip_thread);
}

static double
response_speed (JbSimulator *self,
                SimUnit     *u)
{
  switch (u->kind)
    {
    case JB_UNIT_KIND_PATROL_CAR:
      return rand_range (self, 9, 13);
    case JB_UNIT_KIND_GUARD:
      return rand_range (self, 2.5, 3.5);   /* running */
    case JB_UNIT_KIND_OFFICER:
      return rand_range (self, 2.0, 3.0);
    case JB_UNIT_KIND_VOLUNTEER:
    case JB_UNIT_KIND_N:
    default:
      return rand_range (self, 1.6, 2.2);
    }
}

static void
step_response (JbSimulator *self,
               guint        index,
               gint64       now_us)
{
  static const char * const steps[] = { "separate", "mediate", "calm", "wait_for_police" };
  SimUnit *u = unit_at (self, index);
  gboolean can_answer = answering_terminal (u) >= 0;

  if (!can_answer && u->phase == PHASE_ASSIGNED && !u->warned)
    {
      /* No device of its own and no gateway: nobody can answer for it.
       * (The demo city has none such; another city might.) */
      u->warned = TRUE;
      self->period.unreachable++;
      self->total.unreachable++;
    }

  if (u->phase != PHASE_NONE && !u->scene_known)
    {
      /* Missed the incident (created before we started?): ask, as a
       * viewer may; failing that, the unit stays where it is. */
      if (!incident_location (self, u->incident_id, &u->scene_lat, &u->scene_lon))
        {
          u->scene_lat = u->lat;
          u->scene_lon = u->lon;
        }
      u->scene_known = TRUE;
      if (u->phase == PHASE_NONE)
        return;
    }

  switch (u->phase)
    {
    case PHASE_NONE:
      return;

    case PHASE_ASSIGNED:
      if (now_us < u->phase_at)
        return;
      if (can_answer && incident_priority (self, u->incident_id) >= 3 &&
          g_rand_double (self->rand) < 0.05)
        {
          /* now and then a unit cannot go to a minor call */
          post_assignment_state (self, u, "declined");
          u->phase = PHASE_NONE;
          return;
        }
      if (can_answer)
        post_assignment_state (self, u, "accepted");
      u->phase = PHASE_ACCEPTED;
      u->phase_at = now_us + rand_us (self, 1, 4);
      return;

    case PHASE_ACCEPTED:
      if (now_us < u->phase_at)
        return;
      if (can_answer)
        post_assignment_state (self, u, "en_route");
      u->phase = PHASE_EN_ROUTE;
      u->cruise = response_speed (self, u);
      u->advanced_at = now_us;
      u->next_fix = now_us;
      u->has_corner = FALSE;
      return;

    case PHASE_EN_ROUTE:
      {
        double dt = (now_us - u->advanced_at) / (double) US;

        u->advanced_at = now_us;
        if (move_towards (u, u->scene_lat, u->scene_lon, u->cruise, &dt) ||
            jb_geo_distance_m (u->lat, u->lon, u->scene_lat, u->scene_lon) < ARRIVED_M)
          {
            u->speed = 0;
            report_position (self, u, now_us, TRUE);
            if (can_answer)
              post_assignment_state (self, u, "on_scene");
            /* A guard's body camera films what it finds. */
            if (u->own >= 0)
              film_clip (self, u->own, u->incident_id, NULL, u->lat, u->lon);
            u->phase = u->kind == JB_UNIT_KIND_GUARD || u->kind == JB_UNIT_KIND_VOLUNTEER
                       ? PHASE_ON_SCENE : PHASE_HOLD;
            u->phase_at = now_us + rand_us (self, 3, 8);
            u->next_fix = now_us + ON_SCENE_FIX_S * US;
            return;
          }
        if (now_us >= u->next_fix)
          {
            report_position (self, u, now_us, TRUE);
            u->next_fix = now_us + EN_ROUTE_FIX_S * US;
          }
        return;
      }

    case PHASE_ON_SCENE:
      if (now_us >= u->phase_at && u->next_step < G_N_ELEMENTS (steps))
        {
          /* 先隔开、再劝解、稳情绪、等民警 */
          if (can_answer)
            {
              g_string_truncate (self->body, 0);
              g_string_append_printf (self->body, "{\"incident_id\":\"%s\",\"step\":\"%s\"",
                                      u->incident_id, steps[u->next_step]);
              append_answering_unit (self->body, u);
              g_string_append_c (self->body, '}');
              self->period.steps++;
              self->total.steps++;
              device_post (self, answering_terminal (u), "/api/v1/device/procedure", TRUE, self->body, 200);
            }
          u->next_step++;
          u->phase_at = now_us + rand_us (self, 10, 20);
          if (u->next_step == G_N_ELEMENTS (steps))
            u->phase = PHASE_HOLD;
        }
      G_GNUC_FALLTHROUGH;

    case PHASE_HOLD:
    default:
      if (now_us >= u->next_fix)
        {
          u->speed = 0;
          report_position (self, u, now_us, TRUE);
          u->next_fix = now_us + ON_SCENE_FIX_S * US;
        }
      return;
    }
}

static void
step_responders (JbSimulator *self,
                 gint64       now_us)
{
  guint kept = 0;

  /* Index-based: answers emit events that may list more responders. */
  for (guint i = 0; i < self->responders->len; i++)
    {
      guint index = g_array_index (self->responders, guint, i);

      step_response (self, index, now_us);
    }

  for (guint i = 0; i < self->responders->len; i++)
    {
      guint index = g_array_index (self->responders, guint, i);

      if (unit_at (self, index)->phase != PHASE_NONE)
        g_array_index (self->responders, guint, kept++) = index;
      else
        unit_at (self, index)->listed = FALSE;
    }
  g_array_set_size (self->responders, kept);
}

/* -------------------------------------------------------------- alarms */

typedef struct
{
  JbIncidentType type;
  guint          weight;
  gint           priority;
  const char    *descriptions[3];
} AlarmKind;

static const AlarmKind alarm_kinds[] = {
  { JB_INCIDENT_TYPE_FIGHT, 28, 1,
    { "包间内两伙客人发生冲突，已有人动手", "门口有人打架，有人受伤", "酒后斗殴，双方约五六人" } },
  { JB_INCIDENT_TYPE_DISPUTE, 30, 2,
    { "顾客与店员因消费金额发生纠纷", "两名顾客因排队问题发生争吵", "业主与物业因停车问题发生纠纷" } },
  { JB_INCIDENT_TYPE_THEFT, 12, 2,
    { "顾客反映手机被盗", "店内发现有人偷拿商品", "电动车电瓶被盗" } },
  { JB_INCIDENT_TYPE_HARASSMENT, 12, 2,
    { "有醉酒男子骚扰女顾客", "有人在店内滋事骚扰", "有人尾随骚扰学生" } },
  { JB_INCIDENT_TYPE_SUSPICIOUS, 10, 3,
    { "有可疑人员在门口长时间徘徊", "发现无人认领的可疑包裹", "有人多次试拉车门" } },
  { JB_INCIDENT_TYPE_MEDICAL, 5, 1,
    { "有老人晕倒，需要急救", "顾客突发疾病倒地", "有人摔伤流血" } },
  { JB_INCIDENT_TYPE_FIRE, 3, 1,
    { "后厨冒烟，疑似起火", "配电箱冒烟有焦味", "楼道内电动车起火" } },
};

static const char * const guard_reports[] = {
  "巡逻发现有人在路边争吵，情绪激动", "巡逻发现可疑人员翻越围墙", "巡逻发现两人推搡，已上前劝阻",
  "巡逻发现醉酒人员倒地", "巡逻发现有人撬电动车锁",
};

static int
pick_talking (JbSimulator *self,
              GArray      *candidates,
              gint64       now_us)
{
  for (guint tries = 0; tries < 10 && candidates->len > 0; tries++)
    {
      guint i = g_array_index (candidates, guint, g_rand_int_range (self->rand, 0, candidates->len));

      if (terminal_at (self, i)->silent_until <= now_us)
        return i;
    }
  return -1;
}

/* A guard escalates what it sees to the command room through its body
 * camera: the report, then the camera's clip of the scene. */
static void
report_from_camera (JbSimulator *self,
                    int          terminal,
                    SimUnit     *u)
{
  SimTerminal *t = terminal_at (self, terminal);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *id = NULL, *number = NULL;

  self->period.alarms++;
  self->total.alarms++;
  answer = call (self, "POST", "/api/v1/device/alarm", t->auth, t->id, TRUE,
                 self->body->str, self->body->len, 201);
  if (answer == NULL)
    return;
  self->camera_first = FALSE;
  root = jb_json_parse_object (g_bytes_get_data (answer, NULL), (gssize) g_bytes_get_size (answer), NULL);
  if (root == NULL ||
      !jb_json_get_string (json_node_get_object (root), "id", TRUE, &id, NULL) ||
      !jb_json_get_string (json_node_get_object (root), "number", FALSE, &number, NULL))
    return;
  film_clip (self, terminal, id, number, u->lat, u->lon);
}

static void
raise_alarm (JbSimulator *self,
             gint64       now_us)
{
  int terminal;

  g_string_truncate (self->body, 0);

  /* About one in five is a guard's report from the body camera (and the
   * first one of a run, so that a clip shows early). */
  if (self->cameras->len > 0 && (self->camera_first || g_rand_double (self->rand) < 0.2) &&
      (terminal = pick_talking (self, self->cameras, now_us)) >= 0 &&
      terminal_at (self, terminal)->unit >= 0)
    {
      SimUnit *u = unit_at (self, terminal_at (self, terminal)->unit);

      if (u->status == JB_UNIT_STATUS_OFF_DUTY || u->phase != PHASE_NONE)
        return;
      g_string_append_printf (self->body, "{\"type\":\"%s\",\"priority\":%d,\"description\":\"%s\",\"location\":{\"lat\":",
                              g_rand_boolean (self->rand) ? "suspicious" : "dispute",
                              g_rand_int_range (self->rand, 2, 4),
                              guard_reports[g_rand_int_range (self->rand, 0, G_N_ELEMENTS (guard_reports))]);
      append_fixed (self->body, u->lat, 7);
      g_string_append (self->body, ",\"lon\":");
      append_fixed (self->body, u->lon, 7);
      g_string_append (self->body, "}}");
      report_from_camera (self, terminal, u);
      return;
    }
  else
    {
      guint total = 0, r;
      const AlarmKind *kind = &alarm_kinds[0];

      if ((terminal = pick_talking (self, self->buttons, now_us)) < 0)
        return;
      for (guint i = 0; i < G_N_ELEMENTS (alarm_kinds); i++)
        total += alarm_kinds[i].weight;
      r = g_rand_int_range (self->rand, 0, total);
      for (guint i = 0; i < G_N_ELEMENTS (alarm_kinds); i++)
        {
          if (r < alarm_kinds[i].weight)
            {
              kind = &alarm_kinds[i];
              break;
            }
          r -= alarm_kinds[i].weight;
        }
      g_string_append_printf (self->body, "{\"type\":\"%s\",\"priority\":%d,\"description\":\"%s\"}",
                              jb_incident_type_to_string (kind->type), kind->priority,
                              kind->descriptions[g_rand_int_range (self->rand, 0, 3)]);
    }

  self->period.alarms++;
  self->total.alarms++;
  device_post (self, terminal, "/api/v1/device/alarm", TRUE, self->body, 201);
}

static gint64
next_alarm_delay_us (JbSimulator *self)
{
  double rate = self->options.alarms_per_min / 60.0;

  /* Poisson arrivals: exponential gaps. */
  return (gint64) (-log (1.0 - g_rand_double (self->rand)) / rate * US);
}

/* A few terminals go quiet for a while (long enough to be marked offline:
 * 3 × 60 s) and come back. Gateways stay up. */
static void
silence_one (JbSimulator *self,
             gint64       now_us)
{
  guint i = g_rand_int_range (self->rand, 0, self->terminals->len);
  SimTerminal *t = terminal_at (self, i);

  if (t->gateway || t->silent_until > now_us ||
      (t->unit >= 0 && unit_at (self, t->unit)->phase != PHASE_NONE))
    return;
  t->silent_until = now_us + rand_us (self, 200, 420);
}

/* Now and then a patrolling grid member slips: a moving one heads out of
 * its grid (the server raises left_grid), or one goes quiet for a little
 * longer than the server's silence limit (silent). Both come back. */
static void
patrol_slip (JbSimulator *self,
             gint64       now_us)
{
  for (guint tries = 0; tries < 50; tries++)
    {
      SimUnit *u = unit_at (self, g_rand_int_range (self->rand, 0, self->units->len));

      if (u->grid == NULL || u->phase != PHASE_NONE || u->status != JB_UNIT_STATUS_AVAILABLE ||
          u->mute_until > now_us)
        continue;
      if (u->moving && (self->options.patrol_silence_s == 0 || g_rand_boolean (self->rand)))
        {
          u->wander = TRUE;
          u->has_way = FALSE;
          u->pause_until = 0;
        }
      else if (self->options.patrol_silence_s > 0)
        u->mute_until = now_us + (gint64) ((self->options.patrol_silence_s + rand_range (self, 20, 90) * self->time_scale) * US);
      return;
    }
}

/* A shift change: one station's duty officers hand over to the next ones
 * of its officers, through PUT /stations/{id}/roster as the demo
 * dispatcher (a roster is a person's command, not a device's report). The
 * leader and the desk phone stay. */
static void
change_shift (JbSimulator *self)
{
  SimStation *s = &g_array_index (self->stations, SimStation, self->next_shift_station++ % self->stations->len);
  g_autoptr(JsonObject) roster = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GTimeZone) china = g_time_zone_new_offset (8 * 3600);
  g_autoptr(GDateTime) today = g_date_time_new_now (china);
  g_autoptr(GBytes) answer = NULL;
  g_autofree char *date = g_date_time_format (today, "%Y-%m-%d");
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  JsonArray *officers, *current;
  guint n;
  gsize len;

  if (self->roster_bearer == NULL || s->roster == NULL || s->pool == NULL || s->pool->len == 0 ||
      !json_object_has_member (s->roster, "leader") || !json_object_has_member (s->roster, "phone"))
    return;
  current = json_object_has_member (s->roster, "officers")
              ? json_object_get_array_member (s->roster, "officers") : NULL;
  n = current != NULL ? json_array_get_length (current) : 0;
  n = CLAMP (n, 1, MIN (5, s->pool->len));

  roster = json_object_new ();
  json_object_set_string_member (roster, "date", date);
  json_object_set_member (roster, "leader", json_node_copy (json_object_get_member (s->roster, "leader")));
  officers = json_array_new ();
  for (guint k = 0; k < n; k++)
    json_array_add_object_element (officers,
                                   json_object_ref (g_ptr_array_index (s->pool, (s->next_officer + k) % s->pool->len)));
  json_object_set_array_member (roster, "officers", officers);
  json_object_set_member (roster, "phone", json_node_copy (json_object_get_member (s->roster, "phone")));

  node = json_node_init_object (json_node_alloc (), roster);
  text = jb_json_to_string (node, &len);
  path = g_strdup_printf ("/api/v1/stations/%s/roster", s->id);
  answer = call (self, "PUT", path, self->roster_bearer, "dispatcher", TRUE, text, len, 200);
  if (answer == NULL)
    return;
  s->next_officer = (s->next_officer + n) % s->pool->len;
  g_clear_pointer (&s->roster, json_object_unref);
  s->roster = json_object_ref (roster);
  self->period.rosters++;
  self->total.rosters++;
}

/* ---------------------------------------------------------- dispatcher */

/* The nearest unit a dispatcher would send: an officer or a patrol car on
 * patrol, free, with a device to answer on; -1 when there is none. */
static int
nearest_free_unit (JbSimulator *self,
                   double       lat,
                   double       lon)
{
  double best_m = G_MAXDOUBLE;
  int best = -1;

  for (guint i = 0; i < self->units->len; i++)
    {
      SimUnit *u = unit_at (self, i);
      double m;

      if ((u->kind != JB_UNIT_KIND_OFFICER && u->kind != JB_UNIT_KIND_PATROL_CAR) ||
          u->status != JB_UNIT_STATUS_AVAILABLE || u->phase != PHASE_NONE || answering_terminal (u) < 0)
        continue;
      m = jb_geo_distance_m (lat, lon, u->lat, u->lon);
      if (m < best_m)
        {
          best_m = m;
          best = (int) i;
        }
    }
  return best;
}

/* A staffed room (options.handle_s > 0): the dispatcher acknowledges each
 * incident, sends the nearest free unit and later closes it, through the
 * same API the console uses, so that open incidents do not pile up. */
static void
handle_incidents (JbSimulator *self,
                  gint64       now_us)
{
  g_autoptr(GPtrArray) due = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (self->options.handle_s <= 0 || self->roster_bearer == NULL)
    return;

  /* Requests emit events that change the table: pick first, act after. */
  due = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_iter_init (&iter, self->incidents);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      SimIncident *info = value;

      if (info->close_at_us > 0 && (now_us >= info->close_at_us || (now_us >= info->ack_at_us && !info->assigned)))
        g_ptr_array_add (due, g_strdup (key));
    }

  for (guint i = 0; i < due->len; i++)
    {
      const char *id = g_ptr_array_index (due, i);
      SimIncident *info = g_hash_table_lookup (self->incidents, id);
      g_autofree char *path = NULL;
      g_autoptr(GBytes) answer = NULL;

      if (info == NULL)
        continue;
      if (now_us >= info->close_at_us)
        {
          static const char body[] = "{\"disposition\":\"resolved_on_scene\"}";

          path = g_strdup_printf ("/api/v1/incidents/%s/close", id);
          answer = call (self, "POST", path, self->roster_bearer, "dispatcher", TRUE, body, strlen (body), 200);
          if (answer != NULL)
            {
              self->period.closed++;
              self->total.closed++;
            }
          /* Closed (or not ours to close): either way it is done with. */
          g_hash_table_remove (self->incidents, id);
          continue;
        }

      info->assigned = TRUE;
      if (info->is_new)
        {
          path = g_strdup_printf ("/api/v1/incidents/%s/acknowledge", id);
          answer = call (self, "POST", path, self->roster_bearer, "dispatcher", TRUE, NULL, 0, 200);
          if (answer != NULL)
            {
              self->period.acknowledged++;
              self->total.acknowledged++;
            }
          g_clear_pointer (&answer, g_bytes_unref);
          g_clear_pointer (&path, g_free);
        }
      if ((info = g_hash_table_lookup (self->incidents, id)) != NULL)
        {
          int unit = nearest_free_unit (self, info->lat, info->lon);
          g_autofree char *body = NULL;

          if (unit < 0)
            continue;
          body = g_strdup_printf ("{\"unit_id\":\"%s\"}", unit_at (self, unit)->id);
          path = g_strdup_printf ("/api/v1/incidents/%s/assignments", id);
          answer = call (self, "POST", path, self->roster_bearer, "dispatcher", TRUE, body, strlen (body), 201);
          if (answer != NULL)
            {
              self->period.assigned++;
              self->total.assigned++;
            }
        }
    }
}

/* --------------------------------------------------------------- ticks */

static void
heartbeat (JbSimulator *self,
           guint        index,
           gint64       now_us)
{
  SimTerminal *t = terminal_at (self, index);

  if (t->silent_until > now_us)
    return;

  self->period.heartbeats++;
  self->total.heartbeats++;
  if (t->kind == JB_TERMINAL_KIND_BODY_CAMERA || t->kind == JB_TERMINAL_KIND_POLICE_HANDSET)
    {
      /* Carried devices report their battery; it runs down over a shift. */
      t->battery = MAX (5.0, t->battery - rand_range (self, 0, 0.4));
      g_string_truncate (self->body, 0);
      g_string_append_printf (self->body, "{\"battery\":%d}", (int) t->battery);
      device_post (self, index, "/api/v1/device/heartbeat", FALSE, self->body, 200);
    }
  else
    device_post (self, index, "/api/v1/device/heartbeat", FALSE, NULL, 200);
}

static void
run_tick (JbSimulator *self,
          gint64       tick,
          gint64       now_us)
{
  GArray *moving = g_ptr_array_index (self->move_slots, tick % self->move_slots->len);
  GArray *idle = g_ptr_array_index (self->idle_slots, tick % self->idle_slots->len);

  for (guint k = 0; k < moving->len; k++)
    {
      SimUnit *u = unit_at (self, g_array_index (moving, guint, k));

      if (u->phase != PHASE_NONE || u->status == JB_UNIT_STATUS_OFF_DUTY)
        continue;
      advance_patrol (self, u, now_us);
      report_position (self, u, now_us, FALSE);
    }

  for (guint k = 0; k < idle->len; k++)
    {
      SimUnit *u = unit_at (self, g_array_index (idle, guint, k));

      if (u->phase != PHASE_NONE || u->status == JB_UNIT_STATUS_OFF_DUTY)
        continue;
      u->speed = 0;
      report_position (self, u, now_us, FALSE);
    }
}

static void
print_stats (JbSimulator *self,
             gint64       now_us)
{
  double secs = (now_us - self->stats_at_us) / (double) US;
  Counters *p = &self->period;
  g_autofree char *lag = NULL;
  g_autofree char *handled = NULL;
  guint silent = 0;
  gint64 seq;

  if (self->options.handle_s > 0)
    handled = g_strdup_printf ("%" G_GUINT64_FORMAT " incidents acknowledged, %" G_GUINT64_FORMAT " units sent, %"
                               G_GUINT64_FORMAT " incidents closed (dispatcher), ", p->acknowledged, p->assigned, p->closed);
  if (p->dropped > 0 || p->behind > 1)
    lag = g_strdup_printf ("; falling behind: up to %" G_GUINT64_FORMAT " ticks late, %" G_GUINT64_FORMAT
                           " dropped", p->behind, p->dropped);

  for (guint i = 0; i < self->terminals->len; i++)
    silent += terminal_at (self, i)->silent_until > now_us;

  /* Positions are no events: the log grows by the state changes only. */
  seq = jb_dispatch_get_latest_seq (self->dispatch);
  g_printerr ("jb-simulator: %.0f s: %" G_GUINT64_FORMAT " positions (%.1f/s) in %" G_GUINT64_FORMAT
              " batches, %" G_GUINT64_FORMAT " heartbeats, %" G_GUINT64_FORMAT " alarms, %s%"
              G_GUINT64_FORMAT " assignment answers, %" G_GUINT64_FORMAT " procedure steps, %"
              G_GUINT64_FORMAT " unanswerable, %u responding, %u terminals silent, %" G_GUINT64_FORMAT
              " clips (%" G_GUINT64_FORMAT " resumed), %" G_GUINT64_FORMAT
              " errors; event log +%" G_GINT64_FORMAT " rows; dispatch busy %.1f%% (%.2f ms/request)%s\n",
              secs, p->positions, secs > 0 ? p->positions / secs : 0.0, p->batches, p->heartbeats,
              p->alarms, handled != NULL ? handled : "", p->answers, p->steps, p->unreachable, self->responders->len, silent,
              p->clips, p->clips_resumed, p->errors + p->clip_errors, seq - self->stats_seq,
              secs > 0 ? 100.0 * p->busy_us / (secs * US) : 0.0,
              p->requests > 0 ? p->busy_us / 1000.0 / p->requests : 0.0,
              lag != NULL ? lag : "");

  memset (&self->period, 0, sizeof self->period);
  self->stats_seq = seq;
  self->errors_shown = 0;
  self->stats_at_us = now_us;
}

static gboolean
tick_cb (gpointer user_data)
{
  JbSimulator *self = user_data;
  gint64 now_us = g_get_monotonic_time ();
  gint64 target = (now_us - self->start_us) / (TICK_MS * 1000);

  /* Heartbeats are never dropped: a terminal that misses three is marked
   * offline, which would be a lie. */
  while (self->beats_done < target)
    {
      GArray *beats = g_ptr_array_index (self->beat_slots, ++self->beats_done % self->beat_slots->len);

      for (guint k = 0; k < beats->len; k++)
        heartbeat (self, g_array_index (beats, guint, k), now_us);
    }

  /* Late ticks (a busy server) are caught up, a few per call so the main
   * loop (the HTTP server's too) keeps breathing; beyond MAX_CATCH_UP they
   * are dropped and counted. */
  if (target - self->ticks_done > MAX_CATCH_UP)
    {
      self->period.dropped += target - MAX_CATCH_UP - self->ticks_done;
      self->ticks_done = target - MAX_CATCH_UP;
    }
  while (self->ticks_done < target)
    {
      run_tick (self, ++self->ticks_done, now_us);
      if (g_get_monotonic_time () - now_us > TICK_BUDGET_US)
        break;
    }
  self->period.behind = MAX (self->period.behind, (guint64) (target - self->ticks_done));

  step_responders (self, now_us);
  step_callouts (self, now_us);

  while (self->options.alarms_per_min > 0 && now_us >= self->next_alarm_us)
    {
      raise_alarm (self, now_us);
      self->next_alarm_us += next_alarm_delay_us (self);
    }

  if (self->options.patrol_slips && now_us >= self->next_patrol_slip_us)
    {
      patrol_slip (self, now_us);
      self->next_patrol_slip_us = now_us + rand_us (self, 90, 240);
    }

  if (now_us >= self->next_silence_us)
    {
      silence_one (self, now_us);
      self->next_silence_us = now_us + rand_us (self, 45, 120);
    }

  handle_incidents (self, now_us);

  if (now_us >= self->next_shift_us)
    {
      change_shift (self);
      self->next_shift_us = now_us + rand_us (self, 180, 300);
    }

  flush_batches (self, now_us, FALSE);

  now_us = g_get_monotonic_time ();
  if (now_us - self->stats_at_us >= STATS_PERIOD_S * US)
    print_stats (self, now_us);

  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------- loading */

static char *
login (JbSimulator *self,
       const char  *username)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"demo\"}", username);
  g_autoptr(GBytes) answer = call (self, "POST", "/api/v1/session", NULL, username, FALSE,
                                   body, strlen (body), 201);
  g_autoptr(JsonNode) root = NULL;
  const char *token = NULL;

  if (answer == NULL ||
      (root = jb_json_parse_object (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), NULL)) == NULL ||
      !jb_json_get_string (json_node_get_object (root), "token", TRUE, &token, NULL))
    return NULL;
  return g_strconcat ("Bearer ", token, NULL);
}

static int
terminal_index_of (GHashTable *index,
                   const char *id)
{
  return id != NULL ? GPOINTER_TO_INT (g_hash_table_lookup (index, id)) - 1 : -1;
}

static void
load_stations (JbSimulator *self,
               JsonArray   *stations)
{
  for (guint i = 0; i < json_array_get_length (stations); i++)
    {
      JsonObject *o = json_array_get_object_element (stations, i);
      SimStation s = { 0 };
      JsonObject *location = NULL, *roster = NULL;
      const char *id = NULL;

      if (o == NULL || !jb_json_get_string (o, "id", TRUE, &id, NULL))
        continue;
      s.id = g_strdup (id);
      if (jb_json_get_object (o, "location", FALSE, &location, NULL) && location != NULL)
        jb_json_get_lat_lon (location, &s.lat, &s.lon, NULL);
      if (json_object_has_member (o, "jurisdiction"))
        s.shape = jb_geo_shape_new_from_json (json_object_get_member (o, "jurisdiction"), NULL);
      if (jb_json_get_object (o, "roster", FALSE, &roster, NULL) && roster != NULL)
        s.roster = json_object_ref (roster);
      s.pool = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
      g_array_append_val (self->stations, s);
    }
}

/* Every officer of a station may be on duty in a later shift; the first
 * shift change starts after the officers on today's roster. */
static void
load_roster_pools (JbSimulator *self,
                   JsonArray   *units)
{
  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonObject *o = json_array_get_object_element (units, i);
      const char *id = NULL, *kind = NULL, *name = NULL, *phone = NULL, *station_id = NULL;
      JsonObject *officer;

      if (o == NULL || !jb_json_get_string (o, "id", TRUE, &id, NULL) ||
          !jb_json_get_string (o, "kind", TRUE, &kind, NULL) || g_strcmp0 (kind, "officer") != 0 ||
          !jb_json_get_string (o, "name", TRUE, &name, NULL) ||
          !jb_json_get_string (o, "phone", TRUE, &phone, NULL) ||
          !jb_json_get_string (o, "station_id", TRUE, &station_id, NULL))
        continue;
      for (guint k = 0; k < self->stations->len; k++)
        {
          SimStation *s = &g_array_index (self->stations, SimStation, k);

          if (g_strcmp0 (s->id, station_id) != 0)
            continue;
          officer = json_object_new ();
          json_object_set_string_member (officer, "name", name);
          json_object_set_string_member (officer, "phone", phone);
          json_object_set_string_member (officer, "unit_id", id);
          g_ptr_array_add (s->pool, officer);
          break;
        }
    }
  for (guint k = 0; k < self->stations->len; k++)
    {
      SimStation *s = &g_array_index (self->stations, SimStation, k);
      JsonArray *current = s->roster != NULL && json_object_has_member (s->roster, "officers")
                             ? json_object_get_array_member (s->roster, "officers") : NULL;

      if (current != NULL && s->pool->len > 0)
        s->next_officer = json_array_get_length (current) % s->pool->len;
    }
}

static void
load_terminals (JbSimulator *self,
                JsonArray   *terminals,
                GHashTable  *index)
{
  for (guint i = 0; i < json_array_get_length (terminals); i++)
    {
      JsonObject *o = json_array_get_object_element (terminals, i);
      SimTerminal t = { 0 };
      const char *id = NULL, *kind = NULL;
      g_autofree char *secret = NULL;
      g_autofree char *credentials = NULL;
      g_autofree char *encoded = NULL;

      if (o == NULL || !jb_json_get_string (o, "id", TRUE, &id, NULL) ||
          !jb_json_get_string (o, "kind", TRUE, &kind, NULL) ||
          !jb_terminal_kind_from_string (kind, &t.kind))
        continue;
      jb_json_get_boolean (o, "gateway", FALSE, &t.gateway, NULL);
      secret = jb_demo_terminal_secret (id);
      credentials = g_strconcat (id, ":", secret, NULL);
      encoded = g_base64_encode ((const guchar *) credentials, strlen (credentials));
      t.id = g_strdup (id);
      t.auth = g_strconcat ("Basic ", encoded, NULL);
      t.unit = -1;
      t.battery = rand_range (self, 60, 100);
      g_array_append_val (self->terminals, t);
      g_hash_table_insert (index, t.id, GINT_TO_POINTER (self->terminals->len));

      if (t.kind == JB_TERMINAL_KIND_ALARM_BUTTON)
        {
          guint k = self->terminals->len - 1;
          g_array_append_val (self->buttons, k);
        }
      else if (t.kind == JB_TERMINAL_KIND_BODY_CAMERA)
        {
          guint k = self->terminals->len - 1;
          g_array_append_val (self->cameras, k);
        }
    }
}

static guint
station_index (JbSimulator *self,
               const char  *id)
{
  for (guint i = 0; i < self->stations->len; i++)
    if (g_strcmp0 (g_array_index (self->stations, SimStation, i).id, id) == 0)
      return i;
  return 0;
}

static void
load_units (JbSimulator *self,
            JsonArray   *units,
            JsonArray   *terminals,
            GHashTable  *terminal_index)
{
  g_autoptr(GHashTable) gateway_of_org = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 now_us = g_get_monotonic_time ();
  guint n_move = self->move_slots->len, n_idle = self->idle_slots->len;

  /* Which gateway relays for which organisation. */
  for (guint i = 0; i < json_array_get_length (terminals); i++)
    {
      JsonObject *o = json_array_get_object_element (terminals, i);
      const char *id = NULL, *org_id = NULL;
      gboolean gateway = FALSE;

      if (o != NULL && jb_json_get_string (o, "id", TRUE, &id, NULL) &&
          jb_json_get_boolean (o, "gateway", FALSE, &gateway, NULL) && gateway &&
          jb_json_get_string (o, "org_id", FALSE, &org_id, NULL) && org_id != NULL)
        g_hash_table_insert (gateway_of_org, (gpointer) org_id, GINT_TO_POINTER (terminal_index_of (terminal_index, id) + 1));
    }

  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonObject *o = json_array_get_object_element (units, i);
      JsonObject *position = NULL;
      const char *id = NULL, *kind = NULL, *status = NULL, *station_id = NULL, *terminal_id = NULL;
      const char *org_id = NULL;
      SimUnit u = { 0 };
      int own;
      guint index;

      if (o == NULL || !jb_json_get_string (o, "id", TRUE, &id, NULL) ||
          !jb_json_get_string (o, "kind", TRUE, &kind, NULL) ||
          !jb_json_get_string (o, "status", TRUE, &status, NULL) ||
          !jb_unit_kind_from_string (kind, &u.kind) ||
          !jb_unit_status_from_string (status, &u.status))
        continue;
      jb_json_get_string (o, "station_id", FALSE, &station_id, NULL);
      jb_json_get_string (o, "terminal_id", FALSE, &terminal_id, NULL);
      jb_json_get_string (o, "org_id", FALSE, &org_id, NULL);

      u.id = g_strdup (id);
      u.station = station_index (self, station_id);
      u.own = -1;
      u.gateway = -1;
      own = terminal_index_of (terminal_index, terminal_id);
      if (own >= 0 && !terminal_at (self, own)->gateway)
        u.own = own;
      else if (own >= 0)
        u.gateway = own;
      if (u.gateway < 0 && org_id != NULL)
        u.gateway = GPOINTER_TO_INT (g_hash_table_lookup (gateway_of_org, org_id)) - 1;

      if (jb_json_get_object (o, "position", FALSE, &position, NULL) && position != NULL &&
          jb_json_get_lat_lon (position, &u.lat, &u.lon, NULL))
        ;
      else
        {
          SimStation *s = &g_array_index (self->stations, SimStation, u.station);

          if (s->shape != NULL && !jb_geo_shape_is_empty (s->shape))
            jb_geo_shape_random_point (s->shape, self->rand, &u.lat, &u.lon);
          else
            u.lat = s->lat, u.lon = s->lon;
        }
      u.home_lat = u.lat;
      u.home_lon = u.lon;
      u.advanced_at = now_us;
      u.pause_until = now_us + rand_us (self, 0, 20);
      switch (u.kind)
        {
        case JB_UNIT_KIND_PATROL_CAR:
          u.cruise = rand_range (self, 7, 12);
          break;
        case JB_UNIT_KIND_OFFICER:
          u.cruise = rand_range (self, 1.1, 1.6);
          break;
        case JB_UNIT_KIND_VOLUNTEER:
          u.cruise = rand_range (self, 1.0, 1.4);
          break;
        case JB_UNIT_KIND_GUARD:
        case JB_UNIT_KIND_N:
        default:
          u.cruise = rand_range (self, 0.8, 1.3);
          break;
        }
      u.moving = g_rand_double (self->rand) < self->options.moving_fraction;

      g_array_append_val (self->units, u);
      index = self->units->len - 1;
      g_hash_table_insert (self->unit_index, unit_at (self, index)->id, GUINT_TO_POINTER (index + 1));
      if (u.own >= 0)
        terminal_at (self, u.own)->unit = index;

      if (u.own < 0 && u.gateway < 0)
        continue;   /* no device at all: nothing to report through */
      if (u.moving)
        wheel_add (self->move_slots, g_rand_int_range (self->rand, 0, n_move), index);
      else
        wheel_add (self->idle_slots, g_rand_int_range (self->rand, 0, n_idle), index);
    }
}

/* Grid members patrol their grid. */
static void
load_grids (JbSimulator *self,
            JsonArray   *grids)
{
  for (guint i = 0; grids != NULL && i < json_array_get_length (grids); i++)
    {
      JsonObject *o = json_array_get_object_element (grids, i);
      JsonObject *members = NULL;
      JsonArray *volunteers = NULL;
      g_autoptr(JbGeoShape) area = NULL;
      g_autoptr(GPtrArray) ids = g_ptr_array_new ();
      const char *id = NULL;

      if (o == NULL || !json_object_has_member (o, "area") ||
          !jb_json_get_object (o, "members", FALSE, &members, NULL) || members == NULL ||
          (area = jb_geo_shape_new_from_json (json_object_get_member (o, "area"), NULL)) == NULL)
        continue;
      if (jb_json_get_string (members, "officer", FALSE, &id, NULL) && id != NULL)
        g_ptr_array_add (ids, (gpointer) id);
      id = NULL;
      if (jb_json_get_string (members, "auxiliary", FALSE, &id, NULL) && id != NULL)
        g_ptr_array_add (ids, (gpointer) id);
      if (jb_json_get_array (members, "volunteers", FALSE, &volunteers, NULL) && volunteers != NULL)
        for (guint k = 0; k < json_array_get_length (volunteers); k++)
          if (json_array_get_string_element (volunteers, k) != NULL)
            g_ptr_array_add (ids, (gpointer) json_array_get_string_element (volunteers, k));
      for (guint k = 0; k < ids->len; k++)
        {
          guint index = GPOINTER_TO_UINT (g_hash_table_lookup (self->unit_index, g_ptr_array_index (ids, k)));
          SimUnit *u = index > 0 ? unit_at (self, index - 1) : NULL;

          if (u == NULL || u->grid != NULL)
            continue;
          u->grid = jb_geo_shape_ref (area);
          /* A member that lives outside its grid (the demo lists the
           * nearest volunteers when none stand in it) patrols from a
           * place inside. */
          if (!jb_geo_shape_contains (area, u->home_lat, u->home_lon) && !jb_geo_shape_is_empty (area))
            {
              jb_geo_shape_random_point (area, self->rand, &u->home_lat, &u->home_lon);
              if (u->phase == PHASE_NONE)
                u->lat = u->home_lat, u->lon = u->home_lon;
            }
        }
    }
}

/* Units already on an incident when we start pick up where they are. */
static void
resume_responses (JbSimulator *self,
                  JsonArray   *units)
{
  for (guint i = 0; i < json_array_get_length (units); i++)
    note_unit (self, json_array_get_object_element (units, i));
}

static gboolean
load_world (JbSimulator *self)
{
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) terminal_index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  JsonObject *snapshot;
  JsonArray *stations = NULL, *units = NULL, *terminals = NULL, *incidents = NULL, *grids = NULL;

  if (self->bearer == NULL && (self->bearer = login (self, "wall")) == NULL)
    {
      g_printerr ("jb-simulator: cannot log in as the demo viewer \"wall\"; not starting\n");
      return FALSE;
    }
  if (self->roster_bearer == NULL && (self->roster_bearer = login (self, "dispatcher")) == NULL)
    g_printerr ("jb-simulator: cannot log in as the demo \"dispatcher\"; no shift changes\n");

  answer = call (self, "GET", "/api/v1/snapshot", self->bearer, "wall", FALSE, NULL, 0, 200);
  if (answer == NULL)
    return FALSE;
  root = jb_json_parse_object (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), &error);
  if (root == NULL)
    {
      g_printerr ("jb-simulator: the snapshot does not parse: %s\n", error->message);
      return FALSE;
    }
  snapshot = json_node_get_object (root);
  if (!jb_json_get_array (snapshot, "stations", TRUE, &stations, &error) ||
      !jb_json_get_array (snapshot, "units", TRUE, &units, &error) ||
      !jb_json_get_array (snapshot, "terminals", TRUE, &terminals, &error) ||
      !jb_json_get_array (snapshot, "incidents", FALSE, &incidents, &error) ||
      !jb_json_get_array (snapshot, "grids", FALSE, &grids, &error))
    {
      g_printerr ("jb-simulator: unexpected snapshot: %s\n", error->message);
      return FALSE;
    }

  load_stations (self, stations);
  if (self->stations->len == 0)
    {
      g_printerr ("jb-simulator: the snapshot has no stations (import the demo city first)\n");
      return FALSE;
    }
  load_terminals (self, terminals, terminal_index);
  load_units (self, units, terminals, terminal_index);
  load_roster_pools (self, units);
  load_grids (self, grids);

  for (guint i = 0; incidents != NULL && i < json_array_get_length (incidents); i++)
    note_incident (self, json_array_get_object_element (incidents, i));
  resume_responses (self, units);

  /* Heartbeats spread evenly over the period. */
  for (guint i = 0; i < self->terminals->len; i++)
    wheel_add (self->beat_slots, g_rand_int_range (self->rand, 0, self->beat_slots->len), i);

  g_printerr ("jb-simulator: %u stations, %u units, %u terminals; moving %.0f%% at %.2f Hz, "
              "%.1f alarms/min, heartbeat %.0f s\n",
              self->stations->len, self->units->len, self->terminals->len,
              self->options.moving_fraction * 100, self->options.rate_hz,
              self->options.alarms_per_min, self->options.heartbeat_s);
  return TRUE;
}

/* -------------------------------------------------------------- object */

static void
jb_simulator_dispose (GObject *object)
{
  JbSimulator *self = (JbSimulator *)object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->event_handler != 0 && self->dispatch != NULL)
    g_clear_signal_handler (&self->event_handler, self->dispatch);
  g_clear_object (&self->dispatch);

  G_OBJECT_CLASS (jb_simulator_parent_class)->dispose (object);
}

static void
jb_simulator_finalize (GObject *object)
{
  JbSimulator *self = (JbSimulator *)object;

  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_pointer (&self->bearer, g_free);
  g_clear_pointer (&self->roster_bearer, g_free);
  g_clear_pointer (&self->units, g_array_unref);
  g_clear_pointer (&self->terminals, g_array_unref);
  g_clear_pointer (&self->stations, g_array_unref);
  g_clear_pointer (&self->unit_index, g_hash_table_unref);
  g_clear_pointer (&self->incidents, g_hash_table_unref);
  g_clear_pointer (&self->responders, g_array_unref);
  g_clear_pointer (&self->callout_tasks, g_ptr_array_unref);
  g_clear_pointer (&self->callouts_seen, g_hash_table_unref);
  g_clear_pointer (&self->buttons, g_array_unref);
  g_clear_pointer (&self->cameras, g_array_unref);
  g_clear_pointer (&self->move_slots, g_ptr_array_unref);
  g_clear_pointer (&self->idle_slots, g_ptr_array_unref);
  g_clear_pointer (&self->beat_slots, g_ptr_array_unref);
  g_clear_pointer (&self->upload_url, g_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->filmed, g_hash_table_unref);
  if (self->body != NULL)
    g_string_free (self->body, TRUE);

  G_OBJECT_CLASS (jb_simulator_parent_class)->finalize (object);
}

static void
jb_simulator_class_init (JbSimulatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jb_simulator_dispose;
  object_class->finalize = jb_simulator_finalize;
}

static void
jb_simulator_init (JbSimulator *self)
{
  self->units = g_array_new (FALSE, TRUE, sizeof (SimUnit));
  g_array_set_clear_func (self->units, sim_unit_clear);
  self->terminals = g_array_new (FALSE, TRUE, sizeof (SimTerminal));
  g_array_set_clear_func (self->terminals, sim_terminal_clear);
  self->stations = g_array_new (FALSE, TRUE, sizeof (SimStation));
  g_array_set_clear_func (self->stations, sim_station_clear);
  self->unit_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->incidents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->responders = g_array_new (FALSE, FALSE, sizeof (guint));
  self->callout_tasks = g_ptr_array_new_with_free_func (callout_task_free);
  self->callouts_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->buttons = g_array_new (FALSE, FALSE, sizeof (guint));
  self->cameras = g_array_new (FALSE, FALSE, sizeof (guint));
  self->body = g_string_sized_new (512);
  self->time_scale = 1.0;
  self->cancellable = g_cancellable_new ();
  self->filmed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->camera_first = TRUE;
}

void
jb_simulator_options_init (JbSimulatorOptions *options)
{
  g_return_if_fail (options != NULL);

  /* Every field has a value, those added later too (a stack struct's
   * garbage in handle_s made a dispatcher close the test's incidents). */
  memset (options, 0, sizeof *options);
  options->seed = 20260113;
  options->rate_hz = 0.2;
  options->moving_fraction = 0.3;
  options->alarms_per_min = 0.5;
  options->heartbeat_s = 60;
  options->patrol_slips = TRUE;
  options->patrol_silence_s = 600;
}

JbSimulator *
jb_simulator_new (JbDispatch               *dispatch,
                  const JbSimulatorOptions *options)
{
  JbSimulator *self;

  g_return_val_if_fail (JB_IS_DISPATCH (dispatch), NULL);

  self = g_object_new (JB_TYPE_SIMULATOR, NULL);
  self->dispatch = g_object_ref (dispatch);
  if (options != NULL)
    self->options = *options;
  else
    jb_simulator_options_init (&self->options);

  /* Keep the rates sane: at most one report per tick per unit. */
  self->options.rate_hz = CLAMP (self->options.rate_hz, 0.001, (double) TICKS_PER_S);
  self->options.moving_fraction = CLAMP (self->options.moving_fraction, 0.0, 1.0);
  self->options.alarms_per_min = MAX (self->options.alarms_per_min, 0.0);
  self->options.heartbeat_s = CLAMP (self->options.heartbeat_s, 1.0, 3600.0);

  self->rand = g_rand_new_with_seed (self->options.seed);
  self->move_slots = new_wheel (MAX (1, (guint) lround (TICKS_PER_S / self->options.rate_hz)));
  self->idle_slots = new_wheel (IDLE_REPORT_S * TICKS_PER_S);
  self->beat_slots = new_wheel (MAX (1, (guint) lround (self->options.heartbeat_s * TICKS_PER_S)));
  return self;
}

void
jb_simulator_start (JbSimulator *self)
{
  gint64 now_us;

  g_return_if_fail (JB_IS_SIMULATOR (self));

  if (self->tick_id != 0)
    return;

  if (self->event_handler == 0)
    self->event_handler = g_signal_connect (self->dispatch, "event", G_CALLBACK (dispatch_event_cb), self);

  if (!self->loaded)
    {
      if (!load_world (self))
        return;
      self->loaded = TRUE;
    }

  /* The periodic line counts the ticks' work, not the loading. */
  memset (&self->period, 0, sizeof self->period);
  now_us = g_get_monotonic_time ();
  self->run_id = g_get_real_time ();
  self->start_us = now_us;
  self->ticks_done = 0;
  self->beats_done = 0;
  self->stats_at_us = now_us;
  self->stats_seq = jb_dispatch_get_latest_seq (self->dispatch);
  self->next_alarm_us = self->options.alarms_per_min > 0 ? now_us + next_alarm_delay_us (self) : G_MAXINT64;
  /* With cameras filming, the first alarm (a camera's report) comes soon,
   * so that a demo shows a clip within half a minute. */
  if (self->upload_url != NULL && self->options.alarms_per_min > 0)
    self->next_alarm_us = MIN (self->next_alarm_us, now_us + rand_us (self, 15, 30));
  self->next_silence_us = now_us + rand_us (self, 20, 60);
  self->next_patrol_slip_us = now_us + rand_us (self, 30, 90);
  self->next_shift_us = now_us + rand_us (self, 180, 300);
  for (guint i = 0; i < self->terminals->len; i++)
    terminal_at (self, i)->flush_at = now_us + g_rand_int_range (self->rand, 0, US);
  self->tick_id = g_timeout_add (TICK_MS, tick_cb, self);
}

void
jb_simulator_stop (JbSimulator *self)
{
  g_return_if_fail (JB_IS_SIMULATOR (self));

  g_clear_handle_id (&self->tick_id, g_source_remove);
  flush_batches (self, 0, TRUE);
}

void
jb_simulator_set_upload_url (JbSimulator *self,
                             const char  *url)
{
  g_return_if_fail (JB_IS_SIMULATOR (self));

  g_free (self->upload_url);
  self->upload_url = g_strdup (url);
}

void
jb_simulator_get_stats (JbSimulator      *self,
                        JbSimulatorStats *out_stats)
{
  gint64 now_us = g_get_monotonic_time ();

  g_return_if_fail (JB_IS_SIMULATOR (self));
  g_return_if_fail (out_stats != NULL);

  out_stats->requests = self->total.requests;
  out_stats->errors = self->total.errors;
  out_stats->positions = self->total.positions;
  out_stats->batches = self->total.batches;
  out_stats->heartbeats = self->total.heartbeats;
  out_stats->alarms = self->total.alarms;
  out_stats->answers = self->total.answers;
  out_stats->steps = self->total.steps;
  out_stats->unreachable = self->total.unreachable;
  out_stats->rosters = self->total.rosters;
  out_stats->clips = self->total.clips;
  out_stats->clips_resumed = self->total.clips_resumed;
  out_stats->acknowledged = self->total.acknowledged;
  out_stats->assigned = self->total.assigned;
  out_stats->closed = self->total.closed;
  out_stats->silent = 0;
  for (guint i = 0; i < self->terminals->len; i++)
    out_stats->silent += terminal_at (self, i)->silent_until > now_us;
}

void
jb_simulator_set_time_scale (JbSimulator *self,
                             double       scale)
{
  g_return_if_fail (JB_IS_SIMULATOR (self));
  g_return_if_fail (scale > 0);

  self->time_scale = scale;
}
