/* bench-tiles.c — GET /api/v1/tiles/{z}/{x}/{y} under load, while the
 * simulator drives the demo city
 *
 * Writes an MBTiles file of 5,000 tiles (2–24 KB each, the sizes of
 * rendered PNG tiles) with the sqlite3 C API, starts the real
 * jingbao-dispatchd --demo --simulate --tiles on it, and fetches tiles at
 * random from this process with 8 requests in flight on kept-alive
 * connections (a client filling a screen), timing each request. The same
 * load then goes to the stock alternative: a plain libsoup SoupServer on
 * its own thread serving the same bytes from a hash table in memory (no
 * SQLite, no token, no ETag). A third figure is SQLite alone: the same
 * SELECT in a loop, no HTTP. Prints tiles/s, p50 and p99 of each and the
 * ratios.
 *
 *   meson test -C build --benchmark bench-tiles -v
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "bench-tiles"

#include <glib/gstdio.h>
#include <locale.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jb-test-mbtiles.h"
#include "jb-test-server.h"

#define N_TILES     5000
#define ZOOM        14
#define IN_FLIGHT   8
#define N_REQUESTS  20000
#define N_WARMUP    500

typedef struct
{
  guint x, y;
} Coord;

static Coord   coords[N_TILES];
static GBytes *blobs[N_TILES];

static void
make_tiles (const char *path)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autofree JbTestTile *tiles = g_new0 (JbTestTile, N_TILES);
  static const char * const metadata[] = { "name", "bench", "format", "png", "minzoom", "14", "maxzoom", "14", NULL };
  guint side = 80;  /* 80 × 63 tiles around Changsha at zoom 14 */

  for (guint i = 0; i < N_TILES; i++)
    {
      gsize len = (gsize) g_rand_int_range (rand, 2048, 24 * 1024);
      guint8 *data = g_malloc (len);

      for (gsize j = 0; j < len; j++)
        data[j] = (guint8) g_rand_int (rand);
      memcpy (data, "\x89PNG\r\n\x1a\n", 8);
      blobs[i] = g_bytes_new_take (data, len);
      coords[i].x = 13300 + i % side;
      coords[i].y = 6820 + i / side;
      tiles[i] = (JbTestTile) { ZOOM, coords[i].x, coords[i].y, g_bytes_get_data (blobs[i], NULL), len };
    }
  jb_test_mbtiles_write (path, metadata, tiles, N_TILES);
}

/* The load: IN_FLIGHT requests at a time until @total are done. */
typedef struct
{
  SoupSession *session;
  const char  *base_url;
  const char  *authorization;
  GRand       *rand;
  guint        total;
  guint        sent;
  guint        done;
  guint        failed;
  GArray      *latencies;   /* double, ms */
  GMainLoop   *loop;
} Load;

typedef struct
{
  Load        *load;
  SoupMessage *msg;
  gint64       started;
} Request;

static void send_next (Load *load);

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Request *request = user_data;
  Load *load = request->load;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  double ms = (g_get_monotonic_time () - request->started) / 1000.0;

  if (body == NULL || soup_message_get_status (request->msg) != 200 || g_bytes_get_size (body) < 2048)
    load->failed++;
  else
    g_array_append_val (load->latencies, ms);
  g_object_unref (request->msg);
  g_free (request);
  load->done++;
  if (load->done == load->total)
    g_main_loop_quit (load->loop);
  else
    send_next (load);
}

static void
send_next (Load *load)
{
  Request *request;
  g_autofree char *url = NULL;
  guint i;

  if (load->sent == load->total)
    return;
  load->sent++;
  i = (guint) g_rand_int_range (load->rand, 0, N_TILES);
  url = g_strdup_printf ("%s/api/v1/tiles/%d/%u/%u", load->base_url, ZOOM, coords[i].x, coords[i].y);
  request = g_new0 (Request, 1);
  request->load = load;
  request->msg = soup_message_new ("GET", url);
  if (load->authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (request->msg), "Authorization",
                                  load->authorization);
  request->started = g_get_monotonic_time ();
  soup_session_send_and_read_async (load->session, request->msg, G_PRIORITY_DEFAULT, NULL, read_cb, request);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

typedef struct
{
  double tiles_per_s;
  double p50;
  double p99;
  guint  failed;
} Figures;

static Figures
run_load (const char *base_url,
          const char *authorization,
          guint       total)
{
  Load load = {
    .session = soup_session_new_with_options ("max-conns-per-host", IN_FLIGHT, NULL),
    .base_url = base_url,
    .authorization = authorization,
    .rand = g_rand_new_with_seed (7),
    .total = total,
    .latencies = g_array_new (FALSE, FALSE, sizeof (double)),
    .loop = g_main_loop_new (NULL, FALSE),
  };
  Figures figures = { 0 };
  gint64 started = g_get_monotonic_time ();
  double elapsed;

  for (guint i = 0; i < IN_FLIGHT; i++)
    send_next (&load);
  g_main_loop_run (load.loop);
  elapsed = (g_get_monotonic_time () - started) / 1e6;

  g_array_sort (load.latencies, compare_double);
  figures.failed = load.failed;
  figures.tiles_per_s = load.latencies->len / elapsed;
  if (load.latencies->len > 0)
    {
      figures.p50 = g_array_index (load.latencies, double, load.latencies->len / 2);
      figures.p99 = g_array_index (load.latencies, double, (guint) (load.latencies->len * 0.99));
    }
  g_object_unref (load.session);
  g_rand_free (load.rand);
  g_array_unref (load.latencies);
  g_main_loop_unref (load.loop);
  return figures;
}

/* The stock alternative: SoupServer on a thread of its own, the bytes
 * from memory. */
typedef struct
{
  GHashTable   *by_path;
  GMainContext *context;
  GMainLoop    *loop;
  char         *url;
  GMutex        lock;
  GCond         ready;
} Static;

static void
static_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Static *st = user_data;
  GBytes *bytes = g_hash_table_lookup (st->by_path, path);

  if (bytes == NULL)
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg), "image/png", NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
  soup_server_message_set_status (msg, 200, NULL);
}

static gpointer
static_thread (gpointer data)
{
  Static *st = data;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (st->context);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, "/api/v1/tiles", static_cb, st, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_mutex_lock (&st->lock);
  st->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_cond_signal (&st->ready);
  g_mutex_unlock (&st->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_main_loop_run (st->loop);
  soup_server_disconnect (server);
  g_main_context_pop_thread_default (st->context);
  return NULL;
}

/* SQLite alone: the server's query, in a loop. */
static double
sqlite_alone (const char *path,
              guint       total)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 started;
  gsize bytes = 0;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND "
                                       "tile_column = ?2 AND tile_row = ?3", -1, &stmt, NULL), ==, SQLITE_OK);
  started = g_get_monotonic_time ();
  for (guint n = 0; n < total; n++)
    {
      guint i = (guint) g_rand_int_range (rand, 0, N_TILES);
      GBytes *copy;

      sqlite3_bind_int (stmt, 1, ZOOM);
      sqlite3_bind_int (stmt, 2, (int) coords[i].x);
      sqlite3_bind_int (stmt, 3, (int) ((1u << ZOOM) - 1 - coords[i].y));
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      /* The copy the server makes too. */
      copy = g_bytes_new (sqlite3_column_blob (stmt, 0), (gsize) sqlite3_column_bytes (stmt, 0));
      bytes += g_bytes_get_size (copy);
      g_bytes_unref (copy);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpuint (bytes, >, 0);
  return total / ((g_get_monotonic_time () - started) / 1e6);
}

static void
print_figures (const char    *name,
               const Figures *f)
{
  g_print ("  %-44s %8.0f tiles/s   p50 %6.2f ms   p99 %6.2f ms%s\n", name, f->tiles_per_s, f->p50, f->p99,
           f->failed > 0 ? "   (FAILED requests!)" : "");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-tiles-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "bench.mbtiles", NULL);
  const char *args[] = { "--demo", "--simulate", "--tiles", path, NULL };
  Static st = { 0 };
  GThread *thread;
  JbTestServer *server;
  g_autofree char *token = NULL;
  Figures ours, stock;
  double sqlite_rate;
  gboolean ok;

  setlocale (LC_ALL, "");
  g_assert_no_error (error);
  make_tiles (path);

  server = jb_test_server_start (args);
  token = jb_test_login (server, "dispatcher", "demo");

  st.by_path = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < N_TILES; i++)
    g_hash_table_insert (st.by_path, g_strdup_printf ("/api/v1/tiles/%d/%u/%u", ZOOM, coords[i].x, coords[i].y),
                         blobs[i]);
  st.context = g_main_context_new ();
  st.loop = g_main_loop_new (st.context, FALSE);
  g_mutex_init (&st.lock);
  g_cond_init (&st.ready);
  g_mutex_lock (&st.lock);
  thread = g_thread_new ("static", static_thread, &st);
  while (st.url == NULL)
    g_cond_wait (&st.ready, &st.lock);
  g_mutex_unlock (&st.lock);

  /* Warm both (connections, page cache), then measure. */
  run_load (jb_test_server_get_url (server), token, N_WARMUP);
  run_load (st.url, NULL, N_WARMUP);
  ours = run_load (jb_test_server_get_url (server), token, N_REQUESTS);
  stock = run_load (st.url, NULL, N_REQUESTS);
  sqlite_rate = sqlite_alone (path, N_REQUESTS * 5);

  g_print ("\nbench-tiles: %d random tiles of %d (2-24 KB), %d in flight, kept-alive connections;\n"
           "jingbao-dispatchd runs --demo --simulate (the demo city moving and reporting)\n\n",
           N_REQUESTS, N_TILES, IN_FLIGHT);
  print_figures ("jingbao-dispatchd /api/v1/tiles (SQLite, token)", &ours);
  print_figures ("stock: libsoup SoupServer, bytes from memory", &stock);
  g_print ("  %-44s %8.0f tiles/s   (one thread, no HTTP)\n", "SQLite SELECT alone", sqlite_rate);
  g_print ("\n  ratio ours / stock libsoup: %.2f× the tiles/s, %.2f× the p99\n",
           ours.tiles_per_s / stock.tiles_per_s, ours.p99 / stock.p99);
  g_print ("  ratio ours / SQLite alone: %.2f× the tiles/s\n", ours.tiles_per_s / sqlite_rate);

  ok = ours.failed == 0 && stock.failed == 0;
  g_main_loop_quit (st.loop);
  g_thread_join (thread);
  g_main_loop_unref (st.loop);
  g_main_context_unref (st.context);
  g_hash_table_unref (st.by_path);
  jb_test_server_free (server);
  for (guint i = 0; i < N_TILES; i++)
    g_bytes_unref (blobs[i]);
  g_remove (path);
  g_rmdir (dir);
  return ok ? 0 : 1;
}
