/* jb-test-server.h — start the real jingbao-dispatchd for a test and talk to it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _JbTestServer JbTestServer;

/* Starts the binary named by $JB_DISPATCHD on 127.0.0.1:0 with a database
 * in a fresh temporary directory, plus @extra_args (NULL-terminated, may be
 * NULL), and waits for its "listening on" line. Aborts the test on failure.
 * With JB_TEST_BACKEND=postgresql the database is a fresh one on the tests'
 * PostgreSQL cluster (jb-test-postgres.h), dropped by jb_test_server_free. */
JbTestServer *jb_test_server_start        (const char * const *extra_args);
/* A second server on @first's database (several servers, one database),
 * on another free port, with @extra_args; free it before @first. */
JbTestServer *jb_test_server_start_sibling (JbTestServer      *first,
                                            const char * const *extra_args);
/* The same on the PostgreSQL database @target, which the caller owns. */
JbTestServer *jb_test_server_start_on_postgresql (const char         *target,
                                                  const char * const *extra_args);
const char   *jb_test_server_get_url      (JbTestServer       *self);
/* The --db argument: the SQLite file, or the PostgreSQL target. */
const char   *jb_test_server_get_db_path  (JbTestServer       *self);
gboolean      jb_test_server_is_postgresql (JbTestServer      *self);
/* Where the server keeps its clip files (--data-dir or its default). */
const char   *jb_test_server_get_data_dir (JbTestServer       *self);
/* Runs @sql (no parameters) on the server's database, whichever the
 * backend: for tests that age or damage what the server stored. */
void          jb_test_server_exec_sql     (JbTestServer       *self,
                                           const char         *sql);
/* The integer in the first column of the first row @sql returns, -1
 * when there is no row: for tests that count what the server stored. */
gint64        jb_test_server_query_int    (JbTestServer       *self,
                                           const char         *sql);
/* TRUE when the tests run on PostgreSQL (JB_TEST_BACKEND=postgresql). */
gboolean      jb_test_backend_is_postgresql (void);
/* The server process's id (for benchmarks that read its /proc status). */
GPid          jb_test_server_get_pid      (JbTestServer       *self);
/* Sends @signum and waits for the process to end. */
void          jb_test_server_kill         (JbTestServer       *self,
                                           int                 signum);
/* Starts the server again on the same database and port (after a kill). */
void          jb_test_server_restart      (JbTestServer       *self);
/* SIGTERM, asserts a clean exit (status 0), removes the temporary files. */
void          jb_test_server_free         (JbTestServer       *self);
/* Deletes @path and everything under it (a test's temporary directory). */
void          jb_test_remove_tree         (const char         *path);

typedef struct
{
  guint       status;
  JsonNode   *body;      /* NULL when the body is empty or not JSON */
  char       *text;      /* the raw body, NUL-terminated */
  SoupMessageHeaders *headers;
} JbTestResponse;

void            jb_test_response_free     (JbTestResponse     *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbTestResponse, jb_test_response_free)

/* A blocking request. @authorization is the whole header value ("Bearer …",
 * "Basic …") or NULL; @body is sent as is (may be invalid JSON on purpose). */
JbTestResponse *jb_test_request           (JbTestServer       *self,
                                           const char         *method,
                                           const char         *path,
                                           const char         *authorization,
                                           const char         *idempotency_key,
                                           const char         *body);
/* Like jb_test_request with a body of @length raw bytes. */
JbTestResponse *jb_test_request_bytes     (JbTestServer       *self,
                                           const char         *method,
                                           const char         *path,
                                           const char         *authorization,
                                           const char         *idempotency_key,
                                           const char         *body,
                                           gsize               length);

/* POST /api/v1/session; asserts 201 and returns "Bearer TOKEN". */
char           *jb_test_login             (JbTestServer       *self,
                                           const char         *username,
                                           const char         *password);
/* "Basic base64(id:secret)". */
char           *jb_test_device_auth       (const char         *terminal_id,
                                           const char         *secret);

/* Reads a member path like "error.code" or "items.0.id" from a response
 * body; NULL when absent. */
const char     *jb_test_json_string       (JsonNode           *node,
                                           const char         *path);
gint64          jb_test_json_int          (JsonNode           *node,
                                           const char         *path);
/* The object of @array whose "id" is @id, NULL when there is none. */
JsonObject     *jb_test_json_find_by_id   (JsonArray          *array,
                                           const char         *id);
JsonNode       *jb_test_json_get          (JsonNode           *node,
                                           const char         *path);

/* The event stream. */
typedef struct _JbTestEvents JbTestEvents;

/* Connects to /api/v1/events (with ?since=@since when @since >= 0). Returns
 * NULL (and sets *out_status) when the upgrade is refused. */
JbTestEvents   *jb_test_events_connect    (JbTestServer       *self,
                                           const char         *authorization,
                                           gint64              since,
                                           guint              *out_status);
/* The next frame as JSON, waiting up to @timeout_ms; NULL on timeout or
 * close. */
JsonNode       *jb_test_events_next       (JbTestEvents       *events,
                                           guint               timeout_ms);
/* "positions" frames (no seq) are kept apart: _next and _wait_type never
 * return them. The next one, waiting up to @timeout_ms (NULL on timeout). */
JsonNode       *jb_test_events_next_positions (JbTestEvents   *events,
                                               guint           timeout_ms);
/* The next item for @unit_id of the positions frames (with fix @time, or
 * any when @time < 0; items of that unit before it are dropped, other
 * units' items are kept for their own calls); NULL on timeout. */
JsonObject     *jb_test_events_wait_position  (JbTestEvents   *events,
                                               const char     *unit_id,
                                               gint64          time,
                                               guint           timeout_ms);
/* Skips frames until one of @type arrives (NULL on timeout). */
JsonNode       *jb_test_events_wait_type  (JbTestEvents       *events,
                                           const char         *type,
                                           guint               timeout_ms);
gboolean        jb_test_events_is_closed  (JbTestEvents       *events);
gushort         jb_test_events_close_code (JbTestEvents       *events);
void            jb_test_events_free       (JbTestEvents       *events);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbTestEvents, jb_test_events_free)

G_END_DECLS
