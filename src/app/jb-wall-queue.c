/* jb-wall-queue.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-wall-queue"

#include <glib/gi18n.h>

#include "jb-incident-row.h"
#include "jb-wall-queue.h"

struct _JbWallQueue
{
  GtkWidget          parent_instance;

  GtkWidget         *box;
  GtkLabel          *heading;
  GtkStack          *stack;

  JbClient          *client;
  GtkSortListModel  *sorted;
};

G_DEFINE_FINAL_TYPE (JbWallQueue, jb_wall_queue, GTK_TYPE_WIDGET)

static int
compare_incidents (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  JbIncident *x = (JbIncident *) a;
  JbIncident *y = (JbIncident *) b;
  guint px = jb_incident_get_priority (x), py = jb_incident_get_priority (y);
  gint64 tx = jb_incident_get_created_at (x), ty = jb_incident_get_created_at (y);

  /* As the console's queue: most urgent first, then the longest waiting. */
  if (px != py)
    return px < py ? -1 : 1;
  if (tx != ty)
    return tx < ty ? -1 : 1;
  return g_strcmp0 (jb_incident_get_id (x), jb_incident_get_id (y));
}

static void
update_heading (JbWallQueue *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sorted));
  g_autofree char *text = NULL;

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Open Incident", "%u Open Incidents", n), n);
  gtk_label_set_text (self->heading, text);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          JbWallQueue              *self)
{
  GtkWidget *row = jb_incident_row_new ();

  jb_incident_row_set_client (JB_INCIDENT_ROW (row), self->client);
  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_selectable (item, FALSE);
  gtk_list_item_set_child (item, row);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         JbWallQueue              *self)
{
  jb_incident_row_set_incident (JB_INCIDENT_ROW (gtk_list_item_get_child (item)),
                                gtk_list_item_get_item (item));
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           JbWallQueue              *self)
{
  jb_incident_row_set_incident (JB_INCIDENT_ROW (gtk_list_item_get_child (item)), NULL);
}

GListModel *
jb_wall_queue_get_model (JbWallQueue *self)
{
  g_return_val_if_fail (JB_IS_WALL_QUEUE (self), NULL);

  return G_LIST_MODEL (self->sorted);
}

const char *
jb_wall_queue_get_heading (JbWallQueue *self)
{
  g_return_val_if_fail (JB_IS_WALL_QUEUE (self), NULL);

  return gtk_label_get_text (self->heading);
}

static void
jb_wall_queue_dispose (GObject *object)
{
  JbWallQueue *self = (JbWallQueue *)object;

  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->sorted);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (jb_wall_queue_parent_class)->dispose (object);
}

static void
jb_wall_queue_class_init (JbWallQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_wall_queue_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "jb-wall-queue");
}

static void
jb_wall_queue_init (JbWallQueue *self)
{
}

GtkWidget *
jb_wall_queue_new (JbClient *client)
{
  JbWallQueue *self;
  GtkListItemFactory *factory;
  GtkCustomSorter *sorter;
  GtkNoSelection *selection;
  GtkWidget *list, *scrolled, *empty;

  g_return_val_if_fail (JB_IS_CLIENT (client), NULL);

  self = g_object_new (JB_TYPE_WALL_QUEUE, NULL);
  self->client = g_object_ref (client);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->heading = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->heading, 0);
  gtk_label_set_ellipsize (self->heading, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->heading), "jb-wall-heading");
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->heading));

  sorter = gtk_custom_sorter_new (compare_incidents, NULL, NULL);
  self->sorted = gtk_sort_list_model_new (g_object_ref (jb_store_get_incidents (jb_client_get_store (client))),
                                          GTK_SORTER (sorter));
  g_signal_connect_object (self->sorted, "items-changed", G_CALLBACK (update_heading), self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->sorted)));
  list = gtk_list_view_new (GTK_SELECTION_MODEL (selection), factory);
  gtk_widget_add_css_class (list, "jb-queue");
  /* No scrollbars, and no size demand either: a row wider than the pane
   * is cut at the edge instead of making the window wider than its
   * monitor. */
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_EXTERNAL, GTK_POLICY_EXTERNAL);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_widget_set_vexpand (scrolled, TRUE);

  empty = gtk_label_new (_("No Open Incidents"));
  gtk_widget_add_css_class (empty, "dim-label");
  gtk_label_set_wrap (GTK_LABEL (empty), TRUE);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (self->stack, scrolled, "list");
  gtk_stack_add_named (self->stack, empty, "empty");
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->stack));

  update_heading (self);

  return GTK_WIDGET (self);
}
