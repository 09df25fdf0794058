/* jb-recommend-list.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-recommend-list"

#include <glib/gi18n.h>

#include "jb-icon-atlas.h"
#include "jb-labels.h"
#include "jb-recommend-list.h"
#include "jb-recommender.h"

#define MAX_ROWS 9

struct _JbRecommendList
{
  GtkWidget   parent_instance;

  /* Widgets */
  GtkWidget  *box;
  GtkListBox *list;
  GtkLabel   *empty_label;

  /* Owned references */
  JbClient   *client;
  JbIncident *incident;
  GArray     *ranked;      /* JbRecommendation */
  guint       refresh_id;  /* a coalescing timeout after moves */
  gboolean    own_only;
};

G_DEFINE_FINAL_TYPE (JbRecommendList, jb_recommend_list, GTK_TYPE_WIDGET)

static char *
format_distance (double metres)
{
  if (metres < 1000)
    /* Translators: a distance in metres */
    return g_strdup_printf (_("%.0f m"), metres);
  /* Translators: a distance in kilometres */
  return g_strdup_printf (_("%.1f km"), metres / 1000.0);
}

static char *
format_eta (double seconds)
{
  int s = (int) (seconds + 0.5);

  if (s < 60)
    /* Translators: an estimated arrival in seconds */
    return g_strdup_printf (_("ETA %d s"), s);
  /* Translators: an estimated arrival in minutes and seconds */
  return g_strdup_printf (_("ETA %d:%02d"), s / 60, s % 60);
}

static GtkWidget *
create_row (JbRecommendList        *self,
            guint                   index,
            const JbRecommendation *rec)
{
  JbIconAtlas *atlas = jb_icon_atlas_get_for_scale (gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  JbUnit *unit = rec->unit;
  GtkWidget *row, *box, *number, *icon, *text, *title, *sub, *tags, *spinner;
  g_autofree char *num = g_strdup_printf ("%u", index + 1);
  g_autofree char *distance = format_distance (rec->distance_m);
  g_autofree char *eta = format_eta (rec->eta_s);
  g_autofree char *subtitle = NULL;
  g_autofree char *accessible = NULL;
  JbCommand *pending = NULL;

  if (self->client != NULL)
    pending = jb_client_lookup_pending_command (self->client, jb_unit_get_id (unit));

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);

  number = gtk_label_new (num);
  gtk_widget_add_css_class (number, "jb-key-badge");
  gtk_widget_set_valign (number, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), number);

  icon = gtk_image_new_from_paintable (GDK_PAINTABLE (jb_icon_atlas_get_unit (atlas, jb_unit_get_kind (unit),
                                                                              jb_unit_get_status (unit),
                                                                              rec->stale)));
  gtk_image_set_pixel_size (GTK_IMAGE (icon), 28);
  gtk_box_append (GTK_BOX (box), icon);

  text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_hexpand (text, TRUE);
  title = gtk_label_new (jb_unit_get_callsign (unit));
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "jb-rec-callsign");
  gtk_box_append (GTK_BOX (text), title);
  /* Translators: a recommended unit: kind · name */
  subtitle = g_strdup_printf (_("%s · %s"), jb_unit_kind_get_label (jb_unit_get_kind (unit)),
                              jb_unit_get_name (unit) ? jb_unit_get_name (unit) : "");
  sub = gtk_label_new (subtitle);
  gtk_label_set_xalign (GTK_LABEL (sub), 0);
  gtk_label_set_ellipsize (GTK_LABEL (sub), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (sub, "dim-label");
  gtk_box_append (GTK_BOX (text), sub);
  gtk_box_append (GTK_BOX (box), text);

  tags = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_valign (tags, GTK_ALIGN_CENTER);
  {
    GtkWidget *eta_label = gtk_label_new (eta);
    GtkWidget *where = gtk_label_new (NULL);
    g_autofree char *where_text = NULL;

    gtk_label_set_xalign (GTK_LABEL (eta_label), 1);
    gtk_widget_add_css_class (eta_label, "jb-rec-eta");
    gtk_widget_add_css_class (eta_label, "numeric");
    gtk_box_append (GTK_BOX (tags), eta_label);

    where_text = g_strdup_printf ("%s · %s", distance,
                                  rec->on_site ? _("on site")
                                  : rec->grid_member ? _("the grid's own")
                                  : rec->in_jurisdiction ? _("in jurisdiction") : _("other station"));
    gtk_label_set_text (GTK_LABEL (where), where_text);
    gtk_label_set_xalign (GTK_LABEL (where), 1);
    gtk_widget_add_css_class (where, rec->in_jurisdiction || rec->on_site ? "dim-label" : "warning");
    gtk_box_append (GTK_BOX (tags), where);
    if (rec->stale)
      {
        GtkWidget *stale = gtk_label_new (_("old position"));

        gtk_label_set_xalign (GTK_LABEL (stale), 1);
        gtk_widget_add_css_class (stale, "warning");
        gtk_box_append (GTK_BOX (tags), stale);
      }
  }
  gtk_box_append (GTK_BOX (box), tags);

  if (pending != NULL)
    {
      GtkWidget *pending_label = gtk_label_new (_("Pending"));

      spinner = gtk_spinner_new ();
      gtk_spinner_start (GTK_SPINNER (spinner));
      gtk_box_append (GTK_BOX (box), spinner);
      gtk_widget_add_css_class (pending_label, "jb-pending");
      gtk_box_append (GTK_BOX (box), pending_label);
    }

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.assign-unit");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", jb_unit_get_id (unit));

  /* Translators: a recommended unit read aloud: key, callsign, kind, ETA, distance */
  accessible = g_strdup_printf (_("%s: %s, %s, %s, %s"), num, jb_unit_get_callsign (unit),
                                jb_unit_kind_get_label (jb_unit_get_kind (unit)), eta, distance);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);

  return row;
}

void
jb_recommend_list_refresh (JbRecommendList *self)
{
  GtkWidget *child;
  GtkWidget *focus;
  GtkRoot *root;
  int focused_index = -1;

  g_return_if_fail (JB_IS_RECOMMEND_LIST (self));

  /* Rows are rebuilt; keep the keyboard where it was. */
  root = gtk_widget_get_root (GTK_WIDGET (self));
  focus = root ? gtk_root_get_focus (root) : NULL;
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list)))
    {
      GtkWidget *row = gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_BOX_ROW);

      if (row == NULL && GTK_IS_LIST_BOX_ROW (focus))
        row = focus;
      if (row != NULL)
        focused_index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  g_clear_pointer (&self->ranked, g_array_unref);

  if (self->client != NULL && self->incident != NULL && jb_incident_is_active (self->incident))
    {
      JbStore *store = jb_client_get_store (self->client);
      JbRecommendOptions options;

      jb_recommend_options_init_for_user (&options, jb_client_get_role (self->client),
                                          jb_client_get_station_ids (self->client));
      if (!self->own_only)
        {
          options.scope_station_id = NULL;
          options.scope_station_ids = NULL;
        }
      options.limit = MAX_ROWS;
      /* Mixed kinds: police within the first keys even at a venue full of guards. */
      self->ranked = jb_recommender_rank_mixed (store, self->incident, &options);

      for (guint i = 0; i < self->ranked->len; i++)
        gtk_list_box_append (self->list, create_row (self, i, &g_array_index (self->ranked, JbRecommendation, i)));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), self->ranked == NULL || self->ranked->len == 0);
  gtk_label_set_text (self->empty_label,
                      self->incident != NULL && !jb_incident_is_active (self->incident)
                      ? _("The incident is resolved: nobody more to send.")
                      : _("No available unit nearby."));

  if (focused_index >= 0)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, focused_index);

      if (row == NULL && self->ranked != NULL && self->ranked->len > 0)
        row = gtk_list_box_get_row_at_index (self->list, self->ranked->len - 1);
      if (row != NULL)
        gtk_widget_grab_focus (GTK_WIDGET (row));
    }
}

static gboolean
refresh_timeout_cb (gpointer user_data)
{
  JbRecommendList *self = user_data;

  self->refresh_id = 0;
  jb_recommend_list_refresh (self);
  return G_SOURCE_REMOVE;
}

static void
queue_refresh (JbRecommendList *self,
               guint            ms)
{
  if (self->refresh_id != 0)
    return;
  self->refresh_id = g_timeout_add (ms, refresh_timeout_cb, self);
}

static void
units_moved_cb (JbRecommendList *self)
{
  if (self->incident != NULL)
    queue_refresh (self, 2000);
}

static void
store_changed_cb (JbRecommendList *self,
                  JbStoreChange    kind,
                  const char      *id)
{
  if (self->incident == NULL)
    return;
  if (kind == JB_STORE_CHANGE_UNIT || kind == JB_STORE_CHANGE_INCIDENT)
    queue_refresh (self, 100);
}

static void
command_state_cb (JbRecommendList *self)
{
  if (self->incident != NULL)
    queue_refresh (self, 50);
}

void
jb_recommend_list_set_client (JbRecommendList *self,
                              JbClient        *client)
{
  JbStore *store;

  g_return_if_fail (JB_IS_RECOMMEND_LIST (self));
  g_return_if_fail (self->client == NULL);

  if (client == NULL)
    return;

  self->client = g_object_ref (client);
  store = jb_client_get_store (client);
  g_signal_connect_object (store, "units-moved", G_CALLBACK (units_moved_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (client, "command-changed", G_CALLBACK (command_state_cb), self, G_CONNECT_SWAPPED);

  self->own_only = jb_client_is_logged_in (client) && jb_client_get_role (client) == JB_ROLE_DUTY_OFFICER;
  jb_recommend_list_refresh (self);
}

void
jb_recommend_list_set_incident (JbRecommendList *self,
                                JbIncident      *incident)
{
  g_return_if_fail (JB_IS_RECOMMEND_LIST (self));

  g_set_object (&self->incident, incident);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  jb_recommend_list_refresh (self);
}

void
jb_recommend_list_set_own_station_only (JbRecommendList *self,
                                        gboolean         own_only)
{
  g_return_if_fail (JB_IS_RECOMMEND_LIST (self));

  own_only = !!own_only;
  if (self->own_only == own_only)
    return;
  self->own_only = own_only;
  jb_recommend_list_refresh (self);
}

guint
jb_recommend_list_get_n_items (JbRecommendList *self)
{
  g_return_val_if_fail (JB_IS_RECOMMEND_LIST (self), 0);

  return self->ranked ? self->ranked->len : 0;
}

JbUnit *
jb_recommend_list_get_unit (JbRecommendList *self,
                            guint            index)
{
  g_return_val_if_fail (JB_IS_RECOMMEND_LIST (self), NULL);

  if (self->ranked == NULL || index >= self->ranked->len)
    return NULL;
  return g_array_index (self->ranked, JbRecommendation, index).unit;
}

static void
jb_recommend_list_dispose (GObject *object)
{
  JbRecommendList *self = (JbRecommendList *)object;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->ranked, g_array_unref);
  g_clear_object (&self->incident);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (jb_recommend_list_parent_class)->dispose (object);
}

static void
jb_recommend_list_class_init (JbRecommendListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_recommend_list_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "jb-recommend-list");
}

static void
jb_recommend_list_init (JbRecommendList *self)
{
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Recommended units, nearest first; press a number to assign"), -1);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->list));

  self->empty_label = GTK_LABEL (gtk_label_new (_("No available unit nearby.")));
  gtk_label_set_xalign (self->empty_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->empty_label), "dim-label");
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->empty_label));
}

GtkWidget *
jb_recommend_list_new (void)
{
  return g_object_new (JB_TYPE_RECOMMEND_LIST, NULL);
}
