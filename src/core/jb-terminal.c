/* jb-terminal.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-terminal"

#include "jb-terminal-private.h"

#include <string.h>

#include "jb-codec-private.h"
#include "jb-enum-types.h"
#include "jb-json.h"

typedef struct
{
  char           *id;
  JbTerminalKind  kind;
  char           *name;
  gboolean        has_venue;
  char           *venue_name;
  JbVenueKind     venue_kind;
  char           *venue_address;
  char           *venue_contact;
  char           *venue_phone;
  char           *station_id;
  char           *unit_id;
  char           *org_id;
  gboolean        has_location;
  double          lat;
  double          lon;
  gboolean        online;
  gint64          last_seen_at;
  gint64          heartbeat_interval_s;
  gboolean        gateway;
} TerminalData;

struct _JbTerminal
{
  GObject      parent_instance;

  TerminalData d;
};

G_DEFINE_FINAL_TYPE (JbTerminal, jb_terminal, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_NAME,
  PROP_VENUE_NAME,
  PROP_STATION_ID,
  PROP_UNIT_ID,
  PROP_ONLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
terminal_data_clear (TerminalData *d)
{
  g_clear_pointer (&d->id, g_free);
  g_clear_pointer (&d->name, g_free);
  g_clear_pointer (&d->venue_name, g_free);
  g_clear_pointer (&d->venue_address, g_free);
  g_clear_pointer (&d->venue_contact, g_free);
  g_clear_pointer (&d->venue_phone, g_free);
  g_clear_pointer (&d->station_id, g_free);
  g_clear_pointer (&d->unit_id, g_free);
  g_clear_pointer (&d->org_id, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TerminalData, terminal_data_clear)

/* Unknown members are tolerated: the client reads what the server wrote,
 * and a newer server may add members (forward compatibility). */
static gboolean
terminal_data_parse (JsonNode      *node,
                     TerminalData  *d,
                     GError       **error)
{
  JsonObject *object;
  JsonObject *venue = NULL;
  int kind = 0;

  if (!_jb_codec_root_object (node, "terminal", &object, error))
    return FALSE;

  if (!_jb_codec_dup_string (object, "id", TRUE, &d->id, error) ||
      !jb_json_get_enum (object, "kind", TRUE, JB_ENUM_PARSER (jb_terminal_kind_from_string), &kind, error) ||
      !_jb_codec_dup_string (object, "name", FALSE, &d->name, error) ||
      !jb_json_get_object (object, "venue", FALSE, &venue, error) ||
      !_jb_codec_dup_string (object, "station_id", FALSE, &d->station_id, error) ||
      !_jb_codec_dup_string (object, "unit_id", FALSE, &d->unit_id, error) ||
      !_jb_codec_dup_string (object, "org_id", FALSE, &d->org_id, error) ||
      !_jb_codec_get_location (object, "location", FALSE, &d->has_location, &d->lat, &d->lon, error) ||
      !jb_json_get_boolean (object, "online", FALSE, &d->online, error) ||
      !_jb_codec_get_time (object, "last_seen_at", &d->last_seen_at, error) ||
      !jb_json_get_int (object, "heartbeat_interval_s", FALSE, &d->heartbeat_interval_s, error) ||
      !jb_json_get_boolean (object, "gateway", FALSE, &d->gateway, error))
    return FALSE;

  d->kind = kind;
  if (d->heartbeat_interval_s < 0 || d->heartbeat_interval_s > G_MAXUINT)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE,
                           "The field \"heartbeat_interval_s\" is out of range.");
      return FALSE;
    }

  d->venue_kind = JB_VENUE_KIND_N;
  if (venue != NULL)
    {
      int venue_kind = JB_VENUE_KIND_OTHER;

      if (!_jb_codec_dup_string (venue, "name", TRUE, &d->venue_name, error) ||
          !jb_json_get_enum (venue, "kind", FALSE, JB_ENUM_PARSER (jb_venue_kind_from_string), &venue_kind, error) ||
          !_jb_codec_dup_string (venue, "address", FALSE, &d->venue_address, error) ||
          !_jb_codec_dup_string (venue, "contact", FALSE, &d->venue_contact, error) ||
          !_jb_codec_dup_string (venue, "phone", FALSE, &d->venue_phone, error))
        {
          g_prefix_error (error, "venue: ");
          return FALSE;
        }
      d->has_venue = TRUE;
      d->venue_kind = venue_kind;
    }

  return TRUE;
}

static void
terminal_apply_data (JbTerminal   *self,
                     TerminalData *d,
                     gboolean      notify)
{
  TerminalData old = self->d;
  gboolean changed[N_PROPS] = { FALSE, };

  changed[PROP_KIND] = old.kind != d->kind;
  changed[PROP_NAME] = !_jb_codec_str_equal (old.name, d->name);
  changed[PROP_VENUE_NAME] = !_jb_codec_str_equal (old.venue_name, d->venue_name);
  changed[PROP_STATION_ID] = !_jb_codec_str_equal (old.station_id, d->station_id);
  changed[PROP_UNIT_ID] = !_jb_codec_str_equal (old.unit_id, d->unit_id);
  changed[PROP_ONLINE] = old.online != d->online;

  /* The id is stable: keep ours (hash tables borrow it). */
  if (old.id != NULL)
    {
      g_free (d->id);
      d->id = old.id;
      old.id = NULL;
    }
  self->d = *d;
  memset (d, 0, sizeof *d);
  terminal_data_clear (&old);

  if (!notify)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  for (guint prop = PROP_KIND; prop < N_PROPS; prop++)
    if (changed[prop])
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  g_object_thaw_notify (G_OBJECT (self));
}

JbTerminal *
jb_terminal_new_from_json (JsonNode  *node,
                           GError   **error)
{
  g_auto(TerminalData) d = { 0, };
  JbTerminal *self;

  if (!terminal_data_parse (node, &d, error))
    return NULL;

  self = g_object_new (JB_TYPE_TERMINAL, NULL);
  terminal_apply_data (self, &d, FALSE);
  return self;
}

gboolean
_jb_terminal_update_from_json (JbTerminal  *self,
                               JsonNode    *node,
                               GError     **error)
{
  g_auto(TerminalData) d = { 0, };

  g_return_val_if_fail (JB_IS_TERMINAL (self), FALSE);

  if (!terminal_data_parse (node, &d, error))
    return FALSE;
  if (g_strcmp0 (d.id, self->d.id) != 0)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                   "Terminal \"%s\" cannot become \"%s\".", self->d.id, d.id);
      return FALSE;
    }

  terminal_apply_data (self, &d, TRUE);
  return TRUE;
}

void
_jb_terminal_update_from_terminal (JbTerminal *self,
                                   JbTerminal *fresh)
{
  g_return_if_fail (JB_IS_TERMINAL (self));
  g_return_if_fail (JB_IS_TERMINAL (fresh));
  g_return_if_fail (g_strcmp0 (self->d.id, fresh->d.id) == 0);

  terminal_apply_data (self, &fresh->d, TRUE);
}

JsonNode *
jb_terminal_to_json (JbTerminal *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (JB_IS_TERMINAL (self), NULL);

  json_builder_begin_object (builder);
  _jb_codec_add_string (builder, "id", self->d.id);
  _jb_codec_add_string (builder, "kind", jb_terminal_kind_to_string (self->d.kind));
  _jb_codec_add_string (builder, "name", self->d.name);
  json_builder_set_member_name (builder, "venue");
  if (self->d.has_venue)
    {
      json_builder_begin_object (builder);
      _jb_codec_add_string (builder, "name", self->d.venue_name);
      _jb_codec_add_string (builder, "kind", jb_venue_kind_to_string (self->d.venue_kind));
      _jb_codec_add_string (builder, "address", self->d.venue_address);
      _jb_codec_add_string (builder, "contact", self->d.venue_contact);
      _jb_codec_add_string (builder, "phone", self->d.venue_phone);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  _jb_codec_add_string (builder, "station_id", self->d.station_id);
  _jb_codec_add_string (builder, "unit_id", self->d.unit_id);
  _jb_codec_add_string (builder, "org_id", self->d.org_id);
  _jb_codec_add_location (builder, "location", self->d.has_location, self->d.lat, self->d.lon);
  json_builder_set_member_name (builder, "online");
  json_builder_add_boolean_value (builder, self->d.online);
  _jb_codec_add_time (builder, "last_seen_at", self->d.last_seen_at);
  _jb_codec_add_int (builder, "heartbeat_interval_s", self->d.heartbeat_interval_s);
  if (self->d.gateway)
    {
      json_builder_set_member_name (builder, "gateway");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
jb_terminal_finalize (GObject *object)
{
  JbTerminal *self = (JbTerminal *)object;

  terminal_data_clear (&self->d);

  G_OBJECT_CLASS (jb_terminal_parent_class)->finalize (object);
}

static void
jb_terminal_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  JbTerminal *self = JB_TERMINAL (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->d.id); break;
    case PROP_KIND: g_value_set_enum (value, self->d.kind); break;
    case PROP_NAME: g_value_set_string (value, self->d.name); break;
    case PROP_VENUE_NAME: g_value_set_string (value, self->d.venue_name); break;
    case PROP_STATION_ID: g_value_set_string (value, self->d.station_id); break;
    case PROP_UNIT_ID: g_value_set_string (value, self->d.unit_id); break;
    case PROP_ONLINE: g_value_set_boolean (value, self->d.online); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_terminal_class_init (JbTerminalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = jb_terminal_finalize;
  object_class->get_property = jb_terminal_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL, JB_TYPE_TERMINAL_KIND,
                                             JB_TERMINAL_KIND_ALARM_BUTTON, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_VENUE_NAME] = g_param_spec_string ("venue-name", NULL, NULL, NULL, flags);
  properties[PROP_STATION_ID] = g_param_spec_string ("station-id", NULL, NULL, NULL, flags);
  properties[PROP_UNIT_ID] = g_param_spec_string ("unit-id", NULL, NULL, NULL, flags);
  properties[PROP_ONLINE] = g_param_spec_boolean ("online", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jb_terminal_init (JbTerminal *self)
{
  self->d.venue_kind = JB_VENUE_KIND_N;
}

const char *
jb_terminal_get_id (JbTerminal *self)
{
  g_return_val_if_fail (JB_IS_TERMINAL (self), NULL);
  return self->d.id;
}

JbTerminalKind
jb_terminal_get_kind (JbTerminal *self)
{
  g_return_val_if_fail (JB_IS_TERMINAL (self), 0);
  return self->d.kind;
}

gboolean
jb_terminal_has_venue (JbTerminal *self)
{
  g_return_val_if_fail (JB_IS_TERMINAL (self), FALSE);
  return self->d.has_venue;
}

JbVenueKind
jb_terminal_get_venue_kind (JbTerminal *self)
{
  g_return_val_if_fail (JB_IS_TERMINAL (self), JB_VENUE_KIND_N);
  return self->d.venue_kind;
}

#define STRING_GETTER(field)                                \
  const char *                                              \
  jb_terminal_get_##field (JbTerminal *self)                \
  {                                                         \
    g_return_val_if_fail (JB_IS_TERMINAL (self), NULL);     \
    return self->d.field;                                   \
  }

STRING_GETTER (name)
STRING_GETTER (venue_name)
STRING_GETTER (venue_address)
STRING_GETTER (venue_contact)
STRING_GETTER (venue_phone)
STRING_GETTER (station_id)
STRING_GETTER (unit_id)
STRING_GETTER (org_id)

gboolean
jb_terminal_get_location (JbTerminal *self,
                          double     *lat,
                          double     *lon)
{
  g_return_val_if_fail (JB_IS_TERMINAL (self), FALSE);

  if (!self->d.has_location)
    return FALSE;
  if (lat != NULL)
    *lat = self->d.lat;
  if (lon != NULL)
    *lon = self->d.lon;
  return TRUE;
}

gboolean
jb_terminal_get_online (JbTerminal *self)
{
  g_return_val_if_fail (JB_IS_TERMINAL (self), FALSE);
  return self->d.online;
}

gint64
jb_terminal_get_last_seen_at (JbTerminal *self)
{
  g_return_val_if_fail (JB_IS_TERMINAL (self), 0);
  return self->d.last_seen_at;
}

guint
jb_terminal_get_heartbeat_interval_s (JbTerminal *self)
{
  g_return_val_if_fail (JB_IS_TERMINAL (self), 0);
  return (guint) self->d.heartbeat_interval_s;
}

gboolean
jb_terminal_get_gateway (JbTerminal *self)
{
  g_return_val_if_fail (JB_IS_TERMINAL (self), FALSE);
  return self->d.gateway;
}
