/* test-core-recommender.c — ranking available units for an incident
 *
 * Handcrafted snapshots: units placed at known distances north and east of
 * the scene, in station st-a (the scene's) or st-b (the neighbour).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>
#include <time.h>

#include "jb-core.h"

#define SCENE_LAT 28.2
#define SCENE_LON 112.98
#define NOW       G_GINT64_CONSTANT (1795400000000)
#define M_PER_DEG 111195.0

/* Under AddressSanitizer (with the slow unwinding our test environment
 * asks for) every allocation of the 20,000-unit snapshot costs a stack
 * walk: a smaller city there, the figure only means something without. */
#if defined(__SANITIZE_ADDRESS__)
# define BENCH_UNITS 4000
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define BENCH_UNITS 4000
# endif
#endif
#ifndef BENCH_UNITS
# define BENCH_UNITS 20000
#endif

typedef struct
{
  const char *id;
  const char *kind;
  const char *callsign;
  const char *station;
  const char *org;
  const char *status;
  double      north_m;
  double      east_m;
  gint64      age_s;      /* of the fix */
  gboolean    no_position;
  const char *incident;
  const char *terminal;
} UnitSpec;

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  return node;
}

static void
append_quoted_or_null (GString    *s,
                       const char *member,
                       const char *value)
{
  if (value != NULL)
    g_string_append_printf (s, ", \"%s\": \"%s\"", member, value);
  else
    g_string_append_printf (s, ", \"%s\": null", member);
}

static void
append_unit (GString        *s,
             const UnitSpec *u)
{
  double lat = SCENE_LAT + u->north_m / M_PER_DEG;
  double lon = SCENE_LON + u->east_m / (M_PER_DEG * cos (SCENE_LAT * G_PI / 180.0));

  g_string_append_printf (s, "{\"id\": \"%s\", \"kind\": \"%s\", \"callsign\": \"%s\", \"name\": \"N\"",
                          u->id, u->kind, u->callsign ? u->callsign : u->id);
  append_quoted_or_null (s, "station_id", u->station ? u->station : "st-a");
  append_quoted_or_null (s, "org_id", u->org ? u->org : "org-x");
  append_quoted_or_null (s, "status", u->status ? u->status : "available");
  append_quoted_or_null (s, "incident_id", u->incident);
  append_quoted_or_null (s, "terminal_id", u->terminal);
  if (u->no_position)
    g_string_append (s, ", \"position\": null");
  else
    g_string_append_printf (s, ", \"position\": {\"lat\": %.9f, \"lon\": %.9f, \"heading\": null,"
                            " \"speed\": null, \"accuracy\": null, \"time\": %" G_GINT64_FORMAT "}",
                            lat, lon, NOW - u->age_s * 1000);
  g_string_append (s, ", \"updated_at\": 1}");
}

/* st-a: a square around the scene; st-b: the square east of it. */
#define STATIONS \
  "[{\"id\": \"st-a\", \"name\": \"A所\", \"jurisdiction\": {\"type\": \"Polygon\", \"coordinates\":" \
  " [[[112.97, 28.19], [112.99, 28.19], [112.99, 28.21], [112.97, 28.21], [112.97, 28.19]]]}}," \
  " {\"id\": \"st-b\", \"name\": \"B所\", \"jurisdiction\": {\"type\": \"Polygon\", \"coordinates\":" \
  " [[[112.99, 28.19], [113.01, 28.19], [113.01, 28.21], [112.99, 28.21], [112.99, 28.19]]]}}]"

#define TERMINALS \
  "[{\"id\": \"t-ab-1\", \"kind\": \"alarm_button\", \"name\": \"KTV\", \"org_id\": \"org-sec\"," \
  " \"venue\": {\"name\": \"星光KTV\", \"kind\": \"ktv\"}, \"station_id\": \"st-a\"," \
  " \"location\": {\"lat\": 28.2, \"lon\": 112.98}, \"online\": true}," \
  " {\"id\": \"t-bc-1\", \"kind\": \"body_camera\", \"name\": \"cam\", \"org_id\": \"org-sec\"," \
  " \"venue\": null, \"station_id\": \"st-a\", \"unit_id\": \"u-cam\", \"location\": null, \"online\": true}]"

static char *
incident_json (const char *id,
               const char *terminal_id,
               const char *station_id)
{
  g_autoptr(GString) s = g_string_new (NULL);

  g_string_append_printf (s, "{\"id\": \"%s\", \"number\": \"KF-%s\", \"type\": \"fight\", \"priority\": 1,"
                          " \"status\": \"new\", \"source\": \"terminal\"", id, id);
  append_quoted_or_null (s, "terminal_id", terminal_id);
  append_quoted_or_null (s, "station_id", station_id);
  g_string_append_printf (s, ", \"location\": {\"lat\": %.6f, \"lon\": %.6f}, \"created_at\": %" G_GINT64_FORMAT ","
                          " \"assignments\": [], \"procedure\": [], \"notes\": [], \"timeline\": [],"
                          " \"updated_at\": %" G_GINT64_FORMAT "}", SCENE_LAT, SCENE_LON, NOW, NOW);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static JbStore *
store_new_full (const UnitSpec *units,
                guint           n_units,
                const char     *grids,
                const char     *extra_incident)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *venue_incident = incident_json ("inc-venue", "t-ab-1", "st-a");
  g_autofree char *camera_incident = incident_json ("inc-cam", "t-bc-1", "st-a");
  g_autofree char *phone_incident = incident_json ("inc-phone", NULL, NULL);
  JbStore *store = jb_store_new ();

  g_string_append_printf (s, "{\"seq\": 1, \"server_time\": %" G_GINT64_FORMAT ","
                          " \"config\": {\"targets\": {\"guard_s\": 60, \"police_s\": 180, \"reinforce_s\": 300},"
                          " \"freshness\": {\"unit_s\": 120}},"
                          " \"stations\": " STATIONS ", \"terminals\": " TERMINALS ", \"grids\": %s, \"units\": [",
                          NOW, grids != NULL ? grids : "[]");
  for (guint i = 0; i < n_units; i++)
    {
      if (i > 0)
        g_string_append_c (s, ',');
      append_unit (s, &units[i]);
    }
  g_string_append_printf (s, "], \"incidents\": [%s, %s, %s%s%s]}", venue_incident, camera_incident, phone_incident,
                          extra_incident ? ", " : "", extra_incident ? extra_incident : "");

  node = parse (s->str);
  g_assert_true (jb_store_load_snapshot (store, node, &error));
  g_assert_no_error (error);
  return store;
}

static JbStore *
store_new (const UnitSpec *units,
           guint           n_units)
{
  return store_new_full (units, n_units, NULL, NULL);
}

static GArray *
rank (JbStore          *store,
      const char       *incident_id,
      JbRecommendKinds  kinds,
      guint             limit,
      const char       *scope)
{
  JbIncident *incident = jb_store_lookup_incident (store, incident_id);
  JbRecommendOptions options = { .kinds = kinds, .limit = limit, .now_ms = NOW, .scope_station_id = scope };

  g_assert_nonnull (incident);
  return jb_recommender_rank (store, incident, &options);
}

/* The ids of a ranking, "a b c". */
static char *
ids_of (GArray *ranked)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < ranked->len; i++)
    {
      JbRecommendation *r = &g_array_index (ranked, JbRecommendation, i);

      g_string_append_printf (s, "%s%s", i ? " " : "", jb_unit_get_id (r->unit));
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
assert_ranking (JbStore          *store,
                const char       *incident_id,
                JbRecommendKinds  kinds,
                guint             limit,
                const char       *scope,
                const char       *expected)
{
  g_autoptr(GArray) ranked = rank (store, incident_id, kinds, limit, scope);
  g_autofree char *ids = ids_of (ranked);

  g_assert_cmpstr (ids, ==, expected);
}

/* Across kinds, by ETA: a patrol car 400 m away beats an officer on foot
 * at 200 m; units that are not available, or have no position, never
 * appear. */
static void
test_order_and_availability (void)
{
  static const UnitSpec units[] = {
    { "u-o1", "officer", .north_m = 200 },                   /* 260 m / 1.6 = 162.5 s */
    { "u-c1", "patrol_car", .north_m = 1000 },               /* 30 + 1300 / 8 = 192.5 s */
    { "u-g1", "guard", .east_m = -100 },                     /* 130 / 1.6 = 81.25 s */
    { "u-v1", "volunteer", .north_m = -150 },                /* 195 / 1.4 = 139.3 s */
    { "u-c2", "patrol_car", .north_m = 400 },                /* 30 + 520 / 8 = 95 s */
    { "u-busy", "guard", .status = "busy", .north_m = 5 },
    { "u-off", "officer", .status = "off_duty", .north_m = 5 },
    { "u-asg", "guard", .status = "assigned", .incident = "inc-x", .north_m = 5 },
    { "u-enr", "patrol_car", .status = "en_route", .incident = "inc-x", .north_m = 5 },
    { "u-odd", "guard", .incident = "inc-x", .north_m = 5 },  /* available yet tied to an incident */
    { "u-nopos", "officer", .no_position = TRUE },
  };
  g_autoptr(JbStore) store = store_new (units, G_N_ELEMENTS (units));
  g_autoptr(GArray) ranked = rank (store, "inc-phone", JB_RECOMMEND_ALL, 0, NULL);
  g_autofree char *ids = ids_of (ranked);

  g_assert_cmpstr (ids, ==, "u-g1 u-c2 u-v1 u-o1 u-c1");

  for (guint i = 0; i < ranked->len; i++)
    {
      JbRecommendation *r = &g_array_index (ranked, JbRecommendation, i);
      JbPosition pos;

      g_assert_true (jb_unit_get_position (r->unit, &pos));
      g_assert_cmpfloat_with_epsilon (r->distance_m, jb_geo_distance_m (pos.lat, pos.lon, SCENE_LAT, SCENE_LON), 1e-6);
      g_assert_cmpfloat_with_epsilon (r->eta_s, jb_recommender_estimate_eta_s (jb_unit_get_kind (r->unit), r->distance_m), 1e-9);
      /* The phone incident has no station_id: the polygon says st-a. */
      g_assert_true (r->in_jurisdiction);
      g_assert_false (r->stale);
      g_assert_false (r->on_site);
      if (i > 0)
        g_assert_cmpfloat (r->eta_s, >=, g_array_index (ranked, JbRecommendation, i - 1).eta_s);
    }

  /* The model, spot checks. */
  g_assert_cmpfloat_with_epsilon (g_array_index (ranked, JbRecommendation, 0).distance_m, 100.0, 0.5);
  g_assert_cmpfloat_with_epsilon (jb_recommender_estimate_eta_s (JB_UNIT_KIND_GUARD, 100), 81.25, 1e-9);
  g_assert_cmpfloat_with_epsilon (jb_recommender_estimate_eta_s (JB_UNIT_KIND_OFFICER, 200), 162.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (jb_recommender_estimate_eta_s (JB_UNIT_KIND_PATROL_CAR, 400), 95.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (jb_recommender_estimate_eta_s (JB_UNIT_KIND_VOLUNTEER, 140), 130.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (jb_recommender_estimate_eta_s (JB_UNIT_KIND_PATROL_CAR, 0), 30.0, 1e-9);

  /* The references are the array's: the units outlive nothing. */
  {
    JbUnit *first = g_array_index (ranked, JbRecommendation, 0).unit;

    g_assert_true (first == jb_store_lookup_unit (store, "u-g1"));
    g_assert_cmpuint (G_OBJECT (first)->ref_count, >=, 2);
  }
}

/* Kind filter and limit: a limited list is the prefix of the full one,
 * both for a short list (kept sorted as it goes) and a long one (sorted
 * once). */
static void
test_kind_filter_and_limit (void)
{
  static const UnitSpec units[] = {
    { "u-o1", "officer", .north_m = 200 },
    { "u-c1", "patrol_car", .north_m = 1000 },
    { "u-g1", "guard", .east_m = -100 },
    { "u-g2", "guard", .east_m = -300 },
    { "u-v1", "volunteer", .north_m = -150 },
    { "u-c2", "patrol_car", .north_m = 400 },
  };
  g_autoptr(JbStore) store = store_new (units, G_N_ELEMENTS (units));

  assert_ranking (store, "inc-phone", JB_RECOMMEND_GUARDS, 0, NULL, "u-g1 u-g2");
  assert_ranking (store, "inc-phone", JB_RECOMMEND_OFFICERS, 0, NULL, "u-o1");
  assert_ranking (store, "inc-phone", JB_RECOMMEND_PATROL_CARS, 0, NULL, "u-c2 u-c1");
  assert_ranking (store, "inc-phone", JB_RECOMMEND_VOLUNTEERS, 0, NULL, "u-v1");
  assert_ranking (store, "inc-phone", JB_RECOMMEND_POLICE, 0, NULL, "u-c2 u-o1 u-c1");
  assert_ranking (store, "inc-phone", JB_RECOMMEND_GUARDS | JB_RECOMMEND_VOLUNTEERS, 0, NULL, "u-g1 u-v1 u-g2");
  assert_ranking (store, "inc-phone", JB_RECOMMEND_ALL, 0, NULL, "u-g1 u-c2 u-v1 u-o1 u-c1 u-g2");

  assert_ranking (store, "inc-phone", JB_RECOMMEND_ALL, 1, NULL, "u-g1");
  assert_ranking (store, "inc-phone", JB_RECOMMEND_ALL, 3, NULL, "u-g1 u-c2 u-v1");
  assert_ranking (store, "inc-phone", JB_RECOMMEND_ALL, 6, NULL, "u-g1 u-c2 u-v1 u-o1 u-c1 u-g2");
  assert_ranking (store, "inc-phone", JB_RECOMMEND_ALL, 100, NULL, "u-g1 u-c2 u-v1 u-o1 u-c1 u-g2");
  assert_ranking (store, "inc-phone", JB_RECOMMEND_POLICE, 2, NULL, "u-c2 u-o1");
}

/* Equal times are ordered by callsign (then id), whatever the store's
 * order. */
static void
test_ties_by_callsign (void)
{
  static const UnitSpec units[] = {
    { "u-1", "guard", "保-C", .north_m = 100 },
    { "u-2", "guard", "保-A", .north_m = 100 },
    { "u-3", "guard", "保-B", .north_m = 100 },
    { "u-5", "guard", "保-A", .north_m = 100 },  /* same callsign: by id */
    { "u-4", "guard", "保-A", .north_m = 100 },
  };
  g_autoptr(JbStore) store = store_new (units, G_N_ELEMENTS (units));

  assert_ranking (store, "inc-phone", JB_RECOMMEND_ALL, 0, NULL, "u-2 u-4 u-5 u-3 u-1");
  assert_ranking (store, "inc-phone", JB_RECOMMEND_ALL, 2, NULL, "u-2 u-4");
}

/* A fix older than config.freshness.unit_s ranks after every fresh one,
 * or is left out when asked. */
static void
test_stale (void)
{
  static const UnitSpec units[] = {
    { "u-near-stale", "guard", .north_m = 20, .age_s = 121 },
    { "u-far", "officer", .north_m = 2000, .age_s = 119 },
    { "u-near", "guard", .north_m = 300, .age_s = 120 },  /* exactly the limit: fresh */
  };
  g_autoptr(JbStore) store = store_new (units, G_N_ELEMENTS (units));
  JbRecommendOptions options = { .now_ms = NOW };
  g_autoptr(GArray) ranked = NULL;
  g_autoptr(GArray) fresh_only = NULL;

  ranked = jb_recommender_rank (store, jb_store_lookup_incident (store, "inc-phone"), &options);
  {
    g_autofree char *ids = ids_of (ranked);

    g_assert_cmpstr (ids, ==, "u-near u-far u-near-stale");
  }
  g_assert_false (g_array_index (ranked, JbRecommendation, 0).stale);
  g_assert_true (g_array_index (ranked, JbRecommendation, 2).stale);

  options.exclude_stale = TRUE;
  fresh_only = jb_recommender_rank (store, jb_store_lookup_incident (store, "inc-phone"), &options);
  {
    g_autofree char *ids = ids_of (fresh_only);

    g_assert_cmpstr (ids, ==, "u-near u-far");
  }
}

/* A dispatcher sees the incident's station first within 60 s of ETA, but a
 * much closer neighbour still comes first; a duty officer sees only its
 * own station's units. */
static void
test_jurisdiction (void)
{
  static const UnitSpec units[] = {
    { "u-a-guard", "guard", .north_m = 100 },                          /* 81.25 s */
    { "u-b-guard", "guard", .station = "st-b", .east_m = 60 },         /* 48.75 s + 60 */
    { "u-a-car", "patrol_car", .north_m = 800 },                       /* 160 s */
    { "u-b-officer", "officer", .station = "st-b", .east_m = 10 },     /* 8.1 s + 60 */
    { "u-b-car", "patrol_car", .station = "st-b", .east_m = 500 },     /* 111.25 s + 60 */
  };
  g_autoptr(JbStore) store = store_new (units, G_N_ELEMENTS (units));
  g_autoptr(GArray) ranked = rank (store, "inc-venue", JB_RECOMMEND_ALL, 0, NULL);
  g_autofree char *ids = ids_of (ranked);

  /* u-b-officer (68.1) < u-a-guard (81.25) < u-b-guard (108.75) <
   * u-a-car (160) < u-b-car (171.25) */
  g_assert_cmpstr (ids, ==, "u-b-officer u-a-guard u-b-guard u-a-car u-b-car");
  g_assert_false (g_array_index (ranked, JbRecommendation, 0).in_jurisdiction);
  g_assert_true (g_array_index (ranked, JbRecommendation, 1).in_jurisdiction);
  /* The reported ETA is the unit's own, without the ranking's handicap. */
  g_assert_cmpfloat (g_array_index (ranked, JbRecommendation, 2).eta_s, <,
                     g_array_index (ranked, JbRecommendation, 1).eta_s);

  /* Duty officers: their own station only, whatever the incident's. */
  assert_ranking (store, "inc-venue", JB_RECOMMEND_ALL, 0, "st-a", "u-a-guard u-a-car");
  assert_ranking (store, "inc-venue", JB_RECOMMEND_ALL, 0, "st-b", "u-b-officer u-b-guard u-b-car");
  assert_ranking (store, "inc-venue", JB_RECOMMEND_ALL, 0, "st-none", "");

  /* The scope comes from the user object. */
  {
    g_autoptr(JsonNode) duty = parse ("{\"username\": \"qingshuitang\", \"role\": \"duty_officer\","
                                      " \"station_id\": \"st-b\"}");
    g_autoptr(JsonNode) dispatcher = parse ("{\"username\": \"d\", \"role\": \"dispatcher\", \"station_id\": null}");
    JbRecommendOptions options;

    jb_recommend_options_init (&options, json_node_get_object (duty));
    g_assert_cmpstr (options.scope_station_id, ==, "st-b");
    g_assert_cmpuint (options.limit, ==, 0);
    jb_recommend_options_init (&options, json_node_get_object (dispatcher));
    g_assert_null (options.scope_station_id);
    jb_recommend_options_init (&options, NULL);
    g_assert_null (options.scope_station_id);
  }

  /* A point entered by hand: the station comes from the polygons. */
  {
    JbRecommendOptions options = { .now_ms = NOW };
    g_autoptr(GArray) at_a = jb_recommender_rank_at (store, SCENE_LAT, SCENE_LON, NULL, &options);
    g_autoptr(GArray) nowhere = jb_recommender_rank_at (store, NAN, SCENE_LON, NULL, &options);
    g_autofree char *at_a_ids = ids_of (at_a);

    g_assert_cmpstr (at_a_ids, ==, "u-b-officer u-a-guard u-b-guard u-a-car u-b-car");
    g_assert_cmpuint (nowhere->len, ==, 0);
  }
}

/* The venue's own guards are there already; so is the guard whose body
 * camera raised the alarm. */
static void
test_on_site (void)
{
  static const UnitSpec units[] = {
    { "u-officer", "officer", .north_m = 30 },                       /* 24.4 s */
    { "u-venue", "guard", .org = "org-sec", .east_m = 120 },         /* on site: 15 s */
    { "u-venue-b", "guard", .org = "org-sec", .station = "st-b", .east_m = 140 },  /* on site, no handicap */
    { "u-same-org-far", "guard", .org = "org-sec", .north_m = 400 }, /* not on site */
    { "u-other-org", "guard", .org = "org-y", .east_m = -110 },      /* 89.4 s */
    { "u-cam", "guard", .org = "org-z", .north_m = 80, .terminal = "t-bc-1" },  /* 65 s at the venue */
  };
  g_autoptr(JbStore) store = store_new (units, G_N_ELEMENTS (units));
  g_autoptr(GArray) venue = rank (store, "inc-venue", JB_RECOMMEND_ALL, 0, NULL);
  g_autoptr(GArray) camera = rank (store, "inc-cam", JB_RECOMMEND_ALL, 2, NULL);
  g_autoptr(GArray) phone = rank (store, "inc-phone", JB_RECOMMEND_ALL, 0, NULL);
  g_autofree char *venue_ids = ids_of (venue);
  g_autofree char *camera_ids = ids_of (camera);
  g_autofree char *phone_ids = ids_of (phone);

  g_assert_cmpstr (venue_ids, ==, "u-venue u-venue-b u-officer u-cam u-other-org u-same-org-far");
  g_assert_true (g_array_index (venue, JbRecommendation, 0).on_site);
  g_assert_cmpfloat (g_array_index (venue, JbRecommendation, 0).eta_s, ==, 15.0);
  g_assert_true (g_array_index (venue, JbRecommendation, 1).on_site);
  g_assert_false (g_array_index (venue, JbRecommendation, 1).in_jurisdiction);
  g_assert_false (g_array_index (venue, JbRecommendation, 5).on_site);

  /* The camera's wearer: ETA 0. */
  g_assert_cmpstr (camera_ids, ==, "u-cam u-officer");
  g_assert_true (g_array_index (camera, JbRecommendation, 0).on_site);
  g_assert_cmpfloat (g_array_index (camera, JbRecommendation, 0).eta_s, ==, 0.0);

  /* A phone report has no venue: nobody is on site. */
  for (guint i = 0; i < phone->len; i++)
    g_assert_false (g_array_index (phone, JbRecommendation, i).on_site);
  g_assert_cmpstr (phone_ids, ==, "u-officer u-cam u-other-org u-venue u-venue-b u-same-org-far");
}

static void
test_top_by_kind (void)
{
  static const UnitSpec units[] = {
    { "u-g1", "guard", .north_m = 300 },
    { "u-v1", "volunteer", .north_m = 100 },
    { "u-o1", "officer", .north_m = 500 },
    { "u-c1", "patrol_car", .north_m = 600 },
    { "u-c2", "patrol_car", .north_m = 2000 },
    { "u-g-other", "guard", .station = "st-b", .north_m = 50 },
  };
  g_autoptr(JbStore) store = store_new (units, G_N_ELEMENTS (units));
  JbRecommendOptions options = { .now_ms = NOW, .limit = 1, .kinds = JB_RECOMMEND_VOLUNTEERS };
  JbRecommendationTop top;

  /* kinds and limit are ignored. */
  g_assert_true (jb_recommender_top_by_kind (store, jb_store_lookup_incident (store, "inc-venue"), &options, &top));
  g_assert_cmpstr (jb_unit_get_id (top.guard.unit), ==, "u-v1");
  /* o1: 406 s; c1: 30 + 97.5 = 127.5 s; c2: 355 s */
  g_assert_cmpstr (jb_unit_get_id (top.police.unit), ==, "u-c1");
  g_assert_cmpstr (jb_unit_get_id (top.reinforce.unit), ==, "u-c2");
  g_assert_cmpfloat_with_epsilon (top.police.eta_s, 127.5, 0.5);
  jb_recommendation_top_clear (&top);
  g_assert_null (top.guard.unit);

  /* A duty officer of st-b: one guard, no police. */
  options.scope_station_id = "st-b";
  g_assert_true (jb_recommender_top_by_kind (store, jb_store_lookup_incident (store, "inc-venue"), &options, &top));
  g_assert_cmpstr (jb_unit_get_id (top.guard.unit), ==, "u-g-other");
  g_assert_null (top.police.unit);
  g_assert_null (top.reinforce.unit);
  jb_recommendation_top_clear (&top);

  options.scope_station_id = "st-none";
  g_assert_false (jb_recommender_top_by_kind (store, jb_store_lookup_incident (store, "inc-venue"), &options, &top));
  jb_recommendation_top_clear (&top);
}

/* A venue alarm with guards all around: police still get a key among
 * the first three, and the merge keeps each list's own order. */
static void
test_rank_mixed (void)
{
  static const UnitSpec units[] = {
    { "u-g1", "guard", .north_m = 20 },
    { "u-g2", "guard", .north_m = 40 },
    { "u-g3", "guard", .north_m = 60 },
    { "u-g4", "guard", .north_m = 80 },
    { "u-g5", "guard", .north_m = 100 },
    { "u-v1", "volunteer", .north_m = 120 },
    { "u-o1", "officer", .north_m = 900 },
    { "u-c1", "patrol_car", .north_m = 2500 },
    { "u-c2", "patrol_car", .north_m = 4000 },
  };
  g_autoptr(JbStore) store = store_new (units, G_N_ELEMENTS (units));
  JbRecommendOptions options = { .now_ms = NOW, .kinds = JB_RECOMMEND_GUARDS };
  g_autoptr(GArray) plain = NULL;
  g_autoptr(GArray) mixed = NULL;
  g_autoptr(GArray) short_list = NULL;
  g_autofree char *plain_ids = NULL;
  g_autofree char *mixed_ids = NULL;

  /* Ranked by ETA alone the police come last. */
  plain = rank (store, "inc-venue", JB_RECOMMEND_ALL, 9, NULL);
  plain_ids = ids_of (plain);
  g_assert_cmpstr (plain_ids, ==, "u-g1 u-g2 u-g3 u-g4 u-g5 u-v1 u-c1 u-c2 u-o1");

  /* kinds is ignored; never more than two of one list in a row. */
  mixed = jb_recommender_rank_mixed (store, jb_store_lookup_incident (store, "inc-venue"), &options);
  mixed_ids = ids_of (mixed);
  /* o1: 731 s; c1: 30 + 406 = 436 s; c2: 680 s: the police list is c1 c2 o1. */
  g_assert_cmpstr (mixed_ids, ==, "u-g1 u-g2 u-c1 u-g3 u-g4 u-c2 u-g5 u-v1 u-o1");
  g_assert_cmpuint (mixed->len, ==, 9);

  options.limit = 3;
  short_list = jb_recommender_rank_mixed (store, jb_store_lookup_incident (store, "inc-venue"), &options);
  g_assert_cmpuint (short_list->len, ==, 3);
  g_assert_cmpstr (jb_unit_get_id (g_array_index (short_list, JbRecommendation, 2).unit), ==, "u-c1");

  /* Scope: only st-b's units, none of them police: guards only. */
  {
    static const UnitSpec b_units[] = {
      { "u-g1", "guard", .north_m = 20, .station = "st-b" },
      { "u-g2", "guard", .north_m = 40, .station = "st-b" },
      { "u-g3", "guard", .north_m = 60, .station = "st-b" },
      { "u-o1", "officer", .north_m = 100 },
    };
    g_autoptr(JbStore) b_store = store_new (b_units, G_N_ELEMENTS (b_units));
    JbRecommendOptions scoped = { .now_ms = NOW, .scope_station_id = "st-b" };
    g_autoptr(GArray) b = jb_recommender_rank_mixed (b_store, jb_store_lookup_incident (b_store, "inc-venue"), &scoped);
    g_autofree char *b_ids = ids_of (b);

    g_assert_cmpstr (b_ids, ==, "u-g1 u-g2 u-g3");
  }
}

/* The three rows of the plan, as assignments fill them. */
static void
test_plan (void)
{
  static const UnitSpec units[] = {
    { "u-g1", "guard", .north_m = 300 },
    { "u-v1", "volunteer", .north_m = 100 },
    { "u-o1", "officer", .north_m = 500 },
    { "u-c1", "patrol_car", .north_m = 600 },
    { "u-c2", "patrol_car", .north_m = 2000 },
    { "u-o-busy", "officer", .north_m = 50, .status = "assigned", .incident = "inc-x" },
    { "u-g-busy", "guard", .north_m = 50, .status = "assigned", .incident = "inc-x" },
    { "u-c-stale", "patrol_car", .north_m = 10, .age_s = 600 },
  };
  /* inc-x, 100 s old: a guard on scene (met at 40 s), one officer assigned. */
  g_autofree char *assigned = g_strdup_printf (
    "{\"id\": \"inc-x\", \"number\": \"KF-x\", \"type\": \"fight\", \"priority\": 1,"
    " \"status\": \"dispatched\", \"source\": \"phone\", \"terminal_id\": null, \"station_id\": \"st-a\","
    " \"location\": {\"lat\": %.6f, \"lon\": %.6f}, \"created_at\": %" G_GINT64_FORMAT ","
    " \"assignments\": [{\"unit_id\": \"u-g-busy\", \"state\": \"on_scene\", \"assigned_at\": %" G_GINT64_FORMAT ","
    " \"on_scene_at\": %" G_GINT64_FORMAT "}, {\"unit_id\": \"u-o-busy\", \"state\": \"en_route\","
    " \"assigned_at\": %" G_GINT64_FORMAT "}],"
    " \"procedure\": [], \"notes\": [], \"timeline\": [], \"updated_at\": %" G_GINT64_FORMAT "}",
    SCENE_LAT, SCENE_LON, NOW - 100000, NOW - 90000, NOW - 60000, NOW - 80000, NOW);
  g_autoptr(JbStore) store = store_new_full (units, G_N_ELEMENTS (units), NULL, assigned);
  JbRecommendOptions options = { .now_ms = NOW + 30000, .exclude_stale = TRUE };
  JbTargetLimits limits = { 60, 180, 300 };
  JbPlan plan;

  /* Nobody assigned, 30 s into the alarm. */
  g_assert_true (jb_recommender_plan (store, jb_store_lookup_incident (store, "inc-venue"), &options, &limits, &plan));
  g_assert_cmpint (plan.clock_ms, ==, 30000);
  g_assert_cmpint (plan.rows[JB_TARGET_GUARD].target, ==, JB_TARGET_GUARD);
  g_assert_cmpstr (jb_unit_get_id (plan.rows[JB_TARGET_GUARD].proposal.unit), ==, "u-v1");
  /* c1: 30 + 97.5 = 127.5 s; c2: 355 s (the stale car is left out). */
  g_assert_cmpstr (jb_unit_get_id (plan.rows[JB_TARGET_POLICE].proposal.unit), ==, "u-c1");
  g_assert_cmpstr (jb_unit_get_id (plan.rows[JB_TARGET_REINFORCE].proposal.unit), ==, "u-c2");
  for (guint i = 0; i < JB_TARGET_N; i++)
    {
      g_assert_null (plan.rows[i].assigned_unit_id);
      g_assert_false (jb_plan_row_is_filled (&plan.rows[i]));
      g_assert_cmpint (plan.rows[i].state.state, ==, JB_TARGET_STATE_PENDING);
    }
  g_assert_cmpuint (plan.rows[JB_TARGET_POLICE].limit_s, ==, 180);
  /* 150 s left, 127.5 s away. */
  g_assert_cmpfloat_with_epsilon (plan.rows[JB_TARGET_POLICE].slack_s, 22.5, 0.5);
  /* 270 s left, 355 s away: late. */
  g_assert_cmpfloat (plan.rows[JB_TARGET_REINFORCE].slack_s, <, 0.0);
  g_assert_cmpint (jb_plan_next_missing (&plan), ==, JB_TARGET_GUARD);
  jb_plan_clear (&plan);
  g_assert_null (plan.rows[JB_TARGET_GUARD].proposal.unit);

  /* A guard on scene and one officer: only the reinforcement is missing,
   * and it gets the best police unit. */
  options.now_ms = NOW;
  g_assert_true (jb_recommender_plan (store, jb_store_lookup_incident (store, "inc-x"), &options, &limits, &plan));
  g_assert_cmpstr (plan.rows[JB_TARGET_GUARD].assigned_unit_id, ==, "u-g-busy");
  g_assert_cmpint (plan.rows[JB_TARGET_GUARD].assigned_state, ==, JB_ASSIGNMENT_STATE_ON_SCENE);
  g_assert_cmpint (plan.rows[JB_TARGET_GUARD].state.state, ==, JB_TARGET_STATE_MET);
  g_assert_null (plan.rows[JB_TARGET_GUARD].proposal.unit);
  g_assert_cmpstr (plan.rows[JB_TARGET_POLICE].assigned_unit_id, ==, "u-o-busy");
  g_assert_cmpint (plan.rows[JB_TARGET_POLICE].assigned_state, ==, JB_ASSIGNMENT_STATE_EN_ROUTE);
  g_assert_null (plan.rows[JB_TARGET_POLICE].proposal.unit);
  g_assert_null (plan.rows[JB_TARGET_REINFORCE].assigned_unit_id);
  g_assert_cmpstr (jb_unit_get_id (plan.rows[JB_TARGET_REINFORCE].proposal.unit), ==, "u-c1");
  g_assert_cmpint (jb_plan_next_missing (&plan), ==, JB_TARGET_REINFORCE);
  jb_plan_clear (&plan);

  /* A duty officer of st-b has no unit to propose: nothing missing can be filled. */
  options.scope_station_id = "st-b";
  g_assert_true (jb_recommender_plan (store, jb_store_lookup_incident (store, "inc-venue"), &options, &limits, &plan));
  for (guint i = 0; i < JB_TARGET_N; i++)
    g_assert_null (plan.rows[i].proposal.unit);
  g_assert_cmpint (jb_plan_next_missing (&plan), ==, -1);
  jb_plan_clear (&plan);
}

/* A duty room commanding several stations ranks the units of all of
 * them, and only those. */
static void
test_scope_set (void)
{
  static const UnitSpec units[] = {
    { "u-a", "officer", .north_m = 100 },
    { "u-b", "officer", .north_m = 200, .station = "st-b" },
    { "u-c", "officer", .north_m = 50, .station = "st-c" },
  };
  g_autoptr(JbStore) store = store_new (units, G_N_ELEMENTS (units));
  const char *both[] = { "st-b", "st-a", NULL };
  const char *none[] = { NULL };
  JbRecommendOptions options;
  g_autoptr(GArray) ranked = NULL;
  g_autoptr(GArray) all = NULL;
  g_autofree char *ids = NULL;
  g_autofree char *all_ids = NULL;

  jb_recommend_options_init_for_user (&options, JB_ROLE_DUTY_OFFICER, both);
  g_assert_cmpstr (options.scope_station_id, ==, "st-b");
  options.now_ms = NOW;
  ranked = jb_recommender_rank (store, jb_store_lookup_incident (store, "inc-venue"), &options);
  ids = ids_of (ranked);
  g_assert_cmpstr (ids, ==, "u-a u-b");

  /* A dispatcher, or a duty officer of no station: no scope. */
  jb_recommend_options_init_for_user (&options, JB_ROLE_DISPATCHER, both);
  g_assert_null (options.scope_station_ids);
  jb_recommend_options_init_for_user (&options, JB_ROLE_DUTY_OFFICER, none);
  g_assert_null (options.scope_station_ids);
  options.now_ms = NOW;
  all = jb_recommender_rank (store, jb_store_lookup_incident (store, "inc-venue"), &options);
  all_ids = ids_of (all);
  g_assert_cmpstr (all_ids, ==, "u-a u-c u-b");
}

/* The store's counters (here for this file's snapshot builder). */
static void
test_count_units (void)
{
  static const UnitSpec units[] = {
    { "u-1", "guard" },
    { "u-2", "guard", .status = "busy" },
    { "u-3", "officer", .station = "st-b" },
    { "u-4", "patrol_car", .status = "en_route", .incident = "inc-x" },
    { "u-5", "volunteer", .station = "st-b", .status = "off_duty", .no_position = TRUE },
    { "u-6", "guard", .station = "st-b" },
  };
  g_autoptr(JbStore) store = store_new (units, G_N_ELEMENTS (units));

  g_assert_cmpuint (jb_store_count_units (store, JB_UNIT_KIND_N, JB_UNIT_STATUS_N), ==, 6);
  g_assert_cmpuint (jb_store_count_units (store, JB_UNIT_KIND_GUARD, JB_UNIT_STATUS_N), ==, 3);
  g_assert_cmpuint (jb_store_count_units (store, JB_UNIT_KIND_N, JB_UNIT_STATUS_AVAILABLE), ==, 3);
  g_assert_cmpuint (jb_store_count_units (store, JB_UNIT_KIND_GUARD, JB_UNIT_STATUS_AVAILABLE), ==, 2);
  g_assert_cmpuint (jb_store_count_units (store, JB_UNIT_KIND_PATROL_CAR, JB_UNIT_STATUS_EN_ROUTE), ==, 1);
  g_assert_cmpuint (jb_store_count_units (store, JB_UNIT_KIND_VOLUNTEER, JB_UNIT_STATUS_AVAILABLE), ==, 0);

  g_assert_cmpuint (jb_store_count_station_units (store, "st-b", JB_UNIT_KIND_N, JB_UNIT_STATUS_N), ==, 3);
  g_assert_cmpuint (jb_store_count_station_units (store, "st-b", JB_UNIT_KIND_N, JB_UNIT_STATUS_AVAILABLE), ==, 2);
  g_assert_cmpuint (jb_store_count_station_units (store, "st-a", JB_UNIT_KIND_GUARD, JB_UNIT_STATUS_N), ==, 2);
  g_assert_cmpuint (jb_store_count_station_units (store, "st-none", JB_UNIT_KIND_N, JB_UNIT_STATUS_N), ==, 0);
  g_assert_cmpuint (jb_store_count_station_units (store, NULL, JB_UNIT_KIND_N, JB_UNIT_STATUS_N), ==, 0);

  /* Counts follow events. */
  {
    g_autoptr(GError) error = NULL;
    const char *event = "{\"seq\": 2, \"type\": \"unit.updated\", \"time\": 1, \"data\": {\"unit\":"
                        " {\"id\": \"u-1\", \"kind\": \"guard\", \"status\": \"busy\", \"station_id\": \"st-b\","
                        " \"position\": null, \"updated_at\": 2}}}";

    g_assert_cmpint (jb_store_apply_event_text (store, event, strlen (event), &error), ==, JB_STORE_APPLY_OK);
    g_assert_no_error (error);
    g_assert_cmpuint (jb_store_count_units (store, JB_UNIT_KIND_GUARD, JB_UNIT_STATUS_BUSY), ==, 2);
    g_assert_cmpuint (jb_store_count_station_units (store, "st-b", JB_UNIT_KIND_GUARD, JB_UNIT_STATUS_N), ==, 2);
  }
}

/* CPU time of this thread, µs: steadier than the wall clock on a busy
 * machine. */
static gint64
thread_time_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* The whole city at load-test size: a figure for the log, not a timed
 * assertion (sanitizers and busy machines vary). */
static void
test_bench_20000 (void)
{
  const guint n = BENCH_UNITS;
  static const char * const kinds[] = { "guard", "guard", "officer", "patrol_car", "volunteer" };
  static const char * const statuses[] = { "available", "available", "available", "busy", "off_duty" };
  g_autofree UnitSpec *units = g_new0 (UnitSpec, n);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(JbStore) store = NULL;
  JbIncident *incident;
  double best_top10 = G_MAXDOUBLE, best_all = G_MAXDOUBLE, best_top = G_MAXDOUBLE;
  double best_mixed = G_MAXDOUBLE, best_plan = G_MAXDOUBLE;
  guint n_all = 0;

  for (guint i = 0; i < n; i++)
    {
      char *id = g_strdup_printf ("u-%05u", i);

      g_ptr_array_add (ids, id);
      units[i].id = id;
      units[i].kind = kinds[i % G_N_ELEMENTS (kinds)];
      units[i].status = statuses[g_rand_int_range (rand, 0, G_N_ELEMENTS (statuses))];
      units[i].station = g_rand_boolean (rand) ? "st-a" : "st-b";
      units[i].north_m = g_rand_double_range (rand, -8000, 8000);
      units[i].east_m = g_rand_double_range (rand, -8000, 8000);
      units[i].age_s = g_rand_int_range (rand, 0, 200);
    }
  store = store_new (units, n);
  incident = jb_store_lookup_incident (store, "inc-venue");

  for (guint round = 0; round < 5; round++)
    {
      JbRecommendOptions top10 = { .now_ms = NOW, .limit = 10 };
      JbRecommendOptions all = { .now_ms = NOW };
      JbRecommendationTop top;
      gint64 t0, t1, t2, t3;

      t0 = thread_time_us ();
      {
        g_autoptr(GArray) r = jb_recommender_rank (store, incident, &top10);

        g_assert_cmpuint (r->len, ==, 10);
      }
      t1 = thread_time_us ();
      {
        g_autoptr(GArray) r = jb_recommender_rank (store, incident, &all);

        n_all = r->len;
        for (guint i = 1; i < r->len; i++)
          {
            JbRecommendation *a = &g_array_index (r, JbRecommendation, i - 1);
            JbRecommendation *b = &g_array_index (r, JbRecommendation, i);

            g_assert_true (a->stale <= b->stale);
          }
      }
      t2 = thread_time_us ();
      jb_recommender_top_by_kind (store, incident, &all, &top);
      jb_recommendation_top_clear (&top);
      t3 = thread_time_us ();

      best_top10 = MIN (best_top10, (t1 - t0) / 1000.0);
      best_all = MIN (best_all, (t2 - t1) / 1000.0);
      best_top = MIN (best_top, (t3 - t2) / 1000.0);

      {
        JbRecommendOptions nine = { .now_ms = NOW, .limit = 9 };
        JbPlan plan;
        gint64 t4, t5, t6;

        t4 = thread_time_us ();
        {
          g_autoptr(GArray) r = jb_recommender_rank_mixed (store, incident, &nine);

          g_assert_cmpuint (r->len, ==, 9);
        }
        t5 = thread_time_us ();
        g_assert_true (jb_recommender_plan (store, incident, &all, NULL, &plan));
        jb_plan_clear (&plan);
        t6 = thread_time_us ();
        best_mixed = MIN (best_mixed, (t5 - t4) / 1000.0);
        best_plan = MIN (best_plan, (t6 - t5) / 1000.0);
      }
    }
  g_printerr ("# recommender over %u units: mixed list of 9 %.2f ms, 1-3-5 plan %.2f ms\n", n, best_mixed, best_plan);

  g_assert_cmpuint (n_all, >, n / 2);

  /* The short list (bounded, with its shortcut) is the long one's prefix,
   * also for a scoped duty officer and a kind filter. */
  {
    static const JbRecommendOptions variants[] = {
      { .now_ms = NOW },
      { .now_ms = NOW, .scope_station_id = "st-b" },
      { .now_ms = NOW, .kinds = JB_RECOMMEND_POLICE },
      { .now_ms = NOW, .exclude_stale = TRUE },
    };

    for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
      for (guint limit = 1; limit <= 64; limit *= 4)
        {
          JbRecommendOptions opts = variants[v];
          g_autoptr(GArray) all = jb_recommender_rank (store, incident, &opts);
          g_autoptr(GArray) some = NULL;

          opts.limit = limit;
          some = jb_recommender_rank (store, incident, &opts);
          g_assert_cmpuint (some->len, ==, MIN (limit, all->len));
          for (guint i = 0; i < some->len; i++)
            g_assert_true (g_array_index (some, JbRecommendation, i).unit ==
                           g_array_index (all, JbRecommendation, i).unit);
        }
  }
  g_test_message ("recommender over %u units (%u available), thread CPU time, best of 5: top 10 in %.2f ms,"
                  " all sorted in %.2f ms, top by kind in %.2f ms", n, n_all, best_top10, best_all, best_top);
  g_printerr ("# recommender over %u units: top 10 %.2f ms, all %u sorted %.2f ms, top by kind %.2f ms\n",
              n, best_top10, n_all, best_all, best_top);
}

/* The scene's grid's own people, when close, rank as if 45 s faster. */
static void
test_grid_members (void)
{
  static const UnitSpec units[] = {
    { "u-near", "volunteer", .north_m = 100 },          /* 81.25 s */
    { "u-member", "volunteer", .north_m = 140 },        /* 113.75 s - 45 = 68.75 */
    { "u-officer", "officer", .north_m = 400 },         /* on foot: well over 126 s, less 45 */
    { "u-far-member", "volunteer", .north_m = 2000 },   /* beyond 1.5 km: no preference */
  };
  static const char grids[] =
    "[{\"id\": \"g-a\", \"name\": \"A1\", \"station_id\": \"st-a\","
    "  \"area\": {\"type\": \"Polygon\", \"coordinates\": [[[112.975, 28.195], [112.985, 28.195],"
    "   [112.985, 28.205], [112.975, 28.205]]]},"
    "  \"members\": {\"officer\": \"u-officer\", \"auxiliary\": null,"
    "   \"volunteers\": [\"u-member\", \"u-far-member\"]}}]";
  g_autoptr(JbStore) store = store_new_full (units, G_N_ELEMENTS (units), grids, NULL);
  g_autoptr(JbStore) no_grids = store_new (units, G_N_ELEMENTS (units));
  g_autoptr(GArray) ranked = rank (store, "inc-phone", JB_RECOMMEND_ALL, 0, NULL);
  g_autofree char *ids = ids_of (ranked);

  /* The member 40 m further goes first; the grid officer keeps its
   * place by distance but is marked; the far member gets nothing. */
  g_assert_cmpstr (ids, ==, "u-member u-near u-officer u-far-member");
  g_assert_true (g_array_index (ranked, JbRecommendation, 0).grid_member);
  g_assert_false (g_array_index (ranked, JbRecommendation, 1).grid_member);
  g_assert_true (g_array_index (ranked, JbRecommendation, 2).grid_member);
  g_assert_false (g_array_index (ranked, JbRecommendation, 3).grid_member);
  g_assert_cmpfloat (g_array_index (ranked, JbRecommendation, 2).eta_s, >, 81.25 + 45);
  /* The short list takes the same path. */
  assert_ranking (store, "inc-phone", JB_RECOMMEND_ALL, 2, NULL, "u-member u-near");
  /* Without grids, distance alone. */
  assert_ranking (no_grids, "inc-phone", JB_RECOMMEND_ALL, 0, NULL, "u-near u-member u-officer u-far-member");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/recommender/order-and-availability", test_order_and_availability);
  g_test_add_func ("/core/recommender/kind-filter-and-limit", test_kind_filter_and_limit);
  g_test_add_func ("/core/recommender/ties-by-callsign", test_ties_by_callsign);
  g_test_add_func ("/core/recommender/stale", test_stale);
  g_test_add_func ("/core/recommender/jurisdiction", test_jurisdiction);
  g_test_add_func ("/core/recommender/on-site", test_on_site);
  g_test_add_func ("/core/recommender/top-by-kind", test_top_by_kind);
  g_test_add_func ("/core/recommender/rank-mixed", test_rank_mixed);
  g_test_add_func ("/core/recommender/plan", test_plan);
  g_test_add_func ("/core/recommender/scope-set", test_scope_set);
  g_test_add_func ("/core/recommender/grid-members", test_grid_members);
  g_test_add_func ("/core/recommender/bench-20000", test_bench_20000);
  g_test_add_func ("/core/store/count-units", test_count_units);

  return g_test_run ();
}
