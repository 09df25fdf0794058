/* jb-clip-panel.h — the incident's video clips in its detail: the list
 * and the player
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-client.h"
#include "jb-clip-cache.h"
#include "jb-clip-list.h"
#include "jb-clip-player.h"

G_BEGIN_DECLS

#define JB_TYPE_CLIP_PANEL (jb_clip_panel_get_type ())

G_DECLARE_FINAL_TYPE (JbClipPanel, jb_clip_panel, JB, CLIP_PANEL, GtkWidget)

GtkWidget    *jb_clip_panel_new          (void);
void          jb_clip_panel_set_client   (JbClipPanel *self,
                                          JbClient    *client,
                                          JbClipCache *cache);
/* Shows @incident's clips (hidden when none); NULL or another item hides. */
void          jb_clip_panel_set_incident (JbClipPanel *self,
                                          JbIncident  *incident);
JbIncident   *jb_clip_panel_get_incident (JbClipPanel *self);
JbClipList   *jb_clip_panel_get_list     (JbClipPanel *self);
JbClipPlayer *jb_clip_panel_get_player   (JbClipPanel *self);
/* The clip in the player, else the newest verified one; NULL when none. */
JbClip       *jb_clip_panel_get_clip     (JbClipPanel *self);
/* Plays the selected clip, else the newest verified one, and gives the
 * player the focus; FALSE when the incident has no clip to play. */
gboolean      jb_clip_panel_play         (JbClipPanel *self);

G_END_DECLS
