/* jb-duty-board.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-duty-board"

#include <glib/gi18n.h>

#include "jb-duty-board.h"
#include "jb-labels.h"
#include "jb-wall-window.h"

struct _JbDutyBoard
{
  GtkWidget    parent_instance;

  GtkWidget   *scrolled;
  GtkStack    *stack;
  JbClient    *client;
  GHashTable  *cards;          /* station id → card box (borrowed) */
  guint        page_size;      /* 0: as many as fit */
  guint        columns;
  int          last_width;
  int          last_height;
  guint        fit;            /* cards per page now */
  guint        n_pages;
  guint        page;
  guint        page_id;
  guint        refresh_id;
  guint        rebuild_id;
};

G_DEFINE_FINAL_TYPE (JbDutyBoard, jb_duty_board, GTK_TYPE_WIDGET)

#define MAX_OFFICERS 4
#define MAX_PARTNERS 2

static void
add_line (GtkWidget  *card,
          const char *text,
          const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (GTK_BOX (card), label);
}

typedef struct
{
  char  *name;
  char  *contact;   /* "name phone" of one member on duty */
  guint  on_duty;
} Partner;

static void
partner_free (gpointer data)
{
  Partner *partner = data;

  g_free (partner->name);
  g_free (partner->contact);
  g_free (partner);
}

static int
compare_partners (gconstpointer a,
                  gconstpointer b)
{
  const Partner *x = *(Partner **) a;
  const Partner *y = *(Partner **) b;

  if (x->on_duty != y->on_duty)
    return x->on_duty > y->on_duty ? -1 : 1;
  return g_strcmp0 (x->name, y->name);
}

/* The security companies and volunteer teams of @station_id's linkage
 * scheme, the most people on duty first. */
static GPtrArray *
collect_partners (JbDutyBoard *self,
                  const char  *station_id)
{
  GListModel *units = jb_store_get_units (jb_client_get_store (self->client));
  g_autoptr(GHashTable) by_org = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *partners = g_ptr_array_new_with_free_func (partner_free);
  guint n = g_list_model_get_n_items (units);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JbUnit) unit = g_list_model_get_item (units, i);
      JbUnitKind kind = jb_unit_get_kind (unit);
      const char *org = jb_unit_get_org_name (unit);
      Partner *partner;

      if ((kind != JB_UNIT_KIND_GUARD && kind != JB_UNIT_KIND_VOLUNTEER) || org == NULL ||
          g_strcmp0 (jb_unit_get_station_id (unit), station_id) != 0)
        continue;

      partner = g_hash_table_lookup (by_org, org);
      if (partner == NULL)
        {
          partner = g_new0 (Partner, 1);
          partner->name = g_strdup (org);
          g_hash_table_insert (by_org, partner->name, partner);
          g_ptr_array_add (partners, partner);
        }
      if (jb_unit_get_status (unit) == JB_UNIT_STATUS_OFF_DUTY)
        continue;
      partner->on_duty++;
      if (partner->contact == NULL && jb_unit_get_phone (unit) != NULL)
        partner->contact = g_strdup_printf ("%s %s", jb_unit_get_name (unit) ? jb_unit_get_name (unit) : "",
                                            jb_unit_get_phone (unit));
    }

  g_ptr_array_sort (partners, compare_partners);
  return partners;
}

static GtkWidget *
make_card (JbDutyBoard *self,
           JbStation   *station)
{
  JbRoster *roster = jb_station_get_roster (station);
  const JbRosterPerson *leader = roster != NULL ? jb_roster_get_leader (roster) : NULL;
  const char *desk = roster != NULL ? jb_roster_get_phone (roster) : NULL;
  g_autoptr(GPtrArray) partners = collect_partners (self, jb_station_get_id (station));
  g_autofree char *leader_text = NULL;
  g_autofree char *desk_text = NULL;
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  guint n_officers = roster != NULL ? jb_roster_get_n_officers (roster) : 0;
  guint shown = 0;

  gtk_widget_add_css_class (card, "jb-duty-card");
  gtk_widget_set_hexpand (card, TRUE);
  gtk_widget_set_vexpand (card, TRUE);

  add_line (card, jb_station_get_name (station), "jb-wall-heading");

  /* Headings on lines of their own: a narrow card at wall type size
   * keeps the names and numbers, not the words around them. */
  /* Translators: heading of the leader on duty (带班领导) on the duty board */
  add_line (card, _("Leader on duty"), "jb-duty-section");
  leader_text = g_strdup_printf ("%s %s", leader != NULL ? leader->name : "—",
                                 leader != NULL ? leader->phone : "");
  add_line (card, leader_text, "jb-duty-leader");

  /* Translators: heading of the duty officers (值班民警) on the duty board */
  add_line (card, _("Duty officers"), "jb-duty-section");
  for (guint i = 0; i < n_officers && shown < MAX_OFFICERS; i++)
    {
      const JbRosterPerson *officer = jb_roster_get_officer (roster, i);
      g_autofree char *line = g_strdup_printf ("%s %s", officer->name, officer->phone);

      add_line (card, line, NULL);
      shown++;
    }
  if (n_officers > shown && shown == MAX_OFFICERS)
    {
      /* Translators: more duty officers than the card has room for */
      g_autofree char *more = g_strdup_printf (_("and %u more"), n_officers - shown);

      add_line (card, more, "dim-label");
    }
  if (shown == 0)
    add_line (card, _("No duty officers listed"), "dim-label");

  /* Translators: heading of the linkage partners (联动单位) on the duty board */
  add_line (card, _("Linkage partners"), "jb-duty-section");
  for (guint i = 0; i < partners->len && i < MAX_PARTNERS; i++)
    {
      Partner *partner = g_ptr_array_index (partners, i);
      g_autofree char *line = NULL;

      add_line (card, partner->name, NULL);
      /* Translators: under a linkage partner on the duty board: how many
       * of its people are on duty, a contact's name and phone */
      line = g_strdup_printf (_("%u on duty · %s"), partner->on_duty,
                              partner->contact ? partner->contact : "—");
      add_line (card, line, "dim-label");
    }
  if (partners->len == 0)
    add_line (card, _("No linkage partners"), "dim-label");

  if (desk == NULL || *desk == '\0')
    desk = jb_station_get_phone (station);
  desk_text = g_strdup_printf (_("Duty desk %s"), desk ? desk : "—");
  add_line (card, desk_text, "jb-duty-desk");

  return card;
}

/* How many cards fit, from the board's size and its type size: a card
 * is about 16 characters wide and 13 lines tall. */
static void
fit_cards (JbDutyBoard *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  double px = jb_widget_get_font_px (GTK_WIDGET (self));
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  guint rows;

  /* On a wall the labels' size is the wall's, not the board's own. */
  if (JB_IS_WALL_WINDOW (root))
    px = jb_wall_window_get_min_text_px (JB_WALL_WINDOW (root));
  px = MAX (px, 10);

  self->last_width = width;
  self->last_height = height;
  if (self->page_size > 0)
    {
      self->fit = self->page_size;
      self->columns = self->page_size >= 4 ? 2 : 1;
      return;
    }
  if (width <= 0 || height <= 0)
    {
      self->fit = 4;
      self->columns = 2;
      return;
    }
  self->columns = CLAMP ((guint) (width / (16 * px)), 1, 4);
  rows = CLAMP ((guint) (height / (13 * 1.25 * px)), 1, 4);
  self->fit = self->columns * rows;
}

static void
show_page (JbDutyBoard *self)
{
  g_autofree char *name = g_strdup_printf ("page-%u", self->page);

  gtk_stack_set_visible_child_name (self->stack, name);
}

static void
rebuild (JbDutyBoard *self)
{
  GListModel *stations = jb_store_get_stations (jb_client_get_store (self->client));
  guint n = g_list_model_get_n_items (stations);
  GtkWidget *child;
  GtkWidget *grid = NULL;

  g_hash_table_remove_all (self->cards);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->stack))) != NULL)
    gtk_stack_remove (self->stack, child);

  fit_cards (self);
  self->n_pages = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JbStation) station = g_list_model_get_item (stations, i);
      guint slot = i % self->fit;
      guint columns = self->columns;
      GtkWidget *card;

      if (slot == 0)
        {
          g_autofree char *name = g_strdup_printf ("page-%u", self->n_pages++);

          grid = gtk_grid_new ();
          gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
          gtk_grid_set_row_homogeneous (GTK_GRID (grid), TRUE);
          gtk_grid_set_column_spacing (GTK_GRID (grid), 24);
          gtk_grid_set_row_spacing (GTK_GRID (grid), 12);
          gtk_stack_add_named (self->stack, grid, name);
        }

      card = make_card (self, station);
      gtk_grid_attach (GTK_GRID (grid), card, slot % columns, slot / columns, 1, 1);
      g_hash_table_insert (self->cards, g_strdup (jb_station_get_id (station)), card);
    }

  if (self->n_pages == 0)
    {
      GtkWidget *empty = gtk_label_new (_("No duty rosters yet"));

      gtk_stack_add_named (self->stack, empty, "page-0");
      self->page = 0;
    }
  else if (self->page >= self->n_pages)
    self->page = 0;
  show_page (self);
}

static gboolean
rebuild_cb (gpointer user_data)
{
  JbDutyBoard *self = user_data;

  self->rebuild_id = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
queue_rebuild (JbDutyBoard *self)
{
  /* A snapshot or a burst of roster changes rebuilds once. */
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add (rebuild_cb, self);
}

static void
store_changed_cb (JbDutyBoard   *self,
                  JbStoreChange  kind,
                  const char    *id)
{
  if (kind == JB_STORE_CHANGE_STATION)
    queue_rebuild (self);
}

static gboolean
page_cb (gpointer user_data)
{
  JbDutyBoard *self = user_data;

  if (self->n_pages > 1)
    {
      self->page = (self->page + 1) % self->n_pages;
      show_page (self);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
refresh_cb (gpointer user_data)
{
  /* Partners' people come and go off duty without a station event. */
  queue_rebuild (user_data);
  return G_SOURCE_CONTINUE;
}

void
jb_duty_board_set_page_size (JbDutyBoard *self,
                             guint        n_cards)
{
  g_return_if_fail (JB_IS_DUTY_BOARD (self));

  self->page_size = n_cards;
  queue_rebuild (self);
}

void
jb_duty_board_set_page_interval (JbDutyBoard *self,
                                 guint        seconds)
{
  g_return_if_fail (JB_IS_DUTY_BOARD (self));

  g_clear_handle_id (&self->page_id, g_source_remove);
  if (seconds > 0)
    self->page_id = g_timeout_add_seconds (seconds, page_cb, self);
}

guint
jb_duty_board_get_n_pages (JbDutyBoard *self)
{
  g_return_val_if_fail (JB_IS_DUTY_BOARD (self), 0);

  return self->n_pages;
}

char *
jb_duty_board_get_card_text (JbDutyBoard *self,
                             const char  *station_id)
{
  GtkWidget *card;
  GString *text;

  g_return_val_if_fail (JB_IS_DUTY_BOARD (self), NULL);

  card = g_hash_table_lookup (self->cards, station_id);
  if (card == NULL)
    return NULL;

  text = g_string_new (NULL);
  for (GtkWidget *child = gtk_widget_get_first_child (card); child; child = gtk_widget_get_next_sibling (child))
    g_string_append_printf (text, "%s\n", gtk_label_get_text (GTK_LABEL (child)));
  return g_string_free (text, FALSE);
}

static void
jb_duty_board_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  JbDutyBoard *self = JB_DUTY_BOARD (widget);

  GTK_WIDGET_CLASS (jb_duty_board_parent_class)->size_allocate (widget, width, height, baseline);

  /* A new size may fit more or fewer cards: rebuild, but not now. */
  if (self->page_size == 0 && (width != self->last_width || height != self->last_height))
    queue_rebuild (self);
}

static void
jb_duty_board_dispose (GObject *object)
{
  JbDutyBoard *self = (JbDutyBoard *)object;

  g_clear_handle_id (&self->page_id, g_source_remove);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  self->stack = NULL;
  g_clear_pointer (&self->scrolled, gtk_widget_unparent);
  g_clear_pointer (&self->cards, g_hash_table_unref);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (jb_duty_board_parent_class)->dispose (object);
}

static void
jb_duty_board_class_init (JbDutyBoardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_duty_board_dispose;

  widget_class->size_allocate = jb_duty_board_size_allocate;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "jb-duty-board");
}

static void
jb_duty_board_init (JbDutyBoard *self)
{
  self->page_size = 0;
  self->fit = 4;
  self->columns = 2;
  self->cards = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  /* No scrollbars and no size demand: cards taller than the monitor are
   * cut at its edge rather than making the window larger than it. */
  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled), GTK_POLICY_EXTERNAL, GTK_POLICY_EXTERNAL);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (self->scrolled), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), GTK_WIDGET (self->stack));
  gtk_widget_set_parent (self->scrolled, GTK_WIDGET (self));
}

GtkWidget *
jb_duty_board_new (JbClient *client)
{
  JbDutyBoard *self;
  JbStore *store;

  g_return_val_if_fail (JB_IS_CLIENT (client), NULL);

  self = g_object_new (JB_TYPE_DUTY_BOARD, NULL);
  self->client = g_object_ref (client);
  store = jb_client_get_store (client);
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "snapshot-loaded", G_CALLBACK (queue_rebuild), self, G_CONNECT_SWAPPED);
  jb_duty_board_set_page_interval (self, 20);
  self->refresh_id = g_timeout_add_seconds (60, refresh_cb, self);
  rebuild (self);

  return GTK_WIDGET (self);
}
