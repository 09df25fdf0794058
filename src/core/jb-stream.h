/* jb-stream.h — the event stream of jingbao-dispatchd kept open: snapshot,
 * WebSocket, liveness, reconnection with backoff
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jb-session.h"
#include "jb-store.h"

G_BEGIN_DECLS

typedef enum
{
  JB_CONNECTION_STATE_OFFLINE,       /* not started, stopped, or not logged in */
  JB_CONNECTION_STATE_CONNECTING,    /* loading the snapshot / opening the stream */
  JB_CONNECTION_STATE_LIVE,          /* the event stream is open */
  JB_CONNECTION_STATE_RECONNECTING,  /* lost it; retrying with backoff */
} JbConnectionState;

#define JB_TYPE_STREAM (jb_stream_get_type ())

G_DECLARE_FINAL_TYPE (JbStream, jb_stream, JB, STREAM, GObject)

/* Feeds @store from the server that @session is signed in to. */
JbStream          *jb_stream_new                  (JbSession  *session,
                                                   JbStore    *store);

JbSession         *jb_stream_get_session          (JbStream   *self);
JbStore           *jb_stream_get_store            (JbStream   *self);
JbConnectionState  jb_stream_get_state            (JbStream   *self);
guint              jb_stream_get_reconnect_count  (JbStream   *self);
guint              jb_stream_get_gap_count        (JbStream   *self);
/* Monotonic µs of the last event frame, 0 before any; notified at most
 * once a second. */
gint64             jb_stream_get_last_event_time  (JbStream   *self);
/* The last connection error's message (NULL when none). */
const char        *jb_stream_get_last_error       (JbStream   *self);
/* The session moved to another server of its list and the stream is not
 * live there yet (JbStream::moved tells when it is). */
gboolean           jb_stream_get_moving           (JbStream   *self);

/* Loads the snapshot, opens the event stream and keeps it open
 * (reconnecting with backoff) until jb_stream_stop(). Needs a login. */
void               jb_stream_start                (JbStream   *self);
void               jb_stream_stop                 (JbStream   *self);

/* Someone who has an incident open (presence, docs/protocol.md). */
typedef struct
{
  char   *username;
  char   *display_name;
  char   *incident_id;
  gint64  since;         /* ms since the epoch */
} JbViewer;

/* Tells the server which incident this client has open (NULL: none);
 * said again after every reconnection. Ephemeral, not a command. */
void               jb_stream_set_viewing          (JbStream   *self,
                                                   const char *incident_id);
const char        *jb_stream_get_viewing          (JbStream   *self);
/* Who has @incident_id open (NULL: any incident), leaving out
 * @except_username (may be NULL): a new array of borrowed JbViewers, valid
 * until the next ::presence-changed; free with g_ptr_array_unref(). */
GPtrArray         *jb_stream_get_viewers          (JbStream   *self,
                                                   const char *incident_id,
                                                   const char *except_username);

/* How long the stream may stay silent (no frame, no pong) before it is
 * dropped and reopened; 45 s by default, as the protocol says. */
void               jb_stream_set_liveness_timeout (JbStream   *self,
                                                   guint       timeout_ms);

G_END_DECLS
