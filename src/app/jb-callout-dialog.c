/* jb-callout-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-callout-dialog"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "jb-callout-dialog.h"
#include "jb-grid-set.h"

typedef struct
{
  JbClient       *client;
  char           *incident_id;
  char           *grid_id;      /* the incident's grid, NULL when none */
  GtkEntry       *message;
  GtkSpinButton  *radius;
  GtkCheckButton *by_grid;
} Request;

static void
request_free (gpointer data)
{
  Request *request = data;

  g_clear_object (&request->client);
  g_free (request->incident_id);
  g_free (request->grid_id);
  g_free (request);
}

static void
response_cb (AdwMessageDialog *dialog,
             const char       *response,
             Request          *request)
{
  const char *message;

  if (g_strcmp0 (response, "callout") != 0)
    return;
  message = gtk_editable_get_text (GTK_EDITABLE (request->message));
  jb_client_queue_command (request->client,
                           jb_command_new_callout (request->incident_id,
                                                   (guint) gtk_spin_button_get_value_as_int (request->radius),
                                                   gtk_check_button_get_active (request->by_grid) ? request->grid_id : NULL,
                                                   message),
                           NULL, NULL, NULL);
}

static void
message_changed_cb (GtkEditable      *editable,
                    AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (editable)));

  adw_message_dialog_set_response_enabled (dialog, "callout", text[0] != '\0');
}

void
jb_callout_dialog_present (GtkWindow  *parent,
                           JbClient   *client,
                           JbIncident *incident)
{
  Request *request = g_new0 (Request, 1);
  GtkWidget *dialog, *box, *row;
  const JbGrid *grid = NULL;
  double lat, lon;

  g_return_if_fail (JB_IS_CLIENT (client));
  g_return_if_fail (JB_IS_INCIDENT (incident));

  if (jb_incident_get_location (incident, &lat, &lon))
    grid = jb_grid_set_lookup (jb_store_get_grids (jb_client_get_store (client)), lat, lon);
  request->client = g_object_ref (client);
  request->incident_id = g_strdup (jb_incident_get_id (incident));
  request->grid_id = grid != NULL ? g_strdup (grid->id) : NULL;

  dialog = adw_message_dialog_new (parent, _("Call-out"),
                                   _("Calls every volunteer and free guard near the incident to its terminal."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  request->message = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (request->message, _("Message, e.g. a missing child in a red coat"));
  gtk_entry_set_max_length (request->message, 200);
  gtk_entry_set_activates_default (request->message, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (request->message));

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_box_append (GTK_BOX (row), gtk_label_new (_("Radius (m)")));
  request->radius = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (50, 5000, 50));
  gtk_spin_button_set_value (request->radius, 1000);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (request->radius));
  gtk_box_append (GTK_BOX (box), row);

  request->by_grid = GTK_CHECK_BUTTON (gtk_check_button_new_with_label (
    grid != NULL ? grid->name : _("The incident is in no grid")));
  gtk_widget_set_sensitive (GTK_WIDGET (request->by_grid), grid != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (request->by_grid), _("Call everyone in the incident's grid instead"));
  g_object_bind_property (request->by_grid, "active", request->radius, "sensitive", G_BINDING_INVERT_BOOLEAN);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (request->by_grid));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "callout", _("_Call Out"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "callout", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "callout");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "callout", FALSE);
  g_signal_connect (request->message, "changed", G_CALLBACK (message_changed_cb), dialog);
  g_signal_connect_data (dialog, "response", G_CALLBACK (response_cb), request,
                         (GClosureNotify) (void (*) (void)) request_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}
