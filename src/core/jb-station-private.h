/* jb-station-private.h — what the store may do to a station
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-station.h"

G_BEGIN_DECLS

/* Replaces every field (validated first: on error @self is unchanged). */
gboolean _jb_station_update_from_json (JbStation   *self,
                                       JsonNode    *node,
                                       GError     **error);

/* Takes over @fresh's fields (as an update would, with notifications);
 * @fresh is left empty and must only be unreffed. Ids must match. */
void     _jb_station_update_from_station (JbStation *self,
                                          JbStation *fresh);

G_END_DECLS
