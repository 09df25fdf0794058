/* jb-wall-queue.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-wall-queue"

#include <glib/gi18n.h>

#include "jb-incident-row.h"
#include "jb-wall-queue.h"

/* GtkListView (GTK 4.8) keeps up to 200 rows alive whatever its height,
 * and a row costs about 90 KB (labels, their layouts, CSS and
 * accessibility nodes). Nobody scrolls a wall, so it is given only the
 * incidents that can show: this many until a row has been measured,
 * then as many as fit in the pane, plus EXTRA_ROWS. */
#define INITIAL_ROWS 12
#define EXTRA_ROWS   2

struct _JbWallQueue
{
  GtkWidget          parent_instance;

  GtkWidget         *box;
  GtkLabel          *heading;
  GtkStack          *stack;
  GtkWidget         *list;

  JbClient          *client;
  GtkSortListModel  *sorted;
  GtkSliceListModel *shown;
  guint              resize_id;
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

guint
jb_wall_queue_get_max_rows (JbWallQueue *self)
{
  g_return_val_if_fail (JB_IS_WALL_QUEUE (self), 0);

  return gtk_slice_list_model_get_size (self->shown);
}

/* How many rows fit, from a row's height: the rows are alike. */
static guint
rows_that_fit (JbWallQueue *self)
{
  GtkWidget *row = gtk_widget_get_first_child (self->list);
  int row_height = row != NULL ? gtk_widget_get_height (row) : 0;
  int height = gtk_widget_get_height (self->list);

  if (row_height <= 0 || height <= 0)
    return gtk_slice_list_model_get_size (self->shown);
  return (guint) ((height + row_height - 1) / row_height) + EXTRA_ROWS;
}

/* Not during the allocation: a new size changes the list's items. */
static gboolean
resize_cb (gpointer user_data)
{
  JbWallQueue *self = user_data;

  self->resize_id = 0;
  gtk_slice_list_model_set_size (self->shown, rows_that_fit (self));
  return G_SOURCE_REMOVE;
}

static void
jb_wall_queue_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  JbWallQueue *self = JB_WALL_QUEUE (widget);

  gtk_widget_measure (self->box, orientation, for_size, minimum, natural, minimum_baseline, natural_baseline);
}

static void
jb_wall_queue_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  JbWallQueue *self = JB_WALL_QUEUE (widget);

  gtk_widget_allocate (self->box, width, height, baseline, NULL);
  if (self->resize_id == 0 && rows_that_fit (self) != gtk_slice_list_model_get_size (self->shown))
    self->resize_id = g_idle_add (resize_cb, self);
}

static void
jb_wall_queue_dispose (GObject *object)
{
  JbWallQueue *self = (JbWallQueue *)object;

  g_clear_handle_id (&self->resize_id, g_source_remove);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->shown);
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
  widget_class->measure = jb_wall_queue_measure;
  widget_class->size_allocate = jb_wall_queue_size_allocate;

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
  self->shown = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->sorted)), 0, INITIAL_ROWS);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->shown)));
  list = gtk_list_view_new (GTK_SELECTION_MODEL (selection), factory);
  self->list = list;
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
