/* jb-close-incident-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-close-incident-dialog"

#include <glib/gi18n.h>

#include "jb-close-incident-dialog.h"
#include "jb-dialogs-private.h"
#include "jb-error.h"
#include "jb-labels.h"

#define EVENT_WAIT_MS 5000

struct _JbCloseIncidentDialog
{
  AdwWindow            parent_instance;

  /* Template widgets */
  AdwWindowTitle      *window_title;
  GtkButton           *submit_button;
  GtkLabel            *heading_label;
  GtkLabel            *subheading_label;
  GtkWidget           *form_box;
  AdwActionRow        *resolve_row;
  GtkCheckButton      *resolve_check;
  GtkCheckButton      *close_check;
  AdwComboRow         *disposition_row;
  AdwEntryRow         *note_row;
  GtkLabel            *error_label;
  GtkWidget           *pending_box;
  GtkSpinner          *spinner;
  GtkLabel            *pending_label;

  /* Owned references */
  JbClient            *client;
  char                *incident_id;
  gulong               store_changed_id;
  gulong               live_changed_id;
  guint                event_timeout_id;

  JbCloseIncidentMode  mode;
  gboolean             pending;
  gboolean             disposition_chosen;   /* by the person: keep it */
  gboolean             setting_disposition;
};

G_DEFINE_FINAL_TYPE (JbCloseIncidentDialog, jb_close_incident_dialog, ADW_TYPE_WINDOW)

enum {
  DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static JbIncident *
lookup_incident (JbCloseIncidentDialog *self)
{
  return jb_store_lookup_incident (jb_client_get_store (self->client), self->incident_id);
}

static void
set_error (JbCloseIncidentDialog *self,
           const char            *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
update_mode (JbCloseIncidentDialog *self)
{
  gboolean resolve = self->mode == JB_CLOSE_INCIDENT_MODE_RESOLVE;

  gtk_button_set_label (self->submit_button, resolve ? _("_Resolve") : _("C_lose Incident"));
  adw_window_title_set_title (self->window_title, resolve ? _("Resolve Incident") : _("Close Incident"));
  gtk_window_set_title (GTK_WINDOW (self), resolve ? _("Resolve Incident") : _("Close Incident"));
  gtk_label_set_text (self->pending_label, resolve ? _("Resolving…") : _("Closing…"));
  if (!gtk_check_button_get_active (resolve ? self->resolve_check : self->close_check))
    gtk_check_button_set_active (resolve ? self->resolve_check : self->close_check, TRUE);
}

static void
mode_toggled_cb (JbCloseIncidentDialog *self)
{
  JbCloseIncidentMode mode = gtk_check_button_get_active (self->resolve_check)
                             ? JB_CLOSE_INCIDENT_MODE_RESOLVE : JB_CLOSE_INCIDENT_MODE_CLOSE;

  if (!gtk_check_button_get_active (self->resolve_check) && !gtk_check_button_get_active (self->close_check))
    return;  /* between the two toggles of a group switch */
  if (mode != self->mode)
    {
      self->mode = mode;
      update_mode (self);
    }
}

static void
show_incident (JbCloseIncidentDialog *self,
               JbIncident            *incident)
{
  g_autofree char *heading = NULL;
  g_autofree char *subheading = NULL;
  const char *place;

  /* Translators: a heading: incident type · number */
  heading = g_strdup_printf (_("%s · %s"), jb_incident_type_get_label (jb_incident_get_incident_type (incident)),
                             jb_incident_get_number (incident));
  place = jb_incident_get_venue_name (incident);
  if (place == NULL)
    place = jb_incident_get_address (incident);
  /* Translators: priority, status, place of an incident */
  subheading = g_strdup_printf (_("Priority %u · %s · %s"), jb_incident_get_priority (incident),
                                jb_incident_status_get_label (jb_incident_get_status (incident)),
                                place ? place : _("no address"));
  gtk_label_set_text (self->heading_label, heading);
  gtk_label_set_text (self->subheading_label, subheading);

  if (jb_incident_get_status (incident) >= JB_INCIDENT_STATUS_RESOLVED)
    {
      int disposition = jb_incident_get_disposition (incident);

      gtk_widget_set_sensitive (GTK_WIDGET (self->resolve_row), FALSE);
      adw_action_row_set_subtitle (self->resolve_row,
                                   jb_incident_get_status (incident) == JB_INCIDENT_STATUS_CLOSED
                                   ? _("Already closed") : _("Already resolved"));
      self->mode = JB_CLOSE_INCIDENT_MODE_CLOSE;
      if (disposition >= 0 && disposition < JB_DISPOSITION_N && !self->disposition_chosen)
        {
          self->setting_disposition = TRUE;
          adw_combo_row_set_selected (self->disposition_row, (guint) disposition + 1);
          self->setting_disposition = FALSE;
        }
      update_mode (self);
    }
}

/* Someone else may act on the incident while the dialog is open: keep
 * the heading (status) true. */
static void
incident_changed_cb (JbCloseIncidentDialog *self,
                     JbStoreChange          kind,
                     const char            *id)
{
  JbIncident *incident;

  if (kind != JB_STORE_CHANGE_INCIDENT || g_strcmp0 (id, self->incident_id) != 0 || self->pending)
    return;

  incident = lookup_incident (self);
  if (incident != NULL)
    show_incident (self, incident);
  else
    gtk_label_set_text (self->subheading_label, _("Not in the queue: it may be closed already."));
}

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(JbCloseIncidentDialog) self = _jb_weak_ref_steal (user_data);
  g_autoptr(JbIncident) incident = NULL;

  incident = jb_client_fetch_incident_finish (JB_CLIENT (object), result, NULL);
  if (self == NULL || incident == NULL || lookup_incident (self) != NULL)
    return;

  show_incident (self, incident);
}

/* An incident the store does not hold (closed ones leave it): say so, and
 * ask the server what it is. */
static void
show_unknown_incident (JbCloseIncidentDialog *self)
{
  gtk_label_set_text (self->heading_label, self->incident_id);
  gtk_label_set_text (self->subheading_label, _("Not in the queue: it may be closed already."));
  jb_client_fetch_incident_async (self->client, self->incident_id, NULL, fetched_cb, _jb_weak_ref_new (self));
}

static void
set_pending (JbCloseIncidentDialog *self,
             gboolean               pending)
{
  self->pending = pending;
  gtk_widget_set_sensitive (self->form_box, !pending);
  gtk_widget_set_visible (self->pending_box, pending);
  gtk_spinner_set_spinning (self->spinner, pending);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "close-incident.submit", !pending);
}

static gboolean
is_confirmed (JbCloseIncidentDialog *self)
{
  JbIncident *incident = lookup_incident (self);

  if (incident == NULL)
    return TRUE;  /* closed incidents leave the store */
  if (self->mode == JB_CLOSE_INCIDENT_MODE_RESOLVE)
    return jb_incident_get_status (incident) >= JB_INCIDENT_STATUS_RESOLVED;
  return jb_incident_get_status (incident) == JB_INCIDENT_STATUS_CLOSED;
}

static void
finish (JbCloseIncidentDialog *self)
{
  g_clear_signal_handler (&self->store_changed_id, jb_client_get_store (self->client));
  g_clear_handle_id (&self->event_timeout_id, g_source_remove);

  set_pending (self, FALSE);
  g_signal_emit (self, signals[DONE], 0, self->incident_id);
  gtk_window_close (GTK_WINDOW (self));
}

static void
store_changed_cb (JbCloseIncidentDialog *self,
                  JbStoreChange          kind,
                  const char            *id)
{
  if (kind == JB_STORE_CHANGE_INCIDENT && g_strcmp0 (id, self->incident_id) == 0 && is_confirmed (self))
    finish (self);
}

static gboolean
event_timeout_cb (gpointer data)
{
  JbCloseIncidentDialog *self = data;

  self->event_timeout_id = 0;
  finish (self);
  return G_SOURCE_REMOVE;
}

static char *
describe_error (JbCloseIncidentDialog *self,
                const GError          *error)
{
  g_autofree char *forbidden = NULL;
  const char *conflict;

  if (g_error_matches (error, JB_ERROR, JB_ERROR_FORBIDDEN))
    {
      JbRole role = jb_client_get_role (self->client);
      JbIncident *incident = lookup_incident (self);
      JbStore *store = jb_client_get_store (self->client);

      if (role == JB_ROLE_VIEWER)
        forbidden = g_strdup (_("This account can only watch: it cannot resolve or close incidents."));
      else if (role == JB_ROLE_DUTY_OFFICER)
        {
          JbStation *station = incident ? jb_store_lookup_station (store, jb_incident_get_station_id (incident)) : NULL;

          if (station != NULL)
            forbidden = g_strdup_printf (_("This incident belongs to %s. Only its own station or the command "
                                           "centre can resolve or close it."),
                                         jb_station_get_name (station));
          else
            forbidden = g_strdup (_("This incident belongs to another station. Only its own station or the "
                                    "command centre can resolve or close it."));
        }
    }

  if (self->mode == JB_CLOSE_INCIDENT_MODE_RESOLVE)
    conflict = _("This incident is already resolved or closed: someone else finished it. Nothing was changed.");
  else
    conflict = _("This incident is already closed. Nothing was changed.");

  return _jb_describe_command_error (self->client, error, forbidden, conflict);
}

static void
submit_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(JbCloseIncidentDialog) self = _jb_weak_ref_steal (user_data);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;

  answer = jb_client_command_finish (JB_CLIENT (object), result, &error);
  if (self == NULL)
    return;

  if (error != NULL)
    {
      g_autofree char *message = describe_error (self, error);

      set_pending (self, FALSE);
      set_error (self, message);
      return;
    }

  if (is_confirmed (self))
    {
      finish (self);
      return;
    }

  gtk_label_set_text (self->pending_label, _("Done; waiting for the update to arrive…"));
  self->store_changed_id = g_signal_connect_object (jb_client_get_store (self->client), "changed",
                                                    G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  self->event_timeout_id = g_timeout_add (EVENT_WAIT_MS, event_timeout_cb, self);
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  JbCloseIncidentDialog *self = JB_CLOSE_INCIDENT_DIALOG (widget);
  g_autofree char *note = NULL;
  int disposition = jb_close_incident_dialog_get_disposition (self);

  if (self->pending)
    return;
  if (disposition < 0)
    {
      /* Nothing is preselected: the person chooses. */
      set_error (self, _("Choose a disposition first."));
      gtk_widget_grab_focus (GTK_WIDGET (self->disposition_row));
      return;
    }

  note = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->note_row))));

  set_error (self, NULL);
  update_mode (self);
  set_pending (self, TRUE);

  if (self->mode == JB_CLOSE_INCIDENT_MODE_RESOLVE)
    jb_client_queue_command (self->client,
                             jb_command_new_resolve (self->incident_id, (JbDisposition) disposition, note),
                             NULL, submit_cb, _jb_weak_ref_new (self));
  else
    jb_client_queue_command (self->client, jb_command_new_close (self->incident_id, (int) disposition, note),
                             NULL, submit_cb, _jb_weak_ref_new (self));
}

static void
disposition_changed_cb (JbCloseIncidentDialog *self)
{
  if (!self->setting_disposition)
    self->disposition_chosen = TRUE;
}

static void
entry_activated_cb (JbCloseIncidentDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "close-incident.submit", NULL);
}

static void
jb_close_incident_dialog_dispose (GObject *object)
{
  JbCloseIncidentDialog *self = (JbCloseIncidentDialog *)object;

  if (self->client != NULL)
    {
      g_clear_signal_handler (&self->store_changed_id, jb_client_get_store (self->client));
      g_clear_signal_handler (&self->live_changed_id, jb_client_get_store (self->client));
    }
  g_clear_handle_id (&self->event_timeout_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), JB_TYPE_CLOSE_INCIDENT_DIALOG);

  g_clear_object (&self->client);
  g_clear_pointer (&self->incident_id, g_free);

  G_OBJECT_CLASS (jb_close_incident_dialog_parent_class)->dispose (object);
}

static void
jb_close_incident_dialog_class_init (JbCloseIncidentDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_close_incident_dialog_dispose;

  signals[DONE] =
    g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  _jb_dialogs_ensure_style ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/jingbao/Console/dialogs/jb-close-incident-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, JbCloseIncidentDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, JbCloseIncidentDialog, submit_button);
  gtk_widget_class_bind_template_child (widget_class, JbCloseIncidentDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, JbCloseIncidentDialog, subheading_label);
  gtk_widget_class_bind_template_child (widget_class, JbCloseIncidentDialog, form_box);
  gtk_widget_class_bind_template_child (widget_class, JbCloseIncidentDialog, resolve_row);
  gtk_widget_class_bind_template_child (widget_class, JbCloseIncidentDialog, resolve_check);
  gtk_widget_class_bind_template_child (widget_class, JbCloseIncidentDialog, close_check);
  gtk_widget_class_bind_template_child (widget_class, JbCloseIncidentDialog, disposition_row);
  gtk_widget_class_bind_template_child (widget_class, JbCloseIncidentDialog, note_row);
  gtk_widget_class_bind_template_child (widget_class, JbCloseIncidentDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, JbCloseIncidentDialog, pending_box);
  gtk_widget_class_bind_template_child (widget_class, JbCloseIncidentDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, JbCloseIncidentDialog, pending_label);
  gtk_widget_class_bind_template_callback (widget_class, mode_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, disposition_changed_cb);

  gtk_widget_class_install_action (widget_class, "close-incident.submit", NULL, submit_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "close-incident.submit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "close-incident.submit", NULL);
}

static void
jb_close_incident_dialog_init (JbCloseIncidentDialog *self)
{
  g_autoptr(GtkStringList) dispositions = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self), "jb-dialog");

  /* Row 0 chooses nothing: no disposition is guessed for the person. */
  gtk_string_list_append (dispositions, _("Choose…"));
  for (guint i = 0; i < JB_DISPOSITION_N; i++)
    gtk_string_list_append (dispositions, jb_disposition_get_label (i));
  self->setting_disposition = TRUE;
  adw_combo_row_set_model (self->disposition_row, G_LIST_MODEL (dispositions));
  adw_combo_row_set_selected (self->disposition_row, 0);
  self->setting_disposition = FALSE;
}

JbCloseIncidentDialog *
jb_close_incident_dialog_new (JbClient            *client,
                              const char          *incident_id,
                              JbCloseIncidentMode  mode)
{
  JbCloseIncidentDialog *self;

  g_return_val_if_fail (JB_IS_CLIENT (client), NULL);
  g_return_val_if_fail (incident_id != NULL, NULL);

  self = g_object_new (JB_TYPE_CLOSE_INCIDENT_DIALOG, NULL);
  self->client = g_object_ref (client);
  self->incident_id = g_strdup (incident_id);
  self->mode = mode;
  update_mode (self);
  if (lookup_incident (self) != NULL)
    show_incident (self, lookup_incident (self));
  else
    show_unknown_incident (self);
  self->live_changed_id = g_signal_connect_object (jb_client_get_store (client), "changed",
                                                   G_CALLBACK (incident_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_grab_focus (GTK_WIDGET (self->disposition_row));

  if (jb_client_get_role (client) == JB_ROLE_VIEWER)
    {
      set_error (self, _("This account can only watch: it cannot resolve or close incidents."));
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "close-incident.submit", FALSE);
    }

  return self;
}

const char *
jb_close_incident_dialog_get_incident_id (JbCloseIncidentDialog *self)
{
  g_return_val_if_fail (JB_IS_CLOSE_INCIDENT_DIALOG (self), NULL);

  return self->incident_id;
}

void
jb_close_incident_dialog_set_mode (JbCloseIncidentDialog *self,
                                   JbCloseIncidentMode    mode)
{
  g_return_if_fail (JB_IS_CLOSE_INCIDENT_DIALOG (self));

  if (self->pending || !gtk_widget_get_sensitive (GTK_WIDGET (self->resolve_row)))
    return;
  self->mode = mode;
  update_mode (self);
}

JbCloseIncidentMode
jb_close_incident_dialog_get_mode (JbCloseIncidentDialog *self)
{
  g_return_val_if_fail (JB_IS_CLOSE_INCIDENT_DIALOG (self), JB_CLOSE_INCIDENT_MODE_CLOSE);

  return self->mode;
}

void
jb_close_incident_dialog_set_disposition (JbCloseIncidentDialog *self,
                                          JbDisposition          disposition)
{
  g_return_if_fail (JB_IS_CLOSE_INCIDENT_DIALOG (self));
  g_return_if_fail (disposition < JB_DISPOSITION_N);

  adw_combo_row_set_selected (self->disposition_row, (guint) disposition + 1);
}

int
jb_close_incident_dialog_get_disposition (JbCloseIncidentDialog *self)
{
  guint selected;

  g_return_val_if_fail (JB_IS_CLOSE_INCIDENT_DIALOG (self), -1);

  selected = adw_combo_row_get_selected (self->disposition_row);
  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION || selected > JB_DISPOSITION_N)
    return -1;
  return (int) selected - 1;
}

void
jb_close_incident_dialog_set_note (JbCloseIncidentDialog *self,
                                   const char            *note)
{
  g_return_if_fail (JB_IS_CLOSE_INCIDENT_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->note_row), note ? note : "");
}

gboolean
jb_close_incident_dialog_get_pending (JbCloseIncidentDialog *self)
{
  g_return_val_if_fail (JB_IS_CLOSE_INCIDENT_DIALOG (self), FALSE);

  return self->pending;
}

const char *
jb_close_incident_dialog_get_error (JbCloseIncidentDialog *self)
{
  g_return_val_if_fail (JB_IS_CLOSE_INCIDENT_DIALOG (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->error_label)) ? gtk_label_get_text (self->error_label) : NULL;
}
