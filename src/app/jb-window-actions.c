/* jb-window-actions.c — every command of the window as an action, with its
 * keys
 *
 * Keys without a modifier (J, K, A, P, 1–9, F, N, U) must not fire while a
 * text field has the focus: they go through plain_key_cb, which lets the
 * field have them. Commands go through the client's one queue; each is
 * shown pending where it was issued (the detail pane, the recommendation
 * row) until the server's event confirms it, and a failure is said in
 * words in a toast.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-window"

#include <glib/gi18n.h>

#include "jb-alert-list.h"
#include "jb-callout-dialog.h"
#include "jb-clip-calls.h"
#include "jb-close-incident-dialog.h"
#include "jb-catchup-window.h"
#include "jb-history-window.h"
#include "jb-labels.h"
#include "jb-new-incident-dialog.h"
#include "jb-window-private.h"

/* Actions a viewer never has. */
static const char *command_actions[] = {
  "win.acknowledge",
  "win.assign-recommended",
  "win.assign-number",
  "win.assign-unit",
  "win.assign-plan-next",
  "win.assign-plan",
  "win.unassign",
  "win.unassign-selected",
  "win.unit-status-menu",
  "win.set-unit-status",
  "win.add-note",
  "win.focus-note",
  "win.resolve-incident",
  "win.close-incident",
  "win.new-incident",
  "win.acknowledge-alert",
  "win.callout",
  "win.push-clip",
};

/* The commands sent from here are marked: their failures become a toast
 * (the dialogs show their own). */
#define TRACKED_KEY "jb-window-tracked"

void
_jb_window_command_changed (JbWindow  *self,
                            JbCommand *command)
{
  g_autofree char *text = NULL;
  gboolean viewer;

  if (jb_command_get_state (command) != JB_COMMAND_STATE_FAILED ||
      g_object_get_data (G_OBJECT (command), TRACKED_KEY) != self)
    return;

  g_object_set_data (G_OBJECT (command), TRACKED_KEY, NULL);
  viewer = self->client != NULL && jb_client_get_role (self->client) == JB_ROLE_VIEWER;
  text = jb_describe_command_error (jb_command_get_error (command), viewer);
  _jb_window_show_message (self, text);
}

static void
command_finished_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;

  /* The command's own state carries the outcome (_jb_window_command_changed). */
  answer = jb_client_command_finish (JB_CLIENT (object), result, &error);
}

static void
track (JbWindow  *self,
       JbCommand *command)
{
  if (command == NULL)
    return;
  g_object_set_data (G_OBJECT (command), TRACKED_KEY, self);
  /* It may have failed at once (not signed in). */
  _jb_window_command_changed (self, command);
}

static JbIncident *
require_incident (JbWindow *self)
{
  JbIncident *incident = _jb_window_get_selected_incident (self);

  if (incident == NULL)
    _jb_window_show_message (self, _("Select an incident first (J and K move through the queue)."));
  return incident;
}

/* Commanding an incident someone else owns ------------------------------ */

static void
owner_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   JbWindow         *self)
{
  g_autofree char *action = g_steal_pointer (&self->gate_action);
  g_autoptr(GVariant) param = g_steal_pointer (&self->gate_param);
  JbIncident *incident = _jb_window_get_selected_incident (self);

  if (g_strcmp0 (response, "send") != 0 || incident == NULL || action == NULL)
    return;
  g_hash_table_add (self->owner_confirmed, g_strdup (jb_incident_get_id (incident)));
  gtk_widget_activate_action_variant (GTK_WIDGET (self), action, param);
}

gboolean
_jb_window_owner_gate (JbWindow   *self,
                       const char *action_name,
                       GVariant   *param)
{
  JbIncident *incident = _jb_window_get_selected_incident (self);
  const char *owner = incident ? jb_incident_get_acknowledged_by (incident) : NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (owner == NULL || self->client == NULL ||
      g_strcmp0 (owner, jb_client_get_username (self->client)) == 0 ||
      g_hash_table_contains (self->owner_confirmed, jb_incident_get_id (incident)))
    return TRUE;
  if (self->owner_dialog != NULL)
    return FALSE;

  g_free (self->gate_action);
  self->gate_action = g_strdup (action_name);
  g_clear_pointer (&self->gate_param, g_variant_unref);
  self->gate_param = param ? g_variant_ref_sink (param) : NULL;

  /* Translators: asked once before commanding an incident that another
   * person acknowledged: incident number, who */
  body = g_strdup_printf (_("%s was acknowledged by %s, who is handling it. Send your command anyway?"),
                          jb_incident_get_number (incident), owner);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Someone Else Owns This Incident"), body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "send", _("_Send Anyway"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "send", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "send");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (owner_response_cb), self, 0);
  self->owner_dialog = GTK_WINDOW (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->owner_dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  return FALSE;
}

GtkWindow *
_jb_window_get_owner_dialog (JbWindow *self)
{
  return self->owner_dialog;
}

void
_jb_window_answer_owner_dialog (JbWindow   *self,
                                const char *response)
{
  GtkWindow *dialog = self->owner_dialog;

  if (dialog == NULL)
    return;
  /* As a click would: answer, then close. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  if (self->owner_dialog != NULL)
    gtk_window_destroy (self->owner_dialog);
}

static void
acknowledge_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);
  JbIncident *incident = require_incident (self);

  if (incident == NULL)
    return;
  track (self, jb_client_queue_command (self->client,
                                        jb_command_new_acknowledge (jb_incident_get_id (incident)),
                                        NULL, command_finished_cb, NULL));
}

static void
assign (JbWindow   *self,
        const char *unit_id)
{
  JbIncident *incident = require_incident (self);

  if (incident == NULL || unit_id == NULL)
    return;
  track (self, jb_client_queue_command (self->client,
                                        jb_command_new_assign (jb_incident_get_id (incident), unit_id),
                                        NULL, command_finished_cb, NULL));
}

static void
assign_index (JbWindow *self,
              guint     index)
{
  JbRecommendList *list = jb_detail_pane_get_recommend_list (self->detail_pane);
  JbUnit *unit;

  if (require_incident (self) == NULL)
    return;

  unit = jb_recommend_list_get_unit (list, index);
  if (unit == NULL)
    {
      if (index == 0)
        _jb_window_show_message (self, _("No available unit to recommend for this incident."));
      else
        {
          g_autofree char *text = NULL;

          /* Translators: %u is the number key pressed */
          text = g_strdup_printf (_("There is no recommendation number %u."), index + 1);
          _jb_window_show_message (self, text);
        }
      return;
    }
  assign (self, jb_unit_get_id (unit));
}

static void
assign_recommended_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  if (!_jb_window_owner_gate (JB_WINDOW (widget), action_name, param))
    return;
  assign_index (JB_WINDOW (widget), 0);
}

static void
assign_number_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  int number = g_variant_get_int32 (param);

  if (!_jb_window_owner_gate (JB_WINDOW (widget), action_name, param))
    return;

  if (number >= 1 && number <= 9)
    assign_index (JB_WINDOW (widget), number - 1);
}

/* P: the first row of the 1-3-5 plan still missing; Shift+P: every
 * missing row, in plan order (one command each, through the queue). */
static void
assign_plan (JbWindow *self,
             gboolean  whole)
{
  const JbPlan *plan = jb_plan_view_get_plan (jb_detail_pane_get_plan_view (self->detail_pane));
  guint n = 0;

  if (require_incident (self) == NULL)
    return;
  if (plan != NULL)
    for (int i = jb_plan_next_missing (plan); i >= 0 && i < JB_TARGET_N; i++)
      {
        const JbPlanRow *row = &plan->rows[i];

        if (jb_plan_row_is_filled (row) || row->proposal.unit == NULL ||
            jb_client_lookup_pending_command (self->client, jb_unit_get_id (row->proposal.unit)) != NULL)
          continue;
        assign (self, jb_unit_get_id (row->proposal.unit));
        n++;
        if (!whole)
          break;
      }
  if (n == 0)
    _jb_window_show_message (self, _("The 1-3-5 plan has no missing unit that can be assigned."));
}

static void
assign_plan_next_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  if (!_jb_window_owner_gate (JB_WINDOW (widget), action_name, param))
    return;
  assign_plan (JB_WINDOW (widget), FALSE);
}

static void
assign_plan_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  if (!_jb_window_owner_gate (JB_WINDOW (widget), action_name, param))
    return;
  assign_plan (JB_WINDOW (widget), TRUE);
}

static void
assign_unit_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  if (!_jb_window_owner_gate (JB_WINDOW (widget), action_name, param))
    return;
  assign (JB_WINDOW (widget), g_variant_get_string (param, NULL));
}

static void
unassign (JbWindow   *self,
          const char *unit_id)
{
  JbIncident *incident = require_incident (self);

  if (incident == NULL)
    return;
  if (unit_id == NULL)
    {
      _jb_window_show_message (self, _("Select an assigned unit first (Alt+A goes to the list)."));
      return;
    }
  track (self, jb_client_queue_command (self->client,
                                        jb_command_new_unassign (jb_incident_get_id (incident), unit_id),
                                        NULL, command_finished_cb, NULL));
}

static void
unassign_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  if (!_jb_window_owner_gate (JB_WINDOW (widget), action_name, param))
    return;
  unassign (JB_WINDOW (widget), g_variant_get_string (param, NULL));
}

static void
unassign_selected_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);

  if (!_jb_window_owner_gate (JB_WINDOW (widget), action_name, param))
    return;

  unassign (self, jb_detail_pane_get_selected_unit_id (self->detail_pane));
}

static void
focus_assignments_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);

  gtk_stack_set_visible_child_name (self->side_stack, "details");
  jb_detail_pane_focus_assignments (self->detail_pane);
}

static void
unit_status_menu_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);

  if (jb_detail_pane_get_selected_unit_id (self->detail_pane) == NULL)
    {
      _jb_window_show_message (self, _("Select a unit first: an assigned unit (Alt+A) or a unit on the map."));
      return;
    }
  gtk_menu_button_popup (self->status_button);
}

static void
set_unit_status_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);
  const char *unit_id = jb_detail_pane_get_selected_unit_id (self->detail_pane);
  JbUnitStatus status;

  if (!jb_unit_status_from_string (g_variant_get_string (param, NULL), &status))
    return;
  if (unit_id == NULL)
    {
      _jb_window_show_message (self, _("Select a unit first: an assigned unit (Alt+A) or a unit on the map."));
      return;
    }
  track (self, jb_client_queue_command (self->client, jb_command_new_unit_status (unit_id, status),
                                        NULL, command_finished_cb, NULL));
}

static void
add_note_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);
  JbIncident *incident = require_incident (self);
  const char *text = g_variant_get_string (param, NULL);

  if (!_jb_window_owner_gate (JB_WINDOW (widget), action_name, param))
    return;

  if (incident == NULL || text[0] == '\0')
    return;
  track (self, jb_client_queue_command (self->client,
                                        jb_command_new_note (jb_incident_get_id (incident), text),
                                        NULL, command_finished_cb, NULL));
}

static void
focus_note_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);

  if (require_incident (self) == NULL)
    return;
  gtk_stack_set_visible_child_name (self->side_stack, "details");
  jb_detail_pane_focus_note (self->detail_pane);
}

static void
move_selection (JbWindow *self,
                int       delta)
{
  guint n, pos;

  if (self->selection == NULL)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  if (n == 0)
    return;

  pos = gtk_single_selection_get_selected (self->selection);
  if (pos == GTK_INVALID_LIST_POSITION)
    pos = delta > 0 ? 0 : n - 1;
  else if (delta > 0)
    pos = MIN (pos + 1, n - 1);
  else
    pos = pos > 0 ? pos - 1 : 0;

  gtk_single_selection_set_selected (self->selection, pos);
  gtk_widget_activate_action (GTK_WIDGET (self->queue), "list.scroll-to-item", "u", pos);
  gtk_stack_set_visible_child_name (self->side_stack, "details");
}

static void
next_incident_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  move_selection (JB_WINDOW (widget), 1);
}

static void
previous_incident_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  move_selection (JB_WINDOW (widget), -1);
}

static void
focus_map_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);
  JbIncident *incident = require_incident (self);
  double lat, lon;

  if (incident == NULL)
    return;
  if (!jb_incident_get_location (incident, &lat, &lon))
    {
      _jb_window_show_message (self, _("This incident has no location."));
      return;
    }
  jb_map_view_go_to (self->map_view, lat, lon, 16);
}

static void
follow_unit_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);
  const char *unit_id = jb_detail_pane_get_selected_unit_id (self->detail_pane);
  JbUnit *unit;
  g_autofree char *text = NULL;

  if (jb_map_view_get_followed (self->map_view) != NULL &&
      (unit_id == NULL || g_strcmp0 (jb_map_view_get_followed (self->map_view), unit_id) == 0))
    {
      jb_map_view_follow (self->map_view, NULL);
      _jb_window_show_message (self, _("Stopped following."));
      return;
    }
  if (unit_id == NULL)
    {
      _jb_window_show_message (self, _("Select a unit first: an assigned unit (Alt+A) or a unit on the map."));
      return;
    }

  unit = jb_store_lookup_unit (jb_client_get_store (self->client), unit_id);
  jb_map_view_follow (self->map_view, unit_id);
  /* Translators: %s is a unit's callsign */
  text = g_strdup_printf (_("Following %s on the map (Shift+F again stops)."), unit ? jb_unit_get_callsign (unit) : unit_id);
  _jb_window_show_message (self, text);
}

static void
close_dialog (JbWindow            *self,
              JbCloseIncidentMode  mode)
{
  JbIncident *incident = require_incident (self);
  JbCloseIncidentDialog *dialog;

  if (incident == NULL)
    return;
  dialog = jb_close_incident_dialog_new (self->client, jb_incident_get_id (incident), mode);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
resolve_incident_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  if (!_jb_window_owner_gate (JB_WINDOW (widget), action_name, param))
    return;
  close_dialog (JB_WINDOW (widget), JB_CLOSE_INCIDENT_MODE_RESOLVE);
}

static void
close_incident_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  if (!_jb_window_owner_gate (JB_WINDOW (widget), action_name, param))
    return;
  close_dialog (JB_WINDOW (widget), JB_CLOSE_INCIDENT_MODE_CLOSE);
}

static void
incident_created_cb (JbWindow   *self,
                     const char *incident_id)
{
  _jb_window_select_incident_id (self, incident_id);
}

static void
new_incident_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);
  JbNewIncidentDialog *dialog = jb_new_incident_dialog_new (self->client);
  double lat, lon;

  /* A phone report is usually placed by clicking the map first. */
  if (jb_map_view_get_clicked_location (self->map_view, &lat, &lon))
    jb_new_incident_dialog_set_location (dialog, lat, lon);
  g_signal_connect_object (dialog, "created", G_CALLBACK (incident_created_cb), self, G_CONNECT_SWAPPED);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
acknowledge_alert_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);

  jb_alert_list_acknowledge_selected (self->alert_list);
}

static void
callout_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);
  JbIncident *incident = _jb_window_get_selected_incident (self);

  if (incident != NULL)
    jb_callout_dialog_present (GTK_WINDOW (self), self->client, incident);
}

static void
history_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);

  if (self->history == NULL)
    {
      self->history = GTK_WINDOW (jb_history_window_new (self->client));
      g_object_add_weak_pointer (G_OBJECT (self->history), (gpointer *) &self->history);
      if (gtk_window_get_application (GTK_WINDOW (self)) != NULL)
        gtk_window_set_application (self->history, gtk_window_get_application (GTK_WINDOW (self)));
    }
  gtk_window_present (self->history);
}

static void
present_catchup (JbWindow *self)
{
  if (self->catchup == NULL)
    {
      self->catchup = GTK_WINDOW (jb_catchup_window_new (self->client));
      g_object_add_weak_pointer (G_OBJECT (self->catchup), (gpointer *) &self->catchup);
      gtk_window_set_transient_for (self->catchup, GTK_WINDOW (self));
    }
  gtk_window_present (self->catchup);
}

static void
catchup_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);

  if (self->client != NULL)
    present_catchup (self);
}

static void
catchup_state_cb (JbWindow *self)
{
  JbConnectionState state = jb_client_get_state (self->client);
  GListModel *journal = jb_command_queue_get_journal (jb_client_get_command_queue (self->client));

  if (state == JB_CONNECTION_STATE_RECONNECTING)
    self->was_offline = TRUE;
  else if (state == JB_CONNECTION_STATE_LIVE && self->was_offline)
    {
      self->was_offline = FALSE;
      if (g_list_model_get_n_items (journal) > 0)
        present_catchup (self);
    }
}

void
_jb_window_watch_catchup (JbWindow *self)
{
  g_signal_connect_object (self->client, "notify::state", G_CALLBACK (catchup_state_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
roster_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);
  gboolean showing = g_strcmp0 (gtk_stack_get_visible_child_name (self->side_stack), "roster") == 0;

  gtk_stack_set_visible_child_name (self->side_stack, showing ? "details" : "roster");
  if (!showing && self->roster_panel != NULL)
    gtk_widget_child_focus (self->roster_panel, GTK_DIR_TAB_FORWARD);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
focus_queue_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->queue));
}

static void
show_shortcuts_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWindow *shortcuts;

  /* In the application GTK has loaded gtk/help-overlay.ui by itself;
   * a window made without one (the tests) builds it from there too. */
  if (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (widget)) != NULL)
    {
      gtk_widget_activate_action (widget, "win.show-help-overlay", NULL);
      return;
    }

  builder = gtk_builder_new_from_resource ("/io/github/jingbao/Console/gtk/help-overlay.ui");
  shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
  gtk_window_set_transient_for (shortcuts, GTK_WINDOW (widget));
  gtk_window_set_modal (shortcuts, TRUE);
  gtk_window_present (shortcuts);
}

static void
clear_selection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);

  jb_map_view_select (self->map_view, NULL);
}

/* Clips */

static void
play_clip_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);

  if (require_incident (self) == NULL || self->clip_panel == NULL)
    return;
  if (!jb_clip_panel_play (self->clip_panel))
    _jb_window_show_message (self, _("This incident has no verified video clip yet."));
}

static void
save_clip_frame_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);
  JbClipPlayer *player = self->clip_panel ? jb_clip_panel_get_player (self->clip_panel) : NULL;

  if (player == NULL || jb_clip_player_get_stream (player) == NULL)
    {
      _jb_window_show_message (self, _("Play a clip first (V plays the incident's newest clip)."));
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (player), "clip.save-frame", NULL);
}

static void
clip_pushed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(JbWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = jb_client_command_finish (JB_CLIENT (object), result, &error);

  if (error != NULL)
    {
      g_autofree char *text = jb_describe_command_error (error, FALSE);

      _jb_window_show_message (self, text);
    }
  else
    _jb_window_show_message (self, _("The clip was pushed to the wall screens."));
}

static void
push_clip_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);
  JbClip *clip;

  if (require_incident (self) == NULL || self->clip_panel == NULL)
    return;
  clip = jb_clip_panel_get_clip (self->clip_panel);
  if (clip == NULL || !jb_clip_is_verified (clip))
    {
      _jb_window_show_message (self, _("This incident has no verified video clip to push."));
      return;
    }
  jb_client_queue_command (self->client, jb_command_new_clip_push (jb_clip_get_id (clip), NULL),
                           NULL, clip_pushed_cb, g_object_ref (self));
}

/* A plain letter or digit is the field's while a text field has the
 * focus; otherwise it activates its action. */
static gboolean
plain_key_cb (GtkWidget *widget,
              GVariant  *args,
              gpointer   user_data)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (widget));
  const char *action;
  int number;

  if (focus != NULL && (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT_VIEW (focus)))
    return FALSE;

  g_variant_get (args, "(&si)", &action, &number);
  if (number >= 0)
    return gtk_widget_activate_action (widget, action, "i", number);
  return gtk_widget_activate_action (widget, action, NULL);
}

static void
bind_plain (GtkWidgetClass  *widget_class,
            guint            keyval,
            GdkModifierType  mods,
            const char      *action,
            int              number)
{
  gtk_widget_class_add_binding (widget_class, keyval, mods, plain_key_cb, "(si)", action, number);
}

void
_jb_window_class_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.clear-selection", NULL, clear_selection_action);
  gtk_widget_class_install_action (widget_class, "win.acknowledge", NULL, acknowledge_action);
  gtk_widget_class_install_action (widget_class, "win.assign-recommended", NULL, assign_recommended_action);
  gtk_widget_class_install_action (widget_class, "win.assign-number", "i", assign_number_action);
  gtk_widget_class_install_action (widget_class, "win.assign-unit", "s", assign_unit_action);
  gtk_widget_class_install_action (widget_class, "win.assign-plan-next", NULL, assign_plan_next_action);
  gtk_widget_class_install_action (widget_class, "win.assign-plan", NULL, assign_plan_action);
  gtk_widget_class_install_action (widget_class, "win.unassign", "s", unassign_action);
  gtk_widget_class_install_action (widget_class, "win.unassign-selected", NULL, unassign_selected_action);
  gtk_widget_class_install_action (widget_class, "win.focus-assignments", NULL, focus_assignments_action);
  gtk_widget_class_install_action (widget_class, "win.unit-status-menu", NULL, unit_status_menu_action);
  gtk_widget_class_install_action (widget_class, "win.set-unit-status", "s", set_unit_status_action);
  gtk_widget_class_install_action (widget_class, "win.add-note", "s", add_note_action);
  gtk_widget_class_install_action (widget_class, "win.focus-note", NULL, focus_note_action);
  gtk_widget_class_install_action (widget_class, "win.next-incident", NULL, next_incident_action);
  gtk_widget_class_install_action (widget_class, "win.previous-incident", NULL, previous_incident_action);
  gtk_widget_class_install_action (widget_class, "win.focus-map", NULL, focus_map_action);
  gtk_widget_class_install_action (widget_class, "win.follow-unit", NULL, follow_unit_action);
  gtk_widget_class_install_action (widget_class, "win.resolve-incident", NULL, resolve_incident_action);
  gtk_widget_class_install_action (widget_class, "win.close-incident", NULL, close_incident_action);
  gtk_widget_class_install_action (widget_class, "win.new-incident", NULL, new_incident_action);
  gtk_widget_class_install_action (widget_class, "win.acknowledge-alert", NULL, acknowledge_alert_action);
  gtk_widget_class_install_action (widget_class, "win.callout", NULL, callout_action);
  gtk_widget_class_install_action (widget_class, "win.history", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "win.catch-up", NULL, catchup_action);
  gtk_widget_class_install_action (widget_class, "win.roster", NULL, roster_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.focus-queue", NULL, focus_queue_action);
  gtk_widget_class_install_action (widget_class, "win.show-shortcuts", NULL, show_shortcuts_action);
  gtk_widget_class_install_action (widget_class, "win.play-clip", NULL, play_clip_action);
  gtk_widget_class_install_action (widget_class, "win.save-clip-frame", NULL, save_clip_frame_action);
  gtk_widget_class_install_action (widget_class, "win.push-clip", NULL, push_clip_action);
  gtk_widget_class_install_property_action (widget_class, "win.own-station", "own-station");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, GDK_CONTROL_MASK, "win.acknowledge", NULL);
  bind_plain (widget_class, GDK_KEY_a, 0, "win.assign-recommended", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "win.assign-recommended", NULL);
  for (int i = 1; i <= 9; i++)
    {
      bind_plain (widget_class, GDK_KEY_0 + i, 0, "win.assign-number", i);
      bind_plain (widget_class, GDK_KEY_KP_0 + i, 0, "win.assign-number", i);
    }
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, GDK_SHIFT_MASK, "win.unassign-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_ALT_MASK, "win.focus-assignments", NULL);
  bind_plain (widget_class, GDK_KEY_p, 0, "win.assign-plan-next", -1);
  bind_plain (widget_class, GDK_KEY_P, GDK_SHIFT_MASK, "win.assign-plan", -1);
  bind_plain (widget_class, GDK_KEY_u, 0, "win.unit-status-menu", -1);
  bind_plain (widget_class, GDK_KEY_n, 0, "win.focus-note", -1);
  bind_plain (widget_class, GDK_KEY_j, 0, "win.next-incident", -1);
  bind_plain (widget_class, GDK_KEY_k, 0, "win.previous-incident", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_CONTROL_MASK, "win.next-incident", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_CONTROL_MASK, "win.previous-incident", NULL);
  bind_plain (widget_class, GDK_KEY_f, 0, "win.focus-map", -1);
  bind_plain (widget_class, GDK_KEY_F, GDK_SHIFT_MASK, "win.follow-unit", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.resolve-incident", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_W, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.close-incident", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-incident", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_K, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.acknowledge-alert", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_C, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.callout", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h, GDK_CONTROL_MASK, "win.history", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_O, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.catch-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "win.roster", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.focus-queue", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.own-station", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_question, GDK_CONTROL_MASK, "win.show-shortcuts", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F1, 0, "win.show-shortcuts", NULL);
  bind_plain (widget_class, GDK_KEY_v, 0, "win.play-clip", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save-clip-frame", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_P, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.push-clip", NULL);
}

/* Why the signed-in person may not command @station_id's @what, in
 * words; NULL when it may (the server's own rule: a duty officer
 * commands its stations only). */
static char *
refusal_for_station (JbWindow   *self,
                     const char *station_id,
                     gboolean    is_unit)
{
  JbStore *store;
  JbStation *station;
  const char *name;

  if (self->client == NULL || jb_client_get_role (self->client) != JB_ROLE_DUTY_OFFICER)
    return NULL;
  if (station_id != NULL && g_strv_contains (jb_client_get_station_ids (self->client), station_id))
    return NULL;
  store = jb_client_get_store (self->client);
  station = station_id ? jb_store_lookup_station (store, station_id) : NULL;
  name = station ? jb_station_get_name (station) : station_id;
  if (name == NULL)
    return g_strdup (is_unit ? _("You can only command your own stations' units: this one has no station.")
                             : _("You can only command your own stations' incidents: this one is outside every station."));
  /* Translators: why commands are greyed out; %s is a station's name */
  return g_strdup_printf (is_unit ? _("You can only command your own stations' units: this one is %s's.")
                                  : _("You can only command your own stations' incidents: this one is %s's."),
                          name);
}

void
_jb_window_update_actions (JbWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  JbIncident *incident = _jb_window_get_selected_incident (self);
  GObject *item = jb_detail_pane_get_item (self->detail_pane);
  gboolean can = _jb_window_can_command (self);
  JbIncidentStatus status = incident ? jb_incident_get_status (incident) : JB_INCIDENT_STATUS_N;
  gboolean open_incident = incident != NULL && jb_incident_is_active (incident);
  g_autofree char *refusal = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (command_actions); i++)
    gtk_widget_action_set_enabled (widget, command_actions[i], can);

  if (!can)
    return;

  /* Commands the person may not give are off before they are tried,
   * with the reason beside them. */
  if (incident != NULL)
    refusal = refusal_for_station (self, jb_incident_get_station_id (incident), FALSE);
  else if (item != NULL && JB_IS_UNIT (item))
    refusal = refusal_for_station (self, jb_unit_get_station_id (JB_UNIT (item)), TRUE);
  jb_detail_pane_set_command_refusal (self->detail_pane, refusal);
  gtk_widget_set_tooltip_text (self->command_bar, refusal);
  if (refusal != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (command_actions); i++)
        if (g_strcmp0 (command_actions[i], "win.new-incident") != 0)
          gtk_widget_action_set_enabled (widget, command_actions[i], FALSE);
      return;
    }

  gtk_widget_action_set_enabled (widget, "win.acknowledge", incident != NULL && status == JB_INCIDENT_STATUS_NEW);
  gtk_widget_action_set_enabled (widget, "win.assign-recommended", open_incident);
  gtk_widget_action_set_enabled (widget, "win.assign-number", open_incident);
  gtk_widget_action_set_enabled (widget, "win.assign-unit", open_incident);
  gtk_widget_action_set_enabled (widget, "win.assign-plan-next", open_incident);
  gtk_widget_action_set_enabled (widget, "win.assign-plan", open_incident);
  gtk_widget_action_set_enabled (widget, "win.resolve-incident", open_incident);
  gtk_widget_action_set_enabled (widget, "win.close-incident", incident != NULL);
  gtk_widget_action_set_enabled (widget, "win.add-note", incident != NULL);
  gtk_widget_action_set_enabled (widget, "win.focus-note", incident != NULL);
}
