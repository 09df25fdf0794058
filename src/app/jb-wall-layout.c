/* jb-wall-layout.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-wall-layout"

#include <glib/gi18n.h>
#include <math.h>

#include "jb-clip-cache.h"
#include "jb-duty-board.h"
#include "jb-wall-layout.h"
#include "jb-wall-queue.h"
#include "jb-wall-video.h"

static const char * const pane_names[] = { "map", "queue", "video", "duty" };

struct _JbWallLayout
{
  GObject          parent_instance;

  GtkApplication  *application;
  JbClient        *client;
  GdkDisplay      *display;
  GListModel      *monitors;       /* the display's, borrowed */
  GStrv            pane_spec;
  GPtrArray       *panes;          /* GtkWidget, owned, in pane_spec order */
  GPtrArray       *windows;        /* JbWallWindow per slot, owned */
  GPtrArray       *slot_monitors;  /* GdkMonitor per slot in use, owned */
  GPtrArray       *used_monitors;  /* every GdkMonitor a window was put on, owned */
  GtkBox          *video_slot;
  GtkWidget       *video_idle;     /* the video pane's idle text */
  JbWallVideo     *video;          /* owned */
  JbClipCache     *clip_cache;     /* owned, once signed in */
  char            *message;
  double           distance_m;
  guint            n_in_use;
  guint            relayout_id;
  guint            check_id;
  guint            n_replaced;
};

G_DEFINE_FINAL_TYPE (JbWallLayout, jb_wall_layout, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DISTANCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void queue_relayout (JbWallLayout *self);

double
jb_wall_min_text_mm (double distance_m)
{
  double angle = JB_WALL_MIN_ARC_MINUTES / 60.0 * G_PI / 180.0;

  return 2.0 * distance_m * 1000.0 * tan (angle / 2.0);
}

double
jb_wall_min_text_px (double distance_m,
                     int    height_px,
                     int    height_mm)
{
  double mm = jb_wall_min_text_mm (distance_m);

  if (height_px <= 0 || height_mm <= 0)
    {
      /* 55 inches diagonal, 16:9: 684.9 mm tall, 1080 pixels. */
      height_px = 1080;
      return ceil (mm * height_px / (55.0 * 25.4 * 9.0 / sqrt (16.0 * 16.0 + 9.0 * 9.0)));
    }

  return ceil (mm * height_px / height_mm);
}

gboolean
jb_wall_layout_check_panes (const char * const  *panes,
                            GError             **error)
{
  for (guint i = 0; panes != NULL && panes[i] != NULL; i++)
    {
      if (!g_strv_contains (pane_names, panes[i]))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       /* Translators: %s is a wall layout's pane name as given */
                       _("Unknown wall pane “%s”: use map, queue, video or duty"), panes[i]);
          return FALSE;
        }
      for (guint j = 0; j < i; j++)
        if (g_str_equal (panes[i], panes[j]))
          {
            g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("The wall pane “%s” is named twice"), panes[i]);
            return FALSE;
          }
    }
  return TRUE;
}

static GtkWidget *
make_video_pane (JbWallLayout *self)
{
  GtkWidget *pane = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *placeholder = gtk_label_new (_("No video pushed"));

  gtk_widget_add_css_class (pane, "jb-wall-video");
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_vexpand (placeholder, TRUE);
  gtk_box_append (GTK_BOX (pane), placeholder);
  self->video_slot = GTK_BOX (pane);
  self->video_idle = placeholder;

  return pane;
}

static GtkWidget *
make_pane (JbWallLayout *self,
           const char   *name)
{
  if (g_str_equal (name, "map"))
    return jb_wall_map_new (self->client);
  if (g_str_equal (name, "queue"))
    return jb_wall_queue_new (self->client);
  if (g_str_equal (name, "duty"))
    return jb_duty_board_new (self->client);
  return make_video_pane (self);
}

/* The idle text while nothing plays, the clip while one does. */
static void
video_visible_cb (JbWallLayout *self)
{
  gtk_widget_set_visible (self->video_idle, !gtk_widget_get_visible (GTK_WIDGET (self->video)));
}

/* The video listens by role, known once signed in. */
static void
client_state_cb (JbWallLayout *self)
{
  if (self->clip_cache != NULL || jb_client_get_role (self->client) == JB_ROLE_N)
    return;
  self->clip_cache = jb_clip_cache_new (self->client, NULL);
  jb_wall_video_set_client (self->video, self->client, self->clip_cache);
}

/* Pushed and priority-1 clips play in the video pane, filling it, or
 * without one in the map's corner. */
static void
setup_video (JbWallLayout *self)
{
  GtkWidget *map = jb_wall_layout_get_pane (self, "map");
  GtkWidget *video = jb_wall_video_new ();

  self->video = JB_WALL_VIDEO (g_object_ref_sink (video));
  if (self->video_slot != NULL)
    {
      gtk_widget_set_halign (video, GTK_ALIGN_FILL);
      gtk_widget_set_valign (video, GTK_ALIGN_FILL);
      gtk_widget_set_hexpand (video, TRUE);
      gtk_widget_set_vexpand (video, TRUE);
      gtk_widget_set_margin_end (video, 0);
      gtk_widget_set_margin_bottom (video, 0);
      gtk_box_append (self->video_slot, video);
      g_signal_connect_object (video, "notify::visible", G_CALLBACK (video_visible_cb), self, G_CONNECT_SWAPPED);
      video_visible_cb (self);
    }
  else if (map != NULL)
    jb_wall_map_add_overlay (JB_WALL_MAP (map), video);

  g_signal_connect_object (self->client, "notify::state", G_CALLBACK (client_state_cb), self, G_CONNECT_SWAPPED);
  client_state_cb (self);
}

static int
compare_monitors (gconstpointer a,
                  gconstpointer b)
{
  GdkRectangle ra, rb;

  gdk_monitor_get_geometry (*(GdkMonitor **) a, &ra);
  gdk_monitor_get_geometry (*(GdkMonitor **) b, &rb);
  if (ra.x != rb.x)
    return ra.x < rb.x ? -1 : 1;
  if (ra.y != rb.y)
    return ra.y < rb.y ? -1 : 1;
  return 0;
}

static JbWallWindow *
ensure_window (JbWallLayout *self,
               guint         slot)
{
  while (self->windows->len <= slot)
    {
      JbWallWindow *window = jb_wall_window_new (self->application, self->client);

      jb_wall_window_set_message (window, self->message);
      g_ptr_array_add (self->windows, g_object_ref_sink (window));
    }
  return g_ptr_array_index (self->windows, slot);
}

void
jb_wall_layout_relayout (JbWallLayout *self)
{
  g_autoptr(GPtrArray) monitors = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (self->monitors);
  guint n_slots;

  g_return_if_fail (JB_IS_WALL_LAYOUT (self));

  /* A monitor that has just come has no geometry yet: it joins when its
   * geometry is notified. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GdkMonitor) monitor = g_list_model_get_item (self->monitors, i);
      GdkRectangle geometry;

      gdk_monitor_get_geometry (monitor, &geometry);
      if (gdk_monitor_is_valid (monitor) && geometry.width > 0 && geometry.height > 0)
        g_ptr_array_add (monitors, g_steal_pointer (&monitor));
    }
  if (monitors->len == 0)
    return;
  g_ptr_array_sort (monitors, compare_monitors);

  n_slots = MIN (monitors->len, self->panes->len);
  g_ptr_array_set_size (self->slot_monitors, 0);

  for (guint slot = 0; slot < n_slots; slot++)
    {
      GdkMonitor *monitor = g_ptr_array_index (monitors, slot);
      JbWallWindow *window = ensure_window (self, slot);
      guint n_panes = slot + 1 < n_slots ? 1 : self->panes->len - slot;
      GdkRectangle geometry;

      gdk_monitor_get_geometry (monitor, &geometry);
      jb_wall_window_set_panes (window, (GtkWidget **) self->panes->pdata + slot, n_panes);
      jb_wall_window_set_min_text_px (window,
                                      jb_wall_min_text_px (self->distance_m, geometry.height,
                                                           gdk_monitor_get_height_mm (monitor)));
      g_ptr_array_add (self->slot_monitors, g_object_ref (monitor));
      /* A window keeps pointing at the monitor it was fullscreened on:
       * one that goes away must outlive the windows. */
      if (!g_ptr_array_find (self->used_monitors, monitor, NULL))
        g_ptr_array_add (self->used_monitors, g_object_ref (monitor));
      /* The monitor's size also as the window's own: a window that grew
       * with more panes on a bigger monitor does not keep that size. */
      gtk_window_set_default_size (GTK_WINDOW (window), geometry.width, geometry.height);
      gtk_window_fullscreen_on_monitor (GTK_WINDOW (window), monitor);
      gtk_window_present (GTK_WINDOW (window));
    }

  for (guint slot = n_slots; slot < self->windows->len; slot++)
    {
      JbWallWindow *window = g_ptr_array_index (self->windows, slot);

      jb_wall_window_set_panes (window, NULL, 0);
      gtk_window_unfullscreen (GTK_WINDOW (window));
      gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
    }

  self->n_in_use = n_slots;
}

/* A window manager may fullscreen a new window on the monitor it was
 * first mapped on, or move it later: put it back where it belongs. */
void
jb_wall_layout_check_placement (JbWallLayout *self)
{
  g_return_if_fail (JB_IS_WALL_LAYOUT (self));

  for (guint i = 0; i < self->n_in_use && i < self->slot_monitors->len; i++)
    {
      GtkWindow *window = g_ptr_array_index (self->windows, i);
      GdkMonitor *monitor = g_ptr_array_index (self->slot_monitors, i);
      GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
      GdkRectangle geometry;

      if (surface == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)))
        continue;
      /* Unplugged since the last layout: the 2 s check may run before the
       * relayout the removal queued (an idle, lower priority), and a
       * window cannot be put on a monitor that is gone (GTK's critical).
       * The relayout places it. */
      if (!gdk_monitor_is_valid (monitor))
        {
          queue_relayout (self);
          continue;
        }
      gdk_monitor_get_geometry (monitor, &geometry);
      if (gdk_display_get_monitor_at_surface (self->display, surface) != monitor ||
          gdk_surface_get_width (surface) != geometry.width ||
          gdk_surface_get_height (surface) != geometry.height)
        {
          self->n_replaced++;
          gtk_window_set_default_size (window, geometry.width, geometry.height);
          gtk_window_fullscreen_on_monitor (window, monitor);
        }
    }
}

static gboolean
check_cb (gpointer user_data)
{
  jb_wall_layout_check_placement (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
relayout_cb (gpointer user_data)
{
  JbWallLayout *self = user_data;

  self->relayout_id = 0;
  jb_wall_layout_relayout (self);
  return G_SOURCE_REMOVE;
}

static void
queue_relayout (JbWallLayout *self)
{
  if (self->relayout_id == 0)
    self->relayout_id = g_idle_add (relayout_cb, self);
}

static void
watch_monitor (JbWallLayout *self,
               GdkMonitor   *monitor)
{
  g_signal_connect_object (monitor, "notify::geometry", G_CALLBACK (queue_relayout), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (monitor, "notify::height-mm", G_CALLBACK (queue_relayout), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (monitor, "invalidate", G_CALLBACK (queue_relayout), self, G_CONNECT_SWAPPED);
}

static void
monitors_changed_cb (JbWallLayout *self,
                     guint         position,
                     guint         removed,
                     guint         added,
                     GListModel   *monitors)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GdkMonitor) monitor = g_list_model_get_item (monitors, i);

      watch_monitor (self, monitor);
    }
  queue_relayout (self);
}

guint
jb_wall_layout_get_n_windows (JbWallLayout *self)
{
  g_return_val_if_fail (JB_IS_WALL_LAYOUT (self), 0);

  return self->n_in_use;
}

JbWallWindow *
jb_wall_layout_get_window (JbWallLayout *self,
                           guint         i)
{
  g_return_val_if_fail (JB_IS_WALL_LAYOUT (self), NULL);
  g_return_val_if_fail (i < self->n_in_use, NULL);

  return g_ptr_array_index (self->windows, i);
}

GdkMonitor *
jb_wall_layout_get_monitor (JbWallLayout *self,
                            guint         i)
{
  g_return_val_if_fail (JB_IS_WALL_LAYOUT (self), NULL);
  g_return_val_if_fail (i < self->slot_monitors->len, NULL);

  return g_ptr_array_index (self->slot_monitors, i);
}

GtkWidget *
jb_wall_layout_get_pane (JbWallLayout *self,
                         const char   *name)
{
  g_return_val_if_fail (JB_IS_WALL_LAYOUT (self), NULL);

  for (guint i = 0; self->pane_spec[i] != NULL; i++)
    if (g_str_equal (self->pane_spec[i], name))
      return g_ptr_array_index (self->panes, i);
  return NULL;
}

JbWallWindow *
jb_wall_layout_find_window (JbWallLayout *self,
                            const char   *name)
{
  GtkWidget *pane;

  g_return_val_if_fail (JB_IS_WALL_LAYOUT (self), NULL);

  pane = jb_wall_layout_get_pane (self, name);
  if (pane == NULL)
    return NULL;
  for (guint i = 0; i < self->n_in_use; i++)
    {
      JbWallWindow *window = g_ptr_array_index (self->windows, i);

      for (guint j = 0; j < jb_wall_window_get_n_panes (window); j++)
        if (jb_wall_window_get_pane (window, j) == pane)
          return window;
    }
  return NULL;
}

JbWallMap *
jb_wall_layout_get_map (JbWallLayout *self)
{
  GtkWidget *pane = jb_wall_layout_get_pane (self, "map");

  return pane ? JB_WALL_MAP (pane) : NULL;
}

JbWallVideo *
jb_wall_layout_get_video (JbWallLayout *self)
{
  g_return_val_if_fail (JB_IS_WALL_LAYOUT (self), NULL);

  return self->video;
}

GtkBox *
jb_wall_layout_get_video_slot (JbWallLayout *self)
{
  g_return_val_if_fail (JB_IS_WALL_LAYOUT (self), NULL);

  return self->video_slot;
}

void
jb_wall_layout_set_message (JbWallLayout *self,
                            const char   *message)
{
  g_return_if_fail (JB_IS_WALL_LAYOUT (self));

  g_free (self->message);
  self->message = g_strdup (message);
  for (guint i = 0; i < self->windows->len; i++)
    jb_wall_window_set_message (g_ptr_array_index (self->windows, i), message);
}

void
jb_wall_layout_set_distance (JbWallLayout *self,
                             double        distance_m)
{
  g_return_if_fail (JB_IS_WALL_LAYOUT (self));
  g_return_if_fail (distance_m > 0);

  if (self->distance_m == distance_m)
    return;
  self->distance_m = distance_m;
  queue_relayout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISTANCE]);
}

void
jb_wall_layout_close (JbWallLayout *self)
{
  g_return_if_fail (JB_IS_WALL_LAYOUT (self));

  g_clear_handle_id (&self->relayout_id, g_source_remove);
  g_clear_handle_id (&self->check_id, g_source_remove);
  if (self->monitors != NULL)
    g_signal_handlers_disconnect_by_data (self->monitors, self);
  for (guint i = 0; i < self->windows->len; i++)
    {
      JbWallWindow *window = g_ptr_array_index (self->windows, i);

      jb_wall_window_set_panes (window, NULL, 0);
      gtk_window_destroy (GTK_WINDOW (window));
    }
  g_ptr_array_set_size (self->windows, 0);
  g_ptr_array_set_size (self->slot_monitors, 0);
  self->n_in_use = 0;
}

static void
jb_wall_layout_dispose (GObject *object)
{
  JbWallLayout *self = (JbWallLayout *)object;

  if (self->windows != NULL)
    jb_wall_layout_close (self);
  g_clear_pointer (&self->windows, g_ptr_array_unref);
  g_clear_pointer (&self->slot_monitors, g_ptr_array_unref);
  g_clear_pointer (&self->used_monitors, g_ptr_array_unref);
  g_clear_pointer (&self->panes, g_ptr_array_unref);
  g_clear_object (&self->video);
  g_clear_object (&self->clip_cache);
  g_clear_object (&self->client);
  g_clear_object (&self->application);
  g_clear_object (&self->display);
  self->monitors = NULL;

  G_OBJECT_CLASS (jb_wall_layout_parent_class)->dispose (object);
}

static void
jb_wall_layout_finalize (GObject *object)
{
  JbWallLayout *self = (JbWallLayout *)object;

  g_strfreev (self->pane_spec);
  g_free (self->message);

  G_OBJECT_CLASS (jb_wall_layout_parent_class)->finalize (object);
}

static void
jb_wall_layout_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  JbWallLayout *self = JB_WALL_LAYOUT (object);

  switch (prop_id)
    {
    case PROP_DISTANCE:
      g_value_set_double (value, self->distance_m);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_wall_layout_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  JbWallLayout *self = JB_WALL_LAYOUT (object);

  switch (prop_id)
    {
    case PROP_DISTANCE:
      jb_wall_layout_set_distance (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_wall_layout_class_init (JbWallLayoutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jb_wall_layout_dispose;
  object_class->finalize = jb_wall_layout_finalize;
  object_class->get_property = jb_wall_layout_get_property;
  object_class->set_property = jb_wall_layout_set_property;

  /* The farthest viewer, in metres: the smallest text follows from it. */
  properties[PROP_DISTANCE] =
    g_param_spec_double ("distance", NULL, NULL, 0.5, 50, JB_WALL_DEFAULT_DISTANCE_M,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jb_wall_layout_init (JbWallLayout *self)
{
  self->panes = g_ptr_array_new_with_free_func (g_object_unref);
  self->windows = g_ptr_array_new_with_free_func (g_object_unref);
  self->slot_monitors = g_ptr_array_new_with_free_func (g_object_unref);
  self->used_monitors = g_ptr_array_new_with_free_func (g_object_unref);
  self->distance_m = JB_WALL_DEFAULT_DISTANCE_M;
}

JbWallLayout *
jb_wall_layout_new (GtkApplication     *application,
                    JbClient           *client,
                    GdkDisplay         *display,
                    const char * const *panes,
                    double              distance_m)
{
  static const char * const default_panes[] = { "map", "queue", NULL };
  JbWallLayout *self;
  guint n;

  g_return_val_if_fail (JB_IS_CLIENT (client), NULL);
  g_return_val_if_fail (GDK_IS_DISPLAY (display), NULL);
  g_return_val_if_fail (jb_wall_layout_check_panes (panes, NULL), NULL);

  self = g_object_new (JB_TYPE_WALL_LAYOUT, NULL);
  self->application = application ? g_object_ref (application) : NULL;
  self->client = g_object_ref (client);
  self->display = g_object_ref (display);
  self->monitors = gdk_display_get_monitors (display);
  self->pane_spec = g_strdupv ((char **) (panes && panes[0] ? panes : default_panes));
  if (distance_m > 0)
    self->distance_m = distance_m;

  for (guint i = 0; self->pane_spec[i] != NULL; i++)
    g_ptr_array_add (self->panes, g_object_ref_sink (make_pane (self, self->pane_spec[i])));
  setup_video (self);

  n = g_list_model_get_n_items (self->monitors);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GdkMonitor) monitor = g_list_model_get_item (self->monitors, i);

      watch_monitor (self, monitor);
    }
  g_signal_connect_object (self->monitors, "items-changed", G_CALLBACK (monitors_changed_cb), self, G_CONNECT_SWAPPED);

  jb_wall_layout_relayout (self);
  self->check_id = g_timeout_add_seconds (2, check_cb, self);

  return self;
}
