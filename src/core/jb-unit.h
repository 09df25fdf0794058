/* jb-unit.h — a unit in the field: officer, patrol car, guard or volunteer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "jb-enums.h"
#include "jb-position.h"

G_BEGIN_DECLS

#define JB_TYPE_UNIT (jb_unit_get_type ())

G_DECLARE_FINAL_TYPE (JbUnit, jb_unit, JB, UNIT, GObject)

/* Read-only from outside: the store updates units in place (and notifies
 * the properties that changed) as server events arrive. Position moves are
 * NOT notified per unit: they are batched by JbStore::units-moved. */
JbUnit       *jb_unit_new_from_json     (JsonNode    *node,
                                         GError     **error);
JsonNode     *jb_unit_to_json           (JbUnit      *self);

const char   *jb_unit_get_id            (JbUnit      *self);
JbUnitKind    jb_unit_get_kind          (JbUnit      *self);
JbUnitStatus  jb_unit_get_status        (JbUnit      *self);
const char   *jb_unit_get_callsign      (JbUnit      *self);
const char   *jb_unit_get_name          (JbUnit      *self);
const char   *jb_unit_get_org_id        (JbUnit      *self);
const char   *jb_unit_get_org_name      (JbUnit      *self);
const char   *jb_unit_get_station_id    (JbUnit      *self);
/* NULL when none. */
const char   *jb_unit_get_terminal_id   (JbUnit      *self);
const char   *jb_unit_get_incident_id   (JbUnit      *self);
const char   *jb_unit_get_phone         (JbUnit      *self);
gint64        jb_unit_get_updated_at    (JbUnit      *self);
/* FALSE (and *out untouched) when the unit has no position. */
gboolean      jb_unit_get_position      (JbUnit      *self,
                                         JbPosition  *out);
gboolean      jb_unit_has_position      (JbUnit      *self);

G_END_DECLS
