/* jb-test-mbtiles.h — write a small MBTiles file for a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint          z, x, y;   /* XYZ numbering (y = 0 at the north) */
  gconstpointer  data;
  gsize          len;
} JbTestTile;

/* Creates @path with the MBTiles schema, the metadata @pairs (name, value,
 * name, value, …, NULL) and @tiles (stored with TMS rows, as the spec
 * says). Aborts the test on failure. */
void jb_test_mbtiles_write (const char         *path,
                            const char * const *pairs,
                            const JbTestTile   *tiles,
                            guint               n_tiles);

G_END_DECLS
