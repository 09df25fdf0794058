/* jb-test-bench.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "jb-test-bench.h"

/* The duration of @name in a Server-Timing header, in µs; -1 without. */
static gint64
server_timing (const char *header,
               const char *name)
{
  g_autofree char *key = g_strdup_printf ("%s;dur=", name);
  const char *at = header != NULL ? strstr (header, key) : NULL;

  return at != NULL ? (gint64) (g_ascii_strtod (at + strlen (key), NULL) * 1000) : -1;
}

gpointer
jb_test_post_incidents_thread (gpointer data)
{
  JbTestPoster *p = data;
  g_autoptr(SoupSession) session = soup_session_new ();
  const char *label = g_get_prgname () != NULL ? g_get_prgname () : "bench";
  guint i = 0;

  while (!g_atomic_int_get (&p->stop))
    {
      g_autofree char *body = g_strdup_printf ("{\"type\":\"dispute\",\"priority\":3,"
                                               "\"location\":{\"lat\":28.2%03u,\"lon\":112.98},"
                                               "\"description\":\"%s %u\"}", i % 1000, label, i);
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", p->url);
      g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
      g_autoptr(GBytes) answer = NULL;
      g_autofree char *key = g_uuid_string_random ();
      gint64 start;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", p->authorization);
      /* As the client sends a command: with its key, on a kept-alive connection. */
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", key);
      soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
      soup_message_set_request_body_from_bytes (msg, "application/json", request);
      start = g_get_monotonic_time ();
      answer = soup_session_send_and_read (session, msg, NULL, NULL);
      if (answer != NULL && soup_message_get_status (msg) == 201)
        {
          gint64 took = g_get_monotonic_time () - start;
          const char *timing = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                             "Server-Timing");

          g_array_append_val (p->latency_us, took);
          if (p->lock_us != NULL)
            {
              gint64 lock = server_timing (timing, "lock");

              g_array_append_val (p->lock_us, lock);
            }
          if (p->handle_us != NULL)
            {
              gint64 handle = server_timing (timing, "handle");

              g_array_append_val (p->handle_us, handle);
            }
        }
      else
        p->failures++;
      i++;
      g_usleep ((p->period_ms != 0 ? p->period_ms : 250) * 1000);
    }
  return NULL;
}

gint64
jb_test_server_seq (JbTestServer *server,
                    const char   *authorization)
{
  g_autoptr(JbTestResponse) health = jb_test_request (server, "GET", "/api/v1/health", authorization, NULL, NULL);

  g_assert_cmpuint (health->status, ==, 200);
  return jb_test_json_int (health->body, "seq");
}

int
jb_test_compare_int64 (gconstpointer a,
                       gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

long
jb_test_status_kib (GPid        pid,
                    const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *key = g_strdup_printf ("\n%s:", field);
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (line = strstr (text, key)) == NULL)
    return -1;
  return strtol (line + strlen (key), NULL, 10);
}

long
jb_test_rss_kib (GPid pid)
{
  return jb_test_status_kib (pid, "VmRSS");
}
