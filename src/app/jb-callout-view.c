/* jb-callout-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-callout-view"

#include <glib/gi18n.h>

#include "jb-callout-view.h"

struct _JbCalloutView
{
  GtkWidget  parent_instance;

  /* Template widgets */
  GtkLabel  *message_label;
  GtkLabel  *area_label;
  GtkLabel  *counts_label;
};

G_DEFINE_FINAL_TYPE (JbCalloutView, jb_callout_view, GTK_TYPE_WIDGET)

static void
jb_callout_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), JB_TYPE_CALLOUT_VIEW);
  /* The template's root box has no id, so dispose_template leaves it. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (jb_callout_view_parent_class)->dispose (object);
}

static void
jb_callout_view_class_init (JbCalloutViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_callout_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/jingbao/Console/ui/jb-callout-view.ui");
  gtk_widget_class_bind_template_child (widget_class, JbCalloutView, message_label);
  gtk_widget_class_bind_template_child (widget_class, JbCalloutView, area_label);
  gtk_widget_class_bind_template_child (widget_class, JbCalloutView, counts_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
jb_callout_view_init (JbCalloutView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

void
jb_callout_view_set_incident (JbCalloutView *self,
                              JbIncident    *incident)
{
  const JbCallout *callout;
  g_autofree char *area = NULL;
  g_autofree char *counts = NULL;
  guint n;

  g_return_if_fail (JB_IS_CALLOUT_VIEW (self));

  n = incident != NULL ? jb_incident_get_n_callouts (incident) : 0;
  gtk_widget_set_visible (GTK_WIDGET (self), n > 0);
  if (n == 0)
    {
      gtk_label_set_text (self->counts_label, "");
      return;
    }
  callout = jb_incident_get_callout (incident, n - 1);
  gtk_label_set_text (self->message_label, callout->message != NULL ? callout->message : "");
  if (callout->grid_id != NULL)
    area = g_strdup (_("Everyone in the grid"));
  else
    /* Translators: the reach of a call-out */
    area = g_strdup_printf (_("Everyone within %d m"), (int) callout->radius_m);
  gtk_label_set_text (self->area_label, area);
  /* Translators: a call-out's live counts */
  counts = g_strdup_printf (_("Called %u · accepted %u · on the way %u · arrived %u · declined %u"),
                            callout->called, callout->accepted, callout->en_route, callout->arrived,
                            callout->declined);
  gtk_label_set_text (self->counts_label, counts);
}

const char *
jb_callout_view_get_counts (JbCalloutView *self)
{
  g_return_val_if_fail (JB_IS_CALLOUT_VIEW (self), NULL);
  return gtk_label_get_text (self->counts_label);
}
