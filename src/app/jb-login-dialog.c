/* jb-login-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-login-dialog"

#include <glib/gi18n.h>

#include "jb-login-dialog.h"

struct _JbLoginDialog
{
  AdwWindow     parent_instance;

  /* Template widgets */
  AdwEntryRow  *server_row;
  AdwEntryRow  *user_row;
  AdwEntryRow  *password_row;
  GtkSwitch    *remember_switch;
  GtkLabel     *error_label;
  GtkButton    *sign_in_button;
  GtkSpinner   *spinner;

  gboolean      busy;
};

G_DEFINE_FINAL_TYPE (JbLoginDialog, jb_login_dialog, ADW_TYPE_WINDOW)

enum {
  SUBMITTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_sensitivity (JbLoginDialog *self)
{
  const char *server = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  const char *user = gtk_editable_get_text (GTK_EDITABLE (self->user_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.sign-in",
                                 !self->busy && *server && *user && *password);
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->user_row), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !self->busy);
  gtk_spinner_set_spinning (self->spinner, self->busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy);
}

static void
entry_changed_cb (JbLoginDialog *self)
{
  update_sensitivity (self);
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  JbLoginDialog *self = JB_LOGIN_DIALOG (widget);
  g_autofree char *server = NULL;

  server = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));

  self->busy = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  update_sensitivity (self);

  g_signal_emit (self, signals[SUBMITTED], 0,
                 server,
                 gtk_editable_get_text (GTK_EDITABLE (self->user_row)),
                 gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
}

static void
activated_cb (JbLoginDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "login.sign-in", NULL);
}

void
jb_login_dialog_set_error (JbLoginDialog *self,
                           const char    *message)
{
  g_return_if_fail (JB_IS_LOGIN_DIALOG (self));

  self->busy = FALSE;
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  update_sensitivity (self);

  if (message != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

const char *
jb_login_dialog_get_error (JbLoginDialog *self)
{
  g_return_val_if_fail (JB_IS_LOGIN_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;

  return gtk_label_get_text (self->error_label);
}

void
jb_login_dialog_submit (JbLoginDialog *self,
                        const char    *password)
{
  g_return_if_fail (JB_IS_LOGIN_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
  gtk_widget_activate_action (GTK_WIDGET (self), "login.sign-in", NULL);
}

static void
jb_login_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), JB_TYPE_LOGIN_DIALOG);

  G_OBJECT_CLASS (jb_login_dialog_parent_class)->dispose (object);
}

static void
jb_login_dialog_class_init (JbLoginDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_login_dialog_dispose;

  signals[SUBMITTED] =
    g_signal_new ("submitted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/jingbao/Console/ui/jb-login-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, JbLoginDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, JbLoginDialog, user_row);
  gtk_widget_class_bind_template_child (widget_class, JbLoginDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, JbLoginDialog, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, JbLoginDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, JbLoginDialog, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, JbLoginDialog, spinner);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, activated_cb);

  gtk_widget_class_install_action (widget_class, "login.sign-in", NULL, sign_in_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
jb_login_dialog_init (JbLoginDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_sensitivity (self);
}

JbLoginDialog *
jb_login_dialog_new (const char *server_url,
                     const char *username)
{
  JbLoginDialog *self = g_object_new (JB_TYPE_LOGIN_DIALOG, NULL);

  if (server_url != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->server_row), server_url);
  if (username != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->user_row), username);

  return self;
}

gboolean
jb_login_dialog_get_remember (JbLoginDialog *self)
{
  g_return_val_if_fail (JB_IS_LOGIN_DIALOG (self), FALSE);

  return gtk_switch_get_active (self->remember_switch);
}

void
jb_login_dialog_set_remember (JbLoginDialog *self,
                              gboolean       remember)
{
  g_return_if_fail (JB_IS_LOGIN_DIALOG (self));

  gtk_switch_set_active (self->remember_switch, remember);
}
