/* test-app-dialogs.c — the dialogs and panels against the real server
 *
 * Starts jingbao-dispatchd --demo, signs a JbClient in (the demo
 * dispatcher, or the 清水塘 duty officer), waits until it is live, then
 * drives each widget in this process through its own actions and checks
 * the server's state with plain HTTP requests:
 *   - the new-incident dialog checks typed coordinates, finds a venue,
 *     creates incidents with the chosen type, priority and place, and
 *     explains a duty officer's out-of-jurisdiction 403 in words;
 *   - the resolve/close dialog resolves, then closes, with a disposition
 *     and a note, and explains a 409 (already closed) and a 403;
 *   - the history window finds a closed incident by number, venue, type
 *     and date range, shows "no results", and reads its record;
 *   - the roster panel shows every station's leader on duty, the duty
 *     officer's own station first, and follows a station.updated event;
 *   - a viewer is told at once that it can only watch, and nothing is sent;
 *   - every control of every widget, filled as in use, has an accessible name.
 * Saves a PNG of each widget in the build directory for a person to look at;
 * with JB_TEST_LANGUAGE=zh_CN (the test-app-dialogs-zh_CN test) the same
 * widgets in Chinese, *-zh_CN.png.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>

#include "jb-client.h"
#include "jb-close-incident-dialog.h"
#include "jb-error.h"
#include "jb-history-window.h"
#include "jb-new-incident-dialog.h"
#include "jb-roster-panel.h"
#include "jb-test-client.h"
#include "jb-test-server.h"
#include "jb-test-window.h"

typedef struct
{
  JbTestServer *server;
  JbClient     *client;
  char         *bearer;      /* the dispatcher's, for setting things up */
} Fixture;

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Fixture */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *username = data ? data : "dispatcher";
  const char *args[] = { "--demo", NULL };

  fixture->server = jb_test_server_start (args);
  fixture->bearer = jb_test_login (fixture->server, "dispatcher", "demo");
  fixture->client = jb_test_client_new_signed_in (fixture->server, username, "demo");
  jb_test_client_start_live (fixture->client, 60 * 1000);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  jb_client_stop (fixture->client);
  jb_test_spin (50);
  g_assert_finalize_object (fixture->client);
  g_clear_pointer (&fixture->bearer, g_free);
  jb_test_server_free (fixture->server);
}

/* Server helpers */

static JsonNode *
get_incident (Fixture    *fixture,
              const char *id)
{
  g_autoptr(JbTestResponse) response = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s", id);

  response = jb_test_request (fixture->server, "GET", path, fixture->bearer, NULL, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  return json_node_ref (response->body);
}

/* Creates an incident as the dispatcher; returns its id. */
static char *
create_incident (Fixture    *fixture,
                 const char *body)
{
  g_autoptr(JbTestResponse) response = NULL;

  response = jb_test_request (fixture->server, "POST", "/api/v1/incidents", fixture->bearer, NULL, body);
  g_assert_cmpuint (response->status, ==, 201);
  return g_strdup (jb_test_json_string (response->body, "id"));
}

static guint
count_incidents (Fixture    *fixture,
                 const char *query)
{
  g_autoptr(JbTestResponse) response = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/incidents?%s", query);
  JsonNode *items;

  response = jb_test_request (fixture->server, "GET", path, fixture->bearer, NULL, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  items = jb_test_json_get (response->body, "items");
  g_assert_nonnull (items);
  return json_array_get_length (json_node_get_array (items));
}

typedef struct
{
  Fixture    *fixture;
  const char *id;
} InStore;

static gboolean
incident_in_store (gpointer data)
{
  InStore *in = data;

  return jb_store_lookup_incident (jb_client_get_store (in->fixture->client), in->id) != NULL;
}

static void
wait_in_store (Fixture    *fixture,
               const char *id)
{
  InStore in = { fixture, id };

  g_assert_true (jb_test_wait_for (incident_in_store, &in, 20 * 1000));
}

/* New incident */

static void
created_cb (JbNewIncidentDialog *dialog,
            const char          *id,
            char               **out_id)
{
  g_assert_null (*out_id);
  *out_id = g_strdup (id);
}

static gboolean
not_pending_new (gpointer data)
{
  return !jb_new_incident_dialog_get_pending (data);
}

static JbNewIncidentDialog *
open_new_incident_dialog (Fixture  *fixture,
                          char    **out_id)
{
  JbNewIncidentDialog *dialog = jb_new_incident_dialog_new (fixture->client);

  g_signal_connect (dialog, "created", G_CALLBACK (created_cb), out_id);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
test_new_incident_coordinates (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autoptr(JsonNode) incident = NULL;
  JbNewIncidentDialog *dialog = open_new_incident_dialog (fixture, &id);
  double lat, lon;

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);

  /* Nothing chosen yet: creating explains what is missing. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "new-incident.create", NULL);
  g_assert_false (jb_new_incident_dialog_get_pending (dialog));
  g_assert_nonnull (strstr (jb_new_incident_dialog_get_error (dialog), "location"));

  /* Typed coordinates are checked as they are typed. */
  jb_new_incident_dialog_set_coordinates_text (dialog, "28.2301, east");
  g_assert_nonnull (strstr (jb_new_incident_dialog_get_error (dialog), "not a number"));
  g_assert_false (jb_new_incident_dialog_get_location (dialog, NULL, NULL));
  jb_new_incident_dialog_set_coordinates_text (dialog, "28.2301");
  g_assert_nonnull (strstr (jb_new_incident_dialog_get_error (dialog), "two numbers"));
  jb_new_incident_dialog_set_coordinates_text (dialog, "112.9870, 28.2301");
  g_assert_nonnull (strstr (jb_new_incident_dialog_get_error (dialog), "Did you mean 28.2301, 112.9870"));
  jb_new_incident_dialog_set_coordinates_text (dialog, "28.2301, 212.9870");
  g_assert_nonnull (strstr (jb_new_incident_dialog_get_error (dialog), "Longitude"));
  jb_test_save_png (GTK_WIDGET (dialog), "test-app-dialogs-new-incident-bad-coordinates.png");

  /* A Chinese keyboard's comma and a degree sign are fine. */
  jb_new_incident_dialog_set_coordinates_text (dialog, "28.2301°，112.9870°");
  g_assert_null (jb_new_incident_dialog_get_error (dialog));
  g_assert_true (jb_new_incident_dialog_get_location (dialog, &lat, &lon));
  g_assert_cmpfloat_with_epsilon (lat, 28.2301, 1e-9);
  g_assert_cmpfloat_with_epsilon (lon, 112.9870, 1e-9);

  /* A map click replaces them. */
  jb_new_incident_dialog_set_location (dialog, 28.2045, 112.9861);
  g_assert_true (jb_new_incident_dialog_get_location (dialog, &lat, &lon));
  g_assert_cmpfloat_with_epsilon (lat, 28.2045, 1e-9);

  jb_new_incident_dialog_set_incident_type (dialog, JB_INCIDENT_TYPE_FIGHT);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "new-incident.priority", "u", 1);
  jb_new_incident_dialog_set_description (dialog, "两名男子在路口扭打，报警人 138 0000 0000");
  jb_test_save_png (GTK_WIDGET (dialog), "test-app-dialogs-new-incident.png");

  gtk_widget_activate_action (GTK_WIDGET (dialog), "new-incident.create", NULL);
  g_assert_true (jb_new_incident_dialog_get_pending (dialog));
  g_assert_true (jb_test_wait_for (is_null, &dialog, 20 * 1000));  /* closed itself */
  g_assert_nonnull (id);

  /* ::created came after the event reached the store. */
  g_assert_nonnull (jb_store_lookup_incident (jb_client_get_store (fixture->client), id));

  incident = get_incident (fixture, id);
  g_assert_cmpstr (jb_test_json_string (incident, "type"), ==, "fight");
  g_assert_cmpint (jb_test_json_int (incident, "priority"), ==, 1);
  g_assert_cmpstr (jb_test_json_string (incident, "source"), ==, "phone");
  g_assert_cmpstr (jb_test_json_string (incident, "status"), ==, "new");
  g_assert_cmpstr (jb_test_json_string (incident, "description"), ==, "两名男子在路口扭打，报警人 138 0000 0000");
  g_assert_cmpfloat_with_epsilon (json_node_get_double (jb_test_json_get (incident, "location.lat")), 28.2045, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_node_get_double (jb_test_json_get (incident, "location.lon")), 112.9861, 1e-6);
}

static void
test_new_incident_venue (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autoptr(JsonNode) incident = NULL;
  JbNewIncidentDialog *dialog = open_new_incident_dialog (fixture, &id);
  GListModel *terminals = jb_store_get_terminals (jb_client_get_store (fixture->client));
  g_autoptr(JbTerminal) venue_terminal = NULL;
  g_autofree char *search = NULL;
  double lat, lon, venue_lat, venue_lon;

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);

  /* A venue of the demo city, searched by part of its name. */
  for (guint i = 0; venue_terminal == NULL && i < g_list_model_get_n_items (terminals); i++)
    {
      g_autoptr(JbTerminal) terminal = g_list_model_get_item (terminals, i);

      if (jb_terminal_get_kind (terminal) == JB_TERMINAL_KIND_ALARM_BUTTON && jb_terminal_has_venue (terminal))
        venue_terminal = g_steal_pointer (&terminal);
    }
  g_assert_nonnull (venue_terminal);
  g_assert_true (jb_terminal_get_location (venue_terminal, &venue_lat, &venue_lon));
  search = g_strdup (jb_terminal_get_venue_name (venue_terminal));

  g_assert_cmpuint (jb_new_incident_dialog_search_place (dialog, "no such place anywhere"), ==, 0);
  g_assert_cmpuint (jb_new_incident_dialog_search_place (dialog, search), >=, 1);
  jb_test_save_png (GTK_WIDGET (dialog), "test-app-dialogs-new-incident-venue.png");
  g_assert_true (jb_new_incident_dialog_pick_place (dialog, 0));
  g_assert_true (jb_new_incident_dialog_get_location (dialog, &lat, &lon));
  g_assert_cmpfloat_with_epsilon (lat, venue_lat, 1e-9);
  g_assert_cmpfloat_with_epsilon (lon, venue_lon, 1e-9);

  jb_new_incident_dialog_set_incident_type (dialog, JB_INCIDENT_TYPE_DISPUTE);
  jb_new_incident_dialog_set_source (dialog, JB_INCIDENT_SOURCE_PATROL);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "new-incident.create", NULL);
  g_assert_true (jb_test_wait_for (is_null, &dialog, 20 * 1000));
  g_assert_nonnull (id);

  incident = get_incident (fixture, id);
  g_assert_cmpstr (jb_test_json_string (incident, "type"), ==, "dispute");
  g_assert_cmpint (jb_test_json_int (incident, "priority"), ==, 2);  /* the default */
  g_assert_cmpstr (jb_test_json_string (incident, "source"), ==, "patrol");
  g_assert_cmpstr (jb_test_json_string (incident, "venue.name"), ==, jb_terminal_get_venue_name (venue_terminal));
  g_assert_cmpstr (jb_test_json_string (incident, "address"), ==, jb_terminal_get_venue_address (venue_terminal));
}

static void
test_new_incident_forbidden (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *id = NULL;
  JbNewIncidentDialog *dialog = open_new_incident_dialog (fixture, &id);
  const char *error;

  g_assert_cmpint (jb_client_get_role (fixture->client), ==, JB_ROLE_DUTY_OFFICER);

  /* 沙坪, far north of 清水塘's jurisdiction. */
  jb_new_incident_dialog_set_location (dialog, 28.348, 113.001);
  jb_new_incident_dialog_set_incident_type (dialog, JB_INCIDENT_TYPE_THEFT);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "new-incident.create", NULL);
  g_assert_true (jb_new_incident_dialog_get_pending (dialog));
  g_assert_true (jb_test_wait_for (not_pending_new, dialog, 20 * 1000));

  error = jb_new_incident_dialog_get_error (dialog);
  g_assert_nonnull (error);
  g_test_message ("403 reads: %s", error);
  g_assert_nonnull (strstr (error, "清水塘派出所"));
  g_assert_nonnull (strstr (error, "jurisdiction"));
  g_assert_null (id);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  jb_test_save_png (GTK_WIDGET (dialog), "test-app-dialogs-new-incident-403.png");

  g_assert_cmpuint (count_incidents (fixture, "status=all"), ==, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Resolve / close */

static void
done_cb (JbCloseIncidentDialog *dialog,
         const char            *id,
         gboolean              *done)
{
  *done = TRUE;
}

static gboolean
not_pending_close (gpointer data)
{
  return !jb_close_incident_dialog_get_pending (data);
}

static void
test_close_incident (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *id = create_incident (fixture,
                                         "{\"type\": \"dispute\", \"priority\": 3, "
                                         "\"location\": {\"lat\": 28.2050, \"lon\": 112.9870}, "
                                         "\"venue_name\": \"和平里小区\", \"address\": \"开福区清水塘路12号\"}");
  g_autoptr(JsonNode) resolved = NULL;
  g_autoptr(JsonNode) closed = NULL;
  g_autoptr(JsonNode) again = NULL;
  JbCloseIncidentDialog *dialog;
  gboolean done = FALSE;
  const char *error;

  wait_in_store (fixture, id);

  /* Resolve with a disposition and a note. */
  dialog = jb_close_incident_dialog_new (fixture->client, id, JB_CLOSE_INCIDENT_MODE_RESOLVE);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_signal_connect (dialog, "done", G_CALLBACK (done_cb), &done);
  gtk_window_present (GTK_WINDOW (dialog));
  /* No disposition is preselected: submitting without one sends nothing. */
  g_assert_cmpint (jb_close_incident_dialog_get_disposition (dialog), ==, -1);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "close-incident.submit", NULL);
  g_assert_false (jb_close_incident_dialog_get_pending (dialog));
  g_assert_nonnull (jb_close_incident_dialog_get_error (dialog));
  jb_test_save_png (GTK_WIDGET (dialog), "test-app-dialogs-resolve-unchosen.png");
  jb_close_incident_dialog_set_disposition (dialog, JB_DISPOSITION_MEDIATED);
  g_assert_cmpint (jb_close_incident_dialog_get_disposition (dialog), ==, JB_DISPOSITION_MEDIATED);
  jb_close_incident_dialog_set_note (dialog, "双方已和解");
  jb_test_save_png (GTK_WIDGET (dialog), "test-app-dialogs-resolve.png");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "close-incident.submit", NULL);
  g_assert_true (jb_close_incident_dialog_get_pending (dialog));
  g_assert_true (jb_test_wait_for (is_null, &dialog, 20 * 1000));
  g_assert_true (done);

  resolved = get_incident (fixture, id);
  g_assert_cmpstr (jb_test_json_string (resolved, "status"), ==, "resolved");
  g_assert_cmpstr (jb_test_json_string (resolved, "disposition"), ==, "mediated");
  g_assert_cmpstr (jb_test_json_string (resolved, "notes.0.text"), ==, "双方已和解");
  g_assert_cmpint (jb_incident_get_status (jb_store_lookup_incident (jb_client_get_store (fixture->client), id)),
                   ==, JB_INCIDENT_STATUS_RESOLVED);

  /* Resolved: the dialog can only close it, keeping the disposition. */
  done = FALSE;
  dialog = jb_close_incident_dialog_new (fixture->client, id, JB_CLOSE_INCIDENT_MODE_RESOLVE);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_signal_connect (dialog, "done", G_CALLBACK (done_cb), &done);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_cmpint (jb_close_incident_dialog_get_mode (dialog), ==, JB_CLOSE_INCIDENT_MODE_CLOSE);
  g_assert_cmpint (jb_close_incident_dialog_get_disposition (dialog), ==, JB_DISPOSITION_MEDIATED);
  jb_test_save_png (GTK_WIDGET (dialog), "test-app-dialogs-close.png");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "close-incident.submit", NULL);
  g_assert_true (jb_test_wait_for (is_null, &dialog, 20 * 1000));
  g_assert_true (done);

  closed = get_incident (fixture, id);
  g_assert_cmpstr (jb_test_json_string (closed, "status"), ==, "closed");
  g_assert_cmpstr (jb_test_json_string (closed, "disposition"), ==, "mediated");
  g_assert_null (jb_store_lookup_incident (jb_client_get_store (fixture->client), id));

  /* Closing it again: the 409 in words. */
  done = FALSE;
  dialog = jb_close_incident_dialog_new (fixture->client, id, JB_CLOSE_INCIDENT_MODE_CLOSE);
  g_signal_connect (dialog, "done", G_CALLBACK (done_cb), &done);
  gtk_window_present (GTK_WINDOW (dialog));
  jb_close_incident_dialog_set_disposition (dialog, JB_DISPOSITION_DUPLICATE);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "close-incident.submit", NULL);
  g_assert_true (jb_test_wait_for (not_pending_close, dialog, 20 * 1000));
  error = jb_close_incident_dialog_get_error (dialog);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error, "already closed"));
  g_assert_false (done);
  jb_test_save_png (GTK_WIDGET (dialog), "test-app-dialogs-close-409.png");
  gtk_window_destroy (GTK_WINDOW (dialog));

  again = get_incident (fixture, id);
  g_assert_cmpstr (jb_test_json_string (again, "disposition"), ==, "mediated");
}

static void
test_close_incident_forbidden (Fixture       *fixture,
                               gconstpointer  data)
{
  /* An incident in 沙坪's jurisdiction; the 清水塘 duty officer tries. */
  g_autofree char *id = create_incident (fixture,
                                         "{\"type\": \"theft\", \"priority\": 2, "
                                         "\"location\": {\"lat\": 28.348, \"lon\": 113.001}}");
  g_autoptr(JsonNode) incident = NULL;
  JbCloseIncidentDialog *dialog;
  const char *error;

  wait_in_store (fixture, id);

  dialog = jb_close_incident_dialog_new (fixture->client, id, JB_CLOSE_INCIDENT_MODE_RESOLVE);
  gtk_window_present (GTK_WINDOW (dialog));
  jb_close_incident_dialog_set_disposition (dialog, JB_DISPOSITION_FALSE_ALARM);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "close-incident.submit", NULL);
  g_assert_true (jb_test_wait_for (not_pending_close, dialog, 20 * 1000));
  error = jb_close_incident_dialog_get_error (dialog);
  g_assert_nonnull (error);
  g_test_message ("403 reads: %s", error);
  g_assert_nonnull (strstr (error, "沙坪派出所"));
  gtk_window_destroy (GTK_WINDOW (dialog));

  incident = get_incident (fixture, id);
  g_assert_cmpstr (jb_test_json_string (incident, "status"), ==, "new");
}

static void
test_viewer (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *open_id = create_incident (fixture,
                                              "{\"type\": \"fight\", \"priority\": 2, "
                                              "\"location\": {\"lat\": 28.2050, \"lon\": 112.9870}}");
  g_autofree char *id = NULL;
  g_autoptr(JsonNode) incident = NULL;
  JbNewIncidentDialog *dialog;
  JbCloseIncidentDialog *close_dialog;

  g_assert_cmpint (jb_client_get_role (fixture->client), ==, JB_ROLE_VIEWER);
  wait_in_store (fixture, open_id);

  /* A viewer is told at once and nothing is sent. */
  dialog = open_new_incident_dialog (fixture, &id);
  g_assert_nonnull (strstr (jb_new_incident_dialog_get_error (dialog), "only watch"));
  jb_new_incident_dialog_set_location (dialog, 28.2045, 112.9861);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "new-incident.create", NULL);
  g_assert_false (jb_new_incident_dialog_get_pending (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));

  close_dialog = jb_close_incident_dialog_new (fixture->client, open_id, JB_CLOSE_INCIDENT_MODE_CLOSE);
  gtk_window_present (GTK_WINDOW (close_dialog));
  g_assert_nonnull (strstr (jb_close_incident_dialog_get_error (close_dialog), "only watch"));
  gtk_widget_activate_action (GTK_WIDGET (close_dialog), "close-incident.submit", NULL);
  g_assert_false (jb_close_incident_dialog_get_pending (close_dialog));
  gtk_window_destroy (GTK_WINDOW (close_dialog));

  jb_test_spin (300);
  g_assert_cmpuint (count_incidents (fixture, "status=all"), ==, 1);
  incident = get_incident (fixture, open_id);
  g_assert_cmpstr (jb_test_json_string (incident, "status"), ==, "new");
}

/* History */

static gboolean
history_idle (gpointer data)
{
  return !jb_history_window_is_busy (data);
}

static void
search (JbHistoryWindow *history,
        const char      *text)
{
  jb_history_window_set_query (history, text);
  g_assert_true (jb_history_window_is_busy (history));  /* the debounce */
  g_assert_true (jb_test_wait_for (history_idle, history, 20 * 1000));
}

static gboolean
results_contain (JbHistoryWindow *history,
                 const char      *id)
{
  GListModel *results = jb_history_window_get_results (history);

  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(JbIncident) incident = g_list_model_get_item (results, i);

      if (g_str_equal (jb_incident_get_id (incident), id))
        return TRUE;
    }
  return FALSE;
}

static void
test_history (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *closed_id = create_incident (fixture,
                                                "{\"type\": \"harassment\", \"priority\": 2, "
                                                "\"location\": {\"lat\": 28.2089, \"lon\": 112.9807}, "
                                                "\"venue_name\": \"欢唱KTV\", \"address\": \"开福区清水塘路69号\", "
                                                "\"description\": \"包厢内有人骚扰服务员\"}");
  g_autofree char *open_id = create_incident (fixture,
                                              "{\"type\": \"fire\", \"priority\": 1, "
                                              "\"location\": {\"lat\": 28.2100, \"lon\": 112.9820}, "
                                              "\"venue_name\": \"欢唱KTV\"}");
  g_autoptr(JbTestResponse) response = NULL;
  g_autoptr(JsonNode) closed = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) last_year = g_date_time_add_years (now, -1);
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *a_year_ago = g_date_time_format (last_year, "%Y-%m-%d");
  g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s/close", closed_id);
  JbHistoryWindow *history;
  GListModel *results;
  JbIncident *selected;
  const char *number;

  response = jb_test_request (fixture->server, "POST", path, fixture->bearer, NULL,
                              "{\"disposition\": \"resolved_on_scene\", \"note\": \"保安已劝离\"}");
  g_assert_cmpuint (response->status, ==, 200);
  closed = get_incident (fixture, closed_id);
  number = jb_test_json_string (closed, "number");

  history = jb_history_window_new (fixture->client);
  g_object_add_weak_pointer (G_OBJECT (history), (gpointer *) &history);
  gtk_window_set_default_size (GTK_WINDOW (history), 1400, 860);
  gtk_window_present (GTK_WINDOW (history));
  g_assert_true (jb_test_wait_for (history_idle, history, 20 * 1000));
  results = jb_history_window_get_results (history);

  /* Closed only, by default: the closed one, not the open one. */
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 1);
  g_assert_true (results_contain (history, closed_id));

  /* By number. */
  search (history, number);
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 1);
  g_assert_true (results_contain (history, closed_id));

  /* By venue, closed and then all. */
  search (history, "欢唱");
  g_assert_true (results_contain (history, closed_id));
  g_assert_false (results_contain (history, open_id));
  jb_history_window_set_show_all (history, TRUE);
  g_assert_true (jb_test_wait_for (history_idle, history, 20 * 1000));
  g_assert_true (results_contain (history, closed_id));
  g_assert_true (results_contain (history, open_id));

  /* By type, from the list or typed by its name. */
  jb_history_window_set_incident_type (history, JB_INCIDENT_TYPE_FIRE);
  g_assert_true (jb_test_wait_for (history_idle, history, 20 * 1000));
  g_assert_false (results_contain (history, closed_id));
  g_assert_true (results_contain (history, open_id));
  jb_history_window_set_incident_type (history, JB_INCIDENT_TYPE_N);
  g_assert_true (jb_test_wait_for (history_idle, history, 20 * 1000));
  search (history, "Harassment");
  g_assert_true (results_contain (history, closed_id));
  g_assert_false (results_contain (history, open_id));

  /* Dates: today finds it; a day a year ago does not; nonsense is said. */
  jb_history_window_set_dates (history, today, today);
  g_assert_true (jb_test_wait_for (history_idle, history, 20 * 1000));
  g_assert_true (results_contain (history, closed_id));
  jb_history_window_set_dates (history, a_year_ago, a_year_ago);
  g_assert_true (jb_test_wait_for (history_idle, history, 20 * 1000));
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 0);
  g_assert_null (jb_history_window_get_error (history));
  jb_test_save_png (GTK_WIDGET (history), "test-app-dialogs-history-empty.png");
  jb_history_window_set_dates (history, "2026-13-45", NULL);
  g_assert_true (jb_test_wait_for (history_idle, history, 20 * 1000));
  g_assert_nonnull (strstr (jb_history_window_get_error (history), "YYYY-MM-DD"));
  jb_history_window_set_dates (history, NULL, NULL);
  g_assert_true (jb_test_wait_for (history_idle, history, 20 * 1000));
  g_assert_null (jb_history_window_get_error (history));

  /* The selected incident's record. */
  jb_history_window_set_show_all (history, FALSE);
  search (history, "欢唱");
  jb_history_window_select (history, 0);
  selected = jb_history_window_get_selected (history);
  g_assert_nonnull (selected);
  g_assert_cmpstr (jb_incident_get_id (selected), ==, closed_id);
  g_assert_cmpint (jb_incident_get_disposition (selected), ==, JB_DISPOSITION_RESOLVED_ON_SCENE);
  g_assert_cmpuint (jb_incident_get_n_timeline_entries (selected), >=, 2);
  g_assert_cmpuint (jb_incident_get_n_notes (selected), ==, 1);
  jb_test_save_png (GTK_WIDGET (history), "test-app-dialogs-history.png");

  gtk_window_destroy (GTK_WINDOW (history));
  g_assert_true (jb_test_wait_for (is_null, &history, 5 * 1000));
}

/* Roster */

static gboolean
card_shows (gpointer data)
{
  JbRosterCard *card = data;

  return g_strcmp0 (jb_roster_card_get_leader_text (card), "测试领导") == 0;
}

static void
test_roster (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(JbTestResponse) response = NULL;
  JbStore *store = jb_client_get_store (fixture->client);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *panel = jb_roster_panel_new (fixture->client);
  JbRosterPanel *roster = JB_ROSTER_PANEL (panel);
  JsonArray *stations;
  g_autoptr(JsonNode) station_json = NULL;
  g_autoptr(JsonNode) event = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *leader, *frame, *event_data;
  JbRosterCard *own;

  gtk_window_set_title (GTK_WINDOW (window), "roster");
  gtk_window_set_child (GTK_WINDOW (window), panel);
  gtk_window_set_default_size (GTK_WINDOW (window), 1920, 1080);
  gtk_window_present (GTK_WINDOW (window));

  response = jb_test_request (fixture->server, "GET", "/api/v1/stations", fixture->bearer, NULL, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  stations = json_node_get_array (jb_test_json_get (response->body, "items"));
  g_assert_cmpuint (jb_roster_panel_get_n_cards (roster), ==, json_array_get_length (stations));
  g_assert_cmpuint (jb_roster_panel_get_n_cards (roster), ==, 7);

  /* The duty officer's own station first. */
  own = jb_roster_panel_get_card (roster, 0);
  g_assert_cmpstr (jb_roster_card_get_station_id (own), ==, "st-qingshuitang");

  /* Every station's leader on duty, as the server has it. */
  for (guint i = 0; i < json_array_get_length (stations); i++)
    {
      JsonNode *station = json_array_get_element (stations, i);
      const char *station_id = jb_test_json_string (station, "id");
      gboolean found = FALSE;

      for (guint c = 0; c < jb_roster_panel_get_n_cards (roster); c++)
        {
          JbRosterCard *card = jb_roster_panel_get_card (roster, c);

          if (g_strcmp0 (jb_roster_card_get_station_id (card), station_id) != 0)
            continue;
          g_assert_cmpstr (jb_roster_card_get_leader_text (card), ==, jb_test_json_string (station, "roster.leader.name"));
          found = TRUE;
        }
      g_assert_true (found);
    }
  jb_test_save_png (window, "test-app-dialogs-roster.png");

  /* A roster change arrives as station.updated: the card follows. The
   * server has no roster endpoint, so the event is applied to the store
   * as the stream would, with the client stopped (so seqs stay ours). */
  jb_client_stop (fixture->client);
  station_json = jb_station_to_json (jb_store_lookup_station (store, "st-qingshuitang"));
  leader = json_object_get_object_member (json_object_get_object_member (json_node_get_object (station_json),
                                                                         "roster"), "leader");
  json_object_set_string_member (leader, "name", "测试领导");
  frame = json_object_new ();
  json_object_set_int_member (frame, "seq", jb_store_get_seq (store) + 1);
  json_object_set_string_member (frame, "type", "station.updated");
  json_object_set_int_member (frame, "time", g_get_real_time () / 1000);
  event_data = json_object_new ();
  json_object_set_member (event_data, "station", json_node_ref (station_json));
  json_object_set_object_member (frame, "data", event_data);
  event = json_node_init_object (json_node_alloc (), frame);
  json_object_unref (frame);
  g_assert_cmpint (jb_store_apply_event (store, event, &error), ==, JB_STORE_APPLY_OK);
  g_assert_no_error (error);
  g_assert_true (jb_test_wait_for (card_shows, jb_roster_panel_get_card (roster, 0), 5 * 1000));
  g_assert_true (jb_roster_panel_get_card (roster, 0) == own);  /* updated in place */

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Accessible names: every control in every widget, filled as in use. */

static const GtkAccessibleRole control_roles[] = {
  GTK_ACCESSIBLE_ROLE_BUTTON,
  GTK_ACCESSIBLE_ROLE_CHECKBOX,
  GTK_ACCESSIBLE_ROLE_RADIO,
  GTK_ACCESSIBLE_ROLE_SWITCH,
  GTK_ACCESSIBLE_ROLE_TEXT_BOX,
  GTK_ACCESSIBLE_ROLE_SEARCH_BOX,
  GTK_ACCESSIBLE_ROLE_SPIN_BUTTON,
  GTK_ACCESSIBLE_ROLE_COMBO_BOX,
  GTK_ACCESSIBLE_ROLE_LIST,
  GTK_ACCESSIBLE_ROLE_GRID,
  GTK_ACCESSIBLE_ROLE_TREE_GRID,
  GTK_ACCESSIBLE_ROLE_GROUP,
  GTK_ACCESSIBLE_ROLE_IMG,
};

static gboolean
is_control (GtkWidget *widget)
{
  GtkAccessibleRole role = gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget));

  /* Plain boxes are groups too: only our cards are groups that matter. */
  if (role == GTK_ACCESSIBLE_ROLE_GROUP)
    return JB_IS_ROSTER_CARD (widget);

  for (guint i = 0; i < G_N_ELEMENTS (control_roles); i++)
    if (role == control_roles[i])
      return TRUE;

  return FALSE;
}

static gboolean
shows_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_label_get_text (GTK_LABEL (widget))[0] != '\0')
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_text (child))
      return TRUE;

  return FALSE;
}

static gboolean
has_name (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);
  GtkAccessibleRole role = gtk_accessible_get_accessible_role (accessible);

  return gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL) ||
         gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY) ||
         (role != GTK_ACCESSIBLE_ROLE_IMG && role != GTK_ACCESSIBLE_ROLE_LIST &&
          role != GTK_ACCESSIBLE_ROLE_GRID && role != GTK_ACCESSIBLE_ROLE_TREE_GRID &&
          role != GTK_ACCESSIBLE_ROLE_GROUP && shows_text (widget));
}

static void
check_tree (GtkWidget *widget,
            GString   *unnamed,
            guint     *n_checked,
            gboolean   in_row)
{
  if (!gtk_widget_get_visible (widget))
    return;

  /* An icon inside a row or a button decorates what it says. */
  if (in_row && gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)) == GTK_ACCESSIBLE_ROLE_IMG)
    return;

  if (is_control (widget))
    {
      (*n_checked)++;
      if (!has_name (widget))
        g_string_append_printf (unnamed, " %s(in %s)", G_OBJECT_TYPE_NAME (widget),
                                G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)));
    }

  /* The inner parts of a menu button, a drop-down, a combo row or a
   * column view (its list, the selected value) are named by it. */
  if (GTK_IS_MENU_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) || ADW_IS_COMBO_ROW (widget) ||
      GTK_IS_COLUMN_VIEW (widget))
    return;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_tree (child, unnamed, n_checked,
                in_row || GTK_IS_LIST_BOX_ROW (widget) || GTK_IS_BUTTON (widget) ||
                GTK_IS_FLOW_BOX_CHILD (widget) || GTK_IS_COLUMN_VIEW (widget));
}

static void
assert_all_named (GtkWidget  *widget,
                  guint       min_checked)
{
  g_autoptr(GString) unnamed = g_string_new (NULL);
  guint n_checked = 0;

  check_tree (widget, unnamed, &n_checked, FALSE);
  g_test_message ("%s: checked %u controls", G_OBJECT_TYPE_NAME (widget), n_checked);
  g_assert_cmpuint (n_checked, >=, min_checked);
  g_assert_cmpstr (unnamed->str, ==, "");
}

static void
test_accessible (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *closed_id = create_incident (fixture,
                                                "{\"type\": \"fire\", \"priority\": 1, "
                                                "\"location\": {\"lat\": 28.2089, \"lon\": 112.9807}, "
                                                "\"venue_name\": \"欢唱KTV\"}");
  g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s/close", closed_id);
  g_autofree char *open_id = create_incident (fixture,
                                              "{\"type\": \"fight\", \"priority\": 2, "
                                              "\"location\": {\"lat\": 28.2050, \"lon\": 112.9870}}");
  g_autoptr(JbTestResponse) response = NULL;
  g_autofree char *id = NULL;
  JbNewIncidentDialog *dialog;
  JbCloseIncidentDialog *close_dialog;
  JbHistoryWindow *history;
  GtkWidget *window;

  response = jb_test_request (fixture->server, "POST", path, fixture->bearer, NULL,
                              "{\"disposition\": \"false_alarm\"}");
  g_assert_cmpuint (response->status, ==, 200);
  wait_in_store (fixture, open_id);

  dialog = open_new_incident_dialog (fixture, &id);
  jb_new_incident_dialog_search_place (dialog, "KTV");
  jb_new_incident_dialog_set_coordinates_text (dialog, "1, 2, 3");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "new-incident.create", NULL);
  jb_test_spin (200);
  assert_all_named (GTK_WIDGET (dialog), 10);
  gtk_window_destroy (GTK_WINDOW (dialog));

  close_dialog = jb_close_incident_dialog_new (fixture->client, open_id, JB_CLOSE_INCIDENT_MODE_RESOLVE);
  gtk_window_present (GTK_WINDOW (close_dialog));
  jb_test_spin (200);
  assert_all_named (GTK_WIDGET (close_dialog), 5);
  gtk_window_destroy (GTK_WINDOW (close_dialog));

  history = jb_history_window_new (fixture->client);
  gtk_window_present (GTK_WINDOW (history));
  g_assert_true (jb_test_wait_for (history_idle, history, 20 * 1000));
  g_assert_cmpuint (g_list_model_get_n_items (jb_history_window_get_results (history)), ==, 1);
  jb_test_spin (200);
  assert_all_named (GTK_WIDGET (history), 6);
  gtk_window_destroy (GTK_WINDOW (history));

  window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), "roster");
  gtk_window_set_child (GTK_WINDOW (window), jb_roster_panel_new (fixture->client));
  gtk_window_present (GTK_WINDOW (window));
  jb_test_spin (200);
  assert_all_named (window, 7);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The same widgets in Chinese, for a person to look at (run with
 * JB_TEST_LANGUAGE=zh_CN: po/zh_CN.po, compiled at start-up). Asserts
 * only that each is drawn. */

static void
test_zh_screens (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *closed_id = create_incident (fixture,
                                                "{\"type\": \"harassment\", \"priority\": 2, "
                                                "\"location\": {\"lat\": 28.2089, \"lon\": 112.9807}, "
                                                "\"venue_name\": \"欢唱KTV\", \"address\": \"开福区清水塘路69号\", "
                                                "\"description\": \"包厢内有人骚扰服务员\"}");
  g_autofree char *open_id = create_incident (fixture,
                                              "{\"type\": \"fight\", \"priority\": 1, "
                                              "\"location\": {\"lat\": 28.2050, \"lon\": 112.9870}, "
                                              "\"venue_name\": \"和平里小区\", \"address\": \"开福区清水塘路12号\"}");
  g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s/close", closed_id);
  g_autoptr(JbTestResponse) response = NULL;
  g_autofree char *id = NULL;
  JbNewIncidentDialog *dialog;
  JbCloseIncidentDialog *close_dialog;
  JbHistoryWindow *history;
  GtkWidget *window;

  response = jb_test_request (fixture->server, "POST", path, fixture->bearer, NULL,
                              "{\"disposition\": \"resolved_on_scene\", \"note\": \"保安已劝离\"}");
  g_assert_cmpuint (response->status, ==, 200);
  wait_in_store (fixture, open_id);

  dialog = open_new_incident_dialog (fixture, &id);
  jb_new_incident_dialog_search_place (dialog, "欢唱");
  jb_new_incident_dialog_set_incident_type (dialog, JB_INCIDENT_TYPE_FIGHT);
  jb_test_save_png (GTK_WIDGET (dialog), "test-app-dialogs-new-incident-zh_CN.png");
  jb_new_incident_dialog_set_coordinates_text (dialog, "112.9870, 28.2301");
  jb_test_save_png (GTK_WIDGET (dialog), "test-app-dialogs-new-incident-bad-coordinates-zh_CN.png");
  gtk_window_destroy (GTK_WINDOW (dialog));

  if (jb_client_get_role (fixture->client) == JB_ROLE_DUTY_OFFICER)
    {
      dialog = open_new_incident_dialog (fixture, &id);
      jb_new_incident_dialog_set_location (dialog, 28.348, 113.001);
      gtk_widget_activate_action (GTK_WIDGET (dialog), "new-incident.create", NULL);
      g_assert_true (jb_test_wait_for (not_pending_new, dialog, 20 * 1000));
      g_assert_nonnull (jb_new_incident_dialog_get_error (dialog));
      g_test_message ("403 reads: %s", jb_new_incident_dialog_get_error (dialog));
      jb_test_save_png (GTK_WIDGET (dialog), "test-app-dialogs-new-incident-403-zh_CN.png");
      gtk_window_destroy (GTK_WINDOW (dialog));

      window = gtk_window_new ();
      gtk_window_set_child (GTK_WINDOW (window), jb_roster_panel_new (fixture->client));
      gtk_window_set_default_size (GTK_WINDOW (window), 1920, 1080);
      gtk_window_present (GTK_WINDOW (window));
      jb_test_save_png (window, "test-app-dialogs-roster-zh_CN.png");
      gtk_window_destroy (GTK_WINDOW (window));
      return;
    }

  close_dialog = jb_close_incident_dialog_new (fixture->client, open_id, JB_CLOSE_INCIDENT_MODE_RESOLVE);
  gtk_window_present (GTK_WINDOW (close_dialog));
  jb_close_incident_dialog_set_disposition (close_dialog, JB_DISPOSITION_ARRESTED);
  jb_test_save_png (GTK_WIDGET (close_dialog), "test-app-dialogs-resolve-zh_CN.png");
  gtk_window_destroy (GTK_WINDOW (close_dialog));

  history = jb_history_window_new (fixture->client);
  gtk_window_set_default_size (GTK_WINDOW (history), 1600, 900);
  gtk_window_present (GTK_WINDOW (history));
  g_assert_true (jb_test_wait_for (history_idle, history, 20 * 1000));
  jb_history_window_select (history, 0);
  jb_test_save_png (GTK_WIDGET (history), "test-app-dialogs-history-zh_CN.png");
  gtk_window_destroy (GTK_WINDOW (history));
}

/* Compiles po/zh_CN.po into a temporary locale directory; FALSE when
 * gettext's tools are missing. */
static gboolean
prepare_zh_catalog (void)
{
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");
  g_autofree char *main_po = g_build_filename (srcdir, "..", "..", "po", "zh_CN.po", NULL);
  g_autofree char *root = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "locale", NULL);
  g_autofree char *dir = g_build_filename (root, "zh_CN", "LC_MESSAGES", NULL);
  g_autofree char *mo = g_build_filename (dir, GETTEXT_PACKAGE ".mo", NULL);
  const char *msgfmt[] = { "msgfmt", "-o", mo, main_po, NULL };
  int status = 0;

  g_mkdir_with_parents (dir, 0755);
  if (!g_spawn_sync (NULL, (char **) msgfmt, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    return FALSE;

  bindtextdomain (GETTEXT_PACKAGE, root);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  /* As main.c does: _() and the templates use the default domain. */
  textdomain (GETTEXT_PACKAGE);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  gboolean zh = g_strcmp0 (g_getenv ("JB_TEST_LANGUAGE"), "zh_CN") == 0;

  g_setenv ("LANGUAGE", zh ? "zh_CN" : "C", TRUE);
  if (zh)
    g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  /* gtk_test_init() asks for en_US.UTF-8, which may not exist: then the
   * locale is "C", in which gettext ignores LANGUAGE. */
  setlocale (LC_ALL, "C.UTF-8");
  /* Criticals stay fatal; warnings are not: without a session bus GTK
   * warns that it cannot reach portals, which is not ours to fix. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  adw_init ();
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_PREFER_DARK);

  if (zh)
    {
      if (!prepare_zh_catalog ())
        {
          g_test_message ("msgfmt not found: no Chinese screenshots");
          return 77;
        }
      g_test_add ("/app-dialogs/zh_CN/dispatcher", Fixture, NULL,
                  fixture_set_up, test_zh_screens, fixture_tear_down);
      g_test_add ("/app-dialogs/zh_CN/duty-officer", Fixture, "qingshuitang",
                  fixture_set_up, test_zh_screens, fixture_tear_down);
      return g_test_run ();
    }

  g_test_add ("/app-dialogs/new-incident/coordinates", Fixture, NULL,
              fixture_set_up, test_new_incident_coordinates, fixture_tear_down);
  g_test_add ("/app-dialogs/new-incident/venue", Fixture, NULL,
              fixture_set_up, test_new_incident_venue, fixture_tear_down);
  g_test_add ("/app-dialogs/new-incident/forbidden", Fixture, "qingshuitang",
              fixture_set_up, test_new_incident_forbidden, fixture_tear_down);
  g_test_add ("/app-dialogs/close-incident/resolve-then-close", Fixture, NULL,
              fixture_set_up, test_close_incident, fixture_tear_down);
  g_test_add ("/app-dialogs/close-incident/forbidden", Fixture, "qingshuitang",
              fixture_set_up, test_close_incident_forbidden, fixture_tear_down);
  g_test_add ("/app-dialogs/viewer", Fixture, "wall",
              fixture_set_up, test_viewer, fixture_tear_down);
  g_test_add ("/app-dialogs/history", Fixture, NULL,
              fixture_set_up, test_history, fixture_tear_down);
  g_test_add ("/app-dialogs/roster", Fixture, "qingshuitang",
              fixture_set_up, test_roster, fixture_tear_down);
  g_test_add ("/app-dialogs/accessible", Fixture, NULL,
              fixture_set_up, test_accessible, fixture_tear_down);

  return g_test_run ();
}
