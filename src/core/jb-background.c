/* jb-background.c — big jobs off the main loop, behind it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-background"

#include "jb-background-private.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#define BACKGROUND_NICE 5

typedef struct
{
  GTask           *task;
  GTaskThreadFunc  func;
} Job;

static gpointer
run_job (gpointer data)
{
  Job *job = data;

#ifdef __linux__
  /* Linux gives each thread its own nice value. */
  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), BACKGROUND_NICE) != 0)
    g_debug ("Cannot lower the priority of a background thread");
#endif
  job->func (job->task, g_task_get_source_object (job->task), g_task_get_task_data (job->task),
             g_task_get_cancellable (job->task));
  /* The return holds its own reference until the callback ran on the
   * task's context: this is not the last one. */
  g_object_unref (job->task);
  g_free (job);
  return NULL;
}

void
_jb_task_run_in_background (GTask           *task,
                            GTaskThreadFunc  func)
{
  Job *job;

  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (func != NULL);

  job = g_new0 (Job, 1);
  job->task = g_object_ref (task);
  job->func = func;
  g_thread_unref (g_thread_new ("jb-background", run_job, job));
}
