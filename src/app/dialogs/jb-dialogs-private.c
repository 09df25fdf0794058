/* jb-dialogs-private.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-dialogs"

#include <glib/gi18n.h>

#include "jb-dialogs-private.h"
#include "jb-dialogs-resources.h"
#include "jb-error.h"

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

const char *
_jb_disposition_get_label (JbDisposition disposition)
{
  switch (disposition)
    {
    case JB_DISPOSITION_RESOLVED_ON_SCENE: return _("Resolved on scene");
    case JB_DISPOSITION_MEDIATED:          return _("Mediated");
    case JB_DISPOSITION_REFERRED:          return _("Referred to another agency");
    case JB_DISPOSITION_ARRESTED:          return _("Suspect detained");
    case JB_DISPOSITION_FALSE_ALARM:       return _("False alarm");
    case JB_DISPOSITION_DUPLICATE:         return _("Duplicate report");
    case JB_DISPOSITION_NO_ACTION:         return _("No action needed");
    case JB_DISPOSITION_OTHER:
    case JB_DISPOSITION_N:
    default:                               return _("Other outcome");
    }
}

const char *
_jb_procedure_step_get_label (JbProcedureStep step)
{
  switch (step)
    {
    case JB_PROCEDURE_STEP_SEPARATE:        return _("Separated the parties");
    case JB_PROCEDURE_STEP_MEDIATE:         return _("Talked the parties down");
    case JB_PROCEDURE_STEP_CALM:            return _("Calmed emotions");
    case JB_PROCEDURE_STEP_WAIT_FOR_POLICE: return _("Waiting for police");
    case JB_PROCEDURE_STEP_N:
    default:                                return _("Unknown step");
    }
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
_jb_describe_command_error (const GError *error,
                            const char   *forbidden,
                            const char   *conflict)
{
  const char *message = error->message;

  if (error->domain != JB_ERROR)
    return g_strdup_printf (_("The command failed: %s"), message);

  switch ((JbErrorCode) error->code)
    {
    case JB_ERROR_FORBIDDEN:
      if (forbidden != NULL)
        return g_strdup (forbidden);
      return g_strdup_printf (_("Your account is not allowed to do this (%s)."), message);

    case JB_ERROR_CONFLICT:
      if (conflict != NULL)
        return g_strdup (conflict);
      return g_strdup_printf (_("This is no longer possible: the incident changed meanwhile (%s)."), message);

    case JB_ERROR_NOT_FOUND:
      return g_strdup (_("The server does not know this incident any more."));

    case JB_ERROR_UNAUTHORIZED:
      return g_strdup (_("Your session has ended. Sign in again, then repeat this."));

    case JB_ERROR_NETWORK:
      return g_strdup_printf (_("The server cannot be reached (%s). Nothing was changed."), message);

    case JB_ERROR_MALFORMED_JSON:
    case JB_ERROR_NOT_AN_OBJECT:
    case JB_ERROR_MISSING_FIELD:
    case JB_ERROR_INVALID_TYPE:
    case JB_ERROR_INVALID_VALUE:
    case JB_ERROR_UNKNOWN_FIELD:
    case JB_ERROR_OUT_OF_RANGE:
    case JB_ERROR_BAD_REQUEST:
    case JB_ERROR_PAYLOAD_TOO_LARGE:
      return g_strdup_printf (_("The server refused the input: %s"), message);

    case JB_ERROR_IDEMPOTENCY_KEY_REUSED:
    case JB_ERROR_METHOD_NOT_ALLOWED:
    case JB_ERROR_INTERNAL:
    case JB_ERROR_PROTOCOL:
    case JB_ERROR_N:
    default:
      return g_strdup_printf (_("The server could not do this: %s. Nothing was changed."), message);
    }
}

const char *
_jb_client_get_user_station_id (JbClient *client)
{
  JsonObject *user = jb_client_get_user (client);
  JsonNode *node;

  if (user == NULL || !json_object_has_member (user, "station_id"))
    return NULL;

  node = json_object_get_member (user, "station_id");
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);

  return NULL;
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
