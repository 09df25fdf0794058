/* jb-wall-window.h — one fullscreen wall screen: its panes and the corner
 *
 * The corner (connection state, age of the data, clock) is an overlay
 * drawn over every pane and cannot be hidden. The window takes no input
 * (nothing focusable, nothing clickable); its text is at least the
 * minimum height set for its monitor; everything shifts by a few pixels
 * now and then against burn-in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jb-client.h"

G_BEGIN_DECLS

#define JB_TYPE_WALL_WINDOW (jb_wall_window_get_type ())

G_DECLARE_FINAL_TYPE (JbWallWindow, jb_wall_window, JB, WALL_WINDOW, AdwApplicationWindow)

JbWallWindow *jb_wall_window_new              (GtkApplication *application,
                                               JbClient       *client);
JbClient     *jb_wall_window_get_client       (JbWallWindow   *self);

/* Replaces the panes shown side by side (the first one expands). The
 * window does not own them beyond their being its children: the caller
 * keeps a reference to move them between windows. */
void          jb_wall_window_set_panes        (JbWallWindow   *self,
                                               GtkWidget     **panes,
                                               guint           n_panes);
guint         jb_wall_window_get_n_panes      (JbWallWindow   *self);
GtkWidget    *jb_wall_window_get_pane         (JbWallWindow   *self,
                                               guint           i);

/* The smallest text, in this window's pixels; the corner is larger. */
void          jb_wall_window_set_min_text_px  (JbWallWindow   *self,
                                               double          px);
double        jb_wall_window_get_min_text_px  (JbWallWindow   *self);

/* A line shown in the corner instead of the data's age (e.g. why
 * signing in failed); NULL: the age again. */
void          jb_wall_window_set_message      (JbWallWindow   *self,
                                               const char     *message);

/* Burn-in: every @seconds (0: never) the content moves to the next of a
 * few offsets within ±JB_WALL_SHIFT_PX. */
#define JB_WALL_SHIFT_PX 4
void          jb_wall_window_set_shift_interval (JbWallWindow *self,
                                                 guint         seconds);
void          jb_wall_window_shift              (JbWallWindow *self);
void          jb_wall_window_get_shift          (JbWallWindow *self,
                                                 int          *dx,
                                                 int          *dy);

/* The corner and its labels, for tests. */
GtkWidget    *jb_wall_window_get_corner       (JbWallWindow   *self);
const char   *jb_wall_window_get_clock_text   (JbWallWindow   *self);
const char   *jb_wall_window_get_state_text   (JbWallWindow   *self);
const char   *jb_wall_window_get_age_text     (JbWallWindow   *self);
guint         jb_wall_window_get_n_glyphs_drawn (JbWallWindow *self);

G_END_DECLS
