/* jb-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-window"

#include <glib/gi18n.h>
#include <string.h>

#include "jb-alert-list.h"
#include "jb-application.h"
#include "jb-draft-list.h"
#include "jb-incident-row.h"
#include "jb-roster-panel.h"
#include "jb-window-private.h"
#include "jb-labels.h"
#include "jb-queue.h"
#include "jb-server-list.h"
#include "jb-window.h"

G_DEFINE_FINAL_TYPE (JbWindow, jb_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_OWN_STATION,
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
  JbConnectionState state = JB_CONNECTION_STATE_OFFLINE;
  const char *text;
  g_autofree char *age = NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *last = NULL;
  g_autofree char *server = NULL;
  g_autofree char *server_text = NULL;
  gboolean moving = FALSE;
  gint64 last_event = 0;
  gint64 age_s = -1;

  if (self->client != NULL)
    {
      state = jb_client_get_state (self->client);
      last_event = jb_client_get_last_event_time (self->client);
      moving = jb_client_get_moving (self->client);
      server = jb_server_list_label (jb_client_get_server_url (self->client));
    }

  text = jb_connection_badge_update (self->state_box, self->state_label, state, moving);
  if (server != NULL)
    /* Translators: the server being moved to in the header, %s is host:port */
    server_text = moving ? g_strdup_printf (_("→ %s"), server) : g_strdup (server);
  gtk_label_set_text (self->server_label, server_text ? server_text : "");

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
  if (self->client != NULL && g_strv_length ((GStrv) jb_client_get_server_urls (self->client)) > 1)
    {
      g_autofree char *list = g_strjoinv (", ", (GStrv) jb_client_get_server_urls (self->client));
      char *with_list;

      /* Translators: a line of the connection tooltip: the servers the
       * console moves between when one stops answering, in order */
      with_list = g_strdup_printf (_("%s\nServers, in order: %s"), tooltip, list);
      g_free (tooltip);
      tooltip = with_list;
    }
  gtk_widget_set_tooltip_text (self->state_box, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->state_box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
}

static void
update_user (JbWindow *self)
{
  const char *name = self->client ? jb_client_get_display_name (self->client) : NULL;
  g_autofree char *text = NULL;

  if (self->client == NULL || !jb_client_is_logged_in (self->client))
    {
      gtk_label_set_text (self->user_label, _("Not signed in"));
      return;
    }

  /* Translators: the signed-in user in the header: name · role */
  text = g_strdup_printf (_("%s · %s"), name ? name : "", jb_role_get_label (jb_client_get_role (self->client)));
  gtk_label_set_text (self->user_label, text);
}

static void
update_title (JbWindow *self)
{
  JbConfig *config = self->client ? jb_client_get_config (self->client) : NULL;
  g_autofree char *subtitle = NULL;

  if (config != NULL &&
      (*jb_config_get_city_name (config) != '\0' || *jb_config_get_city_district (config) != '\0'))
    {
      const char *name = jb_config_get_city_name (config);
      const char *district = jb_config_get_city_district (config);

      /* Translators: the window subtitle: city and district */
      subtitle = g_strdup_printf (_("%s %s · police and security linkage"), name, district);
    }

  adw_window_title_set_subtitle (self->title, subtitle ? subtitle : _("Police and security linkage"));
}

static const char *user_station_id (JbWindow *self);

/* With the own-station filter on, the queue says what it hides: how many
 * open incidents other stations have, and which of them ring. */
static void
update_other_stations (JbWindow *self)
{
  GListModel *incidents;
  g_autoptr(GString) ringing = g_string_new (NULL);
  g_autofree char *text = NULL;
  guint n = 0, n_ringing = 0;

  if (self->client != NULL && self->own_station && user_station_id (self) != NULL)
    {
      JbStore *store = jb_client_get_store (self->client);
      const char * const *mine = jb_client_get_station_ids (self->client);

      incidents = jb_store_get_incidents (store);
      for (guint i = 0; i < g_list_model_get_n_items (incidents); i++)
        {
          g_autoptr(JbIncident) incident = g_list_model_get_item (incidents, i);
          JbStation *station;

          if (!jb_incident_is_active (incident) ||
              jb_queue_in_scope (incident, mine))
            continue;
          n++;
          if (jb_incident_get_status (incident) != JB_INCIDENT_STATUS_NEW)
            continue;
          n_ringing++;
          station = jb_incident_get_station_id (incident)
                    ? jb_store_lookup_station (store, jb_incident_get_station_id (incident)) : NULL;
          if (n_ringing <= 2)
            g_string_append_printf (ringing, "%s%s", n_ringing > 1 ? _(", ") : "",
                                    station ? jb_station_get_name (station) : _("no station"));
        }
    }

  self->n_other_open = n;
  if (n > 0 && n_ringing > 0)
    /* Translators: the queue's note under a duty officer's own-station
     * filter: open incidents elsewhere, which stations' alarms ring, the key */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u open incident at other stations; ringing: %s. Ctrl+Shift+S shows it.",
                                         "%u open incidents at other stations; ringing: %s. Ctrl+Shift+S shows them.",
                                         n), n, ringing->str);
  else if (n > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u open incident at other stations. Ctrl+Shift+S shows it.",
                                         "%u open incidents at other stations. Ctrl+Shift+S shows them.",
                                         n), n);
  gtk_label_set_text (self->other_stations_label, text ? text : "");
  gtk_widget_set_visible (self->other_stations_button, n > 0);
  gtk_widget_remove_css_class (self->other_stations_button, "warning");
  if (n_ringing > 0)
    gtk_widget_add_css_class (self->other_stations_button, "warning");
  adw_status_page_set_title (self->queue_empty_page,
                             n > 0 ? _("Nothing Open at Your Stations") : _("No Open Incidents"));
  adw_status_page_set_description (self->queue_empty_page, text);
}

guint
_jb_window_get_n_other_open (JbWindow *self)
{
  return self->n_other_open;
}

const char *
_jb_window_get_other_stations_text (JbWindow *self)
{
  return gtk_widget_get_visible (self->other_stations_button) ? gtk_label_get_text (self->other_stations_label) : NULL;
}

static void
update_queue_title (JbWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  g_autofree char *text = NULL;

  /* Translators: the queue's heading with the number of open incidents */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Open Incident", "%u Open Incidents", n), n);
  gtk_label_set_text (self->queue_title, text);
  update_other_stations (self);
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
  gboolean draft_a = jb_draft_list_is_draft ((JbIncident *) a);
  gboolean draft_b = jb_draft_list_is_draft ((JbIncident *) b);

  /* Drafts not yet sent head the queue. */
  if (draft_a != draft_b)
    return draft_a ? -1 : 1;
  return jb_queue_compare ((JbIncident *) a, (JbIncident *) b);
}

static void
queue_selection_changed_cb (JbWindow *self)
{
  JbIncident *incident;
  double lat, lon;

  _jb_window_update_actions (self);

  if (self->syncing_selection)
    return;

  incident = gtk_single_selection_get_selected_item (self->selection);
  if (incident == NULL)
    return;
  /* A draft is on no map and takes no command until it has its number. */
  if (jb_draft_list_is_draft (incident))
    {
      self->syncing_selection = TRUE;
      jb_map_view_select (self->map_view, NULL);
      self->syncing_selection = FALSE;
      return;
    }

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
  _jb_window_update_actions (self);
  /* Presence: the server tells others which incident we have open. */
  if (self->client != NULL)
    jb_client_set_viewing (self->client, item != NULL && JB_IS_INCIDENT (item)
                                         ? jb_incident_get_id (JB_INCIDENT (item)) : NULL);

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
server_moved_cb (JbWindow   *self,
                 const char *from,
                 const char *to)
{
  g_autofree char *from_label = jb_server_list_label (from);
  g_autofree char *to_label = jb_server_list_label (to);
  g_autofree char *text = NULL;

  /* Translators: a toast when the dispatch server in use stopped
   * answering and the console moved to the next one; %s are host:port */
  text = g_strdup_printf (_("Server %s does not answer: switched to %s, nothing missed"), from_label, to_label);
  _jb_window_show_message (self, text);
  update_state (self);
}

static const char *
user_station_id (JbWindow *self)
{
  if (self->client == NULL || jb_client_get_role (self->client) != JB_ROLE_DUTY_OFFICER)
    return NULL;
  return jb_client_get_station_id (self->client);
}

static gboolean
filter_incident (gpointer item,
                 gpointer user_data)
{
  JbWindow *self = user_data;
  JbIncident *incident = item;
  const char *text = self->search_entry ? gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) : NULL;

  /* A draft has no station yet: its author always sees it. */
  if (self->own_station && user_station_id (self) != NULL && !jb_draft_list_is_draft (incident) &&
      !jb_queue_in_scope (incident, jb_client_get_station_ids (self->client)))
    return FALSE;

  return jb_queue_matches (incident, text, jb_incident_type_get_label (jb_incident_get_incident_type (incident)));
}

static void
search_changed_cb (JbWindow *self)
{
  if (self->filter != NULL)
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
search_activated_cb (JbWindow *self)
{
  /* Enter in the search goes to the first match. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0)
    {
      gtk_single_selection_set_selected (self->selection, 0);
      gtk_widget_grab_focus (GTK_WIDGET (self->queue));
    }
}

static void
search_stopped_cb (JbWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->queue));
}

static void
set_own_station (JbWindow *self,
                 gboolean  own_station)
{
  own_station = !!own_station;
  if (self->own_station == own_station)
    return;

  self->own_station = own_station;
  search_changed_cb (self);
  update_other_stations (self);
  jb_recommend_list_set_own_station_only (jb_detail_pane_get_recommend_list (self->detail_pane), own_station);
  jb_plan_view_set_own_station_only (jb_detail_pane_get_plan_view (self->detail_pane), own_station);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OWN_STATION]);
}

static void
store_changed_cb (JbWindow      *self,
                  JbStoreChange  kind,
                  const char    *id)
{
  if (kind == JB_STORE_CHANGE_CONFIG)
    update_title (self);
  if (kind == JB_STORE_CHANGE_INCIDENT)
    {
      _jb_window_update_actions (self);
      update_other_stations (self);
    }
}

static void
detail_item_changed_cb (JbWindow *self)
{
  GObject *item = jb_detail_pane_get_item (self->detail_pane);

  jb_clip_panel_set_incident (self->clip_panel, JB_IS_INCIDENT (item) ? JB_INCIDENT (item) : NULL);
}

/* The incident's clips in its detail; pushed clips over the map. */
static void
setup_clips (JbWindow *self,
             JbClient *client)
{
  self->clip_cache = jb_clip_cache_new (client, NULL);
  self->clip_panel = JB_CLIP_PANEL (jb_clip_panel_new ());
  jb_clip_panel_set_client (self->clip_panel, client, self->clip_cache);
  gtk_box_append (jb_detail_pane_get_clips_slot (self->detail_pane), GTK_WIDGET (self->clip_panel));
  g_signal_connect_object (self->detail_pane, "notify::item", G_CALLBACK (detail_item_changed_cb),
                           self, G_CONNECT_SWAPPED);
  jb_wall_video_set_client (self->wall_video, client, self->clip_cache);
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
  /* One clock for the queue's countdowns, the map's icons and the details. */
  jb_store_start_clock (store);

  g_signal_connect_object (client, "notify", G_CALLBACK (client_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (client, "server-moved", G_CALLBACK (server_moved_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (client, "command-changed", G_CALLBACK (_jb_window_command_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);

  sorter = gtk_custom_sorter_new (compare_incidents, NULL, NULL);
  {
    /* The store's incidents and the drafts not yet numbered, in one queue. */
    GListStore *sources = g_list_store_new (G_TYPE_LIST_MODEL);
    g_autoptr(JbDraftList) drafts = jb_draft_list_new (jb_client_get_command_queue (client), store);

    g_list_store_append (sources, drafts);
    g_list_store_append (sources, jb_store_get_incidents (store));
    sorted = gtk_sort_list_model_new (G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (sources))),
                                      GTK_SORTER (sorter));
  }
  self->filter = gtk_custom_filter_new (filter_incident, self, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (sorted), GTK_FILTER (g_object_ref (self->filter)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->filtered)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (queue_selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (update_queue_title), self, G_CONNECT_SWAPPED);
  gtk_list_view_set_model (self->queue, GTK_SELECTION_MODEL (self->selection));

  jb_map_view_set_store (self->map_view, store);
  jb_map_view_set_client (self->map_view, client);
  jb_detail_pane_set_client (self->detail_pane, client);
  setup_clips (self, client);
  jb_detail_pane_set_can_command (self->detail_pane, _jb_window_can_command (self));

  self->roster_panel = jb_roster_panel_new (client);
  gtk_widget_set_vexpand (self->roster_panel, TRUE);
  gtk_box_append (self->roster_box, self->roster_panel);

  /* Loud until acknowledged: sound and desktop notification. */
  self->bell = jb_alarm_bell_new (client, GTK_WINDOW (self));

  /* A duty officer sees its own station first; the toggle shows all. */
  gtk_widget_set_visible (self->own_station_button, user_station_id (self) != NULL);
  set_own_station (self, user_station_id (self) != NULL);
  gtk_widget_set_visible (self->command_bar, _jb_window_can_command (self));
  gtk_widget_set_visible (self->new_incident_button, _jb_window_can_command (self));
  jb_legend_set_store (self->legend, store);
  jb_alert_list_set_client (self->alert_list, client);
  jb_legend_set_unit_layer (self->legend, jb_map_view_get_unit_layer (self->map_view));

  _jb_window_watch_catchup (self);

  update_queue_title (self);
  update_title (self);
  update_user (self);
  update_state (self);
  _jb_window_update_actions (self);
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
jb_window_get_server_text (JbWindow *self)
{
  g_return_val_if_fail (JB_IS_WINDOW (self), NULL);

  return gtk_label_get_text (self->server_label);
}

const char *
jb_window_get_last_message (JbWindow *self)
{
  g_return_val_if_fail (JB_IS_WINDOW (self), NULL);

  return self->last_message;
}

void
jb_window_select_incident (JbWindow   *self,
                           const char *incident_id)
{
  g_return_if_fail (JB_IS_WINDOW (self));

  _jb_window_select_incident_id (self, incident_id);
}

void
_jb_window_select_incident_id (JbWindow   *self,
                               const char *incident_id)
{
  GListModel *model;
  guint n;

  if (self->selection == NULL)
    return;

  model = G_LIST_MODEL (self->selection);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JbIncident) incident = g_list_model_get_item (model, i);

      if (g_strcmp0 (jb_incident_get_id (incident), incident_id) == 0)
        {
          gtk_single_selection_set_selected (self->selection, i);
          gtk_widget_activate_action (GTK_WIDGET (self->queue), "list.scroll-to-item", "u", i);
          return;
        }
    }

  /* Not in the (filtered) queue: the map and details can still show it. */
  if (incident_id != NULL && self->client != NULL)
    {
      JbIncident *incident = jb_store_lookup_incident (jb_client_get_store (self->client), incident_id);

      if (incident != NULL)
        jb_map_view_select (self->map_view, G_OBJECT (incident));
    }
  else
    gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
}

JbIncident *
_jb_window_get_selected_incident (JbWindow *self)
{
  GObject *item = jb_map_view_get_selected (self->map_view);

  if (item != NULL && JB_IS_INCIDENT (item))
    return JB_INCIDENT (item);
  if (self->selection != NULL && (item = gtk_single_selection_get_selected_item (self->selection)) != NULL &&
      !jb_draft_list_is_draft (JB_INCIDENT (item)))
    return JB_INCIDENT (item);
  return NULL;
}

gboolean
_jb_window_can_command (JbWindow *self)
{
  if (self->client == NULL || !jb_client_is_logged_in (self->client))
    return FALSE;
  return jb_client_get_role (self->client) != JB_ROLE_VIEWER;
}

void
_jb_window_show_message (JbWindow   *self,
                         const char *text)
{
  AdwToast *toast;

  g_free (self->last_message);
  self->last_message = g_strdup (text);

  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 8);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

const char *
jb_window_get_state_text (JbWindow *self)
{
  g_return_val_if_fail (JB_IS_WINDOW (self), NULL);

  return gtk_label_get_text (self->state_label);
}

static void
jb_window_dispose (GObject *object)
{
  JbWindow *self = (JbWindow *)object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->owner_dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->owner_dialog), (gpointer *) &self->owner_dialog);
      gtk_window_destroy (self->owner_dialog);
      self->owner_dialog = NULL;
    }
  g_clear_pointer (&self->owner_confirmed, g_hash_table_unref);
  g_clear_pointer (&self->gate_action, g_free);
  g_clear_pointer (&self->gate_param, g_variant_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), JB_TYPE_WINDOW);
  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->bell);
  if (self->catchup != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->catchup), (gpointer *) &self->catchup);
      gtk_window_destroy (self->catchup);
      self->catchup = NULL;
    }
  g_clear_object (&self->clip_cache);
  if (self->history != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->history), (gpointer *) &self->history);
      gtk_window_destroy (self->history);
      self->history = NULL;
    }
  g_clear_pointer (&self->last_message, g_free);
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
    case PROP_OWN_STATION:
      g_value_set_boolean (value, self->own_station);
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
    case PROP_OWN_STATION:
      set_own_station (self, g_value_get_boolean (value));
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
  /* A duty officer's queue and recommendations: own station only. */
  properties[PROP_OWN_STATION] =
    g_param_spec_boolean ("own-station", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (JB_TYPE_MAP_VIEW);
  g_type_ensure (JB_TYPE_DETAIL_PANE);
  g_type_ensure (JB_TYPE_LEGEND);
  g_type_ensure (JB_TYPE_ALERT_LIST);
  g_type_ensure (JB_TYPE_WALL_VIDEO);
  g_type_ensure (JB_TYPE_INCIDENT_ROW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/jingbao/Console/ui/jb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, JbWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, title);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, own_station_button);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, new_incident_button);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, command_bar);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, status_button);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, side_stack);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, roster_box);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, state_label);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, server_label);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, age_label);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, state_box);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, clock_label);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, user_label);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, queue_title);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, other_stations_button);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, other_stations_label);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, queue_empty_page);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, queue);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, queue_stack);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, map_view);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, detail_pane);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, wall_video);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, legend);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, alert_list);
  gtk_widget_class_bind_template_child (widget_class, JbWindow, alert_count);
  gtk_widget_class_bind_template_callback (widget_class, map_selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_stopped_cb);

  _jb_window_class_install_actions (widget_class);
}

static void
alert_count_cb (JbWindow *self)
{
  guint n = jb_alert_list_get_n_unacknowledged (self->alert_list);
  g_autofree char *text = NULL;

  /* Translators: the header's count of unacknowledged patrol alerts */
  text = g_strdup_printf (_("Patrol alerts: %u"), n);
  gtk_label_set_text (self->alert_count, text);
  gtk_widget_set_visible (GTK_WIDGET (self->alert_count), n > 0);
}

static void
jb_window_init (JbWindow *self)
{
  self->owner_confirmed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  jb_application_ensure_style ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  g_signal_connect_object (self->alert_list, "notify::n-unacknowledged", G_CALLBACK (alert_count_cb), self,
                           G_CONNECT_SWAPPED);

  update_clock (self);
  update_state (self);
  update_user (self);
  self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
}

JbAlarmBell *
jb_window_get_alarm_bell (JbWindow *self)
{
  g_return_val_if_fail (JB_IS_WINDOW (self), NULL);

  return self->bell;
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

JbAlertList *
jb_window_get_alert_list (JbWindow *self)
{
  g_return_val_if_fail (JB_IS_WINDOW (self), NULL);

  return self->alert_list;
}

const char *
jb_window_get_alert_count_text (JbWindow *self)
{
  g_return_val_if_fail (JB_IS_WINDOW (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->alert_count)) ? gtk_label_get_text (self->alert_count) : "";
}

JbClipPanel *
jb_window_get_clip_panel (JbWindow *self)
{
  g_return_val_if_fail (JB_IS_WINDOW (self), NULL);
  return self->clip_panel;
}

JbWallVideo *
jb_window_get_wall_video (JbWindow *self)
{
  g_return_val_if_fail (JB_IS_WINDOW (self), NULL);
  return self->wall_video;
}
