/* test-server-tiles.c — GET /api/v1/tiles/{z}/{x}/{y} and config.basemap
 * of the real jingbao-dispatchd, on MBTiles files written by the test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "jb-test-mbtiles.h"
#include "jb-test-server.h"

/* Not decoded by the server: a PNG signature and an IHDR of width 256 are
 * enough to tell format and size. */
static const guint8 north_tile[] = {
  0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
  0, 0, 1, 0, 0, 0, 1, 0, 8, 6, 0, 0, 0, 'N', 'O', 'R', 'T', 'H',
};
static const guint8 south_tile[] = {
  0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
  0, 0, 1, 0, 0, 0, 1, 0, 8, 6, 0, 0, 0, 'S', 'O', 'U', 'T', 'H',
};

typedef struct
{
  JbTestServer *server;
  char         *dir;
  char         *mbtiles;
  char         *token;   /* "Bearer …" */
} Fixture;

static const char * const metadata[] = {
  "name", "测试底图 Test map",
  "attribution", "© Test data",
  "bounds", "112.8,28.1,113.2,28.4",
  "minzoom", "1",
  "maxzoom", "3",
  "format", "png",
  NULL,
};

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  /* XYZ 1/1/0 is the north-east quarter of the world, TMS row 1. */
  const JbTestTile tiles[] = {
    { 1, 1, 0, north_tile, sizeof north_tile },
    { 1, 1, 1, south_tile, sizeof south_tile },
    { 3, 6, 3, north_tile, sizeof north_tile },
  };
  g_autoptr(GError) error = NULL;
  const char *args[] = { "--demo", "--demo-guards", "20", "--tiles", NULL, NULL };

  fixture->dir = g_dir_make_tmp ("jb-tiles-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->mbtiles = g_build_filename (fixture->dir, "test.mbtiles", NULL);
  jb_test_mbtiles_write (fixture->mbtiles, metadata, tiles, G_N_ELEMENTS (tiles));
  args[4] = fixture->mbtiles;
  fixture->server = jb_test_server_start (user_data != NULL ? user_data : args);
  fixture->token = jb_test_login (fixture->server, "dispatcher", "demo");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  jb_test_server_free (fixture->server);
  g_remove (fixture->mbtiles);
  g_rmdir (fixture->dir);
  g_free (fixture->mbtiles);
  g_free (fixture->dir);
  g_free (fixture->token);
}

typedef struct
{
  guint               status;
  GBytes             *body;
  SoupMessageHeaders *headers;
} Answer;

static void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->body, g_bytes_unref);
  g_clear_pointer (&answer->headers, soup_message_headers_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

/* A request with any headers (name, value, …, NULL), body kept as bytes. */
static void
fetch (Fixture    *fixture,
       const char *method,
       const char *path,
       Answer     *answer,
       ...)
{
  static SoupSession *session;
  g_autofree char *url = g_strconcat (jb_test_server_get_url (fixture->server), path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  const char *name;
  va_list args;

  if (session == NULL)
    session = soup_session_new ();
  g_assert_nonnull (msg);
  va_start (args, answer);
  while ((name = va_arg (args, const char *)) != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), name, va_arg (args, const char *));
  va_end (args);
  /* Compare the bytes as stored: no transparent decoding. */
  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);
  answer->body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  answer->status = soup_message_get_status (msg);
  answer->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
}

static void
assert_error_code (Answer     *answer,
                   const char *code)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, g_bytes_get_data (answer->body, NULL),
                              (gssize) g_bytes_get_size (answer->body), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jb_test_json_string (json_parser_get_root (parser), "error.code"), ==, code);
}

static void
test_metadata (Fixture       *fixture,
               gconstpointer  user_data)
{
  const char *paths[] = { "/api/v1/config", "/api/v1/snapshot" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(JbTestResponse) response = jb_test_request (fixture->server, "GET", paths[i],
                                                            fixture->token, NULL, NULL);
      g_autofree char *prefix = g_strdup (i == 0 ? "basemap" : "config.basemap");
      g_autofree char *name = g_strconcat (prefix, ".name", NULL);
      g_autofree char *attribution = g_strconcat (prefix, ".attribution", NULL);
      g_autofree char *format = g_strconcat (prefix, ".format", NULL);
      g_autofree char *minzoom = g_strconcat (prefix, ".minzoom", NULL);
      g_autofree char *maxzoom = g_strconcat (prefix, ".maxzoom", NULL);
      g_autofree char *tile_size = g_strconcat (prefix, ".tile_size", NULL);
      g_autofree char *version = g_strconcat (prefix, ".version", NULL);
      g_autofree char *bounds = g_strconcat (prefix, ".bounds", NULL);
      JsonArray *array;

      g_assert_cmpuint (response->status, ==, 200);
      g_assert_cmpstr (jb_test_json_string (response->body, name), ==, "测试底图 Test map");
      g_assert_cmpstr (jb_test_json_string (response->body, attribution), ==, "© Test data");
      g_assert_cmpstr (jb_test_json_string (response->body, format), ==, "png");
      g_assert_cmpint (jb_test_json_int (response->body, minzoom), ==, 1);
      g_assert_cmpint (jb_test_json_int (response->body, maxzoom), ==, 3);
      g_assert_cmpint (jb_test_json_int (response->body, tile_size), ==, 256);
      g_assert_cmpuint (strlen (jb_test_json_string (response->body, version)), ==, 32);
      array = json_node_get_array (jb_test_json_get (response->body, bounds));
      g_assert_cmpuint (json_array_get_length (array), ==, 4);
      g_assert_cmpfloat_with_epsilon (json_array_get_double_element (array, 0), 112.8, 1e-9);
      g_assert_cmpfloat_with_epsilon (json_array_get_double_element (array, 1), 28.1, 1e-9);
      g_assert_cmpfloat_with_epsilon (json_array_get_double_element (array, 2), 113.2, 1e-9);
      g_assert_cmpfloat_with_epsilon (json_array_get_double_element (array, 3), 28.4, 1e-9);
    }
}

static void
test_hit (Fixture       *fixture,
          gconstpointer  user_data)
{
  g_auto(Answer) north = { 0 };
  g_auto(Answer) south = { 0 };
  g_auto(Answer) head = { 0 };

  fetch (fixture, "GET", "/api/v1/tiles/1/1/0", &north, "Authorization", fixture->token, NULL);
  g_assert_cmpuint (north.status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (north.headers, NULL), ==, "image/png");
  g_assert_cmpmem (g_bytes_get_data (north.body, NULL), g_bytes_get_size (north.body),
                   north_tile, sizeof north_tile);
  g_assert_nonnull (soup_message_headers_get_one (north.headers, "ETag"));
  g_assert_nonnull (strstr (soup_message_headers_get_one (north.headers, "Cache-Control"), "max-age="));
  g_assert_null (soup_message_headers_get_one (north.headers, "Content-Encoding"));

  /* The TMS row flip: y = 1 is the southern tile. */
  fetch (fixture, "GET", "/api/v1/tiles/1/1/1", &south, "Authorization", fixture->token, NULL);
  g_assert_cmpuint (south.status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (south.body, NULL), g_bytes_get_size (south.body),
                   south_tile, sizeof south_tile);
  g_assert_cmpstr (soup_message_headers_get_one (south.headers, "ETag"), !=,
                   soup_message_headers_get_one (north.headers, "ETag"));

  fetch (fixture, "HEAD", "/api/v1/tiles/3/6/3", &head, "Authorization", fixture->token, NULL);
  g_assert_cmpuint (head.status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (head.body), ==, 0);
  /* Same bytes, same tag. */
  g_assert_cmpstr (soup_message_headers_get_one (head.headers, "ETag"), ==,
                   soup_message_headers_get_one (north.headers, "ETag"));
}

static void
test_etag (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_auto(Answer) first = { 0 };
  g_auto(Answer) same = { 0 };
  g_auto(Answer) listed = { 0 };
  g_auto(Answer) other = { 0 };
  const char *etag;
  g_autofree char *list = NULL;

  fetch (fixture, "GET", "/api/v1/tiles/1/1/0", &first, "Authorization", fixture->token, NULL);
  g_assert_cmpuint (first.status, ==, 200);
  etag = soup_message_headers_get_one (first.headers, "ETag");
  g_assert_true (g_str_has_prefix (etag, "\"") && g_str_has_suffix (etag, "\""));

  fetch (fixture, "GET", "/api/v1/tiles/1/1/0", &same, "Authorization", fixture->token,
         "If-None-Match", etag, NULL);
  g_assert_cmpuint (same.status, ==, 304);
  g_assert_cmpuint (g_bytes_get_size (same.body), ==, 0);
  g_assert_cmpstr (soup_message_headers_get_one (same.headers, "ETag"), ==, etag);
  g_assert_nonnull (soup_message_headers_get_one (same.headers, "Cache-Control"));

  list = g_strdup_printf ("\"0123\", W/%s", etag);
  fetch (fixture, "GET", "/api/v1/tiles/1/1/0", &listed, "Authorization", fixture->token,
         "If-None-Match", list, NULL);
  g_assert_cmpuint (listed.status, ==, 304);

  fetch (fixture, "GET", "/api/v1/tiles/1/1/1", &other, "Authorization", fixture->token,
         "If-None-Match", etag, NULL);
  g_assert_cmpuint (other.status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (other.body, NULL), g_bytes_get_size (other.body),
                   south_tile, sizeof south_tile);
}

static void
test_miss (Fixture       *fixture,
           gconstpointer  user_data)
{
  const char *paths[] = { "/api/v1/tiles/1/0/0", "/api/v1/tiles/0/0/0", "/api/v1/tiles/30/1073741823/0" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_auto(Answer) answer = { 0 };

      fetch (fixture, "GET", paths[i], &answer, "Authorization", fixture->token, NULL);
      g_assert_cmpuint (answer.status, ==, 204);
      g_assert_cmpuint (g_bytes_get_size (answer.body), ==, 0);
      g_assert_nonnull (soup_message_headers_get_one (answer.headers, "Cache-Control"));
    }
}

static void
test_bad_coordinates (Fixture       *fixture,
                      gconstpointer  user_data)
{
  const char *paths[] = {
    "/api/v1/tiles/1/2/0",        /* x past 2^z - 1 */
    "/api/v1/tiles/1/0/2",
    "/api/v1/tiles/31/0/0",       /* past the deepest zoom */
    "/api/v1/tiles/-1/0/0",
    "/api/v1/tiles/1/+1/0",
    "/api/v1/tiles/a/b/c",
    "/api/v1/tiles/1/1",
    "/api/v1/tiles/1/1/0/0",
    "/api/v1/tiles/1/1/0.png",
    "/api/v1/tiles/1//0",
    "/api/v1/tiles/99999999999999999999/0/0",
    "/api/v1/tiles",
  };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_auto(Answer) answer = { 0 };

      fetch (fixture, "GET", paths[i], &answer, "Authorization", fixture->token, NULL);
      g_assert_cmpuint (answer.status, ==, 400);
      assert_error_code (&answer, "invalid_value");
    }
}

static void
test_no_token (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autofree char *device = jb_test_device_auth ("T-0001", "x");
  g_auto(Answer) none = { 0 };
  g_auto(Answer) wrong = { 0 };
  g_auto(Answer) basic = { 0 };
  g_auto(Answer) query = { 0 };
  g_auto(Answer) post = { 0 };
  g_autofree char *with_query = NULL;

  fetch (fixture, "GET", "/api/v1/tiles/1/1/0", &none, NULL);
  g_assert_cmpuint (none.status, ==, 401);
  assert_error_code (&none, "unauthorized");

  fetch (fixture, "GET", "/api/v1/tiles/1/1/0", &wrong, "Authorization", "Bearer nope", NULL);
  g_assert_cmpuint (wrong.status, ==, 401);

  fetch (fixture, "GET", "/api/v1/tiles/1/1/0", &basic, "Authorization", device, NULL);
  g_assert_cmpuint (basic.status, ==, 401);

  /* A token in the URL is not accepted: it would end up in logs and caches. */
  with_query = g_strdup_printf ("/api/v1/tiles/1/1/0?token=%s", fixture->token + strlen ("Bearer "));
  fetch (fixture, "GET", with_query, &query, NULL);
  g_assert_cmpuint (query.status, ==, 401);

  fetch (fixture, "POST", "/api/v1/tiles/1/1/0", &post, "Authorization", fixture->token, NULL);
  g_assert_cmpuint (post.status, ==, 405);
}

static void
test_after_logout (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(JbTestResponse) logout = NULL;
  g_auto(Answer) before = { 0 };
  g_auto(Answer) after = { 0 };

  fetch (fixture, "GET", "/api/v1/tiles/1/1/0", &before, "Authorization", fixture->token, NULL);
  g_assert_cmpuint (before.status, ==, 200);
  logout = jb_test_request (fixture->server, "DELETE", "/api/v1/session", fixture->token, NULL, NULL);
  g_assert_cmpuint (logout->status, ==, 204);
  fetch (fixture, "GET", "/api/v1/tiles/1/1/0", &after, "Authorization", fixture->token, NULL);
  g_assert_cmpuint (after.status, ==, 401);
}

/* Vector tiles go out as stored, gzip declared. */
static void
test_pbf (void)
{
  static const guint8 gzipped[] = { 0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3 };
  const char * const pbf_metadata[] = { "name", "vector", "format", "pbf", NULL };
  const JbTestTile tiles[] = { { 2, 3, 1, gzipped, sizeof gzipped } };
  Fixture fixture = { 0 };
  g_auto(Answer) answer = { 0 };
  g_autoptr(JbTestResponse) config = NULL;
  g_autoptr(GError) error = NULL;
  const char *args[] = { "--demo", "--demo-guards", "20", "--tiles", NULL, NULL };

  fixture.dir = g_dir_make_tmp ("jb-tiles-XXXXXX", &error);
  g_assert_no_error (error);
  fixture.mbtiles = g_build_filename (fixture.dir, "vector.mbtiles", NULL);
  jb_test_mbtiles_write (fixture.mbtiles, pbf_metadata, tiles, G_N_ELEMENTS (tiles));
  args[4] = fixture.mbtiles;
  fixture.server = jb_test_server_start (args);
  fixture.token = jb_test_login (fixture.server, "dispatcher", "demo");

  config = jb_test_request (fixture.server, "GET", "/api/v1/config", fixture.token, NULL, NULL);
  g_assert_cmpstr (jb_test_json_string (config->body, "basemap.format"), ==, "pbf");
  /* No bounds in the metadata: the whole world. */
  g_assert_cmpfloat (json_array_get_double_element (json_node_get_array (jb_test_json_get (config->body, "basemap.bounds")), 0), ==, -180.0);

  fetch (&fixture, "GET", "/api/v1/tiles/2/3/1", &answer, "Authorization", fixture.token, NULL);
  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (answer.headers, NULL), ==,
                   "application/vnd.mapbox-vector-tile");
  g_assert_cmpstr (soup_message_headers_get_one (answer.headers, "Content-Encoding"), ==, "gzip");
  g_assert_cmpmem (g_bytes_get_data (answer.body, NULL), g_bytes_get_size (answer.body), gzipped, sizeof gzipped);
  fixture_tear_down (&fixture, NULL);
}

static void
test_no_basemap (void)
{
  const char *args[] = { "--demo", "--demo-guards", "20", NULL };
  JbTestServer *server;
  g_autofree char *token = NULL;
  g_autoptr(JbTestResponse) config = NULL;
  g_autoptr(JbTestResponse) tile = NULL;

  server = jb_test_server_start (args);
  token = jb_test_login (server, "dispatcher", "demo");
  config = jb_test_request (server, "GET", "/api/v1/config", token, NULL, NULL);
  g_assert_cmpuint (config->status, ==, 200);
  g_assert_true (JSON_NODE_HOLDS_NULL (jb_test_json_get (config->body, "basemap")));
  tile = jb_test_request (server, "GET", "/api/v1/tiles/1/1/0", token, NULL, NULL);
  g_assert_cmpuint (tile->status, ==, 404);
  g_assert_cmpstr (jb_test_json_string (tile->body, "error.code"), ==, "not_found");
  jb_test_server_free (server);
}

/* A file that is not MBTiles stops the server at start with a message. */
static void
test_bad_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jb-tiles-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "jb.db", NULL);
  g_autofree char *text = g_build_filename (dir, "not.mbtiles", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.mbtiles", NULL);
  const char *files[] = { text, missing };

  g_assert_true (g_file_set_contents (text, "not a database, just text", -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      const char *argv[] = { g_getenv ("JB_DISPATCHD"), "--db", db, "--listen", "127.0.0.1:0",
                             "--tiles", files[i], NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status = 0;

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
      g_assert_no_error (error);
      g_assert_false (g_spawn_check_wait_status (status, NULL));
      g_assert_nonnull (strstr (err, "--tiles"));
      g_assert_nonnull (strstr (err, files[i]));
      g_assert_null (strstr (out, "listening"));
    }
  g_remove (text);
  g_remove (db);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/tiles/metadata", Fixture, NULL, fixture_set_up, test_metadata, fixture_tear_down);
  g_test_add ("/server/tiles/hit", Fixture, NULL, fixture_set_up, test_hit, fixture_tear_down);
  g_test_add ("/server/tiles/etag", Fixture, NULL, fixture_set_up, test_etag, fixture_tear_down);
  g_test_add ("/server/tiles/miss", Fixture, NULL, fixture_set_up, test_miss, fixture_tear_down);
  g_test_add ("/server/tiles/bad-coordinates", Fixture, NULL, fixture_set_up, test_bad_coordinates, fixture_tear_down);
  g_test_add ("/server/tiles/no-token", Fixture, NULL, fixture_set_up, test_no_token, fixture_tear_down);
  g_test_add ("/server/tiles/after-logout", Fixture, NULL, fixture_set_up, test_after_logout, fixture_tear_down);
  g_test_add_func ("/server/tiles/pbf", test_pbf);
  g_test_add_func ("/server/tiles/no-basemap", test_no_basemap);
  g_test_add_func ("/server/tiles/bad-file", test_bad_file);

  return g_test_run ();
}
