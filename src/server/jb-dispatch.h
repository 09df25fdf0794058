/* jb-dispatch.h — the command logic of jingbao-dispatchd, independent of HTTP
 *
 * Every API request goes through jb_dispatch_handle(): the HTTP layer and
 * the simulator call the same code. Each state change is one SQLite
 * transaction (state + events + idempotency record); only after the commit
 * does the call return 2xx and emit ::event once per event, in seq order.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>
#include <gio/gio.h>

#include "jb-demo.h"

G_BEGIN_DECLS

typedef struct
{
  guint  target_guard_s;       /* 1-3-5: guard on scene, default 60 */
  guint  target_police_s;      /* police on scene, default 180 */
  guint  target_reinforce_s;   /* reinforcement, default 300 */
  gint64 event_retention;      /* events kept, default 1,000,000 */
  guint  maintenance_ms;       /* liveness check and last-seen flush period, default 5000 */
  guint  tail_ms;              /* how often the event log is read for other servers' commits, default 50; 0: never */
  guint  lease_ms;             /* the duty lease's length; 0 (default): three maintenance periods */
  guint  patrol_silence_s;     /* a patrolling unit without a fix this long raises an alert; 0: never. Default 600 */
  const char *data_dir;        /* clip files; NULL: "<db>.data" beside the database */
  gint64 clip_max_size;        /* bytes, default 512 MiB */
  gint64 clip_abandon_after_s; /* an idle upload is removed after this, default 24 h */
  gint64 clip_retention_days;  /* a verified clip is kept this long, default 183 */
  guint  clip_sweep_interval_s; /* default 3600; 0: never */
  guint  login_threads;        /* password-check workers, default half the cores (1 to 4); 0: on the main loop */
  guint  login_max_failures;   /* per account before a lockout, default 10 (0: never) */
  guint  login_max_failures_address; /* per client address, default 30 (0: never) */
  guint  login_lockout_s;      /* lockout length, default 60 */
  guint  login_delay_ms;       /* first slowed answer's delay, doubling, default 250 */
  guint  position_flush_ms;    /* accepted fixes are written at least this often, default 1000 (10 to 1000) */
} JbDispatchOptions;

void        jb_dispatch_options_init      (JbDispatchOptions       *options);

#define JB_TYPE_DISPATCH (jb_dispatch_get_type ())
G_DECLARE_FINAL_TYPE (JbDispatch, jb_dispatch, JB, DISPATCH, GObject)

/* Opens (or creates) the database at @db_path; @options may be NULL. */
JbDispatch *jb_dispatch_new               (const char              *db_path,
                                           const JbDispatchOptions *options,
                                           GError                 **error);

/* The single entry point for every request of docs/protocol.md but the
 * event stream. @path is the decoded path ("/api/v1/…"), @query may be
 * NULL (string → string), @authorization is the Authorization header
 * value or NULL, @body may be NULL. Returns the JSON answer body (NULL for
 * 204), its status in @out_status and, when @out_headers is not NULL, a
 * new table of extra response headers (string → string). Never fails:
 * errors are answers. */
GBytes     *jb_dispatch_handle            (JbDispatch              *self,
                                           const char              *method,
                                           const char              *path,
                                           GHashTable              *query,
                                           const char              *authorization,
                                           const char              *idempotency_key,
                                           GBytes                  *body,
                                           guint                   *out_status,
                                           GHashTable             **out_headers);

/* POST /api/v1/session without blocking: the password is checked on a
 * worker thread (see jb-dispatch-login.c). @peer is the client's address
 * (failures are counted per account and per address; NULL: per account
 * only). The answer, as from jb_dispatch_handle(), comes from _finish(). */
void        jb_dispatch_login_async       (JbDispatch              *self,
                                           GBytes                  *body,
                                           const char              *peer,
                                           GCancellable            *cancellable,
                                           GAsyncReadyCallback      callback,
                                           gpointer                 user_data);
GBytes     *jb_dispatch_login_finish      (JbDispatch              *self,
                                           GAsyncResult            *result,
                                           guint                   *out_status,
                                           GHashTable             **out_headers);

/* The largest request body accepted for @path (the HTTP layer answers 413
 * above it). */
gsize       jb_dispatch_get_max_body_size (const char              *path);

/* Checks the credentials of a request to @method @path before its body is
 * read: FALSE (JB_ERROR_UNAUTHORIZED) when the endpoint needs credentials
 * and @authorization is not valid for it. TRUE for endpoints that need
 * none and for unknown ones. Without @look_up only their form is judged
 * (present, of the endpoint's scheme), not the session or terminal. */
gboolean    jb_dispatch_check_credentials (JbDispatch            *self,
                                           const char            *method,
                                           const char            *path,
                                           const char            *authorization,
                                           gboolean               look_up,
                                           GError               **error);

/* Checks credentials for the event stream: "Bearer TOKEN" in
 * @authorization, or @token (the ?token= parameter). JB_ERROR_UNAUTHORIZED
 * otherwise. @out_user receives the user object; the session's token hash (for ::session-ended) and expiry
 * time (ms) go to the out arguments, which may be NULL. */
gboolean    jb_dispatch_authenticate_stream (JbDispatch            *self,
                                             const char            *authorization,
                                             const char            *token,
                                             JsonObject           **out_user,
                                             GBytes               **out_token_hash,
                                             gint64                *out_expires_at,
                                             GError               **error);

/* Checks a person's "Bearer TOKEN" in @authorization (no ?token=, no
 * device credentials). JB_ERROR_UNAUTHORIZED otherwise. */
gboolean    jb_dispatch_authenticate_person (JbDispatch            *self,
                                             const char            *authorization,
                                             GError               **error);

/* config.basemap (NULL: none, the config says null). */
void        jb_dispatch_set_basemap       (JbDispatch              *self,
                                           JsonObject              *basemap);

/* Up to @limit stored event frames (char *, compact JSON, exactly as
 * broadcast) with seq > @since, in order; @out_oldest receives the oldest
 * stored seq (0 when none). */
GPtrArray  *jb_dispatch_read_events_since (JbDispatch              *self,
                                           gint64                   since,
                                           guint                    limit,
                                           gint64                  *out_oldest,
                                           GError                 **error);

/* The seq of the last committed event (0 when none). */
gint64      jb_dispatch_get_latest_seq    (JbDispatch              *self);

/* Loads the demo city into an EMPTY database, in one transaction, with no
 * events (clients load the snapshot). A database that already holds data
 * is left as is (returns TRUE, logs a message). */
gboolean    jb_dispatch_import_demo       (JbDispatch              *self,
                                           JbDemoCity              *city,
                                           GError                 **error);

/* The silence rule of patrol alerts: TRUE when more than @limit_s seconds
 * passed from @last_heard to @now (ms); never when @limit_s is 0. */
gboolean    jb_dispatch_patrol_is_silent  (gint64                   last_heard,
                                           gint64                   now,
                                           guint                    limit_s);

/* Writes the batched last-seen times now (also done periodically and on
 * dispose). */
void        jb_dispatch_flush             (JbDispatch              *self);

/* Clips. The JSON endpoints go through jb_dispatch_handle(); the bytes
 * (the streamed PUT, the content and the thumbnail) are moved by the HTTP
 * layer, which calls these. */
typedef enum
{
  JB_CLIP_FILE_PARTIAL,    /* an upload in progress */
  JB_CLIP_FILE_VERIFIED,   /* a verified clip */
  JB_CLIP_FILE_THUMBNAIL,  /* its cached PNG */
  JB_CLIP_FILE_N
} JbClipFile;

typedef struct
{
  char   *clip_id;
  char   *path;          /* the partial file */
  gint64  start;         /* bytes held before this chunk */
  gint64  end;           /* one past the chunk's last byte */
  gint64  size;          /* the declared total */
  char   *sha256;        /* declared */
  char   *content_type;  /* declared */
} JbClipChunk;

void        jb_clip_chunk_clear           (JbClipChunk             *chunk);

const char *jb_dispatch_get_data_dir      (JbDispatch              *self);
/* NULL when @clip_id is not a well-formed clip id. */
char       *jb_dispatch_clip_path         (JbDispatch              *self,
                                           const char              *clip_id,
                                           JbClipFile               kind);
/* Checks a PUT's device credentials, Content-Range and offset and marks
 * the upload busy. On JB_ERROR_CONFLICT, *@out_held says how many bytes
 * the server holds (-1 otherwise). */
gboolean    jb_dispatch_clip_chunk_begin  (JbDispatch              *self,
                                           const char              *authorization,
                                           const char              *clip_id,
                                           const char              *content_range,
                                           gint64                   content_length,
                                           JbClipChunk             *out,
                                           gint64                  *out_held,
                                           GError                 **error);
/* While bytes arrive: at most one clip.progress per clip per second. */
void        jb_dispatch_clip_chunk_progress (JbDispatch            *self,
                                             const char            *clip_id,
                                             gint64                 received);
/* A chunk ended (whole or cut off) with @received bytes on disk. */
void        jb_dispatch_clip_chunk_end    (JbDispatch              *self,
                                           const JbClipChunk       *chunk,
                                           gint64                   received);
/* The last byte is on disk: @sha256 is the file's, @media_type what the
 * sniffer found (NULL with @media_error). Verifies, keeps the file and
 * emits clip.added in one transaction, or removes everything and emits
 * clip.removed. Returns the Clip. */
JsonObject *jb_dispatch_clip_complete     (JbDispatch              *self,
                                           const JbClipChunk       *chunk,
                                           const char              *sha256,
                                           const char              *media_type,
                                           const GError            *media_error,
                                           GError                 **error);
/* A person opens a verified clip's bytes; @audit_view records a "view". */
JsonObject *jb_dispatch_clip_open         (JbDispatch              *self,
                                           const char              *authorization,
                                           const char              *clip_id,
                                           gboolean                 audit_view,
                                           GError                 **error);
/* Removes abandoned uploads and expired clips now; returns how many. */
guint       jb_dispatch_sweep_clips       (JbDispatch              *self);

/* The current position of every unit as "positions" frames (char *, no
 * seq), for a stream that starts: what a (re)connecting client needs
 * instead of every fix it missed. Listen to ::positions for the rest. */
GPtrArray  *jb_dispatch_build_current_positions (JbDispatch     *self,
                                                 GError        **error);

G_END_DECLS
