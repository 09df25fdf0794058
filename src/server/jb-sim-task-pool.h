/* jb-sim-task-pool.h — streaming threads at a low priority, for the
 * simulated cameras
 *
 * A simulated camera stands for a terminal's own processor, but it
 * encodes on the cores of the dispatch server it loads. Each streaming
 * thread of a pipeline set on this pool is a thread of its own, started
 * at a lower priority (nice 10, or the process's own if higher) and ended
 * with its task, so the lower priority never passes to a thread that
 * GLib's shared pool would hand to other work (logins, tiles, clip
 * checks).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define JB_TYPE_SIM_TASK_POOL (jb_sim_task_pool_get_type ())

G_DECLARE_FINAL_TYPE (JbSimTaskPool, jb_sim_task_pool, JB, SIM_TASK_POOL, GstTaskPool)

/* A pool whose threads run at nice @nice (0–19). */
GstTaskPool *jb_sim_task_pool_new (int nice);

G_END_DECLS
