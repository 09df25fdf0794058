/* jb-detail-pane.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-detail-pane"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "jb-callout-view.h"
#include "jb-detail-pane.h"
#include "jb-grid-set.h"
#include "jb-icon-atlas.h"
#include "jb-labels.h"
#include "jb-plan-view.h"
#include "jb-targets.h"

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
  GtkBox     *clips_slot;
  GtkLabel   *facts_label;
  GtkExpander *fields_expander;
  GtkWidget  *scroller;
  GtkWidget  *header_box;
  GtkWidget  *plan_section;
  JbPlanView *plan_view;
  GtkLabel   *note_error;
  GtkLabel   *refusal_label;
  GtkLabel   *presence_label;
  GtkWidget  *pending_box;
  GtkLabel   *pending_label;
  GtkWidget  *targets_box;
  GtkLabel   *target_guard;
  GtkLabel   *target_police;
  GtkLabel   *target_reinforce;
  GtkWidget  *assignments_section;
  GtkListBox *assignments;
  GtkWidget  *recommend_section;
  JbRecommendList *recommend_list;
  JbCalloutView   *callout_view;
  GtkWidget  *procedure_section;
  GtkListBox *procedure;
  GtkWidget  *timeline_section;
  GtkListBox *timeline;
  GtkWidget  *notes_section;
  GtkListBox *notes;
  GtkEntry   *note_entry;

  /* Owned references */
  JbStore    *store;
  JbClient   *client;
  GObject    *item;
  char       *sent_note;      /* the note sent from the entry, until confirmed or refused */
  char       *sent_note_incident;
  guint       tick_id;
  gboolean    can_command;
  char       *refusal;        /* why commands on the item are off, or NULL */
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

static const char *
unit_label (JbDetailPane *self,
            const char   *unit_id)
{
  JbUnit *unit = unit_id != NULL && self->store != NULL ? jb_store_lookup_unit (self->store, unit_id) : NULL;

  if (unit == NULL)
    return unit_id;
  return jb_unit_get_name (unit) != NULL ? jb_unit_get_name (unit) : jb_unit_get_callsign (unit);
}

/* The grid (网格) at a point and its people, as detail fields. */
static void
add_grid_fields (JbDetailPane *self,
                 double        lat,
                 double        lon)
{
  const JbGrid *grid = self->store != NULL ? jb_grid_set_lookup (jb_store_get_grids (self->store), lat, lon) : NULL;
  g_autoptr(GString) volunteers = NULL;

  if (grid == NULL)
    return;
  add_field (self, _("Grid"), grid->name);
  add_field (self, _("Grid officer"), unit_label (self, grid->officer));
  add_field (self, _("Auxiliary officer"), unit_label (self, grid->auxiliary));
  volunteers = g_string_new (NULL);
  for (guint i = 0; grid->volunteers[i] != NULL; i++)
    {
      if (i > 0)
        /* Translators: between names in a list */
        g_string_append (volunteers, _(", "));
      g_string_append (volunteers, unit_label (self, grid->volunteers[i]));
    }
  if (volunteers->len > 0)
    add_field (self, _("Volunteers"), volunteers->str);
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
  if (jb_unit_get_position (unit, &position))
    {
      const JbGrid *grid = self->store != NULL ?
                           jb_grid_set_lookup (jb_store_get_grids (self->store), position.lat, position.lon) : NULL;

      if (grid != NULL)
        add_field (self, _("Grid"), grid->name);
    }
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
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static GtkWidget *
text_row (const char *title,
          const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title ? title : "");
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (row, "property");
  return row;
}

static const char *
unit_callsign (JbDetailPane *self,
               const char   *unit_id)
{
  JbUnit *unit = (self->store && unit_id) ? jb_store_lookup_unit (self->store, unit_id) : NULL;

  return unit ? jb_unit_get_callsign (unit) : unit_id;
}

/* What a pending command is doing, in words. */
static const char *
describe_pending (JbCommand *command)
{
  const char *path = jb_command_get_path (command);

  if (g_str_has_suffix (path, "/acknowledge"))
    return _("Acknowledging, awaiting confirmation");
  if (g_str_has_suffix (path, "/notes"))
    return _("Adding the note, awaiting confirmation");
  if (g_str_has_suffix (path, "/resolve"))
    return _("Resolving, awaiting confirmation");
  if (g_str_has_suffix (path, "/close"))
    return _("Closing, awaiting confirmation");
  if (strstr (path, "/assignments") != NULL && g_strcmp0 (jb_command_get_method (command), "DELETE") == 0)
    return _("Unassigning, awaiting confirmation");
  if (strstr (path, "/assign") != NULL)
    return _("Assigning, awaiting confirmation");
  if (g_str_has_suffix (path, "/status"))
    return _("Changing the status, awaiting confirmation");
  return _("Awaiting confirmation");
}

static void
update_pending (JbDetailPane *self)
{
  JbCommand *command = NULL;
  const char *id = NULL;

  if (self->item != NULL && JB_IS_INCIDENT (self->item))
    id = jb_incident_get_id (JB_INCIDENT (self->item));
  else if (self->item != NULL && JB_IS_UNIT (self->item))
    id = jb_unit_get_id (JB_UNIT (self->item));

  if (self->client != NULL && id != NULL)
    command = jb_client_lookup_pending_command (self->client, id);

  gtk_widget_set_visible (self->pending_box, command != NULL);
  gtk_label_set_text (self->pending_label, command ? describe_pending (command) : "");
}

static void
set_target_label (GtkLabel       *label,
                  const char     *what,
                  guint           limit_s,
                  const JbTarget *target)
{
  static const char *classes[] = { "met", "pending", "overdue", "dim" };
  g_autofree char *limit = jb_format_duration ((gint64) limit_s * 1000);
  g_autofree char *title = NULL;
  g_autofree char *state = NULL;
  g_autofree char *text = NULL;
  const char *css;

  /* Translators: a 1-3-5 target's heading: who, and the limit (m:ss) */
  title = g_strdup_printf (_("%s ≤ %s"), what, limit);

  switch (target->state)
    {
    case JB_TARGET_STATE_MET:
      {
        g_autofree char *at = jb_format_duration (target->elapsed_ms);

        /* Translators: a target met, at m:ss after the alarm */
        state = g_strdup_printf (_("met at %s"), at);
        css = "met";
      }
      break;
    case JB_TARGET_STATE_MET_LATE:
      {
        g_autofree char *at = jb_format_duration (target->elapsed_ms);

        /* Translators: a target met after its limit, at m:ss */
        state = g_strdup_printf (_("late, met at %s"), at);
        css = "overdue";
      }
      break;
    case JB_TARGET_STATE_PENDING:
      {
        g_autofree char *left = jb_format_duration (target->remaining_ms);

        /* Translators: time left for a target, m:ss */
        state = g_strdup_printf (_("%s left"), left);
        css = "pending";
      }
      break;
    case JB_TARGET_STATE_OVERDUE:
      {
        g_autofree char *over = jb_format_duration (target->overdue_ms);

        /* Translators: a target missed, by m:ss so far; loud */
        state = g_strdup_printf (_("OVERDUE +%s"), over);
        css = "overdue";
      }
      break;
    case JB_TARGET_STATE_NOT_NEEDED:
    default:
      state = g_strdup (_("not needed"));
      css = "dim";
      break;
    }

  text = g_strdup_printf ("%s\n%s", title, state);
  gtk_label_set_text (label, text);
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (label), classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (label), css);
}

static void
update_targets (JbDetailPane *self,
                JbIncident   *incident,
                gint64        now_ms)
{
  JbTargetLimits limits;
  JbTargets targets;

  jb_target_limits_init_default (&limits);
  if (self->store != NULL)
    jb_target_limits_from_config (jb_store_get_config (self->store), &limits);
  jb_targets_evaluate (incident, &limits, self->store, now_ms, &targets);

  set_target_label (self->target_guard, _("Guard"), limits.guard_s, &targets.targets[JB_TARGET_GUARD]);
  set_target_label (self->target_police, _("Police"), limits.police_s, &targets.targets[JB_TARGET_POLICE]);
  set_target_label (self->target_reinforce, _("Reinforcement"), limits.reinforce_s, &targets.targets[JB_TARGET_REINFORCE]);
}

static void
append_fact (GString    *s,
             const char *value)
{
  if (value == NULL || value[0] == '\0')
    return;
  if (s->len > 0 && s->str[s->len - 1] != '\n')
    g_string_append (s, " · ");
  g_string_append (s, value);
}

/* The venue's facts in two lines (where; whom to call, what raised it);
 * the expander below holds every field. */
static void
update_facts (JbDetailPane *self,
              JbIncident   *incident,
              JbTerminal   *terminal)
{
  g_autoptr(GString) s = g_string_new (NULL);

  append_fact (s, jb_incident_get_venue_name (incident));
  append_fact (s, jb_incident_get_address (incident));
  append_fact (s, station_name (self, jb_incident_get_station_id (incident)));
  {
    double lat, lon;
    const JbGrid *grid = NULL;

    if (self->store != NULL && jb_incident_get_location (incident, &lat, &lon))
      grid = jb_grid_set_lookup (jb_store_get_grids (self->store), lat, lon);
    if (grid != NULL)
      append_fact (s, grid->name);
  }
  if (s->len > 0)
    g_string_append_c (s, '\n');
  if (terminal != NULL && jb_terminal_has_venue (terminal))
    {
      append_fact (s, jb_terminal_get_venue_contact (terminal));
      append_fact (s, jb_terminal_get_venue_phone (terminal));
    }
  if (terminal != NULL)
    append_fact (s, jb_terminal_get_name (terminal));
  else
    append_fact (s, jb_incident_source_get_label (jb_incident_get_source (incident)));
  /* An alarm button reports under its own name: not twice. */
  if (terminal == NULL || g_strcmp0 (jb_incident_get_reported_by (incident), jb_terminal_get_name (terminal)) != 0)
    append_fact (s, jb_incident_get_reported_by (incident));
  gtk_label_set_text (self->facts_label, g_strchomp (s->str));
}

static void
show_incident_fields (JbDetailPane *self,
                      JbIncident   *incident,
                      gint64        now_ms)
{
  JbIconAtlas *atlas = jb_icon_atlas_get_for_scale (gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  JbIncidentStatus status = jb_incident_get_status (incident);
  guint priority = CLAMP (jb_incident_get_priority (incident), 1, 4);
  const char *terminal_id = jb_incident_get_terminal_id (incident);
  JbTerminal *terminal = NULL;
  g_autofree char *subtitle = NULL;

  if (terminal_id != NULL && self->store != NULL)
    terminal = jb_store_lookup_terminal (self->store, terminal_id);

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

  update_facts (self, incident, terminal);
  add_field (self, _("Venue"), jb_incident_get_venue_name (incident));
  add_field (self, _("Address"), jb_incident_get_address (incident));
  if (terminal != NULL && jb_terminal_has_venue (terminal))
    {
      add_field (self, _("Contact"), jb_terminal_get_venue_contact (terminal));
      add_field (self, _("Phone"), jb_terminal_get_venue_phone (terminal));
    }
  add_field (self, _("Station"), station_name (self, jb_incident_get_station_id (incident)));
  {
    double lat, lon;

    if (jb_incident_get_location (incident, &lat, &lon))
      add_grid_fields (self, lat, lon);
  }
  if (terminal != NULL)
    {
      g_autofree char *text = NULL;

      const char *name = jb_terminal_get_name (terminal);
      const char *kind = jb_terminal_kind_get_label (jb_terminal_get_kind (terminal));

      /* Demo names already end with the kind ("… 一键报警"): not twice. */
      if (name != NULL && g_str_has_suffix (name, kind))
        text = g_strdup (name);
      else
        /* Translators: the terminal that raised an incident: name · kind */
        text = g_strdup_printf (_("%s · %s"), name ? name : terminal_id, kind);
      add_field (self, _("Source terminal"), text);
    }
  else
    add_field (self, _("Source"), jb_incident_source_get_label (jb_incident_get_source (incident)));
  add_field (self, _("Reported by"), jb_incident_get_reported_by (incident));
  add_field (self, _("Description"), jb_incident_get_description (incident));
  add_time_field (self, _("Reported"), jb_incident_get_created_at (incident), now_ms);
  add_field (self, _("Acknowledged by"), jb_incident_get_acknowledged_by (incident));
  if (jb_incident_get_disposition (incident) >= 0)
    add_field (self, _("Disposition"), jb_disposition_get_label (jb_incident_get_disposition (incident)));

  update_targets (self, incident, now_ms);
}

static GtkWidget *
create_assignment_row (JbDetailPane       *self,
                       JbIncident         *incident,
                       const JbAssignment *assignment)
{
  JbUnit *unit = self->store ? jb_store_lookup_unit (self->store, assignment->unit_id) : NULL;
  gboolean active = assignment->state != JB_ASSIGNMENT_STATE_RELEASED &&
                    assignment->state != JB_ASSIGNMENT_STATE_DECLINED;
  g_autoptr(GString) times = g_string_new (NULL);
  g_autofree char *title = NULL;
  JbCommand *pending = NULL;
  GtkWidget *row;
  struct { gint64 at; const char *what; } steps[] = {
    /* Translators: assignment times, short: "assigned 14:05:09" */
    { assignment->assigned_at, N_("assigned") },
    { assignment->accepted_at, N_("accepted") },
    { assignment->en_route_at, N_("en route") },
    { assignment->on_scene_at, N_("on scene") },
    { assignment->released_at, N_("released") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *time = NULL;

      if (steps[i].at <= 0)
        continue;
      time = jb_format_time (steps[i].at);
      if (times->len > 0)
        g_string_append (times, " · ");
      g_string_append_printf (times, "%s %s", _(steps[i].what), time);
    }

  /* Translators: an assigned unit: callsign · kind · assignment state */
  title = g_strdup_printf (_("%s · %s · %s"),
                           unit ? jb_unit_get_callsign (unit) : assignment->unit_id,
                           unit ? jb_unit_kind_get_label (jb_unit_get_kind (unit)) : "",
                           jb_assignment_state_get_label (assignment->state));
  row = text_row (title, times->str);
  g_object_set_data_full (G_OBJECT (row), "unit-id", g_strdup (assignment->unit_id), g_free);
  if (!active)
    gtk_widget_add_css_class (row, "dim-label");

  if (self->client != NULL)
    pending = jb_client_lookup_pending_command (self->client, assignment->unit_id);
  if (pending != NULL)
    {
      GtkWidget *spinner = gtk_spinner_new ();
      GtkWidget *label = gtk_label_new (_("Pending"));

      gtk_spinner_start (GTK_SPINNER (spinner));
      gtk_widget_add_css_class (label, "jb-pending");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spinner);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }

  if (active && self->can_command)
    {
      GtkWidget *button = gtk_button_new_from_icon_name ("list-remove-symbolic");

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, _("Unassign (Shift+Delete)"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Unassign"), -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.unassign");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", assignment->unit_id);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  return row;
}

static void
show_incident_lists (JbDetailPane *self,
                     JbIncident   *incident)
{
  g_autofree char *selected_unit = NULL;
  gboolean had_focus = FALSE;
  GtkListBoxRow *selected;
  GtkRoot *root;
  guint n;

  /* Rebuilding must not lose the dispatcher's place. */
  selected = gtk_list_box_get_selected_row (self->assignments);
  if (selected != NULL)
    selected_unit = g_strdup (g_object_get_data (G_OBJECT (selected), "unit-id"));
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (root != NULL && gtk_root_get_focus (root) != NULL)
    had_focus = gtk_widget_is_ancestor (gtk_root_get_focus (root), GTK_WIDGET (self->assignments));

  clear_list (self->assignments);
  n = jb_incident_get_n_assignments (incident);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *row = create_assignment_row (self, incident, jb_incident_get_assignment (incident, i));

      gtk_list_box_append (self->assignments, row);
      if (selected_unit != NULL &&
          g_strcmp0 (g_object_get_data (G_OBJECT (row), "unit-id"), selected_unit) == 0)
        {
          gtk_list_box_select_row (self->assignments, GTK_LIST_BOX_ROW (row));
          if (had_focus)
            gtk_widget_grab_focus (row);
        }
    }
  if (n == 0)
    {
      GtkWidget *row = text_row (_("No unit assigned yet"), NULL);

      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_set_can_focus (row, FALSE);
      gtk_list_box_append (self->assignments, row);
    }

  /* The guard procedure, one row per guard: every step reached and when. */
  clear_list (self->procedure);
  {
    g_autoptr(GPtrArray) guards = jb_incident_group_procedure (incident);

    for (guint j = 0; j < guards->len; j++)
      {
        const JbProcedureProgress *guard = g_ptr_array_index (guards, j);
        g_autoptr(GString) steps = g_string_new (NULL);
        g_autofree char *title = NULL;

        for (guint i = 0; i < guard->entries->len; i++)
          {
            const JbProcedureEntry *entry = g_ptr_array_index (guard->entries, i);
            g_autofree char *time = jb_format_time (entry->at);

            if (steps->len > 0)
              g_string_append (steps, " → ");
            g_string_append_printf (steps, "%s %s", jb_procedure_step_get_label (entry->step), time);
          }
        /* Translators: a guard in the procedure: callsign, step reached (n of 4) */
        title = g_strdup_printf (_("%s · step %u of 4: %s"), unit_callsign (self, guard->unit_id),
                                 (guint) guard->reached + 1, jb_procedure_step_get_label (guard->reached));
        gtk_list_box_append (self->procedure, text_row (title, steps->str));
      }
    if (guards->len == 0)
      gtk_list_box_append (self->procedure,
                           text_row (_("No guard has reported a step yet"),
                                     /* Translators: the four steps of the guard procedure */
                                     _("Separate → Mediate → Calm → Wait for police")));
  }

  clear_list (self->timeline);
  for (guint i = 0; i < jb_incident_get_n_timeline_entries (incident); i++)
    {
      const JbTimelineEntry *entry = jb_incident_get_timeline_entry (incident, i);
      g_autofree char *time = jb_format_time (entry->time);
      g_autofree char *title = NULL;

      /* Translators: a timeline entry: time, new status */
      title = g_strdup_printf (_("%s  %s"), time, jb_incident_status_get_label (entry->status));
      gtk_list_box_append (self->timeline, text_row (title, entry->by));
    }

  clear_list (self->notes);
  for (guint i = 0; i < jb_incident_get_n_notes (incident); i++)
    {
      const JbNote *note = jb_incident_get_note (incident, i);
      g_autofree char *time = jb_format_time (note->at);
      g_autofree char *subtitle = NULL;

      /* Translators: who wrote a note, and when */
      subtitle = g_strdup_printf (_("%s · %s"), note->by ? note->by : "", time);
      gtk_list_box_append (self->notes, text_row (note->text, subtitle));
    }
  if (jb_incident_get_n_notes (incident) == 0)
    gtk_list_box_append (self->notes, text_row (_("No notes"), NULL));

  jb_recommend_list_set_incident (self->recommend_list, incident);
  jb_plan_view_set_incident (self->plan_view, incident);
  jb_callout_view_set_incident (self->callout_view, incident);
}

static void
set_incident_sections_visible (JbDetailPane *self,
                               gboolean      visible)
{
  gtk_widget_set_visible (self->targets_box, visible);
  gtk_widget_set_visible (self->plan_section, visible && self->can_command);
  gtk_widget_set_visible (GTK_WIDGET (self->facts_label), visible);
  gtk_widget_set_visible (self->assignments_section, visible);
  gtk_widget_set_visible (self->recommend_section, visible && self->can_command);
  gtk_widget_set_visible (self->procedure_section, visible);
  gtk_widget_set_visible (self->timeline_section, visible);
  gtk_widget_set_visible (self->notes_section, visible);
  gtk_widget_set_visible (GTK_WIDGET (self->note_entry), visible && self->can_command);
}

static void
refresh_fields (JbDetailPane *self,
                gint64        now_ms)
{
  clear_list (self->fields);

  if (self->item == NULL)
    return;

  if (JB_IS_UNIT (self->item))
    show_unit (self, JB_UNIT (self->item), now_ms);
  else if (JB_IS_TERMINAL (self->item))
    show_terminal (self, JB_TERMINAL (self->item), now_ms);
  else if (JB_IS_INCIDENT (self->item))
    show_incident_fields (self, JB_INCIDENT (self->item), now_ms);
}

/* Who else has the incident open, and who owns it (acknowledged it). */
static void
update_presence (JbDetailPane *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  JbIncident *incident;
  const char *owner;

  if (self->client == NULL || self->item == NULL || !JB_IS_INCIDENT (self->item))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->presence_label), FALSE);
      return;
    }
  incident = JB_INCIDENT (self->item);
  owner = jb_incident_get_acknowledged_by (incident);
  if (owner != NULL)
    {
      if (g_strcmp0 (owner, jb_client_get_username (self->client)) == 0)
        g_string_append (text, _("Owned by you (you acknowledged it)"));
      else
        /* Translators: who acknowledged (owns) the incident */
        g_string_append_printf (text, _("Owned by %s (acknowledged)"), owner);
    }
  {
    g_autoptr(GPtrArray) viewers = jb_client_get_viewers (self->client, jb_incident_get_id (incident));
    g_autoptr(GString) names = g_string_new (NULL);

    for (guint i = 0; i < viewers->len; i++)
      {
        const JbViewer *v = viewers->pdata[i];

        if (names->len > 0)
          g_string_append (names, _(", "));
        g_string_append (names, v->display_name);
      }
    if (names->len > 0)
      {
        if (text->len > 0)
          g_string_append (text, " · ");
        /* Translators: who else has this incident open right now */
        g_string_append_printf (text, _("Also open at: %s"), names->str);
      }
  }
  gtk_label_set_text (self->presence_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->presence_label), text->len > 0);
}

const char *
jb_detail_pane_get_presence_text (JbDetailPane *self)
{
  g_return_val_if_fail (JB_IS_DETAIL_PANE (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->presence_label)) ? gtk_label_get_text (self->presence_label) : NULL;
}

static gint64
now_ms_of (JbDetailPane *self)
{
  /* The store's shared clock, as the queue and the map. */
  return self->store != NULL ? jb_store_get_now_ms (self->store) : g_get_real_time () / 1000;
}

static void
refresh (JbDetailPane *self)
{
  gint64 now_ms = now_ms_of (self);

  refresh_fields (self, now_ms);
  update_pending (self);
  update_presence (self);

  if (self->item == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      gtk_label_set_text (self->title_label, "");
      jb_recommend_list_set_incident (self->recommend_list, NULL);
      jb_plan_view_set_incident (self->plan_view, NULL);
      jb_callout_view_set_incident (self->callout_view, NULL);
      return;
    }

  set_incident_sections_visible (self, JB_IS_INCIDENT (self->item));
  if (JB_IS_INCIDENT (self->item))
    show_incident_lists (self, JB_INCIDENT (self->item));
  else
    {
      jb_recommend_list_set_incident (self->recommend_list, NULL);
      jb_plan_view_set_incident (self->plan_view, NULL);
      jb_callout_view_set_incident (self->callout_view, NULL);
    }

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

  /* Ages, countdowns and positions move without notifications: the
   * fields and targets are redone each second; the lists (which hold the
   * keyboard focus) only when the item changes. */
  if (self->item != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    refresh_fields (self, now_ms_of (self));

  return G_SOURCE_CONTINUE;
}

static void
store_tick_cb (JbDetailPane *self)
{
  tick_cb (self);
}

/* The note sent from the entry stays there until the server has it; a
 * refusal leaves it with the reason beside it. */
static void
follow_note (JbDetailPane *self,
             JbCommand    *command)
{
  JsonNode *body;
  const char *text = NULL;
  JbCommandState state;

  if (self->sent_note == NULL || command == NULL ||
      !g_str_has_suffix (jb_command_get_path (command), "/notes") ||
      g_strcmp0 (jb_command_get_target_id (command), self->sent_note_incident) != 0)
    return;
  body = jb_command_get_body (command);
  if (body != NULL && JSON_NODE_HOLDS_OBJECT (body))
    text = json_object_get_string_member_with_default (json_node_get_object (body), "text", NULL);
  if (g_strcmp0 (text, self->sent_note) != 0)
    return;

  state = jb_command_get_state (command);
  if (state == JB_COMMAND_STATE_ACCEPTED || state == JB_COMMAND_STATE_CONFIRMED)
    {
      if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->note_entry)), self->sent_note) == 0)
        gtk_editable_set_text (GTK_EDITABLE (self->note_entry), "");
      gtk_widget_set_visible (GTK_WIDGET (self->note_error), FALSE);
      g_clear_pointer (&self->sent_note, g_free);
    }
  else if (state == JB_COMMAND_STATE_FAILED)
    {
      gboolean viewer = self->client != NULL && jb_client_get_role (self->client) == JB_ROLE_VIEWER;
      g_autofree char *reason = jb_describe_command_error (jb_command_get_error (command), viewer);
      g_autofree char *text_shown = NULL;

      /* Translators: a refused note, kept in the entry: the reason */
      text_shown = g_strdup_printf (_("Not added: %s"), reason);
      gtk_label_set_text (self->note_error, text_shown);
      gtk_widget_set_visible (GTK_WIDGET (self->note_error), TRUE);
      g_clear_pointer (&self->sent_note, g_free);
    }
}

static void
command_state_cb (JbDetailPane *self,
                  JbCommand    *command)
{
  follow_note (self, command);
  update_pending (self);
  if (self->item != NULL && JB_IS_INCIDENT (self->item))
    show_incident_lists (self, JB_INCIDENT (self->item));
}

static void
store_changed_cb (JbDetailPane  *self,
                  JbStoreChange  kind,
                  const char    *id)
{
  /* A store reload can replace the item; assignments name units whose
   * state shows here. */
  if (self->item != NULL && JB_IS_INCIDENT (self->item) && kind == JB_STORE_CHANGE_UNIT &&
      id != NULL && jb_incident_find_assignment (JB_INCIDENT (self->item), id) != NULL)
    show_incident_lists (self, JB_INCIDENT (self->item));
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
jb_detail_pane_set_client (JbDetailPane *self,
                           JbClient     *client)
{
  g_return_if_fail (JB_IS_DETAIL_PANE (self));
  g_return_if_fail (self->client == NULL);

  if (client == NULL)
    return;

  self->client = g_object_ref (client);
  g_set_object (&self->store, jb_client_get_store (client));
  g_signal_connect_object (self->store, "changed", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  /* Ticks with the store's clock from now on. */
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_signal_connect_object (self->store, "tick", G_CALLBACK (store_tick_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (client, "presence-changed", G_CALLBACK (update_presence), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (client, "command-changed", G_CALLBACK (command_state_cb), self, G_CONNECT_SWAPPED);
  jb_recommend_list_set_client (self->recommend_list, client);
  jb_plan_view_set_client (self->plan_view, client);
  refresh (self);
}

void
jb_detail_pane_set_can_command (JbDetailPane *self,
                                gboolean      can_command)
{
  g_return_if_fail (JB_IS_DETAIL_PANE (self));

  self->can_command = !!can_command;
  refresh (self);
}

JbRecommendList *
jb_detail_pane_get_recommend_list (JbDetailPane *self)
{
  g_return_val_if_fail (JB_IS_DETAIL_PANE (self), NULL);

  return self->recommend_list;
}

const char *
jb_detail_pane_get_selected_unit_id (JbDetailPane *self)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (JB_IS_DETAIL_PANE (self), NULL);

  if (self->item != NULL && JB_IS_UNIT (self->item))
    return jb_unit_get_id (JB_UNIT (self->item));

  row = gtk_list_box_get_selected_row (self->assignments);
  if (row == NULL)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

      if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->assignments)))
        row = GTK_LIST_BOX_ROW (GTK_IS_LIST_BOX_ROW (focus) ? focus
                                : gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_BOX_ROW));
    }
  if (row == NULL)
    {
      /* With a single active assignment there is nothing to choose. */
      const char *only = NULL;
      guint n_active = 0;

      if (self->item == NULL || !JB_IS_INCIDENT (self->item))
        return NULL;
      for (guint i = 0; i < jb_incident_get_n_assignments (JB_INCIDENT (self->item)); i++)
        {
          const JbAssignment *a = jb_incident_get_assignment (JB_INCIDENT (self->item), i);

          if (a->state != JB_ASSIGNMENT_STATE_RELEASED && a->state != JB_ASSIGNMENT_STATE_DECLINED)
            {
              only = a->unit_id;
              n_active++;
            }
        }
      return n_active == 1 ? only : NULL;
    }

  return g_object_get_data (G_OBJECT (row), "unit-id");
}

void
jb_detail_pane_focus_note (JbDetailPane *self)
{
  g_return_if_fail (JB_IS_DETAIL_PANE (self));

  if (gtk_widget_get_visible (GTK_WIDGET (self->note_entry)))
    gtk_widget_grab_focus (GTK_WIDGET (self->note_entry));
}

void
jb_detail_pane_focus_assignments (JbDetailPane *self)
{
  GtkListBoxRow *row;

  g_return_if_fail (JB_IS_DETAIL_PANE (self));

  row = gtk_list_box_get_selected_row (self->assignments);
  if (row == NULL)
    row = gtk_list_box_get_row_at_index (self->assignments, 0);
  if (row != NULL)
    {
      gtk_list_box_select_row (self->assignments, row);
      gtk_widget_grab_focus (GTK_WIDGET (row));
    }
}

const char *
jb_detail_pane_get_target_text (JbDetailPane *self,
                                guint         target)
{
  GtkLabel *labels[] = { self->target_guard, self->target_police, self->target_reinforce };

  g_return_val_if_fail (JB_IS_DETAIL_PANE (self), NULL);
  g_return_val_if_fail (target < G_N_ELEMENTS (labels), NULL);

  return gtk_label_get_text (labels[target]);
}

const char *
jb_detail_pane_get_pending_text (JbDetailPane *self)
{
  g_return_val_if_fail (JB_IS_DETAIL_PANE (self), NULL);

  return gtk_widget_get_visible (self->pending_box) ? gtk_label_get_text (self->pending_label) : NULL;
}

static void
note_activated_cb (JbDetailPane *self,
                   GtkEntry     *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (stripped[0] == '\0')
    return;

  if (self->item == NULL || !JB_IS_INCIDENT (self->item))
    return;

  /* The window's action sends it; the text stays in the entry until the
   * server has it (follow_note) and the note shows once its event
   * arrives (pending meanwhile, beside the status). */
  g_free (self->sent_note);
  self->sent_note = g_strdup (stripped);
  g_free (self->sent_note_incident);
  self->sent_note_incident = g_strdup (jb_incident_get_id (JB_INCIDENT (self->item)));
  gtk_widget_set_visible (GTK_WIDGET (self->note_error), FALSE);
  if (!gtk_widget_activate_action (GTK_WIDGET (self), "win.add-note", "s", stripped))
    g_clear_pointer (&self->sent_note, g_free);
}

void
jb_detail_pane_set_command_refusal (JbDetailPane *self,
                                    const char   *reason)
{
  g_return_if_fail (JB_IS_DETAIL_PANE (self));

  if (g_strcmp0 (self->refusal, reason) == 0)
    return;
  g_free (self->refusal);
  self->refusal = g_strdup (reason);
  gtk_label_set_text (self->refusal_label, reason ? reason : "");
  gtk_widget_set_visible (GTK_WIDGET (self->refusal_label), reason != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->note_entry), reason == NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->note_entry), reason);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->plan_view), reason);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->recommend_list), reason);
}

const char *
jb_detail_pane_get_command_refusal (JbDetailPane *self)
{
  g_return_val_if_fail (JB_IS_DETAIL_PANE (self), NULL);

  return self->refusal;
}

JbPlanView *
jb_detail_pane_get_plan_view (JbDetailPane *self)
{
  g_return_val_if_fail (JB_IS_DETAIL_PANE (self), NULL);

  return self->plan_view;
}

const char *
jb_detail_pane_get_note_error (JbDetailPane *self)
{
  g_return_val_if_fail (JB_IS_DETAIL_PANE (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->note_error)) ? gtk_label_get_text (self->note_error) : NULL;
}

GtkWidget *
jb_detail_pane_get_part (JbDetailPane *self,
                         const char   *name)
{
  g_return_val_if_fail (JB_IS_DETAIL_PANE (self), NULL);

  if (g_strcmp0 (name, "scroller") == 0)
    return self->scroller;
  if (g_strcmp0 (name, "status") == 0)
    return GTK_WIDGET (self->status_label);
  if (g_strcmp0 (name, "plan") == 0)
    return GTK_WIDGET (self->plan_view);
  if (g_strcmp0 (name, "assignments") == 0)
    return GTK_WIDGET (self->assignments);
  if (g_strcmp0 (name, "facts") == 0)
    return GTK_WIDGET (self->facts_label);
  if (g_strcmp0 (name, "note-entry") == 0)
    return GTK_WIDGET (self->note_entry);
  if (g_strcmp0 (name, "targets") == 0)
    return self->targets_box;
  if (g_strcmp0 (name, "all-details") == 0)
    return GTK_WIDGET (self->fields_expander);
  return NULL;
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
  gtk_list_box_unselect_all (self->assignments);
  /* An incident's facts fit in two lines; a unit's or terminal's fields
   * are all there is. */
  gtk_expander_set_expanded (self->fields_expander, item == NULL || !JB_IS_INCIDENT (item));
  gtk_widget_set_visible (GTK_WIDGET (self->note_error), FALSE);

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
  g_clear_object (&self->client);
  g_clear_pointer (&self->sent_note, g_free);
  g_clear_pointer (&self->sent_note_incident, g_free);
  g_clear_pointer (&self->refusal, g_free);

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

  g_type_ensure (JB_TYPE_RECOMMEND_LIST);
  g_type_ensure (JB_TYPE_PLAN_VIEW);
  g_type_ensure (JB_TYPE_CALLOUT_VIEW);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "jb-detail-pane");
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/jingbao/Console/ui/jb-detail-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, stack);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, icon);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, title_label);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, status_label);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, fields);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, clips_slot);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, facts_label);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, fields_expander);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, scroller);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, header_box);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, plan_section);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, plan_view);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, note_error);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, refusal_label);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, presence_label);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, pending_box);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, pending_label);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, targets_box);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, target_guard);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, target_police);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, target_reinforce);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, assignments_section);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, assignments);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, recommend_section);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, recommend_list);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, callout_view);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, procedure_section);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, procedure);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, timeline_section);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, timeline);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, notes_section);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, notes);
  gtk_widget_class_bind_template_child (widget_class, JbDetailPane, note_entry);
  gtk_widget_class_bind_template_callback (widget_class, note_activated_cb);
}

static void
jb_detail_pane_init (JbDetailPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->can_command = TRUE;
  self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
}

GtkWidget *
jb_detail_pane_new (void)
{
  return g_object_new (JB_TYPE_DETAIL_PANE, NULL);
}

GtkBox *
jb_detail_pane_get_clips_slot (JbDetailPane *self)
{
  g_return_val_if_fail (JB_IS_DETAIL_PANE (self), NULL);
  return self->clips_slot;
}
