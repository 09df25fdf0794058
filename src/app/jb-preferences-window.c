/* jb-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-preferences-window"

#include <glib/gi18n.h>

#include "jb-preferences-window.h"
#include "jb-server-list.h"
#include "jb-wall-layout.h"

struct _JbPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template widgets */
  AdwEntryRow          *server_row;
  AdwEntryRow          *servers_row;
  AdwEntryRow          *tile_row;
  AdwEntryRow          *scope_row;
  GtkSwitch            *sound_switch;
  GtkAdjustment        *volume_adjustment;
  GtkSwitch            *wall_switch;
  GtkAdjustment        *distance_adjustment;
  AdwEntryRow          *layout_row;
  AdwEntryRow          *wall_user_row;

  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (JbPreferencesWindow, jb_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
set_row_error (AdwEntryRow *row,
               gboolean     error)
{
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static gboolean
is_http_url (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);

  return uri != NULL && (g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 ||
                         g_strcmp0 (g_uri_get_scheme (uri), "https") == 0) &&
         g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

/* "a, b ,c" → ["a", "b", "c"], empty parts dropped. */
static GStrv
split_list (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }
  return g_strv_builder_end (builder);
}

/* One address, or several separated by commas: the servers to move
 * between when one stops answering, kept in order in "server-url". */
static gboolean
apply_server (JbPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) urls = jb_server_list_parse (gtk_editable_get_text (GTK_EDITABLE (self->server_row)), &error);
  g_autofree char *text = NULL;

  set_row_error (self->server_row, urls == NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->server_row),
                               error != NULL ? _("Each address must start with http:// or https:// and name a host; separate several with commas.")
                                             : NULL);
  if (urls == NULL)
    return FALSE;
  text = jb_server_list_format ((const char * const *) urls);
  g_settings_set_string (self->settings, "server-url", text);
  return TRUE;
}

static gboolean
apply_servers (JbPreferencesWindow *self)
{
  g_auto(GStrv) servers = split_list (gtk_editable_get_text (GTK_EDITABLE (self->servers_row)));

  for (guint i = 0; servers[i] != NULL; i++)
    if (!is_http_url (servers[i]))
      {
        set_row_error (self->servers_row, TRUE);
        return FALSE;
      }
  set_row_error (self->servers_row, FALSE);
  g_settings_set_strv (self->settings, "server-urls", (const char * const *) servers);
  return TRUE;
}

static gboolean
apply_tile (JbPreferencesWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->tile_row))));
  gboolean ok = *text == '\0' || (is_http_url (text) && strstr (text, "{z}") && strstr (text, "{x}") && strstr (text, "{y}"));

  set_row_error (self->tile_row, !ok);
  if (ok)
    g_settings_set_string (self->settings, "tile-url", text);
  return ok;
}

static gboolean
apply_scope (JbPreferencesWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->scope_row))));

  g_settings_set_string (self->settings, "station-scope", text);
  return TRUE;
}

static gboolean
apply_layout (JbPreferencesWindow *self)
{
  g_auto(GStrv) panes = split_list (gtk_editable_get_text (GTK_EDITABLE (self->layout_row)));
  gboolean ok = panes[0] != NULL && jb_wall_layout_check_panes ((const char * const *) panes, NULL);

  set_row_error (self->layout_row, !ok);
  if (ok)
    g_settings_set_strv (self->settings, "wall-layout", (const char * const *) panes);
  return ok;
}

static gboolean
apply_wall_user (JbPreferencesWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->wall_user_row))));

  g_settings_set_string (self->settings, "wall-user", text);
  return TRUE;
}

static void server_applied_cb    (JbPreferencesWindow *self) { apply_server (self); }
static void servers_applied_cb   (JbPreferencesWindow *self) { apply_servers (self); }
static void tile_applied_cb      (JbPreferencesWindow *self) { apply_tile (self); }
static void scope_applied_cb     (JbPreferencesWindow *self) { apply_scope (self); }
static void layout_applied_cb    (JbPreferencesWindow *self) { apply_layout (self); }
static void wall_user_applied_cb (JbPreferencesWindow *self) { apply_wall_user (self); }

gboolean
jb_preferences_window_apply_text (JbPreferencesWindow *self,
                                  const char          *row,
                                  const char          *text)
{
  static const struct {
    const char *name;
    gsize       offset;
    gboolean  (*apply) (JbPreferencesWindow *self);
  } rows[] = {
    { "server", G_STRUCT_OFFSET (JbPreferencesWindow, server_row), apply_server },
    { "servers", G_STRUCT_OFFSET (JbPreferencesWindow, servers_row), apply_servers },
    { "tile", G_STRUCT_OFFSET (JbPreferencesWindow, tile_row), apply_tile },
    { "scope", G_STRUCT_OFFSET (JbPreferencesWindow, scope_row), apply_scope },
    { "layout", G_STRUCT_OFFSET (JbPreferencesWindow, layout_row), apply_layout },
    { "wall-user", G_STRUCT_OFFSET (JbPreferencesWindow, wall_user_row), apply_wall_user },
  };

  g_return_val_if_fail (JB_IS_PREFERENCES_WINDOW (self), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (g_str_equal (rows[i].name, row))
      {
        AdwEntryRow *entry = G_STRUCT_MEMBER (AdwEntryRow *, self, rows[i].offset);

        gtk_editable_set_text (GTK_EDITABLE (entry), text);
        return rows[i].apply (self);
      }

  g_return_val_if_reached (FALSE);
}

static void
load_texts (JbPreferencesWindow *self)
{
  g_autofree char *server = g_settings_get_string (self->settings, "server-url");
  g_auto(GStrv) servers = g_settings_get_strv (self->settings, "server-urls");
  g_autofree char *servers_text = g_strjoinv (", ", servers);
  g_autofree char *tile = g_settings_get_string (self->settings, "tile-url");
  g_autofree char *scope = g_settings_get_string (self->settings, "station-scope");
  g_auto(GStrv) panes = g_settings_get_strv (self->settings, "wall-layout");
  g_autofree char *layout = g_strjoinv (", ", panes);
  g_autofree char *wall_user = g_settings_get_string (self->settings, "wall-user");

  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
  gtk_editable_set_text (GTK_EDITABLE (self->servers_row), servers_text);
  gtk_editable_set_text (GTK_EDITABLE (self->tile_row), tile);
  gtk_editable_set_text (GTK_EDITABLE (self->scope_row), scope);
  gtk_editable_set_text (GTK_EDITABLE (self->layout_row), layout);
  gtk_editable_set_text (GTK_EDITABLE (self->wall_user_row), wall_user);
}

static void
jb_preferences_window_dispose (GObject *object)
{
  JbPreferencesWindow *self = (JbPreferencesWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), JB_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (jb_preferences_window_parent_class)->dispose (object);
}

static void
jb_preferences_window_class_init (JbPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/jingbao/Console/ui/jb-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, JbPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, JbPreferencesWindow, servers_row);
  gtk_widget_class_bind_template_child (widget_class, JbPreferencesWindow, tile_row);
  gtk_widget_class_bind_template_child (widget_class, JbPreferencesWindow, scope_row);
  gtk_widget_class_bind_template_child (widget_class, JbPreferencesWindow, sound_switch);
  gtk_widget_class_bind_template_child (widget_class, JbPreferencesWindow, volume_adjustment);
  gtk_widget_class_bind_template_child (widget_class, JbPreferencesWindow, wall_switch);
  gtk_widget_class_bind_template_child (widget_class, JbPreferencesWindow, distance_adjustment);
  gtk_widget_class_bind_template_child (widget_class, JbPreferencesWindow, layout_row);
  gtk_widget_class_bind_template_child (widget_class, JbPreferencesWindow, wall_user_row);
  gtk_widget_class_bind_template_callback (widget_class, server_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, servers_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, tile_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, scope_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, layout_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, wall_user_applied_cb);
}

static void
jb_preferences_window_init (JbPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

JbPreferencesWindow *
jb_preferences_window_new (GSettings *settings)
{
  JbPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (JB_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (settings);

  /* Switches and numbers follow the settings directly; texts are checked
   * and written when applied. */
  g_settings_bind (settings, "alert-sound", self->sound_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "alert-volume", self->volume_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "wall-mode", self->wall_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "wall-distance", self->distance_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  load_texts (self);

  return self;
}
