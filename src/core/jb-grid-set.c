/* jb-grid-set.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-grid-set"

#include "jb-grid-set.h"

#include "jb-error.h"
#include "jb-geo-index.h"
#include "jb-json.h"

struct _JbGridSet
{
  GObject     parent_instance;

  GPtrArray  *grids;   /* JbGrid* */
  JbGeoIndex *index;   /* built on the first lookup after a change */
};

G_DEFINE_FINAL_TYPE (JbGridSet, jb_grid_set, G_TYPE_OBJECT)

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
grid_free (gpointer data)
{
  JbGrid *grid = data;

  g_free (grid->id);
  g_free (grid->name);
  g_free (grid->station_id);
  g_clear_pointer (&grid->area, jb_geo_shape_unref);
  g_free (grid->officer);
  g_free (grid->auxiliary);
  g_strfreev (grid->volunteers);
  g_free (grid);
}

static gboolean
get_nullable_string (JsonObject  *object,
                     const char  *member,
                     const char **out,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = NULL;
  return node == NULL || JSON_NODE_HOLDS_NULL (node) || jb_json_get_string (object, member, TRUE, out, error);
}

static JbGrid *
grid_new_from_json (JsonObject  *object,
                    GError     **error)
{
  g_autoptr(JbGeoShape) area = NULL;
  g_autoptr(GStrvBuilder) volunteers = g_strv_builder_new ();
  const char *id = NULL, *name = NULL, *station_id = NULL, *officer = NULL, *auxiliary = NULL;
  JsonObject *members = NULL;
  JsonArray *list = NULL;
  gboolean demo = FALSE;
  JbGrid *grid;
  double min_lat, min_lon, max_lat, max_lon;

  if (!jb_json_get_string (object, "id", TRUE, &id, error) ||
      !jb_json_get_string (object, "name", TRUE, &name, error) ||
      !jb_json_get_string (object, "station_id", TRUE, &station_id, error) ||
      !jb_json_get_boolean (object, "demo", FALSE, &demo, error) ||
      !jb_json_get_object (object, "members", FALSE, &members, error))
    return NULL;
  if (!json_object_has_member (object, "area"))
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_MISSING_FIELD, "The field \"area\" is required.");
      return NULL;
    }
  area = jb_geo_shape_new_from_json (json_object_get_member (object, "area"), error);
  if (area == NULL)
    {
      g_prefix_error (error, "area: ");
      return NULL;
    }
  if (members != NULL &&
      (!get_nullable_string (members, "officer", &officer, error) ||
       !get_nullable_string (members, "auxiliary", &auxiliary, error) ||
       !jb_json_get_array (members, "volunteers", FALSE, &list, error)))
    {
      g_prefix_error (error, "members: ");
      return NULL;
    }
  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_strv_builder_add (volunteers, json_node_get_string (node));
    }

  grid = g_new0 (JbGrid, 1);
  grid->id = g_strdup (id);
  grid->name = g_strdup (name);
  grid->station_id = g_strdup (station_id);
  grid->demo = demo;
  grid->officer = g_strdup (officer);
  grid->auxiliary = g_strdup (auxiliary);
  grid->volunteers = g_strv_builder_end (volunteers);
  if (jb_geo_shape_get_bbox (area, &min_lat, &min_lon, &max_lat, &max_lon))
    {
      grid->label_lat = (min_lat + max_lat) / 2;
      grid->label_lon = (min_lon + max_lon) / 2;
    }
  grid->area = g_steal_pointer (&area);
  return grid;
}

static void
changed (JbGridSet *self)
{
  g_clear_pointer (&self->index, jb_geo_index_free);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

gboolean
jb_grid_set_load (JbGridSet  *self,
                  JsonArray  *grids,
                  GError    **error)
{
  g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func (grid_free);

  g_return_val_if_fail (JB_IS_GRID_SET (self), FALSE);

  for (guint i = 0; grids != NULL && i < json_array_get_length (grids); i++)
    {
      JsonNode *node = json_array_get_element (grids, i);
      JbGrid *grid = NULL;

      if (JSON_NODE_HOLDS_OBJECT (node))
        grid = grid_new_from_json (json_node_get_object (node), error);
      else
        g_set_error_literal (error, JB_ERROR, JB_ERROR_INVALID_TYPE, "A grid must be an object.");
      if (grid == NULL)
        {
          g_prefix_error (error, "grids[%u]: ", i);
          return FALSE;
        }
      g_ptr_array_add (loaded, grid);
    }
  g_ptr_array_unref (self->grids);
  self->grids = g_steal_pointer (&loaded);
  changed (self);
  return TRUE;
}

gboolean
jb_grid_set_apply (JbGridSet  *self,
                   JsonObject *object,
                   GError    **error)
{
  JbGrid *grid;

  g_return_val_if_fail (JB_IS_GRID_SET (self), FALSE);

  grid = grid_new_from_json (object, error);
  if (grid == NULL)
    return FALSE;
  for (guint i = 0; i < self->grids->len; i++)
    if (g_strcmp0 (((JbGrid *) g_ptr_array_index (self->grids, i))->id, grid->id) == 0)
      {
        grid_free (g_ptr_array_index (self->grids, i));
        self->grids->pdata[i] = grid;
        changed (self);
        return TRUE;
      }
  g_ptr_array_add (self->grids, grid);
  changed (self);
  return TRUE;
}

guint
jb_grid_set_get_n_grids (JbGridSet *self)
{
  g_return_val_if_fail (JB_IS_GRID_SET (self), 0);
  return self->grids->len;
}

const JbGrid *
jb_grid_set_get_grid (JbGridSet *self,
                      guint      index)
{
  g_return_val_if_fail (JB_IS_GRID_SET (self), NULL);
  g_return_val_if_fail (index < self->grids->len, NULL);
  return g_ptr_array_index (self->grids, index);
}

const JbGrid *
jb_grid_set_lookup (JbGridSet *self,
                    double     lat,
                    double     lon)
{
  int found;

  g_return_val_if_fail (JB_IS_GRID_SET (self), NULL);

  if (self->index == NULL)
    {
      g_autofree JbGeoShape **shapes = g_new (JbGeoShape *, self->grids->len + 1);

      for (guint i = 0; i < self->grids->len; i++)
        shapes[i] = ((JbGrid *) g_ptr_array_index (self->grids, i))->area;
      self->index = jb_geo_index_new (shapes, self->grids->len);
    }
  found = jb_geo_index_lookup (self->index, lat, lon);
  return found >= 0 ? g_ptr_array_index (self->grids, found) : NULL;
}

static void
jb_grid_set_finalize (GObject *object)
{
  JbGridSet *self = JB_GRID_SET (object);

  g_clear_pointer (&self->grids, g_ptr_array_unref);
  g_clear_pointer (&self->index, jb_geo_index_free);

  G_OBJECT_CLASS (jb_grid_set_parent_class)->finalize (object);
}

static void
jb_grid_set_class_init (JbGridSetClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = jb_grid_set_finalize;

  /**
   * JbGridSet::changed:
   * The grids were loaded or one of them changed.
   */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
jb_grid_set_init (JbGridSet *self)
{
  self->grids = g_ptr_array_new_with_free_func (grid_free);
}

JbGridSet *
jb_grid_set_new (void)
{
  return g_object_new (JB_TYPE_GRID_SET, NULL);
}
