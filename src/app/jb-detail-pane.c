/* jb-detail-pane.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-detail-pane"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "jb-detail-pane.h"
#include "jb-icon-atlas.h"
#include "jb-labels.h"

struct _JbDetailPane
{
  GtkWidget   parent_instance;

  /* Template widgets */
  GtkStack   *stack;
  GtkImage   *icon;
  GtkLabel   *title_label;
  GtkLabel   *subtitle_label;
  GtkLabel   *status_label;
  GtkListBox *fields;

  /* Owned references */
  JbStore    *store;
  GObject    *item;
  guint       tick_id;
};

G_DEFINE_FINAL_TYPE (JbDetailPane, jb_detail_pane, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
add_field (JbDetailPane *self,
           const char   *title,
           const char   *value)
{
  GtkWidget *row;

  if (value == NULL || value[0] == '\0')
    return;

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_widget_add_css_class (row, "property");
  gtk_list_box_append (self->fields, row);
}

static void
add_time_field (JbDetailPane *self,
                const char   *title,
                gint64        ms,
                gint64        now_ms)
{
  g_autofree char *time = NULL;
  g_autofree char *age = NULL;
  g_autofree char *text = NULL;

  if (ms <= 0)
    return;

  time = jb_format_time (ms);
  age = jb_format_age (ms, now_ms);
  /* Translators: a time and how long ago it was, "14:05:09 (3 min ago)" */
  text = g_strdup_printf (_("%s (%s ago)"), time, age);
  add_field (self, title, text);
}

static const char *
station_name (JbDetailPane *self,
              const char   *station_id)
{
  JbStation *station;

  if (station_id == NULL || self->store == NULL)
    return NULL;

  station = jb_store_lookup_station (self->store, station_id);
  return station ? jb_station_get_name (station) : station_id;
}

static void
set_status (JbDetailPane *self,
            const char   *text,
            const char   *css_class)
{
  static const char *classes[] = { "good", "warn", "bad", "dim" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), css_class);
  gtk_label_set_text (self->status_label, text);
}

static void
show_unit (JbDetailPane *self,
           JbUnit       *unit,
           gint64        now_ms)
{
  JbIconAtlas *atlas = jb_icon_atlas_get_for_scale (gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  JbPosition position;
  JbUnitStatus status = jb_unit_get_status (unit);
  const char *terminal_id = jb_unit_get_terminal_id (unit);
  const char *incident_id = jb_unit_get_incident_id (unit);
  g_autofree char *subtitle = NULL;

  gtk_image_set_from_paintable (self->icon,
                                GDK_PAINTABLE (jb_icon_atlas_get_unit (atlas, jb_unit_get_kind (unit), status, FALSE)));
  gtk_label_set_text (self->title_label, jb_unit_get_callsign (unit));
  /* Translators: a unit's subtitle: kind · name */
  subtitle = g_strdup_printf (_("%s · %s"), jb_unit_kind_get_label (jb_unit_get_kind (unit)),
                              jb_unit_get_name (unit) ? jb_unit_get_name (unit) : "");
  gtk_label_set_text (self->subtitle_label, subtitle);
  set_status (self, jb_unit_status_get_label (status),
              status == JB_UNIT_STATUS_AVAILABLE ? "good"
              : status == JB_UNIT_STATUS_OFF_DUTY ? "dim" : "warn");

  add_field (self, _("Organisation"), jb_unit_get_org_name (unit));
  add_field (self, _("Station"), station_name (self, jb_unit_get_station_id (unit)));
  add_field (self, _("Phone"), jb_unit_get_phone (unit));

  if (incident_id != NULL && self->store != NULL)
    {
      JbIncident *incident = jb_store_lookup_incident (self->store, incident_id);

      add_field (self, _("Incident"), incident ? jb_incident_get_number (incident) : incident_id);
    }

  if (terminal_id != NULL && self->store != NULL)
    {
      JbTerminal *terminal = jb_store_lookup_terminal (self->store, terminal_id);

      if (terminal != NULL)
        {
          g_autofree char *text = NULL;

          /* Translators: a unit's terminal: its name (or kind), online state */
          text = g_strdup_printf (_("%s · %s"),
                                  jb_terminal_get_name (terminal) ? jb_terminal_get_name (terminal)
                                                                  : jb_terminal_kind_get_label (jb_terminal_get_kind (terminal)),
                                  jb_terminal_get_online (terminal) ? _("Online") : _("Offline"));
          add_field (self, _("Terminal"), text);
        }
    }

  if (jb_unit_get_position (unit, &position))
    {
      g_autofree char *where = NULL;

      /* Translators: latitude, longitude in degrees */
      where = g_strdup_printf (_("%.5f° N, %.5f° E"), position.lat, position.lon);
      add_field (self, _("Position"), where);
      add_time_field (self, _("Last fix"), position.time, now_ms);
      if (isfinite (position.speed))
        {
          g_autofree char *speed = g_strdup_printf (_("%.0f km/h"), position.speed * 3.6);

          add_field (self, _("Speed"), speed);
        }
      if (isfinite (position.heading))
        {
          g_autofree char *heading = g_strdup_printf (_("%.0f°"), position.heading);

          add_field (self, _("Heading"), heading);
        }
      if (isfinite (position.accuracy))
        {
          g_autofree char *accuracy = g_strdup_printf (_("± %.0f m"), position.accuracy);

          add_field (self, _("Accuracy"), accuracy);
        }
    }
  else
    add_field (self, _("Position"), _("Unknown"));
}

static void
show_terminal (JbDetailPane *self,
               JbTerminal   *terminal,
               gint64        now_ms)
{
  JbIconAtlas *atlas = jb_icon_atlas_get_for_scale (gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  gboolean online = jb_terminal_get_online (terminal);
  const char *unit_id = jb_terminal_get_unit_id (terminal);
  double lat, lon;

  gtk_image_set_from_paintable (self->icon,
                                GDK_PAINTABLE (jb_icon_atlas_get_terminal (atlas, jb_terminal_get_kind (terminal), online)));
  gtk_label_set_text (self->title_label, jb_terminal_get_name (terminal));
  gtk_label_set_text (self->subtitle_label, jb_terminal_kind_get_label (jb_terminal_get_kind (terminal)));
  set_status (self, online ? _("Online") : _("Offline"), online ? "good" : "bad");

  if (jb_terminal_has_venue (terminal))
    {
      add_field (self, _("Venue"), jb_terminal_get_venue_name (terminal));
      add_field (self, _("Venue kind"), jb_venue_kind_get_label (jb_terminal_get_venue_kind (terminal)));
      add_field (self, _("Address"), jb_terminal_get_venue_address (terminal));
      add_field (self, _("Contact"), jb_terminal_get_venue_contact (terminal));
      add_field (self, _("Phone"), jb_terminal_get_venue_phone (terminal));
    }
  add_field (self, _("Station"), station_name (self, jb_terminal_get_station_id (terminal)));
  if (unit_id != NULL && self->store != NULL)
    {
      JbUnit *unit = jb_store_lookup_unit (self->store, unit_id);

      add_field (self, _("Carried by"), unit ? jb_unit_get_callsign (unit) : unit_id);
    }
  add_time_field (self, _("Last heard"), jb_terminal_get_last_seen_at (terminal), now_ms);
  if (jb_terminal_get_location (terminal, &lat, &lon))
    {
      g_autofree char *where = g_strdup_printf (_("%.5f° N, %.5f° E"), lat, lon);

      add_field (self, _("Position"), where);
    }
  add_field (self, _("Terminal ID"), jb_terminal_get_id (terminal));
}

static void
show_incident (JbDetailPane *self,
               JbIncident   *incident,
               gint64        now_ms)
{
  JbIconAtlas *atlas = jb_icon_atlas_get_for_scale (gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  JbIncidentStatus status = jb_incident_get_status (incident);
  guint priority = CLAMP (jb_incident_get_priority (incident), 1, 4);
  g_autofree char *subtitle = NULL;

  gtk_image_set_from_paintable (self->icon,
                                GDK_PAINTABLE (jb_icon_atlas_get_incident (atlas, priority,
                                                                           status != JB_INCIDENT_STATUS_NEW)));
  gtk_label_set_text (self->title_label, jb_incident_type_get_label (jb_incident_get_incident_type (incident)));
  /* Translators: an incident's subtitle: priority, number */
  subtitle = g_strdup_printf (_("Priority %u · %s"), priority, jb_incident_get_number (incident));
  gtk_label_set_text (self->subtitle_label, subtitle);
  set_status (self, jb_incident_status_get_label (status),
              status == JB_INCIDENT_STATUS_NEW ? "bad"
              : status >= JB_INCIDENT_STATUS_RESOLVED ? "good" : "warn");

  add_field (self, _("Venue"), jb_incident_get_venue_name (incident));
  add_field (self, _("Address"), jb_incident_get_address (incident));
  add_field (self, _("Station"), station_name (self, jb_incident_get_station_id (incident)));
  add_field (self, _("Source"), jb_incident_source_get_label (jb_incident_get_source (incident)));
  add_field (self, _("Reported by"), jb_incident_get_reported_by (incident));
  add_field (self, _("Description"), jb_incident_get_description (incident));
  add_time_field (self, _("Reported"), jb_incident_get_created_at (incident), now_ms);
  add_time_field (self, _("Acknowledged"), jb_incident_get_acknowledged_at (incident), now_ms);
  add_field (self, _("Acknowledged by"), jb_incident_get_acknowledged_by (incident));
  add_time_field (self, _("Dispatched"), jb_incident_get_dispatched_at (incident), now_ms);
  add_time_field (self, _("First guard on scene"), jb_incident_get_first_guard_on_scene_at (incident), now_ms);
  add_time_field (self, _("First police on scene"), jb_incident_get_first_police_on_scene_at (incident), now_ms);

  for (guint i = 0; i < jb_incident_get_n_assignments (incident); i++)
    {
      const JbAssignment *assignment = jb_incident_get_assignment (incident, i);
      JbUnit *unit = self->store ? jb_store_lookup_unit (self->store, assignment->unit_id) : NULL;
      g_autofree char *text = NULL;

      /* Translators: an assignment: unit callsign, its state */
      text = g_strdup_printf (_("%s · %s"), unit ? jb_unit_get_callsign (unit) : assignment->unit_id,
                              jb_assignment_state_get_label (assignment->state));
      add_field (self, _("Assigned unit"), text);
    }

  if (jb_incident_get_n_notes (incident) > 0)
    {
      const JbNote *note = jb_incident_get_note (incident, jb_incident_get_n_notes (incident) - 1);

      add_field (self, _("Latest note"), note->text);
    }
}

static void
refresh (JbDetailPane *self)
{
  gint64 now_ms = g_get_real_time () / 1000;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->fields))) != NULL)
    gtk_list_box_remove (self->fields, child);

  if (self->item == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      gtk_label_set_text (self->title_label, "");
      return;
    }

  if (JB_IS_UNIT (self->item))
    show_unit (self, JB_UNIT (self->item), now_ms);
  else if (JB_IS_TERMINAL (self->item))
    show_terminal (self, JB_TERMINAL (self->item), now_ms);
  else if (JB_IS_INCIDENT (self->item))
    show_incident (self, JB_INCIDENT (self->item), now_ms);

  gtk_stack_set_visible_child_name (self->stack, "details");
}

static void
item_notify_cb (JbDetailPane *self)
{
  refresh (self);
}

static gboolean
tick_cb (gpointer user_data)
{
  JbDetailPane *self = user_data;

  /* Ages and positions move without notifications: redo each second. */
  if (self->item != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    refresh (self);

  return G_SOURCE_CONTINUE;
}

void
jb_detail_pane_set_store (JbDetailPane *self,
                          JbStore      *store)
{
  g_return_if_fail (JB_IS_DETAIL_PANE (self));

  g_set_object (&self->store, store);
  refresh (self);
}

void
jb_detail_pane_set_item (JbDetailPane *self,
                         GObject      *item)
{
  g_return_if_fail (JB_IS_DETAIL_PANE (self));

  if (self->item == item)
    return;

  if (self->item != NULL)
    g_signal_handlers_disconnect_by_func (self->item, item_notify_cb, self);

  g_set_object (&self->item, item);

  if (item != NULL)
    g_signal_connect_object (item, "notify", G_CALLBACK (item_notify_cb), self, G_CONNECT_SWAPPED);

  refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

GObject *
jb_detail_pane_get_item (JbDetailPane *self)
{
  g_return_val_if_fail (JB_IS_DETAIL_PANE (self), NULL);

  return self->item;
}

const char *
jb_detail_pane_get_title (JbDetailPane *self)
{
  g_return_val_if_fail (JB_IS_DETAIL_PANE (self), NULL);

  return gtk_label_get_text (self->title_label);
}

static void
jb_detail_pane_dispose (GObject *object)
{
  JbDetailPane *self = (JbDetailPane *)object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  jb_detail_pane_set_item (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), JB_TYPE_DETAIL_PANE);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (jb_detail_pane_parent_class)->dispose (object);
}

static void
jb_detail_pane_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  JbDetailPane *self = JB_DETAIL_PANE (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_detail_pane_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  JbDetailPane *self = JB_DETAIL_PANE (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      jb_detail_pane_set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_detail_pane_class_init (JbDetailPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_detail_pane_dispose;
  object_class->get_property = jb_detail_pane_get_property;
  object_class->set_property = jb_detail_pane_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, G_TYPE_OBJECT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "jb-detail-pane");
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/jingbao/Console/ui/jb-detail-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, stack);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, icon);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, title_label);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, status_label);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, fields);
}

static void
jb_detail_pane_init (JbDetailPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
}

GtkWidget *
jb_detail_pane_new (void)
{
  return g_object_new (JB_TYPE_DETAIL_PANE, NULL);
}
