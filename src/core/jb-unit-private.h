/* jb-unit-private.h — what the store may do to a unit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-unit.h"

G_BEGIN_DECLS

/* Replaces every field from a Unit object (validated first: on error
 * @self is unchanged). The id must match. Notifies changed properties. */
gboolean  _jb_unit_update_from_json (JbUnit           *self,
                                     JsonNode         *node,
                                     GError          **error);
/* In place, no notification (the store batches moves). */
void      _jb_unit_set_position     (JbUnit           *self,
                                     const JbPosition *position);
/* The unit's index in the store's list, kept by the store. */
guint     _jb_unit_get_index        (JbUnit           *self);
void      _jb_unit_set_index        (JbUnit           *self,
                                     guint             index);

/* Takes over @fresh's fields (as an update would, with notifications);
 * @fresh is left empty and must only be unreffed. Ids must match. */
void     _jb_unit_update_from_unit (JbUnit *self,
                                    JbUnit *fresh);

G_END_DECLS
