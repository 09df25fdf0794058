/* jb-incident-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-incident-row"

#include <glib/gi18n.h>

#include "jb-incident-row.h"
#include "jb-draft-list.h"
#include "jb-labels.h"
#include "jb-targets.h"

/* Fast while a countdown runs, slow when only ages move. */

struct _JbIncidentRow
{
  GtkWidget   parent_instance;

  /* Template widgets */
  GtkLabel   *priority_label;
  GtkLabel   *type_label;
  GtkLabel   *age_label;
  GtkLabel   *place_label;
  GtkLabel   *number_label;
  GtkLabel   *status_label;
  GtkLabel   *pending_label;
  GtkWidget  *targets_box;
  GtkLabel   *guard_label;
  GtkLabel   *police_label;
  GtkLabel   *reinforce_label;

  /* Owned references */
  JbIncident *incident;
  JbClient   *client;
  gboolean    client_from_root;
  gboolean    overdue;
  gboolean    counting;   /* a target is pending: the countdown moves */
};

G_DEFINE_FINAL_TYPE (JbIncidentRow, jb_incident_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_INCIDENT,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];


static const char *css =
  "jb-incident-row.overdue {"
  "  background-color: #a51d2d;"
  "  border-left-color: #ff3b3b;"
  "  box-shadow: inset 0 0 0 3px #ff3b3b;"
  "  color: white;"
  "}"
  "jb-incident-row.overdue .jb-incident-age { color: #ffd5d5; }"
  /* Resolved: below every open incident, and quiet. */
  "jb-incident-row.resolved { opacity: 0.55; }"
  ".jb-target {"
  "  font-size: 15px;"
  "  font-weight: bold;"
  "  padding: 1px 8px;"
  "  border-radius: 6px;"
  "  background-color: alpha(currentColor, 0.12);"
  "}"
  ".jb-target.met { background-color: #26a269; color: white; }"
  ".jb-target.met-late { background-color: #e5a50a; color: black; }"
  ".jb-target.pending { background-color: alpha(currentColor, 0.16); }"
  ".jb-target.overdue { background-color: #ff3b3b; color: white; box-shadow: 0 0 0 2px white; }"
  ".jb-target.not-needed { opacity: 0.55; }"
  ".jb-pending-command {"
  "  font-size: 14px;"
  "  font-weight: bold;"
  "  padding: 1px 10px;"
  "  border-radius: 999px;"
  "  background-color: #1c71d8;"
  "  color: white;"
  "}"
  ".jb-pending-command.failed { background-color: #e01b24; }"
  /* A draft the server has not numbered: amber and dashed, readable from
   * across the room. */
  "jb-incident-row.draft { border: 3px dashed #f6d32d; border-radius: 8px; }"
  ".jb-pending-command.draft {"
  "  font-size: 18px;"
  "  padding: 2px 14px;"
  "  background-color: #f6d32d;"
  "  color: black;"
  "}";

static void
load_style (void)
{
  static gboolean loaded;
  GtkCssProvider *provider;
  GdkDisplay *display = gdk_display_get_default ();

  if (loaded || display == NULL)
    return;

  /* The row's own looks, kept with the row; the window's stylesheet has
   * the rest. */
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, css, -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_unref (provider);
  loaded = TRUE;
}


static char *
format_clock (gint64   ms,
              gboolean round_up)
{
  gint64 s = round_up ? (ms + 999) / 1000 : ms / 1000;

  int hours, minutes, seconds, total_minutes;

  s = MAX (s, 0);
  hours = (int) (s / 3600);
  minutes = (int) (s / 60 % 60);
  total_minutes = (int) (s / 60);
  seconds = (int) (s % 60);
  if (hours > 0)
    return g_strdup_printf ("%d:%02d:%02d", hours, minutes, seconds);
  return g_strdup_printf ("%d:%02d", total_minutes, seconds);
}

static void
show_target (JbIncidentRow  *self,
             GtkLabel       *label,
             const char     *prefix,
             const char     *name,
             const JbTarget *target)
{
  static const char *classes[] = { "met", "not-needed", "met-late", "pending", "overdue" };
  g_autofree char *clock = NULL;
  g_autofree char *limit = format_clock (target->limit_ms, FALSE);
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (label), classes[i]);
  if ((guint) target->state < G_N_ELEMENTS (classes))
    gtk_widget_add_css_class (GTK_WIDGET (label), classes[target->state]);

  switch (target->state)
    {
    case JB_TARGET_STATE_MET:
      clock = format_clock (target->elapsed_ms, FALSE);
      text = g_strdup_printf ("%s ✓%s", prefix, clock);
      /* Translators: a 1-3-5 target's tooltip: the target (e.g. "Guard on
       * scene within 1:00"), then when it was met, counted from the alarm */
      tooltip = g_strdup_printf (_("%s: met at %s"), name, clock);
      break;
    case JB_TARGET_STATE_MET_LATE:
      clock = format_clock (target->overdue_ms, FALSE);
      text = g_strdup_printf ("%s ✓+%s", prefix, clock);
      /* Translators: a 1-3-5 target's tooltip: met, but this much late */
      tooltip = g_strdup_printf (_("%s: met %s late"), name, clock);
      break;
    case JB_TARGET_STATE_PENDING:
      clock = format_clock (target->remaining_ms, TRUE);
      text = g_strdup_printf ("%s %s", prefix, clock);
      /* Translators: a 1-3-5 target's tooltip: time left to meet it */
      tooltip = g_strdup_printf (_("%s: %s left"), name, clock);
      break;
    case JB_TARGET_STATE_OVERDUE:
      clock = format_clock (target->overdue_ms, FALSE);
      text = g_strdup_printf ("%s +%s", prefix, clock);
      /* Translators: a 1-3-5 target's tooltip: missed, late by this much so far */
      tooltip = g_strdup_printf (_("%s: overdue by %s"), name, clock);
      break;
    case JB_TARGET_STATE_NOT_NEEDED:
    default:
      text = g_strdup_printf ("%s —", prefix);
      /* Translators: a 1-3-5 target's tooltip: the incident ended first */
      tooltip = g_strdup_printf (_("%s: not needed"), name);
      break;
    }

  gtk_label_set_text (label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
}

static void
update_clock (JbIncidentRow *self)
{
  g_autofree char *age = NULL;
  g_autofree char *guard = NULL;
  g_autofree char *police = NULL;
  g_autofree char *reinforce = NULL;
  JbStore *store;
  JbTargetLimits limits;
  JbTargets targets;
  gint64 now_ms;
  gboolean overdue;

  if (self->incident == NULL)
    return;

  /* The store's shared clock: the map icon judges at the same time. */
  store = self->client ? jb_client_get_store (self->client) : NULL;
  now_ms = store != NULL ? jb_store_get_now_ms (store) : g_get_real_time () / 1000;
  age = jb_format_age (jb_incident_get_created_at (self->incident), now_ms);
  gtk_label_set_text (self->age_label, age);

  jb_target_limits_init_default (&limits);
  if (store != NULL)
    jb_target_limits_from_config (jb_store_get_config (store), &limits);
  jb_targets_evaluate (self->incident, &limits, store, now_ms, &targets);

  guard = format_clock ((gint64) limits.guard_s * 1000, FALSE);
  police = format_clock ((gint64) limits.police_s * 1000, FALSE);
  reinforce = format_clock ((gint64) limits.reinforce_s * 1000, FALSE);
  {
    /* Translators: the 1-3-5 targets in full, for tooltips; %s is the limit (m:ss) */
    g_autofree char *guard_name = g_strdup_printf (_("Guard on scene within %s"), guard);
    g_autofree char *police_name = g_strdup_printf (_("Police on scene within %s"), police);
    g_autofree char *reinforce_name = g_strdup_printf (_("Reinforcement on scene within %s"), reinforce);

    /* Translators: the short tags of the 1-3-5 targets on a queue row:
     * security guard (保), police (警), reinforcement (援) */
    show_target (self, self->guard_label, C_("target", "Sec"), guard_name, &targets.targets[JB_TARGET_GUARD]);
    show_target (self, self->police_label, C_("target", "Pol"), police_name, &targets.targets[JB_TARGET_POLICE]);
    show_target (self, self->reinforce_label, C_("target", "Rnf"), reinforce_name,
                 &targets.targets[JB_TARGET_REINFORCE]);
  }
  gtk_widget_set_visible (self->targets_box, TRUE);

  overdue = targets.worst == JB_TARGET_STATE_OVERDUE;
  if (overdue != self->overdue)
    {
      self->overdue = overdue;
      if (overdue)
        gtk_widget_add_css_class (GTK_WIDGET (self), "overdue");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self), "overdue");
    }

  self->counting = !targets.frozen &&
                   (targets.targets[JB_TARGET_GUARD].state == JB_TARGET_STATE_PENDING ||
                    targets.targets[JB_TARGET_POLICE].state == JB_TARGET_STATE_PENDING ||
                    targets.targets[JB_TARGET_REINFORCE].state == JB_TARGET_STATE_PENDING ||
                    targets.targets[JB_TARGET_GUARD].state == JB_TARGET_STATE_OVERDUE ||
                    targets.targets[JB_TARGET_POLICE].state == JB_TARGET_STATE_OVERDUE ||
                    targets.targets[JB_TARGET_REINFORCE].state == JB_TARGET_STATE_OVERDUE);
}

static void
store_tick_cb (JbIncidentRow *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    update_clock (self);
}

static void
update_pending (JbIncidentRow *self)
{
  JbCommand *command = NULL;
  const char *text = NULL;

  gboolean draft = self->incident != NULL && jb_draft_list_is_draft (self->incident);

  if (draft)
    command = jb_draft_list_get_command (self->incident);
  else if (self->client != NULL && self->incident != NULL)
    command = jb_client_lookup_pending_command (self->client, jb_incident_get_id (self->incident));

  if (draft && command != NULL && jb_command_get_state (command) != JB_COMMAND_STATE_ACCEPTED)
    /* Translators: a queue row's marker: a new incident given while the
     * server was out of reach, not yet received by it (待发送) */
    text = _("Not sent");
  else if (command != NULL)
    {
      switch (jb_command_get_state (command))
        {
        case JB_COMMAND_STATE_RETRYING:
          /* Translators: a queue row's marker: a command is being resent */
          text = _("Retrying…");
          break;
        case JB_COMMAND_STATE_ACCEPTED:
          /* Translators: a queue row's marker: the server accepted a
           * command, its event has not arrived yet */
          text = _("Confirming…");
          break;
        case JB_COMMAND_STATE_QUEUED:
        case JB_COMMAND_STATE_SENDING:
          /* Translators: a queue row's marker: a command is on its way */
          text = _("Sending…");
          break;
        case JB_COMMAND_STATE_FAILED:
        case JB_COMMAND_STATE_CONFIRMED:
        default:
          break;
        }
    }

  gtk_label_set_text (self->pending_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->pending_label), text != NULL);
  if (draft)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->pending_label), "draft");
      gtk_widget_add_css_class (GTK_WIDGET (self), "draft");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->pending_label), "draft");
      gtk_widget_remove_css_class (GTK_WIDGET (self), "draft");
    }
}

static void
command_changed_cb (JbIncidentRow *self)
{
  update_pending (self);
}

static void
update (JbIncidentRow *self)
{
  static const char *priority_classes[] = { "p1", "p2", "p3", "p4" };
  g_autofree char *priority = NULL;
  g_autofree char *accessible = NULL;
  const char *place;
  JbIncidentStatus status;
  guint p;

  for (guint i = 0; i < G_N_ELEMENTS (priority_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self), priority_classes[i]);
  gtk_widget_remove_css_class (GTK_WIDGET (self), "new");
  gtk_widget_remove_css_class (GTK_WIDGET (self), "resolved");

  if (self->incident == NULL)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "overdue");
      self->overdue = FALSE;
      self->counting = FALSE;
      gtk_widget_set_visible (self->targets_box, FALSE);
      update_pending (self);
      return;
    }

  p = CLAMP (jb_incident_get_priority (self->incident), 1, 4);
  status = jb_incident_get_status (self->incident);
  gtk_widget_add_css_class (GTK_WIDGET (self), priority_classes[p - 1]);
  if (status == JB_INCIDENT_STATUS_NEW)
    gtk_widget_add_css_class (GTK_WIDGET (self), "new");
  if (!jb_incident_is_active (self->incident))
    gtk_widget_add_css_class (GTK_WIDGET (self), "resolved");

  /* Translators: a priority badge, "P1" (most urgent) to "P4" */
  priority = g_strdup_printf (_("P%u"), p);
  gtk_label_set_text (self->priority_label, priority);
  gtk_label_set_text (self->type_label,
                      jb_incident_type_get_label (jb_incident_get_incident_type (self->incident)));

  place = jb_incident_get_venue_name (self->incident);
  if (place == NULL)
    place = jb_incident_get_address (self->incident);
  gtk_label_set_text (self->place_label, place ? place : "");
  gtk_widget_set_visible (GTK_WIDGET (self->place_label), place != NULL && place[0] != '\0');
  if (jb_draft_list_is_draft (self->incident))
    /* Translators: in place of a queue row's incident number: the server
     * gives the number when it receives the incident (草稿) */
    gtk_label_set_text (self->number_label, _("Draft"));
  else
    gtk_label_set_text (self->number_label, jb_incident_get_number (self->incident));
  gtk_label_set_text (self->status_label, jb_incident_status_get_label (status));
  update_clock (self);
  update_pending (self);

  /* Translators: what a screen reader says for a queue row: priority,
   * type, place, status */
  accessible = g_strdup_printf (_("Priority %u, %s at %s, %s"),
                                p,
                                jb_incident_type_get_label (jb_incident_get_incident_type (self->incident)),
                                place ? place : "",
                                jb_incident_status_get_label (status));
  if (jb_draft_list_is_draft (self->incident))
    {
      /* Translators: appended to a queue row's screen reader text for a
       * new incident the server has not received yet */
      g_autofree char *tmp = g_strdup_printf (_("%s, not sent"), accessible);

      g_free (accessible);
      accessible = g_steal_pointer (&tmp);
    }
  if (self->overdue)
    {
      /* Translators: appended to a queue row's screen reader text when a
       * 1-3-5 target is overdue */
      g_autofree char *tmp = g_strdup_printf (_("%s, overdue"), accessible);

      g_free (accessible);
      accessible = g_steal_pointer (&tmp);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
incident_notify_cb (JbIncidentRow *self)
{
  update (self);
}

JbIncident *
jb_incident_row_get_incident (JbIncidentRow *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT_ROW (self), NULL);

  return self->incident;
}

void
jb_incident_row_set_incident (JbIncidentRow *self,
                              JbIncident    *incident)
{
  g_return_if_fail (JB_IS_INCIDENT_ROW (self));
  g_return_if_fail (!incident || JB_IS_INCIDENT (incident));

  if (self->incident == incident)
    return;

  if (self->incident != NULL)
    g_signal_handlers_disconnect_by_func (self->incident, incident_notify_cb, self);

  g_set_object (&self->incident, incident);

  /* The store updates incidents in place and notifies. */
  if (incident != NULL)
    g_signal_connect_object (incident, "notify", G_CALLBACK (incident_notify_cb), self, G_CONNECT_SWAPPED);

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INCIDENT]);
}

static void
set_client (JbIncidentRow *self,
            JbClient      *client)
{
  if (self->client == client)
    return;

  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->client, command_changed_cb, self);
      g_signal_handlers_disconnect_by_func (jb_client_get_store (self->client), store_tick_cb, self);
    }

  g_set_object (&self->client, client);

  if (client != NULL)
    {
      g_signal_connect_object (client, "command-changed", G_CALLBACK (command_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (jb_client_get_store (client), "tick", G_CALLBACK (store_tick_cb),
                               self, G_CONNECT_SWAPPED);
    }

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

void
jb_incident_row_set_client (JbIncidentRow *self,
                            JbClient      *client)
{
  g_return_if_fail (JB_IS_INCIDENT_ROW (self));
  g_return_if_fail (!client || JB_IS_CLIENT (client));

  self->client_from_root = FALSE;
  set_client (self, client);
}

JbClient *
jb_incident_row_get_client (JbIncidentRow *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT_ROW (self), NULL);

  return self->client;
}

gboolean
jb_incident_row_is_overdue (JbIncidentRow *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT_ROW (self), FALSE);

  return self->overdue;
}

gboolean
jb_incident_row_is_pending (JbIncidentRow *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT_ROW (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->pending_label));
}

char *
jb_incident_row_get_targets_text (JbIncidentRow *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT_ROW (self), NULL);

  if (!gtk_widget_get_visible (self->targets_box))
    return NULL;

  return g_strdup_printf ("%s  %s  %s",
                          gtk_label_get_text (self->guard_label),
                          gtk_label_get_text (self->police_label),
                          gtk_label_get_text (self->reinforce_label));
}

static void
jb_incident_row_root (GtkWidget *widget)
{
  JbIncidentRow *self = JB_INCIDENT_ROW (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (jb_incident_row_parent_class)->root (widget);

  /* Rows come from a list item factory that knows no client: the window
   * that shows them does. */
  root = gtk_widget_get_root (widget);
  if ((self->client == NULL || self->client_from_root) && root != NULL)
    {
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (root), "client");

      if (pspec != NULL && g_type_is_a (pspec->value_type, JB_TYPE_CLIENT) && (pspec->flags & G_PARAM_READABLE))
        {
          g_autoptr(JbClient) client = NULL;

          g_object_get (root, "client", &client, NULL);
          self->client_from_root = TRUE;
          set_client (self, client);
        }
    }
}

static void
jb_incident_row_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (jb_incident_row_parent_class)->map (widget);

  update_clock (JB_INCIDENT_ROW (widget));
}

static void
jb_incident_row_dispose (GObject *object)
{
  JbIncidentRow *self = (JbIncidentRow *)object;
  GtkWidget *child;

  jb_incident_row_set_incident (self, NULL);
  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->client, command_changed_cb, self);
      g_signal_handlers_disconnect_by_func (jb_client_get_store (self->client), store_tick_cb, self);
    }
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), JB_TYPE_INCIDENT_ROW);
  /* The template's unnamed root box is not cleared by the template. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (jb_incident_row_parent_class)->dispose (object);
}

static void
jb_incident_row_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  JbIncidentRow *self = JB_INCIDENT_ROW (object);

  switch (prop_id)
    {
    case PROP_INCIDENT:
      g_value_set_object (value, self->incident);
      break;
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_incident_row_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  JbIncidentRow *self = JB_INCIDENT_ROW (object);

  switch (prop_id)
    {
    case PROP_INCIDENT:
      jb_incident_row_set_incident (self, g_value_get_object (value));
      break;
    case PROP_CLIENT:
      jb_incident_row_set_client (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_incident_row_class_init (JbIncidentRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_incident_row_dispose;
  object_class->get_property = jb_incident_row_get_property;
  object_class->set_property = jb_incident_row_set_property;

  widget_class->root = jb_incident_row_root;
  widget_class->map = jb_incident_row_map;

  properties[PROP_INCIDENT] =
    g_param_spec_object ("incident", NULL, NULL, JB_TYPE_INCIDENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, JB_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "jb-incident-row");
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/jingbao/Console/ui/jb-incident-row.ui");
  gtk_widget_class_bind_template_child (widget_class, JbIncidentRow, priority_label);
  gtk_widget_class_bind_template_child (widget_class, JbIncidentRow, type_label);
  gtk_widget_class_bind_template_child (widget_class, JbIncidentRow, age_label);
  gtk_widget_class_bind_template_child (widget_class, JbIncidentRow, place_label);
  gtk_widget_class_bind_template_child (widget_class, JbIncidentRow, number_label);
  gtk_widget_class_bind_template_child (widget_class, JbIncidentRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, JbIncidentRow, pending_label);
  gtk_widget_class_bind_template_child (widget_class, JbIncidentRow, targets_box);
  gtk_widget_class_bind_template_child (widget_class, JbIncidentRow, guard_label);
  gtk_widget_class_bind_template_child (widget_class, JbIncidentRow, police_label);
  gtk_widget_class_bind_template_child (widget_class, JbIncidentRow, reinforce_label);
}

static void
jb_incident_row_init (JbIncidentRow *self)
{
  load_style ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
jb_incident_row_new (void)
{
  return g_object_new (JB_TYPE_INCIDENT_ROW, NULL);
}
