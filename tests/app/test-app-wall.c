/* test-app-wall.c — the wall on two monitors against the real server
 *
 * Runs under tests/app/two-monitors.sh: Xorg with two dummy monitors
 * (DUMMY0 1920x1080, DUMMY1 1280x1024) and openbox. Starts
 * jingbao-dispatchd --demo, signs in as the demo viewer "wall" and opens
 * the wall layout "map, queue, duty": the map on DUMMY0, the queue and
 * the duty board on DUMMY1. Checks that each window is fullscreen on its
 * monitor and no wider, that nothing can take the focus, that the corner
 * shows clock, state and age, that no visible text is smaller than the
 * minimum for the viewing distance, that a new priority-1 incident moves
 * the map and it returns home once acknowledged, that the duty board
 * follows a roster change, that the queue's list holds rows only for the
 * incidents that fit, that each window has drawn the places' characters
 * ahead in the fonts its labels show them in, that the panes move to the remaining monitor
 * when one goes away and back when it returns, and the burn-in shift.
 * Saves test-app-wall-*.png (each window) for a person to look at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <math.h>
#include <signal.h>

#include "jb-char-counts.h"
#include "jb-client.h"
#include "jb-duty-board.h"
#include "jb-glyph-warmup.h"
#include "jb-icon-atlas.h"
#include "jb-labels.h"
#include "jb-test-window.h"
#include "jb-wall-layout.h"
#include "jb-wall-queue.h"

typedef struct
{
  JbTestServer *server;
  JbClient     *client;
  JbWallLayout *layout;
  char         *bearer;
} Fixture;

static gboolean
is_live (gpointer data)
{
  Fixture *fixture = data;

  return jb_client_get_state (fixture->client) == JB_CONNECTION_STATE_LIVE &&
         jb_store_has_snapshot (jb_client_get_store (fixture->client));
}

static guint
n_monitors (void)
{
  return g_list_model_get_n_items (gdk_display_get_monitors (gdk_display_get_default ()));
}

/* Each window in use is mapped, fullscreen, on its monitor and exactly
 * its monitor's size. */
static gboolean
windows_placed (gpointer data)
{
  Fixture *fixture = data;
  guint n = jb_wall_layout_get_n_windows (fixture->layout);

  if (n == 0)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      JbWallWindow *window = jb_wall_layout_get_window (fixture->layout, i);
      GdkMonitor *monitor = jb_wall_layout_get_monitor (fixture->layout, i);
      GdkSurface *surface;
      GdkRectangle geometry;

      if (!gtk_widget_get_mapped (GTK_WIDGET (window)) || !gtk_window_is_fullscreen (GTK_WINDOW (window)))
        return FALSE;
      surface = gtk_native_get_surface (GTK_NATIVE (window));
      if (gdk_display_get_monitor_at_surface (gdk_display_get_default (), surface) != monitor)
        return FALSE;
      gdk_monitor_get_geometry (monitor, &geometry);
      if (gdk_surface_get_width (surface) != geometry.width ||
          gdk_surface_get_height (surface) != geometry.height)
        {
          g_test_message ("window %u is %dx%d (surface %dx%d) on a %dx%d monitor", i,
                          gtk_widget_get_width (GTK_WIDGET (window)), gtk_widget_get_height (GTK_WIDGET (window)),
                          gdk_surface_get_width (surface), gdk_surface_get_height (surface),
                          geometry.width, geometry.height);
          return FALSE;
        }
    }
  return TRUE;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *args[] = { "--demo", NULL };
  const char *panes[] = { "map", "queue", "duty", NULL };

  if (n_monitors () < 2)
    {
      g_test_skip ("needs two monitors: run under tests/app/two-monitors.sh");
      return;
    }

  fixture->server = jb_test_server_start (args);
  fixture->bearer = jb_test_login (fixture->server, "dispatcher", "demo");
  fixture->client = jb_test_client_new_signed_in (fixture->server, "wall", "demo");
  g_assert_cmpint (jb_client_get_role (fixture->client), ==, JB_ROLE_VIEWER);

  fixture->layout = jb_wall_layout_new (NULL, fixture->client, gdk_display_get_default (), panes, 5.0);
  jb_client_start (fixture->client);
  g_assert_true (jb_test_wait_for (is_live, fixture, 60 * 1000));
  g_assert_true (jb_test_wait_for (windows_placed, fixture, 30 * 1000));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->server == NULL)
    return;
  jb_client_stop (fixture->client);
  jb_wall_layout_close (fixture->layout);
  jb_test_spin (50);
  g_clear_object (&fixture->layout);
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->bearer, g_free);
  jb_test_server_free (fixture->server);
}

/* Whether @widget and all its ancestors up to the window are visible. */
static gboolean
is_shown (GtkWidget *widget)
{
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    if (!gtk_widget_get_visible (w) || !gtk_widget_get_child_visible (w))
      return FALSE;
  return gtk_widget_get_mapped (widget);
}

typedef struct
{
  double    min_px;
  guint     n_labels;
  GString  *small;
  GString  *focusable;
} Walk;

static void
walk (GtkWidget *widget,
      gboolean   focus_allowed,
      Walk      *w)
{
  focus_allowed = focus_allowed && gtk_widget_get_can_focus (widget);

  if (focus_allowed && gtk_widget_get_focusable (widget) && is_shown (widget))
    g_string_append_printf (w->focusable, "%s ", G_OBJECT_TYPE_NAME (widget));
  if (GTK_IS_EDITABLE (widget) && is_shown (widget))
    g_string_append_printf (w->focusable, "%s(editable) ", G_OBJECT_TYPE_NAME (widget));

  if (GTK_IS_LABEL (widget) && is_shown (widget) && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    {
      PangoContext *context = gtk_widget_get_pango_context (widget);
      const PangoFontDescription *font = pango_context_get_font_description (context);
      double px = pango_font_description_get_size (font) / (double) PANGO_SCALE;

      /* GTK keeps CSS px as the description's absolute size. */
      if (!pango_font_description_get_size_is_absolute (font))
        px = px * 96.0 / 72.0;
      w->n_labels++;
      if (px < w->min_px - 0.5 || gtk_widget_get_height (widget) < w->min_px - 0.5)
        g_string_append_printf (w->small, "“%s” %.1f px (%d high); ",
                                gtk_label_get_text (GTK_LABEL (widget)), px, gtk_widget_get_height (widget));
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    walk (child, focus_allowed, w);
}

static gboolean
corner_not_live (gpointer data)
{
  Fixture *fixture = data;

  return g_strcmp0 (jb_wall_window_get_state_text (jb_wall_layout_get_window (fixture->layout, 0)), "LIVE") != 0;
}

static gboolean
corner_live_again (gpointer data)
{
  Fixture *fixture = data;

  return is_live (fixture) &&
         g_strcmp0 (jb_wall_window_get_state_text (jb_wall_layout_get_window (fixture->layout, 0)), "LIVE") == 0 &&
         g_strcmp0 (jb_wall_window_get_state_text (jb_wall_layout_get_window (fixture->layout, 1)), "LIVE") == 0;
}

static gboolean
corners_inside (gpointer data)
{
  Fixture *fixture = data;

  for (guint i = 0; i < jb_wall_layout_get_n_windows (fixture->layout); i++)
    {
      JbWallWindow *window = jb_wall_layout_get_window (fixture->layout, i);
      graphene_rect_t bounds;

      if (!gtk_widget_compute_bounds (jb_wall_window_get_corner (window), GTK_WIDGET (window), &bounds) ||
          bounds.origin.x < 0 ||
          bounds.origin.x + bounds.size.width > gtk_widget_get_width (GTK_WIDGET (window)) + 0.5)
        return FALSE;
    }
  return TRUE;
}

static void
test_wall_two_monitors (Fixture       *fixture,
                        gconstpointer  data)
{
  GRegex *clock;
  JbWallWindow *map_window, *queue_window;

  if (fixture->server == NULL)
    return;

  g_assert_cmpuint (jb_wall_layout_get_n_windows (fixture->layout), ==, 2);
  map_window = jb_wall_layout_find_window (fixture->layout, "map");
  queue_window = jb_wall_layout_find_window (fixture->layout, "queue");
  g_assert_nonnull (map_window);
  g_assert_nonnull (queue_window);
  g_assert_true (map_window != queue_window);
  /* Left to right: the map on the first monitor, the rest on the second. */
  g_assert_true (jb_wall_layout_get_window (fixture->layout, 0) == map_window);
  g_assert_cmpstr (gdk_monitor_get_connector (jb_wall_layout_get_monitor (fixture->layout, 0)), ==, "DUMMY0");
  g_assert_cmpstr (gdk_monitor_get_connector (jb_wall_layout_get_monitor (fixture->layout, 1)), ==, "DUMMY1");
  g_assert_true (jb_wall_layout_find_window (fixture->layout, "duty") == queue_window);

  clock = g_regex_new ("^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$", 0, 0, NULL);
  /* The corners follow the client's state and their window's width as
   * they change. */
  g_assert_true (jb_test_wait_for (corner_live_again, fixture, 60 * 1000));
  g_assert_true (jb_test_wait_for (corners_inside, fixture, 60 * 1000));
  for (guint i = 0; i < 2; i++)
    {
      JbWallWindow *window = jb_wall_layout_get_window (fixture->layout, i);
      GtkWidget *corner = jb_wall_window_get_corner (window);
      graphene_rect_t bounds;
      Walk w = { 0 };

      /* The corner: shown, inside the window, with the three facts. */
      g_assert_true (is_shown (corner));
      g_assert_true (gtk_widget_compute_bounds (corner, GTK_WIDGET (window), &bounds));
      g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (GTK_WIDGET (window)) + 0.5);
      g_assert_cmpfloat (bounds.origin.x, >=, 0);
      g_assert_true (g_regex_match (clock, jb_wall_window_get_clock_text (window), 0, NULL));
      g_assert_cmpstr (jb_wall_window_get_state_text (window), ==, "LIVE");
      g_assert_true (g_str_has_prefix (jb_wall_window_get_age_text (window), "data "));

      /* Nothing focusable, no focus. */
      w.min_px = jb_wall_window_get_min_text_px (window);
      w.small = g_string_new (NULL);
      w.focusable = g_string_new (NULL);
      walk (GTK_WIDGET (window), TRUE, &w);
      g_assert_null (gtk_window_get_focus (GTK_WINDOW (window)));
      g_assert_cmpstr (w.focusable->str, ==, "");

      /* The dummy outputs say they are 96 dpi (a 1920x1080 one is
       * 286 mm tall): at 5 m that is large type. */
      {
        GdkMonitor *monitor = jb_wall_layout_get_monitor (fixture->layout, i);
        GdkRectangle geometry;

        gdk_monitor_get_geometry (monitor, &geometry);
        g_assert_cmpfloat (w.min_px, ==, jb_wall_min_text_px (5.0, geometry.height, gdk_monitor_get_height_mm (monitor)));
        g_test_message ("monitor %s: %d mm tall, text at least %.0f px",
                        gdk_monitor_get_connector (monitor), gdk_monitor_get_height_mm (monitor), w.min_px);
      }
      g_assert_cmpuint (w.n_labels, >=, 4);
      g_assert_cmpstr (w.small->str, ==, "");
      g_string_free (w.small, TRUE);
      g_string_free (w.focusable, TRUE);
    }
  g_regex_unref (clock);

  jb_test_save_png (GTK_WIDGET (map_window), "test-app-wall-map.png");
  jb_test_save_png (GTK_WIDGET (queue_window), "test-app-wall-queue.png");
}

typedef struct
{
  Fixture    *fixture;
  const char *id;
  double      lat;
  double      lon;
} Jump;

static gboolean
is_held (gpointer data)
{
  Jump *jump = data;
  JbWallMap *map = jb_wall_layout_get_map (jump->fixture->layout);
  double lat, lon;

  jb_wall_map_get_view (map, &lat, &lon, NULL);
  return g_strcmp0 (jb_wall_map_get_held (map), jump->id) == 0 &&
         fabs (lat - jump->lat) < 1e-4 && fabs (lon - jump->lon) < 1e-4;
}

static gboolean
is_home (gpointer data)
{
  Jump *jump = data;
  JbWallMap *map = jb_wall_layout_get_map (jump->fixture->layout);
  double lat, lon;

  jb_wall_map_get_view (map, &lat, &lon, NULL);
  return jb_wall_map_get_held (map) == NULL && jb_wall_map_is_home (map) &&
         fabs (lat - jump->lat) < 1e-4 && fabs (lon - jump->lon) < 1e-4;
}

static gboolean
is_acknowledged_in_store (gpointer data)
{
  Jump *jump = data;
  JbIncident *incident = jb_store_lookup_incident (jb_client_get_store (jump->fixture->client), jump->id);

  return incident != NULL && jb_incident_get_status (incident) != JB_INCIDENT_STATUS_NEW;
}

static void
test_wall_p1_jump (Fixture       *fixture,
                   gconstpointer  data)
{
  JbWallMap *map;
  g_autoptr(JbTestResponse) created = NULL;
  g_autoptr(JbTestResponse) acked = NULL;
  g_autofree char *ack_path = NULL;
  g_autofree char *id = NULL;
  Jump jump = { fixture };

  if (fixture->server == NULL)
    return;

  map = jb_wall_layout_get_map (fixture->layout);
  jb_wall_map_set_return_delay (map, 500);
  /* A fixed home, so that "home" is a known point. */
  jb_map_view_set_fixed_view (jb_wall_map_get_map_view (map), 28.25, 112.995, 12);
  g_assert_null (jb_wall_map_get_held (map));

  created = jb_test_request (fixture->server, "POST", "/api/v1/incidents", fixture->bearer, "wall-p1",
                             "{\"type\": \"robbery\", \"priority\": 1, \"location\": {\"lat\": 28.2101, \"lon\": 112.9702},"
                             " \"address\": \"开福区 湘雅路 88号\"}");
  g_assert_cmpuint (created->status, ==, 201);
  id = g_strdup (jb_test_json_string (created->body, "id"));

  jump.id = id;
  jump.lat = 28.2101;
  jump.lon = 112.9702;
  g_assert_true (jb_test_wait_for (is_held, &jump, 60 * 1000));
  g_assert_false (jb_wall_map_is_home (map));
  jb_test_save_png (GTK_WIDGET (jb_wall_layout_find_window (fixture->layout, "map")), "test-app-wall-p1.png");

  ack_path = g_strdup_printf ("/api/v1/incidents/%s/acknowledge", id);
  acked = jb_test_request (fixture->server, "POST", ack_path, fixture->bearer, "wall-ack", NULL);
  g_assert_cmpuint (acked->status, ==, 200);
  g_assert_true (jb_test_wait_for (is_acknowledged_in_store, &jump, 60 * 1000));

  jump.lat = 28.25;
  jump.lon = 112.995;
  g_assert_true (jb_test_wait_for (is_home, &jump, 60 * 1000));
}

typedef struct
{
  JbWallQueue *queue;
  guint        n;
  guint        rows;
} Queue;

static GtkWidget *
find_list_view (GtkWidget *widget)
{
  if (GTK_IS_LIST_VIEW (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_list_view (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static guint
n_children (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

/* All incidents counted and the list sized from a row's height. */
static gboolean
queue_settled (gpointer data)
{
  Queue *q = data;
  GtkWidget *list = find_list_view (GTK_WIDGET (q->queue));
  GtkWidget *row = gtk_widget_get_first_child (list);
  guint fit;

  if (g_list_model_get_n_items (jb_wall_queue_get_model (q->queue)) != q->n || row == NULL ||
      gtk_widget_get_height (row) <= 0 || gtk_widget_get_height (list) <= 0)
    return FALSE;
  fit = (guint) ((gtk_widget_get_height (list) + gtk_widget_get_height (row) - 1) / gtk_widget_get_height (row));
  q->rows = n_children (list);
  return jb_wall_queue_get_max_rows (q->queue) == fit + 2 && q->rows == MIN (fit + 2, q->n);
}

/* A wall is never scrolled: its list holds rows only for the incidents
 * that fit (GtkListView would keep up to 200, each ~90 KB), while the
 * heading counts them all. */
static void
test_wall_queue_rows (Fixture       *fixture,
                      gconstpointer  data)
{
  const guint n = 40;
  Queue q = { 0 };
  g_autofree char *heading = NULL;

  if (fixture->server == NULL)
    return;

  q.queue = JB_WALL_QUEUE (jb_wall_layout_get_pane (fixture->layout, "queue"));
  q.n = n;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("wall-queue-%u", i);
      g_autoptr(JbTestResponse) created =
        jb_test_request (fixture->server, "POST", "/api/v1/incidents", fixture->bearer, key,
                         "{\"type\": \"theft\", \"priority\": 3, \"location\": {\"lat\": 28.21, \"lon\": 112.97},"
                         " \"address\": \"开福区 湘雅路 88号\"}");

      g_assert_cmpuint (created->status, ==, 201);
    }
  g_assert_true (jb_test_wait_for (queue_settled, &q, 60 * 1000));
  g_test_message ("%u incidents, %u rows (%u fit)", n, q.rows, jb_wall_queue_get_max_rows (q.queue) - 2);
  g_assert_cmpuint (q.rows, <, n);
  g_assert_cmpuint (q.rows, >=, 3);
  heading = g_strdup_printf ("%u Open Incidents", n);
  g_assert_cmpstr (jb_wall_queue_get_heading (q.queue), ==, heading);
  jb_test_save_png (GTK_WIDGET (jb_wall_layout_find_window (fixture->layout, "queue")), "test-app-wall-queue-rows.png");
}

typedef struct
{
  Fixture     *fixture;
  JbWallQueue *queue;
  guint        n;
  guint        finalized;
} Closing;

static void
incident_finalized_cb (gpointer  data,
                       GObject  *where_the_object_was)
{
  ((Closing *) data)->finalized++;
}

static gboolean
all_in_store (gpointer data)
{
  Closing *c = data;

  return g_list_model_get_n_items (jb_store_get_incidents (jb_client_get_store (c->fixture->client))) == c->n &&
         g_list_model_get_n_items (jb_wall_queue_get_model (c->queue)) == c->n &&
         jb_wall_map_get_held (jb_wall_layout_get_map (c->fixture->layout)) != NULL &&
         n_children (find_list_view (GTK_WIDGET (c->queue))) > 0;
}

/* Closed: out of the store and the queue, the map home, and every
 * incident object finalized (nothing on the wall kept one). */
static gboolean
all_let_go (gpointer data)
{
  Closing *c = data;
  JbWallMap *map = jb_wall_layout_get_map (c->fixture->layout);

  return g_list_model_get_n_items (jb_store_get_incidents (jb_client_get_store (c->fixture->client))) == 0 &&
         g_list_model_get_n_items (jb_wall_queue_get_model (c->queue)) == 0 &&
         jb_wall_map_get_held (map) == NULL && jb_wall_map_is_home (map) &&
         c->finalized == c->n;
}

/* What a wall holds per incident is given back when it is closed: the
 * objects, the queue's rows (the list's children), the map's hold. A wall
 * runs for weeks; a room closes its incidents. */
static void
test_wall_closed_incidents (Fixture       *fixture,
                            gconstpointer  data)
{
  const guint n = 12;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  Closing c = { fixture };
  JbStore *store;
  JbWallMap *map;
  guint rows_before, rows_open;

  if (fixture->server == NULL)
    return;

  store = jb_client_get_store (fixture->client);
  map = jb_wall_layout_get_map (fixture->layout);
  jb_wall_map_set_return_delay (map, 100);
  c.queue = JB_WALL_QUEUE (jb_wall_layout_get_pane (fixture->layout, "queue"));
  c.n = n;
  g_assert_cmpuint (g_list_model_get_n_items (jb_store_get_incidents (store)), ==, 0);
  rows_before = n_children (find_list_view (GTK_WIDGET (c.queue)));

  /* Priority 1, new: each is held by the map, captioned and pulses. */
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("wall-closing-%u", i);
      g_autofree char *body = g_strdup_printf ("{\"type\": \"robbery\", \"priority\": %u, \"location\": "
                                               "{\"lat\": %.4f, \"lon\": 112.97}, \"address\": \"开福区 湘雅路 %u号\"}",
                                               i % 3 == 0 ? 1 : 2, 28.20 + i * 0.001, 80 + i);
      g_autoptr(JbTestResponse) created =
        jb_test_request (fixture->server, "POST", "/api/v1/incidents", fixture->bearer, key, body);

      g_assert_cmpuint (created->status, ==, 201);
      g_ptr_array_add (ids, g_strdup (jb_test_json_string (created->body, "id")));
    }
  g_assert_true (jb_test_wait_for (all_in_store, &c, 60 * 1000));
  rows_open = n_children (find_list_view (GTK_WIDGET (c.queue)));
  for (guint i = 0; i < n; i++)
    g_object_weak_ref (G_OBJECT (jb_store_lookup_incident (store, g_ptr_array_index (ids, i))),
                       incident_finalized_cb, &c);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s/close", (char *) g_ptr_array_index (ids, i));
      g_autofree char *key = g_strdup_printf ("wall-close-%u", i);
      g_autoptr(JbTestResponse) closed =
        jb_test_request (fixture->server, "POST", path, fixture->bearer, key, "{\"disposition\": \"resolved_on_scene\"}");

      g_assert_cmpuint (closed->status, ==, 200);
    }
  g_assert_true (jb_test_wait_for (all_let_go, &c, 60 * 1000));
  g_test_message ("%u incidents closed, %u finalized; queue rows %u before, %u while open, %u after",
                  n, c.finalized, rows_before, rows_open, n_children (find_list_view (GTK_WIDGET (c.queue))));
  g_assert_cmpuint (c.finalized, ==, n);
  g_assert_cmpuint (n_children (find_list_view (GTK_WIDGET (c.queue))), ==, rows_before);
}

/* The wall draws its whole icon atlas when it starts, so that what it
 * shows later (a dispatched unit's statuses, a new heading) adds nothing:
 * its memory is at the atlas's ceiling from the start. */
static void
test_wall_icon_atlas (Fixture       *fixture,
                      gconstpointer  data)
{
  JbWallMap *map;
  JbIconAtlas *atlas;
  gsize bytes = 0, bytes_after = 0;
  guint slots;

  if (fixture->server == NULL)
    return;

  map = jb_wall_layout_get_map (fixture->layout);
  g_assert_true (gtk_widget_get_realized (GTK_WIDGET (map)));
  atlas = jb_icon_atlas_get_for_scale (gtk_widget_get_scale_factor (GTK_WIDGET (map)));
  slots = jb_icon_atlas_get_n_slots (atlas);
  g_assert_cmpuint (jb_icon_atlas_get_n_drawn (atlas, &bytes), ==, slots);
  g_test_message ("the wall's atlas: %u icons, %.2f MB of pixels", slots, bytes / 1e6);

  /* Every moving unit's icon is there already: nothing more is drawn. */
  for (guint k = 0; k < JB_UNIT_KIND_N; k++)
    for (guint s = 0; s < JB_UNIT_STATUS_N; s++)
      for (guint h = 0; h < 360; h += 7)
        g_assert_nonnull (jb_icon_atlas_get_moving_unit (atlas, k, s, h));
  g_assert_cmpuint (jb_icon_atlas_fill (atlas), ==, 0);
  g_assert_cmpuint (jb_icon_atlas_get_n_drawn (atlas, &bytes_after), ==, slots);
  g_assert_cmpuint (bytes_after, ==, bytes);
}

static gboolean
glyphs_drawn (gpointer data)
{
  Fixture *fixture = data;

  for (guint i = 0; i < jb_wall_layout_get_n_windows (fixture->layout); i++)
    if (jb_wall_window_get_n_glyphs_drawn (jb_wall_layout_get_window (fixture->layout, i)) == 0)
      return FALSE;
  return TRUE;
}

/* Shown labels under @widget whose text contains @needle. */
static void
find_labels (GtkWidget  *widget,
             const char *needle,
             GPtrArray  *found)
{
  if (GTK_IS_LABEL (widget) && is_shown (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), needle) != NULL)
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    find_labels (child, needle, found);
}

typedef struct
{
  Fixture    *fixture;
  const char *needle;
  GPtrArray  *labels;
} Shown;

/* The place shows in the map window (the caption) and the queue's. */
static gboolean
place_shown (gpointer data)
{
  Shown *shown = data;
  g_autoptr(GPtrArray) in_map = g_ptr_array_new ();
  g_autoptr(GPtrArray) in_queue = g_ptr_array_new ();

  find_labels (GTK_WIDGET (jb_wall_layout_find_window (shown->fixture->layout, "map")), shown->needle, in_map);
  find_labels (GTK_WIDGET (jb_wall_layout_find_window (shown->fixture->layout, "queue")), shown->needle, in_queue);
  if (in_map->len == 0 || in_queue->len == 0)
    return FALSE;
  g_ptr_array_set_size (shown->labels, 0);
  g_ptr_array_extend (shown->labels, in_map, NULL, NULL);
  g_ptr_array_extend (shown->labels, in_queue, NULL, NULL);
  return TRUE;
}

static void
add_run_fonts (PangoLayout *layout,
               GHashTable  *fonts)
{
  PangoLayoutIter *iter = pango_layout_get_iter (layout);

  do
    {
      PangoLayoutRun *run = pango_layout_iter_get_run_readonly (iter);

      if (run != NULL)
        g_hash_table_add (fonts, run->item->analysis.font);
    }
  while (pango_layout_iter_next_run (iter));
  pango_layout_iter_free (iter);
}

static gboolean
is_subset (GHashTable *a,
           GHashTable *b)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (b, key))
      return FALSE;
  return TRUE;
}

/* The corner's age label: what the window draws its characters ahead like. */
static GtkWidget *
find_age_label (JbWallWindow *window)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  find_labels (jb_wall_window_get_corner (window), jb_wall_window_get_age_text (window), found);
  g_assert_cmpuint (found->len, ==, 1);
  return g_ptr_array_index (found, 0);
}

/* cairo keeps a glyph per font the first time it draws it: each window
 * draws the characters of every terminal's venue (and the incident
 * types) ahead, and in the very fonts its labels then show a place in
 * (the caption bold, the queue's row regular). */
static void
test_wall_glyph_warmup (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GHashTable) chars = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(JbTestResponse) created = NULL;
  g_autoptr(JbCommand) command = NULL;
  g_autofree char *body = NULL;
  GListModel *terminals;
  const char *address = NULL;
  double lat = 0, lon = 0;
  Shown shown;

  if (fixture->server == NULL)
    return;

  chars = jb_char_counts_new ();
  for (guint type = 0; type < JB_INCIDENT_TYPE_N; type++)
    jb_char_counts_add (chars, jb_incident_type_get_label (type), 1);
  terminals = jb_store_get_terminals (jb_client_get_store (fixture->client));
  g_assert_cmpuint (g_list_model_get_n_items (terminals), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (terminals); i++)
    {
      g_autoptr(JbTerminal) terminal = g_list_model_get_item (terminals, i);

      jb_char_counts_add (chars, jb_terminal_get_venue_name (terminal), 1);
      jb_char_counts_add (chars, jb_terminal_get_venue_address (terminal), 1);
      if (address == NULL && jb_terminal_get_venue_address (terminal) != NULL &&
          jb_terminal_get_location (terminal, &lat, &lon))
        address = jb_terminal_get_venue_address (terminal);
    }
  g_assert_nonnull (address);

  g_assert_true (jb_test_wait_for (glyphs_drawn, fixture, 60 * 1000));
  for (guint i = 0; i < jb_wall_layout_get_n_windows (fixture->layout); i++)
    {
      JbWallWindow *window = jb_wall_layout_get_window (fixture->layout, i);

      g_test_message ("window %u: %u characters drawn ahead at %.1f px", i,
                      jb_wall_window_get_n_glyphs_drawn (window), jb_wall_window_get_min_text_px (window));
      g_assert_cmpuint (jb_wall_window_get_n_glyphs_drawn (window), ==, g_hash_table_size (chars));
    }

  /* A priority-1 incident at a venue's address: the map's caption shows
   * it bold, the queue's row regular. */
  command = jb_command_new_create_incident (JB_INCIDENT_TYPE_FIGHT, 1, lat, lon, address, NULL, NULL,
                                            JB_INCIDENT_SOURCE_PHONE);
  body = json_to_string (jb_command_get_body (command), FALSE);
  created = jb_test_request (fixture->server, jb_command_get_method (command), jb_command_get_path (command),
                             fixture->bearer, "wall-glyphs", body);
  g_assert_cmpuint (created->status, ==, 201);
  labels = g_ptr_array_new ();
  shown = (Shown) { fixture, address, labels };
  g_assert_true (jb_test_wait_for (place_shown, &shown, 60 * 1000));

  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);
      const char *text = gtk_label_get_text (GTK_LABEL (label));
      GtkWidget *like = find_age_label (JB_WALL_WINDOW (gtk_widget_get_root (label)));
      PangoWeight weight = pango_font_description_get_weight (
        pango_context_get_font_description (gtk_widget_get_pango_context (label)));
      PangoWeight other = weight >= PANGO_WEIGHT_BOLD ? PANGO_WEIGHT_NORMAL : PANGO_WEIGHT_BOLD;
      g_autoptr(PangoLayout) ahead = jb_glyph_warmup_new_layout (like, weight, text);
      g_autoptr(PangoLayout) wrong = jb_glyph_warmup_new_layout (like, other, text);
      g_autoptr(GHashTable) shown_fonts = g_hash_table_new (NULL, NULL);
      g_autoptr(GHashTable) ahead_fonts = g_hash_table_new (NULL, NULL);
      g_autoptr(GHashTable) wrong_fonts = g_hash_table_new (NULL, NULL);

      add_run_fonts (gtk_label_get_layout (GTK_LABEL (label)), shown_fonts);
      add_run_fonts (ahead, ahead_fonts);
      add_run_fonts (wrong, wrong_fonts);
      g_test_message ("“%s” (weight %d): %u fonts", text, weight, g_hash_table_size (shown_fonts));
      g_assert_true (is_subset (shown_fonts, ahead_fonts));
      /* The check tells fonts apart: the other weight's are not these. */
      g_assert_false (is_subset (shown_fonts, wrong_fonts));
    }
}

typedef struct
{
  Fixture    *fixture;
  const char *needle;
} Board;

static gboolean
board_shows (gpointer data)
{
  Board *board = data;
  GtkWidget *pane = jb_wall_layout_get_pane (board->fixture->layout, "duty");
  g_autofree char *text = jb_duty_board_get_card_text (JB_DUTY_BOARD (pane), "st-qingshuitang");

  return text != NULL && strstr (text, board->needle) != NULL;
}

static gboolean
board_built (gpointer data)
{
  return jb_duty_board_get_n_pages (data) >= 1;
}

static void
test_wall_duty_board (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(JbTestResponse) put = NULL;
  Board board = { fixture };
  GtkWidget *pane;
  g_autofree char *text = NULL;

  if (fixture->server == NULL)
    return;

  pane = jb_wall_layout_get_pane (fixture->layout, "duty");
  g_assert_true (jb_test_wait_for (board_built, pane, 30 * 1000));
  text = jb_duty_board_get_card_text (JB_DUTY_BOARD (pane), "st-qingshuitang");
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, "清水塘派出所"));

  put = jb_test_request (fixture->server, "PUT", "/api/v1/stations/st-qingshuitang/roster", fixture->bearer, "wall-roster",
                         "{\"date\": \"2026-12-06\", \"leader\": {\"name\": \"欧阳明\", \"phone\": \"13900001111\", \"rank\": \"副所长\"},"
                         " \"officers\": [{\"name\": \"龙海\", \"phone\": \"13900002222\"}], \"phone\": \"0731-84440110\"}");
  g_assert_cmpuint (put->status, ==, 200);

  board.needle = "\n欧阳明 13900001111\n";
  g_assert_true (jb_test_wait_for (board_shows, &board, 60 * 1000));
  board.needle = "龙海 13900002222";
  g_assert_true (board_shows (&board));
  board.needle = "0731-84440110";
  g_assert_true (board_shows (&board));
}

static void
run_xrandr (const char *args)
{
  g_autofree char *command = g_strdup_printf ("xrandr %s", args);
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static gboolean
one_window (gpointer data)
{
  Fixture *fixture = data;

  return n_monitors () == 1 && jb_wall_layout_get_n_windows (fixture->layout) == 1 && windows_placed (fixture);
}

static gboolean
two_windows (gpointer data)
{
  Fixture *fixture = data;

  return n_monitors () == 2 && jb_wall_layout_get_n_windows (fixture->layout) == 2 && windows_placed (fixture);
}

static gboolean
monitor_gone (gpointer data)
{
  return !gdk_monitor_is_valid (data);
}

static void
test_wall_hotplug (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GdkMonitor) gone = NULL;
  JbWallWindow *window;

  if (fixture->server == NULL)
    return;

  gone = g_object_ref (jb_wall_layout_get_monitor (fixture->layout, 1));
  run_xrandr ("--output DUMMY1 --off");
  /* The placement check between the unplug and the relayout it queues
   * (an idle: the X events' iteration does not run it), where the 2 s
   * timer ran about one time in five and put a window on a monitor that
   * was gone. */
  g_assert_true (jb_test_wait_for (monitor_gone, gone, 60 * 1000));
  jb_wall_layout_check_placement (fixture->layout);
  g_assert_true (jb_test_wait_for (one_window, fixture, 60 * 1000));
  /* One monitor shows every pane. */
  window = jb_wall_layout_get_window (fixture->layout, 0);
  g_assert_cmpuint (jb_wall_window_get_n_panes (window), ==, 3);
  g_assert_true (jb_wall_layout_find_window (fixture->layout, "queue") == window);
  jb_test_save_png (GTK_WIDGET (window), "test-app-wall-one-monitor.png");

  run_xrandr ("--output DUMMY1 --mode 1280x1024 --right-of DUMMY0");
  g_assert_true (jb_test_wait_for (two_windows, fixture, 60 * 1000));
  g_assert_cmpstr (gdk_monitor_get_connector (jb_wall_layout_get_monitor (fixture->layout, 1)), ==, "DUMMY1");
  window = jb_wall_layout_find_window (fixture->layout, "queue");
  g_assert_true (window == jb_wall_layout_get_window (fixture->layout, 1));
  g_assert_cmpint (gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (window))), ==, 1280);
  g_assert_cmpuint (jb_wall_window_get_n_panes (jb_wall_layout_get_window (fixture->layout, 0)), ==, 1);
}

/* The server dies and comes back on the same database: the corner says
 * so, and the wall is live again by itself. */
static void
test_wall_server_restart (Fixture       *fixture,
                          gconstpointer  data)
{
  if (fixture->server == NULL)
    return;

  jb_test_server_kill (fixture->server, SIGKILL);
  g_assert_true (jb_test_wait_for (corner_not_live, fixture, 120 * 1000));
  jb_test_server_restart (fixture->server);
  g_assert_true (jb_test_wait_for (corner_live_again, fixture, 180 * 1000));
  g_assert_cmpuint (jb_wall_layout_get_n_windows (fixture->layout), ==, 2);
}

static void
test_wall_burn_in (Fixture       *fixture,
                   gconstpointer  data)
{
  JbWallWindow *window;
  int width, dx0, dy0, dx, dy;
  gboolean moved = FALSE;

  if (fixture->server == NULL)
    return;

  window = jb_wall_layout_get_window (fixture->layout, 0);
  width = gtk_widget_get_width (GTK_WIDGET (window));
  jb_wall_window_get_shift (window, &dx0, &dy0);
  for (guint i = 0; i < 8; i++)
    {
      jb_wall_window_shift (window);
      jb_wall_window_get_shift (window, &dx, &dy);
      g_assert_cmpint (ABS (dx), <=, JB_WALL_SHIFT_PX);
      g_assert_cmpint (ABS (dy), <=, JB_WALL_SHIFT_PX);
      moved = moved || dx != dx0 || dy != dy0;
    }
  g_assert_true (moved);
  /* After a whole round the offset is where it started. */
  g_assert_cmpint (dx, ==, dx0);
  g_assert_cmpint (dy, ==, dy0);
  jb_test_spin (100);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), ==, width);
}

static void
test_wall_min_text (void)
{
  g_autoptr(GError) error = NULL;
  const char *good[] = { "map", "duty", NULL };
  const char *bad[] = { "map", "clock", NULL };
  const char *twice[] = { "queue", "queue", NULL };

  /* 16 minutes of arc at 5 m: 23.3 mm. */
  g_assert_cmpfloat (fabs (jb_wall_min_text_mm (5.0) - 23.27), <, 0.01);
  /* Unknown size: a 55" 1080p panel, 1.58 px per mm → 37 px. */
  g_assert_cmpfloat (jb_wall_min_text_px (5.0, 1080, 0), ==, 37);
  g_assert_cmpfloat (jb_wall_min_text_px (5.0, 0, 0), ==, 37);
  g_assert_cmpfloat (jb_wall_min_text_px (10.0, 1080, 0), ==, 74);
  /* A 55" panel that says its size gives the same. */
  g_assert_cmpfloat (jb_wall_min_text_px (5.0, 1080, 685), ==, 37);
  /* A 24" desk monitor (299 mm tall) at 1 m. */
  g_assert_cmpfloat (jb_wall_min_text_px (1.0, 1080, 299), ==, 17);

  g_assert_true (jb_wall_layout_check_panes (good, &error));
  g_assert_no_error (error);
  g_assert_false (jb_wall_layout_check_panes (bad, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_assert_nonnull (strstr (error->message, "clock"));
  g_clear_error (&error);
  g_assert_false (jb_wall_layout_check_panes (twice, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/app/wall/min-text", test_wall_min_text);
  g_test_add ("/app/wall/two-monitors", Fixture, NULL, fixture_set_up, test_wall_two_monitors, fixture_tear_down);
  g_test_add ("/app/wall/p1-jump", Fixture, NULL, fixture_set_up, test_wall_p1_jump, fixture_tear_down);
  g_test_add ("/app/wall/queue-rows", Fixture, NULL, fixture_set_up, test_wall_queue_rows, fixture_tear_down);
  g_test_add ("/app/wall/closed-incidents", Fixture, NULL, fixture_set_up, test_wall_closed_incidents, fixture_tear_down);
  g_test_add ("/app/wall/glyph-warmup", Fixture, NULL, fixture_set_up, test_wall_glyph_warmup, fixture_tear_down);
  g_test_add ("/app/wall/icon-atlas", Fixture, NULL, fixture_set_up, test_wall_icon_atlas, fixture_tear_down);
  g_test_add ("/app/wall/duty-board", Fixture, NULL, fixture_set_up, test_wall_duty_board, fixture_tear_down);
  g_test_add ("/app/wall/burn-in", Fixture, NULL, fixture_set_up, test_wall_burn_in, fixture_tear_down);
  g_test_add ("/app/wall/server-restart", Fixture, NULL, fixture_set_up, test_wall_server_restart, fixture_tear_down);
  g_test_add ("/app/wall/hotplug", Fixture, NULL, fixture_set_up, test_wall_hotplug, fixture_tear_down);

  return g_test_run ();
}
