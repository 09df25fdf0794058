/* jb-recommender.c — which available units to send to an incident
 *
 * One pass over the store's packed unit points (kind, status, position
 * and fix time without touching a GObject), then a sort of the candidates
 * (or, for a short list, a bounded insertion). docs/dispatch.md explains
 * the numbers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-recommender"

#include "jb-recommender.h"

#include "jb-grid-set.h"

#include <math.h>
#include <string.h>

#include "jb-geo.h"
#include "jb-json.h"
#include "jb-model-list.h"

/* Road travel against the straight line, in a city of blocks. */
#define DETOUR_FACTOR           1.3
#define SPEED_FOOT_MPS          1.6  /* guards and officers on foot */
#define SPEED_VOLUNTEER_MPS     1.4
#define SPEED_CAR_MPS           8.0  /* urban, lights and traffic */
#define CAR_START_UP_S          30.0 /* to the car, engine, out of the yard */
/* A guard of the venue's own company this close to the scene is posted
 * there: the fix is approximate, the guard is a corridor away. */
#define ON_SITE_RADIUS_M        150.0
#define ON_SITE_ETA_S           15.0
/* A unit of another station ranks as if this much slower: within it, the
 * incident's own station goes first. */
#define JURISDICTION_PENALTY_S  60.0
/* The grid's own people (网格民警, 辅警, 义警) know its streets: within
 * this distance of a scene in their grid they rank as if this much
 * faster. */
#define GRID_CLOSE_M            1500.0
#define GRID_BONUS_S            45.0
#define DEFAULT_FRESHNESS_S     120
#define EARTH_RADIUS_M          6371008.8  /* as jb-geo.c */

/* Added to the key of a stale unit: after every fresh one. */
#define STALE_OFFSET_S          1e12

typedef struct
{
  double   order;        /* eta_s, plus the jurisdiction handicap, plus STALE_OFFSET_S when stale */
  double   distance_m;
  double   eta_s;
  JbUnit  *unit;         /* borrowed from the store while ranking */
  guint8   in_jurisdiction;
  guint8   stale;
  guint8   on_site;
  guint8   grid_member;
} Candidate;

typedef struct
{
  double       lat;
  double       lon;
  const char  *station_id;     /* the incident's, may be NULL */
  guint        reporter;       /* index of the unit whose terminal raised it, G_MAXUINT: none */
  const char  *venue_org_id;   /* the org of that terminal when it is a venue's */
  const JbGrid *grid;          /* the grid the scene is in, may be NULL */
} Scene;

void
jb_recommend_options_init (JbRecommendOptions *options,
                           JsonObject         *user)
{
  const char *role = NULL, *station_id = NULL;
  JbRole role_value = JB_ROLE_VIEWER;

  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  if (user == NULL)
    return;

  (void) jb_json_get_string (user, "role", FALSE, &role, NULL);
  (void) jb_json_get_string (user, "station_id", FALSE, &station_id, NULL);
  if (role != NULL && jb_role_from_string (role, &role_value) &&
      role_value == JB_ROLE_DUTY_OFFICER && station_id != NULL)
    options->scope_station_id = station_id;
}

void
jb_recommend_options_init_for_user (JbRecommendOptions *options,
                                    JbRole              role,
                                    const char * const *station_ids)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  if (role == JB_ROLE_DUTY_OFFICER && station_ids != NULL && station_ids[0] != NULL)
    {
      options->scope_station_ids = station_ids;
      options->scope_station_id = station_ids[0];
    }
}

double
jb_recommender_estimate_eta_s (JbUnitKind kind,
                               double     distance_m)
{
  double road_m = MAX (distance_m, 0.0) * DETOUR_FACTOR;

  switch (kind)
    {
    case JB_UNIT_KIND_PATROL_CAR:
      return CAR_START_UP_S + road_m / SPEED_CAR_MPS;
    case JB_UNIT_KIND_VOLUNTEER:
      return road_m / SPEED_VOLUNTEER_MPS;
    case JB_UNIT_KIND_OFFICER:
    case JB_UNIT_KIND_GUARD:
    case JB_UNIT_KIND_N:
    default:
      return road_m / SPEED_FOOT_MPS;
    }
}

static gint64
freshness_ms (JbStore *store)
{
  JsonObject *config = jb_store_get_config (store);
  JsonObject *freshness = NULL;
  gint64 unit_s = DEFAULT_FRESHNESS_S, value = 0;

  if (config != NULL &&
      jb_json_get_object (config, "freshness", FALSE, &freshness, NULL) && freshness != NULL &&
      jb_json_get_int (freshness, "unit_s", FALSE, &value, NULL) && value > 0)
    unit_s = value;
  return unit_s * 1000;
}

/* Total order: fresh before stale and the ranking key (both in .order),
 * then distance, then callsign, then id (unique), so equal inputs always
 * give the same list. */
static int
compare_candidates (const Candidate *a,
                    const Candidate *b)
{
  int cmp;

  if (a->order != b->order)
    return a->order < b->order ? -1 : 1;
  if (a->distance_m != b->distance_m)
    return a->distance_m < b->distance_m ? -1 : 1;
  if ((cmp = g_strcmp0 (jb_unit_get_callsign (a->unit), jb_unit_get_callsign (b->unit))) != 0)
    return cmp;
  return g_strcmp0 (jb_unit_get_id (a->unit), jb_unit_get_id (b->unit));
}

static int
compare_candidates_cb (gconstpointer a,
                       gconstpointer b)
{
  return compare_candidates (a, b);
}

static void
clear_recommendation (gpointer data)
{
  JbRecommendation *r = data;

  g_clear_object (&r->unit);
}

static GArray *
new_result_array (guint reserve)
{
  GArray *array = g_array_sized_new (FALSE, TRUE, sizeof (JbRecommendation), reserve);

  g_array_set_clear_func (array, clear_recommendation);
  return array;
}

static void
fill_recommendation (JbRecommendation *r,
                     const Candidate  *c)
{
  r->unit = g_object_ref (c->unit);
  r->distance_m = c->distance_m;
  r->eta_s = c->eta_s;
  r->in_jurisdiction = c->in_jurisdiction;
  r->stale = c->stale;
  r->on_site = c->on_site;
  r->grid_member = c->grid_member;
}

/* The station whose jurisdiction holds the point, as the server would
 * compute it (first match); NULL outside every one. */
static const char *
station_at (JbStore *store,
            double   lat,
            double   lon)
{
  JbModelList *stations = JB_MODEL_LIST (jb_store_get_stations (store));
  guint n = jb_model_list_get_n_items (stations);

  for (guint i = 0; i < n; i++)
    {
      JbStation *station = jb_model_list_peek (stations, i);

      if (jb_station_contains (station, lat, lon))
        return jb_station_get_id (station);
    }
  return NULL;
}

/* Inserts @c into the sorted @top (at most @limit long), dropping the
 * last when full. */
static void
insert_bounded (GArray          *top,
                guint            limit,
                const Candidate *c)
{
  guint pos = top->len;

  if (top->len == limit &&
      compare_candidates (c, &g_array_index (top, Candidate, top->len - 1)) >= 0)
    return;

  while (pos > 0 && compare_candidates (c, &g_array_index (top, Candidate, pos - 1)) < 0)
    pos--;
  if (top->len == limit)
    g_array_set_size (top, top->len - 1);
  g_array_insert_val (top, pos, *c);
}

/* A quick lower bound of the great-circle distance (equirectangular at
 * the scene's latitude, less 2 %), good within 50 km: beyond that it says
 * nothing (0). */
static double
distance_lower_bound_m (double lat,
                        double lon,
                        double scene_lat,
                        double scene_lon,
                        double cos_scene_lat)
{
  double dy = (lat - scene_lat) * (G_PI / 180.0 * EARTH_RADIUS_M);
  double dx = (lon - scene_lon) * (G_PI / 180.0 * EARTH_RADIUS_M) * cos_scene_lat;
  double d = sqrt (dx * dx + dy * dy);

  return d < 50000.0 ? 0.98 * d : 0.0;
}

/* Whether a unit @distance_m away could still enter a full short list
 * whose last entry is @worst: its key can only grow from the bare ETA
 * (less the on-site shortcut) by the jurisdiction handicap. */
static gboolean
may_enter (const Candidate *worst,
           gboolean         stale,
           guint            kind,
           double           distance_m,
           gboolean         reporter,
           gboolean         venue,
           gboolean         grid)
{
  double eta;

  if (reporter)
    return TRUE;
  eta = jb_recommender_estimate_eta_s ((JbUnitKind) kind, distance_m);
  if (venue && kind == JB_UNIT_KIND_GUARD && distance_m <= ON_SITE_RADIUS_M)
    eta = MIN (eta, ON_SITE_ETA_S);
  if (grid && distance_m <= GRID_CLOSE_M)
    eta = MAX (eta - GRID_BONUS_S, 0.0);
  /* Equal keys still order by distance and callsign: let them through. */
  return eta + (stale ? STALE_OFFSET_S : 0.0) <= worst->order;
}

static gboolean
is_grid_member (const JbGrid *grid,
                const char   *unit_id)
{
  if (g_strcmp0 (grid->officer, unit_id) == 0 || g_strcmp0 (grid->auxiliary, unit_id) == 0)
    return TRUE;
  for (guint i = 0; grid->volunteers[i] != NULL; i++)
    if (g_str_equal (grid->volunteers[i], unit_id))
      return TRUE;
  return FALSE;
}

static GArray *
rank (JbStore                  *store,
      const Scene              *scene,
      const JbRecommendOptions *options)
{
  JbModelList *units = JB_MODEL_LIST (jb_store_get_units (store));
  const JbUnitPoint *points;
  guint n_points;
  guint kinds = options->kinds != 0 ? (guint) options->kinds : ~0u;
  gint64 now_ms = options->now_ms != 0 ? options->now_ms : g_get_real_time () / 1000;
  gint64 stale_before = now_ms - freshness_ms (store);
  double cos_scene_lat = cos (scene->lat * G_PI / 180.0);
  /* A short list is kept sorted as we go, and most units are turned
   * away by a cheap bound before their GObject is touched; a long list is
   * sorted once. */
  gboolean bounded = options->limit > 0 && options->limit <= 64;
  /* Units keep their station id interned: compare pointers. */
  const char *scene_station = g_intern_string (scene->station_id);
  const char *scope_station = g_intern_string (options->scope_station_id);
  /* A set of stations, interned too (a duty room commands a handful). */
  g_autoptr(GPtrArray) scope_set = NULL;
  g_autoptr(GArray) candidates = NULL;
  GArray *result;

  if (options->scope_station_ids != NULL)
    {
      scope_set = g_ptr_array_new ();
      for (guint i = 0; options->scope_station_ids[i] != NULL; i++)
        g_ptr_array_add (scope_set, (gpointer) g_intern_string (options->scope_station_ids[i]));
      scope_station = NULL;
    }

  points = jb_store_get_unit_points (store, &n_points);
  candidates = g_array_sized_new (FALSE, FALSE, sizeof (Candidate),
                                  bounded ? options->limit : MIN (n_points, 4096));

  for (guint i = 0; i < n_points; i++)
    {
      const JbUnitPoint *p = &points[i];
      Candidate c;
      const char *unit_station;

      if (p->status != JB_UNIT_STATUS_AVAILABLE ||
          (p->flags & JB_UNIT_POINT_HAS_POSITION) == 0 ||
          (p->flags & JB_UNIT_POINT_ASSIGNED) != 0 ||
          p->kind >= JB_UNIT_KIND_N ||
          (kinds & (1u << p->kind)) == 0)
        continue;

      c.stale = p->time < stale_before;
      if (c.stale && options->exclude_stale)
        continue;

      if (bounded && candidates->len == options->limit)
        {
          const Candidate *worst = &g_array_index (candidates, Candidate, candidates->len - 1);
          double bound = distance_lower_bound_m (p->lat, p->lon, scene->lat, scene->lon, cos_scene_lat);

          if (!may_enter (worst, c.stale, p->kind, bound, i == scene->reporter, scene->venue_org_id != NULL,
                          scene->grid != NULL))
            continue;
        }

      c.unit = jb_model_list_peek (units, i);
      unit_station = jb_unit_get_station_id (c.unit);
      if (scope_station != NULL && unit_station != scope_station)
        continue;
      if (scope_set != NULL && !g_ptr_array_find (scope_set, unit_station, NULL))
        continue;

      c.distance_m = jb_geo_distance_m (p->lat, p->lon, scene->lat, scene->lon);
      c.eta_s = jb_recommender_estimate_eta_s ((JbUnitKind) p->kind, c.distance_m);
      c.in_jurisdiction = scene_station != NULL && unit_station == scene_station;
      c.on_site = FALSE;

      if (i == scene->reporter)
        {
          /* The unit whose own device raised the alarm is there. */
          c.on_site = TRUE;
          c.eta_s = 0.0;
        }
      else if (scene->venue_org_id != NULL && p->kind == JB_UNIT_KIND_GUARD &&
               c.distance_m <= ON_SITE_RADIUS_M &&
               g_strcmp0 (jb_unit_get_org_id (c.unit), scene->venue_org_id) == 0)
        {
          c.on_site = TRUE;
          c.eta_s = MIN (c.eta_s, ON_SITE_ETA_S);
        }

      c.grid_member = scene->grid != NULL && c.distance_m <= GRID_CLOSE_M &&
                      is_grid_member (scene->grid, jb_unit_get_id (c.unit));

      c.order = c.eta_s;
      if (c.grid_member)
        c.order = MAX (c.order - GRID_BONUS_S, 0.0);
      if (!c.in_jurisdiction && !c.on_site)
        c.order += JURISDICTION_PENALTY_S;
      if (c.stale)
        c.order += STALE_OFFSET_S;

      if (bounded)
        insert_bounded (candidates, options->limit, &c);
      else
        g_array_append_val (candidates, c);
    }

  if (!bounded)
    {
      g_array_sort (candidates, compare_candidates_cb);
      if (options->limit > 0 && candidates->len > options->limit)
        g_array_set_size (candidates, options->limit);
    }

  result = new_result_array (candidates->len);
  g_array_set_size (result, candidates->len);
  for (guint i = 0; i < candidates->len; i++)
    fill_recommendation (&g_array_index (result, JbRecommendation, i),
                         &g_array_index (candidates, Candidate, i));
  return result;
}

static const JbRecommendOptions *
default_options (const JbRecommendOptions *options,
                 JbRecommendOptions       *storage)
{
  if (options != NULL)
    return options;
  memset (storage, 0, sizeof *storage);
  return storage;
}

GArray *
jb_recommender_rank_at (JbStore                  *store,
                        double                    lat,
                        double                    lon,
                        const char               *station_id,
                        const JbRecommendOptions *options)
{
  JbRecommendOptions defaults;
  Scene scene = { lat, lon, station_id, G_MAXUINT, NULL, NULL };

  g_return_val_if_fail (JB_IS_STORE (store), NULL);

  if (!isfinite (lat) || !isfinite (lon))
    return new_result_array (0);
  if (scene.station_id == NULL)
    scene.station_id = station_at (store, lat, lon);
  scene.grid = jb_grid_set_lookup (jb_store_get_grids (store), lat, lon);
  return rank (store, &scene, default_options (options, &defaults));
}

static gboolean
scene_of_incident (JbStore    *store,
                   JbIncident *incident,
                   Scene      *scene)
{
  const char *terminal_id = jb_incident_get_terminal_id (incident);
  JbTerminal *terminal = NULL;

  memset (scene, 0, sizeof *scene);
  scene->reporter = G_MAXUINT;
  if (!jb_incident_get_location (incident, &scene->lat, &scene->lon) ||
      !isfinite (scene->lat) || !isfinite (scene->lon))
    return FALSE;

  scene->station_id = jb_incident_get_station_id (incident);
  if (scene->station_id == NULL)
    scene->station_id = station_at (store, scene->lat, scene->lon);
  scene->grid = jb_grid_set_lookup (jb_store_get_grids (store), scene->lat, scene->lon);

  if (terminal_id != NULL)
    terminal = jb_store_lookup_terminal (store, terminal_id);
  if (terminal != NULL && jb_terminal_has_venue (terminal))
    scene->venue_org_id = jb_terminal_get_org_id (terminal);
  /* A mobile terminal (a guard's body camera) names its wearer. */
  if (terminal != NULL && jb_terminal_get_unit_id (terminal) != NULL)
    scene->reporter = jb_store_get_unit_index (store, jb_terminal_get_unit_id (terminal));
  return TRUE;
}

GArray *
jb_recommender_rank (JbStore                  *store,
                     JbIncident               *incident,
                     const JbRecommendOptions *options)
{
  JbRecommendOptions defaults;
  Scene scene;

  g_return_val_if_fail (JB_IS_STORE (store), NULL);
  g_return_val_if_fail (JB_IS_INCIDENT (incident), NULL);

  if (!scene_of_incident (store, incident, &scene))
    return new_result_array (0);
  return rank (store, &scene, default_options (options, &defaults));
}

static void
take_slot (JbRecommendation *slot,
           GArray           *ranked,
           guint             i)
{
  JbRecommendation *r = &g_array_index (ranked, JbRecommendation, i);

  *slot = *r;
  r->unit = NULL;  /* the slot owns the reference now */
}

gboolean
jb_recommender_top_by_kind (JbStore                  *store,
                            JbIncident               *incident,
                            const JbRecommendOptions *options,
                            JbRecommendationTop      *out)
{
  JbRecommendOptions opts;
  Scene scene;
  g_autoptr(GArray) guards = NULL;
  g_autoptr(GArray) police = NULL;

  g_return_val_if_fail (JB_IS_STORE (store), FALSE);
  g_return_val_if_fail (JB_IS_INCIDENT (incident), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (!scene_of_incident (store, incident, &scene))
    return FALSE;

  if (options != NULL)
    opts = *options;
  else
    memset (&opts, 0, sizeof opts);
  opts.kinds = JB_RECOMMEND_GUARDS | JB_RECOMMEND_VOLUNTEERS;
  opts.limit = 1;
  guards = rank (store, &scene, &opts);
  opts.kinds = JB_RECOMMEND_POLICE;
  opts.limit = 2;
  police = rank (store, &scene, &opts);

  if (guards->len > 0)
    take_slot (&out->guard, guards, 0);
  if (police->len > 0)
    take_slot (&out->police, police, 0);
  if (police->len > 1)
    take_slot (&out->reinforce, police, 1);

  return out->guard.unit != NULL || out->police.unit != NULL;
}

void
jb_recommendation_top_clear (JbRecommendationTop *top)
{
  g_return_if_fail (top != NULL);

  clear_recommendation (&top->guard);
  clear_recommendation (&top->police);
  clear_recommendation (&top->reinforce);
}

static gboolean
is_police_kind (JbUnitKind kind)
{
  return kind == JB_UNIT_KIND_OFFICER || kind == JB_UNIT_KIND_PATROL_CAR;
}

/* The ranking key of rank(): the ETA with the jurisdiction handicap. */
static double
order_of (const JbRecommendation *r)
{
  return r->eta_s + (!r->in_jurisdiction && !r->on_site ? JURISDICTION_PENALTY_S : 0.0) +
         (r->stale ? STALE_OFFSET_S : 0.0);
}

GArray *
jb_recommender_rank_mixed (JbStore                  *store,
                           JbIncident               *incident,
                           const JbRecommendOptions *options)
{
  JbRecommendOptions opts;
  Scene scene;
  g_autoptr(GArray) guards = NULL;
  g_autoptr(GArray) police = NULL;
  GArray *result;
  guint limit, gi = 0, pi = 0, run = 0;
  gboolean last_police = FALSE;

  g_return_val_if_fail (JB_IS_STORE (store), NULL);
  g_return_val_if_fail (JB_IS_INCIDENT (incident), NULL);

  if (!scene_of_incident (store, incident, &scene))
    return new_result_array (0);

  if (options != NULL)
    opts = *options;
  else
    memset (&opts, 0, sizeof opts);
  limit = opts.limit > 0 ? opts.limit : 9;
  opts.limit = limit;
  opts.kinds = JB_RECOMMEND_GUARDS | JB_RECOMMEND_VOLUNTEERS;
  guards = rank (store, &scene, &opts);
  opts.kinds = JB_RECOMMEND_POLICE;
  police = rank (store, &scene, &opts);

  result = new_result_array (limit);
  while (result->len < limit && (gi < guards->len || pi < police->len))
    {
      gboolean take_police;
      JbRecommendation *r;

      if (gi >= guards->len)
        take_police = TRUE;
      else if (pi >= police->len)
        take_police = FALSE;
      else if (run >= 2)
        take_police = !last_police;
      else
        {
          const JbRecommendation *g = &g_array_index (guards, JbRecommendation, gi);
          const JbRecommendation *p = &g_array_index (police, JbRecommendation, pi);

          take_police = order_of (p) < order_of (g) ||
                        (order_of (p) == order_of (g) && p->distance_m < g->distance_m);
        }

      r = take_police ? &g_array_index (police, JbRecommendation, pi++)
                      : &g_array_index (guards, JbRecommendation, gi++);
      run = (result->len > 0 && take_police == last_police) ? run + 1 : 1;
      last_police = take_police;
      g_array_append_val (result, *r);
      r->unit = NULL;  /* the result owns the reference now */
    }
  return result;
}

gboolean
jb_plan_row_is_filled (const JbPlanRow *row)
{
  g_return_val_if_fail (row != NULL, FALSE);

  return row->assigned_unit_id != NULL ||
         row->state.state == JB_TARGET_STATE_MET ||
         row->state.state == JB_TARGET_STATE_MET_LATE;
}

int
jb_plan_next_missing (const JbPlan *plan)
{
  g_return_val_if_fail (plan != NULL, -1);

  for (guint i = 0; i < JB_TARGET_N; i++)
    if (!jb_plan_row_is_filled (&plan->rows[i]) && plan->rows[i].proposal.unit != NULL)
      return (int) i;
  return -1;
}

gboolean
jb_recommender_plan (JbStore                  *store,
                     JbIncident               *incident,
                     const JbRecommendOptions *options,
                     const JbTargetLimits     *limits,
                     JbPlan                   *out)
{
  JbRecommendOptions opts;
  JbTargetLimits default_limits;
  JbTargets targets;
  Scene scene;
  guint limit_s[JB_TARGET_N];
  guint n_police = 0, next_police = 0;
  g_autoptr(GArray) guards = NULL;
  g_autoptr(GArray) police = NULL;

  g_return_val_if_fail (JB_IS_STORE (store), FALSE);
  g_return_val_if_fail (JB_IS_INCIDENT (incident), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (options != NULL)
    opts = *options;
  else
    memset (&opts, 0, sizeof opts);
  if (opts.now_ms == 0)
    opts.now_ms = g_get_real_time () / 1000;
  if (limits == NULL)
    {
      jb_target_limits_init_default (&default_limits);
      jb_target_limits_from_config (jb_store_get_config (store), &default_limits);
      limits = &default_limits;
    }
  limit_s[JB_TARGET_GUARD] = limits->guard_s;
  limit_s[JB_TARGET_POLICE] = limits->police_s;
  limit_s[JB_TARGET_REINFORCE] = limits->reinforce_s;

  jb_targets_evaluate (incident, limits, store, opts.now_ms, &targets);
  out->clock_ms = targets.clock_ms;
  for (guint i = 0; i < JB_TARGET_N; i++)
    {
      out->rows[i].target = (JbTargetKind) i;
      out->rows[i].state = targets.targets[i];
      out->rows[i].limit_s = limit_s[i];
    }

  /* Active assignments fill the rows in the order they were made. */
  for (guint i = 0; i < jb_incident_get_n_assignments (incident); i++)
    {
      const JbAssignment *a = jb_incident_get_assignment (incident, i);
      JbUnit *unit;
      JbPlanRow *row = NULL;

      if (a->state == JB_ASSIGNMENT_STATE_RELEASED || a->state == JB_ASSIGNMENT_STATE_DECLINED)
        continue;
      unit = jb_store_lookup_unit (store, a->unit_id);
      if (unit == NULL)
        continue;
      if (is_police_kind (jb_unit_get_kind (unit)))
        {
          if (n_police < 2)
            row = &out->rows[n_police == 0 ? JB_TARGET_POLICE : JB_TARGET_REINFORCE];
          n_police++;
        }
      else if (out->rows[JB_TARGET_GUARD].assigned_unit_id == NULL)
        row = &out->rows[JB_TARGET_GUARD];
      if (row != NULL && row->assigned_unit_id == NULL)
        {
          row->assigned_unit_id = a->unit_id;
          row->assigned_state = a->state;
        }
    }

  if (!scene_of_incident (store, incident, &scene))
    return FALSE;

  opts.kinds = JB_RECOMMEND_GUARDS | JB_RECOMMEND_VOLUNTEERS;
  opts.limit = 1;
  guards = rank (store, &scene, &opts);
  opts.kinds = JB_RECOMMEND_POLICE;
  opts.limit = 2;
  police = rank (store, &scene, &opts);

  for (guint i = 0; i < JB_TARGET_N; i++)
    {
      JbPlanRow *row = &out->rows[i];
      gint64 left_ms;

      if (jb_plan_row_is_filled (row))
        continue;
      if (i == JB_TARGET_GUARD)
        {
          if (guards->len > 0)
            take_slot (&row->proposal, guards, 0);
        }
      else if (next_police < police->len)
        take_slot (&row->proposal, police, next_police++);
      if (row->proposal.unit == NULL)
        continue;
      left_ms = (gint64) row->limit_s * 1000 - out->clock_ms;
      row->slack_s = (double) left_ms / 1000.0 - row->proposal.eta_s;
    }
  return TRUE;
}

void
jb_plan_clear (JbPlan *plan)
{
  g_return_if_fail (plan != NULL);

  for (guint i = 0; i < JB_TARGET_N; i++)
    clear_recommendation (&plan->rows[i].proposal);
}
