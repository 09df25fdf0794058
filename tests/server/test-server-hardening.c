/* test-server-hardening.c — logins, strict numbers and text, and bodies
 * judged as they arrive, against the real jingbao-dispatchd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <string.h>
#include <unistd.h>

#include "jb-demo.h"
#include "jb-test-raw.h"
#include "jb-test-server.h"

static const char *small_city[] = { "--demo", "--demo-guards", "50", NULL };

static void
assert_error (JbTestResponse *response,
              guint           status,
              const char     *code)
{
  g_assert_cmpuint (response->status, ==, status);
  g_assert_nonnull (response->body);
  g_assert_cmpstr (jb_test_json_string (response->body, "error.code"), ==, code);
  g_assert_nonnull (jb_test_json_string (response->body, "error.message"));
}

static JbTestResponse *
login (JbTestServer *server,
       const char   *username,
       const char   *password)
{
  g_autofree char *body = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}", username, password);

  return jb_test_request (server, "POST", "/api/v1/session", NULL, NULL, body);
}

/* An unknown account and a wrong password get the same answer (and, see
 * bench-login-flood, the same time: both are hashed). */
static void
test_login_unknown_account (void)
{
  JbTestServer *server = jb_test_server_start (small_city);
  g_autoptr(JbTestResponse) wrong = login (server, "dispatcher", "not-the-password");
  g_autoptr(JbTestResponse) unknown = login (server, "nobody-at-all", "not-the-password");

  assert_error (wrong, 401, "unauthorized");
  assert_error (unknown, 401, "unauthorized");
  g_assert_cmpstr (wrong->text, ==, unknown->text);
  jb_test_server_free (server);
}

static guint
retry_after (JbTestResponse *response)
{
  const char *value = soup_message_headers_get_one (response->headers, "Retry-After");

  g_assert_nonnull (value);
  return (guint) g_ascii_strtoull (value, NULL, 10);
}

/* Repeated failures on one account: refused with 429 and Retry-After, the
 * right password too while it lasts; then the real user gets in, and a
 * success forgets the failures. */
static void
test_login_lockout (void)
{
  static const char *args[] = { "--demo", "--demo-guards", "50", "--login-max-failures", "4",
                                "--login-lockout", "2", "--login-delay-ms", "10", NULL };
  JbTestServer *server = jb_test_server_start (args);
  g_autoptr(JbTestResponse) locked = NULL;
  g_autoptr(JbTestResponse) right_while_locked = NULL;
  g_autoptr(JbTestResponse) after_success = NULL;
  gboolean in = FALSE;

  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(JbTestResponse) response = login (server, "dispatcher", "guess");

      assert_error (response, 401, "unauthorized");
    }
  locked = login (server, "dispatcher", "guess");
  assert_error (locked, 429, "too_many_requests");
  g_assert_cmpuint (retry_after (locked), >=, 1);
  g_assert_cmpuint (retry_after (locked), <=, 2);
  right_while_locked = login (server, "dispatcher", "demo");
  assert_error (right_while_locked, 429, "too_many_requests");

  /* Another account is not locked by this one's failures. */
  g_free (jb_test_login (server, "wall", "demo"));

  /* The lockout ends: wait for it (bounded), the real user gets in. */
  for (guint i = 0; i < 300 && !in; i++)
    {
      g_autoptr(JbTestResponse) response = login (server, "dispatcher", "demo");

      if (response->status == 201)
        in = TRUE;
      else
        {
          assert_error (response, 429, "too_many_requests");
          g_usleep (100 * 1000);
        }
    }
  g_assert_true (in);
  after_success = login (server, "dispatcher", "guess");
  assert_error (after_success, 401, "unauthorized");
  jb_test_server_free (server);
}

/* Guessing across accounts from one address is bounded too. */
static void
test_login_per_address (void)
{
  static const char *args[] = { "--demo", "--demo-guards", "50", "--login-max-failures", "0",
                                "--login-max-failures-address", "5", "--login-lockout", "60",
                                "--login-delay-ms", "0", NULL };
  JbTestServer *server = jb_test_server_start (args);
  g_autoptr(JbTestResponse) refused = NULL;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("guess-%u", i);
      g_autoptr(JbTestResponse) response = login (server, name, "x");

      assert_error (response, 401, "unauthorized");
    }
  refused = login (server, "another-name", "x");
  assert_error (refused, 429, "too_many_requests");
  g_assert_cmpuint (retry_after (refused), >=, 1);
  jb_test_server_free (server);
}

/* Logins are hashed off the main loop: with one worker and many logins
 * queued, a request sent after all of them is answered before the last
 * of them (on the main loop it would wait for every hash before it). */
typedef struct
{
  guint  done;
  guint  logins_done_before_health;
  gboolean health_done;
  GMainLoop *loop;
} Race;

static void
race_login_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Race *race = user_data;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  g_assert_nonnull (bytes);
  race->done++;
}

static void
race_health_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Race *race = user_data;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  g_assert_nonnull (bytes);
  race->health_done = TRUE;
  race->logins_done_before_health = race->done;
}

static void
test_login_off_main_loop (void)
{
  static const char *args[] = { "--demo", "--demo-guards", "50", "--login-threads", "1", NULL };
  const guint n_logins = 12;
  JbTestServer *server = jb_test_server_start (args);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns", 64, "max-conns-per-host", 64, NULL);
  g_autofree char *login_url = g_strconcat (jb_test_server_get_url (server), "/api/v1/session", NULL);
  g_autofree char *health_url = g_strconcat (jb_test_server_get_url (server), "/api/v1/health", NULL);
  g_autoptr(SoupMessage) health = NULL;
  GPtrArray *messages = g_ptr_array_new_with_free_func (g_object_unref);
  Race race = { 0 };
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  for (guint i = 0; i < n_logins; i++)
    {
      SoupMessage *msg = soup_message_new ("POST", login_url);
      static const char text[] = "{\"username\":\"wall\",\"password\":\"demo\"}";
      g_autoptr(GBytes) body = g_bytes_new_static (text, strlen (text));

      soup_message_set_request_body_from_bytes (msg, "application/json", body);
      g_ptr_array_add (messages, msg);
      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, race_login_cb, &race);
    }
  /* The first answer: by then every login was sent, and with one worker
   * the rest wait for it in turn. */
  while (race.done == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  health = soup_message_new ("GET", health_url);
  soup_session_send_and_read_async (session, health, G_PRIORITY_DEFAULT, NULL, race_health_cb, &race);
  while ((race.done < n_logins || !race.health_done) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (race.health_done);
  g_assert_cmpuint (race.done, ==, n_logins);
  g_test_message ("logins answered before the health check: %u of %u", race.logins_done_before_health, n_logins);
  g_assert_cmpuint (race.logins_done_before_health, <, n_logins);
  for (guint i = 0; i < messages->len; i++)
    g_assert_cmpuint (soup_message_get_status (g_ptr_array_index (messages, i)), ==, 201);
  g_ptr_array_unref (messages);
  jb_test_server_free (server);
}

/* Numbers out of the int64 range are refused, not wrapped; so are
 * position times far in the future and text with NUL. */
static guint
count_incidents (JbTestServer *server,
                 const char   *bearer)
{
  g_autoptr(JbTestResponse) response = jb_test_request (server, "GET", "/api/v1/incidents?status=all&limit=500",
                                                        bearer, NULL, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  return json_array_get_length (json_node_get_array (jb_test_json_get (response->body, "items")));
}

static void
test_strict_numbers_and_text (void)
{
  JbTestServer *server = jb_test_server_start (small_city);
  g_autofree char *dispatcher = jb_test_login (server, "dispatcher", "demo");
  guint before = count_incidents (server, dispatcher);
  static const struct { const char *priority; const char *code; } priorities[] = {
    { "-1000000000000000000000000000000", "out_of_range" },
    { "-9223372036854775809", "out_of_range" },
    { "9223372036854775808", "out_of_range" },
    { "99999999999999999999", "out_of_range" },
    { "-1e30", "invalid_type" },
    { "1.5", "invalid_type" },
    { "0", "out_of_range" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (priorities); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"type\": \"fight\", \"priority\": %s, "
                                               "\"location\": {\"lat\": 28.2, \"lon\": 112.98}}",
                                               priorities[i].priority);
      g_autoptr(JbTestResponse) response = jb_test_request (server, "POST", "/api/v1/incidents",
                                                            dispatcher, NULL, body);

      g_test_message ("priority %s", priorities[i].priority);
      assert_error (response, 400, priorities[i].code);
    }

  /* NUL in any text is refused whole, never cut. */
  {
    g_autoptr(JbTestResponse) response =
      jb_test_request (server, "POST", "/api/v1/incidents", dispatcher, NULL,
                       "{\"type\": \"fight\", \"priority\": 2, \"location\": {\"lat\": 28.2, \"lon\": 112.98},"
                       " \"description\": \"before\\u0000after\"}");

    assert_error (response, 400, "invalid_value");
  }
  {
    g_autoptr(JbTestResponse) response =
      jb_test_request (server, "POST", "/api/v1/incidents", dispatcher, NULL,
                       "{\"type\": \"fight\", \"priority\": 2, \"location\": {\"lat\": 28.2, \"lon\": 112.98},"
                       " \"address\": \"\\u0000\"}");

    assert_error (response, 400, "invalid_value");
  }
  /* Two values in one body: json-glib alone would take the second (and
   * leak the first); one value, then white space only. */
  {
    g_autoptr(JbTestResponse) response =
      jb_test_request (server, "POST", "/api/v1/incidents", dispatcher, NULL,
                       "{\"type\": \"fight\", \"priority\": 2, \"location\": {\"lat\": 28.2, \"lon\": 112.98}}"
                       "{\"type\": \"fire\", \"priority\": 1, \"location\": {\"lat\": 28.2, \"lon\": 112.98}}");

    assert_error (response, 400, "malformed_json");
  }
  {
    g_autoptr(JbTestResponse) response =
      jb_test_request (server, "POST", "/api/v1/incidents", dispatcher, NULL,
                       "{\"type\": \"fight\", \"priority\": 2, \"location\": {\"lat\": 28.2, \"lon\": 112.98},"
                       " \"description\": \"{}[] in text\"} \r\n");

    g_assert_cmpuint (response->status, ==, 201);
  }
  /* An escaped backslash before u0000 is text, not a NUL. */
  {
    g_autoptr(JbTestResponse) response =
      jb_test_request (server, "POST", "/api/v1/incidents", dispatcher, NULL,
                       "{\"type\": \"fight\", \"priority\": 2, \"location\": {\"lat\": 28.2, \"lon\": 112.98},"
                       " \"description\": \"a\\\\u0000b\"}");

    g_assert_cmpuint (response->status, ==, 201);
    g_assert_cmpstr (jb_test_json_string (response->body, "description"), ==, "a\\u0000b");
  }
  /* A short \u escape, a lone surrogate or an octal escape would come
   * out of the JSON reader as bytes that are not UTF-8; JSON has no
   * other escapes either. */
  {
    static const char * const bad[] = { "\\ud80traffic", "\\udc00", "\\ud83dx", "\\ud83d\\u0041", "\\u12",
                                        "xu\\3000y", "\\d80", "\\x41", "\\'" };

    for (gsize k = 0; k < G_N_ELEMENTS (bad); k++)
      {
        g_autofree char *body =
          g_strdup_printf ("{\"type\": \"fight\", \"priority\": 2, \"location\": {\"lat\": 28.2, \"lon\": 112.98},"
                           " \"description\": \"%s\"}", bad[k]);
        g_autoptr(JbTestResponse) response =
          jb_test_request (server, "POST", "/api/v1/incidents", dispatcher, NULL, body);

        assert_error (response, 400, "malformed_json");
      }
  }
  /* A surrogate pair is one character outside the BMP. */
  {
    g_autoptr(JbTestResponse) response =
      jb_test_request (server, "POST", "/api/v1/incidents", dispatcher, NULL,
                       "{\"type\": \"fight\", \"priority\": 2, \"location\": {\"lat\": 28.2, \"lon\": 112.98},"
                       " \"description\": \"\\ud83d\\udea8 \\u8b66\"}");

    g_assert_cmpuint (response->status, ==, 201);
    g_assert_cmpstr (jb_test_json_string (response->body, "description"), ==, "\U0001F6A8 \u8b66");
  }
  /* The three created: the backslash's, the surrogate pair's and the
   * white space's; nothing else. */
  g_assert_cmpuint (count_incidents (server, dispatcher), ==, before + 3);
  jb_test_server_free (server);
}

/* The position time: not before 1970, not far in the future, never a
 * wrapped value that would freeze the unit. */
static void
test_position_times (void)
{
  JbTestServer *server = jb_test_server_start (small_city);
  g_autofree char *dispatcher = jb_test_login (server, "dispatcher", "demo");
  g_autoptr(JbTestResponse) terminals = jb_test_request (server, "GET", "/api/v1/terminals", dispatcher, NULL, NULL);
  JsonArray *items = json_node_get_array (jb_test_json_get (terminals->body, "items"));
  g_autofree char *device = NULL;
  gint64 now = g_get_real_time () / 1000;
  const char *unit_id = NULL;
  g_autoptr(JbTestResponse) later = NULL;
  g_autoptr(JbTestResponse) unit = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;

  for (guint i = 0; i < json_array_get_length (items) && device == NULL; i++)
    {
      JsonObject *terminal = json_array_get_object_element (items, i);
      JsonNode *unit_node = json_object_get_member (terminal, "unit_id");

      if (unit_node != NULL && JSON_NODE_HOLDS_VALUE (unit_node))
        {
          g_autofree char *secret = jb_demo_terminal_secret (json_object_get_string_member (terminal, "id"));
          device = jb_test_device_auth (json_object_get_string_member (terminal, "id"), secret);
          unit_id = json_node_get_string (unit_node);
        }
    }
  g_assert_nonnull (device);

  {
    g_autoptr(JbTestResponse) response =
      jb_test_request (server, "POST", "/api/v1/device/position", device, NULL,
                       "{\"lat\": 28.2, \"lon\": 112.98, \"time\": -9223372036854775809}");

    assert_error (response, 400, "out_of_range");
  }
  {
    g_autofree char *text = g_strdup_printf ("{\"lat\": 28.2, \"lon\": 112.98, \"time\": %" G_GINT64_FORMAT "}",
                                             now + (gint64) 24 * 3600 * 1000);
    g_autoptr(JbTestResponse) response = jb_test_request (server, "POST", "/api/v1/device/position",
                                                          device, NULL, text);

    assert_error (response, 400, "out_of_range");
  }
  /* A real fix after the refused ones is taken. */
  body = g_strdup_printf ("{\"lat\": 28.21, \"lon\": 112.99, \"time\": %" G_GINT64_FORMAT "}", now);
  later = jb_test_request (server, "POST", "/api/v1/device/position", device, NULL, body);
  g_assert_cmpuint (later->status, ==, 202);
  path = g_strconcat ("/api/v1/units/", unit_id, NULL);
  unit = jb_test_request (server, "GET", path, dispatcher, NULL, NULL);
  g_assert_cmpuint (unit->status, ==, 200);
  g_assert_cmpint (jb_test_json_int (unit->body, "position.time"), ==, now);
  jb_test_server_free (server);
}

/* Found by fuzzing (the regression-* files of tests/fuzz/corpus): json-glib wrote
 * doubles like 1e-300 as "1e-300.0" and infinity as "inf.0", and cut its
 * parse error messages inside a UTF-8 character: every answer and every
 * snapshot must stay JSON. */
static void
test_fuzz_regressions (void)
{
  JbTestServer *server = jb_test_server_start (small_city);
  g_autofree char *dispatcher = jb_test_login (server, "dispatcher", "demo");
  g_autofree char *secret = jb_demo_terminal_secret ("t-ph-0001");
  g_autofree char *device = jb_test_device_auth ("t-ph-0001", secret);
  g_autofree char *broken = NULL;
  gsize broken_len = 0;
  g_autofree char *corpus = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "fuzz", "corpus", "fuzz-dispatch",
                                              "regression-error-message-utf8", NULL);

  {
    g_autoptr(JbTestResponse) response =
      jb_test_request (server, "POST", "/api/v1/incidents", dispatcher, NULL,
                       "{\"type\": \"fight\", \"priority\": 2, \"location\": {\"lat\": 1e-300, \"lon\": 112.98}}");

    g_assert_cmpuint (response->status, ==, 201);
    g_assert_nonnull (response->body);
  }
  {
    g_autoptr(JbTestResponse) response =
      jb_test_request (server, "POST", "/api/v1/device/position", device, NULL,
                       "{\"lat\": 28.2, \"lon\": 112.98, \"speed\": 1e20, \"accuracy\": 1e17}");

    g_assert_cmpuint (response->status, ==, 202);
  }
  {
    g_autoptr(JbTestResponse) response =
      jb_test_request (server, "POST", "/api/v1/device/position", device, NULL,
                       "{\"lat\": 28.2, \"lon\": 112.98, \"speed\": 1e400}");

    assert_error (response, 400, "out_of_range");
  }
  {
    g_autoptr(JbTestResponse) snapshot = jb_test_request (server, "GET", "/api/v1/snapshot", dispatcher, NULL, NULL);

    g_assert_cmpuint (snapshot->status, ==, 200);
    g_assert_nonnull (snapshot->body);
  }
  g_assert_true (g_file_get_contents (corpus, &broken, &broken_len, NULL));
  {
    /* The corpus file: endpoint byte, caller byte, then the body. */
    g_autoptr(JbTestResponse) response = jb_test_request_bytes (server, "POST", "/api/v1/incidents", dispatcher,
                                                                NULL, broken + 2, broken_len - 2);

    assert_error (response, 400, "malformed_json");
    g_assert_true (g_utf8_validate (response->text, -1, NULL));
  }
  jb_test_server_free (server);
}

/* Bad lengths and paths get the documented error form. */
static void
assert_raw_error (const char *response,
                  guint       status,
                  const char *code)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_nonnull (response);
  g_assert_cmpuint (jb_test_raw_status (response), ==, status);
  g_assert_true (json_parser_load_from_data (parser, jb_test_raw_body (response), -1, NULL));
  g_assert_cmpstr (jb_test_json_string (json_parser_get_root (parser), "error.code"), ==, code);
}

static char *
raw_exchange (JbTestServer *server,
              const char   *request)
{
  int fd = jb_test_raw_connect (jb_test_url_port (jb_test_server_get_url (server)), NULL);
  char *response;

  g_assert_true (jb_test_raw_send (fd, request, -1));
  response = jb_test_raw_read_response (fd, 30000);
  close (fd);
  return response;
}

static void
test_bad_lengths_and_paths (void)
{
  JbTestServer *server = jb_test_server_start (small_city);
  g_autofree char *dispatcher = jb_test_login (server, "dispatcher", "demo");
  static const char *lengths[] = { "-1", "18446744073709551616", "18446744073709551615", "12abc" };
  static const char *paths[] = { "/api/v1/%00", "/api/v1/..%2fhealth", "/api/v1/incidents/%00/notes",
                                 "/api/v1/..%2f..%2fetc" };

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      g_autofree char *request = g_strdup_printf ("POST /api/v1/incidents HTTP/1.1\r\nHost: x\r\n"
                                                  "Authorization: %s\r\nContent-Length: %s\r\n\r\n{}",
                                                  dispatcher, lengths[i]);
      g_autofree char *response = raw_exchange (server, request);

      g_test_message ("Content-Length: %s", lengths[i]);
      if (i == 3)  /* not a number at all: SoupServer's own 400, in our form */
        g_assert_cmpuint (jb_test_raw_status (response), ==, 400);
      else
        assert_raw_error (response, 400, "bad_request");
    }
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: x\r\n\r\n", paths[i]);
      g_autofree char *response = raw_exchange (server, request);

      g_test_message ("path %s", paths[i]);
      assert_raw_error (response, 400, "bad_request");
    }
  jb_test_server_free (server);
}

/* A body without credentials, or too large, is refused from its headers or
 * first chunks: the answer comes while the client is still sending. */
static void
test_bodies_refused_early (void)
{
  JbTestServer *server = jb_test_server_start (small_city);
  g_autofree char *dispatcher = jb_test_login (server, "dispatcher", "demo");
  guint16 port = jb_test_url_port (jb_test_server_get_url (server));
  g_autofree char *chunk = NULL;

  /* 64 MiB declared, no token: nothing of it is sent, the answer comes. */
  {
    int fd = jb_test_raw_connect (port, NULL);
    g_autofree char *response = NULL;

    g_assert_true (jb_test_raw_send (fd, "POST /api/v1/incidents HTTP/1.1\r\nHost: x\r\n"
                                         "Content-Length: 1000\r\n\r\n", -1));
    response = jb_test_raw_read_response (fd, 30000);
    assert_raw_error (response, 401, "unauthorized");
    close (fd);
  }
  /* A declared size over the endpoint's limit, even with a token. */
  {
    int fd = jb_test_raw_connect (port, NULL);
    g_autofree char *request = g_strdup_printf ("POST /api/v1/incidents HTTP/1.1\r\nHost: x\r\n"
                                                "Authorization: %s\r\nContent-Length: 67108864\r\n\r\n",
                                                dispatcher);
    g_autofree char *response = NULL;

    g_assert_true (jb_test_raw_send (fd, request, -1));
    response = jb_test_raw_read_response (fd, 30000);
    assert_raw_error (response, 413, "payload_too_large");
    close (fd);
  }
  /* Chunked without a token: refused after the headers. */
  chunk = g_strnfill (16384, 'a');
  {
    int fd = jb_test_raw_connect (port, NULL);
    g_autofree char *response = NULL;
    g_autofree char *first = g_strdup_printf ("4000\r\n%s\r\n", chunk);

    g_assert_true (jb_test_raw_send (fd, "POST /api/v1/incidents HTTP/1.1\r\nHost: x\r\n"
                                         "Transfer-Encoding: chunked\r\n\r\n", -1));
    g_assert_true (jb_test_raw_send (fd, first, -1));
    response = jb_test_raw_read_response (fd, 30000);
    assert_raw_error (response, 401, "unauthorized");
    close (fd);
  }
  /* Chunked with a token: refused once the chunks pass 64 KiB, while the
   * client would go on to 64 MiB. */
  {
    int fd = jb_test_raw_connect (port, NULL);
    g_autofree char *request = g_strdup_printf ("POST /api/v1/incidents HTTP/1.1\r\nHost: x\r\n"
                                                "Authorization: %s\r\nTransfer-Encoding: chunked\r\n\r\n",
                                                dispatcher);
    g_autofree char *one = g_strdup_printf ("4000\r\n%s\r\n", chunk);
    g_autofree char *response = NULL;
    gboolean closed = FALSE;
    g_autofree char *rest = NULL;

    g_assert_true (jb_test_raw_send (fd, request, -1));
    for (guint i = 0; i < 5; i++)  /* 80 KiB */
      g_assert_true (jb_test_raw_send (fd, one, -1));
    response = jb_test_raw_read_response (fd, 30000);
    assert_raw_error (response, 413, "payload_too_large");
    /* And the server ends the connection rather than read 64 MiB. */
    for (guint i = 0; i < 4096 && jb_test_raw_send (fd, one, -1); i++)
      ;
    rest = jb_test_raw_read_all (fd, 30000, &closed);
    g_assert_true (closed);
    close (fd);
  }
  /* The server still serves. */
  {
    g_autoptr(JbTestResponse) health = jb_test_request (server, "GET", "/api/v1/health", NULL, NULL, NULL);

    g_assert_cmpuint (health->status, ==, 200);
  }
  jb_test_server_free (server);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/hardening/login-unknown-account", test_login_unknown_account);
  g_test_add_func ("/server/hardening/login-lockout", test_login_lockout);
  g_test_add_func ("/server/hardening/login-per-address", test_login_per_address);
  g_test_add_func ("/server/hardening/login-off-main-loop", test_login_off_main_loop);
  g_test_add_func ("/server/hardening/strict-numbers-and-text", test_strict_numbers_and_text);
  g_test_add_func ("/server/hardening/position-times", test_position_times);
  g_test_add_func ("/server/hardening/fuzz-regressions", test_fuzz_regressions);
  g_test_add_func ("/server/hardening/bad-lengths-and-paths", test_bad_lengths_and_paths);
  g_test_add_func ("/server/hardening/bodies-refused-early", test_bodies_refused_early);

  return g_test_run ();
}
