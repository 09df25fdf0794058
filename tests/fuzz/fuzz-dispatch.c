/* fuzz-dispatch.c — every request body of the people's and the device API,
 * through jb_dispatch_handle() in-process on a temporary database
 *
 * The first byte picks the endpoint, the second the caller; the rest is the
 * body. Whatever comes in, the answer is a status of docs/protocol.md with
 * a JSON body (or none, for 204), and the server goes on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "fuzz-world.h"
#include "jb-json.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

typedef struct
{
  const char *method;
  const char *path;  /* %I incident, %U its unit, %F a free unit, %S a station, %T a terminal, %G a grid */
} Endpoint;

/* POST /session is left out: each valid-looking login costs an Argon2id
 * hash (~70 ms); its body reader is the same strict one. */
static const Endpoint endpoints[] = {
  { "POST", "/api/v1/incidents" },
  { "POST", "/api/v1/incidents/%I/acknowledge" },
  { "POST", "/api/v1/incidents/%I/assignments" },
  { "DELETE", "/api/v1/incidents/%I/assignments/%U" },
  { "POST", "/api/v1/incidents/%I/notes" },
  { "POST", "/api/v1/incidents/%I/resolve" },
  { "POST", "/api/v1/incidents/%I/close" },
  { "POST", "/api/v1/units/%F/status" },
  { "PUT", "/api/v1/stations/%S/roster" },
  { "DELETE", "/api/v1/session" },
  { "POST", "/api/v1/device/heartbeat" },
  { "POST", "/api/v1/device/position" },
  { "POST", "/api/v1/device/positions" },
  { "POST", "/api/v1/device/alarm" },
  { "POST", "/api/v1/device/procedure" },
  { "POST", "/api/v1/device/assignment" },
  { "GET", "/api/v1/incidents/%I" },
  { "GET", "/api/v1/units/%F" },
  { "PUT", "/api/v1/grids/%G/members" },
};

static const guint statuses[] = { 200, 201, 202, 204, 400, 401, 403, 404, 405, 409, 413, 422 };

static char *
fill (FuzzWorld  *world,
      const char *path)
{
  g_autoptr(GString) out = g_string_new (path);

  g_string_replace (out, "%I", world->incident, 0);
  g_string_replace (out, "%U", world->unit, 0);
  g_string_replace (out, "%F", world->free_unit, 0);
  g_string_replace (out, "%S", world->station, 0);
  g_string_replace (out, "%T", world->terminal, 0);
  g_string_replace (out, "%G", world->grid, 0);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  FuzzWorld *world = fuzz_world_get ();
  const Endpoint *endpoint;
  const char *auth;
  g_autofree char *path = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GHashTable) headers = NULL;
  gboolean known = FALSE;
  guint status = 0;
  guint caller;

  if (size < 2 || size > 1 << 16)
    return 0;
  endpoint = &endpoints[data[0] % G_N_ELEMENTS (endpoints)];
  caller = data[1] % 5;
  if (g_str_has_prefix (endpoint->path, "/api/v1/device/"))
    auth = caller == 0 ? world->gateway : caller == 4 ? world->dispatcher : world->device;
  else if (g_str_equal (endpoint->path, "/api/v1/session"))
    auth = "Bearer 00";  /* never the world's own sessions */
  else
    auth = caller == 0 ? world->viewer : caller == 1 ? world->officer : caller == 4 ? world->device
                                                                                   : world->dispatcher;
  path = fill (world, endpoint->path);
  body = g_bytes_new (data + 2, size - 2);
  answer = jb_dispatch_handle (world->dispatch, endpoint->method, path, NULL, auth,
                               (data[1] & 0x80) ? "fuzz-key" : NULL, body, &status, &headers);
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    known = known || statuses[i] == status;
  if (!known)
    g_assert_not_reached ();  /* 500 included: an internal error is a bug */
  if (status == 204 ? answer != NULL : answer == NULL)
    g_assert_not_reached ();
  if (answer != NULL)
    {
      g_autoptr(JsonNode) root = jb_json_parse_object (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), NULL);

      if (root == NULL)
        g_assert_not_reached ();
    }
  return 0;
}
