/* jb-demo-grids.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-demo"

#include "jb-demo-grids.h"

#include <string.h>

#include "jb-geo-index.h"

#define MIN_GRIDS       4
#define MAX_GRIDS       6
#define MAX_VOLUNTEERS  3

static const char *
string_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING ?
         json_node_get_string (node) : NULL;
}

static gboolean
unit_position (JsonObject *unit,
               double     *lat,
               double     *lon)
{
  JsonNode *node = json_object_get_member (unit, "position");
  JsonObject *position;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  position = json_node_get_object (node);
  if (!json_object_has_member (position, "lat") || !json_object_has_member (position, "lon"))
    return FALSE;
  *lat = json_object_get_double_member (position, "lat");
  *lon = json_object_get_double_member (position, "lon");
  return TRUE;
}

GPtrArray *
jb_demo_grids_new (GPtrArray *stations,
                   GPtrArray *units,
                   guint32    seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed ^ 0x6e657477u);
  g_autoptr(GPtrArray) shapes = g_ptr_array_new_with_free_func ((GDestroyNotify) jb_geo_shape_unref);
  g_autoptr(GPtrArray) owners = g_ptr_array_new ();  /* station JsonObject* of each grid */
  g_autoptr(GPtrArray) grids = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(JbGeoIndex) index = NULL;
  g_autofree guint *n_volunteers = NULL;

  for (guint s = 0; s < stations->len; s++)
    {
      JsonObject *station = g_ptr_array_index (stations, s);
      g_autoptr(JbGeoShape) area = NULL;
      g_autoptr(GPtrArray) officers = g_ptr_array_new ();
      g_autofree char *short_name = NULL;
      const char *station_id = string_member (station, "id");
      const char *name = string_member (station, "name");
      JbGeoPoint sites[MAX_GRIDS];
      guint n;

      if (station_id == NULL || !json_object_has_member (station, "jurisdiction"))
        continue;
      area = jb_geo_shape_new_from_json (json_object_get_member (station, "jurisdiction"), NULL);
      if (area == NULL || jb_geo_shape_is_empty (area))
        continue;
      /* "清水塘派出所" → "清水塘". */
      short_name = g_strdup (name != NULL ? name : station_id);
      if (g_str_has_suffix (short_name, "派出所"))
        short_name[strlen (short_name) - strlen ("派出所")] = '\0';

      for (guint u = 0; u < units->len; u++)
        {
          JsonObject *unit = g_ptr_array_index (units, u);

          if (g_strcmp0 (string_member (unit, "kind"), "officer") == 0 &&
              g_strcmp0 (string_member (unit, "station_id"), station_id) == 0)
            g_ptr_array_add (officers, unit);
        }

      n = (guint) g_rand_int_range (rand, MIN_GRIDS, MAX_GRIDS + 1);
      for (guint i = 0; i < n; i++)
        jb_geo_shape_random_point (area, rand, &sites[i].lat, &sites[i].lon);
      for (guint i = 0; i < n; i++)
        {
          JbGeoShape *cell = jb_geo_shape_voronoi_cell (area, sites, n, i);
          JsonObject *grid = json_object_new ();
          JsonObject *members = json_object_new ();
          g_autofree char *id = g_strdup_printf ("g-%s-%u", station_id, i + 1);
          g_autofree char *grid_name = g_strdup_printf ("%s%u号网格", short_name, i + 1);

          if (jb_geo_shape_is_empty (cell))
            {
              jb_geo_shape_unref (cell);
              json_object_unref (grid);
              json_object_unref (members);
              continue;
            }
          json_object_set_string_member (grid, "id", id);
          json_object_set_string_member (grid, "name", grid_name);
          json_object_set_string_member (grid, "station_id", station_id);
          json_object_set_boolean_member (grid, "demo", TRUE);
          json_object_set_member (grid, "area", jb_geo_shape_to_json (cell));
          /* The demo has no 辅警 of its own: a second officer stands in. */
          if (officers->len > 0)
            json_object_set_string_member (members, "officer",
                                           string_member (g_ptr_array_index (officers, i % officers->len), "id"));
          else
            json_object_set_null_member (members, "officer");
          if (officers->len > n)
            json_object_set_string_member (members, "auxiliary",
                                           string_member (g_ptr_array_index (officers, (i + n) % officers->len), "id"));
          else
            json_object_set_null_member (members, "auxiliary");
          json_object_set_array_member (members, "volunteers", json_array_new ());
          json_object_set_object_member (grid, "members", members);
          g_ptr_array_add (grids, grid);
          g_ptr_array_add (shapes, cell);
          g_ptr_array_add (owners, station);
        }
    }

  /* Volunteers patrol the grid they are in. */
  index = jb_geo_index_new ((JbGeoShape **) shapes->pdata, shapes->len);
  n_volunteers = g_new0 (guint, grids->len);
  for (guint u = 0; u < units->len; u++)
    {
      JsonObject *unit = g_ptr_array_index (units, u);
      double lat, lon;
      int g;

      if (g_strcmp0 (string_member (unit, "kind"), "volunteer") != 0 || !unit_position (unit, &lat, &lon) ||
          (g = jb_geo_index_lookup (index, lat, lon)) < 0 || n_volunteers[g] >= MAX_VOLUNTEERS)
        continue;
      json_array_add_string_element (json_object_get_array_member (
                                       json_object_get_object_member (g_ptr_array_index (grids, g), "members"),
                                       "volunteers"),
                                     string_member (unit, "id"));
      n_volunteers[g]++;
    }
  /* A grid with none in it gets the two volunteers nearest its middle. */
  for (guint g = 0; g < grids->len; g++)
    {
      JsonArray *list = json_object_get_array_member (
        json_object_get_object_member (g_ptr_array_index (grids, g), "members"), "volunteers");
      double min_lat, min_lon, max_lat, max_lon, best[2] = { G_MAXDOUBLE, G_MAXDOUBLE };
      const char *best_id[2] = { NULL, NULL };

      if (n_volunteers[g] > 0 || !jb_geo_shape_get_bbox (g_ptr_array_index (shapes, g), &min_lat, &min_lon,
                                                         &max_lat, &max_lon))
        continue;
      for (guint u = 0; u < units->len; u++)
        {
          JsonObject *unit = g_ptr_array_index (units, u);
          double lat, lon, d;

          if (g_strcmp0 (string_member (unit, "kind"), "volunteer") != 0 || !unit_position (unit, &lat, &lon))
            continue;
          d = jb_geo_distance_m (lat, lon, (min_lat + max_lat) / 2, (min_lon + max_lon) / 2);
          if (d < best[0])
            {
              best[1] = best[0];
              best_id[1] = best_id[0];
              best[0] = d;
              best_id[0] = string_member (unit, "id");
            }
          else if (d < best[1])
            {
              best[1] = d;
              best_id[1] = string_member (unit, "id");
            }
        }
      for (guint k = 0; k < 2; k++)
        if (best_id[k] != NULL)
          json_array_add_string_element (list, best_id[k]);
    }
  return g_steal_pointer (&grids);
}
