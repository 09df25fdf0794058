/* jb-command.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-command"

#include "jb-command-private.h"

#include <string.h>

#include "jb-enum-types.h"
#include "jb-error.h"
#include "jb-json.h"

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
  gint64          issued_at;
  gboolean        offline;
  gboolean        durable;
  char           *error_message;
  GError         *error;
  JsonNode       *answer;
  gint64          finished_at;
  JbCommandTarget target_kind;
  char           *target_id;
  char           *unit_id;
  guint64         accept_serial;
  gint64          confirm_seq;
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
  PROP_TARGET_ID,
  PROP_OFFLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The path's segments after /api/v1, unescaped, without the query. */
static char **
path_segments (const char *path)
{
  g_autofree char *bare = g_strndup (path, strcspn (path, "?#"));
  g_auto(GStrv) parts = g_strsplit (bare, "/", -1);
  g_autoptr(GPtrArray) out = g_ptr_array_new ();
  guint skip = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *segment;

      if (parts[i][0] == '\0')
        continue;
      /* "api", "v1" */
      if (out->len == 0 && skip < 2 && g_str_equal (parts[i], skip == 0 ? "api" : "v1"))
        {
          skip++;
          continue;
        }
      segment = g_uri_unescape_string (parts[i], NULL);
      g_ptr_array_add (out, segment != NULL ? segment : g_strdup (parts[i]));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

static void
parse_target (JbCommand *self)
{
  g_auto(GStrv) seg = path_segments (self->path);
  guint n = g_strv_length (seg);

  if (n >= 1 && g_str_equal (seg[0], "incidents"))
    {
      self->target_kind = JB_COMMAND_TARGET_INCIDENT;
      if (n >= 2)
        self->target_id = g_strdup (seg[1]);
      if (n >= 3 && g_str_equal (seg[2], "assignments"))
        {
          const char *unit_id = NULL;

          if (n >= 4)
            self->unit_id = g_strdup (seg[3]);
          else if (self->body != NULL && JSON_NODE_HOLDS_OBJECT (self->body) &&
                   jb_json_get_string (json_node_get_object (self->body), "unit_id", FALSE, &unit_id, NULL))
            self->unit_id = g_strdup (unit_id);
        }
    }
  else if (n >= 2 && g_str_equal (seg[0], "units"))
    {
      self->target_kind = JB_COMMAND_TARGET_UNIT;
      self->target_id = g_strdup (seg[1]);
      self->unit_id = g_strdup (seg[1]);
    }
}

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
  self->issued_at = g_get_real_time () / 1000;
  self->confirm_seq = -1;
  parse_target (self);
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
  g_clear_error (&self->error);
  g_clear_pointer (&self->answer, json_node_unref);
  g_clear_pointer (&self->target_id, g_free);
  g_clear_pointer (&self->unit_id, g_free);

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
    case PROP_TARGET_ID: g_value_set_string (value, self->target_id); break;
    case PROP_OFFLINE: g_value_set_boolean (value, self->offline); break;
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
  properties[PROP_TARGET_ID] = g_param_spec_string ("target-id", NULL, NULL, NULL, flags);
  properties[PROP_OFFLINE] = g_param_spec_boolean ("offline", NULL, NULL, FALSE, flags);

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

const GError *
jb_command_get_error (JbCommand *self)
{
  g_return_val_if_fail (JB_IS_COMMAND (self), NULL);
  return self->error;
}

gboolean
jb_command_is_pending (JbCommand *self)
{
  g_return_val_if_fail (JB_IS_COMMAND (self), FALSE);
  return self->state != JB_COMMAND_STATE_CONFIRMED && self->state != JB_COMMAND_STATE_FAILED;
}

gint64
jb_command_get_finished_at (JbCommand *self)
{
  g_return_val_if_fail (JB_IS_COMMAND (self), 0);
  return self->finished_at;
}

JsonNode *
jb_command_get_answer (JbCommand *self)
{
  g_return_val_if_fail (JB_IS_COMMAND (self), NULL);
  return self->answer;
}

JbCommandTarget
jb_command_get_target_kind (JbCommand *self)
{
  g_return_val_if_fail (JB_IS_COMMAND (self), JB_COMMAND_TARGET_NONE);
  return self->target_kind;
}

const char *
jb_command_get_target_id (JbCommand *self)
{
  g_return_val_if_fail (JB_IS_COMMAND (self), NULL);
  return self->target_id;
}

const char *
jb_command_get_unit_id (JbCommand *self)
{
  g_return_val_if_fail (JB_IS_COMMAND (self), NULL);
  return self->unit_id;
}

void
_jb_command_fail (JbCommand    *self,
                  const GError *error)
{
  g_return_if_fail (error != NULL);

  g_clear_error (&self->error);
  self->error = g_error_copy (error);
  self->finished_at = g_get_monotonic_time ();
  _jb_command_set_error_message (self, error->message);
  _jb_command_set_state (self, JB_COMMAND_STATE_FAILED);
}

void
_jb_command_accept (JbCommand *self,
                    JsonNode  *answer)
{
  g_clear_pointer (&self->answer, json_node_unref);
  if (answer != NULL)
    self->answer = json_node_ref (answer);

  /* A new incident: from now on it has an id. */
  if (self->target_id == NULL && self->target_kind != JB_COMMAND_TARGET_NONE &&
      answer != NULL && JSON_NODE_HOLDS_OBJECT (answer))
    {
      const char *id = NULL;

      if (jb_json_get_string (json_node_get_object (answer), "id", FALSE, &id, NULL) && id != NULL)
        {
          self->target_id = g_strdup (id);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGET_ID]);
        }
    }

  _jb_command_set_error_message (self, NULL);
  _jb_command_set_state (self, JB_COMMAND_STATE_ACCEPTED);
}

void
_jb_command_confirm (JbCommand *self)
{
  self->finished_at = g_get_monotonic_time ();
  _jb_command_set_state (self, JB_COMMAND_STATE_CONFIRMED);
}

guint64
_jb_command_get_accept_serial (JbCommand *self)
{
  return self->accept_serial;
}

void
_jb_command_set_accept_serial (JbCommand *self,
                               guint64    serial)
{
  self->accept_serial = serial;
}

gint64
_jb_command_get_confirm_seq (JbCommand *self)
{
  return self->confirm_seq;
}

void
_jb_command_set_confirm_seq (JbCommand *self,
                             gint64     seq)
{
  self->confirm_seq = seq;
}

gint64
jb_command_get_issued_at (JbCommand *self)
{
  g_return_val_if_fail (JB_IS_COMMAND (self), 0);
  return self->issued_at;
}

gboolean
jb_command_get_offline (JbCommand *self)
{
  g_return_val_if_fail (JB_IS_COMMAND (self), FALSE);
  return self->offline;
}

gboolean
jb_command_is_draft (JbCommand *self)
{
  g_return_val_if_fail (JB_IS_COMMAND (self), FALSE);
  return g_str_equal (self->method, "POST") && g_str_equal (self->path, "/api/v1/incidents") &&
         self->target_id == NULL;
}

void
_jb_command_set_offline (JbCommand *self,
                         gboolean   offline)
{
  if (self->offline == !!offline)
    return;
  self->offline = !!offline;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE]);
}

gboolean
_jb_command_get_durable (JbCommand *self)
{
  return self->durable;
}

void
_jb_command_set_durable (JbCommand *self,
                         gboolean   durable)
{
  self->durable = durable;
}

JbCommand *
_jb_command_restore (const char     *method,
                     const char     *path,
                     JsonNode       *body,
                     const char     *idempotency_key,
                     gint64          issued_at,
                     gboolean        offline,
                     JbCommandState  state,
                     const char     *outcome,
                     const char     *result_id)
{
  JbCommand *self = jb_command_new (method, path, body);

  g_free (self->idempotency_key);
  self->idempotency_key = g_strdup (idempotency_key);
  self->issued_at = issued_at;
  self->offline = offline;
  self->durable = TRUE;
  self->state = state;
  if (outcome != NULL)
    self->error_message = g_strdup (outcome);
  if (state == JB_COMMAND_STATE_FAILED)
    self->error = g_error_new_literal (JB_ERROR, JB_ERROR_CONFLICT, outcome != NULL ? outcome : "");
  if (result_id != NULL && self->target_id == NULL)
    self->target_id = g_strdup (result_id);
  if (state == JB_COMMAND_STATE_CONFIRMED || state == JB_COMMAND_STATE_FAILED)
    self->finished_at = g_get_monotonic_time ();
  return self;
}

/* The protocol's commands */

/* "/api/v1/COLLECTION/ID/ACTION[/ID2]", the ids escaped. */
static char *
command_path (const char *collection,
              const char *id,
              const char *action,
              const char *id2)
{
  g_autofree char *a = g_uri_escape_string (id, NULL, FALSE);
  g_autofree char *b = id2 != NULL ? g_uri_escape_string (id2, NULL, FALSE) : NULL;

  return g_strconcat ("/api/v1/", collection, "/", a, "/", action, b != NULL ? "/" : NULL, b, NULL);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *member,
                   const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

/* The time the person gave the command, for the server's conflict rules
 * (docs/dispatch.md): the body's "issued_at" and the command's own. */
static gint64
add_issued_at (JsonBuilder *builder)
{
  gint64 now = g_get_real_time () / 1000;

  json_builder_set_member_name (builder, "issued_at");
  json_builder_add_int_value (builder, now);
  return now;
}

static JbCommand *
new_with_builder (const char  *method,
                  const char  *path,
                  JsonBuilder *builder,
                  gint64       issued_at)
{
  g_autoptr(JsonNode) body = json_builder_get_root (builder);
  JbCommand *self = jb_command_new (method, path, body);

  self->issued_at = issued_at;
  return self;
}

/* A body of "issued_at" alone. */
static JbCommand *
new_stamped (const char *method,
             const char *path)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  gint64 issued_at;

  json_builder_begin_object (builder);
  issued_at = add_issued_at (builder);
  json_builder_end_object (builder);
  return new_with_builder (method, path, builder, issued_at);
}

JbCommand *
jb_command_new_acknowledge (const char *incident_id)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (incident_id != NULL, NULL);

  path = command_path ("incidents", incident_id, "acknowledge", NULL);
  return new_stamped ("POST", path);
}

JbCommand *
jb_command_new_assign (const char *incident_id,
                       const char *unit_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *path = NULL;
  gint64 issued_at;

  g_return_val_if_fail (incident_id != NULL, NULL);
  g_return_val_if_fail (unit_id != NULL, NULL);

  json_builder_begin_object (builder);
  add_string_member (builder, "unit_id", unit_id);
  issued_at = add_issued_at (builder);
  json_builder_end_object (builder);
  path = command_path ("incidents", incident_id, "assignments", NULL);
  return new_with_builder ("POST", path, builder, issued_at);
}

JbCommand *
jb_command_new_unassign (const char *incident_id,
                         const char *unit_id)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (incident_id != NULL, NULL);
  g_return_val_if_fail (unit_id != NULL, NULL);

  path = command_path ("incidents", incident_id, "assignments", unit_id);
  return new_stamped ("DELETE", path);
}

JbCommand *
jb_command_new_note (const char *incident_id,
                     const char *text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *path = NULL;
  gint64 issued_at;

  g_return_val_if_fail (incident_id != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  json_builder_begin_object (builder);
  add_string_member (builder, "text", text);
  issued_at = add_issued_at (builder);
  json_builder_end_object (builder);
  path = command_path ("incidents", incident_id, "notes", NULL);
  return new_with_builder ("POST", path, builder, issued_at);
}

static JbCommand *
new_disposition_command (const char *incident_id,
                         const char *action,
                         int         disposition,
                         const char *note)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *path = command_path ("incidents", incident_id, action, NULL);
  gint64 issued_at;

  json_builder_begin_object (builder);
  if (disposition >= 0)
    add_string_member (builder, "disposition", jb_disposition_to_string ((JbDisposition) disposition));
  /* An empty note is no note. */
  if (note != NULL && *note != '\0')
    add_string_member (builder, "note", note);
  issued_at = add_issued_at (builder);
  json_builder_end_object (builder);
  return new_with_builder ("POST", path, builder, issued_at);
}

JbCommand *
jb_command_new_resolve (const char    *incident_id,
                        JbDisposition  disposition,
                        const char    *note)
{
  g_return_val_if_fail (incident_id != NULL, NULL);
  g_return_val_if_fail ((guint) disposition < JB_DISPOSITION_N, NULL);

  return new_disposition_command (incident_id, "resolve", disposition, note);
}

JbCommand *
jb_command_new_close (const char *incident_id,
                      int         disposition,
                      const char *note)
{
  g_return_val_if_fail (incident_id != NULL, NULL);
  g_return_val_if_fail (disposition >= -1 && disposition < JB_DISPOSITION_N, NULL);

  return new_disposition_command (incident_id, "close", disposition, note);
}

JbCommand *
jb_command_new_unit_status (const char   *unit_id,
                            JbUnitStatus  status)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *path = NULL;
  gint64 issued_at;

  g_return_val_if_fail (unit_id != NULL, NULL);
  g_return_val_if_fail ((guint) status < JB_UNIT_STATUS_N, NULL);

  json_builder_begin_object (builder);
  add_string_member (builder, "status", jb_unit_status_to_string (status));
  issued_at = add_issued_at (builder);
  json_builder_end_object (builder);
  path = command_path ("units", unit_id, "status", NULL);
  return new_with_builder ("POST", path, builder, issued_at);
}

JbCommand *
jb_command_new_create_incident (JbIncidentType    type,
                                guint             priority,
                                double            lat,
                                double            lon,
                                const char       *address,
                                const char       *description,
                                const char       *venue_name,
                                JbIncidentSource  source)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  gint64 issued_at;

  g_return_val_if_fail ((guint) type < JB_INCIDENT_TYPE_N, NULL);
  g_return_val_if_fail (source == JB_INCIDENT_SOURCE_PHONE || source == JB_INCIDENT_SOURCE_PATROL, NULL);

  json_builder_begin_object (builder);
  add_string_member (builder, "type", jb_incident_type_to_string (type));
  json_builder_set_member_name (builder, "priority");
  json_builder_add_int_value (builder, priority);
  json_builder_set_member_name (builder, "location");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "lat");
  json_builder_add_double_value (builder, lat);
  json_builder_set_member_name (builder, "lon");
  json_builder_add_double_value (builder, lon);
  json_builder_end_object (builder);
  if (address != NULL && *address != '\0')
    add_string_member (builder, "address", address);
  if (description != NULL && *description != '\0')
    add_string_member (builder, "description", description);
  if (venue_name != NULL && *venue_name != '\0')
    add_string_member (builder, "venue_name", venue_name);
  add_string_member (builder, "source", jb_incident_source_to_string (source));
  issued_at = add_issued_at (builder);
  json_builder_end_object (builder);

  return new_with_builder ("POST", "/api/v1/incidents", builder, issued_at);
}

static void
add_person (JsonBuilder          *builder,
            const JbRosterPerson *person,
            gboolean              leader)
{
  json_builder_begin_object (builder);
  add_string_member (builder, "name", person->name != NULL ? person->name : "");
  add_string_member (builder, "phone", person->phone != NULL ? person->phone : "");
  if (leader && person->rank != NULL && *person->rank != '\0')
    add_string_member (builder, "rank", person->rank);
  if (!leader && person->unit_id != NULL && *person->unit_id != '\0')
    add_string_member (builder, "unit_id", person->unit_id);
  json_builder_end_object (builder);
}

JbCommand *
jb_command_new_roster_update (const char           *station_id,
                              const char           *date,
                              const JbRosterPerson *leader,
                              const JbRosterPerson *officers,
                              guint                 n_officers,
                              const char           *phone)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (station_id != NULL, NULL);
  g_return_val_if_fail (date != NULL, NULL);
  g_return_val_if_fail (leader != NULL, NULL);
  g_return_val_if_fail (officers != NULL || n_officers == 0, NULL);

  json_builder_begin_object (builder);
  add_string_member (builder, "date", date);
  json_builder_set_member_name (builder, "leader");
  add_person (builder, leader, TRUE);
  json_builder_set_member_name (builder, "officers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_officers; i++)
    add_person (builder, &officers[i], FALSE);
  json_builder_end_array (builder);
  add_string_member (builder, "phone", phone != NULL ? phone : "");
  json_builder_end_object (builder);

  escaped = g_uri_escape_string (station_id, NULL, FALSE);
  path = g_strconcat ("/api/v1/stations/", escaped, "/roster", NULL);
  return new_with_builder ("PUT", path, builder, g_get_real_time () / 1000);
}

JbCommand *
jb_command_new_acknowledge_alert (const char *alert_id)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (alert_id != NULL, NULL);

  path = command_path ("alerts", alert_id, "acknowledge", NULL);
  return jb_command_new ("POST", path, NULL);
}

JbCommand *
jb_command_new_callout (const char *incident_id,
                        guint       radius_m,
                        const char *grid_id,
                        const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (incident_id != NULL, NULL);
  g_return_val_if_fail (message != NULL, NULL);

  json_builder_begin_object (builder);
  if (grid_id != NULL)
    add_string_member (builder, "grid_id", grid_id);
  else
    {
      json_builder_set_member_name (builder, "radius_m");
      json_builder_add_int_value (builder, radius_m);
    }
  add_string_member (builder, "message", message);
  json_builder_end_object (builder);
  path = command_path ("incidents", incident_id, "callouts", NULL);
  body = json_builder_get_root (builder);
  return jb_command_new ("POST", path, body);
}
