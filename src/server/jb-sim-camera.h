/* jb-sim-camera.h — a simulated body camera films a clip and uploads it
 *
 * Runs in a worker thread (GStreamer encodes, a blocking SoupSession
 * sends): the clip goes through the server's own device API over HTTP,
 * the same resumable upload a real camera uses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char    *base_url;       /* "http://127.0.0.1:PORT" */
  char    *authorization;  /* the camera's "Basic …" */
  char    *terminal_id;
  char    *incident_id;
  char    *incident_number;
  guint    seconds;
  guint    width;
  guint    height;
  gboolean interrupt;      /* drop the link half-way, then resume from HEAD */
  gboolean has_location;
  double   lat;
  double   lon;
} JbSimCameraJob;

void  jb_sim_camera_job_free     (JbSimCameraJob  *job);

/* Films (test pattern, the terminal, the incident number and a running
 * clock burned in, a tone) and uploads. Returns the clip id; sets
 * *@out_resumed when an interrupted chunk was resumed. Blocking. */
char *jb_sim_camera_film_and_upload (const JbSimCameraJob  *job,
                                     gboolean              *out_resumed,
                                     GCancellable          *cancellable,
                                     GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbSimCameraJob, jb_sim_camera_job_free)

G_END_DECLS
