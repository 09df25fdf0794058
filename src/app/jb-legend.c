/* jb-legend.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-legend"

#include <glib/gi18n.h>
#include <string.h>

#include "jb-icon-atlas.h"
#include "jb-labels.h"
#include "jb-legend.h"

struct _JbLegend
{
  GtkWidget    parent_instance;

  /* Template widgets */
  GtkGrid     *units_grid;
  GtkGrid     *status_grid;
  GtkGrid     *terminals_grid;
  GtkGrid     *incidents_grid;

  /* Borrowed */
  GtkLabel    *kind_counts[JB_UNIT_KIND_N];
  GtkLabel    *status_counts[JB_UNIT_STATUS_N];
  GtkLabel    *stale_count;
  GtkLabel    *terminal_counts[2];  /* online, offline */
  GtkLabel    *incident_counts[4];
  JbUnitLayer *unit_layer;

  /* Owned references */
  JbStore     *store;
  guint        tick_id;
  guint        kinds[JB_UNIT_KIND_N];
  guint        statuses[JB_UNIT_STATUS_N];
  guint        stale;
  guint        terminals[2];
  guint        incidents[4];
};

G_DEFINE_FINAL_TYPE (JbLegend, jb_legend, GTK_TYPE_WIDGET)

static GtkLabel *
add_row (GtkGrid      *grid,
         int           row,
         GdkPaintable *icon,
         const char   *swatch_class,
         const char   *text)
{
  GtkWidget *symbol;
  GtkWidget *label;
  GtkWidget *count;

  if (icon != NULL)
    {
      symbol = gtk_picture_new_for_paintable (icon);
      gtk_picture_set_can_shrink (GTK_PICTURE (symbol), FALSE);
    }
  else
    {
      symbol = gtk_label_new ("●");
      gtk_widget_add_css_class (symbol, "jb-swatch");
      gtk_widget_add_css_class (symbol, swatch_class);
    }
  gtk_widget_set_halign (symbol, GTK_ALIGN_CENTER);
  /* The symbol is described by the label next to it. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (symbol), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  count = gtk_label_new ("0");
  gtk_label_set_xalign (GTK_LABEL (count), 1);
  gtk_widget_add_css_class (count, "numeric");
  gtk_widget_add_css_class (count, "jb-legend-count");

  gtk_grid_attach (grid, symbol, 0, row, 1, 1);
  gtk_grid_attach (grid, label, 1, row, 1, 1);
  gtk_grid_attach (grid, count, 2, row, 1, 1);

  return GTK_LABEL (count);
}

static const char *
swatch_class_for (JbMapColour colour)
{
  static const char *classes[JB_MAP_COLOUR_N] = {
    "green", "yellow", "orange", "magenta", "blue", "grey", "red", "teal", "sky",
  };

  return classes[MIN (colour, JB_MAP_COLOUR_N - 1)];
}

static void
build (JbLegend *self)
{
  JbIconAtlas *atlas = jb_icon_atlas_get_for_scale (gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  int row = 0;

  for (guint k = 0; k < JB_UNIT_KIND_N; k++)
    self->kind_counts[k] = add_row (self->units_grid, row++,
                                    GDK_PAINTABLE (jb_icon_atlas_get_unit (atlas, k, JB_UNIT_STATUS_AVAILABLE, FALSE)),
                                    NULL, jb_unit_kind_get_label (k));
  self->stale_count = add_row (self->units_grid, row++,
                               GDK_PAINTABLE (jb_icon_atlas_get_unit (atlas, JB_UNIT_KIND_GUARD,
                                                                      JB_UNIT_STATUS_AVAILABLE, TRUE)),
                               NULL, _("No recent position"));

  row = 0;
  for (guint s = 0; s < JB_UNIT_STATUS_N; s++)
    self->status_counts[s] = add_row (self->status_grid, row++, NULL,
                                      swatch_class_for (jb_unit_status_get_colour (s)),
                                      jb_unit_status_get_label (s));

  self->terminal_counts[0] = add_row (self->terminals_grid, 0,
                                      GDK_PAINTABLE (jb_icon_atlas_get_terminal (atlas, JB_TERMINAL_KIND_ALARM_BUTTON, TRUE)),
                                      NULL, _("Online"));
  self->terminal_counts[1] = add_row (self->terminals_grid, 1,
                                      GDK_PAINTABLE (jb_icon_atlas_get_terminal (atlas, JB_TERMINAL_KIND_ALARM_BUTTON, FALSE)),
                                      NULL, _("Offline"));

  for (guint p = 1; p <= 4; p++)
    {
      g_autofree char *text = g_strdup_printf (_("Priority %u"), p);

      self->incident_counts[p - 1] = add_row (self->incidents_grid, (int) p - 1,
                                              GDK_PAINTABLE (jb_icon_atlas_get_incident (atlas, p, TRUE)),
                                              NULL, text);
    }
}

static void
set_count (GtkLabel *label,
           guint     count)
{
  char text[16];

  g_snprintf (text, sizeof text, "%u", count);
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
}

void
jb_legend_update (JbLegend *self)
{
  g_return_if_fail (JB_IS_LEGEND (self));

  memset (self->kinds, 0, sizeof self->kinds);
  memset (self->statuses, 0, sizeof self->statuses);
  memset (self->terminals, 0, sizeof self->terminals);
  memset (self->incidents, 0, sizeof self->incidents);
  self->stale = 0;

  if (self->store != NULL)
    {
      const JbUnitPoint *points;
      GListModel *model;
      guint n = 0;

      points = jb_store_get_unit_points (self->store, &n);
      for (guint i = 0; i < n; i++)
        {
          if (points[i].kind < JB_UNIT_KIND_N)
            self->kinds[points[i].kind]++;
          if (points[i].status < JB_UNIT_STATUS_N)
            self->statuses[points[i].status]++;
        }

      model = jb_store_get_terminals (self->store);
      n = g_list_model_get_n_items (model);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(JbTerminal) terminal = g_list_model_get_item (model, i);

          self->terminals[jb_terminal_get_online (terminal) ? 0 : 1]++;
        }

      model = jb_store_get_incidents (self->store);
      n = g_list_model_get_n_items (model);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(JbIncident) incident = g_list_model_get_item (model, i);

          self->incidents[CLAMP (jb_incident_get_priority (incident), 1, 4) - 1]++;
        }
    }

  if (self->unit_layer != NULL)
    self->stale = jb_unit_layer_get_n_stale (self->unit_layer);

  for (guint k = 0; k < JB_UNIT_KIND_N; k++)
    set_count (self->kind_counts[k], self->kinds[k]);
  for (guint s = 0; s < JB_UNIT_STATUS_N; s++)
    set_count (self->status_counts[s], self->statuses[s]);
  set_count (self->stale_count, self->stale);
  set_count (self->terminal_counts[0], self->terminals[0]);
  set_count (self->terminal_counts[1], self->terminals[1]);
  for (guint p = 0; p < 4; p++)
    set_count (self->incident_counts[p], self->incidents[p]);
}

guint
jb_legend_get_count (JbLegend   *self,
                     const char *group,
                     guint       index)
{
  g_return_val_if_fail (JB_IS_LEGEND (self), 0);

  if (g_str_equal (group, "units") && index < JB_UNIT_KIND_N)
    return self->kinds[index];
  if (g_str_equal (group, "status") && index < JB_UNIT_STATUS_N)
    return self->statuses[index];
  if (g_str_equal (group, "terminals") && index < 2)
    return self->terminals[index];
  if (g_str_equal (group, "incidents") && index < 4)
    return self->incidents[index];
  if (g_str_equal (group, "stale"))
    return self->stale;

  return 0;
}

static gboolean
tick_cb (gpointer user_data)
{
  jb_legend_update (user_data);
  return G_SOURCE_CONTINUE;
}

static void
store_changed_cb (JbLegend *self)
{
  jb_legend_update (self);
}

void
jb_legend_set_store (JbLegend *self,
                     JbStore  *store)
{
  g_return_if_fail (JB_IS_LEGEND (self));

  if (self->store != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->store, self);
      g_signal_handlers_disconnect_by_data (jb_store_get_incidents (self->store), self);
    }

  g_set_object (&self->store, store);

  if (store != NULL)
    {
      g_signal_connect_object (store, "snapshot-loaded", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (jb_store_get_incidents (store), "items-changed",
                               G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
    }

  jb_legend_update (self);
}

void
jb_legend_set_unit_layer (JbLegend    *self,
                          JbUnitLayer *layer)
{
  g_return_if_fail (JB_IS_LEGEND (self));

  /* The map owns the layer and may go first while the window closes. */
  g_set_weak_pointer (&self->unit_layer, layer);
  jb_legend_update (self);
}

static void
jb_legend_dispose (GObject *object)
{
  JbLegend *self = (JbLegend *)object;
  GtkWidget *child;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  jb_legend_set_store (self, NULL);
  g_clear_weak_pointer (&self->unit_layer);
  gtk_widget_dispose_template (GTK_WIDGET (self), JB_TYPE_LEGEND);
  /* The template's unnamed root box is not cleared by the template. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (jb_legend_parent_class)->dispose (object);
}

static void
jb_legend_class_init (JbLegendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_legend_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "jb-legend");
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/jingbao/Console/ui/jb-legend.ui");
  gtk_widget_class_bind_template_child (widget_class, JbLegend, units_grid);
  gtk_widget_class_bind_template_child (widget_class, JbLegend, status_grid);
  gtk_widget_class_bind_template_child (widget_class, JbLegend, terminals_grid);
  gtk_widget_class_bind_template_child (widget_class, JbLegend, incidents_grid);
}

static void
jb_legend_init (JbLegend *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  build (self);
  self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
}

GtkWidget *
jb_legend_new (void)
{
  return g_object_new (JB_TYPE_LEGEND, NULL);
}
