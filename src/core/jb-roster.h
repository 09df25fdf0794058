/* jb-roster.h — a station's duty roster (值班表), typed
 *
 * Parsed once from the station's "roster" member (docs/protocol.md,
 * "Station"): the duty day, the leader on duty (带班领导), the duty
 * officers (值班民警) and the duty desk's phone. Immutable and shared by
 * reference: a roster change brings a new one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One person on a roster; @rank is the leader's only, @unit_id an
 * officer's only (both may be NULL). */
typedef struct
{
  const char *name;
  const char *phone;
  const char *rank;
  const char *unit_id;
} JbRosterPerson;

#define JB_TYPE_ROSTER (jb_roster_get_type ())

typedef struct _JbRoster JbRoster;

GType                 jb_roster_get_type       (void) G_GNUC_CONST;

/* Every member the protocol names is required: "date" (YYYY-MM-DD),
 * "leader" {name, phone, rank?}, "officers" [{name, phone, unit_id?}…]
 * and "phone"; a missing one or a wrong type is an error naming the
 * field ("roster.officers[2].phone"). Unknown members are tolerated. */
JbRoster             *jb_roster_new_from_json  (JsonNode        *node,
                                                GError         **error);
JsonNode             *jb_roster_to_json        (const JbRoster  *self);

JbRoster             *jb_roster_ref            (JbRoster        *self);
void                  jb_roster_unref          (JbRoster        *self);

const char           *jb_roster_get_date       (const JbRoster  *self);
/* The duty desk's phone. */
const char           *jb_roster_get_phone      (const JbRoster  *self);
const JbRosterPerson *jb_roster_get_leader     (const JbRoster  *self);
guint                 jb_roster_get_n_officers (const JbRoster  *self);
const JbRosterPerson *jb_roster_get_officer    (const JbRoster  *self,
                                                guint            i);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbRoster, jb_roster_unref)

G_END_DECLS
