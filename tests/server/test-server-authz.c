/* test-server-authz.c — who may call what: every endpoint of
 * docs/protocol.md against every kind of caller, on the real server
 *
 * The endpoint list is read from docs/protocol.md's tables: an endpoint
 * documented there without a row here fails the test, and so does a row
 * here that the document no longer lists.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "jb-demo.h"
#include "jb-test-clip.h"
#include "jb-test-mbtiles.h"
#include "jb-test-server.h"

typedef enum
{
  OPEN,          /* no credentials needed */
  PERSON_READ,   /* any person */
  COMMAND,       /* dispatcher, duty officer within its station */
  LOGOUT,        /* any person; ends that session */
  DEVICE,        /* terminal credentials */
  STREAM,        /* the event stream: a person's token */
  DISPATCHER,    /* a dispatcher only: viewers and duty officers are refused */
  RECORD,        /* any person; writes a record (201) */
} Kind;

typedef struct
{
  const char *method;
  const char *path;     /* as documented, with {id} / {unit_id} */
  Kind        kind;
  const char *body;     /* valid for the endpoint; %LAT% %LON% %UNIT% filled in */
} Row;

static const Row rows[] = {
  { "POST", "/api/v1/session", OPEN, "{\"username\": \"wall\", \"password\": \"demo\"}" },
  { "DELETE", "/api/v1/session", LOGOUT, NULL },
  { "GET", "/api/v1/snapshot", PERSON_READ, NULL },
  { "GET", "/api/v1/config", PERSON_READ, NULL },
  { "GET", "/api/v1/stations", PERSON_READ, NULL },
  { "GET", "/api/v1/units", PERSON_READ, NULL },
  { "GET", "/api/v1/terminals", PERSON_READ, NULL },
  { "GET", "/api/v1/units/{id}", PERSON_READ, NULL },
  { "GET", "/api/v1/terminals/{id}", PERSON_READ, NULL },
  { "GET", "/api/v1/incidents", PERSON_READ, NULL },
  { "GET", "/api/v1/incidents/{id}", PERSON_READ, NULL },
  { "POST", "/api/v1/incidents", COMMAND,
    "{\"type\": \"fight\", \"priority\": 2, \"location\": {\"lat\": %LAT%, \"lon\": %LON%}}" },
  { "POST", "/api/v1/incidents/{id}/acknowledge", COMMAND, "{}" },
  { "POST", "/api/v1/incidents/{id}/assignments", COMMAND, "{\"unit_id\": \"%UNIT%\"}" },
  { "DELETE", "/api/v1/incidents/{id}/assignments/{unit_id}", COMMAND, NULL },
  { "POST", "/api/v1/incidents/{id}/notes", COMMAND, "{\"text\": \"到场处置\"}" },
  { "POST", "/api/v1/incidents/{id}/resolve", COMMAND, "{\"disposition\": \"mediated\"}" },
  { "POST", "/api/v1/incidents/{id}/close", COMMAND, "{\"disposition\": \"mediated\"}" },
  { "POST", "/api/v1/units/{id}/status", COMMAND, "{\"status\": \"busy\"}" },
  { "PUT", "/api/v1/stations/{id}/roster", COMMAND,
    "{\"date\": \"2026-11-23\", \"leader\": {\"name\": \"赵新\", \"phone\": \"13900001111\"},"
    " \"officers\": [], \"phone\": \"0731-84440000\"}" },
  { "GET", "/api/v1/health", OPEN, NULL },
  { "GET", "/api/v1/grids", PERSON_READ, NULL },
  { "GET", "/api/v1/alerts", PERSON_READ, NULL },
  { "POST", "/api/v1/alerts/{id}/acknowledge", COMMAND, "{}" },
  { "POST", "/api/v1/incidents/{id}/callouts", COMMAND, "{\"radius_m\": 1000, \"message\": \"请协助\"}" },
  { "GET", "/api/v1/device/callouts", DEVICE, NULL },
  { "POST", "/api/v1/device/callouts/{id}/answer", DEVICE, "{\"answer\": \"accept\"}" },
  { "PUT", "/api/v1/grids/{id}/members", COMMAND, "{\"officer\": null, \"auxiliary\": null, \"volunteers\": []}" },
  { "GET", "/api/v1/tiles/{z}/{x}/{y}", PERSON_READ, NULL },
  { "HEAD", "/api/v1/tiles/{z}/{x}/{y}", PERSON_READ, NULL },
  { "GET", "/api/v1/clips/{id}", PERSON_READ, NULL },
  { "GET", "/api/v1/clips/{id}/content", PERSON_READ, NULL },
  { "GET", "/api/v1/clips/{id}/thumbnail", PERSON_READ, NULL },
  { "GET", "/api/v1/clips/{id}/audit", DISPATCHER, NULL },
  { "POST", "/api/v1/clips/{id}/audit", RECORD, "{\"action\": \"snapshot\"}" },
  { "POST", "/api/v1/clips/{id}/push", COMMAND, "{}" },
  { "POST", "/api/v1/device/clips", DEVICE,
    "{\"incident_id\": \"%INCIDENT%\", \"started_at\": 1795400000000, \"duration_ms\": 1000,"
    " \"size\": 10, \"sha256\": \"0000000000000000000000000000000000000000000000000000000000000000\","
    " \"content_type\": \"video/webm\"}" },
  { "HEAD", "/api/v1/device/clips/{id}/content", DEVICE, NULL },
  { "PUT", "/api/v1/device/clips/{id}/content", DEVICE, NULL },
  { "POST", "/api/v1/device/heartbeat", DEVICE, "{\"battery\": 80}" },
  { "POST", "/api/v1/device/position", DEVICE, "{\"lat\": %LAT%, \"lon\": %LON%}" },
  { "POST", "/api/v1/device/positions", DEVICE, "{\"items\": []}" },
  { "POST", "/api/v1/device/alarm", DEVICE, "{\"location\": {\"lat\": %LAT%, \"lon\": %LON%}}" },
  { "POST", "/api/v1/device/procedure", DEVICE, "{\"incident_id\": \"%INCIDENT%\", \"step\": \"separate\"}" },
  { "POST", "/api/v1/device/assignment", DEVICE, "{\"incident_id\": \"%INCIDENT%\", \"state\": \"accepted\"}" },
  { "GET", "/api/v1/events", STREAM, NULL },
};

typedef enum
{
  P_NONE,
  P_EXPIRED,
  P_REVOKED,
  P_VIEWER,
  P_OTHER_OFFICER,   /* duty officer of another station than the target's */
  P_DEVICE,          /* a terminal's credentials */
  P_PERSON,          /* a dispatcher's token, for device endpoints */
  N_PRINCIPALS
} Principal;

static const char *principal_names[] = {
  "no token", "expired", "revoked", "viewer", "duty officer of another station", "device", "person",
};

typedef struct
{
  JbTestServer *server;
  char *auth[N_PRINCIPALS];
  char *dispatcher;
  char *incident;     /* in the other station */
  char *unit;         /* of the other station, assigned to the incident */
  char *free_unit;    /* of the other station, available */
  char *terminal;
  char *station;      /* the other station */
  char *grid;         /* one of its grids */
  char *alert;        /* a patrol alert of that grid */
  char *clip;         /* a verified clip of the incident */
  char *tmpdir;       /* the basemap's */
  char  lat[32], lon[32];
} World;

/* The documented endpoints */

static void
add_endpoint (GPtrArray  *out,
              const char *method,
              const char *path)
{
  g_autofree char *bare = g_strndup (path, strcspn (path, "?"));

  g_ptr_array_add (out, g_strdup_printf ("%s %s", method, bare));
}

/* "| `GET /api/v1/stations` / `units` / `terminals` | …" and the event
 * stream's "`GET /api/v1/events?since=SEQ` upgrades …". */
static GPtrArray *
documented_endpoints (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "docs", "protocol.md", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      g_auto(GStrv) cells = NULL;
      g_auto(GStrv) ticks = NULL;
      g_autofree char *method = NULL;

      if (g_str_has_prefix (line, "`GET /api/v1/events"))
        {
          add_endpoint (out, "GET", "/api/v1/events");
          continue;
        }
      if (!g_str_has_prefix (line, "| `"))
        continue;
      cells = g_strsplit (line + 1, "|", 2);
      ticks = g_strsplit (cells[0], "`", -1);
      /* ticks: "", "GET /api/v1/x", " / ", "units", … */
      if (g_strv_length (ticks) < 2 || !g_regex_match_simple ("^(GET|HEAD|POST|PUT|DELETE|PATCH) /api/v1/", ticks[1], 0, 0))
        continue;
      method = g_strndup (ticks[1], strcspn (ticks[1], " "));
      add_endpoint (out, method, ticks[1] + strlen (method) + 1);
      /* Further paths are relative to /api/v1/; a bare method ("(and
       * `HEAD`)") is the same path with that method. */
      for (guint t = 3, n = g_strv_length (ticks); t < n; t += 2)
        {
          g_autofree char *full = g_strconcat ("/api/v1/", ticks[t], NULL);

          if (g_regex_match_simple ("^(GET|HEAD|POST|PUT|DELETE|PATCH)$", ticks[t], 0, 0))
            add_endpoint (out, ticks[t], ticks[1] + strlen (method) + 1);
          else
            add_endpoint (out, method, full);
        }
    }
  return out;
}

static void
test_every_endpoint_has_a_row (void)
{
  g_autoptr(GPtrArray) documented = documented_endpoints ();

  g_assert_cmpuint (documented->len, >=, 20);
  for (guint i = 0; i < documented->len; i++)
    {
      const char *endpoint = g_ptr_array_index (documented, i);
      gboolean found = FALSE;

      for (guint r = 0; r < G_N_ELEMENTS (rows) && !found; r++)
        {
          g_autofree char *row = g_strdup_printf ("%s %s", rows[r].method, rows[r].path);

          found = g_strcmp0 (row, endpoint) == 0;
        }
      if (!found)
        g_error ("docs/protocol.md documents %s but test-server-authz.c has no row for it", endpoint);
    }
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    {
      g_autofree char *row = g_strdup_printf ("%s %s", rows[r].method, rows[r].path);

      if (!g_ptr_array_find_with_equal_func (documented, row, g_str_equal, NULL))
        g_error ("test-server-authz.c has a row for %s, which docs/protocol.md does not document", row);
    }
}

/* The world */

static char *
login (World      *world,
       const char *username)
{
  return jb_test_login (world->server, username, "demo");
}

static void
expire_sessions_of (World      *world,
                    const char *username)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE sessions SET expires_at = 1 WHERE username = '%s'",
                                          username);

  g_assert_null (strchr (username, '\''));
  jb_test_server_exec_sql (world->server, sql);
}

static JbTestResponse *
post (World      *world,
      const char *path,
      const char *body)
{
  return jb_test_request (world->server, "POST", path, world->dispatcher, NULL, body);
}

static void
world_set_up (World *world)
{
  static const guint8 tile[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  static const char * const metadata[] = { "name", "authz", "format", "png", "minzoom", "0", "maxzoom", "1", NULL };
  const JbTestTile tiles[] = { { 0, 0, 0, tile, sizeof tile } };
  g_autofree char *mbtiles = NULL;
  const char *args[] = { "--demo", "--demo-guards", "50", "--tiles", NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JbTestResponse) snapshot = NULL;
  g_autoptr(JbTestResponse) officer = NULL;
  g_autoptr(JbTestResponse) incident = NULL;
  g_autoptr(JbTestResponse) assigned = NULL;
  g_autoptr(JbTestResponse) logout = NULL;
  g_autofree char *expired = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *secret = NULL;
  const char *own_station;
  JsonArray *stations, *units, *terminals;

  world->tmpdir = g_dir_make_tmp ("jb-authz-XXXXXX", &error);
  g_assert_no_error (error);
  mbtiles = g_build_filename (world->tmpdir, "basemap.mbtiles", NULL);
  jb_test_mbtiles_write (mbtiles, metadata, tiles, G_N_ELEMENTS (tiles));
  args[4] = mbtiles;
  world->server = jb_test_server_start (args);

  /* An expired session: made, then aged in the database the test owns. */
  expired = login (world, "dispatcher");
  expire_sessions_of (world, "dispatcher");
  world->auth[P_EXPIRED] = g_steal_pointer (&expired);
  world->dispatcher = login (world, "dispatcher");
  world->auth[P_PERSON] = g_strdup (world->dispatcher);

  world->auth[P_REVOKED] = login (world, "wall");
  logout = jb_test_request (world->server, "DELETE", "/api/v1/session", world->auth[P_REVOKED], NULL, NULL);
  g_assert_cmpuint (logout->status, ==, 204);
  world->auth[P_VIEWER] = login (world, "wall");

  officer = jb_test_request (world->server, "POST", "/api/v1/session", NULL, NULL,
                             "{\"username\": \"qingshuitang\", \"password\": \"demo\"}");
  g_assert_cmpuint (officer->status, ==, 201);
  g_assert_cmpstr (jb_test_json_string (officer->body, "user.role"), ==, "duty_officer");
  own_station = jb_test_json_string (officer->body, "user.station_id");
  world->auth[P_OTHER_OFFICER] = g_strconcat ("Bearer ", jb_test_json_string (officer->body, "token"), NULL);

  snapshot = jb_test_request (world->server, "GET", "/api/v1/snapshot", world->dispatcher, NULL, NULL);
  g_assert_cmpuint (snapshot->status, ==, 200);
  stations = json_node_get_array (jb_test_json_get (snapshot->body, "stations"));
  for (guint i = 0; i < json_array_get_length (stations) && world->station == NULL; i++)
    {
      JsonObject *station = json_array_get_object_element (stations, i);
      JsonObject *location = json_object_get_object_member (station, "location");

      if (g_strcmp0 (json_object_get_string_member (station, "id"), own_station) == 0)
        continue;
      world->station = g_strdup (json_object_get_string_member (station, "id"));
      g_ascii_dtostr (world->lat, sizeof world->lat, json_object_get_double_member (location, "lat"));
      g_ascii_dtostr (world->lon, sizeof world->lon, json_object_get_double_member (location, "lon"));
    }
  g_assert_nonnull (world->station);

  {
    JsonArray *grids = json_node_get_array (jb_test_json_get (snapshot->body, "grids"));

    for (guint i = 0; i < json_array_get_length (grids) && world->grid == NULL; i++)
      {
        JsonObject *grid = json_array_get_object_element (grids, i);

        if (g_strcmp0 (json_object_get_string_member (grid, "station_id"), world->station) == 0)
          world->grid = g_strdup (json_object_get_string_member (grid, "id"));
      }
    g_assert_nonnull (world->grid);
  }
  units = json_node_get_array (jb_test_json_get (snapshot->body, "units"));
  for (guint i = 0; i < json_array_get_length (units) && (world->unit == NULL || world->free_unit == NULL); i++)
    {
      JsonObject *unit = json_array_get_object_element (units, i);

      if (g_strcmp0 (json_object_get_string_member (unit, "station_id"), world->station) != 0 ||
          g_strcmp0 (json_object_get_string_member (unit, "status"), "available") != 0)
        continue;
      if (world->unit == NULL)
        world->unit = g_strdup (json_object_get_string_member (unit, "id"));
      else
        world->free_unit = g_strdup (json_object_get_string_member (unit, "id"));
    }
  g_assert_nonnull (world->unit);
  g_assert_nonnull (world->free_unit);

  body = g_strdup_printf ("{\"type\": \"fight\", \"priority\": 2, \"location\": {\"lat\": %s, \"lon\": %s}}",
                          world->lat, world->lon);
  incident = post (world, "/api/v1/incidents", body);
  g_assert_cmpuint (incident->status, ==, 201);
  g_assert_cmpstr (jb_test_json_string (incident->body, "station_id"), ==, world->station);
  world->incident = g_strdup (jb_test_json_string (incident->body, "id"));
  path = g_strdup_printf ("/api/v1/incidents/%s/assignments", world->incident);
  g_free (body);
  body = g_strdup_printf ("{\"unit_id\": \"%s\"}", world->unit);
  assigned = post (world, path, body);
  g_assert_cmpuint (assigned->status, ==, 201);

  terminals = json_node_get_array (jb_test_json_get (snapshot->body, "terminals"));
  for (guint i = 0; i < json_array_get_length (terminals) && world->terminal == NULL; i++)
    {
      JsonObject *terminal = json_array_get_object_element (terminals, i);
      JsonNode *unit = json_object_get_member (terminal, "unit_id");

      if (unit != NULL && JSON_NODE_HOLDS_VALUE (unit))
        world->terminal = g_strdup (json_object_get_string_member (terminal, "id"));
    }
  g_assert_nonnull (world->terminal);

  /* A patrol alert of the other station: a member of its grid, reported
   * far out of it through its own terminal. */
  {
    JsonArray *grids = json_node_get_array (jb_test_json_get (snapshot->body, "grids"));
    g_autoptr(JbTestResponse) alerts = NULL;

    for (guint i = 0; i < json_array_get_length (grids) && world->alert == NULL; i++)
      {
        JsonObject *grid = json_array_get_object_element (grids, i);
        JsonArray *volunteers = json_object_get_array_member (json_object_get_object_member (grid, "members"),
                                                              "volunteers");

        if (g_strcmp0 (json_object_get_string_member (grid, "station_id"), world->station) != 0)
          continue;
        for (guint k = 0; k < json_array_get_length (volunteers) && world->alert == NULL; k++)
          for (guint u = 0; u < json_array_get_length (units); u++)
            {
              JsonObject *unit = json_array_get_object_element (units, u);
              const char *id = json_object_get_string_member (unit, "id");
              const char *terminal_id = json_object_get_string_member (unit, "terminal_id");
              g_autofree char *unit_secret = NULL;
              g_autofree char *unit_auth = NULL;
              g_autofree char *fix = NULL;
              g_autoptr(JbTestResponse) posted = NULL;

              if (g_strcmp0 (id, json_array_get_string_element (volunteers, k)) != 0 ||
                  g_strcmp0 (json_object_get_string_member (unit, "status"), "available") != 0 ||
                  terminal_id == NULL || g_strcmp0 (id, world->unit) == 0 || g_strcmp0 (id, world->free_unit) == 0)
                continue;
              unit_secret = jb_demo_terminal_secret (terminal_id);
              unit_auth = jb_test_device_auth (terminal_id, unit_secret);
              fix = g_strdup_printf ("{\"items\": [{\"unit_id\": \"%s\", \"lat\": 29.5, \"lon\": 113.5}]}", id);
              posted = jb_test_request (world->server, "POST", "/api/v1/device/positions", unit_auth, NULL, fix);
              g_assert_cmpuint (posted->status, ==, 202);
              alerts = jb_test_request (world->server, "GET", "/api/v1/alerts", world->dispatcher, NULL, NULL);
              world->alert = g_strdup (jb_test_json_string (alerts->body, "items.0.id"));
              break;
            }
      }
    g_assert_nonnull (world->alert);
  }

  secret = jb_demo_terminal_secret (world->terminal);
  world->auth[P_DEVICE] = jb_test_device_auth (world->terminal, secret);

  /* A verified clip of the incident, filmed by a terminal whose unit is
   * assigned to it. */
  for (guint i = 0; i < json_array_get_length (terminals) && world->clip == NULL; i++)
    {
      JsonObject *terminal = json_array_get_object_element (terminals, i);
      JsonNode *unit_id = json_object_get_member (terminal, "unit_id");
      const char *tid = json_object_get_string_member (terminal, "id");
      g_autoptr(JbTestResponse) camera = NULL;
      g_autofree char *camera_path = NULL;
      g_autofree char *camera_body = NULL;
      g_autofree char *camera_secret = NULL;
      g_autofree char *clip_file = NULL;
      gboolean usable = FALSE;

      if (unit_id == NULL || !JSON_NODE_HOLDS_VALUE (unit_id))
        continue;
      for (guint u = 0; u < json_array_get_length (units); u++)
        {
          JsonObject *unit = json_array_get_object_element (units, u);
          const char *id = json_object_get_string_member (unit, "id");

          if (g_strcmp0 (id, json_node_get_string (unit_id)) == 0)
            usable = g_strcmp0 (json_object_get_string_member (unit, "station_id"), world->station) == 0 &&
                     g_strcmp0 (json_object_get_string_member (unit, "status"), "available") == 0 &&
                     g_strcmp0 (id, world->unit) != 0 && g_strcmp0 (id, world->free_unit) != 0;
        }
      if (!usable)
        continue;
      camera_path = g_strdup_printf ("/api/v1/incidents/%s/assignments", world->incident);
      camera_body = g_strdup_printf ("{\"unit_id\": \"%s\"}", json_node_get_string (unit_id));
      camera = post (world, camera_path, camera_body);
      g_assert_cmpuint (camera->status, ==, 201);
      clip_file = jb_test_clip_make (world->tmpdir, 1, 160, 120, "authz", &error);
      g_assert_no_error (error);
      camera_secret = jb_demo_terminal_secret (tid);
      world->clip = jb_test_clip_upload (world->server, tid, camera_secret, world->incident, clip_file, &error);
      g_assert_no_error (error);
      /* The device principal is this terminal: one the clip endpoints let
       * in for the incident (the others are refused for the incident's
       * sake, not for their credentials). */
      g_free (world->auth[P_DEVICE]);
      world->auth[P_DEVICE] = jb_test_device_auth (tid, camera_secret);
    }
  g_assert_nonnull (world->clip);
}

static void
world_tear_down (World *world)
{
  for (guint i = 0; i < N_PRINCIPALS; i++)
    g_free (world->auth[i]);
  g_free (world->dispatcher);
  g_free (world->incident);
  g_free (world->unit);
  g_free (world->free_unit);
  g_free (world->terminal);
  g_free (world->station);
  g_free (world->grid);
  g_free (world->alert);
  g_free (world->clip);
  jb_test_server_free (world->server);
  {
    g_autoptr(GDir) dir = g_dir_open (world->tmpdir, 0, NULL);
    const char *name;

    /* The basemap and the clip made for the table */
    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *file = g_build_filename (world->tmpdir, name, NULL);

        g_remove (file);
      }
    g_rmdir (world->tmpdir);
    g_free (world->tmpdir);
  }
}

static char *
fill (World      *world,
      const char *text,
      const Row  *row)
{
  g_autoptr(GString) out = g_string_new (text);
  const char *unit = g_str_has_suffix (row->path, "/assignments") ? world->free_unit : world->unit;

  g_string_replace (out, "{unit_id}", world->unit, 0);
  if (g_str_has_prefix (text, "/api/v1/units/"))
    g_string_replace (out, "{id}", world->free_unit, 0);
  else if (g_str_has_prefix (text, "/api/v1/terminals/"))
    g_string_replace (out, "{id}", world->terminal, 0);
  else if (g_str_has_prefix (text, "/api/v1/stations/"))
    g_string_replace (out, "{id}", world->station, 0);
  else if (g_str_has_prefix (text, "/api/v1/clips/") || g_str_has_prefix (text, "/api/v1/device/clips/"))
    g_string_replace (out, "{id}", world->clip, 0);
  else if (g_str_has_prefix (text, "/api/v1/grids/"))
    g_string_replace (out, "{id}", world->grid, 0);
  else if (g_str_has_prefix (text, "/api/v1/alerts/"))
    g_string_replace (out, "{id}", world->alert, 0);
  else if (g_str_has_prefix (text, "/api/v1/tiles/"))
    {
      g_string_replace (out, "{z}", "0", 0);
      g_string_replace (out, "{x}", "0", 0);
      g_string_replace (out, "{y}", "0", 0);
    }
  else
    g_string_replace (out, "{id}", world->incident, 0);
  g_string_replace (out, "%LAT%", world->lat, 0);
  g_string_replace (out, "%LON%", world->lon, 0);
  g_string_replace (out, "%UNIT%", unit, 0);
  g_string_replace (out, "%INCIDENT%", world->incident, 0);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The documented answer for @principal on @row: a status, or 0 for "the
 * caller is let in" (anything but 401 and 403). */
static guint
expected (const Row *row,
          Principal  principal)
{
  gboolean person = principal == P_VIEWER || principal == P_OTHER_OFFICER || principal == P_PERSON;

  switch (row->kind)
    {
    case OPEN:
      return g_str_equal (row->method, "POST") ? 201 : 200;
    case DEVICE:
      return principal == P_DEVICE ? 0 : 401;
    case STREAM:
      return person ? 0 : 401;
    case PERSON_READ:
      return person ? 200 : 401;
    case LOGOUT:
      return person ? 204 : 401;
    case COMMAND:
    case DISPATCHER:
      return person ? 403 : 401;
    case RECORD:
      return person ? 201 : 401;
    default:
      g_assert_not_reached ();
    }
}

static guint
call (World     *world,
      const Row *row,
      Principal  principal)
{
  g_autofree char *path = fill (world, row->path, row);
  g_autofree char *body = row->body != NULL ? fill (world, row->body, row) : NULL;
  g_autofree char *fresh = NULL;
  const char *auth = world->auth[principal];
  g_autoptr(JbTestResponse) response = NULL;

  if (row->kind == STREAM)
    {
      g_autoptr(JbTestEvents) events = NULL;
      guint status = 0;

      events = jb_test_events_connect (world->server, auth, -1, &status);
      return events != NULL ? 101 : status;
    }
  /* Logging out ends the session: a fresh one of the same kind. */
  if (row->kind == LOGOUT && principal == P_VIEWER)
    auth = fresh = login (world, "wall");
  else if (row->kind == LOGOUT && principal == P_OTHER_OFFICER)
    auth = fresh = login (world, "qingshuitang");
  else if (row->kind == LOGOUT && principal == P_PERSON)
    auth = fresh = login (world, "dispatcher");
  response = jb_test_request (world->server, row->method, path, auth, NULL, body);
  if (response->status >= 400 && !g_str_equal (row->method, "HEAD"))
    {
      /* Every refusal is in the documented error form. */
      g_assert_nonnull (response->body);
      g_assert_nonnull (jb_test_json_string (response->body, "error.code"));
    }
  return response->status;
}

static void
test_table (void)
{
  World world = { 0 };
  guint checked = 0;

  world_set_up (&world);
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    for (Principal p = 0; p < N_PRINCIPALS; p++)
      {
        guint want, got;

        /* "person" is the device endpoints' wrong caller; on people's
         * endpoints it is the dispatcher, checked by the API tests. */
        if (p == P_PERSON && rows[r].kind != DEVICE && rows[r].kind != OPEN)
          continue;
        want = expected (&rows[r], p);
        got = call (&world, &rows[r], p);
        g_test_message ("%s %s as %s: %u", rows[r].method, rows[r].path, principal_names[p], got);
        if (want == 0 ? (got == 401 || got == 403) : got != want)
          g_error ("%s %s as %s: answered %u, documented %s%u", rows[r].method, rows[r].path,
                   principal_names[p], got, want == 0 ? "not 401/403, " : "", want);
        checked++;
      }
  g_test_message ("%u combinations checked", checked);
  world_tear_down (&world);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/authz/every-endpoint-has-a-row", test_every_endpoint_has_a_row);
  g_test_add_func ("/server/authz/table", test_table);

  return g_test_run ();
}
