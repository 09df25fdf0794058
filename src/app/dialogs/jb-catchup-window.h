/* jb-catchup-window.h — what was done while the server was out of reach
 *
 * Lists the commands of the outbox's journal
 * (jb_command_queue_get_journal()): the time each was given, what it was,
 * and its outcome (waiting, sent, confirmed, refused with the server's
 * reason). Confirmed and refused ones stay until dismissed, one by one
 * or all confirmed at once, so the dispatcher confirms or corrects them.
 * New incidents show as drafts until the server gives their number.
 *
 * The window should bind:
 *   win.catch-up   Ctrl+Shift+O   presents it; the window also presents
 *                                  it when the connection comes back with
 *                                  commands given offline.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jb-client.h"

G_BEGIN_DECLS

#define JB_TYPE_CATCHUP_WINDOW (jb_catchup_window_get_type ())

G_DECLARE_FINAL_TYPE (JbCatchupWindow, jb_catchup_window, JB, CATCHUP_WINDOW, AdwWindow)

JbCatchupWindow *jb_catchup_window_new               (JbClient        *client);
/* Dismisses every confirmed command (refused ones stay); how many. */
guint            jb_catchup_window_dismiss_confirmed (JbCatchupWindow *self);
/* The one-line description of @command shown in a row (for tests). */
char            *jb_catchup_describe                 (JbClient        *client,
                                                      JbCommand       *command);

G_END_DECLS
