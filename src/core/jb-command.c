/* jb-command.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-command"

#include "jb-command-private.h"

#include "jb-enum-types.h"

struct _JbCommand
{
  GObject         parent_instance;

  char           *method;
  char           *path;
  JsonNode       *body;
  char           *idempotency_key;
  JbCommandState  state;
  guint           attempts;
  gint64          queued_at;
  char           *error_message;
};

G_DEFINE_FINAL_TYPE (JbCommand, jb_command, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_METHOD,
  PROP_PATH,
  PROP_IDEMPOTENCY_KEY,
  PROP_STATE,
  PROP_ATTEMPTS,
  PROP_ERROR_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

JbCommand *
jb_command_new (const char *method,
                const char *path,
                JsonNode   *body)
{
  JbCommand *self;

  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (JB_TYPE_COMMAND, NULL);
  self->method = g_strdup (method);
  self->path = g_strdup (path);
  self->body = body != NULL ? json_node_ref (body) : NULL;
  self->idempotency_key = g_uuid_string_random ();
  self->queued_at = g_get_monotonic_time ();
  return self;
}

static void
jb_command_finalize (GObject *object)
{
  JbCommand *self = (JbCommand *)object;

  g_clear_pointer (&self->method, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->body, json_node_unref);
  g_clear_pointer (&self->idempotency_key, g_free);
  g_clear_pointer (&self->error_message, g_free);

  G_OBJECT_CLASS (jb_command_parent_class)->finalize (object);
}

static void
jb_command_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  JbCommand *self = JB_COMMAND (object);

  switch (prop_id)
    {
    case PROP_METHOD: g_value_set_string (value, self->method); break;
    case PROP_PATH: g_value_set_string (value, self->path); break;
    case PROP_IDEMPOTENCY_KEY: g_value_set_string (value, self->idempotency_key); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_ATTEMPTS: g_value_set_uint (value, self->attempts); break;
    case PROP_ERROR_MESSAGE: g_value_set_string (value, self->error_message); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_command_class_init (JbCommandClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = jb_command_finalize;
  object_class->get_property = jb_command_get_property;

  properties[PROP_METHOD] = g_param_spec_string ("method", NULL, NULL, NULL, flags);
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, flags);
  properties[PROP_IDEMPOTENCY_KEY] = g_param_spec_string ("idempotency-key", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, JB_TYPE_COMMAND_STATE,
                                              JB_COMMAND_STATE_QUEUED, flags);
  properties[PROP_ATTEMPTS] = g_param_spec_uint ("attempts", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jb_command_init (JbCommand *self)
{
}

const char *
jb_command_get_method (JbCommand *self)
{
  g_return_val_if_fail (JB_IS_COMMAND (self), NULL);
  return self->method;
}

const char *
jb_command_get_path (JbCommand *self)
{
  g_return_val_if_fail (JB_IS_COMMAND (self), NULL);
  return self->path;
}

JsonNode *
jb_command_get_body (JbCommand *self)
{
  g_return_val_if_fail (JB_IS_COMMAND (self), NULL);
  return self->body;
}

const char *
jb_command_get_idempotency_key (JbCommand *self)
{
  g_return_val_if_fail (JB_IS_COMMAND (self), NULL);
  return self->idempotency_key;
}

JbCommandState
jb_command_get_state (JbCommand *self)
{
  g_return_val_if_fail (JB_IS_COMMAND (self), JB_COMMAND_STATE_FAILED);
  return self->state;
}

guint
jb_command_get_attempts (JbCommand *self)
{
  g_return_val_if_fail (JB_IS_COMMAND (self), 0);
  return self->attempts;
}

gint64
jb_command_get_queued_at (JbCommand *self)
{
  g_return_val_if_fail (JB_IS_COMMAND (self), 0);
  return self->queued_at;
}

const char *
jb_command_get_error_message (JbCommand *self)
{
  g_return_val_if_fail (JB_IS_COMMAND (self), NULL);
  return self->error_message;
}

void
_jb_command_set_state (JbCommand      *self,
                       JbCommandState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
_jb_command_add_attempt (JbCommand *self)
{
  self->attempts++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTEMPTS]);
}

void
_jb_command_set_error_message (JbCommand  *self,
                               const char *message)
{
  if (g_strcmp0 (self->error_message, message) == 0)
    return;
  g_free (self->error_message);
  self->error_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}
