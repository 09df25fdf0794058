/* jb-simulator.h — drives the demo city through the device API
 *
 * The simulator plays every field device of the demo city: gateways post
 * their organisation's positions in batches, body cameras and police
 * handsets report for their own unit, terminals heartbeat, a few go silent
 * for a while, alarm buttons raise one-click alarms, and assigned units
 * answer (accepted, en_route, on_scene; through their own device, or the
 * company gateway naming the unit) and step through the guards'
 * procedure 先隔开、再劝解、稳情绪、等民警. It goes through
 * jb_dispatch_handle() with device credentials only (the demo secrets of
 * jb_demo_terminal_secret()), exactly as real devices over HTTP would, and
 * learns of assignments from the dispatch's "event" signal. It reads the
 * world once at start, as the read-only demo user "wall". The one thing no
 * device does, a shift change (every 3–5 minutes one station's duty
 * officers hand over), it does as the demo user "dispatcher" would.
 *
 * One GLib timeout (10 Hz) on the thread-default main context; no threads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "jb-dispatch.h"

G_BEGIN_DECLS

typedef struct
{
  guint32 seed;
  double  rate_hz;          /* position reports per unit per second for moving units (default 0.2) */
  double  moving_fraction;  /* share of units that move (default 0.3) */
  double  alarms_per_min;   /* new one-click alarms per minute (default 0.5) */
  double  heartbeat_s;      /* terminal heartbeat period (default 60) */
  gboolean patrol_slips;    /* now and then a grid member leaves its grid or goes quiet (default TRUE) */
  guint   patrol_silence_s; /* the server's silence limit, to go quiet a little longer (default 600) */
  double  handle_s;         /* a dispatcher closes each incident about this long after it came (0: nobody, the default) */
} JbSimulatorOptions;

/* What the simulator has sent since it started. */
typedef struct
{
  guint64 requests;         /* calls of jb_dispatch_handle */
  guint64 errors;           /* answers other than the expected 2xx */
  guint64 positions;        /* position items sent (batched or single) */
  guint64 batches;          /* POST /device/positions */
  guint64 heartbeats;
  guint64 alarms;           /* one-click alarms and guards' reports */
  guint64 answers;          /* POST /device/assignment */
  guint64 steps;            /* POST /device/procedure */
  guint64 unreachable;      /* assignments of units with neither a device nor a gateway */
  guint64 rosters;          /* shift changes: PUT /stations/{id}/roster as the demo dispatcher */
  guint64 clips;            /* body camera clips uploaded (filmed with GStreamer, sent over HTTP) */
  guint64 clips_resumed;    /* of those, uploads cut off half-way and resumed from HEAD */
  guint64 acknowledged;     /* the dispatcher's (options.handle_s > 0): incidents acknowledged, */
  guint64 assigned;         /* units assigned */
  guint64 closed;           /* and incidents closed */
  guint   silent;           /* terminals silent right now */
} JbSimulatorStats;

#define JB_TYPE_SIMULATOR (jb_simulator_get_type ())
G_DECLARE_FINAL_TYPE (JbSimulator, jb_simulator, JB, SIMULATOR, GObject)

void         jb_simulator_options_init (JbSimulatorOptions       *options);
JbSimulator *jb_simulator_new          (JbDispatch               *dispatch,
                                        const JbSimulatorOptions *options);
/* Logs in, reads the snapshot and starts ticking; on failure it says why
 * on stderr and does not start. */
void         jb_simulator_start        (JbSimulator              *self);
void         jb_simulator_stop         (JbSimulator              *self);
void         jb_simulator_get_stats    (JbSimulator              *self,
                                        JbSimulatorStats         *out_stats);
/* Multiplies the scripted delays (answering, setting off, the procedure
 * steps, pauses, silences) by @scale; 1 is realistic, tests use less.
 * Movement, report rates and heartbeats keep real time. */
/* The server's own base URL ("http://127.0.0.1:PORT"): body cameras
 * upload their clips there, through the HTTP device API. Without it they
 * film nothing. */
void         jb_simulator_set_upload_url (JbSimulator            *self,
                                          const char             *url);
void         jb_simulator_set_time_scale (JbSimulator            *self,
                                          double                  scale);

G_END_DECLS
