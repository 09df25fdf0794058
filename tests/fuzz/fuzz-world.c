/* fuzz-world.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-world.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "jb-demo.h"
#include "jb-json.h"

static char *tmpdir;

static JsonNode *
handle (FuzzWorld  *world,
        const char *method,
        const char *path,
        const char *auth,
        const char *body,
        guint       want)
{
  g_autoptr(GBytes) request = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GHashTable) headers = NULL;
  guint status = 0;

  answer = jb_dispatch_handle (world->dispatch, method, path, NULL, auth, NULL, request, &status, &headers);
  if (status != want)
    g_error ("fuzz world: %s %s answered %u", method, path, status);
  return answer != NULL ? jb_json_parse_object (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), NULL)
                        : NULL;
}

static char *
login (FuzzWorld  *world,
       const char *username)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"demo\"}", username);
  g_autoptr(JsonNode) answer = handle (world, "POST", "/api/v1/session", NULL, body, 201);

  return g_strconcat ("Bearer ", json_object_get_string_member (json_node_get_object (answer), "token"), NULL);
}

static char *
device_auth (const char *id)
{
  g_autofree char *secret = jb_demo_terminal_secret (id);
  g_autofree char *pair = g_strconcat (id, ":", secret, NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));

  return g_strconcat ("Basic ", encoded, NULL);
}

static void
remove_world (void)
{
  g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tmpdir, name, NULL);

      g_remove (path);
    }
  g_rmdir (tmpdir);
}

JsonNode *
fuzz_world_snapshot (FuzzWorld *world)
{
  return handle (world, "GET", "/api/v1/snapshot", world->dispatcher, NULL, 200);
}

FuzzWorld *
fuzz_world_get (void)
{
  static FuzzWorld *world;
  JbDemoOptions demo_options;
  JbDispatchOptions options;
  g_autoptr(JbDemoCity) city = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(JsonNode) incident = NULL;
  g_autoptr(JsonNode) assigned = NULL;
  g_autofree char *db = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  JsonArray *units, *terminals;

  if (world != NULL)
    return world;
  world = g_new0 (FuzzWorld, 1);
  tmpdir = g_dir_make_tmp ("jb-fuzz-XXXXXX", &error);
  g_assert_no_error (error);
  atexit (remove_world);
  db = g_build_filename (tmpdir, "dispatch.db", NULL);
  jb_dispatch_options_init (&options);
  options.maintenance_ms = 0;
  options.login_threads = 0;
  options.login_max_failures = 0;
  options.login_max_failures_address = 0;
  world->dispatch = jb_dispatch_new (db, &options, &error);
  g_assert_no_error (error);
  jb_demo_options_init (&demo_options);
  demo_options.n_guards = 20;
  city = jb_demo_city_new (&demo_options, &error);
  g_assert_no_error (error);
  g_assert_true (jb_dispatch_import_demo (world->dispatch, city, &error));

  world->dispatcher = login (world, "dispatcher");
  world->viewer = login (world, "wall");
  world->officer = login (world, "qingshuitang");

  snapshot = fuzz_world_snapshot (world);
  units = json_object_get_array_member (json_node_get_object (snapshot), "units");
  for (guint i = 0; i < json_array_get_length (units) && world->free_unit == NULL; i++)
    {
      JsonObject *unit = json_array_get_object_element (units, i);

      if (g_strcmp0 (json_object_get_string_member (unit, "status"), "available") != 0)
        continue;
      if (world->unit == NULL)
        world->unit = g_strdup (json_object_get_string_member (unit, "id"));
      else
        world->free_unit = g_strdup (json_object_get_string_member (unit, "id"));
    }
  world->station = g_strdup (json_object_get_string_member (
    json_array_get_object_element (json_object_get_array_member (json_node_get_object (snapshot), "stations"), 0), "id"));
  {
    JsonArray *grids = json_object_get_array_member (json_node_get_object (snapshot), "grids");

    if (grids != NULL && json_array_get_length (grids) > 0)
      world->grid = g_strdup (json_object_get_string_member (json_array_get_object_element (grids, 0), "id"));
    else
      world->grid = g_strdup ("g-none");
  }
  terminals = json_object_get_array_member (json_node_get_object (snapshot), "terminals");
  for (guint i = 0; i < json_array_get_length (terminals); i++)
    {
      JsonObject *terminal = json_array_get_object_element (terminals, i);
      JsonNode *unit = json_object_get_member (terminal, "unit_id");
      const char *id = json_object_get_string_member (terminal, "id");

      if (world->device == NULL && unit != NULL && JSON_NODE_HOLDS_VALUE (unit))
        {
          world->device = device_auth (id);
          world->terminal = g_strdup (id);
        }
      if (world->gateway == NULL && g_strcmp0 (json_object_get_string_member (terminal, "kind"), "gateway") == 0)
        world->gateway = device_auth (id);
    }
  if (world->gateway == NULL)
    world->gateway = g_strdup (world->device);

  incident = handle (world, "POST", "/api/v1/incidents", world->dispatcher,
                     "{\"type\":\"fight\",\"priority\":2,\"location\":{\"lat\":28.2,\"lon\":112.98}}", 201);
  world->incident = g_strdup (json_object_get_string_member (json_node_get_object (incident), "id"));
  path = g_strdup_printf ("/api/v1/incidents/%s/assignments", world->incident);
  body = g_strdup_printf ("{\"unit_id\":\"%s\"}", world->unit);
  assigned = handle (world, "POST", path, world->dispatcher, body, 201);
  return world;
}
