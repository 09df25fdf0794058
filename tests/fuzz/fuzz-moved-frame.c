/* fuzz-moved-frame.c — the unit.moved and positions fast paths against
 * json-glib: what the scanners accept, json-glib reads the same
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "jb-json.h"
#include "jb-moved-frame.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* A positions frame the scanner accepts has the same items for json-glib. */
static void
check_positions (const guint8 *data,
                 size_t        size)
{
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (JbMovedFrame));
  g_autoptr(JsonNode) root = NULL;
  JsonObject *payload;
  JsonArray *array;
  gint64 time;

  if (!_jb_positions_frame_scan ((const char *) data, size, items, &time))
    return;
  root = jb_json_parse_object ((const char *) data, (gssize) size, NULL);
  if (root == NULL)
    g_assert_not_reached ();
  payload = json_object_get_object_member (json_node_get_object (root), "data");
  array = payload != NULL ? json_object_get_array_member (payload, "items") : NULL;
  if (array == NULL || json_array_get_length (array) != items->len)
    g_assert_not_reached ();
  for (guint i = 0; i < items->len; i++)
    {
      JbMovedFrame *item = &g_array_index (items, JbMovedFrame, i);
      JsonObject *object = json_array_get_object_element (array, i);
      g_autofree char *id = g_strndup (item->id, item->id_len);

      if (object == NULL || g_strcmp0 (json_object_get_string_member (object, "id"), id) != 0 ||
          fabs (json_object_get_double_member (object, "lat") - item->position.lat) > 1e-9 ||
          fabs (json_object_get_double_member (object, "lon") - item->position.lon) > 1e-9 ||
          !(item->position.lat >= -90 && item->position.lat <= 90))
        g_assert_not_reached ();
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  JbMovedFrame frame;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object, *payload;
  g_autofree char *id = NULL;

  if (size > 1 << 16)
    return 0;
  check_positions (data, size);
  if (!_jb_moved_frame_scan ((const char *) data, size, &frame))
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
