/* jb-simulator.h — drives the demo city through the device API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _JbDispatch JbDispatch;

typedef struct
{
  guint32 seed;
  double  rate_hz;          /* position reports per unit per second for moving units */
  double  moving_fraction;  /* share of units that move */
  double  alarms_per_min;   /* new one-click alarms per minute */
  double  heartbeat_s;      /* terminal heartbeat period */
} JbSimulatorOptions;

#define JB_TYPE_SIMULATOR (jb_simulator_get_type ())
G_DECLARE_FINAL_TYPE (JbSimulator, jb_simulator, JB, SIMULATOR, GObject)

void         jb_simulator_options_init (JbSimulatorOptions       *options);
JbSimulator *jb_simulator_new          (JbDispatch               *dispatch,
                                        const JbSimulatorOptions *options);
void         jb_simulator_start        (JbSimulator              *self);
void         jb_simulator_stop         (JbSimulator              *self);

G_END_DECLS
