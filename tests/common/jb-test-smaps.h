/* jb-test-smaps.h — this process's mappings and what of them is resident
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint64  start;
  gint64   size_kb;
  gint64   rss_kb;
  char    *path;     /* NULL for an anonymous mapping */
} JbTestMapping;

/* /proc/self/smaps, one JbTestMapping per mapping (freed with the array). */
GPtrArray     *jb_test_smaps_read   (void);
/* The mapping that starts at @address, or NULL. */
JbTestMapping *jb_test_smaps_lookup (GPtrArray     *mappings,
                                     gconstpointer  address);

G_END_DECLS
