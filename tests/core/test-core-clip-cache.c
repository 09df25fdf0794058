/* test-core-clip-cache.c — JbClipCache against the real server: download,
 * reuse, resume with Range, a hash mismatch refused and not kept, the
 * server's refusals as errors, thumbnails
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "jb-core.h"
#include "jb-test-alarm.h"
#include "jb-test-client.h"
#include "jb-test-clip.h"

typedef struct
{
  JbTestServer *server;
  JbClient     *client;
  JbClipCache  *cache;
  char         *dir;
  char         *bearer;
  char         *clip_path;  /* the test clip on disk */
  char         *clip_id;
  JbClip       *clip;       /* as the server describes it */
} Fixture;

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
  GFile    *file;
} Result;

static gboolean
is_done (gpointer data)
{
  return ((Result *) data)->done;
}

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Result *r = user_data;

  r->file = jb_clip_cache_fetch_finish (JB_CLIP_CACHE (object), result, &r->error);
  r->done = TRUE;
}

static void
thumbnail_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Result *r = user_data;

  r->file = jb_clip_cache_fetch_thumbnail_finish (JB_CLIP_CACHE (object), result, &r->error);
  r->done = TRUE;
}

static void
result_clear (Result *r)
{
  g_clear_error (&r->error);
  g_clear_object (&r->file);
  r->done = FALSE;
}

static JbClip *
get_clip (Fixture    *fixture,
          const char *clip_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/clips/%s", clip_id);
  g_autoptr(JbTestResponse) response = jb_test_request (fixture->server, "GET", path, fixture->bearer, NULL, NULL);
  g_autoptr(GError) error = NULL;
  JbClip *clip;

  g_assert_cmpuint (response->status, ==, 200);
  clip = jb_clip_new_from_json (response->body, &error);
  g_assert_no_error (error);
  return clip;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *cache_dir = NULL;
  JbTestAlarm alarm = { 0, };

  fixture->server = jb_test_server_start (args);
  fixture->bearer = jb_test_login (fixture->server, "dispatcher", "demo");
  fixture->dir = g_dir_make_tmp ("jb-clip-cache-XXXXXX", &error);
  g_assert_no_error (error);

  /* An alarm from a demo alarm button makes an incident whose own
   * terminal may upload its clip. */
  jb_test_alarm_raise (&alarm, fixture->server, fixture->bearer);
  fixture->clip_id = jb_test_alarm_upload_clip (&alarm, fixture->server, fixture->dir, 2, 320, 240, "cache",
                                                &fixture->clip_path);
  jb_test_alarm_clear (&alarm);
  fixture->clip = get_clip (fixture, fixture->clip_id);
  g_assert_true (jb_clip_is_verified (fixture->clip));

  fixture->client = jb_test_client_new_signed_in (fixture->server, "dispatcher", "demo");
  cache_dir = g_build_filename (fixture->dir, "cache", NULL);
  fixture->cache = jb_clip_cache_new (fixture->client, cache_dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->cache);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->clip);
  jb_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->bearer);
  g_free (fixture->clip_path);
  g_free (fixture->clip_id);
  jb_test_server_free (fixture->server);
}

typedef struct
{
  guint  n;
  gint64 first;
  gint64 last;
} Progress;

static void
progress_cb (JbClipCache *cache,
             const char  *clip_id,
             gint64       received,
             gint64       total,
             Progress    *p)
{
  if (p->n == 0)
    p->first = received;
  p->n++;
  p->last = received;
}

static void
fetch (Fixture *fixture,
       JbClip  *clip,
       Result  *r)
{
  result_clear (r);
  jb_clip_cache_fetch_async (fixture->cache, clip, NULL, fetched_cb, r);
  g_assert_true (jb_test_wait_for (is_done, r, 120 * 1000));
}

static gboolean
same_bytes (const char *a,
            const char *b)
{
  g_autofree char *x = NULL, *y = NULL;
  gsize nx = 0, ny = 0;

  g_assert_true (g_file_get_contents (a, &x, &nx, NULL));
  g_assert_true (g_file_get_contents (b, &y, &ny, NULL));
  return nx == ny && memcmp (x, y, nx) == 0;
}

static void
test_download_and_reuse (Fixture       *fixture,
                         gconstpointer  data)
{
  Result r = { 0, };
  Progress p = { 0, };
  g_autofree char *path = NULL;
  g_autofree char *expected = jb_clip_cache_get_path (fixture->cache, fixture->clip);
  g_autofree char *part = g_strconcat (expected, ".part", NULL);

  g_assert_false (jb_clip_cache_has_verified (fixture->cache, fixture->clip));
  g_signal_connect (fixture->cache, "progress", G_CALLBACK (progress_cb), &p);

  fetch (fixture, fixture->clip, &r);
  g_assert_no_error (r.error);
  path = g_file_get_path (r.file);
  g_assert_cmpstr (path, ==, expected);
  g_assert_true (g_str_has_suffix (path, ".webm"));
  g_assert_true (same_bytes (path, fixture->clip_path));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_true (jb_clip_cache_has_verified (fixture->cache, fixture->clip));
  g_assert_cmpuint (p.n, >=, 2);
  g_assert_cmpint (p.first, ==, 0);
  g_assert_cmpint (p.last, ==, jb_clip_get_size (fixture->clip));
  g_assert_cmpfloat (jb_clip_cache_get_progress (fixture->cache, fixture->clip_id), ==, -1);

  /* The next time it comes from the disk: no download, no progress. */
  p.n = 0;
  fetch (fixture, fixture->clip, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (p.n, ==, 0);
  result_clear (&r);

  /* A cache whose file was changed behind its back downloads again. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (g_file_set_contents (expected, "not a clip", -1, &error));
    g_assert_false (jb_clip_cache_has_verified (fixture->cache, fixture->clip));
    fetch (fixture, fixture->clip, &r);
    g_assert_no_error (r.error);
    g_assert_true (same_bytes (expected, fixture->clip_path));
    g_assert_cmpuint (p.n, >=, 1);
    result_clear (&r);
  }
}

static void
test_resume (Fixture       *fixture,
             gconstpointer  data)
{
  Result r = { 0, };
  Progress p = { 0, };
  g_autofree char *expected = jb_clip_cache_get_path (fixture->cache, fixture->clip);
  g_autofree char *part = g_strconcat (expected, ".part", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0, half;

  /* A run that stopped half-way left a .part. */
  g_assert_true (g_file_get_contents (fixture->clip_path, &contents, &len, &error));
  half = len / 2;
  g_assert_true (g_file_set_contents (part, contents, (gssize) half, &error));

  g_signal_connect (fixture->cache, "progress", G_CALLBACK (progress_cb), &p);
  fetch (fixture, fixture->clip, &r);
  g_assert_no_error (r.error);
  /* It went on from the bytes it had, and the result is whole. */
  g_assert_cmpint (p.first, ==, (gint64) half);
  g_assert_cmpint (p.last, ==, (gint64) len);
  g_assert_true (same_bytes (expected, fixture->clip_path));
  g_assert_true (jb_clip_cache_has_verified (fixture->cache, fixture->clip));
  result_clear (&r);

  /* A .part of garbage that fits resumes too, and is then refused by
   * the hash: nothing is kept. */
  g_unlink (expected);
  {
    g_autofree char *garbage = g_strnfill (half, 'x');

    g_assert_true (g_file_set_contents (part, garbage, (gssize) half, &error));
  }
  fetch (fixture, fixture->clip, &r);
  g_assert_error (r.error, JB_CLIP_CACHE_ERROR, JB_CLIP_CACHE_ERROR_HASH_MISMATCH);
  g_assert_false (g_file_test (expected, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_false (jb_clip_cache_has_verified (fixture->cache, fixture->clip));
  result_clear (&r);
}

static void
test_hash_mismatch (Fixture       *fixture,
                    gconstpointer  data)
{
  Result r = { 0, };
  g_autoptr(JsonNode) json = jb_clip_to_json (fixture->clip);
  g_autoptr(JbClip) forged = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *part = NULL;
  const char *sha = jb_clip_get_sha256 (fixture->clip);
  g_autofree char *other = g_strdup (sha);

  /* The record says another hash than the bytes have. */
  other[0] = other[0] == '0' ? '1' : '0';
  json_object_set_string_member (json_node_get_object (json), "sha256", other);
  forged = jb_clip_new_from_json (json, &error);
  g_assert_no_error (error);

  expected = jb_clip_cache_get_path (fixture->cache, forged);
  part = g_strconcat (expected, ".part", NULL);
  fetch (fixture, forged, &r);
  g_assert_null (r.file);
  g_assert_error (r.error, JB_CLIP_CACHE_ERROR, JB_CLIP_CACHE_ERROR_HASH_MISMATCH);
  g_assert_false (g_file_test (expected, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_false (jb_clip_cache_has_verified (fixture->cache, forged));
  g_assert_false (jb_clip_cache_has_verified (fixture->cache, fixture->clip));
  result_clear (&r);
}

static void
test_refusals (Fixture       *fixture,
               gconstpointer  data)
{
  Result r = { 0, };
  g_autoptr(JsonNode) json = jb_clip_to_json (fixture->clip);
  g_autoptr(JbClip) unknown = NULL;
  g_autoptr(JbClip) uploading = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JbClient) anonymous = NULL;
  g_autoptr(JbClipCache) anonymous_cache = NULL;

  /* An id the server does not know: its 404 in words. */
  json_object_set_string_member (json_node_get_object (json), "id", "clip-0123456789abcdef0123456789abcdef");
  unknown = jb_clip_new_from_json (json, &error);
  g_assert_no_error (error);
  fetch (fixture, unknown, &r);
  g_assert_error (r.error, JB_ERROR, JB_ERROR_NOT_FOUND);
  result_clear (&r);

  /* A clip still uploading is not fetched at all. */
  json_object_set_string_member (json_node_get_object (json), "state", "uploading");
  uploading = jb_clip_new_from_json (json, &error);
  fetch (fixture, uploading, &r);
  g_assert_error (r.error, JB_CLIP_CACHE_ERROR, JB_CLIP_CACHE_ERROR_NOT_VERIFIED);
  result_clear (&r);

  /* Nobody signed in: nothing is asked. */
  anonymous = jb_client_new (jb_test_server_get_url (fixture->server));
  anonymous_cache = jb_clip_cache_new (anonymous, jb_clip_cache_get_dir (fixture->cache));
  r.done = FALSE;
  jb_clip_cache_fetch_async (anonymous_cache, fixture->clip, NULL, fetched_cb, &r);
  g_assert_true (jb_test_wait_for (is_done, &r, 60 * 1000));
  g_assert_error (r.error, JB_CLIP_CACHE_ERROR, JB_CLIP_CACHE_ERROR_NOT_LOGGED_IN);
  result_clear (&r);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  Result r = { 0, }, again = { 0, };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  /* Two fetches share one download; cancelling one leaves the other. */
  jb_clip_cache_fetch_async (fixture->cache, fixture->clip, cancellable, fetched_cb, &r);
  jb_clip_cache_fetch_async (fixture->cache, fixture->clip, NULL, fetched_cb, &again);
  g_cancellable_cancel (cancellable);
  g_assert_true (jb_test_wait_for (is_done, &r, 60 * 1000));
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (jb_test_wait_for (is_done, &again, 120 * 1000));
  g_assert_no_error (again.error);
  g_assert_true (jb_clip_cache_has_verified (fixture->cache, fixture->clip));
  result_clear (&r);
  result_clear (&again);
}

/* Another verified clip, of another alarm. */
static JbClip *
upload_another (Fixture    *fixture,
                const char *label)
{
  JbTestAlarm alarm = { 0, };
  g_autofree char *id = NULL;

  jb_test_alarm_raise (&alarm, fixture->server, fixture->bearer);
  id = jb_test_alarm_upload_clip (&alarm, fixture->server, fixture->dir, 2, 320, 240, label, NULL);
  jb_test_alarm_clear (&alarm);
  return get_clip (fixture, id);
}

/* A cache over its limit removes whole clips, least recently fetched
 * first, never the one it just downloaded; a removed clip downloads
 * again when it is asked for. */
static void
test_limit (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(JbClip) second = upload_another (fixture, "second");
  g_autoptr(JbClip) third = upload_another (fixture, "third");
  JbClip *clips[] = { fixture->clip, second, third };
  gint64 largest = 0, smallest = G_MAXINT64;
  Result r = { 0, };

  for (guint i = 0; i < G_N_ELEMENTS (clips); i++)
    {
      largest = MAX (largest, jb_clip_get_size (clips[i]));
      smallest = MIN (smallest, jb_clip_get_size (clips[i]));
    }
  /* Room for two clips and their hash files, not three. */
  g_assert_cmpint (largest * 2 + 1024, <, smallest * 3);
  jb_clip_cache_set_max_bytes (fixture->cache, (guint64) (largest * 2 + 1024));

  fetch (fixture, fixture->clip, &r);
  g_assert_no_error (r.error);
  fetch (fixture, second, &r);
  g_assert_no_error (r.error);
  g_assert_true (jb_clip_cache_has_verified (fixture->cache, fixture->clip));
  g_assert_true (jb_clip_cache_has_verified (fixture->cache, second));

  /* The first is used again, so the second is the least recent. */
  g_usleep (20 * 1000);
  fetch (fixture, fixture->clip, &r);
  g_assert_no_error (r.error);
  g_usleep (20 * 1000);
  fetch (fixture, third, &r);
  g_assert_no_error (r.error);
  g_assert_true (jb_clip_cache_has_verified (fixture->cache, third));
  g_assert_true (jb_clip_cache_has_verified (fixture->cache, fixture->clip));
  g_assert_false (jb_clip_cache_has_verified (fixture->cache, second));
  {
    g_autofree char *path = jb_clip_cache_get_path (fixture->cache, second);
    g_autofree char *hash = g_build_filename (jb_clip_cache_get_dir (fixture->cache),
                                              jb_clip_get_id (second), NULL);
    g_autofree char *hash_file = g_strconcat (hash, ".sha256", NULL);

    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (hash_file, G_FILE_TEST_EXISTS));
  }

  /* Asked for again, it comes back, and the least recent (the first) goes. */
  fetch (fixture, second, &r);
  g_assert_no_error (r.error);
  g_assert_true (jb_clip_cache_has_verified (fixture->cache, second));
  g_assert_true (jb_clip_cache_has_verified (fixture->cache, third));
  g_assert_false (jb_clip_cache_has_verified (fixture->cache, fixture->clip));
  result_clear (&r);
}

static void
test_thumbnail (Fixture       *fixture,
                gconstpointer  data)
{
  Result r = { 0, };
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  jb_clip_cache_fetch_thumbnail_async (fixture->cache, fixture->clip, NULL, thumbnail_cb, &r);
  g_assert_true (jb_test_wait_for (is_done, &r, 120 * 1000));
  g_assert_no_error (r.error);
  path = g_file_get_path (r.file);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 8);
  g_assert_cmpmem (contents, 8, "\x89PNG\r\n\x1a\n", 8);
  result_clear (&r);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/clip-cache/download-and-reuse", Fixture, NULL, fixture_set_up, test_download_and_reuse, fixture_tear_down);
  g_test_add ("/clip-cache/resume", Fixture, NULL, fixture_set_up, test_resume, fixture_tear_down);
  g_test_add ("/clip-cache/hash-mismatch", Fixture, NULL, fixture_set_up, test_hash_mismatch, fixture_tear_down);
  g_test_add ("/clip-cache/refusals", Fixture, NULL, fixture_set_up, test_refusals, fixture_tear_down);
  g_test_add ("/clip-cache/cancel", Fixture, NULL, fixture_set_up, test_cancel, fixture_tear_down);
  g_test_add ("/clip-cache/thumbnail", Fixture, NULL, fixture_set_up, test_thumbnail, fixture_tear_down);
  g_test_add ("/clip-cache/limit", Fixture, NULL, fixture_set_up, test_limit, fixture_tear_down);

  return g_test_run ();
}
