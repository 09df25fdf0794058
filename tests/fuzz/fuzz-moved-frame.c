/* fuzz-moved-frame.c — the unit.moved fast path against json-glib: what
 * the scanner accepts, json-glib reads the same
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "jb-json.h"
#include "jb-moved-frame.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  JbMovedFrame frame;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object, *payload;
  g_autofree char *id = NULL;

  if (size > 1 << 16 || !_jb_moved_frame_scan ((const char *) data, size, &frame))
    return 0;
  /* Accepted: values in range, and the same reading as json-glib's. */
  if (frame.id == NULL || frame.id_len == 0 || (const guint8 *) frame.id < data ||
      (const guint8 *) frame.id + frame.id_len > data + size)
    g_assert_not_reached ();
  if (!(frame.position.lat >= -90 && frame.position.lat <= 90) ||
      !(frame.position.lon >= -180 && frame.position.lon <= 180))
    g_assert_not_reached ();
  root = jb_json_parse_object ((const char *) data, (gssize) size, NULL);
  if (root == NULL)
    g_assert_not_reached ();
  object = json_node_get_object (root);
  if (json_object_get_int_member (object, "seq") != frame.seq)
    g_assert_not_reached ();
  payload = json_object_get_object_member (object, "data");
  id = g_strndup (frame.id, frame.id_len);
  if (payload == NULL || g_strcmp0 (json_object_get_string_member (payload, "id"), id) != 0)
    g_assert_not_reached ();
  if (fabs (json_object_get_double_member (payload, "lat") - frame.position.lat) > 1e-9 ||
      fabs (json_object_get_double_member (payload, "lon") - frame.position.lon) > 1e-9)
    g_assert_not_reached ();
  return 0;
}
