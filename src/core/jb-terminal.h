/* jb-terminal.h — a device: alarm button, body camera, sensor, police handset
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "jb-enums.h"

G_BEGIN_DECLS

#define JB_TYPE_TERMINAL (jb_terminal_get_type ())

G_DECLARE_FINAL_TYPE (JbTerminal, jb_terminal, JB, TERMINAL, GObject)

JbTerminal     *jb_terminal_new_from_json            (JsonNode    *node,
                                                      GError     **error);
JsonNode       *jb_terminal_to_json                  (JbTerminal  *self);

const char     *jb_terminal_get_id                   (JbTerminal  *self);
JbTerminalKind  jb_terminal_get_kind                 (JbTerminal  *self);
const char     *jb_terminal_get_name                 (JbTerminal  *self);
/* The venue getters return NULL (kind: JB_VENUE_KIND_N) when the terminal
 * has no venue (mobile terminals). */
gboolean        jb_terminal_has_venue                (JbTerminal  *self);
const char     *jb_terminal_get_venue_name           (JbTerminal  *self);
JbVenueKind     jb_terminal_get_venue_kind           (JbTerminal  *self);
const char     *jb_terminal_get_venue_address        (JbTerminal  *self);
const char     *jb_terminal_get_venue_contact        (JbTerminal  *self);
const char     *jb_terminal_get_venue_phone          (JbTerminal  *self);
const char     *jb_terminal_get_station_id           (JbTerminal  *self);
/* NULL for fixed terminals. */
const char     *jb_terminal_get_unit_id              (JbTerminal  *self);
/* The security company, volunteer team or station it belongs to; NULL
 * when none. */
const char     *jb_terminal_get_org_id               (JbTerminal  *self);
/* FALSE when the terminal has no fixed location (mobile terminals). */
gboolean        jb_terminal_get_location             (JbTerminal  *self,
                                                      double      *lat,
                                                      double      *lon);
gboolean        jb_terminal_get_online               (JbTerminal  *self);
/* 0 when never seen. */
gint64          jb_terminal_get_last_seen_at         (JbTerminal  *self);
guint           jb_terminal_get_heartbeat_interval_s (JbTerminal  *self);
gboolean        jb_terminal_get_gateway              (JbTerminal  *self);

G_END_DECLS
