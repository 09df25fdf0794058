/* jb-icon-atlas.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-icon-atlas"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "jb-icon-atlas.h"

struct _JbIconAtlas
{
  GObject     parent_instance;

  int         scale;

  /* Owned references, drawn lazily */
  GdkTexture *units[JB_UNIT_KIND_N][JB_UNIT_STATUS_N][2];
  GdkTexture *terminals[JB_TERMINAL_KIND_N][2];
  GdkTexture *incidents[4][2];
  GdkTexture *overdue_incidents[4][2];
  GdkTexture *moving_units[JB_UNIT_KIND_N][JB_UNIT_STATUS_N][JB_HEADING_STEPS];
  GdkTexture *clusters[JB_MAP_COLOUR_N][JB_CLUSTER_N];
  GdkTexture *square_clusters[JB_MAP_COLOUR_N][JB_CLUSTER_N];
  GdkTexture *pulses[JB_MAP_COLOUR_N];
  GdkTexture *selection;
  GdkTexture *digits[11];
  float       digit_widths[11];
};

G_DEFINE_FINAL_TYPE (JbIconAtlas, jb_icon_atlas, G_TYPE_OBJECT)

static const char *palette[JB_MAP_COLOUR_N] = {
  [JB_MAP_COLOUR_GREEN]   = "#33d17a",
  [JB_MAP_COLOUR_YELLOW]  = "#f6d32d",
  [JB_MAP_COLOUR_ORANGE]  = "#ff8c1a",
  [JB_MAP_COLOUR_MAGENTA] = "#e66bf0",
  [JB_MAP_COLOUR_BLUE]    = "#62a0ea",
  [JB_MAP_COLOUR_GREY]    = "#9a9996",
  [JB_MAP_COLOUR_RED]     = "#ff3b3b",
  [JB_MAP_COLOUR_TEAL]    = "#2ec4b6",
  [JB_MAP_COLOUR_SKY]     = "#99c1f1",
};

void
jb_map_colour_get_rgba (JbMapColour  colour,
                        GdkRGBA     *rgba)
{
  g_return_if_fail (colour < JB_MAP_COLOUR_N);

  gdk_rgba_parse (rgba, palette[colour]);
}

JbMapColour
jb_unit_status_get_colour (JbUnitStatus status)
{
  switch (status)
    {
    case JB_UNIT_STATUS_AVAILABLE: return JB_MAP_COLOUR_GREEN;
    case JB_UNIT_STATUS_ASSIGNED:  return JB_MAP_COLOUR_YELLOW;
    case JB_UNIT_STATUS_EN_ROUTE:  return JB_MAP_COLOUR_ORANGE;
    case JB_UNIT_STATUS_ON_SCENE:  return JB_MAP_COLOUR_MAGENTA;
    case JB_UNIT_STATUS_BUSY:      return JB_MAP_COLOUR_BLUE;
    case JB_UNIT_STATUS_OFF_DUTY:
    case JB_UNIT_STATUS_N:
    default:                       return JB_MAP_COLOUR_GREY;
    }
}

JbMapColour
jb_incident_priority_get_colour (guint priority)
{
  switch (priority)
    {
    case 1:  return JB_MAP_COLOUR_RED;
    case 2:  return JB_MAP_COLOUR_ORANGE;
    case 3:  return JB_MAP_COLOUR_YELLOW;
    default: return JB_MAP_COLOUR_SKY;
    }
}

/* Drawing helpers */

static void
set_colour (cairo_t       *cr,
            const GdkRGBA *rgba,
            double         alpha)
{
  cairo_set_source_rgba (cr, rgba->red, rgba->green, rgba->blue, rgba->alpha * alpha);
}

static gboolean
is_light (const GdkRGBA *rgba)
{
  return 0.2126 * rgba->red + 0.7152 * rgba->green + 0.0722 * rgba->blue > 0.45;
}

static void
grey_out (GdkRGBA *rgba)
{
  double l = 0.2126 * rgba->red + 0.7152 * rgba->green + 0.0722 * rgba->blue;

  /* Keep a trace of the hue so a stale unit's status still reads. */
  rgba->red = 0.35 * rgba->red + 0.65 * l * 0.7;
  rgba->green = 0.35 * rgba->green + 0.65 * l * 0.7;
  rgba->blue = 0.35 * rgba->blue + 0.65 * l * 0.7;
}

typedef void (*DrawFunc) (cairo_t *cr, double size, gconstpointer data);

static GQuark surface_quark;

static GdkTexture *
draw_texture_full (int            scale,
                   double         width,
                   double         height,
                   DrawFunc       func,
                   gconstpointer  data)
{
  int pw = (int) ceil (width * scale);
  int ph = (int) ceil (height * scale);
  g_autoptr(GBytes) bytes = NULL;
  cairo_surface_t *surface;
  GdkTexture *texture;
  cairo_t *cr;
  int stride;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, pw, ph);
  cr = cairo_create (surface);
  cairo_scale (cr, scale, scale);
  func (cr, MAX (width, height), data);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  cairo_surface_set_device_scale (surface, scale, scale);

  stride = cairo_image_surface_get_stride (surface);
  /* The texture's pixels are the surface's own (no copy): an atlas that
   * fills up (moving units: kind × status × heading) costs half. */
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface), (gsize) stride * ph,
                                      (GDestroyNotify) cairo_surface_destroy, cairo_surface_reference (surface));
  /* GDK_MEMORY_DEFAULT is cairo's ARGB32 layout. */
  texture = gdk_memory_texture_new (pw, ph, GDK_MEMORY_DEFAULT, bytes, stride);

  /* The same pixels as a cairo surface, for layers that draw with cairo. */
  if (surface_quark == 0)
    surface_quark = g_quark_from_static_string ("jb-icon-atlas-surface");
  g_object_set_qdata_full (G_OBJECT (texture), surface_quark, surface,
                           (GDestroyNotify) cairo_surface_destroy);

  return texture;
}

static GdkTexture *
draw_texture (int            scale,
              double         size,
              DrawFunc       func,
              gconstpointer  data)
{
  return draw_texture_full (scale, size, size, func, data);
}

cairo_surface_t *
jb_icon_atlas_get_surface (GdkTexture *texture)
{
  return g_object_get_qdata (G_OBJECT (texture), surface_quark);
}

static void
draw_glyph (cairo_t       *cr,
            const char    *text,
            double         cx,
            double         cy,
            double         font_px,
            const GdkRGBA *rgba,
            double         alpha)
{
  g_autoptr(PangoFontDescription) font = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  PangoRectangle ink;

  layout = pango_cairo_create_layout (cr);
  font = pango_font_description_from_string ("Sans Bold");
  pango_font_description_set_absolute_size (font, font_px * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_extents (layout, &ink, NULL);

  cairo_move_to (cr, cx - ink.x - ink.width / 2.0, cy - ink.y - ink.height / 2.0);
  set_colour (cr, rgba, alpha);
  pango_cairo_show_layout (cr, layout);
}

static void
rounded_rect (cairo_t *cr,
              double   x,
              double   y,
              double   w,
              double   h,
              double   r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static void
regular_polygon (cairo_t *cr,
                 double   cx,
                 double   cy,
                 double   r,
                 int      n,
                 double   start)
{
  for (int i = 0; i < n; i++)
    {
      double a = start + i * 2 * G_PI / n;

      if (i == 0)
        cairo_move_to (cr, cx + r * cos (a), cy + r * sin (a));
      else
        cairo_line_to (cr, cx + r * cos (a), cy + r * sin (a));
    }
  cairo_close_path (cr);
}

/* Fills the current path with @fill, outlines it dark then light so it
 * stands out on any background. */
static void
fill_and_outline (cairo_t       *cr,
                  const GdkRGBA *fill,
                  double         alpha)
{
  set_colour (cr, fill, alpha);
  cairo_fill_preserve (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width (cr, 3.0);
  cairo_set_source_rgba (cr, 0.05, 0.05, 0.07, 0.9 * alpha);
  cairo_stroke_preserve (cr);
  cairo_set_line_width (cr, 1.5);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.95 * alpha);
  cairo_stroke (cr);
}

typedef struct
{
  JbUnitKind   kind;
  JbUnitStatus status;
  gboolean     stale;
} UnitIcon;

static void
draw_unit (cairo_t       *cr,
           double         size,
           gconstpointer  data)
{
  const UnitIcon *icon = data;
  const char *glyphs[JB_UNIT_KIND_N] = {
    /* Translators: one character drawn inside an officer's map icon */
    C_("map glyph", "P"),
    /* Translators: one character drawn inside a patrol car's map icon */
    C_("map glyph", "C"),
    /* Translators: one character drawn inside a security guard's map icon */
    C_("map glyph", "G"),
    /* Translators: one character drawn inside a volunteer's map icon */
    C_("map glyph", "V"),
  };
  double c = size / 2.0;
  double r = size / 2.0 - 2.0;
  double alpha = icon->stale ? 0.55 : 1.0;
  GdkRGBA fill, ink;

  jb_map_colour_get_rgba (jb_unit_status_get_colour (icon->status), &fill);
  if (icon->stale)
    grey_out (&fill);

  switch (icon->kind)
    {
    case JB_UNIT_KIND_OFFICER:
      cairo_arc (cr, c, c, r, 0, 2 * G_PI);
      break;

    case JB_UNIT_KIND_PATROL_CAR:
      rounded_rect (cr, c - r * 0.92, c - r * 0.92, r * 1.84, r * 1.84, r * 0.35);
      break;

    case JB_UNIT_KIND_GUARD:
      /* A shield: flat top, pointed bottom. */
      cairo_move_to (cr, c - r * 0.9, c - r * 0.85);
      cairo_line_to (cr, c + r * 0.9, c - r * 0.85);
      cairo_curve_to (cr, c + r * 0.95, c + r * 0.2, c + r * 0.5, c + r * 0.75, c, c + r);
      cairo_curve_to (cr, c - r * 0.5, c + r * 0.75, c - r * 0.95, c + r * 0.2, c - r * 0.9, c - r * 0.85);
      cairo_close_path (cr);
      break;

    case JB_UNIT_KIND_VOLUNTEER:
    case JB_UNIT_KIND_N:
    default:
      regular_polygon (cr, c, c, r, 6, G_PI / 6);
      break;
    }

  fill_and_outline (cr, &fill, alpha);

  if (is_light (&fill))
    gdk_rgba_parse (&ink, "#101014");
  else
    gdk_rgba_parse (&ink, "#ffffff");
  draw_glyph (cr, glyphs[MIN (icon->kind, JB_UNIT_KIND_N - 1)],
              c, icon->kind == JB_UNIT_KIND_GUARD ? c - 1.5 : c,
              size * 0.5, &ink, alpha);
}

typedef struct
{
  JbTerminalKind kind;
  gboolean       online;
} TerminalIcon;

static void
draw_terminal (cairo_t       *cr,
               double         size,
               gconstpointer  data)
{
  const TerminalIcon *icon = data;
  double c = size / 2.0;
  double r = size / 2.0 - 2.0;
  double alpha = icon->online ? 1.0 : 0.6;
  GdkRGBA fill, ink;

  jb_map_colour_get_rgba (icon->online ? JB_MAP_COLOUR_TEAL : JB_MAP_COLOUR_GREY, &fill);
  if (!icon->online)
    grey_out (&fill);
  gdk_rgba_parse (&ink, "#101014");

  switch (icon->kind)
    {
    case JB_TERMINAL_KIND_ALARM_BUTTON:
      /* A square plate with a round button and "!". */
      rounded_rect (cr, c - r, c - r, 2 * r, 2 * r, 3);
      fill_and_outline (cr, &fill, alpha);
      draw_glyph (cr, "!", c, c, size * 0.62, &ink, alpha);
      break;

    case JB_TERMINAL_KIND_BODY_CAMERA:
      rounded_rect (cr, c - r * 0.75, c - r, r * 1.5, 2 * r, 3);
      fill_and_outline (cr, &fill, alpha);
      cairo_arc (cr, c, c - r * 0.1, r * 0.42, 0, 2 * G_PI);
      set_colour (cr, &ink, alpha);
      cairo_fill (cr);
      break;

    case JB_TERMINAL_KIND_SENSOR:
      regular_polygon (cr, c, c, r, 4, 0);
      fill_and_outline (cr, &fill, alpha);
      cairo_arc (cr, c, c, r * 0.28, 0, 2 * G_PI);
      set_colour (cr, &ink, alpha);
      cairo_fill (cr);
      break;

    case JB_TERMINAL_KIND_POLICE_HANDSET:
    case JB_TERMINAL_KIND_N:
    default:
      rounded_rect (cr, c - r * 0.55, c - r * 0.6, r * 1.1, r * 1.6, 3);
      fill_and_outline (cr, &fill, alpha);
      cairo_move_to (cr, c + r * 0.3, c - r * 0.6);
      cairo_line_to (cr, c + r * 0.3, c - r);
      cairo_set_line_width (cr, 2.0);
      set_colour (cr, &fill, alpha);
      cairo_stroke (cr);
      break;
    }

  if (!icon->online)
    {
      /* A slash: offline must not read as a colour alone. */
      cairo_move_to (cr, 3, size - 3);
      cairo_line_to (cr, size - 3, 3);
      cairo_set_line_width (cr, 2.5);
      cairo_set_source_rgba (cr, 1, 0.3, 0.3, 0.95);
      cairo_stroke (cr);
    }
}

typedef struct
{
  guint    priority;
  gboolean acknowledged;
  gboolean overdue;
} IncidentIcon;

static void
draw_incident (cairo_t       *cr,
               double         size,
               gconstpointer  data)
{
  const IncidentIcon *icon = data;
  double c = size / 2.0;
  double r = size / 2.0 - 2.5;
  GdkRGBA fill, ink;
  char digit[2] = { (char) ('0' + icon->priority), 0 };

  jb_map_colour_get_rgba (icon->overdue ? JB_MAP_COLOUR_RED : jb_incident_priority_get_colour (icon->priority),
                          &fill);

  if (icon->overdue)
    {
      /* A red halo behind a smaller triangle: late shows from across the
       * room, by shape as well as by colour. */
      cairo_arc (cr, c, c, size / 2.0 - 1.0, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, 1.0, 0.23, 0.23, 0.45);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 2.0);
      cairo_set_source_rgba (cr, 1.0, 0.23, 0.23, 1.0);
      cairo_stroke (cr);
      r = size / 2.0 - 6.5;
    }

  /* A warning triangle with rounded corners, the priority inside. */
  cairo_move_to (cr, c, c - r);
  cairo_line_to (cr, c + r, c + r * 0.8);
  cairo_line_to (cr, c - r, c + r * 0.8);
  cairo_close_path (cr);
  set_colour (cr, &fill, 1.0);
  cairo_fill_preserve (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width (cr, 4.0);
  cairo_set_source_rgba (cr, 0.05, 0.05, 0.07, 0.95);
  cairo_stroke_preserve (cr);
  cairo_set_line_width (cr, icon->overdue ? 3.0 : icon->acknowledged ? 1.5 : 2.5);
  cairo_set_source_rgba (cr, 1, 1, 1, 1);
  cairo_stroke (cr);

  if (is_light (&fill))
    gdk_rgba_parse (&ink, "#101014");
  else
    gdk_rgba_parse (&ink, "#ffffff");
  draw_glyph (cr, digit, c, c + r * 0.22, size * 0.44, &ink, 1.0);
}

static void
draw_heading (cairo_t       *cr,
              double         size,
              gconstpointer  data)
{
  double angle = *(const double *) data * G_PI / 180.0;
  double c = size / 2.0;

  cairo_translate (cr, c, c);
  cairo_rotate (cr, angle);
  /* A chevron just outside the unit icon, pointing away from it. */
  cairo_move_to (cr, 0, -c + 1);
  cairo_line_to (cr, 7, -c + 11);
  cairo_line_to (cr, -7, -c + 11);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, 1, 1, 1, 1);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 1.5);
  cairo_set_source_rgba (cr, 0.05, 0.05, 0.07, 0.9);
  cairo_stroke (cr);
}

typedef struct
{
  UnitIcon unit;
  double   heading;
} MovingUnitIcon;

static void
draw_moving_unit (cairo_t       *cr,
                  double         size,
                  gconstpointer  data)
{
  const MovingUnitIcon *icon = data;
  double offset = (size - JB_ICON_UNIT_SIZE) / 2.0;

  cairo_save (cr);
  draw_heading (cr, size, &icon->heading);
  cairo_restore (cr);
  cairo_translate (cr, offset, offset);
  draw_unit (cr, JB_ICON_UNIT_SIZE, &icon->unit);
}

typedef struct
{
  JbMapColour   colour;
  JbClusterSize size;
} ClusterIcon;

static void
draw_cluster (cairo_t       *cr,
              double         size,
              gconstpointer  data)
{
  const ClusterIcon *icon = data;
  double c = size / 2.0;
  GdkRGBA ring;

  jb_map_colour_get_rgba (icon->colour, &ring);

  /* Dark body for a white count; the ring carries the worst status. */
  cairo_arc (cr, c, c, c - 1, 0, 2 * G_PI);
  cairo_set_source_rgba (cr, 0.05, 0.05, 0.07, 0.85);
  cairo_fill (cr);
  cairo_arc (cr, c, c, c - 4.5, 0, 2 * G_PI);
  cairo_set_source_rgba (cr, 0.14, 0.13, 0.18, 0.95);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 5.0);
  set_colour (cr, &ring, 1.0);
  cairo_stroke (cr);
}

static void
draw_square_cluster (cairo_t       *cr,
                     double         size,
                     gconstpointer  data)
{
  const ClusterIcon *icon = data;
  GdkRGBA ring;

  jb_map_colour_get_rgba (icon->colour, &ring);

  rounded_rect (cr, 1, 1, size - 2, size - 2, 6);
  cairo_set_source_rgba (cr, 0.05, 0.05, 0.07, 0.85);
  cairo_fill (cr);
  rounded_rect (cr, 3.5, 3.5, size - 7, size - 7, 4);
  cairo_set_source_rgba (cr, 0.14, 0.13, 0.18, 0.95);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 3.5);
  set_colour (cr, &ring, 1.0);
  cairo_stroke (cr);
}

static void
draw_selection (cairo_t       *cr,
                double         size,
                gconstpointer  data)
{
  double c = size / 2.0;

  cairo_arc (cr, c, c, c - 3, 0, 2 * G_PI);
  cairo_set_line_width (cr, 5.0);
  cairo_set_source_rgba (cr, 0.05, 0.05, 0.07, 0.9);
  cairo_stroke_preserve (cr);
  cairo_set_line_width (cr, 3.0);
  cairo_set_source_rgba (cr, 0.0, 0.9, 1.0, 1.0);
  cairo_stroke (cr);
}

static void
draw_pulse (cairo_t       *cr,
            double         size,
            gconstpointer  data)
{
  GdkRGBA rgba;
  double c = size / 2.0;

  jb_map_colour_get_rgba (*(const JbMapColour *) data, &rgba);
  cairo_arc (cr, c, c, c - 3, 0, 2 * G_PI);
  cairo_set_line_width (cr, 5.0);
  set_colour (cr, &rgba, 1.0);
  cairo_stroke (cr);
}

/* Every slot of the atlas, in one list: finalize and the counts walk it. */
static GPtrArray *
list_slots (JbIconAtlas *self)
{
  GPtrArray *slots = g_ptr_array_new ();

  for (guint k = 0; k < JB_UNIT_KIND_N; k++)
    for (guint s = 0; s < JB_UNIT_STATUS_N; s++)
      {
        for (guint f = 0; f < 2; f++)
          g_ptr_array_add (slots, &self->units[k][s][f]);
        for (guint h = 0; h < JB_HEADING_STEPS; h++)
          g_ptr_array_add (slots, &self->moving_units[k][s][h]);
      }
  for (guint k = 0; k < JB_TERMINAL_KIND_N; k++)
    for (guint f = 0; f < 2; f++)
      g_ptr_array_add (slots, &self->terminals[k][f]);
  for (guint p = 0; p < 4; p++)
    for (guint f = 0; f < 2; f++)
      {
        g_ptr_array_add (slots, &self->incidents[p][f]);
        g_ptr_array_add (slots, &self->overdue_incidents[p][f]);
      }
  for (guint c = 0; c < JB_MAP_COLOUR_N; c++)
    {
      for (guint s = 0; s < JB_CLUSTER_N; s++)
        {
          g_ptr_array_add (slots, &self->clusters[c][s]);
          g_ptr_array_add (slots, &self->square_clusters[c][s]);
        }
      g_ptr_array_add (slots, &self->pulses[c]);
    }
  g_ptr_array_add (slots, &self->selection);
  for (guint i = 0; i < G_N_ELEMENTS (self->digits); i++)
    g_ptr_array_add (slots, &self->digits[i]);

  return slots;
}

static void
jb_icon_atlas_finalize (GObject *object)
{
  JbIconAtlas *self = (JbIconAtlas *)object;
  g_autoptr(GPtrArray) slots = list_slots (self);

  for (guint i = 0; i < slots->len; i++)
    g_clear_object ((GdkTexture **) g_ptr_array_index (slots, i));

  G_OBJECT_CLASS (jb_icon_atlas_parent_class)->finalize (object);
}

static void
jb_icon_atlas_class_init (JbIconAtlasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = jb_icon_atlas_finalize;
}

static void
jb_icon_atlas_init (JbIconAtlas *self)
{
  self->scale = 1;
}

/* Main thread only, as every GTK call. */
JbIconAtlas *
jb_icon_atlas_get_for_scale (int scale)
{
  static GHashTable *atlases;
  JbIconAtlas *atlas;

  scale = CLAMP (scale, 1, 4);
  /* Kept for the life of the process, like GTK's own icon caches. */
  if (atlases == NULL)
    atlases = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);

  atlas = g_hash_table_lookup (atlases, GINT_TO_POINTER (scale));
  if (atlas == NULL)
    {
      atlas = g_object_new (JB_TYPE_ICON_ATLAS, NULL);
      atlas->scale = scale;
      g_hash_table_insert (atlases, GINT_TO_POINTER (scale), atlas);
    }

  return atlas;
}

GdkTexture *
jb_icon_atlas_get_unit (JbIconAtlas  *self,
                        JbUnitKind    kind,
                        JbUnitStatus  status,
                        gboolean      stale)
{
  GdkTexture **slot;

  kind = MIN (kind, JB_UNIT_KIND_N - 1);
  status = MIN (status, JB_UNIT_STATUS_N - 1);
  slot = &self->units[kind][status][!!stale];

  if G_UNLIKELY (*slot == NULL)
    {
      UnitIcon icon = { kind, status, !!stale };

      *slot = draw_texture (self->scale, JB_ICON_UNIT_SIZE, draw_unit, &icon);
    }

  return *slot;
}

GdkTexture *
jb_icon_atlas_get_terminal (JbIconAtlas    *self,
                            JbTerminalKind  kind,
                            gboolean        online)
{
  GdkTexture **slot;

  kind = MIN (kind, JB_TERMINAL_KIND_N - 1);
  slot = &self->terminals[kind][!!online];

  if G_UNLIKELY (*slot == NULL)
    {
      TerminalIcon icon = { kind, !!online };

      *slot = draw_texture (self->scale, JB_ICON_TERMINAL_SIZE, draw_terminal, &icon);
    }

  return *slot;
}

GdkTexture *
jb_icon_atlas_get_incident (JbIconAtlas *self,
                            guint        priority,
                            gboolean     acknowledged)
{
  GdkTexture **slot;

  priority = CLAMP (priority, 1, 4);
  slot = &self->incidents[priority - 1][!!acknowledged];

  if G_UNLIKELY (*slot == NULL)
    {
      IncidentIcon icon = { priority, !!acknowledged, FALSE };

      *slot = draw_texture (self->scale,
                            priority == 1 ? JB_ICON_INCIDENT_P1 : JB_ICON_INCIDENT_SIZE,
                            draw_incident, &icon);
    }

  return *slot;
}

GdkTexture *
jb_icon_atlas_get_overdue_incident (JbIconAtlas *self,
                                    guint        priority,
                                    gboolean     acknowledged)
{
  GdkTexture **slot;

  priority = CLAMP (priority, 1, 4);
  slot = &self->overdue_incidents[priority - 1][!!acknowledged];

  if G_UNLIKELY (*slot == NULL)
    {
      IncidentIcon icon = { priority, !!acknowledged, TRUE };

      *slot = draw_texture (self->scale,
                            priority == 1 ? JB_ICON_INCIDENT_P1 : JB_ICON_INCIDENT_SIZE,
                            draw_incident, &icon);
    }

  return *slot;
}

GdkTexture *
jb_icon_atlas_get_moving_unit (JbIconAtlas  *self,
                               JbUnitKind    kind,
                               JbUnitStatus  status,
                               double        heading_deg)
{
  GdkTexture **slot;
  int step;

  if (!isfinite (heading_deg))
    return jb_icon_atlas_get_unit (self, kind, status, FALSE);

  kind = MIN (kind, JB_UNIT_KIND_N - 1);
  status = MIN (status, JB_UNIT_STATUS_N - 1);
  step = (int) lround (heading_deg / (360.0 / JB_HEADING_STEPS));
  step = ((step % JB_HEADING_STEPS) + JB_HEADING_STEPS) % JB_HEADING_STEPS;
  slot = &self->moving_units[kind][status][step];

  if G_UNLIKELY (*slot == NULL)
    {
      MovingUnitIcon icon = { { kind, status, FALSE }, step * (360.0 / JB_HEADING_STEPS) };

      *slot = draw_texture (self->scale, JB_ICON_HEADING_SIZE, draw_moving_unit, &icon);
    }

  return *slot;
}

float
jb_icon_atlas_cluster_size (JbClusterSize size)
{
  switch (size)
    {
    case JB_CLUSTER_SMALL:  return 38.0f;
    case JB_CLUSTER_MEDIUM: return 46.0f;
    case JB_CLUSTER_LARGE:
    case JB_CLUSTER_N:
    default:                return 58.0f;
    }
}

GdkTexture *
jb_icon_atlas_get_cluster (JbIconAtlas   *self,
                           JbMapColour    colour,
                           JbClusterSize  size)
{
  GdkTexture **slot;

  colour = MIN (colour, JB_MAP_COLOUR_N - 1);
  size = MIN (size, JB_CLUSTER_N - 1);
  slot = &self->clusters[colour][size];

  if G_UNLIKELY (*slot == NULL)
    {
      ClusterIcon icon = { colour, size };

      *slot = draw_texture (self->scale, jb_icon_atlas_cluster_size (size), draw_cluster, &icon);
    }

  return *slot;
}

GdkTexture *
jb_icon_atlas_get_selection (JbIconAtlas *self)
{
  if G_UNLIKELY (self->selection == NULL)
    self->selection = draw_texture (self->scale, JB_ICON_SELECTION_SIZE, draw_selection, NULL);

  return self->selection;
}

GdkTexture *
jb_icon_atlas_get_pulse (JbIconAtlas *self,
                         JbMapColour  colour)
{
  colour = MIN (colour, JB_MAP_COLOUR_N - 1);

  if G_UNLIKELY (self->pulses[colour] == NULL)
    self->pulses[colour] = draw_texture (self->scale, JB_ICON_PULSE_SIZE, draw_pulse, &colour);

  return self->pulses[colour];
}

static PangoLayout *
create_digit_layout (cairo_t    *cr,
                     const char *text)
{
  PangoFontDescription *font;
  PangoLayout *layout;

  layout = pango_cairo_create_layout (cr);
  font = pango_font_description_from_string ("Sans Bold");
  pango_font_description_set_absolute_size (font, JB_ICON_DIGIT_HEIGHT * 0.8 * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, text, -1);

  return layout;
}

static void
draw_digit (cairo_t       *cr,
            double         size,
            gconstpointer  data)
{
  g_autoptr(PangoLayout) layout = create_digit_layout (cr, data);
  PangoRectangle logical;

  pango_layout_get_pixel_extents (layout, NULL, &logical);
  cairo_move_to (cr, -logical.x, (JB_ICON_DIGIT_HEIGHT - logical.height) / 2.0 - logical.y);
  cairo_set_source_rgba (cr, 1, 1, 1, 1);
  pango_cairo_show_layout (cr, layout);
}

GdkTexture *
jb_icon_atlas_get_digit (JbIconAtlas *self,
                         char         c,
                         float       *width)
{
  static const char chars[] = "0123456789k";
  const char *at = c != '\0' ? strchr (chars, c) : NULL;
  guint i;

  if (at == NULL)
    return NULL;

  i = (guint) (at - chars);
  if G_UNLIKELY (self->digits[i] == NULL)
    {
      cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
      cairo_t *cr = cairo_create (scratch);
      char text[2] = { c, 0 };
      g_autoptr(PangoLayout) layout = create_digit_layout (cr, text);
      PangoRectangle logical;

      pango_layout_get_pixel_extents (layout, NULL, &logical);
      cairo_destroy (cr);
      cairo_surface_destroy (scratch);

      self->digit_widths[i] = (float) logical.width;
      self->digits[i] = draw_texture_full (self->scale, logical.width, JB_ICON_DIGIT_HEIGHT,
                                           draw_digit, text);
    }

  *width = self->digit_widths[i];
  return self->digits[i];
}

float
jb_icon_atlas_square_cluster_size (JbClusterSize size)
{
  switch (size)
    {
    case JB_CLUSTER_SMALL:  return 28.0f;
    case JB_CLUSTER_MEDIUM: return 34.0f;
    case JB_CLUSTER_LARGE:
    case JB_CLUSTER_N:
    default:                return 44.0f;
    }
}

GdkTexture *
jb_icon_atlas_get_square_cluster (JbIconAtlas   *self,
                                  JbMapColour    colour,
                                  JbClusterSize  size)
{
  GdkTexture **slot;

  colour = MIN (colour, JB_MAP_COLOUR_N - 1);
  size = MIN (size, JB_CLUSTER_N - 1);
  slot = &self->square_clusters[colour][size];

  if G_UNLIKELY (*slot == NULL)
    {
      ClusterIcon icon = { colour, size };

      *slot = draw_texture (self->scale, jb_icon_atlas_square_cluster_size (size), draw_square_cluster, &icon);
    }

  return *slot;
}

guint
jb_icon_atlas_get_n_slots (JbIconAtlas *self)
{
  g_autoptr(GPtrArray) slots = NULL;

  g_return_val_if_fail (JB_IS_ICON_ATLAS (self), 0);

  slots = list_slots (self);
  return slots->len;
}

guint
jb_icon_atlas_get_n_drawn (JbIconAtlas *self,
                           gsize       *bytes)
{
  g_autoptr(GPtrArray) slots = NULL;
  gsize total = 0;
  guint n = 0;

  g_return_val_if_fail (JB_IS_ICON_ATLAS (self), 0);

  slots = list_slots (self);
  for (guint i = 0; i < slots->len; i++)
    {
      GdkTexture *texture = *(GdkTexture **) g_ptr_array_index (slots, i);
      cairo_surface_t *surface;

      if (texture == NULL)
        continue;
      n++;
      surface = jb_icon_atlas_get_surface (texture);
      total += (gsize) cairo_image_surface_get_stride (surface) * cairo_image_surface_get_height (surface);
    }

  if (bytes != NULL)
    *bytes = total;
  return n;
}

guint
jb_icon_atlas_fill (JbIconAtlas *self)
{
  static const char digits[] = "0123456789k";
  guint before;
  gint64 start;
  gsize bytes;
  guint n;

  g_return_val_if_fail (JB_IS_ICON_ATLAS (self), 0);

  start = g_get_monotonic_time ();
  before = jb_icon_atlas_get_n_drawn (self, NULL);

  for (guint k = 0; k < JB_UNIT_KIND_N; k++)
    for (guint s = 0; s < JB_UNIT_STATUS_N; s++)
      {
        jb_icon_atlas_get_unit (self, k, s, FALSE);
        jb_icon_atlas_get_unit (self, k, s, TRUE);
        for (guint h = 0; h < JB_HEADING_STEPS; h++)
          jb_icon_atlas_get_moving_unit (self, k, s, h * (360.0 / JB_HEADING_STEPS));
      }
  for (guint k = 0; k < JB_TERMINAL_KIND_N; k++)
    {
      jb_icon_atlas_get_terminal (self, k, FALSE);
      jb_icon_atlas_get_terminal (self, k, TRUE);
    }
  for (guint p = 1; p <= 4; p++)
    {
      jb_icon_atlas_get_incident (self, p, FALSE);
      jb_icon_atlas_get_incident (self, p, TRUE);
      jb_icon_atlas_get_overdue_incident (self, p, FALSE);
      jb_icon_atlas_get_overdue_incident (self, p, TRUE);
    }
  for (guint c = 0; c < JB_MAP_COLOUR_N; c++)
    {
      for (guint s = 0; s < JB_CLUSTER_N; s++)
        {
          jb_icon_atlas_get_cluster (self, c, s);
          jb_icon_atlas_get_square_cluster (self, c, s);
        }
      jb_icon_atlas_get_pulse (self, c);
    }
  jb_icon_atlas_get_selection (self);
  for (guint i = 0; i < sizeof digits - 1; i++)
    {
      float width;

      jb_icon_atlas_get_digit (self, digits[i], &width);
    }

  n = jb_icon_atlas_get_n_drawn (self, &bytes);
  g_debug ("Icon atlas (scale %d) filled: %u icons drawn now, %u in all, %.2f MB of pixels, %.1f ms",
           self->scale, n - before, n, bytes / 1e6, (g_get_monotonic_time () - start) / 1e3);

  return n - before;
}
