/* jb-dialogs-private.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-dialogs"

#include <glib/gi18n.h>

#include "jb-dialogs-private.h"
#include "jb-dialogs-resources.h"
#include "jb-error.h"
#include "jb-labels.h"

void
_jb_dialogs_ensure_style (void)
{
  static GdkDisplay *styled_display;
  g_autoptr(GtkCssProvider) provider = NULL;
  GdkDisplay *display;

  /* Referencing the resource keeps its object file (and constructor) in
   * the link when this library is linked as a static archive. */
  g_assert (jb_dialogs_get_resource () != NULL);

  display = gdk_display_get_default ();
  if (display == NULL || display == styled_display)
    return;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/io/github/jingbao/Console/dialogs/jb-dialogs.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  styled_display = display;
}

char *
_jb_format_date_time (gint64 ms)
{
  g_autoptr(GDateTime) dt = NULL;

  if (ms <= 0)
    return g_strdup ("—");

  dt = g_date_time_new_from_unix_local (ms / 1000);
  return g_date_time_format (dt, "%Y-%m-%d %H:%M");
}

char *
_jb_describe_command_error (JbClient     *client,
                            const GError *error,
                            const char   *forbidden,
                            const char   *conflict)
{
  if (forbidden != NULL && g_error_matches (error, JB_ERROR, JB_ERROR_FORBIDDEN))
    return g_strdup (forbidden);
  if (conflict != NULL && g_error_matches (error, JB_ERROR, JB_ERROR_CONFLICT))
    return g_strdup (conflict);

  return jb_describe_command_error (error, jb_client_get_role (client) == JB_ROLE_VIEWER);
}

struct _JbWeakRef
{
  GWeakRef weak;
};

JbWeakRef *
_jb_weak_ref_new (gpointer object)
{
  JbWeakRef *ref = g_new0 (JbWeakRef, 1);

  g_weak_ref_init (&ref->weak, object);
  return ref;
}

gpointer
_jb_weak_ref_steal (JbWeakRef *ref)
{
  gpointer object = g_weak_ref_get (&ref->weak);

  g_weak_ref_clear (&ref->weak);
  g_free (ref);
  return object;
}
