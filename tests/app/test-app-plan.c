/* test-app-plan.c — the 1-3-5 plan in the detail pane, the layout at
 * 1920×1080, and a refused note kept in its entry, against the real server
 *
 * A fight alarm from a KTV's alarm button: the plan's three rows and the
 * assigned units sit inside the visible area without scrolling; P assigns
 * the next missing row, Shift+P the rest; writing a note keeps the
 * incident's status in view; a note the server refuses stays in the entry
 * with the reason beside it. Saves test-app-plan-*.png in the build
 * directory for a person to look at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <string.h>

#include "jb-client.h"
#include "jb-test-client.h"
#include "jb-test-demo.h"
#include "jb-test-server.h"
#include "jb-test-wait.h"
#include "jb-test-window.h"
#include "jb-window-private.h"

typedef JbTestWindow Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  jb_test_window_set_up (fixture, NULL, data);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  jb_test_window_tear_down (fixture);
}

/* A KTV's alarm button (of @station_id when not NULL). */
static char *
find_ktv_button (Fixture    *fixture,
                 const char *station_id)
{
  g_autoptr(JbTestResponse) response = NULL;
  JsonArray *terminals;

  response = jb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->bearer, NULL, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  terminals = json_object_get_array_member (json_node_get_object (response->body), "terminals");
  for (guint i = 0; i < json_array_get_length (terminals); i++)
    {
      JsonObject *terminal = json_array_get_object_element (terminals, i);
      JsonObject *venue = json_object_get_object_member (terminal, "venue");

      if (g_strcmp0 (json_object_get_string_member (terminal, "kind"), "alarm_button") != 0 || venue == NULL ||
          g_strcmp0 (json_object_get_string_member_with_default (venue, "kind", NULL), "ktv") != 0)
        continue;
      if (station_id == NULL ||
          g_strcmp0 (json_object_get_string_member_with_default (terminal, "station_id", NULL), station_id) == 0)
        return g_strdup (json_object_get_string_member (terminal, "id"));
    }
  g_assert_not_reached ();
  return NULL;
}

typedef struct
{
  Fixture    *fixture;
  const char *incident_id;
  const char *unit_id;
} Wait;

static gboolean
incident_in_store (gpointer data)
{
  Wait *w = data;

  return jb_store_lookup_incident (jb_client_get_store (w->fixture->client), w->incident_id) != NULL;
}

static const JbPlan *
plan_of (Fixture *fixture)
{
  return jb_plan_view_get_plan (jb_detail_pane_get_plan_view (fixture->window->detail_pane));
}

/* Every row of the plan has a unit: assigned or proposed. */
static gboolean
plan_complete (gpointer data)
{
  const JbPlan *plan = plan_of (data);

  if (plan == NULL)
    return FALSE;
  for (guint i = 0; i < JB_TARGET_N; i++)
    if (plan->rows[i].assigned_unit_id == NULL && plan->rows[i].proposal.unit == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
row_assigned (gpointer data)
{
  Wait *w = data;
  const JbPlan *plan = plan_of (w->fixture);

  for (guint i = 0; plan != NULL && i < JB_TARGET_N; i++)
    if (g_strcmp0 (plan->rows[i].assigned_unit_id, w->unit_id) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
plan_filled (gpointer data)
{
  const JbPlan *plan = plan_of (data);

  if (plan == NULL)
    return FALSE;
  for (guint i = 0; i < JB_TARGET_N; i++)
    if (plan->rows[i].assigned_unit_id == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
nothing_pending (gpointer data)
{
  Fixture *fixture = data;
  GListModel *pending = jb_client_get_pending_commands (fixture->client);

  for (guint i = 0; i < g_list_model_get_n_items (pending); i++)
    {
      g_autoptr(JbCommand) command = g_list_model_get_item (pending, i);

      if (jb_command_is_pending (command))
        return FALSE;
    }
  return TRUE;
}

static gboolean
laid_out (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_mapped (widget) && gtk_widget_get_height (widget) > 0;
}

/* @part lies wholly inside @area (both mapped), as laid out now. */
static void
assert_inside (GtkWidget  *part,
               GtkWidget  *area,
               const char *what)
{
  graphene_rect_t bounds;
  double area_h = gtk_widget_get_height (area);
  double area_w = gtk_widget_get_width (area);

  g_assert_true (jb_test_wait_for (laid_out, part, 20 * 1000));
  g_assert_true (gtk_widget_compute_bounds (part, area, &bounds));
  g_test_message ("%s: y %.0f–%.0f of %.0f", what, bounds.origin.y, bounds.origin.y + bounds.size.height, area_h);
  g_assert_cmpfloat (bounds.origin.y, >=, 0);
  g_assert_cmpfloat (bounds.origin.x, >=, 0);
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, area_h + 0.5);
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, area_w + 0.5);
}

/* Header, plan and assigned units at 1920×1080, without scrolling: inside
 * the window, and what sits in the scrolled part inside its viewport. */
static void
assert_plan_visible (Fixture *fixture)
{
  JbDetailPane *pane = fixture->window->detail_pane;
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GtkWidget *scroller = jb_detail_pane_get_part (pane, "scroller");
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

  /* The fixture's window fills the 1920×1080 screen (less its frame). */
  g_assert_cmpint (gtk_widget_get_width (window), <=, 1920);
  g_assert_cmpint (gtk_widget_get_height (window), <=, 1080);
  g_assert_cmpint (gtk_widget_get_height (window), >=, 1000);
  gtk_adjustment_set_value (vadj, 0);
  assert_inside (jb_detail_pane_get_part (pane, "status"), window, "status");
  assert_inside (jb_detail_pane_get_part (pane, "targets"), window, "targets");
  assert_inside (jb_detail_pane_get_part (pane, "plan"), window, "plan");
  assert_inside (jb_detail_pane_get_part (pane, "scroller"), window, "scroller");
  assert_inside (jb_detail_pane_get_part (pane, "assignments"), scroller, "assigned units");
  assert_inside (jb_detail_pane_get_part (pane, "facts"), scroller, "facts");
  /* The venue's facts: two lines at most. */
  g_assert_cmpint (gtk_label_get_lines (GTK_LABEL (jb_detail_pane_get_part (pane, "facts"))), ==, 2);
}

static void
test_plan_keys_and_layout (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *terminal_id = find_ktv_button (fixture, NULL);
  g_autofree char *incident_id = jb_test_demo_raise_alarm (fixture->server, terminal_id, "{\"type\": \"fight\"}");
  g_autofree char *guard = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JbTestResponse) response = NULL;
  JbDetailPane *pane = fixture->window->detail_pane;
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GtkWidget *entry;
  const JbPlan *plan;
  Wait w = { fixture, incident_id };

  g_assert_true (jb_test_wait_for (incident_in_store, &w, 60 * 1000));
  jb_window_select_incident (fixture->window, incident_id);
  g_assert_true (jb_test_wait_for (plan_complete, fixture, 60 * 1000));

  /* Three rows, a guard first; nothing assigned yet; each row says its ETA. */
  plan = plan_of (fixture);
  g_assert_cmpint (jb_plan_next_missing (plan), ==, JB_TARGET_GUARD);
  g_assert_true (jb_unit_get_kind (plan->rows[JB_TARGET_GUARD].proposal.unit) == JB_UNIT_KIND_GUARD ||
                 jb_unit_get_kind (plan->rows[JB_TARGET_GUARD].proposal.unit) == JB_UNIT_KIND_VOLUNTEER);
  for (guint i = JB_TARGET_POLICE; i < JB_TARGET_N; i++)
    {
      JbUnitKind kind = jb_unit_get_kind (plan->rows[i].proposal.unit);

      g_assert_true (kind == JB_UNIT_KIND_OFFICER || kind == JB_UNIT_KIND_PATROL_CAR);
    }
  for (guint i = 0; i < JB_TARGET_N; i++)
    g_assert_nonnull (strstr (jb_plan_view_get_row_text (jb_detail_pane_get_plan_view (pane), i), "ETA"));
  /* Police within the first three numbered keys, at a venue full of guards. */
  {
    JbRecommendList *list = jb_detail_pane_get_recommend_list (pane);
    gboolean police = FALSE;

    for (guint i = 0; i < 3; i++)
      {
        JbUnit *unit = jb_recommend_list_get_unit (list, i);

        police |= unit != NULL && (jb_unit_get_kind (unit) == JB_UNIT_KIND_OFFICER ||
                                   jb_unit_get_kind (unit) == JB_UNIT_KIND_PATROL_CAR);
      }
    g_assert_true (police);
  }
  assert_plan_visible (fixture);
  g_assert_true (jb_test_save_png (window, "test-app-plan-1-plan.png"));

  /* P: the guard row. */
  guard = g_strdup (jb_unit_get_id (plan->rows[JB_TARGET_GUARD].proposal.unit));
  g_assert_true (gtk_widget_activate_action (window, "win.assign-plan-next", NULL));
  w.unit_id = guard;
  g_assert_true (jb_test_wait_for (row_assigned, &w, 60 * 1000));
  g_assert_true (jb_test_wait_for (nothing_pending, fixture, 60 * 1000));
  plan = plan_of (fixture);
  g_assert_cmpstr (plan->rows[JB_TARGET_GUARD].assigned_unit_id, ==, guard);
  g_assert_null (plan->rows[JB_TARGET_POLICE].assigned_unit_id);

  /* Shift+P: the two police rows. */
  g_assert_true (jb_test_wait_for (plan_complete, fixture, 60 * 1000));
  g_assert_true (gtk_widget_activate_action (window, "win.assign-plan", NULL));
  g_assert_true (jb_test_wait_for (plan_filled, fixture, 60 * 1000));
  g_assert_true (jb_test_wait_for (nothing_pending, fixture, 60 * 1000));
  path = g_strdup_printf ("/api/v1/incidents/%s", incident_id);
  response = jb_test_request (fixture->server, "GET", path, fixture->bearer, NULL, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (jb_test_json_string (response->body, "assignments.0.unit_id"), ==, guard);
  g_assert_nonnull (jb_test_json_get (response->body, "assignments.2.unit_id"));
  g_assert_null (jb_test_json_get (response->body, "assignments.3"));
  assert_plan_visible (fixture);
  g_assert_true (jb_test_save_png (window, "test-app-plan-2-assigned.png"));

  /* Writing a note keeps the status in view. */
  g_assert_true (gtk_widget_activate_action (window, "win.focus-note", NULL));
  entry = jb_detail_pane_get_part (pane, "note-entry");
  g_assert_true (gtk_widget_has_focus (entry) || gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), entry));
  jb_test_spin (300);
  assert_inside (jb_detail_pane_get_part (pane, "status"), window, "status while writing");
  assert_inside (jb_detail_pane_get_part (pane, "plan"), window, "plan while writing");

  /* A note the server refuses (over 2,000 characters) stays, with why. */
  {
    g_autofree char *long_note = g_strnfill (2100, 'x');

    gtk_editable_set_text (GTK_EDITABLE (entry), long_note);
    g_signal_emit_by_name (entry, "activate");
    g_assert_true (jb_test_wait_for (nothing_pending, fixture, 60 * 1000));
    jb_test_spin (100);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, long_note);
    g_assert_nonnull (jb_detail_pane_get_note_error (pane));
    g_test_message ("refused note: %s", jb_detail_pane_get_note_error (pane));
    g_assert_true (jb_test_save_png (window, "test-app-plan-3-note-refused.png"));

    /* A good one goes, and the entry empties once the server has it. */
    gtk_editable_set_text (GTK_EDITABLE (entry), "Parties separated");
    g_signal_emit_by_name (entry, "activate");
    g_assert_true (jb_test_wait_for (nothing_pending, fixture, 60 * 1000));
    jb_test_spin (100);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
    g_assert_null (jb_detail_pane_get_note_error (pane));
  }
}

/* Presence ----------------------------------------------------------- */

typedef struct
{
  Fixture    *fixture;
  const char *needle;
  gboolean    present;
} PresenceWait;

static gboolean
presence_says (gpointer data)
{
  PresenceWait *p = data;
  const char *text = jb_detail_pane_get_presence_text (p->fixture->window->detail_pane);
  gboolean found = text != NULL && strstr (text, p->needle) != NULL;

  return found == p->present;
}

static gboolean
owner_asks (gpointer data)
{
  return _jb_window_get_owner_dialog (((Fixture *) data)->window) != NULL;
}

typedef struct
{
  Fixture    *fixture;
  const char *incident_id;
  guint       n_notes;
} NotesWait;

static gboolean
has_notes (gpointer data)
{
  NotesWait *w = data;
  JbIncident *incident = jb_store_lookup_incident (jb_client_get_store (w->fixture->client), w->incident_id);

  return incident != NULL && jb_incident_get_n_notes (incident) >= w->n_notes;
}

static gboolean
acknowledged (gpointer data)
{
  Wait *w = data;
  JbIncident *incident = jb_store_lookup_incident (jb_client_get_store (w->fixture->client), w->incident_id);

  return incident != NULL && jb_incident_get_acknowledged_by (incident) != NULL;
}

static void
command_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(JsonNode) answer = jb_client_command_finish (JB_CLIENT (object), result, NULL);

  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
test_presence_and_owner (Fixture       *fixture,
                         gconstpointer  data)
{
  /* 伍家岭 is one of the 中心派出所 duty room's stations. */
  g_autofree char *terminal_id = find_ktv_button (fixture, "st-wujialing");
  g_autofree char *incident_id = jb_test_demo_raise_alarm (fixture->server, terminal_id, "{\"type\": \"fight\"}");
  g_autofree char *path = NULL;
  g_autoptr(JbTestResponse) response = NULL;
  GtkWidget *window = GTK_WIDGET (fixture->window);
  JbClient *other;
  PresenceWait viewing = { fixture, "中心派出所值班室", TRUE };
  PresenceWait owned = { fixture, "Owned by zhongxin", TRUE };
  NotesWait notes = { fixture, incident_id, 1 };
  Wait w = { fixture, incident_id };
  gboolean done = FALSE;

  g_assert_true (jb_test_wait_for (incident_in_store, &w, 60 * 1000));
  jb_window_select_incident (fixture->window, incident_id);

  /* A second person opens the same incident: shown here. */
  other = jb_test_client_new_signed_in (fixture->server, "zhongxin", "demo");
  jb_test_client_start_live (other, 60 * 1000);
  jb_client_set_viewing (other, incident_id);
  g_assert_true (jb_test_wait_for (presence_says, &viewing, 60 * 1000));
  g_test_message ("presence: %s", jb_detail_pane_get_presence_text (fixture->window->detail_pane));

  /* …and acknowledges it: it owns it. */
  jb_client_queue_command (other, jb_command_new_acknowledge (incident_id), NULL, command_done_cb, &done);
  g_assert_true (jb_test_wait_for (flag_set, &done, 60 * 1000));
  g_assert_true (jb_test_wait_for (acknowledged, &w, 60 * 1000));
  g_assert_true (jb_test_wait_for (presence_says, &owned, 60 * 1000));
  g_assert_true (jb_test_save_png (window, "test-app-plan-4-presence.png"));

  /* It quits: gone within seconds (the connection closes). */
  jb_client_stop (other);
  g_object_unref (other);
  viewing.present = FALSE;
  g_assert_true (jb_test_wait_for (presence_says, &viewing, 30 * 1000));
  g_assert_nonnull (strstr (jb_detail_pane_get_presence_text (fixture->window->detail_pane), "Owned by zhongxin"));

  /* A command on an incident someone else owns asks first, once. */
  g_assert_true (gtk_widget_activate_action (window, "win.add-note", "s", "Command room listening in"));
  g_assert_true (jb_test_wait_for (owner_asks, fixture, 10 * 1000));
  jb_test_spin (200);
  g_assert_cmpuint (jb_incident_get_n_notes (jb_store_lookup_incident (jb_client_get_store (fixture->client),
                                                                       incident_id)), ==, 0);
  g_assert_true (jb_test_save_png (window, "test-app-plan-5-owner-warning.png"));
  _jb_window_answer_owner_dialog (fixture->window, "send");
  g_assert_true (jb_test_wait_for (has_notes, &notes, 60 * 1000));
  g_assert_null (_jb_window_get_owner_dialog (fixture->window));

  /* Asked once: the next command goes straight. */
  g_assert_true (gtk_widget_activate_action (window, "win.add-note", "s", "Second note"));
  g_assert_null (_jb_window_get_owner_dialog (fixture->window));
  notes.n_notes = 2;
  g_assert_true (jb_test_wait_for (has_notes, &notes, 60 * 1000));

  /* Presence frames carry no seq and are never taken for a gap. */
  g_assert_cmpuint (jb_client_get_gap_count (fixture->client), ==, 0);

  path = g_strdup_printf ("/api/v1/incidents/%s", incident_id);
  response = jb_test_request (fixture->server, "GET", path, fixture->bearer, NULL, NULL);
  g_assert_cmpstr (jb_test_json_string (response->body, "notes.0.text"), ==, "Command room listening in");
  g_assert_cmpstr (jb_test_json_string (response->body, "acknowledged_by"), ==, "zhongxin");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  /* The bell's sound is not what this test is about. */
  g_setenv ("GTK_MEDIA", "none", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  adw_init ();
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_PREFER_DARK);

  g_test_add ("/app/plan/keys-and-layout", Fixture, "dispatcher",
              fixture_set_up, test_plan_keys_and_layout, fixture_tear_down);
  g_test_add ("/app/plan/presence-and-owner", Fixture, "dispatcher",
              fixture_set_up, test_presence_and_owner, fixture_tear_down);

  return g_test_run ();
}
