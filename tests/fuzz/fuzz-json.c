/* fuzz-json.c — the strict JSON readers (src/core/jb-json.c) on any bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "jb-enums.h"
#include "jb-json.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonObject *object;
  static const char * const allowed[] = { "type", "priority", "location", "text", NULL };

  if (size > 1 << 16)
    return 0;
  root = jb_json_parse_object ((const char *) data, (gssize) size, &error);
  if (root == NULL)
    {
      /* A refusal is an error of ours, never a crash or a NULL error. */
      if (error == NULL || error->domain != JB_ERROR)
        g_assert_not_reached ();
      return 0;
    }
  object = json_node_get_object (root);
  jb_json_check_members (object, allowed, NULL);
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, NULL))
    {
      const char *s = NULL;
      gint64 i = 0;
      double d = 0;
      gboolean b = FALSE;
      JsonObject *o = NULL;
      JsonArray *a = NULL;
      int e = 0;

      if (jb_json_get_string (object, name, TRUE, &s, NULL) && s != NULL && !g_utf8_validate (s, -1, NULL))
        g_assert_not_reached ();
      jb_json_get_int (object, name, TRUE, &i, NULL);
      if (jb_json_get_double (object, name, TRUE, &d, NULL) && !isfinite (d))
        g_assert_not_reached ();
      jb_json_get_boolean (object, name, TRUE, &b, NULL);
      jb_json_get_object (object, name, TRUE, &o, NULL);
      jb_json_get_array (object, name, TRUE, &a, NULL);
      jb_json_get_enum (object, name, TRUE, JB_ENUM_PARSER (jb_incident_type_from_string), &e, NULL);
      if (o != NULL)
        {
          double lat, lon;

          if (jb_json_get_lat_lon (o, &lat, &lon, NULL) && (fabs (lat) > 90 || fabs (lon) > 180))
            g_assert_not_reached ();
        }
    }
  /* What was accepted serialises and reads back. */
  {
    gsize len = 0;
    g_autofree char *text = jb_json_to_string (root, &len);
    g_autoptr(JsonNode) again = jb_json_parse_object (text, (gssize) len, NULL);

    if (again == NULL)
      g_assert_not_reached ();
  }
  return 0;
}
