/* jb-incident-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-incident-row"

#include <glib/gi18n.h>

#include "jb-incident-row.h"
#include "jb-labels.h"

struct _JbIncidentRow
{
  GtkWidget   parent_instance;

  /* Template widgets */
  GtkLabel   *priority_label;
  GtkLabel   *type_label;
  GtkLabel   *age_label;
  GtkLabel   *place_label;
  GtkLabel   *number_label;
  GtkLabel   *status_label;

  /* Owned references */
  JbIncident *incident;
};

G_DEFINE_FINAL_TYPE (JbIncidentRow, jb_incident_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_INCIDENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Every visible row's age moves with one shared one-second timer. */
static GList *live_rows;
static guint  ticker_id;

static void
update_age (JbIncidentRow *self)
{
  g_autofree char *age = NULL;

  if (self->incident == NULL)
    return;

  age = jb_format_age (jb_incident_get_created_at (self->incident), g_get_real_time () / 1000);
  gtk_label_set_text (self->age_label, age);
}

static gboolean
tick_cb (gpointer user_data)
{
  for (GList *l = live_rows; l != NULL; l = l->next)
    update_age (l->data);

  return G_SOURCE_CONTINUE;
}

static void
update (JbIncidentRow *self)
{
  static const char *priority_classes[] = { "p1", "p2", "p3", "p4" };
  g_autofree char *priority = NULL;
  g_autofree char *accessible = NULL;
  const char *place;
  JbIncidentStatus status;
  guint p;

  for (guint i = 0; i < G_N_ELEMENTS (priority_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self), priority_classes[i]);
  gtk_widget_remove_css_class (GTK_WIDGET (self), "new");

  if (self->incident == NULL)
    return;

  p = CLAMP (jb_incident_get_priority (self->incident), 1, 4);
  status = jb_incident_get_status (self->incident);
  gtk_widget_add_css_class (GTK_WIDGET (self), priority_classes[p - 1]);
  if (status == JB_INCIDENT_STATUS_NEW)
    gtk_widget_add_css_class (GTK_WIDGET (self), "new");

  /* Translators: a priority badge, "P1" (most urgent) to "P4" */
  priority = g_strdup_printf (_("P%u"), p);
  gtk_label_set_text (self->priority_label, priority);
  gtk_label_set_text (self->type_label,
                      jb_incident_type_get_label (jb_incident_get_incident_type (self->incident)));

  place = jb_incident_get_venue_name (self->incident);
  if (place == NULL)
    place = jb_incident_get_address (self->incident);
  gtk_label_set_text (self->place_label, place ? place : "");
  gtk_widget_set_visible (GTK_WIDGET (self->place_label), place != NULL && place[0] != '\0');
  gtk_label_set_text (self->number_label, jb_incident_get_number (self->incident));
  gtk_label_set_text (self->status_label, jb_incident_status_get_label (status));
  update_age (self);

  /* Translators: what a screen reader says for a queue row: priority,
   * type, place, status */
  accessible = g_strdup_printf (_("Priority %u, %s at %s, %s"),
                                p,
                                jb_incident_type_get_label (jb_incident_get_incident_type (self->incident)),
                                place ? place : "",
                                jb_incident_status_get_label (status));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
incident_notify_cb (JbIncidentRow *self)
{
  update (self);
}

JbIncident *
jb_incident_row_get_incident (JbIncidentRow *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT_ROW (self), NULL);

  return self->incident;
}

void
jb_incident_row_set_incident (JbIncidentRow *self,
                              JbIncident    *incident)
{
  g_return_if_fail (JB_IS_INCIDENT_ROW (self));
  g_return_if_fail (!incident || JB_IS_INCIDENT (incident));

  if (self->incident == incident)
    return;

  if (self->incident != NULL)
    g_signal_handlers_disconnect_by_func (self->incident, incident_notify_cb, self);

  g_set_object (&self->incident, incident);

  /* The store updates incidents in place and notifies. */
  if (incident != NULL)
    g_signal_connect_object (incident, "notify", G_CALLBACK (incident_notify_cb), self, G_CONNECT_SWAPPED);

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INCIDENT]);
}

static void
jb_incident_row_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (jb_incident_row_parent_class)->map (widget);

  live_rows = g_list_prepend (live_rows, widget);
  if (ticker_id == 0)
    ticker_id = g_timeout_add_seconds (1, tick_cb, NULL);
  update_age (JB_INCIDENT_ROW (widget));
}

static void
jb_incident_row_unmap (GtkWidget *widget)
{
  live_rows = g_list_remove (live_rows, widget);
  if (live_rows == NULL)
    g_clear_handle_id (&ticker_id, g_source_remove);

  GTK_WIDGET_CLASS (jb_incident_row_parent_class)->unmap (widget);
}

static void
jb_incident_row_dispose (GObject *object)
{
  JbIncidentRow *self = (JbIncidentRow *)object;
  GtkWidget *child;

  jb_incident_row_set_incident (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), JB_TYPE_INCIDENT_ROW);
  /* The template's unnamed root box is not cleared by the template. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (jb_incident_row_parent_class)->dispose (object);
}

static void
jb_incident_row_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  JbIncidentRow *self = JB_INCIDENT_ROW (object);

  switch (prop_id)
    {
    case PROP_INCIDENT:
      g_value_set_object (value, self->incident);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_incident_row_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  JbIncidentRow *self = JB_INCIDENT_ROW (object);

  switch (prop_id)
    {
    case PROP_INCIDENT:
      jb_incident_row_set_incident (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_incident_row_class_init (JbIncidentRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_incident_row_dispose;
  object_class->get_property = jb_incident_row_get_property;
  object_class->set_property = jb_incident_row_set_property;

  widget_class->map = jb_incident_row_map;
  widget_class->unmap = jb_incident_row_unmap;

  properties[PROP_INCIDENT] =
    g_param_spec_object ("incident", NULL, NULL, JB_TYPE_INCIDENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "jb-incident-row");
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/jingbao/Console/ui/jb-incident-row.ui");
  gtk_widget_class_bind_template_child (widget_class, JbIncidentRow, priority_label);
  gtk_widget_class_bind_template_child (widget_class, JbIncidentRow, type_label);
  gtk_widget_class_bind_template_child (widget_class, JbIncidentRow, age_label);
  gtk_widget_class_bind_template_child (widget_class, JbIncidentRow, place_label);
  gtk_widget_class_bind_template_child (widget_class, JbIncidentRow, number_label);
  gtk_widget_class_bind_template_child (widget_class, JbIncidentRow, status_label);
}

static void
jb_incident_row_init (JbIncidentRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
jb_incident_row_new (void)
{
  return g_object_new (JB_TYPE_INCIDENT_ROW, NULL);
}
