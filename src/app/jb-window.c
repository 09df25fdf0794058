/* jb-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-window"

#include <glib/gi18n.h>

#include "jb-incident-row.h"
#include "jb-labels.h"
#include "jb-window.h"

struct _JbWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwWindowTitle      *title;
  GtkLabel            *state_label;
  GtkLabel            *age_label;
  GtkWidget           *state_box;
  GtkLabel            *clock_label;
  GtkLabel            *user_label;
  GtkLabel            *queue_title;
  GtkListView         *queue;
  GtkStack            *queue_stack;
  JbMapView           *map_view;
  JbDetailPane        *detail_pane;
  JbLegend            *legend;

  /* Owned references */
  JbClient            *client;
  GtkSingleSelection  *selection;
  guint                tick_id;
  gboolean             syncing_selection;
};

G_DEFINE_FINAL_TYPE (JbWindow, jb_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_clock (JbWindow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *text = g_date_time_format (now, "%H:%M:%S");

  gtk_label_set_text (self->clock_label, text);
}

static void
update_state (JbWindow *self)
{
  static const char *classes[] = { "live", "reconnecting", "offline" };
  JbConnectionState state = JB_CONNECTION_STATE_OFFLINE;
  const char *text, *css;
  g_autofree char *age = NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *last = NULL;
  gint64 last_event = 0;
  gint64 age_s = -1;

  if (self->client != NULL)
    {
      state = jb_client_get_state (self->client);
      last_event = jb_client_get_last_event_time (self->client);
    }

  switch (state)
    {
    case JB_CONNECTION_STATE_LIVE:
      /* Translators: connection state in the header; short and loud */
      text = _("LIVE");
      css = "live";
      break;
    case JB_CONNECTION_STATE_CONNECTING:
      text = _("CONNECTING");
      css = "reconnecting";
      break;
    case JB_CONNECTION_STATE_RECONNECTING:
      text = _("RECONNECTING");
      css = "reconnecting";
      break;
    case JB_CONNECTION_STATE_OFFLINE:
    default:
      text = _("OFFLINE");
      css = "offline";
      break;
    }

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (self->state_box, classes[i]);
  gtk_widget_add_css_class (self->state_box, css);
  gtk_label_set_text (self->state_label, text);

  /* The age of the data: since the last event frame (last_event is
   * monotonic), or since the snapshot when nothing came yet. */
  if (last_event > 0)
    age_s = (g_get_monotonic_time () - last_event) / G_USEC_PER_SEC;

  if (age_s >= 0)
    {
      /* Translators: how old the newest data is, e.g. "data 3 s old" */
      age = g_strdup_printf (_("data %d s old"), (int) MIN (age_s, 99999));
      last = g_strdup_printf (_("%d s ago"), (int) MIN (age_s, 99999));
    }
  gtk_label_set_text (self->age_label, age ? age : "");

  /* Translators: the connection tooltip: state, last event, sequence
   * gaps (resyncs) and reconnects */
  tooltip = g_strdup_printf (_("Connection: %s\nLast event: %s\nSequence gaps: %u\nReconnects: %u\nServer: %s"),
                             text,
                             last ? last : _("none yet"),
                             self->client ? jb_client_get_gap_count (self->client) : 0,
                             self->client ? jb_client_get_reconnect_count (self->client) : 0,
                             self->client ? jb_client_get_server_url (self->client) : "");
  gtk_widget_set_tooltip_text (self->state_box, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->state_box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
}

static void
update_user (JbWindow *self)
{
  JsonObject *user = self->client ? jb_client_get_user (self->client) : NULL;
  const char *name = NULL;
  g_autofree char *text = NULL;

  if (user == NULL)
    {
      gtk_label_set_text (self->user_label, _("Not signed in"));
      return;
    }

  if (json_object_has_member (user, "display_name") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (user, "display_name")))
    name = json_object_get_string_member (user, "display_name");
  if (name == NULL)
    name = jb_client_get_username (self->client);

  /* Translators: the signed-in user in the header: name · role */
  text = g_strdup_printf (_("%s · %s"), name ? name : "", jb_role_get_label (jb_client_get_role (self->client)));
  gtk_label_set_text (self->user_label, text);
}

static void
update_title (JbWindow *self)
{
  JbStore *store = self->client ? jb_client_get_store (self->client) : NULL;
  JsonObject *config = store ? jb_store_get_config (store) : NULL;
  JsonObject *city = NULL;
  g_autofree char *subtitle = NULL;

  if (config != NULL && json_object_has_member (config, "city") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (config, "city")))
    city = json_object_get_object_member (config, "city");

  if (city != NULL)
    {
      const char *name = json_object_get_string_member_with_default (city, "name", "");
      const char *district = json_object_get_string_member_with_default (city, "district", "");

      /* Translators: the window subtitle: city and district */
      subtitle = g_strdup_printf (_("%s %s · police and security linkage"), name, district);
    }

  adw_window_title_set_subtitle (self->title, subtitle ? subtitle : _("Police and security linkage"));
}

static void
update_queue_title (JbWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  g_autofree char *text = NULL;

  /* Translators: the queue's heading with the number of open incidents */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Open Incident", "%u Open Incidents", n), n);
  gtk_label_set_text (self->queue_title, text);
  gtk_stack_set_visible_child_name (self->queue_stack, n > 0 ? "list" : "empty");
}

static gboolean
tick_cb (gpointer user_data)
{
  JbWindow *self = user_data;

  update_clock (self);
  update_state (self);

  return G_SOURCE_CONTINUE;
}

static int
compare_incidents (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  JbIncident *x = (JbIncident *) a;
  JbIncident *y = (JbIncident *) b;
  guint px = jb_incident_get_priority (x), py = jb_incident_get_priority (y);
  gint64 tx = jb_incident_get_created_at (x), ty = jb_incident_get_created_at (y);

  /* Most urgent first; within a priority, the longest waiting first. */
  if (px != py)
    return px < py ? -1 : 1;
  if (tx != ty)
    return tx < ty ? -1 : 1;
  return g_strcmp0 (jb_incident_get_id (x), jb_incident_get_id (y));
}

static void
queue_selection_changed_cb (JbWindow *self)
{
  JbIncident *incident;
  double lat, lon;

  if (self->syncing_selection)
    return;

  incident = gtk_single_selection_get_selected_item (self->selection);
  if (incident == NULL)
    return;

  self->syncing_selection = TRUE;
  jb_map_view_select (self->map_view, G_OBJECT (incident));
  self->syncing_selection = FALSE;

  if (jb_incident_get_location (incident, &lat, &lon))
    jb_map_view_show (self->map_view, lat, lon);
}

static void
map_selection_changed_cb (JbWindow *self)
{
  GObject *item = jb_map_view_get_selected (self->map_view);

  jb_detail_pane_set_item (self->detail_pane, item);

  if (self->syncing_selection)
    return;

  self->syncing_selection = TRUE;
  if (item != NULL && JB_IS_INCIDENT (item))
    {
      GListModel *model = G_LIST_MODEL (self->selection);
      guint n = g_list_model_get_n_items (model);

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(GObject) other = g_list_model_get_item (model, i);

          if (other == item)
            {
              gtk_single_selection_set_selected (self->selection, i);
              break;
            }
        }
    }
  else
    gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  self->syncing_selection = FALSE;
}

static void
client_notify_cb (JbWindow *self)
{
  update_state (self);
  update_user (self);
}

static void
store_changed_cb (JbWindow      *self,
                  JbStoreChange  kind,
                  const char    *id)
{
  if (kind == JB_STORE_CHANGE_CONFIG)
    update_title (self);
}

static void
set_client (JbWindow *self,
            JbClient *client)
{
  JbStore *store;
  GtkSortListModel *sorted;
  GtkCustomSorter *sorter;

  g_assert (self->client == NULL);

  if (client == NULL)
    return;

  self->client = g_object_ref (client);
  store = jb_client_get_store (client);

  g_signal_connect_object (client, "notify", G_CALLBACK (client_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);

  sorter = gtk_custom_sorter_new (compare_incidents, NULL, NULL);
  sorted = gtk_sort_list_model_new (g_object_ref (jb_store_get_incidents (store)), GTK_SORTER (sorter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (queue_selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (update_queue_title), self, G_CONNECT_SWAPPED);
  gtk_list_view_set_model (self->queue, GTK_SELECTION_MODEL (self->selection));

  jb_map_view_set_store (self->map_view, store);
  jb_detail_pane_set_store (self->detail_pane, store);
  jb_legend_set_store (self->legend, store);
  jb_legend_set_unit_layer (self->legend, jb_map_view_get_unit_layer (self->map_view));

  update_queue_title (self);
  update_title (self);
  update_user (self);
  update_state (self);
}

JbClient *
jb_window_get_client (JbWindow *self)
{
  g_return_val_if_fail (JB_IS_WINDOW (self), NULL);

  return self->client;
}

JbMapView *
jb_window_get_map_view (JbWindow *self)
{
  g_return_val_if_fail (JB_IS_WINDOW (self), NULL);

  return self->map_view;
}

JbDetailPane *
jb_window_get_detail_pane (JbWindow *self)
{
  g_return_val_if_fail (JB_IS_WINDOW (self), NULL);

  return self->detail_pane;
}

JbLegend *
jb_window_get_legend (JbWindow *self)
{
  g_return_val_if_fail (JB_IS_WINDOW (self), NULL);

  return self->legend;
}

GtkListView *
jb_window_get_queue (JbWindow *self)
{
  g_return_val_if_fail (JB_IS_WINDOW (self), NULL);

  return self->queue;
}

const char *
jb_window_get_state_text (JbWindow *self)
{
  g_return_val_if_fail (JB_IS_WINDOW (self), NULL);

  return gtk_label_get_text (self->state_label);
}

static void
clear_selection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  JbWindow *self = JB_WINDOW (widget);

  jb_map_view_select (self->map_view, NULL);
}

static void
jb_window_dispose (GObject *object)
{
  JbWindow *self = (JbWindow *)object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), JB_TYPE_WINDOW);
  g_clear_object (&self->selection);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (jb_window_parent_class)->dispose (object);
}

static void
jb_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  JbWindow *self = JB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  JbWindow *self = JB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      set_client (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_window_class_init (JbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_window_dispose;
  object_class->get_property = jb_window_get_property;
  object_class->set_property = jb_window_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, JB_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (JB_TYPE_MAP_VIEW);
  g_type_ensure (JB_TYPE_DETAIL_PANE);
  g_type_ensure (JB_TYPE_LEGEND);
  g_type_ensure (JB_TYPE_INCIDENT_ROW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/jingbao/Console/ui/jb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, JbWindow, title);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, state_label);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, age_label);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, state_box);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, clock_label);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, user_label);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, queue_title);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, queue);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, queue_stack);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, map_view);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, detail_pane);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, legend);
  gtk_widget_class_bind_template_callback (widget_class, map_selection_changed_cb);

  gtk_widget_class_install_action (widget_class, "win.clear-selection", NULL, clear_selection_action);
}

static void
load_style (GtkWidget *widget)
{
  static GtkCssProvider *provider;

  /* Once per process, for every window on the display; the window does it
   * (not the application) so tests that open a window see the same room. */
  if (provider != NULL)
    return;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/io/github/jingbao/Console/jb-console.css");
  gtk_style_context_add_provider_for_display (gtk_widget_get_display (widget),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
jb_window_init (JbWindow *self)
{
  load_style (GTK_WIDGET (self));
  gtk_widget_init_template (GTK_WIDGET (self));

  update_clock (self);
  update_state (self);
  update_user (self);
  self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
}

JbWindow *
jb_window_new (AdwApplication *application,
               JbClient       *client)
{
  return g_object_new (JB_TYPE_WINDOW,
                       "application", application,
                       "client", client,
                       NULL);
}
