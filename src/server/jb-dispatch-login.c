/* jb-dispatch-login.c — POST /api/v1/session: password checks off the main
 * loop, the same cost for unknown accounts, and limits on guessing
 *
 * Argon2id costs tens of milliseconds and 64 MiB on purpose; on the main
 * loop one login would stall every dispatcher and device. Here the hash
 * runs on a small pool of worker threads and the answer comes back to the
 * main context. Failures are counted per account and per client address:
 * past a few the answers slow down, past the limit they are refused with
 * 429 and Retry-After for a short lockout (see docs/security.md).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-dispatch"

#include "jb-dispatch-private.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SESSION_LIFETIME_MS   (12 * 3600 * 1000LL)
#define FAILURE_WINDOW_MS     (15 * 60 * 1000LL)  /* failures older than this are forgotten */
#define SLOW_AFTER            3                   /* failures answered at full speed */
#define MAX_DELAY_MS          2000
#define MAX_RECORDS           100000              /* bound on the failure table */
#define MAX_WAITING_FACTOR    32                  /* checks waiting per worker before 503 */
#define WORKER_NICE           10

typedef struct
{
  guint  failures;
  gint64 last_failure;
  gint64 blocked_until;
} LoginRecord;

typedef struct
{
  JbDispatch *self;
  GTask      *task;
  char       *username;
  char       *password;       /* wiped when freed */
  char       *stored_hash;    /* NULL: unknown account, checked against the dummy */
  char       *peer;
  JsonObject *user;
  gboolean    verified;
} LoginJob;

typedef struct
{
  GBytes     *answer;
  guint       status;
  GHashTable *headers;
} LoginAnswer;

static void
login_job_free (LoginJob *job)
{
  if (job->password != NULL)
    sodium_memzero (job->password, strlen (job->password));
  g_free (job->password);
  g_free (job->username);
  g_free (job->stored_hash);
  g_free (job->peer);
  g_clear_pointer (&job->user, json_object_unref);
  g_clear_object (&job->self);
  g_free (job);
}

static void
login_answer_free (LoginAnswer *answer)
{
  g_clear_pointer (&answer->answer, g_bytes_unref);
  g_clear_pointer (&answer->headers, g_hash_table_unref);
  g_free (answer);
}

/* The dummy: a real Argon2id string with the parameters of the stored
 * ones, so checking a password against it costs the same time. Made on
 * first use, on a worker. */
static const char *
dummy_hash (void)
{
  static char *hash;

  if (g_once_init_enter (&hash))
    {
      char *text = g_malloc0 (crypto_pwhash_STRBYTES);
      guint8 random[16];
      char password[33];

      randombytes_buf (random, sizeof random);
      sodium_bin2hex (password, sizeof password, random, sizeof random);
      if (crypto_pwhash_str (text, password, strlen (password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        g_error ("Cannot make the dummy password hash (out of memory).");
      g_once_init_leave (&hash, text);
    }
  return hash;
}

gboolean
_jb_login_verify (const char *stored_hash,
                  const char *password)
{
  const char *hash = stored_hash != NULL ? stored_hash : dummy_hash ();
  gboolean ok = crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;

  return ok && stored_hash != NULL;
}

JsonObject *
_jb_login_open_session (JbDispatch  *self,
                        JsonObject  *user,
                        const char  *username,
                        gint64       now,
                        GError     **error)
{
  g_autoptr(JsonObject) answer = json_object_new ();
  guint8 token_bytes[32];
  char token[65];
  guint8 hash[JB_HASH_BYTES];

  json_object_remove_member (user, "password_hash");
  randombytes_buf (token_bytes, sizeof token_bytes);
  sodium_bin2hex (token, sizeof token, token_bytes, sizeof token_bytes);
  crypto_generichash (hash, JB_HASH_BYTES, (const guint8 *) token, strlen (token), NULL, 0);
  if (!jb_storage_insert_session (self->storage, hash, JB_HASH_BYTES, username, now,
                                  now + SESSION_LIFETIME_MS, error))
    return NULL;
  json_object_set_string_member (answer, "token", token);
  json_object_set_int_member (answer, "expires_at", now + SESSION_LIFETIME_MS);
  json_object_set_object_member (answer, "user", json_object_ref (user));
  sodium_memzero (token, sizeof token);
  return g_steal_pointer (&answer);
}

/* Failure records */

static LoginRecord *
lookup_record (JbDispatch *self,
               const char *prefix,
               const char *name,
               gint64      now)
{
  g_autofree char *key = g_strconcat (prefix, name, NULL);
  LoginRecord *record = g_hash_table_lookup (self->login_records, key);

  if (record != NULL && now - record->last_failure > FAILURE_WINDOW_MS && record->blocked_until <= now)
    {
      g_hash_table_remove (self->login_records, key);
      record = NULL;
    }
  return record;
}

static gint64
blocked_until (JbDispatch *self,
               const char *username,
               const char *peer,
               gint64      now)
{
  LoginRecord *account = lookup_record (self, "u:", username, now);
  LoginRecord *address = peer != NULL ? lookup_record (self, "a:", peer, now) : NULL;
  gint64 until = 0;

  if (account != NULL && account->blocked_until > now)
    until = account->blocked_until;
  if (address != NULL && address->blocked_until > now)
    until = MAX (until, address->blocked_until);
  return until;
}

static guint
count_failure (JbDispatch *self,
               const char *prefix,
               const char *name,
               guint       limit,
               gint64      now)
{
  LoginRecord *record = lookup_record (self, prefix, name, now);

  if (record == NULL)
    {
      if (g_hash_table_size (self->login_records) >= MAX_RECORDS)
        _jb_login_prune (self, now);
      if (g_hash_table_size (self->login_records) >= MAX_RECORDS)
        return 0;
      record = g_new0 (LoginRecord, 1);
      g_hash_table_insert (self->login_records, g_strconcat (prefix, name, NULL), record);
    }
  record->failures++;
  record->last_failure = now;
  if (limit > 0 && record->failures >= limit)
    record->blocked_until = now + 1000LL * self->options.login_lockout_s;
  return record->failures;
}

void
_jb_login_prune (JbDispatch *self,
                 gint64      now)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->login_records);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      LoginRecord *record = value;

      if (now - record->last_failure > FAILURE_WINDOW_MS && record->blocked_until <= now)
        g_hash_table_iter_remove (&iter);
    }
}

static void
forget_failures (JbDispatch *self,
                 const char *username,
                 const char *peer)
{
  g_autofree char *account = g_strconcat ("u:", username, NULL);

  g_hash_table_remove (self->login_records, account);
  if (peer != NULL)
    {
      g_autofree char *address = g_strconcat ("a:", peer, NULL);

      g_hash_table_remove (self->login_records, address);
    }
}

static guint
failure_delay_ms (JbDispatch *self,
                  guint       failures)
{
  guint shift;

  if (failures <= SLOW_AFTER || self->options.login_delay_ms == 0)
    return 0;
  shift = MIN (failures - SLOW_AFTER - 1, 10u);
  return MIN ((guint64) self->options.login_delay_ms << shift, (guint64) MAX_DELAY_MS);
}

/* Answers */

static void
return_answer (GTask       *task,
               guint        status,
               JsonObject  *object,
               const char  *retry_after)
{
  LoginAnswer *answer = g_new0 (LoginAnswer, 1);
  g_autoptr(JsonNode) node = NULL;
  char *text;

  answer->status = status;
  answer->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (retry_after != NULL)
    g_hash_table_insert (answer->headers, g_strdup ("Retry-After"), g_strdup (retry_after));
  node = json_node_init_object (json_node_alloc (), object);
  text = jb_json_to_string (node, NULL);
  answer->answer = g_bytes_new_take (text, strlen (text));
  g_task_return_pointer (task, answer, (GDestroyNotify) login_answer_free);
}

static void
return_error (GTask       *task,
              GError      *error,
              const char  *retry_after)
{
  LoginAnswer *answer = g_new0 (LoginAnswer, 1);
  char *text = jb_json_error_body (error);

  answer->status = jb_error_code_http_status ((JbErrorCode) error->code);
  answer->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (retry_after != NULL)
    g_hash_table_insert (answer->headers, g_strdup ("Retry-After"), g_strdup (retry_after));
  answer->answer = g_bytes_new_take (text, strlen (text));
  g_task_return_pointer (task, answer, (GDestroyNotify) login_answer_free);
}

static void
return_blocked (GTask  *task,
                gint64  until,
                gint64  now)
{
  g_autoptr(GError) error = g_error_new_literal (JB_ERROR, JB_ERROR_TOO_MANY_REQUESTS,
                                                 "Too many failed logins: try again later.");
  g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT, MAX ((until - now + 999) / 1000, 1));

  return_error (task, error, seconds);
}

static gboolean
return_later_cb (gpointer user_data)
{
  GTask *task = user_data;
  GError *error = g_task_get_task_data (task);

  return_error (task, error, NULL);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* On the main context, after the worker. */
static gboolean
finish_job_cb (gpointer user_data)
{
  LoginJob *job = user_data;
  JbDispatch *self = job->self;
  g_autoptr(GTask) task = job->task;
  g_autoptr(GError) error = NULL;
  gint64 now = _jb_now_ms ();
  guint failures;
  guint delay;

  job->task = NULL;
  self->login_in_flight--;
  if (job->verified)
    {
      g_autoptr(JsonObject) answer = _jb_login_open_session (self, job->user, job->username, now, &error);

      if (answer == NULL)
        {
          g_warning ("Cannot open a session: %s", error->message);
          g_clear_error (&error);
          error = g_error_new_literal (JB_ERROR, JB_ERROR_INTERNAL, "The session could not be opened.");
          return_error (task, error, NULL);
        }
      else
        {
          forget_failures (self, job->username, job->peer);
          return_answer (task, 201, answer, NULL);
        }
      login_job_free (job);
      return G_SOURCE_REMOVE;
    }

  failures = count_failure (self, "u:", job->username, self->options.login_max_failures, now);
  if (job->peer != NULL)
    {
      guint address_failures = count_failure (self, "a:", job->peer,
                                              self->options.login_max_failures_address, now);

      failures = MAX (failures, address_failures);
    }
  delay = failure_delay_ms (self, failures);
  error = g_error_new_literal (JB_ERROR, JB_ERROR_UNAUTHORIZED, "Wrong username or password.");
  if (delay == 0)
    return_error (task, error, NULL);
  else
    {
      g_task_set_task_data (task, g_steal_pointer (&error), (GDestroyNotify) g_error_free);
      g_timeout_add (delay, return_later_cb, g_object_ref (task));
    }
  login_job_free (job);
  return G_SOURCE_REMOVE;
}

static void
verify_job (LoginJob *job)
{
  job->verified = _jb_login_verify (job->stored_hash, job->password);
  g_main_context_invoke (g_task_get_context (job->task), finish_job_cb, job);
}

/* Hashing yields to the main loop: a worker runs at a lower priority
 * (Linux sets nice per thread), so a flood of logins slows logins, not
 * dispatchers and devices. */
static void
lower_priority (void)
{
  static GPrivate done;

  if (g_private_get (&done) != NULL)
    return;
  g_private_set (&done, GINT_TO_POINTER (1));
  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), WORKER_NICE) != 0)
    g_debug ("Cannot lower a login worker's priority: %s", g_strerror (errno));
}

static void
worker_cb (gpointer data,
           gpointer user_data)
{
  lower_priority ();
  if (data == (gpointer) &dummy_hash)
    dummy_hash ();
  else
    verify_job (data);
}

void
_jb_login_start (JbDispatch *self)
{
  g_autoptr(GError) error = NULL;

  self->login_records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (self->options.login_threads == 0)
    return;
  self->login_pool = g_thread_pool_new (worker_cb, NULL, (int) self->options.login_threads, FALSE, &error);
  if (self->login_pool == NULL)
    g_error ("Cannot start the login workers: %s", error->message);
  /* The dummy is ready before the first unknown account asks. */
  g_thread_pool_push (self->login_pool, (gpointer) &dummy_hash, NULL);
}

void
_jb_login_stop (JbDispatch *self)
{
  /* Waits for checks in progress; their answers go nowhere. */
  if (self->login_pool != NULL)
    g_thread_pool_free (g_steal_pointer (&self->login_pool), FALSE, TRUE);
  g_clear_pointer (&self->login_records, g_hash_table_unref);
}

static gboolean
read_credentials (GBytes      *body,
                  char       **out_username,
                  char       **out_password,
                  GError     **error)
{
  static const char * const allowed[] = { "username", "password", NULL };
  gsize len = body != NULL ? g_bytes_get_size (body) : 0;
  const char *data = body != NULL ? g_bytes_get_data (body, NULL) : NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  const char *username = NULL, *password = NULL;

  if (len > 0 && !g_utf8_validate (data, (gssize) len, NULL))
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_MALFORMED_JSON, "The body is not UTF-8.");
      return FALSE;
    }
  root = jb_json_parse_object (data, (gssize) len, error);
  if (root == NULL)
    return FALSE;
  object = json_node_get_object (root);
  if (!jb_json_check_members (object, allowed, error) ||
      !jb_json_get_string (object, "username", TRUE, &username, error) ||
      !jb_json_get_string (object, "password", TRUE, &password, error))
    return FALSE;
  if (strlen (username) > 256 || strlen (password) > 1024)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE, "The username or password is too long.");
      return FALSE;
    }
  *out_username = g_strdup (username);
  *out_password = g_strdup (password);
  return TRUE;
}

void
jb_dispatch_login_async (JbDispatch          *self,
                         GBytes              *body,
                         const char          *peer,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  LoginJob *job;
  gint64 now = _jb_now_ms ();
  gint64 until;
  guint max_waiting;

  g_return_if_fail (JB_IS_DISPATCH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jb_dispatch_login_async);
  job = g_new0 (LoginJob, 1);
  if (!read_credentials (body, &job->username, &job->password, &error))
    {
      login_job_free (job);
      return_error (task, error, NULL);
      return;
    }
  /* Refused before any hashing: a locked-out guesser costs nothing. */
  if ((until = blocked_until (self, job->username, peer, now)) > now)
    {
      login_job_free (job);
      return_blocked (task, until, now);
      return;
    }
  max_waiting = MAX (self->options.login_threads, 1) * MAX_WAITING_FACTOR;
  if (self->login_in_flight >= max_waiting)
    {
      login_job_free (job);
      error = g_error_new_literal (JB_ERROR, JB_ERROR_UNAVAILABLE, "Too many logins at once: try again shortly.");
      return_error (task, error, "1");
      return;
    }

  job->self = g_object_ref (self);
  job->task = g_steal_pointer (&task);
  job->peer = g_strdup (peer);
  job->user = jb_storage_get_user (self->storage, job->username, TRUE);
  job->stored_hash = g_strdup (_jb_member_string (job->user, "password_hash"));
  self->login_in_flight++;
  if (self->login_pool == NULL)
    {
      /* --login-threads 0: on the main loop, for comparison only. */
      job->verified = _jb_login_verify (job->stored_hash, job->password);
      finish_job_cb (job);
      return;
    }
  g_thread_pool_push (self->login_pool, job, NULL);
}

GBytes *
jb_dispatch_login_finish (JbDispatch    *self,
                          GAsyncResult  *result,
                          guint         *out_status,
                          GHashTable   **out_headers)
{
  LoginAnswer *answer;
  GBytes *bytes;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  answer = g_task_propagate_pointer (G_TASK (result), NULL);
  if (answer == NULL)
    {
      *out_status = 500;
      *out_headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      return NULL;
    }
  *out_status = answer->status;
  *out_headers = g_steal_pointer (&answer->headers);
  bytes = g_steal_pointer (&answer->answer);
  login_answer_free (answer);
  return bytes;
}
