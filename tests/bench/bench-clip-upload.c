/* bench-clip-upload.c — a 100 MB clip over loopback: throughput and the
 * server's memory, against a stock SoupServer handler that accumulates
 * the body (libsoup's default)
 *
 * Ours: the real jingbao-dispatchd, the device API, chunks streamed to
 * disk, SHA-256 and container checked at the end. The stock handler gets
 * the same bytes in one PUT, keeps them whole in memory, then writes them
 * to disk and hashes them: what a plain handler does. Each server is its
 * own process; its VmRSS (/proc/PID/status) is sampled every 5 ms during
 * the upload, and the growth is the peak minus the value before.
 *
 * The clip is a real WebM (GStreamer) followed by random padding up to
 * 100 MB: the container check reads the headers, the hash every byte.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "jb-demo.h"
#include "jb-test-bench.h"
#include "jb-test-clip.h"

#define CLIP_BYTES (100 * 1000 * 1000)
#define MB 1e6

/* The stock server (a child process of this binary) */

static void
stock_put_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  const char *dir = user_data;
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autofree char *file = g_build_filename (dir, "upload", NULL);
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  g_autofree char *answer = g_strdup_printf ("{\"sha256\": \"%s\"}", sha256);

  if (!g_file_set_contents (file, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body), NULL))
    {
      soup_server_message_set_status (msg, 500, NULL);
      return;
    }
  g_unlink (file);
  soup_server_message_set_status (msg, 201, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, answer, strlen (answer));
}

static int
run_stock_server (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jb-stock-XXXXXX", &error);
  GSList *uris;
  g_autofree char *url = NULL;

  g_assert_no_error (error);
  soup_server_add_handler (server, "/upload", stock_put_cb, dir, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("stock server: %s", error->message);
  uris = soup_server_get_uris (server);
  url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  printf ("stock listening on %s\n", url);
  fflush (stdout);
  g_main_loop_run (loop);
  return 0;
}

/* Memory sampling */

typedef struct
{
  GPid      pid;
  gint      stop;
  gint64    peak_kb;
} Sampler;

static gpointer
sampler_thread (gpointer data)
{
  Sampler *sampler = data;

  while (!g_atomic_int_get (&sampler->stop))
    {
      sampler->peak_kb = MAX (sampler->peak_kb, jb_test_rss_kib (sampler->pid));
      g_usleep (5000);
    }
  return NULL;
}

typedef struct
{
  double seconds;
  double rss_growth_mb;
  double rss_before_mb;
} Figures;

static SoupMessage *
put_message (const char *url,
             const char *authorization,
             GBytes     *data,
             gsize       start,
             gsize       end)
{
  SoupMessage *msg = soup_message_new ("PUT", url);
  g_autoptr(GBytes) chunk = g_bytes_new_from_bytes (data, start, end - start);

  if (authorization != NULL)
    {
      g_autofree char *range = g_strdup_printf ("bytes %" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT,
                                                start, end - 1, g_bytes_get_size (data));

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Content-Range", range);
    }
  soup_message_set_request_body_from_bytes (msg, "application/octet-stream", chunk);
  return msg;
}

/* Uploads @data to our server in @chunk byte pieces. */
static Figures
upload_ours (JbTestServer *server,
             const char   *auth,
             const char   *incident_id,
             GBytes       *data,
             const char   *sha256,
             gsize         chunk)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *body = NULL;
  g_autofree char *url = NULL;
  g_autoptr(JbTestResponse) created = NULL;
  Sampler sampler = { jb_test_server_get_pid (server), 0, 0 };
  GThread *thread;
  gint64 base_kb, t0, t1;
  gsize size = g_bytes_get_size (data);
  Figures figures;

  soup_session_set_timeout (session, 600);
  body = g_strdup_printf ("{\"incident_id\": \"%s\", \"started_at\": 1700000000000, \"duration_ms\": 10000,"
                          " \"size\": %" G_GSIZE_FORMAT ", \"sha256\": \"%s\", \"content_type\": \"video/webm\"}",
                          incident_id, size, sha256);
  created = jb_test_request (server, "POST", "/api/v1/device/clips", auth, NULL, body);
  g_assert_cmpuint (created->status, ==, 201);
  url = g_strconcat (jb_test_server_get_url (server), jb_test_json_string (created->body, "upload_url"), NULL);

  base_kb = jb_test_rss_kib (sampler.pid);
  sampler.peak_kb = base_kb;
  thread = g_thread_new ("rss", sampler_thread, &sampler);
  t0 = g_get_monotonic_time ();
  for (gsize start = 0; start < size; start += chunk)
    {
      gsize end = MIN (start + chunk, size);
      g_autoptr(SoupMessage) msg = put_message (url, auth, data, start, end);
      g_autoptr(GBytes) answer = NULL;
      g_autoptr(GError) error = NULL;

      answer = soup_session_send_and_read (session, msg, NULL, &error);
      g_assert_no_error (error);
      if (soup_message_get_status (msg) != (end == size ? 201 : 200))
        g_error ("PUT %" G_GSIZE_FORMAT ": %u %.*s", start, soup_message_get_status (msg),
                 (int) g_bytes_get_size (answer), (const char *) g_bytes_get_data (answer, NULL));
    }
  t1 = g_get_monotonic_time ();
  g_atomic_int_set (&sampler.stop, 1);
  g_thread_join (thread);

  figures.seconds = (t1 - t0) / 1e6;
  figures.rss_growth_mb = (sampler.peak_kb - base_kb) / 1024.0;
  figures.rss_before_mb = base_kb / 1024.0;
  return figures;
}

static Figures
upload_stock (const char *base_url,
              GPid        pid,
              GBytes     *data,
              const char *sha256)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (base_url, "upload", NULL);
  g_autoptr(SoupMessage) msg = put_message (url, NULL, data, 0, g_bytes_get_size (data));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  Sampler sampler = { pid, 0, 0 };
  GThread *thread;
  gint64 base_kb, t0, t1;
  Figures figures;

  soup_session_set_timeout (session, 600);
  base_kb = jb_test_rss_kib (pid);
  sampler.peak_kb = base_kb;
  thread = g_thread_new ("rss", sampler_thread, &sampler);
  t0 = g_get_monotonic_time ();
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  t1 = g_get_monotonic_time ();
  g_atomic_int_set (&sampler.stop, 1);
  g_thread_join (thread);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 201);
  g_assert_nonnull (strstr (g_bytes_get_data (answer, NULL), sha256));

  figures.seconds = (t1 - t0) / 1e6;
  figures.rss_growth_mb = (sampler.peak_kb - base_kb) / 1024.0;
  figures.rss_before_mb = base_kb / 1024.0;
  return figures;
}

static GBytes *
make_payload (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jb-bench-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *clip = NULL;
  guint8 *bytes;
  gsize clip_len;
  GRand *rand = g_rand_new_with_seed (7);

  g_assert_no_error (error);
  path = jb_test_clip_make (dir, 2, 320, 180, "bench", &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &clip, &clip_len, NULL));
  g_unlink (path);
  g_rmdir (dir);

  bytes = g_malloc (CLIP_BYTES);
  memcpy (bytes, clip, clip_len);
  for (gsize i = clip_len; i + 4 <= CLIP_BYTES; i += 4)
    {
      guint32 r = g_rand_int (rand);

      memcpy (bytes + i, &r, 4);
    }
  g_rand_free (rand);
  return g_bytes_new_take (bytes, CLIP_BYTES);
}

static void
print_row (const char    *name,
           const Figures *f)
{
  printf ("%-48s %6.2f s %7.1f MB/s   server RSS %6.1f MB, peak +%6.1f MB\n", name, f->seconds,
          CLIP_BYTES / MB / f->seconds, f->rss_before_mb, f->rss_growth_mb);
}

int
main (int    argc,
      char **argv)
{
  const char *args[] = { "--demo", "--demo-guards", "300", "--clip-max-size", "200000000", NULL };
  g_autoptr(GBytes) data = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *dispatcher = NULL;
  g_autofree char *incident_id = NULL;
  g_autofree char *self_path = NULL;
  g_autoptr(JbTestResponse) terminals = NULL;
  g_autoptr(JbTestResponse) alarm = NULL;
  g_autoptr(GSubprocess) stock = NULL;
  g_autoptr(GDataInputStream) stock_out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  JbTestServer *server;
  const char *camera = NULL;
  JsonArray *items;
  Figures chunked, whole, plain;

  setlocale (LC_ALL, "");
  if (argc > 1 && g_str_equal (argv[1], "--stock-server"))
    return run_stock_server ();
  g_test_init (&argc, &argv, NULL);

  data = make_payload ();
  sha256 = jb_test_clip_sha256 (data);

  server = jb_test_server_start (args);
  dispatcher = jb_test_login (server, "dispatcher", "demo");
  terminals = jb_test_request (server, "GET", "/api/v1/terminals", dispatcher, NULL, NULL);
  items = json_node_get_array (jb_test_json_get (terminals->body, "items"));
  for (guint i = 0; i < json_array_get_length (items) && camera == NULL; i++)
    {
      JsonObject *t = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (t, "kind"), "body_camera") &&
          json_object_get_string_member (t, "unit_id") != NULL)
        camera = json_object_get_string_member (t, "id");
    }
  g_assert_nonnull (camera);
  secret = jb_demo_terminal_secret (camera);
  auth = jb_test_device_auth (camera, secret);
  alarm = jb_test_request (server, "POST", "/api/v1/device/alarm", auth, NULL, "{}");
  g_assert_cmpuint (alarm->status, ==, 201);
  incident_id = g_strdup (jb_test_json_string (alarm->body, "id"));

  /* The stock server: this binary again, in its own process. */
  self_path = g_file_read_link ("/proc/self/exe", &error);
  g_assert_no_error (error);
  stock = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, self_path, "--stock-server", NULL);
  g_assert_no_error (error);
  stock_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (stock));
  line = g_data_input_stream_read_line_utf8 (stock_out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (line != NULL && g_str_has_prefix (line, "stock listening on "));

  printf ("bench-clip-upload: %d bytes (a real WebM, then padding), loopback\n", CLIP_BYTES);
  chunked = upload_ours (server, auth, incident_id, data, sha256, 8 * 1024 * 1024);
  print_row ("jingbao-dispatchd, 8 MiB chunks, streamed", &chunked);
  whole = upload_ours (server, auth, incident_id, data, sha256, CLIP_BYTES);
  print_row ("jingbao-dispatchd, one PUT, streamed", &whole);
  plain = upload_stock (line + strlen ("stock listening on "), (GPid) g_ascii_strtoll (
                          g_subprocess_get_identifier (stock), NULL, 10), data, sha256);
  print_row ("stock SoupServer handler (accumulates), one PUT", &plain);
  printf ("ratio (ours one PUT / stock): throughput %.2fx, RSS growth %.3fx\n",
          plain.seconds / whole.seconds,
          plain.rss_growth_mb > 0 ? whole.rss_growth_mb / plain.rss_growth_mb : 0.0);
  printf ("ratio (ours 8 MiB chunks / stock): throughput %.2fx, RSS growth %.3fx\n",
          plain.seconds / chunked.seconds,
          plain.rss_growth_mb > 0 ? chunked.rss_growth_mb / plain.rss_growth_mb : 0.0);
  printf ("targets: >= 50 MB/s (ours: %.1f and %.1f), RSS growth < 16 MB (ours: %.1f and %.1f)\n",
          CLIP_BYTES / MB / chunked.seconds, CLIP_BYTES / MB / whole.seconds,
          chunked.rss_growth_mb, whole.rss_growth_mb);

  g_subprocess_force_exit (stock);
  g_subprocess_wait (stock, NULL, NULL);
  jb_test_server_free (server);
  return 0;
}
