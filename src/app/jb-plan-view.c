/* jb-plan-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-plan-view"

#include <glib/gi18n.h>

#include "jb-icon-atlas.h"
#include "jb-labels.h"
#include "jb-plan-view.h"

struct _JbPlanView
{
  GtkWidget   parent_instance;

  GtkListBox *list;

  JbClient   *client;
  JbIncident *incident;
  JbPlan      plan;
  gboolean    has_plan;
  char       *texts[JB_TARGET_N];
  guint       refresh_id;
  gboolean    own_only;
};

G_DEFINE_FINAL_TYPE (JbPlanView, jb_plan_view, GTK_TYPE_WIDGET)

static const char *
target_title (JbTargetKind kind)
{
  switch (kind)
    {
    case JB_TARGET_GUARD:
      return _("Guard");
    case JB_TARGET_POLICE:
      return _("Police");
    case JB_TARGET_REINFORCE:
    case JB_TARGET_N:
    default:
      return _("Reinforcement");
    }
}

/* The row's target state as a CSS class of jb-target. */
static const char *
state_class (const JbPlanRow *row)
{
  switch (row->state.state)
    {
    case JB_TARGET_STATE_MET:
      return "met";
    case JB_TARGET_STATE_MET_LATE:
    case JB_TARGET_STATE_OVERDUE:
      return "overdue";
    case JB_TARGET_STATE_PENDING:
      return row->proposal.unit != NULL && row->slack_s < 0 ? "overdue" : "pending";
    case JB_TARGET_STATE_NOT_NEEDED:
    default:
      return "dim";
    }
}

static GtkWidget *
create_row (JbPlanView      *self,
            const JbPlanRow *row,
            gboolean         next)
{
  JbIconAtlas *atlas = jb_icon_atlas_get_for_scale (gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  JbStore *store = jb_client_get_store (self->client);
  JbUnit *unit = NULL;
  GtkWidget *list_row, *box, *target, *text, *title_label, *sub_label, *key;
  g_autofree char *limit = jb_format_duration ((gint64) row->limit_s * 1000);
  g_autofree char *target_text = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  JbCommand *pending = NULL;

  /* Translators: a 1-3-5 plan row's target: who, and the limit (m:ss) */
  target_text = g_strdup_printf (_("%s ≤ %s"), target_title (row->target), limit);

  if (row->assigned_unit_id != NULL)
    {
      unit = jb_store_lookup_unit (store, row->assigned_unit_id);
      title = g_strdup (unit ? jb_unit_get_callsign (unit) : row->assigned_unit_id);
      /* Translators: a plan row already filled: unit kind · assignment state */
      subtitle = g_strdup_printf (_("%s · %s"), unit ? jb_unit_kind_get_label (jb_unit_get_kind (unit)) : "",
                                  jb_assignment_state_get_label (row->assigned_state));
    }
  else if (jb_plan_row_is_filled (row))
    {
      g_autofree char *at = jb_format_duration (row->state.elapsed_ms);

      title = g_strdup (_("Target met"));
      /* Translators: a target met at m:ss by a unit since released */
      subtitle = g_strdup_printf (_("on scene at %s"), at);
    }
  else if (row->proposal.unit != NULL)
    {
      g_autofree char *eta = jb_format_duration ((gint64) (row->proposal.eta_s * 1000 + 500));
      g_autofree char *slack = jb_format_duration ((gint64) (ABS (row->slack_s) * 1000 + 500));

      unit = row->proposal.unit;
      if (self->client != NULL)
        pending = jb_client_lookup_pending_command (self->client, jb_unit_get_id (unit));
      title = g_strdup (jb_unit_get_callsign (unit));
      if (row->slack_s >= 0)
        /* Translators: a proposed unit: kind · ETA m:ss · m:ss to spare before the target */
        subtitle = g_strdup_printf (_("%s · not assigned · ETA %s, %s to spare"),
                                    jb_unit_kind_get_label (jb_unit_get_kind (unit)), eta, slack);
      else
        /* Translators: a proposed unit: kind · ETA m:ss · it would be m:ss late */
        subtitle = g_strdup_printf (_("%s · not assigned · ETA %s, %s late"),
                                    jb_unit_kind_get_label (jb_unit_get_kind (unit)), eta, slack);
    }
  else
    {
      title = g_strdup (_("Missing"));
      subtitle = g_strdup (_("No available unit of this kind"));
    }

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);

  target = gtk_label_new (target_text);
  gtk_widget_set_size_request (target, 130, -1);
  gtk_label_set_xalign (GTK_LABEL (target), 0);
  gtk_widget_add_css_class (target, "jb-target");
  gtk_widget_add_css_class (target, state_class (row));
  gtk_widget_set_valign (target, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), target);

  if (unit != NULL)
    {
      GtkWidget *icon = gtk_image_new_from_paintable (
        GDK_PAINTABLE (jb_icon_atlas_get_unit (atlas, jb_unit_get_kind (unit), jb_unit_get_status (unit), FALSE)));

      gtk_image_set_pixel_size (GTK_IMAGE (icon), 24);
      gtk_box_append (GTK_BOX (box), icon);
    }

  text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_hexpand (text, TRUE);
  title_label = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_widget_add_css_class (title_label, "jb-rec-callsign");
  gtk_box_append (GTK_BOX (text), title_label);
  sub_label = gtk_label_new (subtitle);
  gtk_label_set_xalign (GTK_LABEL (sub_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (sub_label), PANGO_ELLIPSIZE_END);
  if (row->proposal.unit == NULL)
    gtk_widget_add_css_class (sub_label, "dim-label");
  gtk_box_append (GTK_BOX (text), sub_label);
  gtk_box_append (GTK_BOX (box), text);

  if (pending != NULL)
    {
      GtkWidget *spinner = gtk_spinner_new ();
      GtkWidget *label = gtk_label_new (_("Pending"));

      gtk_spinner_start (GTK_SPINNER (spinner));
      gtk_box_append (GTK_BOX (box), spinner);
      gtk_widget_add_css_class (label, "jb-pending");
      gtk_box_append (GTK_BOX (box), label);
    }
  else if (next)
    {
      key = gtk_label_new ("P");
      gtk_widget_add_css_class (key, "jb-key-badge");
      gtk_widget_set_valign (key, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (key, _("P assigns the next missing unit of the plan, Shift+P the whole plan"));
      gtk_box_append (GTK_BOX (box), key);
    }

  list_row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (list_row), box);
  if (row->proposal.unit != NULL && !jb_plan_row_is_filled (row))
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (list_row), "win.assign-unit");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (list_row), "s", jb_unit_get_id (row->proposal.unit));
    }
  else
    gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (list_row), FALSE);

  g_free (self->texts[row->target]);
  /* Translators: a plan row read aloud: target, unit, details */
  self->texts[row->target] = g_strdup_printf (_("%s: %s, %s"), target_text, title, subtitle);
  gtk_accessible_update_property (GTK_ACCESSIBLE (list_row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->texts[row->target], -1);
  return list_row;
}

void
jb_plan_view_refresh (JbPlanView *self)
{
  GtkWidget *child;

  g_return_if_fail (JB_IS_PLAN_VIEW (self));

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  if (self->has_plan)
    jb_plan_clear (&self->plan);
  self->has_plan = FALSE;
  for (guint i = 0; i < JB_TARGET_N; i++)
    g_clear_pointer (&self->texts[i], g_free);

  if (self->client != NULL && self->incident != NULL && jb_incident_is_active (self->incident))
    {
      JbStore *store = jb_client_get_store (self->client);
      JbRecommendOptions options;
      int next;

      jb_recommend_options_init_for_user (&options, jb_client_get_role (self->client),
                                          jb_client_get_station_ids (self->client));
      if (!self->own_only)
        {
          options.scope_station_id = NULL;
          options.scope_station_ids = NULL;
        }
      options.now_ms = jb_store_get_now_ms (store);
      jb_recommender_plan (store, self->incident, &options, NULL, &self->plan);
      self->has_plan = TRUE;
      next = jb_plan_next_missing (&self->plan);
      for (guint i = 0; i < JB_TARGET_N; i++)
        gtk_list_box_append (self->list, create_row (self, &self->plan.rows[i], (int) i == next));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->list), self->has_plan);
}

static gboolean
refresh_timeout_cb (gpointer user_data)
{
  JbPlanView *self = user_data;

  self->refresh_id = 0;
  jb_plan_view_refresh (self);
  return G_SOURCE_REMOVE;
}

static void
queue_refresh (JbPlanView *self,
               guint       ms)
{
  if (self->refresh_id != 0 || self->incident == NULL)
    return;
  self->refresh_id = g_timeout_add (ms, refresh_timeout_cb, self);
}

static void
units_moved_cb (JbPlanView *self)
{
  queue_refresh (self, 2000);
}

static void
store_changed_cb (JbPlanView    *self,
                  JbStoreChange  kind,
                  const char    *id)
{
  if (kind == JB_STORE_CHANGE_UNIT || kind == JB_STORE_CHANGE_INCIDENT)
    queue_refresh (self, 100);
}

static void
command_state_cb (JbPlanView *self)
{
  queue_refresh (self, 50);
}

static void
store_tick_cb (JbPlanView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  /* The time to spare shrinks with the incident's clock; a row with the
   * keyboard focus is not pulled away under it. */
  if (self->incident != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self))))
    jb_plan_view_refresh (self);
}

void
jb_plan_view_set_client (JbPlanView *self,
                         JbClient   *client)
{
  JbStore *store;

  g_return_if_fail (JB_IS_PLAN_VIEW (self));
  g_return_if_fail (self->client == NULL);

  if (client == NULL)
    return;

  self->client = g_object_ref (client);
  store = jb_client_get_store (client);
  g_signal_connect_object (store, "units-moved", G_CALLBACK (units_moved_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "tick", G_CALLBACK (store_tick_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (client, "command-changed", G_CALLBACK (command_state_cb), self, G_CONNECT_SWAPPED);
  self->own_only = jb_client_is_logged_in (client) && jb_client_get_role (client) == JB_ROLE_DUTY_OFFICER;
  jb_plan_view_refresh (self);
}

void
jb_plan_view_set_incident (JbPlanView *self,
                           JbIncident *incident)
{
  g_return_if_fail (JB_IS_PLAN_VIEW (self));

  g_set_object (&self->incident, incident);
  jb_plan_view_refresh (self);
}

void
jb_plan_view_set_own_station_only (JbPlanView *self,
                                   gboolean    own_only)
{
  g_return_if_fail (JB_IS_PLAN_VIEW (self));

  own_only = !!own_only;
  if (self->own_only == own_only)
    return;
  self->own_only = own_only;
  jb_plan_view_refresh (self);
}

const JbPlan *
jb_plan_view_get_plan (JbPlanView *self)
{
  g_return_val_if_fail (JB_IS_PLAN_VIEW (self), NULL);

  return self->has_plan ? &self->plan : NULL;
}

const char *
jb_plan_view_get_row_text (JbPlanView   *self,
                           JbTargetKind  row)
{
  g_return_val_if_fail (JB_IS_PLAN_VIEW (self), NULL);
  g_return_val_if_fail (row < JB_TARGET_N, NULL);

  return self->texts[row];
}

static void
jb_plan_view_dispose (GObject *object)
{
  JbPlanView *self = (JbPlanView *)object;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->has_plan)
    jb_plan_clear (&self->plan);
  self->has_plan = FALSE;
  for (guint i = 0; i < JB_TARGET_N; i++)
    g_clear_pointer (&self->texts[i], g_free);
  if (self->list != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->list));
      self->list = NULL;
    }
  g_clear_object (&self->incident);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (jb_plan_view_parent_class)->dispose (object);
}

static void
jb_plan_view_class_init (JbPlanViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_plan_view_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "jb-plan-view");
}

static void
jb_plan_view_init (JbPlanView *self)
{
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("The 1-3-5 plan: a guard, police, reinforcement; P assigns the next missing unit"), -1);
  gtk_widget_set_parent (GTK_WIDGET (self->list), GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self->list), FALSE);
}

GtkWidget *
jb_plan_view_new (void)
{
  return g_object_new (JB_TYPE_PLAN_VIEW, NULL);
}
