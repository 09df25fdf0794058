/* jb-session.h — the REST side of a connection to jingbao-dispatchd: the
 * server's address, the login and its token, the signed-in user, and one
 * JSON request at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "jb-enums.h"

G_BEGIN_DECLS

#define JB_TYPE_SESSION (jb_session_get_type ())

G_DECLARE_FINAL_TYPE (JbSession, jb_session, JB, SESSION, GObject)

/* @server_url: "http://127.0.0.1:8080" (no trailing /api/v1), or several
 * separated by commas (jb-server-list.h): the servers to fail over to,
 * in order. */
JbSession   *jb_session_new               (const char           *server_url);

/* The server in use, without trailing '/'; notified when it changes. */
const char  *jb_session_get_server_url    (JbSession            *self);
/* Every server of the list, in order (one when a single address was
 * given), and the index of the one in use. */
const char * const *jb_session_get_server_urls (JbSession       *self);
guint        jb_session_get_server_index  (JbSession            *self);
/* How many times the session moved to another server. */
guint        jb_session_get_move_count    (JbSession            *self);
/* @from_url (the server a request went to) did not answer: if it is the
 * one in use and the list has another, the next one (round robin) is in
 * use from now on, with the same token (sessions are shared by the
 * servers of one database). TRUE when it moved. */
gboolean     jb_session_move_on           (JbSession            *self,
                                           const char           *from_url,
                                           const char           *reason);
/* @error says the server did not answer at all (refused, unreachable,
 * timed out), as opposed to an answer or a cut in the middle of one. */
gboolean     jb_session_error_is_unreachable (const GError      *error);
/* The REST SoupSession (30 s timeout), borrowed: for downloads that must
 * share its connections. */
SoupSession *jb_session_get_soup_session  (JbSession            *self);
/* The bearer token, NULL before login. */
const char  *jb_session_get_token         (JbSession            *self);
gboolean     jb_session_is_logged_in      (JbSession            *self);

/* The signed-in user; NULL (JB_ROLE_N) before login. */
JsonObject  *jb_session_get_user          (JbSession            *self);
const char  *jb_session_get_username      (JbSession            *self);
/* Falls back to the username when the server gave none. */
const char  *jb_session_get_display_name  (JbSession            *self);
JbRole       jb_session_get_role          (JbSession            *self);
/* NULL for a user of no station (a dispatcher, a viewer). */
const char  *jb_session_get_station_id    (JbSession            *self);
/* Every station of the user's scope (a duty room may command several),
 * NULL-terminated, never NULL (empty for none); the first is station_id. */
const char * const *jb_session_get_station_ids (JbSession     *self);

/* POST /api/v1/session. 401 → JB_ERROR_UNAUTHORIZED with the server's
 * message; no answer → JB_ERROR_NETWORK. */
void         jb_session_login_async       (JbSession            *self,
                                           const char           *username,
                                           const char           *password,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean     jb_session_login_finish      (JbSession            *self,
                                           GAsyncResult         *result,
                                           GError              **error);
/* DELETE /api/v1/session (best effort), then forget the token and user. */
void         jb_session_logout            (JbSession            *self);

/* A request to @path ("/api/v1/…", with its query) carrying the token and
 * @body (may be NULL) as JSON. NULL with @error for a bad address. */
SoupMessage *jb_session_new_message       (JbSession            *self,
                                           const char           *method,
                                           const char           *path,
                                           JsonNode             *body,
                                           GError              **error);

/* Sends one request; the result is the answer's JSON (NULL for an empty
 * body), or a JB_ERROR with the server's code and message for a non-2xx
 * answer, JB_ERROR_NETWORK when there was no answer. Big answers are
 * parsed in a worker thread. @idempotency_key may be NULL. */
void         jb_session_send_async        (JbSession            *self,
                                           const char           *method,
                                           const char           *path,
                                           JsonNode             *body,
                                           const char           *idempotency_key,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
JsonNode    *jb_session_send_finish       (JbSession            *self,
                                           GAsyncResult         *result,
                                           GError              **error);

/* Turns an answer already read into the JSON result or a JB_ERROR, as
 * jb_session_send_finish() does. */
JsonNode    *jb_session_parse_answer      (SoupMessage          *msg,
                                           GBytes               *bytes,
                                           GError              **error);

G_END_DECLS
