/* jb-incident-private.h — what the store may do to an incident
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-incident.h"

G_BEGIN_DECLS

/* Replaces every field (validated first: on error @self is unchanged). */
gboolean _jb_incident_update_from_json (JbIncident  *self,
                                        JsonNode    *node,
                                        GError     **error);

/* Takes over @fresh's fields (as an update would, with notifications);
 * @fresh is left empty and must only be unreffed. Ids must match. */
void     _jb_incident_update_from_incident (JbIncident *self,
                                            JbIncident *fresh);
/* Adds @clip, or updates the incident's clip of the same id from it;
 * returns the incident's clip (borrowed). */
JbClip  *_jb_incident_put_clip     (JbIncident *self,
                                    JbClip     *clip);
gboolean _jb_incident_remove_clip  (JbIncident *self,
                                    const char *clip_id);

G_END_DECLS
