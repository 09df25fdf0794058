/* jb-client.h — the connection to jingbao-dispatchd: login, snapshot,
 * event stream, command queue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "jb-command.h"
#include "jb-store.h"

G_BEGIN_DECLS

typedef enum
{
  JB_CONNECTION_STATE_OFFLINE,       /* not started, stopped, or not logged in */
  JB_CONNECTION_STATE_CONNECTING,    /* loading the snapshot / opening the stream */
  JB_CONNECTION_STATE_LIVE,          /* the event stream is open */
  JB_CONNECTION_STATE_RECONNECTING,  /* lost it; retrying with backoff */
} JbConnectionState;

#define JB_TYPE_CLIENT (jb_client_get_type ())

G_DECLARE_FINAL_TYPE (JbClient, jb_client, JB, CLIENT, GObject)

/* @server_url: "http://127.0.0.1:8080" (no trailing /api/v1). */
JbClient          *jb_client_new                  (const char           *server_url);

const char        *jb_client_get_server_url       (JbClient             *self);
/* Borrowed; the client owns it for its whole life. */
JbStore           *jb_client_get_store            (JbClient             *self);
JbConnectionState  jb_client_get_state            (JbClient             *self);
/* The logged-in user ({"username","display_name","role","station_id"}),
 * borrowed, NULL before login. */
JsonObject        *jb_client_get_user             (JbClient             *self);
const char        *jb_client_get_username         (JbClient             *self);
/* JB_ROLE_N before login. */
JbRole             jb_client_get_role             (JbClient             *self);
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

/* Loads the snapshot, opens the event stream and keeps it open
 * (reconnecting with backoff) until jb_client_stop(). Needs a login. */
void               jb_client_start                (JbClient             *self);
void               jb_client_stop                 (JbClient             *self);

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
 * state change is JbCommand::notify::state and JbClient::command-changed. */
GListModel        *jb_client_get_pending_commands (JbClient             *self);
/* The newest still-pending command (not CONFIRMED nor FAILED) whose target
 * or unit is @id (an incident or unit id), NULL when none; borrowed. */
JbCommand         *jb_client_lookup_pending_command (JbClient           *self,
                                                     const char         *id);

/* The dispatch commands, through the same queue: each builds the path and
 * body, and finishes with jb_client_command_finish(). They return the
 * queued command, borrowed (the pending list holds it until it has been
 * CONFIRMED or FAILED for a while; take a reference to keep it longer). */
JbCommand *jb_client_command_acknowledge     (JbClient            *self,
                                              const char          *incident_id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
JbCommand *jb_client_command_assign          (JbClient            *self,
                                              const char          *incident_id,
                                              const char          *unit_id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
JbCommand *jb_client_command_unassign        (JbClient            *self,
                                              const char          *incident_id,
                                              const char          *unit_id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
JbCommand *jb_client_command_add_note        (JbClient            *self,
                                              const char          *incident_id,
                                              const char          *text,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* @note may be NULL or empty (no note). */
JbCommand *jb_client_command_resolve         (JbClient            *self,
                                              const char          *incident_id,
                                              JbDisposition        disposition,
                                              const char          *note,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* @disposition: a JbDisposition, or -1 for none (allowed once resolved). */
JbCommand *jb_client_command_close           (JbClient            *self,
                                              const char          *incident_id,
                                              int                  disposition,
                                              const char          *note,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
JbCommand *jb_client_command_set_unit_status (JbClient            *self,
                                              const char          *unit_id,
                                              JbUnitStatus         status,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* @source: PHONE or PATROL. Empty or NULL strings are left out. The
 * command's target id becomes the new incident's id once ACCEPTED. */
JbCommand *jb_client_command_create_incident (JbClient            *self,
                                              JbIncidentType       type,
                                              guint                priority,
                                              double               lat,
                                              double               lon,
                                              const char          *address,
                                              const char          *description,
                                              const char          *venue_name,
                                              JbIncidentSource     source,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);

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

G_END_DECLS
