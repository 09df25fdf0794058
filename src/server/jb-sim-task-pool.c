/* jb-sim-task-pool.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-simulator"

#include "jb-sim-task-pool.h"

#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>

struct _JbSimTaskPool
{
  GstTaskPool parent_instance;
  int         nice;
};

G_DEFINE_FINAL_TYPE (JbSimTaskPool, jb_sim_task_pool, GST_TYPE_TASK_POOL)

typedef struct
{
  GstTaskPoolFunction func;
  gpointer            user_data;
  int                 nice;
} Job;

static gpointer
job_thread (gpointer data)
{
  Job *job = data;
  int current;

  /* Per thread on Linux: only this one gives way. Never raised, though,
   * as a privileged process could: a server run at nice 15 stays there. */
  errno = 0;
  current = getpriority (PRIO_PROCESS, (id_t) gettid ());
  if ((errno != 0 || current < job->nice) && setpriority (PRIO_PROCESS, (id_t) gettid (), job->nice) != 0)
    g_debug ("Cannot lower a camera thread's priority: %s", g_strerror (errno));
  job->func (job->user_data);
  g_free (job);
  return NULL;
}

static void
jb_sim_task_pool_prepare (GstTaskPool  *pool,
                          GError      **error)
{
  /* Nothing to prepare: each task gets a thread of its own. */
}

static void
jb_sim_task_pool_cleanup (GstTaskPool *pool)
{
}

static gpointer
jb_sim_task_pool_push (GstTaskPool          *pool,
                       GstTaskPoolFunction   func,
                       gpointer              user_data,
                       GError              **error)
{
  Job *job = g_new (Job, 1);
  GThread *thread;

  job->func = func;
  job->user_data = user_data;
  job->nice = JB_SIM_TASK_POOL (pool)->nice;
  thread = g_thread_try_new ("jb-camera", job_thread, job, error);
  if (thread == NULL)
    g_free (job);
  return thread;
}

static void
jb_sim_task_pool_join (GstTaskPool *pool,
                       gpointer     id)
{
  g_thread_join (id);
}

static void
jb_sim_task_pool_dispose_handle (GstTaskPool *pool,
                                 gpointer     id)
{
  g_thread_unref (id);
}

static void
jb_sim_task_pool_class_init (JbSimTaskPoolClass *klass)
{
  GstTaskPoolClass *pool_class = GST_TASK_POOL_CLASS (klass);

  pool_class->prepare = jb_sim_task_pool_prepare;
  pool_class->cleanup = jb_sim_task_pool_cleanup;
  pool_class->push = jb_sim_task_pool_push;
  pool_class->join = jb_sim_task_pool_join;
  pool_class->dispose_handle = jb_sim_task_pool_dispose_handle;
}

static void
jb_sim_task_pool_init (JbSimTaskPool *self)
{
}

GstTaskPool *
jb_sim_task_pool_new (int nice)
{
  JbSimTaskPool *self = g_object_new (JB_TYPE_SIM_TASK_POOL, NULL);

  self->nice = CLAMP (nice, 0, 19);
  return GST_TASK_POOL (self);
}
