/* jb-alert.c — one patrol alert (巡逻告警)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-alert.h"

#include "jb-error.h"
#include "jb-json.h"

struct _JbAlert
{
  GObject        parent_instance;

  char          *id;
  char          *unit_id;
  JbAlertReason  reason;
  char          *grid_id;
  char          *station_id;
  gint64         raised_at;
  char          *acknowledged_by;
  gboolean       acknowledged;
};

G_DEFINE_FINAL_TYPE (JbAlert, jb_alert, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ACKNOWLEDGED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
jb_alert_finalize (GObject *object)
{
  JbAlert *self = (JbAlert *) object;

  g_free (self->id);
  g_free (self->unit_id);
  g_free (self->grid_id);
  g_free (self->station_id);
  g_free (self->acknowledged_by);

  G_OBJECT_CLASS (jb_alert_parent_class)->finalize (object);
}

static void
jb_alert_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  JbAlert *self = (JbAlert *) object;

  switch (prop_id)
    {
    case PROP_ACKNOWLEDGED:
      g_value_set_boolean (value, self->acknowledged);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_alert_class_init (JbAlertClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = jb_alert_finalize;
  object_class->get_property = jb_alert_get_property;

  properties[PROP_ACKNOWLEDGED] =
    g_param_spec_boolean ("acknowledged", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jb_alert_init (JbAlert *self)
{
}

JbAlert *
jb_alert_new_from_json (JsonObject  *object,
                        GError     **error)
{
  g_autoptr(JbAlert) self = g_object_new (JB_TYPE_ALERT, NULL);
  const char *id = NULL, *unit_id = NULL, *reason = NULL, *grid_id = NULL, *station_id = NULL, *by = NULL;
  JsonNode *acknowledged_at;

  if (!jb_json_get_string (object, "id", TRUE, &id, error) ||
      !jb_json_get_string (object, "unit_id", TRUE, &unit_id, error) ||
      !jb_json_get_string (object, "reason", TRUE, &reason, error) ||
      !jb_json_get_string (object, "grid_id", FALSE, &grid_id, error) ||
      !jb_json_get_string (object, "station_id", FALSE, &station_id, error) ||
      !jb_json_get_string (object, "acknowledged_by", FALSE, &by, error) ||
      !jb_json_get_int (object, "raised_at", FALSE, &self->raised_at, error))
    return NULL;
  if (g_str_equal (reason, "left_grid"))
    self->reason = JB_ALERT_REASON_LEFT_GRID;
  else if (g_str_equal (reason, "silent"))
    self->reason = JB_ALERT_REASON_SILENT;
  else
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE, "Unknown alert reason \"%s\".", reason);
      return NULL;
    }
  acknowledged_at = json_object_get_member (object, "acknowledged_at");
  self->id = g_strdup (id);
  self->unit_id = g_strdup (unit_id);
  self->grid_id = g_strdup (grid_id);
  self->station_id = g_strdup (station_id);
  self->acknowledged_by = g_strdup (by);
  self->acknowledged = acknowledged_at != NULL && !JSON_NODE_HOLDS_NULL (acknowledged_at);
  return g_steal_pointer (&self);
}

void
jb_alert_update (JbAlert *self,
                 JbAlert *fresh)
{
  g_return_if_fail (JB_IS_ALERT (self));
  g_return_if_fail (JB_IS_ALERT (fresh));

  g_free (self->acknowledged_by);
  self->acknowledged_by = g_strdup (fresh->acknowledged_by);
  if (self->acknowledged != fresh->acknowledged)
    {
      self->acknowledged = fresh->acknowledged;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACKNOWLEDGED]);
    }
}

const char *
jb_alert_get_id (JbAlert *self)
{
  g_return_val_if_fail (JB_IS_ALERT (self), NULL);
  return self->id;
}

const char *
jb_alert_get_unit_id (JbAlert *self)
{
  g_return_val_if_fail (JB_IS_ALERT (self), NULL);
  return self->unit_id;
}

JbAlertReason
jb_alert_get_reason (JbAlert *self)
{
  g_return_val_if_fail (JB_IS_ALERT (self), JB_ALERT_REASON_LEFT_GRID);
  return self->reason;
}

const char *
jb_alert_get_grid_id (JbAlert *self)
{
  g_return_val_if_fail (JB_IS_ALERT (self), NULL);
  return self->grid_id;
}

const char *
jb_alert_get_station_id (JbAlert *self)
{
  g_return_val_if_fail (JB_IS_ALERT (self), NULL);
  return self->station_id;
}

gint64
jb_alert_get_raised_at (JbAlert *self)
{
  g_return_val_if_fail (JB_IS_ALERT (self), 0);
  return self->raised_at;
}

gboolean
jb_alert_get_acknowledged (JbAlert *self)
{
  g_return_val_if_fail (JB_IS_ALERT (self), FALSE);
  return self->acknowledged;
}

const char *
jb_alert_get_acknowledged_by (JbAlert *self)
{
  g_return_val_if_fail (JB_IS_ALERT (self), NULL);
  return self->acknowledged_by;
}
