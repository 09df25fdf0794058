/* jb-recommender.h — which available units to send to an incident
 *
 * Pure functions over the store (no I/O, no signals): the nearest
 * available units by estimated time of arrival, honouring the station's
 * jurisdiction and a duty officer's scope. The model (speeds, detour
 * factor, staleness, tie-breaking) is in docs/dispatch.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "jb-incident.h"
#include "jb-store.h"
#include "jb-targets.h"
#include "jb-unit.h"

G_BEGIN_DECLS

/* Which kinds of unit to consider; 0 (JB_RECOMMEND_ALL) means every kind. */
typedef enum
{
  JB_RECOMMEND_ALL         = 0,
  JB_RECOMMEND_OFFICERS    = 1 << JB_UNIT_KIND_OFFICER,
  JB_RECOMMEND_PATROL_CARS = 1 << JB_UNIT_KIND_PATROL_CAR,
  JB_RECOMMEND_GUARDS      = 1 << JB_UNIT_KIND_GUARD,
  JB_RECOMMEND_VOLUNTEERS  = 1 << JB_UNIT_KIND_VOLUNTEER,
  JB_RECOMMEND_POLICE      = JB_RECOMMEND_OFFICERS | JB_RECOMMEND_PATROL_CARS,
} JbRecommendKinds;

/* All-zero is a valid default: every kind, no limit, the wall clock, no
 * scope, stale units ranked after the fresh ones. */
typedef struct
{
  JbRecommendKinds  kinds;
  guint             limit;             /* at most this many; 0: all */
  gint64            now_ms;            /* for staleness; 0: g_get_real_time () */
  const char       *scope_station_id;  /* only units of this station; NULL: all (borrowed) */
  const char * const *scope_station_ids; /* only units of these stations (NULL-terminated,
                                        * borrowed); NULL: scope_station_id decides */
  gboolean          exclude_stale;     /* drop units whose fix is stale instead of ranking them last */
} JbRecommendOptions;

typedef struct
{
  JbUnit   *unit;             /* a reference, dropped when the array is freed */
  double    distance_m;       /* great-circle, unit to scene */
  double    eta_s;            /* estimated time of arrival */
  gboolean  in_jurisdiction;  /* the unit works for the incident's station */
  gboolean  stale;            /* its fix is older than config.freshness.unit_s */
  gboolean  on_site;          /* the venue's own guard, or the unit whose terminal raised the alarm */
  gboolean  grid_member;      /* one of the people of the scene's grid (网格), and close */
} JbRecommendation;

/* The best unit of each role for the 1-3-5 targets; a slot's .unit is NULL
 * when no unit qualifies. References as in JbRecommendation: clear with
 * jb_recommendation_top_clear(). */
typedef struct
{
  JbRecommendation guard;      /* best guard or volunteer (the 1-minute target) */
  JbRecommendation police;     /* best officer or patrol car (3 minutes) */
  JbRecommendation reinforce;  /* the next police unit after .police (5 minutes) */
} JbRecommendationTop;

/* Fills @options from the logged-in user ({"role", "station_id"}, as
 * jb_client_get_user() or jb_store_get_user() give it; may be NULL): a
 * duty officer is scoped to its station (it can command only those units).
 * Other fields are zeroed; @options borrows the user's strings. */
void     jb_recommend_options_init      (JbRecommendOptions        *options,
                                         JsonObject                *user);

/* The same from the typed user (jb_client_get_role(),
 * jb_client_get_station_ids()): a duty officer is scoped to its stations
 * (borrowed). */
void     jb_recommend_options_init_for_user (JbRecommendOptions    *options,
                                         JbRole                     role,
                                         const char * const        *station_ids);

/* The available units for @incident, best first: a GArray of
 * JbRecommendation (its clear function drops the references; free with
 * g_array_unref). Empty when the incident has no location. Available
 * means status "available", no incident and a position. */
GArray  *jb_recommender_rank            (JbStore                   *store,
                                         JbIncident                *incident,
                                         const JbRecommendOptions  *options);

/* The same for a point (a report being entered by hand) in the
 * jurisdiction of @station_id (NULL: found with jb_station_contains()). */
GArray  *jb_recommender_rank_at         (JbStore                   *store,
                                         double                     lat,
                                         double                     lon,
                                         const char                *station_id,
                                         const JbRecommendOptions  *options);

/* The best guard, police unit and reinforcement for @incident
 * (options->kinds and ->limit are ignored). FALSE when all three slots
 * are empty. */
gboolean jb_recommender_top_by_kind     (JbStore                   *store,
                                         JbIncident                *incident,
                                         const JbRecommendOptions  *options,
                                         JbRecommendationTop       *out);
void     jb_recommendation_top_clear    (JbRecommendationTop       *top);

/* The numbered list: the best units of every kind, mixed so that police
 * are never buried under a venue's guards. Two lists are ranked (guards
 * and volunteers; officers and patrol cars) and merged by ranking key,
 * but never more than two of one list in a row while the other has
 * units: police show within the first three keys whenever there are any.
 * options->kinds is ignored, options->limit applies (0: 9). */
GArray  *jb_recommender_rank_mixed      (JbStore                   *store,
                                         JbIncident                *incident,
                                         const JbRecommendOptions  *options);

/* One row of the 1-3-5 plan: the target it serves, what is already
 * assigned for it, and otherwise the unit proposed for it. */
typedef struct
{
  JbTargetKind      target;            /* JB_TARGET_GUARD, _POLICE, _REINFORCE */
  JbTarget          state;             /* the target now (jb_targets_evaluate) */
  guint             limit_s;           /* the target's limit */
  const char       *assigned_unit_id;  /* the active assignment filling the row (borrowed from
                                        * the incident), NULL: none */
  JbAssignmentState assigned_state;    /* its state, when assigned_unit_id is set */
  JbRecommendation  proposal;          /* the best free unit for a missing row; .unit NULL when
                                        * the row is filled or nobody qualifies */
  double            slack_s;           /* proposal: the time left to the limit less its ETA
                                        * (negative: it would arrive late) */
} JbPlanRow;

typedef struct
{
  JbPlanRow rows[JB_TARGET_N];
  gint64    clock_ms;                  /* the incident's clock at now_ms */
} JbPlan;

/* The 1-3-5 plan for @incident at options->now_ms: a guard (or volunteer),
 * a police unit and a second police unit. Active assignments fill the
 * rows in the order they were made (the first guard-like unit the guard
 * row, the first police unit the police row, the second the
 * reinforcement); a target already met counts as filled. Each missing row
 * gets the best free unit of its kind (the two police rows the best two
 * police units), honouring options->scope_station_id. FALSE when the
 * incident has no location (every proposal is then empty). Clear with
 * jb_plan_clear(). */
gboolean jb_recommender_plan            (JbStore                   *store,
                                         JbIncident                *incident,
                                         const JbRecommendOptions  *options,
                                         const JbTargetLimits      *limits,
                                         JbPlan                    *out);
void     jb_plan_clear                  (JbPlan                    *plan);
/* Whether the row is filled: assigned, or its target met. */
gboolean jb_plan_row_is_filled          (const JbPlanRow           *row);
/* The first row that is missing and has a proposal, or -1. */
int      jb_plan_next_missing           (const JbPlan              *plan);

/* The model's estimate for one unit kind over a great-circle distance
 * (detour factor, speed and start-up included). */
double   jb_recommender_estimate_eta_s  (JbUnitKind                 kind,
                                         double                     distance_m);

G_END_DECLS
