/* jb-client.h — the connection to jingbao-dispatchd: one object that owns
 * the REST session (jb-session.h), the event stream (jb-stream.h) feeding
 * the store, and the command queue (jb-command-queue.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "jb-command.h"
#include "jb-command-queue.h"
#include "jb-config.h"
#include "jb-incident.h"
#include "jb-session.h"
#include "jb-store.h"
#include "jb-stream.h"

G_BEGIN_DECLS

#define JB_TYPE_CLIENT (jb_client_get_type ())

G_DECLARE_FINAL_TYPE (JbClient, jb_client, JB, CLIENT, GObject)

/* @server_url: "http://127.0.0.1:8080" (no trailing /api/v1), or several
 * separated by commas, "http://a:8080,http://b:8080": the servers of one
 * database to move between when one stops answering (docs/failover.md). */
JbClient          *jb_client_new                  (const char           *server_url);

/* The server in use (notify::server-url when the client moves). */
const char        *jb_client_get_server_url       (JbClient             *self);
/* Every server of the list, in order. */
const char * const *jb_client_get_server_urls     (JbClient             *self);
/* The server in use stopped answering and the client is not live on the
 * next one yet (notify::moving); ::server-moved tells when it is. */
gboolean           jb_client_get_moving           (JbClient             *self);
/* Borrowed; the client owns it for its whole life. */
JbStore           *jb_client_get_store            (JbClient             *self);
JbConnectionState  jb_client_get_state            (JbClient             *self);
/* The parts, borrowed; the client owns them for its whole life. */
JbSession         *jb_client_get_session          (JbClient             *self);
JbStream          *jb_client_get_stream           (JbClient             *self);
JbCommandQueue    *jb_client_get_command_queue    (JbClient             *self);
/* The REST SoupSession and the bearer token (NULL before login): for
 * downloads that go beside the JSON calls. */
SoupSession       *jb_client_get_soup_session     (JbClient             *self);
const char        *jb_client_get_token            (JbClient             *self);
/* The server's config, typed (the store's; defaults before a snapshot). */
JbConfig          *jb_client_get_config           (JbClient             *self);

/* The logged-in user ({"username","display_name","role","station_id"}),
 * borrowed, NULL before login. Prefer the typed getters below. */
JsonObject        *jb_client_get_user             (JbClient             *self);
const char        *jb_client_get_username         (JbClient             *self);
/* The username when the server gave no display name; NULL before login. */
const char        *jb_client_get_display_name     (JbClient             *self);
/* JB_ROLE_N before login. */
JbRole             jb_client_get_role             (JbClient             *self);
/* The user's station, NULL for one of none (dispatcher, viewer). */
const char        *jb_client_get_station_id       (JbClient             *self);
/* Every station the user commands (NULL-terminated, empty for none): a
 * 中心派出所's duty room has several. */
const char * const *jb_client_get_station_ids     (JbClient             *self);
gboolean           jb_client_is_logged_in         (JbClient             *self);
guint              jb_client_get_reconnect_count  (JbClient             *self);
guint              jb_client_get_gap_count        (JbClient             *self);
/* Monotonic µs of the last event frame, 0 before any; notified at most
 * once a second. */
gint64             jb_client_get_last_event_time  (JbClient             *self);
/* The last connection error's message (NULL when none): for the status bar. */
const char        *jb_client_get_last_error       (JbClient             *self);

/* POST /api/v1/session. 401 → JB_ERROR_UNAUTHORIZED with the server's
 * message; no answer → JB_ERROR_NETWORK. */
void               jb_client_login_async          (JbClient             *self,
                                                   const char           *username,
                                                   const char           *password,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean           jb_client_login_finish         (JbClient             *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
/* DELETE /api/v1/session (best effort), then stop and forget the token. */
void               jb_client_logout               (JbClient             *self);

/* Journals every command on disk (jb-outbox.h) under @dir (NULL: the
 * user's data directory, $XDG_DATA_HOME/jingbao), one file per server
 * (the list's first) and user, opened at login; what it holds unfinished
 * is sent again. */
void               jb_client_set_outbox_dir       (JbClient             *self,
                                                   const char           *dir);

/* Loads the snapshot, opens the event stream and keeps it open
 * (reconnecting with backoff) until jb_client_stop(). Needs a login. */
void               jb_client_start                (JbClient             *self);
void               jb_client_stop                 (JbClient             *self);

/* The one way a command goes out: @command (one of jb-command.h's
 * constructors, e.g. jb_command_new_assign(); the client takes it) joins
 * the queue, and is returned, borrowed: the pending list holds it until it
 * has been CONFIRMED or FAILED for a while (take a reference to keep it
 * longer). Finish with jb_client_command_finish(). */
JbCommand         *jb_client_queue_command        (JbClient             *self,
                                                   JbCommand            *command,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);

/* Queues a state-changing call (POST/DELETE …, @path like
 * "/api/v1/incidents"). Commands go one at a time in FIFO order, each with
 * its own Idempotency-Key; network failures are retried with the same key.
 * Non-2xx → a JB_ERROR with the server's code and message. The result is
 * the answer's JSON (NULL for an empty body, e.g. 204) and comes at the
 * 2xx (the command is then ACCEPTED). The store changes by the resulting
 * event, never by this answer: the command becomes CONFIRMED when the
 * store has applied the server's events up to the server's seq at the
 * time of the answer (the client asks GET /api/v1/health for it), which
 * needs the event stream (jb_client_start()). Watch JbCommand:state. */
void               jb_client_command_async        (JbClient             *self,
                                                   const char           *method,
                                                   const char           *path,
                                                   JsonNode             *body,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer              user_data);
JsonNode          *jb_client_command_finish       (JbClient             *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
/* GListModel of JbCommand: queued, in flight or ACCEPTED, and CONFIRMED or
 * FAILED ones for 5 s more (so the UI can show "done" or "failed"). Each
 * state change (and a wait in the queue) is JbClient::command-changed: the
 * one signal views follow. */
GListModel        *jb_client_get_pending_commands (JbClient             *self);
/* The newest still-pending command (not CONFIRMED nor FAILED) whose target
 * or unit is @id (an incident or unit id), NULL when none; borrowed. */
JbCommand         *jb_client_lookup_pending_command (JbClient           *self,
                                                     const char         *id);

/* Reads, outside the command queue. */

/* GET /api/v1/incidents: the closed incidents (all of them when
 * @include_open), newest first. @q: text to match (number, type, address,
 * venue; NULL or "" for any); @from_ms/@to_ms: bounds of created_at, 0 for
 * none; @limit: 1–500. The result is a GPtrArray of JbIncident (items that
 * do not decode are left out with a warning). */
void               jb_client_search_incidents_async  (JbClient            *self,
                                                      gboolean             include_open,
                                                      const char          *q,
                                                      gint64               from_ms,
                                                      gint64               to_ms,
                                                      guint                limit,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GPtrArray         *jb_client_search_incidents_finish (JbClient            *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* GET /api/v1/incidents/{id}: one incident, closed ones too. */
void               jb_client_fetch_incident_async    (JbClient            *self,
                                                      const char          *incident_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
JbIncident        *jb_client_fetch_incident_finish   (JbClient            *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* GET @path (with query, e.g. "/api/v1/incidents?status=closed&q=KTV"),
 * outside the command queue. */
void               jb_client_get_json_async       (JbClient             *self,
                                                   const char           *path,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
JsonNode          *jb_client_get_json_finish      (JbClient             *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* Presence (docs/protocol.md): tells the server which incident this
 * client has open (NULL: none), and who else has @incident_id open (a new
 * array of borrowed JbViewers, without the signed-in user; valid until the
 * next ::presence-changed). */
void               jb_client_set_viewing          (JbClient             *self,
                                                   const char           *incident_id);
GPtrArray         *jb_client_get_viewers          (JbClient             *self,
                                                   const char           *incident_id);

G_END_DECLS
