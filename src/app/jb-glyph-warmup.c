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
 */
#define G_LOG_DOMAIN "jb-glyph-warmup"

#include "jb-glyph-warmup.h"

/* Counts each character of @text (but spaces and ASCII controls) in
 * @chars (keys: GUINT_TO_POINTER (gunichar), values: how often). */
void
jb_glyph_warmup_add_chars (GHashTable *chars,
                           const char *text)
{
  if (text == NULL)
    return;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c > ' ' && c != 0x7f)
        g_hash_table_insert (chars, GUINT_TO_POINTER (c),
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (chars, GUINT_TO_POINTER (c))) + 1));
    }
}

static int
by_count (gconstpointer a,
          gconstpointer b,
          gpointer      user_data)
{
  guint ca = GPOINTER_TO_UINT (g_hash_table_lookup (user_data, *(gpointer *) a));
  guint cb = GPOINTER_TO_UINT (g_hash_table_lookup (user_data, *(gpointer *) b));

  if (ca != cb)
    return ca > cb ? -1 : 1;
  return GPOINTER_TO_UINT (*(gpointer *) a) < GPOINTER_TO_UINT (*(gpointer *) b) ? -1 : 1;
}

/* Up to @max_chars characters of @chars not in @drawn, the most frequent
 * first, as a string; they move to @drawn. NULL when none is left. */
char *
jb_glyph_warmup_take (GHashTable *chars,
                      GHashTable *drawn,
                      guint       max_chars)
{
  g_autoptr(GPtrArray) todo = g_ptr_array_new ();
  GString *text;
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, chars);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (drawn, key))
      g_ptr_array_add (todo, key);
  if (todo->len == 0 || max_chars == 0)
    return NULL;

  g_ptr_array_sort_with_data (todo, by_count, chars);
  text = g_string_new (NULL);
  for (guint i = 0; i < MIN (todo->len, max_chars); i++)
    {
      key = g_ptr_array_index (todo, i);
      g_string_append_unichar (text, GPOINTER_TO_UINT (key));
      g_hash_table_add (drawn, key);
    }
  return g_string_free (text, FALSE);
}

/* @text laid out in @like's font (its pango context: the font its labels
 * get from CSS, the display's font options) with @weight: the same
 * PangoFonts, hence the same cairo scaled fonts and glyph caches, as a
 * label of @like's style showing it. */
PangoLayout *
jb_glyph_warmup_new_layout (GtkWidget   *like,
                            PangoWeight  weight,
                            const char  *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (like, NULL);
  PangoFontDescription *font;

  font = pango_font_description_copy (pango_context_get_font_description (gtk_widget_get_pango_context (like)));
  pango_font_description_set_weight (font, weight);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  /* Lines of a screen's width, not one line of thousands of pixels. */
  pango_layout_set_width (layout, 1920 * PANGO_SCALE);
  pango_layout_set_wrap (layout, PANGO_WRAP_CHAR);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

/* Draws that layout once, on a scratch image. */
void
jb_glyph_warmup_draw (GtkWidget   *like,
                      PangoWeight  weight,
                      const char  *text)
{
  g_autoptr(PangoLayout) layout = jb_glyph_warmup_new_layout (like, weight, text);
  cairo_surface_t *surface;
  cairo_t *cr;
  int width, height;

  pango_layout_get_pixel_size (layout, &width, &height);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, MAX (width, 1), MAX (height, 1));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  pango_cairo_show_layout (cr, layout);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}
