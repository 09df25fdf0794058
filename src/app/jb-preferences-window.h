/* jb-preferences-window.h — the settings: server, map, alerts, wall
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define JB_TYPE_PREFERENCES_WINDOW (jb_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (JbPreferencesWindow, jb_preferences_window, JB, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* Edits @settings (the io.github.jingbao.Console schema) in place. */
JbPreferencesWindow *jb_preferences_window_new (GSettings           *settings);

/* Types @text into a row and applies it, as a person would (tests):
 * @row is "server", "servers", "tile", "scope", "layout" or "wall-user".
 * FALSE when the value was refused (the row then shows an error). */
gboolean             jb_preferences_window_apply_text (JbPreferencesWindow *self,
                                                       const char          *row,
                                                       const char          *text);

G_END_DECLS
