/* jb-geo-index.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-geo-index"

#include "jb-geo-index.h"

#include <math.h>

/* About this many edges per band on average, whatever the shape's size. */
#define EDGES_PER_BAND  4
#define MAX_BANDS       4096
#define GRID            256
/* cell_solid: the cell holds no edge of the shapes that matter there. */
#define CELL_MIXED      (-2)

typedef struct
{
  /* As jb_geo_ring_contains() pairs them: p = ring[i], q = ring[i - 1]. */
  double p_lat, p_lon, q_lat, q_lon;
  guint  polygon;
} Edge;

typedef struct
{
  JbGeoShape *shape;
  double      min_lat, min_lon, max_lat, max_lon;
  gboolean    empty;
  gboolean    naive;        /* more polygons than a parity mask holds */
  Edge       *edges;
  guint       n_bands;
  double      band_height;
  guint      *band_start;   /* n_bands + 1 offsets into band_edges */
  guint      *band_edges;
} Entry;

struct _JbGeoIndex
{
  Entry  *entries;
  guint   n_entries;
  double  min_lat, min_lon, max_lat, max_lon;
  double  cell_lat, cell_lon;
  guint  *cell_start;       /* GRID * GRID + 1 offsets into cell_shapes */
  guint  *cell_shapes;
  /* Per cell: the answer for any point of it (a shape, or -1 for none)
   * when no edge crosses it, else CELL_MIXED: most cells need no edge test. */
  int    *cell_solid;
};

static inline guint
band_of (const Entry *entry,
         double       lat)
{
  double b = floor ((lat - entry->min_lat) / entry->band_height);

  return (guint) CLAMP (b, 0, (double) (entry->n_bands - 1));
}

static void
entry_build (Entry      *entry,
             JbGeoShape *shape)
{
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  guint n_polygons = jb_geo_shape_get_n_polygons (shape);
  guint *counts;

  entry->shape = jb_geo_shape_ref (shape);
  entry->empty = !jb_geo_shape_get_bbox (shape, &entry->min_lat, &entry->min_lon,
                                         &entry->max_lat, &entry->max_lon);
  if (entry->empty)
    return;
  if (n_polygons > 64)
    {
      entry->naive = TRUE;
      return;
    }

  for (guint p = 0; p < n_polygons; p++)
    for (guint r = 0; r < jb_geo_shape_get_n_rings (shape, p); r++)
      {
        gsize n;
        const JbGeoPoint *ring = jb_geo_shape_get_ring (shape, p, r, &n);

        /* A ring of fewer than 3 points contains nothing. */
        if (n < 3)
          continue;
        for (gsize i = 0, j = n - 1; i < n; j = i++)
          {
            Edge edge = { ring[i].lat, ring[i].lon, ring[j].lat, ring[j].lon, p };

            /* Horizontal edges never change the parity. */
            if (edge.p_lat != edge.q_lat)
              g_array_append_val (edges, edge);
          }
      }

  entry->n_bands = CLAMP (edges->len / EDGES_PER_BAND, 1, MAX_BANDS);
  entry->band_height = (entry->max_lat - entry->min_lat) / entry->n_bands;
  if (!(entry->band_height > 0))
    {
      entry->n_bands = 1;
      entry->band_height = 1;
    }
  counts = g_new0 (guint, entry->n_bands + 1);
  for (guint e = 0; e < edges->len; e++)
    {
      const Edge *edge = &g_array_index (edges, Edge, e);
      guint first = band_of (entry, MIN (edge->p_lat, edge->q_lat));
      guint last = band_of (entry, MAX (edge->p_lat, edge->q_lat));

      for (guint b = first; b <= last; b++)
        counts[b + 1]++;
    }
  for (guint b = 0; b < entry->n_bands; b++)
    counts[b + 1] += counts[b];
  entry->band_start = g_memdup2 (counts, sizeof (guint) * (entry->n_bands + 1));
  entry->band_edges = g_new (guint, counts[entry->n_bands] + 1);
  for (guint e = 0; e < edges->len; e++)
    {
      const Edge *edge = &g_array_index (edges, Edge, e);
      guint first = band_of (entry, MIN (edge->p_lat, edge->q_lat));
      guint last = band_of (entry, MAX (edge->p_lat, edge->q_lat));

      for (guint b = first; b <= last; b++)
        entry->band_edges[counts[b]++] = e;
    }
  g_free (counts);
  entry->edges = (Edge *) (gpointer) g_array_free (g_steal_pointer (&edges), FALSE);
}

static gboolean
entry_contains (const Entry *entry,
                double       lat,
                double       lon)
{
  guint64 parity = 0;
  guint band;

  if (entry->empty ||
      lat < entry->min_lat || lat > entry->max_lat || lon < entry->min_lon || lon > entry->max_lon)
    return FALSE;
  if (entry->naive)
    return jb_geo_shape_contains (entry->shape, lat, lon);

  band = band_of (entry, lat);
  for (guint k = entry->band_start[band]; k < entry->band_start[band + 1]; k++)
    {
      const Edge *e = &entry->edges[entry->band_edges[k]];

      /* jb_geo_ring_contains()'s test, term for term. */
      if ((e->p_lat > lat) != (e->q_lat > lat) &&
          lon < (e->q_lon - e->p_lon) * (lat - e->p_lat) / (e->q_lat - e->p_lat) + e->p_lon)
        parity ^= (guint64) 1 << e->polygon;
    }
  return parity != 0;
}

static inline guint
cell_coord (double value,
            double min,
            double size)
{
  double c = floor ((value - min) / size);

  return (guint) CLAMP (c, 0, GRID - 1);
}

static void
mark_around (guint8 *touched,
             guint   row,
             guint   col)
{
  for (guint r = row > 0 ? row - 1 : 0; r <= MIN (row + 1, GRID - 1); r++)
    for (guint c = col > 0 ? col - 1 : 0; c <= MIN (col + 1, GRID - 1); c++)
      touched[r * GRID + c] = 1;
}

/* Marks every cell an edge passes through, and their neighbours: points
 * along the edge at most half a cell apart, each with the 3 × 3 cells
 * around it, cover whatever the edge crosses (a superset is fine: those
 * cells just get the full test). All edges, horizontal ones too: a point
 * on one needs the full test. A long diagonal edge marks a thin band, not
 * its whole bounding box. */
static guint8 *
touched_cells (const JbGeoIndex *self,
               const Entry      *entry)
{
  guint8 *touched = g_new0 (guint8, GRID * GRID);

  for (guint p = 0; p < jb_geo_shape_get_n_polygons (entry->shape); p++)
    for (guint r = 0; r < jb_geo_shape_get_n_rings (entry->shape, p); r++)
      {
        gsize n;
        const JbGeoPoint *ring = jb_geo_shape_get_ring (entry->shape, p, r, &n);

        for (gsize i = 0, j = n - 1; n > 0 && i < n; j = i++)
          {
            double steps_lat = fabs (ring[i].lat - ring[j].lat) / (self->cell_lat / 2);
            double steps_lon = fabs (ring[i].lon - ring[j].lon) / (self->cell_lon / 2);
            guint steps = (guint) MIN (ceil (MAX (steps_lat, steps_lon)), 4.0 * GRID);

            for (guint k = 0; k <= steps; k++)
              {
                double t = steps > 0 ? (double) k / steps : 0;
                double lat = ring[j].lat + t * (ring[i].lat - ring[j].lat);
                double lon = ring[j].lon + t * (ring[i].lon - ring[j].lon);

                mark_around (touched, cell_coord (lat, self->min_lat, self->cell_lat),
                             cell_coord (lon, self->min_lon, self->cell_lon));
              }
          }
      }
  return touched;
}

static void
compute_solid_cells (JbGeoIndex *self)
{
  g_autoptr(GPtrArray) touched = g_ptr_array_new_with_free_func (g_free);

  self->cell_solid = g_new (int, GRID * GRID);
  for (guint s = 0; s < self->n_entries; s++)
    {
      const Entry *entry = &self->entries[s];

      g_ptr_array_add (touched, entry->empty || entry->naive ? NULL : touched_cells (self, entry));
    }
  {
    g_autoptr(GArray) kept = g_array_new (FALSE, FALSE, sizeof (guint));
    guint *start = g_new (guint, GRID * GRID + 1);

    for (guint cell = 0; cell < GRID * GRID; cell++)
      {
        double lat = self->min_lat + ((cell / GRID) + 0.5) * self->cell_lat;
        double lon = self->min_lon + ((cell % GRID) + 0.5) * self->cell_lon;
        int solid = -1;

        start[cell] = kept->len;
        for (guint k = self->cell_start[cell]; k < self->cell_start[cell + 1]; k++)
          {
            guint s = self->cell_shapes[k];
            const guint8 *t = g_ptr_array_index (touched, s);

            /* A shape with no edge here holds all of the cell or none of
             * it: the centre tells which. Only shapes with an edge here, or
             * holding it all, stay candidates. */
            if (t == NULL || t[cell])
              {
                g_array_append_val (kept, s);
                if (solid == -1)
                  solid = CELL_MIXED;
              }
            else if (entry_contains (&self->entries[s], lat, lon))
              {
                g_array_append_val (kept, s);
                if (solid == -1)
                  solid = (int) s;
                /* Nothing after a shape holding the whole cell can win. */
                break;
              }
          }
        self->cell_solid[cell] = solid;
      }
    start[GRID * GRID] = kept->len;
    g_free (self->cell_start);
    g_free (self->cell_shapes);
    self->cell_start = start;
    self->cell_shapes = (guint *) (gpointer) g_array_free (g_steal_pointer (&kept), FALSE);
  }
}

JbGeoIndex *
jb_geo_index_new (JbGeoShape * const *shapes,
                  guint               n_shapes)
{
  JbGeoIndex *self = g_new0 (JbGeoIndex, 1);
  guint *counts;
  gboolean any = FALSE;

  self->entries = g_new0 (Entry, n_shapes);
  self->n_entries = n_shapes;
  for (guint s = 0; s < n_shapes; s++)
    {
      Entry *entry = &self->entries[s];

      entry_build (entry, shapes[s]);
      if (entry->empty)
        continue;
      if (!any)
        {
          self->min_lat = entry->min_lat;
          self->min_lon = entry->min_lon;
          self->max_lat = entry->max_lat;
          self->max_lon = entry->max_lon;
          any = TRUE;
        }
      self->min_lat = MIN (self->min_lat, entry->min_lat);
      self->min_lon = MIN (self->min_lon, entry->min_lon);
      self->max_lat = MAX (self->max_lat, entry->max_lat);
      self->max_lon = MAX (self->max_lon, entry->max_lon);
    }
  self->cell_lat = any && self->max_lat > self->min_lat ? (self->max_lat - self->min_lat) / GRID : 1;
  self->cell_lon = any && self->max_lon > self->min_lon ? (self->max_lon - self->min_lon) / GRID : 1;

  /* Each cell lists the shapes whose box touches it, in their order. */
  counts = g_new0 (guint, GRID * GRID + 1);
  for (guint pass = 0; pass < 2; pass++)
    {
      if (pass == 1)
        {
          for (guint c = 0; c < GRID * GRID; c++)
            counts[c + 1] += counts[c];
          self->cell_start = g_memdup2 (counts, sizeof (guint) * (GRID * GRID + 1));
          self->cell_shapes = g_new (guint, counts[GRID * GRID] + 1);
        }
      for (guint s = 0; s < n_shapes; s++)
        {
          const Entry *entry = &self->entries[s];
          guint r0, r1, c0, c1;

          if (entry->empty)
            continue;
          r0 = cell_coord (entry->min_lat, self->min_lat, self->cell_lat);
          r1 = cell_coord (entry->max_lat, self->min_lat, self->cell_lat);
          c0 = cell_coord (entry->min_lon, self->min_lon, self->cell_lon);
          c1 = cell_coord (entry->max_lon, self->min_lon, self->cell_lon);
          for (guint r = r0; r <= r1; r++)
            for (guint c = c0; c <= c1; c++)
              {
                if (pass == 0)
                  counts[r * GRID + c + 1]++;
                else
                  self->cell_shapes[counts[r * GRID + c]++] = s;
              }
        }
    }
  g_free (counts);
  compute_solid_cells (self);
  return self;
}

void
jb_geo_index_free (JbGeoIndex *self)
{
  if (self == NULL)
    return;
  for (guint s = 0; s < self->n_entries; s++)
    {
      g_free (self->entries[s].edges);
      g_free (self->entries[s].band_start);
      g_free (self->entries[s].band_edges);
      g_clear_pointer (&self->entries[s].shape, jb_geo_shape_unref);
    }
  g_free (self->entries);
  g_free (self->cell_start);
  g_free (self->cell_shapes);
  g_free (self->cell_solid);
  g_free (self);
}

guint
jb_geo_index_get_n_shapes (const JbGeoIndex *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_entries;
}

int
jb_geo_index_lookup (const JbGeoIndex *self,
                     double            lat,
                     double            lon)
{
  guint cell;

  g_return_val_if_fail (self != NULL, -1);

  if (self->cell_start == NULL ||
      lat < self->min_lat || lat > self->max_lat || lon < self->min_lon || lon > self->max_lon)
    return -1;
  cell = cell_coord (lat, self->min_lat, self->cell_lat) * GRID + cell_coord (lon, self->min_lon, self->cell_lon);
  if (self->cell_solid[cell] != CELL_MIXED)
    return self->cell_solid[cell];
  for (guint k = self->cell_start[cell]; k < self->cell_start[cell + 1]; k++)
    if (entry_contains (&self->entries[self->cell_shapes[k]], lat, lon))
      return (int) self->cell_shapes[k];
  return -1;
}
