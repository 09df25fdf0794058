/* jb-glyph-warmup.h — characters drawn once, offscreen, before they show
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void  jb_glyph_warmup_add_chars (GHashTable  *chars,
                                 const char  *text);
char *jb_glyph_warmup_take      (GHashTable  *chars,
                                 GHashTable  *drawn,
                                 guint        max_chars);
PangoLayout *jb_glyph_warmup_new_layout (GtkWidget   *like,
                                         PangoWeight  weight,
                                         const char  *text);
void  jb_glyph_warmup_draw      (GtkWidget   *like,
                                 PangoWeight  weight,
                                 const char  *text);

G_END_DECLS
