/* jb-char-counts.h — how often each character occurs in a set of texts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GHashTable *jb_char_counts_new  (void);
guint       jb_char_counts_add  (GHashTable *counts,
                                 const char *text,
                                 guint       weight);
char       *jb_char_counts_take (GHashTable *counts,
                                 GHashTable *taken,
                                 guint       max_chars);

G_END_DECLS
