/* jb-background-private.h — big jobs off the main loop, behind it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Like g_task_run_in_thread(), on a thread of its own at a lower CPU
 * priority (nice +5), for the rare big jobs (parsing and building a
 * city's snapshot, letting go of the old one): on a busy machine they
 * must not take the CPU from the main loop that draws and takes keys.
 * @func returns through @task as usual. */
void _jb_task_run_in_background (GTask           *task,
                                 GTaskThreadFunc  func);

G_END_DECLS
