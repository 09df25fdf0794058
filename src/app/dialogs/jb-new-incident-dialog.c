/* jb-new-incident-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-new-incident-dialog"

#include <glib/gi18n.h>
#include <math.h>

#include "jb-dialogs-private.h"
#include "jb-error.h"
#include "jb-labels.h"
#include "jb-new-incident-dialog.h"

#define MAX_MATCHES 8
/* How long a created incident may take to arrive as an event before the
 * dialog closes anyway (the server has it; the stream will bring it). */
#define EVENT_WAIT_MS 5000

typedef enum
{
  LOCATION_NONE,
  LOCATION_MAP,
  LOCATION_TYPED,
  LOCATION_VENUE,
} LocationSource;

typedef struct
{
  char   *name;
  char   *address;
  char   *station_id;
  double  lat;
  double  lon;
} Match;

struct _JbNewIncidentDialog
{
  AdwWindow       parent_instance;

  /* Template widgets */
  GtkWidget      *form_box;
  GtkButton      *create_button;
  AdwEntryRow    *coords_row;
  AdwEntryRow    *place_row;
  GtkLabel       *location_error_label;
  GtkLabel       *location_label;
  GtkListBox     *matches;
  AdwComboRow    *type_row;
  AdwComboRow    *priority_row;
  AdwComboRow    *source_row;
  AdwEntryRow    *address_row;
  AdwEntryRow    *description_row;
  GtkLabel       *error_label;
  GtkWidget      *pending_box;
  GtkSpinner     *spinner;
  GtkLabel       *pending_label;

  /* Owned references */
  JbClient       *client;
  GPtrArray      *match_list;   /* Match* */
  char           *venue_name;   /* of the picked venue, NULL otherwise */
  char           *created_id;   /* set once the server answered 201 */
  JbCommand      *command;      /* the create command, once sent */
  gulong          store_changed_id;
  guint           event_timeout_id;

  LocationSource  location_source;
  double          lat;
  double          lon;
  gboolean        setting_coords;
  gboolean        pending;
};

G_DEFINE_FINAL_TYPE (JbNewIncidentDialog, jb_new_incident_dialog, ADW_TYPE_WINDOW)

enum {
  CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
match_free (gpointer data)
{
  Match *match = data;

  g_free (match->name);
  g_free (match->address);
  g_free (match->station_id);
  g_free (match);
}

static void
set_error (JbNewIncidentDialog *self,
           const char          *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
set_location_error (JbNewIncidentDialog *self,
                    const char          *message)
{
  gtk_label_set_text (self->location_error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->location_error_label), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->coords_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->coords_row), "error");
}

static void
update_location_label (JbNewIncidentDialog *self)
{
  g_autofree char *text = NULL;
  GtkWidget *label = GTK_WIDGET (self->location_label);

  switch (self->location_source)
    {
    case LOCATION_MAP:
      /* Translators: the location chosen by clicking the map */
      text = g_strdup_printf (_("Location: clicked on the map, %.5f° N, %.5f° E"), self->lat, self->lon);
      break;
    case LOCATION_TYPED:
      text = g_strdup_printf (_("Location: %.5f° N, %.5f° E"), self->lat, self->lon);
      break;
    case LOCATION_VENUE:
      /* Translators: the location taken from a venue: name, coordinates */
      text = g_strdup_printf (_("Location: %s, %.5f° N, %.5f° E"), self->venue_name, self->lat, self->lon);
      break;
    case LOCATION_NONE:
    default:
      text = g_strdup (_("No location yet."));
      break;
    }

  gtk_label_set_text (self->location_label, text);
  if (self->location_source != LOCATION_NONE)
    gtk_widget_add_css_class (label, "chosen");
  else
    gtk_widget_remove_css_class (label, "chosen");
}

static void
set_coords_text (JbNewIncidentDialog *self,
                 double               lat,
                 double               lon)
{
  char lat_text[G_ASCII_DTOSTR_BUF_SIZE];
  char lon_text[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *text = NULL;

  g_ascii_formatd (lat_text, sizeof lat_text, "%.6f", lat);
  g_ascii_formatd (lon_text, sizeof lon_text, "%.6f", lon);
  text = g_strdup_printf ("%s, %s", lat_text, lon_text);

  self->setting_coords = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->coords_row), text);
  self->setting_coords = FALSE;
}

/* Parses "28.2301, 112.9870" (comma, Chinese comma, semicolon or spaces
 * between). Returns NULL and sets the coordinates, or a sentence saying
 * what is wrong. */
static char *
parse_coordinates (const char *text,
                   double     *out_lat,
                   double     *out_lon)
{
  g_autoptr(GString) normal = g_string_new (NULL);
  g_auto(GStrv) parts = NULL;
  double values[2];
  guint n = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* ，；° and full-width spaces are what a Chinese keyboard types */
      if (c == 0xFF0C || c == ',' || c == ';' || c == 0xFF1B || c == 0x3000 || g_unichar_isspace (c))
        g_string_append_c (normal, ' ');
      else if (c == 0xB0)
        continue;
      else
        g_string_append_unichar (normal, c);
    }

  parts = g_strsplit (normal->str, " ", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *end = NULL;
      double value;

      if (parts[i][0] == '\0')
        continue;
      if (n == 2)
        return g_strdup (_("Type two numbers only: latitude, then longitude, for example 28.2301, 112.9870."));

      value = g_ascii_strtod (parts[i], &end);
      if (end == parts[i] || *end != '\0' || !isfinite (value))
        return g_strdup_printf (_("“%s” is not a number. Type latitude, then longitude, for example 28.2301, 112.9870."),
                                parts[i]);
      values[n++] = value;
    }

  if (n < 2)
    return g_strdup (_("Type two numbers: latitude, then longitude, for example 28.2301, 112.9870."));

  if (fabs (values[0]) > 90.0)
    {
      if (fabs (values[1]) <= 90.0 && fabs (values[0]) <= 180.0)
        return g_strdup_printf (_("Latitude comes first and must be between -90 and 90. Did you mean %.4f, %.4f?"),
                                values[1], values[0]);
      return g_strdup (_("Latitude must be between -90 and 90."));
    }
  if (fabs (values[1]) > 180.0)
    return g_strdup (_("Longitude must be between -180 and 180."));

  *out_lat = values[0];
  *out_lon = values[1];
  return NULL;
}

static void
coords_changed_cb (JbNewIncidentDialog *self)
{
  const char *text;
  g_autofree char *problem = NULL;
  double lat = 0, lon = 0;

  if (self->setting_coords)
    return;

  text = gtk_editable_get_text (GTK_EDITABLE (self->coords_row));
  g_clear_pointer (&self->venue_name, g_free);
  set_error (self, NULL);

  if (text[0] == '\0')
    {
      self->location_source = LOCATION_NONE;
      set_location_error (self, NULL);
    }
  else if ((problem = parse_coordinates (text, &lat, &lon)) != NULL)
    {
      self->location_source = LOCATION_NONE;
      set_location_error (self, problem);
    }
  else
    {
      self->location_source = LOCATION_TYPED;
      self->lat = lat;
      self->lon = lon;
      set_location_error (self, NULL);
    }

  update_location_label (self);
}

static const char *
station_short_name (JbNewIncidentDialog *self,
                    const char          *station_id)
{
  JbStation *station = station_id ? jb_store_lookup_station (jb_client_get_store (self->client), station_id) : NULL;

  return station ? jb_station_get_short_name (station) : NULL;
}

static gboolean
contains_folded (const char *haystack,
                 const char *folded_needle)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL)
    return FALSE;

  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, folded_needle) != NULL;
}

static void
rebuild_matches (JbNewIncidentDialog *self,
                 const char          *text)
{
  GListModel *terminals = jb_store_get_terminals (jb_client_get_store (self->client));
  g_autofree char *needle = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  GtkWidget *child;
  guint n = g_list_model_get_n_items (terminals);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->matches))) != NULL)
    gtk_list_box_remove (self->matches, child);
  g_ptr_array_set_size (self->match_list, 0);

  if (stripped[0] != '\0')
    {
      needle = g_utf8_casefold (stripped, -1);

      for (guint i = 0; i < n && self->match_list->len < MAX_MATCHES; i++)
        {
          g_autoptr(JbTerminal) terminal = g_list_model_get_item (terminals, i);
          const char *name = jb_terminal_get_venue_name (terminal);
          const char *address = jb_terminal_get_venue_address (terminal);
          gboolean seen = FALSE;
          double lat, lon;
          Match *match;

          if (!jb_terminal_has_venue (terminal) || !jb_terminal_get_location (terminal, &lat, &lon))
            continue;
          if (!contains_folded (name, needle) && !contains_folded (address, needle))
            continue;

          /* A venue often has several terminals (button, sensor): once. */
          for (guint j = 0; j < self->match_list->len && !seen; j++)
            {
              Match *other = g_ptr_array_index (self->match_list, j);

              seen = g_strcmp0 (other->name, name) == 0 && g_strcmp0 (other->address, address) == 0;
            }
          if (seen)
            continue;

          match = g_new0 (Match, 1);
          match->name = g_strdup (name);
          match->address = g_strdup (address);
          match->station_id = g_strdup (jb_terminal_get_station_id (terminal));
          match->lat = lat;
          match->lon = lon;
          g_ptr_array_add (self->match_list, match);
        }
    }

  for (guint i = 0; i < self->match_list->len; i++)
    {
      Match *match = g_ptr_array_index (self->match_list, i);
      const char *station = station_short_name (self, match->station_id);
      g_autofree char *subtitle = NULL;
      GtkWidget *row = adw_action_row_new ();

      if (station != NULL)
        /* Translators: a venue's address · its station */
        subtitle = g_strdup_printf (_("%s · %s"), match->address ? match->address : "", station);
      else
        subtitle = g_strdup (match->address ? match->address : "");

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), match->name ? match->name : "");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("find-location-symbolic"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, match->name ? match->name : "",
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle,
                                      -1);
      gtk_list_box_append (self->matches, row);
    }

  if (stripped[0] != '\0' && self->match_list->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No known venue or address matches"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Type the coordinates, or close this and click the map."));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_set_focusable (row, FALSE);
      gtk_list_box_append (self->matches, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->matches), stripped[0] != '\0');
}

static void
place_changed_cb (JbNewIncidentDialog *self)
{
  rebuild_matches (self, gtk_editable_get_text (GTK_EDITABLE (self->place_row)));
}

static void
pick_match (JbNewIncidentDialog *self,
            Match               *match)
{
  set_coords_text (self, match->lat, match->lon);
  set_location_error (self, NULL);
  g_free (self->venue_name);
  self->venue_name = g_strdup (match->name);
  self->lat = match->lat;
  self->lon = match->lon;
  self->location_source = LOCATION_VENUE;
  if (match->address != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->address_row), match->address);
  update_location_label (self);
  set_error (self, NULL);
}

static void
place_activated_cb (JbNewIncidentDialog *self)
{
  if (self->match_list->len > 0)
    {
      pick_match (self, g_ptr_array_index (self->match_list, 0));
      gtk_widget_grab_focus (GTK_WIDGET (self->type_row));
    }
}

static void
match_activated_cb (JbNewIncidentDialog *self,
                    GtkListBoxRow       *row)
{
  int index = gtk_list_box_row_get_index (row);

  if (index >= 0 && (guint) index < self->match_list->len)
    {
      pick_match (self, g_ptr_array_index (self->match_list, index));
      gtk_widget_grab_focus (GTK_WIDGET (self->type_row));
    }
}

/* Priority 1 must stand out before it is sent, as it will in the queue. */
static void
priority_changed_cb (JbNewIncidentDialog *self)
{
  if (adw_combo_row_get_selected (self->priority_row) == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->priority_row), "jb-priority-urgent");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->priority_row), "jb-priority-urgent");
}

static void
entry_activated_cb (JbNewIncidentDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "new-incident.create", NULL);
}

static void
set_pending (JbNewIncidentDialog *self,
             gboolean             pending)
{
  self->pending = pending;
  gtk_widget_set_sensitive (self->form_box, !pending);
  gtk_widget_set_visible (self->pending_box, pending);
  gtk_spinner_set_spinning (self->spinner, pending);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "new-incident.create", !pending);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "new-incident.priority", !pending);
}

static char *
describe_error (JbNewIncidentDialog *self,
                const GError        *error)
{
  g_autofree char *forbidden = NULL;

  if (g_error_matches (error, JB_ERROR, JB_ERROR_FORBIDDEN))
    {
      JbRole role = jb_client_get_role (self->client);

      if (role == JB_ROLE_DUTY_OFFICER)
        {
          const char *station_id = jb_client_get_station_id (self->client);
          JbStation *station = station_id ? jb_store_lookup_station (jb_client_get_store (self->client), station_id) : NULL;

          if (station != NULL)
            forbidden = g_strdup_printf (_("You can only create incidents inside the jurisdiction of %s. "
                                           "This location belongs to another station: ask the command "
                                           "centre to enter it."),
                                         jb_station_get_name (station));
          else
            forbidden = g_strdup (_("You can only create incidents inside your own station's jurisdiction. "
                                    "This location belongs to another station: ask the command centre to enter it."));
        }
      else if (role == JB_ROLE_VIEWER)
        forbidden = g_strdup (_("This account can only watch: it cannot create incidents."));
    }

  return _jb_describe_command_error (self->client, error, forbidden, NULL);
}

static void
finish_created (JbNewIncidentDialog *self)
{
  g_autofree char *id = g_steal_pointer (&self->created_id);

  g_clear_signal_handler (&self->store_changed_id, jb_client_get_store (self->client));
  g_clear_handle_id (&self->event_timeout_id, g_source_remove);

  set_pending (self, FALSE);
  g_signal_emit (self, signals[CREATED], 0, id);
  gtk_window_close (GTK_WINDOW (self));
}

static void
store_changed_cb (JbNewIncidentDialog *self,
                  JbStoreChange        kind,
                  const char          *id)
{
  if (kind == JB_STORE_CHANGE_INCIDENT && g_strcmp0 (id, self->created_id) == 0)
    finish_created (self);
}

static gboolean
event_timeout_cb (gpointer data)
{
  JbNewIncidentDialog *self = data;

  self->event_timeout_id = 0;
  g_debug ("incident %s: no event within %d ms; closing anyway", self->created_id, EVENT_WAIT_MS);
  finish_created (self);
  return G_SOURCE_REMOVE;
}

static void
create_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(JbNewIncidentDialog) self = _jb_weak_ref_steal (user_data);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  JbStore *store;
  const char *id = NULL;

  answer = jb_client_command_finish (JB_CLIENT (object), result, &error);
  if (self == NULL)
    return;

  if (answer == NULL)
    {
      g_autofree char *message = NULL;

      if (error == NULL)
        error = g_error_new_literal (JB_ERROR, JB_ERROR_PROTOCOL, _("The server sent an empty answer."));
      message = describe_error (self, error);
      set_pending (self, FALSE);
      set_error (self, message);
      return;
    }

  /* Accepted: the command's target is the new incident. */
  if (self->command != NULL)
    id = jb_command_get_target_id (self->command);
  if (id == NULL)
    {
      set_pending (self, FALSE);
      set_error (self, _("The server answered without the new incident's number. Check the queue before entering it again."));
      return;
    }

  self->created_id = g_strdup (id);
  store = jb_client_get_store (self->client);
  if (jb_store_lookup_incident (store, id) != NULL)
    {
      finish_created (self);
      return;
    }

  gtk_label_set_text (self->pending_label, _("Created; waiting for it to arrive…"));
  self->store_changed_id = g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb),
                                                    self, G_CONNECT_SWAPPED);
  self->event_timeout_id = g_timeout_add (EVENT_WAIT_MS, event_timeout_cb, self);
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  JbNewIncidentDialog *self = JB_NEW_INCIDENT_DIALOG (widget);
  g_autofree char *address = NULL;
  g_autofree char *description = NULL;
  guint type = adw_combo_row_get_selected (self->type_row);
  guint priority = adw_combo_row_get_selected (self->priority_row) + 1;
  JbIncidentSource source = adw_combo_row_get_selected (self->source_row) == 1
                            ? JB_INCIDENT_SOURCE_PATROL : JB_INCIDENT_SOURCE_PHONE;

  if (self->pending)
    return;

  if (self->location_source == LOCATION_NONE)
    {
      if (gtk_widget_get_visible (GTK_WIDGET (self->location_error_label)))
        set_error (self, gtk_label_get_text (self->location_error_label));
      else
        set_error (self, _("Choose a location first: click the map, type coordinates, or look up a venue."));
      gtk_widget_grab_focus (GTK_WIDGET (self->coords_row));
      return;
    }
  if (type >= JB_INCIDENT_TYPE_N || priority < 1 || priority > 4)
    return;

  address = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->address_row))));
  description = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->description_row))));


  set_error (self, NULL);
  gtk_label_set_text (self->pending_label, _("Creating the incident…"));
  set_pending (self, TRUE);

  /* No cancellable: closing the dialog must not take back a report the
   * queue may already have sent. */
  g_set_object (&self->command,
                jb_client_queue_command (self->client,
                                         jb_command_new_create_incident (type, priority, self->lat, self->lon,
                                                                         address, description,
                                                                         self->location_source == LOCATION_VENUE ? self->venue_name : NULL,
                                                                         source),
                                         NULL, create_cb, _jb_weak_ref_new (self)));
}

static void
priority_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  jb_new_incident_dialog_set_priority (JB_NEW_INCIDENT_DIALOG (widget), g_variant_get_uint32 (param));
}

static void
focus_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  JbNewIncidentDialog *self = JB_NEW_INCIDENT_DIALOG (widget);

  if (g_str_equal (action_name, "new-incident.focus-place"))
    gtk_widget_grab_focus (GTK_WIDGET (self->place_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->coords_row));
}

static void
jb_new_incident_dialog_dispose (GObject *object)
{
  JbNewIncidentDialog *self = (JbNewIncidentDialog *)object;

  if (self->client != NULL)
    g_clear_signal_handler (&self->store_changed_id, jb_client_get_store (self->client));
  g_clear_handle_id (&self->event_timeout_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), JB_TYPE_NEW_INCIDENT_DIALOG);

  g_clear_object (&self->client);
  g_clear_pointer (&self->match_list, g_ptr_array_unref);
  g_clear_pointer (&self->venue_name, g_free);
  g_clear_pointer (&self->created_id, g_free);
  g_clear_object (&self->command);

  G_OBJECT_CLASS (jb_new_incident_dialog_parent_class)->dispose (object);
}

static void
jb_new_incident_dialog_class_init (JbNewIncidentDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_new_incident_dialog_dispose;

  signals[CREATED] =
    g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  _jb_dialogs_ensure_style ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/jingbao/Console/dialogs/jb-new-incident-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, JbNewIncidentDialog, form_box);
  gtk_widget_class_bind_template_child (widget_class, JbNewIncidentDialog, create_button);
  gtk_widget_class_bind_template_child (widget_class, JbNewIncidentDialog, coords_row);
  gtk_widget_class_bind_template_child (widget_class, JbNewIncidentDialog, place_row);
  gtk_widget_class_bind_template_child (widget_class, JbNewIncidentDialog, location_error_label);
  gtk_widget_class_bind_template_child (widget_class, JbNewIncidentDialog, location_label);
  gtk_widget_class_bind_template_child (widget_class, JbNewIncidentDialog, matches);
  gtk_widget_class_bind_template_child (widget_class, JbNewIncidentDialog, type_row);
  gtk_widget_class_bind_template_child (widget_class, JbNewIncidentDialog, priority_row);
  gtk_widget_class_bind_template_child (widget_class, JbNewIncidentDialog, source_row);
  gtk_widget_class_bind_template_child (widget_class, JbNewIncidentDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, JbNewIncidentDialog, description_row);
  gtk_widget_class_bind_template_child (widget_class, JbNewIncidentDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, JbNewIncidentDialog, pending_box);
  gtk_widget_class_bind_template_child (widget_class, JbNewIncidentDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, JbNewIncidentDialog, pending_label);
  gtk_widget_class_bind_template_callback (widget_class, coords_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, place_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, place_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, match_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, priority_changed_cb);

  gtk_widget_class_install_action (widget_class, "new-incident.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "new-incident.priority", "u", priority_action);
  gtk_widget_class_install_action (widget_class, "new-incident.focus-coordinates", NULL, focus_action);
  gtk_widget_class_install_action (widget_class, "new-incident.focus-place", NULL, focus_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "new-incident.create", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "new-incident.create", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "new-incident.focus-coordinates", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "new-incident.focus-place", NULL);
  for (guint i = 1; i <= 4; i++)
    {
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0 + i, GDK_ALT_MASK, "new-incident.priority", "u", i);
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0 + i, GDK_ALT_MASK, "new-incident.priority", "u", i);
    }
}

static void
jb_new_incident_dialog_init (JbNewIncidentDialog *self)
{
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) priorities = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) sources = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self), "jb-dialog");

  self->match_list = g_ptr_array_new_with_free_func (match_free);

  for (guint i = 0; i < JB_INCIDENT_TYPE_N; i++)
    gtk_string_list_append (types, jb_incident_type_get_label (i));
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (types));
  adw_combo_row_set_selected (self->type_row, JB_INCIDENT_TYPE_OTHER);

  gtk_string_list_append (priorities, _("1 · Most urgent"));
  gtk_string_list_append (priorities, _("2 · Urgent"));
  gtk_string_list_append (priorities, _("3 · Normal"));
  gtk_string_list_append (priorities, _("4 · Low"));
  adw_combo_row_set_model (self->priority_row, G_LIST_MODEL (priorities));
  adw_combo_row_set_selected (self->priority_row, 1);

  gtk_string_list_append (sources, jb_incident_source_get_label (JB_INCIDENT_SOURCE_PHONE));
  gtk_string_list_append (sources, jb_incident_source_get_label (JB_INCIDENT_SOURCE_PATROL));
  adw_combo_row_set_model (self->source_row, G_LIST_MODEL (sources));

  update_location_label (self);
}

JbNewIncidentDialog *
jb_new_incident_dialog_new (JbClient *client)
{
  JbNewIncidentDialog *self;

  g_return_val_if_fail (JB_IS_CLIENT (client), NULL);

  self = g_object_new (JB_TYPE_NEW_INCIDENT_DIALOG, NULL);
  self->client = g_object_ref (client);
  gtk_widget_grab_focus (GTK_WIDGET (self->place_row));

  /* The window offers no such action to a viewer; should one get here,
   * say why nothing can be sent rather than wait for a 403. */
  if (jb_client_get_role (client) == JB_ROLE_VIEWER)
    {
      set_error (self, _("This account can only watch: it cannot create incidents."));
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "new-incident.create", FALSE);
    }

  return self;
}

void
jb_new_incident_dialog_set_location (JbNewIncidentDialog *self,
                                     double               lat,
                                     double               lon)
{
  g_return_if_fail (JB_IS_NEW_INCIDENT_DIALOG (self));
  g_return_if_fail (isfinite (lat) && isfinite (lon));

  set_coords_text (self, lat, lon);
  g_clear_pointer (&self->venue_name, g_free);
  self->lat = lat;
  self->lon = lon;
  self->location_source = LOCATION_MAP;
  set_location_error (self, NULL);
  update_location_label (self);
  /* The place is known: the next thing to say is what happened. */
  gtk_widget_grab_focus (GTK_WIDGET (self->type_row));
}

gboolean
jb_new_incident_dialog_get_location (JbNewIncidentDialog *self,
                                     double              *lat,
                                     double              *lon)
{
  g_return_val_if_fail (JB_IS_NEW_INCIDENT_DIALOG (self), FALSE);

  if (self->location_source == LOCATION_NONE)
    return FALSE;
  if (lat != NULL)
    *lat = self->lat;
  if (lon != NULL)
    *lon = self->lon;
  return TRUE;
}

void
jb_new_incident_dialog_set_coordinates_text (JbNewIncidentDialog *self,
                                             const char          *text)
{
  g_return_if_fail (JB_IS_NEW_INCIDENT_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->coords_row), text ? text : "");
}

void
jb_new_incident_dialog_set_incident_type (JbNewIncidentDialog *self,
                                          JbIncidentType       type)
{
  g_return_if_fail (JB_IS_NEW_INCIDENT_DIALOG (self));
  g_return_if_fail (type < JB_INCIDENT_TYPE_N);

  adw_combo_row_set_selected (self->type_row, type);
}

void
jb_new_incident_dialog_set_priority (JbNewIncidentDialog *self,
                                     guint                priority)
{
  g_return_if_fail (JB_IS_NEW_INCIDENT_DIALOG (self));

  if (priority >= 1 && priority <= 4 && !self->pending)
    adw_combo_row_set_selected (self->priority_row, priority - 1);
}

void
jb_new_incident_dialog_set_source (JbNewIncidentDialog *self,
                                   JbIncidentSource     source)
{
  g_return_if_fail (JB_IS_NEW_INCIDENT_DIALOG (self));

  adw_combo_row_set_selected (self->source_row, source == JB_INCIDENT_SOURCE_PATROL ? 1 : 0);
}

void
jb_new_incident_dialog_set_description (JbNewIncidentDialog *self,
                                        const char          *text)
{
  g_return_if_fail (JB_IS_NEW_INCIDENT_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->description_row), text ? text : "");
}

guint
jb_new_incident_dialog_search_place (JbNewIncidentDialog *self,
                                     const char          *text)
{
  g_return_val_if_fail (JB_IS_NEW_INCIDENT_DIALOG (self), 0);

  gtk_editable_set_text (GTK_EDITABLE (self->place_row), text ? text : "");
  return self->match_list->len;
}

gboolean
jb_new_incident_dialog_pick_place (JbNewIncidentDialog *self,
                                   guint                index)
{
  g_return_val_if_fail (JB_IS_NEW_INCIDENT_DIALOG (self), FALSE);

  if (index >= self->match_list->len)
    return FALSE;

  pick_match (self, g_ptr_array_index (self->match_list, index));
  return TRUE;
}

gboolean
jb_new_incident_dialog_get_pending (JbNewIncidentDialog *self)
{
  g_return_val_if_fail (JB_IS_NEW_INCIDENT_DIALOG (self), FALSE);

  return self->pending;
}

const char *
jb_new_incident_dialog_get_error (JbNewIncidentDialog *self)
{
  g_return_val_if_fail (JB_IS_NEW_INCIDENT_DIALOG (self), NULL);

  if (gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return gtk_label_get_text (self->error_label);
  if (gtk_widget_get_visible (GTK_WIDGET (self->location_error_label)))
    return gtk_label_get_text (self->location_error_label);
  return NULL;
}
