/* jb-config.h — the server's configuration (GET /api/v1/config, the
 * snapshot's "config"), typed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "jb-basemap.h"
#include "jb-enums.h"
#include "jb-targets.h"

G_BEGIN_DECLS

#define JB_TYPE_CONFIG (jb_config_get_type ())

G_DECLARE_FINAL_TYPE (JbConfig, jb_config, JB, CONFIG, GObject)

/* Reads @config (may be NULL). Never fails: members that are absent or of
 * the wrong type keep their defaults, unknown members are ignored, so a
 * newer server's config still reads. */
JbConfig             *jb_config_new_from_json           (JsonObject     *config);

/* The 1-3-5 targets (60, 180, 300 s by default). */
const JbTargetLimits *jb_config_get_target_limits       (JbConfig       *self);
/* How old a position may be before it counts as stale, in seconds: body
 * cameras (guards), police handsets (officers, cars), any unit (30, 30,
 * 120 by default). */
guint                 jb_config_get_body_camera_freshness (JbConfig     *self);
guint                 jb_config_get_handset_freshness   (JbConfig       *self);
guint                 jb_config_get_unit_freshness      (JbConfig       *self);

/* "" when not configured. */
const char           *jb_config_get_city_name           (JbConfig       *self);
const char           *jb_config_get_city_district       (JbConfig       *self);
/* FALSE (outputs untouched) when the config has no usable centre. */
gboolean              jb_config_get_city_center         (JbConfig       *self,
                                                         double         *lat,
                                                         double         *lon);
/* The map zoom of the city view, 0 when not configured. */
double                jb_config_get_city_zoom           (JbConfig       *self);

/* The types and dispositions the server knows that this client knows too,
 * in the server's order; NULL with *n = 0 when the config lists none. */
const JbIncidentType *jb_config_get_incident_types      (JbConfig       *self,
                                                         guint          *n);
const JbDisposition  *jb_config_get_dispositions        (JbConfig       *self,
                                                         guint          *n);

/* config.basemap, the server's map tiles; NULL when it has none (or
 * describes them wrongly). */
const JbBasemap      *jb_config_get_basemap             (JbConfig       *self);

G_END_DECLS
