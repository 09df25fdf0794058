/* jb-history-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-history-window"

#include <glib/gi18n.h>

#include "jb-dialogs-private.h"
#include "jb-error.h"
#include "jb-history-window.h"
#include "jb-labels.h"

#define SEARCH_DELAY_MS 300
#define RESULT_LIMIT    200

typedef enum
{
  COLUMN_NUMBER,
  COLUMN_TYPE,
  COLUMN_PRIORITY,
  COLUMN_PLACE,
  COLUMN_CREATED,
  COLUMN_CLOSED,
  COLUMN_DISPOSITION,
  N_COLUMNS
} Column;

struct _JbHistoryWindow
{
  AdwWindow            parent_instance;

  /* Template widgets */
  GtkSearchEntry      *search_entry;
  GtkDropDown         *type_dropdown;
  GtkDropDown         *status_dropdown;
  GtkEntry            *from_entry;
  GtkEntry            *to_entry;
  GtkLabel            *count_label;
  GtkLabel            *filter_error_label;
  GtkStack            *results_stack;
  GtkColumnView       *column_view;
  AdwStatusPage       *error_page;
  GtkSpinner          *spinner;
  GtkStack            *detail_stack;
  GtkBox              *detail_box;

  /* Owned references */
  JbClient            *client;
  GListStore          *results;
  GtkSingleSelection  *selection;
  GCancellable        *cancellable;
  char                *error;
  guint                search_timeout_id;
};

G_DEFINE_FINAL_TYPE (JbHistoryWindow, jb_history_window, ADW_TYPE_WINDOW)

/* Cell factories */

static char *
cell_text (JbIncident *incident,
           Column      column)
{
  switch (column)
    {
    case COLUMN_NUMBER:
      return g_strdup (jb_incident_get_number (incident));
    case COLUMN_TYPE:
      return g_strdup (jb_incident_type_get_label (jb_incident_get_incident_type (incident)));
    case COLUMN_PRIORITY:
      return g_strdup_printf ("P%u", jb_incident_get_priority (incident));
    case COLUMN_PLACE:
      {
        const char *venue = jb_incident_get_venue_name (incident);
        const char *address = jb_incident_get_address (incident);

        if (venue != NULL && address != NULL)
          /* Translators: venue name · address */
          return g_strdup_printf (_("%s · %s"), venue, address);
        if (venue != NULL || address != NULL)
          return g_strdup (venue ? venue : address);
        {
          double lat, lon;

          if (jb_incident_get_location (incident, &lat, &lon))
            return g_strdup_printf (_("%.5f° N, %.5f° E"), lat, lon);
        }
        return g_strdup ("—");
      }
    case COLUMN_CREATED:
      return _jb_format_date_time (jb_incident_get_created_at (incident));
    case COLUMN_CLOSED:
      {
        gint64 created = jb_incident_get_created_at (incident);
        gint64 closed = jb_incident_get_closed_at (incident);
        g_autoptr(GDateTime) created_dt = NULL;
        g_autoptr(GDateTime) closed_dt = NULL;

        if (closed <= 0 || created <= 0)
          return _jb_format_date_time (closed);

        /* Closed the day it was raised (most are): the time says it. */
        created_dt = g_date_time_new_from_unix_local (created / 1000);
        closed_dt = g_date_time_new_from_unix_local (closed / 1000);
        if (g_date_time_get_year (created_dt) == g_date_time_get_year (closed_dt) &&
            g_date_time_get_day_of_year (created_dt) == g_date_time_get_day_of_year (closed_dt))
          return g_date_time_format (closed_dt, "%H:%M");
        return _jb_format_date_time (closed);
      }
    case COLUMN_DISPOSITION:
      {
        int disposition = jb_incident_get_disposition (incident);

        if (disposition < 0)
          return g_strdup (jb_incident_status_get_label (jb_incident_get_status (incident)));
        return g_strdup (jb_disposition_get_label (disposition));
      }
    case N_COLUMNS:
    default:
      return g_strdup ("");
    }
}

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* Only the place may be cut short: numbers and times must be whole. */
  if (GPOINTER_TO_UINT (data) == COLUMN_PLACE)
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), 16);
    }
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_list_item_set_child (item, label);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  data)
{
  Column column = GPOINTER_TO_UINT (data);
  JbIncident *incident = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *text = cell_text (incident, column);

  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_widget_set_tooltip_text (label, column == COLUMN_PLACE ? text : NULL);
  gtk_widget_remove_css_class (label, "jb-priority-1");
  gtk_widget_remove_css_class (label, "jb-priority-2");
  if (column == COLUMN_PRIORITY && jb_incident_get_priority (incident) <= 2)
    gtk_widget_add_css_class (label, jb_incident_get_priority (incident) == 1 ? "jb-priority-1" : "jb-priority-2");
}

static void
add_column (JbHistoryWindow *self,
            Column           column,
            const char      *title,
            gboolean         expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), GUINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), GUINT_TO_POINTER (column));
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_append_column (self->column_view, view_column);
  g_object_unref (view_column);
}

/* The record of the selected incident */

static void
clear_details (JbHistoryWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->detail_box))) != NULL)
    gtk_box_remove (self->detail_box, child);
}

static GtkWidget *
add_group (JbHistoryWindow *self,
           const char      *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_box_append (self->detail_box, group);
  return group;
}

static void
add_row (GtkWidget  *group,
         const char *title,
         const char *subtitle)
{
  GtkWidget *row;

  if (subtitle == NULL || subtitle[0] == '\0')
    return;

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

static void
add_time_row (GtkWidget  *group,
              const char *title,
              gint64      ms)
{
  g_autofree char *text = NULL;

  if (ms <= 0)
    return;
  text = _jb_format_date_time (ms);
  add_row (group, title, text);
}

static char *
format_seconds (gint64 ms)
{
  g_autoptr(GDateTime) dt = NULL;

  if (ms <= 0)
    return g_strdup ("—");
  dt = g_date_time_new_from_unix_local (ms / 1000);
  return g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");
}

static const char *
unit_name (JbHistoryWindow *self,
           const char      *unit_id)
{
  JbUnit *unit = unit_id ? jb_store_lookup_unit (jb_client_get_store (self->client), unit_id) : NULL;

  return unit ? jb_unit_get_callsign (unit) : unit_id;
}

static void
show_details (JbHistoryWindow *self,
              JbIncident      *incident)
{
  JbStore *store = jb_client_get_store (self->client);
  JbStation *station = jb_store_lookup_station (store, jb_incident_get_station_id (incident));
  g_autofree char *heading = NULL;
  g_autofree char *subheading = NULL;
  g_autofree char *place = cell_text (incident, COLUMN_PLACE);
  GtkWidget *label, *group;
  int disposition = jb_incident_get_disposition (incident);
  guint n;

  clear_details (self);

  /* Translators: a heading: incident type · number */
  heading = g_strdup_printf (_("%s · %s"), jb_incident_type_get_label (jb_incident_get_incident_type (incident)),
                             jb_incident_get_number (incident));
  label = gtk_label_new (heading);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "jb-incident-heading");
  gtk_box_append (self->detail_box, label);

  /* Translators: priority, status of an incident */
  subheading = g_strdup_printf (_("Priority %u · %s"), jb_incident_get_priority (incident),
                                jb_incident_status_get_label (jb_incident_get_status (incident)));
  label = gtk_label_new (subheading);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "jb-incident-subheading");
  gtk_box_append (self->detail_box, label);

  group = add_group (self, _("Summary"));
  add_row (group, _("Place"), place);
  add_row (group, _("Station"), station ? jb_station_get_name (station) : jb_incident_get_station_id (incident));
  add_row (group, _("Source"), jb_incident_source_get_label (jb_incident_get_source (incident)));
  add_row (group, _("Reported by"), jb_incident_get_reported_by (incident));
  add_row (group, _("Description"), jb_incident_get_description (incident));
  if (disposition >= 0)
    add_row (group, _("Disposition"), jb_disposition_get_label (disposition));
  add_time_row (group, _("Created at"), jb_incident_get_created_at (incident));
  add_time_row (group, _("First guard on scene"), jb_incident_get_first_guard_on_scene_at (incident));
  add_time_row (group, _("First police on scene"), jb_incident_get_first_police_on_scene_at (incident));
  add_time_row (group, _("Closed at"), jb_incident_get_closed_at (incident));

  n = jb_incident_get_n_timeline_entries (incident);
  if (n > 0)
    {
      group = add_group (self, _("Timeline"));
      for (guint i = 0; i < n; i++)
        {
          const JbTimelineEntry *entry = jb_incident_get_timeline_entry (incident, i);
          g_autofree char *when = format_seconds (entry->time);
          g_autofree char *text = NULL;

          if (entry->by != NULL)
            /* Translators: when a transition happened · who made it */
            text = g_strdup_printf (_("%s · by %s"), when, entry->by);
          else
            text = g_strdup (when);
          add_row (group, jb_incident_status_get_label (entry->status), text);
        }
    }

  n = jb_incident_get_n_assignments (incident);
  if (n > 0)
    {
      group = add_group (self, _("Units"));
      for (guint i = 0; i < n; i++)
        {
          const JbAssignment *assignment = jb_incident_get_assignment (incident, i);
          g_autofree char *assigned = _jb_format_date_time (assignment->assigned_at);
          g_autofree char *on_scene = jb_format_time (assignment->on_scene_at);
          g_autofree char *text = NULL;

          /* Translators: an assignment: its state, when assigned, when on scene */
          text = g_strdup_printf (_("%s · assigned %s · on scene %s"),
                                  jb_assignment_state_get_label (assignment->state), assigned, on_scene);
          add_row (group, unit_name (self, assignment->unit_id), text);
        }
    }

  n = jb_incident_get_n_procedure_steps (incident);
  if (n > 0)
    {
      group = add_group (self, _("Guard procedure"));
      for (guint i = 0; i < n; i++)
        {
          const JbProcedureEntry *step = jb_incident_get_procedure_step (incident, i);
          g_autofree char *time = jb_format_time (step->at);
          g_autofree char *text = NULL;

          /* Translators: a procedure step: time · unit */
          text = g_strdup_printf (_("%s · %s"), time, unit_name (self, step->unit_id));
          add_row (group, jb_procedure_step_get_label (step->step), text);
        }
    }

  n = jb_incident_get_n_notes (incident);
  group = add_group (self, _("Notes"));
  if (n == 0)
    add_row (group, _("No notes"), "—");
  for (guint i = 0; i < n; i++)
    {
      const JbNote *note = jb_incident_get_note (incident, i);
      g_autofree char *when = _jb_format_date_time (note->at);
      g_autofree char *text = NULL;

      /* Translators: a note's time · author */
      text = g_strdup_printf (_("%s · %s"), when, note->by ? note->by : "");
      add_row (group, note->text ? note->text : "", text);
    }

  gtk_stack_set_visible_child_name (self->detail_stack, "details");
}

static void
selection_changed_cb (JbHistoryWindow *self)
{
  JbIncident *incident = gtk_single_selection_get_selected_item (self->selection);

  if (incident == NULL)
    {
      clear_details (self);
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      return;
    }

  show_details (self, incident);
}

/* Searching */

static void
set_filter_error (JbHistoryWindow *self,
                  const char      *message)
{
  gtk_label_set_text (self->filter_error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->filter_error_label), message != NULL);
}

/* "YYYY-MM-DD" → the first (@end FALSE) or last (@end TRUE) ms of that
 * local day. An empty text is 0 (no bound); FALSE when malformed. */
static gboolean
parse_day (const char *text,
           gboolean    end,
           gint64     *out_ms)
{
  g_autoptr(GDateTime) day = NULL;
  int y, m, d;
  char extra;

  *out_ms = 0;
  if (text == NULL || text[0] == '\0')
    return TRUE;
  if (sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || !g_date_valid_dmy (d, m, y))
    return FALSE;

  day = g_date_time_new_local (y, m, d, 0, 0, 0);
  if (day == NULL)
    return FALSE;
  *out_ms = g_date_time_to_unix (day) * 1000;
  if (end)
    {
      g_autoptr(GDateTime) next = g_date_time_add_days (day, 1);

      *out_ms = g_date_time_to_unix (next) * 1000 - 1;
    }
  return TRUE;
}

/* A typed type name ("打架斗殴", "Fight", "fight") searches by type. */
static const char *
query_as_type (const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);

  for (guint i = 0; i < JB_INCIDENT_TYPE_N; i++)
    {
      g_autofree char *label = g_utf8_casefold (jb_incident_type_get_label (i), -1);

      if (g_str_equal (folded, label))
        return jb_incident_type_to_string (i);
    }
  return NULL;
}

static void
show_error (JbHistoryWindow *self,
            const char      *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  adw_status_page_set_description (self->error_page, message);
  gtk_stack_set_visible_child_name (self->results_stack, "error");
  gtk_label_set_text (self->count_label, "");
}

static void
search_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(JbHistoryWindow) self = _jb_weak_ref_steal (user_data);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint type = JB_INCIDENT_TYPE_N;
  g_autofree char *count = NULL;

  found = jb_client_search_incidents_finish (JB_CLIENT (object), result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_spinner_set_spinning (self->spinner, FALSE);
  g_clear_object (&self->cancellable);

  if (g_error_matches (error, JB_ERROR, JB_ERROR_PROTOCOL))
    {
      show_error (self, _("The server's answer has no list of incidents."));
      return;
    }
  if (found == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, JB_ERROR, JB_ERROR_NETWORK))
        message = g_strdup_printf (_("The server cannot be reached (%s)."), error->message);
      else
        message = g_strdup_printf (_("The server could not search: %s"), error ? error->message : _("no answer"));
      show_error (self, message);
      return;
    }

  type = gtk_drop_down_get_selected (self->type_dropdown);
  type = type == 0 ? JB_INCIDENT_TYPE_N : type - 1;

  for (guint i = 0; i < found->len; i++)
    {
      JbIncident *incident = g_ptr_array_index (found, i);

      /* The type filter is local when the text search uses q. */
      if (type != JB_INCIDENT_TYPE_N && jb_incident_get_incident_type (incident) != type)
        continue;
      g_ptr_array_add (items, g_object_ref (incident));
    }

  g_clear_pointer (&self->error, g_free);
  g_list_store_splice (self->results, 0, g_list_model_get_n_items (G_LIST_MODEL (self->results)),
                       items->pdata, items->len);

  if (items->len == 0)
    {
      gtk_stack_set_visible_child_name (self->results_stack, "empty");
      gtk_label_set_text (self->count_label, _("No results"));
    }
  else
    {
      gtk_stack_set_visible_child_name (self->results_stack, "results");
      if (found->len >= RESULT_LIMIT)
        count = g_strdup_printf (_("The newest %u incidents: narrow the search to see older ones"), items->len);
      else
        count = g_strdup_printf (ngettext ("%u incident", "%u incidents", items->len),
                                 items->len);
      gtk_label_set_text (self->count_label, count);
    }
}

static void
search_now (JbHistoryWindow *self)
{
  g_autofree char *text = NULL;
  const char *from_text = gtk_editable_get_text (GTK_EDITABLE (self->from_entry));
  const char *to_text = gtk_editable_get_text (GTK_EDITABLE (self->to_entry));
  guint type = gtk_drop_down_get_selected (self->type_dropdown);
  gint64 from = 0, to = 0;
  const char *q;

  g_clear_handle_id (&self->search_timeout_id, g_source_remove);

  gtk_widget_remove_css_class (GTK_WIDGET (self->from_entry), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->to_entry), "error");
  if (!parse_day (from_text, FALSE, &from))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->from_entry), "error");
      set_filter_error (self, _("Type the first day as YYYY-MM-DD, e.g. 2026-11-01."));
      return;
    }
  if (!parse_day (to_text, TRUE, &to))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->to_entry), "error");
      set_filter_error (self, _("Type the last day as YYYY-MM-DD, e.g. 2026-11-30."));
      return;
    }
  if (from > 0 && to > 0 && from > to)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->to_entry), "error");
      set_filter_error (self, _("The last day is before the first day."));
      return;
    }
  set_filter_error (self, NULL);

  text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
  q = text;
  if (q[0] != '\0' && query_as_type (q) != NULL)
    q = query_as_type (q);
  else if (q[0] == '\0' && type > 0)
    q = jb_incident_type_to_string (type - 1);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  /* Keep the old results on screen while the next ones load, unless
   * there were none: then show the spinner. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->results)) == 0)
    gtk_stack_set_visible_child_name (self->results_stack, "loading");
  gtk_spinner_set_spinning (self->spinner, TRUE);

  jb_client_search_incidents_async (self->client, gtk_drop_down_get_selected (self->status_dropdown) == 1,
                                    q, from, to, RESULT_LIMIT, self->cancellable,
                                    search_cb, _jb_weak_ref_new (self));
}

static gboolean
search_timeout_cb (gpointer data)
{
  JbHistoryWindow *self = data;

  self->search_timeout_id = 0;
  search_now (self);
  return G_SOURCE_REMOVE;
}

static void
query_changed_cb (JbHistoryWindow *self)
{
  g_clear_handle_id (&self->search_timeout_id, g_source_remove);
  self->search_timeout_id = g_timeout_add (SEARCH_DELAY_MS, search_timeout_cb, self);
}

static void
filter_changed_cb (JbHistoryWindow *self)
{
  if (self->client != NULL)
    search_now (self);
}

static void
search_activated_cb (JbHistoryWindow *self)
{
  search_now (self);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->results)) > 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  search_now (JB_HISTORY_WINDOW (widget));
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  JbHistoryWindow *self = JB_HISTORY_WINDOW (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
jb_history_window_dispose (GObject *object)
{
  JbHistoryWindow *self = (JbHistoryWindow *)object;

  g_clear_handle_id (&self->search_timeout_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), JB_TYPE_HISTORY_WINDOW);

  g_clear_object (&self->selection);
  g_clear_object (&self->results);
  g_clear_object (&self->client);
  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (jb_history_window_parent_class)->dispose (object);
}

static void
jb_history_window_class_init (JbHistoryWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_history_window_dispose;

  _jb_dialogs_ensure_style ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/jingbao/Console/dialogs/jb-history-window.ui");
  gtk_widget_class_bind_template_child (widget_class, JbHistoryWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, JbHistoryWindow, type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, JbHistoryWindow, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, JbHistoryWindow, from_entry);
  gtk_widget_class_bind_template_child (widget_class, JbHistoryWindow, to_entry);
  gtk_widget_class_bind_template_child (widget_class, JbHistoryWindow, count_label);
  gtk_widget_class_bind_template_child (widget_class, JbHistoryWindow, filter_error_label);
  gtk_widget_class_bind_template_child (widget_class, JbHistoryWindow, results_stack);
  gtk_widget_class_bind_template_child (widget_class, JbHistoryWindow, column_view);
  gtk_widget_class_bind_template_child (widget_class, JbHistoryWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, JbHistoryWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, JbHistoryWindow, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, JbHistoryWindow, detail_box);
  gtk_widget_class_bind_template_callback (widget_class, query_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activated_cb);

  gtk_widget_class_install_action (widget_class, "history.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "history.focus-search", NULL, focus_search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "history.focus-search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "history.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
jb_history_window_init (JbHistoryWindow *self)
{
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) statuses = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self), "jb-dialog");
  gtk_widget_add_css_class (GTK_WIDGET (self), "jb-history");

  gtk_string_list_append (types, _("All types"));
  for (guint i = 0; i < JB_INCIDENT_TYPE_N; i++)
    gtk_string_list_append (types, jb_incident_type_get_label (i));
  gtk_drop_down_set_model (self->type_dropdown, G_LIST_MODEL (types));

  gtk_string_list_append (statuses, _("Closed"));
  gtk_string_list_append (statuses, _("All incidents"));
  gtk_drop_down_set_model (self->status_dropdown, G_LIST_MODEL (statuses));

  self->results = g_list_store_new (JB_TYPE_INCIDENT);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->results)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  add_column (self, COLUMN_NUMBER, _("Number"), FALSE);
  add_column (self, COLUMN_TYPE, _("Type"), FALSE);
  add_column (self, COLUMN_PRIORITY, _("Priority"), FALSE);
  add_column (self, COLUMN_PLACE, _("Venue / Address"), TRUE);
  add_column (self, COLUMN_CREATED, _("Created at"), FALSE);
  add_column (self, COLUMN_CLOSED, _("Closed at"), FALSE);
  add_column (self, COLUMN_DISPOSITION, _("Disposition"), FALSE);
}

JbHistoryWindow *
jb_history_window_new (JbClient *client)
{
  JbHistoryWindow *self;

  g_return_val_if_fail (JB_IS_CLIENT (client), NULL);

  self = g_object_new (JB_TYPE_HISTORY_WINDOW, NULL);
  self->client = g_object_ref (client);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  search_now (self);

  return self;
}

void
jb_history_window_set_query (JbHistoryWindow *self,
                             const char      *text)
{
  g_return_if_fail (JB_IS_HISTORY_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
}

void
jb_history_window_set_show_all (JbHistoryWindow *self,
                                gboolean         show_all)
{
  g_return_if_fail (JB_IS_HISTORY_WINDOW (self));

  gtk_drop_down_set_selected (self->status_dropdown, show_all ? 1 : 0);
}

void
jb_history_window_set_incident_type (JbHistoryWindow *self,
                                     JbIncidentType   type)
{
  g_return_if_fail (JB_IS_HISTORY_WINDOW (self));

  gtk_drop_down_set_selected (self->type_dropdown, type >= JB_INCIDENT_TYPE_N ? 0 : type + 1);
}

void
jb_history_window_set_dates (JbHistoryWindow *self,
                             const char      *from,
                             const char      *to)
{
  g_return_if_fail (JB_IS_HISTORY_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from ? from : "");
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to ? to : "");
}

void
jb_history_window_refresh (JbHistoryWindow *self)
{
  g_return_if_fail (JB_IS_HISTORY_WINDOW (self));

  search_now (self);
}

GListModel *
jb_history_window_get_results (JbHistoryWindow *self)
{
  g_return_val_if_fail (JB_IS_HISTORY_WINDOW (self), NULL);

  return G_LIST_MODEL (self->results);
}

gboolean
jb_history_window_is_busy (JbHistoryWindow *self)
{
  g_return_val_if_fail (JB_IS_HISTORY_WINDOW (self), FALSE);

  return self->cancellable != NULL || self->search_timeout_id != 0;
}

const char *
jb_history_window_get_error (JbHistoryWindow *self)
{
  g_return_val_if_fail (JB_IS_HISTORY_WINDOW (self), NULL);

  if (gtk_widget_get_visible (GTK_WIDGET (self->filter_error_label)))
    return gtk_label_get_text (self->filter_error_label);
  return self->error;
}

void
jb_history_window_select (JbHistoryWindow *self,
                          guint            position)
{
  g_return_if_fail (JB_IS_HISTORY_WINDOW (self));

  gtk_single_selection_set_selected (self->selection, position);
}

JbIncident *
jb_history_window_get_selected (JbHistoryWindow *self)
{
  g_return_val_if_fail (JB_IS_HISTORY_WINDOW (self), NULL);

  return gtk_single_selection_get_selected_item (self->selection);
}
