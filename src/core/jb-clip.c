/* jb-clip.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-clip"

#include "jb-clip-private.h"

#include <math.h>
#include <string.h>

#include "jb-codec-private.h"
#include "jb-enum-types.h"
#include "jb-error.h"
#include "jb-json.h"

typedef struct
{
  char        *id;
  char        *incident_id;
  char        *terminal_id;
  char        *unit_id;
  gint64       started_at;
  gint64       duration_ms;
  gint64       size;
  char        *sha256;
  char        *content_type;
  gboolean     has_location;
  double       lat;
  double       lon;
  JbClipState  state;
  gint64       received;
  gint64       created_at;
  gint64       verified_at;
  gint64       keep_until;
} ClipData;

struct _JbClip
{
  GObject  parent_instance;

  ClipData d;
};

G_DEFINE_FINAL_TYPE (JbClip, jb_clip, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_INCIDENT_ID,
  PROP_TERMINAL_ID,
  PROP_UNIT_ID,
  PROP_STARTED_AT,
  PROP_DURATION_MS,
  PROP_SIZE,
  PROP_SHA256,
  PROP_CONTENT_TYPE,
  PROP_STATE,
  PROP_RECEIVED,
  PROP_PROGRESS,
  PROP_VERIFIED_AT,
  PROP_KEEP_UNTIL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const state_names[] = { "uploading", "verified" };

const char *
jb_clip_state_to_string (JbClipState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), NULL);
  return state_names[state];
}

gboolean
jb_clip_state_from_string (const char  *str,
                           JbClipState *out_state)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (state_names); i++)
    if (g_str_equal (str, state_names[i]))
      {
        *out_state = i;
        return TRUE;
      }
  return FALSE;
}

static void
clip_data_clear (ClipData *d)
{
  g_clear_pointer (&d->id, g_free);
  g_clear_pointer (&d->incident_id, g_free);
  g_clear_pointer (&d->terminal_id, g_free);
  g_clear_pointer (&d->unit_id, g_free);
  g_clear_pointer (&d->sha256, g_free);
  g_clear_pointer (&d->content_type, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ClipData, clip_data_clear)

/* The id names the cache file: only "clip-" and [0-9a-z] may pass. */
static gboolean
id_is_safe (const char *id)
{
  gsize len = strlen (id);

  if (!g_str_has_prefix (id, "clip-") || len < 6 || len > 64)
    return FALSE;
  for (const char *p = id + 5; *p; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'z'))
      return FALSE;
  return TRUE;
}

static gboolean
is_sha256_hex (const char *s)
{
  if (strlen (s) != 64)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

static gboolean
get_count (JsonObject  *object,
           const char  *member,
           gboolean     required,
           gint64      *out,
           GError     **error)
{
  if (!jb_json_get_int (object, member, required, out, error))
    return FALSE;
  if (*out < 0)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE,
                   "The field \"%s\" must not be negative.", member);
      return FALSE;
    }
  return TRUE;
}

static gboolean
clip_data_parse (JsonNode  *node,
                 ClipData  *d,
                 GError   **error)
{
  JsonObject *object;
  const char *state = NULL;

  memset (d, 0, sizeof *d);
  d->lat = d->lon = NAN;

  if (!_jb_codec_root_object (node, "clip", &object, error))
    return FALSE;

  if (!_jb_codec_dup_string (object, "id", TRUE, &d->id, error) ||
      !_jb_codec_dup_string (object, "incident_id", TRUE, &d->incident_id, error) ||
      !_jb_codec_dup_string (object, "terminal_id", FALSE, &d->terminal_id, error) ||
      !_jb_codec_dup_string (object, "unit_id", FALSE, &d->unit_id, error) ||
      !_jb_codec_get_time (object, "started_at", &d->started_at, error) ||
      !get_count (object, "duration_ms", FALSE, &d->duration_ms, error) ||
      !get_count (object, "size", TRUE, &d->size, error) ||
      !_jb_codec_dup_string (object, "sha256", TRUE, &d->sha256, error) ||
      !_jb_codec_dup_string (object, "content_type", TRUE, &d->content_type, error) ||
      !_jb_codec_get_location (object, "location", FALSE, &d->has_location, &d->lat, &d->lon, error) ||
      !jb_json_get_string (object, "state", TRUE, &state, error) ||
      !get_count (object, "received", FALSE, &d->received, error) ||
      !_jb_codec_get_time (object, "created_at", &d->created_at, error) ||
      !_jb_codec_get_time (object, "verified_at", &d->verified_at, error) ||
      !_jb_codec_get_time (object, "keep_until", &d->keep_until, error))
    return FALSE;

  if (!id_is_safe (d->id))
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                   "The field \"id\" must be \"clip-\" and lowercase letters or digits.");
      return FALSE;
    }
  if (!is_sha256_hex (d->sha256))
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                   "The field \"sha256\" must be 64 lowercase hex digits.");
      return FALSE;
    }
  if (!jb_clip_state_from_string (state, &d->state))
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                   "The field \"state\" must be \"uploading\" or \"verified\", not \"%s\".", state);
      return FALSE;
    }
  if (d->received > d->size)
    d->received = d->size;
  if (d->state == JB_CLIP_STATE_VERIFIED)
    d->received = d->size;

  return TRUE;
}

JbClip *
jb_clip_new_from_json (JsonNode  *node,
                       GError   **error)
{
  g_auto(ClipData) d = { 0, };
  JbClip *self;

  if (!clip_data_parse (node, &d, error))
    return NULL;

  self = g_object_new (JB_TYPE_CLIP, NULL);
  self->d = d;
  memset (&d, 0, sizeof d);
  return self;
}

JsonNode *
jb_clip_to_json (JbClip *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  const ClipData *d;

  g_return_val_if_fail (JB_IS_CLIP (self), NULL);
  d = &self->d;

  json_builder_begin_object (builder);
  _jb_codec_add_string (builder, "id", d->id);
  _jb_codec_add_string (builder, "incident_id", d->incident_id);
  _jb_codec_add_string (builder, "terminal_id", d->terminal_id);
  _jb_codec_add_string (builder, "unit_id", d->unit_id);
  _jb_codec_add_time (builder, "started_at", d->started_at);
  _jb_codec_add_int (builder, "duration_ms", d->duration_ms);
  _jb_codec_add_int (builder, "size", d->size);
  _jb_codec_add_string (builder, "sha256", d->sha256);
  _jb_codec_add_string (builder, "content_type", d->content_type);
  _jb_codec_add_location (builder, "location", d->has_location, d->lat, d->lon);
  _jb_codec_add_string (builder, "state", jb_clip_state_to_string (d->state));
  _jb_codec_add_int (builder, "received", d->received);
  _jb_codec_add_time (builder, "created_at", d->created_at);
  _jb_codec_add_time (builder, "verified_at", d->verified_at);
  _jb_codec_add_time (builder, "keep_until", d->keep_until);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

void
_jb_clip_update_from_clip (JbClip *self,
                           JbClip *fresh)
{
  ClipData old;
  ClipData *d;
  gboolean changed[N_PROPS] = { FALSE, };

  g_return_if_fail (JB_IS_CLIP (self));
  g_return_if_fail (JB_IS_CLIP (fresh));
  g_return_if_fail (g_strcmp0 (self->d.id, fresh->d.id) == 0);

  old = self->d;
  d = &fresh->d;

  changed[PROP_INCIDENT_ID] = !_jb_codec_str_equal (old.incident_id, d->incident_id);
  changed[PROP_TERMINAL_ID] = !_jb_codec_str_equal (old.terminal_id, d->terminal_id);
  changed[PROP_UNIT_ID] = !_jb_codec_str_equal (old.unit_id, d->unit_id);
  changed[PROP_STARTED_AT] = old.started_at != d->started_at;
  changed[PROP_DURATION_MS] = old.duration_ms != d->duration_ms;
  changed[PROP_SIZE] = old.size != d->size;
  changed[PROP_SHA256] = !_jb_codec_str_equal (old.sha256, d->sha256);
  changed[PROP_CONTENT_TYPE] = !_jb_codec_str_equal (old.content_type, d->content_type);
  changed[PROP_STATE] = old.state != d->state;
  /* A progress event may have come after the object was serialised:
   * bytes held never go back while uploading. */
  if (d->state == JB_CLIP_STATE_UPLOADING && old.state == JB_CLIP_STATE_UPLOADING &&
      old.received > d->received && old.size == d->size)
    d->received = old.received;
  changed[PROP_RECEIVED] = old.received != d->received;
  changed[PROP_PROGRESS] = changed[PROP_RECEIVED] || changed[PROP_SIZE] || changed[PROP_STATE];
  changed[PROP_VERIFIED_AT] = old.verified_at != d->verified_at;
  changed[PROP_KEEP_UNTIL] = old.keep_until != d->keep_until;

  /* The id stays (it is a hash key elsewhere). */
  g_free (d->id);
  d->id = old.id;
  old.id = NULL;
  self->d = *d;
  memset (d, 0, sizeof *d);
  clip_data_clear (&old);

  g_object_freeze_notify (G_OBJECT (self));
  for (guint prop = PROP_INCIDENT_ID; prop < N_PROPS; prop++)
    if (changed[prop])
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
_jb_clip_set_received (JbClip *self,
                       gint64  received)
{
  g_return_if_fail (JB_IS_CLIP (self));

  received = CLAMP (received, 0, self->d.size);
  if (self->d.state != JB_CLIP_STATE_UPLOADING || received <= self->d.received)
    return;

  self->d.received = received;
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECEIVED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
jb_clip_finalize (GObject *object)
{
  JbClip *self = (JbClip *)object;

  clip_data_clear (&self->d);

  G_OBJECT_CLASS (jb_clip_parent_class)->finalize (object);
}

static void
jb_clip_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  JbClip *self = JB_CLIP (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->d.id); break;
    case PROP_INCIDENT_ID: g_value_set_string (value, self->d.incident_id); break;
    case PROP_TERMINAL_ID: g_value_set_string (value, self->d.terminal_id); break;
    case PROP_UNIT_ID: g_value_set_string (value, self->d.unit_id); break;
    case PROP_STARTED_AT: g_value_set_int64 (value, self->d.started_at); break;
    case PROP_DURATION_MS: g_value_set_int64 (value, self->d.duration_ms); break;
    case PROP_SIZE: g_value_set_int64 (value, self->d.size); break;
    case PROP_SHA256: g_value_set_string (value, self->d.sha256); break;
    case PROP_CONTENT_TYPE: g_value_set_string (value, self->d.content_type); break;
    case PROP_STATE: g_value_set_enum (value, self->d.state); break;
    case PROP_RECEIVED: g_value_set_int64 (value, self->d.received); break;
    case PROP_PROGRESS: g_value_set_double (value, jb_clip_get_progress (self)); break;
    case PROP_VERIFIED_AT: g_value_set_int64 (value, self->d.verified_at); break;
    case PROP_KEEP_UNTIL: g_value_set_int64 (value, self->d.keep_until); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_clip_class_init (JbClipClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = jb_clip_finalize;
  object_class->get_property = jb_clip_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_INCIDENT_ID] = g_param_spec_string ("incident-id", NULL, NULL, NULL, flags);
  properties[PROP_TERMINAL_ID] = g_param_spec_string ("terminal-id", NULL, NULL, NULL, flags);
  properties[PROP_UNIT_ID] = g_param_spec_string ("unit-id", NULL, NULL, NULL, flags);
  properties[PROP_STARTED_AT] = g_param_spec_int64 ("started-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_DURATION_MS] = g_param_spec_int64 ("duration-ms", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_SIZE] = g_param_spec_int64 ("size", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_SHA256] = g_param_spec_string ("sha256", NULL, NULL, NULL, flags);
  properties[PROP_CONTENT_TYPE] = g_param_spec_string ("content-type", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, JB_TYPE_CLIP_STATE,
                                              JB_CLIP_STATE_UPLOADING, flags);
  properties[PROP_RECEIVED] = g_param_spec_int64 ("received", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0, 1, 0, flags);
  properties[PROP_VERIFIED_AT] = g_param_spec_int64 ("verified-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_KEEP_UNTIL] = g_param_spec_int64 ("keep-until", NULL, NULL, 0, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jb_clip_init (JbClip *self)
{
  self->d.lat = self->d.lon = NAN;
}

#define STRING_GETTER(field)                            \
  const char *                                          \
  jb_clip_get_##field (JbClip *self)                    \
  {                                                     \
    g_return_val_if_fail (JB_IS_CLIP (self), NULL);     \
    return self->d.field;                               \
  }

#define INT_GETTER(field)                               \
  gint64                                                \
  jb_clip_get_##field (JbClip *self)                    \
  {                                                     \
    g_return_val_if_fail (JB_IS_CLIP (self), 0);        \
    return self->d.field;                               \
  }

STRING_GETTER (id)
STRING_GETTER (incident_id)
STRING_GETTER (terminal_id)
STRING_GETTER (unit_id)
STRING_GETTER (sha256)
STRING_GETTER (content_type)
INT_GETTER (started_at)
INT_GETTER (duration_ms)
INT_GETTER (size)
INT_GETTER (received)
INT_GETTER (created_at)
INT_GETTER (verified_at)
INT_GETTER (keep_until)

const char *
jb_clip_get_extension (JbClip *self)
{
  g_return_val_if_fail (JB_IS_CLIP (self), NULL);

  if (g_strcmp0 (self->d.content_type, "video/mp4") == 0)
    return "mp4";
  if (g_strcmp0 (self->d.content_type, "video/webm") == 0)
    return "webm";
  return "bin";
}

gboolean
jb_clip_get_location (JbClip *self,
                      double *lat,
                      double *lon)
{
  g_return_val_if_fail (JB_IS_CLIP (self), FALSE);

  if (!self->d.has_location)
    return FALSE;
  if (lat != NULL)
    *lat = self->d.lat;
  if (lon != NULL)
    *lon = self->d.lon;
  return TRUE;
}

JbClipState
jb_clip_get_state (JbClip *self)
{
  g_return_val_if_fail (JB_IS_CLIP (self), JB_CLIP_STATE_UPLOADING);
  return self->d.state;
}

gboolean
jb_clip_is_verified (JbClip *self)
{
  g_return_val_if_fail (JB_IS_CLIP (self), FALSE);
  return self->d.state == JB_CLIP_STATE_VERIFIED;
}

double
jb_clip_get_progress (JbClip *self)
{
  g_return_val_if_fail (JB_IS_CLIP (self), 0);

  if (self->d.state == JB_CLIP_STATE_VERIFIED)
    return 1.0;
  if (self->d.size <= 0)
    return 0.0;
  return CLAMP ((double) self->d.received / (double) self->d.size, 0.0, 1.0);
}

JsonNode *
jb_clip_build_snapshot_sidecar (JbClip     *self,
                                const char *incident_number,
                                gint64      frame_ms,
                                gint64      saved_at,
                                const char *saved_by,
                                const char *image_name,
                                int         width,
                                int         height)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  const ClipData *d;

  g_return_val_if_fail (JB_IS_CLIP (self), NULL);
  d = &self->d;

  json_builder_begin_object (builder);
  _jb_codec_add_string (builder, "clip_id", d->id);
  _jb_codec_add_string (builder, "sha256", d->sha256);
  _jb_codec_add_string (builder, "incident_id", d->incident_id);
  _jb_codec_add_string (builder, "incident_number", incident_number);
  _jb_codec_add_string (builder, "terminal_id", d->terminal_id);
  _jb_codec_add_string (builder, "unit_id", d->unit_id);
  _jb_codec_add_int (builder, "frame_ms", MAX (frame_ms, 0));
  /* The terminal's clock when the frame was filmed. */
  _jb_codec_add_time (builder, "frame_time", d->started_at > 0 ? d->started_at + MAX (frame_ms, 0) : 0);
  _jb_codec_add_location (builder, "location", d->has_location, d->lat, d->lon);
  _jb_codec_add_time (builder, "saved_at", saved_at);
  _jb_codec_add_string (builder, "saved_by", saved_by);
  _jb_codec_add_string (builder, "image", image_name);
  _jb_codec_add_int (builder, "width", width);
  _jb_codec_add_int (builder, "height", height);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
