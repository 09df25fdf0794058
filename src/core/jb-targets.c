/* jb-targets.c — the 1-3-5 response targets of an incident
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-targets"

#include "jb-targets.h"

#include <string.h>

#include "jb-json.h"

#define DEFAULT_GUARD_S     60
#define DEFAULT_POLICE_S    180
#define DEFAULT_REINFORCE_S 300

void
jb_target_limits_init_default (JbTargetLimits *limits)
{
  g_return_if_fail (limits != NULL);

  limits->guard_s = DEFAULT_GUARD_S;
  limits->police_s = DEFAULT_POLICE_S;
  limits->reinforce_s = DEFAULT_REINFORCE_S;
}

static void
read_limit (JsonObject *targets,
            const char *member,
            guint      *out)
{
  gint64 value = 0;

  /* A bad member keeps the default: the clock must show something. */
  if (jb_json_get_int (targets, member, FALSE, &value, NULL) && value > 0 && value <= G_MAXINT)
    *out = (guint) value;
}

gboolean
jb_target_limits_from_config (JsonObject     *config,
                              JbTargetLimits *limits)
{
  JsonObject *targets = NULL;

  g_return_val_if_fail (limits != NULL, FALSE);

  jb_target_limits_init_default (limits);
  if (config == NULL ||
      !jb_json_get_object (config, "targets", FALSE, &targets, NULL) ||
      targets == NULL)
    return FALSE;

  read_limit (targets, "guard_s", &limits->guard_s);
  read_limit (targets, "police_s", &limits->police_s);
  read_limit (targets, "reinforce_s", &limits->reinforce_s);
  return TRUE;
}

/* -1 when @store does not know the unit. */
static int
unit_kind (JbStore    *store,
           const char *unit_id)
{
  JbUnit *unit;

  if (store == NULL || unit_id == NULL || (unit = jb_store_lookup_unit (store, unit_id)) == NULL)
    return -1;
  return (int) jb_unit_get_kind (unit);
}

/* The assignment that arrived at @at, of a police unit or not (unknown
 * units match either), for naming who met a target. */
static const char *
unit_on_scene_at (JbIncident *incident,
                  JbStore    *store,
                  gint64      at,
                  gboolean    police)
{
  guint n = jb_incident_get_n_assignments (incident);

  for (guint i = 0; i < n; i++)
    {
      const JbAssignment *a = jb_incident_get_assignment (incident, i);
      int kind;

      if (a->on_scene_at != at)
        continue;
      kind = unit_kind (store, a->unit_id);
      if (kind < 0 || (jb_unit_kind_is_police ((JbUnitKind) kind) == police))
        return a->unit_id;
    }
  return NULL;
}

/* The first arrival of a unit of the wanted side, from the assignments:
 * only for incidents whose first_*_on_scene_at the server did not set. */
static gint64
first_arrival (JbIncident  *incident,
               JbStore     *store,
               gboolean     police,
               const char **out_unit_id)
{
  guint n = jb_incident_get_n_assignments (incident);
  gint64 best = 0;

  for (guint i = 0; i < n; i++)
    {
      const JbAssignment *a = jb_incident_get_assignment (incident, i);
      int kind = unit_kind (store, a->unit_id);

      if (a->on_scene_at <= 0 || kind < 0 || jb_unit_kind_is_police ((JbUnitKind) kind) != police)
        continue;
      if (best == 0 || a->on_scene_at < best)
        {
          best = a->on_scene_at;
          *out_unit_id = a->unit_id;
        }
    }
  return best;
}

/* A unit's earliest arrival on this incident (a unit released and assigned
 * again is still one unit); 0 when it never arrived. */
static gint64
earliest_arrival_of (JbIncident *incident,
                     const char *unit_id)
{
  guint n = jb_incident_get_n_assignments (incident);
  gint64 best = 0;

  for (guint i = 0; i < n; i++)
    {
      const JbAssignment *a = jb_incident_get_assignment (incident, i);

      if (a->on_scene_at > 0 && g_strcmp0 (a->unit_id, unit_id) == 0 &&
          (best == 0 || a->on_scene_at < best))
        best = a->on_scene_at;
    }
  return best;
}

/* The arrival of the second distinct police unit. Released assignments
 * count: the unit did arrive. Equal times keep the assignments' order. */
static gint64
second_police_arrival (JbIncident  *incident,
                       JbStore     *store,
                       const char **out_unit_id)
{
  guint n = jb_incident_get_n_assignments (incident);
  const char *first_id = NULL, *second_id = NULL;
  gint64 first = 0, second = 0;

  for (guint i = 0; i < n; i++)
    {
      const JbAssignment *a = jb_incident_get_assignment (incident, i);
      int kind;
      gint64 at;

      if (a->on_scene_at <= 0 ||
          g_strcmp0 (a->unit_id, first_id) == 0 || g_strcmp0 (a->unit_id, second_id) == 0)
        continue;
      kind = unit_kind (store, a->unit_id);
      if (kind < 0 || !jb_unit_kind_is_police ((JbUnitKind) kind))
        continue;

      at = earliest_arrival_of (incident, a->unit_id);
      if (first_id == NULL || at < first)
        {
          second = first;
          second_id = first_id;
          first = at;
          first_id = a->unit_id;
        }
      else if (second_id == NULL || at < second)
        {
          second = at;
          second_id = a->unit_id;
        }
    }

  *out_unit_id = second_id;
  return second_id != NULL ? second : 0;
}

static void
evaluate_one (JbTarget   *target,
              gint64      limit_ms,
              gint64      met_at,
              const char *unit_id,
              gint64      created_at,
              gint64      clock_ms,
              gboolean    frozen)
{
  target->limit_ms = limit_ms;
  target->met_at = met_at;
  target->unit_id = met_at > 0 ? unit_id : NULL;
  target->remaining_ms = 0;
  target->overdue_ms = 0;

  if (met_at > 0)
    {
      /* The server's word that it happened wins over our clock. */
      target->elapsed_ms = MAX (met_at - created_at, 0);
      if (target->elapsed_ms <= limit_ms)
        target->state = JB_TARGET_STATE_MET;
      else
        {
          target->state = JB_TARGET_STATE_MET_LATE;
          target->overdue_ms = target->elapsed_ms - limit_ms;
        }
      return;
    }

  target->elapsed_ms = clock_ms;
  if (clock_ms > limit_ms)
    {
      target->state = JB_TARGET_STATE_OVERDUE;
      target->overdue_ms = clock_ms - limit_ms;
    }
  else if (frozen)
    target->state = JB_TARGET_STATE_NOT_NEEDED;
  else
    {
      target->state = JB_TARGET_STATE_PENDING;
      target->remaining_ms = limit_ms - clock_ms;
    }
}

void
jb_targets_evaluate (JbIncident           *incident,
                     const JbTargetLimits *limits,
                     JbStore              *store,
                     gint64                now_ms,
                     JbTargets            *out)
{
  JbTargetLimits defaults;
  gint64 created_at, end_at, met_at;
  const char *unit_id = NULL;

  g_return_if_fail (JB_IS_INCIDENT (incident));
  g_return_if_fail (store == NULL || JB_IS_STORE (store));
  g_return_if_fail (out != NULL);

  if (limits == NULL)
    {
      jb_target_limits_init_default (&defaults);
      limits = &defaults;
    }

  memset (out, 0, sizeof *out);
  created_at = jb_incident_get_created_at (incident);

  /* The clock stops when the incident stops being active. */
  end_at = jb_incident_get_resolved_at (incident);
  if (end_at <= 0)
    end_at = jb_incident_get_closed_at (incident);
  if (end_at <= 0 && !jb_incident_status_is_open (jb_incident_get_status (incident)))
    end_at = jb_incident_get_updated_at (incident);  /* closed without a time: the last change */
  out->frozen = end_at > 0;
  out->clock_ms = MAX ((out->frozen ? end_at : now_ms) - created_at, 0);

  met_at = jb_incident_get_first_guard_on_scene_at (incident);
  if (met_at > 0)
    unit_id = unit_on_scene_at (incident, store, met_at, FALSE);
  else
    met_at = first_arrival (incident, store, FALSE, &unit_id);
  evaluate_one (&out->targets[JB_TARGET_GUARD], (gint64) limits->guard_s * 1000, met_at, unit_id,
                created_at, out->clock_ms, out->frozen);

  unit_id = NULL;
  met_at = jb_incident_get_first_police_on_scene_at (incident);
  if (met_at > 0)
    unit_id = unit_on_scene_at (incident, store, met_at, TRUE);
  else
    met_at = first_arrival (incident, store, TRUE, &unit_id);
  evaluate_one (&out->targets[JB_TARGET_POLICE], (gint64) limits->police_s * 1000, met_at, unit_id,
                created_at, out->clock_ms, out->frozen);

  unit_id = NULL;
  met_at = second_police_arrival (incident, store, &unit_id);
  evaluate_one (&out->targets[JB_TARGET_REINFORCE], (gint64) limits->reinforce_s * 1000, met_at,
                unit_id, created_at, out->clock_ms, out->frozen);

  out->worst = JB_TARGET_STATE_MET;
  out->next_change_ms = -1;
  for (guint i = 0; i < JB_TARGET_N; i++)
    {
      const JbTarget *t = &out->targets[i];

      out->worst = MAX (out->worst, t->state);
      /* At remaining 0 it is still on time; one ms later it is not. */
      if (t->state == JB_TARGET_STATE_PENDING &&
          (out->next_change_ms < 0 || t->remaining_ms + 1 < out->next_change_ms))
        out->next_change_ms = t->remaining_ms + 1;
    }
}

JbTargetState
jb_targets_get_worst_state (JbIncident           *incident,
                            const JbTargetLimits *limits,
                            JbStore              *store,
                            gint64                now_ms)
{
  JbTargets targets;

  g_return_val_if_fail (JB_IS_INCIDENT (incident), JB_TARGET_STATE_MET);

  jb_targets_evaluate (incident, limits, store, now_ms, &targets);
  return targets.worst;
}

const char *
jb_target_state_to_string (JbTargetState state)
{
  switch (state)
    {
    case JB_TARGET_STATE_MET: return "met";
    case JB_TARGET_STATE_NOT_NEEDED: return "not_needed";
    case JB_TARGET_STATE_MET_LATE: return "met_late";
    case JB_TARGET_STATE_PENDING: return "pending";
    case JB_TARGET_STATE_OVERDUE: return "overdue";
    default: return NULL;
    }
}

const char *
jb_target_kind_to_string (JbTargetKind kind)
{
  switch (kind)
    {
    case JB_TARGET_GUARD: return "guard";
    case JB_TARGET_POLICE: return "police";
    case JB_TARGET_REINFORCE: return "reinforce";
    case JB_TARGET_N:
    default: return NULL;
    }
}
