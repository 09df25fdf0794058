/* jb-roster-card.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-roster-card"

#include <glib/gi18n.h>

#include "jb-dialogs-private.h"
#include "jb-roster-card.h"

struct _JbRosterCard
{
  GtkWidget  parent_instance;

  /* Template widgets */
  GtkWidget  *box;
  GtkLabel  *station_label;
  GtkLabel  *own_label;
  GtkLabel  *desk_label;
  GtkLabel  *role_label;
  GtkLabel  *leader_label;
  GtkLabel  *rank_label;
  GtkLabel  *leader_phone_label;
  GtkLabel  *officers_title;
  GtkGrid   *officers_grid;

  /* Owned references */
  char      *station_id;
  char      *date;
};

G_DEFINE_FINAL_TYPE (JbRosterCard, jb_roster_card, GTK_TYPE_WIDGET)

static GtkWidget *
make_label (const char *text,
            const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, css_class);
  return label;
}

void
jb_roster_card_set_station (JbRosterCard *self,
                            JbStation    *station,
                            gboolean      own)
{
  JbRoster *roster;
  const JbRosterPerson *leader = NULL;
  const char *desk_phone = NULL, *leader_name = NULL, *leader_phone = NULL, *rank = NULL;
  g_autofree char *desk = NULL;
  g_autoptr(GString) accessible = g_string_new (NULL);
  GtkWidget *child;
  guint n_officers;

  g_return_if_fail (JB_IS_ROSTER_CARD (self));
  g_return_if_fail (JB_IS_STATION (station));

  g_free (self->station_id);
  self->station_id = g_strdup (jb_station_get_id (station));

  roster = jb_station_get_roster (station);
  if (roster != NULL)
    {
      leader = jb_roster_get_leader (roster);
      leader_name = leader->name;
      leader_phone = leader->phone;
      rank = leader->rank;
      desk_phone = jb_roster_get_phone (roster);
    }
  g_free (self->date);
  self->date = g_strdup (roster != NULL ? jb_roster_get_date (roster) : NULL);

  gtk_label_set_text (self->station_label, jb_station_get_name (station));
  gtk_widget_set_visible (GTK_WIDGET (self->own_label), own);
  if (own)
    gtk_widget_add_css_class (GTK_WIDGET (self), "own");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "own");

  if (desk_phone == NULL || *desk_phone == '\0')
    desk_phone = jb_station_get_phone (station);
  /* Translators: the station's duty desk phone number */
  desk = g_strdup_printf (_("Duty desk %s"), desk_phone ? desk_phone : "—");
  gtk_label_set_text (self->desk_label, desk);

  /* The rank beside the name, unless it only repeats the heading
   * (a "带班领导" has no other rank to show). */
  if (rank != NULL && g_strcmp0 (rank, gtk_label_get_text (self->role_label)) == 0)
    rank = NULL;
  gtk_label_set_text (self->rank_label, rank ? rank : "");
  gtk_widget_set_visible (GTK_WIDGET (self->rank_label), rank != NULL);
  gtk_label_set_text (self->leader_label, leader_name ? leader_name : "—");
  gtk_label_set_text (self->leader_phone_label, leader_phone ? leader_phone : "");

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->officers_grid))) != NULL)
    gtk_grid_remove (self->officers_grid, child);

  /* Translators: how a screen reader reads a roster card */
  g_string_append_printf (accessible, _("%s. Leader on duty %s %s, phone %s. %s."),
                          jb_station_get_name (station), rank ? rank : "", leader_name ? leader_name : "—",
                          leader_phone ? leader_phone : "—", desk);

  n_officers = roster != NULL ? jb_roster_get_n_officers (roster) : 0;
  for (guint i = 0; i < n_officers; i++)
    {
      const JbRosterPerson *officer = jb_roster_get_officer (roster, i);

      gtk_grid_attach (self->officers_grid, make_label (officer->name, "jb-roster-officer"), 0, i, 1, 1);
      gtk_grid_attach (self->officers_grid, make_label (officer->phone, "jb-roster-phone"), 1, i, 1, 1);
      /* Translators: an officer and phone number, read by a screen reader */
      g_string_append_printf (accessible, _(" Officer %s, %s."), officer->name, officer->phone);
    }

  if (n_officers == 0)
    gtk_grid_attach (self->officers_grid, make_label (_("No duty officers listed"), "jb-roster-officer"), 0, 0, 1, 1);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible->str,
                                  -1);
}

const char *
jb_roster_card_get_station_id (JbRosterCard *self)
{
  g_return_val_if_fail (JB_IS_ROSTER_CARD (self), NULL);

  return self->station_id;
}

const char *
jb_roster_card_get_leader_text (JbRosterCard *self)
{
  g_return_val_if_fail (JB_IS_ROSTER_CARD (self), NULL);

  return gtk_label_get_text (self->leader_label);
}

const char *
jb_roster_card_get_date (JbRosterCard *self)
{
  g_return_val_if_fail (JB_IS_ROSTER_CARD (self), NULL);

  return self->date;
}

static void
jb_roster_card_dispose (GObject *object)
{
  JbRosterCard *self = (JbRosterCard *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), JB_TYPE_ROSTER_CARD);
  g_clear_pointer (&self->station_id, g_free);
  g_clear_pointer (&self->date, g_free);

  G_OBJECT_CLASS (jb_roster_card_parent_class)->dispose (object);
}

static void
jb_roster_card_class_init (JbRosterCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_roster_card_dispose;

  _jb_dialogs_ensure_style ();
  gtk_widget_class_set_css_name (widget_class, "jb-roster-card");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/jingbao/Console/dialogs/jb-roster-card.ui");
  gtk_widget_class_bind_template_child (widget_class, JbRosterCard, box);
  gtk_widget_class_bind_template_child (widget_class, JbRosterCard, station_label);
  gtk_widget_class_bind_template_child (widget_class, JbRosterCard, own_label);
  gtk_widget_class_bind_template_child (widget_class, JbRosterCard, desk_label);
  gtk_widget_class_bind_template_child (widget_class, JbRosterCard, role_label);
  gtk_widget_class_bind_template_child (widget_class, JbRosterCard, leader_label);
  gtk_widget_class_bind_template_child (widget_class, JbRosterCard, rank_label);
  gtk_widget_class_bind_template_child (widget_class, JbRosterCard, leader_phone_label);
  gtk_widget_class_bind_template_child (widget_class, JbRosterCard, officers_title);
  gtk_widget_class_bind_template_child (widget_class, JbRosterCard, officers_grid);
}

static void
jb_roster_card_init (JbRosterCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
jb_roster_card_new (void)
{
  return g_object_new (JB_TYPE_ROSTER_CARD, NULL);
}
