/* jb-unit.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-unit"

#include "jb-unit-private.h"

#include <math.h>
#include <string.h>

#include "jb-codec-private.h"
#include "jb-enum-types.h"
#include "jb-json.h"

/* Everything a Unit object carries, parsed and validated before any of it
 * touches a JbUnit, so a bad update leaves the unit as it was. */
typedef struct
{
  char         *id;
  JbUnitKind    kind;
  JbUnitStatus  status;
  char         *callsign;
  char         *name;
  char         *org_id;
  char         *org_name;
  const char   *station_id;  /* interned (a city has a few dozen): compared by pointer */
  char         *terminal_id;
  char         *incident_id;
  char         *phone;
  gboolean      has_position;
  JbPosition    position;
  gint64        updated_at;
} UnitData;

struct _JbUnit
{
  GObject  parent_instance;

  UnitData d;
  guint    index;
};

G_DEFINE_FINAL_TYPE (JbUnit, jb_unit, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_STATUS,
  PROP_CALLSIGN,
  PROP_NAME,
  PROP_ORG_ID,
  PROP_ORG_NAME,
  PROP_STATION_ID,
  PROP_TERMINAL_ID,
  PROP_INCIDENT_ID,
  PROP_PHONE,
  PROP_UPDATED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
unit_data_clear (UnitData *d)
{
  g_clear_pointer (&d->id, g_free);
  g_clear_pointer (&d->callsign, g_free);
  g_clear_pointer (&d->name, g_free);
  g_clear_pointer (&d->org_id, g_free);
  g_clear_pointer (&d->org_name, g_free);
  d->station_id = NULL;
  g_clear_pointer (&d->terminal_id, g_free);
  g_clear_pointer (&d->incident_id, g_free);
  g_clear_pointer (&d->phone, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UnitData, unit_data_clear)

/* The client reads objects written by the server: members this version
 * does not know are tolerated (a newer server may add some), unlike the
 * server, which rejects unknown members in requests. */
static gboolean
unit_data_parse (JsonNode  *node,
                 UnitData  *d,
                 GError   **error)
{
  JsonObject *object;
  JsonObject *position = NULL;
  int kind = 0, status = 0;

  if (!_jb_codec_root_object (node, "unit", &object, error))
    return FALSE;

  if (!_jb_codec_dup_string (object, "id", TRUE, &d->id, error) ||
      !jb_json_get_enum (object, "kind", TRUE, JB_ENUM_PARSER (jb_unit_kind_from_string), &kind, error) ||
      !jb_json_get_enum (object, "status", TRUE, JB_ENUM_PARSER (jb_unit_status_from_string), &status, error) ||
      !_jb_codec_dup_string (object, "callsign", FALSE, &d->callsign, error) ||
      !_jb_codec_dup_string (object, "name", FALSE, &d->name, error) ||
      !_jb_codec_dup_string (object, "org_id", FALSE, &d->org_id, error) ||
      !_jb_codec_dup_string (object, "org_name", FALSE, &d->org_name, error) ||
      !jb_json_get_string (object, "station_id", FALSE, &d->station_id, error) ||
      !_jb_codec_dup_string (object, "terminal_id", FALSE, &d->terminal_id, error) ||
      !_jb_codec_dup_string (object, "incident_id", FALSE, &d->incident_id, error) ||
      !_jb_codec_dup_string (object, "phone", FALSE, &d->phone, error) ||
      !jb_json_get_object (object, "position", FALSE, &position, error) ||
      !_jb_codec_get_time (object, "updated_at", &d->updated_at, error))
    return FALSE;

  d->kind = kind;
  d->status = status;
  d->station_id = g_intern_string (d->station_id);
  if (position != NULL)
    {
      if (!jb_position_from_json_object (position, "position", &d->position, error))
        return FALSE;
      d->has_position = TRUE;
    }

  return TRUE;
}

static void
notify_if (JbUnit   *self,
           gboolean  changed,
           guint     prop)
{
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* Takes the strings of @d. */
static void
unit_apply_data (JbUnit   *self,
                 UnitData *d,
                 gboolean  notify)
{
  gboolean kind_changed = self->d.kind != d->kind;
  gboolean status_changed = self->d.status != d->status;
  gboolean updated_changed = self->d.updated_at != d->updated_at;
  gboolean str_changed[N_PROPS] = { FALSE, };
  UnitData old = self->d;

  str_changed[PROP_CALLSIGN] = !_jb_codec_str_equal (old.callsign, d->callsign);
  str_changed[PROP_NAME] = !_jb_codec_str_equal (old.name, d->name);
  str_changed[PROP_ORG_ID] = !_jb_codec_str_equal (old.org_id, d->org_id);
  str_changed[PROP_ORG_NAME] = !_jb_codec_str_equal (old.org_name, d->org_name);
  str_changed[PROP_STATION_ID] = !_jb_codec_str_equal (old.station_id, d->station_id);
  str_changed[PROP_TERMINAL_ID] = !_jb_codec_str_equal (old.terminal_id, d->terminal_id);
  str_changed[PROP_INCIDENT_ID] = !_jb_codec_str_equal (old.incident_id, d->incident_id);
  str_changed[PROP_PHONE] = !_jb_codec_str_equal (old.phone, d->phone);

  /* The id never changes once set: keep our copy (the store's hash table
   * borrows it as a key). */
  if (old.id != NULL)
    {
      g_free (d->id);
      d->id = old.id;
      old.id = NULL;
    }
  self->d = *d;
  memset (d, 0, sizeof *d);
  unit_data_clear (&old);

  if (!notify)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  notify_if (self, kind_changed, PROP_KIND);
  notify_if (self, status_changed, PROP_STATUS);
  for (guint prop = PROP_CALLSIGN; prop <= PROP_PHONE; prop++)
    notify_if (self, str_changed[prop], prop);
  notify_if (self, updated_changed, PROP_UPDATED_AT);
  g_object_thaw_notify (G_OBJECT (self));
}

JbUnit *
jb_unit_new_from_json (JsonNode  *node,
                       GError   **error)
{
  g_auto(UnitData) d = { 0, };
  JbUnit *self;

  if (!unit_data_parse (node, &d, error))
    return NULL;

  self = g_object_new (JB_TYPE_UNIT, NULL);
  unit_apply_data (self, &d, FALSE);
  return self;
}

gboolean
_jb_unit_update_from_json (JbUnit    *self,
                           JsonNode  *node,
                           GError   **error)
{
  g_auto(UnitData) d = { 0, };

  g_return_val_if_fail (JB_IS_UNIT (self), FALSE);

  if (!unit_data_parse (node, &d, error))
    return FALSE;
  if (g_strcmp0 (d.id, self->d.id) != 0)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                   "Unit \"%s\" cannot become \"%s\".", self->d.id, d.id);
      return FALSE;
    }

  unit_apply_data (self, &d, TRUE);
  return TRUE;
}

void
_jb_unit_update_from_unit (JbUnit *self,
                           JbUnit *fresh)
{
  g_return_if_fail (JB_IS_UNIT (self));
  g_return_if_fail (JB_IS_UNIT (fresh));
  g_return_if_fail (g_strcmp0 (self->d.id, fresh->d.id) == 0);

  unit_apply_data (self, &fresh->d, TRUE);
}

JsonNode *
jb_unit_to_json (JbUnit *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (JB_IS_UNIT (self), NULL);

  json_builder_begin_object (builder);
  _jb_codec_add_string (builder, "id", self->d.id);
  _jb_codec_add_string (builder, "kind", jb_unit_kind_to_string (self->d.kind));
  _jb_codec_add_string (builder, "callsign", self->d.callsign);
  _jb_codec_add_string (builder, "name", self->d.name);
  _jb_codec_add_string (builder, "org_id", self->d.org_id);
  _jb_codec_add_string (builder, "org_name", self->d.org_name);
  _jb_codec_add_string (builder, "station_id", self->d.station_id);
  _jb_codec_add_string (builder, "status", jb_unit_status_to_string (self->d.status));
  _jb_codec_add_string (builder, "terminal_id", self->d.terminal_id);
  _jb_codec_add_string (builder, "incident_id", self->d.incident_id);
  _jb_codec_add_string (builder, "phone", self->d.phone);
  json_builder_set_member_name (builder, "position");
  if (self->d.has_position)
    json_builder_add_value (builder, jb_position_to_json (&self->d.position));
  else
    json_builder_add_null_value (builder);
  _jb_codec_add_time (builder, "updated_at", self->d.updated_at);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

void
_jb_unit_set_position (JbUnit           *self,
                       const JbPosition *position)
{
  self->d.position = *position;
  self->d.has_position = TRUE;
}

guint
_jb_unit_get_index (JbUnit *self)
{
  return self->index;
}

void
_jb_unit_set_index (JbUnit *self,
                    guint   index)
{
  self->index = index;
}

static void
jb_unit_finalize (GObject *object)
{
  JbUnit *self = (JbUnit *)object;

  unit_data_clear (&self->d);

  G_OBJECT_CLASS (jb_unit_parent_class)->finalize (object);
}

static void
jb_unit_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  JbUnit *self = JB_UNIT (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->d.id); break;
    case PROP_KIND: g_value_set_enum (value, self->d.kind); break;
    case PROP_STATUS: g_value_set_enum (value, self->d.status); break;
    case PROP_CALLSIGN: g_value_set_string (value, self->d.callsign); break;
    case PROP_NAME: g_value_set_string (value, self->d.name); break;
    case PROP_ORG_ID: g_value_set_string (value, self->d.org_id); break;
    case PROP_ORG_NAME: g_value_set_string (value, self->d.org_name); break;
    case PROP_STATION_ID: g_value_set_string (value, self->d.station_id); break;
    case PROP_TERMINAL_ID: g_value_set_string (value, self->d.terminal_id); break;
    case PROP_INCIDENT_ID: g_value_set_string (value, self->d.incident_id); break;
    case PROP_PHONE: g_value_set_string (value, self->d.phone); break;
    case PROP_UPDATED_AT: g_value_set_int64 (value, self->d.updated_at); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_prop (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
jb_unit_class_init (JbUnitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = jb_unit_finalize;
  object_class->get_property = jb_unit_get_property;

  properties[PROP_ID] = string_prop ("id");
  properties[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL, JB_TYPE_UNIT_KIND,
                                             JB_UNIT_KIND_OFFICER, flags);
  properties[PROP_STATUS] = g_param_spec_enum ("status", NULL, NULL, JB_TYPE_UNIT_STATUS,
                                               JB_UNIT_STATUS_AVAILABLE, flags);
  properties[PROP_CALLSIGN] = string_prop ("callsign");
  properties[PROP_NAME] = string_prop ("name");
  properties[PROP_ORG_ID] = string_prop ("org-id");
  properties[PROP_ORG_NAME] = string_prop ("org-name");
  properties[PROP_STATION_ID] = string_prop ("station-id");
  properties[PROP_TERMINAL_ID] = string_prop ("terminal-id");
  properties[PROP_INCIDENT_ID] = string_prop ("incident-id");
  properties[PROP_PHONE] = string_prop ("phone");
  properties[PROP_UPDATED_AT] = g_param_spec_int64 ("updated-at", NULL, NULL, 0, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jb_unit_init (JbUnit *self)
{
  self->d.position.heading = NAN;
  self->d.position.speed = NAN;
  self->d.position.accuracy = NAN;
  self->index = G_MAXUINT;
}

const char *
jb_unit_get_id (JbUnit *self)
{
  g_return_val_if_fail (JB_IS_UNIT (self), NULL);
  return self->d.id;
}

JbUnitKind
jb_unit_get_kind (JbUnit *self)
{
  g_return_val_if_fail (JB_IS_UNIT (self), 0);
  return self->d.kind;
}

JbUnitStatus
jb_unit_get_status (JbUnit *self)
{
  g_return_val_if_fail (JB_IS_UNIT (self), 0);
  return self->d.status;
}

#define STRING_GETTER(field)                              \
  const char *                                            \
  jb_unit_get_##field (JbUnit *self)                      \
  {                                                       \
    g_return_val_if_fail (JB_IS_UNIT (self), NULL);       \
    return self->d.field;                                 \
  }

STRING_GETTER (callsign)
STRING_GETTER (name)
STRING_GETTER (org_id)
STRING_GETTER (org_name)
STRING_GETTER (station_id)
STRING_GETTER (terminal_id)
STRING_GETTER (incident_id)
STRING_GETTER (phone)

gint64
jb_unit_get_updated_at (JbUnit *self)
{
  g_return_val_if_fail (JB_IS_UNIT (self), 0);
  return self->d.updated_at;
}

gboolean
jb_unit_get_position (JbUnit     *self,
                      JbPosition *out)
{
  g_return_val_if_fail (JB_IS_UNIT (self), FALSE);

  if (!self->d.has_position)
    return FALSE;
  if (out != NULL)
    *out = self->d.position;
  return TRUE;
}

gboolean
jb_unit_has_position (JbUnit *self)
{
  g_return_val_if_fail (JB_IS_UNIT (self), FALSE);
  return self->d.has_position;
}
