/* jb-presence.h — who has which incident open, for the event stream's
 * presence frames
 *
 * Ephemeral: kept in memory only, never in the event log, gone with the
 * connection that told it. docs/protocol.md describes the frames.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define JB_TYPE_PRESENCE (jb_presence_get_type ())

G_DECLARE_FINAL_TYPE (JbPresence, jb_presence, JB, PRESENCE, GObject)

JbPresence *jb_presence_new         (void);
/* What the connection @who (any pointer, unique while it lives) of
 * @username has open: @incident_id, NULL for none. Emits ::changed when
 * the list of viewers changes. */
void        jb_presence_set         (JbPresence    *self,
                                     gconstpointer  who,
                                     const char    *username,
                                     const char    *display_name,
                                     const char    *incident_id);
/* The connection went away. */
void        jb_presence_remove      (JbPresence    *self,
                                     gconstpointer  who);
/* The presence frame: {"type":"presence","time":MS,"data":{"viewers":
 * [{"username","display_name","incident_id","since"}…]}}, no "seq". */
char       *jb_presence_build_frame (JbPresence    *self);

G_END_DECLS
