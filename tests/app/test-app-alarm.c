/* test-app-alarm.c — alarm intake, 1-3-5 looks and assignments on the map,
 * against the real server
 *
 * Starts jingbao-dispatchd --demo on a free port, signs in as the demo
 * dispatcher and opens the window in this process. An alarm POSTed through
 * the device API makes the alarm bell ring (and repeat), asks for a desktop
 * notification when its window is not the active one, and stops once the
 * incident is acknowledged through the core client; the queue row shows a
 * pending marker until the server's event confirms the acknowledgement.
 * With --target-guard 2 the guard target expires in 2 s: the row and the
 * map icon turn overdue. Assigned units draw one line each to the scene;
 * releasing one removes its line; a unit followed on its way is followed
 * until it is on scene; a click on the map is remembered as a location.
 * Saves PNGs in the build directory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <math.h>

#include "jb-alarm-bell.h"
#include "jb-client.h"
#include "jb-incident-row.h"
#include "jb-recommender.h"
#include "jb-test-demo.h"
#include "jb-test-server.h"
#include "jb-test-window.h"
#include "jb-window.h"

typedef JbTestWindow Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  jb_test_window_set_up (fixture, (const char * const *) data, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  jb_test_window_tear_down (fixture);
}

/* POSTs an alarm from the first alarm button (priority 1 by default) and
 * returns the new incident's id. */
static char *
raise_alarm (Fixture    *fixture,
             const char *body)
{
  g_autofree char *terminal_id = jb_test_demo_find_terminal (fixture->server, fixture->bearer, "alarm_button");

  return jb_test_demo_raise_alarm (fixture->server, terminal_id, body);
}

typedef struct
{
  Fixture    *fixture;
  const char *id;
} Lookup;

static gboolean
store_has_incident (gpointer data)
{
  Lookup *lookup = data;

  return jb_store_lookup_incident (jb_client_get_store (lookup->fixture->client), lookup->id) != NULL;
}

static JbIncidentRow *
find_row (GtkWidget  *widget,
          const char *incident_id)
{
  if (JB_IS_INCIDENT_ROW (widget))
    {
      JbIncident *incident = jb_incident_row_get_incident (JB_INCIDENT_ROW (widget));

      if (incident != NULL && g_strcmp0 (jb_incident_get_id (incident), incident_id) == 0)
        return JB_INCIDENT_ROW (widget);
      return NULL;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      JbIncidentRow *row = find_row (child, incident_id);

      if (row != NULL)
        return row;
    }

  return NULL;
}

static guint
incident_index (Fixture    *fixture,
                const char *incident_id)
{
  GListModel *incidents = jb_store_get_incidents (jb_client_get_store (fixture->client));

  for (guint i = 0; i < g_list_model_get_n_items (incidents); i++)
    {
      g_autoptr(JbIncident) incident = g_list_model_get_item (incidents, i);

      if (g_strcmp0 (jb_incident_get_id (incident), incident_id) == 0)
        return i;
    }

  return G_MAXUINT;
}

/* Commands ------------------------------------------------------------- */

typedef struct
{
  gboolean  done;
  GError   *error;
} Command;

static void
command_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Command *command = user_data;
  g_autoptr(JsonNode) answer = jb_client_command_finish (JB_CLIENT (object), result, &command->error);

  command->done = TRUE;
}

static gboolean
command_done (gpointer data)
{
  return ((Command *) data)->done;
}

static gboolean
command_confirmed (gpointer data)
{
  return jb_command_get_state (JB_COMMAND (data)) == JB_COMMAND_STATE_CONFIRMED;
}

static void
finish_command (JbCommand *command,
                Command   *state)
{
  g_autoptr(JbCommand) held = g_object_ref (command);

  g_assert_true (jb_test_wait_for (command_done, state, 30 * 1000));
  g_assert_no_error (state->error);
  g_assert_true (jb_test_wait_for (command_confirmed, held, 30 * 1000));
}

/* The bell --------------------------------------------------------------- */

typedef struct
{
  JbAlarmBell *bell;
  guint        n;
} BellCount;

static gboolean
bell_ringing_is (gpointer data)
{
  BellCount *count = data;

  return jb_alarm_bell_get_n_ringing (count->bell) == count->n;
}

static gboolean
bell_played_at_least (gpointer data)
{
  BellCount *count = data;

  return jb_alarm_bell_get_n_played (count->bell) >= count->n;
}

static void
rang_cb (JbAlarmBell *bell,
         guint        n_ringing,
         gboolean     urgent,
         gpointer     user_data)
{
  gboolean *saw_urgent = user_data;

  *saw_urgent |= urgent;
}

static gboolean
row_not_pending (gpointer data)
{
  return !jb_incident_row_is_pending (JB_INCIDENT_ROW (data));
}

static void
test_alarm_bell (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(JbAlarmBell) bell = NULL;
  g_autoptr(JbAlarmBell) away = NULL;
  GtkWidget *other;
  g_autofree char *id = NULL;
  gboolean saw_urgent = FALSE;
  gboolean active;
  JbIncidentRow *row;
  JbCommand *command;
  Command state = { 0 };
  BellCount count;
  Lookup lookup;
  guint played;

  bell = jb_alarm_bell_new (fixture->client, GTK_WINDOW (fixture->window));
  jb_alarm_bell_set_repeat_interval (bell, 1000);
  g_signal_connect (bell, "rang", G_CALLBACK (rang_cb), &saw_urgent);
  /* A bell whose window is never shown, so never active: it must ask for
   * desktop notifications. */
  other = gtk_window_new ();
  away = jb_alarm_bell_new (fixture->client, GTK_WINDOW (other));
  jb_alarm_bell_set_muted (away, TRUE);
  g_assert_cmpuint (jb_alarm_bell_get_n_ringing (bell), ==, 0);
  g_assert_cmpuint (jb_alarm_bell_get_n_played (bell), ==, 0);

  id = raise_alarm (fixture, NULL);
  lookup.fixture = fixture;
  lookup.id = id;
  g_assert_true (jb_test_wait_for (store_has_incident, &lookup, 20 * 1000));

  count.bell = bell;
  count.n = 1;
  g_assert_true (jb_test_wait_for (bell_ringing_is, &count, 5 * 1000));
  g_assert_true (jb_test_wait_for (bell_played_at_least, &count, 5 * 1000));
  /* A one-click alarm is priority 1: the urgent pattern. */
  g_assert_true (saw_urgent);

  /* A console that signs in while the incident is unacknowledged rings
   * for it too, once (not again for the same incident). */
  {
    g_autoptr(JbAlarmBell) late = jb_alarm_bell_new (fixture->client, NULL);
    BellCount late_count = { late, 1 };

    jb_alarm_bell_set_muted (late, TRUE);
    jb_alarm_bell_set_repeat_interval (late, 60000);
    g_assert_cmpuint (jb_alarm_bell_get_n_ringing (late), ==, 1);
    g_assert_true (jb_test_wait_for (bell_played_at_least, &late_count, 5 * 1000));
    jb_test_spin (300);
    g_assert_cmpuint (jb_alarm_bell_get_n_played (late), ==, 1);
  }

  /* Loud until acknowledged: it repeats. */
  count.n = 3;
  g_assert_true (jb_test_wait_for (bell_played_at_least, &count, 10 * 1000));

  /* Notifications: one for the incident where the window is not active. */
  g_assert_cmpuint (jb_alarm_bell_get_n_ringing (away), ==, 1);
  g_assert_cmpuint (jb_alarm_bell_get_n_notifications (away), ==, 1);
  g_assert_cmpuint (jb_alarm_bell_get_n_shown_notifications (away), ==, 1);
  g_assert_cmpuint (jb_alarm_bell_get_n_played (away), >=, 1);
  active = gtk_window_is_active (GTK_WINDOW (fixture->window));
  g_test_message ("main window active: %d, sound fell back to beep: %d", active,
                  jb_alarm_bell_get_beep_fallback (bell));
  if (active)
    g_assert_cmpuint (jb_alarm_bell_get_n_notifications (bell), ==, 0);

  /* The queue row of the new incident. */
  jb_test_spin (300);
  row = find_row (GTK_WIDGET (jb_window_get_queue (fixture->window)), id);
  g_assert_nonnull (row);
  g_assert_false (jb_incident_row_is_pending (row));
  g_assert_true (jb_test_save_png (GTK_WIDGET (fixture->window), "test-app-alarm-ringing.png"));

  /* Acknowledge through the core client: pending on the row until the
   * server's event confirms it, and the bell falls silent. */
  command = jb_client_queue_command (fixture->client, jb_command_new_acknowledge (id),
                                     NULL, command_cb, &state);
  g_assert_true (jb_incident_row_is_pending (row));
  finish_command (command, &state);
  g_assert_true (jb_test_wait_for (row_not_pending, row, 10 * 1000));

  count.n = 0;
  g_assert_true (jb_test_wait_for (bell_ringing_is, &count, 10 * 1000));
  count.bell = away;
  g_assert_true (jb_test_wait_for (bell_ringing_is, &count, 10 * 1000));
  g_assert_cmpuint (jb_alarm_bell_get_n_shown_notifications (away), ==, 0);

  played = jb_alarm_bell_get_n_played (bell);
  jb_test_spin (2500);
  g_assert_cmpuint (jb_alarm_bell_get_n_played (bell), ==, played);

  gtk_window_destroy (GTK_WINDOW (other));
}

static void
test_alarm_sound (void)
{
  g_autoptr(GBytes) normal = jb_alarm_bell_get_sound (FALSE);
  g_autoptr(GBytes) urgent = jb_alarm_bell_get_sound (TRUE);
  gsize size = 0;
  const guint8 *wav = g_bytes_get_data (normal, &size);

  /* A RIFF/WAVE file of about a second, 16-bit mono. */
  g_assert_cmpuint (size, >, 44 + 22050);
  g_assert_cmpmem (wav, 4, "RIFF", 4);
  g_assert_cmpmem (wav + 8, 4, "WAVE", 4);
  g_assert_cmpuint (wav[22], ==, 1);
  g_assert_cmpuint (wav[34], ==, 16);
  g_assert_false (g_bytes_equal (normal, urgent));
}

/* Overdue ---------------------------------------------------------------- */

typedef struct
{
  Fixture    *fixture;
  const char *id;
  guint       n_ticks;
  guint       n_agreed_overdue;
  guint       n_disagreed;
} Overdue;

/* After every tick of the store's one clock the row and the map icon
 * have both judged at that tick's time: they agree, however late the
 * tick came on a busy machine. */
static void
compare_after_tick_cb (JbStore *store,
                       gint64   now_ms,
                       gpointer data)
{
  Overdue *overdue = data;
  JbMapView *map_view = jb_window_get_map_view (overdue->fixture->window);
  JbIncidentRow *row = find_row (GTK_WIDGET (jb_window_get_queue (overdue->fixture->window)), overdue->id);
  guint index = incident_index (overdue->fixture, overdue->id);
  gboolean row_overdue, icon_overdue;

  if (row == NULL || index == G_MAXUINT || !gtk_widget_get_mapped (GTK_WIDGET (row)))
    return;
  row_overdue = jb_incident_row_is_overdue (row);
  icon_overdue = jb_incident_layer_is_overdue (jb_map_view_get_incident_layer (map_view), index);
  overdue->n_ticks++;
  if (row_overdue != icon_overdue)
    overdue->n_disagreed++;
  else if (row_overdue)
    overdue->n_agreed_overdue++;
}

static gboolean
agreed_overdue (gpointer data)
{
  return ((Overdue *) data)->n_agreed_overdue > 0;
}

static gboolean
shows_overdue (gpointer data)
{
  Overdue *overdue = data;
  JbMapView *map_view = jb_window_get_map_view (overdue->fixture->window);
  JbIncidentRow *row = find_row (GTK_WIDGET (jb_window_get_queue (overdue->fixture->window)), overdue->id);
  guint index = incident_index (overdue->fixture, overdue->id);

  return row != NULL && jb_incident_row_is_overdue (row) &&
         index != G_MAXUINT && jb_incident_layer_is_overdue (jb_map_view_get_incident_layer (map_view), index);
}

static void
test_alarm_overdue (Fixture       *fixture,
                    gconstpointer  data)
{
  JbMapView *map_view = jb_window_get_map_view (fixture->window);
  g_autofree char *id = raise_alarm (fixture, NULL);
  g_autofree char *text = NULL;
  JbIncidentRow *row;
  JbIncident *incident;
  Overdue overdue = { fixture, id };
  Lookup lookup = { fixture, id };
  JbStore *store = jb_client_get_store (fixture->client);
  gulong handler;
  double lat, lon;

  handler = g_signal_connect_after (store, "tick", G_CALLBACK (compare_after_tick_cb), &overdue);
  g_assert_true (jb_test_wait_for (store_has_incident, &lookup, 20 * 1000));
  jb_test_spin (300);

  /* At first every target is pending. */
  row = find_row (GTK_WIDGET (jb_window_get_queue (fixture->window)), id);
  g_assert_nonnull (row);
  if (!jb_incident_row_is_overdue (row))
    g_assert_false (jb_incident_layer_is_overdue (jb_map_view_get_incident_layer (map_view),
                                                  incident_index (fixture, id)));

  /* The guard target is 2 s here: both turn overdue on their own, at the
   * same tick. */
  g_assert_true (jb_test_wait_for (shows_overdue, &overdue, 15 * 1000));
  g_assert_true (jb_test_wait_for (agreed_overdue, &overdue, 15 * 1000));
  g_signal_handler_disconnect (store, handler);
  g_test_message ("ticks compared: %u, disagreed: %u", overdue.n_ticks, overdue.n_disagreed);
  g_assert_cmpuint (overdue.n_disagreed, ==, 0);
  g_assert_cmpuint (jb_incident_layer_get_n_overdue (jb_map_view_get_incident_layer (map_view)), >=, 1);

  row = find_row (GTK_WIDGET (jb_window_get_queue (fixture->window)), id);
  text = jb_incident_row_get_targets_text (row);
  g_test_message ("targets: %s", text);
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, "+"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "overdue"));

  incident = jb_store_lookup_incident (jb_client_get_store (fixture->client), id);
  g_assert_true (jb_incident_get_location (incident, &lat, &lon));
  jb_map_view_go_to (map_view, lat, lon, 15);
  jb_test_spin (1200);
  g_assert_true (jb_test_save_png (GTK_WIDGET (fixture->window), "test-app-alarm-overdue.png"));
}

/* Assignments ----------------------------------------------------------- */

typedef struct
{
  JbAssignmentLayer *layer;
  guint              n;
  JbAssignmentState  state;
} Lines;

static gboolean
has_lines (gpointer data)
{
  Lines *lines = data;

  if (jb_assignment_layer_get_n_lines (lines->layer) != lines->n)
    return FALSE;

  return lines->n == 0 || jb_assignment_layer_count_lines (lines->layer, lines->state) >= 1;
}

static gboolean
not_following (gpointer data)
{
  return jb_map_view_get_followed (JB_MAP_VIEW (data)) == NULL;
}

static void
test_alarm_assignments (Fixture       *fixture,
                        gconstpointer  data)
{
  JbMapView *map_view = jb_window_get_map_view (fixture->window);
  JbStore *store = jb_client_get_store (fixture->client);
  JbAssignmentLayer *layer = jb_map_view_get_assignment_layer (map_view);
  g_autofree char *id = raise_alarm (fixture, NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr(GArray) ranked = NULL;
  JbRecommendOptions options = { 0 };
  Lookup lookup = { fixture, id };
  Lines lines = { layer, 0, JB_ASSIGNMENT_STATE_ASSIGNED };
  JbIncident *incident;
  Command state = { 0 };
  JbCommand *command;

  g_assert_true (jb_test_wait_for (store_has_incident, &lookup, 20 * 1000));
  g_assert_cmpuint (jb_assignment_layer_get_n_lines (layer), ==, 0);
  incident = jb_store_lookup_incident (store, id);

  /* The two best units (without the simulator every fix is old). */
  options.limit = 2;
  ranked = jb_recommender_rank (store, incident, &options);
  g_assert_cmpuint (ranked->len, ==, 2);
  first = g_strdup (jb_unit_get_id (g_array_index (ranked, JbRecommendation, 0).unit));
  second = g_strdup (jb_unit_get_id (g_array_index (ranked, JbRecommendation, 1).unit));

  command = jb_client_queue_command (fixture->client, jb_command_new_assign (id, first),
                                     NULL, command_cb, &state);
  finish_command (command, &state);
  lines.n = 1;
  g_assert_true (jb_test_wait_for (has_lines, &lines, 10 * 1000));

  state = (Command) { 0 };
  command = jb_client_queue_command (fixture->client, jb_command_new_assign (id, second),
                                     NULL, command_cb, &state);
  finish_command (command, &state);
  lines.n = 2;
  g_assert_true (jb_test_wait_for (has_lines, &lines, 10 * 1000));

  /* Releasing one removes its line. */
  state = (Command) { 0 };
  command = jb_client_queue_command (fixture->client, jb_command_new_unassign (id, second),
                                     NULL, command_cb, &state);
  finish_command (command, &state);
  lines.n = 1;
  g_assert_true (jb_test_wait_for (has_lines, &lines, 10 * 1000));

  /* On its way: the line turns en route, and the map frames the scene and
   * the unit. */
  state = (Command) { 0 };
  command = jb_client_queue_command (fixture->client,
                                     jb_command_new_unit_status (first, JB_UNIT_STATUS_EN_ROUTE),
                                     NULL, command_cb, &state);
  finish_command (command, &state);
  lines.state = JB_ASSIGNMENT_STATE_EN_ROUTE;
  g_assert_true (jb_test_wait_for (has_lines, &lines, 10 * 1000));

  g_assert_true (jb_map_view_follow_incident_units (map_view, id));
  g_assert_cmpstr (jb_map_view_get_followed_incident (map_view), ==, id);
  jb_test_spin (1500);
  {
    JbIncidentRow *row = find_row (GTK_WIDGET (jb_window_get_queue (fixture->window)), id);
    g_autofree char *text = row ? jb_incident_row_get_targets_text (row) : NULL;

    g_assert_nonnull (text);
    g_test_message ("targets: %s (created %" G_GINT64_FORMAT ", now %" G_GINT64_FORMAT ")", text,
                    jb_incident_get_created_at (incident), g_get_real_time () / 1000);
  }
  g_assert_true (jb_test_save_png (GTK_WIDGET (fixture->window), "test-app-alarm-assigned.png"));

  /* Following the unit on its way lasts until it is on scene. */
  jb_map_view_follow (map_view, first);
  g_assert_null (jb_map_view_get_followed_incident (map_view));
  g_assert_cmpstr (jb_map_view_get_followed (map_view), ==, first);

  state = (Command) { 0 };
  command = jb_client_queue_command (fixture->client,
                                     jb_command_new_unit_status (first, JB_UNIT_STATUS_ON_SCENE),
                                     NULL, command_cb, &state);
  finish_command (command, &state);
  g_assert_true (jb_test_wait_for (not_following, map_view, 10 * 1000));
  lines.n = 0;
  g_assert_true (jb_test_wait_for (has_lines, &lines, 10 * 1000));

  /* No click yet; a click at the map's centre gives the viewport's centre
   * (for a new incident's location). The map's own click gesture is
   * driven by its signals: GTK 4.8 has no event synthesis. */
  g_assert_false (jb_map_view_get_clicked_location (map_view, NULL, NULL));
  {
    ShumateMap *map = jb_map_view_get_map (map_view);
    ShumateViewport *viewport = jb_map_view_get_viewport (map_view);
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (map));
    double x = gtk_widget_get_width (GTK_WIDGET (map)) / 2.0;
    double y = gtk_widget_get_height (GTK_WIDGET (map)) / 2.0;
    double lat = 0, lon = 0;
    gboolean clicked = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (controllers) && !clicked; i++)
      {
        g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_GESTURE_CLICK (controller) &&
            gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
          {
            g_signal_emit_by_name (controller, "pressed", 1, x, y);
            g_signal_emit_by_name (controller, "released", 1, x, y);
            clicked = TRUE;
          }
      }
    g_assert_true (clicked);
    g_assert_true (jb_map_view_get_clicked_location (map_view, &lat, &lon));
    g_assert_cmpfloat_with_epsilon (lat, shumate_location_get_latitude (SHUMATE_LOCATION (viewport)), 1e-4);
    g_assert_cmpfloat_with_epsilon (lon, shumate_location_get_longitude (SHUMATE_LOCATION (viewport)), 1e-4);
  }
}

int
main (int   argc,
      char *argv[])
{
  static const char *overdue_args[] = { "--demo", "--target-guard", "2", NULL };

  g_setenv ("LANGUAGE", "C", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  /* Criticals stay fatal; warnings are not: without a session bus GTK
   * warns that it cannot reach portals, which is not ours to fix. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  adw_init ();
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_PREFER_DARK);

  g_test_add_func ("/app-alarm/sound", test_alarm_sound);
  g_test_add ("/app-alarm/bell", Fixture, NULL, fixture_set_up, test_alarm_bell, fixture_tear_down);
  g_test_add ("/app-alarm/overdue", Fixture, overdue_args, fixture_set_up, test_alarm_overdue, fixture_tear_down);
  g_test_add ("/app-alarm/assignments", Fixture, NULL, fixture_set_up, test_alarm_assignments, fixture_tear_down);

  return g_test_run ();
}
