/* jb-roster-panel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-roster-panel"

#include <glib/gi18n.h>

#include "jb-dialogs-private.h"
#include "jb-roster-panel.h"

struct _JbRosterPanel
{
  GtkWidget   parent_instance;

  /* Template widgets */
  GtkWidget  *box;
  GtkLabel   *date_label;
  GtkStack   *stack;
  GtkFlowBox *flowbox;

  /* Owned references */
  JbClient   *client;
  GPtrArray  *cards;  /* JbRosterCard*, borrowed from the flow box, in order */
};

G_DEFINE_FINAL_TYPE (JbRosterPanel, jb_roster_panel, GTK_TYPE_WIDGET)

/* The stations in the order to show: the user's own first. */
static GPtrArray *
ordered_stations (JbRosterPanel *self)
{
  GListModel *stations = jb_store_get_stations (jb_client_get_store (self->client));
  const char *own_id = jb_client_get_station_id (self->client);
  GPtrArray *ordered = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (stations);

  for (guint i = 0; i < n; i++)
    {
      JbStation *station = g_list_model_get_item (stations, i);

      if (own_id != NULL && g_strcmp0 (jb_station_get_id (station), own_id) == 0)
        g_ptr_array_insert (ordered, 0, station);
      else
        g_ptr_array_add (ordered, station);
    }

  return ordered;
}

static void
update (JbRosterPanel *self)
{
  g_autoptr(GPtrArray) stations = ordered_stations (self);
  const char *own_id = jb_client_get_station_id (self->client);
  const char *date = NULL;
  gboolean same = stations->len == self->cards->len;

  for (guint i = 0; same && i < stations->len; i++)
    same = g_strcmp0 (jb_station_get_id (g_ptr_array_index (stations, i)),
                      jb_roster_card_get_station_id (g_ptr_array_index (self->cards, i))) == 0;

  /* The same stations in the same order: update the cards in place, so
   * keyboard focus and scrolling stay where they are. */
  if (!same)
    {
      GtkWidget *child;

      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->flowbox))) != NULL)
        gtk_flow_box_remove (self->flowbox, child);
      g_ptr_array_set_size (self->cards, 0);

      for (guint i = 0; i < stations->len; i++)
        {
          GtkWidget *card = jb_roster_card_new ();

          gtk_flow_box_append (self->flowbox, card);
          g_ptr_array_add (self->cards, card);
        }
    }

  for (guint i = 0; i < stations->len; i++)
    {
      JbStation *station = g_ptr_array_index (stations, i);
      JbRosterCard *card = g_ptr_array_index (self->cards, i);

      jb_roster_card_set_station (card, station,
                                  own_id != NULL && g_strcmp0 (own_id, jb_station_get_id (station)) == 0);
      if (date == NULL)
        date = jb_roster_card_get_date (card);
    }

  if (date != NULL)
    {
      /* Translators: the date of the roster shown */
      g_autofree char *text = g_strdup_printf (_("Today, %s"), date);

      gtk_label_set_text (self->date_label, text);
    }
  else
    gtk_label_set_text (self->date_label, "");

  gtk_stack_set_visible_child_name (self->stack, stations->len > 0 ? "stations" : "empty");
}

static void
stations_changed_cb (JbRosterPanel *self,
                     guint          position,
                     guint          removed,
                     guint          added,
                     GListModel    *model)
{
  update (self);
}

static void
jb_roster_panel_dispose (GObject *object)
{
  JbRosterPanel *self = (JbRosterPanel *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), JB_TYPE_ROSTER_PANEL);
  g_clear_pointer (&self->cards, g_ptr_array_unref);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (jb_roster_panel_parent_class)->dispose (object);
}

static void
jb_roster_panel_class_init (JbRosterPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_roster_panel_dispose;

  _jb_dialogs_ensure_style ();
  gtk_widget_class_set_css_name (widget_class, "jb-roster-panel");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/jingbao/Console/dialogs/jb-roster-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, JbRosterPanel, box);
  gtk_widget_class_bind_template_child (widget_class, JbRosterPanel, date_label);
  gtk_widget_class_bind_template_child (widget_class, JbRosterPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, JbRosterPanel, flowbox);
}

static void
jb_roster_panel_init (JbRosterPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cards = g_ptr_array_new ();
}

GtkWidget *
jb_roster_panel_new (JbClient *client)
{
  JbRosterPanel *self;

  g_return_val_if_fail (JB_IS_CLIENT (client), NULL);

  self = g_object_new (JB_TYPE_ROSTER_PANEL, NULL);
  self->client = g_object_ref (client);
  /* The stations model lives as long as the client's store; in-place
   * roster changes arrive as items-changed (pos, 1, 1). */
  g_signal_connect_object (jb_store_get_stations (jb_client_get_store (client)), "items-changed",
                           G_CALLBACK (stations_changed_cb), self, G_CONNECT_SWAPPED);
  update (self);

  return GTK_WIDGET (self);
}

guint
jb_roster_panel_get_n_cards (JbRosterPanel *self)
{
  g_return_val_if_fail (JB_IS_ROSTER_PANEL (self), 0);

  return self->cards->len;
}

JbRosterCard *
jb_roster_panel_get_card (JbRosterPanel *self,
                          guint          index)
{
  g_return_val_if_fail (JB_IS_ROSTER_PANEL (self), NULL);
  g_return_val_if_fail (index < self->cards->len, NULL);

  return g_ptr_array_index (self->cards, index);
}
