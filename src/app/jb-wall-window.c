/* jb-wall-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-wall-window"

#include <glib/gi18n.h>
#include <math.h>

#include "jb-application.h"
#include "jb-char-counts.h"
#include "jb-config.h"
#include "jb-glyph-warmup.h"
#include "jb-labels.h"
#include "jb-wall-window.h"

struct _JbWallWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  GtkWidget            *frame;
  GtkLabel             *title_label;
  GtkBox               *panes_box;
  GtkWidget            *corner;
  GtkWidget            *state_box;
  GtkLabel             *state_label;
  GtkLabel             *age_label;
  GtkLabel             *clock_label;

  /* Owned references */
  JbClient             *client;
  GtkCssProvider       *provider;
  GPtrArray            *panes;        /* borrowed widgets, in order */
  char                 *css_class;    /* "jb-wall-N": this window's rules */
  char                 *message;

  gint64                snapshot_time;  /* monotonic µs of the last snapshot */
  double                min_text_px;
  guint                 tick_id;
  guint                 arrange_id;
  int                   allocated_width;
  guint                 shift_id;
  guint                 shift_step;
  int                   dx;
  int                   dy;

  /* The places' characters, drawn ahead at this window's text size. */
  GHashTable           *glyph_counts;
  guint                 warmup_id;
  guint                 warmup_n;
  gint64                warmup_us;
};

G_DEFINE_FINAL_TYPE (JbWallWindow, jb_wall_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The fallback text height: 16 minutes of arc at 5 m on a 55" 1080p
 * panel (see jb_wall_layout_min_text_px()). */
#define DEFAULT_MIN_TEXT_PX 37.0
#define DEFAULT_SHIFT_S     180
/* Characters drawn per step, so that no step holds the main loop long. */
#define WARMUP_STEP_CHARS   96
#define WARMUP_STEP_MS      50
/* The incident types' names come before any place. */
#define WARMUP_TYPE_WEIGHT  1000000

static void arrange_corner (JbWallWindow *self);

static void
update_clock (JbWallWindow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *text = g_date_time_format (now, "%H:%M:%S");

  gtk_label_set_text (self->clock_label, text);
}

static void
update_state (JbWallWindow *self)
{
  JbConnectionState state = JB_CONNECTION_STATE_OFFLINE;
  g_autofree char *age = NULL;
  gint64 last_event = 0;

  if (self->client != NULL)
    {
      state = jb_client_get_state (self->client);
      last_event = jb_client_get_last_event_time (self->client);
    }

  jb_connection_badge_update (self->state_box, self->state_label, state, FALSE);

  /* The age of the data: since the last event frame or snapshot,
   * whichever came last. */
  last_event = MAX (last_event, self->snapshot_time);
  if (self->message != NULL)
    age = g_strdup (self->message);
  else if (last_event > 0)
    {
      gint64 age_s = (g_get_monotonic_time () - last_event) / G_USEC_PER_SEC;

      age = g_strdup_printf (_("data %d s old"), (int) CLAMP (age_s, 0, 99999));
    }
  else
    /* Translators: the wall's corner before any data came */
    age = g_strdup (_("no data yet"));
  gtk_label_set_text (self->age_label, age);
  /* A longer text may no longer fit in one row: arrange now, not a
   * tick later, so the corner never leaves the window. */
  arrange_corner (self);
}

static void
update_title (JbWallWindow *self)
{
  JbConfig *config = self->client ? jb_client_get_config (self->client) : NULL;
  g_autofree char *text = NULL;

  if (config != NULL &&
      (*jb_config_get_city_name (config) != '\0' || *jb_config_get_city_district (config) != '\0'))
    /* Translators: the wall's top line: city and district */
    text = g_strdup_printf (_("%s %s · police and security linkage"),
                            jb_config_get_city_name (config), jb_config_get_city_district (config));
  gtk_label_set_text (self->title_label, text ? text : _("Police and security linkage"));
}

/* One row (state, age, clock) when it fits beside a little of the
 * title, else the clock under the other two. Checked every tick, never
 * while allocating. */
static void
arrange_corner (JbWallWindow *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (self->corner);
  GtkWidget *parts[] = { self->state_box, GTK_WIDGET (self->age_label), GTK_WIDGET (self->clock_label) };
  int needed = 0, available = gtk_widget_get_width (self->frame);
  gboolean compact;
  GtkGridLayoutChild *clock;

  if (available <= 0)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      int natural = 0;

      gtk_widget_measure (parts[i], GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
      needed += natural + 18;
    }
  /* Room for a few characters of the title, and the strip's padding. */
  compact = needed + 3 * self->min_text_px + 48 > available;

  clock = GTK_GRID_LAYOUT_CHILD (gtk_layout_manager_get_layout_child (layout, GTK_WIDGET (self->clock_label)));
  if (compact == (gtk_grid_layout_child_get_row (clock) == 1))
    return;
  gtk_grid_layout_child_set_row (clock, compact ? 1 : 0);
  gtk_grid_layout_child_set_column (clock, compact ? 0 : 2);
  gtk_grid_layout_child_set_column_span (clock, compact ? 2 : 1);
}

static gboolean
tick_cb (gpointer user_data)
{
  JbWallWindow *self = user_data;

  update_title (self);
  update_clock (self);
  /* Arranges the corner for the texts just set. */
  update_state (self);

  return G_SOURCE_CONTINUE;
}

/* What the wall shows of an incident is its type and place (the venue's
 * name, else its address: the queue's rows, the map's caption, the video
 * banner), in the wall's text size, regular and bold. Returns how many
 * characters were new. */
static guint
collect_places (JbWallWindow *self,
                GListModel   *terminals,
                guint         position,
                guint         n)
{
  guint n_new = 0;

  for (guint i = position; i < position + n; i++)
    {
      g_autoptr(JbTerminal) terminal = g_list_model_get_item (terminals, i);

      n_new += jb_char_counts_add (self->glyph_counts, jb_terminal_get_venue_name (terminal), 1);
      n_new += jb_char_counts_add (self->glyph_counts, jb_terminal_get_venue_address (terminal), 1);
    }
  return n_new;
}

static gboolean
warmup_cb (gpointer user_data)
{
  JbWallWindow *self = user_data;
  GtkWidget *like = GTK_WIDGET (self->age_label);
  GtkNative *native = gtk_widget_get_native (like);
  gint64 start;
  guint n;

  /* Again when the window is shown (a monitor back). */
  if (!gtk_widget_get_mapped (like))
    {
      self->warmup_id = 0;
      return G_SOURCE_REMOVE;
    }
  /* GL draws text from its own glyph textures: a cairo image fills
   * none of them. */
  if (native == NULL || !GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (native)))
    {
      self->warmup_id = 0;
      return G_SOURCE_REMOVE;
    }
  /* The window's rules (sizes to a tenth of a px) reach its labels at
   * its next frame: until then the corner's label has the old size. */
  if (fabs (jb_glyph_warmup_get_px (like) - round (self->min_text_px * 10) / 10) > 0.06)
    return G_SOURCE_CONTINUE;

  start = g_get_monotonic_time ();
  n = jb_glyph_warmup_step (like, self->glyph_counts, WARMUP_STEP_CHARS);
  if (n == 0)
    {
      g_debug ("Glyphs drawn ahead: %u characters at %.1f px, regular and bold, %u by this window in %.1f ms",
               jb_glyph_warmup_get_n_drawn (like), jb_glyph_warmup_get_px (like),
               self->warmup_n, self->warmup_us / 1000.0);
      self->warmup_id = 0;
      return G_SOURCE_REMOVE;
    }
  self->warmup_n += n;
  self->warmup_us += g_get_monotonic_time () - start;
  return G_SOURCE_CONTINUE;
}

static void
schedule_warmup (JbWallWindow *self)
{
  if (self->warmup_id == 0)
    self->warmup_id = g_timeout_add_full (G_PRIORITY_LOW, WARMUP_STEP_MS, warmup_cb, self, NULL);
}

static void
terminals_changed_cb (JbWallWindow *self,
                      guint         position,
                      guint         removed,
                      guint         added,
                      GListModel   *terminals)
{
  /* A terminal's update replaces it: only new characters need drawing. */
  if (collect_places (self, terminals, position, added) > 0)
    schedule_warmup (self);
}

/**
 * jb_wall_window_get_n_glyphs_drawn:
 *
 * How many characters (the places' and the incident types') this window
 * has drawn ahead at its text size; 0 while it is still drawing them.
 */
guint
jb_wall_window_get_n_glyphs_drawn (JbWallWindow *self)
{
  g_return_val_if_fail (JB_IS_WALL_WINDOW (self), 0);

  return self->warmup_id == 0 ? jb_glyph_warmup_get_n_drawn (GTK_WIDGET (self->age_label)) : 0;
}

static void
update_css (JbWallWindow *self)
{
  g_autofree char *css = NULL;
  char px[G_ASCII_DTOSTR_BUF_SIZE], big[G_ASCII_DTOSTR_BUF_SIZE];

  /* Every label at least the minimum; the clock and headings larger. One
   * provider per window, scoped by the window's own class, so that two
   * monitors of different sizes each get their own height. It sits
   * above the application's style sheet: its sizes win. */
  g_ascii_formatd (px, sizeof px, "%.1f", self->min_text_px);
  g_ascii_formatd (big, sizeof big, "%.1f", self->min_text_px * 1.3);
  css = g_strdup_printf ("window.%s label { font-size: %spx; }\n"
                         "window.%s .jb-wall-clock { font-size: %spx; }\n",
                         self->css_class, px,
                         self->css_class, big);
  gtk_css_provider_load_from_data (self->provider, css, -1);
}

void
jb_wall_window_set_min_text_px (JbWallWindow *self,
                                double        px)
{
  g_return_if_fail (JB_IS_WALL_WINDOW (self));
  g_return_if_fail (px > 0);

  if (G_APPROX_VALUE (self->min_text_px, px, 0.05))
    return;
  self->min_text_px = px;
  update_css (self);
  arrange_corner (self);
  schedule_warmup (self);
}

double
jb_wall_window_get_min_text_px (JbWallWindow *self)
{
  g_return_val_if_fail (JB_IS_WALL_WINDOW (self), 0);

  return self->min_text_px;
}

void
jb_wall_window_set_message (JbWallWindow *self,
                            const char   *message)
{
  g_return_if_fail (JB_IS_WALL_WINDOW (self));

  g_free (self->message);
  self->message = g_strdup (message);
  update_state (self);
}

void
jb_wall_window_set_panes (JbWallWindow  *self,
                          GtkWidget    **panes,
                          guint          n_panes)
{
  g_return_if_fail (JB_IS_WALL_WINDOW (self));

  for (guint i = 0; i < self->panes->len; i++)
    {
      GtkWidget *pane = g_ptr_array_index (self->panes, i);

      if (gtk_widget_get_parent (pane) == GTK_WIDGET (self->panes_box))
        gtk_box_remove (self->panes_box, pane);
    }
  g_ptr_array_set_size (self->panes, 0);

  for (guint i = 0; i < n_panes; i++)
    {
      GtkWidget *parent = gtk_widget_get_parent (panes[i]);

      /* A pane moving here from another window's box. */
      if (parent != NULL)
        gtk_box_remove (GTK_BOX (parent), panes[i]);
      /* Side by side, the room beyond each pane's needs is shared. */
      gtk_widget_set_hexpand (panes[i], TRUE);
      gtk_widget_set_vexpand (panes[i], TRUE);
      gtk_box_append (self->panes_box, panes[i]);
      g_ptr_array_add (self->panes, panes[i]);
    }
}

guint
jb_wall_window_get_n_panes (JbWallWindow *self)
{
  g_return_val_if_fail (JB_IS_WALL_WINDOW (self), 0);

  return self->panes->len;
}

GtkWidget *
jb_wall_window_get_pane (JbWallWindow *self,
                         guint         i)
{
  g_return_val_if_fail (JB_IS_WALL_WINDOW (self), NULL);
  g_return_val_if_fail (i < self->panes->len, NULL);

  return g_ptr_array_index (self->panes, i);
}

void
jb_wall_window_shift (JbWallWindow *self)
{
  /* Eight offsets round a small square: a static edge never stays on
   * the same pixels for long, and nothing moves far enough to notice. */
  static const int offsets[][2] = {
    { 0, 0 }, { 2, 0 }, { 4, 2 }, { 2, 4 }, { 0, 4 }, { -2, 2 }, { -4, 0 }, { -2, -2 },
  };
  GtkWidget *content = self->frame;

  g_return_if_fail (JB_IS_WALL_WINDOW (self));

  self->shift_step = (self->shift_step + 1) % G_N_ELEMENTS (offsets);
  self->dx = offsets[self->shift_step][0];
  self->dy = offsets[self->shift_step][1];

  /* Margins on both sides keep the size constant as the content moves. */
  gtk_widget_set_margin_start (content, JB_WALL_SHIFT_PX + self->dx);
  gtk_widget_set_margin_end (content, JB_WALL_SHIFT_PX - self->dx);
  gtk_widget_set_margin_top (content, JB_WALL_SHIFT_PX + self->dy);
  gtk_widget_set_margin_bottom (content, JB_WALL_SHIFT_PX - self->dy);
}

void
jb_wall_window_get_shift (JbWallWindow *self,
                          int          *dx,
                          int          *dy)
{
  g_return_if_fail (JB_IS_WALL_WINDOW (self));

  if (dx != NULL)
    *dx = self->dx;
  if (dy != NULL)
    *dy = self->dy;
}

static gboolean
shift_cb (gpointer user_data)
{
  jb_wall_window_shift (user_data);

  return G_SOURCE_CONTINUE;
}

void
jb_wall_window_set_shift_interval (JbWallWindow *self,
                                   guint         seconds)
{
  g_return_if_fail (JB_IS_WALL_WINDOW (self));

  g_clear_handle_id (&self->shift_id, g_source_remove);
  if (seconds > 0)
    self->shift_id = g_timeout_add_seconds (seconds, shift_cb, self);
}

GtkWidget *
jb_wall_window_get_corner (JbWallWindow *self)
{
  g_return_val_if_fail (JB_IS_WALL_WINDOW (self), NULL);

  return self->corner;
}

const char *
jb_wall_window_get_clock_text (JbWallWindow *self)
{
  g_return_val_if_fail (JB_IS_WALL_WINDOW (self), NULL);

  return gtk_label_get_text (self->clock_label);
}

const char *
jb_wall_window_get_state_text (JbWallWindow *self)
{
  g_return_val_if_fail (JB_IS_WALL_WINDOW (self), NULL);

  return gtk_label_get_text (self->state_label);
}

const char *
jb_wall_window_get_age_text (JbWallWindow *self)
{
  g_return_val_if_fail (JB_IS_WALL_WINDOW (self), NULL);

  return gtk_label_get_text (self->age_label);
}

JbClient *
jb_wall_window_get_client (JbWallWindow *self)
{
  g_return_val_if_fail (JB_IS_WALL_WINDOW (self), NULL);

  return self->client;
}

static void
jb_wall_window_realize (GtkWidget *widget)
{
  JbWallWindow *self = JB_WALL_WINDOW (widget);

  GTK_WIDGET_CLASS (jb_wall_window_parent_class)->realize (widget);

  /* Which renderer a wall runs on decides its CPU and memory (docs/wall.md). */
  if (gtk_native_get_renderer (GTK_NATIVE (widget)) != NULL)
    g_debug ("Renderer: %s", G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (widget))));

  gtk_style_context_add_provider_for_display (gtk_widget_get_display (widget),
                                              GTK_STYLE_PROVIDER (self->provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_USER);
}

static void
jb_wall_window_unrealize (GtkWidget *widget)
{
  JbWallWindow *self = JB_WALL_WINDOW (widget);

  gtk_style_context_remove_provider_for_display (gtk_widget_get_display (widget),
                                                 GTK_STYLE_PROVIDER (self->provider));

  GTK_WIDGET_CLASS (jb_wall_window_parent_class)->unrealize (widget);
}

static gboolean
arrange_cb (gpointer user_data)
{
  JbWallWindow *self = user_data;

  self->arrange_id = 0;
  arrange_corner (self);

  return G_SOURCE_REMOVE;
}

static void
jb_wall_window_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  JbWallWindow *self = JB_WALL_WINDOW (widget);

  GTK_WIDGET_CLASS (jb_wall_window_parent_class)->size_allocate (widget, width, height, baseline);

  /* A new width (fullscreen on a monitor, a monitor replaced) may change
   * whether the corner fits in one row. Not while allocating: from an
   * idle, so the next frame lays it out again. */
  if (width != self->allocated_width)
    {
      self->allocated_width = width;
      if (self->arrange_id == 0)
        self->arrange_id = g_idle_add (arrange_cb, self);
    }
}

static void
jb_wall_window_dispose (GObject *object)
{
  JbWallWindow *self = (JbWallWindow *)object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->arrange_id, g_source_remove);
  g_clear_handle_id (&self->shift_id, g_source_remove);
  g_clear_handle_id (&self->warmup_id, g_source_remove);
  if (self->panes != NULL)
    g_ptr_array_set_size (self->panes, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), JB_TYPE_WALL_WINDOW);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (jb_wall_window_parent_class)->dispose (object);
}

static void
jb_wall_window_finalize (GObject *object)
{
  JbWallWindow *self = (JbWallWindow *)object;

  g_clear_object (&self->provider);
  g_clear_pointer (&self->panes, g_ptr_array_unref);
  g_free (self->css_class);
  g_free (self->message);
  g_clear_pointer (&self->glyph_counts, g_hash_table_unref);

  G_OBJECT_CLASS (jb_wall_window_parent_class)->finalize (object);
}

static void
jb_wall_window_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  JbWallWindow *self = JB_WALL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void snapshot_loaded_cb (JbWallWindow *self);

static void
jb_wall_window_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  JbWallWindow *self = JB_WALL_WINDOW (object);
  GListModel *terminals;

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_set_object (&self->client, g_value_get_object (value));
      if (self->client != NULL)
        {
          if (jb_store_has_snapshot (jb_client_get_store (self->client)))
            self->snapshot_time = g_get_monotonic_time ();
          g_signal_connect_object (jb_client_get_store (self->client), "snapshot-loaded",
                                   G_CALLBACK (snapshot_loaded_cb), self, G_CONNECT_SWAPPED);
          terminals = jb_store_get_terminals (jb_client_get_store (self->client));
          g_signal_connect_object (terminals, "items-changed",
                                   G_CALLBACK (terminals_changed_cb), self, G_CONNECT_SWAPPED);
          collect_places (self, terminals, 0, g_list_model_get_n_items (terminals));
          /* The corner says LIVE or not at once, not at the next tick. */
          g_signal_connect_object (self->client, "notify::state",
                                   G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
        }
      update_state (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
snapshot_loaded_cb (JbWallWindow *self)
{
  self->snapshot_time = g_get_monotonic_time ();
  update_state (self);
}

static void
jb_wall_window_class_init (JbWallWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_wall_window_dispose;
  object_class->finalize = jb_wall_window_finalize;
  object_class->get_property = jb_wall_window_get_property;
  object_class->set_property = jb_wall_window_set_property;
  widget_class->realize = jb_wall_window_realize;
  widget_class->unrealize = jb_wall_window_unrealize;
  widget_class->size_allocate = jb_wall_window_size_allocate;

  /* "client" is also what JbIncidentRow looks up on its root. */
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         JB_TYPE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/jingbao/Console/ui/jb-wall-window.ui");
  gtk_widget_class_bind_template_child (widget_class, JbWallWindow, frame);
  gtk_widget_class_bind_template_child (widget_class, JbWallWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, JbWallWindow, panes_box);
  gtk_widget_class_bind_template_child (widget_class, JbWallWindow, corner);
  gtk_widget_class_bind_template_child (widget_class, JbWallWindow, state_box);
  gtk_widget_class_bind_template_child (widget_class, JbWallWindow, state_label);
  gtk_widget_class_bind_template_child (widget_class, JbWallWindow, age_label);
  gtk_widget_class_bind_template_child (widget_class, JbWallWindow, clock_label);
}

static void
jb_wall_window_init (JbWallWindow *self)
{
  static guint serial;

  jb_application_ensure_style ();
  gtk_widget_init_template (GTK_WIDGET (self));

  self->panes = g_ptr_array_new ();
  self->provider = gtk_css_provider_new ();
  self->css_class = g_strdup_printf ("jb-wall-%u", ++serial);
  self->min_text_px = DEFAULT_MIN_TEXT_PX;
  self->glyph_counts = jb_char_counts_new ();
  for (guint type = 0; type < JB_INCIDENT_TYPE_N; type++)
    jb_char_counts_add (self->glyph_counts, jb_incident_type_get_label (type), WARMUP_TYPE_WEIGHT);
  g_signal_connect_object (self->age_label, "map", G_CALLBACK (schedule_warmup), self, G_CONNECT_SWAPPED);
  gtk_widget_add_css_class (GTK_WIDGET (self), self->css_class);
  update_css (self);

  /* A wall is watched in the dark. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);

  /* The first shift is to the centre offset. */
  self->shift_step = 7;
  jb_wall_window_shift (self);
  jb_wall_window_set_shift_interval (self, DEFAULT_SHIFT_S);

  update_title (self);
  update_clock (self);
  update_state (self);
  schedule_warmup (self);
  self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
}

JbWallWindow *
jb_wall_window_new (GtkApplication *application,
                    JbClient       *client)
{
  return g_object_new (JB_TYPE_WALL_WINDOW,
                       "application", application,
                       "client", client,
                       NULL);
}
