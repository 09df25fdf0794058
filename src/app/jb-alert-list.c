/* jb-alert-list.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-alert-list"

#include <glib/gi18n.h>

#include "jb-alert.h"
#include "jb-alert-list.h"
#include "jb-grid-set.h"
#include "jb-labels.h"

struct _JbAlertList
{
  GtkWidget    parent_instance;

  /* Template widgets */
  GtkLabel    *heading;
  GtkListBox  *list;

  /* Owned references */
  JbClient    *client;
  GListModel  *alerts;
};

G_DEFINE_FINAL_TYPE (JbAlertList, jb_alert_list, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_N_UNACKNOWLEDGED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const JbGrid *
find_grid (JbGridSet  *grids,
           const char *id)
{
  for (guint i = 0; id != NULL && i < jb_grid_set_get_n_grids (grids); i++)
    if (g_strcmp0 (jb_grid_set_get_grid (grids, i)->id, id) == 0)
      return jb_grid_set_get_grid (grids, i);
  return NULL;
}

static char *
describe (JbAlertList *self,
          JbAlert     *alert)
{
  JbStore *store = jb_client_get_store (self->client);
  JbUnit *unit = jb_store_lookup_unit (store, jb_alert_get_unit_id (alert));
  const JbGrid *grid = find_grid (jb_store_get_grids (store), jb_alert_get_grid_id (alert));
  const char *who = unit != NULL ? jb_unit_get_callsign (unit) : jb_alert_get_unit_id (alert);
  const char *where = grid != NULL ? grid->name : "";

  if (jb_alert_get_reason (alert) == JB_ALERT_REASON_LEFT_GRID)
    /* Translators: a patrol alert: unit call sign, grid name */
    return g_strdup_printf (_("%s left %s"), who, where);
  /* Translators: a patrol alert: unit call sign, grid name */
  return g_strdup_printf (_("%s silent (%s)"), who, where);
}

static void
rebuild (JbAlertList *self)
{
  GtkWidget *child;
  guint n = self->alerts != NULL ? g_list_model_get_n_items (self->alerts) : 0;
  guint open = jb_alert_list_get_n_unacknowledged (self);
  g_autofree char *title = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JbAlert) alert = g_list_model_get_item (self->alerts, i);
      g_autofree char *text = describe (self, alert);
      g_autofree char *time = jb_format_time (jb_alert_get_raised_at (alert));
      g_autofree char *line = g_strdup_printf ("%s  %s%s", time, text,
                                               jb_alert_get_acknowledged (alert) ? _(" · acknowledged") : "");
      GtkWidget *label = gtk_label_new (line);
      GtkWidget *row = gtk_list_box_row_new ();

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      gtk_widget_add_css_class (row, jb_alert_get_acknowledged (alert) ? "dim-label" : "error");
      g_object_set_data_full (G_OBJECT (row), "alert-id", g_strdup (jb_alert_get_id (alert)), g_free);
      gtk_list_box_append (self->list, row);
    }
  /* Translators: the heading of the alert list, with the unacknowledged count */
  title = g_strdup_printf (_("Patrol Alerts (%u)"), open);
  gtk_label_set_text (self->heading, title);
  gtk_widget_set_visible (GTK_WIDGET (self), n > 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_UNACKNOWLEDGED]);
}

static void
jb_alert_list_dispose (GObject *object)
{
  JbAlertList *self = (JbAlertList *) object;

  if (self->alerts != NULL)
    g_signal_handlers_disconnect_by_data (self->alerts, self);
  g_clear_object (&self->alerts);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (object), JB_TYPE_ALERT_LIST);
  /* The template's root box has no id, so dispose_template leaves it. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (jb_alert_list_parent_class)->dispose (object);
}

static void
jb_alert_list_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_N_UNACKNOWLEDGED:
      g_value_set_uint (value, jb_alert_list_get_n_unacknowledged (JB_ALERT_LIST (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
acknowledge_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  jb_alert_list_acknowledge_selected (JB_ALERT_LIST (widget));
}

static void
jb_alert_list_class_init (JbAlertListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_alert_list_dispose;
  object_class->get_property = jb_alert_list_get_property;

  properties[PROP_N_UNACKNOWLEDGED] =
    g_param_spec_uint ("n-unacknowledged", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/jingbao/Console/ui/jb-alert-list.ui");
  gtk_widget_class_bind_template_child (widget_class, JbAlertList, heading);
  gtk_widget_class_bind_template_child (widget_class, JbAlertList, list);
  gtk_widget_class_install_action (widget_class, "alerts.acknowledge", NULL, acknowledge_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
jb_alert_list_init (JbAlertList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

void
jb_alert_list_set_client (JbAlertList *self,
                          JbClient    *client)
{
  g_return_if_fail (JB_IS_ALERT_LIST (self));

  if (self->alerts != NULL)
    g_signal_handlers_disconnect_by_data (self->alerts, self);
  g_clear_object (&self->alerts);
  g_set_object (&self->client, client);
  if (client != NULL)
    {
      self->alerts = g_object_ref (jb_store_get_alerts (jb_client_get_store (client)));
      g_signal_connect_swapped (self->alerts, "items-changed", G_CALLBACK (rebuild), self);
    }
  rebuild (self);
}

guint
jb_alert_list_get_n_unacknowledged (JbAlertList *self)
{
  guint n, open = 0;

  g_return_val_if_fail (JB_IS_ALERT_LIST (self), 0);
  n = self->alerts != NULL ? g_list_model_get_n_items (self->alerts) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JbAlert) alert = g_list_model_get_item (self->alerts, i);

      open += jb_alert_get_acknowledged (alert) ? 0 : 1;
    }
  return open;
}

gboolean
jb_alert_list_acknowledge_selected (JbAlertList *self)
{
  GtkListBoxRow *row;
  const char *id = NULL;
  guint n;

  g_return_val_if_fail (JB_IS_ALERT_LIST (self), FALSE);
  if (self->client == NULL || self->alerts == NULL)
    return FALSE;
  row = gtk_list_box_get_selected_row (self->list);
  if (row != NULL)
    id = g_object_get_data (G_OBJECT (row), "alert-id");
  n = g_list_model_get_n_items (self->alerts);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JbAlert) alert = g_list_model_get_item (self->alerts, i);

      if (jb_alert_get_acknowledged (alert))
        continue;
      if (id == NULL || g_strcmp0 (id, jb_alert_get_id (alert)) == 0)
        {
          jb_client_queue_command (self->client, jb_command_new_acknowledge_alert (jb_alert_get_id (alert)),
                                   NULL, NULL, NULL);
          return TRUE;
        }
    }
  return FALSE;
}
