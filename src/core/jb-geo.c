/* jb-geo.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-geo"

#include "jb-geo.h"

#include "jb-error.h"
#include "jb-json.h"

#include <math.h>
#include <string.h>

#define EARTH_RADIUS_M 6371008.8
#define DEG (G_PI / 180.0)

double
jb_geo_distance_m (double lat1,
                   double lon1,
                   double lat2,
                   double lon2)
{
  double p1 = lat1 * G_PI / 180.0, p2 = lat2 * G_PI / 180.0;
  double dp = p2 - p1, dl = (lon2 - lon1) * G_PI / 180.0;
  double a = sin (dp / 2) * sin (dp / 2) + cos (p1) * cos (p2) * sin (dl / 2) * sin (dl / 2);

  return 2 * EARTH_RADIUS_M * atan2 (sqrt (a), sqrt (1 - a));
}

double
jb_geo_bearing_deg (double lat1,
                    double lon1,
                    double lat2,
                    double lon2)
{
  double p1 = lat1 * DEG, p2 = lat2 * DEG, dl = (lon2 - lon1) * DEG;
  double y = sin (dl) * cos (p2);
  double x = cos (p1) * sin (p2) - sin (p1) * cos (p2) * cos (dl);
  double deg = atan2 (y, x) / DEG;

  deg = fmod (deg + 360.0, 360.0);
  /* fmod can give exactly 360 for tiny negative inputs. */
  return deg >= 360.0 ? 0.0 : deg;
}

void
jb_geo_destination (double  lat,
                    double  lon,
                    double  bearing_deg,
                    double  distance_m,
                    double *out_lat,
                    double *out_lon)
{
  double d = distance_m / EARTH_RADIUS_M, th = bearing_deg * DEG;
  double p1 = lat * DEG, l1 = lon * DEG;
  double p2 = asin (sin (p1) * cos (d) + cos (p1) * sin (d) * cos (th));
  double l2 = l1 + atan2 (sin (th) * sin (d) * cos (p1), cos (d) - sin (p1) * sin (p2));

  *out_lat = p2 / DEG;
  *out_lon = l2 / DEG;
}

/* ------------------------------------------------------------------ rings */

gboolean
jb_geo_ring_contains (const JbGeoPoint *ring,
                      gsize             n_points,
                      double            lat,
                      double            lon)
{
  gboolean inside = FALSE;

  for (gsize i = 0, j = n_points - 1; i < n_points; j = i++)
    {
      const JbGeoPoint *p = &ring[i], *q = &ring[j];

      if ((p->lat > lat) != (q->lat > lat) &&
          lon < (q->lon - p->lon) * (lat - p->lat) / (q->lat - p->lat) + p->lon)
        inside = !inside;
    }

  return n_points >= 3 && inside;
}

/* Signed area on the sphere (positive counter-clockwise), the edge sum
 * that d3 and turf use; additive, so pieces of a cut sum to the whole. */
static double
ring_signed_area_m2 (const JbGeoPoint *ring,
                     gsize             n_points)
{
  double sum = 0;

  if (n_points < 3)
    return 0;

  for (gsize i = 0; i < n_points; i++)
    {
      const JbGeoPoint *p = &ring[i], *q = &ring[(i + 1) % n_points];

      sum += (q->lon - p->lon) * DEG * (2 + sin (p->lat * DEG) + sin (q->lat * DEG));
    }

  return -sum * EARTH_RADIUS_M * EARTH_RADIUS_M / 2.0;
}

double
jb_geo_ring_area_m2 (const JbGeoPoint *ring,
                     gsize             n_points)
{
  return fabs (ring_signed_area_m2 (ring, n_points));
}

typedef struct
{
  GArray  *points;    /* entry crossing, inside vertices, exit crossing */
  double   t_entry;   /* position of the crossings along the cut line */
  double   t_exit;
  gboolean used;
} Chain;

typedef struct
{
  double   t;
  guint    chain;
  gboolean is_entry;
} Crossing;

static int
compare_crossings (gconstpointer a,
                   gconstpointer b)
{
  const Crossing *x = a, *y = b;

  if (x->t != y->t)
    return x->t < y->t ? -1 : 1;
  /* Equal positions: a touching vertex. Exit before entry keeps pairs. */
  return (int) x->is_entry - (int) y->is_entry;
}

static void
append_point (GArray     *ring,
              JbGeoPoint  p)
{
  if (ring->len > 0)
    {
      const JbGeoPoint *last = &g_array_index (ring, JbGeoPoint, ring->len - 1);

      if (last->lon == p.lon && last->lat == p.lat)
        return;
    }
  g_array_append_val (ring, p);
}

static GArray *
finish_ring (GArray *ring)
{
  /* Drop a closing duplicate and degenerate leftovers of touching cuts. */
  while (ring->len > 1)
    {
      const JbGeoPoint *first = &g_array_index (ring, JbGeoPoint, 0);
      const JbGeoPoint *last = &g_array_index (ring, JbGeoPoint, ring->len - 1);

      if (first->lon != last->lon || first->lat != last->lat)
        break;
      g_array_set_size (ring, ring->len - 1);
    }

  if (ring->len < 3 || ring_signed_area_m2 ((JbGeoPoint *) (gpointer) ring->data, ring->len) == 0)
    {
      g_array_unref (ring);
      return NULL;
    }

  return ring;
}

static GArray *
new_ring (gsize reserve)
{
  return g_array_sized_new (FALSE, FALSE, sizeof (JbGeoPoint), reserve);
}

static GPtrArray *
new_ring_list (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
}

/* Plain Sutherland–Hodgman: one ring, possibly with bridges. Used only when
 * the crossings do not pair up (degenerate input). */
static GPtrArray *
clip_sutherland_hodgman (const JbGeoPoint *ring,
                         gsize             n,
                         const double     *v)
{
  GPtrArray *out = new_ring_list ();
  GArray *r = new_ring (n + 4);

  for (gsize i = 0; i < n; i++)
    {
      gsize j = (i + 1) % n;
      gboolean in_i = v[i] <= 0, in_j = v[j] <= 0;

      if (in_i)
        append_point (r, ring[i]);
      if (in_i != in_j)
        {
          double s = v[i] / (v[i] - v[j]);
          JbGeoPoint x = { ring[i].lon + s * (ring[j].lon - ring[i].lon),
                           ring[i].lat + s * (ring[j].lat - ring[i].lat) };
          append_point (r, x);
        }
    }

  r = finish_ring (r);
  if (r != NULL)
    g_ptr_array_add (out, r);
  return out;
}

GPtrArray *
jb_geo_ring_clip_half_plane (const JbGeoPoint *ring,
                             gsize             n_points,
                             double            a,
                             double            b,
                             double            c)
{
  g_autofree double *v = NULL;
  g_autoptr(GArray) chains = NULL;
  g_autoptr(GArray) crossings = NULL;
  g_autoptr(GHashTable) entry_of = NULL;
  GPtrArray *out;
  gsize start = G_MAXSIZE, n_inside = 0;
  double norm = hypot (a, b);

  g_return_val_if_fail (ring != NULL || n_points == 0, NULL);

  out = new_ring_list ();
  if (n_points < 3 || !(norm > 0))
    return out;

  /* Normalise so the values are distances in degrees, and treat points on
   * the line as outside: a cut along an edge then yields no sliver. */
  a /= norm, b /= norm, c /= norm;
  v = g_new (double, n_points);
  for (gsize i = 0; i < n_points; i++)
    {
      v[i] = a * ring[i].lon + b * ring[i].lat - c;
      if (v[i] < 0)
        n_inside++;
      else if (start == G_MAXSIZE)
        start = i;
      if (v[i] == 0)
        v[i] = 1e-300;
    }

  if (n_inside == 0)
    return out;
  if (n_inside == n_points)
    {
      GArray *copy = new_ring (n_points);

      g_array_append_vals (copy, ring, n_points);
      g_ptr_array_add (out, copy);
      return out;
    }

  /* Walk from an outside vertex, collecting the inside stretches. */
  chains = g_array_new (FALSE, TRUE, sizeof (Chain));
  crossings = g_array_new (FALSE, FALSE, sizeof (Crossing));
  for (gsize k = 0; k < n_points; k++)
    {
      gsize i = (start + k) % n_points, j = (i + 1) % n_points;
      gboolean in_i = v[i] < 0, in_j = v[j] < 0;

      if (in_i)
        {
          Chain *ch = &g_array_index (chains, Chain, chains->len - 1);
          append_point (ch->points, ring[i]);
        }

      if (in_i != in_j)
        {
          double s = v[i] / (v[i] - v[j]);
          JbGeoPoint x = { ring[i].lon + s * (ring[j].lon - ring[i].lon),
                           ring[i].lat + s * (ring[j].lat - ring[i].lat) };
          Crossing cr = { -b * x.lon + a * x.lat, 0, !in_i };

          if (!in_i)
            {
              Chain ch = { new_ring (16), cr.t, 0, FALSE };

              g_array_append_val (chains, ch);
              append_point (ch.points, x);
            }
          else
            {
              Chain *ch = &g_array_index (chains, Chain, chains->len - 1);

              append_point (ch->points, x);
              ch->t_exit = cr.t;
            }
          cr.chain = chains->len - 1;
          g_array_append_val (crossings, cr);
        }
    }

  /* Along the cut line, the polygon's inside is between crossings 0–1,
   * 2–3, …: each exit continues at the entry it shares an interval with. */
  g_array_sort (crossings, compare_crossings);
  entry_of = g_hash_table_new (NULL, NULL);
  for (guint k = 0; k + 1 < crossings->len; k += 2)
    {
      const Crossing *x = &g_array_index (crossings, Crossing, k);
      const Crossing *y = &g_array_index (crossings, Crossing, k + 1);

      if (x->is_entry == y->is_entry)
        break;
      /* exit chain → the chain that enters next */
      if (x->is_entry)
        g_hash_table_insert (entry_of, GUINT_TO_POINTER (y->chain + 1), GUINT_TO_POINTER (x->chain + 1));
      else
        g_hash_table_insert (entry_of, GUINT_TO_POINTER (x->chain + 1), GUINT_TO_POINTER (y->chain + 1));
    }

  if (crossings->len % 2 != 0 || g_hash_table_size (entry_of) != chains->len)
    {
      g_ptr_array_unref (out);
      out = clip_sutherland_hodgman (ring, n_points, v);
      goto done;
    }

  for (guint first = 0; first < chains->len; first++)
    {
      GArray *r;
      guint k = first;

      if (g_array_index (chains, Chain, first).used)
        continue;

      r = new_ring (64);
      while (!g_array_index (chains, Chain, k).used)
        {
          Chain *ch = &g_array_index (chains, Chain, k);

          ch->used = TRUE;
          for (guint p = 0; p < ch->points->len; p++)
            append_point (r, g_array_index (ch->points, JbGeoPoint, p));
          k = GPOINTER_TO_UINT (g_hash_table_lookup (entry_of, GUINT_TO_POINTER (k + 1))) - 1;
        }

      r = finish_ring (r);
      if (r != NULL)
        g_ptr_array_add (out, r);
    }

done:
  for (guint k = 0; k < chains->len; k++)
    g_array_unref (g_array_index (chains, Chain, k).points);
  return out;
}

/* ------------------------------------------------------------------ shape */

struct _JbGeoShape
{
  gatomicrefcount ref_count;
  GPtrArray      *polygons;   /* GPtrArray (of GArray of JbGeoPoint) */
  double          min_lat, min_lon, max_lat, max_lon;
};

G_DEFINE_BOXED_TYPE (JbGeoShape, jb_geo_shape, jb_geo_shape_ref, jb_geo_shape_unref)

static JbGeoShape *
shape_new (void)
{
  JbGeoShape *shape = g_new0 (JbGeoShape, 1);

  g_atomic_ref_count_init (&shape->ref_count);
  shape->polygons = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  return shape;
}

static void
shape_update_bbox (JbGeoShape *shape)
{
  shape->min_lat = shape->min_lon = G_MAXDOUBLE;
  shape->max_lat = shape->max_lon = -G_MAXDOUBLE;

  for (guint p = 0; p < shape->polygons->len; p++)
    {
      GPtrArray *rings = g_ptr_array_index (shape->polygons, p);
      GArray *outline = g_ptr_array_index (rings, 0);

      for (guint i = 0; i < outline->len; i++)
        {
          const JbGeoPoint *pt = &g_array_index (outline, JbGeoPoint, i);

          shape->min_lat = MIN (shape->min_lat, pt->lat);
          shape->max_lat = MAX (shape->max_lat, pt->lat);
          shape->min_lon = MIN (shape->min_lon, pt->lon);
          shape->max_lon = MAX (shape->max_lon, pt->lon);
        }
    }
}

static gboolean
read_ring (JsonNode  *node,
           GArray   **out,
           GError   **error)
{
  g_autoptr(GArray) ring = NULL;
  JsonArray *positions;
  guint n;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_INVALID_TYPE,
                           "A ring of \"coordinates\" must be an array of positions.");
      return FALSE;
    }

  positions = json_node_get_array (node);
  n = json_array_get_length (positions);
  ring = new_ring (n);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *pos = json_array_get_element (positions, i);
      JsonArray *pair;
      JbGeoPoint pt;

      if (!JSON_NODE_HOLDS_ARRAY (pos) ||
          json_array_get_length (pair = json_node_get_array (pos)) < 2)
        {
          g_set_error_literal (error, JB_ERROR, JB_ERROR_INVALID_TYPE,
                               "A position of \"coordinates\" must be an array [lon, lat].");
          return FALSE;
        }

      for (guint k = 0; k < 2; k++)
        {
          JsonNode *num = json_array_get_element (pair, k);

          if (!JSON_NODE_HOLDS_VALUE (num) ||
              (json_node_get_value_type (num) != G_TYPE_DOUBLE &&
               json_node_get_value_type (num) != G_TYPE_INT64))
            {
              g_set_error_literal (error, JB_ERROR, JB_ERROR_INVALID_TYPE,
                                   "A coordinate must be a number.");
              return FALSE;
            }
        }

      pt.lon = json_array_get_double_element (pair, 0);
      pt.lat = json_array_get_double_element (pair, 1);
      if (!isfinite (pt.lon) || !isfinite (pt.lat) ||
          pt.lon < -180 || pt.lon > 180 || pt.lat < -90 || pt.lat > 90)
        {
          g_set_error (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE,
                       "The position [%g, %g] is outside the world.", pt.lon, pt.lat);
          return FALSE;
        }
      append_point (ring, pt);
    }

  if (ring->len > 1)
    {
      const JbGeoPoint *first = &g_array_index (ring, JbGeoPoint, 0);
      const JbGeoPoint *last = &g_array_index (ring, JbGeoPoint, ring->len - 1);

      if (first->lon == last->lon && first->lat == last->lat)
        g_array_set_size (ring, ring->len - 1);
    }

  if (ring->len < 3)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                           "A ring needs at least three distinct positions.");
      return FALSE;
    }

  *out = g_steal_pointer (&ring);
  return TRUE;
}

static gboolean
read_polygon (JsonNode   *node,
              GPtrArray **out,
              GError    **error)
{
  g_autoptr(GPtrArray) rings = NULL;
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (array = json_node_get_array (node)) == 0)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_INVALID_TYPE,
                           "A polygon must be a non-empty array of rings.");
      return FALSE;
    }

  rings = new_ring_list ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      GArray *ring;

      if (!read_ring (json_array_get_element (array, i), &ring, error))
        return FALSE;
      g_ptr_array_add (rings, ring);
    }

  *out = g_steal_pointer (&rings);
  return TRUE;
}

JbGeoShape *
jb_geo_shape_new_from_json (JsonNode  *geometry,
                            GError   **error)
{
  g_autoptr(JbGeoShape) shape = NULL;
  JsonObject *object;
  JsonArray *coordinates = NULL;
  const char *type = NULL;
  gboolean multi;

  if (geometry == NULL || !JSON_NODE_HOLDS_OBJECT (geometry))
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_INVALID_TYPE,
                           "A geometry must be a GeoJSON object.");
      return NULL;
    }

  object = json_node_get_object (geometry);
  /* RFC 7946 allows foreign members (the bundled data has
   * "encodeOffsets"): they are ignored, not rejected. */
  if (!jb_json_get_string (object, "type", TRUE, &type, error) ||
      !jb_json_get_array (object, "coordinates", TRUE, &coordinates, error))
    return NULL;

  if (g_str_equal (type, "Polygon"))
    multi = FALSE;
  else if (g_str_equal (type, "MultiPolygon"))
    multi = TRUE;
  else
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                   "The geometry type \"%s\" is not Polygon or MultiPolygon.", type);
      return NULL;
    }

  shape = shape_new ();
  if (!multi)
    {
      GPtrArray *rings;

      if (!read_polygon (json_object_get_member (object, "coordinates"), &rings, error))
        return NULL;
      g_ptr_array_add (shape->polygons, rings);
    }
  else
    {
      for (guint i = 0; i < json_array_get_length (coordinates); i++)
        {
          GPtrArray *rings;

          if (!read_polygon (json_array_get_element (coordinates, i), &rings, error))
            return NULL;
          g_ptr_array_add (shape->polygons, rings);
        }
    }

  shape_update_bbox (shape);
  return g_steal_pointer (&shape);
}

JbGeoShape *
jb_geo_shape_new_from_ring (const JbGeoPoint *ring,
                            gsize             n_points)
{
  JbGeoShape *shape = shape_new ();

  if (n_points >= 3)
    {
      GPtrArray *rings = new_ring_list ();
      GArray *copy = new_ring (n_points);

      g_array_append_vals (copy, ring, n_points);
      g_ptr_array_add (rings, copy);
      g_ptr_array_add (shape->polygons, rings);
    }
  shape_update_bbox (shape);
  return shape;
}

JbGeoShape *
jb_geo_shape_ref (JbGeoShape *shape)
{
  g_return_val_if_fail (shape != NULL, NULL);
  g_atomic_ref_count_inc (&shape->ref_count);
  return shape;
}

void
jb_geo_shape_unref (JbGeoShape *shape)
{
  g_return_if_fail (shape != NULL);
  if (g_atomic_ref_count_dec (&shape->ref_count))
    {
      g_ptr_array_unref (shape->polygons);
      g_free (shape);
    }
}

static JsonArray *
ring_to_json (GArray *ring)
{
  JsonArray *array = json_array_sized_new (ring->len + 1);

  for (guint i = 0; i <= ring->len; i++)
    {
      const JbGeoPoint *pt = &g_array_index (ring, JbGeoPoint, i % ring->len);
      JsonArray *pair = json_array_sized_new (2);

      json_array_add_double_element (pair, pt->lon);
      json_array_add_double_element (pair, pt->lat);
      json_array_add_array_element (array, pair);
    }

  return array;
}

static JsonArray *
polygon_to_json (GPtrArray *rings)
{
  JsonArray *array = json_array_sized_new (rings->len);

  for (guint i = 0; i < rings->len; i++)
    json_array_add_array_element (array, ring_to_json (g_ptr_array_index (rings, i)));
  return array;
}

JsonNode *
jb_geo_shape_to_json (const JbGeoShape *shape)
{
  JsonObject *object = json_object_new ();
  JsonNode *node;

  if (shape->polygons->len == 1)
    {
      json_object_set_string_member (object, "type", "Polygon");
      json_object_set_array_member (object, "coordinates",
                                    polygon_to_json (g_ptr_array_index (shape->polygons, 0)));
    }
  else
    {
      JsonArray *polygons = json_array_sized_new (shape->polygons->len);

      for (guint i = 0; i < shape->polygons->len; i++)
        json_array_add_array_element (polygons, polygon_to_json (g_ptr_array_index (shape->polygons, i)));
      json_object_set_string_member (object, "type", "MultiPolygon");
      json_object_set_array_member (object, "coordinates", polygons);
    }

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  return node;
}

gboolean
jb_geo_shape_is_empty (const JbGeoShape *shape)
{
  return shape->polygons->len == 0;
}

guint
jb_geo_shape_get_n_polygons (const JbGeoShape *shape)
{
  return shape->polygons->len;
}

guint
jb_geo_shape_get_n_rings (const JbGeoShape *shape,
                          guint             polygon)
{
  g_return_val_if_fail (polygon < shape->polygons->len, 0);
  return ((GPtrArray *) g_ptr_array_index (shape->polygons, polygon))->len;
}

const JbGeoPoint *
jb_geo_shape_get_ring (const JbGeoShape *shape,
                       guint             polygon,
                       guint             ring,
                       gsize            *out_n_points)
{
  GPtrArray *rings;
  GArray *r;

  g_return_val_if_fail (polygon < shape->polygons->len, NULL);
  rings = g_ptr_array_index (shape->polygons, polygon);
  g_return_val_if_fail (ring < rings->len, NULL);
  r = g_ptr_array_index (rings, ring);
  if (out_n_points != NULL)
    *out_n_points = r->len;
  return (const JbGeoPoint *) (gconstpointer) r->data;
}

static gboolean
polygon_contains (GPtrArray *rings,
                  double     lat,
                  double     lon)
{
  gboolean inside = FALSE;

  /* Even-odd over outline and holes together. */
  for (guint r = 0; r < rings->len; r++)
    {
      GArray *ring = g_ptr_array_index (rings, r);

      if (jb_geo_ring_contains ((JbGeoPoint *) (gpointer) ring->data, ring->len, lat, lon))
        inside = !inside;
    }

  return inside;
}

gboolean
jb_geo_shape_contains (const JbGeoShape *shape,
                       double            lat,
                       double            lon)
{
  if (shape->polygons->len == 0 ||
      lat < shape->min_lat || lat > shape->max_lat ||
      lon < shape->min_lon || lon > shape->max_lon)
    return FALSE;

  for (guint p = 0; p < shape->polygons->len; p++)
    if (polygon_contains (g_ptr_array_index (shape->polygons, p), lat, lon))
      return TRUE;

  return FALSE;
}

gboolean
jb_geo_shape_get_bbox (const JbGeoShape *shape,
                       double           *out_min_lat,
                       double           *out_min_lon,
                       double           *out_max_lat,
                       double           *out_max_lon)
{
  if (shape->polygons->len == 0)
    return FALSE;
  if (out_min_lat != NULL)
    *out_min_lat = shape->min_lat;
  if (out_min_lon != NULL)
    *out_min_lon = shape->min_lon;
  if (out_max_lat != NULL)
    *out_max_lat = shape->max_lat;
  if (out_max_lon != NULL)
    *out_max_lon = shape->max_lon;
  return TRUE;
}

double
jb_geo_shape_area_m2 (const JbGeoShape *shape)
{
  double area = 0;

  for (guint p = 0; p < shape->polygons->len; p++)
    {
      GPtrArray *rings = g_ptr_array_index (shape->polygons, p);

      for (guint r = 0; r < rings->len; r++)
        {
          GArray *ring = g_ptr_array_index (rings, r);
          double a = jb_geo_ring_area_m2 ((JbGeoPoint *) (gpointer) ring->data, ring->len);

          area += r == 0 ? a : -a;
        }
    }

  return area;
}

JbGeoShape *
jb_geo_shape_clip_half_plane (const JbGeoShape *shape,
                              double            a,
                              double            b,
                              double            c)
{
  JbGeoShape *result = shape_new ();

  for (guint p = 0; p < shape->polygons->len; p++)
    {
      GPtrArray *rings = g_ptr_array_index (shape->polygons, p);
      GArray *outline = g_ptr_array_index (rings, 0);
      g_autoptr(GPtrArray) pieces = NULL;
      guint first_new = result->polygons->len;

      pieces = jb_geo_ring_clip_half_plane ((JbGeoPoint *) (gpointer) outline->data,
                                            outline->len, a, b, c);
      for (guint i = 0; i < pieces->len; i++)
        {
          GPtrArray *poly = new_ring_list ();

          g_ptr_array_add (poly, g_array_ref (g_ptr_array_index (pieces, i)));
          g_ptr_array_add (result->polygons, poly);
        }

      /* Holes: clipped on their own and kept by the piece holding them. A
       * hole the line crosses becomes a notch in the outline's piece that
       * even-odd filling still gets right. */
      for (guint r = 1; r < rings->len; r++)
        {
          GArray *hole = g_ptr_array_index (rings, r);
          g_autoptr(GPtrArray) hole_pieces = NULL;

          hole_pieces = jb_geo_ring_clip_half_plane ((JbGeoPoint *) (gpointer) hole->data,
                                                     hole->len, a, b, c);
          for (guint h = 0; h < hole_pieces->len; h++)
            {
              GArray *hp = g_ptr_array_index (hole_pieces, h);
              const JbGeoPoint *pt0 = &g_array_index (hp, JbGeoPoint, 0);

              for (guint k = first_new; k < result->polygons->len; k++)
                {
                  GPtrArray *poly = g_ptr_array_index (result->polygons, k);
                  GArray *o = g_ptr_array_index (poly, 0);

                  if (jb_geo_ring_contains ((JbGeoPoint *) (gpointer) o->data, o->len, pt0->lat, pt0->lon))
                    {
                      g_ptr_array_add (poly, g_array_ref (hp));
                      break;
                    }
                }
            }
        }
    }

  shape_update_bbox (result);
  return result;
}

JbGeoShape *
jb_geo_shape_voronoi_cell (const JbGeoShape *shape,
                           const JbGeoPoint *sites,
                           guint             n_sites,
                           guint             index)
{
  g_autoptr(JbGeoShape) cell = NULL;
  double lat0, kx, ky, xi, yi;

  g_return_val_if_fail (index < n_sites, NULL);

  /* A local plane in metres, so "nearer" means metres; the same scale for
   * every cell, so neighbouring cells share their cut lines exactly. */
  lat0 = 0;
  for (guint j = 0; j < n_sites; j++)
    lat0 += sites[j].lat / n_sites;
  ky = EARTH_RADIUS_M * DEG;
  kx = ky * cos (lat0 * DEG);
  xi = 0, yi = 0;

  cell = jb_geo_shape_ref ((JbGeoShape *) shape);
  for (guint j = 0; j < n_sites && !jb_geo_shape_is_empty (cell); j++)
    {
      double xj = (sites[j].lon - sites[index].lon) * kx;
      double yj = (sites[j].lat - sites[index].lat) * ky;
      double a, b, c;
      JbGeoShape *next;

      if (j == index || (xj == 0 && yj == 0))
        continue;

      /* |P - Si|² <= |P - Sj|²  ⇔  2 P·(Sj - Si) <= |Sj|² - |Si|², with
       * P = ((lon - lon_i) kx, (lat - lat_i) ky). */
      a = 2 * kx * (xj - xi);
      b = 2 * ky * (yj - yi);
      c = xj * xj + yj * yj + a * sites[index].lon + b * sites[index].lat;
      next = jb_geo_shape_clip_half_plane (cell, a, b, c);
      jb_geo_shape_unref (cell);
      cell = next;
    }

  return g_steal_pointer (&cell);
}

void
jb_geo_shape_random_point (const JbGeoShape *shape,
                           GRand            *rand,
                           double           *out_lat,
                           double           *out_lon)
{
  g_return_if_fail (!jb_geo_shape_is_empty (shape));

  for (;;)
    {
      double lat = g_rand_double_range (rand, shape->min_lat, shape->max_lat);
      double lon = g_rand_double_range (rand, shape->min_lon, shape->max_lon);

      if (jb_geo_shape_contains (shape, lat, lon))
        {
          *out_lat = lat;
          *out_lon = lon;
          return;
        }
    }
}
