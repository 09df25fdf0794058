/* jb-simulator.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-simulator"

#include "jb-simulator.h"

struct _JbSimulator
{
  GObject            parent_instance;

  JbDispatch        *dispatch;
  JbSimulatorOptions options;
  guint              tick_id;
};

G_DEFINE_FINAL_TYPE (JbSimulator, jb_simulator, G_TYPE_OBJECT)

static void
jb_simulator_dispose (GObject *object)
{
  JbSimulator *self = (JbSimulator *)object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  G_OBJECT_CLASS (jb_simulator_parent_class)->dispose (object);
}

static void
jb_simulator_class_init (JbSimulatorClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = jb_simulator_dispose;
}

static void
jb_simulator_init (JbSimulator *self)
{
}

void
jb_simulator_options_init (JbSimulatorOptions *options)
{
  options->seed = 20260113;
  options->rate_hz = 0.2;
  options->moving_fraction = 0.3;
  options->alarms_per_min = 0.5;
  options->heartbeat_s = 60;
}

JbSimulator *
jb_simulator_new (JbDispatch               *dispatch,
                  const JbSimulatorOptions *options)
{
  JbSimulator *self = g_object_new (JB_TYPE_SIMULATOR, NULL);

  self->dispatch = dispatch;
  if (options != NULL)
    self->options = *options;
  else
    jb_simulator_options_init (&self->options);
  return self;
}

void
jb_simulator_start (JbSimulator *self)
{
  g_return_if_fail (JB_IS_SIMULATOR (self));
}

void
jb_simulator_stop (JbSimulator *self)
{
  g_return_if_fail (JB_IS_SIMULATOR (self));
  g_clear_handle_id (&self->tick_id, g_source_remove);
}
