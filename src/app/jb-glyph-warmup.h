/* jb-glyph-warmup.h — characters drawn once, offscreen, before they show
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* At most this many characters are drawn ahead in all, over every text
 * size, each regular and bold: about China's 3,500 common characters,
 * and 7,000 glyphs, well under the 16,384 cairo and pixman keep. */
#define JB_GLYPH_WARMUP_MAX_CHARS 3500

double       jb_glyph_warmup_get_px      (GtkWidget   *like);
guint        jb_glyph_warmup_step        (GtkWidget   *like,
                                          GHashTable  *counts,
                                          guint        max_chars);
guint        jb_glyph_warmup_get_n_drawn (GtkWidget   *like);
PangoLayout *jb_glyph_warmup_new_layout  (GtkWidget   *like,
                                          PangoWeight  weight,
                                          const char  *text);

G_END_DECLS
