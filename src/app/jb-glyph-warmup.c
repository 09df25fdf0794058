/* jb-glyph-warmup.c — characters drawn once, offscreen, before they show
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cairo keeps every glyph it has drawn, once per font, size and weight,
 * up to 16,384 (and pixman a copy for compositing). A wall shows the
 * place of each new incident in large type, so each place not shown
 * before added its characters to those caches: the memory of a wall
 * grew with the addresses it had not shown yet (docs/wall.md). The
 * places an alarm can come from are the terminals' venues, known from
 * the snapshot: their characters are drawn once, at the wall's sizes,
 * when it starts, as the icon atlas is.
 *
 * The caches are the process's, so what was drawn is kept here per text
 * size, for every window, within one budget for the process.
 */
#define G_LOG_DOMAIN "jb-glyph-warmup"

#include <math.h>

#include "jb-char-counts.h"
#include "jb-glyph-warmup.h"
#include "jb-labels.h"

/* Size in tenths of a px (the wall's CSS sizes) and scale → the set of
 * characters drawn: the scale is part of cairo's key too. */
static GHashTable *drawn_by_size;
static guint n_drawn_in_all;

/* The size @like's text is drawn at, in px, to a tenth. */
double
jb_glyph_warmup_get_px (GtkWidget *like)
{
  return round (jb_widget_get_font_px (like) * 10) / 10;
}

static GHashTable *
drawn_at (GtkWidget *like)
{
  guint key = (guint) lround (jb_glyph_warmup_get_px (like) * 10) << 3 | MIN (gtk_widget_get_scale_factor (like), 7);
  GHashTable *drawn;

  if (drawn_by_size == NULL)
    drawn_by_size = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_hash_table_unref);
  drawn = g_hash_table_lookup (drawn_by_size, GUINT_TO_POINTER (key));
  if (drawn == NULL)
    {
      drawn = g_hash_table_new (NULL, NULL);
      g_hash_table_insert (drawn_by_size, GUINT_TO_POINTER (key), drawn);
    }
  return drawn;
}

/**
 * jb_glyph_warmup_new_layout:
 *
 * @text laid out in @like's font (its pango context: the font its labels
 * get from CSS, the display's font options) with @weight: the same
 * PangoFonts, hence the same cairo scaled fonts and glyph caches, as a
 * label of @like's style showing it, when GTK draws with cairo on an
 * image (its cairo renderer) at @like's scale.
 */
PangoLayout *
jb_glyph_warmup_new_layout (GtkWidget   *like,
                            PangoWeight  weight,
                            const char  *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (like, NULL);
  g_autoptr(PangoFontDescription) font = NULL;

  font = pango_font_description_copy (pango_context_get_font_description (gtk_widget_get_pango_context (like)));
  pango_font_description_set_weight (font, weight);
  pango_layout_set_font_description (layout, font);
  /* Lines of a screen's width, not one line of thousands of pixels. */
  pango_layout_set_width (layout, 1920 * PANGO_SCALE);
  pango_layout_set_wrap (layout, PANGO_WRAP_CHAR);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static void
draw (GtkWidget   *like,
      PangoWeight  weight,
      const char  *text)
{
  g_autoptr(PangoLayout) layout = jb_glyph_warmup_new_layout (like, weight, text);
  int scale = gtk_widget_get_scale_factor (like);
  cairo_surface_t *surface;
  cairo_t *cr;
  int width, height;

  pango_layout_get_pixel_size (layout, &width, &height);
  /* The device scale is part of the glyphs' key, as it is in the window. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, MAX (width, 1) * scale, MAX (height, 1) * scale);
  cairo_surface_set_device_scale (surface, scale, scale);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  pango_cairo_show_layout (cr, layout);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/**
 * jb_glyph_warmup_step:
 * @like: a shown label of the style the texts will show in
 * @counts: the characters wanted (jb-char-counts.h)
 * @max_chars: at most this many in this step
 *
 * Draws, regular and bold, up to @max_chars characters of @counts not yet
 * drawn at @like's size by any window, the most frequent first, within
 * the process's budget (%JB_GLYPH_WARMUP_MAX_CHARS).
 *
 * Returns: how many it drew; 0 when none is left or the budget is spent
 */
guint
jb_glyph_warmup_step (GtkWidget  *like,
                      GHashTable *counts,
                      guint       max_chars)
{
  g_autofree char *text = NULL;
  guint n;

  max_chars = MIN (max_chars, JB_GLYPH_WARMUP_MAX_CHARS - MIN (n_drawn_in_all, JB_GLYPH_WARMUP_MAX_CHARS));
  text = jb_char_counts_take (counts, drawn_at (like), max_chars);
  if (text == NULL)
    return 0;
  draw (like, PANGO_WEIGHT_NORMAL, text);
  draw (like, PANGO_WEIGHT_BOLD, text);
  n = g_utf8_strlen (text, -1);
  n_drawn_in_all += n;
  return n;
}

/* How many characters have been drawn ahead at @like's size. */
guint
jb_glyph_warmup_get_n_drawn (GtkWidget *like)
{
  return g_hash_table_size (drawn_at (like));
}
