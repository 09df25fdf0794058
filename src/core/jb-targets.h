/* jb-targets.h — the 1-3-5 response targets of an incident
 *
 * A guard on scene within guard_s (1 min), police within police_s (3 min),
 * reinforcement within reinforce_s (5 min), counted from the incident's
 * created_at. Pure functions: no I/O, no clock of their own (the caller
 * passes now). docs/dispatch.md defines each target precisely.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "jb-incident.h"
#include "jb-store.h"

G_BEGIN_DECLS

typedef enum
{
  JB_TARGET_GUARD,      /* first guard (or volunteer) on scene */
  JB_TARGET_POLICE,     /* first police unit (officer, patrol car) on scene */
  JB_TARGET_REINFORCE,  /* second police unit on scene */
  JB_TARGET_N
} JbTargetKind;

/* Ordered by urgency, so the worst of several is their maximum. */
typedef enum
{
  JB_TARGET_STATE_MET,         /* met within the limit */
  JB_TARGET_STATE_NOT_NEEDED,  /* the incident ended before the limit, target unmet */
  JB_TARGET_STATE_MET_LATE,    /* met, after the limit */
  JB_TARGET_STATE_PENDING,     /* not met yet, the limit not passed (time left may be 0) */
  JB_TARGET_STATE_OVERDUE,     /* not met and the limit passed */
} JbTargetState;

/* The limits, in seconds. */
typedef struct
{
  guint guard_s;
  guint police_s;
  guint reinforce_s;
} JbTargetLimits;

typedef struct
{
  JbTargetState  state;
  gint64         limit_ms;      /* the limit, counted from created_at */
  gint64         met_at;        /* when it was met (ms since the epoch), 0 when not */
  const char    *unit_id;       /* the unit that met it (borrowed from the incident), NULL when not met */
  gint64         elapsed_ms;    /* MET, MET_LATE: met_at - created_at; otherwise the incident's clock */
  gint64         remaining_ms;  /* PENDING: time left (>= 0); 0 otherwise */
  gint64         overdue_ms;    /* OVERDUE: by how much so far (or when it ended);
                                 * MET_LATE: how late; 0 otherwise */
} JbTarget;

typedef struct
{
  JbTarget       targets[JB_TARGET_N];
  JbTargetState  worst;          /* the maximum of the three: OVERDUE turns the incident red */
  gint64         clock_ms;       /* time since created_at, stopped when the incident ended */
  gboolean       frozen;         /* resolved or closed: the clock stopped at that moment */
  gint64         next_change_ms; /* in how many ms a state changes by time alone (a PENDING
                                  * target becoming OVERDUE), -1 when none will */
} JbTargets;

/* 60, 180, 300. */
void           jb_target_limits_init_default  (JbTargetLimits       *limits);
/* Reads config.targets ({"guard_s", "police_s", "reinforce_s"}) of a
 * config object (GET /api/v1/config, the snapshot's config; may be NULL).
 * Members that are absent or not positive integers keep the defaults;
 * FALSE when @config has no usable "targets" object at all. */
gboolean       jb_target_limits_from_config   (JsonObject           *config,
                                               JbTargetLimits       *limits);

/* Evaluates the three targets of @incident at @now_ms (ms since the
 * epoch). @store gives the kinds of assigned units (for reinforcement) and
 * may be NULL; a unit it does not know does not count as police. A
 * resolved or closed incident is frozen at resolved_at (else closed_at):
 * the result no longer depends on @now_ms. */
void           jb_targets_evaluate            (JbIncident           *incident,
                                               const JbTargetLimits *limits,
                                               JbStore              *store,
                                               gint64                now_ms,
                                               JbTargets            *out);

/* The same, just the worst state (for sorting and colouring a queue). */
JbTargetState  jb_targets_get_worst_state     (JbIncident           *incident,
                                               const JbTargetLimits *limits,
                                               JbStore              *store,
                                               gint64                now_ms);

/* "met", "not_needed", "met_late", "pending", "overdue". */
const char    *jb_target_state_to_string      (JbTargetState         state);
/* "guard", "police", "reinforce". */
const char    *jb_target_kind_to_string       (JbTargetKind          kind);

G_END_DECLS
