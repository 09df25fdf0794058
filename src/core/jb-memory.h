/* jb-memory.h — what a client that runs for weeks does about its memory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean jb_memory_is_font_file      (const char *path);
gboolean jb_memory_map_in_font_files (guint   *out_n_files,
                                      gsize   *out_bytes,
                                      GError **error);
gboolean jb_memory_trim              (void);

G_END_DECLS
