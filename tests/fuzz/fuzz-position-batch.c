/* fuzz-position-batch.c — the position batch scanner against the JSON tree
 *
 * On any bytes: when jb_position_batch_scan () takes a body, the tree
 * (jb_json_parse_object () and jb_position_batch_read_object (), what
 * the server falls back to) must take it too, with the same fixes bit
 * for bit. Declining is always allowed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "jb-json.h"
#include "jb-position-batch.h"

#define NOW 1765000000000

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char *text = (const char *) data;
  g_autoptr(JbPositionBatch) scanned = NULL;
  g_autoptr(JbPositionBatch) tree = NULL;
  g_autoptr(JsonNode) root = NULL;
  const JbBatchFix *a, *b;
  guint n_a, n_b;

  if (size > 1 << 16 || (scanned = jb_position_batch_scan (text, size, NOW)) == NULL)
    return 0;
  if (!g_utf8_validate (text, (gssize) size, NULL) ||
      (root = jb_json_parse_object (text, (gssize) size, NULL)) == NULL ||
      (tree = jb_position_batch_read_object (json_node_get_object (root), NOW, NULL)) == NULL)
    {
      g_printerr ("scanned, but the tree refuses it\n");
      abort ();
    }
  a = jb_position_batch_get_fixes (scanned, &n_a);
  b = jb_position_batch_get_fixes (tree, &n_b);
  g_assert_cmpuint (n_a, ==, n_b);
  for (guint i = 0; i < n_a; i++)
    {
      g_assert_cmpstr (a[i].unit_id, ==, b[i].unit_id);
      /* NAN for an absent measure: compared as bits. */
      g_assert_true (memcmp (&a[i].position, &b[i].position, sizeof a[i].position) == 0);
    }
  return 0;
}
