/* jb-catchup-window.c — what was done while the server was out of reach
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-catchup"

#include <glib/gi18n.h>
#include <string.h>

#include "jb-catchup-window.h"
#include "jb-error.h"
#include "jb-labels.h"

struct _JbCatchupWindow
{
  AdwWindow       parent_instance;

  JbClient       *client;
  GListModel     *journal;

  GtkStack       *stack;
  GtkListBox     *list;
  GtkButton      *dismiss_button;
};

G_DEFINE_FINAL_TYPE (JbCatchupWindow, jb_catchup_window, ADW_TYPE_WINDOW)

static const char *
incident_label (JbClient   *client,
                const char *id)
{
  JbIncident *incident = id != NULL ? jb_store_lookup_incident (jb_client_get_store (client), id) : NULL;

  if (incident != NULL && jb_incident_get_number (incident) != NULL)
    return jb_incident_get_number (incident);
  return id != NULL ? id : "";
}

static const char *
unit_label (JbClient   *client,
            const char *id)
{
  JbUnit *unit = id != NULL ? jb_store_lookup_unit (jb_client_get_store (client), id) : NULL;

  if (unit != NULL)
    return jb_unit_get_callsign (unit);
  return id != NULL ? id : "";
}

static const char *
body_string (JbCommand  *command,
             const char *member)
{
  JsonNode *body = jb_command_get_body (command);

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return NULL;
  return json_object_get_string_member_with_default (json_node_get_object (body), member, NULL);
}

char *
jb_catchup_describe (JbClient  *client,
                     JbCommand *command)
{
  const char *path = jb_command_get_path (command);
  const char *method = jb_command_get_method (command);
  const char *target = jb_command_get_target_id (command);
  const char *unit = jb_command_get_unit_id (command);
  const char *incident = incident_label (client, target);
  JsonNode *answer = jb_command_get_answer (command);

  /* Closed incidents leave the store: the answer still names them. */
  if (answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) &&
      json_object_get_string_member_with_default (json_node_get_object (answer), "number", NULL) != NULL &&
      g_strcmp0 (incident, target) == 0)
    incident = json_object_get_string_member (json_node_get_object (answer), "number");

  if (g_str_equal (method, "POST") && g_str_equal (path, "/api/v1/incidents"))
    {
      const char *address = body_string (command, "address");

      if (jb_command_is_draft (command))
        /* Translators: a new incident the server has not numbered yet */
        return g_strdup_printf (_("New incident (draft) %s"), address != NULL ? address : "");
      return g_strdup_printf (_("New incident %s %s"), incident, address != NULL ? address : "");
    }
  if (g_str_has_suffix (path, "/acknowledge"))
    return g_strdup_printf (_("Acknowledge %s"), incident);
  if (g_str_has_suffix (path, "/notes"))
    return g_strdup_printf (_("Note on %s: %s"), incident, body_string (command, "text"));
  if (g_str_has_suffix (path, "/resolve"))
    return g_strdup_printf (_("Resolve %s"), incident);
  if (g_str_has_suffix (path, "/close"))
    return g_strdup_printf (_("Close %s"), incident);
  if (g_str_has_suffix (path, "/status"))
    {
      JbUnitStatus status = JB_UNIT_STATUS_AVAILABLE;

      jb_unit_status_from_string (body_string (command, "status"), &status);
      return g_strdup_printf (_("%s: status %s"), unit_label (client, unit), jb_unit_status_get_label (status));
    }
  if (g_str_equal (method, "DELETE") && strstr (path, "/assignments/") != NULL)
    return g_strdup_printf (_("Release %s from %s"), unit_label (client, unit), incident);
  if (strstr (path, "/assignments") != NULL)
    return g_strdup_printf (_("Assign %s to %s"), unit_label (client, unit), incident);
  return g_strdup_printf ("%s %s", method, path);
}

static char *
outcome_text (JbCommand *command)
{
  switch (jb_command_get_state (command))
    {
    case JB_COMMAND_STATE_QUEUED:
    case JB_COMMAND_STATE_RETRYING:
      return g_strdup (_("Waiting for the server"));
    case JB_COMMAND_STATE_SENDING:
    case JB_COMMAND_STATE_ACCEPTED:
      return g_strdup (_("Sent"));
    case JB_COMMAND_STATE_CONFIRMED:
      return g_strdup (_("Confirmed"));
    case JB_COMMAND_STATE_FAILED:
    default:
      {
        g_autofree char *why = jb_describe_command_error (jb_command_get_error (command), FALSE);
        const char *server = jb_command_get_error_message (command);

        /* Translators: a command the server refused, and why */
        if (server != NULL && strstr (why, server) == NULL)
          return g_strdup_printf (_("Refused: %s (%s)"), why, server);
        return g_strdup_printf (_("Refused: %s"), why);
      }
    }
}

typedef struct
{
  JbCatchupWindow *self;
  JbCommand       *command;
  AdwActionRow    *row;
  GtkLabel        *outcome;
  GtkButton       *dismiss;
} Row;

static void
row_update (Row *row)
{
  g_autofree char *what = jb_catchup_describe (row->self->client, row->command);
  g_autofree char *when = jb_format_time (jb_command_get_issued_at (row->command));
  g_autofree char *outcome = outcome_text (row->command);
  JbCommandState state = jb_command_get_state (row->command);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->row), what);
  /* Translators: when a command was given, e.g. "Given at 14:05:09" */
  {
    g_autofree char *given = g_strdup_printf (_("Given at %s"), when);

    adw_action_row_set_subtitle (row->row, given);
  }
  gtk_label_set_text (row->outcome, outcome);
  gtk_widget_remove_css_class (GTK_WIDGET (row->outcome), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (row->outcome), "success");
  if (state == JB_COMMAND_STATE_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (row->outcome), "error");
  else if (state == JB_COMMAND_STATE_CONFIRMED)
    gtk_widget_add_css_class (GTK_WIDGET (row->outcome), "success");
  gtk_widget_set_visible (GTK_WIDGET (row->dismiss), !jb_command_is_pending (row->command));
}

static void
command_notify_cb (JbCommand  *command,
                   GParamSpec *pspec,
                   GtkWidget  *widget)
{
  row_update (g_object_get_data (G_OBJECT (widget), "jb-catchup-row"));
}

static void
row_free (Row *row)
{
  g_object_unref (row->command);
  g_free (row);
}

static void
dismiss_clicked_cb (GtkButton *button,
                    Row       *row)
{
  jb_command_queue_dismiss (jb_client_get_command_queue (row->self->client), row->command);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  Row *row = g_new0 (Row, 1);
  GtkWidget *widget = adw_action_row_new ();

  row->self = user_data;
  row->command = g_object_ref (item);
  row->row = ADW_ACTION_ROW (widget);
  row->outcome = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (row->outcome, TRUE);
  gtk_label_set_xalign (row->outcome, 1.0);
  gtk_label_set_max_width_chars (row->outcome, 40);
  row->dismiss = GTK_BUTTON (gtk_button_new_from_icon_name ("window-close-symbolic"));
  gtk_widget_set_valign (GTK_WIDGET (row->dismiss), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (row->dismiss), "flat");
  gtk_widget_set_tooltip_text (GTK_WIDGET (row->dismiss), _("Dismiss"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->dismiss), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Dismiss"), -1);
  adw_action_row_add_suffix (row->row, GTK_WIDGET (row->outcome));
  adw_action_row_add_suffix (row->row, GTK_WIDGET (row->dismiss));
  g_signal_connect (row->dismiss, "clicked", G_CALLBACK (dismiss_clicked_cb), row);
  g_object_set_data_full (G_OBJECT (widget), "jb-catchup-row", row, (GDestroyNotify) row_free);
  g_signal_connect_object (row->command, "notify::state", G_CALLBACK (command_notify_cb), widget, 0);
  g_signal_connect_object (row->command, "notify::target-id", G_CALLBACK (command_notify_cb), widget, 0);
  row_update (row);
  return widget;
}

static void
update_stack (JbCatchupWindow *self)
{
  guint n = g_list_model_get_n_items (self->journal);

  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
  gtk_widget_set_sensitive (GTK_WIDGET (self->dismiss_button), n > 0);
}

guint
jb_catchup_window_dismiss_confirmed (JbCatchupWindow *self)
{
  JbCommandQueue *queue;
  guint dismissed = 0;

  g_return_val_if_fail (JB_IS_CATCHUP_WINDOW (self), 0);

  queue = jb_client_get_command_queue (self->client);
  for (guint i = g_list_model_get_n_items (self->journal); i > 0; i--)
    {
      g_autoptr(JbCommand) command = g_list_model_get_item (self->journal, i - 1);

      if (jb_command_get_state (command) == JB_COMMAND_STATE_CONFIRMED &&
          jb_command_queue_dismiss (queue, command))
        dismissed++;
    }
  return dismissed;
}

static void
dismiss_confirmed_cb (JbCatchupWindow *self)
{
  jb_catchup_window_dismiss_confirmed (self);
}

JbCatchupWindow *
jb_catchup_window_new (JbClient *client)
{
  JbCatchupWindow *self;

  g_return_val_if_fail (JB_IS_CLIENT (client), NULL);

  self = g_object_new (JB_TYPE_CATCHUP_WINDOW, NULL);
  self->client = g_object_ref (client);
  self->journal = g_object_ref (jb_command_queue_get_journal (jb_client_get_command_queue (client)));
  gtk_list_box_bind_model (self->list, self->journal, create_row, self, NULL);
  g_signal_connect_object (self->journal, "items-changed", G_CALLBACK (update_stack), self, G_CONNECT_SWAPPED);
  update_stack (self);
  return self;
}

static void
jb_catchup_window_dispose (GObject *object)
{
  JbCatchupWindow *self = JB_CATCHUP_WINDOW (object);

  if (self->list != NULL)
    gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), JB_TYPE_CATCHUP_WINDOW);
  g_clear_object (&self->journal);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (jb_catchup_window_parent_class)->dispose (object);
}

static void
jb_catchup_window_class_init (JbCatchupWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_catchup_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/jingbao/Console/dialogs/jb-catchup-window.ui");
  gtk_widget_class_bind_template_child (widget_class, JbCatchupWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, JbCatchupWindow, list);
  gtk_widget_class_bind_template_child (widget_class, JbCatchupWindow, dismiss_button);
  gtk_widget_class_bind_template_callback (widget_class, dismiss_confirmed_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
jb_catchup_window_init (JbCatchupWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
