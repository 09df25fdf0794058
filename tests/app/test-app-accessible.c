/* test-app-accessible.c — every control has a name a screen reader can say
 *
 * Walks the window and the sign-in dialog: each button, entry, list and
 * image must carry an accessible label, be labelled by another widget, or
 * show text of its own (a button with a label).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>

#include "jb-client.h"
#include "jb-login-dialog.h"
#include "jb-test-wait.h"
#include "jb-window.h"

static const GtkAccessibleRole control_roles[] = {
  GTK_ACCESSIBLE_ROLE_BUTTON,
  GTK_ACCESSIBLE_ROLE_CHECKBOX,
  GTK_ACCESSIBLE_ROLE_SWITCH,
  GTK_ACCESSIBLE_ROLE_TEXT_BOX,
  GTK_ACCESSIBLE_ROLE_SEARCH_BOX,
  GTK_ACCESSIBLE_ROLE_SPIN_BUTTON,
  GTK_ACCESSIBLE_ROLE_COMBO_BOX,
  GTK_ACCESSIBLE_ROLE_LIST,
  GTK_ACCESSIBLE_ROLE_IMG,
};

static gboolean
is_control (GtkWidget *widget)
{
  GtkAccessibleRole role = gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget));

  for (guint i = 0; i < G_N_ELEMENTS (control_roles); i++)
    if (role == control_roles[i])
      return TRUE;

  return FALSE;
}

static gboolean
shows_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_label_get_text (GTK_LABEL (widget))[0] != '\0')
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_text (child))
      return TRUE;

  return FALSE;
}

static gboolean
has_name (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  return gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL) ||
         gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY) ||
         (gtk_accessible_get_accessible_role (accessible) != GTK_ACCESSIBLE_ROLE_IMG &&
          gtk_accessible_get_accessible_role (accessible) != GTK_ACCESSIBLE_ROLE_LIST &&
          shows_text (widget));
}

static void
check_tree (GtkWidget *widget,
            GString   *unnamed,
            guint     *n_checked,
            gboolean   in_row)
{
  if (!gtk_widget_get_visible (widget))
    return;

  /* An icon inside a list row or a button decorates what the row or button
   * says (an entry row's pencil, a password row's eye). */
  if (in_row && gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)) == GTK_ACCESSIBLE_ROLE_IMG)
    return;

  if (is_control (widget))
    {
      (*n_checked)++;
      if (!has_name (widget))
        g_string_append_printf (unnamed, " %s%s%s",
                                G_OBJECT_TYPE_NAME (widget),
                                gtk_widget_get_name (widget)[0] ? "#" : "",
                                gtk_widget_get_name (widget));
    }

  /* A menu button's inner toggle is named by the menu button. */
  if (GTK_IS_MENU_BUTTON (widget))
    return;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_tree (child, unnamed, n_checked,
                in_row || GTK_IS_LIST_BOX_ROW (widget) || GTK_IS_BUTTON (widget));
}

static void
test_window_controls_named (void)
{
  g_autoptr(JbClient) client = jb_client_new ("http://127.0.0.1:9");
  g_autoptr(GString) unnamed = g_string_new (NULL);
  JbWindow *window = jb_window_new (NULL, client);
  guint n_checked = 0;

  gtk_window_present (GTK_WINDOW (window));
  jb_test_spin (200);

  /* The follow bar is shown only while following: show it too. */
  jb_map_view_follow (jb_window_get_map_view (window), "u-00001");
  check_tree (GTK_WIDGET (window), unnamed, &n_checked, FALSE);
  jb_map_view_follow (jb_window_get_map_view (window), NULL);

  g_test_message ("checked %u controls", n_checked);
  g_assert_cmpuint (n_checked, >=, 8);
  g_assert_cmpstr (unnamed->str, ==, "");

  gtk_window_destroy (GTK_WINDOW (window));
  jb_test_spin (50);
}

static void
test_login_controls_named (void)
{
  g_autoptr(GString) unnamed = g_string_new (NULL);
  JbLoginDialog *dialog = jb_login_dialog_new ("http://127.0.0.1:8080", "dispatcher");
  guint n_checked = 0;

  gtk_window_present (GTK_WINDOW (dialog));
  jb_test_spin (200);
  jb_login_dialog_set_error (dialog, "The user name or password is wrong.");
  check_tree (GTK_WIDGET (dialog), unnamed, &n_checked, FALSE);

  g_test_message ("checked %u controls", n_checked);
  g_assert_cmpuint (n_checked, >=, 4);
  g_assert_cmpstr (unnamed->str, ==, "");
  g_assert_cmpstr (jb_login_dialog_get_error (dialog), ==, "The user name or password is wrong.");

  gtk_window_destroy (GTK_WINDOW (dialog));
  jb_test_spin (50);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  adw_init ();

  g_test_add_func ("/app/accessible/window", test_window_controls_named);
  g_test_add_func ("/app/accessible/login", test_login_controls_named);

  return g_test_run ();
}
