/* jb-command.h — one queued command (a REST call that changes state)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  JB_COMMAND_STATE_QUEUED,    /* waiting for the ones before it */
  JB_COMMAND_STATE_SENDING,   /* on the wire */
  JB_COMMAND_STATE_RETRYING,  /* network failure: will resend, same key */
  JB_COMMAND_STATE_DONE,      /* 2xx */
  JB_COMMAND_STATE_FAILED,    /* error answer, or out of retries */
} JbCommandState;

#define JB_TYPE_COMMAND (jb_command_get_type ())

G_DECLARE_FINAL_TYPE (JbCommand, jb_command, JB, COMMAND, GObject)

/* @body may be NULL (no body); a reference is taken. */
JbCommand      *jb_command_new                 (const char  *method,
                                                const char  *path,
                                                JsonNode    *body);
const char     *jb_command_get_method          (JbCommand   *self);
const char     *jb_command_get_path            (JbCommand   *self);
/* Borrowed, NULL when none. */
JsonNode       *jb_command_get_body            (JbCommand   *self);
/* Fresh per command (g_uuid_string_random), the same on every retry. */
const char     *jb_command_get_idempotency_key (JbCommand   *self);
JbCommandState  jb_command_get_state           (JbCommand   *self);
guint           jb_command_get_attempts        (JbCommand   *self);
/* Monotonic µs when queued. */
gint64          jb_command_get_queued_at       (JbCommand   *self);
/* The last error's message, NULL when none. */
const char     *jb_command_get_error_message   (JbCommand   *self);

G_END_DECLS
