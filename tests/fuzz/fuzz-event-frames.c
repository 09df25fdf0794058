/* fuzz-event-frames.c — the client's event-frame decoder and store: frames
 * (one per line) applied to a store loaded with a real snapshot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "fuzz-world.h"
#include "jb-store.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static JsonNode *snapshot;

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(JbStore) store = jb_store_new ();
  g_autoptr(GError) error = NULL;
  const char *p = (const char *) data;
  const char *end = p + size;

  if (size > 1 << 16)
    return 0;
  if (snapshot == NULL)
    {
      static const char * const lists[] = { "stations", "grids", "units", "terminals", "incidents" };

      snapshot = fuzz_world_snapshot (fuzz_world_get ());
      /* Frames of the corpus count from seq 1. */
      json_object_set_int_member (json_node_get_object (snapshot), "seq", 0);
      /* The first few of each: loading the whole city for every input
       * would leave a few dozen inputs a second. */
      for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
        {
          JsonArray *items = json_object_get_array_member (json_node_get_object (snapshot), lists[l]);

          while (items != NULL && json_array_get_length (items) > 8)
            json_array_remove_element (items, json_array_get_length (items) - 1);
        }
    }
  if (!jb_store_load_snapshot (store, snapshot, &error))
    g_error ("The snapshot does not load: %s", error->message);
  while (p < end)
    {
      const char *newline = memchr (p, '\n', (gsize) (end - p));
      const char *stop = newline != NULL ? newline : end;
      g_autoptr(GError) frame_error = NULL;
      JbStoreApply result;

      /* Positions frames (no seq) take their own path, as in the stream. */
      if (stop - p > 19 && memcmp (p, "{\"type\":\"positions\"", 19) == 0)
        {
          gint applied = jb_store_apply_positions_text (store, p, (gsize) (stop - p), &frame_error);

          if ((applied < 0) != (frame_error != NULL))
            g_assert_not_reached ();
          p = stop + 1;
          continue;
        }
      result = jb_store_apply_event_text (store, p, (gsize) (stop - p), &frame_error);

      if ((result == JB_STORE_APPLY_ERROR) != (frame_error != NULL))
        g_assert_not_reached ();
      if (result == JB_STORE_APPLY_ERROR)
        break;
      p = stop + 1;
    }
  return 0;
}
