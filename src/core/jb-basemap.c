/* jb-basemap.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-basemap"

#include "jb-basemap.h"

#include "jb-json.h"

/* MBTiles attributions may be HTML: keep the text, drop the tags. */
static char *
strip_markup (const char *text)
{
  GString *out = g_string_new (NULL);
  gboolean in_tag = FALSE;
  static const struct { const char *entity; const char *text; } entities[] = {
    { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" }, { "&#39;", "'" },
    { "&copy;", "©" }, { "&nbsp;", " " },
  };

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '<')
        in_tag = TRUE;
      else if (*p == '>' && in_tag)
        in_tag = FALSE;
      else if (!in_tag && *p == '&')
        {
          gboolean replaced = FALSE;

          for (guint i = 0; i < G_N_ELEMENTS (entities) && !replaced; i++)
            if (g_str_has_prefix (p, entities[i].entity))
              {
                g_string_append (out, entities[i].text);
                p += strlen (entities[i].entity) - 1;
                replaced = TRUE;
              }
          if (!replaced)
            g_string_append_c (out, *p);
        }
      else if (!in_tag)
        g_string_append_c (out, *p);
    }
  return g_strstrip (g_string_free (out, FALSE));
}

static gboolean
bad_value (GError     **error,
           const char  *field)
{
  g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE, "config.basemap.%s is out of range.", field);
  return FALSE;
}

JbBasemap *
jb_basemap_new_from_config (JsonObject  *config,
                            GError     **error)
{
  g_autoptr(JbBasemap) self = NULL;
  JsonObject *object = NULL;
  JsonArray *bounds = NULL;
  const char *name = NULL, *attribution = "", *format = NULL, *version = "";
  gint64 minzoom = 0, maxzoom = 0, tile_size = 256;
  double values[4];

  if (config == NULL || !json_object_has_member (config, "basemap") ||
      JSON_NODE_HOLDS_NULL (json_object_get_member (config, "basemap")))
    return NULL;
  if (!jb_json_get_object (config, "basemap", TRUE, &object, error) ||
      !jb_json_get_string (object, "name", TRUE, &name, error) ||
      !jb_json_get_string (object, "attribution", FALSE, &attribution, error) ||
      !jb_json_get_string (object, "format", TRUE, &format, error) ||
      !jb_json_get_array (object, "bounds", TRUE, &bounds, error) ||
      !jb_json_get_int (object, "minzoom", TRUE, &minzoom, error) ||
      !jb_json_get_int (object, "maxzoom", TRUE, &maxzoom, error) ||
      !jb_json_get_int (object, "tile_size", FALSE, &tile_size, error) ||
      !jb_json_get_string (object, "version", FALSE, &version, error))
    return NULL;
  if (json_array_get_length (bounds) != 4)
    return bad_value (error, "bounds"), NULL;
  for (guint i = 0; i < 4; i++)
    {
      JsonNode *node = json_array_get_element (bounds, i);

      if (!JSON_NODE_HOLDS_VALUE (node) ||
          (json_node_get_value_type (node) != G_TYPE_DOUBLE && json_node_get_value_type (node) != G_TYPE_INT64))
        return bad_value (error, "bounds"), NULL;
      values[i] = json_node_get_double (node);
    }
  if (minzoom < 0 || maxzoom > 30 || minzoom > maxzoom)
    return bad_value (error, "minzoom"), NULL;
  if (tile_size < 64 || tile_size > 4096)
    return bad_value (error, "tile_size"), NULL;

  self = g_new0 (JbBasemap, 1);
  self->name = g_strdup (name);
  self->attribution = strip_markup (attribution);
  self->format = g_ascii_strdown (format, -1);
  self->west = values[0];
  self->south = values[1];
  self->east = values[2];
  self->north = values[3];
  self->minzoom = (guint) minzoom;
  self->maxzoom = (guint) maxzoom;
  self->tile_size = (guint) tile_size;
  self->version = g_strdup (version);
  return g_steal_pointer (&self);
}

JbBasemap *
jb_basemap_copy (const JbBasemap *self)
{
  JbBasemap *copy;

  if (self == NULL)
    return NULL;
  copy = g_memdup2 (self, sizeof *self);
  copy->name = g_strdup (self->name);
  copy->attribution = g_strdup (self->attribution);
  copy->format = g_strdup (self->format);
  copy->version = g_strdup (self->version);
  return copy;
}

void
jb_basemap_free (JbBasemap *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->attribution);
  g_free (self->format);
  g_free (self->version);
  g_free (self);
}

gboolean
jb_basemap_equal (const JbBasemap *a,
                  const JbBasemap *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strcmp0 (a->name, b->name) == 0 && g_strcmp0 (a->attribution, b->attribution) == 0 &&
         g_strcmp0 (a->format, b->format) == 0 && g_strcmp0 (a->version, b->version) == 0 &&
         a->west == b->west && a->south == b->south && a->east == b->east && a->north == b->north &&
         a->minzoom == b->minzoom && a->maxzoom == b->maxzoom && a->tile_size == b->tile_size;
}

gboolean
jb_basemap_is_raster (const JbBasemap *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return g_strcmp0 (self->format, "png") == 0 || g_strcmp0 (self->format, "jpg") == 0 ||
         g_strcmp0 (self->format, "webp") == 0;
}
